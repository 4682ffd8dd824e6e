// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the SIMVIRTIO ring (simqueue.h) and the device's state
 * machine and checks, driven through its bus handler on a fake VM (RAM is
 * a plain buffer, no /dev/kvm), as an exit-transport driver would, and
 * through simvirtio_service() as the poll transport's thread would.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <simvmm/memmap.h>
#include <simvmm/simqueue.h>

#include "devices/simvirtio.h"
#include "log.h"
#include "vm.h"

/* ---- the ring ------------------------------------------------------------ */

struct ring {
	queue_control_t ctrl;
	q_elem_t buf[8];
	simqueue_t q;
};

static void ring_init(struct ring *r, unsigned int maxlen)
{
	memset(r, 0, sizeof(*r));
	r->q.q_ctrl = &r->ctrl;
	r->q.maxlen = maxlen;
	r->q.buffer = r->buf;
}

static void test_ring_empty_and_full(void **state)
{
	struct ring r;
	q_elem_t c = 0;

	(void)state;
	ring_init(&r, 4);
	assert_int_equal(circ_bbuf_pop(&r.q, &c), SIMQ_EMPTY);
	/* maxlen 4 holds 3: one slot stays empty to tell full from empty. */
	assert_int_equal(circ_bbuf_push(&r.q, 'a'), SIMQ_OK);
	assert_int_equal(circ_bbuf_push(&r.q, 'b'), SIMQ_OK);
	assert_int_equal(circ_bbuf_push(&r.q, 'c'), SIMQ_OK);
	assert_int_equal(circ_bbuf_push(&r.q, 'd'), SIMQ_FULL);
	assert_int_equal(r.ctrl.head, 3);
	assert_int_equal(r.ctrl.tail, 0);
	assert_int_equal(simq_count(4, r.ctrl.head, r.ctrl.tail), 3);
	assert_int_equal(circ_bbuf_pop(&r.q, &c), SIMQ_OK);
	assert_int_equal(c, 'a');
	assert_int_equal(circ_bbuf_push(&r.q, 'd'), SIMQ_OK);
	assert_int_equal(circ_bbuf_pop(&r.q, &c), SIMQ_OK);
	assert_int_equal(c, 'b');
	assert_int_equal(circ_bbuf_pop(&r.q, &c), SIMQ_OK);
	assert_int_equal(c, 'c');
	assert_int_equal(circ_bbuf_pop(&r.q, &c), SIMQ_OK);
	assert_int_equal(c, 'd');
	assert_int_equal(circ_bbuf_pop(&r.q, &c), SIMQ_EMPTY);
}

static void test_ring_wraps_around(void **state)
{
	struct ring r;
	unsigned int i;
	q_elem_t c;

	(void)state;
	ring_init(&r, 4);
	for (i = 0; i < 10; i++) {
		assert_int_equal(circ_bbuf_push(&r.q, (q_elem_t)i), SIMQ_OK);
		assert_int_equal(circ_bbuf_push(&r.q, (q_elem_t)(i + 100)),
				 SIMQ_OK);
		assert_int_equal(circ_bbuf_pop(&r.q, &c), SIMQ_OK);
		assert_int_equal(c, i);
		assert_int_equal(circ_bbuf_pop(&r.q, &c), SIMQ_OK);
		assert_int_equal(c, i + 100);
		/* Indices never leave [0, maxlen): they wrap to 0. */
		assert_true(r.ctrl.head < 4 && r.ctrl.tail < 4);
		assert_int_equal(r.ctrl.head, r.ctrl.tail);
	}
	assert_int_equal(r.ctrl.head, 20 % 4);
	/* Count across the wrap: head 1, tail 3 is two elements. */
	assert_int_equal(simq_count(4, 1, 3), 2);
}

static void test_ring_rejects_bad_indices(void **state)
{
	struct ring r;
	q_elem_t c = 0x5a;

	(void)state;
	ring_init(&r, 4);
	memset(r.buf, 0xee, sizeof(r.buf));
	r.ctrl.head = 4;
	assert_int_equal(circ_bbuf_push(&r.q, 'x'), SIMQ_CORRUPT);
	assert_int_equal(circ_bbuf_pop(&r.q, &c), SIMQ_CORRUPT);
	r.ctrl.head = 0;
	r.ctrl.tail = 0xffffffff;
	assert_int_equal(circ_bbuf_push(&r.q, 'x'), SIMQ_CORRUPT);
	assert_int_equal(circ_bbuf_pop(&r.q, &c), SIMQ_CORRUPT);
	/* Nothing written anywhere, nothing read. */
	assert_int_equal(r.buf[0], 0xee);
	assert_int_equal(r.buf[4], 0xee);
	assert_int_equal(c, 0x5a);
	assert_int_equal(r.ctrl.head, 0);
	ring_init(&r, 0);
	assert_int_equal(circ_bbuf_push(&r.q, 'x'), SIMQ_CORRUPT);
}

/* ---- the device, on a fake VM ------------------------------------------- */

#define RAM_SIZE 0x10000
#define RINGS (SIMVIRTIO_RINGS_OFF)

struct fx {
	struct vm *vm;
	struct simvirtio *sv;
	int out[2];	/* TX lands in out[0] */
	int in[2];	/* RX comes from in[1] */
	FILE *err;	/* the device's stderr, for its diagnostics */
	int saved_stderr;
};

static int fx_setup(void **state)
{
	struct simvirtio_params p;
	struct fx *f;

	log_set_quiet(true);
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->vm = calloc(1, sizeof(*f->vm));
	assert_non_null(f->vm);
	f->vm->fd = -1;
	f->vm->mem = calloc(1, RAM_SIZE);
	assert_non_null(f->vm->mem);
	f->vm->mem_size = RAM_SIZE;
	f->vm->slots[0].size = RAM_SIZE;
	f->vm->slots[0].hva = f->vm->mem;
	f->vm->nr_slots = 1;
	bus_init(&f->vm->bus);
	assert_int_equal(pipe2(f->out, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(pipe2(f->in, O_CLOEXEC), 0);
	f->err = tmpfile();
	assert_non_null(f->err);
	fflush(stderr);
	f->saved_stderr = dup(STDERR_FILENO);
	assert_true(f->saved_stderr >= 0);
	assert_true(dup2(fileno(f->err), STDERR_FILENO) >= 0);

	p.transport = SIMVIRTIO_EXIT;
	p.out_fd = f->out[1];
	p.in_fd = f->in[0];
	assert_int_equal(simvirtio_attach(f->vm, &p, &f->sv), 0);
	assert_int_equal(f->vm->nr_devices, 1);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	f->vm->devices[0].destroy(f->vm->devices[0].priv);
	fflush(stderr);
	dup2(f->saved_stderr, STDERR_FILENO);
	close(f->saved_stderr);
	fclose(f->err);
	close(f->out[0]);
	close(f->out[1]);
	close(f->in[0]);
	if (f->in[1] >= 0)
		close(f->in[1]);
	free(f->vm->mem);
	free(f->vm);
	free(f);
	return 0;
}

static uint32_t rd(struct fx *f, uint64_t off, uint32_t len)
{
	uint32_t v = 0;

	assert_int_equal(bus_access(&f->vm->bus, BUS_MMIO,
				    SIMVMM_SIMVIRTIO_ADDR + off, &v, len,
				    false), 0);
	return v;
}

static void wr(struct fx *f, uint64_t off, uint32_t v, uint32_t len)
{
	assert_int_equal(bus_access(&f->vm->bus, BUS_MMIO,
				    SIMVMM_SIMVIRTIO_ADDR + off, &v, len,
				    true), 0);
}

static uint8_t dev_status(struct fx *f)
{
	return rd(f, SIMVIRTIO_REG_DEVICE_STATUS, 1);
}

/* What an exit-transport driver's circ_bbuf_push does, access by access. */
static void tx_push(struct fx *f, uint8_t c)
{
	uint32_t head = rd(f, RINGS + offsetof(struct simvirtio_rings, tx.head),
			   4);

	wr(f, RINGS + offsetof(struct simvirtio_rings, tx_buf) + head, c, 1);
	wr(f, RINGS + offsetof(struct simvirtio_rings, tx.head),
	   (head + 1) % SIMVIRTIO_QUEUE_LEN, 4);
}

static void handshake(struct fx *f)
{
	tx_push(f, 'R');
	assert_int_equal(dev_status(f), DEVICE_RESET);
	wr(f, SIMVIRTIO_REG_DRIVER_STATUS, DRIVER_ACK, 1);
	tx_push(f, 'C');
	assert_int_equal(dev_status(f), DEVICE_CONFIG);
	wr(f, SIMVIRTIO_REG_DRIVER_STATUS, DRIVER_OK, 1);
	assert_int_equal(dev_status(f), DEVICE_READY);
}

static const device_table_t *table(struct fx *f)
{
	return (const device_table_t *)(f->vm->mem + SIMVMM_DEVTABLE_ADDR);
}

/* Everything the device said on stderr so far. */
static const char *diagnostics(struct fx *f)
{
	static char buf[4096];
	size_t n;

	fflush(stderr);
	rewind(f->err);
	n = fread(buf, 1, sizeof(buf) - 1, f->err);
	buf[n] = 0;
	return buf;
}

/* The device is in DEVICE_ERROR, said @why, and asked the VM to stop. */
static void assert_stopped(struct fx *f, const char *why)
{
	const char *said = diagnostics(f);

	if (!strstr(said, why))
		fail_msg("diagnostic '%s' missing from '%s'", why, said);
	assert_non_null(strstr(said, "simvmm: error: simvirtio: protocol violation: "));
	assert_int_equal(dev_status(f), DEVICE_ERROR);
	assert_int_equal(f->vm->stop, VM_STOP_DEVICE_ERROR);
}

static void test_registers(void **state)
{
	struct fx *f = *state;

	assert_int_equal(rd(f, SIMVIRTIO_REG_MAGIC, 4), MAGIC_VALUE);
	assert_int_equal(rd(f, SIMVIRTIO_REG_MAX_QUEUE_LEN, 2),
			 SIMVIRTIO_QUEUE_LEN);
	wr(f, SIMVIRTIO_REG_QUEUE_SEL, SIMVIRTIO_QUEUE_RX, 1);
	assert_int_equal(rd(f, SIMVIRTIO_REG_QUEUE_SEL, 1), SIMVIRTIO_QUEUE_RX);
	assert_int_equal(rd(f, SIMVIRTIO_REG_MAX_QUEUE_LEN, 2),
			 SIMVIRTIO_QUEUE_LEN);
	/* A queue that does not exist has length 0; selecting it is fine. */
	wr(f, SIMVIRTIO_REG_QUEUE_SEL, 7, 1);
	assert_int_equal(rd(f, SIMVIRTIO_REG_MAX_QUEUE_LEN, 2), 0);
	assert_int_equal(dev_status(f), DEVICE_RESET);
	assert_int_equal(rd(f, SIMVIRTIO_REG_DRIVER_STATUS, 1), DRIVER_ACK);
	assert_int_equal(rd(f, SIMVIRTIO_REG_Q0_CTL, 1), 0);
	assert_int_equal(rd(f, SIMVIRTIO_REG_Q1_CTL, 1), 0);
	assert_int_equal(f->vm->stop, VM_RUNNING);
	assert_int_equal(f->sv->stats.config_exits, 11);
}

static void test_handshake_and_data(void **state)
{
	struct fx *f = *state;
	char out[16] = { 0 };

	assert_int_equal(table(f)->count, 0);
	handshake(f);
	assert_int_equal(table(f)->count, 1);
	assert_true(table(f)->device_addresses[0] == SIMVMM_SIMVIRTIO_ADDR);
	tx_push(f, 'A');
	tx_push(f, 'n');
	tx_push(f, 'a');
	assert_int_equal(read(f->out[0], out, sizeof(out)), 3);
	assert_string_equal(out, "Ana");
	/* The device took everything: its tail caught up with the head. */
	assert_int_equal(rd(f, RINGS + offsetof(struct simvirtio_rings, tx.tail), 4),
			 5);
	assert_int_equal(f->sv->stats.tx_bytes, 3);
	assert_int_equal(f->vm->stop, VM_RUNNING);
	assert_string_equal(diagnostics(f), "");
}

static void test_c_before_r(void **state)
{
	struct fx *f = *state;

	tx_push(f, 'C');
	assert_stopped(f, "'C' on TX before 'R': the handshake starts with 'R'");
	assert_int_equal(table(f)->count, 0);
	/* Sticky: the rest of the handshake changes nothing. */
	tx_push(f, 'R');
	assert_int_equal(dev_status(f), DEVICE_ERROR);
}

static void test_c_before_ack(void **state)
{
	struct fx *f = *state;

	tx_push(f, 'R');
	tx_push(f, 'C');
	assert_stopped(f, "'C' on TX before the driver set DRIVER_ACK");
}

static void test_data_before_ready(void **state)
{
	struct fx *f = *state;
	char out[4];

	tx_push(f, 'R');
	wr(f, SIMVIRTIO_REG_DRIVER_STATUS, DRIVER_ACK, 1);
	tx_push(f, 'C');
	tx_push(f, 'A');
	assert_stopped(f, "data (0x41) on TX before DEVICE_READY: the driver must set DRIVER_OK first");
	assert_int_equal(read(f->out[0], out, sizeof(out)), -1);
	assert_int_equal(errno, EAGAIN);
}

static void test_driver_ok_too_early(void **state)
{
	struct fx *f = *state;

	tx_push(f, 'R');
	wr(f, SIMVIRTIO_REG_DRIVER_STATUS, DRIVER_OK, 1);
	assert_stopped(f, "DRIVER_OK while the device status is 0x00, not DEVICE_CONFIG");
}

static void test_bad_register_accesses(void **state)
{
	struct fx *f = *state;

	/* Wrong width on a register. */
	assert_int_equal(rd(f, SIMVIRTIO_REG_MAGIC, 2), 0xffff);
	assert_stopped(f, "read of 2 byte(s) at config offset 0x0 matches no register");
}

static void test_offset_in_no_register(void **state)
{
	struct fx *f = *state;

	wr(f, 0x20, 1, 1);
	assert_stopped(f, "write of 1 byte(s) at config offset 0x20 matches no register");
}

static void test_read_only_write(void **state)
{
	struct fx *f = *state;

	wr(f, SIMVIRTIO_REG_MAGIC, 0, 4);
	assert_stopped(f, "write of 0x0 to the read-only magic register");
	assert_int_equal(rd(f, SIMVIRTIO_REG_MAGIC, 4), MAGIC_VALUE);
}

static void test_tx_head_out_of_range(void **state)
{
	struct fx *f = *state;

	handshake(f);
	wr(f, RINGS + offsetof(struct simvirtio_rings, tx.head),
	   SIMVIRTIO_QUEUE_LEN, 4);
	assert_stopped(f, "TX head 1024 is outside the queue (max queue len 1024)");
}

static void test_tx_overflow(void **state)
{
	struct fx *f = *state;
	uint32_t head;

	handshake(f);
	head = rd(f, RINGS + offsetof(struct simvirtio_rings, tx.head), 4);
	/* The slot just behind the head is the one the rule keeps empty. */
	wr(f, RINGS + offsetof(struct simvirtio_rings, tx_buf) + head, 'x', 1);
	assert_int_equal(f->vm->stop, VM_RUNNING);
	wr(f, RINGS + offsetof(struct simvirtio_rings, tx_buf) + head - 1,
	   'x', 1);
	assert_stopped(f, "TX overflow: the driver wrote slot 1, which is not free (head 2, tail 2; the queue holds at most 1023 elements)");
}

static void test_device_owned_fields(void **state)
{
	struct fx *f = *state;

	handshake(f);
	wr(f, RINGS + offsetof(struct simvirtio_rings, tx.tail), 0, 4);
	assert_stopped(f, "write of 4 byte(s) to ring-page offset 0x4 (TX tail)");
}

static void test_rx_and_end_of_stream(void **state)
{
	struct fx *f = *state;
	const uint64_t head = RINGS + offsetof(struct simvirtio_rings, rx.head);
	const uint64_t tail = RINGS + offsetof(struct simvirtio_rings, rx.tail);
	const uint64_t buf = RINGS + offsetof(struct simvirtio_rings, rx_buf);

	assert_int_equal(write(f->in[1], "xyz", 3), 3);
	/* Nothing reaches RX before READY. */
	assert_int_equal(rd(f, head, 4), 0);
	handshake(f);
	assert_int_equal(rd(f, head, 4), 3);
	assert_int_equal(rd(f, buf, 1), 'x');
	assert_int_equal(rd(f, buf + 2, 1), 'z');
	wr(f, tail, 3, 4);
	assert_int_equal(rd(f, SIMVIRTIO_REG_Q1_CTL, 1), 0);
	close(f->in[1]);
	f->in[1] = -1;
	assert_int_equal(rd(f, head, 4), 3);
	assert_int_equal(rd(f, RINGS + offsetof(struct simvirtio_rings, rx_eos), 4),
			 1);
	assert_int_equal(rd(f, SIMVIRTIO_REG_Q1_CTL, 1), SIMVIRTIO_QSTAT_EOS);
	assert_int_equal(f->sv->stats.rx_bytes, 3);
	assert_int_equal(f->vm->stop, VM_RUNNING);
}

static void test_rx_tail_past_head(void **state)
{
	struct fx *f = *state;

	handshake(f);
	wr(f, RINGS + offsetof(struct simvirtio_rings, rx.tail), 1, 4);
	assert_stopped(f, "RX tail moved from 0 to 1, past head 0");
}

static void test_driver_reset(void **state)
{
	struct fx *f = *state;

	handshake(f);
	tx_push(f, 'A');
	wr(f, SIMVIRTIO_REG_DRIVER_STATUS, DRIVER_STATUS_RESET, 1);
	assert_int_equal(dev_status(f), DEVICE_RESET);
	assert_int_equal(table(f)->count, 0);
	assert_int_equal(rd(f, RINGS + offsetof(struct simvirtio_rings, tx.head), 4),
			 0);
	/* Back at power-on: the whole handshake works again. */
	handshake(f);
	assert_int_equal(table(f)->count, 1);
	assert_int_equal(f->vm->stop, VM_RUNNING);
}

/* The poll transport's view: the driver writes the shared page directly. */
static void test_poll_service(void **state)
{
	struct fx *f = *state;
	struct simvirtio_rings *r = f->sv->rings;
	char out[8] = { 0 };

	assert_int_equal(simvirtio_service(f->sv), 0);
	r->tx_buf[0] = 'R';
	r->tx.head = 1;
	assert_int_equal(simvirtio_service(f->sv), 1);
	assert_int_equal(r->tx.tail, 1);
	assert_int_equal(simvirtio_device_status(f->sv), DEVICE_RESET);
	wr(f, SIMVIRTIO_REG_DRIVER_STATUS, DRIVER_ACK, 1);
	r->tx_buf[1] = 'C';
	r->tx.head = 2;
	simvirtio_service(f->sv);
	assert_int_equal(simvirtio_device_status(f->sv), DEVICE_CONFIG);
	wr(f, SIMVIRTIO_REG_DRIVER_STATUS, DRIVER_OK, 1);
	memcpy(&r->tx_buf[2], "hi", 2);
	r->tx.head = 4;
	assert_int_equal(simvirtio_service(f->sv), 2);
	assert_int_equal(read(f->out[0], out, sizeof(out)), 2);
	assert_string_equal(out, "hi");
	assert_int_equal(f->sv->stats.ring_exits, 0);
}

static void test_poll_driver_moves_device_index(void **state)
{
	struct fx *f = *state;
	struct simvirtio_rings *r = f->sv->rings;

	r->tx.tail = 5;
	assert_int_equal(simvirtio_service(f->sv), 0);
	assert_int_equal(simvirtio_device_status(f->sv), DEVICE_ERROR);
	/* The poller never stops the VM itself: the next vCPU access does. */
	assert_int_equal(f->vm->stop, VM_RUNNING);
	assert_stopped(f, "the driver wrote the device-owned TX tail (5, the device has 0)");
}

static void test_poll_head_out_of_range(void **state)
{
	struct fx *f = *state;

	f->sv->rings->tx.head = 4096;
	simvirtio_service(f->sv);
	assert_stopped(f, "TX head 4096 is outside the queue (max queue len 1024)");
}

static int dummy_handler(void *owner, uint64_t offset, void *data,
			 uint32_t len, bool is_write)
{
	(void)owner;
	(void)offset;
	(void)data;
	(void)len;
	(void)is_write;
	return 0;
}

/* A window that overlaps a registered device is refused, without leaks. */
static void test_attach_refuses_taken_window(void **state)
{
	struct simvirtio_params p = { SIMVIRTIO_EXIT, -1, -1 };
	struct simvirtio *sv = NULL;
	struct vm vm;

	(void)state;
	memset(&vm, 0, sizeof(vm));
	vm.fd = -1;
	bus_init(&vm.bus);
	assert_int_equal(bus_register(&vm.bus, BUS_MMIO,
				      SIMVIRTIO_RINGS_ADDR, 1, dummy_handler,
				      NULL, "squatter"), 0);
	assert_int_equal(simvirtio_attach(&vm, &p, &sv), -EEXIST);
	assert_null(sv);
	/* The VM owns what was attached and frees it at destroy. */
	assert_int_equal(vm.nr_devices, 1);
	vm.devices[0].destroy(vm.devices[0].priv);
}

static void test_transport_names(void **state)
{
	enum simvirtio_transport t;

	(void)state;
	assert_int_equal(simvirtio_transport_parse("exit", &t), 0);
	assert_int_equal(t, SIMVIRTIO_EXIT);
	assert_int_equal(simvirtio_transport_parse("poll", &t), 0);
	assert_int_equal(t, SIMVIRTIO_POLL);
	assert_string_equal(simvirtio_transport_name(t), "poll");
	assert_int_equal(simvirtio_transport_parse("pooling", &t), -EINVAL);
}

#define DEV_TEST(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_empty_and_full),
		cmocka_unit_test(test_ring_wraps_around),
		cmocka_unit_test(test_ring_rejects_bad_indices),
		DEV_TEST(test_registers),
		DEV_TEST(test_handshake_and_data),
		DEV_TEST(test_c_before_r),
		DEV_TEST(test_c_before_ack),
		DEV_TEST(test_data_before_ready),
		DEV_TEST(test_driver_ok_too_early),
		DEV_TEST(test_bad_register_accesses),
		DEV_TEST(test_offset_in_no_register),
		DEV_TEST(test_read_only_write),
		DEV_TEST(test_tx_head_out_of_range),
		DEV_TEST(test_tx_overflow),
		DEV_TEST(test_device_owned_fields),
		DEV_TEST(test_rx_and_end_of_stream),
		DEV_TEST(test_rx_tail_past_head),
		DEV_TEST(test_driver_reset),
		DEV_TEST(test_poll_service),
		DEV_TEST(test_poll_driver_moves_device_index),
		DEV_TEST(test_poll_head_out_of_range),
		cmocka_unit_test(test_attach_refuses_taken_window),
		cmocka_unit_test(test_transport_names),
	};

	return cmocka_run_group_tests_name("simvirtio", tests, NULL, NULL);
}

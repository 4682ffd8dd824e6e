// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the SIMVIRTIO ring (simqueue.h) and the device's state
 * machine and checks, driven through its bus handler on a fake VM (RAM is
 * a plain buffer, no /dev/kvm), as an exit-transport driver would, and
 * through simvirtio_service() as the poll transport's thread would: there
 * the driver stores into the ring page directly, and the device is made
 * as the poll transport has it, without its KVM parts (see fx_setup_poll).
 * Backends are chardevs on pipes; the poller's adaptive spin is bounded.
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
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <cmocka.h>

#include <simvmm/memmap.h>
#include <simvmm/simqueue.h>

#include "chardev.h"
#include "devices/simvirtio.h"
#include "log.h"
#include "util.h"
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

#define RAM_SIZE 0x10000		/* the assignment's map */
#define RAM_LARGE 0x200000		/* the large map: --memory 2M */
#define RINGS (SIMVIRTIO_RINGS_OFF)

struct fx {
	struct vm *vm;
	struct simvirtio *sv;
	int out[2];	/* TX lands in out[0] */
	int in[2];	/* RX comes from in[1] */
	struct chardev *outc, *inc;	/* the device's backends on them */
	FILE *err;	/* the device's stderr, for its diagnostics */
	int saved_stderr;
};

/* The device on a fake VM with @ram_size bytes of RAM, exit transport. */
static int fx_setup_ram(void **state, uint64_t ram_size)
{
	struct simvirtio_params p;
	struct fx *f;

	log_set_quiet(true);
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->vm = calloc(1, sizeof(*f->vm));
	assert_non_null(f->vm);
	f->vm->fd = -1;
	f->vm->sys_fd = -1;
	f->vm->stop_fd = -1;	/* no eventfd: vm_request_stop() only records */
	pthread_mutex_init(&f->vm->kick_lock, NULL);
	f->vm->mem = calloc(1, ram_size);
	assert_non_null(f->vm->mem);
	f->vm->mem_size = ram_size;
	f->vm->slots[0].size = ram_size;
	f->vm->slots[0].hva = f->vm->mem;
	f->vm->nr_slots = 1;
	f->vm->mmio_base = SIMVMM_MMIO_BASE(ram_size);
	bus_init(&f->vm->bus);
	assert_int_equal(pipe2(f->out, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(pipe2(f->in, O_CLOEXEC), 0);
	f->err = tmpfile();
	assert_non_null(f->err);
	fflush(stderr);
	f->saved_stderr = dup(STDERR_FILENO);
	assert_true(f->saved_stderr >= 0);
	assert_true(dup2(fileno(f->err), STDERR_FILENO) >= 0);
	assert_int_equal(chardev_open_fd(f->out[1], true, "tx pipe", &f->outc),
			 0);
	assert_int_equal(chardev_open_fd(f->in[0], false, "rx pipe", &f->inc),
			 0);

	p.transport = SIMVIRTIO_EXIT;
	p.out = f->outc;
	p.in = f->inc;
	assert_int_equal(simvirtio_attach(f->vm, &p, &f->sv), 0);
	assert_int_equal(f->vm->nr_devices, 1);
	assert_true(f->sv->base == f->vm->mmio_base);
	*state = f;
	return 0;
}

static int fx_setup(void **state)
{
	return fx_setup_ram(state, RAM_SIZE);
}

static int fx_setup_large(void **state)
{
	return fx_setup_ram(state, RAM_LARGE);
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	f->vm->devices[0].destroy(f->vm->devices[0].priv);
	chardev_close(f->inc);
	chardev_close(f->outc);
	fflush(stderr);
	dup2(f->saved_stderr, STDERR_FILENO);
	close(f->saved_stderr);
	fclose(f->err);
	close(f->out[0]);
	close(f->out[1]);
	close(f->in[0]);
	if (f->in[1] >= 0)
		close(f->in[1]);
	pthread_mutex_destroy(&f->vm->kick_lock);
	free(f->vm->mem);
	free(f->vm);
	free(f);
	return 0;
}

static uint32_t rd(struct fx *f, uint64_t off, uint32_t len)
{
	uint32_t v = 0;

	assert_int_equal(bus_access(&f->vm->bus, BUS_MMIO,
				    f->vm->mmio_base + off, &v, len,
				    false), 0);
	return v;
}

static void wr(struct fx *f, uint64_t off, uint32_t v, uint32_t len)
{
	assert_int_equal(bus_access(&f->vm->bus, BUS_MMIO,
				    f->vm->mmio_base + off, &v, len,
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
	assert_int_equal(vm_stop_reason(f->vm, NULL), VM_STOP_DEVICE_ERROR);
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
	assert_int_equal(vm_stop_reason(f->vm, NULL), VM_RUNNING);
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
	assert_int_equal(vm_stop_reason(f->vm, NULL), VM_RUNNING);
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
	assert_int_equal(vm_stop_reason(f->vm, NULL), VM_RUNNING);
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
	assert_int_equal(vm_stop_reason(f->vm, NULL), VM_RUNNING);
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
	assert_int_equal(vm_stop_reason(f->vm, NULL), VM_RUNNING);
}

/* ---- the large map: the window at 0xc0000000, listed from power-on ------- */

/* The device table lists exactly the window at @addr, or (0) nothing. */
static void assert_table(struct fx *f, uint64_t addr)
{
	device_table_t want;

	memset(&want, 0, sizeof(want));
	if (addr) {
		want.count = 1;
		want.device_addresses[0] = addr;
	}
	assert_memory_equal(table(f), &want, sizeof(want));
}

static void test_large_map_window(void **state)
{
	struct fx *f = *state;
	uint32_t v = 0;

	assert_int_equal(f->vm->mmio_base, SIMVMM_MMIO_HIGH_BASE);
	assert_true(f->sv->listed_always);
	/* The registers and the ring page answer at 0xc0000000... */
	assert_int_equal(bus_access(&f->vm->bus, BUS_MMIO,
				    SIMVMM_MMIO_HIGH_BASE + SIMVIRTIO_REG_MAGIC,
				    &v, 4, false), 0);
	assert_int_equal(v, MAGIC_VALUE);
	assert_int_equal(rd(f, RINGS + offsetof(struct simvirtio_rings, tx.head),
			    4), 0);
	/* ...and nothing does at the assignment's 0x100000: all-ones. */
	v = 0;
	assert_int_equal(bus_access(&f->vm->bus, BUS_MMIO,
				    SIMVMM_SIMVIRTIO_ADDR + SIMVIRTIO_REG_MAGIC,
				    &v, 4, false), 0);
	assert_int_equal(v, 0xffffffff);
	v = 0;
	assert_int_equal(bus_access(&f->vm->bus, BUS_MMIO,
				    SIMVMM_SIMVIRTIO_ADDR + SIMVIRTIO_RINGS_OFF,
				    &v, 4, false), 0);
	assert_int_equal(v, 0xffffffff);
	/* A write there that would be a violation at the window is nothing. */
	v = 0;
	assert_int_equal(bus_access(&f->vm->bus, BUS_MMIO,
				    SIMVMM_SIMVIRTIO_ADDR + SIMVIRTIO_REG_MAGIC,
				    &v, 4, true), 0);
	assert_int_equal(f->vm->bus.unassigned_reads[BUS_MMIO], 2);
	assert_int_equal(f->vm->bus.unassigned_writes[BUS_MMIO], 1);
	assert_int_equal(dev_status(f), DEVICE_RESET);
	assert_int_equal(vm_stop_reason(f->vm, NULL), VM_RUNNING);
	assert_string_equal(diagnostics(f), "");
}

/* In the assignment's map the reverse: nothing at 0xc0000000. */
static void test_small_map_window(void **state)
{
	struct fx *f = *state;
	uint32_t v = 0;

	assert_int_equal(f->vm->mmio_base, SIMVMM_SIMVIRTIO_ADDR);
	assert_false(f->sv->listed_always);
	assert_int_equal(bus_access(&f->vm->bus, BUS_MMIO,
				    SIMVMM_SIMVIRTIO_ADDR + SIMVIRTIO_REG_MAGIC,
				    &v, 4, false), 0);
	assert_int_equal(v, MAGIC_VALUE);
	v = 0;
	assert_int_equal(bus_access(&f->vm->bus, BUS_MMIO,
				    SIMVMM_MMIO_HIGH_BASE + SIMVIRTIO_REG_MAGIC,
				    &v, 4, false), 0);
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(f->vm->bus.unassigned_reads[BUS_MMIO], 1);
	/* Not listed before 'C'. */
	assert_table(f, 0);
}

/*
 * The table lists the window from power-on, through 'R', the handshake
 * and data, and a driver reset: the driver has no other way to find it.
 */
static void test_large_map_table_always_listed(void **state)
{
	struct fx *f = *state;
	char out[8] = { 0 };

	assert_table(f, SIMVMM_MMIO_HIGH_BASE);
	tx_push(f, 'R');
	assert_int_equal(dev_status(f), DEVICE_RESET);
	assert_table(f, SIMVMM_MMIO_HIGH_BASE);
	wr(f, SIMVIRTIO_REG_DRIVER_STATUS, DRIVER_ACK, 1);
	assert_table(f, SIMVMM_MMIO_HIGH_BASE);
	tx_push(f, 'C');
	assert_int_equal(dev_status(f), DEVICE_CONFIG);
	assert_table(f, SIMVMM_MMIO_HIGH_BASE);
	wr(f, SIMVIRTIO_REG_DRIVER_STATUS, DRIVER_OK, 1);
	assert_int_equal(dev_status(f), DEVICE_READY);
	assert_table(f, SIMVMM_MMIO_HIGH_BASE);
	tx_push(f, 'A');
	tx_push(f, 'n');
	tx_push(f, 'a');
	assert_int_equal(read(f->out[0], out, sizeof(out)), 3);
	assert_string_equal(out, "Ana");

	/* A driver reset: power-on again, and listed again. */
	wr(f, SIMVIRTIO_REG_DRIVER_STATUS, DRIVER_STATUS_RESET, 1);
	assert_int_equal(dev_status(f), DEVICE_RESET);
	assert_int_equal(rd(f, RINGS + offsetof(struct simvirtio_rings, tx.head),
			    4), 0);
	assert_table(f, SIMVMM_MMIO_HIGH_BASE);
	/* A guest that scribbled on the table gets it back at each reset. */
	memset(f->vm->mem + SIMVMM_DEVTABLE_ADDR, 0x5a, sizeof(device_table_t));
	tx_push(f, 'R');
	assert_table(f, SIMVMM_MMIO_HIGH_BASE);
	memset(f->vm->mem + SIMVMM_DEVTABLE_ADDR, 0, sizeof(device_table_t));
	wr(f, SIMVIRTIO_REG_DRIVER_STATUS, DRIVER_STATUS_RESET, 1);
	assert_table(f, SIMVMM_MMIO_HIGH_BASE);
	handshake(f);
	assert_table(f, SIMVMM_MMIO_HIGH_BASE);
	assert_int_equal(vm_stop_reason(f->vm, NULL), VM_RUNNING);
	assert_string_equal(diagnostics(f), "");
}

/* After a violation the device writes the table no more: frozen, listed. */
static void test_large_map_table_frozen_after_violation(void **state)
{
	struct fx *f = *state;

	tx_push(f, 'C');
	assert_stopped(f, "'C' on TX before 'R': the handshake starts with 'R'");
	assert_table(f, SIMVMM_MMIO_HIGH_BASE);
	/* Neither a reset nor the handshake touches it now. */
	memset(f->vm->mem + SIMVMM_DEVTABLE_ADDR, 0, sizeof(device_table_t));
	wr(f, SIMVIRTIO_REG_DRIVER_STATUS, DRIVER_STATUS_RESET, 1);
	tx_push(f, 'R');
	assert_int_equal(dev_status(f), DEVICE_ERROR);
	assert_table(f, 0);
}

/* The same once READY: listed when the violation came, and left so. */
static void test_large_map_violation_in_ready(void **state)
{
	struct fx *f = *state;

	handshake(f);
	wr(f, RINGS + offsetof(struct simvirtio_rings, tx.head),
	   SIMVIRTIO_QUEUE_LEN, 4);
	assert_stopped(f, "TX head 1024 is outside the queue (max queue len 1024)");
	assert_table(f, SIMVMM_MMIO_HIGH_BASE);
	wr(f, SIMVIRTIO_REG_DRIVER_STATUS, DRIVER_STATUS_RESET, 1);
	assert_int_equal(dev_status(f), DEVICE_ERROR);
	assert_table(f, SIMVMM_MMIO_HIGH_BASE);
}

/* ---- the poll transport, serviced by hand -------------------------------- */

/*
 * The device as the poll transport has it, minus KVM: attached with the
 * exit transport (no slot, no ioeventfds, no poller thread), then switched
 * to poll, so the ring page is memory the test stores into as the guest
 * would, register accesses still go through the bus, and the test plays
 * the poller by calling simvirtio_service().
 */
static int fx_setup_poll(void **state)
{
	struct fx *f;

	fx_setup(state);
	f = *state;
	f->sv->transport = SIMVIRTIO_POLL;
	return 0;
}

static int fx_setup_poll_large(void **state)
{
	struct fx *f;

	fx_setup_large(state);
	f = *state;
	f->sv->transport = SIMVIRTIO_POLL;
	return 0;
}

/* The driver stores @n bytes on TX and moves the head: no exit, no notify. */
static void poll_tx(struct fx *f, const void *p, unsigned int n)
{
	struct simvirtio_rings *r = f->sv->rings;
	const uint8_t *b = p;
	unsigned int head = r->tx.head, i;

	for (i = 0; i < n; i++) {
		r->tx_buf[head] = b[i];
		head = (head + 1) % SIMVIRTIO_QUEUE_LEN;
	}
	__atomic_store_n(&r->tx.head, head, __ATOMIC_RELEASE);
}

static void poll_handshake(struct fx *f)
{
	poll_tx(f, "R", 1);
	simvirtio_service(f->sv);
	wr(f, SIMVIRTIO_REG_DRIVER_STATUS, DRIVER_ACK, 1);
	poll_tx(f, "C", 1);
	simvirtio_service(f->sv);
	assert_int_equal(simvirtio_device_status(f->sv), DEVICE_CONFIG);
	wr(f, SIMVIRTIO_REG_DRIVER_STATUS, DRIVER_OK, 1);
	assert_int_equal(simvirtio_device_status(f->sv), DEVICE_READY);
}

/* The fixture captures stderr: say why on stdout, where cmocka reports. */
#define fail_msg_out(...)				\
	do {						\
		print_message("# " __VA_ARGS__);	\
		print_message("\n");			\
		fail();					\
	} while (0)

/* Bytes waiting in a pipe, from its read end. */
static int pipe_bytes(int fd)
{
	int n = -1;

	assert_int_equal(ioctl(fd, FIONREAD, &n), 0);
	return n;
}

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
	/* Two taken from the ring, two passed to the output. */
	assert_int_equal(simvirtio_service(f->sv), 4);
	assert_int_equal(read(f->out[0], out, sizeof(out)), 2);
	assert_string_equal(out, "hi");
	assert_int_equal(f->sv->stats.ring_exits, 0);
	assert_int_equal(f->sv->stats.tx_bytes, 2);
	assert_int_equal(vm_stop_reason(f->vm, NULL), VM_RUNNING);
}

/*
 * A violation the poller finds stops the VM by itself, at once: right
 * after that one simvirtio_service() call, before any register access
 * (which in the old design was what turned it into a stop). The VM's
 * stop eventfd, here a real one, becomes readable too.
 */
static void test_poll_driver_moves_device_index(void **state)
{
	struct fx *f = *state;
	struct simvirtio_rings *r = f->sv->rings;
	uint64_t exits;
	eventfd_t v = 0;
	uint32_t code = 0;

	f->vm->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_true(f->vm->stop_fd >= 0);
	poll_handshake(f);
	exits = f->sv->stats.config_exits;
	r->tx.tail = 5;
	assert_int_equal(simvirtio_service(f->sv), 0);
	assert_int_equal(vm_stop_reason(f->vm, &code), VM_STOP_DEVICE_ERROR);
	assert_int_equal(code, DEVICE_ERROR);
	assert_int_equal(f->sv->stats.config_exits, exits);
	assert_int_equal(f->sv->stats.ring_exits, 0);
	assert_int_equal(eventfd_read(f->vm->stop_fd, &v), 0);
	assert_int_equal(v, 1);
	close(f->vm->stop_fd);
	f->vm->stop_fd = -1;
	assert_int_equal(simvirtio_device_status(f->sv), DEVICE_ERROR);
	/* Reported once, by the thread that found it. */
	assert_stopped(f, "the driver wrote the device-owned TX tail (5, the device has 2)");
	simvirtio_service(f->sv);
	assert_int_equal(strstr(strstr(diagnostics(f), "protocol violation") + 1,
				"protocol violation"), NULL);
}

static void test_poll_driver_moves_rx_head(void **state)
{
	struct fx *f = *state;

	poll_handshake(f);
	f->sv->rings->rx.head = 1;
	simvirtio_service(f->sv);
	assert_int_equal(vm_stop_reason(f->vm, NULL), VM_STOP_DEVICE_ERROR);
	assert_stopped(f, "the driver wrote the device-owned RX head (1, the device has 0)");
}

static void test_poll_head_out_of_range(void **state)
{
	struct fx *f = *state;

	f->sv->rings->tx.head = 4096;
	simvirtio_service(f->sv);
	assert_int_equal(vm_stop_reason(f->vm, NULL), VM_STOP_DEVICE_ERROR);
	assert_stopped(f, "TX head 4096 is outside the queue (max queue len 1024)");
}

/*
 * Poll transport: input is read only once the driver notified Q1. Until
 * then, servicing a READY device leaves every input byte in the pipe (a
 * driver that never reads RX must not have its input taken); a Q0 notify
 * is not a Q1 notify; after the Q1_CTL write the next service takes it.
 */
static void test_poll_rx_waits_for_q1_notify(void **state)
{
	struct fx *f = *state;
	struct simvirtio_rings *r = f->sv->rings;
	unsigned int i;

	assert_int_equal(write(f->in[1], "abc", 3), 3);
	poll_handshake(f);
	for (i = 0; i < 4; i++)
		simvirtio_service(f->sv);
	wr(f, SIMVIRTIO_REG_Q0_CTL, 1, 1);
	simvirtio_service(f->sv);
	assert_int_equal(pipe_bytes(f->in[0]), 3);
	assert_int_equal(r->rx.head, 0);
	assert_int_equal(f->sv->stats.rx_bytes, 0);

	wr(f, SIMVIRTIO_REG_Q1_CTL, 1, 1);
	assert_true(simvirtio_service(f->sv) > 0);
	assert_int_equal(pipe_bytes(f->in[0]), 0);
	assert_int_equal(r->rx.head, 3);
	assert_memory_equal(r->rx_buf, "abc", 3);
	assert_int_equal(f->sv->stats.rx_bytes, 3);
	assert_int_equal(vm_stop_reason(f->vm, NULL), VM_RUNNING);
}

/* A driver reset forgets the notify: the new driver must notify again. */
static void test_poll_reset_forgets_rx_notify(void **state)
{
	struct fx *f = *state;

	poll_handshake(f);
	wr(f, SIMVIRTIO_REG_Q1_CTL, 1, 1);
	wr(f, SIMVIRTIO_REG_DRIVER_STATUS, DRIVER_STATUS_RESET, 1);
	assert_int_equal(write(f->in[1], "xy", 2), 2);
	poll_handshake(f);
	simvirtio_service(f->sv);
	assert_int_equal(pipe_bytes(f->in[0]), 2);
	wr(f, SIMVIRTIO_REG_Q1_CTL, 1, 1);
	simvirtio_service(f->sv);
	assert_int_equal(pipe_bytes(f->in[0]), 0);
	assert_memory_equal(f->sv->rings->rx_buf, "xy", 2);
}

/* The poll transport in the large map: the same, the table always listed. */
static void test_poll_large_map(void **state)
{
	struct fx *f = *state;
	char out[8] = { 0 };

	assert_table(f, SIMVMM_MMIO_HIGH_BASE);
	poll_handshake(f);
	assert_table(f, SIMVMM_MMIO_HIGH_BASE);
	poll_tx(f, "mere", 4);
	assert_int_equal(simvirtio_service(f->sv), 8);
	assert_int_equal(read(f->out[0], out, sizeof(out)), 4);
	assert_string_equal(out, "mere");
	/* A violation the poller finds leaves the table as it was. */
	f->sv->rings->rx.head = 1;
	simvirtio_service(f->sv);
	assert_stopped(f, "the driver wrote the device-owned RX head (1, the device has 0)");
	assert_table(f, SIMVMM_MMIO_HIGH_BASE);
}

/* Fill the TX pipe and the backend's buffer: a reader that does not read. */
static size_t fill_output(struct fx *f, uint8_t *seq)
{
	uint8_t buf[4096];
	size_t total = 0, w, i;

	do {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)(*seq)++;
		w = chardev_write(f->outc, buf, sizeof(buf));
		total += w;
		*seq -= (uint8_t)(sizeof(buf) - w);
	} while (w == sizeof(buf));
	assert_int_equal(chardev_room(f->outc), 0);
	assert_int_equal(chardev_pending(f->outc), CHARDEV_BUF_SIZE);
	return total;
}

/* @n bytes numbered from @seq on, on TX. */
static void poll_tx_seq(struct fx *f, uint8_t *seq, unsigned int n)
{
	uint8_t buf[SIMVIRTIO_QUEUE_LEN];
	unsigned int i;

	for (i = 0; i < n; i++)
		buf[i] = (*seq)++;
	poll_tx(f, buf, n);
}

/* TX elements the device has not taken yet. */
static unsigned int tx_left(struct fx *f)
{
	return simq_count(SIMVIRTIO_QUEUE_LEN, f->sv->rings->tx.head,
			  f->sv->rings->tx.tail);
}

/*
 * The reader reads the TX pipe until @want bytes came, checking they are
 * the numbered sequence; between its reads only simvirtio_service() runs,
 * as the poller would once the pipe has room (the driver does nothing:
 * its ring may be full, so it cannot move its head).
 */
static void drain_output(struct fx *f, size_t want)
{
	uint8_t buf[4096], expect = 0;
	size_t got = 0, rounds;
	ssize_t n, i;

	for (rounds = 0; got < want && rounds < 100000; rounds++) {
		n = read(f->out[0], buf, sizeof(buf));
		if (n < 0) {
			assert_int_equal(errno, EAGAIN);
			n = 0;
		}
		for (i = 0; i < n; i++, expect++)
			if (buf[i] != expect)
				fail_msg_out("TX byte %zu is 0x%02x, not 0x%02x",
					     got + i, buf[i], expect);
		got += n;
		simvirtio_service(f->sv);
	}
	if (got != want)
		fail_msg_out("the reader got %zu of %zu bytes; %zu still buffered, %u carried, %u in the ring",
			     got, want, chardev_pending(f->outc),
			     f->sv->tx_carry_len, tx_left(f));
	assert_int_equal(read(f->out[0], buf, 1), -1);
}

/*
 * TX back-pressure, the output's pipe and buffer full: the device takes
 * from the ring only what the output has room for, so the tail stops
 * there and the rest stays in the ring; servicing again takes nothing.
 * Here room for 500 of 1000 is made by the reader taking a page while
 * another writer of the same backend fills all but 500 of it.
 */
static void test_poll_tx_backpressure(void **state)
{
	struct fx *f = *state;
	struct simvirtio_rings *r = f->sv->rings;
	const unsigned int n = 1000, room = 500;
	uint8_t buf[4096], seq = 0;
	size_t filled, extra, i;
	unsigned int tail;

	poll_handshake(f);
	filled = fill_output(f, &seq);
	assert_int_equal(read(f->out[0], buf, sizeof(buf)), sizeof(buf));
	for (i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], (uint8_t)i);
	chardev_flush(f->outc);
	extra = chardev_room(f->outc);
	assert_true(extra > room);
	extra -= room;
	for (i = 0; i < extra; i++)
		buf[i] = seq++;
	assert_int_equal(chardev_write(f->outc, buf, extra), extra);
	assert_int_equal(chardev_room(f->outc), room);

	poll_tx_seq(f, &seq, n);
	tail = r->tx.tail;
	simvirtio_service(f->sv);
	assert_int_equal(r->tx.tail, (tail + room) % SIMVIRTIO_QUEUE_LEN);
	assert_int_equal(tx_left(f), n - room);
	assert_int_equal(f->sv->stats.tx_bytes, room);
	assert_int_equal(f->sv->tx_carry_len, 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(simvirtio_service(f->sv), 0);
	assert_int_equal(r->tx.tail, (tail + room) % SIMVIRTIO_QUEUE_LEN);
	assert_int_equal(vm_stop_reason(f->vm, NULL), VM_RUNNING);

	/* The page read above was the sequence's first 4096: 0 mod 256. */
	drain_output(f, filled - sizeof(buf) + extra + n);
	assert_int_equal(tx_left(f), 0);
	assert_int_equal(chardev_pending(f->outc), 0);
	assert_int_equal(f->sv->stats.tx_bytes, n);
	assert_int_equal(f->outc->dropped, 0);
}

/*
 * No room at all: nothing is taken, the tail does not move, and the
 * device remembers it stalled. Once the reader is back, servicing alone
 * flushes the backend's buffer and takes the rest of the ring, though
 * the driver never moves its head again.
 */
static void test_poll_tx_backpressure_device_flushes(void **state)
{
	struct fx *f = *state;
	struct simvirtio_rings *r = f->sv->rings;
	const unsigned int n = SIMVIRTIO_QUEUE_LEN - 1;
	uint8_t seq = 0;
	unsigned int tail;
	size_t filled;

	poll_handshake(f);
	filled = fill_output(f, &seq);
	/* The ring full: the driver can only wait. */
	poll_tx_seq(f, &seq, n);
	tail = r->tx.tail;
	assert_int_equal(simvirtio_service(f->sv), 0);
	assert_int_equal(r->tx.tail, tail);
	assert_int_equal(tx_left(f), n);
	assert_int_equal(f->sv->stats.tx_bytes, 0);
	assert_true(f->sv->tx_stalled);
	drain_output(f, filled + n);
	assert_int_equal(tx_left(f), 0);
	assert_false(f->sv->tx_stalled);
	assert_int_equal(chardev_pending(f->outc), 0);
	assert_int_equal(f->sv->stats.tx_bytes, n);
}

/* ---- the poller's adaptive spin ------------------------------------------ */

static void assert_spin_in_bounds(uint64_t spin)
{
	if (spin > SV_SPIN_MAX_NS || spin < SV_SPIN_MIN_NS)
		fail_msg("spin %llu ns is outside [%llu, %llu]",
			 (unsigned long long)spin, SV_SPIN_MIN_NS,
			 SV_SPIN_MAX_NS);
}

/*
 * Whatever it starts from and however often it doubles or halves, the
 * spin stays within [SV_SPIN_MIN_NS, SV_SPIN_MAX_NS]: the old code took
 * 128000 to 256000, past the 200 us maximum.
 */
static void test_spin_bounds(void **state)
{
	static const uint64_t starts[] = {
		0, 1, SV_SPIN_MIN_NS - 1, SV_SPIN_MIN_NS, SV_SPIN_MIN_NS + 1,
		3000, 100000, 128000, 150000, SV_SPIN_MAX_NS - 1,
		SV_SPIN_MAX_NS, SV_SPIN_MAX_NS + 1, 2 * SV_SPIN_MAX_NS,
		1ull << 32, (1ull << 63) - 1, 1ull << 63, UINT64_MAX,
	};
	uint64_t spin, rnd = 0x9e3779b97f4a7c15ull;
	unsigned int i, j;

	(void)state;
	assert_int_equal(simvirtio_next_spin(128000, true), SV_SPIN_MAX_NS);
	assert_int_equal(simvirtio_next_spin(SV_SPIN_MAX_NS, true),
			 SV_SPIN_MAX_NS);
	assert_int_equal(simvirtio_next_spin(SV_SPIN_MIN_NS, false),
			 SV_SPIN_MIN_NS);
	assert_int_equal(simvirtio_next_spin(3000, false), SV_SPIN_MIN_NS);
	assert_int_equal(simvirtio_next_spin(50000, true), 100000);
	assert_int_equal(simvirtio_next_spin(50000, false), 25000);
	for (i = 0; i < ARRAY_SIZE(starts); i++) {
		/* Only doubling, only halving, then a pseudo-random walk. */
		spin = starts[i];
		for (j = 0; j < 100; j++) {
			spin = simvirtio_next_spin(spin, true);
			assert_spin_in_bounds(spin);
		}
		assert_int_equal(spin, SV_SPIN_MAX_NS);
		spin = starts[i];
		for (j = 0; j < 100; j++) {
			spin = simvirtio_next_spin(spin, false);
			assert_spin_in_bounds(spin);
		}
		assert_int_equal(spin, SV_SPIN_MIN_NS);
		spin = starts[i];
		for (j = 0; j < 10000; j++) {
			rnd ^= rnd << 13;
			rnd ^= rnd >> 7;
			rnd ^= rnd << 17;
			spin = simvirtio_next_spin(spin, rnd & 1);
			assert_spin_in_bounds(spin);
		}
	}
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

/*
 * A window that overlaps a registered device is refused, without leaks,
 * in either map; a device at the other map's window is no obstacle.
 */
static void attach_beside(uint64_t mem_size, uint64_t squat, int want)
{
	struct simvirtio_params p = { SIMVIRTIO_EXIT, NULL, NULL };
	struct simvirtio *sv = NULL;
	struct vm vm;

	memset(&vm, 0, sizeof(vm));
	vm.fd = -1;
	vm.stop_fd = -1;
	vm.mmio_base = SIMVMM_MMIO_BASE(mem_size);
	bus_init(&vm.bus);
	assert_int_equal(bus_register(&vm.bus, BUS_MMIO, squat, 1,
				      dummy_handler, NULL, "squatter"), 0);
	assert_int_equal(simvirtio_attach(&vm, &p, &sv), want);
	if (want)
		assert_null(sv);
	else
		assert_true(sv && sv->base == vm.mmio_base);
	/* The VM owns what was attached and frees it at destroy. */
	assert_int_equal(vm.nr_devices, 1);
	vm.devices[0].destroy(vm.devices[0].priv);
}

static void test_attach_refuses_taken_window(void **state)
{
	(void)state;
	attach_beside(RAM_SIZE, SIMVMM_SIMVIRTIO_ADDR + SIMVIRTIO_RINGS_OFF,
		      -EEXIST);
	attach_beside(RAM_LARGE, SIMVMM_MMIO_HIGH_BASE + SIMVIRTIO_RINGS_OFF,
		      -EEXIST);
	attach_beside(RAM_LARGE, SIMVMM_SIMVIRTIO_ADDR, 0);
	attach_beside(SIMVMM_LOWMEM_END, SIMVMM_MMIO_HIGH_BASE, 0);
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
#define POLL_TEST(fn) cmocka_unit_test_setup_teardown(fn, fx_setup_poll, \
						      fx_teardown)
#define LARGE_TEST(fn) cmocka_unit_test_setup_teardown(fn, fx_setup_large, \
						       fx_teardown)
#define POLL_LARGE_TEST(fn) \
	cmocka_unit_test_setup_teardown(fn, fx_setup_poll_large, fx_teardown)

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
		LARGE_TEST(test_large_map_window),
		DEV_TEST(test_small_map_window),
		LARGE_TEST(test_large_map_table_always_listed),
		LARGE_TEST(test_large_map_table_frozen_after_violation),
		LARGE_TEST(test_large_map_violation_in_ready),
		POLL_TEST(test_poll_service),
		POLL_TEST(test_poll_driver_moves_device_index),
		POLL_TEST(test_poll_driver_moves_rx_head),
		POLL_TEST(test_poll_head_out_of_range),
		POLL_TEST(test_poll_rx_waits_for_q1_notify),
		POLL_TEST(test_poll_reset_forgets_rx_notify),
		POLL_LARGE_TEST(test_poll_large_map),
		POLL_TEST(test_poll_tx_backpressure),
		POLL_TEST(test_poll_tx_backpressure_device_flushes),
		cmocka_unit_test(test_spin_bounds),
		cmocka_unit_test(test_attach_refuses_taken_window),
		cmocka_unit_test(test_transport_names),
	};

	return cmocka_run_group_tests_name("simvirtio", tests, NULL, NULL);
}

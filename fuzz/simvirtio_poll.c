// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the SIMVIRTIO device's poll transport
 * (lib/devices/simvirtio.c), its service loop played without KVM. The
 * device is attached to a fake VM with the exit transport (no KVM slot,
 * no ioeventfds, no poller thread) and then switched to poll, so its ring
 * page is memory the driver stores into directly, as guest RAM would be,
 * register accesses go through bus_access() as the vCPU's exits would,
 * and this target is the poller: it calls simvirtio_service().
 *
 * The input is a header (guest RAM size and fill, the backends, the RX
 * input stream) and then a program of steps: register accesses on the
 * config page; driver stores of anything into the ring page (indices,
 * needs_kick, rx_eos, buffer bytes), or a well-behaved TX push or RX
 * consume; Q0/Q1 notifies, as a register write or as the ioeventfd
 * would deliver them (the poller sets rx_wanted, as poller_sleep() does);
 * service calls; reads by the TX output's reader, and writes (and the
 * close) by the RX input's writer when the input is a pipe.
 *
 * The RAM size picks the memory map (memmap.h): 1 MiB or less is the
 * assignment's, with the window at 0x100000; more is the large map, with
 * the window at 0xc0000000 (vm->mmio_base) and the device listed in the
 * device table from power-on. Register accesses go to the VM's window.
 *
 * Invariants, checked after every step:
 * - the shadow indices stay inside the queue; after a service of a
 *   healthy device the published device-owned indices equal them;
 * - TX: every byte the device takes in DEVICE_READY is the TX slot the
 *   driver had there when the device took it; the output (a memfd, or a
 *   pipe whose reader only reads when told) is exactly those bytes, in
 *   order, and what is not out yet is in the carry or the backend's
 *   buffer; outside DEVICE_READY no byte becomes output;
 * - RX: what the device puts on RX, and what it holds in its carry, is
 *   the input stream in order: RX delivered is a prefix of it; EOS only
 *   once all of it is on RX;
 * - no input is read before a Q1 notify (since the last driver reset),
 *   nor outside DEVICE_READY;
 * - a service that reports progress changed something the driver or the
 *   backends can see (the poller never spins on nothing);
 * - once in DEVICE_ERROR the VM's stop reason is VM_STOP_DEVICE_ERROR
 *   (with no register access needed), and nothing changes any more:
 *   state, indices, ring page, device table, input read, TX taken; while
 *   healthy, the VM is never stopped;
 * - the device table: in the assignment's map present exactly in
 *   DEVICE_CONFIG and DEVICE_READY, in the large map present in every
 *   state, DEVICE_ERROR included (frozen there, as in the other map);
 * - guest RAM outside the device table is never written (exactly the
 *   guest's size at the end of a heap arena whose bytes before it are
 *   poisoned, so ASan also sees any byte touched outside it).
 *
 * Deterministic and fast: single-threaded, memfd and pipe backends that
 * never block (a pipe's reader and writer are steps here), no sleeping.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sanitizer/asan_interface.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <simvmm/memmap.h>
#include <simvmm/simvirtio.h>

#include "chardev.h"
#include "devices/simvirtio.h"
#include "fake_vm.h"
#include "fuzz.h"
#include "util.h"

#define QLEN SIMVIRTIO_QUEUE_LEN
#define RAM_BIG 0x10000u		/* vm_create()'s minimum */
/* The large map's RAM: 1 MiB and 1 to 16 pages. */
#define RAM_MAX (SIMVMM_LOWMEM_END + 16 * 4096u)
#define RX_INPUT_MAX 4096u		/* four RX rings' worth */
#define MAX_STEPS 4096u
#define TX_TAKEN_MAX (MAX_STEPS * QLEN)	/* all any input can push */

#define TABLE_START SIMVMM_DEVTABLE_ADDR
#define TABLE_END (SIMVMM_DEVTABLE_ADDR + sizeof(device_table_t))

enum out_kind {
	OUT_MEMFD,	/* takes everything at once */
	OUT_PIPE,	/* a 4 KiB pipe read only by STEP_IO: back-pressure */
	OUT_NONE,	/* no backend: TX data dropped */
};

enum step {
	STEP_REG,	/* a register access through the bus */
	STEP_STORE,	/* the driver stores a word of the ring page */
	STEP_TX_PUSH,	/* the driver pushes bytes on TX, as a driver does */
	STEP_BUF,	/* the driver stores bytes anywhere in the buffers */
	STEP_RX_TAKE,	/* the driver consumes RX, as a driver does */
	STEP_NOTIFY,	/* a Q0/Q1 notify */
	STEP_SERVICE,	/* the poller services the rings */
	STEP_IO,	/* the TX output's reader reads, or the RX writer writes */
};

static int out_memfd = -1, in_memfd = -1;
static uint8_t tx_taken[TX_TAKEN_MAX];

struct harness {
	struct vm vm;
	struct simvirtio *sv;
	struct chardev *outc, *inc;
	enum out_kind out_kind;
	int pipe_rd, pipe_wr;	/* OUT_PIPE */
	uint8_t *ram;
	uint64_t ram_size;
	uint8_t fill;
	bool table_fits;
	bool large;		/* the large map: RAM above 1 MiB */
	uint64_t base;		/* the window: 0x100000, or 0xc0000000 */
	const uint8_t *rx_input;
	size_t rx_len;
	bool has_input;
	bool in_pipe;		/* the input is a pipe, fed by STEP_IO */
	int in_rd, in_wr;	/* its ends; in_wr -1 once closed */
	size_t fed;		/* input bytes written into it so far */

	/* The model: what the device must have done so far. */
	size_t taken;		/* TX data bytes taken in READY, in tx_taken */
	size_t out_seen;	/* of them, read from the output */
	size_t delivered;	/* input bytes put on RX */
	bool rx_notified;	/* a Q1 notify since the last driver reset */

	/* Frozen at the first step that ended in DEVICE_ERROR. */
	bool frozen;
	struct simvirtio frozen_sv;
	device_table_t frozen_table;
	off_t frozen_in_pos;
	size_t frozen_taken, frozen_delivered;

	struct simvirtio_rings pre_rings;	/* before a device step */
};

static off_t fd_pos(int fd)
{
	return lseek(fd, 0, SEEK_CUR);
}

static off_t in_pos(const struct harness *h)
{
	int n = 0;

	if (!h->has_input)
		return 0;
	if (!h->in_pipe)
		return fd_pos(in_memfd);
	/* What the writer fed, less what still waits in the pipe. */
	FUZZ_CHECK(ioctl(h->in_rd, FIONREAD, &n) == 0 && n >= 0 &&
		   (size_t)n <= h->fed);
	return h->fed - n;
}

/*
 * The input's writer writes @n more bytes of the stream (at most all of
 * it), or closes its end: the end of the input.
 */
static void writer_writes(struct harness *h, size_t n, bool close_it)
{
	if (!h->in_pipe || h->in_wr < 0)
		return;
	if (close_it) {
		close(h->in_wr);
		h->in_wr = -1;
		return;
	}
	if (n > h->rx_len - h->fed)
		n = h->rx_len - h->fed;
	/* A 64 KiB pipe holds all of RX_INPUT_MAX: never short. */
	if (n)
		FUZZ_CHECK(write(h->in_wr, h->rx_input + h->fed, n) ==
			   (ssize_t)n);
	h->fed += n;
}

/* Bytes of TX output that left the device and its backend. */
static size_t out_total(const struct harness *h)
{
	int n = 0;

	switch (h->out_kind) {
	case OUT_MEMFD:
		return fd_pos(out_memfd);
	case OUT_PIPE:
		FUZZ_CHECK(ioctl(h->pipe_rd, FIONREAD, &n) == 0 && n >= 0);
		return h->out_seen + n;
	default:
		return 0;
	}
}

static bool all_fill(const uint8_t *p, uint64_t n, uint8_t fill)
{
	return !n || (p[0] == fill && !memcmp(p, p + 1, n - 1));
}

static void check_ram_untouched(const struct harness *h)
{
	if (h->table_fits) {
		FUZZ_CHECK(all_fill(h->ram, TABLE_START, h->fill));
		FUZZ_CHECK(all_fill(h->ram + TABLE_END,
				    h->ram_size - TABLE_END, h->fill));
	} else {
		FUZZ_CHECK(all_fill(h->ram, h->ram_size, h->fill));
	}
}

/* The device table says what the state says (frozen in DEVICE_ERROR). */
static void check_table(const struct harness *h)
{
	device_table_t want;

	if (!h->table_fits)
		return;
	if (h->sv->state == SV_ERROR && h->frozen)
		FUZZ_CHECK(!memcmp(h->ram + TABLE_START, &h->frozen_table,
				   sizeof(want)));
	/* Frozen in the assignment's map; listed still in the large one. */
	if (h->sv->state == SV_ERROR && !h->large)
		return;
	memset(&want, 0, sizeof(want));
	if (h->large ||
	    h->sv->state == SV_CONFIG || h->sv->state == SV_READY) {
		want.count = 1;
		want.device_addresses[0] = h->base;
	}
	FUZZ_CHECK(!memcmp(h->ram + TABLE_START, &want, sizeof(want)));
}

/* TX output so far is exactly a prefix of what was taken; the rest waits. */
static void check_output(struct harness *h)
{
	const struct simvirtio *sv = h->sv;
	size_t total = out_total(h), pending = 0;
	uint8_t buf[4096];
	size_t off, n;

	if (h->outc)
		pending = chardev_pending(h->outc);
	FUZZ_CHECK(sv->tx_carry_len <= QLEN);
	FUZZ_CHECK(sv->stats.tx_bytes == h->taken);
	if (h->out_kind == OUT_NONE) {
		FUZZ_CHECK(sv->tx_carry_len == 0);
		return;
	}
	FUZZ_CHECK(total + pending + sv->tx_carry_len == h->taken);
	/* The carry holds the next bytes, in order. */
	FUZZ_CHECK(!memcmp(sv->tx_carry, tx_taken + total + pending,
			   sv->tx_carry_len));
	if (h->out_kind == OUT_MEMFD) {
		/* A memfd takes everything: nothing ever waits. */
		FUZZ_CHECK(pending == 0 && sv->tx_carry_len == 0);
		for (off = h->out_seen; off < total; off += n) {
			n = total - off < sizeof(buf) ? total - off : sizeof(buf);
			FUZZ_CHECK(pread(out_memfd, buf, n, off) == (ssize_t)n);
			FUZZ_CHECK(!memcmp(buf, tx_taken + off, n));
		}
		h->out_seen = total;
	}
}

/* The reader takes up to @max bytes of the pipe: they are what was taken. */
static void reader_reads(struct harness *h, size_t max)
{
	uint8_t buf[4096];
	ssize_t n;

	if (h->out_kind != OUT_PIPE)
		return;
	if (max > sizeof(buf))
		max = sizeof(buf);
	n = read(h->pipe_rd, buf, max);
	if (n < 0) {
		FUZZ_CHECK(errno == EAGAIN);
		return;
	}
	FUZZ_CHECK(h->out_seen + n <= h->taken);
	FUZZ_CHECK(!memcmp(buf, tx_taken + h->out_seen, n));
	h->out_seen += n;
}

/* RX so far: delivered, then the carry, is the input stream in order. */
static void check_input(const struct harness *h)
{
	const struct simvirtio *sv = h->sv;
	off_t pos = in_pos(h);

	FUZZ_CHECK(sv->rx_carry_len <= QLEN);
	FUZZ_CHECK(sv->stats.rx_bytes == h->delivered);
	FUZZ_CHECK(pos >= 0 && (size_t)pos <= h->rx_len);
	FUZZ_CHECK((size_t)pos == h->delivered + sv->rx_carry_len);
	FUZZ_CHECK(!memcmp(sv->rx_carry, h->rx_input + h->delivered,
			   sv->rx_carry_len));
}

static void freeze(struct harness *h)
{
	h->frozen = true;
	memcpy(&h->frozen_sv, h->sv, sizeof(h->frozen_sv));
	if (h->table_fits)
		memcpy(&h->frozen_table, h->ram + TABLE_START,
		       sizeof(h->frozen_table));
	h->frozen_in_pos = in_pos(h);
	h->frozen_taken = h->taken;
	h->frozen_delivered = h->delivered;
}

/*
 * After every step. @device_step: the device ran (a register access or a
 * service), so in DEVICE_ERROR the ring page must be as before it.
 */
static void check_step(struct harness *h, bool device_step)
{
	const struct simvirtio *sv = h->sv;
	const struct simvirtio *f = &h->frozen_sv;
	uint32_t code = 0;

	FUZZ_CHECK(sv->state >= SV_POWERON && sv->state <= SV_ERROR);
	FUZZ_CHECK(sv->tx_shadow.head < QLEN && sv->tx_shadow.tail < QLEN);
	FUZZ_CHECK(sv->rx_shadow.head < QLEN && sv->rx_shadow.tail < QLEN);
	FUZZ_CHECK(sv->txq.q_ctrl == &sv->tx_shadow &&
		   sv->rxq.q_ctrl == &sv->rx_shadow &&
		   sv->txq.buffer == sv->rings->tx_buf &&
		   sv->rxq.buffer == sv->rings->rx_buf &&
		   sv->txq.maxlen == QLEN && sv->rxq.maxlen == QLEN);
	FUZZ_CHECK(sv->transport == SIMVIRTIO_POLL);

	if (sv->state == SV_ERROR) {
		/* Stopped by whoever found it, before the step returned. */
		FUZZ_CHECK(vm_stop_reason(&h->vm, &code) ==
			   VM_STOP_DEVICE_ERROR && code == DEVICE_ERROR);
		FUZZ_CHECK(!sv->error_pending);
		if (!h->frozen) {
			freeze(h);
		} else {
			/*
			 * Not rx_wanted: the poller takes an RX kick in any
			 * state (poller_sleep()), and so does STEP_NOTIFY.
			 */
			FUZZ_CHECK(f->state == sv->state &&
				   f->acked == sv->acked &&
				   f->in_eof == sv->in_eof &&
				   f->driver_status == sv->driver_status &&
				   f->queue_sel == sv->queue_sel);
			FUZZ_CHECK(!memcmp(&f->tx_shadow, &sv->tx_shadow,
					   sizeof(sv->tx_shadow)) &&
				   !memcmp(&f->rx_shadow, &sv->rx_shadow,
					   sizeof(sv->rx_shadow)));
			FUZZ_CHECK(sv->rx_carry_len == f->rx_carry_len);
			FUZZ_CHECK(in_pos(h) == h->frozen_in_pos);
			FUZZ_CHECK(h->taken == h->frozen_taken &&
				   h->delivered == h->frozen_delivered);
			if (device_step)
				FUZZ_CHECK(!memcmp(&h->pre_rings, sv->rings,
						   sizeof(h->pre_rings)));
		}
	} else {
		FUZZ_CHECK(vm_stop_reason(&h->vm, NULL) == VM_RUNNING);
	}
	check_table(h);
	check_output(h);
	check_input(h);
}

/* ---- the steps ----------------------------------------------------------- */

static void step_reg(struct harness *h, struct fuzz_input *in)
{
	static const uint8_t reg_off[] = {
		SIMVIRTIO_REG_MAGIC, SIMVIRTIO_REG_MAX_QUEUE_LEN,
		SIMVIRTIO_REG_DEVICE_STATUS, SIMVIRTIO_REG_DRIVER_STATUS,
		SIMVIRTIO_REG_QUEUE_SEL, SIMVIRTIO_REG_Q0_CTL,
		SIMVIRTIO_REG_Q1_CTL,
	};
	uint8_t ctl = fuzz_take(in, 1);
	uint32_t len = 1u << (ctl & 3);
	bool is_write = ctl & 4;
	enum simvirtio_state pre = h->sv->state;
	uint64_t off, v = 0;
	uint8_t data[8];

	if (ctl & 0x80)		/* anywhere in the config page */
		off = fuzz_take(in, 2) % (SIMVIRTIO_RINGS_OFF - len + 1);
	else			/* a register, usually at its own width */
		off = reg_off[((ctl >> 3) & 7) % ARRAY_SIZE(reg_off)];
	if (!(ctl & 0x80) && (ctl & 0x40)) {
		len = off == SIMVIRTIO_REG_MAGIC ? 4 :
		      off == SIMVIRTIO_REG_MAX_QUEUE_LEN ? 2 : 1;
	}
	if (is_write) {
		v = fuzz_take(in, len);
		memcpy(data, &v, sizeof(data));
	} else {
		memset(data, 0x5a, sizeof(data));
	}
	FUZZ_CHECK(bus_access(&h->vm.bus, BUS_MMIO, h->base + off, data, len,
			      is_write) == 0);
	if (!is_write || len != 1 || pre == SV_ERROR)
		return;
	/* The model: a notify opens RX input, a driver reset closes it. */
	if (off == SIMVIRTIO_REG_Q1_CTL)
		h->rx_notified = true;
	if (off == SIMVIRTIO_REG_DRIVER_STATUS && v == DRIVER_STATUS_RESET) {
		h->rx_notified = false;
		FUZZ_CHECK(h->sv->state == SV_POWERON &&
			   h->sv->tx_shadow.head == 0 &&
			   h->sv->tx_shadow.tail == 0 &&
			   h->sv->rx_shadow.head == 0 &&
			   h->sv->rx_shadow.tail == 0);
	}
}

/* A word of the ring page's control part, any value. */
static void step_store(struct harness *h, struct fuzz_input *in)
{
	struct simvirtio_rings *r = h->sv->rings;
	uint8_t sel = fuzz_take(in, 1);
	unsigned int *word;
	uint32_t v;

	switch (sel & 7) {
	case 0:
	case 6:
		word = &r->tx.head;
		break;
	case 1:
		word = &r->tx.tail;
		break;
	case 2:
		word = &r->rx.head;
		break;
	case 3:
	case 7:
		word = &r->rx.tail;
		break;
	case 4:
		word = &r->needs_kick;
		break;
	default:
		word = &r->rx_eos;
		break;
	}
	if (sel & 0x80)		/* anything */
		v = fuzz_take(in, 4);
	else			/* near where it is: mostly in range */
		v = (*word + fuzz_take(in, 1)) % (sel & 0x40 ? QLEN + 8 : QLEN);
	__atomic_store_n(word, v, __ATOMIC_RELEASE);
}

/*
 * A well-behaved push: @n bytes (from the input, or a counting pattern
 * for long runs) into the free slots from the head, then the head.
 */
static void step_tx_push(struct harness *h, struct fuzz_input *in)
{
	struct simvirtio_rings *r = h->sv->rings;
	uint8_t ctl = fuzz_take(in, 1);
	unsigned int head = __atomic_load_n(&r->tx.head, __ATOMIC_RELAXED);
	unsigned int tail = __atomic_load_n(&r->tx.tail, __ATOMIC_ACQUIRE);
	unsigned int n, i, room;

	if (head >= QLEN || tail >= QLEN)
		return;		/* a driver would not push on a broken ring */
	room = QLEN - 1 - simq_count(QLEN, head, tail);
	if (ctl & 0x80)
		n = room;	/* fill it: the pattern goes on */
	else
		n = ctl & 0x7f;
	if (n > room)
		n = room;
	for (i = 0; i < n; i++) {
		r->tx_buf[head] = ctl & 0x80 ? (uint8_t)(head * 7 + i) :
					       (uint8_t)fuzz_take(in, 1);
		head = (head + 1) % QLEN;
	}
	__atomic_store_n(&r->tx.head, head, __ATOMIC_RELEASE);
}

/* Bytes stored anywhere in the two buffers, free slots or not. */
static void step_buf(struct harness *h, struct fuzz_input *in)
{
	uint8_t *bufs = h->sv->rings->tx_buf;
	unsigned int off = fuzz_take(in, 2) % (2 * QLEN);
	unsigned int n = fuzz_take(in, 1) % 16, i;

	for (i = 0; i < n && off + i < 2 * QLEN; i++)
		bufs[off + i] = fuzz_take(in, 1);
}

/* A well-behaved consumer: up to @n of what RX holds. */
static void step_rx_take(struct harness *h, struct fuzz_input *in)
{
	struct simvirtio_rings *r = h->sv->rings;
	unsigned int head = __atomic_load_n(&r->rx.head, __ATOMIC_ACQUIRE);
	unsigned int tail = __atomic_load_n(&r->rx.tail, __ATOMIC_RELAXED);
	unsigned int n = fuzz_take(in, 1), avail;

	if (head >= QLEN || tail >= QLEN)
		return;
	avail = simq_count(QLEN, head, tail);
	if (n == 0xff || n > avail)
		n = avail;
	__atomic_store_n(&r->rx.tail, (tail + n) % QLEN, __ATOMIC_RELEASE);
}

static void step_notify(struct harness *h, struct fuzz_input *in)
{
	uint8_t ctl = fuzz_take(in, 1);
	uint8_t v = ctl >> 2;
	bool rx = ctl & 1;

	if (ctl & 2) {
		/* The ioeventfd's path: the poller takes the RX kick. */
		if (!rx)
			return;
		pthread_mutex_lock(&h->sv->lock);
		h->sv->rx_wanted = true;
		pthread_mutex_unlock(&h->sv->lock);
		h->rx_notified = true;
		return;
	}
	/* Without the ioeventfd the notify exits: a register write. */
	FUZZ_CHECK(bus_access(&h->vm.bus, BUS_MMIO, h->base +
			      (rx ? SIMVIRTIO_REG_Q1_CTL : SIMVIRTIO_REG_Q0_CTL),
			      &v, 1, true) == 0);
	if (rx && h->sv->state != SV_ERROR)
		h->rx_notified = true;
}

/* What a driver or a backend can see of the device: for progress. */
struct seen {
	unsigned int tx_tail, rx_head, rx_tail_shadow;
	uint32_t rx_eos;
	unsigned int tx_carry, rx_carry;
	size_t out, pending;
	off_t in;
	enum simvirtio_state state;
};

static void look(const struct harness *h, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	s->tx_tail = h->sv->tx_shadow.tail;
	s->rx_head = h->sv->rx_shadow.head;
	s->rx_tail_shadow = h->sv->rx_shadow.tail;
	s->rx_eos = h->sv->rings->rx_eos;
	s->tx_carry = h->sv->tx_carry_len;
	s->rx_carry = h->sv->rx_carry_len;
	s->out = out_total(h);
	s->pending = h->outc ? chardev_pending(h->outc) : 0;
	s->in = in_pos(h);
	s->state = h->sv->state;
}

static void one_service(struct harness *h)
{
	struct simvirtio *sv = h->sv;
	enum simvirtio_state pre = sv->state;
	unsigned int t0 = sv->tx_shadow.tail, h0 = sv->rx_shadow.head;
	unsigned int k, i, progress;
	struct seen before, after;
	uint8_t tx[QLEN];
	bool read_input;

	memcpy(tx, sv->rings->tx_buf, sizeof(tx));
	look(h, &before);
	progress = simvirtio_service(sv);
	look(h, &after);

	/* TX: the slots the tail moved over, as they were when taken. */
	k = simq_count(QLEN, sv->tx_shadow.tail, t0);
	if (pre == SV_READY) {
		FUZZ_CHECK(h->taken + k <= TX_TAKEN_MAX);
		for (i = 0; i < k; i++)
			tx_taken[h->taken + i] = tx[(t0 + i) % QLEN];
		h->taken += k;
	}

	/* RX: new elements are the next input bytes, only in READY. */
	k = simq_count(QLEN, sv->rx_shadow.head, h0);
	if (k)
		FUZZ_CHECK(pre == SV_READY);
	FUZZ_CHECK(h->delivered + k <= h->rx_len);
	for (i = 0; i < k; i++)
		FUZZ_CHECK(sv->rings->rx_buf[(h0 + i) % QLEN] ==
			   h->rx_input[h->delivered + i]);
	h->delivered += k;

	/* Input is read only in READY, after a Q1 notify. */
	read_input = after.in != before.in;
	if (read_input)
		FUZZ_CHECK(pre == SV_READY && h->rx_notified);
	/* EOS comes after the last input byte is on RX. */
	if (after.rx_eos && !before.rx_eos)
		FUZZ_CHECK(pre == SV_READY && sv->in_eof &&
			   h->delivered == (h->in_pipe ? h->fed : h->rx_len) &&
			   !sv->rx_carry_len && (!h->in_pipe || h->in_wr < 0));

	/* Healthy after a service: the device-owned indices are published. */
	if (sv->state != SV_ERROR) {
		FUZZ_CHECK(sv->rings->tx.tail == sv->tx_shadow.tail);
		FUZZ_CHECK(sv->rings->rx.head == sv->rx_shadow.head);
	}
	/* Progress means a change someone can see: the poller never spins. */
	if (progress)
		FUZZ_CHECK(memcmp(&before, &after, sizeof(before)));
}

/*
 * RAM of @size bytes, filled with @fill: the last @size bytes of an arena
 * made once (a fresh 1 MiB buffer per input would cost its page faults
 * every run), the bytes before them poisoned, so ASan sees any byte
 * touched outside RAM as it would for an exact-size buffer.
 */
static uint8_t *fresh_ram(uint64_t size, uint8_t fill)
{
	static uint8_t *arena;
	uint8_t *mem;

	if (!arena) {
		arena = malloc(RAM_MAX);
		if (!arena)
			abort();
	}
	ASAN_UNPOISON_MEMORY_REGION(arena, RAM_MAX);
	mem = arena + (RAM_MAX - size);
	memset(mem, fill, size);
	ASAN_POISON_MEMORY_REGION(arena, RAM_MAX - size);
	return mem;
}

/*
 * The header's RAM size: 64 KiB, or with @hdr bit 0 a byte more: below
 * 0x80 the table straddles RAM's end or lies past it (0x500 + the byte),
 * to 0xbf the assignment's map's largest RAM (1 MiB), from 0xc0 the large
 * map (1 MiB and 1 to 16 pages).
 */
static uint64_t ram_size_of(uint8_t hdr, struct fuzz_input *in)
{
	uint8_t sz;

	if (!(hdr & 1))
		return RAM_BIG;
	sz = fuzz_take(in, 1);
	if (sz < 0x80)
		return TABLE_START + sz;
	if (sz < 0xc0)
		return SIMVMM_LOWMEM_END;
	return SIMVMM_LOWMEM_END + ((sz & 0xf) + 1) * 4096u;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct simvirtio_params p = { SIMVIRTIO_EXIT, NULL, NULL };
	struct harness *h;
	unsigned int steps, n;
	uint8_t hdr, op;
	int fds[2];

	if (out_memfd < 0)
		out_memfd = memfd_create("simvirtio-tx", MFD_CLOEXEC);
	if (in_memfd < 0)
		in_memfd = memfd_create("simvirtio-rx", MFD_CLOEXEC);
	if (out_memfd < 0 || in_memfd < 0)
		return 0;
	h = calloc(1, sizeof(*h));
	if (!h)
		return 0;
	h->pipe_rd = -1;
	h->pipe_wr = -1;
	h->in_rd = -1;
	h->in_wr = -1;

	/* Header: RAM, backends, the RX input stream. */
	hdr = fuzz_take(&in, 1);
	h->ram_size = ram_size_of(hdr, &in);
	h->fill = fuzz_take(&in, 1);
	h->table_fits = h->ram_size >= TABLE_END;
	h->large = h->ram_size > SIMVMM_LOWMEM_END;
	h->base = h->large ? SIMVMM_MMIO_HIGH_BASE : SIMVMM_SIMVIRTIO_ADDR;
	h->has_input = !(hdr & 2);
	h->in_pipe = h->has_input && (hdr & 0x20);
	h->out_kind = (hdr >> 2) % 3;
	h->rx_len = fuzz_take(&in, 2) % (RX_INPUT_MAX + 1);
	if (h->rx_len > in.left)
		h->rx_len = in.left;
	if (!h->has_input)
		h->rx_len = 0;
	h->rx_input = in.p;
	in.p += h->rx_len;
	in.left -= h->rx_len;

	if (ftruncate(in_memfd, 0) || lseek(in_memfd, 0, SEEK_SET) ||
	    (h->rx_len && pwrite(in_memfd, h->rx_input, h->rx_len, 0) !=
	     (ssize_t)h->rx_len) ||
	    ftruncate(out_memfd, 0) || lseek(out_memfd, 0, SEEK_SET))
		goto out_free;
	if (h->out_kind == OUT_PIPE) {
		if (pipe2(fds, O_CLOEXEC | O_NONBLOCK))
			goto out_free;
		h->pipe_rd = fds[0];
		h->pipe_wr = fds[1];
		/* Small, so back-pressure comes soon; the size is the floor. */
		(void)fcntl(h->pipe_wr, F_SETPIPE_SZ, 4096);
		if (chardev_open_fd(h->pipe_wr, true, "tx pipe", &h->outc))
			goto out_close;
	} else if (h->out_kind == OUT_MEMFD) {
		if (chardev_open_fd(out_memfd, true, "tx memfd", &h->outc))
			goto out_close;
	}
	if (h->in_pipe) {
		if (pipe2(fds, O_CLOEXEC | O_NONBLOCK))
			goto out_close;
		h->in_rd = fds[0];
		h->in_wr = fds[1];
		if (chardev_open_fd(h->in_rd, false, "rx pipe", &h->inc))
			goto out_close;
	} else if (h->has_input &&
		   chardev_open_fd(in_memfd, false, "rx memfd", &h->inc)) {
		goto out_close;
	}
	p.out = h->outc;
	p.in = h->inc;

	h->ram = fresh_ram(h->ram_size, h->fill);
	fake_vm_init(&h->vm, h->ram, h->ram_size);
	FUZZ_CHECK(h->vm.mmio_base == h->base);
	FUZZ_CHECK(simvirtio_attach(&h->vm, &p, &h->sv) == 0 && h->sv &&
		   h->sv->base == h->base);
	/* The poll transport without its KVM parts: we are the poller. */
	h->sv->transport = SIMVIRTIO_POLL;
	FUZZ_CHECK(h->sv->state == SV_POWERON && !vm_stopping(&h->vm));
	check_ram_untouched(h);
	check_step(h, false);

	for (steps = 0; in.left && steps < MAX_STEPS; steps++) {
		op = fuzz_take(&in, 1);
		memcpy(&h->pre_rings, h->sv->rings, sizeof(h->pre_rings));
		switch (op & 7) {
		case STEP_REG:
			step_reg(h, &in);
			check_step(h, true);
			break;
		case STEP_STORE:
			step_store(h, &in);
			check_step(h, false);
			break;
		case STEP_TX_PUSH:
			step_tx_push(h, &in);
			check_step(h, false);
			break;
		case STEP_BUF:
			step_buf(h, &in);
			check_step(h, false);
			break;
		case STEP_RX_TAKE:
			step_rx_take(h, &in);
			check_step(h, false);
			break;
		case STEP_NOTIFY:
			step_notify(h, &in);
			check_step(h, true);
			break;
		case STEP_SERVICE:
			for (n = (op >> 3) % 4 + 1; n; n--) {
				memcpy(&h->pre_rings, h->sv->rings,
				       sizeof(h->pre_rings));
				one_service(h);
				check_step(h, true);
			}
			break;
		default:
			if (op & 8)
				writer_writes(h, (size_t)((op >> 4) + 1) * 32,
					      (op >> 4) == 15);
			else
				reader_reads(h, (size_t)((op >> 4) + 1) * 256);
			check_step(h, false);
			break;
		}
	}
	check_ram_untouched(h);

	/* Never vm_destroy(): it would munmap the heap RAM (fake_vm.h). */
	fake_vm_release(&h->vm);
out_close:
	chardev_close(h->inc);
	chardev_close(h->outc);
	if (h->pipe_rd >= 0)
		close(h->pipe_rd);
	if (h->pipe_wr >= 0)
		close(h->pipe_wr);
	if (h->in_rd >= 0)
		close(h->in_rd);
	if (h->in_wr >= 0)
		close(h->in_wr);
out_free:
	free(h);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the SIMVIRTIO device (lib/devices/simvirtio.c), exit
 * transport, on a fake VM. The input is a header (guest RAM size and
 * contents, the RX input stream) and then a program of MMIO accesses of
 * size 1, 2, 4 or 8, read or write, at any offset of the device's window
 * and a little either side of it, sent through bus_access() as a vCPU's
 * exits would be, and now and then at the other memory map's window.
 *
 * The RAM size picks the memory map (memmap.h): 1 MiB or less is the
 * assignment's, with the window at 0x100000; more is the large map, with
 * the window at 0xc0000000 (vm->mmio_base) and the device listed in the
 * device table from power-on.
 *
 * Invariants, checked after every access:
 * - guest RAM: only the device table changes, and only as the state says
 *   (in the assignment's map present exactly in DEVICE_CONFIG and
 *   DEVICE_READY; in the large map present in every state, DEVICE_ERROR
 *   included, at 0xc0000000); RAM is exactly the guest's size at the end
 *   of a heap arena whose bytes before it are ASan-poisoned, as small as
 *   0x500 bytes so the table may not fit, so a translation shorter than
 *   the copy that follows it is an ASan report;
 * - the shadow indices stay inside the queue, the published ones equal
 *   them, and TX is always drained whole while the device is healthy;
 * - config registers read what the specification says, and an access
 *   that matches no register, or writes a read-only one, is an error;
 * - TX output is exactly the TX slots taken, in order, and only in
 *   DEVICE_READY; RX carries exactly the input stream, in order;
 * - once in DEVICE_ERROR the device has asked the VM to stop with
 *   VM_STOP_DEVICE_ERROR (by the end of the access that found it), and
 *   no later access changes anything: state, indices, ring page, device
 *   table, TX output, RX input; while healthy, the VM is never stopped;
 * - nothing answers at the other map's window address: reads all-ones.
 *
 * The device's backends are chardevs on memfds made here: TX output
 * lands in one, RX input is read from another, which poll() reports
 * readable at once, so the RX wait of the exit transport never sleeps
 * and the output always takes everything.
 */
#include <stdbool.h>
#include <sanitizer/asan_interface.h>
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
/* Accesses may start this far outside the window, to straddle its edges. */
#define EDGE 8u

#define RING_OFF(field) offsetof(struct simvirtio_rings, field)
#define TABLE_START SIMVMM_DEVTABLE_ADDR
#define TABLE_END (SIMVMM_DEVTABLE_ADDR + sizeof(device_table_t))

static int out_fd = -1, in_fd = -1;

/* What must not change once the device is in DEVICE_ERROR. */
struct frozen {
	enum simvirtio_state state;
	bool acked, in_eof;
	uint8_t driver_status, queue_sel;
	queue_control_t tx, rx;
	device_table_t table;
	off_t out_len, in_pos;
};

struct harness {
	struct vm vm;
	struct simvirtio *sv;
	uint8_t *ram;
	uint64_t ram_size;
	uint8_t fill;		/* every RAM byte but the table's */
	bool table_fits;
	bool large;		/* the large map: RAM above 1 MiB */
	uint64_t base;		/* the window: 0x100000, or 0xc0000000 */
	uint64_t other;		/* the other map's window: nothing there */
	const uint8_t *rx_input;
	off_t rx_len;
	struct simvirtio_rings rings;	/* see one_access() */
};

static off_t fd_pos(int fd)
{
	return lseek(fd, 0, SEEK_CUR);
}

static void freeze(const struct harness *h, struct frozen *f)
{
	const struct simvirtio *sv = h->sv;

	memset(f, 0, sizeof(*f));
	f->state = sv->state;
	f->acked = sv->acked;
	f->in_eof = sv->in_eof;
	f->driver_status = sv->driver_status;
	f->queue_sel = sv->queue_sel;
	f->tx = sv->tx_shadow;
	f->rx = sv->rx_shadow;
	if (h->table_fits)
		memcpy(&f->table, h->ram + TABLE_START, sizeof(f->table));
	f->out_len = fd_pos(out_fd);
	f->in_pos = fd_pos(in_fd);
}

/* The register an access names, exactly: offset and width; or -1. */
static int config_reg(uint64_t off, uint32_t len)
{
	static const struct {
		uint32_t off, len;
		bool writable;
	} regs[] = {
		{ SIMVIRTIO_REG_MAGIC, 4, false },
		{ SIMVIRTIO_REG_MAX_QUEUE_LEN, 2, false },
		{ SIMVIRTIO_REG_DEVICE_STATUS, 1, false },
		{ SIMVIRTIO_REG_DRIVER_STATUS, 1, true },
		{ SIMVIRTIO_REG_QUEUE_SEL, 1, true },
		{ SIMVIRTIO_REG_Q0_CTL, 1, true },
		{ SIMVIRTIO_REG_Q1_CTL, 1, true },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(regs); i++)
		if (regs[i].off == off && regs[i].len == len)
			return regs[i].writable ? 1 : 0;
	return -1;
}

static uint8_t status_of(enum simvirtio_state s)
{
	switch (s) {
	case SV_POWERON:
	case SV_RESET:
		return DEVICE_RESET;
	case SV_CONFIG:
		return DEVICE_CONFIG;
	case SV_READY:
		return DEVICE_READY;
	default:
		return DEVICE_ERROR;
	}
}

/* What a read of a (well-formed) register must return, or -1: any. */
static int64_t reg_expect(const struct frozen *pre, uint64_t off)
{
	switch (off) {
	case SIMVIRTIO_REG_MAGIC:
		return MAGIC_VALUE;
	case SIMVIRTIO_REG_MAX_QUEUE_LEN:
		return pre->queue_sel < SIMVIRTIO_NR_QUEUES ? QLEN : 0;
	case SIMVIRTIO_REG_DEVICE_STATUS:
		return status_of(pre->state);
	case SIMVIRTIO_REG_DRIVER_STATUS:
		return pre->driver_status;
	case SIMVIRTIO_REG_QUEUE_SEL:
		return pre->queue_sel;
	case SIMVIRTIO_REG_Q0_CTL:
		return 0;
	default:
		return -1;	/* Q1 CTL: EOS may be set by this very read */
	}
}

/*
 * Whether @n bytes at @p all hold @fill: each byte equals the next, and
 * the first is @fill. memcmp, not a byte loop the fuzzer would trace.
 */
static bool all_fill(const uint8_t *p, uint64_t n, uint8_t fill)
{
	return !n || (p[0] == fill && !memcmp(p, p + 1, n - 1));
}

/*
 * Guest RAM: the device table says what the state says; with @all, every
 * other byte still holds the fill pattern. A stray write stays in RAM, so
 * scanning all of it once per input (not per access) is enough.
 */
static void check_ram(const struct harness *h, bool all)
{
	device_table_t want;

	if (all && h->table_fits) {
		FUZZ_CHECK(all_fill(h->ram, TABLE_START, h->fill));
		FUZZ_CHECK(all_fill(h->ram + TABLE_END,
				    h->ram_size - TABLE_END, h->fill));
	} else if (all) {
		FUZZ_CHECK(all_fill(h->ram, h->ram_size, h->fill));
	}
	if (!h->table_fits)
		return;
	memset(&want, 0, sizeof(want));
	if (h->large ||
	    h->sv->state == SV_CONFIG || h->sv->state == SV_READY) {
		want.count = 1;
		want.device_addresses[0] = h->base;
	}
	/*
	 * In DEVICE_ERROR the table stays as it was (checked by freeze()),
	 * which in the large map is listed: it was so since power-on.
	 */
	if (h->large || h->sv->state != SV_ERROR)
		FUZZ_CHECK(!memcmp(h->ram + TABLE_START, &want, sizeof(want)));
}

/*
 * @pre_rings: the ring page before the access, when it must not change
 * (the device was in error, or the access missed it); otherwise NULL.
 */
static void check_after(struct harness *h, const struct frozen *pre,
			const struct simvirtio_rings *pre_rings,
			uint64_t off, const uint8_t *data, uint32_t len,
			bool is_write, bool hit)
{
	const struct simvirtio *sv = h->sv;
	const struct simvirtio_rings *r = sv->rings;
	struct frozen post;
	uint32_t idx;
	off_t n, i;
	int reg;

	freeze(h, &post);
	FUZZ_CHECK(sv->state >= SV_POWERON && sv->state <= SV_ERROR);

	/* The device's indices never leave the queue, whatever was written. */
	FUZZ_CHECK(sv->tx_shadow.head < QLEN && sv->tx_shadow.tail < QLEN);
	FUZZ_CHECK(sv->rx_shadow.head < QLEN && sv->rx_shadow.tail < QLEN);
	FUZZ_CHECK(sv->txq.maxlen == QLEN && sv->rxq.maxlen == QLEN);
	FUZZ_CHECK(sv->txq.q_ctrl == &sv->tx_shadow &&
		   sv->rxq.q_ctrl == &sv->rx_shadow);
	FUZZ_CHECK(sv->txq.buffer == sv->rings->tx_buf &&
		   sv->rxq.buffer == sv->rings->rx_buf);

	if (pre->state == SV_ERROR) {
		/* Sticky, and nothing moves any more. */
		FUZZ_CHECK(!memcmp(pre, &post, sizeof(post)));
		FUZZ_CHECK(!memcmp(pre_rings, r, sizeof(*r)));
	} else if (sv->state != SV_ERROR) {
		/* Exit transport: the ring page holds exactly the shadows. */
		FUZZ_CHECK(r->tx.head == sv->tx_shadow.head &&
			   r->tx.tail == sv->tx_shadow.tail);
		FUZZ_CHECK(r->rx.head == sv->rx_shadow.head &&
			   r->rx.tail == sv->rx_shadow.tail);
		/* Each head store is acted on at once: TX never holds data. */
		FUZZ_CHECK(sv->tx_shadow.tail == sv->tx_shadow.head);
		FUZZ_CHECK(r->needs_kick == 0);
	}
	if (sv->state == SV_ERROR) {
		uint32_t code = 0;

		/* Reported and stopped before the access returned. */
		FUZZ_CHECK(vm_stop_reason(&h->vm, &code) ==
			   VM_STOP_DEVICE_ERROR && code == DEVICE_ERROR);
		FUZZ_CHECK(!sv->error_pending);
	} else {
		FUZZ_CHECK(vm_stop_reason(&h->vm, NULL) == VM_RUNNING);
	}
	/* Exit transport, memfd output: the carry is passed on at once. */
	FUZZ_CHECK(sv->tx_carry_len == 0 && sv->rx_carry_len == 0);
	check_ram(h, false);

	/* TX output: the slots the tail moved over, only in DEVICE_READY. */
	n = post.out_len - pre->out_len;
	FUZZ_CHECK(n >= 0 && n < QLEN);
	if (n) {
		uint8_t buf[QLEN];

		FUZZ_CHECK(pre->state == SV_READY && hit && is_write);
		FUZZ_CHECK(pread(out_fd, buf, n, pre->out_len) == n);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(buf[i] == r->tx_buf[(pre->tx.tail + i) % QLEN]);
	}

	/* RX: the input stream, in order, behind the old head. */
	n = post.in_pos - pre->in_pos;
	FUZZ_CHECK(n >= 0 && n < QLEN);
	if (n) {
		FUZZ_CHECK(pre->state == SV_READY && sv->state == SV_READY);
		FUZZ_CHECK(sv->rx_shadow.head == (pre->rx.head + n) % QLEN);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(r->rx_buf[(pre->rx.head + i) % QLEN] ==
				   h->rx_input[pre->in_pos + i]);
	} else if (sv->state != SV_ERROR && sv->state != SV_POWERON) {
		FUZZ_CHECK(sv->rx_shadow.head == pre->rx.head);
	}
	/* RX never holds more than the ring can: one slot stays empty. */
	FUZZ_CHECK(simq_count(QLEN, sv->rx_shadow.head, sv->rx_shadow.tail) <
		   QLEN);

	if (!hit) {
		/* Outside the window, or straddling its edge: not the device's. */
		FUZZ_CHECK(!memcmp(pre, &post, sizeof(post)));
		FUZZ_CHECK(!memcmp(pre_rings, r, sizeof(*r)));
		for (i = 0; !is_write && i < len; i++)
			FUZZ_CHECK(data[i] == 0xff);
		return;
	}
	if (off < SIMVIRTIO_RINGS_OFF) {
		reg = config_reg(off, len);
		if (reg < 0 || (reg == 0 && is_write)) {
			FUZZ_CHECK(sv->state == SV_ERROR);
			for (i = 0; !is_write && reg < 0 && i < len; i++)
				FUZZ_CHECK(data[i] == 0xff);
		} else if (!is_write && reg_expect(pre, off) >= 0) {
			uint32_t v = 0;

			memcpy(&v, data, len);
			FUZZ_CHECK(v == reg_expect(pre, off));
		}
		return;
	}
	off -= SIMVIRTIO_RINGS_OFF;
	memcpy(&idx, data, sizeof(idx));
	if (!is_write) {
		/* Served from the ring page, after any refill it caused. */
		FUZZ_CHECK(!memcmp(data, (const uint8_t *)r + off, len));
		return;
	}
	if (pre->state == SV_ERROR)
		return;
	if ((off == RING_OFF(tx.head) || off == RING_OFF(rx.tail)) &&
	    len == 4) {
		/* An index outside the queue is refused, never used. */
		if (idx >= QLEN)
			FUZZ_CHECK(sv->state == SV_ERROR);
	} else if (off < RING_OFF(tx_buf) ||
		   off + len > RING_OFF(tx_buf) + QLEN) {
		/* Only the TX head, the RX tail and TX slots are the driver's. */
		FUZZ_CHECK(sv->state == SV_ERROR);
	}
}

static void one_access(struct harness *h, struct fuzz_input *in)
{
	uint8_t ctl = fuzz_take(in, 1);
	uint32_t len = 1u << (ctl & 3);
	bool is_write = ctl & 4;
	uint64_t rel, addr, at = h->base, v = 0;
	uint8_t data[8];
	struct frozen pre;
	bool hit;
	int err;

	/* Where: biased to the places a driver touches, or anywhere. */
	switch ((ctl >> 3) & 3) {
	case 0:		/* the registers and the junk after them */
		rel = EDGE + (fuzz_take(in, 1) & 0x1f);
		break;
	case 1:		/* the ring page's control words */
		rel = EDGE + SIMVIRTIO_RINGS_OFF + fuzz_take(in, 1);
		break;
	case 2:		/* the buffers */
		rel = EDGE + SIMVIRTIO_RINGS_OFF + 0x800 +
		      fuzz_take(in, 2) % 0x800;
		break;
	default:	/* anywhere, a little either side of the window too */
		rel = fuzz_take(in, 2);
		/* Or where the other map has it: nothing must answer. */
		if (rel >= 0xe000)
			at = h->other;
		rel %= SIMVIRTIO_WINDOW_SIZE + 2 * EDGE;
		break;
	}
	addr = at - EDGE + rel;
	if (is_write) {
		/* Small values reach indices and statuses; wide ones the rest. */
		v = fuzz_take(in, 1u << ((ctl >> 5) & 3));
		memcpy(data, &v, sizeof(data));
	} else {
		memset(data, 0x5a, sizeof(data));
	}
	hit = addr >= h->base &&
	      addr + len <= h->base + SIMVIRTIO_WINDOW_SIZE;

	freeze(h, &pre);
	/* A copy of the ring page only when it must stay as it is: 4 KiB. */
	if (pre.state == SV_ERROR || !hit)
		memcpy(&h->rings, h->sv->rings, sizeof(h->rings));
	err = bus_access(&h->vm.bus, BUS_MMIO, addr, data, len, is_write);
	FUZZ_CHECK(err == 0);
	check_after(h, &pre, pre.state == SV_ERROR || !hit ? &h->rings : NULL,
		    addr - h->base, data, len, is_write, hit);
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

/* The two fds, made once: every input rewinds and refills them. */
static int open_fds(void)
{
	if (out_fd < 0)
		out_fd = memfd_create("simvirtio-tx", MFD_CLOEXEC);
	if (in_fd < 0)
		in_fd = memfd_create("simvirtio-rx", MFD_CLOEXEC);
	return out_fd < 0 || in_fd < 0 ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct simvirtio_params p = { SIMVIRTIO_EXIT, NULL, NULL };
	struct chardev *outc = NULL, *inc = NULL;
	struct harness h;
	uint8_t hdr;
	int err;

	if (open_fds())
		return 0;
	memset(&h, 0, sizeof(h));
	/* Header: RAM size, RAM contents, the RX input stream. */
	hdr = fuzz_take(&in, 1);
	h.ram_size = ram_size_of(hdr, &in);
	h.fill = fuzz_take(&in, 1);
	h.table_fits = h.ram_size >= TABLE_END;
	h.large = h.ram_size > SIMVMM_LOWMEM_END;
	h.base = h.large ? SIMVMM_MMIO_HIGH_BASE : SIMVMM_SIMVIRTIO_ADDR;
	h.other = h.large ? SIMVMM_SIMVIRTIO_ADDR : SIMVMM_MMIO_HIGH_BASE;
	h.rx_len = fuzz_take(&in, 2) % (RX_INPUT_MAX + 1);
	if ((size_t)h.rx_len > in.left)
		h.rx_len = in.left;
	h.rx_input = in.p;
	in.p += h.rx_len;
	in.left -= h.rx_len;

	if (ftruncate(out_fd, 0) || lseek(out_fd, 0, SEEK_SET) ||
	    ftruncate(in_fd, 0) || lseek(in_fd, 0, SEEK_SET) ||
	    (h.rx_len && pwrite(in_fd, h.rx_input, h.rx_len, 0) != h.rx_len))
		return 0;
	/* Fresh backends: an input's end of stream is sticky. */
	if (chardev_open_fd(out_fd, true, "tx memfd", &outc))
		return 0;
	if (chardev_open_fd(in_fd, false, "rx memfd", &inc)) {
		chardev_close(outc);
		return 0;
	}
	p.out = outc;
	/* No input at all is its own path: EOS from the start. */
	p.in = hdr & 2 ? NULL : inc;

	/* Exactly the guest's RAM, so ASan sees any byte touched outside. */
	h.ram = fresh_ram(h.ram_size, h.fill);
	fake_vm_init(&h.vm, h.ram, h.ram_size);
	FUZZ_CHECK(h.vm.mmio_base == h.base);
	err = simvirtio_attach(&h.vm, &p, &h.sv);
	FUZZ_CHECK(err == 0 && h.sv && h.sv->base == h.base);
	FUZZ_CHECK(h.sv->state == SV_POWERON && !vm_stopping(&h.vm));
	check_ram(&h, true);

	while (in.left)
		one_access(&h, &in);
	check_ram(&h, true);

	/* Never vm_destroy(): it would munmap the heap RAM (fake_vm.h). */
	fake_vm_release(&h.vm);
	chardev_close(inc);
	chardev_close(outc);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The SIMVIRTIO device backend (docs/simvirtio.md). The register page is
 * always MMIO; the ring page is MMIO in the exit transport and guest RAM
 * serviced by a poller thread in the poll transport. Both transports run
 * the same checks and the same state machine, under one lock.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include <simvmm/memmap.h>

#include "simvirtio.h"
#include "../kvm.h"
#include "../log.h"
#include "../util.h"

#define QLEN SIMVIRTIO_QUEUE_LEN

/* Exit transport: how long a read of the RX head waits for input. */
#define SV_INPUT_WAIT_MS 10
/* Exit transport: how long a read of the TX tail waits for the output. */
#define SV_OUTPUT_WAIT_MS 10

#define RING_OFF(field) offsetof(struct simvirtio_rings, field)

/*
 * Shared ring-page words: loaded and stored once, whole, never cached by
 * the compiler. Ordering comes from the simq_* fences next to each use.
 */
#define shared_load(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define shared_store(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

const char *simvirtio_transport_name(enum simvirtio_transport t)
{
	return t == SIMVIRTIO_POLL ? "poll" : "exit";
}

int simvirtio_transport_parse(const char *s, enum simvirtio_transport *t)
{
	if (!strcmp(s, "exit"))
		*t = SIMVIRTIO_EXIT;
	else if (!strcmp(s, "poll"))
		*t = SIMVIRTIO_POLL;
	else
		return -EINVAL;
	return 0;
}

uint8_t simvirtio_device_status(const struct simvirtio *sv)
{
	switch (sv->state) {
	case SV_POWERON:
	case SV_RESET:
		return DEVICE_RESET;
	case SV_CONFIG:
		return DEVICE_CONFIG;
	case SV_READY:
		return DEVICE_READY;
	case SV_ERROR:
		break;
	}
	return DEVICE_ERROR;
}

/*
 * A protocol violation: the device enters DEVICE_ERROR for good and the
 * VM is asked to stop, both under the lock, so no guest access can see
 * DEVICE_ERROR before the stop (vm_request_stop() does no I/O that can
 * wait). The thread that found it, vCPU or poller, says why once it has
 * dropped the lock (sv_after()). Caller holds the lock.
 */
static void __attribute__((format(printf, 2, 3)))
protocol_error(struct simvirtio *sv, const char *fmt, ...)
{
	va_list ap;

	if (sv->state == SV_ERROR)
		return;
	sv->state = SV_ERROR;
	va_start(ap, fmt);
	vsnprintf(sv->error_msg, sizeof(sv->error_msg), fmt, ap);
	va_end(ap);
	vm_request_stop(sv->vm, VM_STOP_DEVICE_ERROR, DEVICE_ERROR);
	__atomic_store_n(&sv->error_pending, true, __ATOMIC_RELEASE);
}

/* After the lock is dropped: report a new violation. */
static void sv_after(struct simvirtio *sv)
{
	if (!__atomic_exchange_n(&sv->error_pending, false, __ATOMIC_ACQ_REL))
		return;
	pr_err("simvirtio: protocol violation: %s", sv->error_msg);
	pr_detail("  device status is now DEVICE_ERROR (0x%02x); stopping the VM",
		  DEVICE_ERROR);
}

uint64_t simvirtio_next_spin(uint64_t spin_ns, bool paid_off)
{
	spin_ns = paid_off ? spin_ns * 2 : spin_ns / 2;
	if (spin_ns > SV_SPIN_MAX_NS)
		return SV_SPIN_MAX_NS;
	if (spin_ns < SV_SPIN_MIN_NS)
		return SV_SPIN_MIN_NS;
	return spin_ns;
}

/* Write the whole device table; the VMM never reads it back. */
static void devtable_publish(struct simvirtio *sv, bool present)
{
	device_table_t t;
	void *hva;

	hva = vm_gpa_to_hva(sv->vm, SIMVMM_DEVTABLE_ADDR, sizeof(t));
	if (!hva)
		return;
	memset(&t, 0, sizeof(t));
	if (present || sv->listed_always) {
		t.count = 1;
		t.device_addresses[0] = sv->base;
	}
	memcpy(hva, &t, sizeof(t));
}

/* Back to power-on: indices, flags, table entry. Caller holds the lock. */
static void full_reset(struct simvirtio *sv)
{
	sv->state = SV_POWERON;
	sv->acked = false;
	sv->rx_wanted = false;
	sv->driver_status = DRIVER_ACK;
	sv->queue_sel = 0;
	memset(&sv->tx_shadow, 0, sizeof(sv->tx_shadow));
	memset(&sv->rx_shadow, 0, sizeof(sv->rx_shadow));
	memset(sv->rings, 0, sizeof(*sv->rings));
	devtable_publish(sv, false);
}

/* The VMM's own wake-up, kept apart from the driver's kicks it counts. */
static void wake_poller(struct simvirtio *sv)
{
	if (sv->wake_fd >= 0)
		(void)eventfd_write(sv->wake_fd, 1);
}

/* One byte taken from TX, in the handshake or as data. */
static void tx_byte(struct simvirtio *sv, uint8_t c)
{
	switch (sv->state) {
	case SV_POWERON:
		if (c == 'R') {
			/* The reset the handshake starts with. */
			sv->state = SV_RESET;
			sv->acked = false;
			devtable_publish(sv, false);
		} else if (c == 'C') {
			protocol_error(sv, "'C' on TX before 'R': the handshake starts with 'R'");
		} else {
			protocol_error(sv, "data (0x%02x) on TX before DEVICE_READY: the handshake starts with 'R'",
				       c);
		}
		break;
	case SV_RESET:
		if (c == 'R') {
			sv->acked = false;
		} else if (c != 'C') {
			protocol_error(sv, "data (0x%02x) on TX before DEVICE_READY: expected 'C' after 'R'",
				       c);
		} else if (!sv->acked) {
			protocol_error(sv, "'C' on TX before the driver set DRIVER_ACK");
		} else {
			/* Table first: the driver reads it once it sees CONFIG. */
			devtable_publish(sv, true);
			sv->state = SV_CONFIG;
		}
		break;
	case SV_CONFIG:
		protocol_error(sv, "data (0x%02x) on TX before DEVICE_READY: the driver must set DRIVER_OK first",
			       c);
		break;
	case SV_READY:
		sv->tx_carry[sv->tx_carry_len++] = c;
		sv->stats.tx_bytes++;
		break;
	case SV_ERROR:
		break;
	}
}

/*
 * Check @head, the driver's new TX head, against what the device knows:
 * in range, and not moved over elements the device has not taken yet.
 */
static bool tx_head_ok(struct simvirtio *sv, unsigned int head)
{
	unsigned int old = sv->tx_shadow.head, tail = sv->tx_shadow.tail;
	unsigned int used, moved;

	if (head >= QLEN) {
		protocol_error(sv, "TX head %u is outside the queue (max queue len %u)",
			       head, QLEN);
		return false;
	}
	used = simq_count(QLEN, old, tail);
	moved = simq_count(QLEN, head, old);
	if (moved > QLEN - 1 - used) {
		protocol_error(sv, "TX overflow: head moved from %u to %u but only %u of %u slots were free",
			       old, head, QLEN - 1 - used, QLEN - 1);
		return false;
	}
	return true;
}

/* Check @tail, the driver's new RX tail: in range, not past the head. */
static bool rx_tail_ok(struct simvirtio *sv, unsigned int tail)
{
	unsigned int old = sv->rx_shadow.tail, head = sv->rx_shadow.head;

	if (tail >= QLEN) {
		protocol_error(sv, "RX tail %u is outside the queue (max queue len %u)",
			       tail, QLEN);
		return false;
	}
	if (simq_count(QLEN, tail, old) > simq_count(QLEN, head, old)) {
		protocol_error(sv, "RX tail moved from %u to %u, past head %u: the driver consumed elements the device never produced",
			       old, tail, head);
		return false;
	}
	return true;
}

/*
 * Take TX up to the (checked) @head, its data only as far as the output
 * promises room (chardev_reserve(): no I/O under our lock); publish the
 * new tail. What is left stays in the ring: the driver sees it full and
 * waits for the output. The data waits in tx_carry for sv_output().
 * Caller holds the lock.
 */
static unsigned int drain_tx(struct simvirtio *sv, unsigned int head)
{
	unsigned int taken = 0, room = 0;
	q_elem_t c;

	sv->tx_shadow.head = head;
	if (sv->tx_carry_len || sv->tx_reserved)
		return 0;	/* sv_output() has not run yet */
	/* Only data needs room; the handshake's bytes go nowhere. */
	if (sv->state == SV_READY) {
		room = sv->out ? chardev_reserve(sv->out, QLEN) : QLEN;
		sv->tx_reserved = sv->out ? room : 0;
	}
	sv->tx_stalled = false;
	/* The driver's elements were written before the head we loaded. */
	simq_acquire();
	while (sv->state != SV_ERROR) {
		if (sv->state == SV_READY && sv->tx_carry_len == room) {
			sv->tx_stalled = sv->tx_shadow.head != sv->tx_shadow.tail;
			break;
		}
		if (circ_bbuf_pop(&sv->txq, &c) != SIMQ_OK)
			break;
		tx_byte(sv, c);
		taken++;
	}
	/* Done with the slots (and the state they moved) before freeing them. */
	simq_release();
	shared_store(&sv->rings->tx.tail, sv->tx_shadow.tail);
	return taken;
}

/*
 * Pass the carried TX data to the output, without the lock (the carry
 * belongs to the servicing thread): into the room drain_tx() reserved,
 * so it never falls short. Returns bytes passed.
 */
static unsigned int sv_output(struct simvirtio *sv)
{
	unsigned int n = sv->tx_carry_len;

	if (sv->out && (n || sv->tx_reserved))
		chardev_commit(sv->out, sv->tx_carry, n, sv->tx_reserved);
	sv->tx_carry_len = 0;
	sv->tx_reserved = 0;
	return n;
}

/* RX room, in elements. Caller holds the lock. */
static unsigned int rx_room(const struct simvirtio *sv)
{
	return QLEN - 1 - simq_count(QLEN, sv->rx_shadow.head,
				     sv->rx_shadow.tail);
}

/*
 * Move carried input onto RX as room allows, publish the head, then the
 * end of the stream once all input is on RX. Caller holds the lock.
 */
static unsigned int push_rx(struct simvirtio *sv)
{
	unsigned int n = sv->rx_carry_len, room = rx_room(sv), i;

	if (sv->state != SV_READY)
		return 0;
	if (n > room)
		n = room;
	if (n) {
		for (i = 0; i < n; i++)
			(void)circ_bbuf_push(&sv->rxq, sv->rx_carry[i]);
		memmove(sv->rx_carry, sv->rx_carry + n, sv->rx_carry_len - n);
		sv->rx_carry_len -= n;
		sv->stats.rx_bytes += n;
		/* The elements are visible before the head (inside the push, too). */
		simq_release();
		shared_store(&sv->rings->rx.head, sv->rx_shadow.head);
		return n;
	}
	if (sv->in_eof && !sv->rx_carry_len &&
	    !shared_load(&sv->rings->rx_eos)) {
		/* After the last head: a driver seeing EOS sees all data. */
		simq_release();
		shared_store(&sv->rings->rx_eos, 1);
		return 1;
	}
	return 0;
}

/* Input is wanted now: the device is READY and the driver reads RX. */
static bool rx_open(const struct simvirtio *sv)
{
	return sv->state == SV_READY &&
	       (sv->transport == SIMVIRTIO_EXIT || sv->rx_wanted);
}

/*
 * Read input for RX, without the lock: at most what RX has room for, and
 * only while the driver wants it. With @wait_ms and RX empty, wait that
 * long for input (in vm_wait(), so a stop ends it). Returns the progress.
 */
static unsigned int sv_input(struct simvirtio *sv, int wait_ms)
{
	uint8_t buf[QLEN];
	unsigned int progress, room = 0;
	bool read_more, empty = false;
	ssize_t n;

	pthread_mutex_lock(&sv->lock);
	progress = push_rx(sv);
	read_more = rx_open(sv) && !sv->in_eof && !sv->rx_carry_len &&
		    (room = rx_room(sv)) != 0;
	if (read_more)
		empty = !simq_count(QLEN, sv->rx_shadow.head,
				    sv->rx_shadow.tail);
	pthread_mutex_unlock(&sv->lock);
	if (!read_more)
		return progress;
	if (wait_ms && empty &&
	    vm_wait(sv->vm, chardev_fd(sv->in), POLLIN, wait_ms) <= 0)
		return progress;	/* no input yet, or stopping */
	n = chardev_read(sv->in, buf, room);
	if (n == -EAGAIN)
		return progress;
	pthread_mutex_lock(&sv->lock);
	if (n > 0) {
		memcpy(sv->rx_carry, buf, n);
		sv->rx_carry_len = n;
	} else {
		sv->in_eof = true;
	}
	progress += push_rx(sv) + (n > 0);
	pthread_mutex_unlock(&sv->lock);
	return progress;
}

/* Caller holds the lock. */
static unsigned int service_locked(struct simvirtio *sv)
{
	struct simvirtio_rings *r = sv->rings;
	unsigned int progress = 0, head, tail;

	if (sv->state == SV_ERROR)
		return 0;
	/* The device's own indices: the driver must never write them. */
	if (shared_load(&r->tx.tail) != sv->tx_shadow.tail) {
		protocol_error(sv, "the driver wrote the device-owned TX tail (%u, the device has %u)",
			       shared_load(&r->tx.tail), sv->tx_shadow.tail);
		return 0;
	}
	if (shared_load(&r->rx.head) != sv->rx_shadow.head) {
		protocol_error(sv, "the driver wrote the device-owned RX head (%u, the device has %u)",
			       shared_load(&r->rx.head), sv->rx_shadow.head);
		return 0;
	}

	head = shared_load(&r->tx.head);
	if (head != sv->tx_shadow.head) {
		if (!tx_head_ok(sv, head))
			return 0;
		progress += drain_tx(sv, head);
	} else if (sv->tx_stalled) {
		/* What the output had no room for last time. */
		progress += drain_tx(sv, head);
	}
	if (sv->state == SV_ERROR)
		return progress;

	tail = shared_load(&r->rx.tail);
	if (tail != sv->rx_shadow.tail) {
		if (!rx_tail_ok(sv, tail))
			return progress;
		sv->rx_shadow.tail = tail;
		progress++;
	}
	return progress;
}

unsigned int simvirtio_service(struct simvirtio *sv)
{
	unsigned int progress;

	/* The output's buffer first: what its reader took is room for TX. */
	if (sv->out)
		chardev_flush(sv->out);
	progress = 0;
	pthread_mutex_lock(&sv->lock);
	progress += service_locked(sv);
	pthread_mutex_unlock(&sv->lock);
	progress += sv_output(sv);
	progress += sv_input(sv, 0);
	sv_after(sv);
	return progress;
}

static void driver_status_write(struct simvirtio *sv, uint32_t v)
{
	switch (v) {
	case DRIVER_STATUS_RESET:
		full_reset(sv);
		wake_poller(sv);
		break;
	case DRIVER_ACK:
	case DRIVER:
		if (sv->state != SV_RESET) {
			protocol_error(sv, "driver status 0x%02x (DRIVER_ACK/DRIVER) while the device status is 0x%02x: it is valid only after 'R' and before 'C'",
				       v, simvirtio_device_status(sv));
			break;
		}
		sv->driver_status = v;
		sv->acked = true;
		break;
	case DRIVER_OK:
		if (sv->state != SV_CONFIG) {
			protocol_error(sv, "DRIVER_OK while the device status is 0x%02x, not DEVICE_CONFIG",
				       simvirtio_device_status(sv));
			break;
		}
		sv->driver_status = v;
		sv->state = SV_READY;
		/* The poller may sleep without watching the input: wake it. */
		wake_poller(sv);
		break;
	default:
		protocol_error(sv, "unknown driver status 0x%02x", v);
		break;
	}
}

static const struct {
	uint32_t off;
	uint32_t len;
	const char *name;
	bool writable;
} regs[] = {
	{ SIMVIRTIO_REG_MAGIC, 4, "magic", false },
	{ SIMVIRTIO_REG_MAX_QUEUE_LEN, 2, "max queue len", false },
	{ SIMVIRTIO_REG_DEVICE_STATUS, 1, "device status", false },
	{ SIMVIRTIO_REG_DRIVER_STATUS, 1, "driver status", true },
	{ SIMVIRTIO_REG_QUEUE_SEL, 1, "queue selector", true },
	{ SIMVIRTIO_REG_Q0_CTL, 1, "Q0 (TX) CTL", true },
	{ SIMVIRTIO_REG_Q1_CTL, 1, "Q1 (RX) CTL", true },
};

static uint32_t reg_read(struct simvirtio *sv, uint32_t off)
{
	switch (off) {
	case SIMVIRTIO_REG_MAGIC:
		return MAGIC_VALUE;
	case SIMVIRTIO_REG_MAX_QUEUE_LEN:
		return sv->queue_sel < SIMVIRTIO_NR_QUEUES ? QLEN : 0;
	case SIMVIRTIO_REG_DEVICE_STATUS:
		return simvirtio_device_status(sv);
	case SIMVIRTIO_REG_DRIVER_STATUS:
		return sv->driver_status;
	case SIMVIRTIO_REG_QUEUE_SEL:
		return sv->queue_sel;
	case SIMVIRTIO_REG_Q1_CTL:
		return shared_load(&sv->rings->rx_eos) ? SIMVIRTIO_QSTAT_EOS : 0;
	default:
		return 0;	/* Q0 CTL: no status bits defined */
	}
}

static void config_access(struct simvirtio *sv, uint64_t off, void *data,
			  uint32_t len, bool is_write)
{
	unsigned int i;
	uint32_t v = 0;

	sv->stats.config_exits++;
	for (i = 0; i < ARRAY_SIZE(regs); i++)
		if (regs[i].off == off && regs[i].len == len)
			break;
	if (i == ARRAY_SIZE(regs)) {
		protocol_error(sv, "%s of %u byte(s) at config offset 0x%llx matches no register: each register is accessed alone, at its own width",
			       is_write ? "write" : "read", len,
			       (unsigned long long)off);
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (!is_write) {
		v = reg_read(sv, off);
		memcpy(data, &v, len);	/* little endian: the low bytes */
		return;
	}
	memcpy(&v, data, len);
	if (!regs[i].writable) {
		protocol_error(sv, "write of 0x%x to the read-only %s register",
			       v, regs[i].name);
		return;
	}
	if (sv->state == SV_ERROR)
		return;
	switch (off) {
	case SIMVIRTIO_REG_DRIVER_STATUS:
		driver_status_write(sv, v);
		break;
	case SIMVIRTIO_REG_QUEUE_SEL:
		sv->queue_sel = v;
		break;
	default:
		/* Q0/Q1 CTL: a notify. Poll: normally an ioeventfd instead. */
		if (off == SIMVIRTIO_REG_Q1_CTL)
			sv->rx_wanted = true;
		if (sv->transport == SIMVIRTIO_POLL)
			wake_poller(sv);
		else
			service_locked(sv);
		break;
	}
}

/* Name of the ring-page field at @off, for diagnostics. */
static const char *ring_field(uint64_t off)
{
	if (off < RING_OFF(rx))
		return off < 4 ? "TX head" : off < 8 ? "TX tail" : "padding";
	if (off < RING_OFF(needs_kick))
		return off < RING_OFF(rx) + 4 ? "RX head" :
		       off < RING_OFF(rx) + 8 ? "RX tail" : "padding";
	if (off < RING_OFF(rx_eos))
		return off < RING_OFF(needs_kick) + 4 ? "needs_kick" : "padding";
	if (off < RING_OFF(tx_buf))
		return off < RING_OFF(rx_eos) + 4 ? "rx_eos" : "padding";
	if (off < RING_OFF(tx_buf) + QLEN)
		return "TX buffer";
	if (off >= RING_OFF(rx_buf) && off < RING_OFF(rx_buf) + QLEN)
		return "RX buffer";
	return "padding";
}

/* A driver store into the TX buffer: only free slots may be written. */
static bool tx_slots_ok(struct simvirtio *sv, unsigned int first,
			unsigned int n)
{
	unsigned int head = sv->tx_shadow.head, tail = sv->tx_shadow.tail;
	unsigned int free = QLEN - 1 - simq_count(QLEN, head, tail);
	unsigned int i, slot;

	for (i = 0; i < n; i++) {
		slot = first + i;
		if (simq_count(QLEN, slot, head) >= free) {
			protocol_error(sv, "TX overflow: the driver wrote slot %u, which is not free (head %u, tail %u; the queue holds at most %u elements)",
				       slot, head, tail, QLEN - 1);
			return false;
		}
	}
	return true;
}

/* Exit transport: the driver touched the ring page. */
static void rings_access(struct simvirtio *sv, uint64_t off, void *data,
			 uint32_t len, bool is_write)
{
	uint8_t *page = (uint8_t *)sv->rings;
	uint32_t v = 0;

	sv->stats.ring_exits++;
	if (!is_write) {
		/* The output had no room: there may be some now. */
		if (off == RING_OFF(tx.tail) && len == 4 && sv->tx_stalled &&
		    sv->state != SV_ERROR)
			drain_tx(sv, sv->tx_shadow.head);
		memcpy(data, page + off, len);
		return;
	}
	if (sv->state == SV_ERROR)
		return;
	memcpy(&v, data, len < 4 ? len : 4);
	if (off == RING_OFF(tx.head) && len == 4) {
		if (tx_head_ok(sv, v)) {
			shared_store(&sv->rings->tx.head, v);
			drain_tx(sv, v);
		}
	} else if (off == RING_OFF(rx.tail) && len == 4) {
		if (rx_tail_ok(sv, v)) {
			shared_store(&sv->rings->rx.tail, v);
			sv->rx_shadow.tail = v;
			push_rx(sv);
		}
	} else if (off >= RING_OFF(tx_buf) &&
		   off + len <= RING_OFF(tx_buf) + QLEN) {
		if (tx_slots_ok(sv, off - RING_OFF(tx_buf), len))
			memcpy(page + off, data, len);
	} else {
		protocol_error(sv, "write of %u byte(s) to ring-page offset 0x%llx (%s): the driver may write only the TX head, the RX tail and free TX slots",
			       len, (unsigned long long)off, ring_field(off));
	}
}

/*
 * Exit transport, before a ring-page read, without the lock: the driver
 * waits for TX room or RX data, so pass data to and from the backends,
 * waiting a little (never past a stop) if there is none yet.
 */
static void exit_ring_io(struct simvirtio *sv, uint64_t off, uint32_t len)
{
	if (len != 4)
		return;
	if (off == RING_OFF(tx.tail) && sv->tx_stalled && sv->out) {
		if (!chardev_flush(sv->out) || chardev_room(sv->out))
			return;
		if (vm_wait(sv->vm, chardev_fd(sv->out), POLLOUT,
			    SV_OUTPUT_WAIT_MS) > 0)
			chardev_flush(sv->out);
	} else if (off == RING_OFF(rx.head)) {
		sv_input(sv, SV_INPUT_WAIT_MS);
	}
}

static int simvirtio_mmio(void *owner, uint64_t offset, void *data,
			  uint32_t len, bool is_write)
{
	struct simvirtio *sv = owner;
	bool rings = offset >= SIMVIRTIO_RINGS_OFF;

	if (rings && !is_write && sv->transport == SIMVIRTIO_EXIT)
		exit_ring_io(sv, offset - SIMVIRTIO_RINGS_OFF, len);
	pthread_mutex_lock(&sv->lock);
	if (!rings)
		config_access(sv, offset, data, len, is_write);
	else
		rings_access(sv, offset - SIMVIRTIO_RINGS_OFF, data, len,
			     is_write);
	pthread_mutex_unlock(&sv->lock);
	/* Host I/O for what the access moved, unlocked (exit transport). */
	if (sv->transport == SIMVIRTIO_EXIT)
		sv_output(sv);
	sv_after(sv);
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * Sleep until a kick, a wake-up from the vCPU thread, input (when RX wants
 * it and can take it), room on the output (when TX data waits for it) or
 * the stop request.
 */
static void poller_sleep(struct simvirtio *sv)
{
	struct pollfd pfd[6];
	nfds_t i, n = 4;
	eventfd_t v;

	pfd[0].fd = sv->kick_fd;
	pfd[1].fd = sv->rx_kick_fd;
	pfd[2].fd = sv->wake_fd;
	pfd[3].fd = sv->stop_fd;
	for (i = 0; i < n; i++)
		pfd[i].events = POLLIN;
	pthread_mutex_lock(&sv->lock);
	if (sv->in && rx_open(sv) && !sv->in_eof && !sv->rx_carry_len &&
	    rx_room(sv)) {
		pfd[n].fd = chardev_fd(sv->in);
		pfd[n++].events = POLLIN;
	}
	pthread_mutex_unlock(&sv->lock);
	if (sv->tx_stalled && sv->out) {
		pfd[n].fd = chardev_fd(sv->out);
		pfd[n++].events = POLLOUT;
	}
	if (poll(pfd, n, -1) <= 0)
		return;
	if ((pfd[0].revents & POLLIN) && eventfd_read(sv->kick_fd, &v) == 0)
		sv->stats.kicks += v;
	if ((pfd[1].revents & POLLIN) && eventfd_read(sv->rx_kick_fd, &v) == 0) {
		sv->stats.kicks += v;
		pthread_mutex_lock(&sv->lock);
		sv->rx_wanted = true;
		pthread_mutex_unlock(&sv->lock);
	}
	if (pfd[2].revents & POLLIN)
		(void)eventfd_read(sv->wake_fd, &v);
}

/*
 * The poller (Solo5 hvt's design): service while there is work, spin a
 * bounded time when there is none, then raise needs_kick and sleep until
 * the driver's notify (an ioeventfd: no exit to userspace), input or stop.
 * The spin's length adapts (SV_SPIN_MIN_NS to SV_SPIN_MAX_NS, see there).
 */
static void *poller_main(void *arg)
{
	struct simvirtio *sv = arg;
	uint64_t spin_ns = SV_SPIN_MAX_NS;
	uint64_t idle_since = now_ns();
	bool spinning = false;

	while (!__atomic_load_n(&sv->stopping, __ATOMIC_ACQUIRE)) {
		if (simvirtio_service(sv)) {
			/* Work came while we spun: spinning paid off. */
			if (spinning)
				spin_ns = simvirtio_next_spin(spin_ns, true);
			spinning = false;
			idle_since = now_ns();
			continue;
		}
		if (now_ns() - idle_since < spin_ns) {
			spinning = true;
			__builtin_ia32_pause();
			continue;
		}
		/* Spun for nothing: spin less next time. */
		spin_ns = simvirtio_next_spin(spin_ns, false);
		spinning = false;
		shared_store(&sv->rings->needs_kick, 1);
		/*
		 * Full barrier: the needs_kick store must be visible before we
		 * load the driver's indices again. The driver stores an index,
		 * full barrier, loads needs_kick: now at least one of us sees
		 * the other's store, so work cannot slip in unnoticed while
		 * we sleep.
		 */
		simq_full_barrier();
		if (!simvirtio_service(sv))
			poller_sleep(sv);
		shared_store(&sv->rings->needs_kick, 0);
		idle_since = now_ns();
	}
	return NULL;
}

static int assign_ioeventfd(struct simvirtio *sv, uint64_t addr, int fd,
			    bool assign)
{
	struct kvm_ioeventfd io = {
		.addr = addr,
		.len = 1,
		.fd = fd,
		.flags = assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN,
	};

	if (ioctl(sv->vm->fd, KVM_IOEVENTFD, &io) < 0)
		return -errno;
	return 0;
}

static void poll_teardown(struct simvirtio *sv)
{
	eventfd_t late;

	if (sv->poller_started) {
		__atomic_store_n(&sv->stopping, true, __ATOMIC_RELEASE);
		(void)eventfd_write(sv->stop_fd, 1);
		pthread_join(sv->poller, NULL);
		sv->poller_started = false;
	}
	/* Kicks that came while the poller was awake are still counted. */
	if (sv->kick_fd >= 0 && eventfd_read(sv->kick_fd, &late) == 0)
		sv->stats.kicks += late;
	if (sv->rx_kick_fd >= 0 && eventfd_read(sv->rx_kick_fd, &late) == 0)
		sv->stats.kicks += late;
	if (sv->ioeventfds) {
		assign_ioeventfd(sv, sv->base + SIMVIRTIO_REG_Q0_CTL,
				 sv->kick_fd, false);
		assign_ioeventfd(sv, sv->base + SIMVIRTIO_REG_Q1_CTL,
				 sv->rx_kick_fd, false);
		sv->ioeventfds = false;
	}
	if (sv->slot >= 0) {
		vm_unmap_device_memory(sv->vm, sv->slot,
				       sv->base + SIMVIRTIO_RINGS_OFF);
		sv->slot = -1;
	}
	if (sv->kick_fd >= 0)
		close(sv->kick_fd);
	if (sv->rx_kick_fd >= 0)
		close(sv->rx_kick_fd);
	if (sv->wake_fd >= 0)
		close(sv->wake_fd);
	if (sv->stop_fd >= 0)
		close(sv->stop_fd);
	sv->kick_fd = -1;
	sv->rx_kick_fd = -1;
	sv->wake_fd = -1;
	sv->stop_fd = -1;
}

static int poll_setup(struct simvirtio *sv)
{
	sigset_t all, old;
	int err;

	/* The notifies must reach the poller without an exit. */
	if (kvm_check_cap(sv->vm->sys_fd, KVM_CAP_IOEVENTFD) <= 0) {
		pr_err("simvirtio: --transport poll needs KVM_CAP_IOEVENTFD, which this KVM lacks; use --transport exit");
		return -ENOTSUP;
	}
	sv->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	sv->rx_kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	sv->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	sv->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sv->kick_fd < 0 || sv->rx_kick_fd < 0 || sv->wake_fd < 0 ||
	    sv->stop_fd < 0) {
		err = -errno;
		pr_err("simvirtio: eventfd: %s", strerror(-err));
		return err;
	}
	err = vm_map_device_memory(sv->vm, sv->base + SIMVIRTIO_RINGS_OFF,
				   SIMVIRTIO_RINGS_SIZE, sv->rings);
	if (err < 0)
		return err;
	sv->slot = err;

	err = assign_ioeventfd(sv, sv->base + SIMVIRTIO_REG_Q0_CTL,
			       sv->kick_fd, true);
	if (!err) {
		err = assign_ioeventfd(sv, sv->base +
				       SIMVIRTIO_REG_Q1_CTL, sv->rx_kick_fd,
				       true);
		if (err)
			assign_ioeventfd(sv, sv->base +
					 SIMVIRTIO_REG_Q0_CTL, sv->kick_fd,
					 false);
	}
	if (err) {
		pr_err("simvirtio: KVM_IOEVENTFD: %s; try --transport exit",
		       strerror(-err));
		return err;
	}
	sv->ioeventfds = true;

	/*
	 * The poller must never take a signal: the stop signals belong to
	 * the vCPU loop. Threads inherit the creator's mask, so create it
	 * with everything blocked (the command line has blocked the stop
	 * signals already; this also holds for other callers).
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = -pthread_create(&sv->poller, NULL, poller_main, sv);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		pr_err("simvirtio: starting the poller thread: %s",
		       strerror(-err));
		return err;
	}
	sv->poller_started = true;
	/* A name for ps, top and `make bench`, which times this thread idle. */
	(void)pthread_setname_np(sv->poller, "sv-poller");
	return 0;
}

static void simvirtio_destroy(void *priv)
{
	struct simvirtio *sv = priv;
	const struct simvirtio_stats *s = &sv->stats;

	if (sv->transport == SIMVIRTIO_POLL)
		poll_teardown(sv);
	sv_output(sv);	/* a no-op: the carry is passed on after each drain */
	if (s->config_exits || s->ring_exits)
		pr_info("simvirtio: %llu config exits, %llu ring exits, %llu kicks; TX %llu bytes, RX %llu bytes",
			(unsigned long long)s->config_exits,
			(unsigned long long)s->ring_exits,
			(unsigned long long)s->kicks,
			(unsigned long long)s->tx_bytes,
			(unsigned long long)s->rx_bytes);
	munmap(sv->rings, SIMVIRTIO_RINGS_SIZE);
	pthread_mutex_destroy(&sv->lock);
	free(sv);
}

int simvirtio_attach(struct vm *vm, const struct simvirtio_params *p,
		     struct simvirtio **out)
{
	struct simvirtio *sv;
	int err;

	sv = calloc(1, sizeof(*sv));
	if (!sv)
		return -ENOMEM;
	sv->vm = vm;
	sv->base = vm->mmio_base;
	/* The large map has no fixed address: the table is how it is found. */
	sv->listed_always = sv->base != SIMVMM_SIMVIRTIO_ADDR;
	sv->transport = p->transport;
	sv->out = p->out;
	sv->in = p->in;
	sv->in_eof = !p->in;
	sv->slot = -1;
	sv->kick_fd = -1;
	sv->rx_kick_fd = -1;
	sv->wake_fd = -1;
	sv->stop_fd = -1;
	pthread_mutex_init(&sv->lock, NULL);

	/* A page of its own: in the poll transport it becomes guest RAM. */
	sv->rings = mmap(NULL, SIMVIRTIO_RINGS_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sv->rings == MAP_FAILED) {
		err = -errno;
		pthread_mutex_destroy(&sv->lock);
		free(sv);
		return err;
	}
	sv->txq.q_ctrl = &sv->tx_shadow;
	sv->txq.maxlen = QLEN;
	sv->txq.buffer = sv->rings->tx_buf;
	sv->rxq.q_ctrl = &sv->rx_shadow;
	sv->rxq.maxlen = QLEN;
	sv->rxq.buffer = sv->rings->rx_buf;
	full_reset(sv);

	/* From here the VM owns sv: vm_destroy runs simvirtio_destroy. */
	err = vm_attach_device(vm, "simvirtio", sv, simvirtio_destroy);
	if (err) {
		pr_err("simvirtio: attaching to the VM: %s", strerror(-err));
		munmap(sv->rings, SIMVIRTIO_RINGS_SIZE);
		pthread_mutex_destroy(&sv->lock);
		free(sv);
		return err;
	}
	err = bus_register(&vm->bus, BUS_MMIO, sv->base,
			   SIMVIRTIO_WINDOW_SIZE, simvirtio_mmio, sv,
			   "simvirtio");
	if (err) {
		pr_err("simvirtio: registering the window at 0x%llx: %s",
		       (unsigned long long)sv->base, strerror(-err));
		return err;
	}
	if (sv->transport == SIMVIRTIO_POLL) {
		err = poll_setup(sv);
		if (err)
			return err;	/* vm_destroy undoes the partial setup */
	}
	pr_info("simvirtio at 0x%llx, %s transport",
		(unsigned long long)sv->base,
		simvirtio_transport_name(sv->transport));
	if (out)
		*out = sv;
	return 0;
}

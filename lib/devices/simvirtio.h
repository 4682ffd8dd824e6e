/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SIMVIRTIO device (docs/simvirtio.md): config registers and two rings
 * in the VM's MMIO window (vm->mmio_base), TX to an fd, RX from an fd,
 * over the exit or the poll transport.
 */
#ifndef SIMVMM_DEV_SIMVIRTIO_H
#define SIMVMM_DEV_SIMVIRTIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <simvmm/simqueue.h>

#include "../chardev.h"
#include "../vm.h"

enum simvirtio_transport {
	/* Nothing is RAM: every access to the window is a KVM_EXIT_MMIO. */
	SIMVIRTIO_EXIT,
	/*
	 * The ring page is guest RAM serviced by a host thread; the config
	 * page still exits; notifies are KVM_IOEVENTFDs.
	 */
	SIMVIRTIO_POLL,
};

/* The build's default: poll under USE_POOLING (the assignment's name). */
#if defined(USE_POOLING) && USE_POOLING
#define SIMVIRTIO_DEFAULT_TRANSPORT SIMVIRTIO_POLL
#else
#define SIMVIRTIO_DEFAULT_TRANSPORT SIMVIRTIO_EXIT
#endif

struct simvirtio_params {
	enum simvirtio_transport transport;
	struct chardev *out;	/* TX data goes here, NULL: dropped; not owned */
	struct chardev *in;	/* RX data comes from here, NULL: none; not owned */
};

/* The device's own state machine; device_status is derived from it. */
enum simvirtio_state {
	SV_POWERON,	/* DEVICE_RESET, waiting for 'R' */
	SV_RESET,	/* DEVICE_RESET, 'R' seen: DRIVER_ACK, then 'C' */
	SV_CONFIG,	/* DEVICE_CONFIG, in the table: waiting for DRIVER_OK */
	SV_READY,	/* DEVICE_READY: TX and RX carry data */
	SV_ERROR,	/* DEVICE_ERROR: a violation; sticky */
};

struct simvirtio_stats {
	uint64_t config_exits;	/* MMIO exits on the register page */
	uint64_t ring_exits;	/* MMIO exits on the ring page */
	uint64_t kicks;		/* driver notifies (ioeventfd), poll only */
	uint64_t tx_bytes;	/* data bytes taken from TX in READY */
	uint64_t rx_bytes;	/* data bytes put on RX */
};

struct simvirtio {
	struct vm *vm;
	uint64_t base;		/* the window's guest-physical address */
	bool listed_always;	/* in the device table from power-on */
	enum simvirtio_transport transport;
	struct chardev *out;
	struct chardev *in;

	/*
	 * Host I/O is done by one thread, the one that services the rings
	 * (the vCPU thread in the exit transport, the poller in poll), and
	 * never under the lock. TX data is taken from the ring only as far
	 * as the output promised room (chardev_reserve()), into tx_carry,
	 * and passed on right after the lock is dropped; input read waits
	 * in rx_carry for room on RX. An output with no room leaves the
	 * elements in the ring (tx_stalled): the guest waits for its reader.
	 */
	uint8_t tx_carry[SIMVIRTIO_QUEUE_LEN];
	unsigned int tx_carry_len;
	size_t tx_reserved;
	bool tx_stalled;
	uint8_t rx_carry[SIMVIRTIO_QUEUE_LEN];
	unsigned int rx_carry_len;

	/* Shared by the vCPU thread and the poller: under lock. */
	pthread_mutex_t lock;
	bool in_eof;		/* input ended (or there is none) */
	enum simvirtio_state state;
	bool acked;		/* DRIVER_ACK (or DRIVER) written since 'R' */
	/*
	 * The driver reads RX: it notified Q1 (poll transport), so input is
	 * taken from now on. The exit transport reads input only when the
	 * driver reads the RX head.
	 */
	bool rx_wanted;
	uint8_t driver_status;
	uint8_t queue_sel;
	/* A violation's message, reported (and the VM stopped) unlocked. */
	bool error_pending;	/* atomic */
	char error_msg[256];

	/*
	 * The ring page: host memory the exit transport serves reads from,
	 * or guest RAM (a KVM slot) in the poll transport. The device never
	 * trusts it: it keeps its own indices (the shadows), checks every
	 * index the driver writes against them, and only then moves them.
	 */
	struct simvirtio_rings *rings;
	queue_control_t tx_shadow;
	queue_control_t rx_shadow;
	simqueue_t txq;		/* shadow control, shared buffer */
	simqueue_t rxq;

	/* Poll transport only. */
	int slot;		/* KVM slot of the ring page, or -1 */
	int kick_fd;		/* ioeventfd target: the driver's TX notify */
	int rx_kick_fd;		/* ioeventfd target: the driver's RX notify */
	int wake_fd;		/* the vCPU thread's wake-up (state changes) */
	int stop_fd;		/* tells the poller to leave */
	bool ioeventfds;	/* both ioeventfds assigned */
	bool poller_started;
	bool stopping;		/* atomic: the poller's exit request */
	pthread_t poller;

	/* Each counter has one writer; read once the poller is joined. */
	struct simvirtio_stats stats;
};

/*
 * Create the device, register its window on @vm's MMIO bus, hand it to
 * @vm (destroyed by vm_destroy) and, for the poll transport, map the ring
 * page, assign the ioeventfds and start the poller (which blocks every
 * signal, so signals always reach the vCPU thread). Returns 0 or a
 * negative errno (reported).
 */
int simvirtio_attach(struct vm *vm, const struct simvirtio_params *p,
		     struct simvirtio **out);

/*
 * One poll-transport pass: check the driver's indices, take TX, refill RX
 * (once the driver has asked for it), pass data to and from the backends
 * without waiting. Returns how much progress it made (0: nothing to do).
 * The poller's body; unit tests and the fuzzer call it to play the poller
 * without KVM.
 */
unsigned int simvirtio_service(struct simvirtio *sv);

/*
 * The poller's idle spin after one that ended with (@paid_off) or without
 * work: doubled or halved, within [SV_SPIN_MIN_NS, SV_SPIN_MAX_NS].
 */
uint64_t simvirtio_next_spin(uint64_t spin_ns, bool paid_off);

#define SV_SPIN_MAX_NS 200000ull
#define SV_SPIN_MIN_NS 2000ull

/* The value the device status register reads. */
uint8_t simvirtio_device_status(const struct simvirtio *sv);

/* "exit" or "poll", and back; parse returns 0 or -EINVAL. */
const char *simvirtio_transport_name(enum simvirtio_transport t);
int simvirtio_transport_parse(const char *s, enum simvirtio_transport *t);

#endif /* SIMVMM_DEV_SIMVIRTIO_H */

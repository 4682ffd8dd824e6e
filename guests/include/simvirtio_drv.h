/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's SIMVIRTIO driver (docs/simvirtio.md): probe, the handshake,
 * send on TX, receive on RX. The same code for -m16, -m32 and -m64 and for
 * both transports: the driver cannot tell them apart, and need not.
 *
 * Real mode: DS (base 0, 64 KiB limit) cannot reach the window at
 * 0x100000, so the window is reached through FS = 0xffff, whose base
 * 0xffff0 puts [0xffff0, 0x10ffef] in reach (KVM has no A20 gate to wrap
 * it). Pointers into the window are __seg_fs offsets from that base;
 * simvirtio_probe() loads FS.
 */
#ifndef SIMVMM_GUEST_SIMVIRTIO_DRV_H
#define SIMVMM_GUEST_SIMVIRTIO_DRV_H

#include <stdint.h>

#if defined(SIMVMM_GUEST_BITS) && SIMVMM_GUEST_BITS == 16
#define SIMVIRTIO_AS __seg_fs
#define SIMVIRTIO_RM_SEG 0xffff
#define SIMVIRTIO_RM_BASE 0xffff0u
#endif

#include <simvmm/simqueue.h>

struct simvirtio_drv {
	uint32_t addr;		/* guest-physical base of the window */
	device_t dev;		/* what the probe and the last reads found */
	simqueue_t tx;		/* Q0: driver -> device */
	simqueue_t rx;		/* Q1: device -> driver */

	/* The window's two pages: device memory, hence volatile. */
	volatile SIMVIRTIO_AS struct simvirtio_config *cfg;
	volatile SIMVIRTIO_AS struct simvirtio_rings *rings;
	/* RX was asked for: a Q1 notify before the first read (poll transport). */
	int rx_asked;
};

/* Results: 0 or one of these. */
#define SV_OK		0
#define SV_ENODEV	(-1)	/* no SIMVIRTIO device there: bad magic/length */
#define SV_EPROTO	(-2)	/* device status not what the step expects */
#define SV_ENOENT	(-3)	/* the device is missing from the device table */
#define SV_EOS		(-4)	/* RX: the input ended */
#define SV_ECORRUPT	(-5)	/* a ring index is out of range */

/*
 * Where the device is: the device table's first entry, listed from
 * power-on in the large memory map, or else the assignment's fixed
 * SIMVMM_SIMVIRTIO_ADDR (docs/simvirtio.md, "Finding the device").
 */
uint32_t simvirtio_find(void);

/* Check the magic and the queue length at @addr; set up both queues. */
int simvirtio_probe(struct simvirtio_drv *d, uint32_t addr);

/* The handshake: 'R', DRIVER_ACK, 'C', device table, DRIVER_OK. */
int simvirtio_start(struct simvirtio_drv *d);

/* Send @len bytes on TX and wait until the device has taken them all. */
int simvirtio_send(struct simvirtio_drv *d, const void *buf,
		   unsigned int len);

/*
 * Queue @len bytes on TX, waiting while it is full, and return once the
 * last one is queued (simvirtio_wait_tx() waits until it is taken).
 * Copies as many bytes as fit at a time and publishes them with one head
 * store and one notify check: the bulk path.
 */
int simvirtio_write(struct simvirtio_drv *d, const void *buf,
		    unsigned int len);

/* Receive one byte from RX, waiting for it. SV_EOS once the input ended. */
int simvirtio_recv(struct simvirtio_drv *d, q_elem_t *c);

/*
 * Receive up to @len bytes from RX, waiting until there is at least one:
 * returns how many (1 to @len; 0 only when @len is 0), SV_EOS once the
 * input ended and everything before the end was read, or an error. Takes
 * what the ring holds with one copy and one tail store: the bulk path.
 */
int simvirtio_read(struct simvirtio_drv *d, void *buf, unsigned int len);

/* ---- building blocks, for drivers with their own flow (and tests) ---- */

uint8_t simvirtio_read_device_status(struct simvirtio_drv *d);
void simvirtio_write_driver_status(struct simvirtio_drv *d, uint8_t v);

/* Queue one byte on TX, waiting while it is full. No notify. */
int simvirtio_put(struct simvirtio_drv *d, q_elem_t c);

/* Notify the device about TX, if (and only if) it asked for it. */
void simvirtio_notify_tx(struct simvirtio_drv *d);

/* Wait until the device took everything on TX; SV_EPROTO on DEVICE_ERROR. */
int simvirtio_wait_tx(struct simvirtio_drv *d);

/*
 * Read @len (1, 2 or 4) bytes at register-page offset @off as one access,
 * whatever the register map says: for tests of the device's checks.
 */
uint32_t simvirtio_raw_read(struct simvirtio_drv *d, unsigned int off,
			    unsigned int len);

/* Whether the device table at SIMVMM_DEVTABLE_ADDR lists @addr. */
int simvirtio_in_table(uint64_t addr);

#endif /* SIMVMM_GUEST_SIMVIRTIO_DRV_H */

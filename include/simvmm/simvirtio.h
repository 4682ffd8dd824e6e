/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SIMVIRTIO, the guest/host ABI: the assignment's names and values, the
 * device window (config registers and the ring page), the device table.
 * docs/simvirtio.md is the specification; this header must match it.
 * Included by the VMM and by 16-, 32- and 64-bit guest C alike.
 *
 * SIMVIRTIO_AS is the address-space qualifier of pointers into the device
 * window. It is empty for the host and 32/64-bit guests; real-mode guests
 * define it as __seg_fs before including this header, because DS cannot
 * reach 0x100000 there (see docs/simvirtio.md, "Real mode").
 */
#ifndef SIMVMM_SIMVIRTIO_H
#define SIMVMM_SIMVIRTIO_H

#include <stddef.h>
#include <stdint.h>

#include <simvmm/memmap.h>

#ifndef SIMVIRTIO_AS
#define SIMVIRTIO_AS
#endif

/* ---- the assignment's definitions, unchanged ------------------------- */

#define MAGIC_VALUE	0x74726976	/* "virt", little endian */

#define DEVICE_RESET	0x0
#define DEVICE_CONFIG	0x2
#define DEVICE_READY	0x4

#define DRIVER_ACK	0x0
#define DRIVER		0x2
#define DRIVER_OK	0x4
#define DRIVER_RESET	0x8000

/* The driver's record of a probed device (not the register layout). */
typedef struct device {
	uint32_t magic;
	uint8_t device_status;
	uint8_t driver_status;
	uint8_t max_queue_len;
} device_t;

typedef struct device_table {
	uint16_t count;
	/*
	 * Explicit: i386 aligns uint64_t to 4 in structs, x86-64 to 8.
	 * Without this the -m32 and -m64 layouts would differ.
	 */
	uint16_t reserved[3];
	uint64_t device_addresses[10];
} device_table_t;

/* ---- simvmm's additions (each one is a documented decision) ---------- */

/* Device status: the device hit a protocol violation. Sticky. */
#define DEVICE_ERROR	0x80

/*
 * DRIVER_RESET (0x8000) does not fit the 8-bit driver status register.
 * The register carries its high byte: writing 0x80 requests a reset.
 */
#define DRIVER_STATUS_RESET	(DRIVER_RESET >> 8)

#define SIMVIRTIO_MAX_DEVICES	10	/* device_table_t.device_addresses */

/* The window: page 0 holds the registers, page 1 the rings. */
#define SIMVIRTIO_WINDOW_SIZE	0x2000
#define SIMVIRTIO_CONFIG_OFF	0x0000
#define SIMVIRTIO_RINGS_OFF	0x1000
#define SIMVIRTIO_RINGS_SIZE	0x1000

/*
 * Config space, in the assignment's order and widths. Every access must be
 * exactly one register at its own width; anything else is a violation.
 */
struct simvirtio_config {
	uint32_t magic;			/* R   MAGIC_VALUE */
	uint16_t max_queue_len;		/* R   queue_sel's length, 0 if none */
	uint8_t device_status;		/* R   DEVICE_* */
	uint8_t driver_status;		/* R/W DRIVER_*, DRIVER_STATUS_RESET */
	uint8_t queue_sel;		/* R/W queue max_queue_len describes */
	uint8_t q0_ctl;			/* R/W TX: write = notify, read = status */
	uint8_t q1_ctl;			/* R/W RX: write = notify, read = status */
} __attribute__((packed));

#define SIMVIRTIO_REG_MAGIC		0x0
#define SIMVIRTIO_REG_MAX_QUEUE_LEN	0x4
#define SIMVIRTIO_REG_DEVICE_STATUS	0x6
#define SIMVIRTIO_REG_DRIVER_STATUS	0x7
#define SIMVIRTIO_REG_QUEUE_SEL		0x8
#define SIMVIRTIO_REG_Q0_CTL		0x9
#define SIMVIRTIO_REG_Q1_CTL		0xa
#define SIMVIRTIO_CONFIG_SIZE		0xb

/* Queue numbers, for queue_sel. */
#define SIMVIRTIO_QUEUE_TX	0
#define SIMVIRTIO_QUEUE_RX	1
#define SIMVIRTIO_NR_QUEUES	2

/* Read value of Qn CTL: the queue's status bits. */
#define SIMVIRTIO_QSTAT_EOS	0x01	/* RX: input ended, nothing more comes */

/*
 * Elements per queue buffer (one is always left empty: 1023 usable): each
 * buffer fills its 1 KiB of the ring page. Reported by the u16 max queue
 * len register; too wide for device_t's u8 (see simvirtio_probe()).
 */
#define SIMVIRTIO_QUEUE_LEN	1024

typedef uint8_t q_elem_t;

typedef struct queue_control {
	/* Ptr to current available head/producer index in 'buffer'. */
	unsigned int head;
	/* Ptr to last index in 'buffer' used by consumer. */
	unsigned int tail;
} queue_control_t;

/*
 * The ring page, at SIMVIRTIO_RINGS_OFF in the window. TX is driver -> device, RX is
 * device -> driver. The two queues and the device's flags sit on separate
 * 64-byte cache lines so each side writes lines the other mostly reads.
 */
struct simvirtio_rings {
	queue_control_t tx;		/* 0x000 head: driver, tail: device */
	uint8_t pad0[56];
	queue_control_t rx;		/* 0x040 head: device, tail: driver */
	uint8_t pad1[56];
	uint32_t needs_kick;		/* 0x080 device: notify me after producing */
	uint8_t pad2[60];
	uint32_t rx_eos;		/* 0x0c0 device: RX input ended */
	uint8_t pad3[0x800 - 0xc4];
	q_elem_t tx_buf[SIMVIRTIO_QUEUE_LEN];	/* 0x800 written by the driver */
	q_elem_t rx_buf[SIMVIRTIO_QUEUE_LEN];	/* 0xc00 written by the device */
};

/* ---- layout checks: the same in -m16, -m32 and -m64 ------------------- */

_Static_assert(sizeof(unsigned int) == 4, "queue indices are 32-bit");
_Static_assert(sizeof(queue_control_t) == 8, "queue_control_t layout");
_Static_assert(offsetof(queue_control_t, tail) == 4, "queue_control_t");
_Static_assert(sizeof(struct simvirtio_config) == SIMVIRTIO_CONFIG_SIZE,
	       "config space size");
_Static_assert(offsetof(struct simvirtio_config, max_queue_len) ==
	       SIMVIRTIO_REG_MAX_QUEUE_LEN, "max_queue_len offset");
_Static_assert(offsetof(struct simvirtio_config, device_status) ==
	       SIMVIRTIO_REG_DEVICE_STATUS, "device_status offset");
_Static_assert(offsetof(struct simvirtio_config, driver_status) ==
	       SIMVIRTIO_REG_DRIVER_STATUS, "driver_status offset");
_Static_assert(offsetof(struct simvirtio_config, queue_sel) ==
	       SIMVIRTIO_REG_QUEUE_SEL, "queue_sel offset");
_Static_assert(offsetof(struct simvirtio_config, q0_ctl) ==
	       SIMVIRTIO_REG_Q0_CTL, "q0_ctl offset");
_Static_assert(offsetof(struct simvirtio_config, q1_ctl) ==
	       SIMVIRTIO_REG_Q1_CTL, "q1_ctl offset");
_Static_assert(offsetof(struct simvirtio_rings, rx) == 0x40, "rx offset");
_Static_assert(offsetof(struct simvirtio_rings, needs_kick) == 0x80,
	       "needs_kick offset");
_Static_assert(offsetof(struct simvirtio_rings, rx_eos) == 0xc0,
	       "rx_eos offset");
_Static_assert(offsetof(struct simvirtio_rings, tx_buf) == 0x800,
	       "tx_buf offset");
_Static_assert(offsetof(struct simvirtio_rings, rx_buf) == 0xc00,
	       "rx_buf offset");
_Static_assert(sizeof(struct simvirtio_rings) == SIMVIRTIO_RINGS_SIZE,
	       "ring page size");
_Static_assert(SIMVIRTIO_QUEUE_LEN == 0x400,
	       "each queue buffer fills its 1 KiB of the ring page");
_Static_assert(SIMVIRTIO_QUEUE_LEN <= 0xffff,
	       "max queue len must fit its u16 register");
_Static_assert(offsetof(device_table_t, device_addresses) == 8,
	       "device table layout");
_Static_assert(sizeof(device_table_t) == 88, "device table size");
_Static_assert(SIMVMM_DEVTABLE_ADDR + sizeof(device_table_t) <= 0x600,
	       "device table overruns its slot in memmap.h");
_Static_assert(SIMVMM_SIMVIRTIO_ADDR == SIMVMM_LOWMEM_END,
	       "the assignment's window lies right above its RAM");
_Static_assert(SIMVMM_MEM_MAX <= SIMVMM_MMIO_HIGH_BASE,
	       "the large map's window lies above all RAM");
_Static_assert(SIMVMM_MMIO_HIGH_BASE + SIMVIRTIO_WINDOW_SIZE <= SIMVMM_TSS_ADDR,
	       "the large map's window stays clear of the real-mode TSS");

#endif /* SIMVMM_SIMVIRTIO_H */

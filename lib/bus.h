/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The I/O bus: one table of port-I/O ranges and one of MMIO ranges per VM.
 * Every guest access that exits to the VMM is dispatched through here.
 */
#ifndef SIMVMM_BUS_H
#define SIMVMM_BUS_H

#include <stdbool.h>
#include <stdint.h>

enum bus_space {
	BUS_PIO,
	BUS_MMIO,
	BUS_NR_SPACES,
};

/*
 * A device's access handler. @offset is relative to the start of the
 * device's range; @data holds @len bytes (1, 2, 4 or 8, always inside the
 * range). Return 0, or a negative errno to stop the VM (the device has
 * already said why on stderr).
 */
typedef int (*bus_handler_t)(void *owner, uint64_t offset, void *data,
			     uint32_t len, bool is_write);

struct bus_range {
	uint64_t base;
	uint64_t len;
	bus_handler_t handler;
	void *owner;
	const char *name;
};

#define BUS_MAX_RANGES 16

struct bus {
	struct bus_range ranges[BUS_NR_SPACES][BUS_MAX_RANGES];
	unsigned int nr_ranges[BUS_NR_SPACES];
	/* Accesses that hit no device: reads return all-ones, writes dropped. */
	uint64_t unassigned_reads[BUS_NR_SPACES];
	uint64_t unassigned_writes[BUS_NR_SPACES];
};

void bus_init(struct bus *bus);

/*
 * Register [base, base + len). Returns 0, -EINVAL for an empty or wrapping
 * range, -EEXIST if it overlaps a registered one, -ENOSPC if the table is
 * full.
 */
int __attribute__((warn_unused_result))
bus_register(struct bus *bus, enum bus_space space, uint64_t base,
	     uint64_t len, bus_handler_t handler, void *owner,
	     const char *name);

/* The range holding @addr, or NULL. */
const struct bus_range *bus_find(const struct bus *bus, enum bus_space space,
				 uint64_t addr);

/*
 * Dispatch one access of @len bytes (1..8) at @addr. An access that lies
 * wholly inside one device goes to its handler. One that touches no device,
 * or straddles a device's edge, is unassigned: a read fills @data with
 * 0xff, a write is dropped, and both are counted. Returns the handler's
 * result, 0 for unassigned accesses, -EINVAL for a bad @len.
 */
int bus_access(struct bus *bus, enum bus_space space, uint64_t addr,
	       void *data, uint32_t len, bool is_write);

const char *bus_space_name(enum bus_space space);

#endif /* SIMVMM_BUS_H */

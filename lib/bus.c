// SPDX-License-Identifier: GPL-2.0
/* Port-I/O and MMIO dispatch: ranges, overlap checks and unassigned accesses. */
#include <errno.h>
#include <string.h>

#include "bus.h"

void bus_init(struct bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b,
			   uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int bus_register(struct bus *bus, enum bus_space space, uint64_t base,
		 uint64_t len, bus_handler_t handler, void *owner,
		 const char *name)
{
	struct bus_range *r;
	unsigned int i;

	if (space >= BUS_NR_SPACES || !handler || len == 0 ||
	    base + len < base)
		return -EINVAL;
	if (space == BUS_PIO && base + len > 0x10000)
		return -EINVAL;
	for (i = 0; i < bus->nr_ranges[space]; i++) {
		r = &bus->ranges[space][i];
		if (ranges_overlap(base, len, r->base, r->len))
			return -EEXIST;
	}
	if (bus->nr_ranges[space] == BUS_MAX_RANGES)
		return -ENOSPC;

	r = &bus->ranges[space][bus->nr_ranges[space]++];
	r->base = base;
	r->len = len;
	r->handler = handler;
	r->owner = owner;
	r->name = name;
	return 0;
}

const struct bus_range *bus_find(const struct bus *bus, enum bus_space space,
				 uint64_t addr)
{
	const struct bus_range *r;
	unsigned int i;

	if (space >= BUS_NR_SPACES)
		return NULL;
	for (i = 0; i < bus->nr_ranges[space]; i++) {
		r = &bus->ranges[space][i];
		if (addr >= r->base && addr - r->base < r->len)
			return r;
	}
	return NULL;
}

int bus_access(struct bus *bus, enum bus_space space, uint64_t addr,
	       void *data, uint32_t len, bool is_write)
{
	const struct bus_range *r;
	uint64_t off;

	if (space >= BUS_NR_SPACES || len == 0 || len > 8)
		return -EINVAL;

	r = bus_find(bus, space, addr);
	off = r ? addr - r->base : 0;
	if (!r || len > r->len - off) {
		if (is_write) {
			bus->unassigned_writes[space]++;
		} else {
			bus->unassigned_reads[space]++;
			memset(data, 0xff, len);
		}
		return 0;
	}
	return r->handler(r->owner, off, data, len, is_write);
}

const char *bus_space_name(enum bus_space space)
{
	switch (space) {
	case BUS_PIO:
		return "pio";
	case BUS_MMIO:
		return "mmio";
	default:
		return "?";
	}
}

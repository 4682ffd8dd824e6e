// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the I/O bus (lib/bus.c). The input is a program of
 * register and access operations, run against the bus and against a
 * shadow model kept here. Invariants: registration answers exactly as
 * documented; an access reaches a handler only when it lies wholly
 * inside that handler's range, with the right offset and length; every
 * other read returns all-ones and is counted; bad lengths touch nothing.
 */
#include <errno.h>
#include <stdbool.h>

#include "bus.h"
#include "fuzz.h"

struct shadow_range {
	uint64_t base, len;
};

struct model {
	struct bus bus;
	struct shadow_range r[BUS_NR_SPACES][BUS_MAX_RANGES];
	unsigned int nr[BUS_NR_SPACES];
	uint64_t unassigned_reads[BUS_NR_SPACES];
	uint64_t unassigned_writes[BUS_NR_SPACES];
	/* What the last handler call saw. */
	int called;
	uint64_t offset;
	uint32_t len;
	bool is_write;
	int ret;
};

struct owner {
	struct model *m;
	enum bus_space space;
	unsigned int idx;
};

static struct owner owners[BUS_NR_SPACES][BUS_MAX_RANGES];

static int handler(void *priv, uint64_t offset, void *data, uint32_t len,
		   bool is_write)
{
	struct owner *o = priv;
	struct model *m = o->m;
	const struct shadow_range *r = &m->r[o->space][o->idx];

	/* The bus promises @len bytes wholly inside the range. */
	FUZZ_CHECK(len >= 1 && len <= 8);
	FUZZ_CHECK(offset < r->len && len <= r->len - offset);
	m->called = (int)o->idx + 1;
	m->offset = offset;
	m->len = len;
	m->is_write = is_write;
	if (!is_write)
		memset(data, 0x40 + o->idx, len);
	return m->ret;
}

static int model_register(struct model *m, enum bus_space sp, uint64_t base,
			  uint64_t len)
{
	unsigned int i;

	if (len == 0 || base + len < base)
		return -EINVAL;
	if (sp == BUS_PIO && base + len > 0x10000)
		return -EINVAL;
	for (i = 0; i < m->nr[sp]; i++)
		if (base < m->r[sp][i].base + m->r[sp][i].len &&
		    m->r[sp][i].base < base + len)
			return -EEXIST;
	if (m->nr[sp] == BUS_MAX_RANGES)
		return -ENOSPC;
	m->r[sp][m->nr[sp]].base = base;
	m->r[sp][m->nr[sp]].len = len;
	m->nr[sp]++;
	return 0;
}

/* The range an access of @len at @addr must reach, or -1. */
static int model_target(const struct model *m, enum bus_space sp,
			uint64_t addr, uint32_t len)
{
	const struct shadow_range *r;
	unsigned int i;

	for (i = 0; i < m->nr[sp]; i++) {
		r = &m->r[sp][i];
		if (addr >= r->base && addr - r->base < r->len)
			return len <= r->len - (addr - r->base) ? (int)i : -1;
	}
	return -1;
}

/* Addresses from a small space, so that ranges and accesses collide. */
static uint64_t pick_addr(struct fuzz_input *in)
{
	uint8_t how = fuzz_take(in, 1);

	switch (how & 3) {
	case 0:
		return fuzz_take(in, 1);
	case 1:
		return fuzz_take(in, 2);
	case 2:
		return UINT64_MAX - fuzz_take(in, 1);
	default:
		return fuzz_take(in, 8);
	}
}

static uint64_t pick_len(struct fuzz_input *in)
{
	uint8_t how = fuzz_take(in, 1);

	if (how & 0x80)
		return fuzz_take(in, 8);
	return how & 0x1f;
}

static void do_register(struct model *m, struct fuzz_input *in)
{
	enum bus_space sp = fuzz_take(in, 1) & 1;
	uint64_t base = pick_addr(in), len = pick_len(in);
	unsigned int idx = m->nr[sp];
	int want, got;

	want = model_register(m, sp, base, len);
	got = bus_register(&m->bus, sp, base, len, handler,
			   &owners[sp][idx < BUS_MAX_RANGES ? idx : 0],
			   "fuzz");
	FUZZ_CHECK(got == want);
}

static void do_access(struct model *m, struct fuzz_input *in)
{
	uint8_t flags = fuzz_take(in, 1);
	enum bus_space sp = flags & 1;
	bool is_write = flags & 2;
	uint32_t len = (flags >> 2) & 0xf;	/* 0..15: bad ones too */
	uint64_t addr = pick_addr(in);
	uint8_t *data, want_byte;
	int target, err;
	uint32_t i;

	m->ret = (flags & 0xc0) == 0xc0 ? -EIO : 0;
	m->called = 0;
	/* Exactly @len bytes, so ASan catches a write past them. */
	data = malloc(len ? len : 1);
	if (!data)
		return;
	memset(data, 0x11, len ? len : 1);
	err = bus_access(&m->bus, sp, addr, data, len, is_write);

	if (len == 0 || len > 8) {
		FUZZ_CHECK(err == -EINVAL && !m->called);
		FUZZ_CHECK(data[0] == 0x11);
		goto out;
	}
	target = model_target(m, sp, addr, len);
	if (target < 0) {
		FUZZ_CHECK(err == 0 && !m->called);
		if (is_write)
			m->unassigned_writes[sp]++;
		else
			m->unassigned_reads[sp]++;
		want_byte = is_write ? 0x11 : 0xff;
	} else {
		FUZZ_CHECK(err == m->ret && m->called == target + 1);
		FUZZ_CHECK(m->offset == addr - m->r[sp][target].base);
		FUZZ_CHECK(m->len == len && m->is_write == is_write);
		want_byte = is_write ? 0x11 : 0x40 + target;
	}
	for (i = 0; i < len; i++)
		FUZZ_CHECK(data[i] == want_byte);
out:
	for (i = 0; i < BUS_NR_SPACES; i++) {
		FUZZ_CHECK(m->bus.unassigned_reads[i] ==
			   m->unassigned_reads[i]);
		FUZZ_CHECK(m->bus.unassigned_writes[i] ==
			   m->unassigned_writes[i]);
	}
	free(data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct model *m;
	unsigned int s, i;

	m = calloc(1, sizeof(*m));
	if (!m)
		return 0;
	bus_init(&m->bus);
	for (s = 0; s < BUS_NR_SPACES; s++)
		for (i = 0; i < BUS_MAX_RANGES; i++)
			owners[s][i] = (struct owner){ m, s, i };

	while (in.left) {
		if (fuzz_take(&in, 1) & 1)
			do_register(m, &in);
		else
			do_access(m, &in);
	}
	/* The bus's view of its ranges matches the model's. */
	for (s = 0; s < BUS_NR_SPACES; s++) {
		FUZZ_CHECK(m->bus.nr_ranges[s] == m->nr[s]);
		for (i = 0; i < m->nr[s]; i++) {
			FUZZ_CHECK(m->bus.ranges[s][i].base == m->r[s][i].base);
			FUZZ_CHECK(m->bus.ranges[s][i].len == m->r[s][i].len);
		}
	}
	free(m);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* Unit tests: bus registration, dispatch and the unassigned-access policy. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bus.h"

struct probe {
	unsigned int calls;
	uint64_t offset;
	uint32_t len;
	bool is_write;
	uint8_t last[8];
	int ret;
};

static int probe_handler(void *owner, uint64_t offset, void *data,
			 uint32_t len, bool is_write)
{
	struct probe *p = owner;

	p->calls++;
	p->offset = offset;
	p->len = len;
	p->is_write = is_write;
	if (is_write)
		memcpy(p->last, data, len);
	else
		memset(data, 0x5a, len);
	return p->ret;
}

static void test_register_rejects_overlap(void **state)
{
	struct probe p = { 0 };
	struct bus bus;

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_register(&bus, BUS_MMIO, 0x1000, 0x100,
				      probe_handler, &p, "a"), 0);
	assert_int_equal(bus_register(&bus, BUS_MMIO, 0x10ff, 1,
				      probe_handler, &p, "b"), -EEXIST);
	assert_int_equal(bus_register(&bus, BUS_MMIO, 0xf00, 0x101,
				      probe_handler, &p, "c"), -EEXIST);
	assert_int_equal(bus_register(&bus, BUS_MMIO, 0x1100, 1,
				      probe_handler, &p, "d"), 0);
	/* The same address in the other space is no overlap. */
	assert_int_equal(bus_register(&bus, BUS_PIO, 0x1000, 1,
				      probe_handler, &p, "e"), 0);
}

static void test_register_rejects_bad_ranges(void **state)
{
	struct probe p = { 0 };
	struct bus bus;
	unsigned int i;

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_register(&bus, BUS_MMIO, 0, 0, probe_handler,
				      &p, "empty"), -EINVAL);
	assert_int_equal(bus_register(&bus, BUS_MMIO, UINT64_MAX, 2,
				      probe_handler, &p, "wrap"), -EINVAL);
	assert_int_equal(bus_register(&bus, BUS_PIO, 0xffff, 2,
				      probe_handler, &p, "port"), -EINVAL);
	assert_int_equal(bus_register(&bus, BUS_MMIO, 0, 1, NULL, &p,
				      "nohandler"), -EINVAL);
	for (i = 0; i < BUS_MAX_RANGES; i++)
		assert_int_equal(bus_register(&bus, BUS_PIO, i, 1,
					      probe_handler, &p, "x"), 0);
	assert_int_equal(bus_register(&bus, BUS_PIO, 0x100, 1, probe_handler,
				      &p, "full"), -ENOSPC);
}

static void test_dispatch_gives_offset(void **state)
{
	struct probe p = { 0 };
	uint8_t buf[8] = { 1, 2, 3, 4 };
	struct bus bus;

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_register(&bus, BUS_MMIO, 0x100000, 0x1000,
				      probe_handler, &p, "dev"), 0);
	assert_int_equal(bus_access(&bus, BUS_MMIO, 0x100010, buf, 4, true),
			 0);
	assert_int_equal(p.calls, 1);
	assert_int_equal(p.offset, 0x10);
	assert_int_equal(p.len, 4);
	assert_true(p.is_write);
	assert_memory_equal(p.last, buf, 4);

	assert_int_equal(bus_access(&bus, BUS_MMIO, 0x100ff8, buf, 8, false),
			 0);
	assert_int_equal(p.calls, 2);
	assert_int_equal(p.offset, 0xff8);
	assert_int_equal(buf[7], 0x5a);
}

static void test_unassigned_policy(void **state)
{
	struct probe p = { 0 };
	uint8_t buf[8];
	struct bus bus;

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_register(&bus, BUS_MMIO, 0x1000, 0x10,
				      probe_handler, &p, "dev"), 0);

	memset(buf, 0, sizeof(buf));
	assert_int_equal(bus_access(&bus, BUS_MMIO, 0x5000, buf, 8, false),
			 0);
	assert_int_equal(buf[0], 0xff);
	assert_int_equal(buf[7], 0xff);
	assert_int_equal(bus.unassigned_reads[BUS_MMIO], 1);

	assert_int_equal(bus_access(&bus, BUS_MMIO, 0x5000, buf, 2, true), 0);
	assert_int_equal(bus.unassigned_writes[BUS_MMIO], 1);

	/* Straddling the device's last byte is not the device's access. */
	assert_int_equal(bus_access(&bus, BUS_MMIO, 0x100e, buf, 4, true), 0);
	assert_int_equal(bus.unassigned_writes[BUS_MMIO], 2);
	/* Nor is one starting just below it. */
	assert_int_equal(bus_access(&bus, BUS_MMIO, 0xffe, buf, 4, false), 0);
	assert_int_equal(bus.unassigned_reads[BUS_MMIO], 2);
	assert_int_equal(p.calls, 0);
	assert_int_equal(bus.unassigned_reads[BUS_PIO], 0);
}

static void test_bad_length_and_errors(void **state)
{
	struct probe p = { .ret = -EPROTO };
	uint8_t buf[16];
	struct bus bus;

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_register(&bus, BUS_PIO, 0xe9, 1, probe_handler,
				      &p, "con"), 0);
	assert_int_equal(bus_access(&bus, BUS_PIO, 0xe9, buf, 0, true),
			 -EINVAL);
	assert_int_equal(bus_access(&bus, BUS_PIO, 0xe9, buf, 9, true),
			 -EINVAL);
	assert_int_equal(bus_access(&bus, BUS_NR_SPACES, 0xe9, buf, 1, true),
			 -EINVAL);
	/* A device's error reaches the caller unchanged. */
	assert_int_equal(bus_access(&bus, BUS_PIO, 0xe9, buf, 1, true),
			 -EPROTO);
	assert_int_equal(p.calls, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_rejects_overlap),
		cmocka_unit_test(test_register_rejects_bad_ranges),
		cmocka_unit_test(test_dispatch_gives_offset),
		cmocka_unit_test(test_unassigned_policy),
		cmocka_unit_test(test_bad_length_and_errors),
	};

	return cmocka_run_group_tests_name("bus", tests, NULL, NULL);
}

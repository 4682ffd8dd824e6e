// SPDX-License-Identifier: GPL-2.0
/* Unit tests: the strict command-line number parsers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "parse.h"

static void test_u64(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_u64("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_u64("32768", &v), 0);
	assert_int_equal(v, 32768);
	assert_int_equal(parse_u64("0x8000", &v), 0);
	assert_int_equal(v, 0x8000);
	assert_int_equal(parse_u64("0XfFfF", &v), 0);
	assert_int_equal(v, 0xffff);
	assert_int_equal(parse_u64("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
}

static void test_u64_rejects(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(parse_u64("", &v), -EINVAL);
	assert_int_equal(parse_u64("0x", &v), -EINVAL);
	assert_int_equal(parse_u64("-1", &v), -EINVAL);
	assert_int_equal(parse_u64(" 1", &v), -EINVAL);
	assert_int_equal(parse_u64("1 ", &v), -EINVAL);
	assert_int_equal(parse_u64("12abc", &v), -EINVAL);
	assert_int_equal(parse_u64("0x1g", &v), -EINVAL);
	assert_int_equal(parse_u64("18446744073709551616", &v), -ERANGE);
	assert_int_equal(parse_u64("0x10000000000000000", &v), -ERANGE);
	assert_int_equal(v, 7);
}

static void test_size(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_size("64K", &v), 0);
	assert_int_equal(v, 64 << 10);
	assert_int_equal(parse_size("64kib", &v), 0);
	assert_int_equal(v, 64 << 10);
	assert_int_equal(parse_size("1M", &v), 0);
	assert_int_equal(v, 1 << 20);
	assert_int_equal(parse_size("2MiB", &v), 0);
	assert_int_equal(v, 2 << 20);
	assert_int_equal(parse_size("3g", &v), 0);
	assert_true(v == 3ull << 30);
	assert_int_equal(parse_size("0x100000", &v), 0);
	assert_int_equal(v, 0x100000);
}

static void test_size_rejects(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_size("", &v), -EINVAL);
	assert_int_equal(parse_size("M", &v), -EINVAL);
	assert_int_equal(parse_size("1MM", &v), -EINVAL);
	assert_int_equal(parse_size("1T", &v), -EINVAL);
	assert_int_equal(parse_size("1 M", &v), -EINVAL);
	assert_int_equal(parse_size("1Mx", &v), -EINVAL);
	assert_int_equal(parse_size("-1M", &v), -EINVAL);
	assert_int_equal(parse_size("1.5M", &v), -EINVAL);
	assert_int_equal(parse_size("17179869184G", &v), -ERANGE);
}

static void test_seconds(void **state)
{
	uint64_t ns;

	(void)state;
	assert_int_equal(parse_seconds("0", &ns), 0);
	assert_int_equal(ns, 0);
	assert_int_equal(parse_seconds("2", &ns), 0);
	assert_true(ns == 2000000000ull);
	assert_int_equal(parse_seconds("0.25", &ns), 0);
	assert_true(ns == 250000000ull);
	assert_int_equal(parse_seconds(".5", &ns), 0);
	assert_true(ns == 500000000ull);
	assert_int_equal(parse_seconds("1.000000001", &ns), 0);
	assert_true(ns == 1000000001ull);
}

static void test_seconds_rejects(void **state)
{
	uint64_t ns;

	(void)state;
	assert_int_equal(parse_seconds("", &ns), -EINVAL);
	assert_int_equal(parse_seconds(".", &ns), -EINVAL);
	assert_int_equal(parse_seconds("-1", &ns), -EINVAL);
	assert_int_equal(parse_seconds("1s", &ns), -EINVAL);
	assert_int_equal(parse_seconds("1.2.3", &ns), -EINVAL);
	assert_int_equal(parse_seconds("0.0000000001", &ns), -EINVAL);
	assert_int_equal(parse_seconds("99999999999999999999", &ns), -ERANGE);
	assert_int_equal(parse_seconds("31622401", &ns), -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_u64_rejects),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_size_rejects),
		cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_seconds_rejects),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}

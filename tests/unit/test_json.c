// SPDX-License-Identifier: GPL-2.0
/* Unit tests: the JSON writer's nesting, commas and string escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "json.h"

struct membuf {
	char *buf;
	size_t len;
	FILE *f;
};

static void mem_open(struct membuf *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
}

static void mem_close(struct membuf *m)
{
	fclose(m->f);
}

static void test_nesting_and_commas(void **state)
{
	struct membuf m;
	struct json j;

	(void)state;
	mem_open(&m);
	json_init(&j, m.f);
	json_begin_object(&j, NULL);
	json_u64(&j, "a", 1);
	json_begin_object(&j, "b");
	json_end_object(&j);
	json_begin_array(&j, "c");
	json_u64(&j, NULL, 18446744073709551615ull);
	json_i64(&j, NULL, -3);
	json_bool(&j, NULL, true);
	json_str(&j, NULL, NULL);
	json_begin_object(&j, NULL);
	json_bool(&j, "x", false);
	json_end_object(&j);
	json_end_array(&j);
	json_str(&j, "d", "e");
	json_end_object(&j);
	mem_close(&m);
	assert_string_equal(m.buf,
		"{\"a\":1,\"b\":{},\"c\":[18446744073709551615,-3,true,null,{\"x\":false}],\"d\":\"e\"}");
	free(m.buf);
}

static void test_string_escaping(void **state)
{
	struct membuf m;

	(void)state;
	mem_open(&m);
	json_write_string(m.f, "q\"b\\n\n r\r t\t \x01\x1f\x7f caf\xc3\xa9");
	mem_close(&m);
	assert_string_equal(m.buf,
		"\"q\\\"b\\\\n\\n r\\r t\\t \\u0001\\u001f\\u007f caf\xc3\xa9\"");
	free(m.buf);
}

static void test_escaped_keys(void **state)
{
	struct membuf m;
	struct json j;

	(void)state;
	mem_open(&m);
	json_init(&j, m.f);
	json_begin_object(&j, NULL);
	json_u64(&j, "a\"b", 7);
	json_end_object(&j);
	mem_close(&m);
	assert_string_equal(m.buf, "{\"a\\\"b\":7}");
	free(m.buf);
}

static void test_doubles(void **state)
{
	struct membuf m;
	struct json j;

	(void)state;
	mem_open(&m);
	json_init(&j, m.f);
	json_begin_array(&j, NULL);
	json_double(&j, NULL, 1.5);
	json_double(&j, NULL, 1.0 / 3);
	json_double(&j, NULL, 0.0 / 0.0);
	json_double(&j, NULL, -1.0 / 0.0);
	json_end_array(&j);
	mem_close(&m);
	/* JSON has no NaN or infinity: they become null. */
	assert_string_equal(m.buf, "[1.5,0.333333,null,null]");
	free(m.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nesting_and_commas),
		cmocka_unit_test(test_string_escaping),
		cmocka_unit_test(test_escaped_keys),
		cmocka_unit_test(test_doubles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

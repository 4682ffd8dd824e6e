// SPDX-License-Identifier: GPL-2.0
/* Unit tests: what --gdb accepts (sessions: test_gdbstub_session.c, gdb.bats). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "gdbstub.h"
#include "util.h"

static int spec(const char *s, char *host, unsigned int *port, bool *unix_path)
{
	*port = 0;
	host[0] = '\0';
	return gdbstub_parse_spec(s, host, 64, port, unix_path);
}

static void test_tcp(void **state)
{
	unsigned int port;
	bool unix_path;
	char host[64];

	(void)state;
	assert_int_equal(spec("1234", host, &port, &unix_path), 0);
	assert_false(unix_path);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 1234);
	assert_int_equal(spec("0.0.0.0:1", host, &port, &unix_path), 0);
	assert_string_equal(host, "0.0.0.0");
	assert_int_equal(port, 1);
	assert_int_equal(spec("localhost:65535", host, &port, &unix_path), 0);
	assert_string_equal(host, "localhost");
	assert_int_equal(port, 65535);
	/* The last colon splits: an IPv6 literal keeps its own. */
	assert_int_equal(spec("::1:2000", host, &port, &unix_path), 0);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 2000);
	assert_int_equal(spec("0x10", host, &port, &unix_path), 0);
	assert_int_equal(port, 16);
}

static void test_tcp_rejects(void **state)
{
	static const char *const bad[] = {
		"", "0", "65536", "70000", "abc", "1234x", ":1234", "host:",
		"-1", "12 34",
		"a-host-name-that-is-far-too-long-for-the-64-byte-buffer-it-goes-in:1",
	};
	unsigned int i, port;
	bool unix_path;
	char host[64];

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(spec(bad[i], host, &port, &unix_path),
				 -EINVAL);
}

static void test_unix(void **state)
{
	char host[64], path[200];
	unsigned int port;
	bool unix_path;

	(void)state;
	assert_int_equal(spec("./gdb.sock", host, &port, &unix_path), 0);
	assert_true(unix_path);
	assert_int_equal(spec("/tmp/x:1234", host, &port, &unix_path), 0);
	assert_true(unix_path);
	/* sun_path holds 107 characters and the NUL. */
	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[107] = '\0';
	assert_int_equal(spec(path, host, &port, &unix_path), 0);
	path[107] = 'a';
	path[108] = '\0';
	assert_int_equal(spec(path, host, &port, &unix_path), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_tcp_rejects),
		cmocka_unit_test(test_unix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Test guest: assertions that hold change nothing, and guest_printf()
 * prints the same in every mode. Prints one line, stores the check value
 * and halts. Long mode, and report_pass32 and report_pass16.
 */
#include "report.h"

int main(void)
{
	char buf[8];
	int n;

	GUEST_ASSERT(launder(2) == 2);
	GUEST_ASSERT_MSG(launder(3) == 3, "never %d", 3);
	n = guest_snprintf(buf, sizeof(buf), "%s", "truncated");
	guest_printf("%s %d %i %u %x %X %lx %llx %llu %lld %c %p %% |%5d|%-5d|%05d|%.3s|%-4s|%3c| %d %s\n",
		     "str", -42, 7, 4000000000u, 0xcafeu, 0xcafeu,
		     0xdeadbeeful, 0x123456789abcdef0ull,
		     18446744073709551615ull, -9223372036854775807ll - 1, 'c',
		     (void *)0x1234, 42, 42, -42, "abcdef", "ab", 'z', n, buf);
	guest_store_check();
	return SIMVMM_CHECK_VALUE;
}

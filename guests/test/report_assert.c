// SPDX-License-Identifier: GPL-2.0
/*
 * Test guest: a GUEST_ASSERT that holds, then a GUEST_ASSERT_MSG that
 * fails with a formatted message. Long mode, and report_assert32 and
 * report_assert16 for 32-bit and real mode.
 */
#include "report.h"

int main(void)
{
	int x = (int)launder(41);

	GUEST_ASSERT(x == 41);
	console_puts("asserting\n");
	GUEST_ASSERT_MSG(x == 42, "x is %d, not %d: %s %u 0x%x %c %%", x, 42,
			 "off by one", 7u, 0xbeefu, '!');
	return report_not_stopped();
}

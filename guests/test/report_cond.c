// SPDX-License-Identifier: GPL-2.0
/* Test guest: a GUEST_ASSERT that fails; its condition is the message. */
#include "report.h"

int main(void)
{
	GUEST_ASSERT(launder(1) + 1 == 3);
	return report_not_stopped();
}

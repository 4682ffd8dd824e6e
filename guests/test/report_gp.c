// SPDX-License-Identifier: GPL-2.0
/*
 * Test guest: a general-protection fault in long mode, a read at a
 * non-canonical address (#GP(0)). Prints the faulting instruction's
 * address first.
 */
#include "report.h"

int main(void)
{
	guest_printf("%p\n", report_gp_insn);
	__asm__ volatile(".global report_gp_insn\n"
			 "report_gp_insn: movb (%0), %%al"
			 : : "r"(launder(0x8000000000000000ul)) : "rax",
			 "memory");
	return report_not_stopped();
}

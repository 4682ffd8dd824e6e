// SPDX-License-Identifier: GPL-2.0
/*
 * Test guest: a page fault in long mode, a read past the 4 GiB identity
 * map. Prints the faulting instruction's address first.
 */
#include "report.h"

#define REPORT_PF_ADDR 0x100000000000ull

int main(void)
{
	guest_printf("%p\n", report_pf_insn);
	__asm__ volatile(".global report_pf_insn\n"
			 "report_pf_insn: movb (%0), %%al"
			 : : "r"(launder(REPORT_PF_ADDR)) : "rax", "memory");
	return report_not_stopped();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Test guest: an invalid opcode (ud2). Prints its address first. Long
 * mode, and report_ud32.
 */
#include "report.h"

int main(void)
{
	guest_printf("%p\n", report_ud_insn);
	__asm__ volatile(".global report_ud_insn\n"
			 "report_ud_insn: ud2" : : : "memory");
	return report_not_stopped();
}

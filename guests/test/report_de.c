// SPDX-License-Identifier: GPL-2.0
/*
 * Test guest: a divide error, a 32-bit division by zero. Prints the
 * faulting instruction's address first. Long mode, and report_de32 and
 * report_de16 for 32-bit and real mode.
 */
#include "report.h"

int main(void)
{
	uint32_t lo = 1, hi = 0, zero = (uint32_t)launder(0);

	guest_printf("%p\n", report_de_insn);
	__asm__ volatile(".global report_de_insn\n"
			 "report_de_insn: divl %2"
			 : "+a"(lo), "+d"(hi) : "r"(zero) : "memory");
	return report_not_stopped();
}

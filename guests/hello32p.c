// SPDX-License-Identifier: GPL-2.0
/*
 * hello32p: 32-bit protected mode with PAE paging (--mode paged), in C on
 * the guest library. The hello32 contract, but the check word is stored
 * through a second mapping of physical page 0: entry 0 of the fourth page
 * directory (virtual 3 GiB) is pointed at it, so the store lands at 0x400
 * only if the CPU really translates through simvmm's page tables.
 */
#include <guest.h>
#include <simvmm/memmap.h>
#include <simvmm/x86.h>

/* A virtual address, not a platform one: the first 2 MiB of the 4th GiB. */
#define ALIAS_VA	0xc0000000u
#define ALIAS_PDE	(SIMVMM_PD_ADDR + 3 * 0x1000)	/* PD 3, entry 0 */

int main(void)
{
	console_puts("Hello, world!\n");

	/* A 64-bit PAE entry: a 2 MiB page at physical 0. */
	poke32(ALIAS_PDE, X86_PTE_P | X86_PTE_RW | X86_PTE_PS);
	poke32(ALIAS_PDE + 4, 0);
	__asm__ volatile("invlpg (%0)" : : "r"(ALIAS_VA) : "memory");
	__asm__ volatile("movl %0, (%1)"
			 : : "r"(SIMVMM_CHECK_VALUE),
			     "r"(ALIAS_VA + SIMVMM_CHECK_ADDR) : "memory");
	return SIMVMM_CHECK_VALUE;
}

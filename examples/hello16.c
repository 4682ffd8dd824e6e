// SPDX-License-Identifier: GPL-2.0
/*
 * hello16: a real-mode guest in C. The SDK's start-up code (crt0.o) sets
 * up the exception table and calls main(); guest_printf() writes to the
 * debug console (port 0xE9), which simvmm copies to its stdout. An ELF32
 * is taken for protected mode, so say the mode:
 *
 *	simvmm run --mode real hello16.elf
 */
#include <guest.h>

int main(void)
{
	unsigned long long big = 1ull << 40;

	guest_printf("Hello from real mode, %d-bit code\n", SIMVMM_GUEST_BITS);
	/* 64-bit values print in 16-bit code too: no libgcc needed. */
	guest_printf("2^40 = %llu = 0x%llx\n", big, big);
	return 0;
}

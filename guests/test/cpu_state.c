// SPDX-License-Identifier: GPL-2.0
/*
 * Test guest: prints the CPU state simvmm set up, for
 * tests/integration/cpu.bats. Line 1: CPUID's maximum basic leaf, vendor
 * and hypervisor signature; line 2: CR0, CR4, EFER; line 3: TR's selector,
 * the access rights of its GDT descriptor (LAR), LDTR and the IDTR as
 * simvmm set it (the crt saved it before it loaded its exception table).
 * Built for long mode, and as cpu_state32 for protected and paged mode.
 */
#include <guest.h>
#include <simvmm/x86.h>

static void put_hex(uint32_t v)
{
	static const char digits[] = "0123456789abcdef";
	int shift = 28;

	console_puts("0x");
	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		console_putc(digits[(v >> shift) & 0xf]);
}

static void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

/* The bytes of @a, @b, @c in that order, up to the first NUL. */
static void put_sig(uint32_t a, uint32_t b, uint32_t c)
{
	const uint32_t w[3] = { a, b, c };
	unsigned int i;
	char ch;

	for (i = 0; i < 12; i++) {
		ch = (char)(w[i / 4] >> (8 * (i % 4)));
		if (!ch)
			break;
		console_putc(ch);
	}
}

int main(void)
{
	uint32_t r[4], lo, hi, ar;
	unsigned long cr0, cr4;
	uint16_t tr, ldtr;
	uint8_t ok;

	cpuid(X86_CPUID_VENDOR, r);
	console_puts("cpuid max=");
	put_hex(r[0]);
	console_puts(" vendor=");
	put_sig(r[1], r[3], r[2]);
	cpuid(X86_CPUID_HV_BASE, r);
	console_puts(" hv=");
	put_sig(r[1], r[2], r[3]);

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(X86_MSR_EFER));
	console_puts("\ncr0=");
	put_hex((uint32_t)cr0);
	console_puts(" cr4=");
	put_hex((uint32_t)cr4);
	console_puts(" efer=");
	put_hex(lo);

	__asm__ volatile("str %0" : "=r"(tr));
	__asm__ volatile("sldt %0" : "=r"(ldtr));
	__asm__ volatile("lar %2, %0; setz %1"
			 : "=r"(ar), "=qm"(ok) : "r"((uint32_t)tr) : "cc");
	console_puts("\ntr=");
	put_hex(tr);
	console_puts(" ar=");
	if (ok)
		put_hex(ar);
	else
		console_puts("invalid");
	console_puts(" ldtr=");
	put_hex(ldtr);
	console_puts(" idt=");
	put_hex((uint32_t)guest_boot_idtr.base);
	console_putc('/');
	put_hex(guest_boot_idtr.limit);
	console_putc('\n');

	(void)hi;
	guest_store_check();
	return SIMVMM_CHECK_VALUE;
}

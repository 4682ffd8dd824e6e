// SPDX-License-Identifier: GPL-2.0
/* Guest library: debug console output and the exit port. */
#include <guest.h>

void console_putc(char c)
{
	outb(SIMVMM_DEBUGCON_PORT, (uint8_t)c);
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}

void console_putu(uint32_t v)
{
	char buf[10];
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		console_putc(buf[--n]);
}

void guest_exit(uint32_t code)
{
	outl(SIMVMM_EXIT_PORT, code);
	for (;;)
		halt();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * assert64: a long-mode guest that checks its own work. A GUEST_ASSERT
 * that holds costs a compare; one that fails sends its file, line and
 * message to the host, which prints them and exits with status 1
 * (docs/guests.md, "Guest failures").
 *
 *	simvmm run assert64.elf
 */
#include <guest.h>

static unsigned int fib(unsigned int n)
{
	unsigned int a = 0, b = 1, t;

	while (n--) {
		t = a + b;
		a = b;
		b = t;
	}
	return a;
}

int main(void)
{
	unsigned int f = fib(20);

	GUEST_ASSERT(fib(1) == 1);
	GUEST_ASSERT_MSG(f == 6765, "fib(20) is %u, not 6765", f);
	guest_printf("fib(20) = %u\n", f);
	return 0;
}

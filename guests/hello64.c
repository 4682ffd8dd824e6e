// SPDX-License-Identifier: GPL-2.0
/* hello64: long mode, in C on the guest library. Same contract as hello16. */
#include <guest.h>

int main(void)
{
	console_puts("Hello, world!\n");
	guest_store_check();
	return SIMVMM_CHECK_VALUE;
}

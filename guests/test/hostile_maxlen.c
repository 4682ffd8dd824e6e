// SPDX-License-Identifier: GPL-2.0
/* Hostile driver: uses a longer TX queue than max queue len offers. */
#include "hostile.h"

int main(void)
{
	struct simvirtio_drv d;
	char junk[1100];
	unsigned int i;

	hostile_ready(&d);
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = 'x';
	d.tx.maxlen = 4096;
	/*
	 * One byte at a time, so the head moves past 1023 as a head store,
	 * not as a bulk copy that would run into the ring page's padding.
	 */
	for (i = 0; i < sizeof(junk); i++)
		if (simvirtio_put(&d, junk[i]))
			break;
	simvirtio_notify_tx(&d);
	simvirtio_wait_tx(&d);
	return hostile_not_stopped();
}

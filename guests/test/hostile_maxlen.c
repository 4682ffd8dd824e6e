// SPDX-License-Identifier: GPL-2.0
/* Hostile driver: uses a longer TX queue than max queue len offers. */
#include "hostile.h"

int main(void)
{
	struct simvirtio_drv d;
	char junk[200];
	unsigned int i;

	hostile_ready(&d);
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = 'x';
	d.tx.maxlen = 1024;
	simvirtio_send(&d, junk, sizeof(junk));
	return hostile_not_stopped();
}

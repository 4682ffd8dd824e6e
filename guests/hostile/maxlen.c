// SPDX-License-Identifier: GPL-2.0
/* Hostile driver: uses a longer TX queue than max queue len offers. */
#include "hostile.h"

static const char junk[200] = { 'x' };

int main(void)
{
	struct simvirtio_drv d;

	hostile_ready(&d);
	d.tx.maxlen = 1024;
	simvirtio_send(&d, junk, sizeof(junk));
	return hostile_not_stopped();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile driver: writes a whole queue's worth of elements without looking
 * at the tail, overwriting the slot the full/empty rule keeps free, then
 * publishes a head that laps the ring exactly.
 */
#include "hostile.h"

int main(void)
{
	struct simvirtio_drv d;
	unsigned int head, i;

	hostile_ready(&d);
	head = d.rings->tx.head;
	for (i = 0; i < d.tx.maxlen; i++)
		d.tx.buffer[(head + i) % d.tx.maxlen] = 'x';
	d.rings->tx.head = head;
	simvirtio_notify_tx(&d);
	simvirtio_wait_tx(&d);
	return hostile_not_stopped();
}

// SPDX-License-Identifier: GPL-2.0
/* Hostile driver: publishes a TX head outside the queue. */
#include "hostile.h"

int main(void)
{
	struct simvirtio_drv d;

	hostile_ready(&d);
	d.rings->tx.head = 2000;
	simvirtio_notify_tx(&d);
	simvirtio_wait_tx(&d);
	return hostile_not_stopped();
}

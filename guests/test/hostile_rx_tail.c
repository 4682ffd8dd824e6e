// SPDX-License-Identifier: GPL-2.0
/* Hostile driver: consumes RX elements the device never produced. */
#include "hostile.h"

int main(void)
{
	struct simvirtio_drv d;
	unsigned int i;

	hostile_ready(&d);
	d.rings->rx.tail = 5;
	/* A notify is always allowed; it wakes a sleeping poller. */
	d.cfg->q1_ctl = 1;
	for (i = 0; i < 100000; i++)
		if (simvirtio_read_device_status(&d) == DEVICE_ERROR)
			break;
	return hostile_not_stopped();
}

// SPDX-License-Identifier: GPL-2.0
/* Hostile driver: sends data after 'R' and 'C' but before DRIVER_OK. */
#include "hostile.h"

int main(void)
{
	struct simvirtio_drv d;

	hostile_probe(&d);
	simvirtio_send(&d, "R", 1);
	simvirtio_write_driver_status(&d, DRIVER_ACK);
	simvirtio_send(&d, "C", 1);
	simvirtio_send(&d, "Ana are mere\n", 13);
	return hostile_not_stopped();
}

// SPDX-License-Identifier: GPL-2.0
/* Hostile driver: reads device and driver status as one 16-bit access. */
#include "hostile.h"

int main(void)
{
	struct simvirtio_drv d;
	volatile uint16_t *both;

	hostile_probe(&d);
	both = (volatile uint16_t *)((uintptr_t)d.cfg +
				     SIMVIRTIO_REG_DEVICE_STATUS);
	(void)*both;
	simvirtio_read_device_status(&d);
	return hostile_not_stopped();
}

// SPDX-License-Identifier: GPL-2.0
/* Hostile driver: reads device and driver status as one 16-bit access. */
#include "hostile.h"

int main(void)
{
	struct simvirtio_drv d;

	hostile_probe(&d);
	simvirtio_raw_read(&d, SIMVIRTIO_REG_DEVICE_STATUS, 2);
	simvirtio_read_device_status(&d);
	return hostile_not_stopped();
}

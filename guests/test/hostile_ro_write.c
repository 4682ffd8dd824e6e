// SPDX-License-Identifier: GPL-2.0
/* Hostile driver: writes the read-only max queue len register. */
#include "hostile.h"

int main(void)
{
	struct simvirtio_drv d;

	hostile_probe(&d);
	d.cfg->max_queue_len = 1024;
	simvirtio_read_device_status(&d);
	return hostile_not_stopped();
}

// SPDX-License-Identifier: GPL-2.0
/* Hostile driver: sends 'C' before 'R'. */
#include "hostile.h"

int main(void)
{
	struct simvirtio_drv d;

	hostile_probe(&d);
	simvirtio_send(&d, "C", 1);
	return hostile_not_stopped();
}

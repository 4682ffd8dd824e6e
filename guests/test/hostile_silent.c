// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile driver: writes the device-owned TX tail, notifies, then spins
 * without ever touching a register again. In the poll transport the
 * notify is an ioeventfd, handled inside KVM: only the poller sees the
 * violation, and it must stop the VM by itself, with no timeout.
 */
#include "hostile.h"

int main(void)
{
	struct simvirtio_drv d;

	hostile_ready(&d);
	d.rings->tx.tail = 3;
	/* A notify is always allowed; it wakes a sleeping poller. */
	d.cfg->q0_ctl = 1;
	for (;;)
		__asm__ volatile("pause" : : : "memory");
	return hostile_not_stopped();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Test guest for the poll transport's sleep and kick: after the handshake
 * it stays away from the device long enough for the poller to go to sleep
 * (1000 writes to an unassigned port, each an exit: milliseconds on any
 * host, against the poller's 200 us of spinning), then sends "kick". The
 * send completes only if the driver's notify, an ioeventfd, wakes it.
 */
#include <guest.h>
#include <simvirtio_drv.h>

#define IDLE_PORT 0x80	/* unassigned: each write is one exit */

int main(void)
{
	struct simvirtio_drv d;
	unsigned int i;

	if (simvirtio_probe(&d, simvirtio_find()) || simvirtio_start(&d))
		guest_exit(90);
	for (i = 0; i < 1000; i++)
		outb(IDLE_PORT, 0);
	if (simvirtio_send(&d, "kick\n", 5))
		guest_exit(91);
	guest_store_check();
	return SIMVMM_CHECK_VALUE;
}

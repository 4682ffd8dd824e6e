// SPDX-License-Identifier: GPL-2.0
/*
 * tx32: a protected-mode guest that sends a line to the host over the
 * SIMVIRTIO device's TX queue (docs/simvirtio.md): probe the device's
 * window, do the handshake, send. simvmm prints what TX carries on its
 * stdout, in order with the console's output. The same binary runs with
 * paging on (--mode paged). An image gets the device only when asked:
 *
 *	simvmm run --simvirtio tx32.elf
 *	simvmm run --simvirtio --mode paged tx32.elf
 */
#include <guest.h>
#include <simvirtio_drv.h>

static const char line[] = "Hello over SIMVIRTIO TX\n";

int main(void)
{
	struct simvirtio_drv d;
	int err;

	err = simvirtio_probe(&d, simvirtio_find());
	if (!err)
		err = simvirtio_start(&d);
	if (!err)
		err = simvirtio_send(&d, line, sizeof(line) - 1);
	if (err) {
		guest_printf("tx32: SIMVIRTIO error %d\n", err);
		/* The exit port: a status other than 0 fails the run. */
		guest_exit(1);
	}
	guest_printf("tx32: sent %u bytes\n", (unsigned int)sizeof(line) - 1);
	return 0;
}

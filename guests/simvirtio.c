// SPDX-License-Identifier: GPL-2.0
/*
 * simvirtio: the assignment's SIMVIRTIO flow on the guest driver library.
 * Probe, handshake, send "Ana are mere", store 42, halt. One source, built
 * as simvirtio (long mode), simvirtio32 (protected) and simvirtio16 (real).
 */
#include <guest.h>
#include <simvirtio_drv.h>

static const char msg[] = "Ana are mere\n";

int main(void)
{
	struct simvirtio_drv d;
	int err;

	err = simvirtio_probe(&d, simvirtio_find());
	if (!err)
		err = simvirtio_start(&d);
	if (!err)
		err = simvirtio_send(&d, msg, sizeof(msg) - 1);
	if (err) {
		console_puts("simvirtio: driver error ");
		console_putu(-err);
		console_putc('\n');
		guest_exit(-err);
	}
	guest_store_check();
	return SIMVMM_CHECK_VALUE;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * echo: sends back on TX every byte the VMM delivers on RX, until the RX
 * stream ends (the VMM's stdin reached end of file). Then stores 42, halts.
 */
#include <guest.h>
#include <simvirtio_drv.h>

static void fail(int err)
{
	console_puts("echo: driver error ");
	console_putu(-err);
	console_putc('\n');
	guest_exit(-err);
}

int main(void)
{
	struct simvirtio_drv d;
	q_elem_t c;
	int err;

	err = simvirtio_probe(&d, SIMVMM_SIMVIRTIO_ADDR);
	if (!err)
		err = simvirtio_start(&d);
	while (!err) {
		err = simvirtio_recv(&d, &c);
		if (err)
			break;
		err = simvirtio_put(&d, c);
		simvirtio_notify_tx(&d);
	}
	if (err != SV_EOS)
		fail(err);
	err = simvirtio_wait_tx(&d);
	if (err)
		fail(err);
	guest_store_check();
	return SIMVMM_CHECK_VALUE;
}

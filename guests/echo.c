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
	q_elem_t buf[SIMVIRTIO_QUEUE_LEN];
	int err, n;

	err = simvirtio_probe(&d, simvirtio_find());
	if (!err)
		err = simvirtio_start(&d);
	while (!err) {
		/* Whatever RX holds, at once, and back out the same way. */
		n = simvirtio_read(&d, buf, sizeof(buf));
		if (n < 0) {
			err = n;
			break;
		}
		err = simvirtio_write(&d, buf, n);
	}
	if (err != SV_EOS)
		fail(err);
	err = simvirtio_wait_tx(&d);
	if (err)
		fail(err);
	guest_store_check();
	return SIMVMM_CHECK_VALUE;
}

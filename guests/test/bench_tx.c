// SPDX-License-Identifier: GPL-2.0
/*
 * Bench only (`make bench`, bench/bench.c): queues BENCH_STREAM_BYTES on
 * TX, one 4 KiB buffer at a time, waits until the device took them, then
 * halts with the check values.
 */
#include "bench_stream.h"

#define CHUNK 4096u

int main(void)
{
	/* On the stack: a .bss buffer would make the image's segment RWX. */
	uint8_t chunk[CHUNK];
	struct simvirtio_drv d;
	unsigned int i;

	for (i = 0; i < CHUNK; i++)
		chunk[i] = i & 0xff;
	bench_start(&d);
	for (i = 0; i < BENCH_STREAM_BYTES / CHUNK; i++)
		if (simvirtio_write(&d, chunk, CHUNK))
			guest_exit(BENCH_EXIT_STREAM);
	if (simvirtio_wait_tx(&d))
		guest_exit(BENCH_EXIT_STREAM);
	guest_store_check();
	return SIMVMM_CHECK_VALUE;
}

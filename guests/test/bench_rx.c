// SPDX-License-Identifier: GPL-2.0
/*
 * Bench only (`make bench`, bench/bench.c): receives RX until the stream
 * ends, which must be exactly BENCH_STREAM_BYTES bytes of the bench
 * pattern, then halts with the check values. The first and last byte of
 * every read are checked against their stream offset (a lost, doubled or
 * reordered run shows there), not every byte: a per-byte check would cost
 * the guest more instructions than the transport it measures.
 */
#include "bench_stream.h"

#define CHUNK 4096

int main(void)
{
	q_elem_t buf[CHUNK];
	struct simvirtio_drv d;
	uint32_t n = 0;
	int got;

	bench_start(&d);
	while ((got = simvirtio_read(&d, buf, CHUNK)) > 0) {
		if (buf[0] != (n & 0xff) ||
		    buf[got - 1] != ((n + got - 1) & 0xff))
			guest_exit(BENCH_EXIT_DATA);
		n += got;
	}
	if (got != SV_EOS)
		guest_exit(BENCH_EXIT_STREAM);
	if (n != BENCH_STREAM_BYTES)
		guest_exit(BENCH_EXIT_DATA);
	guest_store_check();
	return SIMVMM_CHECK_VALUE;
}

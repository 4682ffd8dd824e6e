// SPDX-License-Identifier: GPL-2.0
/*
 * Bench only (`make bench`, bench/bench.c): receives RX until the stream
 * ends, which must be exactly BENCH_STREAM_BYTES bytes of the bench
 * pattern (checked by their count and sum), then halts with the check
 * values.
 */
#include "bench_stream.h"

int main(void)
{
	struct simvirtio_drv d;
	uint32_t n = 0, sum = 0;
	q_elem_t c;
	int err;

	bench_start(&d);
	while (!(err = simvirtio_recv(&d, &c))) {
		sum += c;
		n++;
	}
	if (err != SV_EOS)
		guest_exit(BENCH_EXIT_STREAM);
	if (n != BENCH_STREAM_BYTES || sum != BENCH_STREAM_SUM)
		guest_exit(BENCH_EXIT_DATA);
	guest_store_check();
	return SIMVMM_CHECK_VALUE;
}

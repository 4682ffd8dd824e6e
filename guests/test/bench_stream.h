/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the bench-only SIMVIRTIO throughput guests (guests/test/
 * bench_*.c), which `make bench` runs (bench/bench.c); simvmm does not
 * embed them. The stream is BENCH_STREAM_BYTES bytes, byte i being
 * i & 0xff, so a receiver knows what any byte must be from its offset.
 */
#ifndef SIMVMM_GUEST_BENCH_STREAM_H
#define SIMVMM_GUEST_BENCH_STREAM_H

#include <guest.h>
#include <simvirtio_drv.h>

#define BENCH_STREAM_BYTES	65536u

/* Exit statuses (port 0xf4) that say which step failed. */
#define BENCH_EXIT_START	90
#define BENCH_EXIT_STREAM	91
#define BENCH_EXIT_DATA		92

static inline void bench_start(struct simvirtio_drv *d)
{
	if (simvirtio_probe(d, simvirtio_find()) || simvirtio_start(d))
		guest_exit(BENCH_EXIT_START);
}

#endif /* SIMVMM_GUEST_BENCH_STREAM_H */

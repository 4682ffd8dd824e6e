/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bench-only guests, as real-mode machine code, shared by the simvmm side
 * and the raw floor so both run the very same bytes. Not built into
 * simvmm.
 */
#ifndef SIMVMM_BENCH_GUEST_H
#define SIMVMM_BENCH_GUEST_H

#include <stdint.h>
#include <string.h>

/* The null device's port: writes are dropped, nothing else happens. */
#define BENCH_NULL_PORT 0x510

/*
 * N port writes, then hlt:
 *   0: 66 b9 <N: 4 bytes>  mov  ecx, N
 *   6: ba 10 05            mov  dx, BENCH_NULL_PORT
 *   9: ee                  out  dx, al
 *  10: 66 49               dec  ecx
 *  12: 75 fb               jnz  9
 *  14: f4                  hlt
 */
#define BENCH_EXITS_LEN 15

static inline void bench_exits_guest(uint8_t img[BENCH_EXITS_LEN],
				     uint32_t n)
{
	static const uint8_t code[BENCH_EXITS_LEN] = {
		0x66, 0xb9, 0, 0, 0, 0,
		0xba, BENCH_NULL_PORT & 0xff, BENCH_NULL_PORT >> 8,
		0xee,
		0x66, 0x49,
		0x75, 0xfb,
		0xf4,
	};

	memcpy(img, code, sizeof(code));
	memcpy(img + 2, &n, sizeof(n));	/* x86: little-endian */
}

/* Just hlt: what the creation-rate case runs in every VM. */
static const uint8_t bench_hlt_guest[] = { 0xf4 };

#endif /* SIMVMM_BENCH_GUEST_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* The built-in guests' images (cli/guest_images.S), for the raw floor. */
#ifndef SIMVMM_BENCH_GUEST_IMAGES_H
#define SIMVMM_BENCH_GUEST_IMAGES_H

#include <stdint.h>

extern const uint8_t guest_hello16[], guest_hello16_end[];
extern const uint8_t guest_hello64[], guest_hello64_end[];

#endif /* SIMVMM_BENCH_GUEST_IMAGES_H */

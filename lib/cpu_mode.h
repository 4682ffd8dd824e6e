/* SPDX-License-Identifier: GPL-2.0 */
/* Putting a fresh vCPU into real, 32-bit protected or 64-bit long mode. */
#ifndef SIMVMM_CPU_MODE_H
#define SIMVMM_CPU_MODE_H

#include <stdint.h>

#include "vcpu.h"

enum cpu_mode {
	CPU_MODE_REAL,
	CPU_MODE_PROTECTED,
	CPU_MODE_LONG,
};

/* "real", "protected", "long". */
const char *cpu_mode_name(enum cpu_mode mode);
/* Parse a mode name; returns 0 or -EINVAL. */
int cpu_mode_parse(const char *s, enum cpu_mode *mode);

/*
 * Guest-physical range [*start, *end) that setting up @mode writes (GDT,
 * page tables); empty (start == end) for real mode.
 */
void cpu_mode_reserved(enum cpu_mode mode, uint64_t *start, uint64_t *end);

/*
 * Write the GDT and page tables @mode needs into guest RAM, then set the
 * registers: entry point @entry, stack as in memmap.h, RFLAGS = 2.
 * Returns 0 or a negative errno (reported).
 */
int cpu_mode_setup(struct vcpu *vcpu, enum cpu_mode mode, uint64_t entry);

#endif /* SIMVMM_CPU_MODE_H */

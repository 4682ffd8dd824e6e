/* SPDX-License-Identifier: GPL-2.0 */
/* Putting a fresh vCPU into real, protected, paged or long mode. */
#ifndef SIMVMM_CPU_MODE_H
#define SIMVMM_CPU_MODE_H

#include <stdint.h>

#include "vcpu.h"

/* Appended in the order they came: fuzz inputs pick a mode by number. */
enum cpu_mode {
	CPU_MODE_REAL,		/* 16-bit real mode */
	CPU_MODE_PROTECTED,	/* 32-bit protected mode, no paging */
	CPU_MODE_LONG,		/* 64-bit long mode, 4 GiB identity map */
	CPU_MODE_PAGED,		/* 32-bit protected mode, PAE paging, same map */
};

/* "real", "protected", "long", "paged". */
const char *cpu_mode_name(enum cpu_mode mode);
/* Parse a mode name; returns 0 or -EINVAL. */
int cpu_mode_parse(const char *s, enum cpu_mode *mode);

/*
 * Guest-physical range [*start, *end) that setting up @mode writes (GDT,
 * TSS, page tables); empty (start == end) for real mode.
 */
void cpu_mode_reserved(enum cpu_mode mode, uint64_t *start, uint64_t *end);

/*
 * Write the GDT, TSS and page tables @mode needs into guest RAM, then set
 * the registers: segments, TR, LDTR (unusable) and IDT (empty) outside
 * real mode, CR0/CR4/EFER as in x86.h, entry point @entry, stack as in
 * memmap.h, RFLAGS = 2. Returns 0 or a negative errno (reported).
 */
int cpu_mode_setup(struct vcpu *vcpu, enum cpu_mode mode, uint64_t entry);

#endif /* SIMVMM_CPU_MODE_H */

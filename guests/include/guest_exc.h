/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's exception table, between the start-up code that installs it
 * (guests/crt/crtNN.S: an IVT in real mode, an IDT in protected and long
 * mode, vectors 0-31) and guest_exception() (guests/lib/report.c), which
 * reports the exception to the host. Included by C and by the crt.
 */
#ifndef SIMVMM_GUEST_EXC_H
#define SIMVMM_GUEST_EXC_H

/* In guest_exc_frame.vector: the CPU pushed the error code (not the stub). */
#define GUEST_EXC_ERROR_CODE	0x100

#ifndef __ASSEMBLER__
#include <stdint.h>

/*
 * What each stub leaves on the stack, lowest address first, in words of
 * the mode's width (unsigned long: 4 bytes in 16- and 32-bit code, 8 in
 * 64-bit): the vector (with GUEST_EXC_ERROR_CODE), the error code or 0,
 * then what the CPU pushed: IP, CS, FLAGS. The real-mode stub widens the
 * CPU's 16-bit words to this layout.
 */
struct guest_exc_frame {
	unsigned long vector;
	unsigned long error_code;
	unsigned long ip;
	unsigned long cs;
	unsigned long flags;
};

/*
 * Report the exception of @f to the host (kind SIMVMM_REPORT_EXCEPTION,
 * CR2 read here) and stop: the host ends the run with status 1.
 */
void __attribute__((noreturn)) guest_exception(const struct guest_exc_frame *f);

/* A descriptor-table register as SIDT stores it, in the mode's width. */
struct guest_dtr {
	uint16_t limit;
	uintptr_t base;
} __attribute__((packed));

/*
 * The IDTR the VMM set up, as the crt found it before it loaded its own
 * table (base 0, limit 0 in protected, paged and long mode).
 */
extern struct guest_dtr guest_boot_idtr;
#endif /* __ASSEMBLER__ */

#endif /* SIMVMM_GUEST_EXC_H */

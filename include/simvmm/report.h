/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest reports, the guest/host ABI: how a guest tells the host that it
 * failed (a GUEST_ASSERT, an exception its table caught), as the KVM
 * selftests' ucall does. The guest fills a struct simvmm_report in its own
 * RAM and writes its guest-physical address with one 32-bit OUT to
 * SIMVMM_REPORT_PORT (abi.h). The host copies it out, checks every field,
 * prints it on stderr and ends the run with status 1; a report it cannot
 * read is said as such and ends the run as a device error (status 1 too).
 *
 * Shared by the host, by 16-, 32- and 64-bit guest C and by guest assembly
 * (__ASSEMBLER__: the constants only). Every field has an explicit width
 * and lies at its natural alignment, so the layout is the same under the
 * i386 ABI (which aligns uint64_t to 4 in structs) and x86-64's: checked
 * below. New fields go at the end, with a new version.
 */
#ifndef SIMVMM_REPORT_H
#define SIMVMM_REPORT_H

#define SIMVMM_REPORT_MAGIC	0x54505253	/* "SRPT", little endian */
#define SIMVMM_REPORT_VERSION	1

/* What a report says (struct simvmm_report.kind). */
#define SIMVMM_REPORT_ASSERT	1	/* file, line, message */
#define SIMVMM_REPORT_EXCEPTION	2	/* vector, error code, RIP, ... */

/* Flags (struct simvmm_report.flags); any other bit is refused. */
#define SIMVMM_REPORT_F_ERROR_CODE 0x1	/* exception: error_code is valid */

/* Longest string the host reads, its NUL included. */
#define SIMVMM_REPORT_STR_MAX	256

/* Exceptions are vectors 0 to SIMVMM_REPORT_VECTORS - 1. */
#define SIMVMM_REPORT_VECTORS	32

/*
 * The exception vectors for which the CPU pushes an error code in
 * protected and long mode, one bit each: #DF (8), #TS (10), #NP (11),
 * #SS (12), #GP (13), #PF (14), #AC (17), #CP (21), #VC (29), #SX (30).
 * Real mode pushes none.
 */
#define SIMVMM_EXC_ERROR_CODE_VECTORS 0x60227d00

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct simvmm_report {
	uint32_t magic;		/* SIMVMM_REPORT_MAGIC */
	uint16_t version;	/* SIMVMM_REPORT_VERSION */
	uint16_t kind;		/* SIMVMM_REPORT_ASSERT or _EXCEPTION */
	uint32_t flags;		/* SIMVMM_REPORT_F_*, 0 for an assertion */
	/* An assertion: where, and what (guest-physical, NUL-terminated). */
	uint32_t line;
	uint64_t file;
	uint64_t message;
	/* An exception: what, and where the CPU was. */
	uint32_t vector;	/* 0-31 */
	uint32_t cs;		/* selector; in real mode the segment */
	uint64_t error_code;	/* if SIMVMM_REPORT_F_ERROR_CODE */
	uint64_t rip;		/* of the faulting instruction (the IP in real mode) */
	uint64_t rflags;
	uint64_t cr2;		/* the page-fault address for #PF */
};

_Static_assert(sizeof(struct simvmm_report) == 72, "simvmm_report size");
_Static_assert(offsetof(struct simvmm_report, line) == 12, "simvmm_report");
_Static_assert(offsetof(struct simvmm_report, file) == 16, "simvmm_report");
_Static_assert(offsetof(struct simvmm_report, message) == 24,
	       "simvmm_report");
_Static_assert(offsetof(struct simvmm_report, vector) == 32,
	       "simvmm_report");
_Static_assert(offsetof(struct simvmm_report, error_code) == 40,
	       "simvmm_report");
_Static_assert(offsetof(struct simvmm_report, cr2) == 64, "simvmm_report");
#endif /* __ASSEMBLER__ */

#endif /* SIMVMM_REPORT_H */

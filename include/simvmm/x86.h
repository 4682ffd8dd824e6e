/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 architectural constants, named once: control-register and EFER bits,
 * page-table entry bits, and simvmm's GDT layout. Shared by the host's mode
 * setup and guest start-up code.
 */
#ifndef SIMVMM_X86_H
#define SIMVMM_X86_H

#define X86_CR0_PE	(1u << 0)
#define X86_CR0_MP	(1u << 1)
#define X86_CR0_EM	(1u << 2)
#define X86_CR0_TS	(1u << 3)
#define X86_CR0_ET	(1u << 4)
#define X86_CR0_NE	(1u << 5)
#define X86_CR0_WP	(1u << 16)
#define X86_CR0_AM	(1u << 18)
#define X86_CR0_PG	(1u << 31)

#define X86_CR4_PSE	(1u << 4)
#define X86_CR4_PAE	(1u << 5)
#define X86_CR4_OSFXSR	(1u << 9)
#define X86_CR4_OSXMMEXCPT (1u << 10)

#define X86_EFER_SCE	(1u << 0)
#define X86_EFER_LME	(1u << 8)
#define X86_EFER_LMA	(1u << 10)
#define X86_EFER_NXE	(1u << 11)

#define X86_PTE_P	(1u << 0)
#define X86_PTE_RW	(1u << 1)
#define X86_PTE_US	(1u << 2)
#define X86_PTE_PS	(1u << 7)	/* 2 MiB page in a PD entry */

#define X86_RFLAGS_FIXED (1u << 1)	/* bit 1 always reads as 1 */

/* Segment descriptor type field values (S = 1). */
#define X86_SEG_TYPE_DATA_RW	0x3	/* read/write, accessed */
#define X86_SEG_TYPE_CODE_RX	0xb	/* execute/read, accessed */

/* simvmm's GDT: selector = index * 8. */
#define SIMVMM_GDT_NULL		0
#define SIMVMM_GDT_CODE32	1
#define SIMVMM_GDT_DATA		2
#define SIMVMM_GDT_CODE64	3
#define SIMVMM_GDT_ENTRIES	4
#define SIMVMM_SEL(idx)		((idx) * 8)

#endif /* SIMVMM_X86_H */

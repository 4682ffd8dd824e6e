/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 architectural constants, named once: control-register and EFER bits,
 * page-table entry bits, segment types, CPUID leaves, and simvmm's GDT
 * layout and control-register values. Shared by the host's mode setup and
 * guest code.
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
/* A PAE page-directory-pointer entry has P and no RW/US: those are reserved. */
#define X86_PAE_PDPTE_P	(1u << 0)

#define X86_RFLAGS_FIXED (1u << 1)	/* bit 1 always reads as 1 */

/* Segment descriptor type field values (S = 1). */
#define X86_SEG_TYPE_DATA_RW	0x3	/* read/write, accessed */
#define X86_SEG_TYPE_CODE_RX	0xb	/* execute/read, accessed */
/* System descriptor type field values (S = 0). */
#define X86_SEG_TYPE_LDT	0x2
#define X86_SEG_TYPE_TSS_BUSY	0xb	/* busy 32-bit TSS; in long mode, 64-bit */

/* The 32/64-bit TSS: 104 bytes; the I/O map base is its last 16-bit field. */
#define X86_TSS_SIZE		0x68
#define X86_TSS_IOMAP_BASE	0x66

#define X86_MSR_EFER		0xc0000080

/* CPUID leaves, and where leaf 1 keeps the initial APIC ID. */
#define X86_CPUID_VENDOR	0x0
#define X86_CPUID_FEATURES	0x1
#define X86_CPUID_APIC_ID_SHIFT	24	/* leaf 1, EBX bits 31:24 */
#define X86_CPUID_TOPOLOGY	0xb	/* EDX: x2APIC ID */
#define X86_CPUID_TOPOLOGY_V2	0x1f	/* EDX: x2APIC ID */
#define X86_CPUID_HV_BASE	0x40000000	/* KVM: "KVMKVMKVM\0\0\0" */

/* simvmm's GDT: selector = index * 8. */
#define SIMVMM_GDT_NULL		0
#define SIMVMM_GDT_CODE32	1
#define SIMVMM_GDT_DATA		2
#define SIMVMM_GDT_CODE64	3
#define SIMVMM_GDT_TSS		4	/* long mode: a 16-byte descriptor, 4-5 */
#define SIMVMM_GDT_ENTRIES	6
#define SIMVMM_SEL(idx)		((idx) * 8)

/*
 * Control registers of every 32/64-bit mode simvmm sets up: one CR0 for
 * protected, paged and long mode, plus PG where paging is on; SSE usable
 * in each (CR4.OSFXSR, OSXMMEXCPT), plus PAE where paging is on.
 */
#define SIMVMM_CR0_PROTECTED	(X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | \
				 X86_CR0_NE | X86_CR0_WP | X86_CR0_AM)
#define SIMVMM_CR0_PAGED	(SIMVMM_CR0_PROTECTED | X86_CR0_PG)
#define SIMVMM_CR4_PROTECTED	(X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)
#define SIMVMM_CR4_PAGED	(SIMVMM_CR4_PROTECTED | X86_CR4_PAE)

#endif /* SIMVMM_X86_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest-physical memory map: every fixed address simvmm uses, in one
 * place. Shared by the host, the guests' linker script and guest code.
 *
 *   0x000000 - 0x0003ff  real-mode IVT (left zero)
 *   0x000400             SIMVMM_CHECK_ADDR (see abi.h)
 *   0x000500 - 0x0005ff  SIMVIRTIO device table
 *   0x000600 - 0x0006ff  GDT (protected, paged and long mode)
 *   0x000700 - 0x000767  the TSS that TR points at (same modes)
 *   0x000780 - 0x00079f  PAE page-directory-pointer table (paged mode)
 *   0x001000 - 0x006fff  page tables: PML4 and PDPT (long mode), then 4 PDs
 *                        identity-mapping 4 GiB with 2 MiB pages (long
 *                        mode, and paged mode under its PAE PDPT)
 *   0x007000 - 0x007fff  real-mode stack (SS:SP = 0:0x8000)
 *   0x008000             default load address and entry point
 *   ...                  guest image, then free RAM
 *   0x100000             top of the 32/64-bit stack (RSP = 1 MiB)
 *   0x100000 - 0x1fffff  device hole: MMIO only, never RAM
 *     0x100000 - 0x101fff  SIMVIRTIO window (registers, then rings;
 *                          the ring page is a RAM slot under the poll
 *                          transport, see simvirtio.h)
 *   0x200000 -           RAM above the first MiB, when --memory > 1 MiB
 */
#ifndef SIMVMM_MEMMAP_H
#define SIMVMM_MEMMAP_H

#define SIMVMM_DEVTABLE_ADDR	0x500
#define SIMVMM_GDT_ADDR		0x600
#define SIMVMM_GDT_SIZE		0x100
#define SIMVMM_GUEST_TSS_ADDR	0x700		/* X86_TSS_SIZE bytes */
#define SIMVMM_PAE_PDPT_ADDR	0x780		/* 4 entries, 32-byte aligned */
#define SIMVMM_PML4_ADDR	0x1000
#define SIMVMM_PDPT_ADDR	0x2000
#define SIMVMM_PD_ADDR		0x3000
#define SIMVMM_PD_COUNT		4		/* 4 x 1 GiB, 2 MiB pages */
#define SIMVMM_PAGE_TABLES_END	(SIMVMM_PD_ADDR + SIMVMM_PD_COUNT * 0x1000)
#define SIMVMM_RM_STACK_TOP	0x8000
#define SIMVMM_LOAD_ADDR	0x8000
#define SIMVMM_STACK_TOP	0x100000

/* Low RAM ends where the device hole begins. */
#define SIMVMM_LOWMEM_END	0x100000
#define SIMVMM_HOLE_START	0x100000
#define SIMVMM_HOLE_END		0x200000
#define SIMVMM_HIGHMEM_START	SIMVMM_HOLE_END

/* First byte of the SIMVIRTIO MMIO window, inside the hole. */
#define SIMVMM_SIMVIRTIO_ADDR	0x100000

/* Intel needs three pages for the TSS of real-mode emulation. */
#define SIMVMM_TSS_ADDR		0xfffbd000

/* RAM size limits: the long-mode identity map covers the first 4 GiB. */
#define SIMVMM_MEM_DEFAULT	0x100000
#define SIMVMM_MEM_MIN		0x10000
#define SIMVMM_MEM_MAX		0xc0000000

#endif /* SIMVMM_MEMMAP_H */

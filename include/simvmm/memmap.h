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
 *   0x009000 - 0x009fff  Multiboot information (a Multiboot kernel only)
 *   ...                  guest image, then free RAM
 *   0x100000             top of the 32/64-bit stack (RSP = 1 MiB)
 *
 * Above that, one of two maps, chosen by the RAM size alone:
 *
 * The assignment's map, RAM of 1 MiB (the default) or less:
 *   0x000000 - RAM end   RAM
 *   0x100000 - 0x101fff  SIMVIRTIO window (registers, then rings; the ring
 *                        page is a RAM slot under the poll transport, see
 *                        simvirtio.h), at the address the assignment gives
 *
 * The large map, RAM above 1 MiB (a Multiboot kernel linked at 1 MiB):
 *   0x000000 - RAM end   RAM, in one piece (RAM ends at 3 GiB at most)
 *   0xc0000000 -         the device window, above RAM and below 4 GiB as
 *                        on PC platforms; SIMVIRTIO at its start. The
 *                        device table at 0x500 lists it from power-on, so
 *                        a driver finds it there (docs/simvirtio.md)
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

/* The assignment's map ends its RAM where the device window begins. */
#define SIMVMM_LOWMEM_END	0x100000

/* The SIMVIRTIO window: in the assignment's map, and in the large one. */
#define SIMVMM_SIMVIRTIO_ADDR	0x100000
#define SIMVMM_MMIO_HIGH_BASE	0xc0000000

/* Where a machine with @mem bytes of RAM has its device window. */
#define SIMVMM_MMIO_BASE(mem) \
	((mem) <= SIMVMM_LOWMEM_END ? SIMVMM_SIMVIRTIO_ADDR : \
	 SIMVMM_MMIO_HIGH_BASE)

/* The Multiboot information a Multiboot kernel is given (multiboot.h). */
#define SIMVMM_MBINFO_ADDR	0x9000
#define SIMVMM_MBINFO_SIZE	0x1000

/* Intel needs three pages for the TSS of real-mode emulation. */
#define SIMVMM_TSS_ADDR		0xfffbd000

/*
 * RAM size limits: the long-mode identity map covers the first 4 GiB, and
 * RAM stays below the device window. The default is the assignment's 1 MiB;
 * an image that loads above 1 MiB gets SIMVMM_MEM_LARGE_DEFAULT unless
 * --memory says otherwise.
 */
#define SIMVMM_MEM_DEFAULT	0x100000
#define SIMVMM_MEM_LARGE_DEFAULT	0x4000000
#define SIMVMM_MEM_MIN		0x10000
#define SIMVMM_MEM_MAX		0xc0000000

#endif /* SIMVMM_MEMMAP_H */

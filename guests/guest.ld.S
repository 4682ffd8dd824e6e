/* SPDX-License-Identifier: GPL-2.0 */
/* Link map of every built-in guest: flat, at SIMVMM_LOAD_ADDR, entry first. */
#include <simvmm/memmap.h>

ENTRY(_start)
SECTIONS
{
	. = SIMVMM_LOAD_ADDR;
	.text : { *(.text.start) *(.text .text.*) }
	.rodata : { *(.rodata .rodata.*) }
	.data : { *(.data .data.*) }
	.bss : { *(.bss .bss.*) *(COMMON) }
	/DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
}

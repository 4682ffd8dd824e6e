/* SPDX-License-Identifier: GPL-2.0 */
/* Link map of every built-in guest: flat, at SIMVMM_LOAD_ADDR, entry first. */
#include <simvmm/abi-note.h>
#include <simvmm/memmap.h>

ENTRY(_start)
SECTIONS
{
	. = SIMVMM_LOAD_ADDR;
	.text : { *(.text.start) *(.text .text.*) }
	.rodata : { *(.rodata .rodata.*) }
	.data : { *(.data .data.*) }
	.bss : { *(.bss .bss.*) *(COMMON) }
	/*
	 * The ABI version note (include/simvmm/abi-note.h). INFO: not
	 * allocated, at address 0, so it is in no PT_LOAD segment, takes no
	 * guest RAM and stays out of the flat .bin that objcopy -O binary
	 * makes; the loader finds it through the section headers.
	 */
	.note.simvmm 0 (INFO) : ALIGN(4) {
		LONG(SIMVMM_NOTE_NAMESZ)
		LONG(SIMVMM_NOTE_ABI_DESCSZ)
		LONG(SIMVMM_NOTE_ABI)
		/* SIMVMM_NOTE_NAME, its NUL, one byte of padding to 8 */
		BYTE(0x73) BYTE(0x69) BYTE(0x6d) BYTE(0x76)
		BYTE(0x6d) BYTE(0x6d) BYTE(0x00) BYTE(0x00)
		LONG(SIMVMM_ABI_VERSION)
	}
	/DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
}

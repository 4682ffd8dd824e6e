/* SPDX-License-Identifier: GPL-2.0 */
/* hello32: 32-bit protected mode, no paging, no C. Same contract as hello16. */
#include <simvmm/abi.h>

	.code32
	.section .text.start, "ax"
	.global _start
_start:
	cld
	mov	$msg, %esi
	mov	$SIMVMM_DEBUGCON_PORT, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, %dx
	jmp	1b
2:	movl	$SIMVMM_CHECK_VALUE, SIMVMM_CHECK_ADDR
	movl	$SIMVMM_CHECK_VALUE, %eax
3:	hlt
	jmp	3b

	.section .rodata
msg:	.asciz	"Hello, world!\n"
	.section .note.GNU-stack, "", @progbits

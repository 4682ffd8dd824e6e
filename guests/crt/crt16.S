/* SPDX-License-Identifier: GPL-2.0 */
/* Real-mode C start-up: the VMM set CS=DS=SS=0, SP=0x8000; call main, halt. */
	.code16gcc
	.section .text.start, "ax"
	.global _start
_start:
	cld
	call	main
	movl	%eax, %eax
1:	hlt
	jmp	1b
	.section .note.GNU-stack, "", @progbits

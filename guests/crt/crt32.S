/* SPDX-License-Identifier: GPL-2.0 */
/* Protected-mode C start-up: flat segments and ESP set by the VMM. */
	.code32
	.section .text.start, "ax"
	.global _start
_start:
	cld
	call	main
1:	hlt
	jmp	1b
	.section .note.GNU-stack, "", @progbits

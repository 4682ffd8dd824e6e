/* SPDX-License-Identifier: GPL-2.0 */
/* Long-mode C start-up: paging, GDT and RSP = 1 MiB set by the VMM. */
	.code64
	.section .text.start, "ax"
	.global _start
_start:
	cld
	call	main
	movl	%eax, %eax	/* RAX = main's int, zero-extended */
1:	hlt
	jmp	1b
	.section .note.GNU-stack, "", @progbits

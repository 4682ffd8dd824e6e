/* SPDX-License-Identifier: GPL-2.0 */
/* Protected-mode C start-up: flat segments and ESP set by the VMM. */
	.code32
	.section .text.start, "ax"
	.global _start
_start:
	cld
	call	guest_exc_install
	call	main
1:	hlt
	jmp	1b
	.section .note.GNU-stack, "", @progbits

/*
 * The exception table: an IDT of 32 interrupt gates (vectors 0-31), each
 * to a stub that pushes the vector and, where the CPU pushes none, an
 * error code of 0, so guest_exception() gets one frame (guest_exc.h) and
 * reports the exception to the host. Installing it makes no VM exit.
 */
#include <simvmm/report.h>
#include <guest_exc.h>

	.section .rodata.exc, "a"
	.balign	4
exc_stub_table:			/* the address of each stub */

	.text
	vec = 0
	.rept	SIMVMM_REPORT_VECTORS
1:
	.if	(SIMVMM_EXC_ERROR_CODE_VECTORS >> vec) & 1
	pushl	$(vec | GUEST_EXC_ERROR_CODE)
	.else
	pushl	$0
	pushl	$vec
	.endif
	jmp	exc_common
	.pushsection .rodata.exc, "a"
	.long	1b
	.popsection
	vec = vec + 1
	.endr

/* The frame is at ESP: pass its address. */
exc_common:
	movl	%esp, %eax
	pushl	%eax
	call	guest_exception
1:	hlt
	jmp	1b

/* Fill the gates, load the IDTR; every register is kept. */
guest_exc_install:
	pushal
	sidt	guest_boot_idtr
	movl	$exc_stub_table, %esi
	movl	$exc_idt, %edi
	movw	%cs, %dx
	movl	$SIMVMM_REPORT_VECTORS, %ecx
1:	movl	(%esi), %eax
	movw	%ax, (%edi)		/* offset 15:0 */
	movw	%dx, 2(%edi)		/* selector */
	movw	$0x8e00, 4(%edi)	/* present, DPL 0, 32-bit interrupt gate */
	shrl	$16, %eax
	movw	%ax, 6(%edi)		/* offset 31:16 */
	addl	$4, %esi
	addl	$8, %edi
	loop	1b
	lidt	exc_idtr
	popal
	ret

	.section .rodata
	.balign	4
exc_idtr:
	.word	SIMVMM_REPORT_VECTORS * 8 - 1
	.long	exc_idt

	.bss
	.balign	8
exc_idt:
	.skip	SIMVMM_REPORT_VECTORS * 8
	.global	guest_boot_idtr
guest_boot_idtr:
	.skip	6

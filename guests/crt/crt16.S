/* SPDX-License-Identifier: GPL-2.0 */
/* Real-mode C start-up: the VMM set CS=DS=SS=0, SP=0x8000; call main, halt. */
	.code16gcc
	.section .text.start, "ax"
	.global _start
_start:
	cld
	call	guest_exc_install
	call	main
	movl	%eax, %eax
1:	hlt
	jmp	1b
	.section .note.GNU-stack, "", @progbits

/*
 * The exception table: the IVT's vectors 0-31 (at 0, as the CPU wants it
 * in real mode), each to a stub that pushes the vector; the common part
 * widens what the CPU pushed (IP, CS, FLAGS: no error code in real mode)
 * into guest_exception()'s frame (guest_exc.h), which reports the
 * exception to the host. It assumes CS = DS = SS = 0, as the VMM sets
 * them. Installing it makes no VM exit.
 */
#include <simvmm/report.h>
#include <guest_exc.h>

	.code16
	.section .rodata.exc, "a"
	.balign	2
exc_stub_table:			/* the offset of each stub */

	.text
	vec = 0
	.rept	SIMVMM_REPORT_VECTORS
1:	pushw	$vec
	jmp	exc_common
	.pushsection .rodata.exc, "a"
	.word	1b
	.popsection
	vec = vec + 1
	.endr

exc_common:
	movw	%sp, %bp
	movzwl	%sp, %esp		/* C addresses the stack through ESP */
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movzwl	6(%bp), %eax		/* FLAGS */
	pushl	%eax
	movzwl	4(%bp), %eax		/* CS */
	pushl	%eax
	movzwl	2(%bp), %eax		/* IP */
	pushl	%eax
	pushl	$0			/* error code: none in real mode */
	movzwl	(%bp), %eax		/* vector */
	pushl	%eax
	movl	%esp, %eax
	pushl	%eax
	calll	guest_exception
1:	hlt
	jmp	1b

/* Fill IVT entries 0-31, point the IDTR at the IVT; registers are kept. */
guest_exc_install:
	pushal
	sidt	guest_boot_idtr
	movw	$exc_stub_table, %si
	xorw	%di, %di		/* the IVT, at DS:0 = 0 */
	movw	$SIMVMM_REPORT_VECTORS, %cx
1:	movw	(%si), %ax
	movw	%ax, (%di)		/* offset */
	movw	%cs, 2(%di)		/* segment */
	addw	$2, %si
	addw	$4, %di
	loop	1b
	lidt	exc_ivtr
	popal
	retl				/* called from .code16gcc: a 32-bit call */

	.section .rodata
	.balign	2
exc_ivtr:
	.word	0x3ff			/* 256 vectors of 4 bytes */
	.long	0

	.bss
	.global	guest_boot_idtr
guest_boot_idtr:
	.skip	6

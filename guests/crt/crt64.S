/* SPDX-License-Identifier: GPL-2.0 */
/* Long-mode C start-up: paging, GDT and RSP = 1 MiB set by the VMM. */
	.code64
	.section .text.start, "ax"
	.global _start
_start:
	cld
	call	guest_exc_install
	call	main
	movl	%eax, %eax	/* RAX = main's int, zero-extended */
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
exc_stub_table:			/* the address of each stub, as a .long */

	.text
	vec = 0
	.rept	SIMVMM_REPORT_VECTORS
1:
	.if	(SIMVMM_EXC_ERROR_CODE_VECTORS >> vec) & 1
	pushq	$(vec | GUEST_EXC_ERROR_CODE)
	.else
	pushq	$0
	pushq	$vec
	.endif
	jmp	exc_common
	.pushsection .rodata.exc, "a"
	.long	1b
	.popsection
	vec = vec + 1
	.endr

/* The frame is at RSP; the ABI wants RSP 16-byte aligned at the call. */
exc_common:
	movq	%rsp, %rdi
	andq	$-16, %rsp
	call	guest_exception
1:	hlt
	jmp	1b

/* Fill the gates, load the IDTR; every register is kept. */
guest_exc_install:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	sidt	guest_boot_idtr(%rip)
	leaq	exc_stub_table(%rip), %rsi
	leaq	exc_idt(%rip), %rdi
	movw	%cs, %dx
	movl	$SIMVMM_REPORT_VECTORS, %ecx
1:	movl	(%rsi), %eax		/* the stub: below 4 GiB */
	movw	%ax, (%rdi)		/* offset 15:0 */
	movw	%dx, 2(%rdi)		/* selector */
	movw	$0x8e00, 4(%rdi)	/* present, DPL 0, interrupt gate, IST 0 */
	shrl	$16, %eax
	movw	%ax, 6(%rdi)		/* offset 31:16 */
	movq	$0, 8(%rdi)		/* offset 63:32, reserved */
	addq	$4, %rsi
	addq	$16, %rdi
	loop	1b
	lidt	exc_idtr(%rip)
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
	ret

	.section .rodata
	.balign	8
exc_idtr:
	.word	SIMVMM_REPORT_VECTORS * 16 - 1
	.quad	exc_idt

	.bss
	.balign	16
exc_idt:
	.skip	SIMVMM_REPORT_VECTORS * 16
	.global	guest_boot_idtr
guest_boot_idtr:
	.skip	10

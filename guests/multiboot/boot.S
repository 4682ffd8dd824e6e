/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A Multiboot (v1) kernel's entry, as hobby kernels write it: nothing in
 * it is simvmm's. Built twice: as an ELF (the loader reads the program
 * headers) and, with MB_BY_ADDRESS, as a flat binary whose header carries
 * the load addresses (flag 16, the "a.out kludge").
 */
#define MB_MAGIC	0x1badb002
#define MB_PAGE_ALIGN	(1 << 0)
#define MB_MEMORY_INFO	(1 << 1)
#define MB_ADDRESS	(1 << 16)
#ifdef MB_BY_ADDRESS
#define MB_FLAGS	(MB_PAGE_ALIGN | MB_MEMORY_INFO | MB_ADDRESS)
#else
#define MB_FLAGS	(MB_PAGE_ALIGN | MB_MEMORY_INFO)
#endif

	.section .multiboot, "a"
	.balign 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
#ifdef MB_BY_ADDRESS
	.long mb_header		/* header_addr */
	.long __kernel_start	/* load_addr */
	.long __data_end	/* load_end_addr */
	.long __bss_end		/* bss_end_addr */
	.long _start		/* entry_addr */
#endif

	.text
	.code32
	.globl _start
_start:
	/* The loader's stack is undefined: bring one. */
	movl $stack_top, %esp
	pushfl			/* EFLAGS as the loader left them */
	popl %ecx
	pushl $0
	popfl
	pushl %ecx
	pushl %ebx		/* the Multiboot information */
	pushl %eax		/* the loader's magic */
	call kmain
	/* kmain returns the status for the exit port (QEMU's isa-debug-exit). */
	movw $0xf4, %dx
	outl %eax, %dx
1:	cli
	hlt
	jmp 1b

	.bss
	.balign 16
	.skip 16384
stack_top:

	.section .note.GNU-stack, "", @progbits

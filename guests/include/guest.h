/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest-side library: port I/O, the debug console, the exit port and
 * the end-of-run check. Builds freestanding for -m16, -m32 and -m64.
 */
#ifndef SIMVMM_GUEST_H
#define SIMVMM_GUEST_H

#include <stdint.h>

#include <simvmm/abi.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("out %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("out %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("in %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("in %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void halt(void)
{
	__asm__ volatile("hlt" : : : "memory");
}

/* 32-bit store to a guest-physical address below 64 KiB, in any mode. */
static inline void poke32(uint32_t addr, uint32_t v)
{
	/* Through asm: GCC 12 warns on stores to small constant addresses. */
	__asm__ volatile("movl %0, (%1)" : : "r"(v), "r"((uintptr_t)addr)
			 : "memory");
}

void console_putc(char c);
void console_puts(const char *s);
/* Print @v in decimal. */
void console_putu(uint32_t v);

/* Record the assignment's check value at SIMVMM_CHECK_ADDR. */
static inline void guest_store_check(void)
{
	poke32(SIMVMM_CHECK_ADDR, SIMVMM_CHECK_VALUE);
}

/* End the run at once with @code (0 = success) through the exit port. */
void __attribute__((noreturn)) guest_exit(uint32_t code);

/*
 * Guest C entry point, called by the mode's crt. Its return value is left
 * in RAX when the crt halts.
 */
int main(void);

#endif /* SIMVMM_GUEST_H */

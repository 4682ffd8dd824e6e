/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest-side library: port I/O, the debug console and printf, the exit
 * port, the end-of-run check, and reports of the guest's own failures
 * (GUEST_ASSERT; the crt's exception table, guest_exc.h). Builds
 * freestanding for -m16, -m32 and -m64.
 */
#ifndef SIMVMM_GUEST_H
#define SIMVMM_GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <simvmm/abi.h>
#include <simvmm/report.h>

#include <guest_exc.h>

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
 * A minimal printf: flags '-' and '0', a width, a precision for %s, the
 * length modifiers hh h l ll z, and the conversions d i u x X c s p %.
 * No floating point. guest_vsnprintf() returns the length the whole text
 * would have, and writes at most @size bytes, NUL included.
 */
int guest_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int __attribute__((format(printf, 3, 4)))
guest_snprintf(char *buf, size_t size, const char *fmt, ...);
/* The same to the debug console; returns the bytes written. */
int __attribute__((format(printf, 1, 2))) guest_printf(const char *fmt, ...);

/*
 * Send @r to the host through SIMVMM_REPORT_PORT, as it is (see
 * include/simvmm/report.h), and stop: the host ends the run. If the OUT
 * ever returns (a VMM without the port), halt for good.
 */
void __attribute__((noreturn)) guest_report(const struct simvmm_report *r);

/*
 * Report a failed assertion at @file:@line with a message formatted from
 * @fmt (cut to SIMVMM_REPORT_STR_MAX - 1 bytes; a longer @file keeps its
 * last ones) and stop: the host prints "guest assertion failed:
 * FILE:LINE: MESSAGE" and ends the run with status 1.
 */
void __attribute__((noreturn, format(printf, 3, 4)))
guest_assert_fail(const char *file, unsigned int line, const char *fmt, ...);

/* If @cond is false, report it (its text is the message) and stop. */
#define GUEST_ASSERT(cond)						\
	do {								\
		if (!(cond))						\
			guest_assert_fail(__FILE__, __LINE__, "%s", #cond); \
	} while (0)

/* If @cond is false, report the message printf formats and stop. */
#define GUEST_ASSERT_MSG(cond, fmt, ...)				\
	do {								\
		if (!(cond))						\
			guest_assert_fail(__FILE__, __LINE__, fmt,	\
					  ##__VA_ARGS__);		\
	} while (0)

/*
 * Guest C entry point, called by the mode's crt. Its return value is left
 * in RAX when the crt halts.
 */
/* The C library's four memory functions (guests/lib/string.c). */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

int main(void);

#endif /* SIMVMM_GUEST_H */

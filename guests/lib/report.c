// SPDX-License-Identifier: GPL-2.0
/*
 * Guest library: reports of the guest's own failures to the host
 * (include/simvmm/report.h): failed assertions, and the exceptions the
 * crt's table catches. Real mode included: there DS is 0, so a pointer's
 * value is its guest-physical address, as it is in the flat 32-bit and
 * identity-mapped 64-bit modes.
 */
#include <guest.h>

/* One report at a time: whatever comes first ends the run. */
static struct simvmm_report report;
static char assert_msg[SIMVMM_REPORT_STR_MAX];

void guest_report(const struct simvmm_report *r)
{
	/* "memory": every store to the report is done before the OUT. */
	__asm__ volatile("outl %0, %1"
			 : : "a"((uint32_t)(uintptr_t)r),
			 "Nd"((uint16_t)SIMVMM_REPORT_PORT) : "memory");
	for (;;)
		__asm__ volatile("cli; hlt" : : : "memory");
}

static void report_begin(uint16_t kind)
{
	report.magic = SIMVMM_REPORT_MAGIC;
	report.version = SIMVMM_REPORT_VERSION;
	report.kind = kind;
	report.flags = 0;
}

void guest_assert_fail(const char *file, unsigned int line, const char *fmt,
		       ...)
{
	size_t len = 0;
	va_list ap;

	va_start(ap, fmt);
	guest_vsnprintf(assert_msg, sizeof(assert_msg), fmt, ap);
	va_end(ap);
	/* The host reads at most SIMVMM_REPORT_STR_MAX bytes: keep the tail. */
	while (file[len])
		len++;
	if (len >= SIMVMM_REPORT_STR_MAX)
		file += len - (SIMVMM_REPORT_STR_MAX - 1);

	report_begin(SIMVMM_REPORT_ASSERT);
	report.line = line;
	report.file = (uintptr_t)file;
	report.message = (uintptr_t)assert_msg;
	guest_report(&report);
}

void guest_exception(const struct guest_exc_frame *f)
{
	unsigned long cr2;

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	report_begin(SIMVMM_REPORT_EXCEPTION);
	if (f->vector & GUEST_EXC_ERROR_CODE)
		report.flags = SIMVMM_REPORT_F_ERROR_CODE;
	report.vector = f->vector & 0xff;
	report.error_code = f->error_code;
	report.rip = f->ip;
	/* Above bit 15 the CPU's push of CS is not defined. */
	report.cs = f->cs & 0xffff;
	report.rflags = f->flags;
	report.cr2 = cr2;
	guest_report(&report);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the report port (lib/devices/report.c) on a fake VM whose
 * RAM is a plain buffer laid out as vm_create() lays it out: one slot
 * from 0, 1 MiB + 64 KiB, so the large map (memmap.h), where 1 MiB is
 * RAM like any other byte and the device window is at 0xc0000000; some
 * tests narrow it to the assignment's map (1 MiB, the window right after
 * RAM). So every refusal a hostile guest can provoke is checked without
 * /dev/kvm: the report or a string outside RAM, straddling RAM's end,
 * unterminated, too long; a bad magic,
 * version, kind, flags, vector or CS; writes that are not one 32-bit
 * write at the base. Good reports are checked to the byte.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <simvmm/abi.h>
#include <simvmm/memmap.h>
#include <simvmm/report.h>
#include <simvmm/simvirtio.h>

#include "../../fuzz/fake_vm.h"
#include "devices/report.h"
#include "log.h"
#include "util.h"
#include "vm.h"

#define RAM_SIZE	(SIMVMM_LOWMEM_END + 0x10000)
#define RAM_END		RAM_SIZE	/* RAM is [0, RAM_SIZE) */
#define REPORT_AT	0x9000
#define FILE_AT		0x9100
#define MSG_AT		0x9200

struct fx {
	struct vm vm;
	uint8_t *ram;
	FILE *err;	/* the device's stderr */
	int saved_stderr;
	char msg[REPORT_MSG_MAX];
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ram = calloc(1, RAM_SIZE);
	assert_non_null(f->ram);
	fake_vm_init(&f->vm, f->ram, RAM_SIZE);
	assert_int_equal(f->vm.nr_slots, 1);
	assert_int_equal(f->vm.mmio_base, SIMVMM_MMIO_HIGH_BASE);
	f->err = tmpfile();
	assert_non_null(f->err);
	fflush(stderr);
	f->saved_stderr = dup(STDERR_FILENO);
	assert_true(f->saved_stderr >= 0);
	assert_true(dup2(fileno(f->err), STDERR_FILENO) >= 0);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	fake_vm_release(&f->vm);
	fflush(stderr);
	dup2(f->saved_stderr, STDERR_FILENO);
	close(f->saved_stderr);
	fclose(f->err);
	free(f->ram);
	free(f);
	return 0;
}

/*
 * The assignment's map: the same buffer, its first 1 MiB the guest's RAM,
 * the device window right after it at 0x100000.
 */
static void small_map(struct fx *f)
{
	fake_vm_release(&f->vm);
	fake_vm_init(&f->vm, f->ram, SIMVMM_LOWMEM_END);
	assert_int_equal(f->vm.mmio_base, SIMVMM_SIMVIRTIO_ADDR);
}

/* The guest RAM at @gpa, which the test knows is there. */
static void *ram(struct fx *f, uint64_t gpa, uint64_t len)
{
	void *p = vm_gpa_to_hva(&f->vm, gpa, len);

	assert_non_null(p);
	return p;
}

static void put_str(struct fx *f, uint64_t gpa, const char *s)
{
	memcpy(ram(f, gpa, strlen(s) + 1), s, strlen(s) + 1);
}

static struct simvmm_report *report_at(struct fx *f, uint64_t gpa,
				       uint16_t kind)
{
	struct simvmm_report *r = ram(f, gpa, sizeof(*r));

	memset(r, 0, sizeof(*r));
	r->magic = SIMVMM_REPORT_MAGIC;
	r->version = SIMVMM_REPORT_VERSION;
	r->kind = kind;
	return r;
}

/* A good assertion at REPORT_AT: file and message at FILE_AT, MSG_AT. */
static struct simvmm_report *assertion(struct fx *f, const char *file,
				       uint32_t line, const char *msg)
{
	struct simvmm_report *r = report_at(f, REPORT_AT,
					    SIMVMM_REPORT_ASSERT);

	put_str(f, FILE_AT, file);
	put_str(f, MSG_AT, msg);
	r->file = FILE_AT;
	r->message = MSG_AT;
	r->line = line;
	return r;
}

static struct simvmm_report *exception(struct fx *f, uint32_t vector)
{
	struct simvmm_report *r = report_at(f, REPORT_AT,
					    SIMVMM_REPORT_EXCEPTION);

	r->vector = vector;
	r->cs = 0x18;
	r->rip = 0x8123;
	r->rflags = 0x10046;
	r->cr2 = 0xdead000;
	return r;
}

static int parse(struct fx *f, uint64_t gpa)
{
	memset(f->msg, 0x5a, sizeof(f->msg));
	return report_parse(&f->vm, gpa, f->msg, sizeof(f->msg));
}

/* The report at @gpa is refused, said exactly as "guest report at ...". */
static void assert_refused(struct fx *f, uint64_t gpa, const char *why)
{
	char want[512];

	assert_int_equal(parse(f, gpa), -EINVAL);
	snprintf(want, sizeof(want), "guest report at 0x%llx: %s",
		 (unsigned long long)gpa, why);
	assert_string_equal(f->msg, want);
}

/* ---- good reports ---------------------------------------------------- */

static void test_assertion(void **state)
{
	struct fx *f = *state;

	assertion(f, "guests/test/a.c", 12, "x is 41, not 42");
	assert_int_equal(parse(f, REPORT_AT), SIMVMM_REPORT_ASSERT);
	assert_string_equal(f->msg,
			    "guest assertion failed: guests/test/a.c:12: x is 41, not 42");
}

static void test_assertion_escapes(void **state)
{
	struct fx *f = *state;

	/* Control bytes, a backslash, bytes above 0x7e: all escaped. */
	assertion(f, "a\x1b[31mb\\.c", 4294967295u, "tab\there\nnl \x7f\xff");
	assert_int_equal(parse(f, REPORT_AT), SIMVMM_REPORT_ASSERT);
	assert_string_equal(f->msg,
			    "guest assertion failed: a\\x1b[31mb\\\\.c:4294967295: tab\\there\\nnl \\x7f\\xff");
}

static void test_assertion_empty_strings(void **state)
{
	struct fx *f = *state;

	assertion(f, "", 0, "");
	assert_int_equal(parse(f, REPORT_AT), SIMVMM_REPORT_ASSERT);
	assert_string_equal(f->msg, "guest assertion failed: :0: ");
}

static void test_string_of_255_bytes(void **state)
{
	struct fx *f = *state;
	char s[SIMVMM_REPORT_STR_MAX], want[600];

	memset(s, 'm', sizeof(s) - 1);
	s[sizeof(s) - 1] = 0;
	assertion(f, "f.c", 1, s);
	assert_int_equal(parse(f, REPORT_AT), SIMVMM_REPORT_ASSERT);
	snprintf(want, sizeof(want), "guest assertion failed: f.c:1: %s", s);
	assert_string_equal(f->msg, want);
}

static void test_strings_above_1_mib(void **state)
{
	struct fx *f = *state;
	struct simvmm_report *r;

	/* The report and its strings above 1 MiB, up to RAM's last byte. */
	r = report_at(f, RAM_END - sizeof(*r), SIMVMM_REPORT_ASSERT);
	put_str(f, RAM_END - sizeof(*r) - 4, "h.c");
	put_str(f, SIMVMM_LOWMEM_END, "high");
	r->file = RAM_END - sizeof(*r) - 4;
	r->message = SIMVMM_LOWMEM_END;
	r->line = 3;
	assert_int_equal(parse(f, RAM_END - sizeof(*r)),
			 SIMVMM_REPORT_ASSERT);
	assert_string_equal(f->msg, "guest assertion failed: h.c:3: high");
	/* A NUL that is RAM's very last byte. */
	*(uint8_t *)ram(f, RAM_END - 1, 1) = 0;
	*(uint8_t *)ram(f, RAM_END - 2, 1) = 'z';
	r->message = RAM_END - 2;
	r->line = 4;
	assert_int_equal(parse(f, RAM_END - sizeof(*r)),
			 SIMVMM_REPORT_ASSERT);
	assert_string_equal(f->msg, "guest assertion failed: h.c:4: z");
	/* A string running across 1 MiB: one slot, so one string. */
	put_str(f, SIMVMM_LOWMEM_END - 3, "across");
	r->message = SIMVMM_LOWMEM_END - 3;
	assert_int_equal(parse(f, RAM_END - sizeof(*r)),
			 SIMVMM_REPORT_ASSERT);
	assert_string_equal(f->msg, "guest assertion failed: h.c:4: across");
}

static void test_page_fault(void **state)
{
	struct fx *f = *state;
	struct simvmm_report *r = exception(f, 14);

	r->flags = SIMVMM_REPORT_F_ERROR_CODE;
	r->error_code = 0x2;
	r->cr2 = 0x100000000000ull;
	assert_int_equal(parse(f, REPORT_AT), SIMVMM_REPORT_EXCEPTION);
	assert_string_equal(f->msg,
			    "guest exception: page fault (#PF, vector 14) at RIP=0x8123 error code 0x2 CR2=0x100000000000\n"
			    "  CS=0x18 RFLAGS=0x10046 (write to a not-present page in supervisor mode)");
	r->error_code = 0x7d;
	assert_int_equal(parse(f, REPORT_AT), SIMVMM_REPORT_EXCEPTION);
	assert_string_equal(f->msg,
			    "guest exception: page fault (#PF, vector 14) at RIP=0x8123 error code 0x7d CR2=0x100000000000\n"
			    "  CS=0x18 RFLAGS=0x10046 (instruction fetch from a present page (protection) in user mode, reserved bit set, protection key, shadow stack)");
}

static void test_exception_without_error_code(void **state)
{
	struct fx *f = *state;

	/* No error code, and CR2 said only for a page fault. */
	exception(f, 6);
	assert_int_equal(parse(f, REPORT_AT), SIMVMM_REPORT_EXCEPTION);
	assert_string_equal(f->msg,
			    "guest exception: invalid opcode (#UD, vector 6) at RIP=0x8123\n"
			    "  CS=0x18 RFLAGS=0x10046");
}

static void test_every_vector_by_name(void **state)
{
	static const char *const want[SIMVMM_REPORT_VECTORS] = {
		"divide error (#DE, vector 0)",
		"debug (#DB, vector 1)",
		"non-maskable interrupt (NMI, vector 2)",
		"breakpoint (#BP, vector 3)",
		"overflow (#OF, vector 4)",
		"BOUND range exceeded (#BR, vector 5)",
		"invalid opcode (#UD, vector 6)",
		"device not available (#NM, vector 7)",
		"double fault (#DF, vector 8)",
		"coprocessor segment overrun (vector 9)",
		"invalid TSS (#TS, vector 10)",
		"segment not present (#NP, vector 11)",
		"stack-segment fault (#SS, vector 12)",
		"general protection (#GP, vector 13)",
		"page fault (#PF, vector 14)",
		"reserved vector 15",
		"x87 floating-point error (#MF, vector 16)",
		"alignment check (#AC, vector 17)",
		"machine check (#MC, vector 18)",
		"SIMD floating-point (#XM, vector 19)",
		"virtualization (#VE, vector 20)",
		"control protection (#CP, vector 21)",
		"reserved vector 22", "reserved vector 23",
		"reserved vector 24", "reserved vector 25",
		"reserved vector 26", "reserved vector 27",
		"hypervisor injection (#HV, vector 28)",
		"VMM communication (#VC, vector 29)",
		"security (#SX, vector 30)",
		"reserved vector 31",
	};
	struct fx *f = *state;
	struct simvmm_report *r;
	char line[256];
	uint32_t v;

	for (v = 0; v < SIMVMM_REPORT_VECTORS; v++) {
		r = exception(f, v);
		r->flags = SIMVMM_REPORT_F_ERROR_CODE;
		r->error_code = 0x10;
		assert_int_equal(parse(f, REPORT_AT),
				 SIMVMM_REPORT_EXCEPTION);
		snprintf(line, sizeof(line),
			 "guest exception: %s at RIP=0x8123 error code 0x10%s\n",
			 want[v], v == 14 ? " CR2=0xdead000" : "");
		assert_memory_equal(f->msg, line, strlen(line));
	}
}

static void test_vector_names(void **state)
{
	const char *mn = "x";

	(void)state;
	assert_string_equal(report_vector_name(14, &mn), "page fault");
	assert_string_equal(mn, "#PF");
	assert_string_equal(report_vector_name(9, &mn),
			    "coprocessor segment overrun");
	assert_string_equal(mn, "");
	assert_null(report_vector_name(15, &mn));
	assert_string_equal(mn, "");
	assert_null(report_vector_name(32, &mn));
	assert_null(report_vector_name(0xffffffff, NULL));
	assert_string_equal(report_vector_name(0, NULL), "divide error");
}

/* ---- refusals: where the report is ---------------------------------- */

static void test_report_not_in_ram(void **state)
{
	struct fx *f = *state;
	const char *why = "not in guest RAM (a report is 72 bytes)";

	/* The device window, past the end of RAM, at the top of 4 GiB. */
	assert_refused(f, SIMVMM_MMIO_HIGH_BASE, why);
	assert_refused(f, SIMVMM_MMIO_HIGH_BASE + SIMVIRTIO_WINDOW_SIZE - 1,
		       why);
	assert_refused(f, RAM_END, why);
	assert_refused(f, 0xfffff000, why);
	/* Straddling the end of RAM. */
	assert_refused(f, RAM_END - 71, why);
	assert_refused(f, 0xffffffff, why);
	/* Nothing of it was printed: the message is said, and ends. */
	assert_int_equal(strlen(f->msg),
			 strlen("guest report at 0xffffffff: ") + strlen(why));
	/* The assignment's map: 0x100000 is the window, not RAM. */
	small_map(f);
	assert_refused(f, SIMVMM_SIMVIRTIO_ADDR, why);
	assert_refused(f, SIMVMM_LOWMEM_END - 71, why);
}

static void test_report_around_1_mib(void **state)
{
	struct fx *f = *state;
	struct simvmm_report *r;

	/* Across 1 MiB: RAM, in the large map. */
	r = report_at(f, SIMVMM_LOWMEM_END - 8, SIMVMM_REPORT_EXCEPTION);
	r->vector = 3;
	assert_int_equal(parse(f, SIMVMM_LOWMEM_END - 8),
			 SIMVMM_REPORT_EXCEPTION);
	assert_string_equal(f->msg,
			    "guest exception: breakpoint (#BP, vector 3) at RIP=0x0\n  CS=0x0 RFLAGS=0x0");
	/* In the assignment's map, exactly fitting before 1 MiB is fine. */
	small_map(f);
	r = report_at(f, SIMVMM_LOWMEM_END - 72, SIMVMM_REPORT_EXCEPTION);
	r->vector = 3;
	assert_int_equal(parse(f, SIMVMM_LOWMEM_END - 72),
			 SIMVMM_REPORT_EXCEPTION);
	assert_string_equal(f->msg,
			    "guest exception: breakpoint (#BP, vector 3) at RIP=0x0\n  CS=0x0 RFLAGS=0x0");
}

static void test_bad_magic(void **state)
{
	struct fx *f = *state;
	struct simvmm_report *r;

	/* Zero RAM: no report at all. */
	assert_refused(f, REPORT_AT,
		       "bad magic 0x00000000 (expected 0x54505253): not a report");
	r = assertion(f, "a.c", 1, "m");
	r->magic = SIMVMM_REPORT_MAGIC ^ 0x80000000;
	assert_refused(f, REPORT_AT,
		       "bad magic 0xd4505253 (expected 0x54505253): not a report");
}

static void test_bad_version(void **state)
{
	struct fx *f = *state;
	struct simvmm_report *r = assertion(f, "a.c", 1, "m");

	r->version = 0;
	assert_refused(f, REPORT_AT,
		       "version 0, this simvmm reads version 1");
	r->version = 0xffff;
	assert_refused(f, REPORT_AT,
		       "version 65535, this simvmm reads version 1");
}

static void test_bad_kind(void **state)
{
	struct fx *f = *state;
	struct simvmm_report *r = assertion(f, "a.c", 1, "m");

	r->kind = 0;
	assert_refused(f, REPORT_AT,
		       "unknown kind 0 (1 = assertion, 2 = exception)");
	r->kind = 3;
	assert_refused(f, REPORT_AT,
		       "unknown kind 3 (1 = assertion, 2 = exception)");
	r->kind = 0xffff;
	assert_refused(f, REPORT_AT,
		       "unknown kind 65535 (1 = assertion, 2 = exception)");
}

/* ---- refusals: assertions ------------------------------------------- */

static void test_assertion_flags(void **state)
{
	struct fx *f = *state;
	struct simvmm_report *r = assertion(f, "a.c", 1, "m");

	r->flags = SIMVMM_REPORT_F_ERROR_CODE;
	assert_refused(f, REPORT_AT,
		       "unknown flags 0x1 for an assertion (it has none)");
}

static void test_null_strings(void **state)
{
	struct fx *f = *state;
	struct simvmm_report *r = assertion(f, "a.c", 1, "m");

	r->file = 0;
	assert_refused(f, REPORT_AT, "file name address is 0 (NULL)");
	r->file = FILE_AT;
	r->message = 0;
	assert_refused(f, REPORT_AT, "message address is 0 (NULL)");
}

static void test_string_not_in_ram(void **state)
{
	struct fx *f = *state;
	struct simvmm_report *r = assertion(f, "a.c", 1, "m");

	r->file = SIMVMM_MMIO_HIGH_BASE;
	assert_refused(f, REPORT_AT,
		       "file name at 0xc0000000: not in guest RAM");
	r->file = FILE_AT;
	r->message = RAM_END;
	assert_refused(f, REPORT_AT, "message at 0x110000: not in guest RAM");
	r->message = 0xffffffffffffffffull;
	assert_refused(f, REPORT_AT,
		       "message at 0xffffffffffffffff: not in guest RAM");
	/* The assignment's map: 0x100000 is the window. */
	small_map(f);
	r = assertion(f, "a.c", 1, "m");
	r->file = SIMVMM_SIMVIRTIO_ADDR;
	assert_refused(f, REPORT_AT,
		       "file name at 0x100000: not in guest RAM");
}

static void test_string_unterminated_at_end_of_ram(void **state)
{
	struct fx *f = *state;
	struct simvmm_report *r = assertion(f, "a.c", 1, "m");

	memset(ram(f, RAM_END - 1, 1), 'B', 1);
	r->message = RAM_END - 1;
	assert_refused(f, REPORT_AT,
		       "message at 0x10ffff: no NUL before the end of guest RAM (1 bytes on)");
	/*
	 * 16 bytes before 1 MiB and a NUL at 1 MiB: one string in the large
	 * map, unterminated in the assignment's, where RAM ends there.
	 */
	r->message = MSG_AT;
	memset(ram(f, SIMVMM_LOWMEM_END - 16, 16), 'A', 16);
	*(uint8_t *)ram(f, SIMVMM_LOWMEM_END, 1) = 0;
	r->file = SIMVMM_LOWMEM_END - 16;
	assert_int_equal(parse(f, REPORT_AT), SIMVMM_REPORT_ASSERT);
	assert_string_equal(f->msg,
			    "guest assertion failed: AAAAAAAAAAAAAAAA:1: m");
	small_map(f);
	assert_refused(f, REPORT_AT,
		       "file name at 0xffff0: no NUL before the end of guest RAM (16 bytes on)");
}

static void test_string_too_long(void **state)
{
	struct fx *f = *state;
	struct simvmm_report *r = assertion(f, "a.c", 1, "m");
	char s[300];

	memset(s, 'B', sizeof(s) - 1);
	s[sizeof(s) - 1] = 0;
	put_str(f, 0xa000, s);
	r->message = 0xa000;
	assert_refused(f, REPORT_AT,
		       "message at 0xa000: longer than 255 bytes (no NUL in the first 256)");
	/* 256 bytes then the NUL: one too many. */
	s[256] = 0;
	put_str(f, 0xa000, s);
	assert_refused(f, REPORT_AT,
		       "message at 0xa000: longer than 255 bytes (no NUL in the first 256)");
	r->message = MSG_AT;
	r->file = 0xa000;
	assert_refused(f, REPORT_AT,
		       "file name at 0xa000: longer than 255 bytes (no NUL in the first 256)");
}

/* ---- refusals: exceptions ------------------------------------------- */

static void test_exception_bad_vector(void **state)
{
	struct fx *f = *state;
	struct simvmm_report *r = exception(f, 32);

	assert_refused(f, REPORT_AT,
		       "vector 32 out of range (exceptions are 0-31)");
	r->vector = 0xffffffff;
	assert_refused(f, REPORT_AT,
		       "vector 4294967295 out of range (exceptions are 0-31)");
}

static void test_exception_bad_flags(void **state)
{
	struct fx *f = *state;
	struct simvmm_report *r = exception(f, 13);

	r->flags = 0x3;
	assert_refused(f, REPORT_AT,
		       "unknown flags 0x3 (known: 0x1, error code)");
	r->flags = 0x80000000;
	assert_refused(f, REPORT_AT,
		       "unknown flags 0x80000000 (known: 0x1, error code)");
}

static void test_exception_bad_cs(void **state)
{
	struct fx *f = *state;
	struct simvmm_report *r = exception(f, 13);

	r->cs = 0x10000;
	assert_refused(f, REPORT_AT, "CS 0x10000 is not a 16-bit selector");
}

/* ---- the message buffer --------------------------------------------- */

static void test_small_buffer(void **state)
{
	struct fx *f = *state;
	char small[16];

	assertion(f, "guests/test/a.c", 12, "x is 41, not 42");
	memset(small, 0x5a, sizeof(small));
	assert_int_equal(report_parse(&f->vm, REPORT_AT, small, sizeof(small)),
			 SIMVMM_REPORT_ASSERT);
	assert_string_equal(small, "guest assertion");
	memset(small, 0x5a, sizeof(small));
	assert_int_equal(report_parse(&f->vm, 0xffffffff, small, 1), -EINVAL);
	assert_int_equal(small[0], 0);
	assert_int_equal(small[1], 0x5a);
	assert_int_equal(report_parse(&f->vm, REPORT_AT, small, 0), -EINVAL);
}

static void test_worst_case_fits(void **state)
{
	struct fx *f = *state;
	char s[SIMVMM_REPORT_STR_MAX];

	/* Every byte escaped to four: the whole message still fits. */
	memset(s, 0x01, sizeof(s) - 1);
	s[sizeof(s) - 1] = 0;
	assertion(f, s, 4294967295u, s);
	assert_int_equal(parse(f, REPORT_AT), SIMVMM_REPORT_ASSERT);
	assert_int_equal(strlen(f->msg),
			 strlen("guest assertion failed: :4294967295: ") +
			 2 * 4 * (SIMVMM_REPORT_STR_MAX - 1));
}

/* ---- the device, through the bus ------------------------------------ */

/* Everything the device said on stderr so far. */
static const char *said(struct fx *f)
{
	static char buf[8192];
	size_t n;

	fflush(stderr);
	rewind(f->err);
	n = fread(buf, 1, sizeof(buf) - 1, f->err);
	buf[n] = 0;
	return buf;
}

static void io(struct fx *f, uint16_t port, uint32_t *v, uint32_t len,
	       bool is_write)
{
	assert_int_equal(bus_access(&f->vm.bus, BUS_PIO, port, v, len,
				    is_write), 0);
}

static void test_device_good_report(void **state)
{
	struct fx *f = *state;
	uint32_t v = REPORT_AT, code = 0;

	assert_int_equal(report_attach(&f->vm), 0);
	assertion(f, "a.c", 7, "boom");
	io(f, SIMVMM_REPORT_PORT, &v, 4, true);
	assert_int_equal(vm_stop_reason(&f->vm, &code), VM_STOP_GUEST_REPORT);
	assert_int_equal(code, SIMVMM_REPORT_ASSERT);
	assert_string_equal(said(f),
			    "simvmm: error: guest assertion failed: a.c:7: boom\n");
}

static void test_device_exception_report(void **state)
{
	struct fx *f = *state;
	uint32_t v = REPORT_AT, code = 0;

	assert_int_equal(report_attach(&f->vm), 0);
	exception(f, 0);
	io(f, SIMVMM_REPORT_PORT, &v, 4, true);
	assert_int_equal(vm_stop_reason(&f->vm, &code), VM_STOP_GUEST_REPORT);
	assert_int_equal(code, SIMVMM_REPORT_EXCEPTION);
	assert_string_equal(said(f),
			    "simvmm: error: guest exception: divide error (#DE, vector 0) at RIP=0x8123\n"
			    "  CS=0x18 RFLAGS=0x10046\n");
}

static void test_device_bad_report(void **state)
{
	struct fx *f = *state;
	uint32_t v = SIMVMM_MMIO_HIGH_BASE;

	assert_int_equal(report_attach(&f->vm), 0);
	io(f, SIMVMM_REPORT_PORT, &v, 4, true);
	assert_int_equal(vm_stop_reason(&f->vm, NULL), VM_STOP_DEVICE_ERROR);
	assert_string_equal(said(f),
			    "simvmm: error: guest report at 0xc0000000: not in guest RAM (a report is 72 bytes)\n");
}

static void test_device_narrow_writes(void **state)
{
	static const struct {
		uint16_t port;
		uint32_t len;
		const char *said;
	} cases[] = {
		{ 0xf8, 1, "a 1-byte write at port 0xf8" },
		{ 0xf8, 2, "a 2-byte write at port 0xf8" },
		{ 0xf9, 1, "a 1-byte write at port 0xf9" },
		{ 0xfa, 2, "a 2-byte write at port 0xfa" },
		{ 0xfb, 1, "a 1-byte write at port 0xfb" },
	};
	struct fx *f = *state;
	char want[256];
	uint32_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		fake_vm_release(&f->vm);
		fake_vm_init(&f->vm, f->ram, RAM_SIZE);
		assert_int_equal(ftruncate(fileno(f->err), 0), 0);
		assert_int_equal(lseek(fileno(f->err), 0, SEEK_SET), 0);
		assert_int_equal(report_attach(&f->vm), 0);
		assertion(f, "a.c", 7, "boom");
		v = REPORT_AT;
		io(f, cases[i].port, &v, cases[i].len, true);
		assert_int_equal(vm_stop_reason(&f->vm, NULL),
				 VM_STOP_DEVICE_ERROR);
		snprintf(want, sizeof(want),
			 "simvmm: error: guest report: %s; a report is one 32-bit write of its address at port 0xf8\n",
			 cases[i].said);
		assert_string_equal(said(f), want);
	}
}

static void test_device_reads_magic(void **state)
{
	struct fx *f = *state;
	uint32_t v = 0;

	assert_int_equal(report_attach(&f->vm), 0);
	io(f, SIMVMM_REPORT_PORT, &v, 4, false);
	assert_int_equal(v, SIMVMM_REPORT_MAGIC);
	v = 0;
	io(f, SIMVMM_REPORT_PORT + 2, &v, 1, false);
	assert_int_equal(v, (SIMVMM_REPORT_MAGIC >> 16) & 0xff);
	v = 0;
	io(f, SIMVMM_REPORT_PORT + 2, &v, 2, false);
	assert_int_equal(v, SIMVMM_REPORT_MAGIC >> 16);
	/* Reads stop nothing and say nothing. */
	assert_int_equal(vm_stop_reason(&f->vm, NULL), VM_RUNNING);
	assert_string_equal(said(f), "");
}

static void test_device_straddling_write_is_unassigned(void **state)
{
	struct fx *f = *state;
	uint32_t v = REPORT_AT;

	/* 0xf6-0xf9 straddles the exit port and the report port: neither. */
	assert_int_equal(report_attach(&f->vm), 0);
	assertion(f, "a.c", 7, "boom");
	io(f, SIMVMM_REPORT_PORT - 2, &v, 4, true);
	/* 0xfa-0xfd runs past its end. */
	io(f, SIMVMM_REPORT_PORT + 2, &v, 4, true);
	assert_int_equal(vm_stop_reason(&f->vm, NULL), VM_RUNNING);
	assert_string_equal(said(f), "");
}

#define FX_TEST(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_assertion),
		FX_TEST(test_assertion_escapes),
		FX_TEST(test_assertion_empty_strings),
		FX_TEST(test_string_of_255_bytes),
		FX_TEST(test_strings_above_1_mib),
		FX_TEST(test_page_fault),
		FX_TEST(test_exception_without_error_code),
		FX_TEST(test_every_vector_by_name),
		cmocka_unit_test(test_vector_names),
		FX_TEST(test_report_not_in_ram),
		FX_TEST(test_report_around_1_mib),
		FX_TEST(test_bad_magic),
		FX_TEST(test_bad_version),
		FX_TEST(test_bad_kind),
		FX_TEST(test_assertion_flags),
		FX_TEST(test_null_strings),
		FX_TEST(test_string_not_in_ram),
		FX_TEST(test_string_unterminated_at_end_of_ram),
		FX_TEST(test_string_too_long),
		FX_TEST(test_exception_bad_vector),
		FX_TEST(test_exception_bad_flags),
		FX_TEST(test_exception_bad_cs),
		FX_TEST(test_small_buffer),
		FX_TEST(test_worst_case_fits),
		FX_TEST(test_device_good_report),
		FX_TEST(test_device_exception_report),
		FX_TEST(test_device_bad_report),
		FX_TEST(test_device_narrow_writes),
		FX_TEST(test_device_reads_magic),
		FX_TEST(test_device_straddling_write_is_unassigned),
	};

	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}

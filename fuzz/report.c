// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the report port's parser (lib/devices/report.c), on a fake
 * VM (fake_vm.h) whose RAM is an exact-size heap buffer, so ASan sees any
 * byte read outside it.
 *
 * Input: an 11-byte header (RAM size, where the rest of the input lands
 * in RAM, the report's address, the message buffer's size), then bytes
 * copied into RAM there (the rest of RAM is zero). Invariants: the
 * message is always NUL-terminated inside its buffer and made of
 * printable ASCII (plus the one newline of an exception's second line);
 * a report is accepted exactly when an independent reading of the same
 * RAM says it is well formed (in RAM whole, magic, version, kind, flags,
 * vector, CS, each string in RAM with a NUL in its first 256 bytes),
 * and then the message starts as that reading expects (an assertion's is
 * exactly the reference's escaping of its strings); a refusal begins
 * "guest report at 0x...: ".
 */
#include <errno.h>

#include <simvmm/memmap.h>
#include <simvmm/report.h>

#include "devices/report.h"
#include "fake_vm.h"
#include "fuzz.h"
#include "vm.h"

/*
 * Where @gpa lives in the fake RAM, or -1 if it is not RAM: RAM is one
 * piece, [0, mem_size), at its own address, in either memory map.
 */
static int64_t ram_offset(const struct vm *vm, uint64_t gpa)
{
	return gpa < vm->mem_size ? (int64_t)gpa : -1;
}

/* Bytes of RAM from @gpa to its end (0: not RAM). */
static uint64_t ref_room(const struct vm *vm, uint64_t gpa)
{
	return gpa < vm->mem_size ? vm->mem_size - gpa : 0;
}

/* The reference's reading of a string: its length, or -1 if refused. */
static int64_t ref_string(const struct vm *vm, uint64_t gpa)
{
	uint64_t room = ref_room(vm, gpa), i;
	const uint8_t *p;

	if (!gpa || !room)
		return -1;
	p = vm->mem + ram_offset(vm, gpa);
	for (i = 0; i < room && i < SIMVMM_REPORT_STR_MAX; i++)
		if (!p[i])
			return (int64_t)i;
	return -1;
}

/* Does the reference accept the report at @gpa? Its kind, or -1. */
static int ref_accepts(const struct vm *vm, uint64_t gpa,
		       struct simvmm_report *r)
{
	if (ref_room(vm, gpa) < sizeof(*r))
		return -1;
	memcpy(r, vm->mem + ram_offset(vm, gpa), sizeof(*r));
	if (r->magic != SIMVMM_REPORT_MAGIC ||
	    r->version != SIMVMM_REPORT_VERSION)
		return -1;
	if (r->kind == SIMVMM_REPORT_ASSERT)
		return !r->flags && ref_string(vm, r->file) >= 0 &&
		       ref_string(vm, r->message) >= 0 ? r->kind : -1;
	if (r->kind == SIMVMM_REPORT_EXCEPTION)
		return !(r->flags & ~SIMVMM_REPORT_F_ERROR_CODE) &&
		       r->vector < SIMVMM_REPORT_VECTORS && r->cs <= 0xffff ?
		       r->kind : -1;
	return -1;
}

/* The reference's escaping of guest bytes, appended at @out. */
static char *ref_escape(char *out, const uint8_t *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' || s[i] == '\n' || s[i] == '\t') {
			*out++ = '\\';
			*out++ = s[i] == '\n' ? 'n' : s[i] == '\t' ? 't' : '\\';
		} else if (s[i] >= 0x20 && s[i] < 0x7f) {
			*out++ = (char)s[i];
		} else {
			out += sprintf(out, "\\x%02x", s[i]);
		}
	}
	*out = 0;
	return out;
}

/* An assertion's whole message, as the reference says it. */
static void ref_assertion(const struct vm *vm, const struct simvmm_report *r,
			  char *out)
{
	out += sprintf(out, "guest assertion failed: ");
	out = ref_escape(out, vm->mem + ram_offset(vm, r->file),
			 (size_t)ref_string(vm, r->file));
	out += sprintf(out, ":%u: ", r->line);
	ref_escape(out, vm->mem + ram_offset(vm, r->message),
		   (size_t)ref_string(vm, r->message));
}

static void check_text(const char *msg, size_t size)
{
	size_t len = strnlen(msg, size), i, newlines = 0;

	FUZZ_CHECK(len < size);
	for (i = 0; i < len; i++) {
		if (msg[i] == '\n') {
			newlines++;
			continue;
		}
		FUZZ_CHECK(msg[i] >= 0x20 && msg[i] < 0x7f);
	}
	FUZZ_CHECK(newlines <= 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint64_t mem_size, at, gpa, room;
	char msg[REPORT_MSG_MAX + 1], want[64], full[REPORT_MSG_MAX];
	struct simvmm_report r;
	size_t msg_size, len;
	int64_t off;
	uint8_t *mem;
	struct vm vm;
	int kind, ref;

	/*
	 * 64 KiB to ~1.1 MiB in 4 KiB steps: the assignment's map (RAM ends
	 * at or below 1 MiB, where the device window is) or the large one
	 * (RAM runs on across 1 MiB).
	 */
	mem_size = SIMVMM_MEM_MIN + (fuzz_take(&in, 1) % 0x110) * 4096;
	/* RAM, across 1 MiB, its end and past it. */
	at = fuzz_take(&in, 4) & 0x3fffff;
	gpa = fuzz_take(&in, 4);
	/* Mostly at the data, sometimes anywhere at all. */
	msg_size = fuzz_take(&in, 2) % (REPORT_MSG_MAX + 1);
	if (msg_size > REPORT_MSG_MAX / 2)
		msg_size = REPORT_MSG_MAX;
	mem = calloc(1, mem_size);
	if (!mem)
		return 0;
	fake_vm_init(&vm, mem, mem_size);
	if (!(gpa & 0x80000000))
		gpa = at + (gpa & 0xff) - 0x80;
	gpa &= 0xffffffff;

	/* The rest of the input lands at @at, as far as RAM goes. */
	room = ref_room(&vm, at);
	len = in.left < room ? in.left : room;
	off = ram_offset(&vm, at);
	if (len && off >= 0)
		memcpy(mem + off, in.p, len);

	memset(msg, 0x5a, sizeof(msg));
	kind = report_parse(&vm, gpa, msg, msg_size);
	ref = ref_accepts(&vm, gpa, &r);
	if (!msg_size) {
		FUZZ_CHECK(kind == -EINVAL && msg[0] == 0x5a);
		goto out;
	}
	FUZZ_CHECK(msg[msg_size] == 0x5a);
	check_text(msg, msg_size);
	FUZZ_CHECK(kind == (ref < 0 ? -EINVAL : ref));
	if (kind < 0) {
		snprintf(want, sizeof(want), "guest report at 0x%llx: ",
			 (unsigned long long)gpa);
	} else if (kind == SIMVMM_REPORT_ASSERT) {
		snprintf(want, sizeof(want), "guest assertion failed: ");
	} else {
		snprintf(want, sizeof(want), "guest exception: ");
	}
	FUZZ_CHECK(!strncmp(msg, want, msg_size - 1 < strlen(want) ?
			    msg_size - 1 : strlen(want)));
	if (kind == SIMVMM_REPORT_ASSERT && msg_size == REPORT_MSG_MAX) {
		ref_assertion(&vm, &r, full);
		FUZZ_CHECK(!strcmp(msg, full));
	}
	/* An exception always names its RIP, exactly, when there is room. */
	if (kind == SIMVMM_REPORT_EXCEPTION && msg_size == REPORT_MSG_MAX) {
		snprintf(want, sizeof(want), " at RIP=0x%llx",
			 (unsigned long long)r.rip);
		FUZZ_CHECK(strstr(msg, want));
	}
out:
	fake_vm_release(&vm);
	free(mem);
	return 0;
}

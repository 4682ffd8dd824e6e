// SPDX-License-Identifier: GPL-2.0
/*
 * The report port (SIMVMM_REPORT_PORT): a guest writes the address of a
 * struct simvmm_report, the host says what it reports and ends the run.
 * Everything in the report is the guest's word: it is copied out of RAM
 * through vm_gpa_to_hva() with each range checked whole, then checked
 * field by field before any of it is printed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simvmm/abi.h>
#include <simvmm/report.h>

#include "report.h"
#include "../log.h"
#include "../util.h"

struct report_dev {
	struct vm *vm;
	uint64_t reports;	/* 32-bit writes of an address, good or bad */
};

/* A message being built: appends never overflow, the text is cut instead. */
struct msgbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void __attribute__((format(printf, 2, 3)))
msg_add(struct msgbuf *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (m->len + 1 >= m->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(m->buf + m->len, m->size - m->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	m->len += (size_t)n;
	if (m->len >= m->size)
		m->len = m->size - 1;
}

/* @s, @n bytes of guest data: printable ASCII as is, the rest escaped. */
static void msg_add_escaped(struct msgbuf *m, const uint8_t *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\')
			msg_add(m, "\\\\");
		else if (s[i] == '\n')
			msg_add(m, "\\n");
		else if (s[i] == '\t')
			msg_add(m, "\\t");
		else if (s[i] >= 0x20 && s[i] < 0x7f)
			msg_add(m, "%c", s[i]);
		else
			msg_add(m, "\\x%02x", s[i]);
	}
}

static const struct {
	const char *name;
	const char *mnemonic;
} vectors[SIMVMM_REPORT_VECTORS] = {
	[0] = { "divide error", "#DE" },
	[1] = { "debug", "#DB" },
	[2] = { "non-maskable interrupt", "NMI" },
	[3] = { "breakpoint", "#BP" },
	[4] = { "overflow", "#OF" },
	[5] = { "BOUND range exceeded", "#BR" },
	[6] = { "invalid opcode", "#UD" },
	[7] = { "device not available", "#NM" },
	[8] = { "double fault", "#DF" },
	[9] = { "coprocessor segment overrun", "" },
	[10] = { "invalid TSS", "#TS" },
	[11] = { "segment not present", "#NP" },
	[12] = { "stack-segment fault", "#SS" },
	[13] = { "general protection", "#GP" },
	[14] = { "page fault", "#PF" },
	[16] = { "x87 floating-point error", "#MF" },
	[17] = { "alignment check", "#AC" },
	[18] = { "machine check", "#MC" },
	[19] = { "SIMD floating-point", "#XM" },
	[20] = { "virtualization", "#VE" },
	[21] = { "control protection", "#CP" },
	[28] = { "hypervisor injection", "#HV" },
	[29] = { "VMM communication", "#VC" },
	[30] = { "security", "#SX" },
};

const char *report_vector_name(uint32_t vector, const char **mnemonic)
{
	if (vector >= ARRAY_SIZE(vectors) || !vectors[vector].name) {
		if (mnemonic)
			*mnemonic = "";
		return NULL;
	}
	if (mnemonic)
		*mnemonic = vectors[vector].mnemonic;
	return vectors[vector].name;
}

/*
 * Copy the guest string at @gpa into @s (SIMVMM_REPORT_STR_MAX bytes) and
 * its length into @len; on a refusal say why in @m, after "@what at ...".
 */
static int read_string(const struct vm *vm, struct msgbuf *m,
		       const char *what, uint64_t gpa, uint8_t *s, size_t *len)
{
	uint64_t room = vm_ram_room(vm, gpa);
	size_t n = room < SIMVMM_REPORT_STR_MAX ? room : SIMVMM_REPORT_STR_MAX;
	const void *p;
	const uint8_t *nul;

	if (!gpa) {
		msg_add(m, "%s address is 0 (NULL)", what);
		return -EINVAL;
	}
	p = n ? vm_gpa_to_hva(vm, gpa, n) : NULL;
	if (!p) {
		msg_add(m, "%s at 0x%llx: not in guest RAM", what,
			(unsigned long long)gpa);
		return -EINVAL;
	}
	memcpy(s, p, n);
	nul = memchr(s, 0, n);
	if (!nul && n < SIMVMM_REPORT_STR_MAX) {
		msg_add(m, "%s at 0x%llx: no NUL before the end of guest RAM (%zu bytes on)",
			what, (unsigned long long)gpa, n);
		return -EINVAL;
	}
	if (!nul) {
		msg_add(m, "%s at 0x%llx: longer than %d bytes (no NUL in the first %d)",
			what, (unsigned long long)gpa,
			SIMVMM_REPORT_STR_MAX - 1, SIMVMM_REPORT_STR_MAX);
		return -EINVAL;
	}
	*len = (size_t)(nul - s);
	return 0;
}

static int parse_assert(const struct vm *vm, const struct simvmm_report *r,
			struct msgbuf *m)
{
	uint8_t file[SIMVMM_REPORT_STR_MAX], text[SIMVMM_REPORT_STR_MAX];
	size_t file_len, text_len;

	if (r->flags) {
		msg_add(m, "unknown flags 0x%x for an assertion (it has none)",
			r->flags);
		return -EINVAL;
	}
	if (read_string(vm, m, "file name", r->file, file, &file_len) ||
	    read_string(vm, m, "message", r->message, text, &text_len))
		return -EINVAL;
	m->len = 0;
	msg_add(m, "guest assertion failed: ");
	msg_add_escaped(m, file, file_len);
	msg_add(m, ":%u: ", r->line);
	msg_add_escaped(m, text, text_len);
	return SIMVMM_REPORT_ASSERT;
}

/* The page-fault error code's bits (SDM vol. 3 4.7, APM vol. 2 8.4.2). */
static void add_pf_error(struct msgbuf *m, uint64_t ec)
{
	msg_add(m, " (%s %s in %s mode%s%s%s)",
		ec & 0x10 ? "instruction fetch from" :
		ec & 0x2 ? "write to" : "read of",
		ec & 0x1 ? "a present page (protection)" :
		"a not-present page",
		ec & 0x4 ? "user" : "supervisor",
		ec & 0x8 ? ", reserved bit set" : "",
		ec & 0x20 ? ", protection key" : "",
		ec & 0x40 ? ", shadow stack" : "");
}

static int parse_exception(const struct simvmm_report *r, struct msgbuf *m)
{
	const char *name, *mnemonic;
	bool has_ec = r->flags & SIMVMM_REPORT_F_ERROR_CODE;

	if (r->flags & ~(uint32_t)SIMVMM_REPORT_F_ERROR_CODE) {
		msg_add(m, "unknown flags 0x%x (known: 0x%x, error code)",
			r->flags, SIMVMM_REPORT_F_ERROR_CODE);
		return -EINVAL;
	}
	if (r->vector >= SIMVMM_REPORT_VECTORS) {
		msg_add(m, "vector %u out of range (exceptions are 0-%d)",
			r->vector, SIMVMM_REPORT_VECTORS - 1);
		return -EINVAL;
	}
	if (r->cs > 0xffff) {
		msg_add(m, "CS 0x%x is not a 16-bit selector", r->cs);
		return -EINVAL;
	}
	m->len = 0;
	msg_add(m, "guest exception: ");
	name = report_vector_name(r->vector, &mnemonic);
	if (!name)
		msg_add(m, "reserved vector %u", r->vector);
	else if (*mnemonic)
		msg_add(m, "%s (%s, vector %u)", name, mnemonic, r->vector);
	else
		msg_add(m, "%s (vector %u)", name, r->vector);
	msg_add(m, " at RIP=0x%llx", (unsigned long long)r->rip);
	if (has_ec)
		msg_add(m, " error code 0x%llx",
			(unsigned long long)r->error_code);
	if (r->vector == 14)
		msg_add(m, " CR2=0x%llx", (unsigned long long)r->cr2);
	msg_add(m, "\n  CS=0x%x RFLAGS=0x%llx", r->cs,
		(unsigned long long)r->rflags);
	if (r->vector == 14 && has_ec)
		add_pf_error(m, r->error_code);
	return SIMVMM_REPORT_EXCEPTION;
}

int report_parse(const struct vm *vm, uint64_t gpa, char *msg, size_t size)
{
	struct msgbuf m = { msg, size, 0 };
	struct simvmm_report r;
	const void *p;

	if (!size)
		return -EINVAL;
	msg[0] = 0;
	/* Refusals begin so; a good report starts the message over. */
	msg_add(&m, "guest report at 0x%llx: ", (unsigned long long)gpa);
	p = vm_gpa_to_hva(vm, gpa, sizeof(r));
	if (!p) {
		msg_add(&m, "not in guest RAM (a report is %zu bytes)",
			sizeof(r));
		return -EINVAL;
	}
	/* A copy: what is checked is what is printed. */
	memcpy(&r, p, sizeof(r));
	if (r.magic != SIMVMM_REPORT_MAGIC) {
		msg_add(&m, "bad magic 0x%08x (expected 0x%08x): not a report",
			r.magic, SIMVMM_REPORT_MAGIC);
		return -EINVAL;
	}
	if (r.version != SIMVMM_REPORT_VERSION) {
		msg_add(&m, "version %u, this simvmm reads version %d",
			r.version, SIMVMM_REPORT_VERSION);
		return -EINVAL;
	}
	switch (r.kind) {
	case SIMVMM_REPORT_ASSERT:
		return parse_assert(vm, &r, &m);
	case SIMVMM_REPORT_EXCEPTION:
		return parse_exception(&r, &m);
	}
	msg_add(&m, "unknown kind %u (%d = assertion, %d = exception)",
		r.kind, SIMVMM_REPORT_ASSERT, SIMVMM_REPORT_EXCEPTION);
	return -EINVAL;
}

/*
 * One 32-bit register at SIMVMM_REPORT_PORT; the bus guarantees
 * @offset + @len <= 4. A report is a 32-bit write at the base; any other
 * write is a guest that does not know the protocol, refused as loudly.
 */
static int report_io(void *owner, uint64_t offset, void *data, uint32_t len,
		     bool is_write)
{
	struct report_dev *dev = owner;
	uint32_t v = SIMVMM_REPORT_MAGIC;
	char msg[REPORT_MSG_MAX];
	int kind;

	if (offset >= sizeof(v) || len > sizeof(v) - offset) {
		/* Unreachable through the bus; kept for any other caller. */
		pr_err("report port: %u-byte access at offset %llu", len,
		       (unsigned long long)offset);
		return -EINVAL;
	}
	if (!is_write) {
		memcpy(data, (uint8_t *)&v + offset, len);
		return 0;
	}
	if (offset != 0 || len != sizeof(v)) {
		pr_err("guest report: a %u-byte write at port 0x%llx; a report is one 32-bit write of its address at port 0x%x",
		       len, (unsigned long long)(SIMVMM_REPORT_PORT + offset),
		       SIMVMM_REPORT_PORT);
		vm_request_stop(dev->vm, VM_STOP_DEVICE_ERROR, 0);
		return 0;
	}
	memcpy(&v, data, sizeof(v));
	dev->reports++;
	kind = report_parse(dev->vm, v, msg, sizeof(msg));
	pr_err("%s", msg);
	if (kind < 0)
		vm_request_stop(dev->vm, VM_STOP_DEVICE_ERROR, 0);
	else
		vm_request_stop(dev->vm, VM_STOP_GUEST_REPORT, (uint32_t)kind);
	return 0;
}

int report_attach(struct vm *vm)
{
	struct report_dev *dev;
	int err;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->vm = vm;

	/* The VM owns it first, so the bus never holds a freed device. */
	err = vm_attach_device(vm, "report", dev, free);
	if (err) {
		free(dev);
		pr_err("report port: attaching to the VM: %s", strerror(-err));
		return err;
	}
	/* Four ports so a 32-bit OUT at the base lies wholly inside. */
	err = bus_register(&vm->bus, BUS_PIO, SIMVMM_REPORT_PORT, 4,
			   report_io, dev, "report");
	if (err) {
		pr_err("report port: registering port 0x%x: %s",
		       SIMVMM_REPORT_PORT, strerror(-err));
		return err;
	}
	return 0;
}

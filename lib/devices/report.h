/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report port: guests report their own failures (a GUEST_ASSERT, an
 * exception) through it; include/simvmm/report.h is the ABI.
 */
#ifndef SIMVMM_REPORT_DEV_H
#define SIMVMM_REPORT_DEV_H

#include <stddef.h>
#include <stdint.h>

#include "../vm.h"

/* Room for any message report_parse() writes. */
#define REPORT_MSG_MAX	2304

/*
 * Read the report at guest-physical @gpa of @vm and say it in @msg (@size
 * bytes, always NUL-terminated, truncated if it does not fit): a good one
 * by name ("guest assertion failed: FILE:LINE: MESSAGE", "guest exception:
 * page fault (#PF, vector 14) at RIP=..."), one that cannot be read with
 * why ("guest report at 0x...: ..."). The report and its strings are
 * copied out of guest RAM through vm_gpa_to_hva() only, each range checked
 * whole; strings stop at SIMVMM_REPORT_STR_MAX bytes, bytes that are not
 * printable ASCII are escaped. Returns the report's kind
 * (SIMVMM_REPORT_ASSERT or SIMVMM_REPORT_EXCEPTION), or -EINVAL for a
 * report refused.
 */
int report_parse(const struct vm *vm, uint64_t gpa, char *msg, size_t size);

/*
 * The name and mnemonic of exception vector @vector: "page fault" and
 * "#PF"; the mnemonic is "" where there is none (vector 9), the name NULL
 * for a reserved vector or one past 31.
 */
const char *report_vector_name(uint32_t vector, const char **mnemonic);

/*
 * Attach the report device at SIMVMM_REPORT_PORT. A 32-bit write of a
 * report's address prints report_parse()'s message on stderr and stops
 * the VM: VM_STOP_GUEST_REPORT (code: the kind) for a good report,
 * VM_STOP_DEVICE_ERROR for one refused or for any other write. Returns 0
 * or a negative errno (reported).
 */
int report_attach(struct vm *vm);

#endif /* SIMVMM_REPORT_DEV_H */

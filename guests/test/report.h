/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the report test guests (guests/test/report_*.c), for
 * tests/integration/report.bats: each fails one way the guest library
 * reports. One that goes on past its failure says so on stdout and passes
 * the check, so a test expecting the report fails loudly.
 */
#ifndef SIMVMM_GUEST_TEST_REPORT_H
#define SIMVMM_GUEST_TEST_REPORT_H

#include <guest.h>

/* @v, which the compiler cannot see through (no folding, no warnings). */
static inline unsigned long launder(unsigned long v)
{
	__asm__("" : "+r"(v));
	return v;
}

/* Each fault guest's faulting instruction, labelled in its asm. */
extern const char report_pf_insn[], report_gp_insn[], report_ud_insn[],
	report_de_insn[];

static inline int report_not_stopped(void)
{
	console_puts("NOT STOPPED\n");
	guest_store_check();
	return SIMVMM_CHECK_VALUE;
}

#endif /* SIMVMM_GUEST_TEST_REPORT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest/host ABI of simvmm: every port, address and value that guest
 * code and the VMM must agree on. Included by the host, by C guests in
 * 16-, 32- and 64-bit mode and by guest assembly (__ASSEMBLER__).
 */
#ifndef SIMVMM_ABI_H
#define SIMVMM_ABI_H

/* Debug console: each byte written to this port goes to the VMM's stdout. */
#define SIMVMM_DEBUGCON_PORT	0xe9

/*
 * Exit port: a 1-, 2- or 4-byte write at this port ends the run at once.
 * 0 means the guest succeeded, anything else is a guest-reported failure
 * code. It is one 32-bit register over ports 0xf4-0xf7: reading it returns
 * SIMVMM_EXIT_PORT_MAGIC (byte lanes: in al,0xf6 gives byte 2) so a guest
 * can probe for it; writes at 0xf5-0xf7 are ignored.
 */
#define SIMVMM_EXIT_PORT	0xf4
#define SIMVMM_EXIT_PORT_MAGIC	0x53564d4d	/* "SVMM" */

/*
 * Report port: a guest that fails says how (a failed assertion, an
 * exception) with one 32-bit write at this port of the guest-physical
 * address of a struct simvmm_report (report.h). The host prints it and
 * ends the run with status 1. A report it cannot read (not in RAM, bad
 * magic, version, kind or string), or any other write here, is said as
 * such and ends the run as a device error, status 1 too. Four ports wide
 * (0xf8-0xfb) so the 32-bit write lies wholly inside; reads return
 * SIMVMM_REPORT_MAGIC's byte lanes, so a guest can probe for it.
 */
#define SIMVMM_REPORT_PORT	0xf8

/*
 * The assignment's end-of-run check: a checked guest stores this value as
 * a 32-bit word at this guest-physical address and leaves it in RAX when it
 * halts.
 */
#define SIMVMM_CHECK_ADDR	0x400
#define SIMVMM_CHECK_VALUE	42

#endif /* SIMVMM_ABI_H */

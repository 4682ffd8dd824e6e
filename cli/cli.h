/* SPDX-License-Identifier: GPL-2.0 */
/* What the command line's files share: exit statuses and the commands. */
#ifndef SIMVMM_CLI_H
#define SIMVMM_CLI_H

/* Exit statuses, as documented in the README and in --help. */
enum {
	EXIT_OK = 0,
	EXIT_GUEST_FAILED = 1,
	EXIT_SETUP = 2,
	EXIT_SIGNAL_BASE = 128,
};

/*
 * simvmm probe: what this host's KVM gives simvmm, one line each on
 * stdout. EXIT_OK when every mode and feature works, EXIT_GUEST_FAILED
 * when some does not (named), EXIT_SETUP when there is no usable KVM.
 */
int cmd_probe(void);

#endif /* SIMVMM_CLI_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* The debug console: port 0xe9, one byte out per write, as in Bochs/QEMU. */
#ifndef SIMVMM_DEBUGCON_H
#define SIMVMM_DEBUGCON_H

#include <stdint.h>

#include "../vm.h"

/*
 * Default --console-limit: at the slowest rate here, one exit per byte
 * (~8 us), a flood is stopped within about ten seconds.
 */
#define DEBUGCON_DEFAULT_LIMIT	(1ull << 20)

struct debugcon {
	struct vm *vm;		/* stopped when the guest passes @limit */
	int out_fd;		/* not owned */
	uint64_t bytes;		/* bytes the guest wrote */
	uint64_t dropped;	/* bytes lost: output closed, or over limit */
	uint64_t limit;		/* most bytes passed on; 0 = no limit */
	int write_error;	/* first errno from write(2), 0 if none */
};

/*
 * Attach a debug console that writes guest bytes to @out_fd, at most
 * @limit of them (0: no limit). The byte after the limit is dropped and
 * stops the VM as a device error, with a message. A failing @out_fd
 * drops the output from then on, with one warning, but lets the guest
 * run. Returns 0 or a negative errno.
 */
int debugcon_attach(struct vm *vm, int out_fd, uint64_t limit,
		    struct debugcon **out);

#endif /* SIMVMM_DEBUGCON_H */

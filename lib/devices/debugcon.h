/* SPDX-License-Identifier: GPL-2.0 */
/* The debug console: port 0xe9, one byte out per write, as in Bochs/QEMU. */
#ifndef SIMVMM_DEBUGCON_H
#define SIMVMM_DEBUGCON_H

#include <stdint.h>

#include "../chardev.h"
#include "../vm.h"

/*
 * Default --console-limit: at the slowest rate here, one exit per byte
 * (~8 us), a flood is stopped within about ten seconds.
 */
#define DEBUGCON_DEFAULT_LIMIT	(1ull << 20)

struct debugcon {
	struct vm *vm;		/* stopped when the guest passes @limit */
	struct chardev *out;	/* not owned; NULL: output discarded */
	uint64_t bytes;		/* bytes the guest wrote */
	uint64_t dropped;	/* bytes not passed on: over limit, stopping */
	uint64_t limit;		/* most bytes passed on; 0 = no limit */
};

/*
 * Attach a debug console that writes guest bytes to @out, at most @limit
 * of them (0: no limit). The byte after the limit is dropped and stops
 * the VM as a device error, with a message. When @out's buffer is full
 * the guest's OUT waits for the reader (in vm_wait(), so a stop or the
 * timeout ends the wait); an output that fails drops the bytes from then
 * on, with one warning, and lets the guest run. Returns 0 or a negative
 * errno (reported).
 */
int debugcon_attach(struct vm *vm, struct chardev *out, uint64_t limit,
		    struct debugcon **con);

#endif /* SIMVMM_DEBUGCON_H */

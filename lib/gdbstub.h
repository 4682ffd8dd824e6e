/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A GDB remote stub for one vCPU (docs/debugging.md). It listens on a TCP
 * port (loopback unless a host is given) or a Unix socket, holds the guest
 * at its first instruction until gdb connects, and then serves the GDB
 * Remote Serial Protocol (lib/gdb_rsp.c) from the vCPU thread, between
 * KVM_RUNs: registers, memory by guest-virtual address (KVM_TRANSLATE),
 * continue, step, breakpoints, watchpoints, Ctrl-C, detach and kill.
 *
 * Breakpoints and watchpoints (gdb_break.h) are native where the probe
 * at start finds this KVM delivers them (an int3 under
 * KVM_GUESTDBG_USE_SW_BP, debug registers under KVM_GUESTDBG_USE_HW_BP),
 * and else work on every KVM that single-steps: a continue then steps one
 * instruction at a time and stops at a breakpoint's address or after a
 * change of watched bytes. The testbed's nested KVM delivers neither.
 */
#ifndef SIMVMM_GDBSTUB_H
#define SIMVMM_GDBSTUB_H

#include <stdbool.h>

#include "cpu_mode.h"
#include "gdb_break.h"
#include "vcpu.h"

struct gdbstub;

/*
 * Run three tiny real-mode VMs on /dev/kvm's @sys_fd to see what this KVM
 * delivers. 0, or -errno if no VM could be made (reported).
 */
int gdbstub_probe(int sys_fd, struct gdbstub_caps *caps);

/*
 * Listen on @spec: "PORT" or "HOST:PORT" (TCP, HOST defaulting to
 * 127.0.0.1), or a path with a '/' in it (a Unix socket, made anew). Says
 * on stderr where it listens and how breakpoints work. 0 or -errno, after
 * a message.
 */
int gdbstub_open(const char *spec, const struct gdbstub_caps *caps,
		 struct gdbstub **out);

/*
 * Debug @vcpu, whose target description is @mode's: installs the stub as
 * the vCPU's debugger. The first vcpu_run() waits for gdb (bounded by the
 * VM's stop requests and deadline) with the guest at its first
 * instruction.
 */
void gdbstub_attach(struct gdbstub *g, struct vcpu *vcpu,
		    enum cpu_mode mode);

/* Close the connection and the listening socket; NULL is fine. */
void gdbstub_close(struct gdbstub *g);

/* The parsing of @spec alone, for the command line's own checks. */
int gdbstub_parse_spec(const char *spec, char *host, size_t host_len,
		       unsigned int *port, bool *unix_path);

#endif /* SIMVMM_GDBSTUB_H */

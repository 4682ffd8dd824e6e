/* SPDX-License-Identifier: GPL-2.0 */
/* A virtual CPU and the one loop that runs it and dispatches its exits. */
#ifndef SIMVMM_VCPU_H
#define SIMVMM_VCPU_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "vm.h"

struct vcpu_hooks;
struct vcpu_debugger;

/*
 * What the registers tell once vcpu_run() has returned, for reports (see
 * vcpu_dump_regs()).
 */
enum vcpu_regs_state {
	/* The guest's own, between two instructions (also after a stop). */
	VCPU_REGS_ARCH,
	/*
	 * As KVM left them at an I/O or MMIO exit whose access it could not
	 * complete (vcpu->complete_err says why): RIP may point at the
	 * instruction or past it, depending on the KVM.
	 */
	VCPU_REGS_AT_EXIT,
	/* After KVM_EXIT_SHUTDOWN, in the vCPU's reset state: not the faulting ones. */
	VCPU_REGS_RESET,
	/* After KVM_EXIT_SHUTDOWN, not the reset state; no KVM promises them. */
	VCPU_REGS_SHUTDOWN,
};

struct vcpu {
	struct vm *vm;
	int fd;
	unsigned int id;
	struct kvm_run *run;
	/* Optional observer of every exit (stats, trace); may be NULL. */
	const struct vcpu_hooks *hooks;
	void *hooks_priv;
	/* Optional debugger (the gdb stub); may be NULL. */
	const struct vcpu_debugger *dbg;
	void *dbg_priv;
	/* KVM_CAP_IMMEDIATE_EXIT: a pending access can be completed. */
	bool can_complete;
	/* The last exit was I/O or MMIO and KVM_RUN was not entered since. */
	bool io_pending;
	enum vcpu_regs_state regs_state;
	/* Why the last pending access was not completed (-errno), or 0. */
	int complete_err;
};

/* How a run ended. */
enum vcpu_result_kind {
	VCPU_HALTED,		/* hlt */
	VCPU_GUEST_EXIT,	/* the guest wrote the exit port */
	VCPU_SIGNAL,		/* stopped from outside (code: the signal) */
	VCPU_TIMEOUT,		/* the VM's timeout passed */
	VCPU_GUEST_FAULT,	/* shutdown, entry failure, emulation error */
	VCPU_DEVICE_ERROR,	/* a device refused the guest's access */
	VCPU_GUEST_REPORT,	/* the guest reported a failure (code: its kind) */
};

struct vcpu_result {
	enum vcpu_result_kind kind;
	uint32_t exit_reason;	/* last KVM exit reason */
	uint32_t code;		/* guest exit code, or signal number */
	bool settled;		/* an access was pending and got completed */
};

/* When one exit happened, CLOCK_MONOTONIC nanoseconds. */
struct vcpu_exit_time {
	uint64_t enter_ns;	/* KVM_RUN was entered */
	uint64_t exit_ns;	/* KVM_RUN returned */
	uint64_t done_ns;	/* simvmm finished handling the exit */
};

/*
 * Called around each exit's handling, including the KVM_EXIT_INTR of a
 * KVM_RUN that a signal cut short: @pre before dispatch, @post after.
 * Both see the kvm_run page as KVM left it (and, for @post, as the
 * handler filled it, e.g. the data of an IN). With @timed the loop reads
 * the clock three times per exit and @post gets the times; without, @t is
 * all zeros. A clock read costs about 55 ns on a nested KVM, 3% of an
 * exit there, so only profiling asks for it.
 */
struct vcpu_hooks {
	void (*pre)(void *priv, const struct kvm_run *run);
	void (*post)(void *priv, const struct kvm_run *run,
		     const struct vcpu_exit_time *t);
	bool timed;
};

/*
 * A debugger drives the vCPU from its own thread, between KVM_RUNs. Each
 * call returns 0 to go on running, or a negative errno for a host-side
 * failure that ends the run; to end the run otherwise it asks the VM to
 * stop (vm_request_stop()).
 */
struct vcpu_debugger {
	/* Before the first KVM_RUN. */
	int (*start)(void *priv, struct vcpu *vcpu);
	/* A KVM_EXIT_DEBUG. */
	int (*debug_exit)(void *priv, struct vcpu *vcpu);
	/* A kick that was not a stop request (the debugger's own signal). */
	int (*kicked)(void *priv, struct vcpu *vcpu);
	/* The run ended so (the registers are settled). */
	void (*end)(void *priv, struct vcpu *vcpu,
		    const struct vcpu_result *res);
};

/* CLOCK_MONOTONIC in nanoseconds: the clock of struct vcpu_exit_time. */
uint64_t vcpu_now_ns(void);

/* Create vCPU @id of @vm and map its kvm_run. 0 or -errno (reported). */
int vcpu_create(struct vm *vm, unsigned int id, struct vcpu **out);
void vcpu_destroy(struct vcpu *vcpu);

/*
 * Run on the calling thread until the guest halts, faults, or the VM is
 * asked to stop (vm_request_stop(): the exit port, a device's error, the
 * VM's timeout, the caller); fill @res. Returns 0, or a negative errno
 * for a host-side failure (reported).
 *
 * The thread becomes the VM's vCPU thread for the run: VM_KICK_SIGNAL is
 * blocked in it and is the only signal KVM_RUN lets in, so a stop request
 * from any thread ends KVM_RUN at once, and no other signal ever does.
 * vm->timeout_ns, if set, arms a timer of this VM's own (a POSIX timer
 * that kicks this thread), so VMs in one process never share one.
 *
 * KVM completes an I/O or MMIO access (an IN's register, RIP past an OUT)
 * only when KVM_RUN is entered again. So when a run ends at such an exit
 * (a device's stop request or error), vcpu_run() first re-enters KVM_RUN
 * with kvm_run->immediate_exit set, which completes the access without
 * running the guest: registers read afterwards are architectural on every
 * KVM, and a later vcpu_run() resumes at the next instruction. Reads the
 * stopped VM does not answer return all-ones, writes are dropped; no
 * device sees an access after the stop. Where that fails, or the KVM
 * lacks KVM_CAP_IMMEDIATE_EXIT, @vcpu->regs_state and @vcpu->complete_err
 * say so, and the reports do too.
 */
int vcpu_run(struct vcpu *vcpu, struct vcpu_result *res);

/*
 * Print the general and segment registers on stderr, after one line saying
 * what they are when @vcpu->regs_state is not VCPU_REGS_ARCH.
 */
void vcpu_dump_regs(const struct vcpu *vcpu);

#endif /* SIMVMM_VCPU_H */

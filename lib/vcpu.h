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

struct vcpu {
	struct vm *vm;
	int fd;
	unsigned int id;
	struct kvm_run *run;
	/* Signals that stop the run; unblocked only inside KVM_RUN. */
	sigset_t stop_signals;
	/* Optional observer of every exit (stats, trace); may be NULL. */
	const struct vcpu_hooks *hooks;
	void *hooks_priv;
};

/* How a run ended. */
enum vcpu_result_kind {
	VCPU_HALTED,		/* hlt */
	VCPU_GUEST_EXIT,	/* the guest wrote the exit port */
	VCPU_SIGNAL,		/* one of the stop signals arrived */
	VCPU_GUEST_FAULT,	/* shutdown, entry failure, emulation error */
	VCPU_DEVICE_ERROR,	/* a device refused the guest's access */
};

struct vcpu_result {
	enum vcpu_result_kind kind;
	uint32_t exit_reason;	/* last KVM exit reason */
	uint32_t code;		/* guest exit code, or signal number */
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

/* CLOCK_MONOTONIC in nanoseconds: the clock of struct vcpu_exit_time. */
uint64_t vcpu_now_ns(void);

/* Create vCPU @id of @vm and map its kvm_run. 0 or -errno (reported). */
int vcpu_create(struct vm *vm, unsigned int id, struct vcpu **out);
void vcpu_destroy(struct vcpu *vcpu);

/*
 * Make @sigs stop the run. The caller must keep @sigs blocked in every
 * thread; KVM unblocks them only while the guest runs, so a signal that
 * arrives at any moment ends KVM_RUN with EINTR and is never lost.
 */
int vcpu_set_stop_signals(struct vcpu *vcpu, const sigset_t *sigs);

/*
 * Run until the guest halts, faults, asks to exit or a stop signal
 * arrives; fill @res. Returns 0, or a negative errno for a host-side
 * failure (reported).
 */
int vcpu_run(struct vcpu *vcpu, struct vcpu_result *res);

/* Print the general and segment registers on stderr. */
void vcpu_dump_regs(const struct vcpu *vcpu);

#endif /* SIMVMM_VCPU_H */

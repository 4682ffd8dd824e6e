/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM-exit profiling and tracing. A struct stats hangs on a vCPU's hooks
 * and counts every exit: by reason, by port and direction for I/O, by
 * device and offset for MMIO, with the time spent in KVM_RUN and in
 * simvmm's handlers. It can print a line per exit (--trace) and, at the
 * end, a table or one JSON object beside KVM's own counters.
 */
#ifndef SIMVMM_STATS_H
#define SIMVMM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/kvm.h>

#include "bus.h"
#include "kvm_stats.h"
#include "vcpu.h"

/* KVM exit reasons are small integers; the last slot takes the rest. */
#define STATS_NR_REASONS	64
#define STATS_OTHER		(STATS_NR_REASONS - 1)

/* Coarse latency buckets: below 1, 2, 5 ... us, 10 ms, and the rest. */
#define STATS_NR_BUCKETS	12
extern const uint64_t stats_bucket_bound_ns[STATS_NR_BUCKETS - 1];

/* Distinct ports/addresses kept apart; exits at more are only counted. */
#define STATS_MAX_SITES		64

struct stats_timer {
	uint64_t count;
	uint64_t total_ns;
	uint64_t min_ns;
	uint64_t max_ns;
	uint64_t hist[STATS_NR_BUCKETS];
};

struct stats_reason {
	uint64_t exits;
	struct stats_timer run;		/* in KVM_RUN, ended by this reason */
	struct stats_timer handle;	/* in simvmm, handling it */
};

/* One I/O port or MMIO address, in one direction. */
struct stats_site {
	enum bus_space space;
	bool is_write;
	uint64_t addr;
	const char *device;	/* the bus range's name; NULL: unassigned */
	uint64_t offset;	/* from the device's base */
	uint64_t exits;
	uint64_t accesses;	/* > exits for string I/O (rep ins/outs) */
	uint64_t bytes;
};

struct stats {
	const struct bus *bus;		/* names the devices; may be NULL */
	uint64_t start_ns;
	uint64_t end_ns;
	uint64_t total;
	struct stats_reason reasons[STATS_NR_REASONS];
	struct stats_site sites[STATS_MAX_SITES];
	unsigned int nr_sites;
	unsigned int last_site;		/* where the previous exit went */
	uint64_t sites_dropped;		/* exits at sites beyond the table */

	bool timed;			/* the timers are filled */
	FILE *trace;			/* a line per exit; NULL: off */
	int vcpu_fd;			/* for KVM_GET_REGS without sync regs */
	bool sync_regs;			/* kvm_run->s.regs.regs is filled */
	size_t run_size;		/* bytes of the kvm_run mapping */

	struct kvm_stats kvm_vm;
	struct kvm_stats kvm_vcpu;
	int kvm_err;			/* 0 when both are open */
};

/* Zero @st for a VM whose devices are on @bus (NULL: no device names). */
void stats_init(struct stats *st, const struct bus *bus);

/*
 * Count every exit of @vcpu from now on. With @timed, also time each one
 * (the report needs it; it costs three clock reads per exit). With
 * @trace, print a line per exit there (implies @timed). Starts the clock
 * that trace times count from. For RIP the trace uses KVM_CAP_SYNC_REGS
 * where KVM has it, else KVM_GET_REGS.
 */
void stats_attach(struct stats *st, struct vcpu *vcpu, bool timed,
		  FILE *trace);

/*
 * Open KVM's binary statistics of the VM and the vCPU. Failure is not an
 * error: st->kvm_err says why, and the report says the counters are
 * missing.
 */
void stats_open_kernel(struct stats *st, int vm_fd, int vcpu_fd);

/* Stop the clock and read the kernel counters. */
void stats_finish(struct stats *st);

/* Close what stats_open_kernel() opened. */
void stats_destroy(struct stats *st);

/* The aggregation behind the hooks, callable without KVM. */
void stats_count(struct stats *st, uint32_t reason);
void stats_record(struct stats *st, uint32_t reason, uint64_t run_ns,
		  uint64_t handle_ns);
void stats_record_site(struct stats *st, enum bus_space space, uint64_t addr,
		       bool is_write, uint32_t accesses, uint64_t bytes);
/* Which latency bucket @ns falls in. */
unsigned int stats_bucket(uint64_t ns);
/* Fold @b into @a. */
void stats_timer_merge(struct stats_timer *a, const struct stats_timer *b);
/* JSON key of reason slot @slot: kvm_exit_key(), or "other". */
const char *stats_reason_key(unsigned int slot);

/*
 * Format the trace line of exit number @seq, @t_ns after the start, at
 * @rip, into @buf (newline included, truncated to @len). @run_size bounds
 * the I/O data offset. Returns the length snprintf would have written.
 */
int stats_format_trace(char *buf, size_t len, uint64_t seq, uint64_t t_ns,
		       const struct kvm_run *run, size_t run_size,
		       uint64_t rip, const struct bus *bus);

/* The report: a table, or one JSON object and a newline. */
void stats_print_text(const struct stats *st, FILE *f, const char *guest,
		      const char *outcome);
void stats_print_json(const struct stats *st, FILE *f, const char *guest,
		      const char *outcome);

#endif /* SIMVMM_STATS_H */

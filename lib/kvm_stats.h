/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM's binary statistics (KVM_GET_STATS_FD on a VM or vCPU fd): the
 * counters the kernel keeps, including exits it handled without returning
 * to the VMM. The layout is read from the descriptors the fd provides.
 */
#ifndef SIMVMM_KVM_STATS_H
#define SIMVMM_KVM_STATS_H

#include <stddef.h>
#include <stdint.h>

/* One counter as the kernel describes it. */
struct kvm_stat {
	const char *name;	/* points into the descriptor block */
	uint32_t flags;		/* KVM_STATS_TYPE_* | _UNIT_* | _BASE_* */
	int16_t exponent;	/* value * base^exponent is in unit */
	uint16_t size;		/* number of u64 values (> 1: histogram) */
	uint32_t offset;	/* byte offset in the data block */
	uint32_t bucket_size;	/* linear histograms only */
};

struct kvm_stats {
	int fd;			/* the stats fd, owned; -1 when closed */
	char *id;		/* e.g. "kvm-1234" or "kvm-1234/vcpu-0" */
	unsigned int nr;	/* counters */
	struct kvm_stat *stats;
	uint32_t data_offset;	/* of the data block in the fd */
	size_t data_size;	/* bytes, covering every counter */
	uint64_t *data;		/* the values, after kvm_stats_read() */
	void *descs;		/* the raw descriptor block (names) */
};

/*
 * KVM_GET_STATS_FD on @kvm_fd (a VM or vCPU fd), then kvm_stats_init().
 * Returns 0, -ENOTSUP where the kernel has no binary stats, or another
 * negative errno. Prints nothing: the caller decides how to say so.
 */
int kvm_stats_open(int kvm_fd, struct kvm_stats *st);

/*
 * Parse the header and descriptors readable from @stats_fd, whose
 * ownership passes to @st even on failure. Every offset and size is
 * checked against what can be read. Returns 0, -EPROTO for a layout that
 * does not add up, or another negative errno.
 */
int kvm_stats_init(int stats_fd, struct kvm_stats *st);

/* Read the current values into st->data. Returns 0 or a negative errno. */
int kvm_stats_read(struct kvm_stats *st);

/* Index of the counter called @name, or -ENOENT. */
int kvm_stats_find(const struct kvm_stats *st, const char *name);

/* First value of counter @i (its sum, for a histogram); 0 before a read. */
uint64_t kvm_stats_value(const struct kvm_stats *st, unsigned int i);

/* "cumulative", "instant", "peak", "linear_hist", "log_hist" or "?". */
const char *kvm_stats_type_name(uint32_t flags);
/* "none", "bytes", "seconds", "cycles", "boolean" or "?". */
const char *kvm_stats_unit_name(uint32_t flags);

/* Release everything; @st is as kvm_stats_open/_init left it, even failed. */
void kvm_stats_close(struct kvm_stats *st);

#endif /* SIMVMM_KVM_STATS_H */

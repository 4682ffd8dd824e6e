// SPDX-License-Identifier: GPL-2.0
/*
 * VM-exit counting and tracing through the vCPU hooks. The per-exit path
 * is a few additions, a bucket search over 11 bounds and, for I/O and
 * MMIO, a site lookup that usually hits the previous exit's entry: cheap
 * enough to stay on for every run.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kvm.h"
#include "stats.h"
#include "util.h"

const uint64_t stats_bucket_bound_ns[STATS_NR_BUCKETS - 1] = {
	1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000,
	1000000, 10000000,
};

void stats_init(struct stats *st, const struct bus *bus)
{
	memset(st, 0, sizeof(*st));
	st->bus = bus;
	st->vcpu_fd = -1;
	st->kvm_vm.fd = -1;
	st->kvm_vcpu.fd = -1;
	st->kvm_err = -ENODATA;
}

unsigned int stats_bucket(uint64_t ns)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(stats_bucket_bound_ns); i++)
		if (ns < stats_bucket_bound_ns[i])
			return i;
	return STATS_NR_BUCKETS - 1;
}

static void timer_add(struct stats_timer *tm, uint64_t ns)
{
	if (!tm->count || ns < tm->min_ns)
		tm->min_ns = ns;
	if (ns > tm->max_ns)
		tm->max_ns = ns;
	tm->count++;
	tm->total_ns += ns;
	tm->hist[stats_bucket(ns)]++;
}

void stats_timer_merge(struct stats_timer *a, const struct stats_timer *b)
{
	unsigned int i;

	if (!b->count)
		return;
	if (!a->count || b->min_ns < a->min_ns)
		a->min_ns = b->min_ns;
	if (b->max_ns > a->max_ns)
		a->max_ns = b->max_ns;
	a->count += b->count;
	a->total_ns += b->total_ns;
	for (i = 0; i < STATS_NR_BUCKETS; i++)
		a->hist[i] += b->hist[i];
}

const char *stats_reason_key(unsigned int slot)
{
	return slot >= STATS_OTHER ? "other" : kvm_exit_key(slot);
}

static struct stats_reason *reason_slot(struct stats *st, uint32_t reason)
{
	return &st->reasons[reason < STATS_OTHER ? reason : STATS_OTHER];
}

void stats_count(struct stats *st, uint32_t reason)
{
	st->total++;
	reason_slot(st, reason)->exits++;
}

void stats_record(struct stats *st, uint32_t reason, uint64_t run_ns,
		  uint64_t handle_ns)
{
	struct stats_reason *r = reason_slot(st, reason);

	st->total++;
	r->exits++;
	timer_add(&r->run, run_ns);
	timer_add(&r->handle, handle_ns);
}

static bool site_is(const struct stats_site *s, enum bus_space space,
		    uint64_t addr, bool is_write)
{
	return s->addr == addr && s->space == space && s->is_write == is_write;
}

void stats_record_site(struct stats *st, enum bus_space space, uint64_t addr,
		       bool is_write, uint32_t accesses, uint64_t bytes)
{
	const struct bus_range *range;
	struct stats_site *s;
	unsigned int i;

	s = &st->sites[st->last_site];
	if (st->nr_sites && site_is(s, space, addr, is_write))
		goto count;
	for (i = 0; i < st->nr_sites; i++) {
		if (site_is(&st->sites[i], space, addr, is_write)) {
			st->last_site = i;
			s = &st->sites[i];
			goto count;
		}
	}
	if (st->nr_sites == STATS_MAX_SITES) {
		st->sites_dropped++;
		return;
	}
	/* First exit here: look up the device once. */
	st->last_site = st->nr_sites++;
	s = &st->sites[st->last_site];
	s->space = space;
	s->is_write = is_write;
	s->addr = addr;
	range = st->bus ? bus_find(st->bus, space, addr) : NULL;
	s->device = range ? range->name : NULL;
	s->offset = range ? addr - range->base : 0;
count:
	s->exits++;
	s->accesses += accesses;
	s->bytes += bytes;
}

/* Little-endian value of @len (1..8) bytes at @p. */
static uint64_t load_le(const uint8_t *p, uint32_t len)
{
	uint64_t v = 0;

	while (len--)
		v = v << 8 | p[len];
	return v;
}

static int device_name(char *buf, size_t len, const struct bus *bus,
		       enum bus_space space, uint64_t addr)
{
	const struct bus_range *r = bus ? bus_find(bus, space, addr) : NULL;

	if (!r)
		return snprintf(buf, len, "unassigned");
	if (addr == r->base)
		return snprintf(buf, len, "%s", r->name);
	return snprintf(buf, len, "%s+0x%" PRIx64, r->name, addr - r->base);
}

int stats_format_trace(char *buf, size_t len, uint64_t seq, uint64_t t_ns,
		       const struct kvm_run *run, size_t run_size,
		       uint64_t rip, const struct bus *bus)
{
	const uint8_t *page = (const uint8_t *)run;
	char dev[64], data[24];
	uint32_t size;
	uint64_t off;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		size = run->io.size;
		off = run->io.data_offset;
		if (size && size <= 8 && off < run_size && size <= run_size - off)
			snprintf(data, sizeof(data), "0x%0*" PRIx64,
				 (int)size * 2, load_le(page + off, size));
		else
			snprintf(data, sizeof(data), "?");
		device_name(dev, sizeof(dev), bus, BUS_PIO, run->io.port);
		return snprintf(buf, len,
				"trace: seq=%" PRIu64 " t=%" PRIu64 ".%09" PRIu64
				" reason=io dir=%s port=0x%04x size=%u count=%u data=%s dev=%s rip=0x%" PRIx64 "\n",
				seq, t_ns / 1000000000, t_ns % 1000000000,
				run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
				run->io.port, size, run->io.count, data, dev,
				rip);
	case KVM_EXIT_MMIO:
		size = run->mmio.len;
		if (size && size <= 8)
			snprintf(data, sizeof(data), "0x%0*" PRIx64,
				 (int)size * 2, load_le(run->mmio.data, size));
		else
			snprintf(data, sizeof(data), "?");
		device_name(dev, sizeof(dev), bus, BUS_MMIO,
			    run->mmio.phys_addr);
		return snprintf(buf, len,
				"trace: seq=%" PRIu64 " t=%" PRIu64 ".%09" PRIu64
				" reason=mmio dir=%s addr=0x%" PRIx64 " size=%u data=%s dev=%s rip=0x%" PRIx64 "\n",
				seq, t_ns / 1000000000, t_ns % 1000000000,
				run->mmio.is_write ? "write" : "read",
				(uint64_t)run->mmio.phys_addr, size, data, dev,
				rip);
	default:
		return snprintf(buf, len,
				"trace: seq=%" PRIu64 " t=%" PRIu64 ".%09" PRIu64
				" reason=%s rip=0x%" PRIx64 "\n",
				seq, t_ns / 1000000000, t_ns % 1000000000,
				kvm_exit_key(run->exit_reason), rip);
	}
}

static uint64_t trace_rip(const struct stats *st, const struct kvm_run *run)
{
	struct kvm_regs regs;

	if (st->sync_regs)
		return run->s.regs.regs.rip;
	if (ioctl(st->vcpu_fd, KVM_GET_REGS, &regs) < 0)
		return ~0ull;
	return regs.rip;
}

static void stats_post(void *priv, const struct kvm_run *run,
		       const struct vcpu_exit_time *t)
{
	struct stats *st = priv;
	char line[256];

	if (st->timed)
		stats_record(st, run->exit_reason, t->exit_ns - t->enter_ns,
			     t->done_ns - t->exit_ns);
	else
		stats_count(st, run->exit_reason);
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		stats_record_site(st, BUS_PIO, run->io.port,
				  run->io.direction == KVM_EXIT_IO_OUT,
				  run->io.count,
				  (uint64_t)run->io.size * run->io.count);
		break;
	case KVM_EXIT_MMIO:
		stats_record_site(st, BUS_MMIO, run->mmio.phys_addr,
				  run->mmio.is_write, 1, run->mmio.len);
		break;
	default:
		break;
	}
	if (!st->trace)
		return;
	/* One buffer, one write: lines stay whole beside guest output. */
	stats_format_trace(line, sizeof(line), st->total,
			   t->exit_ns - st->start_ns, run, st->run_size,
			   trace_rip(st, run), st->bus);
	fputs(line, st->trace);
	fflush(st->trace);
}

static const struct vcpu_hooks stats_hooks = {
	.post = stats_post,
};

static const struct vcpu_hooks stats_hooks_timed = {
	.post = stats_post,
	.timed = true,
};

void stats_attach(struct stats *st, struct vcpu *vcpu, bool timed,
		  FILE *trace)
{
	int sync;

	st->timed = timed || trace;
	st->trace = trace;
	st->vcpu_fd = vcpu->fd;
	st->run_size = vcpu->vm->vcpu_mmap_size;
	/*
	 * Only a trace needs RIP: have KVM copy the registers into kvm_run
	 * on each exit rather than pay a KVM_GET_REGS ioctl per exit.
	 */
	sync = trace ? kvm_check_cap(vcpu->vm->fd, KVM_CAP_SYNC_REGS) : 0;
	if (sync > 0 && (sync & KVM_SYNC_X86_REGS)) {
		vcpu->run->kvm_valid_regs = KVM_SYNC_X86_REGS;
		st->sync_regs = true;
	}
	vcpu->hooks = st->timed ? &stats_hooks_timed : &stats_hooks;
	vcpu->hooks_priv = st;
	st->start_ns = vcpu_now_ns();
}

void stats_open_kernel(struct stats *st, int vm_fd, int vcpu_fd)
{
	int err;

	err = kvm_stats_open(vm_fd, &st->kvm_vm);
	if (!err)
		err = kvm_stats_open(vcpu_fd, &st->kvm_vcpu);
	if (err) {
		kvm_stats_close(&st->kvm_vm);
		kvm_stats_close(&st->kvm_vcpu);
	}
	st->kvm_err = err;
}

void stats_finish(struct stats *st)
{
	int err;

	st->end_ns = vcpu_now_ns();
	if (st->kvm_err)
		return;
	err = kvm_stats_read(&st->kvm_vm);
	if (!err)
		err = kvm_stats_read(&st->kvm_vcpu);
	st->kvm_err = err;
}

void stats_destroy(struct stats *st)
{
	kvm_stats_close(&st->kvm_vm);
	kvm_stats_close(&st->kvm_vcpu);
}

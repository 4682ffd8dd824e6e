// SPDX-License-Identifier: GPL-2.0
/*
 * The --stats reports: a table for people, one JSON object for programs
 * (schema in docs/stats.md). Both show simvmm's counts beside KVM's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "kvm.h"
#include "stats.h"
#include "util.h"

/* The kernel's vCPU counter for exits of each reason we see. */
static const struct {
	const char *key;
	const char *kernel;
} kernel_names[] = {
	{ "total", "exits" },
	{ "io", "io_exits" },
	{ "mmio", "mmio_exits" },
	{ "hlt", "halt_exits" },
	{ "intr", "signal_exits" },
	{ "irq_window_open", "irq_window_exits" },
};

static const char *kernel_name(const char *key)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kernel_names); i++)
		if (!strcmp(kernel_names[i].key, key))
			return kernel_names[i].kernel;
	return NULL;
}

/* Reasons merged by key: every slot kvm_exit_key() cannot name is "other". */
struct reason_row {
	const char *key;
	uint64_t exits;
	struct stats_timer run, handle;
};

/* Always listed, so programs can rely on them: the assignment's three. */
static const unsigned int always_listed[] = { KVM_EXIT_IO, KVM_EXIT_MMIO,
					      KVM_EXIT_HLT };

static bool listed_always(unsigned int slot)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(always_listed); i++)
		if (always_listed[i] == slot)
			return true;
	return false;
}

/* Fill @rows (STATS_NR_REASONS of them) in reason order; returns how many. */
static unsigned int reason_rows(const struct stats *st,
				struct reason_row *rows)
{
	struct reason_row other = { .key = "other" };
	const struct stats_reason *r;
	unsigned int slot, n = 0;
	const char *key;

	for (slot = 0; slot < STATS_NR_REASONS; slot++) {
		r = &st->reasons[slot];
		if (!r->exits && !listed_always(slot))
			continue;
		key = stats_reason_key(slot);
		if (!strcmp(key, "other")) {
			other.exits += r->exits;
			stats_timer_merge(&other.run, &r->run);
			stats_timer_merge(&other.handle, &r->handle);
			continue;
		}
		rows[n] = (struct reason_row){ .key = key, .exits = r->exits,
					       .run = r->run,
					       .handle = r->handle };
		n++;
	}
	if (other.exits)
		rows[n++] = other;
	return n;
}

static int site_cmp(const void *a, const void *b)
{
	const struct stats_site *x = a, *y = b;

	if (x->space != y->space)
		return x->space < y->space ? -1 : 1;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (int)x->is_write - (int)y->is_write;
}

/* The sites sorted by space, address, direction: stable output. */
static unsigned int sorted_sites(const struct stats *st,
				 struct stats_site *out)
{
	memcpy(out, st->sites, st->nr_sites * sizeof(*out));
	qsort(out, st->nr_sites, sizeof(*out), site_cmp);
	return st->nr_sites;
}

static bool kernel_value(const struct kvm_stats *ks, const char *name,
			 uint64_t *v)
{
	int i;

	if (!name || !ks->data)
		return false;
	i = kvm_stats_find(ks, name);
	if (i < 0)
		return false;
	*v = kvm_stats_value(ks, i);
	return true;
}

static const char *dir_name(enum bus_space space, bool is_write)
{
	if (space == BUS_PIO)
		return is_write ? "out" : "in";
	return is_write ? "write" : "read";
}

/* ---- text --------------------------------------------------------------- */

static void print_us(FILE *f, uint64_t ns)
{
	fprintf(f, " %9" PRIu64 ".%03" PRIu64, ns / 1000, ns % 1000);
}

static void print_timer_row(FILE *f, const char *key, const char *where,
			    const struct stats_timer *tm)
{
	fprintf(f, "    %-16s %-9s %8" PRIu64, key, where, tm->count);
	print_us(f, tm->total_ns);
	print_us(f, tm->min_ns);
	print_us(f, tm->count ? tm->total_ns / tm->count : 0);
	print_us(f, tm->max_ns);
	fputc('\n', f);
}

static void print_bound(FILE *f, uint64_t ns, const char *op)
{
	char b[32];

	if (ns >= 1000000)
		snprintf(b, sizeof(b), "%s%" PRIu64 "ms", op, ns / 1000000);
	else
		snprintf(b, sizeof(b), "%s%" PRIu64 "us", op, ns / 1000);
	fprintf(f, " %7s", b);
}

static void print_hist_row(FILE *f, const char *key, const char *where,
			   const struct stats_timer *tm)
{
	unsigned int i;

	fprintf(f, "    %-16s %-9s", key, where);
	for (i = 0; i < STATS_NR_BUCKETS; i++)
		fprintf(f, " %7" PRIu64, tm->hist[i]);
	fputc('\n', f);
}

static void print_kernel_text(FILE *f, const char *what,
			      const struct kvm_stats *ks)
{
	unsigned int i, n = 0;
	uint64_t v;

	fprintf(f, "  kernel counters, %s %s (non-zero):", what, ks->id);
	for (i = 0; i < ks->nr; i++) {
		v = kvm_stats_value(ks, i);
		if (!v)
			continue;
		fprintf(f, "%s%s=%" PRIu64, n++ % 4 ? " " : "\n    ",
			ks->stats[i].name, v);
	}
	fprintf(f, "%s\n", n ? "" : " none");
}

void stats_print_text(const struct stats *st, FILE *f, const char *guest,
		      const char *outcome)
{
	struct stats_site sites[STATS_MAX_SITES];
	struct reason_row rows[STATS_NR_REASONS];
	const struct stats_site *s;
	unsigned int i, n, ns;
	uint64_t kv, elapsed;
	const char *kname;
	bool kernel = !st->kvm_err;

	elapsed = st->end_ns > st->start_ns ? st->end_ns - st->start_ns : 0;
	n = reason_rows(st, rows);
	fflush(stdout);
	fprintf(f, "simvmm: stats: %s %s after %" PRIu64 " exits in %" PRIu64 ".%06" PRIu64 " s\n",
		guest, outcome, st->total, elapsed / 1000000000,
		elapsed % 1000000000 / 1000);

	fprintf(f, "  %-20s %8s %10s\n", "exits by reason", "simvmm", "kernel");
	for (i = 0; i <= n; i++) {
		const char *key = i < n ? rows[i].key : "total";
		uint64_t v = i < n ? rows[i].exits : st->total;

		kname = kernel_name(key);
		fprintf(f, "    %-18s %8" PRIu64, key, v);
		if (kernel && kernel_value(&st->kvm_vcpu, kname, &kv))
			fprintf(f, " %10" PRIu64 "  (%s)", kv, kname);
		fputc('\n', f);
	}
	if (!kernel)
		fprintf(f, "    kernel counters unavailable: %s\n",
			st->kvm_err == -ENOTSUP ?
			"this KVM has no KVM_CAP_BINARY_STATS_FD" :
			st->kvm_err == -ENODATA ? "not collected" :
			strerror(-st->kvm_err));
	else if (kernel_value(&st->kvm_vcpu, "exits", &kv) && kv >= st->total)
		fprintf(f, "    handled inside KVM without returning to simvmm: %" PRIu64 "\n",
			kv - st->total);

	fprintf(f, "  %-28s %8s %13s %13s %13s %13s\n", "time per exit (us)",
		"count", "total", "min", "mean", "max");
	for (i = 0; i < n; i++) {
		if (!rows[i].exits)
			continue;
		print_timer_row(f, rows[i].key, "KVM_RUN", &rows[i].run);
		print_timer_row(f, rows[i].key, "simvmm", &rows[i].handle);
	}

	fprintf(f, "  %-28s", "latency histogram");
	for (i = 0; i < STATS_NR_BUCKETS - 1; i++)
		print_bound(f, stats_bucket_bound_ns[i], "<");
	print_bound(f, stats_bucket_bound_ns[STATS_NR_BUCKETS - 2], ">=");
	fputc('\n', f);
	for (i = 0; i < n; i++) {
		if (!rows[i].exits)
			continue;
		print_hist_row(f, rows[i].key, "KVM_RUN", &rows[i].run);
		print_hist_row(f, rows[i].key, "simvmm", &rows[i].handle);
	}

	ns = sorted_sites(st, sites);
	fprintf(f, "  %-23s %12s %10s %10s  %s\n", "exits by port/address",
		"exits", "accesses", "bytes", "device");
	for (i = 0; i < ns; i++) {
		s = &sites[i];
		fprintf(f, "    %-4s 0x%08" PRIx64 " %-5s %12" PRIu64 " %10" PRIu64 " %10" PRIu64 "  %s",
			bus_space_name(s->space), s->addr,
			dir_name(s->space, s->is_write), s->exits,
			s->accesses, s->bytes,
			s->device ? s->device : "(unassigned)");
		if (s->device && s->offset)
			fprintf(f, "+0x%" PRIx64, s->offset);
		fputc('\n', f);
	}
	if (!ns)
		fprintf(f, "    none\n");
	if (st->sites_dropped)
		fprintf(f, "    (%" PRIu64 " exits at further addresses, not broken down)\n",
			st->sites_dropped);

	if (st->bus)
		fprintf(f, "  unassigned accesses: pio %" PRIu64 " reads %" PRIu64 " writes, mmio %" PRIu64 " reads %" PRIu64 " writes\n",
			st->bus->unassigned_reads[BUS_PIO],
			st->bus->unassigned_writes[BUS_PIO],
			st->bus->unassigned_reads[BUS_MMIO],
			st->bus->unassigned_writes[BUS_MMIO]);
	if (kernel) {
		print_kernel_text(f, "vCPU", &st->kvm_vcpu);
		print_kernel_text(f, "VM", &st->kvm_vm);
	}
	fflush(f);
}

/* ---- JSON --------------------------------------------------------------- */

static void json_timer(struct json *j, const char *key,
		       const struct stats_timer *tm)
{
	unsigned int i;

	json_begin_object(j, key);
	json_u64(j, "count", tm->count);
	json_u64(j, "total_ns", tm->total_ns);
	json_u64(j, "min_ns", tm->min_ns);
	json_u64(j, "mean_ns", tm->count ? tm->total_ns / tm->count : 0);
	json_u64(j, "max_ns", tm->max_ns);
	json_begin_array(j, "histogram");
	for (i = 0; i < STATS_NR_BUCKETS; i++)
		json_u64(j, NULL, tm->hist[i]);
	json_end_array(j);
	json_end_object(j);
}

static void json_sites(struct json *j, const char *key,
		       const struct stats_site *sites, unsigned int n,
		       enum bus_space space)
{
	const struct stats_site *s;
	unsigned int i;

	json_begin_array(j, key);
	for (i = 0; i < n; i++) {
		s = &sites[i];
		if (s->space != space)
			continue;
		json_begin_object(j, NULL);
		json_u64(j, space == BUS_PIO ? "port" : "addr", s->addr);
		json_str(j, "dir", dir_name(space, s->is_write));
		json_str(j, "device", s->device);
		json_u64(j, "offset", s->offset);
		json_u64(j, "exits", s->exits);
		if (space == BUS_PIO)
			json_u64(j, "accesses", s->accesses);
		json_u64(j, "bytes", s->bytes);
		json_end_object(j);
	}
	json_end_array(j);
}

static void json_kernel_set(struct json *j, const char *key,
			    const struct kvm_stats *ks)
{
	const struct kvm_stat *k;
	unsigned int i, b;

	json_begin_object(j, key);
	json_str(j, "id", ks->id);
	json_begin_object(j, "counters");
	for (i = 0; i < ks->nr; i++) {
		k = &ks->stats[i];
		if (k->size == 1) {
			json_u64(j, k->name, ks->data[k->offset / 8]);
			continue;
		}
		json_begin_array(j, k->name);
		for (b = 0; b < k->size; b++)
			json_u64(j, NULL, ks->data[k->offset / 8 + b]);
		json_end_array(j);
	}
	json_end_object(j);
	json_end_object(j);
}

static void json_unassigned(struct json *j, const struct bus *bus,
			    enum bus_space space)
{
	json_begin_object(j, bus_space_name(space));
	json_u64(j, "reads", bus ? bus->unassigned_reads[space] : 0);
	json_u64(j, "writes", bus ? bus->unassigned_writes[space] : 0);
	json_end_object(j);
}

void stats_print_json(const struct stats *st, FILE *f, const char *guest,
		      const char *outcome)
{
	struct stats_site sites[STATS_MAX_SITES];
	struct reason_row rows[STATS_NR_REASONS];
	unsigned int i, n, ns;
	struct json j;

	n = reason_rows(st, rows);
	ns = sorted_sites(st, sites);
	fflush(stdout);
	json_init(&j, f);
	json_begin_object(&j, NULL);
	json_u64(&j, "version", 1);
	json_str(&j, "guest", guest);
	json_str(&j, "outcome", outcome);
	json_u64(&j, "elapsed_ns",
		 st->end_ns > st->start_ns ? st->end_ns - st->start_ns : 0);

	json_begin_object(&j, "exits");
	json_u64(&j, "total", st->total);
	for (i = 0; i < n; i++)
		json_u64(&j, rows[i].key, rows[i].exits);
	json_end_object(&j);

	json_sites(&j, "io", sites, ns, BUS_PIO);
	json_sites(&j, "mmio", sites, ns, BUS_MMIO);
	json_u64(&j, "sites_dropped", st->sites_dropped);
	json_begin_object(&j, "unassigned");
	json_unassigned(&j, st->bus, BUS_PIO);
	json_unassigned(&j, st->bus, BUS_MMIO);
	json_end_object(&j);

	json_begin_array(&j, "histogram_bounds_ns");
	for (i = 0; i < STATS_NR_BUCKETS - 1; i++)
		json_u64(&j, NULL, stats_bucket_bound_ns[i]);
	json_end_array(&j);
	json_begin_object(&j, "timing");
	for (i = 0; i < n; i++) {
		if (!rows[i].exits)
			continue;
		json_begin_object(&j, rows[i].key);
		json_timer(&j, "kvm_run", &rows[i].run);
		json_timer(&j, "handler", &rows[i].handle);
		json_end_object(&j);
	}
	json_end_object(&j);

	json_begin_object(&j, "kernel");
	json_bool(&j, "available", !st->kvm_err);
	if (st->kvm_err) {
		json_str(&j, "error", st->kvm_err == -ENOTSUP ?
			 "this KVM has no KVM_CAP_BINARY_STATS_FD" :
			 st->kvm_err == -ENODATA ? "not collected" :
			 strerror(-st->kvm_err));
	} else {
		json_kernel_set(&j, "vm", &st->kvm_vm);
		json_kernel_set(&j, "vcpu", &st->kvm_vcpu);
	}
	json_end_object(&j);
	json_end_object(&j);
	fputc('\n', f);
	fflush(f);
}

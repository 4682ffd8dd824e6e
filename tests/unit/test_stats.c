// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: exit aggregation, latency buckets, the per-site breakdown,
 * the trace line format and the JSON report, all without KVM (the hooks
 * see hand-made kvm_run pages).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bus.h"
#include "stats.h"

static int null_handler(void *owner, uint64_t offset, void *data,
			uint32_t len, bool is_write)
{
	(void)owner;
	(void)offset;
	(void)data;
	(void)len;
	(void)is_write;
	return 0;
}

static void test_buckets(void **state)
{
	(void)state;
	assert_int_equal(stats_bucket(0), 0);
	assert_int_equal(stats_bucket(999), 0);
	assert_int_equal(stats_bucket(1000), 1);
	assert_int_equal(stats_bucket(1999), 1);
	assert_int_equal(stats_bucket(2000), 2);
	assert_int_equal(stats_bucket(7300), 3);
	assert_int_equal(stats_bucket(9999), 3);
	assert_int_equal(stats_bucket(10000), 4);
	assert_int_equal(stats_bucket(999999), 9);
	assert_int_equal(stats_bucket(1000000), 10);
	assert_int_equal(stats_bucket(9999999), 10);
	assert_int_equal(stats_bucket(10000000), STATS_NR_BUCKETS - 1);
	assert_int_equal(stats_bucket(UINT64_MAX), STATS_NR_BUCKETS - 1);
}

static void test_record_reasons_and_timers(void **state)
{
	const struct stats_reason *io;
	struct stats *st;

	(void)state;
	st = calloc(1, sizeof(*st));
	assert_non_null(st);
	stats_init(st, NULL);
	stats_record(st, KVM_EXIT_IO, 7000, 500);
	stats_record(st, KVM_EXIT_IO, 9000, 1500);
	stats_record(st, KVM_EXIT_IO, 8000, 100);
	stats_record(st, KVM_EXIT_HLT, 20000, 50);
	stats_record(st, 1000, 1, 1);	/* beyond any known reason */
	assert_int_equal(st->total, 5);

	io = &st->reasons[KVM_EXIT_IO];
	assert_int_equal(io->exits, 3);
	assert_int_equal(io->run.count, 3);
	assert_int_equal(io->run.total_ns, 24000);
	assert_int_equal(io->run.min_ns, 7000);
	assert_int_equal(io->run.max_ns, 9000);
	assert_int_equal(io->run.hist[3], 3);	/* all in [5, 10) us */
	assert_int_equal(io->handle.min_ns, 100);
	assert_int_equal(io->handle.max_ns, 1500);
	assert_int_equal(io->handle.hist[0], 2);
	assert_int_equal(io->handle.hist[1], 1);
	assert_int_equal(st->reasons[KVM_EXIT_HLT].exits, 1);
	assert_int_equal(st->reasons[STATS_OTHER].exits, 1);
	assert_string_equal(stats_reason_key(KVM_EXIT_IO), "io");
	assert_string_equal(stats_reason_key(KVM_EXIT_HLT), "hlt");
	assert_string_equal(stats_reason_key(STATS_OTHER), "other");

	/* Counting alone (no --stats): exits add up, timers stay empty. */
	stats_count(st, KVM_EXIT_MMIO);
	stats_count(st, KVM_EXIT_MMIO);
	assert_int_equal(st->total, 7);
	assert_int_equal(st->reasons[KVM_EXIT_MMIO].exits, 2);
	assert_int_equal(st->reasons[KVM_EXIT_MMIO].run.count, 0);
	assert_int_equal(st->reasons[KVM_EXIT_MMIO].handle.count, 0);
	free(st);
}

static void test_timer_merge(void **state)
{
	struct stats_timer a = { 0 }, b = { 0 }, empty = { 0 };

	(void)state;
	b.count = 2;
	b.total_ns = 30;
	b.min_ns = 10;
	b.max_ns = 20;
	b.hist[0] = 2;
	stats_timer_merge(&a, &b);
	assert_int_equal(a.count, 2);
	assert_int_equal(a.min_ns, 10);
	b.min_ns = 5;
	b.max_ns = 40;
	stats_timer_merge(&a, &b);
	assert_int_equal(a.count, 4);
	assert_int_equal(a.total_ns, 60);
	assert_int_equal(a.min_ns, 5);
	assert_int_equal(a.max_ns, 40);
	assert_int_equal(a.hist[0], 4);
	/* An empty timer must not drag min to 0. */
	stats_timer_merge(&a, &empty);
	assert_int_equal(a.min_ns, 5);
}

static void test_sites(void **state)
{
	struct bus bus;
	struct stats *st;
	unsigned int i;

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_register(&bus, BUS_PIO, 0xe9, 1, null_handler,
				      NULL, "debugcon"), 0);
	assert_int_equal(bus_register(&bus, BUS_MMIO, 0x100000, 0x100,
				      null_handler, NULL, "dev"), 0);
	st = calloc(1, sizeof(*st));
	assert_non_null(st);
	stats_init(st, &bus);

	for (i = 0; i < 14; i++)
		stats_record_site(st, BUS_PIO, 0xe9, true, 1, 1);
	stats_record_site(st, BUS_PIO, 0xe9, false, 1, 1);
	stats_record_site(st, BUS_PIO, 0xe9, true, 3, 3);	/* rep outsb */
	stats_record_site(st, BUS_MMIO, 0x100010, true, 1, 4);
	stats_record_site(st, BUS_MMIO, 0x300000, false, 1, 8);
	stats_record_site(st, BUS_MMIO, 0x100010, true, 1, 4);

	assert_int_equal(st->nr_sites, 4);
	assert_int_equal(st->sites[0].exits, 15);
	assert_int_equal(st->sites[0].accesses, 17);
	assert_int_equal(st->sites[0].bytes, 17);
	assert_string_equal(st->sites[0].device, "debugcon");
	assert_true(st->sites[1].is_write == false);
	assert_int_equal(st->sites[1].exits, 1);
	assert_string_equal(st->sites[2].device, "dev");
	assert_int_equal(st->sites[2].offset, 0x10);
	assert_int_equal(st->sites[2].exits, 2);
	assert_int_equal(st->sites[2].bytes, 8);
	assert_null(st->sites[3].device);

	/* Past the table, exits are only counted. */
	for (i = 0; i < STATS_MAX_SITES + 5; i++)
		stats_record_site(st, BUS_PIO, 0x1000 + i, true, 1, 1);
	assert_int_equal(st->nr_sites, STATS_MAX_SITES);
	assert_int_equal(st->sites_dropped, 4 + 5);
	free(st);
}

static void test_trace_lines(void **state)
{
	uint8_t page[4096] __attribute__((aligned(8)));
	struct kvm_run *run = (struct kvm_run *)page;
	struct bus bus;
	char line[256];
	int n;

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_register(&bus, BUS_PIO, 0xe9, 1, null_handler,
				      NULL, "debugcon"), 0);
	assert_int_equal(bus_register(&bus, BUS_MMIO, 0x100000, 0x100,
				      null_handler, NULL, "dev"), 0);

	memset(page, 0, sizeof(page));
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = KVM_EXIT_IO_OUT;
	run->io.size = 1;
	run->io.port = 0xe9;
	run->io.count = 1;
	run->io.data_offset = 1024;
	page[1024] = 'H';
	n = stats_format_trace(line, sizeof(line), 1, 83590, run,
			       sizeof(page), 0x8034, &bus);
	assert_string_equal(line,
		"trace: seq=1 t=0.000083590 reason=io dir=out port=0x00e9 size=1 count=1 data=0x48 dev=debugcon rip=0x8034\n");
	assert_int_equal(n, strlen(line));

	/* A 2-byte IN from an unassigned port, little-endian data. */
	run->io.direction = KVM_EXIT_IO_IN;
	run->io.size = 2;
	run->io.port = 0x80;
	page[1024] = 0x34;
	page[1025] = 0x12;
	stats_format_trace(line, sizeof(line), 2, 1500000001ull, run,
			   sizeof(page), 0x10, &bus);
	assert_string_equal(line,
		"trace: seq=2 t=1.500000001 reason=io dir=in port=0x0080 size=2 count=1 data=0x1234 dev=unassigned rip=0x10\n");

	/* A data offset off the page is shown, not followed. */
	run->io.data_offset = 4095;
	stats_format_trace(line, sizeof(line), 3, 0, run, sizeof(page), 0,
			   &bus);
	assert_non_null(strstr(line, " data=? "));

	memset(page, 0, sizeof(page));
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = 0x100010;
	run->mmio.len = 4;
	run->mmio.is_write = 1;
	run->mmio.data[0] = 0x78;
	run->mmio.data[1] = 0x56;
	run->mmio.data[2] = 0x34;
	run->mmio.data[3] = 0x12;
	stats_format_trace(line, sizeof(line), 4, 0, run, sizeof(page),
			   0x8000, &bus);
	assert_string_equal(line,
		"trace: seq=4 t=0.000000000 reason=mmio dir=write addr=0x100010 size=4 data=0x12345678 dev=dev+0x10 rip=0x8000\n");

	run->exit_reason = KVM_EXIT_HLT;
	stats_format_trace(line, sizeof(line), 5, 0, run, sizeof(page),
			   0x8009, NULL);
	assert_string_equal(line,
		"trace: seq=5 t=0.000000000 reason=hlt rip=0x8009\n");
}

static void test_json_report(void **state)
{
	struct stats *st;
	struct bus bus;
	size_t len = 0;
	char *buf = NULL;
	FILE *f;

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_register(&bus, BUS_PIO, 0xe9, 1, null_handler,
				      NULL, "debugcon"), 0);
	bus.unassigned_reads[BUS_MMIO] = 2;
	st = calloc(1, sizeof(*st));
	assert_non_null(st);
	stats_init(st, &bus);
	stats_record(st, KVM_EXIT_IO, 7000, 500);
	stats_record_site(st, BUS_PIO, 0xe9, true, 1, 1);
	stats_record(st, KVM_EXIT_HLT, 20000, 50);
	stats_record(st, 50, 10, 10);	/* unnamed: folded into "other" */
	stats_record(st, 1000, 10, 10);
	st->start_ns = 100;
	st->end_ns = 1100;

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	stats_print_json(st, f, "g\"1", "halted");
	fclose(f);
	assert_non_null(strstr(buf, "{\"version\":1,\"guest\":\"g\\\"1\","));
	assert_non_null(strstr(buf, "\"outcome\":\"halted\",\"elapsed_ns\":1000,"));
	assert_non_null(strstr(buf,
		"\"exits\":{\"total\":4,\"io\":1,\"hlt\":1,\"mmio\":0,\"other\":2},"));
	assert_non_null(strstr(buf,
		"\"io\":[{\"port\":233,\"dir\":\"out\",\"device\":\"debugcon\",\"offset\":0,\"exits\":1,\"accesses\":1,\"bytes\":1}],"));
	assert_non_null(strstr(buf, "\"mmio\":[],\"sites_dropped\":0,"));
	assert_non_null(strstr(buf,
		"\"unassigned\":{\"pio\":{\"reads\":0,\"writes\":0},\"mmio\":{\"reads\":2,\"writes\":0}},"));
	assert_non_null(strstr(buf,
		"\"io\":{\"kvm_run\":{\"count\":1,\"total_ns\":7000,\"min_ns\":7000,\"mean_ns\":7000,\"max_ns\":7000,\"histogram\":[0,0,0,1,0,0,0,0,0,0,0,0]}"));
	assert_non_null(strstr(buf,
		"\"other\":{\"kvm_run\":{\"count\":2,\"total_ns\":20,"));
	assert_non_null(strstr(buf,
		"\"kernel\":{\"available\":false,\"error\":\"not collected\"}}\n"));
	free(buf);
	free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_record_reasons_and_timers),
		cmocka_unit_test(test_timer_merge),
		cmocka_unit_test(test_sites),
		cmocka_unit_test(test_trace_lines),
		cmocka_unit_test(test_json_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

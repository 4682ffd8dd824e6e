// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: KVM binary-stats parsing on synthetic layouts written to a
 * memfd, so the reader is exercised without KVM, including bad headers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <cmocka.h>

#include "kvm_stats.h"

#define NAME_SIZE 13	/* odd on purpose: descriptors end up unaligned */

struct fake_desc {
	const char *name;
	uint32_t flags;
	int16_t exponent;
	uint16_t size;
	uint32_t offset;
};

/*
 * Lay out header, id, descriptors and data the way the kernel does, but
 * in a different order (data first), at offsets only the header gives.
 */
static int make_stats_fd(const struct fake_desc *d, unsigned int n,
			 const uint64_t *data, size_t data_words,
			 uint32_t name_size)
{
	const size_t step = sizeof(struct kvm_stats_desc) + name_size;
	struct kvm_stats_header h = { 0 };
	struct kvm_stats_desc kd;
	char name[64];
	unsigned int i;
	int fd;

	fd = memfd_create("stats", MFD_CLOEXEC);
	assert_true(fd >= 0);
	h.name_size = name_size;
	h.num_desc = n;
	h.data_offset = 64;
	h.id_offset = h.data_offset + data_words * 8 + 8;
	h.desc_offset = h.id_offset + name_size + 3;
	assert_int_equal(pwrite(fd, &h, sizeof(h), 0), sizeof(h));
	assert_int_equal(pwrite(fd, data, data_words * 8, h.data_offset),
			 data_words * 8);
	memset(name, 0, sizeof(name));
	strcpy(name, "kvm-42/vcpu-0");
	assert_int_equal(pwrite(fd, name, name_size, h.id_offset), name_size);
	for (i = 0; i < n; i++) {
		memset(&kd, 0, sizeof(kd));
		kd.flags = d[i].flags;
		kd.exponent = d[i].exponent;
		kd.size = d[i].size;
		kd.offset = d[i].offset;
		assert_int_equal(pwrite(fd, &kd, sizeof(kd),
					h.desc_offset + i * step), sizeof(kd));
		memset(name, 0, sizeof(name));
		strncpy(name, d[i].name, sizeof(name) - 1);
		assert_int_equal(pwrite(fd, name, name_size,
					h.desc_offset + i * step + sizeof(kd)),
				 name_size);
	}
	return fd;
}

static const struct fake_desc descs[] = {
	{ "exits", KVM_STATS_TYPE_CUMULATIVE, 0, 1, 16 },
	{ "io_exits", KVM_STATS_TYPE_CUMULATIVE, 0, 1, 0 },
	{ "wait_hist", KVM_STATS_TYPE_LOG_HIST | KVM_STATS_UNIT_SECONDS,
	  -9, 3, 24 },
	{ "blocking", KVM_STATS_TYPE_INSTANT | KVM_STATS_UNIT_BOOLEAN, 0, 1, 8 },
};

static void test_parse_and_read(void **state)
{
	const uint64_t data[] = { 14, 1, 15, 2, 3, 4 };
	struct kvm_stats st;
	int fd, i;

	(void)state;
	fd = make_stats_fd(descs, 4, data, 6, NAME_SIZE);
	assert_int_equal(kvm_stats_init(fd, &st), 0);
	assert_string_equal(st.id, "kvm-42/vcpu-0");	/* exactly name_size */
	assert_int_equal(st.nr, 4);
	assert_int_equal(st.data_size, 48);
	assert_int_equal(kvm_stats_read(&st), 0);

	i = kvm_stats_find(&st, "exits");
	assert_int_equal(i, 0);
	assert_int_equal(kvm_stats_value(&st, i), 15);
	assert_int_equal(kvm_stats_value(&st, kvm_stats_find(&st, "io_exits")),
			 14);
	i = kvm_stats_find(&st, "wait_hist");
	assert_int_equal(st.stats[i].size, 3);
	assert_int_equal(st.stats[i].exponent, -9);
	assert_int_equal(kvm_stats_value(&st, i), 2 + 3 + 4);
	assert_string_equal(kvm_stats_type_name(st.stats[i].flags), "log_hist");
	assert_string_equal(kvm_stats_unit_name(st.stats[i].flags), "seconds");
	i = kvm_stats_find(&st, "blocking");
	assert_string_equal(kvm_stats_type_name(st.stats[i].flags), "instant");
	assert_string_equal(kvm_stats_unit_name(st.stats[i].flags), "boolean");
	assert_int_equal(kvm_stats_value(&st, i), 1);
	assert_int_equal(kvm_stats_find(&st, "nope"), -ENOENT);
	kvm_stats_close(&st);
	assert_int_equal(st.fd, -1);
}

static void test_long_names_are_terminated(void **state)
{
	const struct fake_desc d[] = {
		{ "a_name_longer_than_the_slot", 0, 0, 1, 0 },
	};
	const uint64_t data[] = { 7 };
	struct kvm_stats st;
	int fd;

	(void)state;
	fd = make_stats_fd(d, 1, data, 1, 8);
	assert_int_equal(kvm_stats_init(fd, &st), 0);
	assert_string_equal(st.stats[0].name, "a_name_");
	kvm_stats_close(&st);
}

static void test_rejects_bad_layouts(void **state)
{
	const struct fake_desc zero_size[] = { { "x", 0, 0, 0, 0 } };
	const struct fake_desc misaligned[] = { { "x", 0, 0, 1, 4 } };
	const struct fake_desc huge[] = { { "x", 0, 0, 1, 1u << 30 } };
	const uint64_t data[] = { 0 };
	struct kvm_stats st;
	int fd;

	(void)state;
	fd = make_stats_fd(zero_size, 1, data, 1, NAME_SIZE);
	assert_int_equal(kvm_stats_init(fd, &st), -EPROTO);
	assert_int_equal(st.fd, -1);
	fd = make_stats_fd(misaligned, 1, data, 1, NAME_SIZE);
	assert_int_equal(kvm_stats_init(fd, &st), -EPROTO);
	fd = make_stats_fd(huge, 1, data, 1, NAME_SIZE);
	assert_int_equal(kvm_stats_init(fd, &st), -EPROTO);
	/* name_size 0 cannot hold a name. */
	fd = make_stats_fd(descs, 1, data, 1, 0);
	assert_int_equal(kvm_stats_init(fd, &st), -EPROTO);
}

static void test_truncated_file(void **state)
{
	const uint64_t data[] = { 1, 2, 3, 4, 5, 6 };
	struct kvm_stats st;
	int fd;

	(void)state;
	/* Descriptors promised beyond the end of the file. */
	fd = make_stats_fd(descs, 4, data, 6, NAME_SIZE);
	assert_int_equal(ftruncate(fd, 200), 0);
	assert_int_equal(kvm_stats_init(fd, &st), -EPROTO);
	/* An empty file has no header. */
	fd = memfd_create("empty", MFD_CLOEXEC);
	assert_int_equal(kvm_stats_init(fd, &st), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_read),
		cmocka_unit_test(test_long_names_are_terminated),
		cmocka_unit_test(test_rejects_bad_layouts),
		cmocka_unit_test(test_truncated_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

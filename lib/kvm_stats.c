// SPDX-License-Identifier: GPL-2.0
/* KVM binary statistics: header and descriptor parsing, reading values. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm_stats.h"

/* Far beyond any kernel's, small enough that a bad header cannot hurt. */
#define KVM_STATS_MAX_DESCS	4096
#define KVM_STATS_MAX_NAME	1024
#define KVM_STATS_MAX_DATA	(1u << 20)

static int read_exact(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n;
	size_t done = 0;

	while (done < len) {
		n = pread(fd, (char *)buf + done, len - done, off + done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPROTO;	/* shorter than the header says */
		done += n;
	}
	return 0;
}

int kvm_stats_open(int kvm_fd, struct kvm_stats *st)
{
	int fd;

	memset(st, 0, sizeof(*st));
	st->fd = -1;
	fd = ioctl(kvm_fd, KVM_GET_STATS_FD, NULL);
	if (fd < 0)
		return errno == ENOTTY || errno == EINVAL ? -ENOTSUP : -errno;
	return kvm_stats_init(fd, st);
}

static int parse_descs(struct kvm_stats *st, const struct kvm_stats_header *h)
{
	size_t step = sizeof(struct kvm_stats_desc) + h->name_size;
	struct kvm_stats_desc d;
	uint64_t end, data_end = 0;
	unsigned int i;
	char *p;

	st->stats = calloc(h->num_desc ? h->num_desc : 1, sizeof(*st->stats));
	if (!st->stats)
		return -ENOMEM;
	for (i = 0; i < h->num_desc; i++) {
		/* An odd name_size leaves descriptors unaligned: copy out. */
		p = (char *)st->descs + i * step;
		memcpy(&d, p, sizeof(d));
		/* The name fills name_size bytes; make sure it ends. */
		p += sizeof(d);
		p[h->name_size - 1] = '\0';
		end = (uint64_t)d.offset + (uint64_t)d.size * sizeof(uint64_t);
		if (d.size == 0 || end > KVM_STATS_MAX_DATA || d.offset % 8)
			return -EPROTO;
		if (end > data_end)
			data_end = end;
		st->stats[st->nr++] = (struct kvm_stat) {
			.name = p,
			.flags = d.flags,
			.exponent = d.exponent,
			.size = d.size,
			.offset = d.offset,
			.bucket_size = d.bucket_size,
		};
	}
	st->data_size = data_end;
	return 0;
}

int kvm_stats_init(int stats_fd, struct kvm_stats *st)
{
	struct kvm_stats_header h;
	size_t step;
	int err;

	memset(st, 0, sizeof(*st));
	st->fd = stats_fd;

	err = read_exact(stats_fd, &h, sizeof(h), 0);
	if (err)
		goto err_close;
	if (h.name_size == 0 || h.name_size > KVM_STATS_MAX_NAME ||
	    h.num_desc > KVM_STATS_MAX_DESCS) {
		err = -EPROTO;
		goto err_close;
	}

	st->id = calloc(1, h.name_size + 1);
	if (!st->id) {
		err = -ENOMEM;
		goto err_close;
	}
	err = read_exact(stats_fd, st->id, h.name_size, h.id_offset);
	if (err)
		goto err_close;

	step = sizeof(struct kvm_stats_desc) + h.name_size;
	st->descs = malloc(h.num_desc ? h.num_desc * step : 1);
	if (!st->descs) {
		err = -ENOMEM;
		goto err_close;
	}
	err = read_exact(stats_fd, st->descs, h.num_desc * step,
			 h.desc_offset);
	if (!err)
		err = parse_descs(st, &h);
	if (err)
		goto err_close;

	st->data_offset = h.data_offset;
	st->data = calloc(st->data_size / 8 + 1, sizeof(uint64_t));
	if (!st->data) {
		err = -ENOMEM;
		goto err_close;
	}
	return 0;

err_close:
	kvm_stats_close(st);
	return err;
}

int kvm_stats_read(struct kvm_stats *st)
{
	if (st->fd < 0)
		return -EBADF;
	return read_exact(st->fd, st->data, st->data_size, st->data_offset);
}

int kvm_stats_find(const struct kvm_stats *st, const char *name)
{
	unsigned int i;

	for (i = 0; i < st->nr; i++)
		if (!strcmp(st->stats[i].name, name))
			return i;
	return -ENOENT;
}

uint64_t kvm_stats_value(const struct kvm_stats *st, unsigned int i)
{
	const struct kvm_stat *s;
	uint64_t sum = 0;
	unsigned int k;

	if (i >= st->nr || !st->data)
		return 0;
	s = &st->stats[i];
	for (k = 0; k < s->size; k++)
		sum += st->data[s->offset / 8 + k];
	return sum;
}

const char *kvm_stats_type_name(uint32_t flags)
{
	switch (flags & KVM_STATS_TYPE_MASK) {
	case KVM_STATS_TYPE_CUMULATIVE:
		return "cumulative";
	case KVM_STATS_TYPE_INSTANT:
		return "instant";
	case KVM_STATS_TYPE_PEAK:
		return "peak";
	case KVM_STATS_TYPE_LINEAR_HIST:
		return "linear_hist";
	case KVM_STATS_TYPE_LOG_HIST:
		return "log_hist";
	default:
		return "?";
	}
}

const char *kvm_stats_unit_name(uint32_t flags)
{
	switch (flags & KVM_STATS_UNIT_MASK) {
	case KVM_STATS_UNIT_NONE:
		return "none";
	case KVM_STATS_UNIT_BYTES:
		return "bytes";
	case KVM_STATS_UNIT_SECONDS:
		return "seconds";
	case KVM_STATS_UNIT_CYCLES:
		return "cycles";
	case KVM_STATS_UNIT_BOOLEAN:
		return "boolean";
	default:
		return "?";
	}
}

void kvm_stats_close(struct kvm_stats *st)
{
	if (st->fd >= 0)
		close(st->fd);
	free(st->id);
	free(st->stats);
	free(st->descs);
	free(st->data);
	memset(st, 0, sizeof(*st));
	st->fd = -1;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * rawkvm: the whole-process raw-KVM floor for `make bench`. Runs the same
 * built-in hello16 or hello64 image as `simvmm run`, with no library:
 * open /dev/kvm, VM and vCPU, real or long mode, print the bytes written
 * to port 0xe9, and after hlt check RAX = [0x400] = 42.
 *
 * With --count N, N copies at once, one thread each, as `simvmm run
 * --count N`: each thread creates its VM and vCPU, loads the image, runs
 * it to hlt and destroys it. As simvmm's, the last line on stderr (for
 * N > 1) is "N VMs: P passed, F failed, in T s (R VMs/s)", and the status
 * is the highest of theirs.
 * usage: rawkvm [--count N] hello16|hello64
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <simvmm/abi.h>
#include <simvmm/memmap.h>

#include "../lib/util.h"
#include "guest_images.h"
#include "raw.h"

static const struct image {
	const char *name;
	const uint8_t *start;
	const uint8_t *end;
	bool long_mode;
} images[] = {
	{ "hello16", guest_hello16, guest_hello16_end, false },
	{ "hello64", guest_hello64, guest_hello64_end, true },
};

static int run_guest(struct raw_vm *v)
{
	struct kvm_run *run = v->run;
	struct kvm_regs regs;
	uint32_t word;

	for (;;) {
		if (ioctl(v->vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			perror("rawkvm: KVM_RUN");
			return 1;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			if (run->io.port != SIMVMM_DEBUGCON_PORT ||
			    run->io.direction != KVM_EXIT_IO_OUT)
				goto unexpected;
			if (write(STDOUT_FILENO,
				  (char *)run + run->io.data_offset, 1) != 1)
				return 1;
			break;
		case KVM_EXIT_HLT:
			if (ioctl(v->vcpu, KVM_GET_REGS, &regs) < 0)
				return 1;
			memcpy(&word, v->mem + SIMVMM_CHECK_ADDR, sizeof(word));
			return regs.rax == SIMVMM_CHECK_VALUE &&
			       word == SIMVMM_CHECK_VALUE ? 0 : 1;
		default:
			goto unexpected;
		}
	}
unexpected:
	fprintf(stderr, "rawkvm: unexpected exit %u\n", run->exit_reason);
	return 1;
}

/* Create, set up, run and destroy one VM: 0, 1 (guest failed) or 2. */
static int run_one(int kvm, const struct image *img)
{
	struct raw_vm v;
	int err, status;

	err = raw_vm_create(kvm, SIMVMM_MEM_DEFAULT, &v);
	if (err) {
		fprintf(stderr, "rawkvm: creating the VM: %s\n", strerror(-err));
		return 2;
	}
	if (img->long_mode)
		err = raw_setup_long(&v, img->start, img->end - img->start,
				     SIMVMM_LOAD_ADDR);
	else
		err = raw_setup_real(&v, img->start, img->end - img->start,
				     SIMVMM_LOAD_ADDR);
	status = err ? 2 : run_guest(&v);
	raw_vm_destroy(&v);
	return status;
}

/* --count: as many as `simvmm run --count` takes. */
#define MAX_COUNT 256

struct job {
	pthread_t thread;
	const struct image *img;
	int kvm;
	bool started;
	int status;
};

static void *job_main(void *arg)
{
	struct job *j = arg;

	j->status = run_one(j->kvm, j->img);
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* N VMs at once, one thread each; the highest status of theirs. */
static int run_many(int kvm, const struct image *img, unsigned int n)
{
	struct job jobs[MAX_COUNT];
	unsigned int i, failed = 0;
	int err, status = 0;
	double t0, secs;

	t0 = now_s();
	for (i = 0; i < n; i++) {
		jobs[i].img = img;
		jobs[i].kvm = kvm;
		jobs[i].status = 2;
		err = pthread_create(&jobs[i].thread, NULL, job_main, &jobs[i]);
		jobs[i].started = !err;
		if (err)
			fprintf(stderr, "rawkvm: starting the thread of VM %u: %s\n",
				i, strerror(err));
	}
	for (i = 0; i < n; i++)
		if (jobs[i].started)
			pthread_join(jobs[i].thread, NULL);
	secs = now_s() - t0;
	for (i = 0; i < n; i++) {
		if (jobs[i].status > status)
			status = jobs[i].status;
		failed += jobs[i].status != 0;
	}
	/* As simvmm: a line for more than one VM, the status for one. */
	if (n > 1)
		fprintf(stderr, "rawkvm: %u VMs: %u passed, %u failed, in %.3f s (%.1f VMs/s)\n",
			n, n - failed, failed, secs, secs > 0 ? n / secs : 0.0);
	return status;
}

int main(int argc, char **argv)
{
	const struct image *img = NULL;
	unsigned long count = 0;
	char *end = NULL;
	int kvm, status;
	unsigned int i;

	if (argc == 4 && !strcmp(argv[1], "--count")) {
		errno = 0;
		count = strtoul(argv[2], &end, 10);
		if (errno || *end || count > MAX_COUNT)
			count = 0;
		/* A bad N leaves no image name: usage. */
		argc = count ? 2 : 0;
		argv += 2;
	}
	for (i = 0; argc == 2 && i < ARRAY_SIZE(images); i++)
		if (!strcmp(argv[1], images[i].name))
			img = &images[i];
	if (!img) {
		fprintf(stderr, "usage: rawkvm [--count N] hello16|hello64 (N: 1 to %d)\n",
			MAX_COUNT);
		return 2;
	}
	kvm = raw_open_kvm();
	if (kvm < 0) {
		fprintf(stderr, "rawkvm: /dev/kvm: %s\n", strerror(-kvm));
		return 2;
	}
	status = count ? run_many(kvm, img, count) : run_one(kvm, img);
	close(kvm);
	return status;
}

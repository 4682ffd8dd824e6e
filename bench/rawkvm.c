// SPDX-License-Identifier: GPL-2.0
/*
 * rawkvm: the whole-process raw-KVM floor for `make bench`. Runs the same
 * built-in hello16 or hello64 image as `simvmm run`, with no library:
 * open /dev/kvm, VM and vCPU, real or long mode, print the bytes written
 * to port 0xe9, and after hlt check RAX = [0x400] = 42.
 * usage: rawkvm hello16|hello64
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
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

int main(int argc, char **argv)
{
	const struct image *img = NULL;
	struct raw_vm v;
	int kvm, err, status;
	unsigned int i;

	for (i = 0; argc == 2 && i < ARRAY_SIZE(images); i++)
		if (!strcmp(argv[1], images[i].name))
			img = &images[i];
	if (!img) {
		fprintf(stderr, "usage: rawkvm hello16|hello64\n");
		return 2;
	}
	kvm = raw_open_kvm();
	if (kvm < 0) {
		fprintf(stderr, "rawkvm: /dev/kvm: %s\n", strerror(-kvm));
		return 2;
	}
	err = raw_vm_create(kvm, SIMVMM_MEM_DEFAULT, &v);
	if (err) {
		fprintf(stderr, "rawkvm: creating the VM: %s\n", strerror(-err));
		close(kvm);
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
	close(kvm);
	return status;
}

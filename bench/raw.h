/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The raw-KVM floor for the benchmarks: the least a program must do to
 * run a guest through /dev/kvm, with none of libsimvmm. simvmm is measured
 * against it; it is not part of simvmm.
 */
#ifndef SIMVMM_BENCH_RAW_H
#define SIMVMM_BENCH_RAW_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

struct raw_vm {
	int vm;
	int vcpu;
	uint8_t *mem;
	size_t mem_size;
	struct kvm_run *run;
	size_t run_size;
};

/* /dev/kvm, with the API version checked. Returns the fd or -errno. */
int raw_open_kvm(void);

/*
 * A VM with @mem_size bytes of RAM at guest-physical 0 and one vCPU.
 * Returns 0 or -errno; on failure nothing is left open.
 */
int raw_vm_create(int kvm, size_t mem_size, struct raw_vm *v);

/* Copy @len bytes of @img to @addr, set real mode (CS = 0) at @addr. */
int raw_setup_real(struct raw_vm *v, const void *img, size_t len,
		   uint64_t addr);

/*
 * Copy the image, build a GDT and 2 MiB identity page tables for the
 * first GiB, and enter 64-bit long mode at @addr with RSP at 1 MiB.
 */
int raw_setup_long(struct raw_vm *v, const void *img, size_t len,
		   uint64_t addr);

void raw_vm_destroy(struct raw_vm *v);

#endif /* SIMVMM_BENCH_RAW_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* The CPUID a vCPU shows its guest: what KVM says it supports. */
#ifndef SIMVMM_CPUID_H
#define SIMVMM_CPUID_H

#include <linux/kvm.h>

/* The first buffer, and the most entries simvmm grows it to on E2BIG. */
#define CPUID_INITIAL_ENTRIES	64
#define CPUID_MAX_ENTRIES	1024

/*
 * KVM_GET_SUPPORTED_CPUID on the system fd @sys_fd, into a buffer that
 * starts at CPUID_INITIAL_ENTRIES and doubles on E2BIG up to
 * CPUID_MAX_ENTRIES. On success *@out is a calloc'd table with ->nent set
 * by KVM; free() it. Returns 0 or a negative errno (reported).
 */
int cpuid_get_supported(int sys_fd, struct kvm_cpuid2 **out);

/*
 * KVM_SET_CPUID2 on vCPU @id (fd @vcpu_fd): KVM's supported CPUID, with
 * the vCPU's own APIC ID in leaves 1, 0xb and 0x1f, as kvmtool does. Done
 * once, before the vCPU's registers are set or it runs. Returns 0 or a
 * negative errno (reported).
 */
int cpuid_set_vcpu(int sys_fd, int vcpu_fd, unsigned int id);

#endif /* SIMVMM_CPUID_H */

// SPDX-License-Identifier: GPL-2.0
/* CPUID for each vCPU: KVM_GET_SUPPORTED_CPUID, then KVM_SET_CPUID2. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <simvmm/x86.h>

#include "cpuid.h"
#include "log.h"

int cpuid_get_supported(int sys_fd, struct kvm_cpuid2 **out)
{
	struct kvm_cpuid2 *c;
	unsigned int n;
	int err;

	for (n = CPUID_INITIAL_ENTRIES; n <= CPUID_MAX_ENTRIES; n *= 2) {
		/* Zeroed: KVM fills the entries it has, memcheck cannot see it. */
		c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c)
			return -ENOMEM;
		c->nent = n;
		if (ioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
			if (c->nent > n) {
				/* Never from a real KVM: it would overflow. */
				pr_err("KVM_GET_SUPPORTED_CPUID reported %u entries in a table of %u",
				       c->nent, n);
				free(c);
				return -EPROTO;
			}
			*out = c;
			return 0;
		}
		err = -errno;
		free(c);
		if (err != -E2BIG) {
			pr_err("KVM_GET_SUPPORTED_CPUID: %s", strerror(-err));
			return err;
		}
	}
	pr_err("KVM_GET_SUPPORTED_CPUID needs more than %u entries; simvmm stops growing the table there",
	       CPUID_MAX_ENTRIES);
	return -E2BIG;
}

/* The vCPU's APIC ID where the CPUID table carries one. */
static void cpuid_set_apic_id(struct kvm_cpuid2 *c, unsigned int id)
{
	struct kvm_cpuid_entry2 *e;
	unsigned int i;

	for (i = 0; i < c->nent; i++) {
		e = &c->entries[i];
		switch (e->function) {
		case X86_CPUID_FEATURES:
			e->ebx &= ~(0xffu << X86_CPUID_APIC_ID_SHIFT);
			e->ebx |= (id & 0xffu) << X86_CPUID_APIC_ID_SHIFT;
			break;
		case X86_CPUID_TOPOLOGY:
		case X86_CPUID_TOPOLOGY_V2:
			e->edx = id;
			break;
		}
	}
}

int cpuid_set_vcpu(int sys_fd, int vcpu_fd, unsigned int id)
{
	struct kvm_cpuid2 *c;
	int err;

	err = cpuid_get_supported(sys_fd, &c);
	if (err)
		return err;
	cpuid_set_apic_id(c, id);
	if (ioctl(vcpu_fd, KVM_SET_CPUID2, c) < 0) {
		err = -errno;
		pr_err("KVM_SET_CPUID2 (vCPU %u, the %u entries KVM_GET_SUPPORTED_CPUID gave): %s",
		       id, c->nent, strerror(-err));
	}
	free(c);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* /dev/kvm: version and capability checks, and exit-reason names. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm.h"
#include "log.h"
#include "util.h"

static const struct {
	long cap;
	const char *name;
} required_caps[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
	{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
};

int kvm_check_cap(int fd, long cap)
{
	return ioctl(fd, KVM_CHECK_EXTENSION, cap);
}

int kvm_open_system(void)
{
	unsigned int i;
	int fd, ver, err;

	fd = open(SIMVMM_KVM_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		if (err == -ENOENT)
			pr_err("%s does not exist: load the kvm module (kvm_intel or kvm_amd) or run on a host with virtualization enabled",
			       SIMVMM_KVM_DEV);
		else if (err == -EACCES || err == -EPERM)
			pr_err("cannot open %s: %s; run as root or join the group that owns it (usually 'kvm')",
			       SIMVMM_KVM_DEV, strerror(-err));
		else
			pr_err("cannot open %s: %s", SIMVMM_KVM_DEV,
			       strerror(-err));
		return err;
	}

	ver = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (ver < 0) {
		err = -errno;
		pr_err("%s is not a KVM device: KVM_GET_API_VERSION failed: %s",
		       SIMVMM_KVM_DEV, strerror(-err));
		goto out_close;
	}
	if (ver != KVM_API_VERSION) {
		err = -ENOTSUP;
		pr_err("KVM API version %d, simvmm needs %d", ver,
		       KVM_API_VERSION);
		goto out_close;
	}

	for (i = 0; i < ARRAY_SIZE(required_caps); i++) {
		if (kvm_check_cap(fd, required_caps[i].cap) <= 0) {
			err = -ENOTSUP;
			pr_err("this KVM lacks %s, which simvmm needs",
			       required_caps[i].name);
			goto out_close;
		}
	}
	return fd;

out_close:
	close(fd);
	return err;
}

#define EXIT_NAME(r, key) { KVM_EXIT_##r, "KVM_EXIT_" #r, key }

static const struct exit_name {
	uint32_t reason;
	const char *name;
	const char *key;
} exit_names[] = {
	EXIT_NAME(UNKNOWN, "unknown"),
	EXIT_NAME(EXCEPTION, "exception"),
	EXIT_NAME(IO, "io"),
	EXIT_NAME(HYPERCALL, "hypercall"),
	EXIT_NAME(DEBUG, "debug"),
	EXIT_NAME(HLT, "hlt"),
	EXIT_NAME(MMIO, "mmio"),
	EXIT_NAME(IRQ_WINDOW_OPEN, "irq_window_open"),
	EXIT_NAME(SHUTDOWN, "shutdown"),
	EXIT_NAME(FAIL_ENTRY, "fail_entry"),
	EXIT_NAME(INTR, "intr"),
	EXIT_NAME(SET_TPR, "set_tpr"),
	EXIT_NAME(TPR_ACCESS, "tpr_access"),
	EXIT_NAME(S390_SIEIC, "s390_sieic"),
	EXIT_NAME(S390_RESET, "s390_reset"),
	EXIT_NAME(DCR, "dcr"),
	EXIT_NAME(NMI, "nmi"),
	EXIT_NAME(INTERNAL_ERROR, "internal_error"),
	EXIT_NAME(OSI, "osi"),
	EXIT_NAME(PAPR_HCALL, "papr_hcall"),
	EXIT_NAME(S390_UCONTROL, "s390_ucontrol"),
	EXIT_NAME(WATCHDOG, "watchdog"),
	EXIT_NAME(S390_TSCH, "s390_tsch"),
	EXIT_NAME(EPR, "epr"),
	EXIT_NAME(SYSTEM_EVENT, "system_event"),
	EXIT_NAME(S390_STSI, "s390_stsi"),
	EXIT_NAME(IOAPIC_EOI, "ioapic_eoi"),
	EXIT_NAME(HYPERV, "hyperv"),
	EXIT_NAME(ARM_NISV, "arm_nisv"),
	EXIT_NAME(X86_RDMSR, "x86_rdmsr"),
	EXIT_NAME(X86_WRMSR, "x86_wrmsr"),
	EXIT_NAME(DIRTY_RING_FULL, "dirty_ring_full"),
	EXIT_NAME(AP_RESET_HOLD, "ap_reset_hold"),
	EXIT_NAME(X86_BUS_LOCK, "x86_bus_lock"),
	EXIT_NAME(XEN, "xen"),
	EXIT_NAME(RISCV_SBI, "riscv_sbi"),
	EXIT_NAME(RISCV_CSR, "riscv_csr"),
	EXIT_NAME(NOTIFY, "notify"),
};

static const struct exit_name *exit_lookup(uint32_t reason)
{
	unsigned int i;

	/* Listed in numeric order, so the usual hit is the first probe. */
	if (reason < ARRAY_SIZE(exit_names) &&
	    exit_names[reason].reason == reason)
		return &exit_names[reason];
	for (i = 0; i < ARRAY_SIZE(exit_names); i++)
		if (exit_names[i].reason == reason)
			return &exit_names[i];
	return NULL;
}

const char *kvm_exit_name(uint32_t reason)
{
	const struct exit_name *e = exit_lookup(reason);

	return e ? e->name : "KVM_EXIT_<unknown>";
}

const char *kvm_exit_key(uint32_t reason)
{
	const struct exit_name *e = exit_lookup(reason);

	return e ? e->key : "other";
}

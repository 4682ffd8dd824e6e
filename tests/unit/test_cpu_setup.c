// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: how a vCPU is set up, against a fake KVM (this file's ioctl()
 * stands in for the kernel's on the fake fds): CPUID from
 * KVM_GET_SUPPORTED_CPUID (E2BIG growth, its bound, errors, the APIC ID),
 * vcpu_create()'s unwinding when KVM_SET_CPUID2 fails, the registers and
 * tables of each mode (CR0, TR, LDTR, IDT, GDT, PAE and long-mode page
 * tables), the signal mask KVM_RUN runs with, the reserved ranges, and the
 * poll transport's KVM_CAP_IOEVENTFD check. None needs /dev/kvm.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <cmocka.h>

#include <simvmm/memmap.h>
#include <simvmm/x86.h>

#include "cpu_mode.h"
#include "cpuid.h"
#include "devices/simvirtio.h"
#include "loader.h"
#include "log.h"
#include "util.h"
#include "vcpu.h"
#include "vm.h"
#include "../../fuzz/fake_vm.h"

#define FAKE_SYS_FD	900
#define FAKE_VM_FD	901
#define FAKE_VCPU_FD	902
#define RUN_SIZE	(3 * 4096)
#define RAM_SIZE	0x100000
#define HOST_APIC_ID	7u
#define LEAF1_EBX	((HOST_APIC_ID << 24) | 0x100800u)

static struct {
	unsigned int supported;	/* entries KVM_GET_SUPPORTED_CPUID has */
	int get_err;		/* its errno, 0 = it works */
	unsigned int get_calls, last_nent;
	int set_cpuid_err;
	unsigned int set_cpuid_calls;
	struct kvm_cpuid2 *set_cpuid;	/* what KVM_SET_CPUID2 got */
	int set_sregs_err;
	struct kvm_sregs sregs;	/* KVM_GET_SREGS gives, SET_SREGS keeps */
	struct kvm_regs regs;	/* KVM_SET_REGS keeps */
	int cap_ioeventfd;
	unsigned int memory_regions;	/* KVM_SET_USER_MEMORY_REGION calls */
	int vcpu_fd;		/* the memfd KVM_CREATE_VCPU handed out */
	int set_mask_err;	/* KVM_SET_SIGNAL_MASK's errno, 0 = works */
	unsigned int set_mask_calls;
	uint32_t mask_len;	/* what KVM_SET_SIGNAL_MASK got */
	uint8_t mask[8];
} fk;

/* The i-th entry of the fake's supported table. */
static void fake_entry(unsigned int i, struct kvm_cpuid_entry2 *e)
{
	static const uint32_t leaves[][2] = {
		{ X86_CPUID_VENDOR, 0 }, { X86_CPUID_FEATURES, 0 },
		{ X86_CPUID_TOPOLOGY, 0 }, { X86_CPUID_TOPOLOGY, 1 },
		{ X86_CPUID_TOPOLOGY_V2, 0 }, { X86_CPUID_HV_BASE, 0 },
	};

	memset(e, 0, sizeof(*e));
	if (i < ARRAY_SIZE(leaves)) {
		e->function = leaves[i][0];
		e->index = leaves[i][1];
	} else {
		e->function = 0x80000000u + i;
	}
	e->eax = 0x1000 + i;
	e->ebx = e->function == X86_CPUID_FEATURES ? LEAF1_EBX : 0x2000 + i;
	e->ecx = 0x3000 + i;
	e->edx = e->function == X86_CPUID_TOPOLOGY ||
		 e->function == X86_CPUID_TOPOLOGY_V2 ? HOST_APIC_ID :
		 0x4000 + i;
}

static int fake_fail(int err)
{
	errno = err;
	return -1;
}

static int fake_get_cpuid(struct kvm_cpuid2 *c)
{
	unsigned int i;

	fk.get_calls++;
	fk.last_nent = c->nent;
	if (fk.get_err)
		return fake_fail(fk.get_err);
	if (c->nent < fk.supported)
		return fake_fail(E2BIG);
	for (i = 0; i < fk.supported; i++)
		fake_entry(i, &c->entries[i]);
	c->nent = fk.supported;
	return 0;
}

static int fake_set_cpuid(const struct kvm_cpuid2 *c)
{
	size_t size = sizeof(*c) + c->nent * sizeof(c->entries[0]);

	fk.set_cpuid_calls++;
	if (fk.set_cpuid_err)
		return fake_fail(fk.set_cpuid_err);
	free(fk.set_cpuid);
	fk.set_cpuid = malloc(size);
	assert_non_null(fk.set_cpuid);
	memcpy(fk.set_cpuid, c, size);
	return 0;
}

static int fake_set_signal_mask(const struct kvm_signal_mask *m)
{
	fk.set_mask_calls++;
	if (fk.set_mask_err)
		return fake_fail(fk.set_mask_err);
	fk.mask_len = m->len;
	memcpy(fk.mask, m->sigset, m->len < 8 ? m->len : 8);
	return 0;
}

static int fake_create_vcpu(void)
{
	int fd = memfd_create("kvm-vcpu", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, RUN_SIZE))
		return fake_fail(ENOMEM);
	fk.vcpu_fd = fd;
	return fd;
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);

	if (req == KVM_CHECK_EXTENSION &&
	    (fd == FAKE_SYS_FD || fd == FAKE_VM_FD))
		return (long)arg == KVM_CAP_IOEVENTFD ? fk.cap_ioeventfd : 0;
	if (fd == FAKE_SYS_FD && req == KVM_GET_SUPPORTED_CPUID)
		return fake_get_cpuid(arg);
	if (fd == FAKE_VM_FD && req == KVM_CREATE_VCPU)
		return fake_create_vcpu();
	if (fd == FAKE_VM_FD && req == KVM_SET_USER_MEMORY_REGION) {
		fk.memory_regions++;
		return 0;
	}
	if (fd == FAKE_VCPU_FD || (fk.vcpu_fd > 0 && fd == fk.vcpu_fd)) {
		switch (req) {
		case KVM_SET_CPUID2:
			return fake_set_cpuid(arg);
		case KVM_GET_SREGS:
			memcpy(arg, &fk.sregs, sizeof(fk.sregs));
			return 0;
		case KVM_SET_SREGS:
			if (fk.set_sregs_err)
				return fake_fail(fk.set_sregs_err);
			memcpy(&fk.sregs, arg, sizeof(fk.sregs));
			return 0;
		case KVM_SET_REGS:
			memcpy(&fk.regs, arg, sizeof(fk.regs));
			return 0;
		case KVM_SET_SIGNAL_MASK:
			return fake_set_signal_mask(arg);
		}
		return fake_fail(ENOTTY);
	}
	if (fd >= FAKE_SYS_FD && fd <= FAKE_VCPU_FD)
		return fake_fail(ENOTTY);
	return syscall(SYS_ioctl, fd, req, arg);
}

/* ---- stderr, captured ---------------------------------------------------- */

static FILE *err_file;
static int saved_stderr = -1;
static char err_text[4096];

static void err_begin(void)
{
	err_file = tmpfile();
	assert_non_null(err_file);
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(saved_stderr >= 0);
	assert_true(dup2(fileno(err_file), STDERR_FILENO) >= 0);
}

/* What was printed since err_begin(), NUL-terminated. */
static const char *err_end(void)
{
	size_t n;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	rewind(err_file);
	n = fread(err_text, 1, sizeof(err_text) - 1, err_file);
	err_text[n] = '\0';
	fclose(err_file);
	return err_text;
}

static int reset(void **state)
{
	(void)state;
	free(fk.set_cpuid);
	memset(&fk, 0, sizeof(fk));
	fk.vcpu_fd = -1;
	/* As KVM leaves a new vCPU: reset state, real mode. */
	fk.sregs.cr0 = 0x60000010;
	fk.sregs.cs.selector = 0xf000;
	fk.sregs.cs.base = 0xffff0000;
	fk.sregs.idt.limit = 0xffff;
	return 0;
}

/* ---- CPUID --------------------------------------------------------------- */

static void test_cpuid_fits_first_buffer(void **state)
{
	struct kvm_cpuid2 *c = NULL;

	(void)state;
	fk.supported = 10;
	assert_int_equal(cpuid_get_supported(FAKE_SYS_FD, &c), 0);
	assert_int_equal(c->nent, 10);
	assert_int_equal(fk.get_calls, 1);
	assert_int_equal(fk.last_nent, CPUID_INITIAL_ENTRIES);
	assert_int_equal(c->entries[0].function, X86_CPUID_VENDOR);
	free(c);
}

static void test_cpuid_grows_on_e2big(void **state)
{
	struct kvm_cpuid2 *c = NULL;

	(void)state;
	fk.supported = 200;	/* 64 and 128 are too small */
	assert_int_equal(cpuid_get_supported(FAKE_SYS_FD, &c), 0);
	assert_int_equal(c->nent, 200);
	assert_int_equal(fk.get_calls, 3);
	assert_int_equal(fk.last_nent, 4 * CPUID_INITIAL_ENTRIES);
	assert_int_equal(c->entries[199].function, 0x80000000u + 199);
	free(c);
}

static void test_cpuid_growth_is_bounded(void **state)
{
	struct kvm_cpuid2 *c = NULL;
	const char *err;

	(void)state;
	fk.supported = 100000;
	err_begin();
	assert_int_equal(cpuid_get_supported(FAKE_SYS_FD, &c), -E2BIG);
	err = err_end();
	assert_null(c);
	assert_int_equal(fk.last_nent, CPUID_MAX_ENTRIES);
	assert_int_equal(fk.get_calls, 5);	/* 64 .. 1024 */
	assert_non_null(strstr(err, "simvmm: error: KVM_GET_SUPPORTED_CPUID needs more than 1024 entries"));
}

static void test_cpuid_get_error(void **state)
{
	struct kvm_cpuid2 *c = NULL;
	const char *err;

	(void)state;
	fk.get_err = EFAULT;
	err_begin();
	assert_int_equal(cpuid_get_supported(FAKE_SYS_FD, &c), -EFAULT);
	err = err_end();
	assert_null(c);
	assert_int_equal(fk.get_calls, 1);	/* only E2BIG is retried */
	assert_non_null(strstr(err, "KVM_GET_SUPPORTED_CPUID: Bad address"));
}

static void test_cpuid_set_vcpu_apic_id(void **state)
{
	struct kvm_cpuid_entry2 want, *e;
	unsigned int i;

	(void)state;
	fk.supported = 8;
	assert_int_equal(cpuid_set_vcpu(FAKE_SYS_FD, FAKE_VCPU_FD, 3), 0);
	assert_int_equal(fk.set_cpuid_calls, 1);
	assert_int_equal(fk.set_cpuid->nent, 8);
	for (i = 0; i < 8; i++) {
		fake_entry(i, &want);
		e = &fk.set_cpuid->entries[i];
		if (e->function == X86_CPUID_FEATURES)
			want.ebx = (3u << 24) | (LEAF1_EBX & 0xffffff);
		if (e->function == X86_CPUID_TOPOLOGY ||
		    e->function == X86_CPUID_TOPOLOGY_V2)
			want.edx = 3;
		/* Everything else exactly as KVM gave it. */
		assert_memory_equal(e, &want, sizeof(want));
	}
}

static void test_cpuid_set_refused(void **state)
{
	const char *err;

	(void)state;
	fk.supported = 8;
	fk.set_cpuid_err = EINVAL;
	err_begin();
	assert_int_equal(cpuid_set_vcpu(FAKE_SYS_FD, FAKE_VCPU_FD, 0),
			 -EINVAL);
	err = err_end();
	assert_non_null(strstr(err, "simvmm: error: KVM_SET_CPUID2 (vCPU 0, the 8 entries KVM_GET_SUPPORTED_CPUID gave): Invalid argument"));
}

/* ---- vcpu_create --------------------------------------------------------- */

static void fake_kvm_vm(struct vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->sys_fd = FAKE_SYS_FD;
	vm->fd = FAKE_VM_FD;
	vm->stop_fd = -1;
	vm->vcpu_mmap_size = RUN_SIZE;
}

/* Whether signal @sig is set in the kernel's 64-bit sigset @set. */
static bool kernel_sigset_has(const uint8_t *set, int sig)
{
	return set[(sig - 1) / 8] & (1u << ((sig - 1) % 8));
}

static void test_vcpu_create_sets_cpuid(void **state)
{
	struct vcpu *vcpu = NULL;
	struct vm vm;

	(void)state;
	fake_kvm_vm(&vm);
	fk.supported = 8;
	assert_int_equal(vcpu_create(&vm, 0, &vcpu), 0);
	assert_non_null(vcpu);
	assert_int_equal(vcpu->fd, fk.vcpu_fd);
	assert_int_equal(fk.set_cpuid_calls, 1);
	assert_int_equal(fk.set_cpuid->nent, 8);
	vcpu_destroy(vcpu);
	assert_int_equal(fcntl(fk.vcpu_fd, F_GETFD), -1);
}

/*
 * vcpu_create() tells KVM to let only the kick in during KVM_RUN: every
 * other signal (1 to 64) stays blocked there, VM_KICK_SIGNAL does not.
 */
static void test_vcpu_create_sets_kick_only_mask(void **state)
{
	struct vcpu *vcpu = NULL;
	struct vm vm;
	int sig;

	(void)state;
	fake_kvm_vm(&vm);
	fk.supported = 8;
	assert_int_equal(vcpu_create(&vm, 0, &vcpu), 0);
	assert_int_equal(fk.set_mask_calls, 1);
	assert_int_equal(fk.mask_len, 8);
	assert_false(kernel_sigset_has(fk.mask, VM_KICK_SIGNAL));
	for (sig = 1; sig <= 64; sig++) {
		if (sig == VM_KICK_SIGNAL)
			continue;
		/* glibc's own two (32, 33) are never in a sigfillset(). */
		if (sig == 32 || sig == 33)
			continue;
		if (!kernel_sigset_has(fk.mask, sig))
			fail_msg("signal %d is let into KVM_RUN", sig);
	}
	vcpu_destroy(vcpu);
}

/* A refused KVM_SET_SIGNAL_MASK fails vcpu_create(), and nothing leaks. */
static void test_vcpu_create_unwinds_on_mask_failure(void **state)
{
	struct vcpu *vcpu = NULL;
	const char *err;
	struct vm vm;

	(void)state;
	fake_kvm_vm(&vm);
	fk.supported = 8;
	fk.set_mask_err = EINVAL;
	err_begin();
	assert_int_equal(vcpu_create(&vm, 0, &vcpu), -EINVAL);
	err = err_end();
	assert_null(vcpu);
	assert_int_equal(fk.set_mask_calls, 1);
	assert_true(fk.vcpu_fd >= 0);
	errno = 0;
	assert_int_equal(fcntl(fk.vcpu_fd, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
	assert_non_null(strstr(err, "KVM_SET_SIGNAL_MASK: Invalid argument"));
}

static void test_vcpu_create_unwinds_on_cpuid_failure(void **state)
{
	struct vcpu *vcpu = NULL;
	const char *err;
	struct vm vm;

	(void)state;
	fake_kvm_vm(&vm);
	fk.supported = 8;
	fk.set_cpuid_err = EINVAL;
	err_begin();
	assert_int_equal(vcpu_create(&vm, 0, &vcpu), -EINVAL);
	err = err_end();
	assert_null(vcpu);
	/* The vCPU fd is closed again: nothing leaks. */
	assert_true(fk.vcpu_fd >= 0);
	errno = 0;
	assert_int_equal(fcntl(fk.vcpu_fd, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
	assert_non_null(strstr(err, "KVM_SET_CPUID2"));

	/* A table KVM cannot give stops it too, before KVM_SET_CPUID2. */
	fk.set_cpuid_err = 0;
	fk.get_err = ENOMEM;
	err_begin();
	assert_int_equal(vcpu_create(&vm, 0, &vcpu), -ENOMEM);
	err_end();
	assert_null(vcpu);
	assert_int_equal(fk.set_cpuid_calls, 1);
	assert_int_equal(fcntl(fk.vcpu_fd, F_GETFD), -1);
}

/* ---- the modes ----------------------------------------------------------- */

struct mode_fx {
	struct vm vm;
	struct vcpu vcpu;
	uint8_t *mem;
};

static struct mode_fx mfx;

static int mode_setup(void **state)
{
	reset(state);
	mfx.mem = malloc(RAM_SIZE);
	assert_non_null(mfx.mem);
	/* Leftovers from an earlier guest: setup must not rely on zeros. */
	memset(mfx.mem, 0xa5, RAM_SIZE);
	fake_vm_init(&mfx.vm, mfx.mem, RAM_SIZE);
	memset(&mfx.vcpu, 0, sizeof(mfx.vcpu));
	mfx.vcpu.vm = &mfx.vm;
	mfx.vcpu.fd = FAKE_VCPU_FD;
	return 0;
}

static int mode_teardown(void **state)
{
	(void)state;
	free(mfx.mem);
	return 0;
}

static uint64_t ram64(uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, mfx.mem + gpa, sizeof(v));
	return v;
}

/* What every 32/64-bit mode has: TR, LDTR, IDT, GDT and the TSS. */
static void check_system_state(int lm)
{
	const struct kvm_sregs *s = &fk.sregs;
	uint16_t iomap;

	assert_int_equal(s->tr.selector, SIMVMM_SEL(SIMVMM_GDT_TSS));
	assert_int_equal(s->tr.base, SIMVMM_GUEST_TSS_ADDR);
	assert_int_equal(s->tr.limit, X86_TSS_SIZE - 1);
	assert_int_equal(s->tr.type, X86_SEG_TYPE_TSS_BUSY);
	assert_int_equal(s->tr.s, 0);
	assert_int_equal(s->tr.present, 1);
	assert_int_equal(s->tr.unusable, 0);
	assert_int_equal(s->tr.g, 0);

	assert_int_equal(s->ldt.selector, 0);
	assert_int_equal(s->ldt.unusable, 1);
	assert_int_equal(s->ldt.present, 0);

	assert_int_equal(s->idt.base, 0);
	assert_int_equal(s->idt.limit, 0);

	assert_int_equal(s->gdt.base, SIMVMM_GDT_ADDR);
	assert_int_equal(s->gdt.limit, SIMVMM_GDT_ENTRIES * 8 - 1);
	assert_int_equal(ram64(SIMVMM_GDT_ADDR), 0);
	/* Busy TSS (0x8b), base 0x700, limit 0x67; long mode: base 63:32. */
	assert_int_equal(ram64(SIMVMM_GDT_ADDR + 8 * SIMVMM_GDT_TSS),
			 0x00008b0007000067ull);
	assert_int_equal(ram64(SIMVMM_GDT_ADDR + 8 * (SIMVMM_GDT_TSS + 1)), 0);
	memcpy(&iomap, mfx.mem + SIMVMM_GUEST_TSS_ADDR + X86_TSS_IOMAP_BASE,
	       sizeof(iomap));
	assert_int_equal(iomap, X86_TSS_SIZE);
	assert_int_equal(ram64(SIMVMM_GUEST_TSS_ADDR), 0);

	assert_int_equal(s->cs.selector,
			 SIMVMM_SEL(lm ? SIMVMM_GDT_CODE64 : SIMVMM_GDT_CODE32));
	assert_int_equal(s->cs.l, lm);
	assert_int_equal(s->cs.db, !lm);
	assert_int_equal(s->ss.selector, SIMVMM_SEL(SIMVMM_GDT_DATA));
	assert_int_equal(fk.regs.rip, SIMVMM_LOAD_ADDR);
	assert_int_equal(fk.regs.rsp, SIMVMM_STACK_TOP);
	assert_int_equal(fk.regs.rflags, X86_RFLAGS_FIXED);
}

/* The 4 PDs map 4 GiB 1:1 with 2 MiB pages. */
static void check_pds(void)
{
	const uint64_t flags = X86_PTE_P | X86_PTE_RW | X86_PTE_PS;

	assert_int_equal(ram64(SIMVMM_PD_ADDR), flags);
	assert_int_equal(ram64(SIMVMM_PD_ADDR + 8), (1ull << 21) | flags);
	assert_int_equal(ram64(SIMVMM_PAGE_TABLES_END - 8),
			 (2047ull << 21) | flags);
}

static void test_protected_mode(void **state)
{
	(void)state;
	assert_int_equal(cpu_mode_setup(&mfx.vcpu, CPU_MODE_PROTECTED,
					SIMVMM_LOAD_ADDR), 0);
	assert_int_equal(fk.sregs.cr0, SIMVMM_CR0_PROTECTED);
	assert_int_equal(fk.sregs.cr0 & X86_CR0_PG, 0);
	assert_int_equal(fk.sregs.cr4, SIMVMM_CR4_PROTECTED);
	assert_int_equal(fk.sregs.cr3, 0);
	assert_int_equal(fk.sregs.efer, 0);
	check_system_state(0);
	/* No page tables written: the PAE PDPT is left as it was. */
	assert_int_equal(ram64(SIMVMM_PAE_PDPT_ADDR), 0xa5a5a5a5a5a5a5a5ull);
}

static void test_paged_mode(void **state)
{
	unsigned int i;

	(void)state;
	assert_int_equal(cpu_mode_setup(&mfx.vcpu, CPU_MODE_PAGED,
					SIMVMM_LOAD_ADDR), 0);
	assert_int_equal(fk.sregs.cr0, SIMVMM_CR0_PAGED);
	assert_int_equal(fk.sregs.cr0 & ~X86_CR0_PG, SIMVMM_CR0_PROTECTED);
	assert_int_equal(fk.sregs.cr4, SIMVMM_CR4_PAGED);
	assert_true(fk.sregs.cr4 & X86_CR4_PAE);
	assert_int_equal(fk.sregs.cr3, SIMVMM_PAE_PDPT_ADDR);
	assert_int_equal(fk.sregs.efer, 0);
	check_system_state(0);
	/* PAE PDPTEs: present and nothing else (RW/US are reserved there). */
	for (i = 0; i < SIMVMM_PD_COUNT; i++)
		assert_int_equal(ram64(SIMVMM_PAE_PDPT_ADDR + 8 * i),
				 (SIMVMM_PD_ADDR + i * 0x1000) | X86_PAE_PDPTE_P);
	check_pds();
}

static void test_long_mode(void **state)
{
	(void)state;
	assert_int_equal(cpu_mode_setup(&mfx.vcpu, CPU_MODE_LONG,
					SIMVMM_LOAD_ADDR), 0);
	/* One CR0 and CR4 for every paged mode. */
	assert_int_equal(fk.sregs.cr0, SIMVMM_CR0_PAGED);
	assert_int_equal(fk.sregs.cr4, SIMVMM_CR4_PAGED);
	assert_int_equal(fk.sregs.cr3, SIMVMM_PML4_ADDR);
	assert_int_equal(fk.sregs.efer, X86_EFER_LME | X86_EFER_LMA);
	check_system_state(1);
	assert_int_equal(ram64(SIMVMM_PML4_ADDR),
			 SIMVMM_PDPT_ADDR | X86_PTE_P | X86_PTE_RW);
	assert_int_equal(ram64(SIMVMM_PML4_ADDR + 8), 0);
	assert_int_equal(ram64(SIMVMM_PDPT_ADDR + 24),
			 (SIMVMM_PD_ADDR + 0x3000) | X86_PTE_P | X86_PTE_RW);
	check_pds();
}

static void test_cr0_names(void **state)
{
	(void)state;
	assert_int_equal(SIMVMM_CR0_PROTECTED,
			 X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
			 X86_CR0_WP | X86_CR0_AM);
	assert_int_equal(SIMVMM_CR0_PROTECTED, 0x00050033);
	assert_int_equal(SIMVMM_CR0_PAGED, 0x80050033);
}

static void test_paged_refused_is_named(void **state)
{
	const char *err;

	(void)state;
	fk.set_sregs_err = EINVAL;
	err_begin();
	assert_int_equal(cpu_mode_setup(&mfx.vcpu, CPU_MODE_PAGED,
					SIMVMM_LOAD_ADDR), -EINVAL);
	err = err_end();
	assert_non_null(strstr(err, "simvmm: error: KVM_SET_SREGS (paged mode): Invalid argument\n"));
	assert_non_null(strstr(err, "this KVM refuses paging outside long mode"));

	/* The same refusal in protected mode says nothing about paging. */
	err_begin();
	assert_int_equal(cpu_mode_setup(&mfx.vcpu, CPU_MODE_PROTECTED,
					SIMVMM_LOAD_ADDR), -EINVAL);
	err = err_end();
	assert_non_null(strstr(err, "KVM_SET_SREGS (protected mode)"));
	assert_null(strstr(err, "paging"));
}

static void test_paged_entry_must_fit_eip(void **state)
{
	const char *err;

	(void)state;
	err_begin();
	assert_int_equal(cpu_mode_setup(&mfx.vcpu, CPU_MODE_PAGED,
					0x100000000ull), -EINVAL);
	err = err_end();
	assert_non_null(strstr(err, "paged-mode entry point 0x100000000 does not fit in the 32-bit EIP"));
}

static void test_too_little_ram_for_the_tables(void **state)
{
	const char *err;

	(void)state;
	/* RAM that ends inside the PDs. */
	fake_vm_init(&mfx.vm, mfx.mem, 0x5000);
	err_begin();
	assert_int_equal(cpu_mode_setup(&mfx.vcpu, CPU_MODE_PAGED,
					SIMVMM_LOAD_ADDR), -ENOMEM);
	err = err_end();
	assert_non_null(strstr(err, "guest RAM too small for the page directories at 0x3000"));
}

/* ---- names and reserved ranges ------------------------------------------ */

static void test_mode_names(void **state)
{
	static const char *const names[] = {
		"real", "protected", "long", "paged"
	};
	enum cpu_mode m;
	unsigned int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		assert_int_equal(cpu_mode_parse(names[i], &m), 0);
		assert_int_equal(m, (enum cpu_mode)i);
		assert_string_equal(cpu_mode_name(m), names[i]);
	}
	assert_int_equal(cpu_mode_parse("Paged", &m), -EINVAL);
	assert_int_equal(cpu_mode_parse("32p", &m), -EINVAL);
	assert_int_equal(cpu_mode_parse("", &m), -EINVAL);
}

static void test_reserved_ranges(void **state)
{
	uint64_t start, end;

	(void)state;
	cpu_mode_reserved(CPU_MODE_REAL, &start, &end);
	assert_int_equal(start, end);
	cpu_mode_reserved(CPU_MODE_PROTECTED, &start, &end);
	assert_int_equal(start, SIMVMM_GDT_ADDR);
	assert_int_equal(end, SIMVMM_GUEST_TSS_ADDR + X86_TSS_SIZE);
	cpu_mode_reserved(CPU_MODE_PAGED, &start, &end);
	assert_int_equal(start, SIMVMM_GDT_ADDR);
	assert_true(start <= SIMVMM_PAE_PDPT_ADDR &&
		    end >= SIMVMM_PAE_PDPT_ADDR + 32);
	assert_int_equal(end, SIMVMM_PAGE_TABLES_END);
	assert_true(end <= SIMVMM_LOAD_ADDR);
	cpu_mode_reserved(CPU_MODE_LONG, &start, &end);
	assert_int_equal(start, SIMVMM_GDT_ADDR);
	assert_int_equal(end, SIMVMM_PAGE_TABLES_END);
}

static void test_loader_keeps_images_off_the_tables(void **state)
{
	static const uint8_t hlt = 0xf4;
	const char *err;

	(void)state;
	/* The TSS is the protected mode's now. */
	err_begin();
	assert_int_equal(loader_place(&mfx.vm, CPU_MODE_PROTECTED, 0x740,
				      &hlt, 1, "t.bin"), -EINVAL);
	err = err_end();
	assert_non_null(strstr(err, "overlaps the protected-mode GDT/page tables at [0x600, 0x768)"));
	assert_int_equal(loader_place(&mfx.vm, CPU_MODE_PROTECTED, 0x768,
				      &hlt, 1, "t.bin"), 0);

	/* Paged mode: the PAE PDPT and the PDs. */
	err_begin();
	assert_int_equal(loader_place(&mfx.vm, CPU_MODE_PAGED, 0x780,
				      &hlt, 1, "t.bin"), -EINVAL);
	assert_int_equal(loader_place(&mfx.vm, CPU_MODE_PAGED, 0x6fff,
				      &hlt, 1, "t.bin"), -EINVAL);
	err = err_end();
	assert_non_null(strstr(err, "overlaps the paged-mode GDT/page tables at [0x600, 0x7000)"));
	assert_int_equal(loader_place(&mfx.vm, CPU_MODE_PAGED, 0x7000,
				      &hlt, 1, "t.bin"), 0);
}

/* ---- the poll transport needs ioeventfds ---------------------------------- */

static void test_poll_without_ioeventfd(void **state)
{
	struct simvirtio_params p = {
		.transport = SIMVIRTIO_POLL, .out = NULL, .in = NULL,
	};
	const char *err;

	(void)state;
	mfx.vm.sys_fd = FAKE_SYS_FD;
	mfx.vm.fd = FAKE_VM_FD;
	fk.cap_ioeventfd = 0;
	err_begin();
	assert_int_equal(simvirtio_attach(&mfx.vm, &p, NULL), -ENOTSUP);
	err = err_end();
	assert_non_null(strstr(err, "simvmm: error: simvirtio: --transport poll needs KVM_CAP_IOEVENTFD, which this KVM lacks; use --transport exit"));
	/* Refused before any slot was mapped. */
	assert_int_equal(fk.memory_regions, 0);
	fake_vm_release(&mfx.vm);
}

static int group_teardown(void **state)
{
	(void)state;
	free(fk.set_cpuid);
	fk.set_cpuid = NULL;
	return 0;
}

#define MODE_TEST(fn) cmocka_unit_test_setup_teardown(fn, mode_setup, \
						     mode_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_cpuid_fits_first_buffer, reset),
		cmocka_unit_test_setup(test_cpuid_grows_on_e2big, reset),
		cmocka_unit_test_setup(test_cpuid_growth_is_bounded, reset),
		cmocka_unit_test_setup(test_cpuid_get_error, reset),
		cmocka_unit_test_setup(test_cpuid_set_vcpu_apic_id, reset),
		cmocka_unit_test_setup(test_cpuid_set_refused, reset),
		cmocka_unit_test_setup(test_vcpu_create_sets_cpuid, reset),
		cmocka_unit_test_setup(test_vcpu_create_unwinds_on_cpuid_failure,
				       reset),
		cmocka_unit_test_setup(test_vcpu_create_sets_kick_only_mask,
				       reset),
		cmocka_unit_test_setup(test_vcpu_create_unwinds_on_mask_failure,
				       reset),
		MODE_TEST(test_protected_mode),
		MODE_TEST(test_paged_mode),
		MODE_TEST(test_long_mode),
		cmocka_unit_test(test_cr0_names),
		MODE_TEST(test_paged_refused_is_named),
		MODE_TEST(test_paged_entry_must_fit_eip),
		MODE_TEST(test_too_little_ram_for_the_tables),
		cmocka_unit_test(test_mode_names),
		cmocka_unit_test(test_reserved_ranges),
		MODE_TEST(test_loader_keeps_images_off_the_tables),
		MODE_TEST(test_poll_without_ioeventfd),
	};

	log_set_quiet(true);
	return cmocka_run_group_tests_name("cpu_setup", tests, NULL,
					   group_teardown);
}

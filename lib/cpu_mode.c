// SPDX-License-Identifier: GPL-2.0
/* Real, protected and long mode setup: GDT, page tables and registers. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <simvmm/memmap.h>
#include <simvmm/x86.h>

#include "cpu_mode.h"
#include "log.h"

const char *cpu_mode_name(enum cpu_mode mode)
{
	switch (mode) {
	case CPU_MODE_REAL:
		return "real";
	case CPU_MODE_PROTECTED:
		return "protected";
	case CPU_MODE_LONG:
		return "long";
	}
	return "?";
}

int cpu_mode_parse(const char *s, enum cpu_mode *mode)
{
	if (!strcmp(s, "real") || !strcmp(s, "16"))
		*mode = CPU_MODE_REAL;
	else if (!strcmp(s, "protected") || !strcmp(s, "32"))
		*mode = CPU_MODE_PROTECTED;
	else if (!strcmp(s, "long") || !strcmp(s, "64"))
		*mode = CPU_MODE_LONG;
	else
		return -EINVAL;
	return 0;
}

void cpu_mode_reserved(enum cpu_mode mode, uint64_t *start, uint64_t *end)
{
	switch (mode) {
	case CPU_MODE_REAL:
		*start = 0;
		*end = 0;
		break;
	case CPU_MODE_PROTECTED:
		*start = SIMVMM_GDT_ADDR;
		*end = SIMVMM_GDT_ADDR + SIMVMM_GDT_SIZE;
		break;
	case CPU_MODE_LONG:
		*start = SIMVMM_GDT_ADDR;
		*end = SIMVMM_PD_ADDR + SIMVMM_PD_COUNT * 0x1000;
		break;
	}
}

/* The descriptor KVM's struct kvm_segment describes, as the CPU stores it. */
static uint64_t gdt_entry(const struct kvm_segment *s)
{
	uint32_t limit = s->g ? s->limit >> 12 : s->limit;
	uint64_t d;

	d = (limit & 0xffffull) | ((s->base & 0xffffffull) << 16);
	d |= (uint64_t)(s->type & 0xf) << 40;
	d |= (uint64_t)(s->s & 1) << 44;
	d |= (uint64_t)(s->dpl & 3) << 45;
	d |= (uint64_t)(s->present & 1) << 47;
	d |= (uint64_t)((limit >> 16) & 0xf) << 48;
	d |= (uint64_t)(s->avl & 1) << 52;
	d |= (uint64_t)(s->l & 1) << 53;
	d |= (uint64_t)(s->db & 1) << 54;
	d |= (uint64_t)(s->g & 1) << 55;
	d |= (uint64_t)((s->base >> 24) & 0xff) << 56;
	return d;
}

static void flat_segment(struct kvm_segment *s, unsigned int gdt_index,
			 uint8_t type, int long_code)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = SIMVMM_SEL(gdt_index);
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = long_code;
	s->db = !long_code;
}

static int setup_gdt(struct vcpu *vcpu, struct kvm_sregs *sregs, int lm)
{
	struct kvm_segment code32, data, code64;
	uint64_t *gdt;

	gdt = vm_gpa_to_hva(vcpu->vm, SIMVMM_GDT_ADDR,
			    SIMVMM_GDT_ENTRIES * sizeof(*gdt));
	if (!gdt) {
		pr_err("guest RAM too small for the GDT at 0x%x",
		       SIMVMM_GDT_ADDR);
		return -ENOMEM;
	}
	flat_segment(&code32, SIMVMM_GDT_CODE32, X86_SEG_TYPE_CODE_RX, 0);
	flat_segment(&data, SIMVMM_GDT_DATA, X86_SEG_TYPE_DATA_RW, 0);
	flat_segment(&code64, SIMVMM_GDT_CODE64, X86_SEG_TYPE_CODE_RX, 1);

	gdt[SIMVMM_GDT_NULL] = 0;
	gdt[SIMVMM_GDT_CODE32] = gdt_entry(&code32);
	gdt[SIMVMM_GDT_DATA] = gdt_entry(&data);
	gdt[SIMVMM_GDT_CODE64] = gdt_entry(&code64);

	sregs->gdt.base = SIMVMM_GDT_ADDR;
	sregs->gdt.limit = SIMVMM_GDT_ENTRIES * sizeof(*gdt) - 1;
	sregs->cs = lm ? code64 : code32;
	sregs->ds = data;
	sregs->es = data;
	sregs->fs = data;
	sregs->gs = data;
	sregs->ss = data;
	return 0;
}

/* Identity-map the first 4 GiB with 2 MiB pages. */
static int setup_page_tables(struct vcpu *vcpu)
{
	uint64_t *pml4, *pdpt, *pd;
	unsigned int i;

	pml4 = vm_gpa_to_hva(vcpu->vm, SIMVMM_PML4_ADDR, 0x1000);
	pdpt = vm_gpa_to_hva(vcpu->vm, SIMVMM_PDPT_ADDR, 0x1000);
	pd = vm_gpa_to_hva(vcpu->vm, SIMVMM_PD_ADDR,
			   SIMVMM_PD_COUNT * 0x1000);
	if (!pml4 || !pdpt || !pd) {
		pr_err("guest RAM too small for the page tables at 0x%x",
		       SIMVMM_PML4_ADDR);
		return -ENOMEM;
	}

	memset(pml4, 0, 0x1000);
	memset(pdpt, 0, 0x1000);
	pml4[0] = SIMVMM_PDPT_ADDR | X86_PTE_P | X86_PTE_RW;
	for (i = 0; i < SIMVMM_PD_COUNT; i++)
		pdpt[i] = (SIMVMM_PD_ADDR + i * 0x1000) | X86_PTE_P |
			  X86_PTE_RW;
	for (i = 0; i < SIMVMM_PD_COUNT * 512; i++)
		pd[i] = ((uint64_t)i << 21) | X86_PTE_P | X86_PTE_RW |
			X86_PTE_PS;
	return 0;
}

/* 1 MiB as the assignment asks, or the end of low RAM when it is smaller. */
static uint64_t stack_top(const struct vm *vm)
{
	uint64_t low = vm->slots[0].size;

	return low < SIMVMM_STACK_TOP ? low : SIMVMM_STACK_TOP;
}

int cpu_mode_setup(struct vcpu *vcpu, enum cpu_mode mode, uint64_t entry)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int err;

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) < 0) {
		err = -errno;
		pr_err("KVM_GET_SREGS: %s", strerror(-err));
		return err;
	}

	memset(&regs, 0, sizeof(regs));
	regs.rflags = X86_RFLAGS_FIXED;
	regs.rip = entry;

	switch (mode) {
	case CPU_MODE_REAL:
		if (entry > 0xffff) {
			pr_err("real-mode entry point 0x%llx is above 0xffff: CS is 0, so IP cannot reach it",
			       (unsigned long long)entry);
			return -EINVAL;
		}
		sregs.cs.selector = 0;
		sregs.cs.base = 0;
		regs.rsp = SIMVMM_RM_STACK_TOP;
		break;
	case CPU_MODE_PROTECTED:
		if (entry > 0xffffffffull) {
			pr_err("protected-mode entry point 0x%llx does not fit in the 32-bit EIP",
			       (unsigned long long)entry);
			return -EINVAL;
		}
		err = setup_gdt(vcpu, &sregs, 0);
		if (err)
			return err;
		sregs.cr0 = X86_CR0_PE | X86_CR0_ET;
		sregs.cr4 = 0;
		sregs.efer = 0;
		regs.rsp = stack_top(vcpu->vm);
		break;
	case CPU_MODE_LONG:
		if (entry >= (uint64_t)SIMVMM_PD_COUNT << 30) {
			pr_err("long-mode entry point 0x%llx is outside the identity map of the first %u GiB",
			       (unsigned long long)entry, SIMVMM_PD_COUNT);
			return -EINVAL;
		}
		err = setup_gdt(vcpu, &sregs, 1);
		if (!err)
			err = setup_page_tables(vcpu);
		if (err)
			return err;
		sregs.cr3 = SIMVMM_PML4_ADDR;
		sregs.cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
		sregs.cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET |
			    X86_CR0_NE | X86_CR0_WP | X86_CR0_AM | X86_CR0_PG;
		sregs.efer = X86_EFER_LME | X86_EFER_LMA;
		regs.rsp = stack_top(vcpu->vm);
		break;
	default:
		return -EINVAL;
	}

	if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs) < 0) {
		err = -errno;
		pr_err("KVM_SET_SREGS (%s mode): %s", cpu_mode_name(mode),
		       strerror(-err));
		return err;
	}
	if (ioctl(vcpu->fd, KVM_SET_REGS, &regs) < 0) {
		err = -errno;
		pr_err("KVM_SET_REGS: %s", strerror(-err));
		return err;
	}
	return 0;
}

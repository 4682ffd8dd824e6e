// SPDX-License-Identifier: GPL-2.0
/*
 * Real, protected, paged and long mode setup: GDT, TSS, page tables and
 * registers, with every value the KVM API leaves to the VMM set explicitly.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <simvmm/memmap.h>
#include <simvmm/x86.h>

#include "cpu_mode.h"
#include "log.h"

/* The tables fit where memmap.h puts them, and do not overlap. */
_Static_assert(SIMVMM_GDT_ENTRIES * 8 <= SIMVMM_GDT_SIZE, "GDT too big");
_Static_assert(SIMVMM_GDT_ADDR + SIMVMM_GDT_SIZE <= SIMVMM_GUEST_TSS_ADDR,
	       "GDT runs into the TSS");
_Static_assert(SIMVMM_GUEST_TSS_ADDR + X86_TSS_SIZE <= SIMVMM_PAE_PDPT_ADDR,
	       "TSS runs into the PAE PDPT");
_Static_assert(SIMVMM_PAE_PDPT_ADDR % 32 == 0, "PAE PDPT must be 32-byte aligned");
_Static_assert(SIMVMM_PAE_PDPT_ADDR + 32 <= SIMVMM_PML4_ADDR,
	       "PAE PDPT runs into the PML4");
_Static_assert(SIMVMM_PD_COUNT == 4, "PAE has exactly 4 PDPT entries");
_Static_assert(SIMVMM_PAGE_TABLES_END + 0x1000 <= SIMVMM_RM_STACK_TOP,
	       "page tables run into the real-mode stack");

const char *cpu_mode_name(enum cpu_mode mode)
{
	switch (mode) {
	case CPU_MODE_REAL:
		return "real";
	case CPU_MODE_PROTECTED:
		return "protected";
	case CPU_MODE_LONG:
		return "long";
	case CPU_MODE_PAGED:
		return "paged";
	}
	return "?";
}

int cpu_mode_parse(const char *s, enum cpu_mode *mode)
{
	if (!strcmp(s, "real") || !strcmp(s, "16"))
		*mode = CPU_MODE_REAL;
	else if (!strcmp(s, "protected") || !strcmp(s, "32"))
		*mode = CPU_MODE_PROTECTED;
	else if (!strcmp(s, "paged"))
		*mode = CPU_MODE_PAGED;
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
		*end = SIMVMM_GUEST_TSS_ADDR + X86_TSS_SIZE;
		break;
	case CPU_MODE_PAGED:
	case CPU_MODE_LONG:
		/* GDT, TSS, PAE PDPT or PML4 and PDPT, and the PDs. */
		*start = SIMVMM_GDT_ADDR;
		*end = SIMVMM_PAGE_TABLES_END;
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

/*
 * The GDT and the segment registers: flat code and data, and TR on a busy
 * TSS (a 16-byte descriptor in long mode). The CPU reads the TSS only on
 * a privilege change or for the I/O bitmap when CPL > IOPL, which a CPL-0
 * guest never causes; it is there so that TR is what the architecture
 * (and VMX's entry checks) require.
 */
static int setup_segments(struct vcpu *vcpu, struct kvm_sregs *sregs, int lm)
{
	struct kvm_segment code32, data, code64, tr;
	uint64_t *gdt;
	uint8_t *tss;
	uint16_t iomap = X86_TSS_SIZE;	/* no I/O bitmap */

	gdt = vm_gpa_to_hva(vcpu->vm, SIMVMM_GDT_ADDR,
			    SIMVMM_GDT_ENTRIES * sizeof(*gdt));
	tss = vm_gpa_to_hva(vcpu->vm, SIMVMM_GUEST_TSS_ADDR, X86_TSS_SIZE);
	if (!gdt || !tss) {
		pr_err("guest RAM too small for the GDT and TSS at 0x%x",
		       SIMVMM_GDT_ADDR);
		return -ENOMEM;
	}
	flat_segment(&code32, SIMVMM_GDT_CODE32, X86_SEG_TYPE_CODE_RX, 0);
	flat_segment(&data, SIMVMM_GDT_DATA, X86_SEG_TYPE_DATA_RW, 0);
	flat_segment(&code64, SIMVMM_GDT_CODE64, X86_SEG_TYPE_CODE_RX, 1);

	memset(&tr, 0, sizeof(tr));
	tr.base = SIMVMM_GUEST_TSS_ADDR;
	tr.limit = X86_TSS_SIZE - 1;
	tr.selector = SIMVMM_SEL(SIMVMM_GDT_TSS);
	tr.type = X86_SEG_TYPE_TSS_BUSY;
	tr.present = 1;

	memset(tss, 0, X86_TSS_SIZE);
	memcpy(tss + X86_TSS_IOMAP_BASE, &iomap, sizeof(iomap));

	gdt[SIMVMM_GDT_NULL] = 0;
	gdt[SIMVMM_GDT_CODE32] = gdt_entry(&code32);
	gdt[SIMVMM_GDT_DATA] = gdt_entry(&data);
	gdt[SIMVMM_GDT_CODE64] = gdt_entry(&code64);
	gdt[SIMVMM_GDT_TSS] = gdt_entry(&tr);
	/* Long mode: base bits 63:32; elsewhere an empty descriptor. */
	gdt[SIMVMM_GDT_TSS + 1] = lm ? tr.base >> 32 : 0;

	sregs->gdt.base = SIMVMM_GDT_ADDR;
	sregs->gdt.limit = SIMVMM_GDT_ENTRIES * sizeof(*gdt) - 1;
	sregs->cs = lm ? code64 : code32;
	sregs->ds = data;
	sregs->es = data;
	sregs->fs = data;
	sregs->gs = data;
	sregs->ss = data;
	sregs->tr = tr;

	/* No LDT: a null, unusable LDTR. */
	memset(&sregs->ldt, 0, sizeof(sregs->ldt));
	sregs->ldt.type = X86_SEG_TYPE_LDT;
	sregs->ldt.unusable = 1;

	/* No IDT: any exception becomes a triple fault, which simvmm reports. */
	sregs->idt.base = 0;
	sregs->idt.limit = 0;
	return 0;
}

/* The 4 PDs: the first 4 GiB, identity-mapped with 2 MiB pages. */
static int setup_pds(struct vcpu *vcpu)
{
	uint64_t *pd;
	unsigned int i;

	pd = vm_gpa_to_hva(vcpu->vm, SIMVMM_PD_ADDR,
			   SIMVMM_PD_COUNT * 0x1000);
	if (!pd) {
		pr_err("guest RAM too small for the page directories at 0x%x",
		       SIMVMM_PD_ADDR);
		return -ENOMEM;
	}
	for (i = 0; i < SIMVMM_PD_COUNT * 512; i++)
		pd[i] = ((uint64_t)i << 21) | X86_PTE_P | X86_PTE_RW |
			X86_PTE_PS;
	return 0;
}

/* Long mode: PML4 -> PDPT -> the 4 PDs. */
static int setup_long_page_tables(struct vcpu *vcpu)
{
	uint64_t *pml4, *pdpt;
	unsigned int i;

	pml4 = vm_gpa_to_hva(vcpu->vm, SIMVMM_PML4_ADDR, 0x1000);
	pdpt = vm_gpa_to_hva(vcpu->vm, SIMVMM_PDPT_ADDR, 0x1000);
	if (!pml4 || !pdpt) {
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
	return setup_pds(vcpu);
}

/* Paged mode: the 4-entry PAE PDPT -> the same 4 PDs as long mode. */
static int setup_pae_page_tables(struct vcpu *vcpu)
{
	uint64_t *pdpt;
	unsigned int i;

	pdpt = vm_gpa_to_hva(vcpu->vm, SIMVMM_PAE_PDPT_ADDR,
			     SIMVMM_PD_COUNT * sizeof(*pdpt));
	if (!pdpt) {
		pr_err("guest RAM too small for the page tables at 0x%x",
		       SIMVMM_PAE_PDPT_ADDR);
		return -ENOMEM;
	}
	for (i = 0; i < SIMVMM_PD_COUNT; i++)
		pdpt[i] = (SIMVMM_PD_ADDR + i * 0x1000) | X86_PAE_PDPTE_P;
	return setup_pds(vcpu);
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
	case CPU_MODE_PAGED:
		if (entry > 0xffffffffull) {
			pr_err("%s-mode entry point 0x%llx does not fit in the 32-bit EIP",
			       cpu_mode_name(mode), (unsigned long long)entry);
			return -EINVAL;
		}
		err = setup_segments(vcpu, &sregs, 0);
		if (!err && mode == CPU_MODE_PAGED)
			err = setup_pae_page_tables(vcpu);
		if (err)
			return err;
		if (mode == CPU_MODE_PAGED) {
			sregs.cr3 = SIMVMM_PAE_PDPT_ADDR;
			sregs.cr4 = SIMVMM_CR4_PAGED;
			sregs.cr0 = SIMVMM_CR0_PAGED;
		} else {
			sregs.cr3 = 0;
			sregs.cr4 = SIMVMM_CR4_PROTECTED;
			sregs.cr0 = SIMVMM_CR0_PROTECTED;
		}
		sregs.efer = 0;
		regs.rsp = stack_top(vcpu->vm);
		break;
	case CPU_MODE_LONG:
		if (entry >= (uint64_t)SIMVMM_PD_COUNT << 30) {
			pr_err("long-mode entry point 0x%llx is outside the identity map of the first %u GiB",
			       (unsigned long long)entry, SIMVMM_PD_COUNT);
			return -EINVAL;
		}
		err = setup_segments(vcpu, &sregs, 1);
		if (!err)
			err = setup_long_page_tables(vcpu);
		if (err)
			return err;
		sregs.cr3 = SIMVMM_PML4_ADDR;
		sregs.cr4 = SIMVMM_CR4_PAGED;
		sregs.cr0 = SIMVMM_CR0_PAGED;
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
		if (mode == CPU_MODE_PAGED)
			pr_detail("  the likely cause: this KVM refuses paging outside long mode, as some nested KVMs (kvm-pvm) do; run the guest in protected or long mode");
		return err;
	}
	if (ioctl(vcpu->fd, KVM_SET_REGS, &regs) < 0) {
		err = -errno;
		pr_err("KVM_SET_REGS: %s", strerror(-err));
		return err;
	}
	return 0;
}

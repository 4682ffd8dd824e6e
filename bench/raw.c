// SPDX-License-Identifier: GPL-2.0
/* The raw-KVM floor: VM, vCPU, real and long mode, in as few steps as KVM allows. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <simvmm/x86.h>

#include "raw.h"

/* Where the floor keeps its tables; any free low RAM would do. */
#define RAW_GDT		0x600
#define RAW_PML4	0x1000
#define RAW_PDPT	0x2000
#define RAW_PD		0x3000
#define RAW_TSS		0xfffbd000
#define RAW_STACK	0x100000

int raw_open_kvm(void)
{
	int fd, err;

	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		err = -ENOTSUP;
		close(fd);
		return err;
	}
	return fd;
}

int raw_vm_create(int kvm, size_t mem_size, struct raw_vm *v)
{
	struct kvm_userspace_memory_region region;
	int run_size, err;

	memset(v, 0, sizeof(*v));
	v->vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (v->vm < 0)
		return -errno;
	if (ioctl(v->vm, KVM_SET_TSS_ADDR, RAW_TSS) < 0) {
		err = -errno;
		goto err_vm;
	}
	v->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (v->mem == MAP_FAILED) {
		err = -errno;
		goto err_vm;
	}
	v->mem_size = mem_size;
	madvise(v->mem, mem_size, MADV_MERGEABLE);
	region = (struct kvm_userspace_memory_region) {
		.memory_size = mem_size,
		.userspace_addr = (uintptr_t)v->mem,
	};
	if (ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		err = -errno;
		goto err_mem;
	}
	v->vcpu = ioctl(v->vm, KVM_CREATE_VCPU, 0);
	if (v->vcpu < 0) {
		err = -errno;
		goto err_mem;
	}
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (int)sizeof(struct kvm_run)) {
		err = -EINVAL;
		goto err_vcpu;
	}
	v->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->vcpu, 0);
	if (v->run == MAP_FAILED) {
		err = -errno;
		goto err_vcpu;
	}
	v->run_size = run_size;
	return 0;

err_vcpu:
	close(v->vcpu);
err_mem:
	munmap(v->mem, mem_size);
err_vm:
	close(v->vm);
	return err;
}

static int raw_load(struct raw_vm *v, const void *img, size_t len,
		    uint64_t addr)
{
	if (addr > v->mem_size || len > v->mem_size - addr)
		return -ENOSPC;
	memcpy(v->mem + addr, img, len);
	return 0;
}

static int raw_set_regs(struct raw_vm *v, struct kvm_sregs *sregs,
			uint64_t rip, uint64_t rsp)
{
	struct kvm_regs regs;

	memset(&regs, 0, sizeof(regs));
	regs.rflags = X86_RFLAGS_FIXED;
	regs.rip = rip;
	regs.rsp = rsp;
	if (ioctl(v->vcpu, KVM_SET_SREGS, sregs) < 0 ||
	    ioctl(v->vcpu, KVM_SET_REGS, &regs) < 0)
		return -errno;
	return 0;
}

int raw_setup_real(struct raw_vm *v, const void *img, size_t len,
		   uint64_t addr)
{
	struct kvm_sregs sregs;
	int err;

	err = raw_load(v, img, len, addr);
	if (err)
		return err;
	if (ioctl(v->vcpu, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	return raw_set_regs(v, &sregs, addr, 0x8000);
}

static void raw_segment(struct kvm_segment *s, uint16_t sel, uint8_t type,
			int code64)
{
	memset(s, 0, sizeof(*s));
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = code64;
	s->db = !code64;
}

int raw_setup_long(struct raw_vm *v, const void *img, size_t len,
		   uint64_t addr)
{
	uint64_t *gdt = (uint64_t *)(v->mem + RAW_GDT);
	uint64_t *pml4 = (uint64_t *)(v->mem + RAW_PML4);
	uint64_t *pdpt = (uint64_t *)(v->mem + RAW_PDPT);
	uint64_t *pd = (uint64_t *)(v->mem + RAW_PD);
	struct kvm_sregs sregs;
	unsigned int i;
	int err;

	err = raw_load(v, img, len, addr);
	if (err)
		return err;
	if (ioctl(v->vcpu, KVM_GET_SREGS, &sregs) < 0)
		return -errno;

	/* null, 64-bit code, data: the descriptors as the CPU stores them */
	gdt[0] = 0;
	gdt[1] = 0x00af9b000000ffffull;
	gdt[2] = 0x00cf93000000ffffull;
	pml4[0] = RAW_PDPT | X86_PTE_P | X86_PTE_RW;
	pdpt[0] = RAW_PD | X86_PTE_P | X86_PTE_RW;
	for (i = 0; i < 512; i++)
		pd[i] = ((uint64_t)i << 21) | X86_PTE_P | X86_PTE_RW |
			X86_PTE_PS;

	sregs.gdt.base = RAW_GDT;
	sregs.gdt.limit = 3 * 8 - 1;
	raw_segment(&sregs.cs, 8, X86_SEG_TYPE_CODE_RX, 1);
	raw_segment(&sregs.ds, 16, X86_SEG_TYPE_DATA_RW, 0);
	sregs.es = sregs.ds;
	sregs.fs = sregs.ds;
	sregs.gs = sregs.ds;
	sregs.ss = sregs.ds;
	sregs.cr3 = RAW_PML4;
	sregs.cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	sregs.cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
		    X86_CR0_WP | X86_CR0_AM | X86_CR0_PG;
	sregs.efer = X86_EFER_LME | X86_EFER_LMA;
	return raw_set_regs(v, &sregs, addr, RAW_STACK);
}

void raw_vm_destroy(struct raw_vm *v)
{
	munmap(v->run, v->run_size);
	close(v->vcpu);
	munmap(v->mem, v->mem_size);
	close(v->vm);
}

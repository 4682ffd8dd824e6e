// SPDX-License-Identifier: GPL-2.0
/* The vCPU loop: KVM_RUN, one switch on the exit reason, bus dispatch. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <simvmm/x86.h>

#include "cpuid.h"
#include "kvm.h"
#include "log.h"
#include "vcpu.h"

int vcpu_create(struct vm *vm, unsigned int id, struct vcpu **out)
{
	struct vcpu *vcpu;
	int err;

	vcpu = calloc(1, sizeof(*vcpu));
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	sigemptyset(&vcpu->stop_signals);

	vcpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0) {
		err = -errno;
		pr_err("KVM_CREATE_VCPU %u: %s", id, strerror(-err));
		goto err_free;
	}
	/* Before its registers are set: KVM checks them against CPUID. */
	err = cpuid_set_vcpu(vm->sys_fd, vcpu->fd, id);
	if (err)
		goto err_close;
	vcpu->run = mmap(NULL, vm->vcpu_mmap_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		err = -errno;
		pr_err("mapping the kvm_run area of vCPU %u: %s", id,
		       strerror(-err));
		goto err_close;
	}
	*out = vcpu;
	return 0;

err_close:
	close(vcpu->fd);
err_free:
	free(vcpu);
	return err;
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (!vcpu)
		return;
	munmap(vcpu->run, vcpu->vm->vcpu_mmap_size);
	close(vcpu->fd);
	free(vcpu);
}

int vcpu_set_stop_signals(struct vcpu *vcpu, const sigset_t *sigs)
{
	struct {
		struct kvm_signal_mask hdr;
		uint8_t set[8];	/* the kernel's sigset_t on x86-64 */
	} mask;
	sigset_t run_mask;
	int sig, err;

	/* The mask KVM applies while the guest runs: ours minus @sigs. */
	if (pthread_sigmask(SIG_BLOCK, NULL, &run_mask))
		return -EINVAL;
	for (sig = 1; sig < 65; sig++)
		if (sigismember(sigs, sig) == 1)
			sigdelset(&run_mask, sig);

	mask.hdr.len = sizeof(mask.set);
	memcpy(mask.set, &run_mask, sizeof(mask.set));
	if (ioctl(vcpu->fd, KVM_SET_SIGNAL_MASK, &mask) < 0) {
		err = -errno;
		pr_err("KVM_SET_SIGNAL_MASK: %s", strerror(-err));
		return err;
	}
	vcpu->stop_signals = *sigs;
	return 0;
}

/* A pending stop signal, consumed; 0 if none. */
static int take_stop_signal(struct vcpu *vcpu)
{
	const struct timespec zero = { 0, 0 };
	int sig;

	sig = sigtimedwait(&vcpu->stop_signals, NULL, &zero);
	return sig > 0 ? sig : 0;
}

static int handle_io(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint32_t size = run->io.size, count = run->io.count, i;
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;
	uint64_t off = run->io.data_offset;
	uint8_t *data = (uint8_t *)run;
	int err;

	/* KVM fills these, but a bad one must not send us off the page. */
	if ((size != 1 && size != 2 && size != 4) || count == 0 ||
	    off > (uint64_t)vcpu->vm->vcpu_mmap_size ||
	    (uint64_t)size * count > vcpu->vm->vcpu_mmap_size - off) {
		pr_err("malformed I/O exit: port 0x%x size %u count %u offset %llu",
		       run->io.port, size, count, (unsigned long long)off);
		return -EPROTO;
	}
	for (i = 0; i < count; i++) {
		err = bus_access(&vcpu->vm->bus, BUS_PIO, run->io.port,
				 data + off + (uint64_t)i * size, size,
				 is_write);
		if (err)
			return err;
		if (vcpu->vm->stop != VM_RUNNING)
			break;
	}
	return 0;
}

static int handle_mmio(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	if (run->mmio.len == 0 || run->mmio.len > sizeof(run->mmio.data)) {
		pr_err("malformed MMIO exit: address 0x%llx length %u",
		       (unsigned long long)run->mmio.phys_addr, run->mmio.len);
		return -EPROTO;
	}
	return bus_access(&vcpu->vm->bus, BUS_MMIO, run->mmio.phys_addr,
			  run->mmio.data, run->mmio.len, run->mmio.is_write);
}

static uint64_t vcpu_rip(const struct vcpu *vcpu)
{
	struct kvm_regs regs;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &regs) < 0)
		return ~0ull;
	return regs.rip;
}

/* Say why the guest cannot go on, with what KVM told us. */
static void report_fault(const struct vcpu *vcpu)
{
	const struct kvm_run *run = vcpu->run;
	struct kvm_sregs sregs;
	uint32_t i;

	pr_err("guest stopped by %s at RIP=0x%llx",
	       kvm_exit_name(run->exit_reason),
	       (unsigned long long)vcpu_rip(vcpu));
	switch (run->exit_reason) {
	case KVM_EXIT_SHUTDOWN:
		pr_detail("  the guest triple-faulted (an exception it could not handle)");
		if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) == 0 &&
		    (sregs.cr0 & X86_CR0_PG) && !(sregs.efer & X86_EFER_LMA))
			pr_detail("  note: the guest enabled paging outside long mode; some KVMs (nested, kvm-pvm) support paging only in long mode");
		break;
	case KVM_EXIT_FAIL_ENTRY:
		pr_detail("  hardware_entry_failure_reason=0x%llx cpu=%u",
			(unsigned long long)run->fail_entry.hardware_entry_failure_reason,
			run->fail_entry.cpu);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		pr_detail("  suberror=%u%s ndata=%u", run->internal.suberror,
			run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ?
			" (instruction emulation failed)" : "",
			run->internal.ndata);
		for (i = 0; i < run->internal.ndata && i < 16; i++)
			pr_detail("  data[%u]=0x%llx", i,
				(unsigned long long)run->internal.data[i]);
		break;
	default:
		pr_detail("  simvmm does not handle exit reason %u",
			run->exit_reason);
		break;
	}
	vcpu_dump_regs(vcpu);
}

uint64_t vcpu_now_ns(void)
{
	struct timespec ts;

	/* vDSO on a TSC clocksource: tens of ns, against microsecond exits. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int vcpu_run(struct vcpu *vcpu, struct vcpu_result *res)
{
	const struct vcpu_hooks *hooks = vcpu->hooks;
	bool timed = hooks && hooks->post && hooks->timed;
	struct vcpu_exit_time t = { 0, 0, 0 };
	struct kvm_run *run = vcpu->run;
	struct vm *vm = vcpu->vm;
	int err, sig;

	memset(res, 0, sizeof(*res));
	for (;;) {
		if (timed)
			t.enter_ns = vcpu_now_ns();
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			err = -errno;
			if (err != -EINTR && err != -EAGAIN) {
				pr_err("KVM_RUN: %s", strerror(-err));
				return err;
			}
			/*
			 * KVM sets this itself for a signal; EAGAIN does not,
			 * and the switch and the hooks must see this exit too.
			 */
			run->exit_reason = KVM_EXIT_INTR;
		}
		if (timed)
			t.exit_ns = vcpu_now_ns();

		res->exit_reason = run->exit_reason;
		if (hooks && hooks->pre)
			hooks->pre(vcpu->hooks_priv, run);

		switch (run->exit_reason) {
		case KVM_EXIT_INTR:
			/* A stop signal ends the run; any other is spurious. */
			sig = take_stop_signal(vcpu);
			err = 0;
			if (sig) {
				res->kind = VCPU_SIGNAL;
				res->code = sig;
				err = 1;
			}
			break;
		case KVM_EXIT_IO:
			err = handle_io(vcpu);
			break;
		case KVM_EXIT_MMIO:
			err = handle_mmio(vcpu);
			break;
		case KVM_EXIT_HLT:
			res->kind = VCPU_HALTED;
			err = 1;
			break;
		default:
			/* SHUTDOWN, FAIL_ENTRY, INTERNAL_ERROR, the unexpected */
			report_fault(vcpu);
			res->kind = VCPU_GUEST_FAULT;
			err = 1;
			break;
		}

		if (timed)
			t.done_ns = vcpu_now_ns();
		if (hooks && hooks->post)
			hooks->post(vcpu->hooks_priv, run, &t);

		if (err > 0)
			return 0;
		if (err < 0 || vm->stop == VM_STOP_DEVICE_ERROR) {
			res->kind = VCPU_DEVICE_ERROR;
			res->code = vm->stop_code;
			pr_detail("  at RIP=0x%llx", (unsigned long long)vcpu_rip(vcpu));
			return 0;
		}
		if (vm->stop == VM_STOP_GUEST_EXIT) {
			res->kind = VCPU_GUEST_EXIT;
			res->code = vm->stop_code;
			return 0;
		}
	}
}

static void dump_seg(const char *name, const struct kvm_segment *s)
{
	pr_detail("  %-3s sel=0x%04x base=0x%llx limit=0x%x type=%u p=%u dpl=%u db=%u s=%u l=%u g=%u",
		name, s->selector, (unsigned long long)s->base, s->limit,
		s->type, s->present, s->dpl, s->db, s->s, s->l, s->g);
}

void vcpu_dump_regs(const struct vcpu *vcpu)
{
	struct kvm_sregs sr;
	struct kvm_regs r;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(vcpu->fd, KVM_GET_SREGS, &sr) < 0) {
		pr_detail("  (registers unavailable: %s)", strerror(errno));
		return;
	}
	pr_detail("  rax=0x%016llx rbx=0x%016llx rcx=0x%016llx rdx=0x%016llx",
		r.rax, r.rbx, r.rcx, r.rdx);
	pr_detail("  rsi=0x%016llx rdi=0x%016llx rsp=0x%016llx rbp=0x%016llx",
		r.rsi, r.rdi, r.rsp, r.rbp);
	pr_detail("  r8 =0x%016llx r9 =0x%016llx r10=0x%016llx r11=0x%016llx",
		r.r8, r.r9, r.r10, r.r11);
	pr_detail("  r12=0x%016llx r13=0x%016llx r14=0x%016llx r15=0x%016llx",
		r.r12, r.r13, r.r14, r.r15);
	pr_detail("  rip=0x%016llx rflags=0x%08llx", r.rip, r.rflags);
	pr_detail("  cr0=0x%llx cr2=0x%llx cr3=0x%llx cr4=0x%llx efer=0x%llx",
		sr.cr0, sr.cr2, sr.cr3, sr.cr4, sr.efer);
	dump_seg("cs", &sr.cs);
	dump_seg("ds", &sr.ds);
	dump_seg("ss", &sr.ss);
	pr_detail("  gdt base=0x%llx limit=0x%x", sr.gdt.base, sr.gdt.limit);
}

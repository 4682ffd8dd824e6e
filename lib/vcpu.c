// SPDX-License-Identifier: GPL-2.0
/* The vCPU loop: KVM_RUN, one switch on the exit reason, bus dispatch. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
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

static void kick_handler(int sig)
{
	(void)sig;	/* never runs in a vCPU thread: blocked there */
}

/*
 * An ignored signal is dropped even while KVM_RUN lets it in, so the kick
 * needs a handler; it runs only in a thread that does not block it.
 */
static void install_kick_handler(void)
{
	struct sigaction sa;

	if (sigaction(VM_KICK_SIGNAL, NULL, &sa) == 0 &&
	    (sa.sa_handler == SIG_DFL || sa.sa_handler == SIG_IGN)) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = kick_handler;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESTART;
		sigaction(VM_KICK_SIGNAL, &sa, NULL);
	}
}

static pthread_once_t kick_once = PTHREAD_ONCE_INIT;

/* Inside KVM_RUN every signal is blocked but the kick. */
static int set_kvm_signal_mask(struct vcpu *vcpu)
{
	struct {
		struct kvm_signal_mask hdr;
		uint8_t set[8];	/* the kernel's sigset_t on x86-64 */
	} mask;
	sigset_t run_mask;
	int err;

	pthread_once(&kick_once, install_kick_handler);
	sigfillset(&run_mask);
	sigdelset(&run_mask, VM_KICK_SIGNAL);
	mask.hdr.len = sizeof(mask.set);
	memcpy(mask.set, &run_mask, sizeof(mask.set));
	if (ioctl(vcpu->fd, KVM_SET_SIGNAL_MASK, &mask) < 0) {
		err = -errno;
		pr_err("KVM_SET_SIGNAL_MASK: %s", strerror(-err));
		return err;
	}
	return 0;
}

int vcpu_create(struct vm *vm, unsigned int id, struct vcpu **out)
{
	struct vcpu *vcpu;
	int err;

	vcpu = calloc(1, sizeof(*vcpu));
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->can_complete = kvm_check_cap(vm->fd, KVM_CAP_IMMEDIATE_EXIT) > 0;

	vcpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0) {
		err = -errno;
		pr_err("KVM_CREATE_VCPU %u: %s", id, strerror(-err));
		goto err_free;
	}
	/* Before its registers are set: KVM checks them against CPUID. */
	err = cpuid_set_vcpu(vm->sys_fd, vcpu->fd, id);
	if (!err)
		err = set_kvm_signal_mask(vcpu);
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

/* Consume the pending kicks of this thread, if any. */
static void take_kicks(void)
{
	const struct timespec zero = { 0, 0 };
	sigset_t kick;

	sigemptyset(&kick);
	sigaddset(&kick, VM_KICK_SIGNAL);
	while (sigtimedwait(&kick, NULL, &zero) > 0)
		;
}

/* KVM fills these, but a bad one must not send us off the page. */
static bool io_exit_ok(const struct vcpu *vcpu)
{
	const struct kvm_run *run = vcpu->run;
	uint32_t size = run->io.size, count = run->io.count;
	uint64_t off = run->io.data_offset;

	return (size == 1 || size == 2 || size == 4) && count != 0 &&
	       off <= (uint64_t)vcpu->vm->vcpu_mmap_size &&
	       (uint64_t)size * count <= vcpu->vm->vcpu_mmap_size - off;
}

static bool mmio_exit_ok(const struct kvm_run *run)
{
	return run->mmio.len != 0 && run->mmio.len <= sizeof(run->mmio.data);
}

/*
 * Elements @first.. of a checked I/O exit get no device: an IN reads them
 * as all-ones, so what KVM completes into the guest is never stale data.
 */
static void io_refuse(struct vcpu *vcpu, uint32_t first)
{
	struct kvm_run *run = vcpu->run;
	uint64_t size = run->io.size;

	if (run->io.direction != KVM_EXIT_IO_IN || first >= run->io.count)
		return;
	memset((uint8_t *)run + run->io.data_offset + first * size, 0xff,
	       (run->io.count - first) * size);
}

static int handle_io(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint32_t size = run->io.size, count = run->io.count, i;
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;
	uint64_t off = run->io.data_offset;
	uint8_t *data = (uint8_t *)run;
	int err;

	if (!io_exit_ok(vcpu)) {
		pr_err("malformed I/O exit: port 0x%x size %u count %u offset %llu",
		       run->io.port, size, count, (unsigned long long)off);
		return -EPROTO;
	}
	for (i = 0; i < count; i++) {
		err = bus_access(&vcpu->vm->bus, BUS_PIO, run->io.port,
				 data + off + (uint64_t)i * size, size,
				 is_write);
		if (err) {
			io_refuse(vcpu, i);
			return err;
		}
		if (vm_stopping(vcpu->vm)) {
			io_refuse(vcpu, i + 1);
			break;
		}
	}
	return 0;
}

static int handle_mmio(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	int err;

	if (!mmio_exit_ok(run)) {
		pr_err("malformed MMIO exit: address 0x%llx length %u",
		       (unsigned long long)run->mmio.phys_addr, run->mmio.len);
		return -EPROTO;
	}
	err = bus_access(&vcpu->vm->bus, BUS_MMIO, run->mmio.phys_addr,
			 run->mmio.data, run->mmio.len, run->mmio.is_write);
	if (err && !run->mmio.is_write)
		memset(run->mmio.data, 0xff, run->mmio.len);
	return err;
}

/* How often a completion may meet another access before giving up. */
#define VCPU_COMPLETE_ROUNDS 16u

/*
 * An access that completing the last one brought (a string instruction's
 * next batch, the second half of a split MMIO access). The VM is stopping:
 * no device sees it, a read returns all-ones. 0, -ECANCELED if the exit is
 * not an access at all, -EPROTO if it is malformed.
 */
static int refuse_access(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		if (!io_exit_ok(vcpu))
			return -EPROTO;
		io_refuse(vcpu, 0);
		return 0;
	case KVM_EXIT_MMIO:
		if (!mmio_exit_ok(run))
			return -EPROTO;
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0xff, run->mmio.len);
		return 0;
	default:
		return -ECANCELED;
	}
}

/*
 * Complete the access of the last I/O or MMIO exit without running the
 * guest: KVM_RUN with immediate_exit finishes it, then returns EINTR.
 * Returns 0; -EOPNOTSUPP without KVM_CAP_IMMEDIATE_EXIT; -EBUSY if the
 * instruction still made accesses after VCPU_COMPLETE_ROUNDS; -ECANCELED
 * if completing it ended in another kind of exit (run->exit_reason);
 * -EPROTO for a malformed exit; or KVM_RUN's -errno.
 */
static int complete_io(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	unsigned int round;
	int err = -EBUSY;

	if (!vcpu->can_complete)
		return -EOPNOTSUPP;
	run->immediate_exit = 1;
	for (round = 0; round < VCPU_COMPLETE_ROUNDS; round++) {
		if (ioctl(vcpu->fd, KVM_RUN, 0) == 0) {
			err = refuse_access(vcpu);
			if (err)
				break;
			err = -EBUSY;
			continue;
		}
		err = -errno;
		if (err == -EINTR) {
			err = 0;
			break;
		}
		if (err != -EAGAIN)
			break;
	}
	run->immediate_exit = 0;
	return err;
}

/*
 * The run ends here: complete a pending access, so that registers read
 * from now on are the guest's own on every KVM (see vcpu_run()).
 */
static void settle(struct vcpu *vcpu)
{
	if (!vcpu->io_pending)
		return;
	vcpu->complete_err = complete_io(vcpu);
	vcpu->io_pending = vcpu->complete_err && vcpu->complete_err != -ECANCELED;
	vcpu->regs_state = vcpu->complete_err ? VCPU_REGS_AT_EXIT :
						VCPU_REGS_ARCH;
}

/* Why the pending access was not completed, in words, into @buf. */
static const char *complete_why(const struct vcpu *vcpu, char *buf,
				size_t len)
{
	switch (vcpu->complete_err) {
	case -EOPNOTSUPP:
		return "this KVM lacks KVM_CAP_IMMEDIATE_EXIT";
	case -EBUSY:
		snprintf(buf, len, "the instruction still made accesses after %u rounds",
			 VCPU_COMPLETE_ROUNDS);
		return buf;
	case -ECANCELED:
		snprintf(buf, len, "completing it ended in %s",
			 kvm_exit_name(vcpu->run->exit_reason));
		return buf;
	case -EPROTO:
		return "completing it brought a malformed exit";
	default:
		snprintf(buf, len, "KVM_RUN with immediate_exit: %s",
			 strerror(-vcpu->complete_err));
		return buf;
	}
}

static int read_regs(const struct vcpu *vcpu, struct kvm_regs *r,
		     struct kvm_sregs *sr)
{
	if (ioctl(vcpu->fd, KVM_GET_REGS, r) < 0 ||
	    ioctl(vcpu->fd, KVM_GET_SREGS, sr) < 0)
		return -errno;
	return 0;
}

static uint64_t vcpu_rip(const struct vcpu *vcpu)
{
	struct kvm_regs regs;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &regs) < 0)
		return ~0ull;
	return regs.rip;
}

/* Where a device stopped the guest, and what that RIP is. */
static void report_stop_rip(const struct vcpu *vcpu, bool settled)
{
	unsigned long long rip = vcpu_rip(vcpu);
	char why[96];

	if (vcpu->regs_state == VCPU_REGS_ARCH)
		pr_detail("  at RIP=0x%llx, the guest's next instruction%s",
			  rip, settled ? " (KVM completed the access)" : "");
	else
		pr_detail("  at RIP=0x%llx as KVM reported it at the exit (the instruction or the one after it, depending on the KVM): the access was not completed: %s",
			  rip, complete_why(vcpu, why, sizeof(why)));
}

/*
 * The state INIT or RESET leaves (Intel SDM vol. 3 "Initial State",
 * AMD APM vol. 2 "Processor Initialization State"). No guest of ours gets
 * there itself: loading CS with 0xf000 in real mode gives base 0xf0000.
 */
#define X86_RESET_CS_SELECTOR	0xf000u
#define X86_RESET_CS_BASE	0xffff0000ull
#define X86_RESET_RIP		0xfff0u

static bool regs_are_reset(const struct kvm_regs *r,
			   const struct kvm_sregs *sr)
{
	return sr->cs.selector == X86_RESET_CS_SELECTOR &&
	       sr->cs.base == X86_RESET_CS_BASE && r->rip == X86_RESET_RIP;
}

static void report_shutdown(struct vcpu *vcpu)
{
	struct kvm_sregs sr;
	struct kvm_regs r;
	bool have;

	/* No RIP here: on AMD, KVM resets the vCPU on a shutdown. */
	pr_err("guest stopped by %s", kvm_exit_name(KVM_EXIT_SHUTDOWN));
	pr_detail("  the guest triple-faulted (an exception it could not handle)");
	have = read_regs(vcpu, &r, &sr) == 0;
	vcpu->regs_state = have && regs_are_reset(&r, &sr) ?
			   VCPU_REGS_RESET : VCPU_REGS_SHUTDOWN;
	if (vcpu->regs_state == VCPU_REGS_SHUTDOWN && have &&
	    (sr.cr0 & X86_CR0_PG) && !(sr.efer & X86_EFER_LMA))
		pr_detail("  note: the guest enabled paging outside long mode; some KVMs (nested, kvm-pvm) support paging only in long mode");
	vcpu_dump_regs(vcpu);
}

/* Say why the guest cannot go on, with what KVM told us. */
static void report_fault(struct vcpu *vcpu)
{
	const struct kvm_run *run = vcpu->run;
	uint32_t i;

	if (run->exit_reason == KVM_EXIT_SHUTDOWN) {
		report_shutdown(vcpu);
		return;
	}
	/* Nothing is pending: RIP is the instruction KVM stopped at. */
	pr_err("guest stopped by %s at RIP=0x%llx",
	       kvm_exit_name(run->exit_reason),
	       (unsigned long long)vcpu_rip(vcpu));
	switch (run->exit_reason) {
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

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

/*
 * Make this thread the VM's vCPU thread: kicks come here, and so does the
 * VM's own timer (a POSIX timer aimed at this thread, not the process's
 * ITIMER_REAL), if it has a timeout. 0 or -errno (reported).
 */
static int bind_thread(struct vcpu *vcpu, timer_t *timer, bool *armed,
		       sigset_t *old_mask)
{
	struct vm *vm = vcpu->vm;
	struct itimerspec its;
	struct sigevent sev;
	sigset_t kick;
	int err;

	sigemptyset(&kick);
	sigaddset(&kick, VM_KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &kick, old_mask);
	take_kicks();	/* a stale kick from an earlier run */

	*armed = false;
	vm->deadline_ns = 0;
	if (vm->timeout_ns) {
		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = VM_KICK_SIGNAL;
		sev.sigev_notify_thread_id = gettid();
		if (timer_create(CLOCK_MONOTONIC, &sev, timer) < 0) {
			err = -errno;
			pr_err("cannot create the timeout's timer: %s",
			       strerror(-err));
			pthread_sigmask(SIG_SETMASK, old_mask, NULL);
			return err;
		}
		vm->deadline_ns = vcpu_now_ns() + vm->timeout_ns;
		memset(&its, 0, sizeof(its));
		its.it_value.tv_sec = vm->deadline_ns / 1000000000ull;
		its.it_value.tv_nsec = vm->deadline_ns % 1000000000ull;
		if (timer_settime(*timer, TIMER_ABSTIME, &its, NULL) < 0) {
			err = -errno;
			pr_err("cannot arm the timeout: %s", strerror(-err));
			timer_delete(*timer);
			pthread_sigmask(SIG_SETMASK, old_mask, NULL);
			return err;
		}
		*armed = true;
	}
	pthread_mutex_lock(&vm->kick_lock);
	vm->vcpu_thread = pthread_self();
	vm->vcpu_bound = true;
	pthread_mutex_unlock(&vm->kick_lock);
	return 0;
}

/* The run is over: no kick may target this thread from now on. */
static void unbind_thread(struct vcpu *vcpu, timer_t timer, bool armed,
			  const sigset_t *old_mask)
{
	struct vm *vm = vcpu->vm;

	pthread_mutex_lock(&vm->kick_lock);
	vm->vcpu_bound = false;
	pthread_mutex_unlock(&vm->kick_lock);
	if (armed)
		timer_delete(timer);
	take_kicks();
	pthread_sigmask(SIG_SETMASK, old_mask, NULL);
}

/* The VM was asked to stop: say how in @res, with guest state settled. */
static void stopped(struct vcpu *vcpu, struct vcpu_result *res)
{
	uint32_t code;

	switch (vm_stop_reason(vcpu->vm, &code)) {
	case VM_STOP_GUEST_EXIT:
		res->kind = VCPU_GUEST_EXIT;
		break;
	case VM_STOP_TIMEOUT:
		res->kind = VCPU_TIMEOUT;
		break;
	case VM_STOP_SIGNAL:
		res->kind = VCPU_SIGNAL;
		break;
	case VM_STOP_GUEST_REPORT:
		res->kind = VCPU_GUEST_REPORT;
		break;
	default:
		res->kind = VCPU_DEVICE_ERROR;
		break;
	}
	res->code = code;
	res->settled = vcpu->io_pending;
	settle(vcpu);
	/* Completed only if it was pending and nothing went wrong. */
	res->settled = res->settled && !vcpu->complete_err;
	if (res->kind == VCPU_DEVICE_ERROR)
		report_stop_rip(vcpu, res->settled);
}

static int run_loop(struct vcpu *vcpu, struct vcpu_result *res)
{
	const struct vcpu_hooks *hooks = vcpu->hooks;
	bool timed = hooks && hooks->post && hooks->timed;
	struct vcpu_exit_time t = { 0, 0, 0 };
	const struct vcpu_debugger *dbg = vcpu->dbg;
	struct kvm_run *run = vcpu->run;
	struct vm *vm = vcpu->vm;
	int err;

	if (dbg && dbg->start) {
		err = dbg->start(vcpu->dbg_priv, vcpu);
		if (err)
			return err;
	}
	for (;;) {
		/* A request made while the last exit was handled. */
		if (vm_stopping(vm)) {
			stopped(vcpu, res);
			return 0;
		}
		if (timed)
			t.enter_ns = vcpu_now_ns();
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			err = -errno;
			if (err != -EINTR && err != -EAGAIN) {
				pr_err("KVM_RUN: %s", strerror(-err));
				return err;
			}
			/*
			 * KVM finishes a pending access before it checks for
			 * signals (the API's promise); after EAGAIN, who knows.
			 */
			if (err == -EINTR)
				vcpu->io_pending = false;
			/*
			 * KVM sets this itself for a signal; EAGAIN does not,
			 * and the switch and the hooks must see this exit too.
			 */
			run->exit_reason = KVM_EXIT_INTR;
		} else {
			vcpu->io_pending = false;
		}
		if (timed)
			t.exit_ns = vcpu_now_ns();

		res->exit_reason = run->exit_reason;
		if (hooks && hooks->pre)
			hooks->pre(vcpu->hooks_priv, run);

		switch (run->exit_reason) {
		case KVM_EXIT_INTR:
			/* A kick: a stop request, or the timer; else spurious. */
			take_kicks();
			vm_check_deadline(vm);
			err = 0;
			if (dbg && dbg->kicked && !vm_stopping(vm))
				err = dbg->kicked(vcpu->dbg_priv, vcpu);
			break;
		case KVM_EXIT_DEBUG:
			if (!dbg || !dbg->debug_exit) {
				report_fault(vcpu);
				res->kind = VCPU_GUEST_FAULT;
				err = 1;
				break;
			}
			err = dbg->debug_exit(vcpu->dbg_priv, vcpu);
			break;
		case KVM_EXIT_IO:
			vcpu->io_pending = true;
			err = handle_io(vcpu);
			break;
		case KVM_EXIT_MMIO:
			vcpu->io_pending = true;
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
		if (err < 0 && dbg && (run->exit_reason == KVM_EXIT_DEBUG ||
				       run->exit_reason == KVM_EXIT_INTR))
			return err;	/* the debugger failed (and said why) */
		if (err < 0) {
			/* The handler refused the access (and said why). */
			vm_request_stop(vm, VM_STOP_DEVICE_ERROR, 0);
		}
	}
}

int vcpu_run(struct vcpu *vcpu, struct vcpu_result *res)
{
	sigset_t old_mask;
	timer_t timer;
	bool armed;
	int err;

	memset(res, 0, sizeof(*res));
	vcpu->regs_state = VCPU_REGS_ARCH;
	vcpu->complete_err = 0;
	err = bind_thread(vcpu, &timer, &armed, &old_mask);
	if (err)
		return err;
	err = run_loop(vcpu, res);
	if (!err && vcpu->dbg && vcpu->dbg->end)
		vcpu->dbg->end(vcpu->dbg_priv, vcpu, res);
	unbind_thread(vcpu, timer, armed, &old_mask);
	return err;
}

static void dump_seg(const char *name, const struct kvm_segment *s)
{
	pr_detail("  %-3s sel=0x%04x base=0x%llx limit=0x%x type=%u p=%u dpl=%u db=%u s=%u l=%u g=%u",
		name, s->selector, (unsigned long long)s->base, s->limit,
		s->type, s->present, s->dpl, s->db, s->s, s->l, s->g);
}

/* One line on what the registers are, unless they are the guest's own. */
static void regs_note(const struct vcpu *vcpu)
{
	char why[96];

	switch (vcpu->regs_state) {
	case VCPU_REGS_ARCH:
		break;
	case VCPU_REGS_AT_EXIT:
		pr_detail("  registers as KVM left them at the last exit, RIP at the I/O instruction or past it depending on the KVM: the access was not completed: %s",
			  complete_why(vcpu, why, sizeof(why)));
		break;
	case VCPU_REGS_RESET:
		pr_detail("  registers after the shutdown: this KVM reset the vCPU (CS=0x%04x base=0x%llx RIP=0x%x is the reset state), so they are not the faulting ones",
			  X86_RESET_CS_SELECTOR, X86_RESET_CS_BASE,
			  X86_RESET_RIP);
		break;
	case VCPU_REGS_SHUTDOWN:
		pr_detail("  registers after the shutdown: not the reset state, so likely the faulting ones; but a KVM may reset the vCPU on a shutdown, so they need not be");
		break;
	}
}

void vcpu_dump_regs(const struct vcpu *vcpu)
{
	struct kvm_sregs sr;
	struct kvm_regs r;
	int err;

	err = read_regs(vcpu, &r, &sr);
	if (err) {
		pr_detail("  (registers unavailable: %s)", strerror(-err));
		return;
	}
	regs_note(vcpu);
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

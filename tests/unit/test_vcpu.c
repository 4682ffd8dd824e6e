// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the vCPU loop against a scripted fake KVM (this file's
 * ioctl() stands in for the kernel's on the fake vCPU fd), so the ends of a
 * run, the completion of a pending access, the reports and the stop
 * mechanism (a request from another thread kicks the vCPU thread; the
 * VM's own timeout) are checked without /dev/kvm, error paths included.
 */
#include <errno.h>
#include <pthread.h>
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
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <cmocka.h>

#include <simvmm/x86.h>

#include "vcpu.h"
#include "vm.h"

#define FAKE_VCPU_FD	1000
#define RUN_SIZE	(3 * 4096)
#define PIO_OFF		4096	/* where KVM puts I/O data */
#define PORT		0x42
#define MMIO_ADDR	0x180000
#define MAX_STEPS	32

/* One scripted KVM_RUN: fail with @err, or return 0 with this exit. */
struct step {
	int err;
	uint32_t exit_reason;
	uint8_t dir;		/* KVM_EXIT_IO_IN/OUT */
	uint8_t size;
	uint32_t count;
	uint64_t data_offset;	/* 0: PIO_OFF */
	uint8_t data;		/* every byte of the I/O or MMIO data */
	uint32_t mmio_len;
	bool mmio_write;
	uint64_t rip;		/* RIP from this KVM_RUN on, if non-zero */
	/*
	 * Before this KVM_RUN returns, another thread asks the VM to stop
	 * for this reason (VM_RUNNING: nobody does), with @stop_code.
	 */
	enum vm_stop stop;
	uint32_t stop_code;
	bool wait_kick;		/* block until a kick is pending (the timer) */
};

static struct {
	const struct step *steps;
	unsigned int nr_steps, calls;
	uint8_t immediate[MAX_STEPS];	/* immediate_exit seen by each call */
	bool kicked[MAX_STEPS];	/* a kick was pending when it returned */
	struct vm *vm;		/* whose stop another thread asks for */
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	int regs_err;
} fk;

static struct kvm_run *fake_run_page;

/* Kicks delivered to a handler: ones that came where none may. */
static int stray_kicks;

static void stray_kick(int sig)
{
	(void)sig;
	__atomic_add_fetch(&stray_kicks, 1, __ATOMIC_RELAXED);
}

static int strays(void)
{
	return __atomic_load_n(&stray_kicks, __ATOMIC_RELAXED);
}

struct stop_ask {
	struct vm *vm;
	enum vm_stop why;
	uint32_t code;
};

static void *stop_thread(void *arg)
{
	const struct stop_ask *a = arg;

	vm_request_stop(a->vm, a->why, a->code);
	return NULL;
}

/* Another thread (a poller, a signal thread) asks @vm to stop, and is done. */
static void stop_from_other_thread(struct vm *vm, enum vm_stop why,
				   uint32_t code)
{
	struct stop_ask a = { vm, why, code };
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, stop_thread, &a), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
}

static bool kick_pending(void)
{
	sigset_t set;

	assert_int_equal(sigpending(&set), 0);
	return sigismember(&set, VM_KICK_SIGNAL) == 1;
}

/* Until a kick is pending in this thread, at most 2 s: the VM's timer. */
static void wait_for_kick(void)
{
	const struct timespec ms = { 0, 1000000 };
	unsigned int i;

	for (i = 0; i < 2000 && !kick_pending(); i++)
		nanosleep(&ms, NULL);
}

static int fake_kvm_run(void)
{
	const struct step *s;
	struct kvm_run *run = fake_run_page;

	if (fk.calls >= fk.nr_steps || fk.calls >= MAX_STEPS) {
		fk.calls++;
		errno = EIO;	/* more KVM_RUNs than scripted: the test fails */
		return -1;
	}
	fk.immediate[fk.calls] = run->immediate_exit;
	s = &fk.steps[fk.calls++];
	if (s->rip)
		fk.regs.rip = s->rip;
	if (s->stop != VM_RUNNING)
		stop_from_other_thread(fk.vm, s->stop, s->stop_code);
	if (s->wait_kick)
		wait_for_kick();
	fk.kicked[fk.calls - 1] = kick_pending();
	if (s->err) {
		if (s->err == EINTR)
			run->exit_reason = KVM_EXIT_INTR;
		errno = s->err;
		return -1;
	}
	run->exit_reason = s->exit_reason;
	if (s->exit_reason == KVM_EXIT_IO) {
		run->io.direction = s->dir;
		run->io.port = PORT;
		run->io.size = s->size;
		run->io.count = s->count;
		run->io.data_offset = s->data_offset ? s->data_offset : PIO_OFF;
		if (run->io.data_offset + (uint64_t)s->size * s->count <=
		    RUN_SIZE)
			memset((uint8_t *)run + run->io.data_offset, s->data,
			       (size_t)s->size * s->count);
	} else if (s->exit_reason == KVM_EXIT_MMIO) {
		run->mmio.phys_addr = MMIO_ADDR;
		run->mmio.len = s->mmio_len;
		run->mmio.is_write = s->mmio_write;
		memset(run->mmio.data, s->data, sizeof(run->mmio.data));
	} else if (s->exit_reason == KVM_EXIT_INTERNAL_ERROR) {
		run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
		run->internal.ndata = 0;
	}
	return 0;
}

/* The library's ioctl(): the fake vCPU here, the kernel for any other fd. */
int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd != FAKE_VCPU_FD)
		return syscall(SYS_ioctl, fd, req, arg);
	switch (req) {
	case KVM_RUN:
		return fake_kvm_run();
	case KVM_GET_REGS:
	case KVM_GET_SREGS:
		if (fk.regs_err) {
			errno = fk.regs_err;
			return -1;
		}
		if (req == KVM_GET_REGS)
			memcpy(arg, &fk.regs, sizeof(fk.regs));
		else
			memcpy(arg, &fk.sregs, sizeof(fk.sregs));
		return 0;
	default:
		errno = ENOTTY;
		return -1;
	}
}

/* A device on PORT and at MMIO_ADDR: writes of 'S'/'E' stop the VM. */
struct probe {
	struct vm *vm;
	unsigned int calls;
	bool stop_on_read;
	int ret;
};

static int probe_io(void *owner, uint64_t offset, void *data, uint32_t len,
		    bool is_write)
{
	struct probe *p = owner;
	uint8_t *b = data;

	(void)offset;
	p->calls++;
	if (!is_write) {
		memset(data, 0x5a, len);
		if (p->stop_on_read)
			vm_request_stop(p->vm, VM_STOP_DEVICE_ERROR, 0);
	} else if (b[0] == 'S') {
		vm_request_stop(p->vm, VM_STOP_DEVICE_ERROR, 0);
	} else if (b[0] == 'E') {
		vm_request_stop(p->vm, VM_STOP_GUEST_EXIT, 7);
	}
	return p->ret;
}

struct ctx {
	struct vm vm;
	struct vcpu vcpu;
	struct probe probe;
	struct vcpu_result res;
	int ret;
	char err[4096];		/* what the run said on stderr */
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	memset(&fk, 0, sizeof(fk));
	fake_run_page = aligned_alloc(4096, RUN_SIZE);
	assert_non_null(fake_run_page);
	memset(fake_run_page, 0, RUN_SIZE);
	bus_init(&c->vm.bus);
	c->vm.fd = -1;
	c->vm.sys_fd = -1;
	c->vm.stop_fd = -1;
	pthread_mutex_init(&c->vm.kick_lock, NULL);
	fk.vm = &c->vm;
	c->vm.vcpu_mmap_size = RUN_SIZE;
	c->probe.vm = &c->vm;
	assert_int_equal(bus_register(&c->vm.bus, BUS_PIO, PORT, 1, probe_io,
				      &c->probe, "probe"), 0);
	assert_int_equal(bus_register(&c->vm.bus, BUS_MMIO, MMIO_ADDR, 8,
				      probe_io, &c->probe, "probe"), 0);
	c->vcpu.vm = &c->vm;
	c->vcpu.fd = FAKE_VCPU_FD;
	c->vcpu.run = fake_run_page;
	c->vcpu.can_complete = true;
	fk.regs.rip = 0x8002;
	__atomic_store_n(&stray_kicks, 0, __ATOMIC_RELAXED);
	fk.sregs.cs.selector = 0x8;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	pthread_mutex_destroy(&c->vm.kick_lock);
	free(fake_run_page);
	free(c);
	return 0;
}

/* Run @c's vCPU over @steps, with stderr captured into @c->err. */
static void run_script(struct ctx *c, const struct step *steps,
		       unsigned int n)
{
	ssize_t len;
	int fd, saved;

	fk.steps = steps;
	fk.nr_steps = n;
	fflush(stderr);
	fd = memfd_create("stderr", MFD_CLOEXEC);
	assert_true(fd >= 0);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	c->ret = vcpu_run(&c->vcpu, &c->res);
	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	len = pread(fd, c->err, sizeof(c->err) - 1, 0);
	assert_true(len >= 0);
	c->err[len] = '\0';
	close(fd);
	/* Every scripted KVM_RUN was used, and no more. */
	assert_int_equal(fk.calls, n);
	/* The run is over: unbound, no kick left, the mask as it was. */
	assert_false(c->vm.vcpu_bound);
	assert_false(kick_pending());
	assert_int_equal(strays(), 0);
}

static void dump_regs_into(struct ctx *c)
{
	ssize_t len;
	int fd, saved;

	fflush(stderr);
	fd = memfd_create("stderr", MFD_CLOEXEC);
	assert_true(fd >= 0);
	saved = dup(2);
	assert_int_equal(dup2(fd, 2), 2);
	vcpu_dump_regs(&c->vcpu);
	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	len = pread(fd, c->err, sizeof(c->err) - 1, 0);
	assert_true(len >= 0);
	c->err[len] = '\0';
	close(fd);
}

#define OUT(byte)	{ .exit_reason = KVM_EXIT_IO, .dir = KVM_EXIT_IO_OUT, \
			  .size = 1, .count = 1, .data = (byte) }
#define DONE(r)		{ .err = EINTR, .rip = (r) }

static void assert_has(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" not in:\n%s", needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		fail_msg("\"%s\" unexpectedly in:\n%s", needle, hay);
}

/* A device's stop at an OUT: completed first, then RIP is reported. */
static void test_stop_completes_the_access(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { OUT('S'), DONE(0x8004) };

	run_script(c, s, 2);
	assert_int_equal(c->ret, 0);
	assert_int_equal(c->res.kind, VCPU_DEVICE_ERROR);
	assert_int_equal(fk.immediate[0], 0);
	assert_int_equal(fk.immediate[1], 1);
	assert_int_equal(c->vcpu.run->immediate_exit, 0);
	assert_int_equal(c->vcpu.regs_state, VCPU_REGS_ARCH);
	assert_false(c->vcpu.io_pending);
	assert_true(c->res.settled);
	assert_int_equal(vm_stop_reason(&c->vm, NULL), VM_STOP_DEVICE_ERROR);
	assert_has(c->err, "at RIP=0x8004, the guest's next instruction (KVM completed the access)\n");
	dump_regs_into(c);
	assert_lacks(c->err, "registers as KVM left them");
	assert_has(c->err, "rip=0x0000000000008004");
}

/* The exit port's stop: completed too, and nothing printed. */
static void test_guest_exit_completes_quietly(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { OUT('E'), DONE(0x8004) };

	run_script(c, s, 2);
	assert_int_equal(c->res.kind, VCPU_GUEST_EXIT);
	assert_int_equal(c->res.code, 7);
	assert_true(c->res.settled);
	assert_int_equal(fk.immediate[1], 1);
	assert_int_equal(c->vcpu.regs_state, VCPU_REGS_ARCH);
	assert_string_equal(c->err, "");
}

/* Without KVM_CAP_IMMEDIATE_EXIT: no completion, and the report says so. */
static void test_no_immediate_exit_says_so(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { OUT('S') };

	c->vcpu.can_complete = false;
	run_script(c, s, 1);
	assert_int_equal(c->res.kind, VCPU_DEVICE_ERROR);
	assert_int_equal(c->vcpu.regs_state, VCPU_REGS_AT_EXIT);
	assert_int_equal(c->vcpu.complete_err, -EOPNOTSUPP);
	assert_true(c->vcpu.io_pending);
	assert_false(c->res.settled);
	assert_has(c->err, "at RIP=0x8002 as KVM reported it at the exit (the instruction or the one after it, depending on the KVM): the access was not completed: this KVM lacks KVM_CAP_IMMEDIATE_EXIT\n");
	assert_lacks(c->err, "next instruction");
	dump_regs_into(c);
	assert_has(c->err, "  registers as KVM left them at the last exit, RIP at the I/O instruction or past it depending on the KVM: the access was not completed: this KVM lacks KVM_CAP_IMMEDIATE_EXIT\n");
}

static void test_completion_failure_reported(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { OUT('S'), { .err = EFAULT } };

	run_script(c, s, 2);
	assert_int_equal(c->ret, 0);
	assert_int_equal(c->res.kind, VCPU_DEVICE_ERROR);
	assert_int_equal(c->vcpu.complete_err, -EFAULT);
	assert_false(c->res.settled);
	assert_int_equal(c->vcpu.run->immediate_exit, 0);
	assert_has(c->err, "the access was not completed: KVM_RUN with immediate_exit: Bad address\n");
}

static void test_completion_retries_eagain(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { OUT('S'), { .err = EAGAIN }, DONE(0x8004) };

	run_script(c, s, 3);
	assert_int_equal(fk.immediate[1], 1);
	assert_int_equal(fk.immediate[2], 1);
	assert_int_equal(c->vcpu.regs_state, VCPU_REGS_ARCH);
	assert_has(c->err, "at RIP=0x8004, the guest's next instruction");
}

/* Completing may bring the instruction's next access: no device sees it. */
static void test_completion_refuses_further_accesses(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = {
		OUT('S'),
		{ .exit_reason = KVM_EXIT_IO, .dir = KVM_EXIT_IO_IN,
		  .size = 2, .count = 2, .data = 0x5a },
		DONE(0x8004),
	};
	const uint8_t *data = (const uint8_t *)fake_run_page + PIO_OFF;

	run_script(c, s, 3);
	assert_int_equal(c->probe.calls, 1);
	assert_int_equal(fk.immediate[2], 1);
	assert_int_equal(data[0] & data[1] & data[2] & data[3], 0xff);
	assert_int_equal(c->vcpu.regs_state, VCPU_REGS_ARCH);
}

static void test_completion_gives_up(void **state)
{
	struct ctx *c = *state;
	const struct step more = { .exit_reason = KVM_EXIT_MMIO,
				   .mmio_len = 4, .data = 0x5a };
	struct step s[17];
	unsigned int i;

	s[0] = (struct step)OUT('S');
	for (i = 1; i < 17; i++)
		s[i] = more;
	run_script(c, s, 17);
	assert_int_equal(c->probe.calls, 1);
	assert_int_equal(c->vcpu.complete_err, -EBUSY);
	assert_false(c->res.settled);
	assert_int_equal(c->vcpu.regs_state, VCPU_REGS_AT_EXIT);
	assert_memory_equal(fake_run_page->mmio.data, "\xff\xff\xff\xff", 4);
	assert_int_equal(c->vcpu.run->immediate_exit, 0);
	assert_has(c->err, "the access was not completed: the instruction still made accesses after 16 rounds\n");
}

static void test_completion_ends_in_other_exit(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { OUT('S'),
				  { .exit_reason = KVM_EXIT_SHUTDOWN } };

	run_script(c, s, 2);
	assert_int_equal(c->res.kind, VCPU_DEVICE_ERROR);
	assert_int_equal(c->vcpu.complete_err, -ECANCELED);
	assert_false(c->vcpu.io_pending);
	assert_has(c->err, "the access was not completed: completing it ended in KVM_EXIT_SHUTDOWN\n");
	/* Not completed, as the report says: res->settled must agree. */
	assert_false(c->res.settled);
}

static void test_completion_malformed_exit(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = {
		OUT('S'),
		{ .exit_reason = KVM_EXIT_IO, .dir = KVM_EXIT_IO_IN,
		  .size = 4, .count = 2, .data_offset = RUN_SIZE - 4 },
	};

	run_script(c, s, 2);
	assert_int_equal(c->vcpu.complete_err, -EPROTO);
	assert_has(c->err, "the access was not completed: completing it brought a malformed exit\n");
}

/* A stop during a string IN: the elements after it read all-ones. */
static void test_stop_mid_string_in(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = {
		{ .exit_reason = KVM_EXIT_IO, .dir = KVM_EXIT_IO_IN,
		  .size = 1, .count = 3, .data = 0x11 },
		DONE(0x8003),
	};
	const uint8_t *data = (const uint8_t *)fake_run_page + PIO_OFF;

	c->probe.stop_on_read = true;
	run_script(c, s, 2);
	assert_int_equal(c->probe.calls, 1);
	assert_int_equal(c->res.kind, VCPU_DEVICE_ERROR);
	assert_memory_equal(data, "\x5a\xff\xff", 3);
	assert_int_equal(fk.immediate[1], 1);
}

/* A handler's error on an MMIO read: all-ones, then completed. */
static void test_device_error_on_mmio_read(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = {
		{ .exit_reason = KVM_EXIT_MMIO, .mmio_len = 2, .data = 0x11 },
		DONE(0x8007),
	};

	c->probe.ret = -EIO;
	run_script(c, s, 2);
	assert_int_equal(c->res.kind, VCPU_DEVICE_ERROR);
	/* A refused access stops the VM through the one mechanism. */
	assert_int_equal(vm_stop_reason(&c->vm, NULL), VM_STOP_DEVICE_ERROR);
	assert_memory_equal(fake_run_page->mmio.data, "\xff\xff", 2);
	assert_has(c->err, "at RIP=0x8007, the guest's next instruction");
}

/*
 * A stop asked from another thread while the guest runs kicks the vCPU
 * thread (KVM_RUN ends with EINTR); KVM finished the access before it
 * looked at signals, so nothing is left to complete.
 */
static void test_signal_after_io_needs_no_completion(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { OUT('x'),
				  { .err = EINTR, .stop = VM_STOP_SIGNAL,
				    .stop_code = SIGTERM } };

	run_script(c, s, 2);
	assert_int_equal(c->res.kind, VCPU_SIGNAL);
	assert_int_equal(c->res.code, SIGTERM);
	assert_false(c->res.settled);
	/* The request kicked this very thread, inside KVM_RUN. */
	assert_true(fk.kicked[1]);
	assert_int_equal(c->vcpu.regs_state, VCPU_REGS_ARCH);
	assert_string_equal(c->err, "");
}

/* After EAGAIN the access may still be pending: complete it. */
static void test_signal_after_eagain_completes(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { OUT('x'),
				  { .err = EAGAIN, .stop = VM_STOP_SIGNAL,
				    .stop_code = SIGINT },
				  DONE(0x8004) };

	run_script(c, s, 3);
	assert_int_equal(c->res.kind, VCPU_SIGNAL);
	assert_int_equal(c->res.code, SIGINT);
	assert_true(c->res.settled);
	assert_int_equal(fk.immediate[1], 0);
	assert_int_equal(fk.immediate[2], 1);
	assert_int_equal(c->vcpu.regs_state, VCPU_REGS_ARCH);
}

/* A stop asked before the run: no KVM_RUN at all. */
static void test_stop_before_run(void **state)
{
	struct ctx *c = *state;

	vm_request_stop(&c->vm, VM_STOP_SIGNAL, SIGHUP);
	run_script(c, NULL, 0);
	assert_int_equal(c->ret, 0);
	assert_int_equal(c->res.kind, VCPU_SIGNAL);
	assert_int_equal(c->res.code, SIGHUP);
	assert_false(c->res.settled);
}

/* The first request wins: later ones change neither reason nor code. */
static void test_first_stop_wins(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { OUT('E'), DONE(0x8004) };
	uint32_t code = 0;

	run_script(c, s, 2);
	vm_request_stop(&c->vm, VM_STOP_DEVICE_ERROR, 9);
	vm_request_stop(&c->vm, VM_STOP_SIGNAL, SIGTERM);
	assert_int_equal(vm_stop_reason(&c->vm, &code), VM_STOP_GUEST_EXIT);
	assert_int_equal(code, 7);
	assert_true(vm_stopping(&c->vm));
	/* Asking for VM_RUNNING is no request at all. */
	c->vm.stop_req = 0;
	vm_request_stop(&c->vm, VM_RUNNING, 3);
	assert_false(vm_stopping(&c->vm));
	assert_int_equal(vm_stop_reason(&c->vm, &code), VM_RUNNING);
}

/*
 * A device error found by another thread (the SIMVIRTIO poller) while the
 * guest runs: the run ends at once, nothing was pending, and the report
 * does not claim a completion.
 */
static void test_device_error_from_other_thread(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { { .err = EINTR, .rip = 0x8010,
				    .stop = VM_STOP_DEVICE_ERROR,
				    .stop_code = 0xff } };

	run_script(c, s, 1);
	assert_int_equal(c->res.kind, VCPU_DEVICE_ERROR);
	assert_int_equal(c->res.code, 0xff);
	assert_false(c->res.settled);
	assert_true(fk.kicked[0]);
	assert_has(c->err, "at RIP=0x8010, the guest's next instruction\n");
	assert_lacks(c->err, "KVM completed the access");
}

/* An EINTR that is no stop (a stray signal) just runs the guest again. */
static void test_spurious_eintr_continues(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { { .err = EINTR }, OUT('x'),
				  { .exit_reason = KVM_EXIT_HLT } };

	run_script(c, s, 3);
	assert_int_equal(c->res.kind, VCPU_HALTED);
	assert_int_equal(c->probe.calls, 1);
	assert_false(vm_stopping(&c->vm));
}

/*
 * vm->timeout_ns arms a timer of the VM's own that kicks this thread: the
 * run ends as VCPU_TIMEOUT, the stop reason says so, and the timer is
 * gone with the run (no kick reaches the thread afterwards).
 */
static void test_timeout_ends_the_run(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { OUT('x'),
				  { .err = EINTR, .wait_kick = true } };
	const struct timespec later = { 0, 20000000 };

	c->vm.timeout_ns = 2000000;	/* 2 ms */
	run_script(c, s, 2);
	assert_int_equal(c->ret, 0);
	assert_true(fk.kicked[1]);
	assert_int_equal(c->res.kind, VCPU_TIMEOUT);
	assert_int_equal(vm_stop_reason(&c->vm, NULL), VM_STOP_TIMEOUT);
	assert_true(c->vm.deadline_ns != 0);
	assert_true(vcpu_now_ns() >= c->vm.deadline_ns);
	assert_string_equal(c->err, "");
	nanosleep(&later, NULL);
	assert_int_equal(strays(), 0);
	assert_false(kick_pending());
}

/* A run that ends before its timeout leaves no timer behind. */
static void test_timeout_not_reached(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { { .exit_reason = KVM_EXIT_HLT } };
	const struct timespec later = { 0, 30000000 };

	c->vm.timeout_ns = 10000000;	/* 10 ms */
	run_script(c, s, 1);
	assert_int_equal(c->res.kind, VCPU_HALTED);
	assert_false(vm_stopping(&c->vm));
	nanosleep(&later, NULL);
	assert_int_equal(strays(), 0);
	assert_false(kick_pending());
	assert_false(vm_stopping(&c->vm));
}

/* A halt leaves nothing pending. */
static void test_halt_needs_no_completion(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { OUT('x'), { .exit_reason = KVM_EXIT_HLT } };

	run_script(c, s, 2);
	assert_int_equal(c->res.kind, VCPU_HALTED);
	assert_int_equal(c->probe.calls, 1);
}

static void test_shutdown_in_reset_state(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { { .exit_reason = KVM_EXIT_SHUTDOWN } };

	fk.regs.rip = 0xfff0;
	fk.sregs.cs.selector = 0xf000;
	fk.sregs.cs.base = 0xffff0000;
	run_script(c, s, 1);
	assert_int_equal(c->res.kind, VCPU_GUEST_FAULT);
	assert_int_equal(c->res.exit_reason, KVM_EXIT_SHUTDOWN);
	assert_int_equal(c->vcpu.regs_state, VCPU_REGS_RESET);
	assert_has(c->err, "simvmm: error: guest stopped by KVM_EXIT_SHUTDOWN\n");
	assert_has(c->err, "  the guest triple-faulted (an exception it could not handle)\n");
	assert_has(c->err, "  registers after the shutdown: this KVM reset the vCPU (CS=0xf000 base=0xffff0000 RIP=0xfff0 is the reset state), so they are not the faulting ones\n");
	assert_has(c->err, "rip=0x000000000000fff0");
	assert_lacks(c->err, "at RIP");
}

static void test_shutdown_not_reset_state(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { { .exit_reason = KVM_EXIT_SHUTDOWN } };

	fk.regs.rip = 0x800a;
	fk.sregs.cr0 = X86_CR0_PE | X86_CR0_PG;
	run_script(c, s, 1);
	assert_int_equal(c->vcpu.regs_state, VCPU_REGS_SHUTDOWN);
	assert_has(c->err, "  registers after the shutdown: not the reset state, so likely the faulting ones; but a KVM may reset the vCPU on a shutdown, so they need not be\n");
	assert_has(c->err, "note: the guest enabled paging outside long mode");
	assert_has(c->err, "rip=0x000000000000800a");
}

/* A reset vCPU shows no paging: no paging note on the reset state. */
static void test_shutdown_reset_has_no_paging_note(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { { .exit_reason = KVM_EXIT_SHUTDOWN } };

	fk.regs.rip = 0xfff0;
	fk.sregs.cs.selector = 0xf000;
	fk.sregs.cs.base = 0xffff0000;
	fk.sregs.cr0 = X86_CR0_PG;	/* not what a reset leaves; ignored */
	run_script(c, s, 1);
	assert_lacks(c->err, "paging outside long mode");
}

static void test_shutdown_registers_unavailable(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { { .exit_reason = KVM_EXIT_SHUTDOWN } };

	fk.regs_err = EBADF;
	run_script(c, s, 1);
	assert_int_equal(c->vcpu.regs_state, VCPU_REGS_SHUTDOWN);
	assert_has(c->err, "guest stopped by KVM_EXIT_SHUTDOWN\n");
	assert_has(c->err, "  (registers unavailable: Bad file descriptor)\n");
	assert_lacks(c->err, "registers after the shutdown");
}

/* Other faults keep RIP in the headline: nothing is pending there. */
static void test_internal_error_names_rip(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { { .exit_reason = KVM_EXIT_INTERNAL_ERROR,
				    .rip = 0x100000 } };

	run_script(c, s, 1);
	assert_int_equal(c->res.kind, VCPU_GUEST_FAULT);
	assert_int_equal(c->vcpu.regs_state, VCPU_REGS_ARCH);
	assert_has(c->err, "guest stopped by KVM_EXIT_INTERNAL_ERROR at RIP=0x100000\n");
	assert_has(c->err, "suberror=1 (instruction emulation failed)");
}

static void test_kvm_run_failure_is_a_host_error(void **state)
{
	struct ctx *c = *state;
	const struct step s[] = { OUT('x'), { .err = EFAULT } };

	run_script(c, s, 2);
	assert_int_equal(c->ret, -EFAULT);
	assert_has(c->err, "simvmm: error: KVM_RUN: Bad address\n");
}

/* After a completed stop, a new run resumes with immediate_exit clear. */
static void test_run_again_after_stop(void **state)
{
	struct ctx *c = *state;
	const struct step s1[] = { OUT('S'), DONE(0x8004) };
	const struct step s2[] = { { .exit_reason = KVM_EXIT_HLT } };

	run_script(c, s1, 2);
	c->vm.stop_req = 0;	/* a fake VM: a fresh start, by hand */
	fk.calls = 0;
	run_script(c, s2, 1);
	assert_int_equal(fk.immediate[0], 0);
	assert_int_equal(c->res.kind, VCPU_HALTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_stop_completes_the_access),
		T(test_guest_exit_completes_quietly),
		T(test_no_immediate_exit_says_so),
		T(test_completion_failure_reported),
		T(test_completion_retries_eagain),
		T(test_completion_refuses_further_accesses),
		T(test_completion_gives_up),
		T(test_completion_ends_in_other_exit),
		T(test_completion_malformed_exit),
		T(test_stop_mid_string_in),
		T(test_device_error_on_mmio_read),
		T(test_signal_after_io_needs_no_completion),
		T(test_signal_after_eagain_completes),
		T(test_stop_before_run),
		T(test_first_stop_wins),
		T(test_device_error_from_other_thread),
		T(test_spurious_eintr_continues),
		T(test_timeout_ends_the_run),
		T(test_timeout_not_reached),
		T(test_halt_needs_no_completion),
		T(test_shutdown_in_reset_state),
		T(test_shutdown_not_reset_state),
		T(test_shutdown_reset_has_no_paging_note),
		T(test_shutdown_registers_unavailable),
		T(test_internal_error_names_rip),
		T(test_kvm_run_failure_is_a_host_error),
		T(test_run_again_after_stop),
#undef T
	};
	struct sigaction sa;

	/*
	 * As vcpu_create() does, the kick has a handler; here it counts kicks
	 * that reach the thread outside vcpu_run(), where it is not blocked.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = stray_kick;
	sigemptyset(&sa.sa_mask);
	sigaction(VM_KICK_SIGNAL, &sa, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: whole --gdb sessions against a fake KVM, for the KVMs the
 * testbed is not: one whose int3 exits (KVM_GUESTDBG_USE_SW_BP) and one
 * whose debug registers fire (KVM_GUESTDBG_USE_HW_BP). This file's ioctl()
 * stands in for the kernel's on the fake vCPU fd: a tiny CPU that runs
 * one-byte instructions from the VM's RAM and exits as KVM documents
 * (an int3 exits before it runs, at its address; an execution debug
 * register before the instruction; a data one after it; a single step
 * after one instruction). The test is gdb, on the stub's Unix socket.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <cmocka.h>

#include <simvmm/x86.h>

#include "gdbstub.h"
#include "log.h"
#include "vcpu.h"
#include "vm.h"

#define FAKE_VCPU_FD	1001
#define RUN_SIZE	(3 * 4096)
#define RAM		0x2000
#define ENTRY		0x1000
#define WATCHED		0x400

/* The fake CPU's instructions, one byte each. */
#define OP_NOP		0x90
#define OP_INT3		0xcc
#define OP_HLT		0xf4
#define OP_STORE	0x88	/* [WATCHED]++ */
#define OP_LOAD		0x8a	/* reads [WATCHED] */

static uint8_t ram[RAM];

static struct {
	uint8_t *ram;
	uint64_t pc;
	struct kvm_guest_debug dbg;	/* as last set */
	uint32_t controls;		/* every control bit ever set */
	uint64_t dr7s[64];		/* each DR7 set, in order */
	unsigned int nr_dr7s;
	bool inject_bp, inject_db;	/* queued for the guest */
	unsigned int guest_bp;		/* #BPs the guest itself took */
	unsigned int guest_db;
	unsigned int runs;
} cpu;

static struct kvm_run *run_page;

static bool dr_on(unsigned int i)
{
	return (cpu.dbg.control & KVM_GUESTDBG_USE_HW_BP) &&
	       (cpu.dbg.arch.debugreg[7] & (2u << (2 * i)));
}

static unsigned int dr_rw(unsigned int i)
{
	return (cpu.dbg.arch.debugreg[7] >> (16 + 4 * i)) & 3;
}

static int debug_exit(uint32_t exception, uint64_t dr6)
{
	run_page->exit_reason = KVM_EXIT_DEBUG;
	run_page->debug.arch.exception = exception;
	run_page->debug.arch.pc = cpu.pc;
	run_page->debug.arch.dr6 = dr6;
	return 0;
}

/* A data debug register of kind @rw (1 write, 3 access) over WATCHED. */
static int data_hit(bool write)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (dr_on(i) && cpu.dbg.arch.debugreg[i] == WATCHED &&
		    (dr_rw(i) == 3 || (write && dr_rw(i) == 1)))
			return i;
	return -1;
}

static int fake_run(void)
{
	bool on = cpu.dbg.control & KVM_GUESTDBG_ENABLE;
	unsigned int i, n;
	uint8_t op;
	int dr;

	cpu.runs++;
	if (cpu.inject_bp) {
		/* The guest's #BP handler runs and returns past its int3. */
		cpu.inject_bp = false;
		cpu.guest_bp++;
		cpu.pc++;
	}
	if (cpu.inject_db) {
		cpu.inject_db = false;
		cpu.guest_db++;
	}
	for (n = 0; n < 1000; n++) {
		assert_true(cpu.pc < RAM);
		for (i = 0; i < 4; i++)
			if (dr_on(i) && dr_rw(i) == 0 &&
			    cpu.dbg.arch.debugreg[i] == cpu.pc)
				return debug_exit(1, 0xffff0ff0 | 1u << i);
		op = cpu.ram[cpu.pc];
		dr = -1;
		switch (op) {
		case OP_INT3:
			if (on && (cpu.dbg.control & KVM_GUESTDBG_USE_SW_BP))
				return debug_exit(3, 0);
			cpu.guest_bp++;
			cpu.pc++;
			break;
		case OP_HLT:
			cpu.pc++;
			run_page->exit_reason = KVM_EXIT_HLT;
			return 0;
		case OP_STORE:
			cpu.ram[WATCHED]++;
			cpu.pc++;
			dr = data_hit(true);
			break;
		case OP_LOAD:
			cpu.pc++;
			dr = data_hit(false);
			break;
		default:
			cpu.pc++;
			break;
		}
		if (dr >= 0)
			return debug_exit(1, 0xffff0ff0 | 1u << dr);
		if (on && (cpu.dbg.control & KVM_GUESTDBG_SINGLESTEP))
			return debug_exit(1, 0xffff4ff0);
	}
	fail_msg("the guest ran 1000 instructions without an exit");
	return -1;
}

/* The library's ioctl(): the fake vCPU here, the kernel for any other fd. */
int ioctl(int fd, unsigned long req, ...)
{
	struct kvm_translation *tr;
	struct kvm_sregs *sregs;
	struct kvm_regs *regs;
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd != FAKE_VCPU_FD)
		return syscall(SYS_ioctl, fd, req, arg);
	switch (req) {
	case KVM_RUN:
		return fake_run();
	case KVM_GET_REGS:
		regs = arg;
		memset(regs, 0, sizeof(*regs));
		regs->rip = cpu.pc;
		regs->rflags = 2;
		return 0;
	case KVM_SET_REGS:
		regs = arg;
		cpu.pc = regs->rip;
		return 0;
	case KVM_GET_SREGS:
		sregs = arg;
		memset(sregs, 0, sizeof(*sregs));
		sregs->cr0 = X86_CR0_PE | X86_CR0_PG;
		sregs->efer = X86_EFER_LME | X86_EFER_LMA;
		return 0;
	case KVM_TRANSLATE:
		tr = arg;
		tr->physical_address = tr->linear_address;
		tr->valid = tr->linear_address < RAM;
		return 0;
	case KVM_SET_GUEST_DEBUG:
		memcpy(&cpu.dbg, arg, sizeof(cpu.dbg));
		cpu.controls |= cpu.dbg.control;
		if (cpu.dbg.control & KVM_GUESTDBG_INJECT_BP)
			cpu.inject_bp = true;
		if (cpu.dbg.control & KVM_GUESTDBG_INJECT_DB)
			cpu.inject_db = true;
		if (cpu.nr_dr7s < 64)
			cpu.dr7s[cpu.nr_dr7s++] = cpu.dbg.arch.debugreg[7];
		return 0;
	default:
		errno = ENOTTY;
		return -1;
	}
}

struct session {
	struct vm vm;
	struct vcpu vcpu;
	struct gdbstub *g;
	char path[64];
	pthread_t thread;
	struct vcpu_result res;
	int ret;
	int fd;			/* gdb's end */
};

static struct session s;

static void *vcpu_thread(void *arg)
{
	(void)arg;
	s.ret = vcpu_run(&s.vcpu, &s.res);
	return NULL;
}

/* A VM with @prog at ENTRY, debugged on a KVM with @caps; gdb connected. */
static void start(const struct gdbstub_caps *caps, const char *prog,
		  size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	unsigned int i;

	memset(&s, 0, sizeof(s));
	memset(&cpu, 0, sizeof(cpu));
	log_set_quiet(true);
	memset(ram, 0, sizeof(ram));
	cpu.ram = ram;
	memcpy(cpu.ram + ENTRY, prog, len);
	cpu.pc = ENTRY;
	run_page = aligned_alloc(4096, RUN_SIZE);
	assert_non_null(run_page);
	memset(run_page, 0, RUN_SIZE);

	bus_init(&s.vm.bus);
	s.vm.fd = -1;
	s.vm.sys_fd = -1;
	s.vm.mem = cpu.ram;
	s.vm.mem_size = RAM;
	s.vm.slots[0] = (struct vm_slot){ 0, RAM, cpu.ram };
	s.vm.nr_slots = 1;
	s.vm.stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_true(s.vm.stop_fd >= 0);
	pthread_mutex_init(&s.vm.kick_lock, NULL);
	s.vm.timeout_ns = 30ull * 1000000000;
	s.vcpu.vm = &s.vm;
	s.vcpu.fd = FAKE_VCPU_FD;
	s.vcpu.run = run_page;

	snprintf(s.path, sizeof(s.path), "/tmp/simvmm-gdb-test.%d.sock",
		 (int)getpid());
	assert_int_equal(gdbstub_open(s.path, caps, &s.g), 0);
	gdbstub_attach(s.g, &s.vcpu, CPU_MODE_LONG);
	assert_int_equal(pthread_create(&s.thread, NULL, vcpu_thread, NULL),
			 0);
	s.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s.fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", s.path);
	for (i = 0; i < 100; i++) {
		if (!connect(s.fd, (struct sockaddr *)&sa, sizeof(sa)))
			return;
		usleep(10000);
	}
	fail_msg("cannot connect to the stub");
}

/* The run ends; the stub and the fake are taken down. */
static void finish(void)
{
	assert_int_equal(pthread_join(s.thread, NULL), 0);
	close(s.fd);
	gdbstub_close(s.g);
	close(s.vm.stop_fd);
	pthread_mutex_destroy(&s.vm.kick_lock);
	free(run_page);
	log_set_quiet(false);
}

/* One byte from gdb's socket, at most 10 s away. */
static char next_byte(void)
{
	struct pollfd p = { .fd = s.fd, .events = POLLIN };
	char c;

	assert_int_equal(poll(&p, 1, 10000), 1);
	assert_int_equal(read(s.fd, &c, 1), 1);
	return c;
}

/* Send @cmd as a packet; its '+', then the reply's payload into @out. */
static void xchg(const char *cmd, char *out, size_t cap)
{
	unsigned int sum = 0;
	char frame[512], c;
	size_t i, n = 0;

	for (i = 0; cmd[i]; i++)
		sum += (uint8_t)cmd[i];
	i = snprintf(frame, sizeof(frame), "$%s#%02x", cmd, sum & 0xff);
	assert_int_equal(write(s.fd, frame, i), (ssize_t)i);
	assert_int_equal(next_byte(), '+');
	if (!out)
		return;
	while ((c = next_byte()) != '$')
		;
	while ((c = next_byte()) != '#') {
		assert_true(n + 1 < cap);
		out[n++] = c;
	}
	out[n] = '\0';
	next_byte();
	next_byte();
	/* After W the stub has hung up: the ack may find no one. */
	(void)send(s.fd, "+", 1, MSG_NOSIGNAL);
}

static void expect(const char *cmd, const char *want)
{
	char got[512];

	xchg(cmd, got, sizeof(got));
	assert_string_equal(got, want);
}

/* The guest's PC as gdb reads it: register 16, rip, little-endian. */
static void expect_pc(uint64_t pc)
{
	char want[17];
	unsigned int i;

	for (i = 0; i < 8; i++)
		snprintf(want + 2 * i, 3, "%02x", (unsigned int)(pc >> 8 * i) & 0xff);
	expect("p10", want);
}

static const struct gdbstub_caps int3_kvm = { .single_step = true,
					      .sw_bp = true };
static const struct gdbstub_caps dr_kvm = { .single_step = true,
					    .hw_bp = true };
static const struct gdbstub_caps step_kvm = { .single_step = true };

/*
 * nop, nop, the guest's own int3, nop, nop (0x1004: gdb's breakpoint),
 * store, nop, hlt.
 */
static const char prog_int3[] = "\x90\x90\xcc\x90\x90\x88\x90\xf4";

/* An int3 KVM: Z0 plants one, gdb never sees it, the guest's own is its. */
static void test_int3_session(void **state)
{
	(void)state;
	start(&int3_kvm, prog_int3, sizeof(prog_int3) - 1);
	expect("Z0,1004,1", "OK");
	assert_int_equal(cpu.ram[0x1004], 0xcc);
	expect("m1000,8", "9090cc90908890f4");
	expect("c", "T05swbreak:;thread:1;");
	expect_pc(0x1004);
	/* The guest's own int3 went to the guest, once. */
	assert_int_equal(cpu.guest_bp, 1);
	assert_true(cpu.controls & KVM_GUESTDBG_INJECT_BP);
	assert_true(cpu.controls & KVM_GUESTDBG_USE_SW_BP);
	/* Breakpoints left in: the stub steps over this one, then runs. */
	expect("c", "W00");
	finish();
	assert_int_equal(s.ret, 0);
	assert_int_equal(s.res.kind, VCPU_HALTED);
	assert_int_equal(cpu.ram[WATCHED], 1);
	assert_int_equal(cpu.guest_bp, 1);
	/* No int3 of ours outlives the session. */
	assert_int_equal(cpu.ram[0x1004], 0x90);
	assert_true(cpu.controls & KVM_GUESTDBG_SINGLESTEP);
}

/* gdb's usual way: remove at each stop, insert again before resuming. */
static void test_int3_gdb_way(void **state)
{
	(void)state;
	start(&int3_kvm, prog_int3, sizeof(prog_int3) - 1);
	expect("Z0,1004,1", "OK");
	expect("c", "T05swbreak:;thread:1;");
	expect("z0,1004,1", "OK");
	assert_int_equal(cpu.ram[0x1004], 0x90);
	expect("s", "T05thread:1;");
	expect_pc(0x1005);
	expect("Z0,1004,1", "OK");
	/* gdb writes over the int3: kept on top, the write is the guest's. */
	expect("M1004,1:91", "OK");
	assert_int_equal(cpu.ram[0x1004], 0xcc);
	expect("m1004,1", "91");
	expect("z0,1004,1", "OK");
	assert_int_equal(cpu.ram[0x1004], 0x91);
	expect("c", "W00");
	finish();
	assert_int_equal(s.res.kind, VCPU_HALTED);
}

/* Detached with an int3 in: the guest runs on without it. */
static void test_int3_detach(void **state)
{
	(void)state;
	start(&int3_kvm, prog_int3, sizeof(prog_int3) - 1);
	expect("Z0,1004,1", "OK");
	expect("D", "OK");
	finish();
	assert_int_equal(s.ret, 0);
	assert_int_equal(s.res.kind, VCPU_HALTED);
	assert_int_equal(cpu.ram[0x1004], 0x90);
	/* The guest's own int3 reached it, with no debugger about. */
	assert_int_equal(cpu.guest_bp, 1);
	assert_int_equal(cpu.dbg.control, 0);
}

/*
 * nop, nop, store (0x1002), nop, nop (0x1004: hbreak), load (0x1005),
 * nop, hlt.
 */
static const char prog_dr[] = "\x90\x90\x88\x90\x90\x8a\x90\xf4";

/* A KVM whose debug registers fire: hbreak, watch and awatch by them. */
static void test_dr_session(void **state)
{
	unsigned int i;
	bool seen = false;

	(void)state;
	start(&dr_kvm, prog_dr, sizeof(prog_dr) - 1);
	expect("Z2,400,1", "OK");
	expect("Z1,1004,1", "OK");
	expect("Z4,400,1", "OK");
	expect("Z3,400,1", "");		/* never: x86 cannot */
	expect("c", "T05watch:400;thread:1;");
	expect_pc(0x1003);
	/*
	 * DR0 write, DR1 execute, DR2 access, one byte each: G0, G1, G2,
	 * R/W0 = 01, R/W2 = 11, bit 10.
	 */
	for (i = 0; i < cpu.nr_dr7s; i++)
		seen |= cpu.dr7s[i] == 0x0301042a;
	assert_true(seen);
	assert_false(cpu.controls & KVM_GUESTDBG_SINGLESTEP);
	expect("c", "T05hwbreak:;thread:1;");
	expect_pc(0x1004);
	/* From the breakpoint on: stepped over it, stopped by the load. */
	expect("c", "T05awatch:400;thread:1;");
	expect_pc(0x1006);
	assert_true(cpu.controls & KVM_GUESTDBG_SINGLESTEP);
	expect("z2,400,1", "OK");
	expect("z1,1004,1", "OK");
	expect("z4,400,1", "OK");
	expect("c", "W00");
	finish();
	assert_int_equal(s.res.kind, VCPU_HALTED);
	assert_int_equal(cpu.dbg.control & KVM_GUESTDBG_USE_HW_BP, 0);
}

/* The testbed's kind: the same stops, by single-step, memory untouched. */
static void test_step_session(void **state)
{
	(void)state;
	start(&step_kvm, prog_dr, sizeof(prog_dr) - 1);
	expect("Z0,1004,1", "OK");
	assert_int_equal(cpu.ram[0x1004], 0x90);
	expect("Z2,400,1", "OK");
	expect("Z4,400,1", "");		/* an access watch needs a register */
	expect("c", "T05watch:400;thread:1;");
	expect_pc(0x1003);
	expect("c", "T05swbreak:;thread:1;");
	expect_pc(0x1004);
	assert_int_equal(cpu.controls &
			 (KVM_GUESTDBG_USE_SW_BP | KVM_GUESTDBG_USE_HW_BP), 0);
	expect("z0,1004,1", "OK");
	expect("z2,400,1", "OK");
	expect("c", "W00");
	finish();
	assert_int_equal(s.res.kind, VCPU_HALTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int3_session),
		cmocka_unit_test(test_int3_gdb_way),
		cmocka_unit_test(test_int3_detach),
		cmocka_unit_test(test_dr_session),
		cmocka_unit_test(test_step_session),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

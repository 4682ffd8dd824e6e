// SPDX-License-Identifier: GPL-2.0
/*
 * simvmm probe: what this host's KVM gives simvmm, found by doing it. Each
 * CPU mode runs its built-in hello guest (hello32p passes its check only if
 * paging really translates); the poll transport needs KVM_CAP_IOEVENTFD;
 * --stats reads KVM's binary stats; --gdb needs single-step and uses int3
 * and debug-register exits where this KVM delivers them (gdbstub_probe()).
 * KVMs differ here: nested, paravirtualized ones have refused paging
 * outside long mode, and none of the testbed's delivers an int3 exit.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>

#include <simvmm/memmap.h>
#include <simvmm/x86.h>

#include "../lib/cpuid.h"
#include "../lib/gdbstub.h"
#include "../lib/kvm.h"
#include "../lib/log.h"
#include "../lib/machine.h"
#include "../lib/util.h"
#include "builtin.h"
#include "cli.h"

/* A hello guest runs in milliseconds; this bounds a KVM that hangs it. */
#define PROBE_TIMEOUT_NS	(10 * 1000000000ull)

static void line(const char *what, bool ok, const char *detail)
{
	printf("%-12s %-4s %s\n", what, ok ? "yes" : "no", detail);
}

/* The 12 bytes of a CPUID signature, in register order @a, @b, @c. */
static void signature(char out[13], uint32_t a, uint32_t b, uint32_t c)
{
	memcpy(out, &a, 4);
	memcpy(out + 4, &b, 4);
	memcpy(out + 8, &c, 4);
	out[12] = '\0';
}

/* Which CPU KVM shows its guests: vendor and hypervisor signature. */
static void print_cpu(int sys_fd)
{
	char vendor[13] = "unknown", hv[13] = "none";
	struct kvm_cpuid2 *c;
	unsigned int i;

	if (cpuid_get_supported(sys_fd, &c))
		return;
	for (i = 0; i < c->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function == X86_CPUID_VENDOR)
			signature(vendor, e->ebx, e->edx, e->ecx);
		else if (e->function == X86_CPUID_HV_BASE)
			signature(hv, e->ebx, e->ecx, e->edx);
	}
	free(c);
	printf("%-12s %-4s %s, API version %d, guests see %s, hypervisor %s\n",
	       "kvm", "yes", SIMVMM_KVM_DEV, KVM_API_VERSION, vendor, hv);
}

/* Why a hello guest did not pass, in a few words. */
static const char *failure(const struct vcpu_result *res)
{
	switch (res->kind) {
	case VCPU_HALTED:
		return "halted but failed its check";
	case VCPU_TIMEOUT:
		return "still running after 10 s";
	case VCPU_GUEST_FAULT:
		return res->exit_reason == KVM_EXIT_SHUTDOWN ?
		       "triple-faulted" : "could not run (see above)";
	default:
		return "ended otherwise (see above)";
	}
}

/* Run the built-in guest @name; true if it halts and passes its check. */
static bool probe_mode(int sys_fd, const char *name, char *why, size_t len)
{
	const struct builtin_guest *bg = builtin_find(name);
	struct machine_config cfg = {
		.name = name,
		.image = bg->start,
		.image_len = bg->end - bg->start,
		.mode = bg->mode,
		.mem_size = SIMVMM_MEM_DEFAULT,
		.load_addr = SIMVMM_LOAD_ADDR,
		.entry = SIMVMM_LOAD_ADDR,
		.timeout_ns = PROBE_TIMEOUT_NS,
	};
	struct vcpu_result res;
	struct machine *m;
	uint64_t rax;
	uint32_t mem;
	bool ok = false;

	if (machine_create(sys_fd, &cfg, &m)) {
		snprintf(why, len, "%s: KVM refused its setup (see above)",
			 name);
		return false;
	}
	if (machine_run(m, &res)) {
		snprintf(why, len, "%s: KVM_RUN failed (see above)", name);
	} else {
		ok = res.kind == VCPU_HALTED &&
		     machine_check(m, &rax, &mem) == 1;
		if (ok)
			snprintf(why, len, "%s halted and passed its check",
				 name);
		else
			snprintf(why, len, "%s %s", name, failure(&res));
	}
	machine_destroy(m);
	return ok;
}

int cmd_probe(void)
{
	static const struct {
		const char *mode, *guest;
	} modes[] = {
		{ "real", "hello16" },
		{ "protected", "hello32" },
		{ "paged", "hello32p" },
		{ "long", "hello64" },
	};
	char missing[128] = "", why[128];
	struct gdbstub_caps caps;
	unsigned int i;
	bool ok;
	int sys_fd;

	sys_fd = kvm_open_system();
	if (sys_fd < 0)
		return EXIT_SETUP;
	print_cpu(sys_fd);
	fflush(stdout);
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		ok = probe_mode(sys_fd, modes[i].guest, why, sizeof(why));
		line(modes[i].mode, ok, why);
		fflush(stdout);
		if (!ok) {
			strcat(missing, " ");
			strcat(missing, modes[i].mode);
		}
	}

	ok = kvm_check_cap(sys_fd, KVM_CAP_IOEVENTFD) > 0;
	line("ioeventfd", ok, ok ? "--transport poll works" :
	     "no KVM_CAP_IOEVENTFD: --transport poll is refused");
	if (!ok)
		strcat(missing, " ioeventfd");
	ok = kvm_check_cap(sys_fd, KVM_CAP_BINARY_STATS_FD) > 0;
	line("kvm-stats", ok, ok ? "--stats shows KVM's own counters too" :
	     "no KVM_CAP_BINARY_STATS_FD: --stats shows simvmm's counts only");

	if (gdbstub_probe(sys_fd, &caps)) {
		strcat(missing, " guest-debug");
	} else {
		line("single-step", caps.single_step, caps.single_step ?
		     "--gdb steps, and breaks and watches where no native way works" :
		     "KVM_GUESTDBG_SINGLESTEP does not stop after one instruction: --gdb cannot step");
		line("int3-exit", caps.sw_bp, caps.sw_bp ?
		     "--gdb breakpoints are int3 instructions; the guest runs at full speed" :
		     "an int3 under KVM_GUESTDBG_USE_SW_BP goes to the guest: --gdb breaks by single-step");
		line("dr-exit", caps.hw_bp, caps.hw_bp ?
		     "--gdb hbreak, watch, rwatch and awatch use the debug registers" :
		     "debug-register breakpoints do not exit: --gdb breaks and watches by single-step");
		if (!caps.single_step)
			strcat(missing, " single-step");
	}
	close(sys_fd);

	if (missing[0]) {
		printf("simvmm cannot use on this KVM:%s\n", missing);
		return EXIT_GUEST_FAILED;
	}
	printf("simvmm can use every CPU mode and feature on this KVM\n");
	return EXIT_OK;
}

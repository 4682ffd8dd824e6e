/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One guest machine, assembled: a VM with its RAM, the devices it was
 * asked for, one vCPU in the chosen CPU mode and the image loaded. Each
 * machine owns all of that and shares nothing but the backends it was
 * given, so one process runs many at once, one per thread.
 */
#ifndef SIMVMM_MACHINE_H
#define SIMVMM_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chardev.h"
#include "cpu_mode.h"
#include "devices/simvirtio.h"
#include "multiboot.h"
#include "vcpu.h"
#include "vm.h"

struct machine_config {
	const char *name;		/* the guest, for messages */
	const void *image;		/* flat image, copied at @load_addr */
	size_t image_len;
	/* A Multiboot kernel (@image parsed), with its command line. */
	const struct multiboot_image *multiboot;
	const char *cmdline;
	enum cpu_mode mode;
	uint64_t mem_size;
	uint64_t load_addr;
	uint64_t entry;
	uint64_t timeout_ns;		/* 0: no limit */
	struct chardev *console;	/* debug console; NULL: discarded */
	uint64_t console_limit;		/* 0: no limit */
	bool simvirtio;			/* attach SIMVIRTIO, with @sv */
	struct simvirtio_params sv;
};

struct machine {
	struct machine_config cfg;
	struct vm *vm;
	struct vcpu *vcpu;
};

/*
 * Build the machine @cfg describes on /dev/kvm's @sys_fd (not owned). The
 * backends in @cfg must outlive it. 0 or -errno, after saying why.
 */
int machine_create(int sys_fd, const struct machine_config *cfg,
		   struct machine **out);

/* Run it on the calling thread until it ends (vcpu_run()). */
int machine_run(struct machine *m, struct vcpu_result *res);

/* Stop it from any thread; the run ends at once (vm_request_stop()). */
void machine_stop(struct machine *m, enum vm_stop why, uint32_t code);

/*
 * The assignment's check after hlt: RAX and the 32-bit word at
 * SIMVMM_CHECK_ADDR hold 42. 1 if they do, 0 if not, -errno if the
 * registers cannot be read; *@rax and *@mem get what was found.
 */
int machine_check(struct machine *m, uint64_t *rax, uint32_t *mem);

/* Tear it down; NULL is fine. */
void machine_destroy(struct machine *m);

#endif /* SIMVMM_MACHINE_H */

// SPDX-License-Identifier: GPL-2.0
/* A machine (machine.h): a VM, its devices, a vCPU and the guest image. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <simvmm/abi.h>
#include <simvmm/memmap.h>

#include "devices/debugcon.h"
#include "devices/exit_port.h"
#include "devices/report.h"
#include "loader.h"
#include "log.h"
#include "machine.h"

/*
 * Every device follows one rule: it is handed to the VM before it is put
 * on the bus, so vm_destroy() frees whatever an attach left half done,
 * and the bus never holds a device the VM does not own.
 */
static int attach_devices(struct machine *m)
{
	const struct machine_config *c = &m->cfg;
	int err;

	err = debugcon_attach(m->vm, c->console, c->console_limit, NULL);
	if (err)
		return err;
	err = exit_port_attach(m->vm);
	if (err) {
		pr_err("exit port: registering port 0x%x: %s",
		       SIMVMM_EXIT_PORT, strerror(-err));
		return err;
	}
	err = report_attach(m->vm);
	if (err)
		return err;
	if (c->simvirtio)
		return simvirtio_attach(m->vm, &c->sv, NULL);
	return 0;
}

/* The Multiboot hand-over: EAX says who loaded it, EBX where the info is. */
static int multiboot_enter(struct vcpu *vcpu)
{
	struct kvm_regs regs;
	int err;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &regs) < 0)
		goto fail;
	regs.rax = MB_BOOT_MAGIC;
	regs.rbx = SIMVMM_MBINFO_ADDR;
	if (ioctl(vcpu->fd, KVM_SET_REGS, &regs) < 0)
		goto fail;
	return 0;
fail:
	err = -errno;
	pr_err("setting the Multiboot registers: %s", strerror(-err));
	return err;
}

int machine_create(int sys_fd, const struct machine_config *cfg,
		   struct machine **out)
{
	struct machine *m;
	int err;

	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->cfg = *cfg;
	err = vm_create(sys_fd, cfg->mem_size, &m->vm);
	if (err)
		goto err;
	m->vm->timeout_ns = cfg->timeout_ns;
	err = attach_devices(m);
	if (!err)
		err = vcpu_create(m->vm, 0, &m->vcpu);
	if (!err && cfg->multiboot)
		err = multiboot_load(m->vm, cfg->multiboot, cfg->image,
				     cfg->image_len, cfg->name, cfg->cmdline);
	else if (!err)
		err = loader_place(m->vm, cfg->mode, cfg->load_addr, cfg->image,
				   cfg->image_len, cfg->name);
	if (!err)
		err = cpu_mode_setup(m->vcpu, cfg->mode, cfg->entry);
	if (!err && cfg->multiboot)
		err = multiboot_enter(m->vcpu);
	if (err)
		goto err;
	*out = m;
	return 0;

err:
	machine_destroy(m);
	return err;
}

int machine_run(struct machine *m, struct vcpu_result *res)
{
	return vcpu_run(m->vcpu, res);
}

void machine_stop(struct machine *m, enum vm_stop why, uint32_t code)
{
	vm_request_stop(m->vm, why, code);
}

int machine_check(struct machine *m, uint64_t *rax, uint32_t *mem)
{
	const uint32_t *slot;
	struct kvm_regs regs;
	int err;

	if (ioctl(m->vcpu->fd, KVM_GET_REGS, &regs) < 0) {
		err = -errno;
		pr_err("KVM_GET_REGS: %s", strerror(-err));
		return err;
	}
	slot = vm_gpa_to_hva(m->vm, SIMVMM_CHECK_ADDR, sizeof(*slot));
	*rax = regs.rax;
	*mem = slot ? *slot : 0;
	return *rax == SIMVMM_CHECK_VALUE && *mem == SIMVMM_CHECK_VALUE;
}

void machine_destroy(struct machine *m)
{
	if (!m)
		return;
	vcpu_destroy(m->vcpu);
	vm_destroy(m->vm);
	free(m);
}

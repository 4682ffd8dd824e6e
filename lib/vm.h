/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtual machine: the KVM fds, guest RAM, the I/O bus and the devices.
 * Everything a VM owns hangs off struct vm, so VMs in one process share
 * nothing.
 */
#ifndef SIMVMM_VM_H
#define SIMVMM_VM_H

#include <stddef.h>
#include <stdint.h>

#include "bus.h"

struct vm_slot {
	uint64_t gpa;
	uint64_t size;
	uint8_t *hva;
};

/* Why a run stopped before the guest halted, as asked by a device. */
enum vm_stop {
	VM_RUNNING = 0,
	VM_STOP_GUEST_EXIT,	/* guest wrote the exit port */
	VM_STOP_DEVICE_ERROR,	/* a device found a protocol violation */
};

#define VM_MAX_DEVICES 8

struct vm_device {
	const char *name;
	void *priv;
	void (*destroy)(void *priv);
};

struct vm {
	int sys_fd;		/* /dev/kvm */
	int fd;			/* the VM */
	uint8_t *mem;		/* all guest RAM, one host mapping */
	uint64_t mem_size;
	struct vm_slot slots[2];
	unsigned int nr_slots;
	unsigned int nr_dev_slots;	/* device memory, see vm_map_device_memory */
	int vcpu_mmap_size;
	struct bus bus;
	struct vm_device devices[VM_MAX_DEVICES];
	unsigned int nr_devices;
	enum vm_stop stop;
	uint32_t stop_code;
};

/*
 * Create a VM with @mem_size bytes of RAM laid out as in memmap.h, using
 * the already-checked /dev/kvm fd @sys_fd (not owned). Returns 0 or a
 * negative errno after saying why on stderr.
 */
int vm_create(int sys_fd, uint64_t mem_size, struct vm **out);

/* Destroy the devices in reverse order, then the VM. NULL is fine. */
void vm_destroy(struct vm *vm);

/*
 * Host address of guest-physical [gpa, gpa + len), or NULL unless the
 * whole range is RAM of this VM. The only way host code reaches guest RAM.
 */
void *vm_gpa_to_hva(const struct vm *vm, uint64_t gpa, uint64_t len);

/*
 * The RAM slot holding @gpa and how many bytes of RAM follow it (0 if
 * @gpa is not RAM).
 */
uint64_t vm_ram_room(const struct vm *vm, uint64_t gpa);

/*
 * Hand a device to the VM: @destroy(@priv) runs at vm_destroy, in reverse
 * order of attachment. Returns 0 or -ENOSPC.
 */
int __attribute__((warn_unused_result))
vm_attach_device(struct vm *vm, const char *name, void *priv,
		 void (*destroy)(void *priv));

/*
 * Make @size bytes of host memory at @hva (page aligned) guest memory at
 * @gpa for a device, e.g. a shared ring page inside the device hole. It is
 * not RAM: vm_gpa_to_hva() and the loader never see it. Returns the KVM
 * slot number (>= 0) or a negative errno (reported).
 */
int __attribute__((warn_unused_result))
vm_map_device_memory(struct vm *vm, uint64_t gpa, uint64_t size, void *hva);

/* Remove a slot made by vm_map_device_memory(). */
void vm_unmap_device_memory(struct vm *vm, int slot, uint64_t gpa);

/* Ask the vCPU loop to stop after the current exit. The first ask wins. */
void vm_request_stop(struct vm *vm, enum vm_stop why, uint32_t code);

#endif /* SIMVMM_VM_H */

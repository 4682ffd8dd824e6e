/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A struct vm without KVM, for fuzz targets: RAM is a caller-supplied
 * heap buffer of exactly the guest's size (so ASan sees any byte touched
 * outside it) and the slots are laid out as vm_create() lays them out.
 * Devices attach to it as to a real VM. Never pass it to vm_destroy():
 * it would munmap the heap buffer; call fake_vm_release() instead.
 */
#ifndef SIMVMM_FUZZ_FAKE_VM_H
#define SIMVMM_FUZZ_FAKE_VM_H

#include <string.h>

#include <simvmm/memmap.h>

#include "vm.h"

/* As vm_create(): RAM in one piece from 0, the devices above it. */
static inline void fake_vm_init(struct vm *vm, uint8_t *mem, uint64_t size)
{
	memset(vm, 0, sizeof(*vm));
	vm->fd = -1;
	vm->stop_fd = -1;	/* no eventfd: vm_request_stop() only records */
	vm->sys_fd = -1;
	vm->mem = mem;
	vm->mem_size = size;
	bus_init(&vm->bus);
	vm->slots[0] = (struct vm_slot){ 0, size, mem };
	vm->nr_slots = 1;
	vm->mmio_base = SIMVMM_MMIO_BASE(size);
}

/* The device half of vm_destroy(): destructors in reverse order. */
static inline void fake_vm_release(struct vm *vm)
{
	while (vm->nr_devices) {
		struct vm_device *d = &vm->devices[--vm->nr_devices];

		if (d->destroy)
			d->destroy(d->priv);
	}
}

#endif /* SIMVMM_FUZZ_FAKE_VM_H */

// SPDX-License-Identifier: GPL-2.0
/* Exit port: a guest write stops the VM with that value as its status. */
#include <string.h>

#include <simvmm/abi.h>

#include "exit_port.h"

static int exit_port_io(void *owner, uint64_t offset, void *data,
			uint32_t len, bool is_write)
{
	uint32_t v = 0;

	(void)offset;
	if (!is_write) {
		v = SIMVMM_EXIT_PORT_MAGIC;
		memcpy(data, &v, len > 4 ? 4 : len);
		return 0;
	}
	memcpy(&v, data, len > 4 ? 4 : len);
	vm_request_stop(owner, VM_STOP_GUEST_EXIT, v);
	return 0;
}

int exit_port_attach(struct vm *vm)
{
	/* Four ports so a 32-bit OUT at the base lies wholly inside. */
	return bus_register(&vm->bus, BUS_PIO, SIMVMM_EXIT_PORT, 4,
			    exit_port_io, vm, "exit");
}

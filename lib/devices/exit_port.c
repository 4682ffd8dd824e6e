// SPDX-License-Identifier: GPL-2.0
/* Exit port: a guest write stops the VM with that value as its status. */
#include <errno.h>
#include <string.h>

#include <simvmm/abi.h>

#include "exit_port.h"
#include "../log.h"

/*
 * One 32-bit register at SIMVMM_EXIT_PORT; the bus guarantees
 * @offset + @len <= 4. Reads see its byte lanes, so "in al, 0xf6" is
 * byte 2 of the magic. Only a write starting at the base is an exit
 * request: one at 0xf5-0xf7 is ignored, so a stray byte cannot end the
 * run with a status made of whatever the other lanes would have held.
 */
static int exit_port_io(void *owner, uint64_t offset, void *data,
			uint32_t len, bool is_write)
{
	uint32_t v = SIMVMM_EXIT_PORT_MAGIC;

	if (offset >= sizeof(v) || len > sizeof(v) - offset) {
		/* Unreachable through the bus; kept for any other caller. */
		pr_err("exit port: %u-byte access at offset %llu", len,
		       (unsigned long long)offset);
		return -EINVAL;
	}
	if (!is_write) {
		memcpy(data, (uint8_t *)&v + offset, len);
		return 0;
	}
	if (offset != 0)
		return 0;
	v = 0;
	memcpy(&v, data, len);
	vm_request_stop(owner, VM_STOP_GUEST_EXIT, v);
	return 0;
}

int exit_port_attach(struct vm *vm)
{
	/* Four ports so a 32-bit OUT at the base lies wholly inside. */
	return bus_register(&vm->bus, BUS_PIO, SIMVMM_EXIT_PORT, 4,
			    exit_port_io, vm, "exit");
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Debug console on port 0xe9. Each byte goes to the backend at once, and
 * straight to its fd while nothing is buffered, so the guest's output and
 * simvmm's own messages interleave in the right order.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <simvmm/abi.h>

#include "debugcon.h"
#include "../log.h"

static void debugcon_put(struct debugcon *con, uint8_t c)
{
	con->bytes++;
	if (con->limit && con->bytes > con->limit) {
		/*
		 * A guest this talkative is out of control: end the run
		 * rather than spin on, printing nothing, until a timeout.
		 */
		con->dropped++;
		if (con->bytes == con->limit + 1) {
			pr_err("guest wrote more than %llu bytes to the debug console; stopped it (raise --console-limit, 0 = no limit)",
			       (unsigned long long)con->limit);
			vm_request_stop(con->vm, VM_STOP_DEVICE_ERROR, 0);
		}
		return;
	}
	if (!con->out)
		return;
	/* The buffer is full: the guest waits for the reader, we do not. */
	while (!chardev_write(con->out, &c, 1)) {
		if (vm_wait(con->vm, chardev_fd(con->out), POLLOUT, -1) < 0) {
			con->dropped++;
			return;
		}
	}
}

static int debugcon_io(void *owner, uint64_t offset, void *data, uint32_t len,
		       bool is_write)
{
	struct debugcon *con = owner;
	uint8_t *bytes = data;
	uint32_t i;

	(void)offset;
	if (!is_write) {
		/* Reads return the port number: the Bochs presence check. */
		for (i = 0; i < len; i++)
			bytes[i] = SIMVMM_DEBUGCON_PORT;
		return 0;
	}
	/* The port is one byte wide: the bus never sends a wider OUT here. */
	debugcon_put(con, bytes[0]);
	return 0;
}

int debugcon_attach(struct vm *vm, struct chardev *out, uint64_t limit,
		    struct debugcon **con_out)
{
	struct debugcon *con;
	int err;

	con = calloc(1, sizeof(*con));
	if (!con)
		return -ENOMEM;
	con->vm = vm;
	con->out = out;
	con->limit = limit;

	/* The VM owns it first, so the bus never holds a freed device. */
	err = vm_attach_device(vm, "debugcon", con, free);
	if (err) {
		free(con);
		pr_err("debugcon: attaching to the VM: %s", strerror(-err));
		return err;
	}
	err = bus_register(&vm->bus, BUS_PIO, SIMVMM_DEBUGCON_PORT, 1,
			   debugcon_io, con, "debugcon");
	if (err) {
		pr_err("debugcon: registering port 0x%x: %s",
		       SIMVMM_DEBUGCON_PORT, strerror(-err));
		return err;
	}
	if (con_out)
		*con_out = con;
	return 0;
}

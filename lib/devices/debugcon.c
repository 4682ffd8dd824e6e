// SPDX-License-Identifier: GPL-2.0
/*
 * Debug console on port 0xe9. Each byte is written through at once, so the
 * guest's output and simvmm's own messages interleave in the right order.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <simvmm/abi.h>

#include "debugcon.h"
#include "../log.h"

static void debugcon_put(struct debugcon *con, uint8_t c)
{
	ssize_t n;

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
	if (con->write_error) {
		con->dropped++;
		return;
	}
	do {
		n = write(con->out_fd, &c, 1);
	} while (n < 0 && errno == EINTR);
	if (n != 1) {
		/* A closed pipe must not stop the guest: drop, say so once. */
		con->write_error = n < 0 ? errno : EIO;
		con->dropped++;
		pr_warn("debug console output failed, dropping the guest's output from here on");
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

int debugcon_attach(struct vm *vm, int out_fd, uint64_t limit,
		    struct debugcon **out)
{
	struct debugcon *con;
	int err;

	con = calloc(1, sizeof(*con));
	if (!con)
		return -ENOMEM;
	con->vm = vm;
	con->out_fd = out_fd;
	con->limit = limit;

	err = bus_register(&vm->bus, BUS_PIO, SIMVMM_DEBUGCON_PORT, 1,
			   debugcon_io, con, "debugcon");
	if (!err)
		err = vm_attach_device(vm, "debugcon", con, free);
	if (err) {
		free(con);
		return err;
	}
	if (out)
		*out = con;
	return 0;
}

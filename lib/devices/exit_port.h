/* SPDX-License-Identifier: GPL-2.0 */
/* The exit port: lets a guest end the run with a status, like isa-debug-exit. */
#ifndef SIMVMM_EXIT_PORT_H
#define SIMVMM_EXIT_PORT_H

#include "../vm.h"

/* Attach the exit port at SIMVMM_EXIT_PORT. Returns 0 or a negative errno. */
int exit_port_attach(struct vm *vm);

#endif /* SIMVMM_EXIT_PORT_H */

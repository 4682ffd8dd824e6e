/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the hostile SIMVIRTIO drivers (guests/test/hostile_*.c): each
 * breaks one protocol rule, for tests/integration/simvirtio.bats. The VMM
 * must stop each of them; one that is not stopped says so on stdout and
 * passes the check, so a test expecting the stop fails loudly.
 */
#ifndef SIMVMM_GUEST_HOSTILE_H
#define SIMVMM_GUEST_HOSTILE_H

#include <guest.h>
#include <simvirtio_drv.h>

static inline int hostile_not_stopped(void)
{
	console_puts("NOT STOPPED\n");
	guest_store_check();
	return SIMVMM_CHECK_VALUE;
}

/* Probe only: the device is still at power-on. */
static inline void hostile_probe(struct simvirtio_drv *d)
{
	if (simvirtio_probe(d, simvirtio_find()))
		guest_exit(90);
}

/* A well-behaved handshake first: the device is READY. */
static inline void hostile_ready(struct simvirtio_drv *d)
{
	hostile_probe(d);
	if (simvirtio_start(d))
		guest_exit(91);
}

#endif /* SIMVMM_GUEST_HOSTILE_H */

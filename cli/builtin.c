// SPDX-License-Identifier: GPL-2.0
/* The built-in guest table; the images come from guest_images.S. */
#include <string.h>

#include "builtin.h"
#include "../lib/util.h"

#define GUEST_IMAGE(n) \
	extern const uint8_t guest_##n[], guest_##n##_end[]

GUEST_IMAGE(hello16);
GUEST_IMAGE(hello32);
GUEST_IMAGE(hello32p);
GUEST_IMAGE(hello64);
GUEST_IMAGE(simvirtio16);
GUEST_IMAGE(simvirtio32);
GUEST_IMAGE(simvirtio);
GUEST_IMAGE(echo);

#define GUEST(n, m, checked, sv, purpose) \
	{ #n, CPU_MODE_##m, purpose, guest_##n, guest_##n##_end, checked, sv }

static const struct builtin_guest builtins[] = {
	GUEST(hello16, REAL, true, false,
	      "real mode, assembly: prints Hello, world!, stores 42, halts"),
	GUEST(hello32, PROTECTED, true, false,
	      "32-bit protected mode, assembly: same contract as hello16"),
	GUEST(hello32p, PAGED, true, false,
	      "32-bit PAE paging: same contract, 42 stored through a 3 GiB alias"),
	GUEST(hello64, LONG, true, false,
	      "64-bit long mode, C on the guest library: same contract"),
	GUEST(simvirtio, LONG, true, true,
	      "SIMVIRTIO handshake, sends Ana are mere on TX, stores 42, halts"),
	GUEST(simvirtio16, REAL, true, true,
	      "the simvirtio flow in real mode (window through FS=0xffff)"),
	GUEST(simvirtio32, PROTECTED, true, true,
	      "the simvirtio flow in 32-bit protected mode"),
	GUEST(echo, LONG, true, true,
	      "SIMVIRTIO: sends RX (simvmm's stdin) back on TX until EOF"),
};

const struct builtin_guest *builtin_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(builtins); i++)
		if (!strcmp(builtins[i].name, name))
			return &builtins[i];
	return NULL;
}

const struct builtin_guest *builtin_all(size_t *n)
{
	*n = ARRAY_SIZE(builtins);
	return builtins;
}

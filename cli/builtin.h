/* SPDX-License-Identifier: GPL-2.0 */
/* The guests built into the simvmm binary. */
#ifndef SIMVMM_BUILTIN_H
#define SIMVMM_BUILTIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/cpu_mode.h"

struct builtin_guest {
	const char *name;
	enum cpu_mode mode;
	const char *purpose;
	const uint8_t *start;
	const uint8_t *end;
	bool checked;	/* halts with RAX = [0x400] = 42 */
	bool simvirtio;	/* drives the SIMVIRTIO device: attached for it */
};

/* The built-in guest called @name, or NULL. */
const struct builtin_guest *builtin_find(const char *name);

/* The table, and its length in *@n. */
const struct builtin_guest *builtin_all(size_t *n);

#endif /* SIMVMM_BUILTIN_H */

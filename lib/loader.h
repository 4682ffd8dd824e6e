/* SPDX-License-Identifier: GPL-2.0 */
/* Guest images: reading flat binaries and placing them in guest RAM. */
#ifndef SIMVMM_LOADER_H
#define SIMVMM_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "cpu_mode.h"
#include "vm.h"

/*
 * Read the flat image at @path into a new buffer (free() it). Refuses,
 * with a message, anything that is not a readable regular file of 1 to
 * @max bytes. Returns 0 or a negative errno.
 */
int loader_read_file(const char *path, uint64_t max, void **buf,
		     size_t *len);

/*
 * Check that [@addr, @addr + @len) is RAM of @vm and stays clear of what
 * @mode's setup writes (GDT, page tables), then copy @img there. Returns
 * 0, or -ENOSPC / -EINVAL after saying what to change.
 */
int loader_place(struct vm *vm, enum cpu_mode mode, uint64_t addr,
		 const void *img, size_t len, const char *what);

#endif /* SIMVMM_LOADER_H */

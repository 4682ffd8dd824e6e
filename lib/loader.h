/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest images: reading them and placing them in guest RAM. An image is an
 * ELF (elf.h) when it starts with the ELF magic, else a flat binary.
 */
#ifndef SIMVMM_LOADER_H
#define SIMVMM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu_mode.h"
#include "vm.h"

/* An ELF file holds more than it loads (headers, symbols): read this much. */
#define LOADER_ELF_FILE_MAX	(256ull << 20)

/*
 * Read the image at @path into a new buffer (free() it). Refuses, with a
 * message, anything that is not a readable regular file of 1 to @max
 * bytes. Returns 0 or a negative errno.
 */
int loader_read_file(const char *path, uint64_t max, void **buf,
		     size_t *len);

/*
 * loader_read_file() for a guest of @mem_size bytes of RAM: a flat image
 * may have up to @mem_size bytes, an ELF or Multiboot file (told by its
 * first bytes) up to LOADER_ELF_FILE_MAX or @mem_size, whichever is more.
 */
int loader_read_image(const char *path, uint64_t mem_size, void **buf,
		      size_t *len);

/*
 * Before any VM exists, check the ELF image @img (elf_parse()) and settle
 * how it runs: *@mode from its class unless @mode_set (ELFCLASS64: long,
 * ELFCLASS32: protected), *@entry from e_entry unless @entry_set; then
 * check the two (elf_check_mode(), elf_check_entry()). Returns 0, or a
 * negative errno after one message naming @what.
 */
int loader_elf_prepare(const void *img, size_t len, const char *what,
		       bool mode_set, enum cpu_mode *mode, bool entry_set,
		       uint64_t *entry);

/*
 * Past the highest byte an ELF image that loader_elf_prepare() accepted
 * loads or zeroes (0 if it is not one): how much RAM it needs at least.
 */
uint64_t loader_elf_end(const void *img, size_t len);

/*
 * A flat image: check that [@addr, @addr + @len) is RAM of @vm and stays
 * clear of what @mode's setup writes (GDT, page tables), then copy @img
 * there. An ELF image (elf_is_elf()): ignore @addr, check every segment
 * against the file, RAM and @mode's tables, then load them (elf_load()).
 * Nothing is written unless everything fits. Returns 0, or -ENOSPC /
 * -EINVAL / -ENOEXEC after saying what to change.
 */
int loader_place(struct vm *vm, enum cpu_mode mode, uint64_t addr,
		 const void *img, size_t len, const char *what);

#endif /* SIMVMM_LOADER_H */

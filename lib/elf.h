/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ELF32 and ELF64 guest images: x86 (EM_386, EM_X86_64), little-endian,
 * ET_EXEC. Every field is checked against the file (elf_parse()), the CPU
 * mode and entry point (elf_check_mode(), elf_check_entry()) and the VM's
 * memory map (elf_load()) before a byte is copied, so a refused image
 * leaves guest RAM as it was. Each refusal is one message naming the
 * field, its value and what to change.
 */
#ifndef SIMVMM_ELF_H
#define SIMVMM_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu_mode.h"
#include "vm.h"

/* PT_LOAD segments an image may have (the built-in guests have 1 or 2). */
#define ELF_MAX_LOADS		16

/* A PT_LOAD segment with bytes to load (p_memsz > 0). */
struct elf_segment {
	unsigned int index;	/* in the program header table */
	uint32_t flags;		/* p_flags: PF_X, PF_W, PF_R */
	uint64_t offset;	/* p_offset */
	uint64_t vaddr;		/* p_vaddr */
	uint64_t paddr;		/* p_paddr: where it is loaded */
	uint64_t filesz;	/* p_filesz <= p_memsz; the rest is zeroed */
	uint64_t memsz;		/* p_memsz */
};

struct elf_image {
	unsigned int bits;	/* 32 (ELFCLASS32) or 64 (ELFCLASS64) */
	uint64_t entry;		/* e_entry */
	unsigned int nr_loads;
	struct elf_segment loads[ELF_MAX_LOADS];
	bool has_abi_note;	/* a "simvmm" ABI note was found ... */
	uint32_t abi_version;	/* ... naming this version */
};

/* The bytes elf_is_elf() looks at: the magic, \x7fELF. */
#define ELF_MAGIC_SIZE		4

/* Does @img start with the ELF magic? Then it is an ELF image, or broken. */
bool elf_is_elf(const void *img, size_t len);

/*
 * Check everything the file says about itself: identification, header,
 * program headers, each PT_LOAD (in the file, p_filesz <= p_memsz, no
 * wrap-around, alignment), no two segments overlapping, at least one to
 * load, section headers and notes inside the file, and the simvmm ABI
 * note's version. Fills @e. 0, or -ENOEXEC after one message naming @what.
 */
int elf_parse(const void *img, size_t len, const char *what,
	      struct elf_image *e);

/* The mode of the image's class: long for ELFCLASS64, else protected. */
enum cpu_mode elf_class_mode(const struct elf_image *e);

/*
 * Can @e run in @mode, entered at @entry? ELFCLASS64 images run only in
 * long mode; ELFCLASS32 in any mode, in real mode only when every segment
 * lies below 1 MiB and @entry fits IP. 0 or -EINVAL after one message.
 */
int elf_check_mode(const struct elf_image *e, enum cpu_mode mode,
		   uint64_t entry, const char *what);

/*
 * Is @entry the address of a loaded byte of an executable segment (PF_X,
 * inside its p_filesz bytes)? @field names where it came from in the
 * message ("e_entry", "--entry"). 0 or -EINVAL after one message.
 */
int elf_check_entry(const struct elf_image *e, uint64_t entry,
		    const char *field, const char *what);

/*
 * Check that every segment of @e lies wholly in @vm's RAM (none in the
 * device window, none larger than RAM) and clear of what @mode's setup
 * writes (cpu_mode_reserved()); only then copy each segment's file bytes
 * from @img to its p_paddr and zero the rest of its p_memsz. On a refusal
 * nothing is written. 0, or -EINVAL / -ENOSPC after one message.
 */
int elf_load(struct vm *vm, enum cpu_mode mode, const struct elf_image *e,
	     const void *img, size_t len, const char *what);

#endif /* SIMVMM_ELF_H */

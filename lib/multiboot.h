/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multiboot (version 1) kernels, loaded and entered as GRUB and QEMU's
 * -kernel do: the header is found in the first 8 KiB, the kernel is loaded
 * by its header's address fields or else as an ELF, and it starts in
 * 32-bit protected mode with EAX = MB_BOOT_MAGIC and EBX = the physical
 * address of the Multiboot information (at SIMVMM_MBINFO_ADDR): memory
 * sizes, a memory map, the command line and the boot loader's name.
 * Every header field is checked against the file before a VM exists
 * (multiboot_parse()) and against the VM's RAM before a byte is copied
 * (multiboot_load()). docs/guests.md, "Multiboot kernels".
 */
#ifndef SIMVMM_MULTIBOOT_H
#define SIMVMM_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <simvmm/memmap.h>

#include "elf.h"
#include "vm.h"

#define MB_HEADER_MAGIC		0x1badb002
#define MB_BOOT_MAGIC		0x2badb002
#define MB_SEARCH_END		8192	/* the header lies wholly in here */
#define MB_HEADER_ALIGN		4

/* Header flags: bits 0-15 are requirements, 16-31 optional features. */
#define MB_HF_PAGE_ALIGN	(1u << 0)	/* modules page-aligned */
#define MB_HF_MEMORY		(1u << 1)	/* mem_* and mmap wanted */
#define MB_HF_VIDEO		(1u << 2)	/* a video mode wanted */
#define MB_HF_ADDRESS		(1u << 16)	/* the address fields are valid */
#define MB_HF_REQUIRED		0x0000ffffu
#define MB_HF_KNOWN		(MB_HF_PAGE_ALIGN | MB_HF_MEMORY | MB_HF_VIDEO)

/* Information flags: which fields of struct mb_info are valid. */
#define MB_IF_MEMORY		(1u << 0)
#define MB_IF_CMDLINE		(1u << 2)
#define MB_IF_MMAP		(1u << 6)
#define MB_IF_LOADER_NAME	(1u << 9)

#define MB_MMAP_AVAILABLE	1
#define MB_MMAP_RESERVED	2

/* The header as the file holds it (little-endian u32s). */
struct mb_header {
	uint32_t magic;
	uint32_t flags;
	uint32_t checksum;
	/* MB_HF_ADDRESS ("a.out kludge") */
	uint32_t header_addr;
	uint32_t load_addr;
	uint32_t load_end_addr;
	uint32_t bss_end_addr;
	uint32_t entry_addr;
	/* MB_HF_VIDEO */
	uint32_t mode_type;
	uint32_t width;
	uint32_t height;
	uint32_t depth;
};

/* The information structure, up to the fields simvmm fills. */
struct mb_info {
	uint32_t flags;
	uint32_t mem_lower;		/* KiB from 0, at most 640 */
	uint32_t mem_upper;		/* KiB from 1 MiB to the first hole */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;
	uint32_t mmap_addr;
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe[4];
	uint32_t framebuffer[7];
} __attribute__((packed));

/* One memory-map entry; @size counts the bytes after itself (20). */
struct mb_mmap_entry {
	uint32_t size;
	uint64_t base_addr;
	uint64_t length;
	uint32_t type;
} __attribute__((packed));

_Static_assert(sizeof(struct mb_info) == 116, "Multiboot info layout");
_Static_assert(sizeof(struct mb_mmap_entry) == 24, "Multiboot mmap layout");

/* Where the pieces of the information go, inside its page. */
#define MB_INFO_OFF		0x000
#define MB_MMAP_OFF		0x080
#define MB_MMAP_MAX		4
#define MB_NAME_OFF		0x100
#define MB_CMDLINE_OFF		0x800
/* The command line's bytes, without its NUL. */
#define MB_CMDLINE_MAX		(SIMVMM_MBINFO_SIZE - MB_CMDLINE_OFF - 1)

/* A parsed Multiboot kernel: what it loads, where, and where it starts. */
struct multiboot_image {
	uint32_t header_off;	/* file offset of the header */
	uint32_t flags;		/* the header's flags */
	bool by_address;	/* loaded by the address fields, not as ELF */
	/* by_address: file bytes [file_off, + load_len) go to load_addr. */
	uint64_t file_off;
	uint64_t load_len;
	uint64_t load_addr;
	uint64_t bss_end;	/* zeroed from load_addr + load_len to here */
	struct elf_image elf;	/* !by_address */
	uint64_t start;		/* lowest byte loaded */
	uint64_t end;		/* past the highest byte loaded or zeroed */
	uint32_t entry;
};

/*
 * Does @img have a Multiboot header: the magic at a 4-byte aligned offset
 * in its first 8 KiB, with a checksum that makes magic + flags + checksum
 * zero? The first one counts, as GRUB does. A magic with a wrong checksum
 * is not a header; if @bad_off is not NULL it gets the first such offset
 * (or UINT32_MAX), for a warning.
 */
bool multiboot_find(const void *img, size_t len, uint32_t *off,
		    uint32_t *bad_off);

/*
 * Parse and check the kernel @img, which multiboot_find() accepted, into
 * @mb: the required flags are ones simvmm provides, and the address fields
 * (or, without them, the ELF headers) describe bytes of the file and an
 * entry point in the code. 0, or a negative errno after one message
 * naming @what.
 */
int multiboot_parse(const void *img, size_t len, const char *what,
		    struct multiboot_image *mb);

/*
 * Load @mb into @vm's RAM and write the Multiboot information, with the
 * command line "@what @cmdline" (or "@what" when @cmdline is NULL) as
 * GRUB and QEMU give it. Everything is checked first: the kernel must lie
 * in RAM, clear of the protected-mode GDT/TSS and the information page.
 * 0, or a negative errno after one message.
 */
int multiboot_load(struct vm *vm, const struct multiboot_image *mb,
		   const void *img, size_t len, const char *what,
		   const char *cmdline);

/* The information alone, as multiboot_load() writes it. */
int multiboot_write_info(struct vm *vm, const char *what,
			 const char *cmdline);

#endif /* SIMVMM_MULTIBOOT_H */

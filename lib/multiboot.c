// SPDX-License-Identifier: GPL-2.0
/* Multiboot v1 kernels: the header, the load, the information (multiboot.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <simvmm/memmap.h>
#include <simvmm/simvirtio.h>

#include "cpu_mode.h"
#include "log.h"
#include "multiboot.h"

#define ULL(x) ((unsigned long long)(x))

static int __attribute__((format(printf, 3, 4)))
refuse(int err, const char *what, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("Multiboot kernel '%s': %s", what, msg);
	return err;
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

bool multiboot_find(const void *img, size_t len, uint32_t *off,
		    uint32_t *bad_off)
{
	const uint8_t *p = img;
	size_t o, last;

	if (bad_off)
		*bad_off = UINT32_MAX;
	/* The magic, flags and checksum must all lie in the first 8 KiB. */
	if (len < 12)
		return false;
	last = (len < MB_SEARCH_END ? len : MB_SEARCH_END) - 12;
	for (o = 0; o <= last; o += MB_HEADER_ALIGN) {
		if (get32(p + o) != MB_HEADER_MAGIC)
			continue;
		if ((uint32_t)(MB_HEADER_MAGIC + get32(p + o + 4) +
			       get32(p + o + 8)) == 0) {
			*off = o;
			return true;
		}
		if (bad_off && *bad_off == UINT32_MAX)
			*bad_off = o;
	}
	return false;
}

/* The address fields: file bytes, load range and entry, all checked. */
static int parse_by_address(const uint8_t *p, size_t len, const char *what,
			    struct multiboot_image *mb)
{
	uint32_t off = mb->header_off;
	uint32_t header_addr, load_addr, load_end, bss_end, entry;
	uint64_t before;

	if (off + 32 > len || off + 32 > MB_SEARCH_END)
		return refuse(-ENOEXEC, what, "the header at offset 0x%x sets flag 16 (address fields) but its 32 bytes do not fit in the file's first %u bytes",
			      off, MB_SEARCH_END);
	header_addr = get32(p + off + 12);
	load_addr = get32(p + off + 16);
	load_end = get32(p + off + 20);
	bss_end = get32(p + off + 24);
	entry = get32(p + off + 28);

	if (load_addr > header_addr)
		return refuse(-ENOEXEC, what, "load_addr 0x%x is above header_addr 0x%x: the header must lie in what is loaded",
			      load_addr, header_addr);
	before = (uint64_t)header_addr - load_addr;
	if (before > off)
		return refuse(-ENOEXEC, what, "header_addr 0x%x - load_addr 0x%x = 0x%llx bytes before the header, but the header is at file offset 0x%x: loading would start before the file",
			      header_addr, load_addr, ULL(before), off);
	mb->file_off = off - before;
	mb->load_addr = load_addr;
	if (load_end == 0) {
		mb->load_len = len - mb->file_off;
	} else {
		if (load_end <= load_addr)
			return refuse(-ENOEXEC, what, "load_end_addr 0x%x is not above load_addr 0x%x",
				      load_end, load_addr);
		mb->load_len = (uint64_t)load_end - load_addr;
		if (mb->load_len > len - mb->file_off)
			return refuse(-ENOEXEC, what, "load_end_addr 0x%x asks for 0x%llx bytes from file offset 0x%llx, but the file has only 0x%llx there",
				      load_end, ULL(mb->load_len),
				      ULL(mb->file_off),
				      ULL(len - mb->file_off));
	}
	if (mb->load_addr + mb->load_len > 0x100000000ull)
		return refuse(-ENOEXEC, what, "[0x%x, 0x%llx) runs past 4 GiB",
			      load_addr, ULL(mb->load_addr + mb->load_len));
	mb->bss_end = mb->load_addr + mb->load_len;
	if (bss_end) {
		if (bss_end < mb->bss_end)
			return refuse(-ENOEXEC, what, "bss_end_addr 0x%x is below the end of the loaded bytes, 0x%llx",
				      bss_end, ULL(mb->bss_end));
		mb->bss_end = bss_end;
	}
	if (entry < load_addr || entry - load_addr >= mb->load_len)
		return refuse(-ENOEXEC, what, "entry_addr 0x%x is outside the loaded bytes [0x%x, 0x%llx)",
			      entry, load_addr,
			      ULL(mb->load_addr + mb->load_len));
	mb->start = mb->load_addr;
	mb->end = mb->bss_end;
	mb->entry = entry;
	return 0;
}

/* No address fields: an ELF, 32- or 64-bit, entered at e_entry in 32 bits. */
static int parse_elf(const uint8_t *p, size_t len, const char *what,
		     struct multiboot_image *mb)
{
	const struct elf_segment *s;
	unsigned int i;
	int err;

	if (!elf_is_elf(p, len))
		return refuse(-ENOEXEC, what, "its header has no address fields (flag 16 clear), so it must be an ELF file, and it is not; link it as ELF or set the address fields");
	err = elf_parse(p, len, what, &mb->elf);
	if (err)
		return err;
	if (mb->elf.entry > 0xffffffffull)
		return refuse(-ENOEXEC, what, "e_entry 0x%llx is above 4 GiB, out of reach of the 32-bit entry Multiboot makes",
			      ULL(mb->elf.entry));
	err = elf_check_entry(&mb->elf, mb->elf.entry, "e_entry", what);
	if (err)
		return err;
	mb->start = UINT64_MAX;
	mb->end = 0;
	for (i = 0; i < mb->elf.nr_loads; i++) {
		s = &mb->elf.loads[i];
		/* A 32-bit entry with paging off reaches 4 GiB, no more. */
		if (s->paddr + s->memsz > 0x100000000ull)
			return refuse(-ENOEXEC, what, "PT_LOAD %u at [0x%llx, 0x%llx) reaches above 4 GiB, out of reach of the 32-bit protected mode Multiboot starts in",
				      s->index, ULL(s->paddr),
				      ULL(s->paddr + s->memsz));
		if (s->paddr < mb->start)
			mb->start = s->paddr;
		if (s->paddr + s->memsz > mb->end)
			mb->end = s->paddr + s->memsz;
	}
	mb->entry = mb->elf.entry;
	return 0;
}

int multiboot_parse(const void *img, size_t len, const char *what,
		    struct multiboot_image *mb)
{
	const uint8_t *p = img;
	uint32_t unknown;

	memset(mb, 0, sizeof(*mb));
	if (!multiboot_find(img, len, &mb->header_off, NULL))
		return refuse(-ENOEXEC, what, "no Multiboot header (magic 0x%x with a good checksum) in the first %u bytes",
			      MB_HEADER_MAGIC, MB_SEARCH_END);
	mb->flags = get32(p + mb->header_off + 4);
	unknown = mb->flags & MB_HF_REQUIRED & ~MB_HF_KNOWN;
	if (unknown)
		return refuse(-ENOTSUP, what, "its header flags 0x%08x require features simvmm does not know (bits 0x%04x of the required 0-15); a Multiboot loader must refuse it",
			      mb->flags, unknown);
	if (mb->flags & MB_HF_VIDEO)
		pr_warn("Multiboot kernel '%s' asks for a video mode; simvmm has no display, so it gets none (as with QEMU)",
			what);
	mb->by_address = mb->flags & MB_HF_ADDRESS;
	if (mb->by_address)
		return parse_by_address(p, len, what, mb);
	return parse_elf(p, len, what, mb);
}

/* [a, a + n) and [b, b + m), neither empty: do they meet? */
static bool ranges_meet(uint64_t a, uint64_t n, uint64_t b, uint64_t m)
{
	return a < b ? b - a < n : a - b < m;
}

/* What the kernel may not overwrite before it runs: GDT/TSS, the info. */
static int check_clear(uint64_t start, uint64_t size, const char *part,
		       const char *what)
{
	uint64_t rstart, rend;

	cpu_mode_reserved(CPU_MODE_PROTECTED, &rstart, &rend);
	if (ranges_meet(start, size, rstart, rend - rstart))
		return refuse(-EINVAL, what, "%s at [0x%llx, 0x%llx) overlaps the protected-mode GDT/TSS at [0x%llx, 0x%llx); link it at 1 MiB",
			      part, ULL(start), ULL(start + size), ULL(rstart),
			      ULL(rend));
	if (ranges_meet(start, size, SIMVMM_MBINFO_ADDR, SIMVMM_MBINFO_SIZE))
		return refuse(-EINVAL, what, "%s at [0x%llx, 0x%llx) overlaps the Multiboot information at [0x%x, 0x%x); link it at 1 MiB",
			      part, ULL(start), ULL(start + size),
			      SIMVMM_MBINFO_ADDR,
			      SIMVMM_MBINFO_ADDR + SIMVMM_MBINFO_SIZE);
	return 0;
}

static int load_by_address(struct vm *vm, const struct multiboot_image *mb,
			   const uint8_t *img, size_t len, const char *what)
{
	uint64_t size = mb->bss_end - mb->load_addr;
	uint8_t *dst;
	int err;

	if (mb->file_off > len || mb->load_len > len - mb->file_off)
		return refuse(-EINVAL, what, "does not match the file it was parsed from");
	dst = vm_gpa_to_hva(vm, mb->load_addr, size);
	if (!dst && ranges_meet(mb->load_addr, size, vm->mmio_base,
				SIMVIRTIO_WINDOW_SIZE))
		return refuse(-EINVAL, what, "loads [0x%llx, 0x%llx), over the device window at 0x%llx, which is MMIO, never RAM; link it inside RAM [0x0, 0x%llx)%s",
			      ULL(mb->load_addr), ULL(mb->bss_end),
			      ULL(vm->mmio_base), ULL(vm->mem_size),
			      vm->mem_size <= SIMVMM_LOWMEM_END ?
			      ", or give --memory above 1M for RAM at 1 MiB" : "");
	if (!dst)
		return refuse(-ENOSPC, what, "loads [0x%llx, 0x%llx), but RAM is [0x0, 0x%llx); raise --memory",
			      ULL(mb->load_addr), ULL(mb->bss_end),
			      ULL(vm->mem_size));
	err = check_clear(mb->load_addr, size, "the kernel", what);
	if (err)
		return err;
	memcpy(dst, img + mb->file_off, mb->load_len);
	memset(dst + mb->load_len, 0, size - mb->load_len);
	return 0;
}

static int load_elf(struct vm *vm, const struct multiboot_image *mb,
		    const void *img, size_t len, const char *what)
{
	const struct elf_segment *s;
	char part[32];
	unsigned int i;
	int err;

	for (i = 0; i < mb->elf.nr_loads; i++) {
		s = &mb->elf.loads[i];
		snprintf(part, sizeof(part), "PT_LOAD %u", s->index);
		err = check_clear(s->paddr, s->memsz, part, what);
		if (err)
			return err;
	}
	return elf_load(vm, CPU_MODE_PROTECTED, &mb->elf, img, len, what);
}

/* One mmap entry, if there is room and it is not empty. */
static void add_mmap(struct mb_mmap_entry *map, unsigned int *n,
		     uint64_t base, uint64_t end, uint32_t type)
{
	if (end <= base || *n == MB_MMAP_MAX)
		return;
	map[*n] = (struct mb_mmap_entry){
		.size = sizeof(map[0]) - sizeof(map[0].size),
		.base_addr = base, .length = end - base, .type = type,
	};
	(*n)++;
}

/* "@what @cmdline", as GRUB and QEMU pass it, into @line: its length. */
static int format_cmdline(char *line, const char *what, const char *cmdline)
{
	bool args = cmdline && *cmdline;
	int len = snprintf(line, MB_CMDLINE_MAX + 1, "%s%s%s", what,
			   args ? " " : "", args ? cmdline : "");

	if (len < 0 || len > MB_CMDLINE_MAX)
		return refuse(-E2BIG, what, "the command line (the kernel's path, a space and --cmdline) is %d bytes, more than the %u that fit; shorten --cmdline",
			      len, MB_CMDLINE_MAX);
	return len;
}

int multiboot_write_info(struct vm *vm, const char *what,
			 const char *cmdline)
{
	uint64_t ram = vm->mem_size, low_end;
	struct mb_mmap_entry map[MB_MMAP_MAX];
	char line[MB_CMDLINE_MAX + 1];
	struct mb_info info;
	unsigned int n = 0;
	uint8_t *page;
	int len;

	page = vm_gpa_to_hva(vm, SIMVMM_MBINFO_ADDR, SIMVMM_MBINFO_SIZE);
	if (!page)
		return refuse(-ENOSPC, what, "RAM of 0x%llx bytes has no room for the Multiboot information at [0x%x, 0x%x); raise --memory",
			      ULL(ram), SIMVMM_MBINFO_ADDR,
			      SIMVMM_MBINFO_ADDR + SIMVMM_MBINFO_SIZE);
	len = format_cmdline(line, what, cmdline);
	if (len < 0)
		return len;

	/* As a PC shows it: low RAM, the legacy hole, RAM from 1 MiB. */
	low_end = ram < 0xa0000 ? ram : 0xa0000;
	add_mmap(map, &n, 0, low_end, MB_MMAP_AVAILABLE);
	add_mmap(map, &n, 0xa0000, ram < SIMVMM_LOWMEM_END ? ram :
		 SIMVMM_LOWMEM_END, MB_MMAP_RESERVED);
	add_mmap(map, &n, SIMVMM_LOWMEM_END, ram, MB_MMAP_AVAILABLE);
	add_mmap(map, &n, vm->mmio_base, vm->mmio_base + SIMVIRTIO_WINDOW_SIZE,
		 MB_MMAP_RESERVED);

	memset(&info, 0, sizeof(info));
	info.flags = MB_IF_MEMORY | MB_IF_CMDLINE | MB_IF_MMAP |
		     MB_IF_LOADER_NAME;
	info.mem_lower = low_end >> 10;
	info.mem_upper = ram > SIMVMM_LOWMEM_END ?
			 (ram - SIMVMM_LOWMEM_END) >> 10 : 0;
	info.cmdline = SIMVMM_MBINFO_ADDR + MB_CMDLINE_OFF;
	info.mmap_length = n * sizeof(map[0]);
	info.mmap_addr = SIMVMM_MBINFO_ADDR + MB_MMAP_OFF;
	info.boot_loader_name = SIMVMM_MBINFO_ADDR + MB_NAME_OFF;

	memset(page, 0, SIMVMM_MBINFO_SIZE);
	memcpy(page + MB_INFO_OFF, &info, sizeof(info));
	memcpy(page + MB_MMAP_OFF, map, n * sizeof(map[0]));
	snprintf((char *)page + MB_NAME_OFF, MB_CMDLINE_OFF - MB_NAME_OFF,
		 "simvmm %s", SIMVMM_VERSION);
	memcpy(page + MB_CMDLINE_OFF, line, len + 1);
	return 0;
}

int multiboot_load(struct vm *vm, const struct multiboot_image *mb,
		   const void *img, size_t len, const char *what,
		   const char *cmdline)
{
	char line[MB_CMDLINE_MAX + 1];
	int err;

	/* What may not fit, first: nothing is written unless all of it does. */
	if (!vm_gpa_to_hva(vm, SIMVMM_MBINFO_ADDR, SIMVMM_MBINFO_SIZE))
		return multiboot_write_info(vm, what, cmdline);
	err = format_cmdline(line, what, cmdline);
	if (err < 0)
		return err;
	err = mb->by_address ? load_by_address(vm, mb, img, len, what) :
	      load_elf(vm, mb, img, len, what);
	if (err)
		return err;
	return multiboot_write_info(vm, what, cmdline);
}

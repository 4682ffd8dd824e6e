// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: Multiboot v1 kernels (lib/multiboot.c), the way the
 * command line and the machine use them: multiboot_find() looks for the
 * header, multiboot_parse() checks it against the file, multiboot_load()
 * loads it and writes the information page into a fake struct vm
 * (fake_vm.h) whose RAM is an exact-size heap buffer filled with a
 * pattern, so ASan sees any byte touched outside RAM.
 *
 * Input: an ELF file or a file that starts with the Multiboot magic, as
 * it is (2 MiB of RAM, the command line "console=ttyS0"); anything else
 * is a 3-byte header (RAM size and command-line choice, the pattern, the
 * command line's length), the command line's bytes, then the image.
 *
 * The oracle is a second reading of the rules: the header search and the
 * address fields are computed again here in 64 bits and must agree with
 * the library in every field and errno; an ELF kernel accepted has its
 * entry in the loaded code of an executable segment, below 4 GiB. A
 * parsed kernel ends at or below 4 GiB, with its entry in what it loads.
 * A load succeeds exactly when the information page is RAM, the command
 * line "fuzz CMDLINE" fits, and every byte of the kernel is RAM clear of
 * the GDT/TSS and the page; then the file's bytes are where the header
 * says, the BSS is zero, the page is exactly the one built here from the
 * Multiboot layout, and no other byte of RAM changed. A refused load
 * changes no byte of RAM.
 */
#include <errno.h>
#include <stdbool.h>
#include <linux/elf.h>

#include <simvmm/memmap.h>
#include <simvmm/simvirtio.h>

#include "cpu_mode.h"
#include "elf.h"
#include "fake_vm.h"
#include "fuzz.h"
#include "multiboot.h"
#include "vm.h"

#define WHAT		"fuzz"
#define FOUR_GIB	0x100000000ull
#define INFO_ADDR	0x9000ull
#define INFO_SIZE	0x1000ull
#define CMDLINE_MAX	2047		/* "fuzz CMDLINE" without its NUL */

/*
 * RAM sizes, both memory maps: too small for the information page
 * (32 KiB, 0x9fff), just big enough (40 KiB), below and above 640 KiB,
 * the assignment's 1 MiB, and the large map's 1 MiB + 4 KiB and 2 MiB.
 */
static const uint64_t ram_sizes[8] = {
	0x100000, 0x200000, 0x8000, 0xa000, 0x80000, 0xc0000, 0x101000, 0x9fff,
};

#define RAM_MAX		0x200000

/*
 * One exact-size buffer per RAM size, allocated once and refilled with
 * @pattern for each input (a fresh 2 MiB buffer per input costs its page
 * faults), and one copy: what RAM must hold afterwards.
 */
static uint8_t *fresh_ram(unsigned int sel, uint8_t pattern, uint8_t **expect)
{
	static uint8_t *bufs[8], *copy;
	uint64_t size = ram_sizes[sel];

	if (!bufs[sel])
		bufs[sel] = malloc(size);
	if (!copy)
		copy = malloc(RAM_MAX);
	if (!bufs[sel] || !copy)
		abort();
	memset(bufs[sel], pattern, size);
	memset(copy, pattern, size);
	*expect = copy;
	return bufs[sel];
}

static uint32_t rd32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void wr64(uint8_t *p, uint64_t v)
{
	wr32(p, v);
	wr32(p + 4, v >> 32);
}

/* The header search again: 4-aligned, all 12 bytes in the first 8 KiB. */
static bool ref_find(const uint8_t *p, size_t len, uint32_t *off,
		     uint32_t *bad)
{
	uint32_t sum;
	uint64_t o;

	*bad = UINT32_MAX;
	for (o = 0; o + 12 <= len && o + 12 <= 8192; o += 4) {
		if (rd32(p + o) != 0x1badb002)
			continue;
		sum = rd32(p + o) + rd32(p + o + 4) + rd32(p + o + 8);
		if (!sum) {
			*off = o;
			return true;
		}
		if (*bad == UINT32_MAX)
			*bad = o;
	}
	return false;
}

struct ref_aout {
	uint64_t file_off, load_addr, load_len, bss_end;
	uint32_t entry;
};

/* The address fields again, every sum in 64 bits: accepted or not. */
static bool ref_aout(const uint8_t *p, size_t len, uint64_t off,
		     struct ref_aout *r)
{
	uint64_t header_addr, load_addr, load_end, bss_end, entry;

	if (off + 32 > len || off + 32 > 8192)
		return false;
	header_addr = rd32(p + off + 12);
	load_addr = rd32(p + off + 16);
	load_end = rd32(p + off + 20);
	bss_end = rd32(p + off + 24);
	entry = rd32(p + off + 28);
	if (load_addr > header_addr || header_addr - load_addr > off)
		return false;
	r->file_off = off - (header_addr - load_addr);
	r->load_addr = load_addr;
	if (!load_end) {
		r->load_len = len - r->file_off;
	} else {
		if (load_end <= load_addr)
			return false;
		r->load_len = load_end - load_addr;
		if (r->file_off + r->load_len > len)
			return false;
	}
	if (load_addr + r->load_len > FOUR_GIB)
		return false;
	r->bss_end = load_addr + r->load_len;
	if (bss_end) {
		if (bss_end < r->bss_end)
			return false;
		r->bss_end = bss_end;
	}
	if (entry < load_addr || entry >= load_addr + r->load_len)
		return false;
	r->entry = entry;
	return true;
}

/* Does [a, a + n) meet [b, b + m)? Neither empty. */
static bool meets(uint64_t a, uint64_t n, uint64_t b, uint64_t m)
{
	return a < b + m && b < a + n;
}

/*
 * May the kernel have [a, a + n): RAM (one piece from 0), clear of the
 * protected-mode GDT/TSS and of the information page?
 */
static bool ref_place(uint64_t ram, uint64_t a, uint64_t n)
{
	uint64_t rs, re;

	cpu_mode_reserved(CPU_MODE_PROTECTED, &rs, &re);
	return n <= ram && a <= ram - n && !meets(a, n, rs, re - rs) &&
	       !meets(a, n, INFO_ADDR, INFO_SIZE);
}

/*
 * The information page for @ram bytes of RAM (at least the 40 KiB that
 * hold it), from the Multiboot layout: low RAM, the legacy hole if RAM
 * reaches it, RAM from 1 MiB, the device window.
 */
static void ref_info(uint8_t *page, uint64_t ram, const char *line)
{
	uint64_t low = ram < 0xa0000 ? ram : 0xa0000;
	uint64_t base = ram <= 0x100000 ? 0x100000 : 0xc0000000;
	uint64_t map[4][3];
	unsigned int n = 0, i;
	uint8_t *e;

	map[n][0] = 0;
	map[n][1] = low;
	map[n++][2] = 1;
	if (ram > 0xa0000) {
		map[n][0] = 0xa0000;
		map[n][1] = (ram < 0x100000 ? ram : 0x100000) - 0xa0000;
		map[n++][2] = 2;
	}
	if (ram > 0x100000) {
		map[n][0] = 0x100000;
		map[n][1] = ram - 0x100000;
		map[n++][2] = 1;
	}
	map[n][0] = base;
	map[n][1] = SIMVIRTIO_WINDOW_SIZE;
	map[n++][2] = 2;

	memset(page, 0, INFO_SIZE);
	wr32(page + 0, 0x245);		/* MEMORY, CMDLINE, MMAP, LOADER_NAME */
	wr32(page + 4, low >> 10);	/* mem_lower */
	wr32(page + 8, ram > 0x100000 ? (ram - 0x100000) >> 10 : 0);
	wr32(page + 16, INFO_ADDR + 0x800);	/* cmdline */
	wr32(page + 44, n * 24);		/* mmap_length */
	wr32(page + 48, INFO_ADDR + 0x80);	/* mmap_addr */
	wr32(page + 64, INFO_ADDR + 0x100);	/* boot_loader_name */
	for (i = 0; i < n; i++) {
		e = page + 0x80 + 24 * i;
		wr32(e, 20);
		wr64(e + 4, map[i][0]);
		wr64(e + 12, map[i][1]);
		wr32(e + 20, map[i][2]);
	}
	memcpy(page + 0x100, "simvmm " SIMVMM_VERSION,
	       sizeof("simvmm " SIMVMM_VERSION));
	memcpy(page + 0x800, line, strlen(line) + 1);
}

/* The parse's result, whichever way the kernel loads. */
static void check_parsed(const struct multiboot_image *mb, const uint8_t *img,
			 size_t len, uint32_t off)
{
	const struct elf_segment *s;
	uint64_t start = UINT64_MAX, end = 0;
	bool in_code = false;
	struct ref_aout r;
	unsigned int i;

	FUZZ_CHECK(mb->header_off == off);
	FUZZ_CHECK(mb->flags == rd32(img + off + 4));
	FUZZ_CHECK(!(mb->flags & 0xfff8));
	FUZZ_CHECK(mb->by_address == !!(mb->flags & 0x10000));
	/* What it loads: below 4 GiB, the entry in it. */
	FUZZ_CHECK(mb->start < mb->end);
	FUZZ_CHECK(mb->end <= FOUR_GIB);
	FUZZ_CHECK(mb->start <= mb->entry && mb->entry < mb->end);

	if (mb->by_address) {
		FUZZ_CHECK(ref_aout(img, len, off, &r));
		FUZZ_CHECK(mb->file_off == r.file_off);
		FUZZ_CHECK(mb->load_addr == r.load_addr);
		FUZZ_CHECK(mb->load_len == r.load_len);
		FUZZ_CHECK(mb->bss_end == r.bss_end);
		FUZZ_CHECK(mb->entry == r.entry);
		FUZZ_CHECK(mb->start == r.load_addr && mb->end == r.bss_end);
		FUZZ_CHECK(mb->file_off + mb->load_len <= len);
		return;
	}
	FUZZ_CHECK(elf_is_elf(img, len));
	FUZZ_CHECK(mb->elf.entry == mb->entry);
	FUZZ_CHECK(mb->elf.nr_loads > 0 && mb->elf.nr_loads <= ELF_MAX_LOADS);
	for (i = 0; i < mb->elf.nr_loads; i++) {
		s = &mb->elf.loads[i];
		FUZZ_CHECK(s->memsz && s->filesz <= s->memsz);
		if (s->paddr < start)
			start = s->paddr;
		if (s->paddr + s->memsz > end)
			end = s->paddr + s->memsz;
		if ((s->flags & PF_X) && mb->entry >= s->paddr &&
		    mb->entry - s->paddr < s->filesz)
			in_code = true;
	}
	FUZZ_CHECK(in_code);
	FUZZ_CHECK(mb->start == start && mb->end == end);
}

/* Would the load succeed, and where do the kernel's bytes go? */
static bool ref_load(const struct multiboot_image *mb, uint64_t ram,
		     bool line_fits, int *err)
{
	const struct elf_segment *s;
	unsigned int i;

	*err = 0;
	if (ram < INFO_ADDR + INFO_SIZE)
		*err = -ENOSPC;
	else if (!line_fits)
		*err = -E2BIG;
	else if (mb->by_address)
		*err = ref_place(ram, mb->load_addr,
				 mb->bss_end - mb->load_addr) ? 0 :
		       mb->load_addr < SIMVMM_MMIO_BASE(ram) +
		       SIMVIRTIO_WINDOW_SIZE &&
		       SIMVMM_MMIO_BASE(ram) < mb->bss_end ? -EINVAL :
		       mb->bss_end <= ram ? -EINVAL : -ENOSPC;
	else
		for (i = 0; i < mb->elf.nr_loads && !*err; i++) {
			s = &mb->elf.loads[i];
			if (!ref_place(ram, s->paddr, s->memsz))
				*err = 1;	/* -EINVAL or -ENOSPC */
		}
	return !*err;
}

static void check_load(const struct multiboot_image *mb, const uint8_t *img,
		       size_t len, unsigned int sel, uint8_t pattern,
		       const char *cmdline)
{
	uint64_t ram = ram_sizes[sel];
	char line[4096];
	const struct elf_segment *s;
	uint8_t *mem, *expect;
	unsigned int i;
	struct vm vm;
	int n, err, want;

	n = snprintf(line, sizeof(line), "%s%s%s", WHAT,
		     cmdline && *cmdline ? " " : "", cmdline ? cmdline : "");
	mem = fresh_ram(sel, pattern, &expect);
	fake_vm_init(&vm, mem, ram);
	err = multiboot_load(&vm, mb, img, len, WHAT, cmdline);
	if (!ref_load(mb, ram, n >= 0 && n <= CMDLINE_MAX, &want)) {
		/* Refused: the right errno, and not one byte of RAM changed. */
		if (want == 1)
			FUZZ_CHECK(err == -EINVAL || err == -ENOSPC);
		else
			FUZZ_CHECK(err == want);
		FUZZ_CHECK(!memcmp(mem, expect, ram));
		fake_vm_release(&vm);
		return;
	}
	FUZZ_CHECK(err == 0);

	/* Accepted: the kernel, its BSS, the page; nothing else. */
	if (mb->by_address) {
		memcpy(expect + mb->load_addr, img + mb->file_off,
		       mb->load_len);
		memset(expect + mb->load_addr + mb->load_len, 0,
		       mb->bss_end - mb->load_addr - mb->load_len);
	} else {
		for (i = 0; i < mb->elf.nr_loads; i++) {
			s = &mb->elf.loads[i];
			if (s->filesz)
				memcpy(expect + s->paddr, img + s->offset,
				       s->filesz);
			memset(expect + s->paddr + s->filesz, 0,
			       s->memsz - s->filesz);
		}
	}
	ref_info(expect + INFO_ADDR, ram, line);
	FUZZ_CHECK(mem[INFO_ADDR + 0x800 + n] == '\0');
	FUZZ_CHECK(!strcmp((const char *)mem + INFO_ADDR + 0x800, line));
	FUZZ_CHECK(!memcmp(mem, expect, ram));
	fake_vm_release(&vm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char cmdline_buf[4096];
	struct fuzz_input in = { data, size };
	struct multiboot_image mb;
	const char *cmdline = "console=ttyS0";
	unsigned int sel = 1, cfg, n, i;
	uint8_t pattern = 0xaa;
	uint32_t off = 0, bad, ref_off = 0, ref_bad;
	const uint8_t *img;
	size_t len;
	bool found;
	int err;

	if (!elf_is_elf(data, size) &&
	    !(size >= 4 && rd32(data) == MB_HEADER_MAGIC)) {
		cfg = fuzz_take(&in, 1);
		sel = cfg & 7;
		pattern = fuzz_take(&in, 1) | 0x80;	/* zeroed BSS shows */
		n = fuzz_take(&in, 1);
		if (cfg & 0x10) {
			/* Around the limit: "fuzz " and 2035 to 2050 bytes. */
			n = 2035 + n % 16;
			memset(cmdline_buf, 'x', n);
		} else {
			for (i = 0; i < n; i++)
				cmdline_buf[i] = fuzz_take(&in, 1);
		}
		cmdline_buf[n] = '\0';
		cmdline = cfg & 8 ? NULL : cmdline_buf;
	}
	img = in.p;
	len = in.left;

	/* The header search, twice. */
	found = multiboot_find(img, len, &off, &bad);
	FUZZ_CHECK(found == ref_find(img, len, &ref_off, &ref_bad));
	FUZZ_CHECK(bad == ref_bad);
	if (found)
		FUZZ_CHECK(off == ref_off);
	FUZZ_CHECK(multiboot_find(img, len, &off, NULL) == found);

	err = multiboot_parse(img, len, WHAT, &mb);
	if (!found) {
		FUZZ_CHECK(err == -ENOEXEC);
		return 0;
	}
	if (rd32(img + off + 4) & 0xfff8) {
		FUZZ_CHECK(err == -ENOTSUP);
		return 0;
	}
	if (rd32(img + off + 4) & 0x10000) {
		struct ref_aout r;

		FUZZ_CHECK(!err == ref_aout(img, len, off, &r));
		if (err)
			FUZZ_CHECK(err == -ENOEXEC);
	} else if (!elf_is_elf(img, len)) {
		FUZZ_CHECK(err == -ENOEXEC);
	} else if (err) {
		/* elf_parse()'s, or an entry out of reach or not in code */
		FUZZ_CHECK(err == -ENOEXEC || err == -EINVAL);
	}
	if (err)
		return 0;
	check_parsed(&mb, img, len, off);
	check_load(&mb, img, len, sel, pattern, cmdline);
	return 0;
}

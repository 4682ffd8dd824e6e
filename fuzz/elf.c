// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: ELF images (lib/elf.c through lib/loader.c), the way the
 * command line uses them: loader_elf_prepare() settles the mode and the
 * entry, loader_place() checks and loads the segments, on a fake struct
 * vm (fake_vm.h) whose RAM is an exact-size heap buffer filled with a
 * pattern, so ASan sees any byte touched outside RAM.
 *
 * Input: an ELF file as it is (1 MiB of RAM, the mode from its class,
 * e_entry), or, when it does not start with the ELF magic, a 4-byte
 * header (RAM size, mode, flags), an 8-byte --entry if the flags ask for
 * one, then the image.
 *
 * The oracle is a second, independent reading of the rules (below, with
 * 128-bit sums): each call succeeds exactly when it says so, and the
 * load's refusals are the errno it says (RAM in one piece from 0, the
 * device window at 0x100000 or 0xc0000000 by the RAM size). An accepted
 * image has every segment in RAM and clear of the mode's tables, its file
 * bytes exactly at p_paddr, the rest of p_memsz zeroed, and no other RAM
 * byte changed; a refused one leaves every byte of RAM as it was.
 */
#include <errno.h>
#include <stdbool.h>
#include <sanitizer/asan_interface.h>

#include <simvmm/abi-note.h>
#include <simvmm/memmap.h>
#include <simvmm/simvirtio.h>

#include "elf.h"
#include "fake_vm.h"
#include "fuzz.h"
#include "loader.h"
#include "vm.h"

typedef unsigned __int128 u128;

/*
 * The largest RAM an input asks for, about 2.2 MiB: both memory maps, the
 * assignment's (1 MiB or less, the device window at 1 MiB) and the large
 * one (RAM over 1 MiB in one piece, the window at 0xc0000000).
 */
#define RAM_STEPS	545
#define RAM_MAX		(SIMVMM_MEM_MIN + (RAM_STEPS - 1) * 4096ull)
#define REDZONE		64

/*
 * One arena for every input, so each run touches no new page (a fresh
 * 2 MiB buffer per input costs its page faults, tenfold the run): RAM is
 * its last @size bytes, and the bytes before it and the redzone after it
 * are poisoned, so ASan still sees any byte touched outside RAM. @expect
 * gets a copy.
 */
static uint8_t *fresh_ram(uint64_t size, uint8_t pattern, uint8_t **expect)
{
	static uint8_t *arena, *copy;
	uint8_t *mem;

	if (!arena) {
		arena = malloc(RAM_MAX + REDZONE);
		copy = malloc(RAM_MAX);
		if (!arena || !copy)
			abort();
	}
	ASAN_UNPOISON_MEMORY_REGION(arena, RAM_MAX + REDZONE);
	mem = arena + (RAM_MAX - size);
	memset(mem, pattern, size);
	ASAN_POISON_MEMORY_REGION(arena, RAM_MAX - size);
	ASAN_POISON_MEMORY_REGION(arena + RAM_MAX, REDZONE);
	*expect = copy;
	memcpy(copy, mem, size);
	return mem;
}

#define REF_MAX_LOADS	16

struct ref_seg {
	uint64_t offset, paddr, filesz, memsz;
	uint32_t flags;
};

struct ref {
	const uint8_t *p;
	size_t len;
	unsigned int bits;
	uint64_t entry;
	unsigned int nr;
	struct ref_seg seg[REF_MAX_LOADS];
};

/* Little-endian field of @n bytes at @off; the caller checked the bounds. */
static uint64_t rd(const struct ref *r, u128 off, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | r->p[(size_t)off + n];
	return v;
}

/* A word of the class: 4 bytes in ELFCLASS32, 8 in ELFCLASS64. */
static uint64_t rdw(const struct ref *r, u128 off)
{
	return rd(r, off, r->bits / 8);
}

static bool fits(const struct ref *r, u128 off, u128 size)
{
	return off + size <= r->len;
}

static bool ref_notes(const struct ref *r, u128 off, u128 size, u128 align)
{
	u128 pos = 0, nsz, dsz, nspan, dspan;

	while (pos < size) {
		if (size - pos < 12)
			return false;
		nsz = rd(r, off + pos, 4);
		dsz = rd(r, off + pos + 4, 4);
		nspan = (nsz + align - 1) / align * align;
		dspan = (dsz + align - 1) / align * align;
		if (12 + nspan > size - pos || 12 + nspan + dsz > size - pos)
			return false;
		if (nsz == 7 &&
		    !memcmp(r->p + (size_t)(off + pos + 12), "simvmm", 7) &&
		    rd(r, off + pos + 8, 4) == SIMVMM_NOTE_ABI &&
		    (dsz != 4 ||
		     rd(r, off + pos + 12 + nspan, 4) != SIMVMM_ABI_VERSION))
			return false;
		pos += 12 + nspan + dspan;
	}
	return true;
}

/* The file's own rules, read again: does elf_parse() accept it? */
static bool ref_parse(struct ref *r)
{
	unsigned int ehsz, phsz, shsz, i, j;
	u128 phoff, phnum, shoff, shnum, ph, sh, top, a, b;
	uint64_t type, align, vaddr;
	struct ref_seg g, *s = &g;

	if (r->len < 16 || memcmp(r->p, "\177ELF", 4))
		return false;
	if (r->p[4] != 1 && r->p[4] != 2)
		return false;
	r->bits = r->p[4] == 1 ? 32 : 64;
	if (r->p[5] != 1 || r->p[6] != 1)
		return false;
	ehsz = r->bits == 32 ? 52 : 64;
	phsz = r->bits == 32 ? 32 : 56;
	shsz = r->bits == 32 ? 40 : 64;
	if (r->len < ehsz)
		return false;
	if (rd(r, 16, 2) != 2 || rd(r, 18, 2) != (r->bits == 32 ? 3 : 62) ||
	    rd(r, 20, 4) != 1)
		return false;
	r->entry = rdw(r, 24);
	phoff = rdw(r, 24 + r->bits / 8);
	shoff = rdw(r, 24 + r->bits / 4);
	if (rd(r, ehsz - 12, 2) != ehsz || rd(r, ehsz - 10, 2) != phsz)
		return false;
	phnum = rd(r, ehsz - 8, 2);
	shnum = rd(r, ehsz - 4, 2);
	if (!phnum || phnum == 0xffff || !fits(r, phoff, phnum * phsz))
		return false;
	top = r->bits == 32 ? 0xffffffffull : UINT64_MAX;

	for (i = 0; i < phnum; i++) {
		ph = phoff + (u128)i * phsz;
		type = rd(r, ph, 4);
		if (type == 3)		/* PT_INTERP */
			return false;
		if (type != 1 && type != 4)
			continue;
		if (r->bits == 32) {
			s->offset = rd(r, ph + 4, 4);
			vaddr = rd(r, ph + 8, 4);
			s->paddr = rd(r, ph + 12, 4);
			s->filesz = rd(r, ph + 16, 4);
			s->memsz = rd(r, ph + 20, 4);
			s->flags = rd(r, ph + 24, 4);
			align = rd(r, ph + 28, 4);
		} else {
			s->flags = rd(r, ph + 4, 4);
			s->offset = rd(r, ph + 8, 8);
			vaddr = rd(r, ph + 16, 8);
			s->paddr = rd(r, ph + 24, 8);
			s->filesz = rd(r, ph + 32, 8);
			s->memsz = rd(r, ph + 40, 8);
			align = rd(r, ph + 48, 8);
		}
		if (type == 4) {	/* PT_NOTE */
			if (!fits(r, s->offset, s->filesz) ||
			    !ref_notes(r, s->offset, s->filesz,
				       align == 8 ? 8 : 4))
				return false;
			continue;
		}
		if (s->filesz > s->memsz)
			return false;
		if (s->filesz && !fits(r, s->offset, s->filesz))
			return false;
		if ((u128)s->paddr + s->memsz > top)
			return false;
		if (align > 1 && (align & (align - 1)))
			return false;
		if (align > 1 && vaddr % align != s->offset % align)
			return false;
		if (!s->memsz)
			continue;
		if (r->nr == REF_MAX_LOADS)
			return false;
		r->seg[r->nr++] = g;
	}
	if (!r->nr)
		return false;
	for (i = 0; i < r->nr; i++) {
		for (j = 0; j < i; j++) {
			a = r->seg[i].paddr;
			b = r->seg[j].paddr;
			if (a < b + r->seg[j].memsz && b < a + r->seg[i].memsz)
				return false;
		}
	}

	if (!shoff)
		return !shnum;
	if (rd(r, ehsz - 6, 2) != shsz || !fits(r, shoff, shsz))
		return false;
	if (!shnum)
		shnum = rdw(r, shoff + (r->bits == 32 ? 20 : 32));
	if (!fits(r, shoff, shnum * shsz))
		return false;
	for (i = 0; i < shnum; i++) {
		sh = shoff + (u128)i * shsz;
		if (rd(r, sh + 4, 4) != 7)	/* SHT_NOTE */
			continue;
		a = rdw(r, sh + (r->bits == 32 ? 16 : 24));	/* offset */
		b = rdw(r, sh + (r->bits == 32 ? 20 : 32));	/* size */
		align = rdw(r, sh + (r->bits == 32 ? 32 : 48));
		if (!fits(r, a, b) || !ref_notes(r, a, b, align == 8 ? 8 : 4))
			return false;
	}
	return true;
}

/*
 * Offset in the fake RAM of [gpa, gpa + n), wholly in RAM, or -1: RAM is
 * one piece, [0, mem_size), at its own address (memmap.h), whichever map.
 */
static int64_t ram_at(const struct vm *vm, u128 gpa, u128 n)
{
	return gpa + n <= vm->mem_size ? (int64_t)gpa : -1;
}

/* Does [gpa, gpa + n) meet the device window, MMIO in either map? */
static bool in_window(uint64_t mem_size, u128 gpa, u128 n)
{
	u128 base = mem_size <= SIMVMM_LOWMEM_END ? SIMVMM_SIMVIRTIO_ADDR :
		    SIMVMM_MMIO_HIGH_BASE;

	return n && gpa < base + SIMVIRTIO_WINDOW_SIZE && base < gpa + n;
}

/*
 * elf_load()'s rules: every segment in RAM, clear of @mode's tables. 0,
 * or the refusal's errno, for the first segment in order that breaks one:
 * larger than RAM or running past its end -ENOSPC; over the device window
 * (at 1 MiB with 1 MiB of RAM or less, at 3 GiB with more), not RAM at
 * all, or over the tables -EINVAL.
 */
static int ref_place(const struct ref *r, const struct vm *vm,
		     enum cpu_mode mode)
{
	uint64_t rs, re;
	unsigned int i;
	u128 a, n;

	cpu_mode_reserved(mode, &rs, &re);
	for (i = 0; i < r->nr; i++) {
		a = r->seg[i].paddr;
		n = r->seg[i].memsz;
		if (n > vm->mem_size)
			return -ENOSPC;
		if (ram_at(vm, a, n) < 0)
			return in_window(vm->mem_size, a, n) ||
			       a >= vm->mem_size ? -EINVAL : -ENOSPC;
		if (rs < re && a < re && rs < a + n)
			return -EINVAL;
	}
	return 0;
}

/* The mode and entry rules: elf_check_mode() and elf_check_entry(). */
static bool ref_run(const struct ref *r, enum cpu_mode mode, uint64_t entry)
{
	const struct ref_seg *s;
	unsigned int i;

	if (r->bits == 64 && mode != CPU_MODE_LONG)
		return false;
	if (mode == CPU_MODE_REAL) {
		if (entry > 0xffff)
			return false;
		for (i = 0; i < r->nr; i++)
			if ((u128)r->seg[i].paddr + r->seg[i].memsz > 0x100000)
				return false;
	}
	for (i = 0; i < r->nr; i++) {
		s = &r->seg[i];
		if ((s->flags & 1) && entry >= s->paddr &&
		    (u128)entry < (u128)s->paddr + s->filesz)
			return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint64_t mem_size = SIMVMM_LOWMEM_END, entry = 0, lo;
	enum cpu_mode mode = CPU_MODE_PROTECTED;
	bool mode_set = false, entry_set = false, file_ok, want;
	uint8_t pattern = 0xa5, *mem, *expect;
	struct ref r = { 0 };
	unsigned int sel, i;
	int64_t off;
	struct vm vm;
	int err;

	if (!elf_is_elf(data, size)) {
		/* 64 KiB to about 2.2 MiB: either memory map. */
		mem_size = SIMVMM_MEM_MIN + fuzz_take(&in, 2) % RAM_STEPS * 4096;
		sel = fuzz_take(&in, 1);
		mode_set = sel < 0x80;
		mode = sel % 4;
		sel = fuzz_take(&in, 1);
		pattern = sel | 0x80;	/* never 0: zeroed BSS must show */
		if (sel & 1) {
			entry_set = true;
			entry = fuzz_take(&in, 8);
			if (!(sel & 2))
				entry &= 0x3fffff;
		}
	}
	r.p = in.p;
	r.len = in.left;

	mem = fresh_ram(mem_size, pattern, &expect);
	fake_vm_init(&vm, mem, mem_size);

	file_ok = ref_parse(&r);
	if (!mode_set)
		mode = r.len > 4 && r.p[4] == 2 ? CPU_MODE_LONG :
		       CPU_MODE_PROTECTED;
	if (!entry_set && file_ok)
		entry = r.entry;

	/* The command line's check, before any VM. */
	lo = entry;
	err = loader_elf_prepare(r.p, r.len, "fuzz", mode_set, &mode,
				 entry_set, &lo);
	want = file_ok && ref_run(&r, mode, entry);
	FUZZ_CHECK(!err == want);
	if (!err)
		FUZZ_CHECK(lo == entry);
	FUZZ_CHECK(!memcmp(mem, expect, mem_size));

	/*
	 * The machine's load, whatever the command line said; without the
	 * magic the image is flat, fuzz/loader.c's.
	 */
	err = -ENOEXEC;
	if (elf_is_elf(r.p, r.len))
		err = loader_place(&vm, mode, SIMVMM_LOAD_ADDR, r.p, r.len,
				   "fuzz");
	if (file_ok)
		FUZZ_CHECK(err == ref_place(&r, &vm, mode));
	else
		FUZZ_CHECK(err);
	if (!err) {
		for (i = 0; i < r.nr; i++) {
			off = ram_at(&vm, r.seg[i].paddr, r.seg[i].memsz);
			FUZZ_CHECK(off >= 0);
			/* p_offset is anything when p_filesz is 0 */
			if (r.seg[i].filesz)
				memcpy(expect + off, r.p + r.seg[i].offset,
				       r.seg[i].filesz);
			memset(expect + off + r.seg[i].filesz, 0,
			       r.seg[i].memsz - r.seg[i].filesz);
		}
	}
	/* Accepted: exactly the segments changed. Refused: nothing did. */
	FUZZ_CHECK(!memcmp(mem, expect, mem_size));
	fake_vm_release(&vm);
	return 0;
}

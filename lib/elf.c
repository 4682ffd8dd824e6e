// SPDX-License-Identifier: GPL-2.0
/*
 * ELF32/ELF64 guest images (elf.h): every field checked against the file,
 * the CPU mode and the memory map before anything is copied. All sizes
 * and offsets are 64-bit and every sum is checked before it is formed, so
 * no field, however large, wraps an offset or an address.
 */
/* The kernel's header: lib/elf.h would shadow <elf.h> under -Ilib. */
#include <linux/elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <simvmm/abi-note.h>
#include <simvmm/memmap.h>
#include <simvmm/simvirtio.h>

#include "elf.h"
#include "log.h"

/* The headers are read as the host lays them out: x86, little-endian. */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "simvmm's ELF loader reads little-endian headers natively"
#endif

/* Real mode reaches the first MiB, and starts at CS:IP = 0:entry. */
#define REAL_MODE_END		0x100000ull
#define REAL_MODE_IP_MAX	0xffffull

#define ULL(v)	((unsigned long long)(v))

/* The header fields simvmm reads, the same for both classes. */
struct ehdr {
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum;
};

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct shdr {
	uint32_t type;
	uint64_t offset, size, addralign;
};

/* Where the notes being read came from, for messages. */
struct note_src {
	const char *kind;	/* "PT_NOTE program header", "SHT_NOTE section" */
	uint64_t index;
};

static int __attribute__((format(printf, 3, 4)))
refuse(int err, const char *what, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("ELF image '%s': %s", what, msg);
	return err;
}

bool elf_is_elf(const void *img, size_t len)
{
	return len >= SELFMAG && !memcmp(img, ELFMAG, SELFMAG);
}

enum cpu_mode elf_class_mode(const struct elf_image *e)
{
	return e->bits == 64 ? CPU_MODE_LONG : CPU_MODE_PROTECTED;
}

/* Is [off, off + size) inside a file of @len bytes? */
static bool in_file(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

static void get_ehdr(const uint8_t *p, unsigned int bits, struct ehdr *h)
{
	Elf32_Ehdr e32;
	Elf64_Ehdr e64;

	if (bits == 32) {
		memcpy(&e32, p, sizeof(e32));
		*h = (struct ehdr){
			.type = e32.e_type, .machine = e32.e_machine,
			.version = e32.e_version, .entry = e32.e_entry,
			.phoff = e32.e_phoff, .shoff = e32.e_shoff,
			.ehsize = e32.e_ehsize, .phentsize = e32.e_phentsize,
			.phnum = e32.e_phnum, .shentsize = e32.e_shentsize,
			.shnum = e32.e_shnum,
		};
	} else {
		memcpy(&e64, p, sizeof(e64));
		*h = (struct ehdr){
			.type = e64.e_type, .machine = e64.e_machine,
			.version = e64.e_version, .entry = e64.e_entry,
			.phoff = e64.e_phoff, .shoff = e64.e_shoff,
			.ehsize = e64.e_ehsize, .phentsize = e64.e_phentsize,
			.phnum = e64.e_phnum, .shentsize = e64.e_shentsize,
			.shnum = e64.e_shnum,
		};
	}
}

static void get_phdr(const uint8_t *p, unsigned int bits, struct phdr *ph)
{
	Elf32_Phdr p32;
	Elf64_Phdr p64;

	if (bits == 32) {
		memcpy(&p32, p, sizeof(p32));
		*ph = (struct phdr){
			.type = p32.p_type, .flags = p32.p_flags,
			.offset = p32.p_offset, .vaddr = p32.p_vaddr,
			.paddr = p32.p_paddr, .filesz = p32.p_filesz,
			.memsz = p32.p_memsz, .align = p32.p_align,
		};
	} else {
		memcpy(&p64, p, sizeof(p64));
		*ph = (struct phdr){
			.type = p64.p_type, .flags = p64.p_flags,
			.offset = p64.p_offset, .vaddr = p64.p_vaddr,
			.paddr = p64.p_paddr, .filesz = p64.p_filesz,
			.memsz = p64.p_memsz, .align = p64.p_align,
		};
	}
}

static void get_shdr(const uint8_t *p, unsigned int bits, struct shdr *sh)
{
	Elf32_Shdr s32;
	Elf64_Shdr s64;

	if (bits == 32) {
		memcpy(&s32, p, sizeof(s32));
		*sh = (struct shdr){
			.type = s32.sh_type, .offset = s32.sh_offset,
			.size = s32.sh_size, .addralign = s32.sh_addralign,
		};
	} else {
		memcpy(&s64, p, sizeof(s64));
		*sh = (struct shdr){
			.type = s64.sh_type, .offset = s64.sh_offset,
			.size = s64.sh_size, .addralign = s64.sh_addralign,
		};
	}
}

/* e_ident: magic, class, byte order, version. Sets e->bits. */
static int check_ident(const uint8_t *p, size_t len, struct elf_image *e,
		       const char *what)
{
	if (len < EI_NIDENT)
		return refuse(-ENOEXEC, what, "the file is %zu bytes, shorter than the %d-byte e_ident: it is cut short",
			      len, EI_NIDENT);
	if (!elf_is_elf(p, len))
		return refuse(-ENOEXEC, what, "e_ident does not start with the ELF magic \\x7fELF");
	switch (p[EI_CLASS]) {
	case ELFCLASS32:
		e->bits = 32;
		break;
	case ELFCLASS64:
		e->bits = 64;
		break;
	default:
		return refuse(-ENOEXEC, what, "e_ident[EI_CLASS] %u is neither ELFCLASS32 (1) nor ELFCLASS64 (2)",
			      p[EI_CLASS]);
	}
	if (p[EI_DATA] != ELFDATA2LSB)
		return refuse(-ENOEXEC, what, "e_ident[EI_DATA] %u is not ELFDATA2LSB (1): x86 images are little-endian",
			      p[EI_DATA]);
	if (p[EI_VERSION] != EV_CURRENT)
		return refuse(-ENOEXEC, what, "e_ident[EI_VERSION] %u is not EV_CURRENT (1)",
			      p[EI_VERSION]);
	return 0;
}

/* The header's own fields: type, machine, version, sizes and counts. */
static int check_ehdr(const struct ehdr *h, size_t len, unsigned int bits,
		      const char *what)
{
	size_t ehsize = bits == 32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
	size_t phsize = bits == 32 ? sizeof(Elf32_Phdr) : sizeof(Elf64_Phdr);
	unsigned int want = bits == 32 ? EM_386 : EM_X86_64;

	if (h->type != ET_EXEC) {
		if (h->type == ET_DYN)
			return refuse(-ENOEXEC, what, "e_type 3 (ET_DYN) is position-independent; link the guest with -no-pie (-static) so that it is ET_EXEC (2) at fixed addresses");
		if (h->type == ET_REL)
			return refuse(-ENOEXEC, what, "e_type 1 (ET_REL) is an object file; link it into an executable (ET_EXEC, 2) first");
		return refuse(-ENOEXEC, what, "e_type %u is not ET_EXEC (2): give a linked executable",
			      h->type);
	}
	if (h->machine != want) {
		if (bits == 32 && h->machine == EM_X86_64)
			return refuse(-ENOEXEC, what, "e_machine 62 (EM_X86_64) in an ELFCLASS32 image is the x32 ABI, which simvmm does not run; link it as ELFCLASS64");
		return refuse(-ENOEXEC, what, "e_machine %u is not %s (%u): simvmm runs x86 guests (EM_386 for ELFCLASS32, EM_X86_64 for ELFCLASS64)",
			      h->machine, bits == 32 ? "EM_386" : "EM_X86_64",
			      want);
	}
	if (h->version != EV_CURRENT)
		return refuse(-ENOEXEC, what, "e_version %u is not EV_CURRENT (1)",
			      h->version);
	if (h->ehsize != ehsize)
		return refuse(-ENOEXEC, what, "e_ehsize %u is not the %zu bytes of an ELFCLASS%u header",
			      h->ehsize, ehsize, bits);
	if (!h->phnum)
		return refuse(-ENOEXEC, what, "e_phnum is 0: there are no program headers, so nothing to load; give a linked executable with PT_LOAD segments");
	if (h->phnum == PN_XNUM)
		return refuse(-ENOEXEC, what, "e_phnum 0xffff (PN_XNUM, extended numbering) is not supported; link it into fewer program headers");
	if (h->phentsize != phsize)
		return refuse(-ENOEXEC, what, "e_phentsize %u is not the %zu bytes of an ELFCLASS%u program header",
			      h->phentsize, phsize, bits);
	if (!in_file(h->phoff, (uint64_t)h->phnum * h->phentsize, len))
		return refuse(-ENOEXEC, what, "the program header table (e_phoff 0x%llx, e_phnum %u of %u bytes) runs past the end of the %zu-byte file: it is cut short",
			      ULL(h->phoff), h->phnum, h->phentsize, len);
	return 0;
}

/*
 * The notes in [@p, @p + @size), padded to @align: a simvmm ABI note must
 * hold a 4-byte version, and that version must be this simvmm's.
 */
static int parse_notes(const uint8_t *p, uint64_t size, uint64_t align,
		       const struct note_src *src, struct elf_image *e,
		       const char *what)
{
	uint64_t pos = 0, left, name_span, desc_span;
	Elf32_Nhdr nh;
	uint32_t version;

	while (pos < size) {
		left = size - pos;
		if (left < sizeof(nh))
			return refuse(-ENOEXEC, what, "%s %llu: %llu bytes left at offset 0x%llx of its notes, too few for a %zu-byte note header; the notes are corrupt",
				      src->kind, ULL(src->index), ULL(left),
				      ULL(pos), sizeof(nh));
		memcpy(&nh, p + pos, sizeof(nh));
		left -= sizeof(nh);
		/* 32-bit sizes, so the rounding cannot wrap 64 bits. */
		name_span = ((uint64_t)nh.n_namesz + align - 1) & ~(align - 1);
		desc_span = ((uint64_t)nh.n_descsz + align - 1) & ~(align - 1);
		if (name_span > left)
			return refuse(-ENOEXEC, what, "%s %llu: the note at offset 0x%llx has n_namesz %u, more than the %llu bytes left; the notes are corrupt",
				      src->kind, ULL(src->index), ULL(pos),
				      nh.n_namesz, ULL(left));
		left -= name_span;
		if (nh.n_descsz > left)
			return refuse(-ENOEXEC, what, "%s %llu: the note at offset 0x%llx has n_descsz %u, more than the %llu bytes left; the notes are corrupt",
				      src->kind, ULL(src->index), ULL(pos),
				      nh.n_descsz, ULL(left));
		if (nh.n_namesz == SIMVMM_NOTE_NAMESZ &&
		    !memcmp(p + pos + sizeof(nh), SIMVMM_NOTE_NAME,
			    SIMVMM_NOTE_NAMESZ) &&
		    nh.n_type == SIMVMM_NOTE_ABI) {
			if (nh.n_descsz != SIMVMM_NOTE_ABI_DESCSZ)
				return refuse(-ENOEXEC, what, "its simvmm ABI note (%s %llu) has n_descsz %u, not the %d bytes of a version; rebuild it against this SDK",
					      src->kind, ULL(src->index),
					      nh.n_descsz,
					      SIMVMM_NOTE_ABI_DESCSZ);
			memcpy(&version, p + pos + sizeof(nh) + name_span,
			       sizeof(version));
			if (version != SIMVMM_ABI_VERSION)
				return refuse(-ENOEXEC, what, "image built for simvmm ABI %u, this simvmm speaks %d: rebuild it against this SDK",
					      version, SIMVMM_ABI_VERSION);
			e->has_abi_note = true;
			e->abi_version = version;
		}
		/* The last note's padding may be left out. */
		pos += sizeof(nh) + name_span +
		       (desc_span < left ? desc_span : left);
	}
	return 0;
}

/* One PT_LOAD: in the file, sizes, no wrap-around, alignment; keep it. */
static int check_load(const struct phdr *ph, unsigned int index, size_t len,
		      struct elf_image *e, const char *what)
{
	uint64_t top = e->bits == 32 ? 0xffffffffull : UINT64_MAX;
	struct elf_segment *s;

	if (ph->filesz > ph->memsz)
		return refuse(-ENOEXEC, what, "PT_LOAD %u: p_filesz 0x%llx is larger than p_memsz 0x%llx; the segment cannot hold its own bytes: relink it",
			      index, ULL(ph->filesz), ULL(ph->memsz));
	if (ph->filesz && !in_file(ph->offset, ph->filesz, len))
		return refuse(-ENOEXEC, what, "PT_LOAD %u: p_offset 0x%llx + p_filesz 0x%llx runs past the end of the %zu-byte file: it is cut short",
			      index, ULL(ph->offset), ULL(ph->filesz), len);
	/* So every end below, p_paddr + p_memsz, is a plain number. */
	if (ph->memsz > top - ph->paddr)
		return refuse(-ENOEXEC, what, "PT_LOAD %u: p_paddr 0x%llx + p_memsz 0x%llx runs past the end of the %u-bit address space",
			      index, ULL(ph->paddr), ULL(ph->memsz), e->bits);
	if (ph->align > 1 && (ph->align & (ph->align - 1)))
		return refuse(-ENOEXEC, what, "PT_LOAD %u: p_align 0x%llx is not a power of two (nor 0 or 1)",
			      index, ULL(ph->align));
	if (ph->align > 1 && ((ph->vaddr ^ ph->offset) & (ph->align - 1)))
		return refuse(-ENOEXEC, what, "PT_LOAD %u: p_vaddr 0x%llx and p_offset 0x%llx differ modulo p_align 0x%llx; relink it",
			      index, ULL(ph->vaddr), ULL(ph->offset),
			      ULL(ph->align));
	if (!ph->memsz)
		return 0;	/* loads nothing */
	if (e->nr_loads == ELF_MAX_LOADS)
		return refuse(-ENOEXEC, what, "more than %d PT_LOAD segments with bytes to load; link it into fewer",
			      ELF_MAX_LOADS);
	s = &e->loads[e->nr_loads++];
	*s = (struct elf_segment){
		.index = index, .flags = ph->flags, .offset = ph->offset,
		.vaddr = ph->vaddr, .paddr = ph->paddr, .filesz = ph->filesz,
		.memsz = ph->memsz,
	};
	return 0;
}

/* [a, a + n) and [b, b + m), neither empty nor wrapping: do they meet? */
static bool ranges_meet(uint64_t a, uint64_t n, uint64_t b, uint64_t m)
{
	return a < b ? b - a < n : a - b < m;
}

static int check_overlaps(const struct elf_image *e, const char *what)
{
	const struct elf_segment *a, *b;
	unsigned int i, j;

	for (i = 0; i < e->nr_loads; i++) {
		for (j = i + 1; j < e->nr_loads; j++) {
			a = &e->loads[i];
			b = &e->loads[j];
			if (ranges_meet(a->paddr, a->memsz, b->paddr, b->memsz))
				return refuse(-ENOEXEC, what, "PT_LOAD %u at [0x%llx, 0x%llx) and PT_LOAD %u at [0x%llx, 0x%llx) overlap in guest-physical memory (p_paddr, p_memsz); link them apart",
					      a->index, ULL(a->paddr),
					      ULL(a->paddr + a->memsz),
					      b->index, ULL(b->paddr),
					      ULL(b->paddr + b->memsz));
		}
	}
	return 0;
}

/* The section header table, when there is one, and its SHT_NOTE notes. */
static int check_sections(const uint8_t *p, size_t len, const struct ehdr *h,
			  struct elf_image *e, const char *what)
{
	size_t shsize = e->bits == 32 ? sizeof(Elf32_Shdr) : sizeof(Elf64_Shdr);
	struct note_src src = { "SHT_NOTE section", 0 };
	uint64_t i, n = h->shnum;
	struct shdr sh;
	int err;

	if (!h->shoff) {
		if (h->shnum)
			return refuse(-ENOEXEC, what, "e_shnum %u but e_shoff 0: the section header table is missing; the header is corrupt",
				      h->shnum);
		return 0;
	}
	if (h->shentsize != shsize)
		return refuse(-ENOEXEC, what, "e_shentsize %u is not the %zu bytes of an ELFCLASS%u section header",
			      h->shentsize, shsize, e->bits);
	if (!in_file(h->shoff, shsize, len))
		return refuse(-ENOEXEC, what, "e_shoff 0x%llx: the section header table starts past the end of the %zu-byte file",
			      ULL(h->shoff), len);
	if (!n) {
		/* Extended numbering: section 0's sh_size holds the count. */
		get_shdr(p + h->shoff, e->bits, &sh);
		n = sh.size;
	}
	if (n > (len - h->shoff) / shsize)
		return refuse(-ENOEXEC, what, "the section header table (e_shoff 0x%llx, %llu entries of %zu bytes) runs past the end of the %zu-byte file: it is cut short",
			      ULL(h->shoff), ULL(n), shsize, len);
	for (i = 0; i < n; i++) {
		get_shdr(p + h->shoff + i * shsize, e->bits, &sh);
		if (sh.type != SHT_NOTE)
			continue;
		if (!in_file(sh.offset, sh.size, len))
			return refuse(-ENOEXEC, what, "section %llu (SHT_NOTE): sh_offset 0x%llx + sh_size 0x%llx runs past the end of the %zu-byte file",
				      ULL(i), ULL(sh.offset), ULL(sh.size), len);
		src.index = i;
		err = parse_notes(p + sh.offset, sh.size,
				  sh.addralign == 8 ? 8 : 4, &src, e, what);
		if (err)
			return err;
	}
	return 0;
}

int elf_parse(const void *img, size_t len, const char *what,
	      struct elf_image *e)
{
	struct note_src src = { "PT_NOTE program header", 0 };
	const uint8_t *p = img;
	struct ehdr h;
	struct phdr ph;
	unsigned int i;
	int err;

	memset(e, 0, sizeof(*e));
	err = check_ident(p, len, e, what);
	if (err)
		return err;
	if (len < (e->bits == 32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr)))
		return refuse(-ENOEXEC, what, "the file is %zu bytes, shorter than its ELFCLASS%u header: it is cut short",
			      len, e->bits);
	get_ehdr(p, e->bits, &h);
	err = check_ehdr(&h, len, e->bits, what);
	if (err)
		return err;
	e->entry = h.entry;

	for (i = 0; i < h.phnum; i++) {
		get_phdr(p + h.phoff + (uint64_t)i * h.phentsize, e->bits, &ph);
		switch (ph.type) {
		case PT_LOAD:
			err = check_load(&ph, i, len, e, what);
			break;
		case PT_NOTE:
			if (!in_file(ph.offset, ph.filesz, len))
				return refuse(-ENOEXEC, what, "PT_NOTE %u: p_offset 0x%llx + p_filesz 0x%llx runs past the end of the %zu-byte file",
					      i, ULL(ph.offset), ULL(ph.filesz),
					      len);
			src.index = i;
			err = parse_notes(p + ph.offset, ph.filesz,
					  ph.align == 8 ? 8 : 4, &src, e, what);
			break;
		case PT_INTERP:
			return refuse(-ENOEXEC, what, "program header %u is PT_INTERP: the image wants a dynamic loader; link it -static -nostdlib as a freestanding guest",
				      i);
		default:
			break;
		}
		if (err)
			return err;
	}
	if (!e->nr_loads)
		return refuse(-ENOEXEC, what, "no PT_LOAD segment with bytes to load (p_memsz > 0) among its %u program headers; nothing would run",
			      h.phnum);
	err = check_overlaps(e, what);
	if (err)
		return err;
	return check_sections(p, len, &h, e, what);
}

int elf_check_mode(const struct elf_image *e, enum cpu_mode mode,
		   uint64_t entry, const char *what)
{
	const char *name = cpu_mode_name(mode);
	const struct elf_segment *s;
	unsigned int i;

	if (e->bits == 64 && mode != CPU_MODE_LONG)
		return refuse(-EINVAL, what, "an ELFCLASS64 image runs in long mode only, not in %s mode; drop --mode %s",
			      name, name);
	if (mode != CPU_MODE_REAL)
		return 0;
	for (i = 0; i < e->nr_loads; i++) {
		s = &e->loads[i];
		if (s->paddr >= REAL_MODE_END ||
		    s->memsz > REAL_MODE_END - s->paddr)
			return refuse(-EINVAL, what, "PT_LOAD %u at [0x%llx, 0x%llx) reaches past the first 1 MiB, all that real mode reaches; drop --mode real (an ELFCLASS32 image runs in protected mode by default)",
				      s->index, ULL(s->paddr),
				      ULL(s->paddr + s->memsz));
	}
	if (entry > REAL_MODE_IP_MAX)
		return refuse(-EINVAL, what, "entry point 0x%llx is above 0xffff: real mode starts at CS:IP = 0:entry; link the entry below 0x10000 or drop --mode real",
			      ULL(entry));
	return 0;
}

int elf_check_entry(const struct elf_image *e, uint64_t entry,
		    const char *field, const char *what)
{
	const struct elf_segment *s, *code = NULL;
	unsigned int i;

	for (i = 0; i < e->nr_loads; i++) {
		s = &e->loads[i];
		if (!code && (s->flags & PF_X))
			code = s;
		if (entry < s->paddr || entry - s->paddr >= s->memsz)
			continue;
		if (!(s->flags & PF_X))
			return refuse(-EINVAL, what, "%s 0x%llx lies in PT_LOAD %u, which is not executable (p_flags 0x%x lacks PF_X); the entry point must be in code",
				      field, ULL(entry), s->index, s->flags);
		if (entry - s->paddr >= s->filesz)
			return refuse(-EINVAL, what, "%s 0x%llx lies in the zero-filled part of PT_LOAD %u ([0x%llx, 0x%llx) holds its file bytes), not in its code",
				      field, ULL(entry), s->index,
				      ULL(s->paddr), ULL(s->paddr + s->filesz));
		return 0;
	}
	for (i = 0; i < e->nr_loads; i++) {
		s = &e->loads[i];
		if (s->vaddr != s->paddr && entry >= s->vaddr &&
		    entry - s->vaddr < s->filesz)
			return refuse(-EINVAL, what, "%s 0x%llx is a virtual address of PT_LOAD %u (p_vaddr 0x%llx), which loads at p_paddr 0x%llx; give --entry 0x%llx, its physical address",
				      field, ULL(entry), s->index,
				      ULL(s->vaddr), ULL(s->paddr),
				      ULL(s->paddr + (entry - s->vaddr)));
	}
	if (code)
		return refuse(-EINVAL, what, "%s 0x%llx is outside every loaded segment; the code is PT_LOAD %u at [0x%llx, 0x%llx)",
			      field, ULL(entry), code->index, ULL(code->paddr),
			      ULL(code->paddr + code->filesz));
	return refuse(-EINVAL, what, "%s 0x%llx is outside every loaded segment, and no segment is executable (PF_X)",
		      field, ULL(entry));
}

/* Is [@s->paddr, + memsz) wholly one RAM slot of @vm? If not, say why. */
static int check_ram(const struct vm *vm, const struct elf_segment *s,
		     const char *what)
{
	uint64_t end = s->paddr + s->memsz;
	uint64_t room = vm_ram_room(vm, s->paddr);

	if (s->memsz > vm->mem_size)
		return refuse(-ENOSPC, what, "PT_LOAD %u: p_memsz 0x%llx (0x%llx bytes from the file, 0x%llx zero-filled) is more than the guest's 0x%llx bytes of RAM; raise --memory",
			      s->index, ULL(s->memsz), ULL(s->filesz),
			      ULL(s->memsz - s->filesz), ULL(vm->mem_size));
	if (room && s->memsz <= room && vm_gpa_to_hva(vm, s->paddr, s->memsz))
		return 0;
	if (ranges_meet(s->paddr, s->memsz, vm->mmio_base,
			SIMVIRTIO_WINDOW_SIZE))
		return refuse(-EINVAL, what, "PT_LOAD %u at [0x%llx, 0x%llx) overlaps the device window at 0x%llx, which is MMIO, never RAM; link it inside RAM [0x0, 0x%llx)%s",
			      s->index, ULL(s->paddr), ULL(end),
			      ULL(vm->mmio_base), ULL(vm->mem_size),
			      vm->mem_size <= SIMVMM_LOWMEM_END ?
			      ", or give --memory above 1M for RAM at 1 MiB" :
			      "");
	if (!room)
		return refuse(-EINVAL, what, "PT_LOAD %u at p_paddr 0x%llx is not guest RAM (RAM is [0x0, 0x%llx)); link it inside RAM or raise --memory",
			      s->index, ULL(s->paddr), ULL(vm->mem_size));
	return refuse(-ENOSPC, what, "PT_LOAD %u at [0x%llx, 0x%llx) runs 0x%llx bytes past the end of RAM at 0x%llx; raise --memory or link it lower",
		      s->index, ULL(s->paddr), ULL(end),
		      ULL(s->memsz - room), ULL(s->paddr + room));
}

int elf_load(struct vm *vm, enum cpu_mode mode, const struct elf_image *e,
	     const void *img, size_t len, const char *what)
{
	const struct elf_segment *s;
	uint64_t rstart, rend;
	unsigned int i;
	uint8_t *dst;
	int err;

	/* Everything first: a refused image leaves RAM as it was. */
	cpu_mode_reserved(mode, &rstart, &rend);
	for (i = 0; i < e->nr_loads; i++) {
		s = &e->loads[i];
		if (s->filesz > s->memsz ||
		    (s->filesz && !in_file(s->offset, s->filesz, len)))
			return refuse(-EINVAL, what, "PT_LOAD %u does not match the file it was parsed from",
				      s->index);
		err = check_ram(vm, s, what);
		if (err)
			return err;
		if (rstart < rend &&
		    ranges_meet(s->paddr, s->memsz, rstart, rend - rstart))
			return refuse(-EINVAL, what, "PT_LOAD %u at [0x%llx, 0x%llx) overlaps the %s-mode GDT/page tables at [0x%llx, 0x%llx); link it at or above 0x%llx",
				      s->index, ULL(s->paddr),
				      ULL(s->paddr + s->memsz),
				      cpu_mode_name(mode), ULL(rstart),
				      ULL(rend), ULL(rend));
	}
	for (i = 0; i < e->nr_loads; i++) {
		s = &e->loads[i];
		dst = vm_gpa_to_hva(vm, s->paddr, s->memsz);
		if (s->filesz)
			memcpy(dst, (const uint8_t *)img + s->offset, s->filesz);
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
	}
	return 0;
}

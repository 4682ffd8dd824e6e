// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: ELF32 and ELF64 images (lib/elf.c, through lib/loader.c as
 * the command line and the machine use it). Every image is built here, in
 * memory: a good one (code, data with BSS, the ABI note in a PT_NOTE
 * segment and in an SHT_NOTE section), then one field broken per test.
 * Each refusal must be exactly one message naming the field and value,
 * and must leave the fake VM's RAM (filled with a pattern) untouched.
 * Placement is checked in both memory maps (memmap.h), for flat images
 * too: RAM in one slot from 0, the device window at 0x100000 with 1 MiB
 * of RAM or less and at 0xc0000000 with more.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/elf.h>

#include <simvmm/abi-note.h>
#include <simvmm/memmap.h>
#include <simvmm/simvirtio.h>

#include "elf.h"
#include "loader.h"
#include "vm.h"
#include "../../fuzz/fake_vm.h"

#define PATTERN		0xa5

/* The good image's layout, the same for both classes. */
#define TEXT_OFF	0x100
#define TEXT_PADDR	0x8000ull
#define TEXT_LEN	16
#define DATA_OFF	0x180
#define DATA_PADDR	0x9000ull
#define DATA_LEN	16
#define DATA_MEMSZ	0x100
#define NOTE_OFF	0x200		/* PT_NOTE */
#define SNOTE_OFF	0x220		/* SHT_NOTE section */
#define NOTE_LEN	24
#define SH_OFF		0x240
#define NR_SH		3
#define IMG_MAX		0x1000

static uint8_t img[IMG_MAX];
static size_t img_len;
static unsigned int bits;

static const uint8_t text[TEXT_LEN] = {
	0xb8, 0x2a, 0x00, 0x00, 0x00,	/* mov $42, %eax */
	0xf4,				/* hlt */
	0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
};
static const uint8_t data[DATA_LEN] = "simvmm ELF data";

/* ---- building images -------------------------------------------------- */

static void put(size_t off, uint64_t v, unsigned int n)
{
	unsigned int i;

	assert_true(off + n <= IMG_MAX);
	for (i = 0; i < n; i++)
		img[off + i] = v >> (8 * i);
}

static unsigned int w(void)
{
	return bits / 8;
}

static size_t ehsz(void)
{
	return bits == 32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
}

static size_t phsz(void)
{
	return bits == 32 ? sizeof(Elf32_Phdr) : sizeof(Elf64_Phdr);
}

static size_t shsz(void)
{
	return bits == 32 ? sizeof(Elf32_Shdr) : sizeof(Elf64_Shdr);
}

enum { E_TYPE, E_MACHINE, E_VERSION, E_ENTRY, E_PHOFF, E_SHOFF, E_EHSIZE,
	E_PHENTSIZE, E_PHNUM, E_SHENTSIZE, E_SHNUM };

static void set_eh(int field, uint64_t v)
{
	switch (field) {
	case E_TYPE:
		put(16, v, 2);
		break;
	case E_MACHINE:
		put(18, v, 2);
		break;
	case E_VERSION:
		put(20, v, 4);
		break;
	case E_ENTRY:
		put(24, v, w());
		break;
	case E_PHOFF:
		put(24 + w(), v, w());
		break;
	case E_SHOFF:
		put(24 + 2 * w(), v, w());
		break;
	default:	/* the 16-bit fields at the end, in order */
		put(ehsz() - 12 + 2 * (field - E_EHSIZE), v, 2);
		break;
	}
}

enum { P_TYPE, P_FLAGS, P_OFFSET, P_VADDR, P_PADDR, P_FILESZ, P_MEMSZ,
	P_ALIGN };

/* Field @field of entry @i of a program header table at @table. */
static void set_ph_at(size_t table, unsigned int i, int field, uint64_t v)
{
	static const unsigned int off32[] = { 0, 24, 4, 8, 12, 16, 20, 28 };
	static const unsigned int off64[] = { 0, 4, 8, 16, 24, 32, 40, 48 };
	size_t base = table + i * phsz();

	if (bits == 32)
		put(base + off32[field], v, 4);
	else
		put(base + off64[field], v,
		    field == P_TYPE || field == P_FLAGS ? 4 : 8);
}

/* The same in the good image's table, right after the header. */
static void set_ph(unsigned int i, int field, uint64_t v)
{
	set_ph_at(ehsz(), i, field, v);
}

enum { S_TYPE, S_OFFSET, S_SIZE, S_ADDRALIGN };

static void set_sh(unsigned int i, int field, uint64_t v)
{
	static const unsigned int off32[] = { 4, 16, 20, 32 };
	static const unsigned int off64[] = { 4, 24, 32, 48 };
	size_t base = SH_OFF + i * shsz();

	if (bits == 32)
		put(base + off32[field], v, 4);
	else
		put(base + off64[field], v, field == S_TYPE ? 4 : 8);
}

static void put_note(size_t off, uint32_t namesz, uint32_t descsz,
		     uint32_t type, const char *name, uint32_t version)
{
	put(off, namesz, 4);
	put(off + 4, descsz, 4);
	put(off + 8, type, 4);
	memset(img + off + 12, 0, 8);
	memcpy(img + off + 12, name, strlen(name));
	put(off + 20, version, 4);
}

/*
 * The good image of class @b: PT_LOAD 0 code at 0x8000 (R X), PT_LOAD 1
 * data at 0x9000 (RW, 16 bytes, 0x100 in memory), PT_NOTE 2 with the ABI
 * note; sections: null, SHT_NOTE (the note again), a PROGBITS.
 */
static void build(unsigned int b)
{
	bits = b;
	memset(img, 0, sizeof(img));
	memcpy(img, ELFMAG, SELFMAG);
	img[EI_CLASS] = b == 32 ? ELFCLASS32 : ELFCLASS64;
	img[EI_DATA] = ELFDATA2LSB;
	img[EI_VERSION] = EV_CURRENT;
	set_eh(E_TYPE, ET_EXEC);
	set_eh(E_MACHINE, b == 32 ? EM_386 : EM_X86_64);
	set_eh(E_VERSION, EV_CURRENT);
	set_eh(E_ENTRY, TEXT_PADDR);
	set_eh(E_PHOFF, ehsz());
	set_eh(E_SHOFF, SH_OFF);
	set_eh(E_EHSIZE, ehsz());
	set_eh(E_PHENTSIZE, phsz());
	set_eh(E_PHNUM, 3);
	set_eh(E_SHENTSIZE, shsz());
	set_eh(E_SHNUM, NR_SH);

	set_ph(0, P_TYPE, PT_LOAD);
	set_ph(0, P_FLAGS, PF_R | PF_X);
	set_ph(0, P_OFFSET, TEXT_OFF);
	set_ph(0, P_VADDR, TEXT_PADDR);
	set_ph(0, P_PADDR, TEXT_PADDR);
	set_ph(0, P_FILESZ, TEXT_LEN);
	set_ph(0, P_MEMSZ, TEXT_LEN);
	set_ph(0, P_ALIGN, 0x10);
	set_ph(1, P_TYPE, PT_LOAD);
	set_ph(1, P_FLAGS, PF_R | PF_W);
	set_ph(1, P_OFFSET, DATA_OFF);
	set_ph(1, P_VADDR, DATA_PADDR);
	set_ph(1, P_PADDR, DATA_PADDR);
	set_ph(1, P_FILESZ, DATA_LEN);
	set_ph(1, P_MEMSZ, DATA_MEMSZ);
	set_ph(1, P_ALIGN, 0x80);
	set_ph(2, P_TYPE, PT_NOTE);
	set_ph(2, P_FLAGS, PF_R);
	set_ph(2, P_OFFSET, NOTE_OFF);
	set_ph(2, P_FILESZ, NOTE_LEN);
	set_ph(2, P_ALIGN, 4);

	memcpy(img + TEXT_OFF, text, TEXT_LEN);
	memcpy(img + DATA_OFF, data, DATA_LEN);
	put_note(NOTE_OFF, SIMVMM_NOTE_NAMESZ, SIMVMM_NOTE_ABI_DESCSZ,
		 SIMVMM_NOTE_ABI, SIMVMM_NOTE_NAME, SIMVMM_ABI_VERSION);
	put_note(SNOTE_OFF, SIMVMM_NOTE_NAMESZ, SIMVMM_NOTE_ABI_DESCSZ,
		 SIMVMM_NOTE_ABI, SIMVMM_NOTE_NAME, SIMVMM_ABI_VERSION);

	/* section 0 is the null section, left zero */
	set_sh(1, S_TYPE, SHT_NOTE);
	set_sh(1, S_OFFSET, SNOTE_OFF);
	set_sh(1, S_SIZE, NOTE_LEN);
	set_sh(1, S_ADDRALIGN, 4);
	set_sh(2, S_TYPE, SHT_PROGBITS);
	set_sh(2, S_OFFSET, TEXT_OFF);
	set_sh(2, S_SIZE, TEXT_LEN);
	img_len = SH_OFF + NR_SH * shsz();
}

/* ---- the fake VM and stderr --------------------------------------------- */

static struct vm vm;
static uint8_t *ram, *ram_copy;

static void new_vm(uint64_t size)
{
	free(ram);
	free(ram_copy);
	ram = malloc(size);
	ram_copy = malloc(size);
	assert_non_null(ram);
	assert_non_null(ram_copy);
	memset(ram, PATTERN, size);
	memcpy(ram_copy, ram, size);
	fake_vm_init(&vm, ram, size);
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	free(ram_copy);
	ram = ram_copy = NULL;
	return 0;
}

static FILE *err_file;
static int saved_stderr = -1;
static char err_text[8192];

static void err_begin(void)
{
	err_file = tmpfile();
	assert_non_null(err_file);
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(saved_stderr >= 0);
	assert_true(dup2(fileno(err_file), STDERR_FILENO) >= 0);
}

static const char *err_end(void)
{
	size_t n;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	rewind(err_file);
	n = fread(err_text, 1, sizeof(err_text) - 1, err_file);
	err_text[n] = '\0';
	fclose(err_file);
	return err_text;
}

/* Exactly one line of stderr, an error, holding @a and @b (NULL: any). */
static void one_error(const char *said, const char *a, const char *b)
{
	const char *nl = strchr(said, '\n');

	if (!nl || nl[1] || strncmp(said, "simvmm: error: ELF image '", 26) ||
	    (a && !strstr(said, a)) || (b && !strstr(said, b)))
		fail_msg("expected one error with '%s' and '%s', got: %s",
			 a ? a : "", b ? b : "", said);
}

/* loader_place() refuses the image with @err and one message; RAM intact. */
static void place_refused(enum cpu_mode mode, int err, const char *a,
			  const char *b)
{
	int r;

	err_begin();
	r = loader_place(&vm, mode, SIMVMM_LOAD_ADDR, img, img_len, "t.elf");
	one_error(err_end(), a, b);
	assert_int_equal(r, err);
	assert_memory_equal(ram, ram_copy, vm.mem_size);
}

/* The command line's check refuses it the same way. */
static void prepare_refused(bool mode_set, enum cpu_mode mode, bool entry_set,
			    uint64_t entry, int err, const char *a,
			    const char *b)
{
	int r;

	err_begin();
	r = loader_elf_prepare(img, img_len, "t.elf", mode_set, &mode,
			       entry_set, &entry);
	one_error(err_end(), a, b);
	assert_int_equal(r, err);
}

/* A broken file: refused by both, before any byte is copied. */
static void file_refused(const char *a, const char *b)
{
	new_vm(SIMVMM_MEM_DEFAULT);
	prepare_refused(false, CPU_MODE_LONG, false, 0, -ENOEXEC, a, b);
	place_refused(bits == 64 ? CPU_MODE_LONG : CPU_MODE_PROTECTED,
		      -ENOEXEC, a, b);
}

/* Both ELF classes, each built afresh before @body. */
#define FOR_CLASSES(body)						\
	do {								\
		static const unsigned int classes_[] = { 32, 64 };	\
		unsigned int ci_;					\
		for (ci_ = 0; ci_ < 2; ci_++) {				\
			build(classes_[ci_]);				\
			body;						\
		}							\
	} while (0)

/* ---- good images ------------------------------------------------------------ */

static void expect_loaded(void)
{
	memcpy(ram_copy + TEXT_PADDR, text, TEXT_LEN);
	memcpy(ram_copy + DATA_PADDR, data, DATA_LEN);
	memset(ram_copy + DATA_PADDR + DATA_LEN, 0, DATA_MEMSZ - DATA_LEN);
	assert_memory_equal(ram, ram_copy, vm.mem_size);
}

static void test_good_images_load(void **state)
{
	enum cpu_mode mode;
	struct elf_image e;
	uint64_t entry;

	(void)state;
	FOR_CLASSES({
		assert_true(elf_is_elf(img, img_len));
		assert_int_equal(elf_parse(img, img_len, "t.elf", &e), 0);
		assert_int_equal(e.bits, bits);
		assert_int_equal(e.nr_loads, 2);
		assert_true(e.has_abi_note);
		assert_int_equal(e.abi_version, SIMVMM_ABI_VERSION);

		mode = CPU_MODE_REAL;
		entry = 0;
		assert_int_equal(loader_elf_prepare(img, img_len, "t.elf",
						    false, &mode, false,
						    &entry), 0);
		assert_int_equal(mode, bits == 64 ? CPU_MODE_LONG :
				 CPU_MODE_PROTECTED);
		assert_int_equal(entry, TEXT_PADDR);

		new_vm(SIMVMM_MEM_DEFAULT);
		assert_int_equal(loader_place(&vm, mode, 0x12345, img,
					      img_len, "t.elf"), 0);
		/* Bytes at p_paddr, BSS zeroed, nothing else touched. */
		expect_loaded();
	});
}

static void test_mode_and_entry_overrides(void **state)
{
	enum cpu_mode mode;
	uint64_t entry;

	(void)state;
	/* ELFCLASS32 in paged, long and (it fits) real mode. */
	build(32);
	mode = CPU_MODE_PAGED;
	entry = TEXT_PADDR + 5;
	assert_int_equal(loader_elf_prepare(img, img_len, "t.elf", true,
					    &mode, true, &entry), 0);
	assert_int_equal(mode, CPU_MODE_PAGED);
	assert_int_equal(entry, TEXT_PADDR + 5);
	mode = CPU_MODE_LONG;
	assert_int_equal(loader_elf_prepare(img, img_len, "t.elf", true,
					    &mode, false, &entry), 0);
	mode = CPU_MODE_REAL;
	assert_int_equal(loader_elf_prepare(img, img_len, "t.elf", true,
					    &mode, false, &entry), 0);
	assert_int_equal(mode, CPU_MODE_REAL);
	new_vm(SIMVMM_MEM_MIN);
	assert_int_equal(loader_place(&vm, CPU_MODE_REAL, 0, img, img_len,
				      "t.elf"), 0);
	expect_loaded();
}

static void test_plain_images_without_the_note(void **state)
{
	struct elf_image e;

	(void)state;
	FOR_CLASSES({
		/* Other owners' notes are skipped; no note is a plain image. */
		put_note(NOTE_OFF, 4, 8, 1, "GNU", 2);
		set_sh(1, S_TYPE, SHT_PROGBITS);
		assert_int_equal(elf_parse(img, img_len, "t.elf", &e), 0);
		assert_false(e.has_abi_note);
		set_ph(2, P_TYPE, PT_NULL);
		set_eh(E_SHOFF, 0);
		set_eh(E_SHNUM, 0);
		assert_int_equal(elf_parse(img, img_len, "t.elf", &e), 0);
		assert_false(e.has_abi_note);
		new_vm(SIMVMM_MEM_DEFAULT);
		assert_int_equal(loader_place(&vm, CPU_MODE_LONG, 0, img,
					      img_len, "t.elf"), 0);
		expect_loaded();
	});
}

static void test_other_good_shapes(void **state)
{
	struct elf_image e;

	(void)state;
	FOR_CLASSES({
		/* 8-byte note alignment, its last padding left out. */
		set_ph(2, P_ALIGN, 8);
		assert_int_equal(elf_parse(img, img_len, "t.elf", &e), 0);
		assert_true(e.has_abi_note);
		/* Extended section numbering: section 0's sh_size counts. */
		set_eh(E_SHNUM, 0);
		set_sh(0, S_SIZE, NR_SH);
		assert_int_equal(elf_parse(img, img_len, "t.elf", &e), 0);
		/* A PT_LOAD with p_memsz 0 loads nothing, wherever it is. */
		set_ph(1, P_PADDR, 0x1000);
		set_ph(1, P_VADDR, 0x1000);
		set_ph(1, P_OFFSET, 0x1000);
		set_ph(1, P_FILESZ, 0);
		set_ph(1, P_MEMSZ, 0);
		assert_int_equal(elf_parse(img, img_len, "t.elf", &e), 0);
		assert_int_equal(e.nr_loads, 1);
		/* p_align 0 and 1 ask for nothing. */
		set_ph(0, P_ALIGN, 0);
		assert_int_equal(elf_parse(img, img_len, "t.elf", &e), 0);
		set_ph(0, P_ALIGN, 1);
		assert_int_equal(elf_parse(img, img_len, "t.elf", &e), 0);
	});
}

/*
 * RAM is one slot from 0 (memmap.h): above 1 MiB of RAM, 1 MiB itself is
 * RAM, where a Multiboot kernel is linked, and so is all the rest.
 */
static void test_segment_at_1_mib_with_large_ram(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_ph(1, P_PADDR, SIMVMM_LOWMEM_END);
		new_vm(2 << 20);
		assert_int_equal(vm.mmio_base, SIMVMM_MMIO_HIGH_BASE);
		assert_int_equal(loader_place(&vm, CPU_MODE_PROTECTED, 0, img,
					      img_len, "t.elf"), 0);
		memcpy(ram_copy + TEXT_PADDR, text, TEXT_LEN);
		memcpy(ram_copy + SIMVMM_LOWMEM_END, data, DATA_LEN);
		memset(ram_copy + SIMVMM_LOWMEM_END + DATA_LEN, 0,
		       DATA_MEMSZ - DATA_LEN);
		assert_memory_equal(ram, ram_copy, vm.mem_size);
		/* Straddling 1 MiB, and at 3 MiB: RAM at its own address. */
		new_vm(4 << 20);
		set_ph(1, P_PADDR, SIMVMM_LOWMEM_END - 0x80);
		assert_int_equal(loader_place(&vm, CPU_MODE_PAGED, 0, img,
					      img_len, "t.elf"), 0);
		assert_memory_equal(ram + SIMVMM_LOWMEM_END - 0x80, data,
				    DATA_LEN);
		set_ph(1, P_PADDR, 0x300000);
		assert_int_equal(loader_place(&vm, CPU_MODE_PAGED, 0, img,
					      img_len, "t.elf"), 0);
		assert_memory_equal(ram + 0x300000, data, DATA_LEN);
		/* The last bytes of RAM. */
		set_ph(1, P_PADDR, (4 << 20) - DATA_MEMSZ);
		assert_int_equal(loader_place(&vm, CPU_MODE_LONG, 0, img,
					      img_len, "t.elf"), 0);
	});
}

/* ---- the file: identification and header ----------------------------------- */

static void test_short_files(void **state)
{
	(void)state;
	FOR_CLASSES({
		img_len = 10;
		file_refused("the file is 10 bytes, shorter than the 16-byte e_ident", NULL);
		img_len = ehsz() - 1;
		file_refused("shorter than its ELFCLASS", "header");
	});
}

static void test_no_magic(void **state)
{
	struct elf_image e;

	(void)state;
	build(64);
	img[3] = 'f';
	assert_false(elf_is_elf(img, img_len));
	assert_false(elf_is_elf(img, 3));
	err_begin();
	assert_int_equal(elf_parse(img, img_len, "t.elf", &e), -ENOEXEC);
	one_error(err_end(), "does not start with the ELF magic", NULL);
}

static void test_bad_class(void **state)
{
	(void)state;
	build(64);
	img[EI_CLASS] = 3;
	file_refused("e_ident[EI_CLASS] 3 is neither ELFCLASS32 (1) nor ELFCLASS64 (2)", NULL);
}

static void test_big_endian(void **state)
{
	(void)state;
	FOR_CLASSES({
		img[EI_DATA] = ELFDATA2MSB;
		file_refused("e_ident[EI_DATA] 2 is not ELFDATA2LSB (1)", "little-endian");
	});
}

static void test_bad_ident_version(void **state)
{
	(void)state;
	FOR_CLASSES({
		img[EI_VERSION] = 0;
		file_refused("e_ident[EI_VERSION] 0 is not EV_CURRENT (1)", NULL);
	});
}

static void test_not_et_exec(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_eh(E_TYPE, ET_DYN);
		file_refused("e_type 3 (ET_DYN) is position-independent", "-no-pie");
		set_eh(E_TYPE, ET_REL);
		file_refused("e_type 1 (ET_REL) is an object file", "link it");
		set_eh(E_TYPE, ET_CORE);
		file_refused("e_type 4 is not ET_EXEC (2)", NULL);
	});
}

static void test_not_x86(void **state)
{
	(void)state;
	build(32);
	set_eh(E_MACHINE, EM_X86_64);
	file_refused("e_machine 62 (EM_X86_64) in an ELFCLASS32 image is the x32 ABI", "link it as ELFCLASS64");
	set_eh(E_MACHINE, 40);	/* EM_ARM */
	file_refused("e_machine 40 is not EM_386 (3)", NULL);
	build(64);
	set_eh(E_MACHINE, EM_386);
	file_refused("e_machine 3 is not EM_X86_64 (62)", NULL);
}

static void test_bad_version(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_eh(E_VERSION, 2);
		file_refused("e_version 2 is not EV_CURRENT (1)", NULL);
	});
}

static void test_bad_ehsize(void **state)
{
	(void)state;
	build(32);
	set_eh(E_EHSIZE, 64);
	file_refused("e_ehsize 64 is not the 52 bytes of an ELFCLASS32 header", NULL);
	build(64);
	set_eh(E_EHSIZE, 52);
	file_refused("e_ehsize 52 is not the 64 bytes of an ELFCLASS64 header", NULL);
}

static void test_no_program_headers(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_eh(E_PHNUM, 0);
		file_refused("e_phnum is 0", "PT_LOAD");
	});
}

static void test_extended_phnum(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_eh(E_PHNUM, PN_XNUM);
		file_refused("e_phnum 0xffff (PN_XNUM, extended numbering) is not supported", NULL);
	});
}

static void test_bad_phentsize(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_eh(E_PHENTSIZE, phsz() + 8);
		file_refused("e_phentsize", "is not the");
	});
}

static void test_phdrs_past_the_end(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_eh(E_PHOFF, img_len - phsz());
		file_refused("the program header table (e_phoff", "runs past the end");
		/* An offset so large that offset + size would wrap. */
		set_eh(E_PHOFF, bits == 32 ? 0xfffffff0ull : ~0ull - 8);
		file_refused("the program header table (e_phoff", "runs past the end");
	});
}

/* ---- the file: segments ------------------------------------------------------ */

static void test_filesz_above_memsz(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_ph(1, P_FILESZ, DATA_MEMSZ + 1);
		file_refused("PT_LOAD 1: p_filesz 0x101 is larger than p_memsz 0x100", NULL);
	});
}

static void test_segment_past_the_end(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_ph(0, P_OFFSET, img_len - 4);
		set_ph(0, P_VADDR, TEXT_PADDR + ((img_len - 4) & 0xf));
		set_ph(0, P_ALIGN, 0);
		file_refused("PT_LOAD 0: p_offset", "runs past the end of the");
		/* The sum would wrap: still past the end. */
		set_ph(0, P_OFFSET, bits == 32 ? 0xfffffff0ull : ~0ull - 4);
		file_refused("PT_LOAD 0: p_offset", "runs past the end of the");
	});
}

static void test_segment_wraps(void **state)
{
	(void)state;
	build(32);
	set_ph(1, P_PADDR, 0xfffff000);
	set_ph(1, P_MEMSZ, 0x2000);
	file_refused("PT_LOAD 1: p_paddr 0xfffff000 + p_memsz 0x2000 runs past the end of the 32-bit address space", NULL);
	build(64);
	set_ph(1, P_PADDR, 0xfffffffffffff000ull);
	set_ph(1, P_MEMSZ, 0x2000);
	file_refused("PT_LOAD 1: p_paddr 0xfffffffffffff000 + p_memsz 0x2000 runs past the end of the 64-bit address space", NULL);
}

static void test_align_not_power_of_two(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_ph(0, P_ALIGN, 0x30);
		file_refused("PT_LOAD 0: p_align 0x30 is not a power of two", NULL);
	});
}

static void test_align_mismatch(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_ph(0, P_ALIGN, 0x1000);
		file_refused("PT_LOAD 0: p_vaddr 0x8000 and p_offset 0x100 differ modulo p_align 0x1000", NULL);
	});
}

static void test_too_many_segments(void **state)
{
	size_t table = 0x400;
	unsigned int i;

	(void)state;
	FOR_CLASSES({
		set_eh(E_PHOFF, table);
		set_eh(E_PHNUM, ELF_MAX_LOADS + 1);
		for (i = 0; i <= ELF_MAX_LOADS; i++) {
			set_ph_at(table, i, P_TYPE, PT_LOAD);
			set_ph_at(table, i, P_FLAGS, PF_R | PF_X);
			set_ph_at(table, i, P_PADDR, 0x8000 + 0x100 * i);
			set_ph_at(table, i, P_MEMSZ, 0x10);
		}
		img_len = table + (ELF_MAX_LOADS + 1) * phsz();
		file_refused("more than 16 PT_LOAD segments", NULL);
	});
}

static void test_overlapping_segments(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_ph(1, P_PADDR, TEXT_PADDR + TEXT_LEN - 1);
		file_refused("PT_LOAD 0 at [0x8000, 0x8010) and PT_LOAD 1 at [0x800f, 0x810f) overlap", NULL);
		/* The other way round, and one inside the other. */
		set_ph(1, P_PADDR, TEXT_PADDR - DATA_MEMSZ + 1);
		file_refused("overlap in guest-physical memory", NULL);
		set_ph(1, P_PADDR, TEXT_PADDR - 1);
		file_refused("overlap in guest-physical memory", NULL);
	});
}

static void test_no_load_segment(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_ph(0, P_TYPE, PT_NULL);
		set_ph(1, P_MEMSZ, 0);
		set_ph(1, P_FILESZ, 0);
		file_refused("no PT_LOAD segment with bytes to load", "among its 3 program headers");
	});
}

static void test_interp(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_ph(2, P_TYPE, PT_INTERP);
		file_refused("program header 2 is PT_INTERP", "-static");
	});
}

/* ---- the file: notes and sections -------------------------------------------- */

static void test_abi_version_mismatch(void **state)
{
	(void)state;
	FOR_CLASSES({
		/* In the PT_NOTE segment. */
		put(NOTE_OFF + 20, SIMVMM_ABI_VERSION + 1, 4);
		file_refused("image built for simvmm ABI 2, this simvmm speaks 1: rebuild it against this SDK", NULL);
	});
	FOR_CLASSES({
		/* In the SHT_NOTE section only. */
		set_ph(2, P_TYPE, PT_NULL);
		put(SNOTE_OFF + 20, 0, 4);
		file_refused("image built for simvmm ABI 0, this simvmm speaks 1", NULL);
	});
}

static void test_abi_note_bad_descsz(void **state)
{
	(void)state;
	FOR_CLASSES({
		put(NOTE_OFF + 4, 0, 4);
		set_ph(2, P_FILESZ, 20);
		file_refused("its simvmm ABI note (PT_NOTE program header 2) has n_descsz 0, not the 4 bytes of a version", NULL);
	});
}

static void test_note_header_cut(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_ph(2, P_FILESZ, NOTE_LEN + 6);
		file_refused("PT_NOTE program header 2: 6 bytes left at offset 0x18 of its notes, too few for a 12-byte note header", NULL);
	});
}

static void test_note_name_too_long(void **state)
{
	(void)state;
	FOR_CLASSES({
		put(NOTE_OFF, 100, 4);
		file_refused("has n_namesz 100, more than the 12 bytes left", NULL);
	});
}

static void test_note_desc_too_long(void **state)
{
	(void)state;
	FOR_CLASSES({
		put(SNOTE_OFF + 4, 100, 4);
		file_refused("SHT_NOTE section 1: the note at offset 0x0 has n_descsz 100, more than the 4 bytes left", NULL);
	});
}

static void test_note_segment_past_the_end(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_ph(2, P_OFFSET, img_len - 8);
		file_refused("PT_NOTE 2: p_offset", "runs past the end of the");
	});
}

static void test_sections_without_table(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_eh(E_SHOFF, 0);
		file_refused("e_shnum 3 but e_shoff 0", NULL);
	});
}

static void test_bad_shentsize(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_eh(E_SHENTSIZE, 12);
		file_refused("e_shentsize 12 is not the", "section header");
	});
}

static void test_section_table_past_the_end(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_eh(E_SHOFF, img_len);
		file_refused("e_shoff", "starts past the end of the");
		set_eh(E_SHOFF, SH_OFF);
		set_eh(E_SHNUM, NR_SH + 1);
		file_refused("the section header table (e_shoff 0x240, 4 entries", "runs past the end");
		/* Extended numbering with a count the file cannot hold. */
		set_eh(E_SHNUM, 0);
		set_sh(0, S_SIZE, 1000000);
		file_refused("1000000 entries", "runs past the end");
	});
}

static void test_note_section_past_the_end(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_sh(1, S_SIZE, img_len);
		file_refused("section 1 (SHT_NOTE): sh_offset 0x220", "runs past the end of the");
	});
}

/* ---- mode and entry ------------------------------------------------------------ */

static void test_elf64_in_32_bit_modes(void **state)
{
	static const enum cpu_mode modes[] = { CPU_MODE_REAL,
		CPU_MODE_PROTECTED, CPU_MODE_PAGED };
	char want[96];
	unsigned int i;

	(void)state;
	build(64);
	for (i = 0; i < 3; i++) {
		snprintf(want, sizeof(want), "runs in long mode only, not in %s mode; drop --mode %s",
			 cpu_mode_name(modes[i]), cpu_mode_name(modes[i]));
		prepare_refused(true, modes[i], false, 0, -EINVAL, want, NULL);
	}
}

static void test_elf32_real_mode_segment_too_high(void **state)
{
	(void)state;
	build(32);
	set_ph(1, P_PADDR, 0xfff80);
	prepare_refused(true, CPU_MODE_REAL, false, 0, -EINVAL,
			"PT_LOAD 1 at [0xfff80, 0x100080) reaches past the first 1 MiB", "drop --mode real");
}

static void test_elf32_real_mode_entry_too_high(void **state)
{
	enum cpu_mode mode;
	uint64_t entry;

	(void)state;
	build(32);
	set_ph(0, P_PADDR, 0x10000);
	set_ph(0, P_VADDR, 0x10000);
	set_eh(E_ENTRY, 0x10000);
	prepare_refused(true, CPU_MODE_REAL, false, 0, -EINVAL,
			"entry point 0x10000 is above 0xffff", NULL);
	prepare_refused(true, CPU_MODE_REAL, true, 0x10004, -EINVAL,
			"entry point 0x10004 is above 0xffff", NULL);
	/* Protected mode, the class's own, takes it. */
	mode = CPU_MODE_PROTECTED;
	entry = 0;
	assert_int_equal(loader_elf_prepare(img, img_len, "t.elf", false,
					    &mode, false, &entry), 0);
	assert_int_equal(entry, 0x10000);
}

static void test_entry_not_executable(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_eh(E_ENTRY, DATA_PADDR);
		prepare_refused(false, 0, false, 0, -EINVAL,
				"e_entry 0x9000 lies in PT_LOAD 1, which is not executable (p_flags 0x6 lacks PF_X)", NULL);
		prepare_refused(false, 0, true, DATA_PADDR + 4, -EINVAL,
				"--entry 0x9004 lies in PT_LOAD 1, which is not executable", NULL);
	});
}

static void test_entry_in_bss(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_ph(0, P_MEMSZ, 0x40);
		set_eh(E_ENTRY, TEXT_PADDR + TEXT_LEN);
		prepare_refused(false, 0, false, 0, -EINVAL,
				"e_entry 0x8010 lies in the zero-filled part of PT_LOAD 0", NULL);
	});
}

static void test_entry_virtual(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_ph(0, P_VADDR, 0xc0008000);
		set_eh(E_ENTRY, 0xc0008005);
		prepare_refused(false, 0, false, 0, -EINVAL,
				"e_entry 0xc0008005 is a virtual address of PT_LOAD 0 (p_vaddr 0xc0008000)",
				"give --entry 0x8005");
	});
}

static void test_entry_outside(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_eh(E_ENTRY, 0x20000);
		prepare_refused(false, 0, false, 0, -EINVAL,
				"e_entry 0x20000 is outside every loaded segment; the code is PT_LOAD 0 at [0x8000, 0x8010)", NULL);
		prepare_refused(false, 0, true, TEXT_PADDR - 1, -EINVAL,
				"--entry 0x7fff is outside every loaded segment", NULL);
		set_ph(0, P_FLAGS, PF_R);
		prepare_refused(false, 0, false, 0, -EINVAL,
				"e_entry 0x20000 is outside every loaded segment, and no segment is executable", NULL);
	});
}

/* ---- RAM and the mode's tables --------------------------------------------------- */

static void test_bss_larger_than_ram(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_ph(1, P_MEMSZ, 0x7fff0000);
		new_vm(SIMVMM_MEM_DEFAULT);
		place_refused(CPU_MODE_PAGED, -ENOSPC,
			      "PT_LOAD 1: p_memsz 0x7fff0000 (0x10 bytes from the file, 0x7ffefff0 zero-filled) is more than the guest's 0x100000 bytes of RAM; raise --memory", NULL);
	});
}

/*
 * The device window is MMIO, never RAM, in either map: at 0x100000 with
 * 1 MiB of RAM or less, at 0xc0000000 with more (memmap.h).
 */
static void test_segment_over_the_device_window(void **state)
{
	(void)state;
	FOR_CLASSES({
		/* The assignment's map: starting in it, and running into it. */
		new_vm(SIMVMM_MEM_DEFAULT);
		assert_int_equal(vm.mmio_base, SIMVMM_SIMVIRTIO_ADDR);
		set_ph(1, P_PADDR, SIMVMM_SIMVIRTIO_ADDR + 0x1000);
		place_refused(CPU_MODE_PROTECTED, -EINVAL,
			      "PT_LOAD 1 at [0x101000, 0x101100) overlaps the device window at 0x100000, which is MMIO, never RAM; link it inside RAM [0x0, 0x100000), or give --memory above 1M for RAM at 1 MiB\n", NULL);
		set_ph(1, P_PADDR, SIMVMM_SIMVIRTIO_ADDR - 0x80);
		place_refused(CPU_MODE_PROTECTED, -EINVAL,
			      "PT_LOAD 1 at [0xfff80, 0x100080) overlaps the device window at 0x100000, which is MMIO, never RAM; link it inside RAM [0x0, 0x100000), or give --memory above 1M for RAM at 1 MiB\n", NULL);
		/* Less RAM: the window is still at 1 MiB, past a gap. */
		new_vm(512 << 10);
		set_ph(1, P_PADDR, SIMVMM_SIMVIRTIO_ADDR);
		place_refused(CPU_MODE_LONG, -EINVAL,
			      "PT_LOAD 1 at [0x100000, 0x100100) overlaps the device window at 0x100000, which is MMIO, never RAM; link it inside RAM [0x0, 0x80000), or give --memory above 1M for RAM at 1 MiB\n", NULL);
		/* Its last byte, and the first byte after it. */
		set_ph(1, P_PADDR, SIMVMM_SIMVIRTIO_ADDR +
		       SIMVIRTIO_WINDOW_SIZE - 1);
		place_refused(CPU_MODE_LONG, -EINVAL,
			      "PT_LOAD 1 at [0x101fff, 0x1020ff) overlaps the device window at 0x100000", NULL);
		set_ph(1, P_PADDR, SIMVMM_SIMVIRTIO_ADDR +
		       SIMVIRTIO_WINDOW_SIZE);
		place_refused(CPU_MODE_LONG, -EINVAL,
			      "PT_LOAD 1 at p_paddr 0x102000 is not guest RAM (RAM is [0x0, 0x80000)); link it inside RAM or raise --memory\n", NULL);

		/* The large map: the window at 0xc0000000, no --memory hint. */
		new_vm(4 << 20);
		assert_int_equal(vm.mmio_base, SIMVMM_MMIO_HIGH_BASE);
		set_ph(1, P_PADDR, SIMVMM_MMIO_HIGH_BASE + 0x1000);
		place_refused(CPU_MODE_PROTECTED, -EINVAL,
			      "PT_LOAD 1 at [0xc0001000, 0xc0001100) overlaps the device window at 0xc0000000, which is MMIO, never RAM; link it inside RAM [0x0, 0x400000)\n", NULL);
		set_ph(1, P_PADDR, SIMVMM_MMIO_HIGH_BASE - 0x80);
		place_refused(CPU_MODE_PAGED, -EINVAL,
			      "PT_LOAD 1 at [0xbfffff80, 0xc0000080) overlaps the device window at 0xc0000000, which is MMIO, never RAM; link it inside RAM [0x0, 0x400000)\n", NULL);
		/* 0x100000 is no window there: the old address is RAM. */
		set_ph(1, P_PADDR, SIMVMM_SIMVIRTIO_ADDR);
		assert_int_equal(loader_place(&vm, CPU_MODE_PROTECTED, 0, img,
					      img_len, "t.elf"), 0);
	});
}

static void test_segment_not_in_ram(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_ph(1, P_PADDR, 0x300000);
		new_vm(SIMVMM_MEM_DEFAULT);
		place_refused(CPU_MODE_PROTECTED, -EINVAL,
			      "PT_LOAD 1 at p_paddr 0x300000 is not guest RAM (RAM is [0x0, 0x100000)); link it inside RAM or raise --memory\n", NULL);
		/* The large map: between the end of RAM and the window. */
		new_vm(2 << 20);
		place_refused(CPU_MODE_PROTECTED, -EINVAL,
			      "PT_LOAD 1 at p_paddr 0x300000 is not guest RAM (RAM is [0x0, 0x200000)); link it inside RAM or raise --memory\n", NULL);
		/* Above the window, below 4 GiB. */
		set_ph(1, P_PADDR, SIMVMM_MMIO_HIGH_BASE +
		       SIMVIRTIO_WINDOW_SIZE);
		place_refused(CPU_MODE_PROTECTED, -EINVAL,
			      "PT_LOAD 1 at p_paddr 0xc0002000 is not guest RAM (RAM is [0x0, 0x200000)); link it inside RAM or raise --memory\n", NULL);
	});
}

static void test_segment_past_the_end_of_ram(void **state)
{
	(void)state;
	FOR_CLASSES({
		set_ph(1, P_PADDR, SIMVMM_MEM_MIN - 0x80);
		new_vm(SIMVMM_MEM_MIN);
		place_refused(CPU_MODE_PROTECTED, -ENOSPC,
			      "PT_LOAD 1 at [0xff80, 0x10080) runs 0x80 bytes past the end of RAM at 0x10000; raise --memory or link it lower\n", NULL);
		/* The same at the end of a large map's RAM. */
		set_ph(1, P_PADDR, 0x400000 - 0x80);
		new_vm(4 << 20);
		place_refused(CPU_MODE_PROTECTED, -ENOSPC,
			      "PT_LOAD 1 at [0x3fff80, 0x400080) runs 0x80 bytes past the end of RAM at 0x400000; raise --memory or link it lower\n", NULL);
	});
}

static void test_segment_over_the_tables(void **state)
{
	(void)state;
	FOR_CLASSES({
		new_vm(SIMVMM_MEM_DEFAULT);
		set_ph(1, P_PADDR, SIMVMM_PAGE_TABLES_END - 1);
		place_refused(CPU_MODE_LONG, -EINVAL,
			      "PT_LOAD 1 at [0x6fff, 0x70ff) overlaps the long-mode GDT/page tables at [0x600, 0x7000); link it at or above 0x7000", NULL);
		place_refused(CPU_MODE_PAGED, -EINVAL,
			      "overlaps the paged-mode GDT/page tables", NULL);
		/* Protected mode writes only the GDT and TSS. */
		set_ph(1, P_PADDR, 0x700);
		place_refused(CPU_MODE_PROTECTED, -EINVAL,
			      "overlaps the protected-mode GDT/page tables at [0x600, 0x768)", NULL);
		set_ph(1, P_PADDR, 0x768);
		assert_int_equal(loader_place(&vm, CPU_MODE_PROTECTED, 0, img,
					      img_len, "t.elf"), 0);
		/* Real mode writes none: the IVT is the guest's. */
		new_vm(SIMVMM_MEM_DEFAULT);
		set_ph(1, P_PADDR, 0);
		assert_int_equal(loader_place(&vm, CPU_MODE_REAL, 0, img,
					      img_len, "t.elf"), 0);
	});
}

/* A flat image at @addr is refused with exactly @want; RAM intact. */
static void flat_refused(uint64_t addr, const void *p, size_t len, int err,
			 const char *want)
{
	const char *said;
	int r;

	err_begin();
	r = loader_place(&vm, CPU_MODE_LONG, addr, p, len, "t.bin");
	said = err_end();
	assert_string_equal(said, want);
	assert_int_equal(r, err);
	assert_memory_equal(ram, ram_copy, vm.mem_size);
}

/* The flat loader in both maps: 1 MiB is RAM exactly when RAM is larger. */
static void test_flat_image_in_either_map(void **state)
{
	static const uint8_t hlt[] = { 0xf4, 0xf4 };

	(void)state;
	new_vm(SIMVMM_MEM_DEFAULT);
	flat_refused(SIMVMM_SIMVIRTIO_ADDR, hlt, sizeof(hlt), -EINVAL,
		     "simvmm: error: load address 0x100000 is not guest RAM (RAM is [0x0, 0x100000)); pick another --load-addr or raise --memory\n");
	flat_refused(SIMVMM_SIMVIRTIO_ADDR - 1, hlt, sizeof(hlt), -ENOSPC,
		     "simvmm: error: guest image t.bin is 2 bytes but only 1 bytes of RAM follow load address 0xfffff; raise --memory or lower --load-addr\n");
	new_vm(2 << 20);
	assert_int_equal(loader_place(&vm, CPU_MODE_LONG, SIMVMM_SIMVIRTIO_ADDR,
				      hlt, sizeof(hlt), "t.bin"), 0);
	assert_memory_equal(ram + SIMVMM_SIMVIRTIO_ADDR, hlt, sizeof(hlt));
	memcpy(ram_copy + SIMVMM_SIMVIRTIO_ADDR, hlt, sizeof(hlt));
	flat_refused(SIMVMM_MMIO_HIGH_BASE, hlt, sizeof(hlt), -EINVAL,
		     "simvmm: error: load address 0xc0000000 is not guest RAM (RAM is [0x0, 0x200000)); pick another --load-addr or raise --memory\n");
	flat_refused(0x200000, hlt, sizeof(hlt), -EINVAL,
		     "simvmm: error: load address 0x200000 is not guest RAM (RAM is [0x0, 0x200000)); pick another --load-addr or raise --memory\n");
}

static void test_load_checks_what_it_is_given(void **state)
{
	struct elf_image e;
	int r;

	(void)state;
	build(64);
	assert_int_equal(elf_parse(img, img_len, "t.elf", &e), 0);
	new_vm(SIMVMM_MEM_DEFAULT);
	/* A parsed image and a shorter buffer than it was parsed from. */
	err_begin();
	r = elf_load(&vm, CPU_MODE_LONG, &e, img, DATA_OFF, "t.elf");
	one_error(err_end(), "PT_LOAD 1 does not match the file it was parsed from", NULL);
	assert_int_equal(r, -EINVAL);
	assert_memory_equal(ram, ram_copy, vm.mem_size);
}

/* ---- reading image files --------------------------------------------------------- */

static char tmp_path[64];

static void write_tmp(const void *buf, size_t len, off_t size)
{
	int fd;

	strcpy(tmp_path, "/tmp/test_elf.XXXXXX");
	fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	assert_int_equal(ftruncate(fd, size), 0);
	close(fd);
}

static void test_read_image_sizes(void **state)
{
	char want[sizeof(tmp_path) + 160];
	void *buf = NULL;
	size_t len = 0;
	int r;

	(void)state;
	build(64);
	/* An ELF file may be larger than RAM: it holds more than it loads. */
	write_tmp(img, img_len, 3 * SIMVMM_MEM_MIN);
	assert_int_equal(loader_read_image(tmp_path, SIMVMM_MEM_MIN, &buf,
					   &len), 0);
	assert_int_equal(len, 3 * SIMVMM_MEM_MIN);
	assert_memory_equal(buf, img, img_len);
	free(buf);
	/* loader_read_file() keeps its one limit. */
	err_begin();
	r = loader_read_file(tmp_path, SIMVMM_MEM_MIN, &buf, &len);
	err_end();
	assert_int_equal(r, -EFBIG);
	unlink(tmp_path);

	/* Past LOADER_ELF_FILE_MAX (a sparse file: nothing is read). */
	write_tmp(img, img_len, LOADER_ELF_FILE_MAX + 1);
	err_begin();
	r = loader_read_image(tmp_path, SIMVMM_MEM_MIN, &buf, &len);
	snprintf(want, sizeof(want),
		 "simvmm: error: image '%s' is 268435457 bytes, more than the 268435456 bytes simvmm reads of an ELF file or Multiboot kernel\n",
		 tmp_path);
	assert_string_equal(err_end(), want);
	assert_int_equal(r, -EFBIG);
	unlink(tmp_path);

	/* A flat image still gets no more than RAM. */
	img[0] = 0xf4;
	write_tmp(img, img_len, SIMVMM_MEM_MIN + 1);
	err_begin();
	r = loader_read_image(tmp_path, SIMVMM_MEM_MIN, &buf, &len);
	assert_non_null(strstr(err_end(), "is 65537 bytes, more than the guest's 65536 bytes of RAM; raise --memory"));
	assert_int_equal(r, -EFBIG);
	unlink(tmp_path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_images_load),
		cmocka_unit_test(test_mode_and_entry_overrides),
		cmocka_unit_test(test_plain_images_without_the_note),
		cmocka_unit_test(test_other_good_shapes),
		cmocka_unit_test(test_segment_at_1_mib_with_large_ram),
		cmocka_unit_test(test_short_files),
		cmocka_unit_test(test_no_magic),
		cmocka_unit_test(test_bad_class),
		cmocka_unit_test(test_big_endian),
		cmocka_unit_test(test_bad_ident_version),
		cmocka_unit_test(test_not_et_exec),
		cmocka_unit_test(test_not_x86),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_bad_ehsize),
		cmocka_unit_test(test_no_program_headers),
		cmocka_unit_test(test_extended_phnum),
		cmocka_unit_test(test_bad_phentsize),
		cmocka_unit_test(test_phdrs_past_the_end),
		cmocka_unit_test(test_filesz_above_memsz),
		cmocka_unit_test(test_segment_past_the_end),
		cmocka_unit_test(test_segment_wraps),
		cmocka_unit_test(test_align_not_power_of_two),
		cmocka_unit_test(test_align_mismatch),
		cmocka_unit_test(test_too_many_segments),
		cmocka_unit_test(test_overlapping_segments),
		cmocka_unit_test(test_no_load_segment),
		cmocka_unit_test(test_interp),
		cmocka_unit_test(test_abi_version_mismatch),
		cmocka_unit_test(test_abi_note_bad_descsz),
		cmocka_unit_test(test_note_header_cut),
		cmocka_unit_test(test_note_name_too_long),
		cmocka_unit_test(test_note_desc_too_long),
		cmocka_unit_test(test_note_segment_past_the_end),
		cmocka_unit_test(test_sections_without_table),
		cmocka_unit_test(test_bad_shentsize),
		cmocka_unit_test(test_section_table_past_the_end),
		cmocka_unit_test(test_note_section_past_the_end),
		cmocka_unit_test(test_elf64_in_32_bit_modes),
		cmocka_unit_test(test_elf32_real_mode_segment_too_high),
		cmocka_unit_test(test_elf32_real_mode_entry_too_high),
		cmocka_unit_test(test_entry_not_executable),
		cmocka_unit_test(test_entry_in_bss),
		cmocka_unit_test(test_entry_virtual),
		cmocka_unit_test(test_entry_outside),
		cmocka_unit_test(test_bss_larger_than_ram),
		cmocka_unit_test(test_segment_over_the_device_window),
		cmocka_unit_test(test_segment_not_in_ram),
		cmocka_unit_test(test_segment_past_the_end_of_ram),
		cmocka_unit_test(test_segment_over_the_tables),
		cmocka_unit_test(test_flat_image_in_either_map),
		cmocka_unit_test(test_load_checks_what_it_is_given),
		cmocka_unit_test(test_read_image_sizes),
	};

	return cmocka_run_group_tests_name("elf", tests, NULL, teardown);
}

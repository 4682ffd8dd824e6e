// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: Multiboot v1 kernels (lib/multiboot.c). Every image is
 * built here, in memory: a kernel loaded by its header's address fields
 * (flag 16), and ELF32/ELF64 kernels with a header and no address fields.
 * Each accepted path is checked field by field; each refusal must be its
 * exact errno and exactly one message holding the field and value, and
 * must leave the fake VM's RAM (filled with a pattern) byte-for-byte as
 * it was. An accepted load changes exactly the kernel's bytes, its BSS
 * and the information page, which is compared with one built here by
 * hand from the Multiboot layout (not from struct mb_info), in both
 * memory maps (memmap.h).
 */
#include <errno.h>
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

#include "multiboot.h"
#include "vm.h"
#include "../../fuzz/fake_vm.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PATTERN		0xaa
#define NAME		"k"
#define IMG_MAX		0x4000
#define KIB		0x400ull
#define MIB		0x100000ull

#define MAGIC		0x1badb002u
#define F_ADDRESS	0x10000u	/* flag 16: the address fields */

/*
 * The good by-address kernel, at any @load: the header at file offset
 * 0x40 says it sits at load + 0x30, so loading starts at file offset
 * 0x10; 0x300 bytes are loaded, BSS runs to load + 0x800, entry at
 * load + 0x100. The file is 0x400 bytes.
 */
#define A_HOFF		0x40
#define A_BEFORE	0x30
#define A_FILE_OFF	(A_HOFF - A_BEFORE)
#define A_LOAD_LEN	0x300
#define A_BSS		0x800
#define A_ENTRY		0x100
#define A_LEN		0x400

/*
 * The good ELF kernel: the header (flags 3, no address fields) at 0xc0,
 * PT_LOAD 0 code (R X, 0x40 bytes at file 0x100), PT_LOAD 1 data (RW,
 * 0x20 bytes at file 0x140, 0x100 in memory), e_entry = code + 0x10.
 */
#define E_HOFF		0xc0
#define E_TEXT_OFF	0x100
#define E_TEXT_LEN	0x40
#define E_DATA_OFF	0x140
#define E_DATA_LEN	0x20
#define E_DATA_MEMSZ	0x100
#define E_LEN		0x160
#define E_TEXT		0x100000ull
#define E_DATA		0x101000ull

static uint8_t img[IMG_MAX];
static size_t img_len;
static struct multiboot_image mb;

/* ---- building images -------------------------------------------------- */

static void put32(size_t off, uint32_t v)
{
	assert_true(off + 4 <= IMG_MAX);
	img[off] = v;
	img[off + 1] = v >> 8;
	img[off + 2] = v >> 16;
	img[off + 3] = v >> 24;
}

/* The magic, @flags and the checksum that makes their sum zero. */
static void put_header(size_t off, uint32_t flags)
{
	put32(off, MAGIC);
	put32(off + 4, flags);
	put32(off + 8, -(MAGIC + flags));
}

/* The same magic and flags, with a checksum one off. */
static void put_bad_header(size_t off, uint32_t flags)
{
	put32(off, MAGIC);
	put32(off + 4, flags);
	put32(off + 8, -(MAGIC + flags) + 1);
}

static void put_addr(size_t hoff, uint32_t header_addr, uint32_t load_addr,
		     uint32_t load_end, uint32_t bss_end, uint32_t entry)
{
	put32(hoff + 12, header_addr);
	put32(hoff + 16, load_addr);
	put32(hoff + 20, load_end);
	put32(hoff + 24, bss_end);
	put32(hoff + 28, entry);
}

/* Bytes 1..0xa9, never 0 nor PATTERN: a copied or zeroed byte shows. */
static void fill(size_t len)
{
	size_t i;

	memset(img, 0, sizeof(img));
	for (i = 0; i < len; i++)
		img[i] = 1 + i % 0xa9;
	img_len = len;
}

static void build_aout(uint32_t load)
{
	fill(A_LEN);
	put_header(A_HOFF, F_ADDRESS | 3);
	put_addr(A_HOFF, load + A_BEFORE, load, load + A_LOAD_LEN,
		 load + A_BSS, load + A_ENTRY);
}

/* Change one address field (12: header_addr ... 28: entry_addr). */
#define HEADER_ADDR	12
#define LOAD_ADDR	16
#define LOAD_END	20
#define BSS_END		24
#define ENTRY_ADDR	28

static void set_field(unsigned int field, uint32_t v)
{
	put32(A_HOFF + field, v);
}

static void build_elf(unsigned int bits, uint64_t text, uint64_t data)
{
	fill(E_LEN);
	memset(img, 0, E_HOFF);
	if (bits == 32) {
		Elf32_Ehdr eh = {
			.e_type = ET_EXEC, .e_machine = EM_386,
			.e_version = EV_CURRENT, .e_entry = text + 0x10,
			.e_phoff = sizeof(Elf32_Ehdr),
			.e_ehsize = sizeof(Elf32_Ehdr),
			.e_phentsize = sizeof(Elf32_Phdr), .e_phnum = 2,
		};
		Elf32_Phdr ph[2] = {
			{ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
			  .p_offset = E_TEXT_OFF, .p_vaddr = text,
			  .p_paddr = text, .p_filesz = E_TEXT_LEN,
			  .p_memsz = E_TEXT_LEN, .p_align = 0x10 },
			{ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
			  .p_offset = E_DATA_OFF, .p_vaddr = data,
			  .p_paddr = data, .p_filesz = E_DATA_LEN,
			  .p_memsz = E_DATA_MEMSZ, .p_align = 0x10 },
		};

		memcpy(eh.e_ident, ELFMAG, SELFMAG);
		eh.e_ident[EI_CLASS] = ELFCLASS32;
		eh.e_ident[EI_DATA] = ELFDATA2LSB;
		eh.e_ident[EI_VERSION] = EV_CURRENT;
		memcpy(img, &eh, sizeof(eh));
		memcpy(img + sizeof(eh), ph, sizeof(ph));
	} else {
		Elf64_Ehdr eh = {
			.e_type = ET_EXEC, .e_machine = EM_X86_64,
			.e_version = EV_CURRENT, .e_entry = text + 0x10,
			.e_phoff = sizeof(Elf64_Ehdr),
			.e_ehsize = sizeof(Elf64_Ehdr),
			.e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 2,
		};
		Elf64_Phdr ph[2] = {
			{ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
			  .p_offset = E_TEXT_OFF, .p_vaddr = text,
			  .p_paddr = text, .p_filesz = E_TEXT_LEN,
			  .p_memsz = E_TEXT_LEN, .p_align = 0x10 },
			{ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
			  .p_offset = E_DATA_OFF, .p_vaddr = data,
			  .p_paddr = data, .p_filesz = E_DATA_LEN,
			  .p_memsz = E_DATA_MEMSZ, .p_align = 0x10 },
		};

		memcpy(eh.e_ident, ELFMAG, SELFMAG);
		eh.e_ident[EI_CLASS] = ELFCLASS64;
		eh.e_ident[EI_DATA] = ELFDATA2LSB;
		eh.e_ident[EI_VERSION] = EV_CURRENT;
		memcpy(img, &eh, sizeof(eh));
		memcpy(img + sizeof(eh), ph, sizeof(ph));
	}
	put_header(E_HOFF, 3);
}

/* e_entry of the image build_elf() made. */
static void set_elf_entry(unsigned int bits, uint64_t entry)
{
	if (bits == 32) {
		put32(offsetof(Elf32_Ehdr, e_entry), entry);
	} else {
		put32(offsetof(Elf64_Ehdr, e_entry), entry);
		put32(offsetof(Elf64_Ehdr, e_entry) + 4, entry >> 32);
	}
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

#define MB_ERR		"simvmm: error: Multiboot kernel '" NAME "': "
#define ELF_ERR		"simvmm: error: ELF image '" NAME "': "
#define MB_WARN		"simvmm: warning: Multiboot kernel '" NAME "' "

/* Exactly one line of stderr, starting @prefix, holding @a and @b. */
static void one_line(const char *said, const char *prefix, const char *a,
		     const char *b)
{
	const char *nl = strchr(said, '\n');

	if (!nl || nl[1] || strncmp(said, prefix, strlen(prefix)) ||
	    (a && !strstr(said, a)) || (b && !strstr(said, b)))
		fail_msg("expected one line '%s...' with '%s' and '%s', got: %s",
			 prefix, a ? a : "", b ? b : "", said);
}

static void silent(const char *said)
{
	if (*said)
		fail_msg("expected nothing on stderr, got: %s", said);
}

/* ---- multiboot_find() -------------------------------------------------- */

/* find() on the first @len bytes of img, copied to exactly @len bytes. */
static bool find_in(size_t len, uint32_t *off, uint32_t *bad_off)
{
	uint8_t *p = malloc(len ? len : 1);
	bool found;

	assert_non_null(p);
	memcpy(p, img, len);
	*off = 0xdeadbeef;
	found = multiboot_find(p, len, off, bad_off);
	free(p);
	return found;
}

static void test_find_aligned_only(void **state)
{
	uint32_t off, bad;
	unsigned int o;

	(void)state;
	for (o = 1; o < 4; o++) {
		memset(img, 0, sizeof(img));
		put_header(0x100 + o, 0);
		assert_false(find_in(0x400, &off, &bad));
		assert_int_equal(bad, UINT32_MAX);
		/* unaligned magics with a bad checksum are not reported */
		put_bad_header(0x200 + o, 0);
		assert_false(find_in(0x400, &off, &bad));
		assert_int_equal(bad, UINT32_MAX);
	}
	memset(img, 0, sizeof(img));
	put_header(0x104, 0);
	assert_true(find_in(0x400, &off, &bad));
	assert_int_equal(off, 0x104);
	assert_int_equal(bad, UINT32_MAX);
}

static void test_find_search_end(void **state)
{
	uint32_t off, bad;
	unsigned int o;

	(void)state;
	/* 8180: its 12 bytes end at 8192, the last header that fits */
	memset(img, 0, sizeof(img));
	put_header(8180, 0);
	assert_true(find_in(IMG_MAX, &off, &bad));
	assert_int_equal(off, 8180);
	assert_int_equal(bad, UINT32_MAX);
	assert_true(find_in(8192, &off, &bad));
	assert_int_equal(off, 8180);
	assert_false(find_in(8191, &off, &bad));
	assert_int_equal(bad, UINT32_MAX);

	/* 8184 on: the checksum lies past 8192, so not even a bad magic */
	for (o = 8184; o <= 8200; o += 4) {
		memset(img, 0, sizeof(img));
		put_header(o, 0);
		assert_false(find_in(IMG_MAX, &off, &bad));
		assert_int_equal(bad, UINT32_MAX);
		put_bad_header(o, 0);
		assert_false(find_in(IMG_MAX, &off, &bad));
		assert_int_equal(bad, UINT32_MAX);
	}
}

static void test_find_end_of_short_file(void **state)
{
	uint32_t off, bad;

	(void)state;
	memset(img, 0, sizeof(img));
	put_header(88, 0);
	assert_true(find_in(100, &off, &bad));
	assert_int_equal(off, 88);
	/* the checksum cut off by the file's end: neither found nor bad */
	assert_false(find_in(99, &off, &bad));
	assert_int_equal(bad, UINT32_MAX);
	assert_false(find_in(96, &off, &bad));
	assert_int_equal(bad, UINT32_MAX);
	assert_false(find_in(92, &off, &bad));
	assert_int_equal(bad, UINT32_MAX);
}

static void test_find_first_good_wins(void **state)
{
	uint32_t off, bad;

	(void)state;
	memset(img, 0, sizeof(img));
	put_header(0x40, 3);
	put_header(0x100, F_ADDRESS);
	assert_true(find_in(0x400, &off, &bad));
	assert_int_equal(off, 0x40);
	assert_int_equal(bad, UINT32_MAX);

	/* bad ones before it are reported, the first of them */
	put_bad_header(0x10, 0);
	put_bad_header(0x20, 0);
	assert_true(find_in(0x400, &off, &bad));
	assert_int_equal(off, 0x40);
	assert_int_equal(bad, 0x10);

	/* a bad one after it is never looked at */
	memset(img, 0, sizeof(img));
	put_header(0x40, 3);
	put_bad_header(0x80, 3);
	assert_true(find_in(0x400, &off, &bad));
	assert_int_equal(off, 0x40);
	assert_int_equal(bad, UINT32_MAX);
}

static void test_find_bad_checksum(void **state)
{
	uint32_t off, bad;

	(void)state;
	memset(img, 0, sizeof(img));
	put_bad_header(0x80, F_ADDRESS);
	assert_false(find_in(0x400, &off, &bad));
	assert_int_equal(bad, 0x80);
	put_bad_header(0x1000, 0);
	assert_false(find_in(0x2000, &off, &bad));
	assert_int_equal(bad, 0x80);
	/* bad_off is optional */
	assert_false(find_in(0x400, &off, NULL));
	put32(0x88, -(MAGIC + F_ADDRESS));
	assert_true(find_in(0x400, &off, NULL));
	assert_int_equal(off, 0x80);
}

static void test_find_checksum_wraps(void **state)
{
	static const uint32_t flags[] = {
		0, 3, F_ADDRESS | 3, 0xffffffffu, 0xe4524ffeu, 0x80000000u,
	};
	uint32_t off, bad;
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		memset(img, 0, sizeof(img));
		put_header(0x20, flags[i]);
		assert_true(find_in(0x40, &off, &bad));
		assert_int_equal(off, 0x20);
		put_bad_header(0x20, flags[i]);
		assert_false(find_in(0x40, &off, &bad));
		assert_int_equal(bad, 0x20);
	}
}

static void test_find_tiny_images(void **state)
{
	uint32_t off, bad;
	size_t len;

	(void)state;
	memset(img, 0, sizeof(img));
	put_header(0, 0);
	for (len = 0; len < 12; len++) {
		bad = 0;
		assert_false(find_in(len, &off, &bad));
		assert_int_equal(bad, UINT32_MAX);
	}
	assert_true(find_in(12, &off, &bad));
	assert_int_equal(off, 0);
	assert_false(multiboot_find(NULL, 0, &off, &bad));
}

/* ---- multiboot_parse() ------------------------------------------------- */

static void parse_ok(void)
{
	int r;

	err_begin();
	r = multiboot_parse(img, img_len, NAME, &mb);
	silent(err_end());
	assert_int_equal(r, 0);
}

static void parse_refused(int err, const char *prefix, const char *a,
			  const char *b)
{
	int r;

	err_begin();
	r = multiboot_parse(img, img_len, NAME, &mb);
	one_line(err_end(), prefix, a, b);
	assert_int_equal(r, err);
}

static void expect_aout(uint32_t flags, uint64_t file_off, uint64_t load,
			uint64_t load_len, uint64_t bss_end, uint32_t entry)
{
	assert_int_equal(mb.header_off, A_HOFF);
	assert_int_equal(mb.flags, flags);
	assert_true(mb.by_address);
	assert_int_equal(mb.file_off, file_off);
	assert_int_equal(mb.load_addr, load);
	assert_int_equal(mb.load_len, load_len);
	assert_int_equal(mb.bss_end, bss_end);
	assert_int_equal(mb.start, load);
	assert_int_equal(mb.end, bss_end);
	assert_int_equal(mb.entry, entry);
}

static void test_parse_no_header(void **state)
{
	(void)state;
	fill(A_LEN);
	parse_refused(-ENOEXEC, MB_ERR, "no Multiboot header",
		      "magic 0x1badb002 with a good checksum) in the first 8192 bytes");
	put_bad_header(A_HOFF, F_ADDRESS);
	parse_refused(-ENOEXEC, MB_ERR, "no Multiboot header", NULL);
	img_len = 11;
	put_header(0, 0);
	parse_refused(-ENOEXEC, MB_ERR, "no Multiboot header", NULL);
}

static void test_parse_unknown_required_flags(void **state)
{
	char flags[32], bits[32];
	unsigned int b;

	(void)state;
	for (b = 3; b < 16; b++) {
		build_aout(0x100000);
		put_header(A_HOFF, F_ADDRESS | 3 | 1u << b);
		snprintf(flags, sizeof(flags), "flags 0x%08x",
			 F_ADDRESS | 3 | 1u << b);
		snprintf(bits, sizeof(bits), "(bits 0x%04x of the required",
			 1u << b);
		parse_refused(-ENOTSUP, MB_ERR, flags, bits);
	}
	/* all of them at once, and with the ELF path too */
	build_aout(0x100000);
	put_header(A_HOFF, 0xffffffffu);
	parse_refused(-ENOTSUP, MB_ERR, "flags 0xffffffff", "bits 0xfff8 ");
	build_elf(32, E_TEXT, E_DATA);
	put_header(E_HOFF, 0x8000);
	parse_refused(-ENOTSUP, MB_ERR, "flags 0x00008000", "bits 0x8000 ");
}

static void test_parse_optional_flags_ignored(void **state)
{
	(void)state;
	build_aout(0x100000);
	put_header(A_HOFF, 0xffff0003u);
	parse_ok();
	expect_aout(0xffff0003u, A_FILE_OFF, 0x100000, A_LOAD_LEN,
		    0x100000 + A_BSS, 0x100000 + A_ENTRY);
	/* bits 0 and 1 alone, or none: fine */
	build_aout(0x100000);
	put_header(A_HOFF, F_ADDRESS);
	parse_ok();
	assert_int_equal(mb.flags, F_ADDRESS);
	build_elf(32, E_TEXT, E_DATA);
	put_header(E_HOFF, 0x7ffe0000u);
	parse_ok();
	assert_false(mb.by_address);
}

static void test_parse_video_warns(void **state)
{
	int r;

	(void)state;
	build_aout(0x100000);
	put_header(A_HOFF, F_ADDRESS | 4);
	err_begin();
	r = multiboot_parse(img, img_len, NAME, &mb);
	one_line(err_end(), MB_WARN, "asks for a video mode", "gets none");
	assert_int_equal(r, 0);
	expect_aout(F_ADDRESS | 4, A_FILE_OFF, 0x100000, A_LOAD_LEN,
		    0x100000 + A_BSS, 0x100000 + A_ENTRY);

	build_elf(64, E_TEXT, E_DATA);
	put_header(E_HOFF, 7);
	err_begin();
	r = multiboot_parse(img, img_len, NAME, &mb);
	one_line(err_end(), MB_WARN, "asks for a video mode", NULL);
	assert_int_equal(r, 0);
	assert_int_equal(mb.entry, E_TEXT + 0x10);
}

static void test_parse_by_address_good(void **state)
{
	(void)state;
	build_aout(0x100000);
	parse_ok();
	expect_aout(F_ADDRESS | 3, A_FILE_OFF, 0x100000, A_LOAD_LEN,
		    0x100000 + A_BSS, 0x100000 + A_ENTRY);
	/* the header at the very start, loaded from offset 0 */
	fill(0x200);
	put_header(0, F_ADDRESS);
	put_addr(0, 0x200000, 0x200000, 0x200200, 0, 0x200020);
	parse_ok();
	assert_int_equal(mb.header_off, 0);
	assert_int_equal(mb.file_off, 0);
	assert_int_equal(mb.load_len, 0x200);
	assert_int_equal(mb.bss_end, 0x200200);
	assert_int_equal(mb.end, 0x200200);
	assert_int_equal(mb.entry, 0x200020);
}

static void test_parse_header_fields_do_not_fit(void **state)
{
	(void)state;
	/* the file ends inside the address fields */
	build_aout(0x100000);
	img_len = A_HOFF + 31;
	parse_refused(-ENOEXEC, MB_ERR,
		      "the header at offset 0x40 sets flag 16 (address fields) but its 32 bytes do not fit",
		      "first 8192 bytes");
	img_len = A_HOFF + 12;
	parse_refused(-ENOEXEC, MB_ERR, "its 32 bytes do not fit", NULL);
	/* ... and just after them: fine, with the whole file loaded */
	img_len = A_HOFF + 32;
	set_field(LOAD_END, 0);
	set_field(BSS_END, 0);
	set_field(ENTRY_ADDR, 0x100000);
	parse_ok();
	assert_int_equal(mb.load_len, A_HOFF + 32 - A_FILE_OFF);

	/* the fields past the first 8 KiB, though in the file */
	fill(0x3000);
	put_header(8164, F_ADDRESS);
	put_addr(8164, 0x100000 + 8164, 0x100000, 0, 0, 0x100000);
	parse_refused(-ENOEXEC, MB_ERR, "the header at offset 0x1fe4 sets flag 16",
		      "do not fit in the file's first 8192 bytes");
	memset(img + 8164, 0, 32);
	put_header(8160, F_ADDRESS);
	put_addr(8160, 0x100000 + 8160, 0x100000, 0, 0, 0x100000);
	parse_ok();
	assert_int_equal(mb.header_off, 8160);
	assert_int_equal(mb.load_len, 0x3000);
}

static void test_parse_load_addr_above_header_addr(void **state)
{
	(void)state;
	build_aout(0x100000);
	set_field(LOAD_ADDR, 0x100000 + A_BEFORE + 1);
	parse_refused(-ENOEXEC, MB_ERR,
		      "load_addr 0x100031 is above header_addr 0x100030", NULL);
	set_field(LOAD_ADDR, 0xffffffffu);
	parse_refused(-ENOEXEC, MB_ERR,
		      "load_addr 0xffffffff is above header_addr 0x100030", NULL);
	/* equal: the header is the first byte loaded */
	set_field(LOAD_ADDR, 0x100000 + A_BEFORE);
	set_field(ENTRY_ADDR, 0x100000 + A_BEFORE);
	parse_ok();
	assert_int_equal(mb.file_off, A_HOFF);
	assert_int_equal(mb.load_len, A_LOAD_LEN - A_BEFORE);
}

static void test_parse_load_starts_before_the_file(void **state)
{
	(void)state;
	build_aout(0x100000);
	set_field(HEADER_ADDR, 0x100000 + A_HOFF + 1);
	parse_refused(-ENOEXEC, MB_ERR,
		      "header_addr 0x100041 - load_addr 0x100000 = 0x41 bytes before the header",
		      "at file offset 0x40: loading would start before the file");
	set_field(HEADER_ADDR, 0xffffffffu);
	set_field(LOAD_ADDR, 0);
	parse_refused(-ENOEXEC, MB_ERR, "= 0xffffffff bytes before the header",
		      NULL);
	/* exactly the header's offset: loading starts at byte 0 */
	build_aout(0x100000);
	set_field(HEADER_ADDR, 0x100000 + A_HOFF);
	parse_ok();
	assert_int_equal(mb.file_off, 0);
	assert_int_equal(mb.load_len, A_LOAD_LEN);
}

static void test_parse_load_end_not_above_load_addr(void **state)
{
	(void)state;
	build_aout(0x100000);
	set_field(LOAD_END, 0x100000);
	parse_refused(-ENOEXEC, MB_ERR,
		      "load_end_addr 0x100000 is not above load_addr 0x100000",
		      NULL);
	set_field(LOAD_END, 0xfffff);
	parse_refused(-ENOEXEC, MB_ERR,
		      "load_end_addr 0xfffff is not above load_addr 0x100000",
		      NULL);
	set_field(LOAD_END, 1);
	parse_refused(-ENOEXEC, MB_ERR, "load_end_addr 0x1 is not above", NULL);
	/* one byte, the entry */
	set_field(LOAD_END, 0x100001);
	set_field(BSS_END, 0);
	set_field(ENTRY_ADDR, 0x100000);
	parse_ok();
	assert_int_equal(mb.load_len, 1);
	assert_int_equal(mb.end, 0x100001);
}

static void test_parse_load_end_past_the_file(void **state)
{
	(void)state;
	build_aout(0x100000);
	set_field(LOAD_END, 0x100000 + A_LEN - A_FILE_OFF + 1);
	parse_refused(-ENOEXEC, MB_ERR,
		      "load_end_addr 0x1003f1 asks for 0x3f1 bytes from file offset 0x10",
		      "the file has only 0x3f0 there");
	set_field(LOAD_END, 0xffffffffu);
	parse_refused(-ENOEXEC, MB_ERR, "asks for 0xffefffff bytes", NULL);
	/* up to the last byte of the file */
	set_field(LOAD_END, 0x100000 + A_LEN - A_FILE_OFF);
	parse_ok();
	expect_aout(F_ADDRESS | 3, A_FILE_OFF, 0x100000, A_LEN - A_FILE_OFF,
		    0x100000 + A_BSS, 0x100000 + A_ENTRY);
}

static void test_parse_load_end_zero(void **state)
{
	(void)state;
	build_aout(0x100000);
	set_field(LOAD_END, 0);
	parse_ok();
	expect_aout(F_ADDRESS | 3, A_FILE_OFF, 0x100000, A_LEN - A_FILE_OFF,
		    0x100000 + A_BSS, 0x100000 + A_ENTRY);
	/* a longer file loads more, past the BSS's end: refused */
	img_len = 0x1000;
	parse_refused(-ENOEXEC, MB_ERR,
		      "bss_end_addr 0x100800 is below the end of the loaded bytes, 0x100ff0",
		      NULL);
	set_field(BSS_END, 0x100000 + 0x1000 - A_FILE_OFF - 1);
	parse_refused(-ENOEXEC, MB_ERR,
		      "bss_end_addr 0x100fef is below the end of the loaded bytes, 0x100ff0",
		      NULL);
	set_field(BSS_END, 0x100000 + 0x1000 - A_FILE_OFF);
	parse_ok();
	expect_aout(F_ADDRESS | 3, A_FILE_OFF, 0x100000, 0x1000 - A_FILE_OFF,
		    0x100ff0, 0x100000 + A_ENTRY);
}

static void test_parse_bss_end(void **state)
{
	(void)state;
	build_aout(0x100000);
	set_field(BSS_END, 0x100000 + A_LOAD_LEN - 1);
	parse_refused(-ENOEXEC, MB_ERR,
		      "bss_end_addr 0x1002ff is below the end of the loaded bytes, 0x100300",
		      NULL);
	set_field(BSS_END, 1);
	parse_refused(-ENOEXEC, MB_ERR, "bss_end_addr 0x1 is below", NULL);
	/* at the end of the loaded bytes, or 0: no BSS */
	set_field(BSS_END, 0x100000 + A_LOAD_LEN);
	parse_ok();
	expect_aout(F_ADDRESS | 3, A_FILE_OFF, 0x100000, A_LOAD_LEN,
		    0x100000 + A_LOAD_LEN, 0x100000 + A_ENTRY);
	set_field(BSS_END, 0);
	parse_ok();
	expect_aout(F_ADDRESS | 3, A_FILE_OFF, 0x100000, A_LOAD_LEN,
		    0x100000 + A_LOAD_LEN, 0x100000 + A_ENTRY);
	set_field(BSS_END, 0xffffffffu);
	parse_ok();
	assert_int_equal(mb.bss_end, 0xffffffffu);
	assert_int_equal(mb.end, 0xffffffffu);
}

static void test_parse_entry(void **state)
{
	(void)state;
	build_aout(0x100000);
	set_field(ENTRY_ADDR, 0xfffff);
	parse_refused(-ENOEXEC, MB_ERR,
		      "entry_addr 0xfffff is outside the loaded bytes [0x100000, 0x100300)",
		      NULL);
	set_field(ENTRY_ADDR, 0x100000 + A_LOAD_LEN);
	parse_refused(-ENOEXEC, MB_ERR,
		      "entry_addr 0x100300 is outside the loaded bytes", NULL);
	/* in the BSS, which holds no code */
	set_field(ENTRY_ADDR, 0x100000 + A_BSS - 1);
	parse_refused(-ENOEXEC, MB_ERR, "entry_addr 0x1007ff is outside", NULL);
	set_field(ENTRY_ADDR, 0);
	parse_refused(-ENOEXEC, MB_ERR, "entry_addr 0x0 is outside", NULL);
	set_field(ENTRY_ADDR, 0xffffffffu);
	parse_refused(-ENOEXEC, MB_ERR, "entry_addr 0xffffffff is outside",
		      NULL);
	/* the first and the last loaded byte */
	set_field(ENTRY_ADDR, 0x100000);
	parse_ok();
	assert_int_equal(mb.entry, 0x100000);
	set_field(ENTRY_ADDR, 0x100000 + A_LOAD_LEN - 1);
	parse_ok();
	assert_int_equal(mb.entry, 0x1002ff);
	/* with load_end 0, the last byte of the file */
	set_field(LOAD_END, 0);
	set_field(ENTRY_ADDR, 0x100000 + A_LEN - A_FILE_OFF - 1);
	parse_ok();
	assert_int_equal(mb.entry, 0x1003ef);
	set_field(ENTRY_ADDR, 0x100000 + A_LEN - A_FILE_OFF);
	parse_refused(-ENOEXEC, MB_ERR,
		      "entry_addr 0x1003f0 is outside the loaded bytes [0x100000, 0x1003f0)",
		      NULL);
}

static void test_parse_past_4gib(void **state)
{
	const uint32_t top = 0x100000000ull - (A_LEN - A_FILE_OFF);

	(void)state;
	/* load_end 0: the rest of the file, which runs one byte past 4 GiB */
	build_aout(top + 1);
	set_field(LOAD_END, 0);
	set_field(BSS_END, 0);
	parse_refused(-ENOEXEC, MB_ERR,
		      "[0xfffffc11, 0x100000001) runs past 4 GiB", NULL);
	/* ... and to 4 GiB exactly */
	build_aout(top);
	set_field(LOAD_END, 0);
	set_field(BSS_END, 0);
	parse_ok();
	expect_aout(F_ADDRESS | 3, A_FILE_OFF, top, A_LEN - A_FILE_OFF,
		    0x100000000ull, top + A_ENTRY);
	/* the highest 32-bit load_end and bss_end */
	build_aout(0xfffff000u);
	set_field(LOAD_END, 0xfffff300u);
	set_field(BSS_END, 0xffffffffu);
	parse_ok();
	assert_int_equal(mb.end, 0xffffffffu);
}

static void test_parse_elf_good(void **state)
{
	static const unsigned int classes[] = { 32, 64 };
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		build_elf(classes[i], E_TEXT, E_DATA);
		parse_ok();
		assert_int_equal(mb.header_off, E_HOFF);
		assert_int_equal(mb.flags, 3);
		assert_false(mb.by_address);
		assert_int_equal(mb.elf.bits, classes[i]);
		assert_int_equal(mb.elf.nr_loads, 2);
		assert_int_equal(mb.start, E_TEXT);
		assert_int_equal(mb.end, E_DATA + E_DATA_MEMSZ);
		assert_int_equal(mb.entry, E_TEXT + 0x10);
		/* the data below the code: start is the lowest */
		build_elf(classes[i], 0x200000, 0x180000);
		parse_ok();
		assert_int_equal(mb.start, 0x180000);
		assert_int_equal(mb.end, 0x200000 + E_TEXT_LEN);
		assert_int_equal(mb.entry, 0x200010);
		/* the entry at the code's last byte */
		set_elf_entry(classes[i], 0x200000 + E_TEXT_LEN - 1);
		parse_ok();
		assert_int_equal(mb.entry, 0x20003f);
	}
}

static void test_parse_not_elf(void **state)
{
	(void)state;
	fill(0x200);
	put_header(0x20, 3);
	parse_refused(-ENOEXEC, MB_ERR,
		      "its header has no address fields (flag 16 clear), so it must be an ELF file, and it is not",
		      NULL);
	/* the address fields look good, but flag 16 is not set */
	build_aout(0x100000);
	put_header(A_HOFF, 3);
	parse_refused(-ENOEXEC, MB_ERR, "so it must be an ELF file", NULL);
}

static void test_parse_elf_errors_pass_through(void **state)
{
	(void)state;
	build_elf(32, E_TEXT, E_DATA);
	img[offsetof(Elf32_Ehdr, e_machine)] = 40;	/* EM_ARM */
	parse_refused(-ENOEXEC, ELF_ERR, "e_machine 40 is not EM_386 (3)",
		      NULL);
	build_elf(64, E_TEXT, E_DATA);
	img[EI_DATA] = ELFDATA2MSB;
	parse_refused(-ENOEXEC, ELF_ERR, "e_ident[EI_DATA] 2 is not ELFDATA2LSB",
		      NULL);
	/* the data segment's p_filesz past p_memsz */
	build_elf(32, E_TEXT, E_DATA);
	put32(sizeof(Elf32_Ehdr) + sizeof(Elf32_Phdr) +
	      offsetof(Elf32_Phdr, p_filesz), E_DATA_MEMSZ + 1);
	parse_refused(-ENOEXEC, ELF_ERR, "PT_LOAD 1", NULL);
	/* the two segments overlap */
	build_elf(64, E_TEXT, E_TEXT + 0x20);
	parse_refused(-ENOEXEC, ELF_ERR,
		      "PT_LOAD 0 at [0x100000, 0x100040) and PT_LOAD 1 at [0x100020, 0x100120) overlap",
		      NULL);
}

static void test_parse_elf_entry_not_in_code(void **state)
{
	static const unsigned int classes[] = { 32, 64 };
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		build_elf(classes[i], E_TEXT, E_DATA);
		set_elf_entry(classes[i], E_DATA + 4);
		parse_refused(-EINVAL, ELF_ERR,
			      "e_entry 0x101004 lies in PT_LOAD 1, which is not executable",
			      NULL);
		set_elf_entry(classes[i], E_TEXT + E_TEXT_LEN);
		parse_refused(-EINVAL, ELF_ERR,
			      "e_entry 0x100040 is outside every loaded segment",
			      "the code is PT_LOAD 0 at [0x100000, 0x100040)");
		set_elf_entry(classes[i], 0);
		parse_refused(-EINVAL, ELF_ERR, "e_entry 0x0 is outside", NULL);
	}
}

static void test_parse_elf64_entry_above_4gib(void **state)
{
	(void)state;
	build_elf(64, 0x100000000ull, E_DATA);
	parse_refused(-ENOEXEC, MB_ERR,
		      "e_entry 0x100000010 is above 4 GiB, out of reach of the 32-bit entry",
		      NULL);
	set_elf_entry(64, 0xfffffffffffffff0ull);
	parse_refused(-ENOEXEC, MB_ERR, "e_entry 0xfffffffffffffff0 is above",
		      NULL);
	/* the code just below 4 GiB, entered at its last byte */
	build_elf(64, 0xffffffc0ull, E_DATA);
	set_elf_entry(64, 0xffffffffull);
	parse_ok();
	assert_int_equal(mb.entry, 0xffffffffu);
	assert_int_equal(mb.end, 0x100000000ull);
}

/* ---- the information page, as the Multiboot layout says -------------- */

struct ment {
	uint64_t base, len;
	uint32_t type;
};

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void le64(uint8_t *p, uint64_t v)
{
	le32(p, v);
	le32(p + 4, v >> 32);
}

struct info_want {
	uint64_t ram;
	uint32_t mem_lower, mem_upper;
	unsigned int n;
	struct ment map[4];
};

/* Every RAM size the tests use, with its map written out by hand. */
static const struct info_want infos[] = {
	{ 40 * KIB, 40, 0, 2, {
		{ 0, 0xa000, 1 },
		{ 0x100000, 0x2000, 2 } } },
	{ 512 * KIB, 512, 0, 2, {
		{ 0, 0x80000, 1 },
		{ 0x100000, 0x2000, 2 } } },
	{ 768 * KIB, 640, 0, 3, {
		{ 0, 0xa0000, 1 },
		{ 0xa0000, 0x20000, 2 },
		{ 0x100000, 0x2000, 2 } } },
	{ MIB, 640, 0, 3, {
		{ 0, 0xa0000, 1 },
		{ 0xa0000, 0x60000, 2 },
		{ 0x100000, 0x2000, 2 } } },
	{ 2 * MIB, 640, 1024, 4, {
		{ 0, 0xa0000, 1 },
		{ 0xa0000, 0x60000, 2 },
		{ 0x100000, 0x100000, 1 },
		{ 0xc0000000, 0x2000, 2 } } },
	{ 64 * MIB, 640, 64512, 4, {
		{ 0, 0xa0000, 1 },
		{ 0xa0000, 0x60000, 2 },
		{ 0x100000, 0x3f00000, 1 },
		{ 0xc0000000, 0x2000, 2 } } },
};

/* The page at 0x9000 for @size bytes of RAM and command line @line. */
static void expect_info(uint8_t *page, uint64_t size, const char *line)
{
	const struct info_want *w = NULL;
	unsigned int i;
	uint8_t *e;

	for (i = 0; i < ARRAY_SIZE(infos); i++)
		if (infos[i].ram == size)
			w = &infos[i];
	assert_non_null(w);
	memset(page, 0, 0x1000);
	le32(page + 0, 0x245);		/* MEMORY, CMDLINE, MMAP, NAME */
	le32(page + 4, w->mem_lower);
	le32(page + 8, w->mem_upper);
	le32(page + 16, 0x9800);	/* cmdline */
	le32(page + 44, w->n * 24);	/* mmap_length */
	le32(page + 48, 0x9080);	/* mmap_addr */
	le32(page + 64, 0x9100);	/* boot_loader_name */
	for (i = 0; i < w->n; i++) {
		e = page + 0x80 + 24 * i;
		le32(e, 20);
		le64(e + 4, w->map[i].base);
		le64(e + 12, w->map[i].len);
		le32(e + 20, w->map[i].type);
	}
	memcpy(page + 0x100, "simvmm " SIMVMM_VERSION,
	       strlen("simvmm " SIMVMM_VERSION) + 1);
	assert_true(strlen(line) < 0x800);
	memcpy(page + 0x800, line, strlen(line) + 1);
}

/* The command line "k CMDLINE" (or "k"), as the kernel must see it. */
static const char *line_of(const char *cmdline)
{
	static char line[4096];

	snprintf(line, sizeof(line), "%s%s%s", NAME,
		 cmdline && *cmdline ? " " : "", cmdline ? cmdline : "");
	return line;
}

static void info_ok(uint64_t size, const char *cmdline)
{
	int r;

	new_vm(size);
	err_begin();
	r = multiboot_write_info(&vm, NAME, cmdline);
	silent(err_end());
	assert_int_equal(r, 0);
	expect_info(ram_copy + 0x9000, size, line_of(cmdline));
	assert_memory_equal(ram, ram_copy, size);
}

static void test_info_1m(void **state)
{
	(void)state;
	info_ok(MIB, NULL);
	info_ok(MIB, "console=ttyS0 quiet");
	/* spot checks against the written-out layout */
	assert_int_equal(ram[0x9000], 0x45);
	assert_int_equal(ram[0x9001], 0x02);
	assert_int_equal(ram[0x9004], 0x80);	/* 640 */
	assert_int_equal(ram[0x9005], 0x02);
	assert_int_equal(ram[0x902c], 72);	/* three entries */
	assert_string_equal((char *)ram + 0x9100, "simvmm " SIMVMM_VERSION);
	assert_string_equal((char *)ram + 0x9800, "k console=ttyS0 quiet");
}

static void test_info_2m(void **state)
{
	(void)state;
	info_ok(2 * MIB, NULL);
	info_ok(2 * MIB, "a=b");
	/* the window in the large map, at 3 GiB */
	assert_int_equal(ram[0x9080 + 3 * 24 + 4 + 3], 0xc0);
	assert_int_equal(ram[0x902c], 96);
}

static void test_info_64m(void **state)
{
	(void)state;
	info_ok(64 * MIB, NULL);
	info_ok(64 * MIB, "x");
}

static void test_info_below_640k(void **state)
{
	(void)state;
	info_ok(512 * KIB, NULL);
	info_ok(512 * KIB, "mem=512k");
	/* between 640 KiB and 1 MiB: the hole up to RAM's end only */
	info_ok(768 * KIB, NULL);
	info_ok(768 * KIB, "");
	info_ok(40 * KIB, "tiny");
}

static void info_refused(uint64_t size, const char *what, const char *cmdline,
			 int err, const char *a, const char *b)
{
	int r;

	new_vm(size);
	err_begin();
	r = multiboot_write_info(&vm, what, cmdline);
	one_line(err_end(), "simvmm: error: Multiboot kernel '", a, b);
	assert_int_equal(r, err);
	assert_memory_equal(ram, ram_copy, size);
}

static void test_info_refusals(void **state)
{
	char *long_line = malloc(2048);

	(void)state;
	assert_non_null(long_line);
	info_refused(32 * KIB, NAME, NULL, -ENOSPC,
		     "RAM of 0x8000 bytes has no room for the Multiboot information at [0x9000, 0xa000)",
		     "raise --memory");
	info_refused(0x9fff, NAME, "x", -ENOSPC, "RAM of 0x9fff bytes", NULL);
	memset(long_line, 'c', 2046);
	long_line[2046] = '\0';
	info_refused(MIB, NAME, long_line, -E2BIG,
		     "the command line (the kernel's path, a space and --cmdline) is 2048 bytes, more than the 2047 that fit",
		     "shorten --cmdline");
	long_line[2045] = '\0';
	info_ok(MIB, long_line);
	assert_int_equal(strlen((char *)ram + 0x9800), 2047);
	assert_memory_equal(ram + 0x9802, long_line, 2045);
	free(long_line);
}

/* ---- multiboot_load() ---------------------------------------------------- */

/*
 * Parse the image as it is, then load it into a fresh VM of @size, with
 * stderr captured until the caller's err_end().
 */
static int parse_and_load(uint64_t size, const char *cmdline, size_t len)
{
	int r;

	err_begin();
	r = multiboot_parse(img, img_len, NAME, &mb);
	silent(err_end());
	assert_int_equal(r, 0);
	new_vm(size);
	err_begin();
	return multiboot_load(&vm, &mb, img, len, NAME, cmdline);
}

/* Loaded, silently; the expected RAM gets the information page. */
static void load_ok(uint64_t size, const char *cmdline)
{
	int r;

	r = parse_and_load(size, cmdline, img_len);
	silent(err_end());
	assert_int_equal(r, 0);
	expect_info(ram_copy + 0x9000, size, line_of(cmdline));
}

static void load_refused(uint64_t size, const char *cmdline, size_t len,
			 int err, const char *prefix, const char *a,
			 const char *b)
{
	int r;

	err_begin();
	r = multiboot_parse(img, img_len, NAME, &mb);
	silent(err_end());
	assert_int_equal(r, 0);
	new_vm(size);
	err_begin();
	r = multiboot_load(&vm, &mb, img, len, NAME, cmdline);
	one_line(err_end(), prefix, a, b);
	assert_int_equal(r, err);
	assert_memory_equal(ram, ram_copy, size);
}

/* The by-address kernel's bytes and BSS, at @load, in the expected RAM. */
static void expect_aout_loaded(uint64_t load, uint64_t load_len,
			       uint64_t bss_end)
{
	memcpy(ram_copy + load, img + A_FILE_OFF, load_len);
	memset(ram_copy + load + load_len, 0, bss_end - load - load_len);
	assert_memory_equal(ram, ram_copy, vm.mem_size);
}

static void expect_elf_loaded(uint64_t text, uint64_t data)
{
	memcpy(ram_copy + text, img + E_TEXT_OFF, E_TEXT_LEN);
	memcpy(ram_copy + data, img + E_DATA_OFF, E_DATA_LEN);
	memset(ram_copy + data + E_DATA_LEN, 0, E_DATA_MEMSZ - E_DATA_LEN);
	assert_memory_equal(ram, ram_copy, vm.mem_size);
}

static void test_load_by_address(void **state)
{
	(void)state;
	/* at 1 MiB in the large map */
	build_aout(0x100000);
	load_ok(2 * MIB, NULL);
	expect_aout_loaded(0x100000, A_LOAD_LEN, 0x100000 + A_BSS);
	load_ok(64 * MIB, "console=ttyS0");
	expect_aout_loaded(0x100000, A_LOAD_LEN, 0x100000 + A_BSS);

	/* low, in the assignment's map */
	build_aout(0x20000);
	load_ok(MIB, "x y");
	expect_aout_loaded(0x20000, A_LOAD_LEN, 0x20000 + A_BSS);

	/* no BSS, the whole file */
	build_aout(0x20000);
	set_field(LOAD_END, 0);
	set_field(BSS_END, 0);
	load_ok(MIB, NULL);
	expect_aout_loaded(0x20000, A_LEN - A_FILE_OFF,
			   0x20000 + A_LEN - A_FILE_OFF);

	/* the BSS up to RAM's last byte */
	build_aout(2 * MIB - A_BSS);
	load_ok(2 * MIB, NULL);
	expect_aout_loaded(2 * MIB - A_BSS, A_LOAD_LEN, 2 * MIB);
}

static void test_load_elf(void **state)
{
	(void)state;
	build_elf(32, E_TEXT, E_DATA);
	load_ok(2 * MIB, NULL);
	expect_elf_loaded(E_TEXT, E_DATA);
	build_elf(64, E_TEXT, E_DATA);
	load_ok(64 * MIB, "64");
	expect_elf_loaded(E_TEXT, E_DATA);
	/* low, in the assignment's map, data below the code */
	build_elf(32, 0x20000, 0x10000);
	load_ok(MIB, "low");
	expect_elf_loaded(0x20000, 0x10000);
	build_elf(64, 0xa000, 0x800);
	load_ok(512 * KIB, NULL);
	expect_elf_loaded(0xa000, 0x800);
}

static void test_load_past_ram(void **state)
{
	(void)state;
	/* at 1 MiB, where the assignment's map has its device window */
	build_aout(0x100000);
	load_refused(MIB, NULL, img_len, -EINVAL, MB_ERR,
		     "loads [0x100000, 0x100800), over the device window at 0x100000, which is MMIO, never RAM",
		     "or give --memory above 1M for RAM at 1 MiB");
	/* the BSS one byte past the end of RAM */
	build_aout(2 * MIB - A_BSS + 1);
	load_refused(2 * MIB, NULL, img_len, -ENOSPC, MB_ERR,
		     "loads [0x1ff801, 0x200001), but RAM is [0x0, 0x200000)",
		     NULL);
	/* the loaded bytes past it, no BSS */
	build_aout(2 * MIB - A_LOAD_LEN + 1);
	set_field(BSS_END, 0);
	load_refused(2 * MIB, NULL, img_len, -ENOSPC, MB_ERR,
		     "loads [0x1ffd01, 0x200001)", NULL);
	/* wholly above RAM, and in the large map's device window */
	build_aout(0x8000000);
	load_refused(64 * MIB, NULL, img_len, -ENOSPC, MB_ERR,
		     "loads [0x8000000, 0x8000800), but RAM is [0x0, 0x4000000)",
		     NULL);
	build_aout(0xc0000000u);
	load_refused(2 * MIB, NULL, img_len, -EINVAL, MB_ERR,
		     "loads [0xc0000000, 0xc0000800), over the device window at 0xc0000000",
		     NULL);
	/* a BSS to 4 GiB */
	build_aout(0x100000);
	set_field(BSS_END, 0xffffffffu);
	load_refused(64 * MIB, NULL, img_len, -EINVAL, MB_ERR,
		     "loads [0x100000, 0xffffffff), over the device window at 0xc0000000",
		     "link it inside RAM [0x0, 0x4000000)");

	/* ELF: the segment checks of lib/elf.c */
	build_elf(32, E_TEXT, E_DATA);
	load_refused(MIB, NULL, img_len, -EINVAL, ELF_ERR,
		     "PT_LOAD 0 at [0x100000, 0x100040) overlaps the device window at 0x100000",
		     NULL);
	build_elf(64, 0x1fffc0, 0x200000);
	load_refused(2 * MIB, NULL, img_len, -EINVAL, ELF_ERR,
		     "PT_LOAD 1 at p_paddr 0x200000 is not guest RAM", NULL);
	build_elf(32, E_TEXT, 2 * MIB - E_DATA_MEMSZ + 0x10);
	load_refused(2 * MIB, NULL, img_len, -ENOSPC, ELF_ERR,
		     "PT_LOAD 1 at [0x1fff10, 0x200010) runs 0x10 bytes past the end of RAM",
		     NULL);
}

static void test_load_over_the_gdt(void **state)
{
	(void)state;
	/* [0x100, 0x400) loaded, the BSS into the GDT at 0x600 */
	fill(0x300);
	put_header(0, F_ADDRESS);
	put_addr(0, 0x100, 0x100, 0x400, 0x601, 0x100);
	load_refused(MIB, NULL, img_len, -EINVAL, MB_ERR,
		     "the kernel at [0x100, 0x601) overlaps the protected-mode GDT/TSS at [0x600, 0x768)",
		     "link it at 1 MiB");
	/* up to the GDT: fine */
	put_addr(0, 0x100, 0x100, 0x400, 0x600, 0x100);
	put_header(0, F_ADDRESS);
	load_ok(MIB, NULL);
	memcpy(ram_copy + 0x100, img, 0x300);
	memset(ram_copy + 0x400, 0, 0x200);
	assert_memory_equal(ram, ram_copy, MIB);

	/* from the TSS's last byte; from just past it */
	put_addr(0, 0x767, 0x767, 0xa67, 0, 0x767);
	load_refused(MIB, NULL, img_len, -EINVAL, MB_ERR,
		     "the kernel at [0x767, 0xa67) overlaps the protected-mode GDT/TSS",
		     NULL);
	put_addr(0, 0x768, 0x768, 0xa68, 0, 0x768);
	load_ok(MIB, NULL);
	memcpy(ram_copy + 0x768, img, 0x300);
	assert_memory_equal(ram, ram_copy, MIB);
	/* over all of it */
	put_addr(0, 0, 0, 0x300, 0x1000, 0);
	load_refused(MIB, NULL, img_len, -EINVAL, MB_ERR,
		     "the kernel at [0x0, 0x1000) overlaps the protected-mode GDT/TSS",
		     NULL);

	/* ELF */
	build_elf(32, 0x700, E_DATA);
	load_refused(2 * MIB, NULL, img_len, -EINVAL, MB_ERR,
		     "PT_LOAD 0 at [0x700, 0x740) overlaps the protected-mode GDT/TSS at [0x600, 0x768)",
		     NULL);
	build_elf(64, E_TEXT, 0x510);
	load_refused(2 * MIB, NULL, img_len, -EINVAL, MB_ERR,
		     "PT_LOAD 1 at [0x510, 0x610) overlaps", NULL);
	/* up to the GDT: fine */
	build_elf(64, E_TEXT, 0x500);
	load_ok(2 * MIB, NULL);
	expect_elf_loaded(E_TEXT, 0x500);
}

static void test_load_over_the_info_page(void **state)
{
	(void)state;
	/* [0x8000, 0x9001): one byte of BSS in the page */
	fill(0x300);
	put_header(0, F_ADDRESS);
	put_addr(0, 0x8000, 0x8000, 0x8300, 0x9001, 0x8000);
	load_refused(MIB, NULL, img_len, -EINVAL, MB_ERR,
		     "the kernel at [0x8000, 0x9001) overlaps the Multiboot information at [0x9000, 0xa000)",
		     "link it at 1 MiB");
	put_addr(0, 0x8000, 0x8000, 0x8300, 0x9000, 0x8000);
	load_ok(MIB, NULL);
	memcpy(ram_copy + 0x8000, img, 0x300);
	memset(ram_copy + 0x8300, 0, 0xd00);
	assert_memory_equal(ram, ram_copy, MIB);
	/* from the page's last byte; from just past it */
	put_addr(0, 0x9fff, 0x9fff, 0xa2ff, 0, 0x9fff);
	load_refused(MIB, NULL, img_len, -EINVAL, MB_ERR,
		     "the kernel at [0x9fff, 0xa2ff) overlaps the Multiboot information",
		     NULL);
	put_addr(0, 0x9400, 0x9400, 0x9700, 0, 0x9400);
	load_refused(MIB, NULL, img_len, -EINVAL, MB_ERR,
		     "the kernel at [0x9400, 0x9700) overlaps the Multiboot information",
		     NULL);
	put_addr(0, 0xa000, 0xa000, 0xa300, 0, 0xa000);
	load_ok(MIB, NULL);
	memcpy(ram_copy + 0xa000, img, 0x300);
	assert_memory_equal(ram, ram_copy, MIB);

	/* ELF: the data segment at the page */
	build_elf(32, E_TEXT, 0x9000);
	load_refused(2 * MIB, NULL, img_len, -EINVAL, MB_ERR,
		     "PT_LOAD 1 at [0x9000, 0x9100) overlaps the Multiboot information at [0x9000, 0xa000)",
		     NULL);
	build_elf(64, 0x8fd0, E_DATA);
	load_refused(2 * MIB, NULL, img_len, -EINVAL, MB_ERR,
		     "PT_LOAD 0 at [0x8fd0, 0x9010) overlaps the Multiboot", NULL);
	/* just below it and just above it: fine */
	build_elf(32, 0x8fc0, 0xa000);
	load_ok(2 * MIB, "edges");
	expect_elf_loaded(0x8fc0, 0xa000);
}

static void test_load_ram_too_small(void **state)
{
	(void)state;
	/* the information checked first: before the kernel is looked at */
	build_aout(0x1000);
	load_refused(32 * KIB, NULL, img_len, -ENOSPC, MB_ERR,
		     "RAM of 0x8000 bytes has no room for the Multiboot information at [0x9000, 0xa000)",
		     NULL);
	load_refused(0x9fff, "x", img_len, -ENOSPC, MB_ERR,
		     "RAM of 0x9fff bytes has no room", NULL);
	build_aout(0x100000);
	load_refused(32 * KIB, NULL, img_len, -ENOSPC, MB_ERR,
		     "RAM of 0x8000 bytes has no room", NULL);
	build_elf(32, 0x1000, 0x2000);
	load_refused(32 * KIB, NULL, img_len, -ENOSPC, MB_ERR,
		     "RAM of 0x8000 bytes has no room", NULL);
	/* 40 KiB: just room for it */
	build_aout(0x1000);
	load_ok(40 * KIB, NULL);
	expect_aout_loaded(0x1000, A_LOAD_LEN, 0x1000 + A_BSS);
}

static void test_load_cmdline_limits(void **state)
{
	char *line = malloc(4096), *what = malloc(4096);

	(void)state;
	assert_non_null(line);
	assert_non_null(what);
	build_aout(0x100000);
	/* "k " and 2045 bytes: 2047, which fits */
	memset(line, 'c', 2045);
	line[2045] = '\0';
	load_ok(2 * MIB, line);
	assert_int_equal(strlen((char *)ram + 0x9800), 2047);
	assert_memory_equal(ram + 0x9802, line, 2045);
	expect_aout_loaded(0x100000, A_LOAD_LEN, 0x100000 + A_BSS);
	/* one more: refused, with nothing loaded */
	memset(line, 'c', 2046);
	line[2046] = '\0';
	load_refused(2 * MIB, line, img_len, -E2BIG, MB_ERR,
		     "the command line (the kernel's path, a space and --cmdline) is 2048 bytes, more than the 2047 that fit",
		     NULL);
	strcpy(line + 2046, "more and more");
	load_refused(2 * MIB, line, img_len, -E2BIG, MB_ERR, "is 2061 bytes",
		     NULL);

	/* the path alone: 2047 bytes fit, 2048 do not */
	memset(what, 'p', 2048);
	what[2047] = '\0';
	err_begin();
	assert_int_equal(multiboot_parse(img, img_len, what, &mb), 0);
	silent(err_end());
	new_vm(2 * MIB);
	err_begin();
	assert_int_equal(multiboot_load(&vm, &mb, img, img_len, what, NULL),
			 0);
	silent(err_end());
	assert_int_equal(strlen((char *)ram + 0x9800), 2047);
	assert_memory_equal(ram + 0x9800, what, 2048);
	what[2047] = 'p';
	what[2048] = '\0';
	new_vm(2 * MIB);
	err_begin();
	assert_int_equal(multiboot_load(&vm, &mb, img, img_len, what, NULL),
			 -E2BIG);
	/* the path fills the log line: its reason is cut off (lib/log.c) */
	one_line(err_end(), "simvmm: error: Multiboot kernel 'ppp", NULL, NULL);
	assert_memory_equal(ram, ram_copy, 2 * MIB);
	free(line);
	free(what);
}

static void test_load_checks_the_file(void **state)
{
	(void)state;
	/* a shorter file than the one parsed: nothing is read past it */
	build_aout(0x100000);
	load_refused(2 * MIB, NULL, A_FILE_OFF + A_LOAD_LEN - 1, -EINVAL,
		     MB_ERR, "does not match the file it was parsed from",
		     NULL);
	load_refused(2 * MIB, NULL, 0, -EINVAL, MB_ERR,
		     "does not match the file", NULL);
	build_elf(32, E_TEXT, E_DATA);
	load_refused(2 * MIB, NULL, E_DATA_OFF + E_DATA_LEN - 1, -EINVAL,
		     ELF_ERR, "PT_LOAD 1 does not match the file it was parsed from",
		     NULL);
	/* one that is exactly long enough */
	build_aout(0x100000);
	assert_int_equal(parse_and_load(2 * MIB, NULL, A_FILE_OFF + A_LOAD_LEN),
			 0);
	silent(err_end());
	expect_info(ram_copy + 0x9000, 2 * MIB, NAME);
	expect_aout_loaded(0x100000, A_LOAD_LEN, 0x100000 + A_BSS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_aligned_only),
		cmocka_unit_test(test_find_search_end),
		cmocka_unit_test(test_find_end_of_short_file),
		cmocka_unit_test(test_find_first_good_wins),
		cmocka_unit_test(test_find_bad_checksum),
		cmocka_unit_test(test_find_checksum_wraps),
		cmocka_unit_test(test_find_tiny_images),
		cmocka_unit_test(test_parse_no_header),
		cmocka_unit_test(test_parse_unknown_required_flags),
		cmocka_unit_test(test_parse_optional_flags_ignored),
		cmocka_unit_test(test_parse_video_warns),
		cmocka_unit_test(test_parse_by_address_good),
		cmocka_unit_test(test_parse_header_fields_do_not_fit),
		cmocka_unit_test(test_parse_load_addr_above_header_addr),
		cmocka_unit_test(test_parse_load_starts_before_the_file),
		cmocka_unit_test(test_parse_load_end_not_above_load_addr),
		cmocka_unit_test(test_parse_load_end_past_the_file),
		cmocka_unit_test(test_parse_load_end_zero),
		cmocka_unit_test(test_parse_bss_end),
		cmocka_unit_test(test_parse_entry),
		cmocka_unit_test(test_parse_past_4gib),
		cmocka_unit_test(test_parse_elf_good),
		cmocka_unit_test(test_parse_not_elf),
		cmocka_unit_test(test_parse_elf_errors_pass_through),
		cmocka_unit_test(test_parse_elf_entry_not_in_code),
		cmocka_unit_test(test_parse_elf64_entry_above_4gib),
		cmocka_unit_test(test_info_1m),
		cmocka_unit_test(test_info_2m),
		cmocka_unit_test(test_info_64m),
		cmocka_unit_test(test_info_below_640k),
		cmocka_unit_test(test_info_refusals),
		cmocka_unit_test(test_load_by_address),
		cmocka_unit_test(test_load_elf),
		cmocka_unit_test(test_load_past_ram),
		cmocka_unit_test(test_load_over_the_gdt),
		cmocka_unit_test(test_load_over_the_info_page),
		cmocka_unit_test(test_load_ram_too_small),
		cmocka_unit_test(test_load_cmdline_limits),
		cmocka_unit_test(test_load_checks_the_file),
	};

	return cmocka_run_group_tests_name("multiboot", tests, NULL, teardown);
}

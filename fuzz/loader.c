// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: guest-image loading (lib/loader.c) and the guest-address
 * translator under it (lib/vm.c), on a fake struct vm (fake_vm.h): no
 * KVM, and ASan sees any byte written outside the guest's RAM.
 *
 * Input: a 12-byte header (RAM size, CPU mode, load address, flags) then
 * the image. Invariants: the translator only returns pointers wholly
 * inside RAM, at the right offset; loader_place() succeeds exactly when
 * the (flat) image fits in one RAM slot clear of the mode's tables, and
 * then the bytes are where they belong; loader_read_file() returns the
 * file. Images with the ELF magic are fuzz/elf.c's.
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include <simvmm/memmap.h>

#include "elf.h"
#include "fake_vm.h"
#include "fuzz.h"
#include "loader.h"
#include "vm.h"

/* Where @gpa lives in the fake RAM, or -1 if it is not RAM. */
static int64_t ram_offset(const struct vm *vm, uint64_t gpa)
{
	uint64_t low = vm->slots[0].size;

	if (gpa < low)
		return gpa;
	if (gpa >= SIMVMM_HIGHMEM_START &&
	    gpa - SIMVMM_HIGHMEM_START < vm->mem_size - low)
		return low + (gpa - SIMVMM_HIGHMEM_START);
	return -1;
}

/* Probe the translator at @gpa for @len bytes. */
static void check_translate(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	int64_t off = ram_offset(vm, gpa);
	uint64_t room = vm_ram_room(vm, gpa);
	uint8_t *p = vm_gpa_to_hva(vm, gpa, len);

	if (off < 0) {
		FUZZ_CHECK(room == 0);
		/* Zero bytes at the very end of a slot are allowed. */
		FUZZ_CHECK(!p || len == 0);
		return;
	}
	FUZZ_CHECK(room > 0);
	FUZZ_CHECK(vm_gpa_to_hva(vm, gpa, room) == vm->mem + off);
	FUZZ_CHECK(room == UINT64_MAX || !vm_gpa_to_hva(vm, gpa, room + 1));
	if (len <= room) {
		FUZZ_CHECK(p == vm->mem + off);
		FUZZ_CHECK((uint64_t)off + len <= vm->mem_size);
	} else {
		FUZZ_CHECK(!p);
	}
}

/* loader_read_file() on the image as a file: it must read it back whole. */
static void check_read_file(const uint8_t *img, size_t len, uint64_t max)
{
	char path[64];
	size_t got_len = 0;
	void *buf = NULL;
	int fd, err;

	fd = memfd_create("fuzz-image", MFD_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, img, len) != (ssize_t)len) {
		close(fd);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err = loader_read_file(path, max, &buf, &got_len);
	if (len == 0)
		FUZZ_CHECK(err == -EINVAL);
	else if (len > max)
		FUZZ_CHECK(err == -EFBIG);
	else
		FUZZ_CHECK(!err && got_len == len && !memcmp(buf, img, len));
	free(buf);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint64_t mem_size, addr, rstart, rend, probe;
	enum cpu_mode mode;
	const uint8_t *img;
	uint8_t flags, *mem;
	size_t len;
	int64_t off;
	struct vm vm;
	bool fits;
	int err;

	/* 64 KiB to 4 MiB in 4 KiB steps: one slot, or both. */
	mem_size = SIMVMM_MEM_MIN + (fuzz_take(&in, 2) % 1009) * 4096;
	/* Every mode, paged too: its reserved range differs from long mode's. */
	mode = fuzz_take(&in, 1) % (CPU_MODE_PAGED + 1);
	flags = fuzz_take(&in, 1);
	addr = fuzz_take(&in, 8);
	/* Mostly near RAM and its edges, sometimes anywhere at all. */
	if (!(flags & 1))
		addr &= 0x7fffff;
	img = in.p;
	len = in.left;

	mem = calloc(1, mem_size);
	if (!mem)
		return 0;
	fake_vm_init(&vm, mem, mem_size);

	check_translate(&vm, addr, len);
	probe = addr + (flags >> 4) * 0x10000 - 0x80000;
	check_translate(&vm, probe, flags & 0xf);

	cpu_mode_reserved(mode, &rstart, &rend);
	off = ram_offset(&vm, addr);
	fits = len > 0 && off >= 0 && len <= vm_ram_room(&vm, addr) &&
	       !(rstart < rend && addr < rend && rstart < addr + len);
	/* An image with the ELF magic is an ELF: fuzz/elf.c checks those. */
	if (!elf_is_elf(img, len)) {
		err = loader_place(&vm, mode, addr, img, len, "fuzz");
		FUZZ_CHECK(!err == fits);
		if (!err)
			FUZZ_CHECK(!memcmp(mem + off, img, len));
	}

	if (flags & 2)
		check_read_file(img, len, mem_size);
	fake_vm_release(&vm);
	free(mem);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: guest-image loading (lib/loader.c) and the guest-address
 * translator under it (lib/vm.c), on a fake struct vm (fake_vm.h): no
 * KVM, and ASan sees any byte written outside the guest's RAM.
 *
 * Input: a 12-byte header (RAM size, CPU mode, load address, flags) then
 * the image. Invariants: the translator only returns pointers wholly
 * inside RAM, at the right offset; loader_place() succeeds exactly when
 * the (flat) image fits in RAM clear of the mode's tables, and then the
 * bytes are where they belong, and refuses a load address that is not
 * RAM (the device window of either memory map included) with -EINVAL;
 * loader_read_file() returns the file. RAM is one piece from 0 in both
 * maps (memmap.h): the assignment's (1 MiB or less, the window at
 * 0x100000) and the large one (the window at 0xc0000000). Images with
 * the ELF magic are fuzz/elf.c's.
 */
#include <errno.h>
#include <sanitizer/asan_interface.h>
#include <sys/mman.h>
#include <unistd.h>

#include <simvmm/memmap.h>

#include "elf.h"
#include "fake_vm.h"
#include "fuzz.h"
#include "loader.h"
#include "vm.h"

/* The largest RAM an input asks for: 4 MiB. */
#define RAM_MAX (SIMVMM_MEM_MIN + 1008 * 4096ull)

/*
 * Zeroed RAM of @size bytes: the last @size bytes of an arena made once
 * (a fresh 4 MiB calloc per input costs its page faults, a hundredfold
 * the run), the bytes before them poisoned, so ASan sees any byte touched
 * outside RAM. The caller zeroes what it had written before it returns.
 */
static uint8_t *fresh_ram(uint64_t size)
{
	static uint8_t *arena;

	if (!arena) {
		arena = calloc(1, RAM_MAX);
		if (!arena)
			abort();
	}
	ASAN_UNPOISON_MEMORY_REGION(arena, RAM_MAX);
	ASAN_POISON_MEMORY_REGION(arena, RAM_MAX - size);
	return arena + (RAM_MAX - size);
}

/* Where @gpa lives in the fake RAM, or -1: RAM is [0, mem_size). */
static int64_t ram_offset(const struct vm *vm, uint64_t gpa)
{
	return gpa < vm->mem_size ? (int64_t)gpa : -1;
}

/* Probe the translator at @gpa for @len bytes. */
static void check_translate(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	int64_t off = ram_offset(vm, gpa);
	uint64_t room = vm_ram_room(vm, gpa);
	uint8_t *p = vm_gpa_to_hva(vm, gpa, len);

	if (off < 0) {
		FUZZ_CHECK(room == 0);
		/* Zero bytes at the very end of RAM are allowed. */
		FUZZ_CHECK(!p || (len == 0 && gpa == vm->mem_size));
		return;
	}
	FUZZ_CHECK(room == vm->mem_size - gpa);
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

	/* 64 KiB to 4 MiB in 4 KiB steps: either memory map. */
	mem_size = SIMVMM_MEM_MIN + fuzz_take(&in, 2) %
		   ((RAM_MAX - SIMVMM_MEM_MIN) / 4096 + 1) * 4096;
	/* Every mode, paged too: its reserved range differs from long mode's. */
	mode = fuzz_take(&in, 1) % (CPU_MODE_PAGED + 1);
	flags = fuzz_take(&in, 1);
	addr = fuzz_take(&in, 8);
	/*
	 * Mostly near RAM and its edges, sometimes near the large map's
	 * device window at 3 GiB, sometimes anywhere at all.
	 */
	if (!(flags & 1))
		addr &= 0x7fffff;
	if ((flags & 5) == 4)
		addr += SIMVMM_MMIO_HIGH_BASE - 0x400000;
	img = in.p;
	len = in.left;

	mem = fresh_ram(mem_size);
	fake_vm_init(&vm, mem, mem_size);

	check_translate(&vm, addr, len);
	probe = addr + (flags >> 4) * 0x10000 - 0x80000;
	check_translate(&vm, probe, flags & 0xf);

	cpu_mode_reserved(mode, &rstart, &rend);
	off = ram_offset(&vm, addr);
	fits = len > 0 && off >= 0 && len <= mem_size - addr &&
	       !(rstart < rend && addr < rend && rstart < addr + len);
	/* An image with the ELF magic is an ELF: fuzz/elf.c checks those. */
	err = -ENOEXEC;
	if (!elf_is_elf(img, len)) {
		err = loader_place(&vm, mode, addr, img, len, "fuzz");
		FUZZ_CHECK(!err == fits);
		/* Not RAM, the window of either map among it: -EINVAL. */
		if (len > 0 && off < 0)
			FUZZ_CHECK(err == -EINVAL);
		/* In RAM but running past its end: -ENOSPC. */
		if (len > 0 && off >= 0 && len > mem_size - addr)
			FUZZ_CHECK(err == -ENOSPC);
		if (!err)
			FUZZ_CHECK(!memcmp(mem + off, img, len));
	}

	if (flags & 2)
		check_read_file(img, len, mem_size);
	fake_vm_release(&vm);
	/* RAM back to zero for the next input: only the image was written. */
	if (!err)
		memset(mem + off, 0, len);
	return 0;
}

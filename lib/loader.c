// SPDX-License-Identifier: GPL-2.0
/* Image loading with every size and placement checked up front. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf.h"
#include "loader.h"
#include "log.h"
#include "multiboot.h"

/*
 * Is the file an ELF or a Multiboot kernel, which hold more than they
 * load? Told by their first bytes.
 */
static bool holds_more(int fd, uint64_t size)
{
	uint8_t head[MB_SEARCH_END];
	ssize_t n;
	uint32_t off;

	n = pread(fd, head, size < sizeof(head) ? size : sizeof(head), 0);
	if (n <= 0)
		return false;
	return elf_is_elf(head, n) || multiboot_find(head, n, &off, NULL);
}

/* Up to @max bytes, or @elf_max for an ELF or Multiboot file. */
static int read_image(const char *path, uint64_t max, uint64_t elf_max,
		      void **buf, size_t *len)
{
	struct stat st;
	size_t done = 0;
	uint8_t *p;
	ssize_t n;
	int fd, err;

	/*
	 * O_NONBLOCK: opening a FIFO would otherwise wait for a writer for
	 * ever; it is refused below as not a regular file. Regular files
	 * ignore the flag.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = -errno;
		pr_err("cannot open guest image '%s': %s", path,
		       strerror(-err));
		return err;
	}
	if (fstat(fd, &st) < 0) {
		err = -errno;
		pr_err("cannot stat guest image '%s': %s", path,
		       strerror(-err));
		goto out_close;
	}
	if (S_ISDIR(st.st_mode)) {
		err = -EISDIR;
		pr_err("guest image '%s' is a directory; give a flat binary file",
		       path);
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -EINVAL;
		pr_err("guest image '%s' is not a regular file", path);
		goto out_close;
	}
	if (st.st_size == 0) {
		err = -EINVAL;
		pr_err("guest image '%s' is empty", path);
		goto out_close;
	}
	if ((uint64_t)st.st_size > max && elf_max > max &&
	    holds_more(fd, st.st_size)) {
		if ((uint64_t)st.st_size > elf_max) {
			err = -EFBIG;
			pr_err("image '%s' is %lld bytes, more than the %llu bytes simvmm reads of an ELF file or Multiboot kernel",
			       path, (long long)st.st_size,
			       (unsigned long long)elf_max);
			goto out_close;
		}
	} else if ((uint64_t)st.st_size > max) {
		err = -EFBIG;
		pr_err("guest image '%s' is %lld bytes, more than the guest's %llu bytes of RAM; raise --memory",
		       path, (long long)st.st_size, (unsigned long long)max);
		goto out_close;
	}

	p = malloc(st.st_size);
	if (!p) {
		err = -ENOMEM;
		goto out_close;
	}
	while (done < (size_t)st.st_size) {
		n = read(fd, p + done, st.st_size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			pr_err("reading guest image '%s': %s", path,
			       n < 0 ? strerror(-err) : "file shrank while reading");
			free(p);
			goto out_close;
		}
		done += n;
	}
	close(fd);
	*buf = p;
	*len = done;
	return 0;

out_close:
	close(fd);
	return err;
}

int loader_read_file(const char *path, uint64_t max, void **buf, size_t *len)
{
	return read_image(path, max, max, buf, len);
}

int loader_read_image(const char *path, uint64_t mem_size, void **buf,
		      size_t *len)
{
	return read_image(path, mem_size,
			  mem_size > LOADER_ELF_FILE_MAX ? mem_size :
			  LOADER_ELF_FILE_MAX, buf, len);
}

int loader_elf_prepare(const void *img, size_t len, const char *what,
		       bool mode_set, enum cpu_mode *mode, bool entry_set,
		       uint64_t *entry)
{
	struct elf_image e;
	int err;

	err = elf_parse(img, len, what, &e);
	if (err)
		return err;
	if (!mode_set)
		*mode = elf_class_mode(&e);
	if (!entry_set)
		*entry = e.entry;
	err = elf_check_mode(&e, *mode, *entry, what);
	if (err)
		return err;
	return elf_check_entry(&e, *entry, entry_set ? "--entry" : "e_entry",
			       what);
}

uint64_t loader_elf_end(const void *img, size_t len)
{
	struct elf_image e;
	uint64_t end = 0;
	unsigned int i;

	if (elf_parse(img, len, "", &e))
		return 0;
	for (i = 0; i < e.nr_loads; i++)
		if (e.loads[i].paddr + e.loads[i].memsz > end)
			end = e.loads[i].paddr + e.loads[i].memsz;
	return end;
}

static int place_elf(struct vm *vm, enum cpu_mode mode, const void *img,
		     size_t len, const char *what)
{
	struct elf_image e;
	int err;

	err = elf_parse(img, len, what, &e);
	if (err)
		return err;
	return elf_load(vm, mode, &e, img, len, what);
}

int loader_place(struct vm *vm, enum cpu_mode mode, uint64_t addr,
		 const void *img, size_t len, const char *what)
{
	uint64_t room = vm_ram_room(vm, addr);
	uint64_t rstart, rend;
	void *dst;

	if (elf_is_elf(img, len))
		return place_elf(vm, mode, img, len, what);
	if (len == 0) {
		pr_err("guest image %s is empty", what);
		return -EINVAL;
	}
	if (room == 0) {
		pr_err("load address 0x%llx is not guest RAM (RAM is [0x0, 0x%llx)); pick another --load-addr or raise --memory",
		       (unsigned long long)addr,
		       (unsigned long long)vm->mem_size);
		return -EINVAL;
	}
	if (len > room) {
		pr_err("guest image %s is %zu bytes but only %llu bytes of RAM follow load address 0x%llx; raise --memory or lower --load-addr",
		       what, len, (unsigned long long)room,
		       (unsigned long long)addr);
		return -ENOSPC;
	}
	cpu_mode_reserved(mode, &rstart, &rend);
	if (rstart < rend && addr < rend && rstart < addr + len) {
		pr_err("guest image %s at [0x%llx, 0x%llx) overlaps the %s-mode GDT/page tables at [0x%llx, 0x%llx); load it at or above 0x%llx",
		       what, (unsigned long long)addr,
		       (unsigned long long)(addr + len), cpu_mode_name(mode),
		       (unsigned long long)rstart, (unsigned long long)rend,
		       (unsigned long long)rend);
		return -EINVAL;
	}
	dst = vm_gpa_to_hva(vm, addr, len);
	if (!dst)
		return -EINVAL;
	memcpy(dst, img, len);
	return 0;
}

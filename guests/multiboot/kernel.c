// SPDX-License-Identifier: GPL-2.0
/*
 * A Multiboot (v1) kernel that prints what its loader handed it, on the
 * 0xe9 debug console that simvmm and QEMU (-device isa-debugcon) share,
 * then returns a status for the exit port at 0xf4 (QEMU's isa-debug-exit).
 * It uses nothing of simvmm's: the point is that it runs unchanged.
 */
#include <stdint.h>

#define MB_BOOT_MAGIC	0x2badb002
#define MBI_MEMORY	(1u << 0)
#define MBI_CMDLINE	(1u << 2)
#define MBI_MMAP	(1u << 6)
#define MBI_LOADER_NAME	(1u << 9)
#define CR0_PE		(1u << 0)
#define CR0_PG		(1u << 31)
#define EFLAGS_IF	(1u << 9)
#define EFLAGS_VM	(1u << 17)

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower;
	uint32_t mem_upper;
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
} __attribute__((packed));

struct mb_mmap_entry {
	uint32_t size;
	uint64_t base_addr;
	uint64_t length;
	uint32_t type;
} __attribute__((packed));

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Initialized data and BSS, to show the loader placed and zeroed them;
 * global, so the compiler cannot assume their values.
 */
uint32_t data_word = 0x5eed1234;
uint32_t bss_words[256];

static void con_putc(char c)
{
	__asm__ volatile("outb %0, %1" : : "a"(c), "Nd"((uint16_t)0xe9));
}

static void con_puts(const char *s)
{
	while (*s)
		con_putc(*s++);
}

static void puthex(uint64_t v, int digits)
{
	con_puts("0x");
	while (digits--)
		con_putc("0123456789abcdef"[(v >> (digits * 4)) & 0xf]);
}

static void putdec(uint32_t v)
{
	char buf[11];
	int i = sizeof(buf) - 1;

	buf[i] = '\0';
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	con_puts(buf + i);
}

static uint32_t read_cr0(void)
{
	uint32_t v;

	__asm__ volatile("movl %%cr0, %0" : "=r"(v));
	return v;
}

static void show_mmap(const struct mb_info *mbi)
{
	uint32_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
	const struct mb_mmap_entry *e;

	while (p + sizeof(*e) <= end) {
		e = (const struct mb_mmap_entry *)p;
		con_puts("mmap: ");
		puthex(e->base_addr, 9);
		con_puts(" + ");
		puthex(e->length, 9);
		con_puts(e->type == 1 ? " available\n" : " reserved\n");
		p += e->size + sizeof(e->size);
	}
}

uint32_t kmain(uint32_t magic, const struct mb_info *mbi, uint32_t eflags)
{
	uint32_t cr0 = read_cr0(), bad = 0;
	unsigned int i;

	con_puts("multiboot: magic ");
	puthex(magic, 8);
	con_puts(magic == MB_BOOT_MAGIC ? " ok\n" : " WRONG\n");
	if (magic != MB_BOOT_MAGIC)
		return 1;
	con_puts((cr0 & CR0_PE) && !(cr0 & CR0_PG) ?
	     "cpu: protected mode, paging off\n" : "cpu: WRONG mode\n");
	con_puts(eflags & (EFLAGS_IF | EFLAGS_VM) ?
	     "eflags: WRONG\n" : "eflags: IF and VM clear\n");
	if (mbi->flags & MBI_MEMORY) {
		con_puts("mem: lower ");
		putdec(mbi->mem_lower);
		con_puts(" KiB, upper ");
		putdec(mbi->mem_upper);
		con_puts(" KiB\n");
	}
	if (mbi->flags & MBI_CMDLINE) {
		con_puts("cmdline: ");
		con_puts((const char *)mbi->cmdline);
		con_putc('\n');
	}
	if (mbi->flags & MBI_LOADER_NAME) {
		con_puts("loader: ");
		con_puts((const char *)mbi->boot_loader_name);
		con_putc('\n');
	}
	if (mbi->flags & MBI_MMAP)
		show_mmap(mbi);
	con_puts(data_word == 0x5eed1234 ? "data: ok\n" : "data: WRONG\n");
	for (i = 0; i < ARRAY_SIZE(bss_words); i++)
		bad |= bss_words[i];
	con_puts(bad ? "bss: WRONG\n" : "bss: zero\n");
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: gdb's breakpoints and watchpoints (lib/gdb_break.c) on each
 * kind of KVM the probe can find: one that only single-steps (the
 * testbed's), one whose int3 exits, one whose debug registers fire. Guest
 * memory is a buffer here; the KVM_SET_GUEST_DEBUG built and the meaning
 * of each KVM_EXIT_DEBUG are checked against the x86 and KVM definitions.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "gdb_break.h"

#define RAM_SIZE	0x3000
#define ALIAS		0x10000	/* linear ALIAS + x is RAM x, like a 2nd mapping */
#define UNMAPPED	0x8000

static uint8_t ram[RAM_SIZE];

static uint8_t *fake_map(void *priv, uint64_t addr, size_t len)
{
	(void)priv;
	if (addr >= ALIAS)
		addr -= ALIAS;
	/* The contract: one page at a time. */
	assert_true((addr & 0xfff) + len <= 0x1000);
	if (addr >= RAM_SIZE || addr + len > RAM_SIZE)
		return NULL;
	return ram + addr;
}

static const struct gdb_mem mem = { fake_map, NULL };

static const struct gdbstub_caps step_only = { .single_step = true };
static const struct gdbstub_caps int3_kvm = { .single_step = true,
					      .sw_bp = true };
static const struct gdbstub_caps dr_kvm = { .single_step = true,
					    .hw_bp = true };
static const struct gdbstub_caps no_caps;

static struct gdb_breaks br;

static int setup(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < RAM_SIZE; i++)
		ram[i] = (uint8_t)(i * 7 + 1);
	return 0;
}

static int ins(enum gdb_rsp_break_type t, uint64_t addr, uint32_t kind)
{
	return gdb_breaks_insert(&br, &mem, t, addr, kind);
}

static struct kvm_guest_debug debug_of(void)
{
	struct kvm_guest_debug dbg;

	memset(&dbg, 0, sizeof(dbg));
	gdb_breaks_debug(&br, &dbg);
	return dbg;
}

static struct gdb_hit classify(uint32_t exception, uint64_t pc, uint64_t dr6,
			       bool stepping)
{
	struct kvm_debug_exit_arch arch = {
		.exception = exception, .pc = pc, .dr6 = dr6,
	};
	struct gdb_hit hit;

	memset(&hit, 0xff, sizeof(hit));
	gdb_breaks_classify(&br, &mem, &arch, stepping, &hit);
	return hit;
}

/* The testbed's KVM: everything by single-step, read watches refused. */
static void test_step_only(void **state)
{
	struct kvm_guest_debug dbg;
	const struct gdb_bp *bp;
	uint8_t before[RAM_SIZE];

	(void)state;
	memcpy(before, ram, sizeof(ram));
	gdb_breaks_init(&br, &step_only);
	assert_false(gdb_breaks_stepping(&br));
	assert_int_equal(ins(GDB_RSP_BREAK_SW, 0x1000, 1), 0);
	assert_int_equal(ins(GDB_RSP_BREAK_SW, 0x1000, 1), 0);	/* again: ok */
	assert_int_equal(ins(GDB_RSP_BREAK_HW, 0x1010, 1), 0);
	assert_true(gdb_breaks_stepping(&br));
	/* Memory is never touched. */
	assert_memory_equal(ram, before, sizeof(ram));
	bp = gdb_breaks_step_hit(&br, 0x1000);
	assert_non_null(bp);
	assert_false(bp->hw);
	bp = gdb_breaks_step_hit(&br, 0x1010);
	assert_non_null(bp);
	assert_true(bp->hw);
	assert_null(gdb_breaks_step_hit(&br, 0x1001));
	/* Nothing native: KVM is told nothing but what the stub adds. */
	dbg = debug_of();
	assert_int_equal(dbg.control, 0);
	assert_int_equal(dbg.arch.debugreg[7], 0);
	assert_false(gdb_breaks_lift(&br, 0x1000));

	assert_int_equal(ins(GDB_RSP_WATCH_READ, 0x400, 4), -EOPNOTSUPP);
	assert_int_equal(ins(GDB_RSP_WATCH_ACCESS, 0x400, 4), -EOPNOTSUPP);
	assert_int_equal(ins(GDB_RSP_WATCH_WRITE, 0x400, 0), -EINVAL);
	assert_int_equal(ins(GDB_RSP_WATCH_WRITE, 0x400, 9), -EINVAL);

	gdb_breaks_remove(&br, GDB_RSP_BREAK_SW, 0x1000, 1);
	gdb_breaks_remove(&br, GDB_RSP_BREAK_SW, 0x1010, 1);	/* a Z1's: no */
	assert_null(gdb_breaks_step_hit(&br, 0x1000));
	assert_non_null(gdb_breaks_step_hit(&br, 0x1010));
	gdb_breaks_remove(&br, GDB_RSP_BREAK_HW, 0x1010, 1);
	assert_false(gdb_breaks_stepping(&br));

	/* Each step is the one asked for; without one, the guest's own. */
	assert_int_equal(classify(1, 0x1001, 0x4000, true).kind,
			 GDB_HIT_STEP);
	assert_int_equal(classify(1, 0x1001, 0, true).kind, GDB_HIT_STEP);
	assert_int_equal(classify(1, 0x1001, 0x4000, false).kind,
			 GDB_HIT_GUEST_DB);
	assert_int_equal(classify(3, 0x1001, 0, true).kind,
			 GDB_HIT_GUEST_BP);
}

/* Write watches by stepping: changes seen, across a page boundary too. */
static void test_step_watch(void **state)
{
	const struct gdb_wp *w;

	(void)state;
	gdb_breaks_init(&br, &step_only);
	assert_int_equal(ins(GDB_RSP_WATCH_WRITE, 0xffe, 4), 0);
	assert_int_equal(ins(GDB_RSP_WATCH_WRITE, 0x400, 1), 0);
	assert_true(gdb_breaks_stepping(&br));
	assert_null(gdb_breaks_changed(&br, &mem));
	ram[0x1001] ^= 0xff;	/* the watch's last byte, on the next page */
	w = gdb_breaks_changed(&br, &mem);
	assert_non_null(w);
	assert_int_equal(w->addr, 0xffe);
	assert_int_equal(w->how, GDB_BY_STEP);
	/* Reported once: the snapshot moved on. */
	assert_null(gdb_breaks_changed(&br, &mem));
	ram[0x400]++;
	ram[0x1000]++;
	w = gdb_breaks_changed(&br, &mem);
	assert_non_null(w);
	w = gdb_breaks_changed(&br, &mem);
	assert_non_null(w);
	assert_null(gdb_breaks_changed(&br, &mem));
	/* A change gdb made itself is not the guest's: snapshot again. */
	ram[0x400]++;
	gdb_breaks_snapshot(&br, &mem);
	assert_null(gdb_breaks_changed(&br, &mem));
	/* One that cannot be read now never fires. */
	assert_int_equal(ins(GDB_RSP_WATCH_WRITE, UNMAPPED, 4), 0);
	assert_null(gdb_breaks_changed(&br, &mem));

	gdb_breaks_remove(&br, GDB_RSP_WATCH_WRITE, 0xffe, 2);	/* wrong len */
	ram[0xffe]++;
	assert_non_null(gdb_breaks_changed(&br, &mem));
	gdb_breaks_remove(&br, GDB_RSP_WATCH_WRITE, 0xffe, 4);
	gdb_breaks_remove(&br, GDB_RSP_WATCH_WRITE, 0x400, 1);
	gdb_breaks_remove(&br, GDB_RSP_WATCH_WRITE, UNMAPPED, 4);
	assert_false(gdb_breaks_stepping(&br));
	/* Eight at once, then no room. */
	for (unsigned int i = 0; i < GDB_MAX_WATCHES; i++)
		assert_int_equal(ins(GDB_RSP_WATCH_WRITE, 0x100 + 8 * i, 8),
				 0);
	assert_int_equal(ins(GDB_RSP_WATCH_WRITE, 0x200, 8), -ENOSPC);
}

/* A KVM that cannot even single-step: nothing but refusals. */
static void test_no_caps(void **state)
{
	(void)state;
	gdb_breaks_init(&br, &no_caps);
	assert_int_equal(ins(GDB_RSP_BREAK_SW, 0x1000, 1), -EOPNOTSUPP);
	assert_int_equal(ins(GDB_RSP_BREAK_HW, 0x1000, 1), -EOPNOTSUPP);
	assert_int_equal(ins(GDB_RSP_WATCH_WRITE, 0x400, 4), -EOPNOTSUPP);
	assert_false(gdb_breaks_stepping(&br));
}

/* A KVM whose int3 exits: Z0 plants one, and gdb never sees it. */
static void test_int3(void **state)
{
	struct kvm_guest_debug dbg;
	uint8_t orig = ram[0x1234], buf[16];
	const uint8_t data[2] = { 0x90, 0x55 };

	(void)state;
	gdb_breaks_init(&br, &int3_kvm);
	assert_int_equal(ins(GDB_RSP_BREAK_SW, 0x1234, 1), 0);
	assert_int_equal(ram[0x1234], 0xcc);
	assert_int_equal(ins(GDB_RSP_BREAK_SW, 0x1234, 1), 0);
	assert_int_equal(ram[0x1234], 0xcc);
	assert_false(gdb_breaks_stepping(&br));
	assert_null(gdb_breaks_step_hit(&br, 0x1234));
	dbg = debug_of();
	assert_int_equal(dbg.control, KVM_GUESTDBG_USE_SW_BP);
	assert_int_equal(dbg.arch.debugreg[7], 0);

	/* A read shows the guest's byte. */
	memcpy(buf, ram + 0x1230, sizeof(buf));
	gdb_breaks_mask(&br, ram + 0x1230, buf, sizeof(buf));
	assert_int_equal(buf[4], orig);
	assert_memory_equal(buf, ram + 0x1230, 4);
	/* A read that ends before it sees nothing of it. */
	memcpy(buf, ram + 0x1230, 4);
	gdb_breaks_mask(&br, ram + 0x1230, buf, 4);
	assert_memory_equal(buf, ram + 0x1230, 4);

	/* gdb writes over it: the new byte is the guest's, the int3 stays. */
	memcpy(ram + 0x1233, data, sizeof(data));
	gdb_breaks_rewrite(&br, ram + 0x1233, sizeof(data));
	assert_int_equal(ram[0x1233], 0x90);
	assert_int_equal(ram[0x1234], 0xcc);
	/* Even where gdb writes an int3 of its own there. */
	ram[0x1234] = 0xcc;
	gdb_breaks_rewrite(&br, ram + 0x1234, 1);
	memcpy(buf, ram + 0x1234, 1);
	gdb_breaks_mask(&br, ram + 0x1234, buf, 1);
	assert_int_equal(buf[0], 0xcc);
	ram[0x1234] = 0x55;
	gdb_breaks_rewrite(&br, ram + 0x1234, 1);
	assert_int_equal(ram[0x1234], 0xcc);
	memcpy(buf, ram + 0x1234, 1);
	gdb_breaks_mask(&br, ram + 0x1234, buf, 1);
	assert_int_equal(buf[0], 0x55);

	/* Ours, by the byte it stands on; any other int3 is the guest's. */
	assert_int_equal(classify(3, 0x1234, 0, false).kind, GDB_HIT_BREAK);
	assert_int_equal(classify(3, ALIAS + 0x1234, 0, false).kind,
			 GDB_HIT_BREAK);
	assert_int_equal(classify(3, 0x1235, 0, false).kind,
			 GDB_HIT_GUEST_BP);
	assert_int_equal(classify(3, UNMAPPED, 0, false).kind,
			 GDB_HIT_GUEST_BP);

	/* Resuming at it: lifted for one step, then back. */
	assert_false(gdb_breaks_lift(&br, 0x1233));
	assert_true(gdb_breaks_lift(&br, 0x1234));
	assert_int_equal(ram[0x1234], 0x55);
	gdb_breaks_unlift(&br);
	assert_int_equal(ram[0x1234], 0xcc);

	gdb_breaks_remove(&br, GDB_RSP_BREAK_SW, 0x1234, 1);
	assert_int_equal(ram[0x1234], 0x55);
	assert_int_equal(debug_of().control, 0);
	gdb_breaks_remove(&br, GDB_RSP_BREAK_SW, 0x1234, 1);	/* gone: fine */
	assert_int_equal(ram[0x1234], 0x55);

	/* No RAM for the int3. */
	assert_int_equal(ins(GDB_RSP_BREAK_SW, UNMAPPED, 1), -EFAULT);
	/* Z1 without debug registers: by stepping, memory untouched. */
	orig = ram[0x1300];
	assert_int_equal(ins(GDB_RSP_BREAK_HW, 0x1300, 1), 0);
	assert_int_equal(ram[0x1300], orig);
	assert_true(gdb_breaks_stepping(&br));
}

/* Two int3s on one byte (a second linear mapping of it): one byte saved. */
static void test_int3_twins(void **state)
{
	uint8_t orig = ram[0x2000];

	(void)state;
	gdb_breaks_init(&br, &int3_kvm);
	assert_int_equal(ins(GDB_RSP_BREAK_SW, 0x2000, 1), 0);
	assert_int_equal(ins(GDB_RSP_BREAK_SW, ALIAS + 0x2000, 1), 0);
	assert_int_equal(ram[0x2000], 0xcc);
	gdb_breaks_remove(&br, GDB_RSP_BREAK_SW, 0x2000, 1);
	assert_int_equal(ram[0x2000], 0xcc);	/* the twin still stands */
	gdb_breaks_remove(&br, GDB_RSP_BREAK_SW, ALIAS + 0x2000, 1);
	assert_int_equal(ram[0x2000], orig);

	/* clear() takes every one out, the guest's bytes back. */
	assert_int_equal(ins(GDB_RSP_BREAK_SW, 0x2000, 1), 0);
	assert_int_equal(ins(GDB_RSP_BREAK_SW, ALIAS + 0x2000, 1), 0);
	assert_int_equal(ins(GDB_RSP_BREAK_SW, 0x2001, 1), 0);
	gdb_breaks_clear(&br);
	assert_int_equal(ram[0x2000], (uint8_t)(0x2000 * 7 + 1));
	assert_int_equal(ram[0x2001], (uint8_t)(0x2001 * 7 + 1));
	assert_int_equal(debug_of().control, 0);

	/* 64 at once, then no room. */
	for (unsigned int i = 0; i < GDB_MAX_BREAKS; i++)
		assert_int_equal(ins(GDB_RSP_BREAK_SW, 0x100 + i, 1), 0);
	assert_int_equal(ins(GDB_RSP_BREAK_SW, 0x200, 1), -ENOSPC);
	gdb_breaks_clear(&br);
	for (unsigned int i = 0; i < RAM_SIZE; i++)
		assert_int_equal(ram[i], (uint8_t)(i * 7 + 1));
}

/* A KVM whose debug registers fire: four slots, the rest by stepping. */
static void test_debug_registers(void **state)
{
	struct kvm_guest_debug dbg;
	struct gdb_hit hit;

	(void)state;
	gdb_breaks_init(&br, &dr_kvm);
	assert_int_equal(ins(GDB_RSP_BREAK_HW, 0x1000, 1), 0);	  /* DR0 */
	assert_int_equal(ins(GDB_RSP_WATCH_WRITE, 0x400, 4), 0);  /* DR1 */
	assert_int_equal(ins(GDB_RSP_WATCH_ACCESS, 0x408, 8), 0); /* DR2 */
	assert_int_equal(ins(GDB_RSP_WATCH_WRITE, 0x412, 2), 0);  /* DR3 */
	assert_false(gdb_breaks_stepping(&br));
	dbg = debug_of();
	assert_int_equal(dbg.control, KVM_GUESTDBG_USE_HW_BP);
	assert_int_equal(dbg.arch.debugreg[0], 0x1000);
	assert_int_equal(dbg.arch.debugreg[1], 0x400);
	assert_int_equal(dbg.arch.debugreg[2], 0x408);
	assert_int_equal(dbg.arch.debugreg[3], 0x412);
	/*
	 * DR7: bit 10, G0-G3 (bits 1, 3, 5, 7); DR0 execute (R/W 00, LEN
	 * 00); DR1 write, 4 bytes (01, 11); DR2 access, 8 bytes (11, 10);
	 * DR3 write, 2 bytes (01, 01).
	 */
	assert_int_equal(dbg.arch.debugreg[7],
			 0x400 | 0xaa | (0x0u << 16) | (0xdu << 20) |
			 (0xbu << 24) | (0x5u << 28));

	/* Each slot's hit, by DR6.Bi; BS beside it changes nothing. */
	hit = classify(1, 0x1000, 0xffff0ff1, false);
	assert_int_equal(hit.kind, GDB_HIT_HWBREAK);
	assert_int_equal(hit.addr, 0x1000);
	hit = classify(1, 0x1007, 0xffff4ff2, true);
	assert_int_equal(hit.kind, GDB_HIT_WATCH);
	assert_int_equal(hit.addr, 0x400);
	hit = classify(1, 0x1007, 0xffff0ff4, false);
	assert_int_equal(hit.kind, GDB_HIT_AWATCH);
	assert_int_equal(hit.addr, 0x408);
	hit = classify(1, 0x1007, 0xffff0ff8, false);
	assert_int_equal(hit.kind, GDB_HIT_WATCH);
	assert_int_equal(hit.addr, 0x412);

	/* Full: a hbreak and a write watch step; an access watch cannot. */
	assert_int_equal(ins(GDB_RSP_WATCH_ACCESS, 0x500, 4), -ENOSPC);
	assert_int_equal(ins(GDB_RSP_WATCH_WRITE, 0x500, 4), 0);
	assert_int_equal(ins(GDB_RSP_BREAK_HW, 0x1100, 1), 0);
	assert_true(gdb_breaks_stepping(&br));
	assert_non_null(gdb_breaks_step_hit(&br, 0x1100));
	assert_int_equal(ins(GDB_RSP_WATCH_READ, 0x500, 4), -EOPNOTSUPP);

	/* Resuming at the DR0 breakpoint: off for one step, then on. */
	assert_true(gdb_breaks_lift(&br, 0x1000));
	dbg = debug_of();
	assert_int_equal(dbg.arch.debugreg[7] & 0x3, 0);
	assert_int_equal(dbg.arch.debugreg[7] & 0xa8, 0xa8);
	/* A match of a slot that is off is not a hit. */
	assert_int_equal(classify(1, 0x1000, 0xffff0ff1, true).kind,
			 GDB_HIT_STEP);
	gdb_breaks_unlift(&br);
	assert_int_equal(debug_of().arch.debugreg[7] & 0x2, 0x2);

	/* Removing one frees its register for the next. */
	gdb_breaks_remove(&br, GDB_RSP_WATCH_WRITE, 0x400, 4);
	assert_int_equal(ins(GDB_RSP_WATCH_ACCESS, 0x600, 1), 0);
	dbg = debug_of();
	assert_int_equal(dbg.arch.debugreg[1], 0x600);
	assert_int_equal((dbg.arch.debugreg[7] >> 20) & 0xf, 0x3);
	hit = classify(1, 0x1007, 0x2, false);
	assert_int_equal(hit.kind, GDB_HIT_AWATCH);
	assert_int_equal(hit.addr, 0x600);

	gdb_breaks_clear(&br);
	dbg = debug_of();
	assert_int_equal(dbg.control, 0);
	assert_int_equal(dbg.arch.debugreg[7], 0);
	/* Not ours any more: the guest's own #DB, or the step asked for. */
	assert_int_equal(classify(1, 0x1000, 0x1, false).kind,
			 GDB_HIT_GUEST_DB);
	assert_int_equal(classify(1, 0x1000, 0x1, true).kind, GDB_HIT_STEP);
}

/* Lengths and alignments a debug register cannot watch. */
static void test_debug_register_fit(void **state)
{
	(void)state;
	gdb_breaks_init(&br, &dr_kvm);
	/* Misaligned or odd-sized writes: by stepping instead. */
	assert_int_equal(ins(GDB_RSP_WATCH_WRITE, 0x401, 4), 0);
	assert_int_equal(ins(GDB_RSP_WATCH_WRITE, 0x400, 3), 0);
	assert_true(gdb_breaks_stepping(&br));
	assert_int_equal(debug_of().control, 0);
	/* An access watch has no other way. */
	assert_int_equal(ins(GDB_RSP_WATCH_ACCESS, 0x401, 4), -EINVAL);
	assert_int_equal(ins(GDB_RSP_WATCH_ACCESS, 0x400, 3), -EINVAL);
	/* Z0 without int3 exits takes a register while one is free. */
	assert_int_equal(ins(GDB_RSP_BREAK_SW, 0x1000, 1), 0);
	assert_int_equal(debug_of().arch.debugreg[0], 0x1000);
	assert_null(gdb_breaks_step_hit(&br, 0x1000));
}

/* Both: int3 for Z0, registers for Z1 and watches, side by side. */
static void test_both(void **state)
{
	const struct gdbstub_caps all = { true, true, true };
	struct kvm_guest_debug dbg;

	(void)state;
	gdb_breaks_init(&br, &all);
	assert_int_equal(ins(GDB_RSP_BREAK_SW, 0x1000, 1), 0);
	assert_int_equal(ins(GDB_RSP_BREAK_HW, 0x1000, 1), 0);
	assert_int_equal(ram[0x1000], 0xcc);
	dbg = debug_of();
	assert_int_equal(dbg.control,
			 KVM_GUESTDBG_USE_SW_BP | KVM_GUESTDBG_USE_HW_BP);
	assert_int_equal(dbg.arch.debugreg[0], 0x1000);
	/* Both lift at the PC they share, and both come back. */
	assert_true(gdb_breaks_lift(&br, 0x1000));
	assert_int_equal(ram[0x1000], (uint8_t)(0x1000 * 7 + 1));
	assert_int_equal(debug_of().arch.debugreg[7], 0);
	gdb_breaks_unlift(&br);
	assert_int_equal(ram[0x1000], 0xcc);
	assert_int_equal(debug_of().arch.debugreg[7], 0x402);
	gdb_breaks_clear(&br);
	assert_int_equal(ram[0x1000], (uint8_t)(0x1000 * 7 + 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_step_only, setup),
		cmocka_unit_test_setup(test_step_watch, setup),
		cmocka_unit_test_setup(test_no_caps, setup),
		cmocka_unit_test_setup(test_int3, setup),
		cmocka_unit_test_setup(test_int3_twins, setup),
		cmocka_unit_test_setup(test_debug_registers, setup),
		cmocka_unit_test_setup(test_debug_register_fit, setup),
		cmocka_unit_test_setup(test_both, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

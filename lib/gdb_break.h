/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gdb's breakpoints and watchpoints on one vCPU, and how each is done on
 * this KVM: natively where the KVM delivers it, an int3 planted in guest
 * memory (KVM_GUESTDBG_USE_SW_BP) or a debug register
 * (KVM_GUESTDBG_USE_HW_BP), and else by single-stepping and checking the
 * PC or the watched bytes after every instruction. The gdb session looks
 * the same either way. No KVM in here: the stub (gdbstub.c) lends guest
 * memory through struct gdb_mem, applies the kvm_guest_debug built here,
 * and asks what each KVM_EXIT_DEBUG means.
 */
#ifndef SIMVMM_GDB_BREAK_H
#define SIMVMM_GDB_BREAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "gdb_rsp.h"

#define GDB_MAX_BREAKS		64	/* Z0 and Z1 */
#define GDB_MAX_WATCHES		8	/* Z2 and Z4 */
#define GDB_NR_DR		4	/* DR0-DR3 */
#define GDB_WATCH_MAX_LEN	8

/* What this KVM delivers, found by gdbstub_probe(). */
struct gdbstub_caps {
	bool single_step;	/* KVM_GUESTDBG_SINGLESTEP exits after one insn */
	bool sw_bp;		/* int3 exits under KVM_GUESTDBG_USE_SW_BP */
	bool hw_bp;		/* a DR0 execution breakpoint exits */
};

/*
 * Guest memory by linear address: the host bytes behind [@addr, @addr +
 * @len), which lie within one page, or NULL where the guest has no RAM
 * mapped there.
 */
struct gdb_mem {
	uint8_t *(*map)(void *priv, uint64_t addr, size_t len);
	void *priv;
};

enum gdb_how {
	GDB_BY_STEP,		/* single-step and check */
	GDB_BY_INT3,		/* an int3 in guest memory */
	GDB_BY_DR,		/* a debug register */
};

struct gdb_bp {
	bool used;
	bool hw;		/* Z1, else Z0 */
	enum gdb_how how;
	uint64_t addr;		/* linear */
	uint8_t *byte;		/* GDB_BY_INT3: where the int3 stands */
	uint8_t saved;		/* GDB_BY_INT3: the guest's own byte there */
	bool lifted;		/* GDB_BY_INT3: taken out for one step */
	unsigned int dr;	/* GDB_BY_DR: its slot */
};

struct gdb_wp {
	bool used;
	enum gdb_rsp_break_type type;	/* GDB_RSP_WATCH_WRITE or _ACCESS */
	enum gdb_how how;	/* GDB_BY_STEP (writes only) or GDB_BY_DR */
	uint64_t addr;		/* linear */
	uint32_t len;
	unsigned int dr;	/* GDB_BY_DR: its slot */
	uint8_t old[GDB_WATCH_MAX_LEN];	/* GDB_BY_STEP: the bytes before */
	bool readable;		/* GDB_BY_STEP: old holds them */
};

struct gdb_breaks {
	struct gdbstub_caps caps;
	struct gdb_bp bp[GDB_MAX_BREAKS];
	struct gdb_wp wp[GDB_MAX_WATCHES];
	uint8_t dr_used;	/* bit i: DRi is taken */
	uint8_t dr_lifted;	/* bit i: DRi is off for one step */
};

/* What a KVM_EXIT_DEBUG means (gdb_breaks_classify()). */
enum gdb_hit_kind {
	GDB_HIT_STEP,		/* the single step asked for is done */
	GDB_HIT_BREAK,		/* one of our int3s */
	GDB_HIT_HWBREAK,	/* a debug-register breakpoint */
	GDB_HIT_WATCH,		/* a debug-register write watchpoint */
	GDB_HIT_AWATCH,		/* a debug-register access watchpoint */
	GDB_HIT_GUEST_BP,	/* the guest's own int3: it gets its #BP */
	GDB_HIT_GUEST_DB,	/* the guest's own #DB: it gets it */
};

struct gdb_hit {
	enum gdb_hit_kind kind;
	uint64_t addr;		/* the watched address, for the watches */
};

void gdb_breaks_init(struct gdb_breaks *b, const struct gdbstub_caps *caps);

/*
 * gdb's Z packet: a breakpoint or watchpoint of @type at linear @addr,
 * @kind bytes (watches). Natively where this KVM can, else by stepping.
 * Inserting one that is there already is fine. 0, or -EOPNOTSUPP (this
 * KVM cannot: read watchpoints never, access ones without debug
 * registers; stepping ones without single-step), -ENOSPC (all slots
 * taken), -EINVAL (a length outside 1-8), -EFAULT (no RAM for the int3).
 */
int gdb_breaks_insert(struct gdb_breaks *b, const struct gdb_mem *mem,
		      enum gdb_rsp_break_type type, uint64_t addr,
		      uint32_t kind);

/* gdb's z packet: remove it (its int3 byte restored); absent is fine. */
void gdb_breaks_remove(struct gdb_breaks *b, enum gdb_rsp_break_type type,
		       uint64_t addr, uint32_t kind);

/* Remove every one, every int3 byte restored: gdb is gone or done. */
void gdb_breaks_clear(struct gdb_breaks *b);

/*
 * Guest bytes gdb reads at host @hva (@n of them, copied into @buf): where
 * an int3 of ours stands, gdb sees the guest's own byte.
 */
void gdb_breaks_mask(const struct gdb_breaks *b, const uint8_t *hva,
		     uint8_t *buf, size_t n);

/*
 * gdb wrote @n bytes at host @hva: what it wrote under an int3 of ours is
 * the guest's new byte, and the int3 goes back on top.
 */
void gdb_breaks_rewrite(struct gdb_breaks *b, uint8_t *hva, size_t n);

/* Does a running guest need single-stepping for what is set? */
bool gdb_breaks_stepping(const struct gdb_breaks *b);

/* The stepping breakpoint at linear @pc, or NULL. */
const struct gdb_bp *gdb_breaks_step_hit(const struct gdb_breaks *b,
					 uint64_t pc);

/* Take the bytes of every stepping watchpoint, to compare after steps. */
void gdb_breaks_snapshot(struct gdb_breaks *b, const struct gdb_mem *mem);

/*
 * The first stepping watchpoint whose bytes changed since the snapshot
 * (which it updates), or NULL.
 */
const struct gdb_wp *gdb_breaks_changed(struct gdb_breaks *b,
					const struct gdb_mem *mem);

/*
 * Resuming at linear @pc, which holds a native breakpoint (an int3 or an
 * execution debug register) that would stop the guest before it moves:
 * take those out for one single step. Returns whether there were any;
 * gdb_breaks_unlift() puts them back after that step.
 */
bool gdb_breaks_lift(struct gdb_breaks *b, uint64_t pc);
void gdb_breaks_unlift(struct gdb_breaks *b);

/*
 * Add what the native breakpoints need to @dbg (control and the debug
 * registers): KVM_GUESTDBG_USE_SW_BP while an int3 stands, and
 * KVM_GUESTDBG_USE_HW_BP with DR7 while a debug register is on.
 */
void gdb_breaks_debug(const struct gdb_breaks *b, struct kvm_guest_debug *dbg);

/*
 * What the KVM_EXIT_DEBUG described by @arch means; @stepping: a single
 * step was asked for. @mem tells an int3 of ours from the guest's own.
 */
void gdb_breaks_classify(const struct gdb_breaks *b, const struct gdb_mem *mem,
			 const struct kvm_debug_exit_arch *arch, bool stepping,
			 struct gdb_hit *hit);

#endif /* SIMVMM_GDB_BREAK_H */

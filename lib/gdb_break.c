// SPDX-License-Identifier: GPL-2.0
/* gdb's breakpoints and watchpoints, natively or by stepping (gdb_break.h). */
#include <errno.h>
#include <string.h>

#include "gdb_break.h"

#define INT3			0xcc
#define BP_VECTOR		3
#define DB_VECTOR		1
#define PAGE_SIZE		4096

/* DR7: bit 10 reads as 1; per slot a global enable, R/W and LEN fields. */
#define DR7_FIXED		(1u << 10)
#define DR7_G(i)		(1u << (2 * (i) + 1))
#define DR7_RW_SHIFT(i)		(16 + 4 * (i))
#define DR7_LEN_SHIFT(i)	(18 + 4 * (i))
#define DR7_RW_EXEC		0u
#define DR7_RW_WRITE		1u
#define DR7_RW_ACCESS		3u

void gdb_breaks_init(struct gdb_breaks *b, const struct gdbstub_caps *caps)
{
	memset(b, 0, sizeof(*b));
	b->caps = *caps;
}

/* Bytes of linear [@addr, +@len) into @buf, page by page; all or false. */
static bool read_bytes(const struct gdb_mem *mem, uint64_t addr, uint8_t *buf,
		       size_t len)
{
	size_t done = 0, n;
	const uint8_t *p;

	while (done < len) {
		n = PAGE_SIZE - ((addr + done) & (PAGE_SIZE - 1));
		if (n > len - done)
			n = len - done;
		p = mem->map(mem->priv, addr + done, n);
		if (!p)
			return false;
		memcpy(buf + done, p, n);
		done += n;
	}
	return true;
}

static int free_dr(const struct gdb_breaks *b)
{
	unsigned int i;

	for (i = 0; i < GDB_NR_DR; i++)
		if (!(b->dr_used & (1u << i)))
			return i;
	return -1;
}

/* A debug register watches 1, 2, 4 or 8 bytes, aligned to their size. */
static bool dr_fits(uint64_t addr, uint32_t len)
{
	return (len == 1 || len == 2 || len == 4 || len == 8) &&
	       !(addr & (len - 1));
}

/* Another int3 of ours on the same byte (a Z1 beside a Z0, an alias). */
static const struct gdb_bp *int3_on(const struct gdb_breaks *b,
				    const uint8_t *byte,
				    const struct gdb_bp *except)
{
	unsigned int i;

	for (i = 0; i < GDB_MAX_BREAKS; i++)
		if (&b->bp[i] != except && b->bp[i].used &&
		    b->bp[i].how == GDB_BY_INT3 && b->bp[i].byte == byte)
			return &b->bp[i];
	return NULL;
}

static int insert_bp(struct gdb_breaks *b, const struct gdb_mem *mem,
		     bool hw, uint64_t addr)
{
	const struct gdb_bp *twin;
	struct gdb_bp *bp = NULL;
	unsigned int i;
	uint8_t *p;
	int dr;

	for (i = 0; i < GDB_MAX_BREAKS; i++) {
		if (b->bp[i].used && b->bp[i].hw == hw &&
		    b->bp[i].addr == addr)
			return 0;
		if (!b->bp[i].used && !bp)
			bp = &b->bp[i];
	}
	if (!bp)
		return -ENOSPC;
	memset(bp, 0, sizeof(*bp));
	bp->hw = hw;
	bp->addr = addr;
	/* Z0: an int3 if it exits; else, like Z1, a register if one is free. */
	dr = b->caps.hw_bp ? free_dr(b) : -1;
	if (!hw && b->caps.sw_bp) {
		p = mem->map(mem->priv, addr, 1);
		if (!p)
			return -EFAULT;
		twin = int3_on(b, p, NULL);
		bp->saved = twin ? twin->saved : *p;
		bp->byte = p;
		*p = INT3;
		bp->how = GDB_BY_INT3;
	} else if (dr >= 0) {
		bp->dr = dr;
		b->dr_used |= 1u << dr;
		bp->how = GDB_BY_DR;
	} else if (b->caps.single_step) {
		bp->how = GDB_BY_STEP;
	} else {
		return -EOPNOTSUPP;
	}
	bp->used = true;
	return 0;
}

static int insert_wp(struct gdb_breaks *b, const struct gdb_mem *mem,
		     enum gdb_rsp_break_type type, uint64_t addr, uint32_t len)
{
	struct gdb_wp *wp = NULL;
	unsigned int i;
	int dr;

	if (len < 1 || len > GDB_WATCH_MAX_LEN)
		return -EINVAL;
	for (i = 0; i < GDB_MAX_WATCHES; i++) {
		if (b->wp[i].used && b->wp[i].type == type &&
		    b->wp[i].addr == addr && b->wp[i].len == len)
			return 0;
		if (!b->wp[i].used && !wp)
			wp = &b->wp[i];
	}
	if (!wp)
		return -ENOSPC;
	memset(wp, 0, sizeof(*wp));
	wp->type = type;
	wp->addr = addr;
	wp->len = len;
	dr = b->caps.hw_bp && dr_fits(addr, len) ? free_dr(b) : -1;
	if (dr >= 0) {
		wp->dr = dr;
		b->dr_used |= 1u << dr;
		wp->how = GDB_BY_DR;
	} else if (type == GDB_RSP_WATCH_WRITE && b->caps.single_step) {
		wp->how = GDB_BY_STEP;
		wp->readable = read_bytes(mem, addr, wp->old, len);
	} else if (type == GDB_RSP_WATCH_ACCESS && b->caps.hw_bp) {
		/* Reads leave nothing to compare: a register or nothing. */
		return dr_fits(addr, len) ? -ENOSPC : -EINVAL;
	} else {
		return -EOPNOTSUPP;
	}
	wp->used = true;
	return 0;
}

int gdb_breaks_insert(struct gdb_breaks *b, const struct gdb_mem *mem,
		      enum gdb_rsp_break_type type, uint64_t addr,
		      uint32_t kind)
{
	switch (type) {
	case GDB_RSP_BREAK_SW:
	case GDB_RSP_BREAK_HW:
		return insert_bp(b, mem, type == GDB_RSP_BREAK_HW, addr);
	case GDB_RSP_WATCH_WRITE:
	case GDB_RSP_WATCH_ACCESS:
		return insert_wp(b, mem, type, addr, kind);
	default:
		/* x86 debug registers cannot tell a read from a write. */
		return -EOPNOTSUPP;
	}
}

static void release_bp(struct gdb_breaks *b, struct gdb_bp *bp)
{
	if (bp->how == GDB_BY_INT3 && !int3_on(b, bp->byte, bp))
		*bp->byte = bp->saved;
	if (bp->how == GDB_BY_DR) {
		b->dr_used &= ~(1u << bp->dr);
		b->dr_lifted &= ~(1u << bp->dr);
	}
	bp->used = false;
}

static void release_wp(struct gdb_breaks *b, struct gdb_wp *wp)
{
	if (wp->how == GDB_BY_DR)
		b->dr_used &= ~(1u << wp->dr);
	wp->used = false;
}

void gdb_breaks_remove(struct gdb_breaks *b, enum gdb_rsp_break_type type,
		       uint64_t addr, uint32_t kind)
{
	bool hw = type == GDB_RSP_BREAK_HW;
	unsigned int i;

	if (type == GDB_RSP_BREAK_SW || type == GDB_RSP_BREAK_HW) {
		for (i = 0; i < GDB_MAX_BREAKS; i++)
			if (b->bp[i].used && b->bp[i].hw == hw &&
			    b->bp[i].addr == addr)
				release_bp(b, &b->bp[i]);
		return;
	}
	for (i = 0; i < GDB_MAX_WATCHES; i++)
		if (b->wp[i].used && b->wp[i].type == type &&
		    b->wp[i].addr == addr && b->wp[i].len == kind)
			release_wp(b, &b->wp[i]);
}

void gdb_breaks_clear(struct gdb_breaks *b)
{
	unsigned int i;

	for (i = 0; i < GDB_MAX_BREAKS; i++)
		if (b->bp[i].used)
			release_bp(b, &b->bp[i]);
	for (i = 0; i < GDB_MAX_WATCHES; i++)
		if (b->wp[i].used)
			release_wp(b, &b->wp[i]);
	b->dr_lifted = 0;
}

/* The int3 of @bp, if it stands in host [@hva, +@n): its offset there. */
static bool int3_within(const struct gdb_bp *bp, const uint8_t *hva, size_t n,
			size_t *off)
{
	if (!bp->used || bp->how != GDB_BY_INT3 || bp->byte < hva ||
	    bp->byte >= hva + n)
		return false;
	*off = bp->byte - hva;
	return true;
}

void gdb_breaks_mask(const struct gdb_breaks *b, const uint8_t *hva,
		     uint8_t *buf, size_t n)
{
	unsigned int i;
	size_t off;

	for (i = 0; i < GDB_MAX_BREAKS; i++)
		if (int3_within(&b->bp[i], hva, n, &off))
			buf[off] = b->bp[i].saved;
}

void gdb_breaks_rewrite(struct gdb_breaks *b, uint8_t *hva, size_t n)
{
	struct gdb_bp *bp;
	unsigned int i;
	size_t off;

	/* Every twin takes the new byte before any int3 goes back. */
	for (i = 0; i < GDB_MAX_BREAKS; i++) {
		bp = &b->bp[i];
		if (int3_within(bp, hva, n, &off))
			bp->saved = hva[off];
	}
	for (i = 0; i < GDB_MAX_BREAKS; i++) {
		bp = &b->bp[i];
		if (int3_within(bp, hva, n, &off) && !bp->lifted)
			hva[off] = INT3;
	}
}

bool gdb_breaks_stepping(const struct gdb_breaks *b)
{
	unsigned int i;

	for (i = 0; i < GDB_MAX_BREAKS; i++)
		if (b->bp[i].used && b->bp[i].how == GDB_BY_STEP)
			return true;
	for (i = 0; i < GDB_MAX_WATCHES; i++)
		if (b->wp[i].used && b->wp[i].how == GDB_BY_STEP)
			return true;
	return false;
}

const struct gdb_bp *gdb_breaks_step_hit(const struct gdb_breaks *b,
					 uint64_t pc)
{
	unsigned int i;

	for (i = 0; i < GDB_MAX_BREAKS; i++)
		if (b->bp[i].used && b->bp[i].how == GDB_BY_STEP &&
		    b->bp[i].addr == pc)
			return &b->bp[i];
	return NULL;
}

void gdb_breaks_snapshot(struct gdb_breaks *b, const struct gdb_mem *mem)
{
	struct gdb_wp *wp;
	unsigned int i;

	for (i = 0; i < GDB_MAX_WATCHES; i++) {
		wp = &b->wp[i];
		if (wp->used && wp->how == GDB_BY_STEP)
			wp->readable = read_bytes(mem, wp->addr, wp->old,
						  wp->len);
	}
}

const struct gdb_wp *gdb_breaks_changed(struct gdb_breaks *b,
					const struct gdb_mem *mem)
{
	uint8_t now[GDB_WATCH_MAX_LEN];
	struct gdb_wp *wp;
	unsigned int i;

	for (i = 0; i < GDB_MAX_WATCHES; i++) {
		wp = &b->wp[i];
		if (!wp->used || wp->how != GDB_BY_STEP || !wp->readable)
			continue;
		if (read_bytes(mem, wp->addr, now, wp->len) &&
		    memcmp(now, wp->old, wp->len)) {
			memcpy(wp->old, now, wp->len);
			return wp;
		}
	}
	return NULL;
}

bool gdb_breaks_lift(struct gdb_breaks *b, uint64_t pc)
{
	struct gdb_bp *bp;
	bool any = false;
	unsigned int i;

	for (i = 0; i < GDB_MAX_BREAKS; i++) {
		bp = &b->bp[i];
		if (!bp->used || bp->addr != pc)
			continue;
		if (bp->how == GDB_BY_INT3) {
			*bp->byte = bp->saved;
			bp->lifted = true;
			any = true;
		} else if (bp->how == GDB_BY_DR) {
			b->dr_lifted |= 1u << bp->dr;
			any = true;
		}
	}
	return any;
}

void gdb_breaks_unlift(struct gdb_breaks *b)
{
	struct gdb_bp *bp;
	unsigned int i;

	for (i = 0; i < GDB_MAX_BREAKS; i++) {
		bp = &b->bp[i];
		if (bp->used && bp->lifted) {
			*bp->byte = INT3;
			bp->lifted = false;
		}
	}
	b->dr_lifted = 0;
}

void gdb_breaks_debug(const struct gdb_breaks *b, struct kvm_guest_debug *dbg)
{
	uint32_t dr7 = 0, rw, len;
	const struct gdb_bp *bp;
	const struct gdb_wp *wp;
	unsigned int i;

	for (i = 0; i < GDB_MAX_BREAKS; i++) {
		bp = &b->bp[i];
		if (!bp->used)
			continue;
		if (bp->how == GDB_BY_INT3)
			dbg->control |= KVM_GUESTDBG_USE_SW_BP;
		if (bp->how != GDB_BY_DR || (b->dr_lifted & (1u << bp->dr)))
			continue;
		dbg->arch.debugreg[bp->dr] = bp->addr;
		dr7 |= DR7_G(bp->dr);	/* R/W and LEN 0: execution */
	}
	for (i = 0; i < GDB_MAX_WATCHES; i++) {
		wp = &b->wp[i];
		if (!wp->used || wp->how != GDB_BY_DR)
			continue;
		rw = wp->type == GDB_RSP_WATCH_WRITE ? DR7_RW_WRITE :
		     DR7_RW_ACCESS;
		/* LEN: 00 one byte, 01 two, 11 four, 10 eight. */
		len = wp->len == 8 ? 2 : wp->len - 1;
		dbg->arch.debugreg[wp->dr] = wp->addr;
		dr7 |= DR7_G(wp->dr) | rw << DR7_RW_SHIFT(wp->dr) |
		       len << DR7_LEN_SHIFT(wp->dr);
	}
	if (dr7) {
		dbg->control |= KVM_GUESTDBG_USE_HW_BP;
		dbg->arch.debugreg[7] = DR7_FIXED | dr7;
	}
}

/* What fired debug register @dr, if it is ours and on. */
static bool dr_hit(const struct gdb_breaks *b, unsigned int dr,
		   struct gdb_hit *hit)
{
	unsigned int i;

	if (!(b->dr_used & (1u << dr)) || (b->dr_lifted & (1u << dr)))
		return false;
	for (i = 0; i < GDB_MAX_BREAKS; i++) {
		if (b->bp[i].used && b->bp[i].how == GDB_BY_DR &&
		    b->bp[i].dr == dr) {
			hit->kind = GDB_HIT_HWBREAK;
			hit->addr = b->bp[i].addr;
			return true;
		}
	}
	for (i = 0; i < GDB_MAX_WATCHES; i++) {
		if (b->wp[i].used && b->wp[i].how == GDB_BY_DR &&
		    b->wp[i].dr == dr) {
			hit->kind = b->wp[i].type == GDB_RSP_WATCH_WRITE ?
				    GDB_HIT_WATCH : GDB_HIT_AWATCH;
			hit->addr = b->wp[i].addr;
			return true;
		}
	}
	return false;
}

void gdb_breaks_classify(const struct gdb_breaks *b, const struct gdb_mem *mem,
			 const struct kvm_debug_exit_arch *arch, bool stepping,
			 struct gdb_hit *hit)
{
	const uint8_t *p;
	unsigned int i;

	hit->addr = arch->pc;
	if (arch->exception == BP_VECTOR) {
		p = mem->map(mem->priv, arch->pc, 1);
		hit->kind = p && int3_on(b, p, NULL) ? GDB_HIT_BREAK :
			    GDB_HIT_GUEST_BP;
		return;
	}
	/*
	 * A #DB: a debug register of ours (DR6.Bi; the CPU may set Bi for
	 * a match it was not asked for, so only slots that are on count),
	 * else the step asked for, whether or not this KVM sets DR6.BS.
	 */
	for (i = 0; i < GDB_NR_DR; i++)
		if ((arch->dr6 & (1u << i)) && dr_hit(b, i, hit))
			return;
	hit->kind = stepping ? GDB_HIT_STEP : GDB_HIT_GUEST_DB;
}

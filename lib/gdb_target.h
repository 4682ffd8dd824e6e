/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What gdb is told about the target, per CPU mode: the XML target
 * description (qXfer:features:read:target.xml) and the register layout
 * it implies for 'g', 'G', 'p' and 'P'. No KVM here: the stub maps each
 * register's id to kvm_regs, kvm_sregs or kvm_fpu.
 */
#ifndef SIMVMM_GDB_TARGET_H
#define SIMVMM_GDB_TARGET_H

#include <stddef.h>

#include "cpu_mode.h"

/*
 * The machine register behind a gdb register, whatever the mode calls
 * it: eax and rax are both GDB_REG_RAX (32-bit modes show the low half).
 */
enum gdb_reg_id {
	GDB_REG_RAX, GDB_REG_RBX, GDB_REG_RCX, GDB_REG_RDX,
	GDB_REG_RSI, GDB_REG_RDI, GDB_REG_RBP, GDB_REG_RSP,
	GDB_REG_R8, GDB_REG_R9, GDB_REG_R10, GDB_REG_R11,
	GDB_REG_R12, GDB_REG_R13, GDB_REG_R14, GDB_REG_R15,
	GDB_REG_RIP, GDB_REG_RFLAGS,
	/* Selectors, 32 bits wide in gdb's layout. */
	GDB_REG_CS, GDB_REG_SS, GDB_REG_DS, GDB_REG_ES, GDB_REG_FS, GDB_REG_GS,
	/* x87: gdb's i386 core feature must have them (it rejects one without). */
	GDB_REG_ST0, GDB_REG_ST1, GDB_REG_ST2, GDB_REG_ST3,
	GDB_REG_ST4, GDB_REG_ST5, GDB_REG_ST6, GDB_REG_ST7,
	GDB_REG_FCTRL, GDB_REG_FSTAT, GDB_REG_FTAG, GDB_REG_FISEG,
	GDB_REG_FIOFF, GDB_REG_FOSEG, GDB_REG_FOOFF, GDB_REG_FOP,
	/* Long mode only (org.gnu.gdb.i386.segments). */
	GDB_REG_FS_BASE, GDB_REG_GS_BASE,
	/* org.simvmm.x86.sys; EFER in long mode only. */
	GDB_REG_CR0, GDB_REG_CR2, GDB_REG_CR3, GDB_REG_CR4, GDB_REG_EFER,
	GDB_REG_NR,
};

/* One gdb register: its number is its index in gdb_target_regs(). */
struct gdb_reg {
	const char *name;	/* as in the target description */
	enum gdb_reg_id id;
	unsigned int size;	/* bytes, little-endian on the wire */
	unsigned int offset;	/* of its bytes in the 'g' packet */
};

/*
 * The registers of @mode in gdb's order, *@count of them, offsets
 * contiguous from 0; NULL and 0 for a mode that does not exist.
 */
const struct gdb_reg *gdb_target_regs(enum cpu_mode mode,
				      unsigned int *count);

/* Bytes of register data in a full 'g' reply (twice that in hex); 0 if none. */
unsigned int gdb_target_g_size(enum cpu_mode mode);

/* The whole target.xml of @mode, *@len bytes, NUL-terminated; or NULL. */
const char *gdb_target_xml(enum cpu_mode mode, size_t *len);

/* gdb's architecture name: "i8086", "i386" or "i386:x86-64"; or NULL. */
const char *gdb_target_arch(enum cpu_mode mode);

#endif /* SIMVMM_GDB_TARGET_H */

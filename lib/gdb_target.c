// SPDX-License-Identifier: GPL-2.0
/*
 * Target descriptions for gdb, one per CPU mode, and the register tables
 * that must match them: the 'g' packet is the registers in the order the
 * XML lists them (tests/unit/test_gdb_rsp.c checks both against each
 * other). gdb validates org.gnu.gdb.i386.core by exact register names in
 * its fixed order, x87 included; SSE is optional and left out. System
 * registers go in a feature of our own, which gdb shows as it finds it.
 */
#include "gdb_target.h"
#include "util.h"

/* ---- register tables ----------------------------------------------------- */

/*
 * Real, protected and paged mode: i386's order (eax ecx edx ebx ...),
 * then x87, then org.simvmm.x86.sys.
 */
static const struct gdb_reg regs32[] = {
	{ "eax", GDB_REG_RAX, 4, 0 },
	{ "ecx", GDB_REG_RCX, 4, 4 },
	{ "edx", GDB_REG_RDX, 4, 8 },
	{ "ebx", GDB_REG_RBX, 4, 12 },
	{ "esp", GDB_REG_RSP, 4, 16 },
	{ "ebp", GDB_REG_RBP, 4, 20 },
	{ "esi", GDB_REG_RSI, 4, 24 },
	{ "edi", GDB_REG_RDI, 4, 28 },
	{ "eip", GDB_REG_RIP, 4, 32 },
	{ "eflags", GDB_REG_RFLAGS, 4, 36 },
	{ "cs", GDB_REG_CS, 4, 40 },
	{ "ss", GDB_REG_SS, 4, 44 },
	{ "ds", GDB_REG_DS, 4, 48 },
	{ "es", GDB_REG_ES, 4, 52 },
	{ "fs", GDB_REG_FS, 4, 56 },
	{ "gs", GDB_REG_GS, 4, 60 },
	{ "st0", GDB_REG_ST0, 10, 64 },
	{ "st1", GDB_REG_ST1, 10, 74 },
	{ "st2", GDB_REG_ST2, 10, 84 },
	{ "st3", GDB_REG_ST3, 10, 94 },
	{ "st4", GDB_REG_ST4, 10, 104 },
	{ "st5", GDB_REG_ST5, 10, 114 },
	{ "st6", GDB_REG_ST6, 10, 124 },
	{ "st7", GDB_REG_ST7, 10, 134 },
	{ "fctrl", GDB_REG_FCTRL, 4, 144 },
	{ "fstat", GDB_REG_FSTAT, 4, 148 },
	{ "ftag", GDB_REG_FTAG, 4, 152 },
	{ "fiseg", GDB_REG_FISEG, 4, 156 },
	{ "fioff", GDB_REG_FIOFF, 4, 160 },
	{ "foseg", GDB_REG_FOSEG, 4, 164 },
	{ "fooff", GDB_REG_FOOFF, 4, 168 },
	{ "fop", GDB_REG_FOP, 4, 172 },
	{ "cr0", GDB_REG_CR0, 4, 176 },
	{ "cr2", GDB_REG_CR2, 4, 180 },
	{ "cr3", GDB_REG_CR3, 4, 184 },
	{ "cr4", GDB_REG_CR4, 4, 188 },
};
#define REGS32_SIZE 192

/*
 * Long mode: amd64's order (rax rbx rcx rdx rsi rdi rbp rsp r8..r15),
 * then x87, org.gnu.gdb.i386.segments and org.simvmm.x86.sys.
 */
static const struct gdb_reg regs64[] = {
	{ "rax", GDB_REG_RAX, 8, 0 },
	{ "rbx", GDB_REG_RBX, 8, 8 },
	{ "rcx", GDB_REG_RCX, 8, 16 },
	{ "rdx", GDB_REG_RDX, 8, 24 },
	{ "rsi", GDB_REG_RSI, 8, 32 },
	{ "rdi", GDB_REG_RDI, 8, 40 },
	{ "rbp", GDB_REG_RBP, 8, 48 },
	{ "rsp", GDB_REG_RSP, 8, 56 },
	{ "r8", GDB_REG_R8, 8, 64 },
	{ "r9", GDB_REG_R9, 8, 72 },
	{ "r10", GDB_REG_R10, 8, 80 },
	{ "r11", GDB_REG_R11, 8, 88 },
	{ "r12", GDB_REG_R12, 8, 96 },
	{ "r13", GDB_REG_R13, 8, 104 },
	{ "r14", GDB_REG_R14, 8, 112 },
	{ "r15", GDB_REG_R15, 8, 120 },
	{ "rip", GDB_REG_RIP, 8, 128 },
	{ "eflags", GDB_REG_RFLAGS, 4, 136 },
	{ "cs", GDB_REG_CS, 4, 140 },
	{ "ss", GDB_REG_SS, 4, 144 },
	{ "ds", GDB_REG_DS, 4, 148 },
	{ "es", GDB_REG_ES, 4, 152 },
	{ "fs", GDB_REG_FS, 4, 156 },
	{ "gs", GDB_REG_GS, 4, 160 },
	{ "st0", GDB_REG_ST0, 10, 164 },
	{ "st1", GDB_REG_ST1, 10, 174 },
	{ "st2", GDB_REG_ST2, 10, 184 },
	{ "st3", GDB_REG_ST3, 10, 194 },
	{ "st4", GDB_REG_ST4, 10, 204 },
	{ "st5", GDB_REG_ST5, 10, 214 },
	{ "st6", GDB_REG_ST6, 10, 224 },
	{ "st7", GDB_REG_ST7, 10, 234 },
	{ "fctrl", GDB_REG_FCTRL, 4, 244 },
	{ "fstat", GDB_REG_FSTAT, 4, 248 },
	{ "ftag", GDB_REG_FTAG, 4, 252 },
	{ "fiseg", GDB_REG_FISEG, 4, 256 },
	{ "fioff", GDB_REG_FIOFF, 4, 260 },
	{ "foseg", GDB_REG_FOSEG, 4, 264 },
	{ "fooff", GDB_REG_FOOFF, 4, 268 },
	{ "fop", GDB_REG_FOP, 4, 272 },
	{ "fs_base", GDB_REG_FS_BASE, 8, 276 },
	{ "gs_base", GDB_REG_GS_BASE, 8, 284 },
	{ "cr0", GDB_REG_CR0, 8, 292 },
	{ "cr2", GDB_REG_CR2, 8, 300 },
	{ "cr3", GDB_REG_CR3, 8, 308 },
	{ "cr4", GDB_REG_CR4, 8, 316 },
	{ "efer", GDB_REG_EFER, 8, 324 },
};
#define REGS64_SIZE 332

/* ---- XML --------------------------------------------------------------- */

#define REG(name, bits, type)						\
	"<reg name=\"" name "\" bitsize=\"" #bits "\" type=\"" type "\"/>\n"
#define REG_IN(name, bits, type, group)					\
	"<reg name=\"" name "\" bitsize=\"" #bits "\" type=\"" type	\
	"\" group=\"" group "\"/>\n"
#define BIT(name, n)							\
	"<field name=\"" name "\" start=\"" #n "\" end=\"" #n "\"/>\n"

#define XML_HEAD(arch)							\
	"<?xml version=\"1.0\"?>\n"					\
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"			\
	"<target version=\"1.0\">\n"					\
	"<architecture>" arch "</architecture>\n"			\
	"<osabi>none</osabi>\n"
#define XML_TAIL "</target>\n"

/* gdb's own i386_eflags type, so eflags prints as [ ZF PF ... ]. */
#define EFLAGS_TYPE							\
	"<flags id=\"i386_eflags\" size=\"4\">\n"			\
	BIT("CF", 0) BIT("", 1) BIT("PF", 2) BIT("AF", 4) BIT("ZF", 6)	\
	BIT("SF", 7) BIT("TF", 8) BIT("IF", 9) BIT("DF", 10)		\
	BIT("OF", 11) BIT("NT", 14) BIT("RF", 16) BIT("VM", 17)		\
	BIT("AC", 18) BIT("VIF", 19) BIT("VIP", 20) BIT("ID", 21)	\
	"</flags>\n"

/* Both cores end alike: selectors, then x87. */
#define CORE_TAIL_XML							\
	REG("cs", 32, "int32") REG("ss", 32, "int32")			\
	REG("ds", 32, "int32") REG("es", 32, "int32")			\
	REG("fs", 32, "int32") REG("gs", 32, "int32")			\
	REG("st0", 80, "i387_ext") REG("st1", 80, "i387_ext")		\
	REG("st2", 80, "i387_ext") REG("st3", 80, "i387_ext")		\
	REG("st4", 80, "i387_ext") REG("st5", 80, "i387_ext")		\
	REG("st6", 80, "i387_ext") REG("st7", 80, "i387_ext")		\
	REG_IN("fctrl", 32, "int", "float")				\
	REG_IN("fstat", 32, "int", "float")				\
	REG_IN("ftag", 32, "int", "float")				\
	REG_IN("fiseg", 32, "int", "float")				\
	REG_IN("fioff", 32, "int", "float")				\
	REG_IN("foseg", 32, "int", "float")				\
	REG_IN("fooff", 32, "int", "float")				\
	REG_IN("fop", 32, "int", "float")				\
	"</feature>\n"

#define CORE32_XML							\
	"<feature name=\"org.gnu.gdb.i386.core\">\n"			\
	EFLAGS_TYPE							\
	REG("eax", 32, "int32") REG("ecx", 32, "int32")			\
	REG("edx", 32, "int32") REG("ebx", 32, "int32")			\
	REG("esp", 32, "data_ptr") REG("ebp", 32, "data_ptr")		\
	REG("esi", 32, "int32") REG("edi", 32, "int32")			\
	REG("eip", 32, "code_ptr") REG("eflags", 32, "i386_eflags")	\
	CORE_TAIL_XML

#define CORE64_XML							\
	"<feature name=\"org.gnu.gdb.i386.core\">\n"			\
	EFLAGS_TYPE							\
	REG("rax", 64, "int64") REG("rbx", 64, "int64")			\
	REG("rcx", 64, "int64") REG("rdx", 64, "int64")			\
	REG("rsi", 64, "int64") REG("rdi", 64, "int64")			\
	REG("rbp", 64, "data_ptr") REG("rsp", 64, "data_ptr")		\
	REG("r8", 64, "int64") REG("r9", 64, "int64")			\
	REG("r10", 64, "int64") REG("r11", 64, "int64")			\
	REG("r12", 64, "int64") REG("r13", 64, "int64")			\
	REG("r14", 64, "int64") REG("r15", 64, "int64")			\
	REG("rip", 64, "code_ptr") REG("eflags", 32, "i386_eflags")	\
	CORE_TAIL_XML

#define SEGMENTS64_XML							\
	"<feature name=\"org.gnu.gdb.i386.segments\">\n"		\
	REG("fs_base", 64, "int") REG("gs_base", 64, "int")		\
	"</feature>\n"

/* The control-register bits, named so 'info registers cr0' decodes them. */
#define CR0_TYPE(size)							\
	"<flags id=\"simvmm_cr0\" size=\"" size "\">\n"			\
	BIT("PE", 0) BIT("MP", 1) BIT("EM", 2) BIT("TS", 3) BIT("ET", 4) \
	BIT("NE", 5) BIT("WP", 16) BIT("AM", 18) BIT("NW", 29)		\
	BIT("CD", 30) BIT("PG", 31)					\
	"</flags>\n"
#define CR4_TYPE(size)							\
	"<flags id=\"simvmm_cr4\" size=\"" size "\">\n"			\
	BIT("VME", 0) BIT("PVI", 1) BIT("TSD", 2) BIT("DE", 3)		\
	BIT("PSE", 4) BIT("PAE", 5) BIT("MCE", 6) BIT("PGE", 7)		\
	BIT("PCE", 8) BIT("OSFXSR", 9) BIT("OSXMMEXCPT", 10)		\
	BIT("UMIP", 11) BIT("LA57", 12) BIT("VMXE", 13) BIT("SMXE", 14) \
	BIT("FSGSBASE", 16) BIT("PCIDE", 17) BIT("OSXSAVE", 18)		\
	BIT("SMEP", 20) BIT("SMAP", 21) BIT("PKE", 22)			\
	"</flags>\n"
#define EFER_TYPE							\
	"<flags id=\"simvmm_efer\" size=\"8\">\n"			\
	BIT("SCE", 0) BIT("LME", 8) BIT("LMA", 10) BIT("NXE", 11)	\
	BIT("SVME", 12) BIT("LMSLE", 13) BIT("FFXSR", 14) BIT("TCE", 15) \
	"</flags>\n"

/*
 * group="system" is for front ends that use it: gdb's i386 port ignores
 * it for registers it does not know and lists them as general ones.
 */
#define SYS32_XML							\
	"<feature name=\"org.simvmm.x86.sys\">\n"			\
	CR0_TYPE("4") CR4_TYPE("4")					\
	REG_IN("cr0", 32, "simvmm_cr0", "system")			\
	REG_IN("cr2", 32, "int32", "system")				\
	REG_IN("cr3", 32, "int32", "system")				\
	REG_IN("cr4", 32, "simvmm_cr4", "system")			\
	"</feature>\n"

#define SYS64_XML							\
	"<feature name=\"org.simvmm.x86.sys\">\n"			\
	CR0_TYPE("8") CR4_TYPE("8") EFER_TYPE				\
	REG_IN("cr0", 64, "simvmm_cr0", "system")			\
	REG_IN("cr2", 64, "int64", "system")				\
	REG_IN("cr3", 64, "int64", "system")				\
	REG_IN("cr4", 64, "simvmm_cr4", "system")			\
	REG_IN("efer", 64, "simvmm_efer", "system")			\
	"</feature>\n"

/* gdb's i8086 is i386 with 16-bit disassembly: the same 32-bit registers. */
static const char xml_real[] =
	XML_HEAD("i8086") CORE32_XML SYS32_XML XML_TAIL;
static const char xml_protected[] =
	XML_HEAD("i386") CORE32_XML SYS32_XML XML_TAIL;
static const char xml_long[] =
	XML_HEAD("i386:x86-64") CORE64_XML SEGMENTS64_XML SYS64_XML XML_TAIL;

/* ---- per mode ---------------------------------------------------------- */

struct target {
	const char *arch;
	const char *xml;
	size_t xml_len;
	const struct gdb_reg *regs;
	unsigned int count;
	unsigned int g_size;
};

static const struct target targets[] = {
	[CPU_MODE_REAL] = { "i8086", xml_real, sizeof(xml_real) - 1,
			    regs32, ARRAY_SIZE(regs32), REGS32_SIZE },
	[CPU_MODE_PROTECTED] = { "i386", xml_protected,
				 sizeof(xml_protected) - 1, regs32,
				 ARRAY_SIZE(regs32), REGS32_SIZE },
	[CPU_MODE_PAGED] = { "i386", xml_protected,
			     sizeof(xml_protected) - 1, regs32,
			     ARRAY_SIZE(regs32), REGS32_SIZE },
	[CPU_MODE_LONG] = { "i386:x86-64", xml_long, sizeof(xml_long) - 1,
			    regs64, ARRAY_SIZE(regs64), REGS64_SIZE },
};

static const struct target *target_of(enum cpu_mode mode)
{
	if ((unsigned int)mode >= ARRAY_SIZE(targets))
		return NULL;
	return &targets[mode];
}

const struct gdb_reg *gdb_target_regs(enum cpu_mode mode,
				      unsigned int *count)
{
	const struct target *t = target_of(mode);

	*count = t ? t->count : 0;
	return t ? t->regs : NULL;
}

unsigned int gdb_target_g_size(enum cpu_mode mode)
{
	const struct target *t = target_of(mode);

	return t ? t->g_size : 0;
}

const char *gdb_target_xml(enum cpu_mode mode, size_t *len)
{
	const struct target *t = target_of(mode);

	*len = t ? t->xml_len : 0;
	return t ? t->xml : NULL;
}

const char *gdb_target_arch(enum cpu_mode mode)
{
	const struct target *t = target_of(mode);

	return t ? t->arch : NULL;
}

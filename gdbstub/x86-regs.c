// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The x86 register file as gdb sees it: target descriptions (gdb manual,
 * Appendix G "Target Descriptions", features org.gnu.gdb.i386.core, .sse,
 * .segments) for i386:x86-64 and for i386, and the conversion of each
 * register between CPUX86State and gdb's little-endian byte layout.
 *
 * The description is chosen when gdb asks for it (at connection): x86-64
 * while the vCPU is in long mode, i386 otherwise. The i386 one is what makes
 * `set architecture i8086` acceptable to gdb for real-mode code. Register
 * numbers are the order of the description, one table per layout.
 *
 * Not here: reading the state out of the accelerator (gdbstub.c syncs first).
 */
#include "gdbstub/gdbstub-internal.h"
#include "target/i386/cpu.h"

enum reg_kind { K_GPR, K_RIP, K_EFLAGS, K_SEG, K_ST, K_FPU, K_XMM, K_MXCSR, K_SEGBASE,
		K_KGSBASE, K_CR, K_CR8, K_EFER };
enum { F_CORE, F_SSE, F_SEGMENTS, F_SYS, F_NR };

struct reg_def {
	const char *name;
	uint8_t bits;
	const char *type;
	uint8_t feature;
	uint8_t kind;
	uint8_t index;
};

static const char *const feature_names[F_NR] = {
	"org.gnu.gdb.i386.core", "org.gnu.gdb.i386.sse", "org.gnu.gdb.i386.segments",
	"org.kemu.gdb.x86.sys",
};

#define GPR64(n, i, t) { n, 64, t, F_CORE, K_GPR, i }
#define GPR32(n, i, t) { n, 32, t, F_CORE, K_GPR, i }
#define SEG(n, i) { n, 32, "int32", F_CORE, K_SEG, i }
#define ST(i) { "st" #i, 80, "i387_ext", F_CORE, K_ST, i }
#define FPU(n, i) { n, 32, "int", F_CORE, K_FPU, i }
#define XMM(i) { "xmm" #i, 128, "vec128", F_SSE, K_XMM, i }

/* gdb's amd64 order (gdb/features/i386/64bit-core.xml lists the same names) */
static const struct reg_def regs64[] = {
	GPR64("rax", R_EAX, "int64"), GPR64("rbx", R_EBX, "int64"), GPR64("rcx", R_ECX, "int64"),
	GPR64("rdx", R_EDX, "int64"), GPR64("rsi", R_ESI, "int64"), GPR64("rdi", R_EDI, "int64"),
	GPR64("rbp", R_EBP, "data_ptr"), GPR64("rsp", R_ESP, "data_ptr"),
	GPR64("r8", R_R8, "int64"), GPR64("r9", R_R9, "int64"), GPR64("r10", R_R10, "int64"),
	GPR64("r11", R_R11, "int64"), GPR64("r12", R_R12, "int64"), GPR64("r13", R_R13, "int64"),
	GPR64("r14", R_R14, "int64"), GPR64("r15", R_R15, "int64"),
	{ "rip", 64, "code_ptr", F_CORE, K_RIP, 0 },
	{ "eflags", 32, "i386_eflags", F_CORE, K_EFLAGS, 0 },
	SEG("cs", R_CS), SEG("ss", R_SS), SEG("ds", R_DS), SEG("es", R_ES), SEG("fs", R_FS),
	SEG("gs", R_GS),
	ST(0), ST(1), ST(2), ST(3), ST(4), ST(5), ST(6), ST(7),
	FPU("fctrl", 0), FPU("fstat", 1), FPU("ftag", 2), FPU("fiseg", 3), FPU("fioff", 4),
	FPU("foseg", 5), FPU("fooff", 6), FPU("fop", 7),
	XMM(0), XMM(1), XMM(2), XMM(3), XMM(4), XMM(5), XMM(6), XMM(7),
	XMM(8), XMM(9), XMM(10), XMM(11), XMM(12), XMM(13), XMM(14), XMM(15),
	{ "mxcsr", 32, "i386_mxcsr", F_SSE, K_MXCSR, 0 },
	{ "fs_base", 64, "int64", F_SEGMENTS, K_SEGBASE, R_FS },
	{ "gs_base", 64, "int64", F_SEGMENTS, K_SEGBASE, R_GS },
	{ "k_gs_base", 64, "int64", F_SYS, K_KGSBASE, 0 },
	{ "cr0", 64, "int64", F_SYS, K_CR, 0 },
	{ "cr2", 64, "int64", F_SYS, K_CR, 2 },
	{ "cr3", 64, "int64", F_SYS, K_CR, 3 },
	{ "cr4", 64, "int64", F_SYS, K_CR, 4 },
	{ "cr8", 64, "int64", F_SYS, K_CR8, 0 },
	{ "efer", 64, "int64", F_SYS, K_EFER, 0 },
};

/* gdb's i386 order (gdb/features/i386/32bit-core.xml) */
static const struct reg_def regs32[] = {
	GPR32("eax", R_EAX, "int32"), GPR32("ecx", R_ECX, "int32"), GPR32("edx", R_EDX, "int32"),
	GPR32("ebx", R_EBX, "int32"), GPR32("esp", R_ESP, "data_ptr"),
	GPR32("ebp", R_EBP, "data_ptr"), GPR32("esi", R_ESI, "int32"),
	GPR32("edi", R_EDI, "int32"),
	{ "eip", 32, "code_ptr", F_CORE, K_RIP, 0 },
	{ "eflags", 32, "i386_eflags", F_CORE, K_EFLAGS, 0 },
	SEG("cs", R_CS), SEG("ss", R_SS), SEG("ds", R_DS), SEG("es", R_ES), SEG("fs", R_FS),
	SEG("gs", R_GS),
	ST(0), ST(1), ST(2), ST(3), ST(4), ST(5), ST(6), ST(7),
	FPU("fctrl", 0), FPU("fstat", 1), FPU("ftag", 2), FPU("fiseg", 3), FPU("fioff", 4),
	FPU("foseg", 5), FPU("fooff", 6), FPU("fop", 7),
	XMM(0), XMM(1), XMM(2), XMM(3), XMM(4), XMM(5), XMM(6), XMM(7),
	{ "mxcsr", 32, "i386_mxcsr", F_SSE, K_MXCSR, 0 },
	/* gdb 13's i386 (not amd64) asserts on org.gnu.gdb.i386.segments: ours instead */
	{ "fs_base", 32, "int32", F_SYS, K_SEGBASE, R_FS },
	{ "gs_base", 32, "int32", F_SYS, K_SEGBASE, R_GS },
	{ "cr0", 32, "int32", F_SYS, K_CR, 0 },
	{ "cr2", 32, "int32", F_SYS, K_CR, 2 },
	{ "cr3", 32, "int32", F_SYS, K_CR, 3 },
	{ "cr4", 32, "int32", F_SYS, K_CR, 4 },
	{ "efer", 64, "int64", F_SYS, K_EFER, 0 },
};

static const struct reg_def *regs_for(bool x86_64, unsigned *n)
{
	*n = x86_64 ? G_N_ELEMENTS(regs64) : G_N_ELEMENTS(regs32);
	return x86_64 ? regs64 : regs32;
}

unsigned gdb_x86_num_regs(bool x86_64)
{
	unsigned n;

	regs_for(x86_64, &n);
	return n;
}

/* Types gdb/features/i386 defines for these features, written out here. */
static const char eflags_type[] =
	"<flags id=\"i386_eflags\" size=\"4\">"
	"<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>"
	"<field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/>"
	"<field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/>"
	"<field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/>"
	"<field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>"
	"<field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" end=\"16\"/>"
	"<field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" end=\"18\"/>"
	"<field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>"
	"<field name=\"ID\" start=\"21\" end=\"21\"/></flags>";
static const char sse_types[] =
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
	"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
	"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
	"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
	"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
	"<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"
	"<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>"
	"<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" type=\"v4i32\"/>"
	"<field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/>"
	"</union>"
	"<flags id=\"i386_mxcsr\" size=\"4\">"
	"<field name=\"IE\" start=\"0\" end=\"0\"/><field name=\"DE\" start=\"1\" end=\"1\"/>"
	"<field name=\"ZE\" start=\"2\" end=\"2\"/><field name=\"OE\" start=\"3\" end=\"3\"/>"
	"<field name=\"UE\" start=\"4\" end=\"4\"/><field name=\"PE\" start=\"5\" end=\"5\"/>"
	"<field name=\"DAZ\" start=\"6\" end=\"6\"/><field name=\"IM\" start=\"7\" end=\"7\"/>"
	"<field name=\"DM\" start=\"8\" end=\"8\"/><field name=\"ZM\" start=\"9\" end=\"9\"/>"
	"<field name=\"OM\" start=\"10\" end=\"10\"/><field name=\"UM\" start=\"11\" end=\"11\"/>"
	"<field name=\"PM\" start=\"12\" end=\"12\"/><field name=\"FZ\" start=\"15\" end=\"15\"/>"
	"</flags>";

char *gdb_x86_target_xml(bool x86_64)
{
	unsigned n;
	const struct reg_def *regs = regs_for(x86_64, &n);
	GString *x = g_string_new("<?xml version=\"1.0\"?>"
				  "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
				  "<target version=\"1.0\">");

	g_string_append_printf(x, "<architecture>%s</architecture>",
			       x86_64 ? "i386:x86-64" : "i386");
	for (int f = 0; f < F_NR; f++) {
		bool used = false;

		for (unsigned i = 0; i < n; i++)
			used |= regs[i].feature == f;
		if (!used)
			continue;
		g_string_append_printf(x, "<feature name=\"%s\">", feature_names[f]);
		if (f == F_CORE)
			g_string_append(x, eflags_type);
		if (f == F_SSE)
			g_string_append(x, sse_types);
		for (unsigned i = 0; i < n; i++) {
			if (regs[i].feature != f)
				continue;
			g_string_append_printf(x, "<reg name=\"%s\" bitsize=\"%u\" type=\"%s\"",
					       regs[i].name, regs[i].bits, regs[i].type);
			if (regs[i].kind == K_ST || regs[i].kind == K_FPU)
				g_string_append(x, " group=\"float\"");
			else if (regs[i].kind == K_XMM || regs[i].kind == K_MXCSR)
				g_string_append(x, " group=\"vector\"");
			else if (f == F_SYS)
				g_string_append(x, " group=\"system\"");
			g_string_append(x, "/>");
		}
		g_string_append(x, "</feature>");
	}
	g_string_append(x, "</target>");
	return g_string_free(x, false);
}

/* x87 stack register i is physical register (TOP + i) mod 8 (SDM vol. 1 §8.1.2). */
static struct floatx80 *st_reg(CPUX86State *env, unsigned i)
{
	return &env->st[(((env->fpu_status >> 11) & 7) + i) & 7];
}

static uint64_t fpu_value(CPUX86State *env, unsigned i)
{
	switch (i) {
	case 0: return env->fpu_control;
	case 1: return env->fpu_status;
	case 2: return env->fpu_tag;
	case 3: return env->fpu_cs;
	case 4: return (uint32_t)env->fpu_ip;
	case 5: return env->fpu_ds;
	case 6: return (uint32_t)env->fpu_dp;
	default: return env->fpu_opcode & 0x7ff;
	}
}

int gdb_x86_read_reg(CPUX86State *env, bool x86_64, unsigned nr, uint8_t *buf)
{
	unsigned n;
	const struct reg_def *regs = regs_for(x86_64, &n);
	const struct reg_def *r;
	uint64_t v;

	if (nr >= n)
		return 0;
	r = &regs[nr];
	switch (r->kind) {
	case K_GPR: v = env->regs[r->index]; break;
	case K_RIP: v = env->rip; break;
	case K_EFLAGS: v = env->rflags; break;
	case K_SEG: v = env->segs[r->index].selector; break;
	case K_ST: {
		struct floatx80 *f = st_reg(env, r->index);

		stq_le_p(buf, f->mantissa);
		stw_le_p(buf + 8, f->sign_exponent);
		return 10;
	}
	case K_FPU: v = fpu_value(env, r->index); break;
	case K_XMM: memcpy(buf, env->xmm[r->index].b, 16); return 16;
	case K_MXCSR: v = env->mxcsr; break;
	case K_SEGBASE: v = env->segs[r->index].base; break;
	case K_KGSBASE: v = env->kernel_gs_base; break;
	case K_CR: v = env->cr[r->index]; break;
	case K_CR8: v = env->cr8; break;
	default: v = env->efer; break;
	}
	if (r->bits == 64) {
		stq_le_p(buf, v);
		return 8;
	}
	stl_le_p(buf, v);
	return 4;
}

int gdb_x86_reg_size(bool x86_64, unsigned nr)
{
	unsigned n;
	const struct reg_def *regs = regs_for(x86_64, &n);

	return nr < n ? regs[nr].bits / 8 : 0;
}

/*
 * Write one register from gdb. Returns its size, 0 if there is no such
 * register. Only values the architecture allows are stored: segment
 * selectors change the selector alone (the hidden part stays as loaded, as
 * QEMU's stub does outside real mode), and control registers are refused.
 */
int gdb_x86_write_reg(CPUX86State *env, bool x86_64, unsigned nr, const uint8_t *buf)
{
	unsigned n;
	const struct reg_def *regs = regs_for(x86_64, &n);
	const struct reg_def *r;
	uint64_t v;

	if (nr >= n)
		return 0;
	r = &regs[nr];
	v = r->bits == 64 ? ldq_le_p(buf) : r->bits == 32 ? ldl_le_p(buf) : 0;
	switch (r->kind) {
	case K_GPR:
		if (x86_64)
			env->regs[r->index] = v;
		else	/* a 32-bit register write leaves bits 63:32 as they were */
			env->regs[r->index] = (env->regs[r->index] & ~0xffffffffULL) | v;
		break;
	case K_RIP:
		env->rip = x86_64 ? v : (env->rip & ~0xffffffffULL) | v;
		break;
	case K_EFLAGS:
		/* reserved bits keep their architectural values (SDM vol. 1 §3.4.3) */
		env->rflags = (v & 0x3f7fd5) | X86_EFLAGS_FIXED;
		break;
	case K_SEG:
		env->segs[r->index].selector = v;
		/* in real mode and vm86 the base follows the selector (SDM vol. 3A §20.1.1) */
		if (!(env->cr[0] & CR0_PE) || (env->rflags & X86_EFLAGS_VM))
			env->segs[r->index].base = (v & 0xffff) << 4;
		break;
	case K_ST: {
		struct floatx80 *f = st_reg(env, r->index);

		f->mantissa = ldq_le_p(buf);
		f->sign_exponent = lduw_le_p(buf + 8);
		break;
	}
	case K_FPU:
		switch (r->index) {
		case 0: env->fpu_control = v; break;
		case 1: env->fpu_status = v; break;
		case 2: env->fpu_tag = v; break;
		case 3: env->fpu_cs = v; break;
		case 4: env->fpu_ip = (uint32_t)v; break;
		case 5: env->fpu_ds = v; break;
		case 6: env->fpu_dp = (uint32_t)v; break;
		default: env->fpu_opcode = v & 0x7ff; break;
		}
		break;
	case K_XMM:
		memcpy(env->xmm[r->index].b, buf, 16);
		break;
	case K_MXCSR:
		env->mxcsr = v & 0xffff;
		break;
	case K_SEGBASE:
		env->segs[r->index].base = v;
		break;
	case K_KGSBASE:
		env->kernel_gs_base = v;
		break;
	default:
		/* cr0-cr8, efer: gdb may not change the paging mode under the vCPU */
		break;
	}
	return r->bits / 8;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Disassembler for -d in_asm and the monitor's x/i, in Intel syntax
 * ("mov eax, dword ptr [ebx+0x4]"), built on the same decoder as the
 * executor. Operand specifications use the SDM vol. 2D appendix A notation
 * (Eb, Gv, Iz, Jb, ...). Instructions it has no name for print as "(bad)"
 * after a valid decode, with their bytes.
 */
#include "kemu/common.h"
#include "target/i386/internal.h"

struct dis_op {
	const char *name;
	const char *args;
};

static const char *const alu_names[8] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };
static const char *const sh_names[8] = { "rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar" };
static const char *const grp3_names[8] = { "test", "test", "not", "neg", "mul", "imul", "div", "idiv" };
static const char *const grp5_names[8] = { "inc", "dec", "call", "call far", "jmp", "jmp far", "push", "(bad)" };
static const char *const cc_names[16] = { "o", "no", "b", "ae", "e", "ne", "be", "a",
					   "s", "ns", "p", "np", "l", "ge", "le", "g" };
static const char *const grp6_names[8] = { "sldt", "str", "lldt", "ltr", "verr", "verw", "(bad)", "(bad)" };
static const char *const grp7_names[8] = { "sgdt", "sidt", "lgdt", "lidt", "smsw", "(bad)", "lmsw", "invlpg" };
static const char *const grp15_names[8] = { "fxsave", "fxrstor", "ldmxcsr", "stmxcsr", "xsave", "xrstor", "xsaveopt", "clflush" };
static const char *const seg_names[8] = { "es", "cs", "ss", "ds", "fs", "gs", "?", "?" };

static const struct dis_op one_byte[256] = {
	[0x06] = { "push", "es" }, [0x07] = { "pop", "es" }, [0x0e] = { "push", "cs" },
	[0x16] = { "push", "ss" }, [0x17] = { "pop", "ss" }, [0x1e] = { "push", "ds" },
	[0x1f] = { "pop", "ds" }, [0x27] = { "daa", "" }, [0x2f] = { "das", "" },
	[0x37] = { "aaa", "" }, [0x3f] = { "aas", "" },
	[0x60] = { "pusha", "" }, [0x61] = { "popa", "" }, [0x62] = { "bound", "Gv,M" },
	[0x63] = { "movsxd", "Gv,Ed" }, [0x68] = { "push", "Iz" }, [0x69] = { "imul", "Gv,Ev,Iz" },
	[0x6a] = { "push", "Ib" }, [0x6b] = { "imul", "Gv,Ev,Ib" },
	[0x6c] = { "insb", "" }, [0x6d] = { "ins", "" }, [0x6e] = { "outsb", "" }, [0x6f] = { "outs", "" },
	[0x84] = { "test", "Eb,Gb" }, [0x85] = { "test", "Ev,Gv" }, [0x86] = { "xchg", "Eb,Gb" },
	[0x87] = { "xchg", "Ev,Gv" }, [0x88] = { "mov", "Eb,Gb" }, [0x89] = { "mov", "Ev,Gv" },
	[0x8a] = { "mov", "Gb,Eb" }, [0x8b] = { "mov", "Gv,Ev" }, [0x8c] = { "mov", "Ew,Sw" },
	[0x8d] = { "lea", "Gv,M" }, [0x8e] = { "mov", "Sw,Ew" }, [0x8f] = { "pop", "Ev" },
	[0x90] = { "nop", "" }, [0x98] = { "cwde", "" }, [0x99] = { "cdq", "" },
	[0x9a] = { "call far", "Ap" }, [0x9b] = { "fwait", "" }, [0x9c] = { "pushf", "" },
	[0x9d] = { "popf", "" }, [0x9e] = { "sahf", "" }, [0x9f] = { "lahf", "" },
	[0xa0] = { "mov", "AL,Ob" }, [0xa1] = { "mov", "rAX,Ov" }, [0xa2] = { "mov", "Ob,AL" },
	[0xa3] = { "mov", "Ov,rAX" }, [0xa4] = { "movsb", "" }, [0xa5] = { "movs", "" },
	[0xa6] = { "cmpsb", "" }, [0xa7] = { "cmps", "" }, [0xa8] = { "test", "AL,Ib" },
	[0xa9] = { "test", "rAX,Iz" }, [0xaa] = { "stosb", "" }, [0xab] = { "stos", "" },
	[0xac] = { "lodsb", "" }, [0xad] = { "lods", "" }, [0xae] = { "scasb", "" }, [0xaf] = { "scas", "" },
	[0xc2] = { "ret", "Iw" }, [0xc3] = { "ret", "" }, [0xc4] = { "les", "Gv,M" }, [0xc5] = { "lds", "Gv,M" },
	[0xc6] = { "mov", "Eb,Ib" }, [0xc7] = { "mov", "Ev,Iz" }, [0xc8] = { "enter", "Iw,Ib2" },
	[0xc9] = { "leave", "" }, [0xca] = { "retf", "Iw" }, [0xcb] = { "retf", "" },
	[0xcc] = { "int3", "" }, [0xcd] = { "int", "Ib" }, [0xce] = { "into", "" }, [0xcf] = { "iret", "" },
	[0xd4] = { "aam", "Ib" }, [0xd5] = { "aad", "Ib" }, [0xd6] = { "salc", "" }, [0xd7] = { "xlat", "" },
	[0xe0] = { "loopne", "Jb" }, [0xe1] = { "loope", "Jb" }, [0xe2] = { "loop", "Jb" },
	[0xe3] = { "jcxz", "Jb" }, [0xe4] = { "in", "AL,Ib" }, [0xe5] = { "in", "eAX,Ib" },
	[0xe6] = { "out", "Ib,AL" }, [0xe7] = { "out", "Ib,eAX" }, [0xe8] = { "call", "Jz" },
	[0xe9] = { "jmp", "Jz" }, [0xea] = { "jmp far", "Ap" }, [0xeb] = { "jmp", "Jb" },
	[0xec] = { "in", "AL,DX" }, [0xed] = { "in", "eAX,DX" }, [0xee] = { "out", "DX,AL" },
	[0xef] = { "out", "DX,eAX" }, [0xf1] = { "int1", "" }, [0xf4] = { "hlt", "" }, [0xf5] = { "cmc", "" },
	[0xf8] = { "clc", "" }, [0xf9] = { "stc", "" }, [0xfa] = { "cli", "" }, [0xfb] = { "sti", "" },
	[0xfc] = { "cld", "" }, [0xfd] = { "std", "" },
};

static const struct dis_op two_byte[256] = {
	[0x02] = { "lar", "Gv,Ew" }, [0x03] = { "lsl", "Gv,Ew" }, [0x05] = { "syscall", "" },
	[0x06] = { "clts", "" }, [0x07] = { "sysret", "" }, [0x08] = { "invd", "" },
	[0x09] = { "wbinvd", "" }, [0x0b] = { "ud2", "" }, [0x0d] = { "prefetch", "M" },
	[0x1f] = { "nop", "Ev" }, [0x20] = { "mov", "Rd,Cd" }, [0x21] = { "mov", "Rd,Dd" },
	[0x22] = { "mov", "Cd,Rd" }, [0x23] = { "mov", "Dd,Rd" }, [0x30] = { "wrmsr", "" },
	[0x31] = { "rdtsc", "" }, [0x32] = { "rdmsr", "" }, [0x33] = { "rdpmc", "" },
	[0x34] = { "sysenter", "" }, [0x35] = { "sysexit", "" }, [0xa0] = { "push", "fs" },
	[0xa1] = { "pop", "fs" }, [0xa2] = { "cpuid", "" }, [0xa3] = { "bt", "Ev,Gv" },
	[0xa4] = { "shld", "Ev,Gv,Ib" }, [0xa5] = { "shld", "Ev,Gv,CL" }, [0xa8] = { "push", "gs" },
	[0xa9] = { "pop", "gs" }, [0xab] = { "bts", "Ev,Gv" }, [0xac] = { "shrd", "Ev,Gv,Ib" },
	[0xad] = { "shrd", "Ev,Gv,CL" }, [0xaf] = { "imul", "Gv,Ev" }, [0xb0] = { "cmpxchg", "Eb,Gb" },
	[0xb1] = { "cmpxchg", "Ev,Gv" }, [0xb2] = { "lss", "Gv,M" }, [0xb3] = { "btr", "Ev,Gv" },
	[0xb4] = { "lfs", "Gv,M" }, [0xb5] = { "lgs", "Gv,M" }, [0xb6] = { "movzx", "Gv,Eb" },
	[0xb7] = { "movzx", "Gv,Ew" }, [0xb8] = { "popcnt", "Gv,Ev" }, [0xbb] = { "btc", "Ev,Gv" },
	[0xbc] = { "bsf", "Gv,Ev" }, [0xbd] = { "bsr", "Gv,Ev" }, [0xbe] = { "movsx", "Gv,Eb" },
	[0xbf] = { "movsx", "Gv,Ew" }, [0xc0] = { "xadd", "Eb,Gb" }, [0xc1] = { "xadd", "Ev,Gv" },
};

/* SSE/MMX names by prefix: none, 66, F3, F2 ("" = invalid) */
static const struct { uint8_t op; const char *n[4]; } sse_names[] = {
	{ 0x10, { "movups", "movupd", "movss", "movsd" } }, { 0x11, { "movups", "movupd", "movss", "movsd" } },
	{ 0x12, { "movlps", "movlpd", "movsldup", "movddup" } }, { 0x13, { "movlps", "movlpd", "", "" } },
	{ 0x14, { "unpcklps", "unpcklpd", "", "" } }, { 0x15, { "unpckhps", "unpckhpd", "", "" } },
	{ 0x16, { "movhps", "movhpd", "movshdup", "" } }, { 0x17, { "movhps", "movhpd", "", "" } },
	{ 0x28, { "movaps", "movapd", "", "" } }, { 0x29, { "movaps", "movapd", "", "" } },
	{ 0x2a, { "cvtpi2ps", "cvtpi2pd", "cvtsi2ss", "cvtsi2sd" } }, { 0x2b, { "movntps", "movntpd", "", "" } },
	{ 0x2c, { "cvttps2pi", "cvttpd2pi", "cvttss2si", "cvttsd2si" } },
	{ 0x2d, { "cvtps2pi", "cvtpd2pi", "cvtss2si", "cvtsd2si" } },
	{ 0x2e, { "ucomiss", "ucomisd", "", "" } }, { 0x2f, { "comiss", "comisd", "", "" } },
	{ 0x50, { "movmskps", "movmskpd", "", "" } }, { 0x51, { "sqrtps", "sqrtpd", "sqrtss", "sqrtsd" } },
	{ 0x52, { "rsqrtps", "", "rsqrtss", "" } }, { 0x53, { "rcpps", "", "rcpss", "" } },
	{ 0x54, { "andps", "andpd", "", "" } }, { 0x55, { "andnps", "andnpd", "", "" } },
	{ 0x56, { "orps", "orpd", "", "" } }, { 0x57, { "xorps", "xorpd", "", "" } },
	{ 0x58, { "addps", "addpd", "addss", "addsd" } }, { 0x59, { "mulps", "mulpd", "mulss", "mulsd" } },
	{ 0x5a, { "cvtps2pd", "cvtpd2ps", "cvtss2sd", "cvtsd2ss" } },
	{ 0x5b, { "cvtdq2ps", "cvtps2dq", "cvttps2dq", "" } },
	{ 0x5c, { "subps", "subpd", "subss", "subsd" } }, { 0x5d, { "minps", "minpd", "minss", "minsd" } },
	{ 0x5e, { "divps", "divpd", "divss", "divsd" } }, { 0x5f, { "maxps", "maxpd", "maxss", "maxsd" } },
	{ 0x60, { "punpcklbw", "punpcklbw" } }, { 0x61, { "punpcklwd", "punpcklwd" } },
	{ 0x62, { "punpckldq", "punpckldq" } }, { 0x63, { "packsswb", "packsswb" } },
	{ 0x64, { "pcmpgtb", "pcmpgtb" } }, { 0x65, { "pcmpgtw", "pcmpgtw" } }, { 0x66, { "pcmpgtd", "pcmpgtd" } },
	{ 0x67, { "packuswb", "packuswb" } }, { 0x68, { "punpckhbw", "punpckhbw" } },
	{ 0x69, { "punpckhwd", "punpckhwd" } }, { 0x6a, { "punpckhdq", "punpckhdq" } },
	{ 0x6b, { "packssdw", "packssdw" } }, { 0x6c, { "", "punpcklqdq" } }, { 0x6d, { "", "punpckhqdq" } },
	{ 0x6e, { "movd", "movd" } }, { 0x6f, { "movq", "movdqa", "movdqu", "" } },
	{ 0x70, { "pshufw", "pshufd", "pshufhw", "pshuflw" } }, { 0x74, { "pcmpeqb", "pcmpeqb" } },
	{ 0x75, { "pcmpeqw", "pcmpeqw" } }, { 0x76, { "pcmpeqd", "pcmpeqd" } }, { 0x77, { "emms" } },
	{ 0x7c, { "", "haddpd", "", "haddps" } }, { 0x7d, { "", "hsubpd", "", "hsubps" } },
	{ 0x7e, { "movd", "movd", "movq", "" } }, { 0x7f, { "movq", "movdqa", "movdqu", "" } },
	{ 0xc2, { "cmpps", "cmppd", "cmpss", "cmpsd" } }, { 0xc3, { "movnti" } },
	{ 0xc4, { "pinsrw", "pinsrw" } }, { 0xc5, { "pextrw", "pextrw" } }, { 0xc6, { "shufps", "shufpd" } },
	{ 0xd0, { "", "addsubpd", "", "addsubps" } }, { 0xd6, { "", "movq", "movq2dq", "movdq2q" } },
	{ 0xd7, { "pmovmskb", "pmovmskb" } }, { 0xe6, { "", "cvttpd2dq", "cvtdq2pd", "cvtpd2dq" } },
	{ 0xe7, { "movntq", "movntdq" } }, { 0xef, { "pxor", "pxor" } }, { 0xeb, { "por", "por" } },
	{ 0xdb, { "pand", "pand" } }, { 0xdf, { "pandn", "pandn" } }, { 0xf0, { "", "", "", "lddqu" } },
	{ 0xd4, { "paddq", "paddq" } }, { 0xfe, { "paddd", "paddd" } }, { 0xfc, { "paddb", "paddb" } },
	{ 0xfd, { "paddw", "paddw" } }, { 0xf8, { "psubb", "psubb" } }, { 0xfa, { "psubd", "psubd" } },
	{ 0xfb, { "psubq", "psubq" } }, { 0xda, { "pminub", "pminub" } }, { 0xde, { "pmaxub", "pmaxub" } },
};

static const char *const x87_mem_names[8][8] = {
	{ "fadd dword", "fmul dword", "fcom dword", "fcomp dword", "fsub dword", "fsubr dword", "fdiv dword", "fdivr dword" },
	{ "fld dword", "(bad)", "fst dword", "fstp dword", "fldenv", "fldcw", "fnstenv", "fnstcw" },
	{ "fiadd dword", "fimul dword", "ficom dword", "ficomp dword", "fisub dword", "fisubr dword", "fidiv dword", "fidivr dword" },
	{ "fild dword", "fisttp dword", "fist dword", "fistp dword", "(bad)", "fld tbyte", "(bad)", "fstp tbyte" },
	{ "fadd qword", "fmul qword", "fcom qword", "fcomp qword", "fsub qword", "fsubr qword", "fdiv qword", "fdivr qword" },
	{ "fld qword", "fisttp qword", "fst qword", "fstp qword", "frstor", "(bad)", "fnsave", "fnstsw" },
	{ "fiadd word", "fimul word", "ficom word", "ficomp word", "fisub word", "fisubr word", "fidiv word", "fidivr word" },
	{ "fild word", "fisttp word", "fist word", "fistp word", "fbld", "fild qword", "fbstp", "fistp qword" },
};

static const char *const reg64[16] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
				       "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" };
static const char *const reg32[16] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
				       "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d" };
static const char *const reg16[16] = { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
				       "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w" };
static const char *const reg8[16] = { "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
				      "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b" };
static const char *const reg8_legacy[8] = { "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh" };

static const char *reg_name(const struct x86_insn *i, int r, unsigned size)
{
	switch (size) {
	case 1: return i->rex ? reg8[r] : (r < 8 ? reg8_legacy[r] : reg8[r]);
	case 2: return reg16[r];
	case 4: return reg32[r];
	default: return reg64[r];
	}
}

static const char *areg_name(const struct x86_insn *i, int r)
{
	return i->addrsize == 8 ? reg64[r] : i->addrsize == 4 ? reg32[r] : reg16[r];
}

static void fmt_mem(GString *o, const struct x86_insn *i, unsigned size, uint64_t next_rip)
{
	static const char *const ptr[] = { "", "byte ptr ", "word ptr ", "", "dword ptr ",
					   "", "", "", "qword ptr " };
	if (size <= 8)
		g_string_append(o, ptr[size]);
	if (i->seg >= 0)
		g_string_append_printf(o, "%s:", seg_names[i->seg]);
	g_string_append_c(o, '[');
	bool any = false;
	if (i->base == 16) {
		g_string_append_printf(o, "rip%+" PRId64 "] ; 0x%" PRIx64, i->disp, next_rip + i->disp);
		return;
	}
	if (i->base >= 0) {
		g_string_append(o, areg_name(i, i->base));
		any = true;
	}
	if (i->index >= 0) {
		g_string_append_printf(o, "%s%s", any ? "+" : "", areg_name(i, i->index));
		if (i->scale)
			g_string_append_printf(o, "*%d", 1 << i->scale);
		any = true;
	}
	if (i->disp || !any) {
		if (any)
			g_string_append_printf(o, "%s0x%" PRIx64, i->disp < 0 ? "-" : "+",
					       i->disp < 0 ? -(uint64_t)i->disp : (uint64_t)i->disp);
		else
			g_string_append_printf(o, "0x%" PRIx64, (uint64_t)i->disp & size_mask(i->addrsize));
	}
	g_string_append_c(o, ']');
}

static unsigned spec_size(const struct x86_insn *i, char c)
{
	switch (c) {
	case 'b': return 1;
	case 'w': return 2;
	case 'd': return 4;
	case 'q': return 8;
	case 'z': return i->opsize == 2 ? 2 : 4;
	default: return i->opsize;
	}
}

static void fmt_args(GString *o, const struct x86_insn *i, const char *args, uint64_t rip, int bits)
{
	uint64_t next = rip + i->len;
	bool first = true;
	for (const char *a = args; *a;) {
		const char *end = strchr(a, ',');
		size_t n = end ? (size_t)(end - a) : strlen(a);
		char spec[8] = { 0 };
		memcpy(spec, a, n < 7 ? n : 7);
		g_string_append(o, first ? " " : ", ");
		first = false;
		char k = spec[0], sz = spec[1];
		if (!strcmp(spec, "AL") || !strcmp(spec, "CL") || !strcmp(spec, "DX") ||
		    !strcmp(spec, "es") || !strcmp(spec, "cs") || !strcmp(spec, "ss") ||
		    !strcmp(spec, "ds") || !strcmp(spec, "fs") || !strcmp(spec, "gs")) {
			g_autofree char *low = g_ascii_strdown(spec, -1);
			g_string_append(o, low);
		} else if (!strcmp(spec, "rAX")) {
			g_string_append(o, reg_name(i, 0, i->opsize));
		} else if (!strcmp(spec, "eAX")) {
			g_string_append(o, reg_name(i, 0, i->opsize == 2 ? 2 : 4));
		} else if (!strcmp(spec, "Ib2")) {
			g_string_append_printf(o, "0x%" PRIx64, i->imm2);
		} else if (k == 'E' || k == 'M') {
			if (i->mem)
				fmt_mem(o, i, k == 'M' ? 0 : spec_size(i, sz), next);
			else
				g_string_append(o, reg_name(i, i->rm, spec_size(i, sz)));
		} else if (k == 'G') {
			g_string_append(o, reg_name(i, i->reg, spec_size(i, sz)));
		} else if (k == 'R') {
			g_string_append(o, reg_name(i, i->rm, bits == 64 ? 8 : 4));
		} else if (k == 'C') {
			g_string_append_printf(o, "cr%d", i->reg);
		} else if (k == 'D') {
			g_string_append_printf(o, "dr%d", i->reg);
		} else if (k == 'S') {
			g_string_append(o, seg_names[i->reg & 7]);
		} else if (k == 'I') {
			unsigned s = spec_size(i, sz);
			uint64_t v = i->imm;
			if (sz == 'b' && i->op != 0xcd && i->op != 0xe4 && i->op != 0xe5 &&
			    i->op != 0xe6 && i->op != 0xe7 && i->op != 0xd4 && i->op != 0xd5)
				v = sext(v, 1) & size_mask(i->opsize);
			else if (sz == 'z')
				v = sext(v, s) & size_mask(i->opsize);
			g_string_append_printf(o, "0x%" PRIx64, v);
		} else if (k == 'J') {
			unsigned s = sz == 'b' ? 1 : (i->opsize == 2 ? 2 : 4);
			uint64_t t = next + sext(i->imm, s);
			if (bits != 64)
				t &= i->opsize == 2 ? 0xffff : 0xffffffff;
			g_string_append_printf(o, "0x%" PRIx64, t);
		} else if (k == 'O') {
			static const char *const ptr[] = { "", "byte ptr ", "word ptr ", "", "dword ptr ",
							   "", "", "", "qword ptr " };
			g_string_append_printf(o, "%s%s[0x%" PRIx64 "]", ptr[spec_size(i, sz)],
					       i->seg >= 0 ? seg_names[i->seg] : "", i->imm);
		} else if (k == 'A') {
			g_string_append_printf(o, "0x%" PRIx64 ":0x%" PRIx64, i->imm2, i->imm);
		}
		a += n;
		if (*a == ',')
			a++;
	}
}

int x86_disas(const uint8_t *bytes, size_t len, int mode_bits, uint64_t rip, char *out,
	      size_t outlen)
{
	struct x86_insn i;
	enum decode_status st = x86_decode(bytes, len > 15 ? 15 : len, mode_bits, &i);
	g_autoptr(GString) o = g_string_new(NULL);
	int ret = 0;

	if (st != DECODE_OK) {
		g_string_append(o, st == DECODE_UD ? "(bad: VEX/EVEX or invalid)" : "(bad)");
		goto done;
	}
	ret = i.len;
	if (i.lock)
		g_string_append(o, "lock ");
	if (i.rep && (i.op == 0xa4 || i.op == 0xa5 || i.op == 0xaa || i.op == 0xab ||
		      i.op == 0xac || i.op == 0xad || (i.op >= 0x6c && i.op <= 0x6f)))
		g_string_append(o, "rep ");
	else if (i.rep && (i.op == 0xa6 || i.op == 0xa7 || i.op == 0xae || i.op == 0xaf))
		g_string_append(o, i.rep == 0xf3 ? "repe " : "repne ");

	unsigned op = i.op, b = op & 0xff, sub = i.reg & 7;
	const struct dis_op *d = NULL;
	struct dis_op tmp;
	char name[32];

	if (op < 0x40 && (b & 7) < 6) {
		static const char *const forms[6] = { "Eb,Gb", "Ev,Gv", "Gb,Eb", "Gv,Ev", "AL,Ib", "rAX,Iz" };
		tmp.name = alu_names[b >> 3];
		tmp.args = forms[b & 7];
		d = &tmp;
	} else if (op >= 0x40 && op < 0x50) {
		snprintf(name, sizeof(name), "%s %s", op < 0x48 ? "inc" : "dec", reg_name(&i, op & 7, i.opsize));
		tmp.name = name; tmp.args = ""; d = &tmp;
	} else if (op >= 0x50 && op < 0x60) {
		snprintf(name, sizeof(name), "%s %s", op < 0x58 ? "push" : "pop",
			 reg_name(&i, (op & 7) | ((i.rex & 1) << 3), i.opsize));
		tmp.name = name; tmp.args = ""; d = &tmp;
	} else if (op >= 0x70 && op < 0x80) {
		snprintf(name, sizeof(name), "j%s", cc_names[op & 15]);
		tmp.name = name; tmp.args = "Jb"; d = &tmp;
	} else if (op >= 0x80 && op <= 0x83) {
		tmp.name = alu_names[sub];
		tmp.args = op == 0x80 || op == 0x82 ? "Eb,Ib" : op == 0x81 ? "Ev,Iz" : "Ev,Ib";
		d = &tmp;
	} else if (op > 0x90 && op < 0x98) {
		snprintf(name, sizeof(name), "xchg %s, %s", reg_name(&i, 0, i.opsize),
			 reg_name(&i, (op & 7) | ((i.rex & 1) << 3), i.opsize));
		tmp.name = name; tmp.args = ""; d = &tmp;
	} else if (op >= 0xb0 && op < 0xc0) {
		unsigned r = (op & 7) | ((i.rex & 1) << 3);
		snprintf(name, sizeof(name), "mov %s,", reg_name(&i, r, op < 0xb8 ? 1 : i.opsize));
		g_string_append(o, name);
		g_string_append_printf(o, " 0x%" PRIx64, i.imm);
		goto done;
	} else if (op == 0xc0 || op == 0xc1 || (op >= 0xd0 && op <= 0xd3)) {
		tmp.name = sh_names[sub];
		static const char *const a[] = { "Eb,Ib", "Ev,Ib" };
		static const char *const a2[] = { "Eb", "Ev", "Eb,CL", "Ev,CL" };
		tmp.args = op < 0xd0 ? a[op & 1] : a2[op & 3];
		d = &tmp;
	} else if (op == 0xf6 || op == 0xf7) {
		tmp.name = grp3_names[sub];
		tmp.args = sub < 2 ? (op == 0xf6 ? "Eb,Ib" : "Ev,Iz") : (op == 0xf6 ? "Eb" : "Ev");
		d = &tmp;
	} else if (op == 0xfe || op == 0xff) {
		tmp.name = grp5_names[sub];
		tmp.args = op == 0xfe ? "Eb" : (sub == 3 || sub == 5) ? "M" : "Ev";
		d = &tmp;
	} else if (op >= 0xd8 && op <= 0xdf) {
		if (i.mem) {
			tmp.name = x87_mem_names[op - 0xd8][sub];
			tmp.args = "M";
		} else {
			snprintf(name, sizeof(name), "x87 %02x %02x", op, i.modrm);
			tmp.name = name;
			tmp.args = "";
		}
		d = &tmp;
	} else if (op < 0x100) {
		d = &one_byte[op];
	} else if (op < 0x200) {
		if (b >= 0x80 && b < 0x90) {
			snprintf(name, sizeof(name), "j%s", cc_names[b & 15]);
			tmp.name = name; tmp.args = "Jz"; d = &tmp;
		} else if (b >= 0x90 && b < 0xa0) {
			snprintf(name, sizeof(name), "set%s", cc_names[b & 15]);
			tmp.name = name; tmp.args = "Eb"; d = &tmp;
		} else if (b >= 0x40 && b < 0x50) {
			snprintf(name, sizeof(name), "cmov%s", cc_names[b & 15]);
			tmp.name = name; tmp.args = "Gv,Ev"; d = &tmp;
		} else if (b >= 0xc8 && b <= 0xcf) {
			snprintf(name, sizeof(name), "bswap %s", reg_name(&i, (b & 7) | ((i.rex & 1) << 3), i.opsize));
			tmp.name = name; tmp.args = ""; d = &tmp;
		} else if (b == 0x00) {
			tmp.name = grp6_names[sub]; tmp.args = "Ew"; d = &tmp;
		} else if (b == 0x01) {
			static const struct { uint8_t m; const char *n; } sp[] = {
				{ 0xd0, "xgetbv" }, { 0xd1, "xsetbv" }, { 0xf8, "swapgs" }, { 0xf9, "rdtscp" },
				{ 0xc8, "monitor" }, { 0xc9, "mwait" }, { 0xc1, "vmcall" },
			};
			tmp.name = grp7_names[sub];
			tmp.args = sub == 4 || sub == 6 ? "Ew" : "M";
			if (!i.mem)
				for (unsigned k = 0; k < G_N_ELEMENTS(sp); k++)
					if (sp[k].m == i.modrm) {
						tmp.name = sp[k].n;
						tmp.args = "";
					}
			d = &tmp;
		} else if (b == 0xae) {
			tmp.name = i.mem ? grp15_names[sub] : (sub == 5 ? "lfence" : sub == 6 ? "mfence" : "sfence");
			tmp.args = i.mem ? "M" : "";
			d = &tmp;
		} else if (b == 0xba) {
			static const char *const n[8] = { "(bad)", "(bad)", "(bad)", "(bad)", "bt", "bts", "btr", "btc" };
			tmp.name = n[sub]; tmp.args = "Ev,Ib"; d = &tmp;
		} else if (b == 0xc7) {
			tmp.name = sub == 1 ? (i.opsize == 8 ? "cmpxchg16b" : "cmpxchg8b") : "(bad)";
			tmp.args = "M"; d = &tmp;
		} else if (b >= 0x18 && b <= 0x1e) {
			tmp.name = "nop"; tmp.args = "Ev"; d = &tmp;
		} else {
			d = &two_byte[b];
			int pfx = i.rep == 0xf3 ? 2 : i.rep == 0xf2 ? 3 : i.p66 ? 1 : 0;
			for (unsigned k = 0; k < G_N_ELEMENTS(sse_names); k++) {
				if (sse_names[k].op == b && sse_names[k].n[pfx] && sse_names[k].n[pfx][0]) {
					bool mm = pfx == 0 && (b >= 0x60 || b == 0x2c || b == 0x2d || b == 0x2a);
					const char *v = mm ? "mm" : "xmm";
					bool gpr_reg = b == 0x50 || b == 0xd7 || b == 0xc5 ||
						       ((b == 0x2c || b == 0x2d) && pfx >= 2);
					bool gpr_rm = b == 0x6e || b == 0x7e || b == 0xc4 || b == 0xc3 ||
						      (b == 0x2a && pfx >= 2);
					unsigned gsz = i.rex & 8 ? 8 : 4;
					g_string_append_printf(o, "%s ", sse_names[k].n[pfx]);
					if (gpr_reg)
						g_string_append(o, reg_name(&i, i.reg, gsz));
					else
						g_string_append_printf(o, "%s%d", v, i.reg);
					g_string_append(o, ", ");
					if (i.mem)
						fmt_mem(o, &i, 0, rip + i.len);
					else if (gpr_rm)
						g_string_append(o, reg_name(&i, i.rm, gsz));
					else
						g_string_append_printf(o, "%s%d", v, i.rm);
					if (b == 0x70 || b == 0xc2 || b == 0xc4 || b == 0xc5 || b == 0xc6)
						g_string_append_printf(o, ", 0x%" PRIx64, i.imm & 0xff);
					goto done;
				}
			}
		}
	}
	if (!d || !d->name) {
		snprintf(name, sizeof(name), "(unknown %s%02x)",
			 op >= MAP_3A ? "0f3a " : op >= MAP_38 ? "0f38 " : op >= MAP_0F ? "0f " : "", b);
		g_string_append(o, name);
		goto done;
	}
	g_string_append(o, d->name);
	fmt_args(o, &i, d->args, rip, mode_bits);
done:
	g_strlcpy(out, o->str, outlen);
	return ret;
}

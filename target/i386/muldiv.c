// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Multiplication and division: mul/imul/div/idiv (F6/F7 /4-/7), the
 * two- and three-operand imul forms (0F AF, 69, 6B). Divide errors (#DE) are
 * detected before the host instruction runs, so the host never traps; flags
 * (architecturally undefined for div, CF/OF for mul) are the host's.
 */
#include "kemu/common.h"
#include "target/i386/alu.h"

void x86_grp3_alu(struct interp_cpu *s, struct x86_insn *i, unsigned size);

#define MUL_ASM(INSN, ...) \
	asm("lea -128(%%rsp),%%rsp\n\tpush %[in]\n\tpopf\n\t" INSN "\n\tpushf\n\tpop %[f]\n\tlea 128(%%rsp),%%rsp" __VA_ARGS__)

static void mul_div(struct interp_cpu *s, struct x86_insn *i, unsigned size)
{
	CPUX86State *env = s->env;
	unsigned sub = i->reg & 7;
	uint64_t src = x86_rm_read(s, i, size);
	uint64_t in = alu_fl_in(env->rflags), f;
	uint64_t a = env->regs[R_EAX], d = env->regs[R_EDX];

	/* #DE checks, SDM vol. 2 DIV/IDIV */
	if (sub >= 6) {
		if ((src & size_mask(size)) == 0)
			x86_raise(s, EXCP_DE, 0);
		if (sub == 6) {
			unsigned __int128 n;
			if (size == 1)
				n = a & 0xffff;
			else
				n = ((unsigned __int128)(d & size_mask(size)) << (size * 8)) | (a & size_mask(size));
			if ((n / (src & size_mask(size))) > size_mask(size))
				x86_raise(s, EXCP_DE, 0);
		} else {
			__int128 n;
			switch (size) {
			case 1: n = (int16_t)a; break;
			case 2: n = (int32_t)(((d & 0xffff) << 16) | (a & 0xffff)); break;
			case 4: n = (int64_t)((d << 32) | (uint32_t)a); break;
			default: n = (__int128)(((unsigned __int128)d << 64) | a); break;
			}
			__int128 dv = sext(src, size);
			__int128 lo = -((__int128)1 << (size * 8 - 1)), hi = ((__int128)1 << (size * 8 - 1)) - 1;
			__int128 q;
			if (size == 8 && dv == -1 && (unsigned __int128)n == ((unsigned __int128)1 << 127))
				x86_raise(s, EXCP_DE, 0);
			q = n / dv;
			if (q < lo || q > hi)
				x86_raise(s, EXCP_DE, 0);
		}
	}

	switch (size) {
	case 1: {
		uint16_t ax = a;
		uint8_t b = src;
		switch (sub) {
		case 4: MUL_ASM("mulb %[b]", : "+a"(ax), [f] "=&r"(f) : [b] "q"(b), [in] "r"(in) : "cc", "memory"); break;
		case 5: MUL_ASM("imulb %[b]", : "+a"(ax), [f] "=&r"(f) : [b] "q"(b), [in] "r"(in) : "cc", "memory"); break;
		case 6: MUL_ASM("divb %[b]", : "+a"(ax), [f] "=&r"(f) : [b] "q"(b), [in] "r"(in) : "cc", "memory"); break;
		default: MUL_ASM("idivb %[b]", : "+a"(ax), [f] "=&r"(f) : [b] "q"(b), [in] "r"(in) : "cc", "memory"); break;
		}
		x86_set_gpr(s, R_EAX, 2, ax);
		break;
	}
	case 2: {
		uint16_t x = a, y = d, b = src;
		switch (sub) {
		case 4: MUL_ASM("mulw %[b]", : "+a"(x), "+d"(y), [f] "=&r"(f) : [b] "r"(b), [in] "r"(in) : "cc", "memory"); break;
		case 5: MUL_ASM("imulw %[b]", : "+a"(x), "+d"(y), [f] "=&r"(f) : [b] "r"(b), [in] "r"(in) : "cc", "memory"); break;
		case 6: MUL_ASM("divw %[b]", : "+a"(x), "+d"(y), [f] "=&r"(f) : [b] "r"(b), [in] "r"(in) : "cc", "memory"); break;
		default: MUL_ASM("idivw %[b]", : "+a"(x), "+d"(y), [f] "=&r"(f) : [b] "r"(b), [in] "r"(in) : "cc", "memory"); break;
		}
		x86_set_gpr(s, R_EAX, 2, x);
		x86_set_gpr(s, R_EDX, 2, y);
		break;
	}
	case 4: {
		uint32_t x = a, y = d, b = src;
		switch (sub) {
		case 4: MUL_ASM("mull %[b]", : "+a"(x), "+d"(y), [f] "=&r"(f) : [b] "r"(b), [in] "r"(in) : "cc", "memory"); break;
		case 5: MUL_ASM("imull %[b]", : "+a"(x), "+d"(y), [f] "=&r"(f) : [b] "r"(b), [in] "r"(in) : "cc", "memory"); break;
		case 6: MUL_ASM("divl %[b]", : "+a"(x), "+d"(y), [f] "=&r"(f) : [b] "r"(b), [in] "r"(in) : "cc", "memory"); break;
		default: MUL_ASM("idivl %[b]", : "+a"(x), "+d"(y), [f] "=&r"(f) : [b] "r"(b), [in] "r"(in) : "cc", "memory"); break;
		}
		x86_set_gpr(s, R_EAX, 4, x);
		x86_set_gpr(s, R_EDX, 4, y);
		break;
	}
	default: {
		uint64_t x = a, y = d, b = src;
		switch (sub) {
		case 4: MUL_ASM("mulq %[b]", : "+a"(x), "+d"(y), [f] "=&r"(f) : [b] "r"(b), [in] "r"(in) : "cc", "memory"); break;
		case 5: MUL_ASM("imulq %[b]", : "+a"(x), "+d"(y), [f] "=&r"(f) : [b] "r"(b), [in] "r"(in) : "cc", "memory"); break;
		case 6: MUL_ASM("divq %[b]", : "+a"(x), "+d"(y), [f] "=&r"(f) : [b] "r"(b), [in] "r"(in) : "cc", "memory"); break;
		default: MUL_ASM("idivq %[b]", : "+a"(x), "+d"(y), [f] "=&r"(f) : [b] "r"(b), [in] "r"(in) : "cc", "memory"); break;
		}
		env->regs[R_EAX] = x;
		env->regs[R_EDX] = y;
		break;
	}
	}
	env->rflags = alu_merge(env->rflags, f);
}

static void op_grp3(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned size = i->op == 0xf6 ? 1 : i->opsize;
	if ((i->reg & 7) < 4)
		x86_grp3_alu(s, i, size);
	else
		mul_div(s, i, size);
}

static uint64_t imul2(uint64_t a, uint64_t b, unsigned size, uint64_t *fl)
{
	uint64_t in = alu_fl_in(*fl), f;
	switch (size) {
	case 2: { uint16_t x = a, y = b;
		MUL_ASM("imulw %[y],%[x]", : [x] "+r"(x), [f] "=&r"(f) : [y] "r"(y), [in] "r"(in) : "cc", "memory");
		a = x; break; }
	case 4: { uint32_t x = a, y = b;
		MUL_ASM("imull %[y],%[x]", : [x] "+r"(x), [f] "=&r"(f) : [y] "r"(y), [in] "r"(in) : "cc", "memory");
		a = x; break; }
	default: { uint64_t x = a, y = b;
		MUL_ASM("imulq %[y],%[x]", : [x] "+r"(x), [f] "=&r"(f) : [y] "r"(y), [in] "r"(in) : "cc", "memory");
		a = x; break; }
	}
	*fl = alu_merge(*fl, f);
	return a;
}

static void op_imul(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned size = i->opsize;
	uint64_t src = x86_rm_read(s, i, size), b;
	if (i->op == MAP_0F + 0xaf)
		b = x86_gpr(s, i->reg, size);
	else if (i->op == 0x69)
		b = sext(i->imm, size == 2 ? 2 : 4) & size_mask(size);
	else
		b = sext(i->imm, 1) & size_mask(size);
	x86_set_gpr(s, i->reg, size, imul2(src, b, size, &s->env->rflags));
}

void x86_muldiv_register(void)
{
	x86_handlers[0xf6] = x86_handlers[0xf7] = op_grp3;
	x86_handlers[0x69] = x86_handlers[0x6b] = x86_handlers[MAP_0F + 0xaf] = op_imul;
}

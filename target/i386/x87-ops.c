// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x87 arithmetic, loads, stores, compares and transcendental functions (the
 * D8-DF escapes), SDM vol. 1 chapter 8 and vol. 2 per instruction.
 *
 * Values are kept in CPUX86State in the 80-bit register format; arithmetic
 * runs on the host's x87 unit (kemu requires an x86-64 host) with the
 * guest's precision and rounding control loaded and every exception masked,
 * and the exception flags the host raises are merged into the guest status
 * word. Stack overflow/underflow are detected here from the tag word.
 * Unmasked exceptions set ES/B and raise #MF at the next waiting x87
 * instruction (CR0.NE=1); the legacy FERR#/IRQ 13 path is not modelled.
 */
#include "kemu/common.h"
#include "target/i386/internal.h"

typedef long double f80;

#define SW_IE 0x01
#define SW_SF 0x40
#define SW_ES 0x80
#define SW_C0 0x100
#define SW_C1 0x200
#define SW_C2 0x400
#define SW_C3 0x4000
#define SW_B  0x8000
#define SW_CC (SW_C0 | SW_C1 | SW_C2 | SW_C3)

static f80 to_host(const struct floatx80 *f)
{
	f80 v = 0;
	memcpy(&v, &f->mantissa, 8);
	memcpy((uint8_t *)&v + 8, &f->sign_exponent, 2);
	return v;
}

static struct floatx80 from_host(f80 v)
{
	struct floatx80 f;
	memcpy(&f.mantissa, &v, 8);
	memcpy(&f.sign_exponent, (uint8_t *)&v + 8, 2);
	return f;
}

static unsigned top(CPUX86State *env) { return (env->fpu_status >> 11) & 7; }
static void set_top(CPUX86State *env, unsigned t)
{
	env->fpu_status = (env->fpu_status & ~0x3800) | ((t & 7) << 11);
}
static unsigned phys(CPUX86State *env, int i) { return (top(env) + i) & 7; }
static bool empty(CPUX86State *env, int i) { return ((env->fpu_tag >> (2 * phys(env, i))) & 3) == 3; }

static unsigned tag_of(const struct floatx80 *f)
{
	unsigned exp = f->sign_exponent & 0x7fff;
	if (exp == 0x7fff)
		return 2;
	if (exp == 0 && f->mantissa == 0)
		return 1;
	if (exp == 0 || !(f->mantissa >> 63))
		return 2;
	return 0;
}

static void set_reg(CPUX86State *env, int i, struct floatx80 v)
{
	unsigned p = phys(env, i);
	env->st[p] = v;
	env->fpu_tag = (env->fpu_tag & ~(3 << (2 * p))) | (tag_of(&v) << (2 * p));
}

static const struct floatx80 indefinite = { 0xc000000000000000ULL, 0xffff };

/* exceptions: raise flags; unmasked ones make ES/B pending (#MF later) */
static void fpu_flags(CPUX86State *env, unsigned exc)
{
	exc &= 0x7f;
	env->fpu_status |= exc;
	if (exc & ~env->fpu_control & 0x3f)
		env->fpu_status |= SW_ES | SW_B;
}

static void stack_fault(CPUX86State *env, bool overflow)
{
	env->fpu_status &= ~SW_C1;
	if (overflow)
		env->fpu_status |= SW_C1;
	fpu_flags(env, SW_IE | SW_SF);
}

static bool masked_ie(CPUX86State *env) { return env->fpu_control & SW_IE; }

/* ST(i) for reading; underflow gives the indefinite when masked */
static bool get(struct interp_cpu *s, int i, f80 *v)
{
	CPUX86State *env = s->env;
	if (empty(env, i)) {
		stack_fault(env, false);
		*v = to_host(&indefinite);
		return masked_ie(env);
	}
	*v = to_host(&env->st[phys(env, i)]);
	return true;
}

static void push(struct interp_cpu *s, f80 v)
{
	CPUX86State *env = s->env;
	unsigned t = (top(env) - 1) & 7;
	if (((env->fpu_tag >> (2 * t)) & 3) != 3) {
		stack_fault(env, true);
		if (!masked_ie(env))
			return;
		v = to_host(&indefinite);
	} else {
		env->fpu_status &= ~SW_C1;
	}
	set_top(env, t);
	set_reg(env, 0, from_host(v));
}

static void pop(struct interp_cpu *s)
{
	CPUX86State *env = s->env;
	env->fpu_tag |= 3 << (2 * top(env));
	set_top(env, top(env) + 1);
}

/* ---- host FPU context ---- */

static uint16_t host_cw;

/*
 * Load the guest's control word (all exceptions masked) and a clean status
 * word (condition codes 0, no exceptions) into the host FPU, so that bits an
 * instruction leaves "undefined" do not leak from earlier host operations.
 */
static void fpu_enter(CPUX86State *env)
{
	uint32_t fenv[7];
	asm volatile("fnstenv %0" : "=m"(fenv) : : "memory");
	host_cw = fenv[0];
	fenv[0] = (fenv[0] & 0xffff0000) | env->fpu_control | 0x3f;
	/* keep TOP; condition codes are the guest's, so "unchanged" bits stay so */
	fenv[1] = (fenv[1] & 0xffff3800u) | (env->fpu_status & SW_CC);
	asm volatile("fldenv %0" : : "m"(fenv) : "memory");
}

static unsigned fpu_leave(void)
{
	uint16_t sw;
	asm volatile("fnstsw %0\n\tfnclex\n\tfldcw %1" : "=m"(sw) : "m"(host_cw) : "memory");
	return sw;
}

enum { OP_ADD, OP_MUL, OP_COM, OP_COMP, OP_SUB, OP_SUBR, OP_DIV, OP_DIVR };

static void set_c1(CPUX86State *env, unsigned sw)
{
	env->fpu_status = (env->fpu_status & ~SW_C1) | (sw & SW_C1);
}

/* ST0 = a op b on the host; the status word is read before the result is stored */
#define ARITH2(INSN) asm volatile("fldt %2\n\tfldt %3\n\t" INSN " %%st(1), %%st\n\tfnstsw %1\n\tfstpt %0\n\tfstp %%st(0)" \
				  : "=m"(r), "=m"(sw) : "m"(y), "m"(x) : "memory")
static f80 arith(struct interp_cpu *s, int op, f80 a, f80 b)
{
	volatile f80 x = a, y = b, r;
	uint16_t sw;
	fpu_enter(s->env);
	switch (op) {
	case OP_ADD: ARITH2("fadd"); break;
	case OP_MUL: ARITH2("fmul"); break;
	case OP_SUB: ARITH2("fsub"); break;
	case OP_SUBR: ARITH2("fsubr"); break;
	case OP_DIV: ARITH2("fdiv"); break;
	default: ARITH2("fdivr"); break;
	}
	fpu_flags(s->env, fpu_leave() & 0x3f);
	set_c1(s->env, sw);
	return r;
}

/* fcom/fucom: C3 C2 C0 from the comparison; unordered sets all three */
static void compare(struct interp_cpu *s, f80 a, f80 b, bool quiet, bool to_eflags)
{
	CPUX86State *env = s->env;
	volatile f80 x = a, y = b;
	uint16_t sw;
	fpu_enter(env);
	if (quiet)
		asm volatile("fldt %1\n\tfldt %2\n\tfucompp\n\tfnstsw %0" : "=m"(sw) : "m"(y), "m"(x) : "memory");
	else
		asm volatile("fldt %1\n\tfldt %2\n\tfcompp\n\tfnstsw %0" : "=m"(sw) : "m"(y), "m"(x) : "memory");
	fpu_flags(env, fpu_leave() & 0x3f);
	if (to_eflags) {
		uint64_t f = 0;
		if (sw & SW_C0) f |= X86_EFLAGS_CF;
		if (sw & SW_C2) f |= X86_EFLAGS_PF;
		if (sw & SW_C3) f |= X86_EFLAGS_ZF;
		env->rflags = (env->rflags & ~(STATUS_FLAGS)) | f;
	} else {
		env->fpu_status = (env->fpu_status & ~SW_CC) | (sw & (SW_C0 | SW_C2 | SW_C3));
	}
}


/*
 * Arithmetic with a memory operand, run on the host in the operand's own
 * format, so that exception precedence (a NaN in ST0 hides a denormal
 * operand, ...) is the hardware's. kind: 0 m32fp, 1 m32int, 2 m64fp, 3 m16int.
 */
#define MEMOP(INSN) asm volatile("fldt %2\n\t" INSN " %3\n\tfnstsw %1\n\tfstpt %0" : "=m"(r), "=m"(sw) : "m"(x), "m"(m) : "memory")
#define MEMCMP(INSN) asm volatile("fldt %1\n\t" INSN " %2\n\tfnstsw %0\n\tfstp %%st(0)" : "=m"(sw) : "m"(x), "m"(m) : "memory")
#define ARITH_CASES(SFX) \
	switch (op) { \
	case OP_ADD: MEMOP("fadd" SFX); break; \
	case OP_MUL: MEMOP("fmul" SFX); break; \
	case OP_SUB: MEMOP("fsub" SFX); break; \
	case OP_SUBR: MEMOP("fsubr" SFX); break; \
	case OP_DIV: MEMOP("fdiv" SFX); break; \
	case OP_DIVR: MEMOP("fdivr" SFX); break; \
	default: MEMCMP("fcom" SFX); break; \
	}
#define IARITH_CASES(SFX) \
	switch (op) { \
	case OP_ADD: MEMOP("fiadd" SFX); break; \
	case OP_MUL: MEMOP("fimul" SFX); break; \
	case OP_SUB: MEMOP("fisub" SFX); break; \
	case OP_SUBR: MEMOP("fisubr" SFX); break; \
	case OP_DIV: MEMOP("fidiv" SFX); break; \
	case OP_DIVR: MEMOP("fidivr" SFX); break; \
	default: MEMCMP("ficom" SFX); break; \
	}

static void arith_mem(struct interp_cpu *s, int op, int kind, uint64_t raw, f80 a)
{
	CPUX86State *env = s->env;
	volatile f80 x = a, r = 0;
	uint16_t sw = 0;
	fpu_enter(env);
	switch (kind) {
	case 0: { volatile uint32_t m = raw; ARITH_CASES("s"); break; }
	case 2: { volatile uint64_t m = raw; ARITH_CASES("l"); break; }
	case 1: { volatile uint32_t m = raw; IARITH_CASES("l"); break; }
	default: { volatile uint16_t m = raw; IARITH_CASES("s"); break; }
	}
	fpu_flags(env, fpu_leave() & 0x3f);
	if (op == OP_COM || op == OP_COMP) {
		env->fpu_status = (env->fpu_status & ~SW_CC) | (sw & (SW_C0 | SW_C2 | SW_C3));
	} else {
		set_c1(env, sw);
		set_reg(env, 0, from_host(r));
	}
}

/* Underflow of ST(0) or ST(i): masked, the destination becomes the indefinite. */
static bool operands_ok(struct interp_cpu *s, int i, int j, int dest)
{
	CPUX86State *env = s->env;
	if (!empty(env, i) && !empty(env, j))
		return true;
	stack_fault(env, false);
	if (masked_ie(env) && dest >= 0)
		set_reg(env, dest, indefinite);
	if (dest < 0)	/* compares: unordered */
		env->fpu_status |= SW_C0 | SW_C2 | SW_C3;
	return false;
}

/* ---- memory operands ---- */

static f80 load_mem(struct interp_cpu *s, struct x86_insn *i, int kind)
{
	uint64_t ea = x86_ea(s, i);
	int seg = x86_ea_seg(i);
	static const unsigned bytes[6] = { 4, 4, 8, 2, 8, 8 };
	/* read guest memory first: a fault must not leave the host FPU in guest mode */
	uint64_t raw = x86_mem_read(s, seg, ea, bytes[kind]);
	uint16_t hi = kind == 5 ? x86_mem_read(s, seg, (ea + 8) & size_mask(i->addrsize), 2) : 0;
	volatile f80 r;
	fpu_enter(s->env);
	switch (kind) {
	case 0: { uint32_t v = raw; float f; memcpy(&f, &v, 4); volatile float vf = f; r = vf; break; }
	case 1: r = (int32_t)raw; break;
	case 2: { double d; memcpy(&d, &raw, 8); volatile double vd = d; r = vd; break; }
	case 3: r = (int16_t)raw; break;
	case 4: r = (int64_t)raw; break;
	default: {
		struct floatx80 f = { raw, hi };
		r = to_host(&f);
		break;
	}
	}
	fpu_flags(s->env, fpu_leave() & (kind == 5 ? 0 : 0x3f));
	return r;
}

static void store_mem(struct interp_cpu *s, struct x86_insn *i, int kind, f80 v)
{
	uint64_t ea = x86_ea(s, i);
	int seg = x86_ea_seg(i);
	volatile f80 x = v;
	CPUX86State *env = s->env;
	switch (kind) {
	case 0: { volatile float f; fpu_enter(env); f = x; unsigned sw = fpu_leave(); fpu_flags(env, sw & 0x3f); set_c1(env, sw);
		float ff = f; uint32_t u; memcpy(&u, &ff, 4); x86_mem_write(s, seg, ea, 4, u); break; }
	case 2: { volatile double d; fpu_enter(env); d = x; unsigned sw = fpu_leave(); fpu_flags(env, sw & 0x3f); set_c1(env, sw);
		double dd = d; uint64_t u; memcpy(&u, &dd, 8); x86_mem_write(s, seg, ea, 8, u); break; }
	case 1: { int32_t r; fpu_enter(env); asm volatile("fldt %1\n\tfistpl %0" : "=m"(r) : "m"(x) : "memory");
		unsigned sw = fpu_leave(); fpu_flags(env, sw & 0x3f); set_c1(env, sw); x86_mem_write(s, seg, ea, 4, (uint32_t)r); break; }
	case 3: { int16_t r; fpu_enter(env); asm volatile("fldt %1\n\tfistps %0" : "=m"(r) : "m"(x) : "memory");
		unsigned sw = fpu_leave(); fpu_flags(env, sw & 0x3f); set_c1(env, sw); x86_mem_write(s, seg, ea, 2, (uint16_t)r); break; }
	case 6: { int32_t r; fpu_enter(env); asm volatile("fldt %1\n\tfisttpl %0" : "=m"(r) : "m"(x) : "memory");
		unsigned sw = fpu_leave(); fpu_flags(env, sw & 0x3f); set_c1(env, 0); x86_mem_write(s, seg, ea, 4, (uint32_t)r); break; }
	case 7: { int64_t r; fpu_enter(env); asm volatile("fldt %1\n\tfisttpll %0" : "=m"(r) : "m"(x) : "memory");
		unsigned sw = fpu_leave(); fpu_flags(env, sw & 0x3f); set_c1(env, 0); x86_mem_write(s, seg, ea, 8, (uint64_t)r); break; }
	case 8: { int16_t r; fpu_enter(env); asm volatile("fldt %1\n\tfisttps %0" : "=m"(r) : "m"(x) : "memory");
		unsigned sw = fpu_leave(); fpu_flags(env, sw & 0x3f); set_c1(env, 0); x86_mem_write(s, seg, ea, 2, (uint16_t)r); break; }
	case 4: { int64_t r; fpu_enter(env); asm volatile("fldt %1\n\tfistpll %0" : "=m"(r) : "m"(x) : "memory");
		unsigned sw = fpu_leave(); fpu_flags(env, sw & 0x3f); set_c1(env, sw); x86_mem_write(s, seg, ea, 8, (uint64_t)r); break; }
	default: {
		struct floatx80 f = from_host(v);
		env->fpu_status &= ~SW_C1;
		x86_mem_write(s, seg, ea, 8, f.mantissa);
		x86_mem_write(s, seg, (ea + 8) & size_mask(i->addrsize), 2, f.sign_exponent);
		break;
	}
	}
}

/* fld/fild from memory: on stack overflow the operand is not even converted */
static void push_load(struct interp_cpu *s, struct x86_insn *i, int kind)
{
	CPUX86State *env = s->env;
	if (!empty(env, 7)) {
		x86_mem_read(s, x86_ea_seg(i), x86_ea(s, i), 1);	/* still faults like a load */
		push(s, 0);
		return;
	}
	push(s, load_mem(s, i, kind));
}

/* ---- host-run special functions: ST0 [, ST1] in, results back ---- */

struct special { uint8_t modrm; int nin; int delta; };

static void run_special(struct interp_cpu *s, uint8_t modrm, int nin, int delta)
{
	CPUX86State *env = s->env;
	f80 in[2] = { 0, 0 };
	for (int k = 0; k < nin; k++) {
		if (empty(env, k)) {
			/* underflow: the operation does not run; masked, the result is the indefinite */
			stack_fault(env, false);
			if (modrm == 0xf5 || modrm == 0xf8)
				env->fpu_status &= ~SW_C2;
			if (!masked_ie(env))
				return;
			if (delta < 0) {
				set_reg(env, 1, indefinite);
				pop(s);
			} else {
				set_reg(env, 0, indefinite);
				if (delta > 0)
					push(s, to_host(&indefinite));
			}
			env->fpu_status &= ~SW_C1;	/* underflow wins over overflow */
			return;
		}
		in[k] = to_host(&env->st[phys(env, k)]);
	}
	if (modrm == 0xe5)	/* fxam looks at ST0 even when it is empty */
		in[0] = to_host(&env->st[phys(env, 0)]);
	if (delta > 0 && !empty(env, 7)) {
		/* overflow: masked, both results are the indefinite */
		stack_fault(env, true);
		if (!masked_ie(env))
			return;
		set_reg(env, 0, indefinite);
		set_top(env, top(env) - 1);
		set_reg(env, 0, indefinite);
		return;
	}
	volatile f80 a = in[0], b = in[1];
	volatile f80 out[3];
	uint16_t sw;
	unsigned nout = 2 + delta;
	fpu_enter(env);
	/* host stack: ST1 = b, ST0 = a */
	asm volatile("fldt %0\n\tfldt %1" : : "m"(b), "m"(a) : "memory");
	switch (modrm) {
	case 0xf0: asm volatile("f2xm1" ::: "memory"); break;
	case 0xf1: asm volatile("fyl2x" ::: "memory"); break;
	case 0xf2: asm volatile("fptan" ::: "memory"); break;
	case 0xf3: asm volatile("fpatan" ::: "memory"); break;
	case 0xf4: asm volatile("fxtract" ::: "memory"); break;
	case 0xf5: asm volatile("fprem1" ::: "memory"); break;
	case 0xf8: asm volatile("fprem" ::: "memory"); break;
	case 0xf9: asm volatile("fyl2xp1" ::: "memory"); break;
	case 0xfa: asm volatile("fsqrt" ::: "memory"); break;
	case 0xfb: asm volatile("fsincos" ::: "memory"); break;
	case 0xfc: asm volatile("frndint" ::: "memory"); break;
	case 0xfd: asm volatile("fscale" ::: "memory"); break;
	case 0xfe: asm volatile("fsin" ::: "memory"); break;
	case 0xff: asm volatile("fcos" ::: "memory"); break;
	case 0xe0: asm volatile("fchs" ::: "memory"); break;
	case 0xe1: asm volatile("fabs" ::: "memory"); break;
	case 0xe5: asm volatile("fxam" ::: "memory"); break;
	}
	asm volatile("fnstsw %0" : "=m"(sw) : : "memory");
	for (unsigned k = 0; k < nout; k++)
		asm volatile("fstpt %0" : "=m"(out[k]) : : "memory");
	fpu_flags(env, fpu_leave() & 0x3f);
	/* condition codes the instruction defines come from the host; others stay */
	env->fpu_status = (env->fpu_status & ~SW_CC) | (sw & SW_CC);
	if ((modrm == 0xf2 || modrm == 0xfb || modrm == 0xfe || modrm == 0xff) && (sw & SW_C2))
		return;		/* operand out of range: nothing changes */
	if (modrm == 0xe5) {
		/* fxam of an empty register: C3=1 C0=1 */
		if (empty(env, 0))
			env->fpu_status = (env->fpu_status & ~SW_CC) | SW_C3 | SW_C0 |
					  (env->st[phys(env, 0)].sign_exponent & 0x8000 ? SW_C1 : 0);
		return;
	}
	if (delta > 0) {
		set_reg(env, 0, from_host(out[1]));
		push(s, out[0]);
	} else if (delta < 0) {
		set_reg(env, 1, from_host(out[0]));
		pop(s);
	} else {
		set_reg(env, 0, from_host(out[0]));
		if (nin > 1)
			set_reg(env, 1, from_host(out[1]));
	}
}

/* ---- environment ---- */

static void fstenv(struct interp_cpu *s, struct x86_insn *i, uint64_t ea, int seg)
{
	CPUX86State *env = s->env;
	bool big = i->opsize != 2;
	unsigned n = big ? 4 : 2;
	uint64_t m = size_mask(i->addrsize);
	x86_mem_write(s, seg, ea, n, env->fpu_control | (big ? 0xffff0000 : 0));
	x86_mem_write(s, seg, (ea + n) & m, n, env->fpu_status | (big ? 0xffff0000 : 0));
	x86_mem_write(s, seg, (ea + 2 * n) & m, n, env->fpu_tag | (big ? 0xffff0000 : 0));
	if (big) {
		x86_mem_write(s, seg, (ea + 12) & m, 4, (uint32_t)env->fpu_ip);
		x86_mem_write(s, seg, (ea + 16) & m, 4, env->fpu_cs | ((uint32_t)(env->fpu_opcode & 0x7ff) << 16));
		x86_mem_write(s, seg, (ea + 20) & m, 4, (uint32_t)env->fpu_dp);
		x86_mem_write(s, seg, (ea + 24) & m, 4, env->fpu_ds | 0xffff0000);
	} else {
		x86_mem_write(s, seg, (ea + 6) & m, 2, env->fpu_ip);
		x86_mem_write(s, seg, (ea + 8) & m, 2, env->fpu_cs);
		x86_mem_write(s, seg, (ea + 10) & m, 2, env->fpu_dp);
		x86_mem_write(s, seg, (ea + 12) & m, 2, env->fpu_ds);
	}
}

static void fldenv(struct interp_cpu *s, struct x86_insn *i, uint64_t ea, int seg)
{
	CPUX86State *env = s->env;
	bool big = i->opsize != 2;
	unsigned n = big ? 4 : 2;
	uint64_t m = size_mask(i->addrsize);
	env->fpu_control = x86_mem_read(s, seg, ea, 2);
	env->fpu_status = x86_mem_read(s, seg, (ea + n) & m, 2);
	env->fpu_tag = x86_mem_read(s, seg, (ea + 2 * n) & m, 2);
	if (big) {
		env->fpu_ip = x86_mem_read(s, seg, (ea + 12) & m, 4);
		env->fpu_dp = x86_mem_read(s, seg, (ea + 20) & m, 4);
	}
	if (env->fpu_status & ~env->fpu_control & 0x3f)
		env->fpu_status |= SW_ES | SW_B;
	else
		env->fpu_status &= ~(SW_ES | SW_B);
}

void x86_fninit(CPUX86State *env);

static void fsave(struct interp_cpu *s, struct x86_insn *i, bool restore)
{
	CPUX86State *env = s->env;
	uint64_t ea = x86_ea(s, i);
	int seg = x86_ea_seg(i);
	unsigned off = i->opsize != 2 ? 28 : 14;
	uint64_t m = size_mask(i->addrsize);
	if (restore) {
		fldenv(s, i, ea, seg);
		for (int k = 0; k < 8; k++) {
			struct floatx80 f;
			f.mantissa = x86_mem_read(s, seg, (ea + off + k * 10) & m, 8);
			f.sign_exponent = x86_mem_read(s, seg, (ea + off + k * 10 + 8) & m, 2);
			env->st[phys(env, k)] = f;
		}
	} else {
		fstenv(s, i, ea, seg);
		for (int k = 0; k < 8; k++) {
			const struct floatx80 *f = &env->st[phys(env, k)];
			x86_mem_write(s, seg, (ea + off + k * 10) & m, 8, f->mantissa);
			x86_mem_write(s, seg, (ea + off + k * 10 + 8) & m, 2, f->sign_exponent);
		}
		x86_fninit(env);
	}
}

/* ---- dispatch ---- */

static const f80 consts[7] = {
	1.0L, 3.321928094887362347870319429489390175864831393L, 1.442695040888963407359924681001892137L,
	3.14159265358979323846264338327950288L, 0.301029995663981195213738894724493027L,
	0.693147180559945309417232121458176568L, 0.0L,
};

static void fcmov(struct interp_cpu *s, struct x86_insn *i)
{
	static const uint64_t fl[4] = { X86_EFLAGS_CF, X86_EFLAGS_ZF, X86_EFLAGS_CF | X86_EFLAGS_ZF, X86_EFLAGS_PF };
	bool neg = i->op == 0xdb;
	bool cond = (s->env->rflags & fl[(i->modrm >> 3) & 3]) != 0;
	f80 v;
	if (empty(s->env, 0) || empty(s->env, i->modrm & 7)) {
		stack_fault(s->env, false);
		if (masked_ie(s->env))
			set_reg(s->env, 0, indefinite);
		return;
	}
	get(s, i->modrm & 7, &v);
	if (cond != neg)
		set_reg(s->env, 0, from_host(v));
}

void x87_fpu_op(struct interp_cpu *s, struct x86_insn *i);
void x87_fpu_op(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	unsigned op = i->op & 7, sub = i->reg & 7, rm = i->modrm & 7;
	bool waiting = !(op == 1 && i->mem && (sub == 6 || sub == 7)) && !(op == 5 && i->mem && (sub == 6 || sub == 7));
	f80 a, b;

	if (waiting && (env->fpu_status & SW_ES)) {
		if (env->cr[0] & CR0_NE)
			x86_raise(s, EXCP_MF, 0);
	}
	if (i->mem) {
		env->fpu_dp = x86_ea(s, i);
		env->fpu_ds = env->segs[x86_ea_seg(i)].selector;
	}
	env->fpu_ip = s->env->rip;
	env->fpu_cs = env->segs[R_CS].selector;
	env->fpu_opcode = ((op << 8) | i->modrm) & 0x7ff;

	if (i->mem) {
		static const int arith_kind[8] = { 0, 1, 2, 3 };	/* d8: m32r, da: m32i, dc: m64r, de: m16i */
		switch (op) {
		case 0: case 2: case 4: case 6: {
			int kind = arith_kind[op / 2];
			static const unsigned bytes[4] = { 4, 4, 8, 2 };
			uint64_t raw = x86_mem_read(s, x86_ea_seg(i), x86_ea(s, i), bytes[kind]);
			bool cmp = sub == OP_COM || sub == OP_COMP;
			if (operands_ok(s, 0, 0, cmp ? -1 : 0))
				arith_mem(s, sub, kind, raw, to_host(&env->st[phys(env, 0)]));
			if (sub == OP_COMP)
				pop(s);
			return;
		}
		case 1:
			switch (sub) {
			case 0: push_load(s, i, 0); return;
			case 2: case 3:
				if (!get(s, 0, &a))
					return;
				store_mem(s, i, 0, a);
				if (sub == 3)
					pop(s);
				return;
			case 4: fldenv(s, i, x86_ea(s, i), x86_ea_seg(i)); return;
			case 6: fstenv(s, i, x86_ea(s, i), x86_ea_seg(i)); env->fpu_control |= 0x3f; return;
			}
			break;
		case 3:
			switch (sub) {
			case 0: push_load(s, i, 1); return;
			case 1:	/* fisttp m32int (SSE3) */
				if (!get(s, 0, &a))
					return;
				store_mem(s, i, 6, a);
				pop(s);
				return;
			case 2: case 3:
				if (!get(s, 0, &a))
					return;
				store_mem(s, i, 1, a);
				if (sub == 3)
					pop(s);
				return;
			case 5: push_load(s, i, 5); return;
			case 7:
				if (!get(s, 0, &a))
					return;
				store_mem(s, i, 5, a);
				pop(s);
				return;
			}
			break;
		case 5:
			switch (sub) {
			case 0: push_load(s, i, 2); return;
			case 1:	/* fisttp m64int */
				if (!get(s, 0, &a))
					return;
				store_mem(s, i, 7, a);
				pop(s);
				return;
			case 2: case 3:
				if (!get(s, 0, &a))
					return;
				store_mem(s, i, 2, a);
				if (sub == 3)
					pop(s);
				return;
			case 4: fsave(s, i, true); return;
			case 6: fsave(s, i, false); return;
			}
			break;
		case 7:
			switch (sub) {
			case 0: push_load(s, i, 3); return;
			case 1:	/* fisttp m16int */
				if (!get(s, 0, &a))
					return;
				store_mem(s, i, 8, a);
				pop(s);
				return;
			case 2: case 3:
				if (!get(s, 0, &a))
					return;
				store_mem(s, i, 3, a);
				if (sub == 3)
					pop(s);
				return;
			case 5: push_load(s, i, 4); return;
			case 7:
				if (!get(s, 0, &a))
					return;
				store_mem(s, i, 4, a);
				pop(s);
				return;
			}
			break;
		}
		log_unimp("x87: %02x /%d (memory)", i->op, sub);
		x86_raise_ud(s);
	}

	/* register forms */
	switch (op) {
	case 0:	/* op st0, st(i) */
		if (sub == OP_COM || sub == OP_COMP) {
			if (operands_ok(s, 0, rm, -1)) {
				get(s, 0, &a);
				get(s, rm, &b);
				compare(s, a, b, false, false);
			}
			if (sub == OP_COMP)
				pop(s);
			return;
		}
		if (!operands_ok(s, 0, rm, 0))
			return;
		get(s, 0, &a);
		get(s, rm, &b);
		set_reg(env, 0, from_host(arith(s, sub, a, b)));
		return;
	case 4: case 6:	/* op st(i), st0 [and pop]: sub/subr and div/divr swap meaning */
		if (op == 6 && sub == 3 && rm == 1) {	/* fcompp */
			if (!get(s, 0, &a) || !get(s, 1, &b))
				return;
			compare(s, a, b, false, false);
			pop(s);
			pop(s);
			return;
		}
		if (op == 6 && sub == 3)
			x86_raise_ud(s);
		if (sub == OP_COM || sub == OP_COMP) {	/* dc d0+i, de d0+i aliases */
			if (!get(s, 0, &a) || !get(s, rm, &b))
				return;
			compare(s, a, b, false, false);
			if (sub == OP_COMP || op == 6)
				pop(s);
			return;
		}
		if (operands_ok(s, rm, 0, rm)) {
			/* DC/DE E0-FF: the mnemonic's "r" is swapped (Intel SDM opcode map) */
			get(s, rm, &a);
			get(s, 0, &b);
			set_reg(env, rm, from_host(arith(s, sub >= 4 ? sub ^ 1 : sub, a, b)));
		}
		if (op == 6)
			pop(s);
		return;
	case 1:
		if (sub == 0) {	/* fld st(i) */
			bool uf = empty(env, rm);
			if (!get(s, rm, &a))
				return;
			push(s, a);
			if (uf)		/* underflow wins over overflow for C1 */
				env->fpu_status &= ~SW_C1;
			return;
		}
		if (sub == 1) {	/* fxch */
			if (!get(s, 0, &a) || !get(s, rm, &b))
				return;
			set_reg(env, 0, from_host(b));
			set_reg(env, rm, from_host(a));
			env->fpu_status &= ~SW_C1;
			return;
		}
		if (i->modrm == 0xd0)
			return;	/* fnop */
		if (sub == 3) {	/* fstp1 alias */
			if (!get(s, 0, &a))
				return;
			set_reg(env, rm, from_host(a));
			pop(s);
			return;
		}
		switch (i->modrm) {
		case 0xe0: case 0xe1: run_special(s, i->modrm, 1, 0); return;
		case 0xe4:
			if (!get(s, 0, &a))
				return;
			compare(s, a, 0.0L, false, false);
			return;
		case 0xe5: run_special(s, 0xe5, 0, 0); return;
		case 0xe8: case 0xe9: case 0xea: case 0xeb: case 0xec: case 0xed: case 0xee:
			push(s, consts[i->modrm - 0xe8]);
			return;
		case 0xf0: case 0xfa: case 0xfc: case 0xfe: case 0xff:
			run_special(s, i->modrm, 1, 0);
			return;
		case 0xf2: case 0xf4: case 0xfb:
			run_special(s, i->modrm, 1, 1);
			return;
		case 0xf1: case 0xf3: case 0xf9:
			run_special(s, i->modrm, 2, -1);
			return;
		case 0xf5: case 0xf8: case 0xfd:
			run_special(s, i->modrm, 2, 0);
			return;
		case 0xf6: set_top(env, top(env) - 1); env->fpu_status &= ~SW_C1; return;
		case 0xf7: set_top(env, top(env) + 1); env->fpu_status &= ~SW_C1; return;
		}
		break;
	case 2:
		if (sub < 4) {
			fcmov(s, i);
			return;
		}
		if (i->modrm == 0xe9) {	/* fucompp */
			if (!get(s, 0, &a) || !get(s, 1, &b))
				return;
			compare(s, a, b, true, false);
			pop(s);
			pop(s);
			return;
		}
		break;
	case 3:
		if (sub < 4) {
			fcmov(s, i);
			return;
		}
		if (sub == 5 || sub == 6) {	/* fucomi / fcomi */
			if (!get(s, 0, &a) || !get(s, rm, &b))
				return;
			compare(s, a, b, sub == 5, true);
			return;
		}
		break;
	case 5:
		switch (sub) {
		case 0:	/* ffree */
			env->fpu_tag |= 3 << (2 * phys(env, rm));
			return;
		case 2: case 3:	/* fst/fstp st(i) */
			if (!get(s, 0, &a))
				return;
			env->fpu_status &= ~SW_C1;
			set_reg(env, rm, from_host(a));
			if (sub == 3)
				pop(s);
			return;
		case 4: case 5:	/* fucom / fucomp */
			if (!get(s, 0, &a) || !get(s, rm, &b))
				return;
			compare(s, a, b, true, false);
			if (sub == 5)
				pop(s);
			return;
		}
		break;
	case 7:
		if (sub == 5 || sub == 6) {	/* fucomip / fcomip */
			if (!get(s, 0, &a) || !get(s, rm, &b))
				return;
			compare(s, a, b, sub == 5, true);
			pop(s);
			return;
		}
		if (sub == 0) {	/* ffreep */
			env->fpu_tag |= 3 << (2 * phys(env, rm));
			pop(s);
			return;
		}
		break;
	}
	log_unimp("x87: %02x %02x", i->op, i->modrm);
	x86_raise_ud(s);
}

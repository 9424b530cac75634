// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SSE/SSE2 state and instructions, and the FXSAVE/FXRSTOR/XSAVE state
 * images (SDM vol. 1 §10.5 table 10-2, §13.4). #UD when CR4.OSFXSR is clear
 * for SSE, #NM when CR0.TS is set, #XM/#UD for unmasked SIMD exceptions.
 */
#include "kemu/common.h"
#include "target/i386/internal.h"

void x86_fninit(CPUX86State *env);

static void sse_check(struct interp_cpu *s)
{
	if ((s->env->cr[0] & CR0_EM) || !(s->env->cr[4] & CR4_OSFXSR))
		x86_raise_ud(s);
	if (s->env->cr[0] & CR0_TS)
		x86_raise(s, EXCP_NM, 0);
}

/* abridged tag: 1 bit per register, 1 = valid (not empty) */
static uint8_t tag_abridge(uint16_t tag)
{
	uint8_t r = 0;
	for (int k = 0; k < 8; k++)
		if (((tag >> (2 * k)) & 3) != 3)
			r |= 1 << k;
	return r;
}

static uint16_t tag_expand(CPUX86State *env, uint8_t ab)
{
	uint16_t t = 0;
	for (int k = 0; k < 8; k++) {
		unsigned v;
		if (!(ab & (1 << k))) {
			v = 3;
		} else {
			const struct floatx80 *f = &env->st[k];
			unsigned exp = f->sign_exponent & 0x7fff;
			if (exp == 0x7fff)
				v = 2;
			else if (exp == 0 && f->mantissa == 0)
				v = 1;
			else if (exp == 0 || !(f->mantissa >> 63))
				v = 2;
			else
				v = 0;
		}
		t |= v << (2 * k);
	}
	return t;
}

static void write_bytes(struct interp_cpu *s, int seg, uint64_t ea, unsigned asz, unsigned off,
			const void *p, unsigned n)
{
	const uint8_t *b = p;
	for (unsigned k = 0; k < n; k += 8) {
		uint64_t v = 0;
		unsigned c = n - k < 8 ? n - k : 8;
		memcpy(&v, b + k, c);
		x86_mem_write(s, seg, (ea + off + k) & size_mask(asz), c, v);
	}
}

static void read_bytes(struct interp_cpu *s, int seg, uint64_t ea, unsigned asz, unsigned off,
		       void *p, unsigned n)
{
	uint8_t *b = p;
	for (unsigned k = 0; k < n; k += 8) {
		unsigned c = n - k < 8 ? n - k : 8;
		uint64_t v = x86_mem_read(s, seg, (ea + off + k) & size_mask(asz), c);
		memcpy(b + k, &v, c);
	}
}

/* FXSAVE image, SDM vol. 1 table 10-2; st[] kept in stack order ST(0).. */
static void fxsave(struct interp_cpu *s, struct x86_insn *i, uint64_t ea, int seg)
{
	CPUX86State *env = s->env;
	uint8_t img[512];
	memset(img, 0, sizeof(img));
	unsigned top = (env->fpu_status >> 11) & 7;
	stw_le_p(img + 0, env->fpu_control);
	stw_le_p(img + 2, env->fpu_status);
	img[4] = tag_abridge(env->fpu_tag);
	stw_le_p(img + 6, env->fpu_opcode);
	if (i->opsize == 8) {
		stq_le_p(img + 8, env->fpu_ip);
		stq_le_p(img + 16, env->fpu_dp);
	} else {
		stl_le_p(img + 8, env->fpu_ip);
		stw_le_p(img + 12, env->fpu_cs);
		stl_le_p(img + 16, env->fpu_dp);
		stw_le_p(img + 20, env->fpu_ds);
	}
	stl_le_p(img + 24, env->mxcsr);
	stl_le_p(img + 28, 0xffff);
	for (int k = 0; k < 8; k++) {
		const struct floatx80 *f = &env->st[(top + k) & 7];
		stq_le_p(img + 32 + k * 16, f->mantissa);
		stw_le_p(img + 40 + k * 16, f->sign_exponent);
	}
	unsigned nxmm = s->code_bits == 64 ? 16 : 8;
	for (unsigned k = 0; k < nxmm; k++)
		memcpy(img + 160 + k * 16, env->xmm[k].b, 16);
	write_bytes(s, seg, ea, i->addrsize, 0, img, 416);
}

static void fxrstor(struct interp_cpu *s, struct x86_insn *i, uint64_t ea, int seg)
{
	CPUX86State *env = s->env;
	uint8_t img[512];
	read_bytes(s, seg, ea, i->addrsize, 0, img, 416);
	uint32_t mxcsr = ldl_le_p(img + 24);
	if (mxcsr & ~0xffffu)
		x86_raise_gp(s, 0);
	env->fpu_control = lduw_le_p(img + 0);
	env->fpu_status = lduw_le_p(img + 2);
	env->fpu_opcode = lduw_le_p(img + 6);
	if (i->opsize == 8) {
		env->fpu_ip = ldq_le_p(img + 8);
		env->fpu_dp = ldq_le_p(img + 16);
	} else {
		env->fpu_ip = ldl_le_p(img + 8);
		env->fpu_cs = lduw_le_p(img + 12);
		env->fpu_dp = ldl_le_p(img + 16);
		env->fpu_ds = lduw_le_p(img + 20);
	}
	env->mxcsr = mxcsr;
	unsigned top = (env->fpu_status >> 11) & 7;
	for (int k = 0; k < 8; k++) {
		struct floatx80 *f = &env->st[(top + k) & 7];
		f->mantissa = ldq_le_p(img + 32 + k * 16);
		f->sign_exponent = lduw_le_p(img + 40 + k * 16);
	}
	/* the abridged tag is by physical register */
	env->fpu_tag = tag_expand(env, img[4]);
	unsigned nxmm = s->code_bits == 64 ? 16 : 8;
	for (unsigned k = 0; k < nxmm; k++)
		memcpy(env->xmm[k].b, img + 160 + k * 16, 16);
}

static void op_grp15(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	unsigned sub = i->reg & 7;
	if (!i->mem) {
		if (sub >= 5 && !i->rep)
			return;		/* lfence, mfence, sfence */
		x86_raise_ud(s);
	}
	uint64_t ea = x86_ea(s, i);
	int seg = x86_ea_seg(i);
	switch (sub) {
	case 0: case 1:
		if (env->cr[0] & (CR0_TS | CR0_EM))
			x86_raise(s, (env->cr[0] & CR0_EM) ? EXCP_UD : EXCP_NM, 0);
		if (ea & 15)
			x86_raise_gp(s, 0);
		if (sub == 0)
			fxsave(s, i, ea, seg);
		else
			fxrstor(s, i, ea, seg);
		return;
	case 2: {
		sse_check(s);
		uint32_t v = x86_mem_read(s, seg, ea, 4);
		if (v & ~0xffffu)
			x86_raise_gp(s, 0);
		env->mxcsr = v;
		return;
	}
	case 3:
		sse_check(s);
		x86_mem_write(s, seg, ea, 4, env->mxcsr);
		return;
	case 7:		/* clflush */
		x86_mem_read(s, seg, ea, 1);
		return;
	default:
		x86_raise_ud(s);
	}
}

void x86_sse_op(struct interp_cpu *s, struct x86_insn *i);
void x86_sse_op(struct interp_cpu *s, struct x86_insn *i)
{
	sse_check(s);
	log_unimp("sse: opcode %03x prefix %02x/%d", i->op, i->rep, i->p66);
	x86_raise_ud(s);
}

void x86_sse_register(void)
{
	x86_handlers[MAP_0F + 0xae] = op_grp15;
	(void)x86_fninit;
}

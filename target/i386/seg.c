// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Segmentation and protected transfers of control for the software CPU:
 * descriptor loading with privilege/type checks (SDM vol. 3A chapter 5),
 * far jmp/call/ret through call gates (§5.8), interrupt and exception
 * delivery in real, protected, virtual-8086 and IA-32e modes (§6.12, §6.14,
 * §20.3), iret in every form, 32-bit hardware task switches (chapter 8),
 * sysenter/sysexit, syscall/sysret, and the I/O permission bitmap (vol. 1
 * §19.5).
 *
 * Known simplifications: stack pushes during gate transfers are not checked
 * against the new SS limit; 16-bit TSSs are not supported for task switches
 * (#TS); VME/PVI virtual interrupt flags are not implemented (not advertised).
 */
#include "kemu/common.h"
#include "target/i386/internal.h"

#define DESC_TYPE(d)	(((d) >> 40) & 0xf)
#define DESC_S(d)	(((d) >> 44) & 1)
#define DESC_DPL(d)	(((d) >> 45) & 3)
#define DESC_P(d)	(((d) >> 47) & 1)
#define DESC_L(d)	(((d) >> 53) & 1)
#define DESC_DB(d)	(((d) >> 54) & 1)
#define SEL_RPL(s)	((s) & 3)

static uint64_t desc_base(uint64_t d)
{
	return ((d >> 16) & 0xffffff) | (((d >> 56) & 0xff) << 24);
}

static uint32_t desc_limit(uint64_t d)
{
	uint32_t l = (d & 0xffff) | (((d >> 48) & 0xf) << 16);
	if (d & (1ULL << 55))
		l = (l << 12) | 0xfff;
	return l;
}

void x86_set_seg_from_desc(struct segment_cache *sc, uint16_t sel, uint64_t d)
{
	sc->selector = sel;
	sc->base = desc_base(d);
	sc->limit = desc_limit(d);
	sc->flags = (d >> 32) & 0x00f0ff00;
}

bool x86_read_descriptor(struct interp_cpu *s, uint16_t sel, uint64_t *lo, uint64_t *hi,
			 int excp)
{
	CPUX86State *env = s->env;
	uint64_t base;
	uint32_t limit;
	unsigned idx = sel & ~7;

	if (sel & 4) {
		if (!(env->ldt.flags & SEG_P) || (env->ldt.selector & ~3) == 0) {
			if (excp >= 0)
				x86_raise(s, excp, sel & 0xfffc);
			return false;
		}
		base = env->ldt.base;
		limit = env->ldt.limit;
	} else {
		base = env->gdt.base;
		limit = env->gdt.limit;
	}
	if (idx + 7 > limit || (hi && idx + 15 > limit)) {
		if (excp >= 0)
			x86_raise(s, excp, sel & 0xfffc);
		return false;
	}
	*lo = x86_lin_read_sys(s, base + idx, 8);
	if (hi)
		*hi = x86_lin_read_sys(s, base + idx + 8, 8);
	return true;
}

static void set_accessed(struct interp_cpu *s, uint16_t sel, uint64_t *d)
{
	if (*d & (1ULL << 40))
		return;
	CPUX86State *env = s->env;
	uint64_t base = sel & 4 ? env->ldt.base : env->gdt.base;
	*d |= 1ULL << 40;
	x86_lin_write_sys(s, base + (sel & ~7) + 5, 1, (*d >> 40) & 0xff);
}

void x86_load_seg_real(struct interp_cpu *s, int seg, uint16_t sel)
{
	struct segment_cache *sc = &s->env->segs[seg];
	sc->selector = sel;
	sc->base = (uint64_t)sel << 4;
	if (x86_vm86(s)) {
		sc->limit = 0xffff;
		sc->flags = SEG_P | SEG_S | (3 << SEG_DPL_SHIFT) | (seg == R_CS ? 0xb00 : 0x300);
	} else if (!(sc->flags & SEG_P)) {
		/* a register left unusable by protected mode: make it usable */
		sc->flags |= SEG_P | SEG_S | 0x300;
	}
}

void x86_load_seg(struct interp_cpu *s, int seg, uint16_t sel)
{
	CPUX86State *env = s->env;
	struct segment_cache *sc = &env->segs[seg];
	uint64_t d;

	if (!x86_pe(s) || x86_vm86(s)) {
		x86_load_seg_real(s, seg, sel);
		return;
	}
	if ((sel & ~3) == 0) {
		if (seg == R_SS && !(s->code_bits == 64 && s->cpl != 3 && SEL_RPL(sel) == s->cpl))
			x86_raise_gp(s, 0);
		sc->selector = sel;
		sc->flags = seg == R_SS ? (sc->flags & SEG_DPL_MASK) | SEG_DB : 0;
		if (!(s->code_bits == 64 && seg >= R_FS))
			sc->base = 0;
		sc->limit = 0;
		if (seg == R_SS)
			sc->flags |= SEG_P | SEG_S | 0x300 | ((uint32_t)s->cpl << SEG_DPL_SHIFT);
		return;
	}
	x86_read_descriptor(s, sel, &d, NULL, EXCP_GP);
	unsigned type = DESC_TYPE(d), dpl = DESC_DPL(d), rpl = SEL_RPL(sel);
	if (!DESC_S(d))
		x86_raise_gp(s, sel & 0xfffc);
	if (seg == R_SS) {
		if (rpl != s->cpl || dpl != s->cpl || (type & 8) || !(type & 2))
			x86_raise_gp(s, sel & 0xfffc);
		if (!DESC_P(d))
			x86_raise(s, EXCP_SS, sel & 0xfffc);
	} else {
		if ((type & 0xa) == 0x8)	/* execute-only code */
			x86_raise_gp(s, sel & 0xfffc);
		if (!(type & 8) || !(type & 4)) {	/* data or non-conforming code */
			if (dpl < s->cpl || dpl < rpl)
				x86_raise_gp(s, sel & 0xfffc);
		}
		if (!DESC_P(d))
			x86_raise(s, EXCP_NP, sel & 0xfffc);
	}
	set_accessed(s, sel, &d);
	uint64_t fsgs_base = sc->base;
	x86_set_seg_from_desc(sc, sel, d);
	(void)fsgs_base;
}

/* ---- stack helpers for transfers that switch stacks ---- */

struct stack_ptr {
	uint64_t base;
	uint64_t sp;
	uint64_t mask;
	bool user;
};

static void sp_push(struct interp_cpu *s, struct stack_ptr *st, unsigned size, uint64_t v)
{
	st->sp = (st->sp - size) & st->mask;
	uint64_t lin = st->base + st->sp;
	if (!s->lma)
		lin &= 0xffffffff;
	if (st->user)
		x86_lin_write(s, lin, size, v);
	else
		x86_lin_write_sys(s, lin, size, v);
}

static uint64_t sp_pop(struct interp_cpu *s, struct stack_ptr *st, unsigned size)
{
	uint64_t lin = st->base + st->sp;
	if (!s->lma)
		lin &= 0xffffffff;
	uint64_t v = st->user ? x86_lin_read(s, lin, size, ACC_READ) : x86_lin_read_sys(s, lin, size);
	st->sp = (st->sp + size) & st->mask;
	return v;
}

static struct stack_ptr cur_stack(struct interp_cpu *s)
{
	CPUX86State *env = s->env;
	struct stack_ptr st;
	int ss = x86_stack_size(s);
	st.mask = size_mask(ss);
	st.base = s->code_bits == 64 ? 0 : env->segs[R_SS].base;
	st.sp = env->regs[R_ESP] & st.mask;
	st.user = s->cpl == 3;
	return st;
}

static void set_sp(struct interp_cpu *s, uint64_t sp, uint64_t mask)
{
	uint64_t *r = &s->env->regs[R_ESP];
	if (mask == 0xffff)
		*r = (*r & ~0xffffULL) | (sp & 0xffff);
	else if (mask == 0xffffffff)
		*r = (uint32_t)sp;
	else
		*r = sp;
}

/* Inner-level stack from the current TSS, SDM §7.2.1 / §7.7. */
static void tss_get_stack(struct interp_cpu *s, int dpl, uint16_t *ss, uint64_t *sp)
{
	CPUX86State *env = s->env;
	unsigned type = (env->tr.flags >> SEG_TYPE_SHIFT) & 0xf;
	if (!(env->tr.flags & SEG_P))
		x86_raise(s, EXCP_TS, env->tr.selector & 0xfffc);
	if (s->lma) {
		unsigned off = 4 + dpl * 8;
		if (off + 7 > env->tr.limit)
			x86_raise(s, EXCP_TS, env->tr.selector & 0xfffc);
		*sp = x86_lin_read_sys(s, env->tr.base + off, 8);
		*ss = dpl;
		return;
	}
	if (type & 8) {
		unsigned off = 4 + dpl * 8;
		if (off + 5 > env->tr.limit)
			x86_raise(s, EXCP_TS, env->tr.selector & 0xfffc);
		*sp = x86_lin_read_sys(s, env->tr.base + off, 4);
		*ss = x86_lin_read_sys(s, env->tr.base + off + 4, 2);
	} else {
		unsigned off = 2 + dpl * 4;
		if (off + 3 > env->tr.limit)
			x86_raise(s, EXCP_TS, env->tr.selector & 0xfffc);
		*sp = x86_lin_read_sys(s, env->tr.base + off, 2);
		*ss = x86_lin_read_sys(s, env->tr.base + off + 2, 2);
	}
}

/* Load SS for a privilege change to `dpl`; checks per SDM §6.12.1.1. */
static void load_inner_ss(struct interp_cpu *s, uint16_t ss, int dpl, uint64_t *d_out,
			  int excp_ts)
{
	uint64_t d;
	if ((ss & ~3) == 0)
		x86_raise(s, EXCP_TS, 0);
	if (SEL_RPL(ss) != dpl)
		x86_raise(s, EXCP_TS, ss & 0xfffc);
	x86_read_descriptor(s, ss, &d, NULL, EXCP_TS);
	if (DESC_DPL(d) != dpl || !DESC_S(d) || (DESC_TYPE(d) & 0xa) != 0x2)
		x86_raise(s, EXCP_TS, ss & 0xfffc);
	if (!DESC_P(d))
		x86_raise(s, EXCP_SS, ss & 0xfffc);
	set_accessed(s, ss, &d);
	*d_out = d;
	(void)excp_ts;
}

/* After a return to an outer level: data segments the new CPL may not use become null. */
static void invalidate_segs(struct interp_cpu *s, int cpl)
{
	static const int segs[] = { R_ES, R_DS, R_FS, R_GS };
	for (unsigned k = 0; k < 4; k++) {
		struct segment_cache *sc = &s->env->segs[segs[k]];
		unsigned type = (sc->flags >> SEG_TYPE_SHIFT) & 0xf;
		int dpl = (sc->flags >> SEG_DPL_SHIFT) & 3;
		if ((sc->selector & ~3) == 0 && !(sc->flags & SEG_P))
			continue;
		if (((type & 0xc) != 0xc) && dpl < cpl) {
			sc->selector = 0;
			sc->flags = 0;
			if (!(s->lma && segs[k] >= R_FS))
				sc->base = 0;
		}
	}
}

static void load_cs(struct interp_cpu *s, uint16_t sel, uint64_t d, int cpl)
{
	set_accessed(s, sel, &d);
	x86_set_seg_from_desc(&s->env->segs[R_CS], (sel & 0xfffc) | cpl, d);
}

/* Check a code segment target of jmp/call/ret: SDM §5.8.1. */
static uint64_t check_code_desc(struct interp_cpu *s, uint16_t sel)
{
	uint64_t d;
	if ((sel & ~3) == 0)
		x86_raise_gp(s, 0);
	x86_read_descriptor(s, sel, &d, NULL, EXCP_GP);
	return d;
}

static void check_target_offset(struct interp_cpu *s, uint64_t d, uint64_t off)
{
	if (s->lma && DESC_L(d)) {
		if (!x86_canonical(off))
			x86_raise_gp(s, 0);
	} else if (off > desc_limit(d)) {
		x86_raise_gp(s, 0);
	}
}

static void set_rip_after_far(struct interp_cpu *s, uint64_t off)
{
	s->next_rip = off;
	x86_update_mode(s);
}

/* ---- far jmp ---- */

void x86_far_jmp(struct interp_cpu *s, uint16_t sel, uint64_t off)
{
	CPUX86State *env = s->env;
	uint64_t d, hi = 0;

	if (!x86_pe(s) || x86_vm86(s)) {
		if (off > env->segs[R_CS].limit)
			x86_raise_gp(s, 0);
		x86_load_seg_real(s, R_CS, sel);
		s->next_rip = off;
		return;
	}
	d = check_code_desc(s, sel);
	unsigned type = DESC_TYPE(d), dpl = DESC_DPL(d), rpl = SEL_RPL(sel);
	if (DESC_S(d)) {
		if (!(type & 8))
			x86_raise_gp(s, sel & 0xfffc);
		if (type & 4) {
			if (dpl > s->cpl)
				x86_raise_gp(s, sel & 0xfffc);
		} else if (rpl > s->cpl || dpl != s->cpl) {
			x86_raise_gp(s, sel & 0xfffc);
		}
		if (!DESC_P(d))
			x86_raise(s, EXCP_NP, sel & 0xfffc);
		check_target_offset(s, d, off);
		load_cs(s, sel, d, s->cpl);
		set_rip_after_far(s, off);
		return;
	}
	/* system descriptor: call gate, task gate or TSS */
	if (dpl < s->cpl || dpl < rpl)
		x86_raise_gp(s, sel & 0xfffc);
	if (!DESC_P(d))
		x86_raise(s, EXCP_NP, sel & 0xfffc);
	switch (type) {
	case 1: case 9:
		if (s->lma)
			x86_raise_gp(s, sel & 0xfffc);
		x86_task_switch(s, sel, d, TS_JMP, s->next_rip);
		return;
	case 5:
		if (s->lma)
			x86_raise_gp(s, sel & 0xfffc);
		{
			uint16_t tss = d >> 16;
			uint64_t td;
			x86_read_descriptor(s, tss, &td, NULL, EXCP_GP);
			if (tss & 4 || DESC_S(td) || (DESC_TYPE(td) & 7) != 1)
				x86_raise_gp(s, tss & 0xfffc);
			x86_task_switch(s, tss, td, TS_JMP, s->next_rip);
		}
		return;
	case 4: case 12: {
		if (s->lma) {
			if (type != 12)
				x86_raise_gp(s, sel & 0xfffc);
			x86_read_descriptor(s, sel, &d, &hi, EXCP_GP);
		}
		uint16_t csel = d >> 16;
		uint64_t goff = (d & 0xffff) | ((d >> 32) & 0xffff0000);
		if (s->lma)
			goff |= (hi & 0xffffffff) << 32;
		else if (type == 4)
			goff &= 0xffff;
		uint64_t cd = check_code_desc(s, csel);
		unsigned cdpl = DESC_DPL(cd);
		if (!DESC_S(cd) || !(DESC_TYPE(cd) & 8))
			x86_raise_gp(s, csel & 0xfffc);
		if ((DESC_TYPE(cd) & 4) ? cdpl > s->cpl : cdpl != s->cpl)
			x86_raise_gp(s, csel & 0xfffc);
		if (s->lma && (!DESC_L(cd) || DESC_DB(cd)))
			x86_raise_gp(s, csel & 0xfffc);
		if (!DESC_P(cd))
			x86_raise(s, EXCP_NP, csel & 0xfffc);
		check_target_offset(s, cd, goff);
		load_cs(s, csel, cd, s->cpl);
		set_rip_after_far(s, goff);
		return;
	}
	default:
		x86_raise_gp(s, sel & 0xfffc);
	}
}

/* ---- far call ---- */

void x86_far_call(struct interp_cpu *s, uint16_t sel, uint64_t off, int opsize)
{
	CPUX86State *env = s->env;
	uint64_t d, hi = 0;
	struct stack_ptr st = cur_stack(s);

	if (!x86_pe(s) || x86_vm86(s)) {
		sp_push(s, &st, opsize, env->segs[R_CS].selector);
		sp_push(s, &st, opsize, s->next_rip);
		if (off > env->segs[R_CS].limit)
			x86_raise_gp(s, 0);
		set_sp(s, st.sp, st.mask);
		x86_load_seg_real(s, R_CS, sel);
		s->next_rip = off;
		return;
	}
	d = check_code_desc(s, sel);
	unsigned type = DESC_TYPE(d), dpl = DESC_DPL(d), rpl = SEL_RPL(sel);
	if (DESC_S(d)) {
		if (!(type & 8))
			x86_raise_gp(s, sel & 0xfffc);
		if (type & 4) {
			if (dpl > s->cpl)
				x86_raise_gp(s, sel & 0xfffc);
		} else if (rpl > s->cpl || dpl != s->cpl) {
			x86_raise_gp(s, sel & 0xfffc);
		}
		if (!DESC_P(d))
			x86_raise(s, EXCP_NP, sel & 0xfffc);
		check_target_offset(s, d, off);
		sp_push(s, &st, opsize, env->segs[R_CS].selector);
		sp_push(s, &st, opsize, s->next_rip);
		set_sp(s, st.sp, st.mask);
		load_cs(s, sel, d, s->cpl);
		set_rip_after_far(s, off);
		return;
	}
	if (dpl < s->cpl || dpl < rpl)
		x86_raise_gp(s, sel & 0xfffc);
	if (!DESC_P(d))
		x86_raise(s, EXCP_NP, sel & 0xfffc);
	switch (type) {
	case 1: case 9:
		if (s->lma)
			x86_raise_gp(s, sel & 0xfffc);
		x86_task_switch(s, sel, d, TS_CALL, s->next_rip);
		return;
	case 5: {
		if (s->lma)
			x86_raise_gp(s, sel & 0xfffc);
		uint16_t tss = d >> 16;
		uint64_t td;
		x86_read_descriptor(s, tss, &td, NULL, EXCP_GP);
		if (tss & 4 || DESC_S(td) || (DESC_TYPE(td) & 7) != 1)
			x86_raise_gp(s, tss & 0xfffc);
		x86_task_switch(s, tss, td, TS_CALL, s->next_rip);
		return;
	}
	case 4: case 12:
		break;
	default:
		x86_raise_gp(s, sel & 0xfffc);
	}
	/* call gate, SDM §5.8.6 */
	if (s->lma) {
		if (type != 12)
			x86_raise_gp(s, sel & 0xfffc);
		x86_read_descriptor(s, sel, &d, &hi, EXCP_GP);
	}
	bool gate32 = type == 12;
	unsigned gsize = s->lma ? 8 : (gate32 ? 4 : 2);
	uint16_t csel = d >> 16;
	uint64_t goff = (d & 0xffff) | ((d >> 32) & 0xffff0000);
	if (s->lma)
		goff |= (hi & 0xffffffff) << 32;
	else if (!gate32)
		goff &= 0xffff;
	unsigned nparams = (d >> 32) & 0x1f;
	uint64_t cd = check_code_desc(s, csel);
	unsigned cdpl = DESC_DPL(cd);
	if (!DESC_S(cd) || !(DESC_TYPE(cd) & 8) || cdpl > s->cpl)
		x86_raise_gp(s, csel & 0xfffc);
	if (s->lma && (!DESC_L(cd) || DESC_DB(cd)))
		x86_raise_gp(s, csel & 0xfffc);
	if (!DESC_P(cd))
		x86_raise(s, EXCP_NP, csel & 0xfffc);
	check_target_offset(s, cd, goff);

	if (!(DESC_TYPE(cd) & 4) && cdpl < s->cpl) {
		/* more privileged: switch stacks */
		uint16_t nss;
		uint64_t nsp, ssd = 0;
		tss_get_stack(s, cdpl, &nss, &nsp);
		struct stack_ptr ns;
		if (s->lma) {
			nss = cdpl;
			ns.base = 0;
			ns.mask = ~0ULL;
		} else {
			load_inner_ss(s, nss, cdpl, &ssd, EXCP_TS);
			ns.base = desc_base(ssd);
			ns.mask = DESC_DB(ssd) ? 0xffffffff : 0xffff;
		}
		ns.sp = nsp & ns.mask;
		ns.user = false;
		sp_push(s, &ns, gsize, env->segs[R_SS].selector);
		sp_push(s, &ns, gsize, env->regs[R_ESP] & st.mask);
		for (int k = nparams - 1; k >= 0 && !s->lma; k--) {
			uint64_t lin = st.base + ((st.sp + k * gsize) & st.mask);
			uint64_t v = x86_lin_read(s, lin, gsize, ACC_READ);
			sp_push(s, &ns, gsize, v);
		}
		sp_push(s, &ns, gsize, env->segs[R_CS].selector);
		sp_push(s, &ns, gsize, s->next_rip);
		/* commit */
		if (s->lma) {
			struct segment_cache *ss = &env->segs[R_SS];
			ss->selector = nss;
			ss->base = 0;
			ss->limit = 0xffffffff;
			ss->flags = SEG_P | SEG_S | 0x300 | SEG_DB | SEG_G | (cdpl << SEG_DPL_SHIFT);
		} else {
			x86_set_seg_from_desc(&env->segs[R_SS], nss, ssd);
		}
		set_sp(s, ns.sp, ns.mask);
		load_cs(s, csel, cd, cdpl);
	} else {
		sp_push(s, &st, gsize, env->segs[R_CS].selector);
		sp_push(s, &st, gsize, s->next_rip);
		set_sp(s, st.sp, st.mask);
		load_cs(s, csel, cd, s->cpl);
	}
	set_rip_after_far(s, goff);
}

/* ---- far ret ---- */

void x86_far_ret(struct interp_cpu *s, int opsize, uint16_t extra)
{
	CPUX86State *env = s->env;
	struct stack_ptr st = cur_stack(s);
	uint64_t off = sp_pop(s, &st, opsize);
	uint16_t sel = sp_pop(s, &st, opsize);

	if (!x86_pe(s) || x86_vm86(s)) {
		if (off > env->segs[R_CS].limit)
			x86_raise_gp(s, 0);
		st.sp = (st.sp + extra) & st.mask;
		set_sp(s, st.sp, st.mask);
		x86_load_seg_real(s, R_CS, sel);
		s->next_rip = off;
		return;
	}
	uint64_t d = check_code_desc(s, sel);
	unsigned rpl = SEL_RPL(sel), dpl = DESC_DPL(d);
	if (rpl < s->cpl || !DESC_S(d) || !(DESC_TYPE(d) & 8))
		x86_raise_gp(s, sel & 0xfffc);
	if ((DESC_TYPE(d) & 4) ? dpl > rpl : dpl != rpl)
		x86_raise_gp(s, sel & 0xfffc);
	if (!DESC_P(d))
		x86_raise(s, EXCP_NP, sel & 0xfffc);
	if (rpl == s->cpl) {
		check_target_offset(s, d, off);
		st.sp = (st.sp + extra) & st.mask;
		set_sp(s, st.sp, st.mask);
		load_cs(s, sel, d, s->cpl);
		set_rip_after_far(s, off);
		return;
	}
	/* return to an outer level */
	st.sp = (st.sp + extra) & st.mask;
	uint64_t nsp = sp_pop(s, &st, opsize);
	uint16_t nss = sp_pop(s, &st, opsize);
	uint64_t ssd = 0;
	bool null_ss = (nss & ~3) == 0;
	if (null_ss && !(s->lma && DESC_L(d) && rpl != 3))
		x86_raise_gp(s, 0);
	if (!null_ss) {
		x86_read_descriptor(s, nss, &ssd, NULL, EXCP_GP);
		if (SEL_RPL(nss) != rpl || DESC_DPL(ssd) != rpl || !DESC_S(ssd) ||
		    (DESC_TYPE(ssd) & 0xa) != 2)
			x86_raise_gp(s, nss & 0xfffc);
		if (!DESC_P(ssd))
			x86_raise(s, EXCP_SS, nss & 0xfffc);
	}
	check_target_offset(s, d, off);
	load_cs(s, sel, d, rpl);
	if (null_ss) {
		env->segs[R_SS].selector = nss;
		env->segs[R_SS].flags = SEG_P | SEG_S | 0x300 | SEG_DB | ((uint32_t)rpl << SEG_DPL_SHIFT);
		env->segs[R_SS].base = 0;
		env->segs[R_SS].limit = 0xffffffff;
	} else {
		set_accessed(s, nss, &ssd);
		x86_set_seg_from_desc(&env->segs[R_SS], nss, ssd);
	}
	uint64_t mask = (s->lma && DESC_L(d)) ? ~0ULL : (env->segs[R_SS].flags & SEG_DB ? 0xffffffff : 0xffff);
	set_sp(s, nsp + extra, mask);
	invalidate_segs(s, rpl);
	set_rip_after_far(s, off);
}

/* ---- interrupts ---- */

static void do_interrupt_real(struct interp_cpu *s, int vec, uint64_t ret_rip)
{
	CPUX86State *env = s->env;
	if (vec * 4 + 3 > env->idt.limit)
		x86_raise_gp(s, vec * 8 + 2);
	uint32_t ent = x86_lin_read_sys(s, env->idt.base + vec * 4, 4);
	struct stack_ptr st = cur_stack(s);
	st.mask = 0xffff;
	st.sp &= 0xffff;
	sp_push(s, &st, 2, env->rflags);
	sp_push(s, &st, 2, env->segs[R_CS].selector);
	sp_push(s, &st, 2, ret_rip);
	set_sp(s, st.sp, 0xffff);
	x86_load_seg_real(s, R_CS, ent >> 16);
	env->rip = ent & 0xffff;
	env->rflags &= ~(X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_AC | X86_EFLAGS_RF);
}

static void do_interrupt_prot(struct interp_cpu *s, int vec, bool is_sw, bool has_err,
			      uint32_t err, uint64_t ret_rip, bool ext)
{
	CPUX86State *env = s->env;
	unsigned esz = s->lma ? 16 : 8;
	uint32_t idt_err = vec * 8 + 2 + (ext ? 1 : 0);
	uint64_t d, hi = 0;

	if (vec * esz + esz - 1 > env->idt.limit)
		x86_raise_gp(s, idt_err);
	d = x86_lin_read_sys(s, env->idt.base + vec * esz, 8);
	if (s->lma)
		hi = x86_lin_read_sys(s, env->idt.base + vec * esz + 8, 8);
	unsigned type = DESC_TYPE(d), dpl = DESC_DPL(d);
	if (DESC_S(d))
		x86_raise_gp(s, idt_err);
	if (s->lma) {
		if (type != 14 && type != 15)
			x86_raise_gp(s, idt_err);
	} else if (type != 5 && type != 6 && type != 7 && type != 14 && type != 15) {
		x86_raise_gp(s, idt_err);
	}
	if (is_sw && dpl < s->cpl)
		x86_raise_gp(s, idt_err);
	if (!DESC_P(d))
		x86_raise(s, EXCP_NP, idt_err);
	if (type == 5) {
		uint16_t tss = d >> 16;
		uint64_t td;
		x86_read_descriptor(s, tss, &td, NULL, EXCP_TS);
		if (tss & 4 || DESC_S(td) || (DESC_TYPE(td) & 7) != 1)
			x86_raise(s, EXCP_TS, tss & 0xfffc);
		x86_task_switch(s, tss, td, TS_INT, ret_rip);
		if (has_err) {
			struct stack_ptr st = cur_stack(s);
			x86_update_mode(s);
			st = cur_stack(s);
			sp_push(s, &st, env->segs[R_CS].flags & SEG_DB ? 4 : 2, err);
			set_sp(s, st.sp, st.mask);
		}
		env->rip = s->next_rip;
		return;
	}
	uint16_t csel = d >> 16;
	uint64_t off = (d & 0xffff) | ((d >> 32) & 0xffff0000);
	if (s->lma)
		off |= (hi & 0xffffffff) << 32;
	bool gate32 = type >= 14;
	if (!gate32)
		off &= 0xffff;
	unsigned ist = s->lma ? (d >> 32) & 7 : 0;

	if ((csel & ~3) == 0)
		x86_raise_gp(s, ext ? 1 : 0);
	uint64_t cd;
	x86_read_descriptor(s, csel, &cd, NULL, -1) ? (void)0 : x86_raise_gp(s, (csel & 0xfffc) | ext);
	unsigned cdpl = DESC_DPL(cd);
	if (!DESC_S(cd) || !(DESC_TYPE(cd) & 8) || cdpl > s->cpl)
		x86_raise_gp(s, (csel & 0xfffc) | ext);
	if (!DESC_P(cd))
		x86_raise(s, EXCP_NP, (csel & 0xfffc) | ext);
	if (s->lma && (!DESC_L(cd) || DESC_DB(cd)))
		x86_raise_gp(s, (csel & 0xfffc) | ext);

	bool from_vm86 = x86_vm86(s);
	bool inner = !(DESC_TYPE(cd) & 4) && cdpl < s->cpl;
	if (from_vm86 && cdpl != 0)
		x86_raise_gp(s, (csel & 0xfffc) | ext);
	if (!inner && from_vm86)
		x86_raise_gp(s, (csel & 0xfffc) | ext);
	int new_cpl = inner ? cdpl : s->cpl;
	uint64_t oflags = env->rflags;

	if (s->lma) {
		struct stack_ptr ns;
		uint64_t nsp;
		uint16_t dummy;
		if (ist) {
			/* IST n lives at TSS offset 0x24 + 8*(n-1) */
			if (0x24 + (ist - 1) * 8 + 7 > env->tr.limit)
				x86_raise(s, EXCP_TS, env->tr.selector & 0xfffc);
			nsp = x86_lin_read_sys(s, env->tr.base + 0x24 + (ist - 1) * 8, 8);
		} else if (inner) {
			tss_get_stack(s, new_cpl, &dummy, &nsp);
		} else {
			nsp = env->regs[R_ESP];
		}
		if (!x86_canonical(nsp))
			x86_raise(s, EXCP_SS, 0);
		ns.base = 0;
		ns.mask = ~0ULL;
		ns.sp = nsp & ~0xfULL;
		ns.user = new_cpl == 3;
		sp_push(s, &ns, 8, env->segs[R_SS].selector);
		sp_push(s, &ns, 8, env->regs[R_ESP]);
		sp_push(s, &ns, 8, oflags);
		sp_push(s, &ns, 8, env->segs[R_CS].selector);
		sp_push(s, &ns, 8, ret_rip);
		if (has_err)
			sp_push(s, &ns, 8, err);
		if (inner) {
			struct segment_cache *ss = &env->segs[R_SS];
			ss->selector = new_cpl;
			ss->base = 0;
			ss->limit = 0xffffffff;
			ss->flags = SEG_P | SEG_S | 0x300 | SEG_DB | SEG_G | (new_cpl << SEG_DPL_SHIFT);
		}
		env->regs[R_ESP] = ns.sp;
		load_cs(s, csel, cd, new_cpl);
		env->rip = off;
	} else {
		unsigned psize = gate32 ? 4 : 2;
		struct stack_ptr ns;
		uint64_t ssd = 0;
		uint16_t nss = 0;
		if (inner) {
			uint64_t nsp;
			tss_get_stack(s, new_cpl, &nss, &nsp);
			load_inner_ss(s, nss, new_cpl, &ssd, EXCP_TS);
			ns.base = desc_base(ssd);
			ns.mask = DESC_DB(ssd) ? 0xffffffff : 0xffff;
			ns.sp = nsp & ns.mask;
			ns.user = new_cpl == 3;
			if (from_vm86) {
				sp_push(s, &ns, psize, env->segs[R_GS].selector);
				sp_push(s, &ns, psize, env->segs[R_FS].selector);
				sp_push(s, &ns, psize, env->segs[R_DS].selector);
				sp_push(s, &ns, psize, env->segs[R_ES].selector);
			}
			sp_push(s, &ns, psize, env->segs[R_SS].selector);
			sp_push(s, &ns, psize, env->regs[R_ESP]);
		} else {
			ns = cur_stack(s);
		}
		sp_push(s, &ns, psize, oflags);
		sp_push(s, &ns, psize, env->segs[R_CS].selector);
		sp_push(s, &ns, psize, ret_rip);
		if (has_err)
			sp_push(s, &ns, psize, err);
		if (inner) {
			if (from_vm86) {
				static const int segs[] = { R_ES, R_DS, R_FS, R_GS };
				for (unsigned k = 0; k < 4; k++) {
					struct segment_cache *sc = &env->segs[segs[k]];
					sc->selector = 0;
					sc->base = 0;
					sc->limit = 0;
					sc->flags = 0;
				}
			}
			x86_set_seg_from_desc(&env->segs[R_SS], nss, ssd);
		}
		set_sp(s, ns.sp, ns.mask);
		load_cs(s, csel, cd, new_cpl);
		env->rip = off;
	}
	env->rflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF | X86_EFLAGS_VM);
	if (!(type & 1))
		env->rflags &= ~X86_EFLAGS_IF;
}

void x86_do_interrupt(struct interp_cpu *s, int vec, bool is_sw, bool has_err,
		      uint32_t err, uint64_t ret_rip, bool is_hw)
{
	CPUX86State *env = s->env;
	env->halted = false;
	/* int n in vm86 with IOPL < 3 is #GP(0) (no VME) */
	if (is_sw && x86_vm86(s) && ((env->rflags & X86_EFLAGS_IOPL) >> 12) < 3)
		x86_raise_gp(s, 0);
	if (!x86_pe(s))
		do_interrupt_real(s, vec, ret_rip);
	else
		do_interrupt_prot(s, vec, is_sw, has_err, err, ret_rip, !is_sw);
	s->next_rip = env->rip;
	x86_update_mode(s);
	(void)is_hw;
}

/* ---- iret ---- */

void x86_iret(struct interp_cpu *s, int opsize)
{
	CPUX86State *env = s->env;
	struct stack_ptr st = cur_stack(s);
	uint64_t fmask;

	env->nmi_masked = false;
	if (!x86_pe(s) || x86_vm86(s)) {
		if (x86_vm86(s) && ((env->rflags & X86_EFLAGS_IOPL) >> 12) < 3)
			x86_raise_gp(s, 0);
		uint64_t ip = sp_pop(s, &st, opsize);
		uint16_t cs = sp_pop(s, &st, opsize);
		uint64_t fl = sp_pop(s, &st, opsize);
		if (ip > env->segs[R_CS].limit && !x86_vm86(s))
			x86_raise_gp(s, 0);
		fmask = X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | X86_EFLAGS_ZF | X86_EFLAGS_SF |
			X86_EFLAGS_TF | X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_OF | X86_EFLAGS_NT;
		if (!x86_vm86(s))
			fmask |= X86_EFLAGS_IOPL;
		if (opsize == 4)
			fmask |= X86_EFLAGS_RF | X86_EFLAGS_AC | X86_EFLAGS_ID;
		set_sp(s, st.sp, st.mask);
		x86_load_seg_real(s, R_CS, cs);
		x86_write_eflags(s, fl, fmask);
		s->next_rip = ip & size_mask(opsize);
		return;
	}
	if ((env->rflags & X86_EFLAGS_NT) && !s->lma) {
		/* task return, SDM §8.3 */
		uint16_t link = x86_lin_read_sys(s, env->tr.base, 2);
		uint64_t td;
		if (link & 4)
			x86_raise(s, EXCP_TS, link & 0xfffc);
		x86_read_descriptor(s, link, &td, NULL, EXCP_TS);
		if (DESC_S(td) || (DESC_TYPE(td) & 7) != 3)
			x86_raise(s, EXCP_TS, link & 0xfffc);
		x86_task_switch(s, link, td, TS_IRET, s->next_rip);
		return;
	}
	uint64_t ip = sp_pop(s, &st, opsize);
	uint16_t cs = sp_pop(s, &st, opsize);
	uint64_t fl = sp_pop(s, &st, opsize);
	if (opsize == 2)
		fl = (env->rflags & ~0xffffULL) | (fl & 0xffff);

	if ((fl & X86_EFLAGS_VM) && s->cpl == 0 && opsize == 4 && !s->lma) {
		/* return to virtual-8086 mode, SDM §20.3.3 */
		uint32_t esp = sp_pop(s, &st, 4);
		uint16_t ss = sp_pop(s, &st, 4);
		uint16_t es = sp_pop(s, &st, 4);
		uint16_t ds = sp_pop(s, &st, 4);
		uint16_t fs = sp_pop(s, &st, 4);
		uint16_t gs = sp_pop(s, &st, 4);
		env->rflags = (fl & 0x3f7fd5) | X86_EFLAGS_FIXED | X86_EFLAGS_VM;
		x86_load_seg_real(s, R_CS, cs);
		x86_load_seg_real(s, R_SS, ss);
		x86_load_seg_real(s, R_ES, es);
		x86_load_seg_real(s, R_DS, ds);
		x86_load_seg_real(s, R_FS, fs);
		x86_load_seg_real(s, R_GS, gs);
		env->regs[R_ESP] = esp;
		s->next_rip = ip & 0xffff;
		x86_update_mode(s);
		return;
	}
	uint64_t d = check_code_desc(s, cs);
	unsigned rpl = SEL_RPL(cs), dpl = DESC_DPL(d);
	if (rpl < s->cpl || !DESC_S(d) || !(DESC_TYPE(d) & 8))
		x86_raise_gp(s, cs & 0xfffc);
	if ((DESC_TYPE(d) & 4) ? dpl > rpl : dpl != rpl)
		x86_raise_gp(s, cs & 0xfffc);
	if (!DESC_P(d))
		x86_raise(s, EXCP_NP, cs & 0xfffc);

	int cpl = s->cpl;
	fmask = X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | X86_EFLAGS_ZF | X86_EFLAGS_SF |
		X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_OF | X86_EFLAGS_NT;
	if (opsize >= 4)
		fmask |= X86_EFLAGS_RF | X86_EFLAGS_AC | X86_EFLAGS_ID;
	if (cpl == 0)
		fmask |= X86_EFLAGS_IOPL | (opsize >= 4 ? X86_EFLAGS_VIF | X86_EFLAGS_VIP : 0);
	if (cpl <= (int)((env->rflags & X86_EFLAGS_IOPL) >> 12))
		fmask |= X86_EFLAGS_IF;

	bool outer = rpl > cpl || (s->lma && s->code_bits == 64);
	if (!outer) {
		check_target_offset(s, d, ip);
		set_sp(s, st.sp, st.mask);
		load_cs(s, cs, d, cpl);
		x86_write_eflags(s, fl, fmask);
		set_rip_after_far(s, ip);
		return;
	}
	uint64_t nsp = sp_pop(s, &st, opsize);
	uint16_t nss = sp_pop(s, &st, opsize);
	uint64_t ssd = 0;
	bool null_ss = (nss & ~3) == 0;
	if (null_ss && !(s->lma && DESC_L(d) && rpl != 3))
		x86_raise_gp(s, 0);
	if (!null_ss) {
		x86_read_descriptor(s, nss, &ssd, NULL, EXCP_GP);
		if (SEL_RPL(nss) != rpl || DESC_DPL(ssd) != rpl || !DESC_S(ssd) ||
		    (DESC_TYPE(ssd) & 0xa) != 2)
			x86_raise_gp(s, nss & 0xfffc);
		if (!DESC_P(ssd))
			x86_raise(s, EXCP_SS, nss & 0xfffc);
	}
	check_target_offset(s, d, ip);
	load_cs(s, cs, d, rpl);
	if (null_ss) {
		env->segs[R_SS].selector = nss;
		env->segs[R_SS].flags = SEG_P | SEG_S | 0x300 | SEG_DB | ((uint32_t)rpl << SEG_DPL_SHIFT);
		env->segs[R_SS].base = 0;
		env->segs[R_SS].limit = 0xffffffff;
	} else {
		set_accessed(s, nss, &ssd);
		x86_set_seg_from_desc(&env->segs[R_SS], nss, ssd);
	}
	x86_write_eflags(s, fl, fmask);
	uint64_t mask = (s->lma && DESC_L(d)) ? ~0ULL : (env->segs[R_SS].flags & SEG_DB ? 0xffffffff : 0xffff);
	set_sp(s, nsp, mask);
	if (rpl > cpl)
		invalidate_segs(s, rpl);
	set_rip_after_far(s, ip);
}

/* ---- task switch (32-bit TSS), SDM §8.3 ---- */

void x86_task_switch(struct interp_cpu *s, uint16_t sel, uint64_t d, int source, uint64_t ret_eip)
{
	CPUX86State *env = s->env;
	unsigned type = DESC_TYPE(d);
	uint64_t nbase = desc_base(d);
	uint32_t nlimit = desc_limit(d);

	if (!DESC_P(d))
		x86_raise(s, EXCP_NP, sel & 0xfffc);
	if (!(type & 8)) {
		log_unimp("x86: task switch to a 16-bit TSS");
		x86_raise(s, EXCP_TS, sel & 0xfffc);
	}
	if (nlimit < 0x67)
		x86_raise(s, EXCP_TS, sel & 0xfffc);
	if (source != TS_IRET && (type & 2))
		x86_raise_gp(s, sel & 0xfffc);

	/* read the new state first: a fault here leaves the old task intact */
	uint32_t ncr3 = x86_lin_read_sys(s, nbase + 0x1c, 4);
	uint32_t neip = x86_lin_read_sys(s, nbase + 0x20, 4);
	uint32_t nfl = x86_lin_read_sys(s, nbase + 0x24, 4);
	uint32_t nregs[8];
	for (int k = 0; k < 8; k++)
		nregs[k] = x86_lin_read_sys(s, nbase + 0x28 + k * 4, 4);
	uint16_t nsegs[6];
	for (int k = 0; k < 6; k++)
		nsegs[k] = x86_lin_read_sys(s, nbase + 0x48 + k * 4, 2);
	uint16_t nldt = x86_lin_read_sys(s, nbase + 0x60, 2);

	/* save the old task */
	uint64_t obase = env->tr.base;
	uint64_t ofl = env->rflags;
	if (source == TS_IRET)
		ofl &= ~X86_EFLAGS_NT;
	x86_lin_write_sys(s, obase + 0x20, 4, ret_eip);
	x86_lin_write_sys(s, obase + 0x24, 4, ofl);
	for (int k = 0; k < 8; k++)
		x86_lin_write_sys(s, obase + 0x28 + k * 4, 4, env->regs[k]);
	for (int k = 0; k < 6; k++)
		x86_lin_write_sys(s, obase + 0x48 + k * 4, 2, env->segs[k].selector);

	uint64_t gdtb = env->gdt.base;
	if (source == TS_JMP || source == TS_IRET) {
		/* clear busy in the old descriptor */
		uint64_t od = x86_lin_read_sys(s, gdtb + (env->tr.selector & ~7), 8);
		x86_lin_write_sys(s, gdtb + (env->tr.selector & ~7), 8, od & ~(2ULL << 40));
	}
	if (source == TS_CALL || source == TS_INT) {
		x86_lin_write_sys(s, nbase, 2, env->tr.selector);
		nfl |= X86_EFLAGS_NT;
	}
	if (source != TS_IRET) {
		x86_lin_write_sys(s, gdtb + (sel & ~7), 8, d | (2ULL << 40));
		d |= 2ULL << 40;
	}
	x86_set_seg_from_desc(&env->tr, sel, d);
	env->cr[0] |= CR0_TS;
	if (env->cr[0] & CR0_PG) {
		env->cr[3] = ncr3;
		x86_tlb_flush(s, false);
	}
	for (int k = 0; k < 8; k++)
		env->regs[k] = nregs[k];
	env->rflags = (nfl & 0x3f7fd5) | X86_EFLAGS_FIXED;
	s->next_rip = neip;
	env->rip = neip;

	/* selectors first (errors below are in the context of the new task) */
	for (int k = 0; k < 6; k++)
		env->segs[k].selector = nsegs[k];
	env->ldt.selector = nldt;
	if (env->rflags & X86_EFLAGS_VM) {
		for (int k = 0; k < 6; k++)
			x86_load_seg_real(s, k, nsegs[k]);
		x86_update_mode(s);
		return;
	}
	if ((nldt & ~3) == 0) {
		env->ldt.flags = 0;
	} else {
		uint64_t ld;
		if (nldt & 4)
			x86_raise(s, EXCP_TS, nldt & 0xfffc);
		x86_read_descriptor(s, nldt, &ld, NULL, EXCP_TS);
		if (DESC_S(ld) || DESC_TYPE(ld) != 2)
			x86_raise(s, EXCP_TS, nldt & 0xfffc);
		x86_set_seg_from_desc(&env->ldt, nldt, ld);
	}
	/* CS decides CPL; load it and SS, then the data segments */
	uint64_t cd;
	if ((nsegs[R_CS] & ~3) == 0)
		x86_raise(s, EXCP_TS, 0);
	x86_read_descriptor(s, nsegs[R_CS], &cd, NULL, EXCP_TS);
	if (!DESC_S(cd) || !(DESC_TYPE(cd) & 8))
		x86_raise(s, EXCP_TS, nsegs[R_CS] & 0xfffc);
	if (!DESC_P(cd))
		x86_raise(s, EXCP_NP, nsegs[R_CS] & 0xfffc);
	x86_set_seg_from_desc(&env->segs[R_CS], nsegs[R_CS], cd);
	int cpl = SEL_RPL(nsegs[R_CS]);
	uint64_t ssd;
	x86_read_descriptor(s, nsegs[R_SS], &ssd, NULL, EXCP_TS);
	if (DESC_DPL(ssd) != cpl || (DESC_TYPE(ssd) & 0xa) != 2 || !DESC_S(ssd))
		x86_raise(s, EXCP_TS, nsegs[R_SS] & 0xfffc);
	if (!DESC_P(ssd))
		x86_raise(s, EXCP_SS, nsegs[R_SS] & 0xfffc);
	x86_set_seg_from_desc(&env->segs[R_SS], nsegs[R_SS], ssd);
	x86_update_mode(s);
	static const int dsegs[] = { R_ES, R_DS, R_FS, R_GS };
	for (unsigned k = 0; k < 4; k++) {
		uint16_t sl = nsegs[dsegs[k]];
		struct segment_cache *sc = &env->segs[dsegs[k]];
		if ((sl & ~3) == 0) {
			sc->flags = 0;
			sc->base = 0;
			continue;
		}
		uint64_t dd;
		x86_read_descriptor(s, sl, &dd, NULL, EXCP_TS);
		if (!DESC_S(dd) || (DESC_TYPE(dd) & 0xa) == 8)
			x86_raise(s, EXCP_TS, sl & 0xfffc);
		if (!DESC_P(dd))
			x86_raise(s, EXCP_NP, sl & 0xfffc);
		x86_set_seg_from_desc(sc, sl, dd);
	}
	if (neip > env->segs[R_CS].limit)
		x86_raise_gp(s, 0);
}

/* ---- fast system calls ---- */

static void flat_seg(struct segment_cache *sc, uint16_t sel, bool code, int dpl, bool l64)
{
	sc->selector = sel;
	sc->base = 0;
	sc->limit = 0xffffffff;
	sc->flags = SEG_P | SEG_S | SEG_G | ((uint32_t)dpl << SEG_DPL_SHIFT) |
		    (code ? 0xb00 : 0x300) | (l64 ? SEG_L : SEG_DB);
}

void x86_syscall(struct interp_cpu *s)
{
	CPUX86State *env = s->env;
	if (!(env->efer & EFER_SCE))
		x86_raise_ud(s);
	uint16_t sel = (env->star >> 32) & 0xfffc;
	if (s->lma) {
		env->regs[R_ECX] = s->next_rip;
		env->regs[R_R11] = env->rflags & ~X86_EFLAGS_RF;
		flat_seg(&env->segs[R_CS], sel, true, 0, true);
		flat_seg(&env->segs[R_SS], sel + 8, false, 0, false);
		env->rflags &= ~(env->fmask | X86_EFLAGS_RF);
		env->rflags |= X86_EFLAGS_FIXED;
		s->next_rip = s->code_bits == 64 ? env->lstar : env->cstar;
	} else {
		env->regs[R_ECX] = (uint32_t)s->next_rip;
		flat_seg(&env->segs[R_CS], sel, true, 0, false);
		flat_seg(&env->segs[R_SS], sel + 8, false, 0, false);
		env->rflags &= ~(X86_EFLAGS_IF | X86_EFLAGS_VM | X86_EFLAGS_RF);
		s->next_rip = (uint32_t)env->star;
	}
	x86_update_mode(s);
}

void x86_sysret(struct interp_cpu *s)
{
	CPUX86State *env = s->env;
	if (!(env->efer & EFER_SCE))
		x86_raise_ud(s);
	if (!x86_pe(s) || s->cpl != 0)
		x86_raise_gp(s, 0);
	uint16_t sel = (env->star >> 48) & 0xffff;
	if (s->lma) {
		if (s->insn->opsize == 8) {
			if (!x86_canonical(env->regs[R_ECX]))
				x86_raise_gp(s, 0);
			flat_seg(&env->segs[R_CS], (sel + 16) | 3, true, 3, true);
			s->next_rip = env->regs[R_ECX];
		} else {
			flat_seg(&env->segs[R_CS], sel | 3, true, 3, false);
			s->next_rip = (uint32_t)env->regs[R_ECX];
		}
		env->rflags = (env->regs[R_R11] & 0x3c7fd7) | X86_EFLAGS_FIXED;
	} else {
		flat_seg(&env->segs[R_CS], sel | 3, true, 3, false);
		s->next_rip = (uint32_t)env->regs[R_ECX];
		env->rflags |= X86_EFLAGS_IF;
	}
	flat_seg(&env->segs[R_SS], (sel + 8) | 3, false, 3, false);
	x86_update_mode(s);
}

void x86_sysenter(struct interp_cpu *s)
{
	CPUX86State *env = s->env;
	uint16_t cs = env->sysenter_cs & 0xfffc;
	if (!x86_pe(s) || cs == 0)
		x86_raise_gp(s, 0);
	env->rflags &= ~(X86_EFLAGS_VM | X86_EFLAGS_IF | X86_EFLAGS_RF);
	flat_seg(&env->segs[R_CS], cs, true, 0, s->lma);
	flat_seg(&env->segs[R_SS], cs + 8, false, 0, false);
	env->regs[R_ESP] = s->lma ? env->sysenter_esp : (uint32_t)env->sysenter_esp;
	s->next_rip = s->lma ? env->sysenter_eip : (uint32_t)env->sysenter_eip;
	x86_update_mode(s);
}

void x86_sysexit(struct interp_cpu *s)
{
	CPUX86State *env = s->env;
	uint16_t cs = env->sysenter_cs & 0xfffc;
	if (!x86_pe(s) || s->cpl != 0 || cs == 0)
		x86_raise_gp(s, 0);
	if (s->insn->opsize == 8) {
		flat_seg(&env->segs[R_CS], (cs + 32) | 3, true, 3, true);
		flat_seg(&env->segs[R_SS], (cs + 40) | 3, false, 3, false);
		env->regs[R_ESP] = env->regs[R_ECX];
		s->next_rip = env->regs[R_EDX];
	} else {
		flat_seg(&env->segs[R_CS], (cs + 16) | 3, true, 3, false);
		flat_seg(&env->segs[R_SS], (cs + 24) | 3, false, 3, false);
		env->regs[R_ESP] = (uint32_t)env->regs[R_ECX];
		s->next_rip = (uint32_t)env->regs[R_EDX];
	}
	x86_update_mode(s);
}

/* I/O permission: SDM vol. 1 §19.5.2 */
bool x86_check_io(struct interp_cpu *s, uint16_t port, unsigned size)
{
	CPUX86State *env = s->env;
	if (!x86_pe(s))
		return true;
	if (!x86_vm86(s) && s->cpl <= (int)((env->rflags & X86_EFLAGS_IOPL) >> 12))
		return true;
	unsigned type = (env->tr.flags >> SEG_TYPE_SHIFT) & 0xf;
	if (!(env->tr.flags & SEG_P) || (type & 0xd) != 9 || env->tr.limit < 0x67)
		x86_raise_gp(s, 0);
	uint32_t iomap = x86_lin_read_sys(s, env->tr.base + 0x66, 2);
	uint32_t off = iomap + port / 8;
	if (off + 1 > env->tr.limit)
		x86_raise_gp(s, 0);
	uint32_t bits = x86_lin_read_sys(s, env->tr.base + off, 2);
	if ((bits >> (port & 7)) & ((1u << size) - 1))
		x86_raise_gp(s, 0);
	return true;
}

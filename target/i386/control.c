// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Control transfer: jcc, jmp, call, ret (near and far), loop/jcxz, group 5
 * (FF: inc, dec, indirect call/jmp near and far, push), int3/int n/into/
 * int1, iret. Far forms and gates are in seg.c.
 */
#include "kemu/common.h"
#include "target/i386/internal.h"

void x86_incdec_rm(struct interp_cpu *s, struct x86_insn *i, unsigned size);

static uint64_t rel_target(struct interp_cpu *s, struct x86_insn *i, unsigned immsize)
{
	return s->next_rip + sext(i->imm, immsize);
}

static unsigned branch_opsize(struct interp_cpu *s, struct x86_insn *i)
{
	return s->code_bits == 64 ? 8 : i->opsize;
}

static void op_jcc(struct interp_cpu *s, struct x86_insn *i)
{
	if (!x86_cond(s, i->op & 0xf))
		return;
	unsigned isz = i->op < 0x100 ? 1 : (i->opsize == 2 ? 2 : 4);
	x86_jump_checked(s, rel_target(s, i, isz), branch_opsize(s, i));
}

static void op_jmp(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned isz = i->op == 0xeb ? 1 : (i->opsize == 2 ? 2 : 4);
	x86_jump_checked(s, rel_target(s, i, isz), branch_opsize(s, i));
}

static void op_call(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned n = branch_opsize(s, i);
	uint64_t ret = s->next_rip;
	x86_jump_checked(s, rel_target(s, i, i->opsize == 2 ? 2 : 4), n);
	x86_push(s, n, ret);
}

static void op_ret(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned n = branch_opsize(s, i);
	uint64_t v = x86_stack_peek(s, n, 0);
	x86_jump_checked(s, v, n);
	unsigned ss = x86_stack_size(s);
	uint64_t extra = i->op == 0xc2 ? (i->imm & 0xffff) : 0;
	x86_set_gpr(s, R_ESP, ss, s->env->regs[R_ESP] + n + extra);
}

static void op_retf(struct interp_cpu *s, struct x86_insn *i)
{
	x86_far_ret(s, i->opsize, i->op == 0xca ? i->imm : 0);
}

static void op_loop(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned asz = i->addrsize;
	uint64_t c = s->env->regs[R_ECX] & size_mask(asz);
	bool take;
	if (i->op == 0xe3) {
		take = c == 0;
	} else {
		c = (c - 1) & size_mask(asz);
		x86_set_gpr(s, R_ECX, asz, c);
		bool zf = s->env->rflags & X86_EFLAGS_ZF;
		take = c != 0 && (i->op == 0xe2 || (i->op == 0xe1 ? zf : !zf));
	}
	if (take)
		x86_jump_checked(s, rel_target(s, i, 1), branch_opsize(s, i));
}

static void op_far_direct(struct interp_cpu *s, struct x86_insn *i)
{
	if (i->op == 0x9a)
		x86_far_call(s, i->imm2, i->imm, i->opsize);
	else
		x86_far_jmp(s, i->imm2, i->imm);
}

static void op_grp5(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned sub = i->reg & 7;
	switch (sub) {
	case 0: case 1:
		x86_incdec_rm(s, i, i->opsize);
		return;
	case 2: case 4: {
		unsigned n = s->code_bits == 64 ? 8 : i->opsize;
		uint64_t t = x86_rm_read(s, i, n);
		uint64_t ret = s->next_rip;
		x86_jump_checked(s, t, n);
		if (sub == 2)
			x86_push(s, n, ret);
		return;
	}
	case 3: case 5: {
		if (!i->mem)
			x86_raise_ud(s);
		/* m16:16, m16:32 or (REX.W) m16:64 */
		unsigned n = i->opsize;
		uint64_t ea = x86_ea(s, i);
		int seg = x86_ea_seg(i);
		uint64_t off = x86_mem_read(s, seg, ea, n);
		uint16_t sel = x86_mem_read(s, seg, (ea + n) & size_mask(i->addrsize), 2);
		if (sub == 3)
			x86_far_call(s, sel, off, n);
		else
			x86_far_jmp(s, sel, off);
		return;
	}
	case 6:
		x86_push(s, s->code_bits == 64 && i->opsize != 2 ? 8 : i->opsize,
			 x86_rm_read(s, i, s->code_bits == 64 && i->opsize != 2 ? 8 : i->opsize));
		return;
	default:
		x86_raise_ud(s);
	}
}

static void op_grp4(struct interp_cpu *s, struct x86_insn *i)
{
	if ((i->reg & 7) > 1)
		x86_raise_ud(s);
	x86_incdec_rm(s, i, 1);
}

static void op_int(struct interp_cpu *s, struct x86_insn *i)
{
	switch (i->op) {
	case 0xcc:
		x86_do_interrupt(s, EXCP_BP, true, false, 0, s->next_rip, false);
		break;
	case 0xcd:
		x86_do_interrupt(s, i->imm & 0xff, true, false, 0, s->next_rip, false);
		break;
	case 0xce:
		if (s->env->rflags & X86_EFLAGS_OF)
			x86_do_interrupt(s, EXCP_OF, true, false, 0, s->next_rip, false);
		break;
	case 0xf1:	/* int1/icebp: a #DB delivered like a hardware event */
		x86_do_interrupt(s, EXCP_DB, false, false, 0, s->next_rip, false);
		break;
	}
}

static void op_iret(struct interp_cpu *s, struct x86_insn *i)
{
	x86_iret(s, i->opsize);
}

static void op_bound(struct interp_cpu *s, struct x86_insn *i)
{
	if (!i->mem)
		x86_raise_ud(s);
	unsigned n = i->opsize;
	uint64_t ea = x86_ea(s, i);
	int seg = x86_ea_seg(i);
	int64_t lo = sext(x86_mem_read(s, seg, ea, n), n);
	int64_t hi = sext(x86_mem_read(s, seg, (ea + n) & size_mask(i->addrsize), n), n);
	int64_t v = sext(x86_reg_read(s, i, i->reg, n), n);
	if (v < lo || v > hi)
		x86_raise(s, EXCP_BR, 0);
}

void x86_control_register(void)
{
	x86_handler *h = x86_handlers;
	for (int k = 0; k < 16; k++) {
		h[0x70 + k] = op_jcc;
		h[MAP_0F + 0x80 + k] = op_jcc;
	}
	h[0xe9] = h[0xeb] = op_jmp;
	h[0xe8] = op_call;
	h[0xc2] = h[0xc3] = op_ret;
	h[0xca] = h[0xcb] = op_retf;
	h[0xe0] = h[0xe1] = h[0xe2] = h[0xe3] = op_loop;
	h[0x9a] = h[0xea] = op_far_direct;
	h[0xff] = op_grp5;
	h[0xfe] = op_grp4;
	h[0xcc] = h[0xcd] = h[0xce] = h[0xf1] = op_int;
	h[0xcf] = op_iret;
	h[0x62] = op_bound;
}

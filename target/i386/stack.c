// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stack instructions: push/pop of registers, immediates, memory and segment
 * registers, pusha/popa, pushf/popf (with the privilege rules for IF, IOPL,
 * VM of SDM vol. 2B POPF), enter/leave. The stack address size comes from
 * SS.B (or is 64 in 64-bit mode); operand size from the instruction.
 */
#include "kemu/common.h"
#include "target/i386/internal.h"

static void set_rsp(struct interp_cpu *s, uint64_t v)
{
	x86_set_gpr(s, R_ESP, x86_stack_size(s), v);
}

void x86_push(struct interp_cpu *s, unsigned size, uint64_t v)
{
	unsigned ss = x86_stack_size(s);
	uint64_t sp = (s->env->regs[R_ESP] - size) & size_mask(ss);
	x86_mem_write(s, R_SS, sp, size, v);
	set_rsp(s, sp);
}

uint64_t x86_stack_peek(struct interp_cpu *s, unsigned size, unsigned offset)
{
	unsigned ss = x86_stack_size(s);
	uint64_t sp = (s->env->regs[R_ESP] + offset) & size_mask(ss);
	return x86_mem_read(s, R_SS, sp, size);
}

uint64_t x86_pop(struct interp_cpu *s, unsigned size)
{
	uint64_t v = x86_stack_peek(s, size, 0);
	set_rsp(s, s->env->regs[R_ESP] + size);
	return v;
}

static void op_push_r(struct interp_cpu *s, struct x86_insn *i)
{
	int reg = (i->op & 7) | ((i->rex & 1) << 3);
	x86_push(s, i->opsize, s->env->regs[reg]);
}

static void op_pop_r(struct interp_cpu *s, struct x86_insn *i)
{
	int reg = (i->op & 7) | ((i->rex & 1) << 3);
	uint64_t v = x86_pop(s, i->opsize);
	x86_set_gpr(s, reg, i->opsize, v);
}

static void op_push_imm(struct interp_cpu *s, struct x86_insn *i)
{
	uint64_t v = i->op == 0x6a ? sext(i->imm, 1) : sext(i->imm, i->opsize == 2 ? 2 : 4);
	x86_push(s, i->opsize, v);
}

static int seg_of(struct x86_insn *i)
{
	switch (i->op) {
	case 0x06: case 0x07: return R_ES;
	case 0x0e: return R_CS;
	case 0x16: case 0x17: return R_SS;
	case 0x1e: case 0x1f: return R_DS;
	case MAP_0F + 0xa0: case MAP_0F + 0xa1: return R_FS;
	default: return R_GS;
	}
}

static void op_push_seg(struct interp_cpu *s, struct x86_insn *i)
{
	x86_push(s, i->opsize, s->env->segs[seg_of(i)].selector);
}

static void op_pop_seg(struct interp_cpu *s, struct x86_insn *i)
{
	int seg = seg_of(i);
	uint16_t v = x86_stack_peek(s, i->opsize, 0);
	x86_load_seg(s, seg, v);
	set_rsp(s, s->env->regs[R_ESP] + i->opsize);
	if (seg == R_SS)
		s->shadow_next = 2;
}

static void op_pusha(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned n = i->opsize;
	unsigned ss = x86_stack_size(s);
	uint64_t sp = s->env->regs[R_ESP];
	for (int r = 0; r < 8; r++) {
		uint64_t a = (sp - (r + 1) * n) & size_mask(ss);
		x86_mem_write(s, R_SS, a, n, s->env->regs[r]);
	}
	set_rsp(s, sp - 8 * n);
}

static void op_popa(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned n = i->opsize;
	uint64_t v[8];
	for (int r = 0; r < 8; r++)
		v[r] = x86_stack_peek(s, n, (7 - r) * n);
	for (int r = 0; r < 8; r++)
		if (r != R_ESP)
			x86_set_gpr(s, r, n, v[r]);
	set_rsp(s, s->env->regs[R_ESP] + 8 * n);
}

static void op_pushf(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	if (x86_vm86(s) && ((env->rflags & X86_EFLAGS_IOPL) >> 12) < 3)
		x86_raise_gp(s, 0);
	x86_push(s, i->opsize, env->rflags & ~(X86_EFLAGS_VM | X86_EFLAGS_RF));
}

static void op_popf(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	int iopl = (env->rflags & X86_EFLAGS_IOPL) >> 12;
	if (x86_vm86(s) && iopl < 3)
		x86_raise_gp(s, 0);
	uint64_t v = x86_pop(s, i->opsize);
	uint64_t mask = X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | X86_EFLAGS_ZF |
			X86_EFLAGS_SF | X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_OF |
			X86_EFLAGS_NT;
	if (i->opsize >= 4)
		mask |= X86_EFLAGS_AC | X86_EFLAGS_ID;
	if (x86_pe(s) && !x86_vm86(s)) {
		if (s->cpl == 0)
			mask |= X86_EFLAGS_IOPL;
		if (s->cpl <= iopl)
			mask |= X86_EFLAGS_IF;
	} else {
		mask |= X86_EFLAGS_IF;
		if (!x86_vm86(s))
			mask |= X86_EFLAGS_IOPL;
	}
	if (i->opsize == 2)
		mask &= 0xffff;
	bool was_if = env->rflags & X86_EFLAGS_IF;
	x86_write_eflags(s, v, mask);
	env->rflags &= ~X86_EFLAGS_RF;
	(void)was_if;
}

static void op_pop_rm(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	if (i->reg & 7)
		x86_raise_ud(s);
	uint64_t v = x86_stack_peek(s, i->opsize, 0);
	if (!i->mem) {
		set_rsp(s, env->regs[R_ESP] + i->opsize);
		x86_set_gpr(s, i->rm, i->opsize, v);
		return;
	}
	/* the address is computed with the incremented stack pointer */
	uint64_t old = env->regs[R_ESP];
	set_rsp(s, old + i->opsize);
	uint64_t ea = x86_ea(s, i);
	uint64_t nsp = env->regs[R_ESP];
	env->regs[R_ESP] = old;
	x86_mem_write(s, x86_ea_seg(i), ea, i->opsize, v);
	env->regs[R_ESP] = nsp;
}

static void op_enter(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	unsigned n = i->opsize, ss = x86_stack_size(s);
	unsigned level = i->imm2 & 31;
	uint64_t mask = size_mask(ss);
	uint64_t sp = (env->regs[R_ESP] - n) & mask;
	uint64_t frame = sp;
	uint64_t bp = env->regs[R_EBP];
	x86_mem_write(s, R_SS, sp, n, bp);
	for (unsigned k = 1; k < level; k++) {
		uint64_t v = x86_mem_read(s, R_SS, (bp - k * n) & mask, n);
		sp = (sp - n) & mask;
		x86_mem_write(s, R_SS, sp, n, v);
	}
	if (level) {
		sp = (sp - n) & mask;
		x86_mem_write(s, R_SS, sp, n, frame);
	}
	sp = (sp - (i->imm & 0xffff)) & mask;
	/* the final stack must be writable too (SDM: #SS/#PF before any change) */
	x86_mem_read(s, R_SS, sp, 1);
	x86_set_gpr(s, R_EBP, n, frame);
	set_rsp(s, sp);
}

static void op_leave(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	unsigned ss = x86_stack_size(s);
	uint64_t sp = env->regs[R_EBP] & size_mask(ss);
	uint64_t v = x86_mem_read(s, R_SS, sp, i->opsize);
	set_rsp(s, sp + i->opsize);
	x86_set_gpr(s, R_EBP, i->opsize, v);
}

void x86_stack_register(void)
{
	x86_handler *h = x86_handlers;
	for (int k = 0; k < 8; k++) {
		h[0x50 + k] = op_push_r;
		h[0x58 + k] = op_pop_r;
	}
	h[0x68] = h[0x6a] = op_push_imm;
	h[0x06] = h[0x0e] = h[0x16] = h[0x1e] = op_push_seg;
	h[MAP_0F + 0xa0] = h[MAP_0F + 0xa8] = op_push_seg;
	h[0x07] = h[0x17] = h[0x1f] = op_pop_seg;
	h[MAP_0F + 0xa1] = h[MAP_0F + 0xa9] = op_pop_seg;
	h[0x60] = op_pusha;
	h[0x61] = op_popa;
	h[0x9c] = op_pushf;
	h[0x9d] = op_popf;
	h[0x8f] = op_pop_rm;
	h[0xc8] = op_enter;
	h[0xc9] = op_leave;
}

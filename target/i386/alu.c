// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Integer data movement and arithmetic: the eight ALU operations, inc/dec,
 * test/not/neg, mov in all its forms, lea, xchg, movzx/movsx/movsxd,
 * cmovcc/setcc, bit tests and scans, popcnt, bswap, cmpxchg, xadd,
 * cmpxchg8b/16b, BCD adjustments, sahf/lahf, flag bit instructions.
 * Flags come from the host (alu.h). Locked read-modify-write forms use a
 * host atomic on RAM so that they are atomic across vCPU threads.
 */
#include "kemu/common.h"
#include "target/i386/alu.h"

ALU2N(alu_add, "add")
ALU2N(alu_or, "or")
ALU2(alu_adc, "adc")
ALU2(alu_sbb, "sbb")
ALU2N(alu_and, "and")
ALU2N(alu_sub, "sub")
ALU2N(alu_xor, "xor")
/* inc/dec keep CF: take the other five from the host */
ALU1N(alu_inc, "inc", STATUS_FLAGS & ~X86_EFLAGS_CF)
ALU1N(alu_dec, "dec", STATUS_FLAGS & ~X86_EFLAGS_CF)
ALU1N(alu_neg, "neg", STATUS_FLAGS)
ALU2W(alu_bt, "bt")
ALU2W(alu_bts, "bts")
ALU2W(alu_btr, "btr")
ALU2W(alu_btc, "btc")
ALU2W(alu_bsf, "bsf")
ALU2W(alu_bsr, "bsr")
ALU2W(alu_popcnt, "popcnt")

typedef uint64_t (*alu2_fn)(uint64_t, uint64_t, unsigned, uint64_t *);
static const alu2_fn alu_ops[8] = { alu_add, alu_or, alu_adc, alu_sbb, alu_and, alu_sub, alu_xor, alu_sub };

/*
 * Locked RMW on a memory operand. The compare-and-swap loop makes the
 * update atomic with respect to other vCPUs when the operand is RAM and does
 * not cross a page; otherwise it is a plain read-modify-write.
 */
struct rmw {
	uint64_t lin;
	uint8_t *host;
	unsigned size;
	bool atomic;
};

/* fixed-size loads and stores: a memcpy of variable size is a libc call */
static inline uint64_t host_load(const uint8_t *p, unsigned size)
{
	switch (size) {
	case 1: return *p;
	case 2: return lduw_le_p(p);
	case 4: return ldl_le_p(p);
	default: return ldq_le_p(p);
	}
}

static inline void host_store(uint8_t *p, unsigned size, uint64_t v)
{
	switch (size) {
	case 1: *p = v; break;
	case 2: stw_le_p(p, v); break;
	case 4: stl_le_p(p, v); break;
	default: stq_le_p(p, v); break;
	}
}

static uint64_t rmw_begin(struct interp_cpu *s, struct x86_insn *i, unsigned size, struct rmw *r)
{
	r->size = size;
	r->host = NULL;
	r->atomic = i->lock;
	if (!i->mem)
		return x86_reg_read(s, i, i->rm, size);
	uint64_t off = x86_ea(s, i);
	int seg = x86_ea_seg(i);
	if (G_LIKELY(x86_seg_fast(s, seg, off, size, true, &r->lin) && (r->lin & 0xfff) + size <= 0x1000)) {
		/* TLB hit on writable RAM: read and write through the host pointer */
		const struct tlb_entry *e = &s->tlb[s->cpl == 3][(r->lin >> 12) & (TLB_SIZE - 1)];
		if (e->tag_write == (r->lin & ~0xfffULL) && e->host_w && e->tag_read == e->tag_write &&
		    (!i->lock || !(r->lin & (size - 1)))) {
			r->host = (uint8_t *)e->host_w + (r->lin & 0xfff);
			return host_load(r->host, size);
		}
	}
	r->lin = x86_seg_linear(s, seg, off, size, true);
	if (i->lock && ((r->lin & 0xfff) + size <= 0x1000) && (r->lin & (size - 1)) == 0)
		r->host = x86_lin_ptr(s, r->lin, ACC_WRITE, s->cpl == 3);
	if (r->host) {
		uint64_t v = 0;
		memcpy(&v, r->host, size);
		return v;
	}
	/* probe writability before reading so a read-only page faults as a write */
	uint64_t v = x86_lin_read(s, r->lin, size, ACC_READ);
	return v;
}

/* Returns false if another CPU changed the value (retry). */
static bool rmw_end(struct interp_cpu *s, struct x86_insn *i, struct rmw *r, uint64_t old, uint64_t v)
{
	if (!i->mem) {
		x86_reg_write(s, i, i->rm, r->size, v);
		return true;
	}
	if (r->host && !r->atomic) {
		host_store(r->host, r->size, v);
		return true;
	}
	if (r->host) {
		switch (r->size) {
		case 1: { uint8_t o = old; return __atomic_compare_exchange_n(r->host, &o, (uint8_t)v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); }
		case 2: { uint16_t o = old; return __atomic_compare_exchange_n((uint16_t *)r->host, &o, (uint16_t)v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); }
		case 4: { uint32_t o = old; return __atomic_compare_exchange_n((uint32_t *)r->host, &o, (uint32_t)v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); }
		default: { uint64_t o = old; return __atomic_compare_exchange_n((uint64_t *)r->host, &o, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); }
		}
	}
	x86_lin_write(s, r->lin, r->size, v);
	return true;
}

static unsigned byte_or_op(struct x86_insn *i, bool byte)
{
	return byte ? 1 : i->opsize;
}

static void op_alu(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned b = i->op & 0xff, alu = (b >> 3) & 7, form = b & 7;
	unsigned size = byte_or_op(i, !(form & 1));
	uint64_t *fl = &s->env->rflags;

	if (form >= 4) {	/* AL/eAX, imm */
		uint64_t a = x86_gpr(s, R_EAX, size);
		uint64_t imm = sext(i->imm, form == 4 ? 1 : (size == 2 ? 2 : 4));
		uint64_t r = alu_ops[alu](a, imm & size_mask(size), size, fl);
		if (alu != 7)
			x86_set_gpr(s, R_EAX, size, r);
		return;
	}
	if (form >= 2) {	/* reg, r/m */
		uint64_t src = x86_rm_read(s, i, size);
		uint64_t a = x86_reg_read(s, i, i->reg, size);
		uint64_t r = alu_ops[alu](a, src, size, fl);
		if (alu != 7)
			x86_reg_write(s, i, i->reg, size, r);
		return;
	}
	/* r/m, reg */
	uint64_t src = x86_reg_read(s, i, i->reg, size);
	if (alu == 7) {
		alu_ops[alu](x86_rm_read(s, i, size), src, size, fl);
		return;
	}
	struct rmw r;
	uint64_t f0 = *fl;
	for (;;) {
		uint64_t a = rmw_begin(s, i, size, &r);
		*fl = f0;
		uint64_t res = alu_ops[alu](a, src, size, fl);
		if (rmw_end(s, i, &r, a, res))
			break;
	}
}

static void op_grp1(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned size = byte_or_op(i, i->op == 0x80 || i->op == 0x82);
	unsigned alu = i->reg & 7;
	uint64_t imm = i->op == 0x81 ? sext(i->imm, size == 2 ? 2 : 4) : sext(i->imm, 1);
	imm &= size_mask(size);
	uint64_t *fl = &s->env->rflags;
	if (alu == 7) {
		alu_ops[7](x86_rm_read(s, i, size), imm, size, fl);
		return;
	}
	struct rmw r;
	uint64_t f0 = *fl;
	for (;;) {
		uint64_t a = rmw_begin(s, i, size, &r);
		*fl = f0;
		uint64_t res = alu_ops[alu](a, imm, size, fl);
		if (rmw_end(s, i, &r, a, res))
			break;
	}
}

static void op_incdec_r(struct interp_cpu *s, struct x86_insn *i)
{
	int reg = i->op & 7;
	uint64_t v = x86_gpr(s, reg, i->opsize);
	v = (i->op & 8) ? alu_dec(v, i->opsize, &s->env->rflags) : alu_inc(v, i->opsize, &s->env->rflags);
	x86_set_gpr(s, reg, i->opsize, v);
}

/* FE/FF /0 /1: inc/dec r/m */
void x86_incdec_rm(struct interp_cpu *s, struct x86_insn *i, unsigned size);
void x86_incdec_rm(struct interp_cpu *s, struct x86_insn *i, unsigned size)
{
	struct rmw r;
	uint64_t *fl = &s->env->rflags, f0 = *fl;
	for (;;) {
		uint64_t a = rmw_begin(s, i, size, &r);
		*fl = f0;
		uint64_t res = (i->reg & 7) ? alu_dec(a, size, fl) : alu_inc(a, size, fl);
		if (rmw_end(s, i, &r, a, res))
			break;
	}
}

static void op_test(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned size = byte_or_op(i, i->op == 0x84 || i->op == 0xa8);
	uint64_t a, b;
	if (i->op >= 0xa8) {
		a = x86_gpr(s, R_EAX, size);
		b = sext(i->imm, size == 1 ? 1 : (size == 2 ? 2 : 4)) & size_mask(size);
	} else {
		a = x86_rm_read(s, i, size);
		b = x86_reg_read(s, i, i->reg, size);
	}
	alu_and(a, b, size, &s->env->rflags);
}

/* F6/F7 /0 /1 /2 /3 */
void x86_grp3_alu(struct interp_cpu *s, struct x86_insn *i, unsigned size);
void x86_grp3_alu(struct interp_cpu *s, struct x86_insn *i, unsigned size)
{
	uint64_t *fl = &s->env->rflags, f0 = *fl;
	struct rmw r;
	switch (i->reg & 7) {
	case 0: case 1: {
		uint64_t b = sext(i->imm, size == 1 ? 1 : (size == 2 ? 2 : 4)) & size_mask(size);
		alu_and(x86_rm_read(s, i, size), b, size, fl);
		return;
	}
	case 2:
		for (;;) {
			uint64_t a = rmw_begin(s, i, size, &r);
			if (rmw_end(s, i, &r, a, ~a & size_mask(size)))
				return;
		}
	case 3:
		for (;;) {
			uint64_t a = rmw_begin(s, i, size, &r);
			*fl = f0;
			uint64_t res = alu_neg(a, size, fl);
			if (rmw_end(s, i, &r, a, res))
				return;
		}
	}
}

static void op_xchg(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned size = byte_or_op(i, i->op == 0x86);
	uint64_t rv = x86_reg_read(s, i, i->reg, size);
	if (i->mem) {
		/* xchg with memory is always locked */
		uint64_t lin = x86_seg_linear(s, x86_ea_seg(i), x86_ea(s, i), size, true);
		uint8_t *p = NULL;
		if ((lin & 0xfff) + size <= 0x1000 && (lin & (size - 1)) == 0)
			p = x86_lin_ptr(s, lin, ACC_WRITE, s->cpl == 3);
		uint64_t old;
		if (p) {
			switch (size) {
			case 1: old = __atomic_exchange_n(p, (uint8_t)rv, __ATOMIC_SEQ_CST); break;
			case 2: old = __atomic_exchange_n((uint16_t *)p, (uint16_t)rv, __ATOMIC_SEQ_CST); break;
			case 4: old = __atomic_exchange_n((uint32_t *)p, (uint32_t)rv, __ATOMIC_SEQ_CST); break;
			default: old = __atomic_exchange_n((uint64_t *)p, rv, __ATOMIC_SEQ_CST); break;
			}
		} else {
			old = x86_lin_read(s, lin, size, ACC_READ);
			x86_lin_write(s, lin, size, rv);
		}
		x86_reg_write(s, i, i->reg, size, old);
		return;
	}
	uint64_t mv = x86_reg_read(s, i, i->rm, size);
	x86_reg_write(s, i, i->rm, size, rv);
	x86_reg_write(s, i, i->reg, size, mv);
}

static void op_xchg_ax(struct interp_cpu *s, struct x86_insn *i)
{
	int reg = (i->op & 7) | ((i->rex & 1) << 3);
	if (reg == 0) {
		if (i->rep == 0xf3)
			return;	/* pause */
		if (i->opsize != 4)
			return;	/* nop; xchg eax,eax in 64-bit mode would zero-extend */
		if (s->code_bits == 64)
			return;	/* 90 is nop, not a zero-extending xchg */
		return;
	}
	uint64_t a = x86_gpr(s, R_EAX, i->opsize), b = x86_gpr(s, reg, i->opsize);
	x86_set_gpr(s, R_EAX, i->opsize, b);
	x86_set_gpr(s, reg, i->opsize, a);
}

static void op_mov(struct interp_cpu *s, struct x86_insn *i)
{
	switch (i->op) {
	case 0x88: x86_rm_write(s, i, 1, x86_reg_read(s, i, i->reg, 1)); break;
	case 0x89: x86_rm_write(s, i, i->opsize, x86_reg_read(s, i, i->reg, i->opsize)); break;
	case 0x8a: x86_reg_write(s, i, i->reg, 1, x86_rm_read(s, i, 1)); break;
	case 0x8b: x86_reg_write(s, i, i->reg, i->opsize, x86_rm_read(s, i, i->opsize)); break;
	case 0xc6:
		if (i->reg & 7)
			x86_raise_ud(s);
		x86_rm_write(s, i, 1, i->imm);
		break;
	case 0xc7:
		if (i->reg & 7)
			x86_raise_ud(s);
		x86_rm_write(s, i, i->opsize, sext(i->imm, i->opsize == 2 ? 2 : 4));
		break;
	}
}

static void op_mov_imm(struct interp_cpu *s, struct x86_insn *i)
{
	int reg = (i->op & 7) | ((i->rex & 1) << 3);
	if (i->op < 0xb8)
		x86_reg_write(s, i, reg, 1, i->imm);
	else
		x86_set_gpr(s, reg, i->opsize, i->imm);
}

static void op_mov_moffs(struct interp_cpu *s, struct x86_insn *i)
{
	int seg = x86_insn_seg(i, R_DS);
	unsigned size = (i->op & 1) ? i->opsize : 1;
	uint64_t off = i->imm & size_mask(i->addrsize);
	if (i->op < 0xa2)
		x86_set_gpr(s, R_EAX, size, x86_mem_read(s, seg, off, size));
	else
		x86_mem_write(s, seg, off, size, x86_gpr(s, R_EAX, size));
}

static void op_lea(struct interp_cpu *s, struct x86_insn *i)
{
	if (!i->mem)
		x86_raise_ud(s);
	x86_set_gpr(s, i->reg, i->opsize, x86_ea(s, i));
}

static void op_mov_sreg(struct interp_cpu *s, struct x86_insn *i)
{
	int sr = i->reg & 7;
	if (sr > R_GS)
		x86_raise_ud(s);
	if (i->op == 0x8c) {
		uint16_t v = s->env->segs[sr].selector;
		if (i->mem)
			x86_rm_write(s, i, 2, v);
		else
			x86_set_gpr(s, i->rm, i->opsize, v);
		return;
	}
	if (sr == R_CS)
		x86_raise_ud(s);
	uint16_t v = x86_rm_read(s, i, 2);
	x86_load_seg(s, sr, v);
	if (sr == R_SS)
		s->shadow_next = 2;
}

static void op_movx(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned src = (i->op & 1) ? 2 : 1;
	uint64_t v = x86_rm_read(s, i, src);
	if (i->op >= MAP_0F + 0xbe)
		v = sext(v, src);
	x86_set_gpr(s, i->reg, i->opsize, v);
}

static void op_movsxd(struct interp_cpu *s, struct x86_insn *i)
{
	if (s->code_bits != 64) {
		/* arpl: protected mode only */
		if (!x86_pe(s) || x86_vm86(s))
			x86_raise_ud(s);
		uint64_t d = x86_rm_read(s, i, 2);
		uint16_t src = x86_reg_read(s, i, i->reg, 2);
		if ((d & 3) < (src & 3u)) {
			x86_rm_write(s, i, 2, (d & ~3ULL) | (src & 3));
			s->env->rflags |= X86_EFLAGS_ZF;
		} else {
			s->env->rflags &= ~X86_EFLAGS_ZF;
		}
		return;
	}
	uint64_t v = x86_rm_read(s, i, 4);
	x86_set_gpr(s, i->reg, i->opsize, i->opsize == 8 ? (uint64_t)(int32_t)v : v);
}

static void op_cmov(struct interp_cpu *s, struct x86_insn *i)
{
	uint64_t v = x86_rm_read(s, i, i->opsize);
	if (x86_cond(s, i->op & 0xf))
		x86_set_gpr(s, i->reg, i->opsize, v);
	else if (i->opsize == 4)
		x86_set_gpr(s, i->reg, 4, x86_gpr(s, i->reg, 4));
}

static void op_setcc(struct interp_cpu *s, struct x86_insn *i)
{
	x86_rm_write(s, i, 1, x86_cond(s, i->op & 0xf));
}

static void op_cbw(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned n = i->opsize;
	if (i->op == 0x98) {
		x86_set_gpr(s, R_EAX, n, sext(x86_gpr(s, R_EAX, n / 2), n / 2));
	} else {
		uint64_t a = x86_gpr(s, R_EAX, n);
		x86_set_gpr(s, R_EDX, n, sext(a, n) < 0 ? ~0ULL : 0);
	}
}

/* bt/bts/btr/btc with a register or immediate bit offset */
static void bt_common(struct interp_cpu *s, struct x86_insn *i, int kind, int64_t bit, bool imm)
{
	unsigned size = i->opsize;
	uint64_t *fl = &s->env->rflags;
	static const alu2_fn fns[4] = { alu_bt, alu_bts, alu_btr, alu_btc };
	if (!i->mem) {
		uint64_t v = x86_reg_read(s, i, i->rm, size);
		uint64_t r = fns[kind](v, bit & (size * 8 - 1), size, fl);
		if (kind)
			x86_reg_write(s, i, i->rm, size, r);
		return;
	}
	uint64_t ea = x86_ea(s, i);
	if (!imm) {
		int64_t bs = sext(bit, size);
		ea += (bs >> (size == 2 ? 4 : size == 4 ? 5 : 6)) * (int64_t)size;
		ea &= size_mask(i->addrsize);
	}
	unsigned b = bit & (size * 8 - 1);
	int seg = x86_ea_seg(i);
	if (!kind) {
		fns[0](x86_mem_read(s, seg, ea, size), b, size, fl);
		return;
	}
	uint64_t lin = x86_seg_linear(s, seg, ea, size, true);
	uint8_t *p = NULL;
	if (i->lock && (lin & 0xfff) + size <= 0x1000 && !(lin & (size - 1)))
		p = x86_lin_ptr(s, lin, ACC_WRITE, s->cpl == 3);
	uint64_t f0 = *fl;
	for (;;) {
		uint64_t old = p ? 0 : x86_lin_read(s, lin, size, ACC_READ);
		if (p)
			memcpy(&old, p, size);
		*fl = f0;
		uint64_t r = fns[kind](old, b, size, fl);
		if (!p) {
			x86_lin_write(s, lin, size, r);
			return;
		}
		bool ok;
		switch (size) {
		case 2: { uint16_t o = old; ok = __atomic_compare_exchange_n((uint16_t *)p, &o, (uint16_t)r, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); break; }
		case 4: { uint32_t o = old; ok = __atomic_compare_exchange_n((uint32_t *)p, &o, (uint32_t)r, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); break; }
		default: { uint64_t o = old; ok = __atomic_compare_exchange_n((uint64_t *)p, &o, r, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); break; }
		}
		if (ok)
			return;
	}
}

static void op_bt(struct interp_cpu *s, struct x86_insn *i)
{
	int kind = ((i->op & 0xff) >> 3) & 3;	/* a3:0 ab:1 b3:2 bb:3 */
	bt_common(s, i, kind, x86_reg_read(s, i, i->reg, i->opsize), false);
}

static void op_grp8(struct interp_cpu *s, struct x86_insn *i)
{
	if ((i->reg & 7) < 4)
		x86_raise_ud(s);
	bt_common(s, i, (i->reg & 7) - 4, i->imm & 0xff, true);
}

static void op_bitscan(struct interp_cpu *s, struct x86_insn *i)
{
	uint64_t src = x86_rm_read(s, i, i->opsize);
	uint64_t dst = x86_gpr(s, i->reg, i->opsize);
	uint64_t *fl = &s->env->rflags, r;
	switch (i->op & 0xff) {
	case 0xb8:
		if (i->rep != 0xf3)
			x86_raise_ud(s);
		r = alu_popcnt(dst, src, i->opsize, fl);
		break;
	/* tzcnt/lzcnt (BMI1/ABM) are not advertised: F3 0F BC/BD run as bsf/bsr */
	case 0xbc:
		r = alu_bsf(dst, src, i->opsize, fl);
		break;
	default:
		r = alu_bsr(dst, src, i->opsize, fl);
		break;
	}
	/* a zero source leaves the whole destination register untouched */
	if ((i->op & 0xff) != 0xb8 && src == 0)
		return;
	x86_set_gpr(s, i->reg, i->opsize, r);
}

static void op_bswap(struct interp_cpu *s, struct x86_insn *i)
{
	int reg = (i->op & 7) | ((i->rex & 1) << 3);
	if (i->opsize == 8)
		s->env->regs[reg] = __builtin_bswap64(s->env->regs[reg]);
	else if (i->opsize == 4)
		x86_set_gpr(s, reg, 4, __builtin_bswap32(s->env->regs[reg]));
	else
		x86_set_gpr(s, reg, 2, 0);	/* undefined; hardware gives 0 */
}

static void op_cmpxchg(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned size = byte_or_op(i, i->op == MAP_0F + 0xb0);
	uint64_t *fl = &s->env->rflags;
	uint64_t acc = x86_gpr(s, R_EAX, size);
	uint64_t src = x86_reg_read(s, i, i->reg, size);
	struct rmw r;
	uint64_t f0 = *fl;
	for (;;) {
		uint64_t d = rmw_begin(s, i, size, &r);
		*fl = f0;
		alu_sub(acc, d, size, fl);
		if (*fl & X86_EFLAGS_ZF) {
			if (rmw_end(s, i, &r, d, src))
				return;
		} else {
			/*
			 * Memory: written back unchanged (a locked cycle). A register
			 * destination is left alone (not even zero-extended).
			 */
			if (i->mem && !rmw_end(s, i, &r, d, d))
				continue;
			x86_set_gpr(s, R_EAX, size, d);
			return;
		}
	}
}

static void op_xadd(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned size = byte_or_op(i, i->op == MAP_0F + 0xc0);
	uint64_t *fl = &s->env->rflags, f0 = *fl;
	uint64_t src = x86_reg_read(s, i, i->reg, size);
	struct rmw r;
	for (;;) {
		uint64_t d = rmw_begin(s, i, size, &r);
		*fl = f0;
		uint64_t sum = alu_add(d, src, size, fl);
		if (!i->mem) {
			x86_reg_write(s, i, i->reg, size, d);
			x86_reg_write(s, i, i->rm, size, sum);
			return;
		}
		if (rmw_end(s, i, &r, d, sum)) {
			x86_reg_write(s, i, i->reg, size, d);
			return;
		}
	}
}

void x86_cmpxchg8b(struct interp_cpu *s, struct x86_insn *i);
void x86_cmpxchg8b(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	bool q = i->opsize == 8;
	unsigned size = q ? 16 : 8;
	if (!i->mem)
		x86_raise_ud(s);
	uint64_t ea = x86_ea(s, i);
	int seg = x86_ea_seg(i);
	if (q && (ea & 15))
		x86_raise_gp(s, 0);
	uint64_t lin = x86_seg_linear(s, seg, ea, size, true);
	uint8_t *p = NULL;
	if ((lin & 0xfff) + size <= 0x1000 && !(lin & (size - 1)))
		p = x86_lin_ptr(s, lin, ACC_WRITE, s->cpl == 3);
	if (!q) {
		uint64_t cmp = (uint32_t)env->regs[R_EAX] | (env->regs[R_EDX] << 32);
		uint64_t nv = (uint32_t)env->regs[R_EBX] | (env->regs[R_ECX] << 32);
		uint64_t old;
		bool ok;
		if (p) {
			old = cmp;
			ok = __atomic_compare_exchange_n((uint64_t *)p, &old, nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		} else {
			old = x86_lin_read(s, lin, 8, ACC_READ);
			ok = old == cmp;
			x86_lin_write(s, lin, 8, ok ? nv : old);
		}
		if (ok) {
			env->rflags |= X86_EFLAGS_ZF;
		} else {
			env->rflags &= ~X86_EFLAGS_ZF;
			x86_set_gpr(s, R_EAX, 4, old);
			x86_set_gpr(s, R_EDX, 4, old >> 32);
		}
		return;
	}
	unsigned __int128 cmp = env->regs[R_EAX] | ((unsigned __int128)env->regs[R_EDX] << 64);
	unsigned __int128 nv = env->regs[R_EBX] | ((unsigned __int128)env->regs[R_ECX] << 64);
	unsigned __int128 old;
	bool ok;
	if (p) {
		/* host cmpxchg16b; the compiler may not inline __atomic for 16 bytes */
		uint64_t lo = cmp, hi = cmp >> 64;
		uint8_t z;
		asm volatile("lock cmpxchg16b %[m]\n\tsetz %[z]"
			     : [m] "+m"(*(unsigned __int128 *)p), "+a"(lo), "+d"(hi), [z] "=q"(z)
			     : "b"((uint64_t)nv), "c"((uint64_t)(nv >> 64)) : "cc", "memory");
		ok = z;
		old = lo | ((unsigned __int128)hi << 64);
	} else {
		old = x86_lin_read(s, lin, 8, ACC_READ) |
		      ((unsigned __int128)x86_lin_read(s, lin + 8, 8, ACC_READ) << 64);
		ok = old == cmp;
		unsigned __int128 w = ok ? nv : old;
		x86_lin_write(s, lin, 8, w);
		x86_lin_write(s, lin + 8, 8, w >> 64);
	}
	if (ok) {
		env->rflags |= X86_EFLAGS_ZF;
	} else {
		env->rflags &= ~X86_EFLAGS_ZF;
		env->regs[R_EAX] = old;
		env->regs[R_EDX] = old >> 64;
	}
}

/* BCD: SDM vol. 2 pseudo-code */
static void set_szp(struct interp_cpu *s, uint8_t v)
{
	uint64_t *fl = &s->env->rflags;
	*fl &= ~(X86_EFLAGS_SF | X86_EFLAGS_ZF | X86_EFLAGS_PF);
	if (!v)
		*fl |= X86_EFLAGS_ZF;
	if (v & 0x80)
		*fl |= X86_EFLAGS_SF;
	if (!__builtin_parity(v))
		*fl |= X86_EFLAGS_PF;
}

static void op_bcd(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	uint64_t *fl = &env->rflags;
	uint8_t al = env->regs[R_EAX], ah = env->regs[R_EAX] >> 8;
	bool cf = *fl & X86_EFLAGS_CF, af = *fl & X86_EFLAGS_AF;
	switch (i->op) {
	case 0x27: case 0x2f: {	/* daa, das */
		uint8_t old = al;
		bool ncf = false, naf = false;
		if ((al & 0xf) > 9 || af) {
			naf = true;
			if (i->op == 0x27) {
				ncf = cf || al > 0xff - 6;
				al += 6;
			} else {
				ncf = cf || al < 6;
				al -= 6;
			}
		}
		if (old > 0x99 || cf) {
			al = i->op == 0x27 ? al + 0x60 : al - 0x60;
			ncf = true;
		}
		x86_set_gpr(s, R_EAX, 1, al);
		set_szp(s, al);
		*fl = (*fl & ~(X86_EFLAGS_CF | X86_EFLAGS_AF | X86_EFLAGS_OF)) |
		      (ncf ? X86_EFLAGS_CF : 0) | (naf ? X86_EFLAGS_AF : 0);
		break;
	}
	case 0x37: case 0x3f: {	/* aaa, aas */
		uint16_t ax = env->regs[R_EAX];
		if ((al & 0xf) > 9 || af) {
			ax = i->op == 0x37 ? ax + 0x106 : ax - 6;
			if (i->op == 0x3f)
				ax = (ax & 0xff) | ((uint16_t)((ah - 1) & 0xff) << 8);
			*fl |= X86_EFLAGS_AF | X86_EFLAGS_CF;
		} else {
			*fl &= ~(X86_EFLAGS_AF | X86_EFLAGS_CF);
		}
		ax &= 0xff0f;
		x86_set_gpr(s, R_EAX, 2, ax);
		break;
	}
	case 0xd4: {	/* aam */
		uint8_t base = i->imm;
		if (!base)
			x86_raise(s, EXCP_DE, 0);
		ah = al / base;
		al = al % base;
		x86_set_gpr(s, R_EAX, 2, al | (ah << 8));
		set_szp(s, al);
		*fl &= ~(X86_EFLAGS_CF | X86_EFLAGS_AF | X86_EFLAGS_OF);
		break;
	}
	case 0xd5: {	/* aad */
		al = al + ah * (uint8_t)i->imm;
		x86_set_gpr(s, R_EAX, 2, al);
		set_szp(s, al);
		*fl &= ~(X86_EFLAGS_CF | X86_EFLAGS_AF | X86_EFLAGS_OF);
		break;
	}
	case 0xd6:	/* salc */
		x86_set_gpr(s, R_EAX, 1, cf ? 0xff : 0);
		break;
	}
}

static void op_flagops(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	switch (i->op) {
	case 0xf5: env->rflags ^= X86_EFLAGS_CF; break;
	case 0xf8: env->rflags &= ~X86_EFLAGS_CF; break;
	case 0xf9: env->rflags |= X86_EFLAGS_CF; break;
	case 0xfc: env->rflags &= ~X86_EFLAGS_DF; break;
	case 0xfd: env->rflags |= X86_EFLAGS_DF; break;
	case 0x9e:	/* sahf */
		env->rflags = (env->rflags & ~0xd5ULL) | ((env->regs[R_EAX] >> 8) & 0xd5);
		break;
	case 0x9f:	/* lahf */
		x86_reg_write(s, i, 4, 1, (env->rflags & 0xd7) | 2);
		break;
	}
}

static void op_xlat(struct interp_cpu *s, struct x86_insn *i)
{
	uint64_t off = (s->env->regs[R_EBX] + (s->env->regs[R_EAX] & 0xff)) & size_mask(i->addrsize);
	x86_set_gpr(s, R_EAX, 1, x86_mem_read(s, x86_insn_seg(i, R_DS), off, 1));
}

/*
 * Specialised handlers for pre-decoded blocks (block.c): the 32- and 64-bit
 * forms of mov and of the two-operand ALU instructions, without the generic
 * operand-size and byte-register handling. Each does exactly what op_mov /
 * op_alu do for that form; the differential test runs every case through
 * blocks too and compares with the host.
 */
static void op_mov_to_rm_reg32(struct interp_cpu *s, struct x86_insn *i)
{
	s->env->regs[i->rm] = (uint32_t)s->env->regs[i->reg];
}

static void op_mov_to_rm_reg64(struct interp_cpu *s, struct x86_insn *i)
{
	s->env->regs[i->rm] = s->env->regs[i->reg];
}

static void op_mov_to_reg_reg32(struct interp_cpu *s, struct x86_insn *i)
{
	s->env->regs[i->reg] = (uint32_t)s->env->regs[i->rm];
}

static void op_mov_to_reg_reg64(struct interp_cpu *s, struct x86_insn *i)
{
	s->env->regs[i->reg] = s->env->regs[i->rm];
}

static void op_mov_store_reg(struct interp_cpu *s, struct x86_insn *i)
{
	x86_mem_write(s, x86_ea_seg(i), x86_ea(s, i), i->opsize,
		      s->env->regs[i->reg] & size_mask(i->opsize));
}

static void op_mov_load_reg(struct interp_cpu *s, struct x86_insn *i)
{
	s->env->regs[i->reg] = x86_mem_read(s, x86_ea_seg(i), x86_ea(s, i), i->opsize);
}

/* ALU reg, reg (both directions) and reg, [mem]; 32/64-bit, no lock */
static void op_alu_to_reg(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned alu = (i->op >> 3) & 7, size = i->opsize;
	uint64_t *regs = s->env->regs;
	unsigned dst = i->op & 2 ? i->reg : i->rm;
	uint64_t b = i->mem ? x86_mem_read(s, x86_ea_seg(i), x86_ea(s, i), size)
			    : regs[i->op & 2 ? i->rm : i->reg] & size_mask(size);
	uint64_t r = alu_ops[alu](regs[dst] & size_mask(size), b, size, &s->env->rflags);
	if (alu != 7)
		regs[dst] = size == 8 ? r : (uint32_t)r;
}

x86_handler x86_alu_specialize(const struct x86_insn *i)
{
	if (i->lock || (i->opsize != 4 && i->opsize != 8))
		return NULL;
	bool q = i->opsize == 8;
	switch (i->op) {
	case 0x89:
		return i->mem ? op_mov_store_reg : q ? op_mov_to_rm_reg64 : op_mov_to_rm_reg32;
	case 0x8b:
		return i->mem ? op_mov_load_reg : q ? op_mov_to_reg_reg64 : op_mov_to_reg_reg32;
	}
	if (i->op < 0x40 && ((i->op & 7) == 3 || ((i->op & 7) == 1 && !i->mem)))
		return op_alu_to_reg;
	return NULL;
}

void x86_alu_register(void)
{
	x86_handler *h = x86_handlers;
	for (int op = 0; op < 0x40; op += 8)
		for (int f = 0; f < 6; f++)
			h[op + f] = op_alu;
	for (int k = 0x40; k < 0x50; k++)
		h[k] = op_incdec_r;
	h[0x80] = h[0x81] = h[0x82] = h[0x83] = op_grp1;
	h[0x84] = h[0x85] = h[0xa8] = h[0xa9] = op_test;
	h[0x86] = h[0x87] = op_xchg;
	for (int k = 0x90; k < 0x98; k++)
		h[k] = op_xchg_ax;
	h[0x88] = h[0x89] = h[0x8a] = h[0x8b] = h[0xc6] = h[0xc7] = op_mov;
	h[0x8c] = h[0x8e] = op_mov_sreg;
	h[0x8d] = op_lea;
	for (int k = 0xb0; k < 0xc0; k++)
		h[k] = op_mov_imm;
	h[0xa0] = h[0xa1] = h[0xa2] = h[0xa3] = op_mov_moffs;
	h[0x63] = op_movsxd;
	h[0x98] = h[0x99] = op_cbw;
	h[0x27] = h[0x2f] = h[0x37] = h[0x3f] = h[0xd4] = h[0xd5] = h[0xd6] = op_bcd;
	h[0xf5] = h[0xf8] = h[0xf9] = h[0xfc] = h[0xfd] = h[0x9e] = h[0x9f] = op_flagops;
	h[0xd7] = op_xlat;
	h[MAP_0F + 0xb6] = h[MAP_0F + 0xb7] = h[MAP_0F + 0xbe] = h[MAP_0F + 0xbf] = op_movx;
	for (int k = 0; k < 16; k++) {
		h[MAP_0F + 0x40 + k] = op_cmov;
		h[MAP_0F + 0x90 + k] = op_setcc;
	}
	h[MAP_0F + 0xa3] = h[MAP_0F + 0xab] = h[MAP_0F + 0xb3] = h[MAP_0F + 0xbb] = op_bt;
	h[MAP_0F + 0xba] = op_grp8;
	h[MAP_0F + 0xb8] = h[MAP_0F + 0xbc] = h[MAP_0F + 0xbd] = op_bitscan;
	for (int k = 0xc8; k < 0xd0; k++)
		h[MAP_0F + k] = op_bswap;
	h[MAP_0F + 0xb0] = h[MAP_0F + 0xb1] = op_cmpxchg;
	h[MAP_0F + 0xc0] = h[MAP_0F + 0xc1] = op_xadd;
}

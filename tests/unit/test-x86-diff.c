// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Differential test of the software CPU against the host CPU.
 *
 * Each case is a random sequence of user-mode 64-bit instructions (integer
 * ALU with flags, shifts/rotates, mul/div, bit operations, string ops with
 * rep, cmov/setcc, push/pop, lea, bswap, xchg/xadd/cmpxchg, ...) operating on
 * random registers and a data page addressed through RBX. The sequence runs
 * natively in a forked child (fixed-address pages, registers loaded by a
 * prologue, results stored by an epilogue, a fault caught by a signal
 * handler with the register state at the fault) and in the interpreter
 * (64-bit mode, CPL 3, the same pages identity-mapped by 4-level paging),
 * and registers, flags, memory and the fault (if any) are compared.
 *
 *   KEMU_DIFF_SEED=n   seed (default: time-based, printed on failure)
 *   KEMU_DIFF_CASES=n  number of cases (default 3000)
 */
#include "kemu/common.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#include "target/i386/internal.h"

#define CODE_ADDR  0x10000000ULL
#define DATA_ADDR  0x20000000ULL
#define STACK_ADDR 0x30000000ULL
#define STATE_ADDR 0x38000000ULL
#define CODE_SIZE  0x2000
#define PT_ADDR    0x1000ULL	/* guest-physical page tables (interpreter only) */

struct regs_state {
	uint64_t r[16];
	uint64_t flags;
	uint64_t rip;
	int sig;		/* 0: completed */
	uint64_t c_rsp;
	uint8_t pad[0x100 - 0xa0];
	uint8_t xmm[16][16];	/* at 0x100 */
	uint32_t mxcsr;		/* at 0x200 */
};

/* ---- random ---- */

static uint64_t rng_state;
static uint64_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}
static unsigned rndn(unsigned n) { return rnd() % n; }

static uint64_t rnd_value(void)
{
	switch (rndn(8)) {
	case 0: return 0;
	case 1: return rndn(4);
	case 2: return ~0ULL - rndn(3);
	case 3: return 0x8000000000000000ULL >> (rndn(4) * 16 + rndn(2));
	case 4: return (uint32_t)rnd();
	case 5: return 0x7f + rndn(3);
	default: return rnd();
	}
}

/* ---- encoder ---- */

struct code {
	uint8_t b[CODE_SIZE];
	unsigned n;
};

static void emit(struct code *c, uint8_t v) { g_assert(c->n < CODE_SIZE); c->b[c->n++] = v; }
static void emit32(struct code *c, uint32_t v) { for (int k = 0; k < 4; k++) emit(c, v >> (8 * k)); }
static void emit64(struct code *c, uint64_t v) { for (int k = 0; k < 8; k++) emit(c, v >> (8 * k)); }

/* registers a test may write: not rsp (stack), not rbx (data pointer) */
static int rnd_reg(unsigned size)
{
	static const int ok[] = { 0, 1, 2, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	static const int ok8[] = { 0, 1, 2, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	(void)size;
	return size == 1 ? ok8[rndn(G_N_ELEMENTS(ok8))] : ok[rndn(G_N_ELEMENTS(ok))];
}

static unsigned rnd_size(void)
{
	static const unsigned s[] = { 1, 2, 4, 8, 4, 8 };
	return s[rndn(G_N_ELEMENTS(s))];
}

/* prefixes + REX for an instruction with ModRM reg/rm registers (rm = -1: memory [rbx+d8]) */
static void prefix(struct code *c, unsigned size, int reg, int rm, bool byte_rex)
{
	uint8_t rex = 0x40;
	if (size == 2)
		emit(c, 0x66);
	if (size == 8)
		rex |= 8;
	if (reg >= 8)
		rex |= 4;
	if (rm >= 8)
		rex |= 1;
	if (rex != 0x40 || (byte_rex && size == 1))
		emit(c, rex);
}

static void modrm(struct code *c, int reg, int rm, int disp_max)
{
	if (rm >= 0) {
		emit(c, 0xc0 | ((reg & 7) << 3) | (rm & 7));
	} else {
		emit(c, 0x40 | ((reg & 7) << 3) | 3);
		emit(c, (uint8_t)(int8_t)((int)rndn(2 * disp_max) - disp_max));
	}
}

/* one ModRM instruction: opcode bytes op[0..nop), operand size, reg field, rm */
static void insn_rm(struct code *c, unsigned size, const uint8_t *op, int nop, int reg, int rm)
{
	prefix(c, size, reg, rm, rndn(2));
	for (int k = 0; k < nop; k++)
		emit(c, op[k]);
	modrm(c, reg, rm, 0x70);
}

static int rnd_rm(unsigned size)
{
	return rndn(3) ? rnd_reg(size) : -1;
}

static void imm(struct code *c, unsigned bytes)
{
	uint64_t v = rnd_value();
	for (unsigned k = 0; k < bytes; k++)
		emit(c, v >> (8 * k));
}

static void mem_d8(struct code *c, unsigned op, unsigned sub)
{
	emit(c, op);
	emit(c, 0x43 | (sub << 3));
	emit(c, (uint8_t)((int)rndn(0x70) - 0x38) & ~7);
}

static void gen_x87(struct code *c)
{
	switch (rndn(16)) {
	case 0: mem_d8(c, 0xdd, 0); break;			/* fld m64 */
	case 1: mem_d8(c, 0xd9, 0); break;			/* fld m32 */
	case 2: mem_d8(c, (const uint8_t[]){ 0xdb, 0xdf, 0xdf }[rndn(3)], rndn(2) ? 0 : 5); break; /* fild */
	case 3: emit(c, 0xd9); emit(c, 0xc0 | rndn(8)); break;	/* fld st(i) */
	case 4: emit(c, 0xd9); emit(c, 0xc8 | rndn(8)); break;	/* fxch */
	case 5: mem_d8(c, rndn(2) ? 0xd8 : 0xdc, rndn(8)); break;	/* arith m32/m64 */
	case 6: emit(c, (const uint8_t[]){ 0xd8, 0xdc, 0xde }[rndn(3)]); emit(c, 0xc0 | rndn(64)); break;
	case 7: mem_d8(c, 0xdd, 2 + rndn(2)); break;		/* fst/fstp m64 */
	case 8: mem_d8(c, 0xd9, 2 + rndn(2)); break;		/* fst/fstp m32 */
	case 9: mem_d8(c, (const uint8_t[]){ 0xdb, 0xdf }[rndn(2)], 2 + rndn(2)); break; /* fist(p) */
	case 10: emit(c, rndn(2) ? 0xdb : 0xdf); emit(c, (rndn(2) ? 0xe8 : 0xf0) | rndn(8)); break; /* fcomi */
	case 11: emit(c, 0xd9); emit(c, (const uint8_t[]){ 0xe0, 0xe1, 0xe4, 0xe5, 0xe8, 0xeb, 0xee, 0xfa, 0xfc, 0xfd, 0xf8, 0xf5, 0xf4, 0xf6, 0xf7 }[rndn(15)]); break;
	case 12:
		if (rndn(2)) {
			emit(c, 0xdf); emit(c, 0xe0);		/* fnstsw ax */
		} else {
			mem_d8(c, (const uint8_t[]){ 0xdb, 0xdd, 0xdf }[rndn(3)], 1);	/* fisttp */
		}
		break;
	case 13: emit(c, 0xdd); emit(c, 0xd8 | rndn(8)); break;	/* fstp st(i) */
	case 14: emit(c, 0xda + rndn(2)); emit(c, 0xc0 | rndn(32)); break;	/* fcmov */
	default: emit(c, 0xd8); emit(c, 0xd0 | rndn(16)); break;	/* fcom/fcomp st(i) */
	}
}

/* SSE/SSE2/MMX: { prefix (0, 0x66, 0xf3, 0xf2), opcode (0F map), imm, gpr-form } */
static const struct { uint8_t pfx, op; bool imm; uint8_t kind; } sse_ops[] = {
	/* float arithmetic */
	{ 0, 0x58 }, { 0x66, 0x58 }, { 0xf3, 0x58 }, { 0xf2, 0x58 }, { 0, 0x59 }, { 0x66, 0x59 },
	{ 0xf3, 0x59 }, { 0xf2, 0x59 }, { 0, 0x5c }, { 0x66, 0x5c }, { 0xf3, 0x5c }, { 0xf2, 0x5c },
	{ 0, 0x5e }, { 0x66, 0x5e }, { 0xf3, 0x5e }, { 0xf2, 0x5e }, { 0, 0x5d }, { 0x66, 0x5f },
	{ 0xf3, 0x5d }, { 0xf2, 0x5f }, { 0, 0x51 }, { 0x66, 0x51 }, { 0xf3, 0x51 }, { 0xf2, 0x51 },
	{ 0, 0x54 }, { 0x66, 0x55 }, { 0, 0x56 }, { 0x66, 0x57 }, { 0, 0x14 }, { 0x66, 0x15 },
	{ 0, 0x5a }, { 0x66, 0x5a }, { 0xf3, 0x5a }, { 0xf2, 0x5a }, { 0, 0x5b }, { 0x66, 0x5b },
	{ 0xf3, 0x5b }, { 0x66, 0xe6 }, { 0xf3, 0xe6 }, { 0xf2, 0xe6 },
	{ 0, 0xc2, true }, { 0x66, 0xc2, true }, { 0xf3, 0xc2, true }, { 0xf2, 0xc2, true },
	{ 0, 0xc6, true }, { 0x66, 0xc6, true },
	{ 0, 0x2e, false, 3 }, { 0x66, 0x2f, false, 3 },
	{ 0xf3, 0x2a, false, 2 }, { 0xf2, 0x2a, false, 2 }, { 0xf3, 0x2c, false, 1 }, { 0xf2, 0x2d, false, 1 },
	{ 0, 0x50, false, 1 }, { 0x66, 0xd7, false, 1 },
	/* integer SSE2 */
	{ 0x66, 0x60 }, { 0x66, 0x61 }, { 0x66, 0x62 }, { 0x66, 0x63 }, { 0x66, 0x64 }, { 0x66, 0x65 },
	{ 0x66, 0x66 }, { 0x66, 0x67 }, { 0x66, 0x68 }, { 0x66, 0x6b }, { 0x66, 0x6c }, { 0x66, 0x6d },
	{ 0x66, 0x74 }, { 0x66, 0x75 }, { 0x66, 0x76 }, { 0x66, 0x70, true }, { 0xf3, 0x70, true },
	{ 0xf2, 0x70, true }, { 0x66, 0xd4 }, { 0x66, 0xd5 }, { 0x66, 0xd8 }, { 0x66, 0xda }, { 0x66, 0xdb },
	{ 0x66, 0xde }, { 0x66, 0xdf }, { 0x66, 0xe0 }, { 0x66, 0xe4 }, { 0x66, 0xe5 }, { 0x66, 0xeb },
	{ 0x66, 0xef }, { 0x66, 0xf4 }, { 0x66, 0xf5 }, { 0x66, 0xf6 }, { 0x66, 0xfa }, { 0x66, 0xfb },
	{ 0x66, 0xfe }, { 0x66, 0xd1 }, { 0x66, 0xe2 }, { 0x66, 0xf3 },
	{ 0x66, 0xc4, true, 2 }, { 0x66, 0xc5, true, 1 },
	/* MMX */
	{ 0, 0xfc }, { 0, 0xef }, { 0, 0x61 }, { 0, 0x6b }, { 0, 0xe5 }, { 0, 0x70, true },
	/* SSE3 */
	{ 0x66, 0x7c }, { 0xf2, 0x7c }, { 0x66, 0x7d }, { 0xf2, 0x7d }, { 0x66, 0xd0 }, { 0xf2, 0xd0 },
	{ 0xf3, 0x12 }, { 0xf3, 0x16 }, { 0xf2, 0x12 }, { 0xf2, 0xf0, false, 5 },
	/* moves */
	{ 0, 0x10 }, { 0x66, 0x10 }, { 0xf3, 0x10 }, { 0xf2, 0x11 }, { 0, 0x28 }, { 0x66, 0x29 },
	{ 0x66, 0x6f }, { 0xf3, 0x6f }, { 0x66, 0x7f }, { 0xf3, 0x7f }, { 0, 0x12 }, { 0, 0x16 },
	{ 0x66, 0x13 }, { 0x66, 0x17 }, { 0x66, 0xd6 }, { 0xf3, 0x7e }, { 0x66, 0x6e, false, 2 },
	{ 0x66, 0x7e, false, 4 }, { 0, 0x6f }, { 0, 0x7f },
};

static void gen_ssse3(struct code *c)
{
	static const uint8_t ops[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
				       0x0a, 0x0b, 0x1c, 0x1d, 0x1e, 0x0f };
	uint8_t op = ops[rndn(sizeof(ops))];
	bool xmm = rndn(4) != 0, mem = rndn(3) == 0;
	int reg = rndn(xmm ? 16 : 8), rm = rndn(xmm ? 16 : 8);
	if (xmm)
		emit(c, 0x66);
	uint8_t rex = 0x40 | ((reg & 8) ? 4 : 0) | (!mem && (rm & 8) ? 1 : 0);
	if (rex != 0x40)
		emit(c, rex);
	emit(c, 0x0f);
	emit(c, op == 0x0f ? 0x3a : 0x38);
	emit(c, op);
	if (mem) {
		emit(c, 0x43 | ((reg & 7) << 3));
		emit(c, (uint8_t)(int8_t)(((int)rndn(14) - 7) * 16));
	} else {
		emit(c, 0xc0 | ((reg & 7) << 3) | (rm & 7));
	}
	if (op == 0x0f)
		emit(c, rnd());
	if (!xmm) {
		emit(c, 0x0f);
		emit(c, 0x77);
	}
}

static void gen_sse4(struct code *c)
{
	static const struct { uint8_t map, op; uint8_t kind; } ops[] = {
		/* kind: 0 xmm,xmm/m  1 +imm  2 r/m dest +imm  3 gpr src +imm  4 mem only  5 crc32 */
		{ 0x38, 0x10 }, { 0x38, 0x14 }, { 0x38, 0x15 }, { 0x38, 0x17 }, { 0x38, 0x20 },
		{ 0x38, 0x21 }, { 0x38, 0x22 }, { 0x38, 0x23 }, { 0x38, 0x24 }, { 0x38, 0x25 },
		{ 0x38, 0x28 }, { 0x38, 0x29 }, { 0x38, 0x2a, 4 }, { 0x38, 0x2b }, { 0x38, 0x30 },
		{ 0x38, 0x31 }, { 0x38, 0x32 }, { 0x38, 0x33 }, { 0x38, 0x34 }, { 0x38, 0x35 },
		{ 0x38, 0x37 }, { 0x38, 0x38 }, { 0x38, 0x39 }, { 0x38, 0x3a }, { 0x38, 0x3b },
		{ 0x38, 0x3c }, { 0x38, 0x3d }, { 0x38, 0x3e }, { 0x38, 0x3f }, { 0x38, 0x40 },
		{ 0x38, 0x41 }, { 0x3a, 0x08, 1 }, { 0x3a, 0x09, 1 }, { 0x3a, 0x0a, 1 }, { 0x3a, 0x0b, 1 },
		{ 0x3a, 0x0c, 1 }, { 0x3a, 0x0d, 1 }, { 0x3a, 0x0e, 1 }, { 0x3a, 0x14, 2 }, { 0x3a, 0x15, 2 },
		{ 0x3a, 0x16, 2 }, { 0x3a, 0x17, 2 }, { 0x3a, 0x20, 3 }, { 0x3a, 0x21, 1 }, { 0x3a, 0x22, 3 },
		{ 0x3a, 0x40, 1 }, { 0x3a, 0x41, 1 }, { 0x3a, 0x42, 1 }, { 0x3a, 0x60, 1 }, { 0x3a, 0x61, 1 },
		{ 0x3a, 0x62, 1 }, { 0x3a, 0x63, 1 }, { 0x38, 0xf0, 5 }, { 0x38, 0xf1, 5 },
	};
	unsigned k = rndn(G_N_ELEMENTS(ops));
	uint8_t kind = ops[k].kind;
	bool mem = kind == 4 || rndn(3) == 0;
	int reg = rndn(16), rm = rndn(16);
	bool w = rndn(2);
	if (kind == 2 || kind == 3)
		rm = rnd_reg(8);
	if (kind == 5) {
		reg = rnd_reg(4);
		rm = rnd_reg(4);
	}
	if ((kind == 2 || kind == 3) && rndn(2))
		w = false;
	emit(c, kind == 5 ? 0xf2 : 0x66);
	if (kind == 5 && ops[k].op == 0xf1 && rndn(3) == 0) {
		emit(c, 0x66);
		w = false;
	}
	uint8_t rex = 0x40 | ((reg & 8) ? 4 : 0) | (!mem && (rm & 8) ? 1 : 0) |
		      ((w && (kind == 2 || kind == 3 || kind == 5)) ? 8 : 0);
	if (rex != 0x40)
		emit(c, rex);
	emit(c, 0x0f);
	emit(c, ops[k].map);
	emit(c, ops[k].op);
	if (mem) {
		emit(c, 0x43 | ((reg & 7) << 3));
		emit(c, (uint8_t)(int8_t)(((int)rndn(14) - 7) * 16));
	} else {
		emit(c, 0xc0 | ((reg & 7) << 3) | (rm & 7));
	}
	if (kind >= 1 && kind <= 3) {
		uint8_t imm = rnd();
		if (ops[k].op >= 0x08 && ops[k].op <= 0x0b)
			imm &= 0x0f;
		emit(c, imm);
	}
}

static void gen_sse(struct code *c)
{
	if (rndn(6) == 0) {
		gen_ssse3(c);
		return;
	}
	if (rndn(5) == 0) {
		gen_sse4(c);
		return;
	}
	unsigned k = rndn(G_N_ELEMENTS(sse_ops));
	int reg = rndn(16), rm = rndn(16);
	bool mem = rndn(3) == 0;
	uint8_t kind = sse_ops[k].kind;
	bool mmx = sse_ops[k].pfx == 0 && ((sse_ops[k].op >= 0x60 && sse_ops[k].op <= 0x7f) || sse_ops[k].op >= 0xd0);
	bool w = rndn(2);
	if (kind == 1 || kind == 4) {	/* GPR destination (or r/m destination for 7e) */
		reg = kind == 1 ? rnd_reg(4) : reg;
		if (kind == 4)
			rm = rnd_reg(4);
	}
	if (kind == 2)
		rm = rnd_reg(4);
	if (mmx) {
		reg &= 7;
		rm &= 7;
	}
	if ((sse_ops[k].op == 0x12 || sse_ops[k].op == 0x16 || sse_ops[k].op == 0x13 ||
	     sse_ops[k].op == 0x17) && sse_ops[k].pfx == 0x66)
		mem = true;
	if (sse_ops[k].op == 0x50 || sse_ops[k].op == 0xd7 || sse_ops[k].op == 0xc5)
		mem = false;
	if (kind == 5)
		mem = true;	/* lddqu: memory only */
	if (sse_ops[k].pfx)
		emit(c, sse_ops[k].pfx);
	uint8_t rex = 0x40 | ((reg & 8) ? 4 : 0) | (!mem && (rm & 8) ? 1 : 0) | ((kind && w) ? 8 : 0);
	if (rex != 0x40)
		emit(c, rex);
	emit(c, 0x0f);
	emit(c, sse_ops[k].op);
	if (mem) {
		emit(c, 0x43 | ((reg & 7) << 3));
		emit(c, (uint8_t)(int8_t)(((int)rndn(14) - 7) * 16));
	} else {
		emit(c, 0xc0 | ((reg & 7) << 3) | (rm & 7));
	}
	if (sse_ops[k].imm)
		emit(c, rnd());
	if (mmx) {
		/* x87 arithmetic on MMX-format registers is outside what guests do */
		emit(c, 0x0f);
		emit(c, 0x77);	/* emms */
	}
}

static void gen_one(struct code *c)
{
	unsigned size = rnd_size();
	unsigned w = size == 1 ? 0 : 1;
	int reg = rnd_reg(size), rm = rnd_rm(size);
	uint8_t op[3];

	switch (rndn(42)) {
	case 30: case 31: case 32: case 33: case 34: case 35:
		gen_x87(c);
		break;
	case 36: case 37: case 38: case 39: case 40: case 41:
		gen_sse(c);
		break;
	case 0: case 1: case 2:	/* ALU r/m,r and r,r/m */
		op[0] = (rndn(8) << 3) | (rndn(2) << 1) | w;
		insn_rm(c, size, op, 1, reg, rm);
		break;
	case 3: case 4:		/* ALU r/m, imm */
		if (rm < 0 && rndn(4) == 0)
			emit(c, 0xf0);	/* lock (cmp: #UD) */
		op[0] = size == 1 ? 0x80 : (rndn(2) ? 0x83 : 0x81);
		insn_rm(c, size, op, 1, rndn(8), rm);
		imm(c, op[0] == 0x81 ? (size == 2 ? 2 : 4) : 1);
		break;
	case 5:			/* ALU AL/eAX, imm */
		prefix(c, size, 0, 0, false);
		emit(c, (rndn(8) << 3) | 4 | w);
		imm(c, size == 1 ? 1 : size == 2 ? 2 : 4);
		break;
	case 6:			/* inc dec not neg */
		op[0] = 0xfe | w;
		if (rndn(2)) {
			insn_rm(c, size, op, 1, rndn(2), rm);
		} else {
			op[0] = 0xf6 | w;
			insn_rm(c, size, op, 1, 2 + rndn(2), rm);
		}
		break;
	case 7:			/* test */
		if (rndn(2)) {
			op[0] = 0x84 | w;
			insn_rm(c, size, op, 1, reg, rm);
		} else {
			op[0] = 0xf6 | w;
			insn_rm(c, size, op, 1, 0, rm);
			imm(c, size == 1 ? 1 : size == 2 ? 2 : 4);
		}
		break;
	case 8: case 9: {	/* shifts and rotates */
		unsigned form = rndn(3);
		if (form == 2) {	/* by cl: load cl first */
			emit(c, 0xb1);
			emit(c, rndn(3) ? rndn(70) : rnd());
		}
		op[0] = (form == 0 ? 0xc0 : form == 1 ? 0xd0 : 0xd2) | w;
		insn_rm(c, size, op, 1, rndn(8), rm);
		if (form == 0)
			emit(c, rndn(3) ? rndn(70) : rnd());
		break;
	}
	case 10: {		/* shld/shrd */
		if (size == 1)
			size = 4;
		bool cl = rndn(2);
		if (cl) {
			emit(c, 0xb1);
			emit(c, rndn(70));
		}
		op[0] = 0x0f;
		op[1] = (rndn(2) ? 0xa4 : 0xac) | cl;
		insn_rm(c, size, op, 2, reg, rm);
		if (!cl)
			emit(c, rndn(70));
		break;
	}
	case 11:		/* mul imul div idiv */
		op[0] = 0xf6 | w;
		insn_rm(c, size, op, 1, 4 + rndn(4), rm);
		break;
	case 12:		/* imul 2- and 3-operand */
		if (size == 1)
			size = 4;
		switch (rndn(3)) {
		case 0: op[0] = 0x0f; op[1] = 0xaf; insn_rm(c, size, op, 2, reg, rm); break;
		case 1: op[0] = 0x6b; insn_rm(c, size, op, 1, reg, rm); imm(c, 1); break;
		default: op[0] = 0x69; insn_rm(c, size, op, 1, reg, rm); imm(c, size == 2 ? 2 : 4); break;
		}
		break;
	case 13:		/* bt bts btr btc */
		if (size == 1)
			size = 4;
		if (rndn(2)) {
			op[0] = 0x0f;
			op[1] = 0xa3 | (rndn(4) << 3);
			insn_rm(c, size, op, 2, reg, rnd_reg(size));	/* register forms only */
		} else {
			op[0] = 0x0f;
			op[1] = 0xba;
			insn_rm(c, size, op, 2, 4 + rndn(4), rm);
			emit(c, rnd());
		}
		break;
	case 14:		/* bsf bsr popcnt */
		if (size == 1)
			size = 4;
		op[0] = 0x0f;
		op[1] = 0xbc + rndn(2);
		if (rndn(3) == 0) {
			emit(c, 0xf3);
			op[1] = 0xb8;
		}
		insn_rm(c, size, op, 2, reg, rm);
		break;
	case 15:		/* movzx movsx movsxd */
		if (size == 1)
			size = 4;
		op[0] = 0x0f;
		op[1] = (rndn(2) ? 0xb6 : 0xbe) | rndn(2);
		if (rndn(4) == 0) {
			op[0] = 0x63;
			insn_rm(c, size, op, 1, reg, rndn(2) ? rnd_reg(4) : -1);
		} else {
			insn_rm(c, size, op, 2, reg, (op[1] & 1) ? rnd_rm(2) : rnd_rm(1));
		}
		break;
	case 16:		/* cmovcc setcc */
		if (rndn(2)) {
			if (size == 1)
				size = 4;
			op[0] = 0x0f;
			op[1] = 0x40 | rndn(16);
			insn_rm(c, size, op, 2, reg, rm);
		} else {
			op[0] = 0x0f;
			op[1] = 0x90 | rndn(16);
			insn_rm(c, 1, op, 2, 0, rnd_rm(1));
		}
		break;
	case 17:		/* lea with SIB */
		if (size == 1)
			size = 8;
		prefix(c, size, reg, 0, false);
		emit(c, 0x8d);
		emit(c, 0x44 | ((reg & 7) << 3));	/* mod 01, SIB */
		emit(c, (rndn(4) << 6) | (rndn(8) << 3) | rndn(8));
		emit(c, rnd());
		break;
	case 18:		/* bswap, xchg, cbw family */
		switch (rndn(4)) {
		case 0: {
			int r = rnd_reg(4);
			prefix(c, rndn(2) ? 8 : 4, 0, r, false);
			emit(c, 0x0f);
			emit(c, 0xc8 | (r & 7));
			break;
		}
		case 1:
			op[0] = 0x86 | w;
			insn_rm(c, size, op, 1, reg, rm);
			break;
		case 2:
			prefix(c, size == 1 ? 4 : size, 0, 0, false);
			emit(c, 0x98 + rndn(2));
			break;
		default:
			emit(c, rndn(2) ? 0x9e : 0x9f);	/* sahf / lahf */
			break;
		}
		break;
	case 19:		/* xadd cmpxchg, sometimes locked */
		if (rm < 0 && rndn(2))
			emit(c, 0xf0);
		op[0] = 0x0f;
		op[1] = (rndn(2) ? 0xc0 : 0xb0) | w;
		insn_rm(c, size, op, 2, reg, rm);
		break;
	case 20:		/* flag instructions */
		emit(c, (const uint8_t[]){ 0xf5, 0xf8, 0xf9 }[rndn(3)]);
		break;
	case 21:		/* push/pop */
		if (rndn(2)) {
			int r = rnd_reg(8);
			if (r >= 8)
				emit(c, 0x41);
			emit(c, 0x50 | (r & 7));
			if (rndn(2)) {
				int r2 = rnd_reg(8);
				if (r2 >= 8)
					emit(c, 0x41);
				emit(c, 0x58 | (r2 & 7));
			}
		} else {
			emit(c, 0x6a);
			emit(c, rnd());
			op[0] = 0x8f;
			insn_rm(c, 8, op, 1, 0, rnd_rm(8));
		}
		break;
	case 22: {		/* string ops with rep, inside the data page */
		if (rndn(2))
			emit(c, rndn(2) ? 0xfc : 0xfd);
		/* lea rsi, [rbx+d8]; lea rdi, [rbx+d8]; mov ecx, n */
		emit(c, 0x48); emit(c, 0x8d); emit(c, 0x73); emit(c, (uint8_t)(rndn(0x40) - 0x20));
		emit(c, 0x48); emit(c, 0x8d); emit(c, 0x7b); emit(c, (uint8_t)(rndn(0x40) - 0x20));
		emit(c, 0xb9); emit32(c, rndn(12));
		static const uint8_t sops[] = { 0xa4, 0xa6, 0xaa, 0xac, 0xae };
		unsigned k = rndn(G_N_ELEMENTS(sops));
		if (rndn(4))
			emit(c, sops[k] == 0xa6 || sops[k] == 0xae ? (rndn(2) ? 0xf3 : 0xf2) : 0xf3);
		if (size == 2)
			emit(c, 0x66);
		else if (size == 8)
			emit(c, 0x48);
		emit(c, sops[k] | w);
		emit(c, 0xfc);	/* cld: the C library in the child expects DF=0 */
		break;
	}
	case 23:		/* mov r/m, imm and mov r, imm */
		if (rndn(2)) {
			op[0] = 0xc6 | w;
			insn_rm(c, size, op, 1, 0, rm);
			imm(c, size == 1 ? 1 : size == 2 ? 2 : 4);
		} else {
			prefix(c, size, 0, reg, false);
			emit(c, (size == 1 ? 0xb0 : 0xb8) | (reg & 7));
			imm(c, size);
		}
		break;
	case 24:		/* adc/sbb chain */
		for (int k = 0; k < 3; k++) {
			op[0] = ((2 + rndn(2)) << 3) | (rndn(2) << 1) | w;
			insn_rm(c, size, op, 1, rnd_reg(size), rnd_rm(size));
		}
		break;
	case 25: {		/* jcc over the next instruction */
		struct code t = { .n = 0 };
		op[0] = (rndn(8) << 3) | 1;
		insn_rm(&t, 4, op, 1, rnd_reg(4), rnd_reg(4));
		emit(c, 0x70 | rndn(16));
		emit(c, t.n);
		for (unsigned k = 0; k < t.n; k++)
			emit(c, t.b[k]);
		break;
	}
	case 26:		/* cmpxchg8b / cmpxchg16b (aligned) */
		if (rndn(2))
			emit(c, 0xf0);
		if (rndn(2)) {
			emit(c, 0x48);
			emit(c, 0x0f); emit(c, 0xc7); emit(c, 0x4b); emit(c, (uint8_t)(rndn(8) * 16 - 64));
		} else {
			emit(c, 0x0f); emit(c, 0xc7); emit(c, 0x4b); emit(c, (uint8_t)(rndn(16) * 8 - 64));
		}
		break;
	case 27:		/* mov in all directions, including high byte registers */
		if (rndn(8) == 0)
			emit(c, 0xf0);	/* lock mov: #UD */
		op[0] = 0x88 | (rndn(2) << 1) | w;
		insn_rm(c, size, op, 1, reg, rm);
		break;
	case 28:		/* loop/jrcxz forward */
		emit(c, 0xb9); emit32(c, rndn(3));
		emit(c, 0xe0 + rndn(4));
		emit(c, 2);
		emit(c, 0xff); emit(c, 0xc0 | (const uint8_t[]){ 0, 1, 2, 5, 6, 7 }[rndn(6)]);	/* inc r32 */
		break;
	default:		/* xchg with eAX (0x91-0x97), nop, cwd */
		prefix(c, size == 1 ? 4 : size, 0, 0, false);
		emit(c, 0x91 + rndn(2));
		break;
	}
}

/* ---- native execution ---- */

static void gen_prologue(struct code *c)
{
	/* movabs rax, STATE; mov [rax+0xa0], rsp (C stack) */
	emit(c, 0x48); emit(c, 0xb8); emit64(c, STATE_ADDR);
	emit(c, 0x48); emit(c, 0x89); emit(c, 0xa0); emit32(c, offsetof(struct regs_state, c_rsp));
	/* mov rsp, [rax+0x20]; push qword [rax+flags]; popfq */
	emit(c, 0x48); emit(c, 0x8b); emit(c, 0x60); emit(c, 0x20);
	emit(c, 0xff); emit(c, 0xb0); emit32(c, offsetof(struct regs_state, flags));
	emit(c, 0x9d);
	for (int r = 1; r < 16; r++) {
		if (r == 4)
			continue;
		emit(c, r >= 8 ? 0x4c : 0x48);
		emit(c, 0x8b);
		emit(c, 0x80 | ((r & 7) << 3));
		emit32(c, r * 8);
	}
	emit(c, 0x48); emit(c, 0x8b); emit(c, 0x00);	/* mov rax, [rax] */
	/* x87 registers to +0.0 (fninit clears tags, not contents), then fninit */
	emit(c, 0xdb); emit(c, 0xe3);
	for (int k = 0; k < 8; k++) {
		emit(c, 0xd9); emit(c, 0xee);		/* fldz */
	}
	emit(c, 0xdb); emit(c, 0xe3);			/* fninit */
	/* movdqu xmmN, [STATE+0x100+16N] through an absolute disp32 (STATE < 2G) */
	for (int k = 0; k < 16; k++) {
		emit(c, 0xf3);
		if (k >= 8)
			emit(c, 0x44);
		emit(c, 0x0f); emit(c, 0x6f);
		emit(c, 0x04 | ((k & 7) << 3)); emit(c, 0x25);
		emit32(c, STATE_ADDR + 0x100 + 16 * k);
	}
	/* ldmxcsr [STATE+0x200] */
	emit(c, 0x0f); emit(c, 0xae); emit(c, 0x14); emit(c, 0x25); emit32(c, STATE_ADDR + 0x200);
}

#define OUT_ADDR (STATE_ADDR + 0x800)

static void gen_epilogue(struct code *c)
{
	/* movabs [OUT], rax; movabs rax, OUT; store the rest */
	emit(c, 0x48); emit(c, 0xa3); emit64(c, OUT_ADDR);
	emit(c, 0x48); emit(c, 0xb8); emit64(c, OUT_ADDR);
	for (int r = 1; r < 16; r++) {
		emit(c, r >= 8 ? 0x4c : 0x48);
		emit(c, 0x89);
		emit(c, 0x80 | ((r & 7) << 3));
		emit32(c, r * 8);
	}
	/* lea rsp, [rax+0x400]; pushfq; pop qword [rax+flags] */
	emit(c, 0x48); emit(c, 0x8d); emit(c, 0xa0); emit32(c, 0x400);
	emit(c, 0x9c);
	emit(c, 0x8f); emit(c, 0x80); emit32(c, offsetof(struct regs_state, flags));
	/* fxsave64 [rax+0x400] */
	emit(c, 0x48); emit(c, 0x0f); emit(c, 0xae); emit(c, 0x80); emit32(c, 0x400);
	/* exit(0) */
	emit(c, 0xb8); emit32(c, 60);
	emit(c, 0x31); emit(c, 0xff);
	emit(c, 0x0f); emit(c, 0x05);
}

static void native_fault(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	struct regs_state *out = (struct regs_state *)OUT_ADDR;
	static const int map[16] = { REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI,
				     REG_RDI, REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13,
				     REG_R14, REG_R15 };
	for (int r = 0; r < 16; r++)
		out->r[r] = uc->uc_mcontext.gregs[map[r]];
	out->flags = uc->uc_mcontext.gregs[REG_EFL];
	out->rip = uc->uc_mcontext.gregs[REG_RIP];
	out->sig = sig;
	memcpy((uint8_t *)out + 0x400, uc->uc_mcontext.fpregs, 512);
	_exit(0);
}

G_STATIC_ASSERT(offsetof(struct regs_state, xmm) == 0x100 && offsetof(struct regs_state, mxcsr) == 0x200);

struct test_case {
	struct code code;	/* just the random body */
	struct regs_state in;
	uint8_t data[4096];
	uint8_t stack[4096];
};

struct result {
	struct regs_state out;
	uint8_t fx[512];	/* FXSAVE image */
	uint8_t data[4096];
	uint8_t stack[4096];
};

static bool run_native(const struct test_case *tc, struct result *res)
{
	int fd = memfd_create("x86-diff", 0);
	g_assert(fd >= 0);
	g_assert(ftruncate(fd, 3 * 4096) == 0);
	uint8_t *view = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	g_assert(view != MAP_FAILED);
	memcpy(view, tc->data, 4096);
	memcpy(view + 4096, tc->stack, 4096);
	memset(view + 8192, 0, 4096);
	memcpy(view + 8192, &tc->in, sizeof(tc->in));

	struct code full = { .n = 0 };
	gen_prologue(&full);
	unsigned body = full.n;
	memcpy(full.b + full.n, tc->code.b, tc->code.n);
	full.n += tc->code.n;
	gen_epilogue(&full);

	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	g_assert(pid >= 0);
	if (pid == 0) {
		void *code = mmap((void *)CODE_ADDR, CODE_SIZE + 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		void *d = mmap((void *)DATA_ADDR, 4096, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
		void *st = mmap((void *)STACK_ADDR, 4096, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 4096);
		void *sp = mmap((void *)STATE_ADDR, 4096, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 8192);
		if (code != (void *)CODE_ADDR || d != (void *)DATA_ADDR ||
		    st != (void *)STACK_ADDR || sp != (void *)STATE_ADDR)
			_exit(2);
		memcpy(code, full.b, full.n);
		static uint8_t altstack[65536];
		stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
		sigaltstack(&ss, NULL);
		struct sigaction sa = { .sa_sigaction = native_fault, .sa_flags = SA_SIGINFO | SA_ONSTACK };
		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGFPE, &sa, NULL);
		sigaction(SIGILL, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);
		sigaction(SIGTRAP, &sa, NULL);
		((void (*)(void))code)();
		_exit(3);
	}
	int status;
	waitpid(pid, &status, 0);
	memcpy(&res->out, view + 8192 + 0x800, sizeof(res->out));
	memcpy(res->fx, view + 8192 + 0x800 + 0x400, 512);
	if (res->out.sig)
		res->out.rip -= body;	/* the interpreter runs the body alone */
	memcpy(res->data, view, 4096);
	memcpy(res->stack, view + 4096, 4096);
	munmap(view, 3 * 4096);
	close(fd);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "native child: status %#x\n", status);
		return false;
	}
	return true;
}

/* ---- interpreter execution ---- */

struct interp_mem {
	uint8_t pt[3][4096];	/* PML4, PDPT, PD at PT_ADDR.. */
	uint8_t code[CODE_SIZE];
	uint8_t data[4096];
	uint8_t stack[4096];
};

static uint8_t *tm_ram_ptr(void *opaque, uint64_t pa, bool write)
{
	struct interp_mem *m = opaque;
	pa &= ~0xfffULL;
	if (pa >= PT_ADDR && pa < PT_ADDR + 3 * 4096)
		return m->pt[(pa - PT_ADDR) / 4096];
	if (pa >= CODE_ADDR && pa < CODE_ADDR + CODE_SIZE)
		return m->code + (pa - CODE_ADDR);
	if (pa == DATA_ADDR)
		return m->data;
	if (pa == STACK_ADDR)
		return m->stack;
	return NULL;
}

static uint64_t tm_read(void *opaque, uint64_t pa, unsigned size) { return ~0ULL; }
static void tm_write(void *opaque, uint64_t pa, uint64_t v, unsigned size) { }
static uint64_t tm_io_read(void *opaque, uint16_t port, unsigned size) { return ~0ULL; }
static void tm_io_write(void *opaque, uint16_t port, uint64_t v, unsigned size) { }

static const struct interp_mem_ops tm_ops = {
	.ram_ptr = tm_ram_ptr, .read = tm_read, .write = tm_write,
	.io_read = tm_io_read, .io_write = tm_io_write,
};

static int caught_vec;
static bool catch_exception(struct interp_cpu *s, int vec, uint32_t err)
{
	caught_vec = vec;
	return true;
}

static void setup_long_mode_user(struct x86_cpu *cpu, struct interp_mem *m)
{
	CPUX86State *env = &cpu->env;
	x86_cpu_reset(cpu);
	/* 4-level identity map of the first GiB in 2 MiB user pages */
	stq_le_p(m->pt[0], (PT_ADDR + 0x1000) | 7);
	stq_le_p(m->pt[1], (PT_ADDR + 0x2000) | 7);
	for (int k = 0; k < 512; k++)
		stq_le_p(m->pt[2] + k * 8, ((uint64_t)k << 21) | 0x87);
	env->cr[0] = CR0_PE | CR0_PG | CR0_ET | CR0_MP | CR0_NE | CR0_WP;
	env->cr[3] = PT_ADDR;
	env->cr[4] = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	env->efer = EFER_LME | EFER_LMA | EFER_NXE | EFER_SCE;
	env->segs[R_CS] = (struct segment_cache){ 0x33, 0, 0xffffffff,
		SEG_P | SEG_S | (3 << SEG_DPL_SHIFT) | (0xb << SEG_TYPE_SHIFT) | SEG_L | SEG_G };
	env->segs[R_SS] = (struct segment_cache){ 0x2b, 0, 0xffffffff,
		SEG_P | SEG_S | (3 << SEG_DPL_SHIFT) | (0x3 << SEG_TYPE_SHIFT) | SEG_DB | SEG_G };
	for (int sg = 0; sg < 6; sg++)
		if (sg != R_CS && sg != R_SS)
			env->segs[sg] = env->segs[R_SS];
}

static void run_interp(const struct test_case *tc, struct result *res, struct interp_mem *m,
		       bool blocks)
{
	struct x86_cpu *cpu = g_new0(struct x86_cpu, 1);
	CPUX86State *env = &cpu->env;
	setup_long_mode_user(cpu, m);
	memset(m->code, 0xcc, sizeof(m->code));
	memcpy(m->code, tc->code.b, tc->code.n);
	memcpy(m->data, tc->data, 4096);
	memcpy(m->stack, tc->stack, 4096);
	interp_cpu_set_memory(cpu, &tm_ops, m);
	struct interp_cpu *s = cpu->interp;
	s->exception_hook = catch_exception;
	for (int r = 0; r < 16; r++)
		env->regs[r] = tc->in.r[r];
	env->rflags = tc->in.flags;
	env->rip = CODE_ADDR;
	env->fpu_control = 0x37f;
	env->fpu_status = 0;
	env->fpu_tag = 0xffff;
	memcpy(env->xmm, tc->in.xmm, sizeof(tc->in.xmm));
	env->mxcsr = tc->in.mxcsr;
	caught_vec = -1;
	/* blocks: the pre-decoded block path, stopped at the end of the sequence */
	s->block_stop = CODE_ADDR + tc->code.n;
	for (int n = 0; n < 10000 && env->rip != CODE_ADDR + tc->code.n; n++) {
		uint64_t rip0 = env->rip;
		if (blocks)
			x86_step_block(s);
		else
			x86_step(s);
		if (getenv("KEMU_DIFF_TRACE"))
			fprintf(stderr, "  after %" PRIx64 ": fsw %04x ftw %04x st0 %04x:%016" PRIx64 "\n", rip0,
				env->fpu_status, env->fpu_tag, env->st[(env->fpu_status >> 11) & 7].sign_exponent,
				env->st[(env->fpu_status >> 11) & 7].mantissa);
		if (caught_vec >= 0)
			break;
	}
	for (int r = 0; r < 16; r++)
		res->out.r[r] = env->regs[r];
	res->out.flags = env->rflags;
	res->out.rip = env->rip;
	res->out.sig = caught_vec < 0 ? 0 : (caught_vec == EXCP_DE || caught_vec == EXCP_MF || caught_vec == EXCP_XM) ? SIGFPE :
		       caught_vec == EXCP_UD ? SIGILL : caught_vec == EXCP_BP ? SIGTRAP : SIGSEGV;
	memcpy(res->data, m->data, 4096);
	memcpy(res->stack, m->stack, 4096);
	memset(res->fx, 0, 512);
	stw_le_p(res->fx, env->fpu_control);
	stw_le_p(res->fx + 2, env->fpu_status);
	uint8_t ab = 0;
	for (int k = 0; k < 8; k++)
		if (((env->fpu_tag >> (2 * k)) & 3) != 3)
			ab |= 1 << k;
	res->fx[4] = ab;
	stl_le_p(res->fx + 24, env->mxcsr);
	unsigned top = (env->fpu_status >> 11) & 7;
	for (int k = 0; k < 8; k++) {
		stq_le_p(res->fx + 32 + k * 16, env->st[(top + k) & 7].mantissa);
		stw_le_p(res->fx + 40 + k * 16, env->st[(top + k) & 7].sign_exponent);
	}
	for (int k = 0; k < 16; k++)
		memcpy(res->fx + 160 + k * 16, env->xmm[k].b, 16);
	interp_cpu_destroy(cpu);
	g_free(cpu);
}

/* ---- the test ---- */

static const char *const rname[16] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
				       "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" };

static void dump_code(const struct code *c)
{
	unsigned off = 0;
	while (off < c->n) {
		char text[128];
		int len = x86_disas(c->b + off, c->n - off, 64, CODE_ADDR + off, text, sizeof(text));
		if (len <= 0)
			len = 1;
		fprintf(stderr, "  %08llx:", CODE_ADDR + off);
		for (int k = 0; k < len; k++)
			fprintf(stderr, " %02x", c->b[off + k]);
		fprintf(stderr, "%*s %s\n", (15 - len) * 3, "", text);
		off += len;
	}
}

static bool compare(const struct test_case *tc, const struct result *nat, const struct result *emu)
{
	bool ok = true;
	const uint64_t fmask = STATUS_FLAGS | X86_EFLAGS_DF;
	if (nat->out.sig != emu->out.sig) {
		fprintf(stderr, "signal: native %d, interp %d\n", nat->out.sig, emu->out.sig);
		ok = false;
	}
	if (nat->out.sig) {
		if (nat->out.rip != emu->out.rip) {
			fprintf(stderr, "fault rip: native %#" PRIx64 ", interp %#" PRIx64 "\n",
				nat->out.rip - 0 , emu->out.rip);
			ok = false;
		}
	}
	for (int r = 0; r < 16; r++) {
		if (nat->out.r[r] != emu->out.r[r]) {
			fprintf(stderr, "%s: native %#" PRIx64 ", interp %#" PRIx64 "\n", rname[r],
				nat->out.r[r], emu->out.r[r]);
			ok = false;
		}
	}
	if ((nat->out.flags ^ emu->out.flags) & fmask) {
		fprintf(stderr, "flags: native %#" PRIx64 ", interp %#" PRIx64 "\n",
			nat->out.flags & fmask, emu->out.flags & fmask);
		ok = false;
	}
	if (lduw_le_p(nat->fx) != lduw_le_p(emu->fx) || lduw_le_p(nat->fx + 2) != lduw_le_p(emu->fx + 2) ||
	    nat->fx[4] != emu->fx[4]) {
		fprintf(stderr, "x87: native fcw %04x fsw %04x ftw %02x, interp fcw %04x fsw %04x ftw %02x\n",
			lduw_le_p(nat->fx), lduw_le_p(nat->fx + 2), nat->fx[4],
			lduw_le_p(emu->fx), lduw_le_p(emu->fx + 2), emu->fx[4]);
		ok = false;
	}
	for (int k = 0; k < 8; k++) {
		if (memcmp(nat->fx + 32 + k * 16, emu->fx + 32 + k * 16, 10)) {
			fprintf(stderr, "st(%d): native %04x:%016" PRIx64 ", interp %04x:%016" PRIx64 "\n", k,
				lduw_le_p(nat->fx + 40 + k * 16), ldq_le_p(nat->fx + 32 + k * 16),
				lduw_le_p(emu->fx + 40 + k * 16), ldq_le_p(emu->fx + 32 + k * 16));
			ok = false;
		}
	}
	if (ldl_le_p(nat->fx + 24) != ldl_le_p(emu->fx + 24)) {
		fprintf(stderr, "mxcsr: native %08x, interp %08x\n", ldl_le_p(nat->fx + 24), ldl_le_p(emu->fx + 24));
		ok = false;
	}
	for (int k = 0; k < 16; k++) {
		if (memcmp(nat->fx + 160 + k * 16, emu->fx + 160 + k * 16, 16)) {
			fprintf(stderr, "xmm%d: native %016" PRIx64 "%016" PRIx64 ", interp %016" PRIx64 "%016" PRIx64 "\n", k,
				ldq_le_p(nat->fx + 168 + k * 16), ldq_le_p(nat->fx + 160 + k * 16),
				ldq_le_p(emu->fx + 168 + k * 16), ldq_le_p(emu->fx + 160 + k * 16));
			ok = false;
		}
	}
	for (int k = 0; k < 4096; k++) {
		if (nat->data[k] != emu->data[k]) {
			fprintf(stderr, "data[%#x]: native %02x, interp %02x\n", k, nat->data[k], emu->data[k]);
			ok = false;
			break;
		}
	}
	for (int k = 0; k < 4096; k++) {
		if (nat->stack[k] != emu->stack[k]) {
			fprintf(stderr, "stack[%#x]: native %02x, interp %02x\n", k, nat->stack[k], emu->stack[k]);
			ok = false;
			break;
		}
	}
	if (!ok)
		dump_code(&tc->code);
	return ok;
}

static void make_case(struct test_case *tc, unsigned ninsn)
{
	memset(tc, 0, sizeof(*tc));
	for (int r = 0; r < 16; r++)
		tc->in.r[r] = rnd_value();
	tc->in.r[R_EBX] = DATA_ADDR + 0x800;
	tc->in.r[R_ESP] = STACK_ADDR + 0x800;
	tc->in.flags = 0x202 | (rnd() & (STATUS_FLAGS));
	for (int k = 0; k < 16; k++)
		for (int b = 0; b < 16; b += 8) {
			uint64_t v = rnd_value();
			memcpy(&tc->in.xmm[k][b], &v, 8);
		}
	tc->in.mxcsr = 0x1f80 | ((rnd() & 3) << 13) * (rndn(4) == 0);
	for (int k = 0; k < 4096; k += 8) {
		uint64_t v = rnd_value();
		memcpy(tc->data + k, &v, 8);
		v = rnd();
		memcpy(tc->stack + k, &v, 8);
	}
	/* the native prologue loads flags through the stack: same bytes there */
	memcpy(tc->stack + 0x7f8, &tc->in.flags, 8);
	for (unsigned k = 0; k < ninsn; k++)
		gen_one(&tc->code);
}

static void test_x86_diff_random_sequences_match_host(void)
{
	const char *env_seed = getenv("KEMU_DIFF_SEED");
	const char *env_cases = getenv("KEMU_DIFF_CASES");
	uint64_t seed = env_seed ? g_ascii_strtoull(env_seed, NULL, 0) : (uint64_t)g_get_real_time();
	unsigned cases = env_cases ? atoi(env_cases) : 3000;
	struct interp_mem *m = g_new0(struct interp_mem, 1);
	struct test_case *tc = g_new0(struct test_case, 1);
	struct result *nat = g_new0(struct result, 1), *emu = g_new0(struct result, 1);
	unsigned faults = 0, failures = 0;

	for (unsigned n = 0; n < cases && failures < 3; n++) {
		uint64_t case_seed = seed + n;
		rng_state = case_seed * 0x9e3779b97f4a7c15ULL | 1;
		make_case(tc, 1 + rndn(12));
		memset(nat, 0, sizeof(*nat));
		if (!run_native(tc, nat)) {
			fprintf(stderr, "case seed %" PRIu64 ": native run failed\n", case_seed);
			failures++;
			continue;
		}
		if (nat->out.sig) {
			faults++;
			if (getenv("KEMU_DIFF_SHOW_FAULTS"))
			{
				char text[128];
				uint64_t off = nat->out.rip - CODE_ADDR;
				x86_disas(tc->code.b + off, tc->code.n - off, 64, 0, text, sizeof(text));
				fprintf(stderr, "case %" PRIu64 ": signal %d at +%#" PRIx64 " %s\n", case_seed,
					nat->out.sig, off, text);
			}
		}
		/* the native RSP at the end is the one the epilogue saw */
		run_interp(tc, emu, m, false);
		if (getenv("KEMU_DIFF_TRACE")) {
			/* native state after each prefix of the sequence */
			struct test_case *t2 = g_new0(struct test_case, 1);
			struct result *r2 = g_new0(struct result, 1);
			unsigned off = 0;
			while (off < tc->code.n) {
				char text[128];
				int len = x86_disas(tc->code.b + off, tc->code.n - off, 64, 0, text, sizeof(text));
				off += len > 0 ? len : 1;
				*t2 = *tc;
				t2->code.n = off;
				run_native(t2, r2);
				fprintf(stderr, "  native after %#x: fsw %04x ftw %02x\n", off, lduw_le_p(r2->fx + 2), r2->fx[4]);
			}
			g_free(t2);
			g_free(r2);
		}
		if (!compare(tc, nat, emu)) {
			fprintf(stderr, "MISMATCH: KEMU_DIFF_SEED=%" PRIu64 " KEMU_DIFF_CASES=1\n", case_seed);
			failures++;
			continue;
		}
		/* the same case through pre-decoded blocks (target/i386/block.c) */
		run_interp(tc, emu, m, true);
		if (!compare(tc, nat, emu)) {
			fprintf(stderr, "MISMATCH (blocks): KEMU_DIFF_SEED=%" PRIu64 " KEMU_DIFF_CASES=1\n",
				case_seed);
			failures++;
		}
	}
	if (g_test_verbose() || failures)
		fprintf(stderr, "x86 diff: %u cases from seed %" PRIu64 ", %u faulted natively, %u mismatches\n",
			cases, seed, faults, failures);
	g_assert_cmpuint(failures, ==, 0);
	g_free(m);
	g_free(tc);
	g_free(nat);
	g_free(emu);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/x86/diff/random_sequences_match_host", test_x86_diff_random_sequences_match_host);
	return g_test_run();
}

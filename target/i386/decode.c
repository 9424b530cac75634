// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86 instruction decoder: prefixes, REX, opcode maps (one-byte, 0F, 0F38,
 * 0F3A), ModRM/SIB/displacement and immediates, from the opcode tables of
 * the Intel SDM vol. 2D appendix A. It produces a struct x86_insn and knows
 * nothing of what the instruction does; the executor and the disassembler
 * share it. VEX (C4/C5) and EVEX (62) encodings decode as #UD, as on a CPU
 * without AVX. An instruction longer than 15 bytes is #GP(0) (SDM vol. 2A
 * §2.3.11).
 */
#include "kemu/common.h"
#include "target/i386/internal.h"

enum {
	F_MODRM = 1 << 0,
	F_D64 = 1 << 1,		/* 64-bit operand size by default in long mode */
	F_F64 = 1 << 2,		/* 64-bit operand size in long mode, 66 ignored */
	F_I64 = 1 << 3,		/* invalid in 64-bit mode */
	F_REGONLY = 1 << 4,	/* ModRM always names registers (mov cr/dr) */
	I_SHIFT = 8,
};
enum { I_NONE, I_B, I_W, I_Z, I_V, I_A, I_WB, I_P, I_GRP3 };
#define IMM(x) ((x) << I_SHIFT)

static uint16_t op_flags[NR_OPS];

static void set_range(int from, int to, uint16_t f)
{
	for (int i = from; i <= to; i++)
		op_flags[i] = f;
}

static void __attribute__((constructor)) decode_tables_init(void)
{
	/* one-byte map */
	for (int op = 0; op < 0x40; op += 8) {
		set_range(op, op + 3, F_MODRM);
		op_flags[op + 4] = IMM(I_B);
		op_flags[op + 5] = IMM(I_Z);
	}
	op_flags[0x06] = op_flags[0x07] = op_flags[0x0e] = F_I64;
	op_flags[0x16] = op_flags[0x17] = op_flags[0x1e] = op_flags[0x1f] = F_I64;
	op_flags[0x27] = op_flags[0x2f] = op_flags[0x37] = op_flags[0x3f] = F_I64;
	set_range(0x50, 0x5f, F_D64);
	op_flags[0x60] = op_flags[0x61] = F_I64;
	op_flags[0x62] = F_MODRM | F_I64;
	op_flags[0x63] = F_MODRM;
	op_flags[0x68] = IMM(I_Z) | F_D64;
	op_flags[0x69] = F_MODRM | IMM(I_Z);
	op_flags[0x6a] = IMM(I_B) | F_D64;
	op_flags[0x6b] = F_MODRM | IMM(I_B);
	set_range(0x70, 0x7f, IMM(I_B) | F_F64);
	op_flags[0x80] = op_flags[0x83] = F_MODRM | IMM(I_B);
	op_flags[0x81] = F_MODRM | IMM(I_Z);
	op_flags[0x82] = F_MODRM | IMM(I_B) | F_I64;
	set_range(0x84, 0x8e, F_MODRM);
	op_flags[0x8f] = F_MODRM | F_D64;
	op_flags[0x9a] = IMM(I_P) | F_I64;
	op_flags[0x9c] = op_flags[0x9d] = F_D64;
	set_range(0xa0, 0xa3, IMM(I_A));
	op_flags[0xa8] = IMM(I_B);
	op_flags[0xa9] = IMM(I_Z);
	set_range(0xb0, 0xb7, IMM(I_B));
	set_range(0xb8, 0xbf, IMM(I_V));
	op_flags[0xc0] = op_flags[0xc1] = F_MODRM | IMM(I_B);
	op_flags[0xc2] = IMM(I_W) | F_F64;
	op_flags[0xc3] = F_F64;
	op_flags[0xc4] = op_flags[0xc5] = F_MODRM | F_I64;
	op_flags[0xc6] = F_MODRM | IMM(I_B);
	op_flags[0xc7] = F_MODRM | IMM(I_Z);
	op_flags[0xc8] = IMM(I_WB) | F_D64;
	op_flags[0xc9] = F_D64;
	op_flags[0xca] = IMM(I_W);
	op_flags[0xcd] = IMM(I_B);
	op_flags[0xce] = F_I64;
	set_range(0xd0, 0xd3, F_MODRM);
	op_flags[0xd4] = op_flags[0xd5] = IMM(I_B) | F_I64;
	op_flags[0xd6] = F_I64;
	set_range(0xd8, 0xdf, F_MODRM);
	set_range(0xe0, 0xe3, IMM(I_B) | F_F64);
	set_range(0xe4, 0xe7, IMM(I_B));
	op_flags[0xe8] = op_flags[0xe9] = IMM(I_Z) | F_F64;
	op_flags[0xea] = IMM(I_P) | F_I64;
	op_flags[0xeb] = IMM(I_B) | F_F64;
	op_flags[0xf6] = op_flags[0xf7] = F_MODRM | IMM(I_GRP3);
	op_flags[0xfe] = op_flags[0xff] = F_MODRM;

	/* 0F map */
	uint16_t *t = op_flags + MAP_0F;
	set_range(MAP_0F + 0x00, MAP_0F + 0xff, F_MODRM);
	for (int b = 0x05; b <= 0x0b; b++)
		t[b] = 0;
	t[0x0e] = 0;
	t[0x20] = t[0x21] = t[0x22] = t[0x23] = F_MODRM | F_REGONLY;
	set_range(MAP_0F + 0x30, MAP_0F + 0x37, 0);
	set_range(MAP_0F + 0x70, MAP_0F + 0x73, F_MODRM | IMM(I_B));
	t[0x77] = 0;
	set_range(MAP_0F + 0x80, MAP_0F + 0x8f, IMM(I_Z) | F_F64);
	t[0xa0] = t[0xa1] = t[0xa8] = t[0xa9] = F_D64;
	t[0xa2] = t[0xaa] = 0;
	t[0xa4] = t[0xac] = t[0xba] = F_MODRM | IMM(I_B);
	t[0xc2] = t[0xc4] = t[0xc5] = t[0xc6] = F_MODRM | IMM(I_B);
	set_range(MAP_0F + 0xc8, MAP_0F + 0xcf, 0);
	set_range(MAP_38, MAP_38 + 0xff, F_MODRM);
	set_range(MAP_3A, MAP_3A + 0xff, F_MODRM | IMM(I_B));
}

static const int8_t modrm16_base[8] = { R_EBX, R_EBX, R_EBP, R_EBP, R_ESI, R_EDI, R_EBP, R_EBX };
static const int8_t modrm16_index[8] = { R_ESI, R_EDI, R_ESI, R_EDI, -1, -1, -1, -1 };

#define NEED(n) do { if (p + (n) > avail) return p + (n) > 15 ? DECODE_GP : DECODE_MORE; } while (0)

static uint64_t get_le(const uint8_t *b, unsigned n)
{
	uint64_t v = 0;
	for (unsigned k = 0; k < n; k++)
		v |= (uint64_t)b[k] << (8 * k);
	return v;
}

enum decode_status x86_decode(const uint8_t *buf, unsigned avail, int mode,
			      struct x86_insn *i)
{
	unsigned p = 0;
	bool p66 = false, p67 = false;
	uint8_t b;

	if (avail > 15)
		avail = 15;
	memset(i, 0, sizeof(*i));
	i->seg = -1;
	i->base = i->index = -1;
	i->mode = mode;

	for (;;) {
		NEED(1);
		b = buf[p];
		switch (b) {
		case 0x66: p66 = true; break;
		case 0x67: p67 = true; break;
		case 0xf0: i->lock = true; break;
		case 0xf2: case 0xf3: i->rep = b; break;
		case 0x26: i->seg = R_ES; break;
		case 0x2e: i->seg = R_CS; break;
		case 0x36: i->seg = R_SS; break;
		case 0x3e: i->seg = R_DS; break;
		case 0x64: i->seg = R_FS; break;
		case 0x65: i->seg = R_GS; break;
		default: goto prefixes_done;
		}
		p++;
		i->rex = 0;
	}
prefixes_done:
	if (mode == 64 && (b & 0xf0) == 0x40) {
		/* REX must be last; a later REX replaces an earlier one */
		while ((buf[p] & 0xf0) == 0x40) {
			i->rex = buf[p++];
			NEED(1);
		}
		b = buf[p];
	}
	p++;
	unsigned op = b;
	if (b == 0x0f) {
		NEED(1);
		b = buf[p++];
		if (b == 0x38 || b == 0x3a) {
			unsigned map = b == 0x38 ? MAP_38 : MAP_3A;
			NEED(1);
			op = map | buf[p++];
		} else {
			op = MAP_0F | b;
		}
	} else if (b == 0xc4 || b == 0xc5 || b == 0x62) {
		/* VEX/EVEX: in 64-bit mode always, else only with ModRM.mod == 11 */
		NEED(1);
		if (mode == 64 || (buf[p] & 0xc0) == 0xc0)
			return DECODE_UD;
	} else if (b == 0x8f && mode != 0) {
		/* XOP (AMD) would be 8F with ModRM.reg != 0: #UD there, below */
	}
	i->op = op;
	i->p66 = p66;
	uint16_t f = op_flags[op];

	if (mode == 64 && (f & F_I64))
		return DECODE_UD;

	/* operand size */
	if (mode == 64) {
		if (i->rex & 8)
			i->opsize = 8;
		else if (f & F_F64)
			i->opsize = 8;
		else if (f & F_D64)
			i->opsize = p66 ? 2 : 8;
		else
			i->opsize = p66 ? 2 : 4;
		i->addrsize = p67 ? 4 : 8;
	} else if (mode == 32) {
		i->opsize = p66 ? 2 : 4;
		i->addrsize = p67 ? 2 : 4;
	} else {
		i->opsize = p66 ? 4 : 2;
		i->addrsize = p67 ? 4 : 2;
	}

	if (f & F_MODRM) {
		NEED(1);
		uint8_t m = buf[p++];
		i->has_modrm = true;
		i->modrm = m;
		i->mod = m >> 6;
		i->reg = ((m >> 3) & 7) | ((i->rex & 4) << 1);
		i->rm = (m & 7) | ((i->rex & 1) << 3);
		if (i->mod == 3 || (f & F_REGONLY)) {
			i->mem = false;
		} else if (i->addrsize == 2) {
			i->mem = true;
			unsigned rm = m & 7;
			i->rm = rm;
			if (i->mod == 0 && rm == 6) {
				NEED(2);
				i->disp = (int16_t)get_le(buf + p, 2);
				p += 2;
			} else {
				i->base = modrm16_base[rm];
				i->index = modrm16_index[rm];
				i->scale = 0;
				if (i->mod == 1) {
					NEED(1);
					i->disp = (int8_t)buf[p++];
				} else if (i->mod == 2) {
					NEED(2);
					i->disp = (int16_t)get_le(buf + p, 2);
					p += 2;
				}
			}
		} else {
			i->mem = true;
			unsigned rm = m & 7;
			if (rm == 4) {
				NEED(1);
				uint8_t sib = buf[p++];
				unsigned base = (sib & 7) | ((i->rex & 1) << 3);
				unsigned index = ((sib >> 3) & 7) | ((i->rex & 2) << 2);
				i->scale = sib >> 6;
				if (index != 4)
					i->index = index;
				if ((sib & 7) == 5 && i->mod == 0) {
					NEED(4);
					i->disp = (int32_t)get_le(buf + p, 4);
					p += 4;
				} else {
					i->base = base;
				}
			} else if (rm == 5 && i->mod == 0) {
				NEED(4);
				i->disp = (int32_t)get_le(buf + p, 4);
				p += 4;
				if (mode == 64)
					i->base = 16;	/* RIP-relative */
			} else {
				i->base = i->rm;
			}
			if (i->mod == 1) {
				NEED(1);
				i->disp = (int8_t)buf[p++];
			} else if (i->mod == 2) {
				NEED(4);
				i->disp = (int32_t)get_le(buf + p, 4);
				p += 4;
			}
		}
	}

	unsigned isz = 0, isz2 = 0;
	switch ((f >> I_SHIFT) & 0xf) {
	case I_B: isz = 1; break;
	case I_W: isz = 2; break;
	case I_Z: isz = i->opsize == 2 ? 2 : 4; break;
	case I_V: isz = i->opsize; break;
	case I_A: isz = i->addrsize; break;
	case I_WB: isz = 2; isz2 = 1; break;
	case I_P: isz = i->opsize == 2 ? 2 : 4; isz2 = 2; break;
	case I_GRP3:
		if (((i->modrm >> 3) & 7) < 2)
			isz = op == 0xf6 ? 1 : (i->opsize == 2 ? 2 : 4);
		break;
	}
	if (isz) {
		NEED(isz);
		i->imm = get_le(buf + p, isz);
		p += isz;
	}
	if (isz2) {
		NEED(isz2);
		i->imm2 = get_le(buf + p, isz2);
		p += isz2;
	}
	if (p > 15)
		return DECODE_GP;
	i->len = p;
	return DECODE_OK;
}

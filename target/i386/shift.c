// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Shifts and rotates: group 2 (C0, C1, D0-D3: rol ror rcl rcr shl shr sal
 * sar) and the double shifts shld/shrd. The count is masked to 5 bits (6
 * with REX.W) before the operation, as the SDM specifies, and the host
 * computes result and flags (alu.h); a masked count of 0 leaves the flags
 * untouched, which the host's own instruction also does.
 */
#include "kemu/common.h"
#include "target/i386/alu.h"

ALUSH(sh_rol, "rol")
ALUSH(sh_ror, "ror")
ALUSH(sh_rcl, "rcl")
ALUSH(sh_rcr, "rcr")
ALUSH(sh_shl, "shl")
ALUSH(sh_shr, "shr")
ALUSH(sh_sal, "sal")
ALUSH(sh_sar, "sar")
ALUSHD(sh_shld, "shld")
ALUSHD(sh_shrd, "shrd")

typedef uint64_t (*sh_fn)(uint64_t, uint8_t, unsigned, uint64_t *);
static const sh_fn sh_ops[8] = { sh_rol, sh_ror, sh_rcl, sh_rcr, sh_shl, sh_shr, sh_sal, sh_sar };

static void op_grp2(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned b = i->op & 0xff;
	unsigned size = (b & 1) ? i->opsize : 1;
	uint8_t count;
	if (b <= 0xc1)
		count = i->imm;
	else if (b <= 0xd1)
		count = 1;
	else
		count = s->env->regs[R_ECX];
	count &= size == 8 ? 63 : 31;
	uint64_t v = x86_rm_read(s, i, size);
	/* count 0: flags untouched (the host does that too); a register is still written */
	if (!count && i->mem)
		return;
	uint64_t r = sh_ops[i->reg & 7](v, count, size, &s->env->rflags);
	x86_rm_write(s, i, size, r);
}

static void op_shd(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned b = i->op & 0xff;
	uint8_t count = (b == 0xa4 || b == 0xac) ? i->imm : s->env->regs[R_ECX];
	count &= i->opsize == 8 ? 63 : 31;
	uint64_t v = x86_rm_read(s, i, i->opsize);
	uint64_t src = x86_reg_read(s, i, i->reg, i->opsize);
	if (!count && i->mem)
		return;
	uint64_t r = b < 0xa8 ? sh_shld(v, src, count, i->opsize, &s->env->rflags)
			      : sh_shrd(v, src, count, i->opsize, &s->env->rflags);
	x86_rm_write(s, i, i->opsize, r);
}

void x86_shift_register(void)
{
	x86_handler *h = x86_handlers;
	h[0xc0] = h[0xc1] = h[0xd0] = h[0xd1] = h[0xd2] = h[0xd3] = op_grp2;
	h[MAP_0F + 0xa4] = h[MAP_0F + 0xa5] = h[MAP_0F + 0xac] = h[MAP_0F + 0xad] = op_shd;
}

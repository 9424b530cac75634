// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x87 arithmetic, loads and stores (the part of the D8-DF escapes that
 * computes), on the host's 80-bit long double. Not yet complete: what is
 * missing raises #UD and logs under -d unimp.
 */
#include "kemu/common.h"
#include "target/i386/internal.h"

void x87_fpu_op(struct interp_cpu *s, struct x86_insn *i);
void x87_fpu_op(struct interp_cpu *s, struct x86_insn *i)
{
	log_unimp("x87: opcode %02x /%d modrm %02x", i->op, i->reg & 7, i->modrm);
	x86_raise_ud(s);
}

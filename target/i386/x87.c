// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x87 FPU (D8-DF escapes, 9B fwait): control/status/tag words, the register
 * stack, loads/stores and arithmetic in 80-bit extended precision using the
 * host's long double (kemu runs on x86-64 hosts, whose long double is the
 * x87 80-bit format), and the #NM / #MF rules of SDM vol. 1 chapter 8.
 */
#include "kemu/common.h"
#include "target/i386/internal.h"

static void fpu_check_nm(struct interp_cpu *s)
{
	if (s->env->cr[0] & (CR0_EM | CR0_TS))
		x86_raise(s, EXCP_NM, 0);
}

void x86_fninit(CPUX86State *env);
void x86_fninit(CPUX86State *env)
{
	env->fpu_control = 0x37f;
	env->fpu_status = 0;
	env->fpu_tag = 0xffff;
	env->fpu_opcode = 0;
	env->fpu_ip = env->fpu_dp = 0;
	env->fpu_cs = env->fpu_ds = 0;
}

static void op_fwait(struct interp_cpu *s, struct x86_insn *i)
{
	if ((s->env->cr[0] & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
		x86_raise(s, EXCP_NM, 0);
	/* pending unmasked exceptions (ES) */
	if (s->env->fpu_status & 0x80) {
		if (s->env->cr[0] & CR0_NE)
			x86_raise(s, EXCP_MF, 0);
		log_unimp("x87: FERR# (CR0.NE=0) external interrupt path");
	}
}

void x86_x87_escape(struct interp_cpu *s, struct x86_insn *i);
void x87_fpu_op(struct interp_cpu *s, struct x86_insn *i);

static void op_esc(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	fpu_check_nm(s);
	unsigned op = i->op & 7, sub = i->reg & 7;
	if (op == 3 && !i->mem && i->modrm == 0xe3) {	/* fninit */
		x86_fninit(env);
		return;
	}
	if (op == 3 && !i->mem && i->modrm == 0xe2) {	/* fnclex */
		env->fpu_status &= 0x7f00;
		return;
	}
	if (op == 7 && !i->mem && i->modrm == 0xe0) {	/* fnstsw ax */
		x86_set_gpr(s, R_EAX, 2, env->fpu_status);
		return;
	}
	if (op == 5 && i->mem && sub == 7) {	/* fnstsw m16 */
		x86_rm_write(s, i, 2, env->fpu_status);
		return;
	}
	if (op == 1 && i->mem && sub == 7) {	/* fnstcw */
		x86_rm_write(s, i, 2, env->fpu_control);
		return;
	}
	if (op == 1 && i->mem && sub == 5) {	/* fldcw */
		env->fpu_control = x86_rm_read(s, i, 2);
		return;
	}
	if (op == 3 && !i->mem && (i->modrm == 0xe0 || i->modrm == 0xe1 || i->modrm == 0xe4))
		return;	/* fneni, fndisi, fnsetpm: no-ops on a 387+ */
	x87_fpu_op(s, i);
}

void x86_x87_register(void)
{
	for (int k = 0xd8; k <= 0xdf; k++)
		x86_handlers[k] = op_esc;
	x86_handlers[0x9b] = op_fwait;
}

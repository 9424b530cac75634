// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * System instructions: port I/O, hlt, cli/sti, descriptor-table and task
 * registers (group 6 and 7), control and debug registers, MSRs, cpuid,
 * rdtsc/rdtscp, fast system calls, lar/lsl/verr/verw, far-pointer loads
 * (lds/les/lss/lfs/lgs), cache and fence hints. Privilege rules from SDM
 * vol. 2 per instruction and vol. 3A §2.5 (CR bits), §9.8 (mode switches).
 */
#include "kemu/common.h"
#include "target/i386/internal.h"
#include "target/i386/cpuid.h"
#include "hw/intc/apic.h"

static struct apic_state *cpu_apic(struct interp_cpu *s)
{
	return (struct apic_state *)s->cpu->apic;
}

static void need_cpl0(struct interp_cpu *s)
{
	if (x86_vm86(s) || (x86_pe(s) && s->cpl != 0))
		x86_raise_gp(s, 0);
}

static void need_pe(struct interp_cpu *s)
{
	if (!x86_pe(s) || x86_vm86(s))
		x86_raise_ud(s);
}

uint64_t x86_io_read(struct interp_cpu *s, uint16_t port, unsigned size)
{
	return s->mem->io_read(s->mem_opaque, port, size) & size_mask(size);
}

void x86_io_write(struct interp_cpu *s, uint16_t port, unsigned size, uint64_t v)
{
	s->mem->io_write(s->mem_opaque, port, v & size_mask(size), size);
}

static void op_inout(struct interp_cpu *s, struct x86_insn *i)
{
	unsigned b = i->op;
	unsigned size = (b & 1) ? (i->opsize == 2 ? 2 : 4) : 1;
	uint16_t port = b < 0xe8 ? (i->imm & 0xff) : (uint16_t)s->env->regs[R_EDX];
	x86_check_io(s, port, size);
	if (b & 2)
		x86_io_write(s, port, size, s->env->regs[R_EAX]);
	else
		x86_set_gpr(s, R_EAX, size, x86_io_read(s, port, size));
}

static void op_hlt(struct interp_cpu *s, struct x86_insn *i)
{
	need_cpl0(s);
	s->env->halted = true;
	s->halted_now = true;
}

static void op_cli_sti(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	int iopl = (env->rflags & X86_EFLAGS_IOPL) >> 12;
	if (x86_pe(s) && (x86_vm86(s) ? iopl < 3 : s->cpl > iopl))
		x86_raise_gp(s, 0);
	if (i->op == 0xfa) {
		env->rflags &= ~X86_EFLAGS_IF;
	} else {
		if (!(env->rflags & X86_EFLAGS_IF))
			s->shadow_next = 1;
		env->rflags |= X86_EFLAGS_IF;
	}
}

/* ---- far pointer loads ---- */

static void op_lxs(struct interp_cpu *s, struct x86_insn *i)
{
	int seg;
	switch (i->op) {
	case 0xc4: seg = R_ES; break;
	case 0xc5: seg = R_DS; break;
	case MAP_0F + 0xb2: seg = R_SS; break;
	case MAP_0F + 0xb4: seg = R_FS; break;
	default: seg = R_GS; break;
	}
	if (!i->mem)
		x86_raise_ud(s);
	unsigned n = i->opsize;
	uint64_t ea = x86_ea(s, i);
	int es = x86_ea_seg(i);
	uint64_t off = x86_mem_read(s, es, ea, n);
	uint16_t sel = x86_mem_read(s, es, (ea + n) & size_mask(i->addrsize), 2);
	x86_load_seg(s, seg, sel);
	x86_set_gpr(s, i->reg, n, off);
}

/* ---- group 6: sldt str lldt ltr verr verw ---- */

static void store_sel(struct interp_cpu *s, struct x86_insn *i, uint16_t v)
{
	if (i->mem)
		x86_rm_write(s, i, 2, v);
	else
		x86_set_gpr(s, i->rm, i->opsize, v);
}

static void op_grp6(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	unsigned sub = i->reg & 7;
	need_pe(s);
	switch (sub) {
	case 0: store_sel(s, i, env->ldt.selector); return;
	case 1: store_sel(s, i, env->tr.selector); return;
	case 2: case 3: {
		need_cpl0(s);
		uint16_t sel = x86_rm_read(s, i, 2);
		uint64_t d, hi = 0;
		if ((sel & ~3) == 0) {
			if (sub == 3)
				x86_raise_gp(s, 0);
			env->ldt.selector = sel;
			env->ldt.flags = 0;
			env->ldt.base = 0;
			env->ldt.limit = 0;
			return;
		}
		if (sel & 4)
			x86_raise_gp(s, sel & 0xfffc);
		x86_read_descriptor(s, sel, &d, s->lma ? &hi : NULL, EXCP_GP);
		unsigned type = (d >> 40) & 0xf;
		if ((d >> 44) & 1)
			x86_raise_gp(s, sel & 0xfffc);
		if (sub == 2 ? type != 2 : type != 9)
			x86_raise_gp(s, sel & 0xfffc);
		if (!((d >> 47) & 1))
			x86_raise(s, EXCP_NP, sel & 0xfffc);
		struct segment_cache *sc = sub == 2 ? &env->ldt : &env->tr;
		if (sub == 3) {
			d |= 2ULL << 40;
			x86_lin_write_sys(s, env->gdt.base + (sel & ~7) + 5, 1, (d >> 40) & 0xff);
		}
		x86_set_seg_from_desc(sc, sel, d);
		if (s->lma)
			sc->base |= (hi & 0xffffffff) << 32;
		return;
	}
	case 4: case 5: {
		uint16_t sel = x86_rm_read(s, i, 2);
		uint64_t d;
		bool ok = false;
		if ((sel & ~3) && x86_read_descriptor(s, sel, &d, NULL, -1) && ((d >> 44) & 1)) {
			unsigned type = (d >> 40) & 0xf, dpl = (d >> 45) & 3;
			bool conforming_code = (type & 0xc) == 0xc;
			if (conforming_code || (dpl >= s->cpl && dpl >= (sel & 3u))) {
				if (sub == 4)
					ok = !(type & 8) || (type & 2);
				else
					ok = !(type & 8) && (type & 2);
			}
		}
		if (ok)
			env->rflags |= X86_EFLAGS_ZF;
		else
			env->rflags &= ~X86_EFLAGS_ZF;
		return;
	}
	default:
		x86_raise_ud(s);
	}
}

/* lar / lsl */
static void op_larlsl(struct interp_cpu *s, struct x86_insn *i)
{
	need_pe(s);
	uint16_t sel = x86_rm_read(s, i, 2);
	uint64_t d;
	bool ok = false;
	if ((sel & ~3) && x86_read_descriptor(s, sel, &d, NULL, -1)) {
		unsigned type = (d >> 40) & 0xf, dpl = (d >> 45) & 3;
		bool sys = !((d >> 44) & 1);
		bool valid;
		if (sys) {
			static const bool lar_ok[16] = { [1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1,
							 [9] = 1, [11] = 1, [12] = 1 };
			static const bool lsl_ok[16] = { [1] = 1, [2] = 1, [3] = 1, [9] = 1, [11] = 1 };
			valid = i->op == MAP_0F + 2 ? lar_ok[type] : lsl_ok[type];
			if (s->lma && (type == 1 || type == 3 || type == 4 || type == 5))
				valid = false;
		} else {
			valid = true;
		}
		bool conforming_code = !sys && (type & 0xc) == 0xc;
		if (valid && (conforming_code || (dpl >= s->cpl && dpl >= (sel & 3u)))) {
			ok = true;
			if (i->op == MAP_0F + 2) {
				x86_set_gpr(s, i->reg, i->opsize, (d >> 32) & 0x00f0ff00);
			} else {
				uint32_t l = (d & 0xffff) | (((d >> 48) & 0xf) << 16);
				if (d & (1ULL << 55))
					l = (l << 12) | 0xfff;
				x86_set_gpr(s, i->reg, i->opsize, l);
			}
		}
	}
	if (ok)
		s->env->rflags |= X86_EFLAGS_ZF;
	else
		s->env->rflags &= ~X86_EFLAGS_ZF;
}

/* ---- group 7 ---- */

static void op_grp7(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	unsigned sub = i->reg & 7;
	if (!i->mem) {
		switch (i->modrm) {
		case 0xd0:	/* xgetbv */
			if (!(env->cr[4] & CR4_OSXSAVE))
				x86_raise_ud(s);
			if ((uint32_t)env->regs[R_ECX] != 0)
				x86_raise_gp(s, 0);
			x86_set_gpr(s, R_EAX, 4, env->xcr0);
			x86_set_gpr(s, R_EDX, 4, env->xcr0 >> 32);
			return;
		case 0xd1: {	/* xsetbv */
			if (!(env->cr[4] & CR4_OSXSAVE))
				x86_raise_ud(s);
			need_cpl0(s);
			uint64_t v = (uint32_t)env->regs[R_EAX] | (env->regs[R_EDX] << 32);
			if ((uint32_t)env->regs[R_ECX] != 0 || !(v & 1) || (v & ~3ULL))
				x86_raise_gp(s, 0);
			env->xcr0 = v;
			return;
		}
		case 0xf8:	/* swapgs */
			if (s->code_bits != 64)
				x86_raise_ud(s);
			need_cpl0(s);
			{
				uint64_t t = env->segs[R_GS].base;
				env->segs[R_GS].base = env->kernel_gs_base;
				env->kernel_gs_base = t;
			}
			return;
		case 0xf9:	/* rdtscp */
			if ((env->cr[4] & CR4_TSD) && s->cpl)
				x86_raise_gp(s, 0);
			{
				uint64_t t = x86_rdtsc(s);
				x86_set_gpr(s, R_EAX, 4, t);
				x86_set_gpr(s, R_EDX, 4, t >> 32);
				x86_set_gpr(s, R_ECX, 4, env->tsc_aux);
			}
			return;
		}
		if (sub == 4) {
			store_sel(s, i, env->cr[0]);
			return;
		}
		if (sub == 6)
			goto lmsw;
		x86_raise_ud(s);
	}
	switch (sub) {
	case 0: case 1: {	/* sgdt, sidt */
		struct descriptor_table *t = sub ? &env->idt : &env->gdt;
		uint64_t ea = x86_ea(s, i);
		int seg = x86_ea_seg(i);
		unsigned bsz = s->code_bits == 64 ? 8 : 4;
		uint64_t base = t->base;
		if (s->code_bits != 64 && i->opsize == 2)
			base &= 0xffffff;
		x86_mem_write(s, seg, ea, 2, t->limit);
		x86_mem_write(s, seg, (ea + 2) & size_mask(i->addrsize), bsz, base);
		return;
	}
	case 2: case 3: {	/* lgdt, lidt */
		need_cpl0(s);
		struct descriptor_table *t = sub == 3 ? &env->idt : &env->gdt;
		uint64_t ea = x86_ea(s, i);
		int seg = x86_ea_seg(i);
		uint16_t limit = x86_mem_read(s, seg, ea, 2);
		uint64_t base;
		if (s->code_bits == 64) {
			base = x86_mem_read(s, seg, (ea + 2) & size_mask(i->addrsize), 8);
			if (!x86_canonical(base))
				x86_raise_gp(s, 0);
		} else {
			base = x86_mem_read(s, seg, (ea + 2) & size_mask(i->addrsize), 4);
			if (i->opsize == 2)
				base &= 0xffffff;
		}
		t->limit = limit;
		t->base = base;
		return;
	}
	case 4:
		x86_rm_write(s, i, 2, env->cr[0]);
		return;
	case 6:
	lmsw: {
		need_cpl0(s);
		uint16_t v = x86_rm_read(s, i, 2);
		uint64_t cr0 = (env->cr[0] & ~0xeULL) | (v & 0xf);
		cr0 |= env->cr[0] & CR0_PE;	/* lmsw cannot clear PE */
		x86_write_cr(s, 0, cr0);
		return;
	}
	case 7:		/* invlpg */
		need_cpl0(s);
		x86_tlb_flush_page(s, x86_seg_linear(s, x86_ea_seg(i), x86_ea(s, i), 1, false));
		return;
	default:
		x86_raise_ud(s);
	}
}

/* ---- control registers ---- */

#define CR4_SUPPORTED (CR4_VME * 0 | CR4_PVI * 0 | CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | \
		       CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT | \
		       CR4_OSXSAVE | CR4_FSGSBASE * 0)

void x86_write_cr(struct interp_cpu *s, int cr, uint64_t v)
{
	CPUX86State *env = s->env;
	switch (cr) {
	case 0: {
		v |= CR0_ET;
		if (v >> 32)
			x86_raise_gp(s, 0);
		if ((v & CR0_PG) && !(v & CR0_PE))
			x86_raise_gp(s, 0);
		if ((v & CR0_NW) && !(v & CR0_CD))
			x86_raise_gp(s, 0);
		bool pg_on = (v & CR0_PG) && !(env->cr[0] & CR0_PG);
		bool pg_off = !(v & CR0_PG) && (env->cr[0] & CR0_PG);
		if (pg_on && (env->efer & EFER_LME)) {
			if (!(env->cr[4] & CR4_PAE))
				x86_raise_gp(s, 0);
			env->efer |= EFER_LMA;
		}
		if (pg_off && (env->efer & EFER_LMA)) {
			if (s->code_bits == 64)
				x86_raise_gp(s, 0);
			env->efer &= ~EFER_LMA;
		}
		if ((v ^ env->cr[0]) & (CR0_PG | CR0_WP | CR0_PE))
			x86_tlb_flush(s, true);
		env->cr[0] = v;
		break;
	}
	case 2:
		env->cr[2] = v;
		break;
	case 3:
		if (s->lma && (v >> 52))
			x86_raise_gp(s, 0);
		env->cr[3] = s->lma ? v : (uint32_t)v;
		x86_tlb_flush(s, false);
		break;
	case 4:
		if (v & ~(uint64_t)CR4_SUPPORTED)
			x86_raise_gp(s, 0);
		if (s->lma && !(v & CR4_PAE))
			x86_raise_gp(s, 0);
		if ((v ^ env->cr[4]) & (CR4_PAE | CR4_PGE | CR4_PSE))
			x86_tlb_flush(s, true);
		env->cr[4] = v;
		break;
	case 8:
		if (v >> 4)
			x86_raise_gp(s, 0);
		env->cr8 = v;
		if (cpu_apic(s))
			apic_set_cr8(cpu_apic(s), v);
		break;
	default:
		x86_raise_ud(s);
	}
	x86_update_mode(s);
}

static void op_movcr(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	int cr = i->reg;
	need_cpl0(s);
	if (cr == 1 || (cr > 4 && cr != 8))
		x86_raise_ud(s);
	unsigned n = s->code_bits == 64 ? 8 : 4;
	if (i->op == MAP_0F + 0x20) {
		uint64_t v = cr == 8 ? (cpu_apic(s) ? apic_get_cr8(cpu_apic(s)) : env->cr8) : env->cr[cr];
		x86_set_gpr(s, i->rm, n, v);
	} else {
		x86_write_cr(s, cr, s->env->regs[i->rm] & size_mask(n));
		/* mode may have changed: the next instruction is fetched fresh */
	}
}

static void op_movdr(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	int dr = i->reg;
	need_cpl0(s);
	if (dr > 7)
		x86_raise_ud(s);
	if ((dr == 4 || dr == 5)) {
		if (env->cr[4] & CR4_DE)
			x86_raise_ud(s);
		dr += 2;
	}
	unsigned n = s->code_bits == 64 ? 8 : 4;
	if (i->op == MAP_0F + 0x21) {
		uint64_t v = env->dr[dr];
		if (dr == 6)
			v |= 0xffff0ff0;
		if (dr == 7)
			v |= 0x400;
		x86_set_gpr(s, i->rm, n, v);
	} else {
		env->dr[dr] = env->regs[i->rm] & size_mask(n);
		if (dr == 7 && (env->dr[7] & 0xff))
			log_unimp("x86: hardware breakpoints (DR7=%#" PRIx64 ")", env->dr[7]);
	}
}

static void op_clts(struct interp_cpu *s, struct x86_insn *i)
{
	need_cpl0(s);
	s->env->cr[0] &= ~CR0_TS;
}

/* ---- MSRs ---- */

uint64_t x86_rdtsc(struct interp_cpu *s)
{
	int64_t ns = s->mem && s->mem->clock_ns ? s->mem->clock_ns(s->mem_opaque) : (int64_t)s->insn_count;
	return (uint64_t)(ns + s->tsc_offset);
}

bool x86_msr_read(struct interp_cpu *s, uint32_t idx, uint64_t *v)
{
	CPUX86State *env = s->env;
	struct apic_state *apic = cpu_apic(s);
	if (apic) {
		if (idx == MSR_IA32_APICBASE) {
			*v = env->apic_base = apic_get_base(apic);
			return true;
		}
		if (idx == MSR_IA32_TSC_DEADLINE) {
			*v = apic_get_tsc_deadline(apic);
			return true;
		}
		if (idx >= 0x800 && idx <= 0x8ff)
			return apic_msr_read(apic, idx, v);
	}
	switch (idx) {
	case MSR_IA32_TSC: *v = x86_rdtsc(s); return true;
	case MSR_IA32_APICBASE: *v = env->apic_base; return true;
	case MSR_IA32_FEATURE_CONTROL: *v = env->feature_control; return true;
	case MSR_IA32_TSC_ADJUST: *v = env->tsc_adjust; return true;
	case MSR_IA32_SYSENTER_CS: *v = env->sysenter_cs; return true;
	case MSR_IA32_SYSENTER_ESP: *v = env->sysenter_esp; return true;
	case MSR_IA32_SYSENTER_EIP: *v = env->sysenter_eip; return true;
	case MSR_IA32_MISC_ENABLE: *v = env->misc_enable; return true;
	case MSR_IA32_PAT: *v = env->pat; return true;
	case MSR_IA32_TSC_DEADLINE: *v = env->tsc_deadline; return true;
	case MSR_EFER: *v = env->efer; return true;
	case MSR_STAR: *v = env->star; return true;
	case MSR_LSTAR: *v = env->lstar; return true;
	case MSR_CSTAR: *v = env->cstar; return true;
	case MSR_FMASK: *v = env->fmask; return true;
	case MSR_FSBASE: *v = env->segs[R_FS].base; return true;
	case MSR_GSBASE: *v = env->segs[R_GS].base; return true;
	case MSR_KERNELGSBASE: *v = env->kernel_gs_base; return true;
	case MSR_TSC_AUX: *v = env->tsc_aux; return true;
	case 0x17: *v = 0; return true;			/* IA32_PLATFORM_ID */
	case 0x8b: *v = 0x100000000ULL; return true;	/* IA32_BIOS_SIGN_ID: microcode rev */
	case 0xfe: *v = 0x508; return true;		/* MTRRcap: 8 variable, fixed, WC */
	case 0x179: case 0x17a: *v = 0; return true;	/* MCG_CAP, MCG_STATUS */
	case 0x2ff: *v = env->mtrr_deftype; return true;
	case 0x250: *v = env->mtrr_fixed[0]; return true;
	case 0x258: case 0x259: *v = env->mtrr_fixed[idx - 0x258 + 1]; return true;
	case 0x268 ... 0x26f: *v = env->mtrr_fixed[idx - 0x268 + 3]; return true;
	case 0x200 ... 0x20f: *v = env->mtrr_var[idx - 0x200]; return true;
	}
	return false;
}

bool x86_msr_write(struct interp_cpu *s, uint32_t idx, uint64_t v)
{
	CPUX86State *env = s->env;
	struct apic_state *apic = cpu_apic(s);
	if (apic) {
		if (idx == MSR_IA32_APICBASE) {
			if (!apic_set_base(apic, v))
				return false;
			env->apic_base = apic_get_base(apic);
			return true;
		}
		if (idx == MSR_IA32_TSC_DEADLINE) {
			apic_set_tsc_deadline(apic, v, x86_rdtsc(s));
			return true;
		}
		if (idx >= 0x800 && idx <= 0x8ff)
			return apic_msr_write(apic, idx, v);
	}
	switch (idx) {
	case MSR_IA32_TSC:
		s->tsc_offset = v - (x86_rdtsc(s) - s->tsc_offset);
		return true;
	case MSR_IA32_APICBASE:
		env->apic_base = (v & ~0x2ffULL) | (env->apic_base & MSR_IA32_APICBASE_BSP);
		if (v & MSR_IA32_APICBASE_X2APIC)
			return false;
		return true;
	case MSR_IA32_FEATURE_CONTROL: env->feature_control = v; return true;
	case MSR_IA32_TSC_ADJUST: env->tsc_adjust = v; return true;
	case MSR_IA32_SYSENTER_CS: env->sysenter_cs = v & 0xffffffff; return true;
	case MSR_IA32_SYSENTER_ESP: env->sysenter_esp = v; return true;
	case MSR_IA32_SYSENTER_EIP: env->sysenter_eip = v; return true;
	case MSR_IA32_MISC_ENABLE: env->misc_enable = v; return true;
	case MSR_IA32_PAT: env->pat = v; return true;
	case MSR_IA32_TSC_DEADLINE: env->tsc_deadline = v; return true;
	case MSR_EFER: {
		uint64_t ok = EFER_SCE | EFER_LME | EFER_NXE;
		if (v & ~(ok | EFER_LMA))
			return false;
		if ((env->cr[0] & CR0_PG) && ((v ^ env->efer) & EFER_LME))
			return false;
		if ((v ^ env->efer) & EFER_NXE)
			x86_tlb_flush(s, true);
		env->efer = (v & ok) | (env->efer & EFER_LMA);
		return true;
	}
	case MSR_STAR: env->star = v; return true;
	case MSR_LSTAR: if (!x86_canonical(v)) return false; env->lstar = v; return true;
	case MSR_CSTAR: if (!x86_canonical(v)) return false; env->cstar = v; return true;
	case MSR_FMASK: env->fmask = v & 0xffffffff; return true;
	case MSR_FSBASE: if (!x86_canonical(v)) return false; env->segs[R_FS].base = v; return true;
	case MSR_GSBASE: if (!x86_canonical(v)) return false; env->segs[R_GS].base = v; return true;
	case MSR_KERNELGSBASE: if (!x86_canonical(v)) return false; env->kernel_gs_base = v; return true;
	case MSR_TSC_AUX: env->tsc_aux = v & 0xffffffff; return true;
	case 0x8b: case 0x179: case 0x17a: return true;
	case 0x2ff: env->mtrr_deftype = v; return true;
	case 0x250: env->mtrr_fixed[0] = v; return true;
	case 0x258: case 0x259: env->mtrr_fixed[idx - 0x258 + 1] = v; return true;
	case 0x268 ... 0x26f: env->mtrr_fixed[idx - 0x268 + 3] = v; return true;
	case 0x200 ... 0x20f: env->mtrr_var[idx - 0x200] = v; return true;
	}
	return false;
}

static void op_msr(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	uint32_t idx = env->regs[R_ECX];
	need_cpl0(s);
	if (i->op == MAP_0F + 0x30) {
		uint64_t v = (uint32_t)env->regs[R_EAX] | (env->regs[R_EDX] << 32);
		if (!x86_msr_write(s, idx, v)) {
			log_unimp("x86: wrmsr %#x <- %#" PRIx64, idx, v);
			x86_raise_gp(s, 0);
		}
		x86_update_mode(s);
	} else {
		uint64_t v;
		if (!x86_msr_read(s, idx, &v)) {
			log_unimp("x86: rdmsr %#x", idx);
			x86_raise_gp(s, 0);
		}
		x86_set_gpr(s, R_EAX, 4, v);
		x86_set_gpr(s, R_EDX, 4, v >> 32);
	}
}

static void op_rdtsc(struct interp_cpu *s, struct x86_insn *i)
{
	if ((s->env->cr[4] & CR4_TSD) && s->cpl && x86_pe(s))
		x86_raise_gp(s, 0);
	uint64_t t = x86_rdtsc(s);
	x86_set_gpr(s, R_EAX, 4, t);
	x86_set_gpr(s, R_EDX, 4, t >> 32);
}

static void op_rdpmc(struct interp_cpu *s, struct x86_insn *i)
{
	if (s->cpl && !(s->env->cr[4] & CR4_PCE))
		x86_raise_gp(s, 0);
	x86_raise_gp(s, 0);	/* no performance counters */
}

static void op_cpuid(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	uint32_t out[4];
	if (!s->cpu->cpuid) {
		s->cpu->cpuid = x86_cpuid_new(s->cpu->model ? s->cpu->model : "qemu64", NULL);
		if (!s->cpu->cpuid)
			s->cpu->cpuid = x86_cpuid_new("qemu64", NULL);
	}
	x86_cpuid_lookup(s->cpu->cpuid, env->regs[R_EAX], env->regs[R_ECX], out);
	if ((uint32_t)env->regs[R_EAX] == 1) {
		if (env->cr[4] & CR4_OSXSAVE)
			out[2] |= 1u << 27;
		if (!(env->apic_base & MSR_IA32_APICBASE_ENABLE))
			out[3] &= ~(1u << 9);
	}
	x86_set_gpr(s, R_EAX, 4, out[0]);
	x86_set_gpr(s, R_EBX, 4, out[1]);
	x86_set_gpr(s, R_ECX, 4, out[2]);
	x86_set_gpr(s, R_EDX, 4, out[3]);
}

static void op_fastcall(struct interp_cpu *s, struct x86_insn *i)
{
	switch (i->op & 0xff) {
	case 0x05:
		if (!s->lma && !x86_pe(s))
			x86_raise_ud(s);
		x86_syscall(s);
		break;
	case 0x07: x86_sysret(s); break;
	case 0x34: x86_sysenter(s); break;
	case 0x35: x86_sysexit(s); break;
	}
}

static void op_nop_m(struct interp_cpu *s, struct x86_insn *i)
{
	/* hint NOPs (0F 18-1F), prefetch (0F 0D), invd/wbinvd */
	if (i->op == MAP_0F + 0x08 || i->op == MAP_0F + 0x09)
		need_cpl0(s);
}

static void op_ud2(struct interp_cpu *s, struct x86_insn *i)
{
	x86_raise_ud(s);
}

void x86_cmpxchg8b(struct interp_cpu *s, struct x86_insn *i);

static void op_grp9(struct interp_cpu *s, struct x86_insn *i)
{
	if ((i->reg & 7) == 1 && i->mem) {
		x86_cmpxchg8b(s, i);
		return;
	}
	x86_raise_ud(s);
}

void x86_system_register(void)
{
	x86_handler *h = x86_handlers;
	for (int k = 0xe4; k <= 0xe7; k++)
		h[k] = op_inout;
	for (int k = 0xec; k <= 0xef; k++)
		h[k] = op_inout;
	h[0xf4] = op_hlt;
	h[0xfa] = h[0xfb] = op_cli_sti;
	h[0xc4] = h[0xc5] = op_lxs;
	h[MAP_0F + 0xb2] = h[MAP_0F + 0xb4] = h[MAP_0F + 0xb5] = op_lxs;
	h[MAP_0F + 0x00] = op_grp6;
	h[MAP_0F + 0x01] = op_grp7;
	h[MAP_0F + 0x02] = h[MAP_0F + 0x03] = op_larlsl;
	h[MAP_0F + 0x06] = op_clts;
	h[MAP_0F + 0x20] = h[MAP_0F + 0x22] = op_movcr;
	h[MAP_0F + 0x21] = h[MAP_0F + 0x23] = op_movdr;
	h[MAP_0F + 0x30] = h[MAP_0F + 0x32] = op_msr;
	h[MAP_0F + 0x31] = op_rdtsc;
	h[MAP_0F + 0x33] = op_rdpmc;
	h[MAP_0F + 0xa2] = op_cpuid;
	h[MAP_0F + 0x05] = h[MAP_0F + 0x07] = h[MAP_0F + 0x34] = h[MAP_0F + 0x35] = op_fastcall;
	h[MAP_0F + 0x08] = h[MAP_0F + 0x09] = h[MAP_0F + 0x0d] = op_nop_m;
	for (int k = 0x18; k <= 0x1f; k++)
		h[MAP_0F + k] = op_nop_m;
	h[MAP_0F + 0x0b] = h[MAP_0F + 0xb9] = h[MAP_0F + 0xff] = op_ud2;
	h[MAP_0F + 0xc7] = op_grp9;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The x86 vCPU device (TYPE_X86_CPU) and its power-on/reset state, from
 * SDM vol. 3A §9.1.1 table 9-1. Boards create one per -smp CPU; the
 * accelerator runs it. Not here: CPUID (cpuid.c), execution (exec.c).
 */
#include "kemu/common.h"
#include "target/i386/cpu.h"
#include "target/i386/interp.h"

static void seg_reset(struct segment_cache *sc, uint16_t sel, uint64_t base, uint32_t type)
{
	sc->selector = sel;
	sc->base = base;
	sc->limit = 0xffff;
	sc->flags = SEG_P | SEG_S | (type << SEG_TYPE_SHIFT);
}

void x86_cpu_reset(struct x86_cpu *cpu)
{
	CPUX86State *env = &cpu->env;
	uint64_t apic_bsp = cpu->cpu_index == 0 ? MSR_IA32_APICBASE_BSP : 0;

	memset(env, 0, sizeof(*env));
	env->rflags = X86_EFLAGS_FIXED;
	env->rip = 0xfff0;
	env->regs[R_EDX] = 0x663;	/* family 6 model 6 stepping 3, as CPUID leaf 1 */
	env->cr[0] = CR0_ET | CR0_CD | CR0_NW;
	seg_reset(&env->segs[R_CS], 0xf000, 0xffff0000, 0xb);
	for (int s = 0; s < 6; s++)
		if (s != R_CS)
			seg_reset(&env->segs[s], 0, 0, 0x3);
	env->gdt.limit = 0xffff;
	env->idt.limit = 0xffff;
	env->ldt.limit = 0xffff;
	env->ldt.flags = SEG_P | (2 << SEG_TYPE_SHIFT);
	env->tr.limit = 0xffff;
	env->tr.flags = SEG_P | (0xb << SEG_TYPE_SHIFT);
	env->dr[6] = 0xffff0ff0;
	env->dr[7] = 0x400;
	env->fpu_control = 0x40;
	env->fpu_tag = 0xffff;
	env->mxcsr = 0x1f80;
	env->xcr0 = 1;
	env->apic_base = 0xfee00000 | MSR_IA32_APICBASE_ENABLE | apic_bsp;
	env->pat = 0x0007040600070406ULL;
	env->a20_mask = ~0ULL;
	env->injected_irq = -1;
	if (!apic_bsp && cpu->cpu_index > 0) {
		env->wait_for_sipi = true;
		env->halted = true;
	}
	interp_tlb_flush(cpu);
	log_mask(LOG_RESET, "x86: CPU %d reset\n", cpu->cpu_index);
}

static void x86_cpu_dev_reset(struct device *dev)
{
	x86_cpu_reset(X86_CPU(dev));
}

static void x86_cpu_finalize(struct object *obj)
{
	struct x86_cpu *cpu = X86_CPU(obj);
	interp_cpu_destroy(cpu);
	g_free(cpu->model);
}

DEFINE_DEVICE_TYPE(x86_cpu, TYPE_X86_CPU, TYPE_DEVICE, struct x86_cpu,
		   .reset = x86_cpu_dev_reset, .instance_finalize = x86_cpu_finalize,
		   .no_user = true, .desc = "x86-64 CPU")

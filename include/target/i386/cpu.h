/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 CPU: one architectural state (CPUX86State) shared by every
 * accelerator, and the vCPU device object that carries it.
 *
 * CPUX86State holds what the architecture defines, in the form the Intel SDM
 * describes it (segment descriptor caches, control registers, MSRs, x87/SSE
 * state), so that it converts both ways to KVM's kvm_regs/kvm_sregs/
 * kvm_fpu/kvm_xsave/kvm_msrs/kvm_vcpu_events (accel/kvm/kvm-cpu-state.c) and
 * the monitor, gdbstub and snapshots see one thing whatever the accelerator.
 * The interpreter may cache derived values (lazy flags, decoded-code cache,
 * TLB) in struct interp_cpu, but folds them back into this state whenever
 * anyone else looks (x86_cpu_sync_state()).
 *
 * Segment attributes use the descriptor layout: bits 8..15 of `flags` are
 * descriptor bits 40..47 (type, S, DPL, P) and bits 20..23 are descriptor
 * bits 52..55 (AVL, L, D/B, G), as the SDM vol. 3A §3.4.5 draws them, so
 * (flags >> 8) & 0xff is the access byte and flags & SEG_L is the L bit.
 */
#ifndef TARGET_I386_CPU_H
#define TARGET_I386_CPU_H

#include "kemu/common.h"
#include "hw/device.h"
#include "system/debug.h"

enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI,
       R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15 };
enum { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS };

/* RFLAGS bits, SDM vol. 1 §3.4.3 */
#define X86_EFLAGS_CF	0x00000001
#define X86_EFLAGS_FIXED 0x00000002
#define X86_EFLAGS_PF	0x00000004
#define X86_EFLAGS_AF	0x00000010
#define X86_EFLAGS_ZF	0x00000040
#define X86_EFLAGS_SF	0x00000080
#define X86_EFLAGS_TF	0x00000100
#define X86_EFLAGS_IF	0x00000200
#define X86_EFLAGS_DF	0x00000400
#define X86_EFLAGS_OF	0x00000800
#define X86_EFLAGS_IOPL	0x00003000
#define X86_EFLAGS_NT	0x00004000
#define X86_EFLAGS_RF	0x00010000
#define X86_EFLAGS_VM	0x00020000
#define X86_EFLAGS_AC	0x00040000
#define X86_EFLAGS_VIF	0x00080000
#define X86_EFLAGS_VIP	0x00100000
#define X86_EFLAGS_ID	0x00200000

/* Segment attribute bits in struct segment_cache.flags (see above). */
#define SEG_TYPE_SHIFT	8
#define SEG_TYPE_MASK	(0xf << 8)
#define SEG_S		(1 << 12)
#define SEG_DPL_SHIFT	13
#define SEG_DPL_MASK	(3 << 13)
#define SEG_P		(1 << 15)
#define SEG_AVL		(1 << 20)
#define SEG_L		(1 << 21)
#define SEG_DB		(1 << 22)
#define SEG_G		(1 << 23)

/* Control registers, SDM vol. 3A §2.5 */
#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_ET (1u << 4)
#define CR0_NE (1u << 5)
#define CR0_WP (1u << 16)
#define CR0_AM (1u << 18)
#define CR0_NW (1u << 29)
#define CR0_CD (1u << 30)
#define CR0_PG (1u << 31)

#define CR4_VME (1u << 0)
#define CR4_PVI (1u << 1)
#define CR4_TSD (1u << 2)
#define CR4_DE  (1u << 3)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_MCE (1u << 6)
#define CR4_PGE (1u << 7)
#define CR4_PCE (1u << 8)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_UMIP (1u << 11)
#define CR4_LA57 (1u << 12)
#define CR4_FSGSBASE (1u << 16)
#define CR4_PCIDE (1u << 17)
#define CR4_OSXSAVE (1u << 18)
#define CR4_SMEP (1u << 20)
#define CR4_SMAP (1u << 21)

#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)
#define EFER_NXE (1u << 11)

/* MSRs kemu keeps in CPUX86State (SDM vol. 4) */
#define MSR_IA32_TSC			0x10
#define MSR_IA32_APICBASE		0x1b
#define MSR_IA32_FEATURE_CONTROL	0x3a
#define MSR_IA32_TSC_ADJUST		0x3b
#define MSR_IA32_SYSENTER_CS		0x174
#define MSR_IA32_SYSENTER_ESP		0x175
#define MSR_IA32_SYSENTER_EIP		0x176
#define MSR_IA32_MISC_ENABLE		0x1a0
#define MSR_IA32_PAT			0x277
#define MSR_IA32_TSC_DEADLINE		0x6e0
#define MSR_EFER			0xc0000080
#define MSR_STAR			0xc0000081
#define MSR_LSTAR			0xc0000082
#define MSR_CSTAR			0xc0000083
#define MSR_FMASK			0xc0000084
#define MSR_FSBASE			0xc0000100
#define MSR_GSBASE			0xc0000101
#define MSR_KERNELGSBASE		0xc0000102
#define MSR_TSC_AUX			0xc0000103

#define MSR_IA32_APICBASE_BSP		(1ULL << 8)
#define MSR_IA32_APICBASE_X2APIC	(1ULL << 10)
#define MSR_IA32_APICBASE_ENABLE	(1ULL << 11)

struct segment_cache {
	uint16_t selector;
	uint64_t base;
	uint32_t limit;			/* byte granular, already scaled by G */
	uint32_t flags;
};

struct descriptor_table {
	uint64_t base;
	uint16_t limit;
};

/* x87 register: 80-bit extended precision, SDM vol. 1 §4.2.2 */
struct floatx80 {
	uint64_t mantissa;
	uint16_t sign_exponent;
};

union xmm_reg {
	uint8_t b[16];
	uint16_t w[8];
	uint32_t l[4];
	uint64_t q[2];
};

typedef struct CPUX86State {
	uint64_t regs[16];
	uint64_t rip;
	uint64_t rflags;

	struct segment_cache segs[6];
	struct segment_cache ldt;
	struct segment_cache tr;
	struct descriptor_table gdt;
	struct descriptor_table idt;

	uint64_t cr[5];			/* cr0, (cr1 unused), cr2, cr3, cr4 */
	uint64_t cr8;			/* TPR as seen through CR8 */
	uint64_t dr[8];
	uint64_t efer;
	uint64_t xcr0;

	/* x87, in architectural (FXSAVE-like) form; st[i] is physical register i */
	uint16_t fpu_control;
	uint16_t fpu_status;		/* TOP is bits 11..13 */
	uint16_t fpu_tag;		/* full 16-bit tag word, 2 bits per register */
	uint16_t fpu_opcode;
	uint64_t fpu_ip;
	uint64_t fpu_dp;
	uint16_t fpu_cs, fpu_ds;
	struct floatx80 st[8];

	union xmm_reg xmm[16];
	union xmm_reg ymmh[16];		/* upper halves when AVX is exposed (KVM only) */
	uint32_t mxcsr;

	/* MSRs */
	uint64_t apic_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t star, lstar, cstar, fmask, kernel_gs_base;
	uint64_t tsc;			/* value at the last sync */
	uint64_t tsc_aux;
	uint64_t tsc_adjust;
	uint64_t tsc_deadline;
	uint64_t pat;
	uint64_t misc_enable;
	uint64_t feature_control;
	uint64_t mtrr_deftype;
	uint64_t mtrr_fixed[11];
	uint64_t mtrr_var[16];		/* base/mask pairs */

	/* Pending events, as KVM's kvm_vcpu_events describes them */
	bool halted;
	uint8_t interrupt_shadow;	/* 1: sti, 2: mov ss */
	bool nmi_pending;
	bool nmi_masked;
	bool exception_pending;
	uint8_t exception_nr;
	bool exception_has_error_code;
	uint32_t exception_error_code;
	int32_t injected_irq;		/* -1 if none */
	bool wait_for_sipi;		/* an AP after INIT, before SIPI */
	uint64_t a20_mask;		/* ~(1 << 20) while the A20 gate is closed */
	uint8_t sipi_vector;		/* set by the LAPIC with CPU_INTERRUPT_SIPI */
} CPUX86State;

/* Reasons to leave the execution loop, set by other threads (cpu_interrupt). */
#define CPU_INTERRUPT_HARD	0x01	/* a maskable interrupt is pending */
#define CPU_INTERRUPT_NMI	0x02
#define CPU_INTERRUPT_INIT	0x04
#define CPU_INTERRUPT_SIPI	0x08
#define CPU_INTERRUPT_EXIT	0x10	/* pause, debug, TLB flush: just leave */
#define CPU_INTERRUPT_SMI	0x20
#define CPU_INTERRUPT_TLB_FLUSH	0x40	/* memory topology changed */

struct x86_cpu;

/*
 * The interrupt controller the CPU asks for a vector when HARD is pending
 * (the LAPIC, or the PIC when the LAPIC is disabled). Set by the board.
 */
struct x86_cpu_irq_source {
	/* Vector to deliver, or -1 if nothing is deliverable after all. */
	int (*get_interrupt)(void *opaque, struct x86_cpu *cpu);
	void *opaque;
};

struct x86_cpu {
	struct device parent;
	CPUX86State env;
	int cpu_index;
	uint32_t apic_id;
	char *model;			/* "qemu64", "max", "host" */
	struct machine_state *machine;

	/* CPUID configuration: the leaves the guest sees (target/i386/cpuid.c) */
	struct x86_cpuid *cpuid;

	struct x86_cpu_irq_source irq_source;
	struct object *apic;		/* kemu's LAPIC when kernel-irqchip != on */

	/* Run control (system/cpus.c) */
	GThread *thread;
	int interrupt_request;		/* CPU_INTERRUPT_*, atomic */
	bool stop;			/* asked to pause */
	bool stopped;			/* is paused */
	bool created;
	bool unplug;
	int exit_request;		/* atomic: leave KVM_RUN / interp loop now */

	/* Debugging requests from the gdbstub (system/debug.h) */
	struct debug_points *debug_points;	/* NULL: no breakpoint or watchpoint */
	unsigned debug_gen;		/* bumped when they or singlestep change */
	bool singlestep;		/* one instruction, interrupts held, then EXEC_DEBUG */
	struct debug_stop debug_stop;	/* why vcpu_exec last returned EXEC_DEBUG */

	void *accel;			/* accelerator's per-vCPU state */
	/* Software CPU state (TLB, decoded code), also used by KVM's fallback. */
	struct interp_cpu *interp;
};

#define TYPE_X86_CPU "x86-cpu"
#define X86_CPU(obj) OBJECT_CHECK(struct x86_cpu, (obj), TYPE_X86_CPU)

/* Set interrupt_request bits and make the vCPU thread look at them. */
void cpu_interrupt(struct x86_cpu *cpu, int mask);
void cpu_reset_interrupt(struct x86_cpu *cpu, int mask);
/* Reset to the power-on state, SDM vol. 3A §9.1.1 table 9-1. */
void x86_cpu_reset(struct x86_cpu *cpu);

#endif

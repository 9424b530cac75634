// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Conversion between CPUX86State and KVM's vCPU state structures
 * (kvm_regs, kvm_sregs, kvm_fpu, kvm_xsave, MSR entries, kvm_vcpu_events,
 * kvm_debugregs, mp_state). Pure functions, no ioctls: see kvm-cpu-state.h.
 * Layouts: linux/kvm.h and asm/kvm.h; FXSAVE/XSAVE areas from the SDM
 * vol. 1 §10.5.1 (table 10-2) and §13.4.
 */
#include "kemu/common.h"
#include "accel/kvm/kvm-cpu-state.h"
#include "accel/kvm/kvm-int.h"

void kvm_regs_from_env(struct kvm_regs *r, const CPUX86State *env)
{
	memset(r, 0, sizeof(*r));
	r->rax = env->regs[R_EAX];
	r->rbx = env->regs[R_EBX];
	r->rcx = env->regs[R_ECX];
	r->rdx = env->regs[R_EDX];
	r->rsi = env->regs[R_ESI];
	r->rdi = env->regs[R_EDI];
	r->rsp = env->regs[R_ESP];
	r->rbp = env->regs[R_EBP];
	r->r8 = env->regs[R_R8];
	r->r9 = env->regs[R_R9];
	r->r10 = env->regs[R_R10];
	r->r11 = env->regs[R_R11];
	r->r12 = env->regs[R_R12];
	r->r13 = env->regs[R_R13];
	r->r14 = env->regs[R_R14];
	r->r15 = env->regs[R_R15];
	r->rip = env->rip;
	r->rflags = env->rflags | X86_EFLAGS_FIXED;
}

void env_from_kvm_regs(CPUX86State *env, const struct kvm_regs *r)
{
	env->regs[R_EAX] = r->rax;
	env->regs[R_EBX] = r->rbx;
	env->regs[R_ECX] = r->rcx;
	env->regs[R_EDX] = r->rdx;
	env->regs[R_ESI] = r->rsi;
	env->regs[R_EDI] = r->rdi;
	env->regs[R_ESP] = r->rsp;
	env->regs[R_EBP] = r->rbp;
	env->regs[R_R8] = r->r8;
	env->regs[R_R9] = r->r9;
	env->regs[R_R10] = r->r10;
	env->regs[R_R11] = r->r11;
	env->regs[R_R12] = r->r12;
	env->regs[R_R13] = r->r13;
	env->regs[R_R14] = r->r14;
	env->regs[R_R15] = r->r15;
	env->rip = r->rip;
	env->rflags = r->rflags;
}

/*
 * A segment that is not present is "unusable" for VMX (what KVM checks on
 * entry); a null selector loaded in protected mode is the common case.
 */
void kvm_segment_from_cache(struct kvm_segment *ks, const struct segment_cache *sc)
{
	uint32_t f = sc->flags;

	memset(ks, 0, sizeof(*ks));
	ks->base = sc->base;
	ks->limit = sc->limit;
	ks->selector = sc->selector;
	ks->type = (f & SEG_TYPE_MASK) >> SEG_TYPE_SHIFT;
	ks->s = !!(f & SEG_S);
	ks->dpl = (f & SEG_DPL_MASK) >> SEG_DPL_SHIFT;
	ks->present = !!(f & SEG_P);
	ks->avl = !!(f & SEG_AVL);
	ks->l = !!(f & SEG_L);
	ks->db = !!(f & SEG_DB);
	ks->g = !!(f & SEG_G);
	ks->unusable = !ks->present;
}

void segment_cache_from_kvm(struct segment_cache *sc, const struct kvm_segment *ks)
{
	sc->base = ks->base;
	sc->limit = ks->limit;
	sc->selector = ks->selector;
	sc->flags = ((uint32_t)ks->type << SEG_TYPE_SHIFT) |
		    (ks->s ? SEG_S : 0) |
		    ((uint32_t)ks->dpl << SEG_DPL_SHIFT) |
		    (ks->present && !ks->unusable ? SEG_P : 0) |
		    (ks->avl ? SEG_AVL : 0) |
		    (ks->l ? SEG_L : 0) |
		    (ks->db ? SEG_DB : 0) |
		    (ks->g ? SEG_G : 0);
}

void kvm_sregs_from_env(struct kvm_sregs *s, const CPUX86State *env)
{
	memset(s, 0, sizeof(*s));
	kvm_segment_from_cache(&s->cs, &env->segs[R_CS]);
	kvm_segment_from_cache(&s->ds, &env->segs[R_DS]);
	kvm_segment_from_cache(&s->es, &env->segs[R_ES]);
	kvm_segment_from_cache(&s->fs, &env->segs[R_FS]);
	kvm_segment_from_cache(&s->gs, &env->segs[R_GS]);
	kvm_segment_from_cache(&s->ss, &env->segs[R_SS]);
	kvm_segment_from_cache(&s->tr, &env->tr);
	kvm_segment_from_cache(&s->ldt, &env->ldt);
	s->gdt.base = env->gdt.base;
	s->gdt.limit = env->gdt.limit;
	s->idt.base = env->idt.base;
	s->idt.limit = env->idt.limit;
	s->cr0 = env->cr[0];
	s->cr2 = env->cr[2];
	s->cr3 = env->cr[3];
	s->cr4 = env->cr[4];
	s->cr8 = env->cr8;
	s->efer = env->efer;
	s->apic_base = env->apic_base;
	/* An external interrupt KVM had injected but not yet delivered. */
	if (env->injected_irq >= 0 && env->injected_irq < 256)
		s->interrupt_bitmap[env->injected_irq / 64] |= 1ULL << (env->injected_irq % 64);
}

void env_from_kvm_sregs(CPUX86State *env, const struct kvm_sregs *s)
{
	segment_cache_from_kvm(&env->segs[R_CS], &s->cs);
	segment_cache_from_kvm(&env->segs[R_DS], &s->ds);
	segment_cache_from_kvm(&env->segs[R_ES], &s->es);
	segment_cache_from_kvm(&env->segs[R_FS], &s->fs);
	segment_cache_from_kvm(&env->segs[R_GS], &s->gs);
	segment_cache_from_kvm(&env->segs[R_SS], &s->ss);
	segment_cache_from_kvm(&env->tr, &s->tr);
	segment_cache_from_kvm(&env->ldt, &s->ldt);
	env->gdt.base = s->gdt.base;
	env->gdt.limit = s->gdt.limit;
	env->idt.base = s->idt.base;
	env->idt.limit = s->idt.limit;
	env->cr[0] = s->cr0;
	env->cr[2] = s->cr2;
	env->cr[3] = s->cr3;
	env->cr[4] = s->cr4;
	env->cr8 = s->cr8;
	env->efer = s->efer;
	env->apic_base = s->apic_base;
	env->injected_irq = -1;
	for (int i = 0; i < 4; i++) {
		if (s->interrupt_bitmap[i]) {
			env->injected_irq = i * 64 + __builtin_ctzll(s->interrupt_bitmap[i]);
			break;
		}
	}
}

/* ---- x87 / SSE ---- */

uint8_t x87_tag_word_to_abridged(uint16_t tag)
{
	uint8_t ftw = 0;

	for (int i = 0; i < 8; i++)
		if (((tag >> (2 * i)) & 3) != 3)
			ftw |= 1u << i;
	return ftw;
}

/* Tag of a non-empty register from its contents, SDM vol. 1 §8.1.7. */
static unsigned x87_tag_of(const struct floatx80 *f)
{
	uint16_t exp = f->sign_exponent & 0x7fff;

	if (exp == 0x7fff)
		return 2;				/* special: inf, NaN */
	if (exp == 0)
		return f->mantissa ? 2 : 1;		/* denormal : zero */
	return (f->mantissa >> 63) ? 0 : 2;		/* valid : unnormal */
}

uint16_t x87_abridged_to_tag_word(uint8_t ftw, const struct floatx80 st[8], unsigned top)
{
	uint16_t tag = 0;

	(void)top;	/* both the abridged byte and st[] are by physical register */
	for (int i = 0; i < 8; i++) {
		unsigned t = (ftw & (1u << i)) ? x87_tag_of(&st[i]) : 3;
		tag |= t << (2 * i);
	}
	return tag;
}

static unsigned x87_top(const CPUX86State *env)
{
	return (env->fpu_status >> 11) & 7;
}

static void floatx80_store(uint8_t *p, const struct floatx80 *f)
{
	memset(p, 0, 16);
	stq_le_p(p, f->mantissa);
	stw_le_p(p + 8, f->sign_exponent);
}

static void floatx80_load(struct floatx80 *f, const uint8_t *p)
{
	f->mantissa = ldq_le_p(p);
	f->sign_exponent = lduw_le_p(p + 8);
}

void kvm_fpu_from_env(struct kvm_fpu *fpu, const CPUX86State *env)
{
	unsigned top = x87_top(env);

	memset(fpu, 0, sizeof(*fpu));
	fpu->fcw = env->fpu_control;
	fpu->fsw = env->fpu_status;
	fpu->ftwx = x87_tag_word_to_abridged(env->fpu_tag);
	fpu->last_opcode = env->fpu_opcode;
	fpu->last_ip = env->fpu_ip;
	fpu->last_dp = env->fpu_dp;
	for (int j = 0; j < 8; j++)
		floatx80_store(fpu->fpr[j], &env->st[(top + j) & 7]);
	for (int i = 0; i < 16; i++)
		memcpy(fpu->xmm[i], env->xmm[i].b, 16);
	fpu->mxcsr = env->mxcsr;
}

void env_from_kvm_fpu(CPUX86State *env, const struct kvm_fpu *fpu)
{
	unsigned top;

	env->fpu_control = fpu->fcw;
	env->fpu_status = fpu->fsw;
	top = x87_top(env);
	env->fpu_opcode = fpu->last_opcode;
	env->fpu_ip = fpu->last_ip;
	env->fpu_dp = fpu->last_dp;
	for (int j = 0; j < 8; j++)
		floatx80_load(&env->st[(top + j) & 7], fpu->fpr[j]);
	env->fpu_tag = x87_abridged_to_tag_word(fpu->ftwx, env->st, top);
	for (int i = 0; i < 16; i++)
		memcpy(env->xmm[i].b, fpu->xmm[i], 16);
	env->mxcsr = fpu->mxcsr;
}

/* Legacy area offsets, 64-bit FXSAVE format (SDM vol. 1 table 10-2). */
enum {
	FXS_FCW = 0, FXS_FSW = 2, FXS_FTW = 4, FXS_FOP = 6, FXS_FIP = 8,
	FXS_FDP = 16, FXS_MXCSR = 24, FXS_MXCSR_MASK = 28, FXS_ST = 32,
	FXS_XMM = 160,
};

void kvm_xsave_from_env(void *buf, const CPUX86State *env)
{
	uint8_t *p = buf;
	unsigned top = x87_top(env);
	uint64_t bv = XSTATE_FP | XSTATE_SSE;

	memset(p, 0, 4096);
	stw_le_p(p + FXS_FCW, env->fpu_control);
	stw_le_p(p + FXS_FSW, env->fpu_status);
	p[FXS_FTW] = x87_tag_word_to_abridged(env->fpu_tag);
	stw_le_p(p + FXS_FOP, env->fpu_opcode);
	stq_le_p(p + FXS_FIP, env->fpu_ip);
	stq_le_p(p + FXS_FDP, env->fpu_dp);
	stl_le_p(p + FXS_MXCSR, env->mxcsr);
	/* MXCSR_MASK is read-only for XRSTOR; KVM ignores it on set. */
	stl_le_p(p + FXS_MXCSR_MASK, 0xffff);
	for (int j = 0; j < 8; j++)
		floatx80_store(p + FXS_ST + 16 * j, &env->st[(top + j) & 7]);
	for (int i = 0; i < 16; i++)
		memcpy(p + FXS_XMM + 16 * i, env->xmm[i].b, 16);
	if (env->xcr0 & XSTATE_YMM) {
		bv |= XSTATE_YMM;
		for (int i = 0; i < 16; i++)
			memcpy(p + XSAVE_YMMH_OFFSET + 16 * i, env->ymmh[i].b, 16);
	}
	stq_le_p(p + XSAVE_HDR_OFFSET, bv);
}

void env_from_kvm_xsave(CPUX86State *env, const void *buf)
{
	const uint8_t *p = buf;
	uint64_t bv = ldq_le_p(p + XSAVE_HDR_OFFSET);
	unsigned top;

	/*
	 * A component whose XSTATE_BV bit is clear is in its initial state
	 * (SDM vol. 1 §13.6) and its save area holds stale data.
	 */
	if (bv & XSTATE_FP) {
		env->fpu_control = lduw_le_p(p + FXS_FCW);
		env->fpu_status = lduw_le_p(p + FXS_FSW);
		env->fpu_opcode = lduw_le_p(p + FXS_FOP);
		env->fpu_ip = ldq_le_p(p + FXS_FIP);
		env->fpu_dp = ldq_le_p(p + FXS_FDP);
		top = x87_top(env);
		for (int j = 0; j < 8; j++)
			floatx80_load(&env->st[(top + j) & 7], p + FXS_ST + 16 * j);
		env->fpu_tag = x87_abridged_to_tag_word(p[FXS_FTW], env->st, top);
	} else {
		env->fpu_control = 0x37f;
		env->fpu_status = 0;
		env->fpu_tag = 0xffff;
		env->fpu_opcode = 0;
		env->fpu_ip = env->fpu_dp = 0;
		memset(env->st, 0, sizeof(env->st));
	}
	/* MXCSR is saved with either the SSE or the AVX component. */
	if (bv & (XSTATE_SSE | XSTATE_YMM))
		env->mxcsr = ldl_le_p(p + FXS_MXCSR);
	else
		env->mxcsr = 0x1f80;
	for (int i = 0; i < 16; i++) {
		if (bv & XSTATE_SSE)
			memcpy(env->xmm[i].b, p + FXS_XMM + 16 * i, 16);
		else
			memset(env->xmm[i].b, 0, 16);
		if (bv & XSTATE_YMM)
			memcpy(env->ymmh[i].b, p + XSAVE_YMMH_OFFSET + 16 * i, 16);
		else
			memset(env->ymmh[i].b, 0, 16);
	}
}

/* ---- MSRs ---- */

#define MSR_MTRRcap		0xfe
#define MSR_MTRRphysBase0	0x200
#define MSR_MTRRfix64K_00000	0x250
#define MSR_MTRRfix16K_80000	0x258
#define MSR_MTRRfix16K_A0000	0x259
#define MSR_MTRRfix4K_C0000	0x268
#define MSR_MTRRdefType		0x2ff

static const uint32_t mtrr_fixed_msrs[11] = {
	MSR_MTRRfix64K_00000, MSR_MTRRfix16K_80000, MSR_MTRRfix16K_A0000,
	0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e, 0x26f,
};

const uint32_t kvm_msr_indices[] = {
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_FMASK, MSR_KERNELGSBASE,
	MSR_FSBASE, MSR_GSBASE,
	MSR_IA32_TSC, MSR_TSC_AUX, MSR_IA32_TSC_ADJUST, MSR_IA32_TSC_DEADLINE,
	MSR_IA32_PAT, MSR_IA32_MISC_ENABLE, MSR_IA32_FEATURE_CONTROL,
	MSR_MTRRdefType,
	MSR_MTRRfix64K_00000, MSR_MTRRfix16K_80000, MSR_MTRRfix16K_A0000,
	0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e, 0x26f,
	0x200, 0x201, 0x202, 0x203, 0x204, 0x205, 0x206, 0x207,
	0x208, 0x209, 0x20a, 0x20b, 0x20c, 0x20d, 0x20e, 0x20f,
};
const unsigned kvm_msr_indices_count = ARRAY_SIZE(kvm_msr_indices);

/* Pointer to the env field that holds MSR index, or NULL. */
static uint64_t *msr_field(CPUX86State *env, uint32_t index)
{
	switch (index) {
	case MSR_IA32_SYSENTER_CS: return &env->sysenter_cs;
	case MSR_IA32_SYSENTER_ESP: return &env->sysenter_esp;
	case MSR_IA32_SYSENTER_EIP: return &env->sysenter_eip;
	case MSR_STAR: return &env->star;
	case MSR_LSTAR: return &env->lstar;
	case MSR_CSTAR: return &env->cstar;
	case MSR_FMASK: return &env->fmask;
	case MSR_KERNELGSBASE: return &env->kernel_gs_base;
	case MSR_FSBASE: return &env->segs[R_FS].base;
	case MSR_GSBASE: return &env->segs[R_GS].base;
	case MSR_IA32_TSC: return &env->tsc;
	case MSR_TSC_AUX: return &env->tsc_aux;
	case MSR_IA32_TSC_ADJUST: return &env->tsc_adjust;
	case MSR_IA32_TSC_DEADLINE: return &env->tsc_deadline;
	case MSR_IA32_PAT: return &env->pat;
	case MSR_IA32_MISC_ENABLE: return &env->misc_enable;
	case MSR_IA32_FEATURE_CONTROL: return &env->feature_control;
	case MSR_EFER: return &env->efer;
	case MSR_IA32_APICBASE: return &env->apic_base;
	case MSR_MTRRdefType: return &env->mtrr_deftype;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(mtrr_fixed_msrs); i++)
		if (index == mtrr_fixed_msrs[i])
			return &env->mtrr_fixed[i];
	if (index >= MSR_MTRRphysBase0 && index < MSR_MTRRphysBase0 + 16)
		return &env->mtrr_var[index - MSR_MTRRphysBase0];
	return NULL;
}

bool kvm_msr_get_from_env(const CPUX86State *env, uint32_t index, uint64_t *value)
{
	uint64_t *f = msr_field((CPUX86State *)env, index);

	if (!f)
		return false;
	*value = *f;
	return true;
}

bool kvm_msr_set_in_env(CPUX86State *env, uint32_t index, uint64_t value)
{
	uint64_t *f = msr_field(env, index);

	if (!f)
		return false;
	*f = value;
	return true;
}

/* ---- events, debug registers, MP state ---- */

void kvm_vcpu_events_from_env(struct kvm_vcpu_events *ev, const CPUX86State *env)
{
	memset(ev, 0, sizeof(*ev));
	ev->exception.injected = env->exception_pending;
	ev->exception.nr = env->exception_nr;
	ev->exception.has_error_code = env->exception_has_error_code;
	ev->exception.error_code = env->exception_error_code;
	ev->interrupt.injected = env->injected_irq >= 0;
	ev->interrupt.nr = env->injected_irq >= 0 ? env->injected_irq : 0;
	/* kemu: 1 = sti, 2 = mov ss; KVM: the other way round */
	ev->interrupt.shadow = ((env->interrupt_shadow & 1) ? KVM_X86_SHADOW_INT_STI : 0) |
			       ((env->interrupt_shadow & 2) ? KVM_X86_SHADOW_INT_MOV_SS : 0);
	ev->nmi.pending = env->nmi_pending;
	ev->nmi.masked = env->nmi_masked;
	ev->flags = KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SHADOW;
}

void env_from_kvm_vcpu_events(CPUX86State *env, const struct kvm_vcpu_events *ev)
{
	env->exception_pending = ev->exception.injected || ev->exception.pending;
	env->exception_nr = ev->exception.nr;
	env->exception_has_error_code = ev->exception.has_error_code;
	env->exception_error_code = ev->exception.error_code;
	env->injected_irq = ev->interrupt.injected ? ev->interrupt.nr : -1;
	env->interrupt_shadow = ((ev->interrupt.shadow & KVM_X86_SHADOW_INT_STI) ? 1 : 0) |
				((ev->interrupt.shadow & KVM_X86_SHADOW_INT_MOV_SS) ? 2 : 0);
	env->nmi_pending = ev->nmi.pending || ev->nmi.injected;
	env->nmi_masked = ev->nmi.masked;
}

void kvm_debugregs_from_env(struct kvm_debugregs *dr, const CPUX86State *env)
{
	memset(dr, 0, sizeof(*dr));
	for (int i = 0; i < 4; i++)
		dr->db[i] = env->dr[i];
	dr->dr6 = env->dr[6];
	dr->dr7 = env->dr[7];
}

void env_from_kvm_debugregs(CPUX86State *env, const struct kvm_debugregs *dr)
{
	for (int i = 0; i < 4; i++)
		env->dr[i] = dr->db[i];
	env->dr[6] = dr->dr6;
	env->dr[7] = dr->dr7;
}

uint32_t kvm_mp_state_from_env(const CPUX86State *env)
{
	if (env->wait_for_sipi)
		return KVM_MP_STATE_INIT_RECEIVED;
	return env->halted ? KVM_MP_STATE_HALTED : KVM_MP_STATE_RUNNABLE;
}

void env_from_kvm_mp_state(CPUX86State *env, uint32_t mp_state)
{
	/* UNINITIALIZED: an AP before INIT; INIT_RECEIVED: after INIT, before SIPI */
	env->wait_for_sipi = mp_state == KVM_MP_STATE_INIT_RECEIVED ||
			     mp_state == KVM_MP_STATE_UNINITIALIZED;
	env->halted = mp_state == KVM_MP_STATE_HALTED;
}

/* ---- which parts changed ---- */

#define RANGE_DIFFERS(a, b, first, end)						\
	(memcmp((const char *)(a) + offsetof(CPUX86State, first),		\
		(const char *)(b) + offsetof(CPUX86State, first),		\
		offsetof(CPUX86State, end) - offsetof(CPUX86State, first)) != 0)
#define FIELD_DIFFERS(a, b, f) (memcmp(&(a)->f, &(b)->f, sizeof((a)->f)) != 0)

unsigned kvm_env_changed_parts(const CPUX86State *a, const CPUX86State *b)
{
	unsigned parts = 0;

	if (RANGE_DIFFERS(a, b, regs, segs))
		parts |= KVM_STATE_REGS;
	if (RANGE_DIFFERS(a, b, segs, dr) || FIELD_DIFFERS(a, b, efer) ||
	    FIELD_DIFFERS(a, b, apic_base) || FIELD_DIFFERS(a, b, injected_irq))
		parts |= KVM_STATE_SREGS;
	if (FIELD_DIFFERS(a, b, dr))
		parts |= KVM_STATE_DEBUG;
	if (FIELD_DIFFERS(a, b, xcr0) || RANGE_DIFFERS(a, b, fpu_control, apic_base))
		parts |= KVM_STATE_FPU;
	if (RANGE_DIFFERS(a, b, sysenter_cs, halted))
		parts |= KVM_STATE_MSRS;
	if (FIELD_DIFFERS(a, b, interrupt_shadow) || FIELD_DIFFERS(a, b, nmi_pending) ||
	    FIELD_DIFFERS(a, b, nmi_masked) || FIELD_DIFFERS(a, b, exception_pending) ||
	    FIELD_DIFFERS(a, b, exception_nr) || FIELD_DIFFERS(a, b, exception_has_error_code) ||
	    FIELD_DIFFERS(a, b, exception_error_code) || FIELD_DIFFERS(a, b, injected_irq))
		parts |= KVM_STATE_EVENTS;
	if (FIELD_DIFFERS(a, b, halted) || FIELD_DIFFERS(a, b, wait_for_sipi))
		parts |= KVM_STATE_MP;
	return parts;
}

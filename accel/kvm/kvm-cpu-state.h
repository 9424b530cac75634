/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPUX86State <-> KVM's vCPU state structures, both ways.
 *
 * Pure functions: no ioctls, no globals, so they are unit-tested without
 * /dev/kvm (tests/unit/test-kvm-state.c). accel/kvm/kvm-cpu.c does the
 * KVM_GET_* / KVM_SET_* calls around them.
 *
 *	struct kvm_regs regs;
 *	kvm_regs_from_env(&regs, env);		// before KVM_SET_REGS
 *	env_from_kvm_regs(env, &regs);		// after KVM_GET_REGS
 *
 * The x87 registers: CPUX86State.st[i] is *physical* register i (the tag
 * word is indexed the same way), while kvm_fpu.fpr[j] and the FXSAVE/XSAVE
 * legacy area hold ST(j) = physical register (TOP + j) & 7 (SDM vol. 1
 * §10.5.1.1, table 10-2). The abridged tag byte (one bit per physical
 * register, 1 = not empty) expands back to the full tag word by looking at
 * each register's contents, as FRSTOR would (SDM vol. 1 §8.1.7).
 */
#ifndef ACCEL_KVM_CPU_STATE_H
#define ACCEL_KVM_CPU_STATE_H

#include "kemu/common.h"
#include "target/i386/cpu.h"
#include <linux/kvm.h>

void kvm_regs_from_env(struct kvm_regs *regs, const CPUX86State *env);
void env_from_kvm_regs(CPUX86State *env, const struct kvm_regs *regs);

void kvm_segment_from_cache(struct kvm_segment *ks, const struct segment_cache *sc);
void segment_cache_from_kvm(struct segment_cache *sc, const struct kvm_segment *ks);

void kvm_sregs_from_env(struct kvm_sregs *sregs, const CPUX86State *env);
void env_from_kvm_sregs(CPUX86State *env, const struct kvm_sregs *sregs);

/* Full 16-bit tag word <-> FXSAVE abridged tag byte (SDM vol. 1 §10.5.1.1). */
uint8_t x87_tag_word_to_abridged(uint16_t tag);
uint16_t x87_abridged_to_tag_word(uint8_t ftw, const struct floatx80 st[8], unsigned top);

void kvm_fpu_from_env(struct kvm_fpu *fpu, const CPUX86State *env);
void env_from_kvm_fpu(CPUX86State *env, const struct kvm_fpu *fpu);

/* XSAVE standard (non-compacted) format: legacy area, header, YMM_Hi128. */
#define KVM_XSAVE_LEGACY_SIZE	512
#define XSAVE_HDR_OFFSET	512
#define XSAVE_YMMH_OFFSET	576
#define XSTATE_FP		(1ULL << 0)
#define XSTATE_SSE		(1ULL << 1)
#define XSTATE_YMM		(1ULL << 2)
/* buf holds at least 4096 bytes (struct kvm_xsave.region). */
void kvm_xsave_from_env(void *buf, const CPUX86State *env);
void env_from_kvm_xsave(CPUX86State *env, const void *buf);

/*
 * MSRs kept in CPUX86State. kvm_msr_indices lists those kemu saves and
 * restores; kvm-all.c filters it by KVM_GET_MSR_INDEX_LIST.
 */
extern const uint32_t kvm_msr_indices[];
extern const unsigned kvm_msr_indices_count;
/* false if index is not one kemu keeps in env */
bool kvm_msr_get_from_env(const CPUX86State *env, uint32_t index, uint64_t *value);
bool kvm_msr_set_in_env(CPUX86State *env, uint32_t index, uint64_t value);

void kvm_vcpu_events_from_env(struct kvm_vcpu_events *ev, const CPUX86State *env);
void env_from_kvm_vcpu_events(CPUX86State *env, const struct kvm_vcpu_events *ev);

void kvm_debugregs_from_env(struct kvm_debugregs *dr, const CPUX86State *env);
void env_from_kvm_debugregs(CPUX86State *env, const struct kvm_debugregs *dr);

/*
 * KVM_STATE_* parts (accel/kvm/kvm-int.h) in which a and b differ: after
 * an emulated instruction, only those need to go back to KVM.
 */
unsigned kvm_env_changed_parts(const CPUX86State *a, const CPUX86State *b);

uint32_t kvm_mp_state_from_env(const CPUX86State *env);
void env_from_kvm_mp_state(CPUX86State *env, uint32_t mp_state);

#endif

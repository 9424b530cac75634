/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPUID: the leaves a vCPU shows its guest, built from a -cpu option.
 *
 *	struct x86_cpuid *c = x86_cpuid_new("qemu64,+popcnt,-sse4.2", &err);
 *	x86_cpuid_set_topology(c, apic_id, nr_cpus);
 *	x86_cpuid_lookup(c, 1, 0, regs);      // regs[0..3] = eax, ebx, ecx, edx
 *
 * Models: "qemu64" (the interp default: x86-64 baseline) and "max"
 * (everything the interpreter implements). "+feat"/"-feat" (or
 * "feat=on|off") adjust features by their Linux /proc/cpuinfo name. A
 * feature the interpreter does not implement is an error naming it. The KVM
 * accelerator may start from such a table and then edit leaves with
 * x86_cpuid_set_leaf() (e.g. to intersect with what the host offers), and
 * enumerate them for KVM_SET_CPUID2 with x86_cpuid_foreach().
 *
 * Leaves beyond the maximum basic/extended leaf answer like the highest
 * basic leaf, as Intel CPUs do (SDM vol. 2A, CPUID).
 */
#ifndef TARGET_I386_CPUID_H
#define TARGET_I386_CPUID_H

#include "kemu/common.h"

struct x86_cpuid;

struct x86_cpuid *x86_cpuid_new(const char *cpu_opt, GError **errp);
void x86_cpuid_free(struct x86_cpuid *c);
void x86_cpuid_lookup(const struct x86_cpuid *c, uint32_t leaf, uint32_t subleaf,
		      uint32_t out[4]);
/* APIC id in leaves 1, 0xb, 0x1f; logical CPU count in leaf 1. */
void x86_cpuid_set_topology(struct x86_cpuid *c, uint32_t apic_id, unsigned nr_cpus);
/* Replace (or add) one leaf; subleaf is ignored for leaves without subleaves. */
void x86_cpuid_set_leaf(struct x86_cpuid *c, uint32_t leaf, uint32_t subleaf,
			const uint32_t regs[4]);
/* Does the table advertise this feature (by cpuinfo name, e.g. "sse4_2")? */
bool x86_cpuid_has_feature(const struct x86_cpuid *c, const char *name);
/*
 * Every leaf in the table; significant_subleaf says whether the leaf's
 * answer depends on ECX (KVM_CPUID_FLAG_SIGNIFCANT_INDEX).
 */
typedef void (*x86_cpuid_leaf_fn)(void *opaque, uint32_t leaf, uint32_t subleaf,
				  bool significant_subleaf, const uint32_t regs[4]);
void x86_cpuid_foreach(const struct x86_cpuid *c, x86_cpuid_leaf_fn fn, void *opaque);

#endif

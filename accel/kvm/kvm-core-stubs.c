// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TEMPORARY: weak stand-ins for the interpreter's and the CPU model's
 * functions that the KVM accelerator calls, so that the accelerator and its
 * tests link while those are being written (branches interp and main). The
 * real (strong) definitions win as soon as they are linked in; then this
 * file goes away. interp_emulate_one() answers "not in this build" (the
 * VM then stops with a report, as QEMU would); the others are unreachable
 * without their modules and abort if reached (a kemu bug, not a guest's).
 */
#include "kemu/common.h"
#include "target/i386/cpu.h"
#include "target/i386/cpuid.h"
#include "target/i386/interp.h"

#define MISSING(fn) g_error("kvm: %s is not linked in this build", fn)

__attribute__((weak)) bool interp_emulate_one(struct x86_cpu *cpu, GError **errp)
{
	g_set_error(errp, KEMU_ERROR, 0, "kemu's interpreter is not in this build");
	return false;
}

__attribute__((weak)) void interp_cpu_set_memory(struct x86_cpu *cpu,
		const struct interp_mem_ops *ops, void *opaque)
{
}

__attribute__((weak)) void interp_cpu_destroy(struct x86_cpu *cpu)
{
}

__attribute__((weak)) void x86_cpu_reset(struct x86_cpu *cpu)
{
	MISSING("x86_cpu_reset");
}

__attribute__((weak)) void x86_cpuid_foreach(const struct x86_cpuid *c, x86_cpuid_leaf_fn fn,
		void *opaque)
{
	MISSING("x86_cpuid_foreach");
}

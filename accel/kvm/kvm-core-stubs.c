// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TEMPORARY: weak stand-ins for core and interpreter functions the KVM
 * accelerator calls, so that the accelerator and its tests link while the
 * core (branch main) and the interpreter (branch interp) are being written.
 * The real (strong) definitions win as soon as they are linked in; then
 * this file goes away. A stand-in that is reached at run time is a kemu
 * bug (a missing core piece), so it says which and aborts.
 */
#include "kemu/common.h"
#include "accel/accel.h"
#include "system/memory.h"
#include "system/main-loop.h"
#include "target/i386/cpu.h"

#define MISSING(fn) g_error("kvm: core function %s is not linked in this build", fn)

bool interp_emulate_one(struct x86_cpu *cpu, GError **errp);

__attribute__((weak)) void bql_lock(void) { }
__attribute__((weak)) void bql_unlock(void) { }
__attribute__((weak)) void accel_register(const struct accel_ops *ops) { }

__attribute__((weak)) memtx_result address_space_read_value(struct address_space *as,
		uint64_t addr, unsigned size, uint64_t *value)
{
	MISSING("address_space_read_value");
}

__attribute__((weak)) memtx_result address_space_write_value(struct address_space *as,
		uint64_t addr, unsigned size, uint64_t value)
{
	MISSING("address_space_write_value");
}

__attribute__((weak)) memtx_result address_space_rw(struct address_space *as, uint64_t addr,
		void *buf, uint64_t len, bool is_write)
{
	MISSING("address_space_rw");
}

__attribute__((weak)) void memory_listener_register(struct memory_listener *l,
		struct address_space *as)
{
	MISSING("memory_listener_register");
}

__attribute__((weak)) bool interp_emulate_one(struct x86_cpu *cpu, GError **errp)
{
	g_set_error(errp, KEMU_ERROR, 0, "kemu's interpreter is not in this build");
	return false;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The `interp` accelerator (also chosen by -accel tcg): runs each vCPU on
 * kemu's software CPU (target/i386/) on its own thread, without KVM.
 *
 * Guest memory: RAM pages are reached through host pointers that the CPU
 * caches in its software TLB; MMIO and ports are dispatched through the
 * machine's address spaces with the BQL held around the device callback.
 * When the memory map changes (listener commit) every vCPU is asked to
 * flush its TLB (CPU_INTERRUPT_TLB_FLUSH) before its next instruction; RAM
 * is never unmapped while the machine runs, so a stale pointer used in the
 * meantime still points at guest RAM. The TSC runs at 1 GHz of
 * CLOCK_VIRTUAL.
 */
#include "kemu/common.h"
#include "accel/accel.h"
#include "hw/boards.h"
#include "system/main-loop.h"
#include "system/memory.h"
#include "system/timer.h"
#include "target/i386/cpu.h"
#include "target/i386/cpuid.h"
#include "target/i386/interp.h"

static struct memory_listener interp_listener;

static uint8_t *interp_ram_ptr(void *opaque, uint64_t pa, bool write)
{
	struct machine_state *ms = opaque;
	uint64_t page = pa & ~0xfffULL;
	uint8_t *p = NULL;

	/* flat views are replaced under the BQL: look up with it held */
	bql_lock();
	const struct flat_range *fr = address_space_lookup(ms->as_mem, page);
	if (fr && (fr->mr->kind == MR_RAM || fr->mr->kind == MR_ROM) &&
	    !(write && (fr->readonly || fr->mr->kind == MR_ROM || fr->mr->readonly)) &&
	    page + 0x1000 <= fr->start + fr->size && fr->mr->ram_ptr)
		p = fr->mr->ram_ptr + fr->offset_in_region + (page - fr->start);
	bql_unlock();
	return p;
}

static uint64_t interp_mem_read(void *opaque, uint64_t pa, unsigned size)
{
	struct machine_state *ms = opaque;
	uint64_t v = 0;
	bql_lock();
	address_space_read_value(ms->as_mem, pa, size, &v);
	bql_unlock();
	return v;
}

static void interp_mem_write(void *opaque, uint64_t pa, uint64_t v, unsigned size)
{
	struct machine_state *ms = opaque;
	bql_lock();
	address_space_write_value(ms->as_mem, pa, size, v);
	bql_unlock();
}

static uint64_t interp_io_read(void *opaque, uint16_t port, unsigned size)
{
	struct machine_state *ms = opaque;
	uint64_t v = ~0ULL;
	bql_lock();
	address_space_read_value(ms->as_io, port, size, &v);
	bql_unlock();
	return v;
}

static void interp_io_write(void *opaque, uint16_t port, uint64_t v, unsigned size)
{
	struct machine_state *ms = opaque;
	bql_lock();
	address_space_write_value(ms->as_io, port, size, v);
	bql_unlock();
}

static int64_t interp_clock(void *opaque)
{
	return clock_get_ns(CLOCK_VIRTUAL);
}

static const struct interp_mem_ops interp_machine_mem_ops = {
	.ram_ptr = interp_ram_ptr,
	.read = interp_mem_read,
	.write = interp_mem_write,
	.io_read = interp_io_read,
	.io_write = interp_io_write,
	.clock_ns = interp_clock,
};

static bool interp_available(GError **errp)
{
	return true;
}

static void interp_listener_commit(struct memory_listener *l)
{
	struct machine_state *ms = l->opaque;
	if (!ms->cpus)
		return;
	for (unsigned i = 0; i < ms->smp_cpus; i++)
		if (ms->cpus[i])
			__atomic_fetch_or(&ms->cpus[i]->interrupt_request, CPU_INTERRUPT_TLB_FLUSH,
					  __ATOMIC_RELEASE);
}

static bool interp_init(struct machine_state *ms, GError **errp)
{
	interp_listener.commit = interp_listener_commit;
	interp_listener.opaque = ms;
	memory_listener_register(&interp_listener, ms->as_mem);
	return true;
}

static bool interp_vcpu_init(struct x86_cpu *cpu, GError **errp)
{
	struct machine_state *ms = cpu->machine;
	if (!cpu->cpuid) {
		const char *model = ms && ms->cpu_model ? ms->cpu_model : "qemu64";
		cpu->cpuid = x86_cpuid_new(model, errp);
		if (!cpu->cpuid)
			return false;
	}
	x86_cpuid_set_topology(cpu->cpuid, cpu->apic_id, ms ? ms->smp_cpus : 1);
	interp_cpu_set_memory(cpu, &interp_machine_mem_ops, ms);
	return true;
}

static int interp_vcpu_exec(struct x86_cpu *cpu)
{
	return interp_exec(cpu);
}

static void interp_vcpu_put_state(struct x86_cpu *cpu)
{
	interp_tlb_flush(cpu);
}

static void interp_vcpu_destroy(struct x86_cpu *cpu)
{
	interp_cpu_destroy(cpu);
}

static const struct accel_ops interp_accel_ops = {
	.name = "interp",
	.available = interp_available,
	.init = interp_init,
	.vcpu_init = interp_vcpu_init,
	.vcpu_exec = interp_vcpu_exec,
	.vcpu_put_state = interp_vcpu_put_state,
	.vcpu_destroy = interp_vcpu_destroy,
};

static void __attribute__((constructor)) interp_accel_register(void)
{
	accel_register(&interp_accel_ops);
}

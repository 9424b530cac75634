/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A stand-in for the vCPU in LAPIC/IOAPIC device tests: records what the
 * APIC asks of its CPU (cpu_interrupt / cpu_reset_interrupt).
 */
#ifndef TESTS_DEVICE_APIC_FAKE_CPU_H
#define TESTS_DEVICE_APIC_FAKE_CPU_H

#include "hw/intc/apic.h"
#include "target/i386/cpu.h"

struct fake_cpu {
	struct x86_cpu cpu;
	int pending;			/* CPU_INTERRUPT_* currently requested */
	int nmis, inits, sipis;
};

static inline struct fake_cpu *fake_cpu_of(struct x86_cpu *cpu)
{
	return container_of(cpu, struct fake_cpu, cpu);
}

static inline void fake_cpu_interrupt(struct x86_cpu *cpu, int mask)
{
	struct fake_cpu *f = fake_cpu_of(cpu);

	f->pending |= mask;
	f->nmis += !!(mask & CPU_INTERRUPT_NMI);
	f->inits += !!(mask & CPU_INTERRUPT_INIT);
	f->sipis += !!(mask & CPU_INTERRUPT_SIPI);
}

static inline void fake_cpu_reset_interrupt(struct x86_cpu *cpu, int mask)
{
	fake_cpu_of(cpu)->pending &= ~mask;
}

static const struct apic_cpu_ops fake_cpu_ops = {
	.interrupt = fake_cpu_interrupt,
	.reset_interrupt = fake_cpu_reset_interrupt,
};

/* Create, realize and attach an APIC with this ID to a fresh fake CPU. */
static inline struct apic_state *fake_apic_new(struct apic_bus *bus, uint32_t id,
					       struct fake_cpu **cpu_out)
{
	struct apic_state *a = APIC(device_new(TYPE_APIC));
	struct fake_cpu *f = g_new0(struct fake_cpu, 1);

	g_assert(object_property_set_int(OBJECT(a), "id", id, NULL));
	g_assert(object_property_set_bool(OBJECT(a), "bsp", id == 0, NULL));
	harness_realize(DEVICE(a));
	apic_attach(bus, a, &f->cpu, &fake_cpu_ops);
	*cpu_out = f;
	return a;
}

static inline void fake_apic_free(struct apic_state *a, struct fake_cpu *f)
{
	device_unrealize(DEVICE(a));
	object_unref(OBJECT(a));
	g_free(f);
}

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The local APIC ("apic"), one per CPU, and the APIC bus that joins the
 * local APICs, the IOAPIC and MSI writers. Used under the interpreter and
 * under KVM with kernel-irqchip=off (with kernel-irqchip=split the LAPICs
 * are KVM's and only the IOAPIC/PIC/PIT here are used).
 *
 * The board owns one struct apic_bus, creates one "apic" per CPU (property
 * "id" = the CPU's APIC ID, "bsp" on CPU 0) and attaches each to the bus and
 * its CPU:
 *
 *	apic_bus_init(&pc->apic_bus, pic, ioapic);
 *	for each cpu:
 *		struct apic_state *a = APIC(device_new(TYPE_APIC));
 *		object_property_set_int(OBJECT(a), "id", cpu->apic_id, errp);
 *		object_property_set_bool(OBJECT(a), "bsp", i == 0, errp);
 *		device_realize(DEVICE(a), errp);
 *		apic_attach(&pc->apic_bus, a, cpu, &pc_apic_cpu_ops);
 *	with  static const struct apic_cpu_ops pc_apic_cpu_ops = {
 *		cpu_interrupt, cpu_reset_interrupt };
 * apic_attach() also sets cpu->irq_source and cpu->apic.
 *	memory_region_add_subregion(sysmem, 0xfee00000, apic_bus_msi_region(&pc->apic_bus));
 *
 * The APIC signals its CPU through the apic_cpu_ops given at attach time
 * (cpu_interrupt(cpu, CPU_INTERRUPT_HARD/NMI/INIT/SIPI) on a machine; a
 * recorder in tests). HARD stays set while an interrupt is deliverable; the CPU then
 * (IF=1, no shadow) calls cpu->irq_source.get_interrupt(), i.e.
 * apic_cpu_get_interrupt(), for the vector: the highest IRR vector above
 * PPR moves to ISR; if the LAPIC is disabled or LINT0 is ExtINT, the PIC is
 * acknowledged instead. On INIT the APIC resets its own state (SDM vol. 3A
 * §10.4.7.3) before signalling; on SIPI the CPU reads apic_get_sipi_vector().
 *
 * Register access from the CPU: xAPIC MMIO goes through apic_mmio_read/
 * write (the interpreter routes accesses to its own APIC's base page there,
 * since every CPU sees a different APIC at the same address); x2APIC
 * through apic_msr_read/write (MSRs 0x800-0x8ff); IA32_APIC_BASE through
 * apic_get_base/apic_set_base; CR8 through apic_get/set_cr8; and
 * IA32_TSC_DEADLINE through apic_get/set_tsc_deadline. The bus region
 * (apic_bus_msi_region) takes the MSI writes of devices (DMA to
 * 0xfee00000-0xfeefffff, SDM vol. 3A §10.11). Everything under the BQL.
 */
#ifndef HW_INTC_APIC_H
#define HW_INTC_APIC_H

#include "kemu/common.h"
#include "hw/device.h"
#include "hw/irq.h"
#include "system/memory.h"

struct x86_cpu;
struct apic_state;
struct ioapic_state;
struct pic_state;

#define TYPE_APIC "apic"
#define APIC(obj) OBJECT_CHECK(struct apic_state, (obj), TYPE_APIC)

#define APIC_DEFAULT_ADDRESS	0xfee00000ULL
#define APIC_SPACE_SIZE		0x1000
#define APIC_MSI_REGION_SIZE	0x100000
#define APIC_BUS_MAX		256

/* Delivery modes, SDM vol. 3A §10.6.1 (ICR) and 82093AA §3.2.4 (redirection). */
enum apic_delivery_mode {
	APIC_DM_FIXED = 0,
	APIC_DM_LOWEST = 1,
	APIC_DM_SMI = 2,
	APIC_DM_NMI = 4,
	APIC_DM_INIT = 5,
	APIC_DM_SIPI = 6,
	APIC_DM_EXTINT = 7,
};

struct apic_bus {
	struct apic_state *apics[APIC_BUS_MAX];	/* in attach order */
	unsigned nr;
	struct ioapic_state *ioapic;	/* level EOIs are broadcast here; may be NULL */
	struct pic_state *pic;		/* ExtINT acknowledge; may be NULL */
	struct memory_region msi_mr;
};

/* How an APIC reaches its CPU: cpu_interrupt and cpu_reset_interrupt. */
struct apic_cpu_ops {
	void (*interrupt)(struct x86_cpu *cpu, int mask);
	void (*reset_interrupt)(struct x86_cpu *cpu, int mask);
};

void apic_bus_init(struct apic_bus *bus, struct pic_state *pic,
		   struct ioapic_state *ioapic);
void apic_attach(struct apic_bus *bus, struct apic_state *s, struct x86_cpu *cpu,
		 const struct apic_cpu_ops *ops);
void apic_bus_destroy(struct apic_bus *bus);
struct memory_region *apic_bus_msi_region(struct apic_bus *bus);
/*
 * An interrupt message on the APIC bus (from the IOAPIC, an MSI or an IPI):
 * dest is an APIC ID (physical) or a logical destination, 0xff (xAPIC) or
 * 0xffffffff (x2APIC) broadcasting. Returns how many APICs accepted it.
 */
int apic_bus_deliver(struct apic_bus *bus, uint32_t dest, bool logical,
		     enum apic_delivery_mode mode, uint8_t vector, bool level_trigger);
/* An MSI write (address 0xfeexxxxx, data), SDM vol. 3A §10.11.1-2. */
void apic_bus_send_msi(struct apic_bus *bus, uint64_t addr, uint32_t data);

/* The CPU's side. */
int apic_cpu_get_interrupt(void *opaque, struct x86_cpu *cpu);	/* irq_source */
int apic_get_sipi_vector(struct apic_state *s);
uint64_t apic_get_base(struct apic_state *s);
/* false: reserved bits or an illegal x2APIC transition (the caller raises #GP). */
bool apic_set_base(struct apic_state *s, uint64_t value);
uint8_t apic_get_cr8(struct apic_state *s);
void apic_set_cr8(struct apic_state *s, uint8_t value);
/* TSC-deadline mode: now_tsc is the CPU's TSC at the write. */
uint64_t apic_get_tsc_deadline(struct apic_state *s);
void apic_set_tsc_deadline(struct apic_state *s, uint64_t deadline, uint64_t now_tsc);
/* x2APIC MSRs 0x800-0x8ff; false: #GP (not in x2APIC mode, reserved, read-only). */
bool apic_msr_read(struct apic_state *s, uint32_t msr, uint64_t *value);
bool apic_msr_write(struct apic_state *s, uint32_t msr, uint64_t value);
/* xAPIC registers by offset into the 4 KiB page (32-bit accesses). */
uint64_t apic_mmio_read(struct apic_state *s, uint64_t offset, unsigned size);
void apic_mmio_write(struct apic_state *s, uint64_t offset, uint64_t value, unsigned size);
/* The 4 KiB xAPIC page of this APIC as a region (tests, single-CPU boards). */
struct memory_region *apic_mmio_region(struct apic_state *s);
/* Virtual time of the next timer interrupt, -1 if none is armed (monitor, tests). */
int64_t apic_timer_next_ns(struct apic_state *s);
/* `info lapic`: registers, LVT, timer and the pending/in-service vectors. */
void apic_print_info(struct apic_state *s, GString *out);

/* Inputs: the PIC's INTR to LINT0, and the LINT0/LINT1 pins (irq_handler_fn, n = 0/1). */
void apic_deliver_pic_intr(struct apic_state *s, int level);
void apic_set_lint(void *opaque, int n, int level);

#endif

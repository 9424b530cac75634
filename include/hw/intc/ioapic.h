/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 82093AA I/O APIC ("ioapic"): 24 interrupt inputs, each with a
 * redirection entry that turns it into a message on the APIC bus.
 *
 * The board maps its 4 KiB region (IOREGSEL at offset 0, IOWIN at 0x10)
 * at 0xfec00000, connects GSIs with ioapic_set_irq as the irq handler
 * (n = pin 0..23) and says where messages go:
 *
 *	memory_region_add_subregion(sysmem, 0xfec00000, ioapic_mmio_region(io));
 *	irq_line_connect(&line, ioapic_set_irq, io, gsi);
 *	ioapic_set_bus(io, &pc->apic_bus);		// kemu's LAPICs
 *   or, with KVM's in-kernel LAPICs (kernel-irqchip=split):
 *	ioapic_set_msi_handler(io, kvm_send_msi, kvm);	// messages as MSIs
 *
 * An EOI of a level-triggered vector by a LAPIC arrives as
 * ioapic_eoi_broadcast(io, vector) (kemu's LAPICs call it through the bus;
 * under split irqchip the KVM code calls it on KVM_EXIT_IOAPIC_EOI); it
 * clears Remote IRR and re-delivers a still-asserted input.
 */
#ifndef HW_INTC_IOAPIC_H
#define HW_INTC_IOAPIC_H

#include "kemu/common.h"
#include "hw/device.h"

struct memory_region;
struct ioapic_state;
struct apic_bus;

#define TYPE_IOAPIC "ioapic"
#define IOAPIC(obj) OBJECT_CHECK(struct ioapic_state, (obj), TYPE_IOAPIC)

#define IOAPIC_DEFAULT_ADDRESS	0xfec00000ULL
#define IOAPIC_NUM_PINS		24
#define IOAPIC_REGION_SIZE	0x1000	/* IOREGSEL 0x00, IOWIN 0x10, EOI 0x40 */

typedef void (*ioapic_msi_fn)(void *opaque, uint64_t addr, uint32_t data);

struct memory_region *ioapic_mmio_region(struct ioapic_state *s);
void ioapic_set_irq(void *opaque, int n, int level);
void ioapic_set_bus(struct ioapic_state *s, struct apic_bus *bus);
void ioapic_set_msi_handler(struct ioapic_state *s, ioapic_msi_fn fn, void *opaque);
void ioapic_eoi_broadcast(struct ioapic_state *s, uint8_t vector);
/* `info ioapic`: the redirection table and input state. */
void ioapic_print_info(struct ioapic_state *s, GString *out);

#endif

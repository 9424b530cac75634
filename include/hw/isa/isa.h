/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ISA devices. An ISA device is placed by its properties (iobase, irq), as
 * on real ISA cards with jumpers, so a device created with
 * "-device isa-serial,iobase=0x2f8,irq=3" and one the board creates take the
 * same path: in realize(), the device maps its port regions with
 * isa_register_ioport() and hooks its interrupt output to an ISA IRQ with
 * isa_connect_irq(). Where those land is the ISA bus's business: the board
 * (hw/i386/pc.c) points it at the machine's port space and IRQ router with
 * isa_bus_init(); the device-test harness points it at its own.
 *
 *	DEFINE_DEVICE_TYPE(isa_serial, "isa-serial", TYPE_ISA_DEVICE, ...)
 *	static bool isa_serial_realize(struct device *dev, GError **errp) {
 *		...
 *		isa_register_ioport(ISA_DEVICE(dev), &s->io, s->iobase);
 *		isa_connect_irq(ISA_DEVICE(dev), &s->irq, s->isa_irq);
 *	}
 */
#ifndef HW_ISA_ISA_H
#define HW_ISA_ISA_H

#include "hw/device.h"
#include "hw/irq.h"
#include "system/memory.h"

#define TYPE_ISA_DEVICE "isa-device"
#define ISA_NUM_IRQS 16

struct isa_device {
	struct device parent;
};

#define ISA_DEVICE(obj) OBJECT_CHECK(struct isa_device, (obj), TYPE_ISA_DEVICE)

struct isa_bus {
	struct memory_region *io;	/* port space root */
	struct address_space *as_mem;	/* for ISA DMA (8237) */
	struct device *dma[2];		/* 8237 pair (hw/dma/i8257.c): channels 0-3, 4-7 */
	irq_handler_fn irq_handler;	/* ISA IRQ n -> handler(opaque, n, level) */
	void *irq_opaque;
};

void isa_bus_init(struct memory_region *io, struct address_space *as_mem,
		  irq_handler_fn irq_handler, void *irq_opaque);
struct isa_bus *isa_bus_get(void);

void isa_register_ioport(struct isa_device *dev, struct memory_region *mr, uint16_t port);
void isa_connect_irq(struct isa_device *dev, struct irq_line *line, int isa_irq);

#endif

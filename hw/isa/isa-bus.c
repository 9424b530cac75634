// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ISA bus: where ISA devices' ports and IRQs go. See hw/isa/isa.h.
 */
#include "hw/isa/isa.h"

/* Part of the machine (or harness) state; one ISA bus per process. */
static struct isa_bus isa_bus;

void isa_bus_init(struct memory_region *io, struct address_space *as_mem,
		  irq_handler_fn irq_handler, void *irq_opaque)
{
	isa_bus.io = io;
	isa_bus.as_mem = as_mem;
	isa_bus.irq_handler = irq_handler;
	isa_bus.irq_opaque = irq_opaque;
	isa_bus.dma[0] = isa_bus.dma[1] = NULL;
}

struct isa_bus *isa_bus_get(void)
{
	return &isa_bus;
}

void isa_register_ioport(struct isa_device *dev, struct memory_region *mr, uint16_t port)
{
	g_assert(isa_bus.io);
	memory_region_add_subregion(isa_bus.io, port, mr);
}

void isa_connect_irq(struct isa_device *dev, struct irq_line *line, int isa_irq)
{
	if (isa_irq < 0 || isa_irq >= ISA_NUM_IRQS || !isa_bus.irq_handler) {
		irq_line_connect(line, NULL, NULL, 0);
		return;
	}
	irq_line_connect(line, isa_bus.irq_handler, isa_bus.irq_opaque, isa_irq);
}

static void isa_device_unrealize(struct device *dev)
{
	/* regions are removed by their owners' unrealize */
}

DEFINE_DEVICE_TYPE(isa_device, TYPE_ISA_DEVICE, TYPE_DEVICE, struct isa_device,
		   .abstract = true, .unrealize = isa_device_unrealize);

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Intel 82371SB PIIX3 function 0: the PCI-to-ISA bridge and its PCI
 * interrupt router (PIRQ route control registers 0x60-0x63, datasheet
 * order 290550-002 section 2.2.13). See include/hw/isa/piix3.h.
 *
 * Not here: reset control 0xcf9 (the board's), the IDE, USB and power
 * management functions, the APIC chip select and SERIRQ registers (kept as
 * plain storage), ISA DMA.
 */
#include "hw/isa/piix3.h"
#include "hw/isa/isa.h"
#include "hw/boards.h"

struct piix3_state {
	struct pci_device parent;
	bool pirq_level[PIIX_NUM_PIRQS];	/* the OR of the devices on each PIRQ# */
	uint16_t isa_levels;			/* ISA IRQs we drive high */
};

#define PIIX3(obj) OBJECT_CHECK(struct piix3_state, (obj), TYPE_PIIX3)

int piix3_slot_pin_to_pirq(int slot, int pin)
{
	return (slot + pin - 1) & 3;
}

static int piix3_map_irq(struct pci_device *dev, int pin)
{
	return piix3_slot_pin_to_pirq(PCI_SLOT(dev->devfn), pin);
}

/* The ISA IRQ PIRQ n is routed to, -1 if disabled or reserved. */
static int piix3_pirq_route(struct piix3_state *s, int n)
{
	uint8_t r = s->parent.config[PIIX_PIRQCA + n];
	int irq = r & 0x0f;

	if (r & PIIX_PIRQ_DISABLE)
		return -1;
	/* 0-2, 8 and 13 are reserved (datasheet 2.2.13) */
	if (irq < 3 || irq == 8 || irq == 13)
		return -1;
	return irq;
}

/* Drive every ISA IRQ to the OR of the PIRQs routed to it; only changes go out. */
static void piix3_update_isa_irqs(struct piix3_state *s)
{
	struct isa_bus *isa = isa_bus_get();
	uint16_t levels = 0, changed;

	for (int n = 0; n < PIIX_NUM_PIRQS; n++) {
		int irq = piix3_pirq_route(s, n);

		if (irq >= 0 && s->pirq_level[n])
			levels |= 1u << irq;
	}
	changed = levels ^ s->isa_levels;
	s->isa_levels = levels;
	for (int irq = 0; irq < ISA_NUM_IRQS; irq++) {
		if ((changed & (1u << irq)) && isa->irq_handler)
			isa->irq_handler(isa->irq_opaque, irq, (levels >> irq) & 1);
	}
}

static void piix3_set_pirq(void *opaque, int n, int level)
{
	struct piix3_state *s = opaque;

	s->pirq_level[n] = level != 0;
	piix3_update_isa_irqs(s);
}

static void piix3_config_write(struct pci_device *dev, uint32_t addr, uint32_t val,
			       unsigned len)
{
	pci_default_write_config(dev, addr, val, len);
	if (addr < PIIX_PIRQCA + PIIX_NUM_PIRQS && addr + len > PIIX_PIRQCA)
		piix3_update_isa_irqs(PIIX3(dev));
}

/* Power-on values (datasheet 2.2), as QEMU sets them. */
static void piix3_reset(struct pci_device *dev)
{
	uint8_t *c = dev->config;

	pci_set_word(c + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	pci_set_word(c + PCI_STATUS, PCI_STATUS_DEVSEL_MEDIUM);
	c[0x4c] = 0x4d;		/* ISA I/O recovery timer */
	c[0x4e] = 0x03;		/* X-bus chip select */
	c[0x4f] = 0x00;
	for (int n = 0; n < PIIX_NUM_PIRQS; n++)
		c[PIIX_PIRQCA + n] = PIIX_PIRQ_DISABLE;
	c[0x69] = 0x02;		/* top of memory */
	c[0x70] = 0x80;		/* motherboard device IRQ routing: disabled */
	c[0x76] = 0x0c;		/* DMA channel config */
	c[0x77] = 0x0c;
	c[0x78] = 0x02;
	c[0x79] = 0x00;
	c[0x80] = 0x00;		/* APIC base address relocation */
	c[0x82] = 0x00;		/* deterministic latency control */
	c[0xa0] = 0x08;		/* SMI control */
	memset(c + 0xa2, 0, 6);
	c[0xa8] = 0x0f;
	c[0xaa] = 0x00;
	c[0xab] = 0x00;
	c[0xac] = 0x00;
	c[0xae] = 0x00;
	piix3_update_isa_irqs(PIIX3(dev));
}

static void piix3_instance_init(struct object *obj)
{
	/* function 0 of a multi-function device (IDE at .1, USB .2, PM .3) */
	PCI_DEVICE(obj)->multifunction = true;
}

static const struct vmstate_field piix3_fields[] = {
	VMSTATE_PCI_DEVICE(struct piix3_state, parent),
	VMSTATE_U16(struct piix3_state, isa_levels),
	VMSTATE_END
};

static void piix3_class_init(struct object_class *klass, const void *data)
{
	struct pci_device_class *k = PCI_DEVICE_CLASS(klass);

	k->reset = piix3_reset;
	k->config_write = piix3_config_write;
	k->vendor_id = PCI_VENDOR_ID_INTEL;
	k->device_id = 0x7000;	/* 82371SB PIIX3 ISA */
	k->class_id = PCI_CLASS_BRIDGE_ISA;
}

DEFINE_DEVICE_TYPE(piix3, TYPE_PIIX3, TYPE_PCI_DEVICE, struct piix3_state,
		   .class_init = piix3_class_init, .instance_init = piix3_instance_init,
		   .vmstate = piix3_fields, .vmstate_version = 1, .no_user = true,
		   .desc = "ISA bridge (PIIX3)");

struct piix3_state *piix3_create(struct pci_bus *bus, int devfn, GError **errp)
{
	struct pci_device *dev = pci_create_simple(bus, devfn, TYPE_PIIX3, errp);
	struct machine_state *ms = machine_current();

	if (!dev)
		return NULL;
	pci_bus_set_irqs(bus, piix3_map_irq, piix3_set_pirq, dev, PIIX_NUM_PIRQS);
	/* the machine's tree owns it; without a machine (tests), the caller does */
	if (ms) {
		machine_add_device(ms, "piix3", DEVICE(dev));
		object_unref(OBJECT(dev));
	}
	return PIIX3(dev);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "acpi-pcihp": ACPI-driven PCI hotplug for the root bus of the pc
 * machine, the register block QEMU's PIIX4 PM puts at 0xae00 and that the
 * DSDT's PCNT/PCEJ methods (hw/acpi/acpi-build.c) use:
 *
 *	+0x00 PCIU  slots with a new device; reading clears (a read is PCNT's
 *	            "which slots need a Device Check")
 *	+0x04 PCID  slots the host wants removed (Eject Request pending)
 *	+0x08 B0EJ  write: the OS finished with these slots, remove them (_EJ0)
 *	+0x0c PCIR  read: slots that take hotplug (the "removable" mask)
 *	+0x10 BNUM  bus select: only bus 0 exists here
 *
 * A plug or an unplug request sets the bit and raises the hotplug GPE
 * (the board wires the gpe line to acpi-pm's GPE0 bit 1). Removal is done
 * in a bottom half, not inside the guest's port write, so the vCPU that
 * wrote B0EJ never sees the memory map change under its own exit.
 * Per ACPI 6.4 §5.6.6 (device object notifications) and §6.3.3 (_EJx).
 */
#include "kemu/common.h"
#include "hw/acpi/pcihp.h"
#include "hw/acpi/acpi-build.h"
#include "hw/device.h"
#include "hw/irq.h"
#include "hw/pci/pci.h"
#include "system/bootdevice.h"
#include "system/main-loop.h"
#include "system/memory.h"

struct acpi_pcihp {
	struct device parent;
	struct memory_region io;
	struct irq_line gpe;
	struct pci_bus *bus;
	struct kemu_bh *eject_bh;
	uint32_t slots;			/* hotplug-capable slots */
	/* guest-visible state */
	uint32_t up, down;
	uint32_t eject_pending;		/* slots B0EJ asked to remove, for the BH */
};

#define ACPI_PCIHP(obj) OBJECT_CHECK(struct acpi_pcihp, (obj), TYPE_ACPI_PCIHP)

/* Weak: the monitor sends DEVICE_DELETED when it is linked. */
void monitor_device_deleted_event(const char *id, const char *path) __attribute__((weak));

static void acpi_pcihp_remove_device(struct pci_device *pdev)
{
	struct device *dev = DEVICE(pdev);
	g_autofree char *path = object_get_canonical_path(OBJECT(dev));
	g_autofree char *id = g_strdup(dev->id);

	bootdevice_remove(dev);
	/* off the bus now (BARs, MSI-X, the slot), even if someone still holds a reference */
	device_unrealize(dev);
	object_unparent(OBJECT(dev));
	if (monitor_device_deleted_event)
		monitor_device_deleted_event(id, path);
}

static void acpi_pcihp_eject_bh(void *opaque)
{
	struct acpi_pcihp *s = opaque;
	uint32_t slots = s->eject_pending;

	s->eject_pending = 0;
	for (unsigned slot = 0; slot < 32; slot++) {
		if (!(slots & (1u << slot)))
			continue;
		/* functions 1-7 first: function 0 holds the slot together */
		for (int fn = 7; fn >= 0; fn--) {
			struct pci_device *pdev = pci_bus_get_device(s->bus, PCI_DEVFN(slot, fn));

			if (pdev)
				acpi_pcihp_remove_device(pdev);
		}
		s->down &= ~(1u << slot);
	}
}

static uint64_t acpi_pcihp_io_read(void *opaque, uint64_t offset, unsigned size)
{
	struct acpi_pcihp *s = opaque;
	uint32_t v;

	switch (offset) {
	case 0x00:
		v = s->up;
		s->up = 0;
		return v;
	case 0x04:
		return s->down;
	case 0x08:
		return 0;
	case 0x0c:
		return s->slots;
	case 0x10:
		return 0;
	default:
		guest_error("acpi-pcihp: read at +0x%" PRIx64, offset);
		return 0;
	}
}

static void acpi_pcihp_io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct acpi_pcihp *s = opaque;
	uint32_t slots = value;

	switch (offset) {
	case 0x08:
		/* only slots that take hotplug; a guest may eject one on its own */
		if (slots & ~s->slots)
			guest_error("acpi-pcihp: eject of slots 0x%08x that do not take hotplug",
				    slots & ~s->slots);
		slots &= s->slots;
		if (slots) {
			s->eject_pending |= slots;
			bh_schedule(s->eject_bh);
		}
		return;
	case 0x10:
		if (value)
			guest_error("acpi-pcihp: bus %" PRIu64 " selected; only bus 0 exists", value);
		return;
	default:
		guest_error("acpi-pcihp: write of 0x%" PRIx64 " at +0x%" PRIx64, value, offset);
		return;
	}
}

static const struct memory_region_ops acpi_pcihp_io_ops = {
	.read = acpi_pcihp_io_read,
	.write = acpi_pcihp_io_write,
	.valid = { .min_access_size = 4, .max_access_size = 4 },
	.impl = { .min_access_size = 4, .max_access_size = 4 },
};

static bool acpi_pcihp_slot_ok(struct acpi_pcihp *s, struct pci_device *pdev, GError **errp)
{
	unsigned slot = PCI_SLOT(pdev->devfn);

	if (pdev->bus != s->bus) {
		g_set_error(errp, KEMU_ERROR, 0, "Bus '%s' does not support hotplugging",
			    "this bus");
		return false;
	}
	if (!(s->slots & (1u << slot))) {
		g_set_error(errp, KEMU_ERROR, 0, "Unsupported bus. Bus doesn't have property "
			    "'acpi-pcihp-bsel' set, or slot %u does not take hotplug", slot);
		return false;
	}
	return true;
}

bool acpi_pcihp_plug(struct device *dev, struct pci_device *pdev, GError **errp)
{
	struct acpi_pcihp *s = ACPI_PCIHP(dev);

	if (!acpi_pcihp_slot_ok(s, pdev, errp))
		return false;
	/* a function > 0 shows up with function 0's Device Check */
	if (PCI_FUNC(pdev->devfn) == 0) {
		s->up |= 1u << PCI_SLOT(pdev->devfn);
		irq_line_pulse(&s->gpe);
	}
	return true;
}

bool acpi_pcihp_unplug_request(struct device *dev, struct pci_device *pdev, GError **errp)
{
	struct acpi_pcihp *s = ACPI_PCIHP(dev);

	if (!acpi_pcihp_slot_ok(s, pdev, errp))
		return false;
	s->down |= 1u << PCI_SLOT(pdev->devfn);
	irq_line_pulse(&s->gpe);
	return true;
}

void acpi_pcihp_set_bus(struct device *dev, struct pci_bus *bus, uint32_t slots)
{
	struct acpi_pcihp *s = ACPI_PCIHP(dev);

	s->bus = bus;
	s->slots = slots;
}

struct memory_region *acpi_pcihp_io_region(struct device *dev)
{
	return &ACPI_PCIHP(dev)->io;
}

struct irq_line *acpi_pcihp_gpe(struct device *dev)
{
	return &ACPI_PCIHP(dev)->gpe;
}

static bool acpi_pcihp_realize(struct device *dev, GError **errp)
{
	struct acpi_pcihp *s = ACPI_PCIHP(dev);

	memory_region_init_io(&s->io, OBJECT(s), &acpi_pcihp_io_ops, s, "acpi-pci-hotplug",
			      ACPI_PCIHP_SIZE);
	s->eject_bh = bh_new(acpi_pcihp_eject_bh, s);
	return true;
}

static void acpi_pcihp_unrealize(struct device *dev)
{
	struct acpi_pcihp *s = ACPI_PCIHP(dev);

	bh_delete(s->eject_bh);
	s->eject_bh = NULL;
}

static void acpi_pcihp_reset(struct device *dev)
{
	struct acpi_pcihp *s = ACPI_PCIHP(dev);

	/* a reset completes pending unplugs, as the new OS could not know them */
	if (s->down) {
		s->eject_pending |= s->down;
		if (s->eject_bh)
			bh_schedule(s->eject_bh);
	}
	s->up = 0;
}

static const struct vmstate_field acpi_pcihp_fields[] = {
	VMSTATE_U32(struct acpi_pcihp, up),
	VMSTATE_U32(struct acpi_pcihp, down),
	VMSTATE_END
};

DEFINE_DEVICE_TYPE(acpi_pcihp, TYPE_ACPI_PCIHP, TYPE_DEVICE, struct acpi_pcihp,
		   .realize = acpi_pcihp_realize, .unrealize = acpi_pcihp_unrealize,
		   .reset = acpi_pcihp_reset, .vmstate = acpi_pcihp_fields,
		   .vmstate_version = 1, .no_user = true,
		   .desc = "ACPI PCI hotplug registers (PIIX4 PM layout)");

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "acpi-pcihp": ACPI PCI hotplug of the root bus (see hw/acpi/pcihp.c for
 * the register block). The board creates it, maps its registers at
 * ACPI_PCIHP_BASE_DEFAULT, tells it the bus and the slots that take hotplug
 * (the same mask the DSDT describes) and connects its GPE line to acpi-pm:
 *
 *	struct device *hp = device_new(TYPE_ACPI_PCIHP);
 *	device_realize(hp, &err);
 *	acpi_pcihp_set_bus(hp, pci_bus, slots);
 *	memory_region_add_subregion(io, ACPI_PCIHP_BASE_DEFAULT, acpi_pcihp_io_region(hp));
 *	irq_line_connect(acpi_pcihp_gpe(hp), pc_pcihp_gpe, pc, 0);
 *
 * device_add of a PCI device: realize it on the bus, then acpi_pcihp_plug();
 * device_del: acpi_pcihp_unplug_request(); the guest's _EJ0 removes it and
 * the monitor sends DEVICE_DELETED.
 */
#ifndef HW_ACPI_PCIHP_H
#define HW_ACPI_PCIHP_H

#include "kemu/common.h"

#define TYPE_ACPI_PCIHP "acpi-pcihp"

struct device;
struct pci_bus;
struct pci_device;
struct memory_region;
struct irq_line;

void acpi_pcihp_set_bus(struct device *dev, struct pci_bus *bus, uint32_t slots);
struct memory_region *acpi_pcihp_io_region(struct device *dev);
struct irq_line *acpi_pcihp_gpe(struct device *dev);
/* A device was realized on the bus: Device Check to the guest. */
bool acpi_pcihp_plug(struct device *dev, struct pci_device *pdev, GError **errp);
/* Ask the guest to let the device go (Eject Request). */
bool acpi_pcihp_unplug_request(struct device *dev, struct pci_device *pdev, GError **errp);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `info pci` and the query-pci structure: what is on a PCI bus and where its
 * BARs decode. Read-only views of the state pci.c keeps.
 */
#include "hw/pci/pci.h"

static const struct {
	uint16_t class_id;
	const char *desc;
} pci_class_names[] = {
	{ 0x0100, "SCSI controller" }, { 0x0101, "IDE controller" },
	{ 0x0105, "ATA controller" }, { 0x0106, "SATA controller" },
	{ 0x0108, "NVMe controller" }, { 0x0180, "Storage controller" },
	{ 0x0200, "Ethernet controller" }, { 0x0300, "VGA controller" },
	{ 0x0380, "Display controller" }, { 0x0401, "Audio controller" },
	{ 0x0403, "Audio controller" }, { 0x0500, "RAM controller" },
	{ 0x0600, "Host bridge" }, { 0x0601, "ISA bridge" }, { 0x0604, "PCI bridge" },
	{ 0x0680, "Bridge" }, { 0x0700, "Serial port" }, { 0x0c03, "USB controller" },
	{ 0x0c05, "SMBus" },
};

GArray *pci_bus_query(struct pci_bus *bus)
{
	GArray *out = g_array_new(false, true, sizeof(struct pci_device_info));

	for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
		struct pci_device *dev = bus->devices[devfn];
		struct pci_device_info info = { 0 };
		const uint8_t *c;

		if (!dev)
			continue;
		c = dev->config;
		info.bus = 0;
		info.slot = PCI_SLOT(devfn);
		info.function = PCI_FUNC(devfn);
		info.vendor_id = pci_get_word(c + PCI_VENDOR_ID);
		info.device_id = pci_get_word(c + PCI_DEVICE_ID);
		info.subsystem_vendor_id = pci_get_word(c + PCI_SUBSYSTEM_VENDOR_ID);
		info.subsystem_id = pci_get_word(c + PCI_SUBSYSTEM_ID);
		info.class_id = pci_get_word(c + PCI_CLASS_DEVICE);
		info.revision = c[PCI_REVISION_ID];
		info.prog_if = c[PCI_CLASS_PROG];
		info.irq_line = c[PCI_INTERRUPT_LINE];
		info.irq_pin = c[PCI_INTERRUPT_PIN];
		info.type = object_get_typename(OBJECT(dev));
		info.id = DEVICE(dev)->id;
		for (int i = 0; i < PCI_NUM_REGIONS; i++) {
			struct pci_bar *b = &dev->bars[i];
			struct pci_bar_info *bi = &info.bars[info.nr_bars];

			if (!b->mr)
				continue;
			bi->region = i;
			bi->is_io = b->type & PCI_BASE_ADDRESS_SPACE_IO;
			bi->is_64 = b->type & PCI_BASE_ADDRESS_MEM_TYPE_64;
			bi->prefetch = b->type & PCI_BASE_ADDRESS_MEM_PREFETCH;
			bi->addr = b->addr;
			bi->size = b->size;
			info.nr_bars++;
		}
		g_array_append_val(out, info);
	}
	return out;
}

void pci_bus_print(GString *out, struct pci_bus *bus)
{
	g_autoptr(GArray) devs = pci_bus_query(bus);

	for (guint i = 0; i < devs->len; i++) {
		struct pci_device_info *d = &g_array_index(devs, struct pci_device_info, i);
		const char *desc = NULL;

		for (size_t k = 0; k < ARRAY_SIZE(pci_class_names); k++)
			if (pci_class_names[k].class_id == d->class_id)
				desc = pci_class_names[k].desc;
		g_string_append_printf(out, "  Bus %2d, device %3d, function %d:\n    ",
				       d->bus, d->slot, d->function);
		if (desc)
			g_string_append(out, desc);
		else
			g_string_append_printf(out, "Class %04d", d->class_id);
		g_string_append_printf(out, ": PCI device %04x:%04x\n", d->vendor_id, d->device_id);
		g_string_append_printf(out, "      PCI subsystem %04x:%04x\n",
				       d->subsystem_vendor_id, d->subsystem_id);
		if (d->irq_pin)
			g_string_append_printf(out, "      IRQ %d, pin %c\n", d->irq_line,
					       'A' + d->irq_pin - 1);
		for (unsigned b = 0; b < d->nr_bars; b++) {
			struct pci_bar_info *bi = &d->bars[b];

			g_string_append_printf(out, "      BAR%d: ", bi->region);
			if (bi->is_io)
				g_string_append_printf(out, "I/O at 0x%04" PRIx64 " [0x%04" PRIx64 "].\n",
						       bi->addr, bi->addr + bi->size - 1);
			else
				g_string_append_printf(out, "%d bit%s memory at 0x%08" PRIx64
						       " [0x%08" PRIx64 "].\n", bi->is_64 ? 64 : 32,
						       bi->prefetch ? " prefetchable" : "",
						       bi->addr, bi->addr + bi->size - 1);
		}
		g_string_append_printf(out, "      id \"%s\"\n", d->id ? d->id : "");
	}
}


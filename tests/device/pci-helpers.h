/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the PCI device tests: an i440FX on the harness's address spaces
 * (harness RAM as the machine's RAM, a fresh PCI memory container) and
 * configuration mechanism #1 accessors through ports 0xcf8/0xcfc.
 */
#ifndef TESTS_DEVICE_PCI_HELPERS_H
#define TESTS_DEVICE_PCI_HELPERS_H

#include "harness.h"
#include "hw/pci/pci.h"
#include "hw/pci-host/i440fx.h"

struct pci_test_machine {
	struct memory_region pci_mem;
	struct pci_bus *bus;
	struct i440fx_pci_windows win;
	bool pam_ram_at_reset;		/* set before pci_test_init */
};

static inline struct pci_bus *pci_test_init(struct pci_test_machine *m)
{
	GError *err = NULL;
	struct i440fx_config cfg = { 0 };

	harness_init();
	memory_region_init_container(&m->pci_mem, NULL, "pci", UINT64_MAX);
	cfg.sysmem = harness_mem()->root;
	cfg.iomem = harness_io()->root;
	cfg.ram = address_space_lookup(harness_mem(), 0)->mr;
	cfg.pci_mem = &m->pci_mem;
	cfg.dma_as = harness_mem();
	cfg.below_4g_mem_size = HARNESS_RAM_SIZE;
	cfg.pam_ram_at_reset = m->pam_ram_at_reset;
	m->bus = i440fx_init(&cfg, &m->win, &err);
	if (!m->bus)
		g_error("i440fx_init: %s", err->message);
	return m->bus;
}

/* Unrealize every device on the bus and drop the one reference each has here. */
static inline void pci_test_fini(struct pci_test_machine *m)
{
	struct pci_device *devs[PCI_DEVFN_MAX];
	int n = 0;

	for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++)
		if (m->bus->devices[devfn])
			devs[n++] = m->bus->devices[devfn];
	pci_bus_destroy(m->bus);
	for (int i = 0; i < n; i++)
		object_unref(OBJECT(devs[i]));
	memory_region_destroy(&m->pci_mem);
}

static inline uint32_t pci_cfg_addr(int devfn, int reg)
{
	return 0x80000000u | (devfn << 8) | (reg & 0xfc);
}

static inline uint32_t cfg_readl(int devfn, int reg)
{
	outl(0xcf8, pci_cfg_addr(devfn, reg));
	return inl(0xcfc);
}

static inline uint16_t cfg_readw(int devfn, int reg)
{
	outl(0xcf8, pci_cfg_addr(devfn, reg));
	return inw(0xcfc + (reg & 2));
}

static inline uint8_t cfg_readb(int devfn, int reg)
{
	outl(0xcf8, pci_cfg_addr(devfn, reg));
	return inb(0xcfc + (reg & 3));
}

static inline void cfg_writel(int devfn, int reg, uint32_t v)
{
	outl(0xcf8, pci_cfg_addr(devfn, reg));
	outl(0xcfc, v);
}

static inline void cfg_writew(int devfn, int reg, uint16_t v)
{
	outl(0xcf8, pci_cfg_addr(devfn, reg));
	outw(0xcfc + (reg & 2), v);
}

static inline void cfg_writeb(int devfn, int reg, uint8_t v)
{
	outl(0xcf8, pci_cfg_addr(devfn, reg));
	outb(0xcfc + (reg & 3), v);
}

#endif

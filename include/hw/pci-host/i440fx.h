/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The i440FX host bridge: PCI configuration mechanism #1 at ports
 * 0xcf8/0xcfc, the PMC function 00.0 (8086:1237) with the PAM registers that
 * shadow 0xc0000-0xfffff, the SMRAM register, and the PCI memory window.
 *
 * The board builds its memory first, then calls i440fx_init once:
 *
 *	memory_region_init_container(&pc->pci_mem, NULL, "pci", UINT64_MAX);
 *	// RAM below 4G as an alias of ms->ram at 0 in ms->sysmem (priority 0),
 *	// BIOS ROM at 4G - size in ms->sysmem, and its last 128 KiB as an alias
 *	// ("isa-bios") at 0xe0000 in pc->pci_mem (priority 1): that is what the
 *	// CPU reads at 0xe0000-0xfffff while PAM says "disabled" (power-on).
 *	struct i440fx_config cfg = {
 *		.sysmem = &ms->sysmem, .iomem = &ms->iomem, .ram = &ms->ram,
 *		.pci_mem = &pc->pci_mem, .dma_as = ms->as_mem,
 *		.below_4g_mem_size = ms->below_4g_mem_size,
 *		.above_4g_mem_size = ms->above_4g_mem_size,
 *	};
 *	struct pci_bus *bus = i440fx_init(&cfg, &windows, errp);
 *	struct piix3_state *piix3 = piix3_create(bus, PCI_DEVFN(1, 0), errp);
 *	pci_bus_set_msi(bus, pc_msi_send, pc);	// to the LAPICs or KVM_SIGNAL_MSI
 *
 * i440fx_init puts pci_mem under all of sysmem at priority -1 (so memory
 * BARs answer wherever RAM and board devices do not), the PAM windows and
 * the legacy VGA window 0xa0000-0xbffff (an alias of pci_mem, where a VGA
 * device maps its low memory) above RAM at priority 1, and the config ports
 * in iomem. It creates bus "pci.0" and the 00.0 device.
 */
#ifndef HW_PCI_HOST_I440FX_H
#define HW_PCI_HOST_I440FX_H

#include "hw/pci/pci.h"

#define I440FX_PAM		0x59	/* PAM0..PAM6: 0x59-0x5f */
#define I440FX_PAM_SIZE		7
#define I440FX_SMRAM		0x72
#define  SMRAM_D_OPEN		0x40
#define  SMRAM_D_CLS		0x20
#define  SMRAM_D_LCK		0x10
#define  SMRAM_G_SMRAME		0x08
#define  SMRAM_C_BASE_SEG	0x07
#define  SMRAM_C_BASE_SEG_A0000	0x02

/* PAM attribute of a segment (the two low bits of its nibble) */
#define PAM_DISABLED	0	/* reads and writes go to PCI (the BIOS ROM) */
#define PAM_RO		1	/* reads RAM, writes go to PCI */
#define PAM_WO		2	/* reads go to PCI, writes RAM */
#define PAM_RW		3

#define I440FX_PCI_HOLE_END	0xfec00000ULL	/* the IOAPIC */

struct i440fx_config {
	struct memory_region *sysmem;	/* the machine's memory root */
	struct memory_region *iomem;	/* the machine's port root */
	struct memory_region *ram;	/* all guest RAM; offset = guest address below 4G */
	struct memory_region *pci_mem;	/* empty-ish container of size UINT64_MAX, made by the board */
	struct address_space *dma_as;	/* what PCI bus masters see (the CPUs' memory) */
	uint64_t below_4g_mem_size;
	uint64_t above_4g_mem_size;
	uint64_t pci_hole64_size;	/* 0: 32 GiB */
	/*
	 * Direct boot (no firmware to do the shadowing): PAM powers on as
	 * read-write RAM instead of "disabled", so tables kemu writes below 1 MiB
	 * are what the guest reads, after every reset too.
	 */
	bool pam_ram_at_reset;
};

/* Where PCI memory BARs should go (for ACPI _CRS and firmware). */
struct i440fx_pci_windows {
	uint64_t hole_start, hole_end;		/* [below_4g_mem_size, 0xfec00000) */
	uint64_t hole64_start, hole64_end;	/* above RAM, 1 GiB aligned */
};

struct pci_bus *i440fx_init(const struct i440fx_config *cfg,
			    struct i440fx_pci_windows *windows, GError **errp);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "VGA": QEMU's PCI standard VGA (1234:1111), the VGA core (vga.c) on PCI.
 *
 * BAR 0: VRAM as a prefetchable linear framebuffer (vgamem_mb, 16 MiB).
 * BAR 2 (mmio=on): 4 KiB of registers, the layout QEMU's stdvga has:
 *	0x000-0x3ff  EDID blob (none: reads 0)
 *	0x400-0x41f  VGA ports 0x3c0-0x3df (byte access)
 *	0x500-0x515  Bochs dispi registers, 16-bit, index = (offset - 0x500) / 2
 *	0x600-0x607  QEMU extended registers: size (read-only), endianness
 * Legacy decode: the window 0xa0000-0xbffff goes into the bus's memory space
 * and ports 0x3b0-0x3df and 0x1ce-0x1d0 into its I/O space, as a PCI VGA
 * device claims them regardless of its BARs. Option ROM: vgabios-stdvga.bin
 * from Debian's seabios package.
 */
#include "hw/pci/pci.h"
#include "hw/display/vga.h"

#define PCI_VGA_MMIO_SIZE	0x1000
#define PCI_VGA_IOPORT_OFFSET	0x400
#define PCI_VGA_IOPORT_SIZE	0x20
#define PCI_VGA_BOCHS_OFFSET	0x500
#define PCI_VGA_BOCHS_SIZE	(VBE_DISPI_INDEX_NB * 2 + 2)
#define PCI_VGA_QEXT_OFFSET	0x600
#define PCI_VGA_QEXT_SIZE	8
#define PCI_VGA_QEXT_REG_SIZE	0
#define PCI_VGA_QEXT_REG_BYTEORDER 4
#define PCI_VGA_QEXT_LITTLE_ENDIAN 0x1e1e1e1e

struct pci_vga {
	struct pci_device parent;
	struct vga_state vga;
	struct memory_region mmio, mmio_ioport, mmio_bochs, mmio_qext;
	bool lowmem_mapped;
	/* properties */
	uint32_t vgamem_mb;
	bool mmio_bar;
	bool qext;
};

#define PCI_VGA(obj) OBJECT_CHECK(struct pci_vga, (obj), "VGA")

static uint64_t pci_vga_ioport_read(void *opaque, uint64_t off, unsigned size)
{
	struct pci_vga *d = opaque;
	uint32_t v = vga_ioport_read(&d->vga, 0x3c0 + off);

	if (size == 2)
		v |= vga_ioport_read(&d->vga, 0x3c0 + off + 1) << 8;
	return v;
}

static void pci_vga_ioport_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct pci_vga *d = opaque;

	/* a 16-bit write is index and data of a register pair, as on the ports */
	vga_ioport_write(&d->vga, 0x3c0 + off, val & 0xff);
	if (size == 2)
		vga_ioport_write(&d->vga, 0x3c0 + off + 1, val >> 8);
}

static const struct memory_region_ops pci_vga_ioport_ops = {
	.read = pci_vga_ioport_read,
	.write = pci_vga_ioport_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
	.impl = { .min_access_size = 1, .max_access_size = 2 },
};

static uint64_t pci_vga_bochs_read(void *opaque, uint64_t off, unsigned size)
{
	struct pci_vga *d = opaque;

	d->vga.vbe_index = off / 2;
	return vbe_read_data(&d->vga);
}

static void pci_vga_bochs_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct pci_vga *d = opaque;

	d->vga.vbe_index = off / 2;
	vbe_write_data(&d->vga, val);
}

static const struct memory_region_ops pci_vga_bochs_ops = {
	.read = pci_vga_bochs_read,
	.write = pci_vga_bochs_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
	.impl = { .min_access_size = 2, .max_access_size = 2 },
};

static uint64_t pci_vga_qext_read(void *opaque, uint64_t off, unsigned size)
{
	struct pci_vga *d = opaque;

	if (off == PCI_VGA_QEXT_REG_SIZE)
		return PCI_VGA_QEXT_SIZE;
	if (off == PCI_VGA_QEXT_REG_BYTEORDER)
		return PCI_VGA_QEXT_LITTLE_ENDIAN;
	(void)d;
	return 0;
}

static void pci_vga_qext_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	/* kemu's framebuffer is little-endian only; the guest may ask, not change */
	if (off == PCI_VGA_QEXT_REG_BYTEORDER && val != PCI_VGA_QEXT_LITTLE_ENDIAN)
		log_unimp("VGA: big-endian framebuffer (0x%" PRIx64 ")", val);
}

static const struct memory_region_ops pci_vga_qext_ops = {
	.read = pci_vga_qext_read,
	.write = pci_vga_qext_write,
	.valid = { .min_access_size = 4, .max_access_size = 4 },
};

static bool pci_vga_realize(struct pci_device *pdev, GError **errp)
{
	struct pci_vga *d = PCI_VGA(pdev);
	struct vga_state *s = &d->vga;

	if (d->vgamem_mb < 1 || d->vgamem_mb > 256 || (d->vgamem_mb & (d->vgamem_mb - 1))) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "VGA: vgamem_mb=%u: expected a power of two from 1 to 256", d->vgamem_mb);
		return false;
	}
	if (!vga_common_init(s, OBJECT(d), d->vgamem_mb * MiB, errp))
		return false;
	pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_PREFETCH,
			 &s->vram);
	if (d->mmio_bar) {
		memory_region_init_container(&d->mmio, OBJECT(d), "vga.mmio", PCI_VGA_MMIO_SIZE);
		memory_region_init_io(&d->mmio_ioport, OBJECT(d), &pci_vga_ioport_ops, d,
				      "vga ioports remapped", PCI_VGA_IOPORT_SIZE);
		memory_region_init_io(&d->mmio_bochs, OBJECT(d), &pci_vga_bochs_ops, d,
				      "bochs dispi interface", PCI_VGA_BOCHS_SIZE);
		memory_region_add_subregion(&d->mmio, PCI_VGA_IOPORT_OFFSET, &d->mmio_ioport);
		memory_region_add_subregion(&d->mmio, PCI_VGA_BOCHS_OFFSET, &d->mmio_bochs);
		if (d->qext) {
			memory_region_init_io(&d->mmio_qext, OBJECT(d), &pci_vga_qext_ops, d,
					      "qemu extended regs", PCI_VGA_QEXT_SIZE);
			memory_region_add_subregion(&d->mmio, PCI_VGA_QEXT_OFFSET, &d->mmio_qext);
		}
		pci_register_bar(pdev, 2, PCI_BASE_ADDRESS_SPACE_MEMORY, &d->mmio);
	}
	/* legacy VGA decode, above the i440FX's master-abort background */
	memory_region_add_subregion_overlap(pdev->bus->mem, 0xa0000, &s->lowmem, 1);
	memory_region_add_subregion_overlap(pdev->bus->io, 0x3b0, &s->ioports, 1);
	memory_region_add_subregion_overlap(pdev->bus->io, 0x1ce, &s->vbe_ports, 1);
	d->lowmem_mapped = true;
	s->con = graphic_console_register(DEVICE(d), &vga_console_ops, s);
	return true;
}

static void pci_vga_exit(struct pci_device *pdev)
{
	struct pci_vga *d = PCI_VGA(pdev);
	struct vga_state *s = &d->vga;

	graphic_console_unregister(s->con);
	s->con = NULL;
	if (d->lowmem_mapped) {
		memory_region_del_subregion(pdev->bus->mem, &s->lowmem);
		memory_region_del_subregion(pdev->bus->io, &s->ioports);
		memory_region_del_subregion(pdev->bus->io, &s->vbe_ports);
		d->lowmem_mapped = false;
	}
	if (d->mmio_bar) {
		memory_region_del_subregion(&d->mmio, &d->mmio_ioport);
		memory_region_del_subregion(&d->mmio, &d->mmio_bochs);
		memory_region_destroy(&d->mmio_ioport);
		memory_region_destroy(&d->mmio_bochs);
		if (d->qext) {
			memory_region_del_subregion(&d->mmio, &d->mmio_qext);
			memory_region_destroy(&d->mmio_qext);
		}
		memory_region_destroy(&d->mmio);
	}
	vga_common_fini(s);
}

static void pci_vga_reset(struct pci_device *pdev)
{
	vga_common_reset(&PCI_VGA(pdev)->vga);
}

static void pci_vga_post_load(struct pci_device *pdev)
{
	vga_common_post_load(&PCI_VGA(pdev)->vga);
}

static const struct vmstate_field pci_vga_fields[] = {
	VMSTATE_PCI_DEVICE(struct pci_vga, parent),
	VMSTATE_VGA_FIELDS(struct pci_vga, vga),
	VMSTATE_END
};

static const struct property pci_vga_props[] = {
	PROP_U32("vgamem_mb", struct pci_vga, vgamem_mb, 16),
	PROP_BOOL("mmio", struct pci_vga, mmio_bar, true),
	PROP_BOOL("qemu-extended-regs", struct pci_vga, qext, true),
	PROP_END
};

static void pci_vga_class_init(struct object_class *klass, const void *data)
{
	struct pci_device_class *k = PCI_DEVICE_CLASS(klass);

	k->realize = pci_vga_realize;
	k->exit = pci_vga_exit;
	k->reset = pci_vga_reset;
	k->post_load = pci_vga_post_load;
	k->vendor_id = 0x1234;
	k->device_id = 0x1111;
	k->revision = 2;
	k->class_id = PCI_CLASS_DISPLAY_VGA;
	k->romfile = "vgabios-stdvga.bin";
}

DEFINE_DEVICE_TYPE(pci_vga, "VGA", TYPE_PCI_DEVICE, struct pci_vga,
		   .class_init = pci_vga_class_init, .props = pci_vga_props,
		   .vmstate = pci_vga_fields, .vmstate_version = 1,
		   .desc = "standard VGA", .category = "display");

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Intel 82371SB PIIX3 function 1: the IDE controller ("piix3-ide",
 * 8086:7010) with its two channels in compatibility mode (ports
 * 0x1f0-0x1f7/0x3f6 on ISA IRQ 14, 0x170-0x177/0x376 on ISA IRQ 15) and
 * bus-master IDE DMA in BAR4 (PIIX3 datasheet 290550-002 sections 2.3 and
 * 2.7; the register and PRD layout are those of SFF-8038i "Bus Master
 * Programming Interface for IDE ATA Controllers" rev 1.0).
 *
 * Also here: pc_ide_init(), which the board calls to create the function,
 * the drives of -drive if=ide / -hda..-hdd / -cdrom and their CMOS bytes.
 *
 * As QEMU does, the legacy ports decode whatever the IDE Decode Enable
 * bits (IDETIM bit 15) say, so guests that never program the PIIX (DOS,
 * boot loaders after SeaBIOS) work; the timing registers are plain storage.
 * Unlike the datasheet's reset value (0), those bits read as set after
 * reset, which is what the device does: Linux's ata_piix skips a channel
 * whose bit is clear, and under kemu's direct kernel boot no firmware sets
 * them.
 * Not here: native-PCI mode (prog-if is fixed at 80h), the timing itself.
 */
#include "ide-internal.h"
#include "hw/pci/pci.h"
#include "hw/isa/isa.h"
#include "hw/boards.h"
#include "hw/rtc/mc146818rtc.h"

/* bus-master registers, per channel at 0 and 8 (SFF-8038i section 3) */
#define BM_CMD		0
#define  BM_CMD_START	0x01
#define  BM_CMD_WRITE	0x08	/* bus master writes memory (a device read) */
#define BM_STATUS	2
#define  BM_STATUS_ACTIVE 0x01
#define  BM_STATUS_ERROR 0x02
#define  BM_STATUS_INT	0x04
#define  BM_STATUS_CAP	0x60	/* drive 0/1 DMA capable: software's bits */
#define BM_PRD_TABLE	4

#define PRD_EOT		0x80000000u
#define PIIX_IDETIM	0x40	/* primary, secondary: 16 bits each */
#define  PIIX_IDETIM_IDE_DECODE 0x8000
#define PIIX_SIDETIM	0x44

struct piix_ide_state;

struct piix_bmdma {
	uint8_t cmd, status;
	uint32_t table;			/* PRD table address (BMIDTP) */
	uint32_t next_entry;		/* address of the next PRD to fetch */
	uint32_t cur_addr, cur_left;	/* what is left of the current PRD */
	bool eot;			/* the current PRD was the last one */
	struct piix_ide_state *owner;
	struct ide_bus *bus;
};

struct piix_ide_state {
	struct pci_device parent;
	struct ide_bus bus[IDE_NUM_BUSES];
	struct piix_bmdma bm[IDE_NUM_BUSES];
	struct memory_region bmdma_io;
	bool ready;			/* regions and buses set up (exit undoes them) */
};

#define PIIX_IDE(obj) OBJECT_CHECK(struct piix_ide_state, (obj), TYPE_PIIX3_IDE)

static const uint16_t piix_ide_cmd_port[IDE_NUM_BUSES] = { 0x1f0, 0x170 };
static const uint16_t piix_ide_ctl_port[IDE_NUM_BUSES] = { 0x3f6, 0x376 };
static const int piix_ide_isa_irq[IDE_NUM_BUSES] = { 14, 15 };

/* ---- the engine, as the channel sees it (struct ide_dma_ops) ---- */

static bool piix_bm_ready(void *opaque)
{
	struct piix_bmdma *bm = opaque;

	return bm->cmd & BM_CMD_START;
}

/* Fetch the next PRD (SFF-8038i 2.1): false if the table is bad. */
static bool piix_bm_next_prd(struct piix_bmdma *bm)
{
	uint8_t prd[8];
	uint32_t count;

	/* the table may not cross a 64 KiB boundary: that bounds a table that never ends */
	if ((bm->next_entry & ~0xffffu) != (bm->table & ~0xffffu)) {
		guest_error("piix3-ide: PRD table at 0x%x runs past its 64 KiB page", bm->table);
		return false;
	}
	if (pci_dma_read(&bm->owner->parent, bm->next_entry, prd, sizeof(prd)) != MEMTX_OK) {
		guest_error("piix3-ide: PRD at 0x%x not readable", bm->next_entry);
		return false;
	}
	bm->next_entry += 8;
	bm->cur_addr = ldl_le_p(prd) & ~1u;		/* bit 0 must be 0 */
	count = lduw_le_p(prd + 4) & 0xfffe;
	bm->cur_left = count ? count : 0x10000;		/* 0 means 64 KiB */
	bm->eot = ldl_le_p(prd + 4) & PRD_EOT;
	return true;
}

static int64_t piix_bm_rw(void *opaque, uint8_t *buf, uint32_t len, bool to_guest)
{
	struct piix_bmdma *bm = opaque;
	struct pci_device *pci = &bm->owner->parent;
	uint32_t done = 0;

	while (done < len) {
		uint32_t n;
		memtx_result r;

		if (bm->cur_left == 0) {
			if (bm->eot)
				return done;	/* the table ended before the transfer */
			if (!piix_bm_next_prd(bm))
				return -1;
		}
		n = MIN(len - done, bm->cur_left);
		r = to_guest ? pci_dma_write(pci, bm->cur_addr, buf + done, n)
			     : pci_dma_read(pci, bm->cur_addr, buf + done, n);
		if (r != MEMTX_OK) {
			guest_error("piix3-ide: DMA to 0x%x+%u refused (not RAM, or no bus "
				    "master enable)", bm->cur_addr, n);
			return -1;
		}
		bm->cur_addr += n;
		bm->cur_left -= n;
		done += n;
	}
	return done;
}

/*
 * The drive finished: Active drops when the table was used up exactly or
 * on an error; a longer table leaves it set (SFF-8038i 3.2, status bit 0).
 */
static void piix_bm_end(void *opaque, bool error)
{
	struct piix_bmdma *bm = opaque;

	if (error)
		bm->status = (bm->status & ~BM_STATUS_ACTIVE) | BM_STATUS_ERROR;
	else if (bm->eot && bm->cur_left == 0)
		bm->status &= ~BM_STATUS_ACTIVE;
}

static void piix_bm_irq_raised(void *opaque)
{
	struct piix_bmdma *bm = opaque;

	bm->status |= BM_STATUS_INT;
}

static const struct ide_dma_ops piix_bm_ops = {
	.ready = piix_bm_ready,
	.rw = piix_bm_rw,
	.end = piix_bm_end,
	.irq_raised = piix_bm_irq_raised,
};

/* ---- BAR4 registers ---- */

static void piix_bm_write_cmd(struct piix_bmdma *bm, uint8_t val)
{
	bool was = bm->cmd & BM_CMD_START;

	/* the direction bit is read/write only while stopped */
	if (was)
		bm->cmd = (bm->cmd & BM_CMD_WRITE) | (val & BM_CMD_START);
	else
		bm->cmd = val & (BM_CMD_START | BM_CMD_WRITE);
	if (!was && (bm->cmd & BM_CMD_START)) {
		bm->status |= BM_STATUS_ACTIVE;
		bm->next_entry = bm->table;
		bm->cur_left = 0;
		bm->eot = false;
		ide_bus_dma_kick(bm->bus);
	} else if (was && !(bm->cmd & BM_CMD_START)) {
		/* stopping aborts the transfer the engine was doing */
		bm->status &= ~BM_STATUS_ACTIVE;
	}
}

static uint64_t piix_bmdma_read(void *opaque, uint64_t off, unsigned size)
{
	struct piix_ide_state *s = opaque;
	struct piix_bmdma *bm = &s->bm[off >> 3];
	unsigned reg = off & 7;
	uint64_t v = 0;

	for (unsigned i = 0; i < size && reg + i < 8; i++) {
		unsigned r = reg + i;
		uint8_t b = 0;

		if (r == BM_CMD)
			b = bm->cmd;
		else if (r == BM_STATUS)
			b = bm->status;
		else if (r >= BM_PRD_TABLE)
			b = bm->table >> (8 * (r - BM_PRD_TABLE));
		v |= (uint64_t)b << (8 * i);
	}
	return v;
}

static void piix_bmdma_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct piix_ide_state *s = opaque;
	struct piix_bmdma *bm = &s->bm[off >> 3];
	unsigned reg = off & 7;

	for (unsigned i = 0; i < size && reg + i < 8; i++) {
		unsigned r = reg + i;
		uint8_t b = val >> (8 * i);

		if (r == BM_CMD) {
			piix_bm_write_cmd(bm, b);
		} else if (r == BM_STATUS) {
			/* error and interrupt are write-1-to-clear, the capable bits plain */
			bm->status = (bm->status & ~(b & (BM_STATUS_ERROR | BM_STATUS_INT)));
			bm->status = (bm->status & ~BM_STATUS_CAP) | (b & BM_STATUS_CAP);
		} else if (r >= BM_PRD_TABLE) {
			unsigned shift = 8 * (r - BM_PRD_TABLE);

			bm->table = (bm->table & ~(0xffu << shift)) | ((uint32_t)b << shift);
			bm->table &= ~3u;	/* dword aligned */
		}
	}
}

static const struct memory_region_ops piix_bmdma_ops = {
	.read = piix_bmdma_read,
	.write = piix_bmdma_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- the PCI function ---- */

static bool piix_ide_realize(struct pci_device *dev, GError **errp)
{
	struct piix_ide_state *s = PIIX_IDE(dev);
	struct isa_bus *isa = isa_bus_get();

	/* the channels own fixed ports and the names ide.0/ide.1 */
	if (ide_bus_find("ide.0") || ide_bus_find("ide.1")) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: only one IDE controller is supported",
			    TYPE_PIIX3_IDE);
		return false;
	}
	/* IDETIM / SIDETIM: storage the guest's driver programs (2.3.4) */
	memset(dev->wmask + PIIX_IDETIM, 0xff, 5);
	memory_region_init_io(&s->bmdma_io, OBJECT(dev), &piix_bmdma_ops, s, "piix-bmdma", 16);
	pci_register_bar(dev, 4, PCI_BASE_ADDRESS_SPACE_IO, &s->bmdma_io);

	for (int i = 0; i < IDE_NUM_BUSES; i++) {
		struct ide_bus *bus = &s->bus[i];

		s->bm[i].owner = s;
		s->bm[i].bus = bus;
		ide_bus_init(bus, OBJECT(dev), i, &piix_bm_ops, &s->bm[i]);
		ide_bus_register(bus);
		if (isa && isa->io) {
			memory_region_add_subregion(isa->io, piix_ide_cmd_port[i], &bus->cmd_io);
			memory_region_add_subregion(isa->io, piix_ide_ctl_port[i], &bus->ctl_io);
		}
		if (isa && isa->irq_handler)
			irq_line_connect(&bus->irq, isa->irq_handler, isa->irq_opaque,
					 piix_ide_isa_irq[i]);
	}
	s->ready = true;
	return true;
}

static void piix_ide_exit(struct pci_device *dev)
{
	struct piix_ide_state *s = PIIX_IDE(dev);
	struct isa_bus *isa = isa_bus_get();

	if (!s->ready)
		return;		/* realize refused before setting anything up */
	for (int i = 0; i < IDE_NUM_BUSES; i++) {
		ide_bus_unregister(&s->bus[i]);
		if (isa && isa->io) {
			memory_region_del_subregion(isa->io, &s->bus[i].cmd_io);
			memory_region_del_subregion(isa->io, &s->bus[i].ctl_io);
		}
		memory_region_destroy(&s->bus[i].cmd_io);
		memory_region_destroy(&s->bus[i].ctl_io);
	}
	memory_region_destroy(&s->bmdma_io);	/* the core unmapped BAR4 already */
	s->ready = false;
}

static void piix_ide_reset(struct pci_device *dev)
{
	struct piix_ide_state *s = PIIX_IDE(dev);

	for (int i = 0; i < IDE_NUM_BUSES; i++) {
		struct piix_bmdma *bm = &s->bm[i];

		bm->cmd = bm->status = 0;
		bm->table = bm->next_entry = bm->cur_addr = bm->cur_left = 0;
		bm->eot = false;
		ide_bus_reset(&s->bus[i]);
	}
	pci_set_word(dev->config + PIIX_IDETIM, PIIX_IDETIM_IDE_DECODE);
	pci_set_word(dev->config + PIIX_IDETIM + 2, PIIX_IDETIM_IDE_DECODE);
}

static const struct vmstate_field piix_ide_fields[] = {
	VMSTATE_PCI_DEVICE(struct piix_ide_state, parent),
	VMSTATE_U8(struct piix_ide_state, bm[0].cmd),
	VMSTATE_U8(struct piix_ide_state, bm[0].status),
	VMSTATE_U32(struct piix_ide_state, bm[0].table),
	VMSTATE_U32(struct piix_ide_state, bm[0].next_entry),
	VMSTATE_U32(struct piix_ide_state, bm[0].cur_addr),
	VMSTATE_U32(struct piix_ide_state, bm[0].cur_left),
	VMSTATE_BOOL(struct piix_ide_state, bm[0].eot),
	VMSTATE_U8(struct piix_ide_state, bm[1].cmd),
	VMSTATE_U8(struct piix_ide_state, bm[1].status),
	VMSTATE_U32(struct piix_ide_state, bm[1].table),
	VMSTATE_U32(struct piix_ide_state, bm[1].next_entry),
	VMSTATE_U32(struct piix_ide_state, bm[1].cur_addr),
	VMSTATE_U32(struct piix_ide_state, bm[1].cur_left),
	VMSTATE_BOOL(struct piix_ide_state, bm[1].eot),
	VMSTATE_U8(struct piix_ide_state, bus[0].unit),
	VMSTATE_U8(struct piix_ide_state, bus[0].devctl),
	VMSTATE_BOOL(struct piix_ide_state, bus[0].irq_pending),
	VMSTATE_U8(struct piix_ide_state, bus[1].unit),
	VMSTATE_U8(struct piix_ide_state, bus[1].devctl),
	VMSTATE_BOOL(struct piix_ide_state, bus[1].irq_pending),
	VMSTATE_END
};

static void piix_ide_class_init(struct object_class *klass, const void *data)
{
	struct pci_device_class *k = PCI_DEVICE_CLASS(klass);

	k->vendor_id = PCI_VENDOR_ID_INTEL;
	k->device_id = 0x7010;
	k->class_id = PCI_CLASS_STORAGE_IDE;
	k->prog_if = 0x80;	/* bus master; both channels in compatibility mode */
	k->realize = piix_ide_realize;
	k->exit = piix_ide_exit;
	k->reset = piix_ide_reset;
	DEVICE_CLASS(klass)->no_user = true;
}

DEFINE_DEVICE_TYPE(piix3_ide, TYPE_PIIX3_IDE, TYPE_PCI_DEVICE, struct piix_ide_state,
		   .class_init = piix_ide_class_init, .vmstate = piix_ide_fields,
		   .vmstate_version = 1, .no_user = true,
		   .desc = "PIIX3 IDE controller", .category = "storage");

/* ---- the board's part ---- */

/*
 * CMOS bytes for the first two hard disks (IBM AT BIOS layout, as QEMU's
 * pc writes them): 0x12 types (Fh: see 0x19/0x1a), 0x19/0x1a extended type
 * 47 (user-defined), 0x1b-0x23 and 0x24-0x2c cylinders, heads, write
 * precompensation, control byte, landing zone, sectors; 0x39 the
 * translation SeaBIOS uses per drive (2 bits: 0 none, 1 LBA).
 */
static void pc_ide_cmos_init(struct device *rtc, struct ide_device *hd[4])
{
	uint8_t types = 0, translation = 0;

	for (int i = 0; i < 2; i++) {
		struct ide_device *d = hd[i];
		int base = 0x1b + 9 * i;

		if (!d)
			continue;
		types |= 0xf0 >> (4 * i);
		rtc_set_cmos(rtc, 0x19 + i, 47);
		rtc_set_cmos(rtc, base + 0, d->cyls);
		rtc_set_cmos(rtc, base + 1, d->cyls >> 8);
		rtc_set_cmos(rtc, base + 2, d->heads);
		rtc_set_cmos(rtc, base + 3, 0xff);
		rtc_set_cmos(rtc, base + 4, 0xff);
		rtc_set_cmos(rtc, base + 5, 0xc0 | (d->heads > 8 ? 0x08 : 0));
		rtc_set_cmos(rtc, base + 6, d->cyls);
		rtc_set_cmos(rtc, base + 7, d->cyls >> 8);
		rtc_set_cmos(rtc, base + 8, d->secs);
	}
	for (int i = 0; i < 4; i++)
		if (hd[i] && hd[i]->cyls > 1024)
			translation |= 1 << (2 * i);
	rtc_set_cmos(rtc, 0x12, types);
	rtc_set_cmos(rtc, 0x39, translation);
}

static struct device *pc_ide_drive_new(struct machine_state *ms, struct drive_info *di,
				       GError **errp)
{
	const char *type = di->media == DRIVE_MEDIA_CDROM ? TYPE_IDE_CD : TYPE_IDE_HD;
	struct device *dev = device_new(type);
	g_autofree char *bus = g_strdup_printf("ide.%d", di->bus);
	g_autofree char *unit = g_strdup_printf("%d", di->unit);
	g_autofree char *name = g_strdup_printf("ide%d-%s%d", di->bus,
						di->media == DRIVE_MEDIA_CDROM ? "cd" : "hd",
						di->unit);
	GError *err = NULL;

	if (!object_property_set_ptr(OBJECT(dev), "drive", di, &err) ||
	    !object_property_parse(OBJECT(dev), "bus", bus, &err) ||
	    !object_property_parse(OBJECT(dev), "unit", unit, &err)) {
		object_unref(OBJECT(dev));
		g_propagate_error(errp, err);
		return NULL;
	}
	machine_add_device(ms, name, dev);
	object_unref(OBJECT(dev));
	if (!device_realize(dev, &err)) {
		g_propagate_prefixed_error(errp, err, "-drive %s: ", di->id);
		object_unparent(OBJECT(dev));
		return NULL;
	}
	return dev;
}

struct pci_device *pc_ide_init(struct pci_bus *bus, int devfn, struct device *rtc,
			       GError **errp)
{
	struct machine_state *ms = machine_current();
	struct pci_device *pci = pci_new(bus, devfn, TYPE_PIIX3_IDE);
	struct ide_device *hd[4] = { NULL };
	GError *err = NULL;

	machine_add_device(ms, "ide", DEVICE(pci));
	object_unref(OBJECT(pci));
	if (!pci_realize(pci, &err)) {
		g_propagate_prefixed_error(errp, err, "%s: ", TYPE_PIIX3_IDE);
		return NULL;
	}
	for (int b = 0; b < IDE_NUM_BUSES; b++) {
		for (int u = 0; u < 2; u++) {
			struct drive_info *di = drive_get(IF_IDE, b, u);
			struct device *dev;

			if (!di)
				continue;
			dev = pc_ide_drive_new(ms, di, errp);
			if (!dev)
				return NULL;
			if (di->media != DRIVE_MEDIA_CDROM)
				hd[b * 2 + u] = IDE_DEVICE(dev);
		}
	}
	if (drive_get_max_bus(IF_IDE) >= IDE_NUM_BUSES) {
		g_set_error(errp, KEMU_ERROR, 0, "-drive if=ide: bus %d: the PIIX3 has buses 0 "
			    "and 1 only (index 0-3)", drive_get_max_bus(IF_IDE));
		return NULL;
	}
	if (rtc)
		pc_ide_cmos_init(rtc, hd);
	return pci;
}

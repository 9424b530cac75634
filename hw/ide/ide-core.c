// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One IDE channel: the command and control block registers, PIO data
 * transfers through the data port, INTRQ with nIEN, software reset, the
 * DMA loop between the block layer and a bus-master engine, and the
 * abstract "ide-device" (properties, placement on a bus, drive claim).
 *
 * Not here: what the commands do (ide-ata.c, ide-atapi.c) and the PCI
 * function with its bus-master registers (piix-ide.c).
 *
 * References are to ATA/ATAPI-6 (T13/1410D rev. 3b): section 7 for the
 * registers, 9 for the protocols, 9.2 / 9.12 for resets and signatures.
 */
#include "ide-internal.h"
#include "hw/pci/pci.h"
#include "system/bootdevice.h"

/* The channels that exist, for -device ide-hd,bus=ide.N (one machine). */
static GPtrArray *ide_buses;

static struct ide_device *ide_bus_selected(struct ide_bus *bus)
{
	return bus->dev[bus->unit];
}

/* ---- interrupts ---- */

/* INTRQ is asserted while pending and not masked by nIEN (7.8). */
static void ide_bus_update_irq(struct ide_bus *bus)
{
	irq_line_set(&bus->irq, bus->irq_pending && !(bus->devctl & ATA_DEVCTL_NIEN));
}

void ide_set_irq(struct ide_device *d)
{
	struct ide_bus *bus = d->bus;

	bus->irq_pending = true;
	ide_bus_update_irq(bus);
	if (bus->dma_ops)
		bus->dma_ops->irq_raised(bus->dma_opaque);
}

static void ide_clear_irq(struct ide_bus *bus)
{
	bus->irq_pending = false;
	ide_bus_update_irq(bus);
}

/* ---- command completion helpers ---- */

void ide_cmd_done(struct ide_device *d)
{
	d->status = ATA_DRDY | ATA_DSC;
	d->pio_end = IDE_PIO_END_NONE;
	d->buf_pos = d->buf_end = 0;
	ide_set_irq(d);
}

void ide_cmd_error(struct ide_device *d, uint8_t error)
{
	d->status = ATA_DRDY | ATA_ERR;
	d->error = error;
	d->pio_end = IDE_PIO_END_NONE;
	d->buf_pos = d->buf_end = 0;
	d->dma_pending = false;
	ide_set_irq(d);
}

void ide_cmd_abort(struct ide_device *d)
{
	ide_cmd_error(d, ATA_ABRT);
}

/*
 * Make len bytes of io_buffer available on the data port: DRQ on, and for
 * data-in blocks and later data-out blocks an interrupt (9.7, 9.8).
 */
void ide_pio_start(struct ide_device *d, uint32_t len, bool guest_writes,
		   enum ide_pio_end end, bool irq)
{
	g_assert(len <= IDE_BUFFER_SIZE);
	d->buf_pos = 0;
	d->buf_end = len;
	d->pio_out = guest_writes;
	d->pio_end = end;
	d->status = ATA_DRDY | ATA_DSC | ATA_DRQ;
	if (irq)
		ide_set_irq(d);
}

/* ---- LBA / CHS addressing (7.10, 7.12, 6.2) ---- */

uint64_t ide_get_lba(struct ide_device *d, bool lba48)
{
	if (lba48)
		return (uint64_t)d->lbal | (uint64_t)d->lbam << 8 | (uint64_t)d->lbah << 16 |
		       (uint64_t)d->hob_lbal << 24 | (uint64_t)d->hob_lbam << 32 |
		       (uint64_t)d->hob_lbah << 40;
	if (d->device & ATA_DEV_LBA)
		return d->lbal | d->lbam << 8 | d->lbah << 16 | (uint32_t)(d->device & 0x0f) << 24;
	/* CHS: sector numbers start at 1; a 0 sector gives an impossible LBA */
	{
		uint32_t cyl = d->lbam | d->lbah << 8;
		uint32_t head = d->device & 0x0f;
		uint32_t heads = d->cur_heads ? d->cur_heads : 1;
		uint32_t secs = d->cur_secs ? d->cur_secs : 1;

		if (d->lbal == 0 || d->lbal > secs || head >= heads)
			return UINT64_MAX;
		return ((uint64_t)cyl * heads + head) * secs + d->lbal - 1;
	}
}

void ide_set_lba(struct ide_device *d, uint64_t lba, bool lba48)
{
	if (lba48) {
		d->lbal = lba;
		d->lbam = lba >> 8;
		d->lbah = lba >> 16;
		d->hob_lbal = lba >> 24;
		d->hob_lbam = lba >> 32;
		d->hob_lbah = lba >> 40;
	} else if (d->device & ATA_DEV_LBA) {
		d->lbal = lba;
		d->lbam = lba >> 8;
		d->lbah = lba >> 16;
		d->device = (d->device & 0xf0) | ((lba >> 24) & 0x0f);
	} else if (d->cur_heads && d->cur_secs) {
		uint32_t cyl = lba / (d->cur_heads * d->cur_secs);
		uint32_t r = lba % (d->cur_heads * d->cur_secs);

		d->lbam = cyl;
		d->lbah = cyl >> 8;
		d->device = (d->device & 0xf0) | ((r / d->cur_secs) & 0x0f);
		d->lbal = r % d->cur_secs + 1;
	}
}

/* ATA strings: space padded, two characters per word, high byte first (6.5). */
void ide_padstr(uint8_t *dst, const char *src, size_t len)
{
	size_t n = strlen(src);

	for (size_t i = 0; i < len; i++)
		dst[i ^ 1] = i < n ? src[i] : ' ';
}

/* ---- asynchronous block I/O ---- */

struct ide_io_req {
	struct ide_device *d;
	uint32_t gen;
	bool write;
	uint32_t len;
	uint8_t *buf;
	struct iovec iov;
	ide_io_done_fn done;
};

struct blk *ide_device_blk(struct ide_device *d)
{
	/* read afresh: NULL while a removable drive has no medium */
	return d->drive ? d->drive->blk : NULL;
}

static void ide_io_complete(void *opaque, int ret)
{
	struct ide_io_req *req = opaque;
	struct ide_device *d = req->d;

	if (req->gen == d->io_gen) {
		d->io_busy = false;
		if (ret < 0 && drive_io_error(d->drive, !req->write, ret) == DRIVE_OUTCOME_IGNORE) {
			if (!req->write)
				memset(req->buf, 0, req->len);
			ret = 0;
		}
		if (!req->write && ret == 0 && req->len)
			memcpy(d->io_buffer, req->buf, req->len);
		req->done(d, ret);
	}
	g_free(req->buf);
	object_unref(OBJECT(d));
	g_free(req);
}

/*
 * Read into or write from io_buffer[0..len) at a byte offset of the image.
 * The request has a buffer of its own, so a reset (which makes it stale)
 * never lets it scribble over a newer command's data.
 */
void ide_blk_io(struct ide_device *d, bool write, uint64_t offset, uint32_t len,
		ide_io_done_fn done)
{
	struct blk *blk = ide_device_blk(d);
	struct ide_io_req *req;

	if (!blk) {
		done(d, -ENOMEDIUM);
		return;
	}
	req = g_new0(struct ide_io_req, 1);
	req->d = d;
	req->gen = d->io_gen;
	req->write = write;
	req->len = len;
	req->buf = g_malloc(MAX(len, 1));
	req->iov.iov_base = req->buf;
	req->iov.iov_len = len;
	req->done = done;
	object_ref(OBJECT(d));
	d->io_busy = true;
	if (write) {
		memcpy(req->buf, d->io_buffer, len);
		blk_aio_pwritev(blk, offset, &req->iov, 1, ide_io_complete, req);
	} else {
		blk_aio_preadv(blk, offset, &req->iov, 1, ide_io_complete, req);
	}
}

void ide_blk_flush(struct ide_device *d, ide_io_done_fn done)
{
	struct blk *blk = ide_device_blk(d);
	struct ide_io_req *req;

	if (!blk) {
		done(d, 0);
		return;
	}
	req = g_new0(struct ide_io_req, 1);
	req->d = d;
	req->gen = d->io_gen;
	req->write = true;
	req->done = done;
	object_ref(OBJECT(d));
	d->io_busy = true;
	blk_aio_flush(blk, ide_io_complete, req);
}

/* ---- DMA: block layer <-> io_buffer <-> the engine's PRD table ---- */

static void ide_dma_step(struct ide_device *d);

static void ide_dma_finish(struct ide_device *d, int result)
{
	struct ide_bus *bus = d->bus;

	d->dma_pending = false;
	if (bus->dma_ops)
		bus->dma_ops->end(bus->dma_opaque, result == IDE_DMA_BAD_PRD);
	IDE_DEVICE_GET_CLASS(d)->dma_done(d, result);
}

/* Move one chunk between io_buffer and the guest; false when the PRD table failed. */
static bool ide_dma_copy(struct ide_device *d, uint32_t len, bool to_guest)
{
	struct ide_bus *bus = d->bus;
	int64_t n = bus->dma_ops->rw(bus->dma_opaque, d->io_buffer, len, to_guest);

	if (n != len) {
		guest_error("ide: %s: PRD table %s after %" PRId64 " of %u bytes", bus->name,
			    n < 0 ? "invalid" : "too short", n < 0 ? 0 : n, len);
		ide_dma_finish(d, IDE_DMA_BAD_PRD);
		return false;
	}
	return true;
}

static void ide_dma_read_done(struct ide_device *d, int ret)
{
	uint32_t chunk = MIN(d->dma_left, IDE_BUFFER_SIZE);

	if (ret < 0) {
		ide_dma_finish(d, IDE_DMA_IO_ERROR);
		return;
	}
	if (!ide_dma_copy(d, chunk, true))
		return;
	d->dma_offset += chunk;
	d->dma_left -= chunk;
	ide_dma_step(d);
}

static void ide_dma_write_done(struct ide_device *d, int ret)
{
	uint32_t chunk = MIN(d->dma_left, IDE_BUFFER_SIZE);

	if (ret < 0) {
		ide_dma_finish(d, IDE_DMA_IO_ERROR);
		return;
	}
	d->dma_offset += chunk;
	d->dma_left -= chunk;
	ide_dma_step(d);
}

static void ide_dma_step(struct ide_device *d)
{
	struct ide_bus *bus = d->bus;
	uint32_t chunk;

	if (!d->dma_pending || d->io_busy)
		return;
	if (!bus->dma_ops || !bus->dma_ops->ready(bus->dma_opaque))
		return;		/* resumes when the guest sets Start */
	if (d->dma_left == 0) {
		ide_dma_finish(d, IDE_DMA_OK);
		return;
	}
	chunk = MIN(d->dma_left, IDE_BUFFER_SIZE);
	if (d->dma_from_buffer) {
		if (!ide_dma_copy(d, chunk, d->dma_to_guest))
			return;
		d->dma_left -= chunk;
		ide_dma_finish(d, IDE_DMA_OK);
	} else if (d->dma_to_guest) {
		ide_blk_io(d, false, d->dma_offset, chunk, ide_dma_read_done);
	} else {
		if (!ide_dma_copy(d, chunk, false))
			return;
		ide_blk_io(d, true, d->dma_offset, chunk, ide_dma_write_done);
	}
}

void ide_dma_begin(struct ide_device *d, bool to_guest, uint64_t offset, uint64_t bytes,
		   bool from_buffer)
{
	/* DMA data transfer in progress: DRQ, as the 9.10 protocol shows it */
	d->status = ATA_DRDY | ATA_DSC | ATA_DRQ;
	d->dma_pending = true;
	d->dma_to_guest = to_guest;
	d->dma_from_buffer = from_buffer;
	d->dma_offset = offset;
	d->dma_left = bytes;
	ide_dma_step(d);
}

/* The engine's Start bit was set: run what the selected drive waits with. */
void ide_bus_dma_kick(struct ide_bus *bus)
{
	for (int i = 0; i < 2; i++)
		if (bus->dev[i] && bus->dev[i]->dma_pending)
			ide_dma_step(bus->dev[i]);
}

/* ---- registers ---- */

static void ide_data_read(struct ide_device *d, uint8_t *out, unsigned size)
{
	uint32_t n;

	memset(out, 0xff, size);
	if (!d || !(d->status & ATA_DRQ) || d->pio_out || d->buf_pos >= d->buf_end)
		return;
	n = MIN(size, d->buf_end - d->buf_pos);
	memcpy(out, d->io_buffer + d->buf_pos, n);
	d->buf_pos += n;
	if (d->buf_pos >= d->buf_end) {
		d->status &= ~ATA_DRQ;
		IDE_DEVICE_GET_CLASS(d)->pio_block_end(d);
	}
}

static void ide_data_write(struct ide_device *d, const uint8_t *in, unsigned size)
{
	uint32_t n;

	if (!d || !(d->status & ATA_DRQ) || !d->pio_out || d->buf_pos >= d->buf_end)
		return;
	n = MIN(size, d->buf_end - d->buf_pos);
	memcpy(d->io_buffer + d->buf_pos, in, n);
	d->buf_pos += n;
	if (d->buf_pos >= d->buf_end) {
		d->status &= ~ATA_DRQ;
		IDE_DEVICE_GET_CLASS(d)->pio_block_end(d);
	}
}

static uint64_t ide_cmd_read(void *opaque, uint64_t reg, unsigned size)
{
	struct ide_bus *bus = opaque;
	struct ide_device *d = ide_bus_selected(bus);
	/* an absent device 1 is answered for by device 0 (9.16), status 0 */
	struct ide_device *r = d ? d : bus->dev[bus->unit ^ 1];
	bool hob = bus->devctl & ATA_DEVCTL_HOB;
	uint8_t buf[4];

	if (reg == ATA_REG_DATA) {
		ide_data_read(d, buf, size);
		return size == 4 ? ldl_le_p(buf) : size == 2 ? lduw_le_p(buf) : buf[0];
	}
	if (!r)
		return 0;	/* no drive on this channel */
	switch (reg) {
	case ATA_REG_ERROR:
		return hob ? r->hob_feature : (d ? d->error : 0);
	case ATA_REG_NSECTOR:
		return hob ? r->hob_nsector : r->nsector;
	case ATA_REG_LBAL:
		return hob ? r->hob_lbal : r->lbal;
	case ATA_REG_LBAM:
		return hob ? r->hob_lbam : r->lbam;
	case ATA_REG_LBAH:
		return hob ? r->hob_lbah : r->lbah;
	case ATA_REG_DEVICE:
		return r->device;
	default:	/* status: reading it acknowledges the interrupt (7.15) */
		ide_clear_irq(bus);
		return d ? d->status : 0;
	}
}

static void ide_exec_cmd(struct ide_bus *bus, uint8_t cmd)
{
	struct ide_device *d = ide_bus_selected(bus);

	ide_clear_irq(bus);
	if (!d)
		return;		/* no device there: nothing answers */
	/* a command written while busy is ignored (7.4), except an ATAPI reset */
	if ((d->status & (ATA_BSY | ATA_DRQ)) && !(d->is_cd && cmd == ATA_CMD_DEVICE_RESET)) {
		guest_error("ide: %s: command 0x%02x while the drive is busy", bus->name, cmd);
		return;
	}
	d->cmd = cmd;
	d->error = 0;
	IDE_DEVICE_GET_CLASS(d)->exec_cmd(d, cmd);
}

static void ide_cmd_write(void *opaque, uint64_t reg, uint64_t val, unsigned size)
{
	struct ide_bus *bus = opaque;
	uint8_t buf[4];

	if (reg == ATA_REG_DATA) {
		stl_le_p(buf, val);
		ide_data_write(ide_bus_selected(bus), buf, size);
		return;
	}
	if (reg == ATA_REG_CMD) {
		ide_exec_cmd(bus, val);
		return;
	}
	/* writing a command block register clears HOB (7.8) */
	bus->devctl &= ~ATA_DEVCTL_HOB;
	for (int i = 0; i < 2; i++) {
		struct ide_device *d = bus->dev[i];

		if (!d)
			continue;
		switch (reg) {
		case ATA_REG_FEATURE:
			d->hob_feature = d->feature;
			d->feature = val;
			break;
		case ATA_REG_NSECTOR:
			d->hob_nsector = d->nsector;
			d->nsector = val;
			break;
		case ATA_REG_LBAL:
			d->hob_lbal = d->lbal;
			d->lbal = val;
			break;
		case ATA_REG_LBAM:
			d->hob_lbam = d->lbam;
			d->lbam = val;
			break;
		case ATA_REG_LBAH:
			d->hob_lbah = d->lbah;
			d->lbah = val;
			break;
		case ATA_REG_DEVICE:
			d->device = val;
			break;
		}
	}
	if (reg == ATA_REG_DEVICE)
		bus->unit = (val & ATA_DEV_DEV) ? 1 : 0;
}

static const struct memory_region_ops ide_cmd_ops = {
	.read = ide_cmd_read,
	.write = ide_cmd_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
};

/* A drive's registers and state after any reset (9.12): signature, no command. */
static void ide_device_soft_reset(struct ide_device *d)
{
	d->io_gen++;
	d->io_busy = false;
	d->dma_pending = false;
	d->pio_end = IDE_PIO_END_NONE;
	d->buf_pos = d->buf_end = 0;
	d->cmd = 0;
	d->feature = d->hob_feature = 0;
	d->hob_nsector = d->hob_lbal = d->hob_lbam = d->hob_lbah = 0;
	d->device = 0xa0;	/* obsolete bits 7 and 5 read as set on older drives */
	d->error = 0x01;	/* diagnostic code: device 0 passed (table 27) */
	IDE_DEVICE_GET_CLASS(d)->set_signature(d);
}

/* Device control (7.8): nIEN masks INTRQ; SRST 1 -> 0 resets both drives. */
static void ide_ctl_write(void *opaque, uint64_t reg, uint64_t val, unsigned size)
{
	struct ide_bus *bus = opaque;
	uint8_t old = bus->devctl;

	bus->devctl = val;
	if (!(old & ATA_DEVCTL_SRST) && (val & ATA_DEVCTL_SRST)) {
		for (int i = 0; i < 2; i++)
			if (bus->dev[i]) {
				ide_device_soft_reset(bus->dev[i]);
				bus->dev[i]->status = ATA_BSY;
			}
	} else if ((old & ATA_DEVCTL_SRST) && !(val & ATA_DEVCTL_SRST)) {
		bus->unit = 0;
		bus->irq_pending = false;
		for (int i = 0; i < 2; i++)
			if (bus->dev[i])
				ide_device_soft_reset(bus->dev[i]);
	}
	ide_bus_update_irq(bus);
}

/* Alternate status: the status without acknowledging the interrupt. */
static uint64_t ide_ctl_read(void *opaque, uint64_t reg, unsigned size)
{
	struct ide_bus *bus = opaque;
	struct ide_device *d = ide_bus_selected(bus);

	if (!bus->dev[0] && !bus->dev[1])
		return 0;
	return d ? d->status : 0;
}

static const struct memory_region_ops ide_ctl_ops = {
	.read = ide_ctl_read,
	.write = ide_ctl_write,
	.valid = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- the channel ---- */

void ide_bus_init(struct ide_bus *bus, struct object *owner, int bus_id,
		  const struct ide_dma_ops *dma_ops, void *dma_opaque)
{
	memset(bus, 0, sizeof(*bus));
	snprintf(bus->name, sizeof(bus->name), "ide.%d", bus_id);
	bus->bus_id = bus_id;
	bus->owner = owner;
	bus->dma_ops = dma_ops;
	bus->dma_opaque = dma_opaque;
	memory_region_init_io(&bus->cmd_io, owner, &ide_cmd_ops, bus, "ide-cmd", 8);
	memory_region_init_io(&bus->ctl_io, owner, &ide_ctl_ops, bus, "ide-ctl", 1);
}

void ide_bus_register(struct ide_bus *bus)
{
	if (!ide_buses)
		ide_buses = g_ptr_array_new();
	g_ptr_array_add(ide_buses, bus);
}

void ide_bus_unregister(struct ide_bus *bus)
{
	for (int i = 0; i < 2; i++)
		if (bus->dev[i])
			bus->dev[i]->bus = NULL;
	if (ide_buses)
		g_ptr_array_remove(ide_buses, bus);
}

struct ide_bus *ide_bus_find(const char *name)
{
	for (guint i = 0; ide_buses && i < ide_buses->len; i++) {
		struct ide_bus *bus = g_ptr_array_index(ide_buses, i);

		if (!strcmp(bus->name, name))
			return bus;
	}
	return NULL;
}

/* Power-on / system reset of the channel and its drives. */
void ide_bus_reset(struct ide_bus *bus)
{
	bus->unit = 0;
	bus->devctl = 0;
	bus->irq_pending = false;
	ide_bus_update_irq(bus);
	for (int i = 0; i < 2; i++)
		if (bus->dev[i])
			device_reset(DEVICE(bus->dev[i]));
}

/* ---- the abstract drive ---- */

static bool ide_device_place(struct ide_device *d, GError **errp)
{
	struct ide_bus *bus = NULL;
	int unit = d->unit;

	if (d->unit < -1 || d->unit > 1) {
		g_set_error(errp, KEMU_ERROR, 0, "unit=%d: expected 0 or 1", d->unit);
		return false;
	}
	if (d->bus_name) {
		bus = ide_bus_find(d->bus_name);
		if (!bus) {
			g_set_error(errp, KEMU_ERROR, 0, "bus=%s: no such IDE bus (ide.0 or ide.1)",
				    d->bus_name);
			return false;
		}
		if (unit < 0)
			unit = !bus->dev[0] ? 0 : 1;
		if (bus->dev[unit]) {
			g_set_error(errp, KEMU_ERROR, 0, "bus=%s,unit=%d: position already in use",
				    d->bus_name, unit);
			return false;
		}
	} else {
		for (guint i = 0; ide_buses && i < ide_buses->len && !bus; i++) {
			struct ide_bus *b = g_ptr_array_index(ide_buses, i);

			for (int u = 0; u < 2 && !bus; u++)
				if (!b->dev[u] && (d->unit < 0 || d->unit == u)) {
					bus = b;
					unit = u;
				}
		}
		if (!bus) {
			g_set_error(errp, KEMU_ERROR, 0, "no free IDE position%s",
				    ide_buses && ide_buses->len ? "" : " (no IDE controller)");
			return false;
		}
	}
	d->bus = bus;
	d->unit_nr = unit;
	bus->dev[unit] = d;
	return true;
}

/*
 * A hard disk's default geometry: 16 heads and 63 sectors per track, as
 * many cylinders as fit up to 16383 (ATA-6 6.2.1 and annex B); the
 * BIOS translates above 1024 cylinders (LBA translation in CMOS 0x39).
 */
static bool ide_hd_set_geometry(struct ide_device *d, GError **errp)
{
	int64_t len = blk_getlength(d->drive->blk);

	if (len < ATA_SECTOR_SIZE) {
		g_set_error(errp, KEMU_ERROR, 0, "drive %s: image smaller than one sector",
			    d->drive->id);
		return false;
	}
	d->nb_sectors = len / ATA_SECTOR_SIZE;
	d->heads = 16;
	d->secs = 63;
	d->cyls = CLAMP(d->nb_sectors / (16 * 63), 1, 16383);
	if (d->nb_sectors < 16 * 63) {
		/* tiny disks (test images): one head per 63 sectors, at least one */
		d->heads = MAX(1, MIN(16, d->nb_sectors / 63));
		d->cyls = MAX(1, d->nb_sectors / (d->heads * 63));
		if (d->nb_sectors < 63) {
			d->heads = 1;
			d->secs = d->nb_sectors;
		}
	}
	return true;
}

static bool ide_device_realize(struct device *dev, GError **errp)
{
	struct ide_device *d = IDE_DEVICE(dev);
	const struct drive_dev_ops *ops = d->is_cd ? &ide_cd_drive_ops : NULL;

	if (!d->is_cd && (!d->drive || !d->drive->blk)) {
		g_set_error(errp, KEMU_ERROR, 0, "drive: ide-hd needs a drive with a medium "
			    "(drive=ID of a -drive with file=)");
		return false;
	}
	if (!d->is_cd && !ide_hd_set_geometry(d, errp))
		return false;
	if (d->drive && !drive_attach(d->drive, dev, ops, d, errp))
		return false;
	if (!ide_device_place(d, errp)) {
		if (d->drive)
			drive_detach(d->drive);
		return false;
	}
	d->io_buffer = g_malloc0(IDE_BUFFER_SIZE);
	if (d->bootindex >= 0 && d->bus->owner) {
		g_autofree char *pci = pci_device_fw_path(PCI_DEVICE(d->bus->owner));
		g_autofree char *path = g_strdup_printf("%s/drive@%d/disk@%d", pci,
							d->bus->bus_id, d->unit_nr);

		bootdevice_add(d->bootindex, dev, path);
	}
	return true;
}

static void ide_device_unrealize(struct device *dev)
{
	struct ide_device *d = IDE_DEVICE(dev);

	d->io_gen++;		/* completions still in flight find a stale generation */
	bootdevice_remove(dev);
	if (d->bus && d->bus->dev[d->unit_nr] == d)
		d->bus->dev[d->unit_nr] = NULL;
	d->bus = NULL;
	if (d->drive)
		drive_detach(d->drive);
	g_clear_pointer(&d->io_buffer, g_free);
}

static void ide_device_reset(struct device *dev)
{
	struct ide_device *d = IDE_DEVICE(dev);

	d->mult_sectors = 0;
	d->cur_cyls = d->cyls;
	d->cur_heads = d->heads;
	d->cur_secs = d->secs;
	d->xfer_mode = 0;
	d->write_cache = true;
	d->nsector = d->lbal = d->lbam = d->lbah = 0;
	/* ide-cd: sense, lock, tray closed, no event (a reset keeps the medium) */
	d->sense_key = d->asc = d->ascq = 0;
	d->medium_locked = false;
	d->tray_open = false;
	d->event = 0;
	d->unit_attention = false;
	if (d->bus)
		ide_device_soft_reset(d);
}

static const struct property ide_device_props[] = {
	PROP_DRIVE("drive", struct ide_device, drive),
	PROP_STRING("bus", struct ide_device, bus_name, NULL),
	PROP_I32("unit", struct ide_device, unit, -1),
	PROP_I32("bootindex", struct ide_device, bootindex, -1),
	PROP_STRING("serial", struct ide_device, serial, NULL),
	PROP_STRING("model", struct ide_device, model, NULL),
	PROP_STRING("ver", struct ide_device, version, NULL),
	PROP_U64("wwn", struct ide_device, wwn, 0),
	PROP_END
};

DEFINE_DEVICE_TYPE(ide_device, TYPE_IDE_DEVICE, TYPE_DEVICE, struct ide_device,
		   .class_size = sizeof(struct ide_device_class), .abstract = true,
		   .realize = ide_device_realize, .unrealize = ide_device_unrealize,
		   .reset = ide_device_reset, .props = ide_device_props,
		   .category = "storage");

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ATA hard disk ("ide-hd"): the ATA command set of ATA/ATAPI-6 (T13/1410D
 * rev. 3b) section 8 that PC firmware, DOS, Linux and Windows use: IDENTIFY
 * DEVICE, PIO and multiple-sector reads and writes, DMA reads and writes
 * (28- and 48-bit), READ VERIFY, FLUSH CACHE, SET FEATURES, SET MULTIPLE
 * MODE, INITIALIZE DEVICE PARAMETERS, SEEK, power management no-ops.
 *
 * Not here: the register protocol (ide-core.c), SMART, security, HPA,
 * TRIM, NCQ (no AHCI), tagged queueing. Requests outside the medium abort
 * with IDNF (8.x "ID not found"); commands not listed abort with ABRT.
 */
#include "ide-internal.h"

/* ---- IDENTIFY DEVICE (8.15, table 31) ---- */

static void ata_identify_checksum(uint8_t *p)
{
	uint8_t sum = 0;

	/* word 255: signature a5h, then the byte that makes all 512 sum to 0 */
	p[510] = 0xa5;
	for (int i = 0; i < 511; i++)
		sum += p[i];
	p[511] = -sum;
}

static void ata_identify(struct ide_device *d)
{
	uint8_t *p = d->io_buffer;
	uint64_t lba28 = MIN(d->nb_sectors, 0x0fffffffULL);
	uint32_t cur_capacity = d->cur_cyls * d->cur_heads * d->cur_secs;
	g_autofree char *serial = g_strdup_printf("QM%05d", d->bus->bus_id * 2 + d->unit_nr + 1);
	const char *sn = d->serial ? d->serial : d->drive->serial ? d->drive->serial : serial;

	memset(p, 0, ATA_SECTOR_SIZE);
#define W(n, v) stw_le_p(p + 2 * (n), (v))
	W(0, 0x0040);				/* fixed device */
	W(1, d->cyls);
	W(3, d->heads);
	W(4, 512 * d->secs);			/* obsolete, as older drives filled it */
	W(5, 512);
	W(6, d->secs);
	ide_padstr(p + 20, sn, 20);		/* words 10-19 serial */
	W(20, 3);				/* obsolete buffer type */
	W(21, 512);
	ide_padstr(p + 46, d->version ? d->version : "2.5+", 8);	/* words 23-26 */
	ide_padstr(p + 54, d->model ? d->model : "QEMU HARDDISK", 40);	/* words 27-46 */
	W(47, 0x8000 | IDE_MAX_MULT_SECTORS);
	W(49, 0x0f00);				/* IORDY, IORDY may be disabled, LBA, DMA */
	W(50, 0x4000);
	W(51, 0x0200);				/* PIO timing mode 2 (obsolete) */
	W(52, 0x0200);
	W(53, 0x0007);				/* words 54-58, 64-70 and 88 valid */
	W(54, d->cur_cyls);
	W(55, d->cur_heads);
	W(56, d->cur_secs);
	W(57, cur_capacity);
	W(58, cur_capacity >> 16);
	W(59, d->mult_sectors ? 0x0100 | d->mult_sectors : 0);
	W(60, lba28);
	W(61, lba28 >> 16);
	/* multiword DMA 0-2 supported; bits 8-10 say which one is selected */
	W(63, 0x0007 | ((d->xfer_mode >> 3) == 4 ? 1u << (8 + (d->xfer_mode & 7)) : 0));
	W(64, 0x0003);				/* PIO modes 3 and 4 */
	W(65, 120);
	W(66, 120);
	W(67, 120);
	W(68, 120);
	W(80, 0x007e);				/* ATA-1 to ATA-6 */
	W(82, 0x4020);				/* NOP, write cache */
	W(83, 0x7400);	/* FLUSH CACHE EXT, FLUSH CACHE, 48-bit */
	W(84, 0x4000 | (d->wwn ? 0x0100 : 0));	/* bit 8: world wide name */
	W(85, 0x4000 | (d->write_cache ? 0x0020 : 0));
	W(86, 0x3400);
	W(87, 0x4000 | (d->wwn ? 0x0100 : 0));
	/* Ultra DMA 0-5 supported; bits 8-13 say which one is selected */
	W(88, 0x003f | ((d->xfer_mode >> 3) == 8 ? 1u << (8 + (d->xfer_mode & 7)) : 0));
	/* word 93: valid (bit 14), 80-conductor cable detected (bit 13) */
	W(93, 0x6001);
	W(100, d->nb_sectors);
	W(101, d->nb_sectors >> 16);
	W(102, d->nb_sectors >> 32);
	W(103, d->nb_sectors >> 48);
	if (d->wwn) {
		W(108, d->wwn >> 48);
		W(109, d->wwn >> 32);
		W(110, d->wwn >> 16);
		W(111, d->wwn);
	}
#undef W
	ata_identify_checksum(p);
}

/* ---- reads and writes ---- */

static bool ata_cmd_is_lba48(uint8_t cmd)
{
	switch (cmd) {
	case ATA_CMD_READ_SECTORS_EXT: case ATA_CMD_READ_DMA_EXT:
	case ATA_CMD_READ_MULTIPLE_EXT: case ATA_CMD_WRITE_SECTORS_EXT:
	case ATA_CMD_WRITE_DMA_EXT: case ATA_CMD_WRITE_MULTIPLE_EXT:
	case ATA_CMD_READ_VERIFY_EXT:
		return true;
	}
	return false;
}

/*
 * The command's LBA and sector count from the task file (0 means 256, or
 * 65536 for the 48-bit forms, 8.x); false with IDNF set when the range is
 * not on the medium.
 */
static bool ata_get_range(struct ide_device *d, bool lba48)
{
	uint64_t lba = ide_get_lba(d, lba48);
	uint32_t count = lba48 ? (uint32_t)d->hob_nsector << 8 | d->nsector : d->nsector;

	if (count == 0)
		count = lba48 ? 65536 : 256;
	if (lba == UINT64_MAX || lba >= d->nb_sectors || count > d->nb_sectors - lba) {
		guest_error("ide: %s unit %d: sectors %" PRIu64 "+%u beyond the disk (%" PRIu64
			    " sectors)", d->bus->name, d->unit_nr, lba == UINT64_MAX ? 0 : lba,
			    count, d->nb_sectors);
		ide_cmd_error(d, ATA_IDNF | ATA_ABRT);
		return false;
	}
	d->xfer_lba = lba;
	d->xfer_count = count;
	return true;
}

static uint32_t ata_block_sectors(struct ide_device *d)
{
	bool multiple = d->cmd == ATA_CMD_READ_MULTIPLE || d->cmd == ATA_CMD_READ_MULTIPLE_EXT ||
			d->cmd == ATA_CMD_WRITE_MULTIPLE || d->cmd == ATA_CMD_WRITE_MULTIPLE_EXT;

	return MIN(d->xfer_count, multiple ? d->mult_sectors : 1);
}

static bool ata_cmd_is_write(uint8_t cmd)
{
	switch (cmd) {
	case ATA_CMD_WRITE_SECTORS: case ATA_CMD_WRITE_SECTORS_NORETRY:
	case ATA_CMD_WRITE_SECTORS_EXT: case ATA_CMD_WRITE_MULTIPLE:
	case ATA_CMD_WRITE_MULTIPLE_EXT: case ATA_CMD_WRITE_DMA:
	case ATA_CMD_WRITE_DMA_NORETRY: case ATA_CMD_WRITE_DMA_EXT:
		return true;
	}
	return false;
}

/*
 * An I/O error: UNC (uncorrectable data) for reads, ABRT for writes, and the
 * LBA registers show the first sector of the failed block (8.x outputs).
 */
static void ata_io_failed(struct ide_device *d)
{
	ide_set_lba(d, d->xfer_lba, ata_cmd_is_lba48(d->cmd));
	ide_cmd_error(d, ata_cmd_is_write(d->cmd) ? ATA_ABRT : ATA_UNC | ATA_ABRT);
}

/* The next DRQ block of a PIO read, from io_buffer[start..]: data ready, INTRQ (9.7). */
static void ata_pio_read_block(struct ide_device *d, uint32_t start)
{
	uint32_t len = ata_block_sectors(d) * ATA_SECTOR_SIZE;

	ide_pio_start(d, len, false, IDE_PIO_END_ATA_READ, false);
	d->buf_pos = start;
	d->buf_end = start + len;
	ide_set_irq(d);
}

static void ata_pio_read_done(struct ide_device *d, int ret)
{
	if (ret < 0) {
		ata_io_failed(d);
		return;
	}
	ata_pio_read_block(d, 0);
}

/*
 * Read ahead up to a buffer's worth (256 sectors) in one request and hand
 * it out block by block: a guest polling BSY between sectors then waits
 * for the block layer once per 128 KiB rather than once per sector.
 */
static void ata_pio_read_next(struct ide_device *d)
{
	uint32_t n = MIN(d->xfer_count, IDE_BUFFER_SIZE / ATA_SECTOR_SIZE);

	d->buf_fill = n * ATA_SECTOR_SIZE;
	d->status = ATA_BSY | ATA_DRDY;
	ide_blk_io(d, false, d->xfer_lba * ATA_SECTOR_SIZE, d->buf_fill, ata_pio_read_done);
}

static void ata_pio_write_done(struct ide_device *d, int ret)
{
	uint32_t n = d->buf_end / ATA_SECTOR_SIZE;

	if (ret < 0) {
		ata_io_failed(d);
		return;
	}
	d->xfer_lba += n;
	d->xfer_count -= n;
	if (d->xfer_count == 0) {
		ide_set_lba(d, d->xfer_lba - 1, ata_cmd_is_lba48(d->cmd));
		d->nsector = 0;
		ide_cmd_done(d);
		return;
	}
	ide_pio_start(d, ata_block_sectors(d) * ATA_SECTOR_SIZE, true, IDE_PIO_END_ATA_WRITE,
		      true);
}

static void ata_pio_block_end(struct ide_device *d)
{
	uint32_t n = d->buf_end / ATA_SECTOR_SIZE;

	switch (d->pio_end) {
	case IDE_PIO_END_ATA_READ:
		n = ata_block_sectors(d);	/* the block just read */
		d->xfer_lba += n;
		d->xfer_count -= n;
		if (d->xfer_count == 0) {
			/* the last block read ends the command without an interrupt (9.7) */
			ide_set_lba(d, d->xfer_lba - 1, ata_cmd_is_lba48(d->cmd));
			d->nsector = 0;
			d->status = ATA_DRDY | ATA_DSC;
			d->pio_end = IDE_PIO_END_NONE;
			return;
		}
		if (d->buf_end < d->buf_fill)
			ata_pio_read_block(d, d->buf_end);
		else
			ata_pio_read_next(d);
		break;
	case IDE_PIO_END_ATA_WRITE:
		d->status = ATA_BSY | ATA_DRDY;
		ide_blk_io(d, true, d->xfer_lba * ATA_SECTOR_SIZE, n * ATA_SECTOR_SIZE,
			   ata_pio_write_done);
		break;
	default:	/* IDENTIFY: the one block was read */
		d->status = ATA_DRDY | ATA_DSC;
		d->pio_end = IDE_PIO_END_NONE;
		break;
	}
}

static void ata_dma_done(struct ide_device *d, int result)
{
	bool lba48 = ata_cmd_is_lba48(d->cmd);

	switch (result) {
	case IDE_DMA_OK:
		ide_set_lba(d, d->xfer_lba + d->xfer_count - 1, lba48);
		d->nsector = 0;
		ide_cmd_done(d);
		break;
	case IDE_DMA_IO_ERROR:
		ata_io_failed(d);
		break;
	default:
		ide_cmd_abort(d);
		break;
	}
}

static void ata_flush_done(struct ide_device *d, int ret)
{
	if (ret < 0)
		ide_cmd_abort(d);
	else
		ide_cmd_done(d);
}

/* ---- SET FEATURES (8.37) and INITIALIZE DEVICE PARAMETERS (8.16) ---- */

static void ata_set_features(struct ide_device *d)
{
	switch (d->feature) {
	case ATA_SF_ENABLE_WCACHE:
	case ATA_SF_DISABLE_WCACHE:
		d->write_cache = d->feature == ATA_SF_ENABLE_WCACHE;
		break;
	case ATA_SF_SET_XFER_MODE: {
		uint8_t mode = d->nsector;
		/* 00h/01h PIO default, 08h+n PIO n, 20h+n multiword DMA n, 40h+n UDMA n */
		bool ok = mode <= 1 || (mode >= 0x08 && mode <= 0x0c) ||
			  (mode >= 0x20 && mode <= 0x22) || (mode >= 0x40 && mode <= 0x45);

		if (!ok) {
			guest_error("ide: SET FEATURES transfer mode 0x%02x not supported", mode);
			ide_cmd_abort(d);
			return;
		}
		d->xfer_mode = mode;
		break;
	}
	case ATA_SF_DISABLE_RLA: case ATA_SF_ENABLE_RLA:
	case ATA_SF_DISABLE_REVERT: case ATA_SF_ENABLE_REVERT:
		break;
	default:
		log_unimp("ide: SET FEATURES subcommand 0x%02x", d->feature);
		ide_cmd_abort(d);
		return;
	}
	ide_cmd_done(d);
}

static void ata_init_dev_params(struct ide_device *d)
{
	uint32_t heads = (d->device & 0x0f) + 1, secs = d->nsector;

	if (secs == 0) {
		ide_cmd_abort(d);
		return;
	}
	d->cur_heads = heads;
	d->cur_secs = secs;
	d->cur_cyls = MIN(d->nb_sectors / (heads * secs), 65535);
	ide_cmd_done(d);
}

/* ---- dispatch ---- */

void ata_exec_diagnostic(struct ide_device *d)
{
	/* both drives run it; each shows its signature and "passed" (8.11) */
	for (int i = 0; i < 2; i++) {
		struct ide_device *o = d->bus->dev[i];

		if (!o)
			continue;
		IDE_DEVICE_GET_CLASS(o)->set_signature(o);
		o->error = 0x01;
		o->status = o->is_cd ? 0 : ATA_DRDY | ATA_DSC;
	}
	ide_set_irq(d);
}

static void ata_exec_cmd(struct ide_device *d, uint8_t cmd)
{
	bool lba48 = ata_cmd_is_lba48(cmd);

	switch (cmd) {
	case ATA_CMD_IDENTIFY:
		ata_identify(d);
		ide_pio_start(d, ATA_SECTOR_SIZE, false, IDE_PIO_END_DONE, true);
		break;
	case ATA_CMD_READ_MULTIPLE: case ATA_CMD_READ_MULTIPLE_EXT:
	case ATA_CMD_WRITE_MULTIPLE: case ATA_CMD_WRITE_MULTIPLE_EXT:
		if (!d->mult_sectors) {
			guest_error("ide: READ/WRITE MULTIPLE without SET MULTIPLE MODE");
			ide_cmd_abort(d);
			break;
		}
		/* fall through */
	case ATA_CMD_READ_SECTORS: case ATA_CMD_READ_SECTORS_NORETRY:
	case ATA_CMD_READ_SECTORS_EXT:
	case ATA_CMD_WRITE_SECTORS: case ATA_CMD_WRITE_SECTORS_NORETRY:
	case ATA_CMD_WRITE_SECTORS_EXT:
		if (!ata_get_range(d, lba48))
			break;
		if (cmd == ATA_CMD_READ_SECTORS || cmd == ATA_CMD_READ_SECTORS_NORETRY ||
		    cmd == ATA_CMD_READ_SECTORS_EXT || cmd == ATA_CMD_READ_MULTIPLE ||
		    cmd == ATA_CMD_READ_MULTIPLE_EXT)
			ata_pio_read_next(d);
		else	/* data-out: DRQ for the first block without an interrupt (9.8) */
			ide_pio_start(d, ata_block_sectors(d) * ATA_SECTOR_SIZE, true,
				      IDE_PIO_END_ATA_WRITE, false);
		break;
	case ATA_CMD_READ_DMA: case ATA_CMD_READ_DMA_NORETRY: case ATA_CMD_READ_DMA_EXT:
	case ATA_CMD_WRITE_DMA: case ATA_CMD_WRITE_DMA_NORETRY: case ATA_CMD_WRITE_DMA_EXT: {
		bool to_guest = cmd == ATA_CMD_READ_DMA || cmd == ATA_CMD_READ_DMA_NORETRY ||
				cmd == ATA_CMD_READ_DMA_EXT;

		if (!ata_get_range(d, lba48))
			break;
		ide_dma_begin(d, to_guest, d->xfer_lba * ATA_SECTOR_SIZE,
			      (uint64_t)d->xfer_count * ATA_SECTOR_SIZE, false);
		break;
	}
	case ATA_CMD_READ_VERIFY: case ATA_CMD_READ_VERIFY_NORETRY: case ATA_CMD_READ_VERIFY_EXT:
		if (!ata_get_range(d, lba48))
			break;
		ide_set_lba(d, d->xfer_lba + d->xfer_count - 1, lba48);
		ide_cmd_done(d);
		break;
	case ATA_CMD_SET_MULTIPLE:
		/* 0 disables; otherwise a power of two up to word 47's maximum */
		if (d->nsector > IDE_MAX_MULT_SECTORS || (d->nsector & (d->nsector - 1))) {
			guest_error("ide: SET MULTIPLE MODE %u not supported", d->nsector);
			ide_cmd_abort(d);
			break;
		}
		d->mult_sectors = d->nsector;
		ide_cmd_done(d);
		break;
	case ATA_CMD_SET_FEATURES:
		ata_set_features(d);
		break;
	case ATA_CMD_FLUSH_CACHE: case ATA_CMD_FLUSH_CACHE_EXT:
		d->status = ATA_BSY | ATA_DRDY;
		ide_blk_flush(d, ata_flush_done);
		break;
	case ATA_CMD_INIT_DEV_PARAMS:
		ata_init_dev_params(d);
		break;
	case ATA_CMD_EXECUTE_DIAGNOSTIC:
		ata_exec_diagnostic(d);
		break;
	case ATA_CMD_CHECK_POWER_MODE:
		d->nsector = 0xff;	/* active or idle */
		ide_cmd_done(d);
		break;
	case ATA_CMD_STANDBY_IMMEDIATE: case ATA_CMD_IDLE_IMMEDIATE:
	case ATA_CMD_STANDBY: case ATA_CMD_IDLE: case ATA_CMD_SLEEP:
		ide_cmd_done(d);
		break;
	default:
		if ((cmd & 0xf0) == ATA_CMD_RECALIBRATE) {
			ide_cmd_done(d);
			break;
		}
		if ((cmd & 0xf0) == ATA_CMD_SEEK) {
			if (ide_get_lba(d, false) >= d->nb_sectors)
				ide_cmd_error(d, ATA_IDNF | ATA_ABRT);
			else
				ide_cmd_done(d);
			break;
		}
		/* NOP, DEVICE RESET, PACKET, IDENTIFY PACKET DEVICE and the rest */
		log_unimp("ide: ATA command 0x%02x", cmd);
		ide_cmd_abort(d);
		break;
	}
}

/* ATA signature (9.12): count 1, LBA 1, LBA mid/high 0; ready. */
static void ata_set_signature(struct ide_device *d)
{
	d->nsector = 1;
	d->lbal = 1;
	d->lbam = 0;
	d->lbah = 0;
	d->status = ATA_DRDY | ATA_DSC;
}

static void ide_hd_class_init(struct object_class *klass, const void *data)
{
	struct ide_device_class *k = IDE_DEVICE_CLASS(klass);

	k->exec_cmd = ata_exec_cmd;
	k->pio_block_end = ata_pio_block_end;
	k->dma_done = ata_dma_done;
	k->set_signature = ata_set_signature;
}

static const struct vmstate_field ide_hd_fields[] = {
	VMSTATE_U8(struct ide_device, feature),
	VMSTATE_U8(struct ide_device, nsector),
	VMSTATE_U8(struct ide_device, lbal),
	VMSTATE_U8(struct ide_device, lbam),
	VMSTATE_U8(struct ide_device, lbah),
	VMSTATE_U8(struct ide_device, hob_feature),
	VMSTATE_U8(struct ide_device, hob_nsector),
	VMSTATE_U8(struct ide_device, hob_lbal),
	VMSTATE_U8(struct ide_device, hob_lbam),
	VMSTATE_U8(struct ide_device, hob_lbah),
	VMSTATE_U8(struct ide_device, device),
	VMSTATE_U8(struct ide_device, status),
	VMSTATE_U8(struct ide_device, error),
	VMSTATE_U8(struct ide_device, cmd),
	VMSTATE_U8(struct ide_device, mult_sectors),
	VMSTATE_U16(struct ide_device, cur_heads),
	VMSTATE_U16(struct ide_device, cur_secs),
	VMSTATE_U32(struct ide_device, cur_cyls),
	VMSTATE_U8(struct ide_device, xfer_mode),
	VMSTATE_BOOL(struct ide_device, write_cache),
	VMSTATE_END
};

DEFINE_DEVICE_TYPE(ide_hd, TYPE_IDE_HD, TYPE_IDE_DEVICE, struct ide_device,
		   .class_init = ide_hd_class_init, .vmstate = ide_hd_fields,
		   .vmstate_version = 1, .desc = "virtual IDE disk", .category = "storage");

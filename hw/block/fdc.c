// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Intel 82077AA floppy disk controller in PC-AT mode ("isa-fdc"): the
 * controller core (media, commands, data transfer); the ISA device with its
 * ports and life cycle is hw/block/fdc-isa.c.
 *
 * Ports (82077AA data sheet, Table 2 "Register Set"): iobase+2 DOR,
 * +3 TDR, +4 MSR (read) / DSR (write), +5 FIFO, +7 DIR (read) / CCR
 * (write); +0/+1 are the PS/2-mode status registers, not driven in AT mode;
 * +6 belongs to the IDE controller. IRQ 6 and DMA channel 2 on the PC.
 *
 * A command goes through three phases (data sheet section 8): the guest
 * writes the command bytes to the FIFO, the controller executes (data moves
 * by DMA or, in non-DMA mode, through the FIFO with MSR.NDMA set), and the
 * guest reads the result bytes (ST0-ST3, cylinder/head/sector). Seek and
 * recalibrate have no result phase: they raise the interrupt and the guest
 * asks with SENSE INTERRUPT STATUS.
 *
 * Media are images: a sector is 512 bytes at LBA (C * heads + H) * sectors
 * + R - 1, the geometry follows from the image size. Sector data moves
 * through asynchronous block requests, one sector at a time; while one is in
 * flight the controller stays busy (MSR.RQM clear, DREQ not held), and the
 * completion moves the command on. Seeks complete at once (no step timing).
 *
 * Not here: READ TRACK, VERIFY, SCAN, READ/WRITE DELETED DATA, the
 * 82078's PART ID/SAVE/RESTORE (all answer "invalid command", which is
 * what an 82077AA says to the 82078 ones); sector sizes other than 512
 * bytes; step and head-load timing; drives 2 and 3.
 */
#include "hw/block/fdc-internal.h"
#include "hw/dma/i8257.h"

static void fdc_end_command(struct fdc_state *s, uint8_t st0, uint8_t st1, uint8_t st2);
static void fdc_sector_done(struct fdc_state *s);

/* Media formats the image size selects (3.5" and 5.25" PC formats). */
static const struct fdc_format fdc_formats[] = {
	{ 368640, 40, 2, 9, FDC_RATE_300K, FDC_DRIVE_TYPE_120, "360K" },
	{ 737280, 80, 2, 9, FDC_RATE_250K, FDC_DRIVE_TYPE_144, "720K" },
	{ 1228800, 80, 2, 15, FDC_RATE_500K, FDC_DRIVE_TYPE_120, "1.2M" },
	{ 1474560, 80, 2, 18, FDC_RATE_500K, FDC_DRIVE_TYPE_144, "1.44M" },
	{ 1720320, 80, 2, 21, FDC_RATE_500K, FDC_DRIVE_TYPE_144, "1.68M DMF" },
	{ 2949120, 80, 2, 36, FDC_RATE_1M, FDC_DRIVE_TYPE_288, "2.88M" },
};

/* ---- media ---- */

struct blk *fdc_blk(struct fdc_drive *drv)
{
	return drv->drive ? drv->drive->blk : NULL;
}

static const struct fdc_format *fdc_format_for_size(uint64_t size)
{
	/* an exact size first, else the smallest format the image fits in */
	for (unsigned i = 0; i < G_N_ELEMENTS(fdc_formats); i++)
		if (fdc_formats[i].size == size)
			return &fdc_formats[i];
	for (unsigned i = 0; i < G_N_ELEMENTS(fdc_formats); i++)
		if (size > 0 && size < fdc_formats[i].size)
			return &fdc_formats[i];
	return NULL;
}

void fdc_drive_probe(struct fdc_drive *drv)
{
	struct blk *blk = fdc_blk(drv);
	int64_t len = blk ? blk_getlength(blk) : -1;

	drv->format = len > 0 ? fdc_format_for_size(len) : NULL;
	drv->readonly = blk && (drv->drive->readonly || blk_is_readonly(blk));
	if (blk && !drv->format)
		guest_error("isa-fdc: drive %c: image of %" PRId64 " bytes is no floppy format",
			    'A' + drv->unit, len);
}

struct fdc_drive *fdc_drive_get(struct fdc_state *s, unsigned unit)
{
	if (unit >= FDC_MAX_DRIVES || !s->drives[unit].drive)
		return NULL;
	return &s->drives[unit];
}

/* The drive noticed a change of medium: DSKCHG stays up until a step with a disk in. */
static void fdc_change_media(void *opaque, bool load)
{
	struct fdc_drive *drv = opaque;

	fdc_drive_probe(drv);
	drv->fdc->media_changed[drv->unit] = 1;
}

const struct drive_dev_ops fdc_drive_ops = {
	.change_media = fdc_change_media,
};

enum fdc_drive_type fdc_get_drive_type(struct device *dev, int n)
{
	struct fdc_state *s = ISA_FDC(dev);

	if (n < 0 || n >= FDC_MAX_DRIVES || !s->drives[n].drive)
		return FDC_DRIVE_TYPE_NONE;
	return s->drives[n].type;
}

/* Head moved to cylinder c: step pulses with a disk in the drive reset DSKCHG. */
static void fdc_drive_seek(struct fdc_state *s, unsigned unit, uint8_t c)
{
	struct fdc_drive *drv = fdc_drive_get(s, unit);

	if (unit >= FDC_UNITS)
		return;
	if (s->track[unit] != c && drv && fdc_blk(drv))
		s->media_changed[unit] = 0;
	s->track[unit] = c;
}

/* ---- interrupt ---- */

void fdc_update_irq(struct fdc_state *s)
{
	bool enabled = (s->dor & FD_DOR_DMAEN) && (s->dor & FD_DOR_nRESET);


	irq_line_set(&s->irq, s->irq_pending && enabled);
}

static void fdc_raise_irq(struct fdc_state *s)
{
	s->irq_pending = true;
	fdc_update_irq(s);
}

void fdc_lower_irq(struct fdc_state *s)
{
	s->irq_pending = false;
	fdc_update_irq(s);
}

/* ---- phases ---- */

void fdc_to_command_phase(struct fdc_state *s)
{
	s->phase = FDC_PHASE_COMMAND;
	s->cmd_pos = s->cmd_len = 0;
	s->res_pos = s->res_len = 0;
}

static void fdc_to_result_phase(struct fdc_state *s, const uint8_t *res, unsigned len)
{
	if (log_enabled(LOG_TRACE)) {
		g_autoptr(GString) t = g_string_new(NULL);

		for (unsigned i = 0; i < len; i++)
			g_string_append_printf(t, " %02x", res[i]);
		kemu_log("fdc: result:%s\n", t->str);
	}
	memcpy(s->res, res, len);
	s->res_len = len;
	s->res_pos = 0;
	s->phase = FDC_PHASE_RESULT;
}

static void fdc_stop_transfer(struct fdc_state *s)
{
	if (s->dma)
		i8257_dma_release(s->dma, s->dma_chan);
	s->xfer_kind = FDC_XFER_NONE;
	s->buf_ready = false;
}

/* Result phase of a read/write/format/READ ID: ST0 ST1 ST2 C H R N, with INT. */
static void fdc_end_command(struct fdc_state *s, uint8_t st0, uint8_t st1, uint8_t st2)
{
	uint8_t res[7] = {
		/* ST0 HD: the head that was reading, not the next sector's */
		st0 | (s->head[s->xfer_unit] & 1) << 2 | s->xfer_unit,
		st1, st2, s->xfer_c, s->xfer_h, s->xfer_r, s->xfer_n,
	};

	fdc_stop_transfer(s);
	fdc_to_result_phase(s, res, sizeof(res));
	fdc_raise_irq(s);
}

void fdc_reset_controller(struct fdc_state *s, bool interrupt)
{
	s->gen++;			/* a block request in flight is forgotten */
	s->io_busy = false;
	fdc_stop_transfer(s);
	fdc_to_command_phase(s);
	s->seek_pending = 0;
	s->reset_sense = 0;
	s->irq_pending = false;
	if (!s->lock) {
		/* LOCK keeps the FIFO settings across a software reset (data sheet 5.3.2) */
		s->config = FD_CONFIG_DEFAULT;
		s->pretrk = 0;
	}
	s->perpendicular &= 0x3c;	/* GAP and WGATE clear on reset, drive bits kept */
	memset(s->track, 0, sizeof(s->track));
	if (interrupt) {
		/* after a reset the controller polls the drives and reports "ready changed"
		 * for each of the four with SENSE INTERRUPT STATUS */
		s->reset_sense = 4;
		fdc_raise_irq(s);
	} else {
		fdc_update_irq(s);
	}
}

/* ---- data transfer ---- */

static uint64_t fdc_sector_offset(struct fdc_state *s)
{
	const struct fdc_format *f = s->drives[s->xfer_unit].format;

	return (((uint64_t)s->xfer_c * f->heads + s->xfer_h) * f->sectors + s->xfer_r - 1) *
	       FDC_SECTOR_SIZE;
}

/* The channel can take data now (DMA mode) or the guest may use the FIFO. */
static void fdc_data_ready(struct fdc_state *s)
{
	s->buf_ready = true;
	if (s->xfer_dma) {
		if (s->dma)
			i8257_dma_hold(s->dma, s->dma_chan);
		else
			guest_error("isa-fdc: DMA transfer but the ISA bus has no DMA controller");
	} else {
		/* non-DMA mode: INT asks for each FIFO service (data sheet 8.1.2) */
		fdc_raise_irq(s);
	}
}

static void fdc_io_complete(void *opaque, int ret)
{
	struct fdc_request *req = opaque;
	struct fdc_state *s = req->s;
	bool is_read = s->xfer_kind == FDC_XFER_READ;

	if (req->gen != s->gen || s->phase != FDC_PHASE_EXEC) {
		g_free(req);
		return;
	}
	s->io_busy = false;
	if (ret < 0) {
		struct drive_info *d = s->drives[s->xfer_unit].drive;

		if (drive_io_error(d, is_read, ret) != DRIVE_OUTCOME_IGNORE) {
			g_free(req);
			fdc_end_command(s, FD_SR0_ABNTERM, FD_SR1_DE, is_read ? FD_SR2_DD : 0);
			return;
		}
		memset(req->data, 0, sizeof(req->data));
	}
	if (is_read) {
		memcpy(s->buf, req->data, FDC_SECTOR_SIZE);
		s->buf_pos = 0;
		s->buf_len = FDC_SECTOR_SIZE;
		g_free(req);
		fdc_data_ready(s);
		return;
	}
	g_free(req);
	fdc_sector_done(s);
}

/*
 * Submit a read of the current sector, or a write of buf (fill byte for
 * FORMAT TRACK). Sectors beyond the end of a short image read as zeroes and
 * drop writes, as on a disk whose last tracks were never formatted.
 */
static void fdc_submit_io(struct fdc_state *s, bool is_write)
{
	struct fdc_drive *drv = &s->drives[s->xfer_unit];
	struct blk *blk = fdc_blk(drv);
	uint64_t offset = fdc_sector_offset(s);
	struct fdc_request *req;
	int64_t len;

	if (!blk || drv->format == NULL) {
		/* medium gone under the command */
		fdc_end_command(s, FD_SR0_ABNTERM, FD_SR1_MA, FD_SR2_MD);
		return;
	}
	req = g_new0(struct fdc_request, 1);
	req->s = s;
	req->gen = s->gen;
	if (is_write)
		memcpy(req->data, s->buf, FDC_SECTOR_SIZE);
	req->iov.iov_base = req->data;
	req->iov.iov_len = FDC_SECTOR_SIZE;
	s->io_busy = true;
	len = blk_getlength(blk);
	if (len >= 0 && offset + FDC_SECTOR_SIZE > (uint64_t)len) {
		if (offset >= (uint64_t)len) {
			fdc_io_complete(req, 0);
			return;
		}
		req->iov.iov_len = len - offset;
	}
	if (is_write)
		blk_aio_pwritev(blk, offset, &req->iov, 1, fdc_io_complete, req);
	else
		blk_aio_preadv(blk, offset, &req->iov, 1, fdc_io_complete, req);
}

/*
 * The sector after the current one (data sheet Table 8-6, "ID information
 * at result phase"): R+1 below EOT; at EOT, R=1 and either the other head
 * (multi-track, head 0) or the next cylinder. False when the command has
 * run off the end of the track (or cylinder, multi-track).
 */
static bool fdc_advance_sector(struct fdc_state *s)
{
	if (s->xfer_r < s->xfer_eot) {
		s->xfer_r++;
		return true;
	}
	s->xfer_r = 1;
	if (s->xfer_mt && s->xfer_h == 0) {
		s->xfer_h = 1;
		return true;
	}
	s->xfer_c++;
	if (s->xfer_mt)
		s->xfer_h ^= 1;
	return false;
}

/* Is (c, h, r) a sector of the medium? Sets the error bits if not. */
static bool fdc_sector_valid(struct fdc_state *s, uint8_t *st1, uint8_t *st2)
{
	const struct fdc_format *f = s->drives[s->xfer_unit].format;

	if (s->xfer_h >= f->heads || s->xfer_c >= f->tracks) {
		*st1 = FD_SR1_MA;
		*st2 = FD_SR2_MD;
		return false;
	}
	if (s->xfer_n != 2 || s->xfer_r == 0 || s->xfer_r > f->sectors) {
		*st1 = FD_SR1_ND;
		*st2 = 0;
		return false;
	}
	return true;
}

/* The current sector is through; go on with the next or end the command. */
static void fdc_sector_done(struct fdc_state *s)
{
	uint8_t st1, st2;

	if (s->xfer_kind == FDC_XFER_FORMAT) {
		if (--s->fmt_left == 0 || s->xfer_tc) {
			fdc_end_command(s, 0, 0, 0);
			return;
		}
		s->buf_pos = 0;
		s->buf_len = 4;
		fdc_data_ready(s);
		return;
	}
	if (s->xfer_tc) {
		/* terminal count: normal termination, ID of the next sector */
		fdc_advance_sector(s);
		fdc_end_command(s, 0, 0, 0);
		return;
	}
	if (!fdc_advance_sector(s)) {
		/* ran past EOT without TC: end of cylinder (always so in non-DMA mode) */
		fdc_end_command(s, FD_SR0_ABNTERM, FD_SR1_EC, 0);
		return;
	}
	if (s->xfer_mt && s->xfer_r == 1)
		s->head[s->xfer_unit] = s->xfer_h;
	if (!fdc_sector_valid(s, &st1, &st2)) {
		fdc_end_command(s, FD_SR0_ABNTERM, st1, st2);
		return;
	}
	if (s->xfer_kind == FDC_XFER_READ) {
		fdc_submit_io(s, false);
	} else {
		s->buf_pos = 0;
		s->buf_len = FDC_SECTOR_SIZE;
		fdc_data_ready(s);
	}
}

/* FORMAT TRACK: one ID field (C H R N) has arrived; fill that sector. */
static void fdc_format_id_done(struct fdc_state *s)
{
	const struct fdc_format *f = s->drives[s->xfer_unit].format;
	uint8_t c = s->buf[0], h = s->buf[1], r = s->buf[2], n = s->buf[3];

	s->buf_ready = false;
	if (c != s->track[s->xfer_unit] || h != s->xfer_h || r == 0 || r > f->sectors ||
	    n != 2 || c >= f->tracks) {
		/* an ID this image has no place for: the sector is not written */
		guest_error("isa-fdc: FORMAT TRACK: ID C=%u H=%u R=%u N=%u does not fit the "
			    "%s medium at cylinder %u head %u", c, h, r, n, f->name,
			    s->track[s->xfer_unit], s->xfer_h);
		fdc_sector_done(s);
		return;
	}
	s->xfer_c = c;
	s->xfer_r = r;
	memset(s->buf, s->fmt_filler, FDC_SECTOR_SIZE);
	fdc_submit_io(s, true);
}

/* The DMA controller asks for data (channel unmasked, DREQ held). */
int fdc_dma_transfer(void *opaque, int nchan, int pos, int len)
{
	struct fdc_state *s = opaque;
	int n;

	if (s->phase != FDC_PHASE_EXEC || !s->xfer_dma || !s->buf_ready || s->io_busy ||
	    !(s->dor & FD_DOR_DMAEN))
		return pos;
	n = MIN(s->buf_len - s->buf_pos, len - pos);
	if (s->xfer_kind == FDC_XFER_READ)
		i8257_dma_write_memory(s->dma, nchan, s->buf + s->buf_pos, pos, n);
	else
		i8257_dma_read_memory(s->dma, nchan, s->buf + s->buf_pos, pos, n);
	s->buf_pos += n;
	pos += n;
	if (pos == len)
		s->xfer_tc = true;	/* the 8237 drives TC with the last transfer */
	if (s->buf_pos < s->buf_len && !s->xfer_tc)
		return pos;

	i8257_dma_release(s->dma, nchan);
	s->buf_ready = false;
	switch (s->xfer_kind) {
	case FDC_XFER_READ:
		fdc_sector_done(s);
		break;
	case FDC_XFER_WRITE:
		/* TC inside a sector: the rest of it is written as zeroes */
		memset(s->buf + s->buf_pos, 0, s->buf_len - s->buf_pos);
		fdc_submit_io(s, true);
		break;
	case FDC_XFER_FORMAT:
		if (s->buf_pos < 4)
			fdc_sector_done(s);	/* TC inside an ID: stop here */
		else
			fdc_format_id_done(s);
		break;
	}
	return pos;
}

/* Non-DMA mode: the guest reads/writes the FIFO during execution. */
uint8_t fdc_pio_read(struct fdc_state *s)
{
	uint8_t v;

	if (s->xfer_dma || s->xfer_kind != FDC_XFER_READ || !s->buf_ready) {
		guest_error("isa-fdc: FIFO read while the controller has no data");
		return 0xff;
	}
	fdc_lower_irq(s);
	v = s->buf[s->buf_pos++];
	if (s->buf_pos == s->buf_len) {
		s->buf_ready = false;
		fdc_sector_done(s);
	}
	return v;
}

void fdc_pio_write(struct fdc_state *s, uint8_t v)
{
	if (s->xfer_dma || s->xfer_kind == FDC_XFER_READ || !s->buf_ready) {
		guest_error("isa-fdc: FIFO write 0x%02x during execution ignored", v);
		return;
	}
	fdc_lower_irq(s);
	s->buf[s->buf_pos++] = v;
	if (s->buf_pos < s->buf_len)
		return;
	s->buf_ready = false;
	if (s->xfer_kind == FDC_XFER_FORMAT)
		fdc_format_id_done(s);
	else
		fdc_submit_io(s, true);
}

/* ---- commands ---- */

/* Checks shared by the commands that touch the medium; false: ended with an error. */
static bool fdc_medium_ready(struct fdc_state *s, bool write)
{
	struct fdc_drive *drv = fdc_drive_get(s, s->xfer_unit);

	if (!drv || !drv->format || !fdc_blk(drv)) {
		/* no drive or no disk: no index pulses, no address marks */
		fdc_end_command(s, FD_SR0_ABNTERM, FD_SR1_MA, FD_SR2_MD);
		return false;
	}
	if ((s->dsr & FD_DSR_DRATEMASK) != drv->format->rate) {
		/* wrong data rate for this medium: nothing decodes */
		fdc_end_command(s, FD_SR0_ABNTERM, FD_SR1_MA, FD_SR2_MD);
		return false;
	}
	if (write && drv->readonly) {
		fdc_end_command(s, FD_SR0_ABNTERM, FD_SR1_NW, 0);
		return false;
	}
	return true;
}

static void fdc_select(struct fdc_state *s, uint8_t hds_ds)
{
	s->xfer_unit = hds_ds & 3;
	s->xfer_h = (hds_ds >> 2) & 1;
	s->head[s->xfer_unit] = s->xfer_h;
}

static void fdc_start_transfer(struct fdc_state *s, enum fdc_xfer_kind kind)
{
	s->xfer_kind = kind;
	s->xfer_tc = false;
	s->xfer_dma = !(s->specify[1] & 1);	/* SPECIFY ND bit */
	s->phase = FDC_PHASE_EXEC;
	s->buf_pos = 0;
}

/* READ DATA / WRITE DATA: MT MFM SK op, HDS/DS, C, H, R, N, EOT, GPL, DTL */
static void fdc_cmd_read_write(struct fdc_state *s, bool write)
{
	uint8_t st1, st2;

	fdc_select(s, s->cmd[1]);
	s->xfer_c = s->cmd[2];
	s->xfer_r = s->cmd[4];
	s->xfer_n = s->cmd[5];
	s->xfer_eot = s->cmd[6];
	s->xfer_mt = s->cmd[0] & 0x80;
	if (!fdc_medium_ready(s, write))
		return;
	if (s->cmd[3] != s->xfer_h) {
		/* ID head differs from the head that reads: no such sector on this side */
		s->xfer_h = s->cmd[3] & 1;
		fdc_end_command(s, FD_SR0_ABNTERM, FD_SR1_ND, 0);
		return;
	}
	/* implied seek, as QEMU's controller does: guests always seek first anyway */
	fdc_drive_seek(s, s->xfer_unit, s->xfer_c);
	if (!fdc_sector_valid(s, &st1, &st2)) {
		fdc_end_command(s, FD_SR0_ABNTERM, st1, st2);
		return;
	}
	fdc_start_transfer(s, write ? FDC_XFER_WRITE : FDC_XFER_READ);
	if (write) {
		s->buf_len = FDC_SECTOR_SIZE;
		fdc_data_ready(s);
	} else {
		fdc_submit_io(s, false);
	}
}

static void fdc_cmd_read_data(struct fdc_state *s)
{
	fdc_cmd_read_write(s, false);
}

static void fdc_cmd_write_data(struct fdc_state *s)
{
	fdc_cmd_read_write(s, true);
}

/* FORMAT TRACK: op, HDS/DS, N, SC, GPL, D; then SC ID fields of 4 bytes */
static void fdc_cmd_format_track(struct fdc_state *s)
{
	fdc_select(s, s->cmd[1]);
	s->xfer_c = s->track[s->xfer_unit];
	s->xfer_r = 1;
	s->xfer_n = s->cmd[2];
	s->xfer_eot = s->cmd[3];
	if (!fdc_medium_ready(s, true))
		return;
	if (s->cmd[2] != 2 || s->cmd[3] == 0) {
		guest_error("isa-fdc: FORMAT TRACK with N=%u SC=%u", s->cmd[2], s->cmd[3]);
		fdc_end_command(s, FD_SR0_ABNTERM, FD_SR1_ND, 0);
		return;
	}
	s->fmt_left = s->cmd[3];
	s->fmt_filler = s->cmd[5];
	fdc_start_transfer(s, FDC_XFER_FORMAT);
	s->buf_len = 4;
	fdc_data_ready(s);
}

/* READ ID: op, HDS/DS -> the next ID field passing under the head */
static void fdc_cmd_read_id(struct fdc_state *s)
{
	const struct fdc_format *f;
	unsigned unit;

	fdc_select(s, s->cmd[1]);
	unit = s->xfer_unit;
	s->xfer_c = s->track[unit];
	s->xfer_r = 1;
	s->xfer_n = 2;
	if (!fdc_medium_ready(s, false))
		return;
	f = s->drives[unit].format;
	if (s->xfer_c >= f->tracks || s->xfer_h >= f->heads) {
		fdc_end_command(s, FD_SR0_ABNTERM, FD_SR1_MA, FD_SR2_MD);
		return;
	}
	s->sector[unit] = s->sector[unit] % f->sectors + 1;	/* the disk turns */
	s->xfer_r = s->sector[unit];
	fdc_end_command(s, 0, 0, 0);
}

static void fdc_cmd_specify(struct fdc_state *s)
{
	s->specify[0] = s->cmd[1];
	s->specify[1] = s->cmd[2];
	fdc_to_command_phase(s);
}

static void fdc_cmd_sense_drive_status(struct fdc_state *s)
{
	unsigned unit = s->cmd[1] & 3;
	struct fdc_drive *drv = fdc_drive_get(s, unit);
	uint8_t st3 = (s->cmd[1] & 7) | FD_SR3_RDY | FD_SR3_TS;

	s->head[unit] = (s->cmd[1] >> 2) & 1;
	if (s->track[unit] == 0)
		st3 |= FD_SR3_TRK0;
	if (drv && drv->readonly)
		st3 |= FD_SR3_WP;
	fdc_to_result_phase(s, &st3, 1);
}

/* Seek/recalibrate end: the status SENSE INTERRUPT STATUS will give. */
static void fdc_seek_end(struct fdc_state *s, unsigned unit, uint8_t hds_ds, uint8_t st0)
{
	fdc_to_command_phase(s);
	s->seek_st0[unit] = st0 | (hds_ds & 7);
	s->seek_pending |= 1u << unit;
	fdc_raise_irq(s);
}

static void fdc_cmd_recalibrate(struct fdc_state *s)
{
	unsigned unit = s->cmd[1] & 3;

	if (fdc_drive_get(s, unit)) {
		fdc_drive_seek(s, unit, 0);
		fdc_seek_end(s, unit, s->cmd[1] & 3, FD_SR0_SEEK);
	} else {
		/* no drive: TRK0 never comes after 79 steps (equipment check) */
		fdc_seek_end(s, unit, s->cmd[1] & 3, FD_SR0_SEEK | FD_SR0_ABNTERM | FD_SR0_EQPMT);
	}
}

/* SEEK: op, HDS/DS, NCN; RELATIVE SEEK: 1 DIR 001111, HDS/DS, RCN */
static void fdc_cmd_seek(struct fdc_state *s)
{
	unsigned unit = s->cmd[1] & 3;
	int target = s->cmd[2];

	if (s->cmd[0] & 0x80) {
		int cur = s->track[unit];

		target = s->cmd[0] & 0x40 ? cur + s->cmd[2] : cur - s->cmd[2];
		target = CLAMP(target, 0, 255);
	}
	s->head[unit] = (s->cmd[1] >> 2) & 1;
	fdc_drive_seek(s, unit, target);
	fdc_seek_end(s, unit, s->cmd[1] & 7, FD_SR0_SEEK);
}

static void fdc_cmd_sense_interrupt(struct fdc_state *s)
{
	uint8_t res[2];

	if (s->reset_sense) {
		unsigned unit = 4 - s->reset_sense;

		res[0] = FD_SR0_RDYCHG | unit;
		res[1] = s->track[unit];
		if (--s->reset_sense == 0 && !s->seek_pending)
			fdc_lower_irq(s);
		fdc_to_result_phase(s, res, 2);
		return;
	}
	for (unsigned unit = 0; unit < FDC_UNITS; unit++) {
		if (!(s->seek_pending & (1u << unit)))
			continue;
		s->seek_pending &= ~(1u << unit);
		res[0] = s->seek_st0[unit];
		res[1] = s->track[unit];
		if (!s->seek_pending)
			fdc_lower_irq(s);
		fdc_to_result_phase(s, res, 2);
		return;
	}
	/* nothing to report: the data sheet's answer is "invalid command" */
	res[0] = FD_SR0_INVCMD;
	fdc_to_result_phase(s, res, 1);
}

static void fdc_cmd_dumpreg(struct fdc_state *s)
{
	uint8_t res[10] = {
		s->track[0], s->track[1], s->track[2], s->track[3],
		s->specify[0], s->specify[1],
		s->xfer_eot,
		(s->lock ? 0x80 : 0) | (s->perpendicular & 0x3f),
		s->config, s->pretrk,
	};

	fdc_to_result_phase(s, res, sizeof(res));
}

static void fdc_cmd_version(struct fdc_state *s)
{
	uint8_t v = FDC_VERSION_82077;

	fdc_to_result_phase(s, &v, 1);
}

static void fdc_cmd_perpendicular(struct fdc_state *s)
{
	/* OW (bit 7) says whether the drive bits D0-D3 are written */
	if (s->cmd[1] & 0x80)
		s->perpendicular = s->cmd[1] & 0x3f;
	else
		s->perpendicular = (s->perpendicular & 0x3c) | (s->cmd[1] & 0x03);
	fdc_to_command_phase(s);
}

static void fdc_cmd_configure(struct fdc_state *s)
{
	s->config = s->cmd[2];
	s->pretrk = s->cmd[3];
	fdc_to_command_phase(s);
}

static void fdc_cmd_lock(struct fdc_state *s)
{
	uint8_t v;

	s->lock = s->cmd[0] & 0x80;
	v = s->lock ? 0x10 : 0;
	fdc_to_result_phase(s, &v, 1);
}

struct fdc_command {
	uint8_t value, mask;
	uint8_t len;			/* command bytes, opcode included */
	const char *name;
	void (*handler)(struct fdc_state *s);
};

/* Data sheet Table 8-1 "Command Set" (MT, MFM, SK, DIR, LOCK bits masked). */
static const struct fdc_command fdc_commands[] = {
	{ 0x06, 0x1f, 9, "READ DATA", fdc_cmd_read_data },
	{ 0x05, 0x3f, 9, "WRITE DATA", fdc_cmd_write_data },
	{ 0x0a, 0xbf, 2, "READ ID", fdc_cmd_read_id },
	{ 0x0d, 0xbf, 6, "FORMAT TRACK", fdc_cmd_format_track },
	{ 0x03, 0xff, 3, "SPECIFY", fdc_cmd_specify },
	{ 0x04, 0xff, 2, "SENSE DRIVE STATUS", fdc_cmd_sense_drive_status },
	{ 0x07, 0xff, 2, "RECALIBRATE", fdc_cmd_recalibrate },
	{ 0x08, 0xff, 1, "SENSE INTERRUPT STATUS", fdc_cmd_sense_interrupt },
	{ 0x0e, 0xff, 1, "DUMPREG", fdc_cmd_dumpreg },
	{ 0x0f, 0xff, 3, "SEEK", fdc_cmd_seek },
	{ 0x8f, 0xbf, 3, "RELATIVE SEEK", fdc_cmd_seek },
	{ 0x10, 0xff, 1, "VERSION", fdc_cmd_version },
	{ 0x12, 0xff, 2, "PERPENDICULAR MODE", fdc_cmd_perpendicular },
	{ 0x13, 0xff, 4, "CONFIGURE", fdc_cmd_configure },
	{ 0x14, 0x7f, 1, "LOCK", fdc_cmd_lock },
};

static const struct fdc_command *fdc_command_find(uint8_t op)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(fdc_commands); i++)
		if ((op & fdc_commands[i].mask) == fdc_commands[i].value)
			return &fdc_commands[i];
	return NULL;
}

void fdc_command_byte(struct fdc_state *s, uint8_t v)
{
	const struct fdc_command *c;

	if (s->cmd_pos == 0) {
		c = fdc_command_find(v);
		if (!c) {
			uint8_t st0 = FD_SR0_INVCMD;

			log_unimp("isa-fdc: command 0x%02x", v);
			fdc_to_result_phase(s, &st0, 1);
			return;
		}
		s->cmd_len = c->len;
	}
	s->cmd[s->cmd_pos++] = v;
	if (s->cmd_pos < s->cmd_len)
		return;
	c = fdc_command_find(s->cmd[0]);
	if (log_enabled(LOG_TRACE)) {
		g_autoptr(GString) t = g_string_new(NULL);

		for (unsigned i = 0; i < s->cmd_len; i++)
			g_string_append_printf(t, " %02x", s->cmd[i]);
		kemu_log("fdc: %s:%s\n", c->name, t->str);
	}
	c->handler(s);
}

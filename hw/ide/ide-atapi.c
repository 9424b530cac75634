// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ATAPI CD-ROM ("ide-cd"): the PACKET command protocol of ATA/ATAPI-6
 * (T13/1410D rev. 3b) section 9.9 with its byte count limit, and the
 * packet commands firmware, boot loaders and operating systems send to a
 * data CD: SPC-3 (TEST UNIT READY, REQUEST SENSE, INQUIRY, START STOP UNIT,
 * PREVENT ALLOW MEDIUM REMOVAL, MODE SENSE(10)) and MMC-3 (READ CAPACITY,
 * READ(10/12), READ TOC/PMA/ATIP formats 0-2, GET CONFIGURATION, GET EVENT
 * STATUS NOTIFICATION, READ DISC INFORMATION, MECHANISM STATUS, SET CD
 * SPEED). The medium is one data track of 2048-byte blocks.
 *
 * Media changes come from the monitor through drive_dev_ops: the guest
 * sees UNIT ATTENTION (28h, "not ready to ready change, medium may have
 * changed") on its next command and a media event in GET EVENT STATUS.
 *
 * Not here: audio, READ CD of raw sectors, writing, DVD structures, more
 * than one track or session. Unknown commands end in ILLEGAL REQUEST
 * (20h "invalid command operation code").
 */
#include "ide-internal.h"

/* SPC-3 sense keys and additional sense codes */
#define SENSE_NONE		0x00
#define SENSE_NOT_READY		0x02
#define SENSE_MEDIUM_ERROR	0x03
#define SENSE_ILLEGAL_REQUEST	0x05
#define SENSE_UNIT_ATTENTION	0x06
#define ASC_UNRECOVERED_READ	0x11
#define ASC_INVALID_OPCODE	0x20
#define ASC_LBA_OUT_OF_RANGE	0x21
#define ASC_INVALID_FIELD	0x24
#define ASC_MEDIUM_CHANGED	0x28
#define ASC_SAVING_NOT_SUPPORTED 0x39
#define ASC_MEDIUM_NOT_PRESENT	0x3a
#define ASC_REMOVAL_PREVENTED	0x53

/* packet command operation codes (MMC-3 table 2) */
#define GPCMD_TEST_UNIT_READY		0x00
#define GPCMD_REQUEST_SENSE		0x03
#define GPCMD_INQUIRY			0x12
#define GPCMD_MODE_SENSE_6		0x1a
#define GPCMD_START_STOP_UNIT		0x1b
#define GPCMD_PREVENT_ALLOW		0x1e
#define GPCMD_READ_CAPACITY		0x25
#define GPCMD_READ_10			0x28
#define GPCMD_SEEK_10			0x2b
#define GPCMD_READ_TOC			0x43
#define GPCMD_GET_CONFIGURATION		0x46
#define GPCMD_GET_EVENT_STATUS		0x4a
#define GPCMD_READ_DISC_INFO		0x51
#define GPCMD_MODE_SENSE_10		0x5a
#define GPCMD_READ_12			0xa8
#define GPCMD_SET_CD_SPEED		0xbb
#define GPCMD_MECHANISM_STATUS		0xbd

/* GET EVENT STATUS NOTIFICATION media event codes (MMC-3 table 200) */
#define MEC_NO_CHANGE		0
#define MEC_EJECT_REQUEST	1
#define MEC_NEW_MEDIA		2
#define MEC_MEDIA_REMOVAL	3

static inline void stw_be(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }
static inline void stl_be(uint8_t *p, uint32_t v) { stw_be(p, v >> 16); stw_be(p + 2, v); }
static inline uint16_t ldw_be(const uint8_t *p) { return p[0] << 8 | p[1]; }
static inline uint32_t ldl_be(const uint8_t *p) { return (uint32_t)ldw_be(p) << 16 | ldw_be(p + 2); }

static uint32_t atapi_nb_blocks(struct ide_device *d)
{
	struct blk *blk = ide_device_blk(d);
	int64_t len = blk ? blk_getlength(blk) : 0;

	return len > 0 ? MIN(len / CD_SECTOR_SIZE, UINT32_MAX) : 0;
}

static bool atapi_medium_present(struct ide_device *d)
{
	return !d->tray_open && ide_device_blk(d);
}

/* ---- completion: status, interrupt reason (ATAPI-6 7.14) ---- */

static void atapi_cmd_ok(struct ide_device *d)
{
	d->status = ATA_DRDY | ATA_DSC;
	d->error = 0;
	d->nsector = ATAPI_INT_REASON_IO | ATAPI_INT_REASON_CD;
	d->pio_end = IDE_PIO_END_NONE;
	d->sense_key = SENSE_NONE;
	d->asc = d->ascq = 0;
	ide_set_irq(d);
}

/* CHECK CONDITION: the sense key in the error register's upper nibble (7.9.1). */
static void atapi_cmd_fail(struct ide_device *d, uint8_t key, uint8_t asc, uint8_t ascq)
{
	d->status = ATA_DRDY | ATA_ERR;
	d->error = key << 4 | ATA_ABRT;
	d->nsector = ATAPI_INT_REASON_IO | ATAPI_INT_REASON_CD;
	d->pio_end = IDE_PIO_END_NONE;
	d->dma_pending = false;
	d->sense_key = key;
	d->asc = asc;
	d->ascq = ascq;
	ide_set_irq(d);
}

static void atapi_not_ready(struct ide_device *d)
{
	/* ascq 2: tray open, 1: tray closed (SPC-3 annex D) */
	atapi_cmd_fail(d, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, d->tray_open ? 2 : 1);
}

static void atapi_invalid_field(struct ide_device *d)
{
	atapi_cmd_fail(d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);
}

/* ---- data-in: pieces of at most the byte count limit (9.9) ---- */

static void atapi_pio_piece(struct ide_device *d, uint32_t start)
{
	uint32_t left = d->buf_fill - start;
	uint32_t limit = d->byte_limit;
	uint32_t n;

	/* whole blocks per DRQ where the limit allows it, else the limit (even) */
	if (limit >= CD_SECTOR_SIZE &&
	    (d->packet[0] == GPCMD_READ_10 || d->packet[0] == GPCMD_READ_12))
		limit -= limit % CD_SECTOR_SIZE;
	n = MIN(left, limit);
	d->buf_pos = start;
	d->buf_end = start + n;
	d->pio_out = false;
	d->pio_end = IDE_PIO_END_ATAPI_DATA;
	d->lbam = n;
	d->lbah = n >> 8;
	d->nsector = ATAPI_INT_REASON_IO;
	d->status = ATA_DRDY | ATA_DSC | ATA_DRQ;
	ide_set_irq(d);
}

/* Send io_buffer[0..len), cut to the command's allocation length. */
static void atapi_reply(struct ide_device *d, uint32_t len, uint32_t alloc)
{
	len = MIN(len, alloc);
	if (len == 0) {
		atapi_cmd_ok(d);
		return;
	}
	d->xfer_count = 0;
	d->buf_fill = len;
	if (d->packet_dma) {
		ide_dma_begin(d, true, 0, len, true);
		return;
	}
	atapi_pio_piece(d, 0);
}

static void atapi_read_done(struct ide_device *d, int ret)
{
	uint32_t n = d->buf_fill / CD_SECTOR_SIZE;

	if (ret < 0) {
		atapi_cmd_fail(d, SENSE_MEDIUM_ERROR, ASC_UNRECOVERED_READ, 0);
		return;
	}
	d->xfer_lba += n;
	d->xfer_count -= n;
	atapi_pio_piece(d, 0);
}

static void atapi_read_next(struct ide_device *d)
{
	uint32_t n = MIN(d->xfer_count, IDE_BUFFER_SIZE / CD_SECTOR_SIZE);

	d->buf_fill = n * CD_SECTOR_SIZE;
	d->status = ATA_BSY | ATA_DRDY;
	ide_blk_io(d, false, d->xfer_lba * CD_SECTOR_SIZE, d->buf_fill, atapi_read_done);
}

static void atapi_dma_done(struct ide_device *d, int result)
{
	if (result == IDE_DMA_OK)
		atapi_cmd_ok(d);
	else if (result == IDE_DMA_IO_ERROR)
		atapi_cmd_fail(d, SENSE_MEDIUM_ERROR, ASC_UNRECOVERED_READ, 0);
	else
		atapi_cmd_fail(d, SENSE_ILLEGAL_REQUEST, 0x00, 0);	/* DMA aborted: bad PRD table */
}

/* ---- the packet commands ---- */

static void atapi_read(struct ide_device *d, uint32_t lba, uint32_t count)
{
	uint32_t total = atapi_nb_blocks(d);

	if (lba > total || count > total - lba) {
		guest_error("ide-cd: READ of blocks %u+%u beyond the medium (%u blocks)", lba,
			    count, total);
		atapi_cmd_fail(d, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
		return;
	}
	if (count == 0) {
		atapi_cmd_ok(d);
		return;
	}
	d->xfer_lba = lba;
	d->xfer_count = count;
	if (d->packet_dma) {
		ide_dma_begin(d, true, (uint64_t)lba * CD_SECTOR_SIZE,
			      (uint64_t)count * CD_SECTOR_SIZE, false);
		return;
	}
	atapi_read_next(d);
}

static void atapi_lba_to_msf(uint8_t *p, uint32_t lba)
{
	lba += 150;	/* the first block follows a 2-second pregap (MMC-3 4.2.3.6) */
	p[0] = lba / (75 * 60);
	p[1] = (lba / 75) % 60;
	p[2] = lba % 75;
}

static void atapi_put_addr(uint8_t *p, uint32_t lba, bool msf)
{
	if (msf) {
		p[0] = 0;
		atapi_lba_to_msf(p + 1, lba);
	} else {
		stl_be(p, lba);
	}
}

/* READ TOC/PMA/ATIP (MMC-3 6.26): one data track and the lead-out. */
static int atapi_read_toc(struct ide_device *d, uint8_t *buf)
{
	const uint8_t *cdb = d->packet;
	bool msf = cdb[1] & 0x02;
	int format = cdb[2] & 0x0f, track = cdb[6];
	uint32_t total = atapi_nb_blocks(d);
	uint8_t *p = buf + 4;

	if (format == 0 && (cdb[9] >> 6))
		format = cdb[9] >> 6;	/* the older SFF-8020 place of the format */
	switch (format) {
	case 0:
		if (track > 1 && track != 0xaa)
			return -1;
		if (track <= 1) {
			p[0] = 0;
			p[1] = 0x14;		/* ADR 1, data track */
			p[2] = 1;
			p[3] = 0;
			atapi_put_addr(p + 4, 0, msf);
			p += 8;
		}
		p[0] = 0;
		p[1] = 0x14;
		p[2] = 0xaa;			/* lead-out */
		p[3] = 0;
		atapi_put_addr(p + 4, total, msf);
		p += 8;
		break;
	case 1:		/* multi-session information: one session starting at track 1 */
		p[0] = 0;
		p[1] = 0x14;
		p[2] = 1;
		p[3] = 0;
		atapi_put_addr(p + 4, 0, msf);
		p += 8;
		break;
	case 2: {	/* raw TOC: points A0h, A1h, A2h, then track 1, always MSF */
		static const uint8_t points[] = { 0xa0, 0xa1, 0xa2, 0x01 };

		for (unsigned i = 0; i < G_N_ELEMENTS(points); i++) {
			memset(p, 0, 11);
			p[0] = 1;		/* session */
			p[1] = 0x14;
			p[3] = points[i];
			if (points[i] == 0xa0)
				p[8] = 1;	/* first track; disc type 0: CD-ROM */
			else if (points[i] == 0xa1)
				p[8] = 1;	/* last track */
			else if (points[i] == 0xa2)
				atapi_lba_to_msf(p + 8, total);
			else
				atapi_lba_to_msf(p + 8, 0);
			p += 11;
		}
		break;
	}
	default:
		return -1;
	}
	stw_be(buf, p - buf - 2);
	buf[2] = 1;	/* first track / session */
	buf[3] = 1;	/* last track / session */
	return p - buf;
}

/* GET CONFIGURATION (MMC-3 6.6): profile list, core and removable medium features. */
static int atapi_get_configuration(struct ide_device *d, uint8_t *buf)
{
	const uint8_t *cdb = d->packet;
	int rt = cdb[1] & 3;
	uint16_t start = ldw_be(cdb + 2);
	bool present = atapi_medium_present(d);
	uint8_t *p = buf + 8;

	if (rt == 3)
		return -1;
	memset(buf, 0, 8);
	stw_be(buf + 6, present ? 0x0008 : 0);	/* current profile: CD-ROM */
	if (start == 0 || rt != 2) {
		if (start <= 0x0000) {
			stw_be(p, 0x0000);	/* profile list */
			p[2] = 0x03;		/* persistent, current */
			p[3] = 4;
			stw_be(p + 4, 0x0008);
			p[6] = present;		/* current */
			p[7] = 0;
			p += 8;
		}
		if (start <= 0x0001 && (rt != 2 || start == 0x0001)) {
			stw_be(p, 0x0001);	/* core */
			p[2] = 0x07;		/* version 1, persistent, current */
			p[3] = 8;
			stl_be(p + 4, 2);	/* physical interface: ATAPI */
			p[8] = 0;
			p[9] = p[10] = p[11] = 0;
			p += 12;
		}
		if (start <= 0x0003 && (rt != 2 || start == 0x0003)) {
			stw_be(p, 0x0003);	/* removable medium */
			p[2] = 0x03;
			p[3] = 4;
			p[4] = 0x29 | (d->medium_locked ? 0x04 : 0);	/* tray, eject, lock */
			p[5] = p[6] = p[7] = 0;
			p += 8;
		}
	}
	stl_be(buf, p - buf - 4);
	return p - buf;
}

/* GET EVENT STATUS NOTIFICATION (MMC-3 6.8), polled, media class only. */
static int atapi_get_event_status(struct ide_device *d, uint8_t *buf)
{
	const uint8_t *cdb = d->packet;

	if (!(cdb[1] & 1))
		return -1;	/* asynchronous notification is not supported */
	buf[3] = 0x10;		/* supported classes: media */
	if (!(cdb[4] & 0x10)) {
		stw_be(buf, 2);
		buf[2] = 0x80;	/* no event available */
		return 4;
	}
	stw_be(buf, 6);
	buf[2] = 0x04;		/* media class */
	buf[4] = d->event;
	buf[5] = (atapi_medium_present(d) ? 0x02 : 0) | (d->tray_open ? 0x01 : 0);
	buf[6] = buf[7] = 0;
	d->event = MEC_NO_CHANGE;
	return 8;
}

/* MODE SENSE(10) (SPC-3 6.10) pages 01h (read error recovery) and 2Ah (capabilities). */
static int atapi_mode_sense(struct ide_device *d, uint8_t *buf)
{
	const uint8_t *cdb = d->packet;
	int pc = cdb[2] >> 6, page = cdb[2] & 0x3f;
	uint8_t *p = buf + 8;

	if (pc == 3) {
		atapi_cmd_fail(d, SENSE_ILLEGAL_REQUEST, ASC_SAVING_NOT_SUPPORTED, 0);
		return -2;
	}
	if (page != 0x01 && page != 0x2a && page != 0x3f)
		return -1;
	memset(buf, 0, 8);
	buf[2] = atapi_medium_present(d) ? 0x01 : 0x70;	/* 120 mm data CD / no disc */
	if (page == 0x01 || page == 0x3f) {
		memset(p, 0, 12);
		p[0] = 0x01;
		p[1] = 10;
		p[3] = pc == 1 ? 0 : 5;		/* read retry count */
		p += 12;
	}
	if (page == 0x2a || page == 0x3f) {
		memset(p, 0, 28);
		p[0] = 0x2a;
		p[1] = 26;
		if (pc != 1) {
			p[2] = 0x03;		/* reads CD-R, CD-RW */
			p[4] = 0x71;		/* audio play, composite, digital ports, multisession */
			p[5] = 0x00;
			p[6] = 0x29 | (d->medium_locked ? 0x02 : 0);	/* tray, eject, lock */
			stw_be(p + 8, 706);	/* maximum read speed, kB/s (4x) */
			stw_be(p + 10, 256);	/* volume levels */
			stw_be(p + 12, 512);	/* buffer, KiB */
			stw_be(p + 14, 706);	/* current read speed */
		}
		p += 28;
	}
	stw_be(buf, p - buf - 2);
	return p - buf;
}

static int atapi_inquiry(struct ide_device *d, uint8_t *buf)
{
	if (d->packet[1] & 1)
		return -1;	/* no vital product data pages */
	memset(buf, 0, 36);
	buf[0] = 0x05;		/* CD/DVD device */
	buf[1] = 0x80;		/* removable */
	buf[2] = 0x00;
	buf[3] = 0x21;		/* ATAPI, response data format 1 */
	buf[4] = 31;
	memcpy(buf + 8, "QEMU    ", 8);
	memset(buf + 16, ' ', 16);
	memcpy(buf + 16, d->model ? d->model : "QEMU DVD-ROM",
	       MIN(16, strlen(d->model ? d->model : "QEMU DVD-ROM")));
	memset(buf + 32, ' ', 4);
	memcpy(buf + 32, d->version ? d->version : "2.5+",
	       MIN(4, strlen(d->version ? d->version : "2.5+")));
	return 36;
}

static void atapi_start_stop(struct ide_device *d)
{
	bool start = d->packet[4] & 1, loej = d->packet[4] & 2;

	if (loej && !start) {
		if (d->medium_locked) {
			atapi_cmd_fail(d, SENSE_ILLEGAL_REQUEST, ASC_REMOVAL_PREVENTED, 2);
			return;
		}
		d->tray_open = true;
	} else if (loej && start && d->tray_open) {
		d->tray_open = false;
		if (ide_device_blk(d))
			d->event = MEC_NEW_MEDIA;
	}
	atapi_cmd_ok(d);
}

/* SPC-3: commands that report a pending UNIT ATTENTION rather than run. */
static bool atapi_reports_unit_attention(uint8_t op)
{
	return op != GPCMD_INQUIRY && op != GPCMD_REQUEST_SENSE &&
	       op != GPCMD_GET_CONFIGURATION && op != GPCMD_GET_EVENT_STATUS;
}

static bool atapi_needs_medium(uint8_t op)
{
	switch (op) {
	case GPCMD_TEST_UNIT_READY: case GPCMD_READ_CAPACITY: case GPCMD_READ_10:
	case GPCMD_READ_12: case GPCMD_SEEK_10: case GPCMD_READ_TOC:
	case GPCMD_READ_DISC_INFO:
		return true;
	}
	return false;
}

static void atapi_exec_packet(struct ide_device *d)
{
	const uint8_t *cdb = d->packet;
	uint8_t *buf = d->io_buffer;
	uint8_t op = cdb[0];
	int len;

	if (d->unit_attention && atapi_reports_unit_attention(op)) {
		d->unit_attention = false;
		atapi_cmd_fail(d, SENSE_UNIT_ATTENTION, ASC_MEDIUM_CHANGED, 0);
		return;
	}
	if (atapi_needs_medium(op) && !atapi_medium_present(d)) {
		atapi_not_ready(d);
		return;
	}
	switch (op) {
	case GPCMD_TEST_UNIT_READY:
	case GPCMD_SEEK_10:
	case GPCMD_SET_CD_SPEED:
		atapi_cmd_ok(d);
		return;
	case GPCMD_REQUEST_SENSE:
		memset(buf, 0, 18);
		buf[0] = 0x70;		/* current error, fixed format */
		buf[2] = d->sense_key;
		buf[7] = 10;
		buf[12] = d->asc;
		buf[13] = d->ascq;
		d->sense_key = d->asc = d->ascq = 0;
		atapi_reply(d, 18, cdb[4]);
		return;
	case GPCMD_INQUIRY:
		len = atapi_inquiry(d, buf);
		if (len < 0)
			break;
		atapi_reply(d, len, ldw_be(cdb + 3));
		return;
	case GPCMD_START_STOP_UNIT:
		atapi_start_stop(d);
		return;
	case GPCMD_PREVENT_ALLOW:
		d->medium_locked = cdb[4] & 1;
		atapi_cmd_ok(d);
		return;
	case GPCMD_READ_CAPACITY:
		stl_be(buf, atapi_nb_blocks(d) - 1);	/* last block */
		stl_be(buf + 4, CD_SECTOR_SIZE);
		atapi_reply(d, 8, 8);
		return;
	case GPCMD_READ_10:
		atapi_read(d, ldl_be(cdb + 2), ldw_be(cdb + 7));
		return;
	case GPCMD_READ_12:
		atapi_read(d, ldl_be(cdb + 2), ldl_be(cdb + 6));
		return;
	case GPCMD_READ_TOC:
		len = atapi_read_toc(d, buf);
		if (len < 0)
			break;
		atapi_reply(d, len, ldw_be(cdb + 7));
		return;
	case GPCMD_GET_CONFIGURATION:
		len = atapi_get_configuration(d, buf);
		if (len < 0)
			break;
		atapi_reply(d, len, ldw_be(cdb + 7));
		return;
	case GPCMD_GET_EVENT_STATUS:
		len = atapi_get_event_status(d, buf);
		if (len < 0)
			break;
		atapi_reply(d, len, ldw_be(cdb + 7));
		return;
	case GPCMD_READ_DISC_INFO:
		if (cdb[1] & 7)
			break;
		memset(buf, 0, 34);
		stw_be(buf, 32);
		buf[2] = 0x0e;		/* last session complete, disc complete */
		buf[3] = 1;		/* first track */
		buf[4] = 1;		/* sessions */
		buf[5] = 1;		/* first track of the last session */
		buf[6] = 1;		/* last track of the last session */
		buf[7] = 0x20;		/* unrestricted use */
		memset(buf + 16, 0xff, 8);	/* no next session, no last lead-out */
		atapi_reply(d, 34, ldw_be(cdb + 7));
		return;
	case GPCMD_MODE_SENSE_10:
		len = atapi_mode_sense(d, buf);
		if (len == -2)
			return;
		if (len < 0)
			break;
		atapi_reply(d, len, ldw_be(cdb + 7));
		return;
	case GPCMD_MECHANISM_STATUS:
		memset(buf, 0, 8);
		buf[1] = d->tray_open ? 0x10 : 0;	/* idle, door open bit */
		atapi_reply(d, 8, ldw_be(cdb + 8));
		return;
	default:
		log_unimp("ide-cd: packet command 0x%02x", op);
		atapi_cmd_fail(d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
		return;
	}
	atapi_invalid_field(d);
}

/* ---- ATA commands of a packet device (ATAPI-6 8.x, table 26) ---- */

static void atapi_identify(struct ide_device *d)
{
	uint8_t *p = d->io_buffer;
	g_autofree char *serial = g_strdup_printf("QM%05d", d->bus->bus_id * 2 + d->unit_nr + 1);
	const char *sn = d->serial ? d->serial :
			 d->drive && d->drive->serial ? d->drive->serial : serial;
	uint8_t sum = 0;

	memset(p, 0, ATA_SECTOR_SIZE);
#define W(n, v) stw_le_p(p + 2 * (n), (v))
	/* ATAPI, CD-ROM, removable, DRQ within 50 us, 12-byte packets (8.16) */
	W(0, 0x85c0);
	ide_padstr(p + 20, sn, 20);
	ide_padstr(p + 46, d->version ? d->version : "2.5+", 8);
	ide_padstr(p + 54, d->model ? d->model : "QEMU DVD-ROM", 40);
	W(48, 1);
	W(49, 0x0f00);			/* IORDY, IORDY may be disabled, LBA, DMA */
	W(53, 0x0007);
	W(62, 0x0007);			/* DMADIR not required; multiword DMA 0-2 */
	W(63, 0x0007 | ((d->xfer_mode >> 3) == 4 ? 1u << (8 + (d->xfer_mode & 7)) : 0));
	W(64, 0x0003);
	W(65, 0x00b4);
	W(66, 0x00b4);
	W(67, 0x012c);
	W(68, 0x00b4);
	W(71, 30);
	W(72, 30);
	W(80, 0x007e);			/* ATAPI-1 to -6 */
	W(82, 0x4210);			/* NOP, DEVICE RESET, PACKET */
	W(83, 0x4000);
	W(84, 0x4000);
	W(85, 0x4210);
	W(86, 0);
	W(87, 0x4000);
	W(88, 0x003f | ((d->xfer_mode >> 3) == 8 ? 1u << (8 + (d->xfer_mode & 7)) : 0));
	W(93, 0x6001);
#undef W
	p[510] = 0xa5;
	for (int i = 0; i < 511; i++)
		sum += p[i];
	p[511] = -sum;
}

/* ATAPI signature (9.12): count 1, LBA 1, LBA mid 14h, high EBh; status 0. */
static void atapi_set_signature(struct ide_device *d)
{
	d->nsector = 1;
	d->lbal = 1;
	d->lbam = 0x14;
	d->lbah = 0xeb;
	d->status = 0;
}

static void atapi_exec_cmd(struct ide_device *d, uint8_t cmd)
{
	switch (cmd) {
	case ATA_CMD_PACKET:
		if (d->feature & 0x02) {	/* overlapped: not supported (word 49) */
			ide_cmd_abort(d);
			return;
		}
		d->packet_dma = d->feature & 0x01;
		d->byte_limit = d->lbam | d->lbah << 8;
		/* 0 is not allowed and FFFFh means FFFEh (ATAPI-6 9.9 note) */
		if (d->byte_limit == 0 || d->byte_limit == 0xffff)
			d->byte_limit = 0xfffe;
		/* even, and at least one word, so every DRQ piece moves data */
		d->byte_limit = MAX(d->byte_limit & ~1, 2);
		ide_pio_start(d, 12, true, IDE_PIO_END_ATAPI_PACKET, false);
		d->nsector = ATAPI_INT_REASON_CD;
		return;
	case ATA_CMD_IDENTIFY_PACKET:
		atapi_identify(d);
		ide_pio_start(d, ATA_SECTOR_SIZE, false, IDE_PIO_END_DONE, true);
		return;
	case ATA_CMD_DEVICE_RESET:
		d->io_gen++;
		d->io_busy = false;
		d->dma_pending = false;
		atapi_set_signature(d);
		d->error = 0x01;
		d->pio_end = IDE_PIO_END_NONE;
		return;
	case ATA_CMD_EXECUTE_DIAGNOSTIC:
		ata_exec_diagnostic(d);
		return;
	case ATA_CMD_SET_FEATURES:
		if (d->feature == ATA_SF_SET_XFER_MODE)
			d->xfer_mode = d->nsector;
		ide_cmd_done(d);
		return;
	case ATA_CMD_CHECK_POWER_MODE:
		d->nsector = 0xff;
		ide_cmd_done(d);
		return;
	case ATA_CMD_STANDBY_IMMEDIATE: case ATA_CMD_IDLE_IMMEDIATE:
	case ATA_CMD_STANDBY: case ATA_CMD_IDLE: case ATA_CMD_SLEEP:
		ide_cmd_done(d);
		return;
	default:
		/* IDENTIFY DEVICE and the read/write commands: abort with the
		 * signature, which is how drivers tell a packet device (8.15.2) */
		atapi_set_signature(d);
		d->status = ATA_DRDY | ATA_ERR;
		d->error = ATA_ABRT;
		ide_set_irq(d);
		return;
	}
}

static void atapi_pio_block_end(struct ide_device *d)
{
	switch (d->pio_end) {
	case IDE_PIO_END_ATAPI_PACKET:
		memcpy(d->packet, d->io_buffer, 12);
		d->status = ATA_BSY | ATA_DRDY;
		atapi_exec_packet(d);
		break;
	case IDE_PIO_END_ATAPI_DATA:
		if (d->buf_end < d->buf_fill)
			atapi_pio_piece(d, d->buf_end);
		else if (d->xfer_count > 0)
			atapi_read_next(d);
		else
			atapi_cmd_ok(d);
		break;
	default:	/* IDENTIFY PACKET DEVICE */
		d->status = ATA_DRDY | ATA_DSC;
		d->pio_end = IDE_PIO_END_NONE;
		break;
	}
}

/* ---- removable medium (system/blockdev.h) ---- */

static void ide_cd_change_media(void *opaque, bool load)
{
	struct ide_device *d = opaque;

	d->unit_attention = true;
	d->event = load ? MEC_NEW_MEDIA : MEC_MEDIA_REMOVAL;
	d->tray_open = !load;
}

static bool ide_cd_is_medium_locked(void *opaque)
{
	return ((struct ide_device *)opaque)->medium_locked;
}

static bool ide_cd_is_tray_open(void *opaque)
{
	return ((struct ide_device *)opaque)->tray_open;
}

static void ide_cd_eject_request(void *opaque)
{
	((struct ide_device *)opaque)->event = MEC_EJECT_REQUEST;
}

const struct drive_dev_ops ide_cd_drive_ops = {
	.change_media = ide_cd_change_media,
	.is_medium_locked = ide_cd_is_medium_locked,
	.is_tray_open = ide_cd_is_tray_open,
	.eject_request = ide_cd_eject_request,
};

static void ide_cd_instance_init(struct object *obj)
{
	IDE_DEVICE(obj)->is_cd = true;
}

static void ide_cd_class_init(struct object_class *klass, const void *data)
{
	struct ide_device_class *k = IDE_DEVICE_CLASS(klass);

	k->exec_cmd = atapi_exec_cmd;
	k->pio_block_end = atapi_pio_block_end;
	k->dma_done = atapi_dma_done;
	k->set_signature = atapi_set_signature;
}

static const struct vmstate_field ide_cd_fields[] = {
	VMSTATE_U8(struct ide_device, feature),
	VMSTATE_U8(struct ide_device, nsector),
	VMSTATE_U8(struct ide_device, lbal),
	VMSTATE_U8(struct ide_device, lbam),
	VMSTATE_U8(struct ide_device, lbah),
	VMSTATE_U8(struct ide_device, device),
	VMSTATE_U8(struct ide_device, status),
	VMSTATE_U8(struct ide_device, error),
	VMSTATE_U8(struct ide_device, xfer_mode),
	VMSTATE_U8(struct ide_device, sense_key),
	VMSTATE_U8(struct ide_device, asc),
	VMSTATE_U8(struct ide_device, ascq),
	VMSTATE_BOOL(struct ide_device, tray_open),
	VMSTATE_BOOL(struct ide_device, medium_locked),
	VMSTATE_BOOL(struct ide_device, unit_attention),
	VMSTATE_U8(struct ide_device, event),
	VMSTATE_END
};

DEFINE_DEVICE_TYPE(ide_cd, TYPE_IDE_CD, TYPE_IDE_DEVICE, struct ide_device,
		   .class_init = ide_cd_class_init, .instance_init = ide_cd_instance_init,
		   .vmstate = ide_cd_fields, .vmstate_version = 1,
		   .desc = "virtual IDE CD-ROM", .category = "storage");

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * isa-fdc internals, shared by the controller core (hw/block/fdc.c: media,
 * commands, the data transfer) and the ISA device around it
 * (hw/block/fdc-isa.c: ports, life cycle, state description, properties).
 * Not an API for other devices: include/hw/block/fdc.h is.
 */
#ifndef HW_BLOCK_FDC_INTERNAL_H
#define HW_BLOCK_FDC_INTERNAL_H

#include "kemu/common.h"
#include "hw/block/fdc.h"
#include "hw/isa/isa.h"
#include "system/blockdev.h"
#include <sys/uio.h>

#define FDC_MAX_DRIVES	2	/* drives that can be connected (A, B) */
#define FDC_UNITS	4	/* drive selects the controller has */
#define FDC_SECTOR_SIZE	512

/* Digital output register */
#define FD_DOR_SELMASK	0x03
#define FD_DOR_nRESET	0x04
#define FD_DOR_DMAEN	0x08	/* AT mode: gates INT and DRQ */
#define FD_DOR_MOTEN0	0x10

/* Main status register */
#define FD_MSR_DRV0BUSY	0x01
#define FD_MSR_CMDBUSY	0x10
#define FD_MSR_NONDMA	0x20
#define FD_MSR_DIO	0x40	/* 1: controller -> CPU */
#define FD_MSR_RQM	0x80

/* Data rate select register / configuration control register */
#define FD_DSR_DRATEMASK 0x03
#define FD_DSR_PWRDOWN	0x40
#define FD_DSR_SWRESET	0x80

#define FD_DIR_DSKCHG	0x80

/* Status registers (data sheet section 8.2, "Status Register Encoding") */
#define FD_SR0_HEAD	0x04
#define FD_SR0_EQPMT	0x10
#define FD_SR0_SEEK	0x20
#define FD_SR0_ABNTERM	0x40
#define FD_SR0_INVCMD	0x80
#define FD_SR0_RDYCHG	0xc0

#define FD_SR1_MA	0x01	/* missing address mark */
#define FD_SR1_NW	0x02	/* not writable */
#define FD_SR1_ND	0x04	/* no data (sector not found) */
#define FD_SR1_DE	0x20	/* data error */
#define FD_SR1_EC	0x80	/* end of cylinder */

#define FD_SR2_MD	0x01	/* missing address mark in data field */
#define FD_SR2_WC	0x10	/* wrong cylinder */
#define FD_SR2_DD	0x20	/* data error in data field */

#define FD_SR3_TS	0x08	/* two-sided */
#define FD_SR3_TRK0	0x10
#define FD_SR3_RDY	0x20
#define FD_SR3_WP	0x40

/* Data rates (DSR/CCR bits 0-1) */
#define FDC_RATE_500K	0
#define FDC_RATE_300K	1
#define FDC_RATE_250K	2
#define FDC_RATE_1M	3

/* CONFIGURE byte 2 power-on value: implied seek off, FIFO off, polling on */
#define FD_CONFIG_DEFAULT 0x20

#define FDC_VERSION_82077 0x90

enum fdc_phase { FDC_PHASE_COMMAND, FDC_PHASE_EXEC, FDC_PHASE_RESULT };
enum fdc_xfer_kind { FDC_XFER_NONE, FDC_XFER_READ, FDC_XFER_WRITE, FDC_XFER_FORMAT };

/* Media formats the image size selects (3.5" and 5.25" PC formats). */
struct fdc_format {
	uint64_t size;
	uint8_t tracks, heads, sectors, rate;
	enum fdc_drive_type drive_type;
	const char *name;
};

struct fdc_state;

struct fdc_drive {
	struct fdc_state *fdc;
	int unit;
	struct drive_info *drive;	/* driveA/driveB; NULL: no drive */
	const struct fdc_format *format;	/* NULL: no medium (or unusable) */
	bool readonly;
	enum fdc_drive_type type;
};

/* One block request in flight; its buffer is its own so a reset can drop it. */
struct fdc_request {
	struct fdc_state *s;
	uint32_t gen;
	struct iovec iov;
	uint8_t data[FDC_SECTOR_SIZE];
};

struct fdc_state {
	struct isa_device parent;
	struct memory_region io, io_dir;
	struct irq_line irq;
	struct device *dma;		/* the 8237 serving dma_chan, or NULL */
	struct fdc_drive drives[FDC_MAX_DRIVES];

	/* registers */
	uint8_t dor, tdr, dsr;
	bool irq_pending;
	/* command / result FIFO */
	uint8_t phase;
	uint8_t cmd[16];
	uint8_t cmd_pos, cmd_len;
	uint8_t res[16];
	uint8_t res_pos, res_len;
	/* settings from SPECIFY, CONFIGURE, PERPENDICULAR MODE, LOCK */
	uint8_t specify[2];
	uint8_t config, pretrk, perpendicular;
	bool lock;
	/* per drive: present cylinder, head, disk change, pending seek status */
	uint8_t track[FDC_UNITS];
	uint8_t head[FDC_UNITS];
	uint8_t sector[FDC_UNITS];	/* last sector ID READ ID saw */
	uint8_t media_changed[FDC_UNITS];
	uint8_t seek_st0[FDC_UNITS];
	uint8_t seek_pending;		/* bit per drive: interrupt for SENSE INTERRUPT */
	uint8_t reset_sense;		/* SENSE INTERRUPTs still owed after a reset */

	/* the data transfer of READ DATA / WRITE DATA / FORMAT TRACK */
	uint8_t xfer_kind;
	uint8_t xfer_unit;
	bool xfer_dma, xfer_mt, xfer_tc;
	uint8_t xfer_c, xfer_h, xfer_r, xfer_n, xfer_eot;
	uint8_t fmt_left, fmt_filler;
	uint8_t buf[FDC_SECTOR_SIZE];
	uint16_t buf_pos, buf_len;
	bool buf_ready;			/* data for the guest / room for the guest's */
	bool io_busy;			/* a block request is in flight */
	uint32_t gen;			/* bumped by reset: stale completions are dropped */

	/* properties */
	uint32_t iobase, isairq, dma_chan;
	struct drive_info *drive_prop[FDC_MAX_DRIVES];
	int32_t bootindex[FDC_MAX_DRIVES];
};

#define ISA_FDC(obj) OBJECT_CHECK(struct fdc_state, (obj), TYPE_ISA_FDC)

/* fdc.c */
extern const struct drive_dev_ops fdc_drive_ops;
struct blk *fdc_blk(struct fdc_drive *drv);
void fdc_drive_probe(struct fdc_drive *drv);
struct fdc_drive *fdc_drive_get(struct fdc_state *s, unsigned unit);
void fdc_update_irq(struct fdc_state *s);
void fdc_lower_irq(struct fdc_state *s);
void fdc_to_command_phase(struct fdc_state *s);
void fdc_reset_controller(struct fdc_state *s, bool interrupt);
uint8_t fdc_pio_read(struct fdc_state *s);
void fdc_pio_write(struct fdc_state *s, uint8_t v);
void fdc_command_byte(struct fdc_state *s, uint8_t v);
int fdc_dma_transfer(void *opaque, int nchan, int pos, int len);

#endif

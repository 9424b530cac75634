/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IDE internals shared by the hw/ide/ files: one channel (struct ide_bus) with up
 * to two drives (struct ide_device), the task-file registers, the PIO data
 * buffer, and the hooks a bus-master DMA engine gives the channel.
 *
 * How a command runs: the guest writes the command register; ide-core.c
 * hands it to the drive's class (ide-ata.c or ide-atapi.c), which either
 * finishes at once (ide_cmd_done / ide_cmd_abort), starts a PIO transfer
 * through the drive's io_buffer (ide_pio_start: the guest moves the data
 * through the data port, and at the end of each DRQ block ide-core calls
 * the class's pio_block_end), or a DMA transfer (ide_dma_begin: the
 * engine calls back dma_run when both the command and the engine's Start
 * bit are there). Block-layer requests are asynchronous: the drive shows
 * BSY until the completion, which runs on the main loop with the BQL.
 *
 * Register and bit names follow ATA/ATAPI-6 (T13/1410D rev. 3b), section
 * 7 (register descriptions) and 9 (protocols); ATAPI packet commands MMC-3
 * and SPC-3.
 */
#ifndef HW_IDE_IDE_INTERNAL_H
#define HW_IDE_IDE_INTERNAL_H

#include "kemu/common.h"
#include "hw/device.h"
#include "hw/irq.h"
#include "hw/ide/ide.h"
#include "system/blockdev.h"
#include "system/memory.h"

/* ---- registers (ATA/ATAPI-6 section 7) ---- */
#define ATA_REG_DATA		0
#define ATA_REG_ERROR		1	/* read */
#define ATA_REG_FEATURE		1	/* write */
#define ATA_REG_NSECTOR		2
#define ATA_REG_LBAL		3
#define ATA_REG_LBAM		4
#define ATA_REG_LBAH		5
#define ATA_REG_DEVICE		6
#define ATA_REG_STATUS		7	/* read */
#define ATA_REG_CMD		7	/* write */

/* status (7.15) */
#define ATA_ERR		0x01
#define ATA_DRQ		0x08
#define ATA_DSC		0x10	/* obsolete "seek complete"; SeaBIOS and DOS look at it */
#define ATA_DF		0x20
#define ATA_DRDY	0x40
#define ATA_BSY		0x80

/* error (7.9) */
#define ATA_ABRT	0x04
#define ATA_IDNF	0x10
#define ATA_UNC		0x40

/* device/head (7.10) */
#define ATA_DEV_DEV	0x10
#define ATA_DEV_LBA	0x40

/* device control (7.8) */
#define ATA_DEVCTL_NIEN	0x02
#define ATA_DEVCTL_SRST	0x04
#define ATA_DEVCTL_HOB	0x80

/* commands (ATA/ATAPI-6 section 8, ATA8-ACS for the EXT forms' numbers) */
#define ATA_CMD_NOP			0x00
#define ATA_CMD_DEVICE_RESET		0x08
#define ATA_CMD_RECALIBRATE		0x10	/* 0x10-0x1f */
#define ATA_CMD_READ_SECTORS		0x20
#define ATA_CMD_READ_SECTORS_NORETRY	0x21
#define ATA_CMD_READ_SECTORS_EXT	0x24
#define ATA_CMD_READ_DMA_EXT		0x25
#define ATA_CMD_READ_MULTIPLE_EXT	0x29
#define ATA_CMD_WRITE_SECTORS		0x30
#define ATA_CMD_WRITE_SECTORS_NORETRY	0x31
#define ATA_CMD_WRITE_SECTORS_EXT	0x34
#define ATA_CMD_WRITE_DMA_EXT		0x35
#define ATA_CMD_WRITE_MULTIPLE_EXT	0x39
#define ATA_CMD_READ_VERIFY		0x40
#define ATA_CMD_READ_VERIFY_NORETRY	0x41
#define ATA_CMD_READ_VERIFY_EXT		0x42
#define ATA_CMD_SEEK			0x70	/* 0x70-0x7f */
#define ATA_CMD_EXECUTE_DIAGNOSTIC	0x90
#define ATA_CMD_INIT_DEV_PARAMS		0x91
#define ATA_CMD_PACKET			0xa0
#define ATA_CMD_IDENTIFY_PACKET		0xa1
#define ATA_CMD_READ_MULTIPLE		0xc4
#define ATA_CMD_WRITE_MULTIPLE		0xc5
#define ATA_CMD_SET_MULTIPLE		0xc6
#define ATA_CMD_READ_DMA		0xc8
#define ATA_CMD_READ_DMA_NORETRY	0xc9
#define ATA_CMD_WRITE_DMA		0xca
#define ATA_CMD_WRITE_DMA_NORETRY	0xcb
#define ATA_CMD_STANDBY_IMMEDIATE	0xe0
#define ATA_CMD_IDLE_IMMEDIATE		0xe1
#define ATA_CMD_STANDBY			0xe2
#define ATA_CMD_IDLE			0xe3
#define ATA_CMD_CHECK_POWER_MODE	0xe5
#define ATA_CMD_SLEEP			0xe6
#define ATA_CMD_FLUSH_CACHE		0xe7
#define ATA_CMD_FLUSH_CACHE_EXT		0xea
#define ATA_CMD_IDENTIFY		0xec
#define ATA_CMD_SET_FEATURES		0xef

/* SET FEATURES subcommands (8.37) */
#define ATA_SF_ENABLE_WCACHE	0x02
#define ATA_SF_SET_XFER_MODE	0x03
#define ATA_SF_DISABLE_RLA	0x55
#define ATA_SF_DISABLE_REVERT	0x66
#define ATA_SF_DISABLE_WCACHE	0x82
#define ATA_SF_ENABLE_RLA	0xaa
#define ATA_SF_ENABLE_REVERT	0xcc

/* ATAPI interrupt reason, in the sector count register (ATAPI-6 7.14) */
#define ATAPI_INT_REASON_CD	0x01
#define ATAPI_INT_REASON_IO	0x02
#define ATAPI_INT_REASON_REL	0x04

#define ATA_SECTOR_SIZE		512
#define CD_SECTOR_SIZE		2048
/* The PIO/DMA bounce buffer of a drive: 256 ATA sectors, 64 CD sectors. */
#define IDE_BUFFER_SIZE		(128 * KiB)
#define IDE_MAX_MULT_SECTORS	16

/* What happens when the guest has moved the last word of a DRQ block. */
enum ide_pio_end {
	IDE_PIO_END_NONE,
	IDE_PIO_END_ATA_READ,		/* next block of a PIO read, or done */
	IDE_PIO_END_ATA_WRITE,		/* write the block, then next or done */
	IDE_PIO_END_ATAPI_PACKET,	/* the 12 command bytes are in */
	IDE_PIO_END_ATAPI_DATA,		/* next piece of a packet command's data */
	IDE_PIO_END_DONE,		/* command complete (IDENTIFY and the like) */
};

struct ide_bus;

struct ide_device {
	struct device parent;

	/* properties */
	struct drive_info *drive;
	char *bus_name;			/* "ide.0" / "ide.1", NULL: first free */
	int32_t unit;			/* 0 master, 1 slave, -1: first free */
	int32_t bootindex;
	char *serial, *model, *version;
	uint64_t wwn;

	struct ide_bus *bus;
	int unit_nr;
	bool is_cd;

	/* media: hard disk size and default CHS translation (ATA-6 annex B) */
	uint64_t nb_sectors;
	uint32_t cyls, heads, secs;

	/* task file (each drive keeps its own copy; writes go to both) */
	uint8_t feature, nsector, lbal, lbam, lbah;
	uint8_t hob_feature, hob_nsector, hob_lbal, hob_lbam, hob_lbah;
	uint8_t device;			/* device/head register */
	uint8_t status, error;
	uint8_t cmd;			/* the command in progress */

	/* settings made by commands */
	uint8_t mult_sectors;		/* SET MULTIPLE MODE; 0 = disabled */
	uint16_t cur_heads, cur_secs;	/* INITIALIZE DEVICE PARAMETERS */
	uint32_t cur_cyls;
	uint8_t xfer_mode;		/* SET FEATURES 03h value */
	bool write_cache;

	/* PIO: the guest reads/writes io_buffer[buf_pos..buf_end) */
	uint8_t *io_buffer;
	uint32_t buf_pos, buf_end;
	uint8_t pio_end;		/* enum ide_pio_end */
	bool pio_out;			/* guest writes (else reads) */

	/* the transfer a command has left to do */
	uint64_t xfer_lba;		/* next ATA sector / CD block */
	uint32_t xfer_count;		/* ATA sectors / CD blocks left */
	uint32_t xfer_bytes;		/* ATAPI: bytes of the response left */
	bool dma_pending;		/* a DMA command waits for the engine */
	bool dma_to_guest;
	bool dma_from_buffer;		/* the data is in io_buffer already (ATAPI replies) */
	uint64_t dma_offset;		/* image byte offset of the next chunk */
	uint64_t dma_left;		/* bytes left */
	uint32_t io_gen;		/* bumped on reset: older completions are stale */
	bool io_busy;			/* a block request is in flight */

	/* ATAPI */
	uint8_t packet[12];
	uint8_t sense_key, asc, ascq;
	bool tray_open, medium_locked;
	bool unit_attention;		/* medium changed since the guest last asked */
	uint8_t event;			/* GESN media event code pending (MMC-3 5.6.4) */
	uint16_t byte_limit;		/* byte count limit of the packet command */
	bool packet_dma;		/* features bit 0 of PACKET */
	uint32_t buf_fill;		/* bytes of io_buffer read ahead for the guest */
};

struct ide_device_class {
	struct device_class parent;
	/* run a command written to the command register (drive present) */
	void (*exec_cmd)(struct ide_device *d, uint8_t cmd);
	/* the guest moved the last byte of a DRQ block */
	void (*pio_block_end)(struct ide_device *d);
	/* a DMA transfer ended (enum ide_dma_result) */
	void (*dma_done)(struct ide_device *d, int result);
	/* signature and registers after a reset (ATA-6 9.12) */
	void (*set_signature)(struct ide_device *d);
};

#define IDE_DEVICE(obj) OBJECT_CHECK(struct ide_device, (obj), TYPE_IDE_DEVICE)
#define IDE_DEVICE_CLASS(k) OBJECT_CLASS_CHECK(struct ide_device_class, (k), TYPE_IDE_DEVICE)
#define IDE_DEVICE_GET_CLASS(obj) \
	OBJECT_GET_CLASS_CHECKED(struct ide_device_class, (obj), TYPE_IDE_DEVICE)

/*
 * What a bus-master DMA engine offers the channel. rw copies len bytes
 * between buf and guest memory along the engine's PRD table, continuing
 * where the last call stopped; it returns the bytes moved (fewer when the
 * table ended) or -1 when the table or an address was bad.
 */
struct ide_dma_ops {
	bool (*ready)(void *opaque);		/* Start bit set */
	int64_t (*rw)(void *opaque, uint8_t *buf, uint32_t len, bool to_guest);
	/* the transfer ended; error: the engine stops with its error bit */
	void (*end)(void *opaque, bool error);
	void (*irq_raised)(void *opaque);	/* the channel asserted INTRQ */
};

struct ide_bus {
	char name[8];			/* "ide.0" */
	int bus_id;
	struct ide_device *dev[2];
	uint8_t unit;			/* DEV bit of the last device register write */
	uint8_t devctl;
	bool irq_pending;		/* INTRQ before the nIEN mask */
	struct irq_line irq;
	struct memory_region cmd_io, ctl_io;
	struct object *owner;
	const struct ide_dma_ops *dma_ops;
	void *dma_opaque;
};

enum ide_dma_result {
	IDE_DMA_OK,
	IDE_DMA_IO_ERROR,		/* the block layer failed and the guest is told */
	IDE_DMA_BAD_PRD,		/* bad PRD table or address: the engine's error bit */
};

/* ide-core.c */
void ide_bus_init(struct ide_bus *bus, struct object *owner, int bus_id,
		  const struct ide_dma_ops *dma_ops, void *dma_opaque);
void ide_bus_register(struct ide_bus *bus);
void ide_bus_unregister(struct ide_bus *bus);
struct ide_bus *ide_bus_find(const char *name);
void ide_bus_reset(struct ide_bus *bus);
void ide_bus_dma_kick(struct ide_bus *bus);
bool ide_device_attach_to_bus(struct ide_device *d, GError **errp);

void ide_set_irq(struct ide_device *d);
void ide_cmd_done(struct ide_device *d);
void ide_cmd_abort(struct ide_device *d);
void ide_cmd_error(struct ide_device *d, uint8_t error);
void ide_pio_start(struct ide_device *d, uint32_t len, bool guest_writes,
		   enum ide_pio_end end, bool irq);
void ide_dma_begin(struct ide_device *d, bool to_guest, uint64_t offset, uint64_t bytes,
		   bool from_buffer);
uint64_t ide_get_lba(struct ide_device *d, bool lba48);
void ide_set_lba(struct ide_device *d, uint64_t lba, bool lba48);
void ide_padstr(uint8_t *dst, const char *src, size_t len);

/* Asynchronous block I/O into/out of io_buffer, with reset-safe completion. */
typedef void (*ide_io_done_fn)(struct ide_device *d, int ret);
void ide_blk_io(struct ide_device *d, bool write, uint64_t offset, uint32_t len,
		ide_io_done_fn done);
void ide_blk_flush(struct ide_device *d, ide_io_done_fn done);
struct blk *ide_device_blk(struct ide_device *d);

/* ide-ata.c: EXECUTE DEVICE DIAGNOSTIC, shared with ATAPI drives (8.11) */
void ata_exec_diagnostic(struct ide_device *d);

/* ide-atapi.c: removable media hooks for drive_attach */
extern const struct drive_dev_ops ide_cd_drive_ops;

#endif

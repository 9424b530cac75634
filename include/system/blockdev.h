/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Drives: what -drive, -hda..-hdd, -cdrom, -fda/-fdb and -snapshot ask for,
 * between the command line and the disk devices.
 *
 * The command line creates one struct drive_info per -drive (and per
 * shorthand) before the board is built, opening its image through the block
 * layer (block/block.h). A drive has an interface (if=), a bus/unit position
 * (from index= or bus=,unit=), a media type and, unless it is an empty
 * removable drive (-drive if=ide,media=cdrom without file=), a struct blk.
 *
 * Devices claim drives in two ways:
 *  - the board asks for them by position:
 *	struct drive_info *d = drive_get(IF_IDE, bus, unit);
 *  - -device ide-hd,drive=ID uses a PROP_DRIVE property, which looks the
 *    drive up by id when the property is set.
 * Either way the device then calls drive_attach() in realize; a drive can be
 * attached to one device only ("Drive 'x' is already in use").
 *
 * Removable media (CD-ROM, floppy): the device passes drive_dev_ops so the
 * monitor's eject / change / blockdev-change-medium can ask it about its
 * tray and lock and tell it the medium changed. The device reads d->blk
 * afresh on every request: it is NULL while no medium is inserted.
 *
 * I/O errors: a device that gets ret < 0 from a request calls
 * drive_io_error(); it logs, sends QMP's BLOCK_IO_ERROR, and says what the
 * device does (werror=/rerror=: report to the guest, ignore, or stop the VM).
 *
 * Everything here runs on the main loop thread or with the BQL held.
 */
#ifndef SYSTEM_BLOCKDEV_H
#define SYSTEM_BLOCKDEV_H

#include "kemu/common.h"
#include "block/block.h"

struct device;
struct machine_state;

enum drive_if {
	IF_NONE,
	IF_IDE,
	IF_FLOPPY,
	IF_VIRTIO,
	IF_COUNT
};

enum drive_media {
	DRIVE_MEDIA_DISK,
	DRIVE_MEDIA_CDROM,
};

/* werror= / rerror= */
enum drive_error_action {
	DRIVE_ERROR_REPORT,	/* complete the request with an error (rerror default) */
	DRIVE_ERROR_IGNORE,	/* pretend it worked */
	DRIVE_ERROR_ENOSPC,	/* stop on ENOSPC, report others (werror default) */
	DRIVE_ERROR_STOP,	/* stop the VM; `cont` retries nothing: the guest sees an error */
};

/* What the device should do with a failed request (drive_io_error()). */
enum drive_error_outcome {
	DRIVE_OUTCOME_REPORT,	/* give the guest the error */
	DRIVE_OUTCOME_IGNORE,	/* complete the request as if it had worked */
	DRIVE_OUTCOME_STOPPED,	/* the VM was stopped; report the error to the guest too */
};

struct drive_dev_ops {
	/* The medium was inserted (load) or removed; raise the device's
	 * media-change indication (ATAPI UNIT ATTENTION, floppy DIR bit 7). */
	void (*change_media)(void *opaque, bool load);
	/* The guest locked the medium (ATAPI PREVENT ALLOW MEDIUM REMOVAL). */
	bool (*is_medium_locked)(void *opaque);
	/* Tray open (ATAPI START STOP UNIT with LoEj)? NULL: no tray. */
	bool (*is_tray_open)(void *opaque);
	/* The monitor asked for an eject of a locked medium without force:
	 * the device tells the guest (ATAPI "eject request" event). */
	void (*eject_request)(void *opaque);
};

struct drive_info {
	char *id;			/* id= or QEMU's default ("ide0-hd0", "floppy0", "virtio0") */
	enum drive_if type;
	int bus, unit;			/* position; -1 for if=none */
	int index;			/* index= or -1 */
	enum drive_media media;
	char *filename;			/* NULL: no medium */
	char *format;			/* format= or NULL (probe) */
	struct blk_open_opts opts;	/* as parsed (strings point into this struct) */
	struct blk *blk;		/* NULL: no medium inserted */
	bool readonly;			/* readonly=on (or a CD-ROM) */
	enum drive_error_action werror, rerror;
	char *serial;			/* serial= (IDE/virtio serial number) or NULL */
	bool tray_open;			/* the monitor ejected the medium: tray left open
					 * until a new medium is inserted (a device may
					 * report "tray open" to the guest) */

	/* the device that claimed the drive */
	struct device *dev;
	const struct drive_dev_ops *dev_ops;
	void *dev_opaque;
};

/* Drives of one interface by position; NULL if none there. */
struct drive_info *drive_get(enum drive_if type, int bus, int unit);
/* By id (-drive ...,id=ID, or the default id); NULL if none. */
struct drive_info *drive_find(const char *id);
/* Highest bus number used for this interface, -1 if no drives. */
int drive_get_max_bus(enum drive_if type);
/* Every drive, in command-line order (struct drive_info *). */
GPtrArray *drive_list(void);

/*
 * Claim the drive for dev. ops may be NULL for non-removable media.
 * Fails with QEMU's "Drive 'ID' is already in use by another device".
 */
bool drive_attach(struct drive_info *d, struct device *dev,
		  const struct drive_dev_ops *ops, void *opaque, GError **errp);
void drive_detach(struct drive_info *d);

/* Failed request (ret = -errno): log, BLOCK_IO_ERROR, apply werror/rerror. */
enum drive_error_outcome drive_io_error(struct drive_info *d, bool is_read, int ret);

/*
 * Monitor operations on removable drives (QMP eject, blockdev-change-medium,
 * HMP eject/change). Errors as QEMU words them ("Device 'ide1-cd0' is
 * locked and force was not specified, ...").
 */
bool drive_eject(struct drive_info *d, bool force, GError **errp);
bool drive_change_medium(struct drive_info *d, const char *filename, const char *format,
			 bool readonly, GError **errp);

/* Command line: one -drive string (QEMU's keys), or a shorthand. */
bool drive_add(struct machine_state *ms, const char *optstr, GError **errp);
/* -hda/-hdb/-hdc/-hdd (index 0-3), -cdrom (index 2), -fda/-fdb */
bool drive_add_shorthand(struct machine_state *ms, const char *option, const char *file,
			 GError **errp);
/* -snapshot: every drive opened afterwards gets snapshot=on by default */
void drive_set_default_snapshot(struct machine_state *ms, bool on);
/* After the board is built: drives nothing claimed are an error, as in QEMU. */
bool drive_check_all_attached(GError **errp);
/* At exit: drain, flush and close every image (flushed data is on disk). */
void drive_close_all(void);

const char *drive_if_name(enum drive_if type);

#endif

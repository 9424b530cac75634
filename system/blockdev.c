// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Drives: -drive, -hda..-hdd, -cdrom, -fda/-fdb and -snapshot become
 * struct drive_info records (include/system/blockdev.h) that disk devices
 * claim. Keys, defaults, positions, default ids and error messages follow
 * QEMU 7.2's -drive (blockdev.c's drive_new), so existing command lines and
 * scripts carry over:
 *
 *	-drive file=d.img,if=ide,index=2,media=cdrom	-> bus 1, unit 0, "ide1-cd0"
 *	-cdrom x.iso					-> the same
 *	-drive if=none,id=d0,file=d.img,format=qcow2	-> claimed by -device ...,drive=d0
 *
 * The list lives on the machine object (ms->drives); images are opened
 * here, before the board exists, so a bad image stops kemu with status 1
 * before any guest runs. Nothing is written to an image on open.
 *
 * Not here: the devices (hw/ide, hw/block, hw/virtio), the block layer
 * (block/), -blockdev (refused as not supported yet by vl.c).
 */
#include "kemu/common.h"
#include "kemu/opts.h"
#include "system/blockdev.h"
#include "hw/boards.h"
#include "hw/device.h"
#include "system/runstate.h"
#include "system/cpus.h"
#include "block/block.h"

/* QEMU's if_max_devs: units per bus; 0 means one bus, unit = index */
static const int drive_if_max_devs[IF_COUNT] = {
	[IF_IDE] = 2,
};

/* units the pc machine has per interface: IDE 2 buses x 2, floppy 2, virtio any */
static const int drive_if_max_index[IF_COUNT] = {
	[IF_NONE] = -1,
	[IF_IDE] = 4,
	[IF_FLOPPY] = 2,
	[IF_VIRTIO] = -1,
};

static const char *const drive_if_names[IF_COUNT] = {
	[IF_NONE] = "none",
	[IF_IDE] = "ide",
	[IF_FLOPPY] = "floppy",
	[IF_VIRTIO] = "virtio",
};

const char *drive_if_name(enum drive_if type)
{
	return type < IF_COUNT ? drive_if_names[type] : "?";
}

static GPtrArray *drives_of(struct machine_state *ms)
{
	if (!ms)
		return NULL;
	if (!ms->drives)
		ms->drives = g_ptr_array_new();
	return ms->drives;
}

GPtrArray *drive_list(void)
{
	return drives_of(machine_current());
}

struct drive_info *drive_get(enum drive_if type, int bus, int unit)
{
	GPtrArray *l = drive_list();

	for (guint i = 0; l && i < l->len; i++) {
		struct drive_info *d = g_ptr_array_index(l, i);

		if (d->type == type && d->bus == bus && d->unit == unit)
			return d;
	}
	return NULL;
}

struct drive_info *drive_find(const char *id)
{
	GPtrArray *l = drive_list();

	for (guint i = 0; l && id && i < l->len; i++) {
		struct drive_info *d = g_ptr_array_index(l, i);

		if (!strcmp(d->id, id))
			return d;
	}
	return NULL;
}

int drive_get_max_bus(enum drive_if type)
{
	GPtrArray *l = drive_list();
	int max = -1;

	for (guint i = 0; l && i < l->len; i++) {
		struct drive_info *d = g_ptr_array_index(l, i);

		if (d->type == type && d->bus > max)
			max = d->bus;
	}
	return max;
}

bool drive_attach(struct drive_info *d, struct device *dev,
		  const struct drive_dev_ops *ops, void *opaque, GError **errp)
{
	if (d->dev && d->dev != dev) {
		g_set_error(errp, KEMU_ERROR, 0, "Drive '%s' is already in use by another device",
			    d->id);
		return false;
	}
	d->dev = dev;
	d->dev_ops = ops;
	d->dev_opaque = opaque;
	return true;
}

void drive_detach(struct drive_info *d)
{
	if (d->blk)
		blk_drain(d->blk);
	d->dev = NULL;
	d->dev_ops = NULL;
	d->dev_opaque = NULL;
}

/* ---- errors ---- */

static const char *const drive_error_action_names[] = {
	[DRIVE_ERROR_REPORT] = "report",
	[DRIVE_ERROR_IGNORE] = "ignore",
	[DRIVE_ERROR_ENOSPC] = "enospc",
	[DRIVE_ERROR_STOP] = "stop",
};

/* Set by the monitor when it is linked: BLOCK_IO_ERROR and the io-error stop. */
void monitor_block_io_error_event(const char *device, const char *node, bool is_read,
				  const char *action, bool nospace, const char *reason)
	__attribute__((weak));
void monitor_vm_stop_reason(const char *reason) __attribute__((weak));

enum drive_error_outcome drive_io_error(struct drive_info *d, bool is_read, int ret)
{
	enum drive_error_action a = is_read ? d->rerror : d->werror;
	const char *action;
	bool stop = a == DRIVE_ERROR_STOP || (a == DRIVE_ERROR_ENOSPC && ret == -ENOSPC);

	action = stop ? "stop" : a == DRIVE_ERROR_IGNORE ? "ignore" : "report";
	/* not the guest's fault, but the log a user turns on to see I/O trouble */
	guest_error("drive %s: %s error: %s (action %s)", d->id, is_read ? "read" : "write",
		    g_strerror(-ret), action);
	if (monitor_block_io_error_event)
		monitor_block_io_error_event(d->id, d->id, is_read, action, ret == -ENOSPC,
					     g_strerror(-ret));
	if (stop) {
		if (monitor_vm_stop_reason)
			monitor_vm_stop_reason("io-error");
		else
			cpus_pause_all();
		return DRIVE_OUTCOME_STOPPED;
	}
	return a == DRIVE_ERROR_IGNORE ? DRIVE_OUTCOME_IGNORE : DRIVE_OUTCOME_REPORT;
}

static bool parse_error_action(const char *value, bool is_read, enum drive_error_action *out,
			       GError **errp)
{
	for (size_t i = 0; i < G_N_ELEMENTS(drive_error_action_names); i++) {
		/* QEMU: rerror=enospc is refused ("not supported for read") */
		if (!strcmp(value, drive_error_action_names[i]) &&
		    !(is_read && i == DRIVE_ERROR_ENOSPC)) {
			*out = i;
			return true;
		}
	}
	g_set_error(errp, KEMU_ERROR, 0, "'%s' invalid %s error action", value,
		    is_read ? "read" : "write");
	return false;
}

/* ---- media ---- */

static void drive_free(struct drive_info *d)
{
	if (d->blk)
		blk_close(d->blk);
	g_free(d->id);
	g_free(d->filename);
	g_free(d->format);
	g_free(d->serial);
	g_free(d);
}

static struct blk *drive_open_image(struct drive_info *d, const char *filename, GError **errp)
{
	struct blk_open_opts o = d->opts;

	o.format = d->format;
	o.readonly = d->readonly;
	o.allow_probe_raw_warning = true;
	return blk_open(filename, &o, errp);
}

bool drive_eject(struct drive_info *d, bool force, GError **errp)
{
	if (d->media != DRIVE_MEDIA_CDROM && d->type != IF_FLOPPY) {
		g_set_error(errp, KEMU_ERROR, 0, "Device '%s' is not removable", d->id);
		return false;
	}
	if (!d->dev) {
		g_set_error(errp, KEMU_ERROR, 0, "Device '%s' has no medium-holding device", d->id);
		return false;
	}
	if (!force && d->dev_ops && d->dev_ops->is_medium_locked &&
	    d->dev_ops->is_medium_locked(d->dev_opaque)) {
		if (d->dev_ops->eject_request)
			d->dev_ops->eject_request(d->dev_opaque);
		g_set_error(errp, KEMU_ERROR, 0, "Device '%s' is locked and force was not "
			    "specified, wait for tray to open and try again", d->id);
		return false;
	}
	if (d->blk) {
		struct blk *old = d->blk;

		blk_drain(old);
		d->blk = NULL;
		if (d->dev_ops && d->dev_ops->change_media)
			d->dev_ops->change_media(d->dev_opaque, false);
		blk_close(old);
	}
	g_clear_pointer(&d->filename, g_free);
	return true;
}

bool drive_change_medium(struct drive_info *d, const char *filename, const char *format,
			 bool readonly, GError **errp)
{
	struct blk *blk;
	g_autofree char *old_format = d->format;
	bool old_ro = d->readonly;

	if (d->media != DRIVE_MEDIA_CDROM && d->type != IF_FLOPPY) {
		g_set_error(errp, KEMU_ERROR, 0, "Device '%s' is not removable", d->id);
		d->format = g_steal_pointer(&old_format);
		return false;
	}
	d->format = g_strdup(format);
	d->readonly = readonly || d->media == DRIVE_MEDIA_CDROM;
	blk = drive_open_image(d, filename, errp);
	if (!blk) {
		g_free(d->format);
		d->format = g_steal_pointer(&old_format);
		d->readonly = old_ro;
		return false;
	}
	if (!drive_eject(d, true, errp)) {
		blk_close(blk);
		g_free(d->format);
		d->format = g_steal_pointer(&old_format);
		d->readonly = old_ro;
		return false;
	}
	d->blk = blk;
	d->filename = g_strdup(filename);
	if (d->dev_ops && d->dev_ops->change_media)
		d->dev_ops->change_media(d->dev_opaque, true);
	return true;
}

/* ---- command line ---- */

static bool drive_position_used(GPtrArray *l, enum drive_if type, int bus, int unit)
{
	for (guint i = 0; i < l->len; i++) {
		struct drive_info *d = g_ptr_array_index(l, i);

		if (d->type == type && d->bus == bus && d->unit == unit)
			return true;
	}
	return false;
}

static bool parse_int_key(struct opts *o, const char *key, int *out, GError **errp)
{
	uint64_t v;

	if (!opts_has(o, key))
		return true;
	v = 0;
	if (!opts_get_number(o, key, &v, errp))
		return false;
	if (v > INT_MAX) {
		g_set_error(errp, KEMU_ERROR, 0, "Parameter '%s' expects a number below %d", key,
			    INT_MAX);
		return false;
	}
	*out = (int)v;
	return true;
}

/* Keys QEMU's -drive takes that kemu does not implement: refused, never ignored. */
static const char *const drive_keys_unsupported[] = {
	"copy-on-read", "throttling.iops-total", "throttling.bps-total", "iops", "bps",
	"iops_rd", "iops_wr", "bps_rd", "bps_wr", "group", "addr", "trans", "cyls", "heads",
	"secs", "driver", "node-name",
};

static bool drive_add_opts(struct machine_state *ms, struct opts *o, GError **errp)
{
	GPtrArray *l = drives_of(ms);
	g_autofree struct drive_info *d = g_new0(struct drive_info, 1);
	const char *s, *file;
	int bus = -1, unit = -1, index = -1, max_devs;
	bool ro = false, snapshot = ms->drive_snapshot_default;

	d->werror = DRIVE_ERROR_ENOSPC;
	d->rerror = DRIVE_ERROR_REPORT;
	d->type = IF_IDE;	/* the pc machine's default interface */

	if ((s = opts_get(o, "if"))) {
		int t;

		for (t = 0; t < IF_COUNT; t++)
			if (!strcmp(s, drive_if_names[t]))
				break;
		if (t == IF_COUNT) {
			static const char *const qemu_ifs[] = { "scsi", "sd", "mtd", "pflash", "xen" };

			for (size_t i = 0; i < G_N_ELEMENTS(qemu_ifs); i++)
				if (!strcmp(s, qemu_ifs[i])) {
					g_set_error(errp, KEMU_ERROR, 0, "if=%s: not supported yet "
						    "(kemu has if=ide, floppy, virtio and none)", s);
					return false;
				}
			g_set_error(errp, KEMU_ERROR, 0, "unsupported bus type '%s'", s);
			return false;
		}
		d->type = t;
	}
	if ((s = opts_get(o, "media"))) {
		if (!strcmp(s, "disk")) {
			d->media = DRIVE_MEDIA_DISK;
		} else if (!strcmp(s, "cdrom")) {
			d->media = DRIVE_MEDIA_CDROM;
		} else {
			g_set_error(errp, KEMU_ERROR, 0, "'%s' invalid media", s);
			return false;
		}
	}
	if (!parse_int_key(o, "bus", &bus, errp) || !parse_int_key(o, "unit", &unit, errp) ||
	    !parse_int_key(o, "index", &index, errp))
		return false;
	if (index >= 0 && (bus >= 0 || unit >= 0)) {
		g_set_error(errp, KEMU_ERROR, 0, "index cannot be used with bus and unit");
		return false;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(drive_keys_unsupported); i++) {
		if (opts_has(o, drive_keys_unsupported[i])) {
			g_set_error(errp, KEMU_ERROR, 0, "%s=: not supported by kemu's -drive",
				    drive_keys_unsupported[i]);
			return false;
		}
	}

	/* position: QEMU's drive_new */
	max_devs = drive_if_max_devs[d->type];
	if (index >= 0) {
		bus = max_devs ? index / max_devs : 0;
		unit = max_devs ? index % max_devs : index;
	}
	if (bus < 0)
		bus = 0;
	if (unit < 0) {
		unit = 0;
		while (drive_position_used(l, d->type, bus, unit)) {
			unit++;
			if (max_devs && unit >= max_devs) {
				unit = 0;
				bus++;
			}
		}
	}
	if (max_devs && unit >= max_devs) {
		g_set_error(errp, KEMU_ERROR, 0, "unit %d too big (max is %d)", unit, max_devs - 1);
		return false;
	}
	if (drive_if_max_index[d->type] >= 0) {
		int idx = max_devs ? bus * max_devs + unit : unit;

		if ((!max_devs && bus > 0) || idx >= drive_if_max_index[d->type]) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "machine type does not support if=%s,bus=%d,unit=%d",
				    drive_if_names[d->type], bus, unit);
			return false;
		}
	}
	if (drive_position_used(l, d->type, bus, unit) && d->type != IF_NONE) {
		g_set_error(errp, KEMU_ERROR, 0, "drive with bus=%d, unit=%d (index=%d) exists",
			    bus, unit, index);
		return false;
	}
	d->bus = d->type == IF_NONE ? -1 : bus;
	d->unit = d->type == IF_NONE ? -1 : unit;
	d->index = index;

	/* id: given, or QEMU's default name */
	if ((s = opts_get(o, "id"))) {
		if (!*s || !(g_ascii_isalpha(*s)) ||
		    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._")
			    != strlen(s)) {
			g_set_error(errp, KEMU_ERROR, 0, "Parameter 'id' expects an identifier");
			return false;
		}
		d->id = g_strdup(s);
	} else if (max_devs) {
		d->id = g_strdup_printf("%s%d%s%d", drive_if_names[d->type], bus,
					d->media == DRIVE_MEDIA_CDROM ? "-cd" : "-hd", unit);
	} else {
		d->id = g_strdup_printf("%s%s%d", drive_if_names[d->type],
					d->media == DRIVE_MEDIA_CDROM ? "-cd" : "", unit);
	}
	if (drive_find(d->id)) {
		g_set_error(errp, KEMU_ERROR, 0, "Duplicate ID '%s' for drive", d->id);
		g_free(d->id);
		return false;
	}

	if ((s = opts_get(o, "werror")) && !parse_error_action(s, false, &d->werror, errp))
		goto fail_id;
	if ((s = opts_get(o, "rerror")) && !parse_error_action(s, true, &d->rerror, errp))
		goto fail_id;
	if ((s = opts_get(o, "serial"))) {
		g_set_error(errp, KEMU_ERROR, 0, "serial=: give it to the device "
			    "(-device ide-hd,drive=ID,serial=...), as QEMU 7.2 requires");
		goto fail_id;
	}

	/* the block layer's own keys (format, cache, aio, discard, readonly, ...) */
	d->opts.snapshot = snapshot;
	for (guint i = 0; i < o->list->len; i++) {
		struct opt *op = g_ptr_array_index(o->list, i);
		bool handled;

		if (op->used)
			continue;
		if (!strcmp(op->key, "file") || !strcmp(op->key, "id"))
			continue;
		if (!blk_open_opts_set(&d->opts, op->key, op->value, &handled, errp))
			goto fail_id;
		if (handled)
			op->used = true;
	}
	d->format = g_strdup(d->opts.format);
	d->opts.format = NULL;
	ro = d->opts.readonly;
	if (d->media == DRIVE_MEDIA_CDROM)
		ro = true;	/* QEMU: a CD-ROM is read-only whatever readonly= says */
	d->readonly = ro;

	file = opts_get(o, "file");
	for (guint i = 0; i < o->list->len; i++) {
		struct opt *op = g_ptr_array_index(o->list, i);

		if (!op->used) {
			g_set_error(errp, KEMU_ERROR, 0, "Invalid parameter '%s'", op->key);
			goto fail_id;
		}
	}
	if (file && *file) {
		d->blk = drive_open_image(d, file, errp);
		if (!d->blk)
			goto fail_id;
		d->filename = g_strdup(file);
	}
	g_ptr_array_add(l, g_steal_pointer(&d));
	return true;

fail_id:
	g_free(d->id);
	g_free(d->format);
	return false;
}

bool drive_add(struct machine_state *ms, const char *optstr, GError **errp)
{
	g_autoptr(kemu_opts) o = opts_parse("-drive", optstr, NULL, errp);

	if (!o)
		return false;
	if (!drive_add_opts(ms, o, errp)) {
		g_prefix_error(errp, "-drive %s: ", optstr);
		return false;
	}
	return true;
}

bool drive_add_shorthand(struct machine_state *ms, const char *option, const char *file,
			 GError **errp)
{
	g_autofree char *escaped = NULL;
	g_autofree char *str = NULL;
	g_autoptr(GString) e = g_string_new(NULL);
	g_autoptr(kemu_opts) o = NULL;

	/* the file name is one value: double its commas as QEMU's drive_add does */
	for (const char *p = file; *p; p++) {
		if (*p == ',')
			g_string_append_c(e, ',');
		g_string_append_c(e, *p);
	}
	escaped = g_string_free(g_steal_pointer(&e), false);
	if (!strcmp(option, "cdrom"))
		str = g_strdup_printf("file=%s,index=2,media=cdrom", escaped);
	else if (!strcmp(option, "fda") || !strcmp(option, "fdb"))
		str = g_strdup_printf("file=%s,if=floppy,index=%d", escaped, option[2] - 'a');
	else if (strlen(option) == 3 && !strncmp(option, "hd", 2) && option[2] >= 'a' &&
		 option[2] <= 'd')
		str = g_strdup_printf("file=%s,index=%d,media=disk", escaped, option[2] - 'a');
	else
		g_assert_not_reached();
	o = opts_parse("-drive", str, NULL, errp);
	if (!o)
		return false;
	if (!drive_add_opts(ms, o, errp)) {
		g_prefix_error(errp, "-%s %s: ", option, file);
		return false;
	}
	return true;
}

void drive_set_default_snapshot(struct machine_state *ms, bool on)
{
	ms->drive_snapshot_default = on;
}

bool drive_check_all_attached(GError **errp)
{
	GPtrArray *l = drive_list();

	/*
	 * QEMU leaves an unclaimed if=none drive alone, and every positional
	 * drive of an interface the board has is claimed by the board; one
	 * the board could not take is an error, not a silently missing disk.
	 */
	for (guint i = 0; l && i < l->len; i++) {
		struct drive_info *d = g_ptr_array_index(l, i);

		if (d->type != IF_NONE && !d->dev) {
			g_set_error(errp, KEMU_ERROR, 0, "-drive id=%s,if=%s: no device took this drive "
				    "(this machine has no %s controller yet)", d->id,
				    drive_if_names[d->type], drive_if_names[d->type]);
			return false;
		}
	}
	return true;
}

void drive_close_all(void)
{
	struct machine_state *ms = machine_current();
	GPtrArray *l = ms ? ms->drives : NULL;

	/* close flushes (unless cache=unsafe): data the guest wrote reaches the disk */
	for (guint i = 0; l && i < l->len; i++)
		drive_free(g_ptr_array_index(l, i));
	if (l)
		g_ptr_array_set_size(l, 0);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The monitor's block commands: QMP query-block, eject,
 * blockdev-change-medium, the BLOCK_IO_ERROR and DEVICE_TRAY_MOVED events,
 * and HMP's info block, eject and change. They work on the drives of
 * system/blockdev.c; the devices answer through their drive_dev_ops.
 *
 * Output follows QEMU 7.2's BlockInfo/BlockDeviceInfo/ImageInfo (qapi
 * block-core.json) for the fields kemu has: no throttling (all zero), no
 * format-specific image details in query-block (kemu-img info has them).
 */
#include "kemu/common.h"
#include "monitor/monitor-internal.h"
#include "system/blockdev.h"
#include "hw/device.h"
#include <sys/stat.h>

/* QEMU's DEVICE_TRAY_MOVED: the tray of a removable drive opened or closed */
static void block_tray_moved_event(struct drive_info *d, bool open)
{
	JsonObject *data = json_object_new();
	g_autofree char *qdev = d->dev ? object_get_canonical_path(OBJECT(d->dev)) : g_strdup("");

	json_object_set_string_member(data, "device", d->id);
	json_object_set_string_member(data, "id", d->dev && d->dev->id ? d->dev->id : qdev);
	json_object_set_boolean_member(data, "tray-open", open);
	monitor_qmp_event_emit("DEVICE_TRAY_MOVED", data);
}

/* Called by system/blockdev.c on a failed request (weak there). */
void monitor_block_io_error_event(const char *device, const char *node, bool is_read,
				  const char *action, bool nospace, const char *reason);
void monitor_block_io_error_event(const char *device, const char *node, bool is_read,
				  const char *action, bool nospace, const char *reason)
{
	JsonObject *data = json_object_new();

	json_object_set_string_member(data, "device", device);
	json_object_set_string_member(data, "node-name", node);
	json_object_set_string_member(data, "operation", is_read ? "read" : "write");
	json_object_set_string_member(data, "action", action);
	json_object_set_boolean_member(data, "nospace", nospace);
	json_object_set_string_member(data, "reason", reason);
	monitor_qmp_event_emit("BLOCK_IO_ERROR", data);
}

static bool drive_removable(struct drive_info *d)
{
	return d->media == DRIVE_MEDIA_CDROM || d->type == IF_FLOPPY;
}

static bool drive_tray_open(struct drive_info *d)
{
	return d->tray_open ||
	       (d->dev_ops && d->dev_ops->is_tray_open && d->dev_ops->is_tray_open(d->dev_opaque));
}

static bool drive_locked(struct drive_info *d)
{
	return d->dev_ops && d->dev_ops->is_medium_locked &&
	       d->dev_ops->is_medium_locked(d->dev_opaque);
}

static JsonObject *block_inserted_info(struct drive_info *d)
{
	JsonObject *ins = json_object_new(), *img = json_object_new(), *cache = json_object_new();
	const char *fmt = blk_format_name(d->blk);
	struct stat st;
	int64_t actual = stat(d->filename, &st) == 0 ? (int64_t)st.st_blocks * 512 : -1;
	static const char *const zero_members[] = {
		"bps", "bps_rd", "bps_wr", "iops", "iops_rd", "iops_wr", "write_threshold",
	};

	json_object_set_string_member(img, "filename", d->filename);
	json_object_set_string_member(img, "format", fmt);
	json_object_set_int_member(img, "virtual-size", blk_getlength(d->blk));
	if (actual >= 0)
		json_object_set_int_member(img, "actual-size", actual);
	json_object_set_boolean_member(img, "dirty-flag", false);

	json_object_set_boolean_member(cache, "writeback", d->opts.cache != BLK_CACHE_WRITETHROUGH &&
						  d->opts.cache != BLK_CACHE_DIRECTSYNC);
	json_object_set_boolean_member(cache, "direct", d->opts.cache == BLK_CACHE_NONE ||
					       d->opts.cache == BLK_CACHE_DIRECTSYNC);
	json_object_set_boolean_member(cache, "no-flush", d->opts.cache == BLK_CACHE_UNSAFE);

	json_object_set_string_member(ins, "file", d->filename);
	json_object_set_string_member(ins, "node-name", d->id);
	json_object_set_boolean_member(ins, "ro", blk_is_readonly(d->blk));
	json_object_set_string_member(ins, "drv", fmt);
	json_object_set_int_member(ins, "backing_file_depth", 0);
	json_object_set_boolean_member(ins, "encrypted", false);
	json_object_set_string_member(ins, "detect_zeroes", d->opts.detect_zeroes ? "on" : "off");
	for (size_t i = 0; i < G_N_ELEMENTS(zero_members); i++)
		json_object_set_int_member(ins, zero_members[i], 0);
	json_object_set_object_member(ins, "cache", cache);
	json_object_set_object_member(ins, "image", img);
	return ins;
}

bool qmp_cmd_query_block(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	GPtrArray *l = drive_list();
	JsonArray *a = json_array_new();

	for (guint i = 0; l && i < l->len; i++) {
		struct drive_info *d = g_ptr_array_index(l, i);
		JsonObject *o = json_object_new();

		json_object_set_string_member(o, "device", d->id);
		if (d->dev) {
			g_autofree char *path = object_get_canonical_path(OBJECT(d->dev));

			json_object_set_string_member(o, "qdev", path);
		}
		json_object_set_string_member(o, "type", "unknown");
		json_object_set_boolean_member(o, "removable", drive_removable(d));
		json_object_set_boolean_member(o, "locked", drive_locked(d));
		if (drive_removable(d))
			json_object_set_boolean_member(o, "tray_open", drive_tray_open(d));
		json_object_set_string_member(o, "io-status", "ok");
		if (d->blk)
			json_object_set_object_member(o, "inserted", block_inserted_info(d));
		json_array_add_object_element(a, o);
	}
	*ret = jnode_array(a);
	return true;
}

/* device= (the drive id) or id= (the device's qdev id or path), as QEMU */
static struct drive_info *block_find(JsonObject *args, GError **errp)
{
	const char *device = qmp_arg_str(args, "device", NULL);
	const char *id = qmp_arg_str(args, "id", NULL);
	GPtrArray *l = drive_list();

	if (!!device == !!id) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC,
				      "Need exactly one of 'device' and 'id'");
		return NULL;
	}
	if (device) {
		struct drive_info *d = drive_find(device);

		if (!d)
			*errp = qmp_error_new(QMP_ERROR_DEVICE_NOT_FOUND, "Device '%s' not found",
					      device);
		return d;
	}
	for (guint i = 0; l && i < l->len; i++) {
		struct drive_info *d = g_ptr_array_index(l, i);
		g_autofree char *path = d->dev ? object_get_canonical_path(OBJECT(d->dev)) : NULL;

		if (d->dev && ((d->dev->id && !strcmp(d->dev->id, id)) || !strcmp(path, id)))
			return d;
	}
	*errp = qmp_error_new(QMP_ERROR_DEVICE_NOT_FOUND, "Device '%s' not found", id);
	return NULL;
}

static bool block_eject(struct drive_info *d, bool force, GError **errp)
{
	GError *err = NULL;
	bool had_tray_closed = !drive_tray_open(d);

	if (!drive_removable(d)) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "Device '%s' is not removable", d->id);
		return false;
	}
	if (!drive_eject(d, force, &err)) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "%s", err->message);
		g_error_free(err);
		return false;
	}
	d->tray_open = true;
	if (had_tray_closed)
		block_tray_moved_event(d, true);
	return true;
}

bool qmp_cmd_eject(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	struct drive_info *d = block_find(args, errp);

	return d && block_eject(d, qmp_arg_bool(args, "force", false), errp);
}

static bool block_change_medium(struct drive_info *d, const char *filename, const char *format,
				const char *ro_mode, bool force, GError **errp)
{
	GError *err = NULL;
	bool readonly = d->readonly;
	bool was_open;

	if (ro_mode && !strcmp(ro_mode, "read-only"))
		readonly = true;
	else if (ro_mode && !strcmp(ro_mode, "read-write"))
		readonly = false;
	if (!drive_removable(d)) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "Device '%s' is not removable", d->id);
		return false;
	}
	if (d->media == DRIVE_MEDIA_CDROM && !readonly) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "Device '%s' is read-only: a CD-ROM "
				      "takes read-only media", d->id);
		return false;
	}
	if (!force && drive_locked(d)) {
		if (d->dev_ops && d->dev_ops->eject_request)
			d->dev_ops->eject_request(d->dev_opaque);
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "Device '%s' is locked and force was not "
				      "specified, wait for tray to open and try again", d->id);
		return false;
	}
	was_open = drive_tray_open(d);
	if (!drive_change_medium(d, filename, format, readonly, &err)) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "%s", err->message);
		g_error_free(err);
		return false;
	}
	/* QEMU opens the tray, swaps the medium and closes it again */
	if (!was_open)
		block_tray_moved_event(d, true);
	d->tray_open = false;
	block_tray_moved_event(d, false);
	return true;
}

bool qmp_cmd_blockdev_change_medium(struct monitor *mon, JsonObject *args, JsonNode **ret,
				    GError **errp)
{
	struct drive_info *d = block_find(args, errp);
	const char *ro = qmp_arg_str(args, "read-only-mode", NULL);

	if (!d)
		return false;
	if (ro && strcmp(ro, "retain") && strcmp(ro, "read-only") && strcmp(ro, "read-write")) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "Parameter 'read-only-mode' does not "
				      "accept value '%s'", ro);
		return false;
	}
	return block_change_medium(d, qmp_arg_str(args, "filename", NULL),
				   qmp_arg_str(args, "format", NULL), ro,
				   qmp_arg_bool(args, "force", false), errp);
}

/* ---- HMP ---- */

void hmp_info_block(struct monitor *mon, const char *args)
{
	GPtrArray *l = drive_list();

	for (guint i = 0; l && i < l->len; i++) {
		struct drive_info *d = g_ptr_array_index(l, i);

		if (d->blk) {
			monitor_printf(mon, "%s: %s (%s%s)\n", d->id, d->filename,
				       blk_format_name(d->blk), blk_is_readonly(d->blk) ? ", read-only" : "");
		} else {
			monitor_printf(mon, "%s: [not inserted]\n", d->id);
		}
		if (d->dev) {
			g_autofree char *path = object_get_canonical_path(OBJECT(d->dev));

			monitor_printf(mon, "    Attached to:      %s\n", d->dev->id ? d->dev->id : path);
		}
		if (drive_removable(d))
			monitor_printf(mon, "    Removable device: %slocked, tray %s\n",
				       drive_locked(d) ? "" : "not ", drive_tray_open(d) ? "open" : "closed");
		if (d->blk)
			monitor_printf(mon, "    Cache mode:       %s%s%s\n",
				       d->opts.cache == BLK_CACHE_WRITETHROUGH ||
				       d->opts.cache == BLK_CACHE_DIRECTSYNC ? "writethrough" : "writeback",
				       d->opts.cache == BLK_CACHE_NONE ||
				       d->opts.cache == BLK_CACHE_DIRECTSYNC ? ", direct" : "",
				       d->opts.cache == BLK_CACHE_UNSAFE ? ", ignore flushes" : "");
		monitor_printf(mon, "\n");
	}
}

/* eject [-f] device */
void hmp_eject(struct monitor *mon, const char *args)
{
	g_autofree char *w = hmp_word(&args);
	g_autofree char *dev = NULL;
	bool force = false;
	struct drive_info *d;
	GError *err = NULL;

	if (w && !strcmp(w, "-f")) {
		force = true;
		dev = hmp_word(&args);
	} else {
		dev = g_steal_pointer(&w);
	}
	if (!dev) {
		monitor_printf(mon, "eject: block device name expected\n");
		return;
	}
	d = drive_find(dev);
	if (!d) {
		monitor_printf(mon, "Device '%s' not found\n", dev);
		return;
	}
	if (!block_eject(d, force, &err))
		hmp_error(mon, err);
}

/* change device filename [format [read-only-mode]] */
void hmp_change(struct monitor *mon, const char *args)
{
	g_autofree char *dev = hmp_word(&args);
	g_autofree char *file = hmp_word(&args);
	g_autofree char *fmt = hmp_word(&args);
	g_autofree char *ro = hmp_word(&args);
	struct drive_info *d;
	GError *err = NULL;

	if (!dev || !file) {
		monitor_printf(mon, "change: device and filename expected\n");
		return;
	}
	if (!strcmp(dev, "vnc")) {
		monitor_printf(mon, "change vnc: VNC is not supported yet\n");
		return;
	}
	d = drive_find(dev);
	if (!d) {
		monitor_printf(mon, "Device '%s' not found\n", dev);
		return;
	}
	if (ro && strcmp(ro, "retain") && strcmp(ro, "read-only") && strcmp(ro, "read-write")) {
		monitor_printf(mon, "Unknown read-only mode '%s'\n", ro);
		return;
	}
	if (!block_change_medium(d, file, fmt, ro, false, &err))
		hmp_error(mon, err);
}

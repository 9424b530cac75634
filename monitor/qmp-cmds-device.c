// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * device_add and device_del (QMP and HMP) and the DEVICE_DELETED event.
 *
 * device_add builds the same option string -device takes and goes through
 * the same parser (hw/core/device.c), so properties, globals and errors are
 * those of the command line; the device is realized like a -device one and
 * then handed to the board's device_plugged hook, which tells the guest
 * (ACPI PCI hotplug on the pc machine). device_del only asks: the device
 * goes when the guest has released it (its _EJ0), and DEVICE_DELETED
 * follows then, as in QEMU.
 */
#include "kemu/common.h"
#include "monitor/monitor-internal.h"
#include "hw/boards.h"
#include "hw/device.h"

/* Called by the hotplug code (weak there) once a device is gone. */
void monitor_device_deleted_event(const char *id, const char *path);
void monitor_device_deleted_event(const char *id, const char *path)
{
	JsonObject *data = json_object_new();

	if (id)
		json_object_set_string_member(data, "device", id);
	json_object_set_string_member(data, "path", path);
	monitor_qmp_event_emit("DEVICE_DELETED", data);
}

/* A value as -device would spell it: ",," for a comma in a string. */
static bool append_opt_value(GString *s, JsonNode *v, const char *key, GError **errp)
{
	GType t = JSON_NODE_HOLDS_VALUE(v) ? json_node_get_value_type(v) : G_TYPE_INVALID;

	if (t == G_TYPE_STRING) {
		for (const char *p = json_node_get_string(v); *p; p++) {
			if (*p == ',')
				g_string_append_c(s, ',');
			g_string_append_c(s, *p);
		}
	} else if (t == G_TYPE_INT64) {
		g_string_append_printf(s, "%" PRId64, json_node_get_int(v));
	} else if (t == G_TYPE_BOOLEAN) {
		g_string_append(s, json_node_get_boolean(v) ? "on" : "off");
	} else if (t == G_TYPE_DOUBLE) {
		g_string_append_printf(s, "%g", json_node_get_double(v));
	} else {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "Invalid parameter type for '%s', "
				      "expected: a scalar", key);
		return false;
	}
	return true;
}

/* -device's error messages start with "-device STR: "; QMP's do not. */
static GError *strip_device_prefix(GError *err, const char *optstr)
{
	g_autofree char *prefix = g_strdup_printf("-device %s: ", optstr);
	GError *e;

	if (!g_str_has_prefix(err->message, prefix))
		return err;
	e = qmp_error_new(QMP_ERROR_GENERIC, "%s", err->message + strlen(prefix));
	g_error_free(err);
	return e;
}

static struct device *device_add_common(JsonObject *args, GError **errp)
{
	struct machine_state *ms = machine_current();
	struct machine_class *mc = MACHINE_GET_CLASS(ms);
	g_autoptr(GString) s = g_string_new(NULL);
	g_autoptr(GList) keys = json_object_get_members(args);
	g_autofree char *optstr = NULL;
	struct device *dev;
	GError *err = NULL;

	g_string_append(s, "driver=");
	if (!append_opt_value(s, json_object_get_member(args, "driver"), "driver", errp))
		return NULL;
	for (GList *l = keys; l; l = l->next) {
		const char *key = l->data;

		if (!strcmp(key, "driver"))
			continue;
		if (!strcmp(key, "bus")) {
			/* one PCI bus and one ISA bus: the type decides where it goes */
			const char *bus = json_object_get_string_member(args, "bus");

			if (strcmp(bus, "pci.0") && strcmp(bus, "isa.0")) {
				*errp = qmp_error_new(QMP_ERROR_GENERIC, "Bus '%s' not found", bus);
				return NULL;
			}
			continue;
		}
		g_string_append_printf(s, ",%s=", key);
		if (!append_opt_value(s, json_object_get_member(args, key), key, errp))
			return NULL;
	}
	optstr = g_string_free(g_steal_pointer(&s), false);

	dev = device_new_from_opts(optstr, &err);
	if (!dev) {
		*errp = strip_device_prefix(err, optstr);
		return NULL;
	}
	if (!DEVICE_GET_CLASS(dev)->hotpluggable || !mc->device_plugged) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "Bus '%s' does not support hotplugging",
				      object_dynamic_cast(OBJECT(dev), "pci-device") ? "pci.0" : "isa.0");
		object_unref(OBJECT(dev));
		return NULL;
	}
	if (!machine_add_user_device(ms, dev, &err)) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "%s", err->message);
		g_error_free(err);
		object_unref(OBJECT(dev));
		return NULL;
	}
	object_unref(OBJECT(dev));
	if (!device_realize(dev, &err) || !mc->device_plugged(ms, dev, &err)) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "%s", err->message);
		g_error_free(err);
		object_unparent(OBJECT(dev));
		return NULL;
	}
	return dev;
}

bool qmp_cmd_device_add(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	return device_add_common(args, errp) != NULL;
}

/* id: a -device/device_add id, or a QOM path */
static struct device *device_find_for_del(const char *id)
{
	struct machine_state *ms = machine_current();
	struct object *obj;

	if (id[0] == '/') {
		obj = object_resolve_path(id);
	} else {
		struct object *per = object_get_child(OBJECT(ms), "peripheral");

		obj = per ? object_get_child(per, id) : NULL;
	}
	return obj ? (struct device *)object_dynamic_cast(obj, TYPE_DEVICE) : NULL;
}

bool qmp_cmd_device_del(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	struct machine_state *ms = machine_current();
	struct machine_class *mc = MACHINE_GET_CLASS(ms);
	const char *id = qmp_arg_str(args, "id", NULL);
	struct device *dev = device_find_for_del(id);
	GError *err = NULL;

	if (!dev) {
		*errp = qmp_error_new(QMP_ERROR_DEVICE_NOT_FOUND, "Device '%s' not found", id);
		return false;
	}
	if (!mc->device_unplug_request) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "Device '%s' does not support hotplugging",
				      object_get_typename(OBJECT(dev)));
		return false;
	}
	if (!mc->device_unplug_request(ms, dev, &err)) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "%s", err->message);
		g_error_free(err);
		return false;
	}
	return true;
}

/* ---- HMP ---- */

/* device_add driver[,prop=value][,...]: the -device syntax */
void hmp_device_add(struct monitor *mon, const char *args)
{
	g_autofree char *spec = hmp_word(&args);
	g_autoptr(JsonObject) a = json_object_new();
	g_auto(GStrv) parts = NULL;
	GError *err = NULL;

	if (!spec) {
		monitor_printf(mon, "device_add: driver expected\n");
		return;
	}
	/* split on single commas; ",," stays a comma inside a value */
	{
		GString *cur = g_string_new(NULL);
		GPtrArray *v = g_ptr_array_new();

		for (const char *p = spec; ; p++) {
			if (*p == ',' && p[1] == ',') {
				g_string_append_c(cur, ',');
				p++;
			} else if (*p == ',' || !*p) {
				g_ptr_array_add(v, g_string_free(cur, false));
				cur = g_string_new(NULL);
				if (!*p)
					break;
			} else {
				g_string_append_c(cur, *p);
			}
		}
		g_string_free(cur, true);
		g_ptr_array_add(v, NULL);
		parts = (GStrv)g_ptr_array_free(v, false);
	}
	for (unsigned i = 0; parts[i]; i++) {
		char *eq = strchr(parts[i], '=');

		if (i == 0 && !eq) {
			json_object_set_string_member(a, "driver", parts[i]);
		} else if (!eq) {
			json_object_set_string_member(a, parts[i], "on");
		} else {
			*eq = 0;
			json_object_set_string_member(a, parts[i], eq + 1);
		}
	}
	if (!json_object_has_member(a, "driver")) {
		monitor_printf(mon, "Error: Parameter 'driver' is missing\n");
		return;
	}
	if (!device_add_common(a, &err))
		hmp_error(mon, err);
}

void hmp_device_del(struct monitor *mon, const char *args)
{
	g_autofree char *id = hmp_word(&args);
	g_autoptr(JsonObject) a = json_object_new();
	GError *err = NULL;

	if (!id) {
		monitor_printf(mon, "device_del: device id expected\n");
		return;
	}
	json_object_set_string_member(a, "id", id);
	if (!qmp_cmd_device_del(mon, a, NULL, &err))
		hmp_error(mon, err);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QMP send-key and input-send-event (QEMU 7.2's qapi/ui.json), HMP sendkey.
 *
 * KeyValue and InputEvent are unions, which the schema table does not model
 * (their members are 'any' there), so their members are checked here with
 * the messages QEMU's input visitor gives: "Parameter 'keys[0].type' is
 * missing", "Invalid parameter type for 'keys[0].data', expected: string",
 * and, for a bad enum value, the bare member name: "Parameter 'data' does
 * not accept value 'foo'". Events go to the input layer (include/ui/input.h).
 */
#include "monitor/monitor-internal.h"
#include "ui/input.h"
#include "ui/console.h"

static bool input_arg_missing(const char *path, const char *member, GError **errp)
{
	*errp = qmp_error_new(QMP_ERROR_GENERIC, "Parameter '%s.%s' is missing", path, member);
	return false;
}

static bool input_arg_type(const char *path, const char *what, GError **errp)
{
	*errp = qmp_error_new(QMP_ERROR_GENERIC, "Invalid parameter type for '%s', expected: %s",
			      path, what);
	return false;
}

static bool input_arg_value(const char *member, const char *value, GError **errp)
{
	*errp = qmp_error_new(QMP_ERROR_GENERIC, "Parameter '%s' does not accept value '%s'",
			      member, value);
	return false;
}

static bool input_is_string(JsonNode *n)
{
	return JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING;
}

static bool input_is_int(JsonNode *n)
{
	return JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_INT64;
}

static bool input_is_bool(JsonNode *n)
{
	return JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_BOOLEAN;
}

/* Members other than the allowed ones: "Parameter 'path.x' is unexpected". */
static bool input_check_members(JsonObject *o, const char *path, const char *const *allowed,
				GError **errp)
{
	g_autoptr(GList) names = json_object_get_members(o);

	for (GList *l = names; l; l = l->next) {
		bool ok = false;

		for (const char *const *a = allowed; *a; a++)
			ok |= !strcmp(*a, l->data);
		if (!ok) {
			*errp = qmp_error_new(QMP_ERROR_GENERIC, "Parameter '%s.%s' is unexpected",
					      path, (const char *)l->data);
			return false;
		}
	}
	return true;
}

/* A string member that must be one of an enum's values; returns its index via lookup. */
static bool input_enum_member(JsonObject *o, const char *path, const char *member,
			      int (*lookup)(const char *), int *out, GError **errp)
{
	JsonNode *n = json_object_get_member(o, member);
	g_autofree char *where = g_strdup_printf("%s.%s", path, member);

	if (!n)
		return input_arg_missing(path, member, errp);
	if (!input_is_string(n))
		return input_arg_type(where, "string", errp);
	*out = lookup(json_node_get_string(n));
	if (*out < 0)
		return input_arg_value(member, json_node_get_string(n), errp);
	return true;
}

static int input_key_kind_lookup(const char *s)
{
	return !strcmp(s, "number") ? 0 : !strcmp(s, "qcode") ? 1 : -1;
}

/* KeyValue: {"type": "qcode", "data": "ctrl"} or {"type": "number", "data": 29} */
static bool input_parse_key_value(JsonNode *node, const char *path, enum input_qcode *qcode,
				  GError **errp)
{
	static const char *const members[] = { "type", "data", NULL };
	JsonObject *o;
	JsonNode *data;
	int kind;

	if (!JSON_NODE_HOLDS_OBJECT(node))
		return input_arg_type(path, "object", errp);
	o = json_node_get_object(node);
	if (!input_enum_member(o, path, "type", input_key_kind_lookup, &kind, errp))
		return false;
	data = json_object_get_member(o, "data");
	if (!data)
		return input_arg_missing(path, "data", errp);
	if (kind == 0) {
		g_autofree char *where = g_strdup_printf("%s.data", path);

		if (!input_is_int(data))
			return input_arg_type(where, "integer", errp);
		/* QEMU takes any number; unknown ones are the unmapped key */
		int64_t num = json_node_get_int(data);
		*qcode = num > 0 && num <= 0xff ? input_qcode_from_number(num) : INPUT_QCODE_UNMAPPED;
	} else {
		int q;

		if (!input_enum_member(o, path, "data", input_qcode_from_name, &q, errp))
			return false;
		*qcode = q;
	}
	return input_check_members(o, path, members, errp);
}

bool qmp_cmd_send_key(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	JsonArray *keys = json_node_get_array(qmp_arg_node(args, "keys"));
	guint n = json_array_get_length(keys);
	g_autofree enum input_qcode *qcodes = g_new0(enum input_qcode, n + 1);
	int64_t hold = qmp_arg_int(args, "hold-time", 0);
	/* QEMU passes hold-time as an unsigned delay; a negative one is kept sane here */
	uint32_t delay = hold > 0 ? (uint32_t)MIN(hold, 60 * 1000) : 0;

	for (guint i = 0; i < n; i++) {
		g_autofree char *path = g_strdup_printf("keys[%u]", i);

		if (!input_parse_key_value(json_array_get_element(keys, i), path, &qcodes[i], errp))
			return false;
	}
	/* as QEMU 7.2: presses in order, releases in reverse, each followed by the delay */
	for (guint i = 0; i < n; i++)
		input_queue_key(qcodes[i], true, delay);
	for (guint i = n; i-- > 0;)
		input_queue_key(qcodes[i], false, delay);
	return true;
}

/* ---- input-send-event ---- */

static bool input_parse_event(JsonNode *node, const char *path, struct input_event *ev,
			      GError **errp)
{
	static const char *const kinds[] = { "key", "btn", "rel", "abs", NULL };
	static const char *const outer[] = { "type", "data", NULL };
	JsonObject *o, *d;
	JsonNode *data, *n;
	g_autofree char *dpath = g_strdup_printf("%s.data", path);
	int kind = -1;

	if (!JSON_NODE_HOLDS_OBJECT(node))
		return input_arg_type(path, "object", errp);
	o = json_node_get_object(node);
	n = json_object_get_member(o, "type");
	if (!n)
		return input_arg_missing(path, "type", errp);
	if (!input_is_string(n)) {
		g_autofree char *where = g_strdup_printf("%s.type", path);
		return input_arg_type(where, "string", errp);
	}
	for (int i = 0; kinds[i]; i++)
		if (!strcmp(kinds[i], json_node_get_string(n)))
			kind = i;
	if (kind < 0)
		return input_arg_value("type", json_node_get_string(n), errp);
	data = json_object_get_member(o, "data");
	if (!data)
		return input_arg_missing(path, "data", errp);
	if (!JSON_NODE_HOLDS_OBJECT(data))
		return input_arg_type(dpath, "object", errp);
	d = json_node_get_object(data);
	ev->kind = kind;

	if (kind == INPUT_EVENT_KEY || kind == INPUT_EVENT_BTN) {
		static const char *const key_members[] = { "down", "key", NULL };
		static const char *const btn_members[] = { "down", "button", NULL };
		g_autofree char *kpath = g_strdup_printf("%s.key", dpath);
		g_autofree char *downpath = g_strdup_printf("%s.down", dpath);
		JsonNode *down = json_object_get_member(d, "down");
		int btn;

		if (!down)
			return input_arg_missing(dpath, "down", errp);
		if (!input_is_bool(down))
			return input_arg_type(downpath, "boolean", errp);
		if (kind == INPUT_EVENT_KEY) {
			JsonNode *key = json_object_get_member(d, "key");

			if (!key)
				return input_arg_missing(dpath, "key", errp);
			if (!input_parse_key_value(key, kpath, &ev->key.qcode, errp))
				return false;
			ev->key.down = json_node_get_boolean(down);
			if (!input_check_members(d, dpath, key_members, errp))
				return false;
		} else {
			if (!input_enum_member(d, dpath, "button", input_button_from_name, &btn, errp))
				return false;
			ev->btn.button = btn;
			ev->btn.down = json_node_get_boolean(down);
			if (!input_check_members(d, dpath, btn_members, errp))
				return false;
		}
	} else {
		static const char *const move_members[] = { "axis", "value", NULL };
		g_autofree char *vpath = g_strdup_printf("%s.value", dpath);
		JsonNode *value;
		int axis;

		if (!input_enum_member(d, dpath, "axis", input_axis_from_name, &axis, errp))
			return false;
		value = json_object_get_member(d, "value");
		if (!value)
			return input_arg_missing(dpath, "value", errp);
		if (!input_is_int(value))
			return input_arg_type(vpath, "integer", errp);
		ev->move.axis = axis;
		ev->move.value = json_node_get_int(value);
		if (!input_check_members(d, dpath, move_members, errp))
			return false;
	}
	return input_check_members(o, path, outer, errp);
}

bool qmp_cmd_input_send_event(struct monitor *mon, JsonObject *args, JsonNode **ret,
			      GError **errp)
{
	JsonArray *events = json_node_get_array(qmp_arg_node(args, "events"));
	guint n = json_array_get_length(events);
	g_autofree struct input_event *evs = g_new0(struct input_event, n + 1);
	const char *device = qmp_arg_str(args, "device", NULL);

	for (guint i = 0; i < n; i++) {
		g_autofree char *path = g_strdup_printf("events[%u]", i);

		if (!input_parse_event(json_array_get_element(events, i), path, &evs[i], errp))
			return false;
	}
	if (device) {
		GError *err = NULL;

		/* kemu routes to the active devices; the name must still exist */
		if (!console_find(device, &err)) {
			*errp = qmp_error_new(QMP_ERROR_DEVICE_NOT_FOUND, "Device '%s' not found",
					      device);
			g_error_free(err);
			return false;
		}
	}
	if (!monitor_vm_running()) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "VM not running");
		return false;
	}
	for (guint i = 0; i < n; i++) {
		static const char *const kind_names[] = { "key", "btn", "rel", "abs" };

		if (!input_has_handler(1u << evs[i].kind)) {
			*errp = qmp_error_new(QMP_ERROR_GENERIC,
					      "Input handler not found for event type %s",
					      kind_names[evs[i].kind]);
			return false;
		}
	}
	for (guint i = 0; i < n; i++)
		input_event_send(&evs[i]);
	input_event_sync();
	return true;
}

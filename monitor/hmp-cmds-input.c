// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HMP sendkey: "sendkey ctrl-alt-delete [hold_ms]" with QEMU's key names
 * (QKeyCode, plus "<" for "less") or hex numbers ("0x1d"), QEMU's message
 * for an unknown key ("invalid parameter: foo"), and completion of key
 * names for the line editor. The keys go through QMP send-key.
 */
#include "monitor/monitor-internal.h"
#include "ui/input.h"

/* One key of a sendkey argument into a KeyValue object; false if unknown. */
static bool hmp_sendkey_parse(const char *key, size_t len, JsonArray *keys)
{
	g_autofree char *name = g_strndup(key, len);
	JsonObject *kv = json_object_new();
	int qcode;

	if (!strcmp(name, "<")) {		/* the old interface's name for "less" */
		g_free(name);
		name = g_strdup("less");
	}
	if (g_str_has_prefix(name, "0x")) {
		char *end;
		unsigned long v = strtoul(name, &end, 0);

		if (*end || end == name + 2) {
			json_object_unref(kv);
			return false;
		}
		json_object_set_string_member(kv, "type", "number");
		json_object_set_int_member(kv, "data", (int64_t)(int)v);
	} else {
		qcode = input_qcode_from_name(name);
		if (qcode < 0) {
			json_object_unref(kv);
			return false;
		}
		json_object_set_string_member(kv, "type", "qcode");
		json_object_set_string_member(kv, "data", name);
	}
	json_array_add_object_element(keys, kv);
	return true;
}

void hmp_sendkey(struct monitor *mon, const char *args)
{
	g_autoptr(JsonObject) a = json_object_new();
	JsonArray *keys = json_array_new();
	const char *p = args, *start, *end;
	g_autofree char *word = NULL;
	JsonNode *ret = NULL;
	GError *err = NULL;

	while (*p == ' ' || *p == '\t')
		p++;
	start = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (p == start) {
		json_array_unref(keys);
		monitor_printf(mon, "sendkey: string expected\n");
		monitor_printf(mon, "Try \"help sendkey\" for more information\n");
		return;
	}
	word = g_strndup(start, p - start);
	for (const char *k = word;; k = end + 1) {
		end = strchrnul(k, '-');
		if (!hmp_sendkey_parse(k, end - k, keys)) {
			monitor_printf(mon, "invalid parameter: %.*s\n", (int)(end - k), k);
			json_array_unref(keys);
			return;
		}
		if (!*end)
			break;
	}
	json_object_set_array_member(a, "keys", keys);
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p) {
		int64_t hold;

		if (!hmp_eval_expr(mon, &p, &hold, &err)) {
			monitor_printf(mon, "%s\n", err->message);
			monitor_printf(mon, "Try \"help sendkey\" for more information\n");
			g_error_free(err);
			return;
		}
		json_object_set_int_member(a, "hold-time", hold);
	}
	if (!qmp_cmd_send_key(mon, a, &ret, &err)) {
		monitor_printf(mon, "Error: %s\n", err->message);
		g_error_free(err);
	}
	if (ret)
		json_node_unref(ret);
}

/* Tab after "sendkey ": complete the key name after the last '-'. */
void hmp_sendkey_complete(const char *arg, GPtrArray *matches)
{
	const char *dash = strrchr(arg, '-');
	const char *prefix = dash ? dash + 1 : arg;

	for (int q = 1; q < INPUT_QCODE__MAX; q++)
		if (g_str_has_prefix(input_qcode_name(q), prefix))
			g_ptr_array_add(matches, g_strdup(input_qcode_name(q)));
}

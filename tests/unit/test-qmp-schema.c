// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The QMP schema and protocol core without a machine: argument checking with
 * QEMU's messages, query-qmp-schema's shape, the JSON streamer, the JSON
 * writer, and dispatch (negotiation, error classes, id echo).
 */
#include "monitor/monitor-internal.h"

static JsonNode *parse(const char *text)
{
	g_autoptr(JsonParser) p = json_parser_new();
	GError *err = NULL;

	g_assert_true(json_parser_load_from_data(p, text, -1, &err));
	g_assert_no_error(err);
	return json_node_copy(json_parser_get_root(p));
}

/* Check args (a JSON object text) for cmd; NULL: accepted, else the message. */
static char *check_args(const char *cmd, const char *args)
{
	const struct qmp_command_def *def = qmp_schema_find_command(cmd);
	g_autoptr(JsonNode) n = parse(args);
	GError *err = NULL;
	char *msg = NULL;

	g_assert_nonnull(def);
	if (!qmp_schema_check_args(def, json_node_get_object(n), &err)) {
		g_assert_true(err->domain == QMP_ERROR && err->code == QMP_ERROR_GENERIC);
		msg = g_strdup(err->message);
		g_error_free(err);
	}
	return msg;
}

#define ASSERT_ARGS(cmd, args, want)                            \
	do {                                                    \
		g_autofree char *m_ = check_args(cmd, args);    \
		g_assert_cmpstr(m_, ==, want);                  \
	} while (0)

static void test_qmp_args_accepts_well_typed_arguments(void)
{
	ASSERT_ARGS("pmemsave", "{\"val\": 0, \"size\": 16, \"filename\": \"/tmp/x\"}", NULL);
	ASSERT_ARGS("memsave", "{\"val\": 0, \"size\": 16, \"filename\": \"x\", \"cpu-index\": 0}",
		    NULL);
	ASSERT_ARGS("qom-set", "{\"path\": \"/\", \"property\": \"p\", \"value\": [1, {}]}", NULL);
	ASSERT_ARGS("query-status", "{}", NULL);
	ASSERT_ARGS("qmp_capabilities", "{\"enable\": [\"oob\"]}", NULL);
	ASSERT_ARGS("screendump", "{\"filename\": \"f\", \"format\": \"png\"}", NULL);
}

static void test_qmp_args_missing_parameter_is_named(void)
{
	ASSERT_ARGS("pmemsave", "{\"size\": 16, \"filename\": \"x\"}", "Parameter 'val' is missing");
	/* members are checked in schema order, before extra ones */
	ASSERT_ARGS("pmemsave", "{\"zzz\": 1}", "Parameter 'val' is missing");
	ASSERT_ARGS("qom-get", "{\"path\": \"/\"}", "Parameter 'property' is missing");
}

static void test_qmp_args_unexpected_parameter_is_named(void)
{
	ASSERT_ARGS("query-status", "{\"verbose\": true}", "Parameter 'verbose' is unexpected");
	ASSERT_ARGS("qom-list", "{\"path\": \"/\", \"depth\": 2}", "Parameter 'depth' is unexpected");
}

static void test_qmp_args_mistyped_parameter_says_what_was_expected(void)
{
	ASSERT_ARGS("pmemsave", "{\"val\": \"0\", \"size\": 1, \"filename\": \"x\"}",
		    "Invalid parameter type for 'val', expected: integer");
	ASSERT_ARGS("pmemsave", "{\"val\": 1.5, \"size\": 1, \"filename\": \"x\"}",
		    "Invalid parameter type for 'val', expected: integer");
	ASSERT_ARGS("qom-list", "{\"path\": null}",
		    "Invalid parameter type for 'path', expected: string");
	ASSERT_ARGS("qom-list-types", "{\"abstract\": 1}",
		    "Invalid parameter type for 'abstract', expected: boolean");
	ASSERT_ARGS("qmp_capabilities", "{\"enable\": {}}",
		    "Invalid parameter type for 'enable', expected: array");
	ASSERT_ARGS("qmp_capabilities", "{\"enable\": [1]}",
		    "Invalid parameter type for 'enable[0]', expected: string");
}

static void test_qmp_args_enum_refuses_unknown_values(void)
{
	ASSERT_ARGS("screendump", "{\"filename\": \"f\", \"format\": \"jpg\"}",
		    "Parameter 'format' does not accept value 'jpg'");
	ASSERT_ARGS("qmp_capabilities", "{\"enable\": [\"oob\", \"x\"]}",
		    "Parameter 'enable[1]' does not accept value 'x'");
}

static void test_qmp_args_absent_arguments_are_an_empty_object(void)
{
	GError *err = NULL;

	g_assert_true(qmp_schema_check_args(qmp_schema_find_command("query-version"), NULL, &err));
	g_assert_false(qmp_schema_check_args(qmp_schema_find_command("qom-list"), NULL, &err));
	g_assert_cmpstr(err->message, ==, "Parameter 'path' is missing");
	g_error_free(err);
}

static void test_qmp_schema_introspection_resolves_every_type(void)
{
	g_autoptr(JsonNode) s = qmp_schema_introspect();
	JsonArray *a = json_node_get_array(s);
	g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
	unsigned commands = 0, events = 0;

	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		const char *name = json_object_get_string_member(o, "name");

		g_assert_false(g_hash_table_contains(names, name));	/* each entity once */
		g_hash_table_add(names, (gpointer)name);
	}
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		const char *meta = json_object_get_string_member(o, "meta-type");

		if (!strcmp(meta, "command")) {
			commands++;
			g_assert_true(g_hash_table_contains(names,
				json_object_get_string_member(o, "arg-type")));
			g_assert_true(g_hash_table_contains(names,
				json_object_get_string_member(o, "ret-type")));
		} else if (!strcmp(meta, "event")) {
			events++;
		} else if (!strcmp(meta, "object")) {
			JsonArray *m = json_object_get_array_member(o, "members");

			for (guint j = 0; j < json_array_get_length(m); j++)
				g_assert_true(g_hash_table_contains(names, json_object_get_string_member(
					json_array_get_object_element(m, j), "type")));
		} else if (!strcmp(meta, "array")) {
			g_assert_true(g_hash_table_contains(names,
				json_object_get_string_member(o, "element-type")));
		}
	}
	g_assert_cmpuint(commands, ==, qmp_commands_count);
	g_assert_cmpuint(events, ==, qmp_events_count);
	g_assert_true(g_hash_table_contains(names, "0"));
}

struct collected {
	GPtrArray *texts;
	GPtrArray *errors;
};

static void collect(void *opaque, const char *text, const char *error)
{
	struct collected *c = opaque;

	if (text)
		g_ptr_array_add(c->texts, g_strdup(text));
	else
		g_ptr_array_add(c->errors, g_strdup(error));
}

static void feed(struct json_streamer *js, struct collected *c, const char *s)
{
	json_streamer_feed(js, (const uint8_t *)s, strlen(s), collect, c);
}

static void test_qmp_streamer_splits_texts_like_qemu(void)
{
	struct collected c = { g_ptr_array_new_with_free_func(g_free),
			       g_ptr_array_new_with_free_func(g_free) };
	struct json_streamer js;

	json_streamer_init(&js);
	feed(&js, &c, "{\"a\": \"}{\\\"\"}{\"b\"");
	g_assert_cmpuint(c.texts->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(c.texts, 0), ==, "{\"a\": \"}{\\\"\"}");
	feed(&js, &c, ": [1, 2]}\r\n 42 true\n\"s\"");
	g_assert_cmpuint(c.texts->len, ==, 5);
	g_assert_cmpstr(g_ptr_array_index(c.texts, 1), ==, "{\"b\": [1, 2]}");
	g_assert_cmpstr(g_ptr_array_index(c.texts, 2), ==, "42");
	g_assert_cmpstr(g_ptr_array_index(c.texts, 3), ==, "true");
	g_assert_cmpstr(g_ptr_array_index(c.texts, 4), ==, "\"s\"");
	g_assert_cmpuint(c.errors->len, ==, 0);
	feed(&js, &c, "}@");
	g_assert_cmpuint(c.errors->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(c.errors, 1), ==, "JSON parse error, stray '@'");
	json_streamer_destroy(&js);
	g_ptr_array_free(c.texts, true);
	g_ptr_array_free(c.errors, true);
}

static void test_qmp_streamer_limits_nesting_and_recovers(void)
{
	struct collected c = { g_ptr_array_new_with_free_func(g_free),
			       g_ptr_array_new_with_free_func(g_free) };
	struct json_streamer js;
	g_autofree char *deep = g_strnfill(2000, '[');
	g_autofree char *close = g_strnfill(2000, ']');

	json_streamer_init(&js);
	feed(&js, &c, deep);
	feed(&js, &c, close);
	feed(&js, &c, "{\"ok\": 1}");
	g_assert_cmpuint(c.errors->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(c.errors, 0), ==, "JSON nesting depth limit exceeded");
	g_assert_cmpuint(c.texts->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(c.texts, 0), ==, "{\"ok\": 1}");
	json_streamer_destroy(&js);
	g_ptr_array_free(c.texts, true);
	g_ptr_array_free(c.errors, true);
}

static void test_qmp_writer_formats_like_qemu(void)
{
	g_autoptr(JsonNode) n = parse("{\"a\": 1, \"b\": [true, null, \"x\\u00e9\\n\"], \"c\": {}}");
	g_autofree char *s = qmp_to_json(n, false);
	g_autofree char *p = qmp_to_json(n, true);

	g_assert_cmpstr(s, ==, "{\"a\": 1, \"b\": [true, null, \"x\\u00E9\\n\"], \"c\": {}}");
	g_assert_cmpstr(p, ==, "{\n    \"a\": 1,\n    \"b\": [\n        true,\n        null,\n"
			"        \"x\\u00E9\\n\"\n    ],\n    \"c\": {}\n}");
}

static char *dispatch(struct monitor *mon, const char *req)
{
	g_autoptr(JsonNode) r = parse(req);
	g_autoptr(JsonNode) rsp = qmp_dispatch(mon, r);

	return qmp_to_json(rsp, false);
}

static void test_qmp_dispatch_negotiation_and_error_classes(void)
{
	struct monitor mon = { .mode = MONITOR_MODE_CONTROL };
	char *r;

	r = dispatch(&mon, "{\"execute\": \"query-version\", \"id\": 7}");
	g_assert_cmpstr(r, ==, "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
			"\"Expecting capabilities negotiation with 'qmp_capabilities'\"}, \"id\": 7}");
	g_free(r);
	r = dispatch(&mon, "{\"execute\": \"qmp_capabilities\"}");
	g_assert_cmpstr(r, ==, "{\"return\": {}}");
	g_free(r);
	r = dispatch(&mon, "{\"execute\": \"query-version\", \"id\": \"v\"}");
	g_assert_true(g_str_has_prefix(r, "{\"return\": {\"qemu\": {"));
	g_assert_true(g_str_has_suffix(r, "\"id\": \"v\"}"));
	g_free(r);
	r = dispatch(&mon, "{\"execute\": \"nope\"}");
	g_assert_cmpstr(r, ==, "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
			"\"The command nope has not been found\"}}");
	g_free(r);
	r = dispatch(&mon, "[]");
	g_assert_cmpstr(r, ==, "{\"error\": {\"class\": \"GenericError\", \"desc\": "
			"\"QMP input must be a JSON object\"}}");
	g_free(r);
	r = dispatch(&mon, "{\"execute\": \"qom-list\", \"arguments\": {}, \"id\": null}");
	g_assert_cmpstr(r, ==, "{\"error\": {\"class\": \"GenericError\", \"desc\": "
			"\"Parameter 'path' is missing\"}, \"id\": null}");
	g_free(r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/qmp/args/accepts_well_typed_arguments",
			test_qmp_args_accepts_well_typed_arguments);
	g_test_add_func("/qmp/args/missing_parameter_is_named",
			test_qmp_args_missing_parameter_is_named);
	g_test_add_func("/qmp/args/unexpected_parameter_is_named",
			test_qmp_args_unexpected_parameter_is_named);
	g_test_add_func("/qmp/args/mistyped_parameter_says_what_was_expected",
			test_qmp_args_mistyped_parameter_says_what_was_expected);
	g_test_add_func("/qmp/args/enum_refuses_unknown_values",
			test_qmp_args_enum_refuses_unknown_values);
	g_test_add_func("/qmp/args/absent_arguments_are_an_empty_object",
			test_qmp_args_absent_arguments_are_an_empty_object);
	g_test_add_func("/qmp/schema/introspection_resolves_every_type",
			test_qmp_schema_introspection_resolves_every_type);
	g_test_add_func("/qmp/streamer/splits_texts_like_qemu",
			test_qmp_streamer_splits_texts_like_qemu);
	g_test_add_func("/qmp/streamer/limits_nesting_and_recovers",
			test_qmp_streamer_limits_nesting_and_recovers);
	g_test_add_func("/qmp/writer/formats_like_qemu", test_qmp_writer_formats_like_qemu);
	g_test_add_func("/qmp/dispatch/negotiation_and_error_classes",
			test_qmp_dispatch_negotiation_and_error_classes);
	return g_test_run();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The QMP protocol, as QEMU 7.2 speaks it (docs/interop/qmp-spec.txt):
 * greeting, capabilities negotiation, {"execute", "arguments", "id"}
 * requests, {"return"}/{"error": {"class", "desc"}} responses, events.
 *
 * Input is split into JSON texts the way QEMU's json-streamer does
 * (brace/bracket depth outside strings; a bare scalar is a text of its own)
 * and each text is parsed by json-glib. Limits as QEMU's: 64 MiB per text,
 * nesting 1024. Any error answers GenericError and the session goes on.
 * Output is written like QEMU's JSON writer ({"a": 1, "b": [2, 3]}, non-ASCII
 * as \uXXXX), one message per line ending "\r\n".
 *
 * Not here: the commands (qmp-cmds.c), the schema (qmp-schema.c).
 * Not supported: out-of-band execution ("exec-oob"), single-quoted strings.
 */
#include "monitor/monitor-internal.h"

#define JSON_MAX_TEXT (64u << 20)
#define JSON_MAX_NESTING 1024

/* ---- JSON helpers ---- */

JsonNode *jnode_object(JsonObject *o)
{
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);

	json_node_take_object(n, o);
	return n;
}

JsonNode *jnode_array(JsonArray *a)
{
	JsonNode *n = json_node_new(JSON_NODE_ARRAY);

	json_node_take_array(n, a);
	return n;
}

JsonNode *jnode_string(const char *s)
{
	JsonNode *n = json_node_new(JSON_NODE_VALUE);

	json_node_set_string(n, s);
	return n;
}

JsonNode *jnode_int(int64_t v)
{
	JsonNode *n = json_node_new(JSON_NODE_VALUE);

	json_node_set_int(n, v);
	return n;
}

JsonNode *jnode_bool(bool v)
{
	JsonNode *n = json_node_new(JSON_NODE_VALUE);

	json_node_set_boolean(n, v);
	return n;
}

GError *qmp_error_new(enum qmp_error_class cls, const char *fmt, ...)
{
	va_list ap;
	GError *err;

	va_start(ap, fmt);
	err = g_error_new_valist(QMP_ERROR, cls, fmt, ap);
	va_end(ap);
	return err;
}

/* ---- output ---- */

/* QEMU's to_json(): ASCII as is, everything else escaped, bad UTF-8 as bytes. */
static void json_write_string(GString *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	g_string_append_c(out, '"');
	while (*p) {
		gunichar c = *p;
		int len = 1;

		if (c >= 0x80) {
			const char *end;

			c = g_utf8_get_char_validated((const char *)p, -1);
			if (c == (gunichar)-1 || c == (gunichar)-2) {
				c = 0xfffd;	/* QEMU writes U+FFFD for invalid sequences */
			} else {
				end = g_utf8_next_char((const char *)p);
				len = end - (const char *)p;
			}
		}
		switch (c) {
		case '"':
			g_string_append(out, "\\\"");
			break;
		case '\\':
			g_string_append(out, "\\\\");
			break;
		case '\b':
			g_string_append(out, "\\b");
			break;
		case '\f':
			g_string_append(out, "\\f");
			break;
		case '\n':
			g_string_append(out, "\\n");
			break;
		case '\r':
			g_string_append(out, "\\r");
			break;
		case '\t':
			g_string_append(out, "\\t");
			break;
		default:
			if (c >= 0x20 && c < 0x7f) {
				g_string_append_c(out, (char)c);
			} else if (c > 0xffff) {
				c -= 0x10000;
				g_string_append_printf(out, "\\u%04X\\u%04X", 0xd800 | (c >> 10),
						       0xdc00 | (c & 0x3ff));
			} else {
				g_string_append_printf(out, "\\u%04X", c);
			}
			break;
		}
		p += len;
	}
	g_string_append_c(out, '"');
}

static void json_indent(GString *out, bool pretty, int level)
{
	if (!pretty)
		return;
	g_string_append_c(out, '\n');
	for (int i = 0; i < level; i++)
		g_string_append(out, "    ");
}

static void json_write(GString *out, JsonNode *node, bool pretty, int level)
{
	switch (JSON_NODE_TYPE(node)) {
	case JSON_NODE_OBJECT: {
		JsonObject *o = json_node_get_object(node);
		GList *keys = json_object_get_members(o);

		g_string_append_c(out, '{');
		for (GList *l = keys; l; l = l->next) {
			json_indent(out, pretty, level + 1);
			json_write_string(out, l->data);
			g_string_append(out, ": ");
			json_write(out, json_object_get_member(o, l->data), pretty, level + 1);
			if (l->next)
				g_string_append(out, pretty ? "," : ", ");
		}
		if (keys)
			json_indent(out, pretty, level);
		g_string_append_c(out, '}');
		g_list_free(keys);
		break;
	}
	case JSON_NODE_ARRAY: {
		JsonArray *a = json_node_get_array(node);
		guint n = json_array_get_length(a);

		g_string_append_c(out, '[');
		for (guint i = 0; i < n; i++) {
			json_indent(out, pretty, level + 1);
			json_write(out, json_array_get_element(a, i), pretty, level + 1);
			if (i + 1 < n)
				g_string_append(out, pretty ? "," : ", ");
		}
		if (n)
			json_indent(out, pretty, level);
		g_string_append_c(out, ']');
		break;
	}
	case JSON_NODE_NULL:
		g_string_append(out, "null");
		break;
	case JSON_NODE_VALUE: {
		GType t = json_node_get_value_type(node);

		if (t == G_TYPE_STRING) {
			json_write_string(out, json_node_get_string(node));
		} else if (t == G_TYPE_BOOLEAN) {
			g_string_append(out, json_node_get_boolean(node) ? "true" : "false");
		} else if (t == G_TYPE_DOUBLE) {
			char buf[G_ASCII_DTOSTR_BUF_SIZE];

			g_string_append(out, g_ascii_formatd(buf, sizeof(buf), "%.17g",
							     json_node_get_double(node)));
		} else {
			g_string_append_printf(out, "%" PRId64, json_node_get_int(node));
		}
		break;
	}
	}
}

char *qmp_to_json(JsonNode *node, bool pretty)
{
	GString *out = g_string_new(NULL);

	json_write(out, node, pretty, 0);
	return g_string_free(out, false);
}

void qmp_send(struct monitor *mon, JsonNode *msg)
{
	g_autofree char *text = qmp_to_json(msg, mon->pretty);
	g_autofree char *line = g_strconcat(text, "\r\n", NULL);

	monitor_write(mon, line, strlen(line));
}

/* ---- the streamer ---- */

void json_streamer_init(struct json_streamer *js)
{
	memset(js, 0, sizeof(*js));
	js->buf = g_string_new(NULL);
}

void json_streamer_destroy(struct json_streamer *js)
{
	if (js->buf)
		g_string_free(js->buf, true);
	js->buf = NULL;
}

static void streamer_reset(struct json_streamer *js)
{
	g_string_truncate(js->buf, 0);
	js->depth = 0;
	js->in_string = js->escape = js->in_scalar = false;
}

static bool scalar_char(uint8_t c)
{
	return g_ascii_isalnum(c) || c == '-' || c == '+' || c == '.';
}

void json_streamer_feed(struct json_streamer *js, const uint8_t *buf, size_t len,
			void (*emit)(void *opaque, const char *text, const char *error),
			void *opaque)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t c = buf[i];

		if (js->in_string) {
			g_string_append_c(js->buf, c);
			if (js->escape)
				js->escape = false;
			else if (c == '\\')
				js->escape = true;
			else if (c == '"')
				js->in_string = false;
			if (!js->in_string && js->depth == 0 && !js->discarding) {
				emit(opaque, js->buf->str, NULL);
				streamer_reset(js);
			}
			goto check_size;
		}
		if (js->in_scalar) {
			if (scalar_char(c)) {
				g_string_append_c(js->buf, c);
				goto check_size;
			}
			emit(opaque, js->buf->str, NULL);
			streamer_reset(js);
		}
		switch (c) {
		case ' ': case '\t': case '\r': case '\n':
			if (js->depth)
				g_string_append_c(js->buf, c);
			break;
		case '{': case '[':
			js->depth++;
			if (js->discarding)
				break;
			g_string_append_c(js->buf, c);
			if (js->depth > JSON_MAX_NESTING) {
				emit(opaque, NULL, "JSON nesting depth limit exceeded");
				g_string_truncate(js->buf, 0);
				js->discarding = true;
			}
			break;
		case '}': case ']':
			if (js->depth == 0) {
				if (js->discarding)
					js->discarding = false;
				else
					emit(opaque, NULL, "JSON parse error, expecting value");
				break;
			}
			js->depth--;
			if (js->discarding) {
				if (js->depth == 0) {
					streamer_reset(js);
					js->discarding = false;
				}
				break;
			}
			g_string_append_c(js->buf, c);
			if (js->depth == 0) {
				emit(opaque, js->buf->str, NULL);
				streamer_reset(js);
			}
			break;
		case '"':
			js->in_string = true;
			if (!js->discarding)
				g_string_append_c(js->buf, c);
			break;
		default:
			if (js->discarding)
				break;
			if (js->depth) {
				g_string_append_c(js->buf, c);
			} else if (scalar_char(c)) {
				js->in_scalar = true;
				g_string_append_c(js->buf, c);
			} else {
				g_autofree char *msg = g_ascii_isprint(c)
					? g_strdup_printf("JSON parse error, stray '%c'", c)
					: g_strdup_printf("JSON parse error, stray '\\x%02x'", c);

				emit(opaque, NULL, msg);
			}
			break;
		}
check_size:
		if (js->discarding && js->in_string)
			g_string_truncate(js->buf, 0);
		if (js->buf->len > JSON_MAX_TEXT) {
			emit(opaque, NULL, "JSON token size limit exceeded");
			streamer_reset(js);
			js->discarding = js->depth > 0;
		}
	}
}

/* ---- dispatch ---- */

static JsonNode *qmp_error_response(GError *err)
{
	JsonObject *e = json_object_new(), *r = json_object_new();

	json_object_set_string_member(e, "class", err->domain == QMP_ERROR
				      ? qmp_error_class_name(err->code) : "GenericError");
	json_object_set_string_member(e, "desc", err->message);
	json_object_set_object_member(r, "error", e);
	return jnode_object(r);
}

/* QEMU's qmp_dispatch_check_obj(). */
static bool qmp_check_request(JsonObject *req, GError **errp)
{
	GList *keys = json_object_get_members(req);
	bool has_exec = false, ok = true;

	for (GList *l = keys; l && ok; l = l->next) {
		const char *k = l->data;
		JsonNode *v = json_object_get_member(req, k);

		if (!strcmp(k, "execute")) {
			if (!JSON_NODE_HOLDS_VALUE(v) || json_node_get_value_type(v) != G_TYPE_STRING) {
				*errp = qmp_error_new(QMP_ERROR_GENERIC,
						      "QMP input member 'execute' must be a string");
				ok = false;
			}
			has_exec = true;
		} else if (!strcmp(k, "arguments")) {
			if (!JSON_NODE_HOLDS_OBJECT(v)) {
				*errp = qmp_error_new(QMP_ERROR_GENERIC,
						      "QMP input member 'arguments' must be an object");
				ok = false;
			}
		} else if (strcmp(k, "id")) {
			*errp = qmp_error_new(QMP_ERROR_GENERIC, "QMP input member '%s' is unexpected",
					      k);
			ok = false;
		}
	}
	g_list_free(keys);
	if (ok && !has_exec) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "QMP input lacks member 'execute'");
		ok = false;
	}
	return ok;
}

static bool qmp_run(struct monitor *mon, JsonObject *req, JsonNode **ret, GError **errp)
{
	const char *name = json_object_get_string_member(req, "execute");
	JsonObject *args = json_object_has_member(req, "arguments")
			   ? json_object_get_object_member(req, "arguments") : NULL;
	const struct qmp_command_def *cmd = qmp_schema_find_command(name);
	GError *err = NULL;

	if (!mon->negotiated && (!cmd || strcmp(cmd->name, "qmp_capabilities"))) {
		*errp = qmp_error_new(QMP_ERROR_COMMAND_NOT_FOUND,
				      "Expecting capabilities negotiation with 'qmp_capabilities'");
		return false;
	}
	if (!cmd) {
		*errp = qmp_error_new(QMP_ERROR_COMMAND_NOT_FOUND,
				      "The command %s has not been found", name);
		return false;
	}
	if (!qmp_schema_check_args(cmd, args, errp))
		return false;
	if (!cmd->handler(mon, args, ret, errp))
		return false;
	/* a command that answers outside its schema is a kemu bug: say so, loudly */
	if (!qmp_schema_check_return(cmd, *ret, &err)) {
		fprintf(stderr, "kemu: qmp: %s: return value does not match the schema: %s\n",
			cmd->name, err->message);
		g_error_free(err);
	}
	return true;
}

JsonNode *qmp_dispatch(struct monitor *mon, JsonNode *req)
{
	JsonNode *ret = NULL, *rsp;
	GError *err = NULL;
	JsonObject *obj = JSON_NODE_HOLDS_OBJECT(req) ? json_node_get_object(req) : NULL;

	if (!obj)
		err = qmp_error_new(QMP_ERROR_GENERIC, "QMP input must be a JSON object");
	else if (qmp_check_request(obj, &err))
		qmp_run(mon, obj, &ret, &err);
	if (err) {
		if (ret)
			json_node_unref(ret);
		rsp = qmp_error_response(err);
		g_error_free(err);
	} else {
		JsonObject *r = json_object_new();

		json_object_set_member(r, "return", ret ? ret : jnode_object(json_object_new()));
		rsp = jnode_object(r);
	}
	if (obj && json_object_has_member(obj, "id"))
		json_object_set_member(json_node_get_object(rsp), "id",
				       json_node_copy(json_object_get_member(obj, "id")));
	return rsp;
}

/* ---- the session ---- */

static void qmp_handle_text(void *opaque, const char *text, const char *error)
{
	struct monitor *mon = opaque;
	g_autoptr(JsonParser) parser = NULL;
	g_autoptr(JsonNode) rsp = NULL;
	GError *err = NULL;

	if (error) {
		err = qmp_error_new(QMP_ERROR_GENERIC, "%s", error);
		rsp = qmp_error_response(err);
		g_error_free(err);
		qmp_send(mon, rsp);
		return;
	}
	parser = json_parser_new();
	if (!json_parser_load_from_data(parser, text, -1, &err)) {
		/* json-glib says "<data>:1:12: Parse error: ..."; keep what matters */
		const char *m = strstr(err->message, "error: ");
		GError *e = qmp_error_new(QMP_ERROR_GENERIC, "JSON parse error, %s",
					  m ? m + 7 : err->message);

		g_error_free(err);
		rsp = qmp_error_response(e);
		g_error_free(e);
		qmp_send(mon, rsp);
		return;
	}
	if (!json_parser_get_root(parser))
		return;		/* only whitespace */
	rsp = qmp_dispatch(mon, json_parser_get_root(parser));
	qmp_send(mon, rsp);
}

void qmp_receive(struct monitor *mon, const uint8_t *buf, int len)
{
	json_streamer_feed(&mon->js, buf, len, qmp_handle_text, mon);
}

void qmp_session_start(struct monitor *mon)
{
	JsonObject *greeting = json_object_new(), *qmp = json_object_new();
	g_autoptr(JsonNode) node = NULL;
	JsonNode *version = NULL;

	mon->negotiated = false;
	json_streamer_destroy(&mon->js);
	json_streamer_init(&mon->js);
	qmp_cmd_query_version(mon, NULL, &version, NULL);
	json_object_set_member(qmp, "version", version);
	json_object_set_array_member(qmp, "capabilities", json_array_new());
	json_object_set_object_member(greeting, "QMP", qmp);
	node = jnode_object(greeting);
	qmp_send(mon, node);
}

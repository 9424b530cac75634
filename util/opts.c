// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QEMU-style "key=value,..." option strings. See include/kemu/opts.h.
 */
#include "kemu/opts.h"

static void opt_free(gpointer p)
{
	struct opt *o = p;

	g_free(o->key);
	g_free(o->value);
	g_free(o);
}

/* Reads up to an unescaped `stop` char (or ','), unescaping ",,". */
static const char *read_token(const char *p, char stop, GString *out)
{
	while (*p) {
		if (*p == ',') {
			if (p[1] == ',') {
				g_string_append_c(out, ',');
				p += 2;
				continue;
			}
			break;
		}
		if (*p == stop)
			break;
		g_string_append_c(out, *p++);
	}
	return p;
}

struct opts *opts_parse(const char *option, const char *str, const char *implied_key,
			GError **errp)
{
	struct opts *o = g_new0(struct opts, 1);
	const char *p = str;
	bool first = true;

	o->option = g_strdup(option);
	o->list = g_ptr_array_new_with_free_func(opt_free);
	while (*p) {
		g_autoptr(GString) key = g_string_new(NULL);
		g_autoptr(GString) value = g_string_new(NULL);
		struct opt *opt;

		p = read_token(p, '=', key);
		if (*p == '=') {
			p = read_token(p + 1, 0, value);
		} else if (first && implied_key) {
			g_string_assign(value, key->str);
			g_string_assign(key, implied_key);
		} else if (key->len) {
			/* bare "flag" means flag=on */
			g_string_assign(value, "on");
		}
		if (!key->len) {
			g_set_error(errp, KEMU_ERROR, 0, "%s %s: Invalid parameter ''", option, str);
			opts_free(o);
			return NULL;
		}
		opt = g_new0(struct opt, 1);
		opt->key = g_string_free(g_steal_pointer(&key), false);
		opt->value = g_string_free(g_steal_pointer(&value), false);
		g_ptr_array_add(o->list, opt);
		first = false;
		if (*p == ',')
			p++;
	}
	return o;
}

void opts_free(struct opts *o)
{
	if (!o)
		return;
	g_ptr_array_free(o->list, true);
	g_free(o->option);
	g_free(o);
}

const char *opts_get(struct opts *o, const char *key)
{
	const char *v = NULL;

	for (guint i = 0; i < o->list->len; i++) {
		struct opt *opt = g_ptr_array_index(o->list, i);

		if (!strcmp(opt->key, key)) {
			opt->used = true;
			v = opt->value;
		}
	}
	return v;
}

bool opts_has(struct opts *o, const char *key)
{
	for (guint i = 0; i < o->list->len; i++)
		if (!strcmp(((struct opt *)g_ptr_array_index(o->list, i))->key, key))
			return true;
	return false;
}

bool opts_get_bool(struct opts *o, const char *key, bool *out, GError **errp)
{
	const char *v = opts_get(o, key);

	if (!v)
		return true;
	if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true")) {
		*out = true;
	} else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false")) {
		*out = false;
	} else {
		g_set_error(errp, KEMU_ERROR, 0, "%s %s=%s: Parameter '%s' expects 'on' or 'off'",
			    o->option, key, v, key);
		return false;
	}
	return true;
}

bool opts_get_number(struct opts *o, const char *key, uint64_t *out, GError **errp)
{
	const char *v = opts_get(o, key);

	if (!v)
		return true;
	if (!parse_uint64(v, out)) {
		g_set_error(errp, KEMU_ERROR, 0, "%s %s: Parameter '%s' expects a number",
			    o->option, v, key);
		return false;
	}
	return true;
}

bool opts_get_size(struct opts *o, const char *key, char default_suffix, uint64_t *out,
		   GError **errp)
{
	const char *v = opts_get(o, key);

	if (!v)
		return true;
	if (!parse_size(v, default_suffix, out)) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "%s %s: Parameter '%s' expects a non-negative number below 2^64\n"
			    "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n"
			    "and exabytes, respectively.", o->option, v, key);
		return false;
	}
	return true;
}

bool opts_check_unused(struct opts *o, GError **errp)
{
	for (guint i = 0; i < o->list->len; i++) {
		struct opt *opt = g_ptr_array_index(o->list, i);

		if (!opt->used) {
			g_set_error(errp, KEMU_ERROR, 0, "%s: Invalid parameter '%s'",
				    o->option, opt->key);
			return false;
		}
	}
	return true;
}

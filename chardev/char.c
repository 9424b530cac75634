// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Character device core: the abstract "chardev" type, the registry of
 * chardevs by id, "-chardev"/"-serial" option parsing, the front-end API and
 * fd-based input/output on glib's default main context.
 *
 * Backends live in char-*.c; the mux in char-mux.c. Not here: the monitor
 * and the devices that use chardevs.
 */
#include "kemu/common.h"
#include "chardev/char.h"
#include "chardev/chardev-internal.h"

#include <fcntl.h>
#include <glib-unix.h>
#include <poll.h>
#include <unistd.h>

/* Options of one "-chardev" (or translated "-serial") spec. */
struct chardev_opt {
	char *key;
	char *value;
};

struct chardev_opts {
	char *backend;
	GPtrArray *items;	/* of struct chardev_opt *, later ones win */
};

/* ---- options ---------------------------------------------------------- */

static void chardev_opt_free(gpointer p)
{
	struct chardev_opt *o = p;

	g_free(o->key);
	g_free(o->value);
	g_free(o);
}

static struct chardev_opts *chardev_opts_new(const char *backend)
{
	struct chardev_opts *opts = g_new0(struct chardev_opts, 1);

	opts->backend = g_strdup(backend);
	opts->items = g_ptr_array_new_with_free_func(chardev_opt_free);
	return opts;
}

static void chardev_opts_free(struct chardev_opts *opts)
{
	if (!opts)
		return;
	g_free(opts->backend);
	g_ptr_array_free(opts->items, TRUE);
	g_free(opts);
}

typedef struct chardev_opts chardev_opts;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(chardev_opts, chardev_opts_free)

static void chardev_opts_set(struct chardev_opts *opts, const char *key, const char *value)
{
	struct chardev_opt *o = g_new0(struct chardev_opt, 1);

	o->key = g_strdup(key);
	o->value = g_strdup(value);
	g_ptr_array_add(opts->items, o);
}

const char *chardev_opt_get(struct chardev_opts *opts, const char *key)
{
	for (guint i = opts->items->len; i > 0; i--) {
		struct chardev_opt *o = g_ptr_array_index(opts->items, i - 1);

		if (!strcmp(o->key, key))
			return o->value;
	}
	return NULL;
}

static bool parse_on_off(const char *v, bool *out)
{
	static const char *const on[] = { "on", "yes", "true", "y", NULL };
	static const char *const off[] = { "off", "no", "false", "n", NULL };

	for (int i = 0; on[i]; i++) {
		if (!strcmp(v, on[i])) {
			*out = true;
			return true;
		}
		if (!strcmp(v, off[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

bool chardev_opt_get_bool(struct chardev_opts *opts, const char *key, bool def,
			  bool *out, GError **errp)
{
	const char *v = chardev_opt_get(opts, key);

	*out = def;
	if (!v)
		return true;
	if (!parse_on_off(v, out)) {
		g_set_error(errp, KEMU_ERROR, 0, "Parameter '%s' expects 'on' or 'off'", key);
		return false;
	}
	return true;
}

bool chardev_opt_get_number(struct chardev_opts *opts, const char *key, uint64_t def,
			    uint64_t *out, GError **errp)
{
	const char *v = chardev_opt_get(opts, key);

	*out = def;
	if (!v)
		return true;
	if (!parse_uint64(v, out)) {
		g_set_error(errp, KEMU_ERROR, 0, "Parameter '%s' expects a number", key);
		return false;
	}
	return true;
}

/* Split "a,b=c,,d" at single commas; ",," is a literal comma. */
static GPtrArray *split_commas(const char *str)
{
	GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
	GString *cur = g_string_new(NULL);

	for (const char *p = str; ; p++) {
		if (*p == ',' && p[1] == ',') {
			g_string_append_c(cur, ',');
			p++;
		} else if (*p == ',' || !*p) {
			g_ptr_array_add(parts, g_string_free(cur, FALSE));
			if (!*p)
				break;
			cur = g_string_new(NULL);
		} else {
			g_string_append_c(cur, *p);
		}
	}
	return parts;
}

/* Append "k=v,k2,nok3" items to opts (no backend name in front). */
static void chardev_opts_parse_items(struct chardev_opts *opts, GPtrArray *parts, guint first)
{
	for (guint i = first; i < parts->len; i++) {
		const char *part = g_ptr_array_index(parts, i);
		const char *eq = strchr(part, '=');

		if (!*part)
			continue;
		if (eq) {
			g_autofree char *key = g_strndup(part, eq - part);

			chardev_opts_set(opts, key, eq + 1);
		} else {
			/* QemuOpts short forms: "server" = on, "nowait" = wait=off */
			chardev_opts_set(opts, part, "on");
		}
	}
}

static bool chardev_key_known(const struct chardev_class *klass, const char *key)
{
	static const char *const common[] = { "id", "mux", "logfile", "logappend", NULL };

	if (g_strv_contains(common, key))
		return true;
	return klass->opts && g_strv_contains((const char *const *)klass->opts, key);
}

/*
 * Resolve "noKEY" short forms and refuse unknown keys, before anything is
 * opened, so a typo never leaves a half-made socket behind.
 */
static bool chardev_opts_check(struct chardev_opts *opts, const struct chardev_class *klass,
			       GError **errp)
{
	for (guint i = 0; i < opts->items->len; i++) {
		struct chardev_opt *o = g_ptr_array_index(opts->items, i);

		if (chardev_key_known(klass, o->key))
			continue;
		if (g_str_has_prefix(o->key, "no") && !strcmp(o->value, "on") &&
		    chardev_key_known(klass, o->key + 2)) {
			char *k = g_strdup(o->key + 2);

			g_free(o->key);
			g_free(o->value);
			o->key = k;
			o->value = g_strdup("off");
			continue;
		}
		g_set_error(errp, KEMU_ERROR, 0, "Invalid parameter '%s'", o->key);
		return false;
	}
	return true;
}

/* ---- registry and creation ---------------------------------------------- */

/*
 * The registry is the QOM container /chardevs (what qom-list shows), whose
 * children are the chardevs by id, in creation order.
 */
static struct object *chardev_container(bool create)
{
	struct object *root = object_get_root();
	struct object *c = object_get_child(root, "chardevs");

	if (!c && create) {
		c = object_new("container");
		object_property_add_child(root, "chardevs", c);
		object_unref(c);
	}
	return c;
}

struct chardev *chardev_find(const char *id)
{
	struct object *c = chardev_container(false);
	struct object *obj;

	if (!c || !id)
		return NULL;
	obj = object_get_child(c, id);
	return obj ? (struct chardev *)object_dynamic_cast(obj, TYPE_CHARDEV) : NULL;
}

GPtrArray *chardev_list(void)
{
	struct object *c = chardev_container(false);
	GPtrArray *list = g_ptr_array_new();

	for (guint i = 0; c && i < c->children->len; i++)
		g_ptr_array_add(list, g_ptr_array_index(c->children, i));
	return list;
}

void chardev_register(struct chardev *chr)
{
	object_property_add_child(chardev_container(true), chr->id, OBJECT(chr));
	object_unref(OBJECT(chr));	/* the container holds it now */
}

void chardev_remove(struct chardev *chr)
{
	if (chr && OBJECT(chr)->parent == chardev_container(false))
		object_unparent(OBJECT(chr));
}

void chardev_remove_all(void)
{
	struct object *c = chardev_container(false);

	while (c && c->children->len)
		object_unparent(g_ptr_array_index(c->children, c->children->len - 1));
}

static const struct chardev_class *chardev_class_for_backend(const char *backend)
{
	g_autofree char *name = NULL;
	struct object_class *oc;

	if (!backend || !*backend || !strcmp(backend, "mux"))
		return NULL;
	name = g_strdup_printf("chardev-%s", backend);
	oc = object_class_by_name(name);
	if (!oc || object_class_is_abstract(oc) ||
	    !object_class_dynamic_cast(oc, TYPE_CHARDEV))
		return NULL;
	return (const struct chardev_class *)oc;
}

/* logfile=PATH[,logappend=on]: a copy of everything written goes there too. */
static bool chardev_open_logfile(struct chardev *chr, struct chardev_opts *opts, GError **errp)
{
	const char *path = chardev_opt_get(opts, "logfile");
	bool append;

	if (!chardev_opt_get_bool(opts, "logappend", false, &append, errp))
		return false;
	if (!path)
		return true;
	chr->log_fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC),
			   0666);
	if (chr->log_fd < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "could not open log file '%s': %s", path,
			    g_strerror(errno));
		return false;
	}
	return true;
}

static struct chardev *chardev_create(struct chardev_opts *opts, GError **errp)
{
	const struct chardev_class *klass = chardev_class_for_backend(opts->backend);
	const char *id;
	struct chardev *chr;
	bool mux;

	if (!klass) {
		g_set_error(errp, KEMU_ERROR, 0, "unknown chardev backend '%s'", opts->backend);
		return NULL;
	}
	if (!chardev_opts_check(opts, klass, errp))
		return NULL;
	id = chardev_opt_get(opts, "id");
	if (!id || !*id) {
		g_set_error(errp, KEMU_ERROR, 0, "Parameter 'id' is missing");
		return NULL;
	}
	if (chardev_find(id)) {
		g_set_error(errp, KEMU_ERROR, 0, "duplicate chardev id '%s'", id);
		return NULL;
	}
	if (!chardev_opt_get_bool(opts, "mux", false, &mux, errp))
		return NULL;

	chr = CHARDEV(object_new(object_class_get_name(OBJECT_CLASS(klass))));
	chr->id = mux ? g_strdup_printf("%s-base", id) : g_strdup(id);
	if (!chr->desc)
		chr->desc = g_strdup(opts->backend);
	if (!chardev_open_logfile(chr, opts, errp) || !klass->open(chr, opts, errp)) {
		object_unref(OBJECT(chr));
		return NULL;
	}
	if (mux) {
		/* the mux takes over our reference to the base */
		return chardev_mux_new(id, chr, errp);
	}
	chardev_register(chr);
	return chr;
}

struct chardev *chardev_new_from_opts(const char *str, GError **errp)
{
	g_autoptr(GPtrArray) parts = split_commas(str ? str : "");
	g_autoptr(chardev_opts) opts = NULL;
	const char *first = g_ptr_array_index(parts, 0);
	struct chardev *chr;

	if (strchr(first, '=')) {
		g_set_error(errp, KEMU_ERROR, 0, "-chardev %s: the backend name must come first",
			    str);
		return NULL;
	}
	opts = chardev_opts_new(first);
	chardev_opts_parse_items(opts, parts, 1);
	chr = chardev_create(opts, errp);
	if (!chr)
		g_prefix_error(errp, "-chardev %s: ", str);
	return chr;
}

/* "tcp:HOST:PORT[,opts]" → host, port; "[v6]:port" allowed. */
static bool legacy_split_host_port(const char *hp, char **host, char **port)
{
	const char *colon;

	if (hp[0] == '[') {
		const char *end = strchr(hp, ']');

		if (!end || end[1] != ':')
			return false;
		*host = g_strndup(hp + 1, end - hp - 1);
		*port = g_strdup(end + 2);
		return **port != 0;
	}
	colon = strrchr(hp, ':');
	if (!colon || !colon[1])
		return false;
	*host = g_strndup(hp, colon - hp);
	*port = g_strdup(colon + 1);
	return true;
}

struct chardev *chardev_new_from_legacy(const char *spec, const char *id, GError **errp)
{
	g_autoptr(chardev_opts) opts = NULL;
	bool mux = false;
	const char *p;

	if (!spec || !*spec) {
		g_set_error(errp, KEMU_ERROR, 0, "empty chardev specification");
		return NULL;
	}
	if (!strcmp(spec, "none"))
		return NULL;
	if (g_str_has_prefix(spec, "chardev:")) {
		struct chardev *chr = chardev_find(spec + 8);

		if (!chr)
			g_set_error(errp, KEMU_ERROR, 0, "chardev '%s' not found", spec + 8);
		return chr;
	}
	if (g_str_has_prefix(spec, "mon:")) {
		mux = true;
		spec += 4;
	}

	if (!strcmp(spec, "stdio") || !strcmp(spec, "null") || !strcmp(spec, "pty")) {
		opts = chardev_opts_new(spec);
		/* mon:stdio passes Ctrl-C to the guest, as -nographic always did */
		if (mux && !strcmp(spec, "stdio"))
			chardev_opts_set(opts, "signal", "off");
	} else if ((p = g_str_has_prefix(spec, "file:") ? spec + 5 : NULL)) {
		opts = chardev_opts_new("file");
		chardev_opts_set(opts, "path", p);
	} else if ((p = g_str_has_prefix(spec, "pipe:") ? spec + 5 : NULL)) {
		opts = chardev_opts_new("pipe");
		chardev_opts_set(opts, "path", p);
	} else if (g_str_has_prefix(spec, "/dev/")) {
		opts = chardev_opts_new("serial");	/* a host serial port */
		chardev_opts_set(opts, "path", spec);
	} else if ((p = g_str_has_prefix(spec, "unix:") ? spec + 5 : NULL)) {
		g_autoptr(GPtrArray) parts = split_commas(p);

		opts = chardev_opts_new("socket");
		chardev_opts_set(opts, "path", g_ptr_array_index(parts, 0));
		chardev_opts_parse_items(opts, parts, 1);
	} else if ((p = g_str_has_prefix(spec, "tcp:") ? spec + 4 : NULL)) {
		g_autoptr(GPtrArray) parts = split_commas(p);
		g_autofree char *host = NULL, *port = NULL;

		if (!legacy_split_host_port(g_ptr_array_index(parts, 0), &host, &port)) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "tcp: expects HOST:PORT, got '%s'", p);
			return NULL;
		}
		opts = chardev_opts_new("socket");
		chardev_opts_set(opts, "host", host);
		chardev_opts_set(opts, "port", port);
		chardev_opts_parse_items(opts, parts, 1);
	} else {
		g_autofree char *name = g_strndup(spec, strcspn(spec, ":,"));

		g_set_error(errp, KEMU_ERROR, 0, "unknown chardev backend '%s'", name);
		return NULL;
	}
	chardev_opts_set(opts, "id", id);
	if (mux)
		chardev_opts_set(opts, "mux", "on");
	return chardev_create(opts, errp);
}

/* ---- backend side ------------------------------------------------------- */

void chardev_be_event(struct chardev *chr, enum chardev_event event)
{
	struct chardev_frontend *fe = chr->fe;

	if (event == CHARDEV_EVENT_OPENED)
		chr->be_open = true;
	else if (event == CHARDEV_EVENT_CLOSED)
		chr->be_open = false;
	if (fe && fe->handlers && fe->handlers->event)
		fe->handlers->event(fe->opaque, event);
}

int chardev_be_can_receive(struct chardev *chr)
{
	struct chardev_frontend *fe = chr->fe;

	if (!fe || !fe->handlers || !fe->handlers->can_receive)
		return 0;
	return fe->handlers->can_receive(fe->opaque);
}

void chardev_be_receive(struct chardev *chr, const uint8_t *buf, int len)
{
	struct chardev_frontend *fe = chr->fe;

	if (fe && fe->handlers && fe->handlers->receive && len > 0)
		fe->handlers->receive(fe->opaque, buf, len);
}

static gboolean chardev_fd_readable(gint fd, GIOCondition cond, gpointer opaque)
{
	struct chardev *chr = opaque;
	const struct chardev_class *klass = CHARDEV_GET_CLASS(chr);
	uint8_t buf[4096];
	int avail = chardev_be_can_receive(chr);
	ssize_t n;

	if (avail <= 0) {
		/* the device is full: sleep until chardev_fe_accept_input() */
		chr->in_watch = 0;
		chr->in_throttled = true;
		return G_SOURCE_REMOVE;
	}
	n = read(fd, buf, MIN((size_t)avail, sizeof(buf)));
	if (n > 0) {
		chardev_be_receive(chr, buf, n);
		return G_SOURCE_CONTINUE;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return G_SOURCE_CONTINUE;
	/* end of file, or an error: stop reading this fd */
	chr->in_watch = 0;
	chr->in_eof = true;
	if (klass->hangup)
		klass->hangup(chr);
	return G_SOURCE_REMOVE;
}

static void chardev_watch_start(struct chardev *chr)
{
	if (chr->in_fd < 0 || chr->in_watch || chr->in_eof)
		return;
	chr->in_throttled = false;
	chr->in_watch = g_unix_fd_add(chr->in_fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
				      chardev_fd_readable, chr);
}

void chardev_be_stop_input(struct chardev *chr)
{
	if (chr->in_watch)
		g_source_remove(chr->in_watch);
	chr->in_watch = 0;
	chr->in_throttled = false;
}

void chardev_be_set_fds(struct chardev *chr, int in_fd, int out_fd)
{
	chardev_be_stop_input(chr);
	chr->in_fd = in_fd;
	chr->out_fd = out_fd;
	chr->in_eof = false;
	if (chr->fe && chr->fe->handlers)
		chardev_watch_start(chr);
}

int chardev_fd_write_all(int fd, const uint8_t *buf, int len, bool drop_when_full)
{
	int done = 0;

	while (done < len) {
		ssize_t n = write(fd, buf + done, len - done);

		if (n > 0) {
			done += n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };

			if (drop_when_full)
				return len;	/* nobody reads (pty): drop, never stall the guest */
			poll(&pfd, 1, -1);
			continue;
		}
		return done ? done : -1;
	}
	return done;
}

/* ---- front-end API ------------------------------------------------------ */

int chardev_write_all(struct chardev *chr, const uint8_t *buf, int len)
{
	const struct chardev_class *klass;
	int ret;

	if (!chr || len <= 0)
		return len;
	klass = CHARDEV_GET_CLASS(chr);
	g_mutex_lock(&chr->write_lock);
	if (klass->write)
		ret = klass->write(chr, buf, len);
	else if (chr->out_fd >= 0)
		ret = chardev_fd_write_all(chr->out_fd, buf, len, false);
	else
		ret = len;
	if (chr->log_fd >= 0 && ret > 0)
		chardev_fd_write_all(chr->log_fd, buf, ret, false);
	g_mutex_unlock(&chr->write_lock);
	return ret;
}

bool chardev_fe_init(struct chardev_frontend *fe, struct chardev *chr, GError **errp)
{
	const struct chardev_class *klass;

	memset(fe, 0, sizeof(*fe));
	fe->tag = -1;
	if (!chr)
		return true;
	klass = CHARDEV_GET_CLASS(chr);
	if (klass->fe_attach) {
		if (!klass->fe_attach(chr, fe, errp))
			return false;
	} else {
		if (chr->fe) {
			g_set_error(errp, KEMU_ERROR, 0, "chardev '%s' is already in use", chr->id);
			return false;
		}
		chr->fe = fe;
	}
	fe->chr = chr;
	object_ref(OBJECT(chr));
	return true;
}

void chardev_fe_set_handlers(struct chardev_frontend *fe,
			     const struct chardev_handlers *handlers, void *opaque)
{
	struct chardev *chr = fe->chr;
	const struct chardev_class *klass;

	fe->handlers = handlers;
	fe->opaque = opaque;
	if (!chr)
		return;
	klass = CHARDEV_GET_CLASS(chr);
	if (klass->fe_handlers_set) {
		klass->fe_handlers_set(chr, fe);
	} else if (handlers) {
		if (chr->be_open && handlers->event)
			handlers->event(opaque, CHARDEV_EVENT_OPENED);
		chardev_watch_start(chr);
	} else {
		chardev_be_stop_input(chr);
	}
}

void chardev_fe_deinit(struct chardev_frontend *fe)
{
	struct chardev *chr = fe->chr;
	const struct chardev_class *klass;

	if (!chr)
		return;
	klass = CHARDEV_GET_CLASS(chr);
	if (klass->fe_detach) {
		klass->fe_detach(chr, fe);
	} else if (chr->fe == fe) {
		chardev_be_stop_input(chr);
		chr->fe = NULL;
	}
	fe->chr = NULL;
	fe->handlers = NULL;
	object_unref(OBJECT(chr));
}

int chardev_fe_write_all(struct chardev_frontend *fe, const uint8_t *buf, int len)
{
	return chardev_write_all(fe->chr, buf, len);
}

void chardev_fe_accept_input(struct chardev_frontend *fe)
{
	struct chardev *chr = fe->chr;
	const struct chardev_class *klass;

	if (!chr)
		return;
	klass = CHARDEV_GET_CLASS(chr);
	if (klass->accept_input)
		klass->accept_input(chr);
	else if (chr->in_throttled || !chr->in_watch)
		chardev_watch_start(chr);
}

bool chardev_fe_is_open(const struct chardev_frontend *fe)
{
	return fe->chr && fe->chr->be_open;
}

/* ---- the abstract type -------------------------------------------------- */

static void chardev_instance_init(struct object *obj)
{
	struct chardev *chr = CHARDEV(obj);

	chr->in_fd = -1;
	chr->out_fd = -1;
	chr->log_fd = -1;
	g_mutex_init(&chr->write_lock);
}

static void chardev_instance_finalize(struct object *obj)
{
	struct chardev *chr = CHARDEV(obj);

	chardev_be_stop_input(chr);
	if (chr->log_fd >= 0)
		close(chr->log_fd);
	g_mutex_clear(&chr->write_lock);
	g_free(chr->id);
	g_free(chr->desc);
}

static const struct type_info chardev_type_info = {
	.name = TYPE_CHARDEV,
	.parent = TYPE_OBJECT,
	.instance_size = sizeof(struct chardev),
	.class_size = sizeof(struct chardev_class),
	.abstract = true,
	.instance_init = chardev_instance_init,
	.instance_finalize = chardev_instance_finalize,
};

static void chardev_register_types(void)
{
	type_register(&chardev_type_info);
}
type_init(chardev_register_types)

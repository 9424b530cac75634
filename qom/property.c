// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Static class property tables: defaults, parsing from option strings,
 * printing, typed get/set. See qom/property.h.
 */
#include "qom/property.h"

struct chardev;
/* Provided by chardev/ when linked; weak so qom has no hard dependency. */
struct chardev *chardev_find(const char *id) __attribute__((weak));
/* Likewise system/blockdev.c and net/net.c. */
struct drive_info *drive_find(const char *id) __attribute__((weak));
struct net_client *net_client_find_netdev(const char *id) __attribute__((weak));

static const char *const type_names[] = {
	[PROP_TYPE_BOOL] = "bool",
	[PROP_TYPE_U8] = "uint8",
	[PROP_TYPE_U16] = "uint16",
	[PROP_TYPE_U32] = "uint32",
	[PROP_TYPE_U64] = "uint64",
	[PROP_TYPE_I32] = "int32",
	[PROP_TYPE_I64] = "int64",
	[PROP_TYPE_SIZE] = "size",
	[PROP_TYPE_STRING] = "str",
	[PROP_TYPE_ON_OFF_AUTO] = "OnOffAuto",
	[PROP_TYPE_CHARDEV] = "chardev",
	[PROP_TYPE_LINK] = "link",
	[PROP_TYPE_DRIVE] = "str",
	[PROP_TYPE_NETDEV] = "str",
};

const char *property_type_name(enum property_type type)
{
	return type < ARRAY_SIZE(type_names) && type_names[type] ? type_names[type] : "?";
}

static void *prop_ptr(struct object *obj, const struct property *p)
{
	return (char *)obj + p->offset;
}

void object_class_property_foreach(struct object_class *klass,
				   void (*fn)(const struct property *prop, void *opaque),
				   void *opaque)
{
	for (; klass; klass = object_class_get_parent(klass))
		for (const struct property *p = klass->props; p && p->name; p++)
			fn(p, opaque);
}

const struct property *object_class_property_find(struct object_class *klass,
						  const char *name)
{
	for (; klass; klass = object_class_get_parent(klass))
		for (const struct property *p = klass->props; p && p->name; p++)
			if (!strcmp(p->name, name))
				return p;
	return NULL;
}

const struct property *object_property_find(struct object *obj, const char *name)
{
	return object_class_property_find(obj->klass, name);
}

static void set_default(const struct property *p, void *opaque)
{
	struct object *obj = opaque;
	void *ptr = prop_ptr(obj, p);

	switch (p->type) {
	case PROP_TYPE_BOOL: *(bool *)ptr = p->defval.u; break;
	case PROP_TYPE_U8: *(uint8_t *)ptr = p->defval.u; break;
	case PROP_TYPE_U16: *(uint16_t *)ptr = p->defval.u; break;
	case PROP_TYPE_U32: *(uint32_t *)ptr = p->defval.u; break;
	case PROP_TYPE_U64: case PROP_TYPE_SIZE: *(uint64_t *)ptr = p->defval.u; break;
	case PROP_TYPE_I32: *(int32_t *)ptr = p->defval.i; break;
	case PROP_TYPE_I64: *(int64_t *)ptr = p->defval.i; break;
	case PROP_TYPE_ON_OFF_AUTO: *(enum on_off_auto *)ptr = p->defval.u; break;
	case PROP_TYPE_STRING: *(char **)ptr = g_strdup(p->defval.s); break;
	case PROP_TYPE_CHARDEV: case PROP_TYPE_LINK:
	case PROP_TYPE_DRIVE: case PROP_TYPE_NETDEV: *(void **)ptr = NULL; break;
	}
}

/* Called by object_new() before instance_init. */
void object_property_set_defaults(struct object *obj);
void object_property_set_defaults(struct object *obj)
{
	/* parents first, so a subclass listing the same name overrides */
	GPtrArray *chain = g_ptr_array_new();

	for (struct object_class *k = obj->klass; k; k = object_class_get_parent(k))
		g_ptr_array_add(chain, k);
	for (guint i = chain->len; i-- > 0;) {
		struct object_class *k = g_ptr_array_index(chain, i);

		for (const struct property *p = k->props; p && p->name; p++)
			set_default(p, obj);
	}
	g_ptr_array_free(chain, true);
}

static void free_value(const struct property *p, void *opaque)
{
	if (p->type == PROP_TYPE_STRING)
		g_clear_pointer((char **)prop_ptr(opaque, p), g_free);
}

void object_property_free_values(struct object *obj);
void object_property_free_values(struct object *obj)
{
	object_class_property_foreach(obj->klass, free_value, obj);
}

static bool parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "y")) {
		*out = true;
		return true;
	}
	if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "n")) {
		*out = false;
		return true;
	}
	return false;
}

static bool parse_int64(const char *v, int64_t *out)
{
	char *end;

	if (!*v)
		return false;
	errno = 0;
	*out = strtoll(v, &end, 0);
	return !errno && !*end;
}

bool object_property_parse(struct object *obj, const char *name, const char *value,
			   GError **errp)
{
	const struct property *p = object_property_find(obj, name);
	void *ptr;
	uint64_t u = 0, max = 0;
	int64_t i = 0;
	bool b;

	if (!p) {
		g_set_error(errp, KEMU_ERROR, 0, "Property '%s.%s' not found",
			    object_get_typename(obj), name);
		return false;
	}
	ptr = prop_ptr(obj, p);
	switch (p->type) {
	case PROP_TYPE_BOOL:
		if (!parse_bool(value, &b))
			goto bad;
		*(bool *)ptr = b;
		return true;
	case PROP_TYPE_U8: max = UINT8_MAX; goto unsigned_;
	case PROP_TYPE_U16: max = UINT16_MAX; goto unsigned_;
	case PROP_TYPE_U32: max = UINT32_MAX; goto unsigned_;
	case PROP_TYPE_U64: max = UINT64_MAX; goto unsigned_;
	unsigned_:
		if (!parse_uint64(value, &u))
			goto bad;
		if (u > max) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "Parameter '%s' expects a value between 0 and %" PRIu64,
				    name, max);
			return false;
		}
		switch (p->type) {
		case PROP_TYPE_U8: *(uint8_t *)ptr = u; break;
		case PROP_TYPE_U16: *(uint16_t *)ptr = u; break;
		case PROP_TYPE_U32: *(uint32_t *)ptr = u; break;
		default: *(uint64_t *)ptr = u; break;
		}
		return true;
	case PROP_TYPE_I32:
		if (!parse_int64(value, &i))
			goto bad;
		if (i < INT32_MIN || i > INT32_MAX) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "Parameter '%s' expects a value between %d and %d",
				    name, INT32_MIN, INT32_MAX);
			return false;
		}
		*(int32_t *)ptr = i;
		return true;
	case PROP_TYPE_I64:
		if (!parse_int64(value, &i))
			goto bad;
		*(int64_t *)ptr = i;
		return true;
	case PROP_TYPE_SIZE:
		if (!parse_size(value, 'B', &u))
			goto bad;
		*(uint64_t *)ptr = u;
		return true;
	case PROP_TYPE_STRING:
		g_free(*(char **)ptr);
		*(char **)ptr = g_strdup(value);
		return true;
	case PROP_TYPE_ON_OFF_AUTO:
		if (!strcmp(value, "auto"))
			*(enum on_off_auto *)ptr = ON_OFF_AUTO_AUTO;
		else if (parse_bool(value, &b))
			*(enum on_off_auto *)ptr = b ? ON_OFF_AUTO_ON : ON_OFF_AUTO_OFF;
		else
			goto bad;
		return true;
	case PROP_TYPE_CHARDEV:
	case PROP_TYPE_DRIVE:
	case PROP_TYPE_NETDEV: {
		/* a backend by its id: -chardev, -drive or -netdev */
		void *backend = p->type == PROP_TYPE_CHARDEV ? (chardev_find ? (void *)chardev_find(value) : NULL)
			      : p->type == PROP_TYPE_DRIVE ? (drive_find ? (void *)drive_find(value) : NULL)
			      : (net_client_find_netdev ? (void *)net_client_find_netdev(value) : NULL);

		if (!backend) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "Property '%s.%s' can't find value '%s'",
				    object_get_typename(obj), name, value);
			return false;
		}
		*(void **)ptr = backend;
		return true;
	}
	case PROP_TYPE_LINK: {
		struct object *target;

		if (value[0] == '/') {
			target = object_resolve_path(value);
		} else {
			g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", value);

			target = object_resolve_path(path);
		}
		if (!target) {
			g_set_error(errp, KEMU_ERROR, 0, "Device '%s' not found", value);
			return false;
		}
		if (p->link_type && !object_dynamic_cast(target, p->link_type)) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "Invalid parameter type for '%s', expected: %s",
				    name, p->link_type);
			return false;
		}
		*(struct object **)ptr = target;
		return true;
	}
	}
bad:
	switch (p->type) {
	case PROP_TYPE_BOOL:
		g_set_error(errp, KEMU_ERROR, 0,
			    "Parameter '%s' expects 'on' or 'off'", name);
		break;
	case PROP_TYPE_SIZE:
		g_set_error(errp, KEMU_ERROR, 0,
			    "Parameter '%s' expects a size value", name);
		break;
	case PROP_TYPE_ON_OFF_AUTO:
		g_set_error(errp, KEMU_ERROR, 0,
			    "Parameter '%s' does not accept value '%s'", name, value);
		break;
	default:
		g_set_error(errp, KEMU_ERROR, 0,
			    "Parameter '%s' expects a number", name);
		break;
	}
	return false;
}

char *object_property_print(struct object *obj, const char *name, GError **errp)
{
	const struct property *p = object_property_find(obj, name);
	void *ptr;

	if (!p) {
		const char *dyn = obj->dyn_props ? g_hash_table_lookup(obj->dyn_props, name) : NULL;

		if (dyn)
			return g_strdup(dyn);
		g_set_error(errp, KEMU_ERROR, 0, "Property '%s.%s' not found",
			    object_get_typename(obj), name);
		return NULL;
	}
	ptr = prop_ptr(obj, p);
	switch (p->type) {
	case PROP_TYPE_BOOL: return g_strdup(*(bool *)ptr ? "on" : "off");
	case PROP_TYPE_U8: return g_strdup_printf("%u", *(uint8_t *)ptr);
	case PROP_TYPE_U16: return g_strdup_printf("%u", *(uint16_t *)ptr);
	case PROP_TYPE_U32: return g_strdup_printf("%u", *(uint32_t *)ptr);
	case PROP_TYPE_U64: case PROP_TYPE_SIZE:
		return g_strdup_printf("%" PRIu64, *(uint64_t *)ptr);
	case PROP_TYPE_I32: return g_strdup_printf("%d", *(int32_t *)ptr);
	case PROP_TYPE_I64: return g_strdup_printf("%" PRId64, *(int64_t *)ptr);
	case PROP_TYPE_STRING: return g_strdup(*(char **)ptr ? *(char **)ptr : "");
	case PROP_TYPE_ON_OFF_AUTO: {
		static const char *const v[] = { "auto", "on", "off" };

		return g_strdup(v[*(enum on_off_auto *)ptr]);
	}
	case PROP_TYPE_CHARDEV: case PROP_TYPE_LINK: {
		struct object *o = *(struct object **)ptr;

		return o && p->type == PROP_TYPE_LINK ? object_get_canonical_path(o) : g_strdup("");
	}
	case PROP_TYPE_DRIVE: {
		/* struct drive_info starts with its id */
		char **id = *(char ***)ptr;

		return g_strdup(id && *id ? *id : "");
	}
	case PROP_TYPE_NETDEV: {
		/* struct net_client starts with its name */
		char **id = *(char ***)ptr;

		return g_strdup(id && *id ? *id : "");
	}
	}
	return g_strdup("");
}

bool object_property_set_int(struct object *obj, const char *name, int64_t value,
			     GError **errp)
{
	g_autofree char *s = g_strdup_printf("%" PRId64, value);

	return object_property_parse(obj, name, s, errp);
}

bool object_property_set_bool(struct object *obj, const char *name, bool value,
			      GError **errp)
{
	return object_property_parse(obj, name, value ? "on" : "off", errp);
}

bool object_property_set_ptr(struct object *obj, const char *name, void *ptr, GError **errp)
{
	const struct property *p = object_property_find(obj, name);

	if (!p || (p->type != PROP_TYPE_CHARDEV && p->type != PROP_TYPE_LINK &&
		   p->type != PROP_TYPE_DRIVE && p->type != PROP_TYPE_NETDEV)) {
		g_set_error(errp, KEMU_ERROR, 0, "Property '%s.%s' is not a chardev or link",
			    object_get_typename(obj), name);
		return false;
	}
	if (p->type == PROP_TYPE_LINK && ptr && p->link_type &&
	    !object_dynamic_cast(ptr, p->link_type)) {
		g_set_error(errp, KEMU_ERROR, 0, "Invalid parameter type for '%s', expected: %s",
			    name, p->link_type);
		return false;
	}
	*(void **)prop_ptr(obj, p) = ptr;
	return true;
}

int64_t object_property_get_int(struct object *obj, const char *name, GError **errp)
{
	g_autofree char *s = object_property_print(obj, name, errp);

	return s ? g_ascii_strtoll(s, NULL, 0) : -1;
}

bool object_property_get_bool(struct object *obj, const char *name, GError **errp)
{
	g_autofree char *s = object_property_print(obj, name, errp);

	return s && !strcmp(s, "on");
}

void object_property_add_str_value(struct object *obj, const char *name, const char *value)
{
	if (!obj->dyn_props)
		obj->dyn_props = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_hash_table_replace(obj->dyn_props, g_strdup(name), g_strdup(value));
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Object model core: type registry, casts, reference counting and the
 * composition tree. Properties live in qom/property.c. See qom/object.h.
 *
 * Types are registered from constructors, before main(); classes are built
 * lazily on first use, parent first, so registration order does not matter.
 */
#include "qom/object.h"
#include "qom/property.h"

struct type_impl {
	struct type_info info;
	struct type_impl *parent;
	struct object_class *klass;
	size_t class_size;
	size_t instance_size;
};

static GHashTable *type_table;	/* name -> struct type_impl* */
static GMutex type_lock;	/* class creation may race between threads */

static GHashTable *type_table_get(void)
{
	if (!type_table)
		type_table = g_hash_table_new(g_str_hash, g_str_equal);
	return type_table;
}

void type_register(const struct type_info *info)
{
	struct type_impl *ti;

	g_assert(info->name);
	if (g_hash_table_lookup(type_table_get(), info->name)) {
		fprintf(stderr, "kemu: type '%s' registered twice\n", info->name);
		abort();
	}
	ti = g_new0(struct type_impl, 1);
	ti->info = *info;
	g_hash_table_insert(type_table_get(), (gpointer)info->name, ti);
}

static void register_object_type(void)
{
	static const struct type_info object_info = {
		.name = TYPE_OBJECT,
		.instance_size = sizeof(struct object),
		.class_size = sizeof(struct object_class),
		.abstract = true,
	};
	type_register(&object_info);
}
type_init(register_object_type)

static struct type_impl *type_lookup(const char *name)
{
	return name ? g_hash_table_lookup(type_table_get(), name) : NULL;
}

static void type_initialize(struct type_impl *ti)
{
	if (ti->klass)
		return;
	if (ti->info.parent) {
		ti->parent = type_lookup(ti->info.parent);
		if (!ti->parent) {
			fprintf(stderr, "kemu: type '%s' has unknown parent '%s'\n",
				ti->info.name, ti->info.parent);
			abort();
		}
		type_initialize(ti->parent);
	}
	ti->class_size = ti->info.class_size ? ti->info.class_size :
			 ti->parent ? ti->parent->class_size : sizeof(struct object_class);
	ti->instance_size = ti->info.instance_size ? ti->info.instance_size :
			    ti->parent ? ti->parent->instance_size : sizeof(struct object);
	g_assert(!ti->parent || ti->class_size >= ti->parent->class_size);
	g_assert(!ti->parent || ti->instance_size >= ti->parent->instance_size);

	ti->klass = g_malloc0(ti->class_size);
	if (ti->parent)
		memcpy(ti->klass, ti->parent->klass, ti->parent->class_size);
	ti->klass->type = ti;
	ti->klass->props = NULL;	/* each class lists only its own */
	ti->klass->desc = NULL;
	/* class_init of every ancestor ran on the parent's copy already */
	if (ti->info.class_init)
		ti->info.class_init(ti->klass, ti->info.class_data);
}

static struct type_impl *type_get(const char *name)
{
	struct type_impl *ti = type_lookup(name);

	if (ti) {
		g_mutex_lock(&type_lock);
		type_initialize(ti);
		g_mutex_unlock(&type_lock);
	}
	return ti;
}

struct object_class *object_class_by_name(const char *name)
{
	struct type_impl *ti = type_get(name);

	return ti ? ti->klass : NULL;
}

const char *object_class_get_name(const struct object_class *klass)
{
	return klass->type->info.name;
}

struct object_class *object_class_get_parent(const struct object_class *klass)
{
	return klass->type->parent ? klass->type->parent->klass : NULL;
}

bool object_class_is_abstract(const struct object_class *klass)
{
	return klass->type->info.abstract;
}

struct object_class *object_class_dynamic_cast(struct object_class *klass,
					       const char *typename)
{
	for (struct type_impl *ti = klass ? klass->type : NULL; ti; ti = ti->parent)
		if (!strcmp(ti->info.name, typename))
			return klass;
	return NULL;
}

struct object_class *object_class_dynamic_cast_assert(struct object_class *klass,
						      const char *typename,
						      const char *file, int line)
{
	if (!object_class_dynamic_cast(klass, typename)) {
		fprintf(stderr, "%s:%d: class '%s' is not a '%s'\n", file, line,
			klass ? object_class_get_name(klass) : "(null)", typename);
		abort();
	}
	return klass;
}

static gint class_name_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(object_class_get_name(a), object_class_get_name(b));
}

GSList *object_class_get_list(const char *typename, bool include_abstract)
{
	GHashTableIter it;
	gpointer key, value;
	GSList *list = NULL;

	g_hash_table_iter_init(&it, type_table_get());
	while (g_hash_table_iter_next(&it, &key, &value)) {
		struct type_impl *ti = type_get(key);

		if (!include_abstract && ti->info.abstract)
			continue;
		if (object_class_dynamic_cast(ti->klass, typename))
			list = g_slist_prepend(list, ti->klass);
	}
	return g_slist_sort(list, class_name_cmp);
}

static void object_init_with_type(struct object *obj, struct type_impl *ti)
{
	if (ti->parent)
		object_init_with_type(obj, ti->parent);
	if (ti->info.instance_init)
		ti->info.instance_init(obj);
}

static void object_finalize_with_type(struct object *obj, struct type_impl *ti)
{
	for (; ti; ti = ti->parent)
		if (ti->info.instance_finalize)
			ti->info.instance_finalize(obj);
}

void object_property_set_defaults(struct object *obj);
void object_property_free_values(struct object *obj);

struct object *object_new(const char *typename)
{
	struct type_impl *ti = type_get(typename);
	struct object *obj;

	if (!ti) {
		fprintf(stderr, "kemu: object_new: unknown type '%s'\n", typename);
		abort();
	}
	g_assert(!ti->info.abstract);
	obj = g_malloc0(ti->instance_size);
	obj->klass = ti->klass;
	obj->refcount = 1;
	obj->children = g_ptr_array_new();
	object_property_set_defaults(obj);
	object_init_with_type(obj, ti);
	return obj;
}

void object_ref(struct object *obj)
{
	g_atomic_int_inc(&obj->refcount);
}

void object_unref(struct object *obj)
{
	if (!obj)
		return;
	g_assert(obj->refcount > 0);
	if (!g_atomic_int_dec_and_test(&obj->refcount))
		return;
	/* children hold a reference from us; drop them first */
	while (obj->children->len)
		object_unparent(g_ptr_array_index(obj->children, obj->children->len - 1));
	object_finalize_with_type(obj, obj->klass->type);
	object_property_free_values(obj);
	g_ptr_array_free(obj->children, true);
	if (obj->dyn_props)
		g_hash_table_destroy(obj->dyn_props);
	g_free(obj->name);
	g_free(obj);
}

const char *object_get_typename(const struct object *obj)
{
	return object_class_get_name(obj->klass);
}

struct object *object_dynamic_cast(struct object *obj, const char *typename)
{
	return obj && object_class_dynamic_cast(obj->klass, typename) ? obj : NULL;
}

struct object *object_dynamic_cast_assert(struct object *obj, const char *typename,
					  const char *file, int line)
{
	if (!object_dynamic_cast(obj, typename)) {
		fprintf(stderr, "%s:%d: object '%s' is not a '%s'\n", file, line,
			obj ? object_get_typename(obj) : "(null)", typename);
		abort();
	}
	return obj;
}

/* ---- composition tree ---- */

static struct object *root_object;

struct object *object_get_root(void)
{
	static const struct type_info container_info = {
		.name = "container",
		.parent = TYPE_OBJECT,
		.instance_size = sizeof(struct object),
	};

	if (!root_object) {
		if (!type_lookup("container"))
			type_register(&container_info);
		root_object = object_new("container");
	}
	return root_object;
}

struct object *object_get_child(struct object *parent, const char *name)
{
	for (guint i = 0; i < parent->children->len; i++) {
		struct object *c = g_ptr_array_index(parent->children, i);

		if (!strcmp(c->name, name))
			return c;
	}
	return NULL;
}

void object_property_add_child(struct object *parent, const char *name,
			       struct object *child)
{
	g_assert(!child->parent);
	if (object_get_child(parent, name)) {
		fprintf(stderr, "kemu: duplicate child '%s'\n", name);
		abort();
	}
	object_ref(child);
	child->parent = parent;
	child->name = g_strdup(name);
	g_ptr_array_add(parent->children, child);
}

const char *object_property_add_child_auto(struct object *parent, const char *pattern,
					   struct object *child)
{
	const char *star = strstr(pattern, "[*]");

	g_assert(star);
	for (unsigned i = 0;; i++) {
		g_autofree char *name = g_strdup_printf("%.*s[%u]%s", (int)(star - pattern),
							pattern, i, star + 3);
		if (!object_get_child(parent, name)) {
			object_property_add_child(parent, name, child);
			return child->name;
		}
	}
}

void object_unparent(struct object *obj)
{
	struct object *parent = obj->parent;

	if (!parent)
		return;
	g_ptr_array_remove(parent->children, obj);
	obj->parent = NULL;
	g_clear_pointer(&obj->name, g_free);
	object_unref(obj);
}

struct object *object_resolve_path(const char *path)
{
	g_auto(GStrv) parts = NULL;
	struct object *obj = object_get_root();

	if (!path || path[0] != '/')
		return NULL;
	parts = g_strsplit(path + 1, "/", -1);
	for (char **p = parts; *p && obj; p++) {
		if (!**p)
			continue;
		obj = object_get_child(obj, *p);
	}
	return obj;
}

char *object_get_canonical_path(const struct object *obj)
{
	GString *s = g_string_new(NULL);

	if (obj == root_object) {
		g_string_free(s, true);
		return g_strdup("/");
	}
	for (; obj && obj->parent; obj = obj->parent) {
		g_string_prepend(s, obj->name);
		g_string_prepend_c(s, '/');
	}
	return g_string_free(s, false);
}

int object_child_foreach(struct object *obj, int (*fn)(struct object *child, void *opaque),
			 void *opaque)
{
	for (guint i = 0; i < obj->children->len; i++) {
		int ret = fn(g_ptr_array_index(obj->children, i), opaque);

		if (ret)
			return ret;
	}
	return 0;
}

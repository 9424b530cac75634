/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kemu's object model: a lighter QOM.
 *
 * A type is registered once (usually from a constructor, see type_init())
 * with its name, parent, instance and class sizes and init hooks. Objects are
 * created with object_new(), reference counted (object_ref/object_unref) and
 * cast with OBJECT_CHECK()-style macros that abort on a kemu bug, or tested
 * with object_dynamic_cast(). Single inheritance only: a struct embeds its
 * parent's struct as its first member.
 *
 * Objects form a tree of named children rooted at the root object (whose
 * child "machine" is /machine); object_property_add_child() takes a
 * reference, object_unparent() drops it. Paths such as
 * "/machine/unattached/device[3]" resolve with object_resolve_path().
 *
 * Properties are static tables on the class (struct property, see
 * qom/property.h): name, type, offset of the field in the instance struct,
 * default. Setting "-device foo,bar=1" or "-global foo.bar=1" goes through
 * object_property_parse(); no object parses option strings itself.
 *
 *	struct foo { struct device parent; uint32_t bar; };
 *	#define TYPE_FOO "foo"
 *	#define FOO(obj) OBJECT_CHECK(struct foo, (obj), TYPE_FOO)
 */
#ifndef QOM_OBJECT_H
#define QOM_OBJECT_H

#include "kemu/common.h"

struct object;
struct object_class;
struct property;
struct type_impl;

struct type_info {
	const char *name;
	const char *parent;
	size_t instance_size;
	size_t class_size;
	bool abstract;
	void (*class_init)(struct object_class *klass, const void *data);
	const void *class_data;
	void (*instance_init)(struct object *obj);
	void (*instance_finalize)(struct object *obj);
};

struct object_class {
	struct type_impl *type;
	/* Static property table of this class only; parents' are searched too. */
	const struct property *props;
	const char *desc;
};

struct object {
	struct object_class *klass;
	gint refcount;
	struct object *parent;		/* in the composition tree, not the type */
	char *name;			/* name under parent, NULL if unparented */
	GPtrArray *children;		/* of struct object *, in insertion order */
	GHashTable *dyn_props;		/* string properties added at run time */
};

#define TYPE_OBJECT "object"

void type_register(const struct type_info *info);
#define type_init(fn) \
	static void __attribute__((constructor)) kemu_type_init_##fn(void) { fn(); }

struct object_class *object_class_by_name(const char *name);
const char *object_class_get_name(const struct object_class *klass);
struct object_class *object_class_get_parent(const struct object_class *klass);
bool object_class_is_abstract(const struct object_class *klass);
/* NULL unless klass is typename or one of its descendants. */
struct object_class *object_class_dynamic_cast(struct object_class *klass,
					       const char *typename);
/* Every non-abstract type that is typename or descends from it, sorted by name. */
GSList *object_class_get_list(const char *typename, bool include_abstract);

struct object *object_new(const char *typename);
void object_ref(struct object *obj);
void object_unref(struct object *obj);
const char *object_get_typename(const struct object *obj);

struct object *object_dynamic_cast(struct object *obj, const char *typename);
struct object *object_dynamic_cast_assert(struct object *obj, const char *typename,
					  const char *file, int line);
struct object_class *object_class_dynamic_cast_assert(struct object_class *klass,
						      const char *typename,
						      const char *file, int line);

#define OBJECT(obj) ((struct object *)(obj))
#define OBJECT_CLASS(k) ((struct object_class *)(k))
#define OBJECT_GET_CLASS(obj) (OBJECT(obj)->klass)
#define OBJECT_CHECK(type, obj, name) \
	((type *)object_dynamic_cast_assert(OBJECT(obj), (name), __FILE__, __LINE__))
#define OBJECT_CLASS_CHECK(type, klass, name) \
	((type *)object_class_dynamic_cast_assert(OBJECT_CLASS(klass), (name), \
						  __FILE__, __LINE__))
#define OBJECT_GET_CLASS_CHECKED(type, obj, name) \
	OBJECT_CLASS_CHECK(type, OBJECT_GET_CLASS(obj), name)

/* Composition tree. */
struct object *object_get_root(void);
void object_property_add_child(struct object *parent, const char *name,
			       struct object *child);
/* "device[*]" style names get the next free index. Returns the name used. */
const char *object_property_add_child_auto(struct object *parent, const char *pattern,
					   struct object *child);
void object_unparent(struct object *obj);
struct object *object_get_child(struct object *parent, const char *name);
struct object *object_resolve_path(const char *path);
char *object_get_canonical_path(const struct object *obj);
/* Calls fn on each child in order; stops when fn returns non-zero. */
int object_child_foreach(struct object *obj, int (*fn)(struct object *child, void *opaque),
			 void *opaque);

/* Properties (static tables plus a few dynamic string ones). */
const struct property *object_property_find(struct object *obj, const char *name);
const struct property *object_class_property_find(struct object_class *klass,
						  const char *name);
bool object_property_parse(struct object *obj, const char *name, const char *value,
			   GError **errp);
char *object_property_print(struct object *obj, const char *name, GError **errp);
bool object_property_set_int(struct object *obj, const char *name, int64_t value,
			     GError **errp);
bool object_property_set_bool(struct object *obj, const char *name, bool value,
			      GError **errp);
/* Set a chardev or link property to an object the caller already has. */
bool object_property_set_ptr(struct object *obj, const char *name, void *ptr, GError **errp);
int64_t object_property_get_int(struct object *obj, const char *name, GError **errp);
bool object_property_get_bool(struct object *obj, const char *name, GError **errp);
/* Read-only informational property computed at run time (qom-list shows it). */
void object_property_add_str_value(struct object *obj, const char *name, const char *value);
/* Calls fn for every property of obj's class chain, most derived first. */
void object_class_property_foreach(struct object_class *klass,
				   void (*fn)(const struct property *prop, void *opaque),
				   void *opaque);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Device life cycle, DEFINE_DEVICE_TYPE registration, -device/-global
 * parsing and -device help. See hw/device.h.
 */
#include "hw/device.h"
#include "kemu/opts.h"

static void device_finalize(struct object *obj)
{
	struct device *dev = DEVICE(obj);

	if (dev->realized)
		device_unrealize(dev);
	g_clear_error(&dev->globals_err);
	g_free(dev->id);
}

static void register_device_type(void)
{
	static const struct type_info info = {
		.name = TYPE_DEVICE,
		.parent = TYPE_OBJECT,
		.instance_size = sizeof(struct device),
		.class_size = sizeof(struct device_class),
		.abstract = true,
		.instance_finalize = device_finalize,
	};
	type_register(&info);
}
type_init(register_device_type)

static void device_type_class_init(struct object_class *klass, const void *data)
{
	const struct device_type_info *info = data;
	struct device_class *dc = DEVICE_CLASS(klass);

	if (info->realize)
		dc->realize = info->realize;
	if (info->unrealize)
		dc->unrealize = info->unrealize;
	if (info->reset)
		dc->reset = info->reset;
	if (info->vmstate) {
		dc->vmsd.name = info->name;
		dc->vmsd.version = info->vmstate_version ? info->vmstate_version : 1;
		dc->vmsd.fields = info->vmstate;
	}
	klass->props = info->props;
	klass->desc = info->desc;
	if (info->category)
		dc->category = info->category;
	dc->no_user = info->no_user;
	/* inherited: every PCI device takes hotplug unless its type says no_user */
	if (info->hotpluggable)
		dc->hotpluggable = true;
	if (info->class_init)
		info->class_init(klass, data);
}

void device_type_register(const struct device_type_info *info)
{
	struct type_info ti = {
		.name = info->name,
		.parent = info->parent,
		.instance_size = info->instance_size,
		.class_size = info->class_size,
		.abstract = info->abstract,
		.class_init = device_type_class_init,
		.class_data = info,
		.instance_init = info->instance_init,
		.instance_finalize = info->instance_finalize,
	};
	type_register(&ti);
}

struct device *device_new(const char *typename)
{
	struct device *dev = DEVICE(object_new(typename));

	/*
	 * -global values come first, as QEMU applies them when the object is
	 * made: whoever creates the device (board or -device) may still set
	 * the property afterwards. A bad value fails realize.
	 */
	device_globals_apply(dev, &dev->globals_err);
	return dev;
}

bool device_realize(struct device *dev, GError **errp)
{
	struct device_class *dc = DEVICE_GET_CLASS(dev);

	g_assert(!dev->realized);
	if (dev->globals_err) {
		g_propagate_error(errp, g_steal_pointer(&dev->globals_err));
		return false;
	}
	if (dc->realize && !dc->realize(dev, errp))
		return false;
	dev->realized = true;
	device_reset(dev);
	return true;
}

void device_unrealize(struct device *dev)
{
	struct device_class *dc = DEVICE_GET_CLASS(dev);

	if (!dev->realized)
		return;
	if (dc->unrealize)
		dc->unrealize(dev);
	dev->realized = false;
}

void device_reset(struct device *dev)
{
	struct device_class *dc = DEVICE_GET_CLASS(dev);

	if (dev->realized && dc->reset)
		dc->reset(dev);
}

static int reset_child(struct object *child, void *opaque)
{
	device_reset_tree(child);
	return 0;
}

void device_reset_tree(struct object *obj)
{
	object_child_foreach(obj, reset_child, NULL);
	if (object_dynamic_cast(obj, TYPE_DEVICE))
		device_reset(DEVICE(obj));
}

/* ---- -global ---- */

struct global_prop {
	char *driver;
	char *property;
	char *value;
};

static GPtrArray *global_props;

bool device_global_add(const char *opt, GError **errp)
{
	const char *dot = strchr(opt, '.');
	const char *eq = dot ? strchr(dot, '=') : NULL;
	struct global_prop *g;

	if (!dot || !eq || dot == opt || eq == dot + 1) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "-global %s: expected DRIVER.PROPERTY=VALUE", opt);
		return false;
	}
	g = g_new0(struct global_prop, 1);
	g->driver = g_strndup(opt, dot - opt);
	g->property = g_strndup(dot + 1, eq - dot - 1);
	g->value = g_strdup(eq + 1);
	if (!global_props)
		global_props = g_ptr_array_new();
	g_ptr_array_add(global_props, g);
	return true;
}

void device_globals_apply(struct device *dev, GError **errp)
{
	for (guint i = 0; global_props && i < global_props->len; i++) {
		struct global_prop *g = g_ptr_array_index(global_props, i);
		g_autoptr(GError) err = NULL;

		if (!object_dynamic_cast(OBJECT(dev), g->driver))
			continue;
		if (!object_property_parse(OBJECT(dev), g->property, g->value, &err)) {
			g_set_error(errp, KEMU_ERROR, 0, "-global %s.%s=%s: %s", g->driver,
				    g->property, g->value, err->message);
			return;
		}
	}
}

/* ---- -device ---- */

static bool device_type_usable(const char *name, GError **errp)
{
	struct object_class *klass = object_class_by_name(name);

	if (!klass || !object_class_dynamic_cast(klass, TYPE_DEVICE)) {
		g_set_error(errp, KEMU_ERROR, 0, "'%s' is not a valid device model name", name);
		return false;
	}
	if (object_class_is_abstract(klass)) {
		g_set_error(errp, KEMU_ERROR, 0, "Parameter 'driver' expects a non-abstract device type");
		return false;
	}
	if (DEVICE_CLASS(klass)->no_user) {
		g_set_error(errp, KEMU_ERROR, 0, "Parameter 'driver' expects a pluggable device type");
		return false;
	}
	return true;
}

struct device *device_new_from_opts(const char *optstr, GError **errp)
{
	g_autoptr(kemu_opts) o = opts_parse("-device", optstr, "driver", errp);
	const char *driver;
	struct device *dev;
	GError *err = NULL;

	if (!o)
		return NULL;
	driver = opts_get(o, "driver");
	if (!driver) {
		g_set_error(errp, KEMU_ERROR, 0, "-device %s: Parameter 'driver' is missing", optstr);
		return NULL;
	}
	if (!device_type_usable(driver, &err)) {
		g_propagate_prefixed_error(errp, err, "-device %s: ", optstr);
		return NULL;
	}
	dev = device_new(driver);
	if (dev->globals_err) {
		err = g_steal_pointer(&dev->globals_err);
		goto fail;
	}
	for (guint i = 0; i < o->list->len; i++) {
		struct opt *opt = g_ptr_array_index(o->list, i);

		if (!strcmp(opt->key, "driver"))
			continue;
		if (!strcmp(opt->key, "id")) {
			if (!g_regex_match_simple("^[A-Za-z][A-Za-z0-9_.-]*$", opt->value, 0, 0)) {
				g_set_error(&err, KEMU_ERROR, 0,
					    "Parameter 'id' expects an identifier");
				goto fail;
			}
			g_free(dev->id);
			dev->id = g_strdup(opt->value);
			continue;
		}
		if (!object_property_parse(OBJECT(dev), opt->key, opt->value, &err))
			goto fail;
	}
	return dev;
fail:
	g_propagate_prefixed_error(errp, err, "-device %s: ", optstr);
	object_unref(OBJECT(dev));
	return NULL;
}

static void print_prop(const struct property *p, void *opaque)
{
	struct object *obj = opaque;
	g_autofree char *def = object_property_print(obj, p->name, NULL);
	bool show_default = def && *def && p->type != PROP_TYPE_LINK &&
			    p->type != PROP_TYPE_CHARDEV && p->type != PROP_TYPE_DRIVE &&
			    p->type != PROP_TYPE_NETDEV;

	printf("  %s=<%s>%s%s", p->name, property_type_name(p->type),
	       p->desc ? " - " : "", p->desc ? p->desc : "");
	if (show_default)
		printf(" (default: %s)", def);
	printf("\n");
}

void device_print_help(const char *name)
{
	if (!name) {
		GSList *list = object_class_get_list(TYPE_DEVICE, false);

		printf("Devices (use -device NAME,help for their properties):\n");
		for (GSList *l = list; l; l = l->next) {
			struct object_class *k = l->data;

			if (DEVICE_CLASS(k)->no_user)
				continue;
			printf("name \"%s\"%s%s%s\n", object_class_get_name(k),
			       k->desc ? ", desc \"" : "", k->desc ? k->desc : "",
			       k->desc ? "\"" : "");
		}
		g_slist_free(list);
		return;
	}
	{
		g_autoptr(GError) err = NULL;
		struct object *obj;

		if (!device_type_usable(name, &err)) {
			fprintf(stderr, "kemu: -device %s,help: %s\n", name, err->message);
			exit(1);
		}
		obj = object_new(name);
		printf("%s options:\n", name);
		object_class_property_foreach(obj->klass, print_prop, obj);
		object_unref(obj);
	}
}

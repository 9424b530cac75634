/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Devices: objects with a life cycle (properties set → realize → reset ...
 * unrealize), a static property table and a state description.
 *
 * A device file ends with its registration, which is data:
 *
 *	DEFINE_DEVICE_TYPE(mc146818_rtc, "mc146818rtc", TYPE_ISA_DEVICE,
 *			   struct rtc_state, .realize = rtc_realize,
 *			   .reset = rtc_reset, .props = rtc_props,
 *			   .vmstate = rtc_fields, .vmstate_version = 1,
 *			   .desc = "MC146818 real-time clock");
 *
 * realize() may fail with a GError (bad property values, missing backend)
 * and must then leave nothing behind. reset() puts the guest-visible state
 * back to power-on values; it is called after realize and on every system
 * reset. Board-internal devices set .no_user so `-device` refuses them.
 */
#ifndef HW_DEVICE_H
#define HW_DEVICE_H

#include "qom/object.h"
#include "qom/property.h"
#include "migration/vmstate.h"

struct device {
	struct object parent;
	char *id;			/* -device ...,id=; may be NULL */
	bool realized;
	GError *globals_err;		/* a -global that did not apply: realize fails */
};

struct device_class {
	struct object_class parent;
	bool (*realize)(struct device *dev, GError **errp);
	void (*unrealize)(struct device *dev);
	void (*reset)(struct device *dev);
	struct vmstate_description vmsd;	/* .fields NULL: no state */
	bool no_user;			/* created by boards only */
	bool hotpluggable;
	const char *category;		/* for -device help: "storage", "network", ... */
};

#define TYPE_DEVICE "device"
#define DEVICE(obj) OBJECT_CHECK(struct device, (obj), TYPE_DEVICE)
#define DEVICE_CLASS(k) OBJECT_CLASS_CHECK(struct device_class, (k), TYPE_DEVICE)
#define DEVICE_GET_CLASS(obj) OBJECT_GET_CLASS_CHECKED(struct device_class, (obj), TYPE_DEVICE)

struct device_type_info {
	const char *name;
	const char *parent;
	size_t instance_size;
	size_t class_size;		/* 0: the parent's */
	bool abstract;
	bool (*realize)(struct device *dev, GError **errp);
	void (*unrealize)(struct device *dev);
	void (*reset)(struct device *dev);
	void (*instance_init)(struct object *obj);
	void (*instance_finalize)(struct object *obj);
	void (*class_init)(struct object_class *klass, const void *data);
	const struct property *props;
	const struct vmstate_field *vmstate;
	unsigned vmstate_version;
	const char *desc;
	const char *category;
	bool no_user;
	bool hotpluggable;
};

void device_type_register(const struct device_type_info *info);

#define DEFINE_DEVICE_TYPE(cname, tname, ptype, st, ...)			\
	static const struct device_type_info cname##_device_type_info = {	\
		.name = (tname), .parent = (ptype),				\
		.instance_size = sizeof(st), __VA_ARGS__			\
	};									\
	static void __attribute__((constructor)) cname##_device_type_register(void) \
	{									\
		device_type_register(&cname##_device_type_info);		\
	}

struct device *device_new(const char *typename);
bool device_realize(struct device *dev, GError **errp);
void device_unrealize(struct device *dev);
void device_reset(struct device *dev);
/* Reset every realized device below obj, children before parents. */
void device_reset_tree(struct object *obj);

/*
 * "-device NAME,prop=val,..." and "-global DRIVER.PROP=VAL": create (but do
 * not realize) a device from an option string, with -global defaults applied.
 * Errors name the option: "-device foo: ..." .
 */
struct device *device_new_from_opts(const char *opts, GError **errp);
bool device_global_add(const char *opt, GError **errp);
void device_globals_apply(struct device *dev, GError **errp);
/* Print "-device help" or "-device NAME,help" to stdout. */
void device_print_help(const char *name_or_null);

#endif

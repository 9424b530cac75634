/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Static property tables. A class lists its properties once:
 *
 *	static const struct property serial_props[] = {
 *		PROP_U32("iobase", struct isa_serial, iobase, 0x3f8),
 *		PROP_U8("irq", struct isa_serial, irq, 4),
 *		PROP_CHARDEV("chardev", struct isa_serial, chr),
 *		PROP_END
 *	};
 *	klass->props = serial_props;
 *
 * Defaults are applied by object_new() before instance_init runs; values are
 * parsed from strings ("-device isa-serial,iobase=0x2f8"), checked against the
 * field's width, and refused after the device is realized unless the property
 * is marked PROP_F_RUNTIME.
 */
#ifndef QOM_PROPERTY_H
#define QOM_PROPERTY_H

#include "qom/object.h"

struct chardev;
struct drive_info;
struct net_client;

enum property_type {
	PROP_TYPE_BOOL,
	PROP_TYPE_U8,
	PROP_TYPE_U16,
	PROP_TYPE_U32,
	PROP_TYPE_U64,
	PROP_TYPE_I32,
	PROP_TYPE_I64,
	PROP_TYPE_SIZE,		/* uint64_t, accepts "64M" */
	PROP_TYPE_STRING,	/* char *, owned by the object */
	PROP_TYPE_ON_OFF_AUTO,	/* enum on_off_auto */
	PROP_TYPE_CHARDEV,	/* struct chardev *, by id */
	PROP_TYPE_LINK,		/* struct object *, by path or id; link_type checked */
	PROP_TYPE_DRIVE,	/* struct drive_info *, by -drive id (system/blockdev.h) */
	PROP_TYPE_NETDEV,	/* struct net_client *, by -netdev id (net/net.h) */
};

enum on_off_auto { ON_OFF_AUTO_AUTO, ON_OFF_AUTO_ON, ON_OFF_AUTO_OFF };

#define PROP_F_RUNTIME 1u	/* may be set after realize */

struct property {
	const char *name;
	enum property_type type;
	size_t offset;
	union {
		uint64_t u;
		int64_t i;
		const char *s;
	} defval;
	const char *desc;
	const char *link_type;
	unsigned flags;
};

#define PROP_DEF_(n, t, st, f, ty, dv) \
	{ .name = (n), .type = (t), .offset = offsetof(st, f) + \
	  0 * sizeof((ty *){ &((st *)0)->f } == 0), .defval = dv }
#define PROP_BOOL(n, st, f, d)  PROP_DEF_(n, PROP_TYPE_BOOL, st, f, bool, { .u = (d) })
#define PROP_U8(n, st, f, d)    PROP_DEF_(n, PROP_TYPE_U8, st, f, uint8_t, { .u = (d) })
#define PROP_U16(n, st, f, d)   PROP_DEF_(n, PROP_TYPE_U16, st, f, uint16_t, { .u = (d) })
#define PROP_U32(n, st, f, d)   PROP_DEF_(n, PROP_TYPE_U32, st, f, uint32_t, { .u = (d) })
#define PROP_U64(n, st, f, d)   PROP_DEF_(n, PROP_TYPE_U64, st, f, uint64_t, { .u = (d) })
#define PROP_I32(n, st, f, d)   PROP_DEF_(n, PROP_TYPE_I32, st, f, int32_t, { .i = (d) })
#define PROP_I64(n, st, f, d)   PROP_DEF_(n, PROP_TYPE_I64, st, f, int64_t, { .i = (d) })
#define PROP_SIZE(n, st, f, d)  PROP_DEF_(n, PROP_TYPE_SIZE, st, f, uint64_t, { .u = (d) })
#define PROP_STRING(n, st, f, d) PROP_DEF_(n, PROP_TYPE_STRING, st, f, char *, { .s = (d) })
#define PROP_ON_OFF_AUTO(n, st, f, d) \
	PROP_DEF_(n, PROP_TYPE_ON_OFF_AUTO, st, f, enum on_off_auto, { .u = (d) })
#define PROP_CHARDEV(n, st, f) \
	PROP_DEF_(n, PROP_TYPE_CHARDEV, st, f, struct chardev *, { .u = 0 })
#define PROP_DRIVE(n, st, f) \
	PROP_DEF_(n, PROP_TYPE_DRIVE, st, f, struct drive_info *, { .u = 0 })
#define PROP_NETDEV(n, st, f) \
	PROP_DEF_(n, PROP_TYPE_NETDEV, st, f, struct net_client *, { .u = 0 })
#define PROP_LINK(n, st, f, lt) \
	{ .name = (n), .type = PROP_TYPE_LINK, .offset = offsetof(st, f), .link_type = (lt) }
#define PROP_END { .name = NULL }

const char *property_type_name(enum property_type type);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device state descriptions: the table of fields that make up a device's
 * guest-visible state. Save/restore, snapshots and migration are generic code
 * over these tables (migration/vmstate.c); no device writes its own.
 *
 *	static const struct vmstate_field rtc_fields[] = {
 *		VMSTATE_U8_ARRAY(struct rtc_state, cmos, 128),
 *		VMSTATE_I64(struct rtc_state, offset_ns),
 *		VMSTATE_TIMER(struct rtc_state, periodic),
 *		VMSTATE_END
 *	};
 */
#ifndef MIGRATION_VMSTATE_H
#define MIGRATION_VMSTATE_H

#include "kemu/common.h"

enum vmstate_type {
	VMSTATE_TYPE_END,
	VMSTATE_TYPE_BOOL,
	VMSTATE_TYPE_U8,
	VMSTATE_TYPE_U16,
	VMSTATE_TYPE_U32,
	VMSTATE_TYPE_U64,
	VMSTATE_TYPE_I32,
	VMSTATE_TYPE_I64,
	VMSTATE_TYPE_TIMER,	/* struct kemu_timer *: its expiry (or -1) */
	VMSTATE_TYPE_BUFFER,	/* raw bytes, size in .count */
};

struct vmstate_field {
	const char *name;
	enum vmstate_type type;
	size_t offset;
	size_t count;		/* array elements (1 for scalars), bytes for BUFFER */
	unsigned version;	/* first description version with this field */
};

#define VMSTATE_F_(st, f, t, ty, n) \
	{ .name = #f, .type = (t), .count = (n), \
	  .offset = offsetof(st, f) + 0 * sizeof((ty *){ &((st *)0)->f } == 0) }
#define VMSTATE_A_(st, f, t, ty, n) \
	{ .name = #f, .type = (t), .count = (n), \
	  .offset = offsetof(st, f) + 0 * sizeof((ty (*)[n]){ &((st *)0)->f } == 0) }

#define VMSTATE_BOOL(st, f)	VMSTATE_F_(st, f, VMSTATE_TYPE_BOOL, bool, 1)
#define VMSTATE_U8(st, f)	VMSTATE_F_(st, f, VMSTATE_TYPE_U8, uint8_t, 1)
#define VMSTATE_U16(st, f)	VMSTATE_F_(st, f, VMSTATE_TYPE_U16, uint16_t, 1)
#define VMSTATE_U32(st, f)	VMSTATE_F_(st, f, VMSTATE_TYPE_U32, uint32_t, 1)
#define VMSTATE_U64(st, f)	VMSTATE_F_(st, f, VMSTATE_TYPE_U64, uint64_t, 1)
#define VMSTATE_I32(st, f)	VMSTATE_F_(st, f, VMSTATE_TYPE_I32, int32_t, 1)
#define VMSTATE_I64(st, f)	VMSTATE_F_(st, f, VMSTATE_TYPE_I64, int64_t, 1)
#define VMSTATE_TIMER(st, f)	VMSTATE_F_(st, f, VMSTATE_TYPE_TIMER, struct kemu_timer *, 1)
#define VMSTATE_U8_ARRAY(st, f, n)  VMSTATE_A_(st, f, VMSTATE_TYPE_U8, uint8_t, n)
#define VMSTATE_U16_ARRAY(st, f, n) VMSTATE_A_(st, f, VMSTATE_TYPE_U16, uint16_t, n)
#define VMSTATE_U32_ARRAY(st, f, n) VMSTATE_A_(st, f, VMSTATE_TYPE_U32, uint32_t, n)
#define VMSTATE_U64_ARRAY(st, f, n) VMSTATE_A_(st, f, VMSTATE_TYPE_U64, uint64_t, n)
#define VMSTATE_I64_ARRAY(st, f, n) VMSTATE_A_(st, f, VMSTATE_TYPE_I64, int64_t, n)
#define VMSTATE_BUFFER(st, f) \
	{ .name = #f, .type = VMSTATE_TYPE_BUFFER, .offset = offsetof(st, f), \
	  .count = sizeof(((st *)0)->f) }
#define VMSTATE_END { .name = NULL, .type = VMSTATE_TYPE_END }

struct vmstate_description {
	const char *name;
	unsigned version;
	const struct vmstate_field *fields;
};

/* Serialise / restore one object's fields (used by snapshots and tests). */
GByteArray *vmstate_save(const struct vmstate_description *vmsd, const void *opaque);
bool vmstate_load(const struct vmstate_description *vmsd, void *opaque,
		  const uint8_t *data, size_t len, GError **errp);

#endif

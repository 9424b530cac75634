// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Generic save/restore over device state descriptions. The stream is a
 * simple tagged little-endian format: per field its name, type, count and
 * payload, so a loader can refuse a mismatch with a message naming the field
 * instead of silently misreading. See migration/vmstate.h.
 */
#include "migration/vmstate.h"
#include "system/timer.h"

static size_t vmstate_elem_size(enum vmstate_type type)
{
	switch (type) {
	case VMSTATE_TYPE_BOOL: case VMSTATE_TYPE_U8: case VMSTATE_TYPE_BUFFER: return 1;
	case VMSTATE_TYPE_U16: return 2;
	case VMSTATE_TYPE_U32: case VMSTATE_TYPE_I32: return 4;
	case VMSTATE_TYPE_U64: case VMSTATE_TYPE_I64: case VMSTATE_TYPE_TIMER: return 8;
	case VMSTATE_TYPE_END: break;
	}
	return 0;
}

GByteArray *vmstate_save(const struct vmstate_description *vmsd, const void *opaque)
{
	GByteArray *out = g_byte_array_new();
	uint8_t hdr[4];

	stl_le_p(hdr, vmsd->version);
	g_byte_array_append(out, hdr, 4);
	for (const struct vmstate_field *f = vmsd->fields; f->name; f++) {
		const uint8_t *p = (const uint8_t *)opaque + f->offset;
		uint8_t namelen = strlen(f->name), meta[9];
		size_t esz = vmstate_elem_size(f->type);

		g_byte_array_append(out, &namelen, 1);
		g_byte_array_append(out, (const uint8_t *)f->name, namelen);
		meta[0] = f->type;
		stq_le_p(meta + 1, f->count);
		g_byte_array_append(out, meta, 9);
		if (f->type == VMSTATE_TYPE_TIMER) {
			const struct kemu_timer *t = *(struct kemu_timer *const *)p;
			uint8_t v[8];

			stq_le_p(v, t && timer_pending(t) ? (uint64_t)timer_expire_ns(t) : UINT64_MAX);
			g_byte_array_append(out, v, 8);
		} else {
			/* host is little-endian x86-64: fields are stored as they are */
			g_byte_array_append(out, p, esz * f->count);
		}
	}
	return out;
}

bool vmstate_load(const struct vmstate_description *vmsd, void *opaque,
		  const uint8_t *data, size_t len, GError **errp)
{
	size_t pos = 4;

	if (len < 4 || ldl_le_p(data) > vmsd->version) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: unsupported state version", vmsd->name);
		return false;
	}
	for (const struct vmstate_field *f = vmsd->fields; f->name; f++) {
		uint8_t *p = (uint8_t *)opaque + f->offset;
		size_t esz = vmstate_elem_size(f->type), namelen, need;

		if (f->version > ldl_le_p(data))
			continue;
		if (pos >= len)
			goto truncated;
		namelen = data[pos++];
		if (pos + namelen + 9 > len)
			goto truncated;
		if (namelen != strlen(f->name) || memcmp(data + pos, f->name, namelen) ||
		    data[pos + namelen] != f->type || ldq_le_p(data + pos + namelen + 1) != f->count) {
			g_set_error(errp, KEMU_ERROR, 0, "%s: field '%s' does not match the saved state",
				    vmsd->name, f->name);
			return false;
		}
		pos += namelen + 9;
		need = f->type == VMSTATE_TYPE_TIMER ? 8 : esz * f->count;
		if (pos + need > len)
			goto truncated;
		if (f->type == VMSTATE_TYPE_TIMER) {
			struct kemu_timer *t = *(struct kemu_timer **)p;
			uint64_t exp = ldq_le_p(data + pos);

			if (t) {
				if (exp == UINT64_MAX)
					timer_del(t);
				else
					timer_mod_ns(t, (int64_t)exp);
			}
		} else {
			memcpy(p, data + pos, need);
		}
		pos += need;
	}
	return true;
truncated:
	g_set_error(errp, KEMU_ERROR, 0, "%s: saved state is truncated", vmsd->name);
	return false;
}

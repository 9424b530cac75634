// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "ringbuf" backend (alias "memory"): output kept in a ring buffer of
 * size= bytes (a power of two, default 64 KiB) that the monitor reads back
 * (QMP ringbuf-read) and tests inspect; chardev_ringbuf_write() feeds input
 * to the front end (QMP ringbuf-write). Oldest bytes are overwritten.
 */
#include "kemu/common.h"
#include "chardev/char.h"

struct chardev_ringbuf {
	struct chardev parent;
	uint8_t *buf;
	size_t size;		/* power of two */
	uint64_t prod;		/* bytes ever written */
	uint64_t cons;		/* bytes ever read */
};

#define CHARDEV_RINGBUF(obj) OBJECT_CHECK(struct chardev_ringbuf, (obj), "chardev-ringbuf")

static bool ringbuf_open(struct chardev *chr, struct chardev_opts *opts, GError **errp)
{
	struct chardev_ringbuf *r = (struct chardev_ringbuf *)chr;
	uint64_t size;

	if (!chardev_opt_get_number(opts, "size", 64 * KiB, &size, errp))
		return false;
	if (!size || (size & (size - 1)) || size > 64 * MiB) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "size %" PRIu64 ": expects a power of two up to 64 MiB", size);
		return false;
	}
	r->size = size;
	r->buf = g_malloc0(size);
	chr->be_open = true;
	return true;
}

static int ringbuf_write(struct chardev *chr, const uint8_t *buf, int len)
{
	struct chardev_ringbuf *r = (struct chardev_ringbuf *)chr;

	for (int i = 0; i < len; i++)
		r->buf[r->prod++ & (r->size - 1)] = buf[i];
	if (r->prod - r->cons > r->size)
		r->cons = r->prod - r->size;	/* the oldest bytes are gone */
	return len;
}

bool chardev_is_ringbuf(const struct chardev *chr)
{
	return chr && object_dynamic_cast(OBJECT(chr), "chardev-ringbuf") != NULL;
}

GByteArray *chardev_ringbuf_read(struct chardev *chr, size_t max)
{
	struct chardev_ringbuf *r = (struct chardev_ringbuf *)chr;
	GByteArray *out = g_byte_array_new();

	if (!chardev_is_ringbuf(chr))
		return out;
	g_mutex_lock(&chr->write_lock);
	while (r->cons < r->prod && out->len < max) {
		uint8_t b = r->buf[r->cons++ & (r->size - 1)];

		g_byte_array_append(out, &b, 1);
	}
	g_mutex_unlock(&chr->write_lock);
	return out;
}

int chardev_ringbuf_write(struct chardev *chr, const uint8_t *buf, int len)
{
	int room = chardev_be_can_receive(chr);

	len = MIN(len, MAX(room, 0));
	chardev_be_receive(chr, buf, len);
	return len;
}

static void ringbuf_instance_finalize(struct object *obj)
{
	g_free(CHARDEV_RINGBUF(obj)->buf);
}

static const char *const ringbuf_opts[] = { "size", NULL };

static void ringbuf_class_init(struct object_class *oc, const void *data)
{
	struct chardev_class *cc = (struct chardev_class *)oc;

	cc->backend = data;
	cc->opts = ringbuf_opts;
	cc->open = ringbuf_open;
	cc->write = ringbuf_write;
}

static const struct type_info ringbuf_type_infos[] = {
	{
		.name = "chardev-ringbuf",
		.parent = TYPE_CHARDEV,
		.instance_size = sizeof(struct chardev_ringbuf),
		.class_size = sizeof(struct chardev_class),
		.class_init = ringbuf_class_init,
		.class_data = "ringbuf",
		.instance_finalize = ringbuf_instance_finalize,
	}, {
		.name = "chardev-memory",	/* QEMU's old name */
		.parent = "chardev-ringbuf",
		.instance_size = sizeof(struct chardev_ringbuf),
		.class_size = sizeof(struct chardev_class),
		.class_init = ringbuf_class_init,
		.class_data = "memory",
	},
};

static void ringbuf_register_types(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(ringbuf_type_infos); i++)
		type_register(&ringbuf_type_infos[i]);
}
type_init(ringbuf_register_types)

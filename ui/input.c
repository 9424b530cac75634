// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The input layer's routing: front ends send key, button and motion events,
 * the guest devices that registered for their kind receive them. Not here:
 * the key tables (input-keymap.c), the devices (hw/input/), the monitor
 * commands (monitor/qmp-cmds-input.c, hmp-cmds-input.c). See include/ui/input.h.
 */
#include "kemu/common.h"
#include "ui/input.h"

struct input_handler {
	const struct input_handler_ops *ops;
	void *opaque;
	bool needs_sync;		/* got events since the last sync */
};

/*
 * Registered handlers, most recent (or most recently activated) first, as
 * QEMU routes to the newest device: a USB tablet added later wins over the
 * PS/2 mouse. Protected by the BQL, like the console list.
 */
static GPtrArray *input_handlers;

struct input_handler *input_handler_register(const struct input_handler_ops *ops, void *opaque)
{
	struct input_handler *h = g_new0(struct input_handler, 1);

	if (!input_handlers)
		input_handlers = g_ptr_array_new();
	h->ops = ops;
	h->opaque = opaque;
	g_ptr_array_insert(input_handlers, 0, h);
	return h;
}

void input_handler_activate(struct input_handler *h)
{
	if (h && g_ptr_array_remove(input_handlers, h))
		g_ptr_array_insert(input_handlers, 0, h);
}

void input_handler_unregister(struct input_handler *h)
{
	if (!h)
		return;
	g_ptr_array_remove(input_handlers, h);
	g_free(h);
	if (!input_handlers->len) {
		g_ptr_array_free(input_handlers, true);
		input_handlers = NULL;
	}
}

static struct input_handler *input_find_handler(unsigned mask)
{
	for (guint i = 0; input_handlers && i < input_handlers->len; i++) {
		struct input_handler *h = g_ptr_array_index(input_handlers, i);

		if (h->ops->mask & mask)
			return h;
	}
	return NULL;
}

bool input_has_handler(unsigned mask)
{
	return input_find_handler(mask) != NULL;
}

void input_event_send(const struct input_event *ev)
{
	struct input_handler *h = input_find_handler(1u << ev->kind);

	if (h) {
		h->needs_sync = true;
		h->ops->event(h->opaque, ev);
	}
}

void input_event_key(enum input_qcode qcode, bool down)
{
	struct input_event ev = { .kind = INPUT_EVENT_KEY, .key = { qcode, down } };

	input_event_send(&ev);
}

void input_event_btn(enum input_button button, bool down)
{
	struct input_event ev = { .kind = INPUT_EVENT_BTN, .btn = { button, down } };

	input_event_send(&ev);
}

void input_event_rel(enum input_axis axis, int64_t value)
{
	struct input_event ev = { .kind = INPUT_EVENT_REL, .move = { axis, value } };

	input_event_send(&ev);
}

void input_event_abs(enum input_axis axis, int64_t value)
{
	struct input_event ev = { .kind = INPUT_EVENT_ABS, .move = { axis, value } };

	input_event_send(&ev);
}

/* The end of a group: a mouse that got events sends its packet now. */
void input_event_sync(void)
{
	for (guint i = 0; input_handlers && i < input_handlers->len; i++) {
		struct input_handler *h = g_ptr_array_index(input_handlers, i);

		if (h->needs_sync && h->ops->sync)
			h->ops->sync(h->opaque);
		h->needs_sync = false;
	}
}

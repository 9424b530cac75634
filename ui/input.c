// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The input layer's routing: front ends send key, button and motion events,
 * the guest devices that registered for their kind receive them. Not here:
 * the key tables (input-keymap.c), the devices (hw/input/), the monitor
 * commands (monitor/qmp-cmds-input.c, hmp-cmds-input.c). See include/ui/input.h.
 */
#include "kemu/common.h"
#include "ui/input.h"
#include "system/timer.h"

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

/* ---- timed sequences (send-key) ---- */

#define INPUT_QUEUE_DEFAULT_DELAY_MS 10	/* QEMU 7.2's gap when hold-time is absent */

struct input_queued_key {
	enum input_qcode qcode;
	bool down;
	uint32_t delay_ms;		/* after this event */
};

/* Pending send-key events and the timer that paces them; BQL. */
static GQueue input_queue = G_QUEUE_INIT;
static struct kemu_timer *input_queue_timer;

static void input_queue_run(void *opaque)
{
	struct input_queued_key *k;

	while ((k = g_queue_pop_head(&input_queue))) {
		uint32_t delay = k->delay_ms;

		input_event_key(k->qcode, k->down);
		input_event_sync();
		g_free(k);
		if (delay) {
			timer_mod_ns(input_queue_timer,
				     clock_get_ns(CLOCK_VIRTUAL) + (int64_t)delay * 1000000);
			return;
		}
	}
}

void input_queue_key(enum input_qcode qcode, bool down, uint32_t delay_ms)
{
	struct input_queued_key *k = g_new0(struct input_queued_key, 1);

	k->qcode = qcode;
	k->down = down;
	k->delay_ms = delay_ms ? delay_ms : INPUT_QUEUE_DEFAULT_DELAY_MS;
	g_queue_push_tail(&input_queue, k);
	if (!input_queue_timer)
		input_queue_timer = timer_new_ns(CLOCK_VIRTUAL, input_queue_run, NULL);
	if (!timer_pending(input_queue_timer))
		input_queue_run(NULL);
}

void input_queue_flush(void)
{
	g_queue_clear_full(&input_queue, g_free);
	if (input_queue_timer) {
		timer_free(input_queue_timer);
		input_queue_timer = NULL;
	}
}

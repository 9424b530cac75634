// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PS/2 keyboard ("ps2-kbd"): the host-to-keyboard command set and key
 * events from the input layer as scancode set 1 or 2 bytes.
 *
 * References: IBM PS/2 Hardware Interface Technical Reference, "Keyboard"
 * (commands ED..FF, the 16-byte buffer, the overrun code); scancodes come
 * from include/ui/input.h. Not modelled: typematic repeat (front ends send
 * their own repeats; the rate byte is kept) and the set-3 key attribute
 * commands F7..FD (acknowledged; every key sends make and break, as in
 * QEMU).
 */
#include "kemu/common.h"
#include "hw/input/ps2.h"
#include "ui/input.h"

#define KBD_CMD_SET_LEDS	0xed
#define KBD_CMD_ECHO		0xee
#define KBD_CMD_SCANCODE	0xf0
#define KBD_CMD_IDENTIFY	0xf2
#define KBD_CMD_TYPEMATIC	0xf3
#define KBD_CMD_ENABLE		0xf4
#define KBD_CMD_DEFAULT_DISABLE	0xf5
#define KBD_CMD_SET_DEFAULT	0xf6
#define KBD_CMD_SET3_FIRST	0xf7	/* F7..FD: set-3 key attributes */
#define KBD_CMD_SET3_LAST	0xfd
#define KBD_CMD_RESEND		0xfe
#define KBD_CMD_RESET		0xff

#define KBD_TYPEMATIC_DEFAULT	0x2b	/* 10.9 characters/s after 500 ms */
/*
 * Bytes kept free for command replies, so keys cannot starve them: the
 * overrun code may take one, the identify answer (FA AB 83) still fits.
 */
#define KBD_REPLY_ROOM		4

struct ps2_kbd_state {
	struct ps2_state common;
	bool scan_enabled;
	uint8_t scancode_set;		/* 1, 2 or 3 */
	uint8_t leds;			/* bit 0 scroll, 1 num, 2 caps lock */
	uint8_t typematic;
	uint8_t pending;		/* command waiting for its data byte, 0: none */
	uint8_t modifiers;		/* INPUT_MOD_* held, for Print Screen and Pause */
	uint8_t held;			/* bit per modifier key, see ps2_kbd_modifier_bit */
	bool overrun;			/* the overrun code is queued, keys dropped since */

	struct input_handler *input;
};

#define PS2_KBD(obj) OBJECT_CHECK(struct ps2_kbd_state, (obj), TYPE_PS2_KBD)

static void ps2_kbd_defaults(struct ps2_kbd_state *s)
{
	s->scancode_set = 2;
	s->typematic = KBD_TYPEMATIC_DEFAULT;
	s->leds = 0;
	s->pending = 0;
	s->overrun = false;
}

static void ps2_kbd_ack(struct ps2_kbd_state *s)
{
	ps2_queue_byte(&s->common, PS2_REPLY_ACK);
}

/* The data byte after ED, F0 or F3. */
static void ps2_kbd_write_data(struct ps2_kbd_state *s, uint8_t cmd, uint8_t val)
{
	switch (cmd) {
	case KBD_CMD_SET_LEDS:
		s->leds = val & 7;
		ps2_kbd_ack(s);
		break;
	case KBD_CMD_SCANCODE:
		if (val > 3) {
			guest_error("ps2-kbd: scancode set %u does not exist", val);
			ps2_queue_byte(&s->common, PS2_REPLY_RESEND);
			break;
		}
		ps2_kbd_ack(s);
		if (val == 0)
			ps2_queue_byte(&s->common, s->scancode_set);
		else
			s->scancode_set = val;
		break;
	case KBD_CMD_TYPEMATIC:
		s->typematic = val;
		ps2_kbd_ack(s);
		break;
	}
}

static void ps2_kbd_write(struct ps2_state *ps, uint8_t val)
{
	struct ps2_kbd_state *s = PS2_KBD(ps);
	uint8_t cmd = s->pending;

	s->pending = 0;
	/* a byte with bit 7 set is a new command, even where data was expected */
	if (cmd && val < 0x80) {
		ps2_kbd_write_data(s, cmd, val);
		ps2_notify(ps);
		return;
	}
	switch (val) {
	case KBD_CMD_SET_LEDS:
	case KBD_CMD_SCANCODE:
	case KBD_CMD_TYPEMATIC:
		ps2_kbd_ack(s);
		s->pending = val;
		break;
	case KBD_CMD_ECHO:
		ps2_queue_byte(ps, KBD_CMD_ECHO);
		break;
	case KBD_CMD_IDENTIFY:
		/* MF2 keyboard; the controller's translation makes the 83 a 41 */
		ps2_queue_bytes(ps, (const uint8_t[]){ PS2_REPLY_ACK, 0xab, 0x83 }, 3);
		break;
	case KBD_CMD_ENABLE:
		ps2_queue_clear(ps);
		s->scan_enabled = true;
		ps2_kbd_ack(s);
		break;
	case KBD_CMD_DEFAULT_DISABLE:
	case KBD_CMD_SET_DEFAULT:
		/* both clear the output buffer (IBM reference, F5 and F6) */
		ps2_queue_clear(ps);
		ps2_kbd_defaults(s);
		s->scan_enabled = val == KBD_CMD_SET_DEFAULT;
		ps2_kbd_ack(s);
		break;
	case KBD_CMD_RESEND:
		ps2_queue_byte(ps, ps->last_sent);
		break;
	case KBD_CMD_RESET:
		ps2_queue_clear(ps);
		ps2_kbd_defaults(s);
		s->scan_enabled = true;
		ps2_queue_bytes(ps, (const uint8_t[]){ PS2_REPLY_ACK, PS2_REPLY_BAT_OK }, 2);
		break;
	default:
		if (val >= KBD_CMD_SET3_FIRST && val <= KBD_CMD_SET3_LAST) {
			log_unimp("ps2-kbd: set-3 key attribute command 0x%02x", val);
			ps2_kbd_ack(s);
			break;
		}
		guest_error("ps2-kbd: unknown command 0x%02x", val);
		ps2_queue_byte(ps, PS2_REPLY_RESEND);
		break;
	}
	ps2_notify(ps);
}

/* Shift, Ctrl and Alt (left and right) change which bytes Print and Pause send. */
static void ps2_kbd_track_modifiers(struct ps2_kbd_state *s, enum input_qcode qcode, bool down)
{
	static const struct { enum input_qcode qcode; unsigned mod; } keys[] = {
		{ INPUT_QCODE_SHIFT, INPUT_MOD_SHIFT }, { INPUT_QCODE_SHIFT_R, INPUT_MOD_SHIFT },
		{ INPUT_QCODE_CTRL, INPUT_MOD_CTRL }, { INPUT_QCODE_CTRL_R, INPUT_MOD_CTRL },
		{ INPUT_QCODE_ALT, INPUT_MOD_ALT }, { INPUT_QCODE_ALT_R, INPUT_MOD_ALT },
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(keys); i++) {
		if (keys[i].qcode != qcode)
			continue;
		if (down)
			s->held |= 1u << i;
		else
			s->held &= ~(1u << i);
	}
	s->modifiers = 0;
	for (unsigned i = 0; i < G_N_ELEMENTS(keys); i++)
		if (s->held & (1u << i))
			s->modifiers |= keys[i].mod;
}

static void ps2_kbd_input_event(void *opaque, const struct input_event *ev)
{
	struct ps2_kbd_state *s = opaque;
	uint8_t bytes[INPUT_SCANCODES_MAX];
	unsigned n, set;

	if (ev->kind != INPUT_EVENT_KEY)
		return;
	ps2_kbd_track_modifiers(s, ev->key.qcode, ev->key.down);
	if (!s->scan_enabled)
		return;
	set = s->scancode_set >= 1 && s->scancode_set <= 3 ? s->scancode_set : 2;
	n = input_qcode_to_scancodes(ev->key.qcode, ev->key.down, set, s->modifiers, bytes);
	if (!n)
		return;
	if (ps2_queue_free(&s->common) >= n + KBD_REPLY_ROOM) {
		ps2_queue_bytes(&s->common, bytes, n);
		s->overrun = false;
	} else if (!s->overrun && ps2_queue_free(&s->common) >= KBD_REPLY_ROOM) {
		/* buffer full: one overrun code in the last key position, keys lost */
		ps2_queue_byte(&s->common, set == 1 ? 0xff : 0x00);
		s->overrun = true;
	}
	ps2_notify(&s->common);
}

static const struct input_handler_ops ps2_kbd_input_ops = {
	.name = "PS/2 keyboard",
	.mask = INPUT_EVENT_MASK_KEY,
	.event = ps2_kbd_input_event,
};

uint8_t ps2_kbd_leds(struct device *dev)
{
	return PS2_KBD(dev)->leds;
}

static void ps2_kbd_instance_init(struct object *obj)
{
	PS2_DEVICE(obj)->write = ps2_kbd_write;
}

static bool ps2_kbd_realize(struct device *dev, GError **errp)
{
	struct ps2_kbd_state *s = PS2_KBD(dev);

	s->input = input_handler_register(&ps2_kbd_input_ops, s);
	return true;
}

static void ps2_kbd_unrealize(struct device *dev)
{
	struct ps2_kbd_state *s = PS2_KBD(dev);

	input_handler_unregister(s->input);
	s->input = NULL;
}

static void ps2_kbd_reset(struct device *dev)
{
	struct ps2_kbd_state *s = PS2_KBD(dev);

	ps2_queue_clear(&s->common);
	s->common.last_sent = 0;
	ps2_kbd_defaults(s);
	s->scan_enabled = true;
	s->modifiers = 0;
	s->held = 0;
}

static const struct vmstate_field ps2_kbd_fields[] = {
	VMSTATE_PS2_QUEUE(struct ps2_kbd_state),
	VMSTATE_BOOL(struct ps2_kbd_state, scan_enabled),
	VMSTATE_U8(struct ps2_kbd_state, scancode_set),
	VMSTATE_U8(struct ps2_kbd_state, leds),
	VMSTATE_U8(struct ps2_kbd_state, typematic),
	VMSTATE_U8(struct ps2_kbd_state, pending),
	VMSTATE_U8(struct ps2_kbd_state, modifiers),
	VMSTATE_U8(struct ps2_kbd_state, held),
	VMSTATE_BOOL(struct ps2_kbd_state, overrun),
	VMSTATE_END
};

DEFINE_DEVICE_TYPE(ps2_kbd, TYPE_PS2_KBD, TYPE_PS2_DEVICE, struct ps2_kbd_state,
		   .instance_init = ps2_kbd_instance_init,
		   .realize = ps2_kbd_realize, .unrealize = ps2_kbd_unrealize,
		   .reset = ps2_kbd_reset, .vmstate = ps2_kbd_fields, .vmstate_version = 1,
		   .no_user = true, .desc = "PS/2 keyboard (behind the i8042)",
		   .category = "input");

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PS/2 mouse ("ps2-mouse"): the host-to-mouse command set, stream and
 * remote modes, and packets from the input layer's buttons and relative
 * motion, with Microsoft's wheel extensions.
 *
 * References: IBM PS/2 Hardware Interface Technical Reference, "Pointing
 * Device" (commands E6..FF, the status and data packets, 2:1 scaling);
 * Microsoft "IntelliMouse" / "IntelliMouse Explorer" PS/2 protocol notes:
 * sample rates 200, 100, 80 in a row make the mouse answer ID 3 and send a
 * fourth byte (wheel), then 200, 200, 80 make it ID 4 (wheel in bits 0-3,
 * buttons 4 and 5 in bits 4-5 of the fourth byte).
 */
#include "kemu/common.h"
#include "hw/input/ps2.h"
#include "ui/input.h"

#define MOUSE_CMD_SCALING_1_1	0xe6
#define MOUSE_CMD_SCALING_2_1	0xe7
#define MOUSE_CMD_RESOLUTION	0xe8
#define MOUSE_CMD_STATUS	0xe9
#define MOUSE_CMD_STREAM	0xea
#define MOUSE_CMD_READ_DATA	0xeb
#define MOUSE_CMD_RESET_WRAP	0xec
#define MOUSE_CMD_WRAP		0xee
#define MOUSE_CMD_REMOTE	0xf0
#define MOUSE_CMD_IDENTIFY	0xf2
#define MOUSE_CMD_SAMPLE_RATE	0xf3
#define MOUSE_CMD_ENABLE	0xf4
#define MOUSE_CMD_DISABLE	0xf5
#define MOUSE_CMD_SET_DEFAULT	0xf6
#define MOUSE_CMD_RESEND	0xfe
#define MOUSE_CMD_RESET		0xff

/* status byte (E9) bits */
#define MOUSE_STATUS_REMOTE	0x40
#define MOUSE_STATUS_ENABLED	0x20
#define MOUSE_STATUS_SCALE21	0x10

/* packet byte 0 */
#define MOUSE_PKT_ALWAYS1	0x08
#define MOUSE_PKT_X_SIGN	0x10
#define MOUSE_PKT_Y_SIGN	0x20
#define MOUSE_PKT_OVERFLOWS	0xc0	/* X 0x40, Y 0x80: never set, see ps2_mouse_send_packet */

/* our button bits: the packet's order (left, right, middle), then 4 and 5 */
#define MOUSE_BTN_LEFT		0x01
#define MOUSE_BTN_RIGHT		0x02
#define MOUSE_BTN_MIDDLE	0x04
#define MOUSE_BTN_4		0x08
#define MOUSE_BTN_5		0x10

#define MOUSE_ID_STANDARD	0
#define MOUSE_ID_INTELLIMOUSE	3
#define MOUSE_ID_EXPLORER	4

struct ps2_mouse_state {
	struct ps2_state common;
	bool enabled;			/* data reporting (F4/F5) */
	bool remote;			/* remote mode: packets only on EB */
	bool wrap;			/* wrap mode: echo */
	bool scale21;
	uint8_t resolution;		/* 0..3: 1, 2, 4, 8 counts/mm */
	uint8_t sample_rate;
	uint8_t id;
	uint8_t pending;		/* E8 or F3 waiting for its data byte, 0: none */
	uint8_t rates[3];		/* last sample rates, newest last: the knocks */
	uint8_t buttons;		/* MOUSE_BTN_* */
	bool changed;			/* buttons changed since the last packet */
	int32_t dx, dy, dz;		/* motion not sent yet; dy positive is up */

	struct input_handler *input;
};

#define PS2_MOUSE(obj) OBJECT_CHECK(struct ps2_mouse_state, (obj), TYPE_PS2_MOUSE)

static void ps2_mouse_defaults(struct ps2_mouse_state *s)
{
	s->enabled = false;
	s->remote = false;
	s->wrap = false;
	s->scale21 = false;
	s->resolution = 2;
	s->sample_rate = 100;
	s->pending = 0;
	s->dx = s->dy = s->dz = 0;
	s->changed = false;
}

static unsigned ps2_mouse_packet_size(const struct ps2_mouse_state *s)
{
	return s->id == MOUSE_ID_STANDARD ? 3 : 4;
}

/* 2:1 scaling, stream mode only (IBM reference, "Scaling"): a table for |d| <= 5 */
static int ps2_mouse_scale(const struct ps2_mouse_state *s, int d, bool stream)
{
	static const int scaled[6] = { 0, 1, 1, 3, 6, 9 };
	int mag = abs(d);

	if (!s->scale21 || !stream)
		return d;
	mag = mag <= 5 ? scaled[mag] : 2 * mag;
	return d < 0 ? -mag : mag;
}

/*
 * One packet from the accumulated motion; what does not fit stays for the
 * next. The counts are 9-bit with the sign in byte 0, but each packet
 * carries at most +-127 (as QEMU sends): a driver that reads the delta
 * bytes as signed 8-bit agrees with one that uses the sign bits. Big motion
 * becomes several packets instead of a lost count, so the overflow bits
 * (which report lost motion) stay clear, as in QEMU.
 */
static void ps2_mouse_send_packet(struct ps2_mouse_state *s, bool stream)
{
	uint8_t pkt[4];
	int dx = CLAMP(s->dx, -127, 127), dy = CLAMP(s->dy, -127, 127);
	int sx = ps2_mouse_scale(s, dx, stream), sy = ps2_mouse_scale(s, dy, stream);
	uint8_t b0 = MOUSE_PKT_ALWAYS1 | (s->buttons & 7);
	int dz;

	if (sx < 0)
		b0 |= MOUSE_PKT_X_SIGN;
	if (sy < 0)
		b0 |= MOUSE_PKT_Y_SIGN;
	pkt[0] = b0;
	pkt[1] = sx & 0xff;
	pkt[2] = sy & 0xff;
	if (s->id == MOUSE_ID_EXPLORER) {
		dz = CLAMP(s->dz, -8, 7);
		pkt[3] = (dz & 0x0f) | ((s->buttons & (MOUSE_BTN_4 | MOUSE_BTN_5)) << 1);
	} else {
		dz = CLAMP(s->dz, -128, 127);
		pkt[3] = dz & 0xff;
	}
	if (s->id == MOUSE_ID_STANDARD)
		dz = 0;			/* no wheel: the motion is dropped below */
	if (!ps2_queue_bytes(&s->common, pkt, ps2_mouse_packet_size(s)))
		return;			/* the guest is not reading: keep accumulating */
	s->dx -= dx;
	s->dy -= dy;
	s->dz = s->id == MOUSE_ID_STANDARD ? 0 : s->dz - dz;
	s->changed = false;
}

static void ps2_mouse_ack(struct ps2_mouse_state *s)
{
	ps2_queue_byte(&s->common, PS2_REPLY_ACK);
}

static void ps2_mouse_set_sample_rate(struct ps2_mouse_state *s, uint8_t rate)
{
	s->sample_rate = rate;
	s->rates[0] = s->rates[1];
	s->rates[1] = s->rates[2];
	s->rates[2] = rate;
	if (s->rates[0] == 200 && s->rates[1] == 100 && s->rates[2] == 80 &&
	    s->id == MOUSE_ID_STANDARD)
		s->id = MOUSE_ID_INTELLIMOUSE;
	else if (s->rates[0] == 200 && s->rates[1] == 200 && s->rates[2] == 80 &&
		 s->id == MOUSE_ID_INTELLIMOUSE)
		s->id = MOUSE_ID_EXPLORER;
}

static void ps2_mouse_write_data(struct ps2_mouse_state *s, uint8_t cmd, uint8_t val)
{
	if (cmd == MOUSE_CMD_RESOLUTION) {
		if (val > 3) {
			guest_error("ps2-mouse: resolution %u is not 0..3", val);
			ps2_queue_byte(&s->common, PS2_REPLY_RESEND);
			return;
		}
		s->resolution = val;
	} else {
		ps2_mouse_set_sample_rate(s, val);
	}
	ps2_mouse_ack(s);
}

static void ps2_mouse_command(struct ps2_mouse_state *s, uint8_t val)
{
	struct ps2_state *ps = &s->common;

	switch (val) {
	case MOUSE_CMD_SCALING_1_1:
	case MOUSE_CMD_SCALING_2_1:
		s->scale21 = val == MOUSE_CMD_SCALING_2_1;
		ps2_mouse_ack(s);
		break;
	case MOUSE_CMD_RESOLUTION:
	case MOUSE_CMD_SAMPLE_RATE:
		ps2_mouse_ack(s);
		s->pending = val;
		break;
	case MOUSE_CMD_STATUS: {
		/* status byte: mode, enable, scaling; buttons left (2), middle (1), right (0) */
		uint8_t st = (s->remote ? MOUSE_STATUS_REMOTE : 0) |
			     (s->enabled ? MOUSE_STATUS_ENABLED : 0) |
			     (s->scale21 ? MOUSE_STATUS_SCALE21 : 0) |
			     (s->buttons & MOUSE_BTN_LEFT ? 4 : 0) |
			     (s->buttons & MOUSE_BTN_MIDDLE ? 2 : 0) |
			     (s->buttons & MOUSE_BTN_RIGHT ? 1 : 0);
		ps2_queue_bytes(ps, (const uint8_t[]){ PS2_REPLY_ACK, st, s->resolution,
						       s->sample_rate }, 4);
		break;
	}
	case MOUSE_CMD_STREAM:
	case MOUSE_CMD_REMOTE:
		s->remote = val == MOUSE_CMD_REMOTE;
		s->dx = s->dy = s->dz = 0;
		ps2_mouse_ack(s);
		break;
	case MOUSE_CMD_READ_DATA:
		ps2_mouse_ack(s);
		ps2_mouse_send_packet(s, false);	/* always a packet, motion or not */
		break;
	case MOUSE_CMD_RESET_WRAP:
		s->wrap = false;
		ps2_mouse_ack(s);
		break;
	case MOUSE_CMD_WRAP:
		s->wrap = true;
		s->dx = s->dy = s->dz = 0;
		ps2_mouse_ack(s);
		break;
	case MOUSE_CMD_IDENTIFY:
		ps2_queue_bytes(ps, (const uint8_t[]){ PS2_REPLY_ACK, s->id }, 2);
		break;
	case MOUSE_CMD_ENABLE:
	case MOUSE_CMD_DISABLE:
		s->enabled = val == MOUSE_CMD_ENABLE;
		s->dx = s->dy = s->dz = 0;
		ps2_mouse_ack(s);
		break;
	case MOUSE_CMD_SET_DEFAULT:
		ps2_mouse_defaults(s);
		ps2_mouse_ack(s);
		break;
	case MOUSE_CMD_RESEND:
		ps2_queue_byte(ps, ps->last_sent);
		break;
	case MOUSE_CMD_RESET:
		ps2_queue_clear(ps);
		ps2_mouse_defaults(s);
		s->id = MOUSE_ID_STANDARD;
		memset(s->rates, 0, sizeof(s->rates));
		ps2_queue_bytes(ps, (const uint8_t[]){ PS2_REPLY_ACK, PS2_REPLY_BAT_OK,
						       MOUSE_ID_STANDARD }, 3);
		break;
	default:
		guest_error("ps2-mouse: unknown command 0x%02x", val);
		ps2_queue_byte(ps, PS2_REPLY_RESEND);
		break;
	}
}

static void ps2_mouse_write(struct ps2_state *ps, uint8_t val)
{
	struct ps2_mouse_state *s = PS2_MOUSE(ps);
	uint8_t cmd = s->pending;

	s->pending = 0;
	if (cmd == MOUSE_CMD_RESOLUTION || cmd == MOUSE_CMD_SAMPLE_RATE)
		ps2_mouse_write_data(s, cmd, val);
	else if (s->wrap && val != MOUSE_CMD_RESET_WRAP && val != MOUSE_CMD_RESET)
		ps2_queue_byte(ps, val);	/* wrap mode echoes all but EC and FF */
	else
		ps2_mouse_command(s, val);
	ps2_notify(ps);
}

static void ps2_mouse_input_event(void *opaque, const struct input_event *ev)
{
	static const uint8_t button_bits[INPUT_BUTTON__MAX] = {
		[INPUT_BUTTON_LEFT] = MOUSE_BTN_LEFT, [INPUT_BUTTON_RIGHT] = MOUSE_BTN_RIGHT,
		[INPUT_BUTTON_MIDDLE] = MOUSE_BTN_MIDDLE, [INPUT_BUTTON_SIDE] = MOUSE_BTN_4,
		[INPUT_BUTTON_EXTRA] = MOUSE_BTN_5,
	};
	struct ps2_mouse_state *s = opaque;

	if (s->wrap || (!s->enabled && !s->remote))
		return;
	switch (ev->kind) {
	case INPUT_EVENT_REL:
		/* the input layer's y grows downwards, the mouse's upwards */
		if (ev->move.axis == INPUT_AXIS_X)
			s->dx = CLAMP(s->dx + CLAMP(ev->move.value, -65536, 65536), -65536, 65536);
		else
			s->dy = CLAMP(s->dy - CLAMP(ev->move.value, -65536, 65536), -65536, 65536);
		break;
	case INPUT_EVENT_BTN:
		if (ev->btn.button == INPUT_BUTTON_WHEEL_UP || ev->btn.button == INPUT_BUTTON_WHEEL_DOWN) {
			/* a wheel step is a press; up is negative z (IntelliMouse) */
			if (ev->btn.down)
				s->dz = CLAMP(s->dz + (ev->btn.button == INPUT_BUTTON_WHEEL_UP ? -1 : 1),
					      -128, 127);
			break;
		}
		if ((unsigned)ev->btn.button >= INPUT_BUTTON__MAX || !button_bits[ev->btn.button])
			break;
		if (ev->btn.down)
			s->buttons |= button_bits[ev->btn.button];
		else
			s->buttons &= ~button_bits[ev->btn.button];
		s->changed = true;
		break;
	default:
		break;
	}
}

/* End of an event group: in stream mode, send what moved. */
static void ps2_mouse_input_sync(void *opaque)
{
	struct ps2_mouse_state *s = opaque;

	if (s->remote || !s->enabled || s->wrap)
		return;
	/* several packets if the motion exceeds one; stop when the queue is full */
	for (int i = 0; i < 4; i++) {
		if (!s->changed && !s->dx && !s->dy && !(s->dz && s->id != MOUSE_ID_STANDARD))
			break;
		if (ps2_queue_free(&s->common) < ps2_mouse_packet_size(s))
			break;
		ps2_mouse_send_packet(s, true);
	}
	if (s->id == MOUSE_ID_STANDARD)
		s->dz = 0;
	ps2_notify(&s->common);
}

static const struct input_handler_ops ps2_mouse_input_ops = {
	.name = "PS/2 mouse",
	.mask = INPUT_EVENT_MASK_BTN | INPUT_EVENT_MASK_REL,
	.event = ps2_mouse_input_event,
	.sync = ps2_mouse_input_sync,
};

uint8_t ps2_mouse_id(struct device *dev)
{
	return PS2_MOUSE(dev)->id;
}

static void ps2_mouse_instance_init(struct object *obj)
{
	PS2_DEVICE(obj)->write = ps2_mouse_write;
}

static bool ps2_mouse_realize(struct device *dev, GError **errp)
{
	struct ps2_mouse_state *s = PS2_MOUSE(dev);

	s->input = input_handler_register(&ps2_mouse_input_ops, s);
	return true;
}

static void ps2_mouse_unrealize(struct device *dev)
{
	struct ps2_mouse_state *s = PS2_MOUSE(dev);

	input_handler_unregister(s->input);
	s->input = NULL;
}

static void ps2_mouse_reset(struct device *dev)
{
	struct ps2_mouse_state *s = PS2_MOUSE(dev);

	ps2_queue_clear(&s->common);
	s->common.last_sent = 0;
	ps2_mouse_defaults(s);
	s->id = MOUSE_ID_STANDARD;
	memset(s->rates, 0, sizeof(s->rates));
	s->buttons = 0;
}

static const struct vmstate_field ps2_mouse_fields[] = {
	VMSTATE_PS2_QUEUE(struct ps2_mouse_state),
	VMSTATE_BOOL(struct ps2_mouse_state, enabled),
	VMSTATE_BOOL(struct ps2_mouse_state, remote),
	VMSTATE_BOOL(struct ps2_mouse_state, wrap),
	VMSTATE_BOOL(struct ps2_mouse_state, scale21),
	VMSTATE_U8(struct ps2_mouse_state, resolution),
	VMSTATE_U8(struct ps2_mouse_state, sample_rate),
	VMSTATE_U8(struct ps2_mouse_state, id),
	VMSTATE_U8(struct ps2_mouse_state, pending),
	VMSTATE_U8_ARRAY(struct ps2_mouse_state, rates, 3),
	VMSTATE_U8(struct ps2_mouse_state, buttons),
	VMSTATE_BOOL(struct ps2_mouse_state, changed),
	VMSTATE_I32(struct ps2_mouse_state, dx),
	VMSTATE_I32(struct ps2_mouse_state, dy),
	VMSTATE_I32(struct ps2_mouse_state, dz),
	VMSTATE_END
};

DEFINE_DEVICE_TYPE(ps2_mouse, TYPE_PS2_MOUSE, TYPE_PS2_DEVICE, struct ps2_mouse_state,
		   .instance_init = ps2_mouse_instance_init,
		   .realize = ps2_mouse_realize, .unrealize = ps2_mouse_unrealize,
		   .reset = ps2_mouse_reset, .vmstate = ps2_mouse_fields, .vmstate_version = 1,
		   .no_user = true, .desc = "PS/2 mouse (behind the i8042)",
		   .category = "input");

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the PS/2 keyboard and mouse share: the device's output queue and the
 * link to the controller ("ps2-device", abstract). Not here: the command
 * sets (ps2-kbd.c, ps2-mouse.c), the controller (i8042.c).
 *
 * The queue is the device's own buffer: the keyboard holds 16 bytes (IBM
 * PS/2 Hardware Interface Technical Reference, "Keyboard": "a 16-byte
 * buffer"); the mouse gets the same size. The controller takes bytes one
 * at a time, whenever its output buffer is empty.
 */
#include "kemu/common.h"
#include "hw/input/ps2.h"

void ps2_device_set_notify(struct device *dev, void (*notify)(void *opaque), void *opaque)
{
	struct ps2_state *s = PS2_DEVICE(dev);

	s->notify = notify;
	s->notify_opaque = opaque;
}

void ps2_device_write(struct device *dev, uint8_t byte)
{
	struct ps2_state *s = PS2_DEVICE(dev);

	s->write(s, byte);
}

static unsigned ps2_queue_count(const struct ps2_state *s)
{
	return MIN(s->queue_count, PS2_QUEUE_SIZE);	/* restored state is untrusted */
}

bool ps2_device_has_data(struct device *dev)
{
	return ps2_queue_count(PS2_DEVICE(dev)) > 0;
}

uint8_t ps2_device_read(struct device *dev)
{
	struct ps2_state *s = PS2_DEVICE(dev);
	unsigned count = ps2_queue_count(s);
	uint8_t byte;

	if (!count)
		return 0;
	byte = s->queue[s->queue_head % PS2_QUEUE_SIZE];
	s->queue_head = (s->queue_head + 1) % PS2_QUEUE_SIZE;
	s->queue_count = count - 1;
	s->last_sent = byte;
	return byte;
}

unsigned ps2_queue_free(const struct ps2_state *s)
{
	return PS2_QUEUE_SIZE - ps2_queue_count(s);
}

bool ps2_queue_bytes(struct ps2_state *s, const uint8_t *bytes, unsigned n)
{
	unsigned count = ps2_queue_count(s);

	if (n > PS2_QUEUE_SIZE - count)
		return false;
	for (unsigned i = 0; i < n; i++)
		s->queue[(s->queue_head + count + i) % PS2_QUEUE_SIZE] = bytes[i];
	s->queue_count = count + n;
	return true;
}

void ps2_queue_byte(struct ps2_state *s, uint8_t byte)
{
	if (!ps2_queue_bytes(s, &byte, 1))
		guest_error("%s: output queue full, reply 0x%02x dropped",
			    object_get_typename(OBJECT(s)), byte);
}

void ps2_queue_clear(struct ps2_state *s)
{
	s->queue_head = 0;
	s->queue_count = 0;
}

void ps2_notify(struct ps2_state *s)
{
	if (s->notify && ps2_queue_count(s))
		s->notify(s->notify_opaque);
}

DEFINE_DEVICE_TYPE(ps2_device, TYPE_PS2_DEVICE, TYPE_DEVICE, struct ps2_state,
		   .abstract = true, .no_user = true,
		   .desc = "PS/2 device (keyboard or mouse behind an i8042)");

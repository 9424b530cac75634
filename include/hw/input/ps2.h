/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PS/2 devices: "ps2-kbd" and "ps2-mouse", as a controller (the i8042)
 * sees them: a byte stream each way. The controller writes command and data
 * bytes with ps2_device_write(); the device answers into its own output
 * queue (16 bytes, as the keyboard's buffer in the IBM PS/2 reference) and
 * calls the controller's notify callback; the controller takes bytes with
 * ps2_device_read() when its output buffer is free:
 *
 *	struct device *kbd = device_new(TYPE_PS2_KBD);
 *	object_property_add_child(OBJECT(ctl), "ps2-kbd", OBJECT(kbd));
 *	device_realize(kbd, errp);
 *	ps2_device_set_notify(kbd, ctl_pull_bytes, ctl);
 *	...
 *	while (ps2_device_has_data(kbd)) ... ps2_device_read(kbd) ...
 *
 * The keyboard takes key events and the mouse button and relative motion
 * events from the input layer (include/ui/input.h). Scancode translation to
 * set 1 is the controller's job (input_set2_to_set1_byte()).
 */
#ifndef HW_INPUT_PS2_H
#define HW_INPUT_PS2_H

#include "hw/device.h"

#define TYPE_PS2_DEVICE "ps2-device"
#define TYPE_PS2_KBD "ps2-kbd"
#define TYPE_PS2_MOUSE "ps2-mouse"

#define PS2_QUEUE_SIZE 16

/* Replies common to both devices (IBM PS/2 reference, keyboard/mouse commands) */
#define PS2_REPLY_ACK		0xfa
#define PS2_REPLY_RESEND	0xfe
#define PS2_REPLY_BAT_OK	0xaa

/* The output queue and the controller link, shared by both devices. */
struct ps2_state {
	struct device parent;
	uint8_t queue[PS2_QUEUE_SIZE];
	uint8_t queue_head;
	uint8_t queue_count;
	uint8_t last_sent;		/* last byte the controller took, for resend (0xfe) */
	/* not state: set by the controller and the subclass */
	void (*notify)(void *opaque);
	void *notify_opaque;
	void (*write)(struct ps2_state *s, uint8_t byte);
};

#define PS2_DEVICE(obj) OBJECT_CHECK(struct ps2_state, (obj), TYPE_PS2_DEVICE)

void ps2_device_set_notify(struct device *dev, void (*notify)(void *opaque), void *opaque);
void ps2_device_write(struct device *dev, uint8_t byte);
bool ps2_device_has_data(struct device *dev);
/* The next byte of the output queue; 0 when empty (callers check first). */
uint8_t ps2_device_read(struct device *dev);

/* The keyboard's LED bits (0 scroll, 1 num, 2 caps lock), for front ends and tests. */
uint8_t ps2_kbd_leds(struct device *dev);
/* The mouse's identity: 0 standard, 3 IntelliMouse, 4 IntelliMouse Explorer. */
uint8_t ps2_mouse_id(struct device *dev);

/* For the devices themselves (hw/input/ps2*.c). */
unsigned ps2_queue_free(const struct ps2_state *s);
/* Queue bytes; false (and nothing queued) if they do not all fit. */
bool ps2_queue_bytes(struct ps2_state *s, const uint8_t *bytes, unsigned n);
void ps2_queue_byte(struct ps2_state *s, uint8_t byte);
void ps2_queue_clear(struct ps2_state *s);
/* Tell the controller that bytes are waiting. */
void ps2_notify(struct ps2_state *s);

#define VMSTATE_PS2_QUEUE(st)						\
	VMSTATE_U8_ARRAY(st, common.queue, PS2_QUEUE_SIZE),		\
	VMSTATE_U8(st, common.queue_head),				\
	VMSTATE_U8(st, common.queue_count),				\
	VMSTATE_U8(st, common.last_sent)

#endif

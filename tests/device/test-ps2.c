// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PS/2 keyboard and mouse through the i8042's ports (0x60/0x64, IRQ 1/12):
 * the command sets with their ACKs, scancode sets and translation, the
 * keyboard buffer's overrun, mouse packets and the wheel-mouse knocks, and
 * hostile byte streams. Key and motion events come from the input layer.
 */
#include "harness.h"
#include "hw/input/i8042.h"
#include "hw/input/ps2.h"
#include "ui/input.h"

#define DATA 0x60
#define CMD 0x64
#define STAT_OBF 0x01
#define STAT_AUX_OBF 0x20

static struct device *dev;

static void setup(void)
{
	harness_init();
	dev = harness_device_new("i8042");
	harness_realize(dev);
}

static void teardown(void)
{
	device_unrealize(dev);
	object_unref(OBJECT(dev));
}

static struct device *child(const char *name)
{
	return DEVICE(object_get_child(OBJECT(dev), name));
}

/* The next byte from the keyboard side (aux false) or the mouse; -1: none waiting. */
static int next_byte(bool aux)
{
	uint8_t st = inb(CMD);

	if (!(st & STAT_OBF))
		return -1;
	g_assert_cmpint(!!(st & STAT_AUX_OBF), ==, aux);
	return inb(DATA);
}

static void expect_bytes(bool aux, const uint8_t *want, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		g_assert_cmphex(next_byte(aux), ==, want[i]);
}
#define EXPECT_KBD(...) expect_bytes(false, (const uint8_t[]){ __VA_ARGS__ }, \
				     sizeof((const uint8_t[]){ __VA_ARGS__ }))
#define EXPECT_AUX(...) expect_bytes(true, (const uint8_t[]){ __VA_ARGS__ }, \
				     sizeof((const uint8_t[]){ __VA_ARGS__ }))

static void expect_empty(void)
{
	g_assert_cmphex(inb(CMD) & STAT_OBF, ==, 0);
}

static void set_command_byte(uint8_t v)
{
	outb(CMD, 0x60);
	outb(DATA, v);
}

static void kbd(uint8_t b)
{
	outb(DATA, b);
}

static void mouse(uint8_t b)
{
	outb(CMD, 0xd4);
	outb(DATA, b);
}

static void key(enum input_qcode q, bool down)
{
	input_event_key(q, down);
}

/* ---- keyboard ---- */

static void test_kbd_reset_answers_ack_then_bat_and_raises_irq1(void)
{
	setup();
	kbd(0xff);
	g_assert_cmpint(harness_isa_irq(1)->level, ==, 1);
	g_assert_cmpint(harness_isa_irq(12)->level, ==, 0);
	EXPECT_KBD(0xfa, 0xaa);
	expect_empty();
	g_assert_cmpint(harness_isa_irq(1)->level, ==, 0);
	teardown();
}

/* Each byte is a new interrupt: the line drops when the byte is read. */
static void test_kbd_every_byte_raises_irq1_again(void)
{
	struct irq_probe *irq1;

	setup();
	irq1 = harness_isa_irq(1);
	kbd(0xf2);
	g_assert_cmpint(irq1->raises, ==, 1);
	EXPECT_KBD(0xfa, 0xab, 0x83);
	g_assert_cmpint(irq1->raises, ==, 3);
	g_assert_cmpint(irq1->lowers, ==, 3);
	g_assert_cmpint(irq1->level, ==, 0);
	mouse(0xf2);
	EXPECT_AUX(0xfa, 0x00);
	g_assert_cmpint(harness_isa_irq(12)->raises, ==, 2);
	g_assert_cmpint(irq1->raises, ==, 3);
	teardown();
}

static void test_kbd_identify_is_ab83_and_ab41_translated(void)
{
	setup();
	kbd(0xf2);
	EXPECT_KBD(0xfa, 0xab, 0x83);
	set_command_byte(0x43);		/* translation on */
	kbd(0xf2);
	EXPECT_KBD(0xfa, 0xab, 0x41);
	expect_empty();
	teardown();
}

static void test_kbd_led_command_is_acked_twice_and_sets_leds(void)
{
	setup();
	kbd(0xed);
	EXPECT_KBD(0xfa);
	g_assert_cmpint(ps2_kbd_leds(child("ps2-kbd")), ==, 0);
	kbd(0x05);
	EXPECT_KBD(0xfa);
	g_assert_cmpint(ps2_kbd_leds(child("ps2-kbd")), ==, 5);
	/* a command where the LED byte was expected is a new command */
	kbd(0xed);
	EXPECT_KBD(0xfa);
	kbd(0xf2);
	EXPECT_KBD(0xfa, 0xab, 0x83);
	g_assert_cmpint(ps2_kbd_leds(child("ps2-kbd")), ==, 5);
	kbd(0xee);			/* echo: no ACK */
	EXPECT_KBD(0xee);
	expect_empty();
	teardown();
}

static void test_kbd_scancode_set_get_and_switch(void)
{
	setup();
	kbd(0xf0);
	kbd(0x00);
	EXPECT_KBD(0xfa, 0xfa, 0x02);	/* set 2 by default */
	key(INPUT_QCODE_A, true);
	key(INPUT_QCODE_A, false);
	EXPECT_KBD(0x1c, 0xf0, 0x1c);
	kbd(0xf0);
	kbd(0x01);
	EXPECT_KBD(0xfa, 0xfa);
	kbd(0xf0);
	kbd(0x00);
	EXPECT_KBD(0xfa, 0xfa, 0x01);
	key(INPUT_QCODE_A, true);
	key(INPUT_QCODE_A, false);
	key(INPUT_QCODE_DELETE, true);
	EXPECT_KBD(0x1e, 0x9e, 0xe0, 0x53);
	kbd(0xf0);
	kbd(0x03);
	EXPECT_KBD(0xfa, 0xfa);
	key(INPUT_QCODE_A, true);
	key(INPUT_QCODE_A, false);
	key(INPUT_QCODE_F1, true);
	key(INPUT_QCODE_LEFT, true);	/* set 3 has no E0 prefixes */
	EXPECT_KBD(0x1c, 0xf0, 0x1c, 0x07, 0x61);
	kbd(0xf0);
	kbd(0x07);			/* no such set */
	EXPECT_KBD(0xfa, 0xfe);
	kbd(0xf6);			/* defaults: set 2 again */
	kbd(0xf0);
	kbd(0x00);
	EXPECT_KBD(0xfa, 0xfa, 0xfa, 0x02);
	teardown();
}

static void test_kbd_translation_follows_the_command_byte(void)
{
	setup();
	set_command_byte(0x43);
	key(INPUT_QCODE_DELETE, true);
	key(INPUT_QCODE_DELETE, false);
	key(INPUT_QCODE_F7, true);
	EXPECT_KBD(0xe0, 0x53, 0xe0, 0xd3, 0x41);
	kbd(0xf0);
	kbd(0x00);
	EXPECT_KBD(0xfa, 0xfa, 0x41);	/* "set 2" as a translated byte */
	key(INPUT_QCODE_PAUSE, true);
	EXPECT_KBD(0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5);
	set_command_byte(0x03);		/* off: raw set 2 */
	key(INPUT_QCODE_DELETE, false);
	EXPECT_KBD(0xe0, 0xf0, 0x71);
	expect_empty();
	teardown();
}

static void test_kbd_full_buffer_ends_with_the_overrun_code(void)
{
	int n = 0, last = -1, b;

	setup();
	set_command_byte(0x43);
	outb(CMD, 0xad);		/* hold the bytes in the keyboard */
	for (int i = 0; i < 20; i++)
		key(INPUT_QCODE_A + (i % 10), true);
	outb(CMD, 0xae);
	while ((b = next_byte(false)) >= 0) {
		n++;
		last = b;
	}
	/* 12 key bytes fit beside the room kept for replies, then the overrun code */
	g_assert_cmpint(n, ==, 13);
	g_assert_cmphex(last, ==, 0xff);	/* set 2's 0x00, translated */
	key(INPUT_QCODE_A, false);	/* room again: keys flow */
	EXPECT_KBD(0x9e);
	kbd(0xf2);			/* replies still fit */
	EXPECT_KBD(0xfa, 0xab, 0x41);
	teardown();
}

static void test_kbd_disable_and_enable_scanning(void)
{
	setup();
	kbd(0xf5);
	EXPECT_KBD(0xfa);
	key(INPUT_QCODE_B, true);
	expect_empty();
	kbd(0xf4);
	EXPECT_KBD(0xfa);
	key(INPUT_QCODE_B, true);
	EXPECT_KBD(0x32);
	teardown();
}

static void test_kbd_resend_repeats_the_last_byte(void)
{
	setup();
	kbd(0xf2);
	EXPECT_KBD(0xfa, 0xab, 0x83);
	kbd(0xfe);
	EXPECT_KBD(0x83);
	kbd(0x42);			/* not a command */
	EXPECT_KBD(0xfe);
	teardown();
}

/* ---- mouse ---- */

static void mouse_enable(void)
{
	mouse(0xf4);
	EXPECT_AUX(0xfa);
}

static void test_mouse_reset_and_identify(void)
{
	setup();
	mouse(0xff);
	g_assert_cmpint(harness_isa_irq(12)->level, ==, 1);
	EXPECT_AUX(0xfa, 0xaa, 0x00);
	mouse(0xf2);
	EXPECT_AUX(0xfa, 0x00);
	expect_empty();
	teardown();
}

static void test_mouse_stream_packets_carry_signs_and_buttons(void)
{
	setup();
	input_event_rel(INPUT_AXIS_X, 5);
	input_event_sync();
	expect_empty();			/* reporting is off after reset */
	mouse_enable();
	input_event_rel(INPUT_AXIS_X, 5);
	input_event_rel(INPUT_AXIS_Y, -3);	/* up: positive for the mouse */
	input_event_sync();
	EXPECT_AUX(0x08, 0x05, 0x03);
	input_event_rel(INPUT_AXIS_X, -10);
	input_event_rel(INPUT_AXIS_Y, 4);
	input_event_btn(INPUT_BUTTON_LEFT, true);
	input_event_btn(INPUT_BUTTON_RIGHT, true);
	input_event_sync();
	EXPECT_AUX(0x08 | 0x10 | 0x20 | 0x03, 0xf6, 0xfc);
	input_event_btn(INPUT_BUTTON_RIGHT, false);
	input_event_sync();
	EXPECT_AUX(0x09, 0x00, 0x00);
	expect_empty();
	teardown();
}

static void test_mouse_big_motion_splits_into_packets_without_overflow(void)
{
	setup();
	mouse_enable();
	input_event_rel(INPUT_AXIS_X, 300);	/* 127 + 127 + 46, overflow bits clear */
	input_event_rel(INPUT_AXIS_Y, 130);	/* down: -127, -3 */
	input_event_sync();
	EXPECT_AUX(0x08 | 0x20, 0x7f, 0x81, 0x08 | 0x20, 0x7f, 0xfd, 0x08, 0x2e, 0x00);
	input_event_rel(INPUT_AXIS_X, -1000);	/* at most 4 packets a sync: the rest waits */
	input_event_sync();
	for (int i = 0; i < 4; i++)
		EXPECT_AUX(0x18, 0x81, 0x00);
	expect_empty();
	mouse(0xe7);			/* 2:1 scaling: 4 -> 6, 127 -> 254 (9 bits) */
	EXPECT_AUX(0xfa);
	mouse(0xf5);			/* disable clears the counts */
	EXPECT_AUX(0xfa);
	mouse_enable();
	input_event_rel(INPUT_AXIS_X, 4);
	input_event_rel(INPUT_AXIS_Y, -200);
	input_event_sync();
	EXPECT_AUX(0x08, 0x06, 0xfe, 0x08, 0x00, 0x92);	/* y: 127 -> 254, then 73 -> 146 */
	mouse(0xe9);			/* status: enabled, 2:1, resolution 2, 100/s */
	EXPECT_AUX(0xfa, 0x30, 0x02, 0x64);
	teardown();
}

static void knock(uint8_t a, uint8_t b, uint8_t c)
{
	const uint8_t rates[] = { a, b, c };

	for (int i = 0; i < 3; i++) {
		mouse(0xf3);
		mouse(rates[i]);
		EXPECT_AUX(0xfa, 0xfa);
	}
}

static void test_mouse_intellimouse_then_explorer_knocks(void)
{
	setup();
	knock(200, 200, 80);		/* Explorer knock first: still a plain mouse */
	mouse(0xf2);
	EXPECT_AUX(0xfa, 0x00);
	knock(200, 100, 80);
	mouse(0xf2);
	EXPECT_AUX(0xfa, 0x03);
	mouse_enable();
	input_event_btn(INPUT_BUTTON_WHEEL_DOWN, true);
	input_event_btn(INPUT_BUTTON_WHEEL_DOWN, false);
	input_event_sync();
	EXPECT_AUX(0x08, 0x00, 0x00, 0x01);
	knock(200, 200, 80);
	mouse(0xf2);
	EXPECT_AUX(0xfa, 0x04);
	g_assert_cmpint(ps2_mouse_id(child("ps2-mouse")), ==, 4);
	input_event_btn(INPUT_BUTTON_WHEEL_UP, true);
	input_event_btn(INPUT_BUTTON_SIDE, true);
	input_event_sync();
	EXPECT_AUX(0x08, 0x00, 0x00, 0x1f);	/* z = -1 in bits 0-3, button 4 */
	mouse(0xff);
	EXPECT_AUX(0xfa, 0xaa, 0x00);
	mouse(0xf2);
	EXPECT_AUX(0xfa, 0x00);
	teardown();
}

static void test_mouse_remote_mode_sends_only_on_read_data(void)
{
	setup();
	mouse(0xf0);
	EXPECT_AUX(0xfa);
	input_event_rel(INPUT_AXIS_X, 7);
	input_event_sync();
	expect_empty();
	mouse(0xeb);
	EXPECT_AUX(0xfa, 0x08, 0x07, 0x00);
	mouse(0xeb);			/* nothing moved: a packet anyway */
	EXPECT_AUX(0xfa, 0x08, 0x00, 0x00);
	mouse(0xe9);
	EXPECT_AUX(0xfa, 0x40, 0x02, 0x64);
	teardown();
}

static void test_mouse_wrap_mode_echoes(void)
{
	setup();
	mouse(0xee);
	EXPECT_AUX(0xfa);
	mouse(0x12);
	EXPECT_AUX(0x12);
	mouse(0xec);
	EXPECT_AUX(0xfa);
	mouse(0xe8);
	mouse(0x09);			/* resolution 9 does not exist */
	EXPECT_AUX(0xfa, 0xfe);
	teardown();
}

static void test_aux_disabled_holds_mouse_bytes(void)
{
	setup();
	outb(CMD, 0xa7);
	mouse(0xf2);
	expect_empty();
	outb(CMD, 0xa8);
	EXPECT_AUX(0xfa, 0x00);
	teardown();
}

/* ---- hostile ---- */

static void test_hostile_byte_streams_are_survived(void)
{
	setup();
	g_test_rand_int();
	for (int i = 0; i < 20000; i++) {
		uint32_t r = g_test_rand_int();

		switch (r % 8) {
		case 0: kbd(r >> 8); break;
		case 1: mouse(r >> 8); break;
		case 2: inb(DATA); break;
		case 3: key((r >> 8) % (INPUT_QCODE__MAX + 3), r & 0x100); break;
		case 4: input_event_rel((r >> 8) & 1, (int32_t)r >> 9); input_event_sync(); break;
		case 5: input_event_btn((r >> 8) % (INPUT_BUTTON__MAX + 2), r & 0x100); break;
		case 6: set_command_byte((r >> 8) & 0x77); break;
		case 7: inb(CMD); break;
		}
	}
	set_command_byte(0x03);
	while (inb(CMD) & STAT_OBF)
		inb(DATA);
	kbd(0xff);
	for (int i = 0; i < 40 && next_byte(false) != 0xaa; i++)
		;
	kbd(0xf2);
	EXPECT_KBD(0xfa, 0xab, 0x83);
	teardown();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define T(name) g_test_add_func("/ps2/" #name, test_##name)
	T(kbd_reset_answers_ack_then_bat_and_raises_irq1);
	T(kbd_every_byte_raises_irq1_again);
	T(kbd_identify_is_ab83_and_ab41_translated);
	T(kbd_led_command_is_acked_twice_and_sets_leds);
	T(kbd_scancode_set_get_and_switch);
	T(kbd_translation_follows_the_command_byte);
	T(kbd_full_buffer_ends_with_the_overrun_code);
	T(kbd_disable_and_enable_scanning);
	T(kbd_resend_repeats_the_last_byte);
	T(mouse_reset_and_identify);
	T(mouse_stream_packets_carry_signs_and_buttons);
	T(mouse_big_motion_splits_into_packets_without_overflow);
	T(mouse_intellimouse_then_explorer_knocks);
	T(mouse_remote_mode_sends_only_on_read_data);
	T(mouse_wrap_mode_echoes);
	T(aux_disabled_holds_mouse_bytes);
	T(hostile_byte_streams_are_survived);
	return g_test_run();
}

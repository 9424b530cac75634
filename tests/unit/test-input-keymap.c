// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The input layer's key tables (ui/input-keymap.c): QEMU 7.2's QKeyCode
 * names, set-1 and set-2 scancodes agreeing through the 8042 translation,
 * key numbers, button and axis names, and the handler routing (ui/input.c).
 */
#include "kemu/common.h"
#include "ui/input.h"

/* QKeyCode as Debian's QEMU 7.2 lists it in query-qmp-schema, in order */
static const char *const qemu72_qcodes[] = {
	"unmapped", "shift", "shift_r", "alt", "alt_r", "ctrl", "ctrl_r", "menu",
	"esc", "1", "2", "3", "4", "5", "6", "7",
	"8", "9", "0", "minus", "equal", "backspace", "tab", "q",
	"w", "e", "r", "t", "y", "u", "i", "o",
	"p", "bracket_left", "bracket_right", "ret", "a", "s", "d", "f",
	"g", "h", "j", "k", "l", "semicolon", "apostrophe", "grave_accent",
	"backslash", "z", "x", "c", "v", "b", "n", "m",
	"comma", "dot", "slash", "asterisk", "spc", "caps_lock", "f1", "f2",
	"f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10",
	"num_lock", "scroll_lock", "kp_divide", "kp_multiply", "kp_subtract", "kp_add", "kp_enter", "kp_decimal",
	"sysrq", "kp_0", "kp_1", "kp_2", "kp_3", "kp_4", "kp_5", "kp_6",
	"kp_7", "kp_8", "kp_9", "less", "f11", "f12", "print", "home",
	"pgup", "pgdn", "end", "left", "up", "down", "right", "insert",
	"delete", "stop", "again", "props", "undo", "front", "copy", "open",
	"paste", "find", "cut", "lf", "help", "meta_l", "meta_r", "compose",
	"pause", "ro", "hiragana", "henkan", "yen", "muhenkan", "katakanahiragana", "kp_comma",
	"kp_equals", "power", "sleep", "wake", "audionext", "audioprev", "audiostop", "audioplay",
	"audiomute", "volumeup", "volumedown", "mediaselect", "mail", "calculator", "computer", "ac_home",
	"ac_back", "ac_forward", "ac_refresh", "ac_bookmarks", "lang1", "lang2",
};

static void test_every_qemu72_qcode_name_maps_in_order(void)
{
	g_assert_cmpint(G_N_ELEMENTS(qemu72_qcodes), ==, INPUT_QCODE__MAX);
	for (unsigned i = 0; i < G_N_ELEMENTS(qemu72_qcodes); i++) {
		g_assert_cmpint(input_qcode_from_name(qemu72_qcodes[i]), ==, i);
		g_assert_cmpstr(input_qcode_name(i), ==, qemu72_qcodes[i]);
	}
	g_assert_cmpint(input_qcode_from_name("Ctrl"), ==, -1);
	g_assert_cmpint(input_qcode_from_name(""), ==, -1);
	g_assert_cmpstr(input_qcode_name(INPUT_QCODE__MAX + 5), ==, "unmapped");
}

static void test_set1_and_set2_agree_through_the_8042_translation(void)
{
	unsigned both = 0;

	for (int q = 1; q < INPUT_QCODE__MAX; q++) {
		uint16_t s1 = input_qcode_to_set1(q), s2 = input_qcode_to_set2(q);

		g_assert_cmpint(!s1, ==, !s2);		/* a key has both or neither */
		if (!s1)
			continue;
		both++;
		g_assert_cmphex(s1 >> 8, ==, s2 >> 8);	/* E0 prefix in both or neither */
		g_assert_cmphex(s1 & 0xff, <, 0x80);	/* set-1 makes have bit 7 clear */
		g_assert_cmphex(input_set2_to_set1_byte(s2 & 0xff), ==, s1 & 0xff);
	}
	g_assert_cmpint(both, >=, 130);
	/* anchors from the PS/2 reference */
	g_assert_cmphex(input_qcode_to_set1(INPUT_QCODE_A), ==, 0x1e);
	g_assert_cmphex(input_qcode_to_set2(INPUT_QCODE_A), ==, 0x1c);
	g_assert_cmphex(input_qcode_to_set2(INPUT_QCODE_F7), ==, 0x83);
	g_assert_cmphex(input_qcode_to_set1(INPUT_QCODE_DELETE), ==, 0xe053);
	g_assert_cmphex(input_qcode_to_set2(INPUT_QCODE_KP_ENTER), ==, 0xe05a);
	g_assert_cmphex(input_set2_to_set1_byte(0x00), ==, 0xff);	/* overrun */
	g_assert_cmphex(input_set2_to_set1_byte(0xfa), ==, 0xfa);	/* ACK passes */
}

static void test_set1_codes_are_unique_but_the_two_asterisks(void)
{
	for (int a = 1; a < INPUT_QCODE__MAX; a++)
		for (int b = a + 1; b < INPUT_QCODE__MAX; b++) {
			if (!input_qcode_to_set1(a) || input_qcode_to_set1(a) != input_qcode_to_set1(b))
				continue;
			g_assert_cmpint(a, ==, INPUT_QCODE_ASTERISK);
			g_assert_cmpint(b, ==, INPUT_QCODE_KP_MULTIPLY);
		}
}

/* What an 8042 with translation on makes of set-2 bytes. */
static unsigned translate(const uint8_t *in, unsigned n, uint8_t *out)
{
	unsigned m = 0;
	bool brk = false;

	for (unsigned i = 0; i < n; i++) {
		if (in[i] == 0xf0) {
			brk = true;
			continue;
		}
		out[m++] = input_set2_to_set1_byte(in[i]) | (brk ? 0x80 : 0);
		brk = false;
	}
	return m;
}

static void test_every_sequence_translates_to_its_set1_sequence(void)
{
	static const unsigned mods[] = { 0, INPUT_MOD_SHIFT, INPUT_MOD_CTRL, INPUT_MOD_ALT };

	for (int q = 1; q < INPUT_QCODE__MAX; q++)
		for (unsigned m = 0; m < G_N_ELEMENTS(mods); m++)
			for (int down = 0; down < 2; down++) {
				uint8_t s1[INPUT_SCANCODES_MAX], s2[INPUT_SCANCODES_MAX], t[INPUT_SCANCODES_MAX];
				unsigned n1 = input_qcode_to_scancodes(q, down, 1, mods[m], s1);
				unsigned n2 = input_qcode_to_scancodes(q, down, 2, mods[m], s2);
				unsigned nt = translate(s2, n2, t);

				g_assert_cmpuint(n1, <=, INPUT_SCANCODES_MAX);
				g_assert_cmpuint(n2, <=, INPUT_SCANCODES_MAX);
				g_assert_cmpuint(nt, ==, n1);
				g_assert_cmpmem(t, nt, s1, n1);
			}
}

static void expect_seq(enum input_qcode q, bool down, int set, unsigned mods,
		       const uint8_t *want, unsigned n)
{
	uint8_t got[INPUT_SCANCODES_MAX];
	unsigned len = input_qcode_to_scancodes(q, down, set, mods, got);

	g_assert_cmpmem(got, len, want, n);
}

static void test_pause_and_print_screen_sequences(void)
{
	expect_seq(INPUT_QCODE_PAUSE, true, 2, 0,
		   (const uint8_t[]){ 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77 }, 8);
	expect_seq(INPUT_QCODE_PAUSE, false, 2, 0, NULL, 0);	/* no break code */
	expect_seq(INPUT_QCODE_PAUSE, true, 1, INPUT_MOD_CTRL, (const uint8_t[]){ 0xe0, 0x46 }, 2);
	expect_seq(INPUT_QCODE_PRINT, true, 2, 0, (const uint8_t[]){ 0xe0, 0x12, 0xe0, 0x7c }, 4);
	expect_seq(INPUT_QCODE_PRINT, false, 2, 0,
		   (const uint8_t[]){ 0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12 }, 6);
	expect_seq(INPUT_QCODE_PRINT, true, 1, INPUT_MOD_SHIFT, (const uint8_t[]){ 0xe0, 0x37 }, 2);
	expect_seq(INPUT_QCODE_PRINT, false, 1, INPUT_MOD_ALT, (const uint8_t[]){ 0xd4 }, 1);
	expect_seq(INPUT_QCODE_SYSRQ, true, 1, 0, (const uint8_t[]){ 0xe0, 0x2a, 0xe0, 0x37 }, 4);
	expect_seq(INPUT_QCODE_PAUSE, true, 3, INPUT_MOD_CTRL, (const uint8_t[]){ 0x62 }, 1);
	expect_seq(INPUT_QCODE_PAUSE, false, 3, 0, (const uint8_t[]){ 0xf0, 0x62 }, 2);
	expect_seq(INPUT_QCODE_A, true, 4, 0, NULL, 0);		/* no set 4 */
	expect_seq(INPUT_QCODE__MAX, true, 1, 0, NULL, 0);
	expect_seq(INPUT_QCODE_MENU, true, 2, 0, NULL, 0);	/* no code, as in QEMU 7.2 */
}

/* Set 3: one byte per key, F0 before it on release, never a prefix. */
static void test_set3_is_one_byte_make_and_f0_break(void)
{
	unsigned keys = 0;

	for (int q = 1; q < INPUT_QCODE__MAX; q++) {
		uint8_t make[INPUT_SCANCODES_MAX], brk[INPUT_SCANCODES_MAX];
		unsigned nm = input_qcode_to_scancodes(q, true, 3, INPUT_MOD_SHIFT, make);
		unsigned nb = input_qcode_to_scancodes(q, false, 3, 0, brk);

		if (!input_qcode_to_set3(q)) {
			g_assert_cmpuint(nm + nb, ==, 0);
			continue;
		}
		keys++;
		g_assert_cmpuint(nm, ==, 1);
		g_assert_cmpuint(nb, ==, 2);
		g_assert_cmphex(make[0], ==, input_qcode_to_set3(q));
		g_assert_cmphex(make[0], !=, 0xe0);
		g_assert_cmphex(make[0], !=, 0xf0);
		g_assert_cmphex(brk[0], ==, 0xf0);
		g_assert_cmphex(brk[1], ==, make[0]);
	}
	g_assert_cmpuint(keys, >=, 120);
	/* anchors from the PS/2 reference: letters as in set 2, F1 07, Esc 08 */
	g_assert_cmphex(input_qcode_to_set3(INPUT_QCODE_A), ==, 0x1c);
	g_assert_cmphex(input_qcode_to_set3(INPUT_QCODE_F1), ==, 0x07);
	g_assert_cmphex(input_qcode_to_set3(INPUT_QCODE_ESC), ==, 0x08);
	g_assert_cmphex(input_qcode_to_set3(INPUT_QCODE_CTRL_R), ==, 0x58);
}

static void test_key_numbers_are_set1_codes_with_0x80_for_e0(void)
{
	g_assert_cmpuint(input_qcode_to_number(INPUT_QCODE_CTRL), ==, 0x1d);
	g_assert_cmpuint(input_qcode_to_number(INPUT_QCODE_CTRL_R), ==, 0x9d);
	g_assert_cmpint(input_qcode_from_number(0x1e), ==, INPUT_QCODE_A);
	g_assert_cmpint(input_qcode_from_number(0xd3), ==, INPUT_QCODE_DELETE);
	g_assert_cmpint(input_qcode_from_number(0), ==, INPUT_QCODE_UNMAPPED);
	g_assert_cmpint(input_qcode_from_number(0x1ff), ==, INPUT_QCODE_UNMAPPED);
	for (int q = 1; q < INPUT_QCODE__MAX; q++) {
		if (!input_qcode_to_set1(q))
			continue;
		enum input_qcode back = input_qcode_from_number(input_qcode_to_number(q));
		g_assert_cmphex(input_qcode_to_set1(back), ==, input_qcode_to_set1(q));
	}
}

static void test_button_and_axis_names_are_qemus(void)
{
	g_assert_cmpint(input_button_from_name("left"), ==, INPUT_BUTTON_LEFT);
	g_assert_cmpint(input_button_from_name("wheel-down"), ==, INPUT_BUTTON_WHEEL_DOWN);
	g_assert_cmpint(input_button_from_name("extra"), ==, INPUT_BUTTON_EXTRA);
	g_assert_cmpint(input_button_from_name("wheel_up"), ==, -1);
	g_assert_cmpint(input_axis_from_name("y"), ==, INPUT_AXIS_Y);
	g_assert_cmpint(input_axis_from_name("z"), ==, -1);
}

struct recorder {
	int keys, moves, syncs;
	enum input_qcode last;
};

static void record_event(void *opaque, const struct input_event *ev)
{
	struct recorder *r = opaque;

	if (ev->kind == INPUT_EVENT_KEY) {
		r->keys++;
		r->last = ev->key.qcode;
	} else {
		r->moves++;
	}
}

static void record_sync(void *opaque)
{
	((struct recorder *)opaque)->syncs++;
}

static void test_events_go_to_the_newest_handler_of_their_kind(void)
{
	static const struct input_handler_ops kbd_ops = {
		.name = "k", .mask = INPUT_EVENT_MASK_KEY, .event = record_event, .sync = record_sync,
	};
	static const struct input_handler_ops mouse_ops = {
		.name = "m", .mask = INPUT_EVENT_MASK_REL | INPUT_EVENT_MASK_BTN,
		.event = record_event, .sync = record_sync,
	};
	struct recorder k1 = { 0 }, k2 = { 0 }, m = { 0 };
	struct input_handler *hk1, *hk2, *hm;

	g_assert_false(input_has_handler(INPUT_EVENT_MASK_KEY));
	input_event_key(INPUT_QCODE_A, true);		/* nobody: dropped */
	hk1 = input_handler_register(&kbd_ops, &k1);
	hm = input_handler_register(&mouse_ops, &m);
	hk2 = input_handler_register(&kbd_ops, &k2);
	input_event_key(INPUT_QCODE_B, true);
	input_event_rel(INPUT_AXIS_X, 3);
	input_event_sync();
	g_assert_cmpint(k2.keys, ==, 1);
	g_assert_cmpint(k1.keys, ==, 0);
	g_assert_cmpint(m.moves, ==, 1);
	g_assert_cmpint(m.syncs, ==, 1);
	input_event_sync();				/* nothing new: no second sync */
	g_assert_cmpint(m.syncs, ==, 1);
	input_handler_activate(hk1);
	input_event_key(INPUT_QCODE_C, true);
	g_assert_cmpint(k1.keys, ==, 1);
	g_assert_false(input_has_handler(INPUT_EVENT_MASK_ABS));
	input_handler_unregister(hk1);
	input_event_key(INPUT_QCODE_D, true);
	g_assert_cmpint(k2.last, ==, INPUT_QCODE_D);
	input_handler_unregister(hk2);
	input_handler_unregister(hm);
	g_assert_false(input_has_handler(INPUT_EVENT_MASK_KEY | INPUT_EVENT_MASK_REL));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define T(name) g_test_add_func("/input-keymap/" #name, test_##name)
	T(every_qemu72_qcode_name_maps_in_order);
	T(set1_and_set2_agree_through_the_8042_translation);
	T(set1_codes_are_unique_but_the_two_asterisks);
	T(every_sequence_translates_to_its_set1_sequence);
	T(pause_and_print_screen_sequences);
	T(set3_is_one_byte_make_and_f0_break);
	T(key_numbers_are_set1_codes_with_0x80_for_e0);
	T(button_and_axis_names_are_qemus);
	T(events_go_to_the_newest_handler_of_their_kind);
	return g_test_run();
}

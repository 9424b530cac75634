// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Key tables: QEMU's QKeyCode names, their PS/2 scancodes in sets 1 and 2,
 * the i8042's set-2-to-set-1 translation, and QEMU's button and axis names.
 *
 * Scancodes are from the PS/2 keyboard references (IBM "Keyboard and
 * Auxiliary Device Controller" technical reference; Microsoft's "Keyboard
 * Scan Code Specification" rev. 1.3a, appendix C, for the E0-prefixed
 * Windows, power and multimedia keys) and were checked key by key against
 * what Debian's QEMU 7.2 delivers to a guest (tests/guests/kbd.c). Keys that
 * QEMU 7.2 gives no set-1/2 code (menu, again, props, undo, front, copy,
 * open, paste, find, cut, lf, help, lang1, lang2) have none here either.
 * Set 3 (IBM PS/2 reference, scan code set 3: one byte per key, F0 before a
 * break, no prefixes) follows what QEMU 7.2 sends, keys included, so that a
 * guest in set 3 sees the same bytes under both; QEMU gives some keypad keys
 * their main-block twins' codes (kp_subtract = minus, kp_divide = slash).
 */
#include "kemu/common.h"
#include "ui/input.h"

struct input_key {
	const char *name;	/* QKeyCode */
	uint16_t set1, set2;	/* 0xe0xx: E0-prefixed; 0: none */
	uint8_t set3;		/* set 3 has no prefixes; 0: none */
};

static const struct input_key input_keys[INPUT_QCODE__MAX] = {
	[INPUT_QCODE_UNMAPPED] = { "unmapped", 0, 0, 0 },
	[INPUT_QCODE_SHIFT] = { "shift", 0x002a, 0x0012, 0x12 },
	[INPUT_QCODE_SHIFT_R] = { "shift_r", 0x0036, 0x0059, 0x59 },
	[INPUT_QCODE_ALT] = { "alt", 0x0038, 0x0011, 0x19 },
	[INPUT_QCODE_ALT_R] = { "alt_r", 0xe038, 0xe011, 0x39 },
	[INPUT_QCODE_CTRL] = { "ctrl", 0x001d, 0x0014, 0x11 },
	[INPUT_QCODE_CTRL_R] = { "ctrl_r", 0xe01d, 0xe014, 0x58 },
	[INPUT_QCODE_MENU] = { "menu", 0, 0, 0x91 },
	[INPUT_QCODE_ESC] = { "esc", 0x0001, 0x0076, 0x08 },
	[INPUT_QCODE_1] = { "1", 0x0002, 0x0016, 0x16 },
	[INPUT_QCODE_2] = { "2", 0x0003, 0x001e, 0x1e },
	[INPUT_QCODE_3] = { "3", 0x0004, 0x0026, 0x26 },
	[INPUT_QCODE_4] = { "4", 0x0005, 0x0025, 0x25 },
	[INPUT_QCODE_5] = { "5", 0x0006, 0x002e, 0x2e },
	[INPUT_QCODE_6] = { "6", 0x0007, 0x0036, 0x36 },
	[INPUT_QCODE_7] = { "7", 0x0008, 0x003d, 0x3d },
	[INPUT_QCODE_8] = { "8", 0x0009, 0x003e, 0x3e },
	[INPUT_QCODE_9] = { "9", 0x000a, 0x0046, 0x46 },
	[INPUT_QCODE_0] = { "0", 0x000b, 0x0045, 0x45 },
	[INPUT_QCODE_MINUS] = { "minus", 0x000c, 0x004e, 0x4e },
	[INPUT_QCODE_EQUAL] = { "equal", 0x000d, 0x0055, 0x55 },
	[INPUT_QCODE_BACKSPACE] = { "backspace", 0x000e, 0x0066, 0x66 },
	[INPUT_QCODE_TAB] = { "tab", 0x000f, 0x000d, 0x0d },
	[INPUT_QCODE_Q] = { "q", 0x0010, 0x0015, 0x15 },
	[INPUT_QCODE_W] = { "w", 0x0011, 0x001d, 0x1d },
	[INPUT_QCODE_E] = { "e", 0x0012, 0x0024, 0x24 },
	[INPUT_QCODE_R] = { "r", 0x0013, 0x002d, 0x2d },
	[INPUT_QCODE_T] = { "t", 0x0014, 0x002c, 0x2c },
	[INPUT_QCODE_Y] = { "y", 0x0015, 0x0035, 0x35 },
	[INPUT_QCODE_U] = { "u", 0x0016, 0x003c, 0x3c },
	[INPUT_QCODE_I] = { "i", 0x0017, 0x0043, 0x43 },
	[INPUT_QCODE_O] = { "o", 0x0018, 0x0044, 0x44 },
	[INPUT_QCODE_P] = { "p", 0x0019, 0x004d, 0x4d },
	[INPUT_QCODE_BRACKET_LEFT] = { "bracket_left", 0x001a, 0x0054, 0x54 },
	[INPUT_QCODE_BRACKET_RIGHT] = { "bracket_right", 0x001b, 0x005b, 0x5b },
	[INPUT_QCODE_RET] = { "ret", 0x001c, 0x005a, 0x5a },
	[INPUT_QCODE_A] = { "a", 0x001e, 0x001c, 0x1c },
	[INPUT_QCODE_S] = { "s", 0x001f, 0x001b, 0x1b },
	[INPUT_QCODE_D] = { "d", 0x0020, 0x0023, 0x23 },
	[INPUT_QCODE_F] = { "f", 0x0021, 0x002b, 0x2b },
	[INPUT_QCODE_G] = { "g", 0x0022, 0x0034, 0x34 },
	[INPUT_QCODE_H] = { "h", 0x0023, 0x0033, 0x33 },
	[INPUT_QCODE_J] = { "j", 0x0024, 0x003b, 0x3b },
	[INPUT_QCODE_K] = { "k", 0x0025, 0x0042, 0x42 },
	[INPUT_QCODE_L] = { "l", 0x0026, 0x004b, 0x4b },
	[INPUT_QCODE_SEMICOLON] = { "semicolon", 0x0027, 0x004c, 0x4c },
	[INPUT_QCODE_APOSTROPHE] = { "apostrophe", 0x0028, 0x0052, 0x52 },
	[INPUT_QCODE_GRAVE_ACCENT] = { "grave_accent", 0x0029, 0x000e, 0x0e },
	[INPUT_QCODE_BACKSLASH] = { "backslash", 0x002b, 0x005d, 0x5c },
	[INPUT_QCODE_Z] = { "z", 0x002c, 0x001a, 0x1a },
	[INPUT_QCODE_X] = { "x", 0x002d, 0x0022, 0x22 },
	[INPUT_QCODE_C] = { "c", 0x002e, 0x0021, 0x21 },
	[INPUT_QCODE_V] = { "v", 0x002f, 0x002a, 0x2a },
	[INPUT_QCODE_B] = { "b", 0x0030, 0x0032, 0x32 },
	[INPUT_QCODE_N] = { "n", 0x0031, 0x0031, 0x31 },
	[INPUT_QCODE_M] = { "m", 0x0032, 0x003a, 0x3a },
	[INPUT_QCODE_COMMA] = { "comma", 0x0033, 0x0041, 0x41 },
	[INPUT_QCODE_DOT] = { "dot", 0x0034, 0x0049, 0x49 },
	[INPUT_QCODE_SLASH] = { "slash", 0x0035, 0x004a, 0x4a },
	[INPUT_QCODE_ASTERISK] = { "asterisk", 0x0037, 0x007c, 0x7e },
	[INPUT_QCODE_SPC] = { "spc", 0x0039, 0x0029, 0x29 },
	[INPUT_QCODE_CAPS_LOCK] = { "caps_lock", 0x003a, 0x0058, 0x14 },
	[INPUT_QCODE_F1] = { "f1", 0x003b, 0x0005, 0x07 },
	[INPUT_QCODE_F2] = { "f2", 0x003c, 0x0006, 0x0f },
	[INPUT_QCODE_F3] = { "f3", 0x003d, 0x0004, 0x17 },
	[INPUT_QCODE_F4] = { "f4", 0x003e, 0x000c, 0x1f },
	[INPUT_QCODE_F5] = { "f5", 0x003f, 0x0003, 0x27 },
	[INPUT_QCODE_F6] = { "f6", 0x0040, 0x000b, 0x2f },
	[INPUT_QCODE_F7] = { "f7", 0x0041, 0x0083, 0x37 },
	[INPUT_QCODE_F8] = { "f8", 0x0042, 0x000a, 0x3f },
	[INPUT_QCODE_F9] = { "f9", 0x0043, 0x0001, 0x47 },
	[INPUT_QCODE_F10] = { "f10", 0x0044, 0x0009, 0x4f },
	[INPUT_QCODE_NUM_LOCK] = { "num_lock", 0x0045, 0x0077, 0x76 },
	[INPUT_QCODE_SCROLL_LOCK] = { "scroll_lock", 0x0046, 0x007e, 0x5f },
	[INPUT_QCODE_KP_DIVIDE] = { "kp_divide", 0xe035, 0xe04a, 0x4a },
	[INPUT_QCODE_KP_MULTIPLY] = { "kp_multiply", 0x0037, 0x007c, 0x7e },
	[INPUT_QCODE_KP_SUBTRACT] = { "kp_subtract", 0x004a, 0x007b, 0x4e },
	[INPUT_QCODE_KP_ADD] = { "kp_add", 0x004e, 0x0079, 0x7c },
	[INPUT_QCODE_KP_ENTER] = { "kp_enter", 0xe01c, 0xe05a, 0x79 },
	[INPUT_QCODE_KP_DECIMAL] = { "kp_decimal", 0x0053, 0x0071, 0x71 },
	[INPUT_QCODE_SYSRQ] = { "sysrq", 0x0054, 0x0084, 0x57 },
	[INPUT_QCODE_KP_0] = { "kp_0", 0x0052, 0x0070, 0x70 },
	[INPUT_QCODE_KP_1] = { "kp_1", 0x004f, 0x0069, 0x69 },
	[INPUT_QCODE_KP_2] = { "kp_2", 0x0050, 0x0072, 0x72 },
	[INPUT_QCODE_KP_3] = { "kp_3", 0x0051, 0x007a, 0x7a },
	[INPUT_QCODE_KP_4] = { "kp_4", 0x004b, 0x006b, 0x6b },
	[INPUT_QCODE_KP_5] = { "kp_5", 0x004c, 0x0073, 0x73 },
	[INPUT_QCODE_KP_6] = { "kp_6", 0x004d, 0x0074, 0x74 },
	[INPUT_QCODE_KP_7] = { "kp_7", 0x0047, 0x006c, 0x6c },
	[INPUT_QCODE_KP_8] = { "kp_8", 0x0048, 0x0075, 0x75 },
	[INPUT_QCODE_KP_9] = { "kp_9", 0x0049, 0x007d, 0x7d },
	[INPUT_QCODE_LESS] = { "less", 0x0056, 0x0061, 0x13 },
	[INPUT_QCODE_F11] = { "f11", 0x0057, 0x0078, 0x56 },
	[INPUT_QCODE_F12] = { "f12", 0x0058, 0x0007, 0x5e },
	[INPUT_QCODE_PRINT] = { "print", 0xe037, 0xe07c, 0x57 },
	[INPUT_QCODE_HOME] = { "home", 0xe047, 0xe06c, 0x6e },
	[INPUT_QCODE_PGUP] = { "pgup", 0xe049, 0xe07d, 0x6f },
	[INPUT_QCODE_PGDN] = { "pgdn", 0xe051, 0xe07a, 0x6d },
	[INPUT_QCODE_END] = { "end", 0xe04f, 0xe069, 0x65 },
	[INPUT_QCODE_LEFT] = { "left", 0xe04b, 0xe06b, 0x61 },
	[INPUT_QCODE_UP] = { "up", 0xe048, 0xe075, 0x63 },
	[INPUT_QCODE_DOWN] = { "down", 0xe050, 0xe072, 0x60 },
	[INPUT_QCODE_RIGHT] = { "right", 0xe04d, 0xe074, 0x6a },
	[INPUT_QCODE_INSERT] = { "insert", 0xe052, 0xe070, 0x67 },
	[INPUT_QCODE_DELETE] = { "delete", 0xe053, 0xe071, 0x64 },
	[INPUT_QCODE_STOP] = { "stop", 0xe068, 0xe028, 0x0a },
	[INPUT_QCODE_AGAIN] = { "again", 0, 0, 0x0b },
	[INPUT_QCODE_PROPS] = { "props", 0, 0, 0x0c },
	[INPUT_QCODE_UNDO] = { "undo", 0, 0, 0x10 },
	[INPUT_QCODE_FRONT] = { "front", 0, 0, 0 },
	[INPUT_QCODE_COPY] = { "copy", 0, 0, 0x18 },
	[INPUT_QCODE_OPEN] = { "open", 0, 0, 0x20 },
	[INPUT_QCODE_PASTE] = { "paste", 0, 0, 0x28 },
	[INPUT_QCODE_FIND] = { "find", 0, 0, 0x30 },
	[INPUT_QCODE_CUT] = { "cut", 0, 0, 0x38 },
	[INPUT_QCODE_LF] = { "lf", 0, 0, 0 },
	[INPUT_QCODE_HELP] = { "help", 0, 0, 0x09 },
	[INPUT_QCODE_META_L] = { "meta_l", 0xe05b, 0xe01f, 0x8b },
	[INPUT_QCODE_META_R] = { "meta_r", 0xe05c, 0xe027, 0x8c },
	[INPUT_QCODE_COMPOSE] = { "compose", 0xe05d, 0xe02f, 0x8d },
	[INPUT_QCODE_PAUSE] = { "pause", 0xe046, 0xe07e, 0x62 },
	[INPUT_QCODE_RO] = { "ro", 0x0073, 0x0051, 0 },
	[INPUT_QCODE_HIRAGANA] = { "hiragana", 0x0077, 0x0062, 0x87 },
	[INPUT_QCODE_HENKAN] = { "henkan", 0x0079, 0x0064, 0x86 },
	[INPUT_QCODE_YEN] = { "yen", 0x007d, 0x006a, 0x5d },
	[INPUT_QCODE_MUHENKAN] = { "muhenkan", 0x007b, 0x0067, 0x85 },
	[INPUT_QCODE_KATAKANAHIRAGANA] = { "katakanahiragana", 0x0070, 0x0013, 0x87 },
	[INPUT_QCODE_KP_COMMA] = { "kp_comma", 0x007e, 0x006d, 0 },
	[INPUT_QCODE_KP_EQUALS] = { "kp_equals", 0x0059, 0x000f, 0 },
	[INPUT_QCODE_POWER] = { "power", 0xe05e, 0xe037, 0 },
	[INPUT_QCODE_SLEEP] = { "sleep", 0xe05f, 0xe03f, 0 },
	[INPUT_QCODE_WAKE] = { "wake", 0xe063, 0xe05e, 0 },
	[INPUT_QCODE_AUDIONEXT] = { "audionext", 0xe019, 0xe04d, 0x93 },
	[INPUT_QCODE_AUDIOPREV] = { "audioprev", 0xe010, 0xe015, 0x94 },
	[INPUT_QCODE_AUDIOSTOP] = { "audiostop", 0xe024, 0xe03b, 0x98 },
	[INPUT_QCODE_AUDIOPLAY] = { "audioplay", 0xe022, 0xe034, 0 },
	[INPUT_QCODE_AUDIOMUTE] = { "audiomute", 0xe020, 0xe023, 0x9c },
	[INPUT_QCODE_VOLUMEUP] = { "volumeup", 0xe030, 0xe032, 0x95 },
	[INPUT_QCODE_VOLUMEDOWN] = { "volumedown", 0xe02e, 0xe021, 0x9d },
	[INPUT_QCODE_MEDIASELECT] = { "mediaselect", 0xe06d, 0xe050, 0 },
	[INPUT_QCODE_MAIL] = { "mail", 0xe06c, 0xe048, 0 },
	[INPUT_QCODE_CALCULATOR] = { "calculator", 0xe021, 0xe02b, 0xa3 },
	[INPUT_QCODE_COMPUTER] = { "computer", 0xe06b, 0xe040, 0 },
	[INPUT_QCODE_AC_HOME] = { "ac_home", 0xe032, 0xe03a, 0x97 },
	[INPUT_QCODE_AC_BACK] = { "ac_back", 0xe06a, 0xe038, 0 },
	[INPUT_QCODE_AC_FORWARD] = { "ac_forward", 0xe069, 0xe030, 0 },
	[INPUT_QCODE_AC_REFRESH] = { "ac_refresh", 0xe067, 0xe020, 0 },
	[INPUT_QCODE_AC_BOOKMARKS] = { "ac_bookmarks", 0xe066, 0xe018, 0 },
	[INPUT_QCODE_LANG1] = { "lang1", 0, 0, 0 },
	[INPUT_QCODE_LANG2] = { "lang2", 0, 0, 0 },
};

/*
 * The 8042's translation of keyboard bytes to set 1 for codes 0x00..0x7f
 * (IBM PC/AT technical reference, keyboard controller): entry [set-2 code]
 * is the set-1 code. 0x00 is the set-2 overrun code; set 1's is 0xff. 0x02
 * (no key) becomes 0x41, which is how a translated "get scancode set" answer
 * says "set 2" (set 1 and 3 give 0x43 and 0x3f, F9's and F5's codes). Other
 * codes no key of ours sends pass unchanged.
 */
static const uint8_t i8042_translation[128] = {
	0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58,
	0x08, 0x44, 0x42, 0x40, 0x3e, 0x0f, 0x29, 0x59,
	0x10, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x17,
	0x66, 0x19, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b,
	0x67, 0x2e, 0x2d, 0x20, 0x12, 0x05, 0x04, 0x5c,
	0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d,
	0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e,
	0x6a, 0x39, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5f,
	0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x47,
	0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x4f,
	0x6d, 0x73, 0x28, 0x53, 0x1a, 0x0d, 0x56, 0x57,
	0x3a, 0x36, 0x1c, 0x1b, 0x5c, 0x2b, 0x63, 0x5f,
	0x60, 0x56, 0x77, 0x63, 0x79, 0x65, 0x0e, 0x7b,
	0x68, 0x4f, 0x7d, 0x4b, 0x47, 0x7e, 0x6e, 0x6f,
	0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45,
	0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x7f,
};

uint8_t input_set2_to_set1_byte(uint8_t byte)
{
	if (byte < 0x80)
		return i8042_translation[byte];
	if (byte == 0x83)		/* F7, the only set-2 key code above 0x7f */
		return 0x41;
	if (byte == 0x84)		/* Alt+SysRq */
		return 0x54;
	return byte;
}

int input_qcode_from_name(const char *name)
{
	for (int i = 0; i < INPUT_QCODE__MAX; i++)
		if (!strcmp(input_keys[i].name, name))
			return i;
	return -1;
}

const char *input_qcode_name(enum input_qcode qcode)
{
	return (unsigned)qcode < INPUT_QCODE__MAX ? input_keys[qcode].name : "unmapped";
}

uint16_t input_qcode_to_set1(enum input_qcode qcode)
{
	return (unsigned)qcode < INPUT_QCODE__MAX ? input_keys[qcode].set1 : 0;
}

uint16_t input_qcode_to_set2(enum input_qcode qcode)
{
	return (unsigned)qcode < INPUT_QCODE__MAX ? input_keys[qcode].set2 : 0;
}

uint8_t input_qcode_to_set3(enum input_qcode qcode)
{
	return (unsigned)qcode < INPUT_QCODE__MAX ? input_keys[qcode].set3 : 0;
}

unsigned input_qcode_to_number(enum input_qcode qcode)
{
	uint16_t code = input_qcode_to_set1(qcode);

	return (code & 0x7f) | (code >> 8 == 0xe0 ? 0x80 : 0);
}

enum input_qcode input_qcode_from_number(unsigned number)
{
	if (number == 0 || number > 0xff)
		return INPUT_QCODE_UNMAPPED;
	for (int i = 1; i < INPUT_QCODE__MAX; i++)
		if (input_keys[i].set1 && input_qcode_to_number(i) == number)
			return i;
	return INPUT_QCODE_UNMAPPED;
}

static unsigned put_code(uint8_t *out, uint16_t code, bool down, int set)
{
	unsigned n = 0;

	if (code >> 8)
		out[n++] = code >> 8;
	if (set == 1) {
		out[n++] = (code & 0x7f) | (down ? 0 : 0x80);
	} else {
		if (!down)
			out[n++] = 0xf0;
		out[n++] = code & 0xff;
	}
	return n;
}

unsigned input_qcode_to_scancodes(enum input_qcode qcode, bool down, int set,
				  unsigned modifiers, uint8_t out[INPUT_SCANCODES_MAX])
{
	static const uint8_t pause1[] = { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };
	static const uint8_t pause2[] = { 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77 };
	unsigned n = 0;

	if ((unsigned)qcode >= INPUT_QCODE__MAX || set < 1 || set > 3)
		return 0;
	if (set == 3)		/* every key alike: code, F0 code */
		return input_keys[qcode].set3 ? put_code(out, input_keys[qcode].set3, down, 3) : 0;
	switch (qcode) {
	case INPUT_QCODE_PAUSE:
		/* Ctrl+Pause is Break, an ordinary E0 key; Pause has no break code */
		if (modifiers & INPUT_MOD_CTRL)
			return put_code(out, set == 1 ? 0xe046 : 0xe07e, down, set);
		if (!down)
			return 0;
		memcpy(out, set == 1 ? pause1 : pause2, set == 1 ? sizeof(pause1) : sizeof(pause2));
		return set == 1 ? sizeof(pause1) : sizeof(pause2);
	case INPUT_QCODE_PRINT:
	case INPUT_QCODE_SYSRQ:
		/*
		 * Alt+Print is SysRq (a plain key); with Shift or Ctrl the key
		 * sends E0 37 alone; otherwise a fake Shift press wraps it.
		 * QEMU 7.2 sends the Print sequence for "sysrq" too.
		 */
		if (modifiers & INPUT_MOD_ALT)
			return put_code(out, set == 1 ? 0x54 : 0x84, down, set);
		if (modifiers & (INPUT_MOD_SHIFT | INPUT_MOD_CTRL))
			return put_code(out, set == 1 ? 0xe037 : 0xe07c, down, set);
		if (down) {
			n = put_code(out, set == 1 ? 0xe02a : 0xe012, true, set);
			n += put_code(out + n, set == 1 ? 0xe037 : 0xe07c, true, set);
		} else {
			n = put_code(out, set == 1 ? 0xe037 : 0xe07c, false, set);
			n += put_code(out + n, set == 1 ? 0xe02a : 0xe012, false, set);
		}
		return n;
	default:
		break;
	}
	uint16_t code = set == 1 ? input_keys[qcode].set1 : input_keys[qcode].set2;
	return code ? put_code(out, code, down, set) : 0;
}

/* QEMU's InputButton and InputAxis names */
static const char *const input_button_names[INPUT_BUTTON__MAX] = {
	"left", "middle", "right", "wheel-up", "wheel-down", "side", "extra",
	"wheel-left", "wheel-right", "touch",
};
static const char *const input_axis_names[INPUT_AXIS__MAX] = { "x", "y" };

int input_button_from_name(const char *name)
{
	for (int i = 0; i < INPUT_BUTTON__MAX; i++)
		if (!strcmp(input_button_names[i], name))
			return i;
	return -1;
}

int input_axis_from_name(const char *name)
{
	for (int i = 0; i < INPUT_AXIS__MAX; i++)
		if (!strcmp(input_axis_names[i], name))
			return i;
	return -1;
}

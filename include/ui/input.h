/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The input layer: keys, buttons and pointer motion from front ends (the
 * monitor's send-key and input-send-event now; SDL, VNC later) to the guest's
 * input devices (PS/2 keyboard and mouse now; USB HID later).
 *
 * Keys are named by QEMU's QKeyCode ("a", "ctrl", "kp_enter", ...): enum
 * input_qcode follows QEMU 7.2's order, so the names, the numbers and the
 * scancode tables are one table (ui/input-keymap.c). A device registers a
 * handler for the kinds of event it takes; each event goes to the most
 * recently registered (or activated) handler that takes its kind:
 *
 *	static const struct input_handler_ops kbd_ops = {
 *		.name = "PS/2 keyboard", .mask = INPUT_EVENT_MASK_KEY,
 *		.event = ps2_kbd_input_event,
 *	};
 *	s->input = input_handler_register(&kbd_ops, s);
 *	...
 *	input_event_key(INPUT_QCODE_A, true);	// any front end
 *	input_event_sync();			// end of a group (mouse packet)
 *
 * Scancodes: input_qcode_to_scancodes() writes the bytes of PS/2 set 1, 2
 * or 3 for a make or break, including E0 prefixes and the Pause / Print
 * Screen sequences. Everything here runs under the BQL.
 */
#ifndef UI_INPUT_H
#define UI_INPUT_H

#include "kemu/common.h"

/* QEMU 7.2's QKeyCode, in its order (the "qcode" numbers) */
enum input_qcode {
	INPUT_QCODE_UNMAPPED, INPUT_QCODE_SHIFT, INPUT_QCODE_SHIFT_R, INPUT_QCODE_ALT,
	INPUT_QCODE_ALT_R, INPUT_QCODE_CTRL, INPUT_QCODE_CTRL_R, INPUT_QCODE_MENU,
	INPUT_QCODE_ESC, INPUT_QCODE_1, INPUT_QCODE_2, INPUT_QCODE_3, INPUT_QCODE_4,
	INPUT_QCODE_5, INPUT_QCODE_6, INPUT_QCODE_7, INPUT_QCODE_8, INPUT_QCODE_9,
	INPUT_QCODE_0, INPUT_QCODE_MINUS, INPUT_QCODE_EQUAL, INPUT_QCODE_BACKSPACE,
	INPUT_QCODE_TAB, INPUT_QCODE_Q, INPUT_QCODE_W, INPUT_QCODE_E, INPUT_QCODE_R,
	INPUT_QCODE_T, INPUT_QCODE_Y, INPUT_QCODE_U, INPUT_QCODE_I, INPUT_QCODE_O,
	INPUT_QCODE_P, INPUT_QCODE_BRACKET_LEFT, INPUT_QCODE_BRACKET_RIGHT, INPUT_QCODE_RET,
	INPUT_QCODE_A, INPUT_QCODE_S, INPUT_QCODE_D, INPUT_QCODE_F, INPUT_QCODE_G,
	INPUT_QCODE_H, INPUT_QCODE_J, INPUT_QCODE_K, INPUT_QCODE_L, INPUT_QCODE_SEMICOLON,
	INPUT_QCODE_APOSTROPHE, INPUT_QCODE_GRAVE_ACCENT, INPUT_QCODE_BACKSLASH,
	INPUT_QCODE_Z, INPUT_QCODE_X, INPUT_QCODE_C, INPUT_QCODE_V, INPUT_QCODE_B,
	INPUT_QCODE_N, INPUT_QCODE_M, INPUT_QCODE_COMMA, INPUT_QCODE_DOT, INPUT_QCODE_SLASH,
	INPUT_QCODE_ASTERISK, INPUT_QCODE_SPC, INPUT_QCODE_CAPS_LOCK, INPUT_QCODE_F1,
	INPUT_QCODE_F2, INPUT_QCODE_F3, INPUT_QCODE_F4, INPUT_QCODE_F5, INPUT_QCODE_F6,
	INPUT_QCODE_F7, INPUT_QCODE_F8, INPUT_QCODE_F9, INPUT_QCODE_F10, INPUT_QCODE_NUM_LOCK,
	INPUT_QCODE_SCROLL_LOCK, INPUT_QCODE_KP_DIVIDE, INPUT_QCODE_KP_MULTIPLY,
	INPUT_QCODE_KP_SUBTRACT, INPUT_QCODE_KP_ADD, INPUT_QCODE_KP_ENTER,
	INPUT_QCODE_KP_DECIMAL, INPUT_QCODE_SYSRQ, INPUT_QCODE_KP_0, INPUT_QCODE_KP_1,
	INPUT_QCODE_KP_2, INPUT_QCODE_KP_3, INPUT_QCODE_KP_4, INPUT_QCODE_KP_5,
	INPUT_QCODE_KP_6, INPUT_QCODE_KP_7, INPUT_QCODE_KP_8, INPUT_QCODE_KP_9,
	INPUT_QCODE_LESS, INPUT_QCODE_F11, INPUT_QCODE_F12, INPUT_QCODE_PRINT,
	INPUT_QCODE_HOME, INPUT_QCODE_PGUP, INPUT_QCODE_PGDN, INPUT_QCODE_END,
	INPUT_QCODE_LEFT, INPUT_QCODE_UP, INPUT_QCODE_DOWN, INPUT_QCODE_RIGHT,
	INPUT_QCODE_INSERT, INPUT_QCODE_DELETE, INPUT_QCODE_STOP, INPUT_QCODE_AGAIN,
	INPUT_QCODE_PROPS, INPUT_QCODE_UNDO, INPUT_QCODE_FRONT, INPUT_QCODE_COPY,
	INPUT_QCODE_OPEN, INPUT_QCODE_PASTE, INPUT_QCODE_FIND, INPUT_QCODE_CUT,
	INPUT_QCODE_LF, INPUT_QCODE_HELP, INPUT_QCODE_META_L, INPUT_QCODE_META_R,
	INPUT_QCODE_COMPOSE, INPUT_QCODE_PAUSE, INPUT_QCODE_RO, INPUT_QCODE_HIRAGANA,
	INPUT_QCODE_HENKAN, INPUT_QCODE_YEN, INPUT_QCODE_MUHENKAN,
	INPUT_QCODE_KATAKANAHIRAGANA, INPUT_QCODE_KP_COMMA, INPUT_QCODE_KP_EQUALS,
	INPUT_QCODE_POWER, INPUT_QCODE_SLEEP, INPUT_QCODE_WAKE, INPUT_QCODE_AUDIONEXT,
	INPUT_QCODE_AUDIOPREV, INPUT_QCODE_AUDIOSTOP, INPUT_QCODE_AUDIOPLAY,
	INPUT_QCODE_AUDIOMUTE, INPUT_QCODE_VOLUMEUP, INPUT_QCODE_VOLUMEDOWN,
	INPUT_QCODE_MEDIASELECT, INPUT_QCODE_MAIL, INPUT_QCODE_CALCULATOR,
	INPUT_QCODE_COMPUTER, INPUT_QCODE_AC_HOME, INPUT_QCODE_AC_BACK,
	INPUT_QCODE_AC_FORWARD, INPUT_QCODE_AC_REFRESH, INPUT_QCODE_AC_BOOKMARKS,
	INPUT_QCODE_LANG1, INPUT_QCODE_LANG2,
	INPUT_QCODE__MAX
};

/* QEMU's InputButton, in its order */
enum input_button {
	INPUT_BUTTON_LEFT, INPUT_BUTTON_MIDDLE, INPUT_BUTTON_RIGHT, INPUT_BUTTON_WHEEL_UP,
	INPUT_BUTTON_WHEEL_DOWN, INPUT_BUTTON_SIDE, INPUT_BUTTON_EXTRA,
	INPUT_BUTTON_WHEEL_LEFT, INPUT_BUTTON_WHEEL_RIGHT, INPUT_BUTTON_TOUCH,
	INPUT_BUTTON__MAX
};

enum input_axis { INPUT_AXIS_X, INPUT_AXIS_Y, INPUT_AXIS__MAX };

/* absolute coordinates are scaled to 0..INPUT_ABS_MAX, as QEMU does */
#define INPUT_ABS_MAX 0x7fff

enum input_event_kind { INPUT_EVENT_KEY, INPUT_EVENT_BTN, INPUT_EVENT_REL, INPUT_EVENT_ABS };
#define INPUT_EVENT_MASK_KEY (1u << INPUT_EVENT_KEY)
#define INPUT_EVENT_MASK_BTN (1u << INPUT_EVENT_BTN)
#define INPUT_EVENT_MASK_REL (1u << INPUT_EVENT_REL)
#define INPUT_EVENT_MASK_ABS (1u << INPUT_EVENT_ABS)

struct input_event {
	enum input_event_kind kind;
	union {
		struct { enum input_qcode qcode; bool down; } key;
		struct { enum input_button button; bool down; } btn;
		struct { enum input_axis axis; int64_t value; } move;	/* REL and ABS */
	};
};

struct input_handler_ops {
	const char *name;
	unsigned mask;			/* INPUT_EVENT_MASK_* it takes */
	void (*event)(void *opaque, const struct input_event *ev);
	void (*sync)(void *opaque);	/* optional: end of an event group */
};

struct input_handler;

struct input_handler *input_handler_register(const struct input_handler_ops *ops, void *opaque);
/* Make h the first choice again for its kinds (a guest switching devices). */
void input_handler_activate(struct input_handler *h);
void input_handler_unregister(struct input_handler *h);

/* Events to the active handlers; without one they are dropped. */
void input_event_send(const struct input_event *ev);
void input_event_key(enum input_qcode qcode, bool down);
void input_event_btn(enum input_button button, bool down);
void input_event_rel(enum input_axis axis, int64_t value);
void input_event_abs(enum input_axis axis, int64_t value);
void input_event_sync(void);
/*
 * Timed key sequences (send-key): key events queued with a delay after each,
 * on the virtual clock as QEMU does, so a guest sees a press held and keys
 * paced; the first event goes out at once. delay_ms 0 means QEMU's default
 * gap of 10 ms.
 */
void input_queue_key(enum input_qcode qcode, bool down, uint32_t delay_ms);
/* Drop queued events (tests, machine teardown). */
void input_queue_flush(void);

/* Is a handler registered for these kinds? */
bool input_has_handler(unsigned mask);

/* ---- key tables (ui/input-keymap.c) ---- */

/* "ctrl" -> INPUT_QCODE_CTRL; -1 if unknown */
int input_qcode_from_name(const char *name);
const char *input_qcode_name(enum input_qcode qcode);
/* QEMU's button names ("left", "wheel-up", ...); -1 if unknown */
int input_button_from_name(const char *name);
int input_axis_from_name(const char *name);

/*
 * QEMU's key "numbers" (send-key {"type":"number"}): the set-1 scancode, with
 * 0x80 added for E0-prefixed keys. Unknown numbers give INPUT_QCODE_UNMAPPED.
 */
enum input_qcode input_qcode_from_number(unsigned number);
unsigned input_qcode_to_number(enum input_qcode qcode);

/*
 * Scancode set 1 or 2 codes of a key: 0xe0xx for E0-prefixed keys, 0 when
 * the key has none in that set. Pause and Print Screen return their
 * single-code identity (set 1: E0 46 / E0 37); their real sequences come
 * from input_qcode_to_scancodes().
 */
uint16_t input_qcode_to_set1(enum input_qcode qcode);
uint16_t input_qcode_to_set2(enum input_qcode qcode);
/* Set 3: one byte, no prefixes; 0 when none. */
uint8_t input_qcode_to_set3(enum input_qcode qcode);

#define INPUT_SCANCODES_MAX 8
/* Which modifiers are held, for the Print Screen and Pause variants. */
#define INPUT_MOD_SHIFT	1u
#define INPUT_MOD_CTRL	2u
#define INPUT_MOD_ALT	4u
/*
 * The bytes a PS/2 keyboard in scancode set 1, 2 or 3 sends for a make
 * (down) or break of qcode, with modifiers held (INPUT_MOD_*; sets 1 and 2
 * only). Returns how many (0: the key has no code in that set, or Pause's
 * break in sets 1 and 2, which has none).
 */
unsigned input_qcode_to_scancodes(enum input_qcode qcode, bool down, int set,
				  unsigned modifiers, uint8_t out[INPUT_SCANCODES_MAX]);

/*
 * The i8042's translation of one byte from the keyboard to set 1 (only the
 * low 7 bits are translated: 0x80..0xff pass unchanged, except 0x83 (F7's
 * set-2 code) which becomes 0x41). The F0 prefix is the controller's
 * business: it ORs 0x80 into the next translated byte.
 */
uint8_t input_set2_to_set1_byte(uint8_t byte);

#endif

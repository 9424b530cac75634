// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PS/2 keyboard and mouse through the i8042, by polling (no interrupts).
 *
 * Resets the keyboard (expects FA AA), asks its identity (FA AB 83, or AB 41
 * with translation), sets the LEDs, selects translation (xlat=1, default:
 * scancode set 1 arrives; xlat=0: the keyboard's set 2 arrives raw), then
 * prints "KBD: ready>" and reports what it receives:
 *	KBD: sc 2a			every keyboard byte, in hex
 *	KBD: line 'Hello'		set-1 make codes decoded with shift, at Enter
 *	KBD: ctrl-alt-del		then resets the machine through 0x64 = 0xfe
 *	MOUSE: 09 05 fb [00]		a mouse packet (mouse=1; wheel=1 knocks for
 *					IntelliMouse and prints "MOUSE: id 03",
 *					wheel=2 then for Explorer, "MOUSE: id 04")
 * set=N selects scancode set N (F0 N) before "ready>".
 * Esc (set 1: 01, set 2: 76, set 3: 08) ends the test with a pass. "KBD: boot N" counts
 * boots in CMOS byte 0x7e, so a test sees that ctrl-alt-del rebooted.
 * Gives up after 60 s without input.
 */
#include "lib/rt.h"

const char guest_name[] = "KBD";

#define DATA	0x60
#define STATUS	0x64
#define ST_OBF	0x01
#define ST_IBF	0x02
#define ST_AUX	0x20
#define CMOS_BOOTS 0x7e

static bool wait_ibf_clear(void)
{
	for (uint32_t i = 0; i < 1000000; i++)
		if (!(inb(STATUS) & ST_IBF))
			return true;
	return false;
}

static void ctl_cmd(uint8_t cmd)
{
	if (!wait_ibf_clear())
		guest_fail(guest_name, "input buffer stays full");
	outb(STATUS, cmd);
}

static void ctl_data(uint8_t val)
{
	if (!wait_ibf_clear())
		guest_fail(guest_name, "input buffer stays full");
	outb(DATA, val);
}

/* One byte from the keyboard (aux=false) or mouse side, -1 after ~1 s. */
static int read_byte(bool aux)
{
	uint64_t end = pit_ticks() + PIT_HZ;

	while (pit_ticks() < end) {
		uint8_t st = inb(STATUS);

		if (!(st & ST_OBF))
			continue;
		uint8_t v = inb(DATA);
		if (!!(st & ST_AUX) == aux)
			return v;
		printf("KBD: stray %s byte %02x\n", aux ? "keyboard" : "mouse", v);
	}
	return -1;
}

static void expect_byte(bool aux, uint8_t want, const char *what)
{
	int v = read_byte(aux);

	if (v != want)
		guest_fail(guest_name, "%s: expected %02x, got %s%02x", what, want,
			   v < 0 ? "nothing " : "", v < 0 ? 0 : v);
}

/*
 * A command byte and its ACK. Keys may still arrive first (a release queued
 * before a ctrl-alt-del reboot, say): like a real driver, skip them.
 */
static void kbd_expect_reply(uint8_t want, const char *what)
{
	for (int i = 0; i < 16; i++) {
		int v = read_byte(false);

		if (v == want)
			return;
		if (v < 0)
			break;
		printf("KBD: skipped %02x while waiting for %02x (%s)\n", v, want, what);
	}
	guest_fail(guest_name, "%s: no %02x", what, want);
}

static void kbd_send(uint8_t b, const char *what)
{
	ctl_data(b);
	kbd_expect_reply(0xfa, what);
}

static void mouse_send(uint8_t b, const char *what)
{
	ctl_cmd(0xd4);
	ctl_data(b);
	expect_byte(true, 0xfa, what);
}

/* set 1 make codes 0x02..0x35 to ASCII: unshifted, shifted */
static const char keys_lower[] = "\0\0" "1234567890-=\0\0" "qwertyuiop[]\0\0" "asdfghjkl;'`\0\\" "zxcvbnm,./";
static const char keys_upper[] = "\0\0" "!@#$%^&*()_+\0\0" "QWERTYUIOP{}\0\0" "ASDFGHJKL:\"~\0|" "ZXCVBNM<>?";

struct decoder {
	bool e0, shift, ctrl, alt;
	char line[64];
	unsigned len;
};

static void decode_set1(struct decoder *d, uint8_t sc)
{
	bool up = sc & 0x80, e0 = d->e0;
	uint8_t code = sc & 0x7f;

	d->e0 = false;
	if (sc == 0xe0) {
		d->e0 = true;
		return;
	}
	if (sc == 0xe1 || sc == 0xfa)
		return;
	if (code == 0x2a || code == 0x36)
		d->shift = !up;
	else if (code == 0x1d)
		d->ctrl = !up;
	else if (code == 0x38)
		d->alt = !up;
	if (up)
		return;
	if (e0 && code == 0x53 && d->ctrl && d->alt) {
		printf("KBD: ctrl-alt-del\n");
		ctl_cmd(0xfe);
		pit_delay_us(200000);
		guest_fail(guest_name, "still running 200 ms after the 8042 reset pulse");
	}
	if (code == 0x1c) {
		d->line[d->len] = 0;
		printf("KBD: line '%s'\n", d->line);
		d->len = 0;
	} else if (!e0 && code == 0x39 && d->len + 1 < sizeof(d->line)) {
		d->line[d->len++] = ' ';
	} else if (!e0 && code < sizeof(keys_lower) - 1 && keys_lower[code] &&
		   d->len + 1 < sizeof(d->line)) {
		d->line[d->len++] = d->shift ? keys_upper[code] : keys_lower[code];
	}
}

static void mouse_init(unsigned wheel)
{
	ctl_cmd(0xa8);			/* enable the aux port */
	mouse_send(0xff, "mouse reset");
	expect_byte(true, 0xaa, "mouse BAT");
	expect_byte(true, 0x00, "mouse id after reset");
	/* wheel=1: the IntelliMouse knock (ID 3); wheel=2: then the Explorer one (ID 4) */
	static const uint8_t knocks[2][3] = { { 200, 100, 80 }, { 200, 200, 80 } };
	for (unsigned k = 0; k < wheel && k < 2; k++) {
		for (unsigned i = 0; i < 3; i++) {
			mouse_send(0xf3, "set sample rate");
			mouse_send(knocks[k][i], "sample rate");
		}
	}
	mouse_send(0xf2, "mouse identify");
	int id = read_byte(true);
	printf("MOUSE: id %02x\n", id);
	mouse_send(0xf4, "mouse enable");
}

void guest_main(void)
{
	bool xlat = cmdline_get_u64("xlat", 1), mouse = cmdline_get_u64("mouse", 0);
	struct decoder dec = { 0 };
	uint8_t packet[4];
	unsigned plen = 0, psize = 3;
	uint64_t last_input;
	uint8_t boots = cmos_read(CMOS_BOOTS) + 1;

	cmos_write(CMOS_BOOTS, boots);
	printf("KBD: boot %u\n", boots);
	pit_clock_start();
	while (inb(STATUS) & ST_OBF)	/* whatever firmware left behind */
		inb(DATA);
	/* command byte: no interrupts, system flag, translation per xlat */
	ctl_cmd(0x60);
	ctl_data(0x04 | (xlat ? 0x40 : 0));
	ctl_cmd(0xae);

	kbd_send(0xff, "keyboard reset");
	expect_byte(false, 0xaa, "keyboard BAT");
	kbd_send(0xf2, "keyboard identify");
	int id1 = read_byte(false), id2 = read_byte(false);
	printf("KBD: id %02x %02x\n", id1, id2);
	kbd_send(0xed, "set LEDs");
	kbd_send(0x07, "LED bits");
	ctl_data(0xee);
	kbd_expect_reply(0xee, "echo");
	kbd_send(0xf4, "enable scanning");
	if (cmdline_get_u64("set", 0)) {		/* set=1/2/3: select a scancode set */
		kbd_send(0xf0, "select scancode set");
		kbd_send(cmdline_get_u64("set", 0), "scancode set");
	}
	if (mouse) {
		mouse_init(cmdline_get_u64("wheel", 0));
		psize = cmdline_get_u64("wheel", 0) ? 4 : 3;
	}

	printf("KBD: ready>\n");
	last_input = pit_ticks();
	for (;;) {
		if (pit_ticks() - last_input > 60ull * PIT_HZ)
			guest_fail(guest_name, "no input for 60 s");
		uint8_t st = inb(STATUS);
		if (!(st & ST_OBF))
			continue;
		uint8_t v = inb(DATA);
		last_input = pit_ticks();
		if (st & ST_AUX) {
			packet[plen++] = v;
			if (plen == 1 && !(v & 0x08)) {	/* bit 3 is always set: resync */
				plen = 0;
				continue;
			}
			if (plen < psize)
				continue;
			if (psize == 4)
				printf("MOUSE: %02x %02x %02x %02x\n", packet[0], packet[1], packet[2], packet[3]);
			else
				printf("MOUSE: %02x %02x %02x\n", packet[0], packet[1], packet[2]);
			plen = 0;
			continue;
		}
		printf("KBD: sc %02x\n", v);
		if (xlat)
			decode_set1(&dec, v);
		if (v == (xlat ? 0x01 : cmdline_get_u64("set", 2) == 3 ? 0x08 : 0x76)) {
			cmos_write(CMOS_BOOTS, 0);
			guest_pass(guest_name);
		}
	}
}

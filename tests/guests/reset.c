// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reset: on the first boot, marks CMOS byte 0x7e (outside the checksummed
 * range, unused by SeaBIOS) and resets the machine with method=cf9 (port
 * 0xcf9 = 6, PIIX3 reset control), kbd (0xfe to port 0x64, 8042 pulse), or
 * triple (a fault with an empty IDT). CMOS survives a reset, so the second
 * boot sees the mark, clears it and passes. With -no-reboot the emulator
 * must instead exit (status 0) after "RESET: boot 1".
 */
#include "lib/rt.h"

const char guest_name[] = "RESET";

#define CMOS_MARK_IDX	0x7e
#define CMOS_MARK	0xa5

void guest_main(void)
{
	char method[16] = "cf9";
	cmdline_get("method", method, sizeof(method));

	if (cmos_read(CMOS_MARK_IDX) == CMOS_MARK) {
		cmos_write(CMOS_MARK_IDX, 0);
		printf("RESET: boot 2\n");
		guest_pass(guest_name);
	}
	cmos_write(CMOS_MARK_IDX, CMOS_MARK);
	printf("RESET: boot 1, resetting by %s\n", method);
	if (!strncmp_(method, "cf9", 4)) {
		outb(0xcf9, 0x02);
		outb(0xcf9, 0x06);
	} else if (!strncmp_(method, "kbd", 4)) {
		for (int i = 0; i < 100000 && (inb(0x64) & 2); i++)
			cpu_relax();
		outb(0x64, 0xfe);
	} else if (!strncmp_(method, "triple", 7)) {
		static const struct __attribute__((packed)) { uint16_t l; uint32_t b; } empty = { 0, 0 };
		__asm__ volatile("lidt %0; ud2" :: "m"(empty));
	} else {
		guest_fail(guest_name, "unknown method=%s", method);
	}
	pit_delay_us(200000);
	guest_fail(guest_name, "still running 200 ms after the %s reset", method);
}

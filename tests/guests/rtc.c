// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MC146818 RTC ticks: reads the date (waiting out update-in-progress, reg A
 * bit 7), checks the values are valid for the format in reg B (BCD unless
 * bit 2), then waits for the seconds register to change twice. The clock
 * that bounds the wait is the PIT (channel 0, 1.193182 MHz): the second
 * change must come 0.5-1.5 s after the first, and all within 3.5 s.
 */
#include "lib/rt.h"

const char guest_name[] = "RTC";

static uint8_t rtc_get(uint8_t reg)
{
	/* UIP set: an update is at most 244 us away (datasheet, reg A) */
	for (int i = 0; i < 1000 && (cmos_read(0x0a) & 0x80); i++)
		cpu_relax();
	return cmos_read(reg);
}

static bool bcd_ok(uint8_t v, uint8_t max)
{
	return (v & 0xf) <= 9 && (v >> 4) <= 9 && ((v >> 4) * 10 + (v & 0xf)) <= max;
}

static uint8_t bcd2bin(uint8_t v) { return (uint8_t)((v >> 4) * 10 + (v & 0xf)); }

void guest_main(void)
{
	uint8_t regb = cmos_read(0x0b);
	bool bcd = !(regb & 0x04);
	uint8_t sec = rtc_get(0), min = rtc_get(2), hour = rtc_get(4) & 0x7f;
	uint8_t day = rtc_get(7), mon = rtc_get(8), year = rtc_get(9), cent = rtc_get(0x32);

	printf("RTC: reg A 0x%x reg B 0x%x (%s, %s)\n", cmos_read(0x0a), regb,
	       bcd ? "BCD" : "binary", (regb & 2) ? "24h" : "12h");
	if (bcd) {
		if (!bcd_ok(sec, 59) || !bcd_ok(min, 59) || !bcd_ok(hour, 23) || !bcd_ok(day, 31) ||
		    !bcd_ok(mon, 12) || !bcd_ok(year, 99))
			guest_fail(guest_name, "invalid BCD date %x-%x-%x %x:%x:%x", year, mon, day,
				   hour, min, sec);
		sec = bcd2bin(sec), min = bcd2bin(min), hour = bcd2bin(hour);
		day = bcd2bin(day), mon = bcd2bin(mon), year = bcd2bin(year);
		cent = bcd2bin(cent);
	}
	printf("RTC: %02u%02u-%02u-%02u %02u:%02u:%02u\n", cent, year, mon, day, hour, min, sec);
	if (sec > 59 || min > 59 || day < 1 || day > 31 || mon < 1 || mon > 12)
		guest_fail(guest_name, "date out of range");

	pit_clock_start();
	uint8_t s0 = rtc_get(0);
	uint64_t t_first = 0;
	int changes = 0;
	const uint64_t deadline = (uint64_t)PIT_HZ * 7 / 2;
	for (;;) {
		uint64_t t = pit_ticks();
		if (t > deadline)
			guest_fail(guest_name, "seconds changed %d times in 3.5 s (PIT)", changes);
		uint8_t s = rtc_get(0);
		if (s == s0)
			continue;
		s0 = s;
		if (++changes == 1) {
			t_first = t;
			continue;
		}
		uint32_t ms = (uint32_t)(t - t_first) / (PIT_HZ / 1000);
		printf("RTC: seconds ticked twice, %u ms apart by the PIT\n", ms);
		if (ms < 500 || ms > 1500)
			guest_fail(guest_name, "one RTC second lasted %u ms of PIT time", ms);
		break;
	}
	guest_pass(guest_name);
}

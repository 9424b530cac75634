// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MC146818 real-time clock and CMOS RAM (ports 0x70-0x71, IRQ 8).
 *
 * The date is not ticked register by register: the guest's time is a clock
 * (CLOCK_HOST by default, CLOCK_VIRTUAL with clock=vm) plus offset_ns, and
 * the time registers are computed from it when read. So a paused VM does not
 * lose time and a restored snapshot keeps the guest's idea of the date. The
 * update-ended, alarm and periodic interrupts come from timers on
 * CLOCK_VIRTUAL, set for the next second boundary or periodic tick.
 *
 * Datasheet references are to the Motorola MC146818A data sheet (1984).
 * Not here: square-wave output, daylight-saving (DSE), the 4.194 and
 * 1.048 MHz time bases (DV=000/001 run as 32.768 kHz, as in QEMU), lost-tick
 * compensation for guests that count periodic interrupts.
 */
#include "kemu/common.h"
#include "hw/rtc/mc146818rtc.h"
#include "hw/isa/isa.h"
#include "system/timer.h"

#include <time.h>

#define RTC_SECONDS		0x00
#define RTC_SECONDS_ALARM	0x01
#define RTC_MINUTES		0x02
#define RTC_MINUTES_ALARM	0x03
#define RTC_HOURS		0x04
#define RTC_HOURS_ALARM		0x05
#define RTC_DAY_OF_WEEK		0x06
#define RTC_DAY_OF_MONTH	0x07
#define RTC_MONTH		0x08
#define RTC_YEAR		0x09
#define RTC_REG_A		0x0a
#define RTC_REG_B		0x0b
#define RTC_REG_C		0x0c
#define RTC_REG_D		0x0d
#define RTC_CENTURY		0x32	/* IBM PC convention, not in the MC146818 */

#define REG_A_UIP	0x80
#define REG_A_DV_MASK	0x70
#define REG_A_RS_MASK	0x0f
#define REG_B_SET	0x80
#define REG_B_PIE	0x40
#define REG_B_AIE	0x20
#define REG_B_UIE	0x10
#define REG_B_SQWE	0x08
#define REG_B_DM	0x04	/* binary (1) or BCD (0) */
#define REG_B_24H	0x02
#define REG_C_IRQF	0x80
#define REG_C_PF	0x40
#define REG_C_AF	0x20
#define REG_C_UF	0x10
#define REG_D_VRT	0x80

#define RTC_HZ 32768
/* Guest time is int64 ns since 1970: keep dates within 1685..2255. */
#define RTC_MAX_SEC 9000000000LL
/* UIP rises 244 us before the update (datasheet: tBUC, 8 cycles of 32 kHz). */
#define RTC_UIP_NS (8 * NS_PER_SEC / RTC_HZ)

struct rtc_state {
	struct isa_device parent;
	uint8_t cmos[128];
	uint8_t index;			/* bit 7: NMI disable (ignored) */
	int64_t offset_ns;		/* guest time = clock + offset_ns */
	int64_t hold_ns;		/* guest time while the divider is held in reset */
	int64_t last_update_sec;	/* second of the last update cycle */
	struct kemu_timer *update_timer;
	struct kemu_timer *periodic_timer;
	struct irq_line irq;
	struct memory_region io;
	/* properties */
	char *base;
	char *clock_name;
	uint32_t iobase;
	uint32_t isairq;
	enum clock_type clock;
};

#define RTC(obj) OBJECT_CHECK(struct rtc_state, (obj), TYPE_MC146818_RTC)

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/* DV=11x holds the divider chain in reset; DV=011..101 are test modes (stopped). */
static bool rtc_running(const struct rtc_state *s)
{
	return (s->cmos[RTC_REG_A] & REG_A_DV_MASK) <= 0x20;
}

static int64_t rtc_guest_ns(const struct rtc_state *s)
{
	if (!rtc_running(s))
		return s->hold_ns;
	return clock_get_ns(s->clock) + s->offset_ns;
}

static void rtc_set_guest_ns(struct rtc_state *s, int64_t ns)
{
	if (rtc_running(s))
		s->offset_ns = ns - clock_get_ns(s->clock);
	else
		s->hold_ns = ns;
}

/* ---- register encoding ---- */

static uint8_t rtc_to_reg(const struct rtc_state *s, int v)
{
	if (s->cmos[RTC_REG_B] & REG_B_DM)
		return v;
	return ((v / 10) << 4) | (v % 10);
}

static int rtc_from_reg(const struct rtc_state *s, uint8_t v)
{
	if (s->cmos[RTC_REG_B] & REG_B_DM)
		return v;
	return (v >> 4) * 10 + (v & 0x0f);
}

static uint8_t rtc_hour_to_reg(const struct rtc_state *s, int h)
{
	if (s->cmos[RTC_REG_B] & REG_B_24H)
		return rtc_to_reg(s, h);
	/* 12-hour mode: 1..12, bit 7 set for PM (datasheet table 3) */
	return rtc_to_reg(s, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0);
}

static int rtc_hour_from_reg(const struct rtc_state *s, uint8_t v)
{
	int h;

	if (s->cmos[RTC_REG_B] & REG_B_24H)
		return rtc_from_reg(s, v);
	h = rtc_from_reg(s, v & 0x7f) % 12;
	return (v & 0x80) ? h + 12 : h;
}

/* Write the time in guest_ns into the time registers (and the century). */
static void rtc_time_to_cmos(struct rtc_state *s, int64_t guest_ns)
{
	time_t t = floor_div(guest_ns, NS_PER_SEC);
	struct tm tm;

	gmtime_r(&t, &tm);
	s->cmos[RTC_SECONDS] = rtc_to_reg(s, tm.tm_sec);
	s->cmos[RTC_MINUTES] = rtc_to_reg(s, tm.tm_min);
	s->cmos[RTC_HOURS] = rtc_hour_to_reg(s, tm.tm_hour);
	s->cmos[RTC_DAY_OF_WEEK] = rtc_to_reg(s, tm.tm_wday + 1);	/* Sunday = 1 */
	s->cmos[RTC_DAY_OF_MONTH] = rtc_to_reg(s, tm.tm_mday);
	s->cmos[RTC_MONTH] = rtc_to_reg(s, tm.tm_mon + 1);
	s->cmos[RTC_YEAR] = rtc_to_reg(s, (tm.tm_year + 1900) % 100);
	s->cmos[RTC_CENTURY] = rtc_to_reg(s, (tm.tm_year + 1900) / 100);
}

/* Seconds since the epoch that the time registers say (guest values, any junk). */
static int64_t rtc_time_from_cmos(const struct rtc_state *s)
{
	struct tm tm = {
		.tm_sec = rtc_from_reg(s, s->cmos[RTC_SECONDS]),
		.tm_min = rtc_from_reg(s, s->cmos[RTC_MINUTES]),
		.tm_hour = rtc_hour_from_reg(s, s->cmos[RTC_HOURS]),
		.tm_mday = rtc_from_reg(s, s->cmos[RTC_DAY_OF_MONTH]),
		.tm_mon = rtc_from_reg(s, s->cmos[RTC_MONTH]) - 1,
		.tm_year = rtc_from_reg(s, s->cmos[RTC_CENTURY]) * 100 +
			   rtc_from_reg(s, s->cmos[RTC_YEAR]) - 1900,
	};

	int64_t sec = timegm(&tm);	/* normalises out-of-range fields */

	/* junk (year 16665) must not overflow guest time in ns */
	if (sec < -RTC_MAX_SEC || sec > RTC_MAX_SEC) {
		guest_error("rtc: time registers hold an impossible date; clamped");
		sec = CLAMP(sec, -RTC_MAX_SEC, RTC_MAX_SEC);
	}
	return sec;
}

/* ---- interrupts and timers ---- */

static void rtc_update_irq(struct rtc_state *s)
{
	uint8_t flags = s->cmos[RTC_REG_C] & (REG_C_PF | REG_C_AF | REG_C_UF);
	bool irqf = flags & s->cmos[RTC_REG_B] & (REG_B_PIE | REG_B_AIE | REG_B_UIE);

	s->cmos[RTC_REG_C] = flags | (irqf ? REG_C_IRQF : 0);
	irq_line_set(&s->irq, irqf);
}

/* Virtual-clock deadline for guest time target_ns (clocks run at one rate). */
static int64_t rtc_deadline(const struct rtc_state *s, int64_t target_ns)
{
	return clock_get_ns(CLOCK_VIRTUAL) + MAX(target_ns - rtc_guest_ns(s), 0);
}

static bool rtc_updating(const struct rtc_state *s)
{
	return rtc_running(s) && !(s->cmos[RTC_REG_B] & REG_B_SET);
}

static void rtc_update_timer_arm(struct rtc_state *s)
{
	int64_t now = rtc_guest_ns(s);

	if (!rtc_updating(s)) {
		timer_del(s->update_timer);
		return;
	}
	timer_mod_ns(s->update_timer,
		     rtc_deadline(s, (floor_div(now, NS_PER_SEC) + 1) * NS_PER_SEC));
}

static bool rtc_alarm_matches(struct rtc_state *s)
{
	static const uint8_t pairs[3][2] = {
		{ RTC_SECONDS_ALARM, RTC_SECONDS },
		{ RTC_MINUTES_ALARM, RTC_MINUTES },
		{ RTC_HOURS_ALARM, RTC_HOURS },
	};

	for (int i = 0; i < 3; i++) {
		uint8_t alarm = s->cmos[pairs[i][0]];

		/* 11xxxxxx is "don't care" (datasheet: alarm interrupt) */
		if ((alarm & 0xc0) != 0xc0 && alarm != s->cmos[pairs[i][1]])
			return false;
	}
	return true;
}

/* End of an update cycle: the time registers moved to a new second. */
static void rtc_update_cb(void *opaque)
{
	struct rtc_state *s = opaque;
	int64_t now = rtc_guest_ns(s);
	int64_t sec = floor_div(now, NS_PER_SEC);

	if (rtc_updating(s) && sec != s->last_update_sec) {
		s->last_update_sec = sec;
		rtc_time_to_cmos(s, now);
		s->cmos[RTC_REG_C] |= REG_C_UF;
		if (rtc_alarm_matches(s))
			s->cmos[RTC_REG_C] |= REG_C_AF;
		rtc_update_irq(s);
	}
	rtc_update_timer_arm(s);
}

/* Periodic interrupt period in 32.768 kHz cycles (datasheet table 5), 0: off. */
static int64_t rtc_periodic_cycles(const struct rtc_state *s)
{
	int rs = s->cmos[RTC_REG_A] & REG_A_RS_MASK;

	if (!rs)
		return 0;
	if (rs <= 2)
		rs += 7;	/* RS 1 and 2 repeat rates 8 and 9 */
	return 1 << (rs - 1);
}

static void rtc_periodic_timer_arm(struct rtc_state *s)
{
	int64_t period = rtc_periodic_cycles(s);
	int64_t now, cycles;
	__int128 next_ns;

	if (!period || !rtc_running(s) || !(s->cmos[RTC_REG_B] & REG_B_PIE)) {
		timer_del(s->periodic_timer);
		return;
	}
	/* ticks fall on multiples of the period of the 32 kHz divider chain */
	now = rtc_guest_ns(s);
	cycles = (__int128)now * RTC_HZ / NS_PER_SEC;
	cycles = (floor_div(cycles, period) + 1) * period;
	next_ns = ((__int128)cycles * NS_PER_SEC + RTC_HZ - 1) / RTC_HZ;
	if (next_ns <= now)
		next_ns = now + 1;
	timer_mod_ns(s->periodic_timer, rtc_deadline(s, (int64_t)next_ns));
}

static void rtc_periodic_cb(void *opaque)
{
	struct rtc_state *s = opaque;

	s->cmos[RTC_REG_C] |= REG_C_PF;
	rtc_update_irq(s);
	rtc_periodic_timer_arm(s);
}

static void rtc_timers_update(struct rtc_state *s)
{
	rtc_update_timer_arm(s);
	rtc_periodic_timer_arm(s);
}

/* ---- registers ---- */

static bool rtc_is_time_reg(int idx)
{
	return (idx <= RTC_YEAR && idx != RTC_SECONDS_ALARM && idx != RTC_MINUTES_ALARM &&
		idx != RTC_HOURS_ALARM) || idx == RTC_CENTURY;
}

static uint8_t rtc_cmos_read(struct rtc_state *s, int idx)
{
	uint8_t ret;
	int64_t now;

	if (rtc_is_time_reg(idx)) {
		/* with SET the guest sees (and edits) a frozen copy */
		if (!(s->cmos[RTC_REG_B] & REG_B_SET))
			rtc_time_to_cmos(s, rtc_guest_ns(s));
		return s->cmos[idx];
	}
	switch (idx) {
	case RTC_REG_A:
		ret = s->cmos[RTC_REG_A] & ~REG_A_UIP;
		now = rtc_guest_ns(s);
		if (rtc_updating(s) && now - floor_div(now, NS_PER_SEC) * NS_PER_SEC >=
					NS_PER_SEC - RTC_UIP_NS)
			ret |= REG_A_UIP;
		return ret;
	case RTC_REG_C:
		/* reading C clears all flags and the interrupt (datasheet p.16) */
		rtc_update_cb(s);	/* an update due now is not lost */
		ret = s->cmos[RTC_REG_C];
		s->cmos[RTC_REG_C] = 0;
		irq_line_lower(&s->irq);
		return ret;
	case RTC_REG_D:
		return REG_D_VRT;	/* the battery is always good */
	default:
		return s->cmos[idx];
	}
}

static void rtc_write_reg_a(struct rtc_state *s, uint8_t val)
{
	bool was_running = rtc_running(s);
	int64_t now = rtc_guest_ns(s);

	s->cmos[RTC_REG_A] = val & ~REG_A_UIP;
	if (was_running && !rtc_running(s)) {
		s->hold_ns = now;
	} else if (!was_running && rtc_running(s)) {
		/* the first update comes half a second after the divider restarts */
		s->offset_ns = floor_div(s->hold_ns, NS_PER_SEC) * NS_PER_SEC + NS_PER_SEC / 2 -
			       clock_get_ns(s->clock);
		s->last_update_sec = floor_div(s->hold_ns, NS_PER_SEC);
	}
	rtc_timers_update(s);
}

static void rtc_write_reg_b(struct rtc_state *s, uint8_t val)
{
	uint8_t old = s->cmos[RTC_REG_B];
	int64_t now = rtc_guest_ns(s);

	if ((val & REG_B_SET) && !(old & REG_B_SET)) {
		rtc_time_to_cmos(s, now);	/* freeze what the guest will edit */
		val &= ~REG_B_UIE;		/* SET clears UIE (datasheet p.15) */
	} else if (!(val & REG_B_SET) && (old & REG_B_SET)) {
		int64_t sec = rtc_time_from_cmos(s);

		/* keep the divider's phase: only the seconds change */
		rtc_set_guest_ns(s, sec * NS_PER_SEC + (now - floor_div(now, NS_PER_SEC) * NS_PER_SEC));
		s->last_update_sec = sec;
	}
	if (val & REG_B_SET)
		val &= ~REG_B_UIE;
	s->cmos[RTC_REG_B] = val;
	rtc_update_irq(s);
	rtc_timers_update(s);
}

static void rtc_write_time_reg(struct rtc_state *s, int idx, uint8_t val)
{
	int64_t now, sec;

	if (s->cmos[RTC_REG_B] & REG_B_SET) {
		s->cmos[idx] = val;
		return;
	}
	now = rtc_guest_ns(s);
	rtc_time_to_cmos(s, now);
	s->cmos[idx] = val;
	sec = rtc_time_from_cmos(s);
	rtc_set_guest_ns(s, sec * NS_PER_SEC + (now - floor_div(now, NS_PER_SEC) * NS_PER_SEC));
	s->last_update_sec = sec;
	rtc_timers_update(s);
}

static void rtc_cmos_write(struct rtc_state *s, int idx, uint8_t val)
{
	if (rtc_is_time_reg(idx)) {
		rtc_write_time_reg(s, idx, val);
		return;
	}
	switch (idx) {
	case RTC_REG_A:
		rtc_write_reg_a(s, val);
		break;
	case RTC_REG_B:
		rtc_write_reg_b(s, val);
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		guest_error("rtc: write 0x%02x to read-only register 0x%x", val, idx);
		break;
	default:
		s->cmos[idx] = val;
		break;
	}
}

static uint64_t rtc_io_read(void *opaque, uint64_t offset, unsigned size)
{
	struct rtc_state *s = opaque;

	if (offset == 0)
		return 0xff;	/* the index port is write-only */
	return rtc_cmos_read(s, s->index & 0x7f);
}

static void rtc_io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct rtc_state *s = opaque;

	if (offset == 0)
		s->index = value;	/* bit 7 masks NMI on a PC; not modelled */
	else
		rtc_cmos_write(s, s->index & 0x7f, value);
}

static const struct memory_region_ops rtc_io_ops = {
	.read = rtc_io_read,
	.write = rtc_io_write,
	.valid = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- life cycle ---- */

/* Guest time at start-up from base= (utc, localtime or a date). */
static bool rtc_parse_base(const char *base, int64_t *ns, GError **errp)
{
	int64_t host = clock_get_ns(CLOCK_HOST);
	struct tm tm = { 0 };
	int n = 0;

	if (!base || !strcmp(base, "utc")) {
		*ns = host;
		return true;
	}
	if (!strcmp(base, "localtime")) {
		time_t t = host / NS_PER_SEC;

		localtime_r(&t, &tm);
		*ns = host + (int64_t)tm.tm_gmtoff * NS_PER_SEC;
		return true;
	}
	if ((sscanf(base, "%d-%d-%dT%d:%d:%d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) == 6 && !base[n]) ||
	    (sscanf(base, "%d-%d-%d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) == 3 &&
	     !base[n])) {
		if (tm.tm_year >= 1900 && tm.tm_year < 10000 && tm.tm_mon >= 1 && tm.tm_mon <= 12 &&
		    tm.tm_mday >= 1 && tm.tm_mday <= 31 && tm.tm_hour < 24 && tm.tm_min < 60 &&
		    tm.tm_sec < 60 && tm.tm_hour >= 0 && tm.tm_min >= 0 && tm.tm_sec >= 0) {
			tm.tm_year -= 1900;
			tm.tm_mon -= 1;
			*ns = (int64_t)timegm(&tm) * NS_PER_SEC;
			return true;
		}
	}
	g_set_error(errp, KEMU_ERROR, 0,
		    "mc146818rtc: base '%s': expects utc, localtime or YYYY-MM-DD[THH:MM:SS]", base);
	return false;
}

static bool rtc_realize(struct device *dev, GError **errp)
{
	struct rtc_state *s = RTC(dev);
	int64_t start_ns;

	if (!s->clock_name || !strcmp(s->clock_name, "host")) {
		s->clock = CLOCK_HOST;
	} else if (!strcmp(s->clock_name, "vm")) {
		s->clock = CLOCK_VIRTUAL;
	} else if (!strcmp(s->clock_name, "rt")) {
		s->clock = CLOCK_HOST_MONOTONIC;
	} else {
		g_set_error(errp, KEMU_ERROR, 0, "mc146818rtc: clock '%s': expects host, vm or rt",
			    s->clock_name);
		return false;
	}
	if (!rtc_parse_base(s->base, &start_ns, errp))
		return false;
	if (s->iobase > 0xfffe || s->isairq >= ISA_NUM_IRQS) {
		g_set_error(errp, KEMU_ERROR, 0, "mc146818rtc: iobase 0x%x or irq %u out of range",
			    s->iobase, s->isairq);
		return false;
	}

	/* power-on register values (datasheet p.14: A and B are not reset) */
	s->cmos[RTC_REG_A] = 0x26;	/* 32.768 kHz, 1024 Hz periodic rate */
	s->cmos[RTC_REG_B] = REG_B_24H;
	s->cmos[RTC_REG_D] = REG_D_VRT;
	s->offset_ns = start_ns - clock_get_ns(s->clock);
	s->last_update_sec = floor_div(start_ns, NS_PER_SEC);
	rtc_time_to_cmos(s, start_ns);

	s->update_timer = timer_new_ns(CLOCK_VIRTUAL, rtc_update_cb, s);
	s->periodic_timer = timer_new_ns(CLOCK_VIRTUAL, rtc_periodic_cb, s);
	memory_region_init_io(&s->io, OBJECT(dev), &rtc_io_ops, s, "rtc", 2);
	isa_register_ioport(ISA_DEVICE(dev), &s->io, s->iobase);
	isa_connect_irq(ISA_DEVICE(dev), &s->irq, s->isairq);
	return true;
}

static void rtc_unrealize(struct device *dev)
{
	struct rtc_state *s = RTC(dev);

	timer_free(s->update_timer);
	timer_free(s->periodic_timer);
	s->update_timer = s->periodic_timer = NULL;
	memory_region_destroy(&s->io);
}

/* RESET pin: interrupt enables and flags clear, time and RAM stay (p.11). */
static void rtc_reset(struct device *dev)
{
	struct rtc_state *s = RTC(dev);

	s->cmos[RTC_REG_B] &= ~(REG_B_PIE | REG_B_AIE | REG_B_UIE | REG_B_SQWE);
	s->cmos[RTC_REG_C] = 0;
	irq_line_lower(&s->irq);
	rtc_timers_update(s);
}

void rtc_set_cmos(struct device *dev, int addr, uint8_t val)
{
	if (addr >= 0 && addr < 128)
		RTC(dev)->cmos[addr] = val;
}

uint8_t rtc_get_cmos(struct device *dev, int addr)
{
	return addr >= 0 && addr < 128 ? RTC(dev)->cmos[addr] : 0xff;
}

static const struct vmstate_field rtc_fields[] = {
	VMSTATE_U8_ARRAY(struct rtc_state, cmos, 128),
	VMSTATE_U8(struct rtc_state, index),
	VMSTATE_I64(struct rtc_state, offset_ns),
	VMSTATE_I64(struct rtc_state, hold_ns),
	VMSTATE_I64(struct rtc_state, last_update_sec),
	VMSTATE_TIMER(struct rtc_state, update_timer),
	VMSTATE_TIMER(struct rtc_state, periodic_timer),
	VMSTATE_END
};

static const struct property rtc_props[] = {
	PROP_STRING("base", struct rtc_state, base, "utc"),
	PROP_STRING("clock", struct rtc_state, clock_name, "host"),
	PROP_U32("iobase", struct rtc_state, iobase, 0x70),
	PROP_U32("irq", struct rtc_state, isairq, 8),
	PROP_END
};

DEFINE_DEVICE_TYPE(mc146818_rtc, TYPE_MC146818_RTC, TYPE_ISA_DEVICE, struct rtc_state,
		   .realize = rtc_realize, .unrealize = rtc_unrealize, .reset = rtc_reset,
		   .props = rtc_props, .vmstate = rtc_fields, .vmstate_version = 1,
		   .desc = "MC146818 real-time clock and CMOS RAM", .category = "misc");

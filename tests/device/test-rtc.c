// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MC146818 RTC on the harness (ports 0x70/0x71, ISA IRQ 8), date fixed by
 * base= and moved by the virtual clock (clock=vm). Behaviour from the
 * Motorola MC146818A data sheet.
 */
#include "harness.h"
#include "hw/rtc/mc146818rtc.h"

#define R_SEC 0x00
#define R_SEC_ALARM 0x01
#define R_MIN 0x02
#define R_MIN_ALARM 0x03
#define R_HOUR 0x04
#define R_HOUR_ALARM 0x05
#define R_WDAY 0x06
#define R_MDAY 0x07
#define R_MONTH 0x08
#define R_YEAR 0x09
#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d
#define R_CENTURY 0x32

static struct device *dev;

static uint8_t cmos_read(uint8_t idx)
{
	outb(0x70, idx);
	return inb(0x71);
}

static void cmos_write(uint8_t idx, uint8_t val)
{
	outb(0x70, idx);
	outb(0x71, val);
}

static void setup_at(const char *base)
{
	g_autofree char *opts = g_strdup_printf("mc146818rtc,clock=vm,base=%s", base);

	harness_init();
	dev = harness_device_new(opts);
	harness_realize(dev);
}

static void setup(void)
{
	setup_at("2026-11-25T12:00:00");	/* a Wednesday */
}

static void teardown(void)
{
	device_unrealize(dev);
	object_unref(OBJECT(dev));
}

static int irq8(void)
{
	return harness_isa_irq(8)->level;
}

static void test_rtc_time_registers_show_base_date_in_bcd(void)
{
	setup();
	g_assert_cmphex(cmos_read(R_SEC), ==, 0x00);
	g_assert_cmphex(cmos_read(R_MIN), ==, 0x00);
	g_assert_cmphex(cmos_read(R_HOUR), ==, 0x12);
	g_assert_cmphex(cmos_read(R_WDAY), ==, 0x04);	/* Sunday = 1 */
	g_assert_cmphex(cmos_read(R_MDAY), ==, 0x25);
	g_assert_cmphex(cmos_read(R_MONTH), ==, 0x11);
	g_assert_cmphex(cmos_read(R_YEAR), ==, 0x26);
	g_assert_cmphex(cmos_read(R_CENTURY), ==, 0x20);
	g_assert_cmphex(cmos_read(REG_A), ==, 0x26);
	g_assert_cmphex(cmos_read(REG_B), ==, 0x02);
	teardown();
}

static void test_rtc_update_cycle_advances_seconds_on_virtual_clock(void)
{
	setup();
	clock_step(NS_PER_SEC - 1);
	g_assert_cmphex(cmos_read(R_SEC), ==, 0x00);
	clock_step(1);
	g_assert_cmphex(cmos_read(R_SEC), ==, 0x01);
	clock_step(59 * NS_PER_SEC);
	g_assert_cmphex(cmos_read(R_SEC), ==, 0x00);
	g_assert_cmphex(cmos_read(R_MIN), ==, 0x01);
	teardown();
}

static void test_rtc_uip_set_244us_before_each_update(void)
{
	setup();
	clock_step(NS_PER_SEC - 244140 - 1000);
	g_assert_cmphex(cmos_read(REG_A) & 0x80, ==, 0);
	clock_step(2000);
	g_assert_cmphex(cmos_read(REG_A) & 0x80, ==, 0x80);
	g_assert_cmphex(cmos_read(R_SEC), ==, 0x00);	/* not yet updated */
	clock_step(244140);
	g_assert_cmphex(cmos_read(REG_A) & 0x80, ==, 0);
	g_assert_cmphex(cmos_read(R_SEC), ==, 0x01);
	teardown();
}

static void test_rtc_update_ended_interrupt_once_per_second(void)
{
	setup();
	cmos_write(REG_B, 0x02 | 0x10);
	for (int i = 1; i <= 5; i++) {
		clock_step(NS_PER_SEC / 2);
		g_assert_cmpint(irq8(), ==, 0);
		clock_step(NS_PER_SEC / 2);
		g_assert_cmpint(irq8(), ==, 1);
		g_assert_cmpint(harness_isa_irq(8)->raises, ==, i);
		g_assert_cmphex(cmos_read(REG_C), ==, 0x90);	/* IRQF | UF */
		g_assert_cmpint(irq8(), ==, 0);
	}
	teardown();
}

static void test_rtc_reg_c_clears_on_read(void)
{
	setup();
	clock_step(NS_PER_SEC);
	g_assert_cmphex(cmos_read(REG_C), ==, 0x10);	/* UF without UIE: no IRQF */
	g_assert_cmphex(cmos_read(REG_C), ==, 0x00);
	teardown();
}

static void test_rtc_enabling_uie_with_uf_pending_raises_irq(void)
{
	setup();
	clock_step(NS_PER_SEC);
	g_assert_cmpint(irq8(), ==, 0);
	cmos_write(REG_B, 0x02 | 0x10);
	g_assert_cmpint(irq8(), ==, 1);
	g_assert_cmphex(cmos_read(REG_C), ==, 0x90);
	teardown();
}

static void test_rtc_binary_mode(void)
{
	setup();
	cmos_write(REG_B, 0x06);
	g_assert_cmphex(cmos_read(R_HOUR), ==, 12);
	g_assert_cmphex(cmos_read(R_MDAY), ==, 25);
	g_assert_cmphex(cmos_read(R_YEAR), ==, 26);
	g_assert_cmphex(cmos_read(R_CENTURY), ==, 20);
	teardown();
}

static void test_rtc_12_hour_mode_sets_pm_bit(void)
{
	setup();
	cmos_write(REG_B, 0x00);		/* BCD, 12-hour */
	g_assert_cmphex(cmos_read(R_HOUR), ==, 0x92);	/* 12 PM */
	teardown();

	setup_at("2026-11-25T00:30:00");
	cmos_write(REG_B, 0x00);
	g_assert_cmphex(cmos_read(R_HOUR), ==, 0x12);	/* 12 AM */
	cmos_write(REG_B, 0x80);
	cmos_write(R_HOUR, 0x81);			/* 1 PM */
	cmos_write(REG_B, 0x02);		/* 24-hour, running */
	g_assert_cmphex(cmos_read(R_HOUR), ==, 0x13);
	teardown();
}

static void test_rtc_set_bit_freezes_time_and_guest_sets_new_time(void)
{
	setup();
	cmos_write(REG_B, 0x82);
	cmos_write(R_HOUR, 0x08);
	cmos_write(R_MIN, 0x45);
	cmos_write(R_SEC, 0x30);
	cmos_write(R_YEAR, 0x30);
	clock_step(3 * NS_PER_SEC);
	g_assert_cmphex(cmos_read(R_SEC), ==, 0x30);	/* frozen while SET */
	g_assert_cmphex(cmos_read(REG_C), ==, 0);	/* and no update cycles */
	cmos_write(REG_B, 0x02);
	g_assert_cmphex(cmos_read(R_HOUR), ==, 0x08);
	g_assert_cmphex(cmos_read(R_MIN), ==, 0x45);
	g_assert_cmphex(cmos_read(R_SEC), ==, 0x30);
	g_assert_cmphex(cmos_read(R_YEAR), ==, 0x30);
	clock_step(NS_PER_SEC);
	g_assert_cmphex(cmos_read(R_SEC), ==, 0x31);
	teardown();
}

static void test_rtc_set_bit_clears_uie(void)
{
	setup();
	cmos_write(REG_B, 0x12);
	cmos_write(REG_B, 0x92);
	g_assert_cmphex(cmos_read(REG_B), ==, 0x82);
	teardown();
}

static void test_rtc_alarm_interrupt_at_matching_time(void)
{
	setup();
	cmos_write(R_HOUR_ALARM, 0x12);
	cmos_write(R_MIN_ALARM, 0x00);
	cmos_write(R_SEC_ALARM, 0x03);
	cmos_write(REG_B, 0x02 | 0x20);
	clock_step(2 * NS_PER_SEC);
	g_assert_cmpint(irq8(), ==, 0);
	g_assert_cmphex(cmos_read(REG_C) & 0x20, ==, 0);
	clock_step(NS_PER_SEC);
	g_assert_cmpint(irq8(), ==, 1);
	g_assert_cmphex(cmos_read(REG_C), ==, 0x80 | 0x20 | 0x10);
	clock_step(NS_PER_SEC);
	g_assert_cmphex(cmos_read(REG_C) & 0x20, ==, 0);
	teardown();
}

static void test_rtc_alarm_dont_care_fires_every_minute(void)
{
	int fired = 0;

	setup();
	cmos_write(R_HOUR_ALARM, 0xc0);
	cmos_write(R_MIN_ALARM, 0xff);
	cmos_write(R_SEC_ALARM, 0x05);
	for (int i = 0; i < 180; i++) {
		clock_step(NS_PER_SEC);
		if (cmos_read(REG_C) & 0x20)
			fired++;
	}
	g_assert_cmpint(fired, ==, 3);
	teardown();
}

/* Count periodic interrupts in one second at rate select rs. */
static int count_periodic(int rs, int64_t step)
{
	int count = 0;

	cmos_write(REG_A, 0x20 | rs);
	cmos_write(REG_B, 0x02 | 0x40);
	for (int64_t t = 0; t < NS_PER_SEC; t += step) {
		clock_step(step);
		if (cmos_read(REG_C) & 0x40)
			count++;
	}
	return count;
}

static void test_rtc_periodic_interrupt_rates_follow_rs(void)
{
	static const struct { int rs; int hz; } cases[] = {
		{ 1, 256 }, { 2, 128 }, { 3, 8192 }, { 6, 1024 }, { 10, 64 }, { 15, 2 },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		int n;

		setup();
		n = count_periodic(cases[i].rs, 50 * NS_PER_US);
		g_assert_cmpint(n, >=, cases[i].hz - 1);
		g_assert_cmpint(n, <=, cases[i].hz + 1);
		teardown();
	}
}

static void test_rtc_periodic_interrupt_raises_irq_only_with_pie(void)
{
	setup();
	cmos_write(REG_A, 0x2f);	/* 2 Hz */
	clock_step(NS_PER_SEC);
	g_assert_cmpint(harness_isa_irq(8)->raises, ==, 0);
	cmos_write(REG_B, 0x42);
	clock_step(NS_PER_SEC / 2);
	g_assert_cmpint(irq8(), ==, 1);
	g_assert_cmphex(cmos_read(REG_C) & 0xc0, ==, 0xc0);
	cmos_write(REG_A, 0x20);	/* RS = 0: off */
	clock_step(NS_PER_SEC);
	g_assert_cmphex(cmos_read(REG_C) & 0x40, ==, 0);
	teardown();
}

static void test_rtc_divider_reset_holds_time_first_update_half_second_after(void)
{
	setup();
	clock_step(300 * NS_PER_MS);
	cmos_write(REG_A, 0x70);
	clock_step(5 * NS_PER_SEC);
	g_assert_cmphex(cmos_read(R_SEC), ==, 0x00);
	g_assert_cmphex(cmos_read(REG_A) & 0x80, ==, 0);
	cmos_write(REG_A, 0x26);
	clock_step(499 * NS_PER_MS);
	g_assert_cmphex(cmos_read(R_SEC), ==, 0x00);
	clock_step(2 * NS_PER_MS);
	g_assert_cmphex(cmos_read(R_SEC), ==, 0x01);
	teardown();
}

static void test_rtc_reg_d_vrt_and_nmi_bit_of_index_ignored(void)
{
	setup();
	g_assert_cmphex(cmos_read(REG_D), ==, 0x80);
	g_assert_cmphex(cmos_read(0x80 | REG_D), ==, 0x80);
	g_assert_cmphex(inb(0x70), ==, 0xff);	/* index port is write-only */
	teardown();
}

static void test_rtc_cmos_ram_from_board_and_guest(void)
{
	setup();
	rtc_set_cmos(dev, 0x34, 0xab);
	g_assert_cmphex(cmos_read(0x34), ==, 0xab);
	cmos_write(0x40, 0x5a);
	g_assert_cmphex(rtc_get_cmos(dev, 0x40), ==, 0x5a);
	g_assert_cmphex(cmos_read(0x7f), ==, 0);
	rtc_set_cmos(dev, 200, 1);		/* out of range: ignored */
	teardown();
}

static void test_rtc_reset_clears_enables_and_flags_keeps_time_and_ram(void)
{
	setup();
	cmos_write(0x40, 0x11);
	cmos_write(REG_B, 0x72);
	clock_step(NS_PER_SEC);
	g_assert_cmpint(irq8(), ==, 1);
	device_reset(dev);
	g_assert_cmpint(irq8(), ==, 0);
	g_assert_cmphex(cmos_read(REG_B), ==, 0x02);
	g_assert_cmphex(cmos_read(REG_C), ==, 0);
	g_assert_cmphex(cmos_read(R_SEC), ==, 0x01);
	g_assert_cmphex(cmos_read(0x40), ==, 0x11);
	teardown();
}

static void test_rtc_century_rolls_over(void)
{
	setup_at("2099-12-31T23:59:59");
	clock_step(NS_PER_SEC);
	g_assert_cmphex(cmos_read(R_YEAR), ==, 0x00);
	g_assert_cmphex(cmos_read(R_CENTURY), ==, 0x21);
	g_assert_cmphex(cmos_read(R_MONTH), ==, 0x01);
	g_assert_cmphex(cmos_read(R_MDAY), ==, 0x01);
	teardown();
}

static void test_rtc_bad_base_and_clock_are_refused(void)
{
	GError *err = NULL;
	struct device *d;

	harness_init();
	d = harness_device_new("mc146818rtc,base=yesterday");
	g_assert_false(device_realize(d, &err));
	g_assert_nonnull(strstr(err->message, "base 'yesterday'"));
	g_clear_error(&err);
	object_unref(OBJECT(d));
	d = harness_device_new("mc146818rtc,clock=sundial");
	g_assert_false(device_realize(d, &err));
	g_assert_nonnull(strstr(err->message, "clock 'sundial'"));
	g_clear_error(&err);
	object_unref(OBJECT(d));
}

static void test_rtc_garbage_time_registers_do_not_crash(void)
{
	setup();
	cmos_write(REG_B, 0x82);
	for (int r = 0; r <= 9; r++)
		cmos_write(r, 0xff);
	cmos_write(R_CENTURY, 0xff);
	cmos_write(REG_B, 0x02);
	clock_step(NS_PER_SEC);
	for (int r = 0; r < 0x80; r++)
		cmos_read(r);
	teardown();
}

static void test_rtc_state_survives_save_and_load(void)
{
	const struct vmstate_description *vmsd;
	GByteArray *saved;
	GError *err = NULL;

	setup();
	cmos_write(0x50, 0x99);
	cmos_write(REG_B, 0x82);
	cmos_write(R_MIN, 0x42);
	cmos_write(REG_B, 0x02);
	vmsd = &DEVICE_GET_CLASS(dev)->vmsd;
	saved = vmstate_save(vmsd, dev);
	cmos_write(0x50, 0);
	cmos_write(R_MIN, 0x10);
	g_assert_true(vmstate_load(vmsd, dev, saved->data, saved->len, &err));
	g_assert_no_error(err);
	g_assert_cmphex(cmos_read(0x50), ==, 0x99);
	g_assert_cmphex(cmos_read(R_MIN), ==, 0x42);
	g_byte_array_free(saved, TRUE);
	teardown();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define T(name) g_test_add_func("/rtc/" #name, test_rtc_##name)
	T(time_registers_show_base_date_in_bcd);
	T(update_cycle_advances_seconds_on_virtual_clock);
	T(uip_set_244us_before_each_update);
	T(update_ended_interrupt_once_per_second);
	T(reg_c_clears_on_read);
	T(enabling_uie_with_uf_pending_raises_irq);
	T(binary_mode);
	T(12_hour_mode_sets_pm_bit);
	T(set_bit_freezes_time_and_guest_sets_new_time);
	T(set_bit_clears_uie);
	T(alarm_interrupt_at_matching_time);
	T(alarm_dont_care_fires_every_minute);
	T(periodic_interrupt_rates_follow_rs);
	T(periodic_interrupt_raises_irq_only_with_pie);
	T(divider_reset_holds_time_first_update_half_second_after);
	T(reg_d_vrt_and_nmi_bit_of_index_ignored);
	T(cmos_ram_from_board_and_guest);
	T(reset_clears_enables_and_flags_keeps_time_and_ram);
	T(century_rolls_over);
	T(bad_base_and_clock_are_refused);
	T(garbage_time_registers_do_not_crash);
	T(state_survives_save_and_load);
	return g_test_run();
}

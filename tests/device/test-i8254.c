// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 8254 PIT: the OUT waveform of every mode over virtual time, counter
 * latch, read-back, BCD counting, byte access modes and gates (Intel 82C54
 * data sheet, "Mode definitions" and "Read-back command").
 */
#include "harness.h"
#include "hw/timer/i8254.h"

static struct pit_state *pit;
static struct irq_probe irq0;

static void setup(void)
{
	pit = PIT(device_new(TYPE_I8254));
	harness_realize(DEVICE(pit));
	harness_map_io(pit_io_region(pit), 0x40);
	harness_irq_probe(pit_irq_line(pit), &irq0);
}

static void teardown(void)
{
	device_unrealize(DEVICE(pit));
	object_unref(OBJECT(pit));
	pit = NULL;
}

/* Virtual time from the last programming to the start of CLK tick n. */
static int64_t tick_ns(int64_t n)
{
	return (n * NS_PER_SEC + PIT_FREQ - 1) / PIT_FREQ;
}

static int64_t now(void)
{
	return clock_get_ns(CLOCK_VIRTUAL);
}

/* Step to exactly tick n after t0. */
static void step_to_tick(int64_t t0, int64_t n)
{
	int64_t target = t0 + tick_ns(n);

	g_assert_cmpint(target, >=, now());
	clock_step(target - now());
}

static void program(int ch, int mode, int bcd, uint16_t count)
{
	outb(0x43, ch << 6 | 3 << 4 | mode << 1 | bcd);
	outb(0x40 + ch, count & 0xff);
	outb(0x40 + ch, count >> 8);
}

static uint16_t read_count_latched(int ch)
{
	uint16_t v;

	outb(0x43, ch << 6);		/* counter latch command */
	v = inb(0x40 + ch);
	return v | inb(0x40 + ch) << 8;
}

static uint8_t read_status(int ch)
{
	outb(0x43, 0xe0 | 2 << ch);	/* read-back: status only */
	return inb(0x40 + ch);
}


/* Save the device's state, reset it, restore the saved state. */
static void save_reset_restore(struct device *dev)
{
	const struct vmstate_description *vmsd = &DEVICE_GET_CLASS(dev)->vmsd;
	GByteArray *saved = vmstate_save(vmsd, dev);
	GError *err = NULL;

	device_reset(dev);
	g_assert_true(vmstate_load(vmsd, dev, saved->data, saved->len, &err));
	g_byte_array_unref(saved);
}

static void test_pit_state_survives_save_and_restore(void)
{
	int64_t t0;

	setup();
	program(0, 2, 0, 1000);
	t0 = now();
	step_to_tick(t0, 300);
	save_reset_restore(DEVICE(pit));
	g_assert_cmpint(read_count_latched(0), ==, 700);
	g_assert_cmpint(pit_next_event_ns(pit), ==, t0 + tick_ns(1000));
	{
		g_autoptr(GString) info = g_string_new(NULL);

		pit_print_info(pit, info);
		g_assert_nonnull(strstr(info->str, "pit counter 0: mode 2 bin count 1000 value 700"));
	}
	teardown();
}

static void test_pit_mode0_out_rises_at_terminal_count_and_stays_high(void)
{
	int64_t t0;

	setup();
	outb(0x43, 0x30);		/* counter 0, lobyte/hibyte, mode 0 */
	g_assert_cmpint(irq0.level, ==, 0);	/* OUT low after the control word */
	outb(0x40, 100);
	outb(0x40, 0);
	t0 = now();
	step_to_tick(t0, 99);
	g_assert_cmpint(irq0.level, ==, 0);
	g_assert_cmpint(read_count_latched(0), ==, 1);
	step_to_tick(t0, 100);
	g_assert_cmpint(irq0.level, ==, 1);
	g_assert_cmpint(irq0.raises, ==, 1);
	clock_step(NS_PER_SEC);
	g_assert_cmpint(irq0.raises, ==, 1);
	g_assert_cmpint(irq0.lowers, ==, 0);
	/* after terminal count nothing is left to deliver: no timer armed */
	g_assert_cmpint(pit_next_event_ns(pit), ==, -1);
	teardown();
}

static void test_pit_mode0_first_byte_of_new_count_stops_and_lowers_out(void)
{
	int64_t t0;

	setup();
	program(0, 0, 0, 10);
	clock_step(NS_PER_MS);
	g_assert_cmpint(irq0.level, ==, 1);
	outb(0x40, 20);			/* first byte: OUT low, counting stops */
	g_assert_cmpint(irq0.level, ==, 0);
	clock_step(NS_PER_MS);
	g_assert_cmpint(irq0.level, ==, 0);
	outb(0x40, 0);			/* second byte: count 20 starts */
	t0 = now();
	step_to_tick(t0, 19);
	g_assert_cmpint(irq0.level, ==, 0);
	step_to_tick(t0, 20);
	g_assert_cmpint(irq0.level, ==, 1);
	teardown();
}

static void test_pit_mode0_gate_low_suspends_counting(void)
{
	int64_t t0;

	setup();
	pit_set_gate(pit, 2, 1);
	program(2, 0, 0, 100);
	t0 = now();
	step_to_tick(t0, 40);
	pit_set_gate(pit, 2, 0);
	clock_step(NS_PER_MS);		/* ~1193 ticks pass while suspended */
	g_assert_cmpint(read_count_latched(2), ==, 60);
	pit_set_gate(pit, 2, 1);
	t0 = now();
	step_to_tick(t0, 59);
	g_assert_cmpint(pit_get_out(pit, 2, now()), ==, 0);
	step_to_tick(t0, 60);
	g_assert_cmpint(pit_get_out(pit, 2, now()), ==, 1);
	teardown();
}

static void test_pit_mode1_one_shot_starts_on_gate_rising_edge(void)
{
	int64_t t0;

	setup();
	program(2, 1, 0, 50);
	g_assert_cmpint(pit_get_out(pit, 2, now()), ==, 1);
	clock_step(NS_PER_MS);		/* no trigger yet: stays high */
	g_assert_cmpint(pit_get_out(pit, 2, now()), ==, 1);
	pit_set_gate(pit, 2, 1);
	t0 = now();
	g_assert_cmpint(pit_get_out(pit, 2, now()), ==, 0);
	step_to_tick(t0, 49);
	g_assert_cmpint(pit_get_out(pit, 2, now()), ==, 0);
	step_to_tick(t0, 50);
	g_assert_cmpint(pit_get_out(pit, 2, now()), ==, 1);
	/* retriggerable: another rising edge starts a new pulse */
	pit_set_gate(pit, 2, 0);
	pit_set_gate(pit, 2, 1);
	g_assert_cmpint(pit_get_out(pit, 2, now()), ==, 0);
	teardown();
}

static void test_pit_mode2_rate_generator_pulses_once_every_n_clocks(void)
{
	int64_t t0;

	setup();
	program(0, 2, 0, 1193);
	t0 = now();
	g_assert_cmpint(irq0.level, ==, 1);
	g_assert_cmpint(pit_get_out(pit, 0, t0 + tick_ns(1191)), ==, 1);
	g_assert_cmpint(pit_get_out(pit, 0, t0 + tick_ns(1192)), ==, 0);	/* count 1 */
	g_assert_cmpint(pit_get_out(pit, 0, t0 + tick_ns(1193)), ==, 1);	/* reload */
	clock_step(NS_PER_SEC);
	/* 1193182 / 1193: 1000 complete periods in one second, one edge each */
	g_assert_cmpint(irq0.lowers, ==, 1000);
	g_assert_cmpint(irq0.raises, ==, 1001);
	g_assert_cmpint(irq0.level, ==, 1);
	teardown();
}

static void test_pit_mode3_square_wave_is_high_for_half_the_count(void)
{
	int64_t t0;

	setup();
	program(0, 3, 0, 1000);
	t0 = now();
	g_assert_cmpint(pit_get_out(pit, 0, t0 + tick_ns(499)), ==, 1);
	g_assert_cmpint(pit_get_out(pit, 0, t0 + tick_ns(500)), ==, 0);
	g_assert_cmpint(pit_get_out(pit, 0, t0 + tick_ns(999)), ==, 0);
	g_assert_cmpint(pit_get_out(pit, 0, t0 + tick_ns(1000)), ==, 1);
	step_to_tick(t0, 500);
	g_assert_cmpint(irq0.level, ==, 0);
	clock_step(NS_PER_SEC - tick_ns(500));
	/* 1193 rising edges (at 1000, 2000, ...) after the first, 1193 falling ones */
	g_assert_cmpint(irq0.raises, ==, 1 + 1193);
	g_assert_cmpint(irq0.lowers, ==, 1193);
	teardown();
}

static void test_pit_mode3_odd_count_is_high_one_clock_longer(void)
{
	int64_t t0;

	setup();
	pit_set_gate(pit, 2, 1);
	program(2, 3, 0, 5);
	t0 = now();
	g_assert_cmpint(pit_get_out(pit, 2, t0 + tick_ns(2)), ==, 1);
	g_assert_cmpint(pit_get_out(pit, 2, t0 + tick_ns(3)), ==, 0);
	g_assert_cmpint(pit_get_out(pit, 2, t0 + tick_ns(4)), ==, 0);
	g_assert_cmpint(pit_get_out(pit, 2, t0 + tick_ns(5)), ==, 1);
	/* gate low forces OUT high and stops the counter */
	step_to_tick(t0, 3);
	g_assert_cmpint(pit_get_out(pit, 2, now()), ==, 0);
	pit_set_gate(pit, 2, 0);
	g_assert_cmpint(pit_get_out(pit, 2, now()), ==, 1);
	teardown();
}

static void test_pit_mode4_software_strobe_is_one_clock_low(void)
{
	int64_t t0;

	setup();
	program(0, 4, 0, 10);
	t0 = now();
	g_assert_cmpint(irq0.level, ==, 1);
	g_assert_cmpint(pit_get_out(pit, 0, t0 + tick_ns(9)), ==, 1);
	g_assert_cmpint(pit_get_out(pit, 0, t0 + tick_ns(10)), ==, 0);
	g_assert_cmpint(pit_get_out(pit, 0, t0 + tick_ns(11)), ==, 1);
	clock_step(NS_PER_SEC);
	g_assert_cmpint(irq0.lowers, ==, 1);	/* one strobe, no repeat */
	g_assert_cmpint(irq0.level, ==, 1);
	g_assert_cmpint(pit_next_event_ns(pit), ==, -1);
	teardown();
}

static void test_pit_mode5_hardware_strobe_follows_gate_edge(void)
{
	int64_t t0;

	setup();
	program(2, 5, 0, 10);
	clock_step(NS_PER_MS);
	g_assert_cmpint(pit_get_out(pit, 2, now()), ==, 1);	/* waiting for GATE */
	pit_set_gate(pit, 2, 1);
	t0 = now();
	g_assert_cmpint(pit_get_out(pit, 2, t0 + tick_ns(9)), ==, 1);
	g_assert_cmpint(pit_get_out(pit, 2, t0 + tick_ns(10)), ==, 0);
	g_assert_cmpint(pit_get_out(pit, 2, t0 + tick_ns(11)), ==, 1);
	teardown();
}

static void test_pit_mode2_new_count_takes_effect_after_current_period(void)
{
	int64_t t0;

	setup();
	program(0, 2, 0, 1000);
	t0 = now();
	step_to_tick(t0, 300);
	outb(0x40, 500 & 0xff);
	outb(0x40, 500 >> 8);
	g_assert_cmpint(read_status(0) & 0x40, ==, 0x40);	/* not loaded yet */
	step_to_tick(t0, 600);
	g_assert_cmpint(read_count_latched(0), ==, 400);	/* old period goes on */
	step_to_tick(t0, 999);
	g_assert_cmpint(irq0.lowers, ==, 0);
	step_to_tick(t0, 1000);
	g_assert_cmpint(irq0.lowers, ==, 1);			/* old period's end */
	g_assert_cmpint(read_status(0) & 0x40, ==, 0);
	step_to_tick(t0, 1499);
	g_assert_cmpint(irq0.lowers, ==, 1);
	/* new period: 500 (one tick of slack: the new count starts a new timebase) */
	step_to_tick(t0, 1501);
	g_assert_cmpint(irq0.lowers, ==, 2);
	step_to_tick(t0, 2001);
	g_assert_cmpint(irq0.lowers, ==, 3);
	teardown();
}

static void test_pit_counter_latch_holds_value_until_read(void)
{
	int64_t t0;
	uint16_t v;

	setup();
	program(0, 2, 0, 1000);
	t0 = now();
	step_to_tick(t0, 300);
	outb(0x43, 0x00);		/* latch counter 0 */
	clock_step(NS_PER_MS / 10);
	outb(0x43, 0x00);		/* a second latch before reading is ignored */
	v = inb(0x40);
	v |= inb(0x40) << 8;
	g_assert_cmpint(v, ==, 700);
	/* unlatched reads follow the counter again */
	v = inb(0x40);
	v |= inb(0x40) << 8;
	g_assert_cmpint(v, <, 700);
	teardown();
}

static void test_pit_read_back_latches_status_and_count(void)
{
	int64_t t0;
	uint16_t v;

	setup();
	outb(0x43, 0xb4);		/* counter 2, lobyte/hibyte, mode 2, binary */
	g_assert_cmpint(read_status(2) & 0x40, ==, 0x40);	/* null count */
	outb(0x42, 0x00);
	outb(0x42, 0x10);		/* 0x1000 */
	pit_set_gate(pit, 2, 1);
	t0 = now();
	step_to_tick(t0, 16);
	/* status: OUT high, count loaded, RW=3, mode 2, binary */
	g_assert_cmphex(read_status(2), ==, 0x80 | 0x30 | 2 << 1);
	outb(0x43, 0xc8);		/* read-back status and count of counter 2 */
	clock_step(NS_PER_MS);
	g_assert_cmphex(inb(0x42), ==, 0x80 | 0x30 | 2 << 1);	/* status first */
	v = inb(0x42);
	v |= inb(0x42) << 8;
	g_assert_cmpint(v, ==, 0x1000 - 16);	/* latched at the command */
	teardown();
}

static void test_pit_bcd_mode_counts_down_in_decimal(void)
{
	int64_t t0;

	setup();
	pit_set_gate(pit, 2, 1);
	program(2, 0, 1, 0x1234);
	t0 = now();
	step_to_tick(t0, 35);
	g_assert_cmphex(read_count_latched(2), ==, 0x1199);
	step_to_tick(t0, 1234);
	g_assert_cmpint(pit_get_out(pit, 2, now()), ==, 1);
	/* count 0 means 10000 in BCD */
	program(2, 0, 1, 0);
	t0 = now();
	step_to_tick(t0, 1);
	g_assert_cmphex(read_count_latched(2), ==, 0x9999);
	teardown();
}

static void test_pit_lobyte_and_hibyte_only_access_modes(void)
{
	int64_t t0;

	setup();
	pit_set_gate(pit, 2, 1);
	outb(0x43, 0x90);		/* counter 2, LSB only, mode 0 */
	outb(0x42, 200);
	t0 = now();
	step_to_tick(t0, 50);
	g_assert_cmpint(inb(0x42), ==, 150);
	outb(0x43, 0xa0);		/* MSB only: count 0x0200 */
	outb(0x42, 0x02);
	t0 = now();
	step_to_tick(t0, 0x100);
	g_assert_cmpint(inb(0x42), ==, 0x01);
	teardown();
}

static void test_pit_count_zero_means_65536(void)
{
	int64_t t0;

	setup();
	program(0, 2, 0, 0);
	t0 = now();
	step_to_tick(t0, 65535);
	g_assert_cmpint(pit_get_out(pit, 0, now()), ==, 0);	/* low for the last CLK */
	g_assert_cmpint(irq0.lowers, ==, 0);
	step_to_tick(t0, 65536);
	/* the pulse reaches IRQ 0 at its rising edge */
	g_assert_cmpint(irq0.lowers, ==, 1);
	g_assert_cmpint(irq0.level, ==, 1);
	teardown();
}

static void test_pit_periodic_faster_than_20us_is_rate_limited(void)
{
	setup();
	program(0, 2, 0, 2);		/* 1.7 us period: 596591 Hz */
	clock_step(NS_PER_MS);
	/* at most one interrupt per 20 us, each a full low-high pulse */
	g_assert_cmpint(irq0.lowers, >=, 45);
	g_assert_cmpint(irq0.lowers, <=, 50);
	program(0, 3, 0, 4);		/* square wave, same limit */
	irq0.lowers = 0;
	clock_step(NS_PER_MS);
	g_assert_cmpint(irq0.lowers, >=, 45);
	g_assert_cmpint(irq0.lowers, <=, 51);
	teardown();
}

static void test_pit_control_word_stops_counter_and_timer(void)
{
	setup();
	program(0, 2, 0, 100);
	g_assert_cmpint(pit_next_event_ns(pit), >=, 0);
	outb(0x43, 0x34);		/* new control word, no count yet */
	g_assert_cmpint(pit_next_event_ns(pit), ==, -1);
	teardown();
}

/* A hostile guest: random port traffic and gate changes never crash. */
static void test_pit_survives_random_port_traffic(void)
{
	int i;

	setup();
	for (i = 0; i < 20000; i++) {
		switch (g_test_rand_int_range(0, 4)) {
		case 0:
			outb(0x40 + g_test_rand_int_range(0, 4), g_test_rand_int());
			break;
		case 1:
			inb(0x40 + g_test_rand_int_range(0, 4));
			break;
		case 2:
			pit_set_gate(pit, g_test_rand_int_range(0, 3), g_test_rand_int_range(0, 2));
			break;
		case 3:
			clock_step(g_test_rand_int_range(0, 100000));
			break;
		}
	}
	teardown();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	harness_init();
	g_test_add_func("/i8254/mode0-out-rises-at-terminal-count-and-stays-high",
			test_pit_mode0_out_rises_at_terminal_count_and_stays_high);
	g_test_add_func("/i8254/mode0-first-byte-of-new-count-stops-and-lowers-out",
			test_pit_mode0_first_byte_of_new_count_stops_and_lowers_out);
	g_test_add_func("/i8254/mode0-gate-low-suspends-counting",
			test_pit_mode0_gate_low_suspends_counting);
	g_test_add_func("/i8254/mode1-one-shot-starts-on-gate-rising-edge",
			test_pit_mode1_one_shot_starts_on_gate_rising_edge);
	g_test_add_func("/i8254/mode2-rate-generator-pulses-once-every-n-clocks",
			test_pit_mode2_rate_generator_pulses_once_every_n_clocks);
	g_test_add_func("/i8254/mode3-square-wave-is-high-for-half-the-count",
			test_pit_mode3_square_wave_is_high_for_half_the_count);
	g_test_add_func("/i8254/mode3-odd-count-is-high-one-clock-longer",
			test_pit_mode3_odd_count_is_high_one_clock_longer);
	g_test_add_func("/i8254/mode4-software-strobe-is-one-clock-low",
			test_pit_mode4_software_strobe_is_one_clock_low);
	g_test_add_func("/i8254/mode5-hardware-strobe-follows-gate-edge",
			test_pit_mode5_hardware_strobe_follows_gate_edge);
	g_test_add_func("/i8254/mode2-new-count-takes-effect-after-current-period",
			test_pit_mode2_new_count_takes_effect_after_current_period);
	g_test_add_func("/i8254/counter-latch-holds-value-until-read",
			test_pit_counter_latch_holds_value_until_read);
	g_test_add_func("/i8254/read-back-latches-status-and-count",
			test_pit_read_back_latches_status_and_count);
	g_test_add_func("/i8254/bcd-mode-counts-down-in-decimal",
			test_pit_bcd_mode_counts_down_in_decimal);
	g_test_add_func("/i8254/lobyte-and-hibyte-only-access-modes",
			test_pit_lobyte_and_hibyte_only_access_modes);
	g_test_add_func("/i8254/count-zero-means-65536", test_pit_count_zero_means_65536);
	g_test_add_func("/i8254/periodic-faster-than-20us-is-rate-limited",
			test_pit_periodic_faster_than_20us_is_rate_limited);
	g_test_add_func("/i8254/control-word-stops-counter-and-timer",
			test_pit_control_word_stops_counter_and_timer);
	g_test_add_func("/i8254/state-survives-save-and-restore",
			test_pit_state_survives_save_and_restore);
	g_test_add_func("/i8254/survives-random-port-traffic", test_pit_survives_random_port_traffic);
	return g_test_run();
}

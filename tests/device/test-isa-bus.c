// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The harness itself: ISA IRQ probes and the manual virtual clock.
 */
#include "harness.h"
#include "hw/isa/isa.h"

static int fired;
static void tick(void *opaque) { fired++; }

static void test_harness_clock_step_runs_timers_in_order(void)
{
	struct kemu_timer *t = timer_new_ns(CLOCK_VIRTUAL, tick, NULL);

	harness_init();
	timer_mod_ns(t, clock_get_ns(CLOCK_VIRTUAL) + 1000);
	clock_step(999);
	g_assert_cmpint(fired, ==, 0);
	clock_step(1);
	g_assert_cmpint(fired, ==, 1);
	g_assert_cmpint(clock_get_ns(CLOCK_VIRTUAL), ==, 1000);
	timer_free(t);
}

static void test_harness_isa_irq_probe_counts_edges(void)
{
	struct irq_line line;
	struct isa_device dummy;

	harness_init();
	isa_connect_irq(&dummy, &line, 4);
	irq_line_raise(&line);
	irq_line_raise(&line);
	irq_line_lower(&line);
	g_assert_cmpint(harness_isa_irq(4)->raises, ==, 1);
	g_assert_cmpint(harness_isa_irq(4)->lowers, ==, 1);
	g_assert_cmpint(harness_isa_irq(4)->level, ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/harness/clock_step_runs_timers_in_order",
			test_harness_clock_step_runs_timers_in_order);
	g_test_add_func("/harness/isa_irq_probe_counts_edges", test_harness_isa_irq_probe_counts_edges);
	return g_test_run();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * acpi-pm on the harness: PM timer rate on the virtual clock, ACPI enable
 * through SMI_CMD, the SCI for the power button, timer overflow status, and
 * S5 power-off through SLP_TYP/SLP_EN (ACPI 6.4 §4.8.3).
 */
#include "harness.h"
#include "hw/acpi/acpi-pm.h"
#include "hw/acpi/acpi-build.h"

#define PM 0x600
#define PM1_STS (PM + 0)
#define PM1_EN (PM + 2)
#define PM1_CNT (PM + 4)
#define PM_TMR (PM + 8)
#define SMI 0xb2

static struct device *dev;
static struct irq_probe sci;

static void test_pm_timer_ticks_at_3_579545_mhz(void)
{
	uint32_t t0 = inl(PM_TMR), t1;

	clock_step(NS_PER_SEC);
	t1 = inl(PM_TMR);
	g_assert_cmpuint(t1 - t0, >=, 3579544);
	g_assert_cmpuint(t1 - t0, <=, 3579546);
	/* 16-bit read of the low half at the same instant */
	g_assert_cmpuint(inw(PM_TMR), ==, t1 & 0xffff);
	g_assert_cmpuint(acpi_pm_timer_ticks(NS_PER_SEC), ==, 3579545);
	g_assert_cmpuint(acpi_pm_timer_ticks(1000 * NS_PER_SEC), ==, (uint32_t)3579545000ULL);
	g_assert_cmpint(acpi_pm_timer_next_overflow_ns(0), >, 599 * NS_PER_SEC);
	g_assert_cmpuint(acpi_pm_timer_ticks(acpi_pm_timer_next_overflow_ns(0)), ==, 0x80000000u);
}

static void test_pm_acpi_enable_via_smi_cmd_sets_sci_en(void)
{
	g_assert_cmpuint(inw(PM1_CNT) & ACPI_PM1_CNT_SCI_EN, ==, 0);
	outb(SMI, ACPI_ENABLE_VALUE);
	g_assert_cmpuint(inw(PM1_CNT) & ACPI_PM1_CNT_SCI_EN, ==, 1);
	outb(SMI, ACPI_DISABLE_VALUE);
	g_assert_cmpuint(inw(PM1_CNT) & ACPI_PM1_CNT_SCI_EN, ==, 0);
	outb(SMI + 1, 0x5a);
	g_assert_cmpuint(inb(SMI + 1), ==, 0x5a);
	outb(SMI, ACPI_ENABLE_VALUE);
}

static void test_pm_power_button_raises_sci_until_cleared(void)
{
	outw(PM1_EN, ACPI_PM1_STS_PWRBTN);
	acpi_pm_power_button(dev);
	g_assert_cmpuint(inw(PM1_STS) & ACPI_PM1_STS_PWRBTN, !=, 0);
	g_assert_cmpint(sci.level, ==, 1);
	/* write 1 to clear */
	outw(PM1_STS, ACPI_PM1_STS_PWRBTN);
	g_assert_cmpuint(inw(PM1_STS) & ACPI_PM1_STS_PWRBTN, ==, 0);
	g_assert_cmpint(sci.level, ==, 0);
	/* masked: status without SCI */
	outw(PM1_EN, 0);
	acpi_pm_power_button(dev);
	g_assert_cmpint(sci.level, ==, 0);
	outw(PM1_STS, 0xffff);
}

static void test_pm_timer_overflow_sets_tmr_sts(void)
{
	int64_t now = clock_get_ns(CLOCK_VIRTUAL);
	int64_t next = acpi_pm_timer_next_overflow_ns(now);

	outw(PM1_EN, ACPI_PM1_STS_TMR);
	clock_step(next - now - 1000);
	g_assert_cmpuint(inw(PM1_STS) & ACPI_PM1_STS_TMR, ==, 0);
	clock_step(2000);
	g_assert_cmpuint(inw(PM1_STS) & ACPI_PM1_STS_TMR, !=, 0);
	g_assert_cmpint(sci.level, ==, 1);
	outw(PM1_STS, ACPI_PM1_STS_TMR);
	outw(PM1_EN, 0);
	g_assert_cmpint(sci.level, ==, 0);
}

static void test_pm_slp_en_with_s5_type_powers_off(void)
{
	int before = harness_runstate.poweroff_requests;

	/* SLP_TYP of another state: not modelled, ignored */
	outw(PM1_CNT, ACPI_PM1_CNT_SCI_EN | (1 << ACPI_PM1_CNT_SLP_TYP_SHIFT) | ACPI_PM1_CNT_SLP_EN);
	g_assert_cmpint(harness_runstate.poweroff_requests, ==, before);
	g_assert_cmpuint(inw(PM1_CNT) & ACPI_PM1_CNT_SLP_EN, ==, 0);	/* write-only */
	outw(PM1_CNT, ACPI_PM1_CNT_SCI_EN | (ACPI_S5_SLP_TYP << ACPI_PM1_CNT_SLP_TYP_SHIFT) |
	     ACPI_PM1_CNT_SLP_EN);
	g_assert_cmpint(harness_runstate.poweroff_requests, ==, before + 1);
}

static void test_pm_reset_returns_to_legacy_mode(void)
{
	outb(SMI, ACPI_ENABLE_VALUE);
	outw(PM1_EN, ACPI_PM1_STS_PWRBTN);
	device_reset(dev);
	g_assert_cmpuint(inw(PM1_CNT), ==, 0);
	g_assert_cmpuint(inw(PM1_EN), ==, 0);
	/* hostile accesses: unassigned offsets, odd sizes */
	for (unsigned off = 0; off < ACPI_PM_IO_SIZE; off++) {
		outb(PM + off, 0xff);
		inb(PM + off);
		inl(PM + (off & ~3u));
	}
	outw(PM1_CNT, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	harness_init();
	dev = device_new(TYPE_ACPI_PM);
	harness_realize(dev);
	harness_map_io(acpi_pm_io_region(dev), PM);
	harness_map_io(acpi_pm_smi_region(dev), SMI);
	harness_irq_probe(acpi_pm_sci(dev), &sci);

	g_test_add_func("/acpi-pm/timer", test_pm_timer_ticks_at_3_579545_mhz);
	g_test_add_func("/acpi-pm/smi-enable", test_pm_acpi_enable_via_smi_cmd_sets_sci_en);
	g_test_add_func("/acpi-pm/power-button", test_pm_power_button_raises_sci_until_cleared);
	g_test_add_func("/acpi-pm/overflow", test_pm_timer_overflow_sets_tmr_sts);
	g_test_add_func("/acpi-pm/s5", test_pm_slp_en_with_s5_type_powers_off);
	g_test_add_func("/acpi-pm/reset", test_pm_reset_returns_to_legacy_mode);
	return g_test_run();
}

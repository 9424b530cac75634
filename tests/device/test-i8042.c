// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * i8042 keyboard controller on the harness: ports 0x60/0x64, ISA IRQ 1/12.
 */
#include "harness.h"
#include "hw/input/i8042.h"

#define DATA 0x60
#define CMD 0x64
#define STAT_OBF 0x01
#define STAT_SYS 0x04
#define STAT_CMD 0x08
#define STAT_AUX_OBF 0x20
#define STAT_TIMEOUT 0x40

static struct device *dev;
static struct irq_probe a20;

static void setup(void)
{
	harness_init();
	dev = harness_device_new("i8042");
	harness_realize(dev);
	harness_irq_probe(i8042_a20_line(dev), &a20);
}

static void teardown(void)
{
	device_unrealize(dev);
	object_unref(OBJECT(dev));
}

static void test_i8042_reset_status_unlocked_and_empty(void)
{
	setup();
	g_assert_cmphex(inb(CMD), ==, 0x18);	/* unlocked, last write was a command */
	g_assert_cmpint(harness_isa_irq(1)->level, ==, 0);
	teardown();
}

static void test_i8042_self_test_answers_0x55_and_sets_sys(void)
{
	setup();
	outb(CMD, 0xaa);
	g_assert_cmphex(inb(CMD) & (STAT_OBF | STAT_SYS), ==, STAT_OBF | STAT_SYS);
	g_assert_cmpint(harness_isa_irq(1)->level, ==, 1);	/* command byte bit 0 */
	g_assert_cmphex(inb(DATA), ==, 0x55);
	g_assert_cmphex(inb(CMD) & STAT_OBF, ==, 0);
	g_assert_cmpint(harness_isa_irq(1)->level, ==, 0);
	teardown();
}

static void test_i8042_interface_tests_pass(void)
{
	setup();
	outb(CMD, 0xab);
	g_assert_cmphex(inb(DATA), ==, 0x00);
	outb(CMD, 0xa9);
	g_assert_cmphex(inb(DATA), ==, 0x00);
	teardown();
}

static void test_i8042_command_byte_read_write(void)
{
	setup();
	outb(CMD, 0x20);
	g_assert_cmphex(inb(DATA), ==, 0x03);
	outb(CMD, 0x60);
	g_assert_cmphex(inb(CMD) & STAT_CMD, ==, STAT_CMD);
	outb(DATA, 0x44);
	g_assert_cmphex(inb(CMD) & (STAT_CMD | STAT_SYS), ==, STAT_SYS);
	outb(CMD, 0x20);
	g_assert_cmpint(harness_isa_irq(1)->level, ==, 0);	/* KBD_INT now off */
	g_assert_cmphex(inb(DATA), ==, 0x44);
	outb(CMD, 0xad);
	outb(CMD, 0xa7);
	outb(CMD, 0x20);
	g_assert_cmphex(inb(DATA), ==, 0x74);
	outb(CMD, 0xae);
	outb(CMD, 0xa8);
	outb(CMD, 0x20);
	g_assert_cmphex(inb(DATA), ==, 0x44);
	teardown();
}

static void test_i8042_controller_ram_bytes(void)
{
	setup();
	outb(CMD, 0x65);
	outb(DATA, 0x99);
	outb(CMD, 0x25);
	g_assert_cmphex(inb(DATA), ==, 0x99);
	teardown();
}

static void test_i8042_output_port_a20_and_reset(void)
{
	setup();
	outb(CMD, 0xd0);
	g_assert_cmphex(inb(DATA) & 0x03, ==, 0x03);	/* reset inactive, A20 on */
	outb(CMD, 0xd1);
	outb(DATA, 0xdd);				/* A20 off */
	g_assert_cmpint(a20.level, ==, 0);
	g_assert_cmpint(harness_runstate.reset_requests, ==, 0);
	outb(CMD, 0xd1);
	outb(DATA, 0xdf);				/* A20 on */
	g_assert_cmpint(a20.level, ==, 1);
	outb(CMD, 0xd1);
	outb(DATA, 0xde);				/* bit 0 low: reset */
	g_assert_cmpint(harness_runstate.reset_requests, ==, 1);
	teardown();
}

static void test_i8042_output_port_read_shows_obf(void)
{
	setup();
	outb(CMD, 0xd2);
	outb(DATA, 0x11);		/* a byte "from the keyboard" */
	outb(CMD, 0xd0);
	g_assert_cmphex(inb(DATA), ==, 0x11);
	g_assert_cmphex(inb(DATA) & 0x10, ==, 0x10);	/* OBF was set when read */
	teardown();
}

static void test_i8042_hp_a20_commands(void)
{
	setup();
	outb(CMD, 0xdd);
	g_assert_cmpint(a20.level, ==, 0);
	outb(CMD, 0xdf);
	g_assert_cmpint(a20.level, ==, 1);
	teardown();
}

static void test_i8042_pulse_0xfe_resets_0xff_does_not(void)
{
	setup();
	outb(CMD, 0xff);
	g_assert_cmpint(harness_runstate.reset_requests, ==, 0);
	outb(CMD, 0xfe);
	g_assert_cmpint(harness_runstate.reset_requests, ==, 1);
	teardown();
}

static void test_i8042_write_aux_obuf_raises_irq12_with_aux_obf(void)
{
	setup();
	outb(CMD, 0xd3);
	outb(DATA, 0x42);
	g_assert_cmphex(inb(CMD) & (STAT_OBF | STAT_AUX_OBF), ==, STAT_OBF | STAT_AUX_OBF);
	g_assert_cmpint(harness_isa_irq(12)->level, ==, 1);
	g_assert_cmpint(harness_isa_irq(1)->level, ==, 0);
	g_assert_cmphex(inb(DATA), ==, 0x42);
	g_assert_cmpint(harness_isa_irq(12)->level, ==, 0);
	teardown();
}

static void test_i8042_device_bytes_reach_the_ps2_children(void)
{
	setup();
	outb(DATA, 0xf2);		/* keyboard: identify (more in test-ps2.c) */
	g_assert_cmphex(inb(CMD) & (STAT_OBF | STAT_AUX_OBF | STAT_TIMEOUT), ==, STAT_OBF);
	g_assert_cmphex(inb(DATA), ==, 0xfa);
	g_assert_cmphex(inb(DATA), ==, 0xab);
	g_assert_cmphex(inb(DATA), ==, 0x83);
	outb(CMD, 0xd4);
	outb(DATA, 0xf2);		/* mouse: identify */
	g_assert_cmphex(inb(CMD) & (STAT_AUX_OBF | STAT_TIMEOUT), ==, STAT_AUX_OBF);
	g_assert_cmphex(inb(DATA), ==, 0xfa);
	g_assert_cmphex(inb(DATA), ==, 0x00);
	teardown();
}

static void test_i8042_queue_overflow_is_survived(void)
{
	setup();
	for (int i = 0; i < 40; i++)
		outb(CMD, 0xaa);
	for (int i = 0; i < 16; i++)
		g_assert_cmphex(inb(DATA), ==, 0x55);
	g_assert_cmphex(inb(CMD) & STAT_OBF, ==, 0);
	g_assert_cmphex(inb(DATA), ==, 0x55);	/* empty: last byte again */
	teardown();
}

static void test_i8042_every_command_is_harmless(void)
{
	setup();
	for (int c = 0; c < 0x100; c++) {
		if (c >= 0xf0 || c == 0xd1)
			continue;	/* reset lines, tested above */
		outb(CMD, c);
		outb(DATA, 0x5a);
		for (int i = 0; i < 20; i++)
			inb(DATA);
	}
	teardown();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define T(name) g_test_add_func("/i8042/" #name, test_i8042_##name)
	T(reset_status_unlocked_and_empty);
	T(self_test_answers_0x55_and_sets_sys);
	T(interface_tests_pass);
	T(command_byte_read_write);
	T(controller_ram_bytes);
	T(output_port_a20_and_reset);
	T(output_port_read_shows_obf);
	T(hp_a20_commands);
	T(pulse_0xfe_resets_0xff_does_not);
	T(write_aux_obuf_raises_irq12_with_aux_obf);
	T(device_bytes_reach_the_ps2_children);
	T(queue_overflow_is_survived);
	T(every_command_is_harmless);
	return g_test_run();
}

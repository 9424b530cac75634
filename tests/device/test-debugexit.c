// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * isa-debug-exit on the harness: a write of v asks to exit with (v << 1) | 1.
 */
#include "harness.h"

static struct device *new_debugexit(const char *opts)
{
	struct device *d;

	harness_init();
	d = harness_device_new(opts);
	harness_realize(d);
	return d;
}

static void drop(struct device *d)
{
	device_unrealize(d);
	object_unref(OBJECT(d));
}

static void test_debugexit_write_requests_exit_with_value_shifted_or_1(void)
{
	struct device *d = new_debugexit("isa-debug-exit");

	g_assert_cmpint(harness_runstate.exit_requests, ==, 0);
	outb(0x501, 0);
	g_assert_cmpint(harness_runstate.exit_requests, ==, 1);
	g_assert_cmpint(harness_runstate.exit_status, ==, 1);
	outb(0x501, 0x10);
	g_assert_cmpint(harness_runstate.exit_status, ==, 0x21);
	drop(d);
}

static void test_debugexit_iobase_iosize_as_kvm_unit_tests_use_it(void)
{
	struct device *d = new_debugexit("isa-debug-exit,iobase=0xf4,iosize=4");

	outl(0xf4, 0x2a);
	g_assert_cmpint(harness_runstate.exit_requests, ==, 1);
	g_assert_cmpint(harness_runstate.exit_status, ==, 0x55);
	outb(0xf7, 3);		/* any port of the range */
	g_assert_cmpint(harness_runstate.exit_status, ==, 7);
	outb(0xf8, 3);		/* outside: nothing */
	g_assert_cmpint(harness_runstate.exit_requests, ==, 2);
	drop(d);
}

static void test_debugexit_read_returns_zero_and_does_not_exit(void)
{
	struct device *d = new_debugexit("isa-debug-exit");

	g_assert_cmphex(inb(0x501), ==, 0);
	g_assert_cmpint(harness_runstate.exit_requests, ==, 0);
	drop(d);
}

static void test_debugexit_range_beyond_port_space_is_refused(void)
{
	GError *err = NULL;
	struct device *d;

	harness_init();
	d = harness_device_new("isa-debug-exit,iobase=0xfffe,iosize=4");
	g_assert_false(device_realize(d, &err));
	g_assert_nonnull(strstr(err->message, "does not fit"));
	g_error_free(err);
	object_unref(OBJECT(d));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define T(name) g_test_add_func("/debugexit/" #name, test_debugexit_##name)
	T(write_requests_exit_with_value_shifted_or_1);
	T(iobase_iosize_as_kvm_unit_tests_use_it);
	T(read_returns_zero_and_does_not_exit);
	T(range_beyond_port_space_is_refused);
	return g_test_run();
}

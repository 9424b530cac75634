// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Option strings and sizes as QEMU parses them.
 */
#include "kemu/opts.h"

static void test_opts_implied_key_and_escaping(void)
{
	GError *err = NULL;
	struct opts *o = opts_parse("-smp", "4,sockets=2,name=a,,b,flag", "cpus", &err);
	uint64_t n = 0;

	g_assert_no_error(err);
	g_assert_true(opts_get_number(o, "cpus", &n, &err));
	g_assert_cmpuint(n, ==, 4);
	g_assert_cmpstr(opts_get(o, "name"), ==, "a,b");
	g_assert_cmpstr(opts_get(o, "flag"), ==, "on");
	g_assert_false(opts_check_unused(o, &err));
	g_assert_cmpstr(err->message, ==, "-smp: Invalid parameter 'sockets'");
	g_clear_error(&err);
	opts_free(o);
}

static void test_opts_bad_number_names_parameter(void)
{
	GError *err = NULL;
	struct opts *o = opts_parse("-smp", "foo", "cpus", &err);
	uint64_t n = 0;

	g_assert_false(opts_get_number(o, "cpus", &n, &err));
	g_assert_cmpstr(err->message, ==, "-smp foo: Parameter 'cpus' expects a number");
	g_clear_error(&err);
	opts_free(o);
}

static void test_parse_size_suffixes(void)
{
	uint64_t v;

	g_assert_true(parse_size("256", 'M', &v));
	g_assert_cmpuint(v, ==, 256 * MiB);
	g_assert_true(parse_size("4G", 'M', &v));
	g_assert_cmpuint(v, ==, 4 * GiB);
	g_assert_true(parse_size("512k", 'M', &v));
	g_assert_cmpuint(v, ==, 512 * KiB);
	g_assert_true(parse_size("1.5G", 'M', &v));
	g_assert_cmpuint(v, ==, 3 * GiB / 2);
	g_assert_true(parse_size("64MiB", 'M', &v));
	g_assert_cmpuint(v, ==, 64 * MiB);
	g_assert_false(parse_size("", 'M', &v));
	g_assert_false(parse_size("-1", 'M', &v));
	g_assert_false(parse_size("12Q", 'M', &v));
	g_assert_false(parse_size("99999999999999999999", 'M', &v));
	g_assert_false(parse_size("20000000000000E", 'M', &v));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/opts/implied_key_and_escaping", test_opts_implied_key_and_escaping);
	g_test_add_func("/opts/bad_number_names_parameter", test_opts_bad_number_names_parameter);
	g_test_add_func("/opts/parse_size_suffixes", test_parse_size_suffixes);
	return g_test_run();
}

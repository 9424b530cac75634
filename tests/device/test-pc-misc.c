// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Small PC devices on the harness: isa-debugcon, port92, pc-testdev.
 */
#include "harness.h"
#include "chardev/char.h"
#include "hw/misc/pc-testdev.h"
#include "hw/misc/port92.h"

#include <unistd.h>

static void drop(struct device *d)
{
	device_unrealize(d);
	object_unref(OBJECT(d));
}

static void test_debugcon_writes_to_chardev_and_reads_back_0xe9(void)
{
	g_autofree char *dir = g_dir_make_tmp("kemu-debugcon-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "out", NULL);
	g_autofree char *opts = g_strdup_printf("file,id=dc,path=%s", path);
	g_autofree char *contents = NULL;
	GError *err = NULL;
	struct device *d;

	harness_init();
	g_assert_nonnull(chardev_new_from_opts(opts, &err));
	g_assert_no_error(err);
	d = harness_device_new("isa-debugcon,chardev=dc");
	harness_realize(d);
	g_assert_cmphex(inb(0xe9), ==, 0xe9);
	outb(0xe9, 'o');
	outb(0xe9, 'k');
	drop(d);
	chardev_remove_all();
	g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
	g_assert_cmpstr(contents, ==, "ok");
	unlink(path);
	rmdir(dir);
}

static void test_debugcon_without_chardev_discards_output(void)
{
	struct device *d;

	harness_init();
	d = harness_device_new("isa-debugcon,iobase=0x402");
	harness_realize(d);
	outb(0x402, 'x');
	g_assert_cmphex(inb(0x402), ==, 0xe9);
	drop(d);
}

static void test_port92_bit1_drives_a20_line(void)
{
	struct irq_probe a20;
	struct device *d;

	harness_init();
	d = harness_device_new("port92");
	harness_realize(d);
	harness_irq_probe(port92_a20_line(d), &a20);
	outb(0x92, 0x02);
	g_assert_cmpint(a20.level, ==, 1);
	g_assert_cmphex(inb(0x92), ==, 0x02);
	outb(0x92, 0x00);
	g_assert_cmpint(a20.level, ==, 0);
	g_assert_cmpint(harness_runstate.reset_requests, ==, 0);
	drop(d);
}

static void test_port92_bit0_rising_edge_resets(void)
{
	struct device *d;

	harness_init();
	d = harness_device_new("port92");
	harness_realize(d);
	outb(0x92, 0x03);
	g_assert_cmpint(harness_runstate.reset_requests, ==, 1);
	outb(0x92, 0x03);	/* no edge */
	g_assert_cmpint(harness_runstate.reset_requests, ==, 1);
	device_reset(d);	/* the reset clears bit 0, keeps A20 */
	g_assert_cmphex(inb(0x92), ==, 0x02);
	outb(0x92, 0x01);
	g_assert_cmpint(harness_runstate.reset_requests, ==, 2);
	drop(d);
}

static void test_pc_testdev_scratch_port_byte_lanes(void)
{
	struct device *d;

	harness_init();
	d = harness_device_new("pc-testdev");
	harness_realize(d);
	outl(0xe0, 0x12345678);
	g_assert_cmphex(inl(0xe0), ==, 0x12345678);
	g_assert_cmphex(inb(0xe1), ==, 0x56);
	g_assert_cmphex(inw(0xe2), ==, 0x1234);
	outb(0xe3, 0xab);
	g_assert_cmphex(inl(0xe0), ==, 0xab345678);
	/* 0xe8 is the same register, implemented a byte at a time */
	g_assert_cmphex(inl(0xe8), ==, 0xab345678);
	outw(0xe8, 0xbeef);
	g_assert_cmphex(inl(0xe0), ==, 0xab34beef);
	outl(0xe4, 0x1000);	/* flush page: accepted, harmless */
	drop(d);
}

static void test_pc_testdev_irq_port_sets_lines(void)
{
	struct device *d;
	struct irq_probe line20;

	harness_init();
	d = harness_device_new("pc-testdev");
	harness_realize(d);
	harness_irq_probe(pc_testdev_irq_line(d, 20), &line20);
	outb(0x2000 + 10, 1);
	g_assert_cmpint(harness_isa_irq(10)->level, ==, 1);
	outb(0x2000 + 10, 0);
	g_assert_cmpint(harness_isa_irq(10)->level, ==, 0);
	outb(0x2000 + 20, 5);
	g_assert_cmpint(line20.level, ==, 1);
	drop(d);
}

static void test_pc_testdev_iomem_scratch_at_0xff000000(void)
{
	struct device *d;

	harness_init();
	d = harness_device_new("pc-testdev");
	harness_realize(d);
	writel(0xff000000, 0xdeadbeef);
	g_assert_cmphex(readl(0xff000000), ==, 0xdeadbeef);
	g_assert_cmphex(readb(0xff000001), ==, 0xbe);
	writeq(0xff00fff8, 0x0102030405060708ULL);
	g_assert_cmphex(readq(0xff00fff8), ==, 0x0102030405060708ULL);
	drop(d);
}

/* A hostile guest: random port I/O and time steps must never crash or hang. */
static void test_pc_devices_survive_random_port_io(void)
{
	static const struct { uint16_t base, len; } ranges[] = {
		{ 0x60, 5 }, { 0x70, 2 }, { 0x3f8, 8 }, { 0x92, 1 }, { 0xe0, 12 }, { 0xe9, 1 },
		{ 0x2000, 24 },
	};
	static const char *const devs[] = {
		"mc146818rtc,clock=vm", "isa-serial,index=0,chardev=fz", "i8042", "port92",
		"pc-testdev", "isa-debugcon,chardev=fz2",
	};
	struct device *d[G_N_ELEMENTS(devs)];
	GRand *rand = g_rand_new_with_seed(42);
	GError *err = NULL;

	harness_init();
	g_assert_nonnull(chardev_new_from_opts("ringbuf,id=fz", &err));
	g_assert_nonnull(chardev_new_from_opts("null,id=fz2", &err));
	for (size_t i = 0; i < G_N_ELEMENTS(devs); i++) {
		d[i] = harness_device_new(devs[i]);
		harness_realize(d[i]);
	}
	for (int i = 0; i < 200000; i++) {
		unsigned r = g_rand_int_range(rand, 0, G_N_ELEMENTS(ranges));
		uint16_t port = ranges[r].base + g_rand_int_range(rand, 0, ranges[r].len);

		if (g_rand_boolean(rand))
			outb(port, g_rand_int_range(rand, 0, 256));
		else
			inb(port);
		if (i % 64 == 0)
			clock_step(g_rand_int_range(rand, 0, 3 * NS_PER_MS));
	}
	clock_step(10 * NS_PER_SEC);
	for (size_t i = 0; i < G_N_ELEMENTS(devs); i++)
		drop(d[i]);
	chardev_remove_all();
	g_rand_free(rand);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/debugcon/writes_to_chardev_and_reads_back_0xe9",
			test_debugcon_writes_to_chardev_and_reads_back_0xe9);
	g_test_add_func("/debugcon/without_chardev_discards_output",
			test_debugcon_without_chardev_discards_output);
	g_test_add_func("/port92/bit1_drives_a20_line", test_port92_bit1_drives_a20_line);
	g_test_add_func("/port92/bit0_rising_edge_resets", test_port92_bit0_rising_edge_resets);
	g_test_add_func("/pc-testdev/scratch_port_byte_lanes", test_pc_testdev_scratch_port_byte_lanes);
	g_test_add_func("/pc-testdev/irq_port_sets_lines", test_pc_testdev_irq_port_sets_lines);
	g_test_add_func("/pc-testdev/iomem_scratch_at_0xff000000",
			test_pc_testdev_iomem_scratch_at_0xff000000);
	g_test_add_func("/pc-devices/survive_random_port_io", test_pc_devices_survive_random_port_io);
	return g_test_run();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pci-testdev (1b36:0005) as kvm-unit-tests' lib/pci-testdev.c drives it:
 * select a test through BAR0 (MMIO) or BAR1 (I/O), read its header, make 16
 * writes of `width` bytes of `data` at `offset`, read the count back.
 */
#include "pci-helpers.h"

#define MMIO_BASE 0xfe000000
#define PIO_BASE  0xc000

static struct pci_test_machine m;

struct ops {
	uint8_t (*rb)(uint64_t a);
	uint32_t (*rl)(uint64_t a);
	void (*wb)(uint64_t a, uint8_t v);
	void (*wl)(uint64_t a, uint32_t v);
};

static uint8_t io_rb(uint64_t a) { return inb(a); }
static uint32_t io_rl(uint64_t a) { return inl(a); }
static void io_wb(uint64_t a, uint8_t v) { outb(a, v); }
static void io_wl(uint64_t a, uint32_t v) { outl(a, v); }

static const struct ops mmio_ops = { readb, readl, writeb, writel };
static const struct ops pio_ops = { io_rb, io_rl, io_wb, io_wl };

static int setup(const char *opts)
{
	int df;

	pci_test_init(&m);
	harness_realize(harness_device_new(opts));
	df = PCI_DEVFN(1, 0);
	g_assert_cmphex(cfg_readl(df, 0), ==, 0x00051b36);
	cfg_writel(df, PCI_BASE_ADDRESS_0, MMIO_BASE);
	cfg_writel(df, PCI_BASE_ADDRESS_0 + 4, PIO_BASE);
	cfg_writew(df, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	return df;
}

static char *read_name(const struct ops *o, uint64_t base)
{
	GString *s = g_string_new("");
	char c;

	for (int i = 16; (c = o->rb(base + i)) && i < 64; i++)
		g_string_append_c(s, c);
	return g_string_free(s, false);
}

/* kvm-unit-tests' pci_testdev_one(), returning the count it checks */
static uint32_t run_one(const struct ops *o, uint64_t base, int nr, uint8_t *width,
			uint32_t *data, uint32_t *off)
{
	o->wb(base, nr);
	g_assert_cmpuint(o->rl(base + 12), ==, 0);
	*width = o->rb(base + 1);
	*data = o->rl(base + 8);
	*off = o->rl(base + 4);
	for (int i = 0; i < 16; i++)
		o->wb(base + *off, *data);
	return o->rl(base + 12);
}

static void test_pci_testdev_header_and_bars(void)
{
	int df = setup("pci-testdev");

	g_assert_cmphex(cfg_readl(df, PCI_REVISION_ID), ==, 0xff000000);
	g_assert_cmphex(cfg_readb(df, PCI_INTERRUPT_PIN), ==, 0);
	cfg_writew(df, PCI_COMMAND, 0);
	cfg_writel(df, PCI_BASE_ADDRESS_0, 0xffffffff);
	cfg_writel(df, PCI_BASE_ADDRESS_0 + 4, 0xffffffff);
	cfg_writel(df, PCI_BASE_ADDRESS_0 + 8, 0xffffffff);
	g_assert_cmphex(cfg_readl(df, PCI_BASE_ADDRESS_0), ==, 0xfffff000);	/* 4 KiB */
	g_assert_cmphex(cfg_readl(df, PCI_BASE_ADDRESS_0 + 4), ==, 0xffffff01);	/* 256 ports */
	g_assert_cmphex(cfg_readl(df, PCI_BASE_ADDRESS_0 + 8), ==, 0);		/* no membar */
	/* nothing selected: reads 0 */
	cfg_writel(df, PCI_BASE_ADDRESS_0, MMIO_BASE);
	cfg_writew(df, PCI_COMMAND, PCI_COMMAND_MEMORY);
	g_assert_cmphex(readl(MMIO_BASE), ==, 0);
	pci_test_fini(&m);
}

static void test_pci_testdev_kvm_unit_tests_sequence(void)
{
	static const char *const names[6] = {
		"mmio-no-eventfd", "mmio-wildcard-eventfd", "mmio-datamatch-eventfd",
		"portio-no-eventfd", "portio-wildcard-eventfd", "portio-datamatch-eventfd",
	};

	setup("pci-testdev");
	for (int type = 0; type < 2; type++) {
		const struct ops *o = type ? &pio_ops : &mmio_ops;
		uint64_t base = type ? PIO_BASE : MMIO_BASE;

		for (int nr = 0; nr < 3; nr++) {
			int t = type * 3 + nr;
			uint8_t width;
			uint32_t data, off, count = run_one(o, base, nr, &width, &data, &off);
			g_autofree char *name = read_name(o, base);

			g_assert_cmpint(o->rb(base), ==, t);
			g_assert_cmpint(width, ==, 1);
			g_assert_cmphex(data, ==, nr == 1 ? 0xce : 0xfa);
			g_assert_cmphex(off, ==, (type ? 128 : 2048) + t);
			g_assert_cmpstr(name, ==, names[t]);
			/* the guest accepts 0 (ioeventfd ate them) or all 16 */
			g_assert_cmpuint(count, ==, 16);
		}
	}
	pci_test_fini(&m);
}

static void test_pci_testdev_datamatch_counts_only_matching_writes(void)
{
	setup("pci-testdev");
	writeb(MMIO_BASE, 2);				/* mmio-datamatch */
	writeb(MMIO_BASE + 2048 + 2, 0x00);		/* wrong data */
	writeb(MMIO_BASE + 2048 + 3, 0xfa);		/* wrong offset */
	g_assert_cmpuint(readl(MMIO_BASE + 12), ==, 0);
	writeb(MMIO_BASE + 2048 + 2, 0xfa);
	g_assert_cmpuint(readl(MMIO_BASE + 12), ==, 1);
	writeb(MMIO_BASE, 1);				/* mmio-wildcard: any value */
	writeb(MMIO_BASE + 2048 + 1, 0x42);
	g_assert_cmpuint(readl(MMIO_BASE + 12), ==, 1);
	/* an out-of-range test number deselects */
	writeb(MMIO_BASE, 7);
	g_assert_cmpuint(readl(MMIO_BASE + 12), ==, 0);
	g_assert_cmpuint(readb(MMIO_BASE + 1), ==, 0);
	pci_test_fini(&m);
}

static void test_pci_testdev_membar_is_64bit_prefetchable(void)
{
	int df = setup("pci-testdev,membar=1M,membar-backed=on");

	cfg_writel(df, PCI_BASE_ADDRESS_0 + 8, 0xffffffff);
	cfg_writel(df, PCI_BASE_ADDRESS_0 + 12, 0xffffffff);
	g_assert_cmphex(cfg_readl(df, PCI_BASE_ADDRESS_0 + 8), ==, 0xfff0000c);
	g_assert_cmphex(cfg_readl(df, PCI_BASE_ADDRESS_0 + 12), ==, 0xffffffff);
	cfg_writel(df, PCI_BASE_ADDRESS_0 + 8, 0);
	cfg_writel(df, PCI_BASE_ADDRESS_0 + 12, 1);
	writel(0x100000000ULL + 0x10, 0x12345678);
	g_assert_cmphex(readl(0x100000000ULL + 0x10), ==, 0x12345678);
	pci_test_fini(&m);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/pci-testdev/header_and_bars", test_pci_testdev_header_and_bars);
	g_test_add_func("/pci-testdev/kvm_unit_tests_sequence",
			test_pci_testdev_kvm_unit_tests_sequence);
	g_test_add_func("/pci-testdev/datamatch_counts_only_matching_writes",
			test_pci_testdev_datamatch_counts_only_matching_writes);
	g_test_add_func("/pci-testdev/membar_is_64bit_prefetchable",
			test_pci_testdev_membar_is_64bit_prefetchable);
	return g_test_run();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PCI core through the i440FX's configuration mechanism #1: decoding of
 * 0xcf8/0xcfc, write masks, BAR sizing and mapping, 64-bit and ROM BARs,
 * capability lists, MSI and MSI-X, INTx disable, -device placement,
 * `info pci`. A test device with one BAR of each kind stands in for real ones.
 */
#include "pci-helpers.h"
#include "hw/isa/piix3.h"
#include <glib/gstdio.h>

/* ---- a test device: I/O BAR0, MMIO BAR1, 64-bit prefetchable BAR2, MSI-X BAR4 ---- */

struct test_pci_dev {
	struct pci_device parent;
	struct memory_region io, mmio, mem64;
	uint32_t scratch;
	int reads;
};

#define TEST_PCI_DEV(obj) OBJECT_CHECK(struct test_pci_dev, (obj), "test-pci-dev")
#define TEST_MSIX_VECTORS 8

static uint64_t tdev_read(void *opaque, uint64_t off, unsigned size)
{
	struct test_pci_dev *d = opaque;

	d->reads++;
	return off == 0 ? d->scratch : 0xab000000u | off;
}

static void tdev_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct test_pci_dev *d = opaque;

	if (off == 0)
		d->scratch = val;
	else if (off == 4)
		pci_set_irq(&d->parent, val & 1);
	else if (off == 8)
		msix_notify(&d->parent, val);
	else if (off == 12)
		msi_notify(&d->parent, val);
}

static const struct memory_region_ops tdev_ops = {
	.read = tdev_read, .write = tdev_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
	.impl = { .min_access_size = 4, .max_access_size = 4 },
};

static bool tdev_realize(struct pci_device *pdev, GError **errp)
{
	struct test_pci_dev *d = TEST_PCI_DEV(pdev);

	pdev->config[PCI_INTERRUPT_PIN] = 1;
	memory_region_init_io(&d->io, OBJECT(d), &tdev_ops, d, "tdev-io", 32);
	memory_region_init_io(&d->mmio, OBJECT(d), &tdev_ops, d, "tdev-mmio", 4096);
	memory_region_init_io(&d->mem64, OBJECT(d), &tdev_ops, d, "tdev-mem64", 1 * MiB);
	pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_IO, &d->io);
	pci_register_bar(pdev, 1, PCI_BASE_ADDRESS_SPACE_MEMORY, &d->mmio);
	pci_register_bar(pdev, 2, PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_64 |
			 PCI_BASE_ADDRESS_MEM_PREFETCH, &d->mem64);
	return msi_init(pdev, 0, 4, true, true, errp) &&
	       msix_init_exclusive_bar(pdev, TEST_MSIX_VECTORS, 4, errp);
}

static void tdev_exit(struct pci_device *pdev)
{
	struct test_pci_dev *d = TEST_PCI_DEV(pdev);

	memory_region_destroy(&d->io);
	memory_region_destroy(&d->mmio);
	memory_region_destroy(&d->mem64);
}

static void tdev_class_init(struct object_class *klass, const void *data)
{
	struct pci_device_class *k = PCI_DEVICE_CLASS(klass);

	k->realize = tdev_realize;
	k->exit = tdev_exit;
	k->vendor_id = 0x1234;
	k->device_id = 0x5678;
	k->revision = 3;
	k->class_id = PCI_CLASS_NETWORK_ETHERNET;
}

DEFINE_DEVICE_TYPE(test_pci_dev, "test-pci-dev", TYPE_PCI_DEVICE, struct test_pci_dev,
		   .class_init = tdev_class_init);

/* ---- MSI and INTx sinks ---- */

static struct {
	int count;
	uint64_t addr;
	uint32_t data;
} msi_log;

static void record_msi(void *opaque, uint64_t addr, uint32_t data)
{
	msi_log.count++;
	msi_log.addr = addr;
	msi_log.data = data;
}

static int bus_irq_level[4];

static int test_map_irq(struct pci_device *dev, int pin)
{
	return (PCI_SLOT(dev->devfn) + pin) & 3;
}

static void test_set_irq(void *opaque, int n, int level)
{
	bus_irq_level[n] = level;
}

static struct pci_test_machine m;

static struct test_pci_dev *new_tdev(const char *opts)
{
	struct device *d = harness_device_new(opts);

	harness_realize(d);
	return TEST_PCI_DEV(d);
}

static void setup(void)
{
	pci_test_init(&m);
	memset(&msi_log, 0, sizeof(msi_log));
	memset(bus_irq_level, 0, sizeof(bus_irq_level));
	pci_bus_set_msi(m.bus, record_msi, NULL);
	pci_bus_set_irqs(m.bus, test_map_irq, test_set_irq, NULL, 4);
}

/* ---- tests ---- */

static void test_pci_conf1_decodes_bus_dev_fn_reg(void)
{
	setup();
	new_tdev("test-pci-dev,addr=3.0");
	/* host bridge at 00.0 */
	g_assert_cmphex(cfg_readl(0, PCI_VENDOR_ID), ==, 0x12378086);
	g_assert_cmphex(cfg_readw(0, PCI_DEVICE_ID), ==, 0x1237);
	g_assert_cmphex(cfg_readb(0, PCI_CLASS_DEVICE + 1), ==, 0x06);
	g_assert_cmphex(cfg_readb(0, PCI_REVISION_ID), ==, 0x02);
	/* the test device at 03.0: every byte and word at its offset */
	g_assert_cmphex(cfg_readl(PCI_DEVFN(3, 0), 0), ==, 0x56781234);
	g_assert_cmphex(cfg_readw(PCI_DEVFN(3, 0), 2), ==, 0x5678);
	g_assert_cmphex(cfg_readb(PCI_DEVFN(3, 0), 1), ==, 0x12);
	g_assert_cmphex(cfg_readb(PCI_DEVFN(3, 0), 3), ==, 0x56);
	g_assert_cmphex(cfg_readl(PCI_DEVFN(3, 0), 0x08), ==, 0x02000003);
	/* CONFADD reads back; the enable bit gates data cycles */
	outl(0xcf8, 0x80001800);
	g_assert_cmphex(inl(0xcf8), ==, 0x80001800);
	outl(0xcf8, 0x00001800);
	g_assert_cmphex(inl(0xcfc), ==, 0xffffffff);
	outl(0xcfc, 0);	/* dropped */
	g_assert_cmphex(cfg_readl(PCI_DEVFN(3, 0), 0), ==, 0x56781234);
	/* byte and word writes to 0xcf8 are not CONFADD */
	outl(0xcf8, 0x80001800);
	outb(0xcfb, 0x00);
	outw(0xcf8, 0);
	g_assert_cmphex(inl(0xcf8), ==, 0x80001800);
	/* nothing at 04.0, nor behind another bus (type 1 cycle) */
	g_assert_cmphex(cfg_readl(PCI_DEVFN(4, 0), 0), ==, 0xffffffff);
	g_assert_cmphex(cfg_readw(PCI_DEVFN(4, 0), 0), ==, 0xffff);
	outl(0xcf8, 0x80010000 | (PCI_DEVFN(3, 0) << 8));
	g_assert_cmphex(inl(0xcfc), ==, 0xffffffff);
	/* an unaligned word at 0xcfd is refused, not misdelivered */
	outl(0xcf8, pci_cfg_addr(PCI_DEVFN(3, 0), 0));
	g_assert_cmphex(inw(0xcfd), ==, 0xffff);
	pci_test_fini(&m);
}

static void test_pci_config_accesses_are_bounds_checked(void)
{
	struct test_pci_dev *d;

	setup();
	d = new_tdev("test-pci-dev");
	g_assert_cmphex(pci_config_read(&d->parent, 0xfe, 4), ==, 0xffffffff);
	g_assert_cmphex(pci_config_read(&d->parent, 0x100, 1), ==, 0xff);
	g_assert_cmphex(pci_config_read(&d->parent, 0x02, 4), ==, 0xffffffff);
	g_assert_cmphex(pci_config_read(&d->parent, 0x00, 3), ==, 0xffffff);
	pci_config_write(&d->parent, 0xffff, 0xff, 1);
	pci_config_write(&d->parent, 0xfd, 0xffffffff, 4);
	g_assert_cmphex(pci_config_read(&d->parent, 0xfc, 4), ==, 0);
	pci_test_fini(&m);
}

static void test_pci_wmask_protects_read_only_fields(void)
{
	int df = PCI_DEVFN(2, 0);

	setup();
	new_tdev("test-pci-dev,addr=2");
	cfg_writel(df, PCI_VENDOR_ID, 0xffffffff);
	g_assert_cmphex(cfg_readl(df, PCI_VENDOR_ID), ==, 0x56781234);
	cfg_writel(df, PCI_REVISION_ID, 0xffffffff);
	g_assert_cmphex(cfg_readl(df, PCI_REVISION_ID), ==, 0x02000003);
	cfg_writeb(df, PCI_HEADER_TYPE, 0xff);
	g_assert_cmphex(cfg_readb(df, PCI_HEADER_TYPE), ==, 0);
	cfg_writew(df, PCI_SUBSYSTEM_ID, 0);
	g_assert_cmphex(cfg_readl(df, PCI_SUBSYSTEM_VENDOR_ID), ==, 0x11001af4);
	/* command: only the implemented bits stick */
	cfg_writew(df, PCI_COMMAND, 0xffff);
	g_assert_cmphex(cfg_readw(df, PCI_COMMAND), ==, 0x0547);
	cfg_writew(df, PCI_COMMAND, 0);
	/* status: read-only bits stay, error bits are write-1-to-clear */
	g_assert_cmphex(cfg_readw(df, PCI_STATUS), ==, PCI_STATUS_CAP_LIST);
	pci_bus_get_device(m.bus, df)->config[PCI_STATUS + 1] |= PCI_STATUS_REC_MASTER_ABORT >> 8;
	cfg_writew(df, PCI_STATUS, 0);
	g_assert_cmphex(cfg_readw(df, PCI_STATUS), ==, PCI_STATUS_CAP_LIST | 0x2000);
	cfg_writew(df, PCI_STATUS, 0xffff);
	g_assert_cmphex(cfg_readw(df, PCI_STATUS), ==, PCI_STATUS_CAP_LIST);
	/* interrupt line is the firmware's scratch register; pin is read-only */
	cfg_writew(df, PCI_INTERRUPT_LINE, 0xff0b);
	g_assert_cmphex(cfg_readw(df, PCI_INTERRUPT_LINE), ==, 0x010b);
	pci_test_fini(&m);
}

static void test_pci_bar_sizing_reads_back_size_mask(void)
{
	int df = PCI_DEVFN(2, 0);

	setup();
	new_tdev("test-pci-dev,addr=2");
	g_assert_cmphex(cfg_readl(df, PCI_BASE_ADDRESS_0), ==, 0x1);
	g_assert_cmphex(cfg_readl(df, PCI_BASE_ADDRESS_0 + 8), ==, 0xc);
	for (int i = 0; i < 6; i++)
		cfg_writel(df, PCI_BASE_ADDRESS_0 + 4 * i, 0xffffffff);
	g_assert_cmphex(cfg_readl(df, 0x10), ==, 0xffffffe1);	/* 32 bytes of I/O */
	g_assert_cmphex(cfg_readl(df, 0x14), ==, 0xfffff000);	/* 4 KiB of memory */
	g_assert_cmphex(cfg_readl(df, 0x18), ==, 0xfff0000c);	/* 1 MiB, 64-bit, prefetchable */
	g_assert_cmphex(cfg_readl(df, 0x1c), ==, 0xffffffff);	/* its upper half */
	g_assert_cmphex(cfg_readl(df, 0x20), ==, 0xfffff000);	/* MSI-X BAR */
	g_assert_cmphex(cfg_readl(df, 0x24), ==, 0);		/* no BAR5 */
	g_assert_cmphex(cfg_readl(df, PCI_ROM_ADDRESS), ==, 0);	/* no ROM */
	pci_test_fini(&m);
}

static void test_pci_bar_mapped_only_while_decoding_enabled(void)
{
	int df = PCI_DEVFN(2, 0);
	struct test_pci_dev *d;

	setup();
	d = new_tdev("test-pci-dev,addr=2");
	cfg_writel(df, 0x10, 0xc000);
	cfg_writel(df, 0x14, 0xfe000000);
	/* not decoding yet */
	g_assert_cmphex(inl(0xc004), ==, 0xffffffff);
	g_assert_cmphex(readl(0xfe000004), ==, 0xffffffff);
	g_assert_cmpint(d->reads, ==, 0);
	cfg_writew(df, PCI_COMMAND, PCI_COMMAND_IO);
	g_assert_cmphex(inl(0xc004), ==, 0xab000004);
	g_assert_cmphex(readl(0xfe000004), ==, 0xffffffff);
	cfg_writew(df, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	g_assert_cmphex(readl(0xfe000008), ==, 0xab000008);
	writel(0xfe000000, 0x1234);
	g_assert_cmphex(inl(0xc000), ==, 0x1234);
	g_assert_cmphex(pci_get_bar_addr(&d->parent, 1), ==, 0xfe000000);
	/* moving a BAR unmaps the old place */
	cfg_writel(df, 0x14, 0xfd000000);
	g_assert_cmphex(readl(0xfe000008), ==, 0xffffffff);
	g_assert_cmphex(readl(0xfd000008), ==, 0xab000008);
	/* sizing while decoding: the all-ones pattern is not an address */
	cfg_writel(df, 0x14, 0xffffffff);
	g_assert_cmphex(pci_get_bar_addr(&d->parent, 1), ==, PCI_BAR_UNMAPPED);
	g_assert_cmphex(readl(0xfd000008), ==, 0xffffffff);
	/* nor is 0 */
	cfg_writel(df, 0x10, 0);
	g_assert_cmphex(pci_get_bar_addr(&d->parent, 0), ==, PCI_BAR_UNMAPPED);
	/* an I/O BAR beyond 64K does not decode */
	cfg_writel(df, 0x10, 0x12340000);
	g_assert_cmphex(pci_get_bar_addr(&d->parent, 0), ==, PCI_BAR_UNMAPPED);
	/* disabling memory decode unmaps */
	cfg_writel(df, 0x14, 0xfe000000);
	g_assert_cmphex(readl(0xfe000008), ==, 0xab000008);
	cfg_writew(df, PCI_COMMAND, 0);
	g_assert_cmphex(readl(0xfe000008), ==, 0xffffffff);
	/* reset puts the BARs back to their type bits and unmaps */
	cfg_writew(df, PCI_COMMAND, PCI_COMMAND_MEMORY);
	device_reset(DEVICE(d));
	g_assert_cmphex(cfg_readl(df, 0x14), ==, 0);
	g_assert_cmphex(cfg_readl(df, 0x10), ==, 1);
	g_assert_cmphex(cfg_readw(df, PCI_COMMAND), ==, 0);
	g_assert_cmphex(readl(0xfe000008), ==, 0xffffffff);
	pci_test_fini(&m);
}

static void test_pci_bar_over_ram_loses_to_ram(void)
{
	int df = PCI_DEVFN(2, 0);

	setup();
	new_tdev("test-pci-dev,addr=2");
	stl_le_p((uint8_t *)harness_ram() + 0x100000, 0x5a5a5a5a);
	cfg_writel(df, 0x14, 0x100000);
	cfg_writew(df, PCI_COMMAND, PCI_COMMAND_MEMORY);
	g_assert_cmphex(readl(0x100000), ==, 0x5a5a5a5a);
	pci_test_fini(&m);
}

static void test_pci_64bit_bar_maps_above_4g(void)
{
	int df = PCI_DEVFN(2, 0);
	struct test_pci_dev *d;

	setup();
	d = new_tdev("test-pci-dev,addr=2");
	cfg_writel(df, 0x18, 0x00000000);
	cfg_writel(df, 0x1c, 0x8);
	cfg_writew(df, PCI_COMMAND, PCI_COMMAND_MEMORY);
	g_assert_cmphex(pci_get_bar_addr(&d->parent, 2), ==, 0x800000000ULL);
	g_assert_cmphex(readl(0x800000010ULL), ==, 0xab000010);
	g_assert_cmphex(cfg_readl(df, 0x18), ==, 0xc);
	/* sizing both halves while decoding: not mapped anywhere */
	cfg_writel(df, 0x18, 0xffffffff);
	cfg_writel(df, 0x1c, 0xffffffff);
	g_assert_cmphex(pci_get_bar_addr(&d->parent, 2), ==, PCI_BAR_UNMAPPED);
	g_assert_cmphex(readl(0x800000010ULL), ==, 0xffffffff);
	pci_test_fini(&m);
}

static char *write_rom_file(size_t len)
{
	g_autofree uint8_t *data = g_malloc(len);
	char *path = NULL;
	int fd = g_file_open_tmp("kemu-test-rom-XXXXXX", &path, NULL);

	g_assert_cmpint(fd, >=, 0);
	for (size_t i = 0; i < len; i++)
		data[i] = i & 0xff;
	data[0] = 0x55;
	data[1] = 0xaa;
	g_assert_cmpint(write(fd, data, len), ==, (ssize_t)len);
	close(fd);
	return path;
}

static void test_pci_expansion_rom_bar(void)
{
	g_autofree char *path = write_rom_file(3000);
	g_autofree char *opts = g_strdup_printf("test-pci-dev,addr=2,romfile=%s", path);
	g_autofree char *opts0 = g_strdup_printf("test-pci-dev,addr=3,romfile=%s,rombar=0", path);
	int df = PCI_DEVFN(2, 0);
	struct test_pci_dev *d;

	setup();
	d = new_tdev(opts);
	cfg_writel(df, PCI_ROM_ADDRESS, 0xffffffff);
	g_assert_cmphex(cfg_readl(df, PCI_ROM_ADDRESS), ==, 0xfffff001);	/* 4 KiB */
	g_assert_cmphex(pci_get_bar_addr(&d->parent, PCI_ROM_SLOT), ==, PCI_BAR_UNMAPPED);
	cfg_writel(df, PCI_ROM_ADDRESS, 0xfeb00000);	/* enable bit clear */
	cfg_writew(df, PCI_COMMAND, PCI_COMMAND_MEMORY);
	g_assert_cmphex(readw(0xfeb00000), ==, 0xffff);
	cfg_writel(df, PCI_ROM_ADDRESS, 0xfeb00000 | PCI_ROM_ADDRESS_ENABLE);
	g_assert_cmphex(readw(0xfeb00000), ==, 0xaa55);
	g_assert_cmphex(readb(0xfeb00000 + 2999), ==, 2999 & 0xff);
	g_assert_cmphex(readb(0xfeb00000 + 3000), ==, 0);	/* padding up to 4 KiB */
	writeb(0xfeb00010, 0);					/* ROM: ignored */
	g_assert_cmphex(readb(0xfeb00010), ==, 0x10);
	/* rombar=0: the ROM is loaded (for firmware) but there is no BAR */
	d = new_tdev(opts0);
	g_assert_true(d->parent.has_rom);
	cfg_writel(PCI_DEVFN(3, 0), PCI_ROM_ADDRESS, 0xffffffff);
	g_assert_cmphex(cfg_readl(PCI_DEVFN(3, 0), PCI_ROM_ADDRESS), ==, 0);
	pci_test_fini(&m);
	g_unlink(path);
}

static void test_pci_missing_romfile_is_a_clear_error(void)
{
	g_autoptr(GError) err = NULL;
	struct device *d;

	setup();
	d = harness_device_new("test-pci-dev,romfile=/nonexistent/kemu.rom");
	g_assert_false(device_realize(d, &err));
	g_assert_nonnull(strstr(err->message, "romfile=/nonexistent/kemu.rom"));
	g_assert_nonnull(strstr(err->message, "could not find option ROM"));
	/* nothing left behind: the slot is free again */
	g_assert_null(pci_bus_get_device(m.bus, PCI_DEVFN(1, 0)));
	object_unref(OBJECT(d));
	pci_test_fini(&m);
}

static void test_pci_capability_list_walk(void)
{
	int df = PCI_DEVFN(2, 0);
	struct test_pci_dev *d;
	g_autoptr(GError) err = NULL;
	int seen_msi = 0, seen_msix = 0, n = 0;
	uint8_t pos;

	setup();
	d = new_tdev("test-pci-dev,addr=2");
	g_assert_true(cfg_readw(df, PCI_STATUS) & PCI_STATUS_CAP_LIST);
	for (pos = cfg_readb(df, PCI_CAPABILITY_LIST); pos; pos = cfg_readb(df, pos + 1)) {
		uint8_t id = cfg_readb(df, pos);

		g_assert_cmpint(pos, >=, 0x40);
		g_assert_cmpint(pos & 3, ==, 0);
		seen_msi += id == PCI_CAP_ID_MSI;
		seen_msix += id == PCI_CAP_ID_MSIX;
		g_assert_cmpint(++n, <, 48);
	}
	g_assert_cmpint(seen_msi, ==, 1);
	g_assert_cmpint(seen_msix, ==, 1);
	g_assert_cmpint(pci_find_capability(&d->parent, PCI_CAP_ID_MSI), ==, d->parent.msi_cap);
	g_assert_cmpint(pci_find_capability(&d->parent, PCI_CAP_ID_PM), ==, 0);
	/* the list pointers are read-only to the guest */
	cfg_writeb(df, PCI_CAPABILITY_LIST, 0);
	cfg_writeb(df, d->parent.msi_cap + 1, 0x80);
	g_assert_cmpint(cfg_readb(df, PCI_CAPABILITY_LIST), !=, 0);
	/* overlapping capabilities are refused */
	g_assert_cmpint(pci_add_capability(&d->parent, PCI_CAP_ID_VNDR, d->parent.msi_cap + 4,
					   8, &err), ==, 0);
	g_assert_nonnull(err);
	pci_test_fini(&m);
}

static void test_pci_msix_table_masking_and_pending(void)
{
	int df = PCI_DEVFN(2, 0);
	struct test_pci_dev *d;
	uint8_t cap;
	uint64_t t = 0xfe800000;

	setup();
	d = new_tdev("test-pci-dev,addr=2");
	cap = d->parent.msix_cap;
	g_assert_cmphex(cfg_readw(df, cap + PCI_MSIX_FLAGS), ==, TEST_MSIX_VECTORS - 1);
	g_assert_cmphex(cfg_readl(df, cap + PCI_MSIX_TABLE), ==, 4);		/* BAR4 + 0 */
	g_assert_cmphex(cfg_readl(df, cap + PCI_MSIX_PBA), ==, 0x800 | 4);	/* BAR4 + 2K */
	cfg_writel(df, 0x20, t);
	cfg_writel(df, 0x10, 0xc000);
	cfg_writew(df, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_IO | PCI_COMMAND_MASTER);
	/* every vector starts masked */
	for (int v = 0; v < TEST_MSIX_VECTORS; v++)
		g_assert_cmphex(readl(t + 16 * v + 12), ==, 1);
	writel(t + 16 * 3 + 0, 0xfee00000);
	writel(t + 16 * 3 + 4, 0);
	writel(t + 16 * 3 + 8, 0x4041);
	writel(t + 16 * 3 + 12, 0xfffffffe);	/* reserved bits do not stick */
	g_assert_cmphex(readl(t + 16 * 3 + 12), ==, 0);
	writel(t + 16 * 3 + 12, 1);
	g_assert_cmphex(readq(t + 16 * 3), ==, 0xfee00000);
	g_assert_cmphex(readl(t + 16 * 3 + 8), ==, 0x4041);
	/* byte accesses to the table are refused */
	g_assert_cmphex(readb(t + 16 * 3 + 8), ==, 0xff);
	/* disabled: nothing */
	outl(0xc008, 3);
	g_assert_cmpint(msi_log.count, ==, 0);
	g_assert_cmphex(readl(t + 0x800), ==, 0);
	/* enabled but masked: pending */
	cfg_writew(df, cap + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE);
	g_assert_true(msix_enabled(&d->parent));
	outl(0xc008, 3);
	g_assert_cmpint(msi_log.count, ==, 0);
	g_assert_cmphex(readl(t + 0x800), ==, 1u << 3);
	/* unmasking the vector delivers it and clears the pending bit */
	writel(t + 16 * 3 + 12, 0);
	g_assert_cmpint(msi_log.count, ==, 1);
	g_assert_cmphex(msi_log.addr, ==, 0xfee00000);
	g_assert_cmphex(msi_log.data, ==, 0x4041);
	g_assert_cmphex(readl(t + 0x800), ==, 0);
	/* the function mask holds it back, clearing it delivers */
	cfg_writew(df, cap + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	outl(0xc008, 3);
	g_assert_cmpint(msi_log.count, ==, 1);
	cfg_writew(df, cap + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE);
	g_assert_cmpint(msi_log.count, ==, 2);
	/* the PBA is read-only; out-of-range vectors are ignored */
	writel(t + 0x800, 0xffffffff);
	g_assert_cmphex(readl(t + 0x800), ==, 0);
	outl(0xc008, 1000);
	/* without bus mastering an MSI is not sent */
	cfg_writew(df, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	outl(0xc008, 3);
	g_assert_cmpint(msi_log.count, ==, 2);
	pci_test_fini(&m);
}

static void test_pci_msi_multiple_vectors_and_masking(void)
{
	int df = PCI_DEVFN(2, 0);
	struct test_pci_dev *d;
	uint8_t cap;

	setup();
	d = new_tdev("test-pci-dev,addr=2");
	cap = d->parent.msi_cap;
	/* 4 vectors capable, 64-bit, per-vector masking */
	g_assert_cmphex(cfg_readw(df, cap + PCI_MSI_FLAGS), ==, 0x0184);
	cfg_writel(df, 0x10, 0xc000);
	cfg_writew(df, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MASTER);
	cfg_writel(df, cap + PCI_MSI_ADDRESS_LO, 0xfee01003);
	g_assert_cmphex(cfg_readl(df, cap + PCI_MSI_ADDRESS_LO), ==, 0xfee01000);
	cfg_writel(df, cap + PCI_MSI_ADDRESS_HI, 0);
	cfg_writew(df, cap + PCI_MSI_DATA_64, 0x30);
	/* asking for 8 vectors when 4 are capable gets 4 */
	cfg_writew(df, cap + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE | (3 << 4));
	g_assert_cmphex(cfg_readw(df, cap + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_QSIZE, ==, 2 << 4);
	outl(0xc00c, 2);
	g_assert_cmpint(msi_log.count, ==, 1);
	g_assert_cmphex(msi_log.addr, ==, 0xfee01000);
	g_assert_cmphex(msi_log.data, ==, 0x32);
	/* masked vector 1: pending, delivered on unmask */
	cfg_writel(df, cap + PCI_MSI_MASK_64, 0x2);
	outl(0xc00c, 1);
	g_assert_cmpint(msi_log.count, ==, 1);
	g_assert_cmphex(cfg_readl(df, cap + PCI_MSI_PENDING_64), ==, 0x2);
	cfg_writel(df, cap + PCI_MSI_PENDING_64, 0);	/* read-only */
	g_assert_cmphex(cfg_readl(df, cap + PCI_MSI_PENDING_64), ==, 0x2);
	cfg_writel(df, cap + PCI_MSI_MASK_64, 0);
	g_assert_cmpint(msi_log.count, ==, 2);
	g_assert_cmphex(msi_log.data, ==, 0x31);
	g_assert_cmphex(cfg_readl(df, cap + PCI_MSI_PENDING_64), ==, 0);
	pci_test_fini(&m);
}

static void test_pci_intx_disable_and_interrupt_status(void)
{
	int df = PCI_DEVFN(2, 0);
	int n;

	setup();
	new_tdev("test-pci-dev,addr=2");
	n = test_map_irq(pci_bus_get_device(m.bus, df), 0);
	cfg_writel(df, 0x10, 0xc000);
	cfg_writew(df, PCI_COMMAND, PCI_COMMAND_IO);
	outl(0xc004, 1);
	g_assert_cmpint(bus_irq_level[n], ==, 1);
	g_assert_true(cfg_readw(df, PCI_STATUS) & PCI_STATUS_INTERRUPT);
	cfg_writew(df, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_INTX_DISABLE);
	g_assert_cmpint(bus_irq_level[n], ==, 0);
	g_assert_true(cfg_readw(df, PCI_STATUS) & PCI_STATUS_INTERRUPT);
	cfg_writew(df, PCI_COMMAND, PCI_COMMAND_IO);
	g_assert_cmpint(bus_irq_level[n], ==, 1);
	outl(0xc004, 0);
	g_assert_cmpint(bus_irq_level[n], ==, 0);
	g_assert_false(cfg_readw(df, PCI_STATUS) & PCI_STATUS_INTERRUPT);
	pci_test_fini(&m);
}

static void test_pci_device_placement_and_addr_property(void)
{
	g_autoptr(GError) err = NULL;
	struct device *d;
	struct test_pci_dev *t;

	setup();
	/* auto: first free slot after the host bridge */
	t = new_tdev("test-pci-dev");
	g_assert_cmpint(t->parent.devfn, ==, PCI_DEVFN(1, 0));
	t = new_tdev("test-pci-dev,bus=pci.0,addr=1f.0");
	g_assert_cmpint(t->parent.devfn, ==, PCI_DEVFN(0x1f, 0));
	t = new_tdev("test-pci-dev,addr=0x5,multifunction=on");
	g_assert_cmpint(t->parent.devfn, ==, PCI_DEVFN(5, 0));
	g_assert_cmphex(cfg_readb(PCI_DEVFN(5, 0), PCI_HEADER_TYPE), ==, 0x80);
	t = new_tdev("test-pci-dev,addr=05.3");
	g_assert_cmpint(t->parent.devfn, ==, PCI_DEVFN(5, 3));
	/* in use */
	d = harness_device_new("test-pci-dev,addr=5.3");
	g_assert_false(device_realize(d, &err));
	g_assert_nonnull(strstr(err->message, "in use"));
	g_clear_error(&err);
	object_unref(OBJECT(d));
	/* a function behind a single-function device */
	d = harness_device_new("test-pci-dev,addr=1.2");
	g_assert_false(device_realize(d, &err));
	g_assert_nonnull(strstr(err->message, "single function"));
	g_clear_error(&err);
	object_unref(OBJECT(d));
	/* junk addresses and buses */
	d = harness_device_new("test-pci-dev,addr=20");
	g_assert_false(device_realize(d, &err));
	g_assert_nonnull(strstr(err->message, "addr"));
	g_clear_error(&err);
	object_unref(OBJECT(d));
	d = harness_device_new("test-pci-dev,addr=3.8");
	g_assert_false(device_realize(d, &err));
	g_clear_error(&err);
	object_unref(OBJECT(d));
	d = harness_device_new("test-pci-dev,bus=pci.7");
	g_assert_false(device_realize(d, &err));
	g_assert_cmpstr(err->message, ==, "Bus 'pci.7' not found");
	g_clear_error(&err);
	object_unref(OBJECT(d));
	pci_test_fini(&m);
}

static void test_pci_info_pci_lists_devices_and_bars(void)
{
	g_autoptr(GString) out = g_string_new("");
	g_autoptr(GArray) q = NULL;
	int df = PCI_DEVFN(2, 0);

	setup();
	new_tdev("test-pci-dev,addr=2,id=nic0");
	cfg_writel(df, 0x10, 0xc000);
	cfg_writel(df, 0x14, 0xfe000000);
	cfg_writeb(df, PCI_INTERRUPT_LINE, 11);
	cfg_writew(df, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	pci_bus_print(out, m.bus);
	g_assert_nonnull(strstr(out->str, "  Bus  0, device   0, function 0:\n"
				"    Host bridge: PCI device 8086:1237\n"));
	g_assert_nonnull(strstr(out->str, "  Bus  0, device   2, function 0:\n"
				"    Ethernet controller: PCI device 1234:5678\n"
				"      PCI subsystem 1af4:1100\n"
				"      IRQ 11, pin A\n"
				"      BAR0: I/O at 0xc000 [0xc01f].\n"
				"      BAR1: 32 bit memory at 0xfe000000 [0xfe000fff].\n"
				"      BAR2: 64 bit prefetchable memory at 0xffffffffffffffff"));
	g_assert_nonnull(strstr(out->str, "      id \"nic0\"\n"));
	q = pci_bus_query(m.bus);
	g_assert_cmpint(q->len, ==, 2);
	g_assert_cmpint(g_array_index(q, struct pci_device_info, 1).nr_bars, ==, 4);
	pci_test_fini(&m);
}

static void test_pci_state_restore_remaps_bars_and_intx(void)
{
	int df = PCI_DEVFN(2, 0);
	struct test_pci_dev *d;
	const struct vmstate_description *vmsd;
	g_autoptr(GByteArray) state = NULL;
	g_autoptr(GError) err = NULL;
	int n;

	setup();
	d = new_tdev("test-pci-dev,addr=2");
	vmsd = &DEVICE_GET_CLASS(d)->vmsd;
	n = test_map_irq(&d->parent, 0);
	cfg_writel(df, 0x10, 0xc000);
	cfg_writel(df, 0x14, 0xfe000000);
	cfg_writew(df, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	outl(0xc004, 1);
	g_assert_cmpint(bus_irq_level[n], ==, 1);
	state = vmstate_save(vmsd, d);
	device_reset(DEVICE(d));
	g_assert_cmpint(bus_irq_level[n], ==, 0);
	g_assert_cmphex(readl(0xfe000008), ==, 0xffffffff);
	g_assert_true(vmstate_load(vmsd, d, state->data, state->len, &err));
	pci_device_post_load(&d->parent);
	g_assert_cmphex(readl(0xfe000008), ==, 0xab000008);
	g_assert_cmphex(inl(0xc004), ==, 0xab000004);
	g_assert_cmpint(bus_irq_level[n], ==, 1);
	outl(0xc004, 0);
	g_assert_cmpint(bus_irq_level[n], ==, 0);
	pci_test_fini(&m);
}

/* A hostile guest: random config cycles of every size everywhere, then touches
 * wherever the BARs ended up. Nothing may crash (ASan/UBSan builds check). */
static void test_pci_random_config_cycles_are_harmless(void)
{
	static const unsigned sizes[] = { 1, 2, 4 };
	GRand *r = g_rand_new_with_seed(0x1440f);
	g_autoptr(GError) err = NULL;
	int pokes = 0;

	setup();
	g_assert_nonnull(piix3_create(m.bus, PCI_DEVFN(1, 0), &err));
	new_tdev("test-pci-dev,addr=2");
	harness_realize(harness_device_new("pci-testdev,addr=3,membar=64K"));
	for (int i = 0; i < 20000; i++) {
		int devfn = g_rand_int_range(r, 0, 5) * 8 + (g_rand_boolean(r) ? 0 : 1);
		unsigned size = sizes[g_rand_int_range(r, 0, 3)];
		uint32_t reg = g_rand_int_range(r, 0, 256) & ~(size - 1);
		uint32_t val = g_rand_int(r);

		/* bias toward the interesting registers */
		if (g_rand_int_range(r, 0, 4) == 0)
			reg = PCI_COMMAND;
		else if (g_rand_int_range(r, 0, 3) == 0)
			reg = PCI_BASE_ADDRESS_0 + 4 * g_rand_int_range(r, 0, 8);
		reg &= ~(size - 1);
		outl(0xcf8, 0x80000000u | (devfn << 8) | (reg & 0xfc));
		switch (size) {
		case 1: outb(0xcfc + (reg & 3), val); break;
		case 2: outw(0xcfc + (reg & 2), val); break;
		default: outl(0xcfc, val); break;
		}
		if (i % 64 == 0) {
			/* poke wherever BARs of device 2 decode now */
			struct pci_device *d = pci_bus_get_device(m.bus, PCI_DEVFN(2, 0));

			for (int b = 0; b < PCI_NUM_REGIONS; b++) {
				uint64_t a = pci_get_bar_addr(d, b);

				if (a == PCI_BAR_UNMAPPED)
					continue;
				pokes++;
				if (d->bars[b].type & PCI_BASE_ADDRESS_SPACE_IO) {
					outl(a + 4, val & 1);
					(void)inl(a);
				} else {
					writel(a + 8, val & 0xff);
					(void)readl(a + 12);
				}
			}
		}
	}
	g_assert_cmpint(pokes, >, 10);	/* the BARs did decode now and then */
	/* the host bridge still answers */
	g_assert_cmphex(cfg_readl(0, 0), ==, 0x12378086);
	g_rand_free(r);
	pci_test_fini(&m);
}

static void test_pci_dma_needs_bus_master_enable(void)
{
	int df = PCI_DEVFN(2, 0);
	struct test_pci_dev *d;
	uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, back[8] = { 0 };

	setup();
	d = new_tdev("test-pci-dev,addr=2");
	g_assert_cmpint(pci_dma_write(&d->parent, 0x1000, buf, 8), ==, MEMTX_ERROR);
	g_assert_cmphex(((uint8_t *)harness_ram())[0x1000], ==, 0);
	cfg_writew(df, PCI_COMMAND, PCI_COMMAND_MASTER);
	g_assert_cmpint(pci_dma_write(&d->parent, 0x1000, buf, 8), ==, MEMTX_OK);
	g_assert_cmpint(pci_dma_read(&d->parent, 0x1000, back, 8), ==, MEMTX_OK);
	g_assert_cmpmem(buf, 8, back, 8);
	/* outside RAM: refused as a whole */
	g_assert_cmpint(pci_dma_read(&d->parent, HARNESS_RAM_SIZE - 4, back, 8), ==, MEMTX_ERROR);
	pci_test_fini(&m);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/pci/conf1_decodes_bus_dev_fn_reg", test_pci_conf1_decodes_bus_dev_fn_reg);
	g_test_add_func("/pci/config_accesses_are_bounds_checked",
			test_pci_config_accesses_are_bounds_checked);
	g_test_add_func("/pci/wmask_protects_read_only_fields",
			test_pci_wmask_protects_read_only_fields);
	g_test_add_func("/pci/bar_sizing_reads_back_size_mask",
			test_pci_bar_sizing_reads_back_size_mask);
	g_test_add_func("/pci/bar_mapped_only_while_decoding_enabled",
			test_pci_bar_mapped_only_while_decoding_enabled);
	g_test_add_func("/pci/bar_over_ram_loses_to_ram", test_pci_bar_over_ram_loses_to_ram);
	g_test_add_func("/pci/64bit_bar_maps_above_4g", test_pci_64bit_bar_maps_above_4g);
	g_test_add_func("/pci/expansion_rom_bar", test_pci_expansion_rom_bar);
	g_test_add_func("/pci/missing_romfile_is_a_clear_error",
			test_pci_missing_romfile_is_a_clear_error);
	g_test_add_func("/pci/capability_list_walk", test_pci_capability_list_walk);
	g_test_add_func("/pci/msix_table_masking_and_pending",
			test_pci_msix_table_masking_and_pending);
	g_test_add_func("/pci/msi_multiple_vectors_and_masking",
			test_pci_msi_multiple_vectors_and_masking);
	g_test_add_func("/pci/intx_disable_and_interrupt_status",
			test_pci_intx_disable_and_interrupt_status);
	g_test_add_func("/pci/device_placement_and_addr_property",
			test_pci_device_placement_and_addr_property);
	g_test_add_func("/pci/info_pci_lists_devices_and_bars",
			test_pci_info_pci_lists_devices_and_bars);
	g_test_add_func("/pci/state_restore_remaps_bars_and_intx",
			test_pci_state_restore_remaps_bars_and_intx);
	g_test_add_func("/pci/dma_needs_bus_master_enable", test_pci_dma_needs_bus_master_enable);
	g_test_add_func("/pci/random_config_cycles_are_harmless",
			test_pci_random_config_cycles_are_harmless);
	return g_test_run();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fw_cfg_io on the device harness: selector/data ports, the sorted file
 * directory, the DMA interface (read, skip, select, write, error bit) per
 * QEMU's docs/specs/fw_cfg.rst, and DMA descriptors pointing at nonsense.
 */
#include "harness.h"
#include "hw/nvram/fw_cfg.h"

#define SEL 0x510
#define DATA 0x511
#define DMA 0x514
#define DESC 0x1000
#define BUF 0x2000

static struct device *dev;
static struct fw_cfg_state *fw;

static void read_item(uint16_t key, uint8_t *out, size_t len)
{
	outw(SEL, key);
	for (size_t i = 0; i < len; i++)
		out[i] = inb(DATA);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* Write a descriptor at desc and start it through the DMA register. */
static uint32_t dma(uint64_t desc, uint32_t control, uint32_t len, uint64_t addr)
{
	writel(desc, __builtin_bswap32(control));
	writel(desc + 4, __builtin_bswap32(len));
	writeq(desc + 8, __builtin_bswap64(addr));
	outl(DMA, __builtin_bswap32(desc >> 32));
	outl(DMA + 4, __builtin_bswap32((uint32_t)desc));
	return __builtin_bswap32(readl(desc));
}

static void test_fwcfg_signature_and_id_through_ports(void)
{
	uint8_t sig[4], id[4];

	read_item(FW_CFG_SIGNATURE, sig, 4);
	g_assert_cmpmem(sig, 4, "QEMU", 4);
	read_item(FW_CFG_ID, id, 4);
	g_assert_cmpuint(ldl_le_p(id), ==, FW_CFG_VERSION | FW_CFG_VERSION_DMA);
	/* past the end and unknown items read as zero */
	outw(SEL, FW_CFG_SIGNATURE);
	for (int i = 0; i < 4; i++)
		inb(DATA);
	g_assert_cmpuint(inb(DATA), ==, 0);
	outw(SEL, 0x3fff);
	g_assert_cmpuint(inb(DATA), ==, 0);
	/* the DMA register reads "QEMU CFG" */
	g_assert_cmpuint(inl(DMA), ==, 0x554d4551);
	g_assert_cmpuint(inl(DMA + 4), ==, 0x47464320);
}

static void test_fwcfg_integers_are_little_endian(void)
{
	uint8_t b[8];

	fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, 0x0102);
	fw_cfg_add_i32(fw, FW_CFG_E820_TABLE, 0x01020304);	/* arch-local key */
	fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, 256 * MiB);
	read_item(FW_CFG_NB_CPUS, b, 2);
	g_assert_cmpuint(lduw_le_p(b), ==, 0x0102);
	read_item(FW_CFG_E820_TABLE, b, 4);
	g_assert_cmpuint(ldl_le_p(b), ==, 0x01020304);
	read_item(FW_CFG_RAM_SIZE, b, 8);
	g_assert_cmpuint(ldq_le_p(b), ==, 256 * MiB);
}

static void test_fwcfg_file_directory_is_sorted_by_name(void)
{
	uint8_t dir[4 + 64 * 8], data[8];
	uint32_t count;
	uint16_t key;

	g_assert_true(fw_cfg_add_file(fw, "etc/z", "zzz", 3));
	g_assert_true(fw_cfg_add_file(fw, "etc/a", "a", 1));
	g_assert_true(fw_cfg_add_file(fw, "bootorder", "/pci@i0cf8\n", 11));
	g_assert_false(fw_cfg_add_file(fw, "etc/a", "b", 1));		/* duplicate */
	g_assert_false(fw_cfg_add_file(fw, "a-name-that-is-far-too-long-for-the-fifty-six-byte-field", "", 0));

	read_item(FW_CFG_FILE_DIR, dir, sizeof(dir));
	count = be32(dir);
	g_assert_cmpuint(count, ==, fw->nr_files);
	for (unsigned i = 1; i < count; i++)
		g_assert_cmpint(strcmp((char *)dir + 4 + 64 * (i - 1) + 8, (char *)dir + 4 + 64 * i + 8), <, 0);
	g_assert_nonnull(fw_cfg_find_file(fw, "etc/z", &key));
	for (unsigned i = 0; i < count; i++) {
		const uint8_t *f = dir + 4 + 64 * i;

		if (strcmp((const char *)f + 8, "etc/z"))
			continue;
		g_assert_cmpuint(be32(f), ==, 3);
		g_assert_cmpuint(f[4] << 8 | f[5], ==, key);
	}
	read_item(key, data, 3);
	g_assert_cmpmem(data, 3, "zzz", 3);

	g_assert_true(fw_cfg_modify_file(fw, "etc/z", "yy", 2));
	read_item(key, data, 3);
	g_assert_cmpmem(data, 3, "yy\0", 3);
	g_assert_false(fw_cfg_modify_file(fw, "etc/none", "", 0));
}

static void test_fwcfg_dma_select_read_and_skip(void)
{
	uint8_t *ram = harness_ram();
	static const char blob[] = "0123456789abcdef";
	uint16_t key;

	fw_cfg_add_file(fw, "etc/blob", blob, 16);
	fw_cfg_find_file(fw, "etc/blob", &key);
	memset(ram + BUF, 0xee, 64);
	g_assert_cmpuint(dma(DESC, (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ,
			     4, BUF), ==, 0);
	g_assert_cmpmem(ram + BUF, 4, "0123", 4);
	/* skip 4, then read 4: offsets carry over between transfers */
	g_assert_cmpuint(dma(DESC, FW_CFG_DMA_CTL_SKIP, 4, 0), ==, 0);
	g_assert_cmpuint(dma(DESC, FW_CFG_DMA_CTL_READ, 4, BUF), ==, 0);
	g_assert_cmpmem(ram + BUF, 4, "89ab", 4);
	/* the byte port continues where DMA left off */
	g_assert_cmpuint(inb(DATA), ==, 'c');
	/* reading beyond the end fills zeros */
	g_assert_cmpuint(dma(DESC, FW_CFG_DMA_CTL_READ, 8, BUF), ==, 0);
	g_assert_cmpmem(ram + BUF, 8, "def\0\0\0\0\0", 8);
	/* 64-bit write of the register starts a transfer too */
	writel(DESC, __builtin_bswap32((uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ));
	writel(DESC + 4, __builtin_bswap32(2));
	writeq(DESC + 8, __builtin_bswap64(BUF + 32));
	address_space_write_value(harness_io(), DMA, 8, __builtin_bswap64(DESC));
	g_assert_cmpmem(ram + BUF + 32, 2, "01", 2);
}

static void test_fwcfg_dma_write_to_read_only_item_sets_error(void)
{
	g_assert_cmpuint(dma(DESC, (uint32_t)FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT |
			     FW_CFG_DMA_CTL_WRITE, 4, BUF), ==, FW_CFG_DMA_CTL_ERROR);
	{
		uint8_t sig[4];

		read_item(FW_CFG_SIGNATURE, sig, 4);
		g_assert_cmpmem(sig, 4, "QEMU", 4);
	}
}

static void test_fwcfg_hostile_dma_gets_error_bit_not_a_crash(void)
{
	GRand *r = g_rand_new_with_seed(42);

	/* data address outside RAM */
	g_assert_cmpuint(dma(DESC, (uint32_t)FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT |
			     FW_CFG_DMA_CTL_READ, 4, 0xfffffffffffff000ULL), ==, FW_CFG_DMA_CTL_ERROR);
	/* wrapping address */
	g_assert_cmpuint(dma(DESC, FW_CFG_DMA_CTL_READ | (uint32_t)FW_CFG_FILE_DIR << 16 |
			     FW_CFG_DMA_CTL_SELECT, 0xffffffff, HARNESS_RAM_SIZE - 16), ==,
			 FW_CFG_DMA_CTL_ERROR);
	/* descriptors outside RAM: nothing to read, nothing written, no crash */
	outl(DMA, __builtin_bswap32(0xffffffff));
	outl(DMA + 4, __builtin_bswap32(0xfffffff8));
	outl(DMA, 0);
	outl(DMA + 4, __builtin_bswap32(HARNESS_RAM_SIZE - 8));
	/* random descriptors */
	for (int i = 0; i < 2000; i++) {
		uint64_t desc = g_rand_boolean(r) ? DESC : ((uint64_t)g_rand_int(r) << 32 | g_rand_int(r));
		uint64_t addr = g_rand_boolean(r) ? BUF + g_rand_int_range(r, 0, 0x1000)
						  : ((uint64_t)g_rand_int(r) << 32 | g_rand_int(r));

		if (desc < HARNESS_RAM_SIZE - 16 && desc != DESC)
			desc = DESC;
		if (desc == DESC)
			dma(DESC, g_rand_int(r), g_rand_int_range(r, 0, 0x3000), addr);
		else
			address_space_write_value(harness_io(), DMA, 8, __builtin_bswap64(desc));
		outw(SEL, g_rand_int(r));
		inb(DATA);
	}
	g_rand_free(r);
}

static void test_fwcfg_reset_deselects(void)
{
	outw(SEL, FW_CFG_SIGNATURE);
	device_reset(dev);
	g_assert_cmpuint(inb(DATA), ==, 0);
}

static void test_fwcfg_file_slots_run_out_cleanly(void)
{
	struct fw_cfg_state s;
	char name[32];
	unsigned added = 0;

	fw_cfg_state_init(&s, false);
	for (unsigned i = 0; i < FW_CFG_FILE_SLOTS + 5; i++) {
		snprintf(name, sizeof(name), "f%03u", i);
		added += fw_cfg_add_file(&s, name, name, strlen(name));
	}
	g_assert_cmpuint(added, ==, FW_CFG_FILE_SLOTS);
	fw_cfg_select(&s, FW_CFG_ID);
	g_assert_cmpuint(fw_cfg_data_read(&s), ==, FW_CFG_VERSION);	/* no DMA bit */
	fw_cfg_dma_transfer(&s, DESC);		/* DMA disabled: ignored */
	fw_cfg_state_destroy(&s);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	harness_init();
	dev = device_new(TYPE_FW_CFG_IO);
	fw_cfg_io_set_dma_as(dev, harness_mem());
	harness_realize(dev);
	harness_map_io(fw_cfg_io_region(dev), SEL);
	harness_map_io(fw_cfg_io_dma_region(dev), DMA);
	fw = fw_cfg_io_state(dev);

	g_test_add_func("/fwcfg/signature", test_fwcfg_signature_and_id_through_ports);
	g_test_add_func("/fwcfg/integers", test_fwcfg_integers_are_little_endian);
	g_test_add_func("/fwcfg/directory", test_fwcfg_file_directory_is_sorted_by_name);
	g_test_add_func("/fwcfg/dma-read", test_fwcfg_dma_select_read_and_skip);
	g_test_add_func("/fwcfg/dma-write-ro", test_fwcfg_dma_write_to_read_only_item_sets_error);
	g_test_add_func("/fwcfg/dma-hostile", test_fwcfg_hostile_dma_gets_error_bit_not_a_crash);
	g_test_add_func("/fwcfg/reset", test_fwcfg_reset_deselects);
	g_test_add_func("/fwcfg/slots", test_fwcfg_file_slots_run_out_cleanly);
	return g_test_run();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Memory regions: flattening with priorities and aliases, access-size rules,
 * unassigned accesses, ROM, and the bounds-checked DMA helpers.
 */
#include "system/memory.h"

struct reg_dev {
	uint32_t last_write;
	unsigned last_size;
	int reads;
};

static uint64_t reg_read(void *opaque, uint64_t off, unsigned size)
{
	struct reg_dev *d = opaque;

	d->reads++;
	return 0x11223344u + off;
}

static void reg_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
	struct reg_dev *d = opaque;

	d->last_write = v;
	d->last_size = size;
}

static const struct memory_region_ops reg_ops_32 = {
	.read = reg_read, .write = reg_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
	.impl = { .min_access_size = 4, .max_access_size = 4 },
};

static const struct memory_region_ops reg_ops_strict = {
	.read = reg_read, .write = reg_write,
	.valid = { .min_access_size = 4, .max_access_size = 4 },
};

static void test_memory_priority_and_alias_flatten(void)
{
	struct memory_region root, ram, hole, alias;
	struct address_space as;
	struct reg_dev dev = { 0 };
	GError *err = NULL;
	uint64_t v;

	memory_region_init_container(&root, NULL, "root", UINT64_MAX);
	g_assert_true(memory_region_init_ram(&ram, NULL, "ram", 1 * MiB, &err));
	memory_region_init_io(&hole, NULL, &reg_ops_32, &dev, "hole", 0x1000);
	memory_region_init_alias(&alias, NULL, "alias", &ram, 0x1000, 0x1000);
	memory_region_add_subregion(&root, 0, &ram);
	memory_region_add_subregion_overlap(&root, 0x8000, &hole, 1);
	memory_region_add_subregion(&root, 0x200000, &alias);
	address_space_init(&as, &root, "test", false);

	/* ram [0,0x8000) hole [0x8000,0x9000) ram [0x9000, 1M) alias [2M, 2M+4K) */
	g_assert_cmpuint(as.view->nr, ==, 4);
	g_assert_true(address_space_lookup(&as, 0x8800)->mr == &hole);
	g_assert_true(address_space_lookup(&as, 0x9000)->mr == &ram);
	g_assert_cmpuint(address_space_lookup(&as, 0x9000)->offset_in_region, ==, 0x9000);
	g_assert_null(address_space_lookup(&as, 0x100000));

	address_space_write_value(&as, 0x1004, 4, 0xdeadbeef);
	address_space_read_value(&as, 0x200004, 4, &v);
	g_assert_cmphex(v, ==, 0xdeadbeef);

	memory_region_set_enabled(&hole, false);
	g_assert_true(address_space_lookup(&as, 0x8800)->mr == &ram);
	g_assert_cmpuint(as.view->nr, ==, 2);
	address_space_destroy(&as);
	memory_region_destroy(&hole);
	memory_region_destroy(&alias);
	memory_region_destroy(&ram);
	memory_region_destroy(&root);
}

static void test_memory_access_sizes_split_and_widen(void)
{
	struct memory_region root, io, strict;
	struct address_space as;
	struct reg_dev dev = { 0 }, sdev = { 0 };
	uint64_t v;

	memory_region_init_container(&root, NULL, "io", 0x10000);
	memory_region_init_io(&io, NULL, &reg_ops_32, &dev, "dev", 8);
	memory_region_init_io(&strict, NULL, &reg_ops_strict, &sdev, "strict", 8);
	memory_region_add_subregion(&root, 0x100, &io);
	memory_region_add_subregion(&root, 0x200, &strict);
	address_space_init(&as, &root, "I/O", true);

	/* a byte read of a 32-bit-only register extracts the right byte */
	g_assert_cmpint(address_space_read_value(&as, 0x101, 1, &v), ==, MEMTX_OK);
	g_assert_cmphex(v, ==, 0x33);
	/* a byte write becomes a read-modify-write of the 32-bit unit */
	address_space_write_value(&as, 0x102, 1, 0xaa);
	g_assert_cmphex(dev.last_write, ==, 0x11aa3344);
	g_assert_cmpuint(dev.last_size, ==, 4);
	/* the strict region refuses byte accesses: all-ones, no callback */
	g_assert_cmpint(address_space_read_value(&as, 0x200, 1, &v), ==, MEMTX_ERROR);
	g_assert_cmphex(v, ==, 0xff);
	g_assert_cmpint(sdev.reads, ==, 0);
	/* unassigned ports read as all ones */
	g_assert_cmpint(address_space_read_value(&as, 0x300, 2, &v), ==, MEMTX_DECODE_ERROR);
	g_assert_cmphex(v, ==, 0xffff);
	address_space_destroy(&as);
	memory_region_destroy(&io);
	memory_region_destroy(&strict);
	memory_region_destroy(&root);
}

static void test_memory_rom_ignores_writes(void)
{
	struct memory_region root, rom;
	struct address_space as;
	GError *err = NULL;
	uint64_t v;
	uint8_t data[4] = { 1, 2, 3, 4 };

	memory_region_init_container(&root, NULL, "root", UINT64_MAX);
	g_assert_true(memory_region_init_rom(&rom, NULL, "rom", 0x1000, &err));
	memory_region_add_subregion(&root, 0xf000, &rom);
	address_space_init(&as, &root, "test", false);
	g_assert_true(address_space_write_rom(&as, 0xf000, data, 4, &err));
	address_space_write_value(&as, 0xf000, 4, 0);
	address_space_read_value(&as, 0xf000, 4, &v);
	g_assert_cmphex(v, ==, 0x04030201);
	g_assert_cmpint(dma_memory_write(&as, 0xf000, data, 4), ==, MEMTX_ERROR);
	address_space_destroy(&as);
	memory_region_destroy(&rom);
	memory_region_destroy(&root);
}

static void test_memory_dma_checks_bounds(void)
{
	struct memory_region root, ram, io;
	struct address_space as;
	struct reg_dev dev = { 0 };
	GError *err = NULL;
	uint8_t buf[64];

	memory_region_init_container(&root, NULL, "root", UINT64_MAX);
	g_assert_true(memory_region_init_ram(&ram, NULL, "ram", 0x10000, &err));
	memory_region_init_io(&io, NULL, &reg_ops_32, &dev, "mmio", 0x1000);
	memory_region_add_subregion(&root, 0, &ram);
	memory_region_add_subregion(&root, 0x10000, &io);
	address_space_init(&as, &root, "test", false);

	g_assert_cmpint(dma_memory_read(&as, 0xffc0, buf, 64), ==, MEMTX_OK);
	/* crosses from RAM into MMIO: refused as a whole */
	g_assert_cmpint(dma_memory_read(&as, 0xffe0, buf, 64), ==, MEMTX_ERROR);
	g_assert_cmpint(dev.reads, ==, 0);
	/* wraps around the address space */
	g_assert_cmpint(dma_memory_write(&as, UINT64_MAX - 8, buf, 64), ==, MEMTX_ERROR);
	g_assert_cmpint(dma_memory_read(&as, 0x20000, buf, 1), ==, MEMTX_ERROR);
	address_space_destroy(&as);
	memory_region_destroy(&io);
	memory_region_destroy(&ram);
	memory_region_destroy(&root);
}

static int listener_adds, listener_dels;

static void count_add(struct memory_listener *l, const struct flat_range *fr) { listener_adds++; }
static void count_del(struct memory_listener *l, const struct flat_range *fr) { listener_dels++; }

static void test_memory_listener_sees_ram_changes(void)
{
	struct memory_region root, ram;
	struct address_space as;
	struct memory_listener l = { .region_add = count_add, .region_del = count_del };
	GError *err = NULL;

	memory_region_init_container(&root, NULL, "root", UINT64_MAX);
	g_assert_true(memory_region_init_ram(&ram, NULL, "ram", 0x10000, &err));
	address_space_init(&as, &root, "test", false);
	memory_listener_register(&l, &as);
	memory_region_add_subregion(&root, 0, &ram);
	g_assert_cmpint(listener_adds, ==, 1);
	memory_region_set_address(&ram, 0x100000);
	g_assert_cmpint(listener_dels, ==, 1);
	g_assert_cmpint(listener_adds, ==, 2);
	address_space_destroy(&as);
	memory_region_destroy(&ram);
	memory_region_destroy(&root);
}

static const struct memory_region_ops reg_ops_any = { .read = reg_read, .write = reg_write };

static void test_memory_io_access_goes_whole_to_region_it_starts_in(void)
{
	struct memory_region root, conf, rcr;
	struct address_space as;
	struct reg_dev cdev = { 0 }, rdev = { 0 };
	uint64_t v;

	memory_region_init_container(&root, NULL, "io", 0x10000);
	memory_region_init_io(&conf, NULL, &reg_ops_strict, &cdev, "conf", 4);
	memory_region_init_io(&rcr, NULL, &reg_ops_any, &rdev, "rcr", 1);
	memory_region_add_subregion(&root, 0xcf8, &conf);
	memory_region_add_subregion_overlap(&root, 0xcf9, &rcr, 1);
	address_space_init(&as, &root, "I/O", true);

	/* a dword at 0xcf8 is the 4-byte register, not split around 0xcf9 */
	address_space_write_value(&as, 0xcf8, 4, 0x80001234);
	g_assert_cmphex(cdev.last_write, ==, 0x80001234);
	g_assert_cmpuint(cdev.last_size, ==, 4);
	g_assert_cmpuint(rdev.last_size, ==, 0);
	g_assert_cmpint(address_space_read_value(&as, 0xcf8, 4, &v), ==, MEMTX_OK);
	g_assert_cmphex(v, ==, 0x11223344);
	/* a byte at 0xcf9 is the other one */
	address_space_write_value(&as, 0xcf9, 1, 0x06);
	g_assert_cmpuint(rdev.last_size, ==, 1);
	g_assert_cmphex(rdev.last_write, ==, 0x06);
	address_space_destroy(&as);
	memory_region_destroy(&conf);
	memory_region_destroy(&rcr);
	memory_region_destroy(&root);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/memory/priority_and_alias_flatten", test_memory_priority_and_alias_flatten);
	g_test_add_func("/memory/access_sizes_split_and_widen", test_memory_access_sizes_split_and_widen);
	g_test_add_func("/memory/rom_ignores_writes", test_memory_rom_ignores_writes);
	g_test_add_func("/memory/dma_checks_bounds", test_memory_dma_checks_bounds);
	g_test_add_func("/memory/listener_sees_ram_changes", test_memory_listener_sees_ram_changes);
	g_test_add_func("/memory/io_access_goes_whole_to_region_it_starts_in",
			test_memory_io_access_goes_whole_to_region_it_starts_in);
	return g_test_run();
}

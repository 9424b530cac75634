// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * e820 builder: sorting, merging, overlap (a later range wins), and the PC
 * layout QEMU's pc machine gives for various RAM sizes.
 */
#include "kemu/common.h"
#include "hw/i386/e820.h"

static void test_e820_sorts_and_merges_adjacent_ranges_of_one_type(void)
{
	struct e820_table t;

	e820_init(&t);
	g_assert_true(e820_add(&t, 0x200000, 0x100000, E820_RAM));
	g_assert_true(e820_add(&t, 0x100000, 0x100000, E820_RAM));
	g_assert_true(e820_add(&t, 0, 0x1000, E820_RESERVED));
	g_assert_cmpuint(t.nr, ==, 2);
	g_assert_cmpuint(t.entries[0].addr, ==, 0);
	g_assert_cmpuint(t.entries[1].addr, ==, 0x100000);
	g_assert_cmpuint(t.entries[1].size, ==, 0x200000);
}

static void test_e820_later_range_punches_a_hole(void)
{
	struct e820_table t;

	e820_init(&t);
	e820_add(&t, 0, 0x1000000, E820_RAM);
	e820_add(&t, 0x800000, 0x1000, E820_ACPI);
	g_assert_cmpuint(t.nr, ==, 3);
	g_assert_cmpuint(e820_type_at(&t, 0x7fffff), ==, E820_RAM);
	g_assert_cmpuint(e820_type_at(&t, 0x800000), ==, E820_ACPI);
	g_assert_cmpuint(e820_type_at(&t, 0x801000), ==, E820_RAM);
	g_assert_cmpuint(e820_total(&t, E820_RAM), ==, 0x1000000 - 0x1000);
	g_assert_cmpuint(e820_type_at(&t, 0x1000000), ==, 0);
}

static void test_e820_refuses_wrapping_range_and_overflowing_table(void)
{
	struct e820_table t;

	e820_init(&t);
	g_assert_false(e820_add(&t, UINT64_MAX - 10, 100, E820_RAM));
	for (unsigned i = 0; i < E820_MAX_ENTRIES; i++)
		g_assert_true(e820_add(&t, i * 0x2000ULL, 0x1000, i & 1 ? E820_RAM : E820_NVS));
	g_assert_false(e820_add(&t, 0x10000000, 0x1000, E820_RAM));
	g_assert_cmpuint(t.nr, ==, E820_MAX_ENTRIES);
}

static void test_pc_ram_split_matches_qemu_pc(void)
{
	uint64_t below, above;

	pc_ram_split(128 * MiB, 0, &below, &above);
	g_assert_cmpuint(below, ==, 128 * MiB);
	g_assert_cmpuint(above, ==, 0);
	/* 3.2 GiB < 3.5 GiB: all below 4G */
	pc_ram_split(3200 * MiB, 0, &below, &above);
	g_assert_cmpuint(below, ==, 3200 * MiB);
	g_assert_cmpuint(above, ==, 0);
	/* >= 3.5 GiB: gigabyte-aligned split at 3 GiB */
	pc_ram_split(3584 * MiB, 0, &below, &above);
	g_assert_cmpuint(below, ==, 3 * GiB);
	g_assert_cmpuint(above, ==, 512 * MiB);
	pc_ram_split(8 * GiB, 0, &below, &above);
	g_assert_cmpuint(below, ==, 3 * GiB);
	g_assert_cmpuint(above, ==, 5 * GiB);
	/* max-ram-below-4g=2G */
	pc_ram_split(4 * GiB, 2 * GiB, &below, &above);
	g_assert_cmpuint(below, ==, 2 * GiB);
	g_assert_cmpuint(above, ==, 2 * GiB);
}

static void test_e820_pc_direct_layout_has_ebda_and_bios_holes(void)
{
	struct e820_table t;
	g_autoptr(GByteArray) b = NULL;

	e820_build_pc(&t, 3 * GiB, 1 * GiB, true);
	g_assert_cmpuint(e820_type_at(&t, 0), ==, E820_RAM);
	g_assert_cmpuint(e820_type_at(&t, 0x9fbff), ==, E820_RAM);
	g_assert_cmpuint(e820_type_at(&t, 0x9fc00), ==, E820_RESERVED);
	g_assert_cmpuint(e820_type_at(&t, 0xa0000), ==, 0);
	g_assert_cmpuint(e820_type_at(&t, 0xe0000), ==, E820_RESERVED);
	g_assert_cmpuint(e820_type_at(&t, 0xfffff), ==, E820_RESERVED);
	g_assert_cmpuint(e820_type_at(&t, 0x100000), ==, E820_RAM);
	g_assert_cmpuint(e820_type_at(&t, 3 * GiB), ==, 0);
	g_assert_cmpuint(e820_type_at(&t, 4 * GiB), ==, E820_RAM);
	g_assert_cmpuint(e820_total(&t, E820_RAM), ==, 4 * GiB - 0x100000 + 0x9fc00);
	b = e820_to_bytes(&t);
	g_assert_cmpuint(b->len, ==, t.nr * 20);
	g_assert_cmpuint(ldl_le_p(b->data + 16), ==, E820_RAM);

	e820_build_pc(&t, 256 * MiB, 0, false);
	g_assert_cmpuint(t.nr, ==, 1);
	g_assert_cmpuint(t.entries[0].size, ==, 256 * MiB);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/e820/sort-merge", test_e820_sorts_and_merges_adjacent_ranges_of_one_type);
	g_test_add_func("/e820/overlap", test_e820_later_range_punches_a_hole);
	g_test_add_func("/e820/limits", test_e820_refuses_wrapping_range_and_overflowing_table);
	g_test_add_func("/e820/pc-split", test_pc_ram_split_matches_qemu_pc);
	g_test_add_func("/e820/pc-direct", test_e820_pc_direct_layout_has_ebda_and_bios_holes);
	return g_test_run();
}

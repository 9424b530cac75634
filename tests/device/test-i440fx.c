// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * i440FX PMC: PAM shadowing of 0xc0000-0xfffff (datasheet 3.3.16) for each
 * attribute, the SMRAM register (SMM refused: never opens), the legacy VGA
 * window and the PCI memory window.
 */
#include "pci-helpers.h"

#define RAM_BYTE	0x5a
#define BIOS_BYTE	0xb0
#define OPTROM_BYTE	0xc0

static struct pci_test_machine m;
static struct memory_region isa_bios, optrom;

/* PCI side of 0xc0000-0xfffff: an option ROM at 0xc0000 and the BIOS at 0xe0000 */
static void setup(void)
{
	GError *err = NULL;
	uint8_t *ram;

	pci_test_init(&m);
	g_assert_true(memory_region_init_rom(&isa_bios, NULL, "isa-bios", 0x20000, &err));
	g_assert_true(memory_region_init_rom(&optrom, NULL, "optrom", 0x20000, &err));
	memset(memory_region_get_ram_ptr(&isa_bios), BIOS_BYTE, 0x20000);
	memset(memory_region_get_ram_ptr(&optrom), OPTROM_BYTE, 0x20000);
	memory_region_add_subregion_overlap(&m.pci_mem, 0xe0000, &isa_bios, 1);
	memory_region_add_subregion_overlap(&m.pci_mem, 0xc0000, &optrom, 1);
	ram = harness_ram();
	memset(ram + 0xa0000, RAM_BYTE, 0x60000);
}

static void teardown(void)
{
	memory_region_destroy(&isa_bios);
	memory_region_destroy(&optrom);
	pci_test_fini(&m);
}

static uint8_t ram_at(uint64_t a)
{
	return ((uint8_t *)harness_ram())[a];
}

/* One segment through all four attributes: reads, writes, where writes land. */
static void check_pam_segment(int reg, int shift, uint64_t addr, uint8_t pci_byte)
{
	uint8_t other = cfg_readb(0, reg) & ~(0xf << shift);

	/* disabled: PCI for reads and writes (the ROM ignores the write) */
	cfg_writeb(0, reg, other);
	g_assert_cmphex(readb(addr), ==, pci_byte);
	writeb(addr, 0x11);
	g_assert_cmphex(readb(addr), ==, pci_byte);
	g_assert_cmphex(ram_at(addr), ==, RAM_BYTE);

	/* read-only: RAM for reads, writes do not reach RAM */
	cfg_writeb(0, reg, other | (1 << shift));
	g_assert_cmphex(readb(addr), ==, RAM_BYTE);
	writeb(addr, 0x22);
	g_assert_cmphex(readb(addr), ==, RAM_BYTE);
	g_assert_cmphex(ram_at(addr), ==, RAM_BYTE);

	/* write-only: PCI for reads, RAM for writes */
	cfg_writeb(0, reg, other | (2 << shift));
	writel(addr + 4, 0x33333333);
	g_assert_cmphex(readl(addr + 4), ==, pci_byte * 0x01010101u);
	g_assert_cmphex(ram_at(addr + 4), ==, 0x33);

	/* read-write: RAM */
	cfg_writeb(0, reg, other | (3 << shift));
	g_assert_cmphex(readb(addr + 4), ==, 0x33);
	writeb(addr, 0x44);
	g_assert_cmphex(readb(addr), ==, 0x44);
	g_assert_cmphex(ram_at(addr), ==, 0x44);
	/* the cache-enable bit (bit 2 of a nibble) changes nothing */
	cfg_writeb(0, reg, other | (7 << shift));
	g_assert_cmphex(readb(addr), ==, 0x44);
}

static void test_i440fx_pam_f0000_follows_pam0_high_nibble(void)
{
	setup();
	g_assert_cmphex(cfg_readb(0, I440FX_PAM), ==, 0);
	check_pam_segment(I440FX_PAM, 4, 0xf0000, BIOS_BYTE);
	check_pam_segment(I440FX_PAM, 4, 0xfffff - 7, BIOS_BYTE);
	/* the whole 64K follows: 0xe0000 (PAM5) did not */
	g_assert_cmphex(readb(0xe0000), ==, BIOS_BYTE);
	/* the low nibble of PAM0 is reserved: no effect */
	cfg_writeb(0, I440FX_PAM, 0x03);
	g_assert_cmphex(readb(0xf0000), ==, BIOS_BYTE);
	teardown();
}

static void test_i440fx_pam_c0000_segments_follow_their_nibbles(void)
{
	setup();
	check_pam_segment(I440FX_PAM + 1, 0, 0xc0000, OPTROM_BYTE);
	check_pam_segment(I440FX_PAM + 1, 0, 0xc3ff8, OPTROM_BYTE);
	/* PAM1 low nibble is 0xc0000-0xc3fff only */
	g_assert_cmphex(readb(0xc4000), ==, OPTROM_BYTE);
	check_pam_segment(I440FX_PAM + 1, 4, 0xc4000, OPTROM_BYTE);
	check_pam_segment(I440FX_PAM + 3, 0, 0xd0000, OPTROM_BYTE);
	check_pam_segment(I440FX_PAM + 5, 4, 0xe4000, BIOS_BYTE);
	check_pam_segment(I440FX_PAM + 6, 4, 0xec000, BIOS_BYTE);
	teardown();
}

static void test_i440fx_seabios_shadowing_sequence(void)
{
	setup();
	/* make_bios_writable: all RW, copy the BIOS down */
	for (int r = 0; r < I440FX_PAM_SIZE; r++)
		cfg_writeb(0, I440FX_PAM + r, r ? 0x33 : 0x30);
	for (uint64_t a = 0xe0000; a < 0x100000; a += 4)
		writel(a, 0xb105b105);
	/* make_bios_readonly */
	for (int r = 0; r < I440FX_PAM_SIZE; r++)
		cfg_writeb(0, I440FX_PAM + r, r ? 0x11 : 0x10);
	writel(0xffff0, 0);
	g_assert_cmphex(readl(0xffff0), ==, 0xb105b105);
	g_assert_cmphex(readl(0xe0000), ==, 0xb105b105);
	/* reset returns to the ROM */
	device_reset(DEVICE(pci_bus_get_device(m.bus, 0)));
	g_assert_cmphex(cfg_readb(0, I440FX_PAM + 3), ==, 0);
	g_assert_cmphex(readb(0xffff0), ==, BIOS_BYTE);
	teardown();
}

static void test_i440fx_smram_never_opens(void)
{
	setup();
	g_assert_cmphex(cfg_readb(0, I440FX_SMRAM), ==, 0x02);
	/* the legacy VGA window shows PCI (nothing here: all-ones), not RAM */
	g_assert_cmphex(readb(0xa0000), ==, 0xff);
	cfg_writeb(0, I440FX_SMRAM, SMRAM_D_OPEN | SMRAM_G_SMRAME | 0x07);
	g_assert_cmphex(cfg_readb(0, I440FX_SMRAM), ==, SMRAM_G_SMRAME | 0x02);
	g_assert_cmphex(readb(0xa0000), ==, 0xff);
	/* D_LCK: locked until reset, only D_CLS still changes */
	cfg_writeb(0, I440FX_SMRAM, SMRAM_D_LCK | SMRAM_G_SMRAME);
	cfg_writeb(0, I440FX_SMRAM, SMRAM_D_CLS);
	g_assert_cmphex(cfg_readb(0, I440FX_SMRAM), ==,
			SMRAM_D_LCK | SMRAM_G_SMRAME | SMRAM_D_CLS | 0x02);
	device_reset(DEVICE(pci_bus_get_device(m.bus, 0)));
	g_assert_cmphex(cfg_readb(0, I440FX_SMRAM), ==, 0x02);
	teardown();
}

static void test_i440fx_pci_windows(void)
{
	setup();
	g_assert_cmphex(m.win.hole_start, ==, HARNESS_RAM_SIZE);
	g_assert_cmphex(m.win.hole_end, ==, 0xfec00000);
	g_assert_cmphex(m.win.hole64_start, ==, 4 * GiB);
	g_assert_cmphex(m.win.hole64_end, ==, 36 * GiB);
	/* header: 8086:1237 rev 2, host bridge, single function */
	g_assert_cmphex(cfg_readl(0, 0), ==, 0x12378086);
	g_assert_cmphex(cfg_readl(0, 8), ==, 0x06000002);
	g_assert_cmphex(cfg_readb(0, PCI_HEADER_TYPE), ==, 0);
	teardown();
}

static void test_i440fx_pam_ram_at_reset_for_direct_boot(void)
{
	m.pam_ram_at_reset = true;	/* what the board passes for -kernel without firmware */
	setup();
	m.pam_ram_at_reset = false;
	g_assert_cmphex(cfg_readb(0, I440FX_PAM), ==, 0x30);
	g_assert_cmphex(cfg_readb(0, I440FX_PAM + 6), ==, 0x33);
	writeb(0xf0000, 0x77);
	g_assert_cmphex(ram_at(0xf0000), ==, 0x77);
	g_assert_cmphex(readb(0xc0000), ==, RAM_BYTE);
	/* and again after a reset */
	cfg_writeb(0, I440FX_PAM, 0);
	g_assert_cmphex(readb(0xf0000), ==, BIOS_BYTE);
	device_reset(DEVICE(pci_bus_get_device(m.bus, 0)));
	g_assert_cmphex(readb(0xf0000), ==, 0x77);
	teardown();
}

static void test_i440fx_state_restore_reapplies_pam(void)
{
	struct pci_device *pmc;
	g_autoptr(GByteArray) state = NULL;
	g_autoptr(GError) err = NULL;

	setup();
	pmc = pci_bus_get_device(m.bus, 0);
	cfg_writeb(0, I440FX_PAM, 0x10);	/* 0xf0000: read-only RAM */
	outl(0xcf8, 0x80000058);
	state = vmstate_save(&DEVICE_GET_CLASS(pmc)->vmsd, pmc);
	device_reset(DEVICE(pmc));
	g_assert_cmphex(readb(0xf0000), ==, BIOS_BYTE);
	g_assert_true(vmstate_load(&DEVICE_GET_CLASS(pmc)->vmsd, pmc, state->data, state->len,
				   &err));
	pci_device_post_load(pmc);
	g_assert_cmphex(readb(0xf0000), ==, RAM_BYTE);
	g_assert_cmphex(inl(0xcf8), ==, 0x80000058);
	teardown();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/i440fx/pam_f0000_follows_pam0_high_nibble",
			test_i440fx_pam_f0000_follows_pam0_high_nibble);
	g_test_add_func("/i440fx/pam_c0000_segments_follow_their_nibbles",
			test_i440fx_pam_c0000_segments_follow_their_nibbles);
	g_test_add_func("/i440fx/seabios_shadowing_sequence", test_i440fx_seabios_shadowing_sequence);
	g_test_add_func("/i440fx/smram_never_opens", test_i440fx_smram_never_opens);
	g_test_add_func("/i440fx/pci_windows", test_i440fx_pci_windows);
	g_test_add_func("/i440fx/pam_ram_at_reset_for_direct_boot",
			test_i440fx_pam_ram_at_reset_for_direct_boot);
	g_test_add_func("/i440fx/state_restore_reapplies_pam",
			test_i440fx_state_restore_reapplies_pam);
	return g_test_run();
}

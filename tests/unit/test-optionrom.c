// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The option ROMs built from pc-bios/optionrom/ at build time, as kemu links
 * them in: what SeaBIOS checks before it runs one (signature, size, checksum;
 * SeaBIOS src/optionroms.c is_valid_rom) and finds in its PnP expansion
 * header (PnP BIOS spec 1.0a, 3.3; BIOS Boot Specification 1.01, 3.2).
 */
#include "kemu/common.h"
#include "pc-bios/optionrom/optionroms.h"

static uint8_t sum8(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

static void test_linuxboot_rom_header_size_and_checksum(void)
{
	const uint8_t *rom = optionrom_linuxboot;
	size_t size = optionrom_linuxboot_size;

	g_assert_cmpuint(size, >=, 512);
	g_assert_cmpuint(size % 512, ==, 0);
	g_assert_cmpuint(size, <=, 255 * 512);
	g_assert_cmphex(rom[0], ==, 0x55);
	g_assert_cmphex(rom[1], ==, 0xaa);
	g_assert_cmpuint(rom[2] * 512u, ==, size);	/* length in 512-byte blocks */
	g_assert_cmphex(sum8(rom, size), ==, 0);	/* all bytes sum to 0 mod 256 */
	g_assert_cmphex(rom[3], ==, 0xcb);		/* init entry: far return */
}

static void test_linuxboot_rom_pnp_header_has_a_boot_entry_vector(void)
{
	const uint8_t *rom = optionrom_linuxboot;
	size_t size = optionrom_linuxboot_size;
	size_t pnp = lduw_le_p(rom + 0x1a), len, bev, product;

	g_assert_cmpuint(pnp, >=, 0x1c);
	g_assert_cmpuint(pnp + 0x20, <=, size);
	g_assert_cmpmem(rom + pnp, 4, "$PnP", 4);
	g_assert_cmpuint(rom[pnp + 4], ==, 1);		/* structure revision */
	len = rom[pnp + 5] * 16;
	g_assert_cmpuint(len, >=, 0x20);
	g_assert_cmphex(sum8(rom + pnp, len), ==, 0);	/* header checksum */
	g_assert_cmpuint(lduw_le_p(rom + pnp + 6), ==, 0);	/* one header */
	bev = lduw_le_p(rom + pnp + 0x1a);
	g_assert_cmpuint(bev, >, pnp + len - 1);
	g_assert_cmpuint(bev, <, size);
	g_assert_cmpuint(lduw_le_p(rom + pnp + 0x16), ==, 0);	/* no BCV: a boot entry only */
	product = lduw_le_p(rom + pnp + 0x10);
	g_assert_cmpuint(product, <, size);
	g_assert_nonnull(memchr(rom + product, 0, size - product));
	g_assert_cmpstr((const char *)rom + product, ==, "Linux loader");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/optionrom/linuxboot/header", test_linuxboot_rom_header_size_and_checksum);
	g_test_add_func("/optionrom/linuxboot/pnp-bev", test_linuxboot_rom_pnp_header_has_a_boot_entry_vector);
	return g_test_run();
}

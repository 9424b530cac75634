// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Firmware tables: AML encodings against byte sequences iasl produces, ACPI
 * table layout (lengths, checksums, MADT entries per CPU, FADT fields), the
 * table-loader as firmware runs it and as direct boot places it, the MP
 * table and SMBIOS structures.
 */
#include "kemu/common.h"
#include "hw/acpi/aml.h"
#include "hw/acpi/acpi-build.h"
#include "hw/acpi/bios-linker.h"
#include "hw/i386/mptable.h"
#include "hw/i386/smbios.h"
#include "hw/nvram/fw_cfg.h"

static void assert_bytes(GByteArray *got, const uint8_t *want, size_t len)
{
	if (got->len != len || memcmp(got->data, want, len)) {
		g_autoptr(GString) s = g_string_new("got:");

		for (unsigned i = 0; i < got->len; i++)
			g_string_append_printf(s, " %02x", got->data[i]);
		g_test_message("%s", s->str);
	}
	g_assert_cmpmem(got->data, got->len, want, len);
	g_byte_array_free(got, TRUE);
}

#define ASSERT_AML(aml, ...) do {					\
	static const uint8_t want_[] = { __VA_ARGS__ };			\
	assert_bytes(aml_finish(aml), want_, sizeof(want_));		\
} while (0)

static void test_aml_pkglength_encoding(void)
{
	uint8_t b[4];

	g_assert_cmpuint(aml_pkglen_encode(b, 0), ==, 1);
	g_assert_cmpuint(b[0], ==, 0x01);
	g_assert_cmpuint(aml_pkglen_encode(b, 62), ==, 1);
	g_assert_cmpuint(b[0], ==, 0x3f);
	/* 63 bytes of body: 65 in all, two bytes: 0x41 0x04 */
	g_assert_cmpuint(aml_pkglen_encode(b, 63), ==, 2);
	g_assert_cmpuint(b[0], ==, 0x41);
	g_assert_cmpuint(b[1], ==, 0x04);
	g_assert_cmpuint(aml_pkglen_encode(b, 4093), ==, 2);	/* 4095 */
	g_assert_cmpuint(b[0], ==, 0x4f);
	g_assert_cmpuint(b[1], ==, 0xff);
	g_assert_cmpuint(aml_pkglen_encode(b, 4094), ==, 3);	/* 4097 */
	g_assert_cmpuint(b[0], ==, 0x81);
	g_assert_cmpuint(b[1], ==, 0x00);
	g_assert_cmpuint(b[2], ==, 0x01);
	g_assert_cmpuint(aml_pkglen_encode(b, 0x100000), ==, 4);
}

static void test_aml_integers_strings_and_names(void)
{
	ASSERT_AML(aml_int(0), 0x00);
	ASSERT_AML(aml_int(1), 0x01);
	ASSERT_AML(aml_int(2), 0x0a, 0x02);
	ASSERT_AML(aml_int(0x1234), 0x0b, 0x34, 0x12);
	ASSERT_AML(aml_int(0x12345678), 0x0c, 0x78, 0x56, 0x34, 0x12);
	ASSERT_AML(aml_int(0x100000000ULL), 0x0e, 0, 0, 0, 0, 1, 0, 0, 0);
	ASSERT_AML(aml_string("ACPI0007"), 0x0d, 'A', 'C', 'P', 'I', '0', '0', '0', '7', 0);
	/* Name (_HID, EisaId ("PNP0A03")) */
	ASSERT_AML(aml_name_decl("_HID", aml_eisaid("PNP0A03")),
		   0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03);
	ASSERT_AML(aml_name("\\_SB.PCI0"), 0x5c, 0x2e, '_', 'S', 'B', '_', 'P', 'C', 'I', '0');
	ASSERT_AML(aml_name("\\_SB.PCI0.ISA"), 0x5c, 0x2f, 3, '_', 'S', 'B', '_', 'P', 'C', 'I',
		   '0', 'I', 'S', 'A', '_');
	ASSERT_AML(aml_name("^FOO"), 0x5e, 'F', 'O', 'O', '_');
}

static void test_aml_blocks(void)
{
	struct aml *pkg = aml_package(), *dev, *m;

	for (int i = 0; i < 4; i++)
		aml_append(pkg, aml_int(0));
	/* Name (\_S5, Package (0x04) { Zero, Zero, Zero, Zero }) */
	ASSERT_AML(aml_name_decl("\\_S5", pkg),
		   0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0);

	dev = aml_device("COM1");
	aml_append(dev, aml_name_decl("_UID", aml_int(1)));
	ASSERT_AML(dev, 0x5b, 0x82, 0x0b, 'C', 'O', 'M', '1', 0x08, '_', 'U', 'I', 'D', 0x01);

	/* Method (_STA, 0, NotSerialized) { Return (0x0F) } */
	m = aml_method("_STA", 0, false);
	aml_append(m, aml_return(aml_int(0x0f)));
	ASSERT_AML(m, 0x14, 0x09, '_', 'S', 'T', 'A', 0x00, 0xa4, 0x0a, 0x0f);

	ASSERT_AML(aml_buffer((const uint8_t *)"\x01\x02", 2), 0x11, 0x05, 0x0a, 0x02, 0x01, 0x02);
}

static void test_aml_resource_templates(void)
{
	struct aml *crs = aml_resource_template();

	/* ResourceTemplate () { IO (Decode16, 0x03F8, 0x03F8, 0x01, 0x08) IRQNoFlags () {4} } */
	aml_append(crs, aml_io(0x3f8, 0x3f8, 1, 8));
	aml_append(crs, aml_irq_no_flags(4));
	ASSERT_AML(crs, 0x11, 0x10, 0x0a, 0x0d, 0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08,
		   0x22, 0x10, 0x00, 0x79, 0x00);
	/* WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode, 0, 0, 0xFF, 0, 0x100) */
	ASSERT_AML(aml_word_bus_number(0, 0xff), 0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00, 0, 0, 0, 0,
		   0xff, 0, 0, 0, 0x00, 0x01);
	ASSERT_AML(aml_dword_memory(0xa0000, 0xbffff, true), 0x87, 0x17, 0x00, 0x00, 0x0c, 0x03,
		   0, 0, 0, 0, 0x00, 0x00, 0x0a, 0x00, 0xff, 0xff, 0x0b, 0x00, 0, 0, 0, 0,
		   0x00, 0x00, 0x02, 0x00);
}

/* ------------------------------------------------------------ ACPI tables */

static const uint8_t *table_at(const struct acpi_tables *t, uint32_t off, const char *sig)
{
	const uint8_t *p = t->tables->data + off;

	g_assert_cmpuint(off + 36, <=, t->tables->len);
	g_assert_cmpmem(p, 4, sig, 4);
	g_assert_cmpuint(off + ldl_le_p(p + 4), <=, t->tables->len);
	return p;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

static void assert_table_checksums(const struct acpi_tables *t)
{
	uint32_t offs[] = { t->dsdt, t->fadt, t->madt, t->rsdt, t->xsdt };

	for (unsigned i = 0; i < ARRAY_SIZE(offs); i++) {
		const uint8_t *p = t->tables->data + offs[i];

		g_assert_cmpuint(sum(p, ldl_le_p(p + 4)), ==, 0);
	}
	g_assert_cmpuint(sum(t->rsdp->data, 20), ==, 0);
	g_assert_cmpuint(sum(t->rsdp->data, 36), ==, 0);
}

static void test_acpi_madt_has_one_lapic_per_cpu(void)
{
	for (unsigned n = 1; n <= 64; n = n * 2 + 1) {
		struct acpi_build_config cfg = ACPI_BUILD_CONFIG_PC(n, 128 * MiB);
		struct acpi_tables t;
		const uint8_t *m;
		unsigned count[16] = { 0 }, len;

		acpi_build(&cfg, &t);
		m = table_at(&t, t.madt, "APIC");
		len = ldl_le_p(m + 4);
		g_assert_cmpuint(ldl_le_p(m + 36), ==, 0xfee00000);
		for (unsigned off = 44; off < len; off += m[off + 1]) {
			g_assert_cmpuint(m[off + 1], >=, 2);
			count[m[off] & 15]++;
			if (m[off] == 0) {
				g_assert_cmpuint(m[off + 2], ==, m[off + 3]);	/* UID = APIC id */
				g_assert_cmpuint(ldl_le_p(m + off + 4), ==, 1);
			}
			if (m[off] == 2 && m[off + 3] == 0)
				g_assert_cmpuint(ldl_le_p(m + off + 4), ==, 2);	/* IRQ0 -> GSI2 */
			if (m[off] == 2 && m[off + 3] == 9)
				g_assert_cmpuint(lduw_le_p(m + off + 8), ==, 0x0d);
		}
		g_assert_cmpuint(count[0], ==, n);
		g_assert_cmpuint(count[1], ==, 1);
		g_assert_cmpuint(count[2], ==, 5);
		g_assert_cmpuint(count[4], ==, 1);
		assert_table_checksums(&t);
		acpi_tables_free(&t);
	}
}

static void test_acpi_fadt_describes_pm_block_reset_and_sci(void)
{
	struct acpi_build_config cfg = ACPI_BUILD_CONFIG_PC(2, 128 * MiB);
	struct acpi_tables t;
	const uint8_t *f;

	acpi_build(&cfg, &t);
	f = table_at(&t, t.fadt, "FACP");
	g_assert_cmpuint(ldl_le_p(f + 4), ==, 244);
	g_assert_cmpuint(f[8], ==, 3);
	g_assert_cmpuint(lduw_le_p(f + 46), ==, 9);		/* SCI_INT */
	g_assert_cmpuint(ldl_le_p(f + 48), ==, 0xb2);		/* SMI_CMD */
	g_assert_cmpuint(f[52], ==, 0xf1);
	g_assert_cmpuint(f[53], ==, 0xf0);
	g_assert_cmpuint(ldl_le_p(f + 56), ==, 0x600);		/* PM1a_EVT_BLK */
	g_assert_cmpuint(ldl_le_p(f + 64), ==, 0x604);		/* PM1a_CNT_BLK */
	g_assert_cmpuint(ldl_le_p(f + 76), ==, 0x608);		/* PM_TMR_BLK */
	g_assert_cmpuint(f[88], ==, 4);
	g_assert_cmpuint(f[89], ==, 2);
	g_assert_cmpuint(f[91], ==, 4);
	g_assert_cmpuint(ldl_le_p(f + 112) & (1u << 10), !=, 0);	/* RESET_REG_SUP */
	g_assert_cmpuint(ldl_le_p(f + 112) & (1u << 4), ==, 0);	/* fixed power button */
	g_assert_cmpuint(f[116], ==, 1);			/* RESET_REG: system I/O */
	g_assert_cmpuint(ldq_le_p(f + 120), ==, 0xcf9);
	g_assert_cmpuint(f[128], ==, 6);
	g_assert_cmpuint(ldq_le_p(f + 208 + 4), ==, 0x608);	/* X_PM_TMR_BLK */
	/* unlinked pointers hold offsets into etc/acpi/tables */
	g_assert_cmpuint(ldl_le_p(f + 36), ==, t.facs);
	g_assert_cmpuint(ldl_le_p(f + 40), ==, t.dsdt);
	g_assert_cmpuint(ldq_le_p(f + 140), ==, t.dsdt);
	assert_table_checksums(&t);
	acpi_tables_free(&t);
}

static void test_acpi_dsdt_contains_pci_root_isa_devices_and_s5(void)
{
	struct acpi_build_config cfg = ACPI_BUILD_CONFIG_PC(2, 128 * MiB);
	struct acpi_tables t;
	const uint8_t *d;
	uint32_t len;
	static const uint8_t pnp0a03[] = { 0x0c, 0x41, 0xd0, 0x0a, 0x03 };
	static const uint8_t pnp0501[] = { 0x0c, 0x41, 0xd0, 0x05, 0x01 };
	static const uint8_t s5[] = { 0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x06, 0x04 };

	cfg.serial_mask = 1;
	acpi_build(&cfg, &t);
	d = table_at(&t, t.dsdt, "DSDT");
	len = ldl_le_p(d + 4);
	g_assert_nonnull(memmem(d, len, pnp0a03, sizeof(pnp0a03)));
	g_assert_nonnull(memmem(d, len, pnp0501, sizeof(pnp0501)));
	g_assert_nonnull(memmem(d, len, s5, sizeof(s5)));
	g_assert_nonnull(memmem(d, len, "COM1", 4));
	g_assert_null(memmem(d, len, "COM2", 4));
	g_assert_nonnull(memmem(d, len, "C001", 4));
	g_assert_null(memmem(d, len, "C002", 4));
	g_assert_nonnull(memmem(d, len, "\x0d" "ACPI0007", 9));
	acpi_tables_free(&t);
}

static void check_linked(const struct acpi_tables *t, uint64_t base, uint64_t rsdp_addr)
{
	const uint8_t *r = t->rsdp->data, *rsdt, *xsdt, *f;

	g_assert_cmpmem(r, 8, "RSD PTR ", 8);
	g_assert_cmpuint(r[15], ==, 2);
	g_assert_cmpuint(ldl_le_p(r + 16), ==, base + t->rsdt);
	g_assert_cmpuint(ldq_le_p(r + 24), ==, base + t->xsdt);
	rsdt = t->tables->data + t->rsdt;
	xsdt = t->tables->data + t->xsdt;
	g_assert_cmpuint(ldl_le_p(rsdt + 4), ==, 36 + 2 * 4);
	g_assert_cmpuint(ldl_le_p(rsdt + 36), ==, base + t->fadt);
	g_assert_cmpuint(ldl_le_p(rsdt + 40), ==, base + t->madt);
	g_assert_cmpuint(ldq_le_p(xsdt + 36), ==, base + t->fadt);
	g_assert_cmpuint(ldq_le_p(xsdt + 44), ==, base + t->madt);
	f = t->tables->data + t->fadt;
	g_assert_cmpuint(ldl_le_p(f + 36), ==, base + t->facs);
	g_assert_cmpuint((base + t->facs) % 64, ==, 0);
	g_assert_cmpuint(ldq_le_p(f + 140), ==, base + t->dsdt);
	assert_table_checksums(t);
	(void)rsdp_addr;
}

static void test_acpi_direct_placement_links_and_checksums(void)
{
	struct acpi_build_config cfg = ACPI_BUILD_CONFIG_PC(4, 128 * MiB);
	struct acpi_tables t;
	GError *err = NULL;

	acpi_build(&cfg, &t);
	g_assert_true(acpi_tables_place(&t, ACPI_DIRECT_RSDP_ADDR, ACPI_DIRECT_TABLES_ADDR, &err));
	g_assert_no_error(err);
	check_linked(&t, ACPI_DIRECT_TABLES_ADDR, ACPI_DIRECT_RSDP_ADDR);
	g_assert_cmpuint(ACPI_DIRECT_TABLES_ADDR + t.tables->len, <=, ACPI_DIRECT_TABLES_END);
	g_assert_cmpuint(ACPI_DIRECT_RSDP_ADDR + t.rsdp->len, <=, ACPI_DIRECT_TABLES_ADDR);
	g_assert_false(acpi_tables_place(&t, 0xe0000, 0xe0041, &err));	/* FACS alignment */
	g_clear_error(&err);
	acpi_tables_free(&t);
}

static void test_acpi_table_loader_as_firmware_runs_it(void)
{
	struct acpi_build_config cfg = ACPI_BUILD_CONFIG_PC(2, 128 * MiB);
	struct acpi_tables t;
	struct fw_cfg_state fw;
	const struct fw_cfg_entry *e;
	const uint8_t *c;
	bool seen_checksum = false;
	struct bios_linker_file files[2];

	acpi_build(&cfg, &t);
	c = t.loader->data;
	g_assert_cmpuint(t.loader->len % 128, ==, 0);
	g_assert_cmpuint(ldl_le_p(c), ==, BIOS_LINKER_CMD_ALLOCATE);
	g_assert_cmpstr((const char *)c + 4, ==, "etc/acpi/rsdp");
	g_assert_cmpuint(c[64], ==, BIOS_LINKER_ZONE_FSEG);
	g_assert_cmpuint(ldl_le_p(c + 128 + 60), ==, 64);	/* tables: 64-byte aligned */
	for (unsigned i = 2; i < t.loader->len / 128; i++) {
		uint32_t cmd = ldl_le_p(c + 128 * i);

		g_assert_true(cmd == BIOS_LINKER_CMD_ADD_POINTER || cmd == BIOS_LINKER_CMD_ADD_CHECKSUM);
		if (cmd == BIOS_LINKER_CMD_ADD_CHECKSUM)
			seen_checksum = true;
		else
			g_assert_false(seen_checksum);	/* every pointer before any sum */
	}

	fw_cfg_state_init(&fw, true);
	acpi_tables_add_fw_cfg(&t, &fw);
	g_assert_nonnull(e = fw_cfg_find_file(&fw, "etc/acpi/tables", NULL));
	g_assert_cmpuint(e->len, ==, t.tables->len);
	g_assert_nonnull(fw_cfg_find_file(&fw, "etc/acpi/rsdp", NULL));
	g_assert_nonnull(fw_cfg_find_file(&fw, "etc/table-loader", NULL));
	fw_cfg_state_destroy(&fw);

	/* firmware puts the tables high and the RSDP in the F-segment */
	files[0] = (struct bios_linker_file){ "etc/acpi/tables", t.tables->data, t.tables->len, 0x7ffe0000 };
	files[1] = (struct bios_linker_file){ "etc/acpi/rsdp", t.rsdp->data, t.rsdp->len, 0xf5a10 };
	g_assert_true(bios_linker_apply(t.loader, files, 2, NULL));
	check_linked(&t, 0x7ffe0000, 0xf5a10);
	acpi_tables_free(&t);
}

static void test_bios_linker_refuses_bad_commands(void)
{
	g_autoptr(GByteArray) cmds = g_byte_array_new();
	uint8_t data[16] = { 0 };
	struct bios_linker_file f = { "a", data, sizeof(data), 0x1000 };
	GError *err = NULL;

	bios_linker_add_pointer(cmds, "a", 12, 8, "a");	/* runs past the end */
	g_assert_false(bios_linker_apply(cmds, &f, 1, &err));
	g_clear_error(&err);
	g_byte_array_set_size(cmds, 0);
	bios_linker_add_checksum(cmds, "b", 0, 4, 0);		/* unknown file */
	g_assert_false(bios_linker_apply(cmds, &f, 1, &err));
	g_clear_error(&err);
	g_byte_array_set_size(cmds, 0);
	bios_linker_add_pointer(cmds, "a", 4, 4, "a");
	bios_linker_add_checksum(cmds, "a", 0, 16, 15);
	stl_le_p(data + 4, 8);
	g_assert_true(bios_linker_apply(cmds, &f, 1, NULL));
	g_assert_cmpuint(ldl_le_p(data + 4), ==, 0x1008);
	g_assert_cmpuint(sum(data, 16), ==, 0);
}

/* ACPICA's disassembler must read every table without a complaint. */
static void test_acpi_tables_disassemble_cleanly_with_iasl(void)
{
	g_autofree char *iasl = g_find_program_in_path("iasl");
	g_autofree char *dir = NULL;
	struct acpi_build_config cfg = ACPI_BUILD_CONFIG_PC(8, 3 * GiB);
	struct acpi_tables t;
	const char *names[] = { "dsdt", "facp", "apic", "rsdt", "xsdt", "facs" };
	uint32_t offs[6];

	if (!iasl) {
		g_test_skip("iasl not installed (Debian package acpica-tools)");
		return;
	}
	dir = g_dir_make_tmp("kemu-acpi-XXXXXX", NULL);
	g_assert_nonnull(dir);
	cfg.pci_hole64_start = 0x100000000ULL;
	cfg.pci_hole64_size = 32 * GiB;
	cfg.pcihp_base = ACPI_PCIHP_BASE_DEFAULT;
	cfg.pcihp_slots = 0xfffffff8;	/* slots 3-31, as the pc board with VGA */
	acpi_build(&cfg, &t);
	g_assert_true(acpi_tables_place(&t, ACPI_DIRECT_RSDP_ADDR, ACPI_DIRECT_TABLES_ADDR, NULL));
	offs[0] = t.dsdt; offs[1] = t.fadt; offs[2] = t.madt;
	offs[3] = t.rsdt; offs[4] = t.xsdt; offs[5] = t.facs;
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		g_autofree char *dat = g_strdup_printf("%s/%s.dat", dir, names[i]);
		g_autofree char *dsl = g_strdup_printf("%s/%s.dsl", dir, names[i]);
		g_autofree char *out = NULL, *err = NULL, *text = NULL;
		const char *argv[] = { iasl, "-d", dat, NULL };
		int status;

		g_assert_true(g_file_set_contents(dat, (const char *)t.tables->data + offs[i],
						  ldl_le_p(t.tables->data + offs[i] + 4), NULL));
		g_assert_true(g_spawn_sync(dir, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
					   &out, &err, &status, NULL));
		g_assert_true(g_spawn_check_wait_status(status, NULL));
		g_assert_true(g_file_get_contents(dsl, &text, NULL, NULL));
		g_assert_null(strstr(out, "Error"));
		g_assert_null(strstr(text, "**** "));		/* iasl's complaints */
		g_assert_null(strstr(text, "Invalid"));
		if (i == 0) {
			g_assert_nonnull(strstr(text, "EisaId (\"PNP0A03\")"));
			g_assert_nonnull(strstr(text, "Name (\\_S5, Package (0x04)"));
			g_assert_nonnull(strstr(text, "QWordMemory"));
			/* interrupt links on PIIX3's PIRQ registers and the routing table */
			g_assert_nonnull(strstr(text, "OperationRegion (PIRQ, PCI_Config, 0x60, 0x04)"));
			g_assert_nonnull(strstr(text, "Device (LNKD)"));
			g_assert_nonnull(strstr(text, "Interrupt (ResourceConsumer, Level, ActiveHigh, "
						      "Shared, ,, )"));
			g_assert_nonnull(strstr(text, "Name (_PRT, Package (0x7C)"));
			/* hotplug: registers, slot objects, the GPE handler */
			g_assert_nonnull(strstr(text, "OperationRegion (PCST, SystemIO, 0xAE00, 0x0C)"));
			g_assert_nonnull(strstr(text, "Device (S1F)"));
			g_assert_null(strstr(text, "Device (S02)"));
			g_assert_nonnull(strstr(text, "Notify (S03, 0x03)"));
			g_assert_nonnull(strstr(text, "Method (_E01, 0, NotSerialized)"));
		}
		if (i == 1)
			g_assert_nonnull(strstr(text, "GPE0 Block Address : 0000AFE0"));
		if (i == 2)
			g_assert_nonnull(strstr(text, "Local Apic ID : 07"));
		if (g_getenv("KEMU_TEST_KEEP_DSL"))
			g_printerr("kept %s\n", dsl);
		else {
			remove(dat);
			remove(dsl);
		}
	}
	remove(dir);
	acpi_tables_free(&t);
}

/* ------------------------------------------------------------ MP, SMBIOS */

static void test_mptable_checksums_and_entries(void)
{
	struct mptable_config cfg = { .nr_cpus = 3 };
	g_autoptr(GByteArray) mp = mptable_build(MPTABLE_DIRECT_ADDR, &cfg);
	const uint8_t *ct = mp->data + 16;
	unsigned procs = 0, ints = 0;

	g_assert_cmpmem(mp->data, 4, "_MP_", 4);
	g_assert_cmpuint(sum(mp->data, 16), ==, 0);
	g_assert_cmpuint(ldl_le_p(mp->data + 4), ==, MPTABLE_DIRECT_ADDR + 16);
	g_assert_cmpmem(ct, 4, "PCMP", 4);
	g_assert_cmpuint(lduw_le_p(ct + 4), ==, mp->len - 16);
	g_assert_cmpuint(sum(ct, mp->len - 16), ==, 0);
	g_assert_cmpuint(lduw_le_p(ct + 34), ==, 3 + 1 + 1 + 15 + 2);
	for (const uint8_t *e = ct + 44; e < mp->data + mp->len; e += e[0] == 0 ? 20 : 8) {
		if (e[0] == 0) {
			procs++;
			g_assert_cmpuint(e[3] & 2, ==, procs == 1 ? 2 : 0);	/* BSP */
		}
		if (e[0] == 3 && e[5] == 0)
			g_assert_cmpuint(e[7], ==, 2);				/* IRQ0 -> pin 2 */
		if (e[0] == 3)
			ints++;
	}
	g_assert_cmpuint(procs, ==, 3);
	g_assert_cmpuint(ints, ==, 15);
}

static void test_smbios_entry_point_and_structures(void)
{
	struct smbios_config cfg = { .nr_cpus = 2, .below_4g = 3 * GiB, .above_4g = 17 * GiB };
	struct smbios_tables t;
	const uint8_t *a, *p, *end;
	unsigned n = 0, types[128] = { 0 };

	smbios_build(&cfg, SMBIOS_DIRECT_TABLES_ADDR, &t);
	a = t.anchor->data;
	g_assert_cmpuint(t.anchor->len, ==, 0x1f);
	g_assert_cmpmem(a, 4, "_SM_", 4);
	g_assert_cmpuint(sum(a, 0x1f), ==, 0);
	g_assert_cmpmem(a + 0x10, 5, "_DMI_", 5);
	g_assert_cmpuint(sum(a + 0x10, 0x0f), ==, 0);
	g_assert_cmpuint(lduw_le_p(a + 0x16), ==, t.tables->len);
	g_assert_cmpuint(ldl_le_p(a + 0x18), ==, SMBIOS_DIRECT_TABLES_ADDR);
	g_assert_cmpuint(SMBIOS_DIRECT_TABLES_ADDR + t.tables->len, <=, 0x100000);

	p = t.tables->data;
	end = p + t.tables->len;
	while (p < end) {
		const uint8_t *s = p + p[1];
		unsigned size;

		g_assert_cmpuint(p[1], >=, 4);
		types[p[0] & 127]++;
		while (s + 1 < end && (s[0] || s[1]))
			s++;
		g_assert_true(s + 1 < end);
		size = s + 2 - p;
		g_assert_cmpuint(size, <=, lduw_le_p(a + 8));	/* max structure size */
		p = s + 2;
		n++;
	}
	g_assert_true(p == end);
	g_assert_cmpuint(n, ==, lduw_le_p(a + 0x1c));
	g_assert_cmpuint(types[0], ==, 1);
	g_assert_cmpuint(types[1], ==, 1);
	g_assert_cmpuint(types[3], ==, 1);
	g_assert_cmpuint(types[4], ==, 2);
	g_assert_cmpuint(types[16], ==, 1);
	g_assert_cmpuint(types[17], ==, 2);	/* 20 GiB: two 16 GiB devices */
	g_assert_cmpuint(types[19], ==, 2);
	g_assert_cmpuint(types[32], ==, 1);
	g_assert_cmpuint(types[127], ==, 1);
	smbios_tables_free(&t);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/acpi/aml/pkglength", test_aml_pkglength_encoding);
	g_test_add_func("/acpi/aml/data", test_aml_integers_strings_and_names);
	g_test_add_func("/acpi/aml/blocks", test_aml_blocks);
	g_test_add_func("/acpi/aml/resources", test_aml_resource_templates);
	g_test_add_func("/acpi/madt", test_acpi_madt_has_one_lapic_per_cpu);
	g_test_add_func("/acpi/fadt", test_acpi_fadt_describes_pm_block_reset_and_sci);
	g_test_add_func("/acpi/dsdt", test_acpi_dsdt_contains_pci_root_isa_devices_and_s5);
	g_test_add_func("/acpi/direct", test_acpi_direct_placement_links_and_checksums);
	g_test_add_func("/acpi/table-loader", test_acpi_table_loader_as_firmware_runs_it);
	g_test_add_func("/acpi/iasl", test_acpi_tables_disassemble_cleanly_with_iasl);
	g_test_add_func("/acpi/linker-bad", test_bios_linker_refuses_bad_commands);
	g_test_add_func("/fwtables/mptable", test_mptable_checksums_and_entries);
	g_test_add_func("/fwtables/smbios", test_smbios_entry_point_and_structures);
	return g_test_run();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SMBIOS structures for the PC (DMTF DSP0134; structure layouts per the 2.8
 * lengths, which QEMU and SeaBIOS use with the 2.1-style "_SM_" anchor).
 * See include/hw/i386/smbios.h. Not here: -smbios overrides, type 11 OEM
 * strings, the 64-bit SMBIOS 3.0 anchor.
 */
#include "kemu/common.h"
#include "hw/i386/smbios.h"
#include "hw/nvram/fw_cfg.h"

struct smbios_builder {
	GByteArray *b;
	unsigned count;
	unsigned max_size;
	unsigned start;
	GPtrArray *strings;
};

static void put8(GByteArray *b, uint8_t v) { g_byte_array_append(b, &v, 1); }
static void put16(GByteArray *b, uint16_t v) { put8(b, v); put8(b, v >> 8); }
static void put32(GByteArray *b, uint32_t v) { put16(b, v); put16(b, v >> 16); }
static void put64(GByteArray *b, uint64_t v) { put32(b, v); put32(b, v >> 32); }

static void sm_begin(struct smbios_builder *s, uint8_t type, uint16_t handle)
{
	s->start = s->b->len;
	put8(s->b, type);
	put8(s->b, 0);			/* length of the formatted area, at end */
	put16(s->b, handle);
	g_ptr_array_set_size(s->strings, 0);
}

/* A string field: its 1-based number in the string set (0: none). */
static uint8_t sm_str(struct smbios_builder *s, const char *str)
{
	if (!str || !*str)
		return 0;
	g_ptr_array_add(s->strings, (gpointer)str);
	return s->strings->len;
}

static void sm_end(struct smbios_builder *s)
{
	unsigned len;

	s->b->data[s->start + 1] = s->b->len - s->start;
	for (unsigned i = 0; i < s->strings->len; i++) {
		const char *str = g_ptr_array_index(s->strings, i);

		g_byte_array_append(s->b, (const guint8 *)str, strlen(str) + 1);
	}
	if (!s->strings->len)
		put8(s->b, 0);
	put8(s->b, 0);			/* the set ends with a double NUL */
	len = s->b->len - s->start;
	s->max_size = MAX(s->max_size, len);
	s->count++;
}

static uint8_t smbios_checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return -sum;
}

void smbios_build(const struct smbios_config *cfg, uint32_t tables_addr,
		  struct smbios_tables *out)
{
	struct smbios_builder s = { .b = g_byte_array_new(), .strings = g_ptr_array_new() };
	const char *manuf = cfg->manufacturer ? cfg->manufacturer : "KEMU";
	const char *product = cfg->product ? cfg->product : "Standard PC (i440FX + PIIX, 1996)";
	const char *version = cfg->version ? cfg->version : "pc-i440fx-kemu";
	uint64_t ram = cfg->below_4g + cfg->above_4g;
	uint64_t ram_mb = ram / MiB;
	unsigned ndimm = MAX(1, (unsigned)((ram + 16 * GiB - 1) / (16 * GiB)));
	GByteArray *a;
	uint8_t str;

	/* Type 0: BIOS information (§7.1), 0x18 bytes */
	sm_begin(&s, 0, 0x000);
	str = sm_str(&s, manuf);
	put8(s.b, str);
	put8(s.b, sm_str(&s, "kemu-direct-boot"));
	put16(s.b, 0xe800);		/* starting segment */
	put8(s.b, sm_str(&s, "04/01/2014"));
	put8(s.b, 0);			/* ROM size: 64 KiB */
	put64(s.b, 0x08);		/* characteristics not supported */
	put8(s.b, 0x00);
	put8(s.b, 0x14);		/* ext. byte 2: target content distribution, VM */
	put8(s.b, 0);			/* BIOS major/minor release */
	put8(s.b, 0);
	put8(s.b, 0xff);		/* no embedded controller */
	put8(s.b, 0xff);
	sm_end(&s);

	/* Type 1: system information (§7.2), 0x1b bytes */
	sm_begin(&s, 1, 0x100);
	put8(s.b, sm_str(&s, manuf));
	put8(s.b, sm_str(&s, product));
	put8(s.b, sm_str(&s, version));
	put8(s.b, 0);			/* serial number */
	g_byte_array_append(s.b, cfg->uuid, 16);
	put8(s.b, 0x06);		/* wake-up type: power switch */
	put8(s.b, 0);			/* SKU */
	put8(s.b, 0);			/* family */
	sm_end(&s);

	/* Type 3: chassis (§7.4), 0x16 bytes */
	sm_begin(&s, 3, 0x300);
	put8(s.b, sm_str(&s, manuf));
	put8(s.b, 0x01);		/* type: other */
	put8(s.b, sm_str(&s, version));
	put8(s.b, 0);
	put8(s.b, 0);
	put8(s.b, 0x03);		/* boot-up state: safe */
	put8(s.b, 0x03);		/* power supply */
	put8(s.b, 0x03);		/* thermal */
	put8(s.b, 0x02);		/* security: unknown */
	put32(s.b, 0);			/* OEM */
	put8(s.b, 0);			/* height */
	put8(s.b, 0);			/* power cords */
	put8(s.b, 0);			/* contained elements */
	put8(s.b, 3);			/* element record length */
	put8(s.b, 0);			/* SKU */
	sm_end(&s);

	/* Type 4: one processor structure per CPU (§7.5), 0x2a bytes */
	for (unsigned i = 0; i < cfg->nr_cpus; i++) {
		char sock[16];

		snprintf(sock, sizeof(sock), "CPU %u", i);
		sm_begin(&s, 4, 0x400 + i);
		put8(s.b, sm_str(&s, sock));
		put8(s.b, 0x03);	/* central processor */
		put8(s.b, 0x01);	/* family: other */
		put8(s.b, sm_str(&s, manuf));
		put64(s.b, 0);		/* processor id */
		put8(s.b, 0);		/* version */
		put8(s.b, 0);		/* voltage */
		put16(s.b, 0);		/* external clock */
		put16(s.b, 2000);	/* max speed, MHz */
		put16(s.b, 2000);	/* current speed */
		put8(s.b, 0x41);	/* socket populated, CPU enabled */
		put8(s.b, 0x01);	/* upgrade: other */
		put16(s.b, 0xffff);	/* no L1/L2/L3 structures */
		put16(s.b, 0xffff);
		put16(s.b, 0xffff);
		put8(s.b, 0);
		put8(s.b, 0);
		put8(s.b, 0);
		put8(s.b, 1);		/* cores */
		put8(s.b, 1);		/* cores enabled */
		put8(s.b, 1);		/* threads */
		put16(s.b, 0x02);	/* characteristics: unknown */
		put16(s.b, 0x01);	/* family 2 */
		sm_end(&s);
	}

	/* Type 16: physical memory array (§7.17), 0x17 bytes */
	sm_begin(&s, 16, 0x1000);
	put8(s.b, 0x01);		/* location: other */
	put8(s.b, 0x03);		/* use: system memory */
	put8(s.b, 0x06);		/* error correction: multi-bit ECC (as QEMU) */
	if (ram / KiB < 0x80000000ULL) {
		put32(s.b, ram / KiB);
		put16(s.b, 0xfffe);
		put16(s.b, ndimm);
		put64(s.b, 0);
	} else {
		put32(s.b, 0x80000000);
		put16(s.b, 0xfffe);
		put16(s.b, ndimm);
		put64(s.b, ram);
	}
	sm_end(&s);

	/* Type 17: memory devices of up to 16 GiB (§7.18), 0x28 bytes */
	for (unsigned i = 0; i < ndimm; i++) {
		uint64_t mb = MIN(ram_mb - (uint64_t)i * 16384, 16384);
		char loc[16];

		snprintf(loc, sizeof(loc), "DIMM %u", i);
		sm_begin(&s, 17, 0x1100 + i);
		put16(s.b, 0x1000);	/* array handle */
		put16(s.b, 0xfffe);	/* no error information */
		put16(s.b, 0xffff);	/* total width unknown */
		put16(s.b, 0xffff);	/* data width unknown */
		put16(s.b, mb < 0x7fff ? mb : 0x7fff);
		put8(s.b, 0x09);	/* form factor: DIMM */
		put8(s.b, 0);		/* device set */
		put8(s.b, sm_str(&s, loc));
		put8(s.b, 0);		/* bank locator */
		put8(s.b, 0x07);	/* type: RAM */
		put16(s.b, 0x02);	/* detail: other */
		put16(s.b, 0);		/* speed unknown */
		put8(s.b, sm_str(&s, manuf));
		put8(s.b, 0);
		put8(s.b, 0);
		put8(s.b, 0);
		put8(s.b, 0);		/* attributes */
		put32(s.b, mb < 0x7fff ? 0 : mb);	/* extended size */
		put16(s.b, 0);		/* configured speed */
		put16(s.b, 0);		/* voltages */
		put16(s.b, 0);
		put16(s.b, 0);
		sm_end(&s);
	}

	/* Type 19: memory array mapped addresses (§7.20), 0x1f bytes */
	for (unsigned i = 0; i < 2; i++) {
		uint64_t start = i ? 0x100000000ULL : 0, size = i ? cfg->above_4g : cfg->below_4g;
		uint64_t end_kb = (start + size) / KiB - 1;

		if (!size)
			continue;
		sm_begin(&s, 19, 0x1300 + i);
		if (end_kb < 0xffffffffULL) {
			put32(s.b, start / KiB);
			put32(s.b, end_kb);
			put16(s.b, 0x1000);
			put8(s.b, ndimm);
			put64(s.b, 0);
			put64(s.b, 0);
		} else {
			put32(s.b, 0xffffffff);
			put32(s.b, 0xffffffff);
			put16(s.b, 0x1000);
			put8(s.b, ndimm);
			put64(s.b, start);
			put64(s.b, start + size - 1);
		}
		sm_end(&s);
	}

	/* Type 32: system boot information (§7.33), 0x0b bytes */
	sm_begin(&s, 32, 0x2000);
	for (int i = 0; i < 6; i++)
		put8(s.b, 0);
	put8(s.b, 0);			/* no errors */
	sm_end(&s);

	sm_begin(&s, 127, 0x7f00);	/* end of table */
	sm_end(&s);

	/* 2.1-style entry point, version 2.8 (§5.2.1), 0x1f bytes */
	a = g_byte_array_new();
	g_byte_array_append(a, (const guint8 *)"_SM_", 4);
	put8(a, 0);			/* checksum */
	put8(a, 0x1f);
	put8(a, 2);
	put8(a, 8);
	put16(a, s.max_size);
	put8(a, 0);			/* entry point revision */
	for (int i = 0; i < 5; i++)
		put8(a, 0);
	g_byte_array_append(a, (const guint8 *)"_DMI_", 5);
	put8(a, 0);			/* intermediate checksum */
	put16(a, s.b->len);
	put32(a, tables_addr);
	put16(a, s.count);
	put8(a, 0x28);			/* BCD revision */
	a->data[0x15] = smbios_checksum(a->data + 0x10, 0x0f);
	a->data[4] = smbios_checksum(a->data, 0x1f);

	g_ptr_array_free(s.strings, TRUE);
	out->anchor = a;
	out->tables = s.b;
}

void smbios_tables_free(struct smbios_tables *t)
{
	if (t->anchor)
		g_byte_array_free(t->anchor, TRUE);
	if (t->tables)
		g_byte_array_free(t->tables, TRUE);
	t->anchor = t->tables = NULL;
}

void smbios_tables_add_fw_cfg(struct smbios_tables *t, struct fw_cfg_state *fw)
{
	fw_cfg_add_file(fw, "etc/smbios/smbios-tables", t->tables->data, t->tables->len);
	fw_cfg_add_file(fw, "etc/smbios/smbios-anchor", t->anchor->data, t->anchor->len);
}

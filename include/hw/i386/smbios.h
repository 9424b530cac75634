/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMBIOS 2.8 tables (DMTF DSP0134 3.x, 2.8 entry point): types 0 (BIOS),
 * 1 (system), 3 (chassis), 4 (one per CPU), 16 (memory array), 17 (memory
 * devices, 16 GiB each), 19 (array mapped addresses), 32 (boot), 127 (end).
 *
 *	struct smbios_config cfg = { .nr_cpus = n, .below_4g = b, .above_4g = a };
 *	struct smbios_tables t;
 *	smbios_build(&cfg, SMBIOS_DIRECT_TABLES_ADDR, &t);
 * direct boot: write t.anchor at SMBIOS_DIRECT_ANCHOR_ADDR (F-segment,
 *	where guests scan for "_SM_") and t.tables at the address given.
 * firmware boot: smbios_build(&cfg, 0, &t); smbios_tables_add_fw_cfg(&t, fw)
 *	adds etc/smbios/smbios-tables and etc/smbios/smbios-anchor; SeaBIOS
 *	places the tables and fixes the address and checksums.
 */
#ifndef HW_I386_SMBIOS_H
#define HW_I386_SMBIOS_H

#include "kemu/common.h"

#define SMBIOS_DIRECT_ANCHOR_ADDR	0xf8000ULL
#define SMBIOS_DIRECT_TABLES_ADDR	0xf8020ULL	/* up to 0x100000 */

struct smbios_config {
	unsigned nr_cpus;
	uint64_t below_4g, above_4g;
	const char *manufacturer;	/* NULL: "KEMU" */
	const char *product;		/* NULL: "Standard PC (i440FX + PIIX, 1996)" */
	const char *version;		/* NULL: "pc-i440fx-kemu" */
	uint8_t uuid[16];		/* all zero: "not set" */
};

struct smbios_tables {
	GByteArray *anchor;		/* 31-byte "_SM_" entry point */
	GByteArray *tables;
};

void smbios_build(const struct smbios_config *cfg, uint32_t tables_addr,
		  struct smbios_tables *out);
void smbios_tables_free(struct smbios_tables *t);
struct fw_cfg_state;
void smbios_tables_add_fw_cfg(struct smbios_tables *t, struct fw_cfg_state *fw);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Minimal ACPI table walker for the test guests (ACPI 6.5, chapter 5.2):
 * finds the RSDP in the BIOS area (5.2.5.1), walks the XSDT (rev >= 2) or the
 * RSDT, checks checksums, parses the MADT (5.2.12) and finds \_S5 in the DSDT
 * by a byte search (good enough for firmware-made AML, not an AML parser).
 * Tables are reached by physical address: paging off or identity-mapped.
 */
#ifndef GUEST_ACPI_H
#define GUEST_ACPI_H
#include "io.h"

struct acpi_rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t ext_checksum;
	uint8_t reserved[3];
} __attribute__((packed));

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

/* FADT offsets (ACPI 6.5 table 5.9) */
#define FADT_FACS		36
#define FADT_DSDT		40
#define FADT_SMI_CMD		48
#define FADT_ACPI_ENABLE	52
#define FADT_PM1A_EVT_BLK	56
#define FADT_PM1A_CNT_BLK	64
#define FADT_PM_TMR_BLK		76
#define FADT_RESET_REG		116
#define FADT_RESET_VALUE	128
#define FADT_X_DSDT		140

extern const char *acpi_error;	/* why the last call failed */

bool acpi_checksum_ok(const void *p, uint32_t len);
const struct acpi_rsdp *acpi_find_rsdp(void);
/* number of tables the root table lists, and the i-th one (physical address) */
int acpi_root_count(const struct acpi_rsdp *rsdp);
const struct acpi_header *acpi_root_table(const struct acpi_rsdp *rsdp, int i);
const struct acpi_header *acpi_find_table(const char sig[4]);
const struct acpi_header *acpi_dsdt(void);
/* enabled processors in the MADT: fills ids[] (up to max), returns count or -1 */
int acpi_madt_cpus(uint8_t *ids, int max, uint32_t *lapic_base);
/* SLP_TYPa for S5 from the DSDT's \_S5 package; false if absent */
bool acpi_s5_slp_typ(uint8_t *slp_typa);
/* ACPI power-off: SCI_EN via SMI_CMD if needed, then SLP_TYP|SLP_EN to PM1a_CNT */
const char *acpi_poweroff(void);

#endif

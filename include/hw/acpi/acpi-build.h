/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kemu's ACPI tables for the PC: RSDP (v2), RSDT, XSDT, FADT (rev 3), FACS,
 * MADT, DSDT. One builder serves both boot paths:
 *
 *	struct acpi_build_config cfg = ACPI_BUILD_CONFIG_PC(nr_cpus, below_4g);
 *	struct acpi_tables t;
 *	acpi_build(&cfg, &t);
 *
 * firmware boot: acpi_tables_add_fw_cfg(&t, fw) adds etc/acpi/tables,
 *	etc/acpi/rsdp and etc/table-loader; SeaBIOS allocates and links them.
 * direct boot: acpi_tables_place(&t, ACPI_DIRECT_RSDP_ADDR,
 *	ACPI_DIRECT_TABLES_ADDR, &err) patches the pointers and checksums in
 *	place; the board then writes t.rsdp at the RSDP address (in the BIOS
 *	area 0xe0000-0xfffff, where guests scan for "RSD PTR ") and t.tables at
 *	the tables address. Both lie in the e820-reserved 0xe0000-0xf0000.
 *
 * acpi_tables_free(&t) releases the three arrays.
 */
#ifndef HW_ACPI_ACPI_BUILD_H
#define HW_ACPI_ACPI_BUILD_H

#include "kemu/common.h"

#define ACPI_FILE_TABLES	"etc/acpi/tables"
#define ACPI_FILE_RSDP		"etc/acpi/rsdp"
#define ACPI_FILE_LOADER	"etc/table-loader"

#define ACPI_DIRECT_RSDP_ADDR	0xe0000ULL
#define ACPI_DIRECT_TABLES_ADDR	0xe0040ULL
#define ACPI_DIRECT_TABLES_END	0xf0000ULL	/* MP table and SMBIOS follow */

/* PIIX4-compatible values (QEMU hw/acpi/piix4.c, hw/isa/apm.c) */
#define ACPI_PM_BASE_DEFAULT	0x600
#define ACPI_SMI_CMD_PORT	0xb2
#define ACPI_ENABLE_VALUE	0xf1
#define ACPI_DISABLE_VALUE	0xf0
#define ACPI_SCI_IRQ		9
#define ACPI_RESET_PORT		0xcf9
#define ACPI_RESET_VALUE	0x06
#define ACPI_S5_SLP_TYP		0	/* PIIX4: SLP_TYP 0 is soft-off */

struct acpi_build_config {
	unsigned nr_cpus;
	const uint32_t *apic_ids;	/* NULL: APIC id = CPU index */
	uint32_t ioapic_addr;		/* 0xfec00000 */
	uint8_t ioapic_id;		/* QEMU: 0 */
	uint16_t pm_base;		/* PM1a_EVT; PM1a_CNT +4; PM_TMR +8 */
	uint16_t smi_cmd;
	uint8_t sci_irq;
	uint64_t pci_hole_start;	/* end of RAM below 4 GiB */
	uint64_t pci_hole64_start, pci_hole64_size;	/* size 0: no 64-bit window */
	unsigned serial_mask;		/* bit 0: COM1 (0x3f8, IRQ 4), bit 1: COM2 */
	bool pci_links;			/* _PRT through LNKA-D on PIIX3's PIRQ registers */
	uint16_t gpe0_base;		/* GPE0 block (status, enable); 0: none */
	uint8_t gpe0_len;
	uint16_t pcihp_base;		/* ACPI PCI hotplug registers; 0: no hotplug */
	uint32_t pcihp_slots;		/* slots of bus 0 that take hotplug (bit n: slot n) */
};

/* ACPI PCI hotplug (hw/acpi/pcihp.c) and the GPE0 block, at QEMU's PIIX4 ports */
#define ACPI_GPE0_BASE_DEFAULT	0xafe0
#define ACPI_GPE0_LEN		4
#define ACPI_PCIHP_BASE_DEFAULT	0xae00
#define ACPI_PCIHP_SIZE		0x14
#define ACPI_GPE_PCI_HOTPLUG	1	/* GPE0 bit for hotplug events: \_GPE._E01 */

#define ACPI_BUILD_CONFIG_PC(cpus, below_4g) (struct acpi_build_config){	\
	.nr_cpus = (cpus), .ioapic_addr = 0xfec00000, .ioapic_id = 0,		\
	.pm_base = ACPI_PM_BASE_DEFAULT, .smi_cmd = ACPI_SMI_CMD_PORT,		\
	.sci_irq = ACPI_SCI_IRQ, .pci_hole_start = (below_4g),			\
	.serial_mask = 3, .pci_links = true,					\
	.gpe0_base = ACPI_GPE0_BASE_DEFAULT, .gpe0_len = ACPI_GPE0_LEN }

struct acpi_tables {
	GByteArray *tables;	/* FACS, DSDT, FACP, APIC, RSDT, XSDT */
	GByteArray *rsdp;
	GByteArray *loader;	/* table-loader commands */
	/* offsets of each table inside tables */
	uint32_t facs, dsdt, fadt, madt, rsdt, xsdt;
};

void acpi_build(const struct acpi_build_config *cfg, struct acpi_tables *out);
void acpi_tables_free(struct acpi_tables *t);
bool acpi_tables_place(struct acpi_tables *t, uint64_t rsdp_addr, uint64_t tables_addr,
		       GError **errp);

struct fw_cfg_state;
void acpi_tables_add_fw_cfg(struct acpi_tables *t, struct fw_cfg_state *fw);

/* The DSDT body alone (for tests): AML after the table header. */
GByteArray *acpi_build_dsdt_aml(const struct acpi_build_config *cfg);

#endif

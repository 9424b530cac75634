// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ACPI table walker for the test guests; see acpi.h. Every pointer read from
 * a table is range-checked against 4 GiB and every length against a sane
 * maximum before use: a broken firmware must produce a FAIL line, not a hang.
 */
#include "acpi.h"
#include "rt.h"

const char *acpi_error = "";

#define ACPI_MAX_TABLE (1u << 20)

bool acpi_checksum_ok(const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;
	for (uint32_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

const struct acpi_rsdp *acpi_find_rsdp(void)
{
	/* ACPI 6.5 5.2.5.1: first KiB of the EBDA, then 0xe0000-0xfffff, 16-byte aligned */
	uintptr_t ebda = (uintptr_t)(*(volatile uint16_t *)0x40e) << 4;
	uintptr_t ranges[2][2] = { { ebda, ebda + 1024 }, { 0xe0000, 0x100000 } };

	for (int r = 0; r < 2; r++) {
		if (ranges[r][0] < 0x80000 || ranges[r][0] >= 0x100000)
			continue;
		for (uintptr_t a = ranges[r][0]; a < ranges[r][1]; a += 16) {
			const struct acpi_rsdp *p = (const void *)a;
			if (memcmp_(p->signature, "RSD PTR ", 8))
				continue;
			if (!acpi_checksum_ok(p, 20))
				continue;
			if (p->revision >= 2 && (p->length < 36 || p->length > 4096 ||
						 !acpi_checksum_ok(p, p->length))) {
				acpi_error = "RSDP revision >= 2 with bad length or extended checksum";
				return NULL;
			}
			return p;
		}
	}
	acpi_error = "no RSDP in the EBDA or 0xe0000-0xfffff";
	return NULL;
}

static const struct acpi_header *acpi_table_at(uint64_t addr)
{
	if (!addr || addr >= 0x100000000ull - sizeof(struct acpi_header)) {
		acpi_error = "table address 0 or above 4 GiB";
		return NULL;
	}
	const struct acpi_header *h = (const void *)(uintptr_t)addr;
	if (h->length < sizeof(*h) || h->length > ACPI_MAX_TABLE) {
		acpi_error = "table length out of range";
		return NULL;
	}
	return h;
}

static const struct acpi_header *acpi_root(const struct acpi_rsdp *rsdp, int *entsz)
{
	if (rsdp->revision >= 2 && rsdp->xsdt_address) {
		*entsz = 8;
		return acpi_table_at(rsdp->xsdt_address);
	}
	*entsz = 4;
	return acpi_table_at(rsdp->rsdt_address);
}

int acpi_root_count(const struct acpi_rsdp *rsdp)
{
	int entsz;
	const struct acpi_header *root = acpi_root(rsdp, &entsz);
	if (!root)
		return -1;
	return (int)((root->length - sizeof(*root)) / entsz);
}

const struct acpi_header *acpi_root_table(const struct acpi_rsdp *rsdp, int i)
{
	int entsz;
	const struct acpi_header *root = acpi_root(rsdp, &entsz);
	if (!root)
		return NULL;
	const uint8_t *ent = (const uint8_t *)(root + 1) + i * entsz;
	uint64_t addr = entsz == 8 ? *(const uint64_t *)ent : *(const uint32_t *)ent;
	return acpi_table_at(addr);
}

const struct acpi_header *acpi_find_table(const char sig[4])
{
	const struct acpi_rsdp *rsdp = acpi_find_rsdp();
	if (!rsdp)
		return NULL;
	int n = acpi_root_count(rsdp);
	for (int i = 0; i < n; i++) {
		const struct acpi_header *h = acpi_root_table(rsdp, i);
		if (h && !memcmp_(h->signature, sig, 4))
			return h;
	}
	acpi_error = "table not listed in the RSDT/XSDT";
	return NULL;
}

const struct acpi_header *acpi_dsdt(void)
{
	const uint8_t *fadt = (const void *)acpi_find_table("FACP");
	if (!fadt)
		return NULL;
	uint32_t len = ((const struct acpi_header *)fadt)->length;
	uint64_t addr = 0;
	if (len >= FADT_X_DSDT + 8)
		addr = *(const uint64_t *)(fadt + FADT_X_DSDT);
	if (!addr)
		addr = *(const uint32_t *)(fadt + FADT_DSDT);
	const struct acpi_header *d = acpi_table_at(addr);
	if (d && memcmp_(d->signature, "DSDT", 4)) {
		acpi_error = "FADT's DSDT pointer does not point at a DSDT";
		return NULL;
	}
	return d;
}

int acpi_madt_cpus(uint8_t *ids, int max, uint32_t *lapic_base)
{
	const struct acpi_header *madt = acpi_find_table("APIC");
	if (!madt)
		return -1;
	const uint8_t *p = (const uint8_t *)madt;
	int n = 0;
	if (lapic_base)
		*lapic_base = *(const uint32_t *)(p + 36);
	for (uint32_t off = 44; off + 2 <= madt->length;) {
		uint8_t type = p[off], len = p[off + 1];
		if (len < 2 || off + len > madt->length) {
			acpi_error = "MADT entry with bad length";
			return -1;
		}
		if (type == 0 && len >= 8 && (p[off + 4] & 1)) {	/* processor local APIC, enabled */
			if (n < max && ids)
				ids[n] = p[off + 3];
			n++;
		} else if (type == 9 && len >= 16 && (p[off + 8] & 1)) { /* x2APIC */
			if (n < max && ids)
				ids[n] = (uint8_t)*(const uint32_t *)(p + off + 4);
			n++;
		}
		off += len;
	}
	return n;
}

bool acpi_s5_slp_typ(uint8_t *slp_typa)
{
	const struct acpi_header *dsdt = acpi_dsdt();
	if (!dsdt)
		return false;
	const uint8_t *p = (const uint8_t *)dsdt;
	for (uint32_t i = sizeof(*dsdt); i + 8 < dsdt->length; i++) {
		/* NameOp? "_S5_" PackageOp PkgLength NumElements elements... */
		if (memcmp_(p + i, "_S5_", 4) || p[i + 4] != 0x12)
			continue;
		uint32_t j = i + 5;
		j += ((p[j] >> 6) & 3) + 1;		/* PkgLength: lead byte + follow bytes */
		j++;					/* NumElements */
		if (p[j] == 0x0a)			/* BytePrefix */
			j++;
		else if (p[j] > 1 && p[j] != 0xff) {	/* not ZeroOp/OneOp/OnesOp */
			acpi_error = "\\_S5 first element is not a byte constant";
			return false;
		}
		*slp_typa = p[j] == 0xff ? 7 : (p[j] & 7);
		return true;
	}
	acpi_error = "no \\_S5 package in the DSDT";
	return false;
}

const char *acpi_poweroff(void)
{
	const uint8_t *fadt = (const void *)acpi_find_table("FACP");
	if (!fadt)
		return acpi_error;
	uint16_t pm1a_cnt = (uint16_t)*(const uint32_t *)(fadt + FADT_PM1A_CNT_BLK);
	uint32_t smi_cmd = *(const uint32_t *)(fadt + FADT_SMI_CMD);
	uint8_t acpi_enable = fadt[FADT_ACPI_ENABLE];
	uint8_t typ = 0;

	if (!pm1a_cnt)
		return "FADT has no PM1a_CNT_BLK";
	if (!acpi_s5_slp_typ(&typ))
		printf("ACPI: %s; using SLP_TYP 0 (PIIX4)\n", acpi_error);
	/* ACPI 6.5 16.3.1: the OS enables ACPI mode by writing ACPI_ENABLE to SMI_CMD */
	if (!(inw(pm1a_cnt) & 1) && smi_cmd && acpi_enable) {
		outb((uint16_t)smi_cmd, acpi_enable);
		for (int i = 0; i < 100 && !(inw(pm1a_cnt) & 1); i++)
			pit_delay_us(1000);
	}
	printf("ACPI: PM1a_CNT 0x%x SLP_TYP %u: powering off\n", pm1a_cnt, typ);
	outw(pm1a_cnt, (uint16_t)((typ << 10) | (1 << 13)));	/* SLP_TYP | SLP_EN */
	pit_delay_us(100000);
	return "still running 100 ms after writing SLP_EN";
}

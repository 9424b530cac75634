// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ACPI tables: finds the RSDP, walks the XSDT/RSDT, checks every table's
 * checksum (plus the DSDT and FACS reached through the FADT), requires FACP,
 * APIC and DSDT, counts enabled processors in the MADT and compares with
 * smp=N from the command line. Also checks the MADT's LAPIC address matches
 * where the LAPIC answers.
 */
#include "lib/rt.h"
#include "lib/acpi.h"

const char guest_name[] = "ACPI";

void guest_main(void)
{
	const struct acpi_rsdp *rsdp = acpi_find_rsdp();
	if (!rsdp)
		guest_fail(guest_name, "%s", acpi_error);
	printf("ACPI: RSDP at %p revision %u OEM '%c%c%c%c%c%c' RSDT 0x%x XSDT 0x%llx\n",
	       (const void *)rsdp, rsdp->revision, rsdp->oem_id[0], rsdp->oem_id[1],
	       rsdp->oem_id[2], rsdp->oem_id[3], rsdp->oem_id[4], rsdp->oem_id[5],
	       rsdp->rsdt_address, rsdp->revision >= 2 ? (unsigned long long)rsdp->xsdt_address : 0ull);
	int n = acpi_root_count(rsdp);
	if (n <= 0)
		guest_fail(guest_name, "root table: %s", n < 0 ? acpi_error : "no entries");
	bool have_facp = false, have_apic = false;
	for (int i = 0; i < n; i++) {
		const struct acpi_header *h = acpi_root_table(rsdp, i);
		if (!h)
			guest_fail(guest_name, "entry %d: %s", i, acpi_error);
		printf("ACPI: %c%c%c%c at %p length %u revision %u\n", h->signature[0],
		       h->signature[1], h->signature[2], h->signature[3], (const void *)h,
		       h->length, h->revision);
		if (!acpi_checksum_ok(h, h->length))
			guest_fail(guest_name, "table %c%c%c%c: bad checksum", h->signature[0],
				   h->signature[1], h->signature[2], h->signature[3]);
		have_facp |= !memcmp_(h->signature, "FACP", 4);
		have_apic |= !memcmp_(h->signature, "APIC", 4);
	}
	if (!have_facp || !have_apic)
		guest_fail(guest_name, "missing %s", have_facp ? "MADT (APIC)" : "FADT (FACP)");
	const struct acpi_header *dsdt = acpi_dsdt();
	if (!dsdt)
		guest_fail(guest_name, "DSDT: %s", acpi_error);
	if (!acpi_checksum_ok(dsdt, dsdt->length))
		guest_fail(guest_name, "DSDT: bad checksum");
	printf("ACPI: DSDT at %p length %u\n", (const void *)dsdt, dsdt->length);
	const uint8_t *fadt = (const void *)acpi_find_table("FACP");
	uint32_t facs = *(const uint32_t *)(fadt + FADT_FACS);
	if (facs && memcmp_((const void *)(uintptr_t)facs, "FACS", 4))
		guest_fail(guest_name, "FADT FACS pointer 0x%x has no FACS signature", facs);
	uint8_t s5;
	if (acpi_s5_slp_typ(&s5))
		printf("ACPI: \\_S5 SLP_TYPa %u\n", s5);

	uint8_t ids[256];
	uint32_t lapic_base;
	int cpus = acpi_madt_cpus(ids, 256, &lapic_base);
	if (cpus < 0)
		guest_fail(guest_name, "MADT: %s", acpi_error);
	printf("ACPI: MADT LAPIC at 0x%x, %d enabled CPUs, APIC IDs:", lapic_base, cpus);
	for (int i = 0; i < cpus && i < 256; i++)
		printf(" %u", ids[i]);
	printf("\n");
	uint32_t bsp = mmio_read32(lapic_base + 0x20) >> 24;
	bool found = false;
	for (int i = 0; i < cpus && i < 256; i++)
		found |= ids[i] == bsp;
	if (!found)
		guest_fail(guest_name, "BSP APIC ID %u (LAPIC at 0x%x) not in the MADT", bsp, lapic_base);
	uint64_t want = cmdline_get_u64("smp", 0);
	if (want && (uint64_t)cpus != want)
		guest_fail(guest_name, "MADT lists %d CPUs, expected smp=%llu", cpus,
			   (unsigned long long)want);
	guest_pass(guest_name);
}

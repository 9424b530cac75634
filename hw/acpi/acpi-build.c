// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ACPI tables of the PC (ACPI 6.4 chapter 5): RSDP, RSDT, XSDT, FADT rev 3,
 * FACS, MADT and a DSDT with the PCI root, the ISA devices and \_S5. The
 * fixed hardware (PM1a event/control, PM timer, SMI_CMD, reset register) is
 * kemu's acpi-pm device at PIIX4's addresses. See include/hw/acpi/acpi-build.h.
 * Not here: SSDTs, hotplug, HPET, NUMA (SRAT), q35 (MCFG).
 */
#include "kemu/common.h"
#include "hw/acpi/acpi-build.h"
#include "hw/acpi/aml.h"
#include "hw/acpi/bios-linker.h"
#include "hw/nvram/fw_cfg.h"

#define ACPI_OEM_ID		"KEMU  "
#define ACPI_CREATOR_ID		"KEMU"
#define ACPI_HDR_SIZE		36

/* FADT rev 3 field offsets (ACPI 6.4 table 5.9) */
#define FADT_FIRMWARE_CTRL	36
#define FADT_DSDT		40
#define FADT_X_FIRMWARE_CTRL	132
#define FADT_X_DSDT		140
#define FADT_REV3_LEN		244

#define FADT_F_WBINVD		(1u << 0)
#define FADT_F_PROC_C1		(1u << 2)
#define FADT_F_SLP_BUTTON	(1u << 5)
#define FADT_F_RTC_S4		(1u << 7)
#define FADT_F_TMR_VAL_EXT	(1u << 8)
#define FADT_F_RESET_REG_SUP	(1u << 10)

static void put8(GByteArray *b, uint8_t v) { g_byte_array_append(b, &v, 1); }
static void put16(GByteArray *b, uint16_t v) { put8(b, v); put8(b, v >> 8); }
static void put32(GByteArray *b, uint32_t v) { put16(b, v); put16(b, v >> 16); }
static void put64(GByteArray *b, uint64_t v) { put32(b, v); put32(b, v >> 32); }
static void putstr(GByteArray *b, const char *s, size_t n)
{
	g_byte_array_append(b, (const guint8 *)s, n);
}

static void pad_to(GByteArray *b, unsigned align)
{
	while (b->len % align)
		put8(b, 0);
}

static uint32_t table_begin(GByteArray *b, const char *sig, uint8_t rev)
{
	uint32_t start = b->len;
	char tid[9];

	snprintf(tid, sizeof(tid), "KEMU%.4s", sig);
	putstr(b, sig, 4);
	put32(b, 0);			/* length, set by table_end */
	put8(b, rev);
	put8(b, 0);			/* checksum */
	putstr(b, ACPI_OEM_ID, 6);
	putstr(b, tid, 8);
	put32(b, 1);			/* OEM revision */
	putstr(b, ACPI_CREATOR_ID, 4);
	put32(b, 1);			/* creator revision */
	return start;
}

/* Set length and checksum; the table-loader recomputes after linking. */
static void table_end(GByteArray *b, GByteArray *loader, uint32_t start)
{
	uint32_t len = b->len - start;

	stl_le_p(b->data + start + 4, len);
	b->data[start + 9] = 0;
	b->data[start + 9] = acpi_checksum(b->data + start, len);
	bios_linker_add_checksum(loader, ACPI_FILE_TABLES, start, len, start + 9);
}

/* Generic Address Structure (ACPI 6.4 §5.2.3.2), system I/O space. */
static void put_gas_io(GByteArray *b, uint8_t bit_width, uint8_t access_size, uint64_t addr)
{
	put8(b, 1);
	put8(b, bit_width);
	put8(b, 0);
	put8(b, access_size);
	put64(b, addr);
}

static void put_gas_none(GByteArray *b)
{
	put32(b, 0);
	put64(b, 0);
}

/* ---------------------------------------------------------------- DSDT */

static struct aml *isa_device(const char *name, const char *hid, struct aml *crs)
{
	struct aml *dev = aml_device(name);

	aml_append(dev, aml_name_decl("_HID", aml_eisaid(hid)));
	aml_append(dev, aml_name_decl("_CRS", crs));
	return dev;
}

static struct aml *crs_io_irq(uint16_t port, uint8_t len, int irq)
{
	struct aml *crs = aml_resource_template();

	aml_append(crs, aml_io(port, port, 1, len));
	if (irq >= 0)
		aml_append(crs, aml_irq_no_flags(irq));
	return crs;
}

/*
 * PCI interrupt links (ACPI 6.4 §6.2.13 _PRT, §6.2.16 _SRS; PCI Firmware
 * Spec 3.2 "interrupt link devices"): LNKA..LNKD are PIIX3's PIRQA..D route
 * registers (config 0x60-0x63 of 00:01.0: bit 7 disables, bits 0-3 the ISA
 * IRQ). The OS picks an IRQ from _PRS and writes it with _SRS, so PCI INTx
 * works with no firmware having programmed the router (direct boot).
 */
static const char *const pci_link_names[4] = { "LNKA", "LNKB", "LNKC", "LNKD" };

static struct aml *pci_link_device(unsigned n)
{
	static const uint32_t link_irqs[] = { 5, 10, 11 };	/* level, active high in the MADT */
	g_autofree char *field = g_strdup_printf("\\_SB.PCI0.ISA.PRQ%c", 'A' + n);
	struct aml *dev = aml_device(pci_link_names[n]);
	struct aml *prs = aml_resource_template();
	struct aml *m, *cond, *res;

	aml_append(dev, aml_name_decl("_HID", aml_eisaid("PNP0C0F")));
	aml_append(dev, aml_name_decl("_UID", aml_int(n + 1)));
	aml_append(prs, aml_interrupt(true, false, true, link_irqs, G_N_ELEMENTS(link_irqs)));
	aml_append(dev, aml_name_decl("_PRS", prs));

	/* _STA: present and enabled (0x0b), or present and disabled (0x09) */
	m = aml_method("_STA", 0, false);
	cond = aml_if(aml_and(aml_name(field), aml_int(0x80)));
	aml_append(cond, aml_return(aml_int(0x09)));
	aml_append(m, cond);
	aml_append(m, aml_return(aml_int(0x0b)));
	aml_append(dev, m);

	m = aml_method("_DIS", 0, false);
	aml_append(m, aml_store(aml_or(aml_name(field), aml_int(0x80)), aml_name(field)));
	aml_append(dev, m);

	/* _CRS: the routed IRQ (0 while disabled) in an Interrupt descriptor */
	m = aml_method("_CRS", 0, true);
	res = aml_resource_template();
	aml_append(res, aml_interrupt(true, false, true, (const uint32_t[]){ 0 }, 1));
	aml_append(m, aml_name_decl("RES", res));
	aml_append(m, aml_create_dword_field(aml_name("RES"), aml_int(5), "IRQV"));
	cond = aml_if(aml_lequal(aml_and(aml_name(field), aml_int(0x80)), aml_int(0)));
	aml_append(cond, aml_store(aml_and(aml_name(field), aml_int(0x0f)), aml_name("IRQV")));
	aml_append(m, cond);
	aml_append(m, aml_return(aml_name("RES")));
	aml_append(dev, m);

	/* _SRS(resource): the IRQ number is the descriptor's dword at byte 5 */
	m = aml_method("_SRS", 1, true);
	aml_append(m, aml_create_dword_field(aml_arg(0), aml_int(5), "IRQW"));
	aml_append(m, aml_store(aml_name("IRQW"), aml_name(field)));
	aml_append(dev, m);
	return dev;
}

/* _PRT: every slot's INTA-D to its PIRQ, (slot + pin - 1) & 3 as PIIX3 wires them */
static struct aml *pci_prt(void)
{
	struct aml *prt = aml_package();

	for (unsigned slot = 1; slot < 32; slot++) {
		for (unsigned pin = 0; pin < 4; pin++) {
			struct aml *e = aml_package();

			aml_append(e, aml_int(((uint64_t)slot << 16) | 0xffff));
			aml_append(e, aml_int(pin));
			aml_append(e, aml_name(pci_link_names[(slot + pin - 1) & 3]));
			aml_append(e, aml_int(0));
			aml_append(prt, e);
		}
	}
	return prt;
}

/*
 * ACPI PCI hotplug (hw/acpi/pcihp.c): registers PCIU (slots inserted, read
 * clears), PCID (slots to remove), B0EJ (write a slot bit: eject done). The
 * GPE handler \_GPE._E01 calls PCNT, which sends Device Check (1) to new
 * slots and Eject Request (3) to those the host wants removed; the OS then
 * calls the slot's _EJ0, which writes B0EJ (ACPI 6.4 §5.6.6, §6.3.3).
 */
static void pci_hotplug_aml(struct aml *pci, const struct acpi_build_config *cfg)
{
	struct aml *field, *m, *cond, *pcnt;

	aml_append(pci, aml_operation_region("PCST", AML_SYSTEM_IO, cfg->pcihp_base, 0x0c));
	field = aml_field("PCST", AML_DWORD_ACC, true);
	aml_append(field, aml_named_field("PCIU", 32));
	aml_append(field, aml_named_field("PCID", 32));
	aml_append(field, aml_named_field("B0EJ", 32));
	aml_append(pci, field);

	m = aml_method("PCEJ", 1, false);
	aml_append(m, aml_store(aml_shiftleft(aml_int(1), aml_arg(0)), aml_name("B0EJ")));
	aml_append(pci, m);

	pcnt = aml_method("PCNT", 0, true);
	aml_append(pcnt, aml_store(aml_name("PCIU"), aml_local(0)));
	aml_append(pcnt, aml_store(aml_name("PCID"), aml_local(1)));
	for (unsigned slot = 0; slot < 32; slot++) {
		char name[8];
		struct aml *dev;

		if (!(cfg->pcihp_slots & (1u << slot)))
			continue;
		snprintf(name, sizeof(name), "S%02X", slot);
		dev = aml_device(name);
		aml_append(dev, aml_name_decl("_ADR", aml_int((uint64_t)slot << 16)));
		aml_append(dev, aml_name_decl("_SUN", aml_int(slot)));
		m = aml_method("_EJ0", 1, false);
		aml_append(m, aml_call("PCEJ", 1, aml_int(slot)));
		aml_append(dev, m);
		aml_append(pci, dev);

		cond = aml_if(aml_and(aml_local(0), aml_int(1u << slot)));
		aml_append(cond, aml_notify(aml_name(name), aml_int(1)));
		aml_append(pcnt, cond);
		cond = aml_if(aml_and(aml_local(1), aml_int(1u << slot)));
		aml_append(cond, aml_notify(aml_name(name), aml_int(3)));
		aml_append(pcnt, cond);
	}
	aml_append(pci, pcnt);
}

GByteArray *acpi_build_dsdt_aml(const struct acpi_build_config *cfg)
{
	struct aml *top = aml_list();
	struct aml *sb = aml_scope("\\_SB");
	struct aml *pci = aml_device("PCI0");
	struct aml *isa = aml_device("ISA");
	struct aml *crs, *dev, *s5;

	aml_append(pci, aml_name_decl("_HID", aml_eisaid("PNP0A03")));
	aml_append(pci, aml_name_decl("_ADR", aml_int(0)));
	aml_append(pci, aml_name_decl("_UID", aml_int(0)));
	crs = aml_resource_template();
	aml_append(crs, aml_word_bus_number(0, 0xff));
	aml_append(crs, aml_io(0xcf8, 0xcf8, 1, 8));
	aml_append(crs, aml_word_io(0x0000, 0x0cf7));
	aml_append(crs, aml_word_io(0x0d00, 0xffff));
	aml_append(crs, aml_dword_memory(0xa0000, 0xbffff, true));
	if (cfg->pci_hole_start < cfg->ioapic_addr)
		aml_append(crs, aml_dword_memory(cfg->pci_hole_start, cfg->ioapic_addr - 1, false));
	if (cfg->pci_hole64_size)
		aml_append(crs, aml_qword_memory(cfg->pci_hole64_start,
						 cfg->pci_hole64_start + cfg->pci_hole64_size - 1,
						 true));
	aml_append(pci, aml_name_decl("_CRS", crs));
	if (cfg->pci_links)
		aml_append(pci, aml_name_decl("_PRT", pci_prt()));
	if (cfg->pcihp_base)
		pci_hotplug_aml(pci, cfg);

	/* PIIX3 function 0, the ISA bridge, with the devices behind it */
	aml_append(isa, aml_name_decl("_ADR", aml_int(0x00010000)));
	if (cfg->pci_links) {
		struct aml *field;

		aml_append(isa, aml_operation_region("PIRQ", AML_PCI_CONFIG, 0x60, 4));
		field = aml_field("PIRQ", AML_BYTE_ACC, false);
		for (unsigned n = 0; n < 4; n++) {
			char fname[8];

			snprintf(fname, sizeof(fname), "PRQ%c", 'A' + n);
			aml_append(field, aml_named_field(fname, 8));
		}
		aml_append(isa, field);
	}
	crs = aml_resource_template();
	aml_append(crs, aml_io(0x60, 0x60, 1, 1));
	aml_append(crs, aml_io(0x64, 0x64, 1, 1));
	aml_append(crs, aml_irq_no_flags(1));
	aml_append(isa, isa_device("KBD", "PNP0303", crs));
	crs = aml_resource_template();
	aml_append(crs, aml_irq_no_flags(12));
	aml_append(isa, isa_device("MOU", "PNP0F13", crs));
	aml_append(isa, isa_device("RTC", "PNP0B00", crs_io_irq(0x70, 8, 8)));
	aml_append(isa, isa_device("TMR", "PNP0100", crs_io_irq(0x40, 4, 0)));
	crs = aml_resource_template();
	aml_append(crs, aml_io(0x20, 0x20, 1, 2));
	aml_append(crs, aml_io(0xa0, 0xa0, 1, 2));
	aml_append(crs, aml_irq_no_flags(2));
	aml_append(isa, isa_device("PIC", "PNP0000", crs));
	for (unsigned i = 0; i < 2; i++) {
		if (!(cfg->serial_mask & (1u << i)))
			continue;
		dev = isa_device(i ? "COM2" : "COM1", "PNP0501",
				 crs_io_irq(i ? 0x2f8 : 0x3f8, 8, i ? 3 : 4));
		aml_append(dev, aml_name_decl("_UID", aml_int(i + 1)));
		aml_append(isa, dev);
	}
	aml_append(pci, isa);
	aml_append(sb, pci);
	for (unsigned n = 0; cfg->pci_links && n < 4; n++)
		aml_append(sb, pci_link_device(n));

	/* Processor devices; _UID matches the MADT's ACPI processor UID. */
	for (unsigned i = 0; i < cfg->nr_cpus; i++) {
		char name[8];

		snprintf(name, sizeof(name), "C%03X", i & 0xfff);
		dev = aml_device(name);
		aml_append(dev, aml_name_decl("_HID", aml_string("ACPI0007")));
		aml_append(dev, aml_name_decl("_UID", aml_int(i)));
		aml_append(sb, dev);
	}
	aml_append(top, sb);

	/* \_S5: SLP_TYPa, SLP_TYPb, reserved, reserved (ACPI 6.4 §7.4.2) */
	s5 = aml_package();
	for (int i = 0; i < 4; i++)
		aml_append(s5, aml_int(i < 2 ? ACPI_S5_SLP_TYP : 0));
	aml_append(top, aml_name_decl("\\_S5", s5));

	if (cfg->pcihp_base) {
		struct aml *gpe = aml_scope("\\_GPE");
		struct aml *m = aml_method("_E01", 0, false);

		aml_append(gpe, aml_name_decl("_HID", aml_string("ACPI0006")));
		aml_append(m, aml_call("\\_SB.PCI0.PCNT", 0));
		aml_append(gpe, m);
		aml_append(top, gpe);
	}
	return aml_finish(top);
}

/* ---------------------------------------------------------------- tables */

static void build_facs(GByteArray *b, struct acpi_tables *t)
{
	pad_to(b, 64);			/* FACS must be 64-byte aligned */
	t->facs = b->len;
	putstr(b, "FACS", 4);
	put32(b, 64);
	for (int i = 0; i < 56; i++)
		put8(b, 0);		/* hw signature, waking vectors, lock, flags */
	b->data[t->facs + 32] = 2;	/* version (ACPI 6.4 table 5.14) */
}

static void build_dsdt(GByteArray *b, GByteArray *loader, struct acpi_tables *t,
		       const struct acpi_build_config *cfg)
{
	g_autoptr(GByteArray) aml = acpi_build_dsdt_aml(cfg);

	t->dsdt = table_begin(b, "DSDT", 2);	/* rev 2: 64-bit integers */
	g_byte_array_append(b, aml->data, aml->len);
	table_end(b, loader, t->dsdt);
}

static void build_fadt(GByteArray *b, GByteArray *loader, struct acpi_tables *t,
		       const struct acpi_build_config *cfg)
{
	uint32_t s = t->fadt = table_begin(b, "FACP", 3);

	put32(b, t->facs);		/* FIRMWARE_CTRL: offset, linked below */
	put32(b, t->dsdt);		/* DSDT */
	put8(b, 0);			/* reserved */
	put8(b, 0);			/* Preferred_PM_Profile: unspecified */
	put16(b, cfg->sci_irq);
	put32(b, cfg->smi_cmd);
	put8(b, ACPI_ENABLE_VALUE);
	put8(b, ACPI_DISABLE_VALUE);
	put8(b, 0);			/* S4BIOS_REQ */
	put8(b, 0);			/* PSTATE_CNT */
	put32(b, cfg->pm_base);		/* PM1a_EVT_BLK */
	put32(b, 0);			/* PM1b_EVT_BLK */
	put32(b, cfg->pm_base + 4);	/* PM1a_CNT_BLK */
	put32(b, 0);			/* PM1b_CNT_BLK */
	put32(b, 0);			/* PM2_CNT_BLK */
	put32(b, cfg->pm_base + 8);	/* PM_TMR_BLK */
	put32(b, cfg->gpe0_base);	/* GPE0_BLK */
	put32(b, 0);			/* GPE1_BLK */
	put8(b, 4);			/* PM1_EVT_LEN */
	put8(b, 2);			/* PM1_CNT_LEN */
	put8(b, 0);			/* PM2_CNT_LEN */
	put8(b, 4);			/* PM_TMR_LEN */
	put8(b, cfg->gpe0_base ? cfg->gpe0_len : 0);	/* GPE0_BLK_LEN */
	put8(b, 0);			/* GPE1_BLK_LEN */
	put8(b, 0);			/* GPE1_BASE */
	put8(b, 0);			/* CST_CNT */
	put16(b, 0xfff);		/* P_LVL2_LAT: C2 not supported */
	put16(b, 0xfff);		/* P_LVL3_LAT: C3 not supported */
	put16(b, 0);			/* FLUSH_SIZE */
	put16(b, 0);			/* FLUSH_STRIDE */
	put8(b, 0);			/* DUTY_OFFSET */
	put8(b, 0);			/* DUTY_WIDTH */
	put8(b, 0);			/* DAY_ALRM */
	put8(b, 0);			/* MON_ALRM */
	put8(b, 0x32);			/* CENTURY: CMOS index */
	put16(b, 0x0003);		/* IAPC_BOOT_ARCH: LEGACY_DEVICES | 8042 */
	put8(b, 0);
	put32(b, FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_SLP_BUTTON | FADT_F_RTC_S4 |
		 FADT_F_TMR_VAL_EXT | FADT_F_RESET_REG_SUP);
	put_gas_io(b, 8, 1, ACPI_RESET_PORT);	/* RESET_REG */
	put8(b, ACPI_RESET_VALUE);
	put8(b, 0);
	put8(b, 0);
	put8(b, 0);
	put64(b, 0);			/* X_FIRMWARE_CTRL: FIRMWARE_CTRL is used */
	put64(b, t->dsdt);		/* X_DSDT */
	put_gas_io(b, 32, 0, cfg->pm_base);	/* X_PM1a_EVT_BLK */
	put_gas_none(b);		/* X_PM1b_EVT_BLK */
	put_gas_io(b, 16, 0, cfg->pm_base + 4);	/* X_PM1a_CNT_BLK */
	put_gas_none(b);		/* X_PM1b_CNT_BLK */
	put_gas_none(b);		/* X_PM2_CNT_BLK */
	put_gas_io(b, 32, 0, cfg->pm_base + 8);	/* X_PM_TMR_BLK */
	if (cfg->gpe0_base)
		put_gas_io(b, cfg->gpe0_len * 8, 0, cfg->gpe0_base);	/* X_GPE0_BLK */
	else
		put_gas_none(b);	/* X_GPE0_BLK */
	put_gas_none(b);		/* X_GPE1_BLK */
	g_assert(b->len - s == FADT_REV3_LEN);

	bios_linker_add_pointer(loader, ACPI_FILE_TABLES, s + FADT_FIRMWARE_CTRL, 4, ACPI_FILE_TABLES);
	bios_linker_add_pointer(loader, ACPI_FILE_TABLES, s + FADT_DSDT, 4, ACPI_FILE_TABLES);
	bios_linker_add_pointer(loader, ACPI_FILE_TABLES, s + FADT_X_DSDT, 8, ACPI_FILE_TABLES);
	table_end(b, loader, s);
}

static void build_madt(GByteArray *b, GByteArray *loader, struct acpi_tables *t,
		       const struct acpi_build_config *cfg)
{
	uint32_t s = t->madt = table_begin(b, "APIC", 1);

	put32(b, 0xfee00000);		/* local APIC address */
	put32(b, 1);			/* PCAT_COMPAT: dual 8259s present */
	for (unsigned i = 0; i < cfg->nr_cpus; i++) {
		put8(b, 0);		/* Processor Local APIC */
		put8(b, 8);
		put8(b, i);		/* ACPI processor UID */
		put8(b, cfg->apic_ids ? cfg->apic_ids[i] : i);
		put32(b, 1);		/* enabled */
	}
	put8(b, 1);			/* I/O APIC */
	put8(b, 12);
	put8(b, cfg->ioapic_id);
	put8(b, 0);
	put32(b, cfg->ioapic_addr);
	put32(b, 0);			/* GSI base */
	/* ISA IRQ 0 is wired to IOAPIC pin 2 (the 8254 through the PIC cascade) */
	put8(b, 2);			/* Interrupt Source Override */
	put8(b, 10);
	put8(b, 0);			/* bus: ISA */
	put8(b, 0);
	put32(b, 2);
	put16(b, 0);			/* conforms to the bus */
	/* SCI (9) and the PCI INTx IRQs 5, 10, 11: level, active high, as QEMU */
	for (unsigned irq = 1; irq < 16; irq++) {
		if (!(0x0e20 & (1u << irq)))
			continue;
		put8(b, 2);
		put8(b, 10);
		put8(b, 0);
		put8(b, irq);
		put32(b, irq);
		put16(b, 0x000d);	/* active high (01), level (11 << 2) */
	}
	put8(b, 4);			/* Local APIC NMI: all CPUs, LINT1 */
	put8(b, 6);
	put8(b, 0xff);
	put16(b, 0);
	put8(b, 1);
	table_end(b, loader, s);
}

static void build_rsdt_xsdt(GByteArray *b, GByteArray *loader, struct acpi_tables *t)
{
	uint32_t entries[] = { t->fadt, t->madt };
	uint32_t s;

	s = t->rsdt = table_begin(b, "RSDT", 1);
	for (unsigned i = 0; i < ARRAY_SIZE(entries); i++) {
		bios_linker_add_pointer(loader, ACPI_FILE_TABLES, b->len, 4, ACPI_FILE_TABLES);
		put32(b, entries[i]);
	}
	table_end(b, loader, s);

	s = t->xsdt = table_begin(b, "XSDT", 1);
	for (unsigned i = 0; i < ARRAY_SIZE(entries); i++) {
		bios_linker_add_pointer(loader, ACPI_FILE_TABLES, b->len, 8, ACPI_FILE_TABLES);
		put64(b, entries[i]);
	}
	table_end(b, loader, s);
}

static void build_rsdp(GByteArray *r, GByteArray *loader, const struct acpi_tables *t)
{
	putstr(r, "RSD PTR ", 8);
	put8(r, 0);			/* checksum of the first 20 bytes */
	putstr(r, ACPI_OEM_ID, 6);
	put8(r, 2);			/* revision: ACPI 2.0+ */
	put32(r, t->rsdt);
	put32(r, 36);
	put64(r, t->xsdt);
	put8(r, 0);			/* extended checksum */
	put8(r, 0);
	put8(r, 0);
	put8(r, 0);
	bios_linker_add_pointer(loader, ACPI_FILE_RSDP, 16, 4, ACPI_FILE_TABLES);
	bios_linker_add_pointer(loader, ACPI_FILE_RSDP, 24, 8, ACPI_FILE_TABLES);
	r->data[8] = acpi_checksum(r->data, 20);
	r->data[32] = acpi_checksum(r->data, 36);
	bios_linker_add_checksum(loader, ACPI_FILE_RSDP, 0, 20, 8);
	bios_linker_add_checksum(loader, ACPI_FILE_RSDP, 0, 36, 32);
}

void acpi_build(const struct acpi_build_config *cfg, struct acpi_tables *t)
{
	GByteArray *b = g_byte_array_new();
	GByteArray *cmds = g_byte_array_new();
	GByteArray *loader = g_byte_array_new();

	memset(t, 0, sizeof(*t));
	bios_linker_alloc(loader, ACPI_FILE_RSDP, 16, true);
	bios_linker_alloc(loader, ACPI_FILE_TABLES, 64, false);

	build_facs(b, t);
	build_dsdt(b, cmds, t, cfg);
	build_fadt(b, cmds, t, cfg);
	build_madt(b, cmds, t, cfg);
	build_rsdt_xsdt(b, cmds, t);
	t->rsdp = g_byte_array_new();
	build_rsdp(t->rsdp, cmds, t);

	/* Firmware must patch every pointer before it sums: pointers first. */
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < cmds->len / BIOS_LINKER_CMD_SIZE; i++) {
			const uint8_t *c = cmds->data + i * BIOS_LINKER_CMD_SIZE;

			if ((ldl_le_p(c) == BIOS_LINKER_CMD_ADD_POINTER) == (pass == 0))
				g_byte_array_append(loader, c, BIOS_LINKER_CMD_SIZE);
		}
	}
	g_byte_array_free(cmds, TRUE);
	t->tables = b;
	t->loader = loader;
}

void acpi_tables_free(struct acpi_tables *t)
{
	if (t->tables)
		g_byte_array_free(t->tables, TRUE);
	if (t->rsdp)
		g_byte_array_free(t->rsdp, TRUE);
	if (t->loader)
		g_byte_array_free(t->loader, TRUE);
	memset(t, 0, sizeof(*t));
}

bool acpi_tables_place(struct acpi_tables *t, uint64_t rsdp_addr, uint64_t tables_addr,
		       GError **errp)
{
	struct bios_linker_file files[] = {
		{ ACPI_FILE_TABLES, t->tables->data, t->tables->len, tables_addr },
		{ ACPI_FILE_RSDP, t->rsdp->data, t->rsdp->len, rsdp_addr },
	};

	if (tables_addr % 64 || tables_addr + t->tables->len > 0x100000000ULL) {
		g_set_error(errp, KEMU_ERROR, 0, "ACPI tables cannot be placed at 0x%" PRIx64,
			    tables_addr);
		return false;
	}
	return bios_linker_apply(t->loader, files, ARRAY_SIZE(files), errp);
}

void acpi_tables_add_fw_cfg(struct acpi_tables *t, struct fw_cfg_state *fw)
{
	fw_cfg_add_file(fw, ACPI_FILE_TABLES, t->tables->data, t->tables->len);
	fw_cfg_add_file(fw, ACPI_FILE_RSDP, t->rsdp->data, t->rsdp->len);
	fw_cfg_add_file(fw, ACPI_FILE_LOADER, t->loader->data, t->loader->len);
}

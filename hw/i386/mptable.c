// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MP tables (Intel MultiProcessor Specification 1.4, chapter 4), built the
 * way SeaBIOS's src/fw/mptable.c does for QEMU's PC: one ISA bus, ISA IRQ 0
 * on I/O APIC pin 2, ExtINT on LINT0 of the BSP, NMI on LINT1 of every CPU.
 * Not here: PCI bus entries (the PCI model comes with the firmware issue).
 */
#include "kemu/common.h"
#include "hw/i386/mptable.h"

static void put8(GByteArray *b, uint8_t v) { g_byte_array_append(b, &v, 1); }
static void put16(GByteArray *b, uint16_t v) { put8(b, v); put8(b, v >> 8); }
static void put32(GByteArray *b, uint32_t v) { put16(b, v); put16(b, v >> 16); }

static uint8_t mp_checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return -sum;
}

static void put_intsrc(GByteArray *b, uint8_t type, uint8_t irqtype, uint16_t flags,
		       uint8_t srcirq, uint8_t dstapic, uint8_t dstirq)
{
	put8(b, type);
	put8(b, irqtype);
	put16(b, flags);
	put8(b, 0);			/* source bus: ISA */
	put8(b, srcirq);
	put8(b, dstapic);
	put8(b, dstirq);
}

GByteArray *mptable_build(uint64_t addr, const struct mptable_config *cfg)
{
	GByteArray *b = g_byte_array_new();
	uint32_t ioapic_addr = cfg->ioapic_addr ? cfg->ioapic_addr : 0xfec00000;
	unsigned entries = 0, ct = 16;

	/* MP Floating Pointer Structure (§4.1) */
	g_byte_array_append(b, (const guint8 *)"_MP_", 4);
	put32(b, addr + ct);
	put8(b, 1);			/* length in 16-byte units */
	put8(b, 4);			/* spec revision 1.4 */
	put8(b, 0);			/* checksum */
	for (int i = 0; i < 5; i++)
		put8(b, 0);		/* feature bytes: a configuration table exists */
	b->data[10] = mp_checksum(b->data, 16);

	/* MP Configuration Table Header (§4.2) */
	g_byte_array_append(b, (const guint8 *)"PCMP", 4);
	put16(b, 0);			/* base table length */
	put8(b, 4);
	put8(b, 0);			/* checksum */
	g_byte_array_append(b, (const guint8 *)"KEMU    ", 8);
	g_byte_array_append(b, (const guint8 *)"0.1         ", 12);
	put32(b, 0);			/* OEM table */
	put16(b, 0);
	put16(b, 0);			/* entry count */
	put32(b, 0xfee00000);		/* local APIC */
	put16(b, 0);			/* extended table */
	put8(b, 0);
	put8(b, 0);

	for (unsigned i = 0; i < cfg->nr_cpus; i++, entries++) {
		put8(b, 0);		/* processor */
		put8(b, cfg->apic_ids ? cfg->apic_ids[i] : i);
		put8(b, 0x14);		/* local APIC version */
		put8(b, 0x01 | (i == 0 ? 0x02 : 0));	/* EN, BP */
		put32(b, cfg->cpu_signature ? cfg->cpu_signature : 0x663);
		put32(b, cfg->cpu_features ? cfg->cpu_features : 0x201);
		put32(b, 0);
		put32(b, 0);
	}
	put8(b, 1);			/* bus */
	put8(b, 0);
	g_byte_array_append(b, (const guint8 *)"ISA   ", 6);
	entries++;
	put8(b, 2);			/* I/O APIC */
	put8(b, cfg->ioapic_id);
	put8(b, 0x11);
	put8(b, 1);			/* usable */
	put32(b, ioapic_addr);
	entries++;
	for (unsigned irq = 0; irq < 16; irq++) {
		if (irq == 2)		/* pin 2 is IRQ 0's: the override */
			continue;
		put_intsrc(b, 3, 0, irq == 9 ? 0x000d : 0, irq, cfg->ioapic_id,
			   irq == 0 ? 2 : irq);
		entries++;
	}
	put_intsrc(b, 4, 3, 0, 0, 0x00, 0);	/* ExtINT -> BSP LINT0 */
	put_intsrc(b, 4, 1, 0, 0, 0xff, 1);	/* NMI -> all LINT1 */
	entries += 2;

	stw_le_p(b->data + ct + 4, b->len - ct);
	stw_le_p(b->data + ct + 34, entries);
	b->data[ct + 7] = mp_checksum(b->data + ct, b->len - ct);
	return b;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel MultiProcessor Specification 1.4 tables for direct boot: the MP
 * floating pointer and the configuration table (processors, ISA bus, I/O
 * APIC, ISA interrupt routing, local interrupts), as SeaBIOS builds them.
 * ACPI's MADT supersedes it; old kernels and small test guests use it.
 *
 *	GByteArray *mp = mptable_build(MPTABLE_DIRECT_ADDR, &cfg);
 *	address_space_write_rom(as, MPTABLE_DIRECT_ADDR, mp->data, mp->len, &err);
 *
 * The floating pointer is at addr (16-byte aligned, inside the BIOS area
 * 0xf0000-0xfffff where guests scan), the configuration table follows it.
 */
#ifndef HW_I386_MPTABLE_H
#define HW_I386_MPTABLE_H

#include "kemu/common.h"

#define MPTABLE_DIRECT_ADDR	0xf0000ULL

struct mptable_config {
	unsigned nr_cpus;
	const uint32_t *apic_ids;	/* NULL: index */
	uint8_t ioapic_id;
	uint32_t ioapic_addr;		/* 0: 0xfec00000 */
	uint32_t cpu_signature;		/* CPUID.1:EAX; 0: 0x663 */
	uint32_t cpu_features;		/* CPUID.1:EDX; 0: FPU|APIC */
};

GByteArray *mptable_build(uint64_t addr, const struct mptable_config *cfg);

#endif

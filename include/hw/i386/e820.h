/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The BIOS e820 memory map (ACPI 6.4 §15 "System Address Map Interfaces").
 *
 * An e820 table is a plain value: build it with e820_add() (ranges may be
 * added in any order and may overlap; a later range wins where they overlap,
 * so add RAM first and punch reserved holes into it afterwards), then read
 * the sorted, merged entries from table->entries. Nothing here touches the
 * guest: the direct-boot loader copies the table into boot_params /
 * hvm_start_info / the multiboot mmap, and fw_cfg serves it as "etc/e820".
 *
 *	struct e820_table t;
 *	uint64_t below, above;
 *	pc_ram_split(ram_size, 0, &below, &above);
 *	e820_build_pc(&t, below, above, true);
 *
 * PC layout (QEMU's pc_piix, hw/i386/pc_piix.c pc_init1): RAM below 4 GiB
 * ends at max-ram-below-4g (default 0xe0000000, 3.5 GiB). When the RAM size
 * is at least that much, the split is rounded down to a gigabyte (pc
 * machines since 1.7 have gigabyte_align), so -m 4G gives 3 GiB below and
 * 1 GiB above 4 GiB; -m 3200M gives all 3200 MiB below 4 GiB.
 */
#ifndef HW_I386_E820_H
#define HW_I386_E820_H

#include "kemu/common.h"

enum e820_type {
	E820_RAM = 1,
	E820_RESERVED = 2,
	E820_ACPI = 3,
	E820_NVS = 4,
	E820_UNUSABLE = 5,
};

#define E820_MAX_ENTRIES 128	/* what boot_params (the zero page) holds */

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

struct e820_table {
	unsigned nr;
	struct e820_entry entries[E820_MAX_ENTRIES];
};

/* Guest-visible layout constants of the PC (direct boot). */
#define PC_EBDA_START		0x9fc00ULL
#define PC_LOW_RAM_END		0xa0000ULL
#define PC_BIOS_AREA_START	0xe0000ULL	/* ACPI/MP/SMBIOS for direct boot */
#define PC_HIGH_RAM_START	0x100000ULL
#define PC_MAX_RAM_BELOW_4G	0xe0000000ULL
#define PC_4G			0x100000000ULL

void e820_init(struct e820_table *t);
/*
 * Add [addr, addr+size) of type; the table stays sorted and merged (adjacent
 * ranges of one type coalesce). Returns false if the table is full or the
 * range wraps.
 */
bool e820_add(struct e820_table *t, uint64_t addr, uint64_t size, uint32_t type);
/* Total bytes of a type. */
uint64_t e820_total(const struct e820_table *t, uint32_t type);
/* The type at addr, or 0 if no entry covers it. */
uint32_t e820_type_at(const struct e820_table *t, uint64_t addr);

/*
 * Split ram_size between below and above 4 GiB like QEMU's pc machine.
 * max_below_4g: 0 for the default 0xe0000000.
 */
void pc_ram_split(uint64_t ram_size, uint64_t max_below_4g,
		  uint64_t *below_4g, uint64_t *above_4g);
/*
 * The PC map. direct_boot: what firmware would report (EBDA 0x9fc00-0xa0000
 * and 0xe0000-0x100000 reserved, where kemu puts the RSDP, ACPI tables, MP
 * table and SMBIOS); otherwise what QEMU hands SeaBIOS in etc/e820 (RAM only,
 * SeaBIOS carves its own holes).
 */
void e820_build_pc(struct e820_table *t, uint64_t below_4g, uint64_t above_4g,
		   bool direct_boot);
/* The table as 20-byte packed entries {u64 addr, u64 size, u32 type} LE. */
GByteArray *e820_to_bytes(const struct e820_table *t);

#endif

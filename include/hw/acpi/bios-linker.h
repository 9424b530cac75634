/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fw_cfg "etc/table-loader" command list (QEMU's BIOSLinker, as SeaBIOS
 * and OVMF execute it): firmware allocates named fw_cfg files in its memory,
 * patches pointers between them and fixes checksums. Each command is 128
 * bytes, little-endian:
 *	ALLOCATE	u32 1, char file[56], u32 align, u8 zone (1 high, 2 F-segment)
 *	ADD_POINTER	u32 2, char dest[56], char src[56], u32 offset, u8 size
 *			(dest[offset..+size] += address of src)
 *	ADD_CHECKSUM	u32 3, char file[56], u32 offset, u32 start, u32 length
 *			(file[offset] -= sum of file[start..+length])
 *
 * The same list places the tables for direct boot: bios_linker_apply() runs
 * it here with the addresses kemu chose, so both paths share one builder.
 */
#ifndef HW_ACPI_BIOS_LINKER_H
#define HW_ACPI_BIOS_LINKER_H

#include "kemu/common.h"

#define BIOS_LINKER_CMD_ALLOCATE	1
#define BIOS_LINKER_CMD_ADD_POINTER	2
#define BIOS_LINKER_CMD_ADD_CHECKSUM	3
#define BIOS_LINKER_ZONE_HIGH		1
#define BIOS_LINKER_ZONE_FSEG		2
#define BIOS_LINKER_CMD_SIZE		128
#define BIOS_LINKER_FILESZ		56

void bios_linker_alloc(GByteArray *cmds, const char *file, uint32_t align, bool fseg);
/* dest[dest_offset..+size] (which holds an offset into src) += addr(src) */
void bios_linker_add_pointer(GByteArray *cmds, const char *dest, uint32_t dest_offset,
			     uint8_t size, const char *src);
void bios_linker_add_checksum(GByteArray *cmds, const char *file, uint32_t start,
			      uint32_t len, uint32_t checksum_offset);

struct bios_linker_file {
	const char *name;
	uint8_t *data;
	size_t len;
	uint64_t addr;		/* where the file is placed in the guest */
};

/*
 * Execute ADD_POINTER and ADD_CHECKSUM like firmware would (ALLOCATE is the
 * caller's placement). Fails on a command naming an unknown file or
 * pointing outside one.
 */
bool bios_linker_apply(const GByteArray *cmds, struct bios_linker_file *files,
		       unsigned nr_files, GError **errp);

uint8_t acpi_checksum(const uint8_t *data, size_t len);

#endif

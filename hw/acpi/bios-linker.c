// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fw_cfg etc/table-loader commands, and running them locally for direct
 * boot. Format: include/hw/acpi/bios-linker.h (QEMU hw/acpi/bios-linker-loader.c,
 * SeaBIOS src/fw/romfile_loader.c).
 */
#include "kemu/common.h"
#include "hw/acpi/bios-linker.h"

uint8_t acpi_checksum(const uint8_t *data, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += data[i];
	return (uint8_t)-sum;
}

static uint8_t *cmd_new(GByteArray *cmds, uint32_t type)
{
	uint8_t *c;

	g_byte_array_set_size(cmds, cmds->len + BIOS_LINKER_CMD_SIZE);
	c = cmds->data + cmds->len - BIOS_LINKER_CMD_SIZE;
	memset(c, 0, BIOS_LINKER_CMD_SIZE);
	stl_le_p(c, type);
	return c;
}

static void put_name(uint8_t *dst, const char *name)
{
	g_assert(strlen(name) < BIOS_LINKER_FILESZ);
	memcpy(dst, name, strlen(name));
}

void bios_linker_alloc(GByteArray *cmds, const char *file, uint32_t align, bool fseg)
{
	uint8_t *c = cmd_new(cmds, BIOS_LINKER_CMD_ALLOCATE);

	put_name(c + 4, file);
	stl_le_p(c + 4 + BIOS_LINKER_FILESZ, align);
	c[8 + BIOS_LINKER_FILESZ] = fseg ? BIOS_LINKER_ZONE_FSEG : BIOS_LINKER_ZONE_HIGH;
}

void bios_linker_add_pointer(GByteArray *cmds, const char *dest, uint32_t dest_offset,
			     uint8_t size, const char *src)
{
	uint8_t *c = cmd_new(cmds, BIOS_LINKER_CMD_ADD_POINTER);

	put_name(c + 4, dest);
	put_name(c + 4 + BIOS_LINKER_FILESZ, src);
	stl_le_p(c + 4 + 2 * BIOS_LINKER_FILESZ, dest_offset);
	c[8 + 2 * BIOS_LINKER_FILESZ] = size;
}

void bios_linker_add_checksum(GByteArray *cmds, const char *file, uint32_t start,
			      uint32_t len, uint32_t checksum_offset)
{
	uint8_t *c = cmd_new(cmds, BIOS_LINKER_CMD_ADD_CHECKSUM);

	put_name(c + 4, file);
	stl_le_p(c + 4 + BIOS_LINKER_FILESZ, checksum_offset);
	stl_le_p(c + 8 + BIOS_LINKER_FILESZ, start);
	stl_le_p(c + 12 + BIOS_LINKER_FILESZ, len);
}

static struct bios_linker_file *find_file(struct bios_linker_file *files, unsigned n,
					  const uint8_t *name)
{
	char buf[BIOS_LINKER_FILESZ + 1] = { 0 };

	memcpy(buf, name, BIOS_LINKER_FILESZ);
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(files[i].name, buf))
			return &files[i];
	return NULL;
}

bool bios_linker_apply(const GByteArray *cmds, struct bios_linker_file *files,
		       unsigned nr_files, GError **errp)
{
	for (size_t off = 0; off + BIOS_LINKER_CMD_SIZE <= cmds->len; off += BIOS_LINKER_CMD_SIZE) {
		const uint8_t *c = cmds->data + off;
		struct bios_linker_file *f, *src;

		switch (ldl_le_p(c)) {
		case BIOS_LINKER_CMD_ADD_POINTER: {
			uint32_t at = ldl_le_p(c + 4 + 2 * BIOS_LINKER_FILESZ);
			uint8_t size = c[8 + 2 * BIOS_LINKER_FILESZ];
			uint64_t v = 0;

			f = find_file(files, nr_files, c + 4);
			src = find_file(files, nr_files, c + 4 + BIOS_LINKER_FILESZ);
			if (!f || !src || (size != 1 && size != 2 && size != 4 && size != 8) ||
			    at > f->len || size > f->len - at) {
				g_set_error(errp, KEMU_ERROR, 0, "table-loader: bad ADD_POINTER");
				return false;
			}
			memcpy(&v, f->data + at, size);	/* little-endian host */
			v += src->addr;
			memcpy(f->data + at, &v, size);
			break;
		}
		case BIOS_LINKER_CMD_ADD_CHECKSUM: {
			uint32_t at = ldl_le_p(c + 4 + BIOS_LINKER_FILESZ);
			uint32_t start = ldl_le_p(c + 8 + BIOS_LINKER_FILESZ);
			uint32_t len = ldl_le_p(c + 12 + BIOS_LINKER_FILESZ);

			f = find_file(files, nr_files, c + 4);
			if (!f || at >= f->len || start > f->len || len > f->len - start) {
				g_set_error(errp, KEMU_ERROR, 0, "table-loader: bad ADD_CHECKSUM");
				return false;
			}
			f->data[at] += acpi_checksum(f->data + start, len);
			break;
		}
		default:
			break;
		}
	}
	return true;
}

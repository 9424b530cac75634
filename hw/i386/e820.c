// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * e820 memory map builder: a sorted, merged list of typed ranges, and the
 * PC's layout for a RAM size. See include/hw/i386/e820.h. Pure data; it
 * never touches guest memory.
 */
#include "kemu/common.h"
#include "hw/i386/e820.h"

void e820_init(struct e820_table *t)
{
	memset(t, 0, sizeof(*t));
}

static int e820_cmp(const void *a, const void *b)
{
	const struct e820_entry *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

bool e820_add(struct e820_table *t, uint64_t addr, uint64_t size, uint32_t type)
{
	struct e820_entry tmp[2 * E820_MAX_ENTRIES + 1];
	unsigned n = 0, i, out;
	uint64_t end = addr + size;

	if (size == 0)
		return true;
	if (end < addr)
		return false;
	/* Cut every existing entry around the new range: the new one wins. */
	for (i = 0; i < t->nr; i++) {
		const struct e820_entry *e = &t->entries[i];
		uint64_t eend = e->addr + e->size;

		if (eend <= addr || e->addr >= end) {
			tmp[n++] = *e;
			continue;
		}
		if (e->addr < addr)
			tmp[n++] = (struct e820_entry){ e->addr, addr - e->addr, e->type };
		if (eend > end)
			tmp[n++] = (struct e820_entry){ end, eend - end, e->type };
	}
	tmp[n++] = (struct e820_entry){ addr, size, type };
	qsort(tmp, n, sizeof(tmp[0]), e820_cmp);

	out = 0;
	for (i = 0; i < n; i++) {
		if (out && tmp[out - 1].type == tmp[i].type &&
		    tmp[out - 1].addr + tmp[out - 1].size == tmp[i].addr) {
			tmp[out - 1].size += tmp[i].size;
			continue;
		}
		tmp[out++] = tmp[i];
	}
	if (out > E820_MAX_ENTRIES)
		return false;
	memcpy(t->entries, tmp, out * sizeof(tmp[0]));
	t->nr = out;
	return true;
}

uint64_t e820_total(const struct e820_table *t, uint32_t type)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < t->nr; i++)
		if (t->entries[i].type == type)
			sum += t->entries[i].size;
	return sum;
}

uint32_t e820_type_at(const struct e820_table *t, uint64_t addr)
{
	for (unsigned i = 0; i < t->nr; i++)
		if (addr >= t->entries[i].addr &&
		    addr - t->entries[i].addr < t->entries[i].size)
			return t->entries[i].type;
	return 0;
}

void pc_ram_split(uint64_t ram_size, uint64_t max_below_4g,
		  uint64_t *below_4g, uint64_t *above_4g)
{
	uint64_t lowmem = max_below_4g ? max_below_4g : PC_MAX_RAM_BELOW_4G;

	/* pc_init1(): gigabyte_align rounds the split down to 3 GiB. */
	if (ram_size >= lowmem && lowmem > 0xc0000000ULL)
		lowmem = 0xc0000000ULL;
	if (ram_size >= lowmem) {
		*below_4g = lowmem;
		*above_4g = ram_size - lowmem;
	} else {
		*below_4g = ram_size;
		*above_4g = 0;
	}
}

void e820_build_pc(struct e820_table *t, uint64_t below_4g, uint64_t above_4g,
		   bool direct_boot)
{
	e820_init(t);
	if (!direct_boot) {
		/* QEMU's etc/e820: RAM only (pc_memory_init). */
		e820_add(t, 0, below_4g, E820_RAM);
	} else {
		e820_add(t, 0, MIN(below_4g, PC_EBDA_START), E820_RAM);
		e820_add(t, PC_EBDA_START, PC_LOW_RAM_END - PC_EBDA_START,
			 E820_RESERVED);
		e820_add(t, PC_BIOS_AREA_START, PC_HIGH_RAM_START - PC_BIOS_AREA_START,
			 E820_RESERVED);
		if (below_4g > PC_HIGH_RAM_START)
			e820_add(t, PC_HIGH_RAM_START, below_4g - PC_HIGH_RAM_START,
				 E820_RAM);
	}
	if (above_4g)
		e820_add(t, PC_4G, above_4g, E820_RAM);
}

GByteArray *e820_to_bytes(const struct e820_table *t)
{
	GByteArray *b = g_byte_array_sized_new(t->nr * 20);

	for (unsigned i = 0; i < t->nr; i++) {
		uint8_t e[20];

		stq_le_p(e, t->entries[i].addr);
		stq_le_p(e + 8, t->entries[i].size);
		stl_le_p(e + 16, t->entries[i].type);
		g_byte_array_append(b, e, sizeof(e));
	}
	return b;
}

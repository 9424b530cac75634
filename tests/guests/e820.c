// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The firmware memory map as multiboot passes it (Multiboot 0.6.96, 3.3;
 * ACPI 6.5 chapter 15 for the E820 types) against -m: given mem=<MiB>, RAM
 * entries must not overlap, there must be RAM at 0 and at 1 MiB, conventional
 * memory must end at or below 640 KiB, and usable RAM must total between
 * mem - 4 MiB (firmware reservations) and mem.
 */
#include "lib/rt.h"
#include "lib/multiboot.h"

const char guest_name[] = "E820";

#define MAXE 64

void guest_main(void)
{
	uint64_t want_mib = cmdline_get_u64("mem", 0);
	struct multiboot_info *mbi = mb_info;
	uint64_t base[MAXE], end[MAXE];
	int n = 0, total_entries = 0;
	uint64_t ram = 0;

	if (!(mbi->flags & MULTIBOOT_INFO_MEM_MAP))
		guest_fail(guest_name, "no memory map (multiboot flags 0x%x)", mbi->flags);
	printf("E820: mem_lower %u KiB mem_upper %u KiB\n", mbi->mem_lower, mbi->mem_upper);
	uint32_t off = 0;
	while (off < mbi->mmap_length) {
		struct multiboot_mmap_entry *e = (void *)(uintptr_t)(mbi->mmap_addr + off);
		printf("E820: [%016llx-%016llx] type %u\n", (unsigned long long)e->addr,
		       (unsigned long long)(e->addr + e->len - 1), e->type);
		total_entries++;
		if (e->type == 1 && e->len) {
			if (n == MAXE)
				guest_fail(guest_name, "more than %d RAM entries", MAXE);
			base[n] = e->addr;
			end[n] = e->addr + e->len;
			ram += e->len;
			n++;
		}
		if (e->size < 20)
			guest_fail(guest_name, "entry size %u < 20", e->size);
		off += e->size + 4;
	}
	if (!total_entries)
		guest_fail(guest_name, "empty memory map");
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (base[i] < end[j] && base[j] < end[i])
				guest_fail(guest_name, "RAM entries %d and %d overlap", i, j);
	bool low = false, high = false;
	for (int i = 0; i < n; i++) {
		if (base[i] == 0) {
			low = true;
			if (end[i] > 0xa0000)
				guest_fail(guest_name, "conventional RAM runs to 0x%llx, past 640 KiB",
					   (unsigned long long)end[i]);
		}
		if (base[i] <= 0x100000 && end[i] > 0x200000)
			high = true;
	}
	if (!low)
		guest_fail(guest_name, "no RAM entry at address 0");
	if (!high)
		guest_fail(guest_name, "no RAM entry covering 1-2 MiB");
	uint64_t ram_kib = ram >> 10;
	printf("E820: %d RAM entries, %llu KiB usable\n", n, (unsigned long long)ram_kib);
	if (want_mib) {
		uint64_t want_kib = want_mib << 10;
		if (ram_kib > want_kib)
			guest_fail(guest_name, "%llu KiB usable > -m %llu MiB",
				   (unsigned long long)ram_kib, (unsigned long long)want_mib);
		if (ram_kib + 4096 < want_kib)
			guest_fail(guest_name, "%llu KiB usable, more than 4 MiB short of -m %llu MiB",
				   (unsigned long long)ram_kib, (unsigned long long)want_mib);
	}
	guest_pass(guest_name);
}

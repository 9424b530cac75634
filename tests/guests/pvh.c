// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PVH boot: checks the hvm_start_info the loader passed in EBX (magic
 * 0x336ec578, version >= 1), its memory map (RAM at 0 and at 1 MiB, total
 * within 4 MiB of mem=<MiB>), the command line and the RSDP pointer.
 */
#include "lib/rt.h"

static const char guest_name[] = "PVH";

struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	uint32_t memmap_entries, reserved;
} __attribute__((packed));

struct hvm_memmap_table_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
} __attribute__((packed));

void pvh_main(struct hvm_start_info *si);

void pvh_main(struct hvm_start_info *si)
{
	serial_init();
	printf("PVH: start_info at %p magic 0x%x version %u\n", (void *)si, si->magic, si->version);
	if (si->magic != 0x336ec578)
		guest_fail(guest_name, "bad hvm_start_info magic 0x%x", si->magic);
	if (si->cmdline_paddr && si->cmdline_paddr < 0x100000000ull)
		guest_cmdline = (const char *)(uintptr_t)si->cmdline_paddr;
	printf("PVH: cmdline '%s'\n", guest_cmdline);
	if (si->rsdp_paddr) {
		const char *r = (const char *)(uintptr_t)si->rsdp_paddr;
		printf("PVH: RSDP at 0x%llx\n", (unsigned long long)si->rsdp_paddr);
		if (memcmp_(r, "RSD PTR ", 8))
			guest_fail(guest_name, "rsdp_paddr does not point at 'RSD PTR '");
	}
	if (si->version < 1 || !si->memmap_paddr || !si->memmap_entries)
		guest_fail(guest_name, "no memory map (version %u, %u entries)", si->version,
			   si->memmap_entries);
	const struct hvm_memmap_table_entry *e = (const void *)(uintptr_t)si->memmap_paddr;
	uint64_t ram = 0;
	bool low = false, high = false;
	for (uint32_t i = 0; i < si->memmap_entries && i < 128; i++) {
		printf("PVH: [%016llx-%016llx] type %u\n", (unsigned long long)e[i].addr,
		       (unsigned long long)(e[i].addr + e[i].size - 1), e[i].type);
		if (e[i].type != 1)
			continue;
		ram += e[i].size;
		low |= e[i].addr == 0;
		high |= e[i].addr <= 0x100000 && e[i].addr + e[i].size > 0x200000;
	}
	if (!low || !high)
		guest_fail(guest_name, "no RAM at %s", low ? "1 MiB" : "0");
	uint64_t want = cmdline_get_u64("mem", 0) << 10, kib = ram >> 10;
	printf("PVH: %llu KiB usable\n", (unsigned long long)kib);
	if (want && (kib > want || kib + 4096 < want))
		guest_fail(guest_name, "%llu KiB usable, expected about %llu KiB",
			   (unsigned long long)kib, (unsigned long long)want);
	guest_pass(guest_name);
}

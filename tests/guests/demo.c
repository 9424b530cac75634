// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The `make demo` guest: a banner, then what the machine looks like from
 * inside (CPU vendor and brand, memory from the multiboot/E820 map, CPUs from
 * the ACPI MADT, date from the RTC), then ACPI power-off. Boots in well under
 * a second under TCG; meant to be looked at, though it also says PASS.
 */
#include "lib/rt.h"
#include "lib/acpi.h"
#include "lib/multiboot.h"

const char guest_name[] = "DEMO";

static const char banner[] =
	"\n"
	"   _                              \n"
	"  | | _____ _ __ ___  _   _      \n"
	"  | |/ / _ \\ '_ ` _ \\| | | |   a QEMU-compatible PC emulator\n"
	"  |   <  __/ | | | | | |_| |   on KVM or its own x86-64 interpreter\n"
	"  |_|\\_\\___|_| |_| |_|\\__,_|\n"
	"\n";

static uint8_t bcd(uint8_t v) { return (uint8_t)((v >> 4) * 10 + (v & 0xf)); }

void guest_main(void)
{
	uint32_t a, b, c, d, brand[13] = { 0 };
	char vendor[13];

	puts_(banner);
	cpuid(0, 0, &a, &b, &c, &d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = 0;
	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a >= 0x80000004)
		for (uint32_t l = 0; l < 3; l++)
			cpuid(0x80000002 + l, 0, &brand[l * 4], &brand[l * 4 + 1],
			      &brand[l * 4 + 2], &brand[l * 4 + 3]);
	printf("  CPU     : %s, %s\n", vendor, brand[0] ? (char *)brand : "(no brand string)");

	uint64_t ram = 0;
	struct multiboot_info *mbi = mb_info;
	if (mbi->flags & MULTIBOOT_INFO_MEM_MAP) {
		for (uint32_t off = 0; off < mbi->mmap_length;) {
			struct multiboot_mmap_entry *e = (void *)(uintptr_t)(mbi->mmap_addr + off);
			if (e->type == 1)
				ram += e->len;
			off += e->size + 4;
		}
	}
	printf("  Memory  : %u MiB usable (E820)\n", (uint32_t)(ram >> 20));
	uint8_t ids[64];
	int cpus = acpi_madt_cpus(ids, 64, NULL);
	printf("  CPUs    : %d (ACPI MADT)\n", cpus);
	cmos_read(0x0a);
	printf("  RTC     : 20%02u-%02u-%02u %02u:%02u:%02u UTC\n", bcd(cmos_read(9)),
	       bcd(cmos_read(8)), bcd(cmos_read(7)), bcd(cmos_read(4)), bcd(cmos_read(2)),
	       bcd(cmos_read(0)));
	printf("\n  DEMO: PASS - all done, powering off through ACPI S5.\n\n");
	const char *why = acpi_poweroff();
	guest_fail(guest_name, "%s", why);
}

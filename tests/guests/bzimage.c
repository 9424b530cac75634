// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bzImage-style guest, 64-bit C part: checks the boot_params the loader (or
 * our own real-mode setup) produced (Linux Documentation/arch/x86/
 * zero-page.rst): the copied setup header ("HdrS", type_of_loader set), the
 * E820 table (RAM at 0 and 1 MiB, total within 4 MiB of mem=<MiB>) and the
 * command line (must contain bzmagic=<word> if expect=<word> is there too:
 * the runner passes both). Reports which entry point ran (32 or 64).
 */
#include "lib/rt.h"

static const char guest_name[] = "BZIMAGE";
extern uint32_t entered_via;
void bz_main(uint8_t *bp);

struct boot_e820_entry {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));

void bz_main(uint8_t *bp)
{
	serial_init();
	printf("BZIMAGE: entered via the %u-bit entry, boot_params at %p\n", entered_via, (void *)bp);
	if (memcmp_(bp + 0x202, "HdrS", 4))
		guest_fail(guest_name, "boot_params.hdr has no HdrS signature");
	uint8_t loader = bp[0x210];
	uint64_t cmd = *(uint32_t *)(bp + 0x228) | ((uint64_t)*(uint32_t *)(bp + 0x0c8) << 32);
	printf("BZIMAGE: protocol 0x%x type_of_loader 0x%x cmd_line_ptr 0x%llx\n",
	       *(uint16_t *)(bp + 0x206), loader, (unsigned long long)cmd);
	if (!loader)
		guest_fail(guest_name, "type_of_loader is 0: the loader must set it");
	if (cmd && cmd < 0x100000000ull)
		guest_cmdline = (const char *)(uintptr_t)cmd;
	printf("BZIMAGE: cmdline '%s'\n", guest_cmdline);
	char want[40], got[40];
	if (cmdline_get("expect", want, sizeof(want)) &&
	    (!cmdline_get("bzmagic", got, sizeof(got)) || strncmp_(want, got, sizeof(got))))
		guest_fail(guest_name, "cmdline lacks bzmagic=%s", want);

	unsigned n = bp[0x1e8];
	const struct boot_e820_entry *e = (const void *)(bp + 0x2d0);
	uint64_t ram = 0;
	bool low = false, high = false;
	if (!n || n > 128)
		guest_fail(guest_name, "boot_params.e820_entries = %u", n);
	for (unsigned i = 0; i < n; i++) {
		printf("BZIMAGE: e820 [%016llx-%016llx] type %u\n", (unsigned long long)e[i].addr,
		       (unsigned long long)(e[i].addr + e[i].size - 1), e[i].type);
		if (e[i].type != 1)
			continue;
		ram += e[i].size;
		low |= e[i].addr == 0;
		high |= e[i].addr <= 0x100000 && e[i].addr + e[i].size > 0x200000;
	}
	if (!low || !high)
		guest_fail(guest_name, "no RAM at %s", low ? "1 MiB" : "0");
	uint64_t want_kib = cmdline_get_u64("mem", 0) << 10, kib = ram >> 10;
	printf("BZIMAGE: %llu KiB usable\n", (unsigned long long)kib);
	if (want_kib && (kib > want_kib || kib + 4096 < want_kib))
		guest_fail(guest_name, "%llu KiB usable, expected about %llu KiB",
			   (unsigned long long)kib, (unsigned long long)want_kib);
	guest_pass(guest_name);
}

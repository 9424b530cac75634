// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Multiboot v1 details (Multiboot 0.6.96, 3.3): the command line is
 * "<kernel path> <append>", modules from -initrd "file args,file2" arrive
 * with their strings, page-aligned (header flag bit 0), inside RAM, not
 * overlapping each other or the kernel. Given mods=N and mod0size=BYTES it
 * also checks the count and the first module's size; mod0byte=OFF:VAL checks
 * one byte of its contents. Built twice: ELF (mbmods.elf) and as a flat
 * binary with the a.out kludge (mbmods-aout.bin).
 */
#include "lib/rt.h"
#include "lib/multiboot.h"

const char guest_name[] = "MBMODS";
extern char _start[], __bss_end[];

struct mb_module {
	uint32_t start, end, string, reserved;
};

void guest_main(void)
{
	struct multiboot_info *mbi = mb_info;
	const char *cl = guest_cmdline;
	printf("MBMODS: cmdline '%s'\n", cl);
	/* the first word is the kernel's path, then what -append gave */
	const char *sp = cl;
	while (*sp && *sp != ' ')
		sp++;
	if (sp - cl < 6 || (memcmp_(sp - 6, ".elf", 4) && memcmp_(sp - 4, ".bin", 4) &&
			    memcmp_(sp - 4, ".elf", 4)))
		guest_fail(guest_name, "cmdline does not start with the kernel's file name");
	uint64_t want = cmdline_get_u64("mods", 0);
	uint32_t n = (mbi->flags & 8) ? mbi->mods_count : 0;
	printf("MBMODS: %u modules\n", n);
	if (n != want)
		guest_fail(guest_name, "%u modules, expected %llu", n, (unsigned long long)want);
	const struct mb_module *m = (const void *)(uintptr_t)mbi->mods_addr;
	for (uint32_t i = 0; i < n; i++) {
		const char *str = m[i].string ? (const char *)(uintptr_t)m[i].string : "(none)";
		printf("MBMODS: module %u [0x%x-0x%x) '%s'\n", i, m[i].start, m[i].end, str);
		if (m[i].start & 0xfff)
			guest_fail(guest_name, "module %u at 0x%x is not page-aligned", i, m[i].start);
		if (m[i].end < m[i].start)
			guest_fail(guest_name, "module %u ends before it starts", i);
		if (m[i].start < (uint32_t)(uintptr_t)__bss_end && m[i].end > (uint32_t)(uintptr_t)_start)
			guest_fail(guest_name, "module %u overlaps the kernel", i);
		for (uint32_t j = 0; j < i; j++)
			if (m[i].start < m[j].end && m[j].start < m[i].end)
				guest_fail(guest_name, "modules %u and %u overlap", j, i);
	}
	uint64_t size0 = cmdline_get_u64("mod0size", 0);
	if (size0 && (!n || m[0].end - m[0].start != size0))
		guest_fail(guest_name, "module 0 is %u bytes, expected %llu", n ? m[0].end - m[0].start : 0,
			   (unsigned long long)size0);
	char b[24];
	if (n && cmdline_get("mod0byte", b, sizeof(b))) {
		const char *colon;
		uint32_t off = (uint32_t)strtou64(b, &colon);
		uint32_t val = *colon == ':' ? (uint32_t)strtou64(colon + 1, NULL) : 0;
		uint8_t got = *(const uint8_t *)(uintptr_t)(m[0].start + off);
		if (off >= m[0].end - m[0].start || got != val)
			guest_fail(guest_name, "module 0 byte 0x%x is 0x%x, expected 0x%x", off, got, val);
	}
	guest_pass(guest_name);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * C side of the multiboot v1 entry: serial, command line, exception reports,
 * then the guest's own guest_main(). Not used by the PVH and bzImage guests.
 */
#include "rt.h"
#include "multiboot.h"

extern const char guest_name[];
void guest_main(void);
void mb_main(uint32_t magic, struct multiboot_info *mbi);
void idt_setup(void);
void exc_report(uint32_t *frame);

extern char exc_stubs[];
static uint64_t idt[32] __attribute__((aligned(16)));
struct __attribute__((packed)) { uint16_t limit; uint32_t base; } idt_desc;

void idt_setup(void)
{
	for (int i = 0; i < 32; i++) {
		uint32_t h = (uint32_t)(uintptr_t)(exc_stubs + 16 * i);
		/* 32-bit interrupt gate, DPL0, selector 0x08 */
		idt[i] = (h & 0xffff) | (0x08u << 16) | ((uint64_t)0x8e00 << 32) |
			 ((uint64_t)(h >> 16) << 48);
	}
	idt_desc.limit = sizeof(idt) - 1;
	idt_desc.base = (uint32_t)(uintptr_t)idt;
	__asm__ volatile("lidt %0" :: "m"(idt_desc));
}

void exc_report(uint32_t *frame)
{
	guest_fail(guest_name, "unexpected exception %u error 0x%x at %x:%x",
		   frame[0], frame[1], frame[3], frame[2]);
}

void mb_main(uint32_t magic, struct multiboot_info *mbi)
{
	serial_init();
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		guest_fail(guest_name, "bad multiboot magic %x", magic);
	if (mbi->flags & MULTIBOOT_INFO_CMDLINE)
		guest_cmdline = (const char *)(uintptr_t)mbi->cmdline;
	guest_main();
	guest_fail(guest_name, "guest_main returned");
}

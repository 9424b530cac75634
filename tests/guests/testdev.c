// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pc-testdev (QEMU hw/misc/pc-testdev.c, used by kvm-unit-tests): the I/O
 * port at 0xe0 stores what is written and reads it back at byte, word and
 * dword widths; the 64 KiB MMIO window at 0xff000000 behaves as memory.
 */
#include "lib/rt.h"

const char guest_name[] = "TESTDEV";

void guest_main(void)
{
	outl(0xe0, 0x12345678);
	uint32_t l = inl(0xe0);
	outw(0xe0, 0xbeef);
	uint16_t w = inw(0xe0);
	outb(0xe0, 0x5a);
	uint8_t b = inb(0xe0);
	printf("TESTDEV: ioport 0xe0 read back 0x%x 0x%x 0x%x\n", l, w, b);
	if (l != 0x12345678 || w != 0xbeef || b != 0x5a)
		guest_fail(guest_name, "port 0xe0 did not read back what was written");

	const uintptr_t iomem = 0xff000000;
	for (uint32_t off = 0; off < 0x10000; off += 0x1000)
		mmio_write32(iomem + off, 0xc0de0000 | off);
	for (uint32_t off = 0; off < 0x10000; off += 0x1000) {
		uint32_t v = mmio_read32(iomem + off);
		if (v != (0xc0de0000 | off))
			guest_fail(guest_name, "iomem +0x%x read 0x%x", off, v);
	}
	mmio_write8(iomem + 3, 0x77);
	if (mmio_read8(iomem + 3) != 0x77)
		guest_fail(guest_name, "iomem byte access");
	printf("TESTDEV: iomem at 0x%x reads back\n", (unsigned)iomem);
	guest_pass(guest_name);
}

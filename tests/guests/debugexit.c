// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * isa-debug-exit: writes the value given as code=N (default 0x2a) to port
 * 0xf4 with the width given as width=1|2|4; the emulator must exit with
 * status (N << 1) | 1. Checks the device, not the guest.
 */
#include "lib/rt.h"

const char guest_name[] = "DEBUGEXIT";

void guest_main(void)
{
	uint32_t code = (uint32_t)cmdline_get_u64("code", DEBUG_EXIT_PASS);
	uint32_t width = (uint32_t)cmdline_get_u64("width", 1);

	printf("DEBUGEXIT: writing 0x%x (width %u) to port 0xf4, expect exit status %u\n",
	       code, width, ((code << 1) | 1) & 0xff);
	if (width == 4)
		outl(DEBUG_EXIT_PORT, code);
	else if (width == 2)
		outw(DEBUG_EXIT_PORT, (uint16_t)code);
	else
		outb(DEBUG_EXIT_PORT, (uint8_t)code);
	guest_fail(guest_name, "still running after the write to port 0xf4");
}

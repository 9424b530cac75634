// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ACPI S5 power-off: FADT PM1a_CNT_BLK, SLP_TYPa from \_S5 (ACPI 6.5 7.4.2),
 * SLP_EN. The emulator must exit with status 0; still running = FAIL.
 */
#include "lib/rt.h"
#include "lib/acpi.h"

const char guest_name[] = "POWEROFF";

void guest_main(void)
{
	printf("POWEROFF: requesting S5\n");
	const char *why = acpi_poweroff();
	guest_fail(guest_name, "%s", why);
}

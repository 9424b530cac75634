// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 16550 input: prints "SERIAL: ready>", reads one line from COM1 by polling
 * LSR.DR and echoes it as "SERIAL: got '<line>'". The runner feeds the line
 * on the emulator's stdin and checks the echo; expect=<word> on the command
 * line makes the guest compare too. Gives up after ~20 s of silence.
 */
#include "lib/rt.h"

const char guest_name[] = "SERIAL";

void guest_main(void)
{
	char line[80], want[80];
	size_t n = 0;

	puts_("SERIAL: ready>\n");
	pit_clock_start();
	for (;;) {
		if (pit_ticks() > 20ull * PIT_HZ)
			guest_fail(guest_name, "no complete line within 20 s (got %u bytes)", (unsigned)n);
		int c = serial_getc_timeout(1000);
		if (c < 0)
			continue;
		if (c == '\r' || c == '\n') {
			if (!n)
				continue;
			break;
		}
		if (n + 1 < sizeof(line))
			line[n++] = (char)c;
	}
	line[n] = 0;
	printf("SERIAL: got '%s'\n", line);
	if (cmdline_get("expect", want, sizeof(want)) && (strlen_(want) != n || memcmp_(want, line, n)))
		guest_fail(guest_name, "expected '%s'", want);
	guest_pass(guest_name);
}

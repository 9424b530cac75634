// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 32-bit interpreter benchmarks, selected by mode=mixed|copy and iters=N;
 * the runner measures wall time against an iters=0 run. mixed: 12 guest
 * instructions per iteration; copy: 1 MiB per iteration with rep movsd.
 */
#include "lib/rt.h"

const char guest_name[] = "BENCH32";
uint32_t bench_mixed(uint32_t iters);
void bench_copy(uint32_t iters);

void guest_main(void)
{
	char mode[16] = "mixed";
	cmdline_get("mode", mode, sizeof(mode));
	uint32_t iters = (uint32_t)cmdline_get_u64("iters", 1000);

	if (!strncmp_(mode, "mixed", 6))
		bench_mixed(iters);
	else if (!strncmp_(mode, "copy", 5))
		bench_copy(iters);
	else
		guest_fail(guest_name, "unknown mode=%s", mode);
	debug_exit(DEBUG_EXIT_PASS);
}

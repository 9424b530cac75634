// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writing a direct-boot plan (include/hw/i386/loader.h) into guest memory.
 * Kept apart from x86-loader.c so that the parser stays a pure function that
 * unit tests and fuzzers link without the memory core.
 */
#include "kemu/common.h"
#include "hw/i386/loader.h"
#include "system/memory.h"

bool x86_boot_plan_write(const struct x86_boot_plan *plan, struct address_space *as,
			 GError **errp)
{
	static const uint8_t zero[4096];

	for (unsigned i = 0; i < plan->blobs->len; i++) {
		const struct x86_boot_blob *b = &g_array_index(plan->blobs, struct x86_boot_blob, i);

		if (b->data) {
			if (!address_space_write_rom(as, b->addr, b->data, b->len, errp))
				return false;
			continue;
		}
		/* bss: fresh RAM is zero, but a reset reloads into used RAM */
		for (uint64_t off = 0; off < b->len; off += sizeof(zero)) {
			uint64_t n = MIN(sizeof(zero), b->len - off);

			if (!address_space_write_rom(as, b->addr + off, zero, n, errp))
				return false;
		}
	}
	return true;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * plan-dump: run kemu's direct-boot loader and table builders on the host
 * and write the result as files, for plan-shim to replay inside QEMU:
 *	plan-dump OUTDIR RAM_MB CPUS KERNEL [INITRD [APPEND]]
 * writes OUTDIR/blob-N.bin and OUTDIR/plan.txt ("entry mode=64 rip=.. rsi=..
 * rbx=.. rax=.. cr3=.." then "blob ADDR LEN FILE" lines). A test tool, not
 * part of kemu.
 */
#include "kemu/common.h"
#include "hw/i386/loader.h"
#include "hw/i386/fw-tables.h"
#include "hw/acpi/acpi-build.h"

int main(int argc, char **argv)
{
	struct e820_table e820;
	struct x86_boot_plan *plan;
	struct pc_fw_tables_config fc = { .serial_mask = 3 };
	uint64_t ram, below, above;
	GError *err = NULL;
	GString *txt;
	g_autofree char *plan_path = NULL;

	if (argc < 5) {
		fprintf(stderr, "usage: plan-dump OUTDIR RAM_MB CPUS KERNEL [INITRD [APPEND]]\n");
		return 2;
	}
	ram = strtoull(argv[2], NULL, 0) * MiB;
	pc_ram_split(ram, 0, &below, &above);
	e820_build_pc(&e820, below, above, true);
	if (getenv("PLAN_DUMP_LINUX32")) {
		/* the 32-bit boot protocol of a 64-bit kernel, for testing */
		g_autofree char *k = NULL;
		gsize klen;
		struct x86_boot_config cfg = {
			.kernel_path = argv[4], .cmdline = argc > 6 ? argv[6] : "",
			.ram_below_4g = below, .e820 = &e820,
			.rsdp_addr = ACPI_DIRECT_RSDP_ADDR, .linux_32bit_entry = true,
		};

		if (!g_file_get_contents(argv[4], &k, &klen, &err)) {
			fprintf(stderr, "plan-dump: %s\n", err->message);
			return 1;
		}
		cfg.kernel = (const uint8_t *)k;
		cfg.kernel_len = klen;
		plan = x86_boot_plan_build(&cfg, &err);
	} else {
		plan = x86_boot_load_files(argv[4], argc > 5 && *argv[5] ? argv[5] : NULL,
					   argc > 6 ? argv[6] : "", below, &e820,
					   ACPI_DIRECT_RSDP_ADDR, &err);
	}
	if (!plan) {
		fprintf(stderr, "plan-dump: -kernel %s: %s\n", argv[4], err->message);
		return 1;
	}
	fc.nr_cpus = atoi(argv[3]);
	fc.below_4g = below;
	fc.above_4g = above;
	if (!pc_direct_tables_add(plan, &fc, &err)) {
		fprintf(stderr, "plan-dump: %s\n", err->message);
		return 1;
	}
	g_mkdir_with_parents(argv[1], 0755);
	txt = g_string_new(NULL);
	g_string_append_printf(txt, "entry mode=%d rip=0x%" PRIx64 " rsi=0x%" PRIx64
			       " rbx=0x%" PRIx64 " rax=0x%" PRIx64 " cr3=0x%" PRIx64 "\n",
			       plan->entry.long_mode ? 64 : 32, plan->entry.rip, plan->entry.rsi,
			       plan->entry.rbx, plan->entry.rax, plan->entry.cr3);
	for (unsigned i = 0; i < plan->blobs->len; i++) {
		const struct x86_boot_blob *b = &g_array_index(plan->blobs, struct x86_boot_blob, i);
		g_autofree char *name = g_strdup_printf("%s/blob-%u.bin", argv[1], i);
		g_autofree uint8_t *zero = b->data ? NULL : g_malloc0(b->len);

		if (!g_file_set_contents(name, (const char *)(b->data ? b->data : zero), b->len, &err)) {
			fprintf(stderr, "plan-dump: %s\n", err->message);
			return 1;
		}
		g_string_append_printf(txt, "blob 0x%" PRIx64 " 0x%zx %s\n", b->addr, b->len, name);
	}
	plan_path = g_strdup_printf("%s/plan.txt", argv[1]);
	g_file_set_contents(plan_path, txt->str, txt->len, NULL);
	fputs(txt->str, stdout);
	x86_boot_plan_free(plan);
	return 0;
}

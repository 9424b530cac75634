/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PC's firmware tables in one place, for the board (hw/i386/pc.c):
 *
 *	struct pc_fw_tables_config fc = { .nr_cpus = smp, .max_cpus = maxcpus,
 *		.below_4g = below, .above_4g = above, .serial_mask = 3 };
 * direct boot (after x86_boot_plan_build with rsdp_addr = ACPI_DIRECT_RSDP_ADDR):
 *	pc_direct_tables_add(plan, &fc, &err);   // ACPI, MP table, SMBIOS as blobs
 * always (QEMU's pc has fw_cfg in both cases):
 *	pc_fw_cfg_populate(fw, &fc, &e820, firmware_boot);
 *
 * Direct-boot placement (all inside the e820-reserved 0xe0000-0x100000):
 *	0xe0000 RSDP, 0xe0040 ACPI tables (< 0xf0000), 0xf0000 MP floating
 *	pointer + table, 0xf8000 SMBIOS entry point, 0xf8020 SMBIOS structures.
 */
#ifndef HW_I386_FW_TABLES_H
#define HW_I386_FW_TABLES_H

#include "kemu/common.h"
#include "hw/i386/e820.h"

struct x86_boot_plan;
struct fw_cfg_state;

struct pc_fw_tables_config {
	unsigned nr_cpus;
	unsigned max_cpus;		/* 0: nr_cpus */
	const uint32_t *apic_ids;	/* NULL: APIC id = CPU index */
	uint64_t below_4g, above_4g;
	unsigned serial_mask;		/* COM1 bit 0, COM2 bit 1 (DSDT) */
	uint16_t pm_base;		/* 0: 0x600 */
	bool boot_menu;
	const uint8_t *uuid;		/* 16 bytes or NULL */
	uint32_t pcihp_slots;		/* root-bus slots that take ACPI hotplug; 0: none */
};

bool pc_direct_tables_add(struct x86_boot_plan *plan, const struct pc_fw_tables_config *cfg,
			  GError **errp);
/*
 * FW_CFG_RAM_SIZE, NB_CPUS, MAX_CPUS, NUMA (no nodes), BOOT_MENU, UUID,
 * IRQ0_OVERRIDE, "etc/e820"; with firmware_boot also the ACPI files
 * (etc/acpi/tables, etc/acpi/rsdp, etc/table-loader) and SMBIOS
 * (etc/smbios/smbios-tables, etc/smbios/smbios-anchor) for SeaBIOS.
 */
void pc_fw_cfg_populate(struct fw_cfg_state *fw, const struct pc_fw_tables_config *cfg,
			const struct e820_table *e820, bool firmware_boot);

/*
 * Firmware boot of a Linux-protocol kernel (what QEMU's linuxboot option ROM
 * reads): FW_CFG_SETUP_* (the real-mode setup, header patched like QEMU's
 * x86_load_linux: loader 0xb0, CAN_USE_HEAP, cmd_line_ptr, ramdisk fields),
 * FW_CFG_KERNEL_* (protected-mode part for 0x100000), FW_CFG_CMDLINE_* and
 * FW_CFG_INITRD_* (below initrd_addr_max and RAM). For kernels the direct
 * loader refuses with X86_LOADER_ERR_NEEDS_FIRMWARE (memdisk, iPXE .lkrn).
 */
bool pc_fw_cfg_add_linux_kernel(struct fw_cfg_state *fw, const uint8_t *kernel, size_t len,
				const uint8_t *initrd, size_t initrd_len, const char *cmdline,
				uint64_t below_4g, GError **errp);

#endif

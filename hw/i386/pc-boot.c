// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pc machine's firmware interface and direct kernel boot: the ACPI PM
 * block, fw_cfg, and, with -kernel, the kernel, e820 and ACPI tables placed
 * in guest memory the way firmware would leave them, so no firmware runs.
 *
 * Direct boot layout (below 1 MiB): boot GDT/page tables/zero page from the
 * loader (hw/i386/loader.h); RSDP at 0xe0000, ACPI tables from 0xe0040, MP
 * table at 0xf0000, SMBIOS at 0xf8000 (hw/i386/fw-tables.h), all blobs of
 * the boot plan that every reset writes again. The e820 map reserves
 * 0xe0000-0xfffff so the guest leaves them alone.
 */
#include "hw/i386/pc.h"
#include "hw/i386/e820.h"
#include "hw/i386/loader.h"
#include "hw/acpi/acpi-build.h"
#include "hw/i386/fw-tables.h"
#include "hw/acpi/acpi-pm.h"
#include "hw/nvram/fw_cfg.h"
#include "target/i386/cpu.h"

#define PC_FW_CFG_IO_BASE 0x510	/* QEMU fw_cfg_io: selector, data at +1, DMA at +4 */

bool pc_acpi_pm_init(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);
	struct device *dev = device_new(TYPE_ACPI_PM);

	machine_add_device(ms, "acpi-pm", dev);
	object_unref(OBJECT(dev));
	if (!device_realize(dev, errp))
		return false;
	memory_region_add_subregion(&ms->iomem, ACPI_PM_BASE_DEFAULT, acpi_pm_io_region(dev));
	memory_region_add_subregion(&ms->iomem, ACPI_SMI_CMD_PORT, acpi_pm_smi_region(dev));
	irq_line_connect(acpi_pm_sci(dev), pc_acpi_sci, ms, ACPI_SCI_IRQ);
	pc->acpi_pm = dev;
	return true;
}

static void pc_fw_tables_config(struct pc_machine *pc, struct pc_fw_tables_config *fc)
{
	struct machine_state *ms = MACHINE(pc);

	*fc = (struct pc_fw_tables_config){
		.nr_cpus = ms->smp_cpus,
		.max_cpus = ms->smp_max_cpus,
		.below_4g = ms->below_4g_mem_size,
		.above_4g = ms->above_4g_mem_size,
		.serial_mask = (ms->serial_chr[0] ? 1 : 0) | (ms->serial_chr[1] ? 2 : 0),
	};
}

bool pc_fw_cfg_init(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);
	struct pc_fw_tables_config fc;
	struct e820_table e820;
	bool firmware_boot = !ms->kernel;

	pc->fw_cfg = fw_cfg_io_create(&ms->iomem, PC_FW_CFG_IO_BASE, ms->as_mem, errp);
	if (!pc->fw_cfg)
		return false;
	pc_fw_tables_config(pc, &fc);
	/* firmware carves its own holes out of etc/e820; direct boot gets the final map */
	e820_build_pc(&e820, ms->below_4g_mem_size, ms->above_4g_mem_size, !firmware_boot);
	pc_fw_cfg_populate(fw_cfg_io_state(pc->fw_cfg), &fc, &e820, firmware_boot);
	return true;
}

bool pc_direct_boot_init(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);
	struct pc_fw_tables_config fc;
	struct e820_table e820;
	GError *err = NULL;

	e820_build_pc(&e820, ms->below_4g_mem_size, ms->above_4g_mem_size, true);
	pc->boot_plan = x86_boot_load_files(ms->kernel, ms->initrd, ms->append,
					    ms->below_4g_mem_size, &e820,
					    ACPI_DIRECT_RSDP_ADDR, &err);
	if (!pc->boot_plan) {
		if (g_error_matches(err, X86_LOADER_ERROR, X86_LOADER_ERR_NEEDS_FIRMWARE))
			g_prefix_error(&err, "(booting it through firmware comes with the "
				       "firmware work) ");
		g_propagate_prefixed_error(errp, err, "-kernel %s: ", ms->kernel);
		return false;
	}
	/* ACPI at 0xe0000, MP table at 0xf0000, SMBIOS at 0xf8000: part of the plan */
	pc_fw_tables_config(pc, &fc);
	if (!pc_direct_tables_add(pc->boot_plan, &fc, errp))
		return false;
	return true;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pc machine's firmware interface and direct kernel boot: the ACPI PM
 * block, fw_cfg, and, with -kernel, the kernel, e820 and ACPI tables placed
 * in guest memory the way firmware would leave them, so no firmware runs.
 *
 * Direct boot layout (below 1 MiB): boot GDT/page tables/zero page from the
 * loader (hw/i386/loader.h), RSDP at 0xe0000, ACPI tables from 0xe0040; the
 * e820 map reserves 0xe0000-0xfffff so the guest leaves them alone.
 */
#include "hw/i386/pc.h"
#include "hw/i386/e820.h"
#include "hw/i386/loader.h"
#include "hw/acpi/acpi-build.h"
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

bool pc_fw_cfg_init(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);
	struct fw_cfg_state *fw;
	struct e820_table e820;
	g_autoptr(GByteArray) e820_bytes = NULL;

	pc->fw_cfg = fw_cfg_io_create(&ms->iomem, PC_FW_CFG_IO_BASE, ms->as_mem, errp);
	if (!pc->fw_cfg)
		return false;
	fw = fw_cfg_io_state(pc->fw_cfg);
	fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, ms->ram_size);
	fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, ms->smp_cpus);
	fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, ms->smp_max_cpus);
	fw_cfg_add_i64(fw, FW_CFG_NUMA, 0);
	fw_cfg_add_i16(fw, FW_CFG_BOOT_MENU, 0);
	/* SeaBIOS reads RAM from etc/e820; holes are its own business */
	e820_build_pc(&e820, ms->below_4g_mem_size, ms->above_4g_mem_size, false);
	e820_bytes = e820_to_bytes(&e820);
	fw_cfg_add_file(fw, "etc/e820", e820_bytes->data, e820_bytes->len);
	if (!ms->kernel) {
		struct acpi_tables t;
		struct acpi_build_config cfg = ACPI_BUILD_CONFIG_PC(ms->smp_cpus,
								      ms->below_4g_mem_size);

		acpi_build(&cfg, &t);
		acpi_tables_add_fw_cfg(&t, fw);
		acpi_tables_free(&t);
	}
	return true;
}

/* Writes the ACPI tables of direct boot into guest memory (again, on reset). */
bool pc_boot_tables_write(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);

	if (!pc->acpi_blob)
		return true;
	return address_space_write_rom(ms->as_mem, pc->acpi_addr, pc->acpi_blob, pc->acpi_len,
				       errp);
}

static bool pc_acpi_direct_build(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);
	struct acpi_build_config cfg = ACPI_BUILD_CONFIG_PC(ms->smp_cpus, ms->below_4g_mem_size);
	struct acpi_tables t;
	size_t len;

	acpi_build(&cfg, &t);
	if (!acpi_tables_place(&t, ACPI_DIRECT_RSDP_ADDR, ACPI_DIRECT_TABLES_ADDR, errp)) {
		acpi_tables_free(&t);
		return false;
	}
	/* one blob from the RSDP to the end of the tables */
	len = ACPI_DIRECT_TABLES_ADDR - ACPI_DIRECT_RSDP_ADDR + t.tables->len;
	if (ACPI_DIRECT_RSDP_ADDR + len > ACPI_DIRECT_TABLES_END || t.rsdp->len >
	    ACPI_DIRECT_TABLES_ADDR - ACPI_DIRECT_RSDP_ADDR) {
		g_set_error(errp, KEMU_ERROR, 0, "ACPI tables (%zu bytes) do not fit below 0xf0000",
			    len);
		acpi_tables_free(&t);
		return false;
	}
	pc->acpi_blob = g_malloc0(len);
	memcpy(pc->acpi_blob, t.rsdp->data, t.rsdp->len);
	memcpy(pc->acpi_blob + (ACPI_DIRECT_TABLES_ADDR - ACPI_DIRECT_RSDP_ADDR),
	       t.tables->data, t.tables->len);
	pc->acpi_addr = ACPI_DIRECT_RSDP_ADDR;
	pc->acpi_len = len;
	acpi_tables_free(&t);
	return true;
}

bool pc_direct_boot_init(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);
	struct e820_table e820;
	GError *err = NULL;

	/* Below 1 MiB is RAM up to the VGA window, and RAM from 0xc0000 again. */
	e820_build_pc(&e820, ms->below_4g_mem_size, ms->above_4g_mem_size, true);
	if (!pc_acpi_direct_build(pc, errp))
		return false;
	pc->boot_plan = x86_boot_load_files(ms->kernel, ms->initrd, ms->append,
					    ms->below_4g_mem_size, &e820,
					    ACPI_DIRECT_RSDP_ADDR, &err);
	if (!pc->boot_plan) {
		if (g_error_matches(err, X86_LOADER_ERROR, X86_LOADER_ERR_NEEDS_FIRMWARE) &&
		    !strcmp(ms->kernel_boot, "auto"))
			g_prefix_error(&err, "(booting it through firmware comes with the "
				       "firmware work) ");
		g_propagate_prefixed_error(errp, err, "-kernel %s: ", ms->kernel);
		return false;
	}
	return true;
}

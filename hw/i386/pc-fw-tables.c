// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Glue from the PC's configuration to the table builders (ACPI, MP, SMBIOS,
 * e820) for both boot paths. See include/hw/i386/fw-tables.h. Pure: fills a
 * boot plan or an fw_cfg item store, never guest memory.
 */
#include "kemu/common.h"
#include "hw/i386/fw-tables.h"
#include "hw/i386/loader.h"
#include "hw/i386/mptable.h"
#include "hw/i386/smbios.h"
#include "hw/acpi/acpi-build.h"
#include "hw/nvram/fw_cfg.h"

static struct acpi_build_config acpi_config(const struct pc_fw_tables_config *cfg)
{
	struct acpi_build_config a = ACPI_BUILD_CONFIG_PC(cfg->nr_cpus, cfg->below_4g);

	a.apic_ids = cfg->apic_ids;
	a.serial_mask = cfg->serial_mask;
	if (cfg->pm_base)
		a.pm_base = cfg->pm_base;
	return a;
}

static struct smbios_config smbios_config(const struct pc_fw_tables_config *cfg)
{
	struct smbios_config s = { .nr_cpus = cfg->nr_cpus, .below_4g = cfg->below_4g,
				   .above_4g = cfg->above_4g };

	if (cfg->uuid)
		memcpy(s.uuid, cfg->uuid, 16);
	return s;
}

bool pc_direct_tables_add(struct x86_boot_plan *plan, const struct pc_fw_tables_config *cfg,
			  GError **errp)
{
	struct acpi_build_config ac = acpi_config(cfg);
	struct smbios_config sc = smbios_config(cfg);
	struct mptable_config mc = { .nr_cpus = cfg->nr_cpus, .apic_ids = cfg->apic_ids };
	struct acpi_tables at;
	struct smbios_tables st;
	GByteArray *mp;
	bool ok = false;

	acpi_build(&ac, &at);
	if (!acpi_tables_place(&at, ACPI_DIRECT_RSDP_ADDR, ACPI_DIRECT_TABLES_ADDR, errp))
		goto out_acpi;
	if (ACPI_DIRECT_TABLES_ADDR + at.tables->len > ACPI_DIRECT_TABLES_END) {
		g_set_error(errp, KEMU_ERROR, 0, "ACPI tables for %u CPUs do not fit below 0xf0000",
			    cfg->nr_cpus);
		goto out_acpi;
	}
	mp = mptable_build(MPTABLE_DIRECT_ADDR, &mc);
	smbios_build(&sc, SMBIOS_DIRECT_TABLES_ADDR, &st);
	if (MPTABLE_DIRECT_ADDR + mp->len > SMBIOS_DIRECT_ANCHOR_ADDR ||
	    SMBIOS_DIRECT_TABLES_ADDR + st.tables->len > PC_HIGH_RAM_START) {
		g_set_error(errp, KEMU_ERROR, 0, "MP/SMBIOS tables for %u CPUs do not fit in the F-segment",
			    cfg->nr_cpus);
	} else {
		x86_boot_plan_add_blob(plan, ACPI_DIRECT_RSDP_ADDR, at.rsdp->data, at.rsdp->len);
		x86_boot_plan_add_blob(plan, ACPI_DIRECT_TABLES_ADDR, at.tables->data, at.tables->len);
		x86_boot_plan_add_blob(plan, MPTABLE_DIRECT_ADDR, mp->data, mp->len);
		x86_boot_plan_add_blob(plan, SMBIOS_DIRECT_ANCHOR_ADDR, st.anchor->data, st.anchor->len);
		x86_boot_plan_add_blob(plan, SMBIOS_DIRECT_TABLES_ADDR, st.tables->data, st.tables->len);
		ok = true;
	}
	g_byte_array_free(mp, TRUE);
	smbios_tables_free(&st);
out_acpi:
	acpi_tables_free(&at);
	return ok;
}

void pc_fw_cfg_populate(struct fw_cfg_state *fw, const struct pc_fw_tables_config *cfg,
			const struct e820_table *e820, bool firmware_boot)
{
	unsigned max_cpus = MAX(cfg->max_cpus, cfg->nr_cpus);
	g_autofree uint64_t *numa = g_new0(uint64_t, 1 + max_cpus);
	g_autoptr(GByteArray) e = e820_to_bytes(e820);
	static const uint8_t zero_uuid[16];

	fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, cfg->below_4g + cfg->above_4g);
	fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, cfg->nr_cpus);
	fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, max_cpus);
	/* QEMU: u64 node count (0), then one u64 per possible APIC id */
	fw_cfg_add_bytes(fw, FW_CFG_NUMA, numa, (1 + max_cpus) * sizeof(uint64_t));
	fw_cfg_add_i16(fw, FW_CFG_BOOT_MENU, cfg->boot_menu);
	fw_cfg_add_bytes(fw, FW_CFG_UUID, cfg->uuid ? cfg->uuid : zero_uuid, 16);
	fw_cfg_add_i32(fw, FW_CFG_IRQ0_OVERRIDE, 1);
	fw_cfg_add_file(fw, "etc/e820", e->data, e->len);

	if (firmware_boot) {
		struct acpi_build_config ac = acpi_config(cfg);
		struct smbios_config sc = smbios_config(cfg);
		struct acpi_tables at;
		struct smbios_tables st;

		acpi_build(&ac, &at);
		acpi_tables_add_fw_cfg(&at, fw);
		acpi_tables_free(&at);
		smbios_build(&sc, 0, &st);
		smbios_tables_add_fw_cfg(&st, fw);
		smbios_tables_free(&st);
	}
}

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
	if (cfg->pcihp_slots) {
		a.pcihp_base = ACPI_PCIHP_BASE_DEFAULT;
		a.pcihp_slots = cfg->pcihp_slots;
	}
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

bool pc_fw_cfg_add_linux_kernel(struct fw_cfg_state *fw, const uint8_t *kernel, size_t len,
				const uint8_t *initrd, size_t initrd_len, const char *cmdline,
				uint64_t below_4g, GError **errp)
{
	/* QEMU x86_load_linux() for protocol >= 2.02 with LOADED_HIGH */
	const uint32_t real_addr = 0x10000, cmdline_addr = 0x20000, prot_addr = 0x100000;
	unsigned version, setup_size;
	size_t cmdline_len = strlen(cmdline ? cmdline : "") + 1;
	uint64_t initrd_max;
	uint8_t *setup;

	if (len < 0x268 || ldl_le_p(kernel + 0x202) != 0x53726448) {
		g_set_error(errp, X86_LOADER_ERROR, X86_LOADER_ERR_INVALID,
			    "could not load kernel: not a Linux boot protocol image");
		return false;
	}
	version = lduw_le_p(kernel + 0x206);
	setup_size = ((kernel[0x1f1] ? kernel[0x1f1] : 4) + 1) * 512;
	if (version < 0x202 || !(kernel[0x211] & 1) || setup_size >= len ||
	    cmdline_len > 0x10000 || cmdline_len - 1 > (version >= 0x206 ? ldl_le_p(kernel + 0x238) : 255)) {
		g_set_error(errp, X86_LOADER_ERROR, X86_LOADER_ERR_INVALID,
			    "could not load kernel: protocol %u.%02u kernel, or command line too long",
			    version >> 8, version & 0xff);
		return false;
	}
	if (len - setup_size > below_4g || prot_addr > below_4g - (len - setup_size)) {
		g_set_error(errp, X86_LOADER_ERROR, X86_LOADER_ERR_INVALID,
			    "could not load kernel: kernel does not fit in RAM");
		return false;
	}
	setup = g_memdup2(kernel, setup_size);
	stl_le_p(setup + 0x228, cmdline_addr);
	setup[0x210] = 0xb0;
	setup[0x211] |= 0x80;
	stw_le_p(setup + 0x224, cmdline_addr - real_addr - 0x200);
	if (initrd) {
		uint64_t addr;

		initrd_max = version >= 0x203 ? ldl_le_p(kernel + 0x22c) : 0x37ffffff;
		initrd_max = MIN(initrd_max, below_4g - 1);
		if (initrd_len > initrd_max + 1 ||
		    (addr = ALIGN_DOWN(initrd_max + 1 - initrd_len, 4096)) < prot_addr + len) {
			g_set_error(errp, X86_LOADER_ERROR, X86_LOADER_ERR_INVALID,
				    "could not load kernel: initrd of %zu bytes does not fit", initrd_len);
			g_free(setup);
			return false;
		}
		stl_le_p(setup + 0x218, addr);
		stl_le_p(setup + 0x21c, initrd_len);
		fw_cfg_add_i32(fw, FW_CFG_INITRD_ADDR, addr);
		fw_cfg_add_i32(fw, FW_CFG_INITRD_SIZE, initrd_len);
		fw_cfg_add_bytes(fw, FW_CFG_INITRD_DATA, initrd, initrd_len);
	}
	fw_cfg_add_i32(fw, FW_CFG_SETUP_ADDR, real_addr);
	fw_cfg_add_i32(fw, FW_CFG_SETUP_SIZE, setup_size);
	fw_cfg_add_bytes_take(fw, FW_CFG_SETUP_DATA, setup, setup_size);
	fw_cfg_add_i32(fw, FW_CFG_KERNEL_ADDR, prot_addr);
	fw_cfg_add_i32(fw, FW_CFG_KERNEL_SIZE, len - setup_size);
	fw_cfg_add_bytes(fw, FW_CFG_KERNEL_DATA, kernel + setup_size, len - setup_size);
	fw_cfg_add_i32(fw, FW_CFG_CMDLINE_ADDR, cmdline_addr);
	fw_cfg_add_i32(fw, FW_CFG_CMDLINE_SIZE, cmdline_len);
	fw_cfg_add_bytes(fw, FW_CFG_CMDLINE_DATA, cmdline ? cmdline : "", cmdline_len);
	return true;
}

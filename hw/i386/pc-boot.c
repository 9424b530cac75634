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
 *
 * Kernels that need the BIOS (syslinux memdisk, iPXE .lkrn), or any kernel
 * with -machine kernel-boot=firmware, boot through SeaBIOS instead: the
 * kernel goes into fw_cfg's FW_CFG_SETUP_/KERNEL_/CMDLINE_/INITRD_* items
 * and kemu's own option ROM (pc-bios/optionrom/linuxboot.S) as the fw_cfg
 * file "genroms/linuxboot.bin", first in "bootorder", loads and starts it.
 */
#include "hw/i386/pc.h"
#include "hw/rtc/mc146818rtc.h"
#include "system/bootdevice.h"
#include "hw/i386/e820.h"
#include "hw/i386/loader.h"
#include "hw/acpi/acpi-build.h"
#include "hw/i386/fw-tables.h"
#include "hw/acpi/acpi-pm.h"
#include "hw/acpi/pcihp.h"
#include "hw/irq.h"
#include "hw/nvram/fw_cfg.h"
#include "target/i386/cpu.h"
#include "pc-bios/optionrom/optionroms.h"

#define PC_FW_CFG_IO_BASE 0x510	/* QEMU fw_cfg_io: selector, data at +1, DMA at +4 */

/*
 * Root-bus slots that take hotplug: all but the board's own (0 host bridge,
 * 1 PIIX3, 2 VGA). The DSDT (built before -device runs) and the hotplug
 * registers use this one mask; devices the command line puts in these slots
 * can be unplugged too, as in QEMU.
 */
uint32_t pc_pcihp_slots(struct pc_machine *pc)
{
	struct machine_state *ms = MACHINE(pc);

	return 0xfffffffcu & ~(ms->vga ? 1u << 2 : 0);
}

/* The hotplug registers raise GPE0 bit 1 on acpi-pm (an edge: the status bit latches). */
static void pc_pcihp_gpe(void *opaque, int n, int level)
{
	struct pc_machine *pc = opaque;

	if (level && pc->acpi_pm)
		acpi_pm_gpe_event(pc->acpi_pm, ACPI_GPE_PCI_HOTPLUG);
}

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
	memory_region_add_subregion(&ms->iomem, ACPI_GPE0_BASE_DEFAULT, acpi_pm_gpe_region(dev));
	pc->acpi_pm = dev;

	/* ACPI PCI hotplug of the root bus, its event on GPE0 bit 1 */
	dev = device_new(TYPE_ACPI_PCIHP);
	machine_add_device(ms, "acpi-pcihp", dev);
	object_unref(OBJECT(dev));
	if (!device_realize(dev, errp))
		return false;
	acpi_pcihp_set_bus(dev, pc->pci_bus, pc_pcihp_slots(pc));
	memory_region_add_subregion(&ms->iomem, ACPI_PCIHP_BASE_DEFAULT, acpi_pcihp_io_region(dev));
	irq_line_connect(acpi_pcihp_gpe(dev), pc_pcihp_gpe, pc, 0);
	pc->pcihp = dev;
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
		.boot_menu = ms->boot_menu,
		.pcihp_slots = pc_pcihp_slots(pc),
	};
}

bool pc_fw_cfg_init(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);
	struct pc_fw_tables_config fc;
	struct e820_table e820;
	bool firmware_boot = !ms->kernel || pc_kernel_via_firmware(pc);

	pc->fw_cfg = fw_cfg_io_create(&ms->iomem, PC_FW_CFG_IO_BASE, ms->as_mem, errp);
	if (!pc->fw_cfg)
		return false;
	pc_fw_tables_config(pc, &fc);
	/* firmware carves its own holes out of etc/e820; direct boot gets the final map */
	e820_build_pc(&e820, ms->below_4g_mem_size, ms->above_4g_mem_size, !firmware_boot);
	pc_fw_cfg_populate(fw_cfg_io_state(pc->fw_cfg), &fc, &e820, firmware_boot);
	for (guint i = 0; ms->fw_cfg_files && i < ms->fw_cfg_files->len; i++) {
		const struct machine_fw_cfg_file *f = g_ptr_array_index(ms->fw_cfg_files, i);

		if (!fw_cfg_add_file(fw_cfg_io_state(pc->fw_cfg), f->name, f->data, f->len)) {
			g_set_error(errp, KEMU_ERROR, 0, "-fw_cfg name=%s: duplicate name, or "
				    "no free fw_cfg file slot", f->name);
			return false;
		}
	}
	return true;
}

/* The option ROM's fw_cfg name; SeaBIOS runs every "genroms/" file. */
#define PC_LINUXBOOT_ROM "genroms/linuxboot.bin"

bool pc_kernel_via_firmware(struct pc_machine *pc)
{
	struct machine_state *ms = MACHINE(pc);

	return ms->kernel && !pc->boot_plan;
}

bool pc_direct_boot_init(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);
	struct pc_fw_tables_config fc;
	struct e820_table e820;
	GError *err = NULL;

	if (!strcmp(ms->kernel_boot, "firmware"))
		return true;
	e820_build_pc(&e820, ms->below_4g_mem_size, ms->above_4g_mem_size, true);
	pc->boot_plan = x86_boot_load_files(ms->kernel, ms->initrd, ms->append,
					    ms->below_4g_mem_size, &e820,
					    ACPI_DIRECT_RSDP_ADDR, &err);
	if (!pc->boot_plan) {
		if (g_error_matches(err, X86_LOADER_ERROR, X86_LOADER_ERR_NEEDS_FIRMWARE)) {
			if (!strcmp(ms->kernel_boot, "auto")) {
				g_error_free(err);	/* through SeaBIOS instead */
				return true;
			}
			g_set_error(errp, err->domain, err->code, "-kernel %s: %s (-machine "
				    "kernel-boot=auto or firmware boots it through SeaBIOS)",
				    ms->kernel, err->message);
			g_error_free(err);
			return false;
		}
		g_propagate_prefixed_error(errp, err, "-kernel %s: ", ms->kernel);
		return false;
	}
	/* ACPI at 0xe0000, MP table at 0xf0000, SMBIOS at 0xf8000: part of the plan */
	pc_fw_tables_config(pc, &fc);
	if (!pc_direct_tables_add(pc->boot_plan, &fc, errp))
		return false;
	return true;
}

bool pc_firmware_kernel_init(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);
	struct fw_cfg_state *fw = fw_cfg_io_state(pc->fw_cfg);
	g_autofree char *kernel = NULL, *initrd = NULL;
	gsize kernel_len, initrd_len = 0;
	GError *err = NULL;

	if (!g_file_get_contents(ms->kernel, &kernel, &kernel_len, &err)) {
		g_set_error(errp, KEMU_ERROR, 0, "-kernel %s: could not load kernel: %s",
			    ms->kernel, err->message);
		g_error_free(err);
		return false;
	}
	if (ms->initrd && !g_file_get_contents(ms->initrd, &initrd, &initrd_len, &err)) {
		g_set_error(errp, KEMU_ERROR, 0, "-initrd %s: could not load initrd: %s",
			    ms->initrd, err->message);
		g_error_free(err);
		return false;
	}
	if (!pc_fw_cfg_add_linux_kernel(fw, (const uint8_t *)kernel, kernel_len,
					(const uint8_t *)initrd, initrd_len, ms->append,
					ms->below_4g_mem_size, &err)) {
		g_propagate_prefixed_error(errp, err, "-kernel %s (through firmware): ",
					   ms->kernel);
		return false;
	}
	/* first in "bootorder": pc_boot_order_done() puts it there */
	if (!fw_cfg_add_file(fw, PC_LINUXBOOT_ROM, optionrom_linuxboot, optionrom_linuxboot_size)) {
		g_set_error(errp, KEMU_ERROR, 0, "-kernel %s: fw_cfg has no room for the "
			    "linuxboot option ROM", ms->kernel);
		return false;
	}
	return true;
}

/*
 * -boot order= as the CMOS bytes SeaBIOS reads for devices "bootorder" does
 * not name (QEMU's set_boot_dev): one nibble per device, 1 floppy, 2 hard
 * disk, 3 CD-ROM, 4 network; 0x3d holds the first two, 0x38 bits 7-4 the
 * third, bit 0 set would skip the floppy boot-signature check.
 */
void pc_boot_order_cmos(struct pc_machine *pc, const char *order)
{
	uint8_t dev[3] = { 0 };

	for (size_t i = 0; order && order[i] && i < 3; i++)
		dev[i] = order[i] == 'a' ? 1 : order[i] == 'c' ? 2 : order[i] == 'd' ? 3 :
			 order[i] == 'n' ? 4 : 0;
	rtc_set_cmos(pc->rtc, 0x3d, dev[0] | dev[1] << 4);
	rtc_set_cmos(pc->rtc, 0x38, dev[2] << 4);
}

/*
 * After every device exists (board and -device): the "bootorder" file from
 * the bootindex= registry, the boot menu and retry settings.
 */
bool pc_boot_order_done(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);
	struct fw_cfg_state *fw;
	g_autofree char *order = NULL;
	g_autoptr(GString) file = g_string_new(NULL);
	size_t len;
	uint32_t fail_wait;

	if (!bootdevice_check(errp))
		return false;
	if (!pc->fw_cfg)
		return true;
	fw = fw_cfg_io_state(pc->fw_cfg);
	/* QEMU's x86_load_linux gives its ROM bootindex 0: first in the boot order */
	if (pc_kernel_via_firmware(pc))
		g_string_append(file, "/rom@" PC_LINUXBOOT_ROM "\n");
	order = bootdevice_get_bootorder(&len);
	g_string_append_len(file, order, len);
	/* strict=on: SeaBIOS boots nothing the list does not name */
	if (ms->boot_strict)
		g_string_append(file, "HALT\n");
	if (file->len && !fw_cfg_add_file(fw, "bootorder", file->str, file->len)) {
		g_set_error(errp, KEMU_ERROR, 0, "-boot: fw_cfg has no room for bootorder");
		return false;
	}
	if (ms->boot_menu && ms->boot_splash_time >= 0) {
		uint8_t wait[2] = { ms->boot_splash_time & 0xff, (ms->boot_splash_time >> 8) & 0xff };

		fw_cfg_add_file(fw, "etc/boot-menu-wait", wait, sizeof(wait));
	}
	/* SeaBIOS retries a failed boot after this many ms; all ones: never */
	fail_wait = ms->boot_reboot_timeout < 0 ? UINT32_MAX : (uint32_t)ms->boot_reboot_timeout;
	{
		uint8_t b[4] = { fail_wait, fail_wait >> 8, fail_wait >> 16, fail_wait >> 24 };

		fw_cfg_add_file(fw, "etc/boot-fail-wait", b, sizeof(b));
	}
	{
		const char *first = ms->boot_once ? ms->boot_once : ms->boot_order;

		fw_cfg_add_i16(fw, FW_CFG_BOOT_DEVICE, first ? (uint8_t)first[0] : 'c');
		pc_boot_order_cmos(pc, first ? first : "cad");
	}
	return true;
}

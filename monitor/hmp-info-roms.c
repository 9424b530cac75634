// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HMP "info roms": the firmware images the machine holds, in QEMU's
 * shapes: the BIOS mapped below 4 GiB, every PCI expansion ROM (romfile=),
 * and every fw_cfg file (ACPI tables, genroms option ROMs, the kernel for
 * firmware boot...).
 *
 *	addr=00000000fffc0000 size=0x040000 mem=rom name="bios-256k.bin"
 *	/rom@etc/acpi/tables size=0x020000 name="etc/acpi/tables"
 */
#include "kemu/common.h"
#include "monitor/monitor-internal.h"
#include "hw/boards.h"
#include "hw/i386/pc.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/pci/pci.h"

void hmp_info_roms(struct monitor *mon, const char *args)
{
	struct machine_state *ms = machine_current();
	struct object *pcobj = ms ? object_dynamic_cast(OBJECT(ms), TYPE_PC_MACHINE) : NULL;
	struct pc_machine *pc = pcobj ? PC_MACHINE(pcobj) : NULL;
	struct pci_bus *bus = pci_bus_find(NULL);

	if (pc && pc->bios.size) {
		g_autofree char *base = g_path_get_basename(ms->bios ? ms->bios : PC_BIOS_DEFAULT);

		monitor_printf(mon, "addr=%016" PRIx64 " size=0x%06" PRIx64 " mem=rom name=\"%s\"\n",
			       (uint64_t)(4 * GiB - pc->bios.size), pc->bios.size, base);
	}
	for (int devfn = 0; bus && devfn < PCI_DEVFN_MAX; devfn++) {
		struct pci_device *d = pci_bus_get_device(bus, devfn);

		if (d && d->has_rom) {
			const char *file = d->romfile ? d->romfile : PCI_DEVICE_GET_CLASS(d)->romfile;
			g_autofree char *base = g_path_get_basename(file ? file : "rom");

			monitor_printf(mon, "%02x:%02x.%x size=0x%06" PRIx64 " mem=rom name=\"%s\"\n",
				       0, PCI_SLOT(devfn), PCI_FUNC(devfn), d->rom.size, base);
		}
	}
	if (pc && pc->fw_cfg) {
		struct fw_cfg_state *fw = fw_cfg_io_state(pc->fw_cfg);

		for (unsigned i = 0; i < FW_CFG_MAX_ENTRY; i++) {
			const struct fw_cfg_entry *e = &fw->entries[0][i];

			if (i >= FW_CFG_FILE_FIRST && e->name[0])
				monitor_printf(mon, "/rom@%s size=0x%06x name=\"%s\"\n", e->name, e->len,
					       e->name);
		}
	}
}

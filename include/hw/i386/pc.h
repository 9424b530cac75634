/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The `pc` machine (hw/i386/pc.c and hw/i386/pc-boot.c): its state, shared
 * between the board file and its boot and firmware-table half.
 */
#ifndef HW_I386_PC_H
#define HW_I386_PC_H

#include "hw/boards.h"
#include "hw/intc/apic.h"

struct pic_state;
struct ioapic_state;
struct pit_state;
struct x86_boot_plan;
struct fw_cfg_state;
struct pci_bus;

struct pc_machine {
	struct machine_state parent;

	struct memory_region ram_below_4g, ram_above_4g;
	struct memory_region vga_hole, vga_unassigned;
	struct memory_region bios, isa_bios;
	struct memory_region pci_mem;	/* PCI memory space: BARs, VGA window, isa-bios */
	struct pci_bus *pci_bus;
	struct memory_region apic_page;
	struct memory_region port80_io, port61_io, cf9_io;
	uint8_t port61;			/* port B bits 0-3 */
	uint8_t rcr;			/* reset control register */

	struct pic_state *pic;
	struct ioapic_state *ioapic;
	struct pit_state *pit;
	struct apic_bus apic_bus;
	struct device *rtc;
	struct device *acpi_pm;
	struct device *fw_cfg;
	struct device *pcihp;		/* ACPI PCI hotplug of the root bus */

	/* direct boot */
	struct x86_boot_plan *boot_plan;	/* kernel, tables; rewritten on reset */
	unsigned resets;			/* 0: power-on; -boot once= ends at the next */
};

#define TYPE_PC_MACHINE "pc-i440fx-kemu"
#define PC_MACHINE(obj) OBJECT_CHECK(struct pc_machine, (obj), TYPE_PC_MACHINE)

/* pc-boot.c */
bool pc_acpi_pm_init(struct pc_machine *pc, GError **errp);
uint32_t pc_pcihp_slots(struct pc_machine *pc);
bool pc_fw_cfg_init(struct pc_machine *pc, GError **errp);
/* -kernel: direct boot, or (kernel-boot=firmware, or auto and the loader
 * says the kernel needs the BIOS) no boot plan and firmware boot */
bool pc_direct_boot_init(struct pc_machine *pc, GError **errp);
bool pc_kernel_via_firmware(struct pc_machine *pc);
/* after pc_fw_cfg_init and the BIOS: the kernel items and the linuxboot ROM */
bool pc_firmware_kernel_init(struct pc_machine *pc, GError **errp);
void pc_acpi_sci(void *opaque, int n, int level);
/* -boot: CMOS boot order bytes; after all devices: bootorder, menu, retry */
void pc_boot_order_cmos(struct pc_machine *pc, const char *order);
bool pc_boot_order_done(struct pc_machine *pc, GError **errp);

#endif

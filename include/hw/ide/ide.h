/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IDE: the PIIX3 IDE function and the drives on its two channels.
 *
 * The board creates the controller and one drive per IF_IDE -drive with
 * pc_ide_init(); users add more with
 *
 *	-device ide-hd,drive=ID[,bus=ide.N][,unit=0|1][,bootindex=N]
 *	-device ide-cd[,drive=ID][,bus=ide.N][,unit=0|1]
 *
 * "piix3-ide" (8086:7010, normally 00:01.1) decodes the legacy ports
 * 0x1f0-0x1f7/0x3f6 (channel 0, ISA IRQ 14) and 0x170-0x177/0x376
 * (channel 1, ISA IRQ 15) and the bus-master DMA registers in BAR4. Its
 * channels are the buses "ide.0" and "ide.1"; an ide-hd / ide-cd without
 * bus= takes the first free position (ide.0 unit 0, ide.0 unit 1, ide.1
 * unit 0, ...).
 *
 * The device models are split by what they hold: hw/ide/ide-core.c (the
 * register protocol of one channel, PIO, reset), hw/ide/ide-ata.c (the ATA
 * command set and ide-hd), hw/ide/ide-atapi.c (the ATAPI packet commands
 * and ide-cd), hw/ide/piix-ide.c (the PCI function, bus-master DMA and
 * pc_ide_init). Their shared internals are in hw/ide/ide-internal.h.
 */
#ifndef HW_IDE_IDE_H
#define HW_IDE_IDE_H

#include "kemu/common.h"

struct pc_machine;
struct pci_bus;
struct pci_device;
struct device;

#define TYPE_PIIX3_IDE "piix3-ide"
#define TYPE_IDE_DEVICE "ide-device"
#define TYPE_IDE_HD "ide-hd"
#define TYPE_IDE_CD "ide-cd"

#define IDE_NUM_BUSES 2

/*
 * The PIIX3 IDE function at devfn on bus, plus one ide-hd / ide-cd per
 * -drive if=ide (media=cdrom: ide-cd, which may be empty), and the CMOS
 * bytes for the hard disks that SeaBIOS and old operating systems read
 * (0x12, 0x19/0x1a, 0x1b-0x2c, 0x39) written to rtc. Returns the function,
 * NULL with errp set on failure.
 */
struct pci_device *pc_ide_init(struct pci_bus *bus, int devfn, struct device *rtc,
			       GError **errp);

#endif

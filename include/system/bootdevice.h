/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Boot order: devices with a bootindex= property register here when they
 * are realized; the board hands the sorted list to SeaBIOS as the fw_cfg
 * file "bootorder", one OpenFirmware-style device path per line, lowest
 * bootindex first (the format SeaBIOS's boot.c matches against).
 *
 * Paths, as QEMU writes them for the pc machine:
 *	IDE	/pci@i0cf8/ide@1,1/drive@BUS/disk@UNIT
 *	floppy	/pci@i0cf8/isa@1/fdc@03f0/floppy@UNIT
 *	virtio	/pci@i0cf8/scsi@SLOT/disk@0,0	(virtio-blk)
 *	NIC	/pci@i0cf8/ethernet@SLOT
 *
 * -boot order=/once=/menu=/splash-time= is parsed in system/vl.c into
 * struct boot_options on the machine; the board turns order= into CMOS
 * bytes 0x3d/0x38 (which SeaBIOS reads when "bootorder" says nothing
 * about a device) and menu= into fw_cfg "etc/boot-menu-wait".
 */
#ifndef SYSTEM_BOOTDEVICE_H
#define SYSTEM_BOOTDEVICE_H

#include "kemu/common.h"

struct device;
struct pci_device;

/* bootindex < 0: not in the list (the property's default is -1). */
void bootdevice_add(int32_t bootindex, struct device *dev, const char *fw_path);
void bootdevice_remove(struct device *dev);
/* "/pci@i0cf8/ide@1,1" for a device at slot 1 function 1 of the root bus. */
char *pci_device_fw_path(struct pci_device *dev);
/* The "bootorder" file contents ("" if no device has a bootindex). */
char *bootdevice_get_bootorder(size_t *len);
/* Two devices with one bootindex: QEMU's error. */
bool bootdevice_check(GError **errp);

#endif

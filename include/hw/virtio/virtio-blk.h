/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-blk-pci (hw/virtio/virtio-blk.c): a virtio block device on a
 * -drive. Users make one with
 *	-drive file=disk.img,if=none,id=d0 -device virtio-blk-pci,drive=d0[,bootindex=1]
 * or with -drive file=disk.img,if=virtio, for which the board calls
 * pc_virtio_drives_init() once its PCI bus exists: one virtio-blk-pci per
 * IF_VIRTIO drive, in command-line order, at the next free slots.
 */
#ifndef HW_VIRTIO_VIRTIO_BLK_H
#define HW_VIRTIO_VIRTIO_BLK_H

#include "kemu/common.h"

struct machine_state;
struct pci_bus;

#define TYPE_VIRTIO_BLK_PCI "virtio-blk-pci"

bool pc_virtio_drives_init(struct machine_state *ms, struct pci_bus *bus, GError **errp);

#endif

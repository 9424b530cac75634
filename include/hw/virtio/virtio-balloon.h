/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-balloon-pci (hw/virtio/virtio-balloon.c) for the monitor: QMP
 * `balloon` and `query-balloon` speak of the guest's memory size in bytes,
 * as QEMU's do; the device speaks of 4 KiB pages given back.
 */
#ifndef HW_VIRTIO_VIRTIO_BALLOON_H
#define HW_VIRTIO_VIRTIO_BALLOON_H

#include "kemu/common.h"

#define TYPE_VIRTIO_BALLOON_PCI "virtio-balloon-pci"

/* Ask the guest to shrink (or grow back) to target_bytes of RAM.
 * false (no balloon device) leaves errp NULL: the caller words that error. */
bool virtio_balloon_set_target(uint64_t target_bytes);
/* The guest's memory size as the driver last reported it; false: no balloon. */
bool virtio_balloon_get_actual(uint64_t *actual_bytes);

#endif

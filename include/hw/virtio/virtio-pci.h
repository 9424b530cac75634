/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio over PCI (VIRTIO 1.2 section 4.1): the transport under every
 * virtio-*-pci device. A device type derives from TYPE_VIRTIO_PCI and puts
 * struct virtio_pci_proxy first in its state; its PCI realize hook builds
 * the virtio device and then lets the transport lay out the PCI side:
 *
 *	struct virtio_rng { struct virtio_pci_proxy proxy; ... };
 *
 *	static bool rng_realize(struct pci_device *pci, GError **errp)
 *	{
 *		struct virtio_rng *s = VIRTIO_RNG(pci);
 *		virtio_pci_init_device(&s->proxy, &rng_ops, s, features);
 *		s->vq = virtio_add_queue(&s->proxy.vdev, 8, rng_handle_request);
 *		return virtio_pci_realize(&s->proxy, 1 + nr_queues, errp);
 *	}
 *	static void rng_class_init(struct object_class *klass, const void *data)
 *	{
 *		struct pci_device_class *k = PCI_DEVICE_CLASS(klass);
 *		k->realize = rng_realize; k->exit = rng_exit;
 *		k->class_id = PCI_CLASS_OTHERS;
 *	}
 *	DEFINE_DEVICE_TYPE(virtio_rng, "virtio-rng-pci", TYPE_VIRTIO_PCI, ...,
 *			   .vmstate = rng_fields);	// VMSTATE_VIRTIO_PCI first
 *
 * Vendor 0x1af4; device 0x1000 + n (transitional, the legacy ids of 4.1.2.3)
 * while the legacy interface is on, else 0x1040 + the virtio device id;
 * subsystem id = the virtio device id. Layout (QEMU's, which drivers and
 * SeaBIOS know):
 *	BAR0	legacy I/O registers + device config (4.1.4.8), unless disable-legacy
 *	BAR1	MSI-X table and PBA (vectors= entries, 0: INTx only)
 *	BAR4	64-bit memory: common cfg @0, ISR @0x1000, device cfg @0x2000,
 *		notify @0x3000 (4 bytes per queue), unless disable-modern
 *	capabilities: vendor-specific COMMON/ISR/DEVICE/NOTIFY/PCI_CFG (4.1.4)
 * Properties: disable-legacy=auto|on|off (auto: legacy on, as on a
 * conventional PCI bus), disable-modern=on|off, vectors=N, packed=on|off
 * (the device adds VIRTIO_F_RING_PACKED to its features when it is on).
 *
 * The device's reset hook (ops->reset) runs from the transport's PCI reset
 * and from a status-0 write; the subclass does not set pci reset itself.
 * A subclass exit hook calls virtio_pci_exit() after its own clean-up.
 *
 * Interrupts: MSI-X per queue/config vector when the guest enabled it, else
 * INTx with the ISR (read-to-clear); under KVM an MSI goes in with
 * KVM_SIGNAL_MSI from whichever thread completes the request (no irqfd
 * routes yet, docs/virtio.md). Notifications: a write to the notify region
 * (or the legacy notify register) runs the queue handler on the writing
 * vCPU thread, under the BQL. Under KVM the first such write of a queue
 * also registers an ioeventfd on that queue's notify address (the BAR as
 * mapped then), so later kicks stay in the kernel and the handler runs on
 * the main loop from the eventfd; a kick at an address that moved (BAR
 * reprogrammed) comes by the slow path again and re-registers.
 */
#ifndef HW_VIRTIO_VIRTIO_PCI_H
#define HW_VIRTIO_VIRTIO_PCI_H

#include "hw/pci/pci.h"
#include "hw/virtio/virtio.h"

/* PCI capability types (4.1.4) */
#define VIRTIO_PCI_CAP_COMMON_CFG	1
#define VIRTIO_PCI_CAP_NOTIFY_CFG	2
#define VIRTIO_PCI_CAP_ISR_CFG		3
#define VIRTIO_PCI_CAP_DEVICE_CFG	4
#define VIRTIO_PCI_CAP_PCI_CFG		5

/* modern BAR layout */
#define VIRTIO_PCI_MODERN_BAR		4
#define VIRTIO_PCI_COMMON_OFFSET	0x0000
#define VIRTIO_PCI_ISR_OFFSET		0x1000
#define VIRTIO_PCI_DEVICE_OFFSET	0x2000
#define VIRTIO_PCI_NOTIFY_OFFSET	0x3000
#define VIRTIO_PCI_REGION_SIZE		0x1000
#define VIRTIO_PCI_NOTIFY_MULTIPLIER	4
#define VIRTIO_PCI_MODERN_BAR_SIZE	0x4000

/* common configuration structure (4.1.4.3) */
#define VIRTIO_PCI_COMMON_DFSELECT	0x00
#define VIRTIO_PCI_COMMON_DF		0x04
#define VIRTIO_PCI_COMMON_GFSELECT	0x08
#define VIRTIO_PCI_COMMON_GF		0x0c
#define VIRTIO_PCI_COMMON_MSIX		0x10
#define VIRTIO_PCI_COMMON_NUMQ		0x12
#define VIRTIO_PCI_COMMON_STATUS	0x14
#define VIRTIO_PCI_COMMON_CFGGENERATION	0x15
#define VIRTIO_PCI_COMMON_Q_SELECT	0x16
#define VIRTIO_PCI_COMMON_Q_SIZE	0x18
#define VIRTIO_PCI_COMMON_Q_MSIX	0x1a
#define VIRTIO_PCI_COMMON_Q_ENABLE	0x1c
#define VIRTIO_PCI_COMMON_Q_NOFF	0x1e
#define VIRTIO_PCI_COMMON_Q_DESCLO	0x20
#define VIRTIO_PCI_COMMON_Q_DESCHI	0x24
#define VIRTIO_PCI_COMMON_Q_AVAILLO	0x28
#define VIRTIO_PCI_COMMON_Q_AVAILHI	0x2c
#define VIRTIO_PCI_COMMON_Q_USEDLO	0x30
#define VIRTIO_PCI_COMMON_Q_USEDHI	0x34
#define VIRTIO_PCI_COMMON_SIZE		0x38

/* legacy I/O registers (4.1.4.8) */
#define VIRTIO_PCI_HOST_FEATURES	0x00
#define VIRTIO_PCI_GUEST_FEATURES	0x04
#define VIRTIO_PCI_QUEUE_PFN		0x08
#define VIRTIO_PCI_QUEUE_NUM		0x0c
#define VIRTIO_PCI_QUEUE_SEL		0x0e
#define VIRTIO_PCI_QUEUE_NOTIFY		0x10
#define VIRTIO_PCI_STATUS		0x12
#define VIRTIO_PCI_ISR			0x13
#define VIRTIO_MSI_CONFIG_VECTOR	0x14
#define VIRTIO_MSI_QUEUE_VECTOR		0x16
#define VIRTIO_PCI_CONFIG_OFF(msix)	((msix) ? 0x18 : 0x14)

/* Under KVM: queue n's notify address signals an eventfd (no exit to kemu). */
struct virtio_pci_notifier {
	struct virtio_pci_proxy *proxy;
	unsigned queue;
	int fd;				/* -1: none yet */
	unsigned watch;			/* glib source id of the fd watch */
	uint64_t addr;			/* guest address it is registered at */
};

struct virtio_pci_proxy {
	struct pci_device parent;
	struct virtio_device vdev;

	/* transport registers (guest-visible, VMSTATE_VIRTIO_PCI) */
	uint32_t dfselect, gfselect;
	uint16_t queue_sel;

	struct memory_region legacy_io;
	struct memory_region modern_bar, common_mr, isr_mr, device_mr, notify_mr;
	uint8_t pci_cfg_cap;		/* offset of the PCI_CFG capability */
	struct virtio_pci_notifier notifiers[VIRTIO_QUEUE_MAX];
	bool legacy, modern;		/* interfaces offered */
	unsigned nvectors;		/* MSI-X entries, 0: none */

	/* properties */
	enum on_off_auto disable_legacy;
	bool disable_modern;
	bool packed;			/* "packed": offer VIRTIO_F_RING_PACKED */
	uint32_t vectors_prop;		/* "vectors": 0xffffffff = the device's default */
};

#define TYPE_VIRTIO_PCI "virtio-pci"
#define VIRTIO_PCI(obj) OBJECT_CHECK(struct virtio_pci_proxy, (obj), TYPE_VIRTIO_PCI)

#define VMSTATE_VIRTIO_PCI(st, f)						\
	VMSTATE_PCI_DEVICE(st, f.parent),					\
	VMSTATE_VIRTIO_DEVICE(st, f.vdev),					\
	{ .name = "virtio-pci.dfselect", .type = VMSTATE_TYPE_U32,		\
	  .offset = offsetof(st, f.dfselect), .count = 1 },			\
	{ .name = "virtio-pci.gfselect", .type = VMSTATE_TYPE_U32,		\
	  .offset = offsetof(st, f.gfselect), .count = 1 },			\
	{ .name = "virtio-pci.queue_sel", .type = VMSTATE_TYPE_U16,		\
	  .offset = offsetof(st, f.queue_sel), .count = 1 }

/* virtio_init() on the proxy's device, with the bus's DMA space and interrupts. */
void virtio_pci_init_device(struct virtio_pci_proxy *p, const struct virtio_device_ops *ops,
			    void *opaque, uint64_t host_features);
/* After the queues are added: IDs, BARs, capabilities, MSI-X (default_vectors
 * unless vectors= was given). */
bool virtio_pci_realize(struct virtio_pci_proxy *p, unsigned default_vectors, GError **errp);
void virtio_pci_exit(struct virtio_pci_proxy *p);

#endif

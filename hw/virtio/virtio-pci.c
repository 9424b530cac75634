// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio PCI transport (VIRTIO 1.2 section 4.1): the modern interface
 * (vendor capabilities pointing into BAR4: common configuration, ISR,
 * device configuration, notifications, and the PCI configuration access
 * window) and the transitional legacy I/O BAR (4.1.4.8) that SeaBIOS and
 * old drivers use, with MSI-X in BAR1 or INTx. The device types live in
 * their own files; the rules for writing one are in
 * include/hw/virtio/virtio-pci.h. Not here: ioeventfd/irqfd fast paths.
 */
#include "kemu/common.h"
#include "hw/virtio/virtio-pci.h"
#include "accel/kvm.h"
#include <glib-unix.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define VIRTIO_PCI_VENDOR_ID	0x1af4
#define VIRTIO_PCI_LEGACY_DEVICE_BASE 0x1000	/* transitional ids (4.1.2.3) */
#define VIRTIO_PCI_MODERN_DEVICE_BASE 0x1040	/* 4.1.2.1 */

/* struct virtio_pci_cap field offsets (4.1.4) */
#define CAP_LEN		2
#define CAP_CFG_TYPE	3
#define CAP_BAR		4
#define CAP_ID		5
#define CAP_OFFSET	8
#define CAP_LENGTH	12
#define CAP_NOTIFY_MULT	16
#define CAP_PCI_DATA	16
#define CAP_SIZE	16
#define CAP_EXT_SIZE	20

static struct virtio_pci_proxy *to_proxy(void *opaque)
{
	return opaque;
}

static struct virtqueue_state *selected_queue(struct virtio_pci_proxy *p)
{
	if (p->queue_sel >= p->vdev.num_queues)
		return NULL;
	return &p->vdev.vq_state[p->queue_sel];
}

static uint16_t checked_vector(struct virtio_pci_proxy *p, uint32_t v)
{
	/* 4.1.5.1.2: a vector the device cannot use reads back as NO_VECTOR */
	return v < p->nvectors ? v : VIRTIO_NO_VECTOR;
}

/* ---- interrupts ---- */

static void virtio_pci_notify(void *transport, uint16_t vector)
{
	struct virtio_pci_proxy *p = transport;
	struct pci_device *pci = &p->parent;

	if (msix_enabled(pci)) {
		if (vector != VIRTIO_NO_VECTOR)
			msix_notify(pci, vector);
		return;
	}
	pci_set_irq(pci, p->vdev.isr != 0);
}

/* ---- common configuration (4.1.4.3) ---- */

static uint64_t common_read(void *opaque, uint64_t off, unsigned size)
{
	struct virtio_pci_proxy *p = to_proxy(opaque);
	struct virtio_device *vdev = &p->vdev;
	struct virtqueue_state *q = selected_queue(p);

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		return p->dfselect;
	case VIRTIO_PCI_COMMON_DF:
		return p->dfselect < 2 ? (uint32_t)(vdev->host_features >> (32 * p->dfselect)) : 0;
	case VIRTIO_PCI_COMMON_GFSELECT:
		return p->gfselect;
	case VIRTIO_PCI_COMMON_GF:
		return p->gfselect < 2 ? (uint32_t)(vdev->driver_features >> (32 * p->gfselect)) : 0;
	case VIRTIO_PCI_COMMON_MSIX:
		return vdev->config_vector;
	case VIRTIO_PCI_COMMON_NUMQ:
		return vdev->num_queues;
	case VIRTIO_PCI_COMMON_STATUS:
		return vdev->status;
	case VIRTIO_PCI_COMMON_CFGGENERATION:
		return vdev->config_generation;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		return p->queue_sel;
	case VIRTIO_PCI_COMMON_Q_SIZE:
		return q ? q->num : 0;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		return q ? q->vector : VIRTIO_NO_VECTOR;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		return q ? q->enabled : 0;
	case VIRTIO_PCI_COMMON_Q_NOFF:
		return p->queue_sel;	/* queue n notifies at n * multiplier */
	case VIRTIO_PCI_COMMON_Q_DESCLO:
		return q ? (uint32_t)q->desc : 0;
	case VIRTIO_PCI_COMMON_Q_DESCHI:
		return q ? q->desc >> 32 : 0;
	case VIRTIO_PCI_COMMON_Q_AVAILLO:
		return q ? (uint32_t)q->driver : 0;
	case VIRTIO_PCI_COMMON_Q_AVAILHI:
		return q ? q->driver >> 32 : 0;
	case VIRTIO_PCI_COMMON_Q_USEDLO:
		return q ? (uint32_t)q->device : 0;
	case VIRTIO_PCI_COMMON_Q_USEDHI:
		return q ? q->device >> 32 : 0;
	default:
		guest_error("virtio-pci: common config read at 0x%" PRIx64 " size %u", off, size);
		return 0;
	}
}

static void set_half(uint64_t *v, bool high, uint32_t half)
{
	*v = high ? (*v & 0xffffffffULL) | ((uint64_t)half << 32)
		  : (*v & ~0xffffffffULL) | half;
}

static void common_write_queue(struct virtio_pci_proxy *p, uint64_t off, uint32_t val)
{
	struct virtqueue_state *q = selected_queue(p);

	if (!q) {
		guest_error("virtio-pci: queue register 0x%" PRIx64 " of missing queue %u", off,
			    p->queue_sel);
		return;
	}
	if (off == VIRTIO_PCI_COMMON_Q_MSIX) {
		q->vector = checked_vector(p, val);
		return;
	}
	/* 4.1.4.3.2: ring size and addresses may change only while disabled */
	if (q->enabled) {
		guest_error("virtio-pci: queue %u register 0x%" PRIx64 " written while enabled",
			    p->queue_sel, off);
		return;
	}
	switch (off) {
	case VIRTIO_PCI_COMMON_Q_SIZE:
		virtio_queue_set_num(&p->vdev, p->queue_sel, val);
		break;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		if (val == 1)
			q->enabled = 1;
		break;
	case VIRTIO_PCI_COMMON_Q_DESCLO:
	case VIRTIO_PCI_COMMON_Q_DESCHI:
		set_half(&q->desc, off == VIRTIO_PCI_COMMON_Q_DESCHI, val);
		break;
	case VIRTIO_PCI_COMMON_Q_AVAILLO:
	case VIRTIO_PCI_COMMON_Q_AVAILHI:
		set_half(&q->driver, off == VIRTIO_PCI_COMMON_Q_AVAILHI, val);
		break;
	case VIRTIO_PCI_COMMON_Q_USEDLO:
	case VIRTIO_PCI_COMMON_Q_USEDHI:
		set_half(&q->device, off == VIRTIO_PCI_COMMON_Q_USEDHI, val);
		break;
	}
}

static void virtio_pci_set_status(struct virtio_pci_proxy *p, uint8_t status)
{
	struct virtio_device *vdev = &p->vdev;

	/* 4.1.2.? / 6.1: through the modern interface the driver must take VERSION_1 */
	if ((status & VIRTIO_CONFIG_S_FEATURES_OK) && !vdev->legacy &&
	    !(vdev->driver_features & (1ULL << VIRTIO_F_VERSION_1)) &&
	    !(vdev->status & VIRTIO_CONFIG_S_FEATURES_OK)) {
		guest_error("virtio-pci: FEATURES_OK without VIRTIO_F_VERSION_1");
		status &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	}
	virtio_set_status(vdev, status);
	if (!status) {
		p->dfselect = p->gfselect = 0;
		p->queue_sel = 0;
		pci_set_irq(&p->parent, 0);
	}
}

static void common_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct virtio_pci_proxy *p = to_proxy(opaque);
	struct virtio_device *vdev = &p->vdev;

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		p->dfselect = val;
		break;
	case VIRTIO_PCI_COMMON_GFSELECT:
		p->gfselect = val;
		break;
	case VIRTIO_PCI_COMMON_GF:
		if (vdev->status & VIRTIO_CONFIG_S_FEATURES_OK) {
			guest_error("virtio-pci: driver features written after FEATURES_OK");
			break;
		}
		if (p->gfselect < 2)
			set_half(&vdev->driver_features, p->gfselect, val);
		break;
	case VIRTIO_PCI_COMMON_MSIX:
		vdev->config_vector = checked_vector(p, val);
		break;
	case VIRTIO_PCI_COMMON_STATUS:
		virtio_pci_set_status(p, val);
		break;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		p->queue_sel = val;
		break;
	case VIRTIO_PCI_COMMON_Q_SIZE:
	case VIRTIO_PCI_COMMON_Q_MSIX:
	case VIRTIO_PCI_COMMON_Q_ENABLE:
	case VIRTIO_PCI_COMMON_Q_DESCLO ... VIRTIO_PCI_COMMON_Q_USEDHI:
		if (off % 4 && off >= VIRTIO_PCI_COMMON_Q_DESCLO)
			goto bad;
		common_write_queue(p, off, val);
		break;
	default:
		goto bad;
	}
	return;
bad:
	guest_error("virtio-pci: common config write at 0x%" PRIx64 " size %u", off, size);
}

static const struct memory_region_ops common_ops = {
	.read = common_read,
	.write = common_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- ISR, device configuration, notifications ---- */

static uint64_t isr_read(void *opaque, uint64_t off, unsigned size)
{
	struct virtio_pci_proxy *p = to_proxy(opaque);
	uint8_t isr;

	if (off)
		return 0;
	isr = virtio_isr_read_clear(&p->vdev);
	pci_set_irq(&p->parent, 0);	/* 4.1.4.5: reading clears and deasserts */
	return isr;
}

static void isr_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	guest_error("virtio-pci: write to the read-only ISR");
}

static const struct memory_region_ops isr_ops = {
	.read = isr_read,
	.write = isr_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t device_cfg_read(void *opaque, uint64_t off, unsigned size)
{
	return virtio_config_read(&to_proxy(opaque)->vdev, off, size);
}

static void device_cfg_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	virtio_config_write(&to_proxy(opaque)->vdev, off, val, size);
}

static const struct memory_region_ops device_cfg_ops = {
	.read = device_cfg_read,
	.write = device_cfg_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t notify_read(void *opaque, uint64_t off, unsigned size)
{
	return 0;
}

static gboolean notifier_fired(int fd, GIOCondition cond, void *opaque)
{
	struct virtio_pci_notifier *n = opaque;
	uint64_t count;

	/* main loop, BQL held; the count says how many kicks, one run serves all */
	if (read(fd, &count, sizeof(count)) == sizeof(count))
		virtio_queue_notify(&n->proxy->vdev, n->queue);
	return G_SOURCE_CONTINUE;
}

static void notifier_release(struct virtio_pci_notifier *n)
{
	if (n->fd < 0)
		return;
	if (n->addr != PCI_BAR_UNMAPPED)
		kvm_ioeventfd_set(n->fd, n->addr, 2, true, false, NULL);
	g_source_remove(n->watch);
	close(n->fd);
	n->fd = -1;
}

/* Slow-path kick of queue q under KVM: move the queue's kicks into the kernel. */
static void notifier_update(struct virtio_pci_proxy *p, unsigned q)
{
	struct virtio_pci_notifier *n = &p->notifiers[q];
	uint64_t bar = pci_get_bar_addr(&p->parent, VIRTIO_PCI_MODERN_BAR), addr;
	g_autoptr(GError) err = NULL;

	if (!kvm_enabled() || q >= p->vdev.num_queues || bar == PCI_BAR_UNMAPPED)
		return;
	addr = bar + VIRTIO_PCI_NOTIFY_OFFSET + q * VIRTIO_PCI_NOTIFY_MULTIPLIER;
	if (n->fd >= 0 && n->addr == addr)
		return;
	if (n->fd >= 0) {
		kvm_ioeventfd_set(n->fd, n->addr, 2, true, false, NULL);
	} else {
		n->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (n->fd < 0)
			return;
		n->watch = g_unix_fd_add(n->fd, G_IO_IN, notifier_fired, n);
	}
	/* 2 bytes: the width drivers use for queue notifications (4.1.5.2) */
	n->addr = kvm_ioeventfd_set(n->fd, addr, 2, true, true, &err) ? addr : PCI_BAR_UNMAPPED;
	if (err)
		log_unimp("virtio-pci: %s; notifications keep exiting to kemu", err->message);
}

static void notify_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct virtio_pci_proxy *p = to_proxy(opaque);
	unsigned q = off / VIRTIO_PCI_NOTIFY_MULTIPLIER;

	/* 4.1.4.4: queue n's notify address is n * notify_off_multiplier */
	if (size == 2 && !(off % VIRTIO_PCI_NOTIFY_MULTIPLIER))
		notifier_update(p, q);
	virtio_queue_notify(&p->vdev, q);
}

static const struct memory_region_ops notify_ops = {
	.read = notify_read,
	.write = notify_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
};

/* A modern-BAR access by offset (the PCI_CFG window goes through here). */
static uint64_t modern_bar_access(struct virtio_pci_proxy *p, uint64_t off, unsigned size,
				  bool is_write, uint64_t val)
{
	static const struct memory_region_ops *const ops[] = {
		&common_ops, &isr_ops, &device_cfg_ops, &notify_ops,
	};
	unsigned region = off / VIRTIO_PCI_REGION_SIZE;

	if (region >= ARRAY_SIZE(ops))
		return 0;
	off %= VIRTIO_PCI_REGION_SIZE;
	if (is_write) {
		ops[region]->write(p, off, val, size);
		return 0;
	}
	return ops[region]->read(p, off, size);
}

/* ---- legacy I/O BAR (4.1.4.8) ---- */

static uint64_t legacy_read(void *opaque, uint64_t off, unsigned size)
{
	struct virtio_pci_proxy *p = to_proxy(opaque);
	struct virtio_device *vdev = &p->vdev;
	struct virtqueue_state *q = selected_queue(p);
	bool msix = msix_enabled(&p->parent);
	unsigned cfg = VIRTIO_PCI_CONFIG_OFF(msix);

	if (off >= cfg)
		return virtio_config_read(vdev, off - cfg, size);
	switch (off) {
	case VIRTIO_PCI_HOST_FEATURES:
		return (uint32_t)vdev->host_features;
	case VIRTIO_PCI_GUEST_FEATURES:
		return (uint32_t)vdev->guest_features;
	case VIRTIO_PCI_QUEUE_PFN:
		return q ? q->desc >> 12 : 0;
	case VIRTIO_PCI_QUEUE_NUM:
		return q ? q->num : 0;
	case VIRTIO_PCI_QUEUE_SEL:
		return p->queue_sel;
	case VIRTIO_PCI_STATUS:
		return vdev->status;
	case VIRTIO_PCI_ISR:
		return isr_read(p, 0, 1);
	case VIRTIO_MSI_CONFIG_VECTOR:
		return vdev->config_vector;
	case VIRTIO_MSI_QUEUE_VECTOR:
		return q ? q->vector : VIRTIO_NO_VECTOR;
	default:
		return 0;
	}
}

static void legacy_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct virtio_pci_proxy *p = to_proxy(opaque);
	struct virtio_device *vdev = &p->vdev;
	struct virtqueue_state *q = selected_queue(p);
	bool msix = msix_enabled(&p->parent);
	unsigned cfg = VIRTIO_PCI_CONFIG_OFF(msix);

	if (off >= cfg) {
		virtio_config_write(vdev, off - cfg, val, size);
		return;
	}
	switch (off) {
	case VIRTIO_PCI_GUEST_FEATURES:
		virtio_legacy_set_features(vdev, val);
		break;
	case VIRTIO_PCI_QUEUE_PFN:
		if (!q)
			break;
		if (!val) {
			/* legacy drivers reset the device by clearing a queue address */
			virtio_pci_set_status(p, 0);
			break;
		}
		virtio_queue_set_legacy_pfn(vdev, p->queue_sel, val);
		break;
	case VIRTIO_PCI_QUEUE_SEL:
		p->queue_sel = val;
		break;
	case VIRTIO_PCI_QUEUE_NOTIFY:
		virtio_queue_notify(vdev, val);
		break;
	case VIRTIO_PCI_STATUS:
		if (val)
			vdev->legacy = true;
		virtio_pci_set_status(p, val);
		break;
	case VIRTIO_MSI_CONFIG_VECTOR:
		vdev->config_vector = checked_vector(p, val);
		break;
	case VIRTIO_MSI_QUEUE_VECTOR:
		if (q)
			q->vector = checked_vector(p, val);
		break;
	default:
		guest_error("virtio-pci: legacy write to read-only register 0x%" PRIx64, off);
	}
}

static const struct memory_region_ops legacy_ops = {
	.read = legacy_read,
	.write = legacy_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- configuration space: the PCI_CFG access window (4.1.4.9) ---- */

static bool pci_cfg_window(struct virtio_pci_proxy *p, uint32_t *off, unsigned *len)
{
	const uint8_t *c = p->parent.config + p->pci_cfg_cap;

	*off = pci_get_long(c + CAP_OFFSET);
	*len = pci_get_long(c + CAP_LENGTH);
	if (c[CAP_BAR] != VIRTIO_PCI_MODERN_BAR || !p->modern ||
	    (*len != 1 && *len != 2 && *len != 4) || *off % *len ||
	    *off >= VIRTIO_PCI_MODERN_BAR_SIZE) {
		guest_error("virtio-pci: PCI_CFG window BAR%u+0x%x length %u", c[CAP_BAR], *off,
			    *len);
		return false;
	}
	return true;
}

static bool in_pci_cfg_data(struct virtio_pci_proxy *p, uint32_t addr, unsigned len)
{
	uint32_t data = p->pci_cfg_cap + CAP_PCI_DATA;

	return p->pci_cfg_cap && addr < data + 4 && addr + len > data;
}

static uint32_t virtio_pci_config_read(struct pci_device *pci, uint32_t addr, unsigned len)
{
	struct virtio_pci_proxy *p = VIRTIO_PCI(pci);
	uint32_t off;
	unsigned wlen;

	if (in_pci_cfg_data(p, addr, len) && pci_cfg_window(p, &off, &wlen)) {
		uint32_t v = modern_bar_access(p, off, wlen, false, 0);

		pci_set_long(pci->config + p->pci_cfg_cap + CAP_PCI_DATA, v);
	}
	return pci_default_read_config(pci, addr, len);
}

static void virtio_pci_config_write(struct pci_device *pci, uint32_t addr, uint32_t val,
				    unsigned len)
{
	struct virtio_pci_proxy *p = VIRTIO_PCI(pci);
	uint32_t off;
	unsigned wlen;

	pci_default_write_config(pci, addr, val, len);
	if (in_pci_cfg_data(p, addr, len) && pci_cfg_window(p, &off, &wlen)) {
		uint32_t v = pci_get_long(pci->config + p->pci_cfg_cap + CAP_PCI_DATA);

		if (wlen < 4)
			v &= (1u << (8 * wlen)) - 1;
		modern_bar_access(p, off, wlen, true, v);
	}
}

/* ---- realize ---- */

static bool add_cap(struct virtio_pci_proxy *p, uint8_t type, uint32_t offset, uint32_t length,
		    uint8_t size, uint8_t *pos_out, GError **errp)
{
	struct pci_device *pci = &p->parent;
	uint8_t pos = pci_add_capability(pci, PCI_CAP_ID_VNDR, 0, size, errp);
	uint8_t *c;

	if (!pos)
		return false;
	c = pci->config + pos;
	c[CAP_LEN] = size;
	c[CAP_CFG_TYPE] = type;
	c[CAP_BAR] = type == VIRTIO_PCI_CAP_PCI_CFG ? 0 : VIRTIO_PCI_MODERN_BAR;
	pci_set_long(c + CAP_OFFSET, offset);
	pci_set_long(c + CAP_LENGTH, length);
	if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
		pci_set_long(c + CAP_NOTIFY_MULT, VIRTIO_PCI_NOTIFY_MULTIPLIER);
	if (pos_out)
		*pos_out = pos;
	return true;
}

void virtio_pci_init_device(struct virtio_pci_proxy *p, const struct virtio_device_ops *ops,
			    void *opaque, uint64_t host_features)
{
	p->legacy = p->disable_legacy != ON_OFF_AUTO_ON;
	p->modern = !p->disable_modern;
	if (p->modern)
		host_features |= 1ULL << VIRTIO_F_VERSION_1;
	virtio_init(&p->vdev, ops, opaque, host_features);
	p->vdev.dma_as = p->parent.bus->dma_as;
	p->vdev.notify = virtio_pci_notify;
	p->vdev.transport = p;
	for (unsigned i = 0; i < VIRTIO_QUEUE_MAX; i++)
		p->notifiers[i] = (struct virtio_pci_notifier){ .proxy = p, .queue = i, .fd = -1 };
}

static bool virtio_pci_modern_init(struct virtio_pci_proxy *p, GError **errp)
{
	struct pci_device *pci = &p->parent;
	struct object *owner = OBJECT(p);
	uint8_t *c;

	memory_region_init_container(&p->modern_bar, owner, "virtio-pci", VIRTIO_PCI_MODERN_BAR_SIZE);
	memory_region_init_io(&p->common_mr, owner, &common_ops, p, "virtio-pci-common",
			      VIRTIO_PCI_REGION_SIZE);
	memory_region_init_io(&p->isr_mr, owner, &isr_ops, p, "virtio-pci-isr",
			      VIRTIO_PCI_REGION_SIZE);
	memory_region_init_io(&p->device_mr, owner, &device_cfg_ops, p, "virtio-pci-device",
			      VIRTIO_PCI_REGION_SIZE);
	memory_region_init_io(&p->notify_mr, owner, &notify_ops, p, "virtio-pci-notify",
			      VIRTIO_PCI_REGION_SIZE);
	memory_region_add_subregion(&p->modern_bar, VIRTIO_PCI_COMMON_OFFSET, &p->common_mr);
	memory_region_add_subregion(&p->modern_bar, VIRTIO_PCI_ISR_OFFSET, &p->isr_mr);
	memory_region_add_subregion(&p->modern_bar, VIRTIO_PCI_DEVICE_OFFSET, &p->device_mr);
	memory_region_add_subregion(&p->modern_bar, VIRTIO_PCI_NOTIFY_OFFSET, &p->notify_mr);
	pci_register_bar(pci, VIRTIO_PCI_MODERN_BAR, PCI_BASE_ADDRESS_SPACE_MEMORY |
			 PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH,
			 &p->modern_bar);
	if (!add_cap(p, VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_COMMON_OFFSET,
		     VIRTIO_PCI_REGION_SIZE, CAP_SIZE, NULL, errp) ||
	    !add_cap(p, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_ISR_OFFSET, VIRTIO_PCI_REGION_SIZE,
		     CAP_SIZE, NULL, errp) ||
	    !add_cap(p, VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_DEVICE_OFFSET,
		     VIRTIO_PCI_REGION_SIZE, CAP_SIZE, NULL, errp) ||
	    !add_cap(p, VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_NOTIFY_OFFSET,
		     VIRTIO_PCI_REGION_SIZE, CAP_EXT_SIZE, NULL, errp) ||
	    !add_cap(p, VIRTIO_PCI_CAP_PCI_CFG, 0, 0, CAP_EXT_SIZE, &p->pci_cfg_cap, errp))
		return false;
	/* the access window's bar, offset, length and data are the driver's to write */
	c = pci->wmask + p->pci_cfg_cap;
	c[CAP_BAR] = 0xff;
	memset(c + CAP_OFFSET, 0xff, 4);
	memset(c + CAP_LENGTH, 0xff, 4);
	memset(c + CAP_PCI_DATA, 0xff, 4);
	return true;
}

bool virtio_pci_realize(struct virtio_pci_proxy *p, unsigned default_vectors, GError **errp)
{
	struct pci_device *pci = &p->parent;
	uint16_t id = p->vdev.ops->device_id;
	uint8_t *c = pci->config;

	if (!p->legacy && !p->modern) {
		g_set_error(errp, KEMU_ERROR, 0, "disable-legacy=on and disable-modern=on "
			    "leave no interface");
		return false;
	}
	/* 4.1.2.1: modern-only devices take 0x1040 + id and revision 1 */
	pci_set_word(c + PCI_VENDOR_ID, VIRTIO_PCI_VENDOR_ID);
	if (p->legacy) {
		static const uint16_t legacy_ids[] = {
			[VIRTIO_ID_NET] = 0x1000, [VIRTIO_ID_BLOCK] = 0x1001,
			[VIRTIO_ID_BALLOON] = 0x1002, [VIRTIO_ID_CONSOLE] = 0x1003,
			[VIRTIO_ID_RNG] = 0x1005,
		};

		if (id >= ARRAY_SIZE(legacy_ids) || !legacy_ids[id]) {
			g_set_error(errp, KEMU_ERROR, 0, "no legacy interface for this device; "
				    "use disable-legacy=on");
			return false;
		}
		pci_set_word(c + PCI_DEVICE_ID, legacy_ids[id]);
		c[PCI_REVISION_ID] = 0;
	} else {
		pci_set_word(c + PCI_DEVICE_ID, VIRTIO_PCI_MODERN_DEVICE_BASE + id);
		c[PCI_REVISION_ID] = 1;
	}
	pci_set_word(c + PCI_SUBSYSTEM_VENDOR_ID, VIRTIO_PCI_VENDOR_ID);
	pci_set_word(c + PCI_SUBSYSTEM_ID, id);
	c[PCI_INTERRUPT_PIN] = 1;

	p->nvectors = p->vectors_prop == 0xffffffff ? default_vectors : p->vectors_prop;
	if (p->nvectors > PCI_MSIX_MAX_VECTORS) {
		g_set_error(errp, KEMU_ERROR, 0, "vectors=%u: expected at most %u", p->nvectors,
			    PCI_MSIX_MAX_VECTORS);
		return false;
	}
	if (p->legacy) {
		uint64_t size = 32;

		while (size < VIRTIO_PCI_CONFIG_OFF(true) + p->vdev.ops->config_len)
			size <<= 1;
		memory_region_init_io(&p->legacy_io, OBJECT(p), &legacy_ops, p, "virtio-pci-legacy",
				      size);
		pci_register_bar(pci, 0, PCI_BASE_ADDRESS_SPACE_IO, &p->legacy_io);
	}
	if (p->nvectors && !msix_init_exclusive_bar(pci, p->nvectors, 1, errp))
		return false;
	if (p->modern && !virtio_pci_modern_init(p, errp))
		return false;
	return true;
}

void virtio_pci_exit(struct virtio_pci_proxy *p)
{
	for (unsigned i = 0; i < VIRTIO_QUEUE_MAX; i++)
		notifier_release(&p->notifiers[i]);
	if (p->modern && p->modern_bar.name) {
		memory_region_del_subregion(&p->modern_bar, &p->common_mr);
		memory_region_del_subregion(&p->modern_bar, &p->isr_mr);
		memory_region_del_subregion(&p->modern_bar, &p->device_mr);
		memory_region_del_subregion(&p->modern_bar, &p->notify_mr);
		memory_region_destroy(&p->common_mr);
		memory_region_destroy(&p->isr_mr);
		memory_region_destroy(&p->device_mr);
		memory_region_destroy(&p->notify_mr);
		memory_region_destroy(&p->modern_bar);
	}
	if (p->legacy && p->legacy_io.name)
		memory_region_destroy(&p->legacy_io);
	virtio_cleanup(&p->vdev);
}

static void virtio_pci_reset(struct pci_device *pci)
{
	struct virtio_pci_proxy *p = VIRTIO_PCI(pci);

	virtio_pci_set_status(p, 0);
}

/* ---- properties, registration ---- */

static const struct property virtio_pci_props[] = {
	PROP_ON_OFF_AUTO("disable-legacy", struct virtio_pci_proxy, disable_legacy,
			 ON_OFF_AUTO_AUTO),
	PROP_BOOL("disable-modern", struct virtio_pci_proxy, disable_modern, false),
	PROP_U32("vectors", struct virtio_pci_proxy, vectors_prop, 0xffffffff),
	PROP_BOOL("packed", struct virtio_pci_proxy, packed, false),
	PROP_END
};

static void virtio_pci_class_init(struct object_class *klass, const void *data)
{
	struct pci_device_class *k = PCI_DEVICE_CLASS(klass);

	k->vendor_id = VIRTIO_PCI_VENDOR_ID;
	k->reset = virtio_pci_reset;
	k->config_read = virtio_pci_config_read;
	k->config_write = virtio_pci_config_write;
}

DEFINE_DEVICE_TYPE(virtio_pci, TYPE_VIRTIO_PCI, TYPE_PCI_DEVICE, struct virtio_pci_proxy,
		   .abstract = true, .class_init = virtio_pci_class_init,
		   .props = virtio_pci_props, .desc = "virtio PCI transport");

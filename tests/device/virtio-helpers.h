/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A minimal modern virtio-pci driver for device tests (VIRTIO 1.2 section
 * 4.1.5): place a virtio-*-pci at 00:03.0 of the harness's i440FX bus, map
 * BAR4 (and BAR1 for MSI-X), negotiate features, set up split rings in
 * harness RAM, add chains and wait for them to come back.
 *
 *	struct vdrv d;
 *	vdrv_setup(&d, "virtio-rng-pci", NULL);
 *	vdrv_start(&d, VDRV_F_VERSION_1, 1);
 *	vdrv_add(&d, 0, (struct vbuf[]){ { BUF, 64, true } }, 1);
 *	vdrv_kick(&d, 0);
 *	uint32_t len = vdrv_wait_used(&d, 0);
 */
#ifndef TESTS_DEVICE_VIRTIO_HELPERS_H
#define TESTS_DEVICE_VIRTIO_HELPERS_H

#include "pci-helpers.h"
#include "hw/virtio/virtio-pci.h"

#define VDRV_DF		PCI_DEVFN(3, 0)
#define VDRV_BAR4	0xe0000000ULL
#define VDRV_BAR1	0xe1000000ULL
#define VDRV_COMMON	(VDRV_BAR4 + VIRTIO_PCI_COMMON_OFFSET)
#define VDRV_ISR	(VDRV_BAR4 + VIRTIO_PCI_ISR_OFFSET)
#define VDRV_DEVCFG	(VDRV_BAR4 + VIRTIO_PCI_DEVICE_OFFSET)
#define VDRV_NOTIFY	(VDRV_BAR4 + VIRTIO_PCI_NOTIFY_OFFSET)
#define VDRV_QSIZE	16
#define VDRV_RINGS	0x100000	/* queue n's rings at VDRV_RINGS + n * 0x4000 */
#define VDRV_F_VERSION_1 (1ULL << 32)

struct vdrv_queue {
	uint64_t desc, avail, used;
	uint16_t next_desc, avail_idx, used_seen;
};

struct vdrv {
	struct pci_test_machine m;
	struct device *dev;
	struct vdrv_queue q[16];
};

struct vbuf {
	uint64_t addr;
	uint32_t len;
	bool device_writes;
};

static inline uint8_t *vdrv_ram(uint64_t a)
{
	return (uint8_t *)harness_ram() + a;
}

/* Create (with set_props run before realize, may be NULL) and map the device. */
static inline void vdrv_setup(struct vdrv *d, const char *opts, void (*set_props)(struct device *))
{
	memset(d, 0, sizeof(*d));
	pci_test_init(&d->m);
	memset(harness_ram(), 0, 4 * MiB);
	d->dev = harness_device_new(opts);
	if (set_props)
		set_props(d->dev);
	harness_realize(d->dev);
	cfg_writel(VDRV_DF, PCI_BASE_ADDRESS_0 + 4, (uint32_t)VDRV_BAR1);
	cfg_writel(VDRV_DF, PCI_BASE_ADDRESS_0 + 16, (uint32_t)VDRV_BAR4);
	cfg_writel(VDRV_DF, PCI_BASE_ADDRESS_0 + 20, VDRV_BAR4 >> 32);
	cfg_writew(VDRV_DF, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

static inline void vdrv_fini(struct vdrv *d)
{
	pci_test_fini(&d->m);
}

static inline void vdrv_status(uint8_t s)
{
	writeb(VDRV_COMMON + VIRTIO_PCI_COMMON_STATUS, s);
}

/* Reset, negotiate, set up queues 0..nq-1 with VDRV_QSIZE entries, DRIVER_OK. */
static inline void vdrv_start(struct vdrv *d, uint64_t features, unsigned nq)
{
	const uint8_t drv = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;

	vdrv_status(0);
	vdrv_status(drv);
	writel(VDRV_COMMON + VIRTIO_PCI_COMMON_GFSELECT, 0);
	writel(VDRV_COMMON + VIRTIO_PCI_COMMON_GF, (uint32_t)features);
	writel(VDRV_COMMON + VIRTIO_PCI_COMMON_GFSELECT, 1);
	writel(VDRV_COMMON + VIRTIO_PCI_COMMON_GF, features >> 32);
	vdrv_status(drv | VIRTIO_CONFIG_S_FEATURES_OK);
	g_assert_cmphex(readb(VDRV_COMMON + VIRTIO_PCI_COMMON_STATUS), ==,
			drv | VIRTIO_CONFIG_S_FEATURES_OK);
	for (unsigned n = 0; n < nq; n++) {
		struct vdrv_queue *q = &d->q[n];
		uint64_t base = VDRV_RINGS + n * 0x4000ULL;

		memset(q, 0, sizeof(*q));
		q->desc = base;
		q->avail = base + 0x1000;
		q->used = base + 0x2000;
		memset(vdrv_ram(base), 0, 0x4000);
		writew(VDRV_COMMON + VIRTIO_PCI_COMMON_Q_SELECT, n);
		writew(VDRV_COMMON + VIRTIO_PCI_COMMON_Q_SIZE, VDRV_QSIZE);
		writel(VDRV_COMMON + VIRTIO_PCI_COMMON_Q_DESCLO, q->desc);
		writel(VDRV_COMMON + VIRTIO_PCI_COMMON_Q_AVAILLO, q->avail);
		writel(VDRV_COMMON + VIRTIO_PCI_COMMON_Q_USEDLO, q->used);
		writew(VDRV_COMMON + VIRTIO_PCI_COMMON_Q_ENABLE, 1);
	}
	vdrv_status(drv | VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
}

/* Make one chain of n buffers available on queue qn (no kick). */
static inline void vdrv_add(struct vdrv *d, unsigned qn, const struct vbuf *b, unsigned n)
{
	struct vdrv_queue *q = &d->q[qn];
	uint16_t head = q->next_desc;

	for (unsigned i = 0; i < n; i++) {
		uint16_t at = (head + i) % VDRV_QSIZE, next = (head + i + 1) % VDRV_QSIZE;
		uint8_t *e = vdrv_ram(q->desc + 16 * at);

		stq_le_p(e, b[i].addr);
		stl_le_p(e + 8, b[i].len);
		stw_le_p(e + 12, (i + 1 < n ? VRING_DESC_F_NEXT : 0) |
			 (b[i].device_writes ? VRING_DESC_F_WRITE : 0));
		stw_le_p(e + 14, next);
	}
	q->next_desc = (head + n) % VDRV_QSIZE;
	stw_le_p(vdrv_ram(q->avail + 4 + 2 * (q->avail_idx % VDRV_QSIZE)), head);
	q->avail_idx++;
	stw_le_p(vdrv_ram(q->avail + 2), q->avail_idx);
}

static inline void vdrv_kick(struct vdrv *d, unsigned qn)
{
	writew(VDRV_NOTIFY + 4 * qn, qn);
}

/* Chains the device returned on queue qn and the driver has not seen yet. */
static inline unsigned vdrv_used_pending(struct vdrv *d, unsigned qn)
{
	return (uint16_t)(lduw_le_p(vdrv_ram(d->q[qn].used + 2)) - d->q[qn].used_seen);
}

/* Wait (running the main loop, 10 s at most) for the next used entry: its length. */
static inline uint32_t vdrv_wait_used(struct vdrv *d, unsigned qn)
{
	struct vdrv_queue *q = &d->q[qn];
	int64_t deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	uint32_t len;

	while (!vdrv_used_pending(d, qn)) {
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		main_loop_wait(10 * NS_PER_MS);
	}
	len = ldl_le_p(vdrv_ram(q->used + 4 + 8 * (q->used_seen % VDRV_QSIZE) + 4));
	q->used_seen++;
	return len;
}

#endif

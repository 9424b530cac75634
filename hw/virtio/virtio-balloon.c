// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-balloon-pci: the traditional memory balloon (VIRTIO 1.2 section
 * 5.5) with the statistics queue. The host sets a target (num_pages in the
 * configuration, from the `target-pages` property here); the driver inflates
 * by handing 4 KiB page frame numbers back, which kemu releases from the
 * host (MADV_REMOVE on the memfd-backed RAM), and deflates by taking them
 * again (they read as zeroes). With guest-stats-polling-interval=N (seconds,
 * settable at run time) the device asks for fresh statistics every N seconds
 * of guest time; the last ones go to the `-d trace` log. Both properties
 * may change at run time (qom-set): a 1 Hz guest-time watch notices and
 * tells the driver (configuration change) or re-arms the polling.
 * Not here: QMP balloon / query-balloon, free page hinting and reporting,
 * DEFLATE_ON_OOM.
 */
#include "kemu/common.h"
#include "hw/virtio/virtio-pci.h"
#include "system/timer.h"
#include <sys/mman.h>

#define TYPE_VIRTIO_BALLOON_PCI "virtio-balloon-pci"
#define VIRTIO_BALLOON(obj) OBJECT_CHECK(struct virtio_balloon, (obj), TYPE_VIRTIO_BALLOON_PCI)

#define VIRTIO_BALLOON_F_MUST_TELL_HOST	0
#define VIRTIO_BALLOON_F_STATS_VQ	1
#define VIRTIO_BALLOON_PFN_SHIFT	12	/* pages are 4 KiB whatever the guest uses */
#define VIRTIO_BALLOON_S_NR		16	/* statistics tags kemu keeps (5.5.6.3) */
#define BALLOON_STAT_SIZE		10	/* le16 tag, le64 value */
#define BALLOON_CONFIG_LEN		8	/* num_pages, actual */

struct virtio_balloon {
	struct virtio_pci_proxy proxy;
	struct virtqueue *ivq, *dvq, *svq;
	struct virtqueue_element *stats_elem;	/* held until we want new stats */
	struct kemu_timer *stats_timer;
	struct kemu_timer *watch;		/* 1 Hz: property changes at run time */
	uint32_t announced_target;		/* num_pages the driver was told about */
	uint32_t actual;			/* pages the driver says it has given */
	uint64_t stats[VIRTIO_BALLOON_S_NR];
	int64_t stats_last_update_ns;

	/* properties */
	uint32_t target_pages;
	uint32_t stats_interval_s;		/* guest-stats-polling-interval */
};

static void balloon_pages(struct virtio_device *vdev, struct virtqueue *vq, bool inflate)
{
	struct virtqueue_element *e;

	while ((e = virtqueue_pop(vq, sizeof(*e)))) {
		for (uint64_t off = 0; off + 4 <= e->out_len; off += 4) {
			uint8_t b[4];
			uint64_t addr, len = 1ULL << VIRTIO_BALLOON_PFN_SHIFT;
			void *p;

			virtio_iov_to_buf(e->out_sg, e->out_num, off, b, 4);
			addr = (uint64_t)ldl_le_p(b) << VIRTIO_BALLOON_PFN_SHIFT;
			if (!inflate)
				continue;	/* deflate: the page comes back on first touch */
			p = address_space_map(vdev->dma_as, addr, &len, true);
			if (!p || len != 1ULL << VIRTIO_BALLOON_PFN_SHIFT) {
				guest_error("virtio-balloon: page 0x%" PRIx64 " is not guest RAM", addr);
			} else if (!((uintptr_t)p & 4095)) {
				/* memfd RAM: MADV_REMOVE gives the page back to the host */
				madvise(p, len, MADV_REMOVE);
			}
			if (p)
				address_space_unmap(vdev->dma_as, p, len, true);
		}
		virtqueue_push(vq, e, 0);
		g_free(e);
	}
	virtio_notify(vdev, vq);
}

static void balloon_inflate(struct virtio_device *vdev, struct virtqueue *vq)
{
	balloon_pages(vdev, vq, true);
}

static void balloon_deflate(struct virtio_device *vdev, struct virtqueue *vq)
{
	balloon_pages(vdev, vq, false);
}

static void balloon_stats_arm(struct virtio_balloon *s)
{
	if (s->stats_interval_s && s->stats_elem)
		timer_mod_ns(s->stats_timer, clock_get_ns(CLOCK_VIRTUAL) +
			     (int64_t)s->stats_interval_s * NS_PER_SEC);
}

/* 5.5.6.3: the driver answers a returned buffer with a fresh one of stats */
static void balloon_stats(struct virtio_device *vdev, struct virtqueue *vq)
{
	struct virtio_balloon *s = vdev->opaque;
	struct virtqueue_element *e = virtqueue_pop(vq, sizeof(*e));

	if (!e)
		return;
	if (s->stats_elem) {
		virtio_error(vdev, "virtio-balloon: a second statistics buffer");
		g_free(e);
		return;
	}
	for (uint64_t off = 0; off + BALLOON_STAT_SIZE <= e->out_len; off += BALLOON_STAT_SIZE) {
		uint8_t b[BALLOON_STAT_SIZE];
		uint16_t tag;

		virtio_iov_to_buf(e->out_sg, e->out_num, off, b, sizeof(b));
		tag = lduw_le_p(b);
		if (tag < VIRTIO_BALLOON_S_NR)
			s->stats[tag] = ldq_le_p(b + 2);
	}
	s->stats_last_update_ns = clock_get_ns(CLOCK_VIRTUAL);
	log_mask(LOG_TRACE, "virtio-balloon: stats swap-in %" PRIu64 " swap-out %" PRIu64
		 " major-faults %" PRIu64 " free %" PRIu64 " total %" PRIu64 " available %"
		 PRIu64 "\n", s->stats[0], s->stats[1], s->stats[2], s->stats[4], s->stats[5],
		 s->stats[6]);
	s->stats_elem = e;
	balloon_stats_arm(s);
}

static void balloon_stats_poll(void *opaque)
{
	struct virtio_balloon *s = opaque;

	if (!s->stats_elem)
		return;
	if (!s->stats_interval_s)
		return;		/* polling was switched off meanwhile */
	virtqueue_push(s->svq, s->stats_elem, 0);
	g_free(s->stats_elem);
	s->stats_elem = NULL;
	virtio_notify(&s->proxy.vdev, s->svq);
}

static void balloon_watch(void *opaque)
{
	struct virtio_balloon *s = opaque;

	if (s->target_pages != s->announced_target &&
	    (s->proxy.vdev.status & VIRTIO_CONFIG_S_DRIVER_OK)) {
		s->announced_target = s->target_pages;
		virtio_notify_config(&s->proxy.vdev);
	}
	if (s->stats_elem && s->stats_interval_s && !timer_pending(s->stats_timer))
		balloon_stats_arm(s);
	timer_mod_ns(s->watch, clock_get_ns(CLOCK_VIRTUAL) + NS_PER_SEC);
}

static void balloon_get_config(struct virtio_device *vdev, uint8_t *c)
{
	struct virtio_balloon *s = vdev->opaque;

	stl_le_p(c, s->target_pages);
	stl_le_p(c + 4, s->actual);
}

static void balloon_set_config(struct virtio_device *vdev, const uint8_t *c)
{
	struct virtio_balloon *s = vdev->opaque;

	s->actual = ldl_le_p(c + 4);	/* num_pages is the device's */
}

static void balloon_virtio_reset(struct virtio_device *vdev)
{
	struct virtio_balloon *s = vdev->opaque;

	g_clear_pointer(&s->stats_elem, g_free);
	timer_del(s->stats_timer);
	s->actual = 0;
	s->announced_target = s->target_pages;	/* read with the configuration */
}

static const struct virtio_device_ops balloon_ops = {
	.device_id = VIRTIO_ID_BALLOON,
	.config_len = BALLOON_CONFIG_LEN,
	.get_config = balloon_get_config,
	.set_config = balloon_set_config,
	.reset = balloon_virtio_reset,
};

static bool balloon_realize(struct pci_device *pci, GError **errp)
{
	struct virtio_balloon *s = VIRTIO_BALLOON(pci);
	struct virtio_device *vdev = &s->proxy.vdev;

	virtio_pci_init_device(&s->proxy, &balloon_ops, s,
			       (1ULL << VIRTIO_BALLOON_F_STATS_VQ) |
			       (1ULL << VIRTIO_BALLOON_F_MUST_TELL_HOST));
	s->ivq = virtio_add_queue(vdev, 128, balloon_inflate);
	s->dvq = virtio_add_queue(vdev, 128, balloon_deflate);
	s->svq = virtio_add_queue(vdev, 128, balloon_stats);
	s->stats_timer = timer_new_ns(CLOCK_VIRTUAL, balloon_stats_poll, s);
	s->watch = timer_new_ns(CLOCK_VIRTUAL, balloon_watch, s);
	if (!virtio_pci_realize(&s->proxy, 2, errp)) {
		timer_free(s->stats_timer);
		timer_free(s->watch);
		virtio_pci_exit(&s->proxy);
		return false;
	}
	timer_mod_ns(s->watch, clock_get_ns(CLOCK_VIRTUAL) + NS_PER_SEC);
	return true;
}

static void balloon_exit(struct pci_device *pci)
{
	struct virtio_balloon *s = VIRTIO_BALLOON(pci);

	g_clear_pointer(&s->stats_elem, g_free);
	timer_free(s->stats_timer);
	timer_free(s->watch);
	virtio_pci_exit(&s->proxy);
}

static const struct vmstate_field balloon_fields[] = {
	VMSTATE_VIRTIO_PCI(struct virtio_balloon, proxy),
	VMSTATE_U32(struct virtio_balloon, actual),
	VMSTATE_U32(struct virtio_balloon, target_pages),
	VMSTATE_U32(struct virtio_balloon, announced_target),
	VMSTATE_TIMER(struct virtio_balloon, stats_timer),
	VMSTATE_TIMER(struct virtio_balloon, watch),
	VMSTATE_END
};

static const struct property balloon_props[] = {
	{ .name = "target-pages", .type = PROP_TYPE_U32,
	  .offset = offsetof(struct virtio_balloon, target_pages), .flags = PROP_F_RUNTIME },
	{ .name = "guest-stats-polling-interval", .type = PROP_TYPE_U32,
	  .offset = offsetof(struct virtio_balloon, stats_interval_s), .flags = PROP_F_RUNTIME },
	PROP_END
};

static void balloon_class_init(struct object_class *klass, const void *data)
{
	struct pci_device_class *k = PCI_DEVICE_CLASS(klass);

	k->realize = balloon_realize;
	k->exit = balloon_exit;
	k->class_id = PCI_CLASS_OTHERS;
}

DEFINE_DEVICE_TYPE(virtio_balloon, TYPE_VIRTIO_BALLOON_PCI, TYPE_VIRTIO_PCI,
		   struct virtio_balloon, .class_init = balloon_class_init,
		   .props = balloon_props, .vmstate = balloon_fields, .vmstate_version = 1,
		   .category = "misc", .desc = "virtio memory balloon (PCI)");

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-rng-pci: an entropy source (VIRTIO 1.2 section 5.4). The driver
 * queues device-writable buffers; the device fills them from the host's
 * getrandom(2) (the same pool as /dev/urandom, never blocking once the
 * host's pool is initialised). QEMU's rate limit: at most max-bytes bytes
 * per period milliseconds of guest time; buffers wait for the next period
 * beyond that. Not here: -object rng-random/rng-egd backends.
 */
#include "kemu/common.h"
#include "hw/virtio/virtio-pci.h"
#include "system/timer.h"
#include <sys/random.h>

#define TYPE_VIRTIO_RNG_PCI "virtio-rng-pci"
#define VIRTIO_RNG(obj) OBJECT_CHECK(struct virtio_rng, (obj), TYPE_VIRTIO_RNG_PCI)

struct virtio_rng {
	struct virtio_pci_proxy proxy;
	struct virtqueue *vq;
	uint64_t quota;			/* bytes left in this period */
	struct kemu_timer *refill;	/* end of the period */

	/* properties */
	uint64_t max_bytes;
	uint32_t period_ms;
};

static void rng_fill(struct virtio_rng *s)
{
	struct virtio_device *vdev = &s->proxy.vdev;
	struct virtqueue_element *e;
	bool pushed = false;

	while (s->quota && (e = virtqueue_pop(s->vq, sizeof(*e)))) {
		uint64_t want = MIN(e->in_len, s->quota), done = 0;

		for (unsigned i = 0; i < e->in_num && done < want; i++) {
			size_t l = MIN(e->in_sg[i].iov_len, want - done);
			ssize_t r = getrandom(e->in_sg[i].iov_base, l, GRND_NONBLOCK);

			if (r <= 0)
				break;
			done += r;
			if ((size_t)r < l)
				break;
		}
		s->quota -= done;
		virtqueue_push(s->vq, e, done);
		g_free(e);
		pushed = true;
		if (!done)
			break;	/* the host pool is not ready yet: try at the next kick */
	}
	if (pushed)
		virtio_notify(vdev, s->vq);
	/* out of quota with requests waiting: the timer refills and retries */
	if (!s->quota && !timer_pending(s->refill))
		timer_mod_ns(s->refill, clock_get_ns(CLOCK_VIRTUAL) +
			     (int64_t)s->period_ms * NS_PER_MS);
}

static void rng_refill(void *opaque)
{
	struct virtio_rng *s = opaque;

	s->quota = s->max_bytes;
	rng_fill(s);
}

static void rng_handle_request(struct virtio_device *vdev, struct virtqueue *vq)
{
	rng_fill(vdev->opaque);
}

static void rng_virtio_reset(struct virtio_device *vdev)
{
	struct virtio_rng *s = vdev->opaque;

	s->quota = s->max_bytes;
	timer_del(s->refill);
}

static const struct virtio_device_ops rng_ops = {
	.device_id = VIRTIO_ID_RNG,
	.config_len = 0,	/* 5.4.4: no configuration */
	.reset = rng_virtio_reset,
};

static bool rng_realize(struct pci_device *pci, GError **errp)
{
	struct virtio_rng *s = VIRTIO_RNG(pci);

	if (!s->period_ms) {
		g_set_error(errp, KEMU_ERROR, 0, "period=0: expected a period in "
			    "milliseconds above 0");
		return false;
	}
	if (!s->max_bytes) {
		g_set_error(errp, KEMU_ERROR, 0, "max-bytes=0: expected at least 1");
		return false;
	}
	virtio_pci_init_device(&s->proxy, &rng_ops, s, (1ULL << VIRTIO_F_INDIRECT_DESC) |
			       (1ULL << VIRTIO_F_EVENT_IDX) |
			       (s->proxy.packed ? 1ULL << VIRTIO_F_RING_PACKED : 0));
	s->vq = virtio_add_queue(&s->proxy.vdev, 8, rng_handle_request);
	s->refill = timer_new_ns(CLOCK_VIRTUAL, rng_refill, s);
	s->quota = s->max_bytes;
	if (!virtio_pci_realize(&s->proxy, 2, errp)) {
		timer_free(s->refill);
		virtio_pci_exit(&s->proxy);
		return false;
	}
	return true;
}

static void rng_exit(struct pci_device *pci)
{
	struct virtio_rng *s = VIRTIO_RNG(pci);

	timer_free(s->refill);
	virtio_pci_exit(&s->proxy);
}

static const struct vmstate_field rng_fields[] = {
	VMSTATE_VIRTIO_PCI(struct virtio_rng, proxy),
	VMSTATE_U64(struct virtio_rng, quota),
	VMSTATE_TIMER(struct virtio_rng, refill),
	VMSTATE_END
};

static const struct property rng_props[] = {
	PROP_U64("max-bytes", struct virtio_rng, max_bytes, INT64_MAX),
	PROP_U32("period", struct virtio_rng, period_ms, 1 << 16),
	PROP_END
};

static void rng_class_init(struct object_class *klass, const void *data)
{
	struct pci_device_class *k = PCI_DEVICE_CLASS(klass);

	k->realize = rng_realize;
	k->exit = rng_exit;
	k->class_id = PCI_CLASS_OTHERS;
}

DEFINE_DEVICE_TYPE(virtio_rng, TYPE_VIRTIO_RNG_PCI, TYPE_VIRTIO_PCI, struct virtio_rng,
		   .class_init = rng_class_init, .props = rng_props, .vmstate = rng_fields,
		   .vmstate_version = 1, .category = "misc",
		   .desc = "virtio entropy source (PCI)");

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The virtio device core: status, feature negotiation, configuration space
 * and virtqueues (split and packed) with every descriptor chain validated.
 * Section numbers are those of the Virtual I/O Device (VIRTIO) Version 1.2
 * specification. The API and its rules are in include/hw/virtio/virtio.h;
 * the PCI registers are in virtio-pci.c.
 */
#include "kemu/common.h"
#include "hw/virtio/virtio.h"

/* Split ring layout (2.7.5, 2.7.6, 2.7.8) */
#define VRING_DESC_SIZE		16
#define VRING_AVAIL_RING	4	/* flags, idx, then ring[num], used_event */
#define VRING_USED_RING		4	/* flags, idx, then {id, len}[num], avail_event */
#define VRING_USED_ELEM_SIZE	8

/* Where a chain's descriptors come from while it is walked. */
struct desc_walk {
	struct virtio_device *vdev;
	struct iovec *out, *in;
	unsigned out_num, in_num;
	uint64_t out_len, in_len;
};

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;			/* split: next; packed: buffer id */
};

static void vq_fence(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* ---- guest memory accesses of the rings ---- */

static bool vring_read(struct virtio_device *vdev, uint64_t addr, void *buf, unsigned len)
{
	if (dma_memory_read(vdev->dma_as, addr, buf, len) != MEMTX_OK) {
		virtio_error(vdev, "ring at 0x%" PRIx64 " is not in guest RAM", addr);
		memset(buf, 0, len);
		return false;
	}
	return true;
}

static bool vring_read16(struct virtio_device *vdev, uint64_t addr, uint16_t *v)
{
	uint8_t b[2];
	bool ok = vring_read(vdev, addr, b, 2);

	*v = lduw_le_p(b);
	return ok;
}

static void vring_write(struct virtio_device *vdev, uint64_t addr, const void *buf,
			unsigned len)
{
	if (dma_memory_write(vdev->dma_as, addr, buf, len) != MEMTX_OK)
		virtio_error(vdev, "ring at 0x%" PRIx64 " is not in guest RAM", addr);
}

static void vring_write16(struct virtio_device *vdev, uint64_t addr, uint16_t v)
{
	uint8_t b[2];

	stw_le_p(b, v);
	vring_write(vdev, addr, b, 2);
}

static bool vring_read_desc(struct virtio_device *vdev, uint64_t table, unsigned i,
			    struct vring_desc *d)
{
	uint8_t b[VRING_DESC_SIZE];

	if (!vring_read(vdev, table + (uint64_t)i * VRING_DESC_SIZE, b, sizeof(b)))
		return false;
	d->addr = ldq_le_p(b);
	d->len = ldl_le_p(b + 8);
	/* split: flags at 12, next at 14; packed: id at 12, flags at 14 (2.8.13) */
	d->flags = lduw_le_p(b + 12);
	d->next = lduw_le_p(b + 14);
	return true;
}

static bool vq_packed(struct virtqueue *vq)
{
	return virtio_has_feature(vq->vdev, VIRTIO_F_RING_PACKED);
}

/* ---- errors ---- */

void virtio_error(struct virtio_device *vdev, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	guest_error("virtio (device id %u): %s; device needs reset", vdev->ops->device_id, msg);
	if (vdev->broken)
		return;
	vdev->broken = true;
	/* 2.1.2: DEVICE_NEEDS_RESET plus a configuration change notification */
	if (!vdev->legacy && virtio_has_feature(vdev, VIRTIO_F_VERSION_1)) {
		vdev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
		virtio_notify_config(vdev);
	}
}

/* ---- iovec helpers ---- */

size_t virtio_iov_size(const struct iovec *iov, unsigned n)
{
	size_t len = 0;

	for (unsigned i = 0; i < n; i++)
		len += iov[i].iov_len;
	return len;
}

size_t virtio_iov_to_buf(const struct iovec *iov, unsigned n, size_t offset, void *buf, size_t len)
{
	size_t done = 0;

	for (unsigned i = 0; i < n && done < len; i++) {
		size_t l;

		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		l = MIN(iov[i].iov_len - offset, len - done);
		memcpy((uint8_t *)buf + done, (uint8_t *)iov[i].iov_base + offset, l);
		done += l;
		offset = 0;
	}
	return done;
}

size_t virtio_iov_from_buf(const struct iovec *iov, unsigned n, size_t offset, const void *buf,
		    size_t len)
{
	size_t done = 0;

	for (unsigned i = 0; i < n && done < len; i++) {
		size_t l;

		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		l = MIN(iov[i].iov_len - offset, len - done);
		memcpy((uint8_t *)iov[i].iov_base + offset, (const uint8_t *)buf + done, l);
		done += l;
		offset = 0;
	}
	return done;
}

/* ---- descriptor chains ---- */

static void walk_unmap(struct desc_walk *w)
{
	for (unsigned i = 0; i < w->out_num; i++)
		address_space_unmap(w->vdev->dma_as, w->out[i].iov_base, w->out[i].iov_len, false);
	for (unsigned i = 0; i < w->in_num; i++)
		address_space_unmap(w->vdev->dma_as, w->in[i].iov_base, w->in[i].iov_len, true);
}

/* Map one buffer descriptor; false (and the device broken) on any bad value. */
static bool walk_map(struct desc_walk *w, const struct vring_desc *d)
{
	bool is_write = d->flags & VRING_DESC_F_WRITE;
	uint64_t addr = d->addr, left = d->len;
	uint64_t *total = is_write ? &w->in_len : &w->out_len;

	if (!d->len) {
		virtio_error(w->vdev, "zero-length descriptor");
		return false;
	}
	/* 2.7.4.2: device-readable descriptors come before device-writable ones */
	if (!is_write && w->in_num) {
		virtio_error(w->vdev, "device-readable descriptor after a device-writable one");
		return false;
	}
	if (addr + left < addr) {
		virtio_error(w->vdev, "descriptor 0x%" PRIx64 "+0x%x wraps around", addr, d->len);
		return false;
	}
	*total += left;
	if (*total > UINT32_MAX) {
		virtio_error(w->vdev, "chain length exceeds 4 GiB");
		return false;
	}
	while (left) {
		uint64_t l = left;
		void *p = address_space_map(w->vdev->dma_as, addr, &l, is_write);
		unsigned *num = is_write ? &w->in_num : &w->out_num;
		struct iovec *iov = is_write ? w->in : w->out;

		if (!p || !l) {
			if (p)
				address_space_unmap(w->vdev->dma_as, p, 0, is_write);
			virtio_error(w->vdev, "buffer 0x%" PRIx64 "+0x%x is not in guest RAM",
				     d->addr, d->len);
			return false;
		}
		if (*num >= VIRTQUEUE_MAX_IOV) {
			address_space_unmap(w->vdev->dma_as, p, l, is_write);
			virtio_error(w->vdev, "chain needs more than %u buffers", VIRTQUEUE_MAX_IOV);
			return false;
		}
		iov[*num].iov_base = p;
		iov[*num].iov_len = l;
		(*num)++;
		addr += l;
		left -= l;
	}
	return true;
}

/* An indirect table (2.7.5.3, 2.8.19): checked, then walked as its own chain. */
static bool walk_indirect(struct desc_walk *w, const struct vring_desc *ind, bool packed)
{
	struct virtio_device *vdev = w->vdev;
	unsigned max = ind->len / VRING_DESC_SIZE, i = 0, count = 0;
	struct vring_desc d;

	if (!virtio_has_feature(vdev, VIRTIO_F_INDIRECT_DESC)) {
		virtio_error(vdev, "indirect descriptor without VIRTIO_F_INDIRECT_DESC");
		return false;
	}
	if (ind->flags & VRING_DESC_F_NEXT && !packed) {
		/* 2.7.5.3.1: the driver must not set both INDIRECT and NEXT */
		virtio_error(vdev, "indirect descriptor with NEXT set");
		return false;
	}
	if (!ind->len || ind->len % VRING_DESC_SIZE || max > VIRTQUEUE_MAX_SIZE) {
		virtio_error(vdev, "indirect table of %u bytes", ind->len);
		return false;
	}
	for (;;) {
		if (!vring_read_desc(vdev, ind->addr, i, &d))
			return false;
		if (packed)
			d.flags = d.next;	/* packed layout: flags in the last word */
		if (d.flags & VRING_DESC_F_INDIRECT) {
			virtio_error(vdev, "indirect descriptor inside an indirect table");
			return false;
		}
		if (!walk_map(w, &d))
			return false;
		count++;
		if (packed) {
			/* packed tables are used to their end, NEXT is ignored (2.8.19) */
			if (count >= max)
				return true;
			i++;
			continue;
		}
		if (!(d.flags & VRING_DESC_F_NEXT))
			return true;
		if (count >= max) {
			virtio_error(vdev, "indirect chain loops");
			return false;
		}
		i = d.next;
		if (i >= max) {
			virtio_error(vdev, "indirect next index %u beyond table of %u", i, max);
			return false;
		}
	}
}

static void *element_new(struct desc_walk *w, size_t size)
{
	size_t base = ALIGN_UP(MAX(size, sizeof(struct virtqueue_element)), 16);
	size_t niov = w->out_num + w->in_num;
	struct virtqueue_element *elem = g_malloc0(base + niov * sizeof(struct iovec));

	elem->out_sg = (struct iovec *)((uint8_t *)elem + base);
	elem->in_sg = elem->out_sg + w->out_num;
	elem->out_num = w->out_num;
	elem->in_num = w->in_num;
	elem->out_len = w->out_len;
	elem->in_len = w->in_len;
	memcpy(elem->out_sg, w->out, w->out_num * sizeof(struct iovec));
	memcpy(elem->in_sg, w->in, w->in_num * sizeof(struct iovec));
	return elem;
}

static void walk_init(struct desc_walk *w, struct virtio_device *vdev)
{
	memset(w, 0, sizeof(*w));
	w->vdev = vdev;
	w->out = vdev->scratch_iov;
	w->in = vdev->scratch_iov + VIRTQUEUE_MAX_IOV;
}

/* ---- split rings (2.7) ---- */

static bool split_avail_idx(struct virtqueue *vq, uint16_t *idx)
{
	return vring_read16(vq->vdev, vq->st->driver + 2, idx);
}

static bool split_empty(struct virtqueue *vq)
{
	uint16_t idx;

	if (!split_avail_idx(vq, &idx))
		return true;
	return idx == vq->st->last_avail_idx;
}

static void *split_pop(struct virtqueue *vq, size_t size)
{
	struct virtio_device *vdev = vq->vdev;
	struct virtqueue_state *st = vq->st;
	struct virtqueue_element *elem;
	struct vring_desc d;
	struct desc_walk w;
	uint16_t avail_idx, head;
	unsigned i, count = 0;

	if (!split_avail_idx(vq, &avail_idx) || avail_idx == st->last_avail_idx)
		return NULL;
	if ((uint16_t)(avail_idx - st->last_avail_idx) > st->num) {
		virtio_error(vdev, "queue %u: available index %u ran %u ahead of %u (size %u)",
			     vq->index, avail_idx, (uint16_t)(avail_idx - st->last_avail_idx),
			     st->last_avail_idx, st->num);
		return NULL;
	}
	vq_fence();	/* read the ring entry after the index (2.7.13.3) */
	if (!vring_read16(vdev, st->driver + VRING_AVAIL_RING +
			  2 * (st->last_avail_idx % st->num), &head))
		return NULL;
	if (head >= st->num) {
		virtio_error(vdev, "queue %u: head index %u beyond queue size %u", vq->index, head,
			     st->num);
		return NULL;
	}
	walk_init(&w, vdev);
	for (i = head;;) {
		if (!vring_read_desc(vdev, st->desc, i, &d))
			goto fail;
		if (d.flags & VRING_DESC_F_INDIRECT) {
			if (!walk_indirect(&w, &d, false))
				goto fail;
			break;
		}
		if (!walk_map(&w, &d))
			goto fail;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		if (++count >= st->num) {
			virtio_error(vdev, "queue %u: descriptor chain loops", vq->index);
			goto fail;
		}
		i = d.next;
		if (i >= st->num) {
			virtio_error(vdev, "queue %u: next index %u beyond queue size %u", vq->index,
				     i, st->num);
			goto fail;
		}
	}
	st->last_avail_idx++;
	/* 2.7.10: with notifications on, ask for a kick at the next new buffer */
	if (virtio_has_feature(vdev, VIRTIO_F_EVENT_IDX) && vq->notification)
		vring_write16(vdev, st->device + VRING_USED_RING + st->num * VRING_USED_ELEM_SIZE,
			      st->last_avail_idx);
	elem = element_new(&w, size);
	elem->index = head;
	elem->ndescs = 1;
	return elem;
fail:
	walk_unmap(&w);
	return NULL;
}

static void split_push(struct virtqueue *vq, struct virtqueue_element *elem, uint32_t len)
{
	struct virtqueue_state *st = vq->st;
	uint8_t e[VRING_USED_ELEM_SIZE];

	stl_le_p(e, elem->index);
	stl_le_p(e + 4, len);
	vring_write(vq->vdev, st->device + VRING_USED_RING +
		    (uint64_t)(st->used_idx % st->num) * VRING_USED_ELEM_SIZE, e, sizeof(e));
	vq_fence();	/* the element before the index (2.7.8.2) */
	st->used_idx++;
	vring_write16(vq->vdev, st->device + 2, st->used_idx);
}

static bool vring_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old)
{
	/* 2.7.10: notify when event_idx is in [old, new) */
	return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old);
}

static bool split_should_notify(struct virtqueue *vq)
{
	struct virtqueue_state *st = vq->st;
	uint16_t flags, used_event, old;
	bool valid;

	vq_fence();
	if (!virtio_has_feature(vq->vdev, VIRTIO_F_EVENT_IDX)) {
		vring_read16(vq->vdev, st->driver, &flags);
		return !(flags & VRING_AVAIL_F_NO_INTERRUPT);
	}
	old = st->signalled_used;
	valid = st->signalled_used_valid;
	st->signalled_used = st->used_idx;
	st->signalled_used_valid = 1;
	if (!vring_read16(vq->vdev, st->driver + VRING_AVAIL_RING + 2 * st->num, &used_event))
		return false;
	return !valid || vring_need_event(used_event, st->used_idx, old);
}

static void split_set_notification(struct virtqueue *vq, bool enable)
{
	struct virtqueue_state *st = vq->st;
	uint16_t flags, avail_idx;

	if (virtio_has_feature(vq->vdev, VIRTIO_F_EVENT_IDX)) {
		if (enable && split_avail_idx(vq, &avail_idx))
			vring_write16(vq->vdev, st->device + VRING_USED_RING +
				      st->num * VRING_USED_ELEM_SIZE, avail_idx);
	} else {
		vring_read16(vq->vdev, st->device, &flags);
		flags = enable ? flags & ~VRING_USED_F_NO_NOTIFY : flags | VRING_USED_F_NO_NOTIFY;
		vring_write16(vq->vdev, st->device, flags);
	}
	vq_fence();	/* publish before the caller looks at the ring again */
}

/* ---- packed rings (2.8) ---- */

static bool packed_desc_avail(uint16_t flags, bool wrap)
{
	bool avail = flags & (1u << VRING_PACKED_DESC_F_AVAIL);
	bool used = flags & (1u << VRING_PACKED_DESC_F_USED);

	return avail == wrap && used != wrap;	/* 2.8.1 */
}

static bool packed_empty(struct virtqueue *vq)
{
	struct vring_desc d;

	if (!vring_read_desc(vq->vdev, vq->st->desc, vq->st->last_avail_idx, &d))
		return true;
	return !packed_desc_avail(d.next, vq->st->last_avail_wrap);
}

static void *packed_pop(struct virtqueue *vq, size_t size)
{
	struct virtio_device *vdev = vq->vdev;
	struct virtqueue_state *st = vq->st;
	struct virtqueue_element *elem;
	struct vring_desc d;
	struct desc_walk w;
	unsigned i = st->last_avail_idx, ndescs = 0;
	bool wrap = st->last_avail_wrap;
	uint16_t id;

	if (!vring_read_desc(vdev, st->desc, i, &d))
		return NULL;
	/* packed layout: d.flags holds the buffer id, d.next the flags */
	if (!packed_desc_avail(d.next, wrap))
		return NULL;
	vq_fence();	/* the rest of the descriptor after its flags (2.8.21.3) */
	walk_init(&w, vdev);
	for (;;) {
		uint16_t flags;

		if (!vring_read_desc(vdev, st->desc, i, &d))
			goto fail;
		flags = d.next;
		id = d.flags;
		d.flags = flags;
		ndescs++;
		if (flags & VRING_DESC_F_INDIRECT) {
			if (!walk_indirect(&w, &d, true))
				goto fail;
		} else if (!walk_map(&w, &d)) {
			goto fail;
		}
		if (++i >= st->num) {
			i = 0;
			wrap = !wrap;
		}
		if (!(flags & VRING_DESC_F_NEXT) || (flags & VRING_DESC_F_INDIRECT))
			break;
		if (ndescs >= st->num) {
			virtio_error(vdev, "queue %u: descriptor chain longer than the ring",
				     vq->index);
			goto fail;
		}
	}
	st->last_avail_idx = i;
	st->last_avail_wrap = wrap;
	elem = element_new(&w, size);
	elem->index = id;	/* the buffer id is in the chain's last descriptor */
	elem->ndescs = ndescs;
	return elem;
fail:
	walk_unmap(&w);
	return NULL;
}

static void packed_push(struct virtqueue *vq, struct virtqueue_element *elem, uint32_t len)
{
	struct virtqueue_state *st = vq->st;
	uint64_t at = st->desc + (uint64_t)st->used_idx * VRING_DESC_SIZE;
	uint16_t flags = 0;
	uint8_t b[8];

	stl_le_p(b, len);
	stw_le_p(b + 4, elem->index);
	vring_write(vq->vdev, at + 8, b, 6);	/* len, id */
	if (st->used_wrap)
		flags = (1u << VRING_PACKED_DESC_F_AVAIL) | (1u << VRING_PACKED_DESC_F_USED);
	vq_fence();	/* flags last: they hand the slot back (2.8.21.2) */
	vring_write16(vq->vdev, at + 14, flags);
	st->used_idx += elem->ndescs;
	if (st->used_idx >= st->num) {
		st->used_idx -= st->num;
		st->used_wrap = !st->used_wrap;
	}
}

static bool packed_should_notify(struct virtqueue *vq)
{
	struct virtqueue_state *st = vq->st;
	uint16_t flags, off_wrap, old = st->signalled_used, new_idx = st->used_idx;
	bool valid = st->signalled_used_valid, old_wrap = st->signalled_used_wrap;
	int event;

	vq_fence();
	st->signalled_used = new_idx;
	st->signalled_used_wrap = st->used_wrap;
	st->signalled_used_valid = 1;
	if (!vring_read16(vq->vdev, st->driver + 2, &flags) ||
	    !vring_read16(vq->vdev, st->driver, &off_wrap))
		return false;
	if (flags == VRING_PACKED_EVENT_FLAG_DISABLE)
		return false;
	if (flags != VRING_PACKED_EVENT_FLAG_DESC || !valid)
		return true;
	/* 2.8.10: compare on one unwrapped scale, the old position as the base */
	event = off_wrap & 0x7fff;
	if ((off_wrap >> 15) != st->used_wrap)
		event -= st->num;
	if (old_wrap != st->used_wrap)
		old -= st->num;
	return vring_need_event(event, new_idx, old);
}

static void packed_set_notification(struct virtqueue *vq, bool enable)
{
	struct virtqueue_state *st = vq->st;
	uint8_t b[4];

	if (!enable) {
		stw_le_p(b, 0);
		stw_le_p(b + 2, VRING_PACKED_EVENT_FLAG_DISABLE);
	} else if (virtio_has_feature(vq->vdev, VIRTIO_F_EVENT_IDX)) {
		stw_le_p(b, st->last_avail_idx | (st->last_avail_wrap << 15));
		stw_le_p(b + 2, VRING_PACKED_EVENT_FLAG_DESC);
	} else {
		stw_le_p(b, 0);
		stw_le_p(b + 2, VRING_PACKED_EVENT_FLAG_ENABLE);
	}
	vring_write(vq->vdev, st->device, b, 4);
	vq_fence();
}

/* ---- the element API ---- */

bool virtqueue_ready(struct virtqueue *vq)
{
	const struct virtqueue_state *st = vq->st;

	return !vq->vdev->broken && st->num && st->desc && st->enabled;
}

bool virtqueue_empty(struct virtqueue *vq)
{
	if (!virtqueue_ready(vq))
		return true;
	return vq_packed(vq) ? packed_empty(vq) : split_empty(vq);
}

void *virtqueue_pop(struct virtqueue *vq, size_t size)
{
	struct virtqueue_element *elem;

	if (!virtqueue_ready(vq))
		return NULL;
	if (vq->st->inuse >= vq->st->num) {
		virtio_error(vq->vdev, "queue %u: more buffers in use than the queue holds",
			     vq->index);
		return NULL;
	}
	elem = vq_packed(vq) ? packed_pop(vq, size) : split_pop(vq, size);
	if (elem)
		vq->st->inuse++;
	return elem;
}

static void element_unmap(struct virtio_device *vdev, struct virtqueue_element *elem,
			  uint32_t len)
{
	for (unsigned i = 0; i < elem->out_num; i++)
		address_space_unmap(vdev->dma_as, elem->out_sg[i].iov_base,
				    elem->out_sg[i].iov_len, false);
	for (unsigned i = 0; i < elem->in_num; i++) {
		size_t l = MIN(len, elem->in_sg[i].iov_len);

		address_space_unmap(vdev->dma_as, elem->in_sg[i].iov_base, l, true);
		len -= l;
	}
}

void virtqueue_push(struct virtqueue *vq, struct virtqueue_element *elem, uint32_t len)
{
	if (len > elem->in_len)
		len = elem->in_len;
	element_unmap(vq->vdev, elem, len);
	if (!vq->st->num || vq->vdev->broken)
		return;
	if (vq->st->inuse)
		vq->st->inuse--;
	if (vq_packed(vq))
		packed_push(vq, elem, len);
	else
		split_push(vq, elem, len);
}

void virtqueue_unpop(struct virtqueue *vq, struct virtqueue_element *elem)
{
	struct virtqueue_state *st = vq->st;

	element_unmap(vq->vdev, elem, 0);
	if (st->inuse)
		st->inuse--;
	if (!vq_packed(vq)) {
		st->last_avail_idx--;
		return;
	}
	if (st->last_avail_idx < elem->ndescs) {
		st->last_avail_idx += st->num;
		st->last_avail_wrap = !st->last_avail_wrap;
	}
	st->last_avail_idx -= elem->ndescs;
}

void virtio_queue_set_notification(struct virtqueue *vq, bool enable)
{
	vq->notification = enable;
	if (!virtqueue_ready(vq))
		return;
	if (vq_packed(vq))
		packed_set_notification(vq, enable);
	else
		split_set_notification(vq, enable);
}

void virtio_notify(struct virtio_device *vdev, struct virtqueue *vq)
{
	if (!vq->st->num || vdev->broken)
		return;
	if (!(vq_packed(vq) ? packed_should_notify(vq) : split_should_notify(vq)))
		return;
	vdev->isr |= 1;
	if (vdev->notify)
		vdev->notify(vdev->transport, vq->st->vector);
}

void virtio_notify_config(struct virtio_device *vdev)
{
	if (!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK))
		return;
	vdev->config_generation++;
	vdev->isr |= 2;
	if (vdev->notify)
		vdev->notify(vdev->transport, vdev->config_vector);
}

/* ---- device life cycle ---- */

void virtio_init(struct virtio_device *vdev, const struct virtio_device_ops *ops,
		 void *opaque, uint64_t host_features)
{
	memset(vdev, 0, sizeof(*vdev));
	vdev->ops = ops;
	vdev->opaque = opaque;
	vdev->host_features = host_features;
	vdev->config = g_malloc0(MAX(ops->config_len, 1));
	vdev->scratch_iov = g_new(struct iovec, 2 * VIRTQUEUE_MAX_IOV);
	vdev->config_vector = VIRTIO_NO_VECTOR;
	for (unsigned i = 0; i < VIRTIO_QUEUE_MAX; i++) {
		vdev->vq[i].vdev = vdev;
		vdev->vq[i].index = i;
		vdev->vq[i].st = &vdev->vq_state[i];
		vdev->vq[i].notification = true;
		vdev->vq_state[i].vector = VIRTIO_NO_VECTOR;
	}
}

void virtio_cleanup(struct virtio_device *vdev)
{
	g_clear_pointer(&vdev->config, g_free);
	g_clear_pointer(&vdev->scratch_iov, g_free);
}

struct virtqueue *virtio_add_queue(struct virtio_device *vdev, unsigned size,
				   virtqueue_handler handler)
{
	struct virtqueue *vq;

	g_assert(vdev->num_queues < VIRTIO_QUEUE_MAX);
	g_assert(size && size <= VIRTQUEUE_MAX_SIZE && !(size & (size - 1)));
	vq = &vdev->vq[vdev->num_queues++];
	vq->handle_output = handler;
	vq->st->num_max = size;
	vq->st->num = size;
	return vq;
}

void virtio_reset(struct virtio_device *vdev)
{
	if (vdev->ops->reset)
		vdev->ops->reset(vdev);
	vdev->status = 0;
	vdev->isr = 0;
	vdev->broken = 0;
	vdev->legacy = false;
	vdev->guest_features = 0;
	vdev->driver_features = 0;
	vdev->config_vector = VIRTIO_NO_VECTOR;
	for (unsigned i = 0; i < VIRTIO_QUEUE_MAX; i++) {
		struct virtqueue_state *st = &vdev->vq_state[i];
		uint16_t num_max = st->num_max;

		memset(st, 0, sizeof(*st));
		st->num_max = num_max;
		st->num = num_max;
		st->vector = VIRTIO_NO_VECTOR;
		/* 2.8.1: both wrap counters start at 1 */
		st->last_avail_wrap = 1;
		st->used_wrap = 1;
		vdev->vq[i].notification = true;
	}
}

void virtio_set_status(struct virtio_device *vdev, uint8_t status)
{
	if (status == 0) {
		virtio_reset(vdev);
		return;
	}
	if ((status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(vdev->status & VIRTIO_CONFIG_S_FEATURES_OK)) {
		uint64_t f = vdev->driver_features;

		/* 3.1.1: the device leaves FEATURES_OK clear when it cannot accept them */
		if (f & ~vdev->host_features) {
			guest_error("virtio (device id %u): driver features 0x%" PRIx64
				    " not offered (0x%" PRIx64 ")", vdev->ops->device_id, f,
				    vdev->host_features);
			status &= ~VIRTIO_CONFIG_S_FEATURES_OK;
		} else {
			vdev->guest_features = f;
			if (vdev->ops->set_features)
				vdev->ops->set_features(vdev, f);
		}
	}
	/* NEEDS_RESET is the device's to set; the driver cannot clear it either */
	status &= ~VIRTIO_CONFIG_S_NEEDS_RESET;
	status |= vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET;
	vdev->status = status;
	if (vdev->ops->set_status)
		vdev->ops->set_status(vdev, status);
}

void virtio_legacy_set_features(struct virtio_device *vdev, uint32_t features)
{
	/* legacy drivers have no FEATURES_OK: what they write takes effect (and
	 * what was not offered is dropped, as legacy devices did) */
	vdev->legacy = true;
	vdev->driver_features = features;
	vdev->guest_features = features & vdev->host_features;
	if (vdev->ops->set_features)
		vdev->ops->set_features(vdev, vdev->guest_features);
}

void virtio_queue_notify(struct virtio_device *vdev, unsigned n)
{
	struct virtqueue *vq;

	if (n >= vdev->num_queues) {
		guest_error("virtio (device id %u): notify of queue %u (%u queues)",
			    vdev->ops->device_id, n, vdev->num_queues);
		return;
	}
	vq = &vdev->vq[n];
	if (vq->handle_output && virtqueue_ready(vq))
		vq->handle_output(vdev, vq);
}

void virtio_queue_set_rings(struct virtio_device *vdev, unsigned n, uint64_t desc,
			    uint64_t driver, uint64_t device)
{
	struct virtqueue_state *st = &vdev->vq_state[n];

	st->desc = desc;
	st->driver = driver;
	st->device = device;
}

bool virtio_queue_set_num(struct virtio_device *vdev, unsigned n, unsigned num)
{
	struct virtqueue_state *st = &vdev->vq_state[n];

	/* 4.1.4.3.2: a power of two no larger than offered (packed: any size) */
	if (!num || num > st->num_max ||
	    (!virtio_has_feature(vdev, VIRTIO_F_RING_PACKED) && (num & (num - 1)))) {
		guest_error("virtio (device id %u): queue %u size %u (offered %u)",
			    vdev->ops->device_id, n, num, st->num_max);
		return false;
	}
	st->num = num;
	return true;
}

void virtio_queue_set_legacy_pfn(struct virtio_device *vdev, unsigned n, uint32_t pfn)
{
	struct virtqueue_state *st = &vdev->vq_state[n];
	uint64_t desc = (uint64_t)pfn << 12;
	uint64_t avail = desc + (uint64_t)st->num * VRING_DESC_SIZE;
	uint64_t used = ALIGN_UP(avail + VRING_AVAIL_RING + 2 * st->num + 2, 4096);

	vdev->legacy = true;
	virtio_queue_set_rings(vdev, n, desc, avail, used);
	st->enabled = pfn != 0;
}

/* ---- configuration space and ISR ---- */

uint32_t virtio_config_read(struct virtio_device *vdev, uint32_t offset, unsigned size)
{
	uint32_t v = 0;

	if (size > 4 || offset >= vdev->ops->config_len || size > vdev->ops->config_len - offset)
		return size >= 4 ? 0xffffffff : (1u << (8 * size)) - 1;
	if (vdev->ops->get_config)
		vdev->ops->get_config(vdev, vdev->config);
	memcpy(&v, vdev->config + offset, size);
	return v;
}

void virtio_config_write(struct virtio_device *vdev, uint32_t offset, uint32_t val,
			 unsigned size)
{
	if (size > 4 || offset >= vdev->ops->config_len ||
	    size > vdev->ops->config_len - offset) {
		guest_error("virtio (device id %u): config write at 0x%x size %u",
			    vdev->ops->device_id, offset, size);
		return;
	}
	if (vdev->ops->get_config)
		vdev->ops->get_config(vdev, vdev->config);
	memcpy(vdev->config + offset, &val, size);
	if (vdev->ops->set_config)
		vdev->ops->set_config(vdev, vdev->config);
}

uint8_t virtio_isr_read_clear(struct virtio_device *vdev)
{
	uint8_t isr = vdev->isr;

	vdev->isr = 0;
	return isr;
}

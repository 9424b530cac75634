// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-blk-pci: a virtio block device (VIRTIO 1.2 section 5.2) on the
 * block layer (include/block/block.h), asynchronous only: a request is
 * checked, submitted, and completed from the block layer's callback on the
 * main loop. Read, write, flush, get-id, discard and write-zeroes; several
 * request queues (num-queues=); the writeback flag in the configuration
 * (config-wce=); bootindex= in SeaBIOS's boot order. Also `-drive
 * if=virtio` (pc_virtio_drives_init). Not here: SCSI passthrough (the
 * legacy VIRTIO_BLK_T_SCSI_CMD answers UNSUPP), secure erase, zoned
 * devices, an iothread.
 */
#include "kemu/common.h"
#include "hw/virtio/virtio-pci.h"
#include "hw/virtio/virtio-blk.h"
#include "hw/boards.h"
#include "system/blockdev.h"
#include "system/bootdevice.h"

/* feature bits (5.2.3) */
#define VIRTIO_BLK_F_SIZE_MAX	1
#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_GEOMETRY	4
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_BLK_SIZE	6
#define VIRTIO_BLK_F_FLUSH	9
#define VIRTIO_BLK_F_TOPOLOGY	10
#define VIRTIO_BLK_F_CONFIG_WCE	11
#define VIRTIO_BLK_F_MQ		12
#define VIRTIO_BLK_F_DISCARD	13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

/* request types and status (5.2.6) */
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_SCSI_CMD	2
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8
#define VIRTIO_BLK_T_DISCARD	11
#define VIRTIO_BLK_T_WRITE_ZEROES 13
#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2
#define VIRTIO_BLK_ID_BYTES	20
#define VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP 1

#define SECTOR_SIZE		512
#define BLK_CONFIG_LEN		60	/* through write_zeroes_may_unmap + padding */
#define BLK_MAX_QUEUES		16
/* one discard/write-zeroes range: le64 sector, le32 num_sectors, le32 flags */
#define BLK_SEGMENT_SIZE	16

struct virtio_blk {
	struct virtio_pci_proxy proxy;

	uint8_t wce;			/* writeback (config-wce): guest-visible */
	uint32_t generation;		/* bumped on reset: older requests are dropped */
	unsigned in_flight;

	/* properties */
	struct drive_info *drive;
	char *serial;
	uint32_t num_queues;
	uint32_t queue_size;
	bool config_wce;
	bool discard;
	bool write_zeroes;
	int32_t bootindex;
	struct virtqueue *vqs[BLK_MAX_QUEUES];
};

#define VIRTIO_BLK(obj) OBJECT_CHECK(struct virtio_blk, (obj), TYPE_VIRTIO_BLK_PCI)

struct blk_req {
	struct virtqueue_element elem;	/* first: virtqueue_pop allocates us */
	struct virtio_blk *s;
	struct virtqueue *vq;
	uint32_t generation;
	uint32_t type;
	uint64_t sector;
	struct iovec *iov;		/* data part (header and status byte cut off) */
	unsigned niov;
	uint64_t len;
	uint8_t *status;		/* last byte of the device-writable part */
	uint8_t *segments;		/* discard / write-zeroes ranges */
	unsigned nsegments, next_segment;
};

static struct blk *blk_of(struct virtio_blk *s)
{
	return s->drive ? s->drive->blk : NULL;
}

static uint64_t capacity_sectors(struct virtio_blk *s)
{
	struct blk *blk = blk_of(s);
	int64_t len = blk ? blk_getlength(blk) : 0;

	return len > 0 ? (uint64_t)len / SECTOR_SIZE : 0;
}

static bool blk_readonly(struct virtio_blk *s)
{
	return s->drive->readonly || (blk_of(s) && blk_is_readonly(blk_of(s)));
}

/* ---- requests ---- */

static void req_complete(struct blk_req *req, uint8_t status)
{
	struct virtio_blk *s = req->s;

	s->in_flight--;
	if (req->generation == s->generation) {
		*req->status = status;
		virtqueue_push(req->vq, &req->elem,
			       req->type == VIRTIO_BLK_T_IN ? req->len + 1 :
			       req->type == VIRTIO_BLK_T_GET_ID ? req->elem.in_len : 1);
		virtio_notify(&s->proxy.vdev, req->vq);
	}
	g_free(req->iov);
	g_free(req->segments);
	g_free(req);
}

static void req_io_done(void *opaque, int ret)
{
	struct blk_req *req = opaque;
	bool is_read = req->type == VIRTIO_BLK_T_IN;

	if (ret < 0 && req->generation == req->s->generation) {
		enum drive_error_outcome o = drive_io_error(req->s->drive, is_read, ret);

		req_complete(req, o == DRIVE_OUTCOME_IGNORE ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR);
		return;
	}
	req_complete(req, ret < 0 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK);
}

/* Writes with the write cache off (config-wce, writeback=0) reach the disk first. */
static void req_write_done(void *opaque, int ret)
{
	struct blk_req *req = opaque;
	struct virtio_blk *s = req->s;

	if (ret >= 0 && !s->wce && blk_of(s) && req->generation == s->generation) {
		blk_aio_flush(blk_of(s), req_io_done, req);
		return;
	}
	req_io_done(req, ret);
}

/* iovecs for bytes [offset, offset + len) of src */
static struct iovec *iov_slice(const struct iovec *src, unsigned n, uint64_t offset,
			       uint64_t len, unsigned *out_n)
{
	struct iovec *iov = g_new(struct iovec, n ? n : 1);
	unsigned k = 0;

	for (unsigned i = 0; i < n && len; i++) {
		uint64_t l;

		if (offset >= src[i].iov_len) {
			offset -= src[i].iov_len;
			continue;
		}
		l = MIN(src[i].iov_len - offset, len);
		iov[k].iov_base = (uint8_t *)src[i].iov_base + offset;
		iov[k].iov_len = l;
		k++;
		len -= l;
		offset = 0;
	}
	*out_n = k;
	return iov;
}

static bool req_range_ok(struct virtio_blk *s, uint64_t sector, uint64_t bytes)
{
	uint64_t cap = capacity_sectors(s);

	if (bytes % SECTOR_SIZE || sector > cap || bytes / SECTOR_SIZE > cap - sector) {
		guest_error("virtio-blk: request of %" PRIu64 " bytes at sector %" PRIu64
			    " (capacity %" PRIu64 " sectors)", bytes, sector, cap);
		return false;
	}
	return true;
}

/* Discard / write-zeroes: one range after the other (5.2.6.2). */
static void req_next_segment(void *opaque, int ret)
{
	struct blk_req *req = opaque;
	struct virtio_blk *s = req->s;
	const uint8_t *seg;
	uint64_t sector;
	uint32_t count, flags;

	if (ret < 0 || req->next_segment == req->nsegments || req->generation != s->generation ||
	    !blk_of(s)) {
		req_io_done(req, ret);
		return;
	}
	seg = req->segments + BLK_SEGMENT_SIZE * req->next_segment++;
	sector = ldq_le_p(seg);
	count = ldl_le_p(seg + 8);
	flags = ldl_le_p(seg + 12);
	if (!req_range_ok(s, sector, (uint64_t)count * SECTOR_SIZE) ||
	    (req->type == VIRTIO_BLK_T_DISCARD && flags) ||
	    (flags & ~VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP)) {
		req_complete(req, VIRTIO_BLK_S_UNSUPP);
		return;
	}
	if (req->type == VIRTIO_BLK_T_DISCARD)
		blk_aio_pdiscard(blk_of(s), sector * SECTOR_SIZE, (uint64_t)count * SECTOR_SIZE,
				 req_next_segment, req);
	else
		blk_aio_pwrite_zeroes(blk_of(s), sector * SECTOR_SIZE,
				      (uint64_t)count * SECTOR_SIZE, req_next_segment, req);
}

static void req_submit(struct virtio_blk *s, struct blk_req *req)
{
	struct virtio_device *vdev = &s->proxy.vdev;
	struct virtqueue_element *e = &req->elem;
	uint64_t out_data = e->out_len - 16, in_data = e->in_len - 1;
	struct blk *blk = blk_of(s);

	switch (req->type) {
	case VIRTIO_BLK_T_IN:
		req->iov = iov_slice(e->in_sg, e->in_num, 0, in_data, &req->niov);
		req->len = in_data;
		if (!blk || !req_range_ok(s, req->sector, in_data))
			break;
		blk_aio_preadv(blk, req->sector * SECTOR_SIZE, req->iov, req->niov, req_io_done, req);
		return;
	case VIRTIO_BLK_T_OUT:
		req->iov = iov_slice(e->out_sg, e->out_num, 16, out_data, &req->niov);
		req->len = out_data;
		if (!blk || !req_range_ok(s, req->sector, out_data))
			break;
		if (blk_readonly(s)) {
			guest_error("virtio-blk: write to a read-only disk");
			break;
		}
		blk_aio_pwritev(blk, req->sector * SECTOR_SIZE, req->iov, req->niov, req_write_done,
				req);
		return;
	case VIRTIO_BLK_T_FLUSH:
		if (!blk)
			break;
		blk_aio_flush(blk, req_io_done, req);
		return;
	case VIRTIO_BLK_T_GET_ID: {
		char id[VIRTIO_BLK_ID_BYTES] = { 0 };
		const char *serial = s->serial ? s->serial : s->drive->serial;

		/* 5.2.6: 20 bytes, NUL-padded, not necessarily terminated */
		if (serial)
			memcpy(id, serial, MIN(strlen(serial), sizeof(id)));
		req->iov = iov_slice(e->in_sg, e->in_num, 0, in_data, &req->niov);
		virtio_iov_from_buf(req->iov, req->niov, 0, id, MIN(sizeof(id), in_data));
		req_complete(req, VIRTIO_BLK_S_OK);
		return;
	}
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		if (!virtio_has_feature(vdev, req->type == VIRTIO_BLK_T_DISCARD ?
					VIRTIO_BLK_F_DISCARD : VIRTIO_BLK_F_WRITE_ZEROES)) {
			req_complete(req, VIRTIO_BLK_S_UNSUPP);
			return;
		}
		if (!blk || blk_readonly(s) || !out_data || out_data % BLK_SEGMENT_SIZE ||
		    out_data / BLK_SEGMENT_SIZE > 1) {	/* max_*_seg = 1 */
			guest_error("virtio-blk: %u: %" PRIu64 " bytes of ranges", req->type, out_data);
			break;
		}
		req->nsegments = out_data / BLK_SEGMENT_SIZE;
		req->segments = g_malloc(out_data);
		virtio_iov_to_buf(e->out_sg, e->out_num, 16, req->segments, out_data);
		req_next_segment(req, 0);
		return;
	default:
		log_unimp("virtio-blk: request type %u", req->type);
		req_complete(req, VIRTIO_BLK_S_UNSUPP);
		return;
	}
	req_complete(req, VIRTIO_BLK_S_IOERR);
}

static void blk_handle_request(struct virtio_device *vdev, struct virtqueue *vq)
{
	struct virtio_blk *s = vdev->opaque;
	struct blk_req *req;

	do {
		virtio_queue_set_notification(vq, false);
		while ((req = virtqueue_pop(vq, sizeof(*req)))) {
			uint8_t hdr[16];
			struct iovec *last;

			/* 5.2.6: a 16-byte header to read, a status byte to write at the end */
			if (req->elem.out_len < sizeof(hdr) || !req->elem.in_num) {
				virtio_error(vdev, "virtio-blk: request without header or status");
				virtqueue_push(vq, &req->elem, 0);
				g_free(req);
				return;
			}
			virtio_iov_to_buf(req->elem.out_sg, req->elem.out_num, 0, hdr, sizeof(hdr));
			last = &req->elem.in_sg[req->elem.in_num - 1];
			req->status = (uint8_t *)last->iov_base + last->iov_len - 1;
			req->s = s;
			req->vq = vq;
			req->generation = s->generation;
			req->type = ldl_le_p(hdr);
			req->sector = ldq_le_p(hdr + 8);
			s->in_flight++;
			req_submit(s, req);
		}
		virtio_queue_set_notification(vq, true);
	} while (!virtqueue_empty(vq));
}

/* ---- configuration space (5.2.4) ---- */

static void blk_get_config(struct virtio_device *vdev, uint8_t *c)
{
	struct virtio_blk *s = vdev->opaque;
	uint64_t cap = capacity_sectors(s);

	memset(c, 0, BLK_CONFIG_LEN);
	stq_le_p(c + 0, cap);
	stl_le_p(c + 12, s->queue_size - 2);		/* seg_max */
	/* geometry: QEMU's 16 heads, 63 sectors */
	stw_le_p(c + 16, MIN(cap / (16 * 63), 65535));
	c[18] = 16;
	c[19] = 63;
	stl_le_p(c + 20, SECTOR_SIZE);			/* blk_size */
	c[32] = s->wce;
	stw_le_p(c + 34, s->num_queues);
	stl_le_p(c + 36, UINT32_MAX / SECTOR_SIZE);	/* max_discard_sectors */
	stl_le_p(c + 40, 1);				/* max_discard_seg */
	stl_le_p(c + 44, 1);				/* discard_sector_alignment */
	stl_le_p(c + 48, UINT32_MAX / SECTOR_SIZE);	/* max_write_zeroes_sectors */
	stl_le_p(c + 52, 1);				/* max_write_zeroes_seg */
	c[56] = s->drive && s->drive->opts.discard_unmap;
}

static void blk_set_config(struct virtio_device *vdev, const uint8_t *c)
{
	struct virtio_blk *s = vdev->opaque;

	/* only writeback is writable, and only with CONFIG_WCE (5.2.5) */
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_CONFIG_WCE))
		s->wce = c[32] != 0;
}

static void blk_set_features(struct virtio_device *vdev, uint64_t features)
{
	struct virtio_blk *s = vdev->opaque;

	/* 5.2.5.1: without FLUSH the device behaves as writethrough */
	s->wce = (features >> VIRTIO_BLK_F_FLUSH) & 1;
}

static void blk_virtio_reset(struct virtio_device *vdev)
{
	struct virtio_blk *s = vdev->opaque;

	/* requests in flight finish in the block layer but are not pushed */
	s->generation++;
	s->wce = 1;
}

static const struct virtio_device_ops blk_ops = {
	.device_id = VIRTIO_ID_BLOCK,
	.config_len = BLK_CONFIG_LEN,
	.get_config = blk_get_config,
	.set_config = blk_set_config,
	.set_features = blk_set_features,
	.reset = blk_virtio_reset,
};

/* ---- realize ---- */

static bool blk_realize(struct pci_device *pci, GError **errp)
{
	struct virtio_blk *s = VIRTIO_BLK(pci);
	uint64_t features = (1ULL << VIRTIO_BLK_F_SEG_MAX) | (1ULL << VIRTIO_BLK_F_GEOMETRY) |
			    (1ULL << VIRTIO_BLK_F_BLK_SIZE) | (1ULL << VIRTIO_BLK_F_FLUSH) |
			    (1ULL << VIRTIO_F_INDIRECT_DESC) | (1ULL << VIRTIO_F_EVENT_IDX);
	g_autofree char *pci_path = NULL, *path = NULL;

	if (!s->drive) {
		g_set_error(errp, KEMU_ERROR, 0, "drive property not set");
		return false;
	}
	if (!s->drive->blk) {
		g_set_error(errp, KEMU_ERROR, 0, "Device needs media, but drive is empty");
		return false;
	}
	if (!s->num_queues || s->num_queues > BLK_MAX_QUEUES) {
		g_set_error(errp, KEMU_ERROR, 0, "num-queues=%u: expected 1-%u",
			    s->num_queues, BLK_MAX_QUEUES);
		return false;
	}
	if (s->queue_size < 4 || s->queue_size > VIRTQUEUE_MAX_SIZE ||
	    (s->queue_size & (s->queue_size - 1))) {
		g_set_error(errp, KEMU_ERROR, 0, "queue-size=%u: expected a power "
			    "of two from 4 to %u", s->queue_size, VIRTQUEUE_MAX_SIZE);
		return false;
	}
	if (s->serial && strlen(s->serial) > VIRTIO_BLK_ID_BYTES)
		log_unimp("virtio-blk: serial longer than 20 bytes is cut");
	if (!drive_attach(s->drive, DEVICE(s), NULL, NULL, errp))
		return false;
	if (blk_readonly(s))
		features |= 1ULL << VIRTIO_BLK_F_RO;
	if (s->num_queues > 1)
		features |= 1ULL << VIRTIO_BLK_F_MQ;
	if (s->config_wce)
		features |= 1ULL << VIRTIO_BLK_F_CONFIG_WCE;
	if (s->discard)
		features |= 1ULL << VIRTIO_BLK_F_DISCARD;
	if (s->write_zeroes)
		features |= 1ULL << VIRTIO_BLK_F_WRITE_ZEROES;
	if (s->proxy.packed)
		features |= 1ULL << VIRTIO_F_RING_PACKED;
	virtio_pci_init_device(&s->proxy, &blk_ops, s, features);
	for (unsigned i = 0; i < s->num_queues; i++)
		s->vqs[i] = virtio_add_queue(&s->proxy.vdev, s->queue_size, blk_handle_request);
	s->wce = 1;
	if (!virtio_pci_realize(&s->proxy, s->num_queues + 1, errp)) {
		virtio_pci_exit(&s->proxy);
		drive_detach(s->drive);
		return false;
	}
	/* SeaBIOS (boot.c) matches a virtio-blk by the "/pci@i0cf8/NAME@SLOT" prefix */
	pci_path = pci_device_fw_path(pci);
	path = g_strdup_printf("%s/disk@0,0", pci_path);
	bootdevice_add(s->bootindex, DEVICE(s), path);
	return true;
}

static void blk_exit(struct pci_device *pci)
{
	struct virtio_blk *s = VIRTIO_BLK(pci);

	bootdevice_remove(DEVICE(s));
	/* completions must not find the device gone (exit runs on the main loop) */
	if (s->in_flight && blk_of(s))
		blk_drain(blk_of(s));
	s->generation++;
	virtio_pci_exit(&s->proxy);
	if (s->drive)
		drive_detach(s->drive);
}

bool pc_virtio_drives_init(struct machine_state *ms, struct pci_bus *bus, GError **errp)
{
	GPtrArray *l = drive_list();

	for (guint i = 0; l && i < l->len; i++) {
		struct drive_info *d = g_ptr_array_index(l, i);
		struct pci_device *dev;
		g_autofree char *name = NULL;
		GError *err = NULL;

		if (d->type != IF_VIRTIO)
			continue;
		dev = pci_new(bus, -1, TYPE_VIRTIO_BLK_PCI);
		name = g_strdup_printf("virtio-blk[%s]", d->id);
		machine_add_device(ms, name, DEVICE(dev));
		object_unref(OBJECT(dev));
		if (!object_property_parse(OBJECT(dev), "drive", d->id, &err) ||
		    !(device_globals_apply(DEVICE(dev), &err), !err) || !pci_realize(dev, &err)) {
			g_propagate_prefixed_error(errp, err, "-drive if=virtio,id=%s: ", d->id);
			return false;
		}
	}
	return true;
}

/* ---- state description, properties, registration ---- */

static const struct vmstate_field blk_fields[] = {
	VMSTATE_VIRTIO_PCI(struct virtio_blk, proxy),
	VMSTATE_U8(struct virtio_blk, wce),
	VMSTATE_END
};

static const struct property blk_props[] = {
	PROP_DRIVE("drive", struct virtio_blk, drive),
	PROP_STRING("serial", struct virtio_blk, serial, NULL),
	PROP_U32("num-queues", struct virtio_blk, num_queues, 1),
	PROP_U32("queue-size", struct virtio_blk, queue_size, 256),
	PROP_BOOL("config-wce", struct virtio_blk, config_wce, true),
	PROP_BOOL("discard", struct virtio_blk, discard, true),
	PROP_BOOL("write-zeroes", struct virtio_blk, write_zeroes, true),
	PROP_I32("bootindex", struct virtio_blk, bootindex, -1),
	PROP_END
};

static void blk_class_init(struct object_class *klass, const void *data)
{
	struct pci_device_class *k = PCI_DEVICE_CLASS(klass);

	k->realize = blk_realize;
	k->exit = blk_exit;
	k->class_id = 0x0100;	/* mass storage, SCSI: what QEMU and SeaBIOS expect */
}

DEFINE_DEVICE_TYPE(virtio_blk, TYPE_VIRTIO_BLK_PCI, TYPE_VIRTIO_PCI, struct virtio_blk,
		   .class_init = blk_class_init, .props = blk_props, .vmstate = blk_fields,
		   .vmstate_version = 1, .category = "storage",
		   .desc = "virtio block device (PCI)");

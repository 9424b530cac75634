/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio device core (Virtual I/O Device (VIRTIO) Version 1.2, OASIS):
 * device status and feature negotiation (section 2.1-2.2, 3.1), the device
 * configuration space (2.5), and virtqueues in both layouts, split (2.7)
 * and packed (2.8), behind one element API. It knows nothing of PCI: a
 * transport (hw/virtio/virtio-pci.c) owns the registers and calls in here;
 * a device type (virtio-blk, virtio-net, ...) fills the ops table below and
 * handles its queues.
 *
 * A device embeds a struct virtio_device in its state and, in realize:
 *
 *	static const struct virtio_device_ops blk_ops = {
 *		.device_id = VIRTIO_ID_BLOCK, .config_len = sizeof(struct virtio_blk_config),
 *		.get_config = blk_get_config, .reset = blk_reset,
 *	};
 *	virtio_init(&s->vdev, &blk_ops, s, host_features);
 *	s->rq = virtio_add_queue(&s->vdev, 256, blk_handle_request);
 *
 * (with a PCI transport, virtio_pci_init() in hw/virtio/virtio-pci.h does the
 * virtio_init() part and sets vdev->dma_as and the interrupt hook). The
 * queue handler runs when the driver notifies the queue. It pops elements,
 * each one descriptor chain as host iovecs, and pushes them back with the
 * number of bytes written into the device-writable part:
 *
 *	static void blk_handle_request(struct virtio_device *vdev, struct virtqueue *vq)
 *	{
 *		struct blk_req *req;
 *		do {
 *			virtio_queue_set_notification(vq, false);
 *			while ((req = virtqueue_pop(vq, sizeof(*req))))
 *				submit(req);	// req starts with struct virtqueue_element
 *			virtio_queue_set_notification(vq, true);
 *		} while (!virtqueue_empty(vq));
 *	}
 *	... on completion:
 *		virtqueue_push(vq, &req->elem, bytes_written);
 *		virtio_notify(vdev, vq);	// interrupt unless the driver suppressed it
 *		g_free(req);
 *
 * Push several elements, then notify once: the event-index check covers
 * all of them. virtio_iov_to_buf/from_buf copy between the iovecs and flat
 * buffers (a header may straddle descriptors). A device that waits for
 * buffers (receive queues) keeps its data and tries again when its handler
 * runs: the driver's kick after adding buffers calls it.
 *
 * Elements may be pushed in any order and at any later time (from a block
 * completion callback, say), as long as it is under the BQL and before the
 * device is reset: a reset does not wait for elements in flight, so a
 * device with asynchronous requests drains them in its reset hook first.
 *
 * The guest is hostile. Every chain is checked while it is popped: a
 * descriptor index beyond the queue, a chain longer than the queue (a
 * loop), a total length past 4 GiB, a buffer that is not entirely guest RAM,
 * an indirect table inside an indirect table or without
 * VIRTIO_F_INDIRECT_DESC, a device-readable descriptor after a
 * device-writable one, an available index that ran ahead by more than the
 * queue size. Any of these is reported under `-d guest_errors` and makes
 * the device "broken" (virtio_error): status gets DEVICE_NEEDS_RESET
 * (section 2.1.2; for a legacy driver, which has no such bit, the device just
 * goes quiet), a configuration interrupt is sent, and every pop returns NULL
 * until the driver resets the device. A device may call virtio_error() for
 * its own protocol errors (a request header too short, ...).
 *
 * Guest memory is reached only through vdev->dma_as with the bounds-checked
 * helpers of system/memory.h: rings with dma_memory_read/write, buffers with
 * address_space_map (so the iovecs point straight into guest RAM).
 *
 * Features: the device passes the features it offers (its own bits plus the
 * transport-independent VIRTIO_F_* it supports; VERSION_1, INDIRECT_DESC,
 * EVENT_IDX and RING_PACKED are handled here). The driver's choice becomes
 * vdev->guest_features when it sets FEATURES_OK, which this core refuses
 * (leaves clear, section 3.1.1) if the driver asked for a bit not offered.
 * Test a negotiated feature with virtio_has_feature(vdev, VIRTIO_BLK_F_RO).
 *
 * Everything here runs under the BQL. Memory ordering against the driver on
 * other vCPUs is by full fences around the index reads and writes.
 *
 * Not here: the transport's registers, interrupts (the transport's notify
 * hook), VIRTIO_F_RING_RESET, NOTIFICATION_DATA, IN_ORDER, ACCESS_PLATFORM
 * (no IOMMU), and saving elements in flight (the state description below
 * covers the rings, not requests the device is still working on).
 */
#ifndef HW_VIRTIO_VIRTIO_H
#define HW_VIRTIO_VIRTIO_H

#include "kemu/common.h"
#include "system/memory.h"
#include "migration/vmstate.h"
#include <sys/uio.h>

/* Device status bits (section 2.1) */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE	1
#define VIRTIO_CONFIG_S_DRIVER		2
#define VIRTIO_CONFIG_S_DRIVER_OK	4
#define VIRTIO_CONFIG_S_FEATURES_OK	8
#define VIRTIO_CONFIG_S_NEEDS_RESET	0x40
#define VIRTIO_CONFIG_S_FAILED		0x80

/* Reserved feature bits (section 6) */
#define VIRTIO_F_NOTIFY_ON_EMPTY	24
#define VIRTIO_F_ANY_LAYOUT		27
#define VIRTIO_F_INDIRECT_DESC		28
#define VIRTIO_F_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32
#define VIRTIO_F_ACCESS_PLATFORM	33
#define VIRTIO_F_RING_PACKED		34
#define VIRTIO_F_IN_ORDER		35

/* Device IDs (section 5) */
#define VIRTIO_ID_NET		1
#define VIRTIO_ID_BLOCK		2
#define VIRTIO_ID_CONSOLE	3
#define VIRTIO_ID_RNG		4
#define VIRTIO_ID_BALLOON	5

/* Descriptor flags, split and packed (sections 2.7.5, 2.8.13) */
#define VRING_DESC_F_NEXT	1
#define VRING_DESC_F_WRITE	2
#define VRING_DESC_F_INDIRECT	4
#define VRING_PACKED_DESC_F_AVAIL 7	/* bit numbers */
#define VRING_PACKED_DESC_F_USED 15
/* Split ring suppression flags (2.7.7, 2.7.10) */
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY	1
/* Packed ring event suppression (2.8.14) */
#define VRING_PACKED_EVENT_FLAG_ENABLE	0
#define VRING_PACKED_EVENT_FLAG_DISABLE	1
#define VRING_PACKED_EVENT_FLAG_DESC	2

#define VIRTIO_NO_VECTOR	0xffff	/* MSI-X vector "none" (4.1.4.3) */
#define VIRTIO_QUEUE_MAX	64	/* queues per device (kemu's limit) */
#define VIRTQUEUE_MAX_SIZE	1024	/* largest queue size (kemu's limit) */
/* iovecs per element: a descriptor may map to several host ranges */
#define VIRTQUEUE_MAX_IOV	1024

struct virtio_device;
struct virtqueue;

typedef void (*virtqueue_handler)(struct virtio_device *vdev, struct virtqueue *vq);

/* What a device type provides. Hooks may be NULL. */
struct virtio_device_ops {
	uint16_t device_id;		/* VIRTIO_ID_* */
	unsigned config_len;		/* bytes of device configuration (2.5) */
	/* Fill vdev->config (config_len bytes, little-endian fields) for a read. */
	void (*get_config)(struct virtio_device *vdev, uint8_t *config);
	/* The driver wrote into vdev->config (writable fields only matter). */
	void (*set_config)(struct virtio_device *vdev, const uint8_t *config);
	/* FEATURES_OK accepted with vdev->guest_features. */
	void (*set_features)(struct virtio_device *vdev, uint64_t features);
	/* After every status write the core accepted (DRIVER_OK: start work). */
	void (*set_status)(struct virtio_device *vdev, uint8_t status);
	/* Device reset (status 0 written, or system reset): drop requests. */
	void (*reset)(struct virtio_device *vdev);
};

/*
 * One queue's ring state: guest-visible, plain data, saved as bytes.
 * Addresses are guest-physical; for a packed ring "driver" and "device" are
 * the event suppression areas (2.8.10), for a split one the avail and used
 * rings.
 */
struct virtqueue_state {
	uint64_t desc, driver, device;
	uint16_t num;			/* size the driver chose; 0: not present */
	uint16_t num_max;		/* size offered (0: queue does not exist) */
	uint16_t vector;		/* MSI-X vector (transport) */
	uint16_t last_avail_idx;	/* split: free-running; packed: slot */
	uint16_t used_idx;		/* split: free-running; packed: slot */
	uint16_t signalled_used;	/* used_idx at the last interrupt */
	uint16_t inuse;			/* popped, not yet pushed */
	uint8_t enabled;		/* queue_enable (modern) / PFN set (legacy) */
	uint8_t last_avail_wrap;	/* packed: driver ring wrap counter */
	uint8_t used_wrap;		/* packed: device ring wrap counter */
	uint8_t signalled_used_valid;
	uint8_t signalled_used_wrap;
	uint8_t pad[5];
};

struct virtqueue {
	struct virtio_device *vdev;
	unsigned index;
	virtqueue_handler handle_output;
	struct virtqueue_state *st;	/* &vdev->vq_state[index] */
	bool notification;		/* last virtio_queue_set_notification() */
};

/*
 * One popped descriptor chain. out_sg: device-readable buffers (the
 * driver's request), in_sg: device-writable ones (the reply), both mapped
 * into host memory. virtqueue_pop() returns it at the start of a zeroed
 * allocation of the size asked for; free it with g_free() after the push.
 */
struct virtqueue_element {
	unsigned index;			/* head id (split) / buffer id (packed) */
	unsigned ndescs;		/* ring slots it took (packed) */
	unsigned out_num, in_num;
	struct iovec *out_sg, *in_sg;
	uint64_t out_len, in_len;	/* total bytes of each part */
};

struct virtio_device {
	const struct virtio_device_ops *ops;
	void *opaque;			/* the device's state, for its hooks */
	struct address_space *dma_as;	/* guest memory as the device sees it */

	/* guest-visible state (VMSTATE_VIRTIO_DEVICE) */
	uint8_t status;
	uint8_t isr;			/* bit 0: queue interrupt, bit 1: config change */
	uint8_t config_generation;
	uint8_t broken;			/* virtio_error() since the last reset */
	uint16_t config_vector;
	uint64_t host_features;		/* offered */
	uint64_t guest_features;	/* accepted (FEATURES_OK) */
	uint64_t driver_features;	/* written by the driver, not yet accepted */
	struct virtqueue_state vq_state[VIRTIO_QUEUE_MAX];

	uint8_t *config;		/* ops->config_len bytes */
	unsigned num_queues;		/* queues added */
	struct virtqueue vq[VIRTIO_QUEUE_MAX];

	/* transport: raise the interrupt for vector (or INTx when it is NO_VECTOR) */
	void (*notify)(void *transport, uint16_t vector);
	void *transport;
	/* legacy (0.9.5) driver interface in use: no NEEDS_RESET bit */
	bool legacy;

	struct iovec *scratch_iov;	/* pop's work area, VIRTQUEUE_MAX_IOV * 2 */
};

#define VMSTATE_VIRTIO_DEVICE(st, f)						\
	{ .name = "virtio.status", .type = VMSTATE_TYPE_U8,			\
	  .offset = offsetof(st, f.status), .count = 1 },			\
	{ .name = "virtio.isr", .type = VMSTATE_TYPE_U8,			\
	  .offset = offsetof(st, f.isr), .count = 1 },				\
	{ .name = "virtio.config_generation", .type = VMSTATE_TYPE_U8,		\
	  .offset = offsetof(st, f.config_generation), .count = 1 },		\
	{ .name = "virtio.broken", .type = VMSTATE_TYPE_U8,			\
	  .offset = offsetof(st, f.broken), .count = 1 },			\
	{ .name = "virtio.config_vector", .type = VMSTATE_TYPE_U16,		\
	  .offset = offsetof(st, f.config_vector), .count = 1 },		\
	{ .name = "virtio.guest_features", .type = VMSTATE_TYPE_U64,		\
	  .offset = offsetof(st, f.guest_features), .count = 1 },		\
	{ .name = "virtio.driver_features", .type = VMSTATE_TYPE_U64,		\
	  .offset = offsetof(st, f.driver_features), .count = 1 },		\
	{ .name = "virtio.vq_state", .type = VMSTATE_TYPE_BUFFER,		\
	  .offset = offsetof(st, f.vq_state),					\
	  .count = sizeof(struct virtqueue_state) * VIRTIO_QUEUE_MAX }

/* ---- device side ---- */

void virtio_init(struct virtio_device *vdev, const struct virtio_device_ops *ops,
		 void *opaque, uint64_t host_features);
void virtio_cleanup(struct virtio_device *vdev);
/* Add the next queue (index = number of queues so far); size: power of two <= 1024. */
struct virtqueue *virtio_add_queue(struct virtio_device *vdev, unsigned size,
				   virtqueue_handler handler);

static inline bool virtio_has_feature(const struct virtio_device *vdev, unsigned bit)
{
	return (vdev->guest_features >> bit) & 1;
}

/* NULL when the queue is empty, not ready, or the device is broken. */
void *virtqueue_pop(struct virtqueue *vq, size_t size);
/* Return an element with len bytes written into its in_sg; unmaps it. */
void virtqueue_push(struct virtqueue *vq, struct virtqueue_element *elem, uint32_t len);
/* Give back the element popped last, unused: the next pop returns it again. */
void virtqueue_unpop(struct virtqueue *vq, struct virtqueue_element *elem);
/* Nothing available right now (also true when the queue is not ready). */
bool virtqueue_empty(struct virtqueue *vq);
bool virtqueue_ready(struct virtqueue *vq);
/* Ask the driver to notify (true) or not (false) when it adds buffers. */
void virtio_queue_set_notification(struct virtqueue *vq, bool enable);
/* Interrupt for vq unless the driver suppressed it (event index, 2.7.10). */
void virtio_notify(struct virtio_device *vdev, struct virtqueue *vq);
/* Configuration changed: new generation, config interrupt (when DRIVER_OK). */
void virtio_notify_config(struct virtio_device *vdev);
/* The driver broke the protocol: log, NEEDS_RESET, stop processing. */
void virtio_error(struct virtio_device *vdev, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Copy between a flat buffer and iovecs at a byte offset; bytes copied. */
size_t virtio_iov_to_buf(const struct iovec *iov, unsigned n, size_t offset, void *buf, size_t len);
size_t virtio_iov_from_buf(const struct iovec *iov, unsigned n, size_t offset, const void *buf,
		    size_t len);
size_t virtio_iov_size(const struct iovec *iov, unsigned n);

/* ---- transport side ---- */

/* Device reset: status 0 written, or system reset. */
void virtio_reset(struct virtio_device *vdev);
/* Status write (feature check for FEATURES_OK, 0 = reset). */
void virtio_set_status(struct virtio_device *vdev, uint8_t status);
/* The driver notified queue n (ignored when it does not exist or is not ready). */
void virtio_queue_notify(struct virtio_device *vdev, unsigned n);
/* Rings of queue n, and its size (must be a power of two, <= num_max). */
void virtio_queue_set_rings(struct virtio_device *vdev, unsigned n, uint64_t desc,
			    uint64_t driver, uint64_t device);
bool virtio_queue_set_num(struct virtio_device *vdev, unsigned n, unsigned num);
/* Legacy (0.9.5) feature write: no FEATURES_OK step, takes effect at once. */
void virtio_legacy_set_features(struct virtio_device *vdev, uint32_t features);
/* Legacy (0.9.5) ring layout at page frame pfn: desc, avail, used aligned to 4 KiB. */
void virtio_queue_set_legacy_pfn(struct virtio_device *vdev, unsigned n, uint32_t pfn);
/* Device configuration accesses (1, 2 or 4 bytes; out of range reads all-ones). */
uint32_t virtio_config_read(struct virtio_device *vdev, uint32_t offset, unsigned size);
void virtio_config_write(struct virtio_device *vdev, uint32_t offset, uint32_t val,
			 unsigned size);
/* Read and clear the ISR (4.1.4.5). */
uint8_t virtio_isr_read_clear(struct virtio_device *vdev);

#endif

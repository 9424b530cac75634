// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The virtio core's virtqueues (hw/virtio/virtio.c) driven by a fake driver
 * that builds split (VIRTIO 1.2 section 2.7) and packed (2.8) rings in the
 * harness's RAM: normal and indirect chains, notification suppression, and
 * hostile chains, each of which must leave the device in NEEDS_RESET with
 * nothing popped (and nothing crashing, under ASan too).
 */
#include "harness.h"
#include "hw/virtio/virtio.h"

#define QSIZE	8
#define DESC	0x10000
#define AVAIL	0x20000		/* packed: driver event suppression area */
#define USED	0x30000		/* packed: device event suppression area */
#define BUF	0x100000

struct fake_dev {
	struct virtio_device vdev;
	int notifies;
	uint16_t last_vector;
	int resets;
};

static struct fake_dev fd;
static struct virtqueue *vq;

static void fake_get_config(struct virtio_device *vdev, uint8_t *config)
{
	memcpy(config, "kemuvirt", 8);
}

static void fake_reset(struct virtio_device *vdev)
{
	fd.resets++;
}

static const struct virtio_device_ops fake_ops = {
	.device_id = 42, .config_len = 8,
	.get_config = fake_get_config, .reset = fake_reset,
};

static void fake_notify(void *opaque, uint16_t vector)
{
	fd.notifies++;
	fd.last_vector = vector;
}

static uint8_t *ram(uint64_t addr)
{
	return (uint8_t *)harness_ram() + addr;
}

/* A device with one queue, features accepted, rings at DESC/AVAIL/USED. */
static void setup(uint64_t features)
{
	harness_init();
	memset(harness_ram(), 0, 4 * MiB);
	memset(&fd, 0, sizeof(fd));
	virtio_init(&fd.vdev, &fake_ops, &fd, features | (1ULL << VIRTIO_F_VERSION_1));
	fd.vdev.dma_as = harness_mem();
	fd.vdev.notify = fake_notify;
	vq = virtio_add_queue(&fd.vdev, QSIZE, NULL);
	virtio_reset(&fd.vdev);
	virtio_set_status(&fd.vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	fd.vdev.driver_features = features | (1ULL << VIRTIO_F_VERSION_1);
	virtio_set_status(&fd.vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			  VIRTIO_CONFIG_S_FEATURES_OK);
	g_assert(fd.vdev.status & VIRTIO_CONFIG_S_FEATURES_OK);
	virtio_queue_set_rings(&fd.vdev, 0, DESC, AVAIL, USED);
	vq->st->enabled = 1;
	virtio_set_status(&fd.vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			  VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
}

static void teardown(void)
{
	virtio_cleanup(&fd.vdev);
}

static void assert_broken(void)
{
	g_assert_true(fd.vdev.broken);
	g_assert_cmphex(fd.vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET, ==,
			VIRTIO_CONFIG_S_NEEDS_RESET);
	g_assert_cmpint(fd.vdev.isr & 2, ==, 2);	/* configuration change interrupt */
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
}

/* ---- split ring driver ---- */

static void split_desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = ram(DESC + 16 * i);

	stq_le_p(d, addr);
	stl_le_p(d + 8, len);
	stw_le_p(d + 12, flags);
	stw_le_p(d + 14, next);
}

static void split_make_avail(uint16_t head)
{
	uint16_t idx = lduw_le_p(ram(AVAIL + 2));

	stw_le_p(ram(AVAIL + 4 + 2 * (idx % QSIZE)), head);
	stw_le_p(ram(AVAIL + 2), idx + 1);
}

static uint16_t split_used_idx(void)
{
	return lduw_le_p(ram(USED + 2));
}

static void test_split_chain_pop_and_push(void)
{
	struct virtqueue_element *e;
	char hdr[8], data[4];

	setup(0);
	memcpy(ram(BUF), "requestA", 8);
	memcpy(ram(BUF + 0x1000), "body", 4);
	split_desc(0, BUF, 8, VRING_DESC_F_NEXT, 5);
	split_desc(5, BUF + 0x1000, 4, VRING_DESC_F_NEXT, 2);
	split_desc(2, BUF + 0x2000, 512, VRING_DESC_F_WRITE, 0);
	split_make_avail(0);
	g_assert_false(virtqueue_empty(vq));
	e = virtqueue_pop(vq, sizeof(*e));
	g_assert_nonnull(e);
	g_assert_cmpuint(e->index, ==, 0);
	g_assert_cmpuint(e->out_num, ==, 2);
	g_assert_cmpuint(e->in_num, ==, 1);
	g_assert_cmpuint(e->out_len, ==, 12);
	g_assert_cmpuint(e->in_len, ==, 512);
	g_assert_cmpuint(virtio_iov_to_buf(e->out_sg, e->out_num, 0, hdr, 8), ==, 8);
	g_assert_cmpmem(hdr, 8, "requestA", 8);
	g_assert_cmpuint(virtio_iov_to_buf(e->out_sg, e->out_num, 8, data, 4), ==, 4);
	g_assert_cmpmem(data, 4, "body", 4);
	/* the device writes straight into guest RAM */
	virtio_iov_from_buf(e->in_sg, e->in_num, 0, "reply", 5);
	g_assert_cmpmem(ram(BUF + 0x2000), 5, "reply", 5);
	g_assert_true(virtqueue_empty(vq));
	g_assert_null(virtqueue_pop(vq, sizeof(*e)));

	virtqueue_push(vq, e, 5);
	g_free(e);
	g_assert_cmpuint(split_used_idx(), ==, 1);
	g_assert_cmpuint(ldl_le_p(ram(USED + 4)), ==, 0);	/* id */
	g_assert_cmpuint(ldl_le_p(ram(USED + 8)), ==, 5);	/* len */
	virtio_notify(&fd.vdev, vq);
	g_assert_cmpint(fd.notifies, ==, 1);
	g_assert_cmpint(fd.vdev.isr & 1, ==, 1);
	g_assert_false(fd.vdev.broken);
	teardown();
}

static void test_split_used_len_clamped_to_writable_part(void)
{
	struct virtqueue_element *e;

	setup(0);
	split_desc(0, BUF, 16, VRING_DESC_F_WRITE, 0);
	split_make_avail(0);
	e = virtqueue_pop(vq, sizeof(*e));
	g_assert_nonnull(e);
	virtqueue_push(vq, e, 4096);
	g_free(e);
	g_assert_cmpuint(ldl_le_p(ram(USED + 8)), ==, 16);
	teardown();
}

static void test_split_indirect_chain(void)
{
	struct virtqueue_element *e;
	uint8_t *t = ram(0x40000);

	setup(1ULL << VIRTIO_F_INDIRECT_DESC);
	/* three-entry indirect table: out, out, in */
	stq_le_p(t, BUF);		stl_le_p(t + 8, 16);  stw_le_p(t + 12, VRING_DESC_F_NEXT);  stw_le_p(t + 14, 1);
	stq_le_p(t + 16, BUF + 16);	stl_le_p(t + 24, 16); stw_le_p(t + 28, VRING_DESC_F_NEXT);  stw_le_p(t + 30, 2);
	stq_le_p(t + 32, BUF + 64);	stl_le_p(t + 40, 32); stw_le_p(t + 44, VRING_DESC_F_WRITE); stw_le_p(t + 46, 0);
	split_desc(3, 0x40000, 48, VRING_DESC_F_INDIRECT, 0);
	split_make_avail(3);
	e = virtqueue_pop(vq, sizeof(*e));
	g_assert_nonnull(e);
	g_assert_cmpuint(e->index, ==, 3);
	g_assert_cmpuint(e->out_num, ==, 2);
	g_assert_cmpuint(e->in_num, ==, 1);
	g_assert_cmpuint(e->out_len, ==, 32);
	g_assert_cmpuint(e->in_len, ==, 32);
	virtqueue_push(vq, e, 32);
	g_free(e);
	g_assert_cmpuint(ldl_le_p(ram(USED + 4)), ==, 3);
	teardown();
}

static void test_split_no_interrupt_flag_suppresses_notify(void)
{
	struct virtqueue_element *e;

	setup(0);
	stw_le_p(ram(AVAIL), VRING_AVAIL_F_NO_INTERRUPT);
	split_desc(0, BUF, 16, VRING_DESC_F_WRITE, 0);
	split_make_avail(0);
	e = virtqueue_pop(vq, sizeof(*e));
	virtqueue_push(vq, e, 0);
	g_free(e);
	virtio_notify(&fd.vdev, vq);
	g_assert_cmpint(fd.notifies, ==, 0);
	/* and the device's own suppression flag goes into the used ring */
	virtio_queue_set_notification(vq, false);
	g_assert_cmpuint(lduw_le_p(ram(USED)) & VRING_USED_F_NO_NOTIFY, ==, 1);
	virtio_queue_set_notification(vq, true);
	g_assert_cmpuint(lduw_le_p(ram(USED)) & VRING_USED_F_NO_NOTIFY, ==, 0);
	teardown();
}

/* 2.7.10: with EVENT_IDX an interrupt is due only when used idx passes used_event */
static void test_split_event_idx_suppression(void)
{
	struct virtqueue_element *e;

	setup(1ULL << VIRTIO_F_EVENT_IDX);
	for (int i = 0; i < 4; i++) {
		split_desc(i, BUF + i * 64, 64, VRING_DESC_F_WRITE, 0);
		split_make_avail(i);
	}
	/* the driver wants an interrupt once the used idx goes past 2 */
	stw_le_p(ram(AVAIL + 4 + 2 * QSIZE), 2);
	for (int i = 0; i < 4; i++) {
		e = virtqueue_pop(vq, sizeof(*e));
		g_assert_nonnull(e);
		virtqueue_push(vq, e, 1);
		g_free(e);
		virtio_notify(&fd.vdev, vq);
	}
	/* first notify always goes (nothing signalled yet), then only 2 -> 3 */
	g_assert_cmpint(fd.notifies, ==, 2);
	/* the device publishes avail_event = where it will look next */
	g_assert_cmpuint(lduw_le_p(ram(USED + 4 + 8 * QSIZE)), ==, 4);
	teardown();
}

static void test_split_loop_needs_reset(void)
{
	setup(0);
	split_desc(0, BUF, 16, VRING_DESC_F_NEXT, 1);
	split_desc(1, BUF + 16, 16, VRING_DESC_F_NEXT, 0);
	split_make_avail(0);
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
	assert_broken();
	g_assert_cmpint(fd.notifies, ==, 1);
	g_assert_cmphex(fd.last_vector, ==, VIRTIO_NO_VECTOR);	/* config vector */
	teardown();
}

/* 513 buffers of 8 MiB each, all inside RAM: their sum passes 4 GiB */
static void test_split_length_overflow_needs_reset(void)
{
	uint8_t *t = ram(0x40000);

	setup(1ULL << VIRTIO_F_INDIRECT_DESC);
	for (int i = 0; i < 513; i++) {
		stq_le_p(t + 16 * i, BUF);
		stl_le_p(t + 16 * i + 8, 8 * MiB);
		stw_le_p(t + 16 * i + 12, i < 512 ? VRING_DESC_F_NEXT : 0);
		stw_le_p(t + 16 * i + 14, i + 1);
	}
	split_desc(0, 0x40000, 16 * 513, VRING_DESC_F_INDIRECT, 0);
	split_make_avail(0);
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
	assert_broken();
	teardown();
}

static void test_split_buffer_outside_ram_needs_reset(void)
{
	setup(0);
	split_desc(0, HARNESS_RAM_SIZE - 8, 16, 0, 0);	/* straddles the end of RAM */
	split_make_avail(0);
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
	assert_broken();
	teardown();
}

static void test_split_buffer_wrapping_address_needs_reset(void)
{
	setup(0);
	split_desc(0, UINT64_MAX - 4, 16, 0, 0);
	split_make_avail(0);
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
	assert_broken();
	teardown();
}

static void test_split_ring_outside_ram_needs_reset(void)
{
	setup(0);
	virtio_queue_set_rings(&fd.vdev, 0, DESC, 0xfffff000ULL, USED);
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
	assert_broken();
	teardown();
}

static void test_split_indirect_in_indirect_needs_reset(void)
{
	uint8_t *t = ram(0x40000);

	setup(1ULL << VIRTIO_F_INDIRECT_DESC);
	stq_le_p(t, 0x40000);
	stl_le_p(t + 8, 16);
	stw_le_p(t + 12, VRING_DESC_F_INDIRECT);
	split_desc(0, 0x40000, 16, VRING_DESC_F_INDIRECT, 0);
	split_make_avail(0);
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
	assert_broken();
	teardown();
}

static void test_split_indirect_without_feature_needs_reset(void)
{
	setup(0);
	split_desc(0, 0x40000, 16, VRING_DESC_F_INDIRECT, 0);
	split_make_avail(0);
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
	assert_broken();
	teardown();
}

static void test_split_indirect_loop_needs_reset(void)
{
	uint8_t *t = ram(0x40000);

	setup(1ULL << VIRTIO_F_INDIRECT_DESC);
	for (int i = 0; i < 2; i++) {
		stq_le_p(t + 16 * i, BUF);
		stl_le_p(t + 16 * i + 8, 16);
		stw_le_p(t + 16 * i + 12, VRING_DESC_F_NEXT);
		stw_le_p(t + 16 * i + 14, !i);
	}
	split_desc(0, 0x40000, 32, VRING_DESC_F_INDIRECT, 0);
	split_make_avail(0);
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
	assert_broken();
	teardown();
}

static void test_split_next_out_of_range_needs_reset(void)
{
	setup(0);
	split_desc(0, BUF, 16, VRING_DESC_F_NEXT, QSIZE + 3);
	split_make_avail(0);
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
	assert_broken();
	teardown();
}

static void test_split_head_out_of_range_needs_reset(void)
{
	setup(0);
	split_make_avail(0xffff);
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
	assert_broken();
	teardown();
}

static void test_split_avail_idx_jump_needs_reset(void)
{
	setup(0);
	split_desc(0, BUF, 16, 0, 0);
	stw_le_p(ram(AVAIL + 2), QSIZE + 1);
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
	assert_broken();
	teardown();
}

static void test_split_readable_after_writable_needs_reset(void)
{
	setup(0);
	split_desc(0, BUF, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	split_desc(1, BUF + 16, 16, 0, 0);
	split_make_avail(0);
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
	assert_broken();
	teardown();
}

static void test_split_zero_length_needs_reset(void)
{
	setup(0);
	split_desc(0, BUF, 0, 0, 0);
	split_make_avail(0);
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
	assert_broken();
	teardown();
}

/* 2.1.2 / 2.4: the driver's reset clears NEEDS_RESET and the queues work again */
static void test_reset_recovers_broken_device(void)
{
	struct virtqueue_element *e;

	setup(0);
	split_make_avail(0xffff);
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
	assert_broken();
	virtio_set_status(&fd.vdev, 0);
	g_assert_false(fd.vdev.broken);
	g_assert_cmpuint(fd.vdev.status, ==, 0);
	g_assert_cmpint(fd.resets, >=, 2);
	g_assert_cmpuint(vq->st->enabled, ==, 0);
	memset(harness_ram(), 0, 4 * MiB);
	fd.vdev.driver_features = 1ULL << VIRTIO_F_VERSION_1;
	virtio_set_status(&fd.vdev, VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	virtio_queue_set_rings(&fd.vdev, 0, DESC, AVAIL, USED);
	vq->st->enabled = 1;
	virtio_set_status(&fd.vdev, VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK |
			  VIRTIO_CONFIG_S_DRIVER_OK);
	split_desc(0, BUF, 16, 0, 0);
	split_make_avail(0);
	e = virtqueue_pop(vq, sizeof(*e));
	g_assert_nonnull(e);
	g_free(e);
	teardown();
}

/* 3.1.1: FEATURES_OK stays clear when the driver asks for something not offered */
static void test_features_ok_refused_for_unoffered_bits(void)
{
	setup(0);
	virtio_set_status(&fd.vdev, 0);
	fd.vdev.driver_features = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << 5);
	virtio_set_status(&fd.vdev, VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	g_assert_cmphex(fd.vdev.status & VIRTIO_CONFIG_S_FEATURES_OK, ==, 0);
	g_assert_cmphex(fd.vdev.guest_features, ==, 0);
	g_assert_cmphex(virtio_config_read(&fd.vdev, 0, 4), ==, ldl_le_p("kemu"));
	g_assert_cmphex(virtio_config_read(&fd.vdev, 6, 4), ==, 0xffffffff);
	teardown();
}

/* ---- packed ring driver (2.8) ---- */

static uint16_t packed_avail_flags(bool wrap)
{
	return wrap ? (1u << VRING_PACKED_DESC_F_AVAIL) : (1u << VRING_PACKED_DESC_F_USED);
}

static void packed_desc(unsigned i, uint64_t addr, uint32_t len, uint16_t id, uint16_t flags)
{
	uint8_t *d = ram(DESC + 16 * i);

	stq_le_p(d, addr);
	stl_le_p(d + 8, len);
	stw_le_p(d + 12, id);
	stw_le_p(d + 14, flags);
}

static void test_packed_chain_pop_push_and_wrap(void)
{
	struct virtqueue_element *e;

	setup(1ULL << VIRTIO_F_RING_PACKED);
	/* fill the ring with 4 two-descriptor buffers, twice round (wrap counter flips) */
	for (int round = 0; round < 2; round++) {
		bool wrap = round == 0;

		for (int b = 0; b < QSIZE / 2; b++) {
			packed_desc(2 * b, BUF, 8, 0, packed_avail_flags(wrap) | VRING_DESC_F_NEXT);
			packed_desc(2 * b + 1, BUF + 64, 8, 100 + b,
				    packed_avail_flags(wrap) | VRING_DESC_F_WRITE);
		}
		for (int b = 0; b < QSIZE / 2; b++) {
			e = virtqueue_pop(vq, sizeof(*e));
			g_assert_nonnull(e);
			g_assert_cmpuint(e->index, ==, 100 + b);
			g_assert_cmpuint(e->ndescs, ==, 2);
			g_assert_cmpuint(e->out_num, ==, 1);
			g_assert_cmpuint(e->in_num, ==, 1);
			virtqueue_push(vq, e, 8);
			g_free(e);
		}
		g_assert_null(virtqueue_pop(vq, sizeof(*e)));
		/* used descriptors: id and len written, AVAIL == USED == the wrap counter */
		for (int b = 0; b < QSIZE / 2; b++) {
			uint16_t f = lduw_le_p(ram(DESC + 32 * b + 14));

			g_assert_cmpuint(lduw_le_p(ram(DESC + 32 * b + 12)), ==, 100 + b);
			g_assert_cmpuint(ldl_le_p(ram(DESC + 32 * b + 8)), ==, 8);
			g_assert_cmpuint(!!(f & (1u << VRING_PACKED_DESC_F_AVAIL)), ==, wrap);
			g_assert_cmpuint(!!(f & (1u << VRING_PACKED_DESC_F_USED)), ==, wrap);
		}
	}
	g_assert_false(fd.vdev.broken);
	teardown();
}

static void test_packed_indirect(void)
{
	struct virtqueue_element *e;
	uint8_t *t = ram(0x40000);

	setup((1ULL << VIRTIO_F_RING_PACKED) | (1ULL << VIRTIO_F_INDIRECT_DESC));
	stq_le_p(t, BUF);	stl_le_p(t + 8, 16);
	stq_le_p(t + 16, BUF + 64); stl_le_p(t + 24, 32); stw_le_p(t + 30, VRING_DESC_F_WRITE);
	packed_desc(0, 0x40000, 32, 7, packed_avail_flags(true) | VRING_DESC_F_INDIRECT);
	e = virtqueue_pop(vq, sizeof(*e));
	g_assert_nonnull(e);
	g_assert_cmpuint(e->index, ==, 7);
	g_assert_cmpuint(e->ndescs, ==, 1);
	g_assert_cmpuint(e->out_len, ==, 16);
	g_assert_cmpuint(e->in_len, ==, 32);
	virtqueue_push(vq, e, 3);
	g_free(e);
	g_assert_cmpuint(lduw_le_p(ram(DESC + 12)), ==, 7);
	teardown();
}

static void test_packed_event_suppression(void)
{
	struct virtqueue_element *e;

	setup((1ULL << VIRTIO_F_RING_PACKED) | (1ULL << VIRTIO_F_EVENT_IDX));
	for (int i = 0; i < 4; i++)
		packed_desc(i, BUF, 8, i, packed_avail_flags(true) | VRING_DESC_F_WRITE);
	/* driver: disabled */
	stw_le_p(ram(AVAIL + 2), VRING_PACKED_EVENT_FLAG_DISABLE);
	e = virtqueue_pop(vq, sizeof(*e));
	virtqueue_push(vq, e, 0);
	g_free(e);
	virtio_notify(&fd.vdev, vq);
	g_assert_cmpint(fd.notifies, ==, 0);
	/* driver: interrupt when the device passes slot 3 (wrap counter 1) */
	stw_le_p(ram(AVAIL), 3 | (1u << 15));
	stw_le_p(ram(AVAIL + 2), VRING_PACKED_EVENT_FLAG_DESC);
	for (int i = 1; i < 4; i++) {
		e = virtqueue_pop(vq, sizeof(*e));
		g_assert_nonnull(e);
		virtqueue_push(vq, e, 0);
		g_free(e);
		virtio_notify(&fd.vdev, vq);
		g_assert_cmpint(fd.notifies, ==, i == 3 ? 1 : 0);
	}
	/* device side: asking for no kicks writes DISABLE into the device area */
	virtio_queue_set_notification(vq, false);
	g_assert_cmpuint(lduw_le_p(ram(USED + 2)), ==, VRING_PACKED_EVENT_FLAG_DISABLE);
	virtio_queue_set_notification(vq, true);
	g_assert_cmpuint(lduw_le_p(ram(USED + 2)), ==, VRING_PACKED_EVENT_FLAG_DESC);
	g_assert_cmpuint(lduw_le_p(ram(USED)), ==, 4 | (1u << 15));
	teardown();
}

static void test_packed_chain_longer_than_ring_needs_reset(void)
{
	setup(1ULL << VIRTIO_F_RING_PACKED);
	for (int i = 0; i < QSIZE; i++)
		packed_desc(i, BUF, 8, 0, packed_avail_flags(true) | VRING_DESC_F_NEXT);
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
	assert_broken();
	teardown();
}

static void test_packed_indirect_in_indirect_needs_reset(void)
{
	uint8_t *t = ram(0x40000);

	setup((1ULL << VIRTIO_F_RING_PACKED) | (1ULL << VIRTIO_F_INDIRECT_DESC));
	stq_le_p(t, 0x40000);
	stl_le_p(t + 8, 16);
	stw_le_p(t + 14, VRING_DESC_F_INDIRECT);
	packed_desc(0, 0x40000, 16, 0, packed_avail_flags(true) | VRING_DESC_F_INDIRECT);
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
	assert_broken();
	teardown();
}

static void test_packed_buffer_outside_ram_needs_reset(void)
{
	setup(1ULL << VIRTIO_F_RING_PACKED);
	packed_desc(0, 0xfee00000, 64, 0, packed_avail_flags(true));
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
	assert_broken();
	teardown();
}

/* a legacy driver has no NEEDS_RESET bit: the device only goes quiet */
static void test_legacy_error_goes_quiet_without_status_bit(void)
{
	setup(0);
	virtio_set_status(&fd.vdev, 0);
	virtio_legacy_set_features(&fd.vdev, 0);
	virtio_queue_set_legacy_pfn(&fd.vdev, 0, DESC >> 12);
	g_assert_cmphex(vq->st->driver, ==, DESC + 16 * QSIZE);
	g_assert_cmphex(vq->st->device, ==, DESC + 0x1000);
	virtio_set_status(&fd.vdev, VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_DRIVER_OK);
	stw_le_p(ram(DESC + 16 * QSIZE + 2), 1);
	stw_le_p(ram(DESC + 16 * QSIZE + 4), 0x100);
	g_assert_null(virtqueue_pop(vq, sizeof(struct virtqueue_element)));
	g_assert_true(fd.vdev.broken);
	g_assert_cmphex(fd.vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET, ==, 0);
	teardown();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	if (getenv("VIRTQUEUE_TEST_LOG"))
		log_set_mask(LOG_GUEST_ERROR);
	g_test_add_func("/virtqueue/split/chain-pop-and-push", test_split_chain_pop_and_push);
	g_test_add_func("/virtqueue/split/used-len-clamped",
			test_split_used_len_clamped_to_writable_part);
	g_test_add_func("/virtqueue/split/indirect", test_split_indirect_chain);
	g_test_add_func("/virtqueue/split/no-interrupt-flag",
			test_split_no_interrupt_flag_suppresses_notify);
	g_test_add_func("/virtqueue/split/event-idx", test_split_event_idx_suppression);
	g_test_add_func("/virtqueue/split/hostile/loop", test_split_loop_needs_reset);
	g_test_add_func("/virtqueue/split/hostile/length-overflow",
			test_split_length_overflow_needs_reset);
	g_test_add_func("/virtqueue/split/hostile/buffer-outside-ram",
			test_split_buffer_outside_ram_needs_reset);
	g_test_add_func("/virtqueue/split/hostile/buffer-address-wraps",
			test_split_buffer_wrapping_address_needs_reset);
	g_test_add_func("/virtqueue/split/hostile/ring-outside-ram",
			test_split_ring_outside_ram_needs_reset);
	g_test_add_func("/virtqueue/split/hostile/indirect-in-indirect",
			test_split_indirect_in_indirect_needs_reset);
	g_test_add_func("/virtqueue/split/hostile/indirect-without-feature",
			test_split_indirect_without_feature_needs_reset);
	g_test_add_func("/virtqueue/split/hostile/indirect-loop",
			test_split_indirect_loop_needs_reset);
	g_test_add_func("/virtqueue/split/hostile/next-out-of-range",
			test_split_next_out_of_range_needs_reset);
	g_test_add_func("/virtqueue/split/hostile/head-out-of-range",
			test_split_head_out_of_range_needs_reset);
	g_test_add_func("/virtqueue/split/hostile/avail-idx-jump",
			test_split_avail_idx_jump_needs_reset);
	g_test_add_func("/virtqueue/split/hostile/readable-after-writable",
			test_split_readable_after_writable_needs_reset);
	g_test_add_func("/virtqueue/split/hostile/zero-length",
			test_split_zero_length_needs_reset);
	g_test_add_func("/virtqueue/reset-recovers-broken-device",
			test_reset_recovers_broken_device);
	g_test_add_func("/virtqueue/features-ok-refused", test_features_ok_refused_for_unoffered_bits);
	g_test_add_func("/virtqueue/packed/chain-pop-push-wrap",
			test_packed_chain_pop_push_and_wrap);
	g_test_add_func("/virtqueue/packed/indirect", test_packed_indirect);
	g_test_add_func("/virtqueue/packed/event-suppression", test_packed_event_suppression);
	g_test_add_func("/virtqueue/packed/hostile/chain-longer-than-ring",
			test_packed_chain_longer_than_ring_needs_reset);
	g_test_add_func("/virtqueue/packed/hostile/indirect-in-indirect",
			test_packed_indirect_in_indirect_needs_reset);
	g_test_add_func("/virtqueue/packed/hostile/buffer-outside-ram",
			test_packed_buffer_outside_ram_needs_reset);
	g_test_add_func("/virtqueue/legacy-error-without-status-bit",
			test_legacy_error_goes_quiet_without_status_bit);
	return g_test_run();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qcow2 metadata code and the block layer's asynchronous API, without
 * qemu-img (tests/block/run.sh does the interoperability side).
 */
#include "kemu/common.h"
#include "block/block-int.h"
#include "block/qcow2.h"
#include "system/main-loop.h"

#include <unistd.h>

static char *tmpdir;

static char *tmp_path(const char *name)
{
	return g_build_filename(tmpdir, name, NULL);
}

static struct blk *open_rw(const char *path, const char *fmt)
{
	struct blk_open_opts o = { .format = fmt, .cache = BLK_CACHE_WRITEBACK };
	GError *err = NULL;
	struct blk *blk = blk_open(path, &o, &err);

	g_assert_no_error(err);
	return blk;
}

static void make_qcow2(const char *path, uint64_t size, uint32_t cs, int rbits)
{
	struct qcow2_create_opts co = { .size = size, .cluster_size = cs, .refcount_bits = rbits };
	GError *err = NULL;

	unlink(path);
	g_assert_true(qcow2_create(path, &co, &err));
	g_assert_no_error(err);
}

static void assert_check_clean(struct blk *blk)
{
	struct bds *bs = blk_bds(blk);
	struct check_result r;
	GError *err = NULL;

	blk_drain(blk);
	g_assert_cmpint(bs->drv->check(bs, 0, &r, &err), ==, 0);
	g_assert_no_error(err);
	g_assert_cmpint(r.corruptions, ==, 0);
	g_assert_cmpint(r.leaks, ==, 0);
}

/* allocated but unreferenced clusters are leaks; nothing else may be wrong */
static void assert_check_leaks_only(struct blk *blk)
{
	struct bds *bs = blk_bds(blk);
	struct check_result r;
	GError *err = NULL;

	blk_drain(blk);
	g_assert_cmpint(bs->drv->check(bs, 0, &r, &err), ==, 0);
	g_assert_no_error(err);
	g_assert_cmpint(r.corruptions, ==, 0);
}

static void test_refcount_entries_of_every_width_round_trip(void)
{
	uint8_t rb[512];

	for (uint32_t order = 0; order <= 6; order++) {
		uint64_t max = order == 6 ? UINT64_MAX : (1ull << (1u << order)) - 1;
		uint64_t n = 512 * 8 >> order;

		memset(rb, 0, sizeof(rb));
		for (uint64_t i = 0; i < n; i++)
			qcow2_refcount_set_entry(rb, order, i, (i * 7 + 1) & max);
		for (uint64_t i = 0; i < n; i++)
			g_assert_cmpuint(qcow2_refcount_get_entry(rb, order, i), ==, (i * 7 + 1) & max);
		/* setting one entry leaves its neighbours alone */
		qcow2_refcount_set_entry(rb, order, 5, 0);
		g_assert_cmpuint(qcow2_refcount_get_entry(rb, order, 4), ==, (4 * 7 + 1) & max);
		g_assert_cmpuint(qcow2_refcount_get_entry(rb, order, 6), ==, (6 * 7 + 1) & max);
	}
	/* refcount_order 4 is big-endian 16 bit (qcow2.txt) */
	memset(rb, 0, sizeof(rb));
	qcow2_refcount_set_entry(rb, 4, 1, 0x1234);
	g_assert_cmpuint(rb[2], ==, 0x12);
	g_assert_cmpuint(rb[3], ==, 0x34);
	/* sub-byte widths fill each byte from its least significant bit */
	memset(rb, 0, sizeof(rb));
	qcow2_refcount_set_entry(rb, 0, 1, 1);
	g_assert_cmpuint(rb[0], ==, 0x02);
}

static void test_created_image_has_consistent_refcounts(void)
{
	g_autofree char *p = tmp_path("created.qcow2");
	const uint32_t sizes[] = { 512, 4096, 65536, 2 * MiB };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		make_qcow2(p, 1 * GiB, sizes[i], 16);
		struct blk *blk = open_rw(p, "qcow2");

		g_assert_cmpint(blk_getlength(blk), ==, 1 * GiB);
		assert_check_clean(blk);
		blk_close(blk);
	}
}

static void test_allocation_sets_refcount_and_freeing_reuses_cluster(void)
{
	g_autofree char *p = tmp_path("alloc.qcow2");
	struct blk *blk;
	struct qcow2_state *s;
	int64_t a, b;
	uint64_t rc;

	make_qcow2(p, 64 * MiB, 4096, 16);
	blk = open_rw(p, "qcow2");
	s = blk_bds(blk)->opaque;
	a = qcow2_alloc_clusters(s, 3);
	g_assert_cmpint(a, >, 0);
	g_assert_true(IS_ALIGNED(a, 4096));
	for (int k = 0; k < 3; k++) {
		g_assert_cmpint(qcow2_get_refcount(s, (a >> 12) + k, &rc), ==, 0);
		g_assert_cmpuint(rc, ==, 1);
	}
	g_assert_cmpint(qcow2_free_clusters(s, a, 3 * 4096), ==, 0);
	g_assert_cmpint(qcow2_get_refcount(s, a >> 12, &rc), ==, 0);
	g_assert_cmpuint(rc, ==, 0);
	b = qcow2_alloc_clusters(s, 1);
	g_assert_cmpint(b, ==, a);
	g_assert_cmpint(qcow2_free_clusters(s, b, 4096), ==, 0);
	/* freeing a free cluster is refused (a corruption), not wrapped around */
	g_assert_cmpint(qcow2_free_clusters(s, b, 4096), ==, -EIO);
	blk_close(blk);
}

/*
 * The next search starts after the clusters in use (filling an image must
 * not rescan it from the start at every allocation), and a hole too small
 * for a multi-cluster request is still found by a later single one.
 */
static void test_allocation_search_starts_past_used_clusters(void)
{
	g_autofree char *p = tmp_path("hint.qcow2");
	struct blk *blk;
	struct qcow2_state *s;
	int64_t first, last = 0, big, hole;

	make_qcow2(p, 64 * MiB, 4096, 16);
	blk = open_rw(p, "qcow2");
	s = blk_bds(blk)->opaque;
	first = qcow2_alloc_clusters(s, 1);
	g_assert_cmpint(first, >, 0);
	for (int k = 0; k < 100; k++) {
		last = qcow2_alloc_clusters(s, 1);
		g_assert_cmpint(last, ==, first + 4096 * (k + 1));
	}
	g_assert_cmpuint(s->free_hint, ==, ((uint64_t)last >> 12) + 1);
	/* a one-cluster hole, then a request for two skips it and keeps the hint on it */
	g_assert_cmpint(qcow2_free_clusters(s, first + 4096 * 10, 4096), ==, 0);
	big = qcow2_alloc_clusters(s, 2);
	g_assert_cmpint(big, ==, last + 4096);
	hole = qcow2_alloc_clusters(s, 1);
	g_assert_cmpint(hole, ==, first + 4096 * 10);
	g_assert_cmpint(qcow2_alloc_clusters(s, 1), ==, big + 2 * 4096);
	assert_check_leaks_only(blk);
	blk_close(blk);
}

/* the bitmap half of the extended L2 entry of guest cluster index i */
static uint64_t extl2_bitmap(struct qcow2_state *s, uint64_t i)
{
	uint64_t l2_off = s->l1[0] & L1E_OFFSET_MASK;
	uint8_t e[16];

	g_assert_cmpuint(l2_off, !=, 0);
	g_assert_cmpint(bfile_pread(s->f, l2_off + 16 * i, e, 16), ==, 0);
	return be64_get(e + 8);
}

/*
 * qcow2.txt "Extended L2 Entries": a write marks only the subclusters it
 * touches as allocated (bits 0-31) and completes a partial one with what
 * it read as; zeroing whole clusters sets every "reads as zero" bit (32-63).
 */
static void test_extended_l2_write_allocates_only_touched_subclusters(void)
{
	g_autofree char *p = tmp_path("extl2.qcow2");
	struct qcow2_create_opts co = { .size = 4 * MiB, .cluster_size = 64 * KiB, .extended_l2 = true };
	uint8_t *buf = g_malloc(64 * KiB), *back = g_malloc(64 * KiB);
	struct qcow2_state *s;
	struct blk *blk;
	GError *err = NULL;

	unlink(p);
	g_assert_true(qcow2_create(p, &co, &err));
	g_assert_no_error(err);
	blk = open_rw(p, "qcow2");
	s = blk_bds(blk)->opaque;
	/* 2 KiB subclusters: bytes 3000..4023 lie in subcluster 1 */
	memset(buf, 0xab, 1024);
	g_assert_cmpint(blk_pwrite(blk, 3000, buf, 1024), ==, 0);
	/* 60 KiB..66 KiB: subclusters 30 and 31 of cluster 0, subcluster 0 of cluster 1 */
	memset(buf, 0xcd, 6 * KiB);
	g_assert_cmpint(blk_pwrite(blk, 60 * KiB, buf, 6 * KiB), ==, 0);
	g_assert_cmpint(blk_flush(blk), ==, 0);
	g_assert_cmphex(extl2_bitmap(s, 0), ==, (1ull << 1) | (1ull << 30) | (1ull << 31));
	g_assert_cmphex(extl2_bitmap(s, 1), ==, 0x1);
	g_assert_cmpint(blk_pread(blk, 0, back, 64 * KiB), ==, 0);
	for (uint32_t i = 0; i < 64 * KiB; i++) {
		uint8_t want = i >= 3000 && i < 4024 ? 0xab : i >= 60 * KiB ? 0xcd : 0;

		g_assert_cmpuint(back[i], ==, want);
	}
	/* whole cluster 2 zeroed: no data, every subcluster reads as zero */
	g_assert_cmpint(blk_pwrite(blk, 128 * KiB, buf, 64 * KiB), ==, 0);
	g_assert_cmpint(blk_pwrite_zeroes(blk, 128 * KiB, 64 * KiB), ==, 0);
	g_assert_cmpint(blk_flush(blk), ==, 0);
	g_assert_cmphex(extl2_bitmap(s, 2), ==, QCOW2_EXTL2_ALL_ZERO);
	g_assert_cmpint(blk_pread(blk, 128 * KiB, back, 64 * KiB), ==, 0);
	g_assert_true(buffer_is_zero(back, 64 * KiB));
	assert_check_clean(blk);
	blk_close(blk);
	g_free(buf);
	g_free(back);
}

static void test_refcount_table_grows_past_first_refblock(void)
{
	g_autofree char *p = tmp_path("grow.qcow2");
	struct blk *blk;
	struct qcow2_state *s;
	uint8_t *buf = g_malloc(4 * MiB), *back = g_malloc(4 * MiB);
	uint64_t rt_before;

	/* 512-byte clusters, 16-bit refcounts: one refblock covers 128 KiB,
	 * the one-cluster refcount table 8 MiB */
	make_qcow2(p, 64 * MiB, 512, 16);
	blk = open_rw(p, "qcow2");
	s = blk_bds(blk)->opaque;
	rt_before = s->rt_offset;
	for (int i = 0; i < 4; i++) {
		memset(buf, 0x40 + i, 4 * MiB);
		g_assert_cmpint(blk_pwrite(blk, (uint64_t)i * 16 * MiB, buf, 4 * MiB), ==, 0);
	}
	g_assert_cmpuint(s->rt_offset, !=, rt_before);
	g_assert_cmpuint(s->rt_clusters, >, 1);
	assert_check_clean(blk);
	blk_close(blk);
	blk = open_rw(p, "qcow2");
	for (int i = 0; i < 4; i++) {
		memset(buf, 0x40 + i, 4 * MiB);
		g_assert_cmpint(blk_pread(blk, (uint64_t)i * 16 * MiB, back, 4 * MiB), ==, 0);
		g_assert_true(memcmp(buf, back, 4 * MiB) == 0);
	}
	assert_check_clean(blk);
	blk_close(blk);
	g_free(buf);
	g_free(back);
}

static void test_partial_cluster_write_keeps_backing_data(void)
{
	g_autofree char *base = tmp_path("base.raw");
	g_autofree char *top = tmp_path("top.qcow2");
	struct qcow2_create_opts co = { .size = 1 * MiB, .backing_file = "base.raw",
					.backing_fmt = "raw" };
	GError *err = NULL;
	uint8_t buf[8192];
	struct blk *blk;
	FILE *f = fopen(base, "wb");

	memset(buf, 0x11, sizeof(buf));
	for (int i = 0; i < 128; i++)
		fwrite(buf, 1, sizeof(buf), f);
	fclose(f);
	unlink(top);
	g_assert_true(qcow2_create(top, &co, &err));
	blk = open_rw(top, "qcow2");
	memset(buf, 0x22, 100);
	g_assert_cmpint(blk_pwrite(blk, 70000, buf, 100), ==, 0);
	g_assert_cmpint(blk_pread(blk, 65536, buf, 8192), ==, 0);
	for (int i = 0; i < 8192; i++)
		g_assert_cmpuint(buf[i], ==, (i >= 70000 - 65536 && i < 70100 - 65536) ? 0x22 : 0x11);
	/* write-zeroes of a whole cluster hides the backing file (v3 zero flag) */
	g_assert_cmpint(blk_pwrite_zeroes(blk, 0, 65536), ==, 0);
	g_assert_cmpint(blk_pread(blk, 0, buf, 8192), ==, 0);
	g_assert_true(buffer_is_zero(buf, 8192));
	assert_check_clean(blk);
	blk_close(blk);
}

static void test_second_read_write_open_fails_with_lock_error(void)
{
	g_autofree char *p = tmp_path("lock.qcow2");
	struct blk_open_opts o = { .format = "qcow2" };
	struct blk *a, *b;
	GError *err = NULL;

	make_qcow2(p, 1 * MiB, 0, 0);
	a = open_rw(p, "qcow2");
	b = blk_open(p, &o, &err);
	g_assert_null(b);
	g_assert_nonnull(strstr(err->message, "Failed to get \"write\" lock"));
	g_assert_nonnull(strstr(err->message, "Is another process using the image ["));
	g_clear_error(&err);
	o.readonly = true;
	o.force_share = true;
	b = blk_open(p, &o, &err);	/* -U: allowed */
	g_assert_no_error(err);
	blk_close(b);
	blk_close(a);
	o.readonly = false;
	o.force_share = false;
	b = blk_open(p, &o, &err);	/* free again once closed */
	g_assert_no_error(err);
	blk_close(b);
}

static void test_corrupt_header_is_refused_with_reason(void)
{
	g_autofree char *p = tmp_path("bad.qcow2");
	struct blk_open_opts o = { .format = "qcow2", .readonly = true };
	GError *err = NULL;
	uint8_t v[4] = { 0, 0, 0, 30 };	/* cluster_bits 30 */
	FILE *f;

	make_qcow2(p, 1 * MiB, 0, 0);
	f = fopen(p, "r+b");
	fseek(f, 20, SEEK_SET);
	fwrite(v, 1, 4, f);
	fclose(f);
	g_assert_null(blk_open(p, &o, &err));
	g_assert_nonnull(strstr(err->message, "cluster size"));
	g_clear_error(&err);
}

struct aio_count {
	int done, errors;
};

static void aio_cb(void *opaque, int ret)
{
	struct aio_count *c = opaque;

	g_assert_true(bql_locked());	/* completions run on the main loop */
	c->done++;
	if (ret < 0)
		c->errors++;
}

static void test_async_requests_complete_on_main_loop(void)
{
	g_autofree char *p = tmp_path("aio.qcow2");
	struct aio_count c = { 0 };
	enum { N = 64, SZ = 8192 };
	uint8_t *bufs = g_malloc(N * SZ), *back = g_malloc(SZ);
	struct iovec iov[N];
	struct blk *blk;

	make_qcow2(p, 16 * MiB, 4096, 16);
	blk = open_rw(p, "qcow2");
	for (int i = 0; i < N; i++) {
		memset(bufs + i * SZ, i + 1, SZ);
		iov[i].iov_base = bufs + i * SZ;
		iov[i].iov_len = SZ;
		blk_aio_pwritev(blk, (uint64_t)i * 100000, &iov[i], 1, aio_cb, &c);
	}
	blk_aio_flush(blk, aio_cb, &c);
	blk_drain(blk);
	g_assert_cmpint(c.done, ==, N + 1);
	g_assert_cmpint(c.errors, ==, 0);
	for (int i = 0; i < N; i++) {
		g_assert_cmpint(blk_pread(blk, (uint64_t)i * 100000, back, SZ), ==, 0);
		g_assert_true(memcmp(back, bufs + i * SZ, SZ) == 0);
	}
	/* out of range: -EIO through the callback, not a crash */
	blk_aio_pwritev(blk, 16 * MiB - 10, &iov[0], 1, aio_cb, &c);
	blk_drain(blk);
	g_assert_cmpint(c.errors, ==, 1);
	assert_check_clean(blk);
	blk_close(blk);
	g_free(bufs);
	g_free(back);
}

static void test_snapshot_create_apply_delete_keeps_refcounts(void)
{
	g_autofree char *p = tmp_path("snap.qcow2");
	uint8_t buf[4096], back[4096];
	GError *err = NULL;
	struct blk *blk;
	struct bds *bs;

	make_qcow2(p, 4 * MiB, 4096, 16);
	blk = open_rw(p, "qcow2");
	bs = blk_bds(blk);
	memset(buf, 0xaa, sizeof(buf));
	g_assert_cmpint(blk_pwrite(blk, 8192, buf, sizeof(buf)), ==, 0);
	blk_drain(blk);
	g_assert_true(bs->drv->snapshot_create(bs, "one", &err));
	memset(buf, 0xbb, sizeof(buf));
	g_assert_cmpint(blk_pwrite(blk, 8192, buf, sizeof(buf)), ==, 0);
	assert_check_clean(blk);
	g_assert_true(bs->drv->snapshot_apply(bs, "one", &err));
	g_assert_cmpint(blk_pread(blk, 8192, back, sizeof(back)), ==, 0);
	memset(buf, 0xaa, sizeof(buf));
	g_assert_true(memcmp(buf, back, sizeof(buf)) == 0);
	assert_check_clean(blk);
	g_assert_false(bs->drv->snapshot_create(bs, "one", &err));
	g_clear_error(&err);
	g_assert_true(bs->drv->snapshot_delete(bs, "one", &err));
	assert_check_clean(blk);
	blk_close(blk);
}

static void test_drive_options_map_to_open_opts(void)
{
	struct blk_open_opts o = { 0 };
	GError *err = NULL;
	bool handled;

	g_assert_true(blk_open_opts_set(&o, "cache", "none", &handled, &err) && handled);
	g_assert_cmpint(o.cache, ==, BLK_CACHE_NONE);
	g_assert_true(blk_open_opts_set(&o, "aio", "io_uring", &handled, &err));
	g_assert_cmpint(o.aio, ==, BLK_AIO_IO_URING);
	g_assert_true(blk_open_opts_set(&o, "discard", "unmap", &handled, &err) && o.discard_unmap);
	g_assert_true(blk_open_opts_set(&o, "readonly", "on", &handled, &err) && o.readonly);
	g_assert_true(blk_open_opts_set(&o, "file", "disk.img", &handled, &err));
	g_assert_false(handled);
	g_assert_false(blk_open_opts_set(&o, "cache", "fast", &handled, &err));
	g_assert_cmpstr(err->message, ==,
			"cache=fast: expected none, writeback, writethrough, directsync or unsafe");
	g_clear_error(&err);
	g_assert_false(blk_open_opts_set(&o, "format", "vmdk", &handled, &err));
	g_clear_error(&err);
}

int main(int argc, char **argv)
{
	int ret;

	g_test_init(&argc, &argv, NULL);
	main_loop_init();
	bql_lock();
	tmpdir = g_dir_make_tmp("kemu-test-qcow2-XXXXXX", NULL);
	g_test_add_func("/qcow2/refcount_entries_of_every_width_round_trip",
			test_refcount_entries_of_every_width_round_trip);
	g_test_add_func("/qcow2/created_image_has_consistent_refcounts",
			test_created_image_has_consistent_refcounts);
	g_test_add_func("/qcow2/allocation_sets_refcount_and_freeing_reuses_cluster",
			test_allocation_sets_refcount_and_freeing_reuses_cluster);
	g_test_add_func("/qcow2/allocation_search_starts_past_used_clusters",
			test_allocation_search_starts_past_used_clusters);
	g_test_add_func("/qcow2/extended_l2_write_allocates_only_touched_subclusters",
			test_extended_l2_write_allocates_only_touched_subclusters);
	g_test_add_func("/qcow2/refcount_table_grows_past_first_refblock",
			test_refcount_table_grows_past_first_refblock);
	g_test_add_func("/qcow2/partial_cluster_write_keeps_backing_data",
			test_partial_cluster_write_keeps_backing_data);
	g_test_add_func("/qcow2/second_read_write_open_fails_with_lock_error",
			test_second_read_write_open_fails_with_lock_error);
	g_test_add_func("/qcow2/corrupt_header_is_refused_with_reason",
			test_corrupt_header_is_refused_with_reason);
	g_test_add_func("/qcow2/async_requests_complete_on_main_loop",
			test_async_requests_complete_on_main_loop);
	g_test_add_func("/qcow2/snapshot_create_apply_delete_keeps_refcounts",
			test_snapshot_create_apply_delete_keeps_refcounts);
	g_test_add_func("/qcow2/drive_options_map_to_open_opts", test_drive_options_map_to_open_opts);
	ret = g_test_run();
	{
		g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);

		if (system(cmd) != 0)
			g_printerr("could not remove %s\n", tmpdir);
	}
	return ret;
}

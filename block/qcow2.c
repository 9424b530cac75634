// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qcow2 format driver: header and extensions, cluster mapping through
 * L1/L2 tables, reads (backing files, zero and compressed clusters,
 * extended L2 subclusters) and writes (allocation, copy-on-write of partial
 * clusters and of clusters shared with snapshots), discard, write-zeroes,
 * resize, creation. Spec: QEMU's docs/interop/qcow2.txt.
 *
 * Not here: refcounts, allocation and check (qcow2-refcount.c), internal
 * snapshots (qcow2-snapshot.c). Writes to images with extended L2 entries
 * are not supported (they open read-only), nor are encryption and
 * external data files (refused at open).
 */
#include "kemu/common.h"
#include "block/qcow2.h"

#include "block/block-config.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#ifdef CONFIG_ZSTD
#include <zstd.h>
#endif

void qcow2_report_corruption(struct qcow2_state *s, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (!s->corrupt_reported)
		fprintf(stderr, "kemu: %s: image is corrupt: %s; further writes refused\n",
			s->bs->filename, msg);
	s->corrupt_reported = true;
}

int qcow2_meta_flush(struct qcow2_state *s)
{
	int ret;

	if (s->unsafe)
		return 0;
	ret = qcow2_refblock_writeback(s);
	return ret < 0 ? ret : bfile_flush(s->f);
}

/* ---- metadata caches (refcount blocks and new L2 entries write-back) ---- */

int qcow2_l2_writeback(struct qcow2_state *s)
{
	bool any = false;
	int ret;

	for (int i = 0; i < QCOW2_L2_CACHE; i++)
		any |= s->l2c[i].dirty;
	if (!any)
		return 0;
	ret = qcow2_meta_flush(s);	/* the refcounts and data they point to first */
	for (int i = 0; i < QCOW2_L2_CACHE && ret == 0; i++) {
		struct qcow2_cache_entry *e = &s->l2c[i];

		if (!e->dirty)
			continue;
		ret = bfile_pwrite(s->f, e->offset, e->data, s->cluster_size);
		if (ret == 0)
			e->dirty = false;
	}
	return ret;
}

static struct qcow2_cache_entry *l2_cache_entry(struct qcow2_state *s, uint64_t offset)
{
	for (int i = 0; i < QCOW2_L2_CACHE && offset; i++)
		if (s->l2c[i].offset == offset)
			return &s->l2c[i];
	return NULL;
}

int qcow2_load_table(struct qcow2_state *s, struct qcow2_cache_entry *cache, int n,
		     uint64_t offset, uint8_t **data)
{
	struct qcow2_cache_entry *victim = &cache[0];
	int ret;

	for (int i = 0; i < n; i++) {
		if (cache[i].offset == offset) {
			cache[i].lru = ++s->lru_clock;
			*data = cache[i].data;
			return 0;
		}
		if (cache[i].lru < victim->lru)
			victim = &cache[i];
	}
	if (victim->dirty) {
		/* an early refcount block write is always safe; L2 waits for them */
		ret = cache == s->rbc ? qcow2_refblock_writeback(s) : qcow2_l2_writeback(s);
		if (ret < 0)
			return ret;
	}
	if (!victim->data) {
		victim->data = blk_alloc_buf(s->cluster_size);
		if (!victim->data)
			return -ENOMEM;
	}
	victim->offset = 0;
	ret = bfile_pread(s->f, offset, victim->data, s->cluster_size);
	if (ret < 0)
		return ret;
	victim->offset = offset;
	victim->lru = ++s->lru_clock;
	*data = victim->data;
	return 0;
}

void qcow2_cache_forget(struct qcow2_state *s, uint64_t offset)
{
	for (int i = 0; i < QCOW2_L2_CACHE; i++)
		if (s->l2c[i].offset == offset && !s->l2c[i].dirty)
			s->l2c[i].offset = 0;
	for (int i = 0; i < QCOW2_RB_CACHE; i++)
		if (s->rbc[i].offset == offset) {
			s->rbc[i].offset = 0;
			s->rbc[i].dirty = false;
		}
}

static void cache_free(struct qcow2_cache_entry *c, int n)
{
	for (int i = 0; i < n; i++)
		blk_free_buf(c[i].data);
}

int qcow2_write_l1_entry(struct qcow2_state *s, uint32_t index)
{
	/* write the 512-byte sector holding the entry, from the in-memory table */
	uint32_t first = ALIGN_DOWN(index, 64u);
	uint32_t n = MIN(64u, s->l1_size - first);
	uint8_t buf[512] = { 0 };

	for (uint32_t i = 0; i < n; i++)
		be64_put(buf + 8 * i, s->l1[first + i]);
	return bfile_pwrite(s->f, s->l1_offset + 8ull * first, buf, 8 * n);
}

/* ---- mapping ---- */

static inline uint64_t l2_entry(struct qcow2_state *s, const uint8_t *l2, uint32_t i)
{
	return be64_get(l2 + (size_t)i * s->l2_entry_bytes);
}

static inline uint64_t l2_bitmap(struct qcow2_state *s, const uint8_t *l2, uint32_t i)
{
	return s->extended_l2 ? be64_get(l2 + (size_t)i * 16 + 8) : 0;
}

static inline uint32_t l1_index(struct qcow2_state *s, uint64_t off)
{
	return off >> (s->l2_bits + s->cluster_bits);
}

static inline uint32_t l2_index(struct qcow2_state *s, uint64_t off)
{
	return (off >> s->cluster_bits) & (s->l2_size - 1);
}

static bool l2_offset_ok(struct qcow2_state *s, uint64_t l2_off)
{
	if (!IS_ALIGNED(l2_off, s->cluster_size)) {
		qcow2_report_corruption(s, "L2 table offset 0x%" PRIx64 " is not cluster-aligned", l2_off);
		return false;
	}
	if (l2_off < s->cluster_size) {
		qcow2_report_corruption(s, "L2 table offset 0x%" PRIx64 " points into the header", l2_off);
		return false;
	}
	return true;
}

/* The L2 table for guest offset; *l2 = NULL if unallocated. */
static int get_l2(struct qcow2_state *s, uint64_t off, uint8_t **l2)
{
	uint32_t i1 = l1_index(s, off);
	uint64_t l2_off;

	*l2 = NULL;
	if (i1 >= s->l1_size)
		return 0;
	l2_off = s->l1[i1] & L1E_OFFSET_MASK;
	if (!l2_off)
		return 0;
	if (!l2_offset_ok(s, l2_off))
		return -EIO;
	return qcow2_load_table(s, s->l2c, QCOW2_L2_CACHE, l2_off, l2);
}

enum cluster_type { CL_UNALLOC, CL_ZERO, CL_NORMAL, CL_COMPRESSED };

static enum cluster_type entry_type(struct qcow2_state *s, uint64_t e)
{
	if (e & QCOW_OFLAG_COMPRESSED)
		return CL_COMPRESSED;
	if (!s->extended_l2 && (e & QCOW_OFLAG_ZERO) && s->version >= 3)
		return CL_ZERO;
	if (e & L2E_OFFSET_MASK)
		return CL_NORMAL;
	return CL_UNALLOC;
}

static int check_data_offset(struct qcow2_state *s, uint64_t e)
{
	uint64_t host = e & L2E_OFFSET_MASK;

	if (!IS_ALIGNED(host, s->cluster_size)) {
		qcow2_report_corruption(s, "data cluster offset 0x%" PRIx64 " is not cluster-aligned", host);
		return -EIO;
	}
	if (host < s->cluster_size) {
		qcow2_report_corruption(s, "data cluster offset 0x%" PRIx64 " points into the header", host);
		return -EIO;
	}
	return 0;
}

/* ---- reads ---- */

static int read_backing(struct qcow2_state *s, uint64_t off, uint8_t *buf, uint64_t len)
{
	struct bds *b = s->bs->backing;
	uint64_t n = 0;

	if (b && off < b->size) {
		int ret;

		n = MIN(len, b->size - off);
		ret = bds_pread(b, off, buf, n);
		if (ret < 0)
			return ret;
	}
	memset(buf + n, 0, len - n);
	return 0;
}

bool qcow2_zstd_supported(void)
{
#ifdef CONFIG_ZSTD
	return true;
#else
	return false;
#endif
}

/*
 * Decompress one cluster: deflate without a header (window 2^12) for zlib,
 * one zstd frame for zstd. The input runs to the end of its last sector,
 * so bytes after the stream are normal; the output must fill the cluster.
 */
static bool cluster_decompress(struct qcow2_state *s, const uint8_t *in, size_t in_len,
			       uint8_t *out)
{
	if (s->compression_type == QCOW2_COMPRESSION_ZSTD) {
#ifdef CONFIG_ZSTD
		ZSTD_DCtx *dctx = ZSTD_createDCtx();
		ZSTD_inBuffer zin = { in, in_len, 0 };
		ZSTD_outBuffer zout = { out, s->cluster_size, 0 };
		bool ok = dctx != NULL;

		while (ok && zout.pos < zout.size) {
			size_t prev_in = zin.pos, prev_out = zout.pos;
			size_t r = ZSTD_decompressStream(dctx, &zout, &zin);

			if (ZSTD_isError(r) || r == 0 ||
			    (zin.pos == prev_in && zout.pos == prev_out))
				break;	/* error, frame ended early, or no progress */
		}
		ok = ok && zout.pos == zout.size;
		ZSTD_freeDCtx(dctx);
		return ok;
#else
		return false;
#endif
	} else {
		z_stream z = { 0 };
		int ret;

		if (inflateInit2(&z, -12) != Z_OK)
			return false;
		z.next_in = (uint8_t *)in;
		z.avail_in = in_len;
		z.next_out = out;
		z.avail_out = s->cluster_size;
		ret = inflate(&z, Z_FINISH);
		inflateEnd(&z);
		/* Z_BUF_ERROR: output full before the input ended (sector padding) */
		return (ret == Z_STREAM_END || ret == Z_BUF_ERROR) && z.avail_out == 0;
	}
}

/* Compress one cluster into out (cluster_size bytes); 0 if it does not fit. */
static size_t cluster_compress(struct qcow2_state *s, const uint8_t *in, uint8_t *out)
{
	if (s->compression_type == QCOW2_COMPRESSION_ZSTD) {
#ifdef CONFIG_ZSTD
		size_t r = ZSTD_compress(out, s->cluster_size, in, s->cluster_size, ZSTD_CLEVEL_DEFAULT);

		return ZSTD_isError(r) ? 0 : r;
#else
		return 0;
#endif
	} else {
		z_stream z = { 0 };
		int ret;

		if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -12, 9, Z_DEFAULT_STRATEGY) != Z_OK)
			return 0;
		z.next_in = (uint8_t *)in;
		z.avail_in = s->cluster_size;
		z.next_out = out;
		z.avail_out = s->cluster_size;
		ret = deflate(&z, Z_FINISH);
		deflateEnd(&z);
		return ret == Z_STREAM_END ? s->cluster_size - z.avail_out : 0;
	}
}

static int read_compressed(struct qcow2_state *s, uint64_t e, uint8_t **out)
{
	uint64_t coff = e & s->cluster_offset_mask;
	uint64_t nsec = ((e >> s->csize_shift) & s->csize_mask) + 1;
	uint64_t csize = nsec * 512 - (coff & 511);
	g_autofree uint8_t *cbuf = NULL;
	int ret;

	if (s->zbuf_entry == e && s->zbuf) {
		*out = s->zbuf;
		return 0;
	}
	if (!s->zbuf)
		s->zbuf = g_malloc(s->cluster_size);
	s->zbuf_entry = 0;
	cbuf = g_malloc(csize);
	ret = bfile_pread(s->f, coff, cbuf, csize);
	if (ret < 0)
		return ret;
	if (!cluster_decompress(s, cbuf, csize, s->zbuf)) {
		qcow2_report_corruption(s, "compressed cluster at 0x%" PRIx64 " does not decompress", coff);
		return -EIO;
	}
	s->zbuf_entry = e;
	*out = s->zbuf;
	return 0;
}

/* Read [off, off+len) within one cluster run of an extended-L2 entry. */
static int read_subclusters(struct qcow2_state *s, uint64_t e, uint64_t bitmap, uint64_t off,
			    uint8_t *buf, uint64_t len)
{
	while (len) {
		uint64_t in = off & (s->cluster_size - 1);
		uint32_t sc = in >> s->sc_bits;
		uint64_t n = MIN(len, s->sc_size - (in & (s->sc_size - 1)));
		int ret = 0;

		if (bitmap & (1ull << sc)) {
			if ((ret = check_data_offset(s, e)) == 0)
				ret = bfile_pread(s->f, (e & L2E_OFFSET_MASK) + in, buf, n);
		} else if (bitmap & (1ull << (32 + sc))) {
			memset(buf, 0, n);
		} else {
			ret = read_backing(s, off, buf, n);
		}
		if (ret < 0)
			return ret;
		off += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * Read guest range into a flat buffer (lock held). With unlock_data, the
 * node's lock is dropped around reads of plain data clusters so that
 * requests overlap on the disk; the mapping is looked up again afterwards.
 * (A cluster freed and reused meanwhile can only come from the guest racing
 * its own read with a discard of the same range.) Only guest reads use it:
 * a write in progress must keep the lock.
 */
static int qcow2_read_ex(struct qcow2_state *s, uint64_t off, uint8_t *buf, uint64_t len,
			 bool unlock_data)
{
	while (len) {
		uint8_t *l2;
		uint64_t in = off & (s->cluster_size - 1);
		uint64_t n = MIN(len, s->cluster_size - in);
		uint64_t e;
		int ret = get_l2(s, off, &l2);

		if (ret < 0)
			return ret;
		if (!l2) {
			/* the whole L2 range is unallocated */
			uint64_t span = (uint64_t)s->cluster_size << s->l2_bits;

			n = MIN(len, span - (off & (span - 1)));
			ret = read_backing(s, off, buf, n);
			goto next;
		}
		e = l2_entry(s, l2, l2_index(s, off));
		if (s->extended_l2 && !(e & QCOW_OFLAG_COMPRESSED)) {
			ret = read_subclusters(s, e, l2_bitmap(s, l2, l2_index(s, off)), off, buf, n);
			goto next;
		}
		switch (entry_type(s, e)) {
		case CL_UNALLOC:
			ret = read_backing(s, off, buf, n);
			break;
		case CL_ZERO:
			memset(buf, 0, n);
			break;
		case CL_COMPRESSED: {
			uint8_t *z;

			ret = read_compressed(s, e, &z);
			if (ret == 0)
				memcpy(buf, z + in, n);
			break;
		}
		case CL_NORMAL: {
			uint64_t host = e & L2E_OFFSET_MASK;
			uint32_t i = l2_index(s, off);

			if ((ret = check_data_offset(s, e)) < 0)
				break;
			/* extend over host-contiguous clusters of the same table */
			while (n < len && i + 1 < s->l2_size) {
				uint64_t e2 = l2_entry(s, l2, i + 1);

				if (entry_type(s, e2) != CL_NORMAL ||
				    (e2 & L2E_OFFSET_MASK) != host + (uint64_t)(i + 1 - l2_index(s, off)) * s->cluster_size)
					break;
				n = MIN(len, n + s->cluster_size);
				i++;
			}
			if (unlock_data)
				g_mutex_unlock(&s->bs->lock);
			ret = bfile_pread(s->f, host + in, buf, n);
			if (unlock_data)
				g_mutex_lock(&s->bs->lock);
			break;
		}
		}
next:
		if (ret < 0)
			return ret;
		off += n;
		buf += n;
		len -= n;
	}
	return 0;
}

static int qcow2_read(struct qcow2_state *s, uint64_t off, uint8_t *buf, uint64_t len)
{
	return qcow2_read_ex(s, off, buf, len, false);
}

/* Zero and unallocated clusters whose tables are cached need no thread. */
static int qcow2_read_nowait(struct bds *bs, uint64_t off, uint64_t bytes,
			     const struct iovec *iov, int niov)
{
	struct qcow2_state *s = bs->opaque;
	uint64_t span = (uint64_t)s->cluster_size << s->l2_bits, o = off, end = off + bytes;

	if (s->extended_l2 || s->corrupt_reported)
		return 0;
	while (o < end) {
		uint32_t i1 = l1_index(s, o);
		uint64_t l2_off = i1 < s->l1_size ? s->l1[i1] & L1E_OFFSET_MASK : 0;
		uint64_t n = MIN(end - o, s->cluster_size - (o & (s->cluster_size - 1)));
		enum cluster_type t = CL_UNALLOC;

		if (l2_off) {
			struct qcow2_cache_entry *ce = l2_cache_entry(s, l2_off);

			if (!ce)
				return 0;
			t = entry_type(s, l2_entry(s, ce->data, l2_index(s, o)));
		} else {
			n = MIN(end - o, span - (o & (span - 1)));
		}
		if (t == CL_UNALLOC && bs->backing && o < bs->backing->size)
			return 0;
		if (t != CL_UNALLOC && t != CL_ZERO)
			return 0;
		o += n;
	}
	iov_memset(iov, niov, 0, 0, bytes);
	return 1;
}

static int qcow2_preadv(struct bds *bs, uint64_t offset, uint64_t bytes,
			const struct iovec *iov, int niov)
{
	struct qcow2_state *s = bs->opaque;
	uint8_t *buf;
	int ret;

	if (niov == 1)
		return qcow2_read_ex(s, offset, iov[0].iov_base, bytes, true);
	buf = blk_alloc_buf(bytes);
	if (!buf)
		return -ENOMEM;
	ret = qcow2_read_ex(s, offset, buf, bytes, true);
	if (ret == 0)
		iov_from_buf(iov, niov, 0, buf, bytes);
	blk_free_buf(buf);
	return ret;
}

/* ---- writes ---- */

/*
 * Make the L2 table covering off allocated and exclusively ours (COPIED),
 * copying a table shared with a snapshot. Returns it in *l2.
 */
static int get_l2_writable(struct qcow2_state *s, uint64_t off, uint8_t **l2)
{
	uint32_t i1 = l1_index(s, off);
	uint64_t old = s->l1[i1], old_off = old & L1E_OFFSET_MASK;
	uint8_t *tbl;
	int64_t new_off;
	int ret;

	if (old_off && (old & QCOW_OFLAG_COPIED))
		return get_l2(s, off, l2);
	if (old_off && !l2_offset_ok(s, old_off))
		return -EIO;
	new_off = qcow2_alloc_clusters(s, 1);
	if (new_off < 0)
		return new_off;
	ret = qcow2_meta_flush(s);	/* refcount before the pointer to it */
	if (ret < 0)
		return ret;
	tbl = blk_alloc_buf(s->cluster_size);
	if (!tbl)
		return -ENOMEM;
	if (old_off) {
		ret = bfile_pread(s->f, old_off, tbl, s->cluster_size);
		/* the copy's entries stay shared (no COPIED): the snapshot still uses them */
	} else {
		memset(tbl, 0, s->cluster_size);
	}
	if (ret == 0)
		ret = bfile_pwrite(s->f, new_off, tbl, s->cluster_size);
	blk_free_buf(tbl);
	if (ret == 0)
		ret = qcow2_meta_flush(s);
	if (ret < 0)
		return ret;
	s->l1[i1] = new_off | QCOW_OFLAG_COPIED;
	ret = qcow2_write_l1_entry(s, i1);
	if (ret < 0) {
		s->l1[i1] = old;
		return ret;
	}
	if (old_off) {
		/* the L1 entry no longer names the shared table on disk before it loses us */
		ret = qcow2_meta_flush(s);
		if (ret == 0)
			ret = qcow2_update_refcount(s, old_off >> s->cluster_bits, 1, -1);
		if (ret < 0)
			return ret;
	}
	return get_l2(s, off, l2);
}

/* Write the L2 entries [first, first+n) of the table at l2_off to disk. */
static int write_l2_entries(struct qcow2_state *s, uint64_t l2_off, uint8_t *l2,
			    uint32_t first, uint32_t n)
{
	uint64_t start = ALIGN_DOWN((uint64_t)first * s->l2_entry_bytes, 512);
	uint64_t end = ALIGN_UP((uint64_t)(first + n) * s->l2_entry_bytes, 512);
	struct qcow2_cache_entry *ce = l2_cache_entry(s, l2_off);
	int ret;

	/* deferred entries of this table must not reach the disk early */
	if (ce && ce->dirty && (ret = qcow2_l2_writeback(s)) < 0)
		return ret;
	end = MIN(end, (uint64_t)s->cluster_size);
	return bfile_pwrite(s->f, l2_off + start, l2 + start, end - start);
}

static bool entry_writable_in_place(struct qcow2_state *s, uint64_t e)
{
	return entry_type(s, e) == CL_NORMAL && (e & QCOW_OFLAG_COPIED) && !(e & QCOW_OFLAG_ZERO);
}

/* The part of the image's last cluster past its end reads as zeroes. */
static int read_cluster_range(struct qcow2_state *s, uint64_t off, uint8_t *buf, uint64_t len)
{
	uint64_t r = off < s->bs->size ? MIN(len, s->bs->size - off) : 0;
	int ret = r ? qcow2_read(s, off, buf, r) : 0;

	memset(buf + r, 0, len - r);
	return ret;
}

/*
 * Write [off, off+n) inside one cluster of an image with extended L2
 * entries (qcow2.txt "Extended L2 Entries": bit x of the bitmap says
 * subcluster x is in the host cluster, bit 32+x that it reads as zeroes,
 * neither that it comes from the backing file). Only the subclusters the
 * write touches are written (partial ones completed with what they read as
 * now) and marked allocated; a cluster shared with a snapshot or
 * compressed is copied whole into a new one. As for normal entries, an
 * entry change that frees nothing is deferred to the next flush.
 */
static int write_cluster_extl2(struct qcow2_state *s, uint64_t l2_off, uint64_t off,
			       const uint8_t *buf, uint64_t n)
{
	uint64_t cs = s->cluster_size, in = off & (cs - 1), gstart = off - in;
	uint32_t sc_first = in >> s->sc_bits, sc_last = (in + n - 1) >> s->sc_bits;
	uint64_t a_start = (uint64_t)sc_first << s->sc_bits, a_end = (uint64_t)(sc_last + 1) << s->sc_bits;
	uint64_t touched = ((sc_last == 31 ? 0 : 1ull << (sc_last + 1)) - (1ull << sc_first)) & 0xffffffffull;
	uint32_t i = l2_index(s, off);
	uint8_t *l2, *sbuf = NULL;
	uint64_t e, bm, new_bm;
	int64_t host;
	bool whole;
	int ret = qcow2_load_table(s, s->l2c, QCOW2_L2_CACHE, l2_off, &l2);

	if (ret < 0)
		return ret;
	e = l2_entry(s, l2, i);
	bm = l2_bitmap(s, l2, i);
	whole = (e & QCOW_OFLAG_COMPRESSED) ||
		((e & L2E_OFFSET_MASK) && !(e & QCOW_OFLAG_COPIED));
	if (whole) {
		a_start = 0;
		a_end = cs;
	}
	if ((e & L2E_OFFSET_MASK) && !(e & QCOW_OFLAG_COMPRESSED) && (ret = check_data_offset(s, e)) < 0)
		return ret;
	/* what the written subclusters hold around the new data */
	if (whole || (touched & ~bm) || in != a_start || in + n != a_end) {
		sbuf = blk_alloc_buf(a_end - a_start);
		if (!sbuf)
			return -ENOMEM;
		ret = read_cluster_range(s, gstart + a_start, sbuf, a_end - a_start);
		if (ret == 0)
			memcpy(sbuf + (in - a_start), buf, n);
		/* reading may have evicted the table */
		if (ret == 0)
			ret = qcow2_load_table(s, s->l2c, QCOW2_L2_CACHE, l2_off, &l2);
		if (ret < 0)
			goto out;
	}
	if ((e & L2E_OFFSET_MASK) && !whole) {
		/* our own cluster: write in place */
		host = e & L2E_OFFSET_MASK;
	} else {
		host = qcow2_alloc_clusters(s, 1);
		if (host < 0) {
			ret = host;
			goto out;
		}
	}
	ret = sbuf ? bfile_pwrite(s->f, host + a_start, sbuf, a_end - a_start)
		   : bfile_pwrite(s->f, host + in, buf, n);
	if (ret == 0)
		ret = qcow2_load_table(s, s->l2c, QCOW2_L2_CACHE, l2_off, &l2);
	if (ret < 0)
		goto out;
	if (whole) {
		/* replace a shared or compressed cluster: the usual ordering */
		ret = qcow2_meta_flush(s);
		be64_put(l2 + (size_t)i * 16, (uint64_t)host | QCOW_OFLAG_COPIED);
		be64_put(l2 + (size_t)i * 16 + 8, QCOW2_EXTL2_ALL_ALLOC);
		if (ret == 0)
			ret = write_l2_entries(s, l2_off, l2, i, 1);
		if (ret == 0)
			ret = qcow2_meta_flush(s);
		if (ret == 0)
			ret = qcow2_free_l2_entry(s, e);
		if (ret < 0)
			qcow2_cache_forget(s, l2_off);
		goto out;
	}
	/* an unallocated entry has no allocated subclusters, whatever its bitmap says */
	new_bm = ((e & L2E_OFFSET_MASK) ? bm : bm & ~0xffffffffull);
	new_bm = (new_bm | touched) & ~(touched << 32);
	if (new_bm != bm || !(e & L2E_OFFSET_MASK)) {
		struct qcow2_cache_entry *ce = l2_cache_entry(s, l2_off);

		be64_put(l2 + (size_t)i * 16, (uint64_t)host | QCOW_OFLAG_COPIED);
		be64_put(l2 + (size_t)i * 16 + 8, new_bm);
		if (s->unsafe) {
			ret = write_l2_entries(s, l2_off, l2, i, 1);
		} else {
			/* nothing is freed: written after the next flush, with the data before it */
			g_assert(ce && ce->data == l2);
			ce->dirty = true;
		}
	}
out:
	blk_free_buf(sbuf);
	return ret;
}

/*
 * Write [off, off+len) which lies within one L2 table, data from buf.
 * Clusters that are ours are written in place; the others get new
 * clusters, filled with the old content around the written part.
 */
static int write_chunk(struct qcow2_state *s, uint64_t off, const uint8_t *buf, uint64_t len)
{
	uint8_t *l2;
	uint64_t l2_off;
	int ret = get_l2_writable(s, off, &l2);

	if (ret < 0)
		return ret;
	l2_off = s->l1[l1_index(s, off)] & L1E_OFFSET_MASK;
	while (len && s->extended_l2) {
		uint64_t n = MIN(len, s->cluster_size - (off & (s->cluster_size - 1)));

		ret = write_cluster_extl2(s, l2_off, off, buf, n);
		if (ret < 0)
			return ret;
		off += n;
		buf += n;
		len -= n;
	}
	while (len) {
		uint32_t i = l2_index(s, off);
		uint64_t e = l2_entry(s, l2, i);
		uint64_t in = off & (s->cluster_size - 1);
		uint64_t n = MIN(len, s->cluster_size - in);
		uint32_t m = 1;

		if (entry_writable_in_place(s, e)) {
			uint64_t host = e & L2E_OFFSET_MASK;

			if ((ret = check_data_offset(s, e)) < 0)
				return ret;
			while (n < len && i + m < s->l2_size) {
				uint64_t e2 = l2_entry(s, l2, i + m);

				if (!entry_writable_in_place(s, e2) ||
				    (e2 & L2E_OFFSET_MASK) != host + (uint64_t)m * s->cluster_size)
					break;
				n = MIN(len, n + s->cluster_size);
				m++;
			}
			ret = bfile_pwrite(s->f, host + in, buf, n);
			if (ret < 0)
				return ret;
		} else {
			uint64_t gstart = off - in, total;
			uint8_t *cbuf;
			int64_t host;
			uint64_t *old;

			/* a run of clusters that all need allocation */
			while (n < len && i + m < s->l2_size &&
			       !entry_writable_in_place(s, l2_entry(s, l2, i + m)) &&
			       (uint64_t)(m + 1) * s->cluster_size <= 8 * MiB) {
				n = MIN(len, n + s->cluster_size);
				m++;
			}
			total = (uint64_t)m * s->cluster_size;
			host = qcow2_alloc_clusters(s, m);
			if (host < 0)
				return host;
			if (in == 0 && n == total) {
				/* whole clusters: no old content to merge, no copy */
				ret = bfile_pwrite(s->f, host, buf, n);
				goto written;
			}
			cbuf = blk_alloc_buf(total);
			if (!cbuf)
				return -ENOMEM;
			ret = 0;
			if (in)
				ret = qcow2_read(s, gstart, cbuf, in);
			if (ret == 0 && in + n < total) {
				uint64_t tail = gstart + in + n;
				uint64_t tlen = total - in - n;

				/* never read past the image end */
				if (tail < s->bs->size) {
					uint64_t r = MIN(tlen, s->bs->size - tail);

					ret = qcow2_read(s, tail, cbuf + in + n, r);
					memset(cbuf + in + n + r, 0, tlen - r);
				} else {
					memset(cbuf + in + n, 0, tlen);
				}
			}
			/* reading may have evicted our L2 table: reload it */
			if (ret == 0)
				ret = qcow2_load_table(s, s->l2c, QCOW2_L2_CACHE, l2_off, &l2);
			if (ret == 0) {
				int64_t eof = bfile_getlength(s->f);

				if (eof >= 0 && (uint64_t)host >= (uint64_t)eof &&
				    buffer_is_zero(cbuf, in) && buffer_is_zero(cbuf + in + n, total - in - n)) {
					/* past the end of the file the zeroes around are free */
					ret = bfile_pwrite(s->f, host + in, buf, n);
				} else {
					memcpy(cbuf + in, buf, n);
					ret = bfile_pwrite(s->f, host, cbuf, total);
				}
			}
			blk_free_buf(cbuf);
written:
			if (ret < 0)
				return ret;
			old = g_new(uint64_t, m);
			bool frees = false;

			for (uint32_t k = 0; k < m; k++) {
				old[k] = l2_entry(s, l2, i + k);
				frees |= (old[k] & (L2E_OFFSET_MASK | QCOW_OFLAG_COMPRESSED)) != 0;
			}
			if (!frees && !s->unsafe) {
				/* new clusters only: defer the L2 entries to the next flush */
				struct qcow2_cache_entry *ce = l2_cache_entry(s, l2_off);

				for (uint32_t k = 0; k < m; k++)
					be64_put(l2 + (size_t)(i + k) * s->l2_entry_bytes,
						 (host + (uint64_t)k * s->cluster_size) | QCOW_OFLAG_COPIED);
				g_assert(ce && ce->data == l2);
				ce->dirty = true;
				g_free(old);
				goto next;
			}
			ret = qcow2_meta_flush(s);	/* refcounts (and data) before L2 */
			for (uint32_t k = 0; k < m && ret == 0; k++)
				be64_put(l2 + (size_t)(i + k) * s->l2_entry_bytes,
					 (host + (uint64_t)k * s->cluster_size) | QCOW_OFLAG_COPIED);
			if (ret == 0)
				ret = write_l2_entries(s, l2_off, l2, i, m);
			if (ret == 0)	/* the old pointers gone on disk before their references drop */
				ret = qcow2_meta_flush(s);
			for (uint32_t k = 0; k < m && ret == 0; k++)
				ret = qcow2_free_l2_entry(s, old[k]);
			g_free(old);
			if (ret < 0) {
				qcow2_cache_forget(s, l2_off);
				return ret;
			}
			ret = qcow2_load_table(s, s->l2c, QCOW2_L2_CACHE, l2_off, &l2);
			if (ret < 0)
				return ret;
		}
next:
		off += n;
		buf += n;
		len -= n;
	}
	return 0;
}

static int qcow2_write(struct qcow2_state *s, uint64_t off, const uint8_t *buf, uint64_t len)
{
	uint64_t span = (uint64_t)s->cluster_size << s->l2_bits;

	if (s->corrupt_reported)
		return -EIO;
	if (s->bs->readonly)
		return -EACCES;
	s->zbuf_entry = 0;
	while (len) {
		uint64_t n = MIN(len, span - (off & (span - 1)));
		int ret = write_chunk(s, off, buf, n);

		if (ret < 0)
			return ret;
		off += n;
		buf += n;
		len -= n;
	}
	return 0;
}

static int qcow2_pwritev(struct bds *bs, uint64_t offset, uint64_t bytes,
			 const struct iovec *iov, int niov)
{
	struct qcow2_state *s = bs->opaque;
	uint8_t *buf;
	int ret;

	if (niov == 1)
		return qcow2_write(s, offset, iov[0].iov_base, bytes);
	buf = blk_alloc_buf(bytes);
	if (!buf)
		return -ENOMEM;
	iov_to_buf(iov, niov, 0, buf, bytes);
	ret = qcow2_write(s, offset, buf, bytes);
	blk_free_buf(buf);
	return ret;
}

/*
 * Replace the L2 entries of the whole clusters in [off, off+len) by
 * new_entry (0 or QCOW_OFLAG_ZERO), dropping what they pointed to.
 */
static int set_clusters(struct qcow2_state *s, uint64_t off, uint64_t len, uint64_t new_entry)
{
	uint64_t span = (uint64_t)s->cluster_size << s->l2_bits;
	/* extended L2 has no zero flag: every subcluster "reads as zeroes" instead */
	uint64_t entry = s->extended_l2 ? 0 : new_entry;
	uint64_t bitmap = s->extended_l2 && new_entry == QCOW_OFLAG_ZERO ? QCOW2_EXTL2_ALL_ZERO : 0;

	while (len) {
		uint64_t n = MIN(len, span - (off & (span - 1)));
		uint32_t first = l2_index(s, off), cnt = n >> s->cluster_bits;
		uint64_t *old, l2_off;
		uint8_t *l2;
		bool any = false;
		int ret;

		ret = get_l2(s, off, &l2);
		if (ret < 0)
			return ret;
		if (!l2 && new_entry == 0)
			goto next;
		/* nothing to change? (avoid allocating L2 tables for nothing) */
		for (uint32_t k = 0; l2 && k < cnt && !any; k++)
			any = l2_entry(s, l2, first + k) != entry ||
			      l2_bitmap(s, l2, first + k) != bitmap;
		if (l2 && !any)
			goto next;
		ret = get_l2_writable(s, off, &l2);
		if (ret < 0)
			return ret;
		l2_off = s->l1[l1_index(s, off)] & L1E_OFFSET_MASK;
		old = g_new(uint64_t, cnt);
		for (uint32_t k = 0; k < cnt; k++) {
			old[k] = l2_entry(s, l2, first + k);
			be64_put(l2 + (size_t)(first + k) * s->l2_entry_bytes, entry);
			if (s->extended_l2)
				be64_put(l2 + (size_t)(first + k) * 16 + 8, bitmap);
		}
		ret = write_l2_entries(s, l2_off, l2, first, cnt);
		if (ret == 0)
			ret = qcow2_meta_flush(s);	/* L2 no longer points there: now free */
		for (uint32_t k = 0; k < cnt && ret == 0; k++) {
			uint64_t h = old[k] & L2E_OFFSET_MASK;

			if (entry_type(s, old[k]) == CL_NORMAL && (old[k] & QCOW_OFLAG_COPIED) &&
			    s->bs->discard_unmap)
				bfile_discard(s->f, h, s->cluster_size);
			ret = qcow2_free_l2_entry(s, old[k]);
		}
		g_free(old);
		if (ret < 0) {
			qcow2_cache_forget(s, l2_off);
			return ret;
		}
next:
		off += n;
		len -= n;
	}
	return 0;
}

static int qcow2_discard(struct bds *bs, uint64_t offset, uint64_t bytes)
{
	struct qcow2_state *s = bs->opaque;
	uint64_t start = ALIGN_UP(offset, s->cluster_size);
	uint64_t end = ALIGN_DOWN(offset + bytes, s->cluster_size);

	if (offset + bytes == bs->size)
		end = ALIGN_UP(bs->size, s->cluster_size);
	if (s->corrupt_reported)
		return -EIO;
	if (end <= start)
		return 0;
	if (bs->backing) {
		if (s->version < 3)
			return 0;	/* v2 cannot hide the backing file */
		return set_clusters(s, start, end - start, QCOW_OFLAG_ZERO);
	}
	return set_clusters(s, start, end - start, 0);
}

static int qcow2_write_zeroes(struct bds *bs, uint64_t offset, uint64_t bytes)
{
	struct qcow2_state *s = bs->opaque;
	uint64_t start = ALIGN_UP(offset, s->cluster_size);
	uint64_t end = ALIGN_DOWN(offset + bytes, s->cluster_size);
	uint8_t *zero;
	int ret = 0;

	if (s->corrupt_reported)
		return -EIO;
	if (bs->readonly)
		return -EACCES;
	if (offset + bytes == bs->size)
		end = ALIGN_UP(bs->size, s->cluster_size);
	if (end > start && (s->version >= 3 || !bs->backing)) {
		ret = set_clusters(s, start, end - start, s->version >= 3 ? QCOW_OFLAG_ZERO : 0);
		if (ret < 0)
			return ret;
	} else {
		start = end = offset;
	}
	/* the partial clusters at either edge are written as data */
	zero = blk_alloc_buf(s->cluster_size);
	if (!zero)
		return -ENOMEM;
	memset(zero, 0, s->cluster_size);
	if (start > end)	/* the whole request is inside one cluster */
		start = end = offset + bytes;
	for (uint64_t o = offset; o < start && ret == 0;) {
		uint64_t n = MIN(start - o, s->cluster_size - (o & (s->cluster_size - 1)));

		ret = qcow2_write(s, o, zero, n);
		o += n;
	}
	for (uint64_t o = MAX(end, offset); o < offset + bytes && ret == 0;) {
		uint64_t n = MIN(offset + bytes - o, s->cluster_size - (o & (s->cluster_size - 1)));

		ret = qcow2_write(s, o, zero, n);
		o += n;
	}
	blk_free_buf(zero);
	return ret;
}

static int qcow2_pwrite_compressed(struct bds *bs, uint64_t offset, const void *buf, uint64_t bytes)
{
	struct qcow2_state *s = bs->opaque;
	uint8_t *in, *out, *l2;
	uint64_t outlen, nsec, e, old, l2_off;
	int64_t host;
	int ret;

	if (!IS_ALIGNED(offset, s->cluster_size) || bytes > s->cluster_size ||
	    (bytes < s->cluster_size && offset + bytes != bs->size))
		return -EINVAL;
	if (s->extended_l2 || bs->readonly)
		return -EACCES;
	in = g_malloc0(s->cluster_size);
	out = g_malloc(s->cluster_size);
	memcpy(in, buf, bytes);
	outlen = cluster_compress(s, in, out);
	if (!outlen || outlen >= s->cluster_size - 512) {
		/* does not compress: store it plainly */
		ret = qcow2_write(s, offset, in, s->cluster_size > bytes ? bytes : s->cluster_size);
		goto out;
	}
	host = qcow2_alloc_bytes(s, outlen);
	if (host < 0) {
		ret = host;
		goto out;
	}
	ret = bfile_pwrite(s->f, host, out, outlen);
	if (ret == 0)
		ret = qcow2_meta_flush(s);
	if (ret == 0)
		ret = get_l2_writable(s, offset, &l2);
	if (ret < 0)
		goto out;
	l2_off = s->l1[l1_index(s, offset)] & L1E_OFFSET_MASK;
	nsec = ((host + outlen - 1) >> 9) - (host >> 9);
	e = QCOW_OFLAG_COMPRESSED | (nsec << s->csize_shift) | (uint64_t)host;
	old = l2_entry(s, l2, l2_index(s, offset));
	be64_put(l2 + (size_t)l2_index(s, offset) * s->l2_entry_bytes, e);
	ret = write_l2_entries(s, l2_off, l2, l2_index(s, offset), 1);
	if (ret == 0 && (old & (L2E_OFFSET_MASK | QCOW_OFLAG_COMPRESSED)))
		ret = qcow2_meta_flush(s);	/* the old pointer gone on disk before it is freed */
	if (ret == 0)
		ret = qcow2_free_l2_entry(s, old);
	if (ret < 0)
		qcow2_cache_forget(s, l2_off);
out:
	g_free(in);
	g_free(out);
	return ret;
}

static int qcow2_flush(struct bds *bs)
{
	struct qcow2_state *s = bs->opaque;
	int ret = qcow2_l2_writeback(s);

	if (ret == 0)
		ret = qcow2_refblock_writeback(s);	/* cache=unsafe has them all here */
	return ret < 0 ? ret : bfile_flush(s->f);
}

static int qcow2_block_status(struct bds *bs, uint64_t offset, uint64_t bytes,
			      uint64_t *pnum, uint64_t *map, unsigned *status)
{
	struct qcow2_state *s = bs->opaque;
	uint64_t span = (uint64_t)s->cluster_size << s->l2_bits;
	uint64_t in = offset & (s->cluster_size - 1);
	uint64_t n = MIN(bytes, s->cluster_size - in);
	unsigned st;
	uint8_t *l2;
	uint64_t e, host = 0;
	uint32_t i;
	int ret = get_l2(s, offset, &l2);

	if (ret < 0)
		return ret;
	*map = 0;
	if (!l2) {
		*pnum = MIN(bytes, span - (offset & (span - 1)));
		*status = bs->backing ? 0 : BLK_STATUS_ZERO;
		return 0;
	}
	i = l2_index(s, offset);
	e = l2_entry(s, l2, i);
	if (s->extended_l2 && !(e & QCOW_OFLAG_COMPRESSED)) {
		/* report per cluster: allocated if any subcluster is */
		uint64_t bm = l2_bitmap(s, l2, i);

		st = (bm & 0xffffffff) ? BLK_STATUS_ALLOCATED | BLK_STATUS_DATA | BLK_STATUS_OFFSET_VALID :
		     (bm >> 32) ? BLK_STATUS_ALLOCATED | BLK_STATUS_ZERO : 0;
		*pnum = n;
		*map = (e & L2E_OFFSET_MASK) + in;
		*status = st;
		return 0;
	}
	switch (entry_type(s, e)) {
	case CL_UNALLOC: st = bs->backing ? 0 : BLK_STATUS_ZERO; break;
	case CL_ZERO: st = BLK_STATUS_ALLOCATED | BLK_STATUS_ZERO; break;
	case CL_COMPRESSED: st = BLK_STATUS_ALLOCATED | BLK_STATUS_DATA | BLK_STATUS_COMPRESSED; break;
	default:
		host = e & L2E_OFFSET_MASK;
		st = BLK_STATUS_ALLOCATED | BLK_STATUS_DATA | BLK_STATUS_OFFSET_VALID;
		*map = host + in;
		break;
	}
	for (uint32_t k = i + 1; n < bytes && k < s->l2_size; k++) {
		uint64_t e2 = l2_entry(s, l2, k);
		enum cluster_type t2 = entry_type(s, e2);

		if (t2 != entry_type(s, e) || t2 == CL_COMPRESSED)
			break;
		if (t2 == CL_NORMAL && (e2 & L2E_OFFSET_MASK) != host + (uint64_t)(k - i) * s->cluster_size)
			break;
		n = MIN(bytes, n + s->cluster_size);
	}
	*pnum = n;
	*status = st;
	return 0;
}

/* ---- header ---- */

static int write_header_field(struct qcow2_state *s, uint64_t off, const void *p, size_t len)
{
	return bfile_pwrite(s->f, off, p, len);
}

int qcow2_grow_l1(struct qcow2_state *s, uint32_t new_size)
{
	uint64_t bytes = ALIGN_UP((uint64_t)new_size * 8, s->cluster_size);
	uint64_t old_off = s->l1_offset, old_bytes = ALIGN_UP((uint64_t)s->l1_size * 8, s->cluster_size);
	uint8_t *buf, hdr[12];
	int64_t off;
	int ret;

	if ((uint64_t)new_size * 8 > QCOW_MAX_L1_SIZE)
		return -EFBIG;
	off = qcow2_alloc_clusters(s, bytes >> s->cluster_bits);
	if (off < 0)
		return off;
	buf = blk_alloc_buf(bytes);
	memset(buf, 0, bytes);
	for (uint32_t i = 0; i < s->l1_size; i++)
		be64_put(buf + 8 * i, s->l1[i]);
	ret = bfile_pwrite(s->f, off, buf, bytes);
	blk_free_buf(buf);
	if (ret == 0)
		ret = qcow2_meta_flush(s);
	if (ret < 0)
		return ret;
	be32_put(hdr, new_size);
	be64_put(hdr + 4, off);
	ret = write_header_field(s, HDR_L1_SIZE_OFF, hdr, 12);
	if (ret == 0)
		ret = qcow2_meta_flush(s);
	if (ret < 0)
		return ret;
	s->l1 = g_renew(uint64_t, s->l1, new_size);
	memset(s->l1 + s->l1_size, 0, 8ull * (new_size - s->l1_size));
	s->l1_size = new_size;
	s->l1_offset = off;
	if (old_off && old_bytes)
		ret = qcow2_free_clusters(s, old_off, old_bytes);
	return ret;
}

static int qcow2_truncate(struct bds *bs, uint64_t size, GError **errp)
{
	struct qcow2_state *s = bs->opaque;
	uint64_t span = (uint64_t)s->cluster_size << s->l2_bits;
	uint64_t need = DIV_ROUND_UP_U64(size, span);
	uint8_t be[8];
	int ret;

	if (s->corrupt_reported) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: cannot resize this image", bs->filename);
		return -ENOTSUP;
	}
	if (size < bs->size) {
		uint64_t from = ALIGN_UP(size, s->cluster_size);

		if (from < bs->size) {
			ret = set_clusters(s, from, ALIGN_UP(bs->size, s->cluster_size) - from, 0);
			if (ret < 0)
				goto fail;
		}
	}
	if (need > s->l1_size) {
		ret = qcow2_grow_l1(s, need);
		if (ret < 0)
			goto fail;
	}
	be64_put(be, size);
	ret = write_header_field(s, HDR_SIZE_OFF, be, 8);
	if (ret == 0)
		ret = qcow2_meta_flush(s);
	if (ret < 0)
		goto fail;
	bs->size = size;
	return 0;
fail:
	g_set_error(errp, KEMU_ERROR, 0, "%s: could not resize: %s", bs->filename, g_strerror(-ret));
	return ret;
}

static int qcow2_probe(const uint8_t *buf, size_t len)
{
	if (len >= 8 && be32_get(buf) == QCOW_MAGIC && be32_get(buf + 4) >= 2)
		return 100;
	return 0;
}

#define OPEN_ERR(...) do { \
	g_autofree char *m_ = g_strdup_printf(__VA_ARGS__); \
	g_set_error(errp, KEMU_ERROR, 0, "Could not open '%s': %s", bs->filename, m_); \
	goto fail; } while (0)

static int parse_extensions(struct qcow2_state *s, const uint8_t *hdr, uint64_t end, GError **errp)
{
	struct bds *bs = s->bs;
	uint64_t off = s->version >= 3 ? s->header_length : 72;

	while (off + 8 <= end) {
		uint32_t type = be32_get(hdr + off), len = be32_get(hdr + off + 4);

		if (type == QCOW2_EXT_MAGIC_END)
			return 0;
		if (len > end - off - 8)
			OPEN_ERR("image is corrupt: header extension 0x%x at 0x%" PRIx64
				 " runs past the header cluster", type, off);
		switch (type) {
		case QCOW2_EXT_MAGIC_BACKING_FORMAT:
			g_free(bs->backing_fmt);
			bs->backing_fmt = g_strndup((const char *)hdr + off + 8, len);
			break;
		case QCOW2_EXT_MAGIC_CRYPTO_HEADER:
			OPEN_ERR("encrypted qcow2 images are not supported");
		case QCOW2_EXT_MAGIC_DATA_FILE:
			OPEN_ERR("qcow2 images with an external data file are not supported");
		default:
			break;	/* feature table, bitmaps (autoclear), unknown: ignore */
		}
		off += 8 + ALIGN_UP((uint64_t)len, 8);
	}
	return 0;
fail:
	return -EINVAL;
}

static int qcow2_open(struct bds *bs, const struct blk_open_opts *opts, GError **errp)
{
	struct qcow2_state *s = g_new0(struct qcow2_state, 1);
	int64_t file_len = bfile_getlength(bs->file);
	uint8_t *hdr = NULL;
	uint64_t hdr_len, backing_off, size, span;
	uint32_t backing_len;
	int ret;

	s->bs = bs;
	s->f = bs->file;
	bs->opaque = s;
	s->unsafe = opts->cache == BLK_CACHE_UNSAFE;
	if (file_len < 0)
		OPEN_ERR("%s", g_strerror(-file_len));
	if (file_len < 72)
		OPEN_ERR("image is corrupt: file too short for a qcow2 header (%" PRId64 " bytes)", file_len);
	hdr = g_malloc0(2 * MiB);
	hdr_len = MIN((uint64_t)file_len, 2 * MiB);
	if ((ret = bfile_pread(s->f, 0, hdr, hdr_len)) < 0)
		OPEN_ERR("could not read header: %s", g_strerror(-ret));
	if (be32_get(hdr) != QCOW_MAGIC)
		OPEN_ERR("Image is not in qcow2 format");
	s->version = be32_get(hdr + 4);
	if (s->version < 2 || s->version > 3)
		OPEN_ERR("Unsupported qcow2 version %u", s->version);
	s->cluster_bits = be32_get(hdr + 20);
	if (s->cluster_bits < 9 || s->cluster_bits > 21)
		OPEN_ERR("image is corrupt: cluster size 2^%u is not between 512 B and 2 MiB",
			 s->cluster_bits);
	s->cluster_size = 1u << s->cluster_bits;
	if ((uint64_t)file_len < s->cluster_size && file_len < 512)
		OPEN_ERR("image is corrupt: file shorter than one cluster");
	size = be64_get(hdr + 24);
	if (be32_get(hdr + 32))
		OPEN_ERR("encrypted qcow2 images are not supported (crypt_method %u)", be32_get(hdr + 32));
	s->l1_size = be32_get(hdr + 36);
	s->l1_offset = be64_get(hdr + 40);
	s->rt_offset = be64_get(hdr + 48);
	s->rt_clusters = be32_get(hdr + 56);
	s->nb_snapshots = be32_get(hdr + 60);
	s->snapshots_offset = be64_get(hdr + 64);
	s->refcount_order = 4;
	s->header_length = 72;
	if (s->version >= 3) {
		s->incompat = be64_get(hdr + 72);
		s->compat = be64_get(hdr + 80);
		s->autoclear = be64_get(hdr + 88);
		s->refcount_order = be32_get(hdr + 96);
		s->header_length = be32_get(hdr + 100);
		if (s->header_length < 104 || s->header_length > s->cluster_size)
			OPEN_ERR("image is corrupt: header length %u is invalid", s->header_length);
		if (s->header_length >= 105)
			s->compression_type = hdr[104];
	}
	if (s->incompat & ~QCOW2_INCOMPAT_MASK)
		OPEN_ERR("Unsupported qcow2 feature(s): incompatible bits 0x%" PRIx64,
			 s->incompat & ~QCOW2_INCOMPAT_MASK);
	if (s->incompat & QCOW2_INCOMPAT_DATA_FILE)
		OPEN_ERR("qcow2 images with an external data file are not supported");
	if (s->compression_type > QCOW2_COMPRESSION_ZSTD)
		OPEN_ERR("Unknown compression type %u", s->compression_type);
	if (s->compression_type == QCOW2_COMPRESSION_ZSTD && !qcow2_zstd_supported())
		OPEN_ERR("compression type zstd is not supported by this build (no libzstd)");
	/* qcow2.txt: a compression type other than zlib needs incompatible bit 3 */
	if ((s->compression_type != QCOW2_COMPRESSION_ZLIB) !=
	    !!(s->incompat & QCOW2_INCOMPAT_COMPRESSION))
		OPEN_ERR("image is corrupt: compression type %u does not match incompatible bit 3",
			 s->compression_type);
	if ((s->incompat & QCOW2_INCOMPAT_CORRUPT) && !bs->readonly)
		OPEN_ERR("qcow2: Image is corrupt; cannot be opened read/write "
			 "(run 'kemu-img check -r all')");
	s->extended_l2 = !!(s->incompat & QCOW2_INCOMPAT_EXTL2);
	if (s->extended_l2 && s->cluster_bits < 14)
		OPEN_ERR("image is corrupt: extended L2 entries need clusters of 16 KiB or more");
	if (s->refcount_order > 6)
		OPEN_ERR("image is corrupt: refcount order %u is more than 6", s->refcount_order);
	s->refcount_bits = 1u << s->refcount_order;
	s->refcount_max = s->refcount_bits == 64 ? UINT64_MAX : (1ull << s->refcount_bits) - 1;
	s->rb_entries = ((uint64_t)s->cluster_size * 8) >> s->refcount_order;
	s->l2_entry_bytes = s->extended_l2 ? 16 : 8;
	s->l2_bits = s->cluster_bits - (s->extended_l2 ? 4 : 3);
	s->l2_size = 1u << s->l2_bits;
	s->sc_bits = s->cluster_bits - 5;
	s->sc_size = 1u << s->sc_bits;
	s->csize_shift = 62 - (s->cluster_bits - 8);
	s->csize_mask = (1ull << (s->cluster_bits - 8)) - 1;
	s->cluster_offset_mask = (1ull << s->csize_shift) - 1;

	/* sizes and table placement */
	span = (uint64_t)s->cluster_size << s->l2_bits;
	if (size > (1ull << 62) || DIV_ROUND_UP_U64(size, span) > QCOW_MAX_L1_SIZE / 8)
		OPEN_ERR("image is corrupt: virtual size %" PRIu64 " is too large", size);
	if ((uint64_t)s->l1_size * 8 > QCOW_MAX_L1_SIZE)
		OPEN_ERR("image is corrupt: L1 table of %u entries is too large", s->l1_size);
	if (s->l1_size < DIV_ROUND_UP_U64(size, span))
		OPEN_ERR("image is corrupt: L1 table of %u entries is too small for %" PRIu64 " bytes",
			 s->l1_size, size);
	if (s->l1_size && (!IS_ALIGNED(s->l1_offset, s->cluster_size) || s->l1_offset == 0))
		OPEN_ERR("image is corrupt: L1 table offset 0x%" PRIx64 " is invalid", s->l1_offset);
	if (s->l1_size && s->l1_offset + 8ull * s->l1_size > (uint64_t)file_len)
		OPEN_ERR("image is corrupt: L1 table at 0x%" PRIx64 " is past the end of the file",
			 s->l1_offset);
	if (!IS_ALIGNED(s->rt_offset, s->cluster_size) || s->rt_offset == 0)
		OPEN_ERR("image is corrupt: refcount table offset 0x%" PRIx64 " is invalid", s->rt_offset);
	if (s->rt_clusters == 0 || (uint64_t)s->rt_clusters * s->cluster_size > QCOW_MAX_REFTABLE_SIZE)
		OPEN_ERR("image is corrupt: refcount table of %u clusters is invalid", s->rt_clusters);
	if (s->rt_offset + (uint64_t)s->rt_clusters * s->cluster_size > (uint64_t)file_len + s->cluster_size)
		OPEN_ERR("image is corrupt: refcount table at 0x%" PRIx64 " is past the end of the file",
			 s->rt_offset);
	if (s->nb_snapshots > QCOW_MAX_SNAPSHOTS)
		OPEN_ERR("image is corrupt: %u snapshots is too many", s->nb_snapshots);
	if (s->nb_snapshots && !IS_ALIGNED(s->snapshots_offset, s->cluster_size))
		OPEN_ERR("image is corrupt: snapshot table offset 0x%" PRIx64 " is invalid",
			 s->snapshots_offset);

	/* backing file name and extensions */
	backing_off = be64_get(hdr + 8);
	backing_len = be32_get(hdr + 16);
	if (backing_off) {
		if (backing_len > 1023 || backing_off + backing_len > s->cluster_size ||
		    backing_off + backing_len > hdr_len)
			OPEN_ERR("image is corrupt: backing file name at 0x%" PRIx64 " (%u bytes) is "
				 "outside the header cluster", backing_off, backing_len);
		bs->backing_file = g_strndup((const char *)hdr + backing_off, backing_len);
	}
	if (parse_extensions(s, hdr, MIN(backing_off ? backing_off : s->cluster_size,
					 MIN((uint64_t)s->cluster_size, hdr_len)), errp) < 0)
		goto fail_noerr;

	/* tables */
	s->l1 = g_new0(uint64_t, MAX(s->l1_size, 1u));
	if (s->l1_size) {
		uint8_t *buf = g_malloc(8ull * s->l1_size);

		ret = bfile_pread(s->f, s->l1_offset, buf, 8ull * s->l1_size);
		for (uint32_t i = 0; i < s->l1_size; i++)
			s->l1[i] = be64_get(buf + 8 * i);
		g_free(buf);
		if (ret < 0)
			OPEN_ERR("could not read L1 table: %s", g_strerror(-ret));
	}
	s->rt_size = (uint64_t)s->rt_clusters * s->cluster_size / 8;
	s->rt = g_new0(uint64_t, s->rt_size);
	{
		uint8_t *buf = g_malloc((uint64_t)s->rt_clusters * s->cluster_size);

		ret = bfile_pread(s->f, s->rt_offset, buf, (uint64_t)s->rt_clusters * s->cluster_size);
		for (uint64_t i = 0; i < s->rt_size; i++)
			s->rt[i] = be64_get(buf + 8 * i);
		g_free(buf);
		if (ret < 0)
			OPEN_ERR("could not read refcount table: %s", g_strerror(-ret));
	}
	for (uint64_t i = 0; i < s->rt_size; i++) {
		uint64_t o = s->rt[i] & REFT_OFFSET_MASK;

		if (o && (!IS_ALIGNED(o, s->cluster_size) || o < s->cluster_size))
			OPEN_ERR("image is corrupt: refcount block offset 0x%" PRIx64 " is invalid", o);
	}
	if (qcow2_read_snapshots(s, errp) < 0)
		goto fail_noerr;
	if (!bs->readonly && (s->autoclear || (s->incompat & QCOW2_INCOMPAT_DIRTY))) {
		/* we do not maintain what autoclear bits stand for: clear them (spec) */
		uint8_t z[8] = { 0 };

		if (s->autoclear && write_header_field(s, 88, z, 8) == 0)
			s->autoclear = 0;
	}
	bs->size = size;
	if ((s->incompat & QCOW2_INCOMPAT_DIRTY) && !bs->readonly) {
		/* lazy refcounts after a crash: rebuild refcounts, as QEMU does */
		struct check_result r;
		uint8_t be[8];

		if (qcow2_check(bs, CHECK_FIX_LEAKS | CHECK_FIX_ERRORS, &r, errp) < 0)
			goto fail_noerr;
		if (r.corruptions || r.check_errors)
			OPEN_ERR("image has the dirty bit set and its refcounts could not be repaired "
				 "(%" PRId64 " corruptions left)", r.corruptions);
		s->incompat &= ~QCOW2_INCOMPAT_DIRTY;
		be64_put(be, s->incompat);
		if ((ret = bfile_pwrite(s->f, HDR_INCOMPAT_OFF, be, 8)) < 0 ||
		    (ret = bfile_flush(s->f)) < 0)
			OPEN_ERR("could not clear the dirty bit: %s", g_strerror(-ret));
	}
	g_free(hdr);
	return 0;
fail:
fail_noerr:
	g_free(hdr);
	g_free(s->l1);
	g_free(s->rt);
	qcow2_free_snapshots(s);
	g_free(s);
	bs->opaque = NULL;
	return -1;
}

static void qcow2_close(struct bds *bs)
{
	struct qcow2_state *s = bs->opaque;

	if (!s)
		return;
	if (qcow2_l2_writeback(s) < 0 || qcow2_refblock_writeback(s) < 0)
		fprintf(stderr, "kemu: %s: could not write L2 tables or refcounts at close\n",
			bs->filename);
	cache_free(s->l2c, QCOW2_L2_CACHE);
	cache_free(s->rbc, QCOW2_RB_CACHE);
	g_free(s->zbuf);
	g_free(s->l1);
	g_free(s->rt);
	qcow2_free_snapshots(s);
	g_free(s);
}

static uint32_t qcow2_cluster_size(struct bds *bs)
{
	return ((struct qcow2_state *)bs->opaque)->cluster_size;
}

static void qcow2_info(struct bds *bs, GString *json, GString *human, const char *ind)
{
	struct qcow2_state *s = bs->opaque;
	bool v3 = s->version >= 3;
	bool lazy = !!(s->compat & QCOW2_COMPAT_LAZY_REFCOUNTS);
	bool corrupt = !!(s->incompat & QCOW2_INCOMPAT_CORRUPT);
	const char *ctype = s->compression_type == QCOW2_COMPRESSION_ZSTD ? "zstd" : "zlib";

	if (v3) {
		g_string_append_printf(json,
			"%s\"format-specific\": {\n%s    \"type\": \"qcow2\",\n%s    \"data\": {\n"
			"%s        \"compat\": \"1.1\",\n"
			"%s        \"compression-type\": \"%s\",\n"
			"%s        \"lazy-refcounts\": %s,\n"
			"%s        \"refcount-bits\": %u,\n"
			"%s        \"corrupt\": %s,\n"
			"%s        \"extended-l2\": %s\n%s    }\n%s},\n",
			ind, ind, ind, ind, ind, ctype, ind, lazy ? "true" : "false", ind, s->refcount_bits,
			ind, corrupt ? "true" : "false", ind, s->extended_l2 ? "true" : "false", ind, ind);
		g_string_append_printf(human,
			"Format specific information:\n    compat: 1.1\n    compression type: %s\n"
			"    lazy refcounts: %s\n    refcount bits: %u\n    corrupt: %s\n"
			"    extended l2: %s\n",
			ctype, lazy ? "true" : "false", s->refcount_bits, corrupt ? "true" : "false",
			s->extended_l2 ? "true" : "false");
	} else {
		g_string_append_printf(json,
			"%s\"format-specific\": {\n%s    \"type\": \"qcow2\",\n%s    \"data\": {\n"
			"%s        \"compat\": \"0.10\",\n"
			"%s        \"compression-type\": \"zlib\",\n"
			"%s        \"refcount-bits\": %u\n%s    }\n%s},\n",
			ind, ind, ind, ind, ind, ind, s->refcount_bits, ind, ind);
		g_string_append_printf(human,
			"Format specific information:\n    compat: 0.10\n    compression type: zlib\n"
			"    refcount bits: %u\n", s->refcount_bits);
	}
}

static bool qcow2_change_backing(struct bds *bs, const char *backing, const char *fmt, GError **errp)
{
	struct qcow2_state *s = bs->opaque;
	uint8_t *hdr = g_malloc0(s->cluster_size);
	uint64_t off = s->version >= 3 ? s->header_length : 72, end;
	size_t blen = backing ? strlen(backing) : 0;
	GByteArray *ext = g_byte_array_new();
	int ret;

	/* rebuild the extension area: keep what is there except the backing format */
	ret = bfile_pread(s->f, 0, hdr, s->cluster_size);
	while (ret == 0 && off + 8 <= s->cluster_size) {
		uint32_t type = be32_get(hdr + off), len = be32_get(hdr + off + 4);

		if (type == QCOW2_EXT_MAGIC_END || len > s->cluster_size - off - 8)
			break;
		if (type != QCOW2_EXT_MAGIC_BACKING_FORMAT)
			g_byte_array_append(ext, hdr + off, 8 + ALIGN_UP(len, 8));
		off += 8 + ALIGN_UP((uint64_t)len, 8);
	}
	if (fmt && backing) {
		uint8_t e[8];
		size_t fl = strlen(fmt);
		uint8_t pad[8] = { 0 };

		be32_put(e, QCOW2_EXT_MAGIC_BACKING_FORMAT);
		be32_put(e + 4, fl);
		g_byte_array_append(ext, e, 8);
		g_byte_array_append(ext, (const uint8_t *)fmt, fl);
		g_byte_array_append(ext, pad, ALIGN_UP(fl, 8) - fl);
	}
	off = s->version >= 3 ? s->header_length : 72;
	end = off + ext->len + 8 + blen;
	if (ret < 0 || end > s->cluster_size) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: could not change the backing file: %s",
			    bs->filename, ret < 0 ? g_strerror(-ret) : "header cluster full");
		g_byte_array_free(ext, TRUE);
		g_free(hdr);
		return false;
	}
	memset(hdr + off, 0, s->cluster_size - off);
	memcpy(hdr + off, ext->data, ext->len);
	if (blen)
		memcpy(hdr + off + ext->len + 8, backing, blen);
	be64_put(hdr + 8, blen ? off + ext->len + 8 : 0);
	be32_put(hdr + 16, blen);
	ret = bfile_pwrite(s->f, 0, hdr, s->cluster_size);
	if (ret == 0)
		ret = bfile_flush(s->f);
	g_byte_array_free(ext, TRUE);
	g_free(hdr);
	if (ret < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: could not write header: %s", bs->filename,
			    g_strerror(-ret));
		return false;
	}
	g_free(bs->backing_file);
	g_free(bs->backing_fmt);
	bs->backing_file = g_strdup(backing);
	bs->backing_fmt = g_strdup(fmt);
	return true;
}

/* ---- create ---- */

static void put_feature(GByteArray *a, uint8_t type, uint8_t bit, const char *name)
{
	uint8_t e[48] = { type, bit };

	strncpy((char *)e + 2, name, 46);
	g_byte_array_append(a, e, 48);
}

bool qcow2_create(const char *filename, const struct qcow2_create_opts *o, GError **errp)
{
	uint32_t cs = o->cluster_size ? o->cluster_size : 64 * KiB;
	uint32_t cbits = 0, version = o->version ? o->version : 3;
	uint32_t rbits = o->refcount_bits ? o->refcount_bits : 16, rorder = 0;
	uint32_t l2_bits, l1_size;
	uint64_t rb_entries, n_hdr = 1, n_rt = 1, n_rb = 1, n_l1, total, l1_off, rt_off, rb_off;
	GByteArray *h;
	uint8_t *buf = NULL;
	struct bfile *f;
	bool ok = false;
	int ret;

	while ((1u << cbits) < cs)
		cbits++;
	if ((1u << cbits) != cs || cbits < 9 || cbits > 21) {
		g_set_error(errp, KEMU_ERROR, 0, "Cluster size must be a power of two between 512 and "
			    "2048k");
		return false;
	}
	while ((1u << rorder) < rbits)
		rorder++;
	if ((1u << rorder) != rbits || rorder > 6) {
		g_set_error(errp, KEMU_ERROR, 0, "Refcount width must be a power of two and may not "
			    "exceed 64 bits");
		return false;
	}
	if (version == 2 && (rorder != 4 || o->lazy_refcounts || o->extended_l2)) {
		g_set_error(errp, KEMU_ERROR, 0, "%s", o->lazy_refcounts ?
			    "Lazy refcounts only supported with compatibility level 1.1 and above (use version=v3 or greater)" :
			    o->extended_l2 ? "Extended L2 entries are only supported with compatibility level 1.1 and above (use version=v3 or greater)" :
			    "Different refcount widths than 16 bits require compatibility level 1.1 or above (use version=v3 or greater)");
		return false;
	}
	if (version == 2 && o->compression_type != QCOW2_COMPRESSION_ZLIB) {
		g_set_error(errp, KEMU_ERROR, 0, "Non-zlib compression type is only supported with "
			    "compatibility level 1.1 and above (use version=v3 or greater)");
		return false;
	}
	if (o->compression_type == QCOW2_COMPRESSION_ZSTD && !qcow2_zstd_supported()) {
		g_set_error(errp, KEMU_ERROR, 0, "compression type zstd is not supported by this build "
			    "(built without libzstd)");
		return false;
	}
	if (o->extended_l2 && cbits < 14) {
		g_set_error(errp, KEMU_ERROR, 0, "Extended L2 entries are only supported with cluster sizes of at least 16384 bytes");
		return false;
	}
	l2_bits = cbits - (o->extended_l2 ? 4 : 3);
	l1_size = DIV_ROUND_UP_U64(o->size, (uint64_t)cs << l2_bits);
	if ((uint64_t)l1_size * 8 > QCOW_MAX_L1_SIZE || o->size > (1ull << 62)) {
		g_set_error(errp, KEMU_ERROR, 0, "The image size is too large for file format 'qcow2'%s",
			    cbits < 16 ? " (try using a larger cluster size)" : "");
		return false;
	}
	rb_entries = ((uint64_t)cs * 8) >> rorder;
	n_l1 = DIV_ROUND_UP_U64((uint64_t)l1_size * 8, cs);	/* none for an empty disk, as QEMU */
	/* enough refblocks to cover the metadata, enough reftable for the refblocks */
	for (;;) {
		total = n_hdr + n_rt + n_rb + n_l1;
		uint64_t need_rb = DIV_ROUND_UP_U64(total, rb_entries);
		uint64_t need_rt = DIV_ROUND_UP_U64(need_rb * 8, cs);

		if (need_rb <= n_rb && need_rt <= n_rt)
			break;
		n_rb = MAX(n_rb, need_rb);
		n_rt = MAX(n_rt, need_rt);
	}
	rt_off = (uint64_t)n_hdr * cs;
	rb_off = rt_off + n_rt * cs;
	l1_off = rb_off + n_rb * cs;

	/* header cluster */
	h = g_byte_array_sized_new(cs);
	g_byte_array_set_size(h, version >= 3 ? 112 : 72);
	memset(h->data, 0, h->len);
	be32_put(h->data, QCOW_MAGIC);
	be32_put(h->data + 4, version);
	be32_put(h->data + 20, cbits);
	be64_put(h->data + 24, o->size);
	be32_put(h->data + 36, l1_size);
	be64_put(h->data + 40, l1_off);
	be64_put(h->data + 48, rt_off);
	be32_put(h->data + 56, n_rt);
	if (version >= 3) {
		be64_put(h->data + 72, (o->extended_l2 ? QCOW2_INCOMPAT_EXTL2 : 0) |
			 (o->compression_type ? QCOW2_INCOMPAT_COMPRESSION : 0));
		h->data[104] = o->compression_type;
		be64_put(h->data + 80, o->lazy_refcounts ? QCOW2_COMPAT_LAZY_REFCOUNTS : 0);
		be32_put(h->data + 96, rorder);
		be32_put(h->data + 100, 112);
	}
	if (o->backing_file && o->backing_fmt) {
		uint8_t e[8], pad[8] = { 0 };
		size_t fl = strlen(o->backing_fmt);

		be32_put(e, QCOW2_EXT_MAGIC_BACKING_FORMAT);
		be32_put(e + 4, fl);
		g_byte_array_append(h, e, 8);
		g_byte_array_append(h, (const uint8_t *)o->backing_fmt, fl);
		g_byte_array_append(h, pad, ALIGN_UP(fl, 8) - fl);
	}
	if (version >= 3) {
		GByteArray *ft = g_byte_array_new();
		uint8_t e[8];

		put_feature(ft, 0, 0, "dirty bit");
		put_feature(ft, 0, 1, "corrupt bit");
		put_feature(ft, 0, 2, "external data file");
		put_feature(ft, 0, 3, "compression type");
		put_feature(ft, 0, 4, "extended L2 entries");
		put_feature(ft, 1, 0, "lazy refcounts");
		put_feature(ft, 2, 0, "bitmaps");
		put_feature(ft, 2, 1, "raw external data");
		be32_put(e, QCOW2_EXT_MAGIC_FEATURE_TABLE);
		be32_put(e + 4, ft->len);
		g_byte_array_append(h, e, 8);
		g_byte_array_append(h, ft->data, ft->len);
		g_byte_array_free(ft, TRUE);
	}
	{
		uint8_t end[8] = { 0 };

		g_byte_array_append(h, end, 8);
	}
	if (o->backing_file) {
		size_t bl = strlen(o->backing_file);

		if (bl > 1023 || h->len + bl > cs) {
			g_set_error(errp, KEMU_ERROR, 0, "Backing file name too long");
			g_byte_array_free(h, TRUE);
			return false;
		}
		be64_put(h->data + 8, h->len);
		be32_put(h->data + 16, bl);
		g_byte_array_append(h, (const uint8_t *)o->backing_file, bl);
	}

	ret = open(filename, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (ret >= 0)
		close(ret);
	f = bfile_open(filename, false, false, false, errp);
	if (!f) {
		g_byte_array_free(h, TRUE);
		return false;
	}
	buf = g_malloc0(total * cs);
	memcpy(buf, h->data, h->len);
	for (uint64_t i = 0; i < n_rb; i++)
		be64_put(buf + rt_off + 8 * i, rb_off + i * cs);
	for (uint64_t c = 0; c < total; c++)
		qcow2_refcount_set_entry(buf + rb_off + (c / rb_entries) * cs, rorder, c % rb_entries, 1);
	ret = bfile_truncate(f, 0);
	if (ret == 0)
		ret = bfile_pwrite(f, 0, buf, total * cs);
	if (ret == 0)
		ret = bfile_flush(f);
	if (ret < 0)
		g_set_error(errp, KEMU_ERROR, 0, "%s: could not write the image: %s", filename,
			    g_strerror(-ret));
	else
		ok = true;
	bfile_close(f);
	g_free(buf);
	g_byte_array_free(h, TRUE);

	if (ok && o->preallocation && strcmp(o->preallocation, "off")) {
		struct blk_open_opts oo = { .format = "qcow2", .cache = BLK_CACHE_UNSAFE,
					    .no_backing = true };
		struct bds *bs = bds_open(filename, &oo, 0, errp);
		struct qcow2_state *s;
		uint64_t span;

		if (!bs)
			return false;
		s = bs->opaque;
		span = (uint64_t)s->cluster_size << s->l2_bits;
		uint64_t data_end = 0;

		/* allocate every cluster, one L2 table's worth at a time */
		for (uint64_t off = 0; off < o->size && ret == 0; off += span) {
			uint64_t n = MIN(span, ALIGN_UP(o->size, cs) - off), m = n / cs;
			uint8_t *l2;
			int64_t host;

			ret = get_l2_writable(s, off, &l2);
			if (ret < 0)
				break;
			host = qcow2_alloc_clusters(s, m);
			if (host < 0) {
				ret = host;
				break;
			}
			data_end = MAX(data_end, (uint64_t)host + n);
			if (!strcmp(o->preallocation, "full")) {
				/* real zeroes on disk: no holes, no unwritten extents */
				uint8_t *z = g_malloc0(MIN(n, 1 * MiB));

				for (uint64_t d = 0; d < n && ret == 0; d += MIN(n - d, 1 * MiB))
					ret = bfile_pwrite(s->f, host + d, z, MIN(n - d, 1 * MiB));
				g_free(z);
			}
			else if (!strcmp(o->preallocation, "falloc"))
				ret = fallocate(s->f->fd, 0, host, n) < 0 ? -errno : 0;
			if (ret == 0)
				ret = qcow2_load_table(s, s->l2c, QCOW2_L2_CACHE,
						       s->l1[l1_index(s, off)] & L1E_OFFSET_MASK, &l2);
			for (uint64_t k = 0; k < m && ret == 0; k++) {
				be64_put(l2 + k * s->l2_entry_bytes, (host + k * cs) | QCOW_OFLAG_COPIED);
				if (s->extended_l2)	/* every subcluster allocated */
					be64_put(l2 + k * s->l2_entry_bytes + 8, QCOW2_EXTL2_ALL_ALLOC);
			}
			if (ret == 0)
				ret = write_l2_entries(s, s->l1[l1_index(s, off)] & L1E_OFFSET_MASK, l2, 0, m);
		}
		/* metadata: the file is as long as the data would make it (sparse) */
		if (ret == 0 && bfile_getlength(s->f) < (int64_t)data_end)
			ret = bfile_truncate(s->f, data_end);
		if (ret == 0)
			ret = bfile_flush(s->f);
		bds_close(bs);
		if (ret < 0) {
			g_set_error(errp, KEMU_ERROR, 0, "%s: preallocation failed: %s", filename,
				    g_strerror(-ret));
			return false;
		}
	}
	return ok;
}

const struct block_driver bdrv_qcow2 = {
	.name = "qcow2",
	.serialise = true,
	.probe = qcow2_probe,
	.open = qcow2_open,
	.close = qcow2_close,
	.preadv = qcow2_preadv,
	.read_nowait = qcow2_read_nowait,
	.pwritev = qcow2_pwritev,
	.flush = qcow2_flush,
	.discard = qcow2_discard,
	.write_zeroes = qcow2_write_zeroes,
	.truncate = qcow2_truncate,
	.block_status = qcow2_block_status,
	.pwrite_compressed = qcow2_pwrite_compressed,
	.check = qcow2_check,
	.snapshot_list = qcow2_snapshot_list,
	.snapshot_create = qcow2_snapshot_create,
	.snapshot_delete = qcow2_snapshot_delete,
	.snapshot_apply = qcow2_snapshot_apply,
	.change_backing = qcow2_change_backing,
	.info = qcow2_info,
	.cluster_size = qcow2_cluster_size,
};

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qcow2 refcounts: reading and updating refcount entries of any width
 * (refcount_order 0..6), cluster allocation (first fit from a hint),
 * allocating refcount blocks and growing the refcount table, and the
 * consistency check with leak/corruption repair (qemu-img check's rules
 * and messages). Spec: qcow2.txt "Cluster refcounts".
 *
 * Ordering: a new refcount block is written and flushed before the table
 * entry that points to it; a new refcount table is complete and flushed
 * before the header points to it; the old one is freed afterwards.
 */
#include "kemu/common.h"
#include "block/qcow2.h"

uint64_t qcow2_refcount_get_entry(const uint8_t *rb, uint32_t order, uint64_t i)
{
	switch (order) {
	case 3: return rb[i];
	case 4: return be16_get(rb + 2 * i);
	case 5: return be32_get(rb + 4 * i);
	case 6: return be64_get(rb + 8 * i);
	default: {
		uint32_t bits = 1u << order;
		uint64_t bit = i * bits;

		return (rb[bit / 8] >> (bit % 8)) & ((1u << bits) - 1);
	}
	}
}

void qcow2_refcount_set_entry(uint8_t *rb, uint32_t order, uint64_t i, uint64_t v)
{
	switch (order) {
	case 3: rb[i] = v; break;
	case 4: be16_put(rb + 2 * i, v); break;
	case 5: be32_put(rb + 4 * i, v); break;
	case 6: be64_put(rb + 8 * i, v); break;
	default: {
		uint32_t bits = 1u << order;
		uint64_t bit = i * bits;
		uint8_t mask = ((1u << bits) - 1) << (bit % 8);

		rb[bit / 8] = (rb[bit / 8] & ~mask) | ((v << (bit % 8)) & mask);
	}
	}
}

static int load_refblock(struct qcow2_state *s, uint64_t rt_index, uint8_t **rb)
{
	uint64_t off;

	*rb = NULL;
	if (rt_index >= s->rt_size)
		return 0;
	off = s->rt[rt_index] & REFT_OFFSET_MASK;
	if (!off)
		return 0;
	return qcow2_load_table(s, s->rbc, QCOW2_RB_CACHE, off, rb);
}

int qcow2_get_refcount(struct qcow2_state *s, uint64_t cluster, uint64_t *rc)
{
	uint8_t *rb;
	int ret = load_refblock(s, cluster / s->rb_entries, &rb);

	*rc = 0;
	if (ret < 0)
		return ret;
	if (rb)
		*rc = qcow2_refcount_get_entry(rb, s->refcount_order, cluster % s->rb_entries);
	return 0;
}

static int write_rt_entry(struct qcow2_state *s, uint64_t index)
{
	uint64_t first = ALIGN_DOWN(index, 64u);
	uint64_t n = MIN(64u, s->rt_size - first);
	uint8_t buf[512] = { 0 };

	for (uint64_t i = 0; i < n; i++)
		be64_put(buf + 8 * i, s->rt[first + i]);
	return bfile_pwrite(s->f, s->rt_offset + 8 * first, buf, 8 * n);
}

/*
 * Grow the refcount table so that it has an entry for need_index. The
 * new refcount blocks and the new table go right after the clusters the
 * old table can describe (all free by definition), the new blocks
 * describing themselves and the new table.
 */
static int grow_reftable(struct qcow2_state *s, uint64_t need_index)
{
	uint64_t old_size = s->rt_size, cs = s->cluster_size, rbe = s->rb_entries;
	uint64_t new_size = MAX(need_index + 1, old_size * 2);
	uint64_t start = old_size * rbe, k = 1, t, old_off = s->rt_offset;
	uint32_t old_clusters = s->rt_clusters;
	uint8_t *blocks, *table, hdr[12];
	uint64_t *rt;
	int ret;

	for (;;) {
		new_size = MAX(new_size, old_size + k);
		t = DIV_ROUND_UP_U64(new_size * 8, cs);
		uint64_t need_k = DIV_ROUND_UP_U64(k + t, rbe);

		if (need_k <= k)
			break;
		k = need_k;
	}
	new_size = t * cs / 8;
	if (t * cs > QCOW_MAX_REFTABLE_SIZE || ((start + k + t) << s->cluster_bits) >> 56)
		return -EFBIG;
	blocks = g_malloc0(k * cs);
	for (uint64_t c = 0; c < k + t; c++)
		qcow2_refcount_set_entry(blocks + (c / rbe) * cs, s->refcount_order, c % rbe, 1);
	table = g_malloc0(t * cs);
	for (uint64_t i = 0; i < old_size; i++)
		be64_put(table + 8 * i, s->rt[i]);
	for (uint64_t j = 0; j < k; j++)
		be64_put(table + 8 * (old_size + j), (start + j) * cs);
	ret = bfile_pwrite(s->f, start * cs, blocks, k * cs);
	if (ret == 0)
		ret = bfile_pwrite(s->f, (start + k) * cs, table, t * cs);
	if (ret == 0)
		ret = qcow2_meta_flush(s);
	g_free(blocks);
	g_free(table);
	if (ret < 0)
		return ret;
	be64_put(hdr, (start + k) * cs);
	be32_put(hdr + 8, t);
	ret = bfile_pwrite(s->f, HDR_REFTABLE_OFF, hdr, 12);
	if (ret == 0)
		ret = qcow2_meta_flush(s);
	if (ret < 0)
		return ret;
	rt = g_new0(uint64_t, new_size);
	memcpy(rt, s->rt, old_size * 8);
	for (uint64_t j = 0; j < k; j++)
		rt[old_size + j] = (start + j) * cs;
	g_free(s->rt);
	s->rt = rt;
	s->rt_size = new_size;
	s->rt_offset = (start + k) * cs;
	s->rt_clusters = t;
	return qcow2_update_refcount(s, old_off >> s->cluster_bits, old_clusters, -1);
}

static int ensure_refblock(struct qcow2_state *s, uint64_t rt_index)
{
	uint64_t start = rt_index * s->rb_entries, off;
	uint8_t *rb;
	int ret;

	if (rt_index >= s->rt_size) {
		ret = grow_reftable(s, rt_index);
		if (ret < 0)
			return ret;
	}
	if (s->rt[rt_index] & REFT_OFFSET_MASK)
		return 0;
	/* a block describing a range of free clusters, placed at its first one */
	off = start << s->cluster_bits;
	if (off >> 56)
		return -EFBIG;
	rb = blk_alloc_buf(s->cluster_size);
	if (!rb)
		return -ENOMEM;
	memset(rb, 0, s->cluster_size);
	qcow2_refcount_set_entry(rb, s->refcount_order, 0, 1);
	ret = bfile_pwrite(s->f, off, rb, s->cluster_size);
	blk_free_buf(rb);
	if (ret == 0)
		ret = qcow2_meta_flush(s);
	if (ret < 0)
		return ret;
	qcow2_cache_forget(s, off);
	s->rt[rt_index] = off;
	ret = write_rt_entry(s, rt_index);
	if (ret < 0) {
		s->rt[rt_index] = 0;
		return ret;
	}
	return qcow2_meta_flush(s);
}

/* rb (a cached block) changed in [lo, hi): qcow2_refblock_writeback writes it */
static void refblock_mark_dirty(struct qcow2_state *s, const uint8_t *rb, uint32_t lo, uint32_t hi)
{
	for (int i = 0; i < QCOW2_RB_CACHE; i++) {
		struct qcow2_cache_entry *e = &s->rbc[i];

		if (e->data != rb || !e->offset)
			continue;
		if (!e->dirty) {
			e->dirty_lo = lo;
			e->dirty_hi = hi;
		}
		e->dirty_lo = MIN(e->dirty_lo, lo);
		e->dirty_hi = MAX(e->dirty_hi, hi);
		e->dirty = true;
		return;
	}
	g_assert_not_reached();	/* load_refblock returned a block not in the cache */
}

int qcow2_refblock_writeback(struct qcow2_state *s)
{
	for (int i = 0; i < QCOW2_RB_CACHE; i++) {
		struct qcow2_cache_entry *e = &s->rbc[i];
		int ret;

		if (!e->dirty)
			continue;
		ret = bfile_pwrite(s->f, e->offset + e->dirty_lo, e->data + e->dirty_lo,
				   e->dirty_hi - e->dirty_lo);
		if (ret < 0)
			return ret;	/* stays dirty: the next flush tries again */
		e->dirty = false;
	}
	return 0;
}

int qcow2_update_refcount(struct qcow2_state *s, uint64_t cluster, uint64_t n, int64_t delta)
{
	while (n) {
		uint64_t rt_index = cluster / s->rb_entries, first = cluster % s->rb_entries;
		uint64_t cnt = MIN(n, s->rb_entries - first), bstart, bend;
		uint8_t *rb;
		int ret;

		if (delta > 0 && (ret = ensure_refblock(s, rt_index)) < 0)
			return ret;
		ret = load_refblock(s, rt_index, &rb);
		if (ret < 0)
			return ret;
		if (!rb) {
			qcow2_report_corruption(s, "freeing cluster %" PRIu64 " which has no refcount block",
						cluster);
			return -EIO;
		}
		for (uint64_t i = first; i < first + cnt; i++) {
			uint64_t rc = qcow2_refcount_get_entry(rb, s->refcount_order, i);

			if ((delta < 0 && rc < (uint64_t)-delta) ||
			    (delta > 0 && s->refcount_max - rc < (uint64_t)delta)) {
				/* undo what this block already changed */
				for (uint64_t j = first; j < i; j++)
					qcow2_refcount_set_entry(rb, s->refcount_order, j,
						qcow2_refcount_get_entry(rb, s->refcount_order, j) - delta);
				if (delta < 0) {
					qcow2_report_corruption(s, "refcount of cluster %" PRIu64 " would drop below zero",
								rt_index * s->rb_entries + i);
					return -EIO;
				}
				return -ERANGE;
			}
			qcow2_refcount_set_entry(rb, s->refcount_order, i, rc + delta);
			if (rc + delta == 0 && rt_index * s->rb_entries + i < s->free_hint)
				s->free_hint = rt_index * s->rb_entries + i;
		}
		bstart = ALIGN_DOWN((first << s->refcount_order) / 8, 512);
		bend = MIN(ALIGN_UP((((first + cnt) << s->refcount_order) + 7) / 8, 512),
			   (uint64_t)s->cluster_size);
		refblock_mark_dirty(s, rb, bstart, bend);
		cluster += cnt;
		n -= cnt;
	}
	return 0;
}

int64_t qcow2_alloc_clusters(struct qcow2_state *s, uint64_t n)
{
	uint64_t hint = s->free_hint, idx = hint, first_free = UINT64_MAX, next;
	int ret;

	for (;;) {
		uint64_t k, rc = 0;
		bool changed = false;

		for (k = 0; k < n; k++) {
			ret = qcow2_get_refcount(s, idx + k, &rc);
			if (ret < 0)
				return ret;
			if (rc)
				break;
			first_free = MIN(first_free, idx + k);
		}
		if (k < n) {
			idx += k + 1;
			continue;
		}
		if (((idx + n) << s->cluster_bits) >> 56)
			return -EFBIG;
		/* refcount blocks for the range may land inside it: check again */
		for (uint64_t r = idx / s->rb_entries; r <= (idx + n - 1) / s->rb_entries; r++) {
			if (r >= s->rt_size || !(s->rt[r] & REFT_OFFSET_MASK)) {
				ret = ensure_refblock(s, r);
				if (ret < 0)
					return ret;
				changed = true;
			}
		}
		if (changed)
			continue;
		ret = qcow2_update_refcount(s, idx, n, 1);
		if (ret < 0)
			return ret;
		/*
		 * Everything from the hint up to the first free cluster the scan
		 * saw is in use: the next search starts there (or past this run),
		 * not again at the hint, which would make filling an image
		 * quadratic in its size.
		 */
		next = first_free == idx ? idx + n : first_free;
		/* a free while growing the refcount structures may have lowered it */
		s->free_hint = s->free_hint == hint ? next : MIN(s->free_hint, next);
		return idx << s->cluster_bits;
	}
}

int64_t qcow2_alloc_bytes(struct qcow2_state *s, uint64_t len)
{
	uint64_t cs = s->cluster_size;
	int64_t off;
	int ret;

	if (s->comp_next && (s->comp_next & (cs - 1)) &&
	    len <= cs - (s->comp_next & (cs - 1))) {
		/* pack into the cluster the last compressed data ended in */
		off = s->comp_next;
		ret = qcow2_update_refcount(s, off >> s->cluster_bits, 1, 1);
		if (ret < 0)
			return ret;
	} else {
		off = qcow2_alloc_clusters(s, DIV_ROUND_UP_U64(len, cs));
		if (off < 0)
			return off;
	}
	s->comp_next = off + len;
	return off;
}

int qcow2_free_clusters(struct qcow2_state *s, uint64_t offset, uint64_t bytes)
{
	return qcow2_update_refcount(s, offset >> s->cluster_bits,
				     DIV_ROUND_UP_U64(bytes, s->cluster_size), -1);
}

static void compressed_range(struct qcow2_state *s, uint64_t e, uint64_t *start, uint64_t *len)
{
	uint64_t coff = e & s->cluster_offset_mask;
	uint64_t nsec = ((e >> s->csize_shift) & s->csize_mask) + 1;

	*start = coff & ~511ull;
	*len = nsec * 512;
}

int qcow2_free_l2_entry(struct qcow2_state *s, uint64_t e)
{
	if (e & QCOW_OFLAG_COMPRESSED) {
		uint64_t start, len;

		compressed_range(s, e, &start, &len);
		if (s->comp_next && (s->comp_next >> s->cluster_bits) ==
		    ((start + len - 1) >> s->cluster_bits))
			s->comp_next = 0;	/* its last cluster may become free */
		return qcow2_update_refcount(s, start >> s->cluster_bits,
					     ((start + len - 1) >> s->cluster_bits) -
					     (start >> s->cluster_bits) + 1, -1);
	}
	if (e & L2E_OFFSET_MASK)
		return qcow2_update_refcount(s, (e & L2E_OFFSET_MASK) >> s->cluster_bits, 1, -1);
	return 0;
}

/* ---- check ---- */

struct check_ctx {
	struct qcow2_state *s;
	uint64_t nb;		/* clusters in the array */
	uint64_t *ref;		/* computed references */
	uint64_t file_clusters, file_len;
	struct check_result *res;
};

static void inc_refs(struct check_ctx *c, uint64_t off, uint64_t len)
{
	struct qcow2_state *s = c->s;

	if (!len)
		return;
	if (off + len > c->file_len + s->cluster_size || off + len < off) {
		fprintf(stderr, "ERROR: counting reference for region exceeding the end of the file by "
			"one cluster or more: offset 0x%" PRIx64 " size 0x%" PRIx64 "\n", off, len);
		c->res->corruptions++;
		return;
	}
	for (uint64_t cl = off >> s->cluster_bits; cl <= (off + len - 1) >> s->cluster_bits; cl++) {
		if (cl >= c->nb) {
			uint64_t nn = MAX(cl + 1, c->nb * 2);

			if (nn > (1ull << 32)) {
				c->res->check_errors++;
				return;
			}
			c->ref = g_renew(uint64_t, c->ref, nn);
			memset(c->ref + c->nb, 0, (nn - c->nb) * 8);
			c->nb = nn;
		}
		c->ref[cl]++;
	}
}

/* References from one L1 table (active when active is true). */
static int check_l1(struct check_ctx *c, uint64_t l1_off, uint32_t l1_size, bool active)
{
	struct qcow2_state *s = c->s;
	uint8_t *l1 = NULL, *l2 = blk_alloc_buf(s->cluster_size);
	uint64_t prev = 0;
	int ret = 0;

	if (l1_size) {
		l1 = g_malloc(8ull * l1_size);
		ret = bfile_pread(s->f, l1_off, l1, 8ull * l1_size);
		if (ret < 0) {
			fprintf(stderr, "ERROR: I/O error in reading L1 table at 0x%" PRIx64 "\n", l1_off);
			c->res->check_errors++;
			goto out;
		}
	}
	inc_refs(c, l1_off, 8ull * l1_size);
	for (uint32_t i = 0; i < l1_size; i++) {
		uint64_t l2_off = be64_get(l1 + 8 * i) & L1E_OFFSET_MASK;

		if (!l2_off)
			continue;
		if (!IS_ALIGNED(l2_off, s->cluster_size)) {
			fprintf(stderr, "ERROR l2_offset=%" PRIx64 ": Table is not cluster aligned; "
				"L1 entry corrupted\n", l2_off);
			c->res->corruptions++;
			continue;
		}
		inc_refs(c, l2_off, s->cluster_size);
		if ((l2_off >> s->cluster_bits) >= c->file_clusters) {
			fprintf(stderr, "ERROR l2_offset=%" PRIx64 ": L2 table is outside the image\n", l2_off);
			c->res->corruptions++;
			continue;
		}
		ret = bfile_pread(s->f, l2_off, l2, s->cluster_size);
		if (ret < 0) {
			c->res->check_errors++;
			continue;
		}
		prev = 0;	/* contiguity counts within one L2 table, as QEMU */
		for (uint32_t j = 0; j < s->l2_size; j++) {
			uint64_t e = be64_get(l2 + (size_t)j * s->l2_entry_bytes);

			if (e & QCOW_OFLAG_COMPRESSED) {
				uint64_t start, len;

				if (e & QCOW_OFLAG_COPIED) {
					fprintf(stderr, "ERROR: coffset=0x%" PRIx64 ": Compressed cluster has "
						"OFLAG_COPIED\n", e & s->cluster_offset_mask);
					c->res->corruptions++;
				}
				compressed_range(s, e, &start, &len);
				inc_refs(c, start, len);
				if (active) {
					c->res->allocated_clusters++;
					c->res->compressed_clusters++;
					c->res->fragmented_clusters++;
				}
				continue;
			}
			uint64_t host = e & L2E_OFFSET_MASK;

			if (!host)
				continue;
			if (!IS_ALIGNED(host, s->cluster_size)) {
				fprintf(stderr, "ERROR offset=%" PRIx64 ": Cluster is not properly aligned; "
					"L2 entry corrupted.\n", host);
				c->res->corruptions++;
				continue;
			}
			if (active) {
				c->res->allocated_clusters++;
				if (prev && host != prev)
					c->res->fragmented_clusters++;
				prev = host + s->cluster_size;
			}
			inc_refs(c, host, s->cluster_size);
		}
	}
out:
	g_free(l1);
	blk_free_buf(l2);
	return ret;
}

/* OFLAG_COPIED must be set exactly where the refcount is 1 (active tables) */
static void check_copied(struct check_ctx *c, int fix)
{
	struct qcow2_state *s = c->s;
	uint8_t *l2 = blk_alloc_buf(s->cluster_size);

	for (uint32_t i = 0; i < s->l1_size; i++) {
		uint64_t l2_off = s->l1[i] & L1E_OFFSET_MASK, rc;

		if (!l2_off || !IS_ALIGNED(l2_off, s->cluster_size) ||
		    (l2_off >> s->cluster_bits) >= c->file_clusters)
			continue;
		if (qcow2_get_refcount(s, l2_off >> s->cluster_bits, &rc) < 0)
			continue;
		if ((rc == 1) != !!(s->l1[i] & QCOW_OFLAG_COPIED)) {
			fprintf(stderr, "ERROR OFLAG_COPIED L2 cluster: l1_index=%u l1_entry=%" PRIx64
				" refcount=%" PRIu64 "\n", i, s->l1[i], rc);
			c->res->corruptions++;
		}
		if (bfile_pread(s->f, l2_off, l2, s->cluster_size) < 0)
			continue;
		for (uint32_t j = 0; j < s->l2_size; j++) {
			uint64_t e = be64_get(l2 + (size_t)j * s->l2_entry_bytes);
			uint64_t host = e & L2E_OFFSET_MASK;

			if ((e & QCOW_OFLAG_COMPRESSED) || !host || !IS_ALIGNED(host, s->cluster_size))
				continue;
			if (qcow2_get_refcount(s, host >> s->cluster_bits, &rc) < 0)
				continue;
			if ((rc == 1) != !!(e & QCOW_OFLAG_COPIED)) {
				fprintf(stderr, "ERROR OFLAG_COPIED data cluster: l2_entry=%" PRIx64
					" refcount=%" PRIu64 "\n", e, rc);
				c->res->corruptions++;
			}
		}
	}
	blk_free_buf(l2);
	(void)fix;
}

static int check_once(struct qcow2_state *s, int fix, struct check_result *res)
{
	struct check_ctx c = { .s = s, .res = res };
	int64_t file_len = bfile_getlength(s->f);
	uint64_t highest = 0, nb_check;

	memset(res, 0, sizeof(*res));
	if (file_len < 0)
		return file_len;
	c.file_len = file_len;
	c.file_clusters = DIV_ROUND_UP_U64((uint64_t)file_len, s->cluster_size);
	c.nb = MAX(c.file_clusters, 1u);
	c.ref = g_new0(uint64_t, c.nb);
	res->total_clusters = DIV_ROUND_UP_U64(s->bs->size, s->cluster_size);

	inc_refs(&c, 0, s->cluster_size);		/* header */
	check_l1(&c, s->l1_offset, s->l1_size, true);
	for (uint32_t i = 0; i < s->nb_snapshots; i++)
		check_l1(&c, s->snapshots[i].l1_offset, s->snapshots[i].l1_size, false);
	if (s->nb_snapshots) {
		/* the snapshot table: its size from the entries */
		uint64_t sz = 0;

		for (uint32_t i = 0; i < s->nb_snapshots; i++) {
			struct qcow2_snapshot *sn = &s->snapshots[i];

			sz += ALIGN_UP(40 + sn->extra_size + strlen(sn->id) + strlen(sn->name), 8);
		}
		inc_refs(&c, s->snapshots_offset, sz);
	}
	inc_refs(&c, s->rt_offset, (uint64_t)s->rt_clusters * s->cluster_size);
	for (uint64_t i = 0; i < s->rt_size; i++) {
		uint64_t off = s->rt[i] & REFT_OFFSET_MASK;

		if (!off)
			continue;
		if ((off >> s->cluster_bits) >= c.file_clusters) {
			fprintf(stderr, "ERROR refcount block %" PRIu64 " is outside image\n", i);
			res->corruptions++;
			continue;
		}
		inc_refs(&c, off, s->cluster_size);
	}

	/* compare with what is stored */
	nb_check = MAX(c.nb, MIN(s->rt_size * s->rb_entries, c.file_clusters));
	for (uint64_t i = 0; i < nb_check; i++) {
		uint64_t want = i < c.nb ? c.ref[i] : 0, rc;
		int ret = qcow2_get_refcount(s, i, &rc);

		if (ret < 0) {
			res->check_errors++;
			continue;
		}
		if (want || rc)
			highest = i;
		if (rc == want)
			continue;
		bool leak = rc > want;
		bool do_fix = leak ? (fix & CHECK_FIX_LEAKS) : (fix & CHECK_FIX_ERRORS);

		fprintf(stderr, "%s cluster %" PRIu64 " refcount=%" PRIu64 " reference=%" PRIu64 "\n",
			leak ? "Leaked" : "ERROR", i, rc, want);
		if (do_fix) {
			fprintf(stderr, "Repairing cluster %" PRIu64 " refcount=%" PRIu64 " reference=%" PRIu64 "\n",
				i, rc, want);
			ret = qcow2_update_refcount(s, i, 1, (int64_t)want - (int64_t)rc);
			if (ret == 0) {
				if (leak)
					res->leaks_fixed++;
				else
					res->corruptions_fixed++;
				continue;
			}
		}
		if (leak)
			res->leaks++;
		else
			res->corruptions++;
	}
	check_copied(&c, fix);
	res->image_end_offset = (highest + 1) * s->cluster_size;
	g_free(c.ref);
	return 0;
}

int qcow2_check(struct bds *bs, int fix, struct check_result *res, GError **errp)
{
	struct qcow2_state *s = bs->opaque;
	int ret;

	if (fix && bs->readonly) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: cannot repair a read-only image", bs->filename);
		return -EACCES;
	}
	ret = qcow2_l2_writeback(s);	/* the check reads the tables on disk */
	if (ret < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: could not write L2 tables: %s", bs->filename,
			    g_strerror(-ret));
		return ret;
	}
	if (fix) {
		/* new refcount blocks needed by the repair go past everything */
		int64_t len = bfile_getlength(s->f);

		s->free_hint = MAX(s->free_hint, DIV_ROUND_UP_U64((uint64_t)MAX(len, 0), s->cluster_size));
	}
	ret = check_once(s, fix, res);
	if (ret < 0)
		g_set_error(errp, KEMU_ERROR, 0, "%s: check failed: %s", bs->filename, g_strerror(-ret));
	if (fix) {
		/* the repairs are on disk before the caller clears the dirty bit */
		int wret = qcow2_refblock_writeback(s);

		if (wret == 0)
			wret = bfile_flush(s->f);
		if (wret < 0 && ret == 0) {
			g_set_error(errp, KEMU_ERROR, 0, "%s: could not write the repaired refcounts: %s",
				    bs->filename, g_strerror(-wret));
			ret = wret;
		}
	}
	return ret;
}

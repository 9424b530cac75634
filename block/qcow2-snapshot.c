// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qcow2 internal snapshots: the snapshot table (qcow2.txt "Snapshots"),
 * list, create, delete and apply (revert). Disk state only: the VM state
 * area of a snapshot is kept as it is but never written here (the
 * snapshot/migration code owns that).
 *
 * Ordering for crash safety, as QEMU: references are added (refcounts up,
 * OFLAG_COPIED cleared) before a table names the snapshot, and dropped
 * only after no table names it, so a crash leaves leaked clusters at worst.
 */
#include "kemu/common.h"
#include "block/qcow2.h"

#include <time.h>

void qcow2_free_snapshots(struct qcow2_state *s)
{
	for (uint32_t i = 0; s->snapshots && i < s->nb_snapshots; i++) {
		g_free(s->snapshots[i].id);
		g_free(s->snapshots[i].name);
		g_free(s->snapshots[i].extra);
	}
	g_free(s->snapshots);
	s->snapshots = NULL;
}

int qcow2_read_snapshots(struct qcow2_state *s, GError **errp)
{
	uint64_t off = s->snapshots_offset;
	int64_t file_len = bfile_getlength(s->f);

	s->snapshots = g_new0(struct qcow2_snapshot, MAX(s->nb_snapshots, 1u));
	for (uint32_t i = 0; i < s->nb_snapshots; i++) {
		struct qcow2_snapshot *sn = &s->snapshots[i];
		uint8_t h[40];
		uint16_t id_len, name_len;
		int ret;

		if (off + 40 > (uint64_t)file_len)
			goto corrupt;
		ret = bfile_pread(s->f, off, h, 40);
		if (ret < 0)
			goto corrupt;
		sn->l1_offset = be64_get(h);
		sn->l1_size = be32_get(h + 8);
		id_len = be16_get(h + 12);
		name_len = be16_get(h + 14);
		sn->date_sec = be32_get(h + 16);
		sn->date_nsec = be32_get(h + 20);
		sn->vm_clock_nsec = be64_get(h + 24);
		sn->vm_state_size = be32_get(h + 32);
		sn->extra_size = be32_get(h + 36);
		sn->icount = UINT64_MAX;
		if (sn->extra_size > 1024 || (uint64_t)sn->l1_size * 8 > QCOW_MAX_L1_SIZE ||
		    !IS_ALIGNED(sn->l1_offset, s->cluster_size))
			goto corrupt;
		sn->extra = g_malloc0(MAX(sn->extra_size, 24u));
		sn->id = g_malloc0(id_len + 1);
		sn->name = g_malloc0(name_len + 1);
		off += 40;
		if (bfile_pread(s->f, off, sn->extra, sn->extra_size) < 0 ||
		    bfile_pread(s->f, off + sn->extra_size, sn->id, id_len) < 0 ||
		    bfile_pread(s->f, off + sn->extra_size + id_len, sn->name, name_len) < 0)
			goto corrupt;
		if (sn->extra_size >= 8)
			sn->vm_state_size = be64_get(sn->extra);
		sn->disk_size = sn->extra_size >= 16 ? be64_get(sn->extra + 8) : s->bs->size;
		if (sn->extra_size >= 24)
			sn->icount = be64_get(sn->extra + 16);
		off = ALIGN_UP(off + sn->extra_size + id_len + name_len, 8);
	}
	return 0;
corrupt:
	g_set_error(errp, KEMU_ERROR, 0, "Could not open '%s': image is corrupt: snapshot table at "
		    "0x%" PRIx64 " is invalid", s->bs->filename, s->snapshots_offset);
	return -1;
}

int qcow2_snapshot_list(struct bds *bs, struct snapshot_info **list)
{
	struct qcow2_state *s = bs->opaque;
	struct snapshot_info *l = g_new0(struct snapshot_info, MAX(s->nb_snapshots, 1u));

	for (uint32_t i = 0; i < s->nb_snapshots; i++) {
		struct qcow2_snapshot *sn = &s->snapshots[i];

		l[i].id = g_strdup(sn->id);
		l[i].name = g_strdup(sn->name);
		l[i].vm_state_size = sn->vm_state_size;
		l[i].date_sec = sn->date_sec;
		l[i].date_nsec = sn->date_nsec;
		l[i].vm_clock_nsec = sn->vm_clock_nsec;
		l[i].icount = sn->icount;
	}
	*list = l;
	return s->nb_snapshots;
}

static void caches_drop(struct qcow2_state *s)
{
	qcow2_l2_writeback(s);
	for (int i = 0; i < QCOW2_L2_CACHE; i++)
		if (!s->l2c[i].dirty)
			s->l2c[i].offset = 0;
	s->zbuf_entry = 0;
}

/* delta on every L2 table and data cluster an L1 table reaches */
static int tree_refcount(struct qcow2_state *s, const uint64_t *l1, uint32_t l1_size, int delta)
{
	uint8_t *l2 = blk_alloc_buf(s->cluster_size);
	int ret = 0;

	for (uint32_t i = 0; i < l1_size && ret == 0; i++) {
		uint64_t l2_off = l1[i] & L1E_OFFSET_MASK, run_start = 0, run_len = 0;

		if (!l2_off)
			continue;
		ret = bfile_pread(s->f, l2_off, l2, s->cluster_size);
		for (uint32_t j = 0; j < s->l2_size && ret == 0; j++) {
			uint64_t e = be64_get(l2 + (size_t)j * s->l2_entry_bytes);
			uint64_t first, n;

			if (e & QCOW_OFLAG_COMPRESSED) {
				uint64_t coff = e & s->cluster_offset_mask;
				uint64_t nsec = ((e >> s->csize_shift) & s->csize_mask) + 1;
				uint64_t start = coff & ~511ull;

				first = start >> s->cluster_bits;
				n = ((start + nsec * 512 - 1) >> s->cluster_bits) - first + 1;
			} else if (e & L2E_OFFSET_MASK) {
				first = (e & L2E_OFFSET_MASK) >> s->cluster_bits;
				n = 1;
			} else {
				continue;
			}
			if (run_len && first == run_start + run_len && n == 1) {
				run_len++;
				continue;
			}
			if (run_len)
				ret = qcow2_update_refcount(s, run_start, run_len, delta);
			run_start = first;
			run_len = n;
		}
		if (ret == 0 && run_len)
			ret = qcow2_update_refcount(s, run_start, run_len, delta);
		if (ret == 0)
			ret = qcow2_update_refcount(s, l2_off >> s->cluster_bits, 1, delta);
	}
	blk_free_buf(l2);
	return ret;
}

/* Set OFLAG_COPIED in the active tables exactly where the refcount is 1. */
static int fix_copied(struct qcow2_state *s)
{
	uint8_t *l2 = blk_alloc_buf(s->cluster_size);
	int ret;

	/* COPIED may only appear once the refcount of 1 it states is durable */
	ret = qcow2_meta_flush(s);
	caches_drop(s);
	for (uint32_t i = 0; i < s->l1_size && ret == 0; i++) {
		uint64_t l2_off = s->l1[i] & L1E_OFFSET_MASK, rc, want;
		bool dirty = false;

		if (!l2_off)
			continue;
		ret = qcow2_get_refcount(s, l2_off >> s->cluster_bits, &rc);
		if (ret < 0)
			break;
		want = l2_off | (rc == 1 ? QCOW_OFLAG_COPIED : 0);
		if (want != s->l1[i]) {
			s->l1[i] = want;
			ret = qcow2_write_l1_entry(s, i);
		}
		/* a table shared with a snapshot is fixed too: COPIED means
		 * nothing in the snapshot's view, and the active view needs it */
		if (ret < 0)
			continue;
		ret = bfile_pread(s->f, l2_off, l2, s->cluster_size);
		for (uint32_t j = 0; j < s->l2_size && ret == 0; j++) {
			uint8_t *p = l2 + (size_t)j * s->l2_entry_bytes;
			uint64_t e = be64_get(p), host = e & L2E_OFFSET_MASK, ne;

			if ((e & QCOW_OFLAG_COMPRESSED) || !host)
				continue;
			ret = qcow2_get_refcount(s, host >> s->cluster_bits, &rc);
			ne = (e & ~QCOW_OFLAG_COPIED) | (rc == 1 ? QCOW_OFLAG_COPIED : 0);
			if (ne != e) {
				be64_put(p, ne);
				dirty = true;
			}
		}
		if (ret == 0 && dirty)
			ret = bfile_pwrite(s->f, l2_off, l2, s->cluster_size);
	}
	blk_free_buf(l2);
	caches_drop(s);
	return ret;
}

/* Write the snapshot table (s->snapshots) to new clusters and point the header at it. */
static int write_snapshot_table(struct qcow2_state *s, uint32_t nb)
{
	GByteArray *t = g_byte_array_new();
	uint64_t old_off = s->snapshots_offset, old_size = 0;
	uint8_t hdr[12];
	int64_t off = 0;
	int ret = 0;

	for (uint32_t i = 0; i < s->nb_snapshots; i++) {
		struct qcow2_snapshot *sn = &s->snapshots[i];

		old_size += ALIGN_UP(40 + sn->extra_size + strlen(sn->id) + strlen(sn->name), 8);
	}
	for (uint32_t i = 0; i < nb; i++) {
		struct qcow2_snapshot *sn = &s->snapshots[i];
		uint8_t h[40] = { 0 }, pad[8] = { 0 };
		size_t il = strlen(sn->id), nl = strlen(sn->name), len;

		be64_put(h, sn->l1_offset);
		be32_put(h + 8, sn->l1_size);
		be16_put(h + 12, il);
		be16_put(h + 14, nl);
		be32_put(h + 16, sn->date_sec);
		be32_put(h + 20, sn->date_nsec);
		be64_put(h + 24, sn->vm_clock_nsec);
		be32_put(h + 32, MIN(sn->vm_state_size, UINT32_MAX));
		be32_put(h + 36, sn->extra_size);
		g_byte_array_append(t, h, 40);
		g_byte_array_append(t, sn->extra, sn->extra_size);
		g_byte_array_append(t, (uint8_t *)sn->id, il);
		g_byte_array_append(t, (uint8_t *)sn->name, nl);
		len = 40 + sn->extra_size + il + nl;
		g_byte_array_append(t, pad, ALIGN_UP(len, 8) - len);
	}
	if (t->len) {
		off = qcow2_alloc_clusters(s, DIV_ROUND_UP_U64(t->len, s->cluster_size));
		if (off < 0)
			ret = off;
		if (ret == 0)
			ret = bfile_pwrite(s->f, off, t->data, t->len);
		if (ret == 0)
			ret = qcow2_meta_flush(s);
	}
	g_byte_array_free(t, TRUE);
	if (ret < 0)
		return ret;
	be32_put(hdr, nb);
	be64_put(hdr + 4, off);
	ret = bfile_pwrite(s->f, HDR_SNAPSHOTS_OFF, hdr, 12);
	if (ret == 0)
		ret = qcow2_meta_flush(s);
	if (ret < 0)
		return ret;
	s->snapshots_offset = off;
	if (s->nb_snapshots && old_size)
		ret = qcow2_free_clusters(s, old_off, old_size);
	s->nb_snapshots = nb;
	return ret;
}

static int find_snapshot(struct qcow2_state *s, const char *name)
{
	for (uint32_t i = 0; i < s->nb_snapshots; i++)
		if (!strcmp(s->snapshots[i].id, name))
			return i;
	for (uint32_t i = 0; i < s->nb_snapshots; i++)
		if (!strcmp(s->snapshots[i].name, name))
			return i;
	return -1;
}

bool qcow2_snapshot_create(struct bds *bs, const char *name, GError **errp)
{
	struct qcow2_state *s = bs->opaque;
	struct qcow2_snapshot *sn;
	uint64_t max_id = 0, l1_bytes = 8ull * s->l1_size;
	uint8_t *l1buf;
	int64_t l1_off = 0;
	struct timespec ts;
	int ret;

	if (s->extended_l2 || bs->readonly) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: image is read-only", bs->filename);
		return false;
	}
	if (find_snapshot(s, name) >= 0) {
		g_set_error(errp, KEMU_ERROR, 0, "Could not create snapshot '%s': snapshot exists", name);
		return false;
	}
	if (s->nb_snapshots >= QCOW_MAX_SNAPSHOTS) {
		g_set_error(errp, KEMU_ERROR, 0, "Could not create snapshot '%s': too many snapshots", name);
		return false;
	}
	for (uint32_t i = 0; i < s->nb_snapshots; i++)
		max_id = MAX(max_id, g_ascii_strtoull(s->snapshots[i].id, NULL, 10));
	/* the tables are walked on disk below */
	ret = qcow2_l2_writeback(s);
	if (ret < 0)
		goto fail;

	/* 1. references from the snapshot: refcounts up, COPIED off */
	ret = tree_refcount(s, s->l1, s->l1_size, 1);
	if (ret == 0)
		ret = qcow2_meta_flush(s);
	if (ret == 0)
		ret = fix_copied(s);
	/* 2. the snapshot's copy of the L1 table */
	if (ret == 0 && l1_bytes) {
		l1_off = qcow2_alloc_clusters(s, DIV_ROUND_UP_U64(l1_bytes, s->cluster_size));
		if (l1_off < 0)
			ret = l1_off;
	}
	if (ret == 0 && l1_bytes) {
		l1buf = g_malloc(l1_bytes);
		for (uint32_t i = 0; i < s->l1_size; i++)
			be64_put(l1buf + 8 * i, s->l1[i]);
		ret = bfile_pwrite(s->f, l1_off, l1buf, l1_bytes);
		g_free(l1buf);
	}
	if (ret == 0)
		ret = qcow2_meta_flush(s);
	if (ret < 0)
		goto fail;
	/* 3. the table that names it */
	s->snapshots = g_renew(struct qcow2_snapshot, s->snapshots, s->nb_snapshots + 1);
	sn = &s->snapshots[s->nb_snapshots];
	memset(sn, 0, sizeof(*sn));
	clock_gettime(CLOCK_REALTIME, &ts);
	sn->l1_offset = l1_off;
	sn->l1_size = s->l1_size;
	sn->id = g_strdup_printf("%" PRIu64, max_id + 1);
	sn->name = g_strdup(name);
	sn->date_sec = ts.tv_sec;
	sn->date_nsec = ts.tv_nsec;
	sn->extra_size = s->version >= 3 ? 24 : 16;
	sn->extra = g_malloc0(24);
	be64_put(sn->extra + 8, bs->size);
	be64_put(sn->extra + 16, 0);	/* icount 0, as qemu-img writes */
	sn->icount = 0;
	sn->disk_size = bs->size;
	ret = write_snapshot_table(s, s->nb_snapshots + 1);
	if (ret < 0) {
		g_free(sn->id);
		g_free(sn->name);
		g_free(sn->extra);
		goto fail;
	}
	return true;
fail:
	g_set_error(errp, KEMU_ERROR, 0, "Could not create snapshot '%s': %s", name, g_strerror(-ret));
	return false;
}

static int read_l1(struct qcow2_state *s, uint64_t off, uint32_t size, uint64_t **out)
{
	uint8_t *buf = g_malloc(MAX(8ull * size, 8u));
	uint64_t *l1 = g_new0(uint64_t, MAX(size, 1u));
	int ret = size ? bfile_pread(s->f, off, buf, 8ull * size) : 0;

	for (uint32_t i = 0; i < size; i++)
		l1[i] = be64_get(buf + 8 * i);
	g_free(buf);
	*out = l1;
	return ret;
}

bool qcow2_snapshot_delete(struct bds *bs, const char *name, GError **errp)
{
	struct qcow2_state *s = bs->opaque;
	struct qcow2_snapshot sn;
	uint64_t *l1 = NULL;
	int i = find_snapshot(s, name), ret;

	if (i < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "Could not delete snapshot '%s': snapshot not found", name);
		return false;
	}
	if (bs->readonly) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: image is read-only", bs->filename);
		return false;
	}
	sn = s->snapshots[i];
	ret = qcow2_l2_writeback(s);
	if (ret == 0)
		ret = read_l1(s, sn.l1_offset, sn.l1_size, &l1);
	if (ret < 0)
		goto fail;
	/* 1. no table names it any more */
	memmove(&s->snapshots[i], &s->snapshots[i + 1],
		sizeof(sn) * (s->nb_snapshots - i - 1));
	/* write_snapshot_table sizes the old table from s->snapshots: put it back meanwhile */
	s->snapshots[s->nb_snapshots - 1] = sn;
	{
		/* old size must count the deleted entry; the array now has it at the end */
		ret = write_snapshot_table(s, s->nb_snapshots - 1);
	}
	if (ret < 0)
		goto fail;
	/* 2. drop its references, then the L1 copy */
	ret = tree_refcount(s, l1, sn.l1_size, -1);
	if (ret == 0 && sn.l1_size)
		ret = qcow2_free_clusters(s, sn.l1_offset, 8ull * sn.l1_size);
	if (ret == 0)
		ret = fix_copied(s);
	g_free(sn.id);
	g_free(sn.name);
	g_free(sn.extra);
	g_free(l1);
	if (ret < 0)
		goto fail;
	return true;
fail:
	g_set_error(errp, KEMU_ERROR, 0, "Could not delete snapshot '%s': %s", name, g_strerror(-ret));
	return false;
}

bool qcow2_snapshot_apply(struct bds *bs, const char *name, GError **errp)
{
	struct qcow2_state *s = bs->opaque;
	uint64_t *snl1 = NULL, *old = NULL;
	uint32_t old_size = s->l1_size;
	struct qcow2_snapshot *sn;
	uint8_t *buf;
	int i = find_snapshot(s, name), ret;

	if (i < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "Could not apply snapshot '%s': snapshot not found", name);
		return false;
	}
	if (bs->readonly) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: image is read-only", bs->filename);
		return false;
	}
	sn = &s->snapshots[i];
	if (sn->l1_size > s->l1_size) {
		/* taken before a shrink: the active L1 grows back */
		ret = qcow2_grow_l1(s, sn->l1_size);
		if (ret < 0)
			goto fail;
		old_size = s->l1_size;
	}
	ret = qcow2_l2_writeback(s);
	if (ret == 0)
		ret = read_l1(s, sn->l1_offset, sn->l1_size, &snl1);
	if (ret < 0)
		goto fail;
	/* 1. the snapshot's tree gains the active image as a user */
	ret = tree_refcount(s, snl1, sn->l1_size, 1);
	if (ret == 0)
		ret = qcow2_meta_flush(s);
	if (ret < 0)
		goto fail;
	/* 2. the active L1 becomes the snapshot's (COPIED fixed below) */
	old = g_memdup2(s->l1, 8ull * old_size);
	buf = g_malloc0(8ull * s->l1_size);
	for (uint32_t k = 0; k < s->l1_size; k++) {
		s->l1[k] = k < sn->l1_size ? snl1[k] & ~QCOW_OFLAG_COPIED : 0;
		be64_put(buf + 8 * k, s->l1[k]);
	}
	ret = bfile_pwrite(s->f, s->l1_offset, buf, 8ull * s->l1_size);
	g_free(buf);
	if (ret == 0)
		ret = qcow2_meta_flush(s);
	/* 3. the old active tree loses it */
	if (ret == 0)
		ret = tree_refcount(s, old, old_size, -1);
	if (ret == 0)
		ret = fix_copied(s);
	if (ret == 0 && sn->disk_size != bs->size) {
		uint8_t be[8];

		be64_put(be, sn->disk_size);
		ret = bfile_pwrite(s->f, HDR_SIZE_OFF, be, 8);
		if (ret == 0)
			bs->size = sn->disk_size;
	}
	if (ret < 0)
		goto fail;
	g_free(snl1);
	g_free(old);
	return true;
fail:
	g_free(snl1);
	g_free(old);
	caches_drop(s);
	g_set_error(errp, KEMU_ERROR, 0, "Could not apply snapshot '%s': %s", name, g_strerror(-ret));
	return false;
}

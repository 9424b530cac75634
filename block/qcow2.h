/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 (QEMU's docs/interop/qcow2.txt, versions 2 and 3): on-disk
 * constants, the driver's state and the functions shared by qcow2.c
 * (header, mapping, reads and writes), qcow2-refcount.c (allocation,
 * refcounts, check) and qcow2-snapshot.c.
 *
 * All multi-byte fields on disk are big-endian. Metadata is written in an
 * order that leaves at worst leaked clusters after a crash (refcount before
 * the L2 entry that uses it, data before the L2 entry that points to it,
 * new tables before the pointer to them, a pointer removed before the
 * refcount drops; flushes between unless cache=unsafe). Refcount blocks
 * are write-back: increments reach the disk with the next ordering flush
 * (qcow2_meta_flush), which comes before any pointer to the new cluster is
 * written; decrements only happen after the pointer is gone on disk, so a
 * lost one is a leak. L1 is write-through. An L2 entry for a newly allocated cluster
 * (nothing to free) is deferred: it stays dirty in the L2 cache until the
 * next flush, eviction or close, which first makes the refcounts durable
 * (one fdatasync for many allocations, as QEMU's writeback cache); every
 * other L2 change is written at once.
 */
#ifndef BLOCK_QCOW2_H
#define BLOCK_QCOW2_H

#include "block/block-int.h"

#define DIV_ROUND_UP_U64(n, d) (((n) + (d) - 1) / (d))

#define QCOW_MAGIC 0x514649fbu		/* "QFI\xfb" */

#define QCOW2_INCOMPAT_DIRTY		(1ull << 0)
#define QCOW2_INCOMPAT_CORRUPT		(1ull << 1)
#define QCOW2_INCOMPAT_DATA_FILE	(1ull << 2)
#define QCOW2_INCOMPAT_COMPRESSION	(1ull << 3)
#define QCOW2_INCOMPAT_EXTL2		(1ull << 4)
#define QCOW2_INCOMPAT_MASK		((uint64_t)0x1f)
#define QCOW2_COMPAT_LAZY_REFCOUNTS	(1ull << 0)

/* header byte 104 (qcow2.txt "Header", additional fields) */
#define QCOW2_COMPRESSION_ZLIB		0
#define QCOW2_COMPRESSION_ZSTD		1

#define QCOW2_EXT_MAGIC_END		0
#define QCOW2_EXT_MAGIC_BACKING_FORMAT	0xe2792acau
#define QCOW2_EXT_MAGIC_FEATURE_TABLE	0x6803f857u
#define QCOW2_EXT_MAGIC_CRYPTO_HEADER	0x0537be77u
#define QCOW2_EXT_MAGIC_BITMAPS		0x23852875u
#define QCOW2_EXT_MAGIC_DATA_FILE	0x44415441u

#define QCOW_OFLAG_COPIED	(1ull << 63)
#define QCOW_OFLAG_COMPRESSED	(1ull << 62)
#define QCOW_OFLAG_ZERO		(1ull << 0)
/* extended L2 bitmaps: bits 0-31 subcluster allocated, 32-63 reads as zeroes */
#define QCOW2_EXTL2_ALL_ALLOC	0x00000000ffffffffull
#define QCOW2_EXTL2_ALL_ZERO	0xffffffff00000000ull
#define L1E_OFFSET_MASK		0x00fffffffffffe00ull
#define L2E_OFFSET_MASK		0x00fffffffffffe00ull
#define REFT_OFFSET_MASK	0xfffffffffffffe00ull

#define QCOW_MAX_L1_SIZE	(32 * MiB)	/* bytes, as QEMU */
#define QCOW_MAX_REFTABLE_SIZE	(8 * MiB)
#define QCOW_MAX_SNAPSHOTS	65536

/* header field offsets (qcow2.txt "Header") */
#define HDR_SIZE_OFF		24
#define HDR_L1_SIZE_OFF		36
#define HDR_REFTABLE_OFF	48
#define HDR_SNAPSHOTS_OFF	60
#define HDR_INCOMPAT_OFF	72

struct qcow2_create_opts {
	uint64_t size;
	uint32_t cluster_size;		/* 0 = 64 KiB */
	const char *backing_file;
	const char *backing_fmt;
	int version;			/* 2 (compat=0.10) or 3 (1.1, default) */
	bool lazy_refcounts;
	int refcount_bits;		/* 0 = 16 */
	bool extended_l2;
	const char *preallocation;	/* off, metadata, falloc, full */
	int compression_type;		/* QCOW2_COMPRESSION_*; zstd needs version 3 */
};
/* whether this build reads and writes zstd-compressed clusters */
bool qcow2_zstd_supported(void);
bool qcow2_create(const char *filename, const struct qcow2_create_opts *o, GError **errp);

struct qcow2_cache_entry {
	uint64_t offset;	/* 0 = empty */
	uint8_t *data;		/* one cluster, on-disk byte order */
	uint64_t lru;
	bool dirty;		/* not yet written (qcow2_l2_writeback, qcow2_refblock_writeback) */
	uint32_t dirty_lo, dirty_hi;	/* refcount blocks: the changed byte range */
};

#define QCOW2_L2_CACHE 64
#define QCOW2_RB_CACHE 16

struct qcow2_snapshot {
	uint64_t l1_offset;
	uint32_t l1_size;
	char *id, *name;
	uint32_t date_sec, date_nsec;
	uint64_t vm_clock_nsec;
	uint64_t vm_state_size;
	uint64_t disk_size;
	uint64_t icount;
	uint8_t *extra;		/* extra data we do not interpret, kept as is */
	uint32_t extra_size;
};

struct qcow2_state {
	struct bds *bs;
	struct bfile *f;
	uint32_t version;
	uint32_t cluster_bits, cluster_size;
	uint32_t l2_bits, l2_size;	/* entries per L2 table */
	uint32_t l2_entry_bytes;	/* 8, or 16 with extended L2 */
	bool extended_l2;
	uint32_t sc_bits, sc_size;	/* subclusters (extended L2) */
	uint64_t l1_offset;
	uint32_t l1_size;
	uint64_t *l1;			/* host byte order */
	uint64_t rt_offset;
	uint32_t rt_clusters;
	uint64_t rt_size;		/* entries */
	uint64_t *rt;			/* host byte order */
	uint32_t refcount_order, refcount_bits;
	uint64_t rb_entries, refcount_max;
	uint64_t incompat, compat, autoclear;
	uint32_t header_length;
	uint32_t nb_snapshots;
	uint64_t snapshots_offset;
	struct qcow2_snapshot *snapshots;
	uint8_t compression_type;
	uint64_t csize_shift, csize_mask, cluster_offset_mask;
	uint64_t free_hint;		/* cluster index to search from */
	uint64_t comp_next;		/* byte offset for packing compressed clusters */
	bool unsafe;			/* cache=unsafe: no ordering flushes */
	bool corrupt_reported;
	struct qcow2_cache_entry l2c[QCOW2_L2_CACHE];
	struct qcow2_cache_entry rbc[QCOW2_RB_CACHE];
	uint64_t lru_clock;
	uint8_t *zbuf;			/* last decompressed cluster */
	uint64_t zbuf_entry;		/* its L2 entry, 0 = none */
};

static inline uint64_t be64_get(const void *p) { return GUINT64_FROM_BE(ldq_le_p(p)); }
static inline uint32_t be32_get(const void *p) { return GUINT32_FROM_BE(ldl_le_p(p)); }
static inline uint16_t be16_get(const void *p) { return GUINT16_FROM_BE(lduw_le_p(p)); }
static inline void be64_put(void *p, uint64_t v) { stq_le_p(p, GUINT64_TO_BE(v)); }
static inline void be32_put(void *p, uint32_t v) { stl_le_p(p, GUINT32_TO_BE(v)); }
static inline void be16_put(void *p, uint16_t v) { stw_le_p(p, GUINT16_TO_BE(v)); }

/* qcow2.c */
void qcow2_report_corruption(struct qcow2_state *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Write the dirty refcount blocks, then fdatasync (nothing with cache=unsafe):
 * what was allocated so far may be pointed to after this returns 0. */
int qcow2_meta_flush(struct qcow2_state *s);
int qcow2_load_table(struct qcow2_state *s, struct qcow2_cache_entry *cache, int n,
		     uint64_t offset, uint8_t **data);
void qcow2_cache_forget(struct qcow2_state *s, uint64_t offset);
int qcow2_write_l1_entry(struct qcow2_state *s, uint32_t index);
/* Make the refcounts durable, then write the L2 tables with deferred
 * entries (new clusters only). Called by flush, eviction, close, check,
 * snapshots, and before any other L2 write to such a table. */
int qcow2_l2_writeback(struct qcow2_state *s);
/* a larger L1 table (new clusters, header switched, old freed) */
int qcow2_grow_l1(struct qcow2_state *s, uint32_t new_size);

/* qcow2-refcount.c */
/* Write the changed parts of the cached refcount blocks (no flush). */
int qcow2_refblock_writeback(struct qcow2_state *s);
uint64_t qcow2_refcount_get_entry(const uint8_t *rb, uint32_t order, uint64_t i);
void qcow2_refcount_set_entry(uint8_t *rb, uint32_t order, uint64_t i, uint64_t v);
int qcow2_get_refcount(struct qcow2_state *s, uint64_t cluster, uint64_t *rc);
/* add delta to the refcount of clusters [cluster, cluster+n) */
int qcow2_update_refcount(struct qcow2_state *s, uint64_t cluster, uint64_t n, int64_t delta);
/* n contiguous clusters with refcount 1: host byte offset, or -errno */
int64_t qcow2_alloc_clusters(struct qcow2_state *s, uint64_t n);
int64_t qcow2_alloc_bytes(struct qcow2_state *s, uint64_t len);
/* drop one reference to what an L2 entry points to */
int qcow2_free_l2_entry(struct qcow2_state *s, uint64_t entry);
int qcow2_free_clusters(struct qcow2_state *s, uint64_t offset, uint64_t bytes);
int qcow2_check(struct bds *bs, int fix, struct check_result *res, GError **errp);

/* qcow2-snapshot.c */
int qcow2_read_snapshots(struct qcow2_state *s, GError **errp);
void qcow2_free_snapshots(struct qcow2_state *s);
int qcow2_snapshot_list(struct bds *bs, struct snapshot_info **list);
bool qcow2_snapshot_create(struct bds *bs, const char *name, GError **errp);
bool qcow2_snapshot_delete(struct bds *bs, const char *name, GError **errp);
bool qcow2_snapshot_apply(struct bds *bs, const char *name, GError **errp);

#endif

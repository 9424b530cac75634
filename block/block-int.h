/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the block layer: the file protocol (struct bfile: a file
 * descriptor with alignment, cache mode and locks), the format drivers
 * (struct block_driver) and one opened image node (struct bds).
 *
 * Format drivers are synchronous: their I/O functions run on a worker
 * thread (or directly, in kemu-img's metadata paths) and return 0 or
 * -errno. A driver with shared metadata (qcow2) sets .serialise so that the
 * caller holds bds->lock around every call; raw runs requests in parallel.
 */
#ifndef BLOCK_BLOCK_INT_H
#define BLOCK_BLOCK_INT_H

#include "block/block.h"

/* ---- file protocol (block/file.c) ---- */

enum {
	BLK_PERM_CONSISTENT_READ = 0x1,	/* QEMU's permission bits, bit order */
	BLK_PERM_WRITE = 0x2,		/* matters: it is the lock byte order */
	BLK_PERM_WRITE_UNCHANGED = 0x4,
	BLK_PERM_RESIZE = 0x8,
	BLK_PERM_ALL = 0xf,
};

struct bfile {
	int fd;
	char *filename;
	bool readonly;
	bool direct;		/* O_DIRECT */
	bool is_blockdev;
	uint32_t align;		/* request alignment (offset and length) */
	GMutex rmw_lock;	/* serialises read-modify-write of unaligned edges */
	int page_cache_err;	/* sticky fdatasync failure */
};

struct bfile *bfile_open(const char *filename, bool readonly, bool direct,
			 bool force_share, GError **errp);
void bfile_close(struct bfile *f);
int bfile_pread(struct bfile *f, uint64_t offset, void *buf, size_t bytes);
int bfile_pwrite(struct bfile *f, uint64_t offset, const void *buf, size_t bytes);
int bfile_preadv(struct bfile *f, uint64_t offset, const struct iovec *iov, int niov);
int bfile_pwritev(struct bfile *f, uint64_t offset, const struct iovec *iov, int niov);
int bfile_flush(struct bfile *f);
int bfile_truncate(struct bfile *f, uint64_t size);
int bfile_discard(struct bfile *f, uint64_t offset, uint64_t bytes);
int bfile_write_zeroes(struct bfile *f, uint64_t offset, uint64_t bytes);
int64_t bfile_getlength(struct bfile *f);
int64_t bfile_allocated_size(struct bfile *f);
/* Data/hole map of the file itself (SEEK_DATA/SEEK_HOLE): *is_data, *pnum */
int bfile_block_status(struct bfile *f, uint64_t offset, uint64_t bytes,
		       bool *is_data, uint64_t *pnum);

/* The QEMU lock-byte scheme, exported for the unit tests. */
bool bfile_lock_perms(struct bfile *f, uint64_t perm, uint64_t shared, GError **errp);

/* ---- aio=io_uring (block/io-uring.c) ---- */

struct blk_uring;
enum { BLK_URING_READ, BLK_URING_WRITE, BLK_URING_FLUSH };
struct blk_uring *blk_uring_new(GError **errp);
void blk_uring_free(struct blk_uring *u);
/* false: not taken (ring full, or no io_uring): use the thread pool */
bool blk_uring_submit(struct blk_uring *u, struct bfile *f, int type, uint64_t offset,
		      const struct iovec *iov, int niov, void (*done)(void *opaque, int ret),
		      void *opaque);
bool blk_uring_available(void);

/* ---- image nodes and drivers ---- */

struct bds;

struct snapshot_info {
	char *id;
	char *name;
	uint64_t vm_state_size;
	uint64_t date_sec, date_nsec;
	uint64_t vm_clock_nsec;
	uint64_t icount;	/* -1 when absent */
};

struct check_result {
	int64_t corruptions, leaks, check_errors;
	int64_t corruptions_fixed, leaks_fixed;
	int64_t image_end_offset;
	int64_t total_clusters, allocated_clusters, fragmented_clusters, compressed_clusters;
};

enum { CHECK_FIX_LEAKS = 1, CHECK_FIX_ERRORS = 2 };

struct block_driver {
	const char *name;
	bool serialise;
	/* score 0..100 for these first bytes of a file */
	int (*probe)(const uint8_t *buf, size_t len);
	int (*open)(struct bds *bs, const struct blk_open_opts *opts, GError **errp);
	void (*close)(struct bds *bs);
	int (*preadv)(struct bds *bs, uint64_t offset, uint64_t bytes, const struct iovec *iov, int niov);
	/* On the submitting thread, lock held, never blocking: 1 if the read
	 * was answered from memory (zeroes, unallocated), 0 to go to a worker */
	int (*read_nowait)(struct bds *bs, uint64_t offset, uint64_t bytes,
			   const struct iovec *iov, int niov);
	int (*pwritev)(struct bds *bs, uint64_t offset, uint64_t bytes, const struct iovec *iov, int niov);
	int (*flush)(struct bds *bs);
	int (*discard)(struct bds *bs, uint64_t offset, uint64_t bytes);
	int (*write_zeroes)(struct bds *bs, uint64_t offset, uint64_t bytes);
	int (*truncate)(struct bds *bs, uint64_t size, GError **errp);
	int (*block_status)(struct bds *bs, uint64_t offset, uint64_t bytes,
			    uint64_t *pnum, uint64_t *map, unsigned *status);
	/* compressed write of whole clusters (convert -c) */
	int (*pwrite_compressed)(struct bds *bs, uint64_t offset, const void *buf, uint64_t bytes);
	int (*check)(struct bds *bs, int fix, struct check_result *res, GError **errp);
	int (*snapshot_list)(struct bds *bs, struct snapshot_info **list);
	bool (*snapshot_create)(struct bds *bs, const char *name, GError **errp);
	bool (*snapshot_delete)(struct bds *bs, const char *name, GError **errp);
	bool (*snapshot_apply)(struct bds *bs, const char *name, GError **errp);
	bool (*change_backing)(struct bds *bs, const char *backing, const char *fmt, GError **errp);
	/* extra JSON/human fields for info */
	void (*info)(struct bds *bs, GString *json, GString *human, const char *indent);
	uint32_t (*cluster_size)(struct bds *bs);
};

struct bds {
	const struct block_driver *drv;
	void *opaque;
	char *filename;
	struct bfile *file;
	struct bds *backing;
	char *backing_file;	/* as written in the image */
	char *backing_fmt;
	uint64_t size;
	bool readonly;
	bool discard_unmap;
	GMutex lock;		/* held around driver calls when drv->serialise */
};

extern const struct block_driver bdrv_raw;
extern const struct block_driver bdrv_qcow2;
/* raw opened by probing: block 0 must not become another format */
bool raw_is_probed(struct bds *bs);

const struct block_driver *bdrv_find_format(const char *name);
/* Open filename as a node; format NULL = probe. */
struct bds *bds_open(const char *filename, const struct blk_open_opts *opts, int depth,
		     GError **errp);
void bds_close(struct bds *bs);
/* Locked driver calls usable from any thread (iov is const for reads too) */
int bds_preadv(struct bds *bs, uint64_t offset, uint64_t bytes, const struct iovec *iov, int niov);
int bds_pread(struct bds *bs, uint64_t offset, void *buf, uint64_t bytes);
int bds_pwritev(struct bds *bs, uint64_t offset, uint64_t bytes, const struct iovec *iov, int niov);
int bds_pwrite(struct bds *bs, uint64_t offset, const void *buf, uint64_t bytes);
int bds_flush(struct bds *bs);
int bds_block_status(struct bds *bs, uint64_t offset, uint64_t bytes,
		     uint64_t *pnum, uint64_t *map, unsigned *status);
/* Resolve a backing file name relative to the image that names it. */
char *bdrv_backing_path(const char *image, const char *backing);

struct bds *blk_bds(struct blk *blk);

/* iovec helpers */
size_t iov_size(const struct iovec *iov, int niov);
void iov_to_buf(const struct iovec *iov, int niov, size_t off, void *buf, size_t bytes);
void iov_from_buf(const struct iovec *iov, int niov, size_t off, const void *buf, size_t bytes);
void iov_memset(const struct iovec *iov, int niov, size_t off, int c, size_t bytes);
bool buffer_is_zero(const void *buf, size_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block layer: disk images (raw, qcow2) behind one asynchronous API.
 *
 * A device opens its image once, then submits requests and gets each
 * completion as a callback on the main loop thread (BQL held):
 *
 *	struct blk_open_opts o = { .format = "qcow2", .cache = BLK_CACHE_WRITEBACK };
 *	struct blk *blk = blk_open("disk.qcow2", &o, errp);
 *	blk_aio_preadv(blk, offset, iov, niov, ide_read_done, s);
 *	...
 *	static void ide_read_done(void *opaque, int ret) { ret is 0 or -errno }
 *
 * Requests run on a pool of worker threads (the format driver is called
 * there, serialised per image where the format needs it), or for raw
 * images opened with aio=io_uring on an io_uring; completions come back
 * through a bottom half (or the ring's eventfd) on the main loop. Buffers
 * must stay valid until the callback. Offsets and lengths are in bytes and
 * may be unaligned: the layer bounces what O_DIRECT (cache=none) cannot
 * take directly. Every blk_* call needs the BQL (a vCPU thread handling an
 * exit holds it); requests in flight are not cancelled, drain them.
 *
 * kemu-img and tests use the synchronous wrappers (blk_pread, blk_pwrite,
 * ...), which submit and then run the main loop until the request is done;
 * they, blk_drain() and blk_close() run the main loop, so call them only
 * on the main-loop thread (or a tool's only thread), never from a vCPU or
 * from inside a completion callback.
 *
 * Opening takes QEMU-compatible OFD locks on the image file (bytes 100+ and
 * 200+), so kemu and qemu cannot both open one image read-write.
 *
 * Not here: the qcow2 internals (block/qcow2.h), drive option parsing
 * (blk_parse_cache_mode et al. help), devices.
 */
#ifndef BLOCK_BLOCK_H
#define BLOCK_BLOCK_H

#include "kemu/common.h"
#include <sys/uio.h>

enum blk_cache_mode {
	BLK_CACHE_WRITEBACK,	/* page cache, flush honoured (default) */
	BLK_CACHE_NONE,		/* O_DIRECT, flush honoured */
	BLK_CACHE_WRITETHROUGH,	/* page cache, flush after every write */
	BLK_CACHE_DIRECTSYNC,	/* O_DIRECT + flush after every write */
	BLK_CACHE_UNSAFE,	/* page cache, flushes ignored */
};

enum blk_aio_mode {
	BLK_AIO_THREADS,	/* worker threads (default) */
	BLK_AIO_IO_URING,	/* io_uring for raw images where the host has it */
	BLK_AIO_NATIVE,		/* accepted as QEMU's; runs as threads */
};

struct blk_open_opts {
	const char *format;	/* "raw", "qcow2" or NULL to probe */
	enum blk_cache_mode cache;
	enum blk_aio_mode aio;
	bool readonly;
	bool snapshot;		/* writes go to a temporary qcow2 overlay */
	bool force_share;	/* -U: take no locks, check none (read-only only) */
	bool no_backing;	/* do not open the backing chain (info, rebase -u) */
	bool discard_unmap;	/* discard=unmap: punch holes; else ignore */
	bool detect_zeroes;	/* write of all zeroes becomes write-zeroes */
	bool allow_probe_raw_warning; /* print QEMU's warning when probing raw */
};

struct blk;

typedef void (*blk_complete_fn)(void *opaque, int ret);

/* Open an image; NULL and errp set on failure ("foo.qcow2: ..."). */
struct blk *blk_open(const char *filename, const struct blk_open_opts *opts, GError **errp);
/* Waits for the requests in flight, flushes (unless unsafe), unlocks, closes. */
void blk_close(struct blk *blk);

int64_t blk_getlength(struct blk *blk);
const char *blk_format_name(struct blk *blk);
const char *blk_filename(struct blk *blk);
bool blk_is_readonly(struct blk *blk);

/* Asynchronous requests: cb(opaque, 0 or -errno) on the main loop. */
void blk_aio_preadv(struct blk *blk, uint64_t offset, const struct iovec *iov, int niov,
		    blk_complete_fn cb, void *opaque);
void blk_aio_pwritev(struct blk *blk, uint64_t offset, const struct iovec *iov, int niov,
		     blk_complete_fn cb, void *opaque);
void blk_aio_flush(struct blk *blk, blk_complete_fn cb, void *opaque);
void blk_aio_pdiscard(struct blk *blk, uint64_t offset, uint64_t bytes,
		      blk_complete_fn cb, void *opaque);
void blk_aio_pwrite_zeroes(struct blk *blk, uint64_t offset, uint64_t bytes,
			   blk_complete_fn cb, void *opaque);
/* Requests submitted and not yet completed (callback not yet run). */
unsigned blk_in_flight(struct blk *blk);
/* Run the main loop until nothing is in flight on blk. */
void blk_drain(struct blk *blk);

/* Synchronous wrappers: 0 or -errno. */
int blk_pread(struct blk *blk, uint64_t offset, void *buf, size_t bytes);
int blk_pwrite(struct blk *blk, uint64_t offset, const void *buf, size_t bytes);
int blk_flush(struct blk *blk);
int blk_pdiscard(struct blk *blk, uint64_t offset, uint64_t bytes);
int blk_pwrite_zeroes(struct blk *blk, uint64_t offset, uint64_t bytes);
int blk_truncate(struct blk *blk, uint64_t size, GError **errp);

/* What is at offset: allocated data, zeroes, or backing (unallocated). */
enum {
	BLK_STATUS_DATA = 1,	/* data here (at host offset *map if known) */
	BLK_STATUS_ZERO = 2,	/* reads as zeroes */
	BLK_STATUS_ALLOCATED = 4, /* this layer decides the content */
	BLK_STATUS_OFFSET_VALID = 8,
	BLK_STATUS_COMPRESSED = 16,
};
/* Status of the run starting at offset; *pnum its length (> 0). 0 or -errno.
 * depth (may be NULL): how many backing layers down the content comes from. */
int blk_block_status(struct blk *blk, uint64_t offset, uint64_t bytes,
		     uint64_t *pnum, uint64_t *map, int *depth, unsigned *status);

bool blk_parse_cache_mode(const char *str, enum blk_cache_mode *mode);
/*
 * One -drive key for the block layer: format, cache, aio, discard,
 * detect-zeroes, readonly, snapshot, force-share. Sets *handled to false
 * (and returns true) for keys that are not the block layer's (file, if,
 * id, media...). On a bad value: false, errp "cache=foo: expected ...".
 * The strings must outlive the blk_open() call.
 */
bool blk_open_opts_set(struct blk_open_opts *o, const char *key, const char *value,
		       bool *handled, GError **errp);

/* Allocate a buffer suitable for O_DIRECT (free with blk_free_buf). */
void *blk_alloc_buf(size_t size);
void blk_free_buf(void *p);

#endif

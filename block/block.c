// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Block layer core: opening images (format probing, backing chains), the
 * asynchronous request engine and the synchronous wrappers.
 *
 * Requests run on a GThreadPool; each worker calls the format driver
 * (holding the node's lock when the driver says so), then queues the
 * finished request and schedules one bottom half, which runs the
 * completion callbacks on the main loop. cache=writethrough/directsync add
 * a flush after every write; cache=unsafe drops flushes.
 *
 * Not here: file descriptors (file.c), formats (raw.c, qcow2*.c).
 */
#include "kemu/common.h"
#include "block/block-int.h"
#include "block/qcow2.h"
#include "system/main-loop.h"

#include <unistd.h>

#define MAX_BACKING_DEPTH 16

static const struct block_driver *const drivers[] = { &bdrv_qcow2, &bdrv_raw };

const struct block_driver *bdrv_find_format(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(drivers); i++)
		if (!strcmp(drivers[i]->name, name))
			return drivers[i];
	return NULL;
}

bool blk_parse_cache_mode(const char *str, enum blk_cache_mode *mode)
{
	static const char *const names[] = {
		[BLK_CACHE_WRITEBACK] = "writeback", [BLK_CACHE_NONE] = "none",
		[BLK_CACHE_WRITETHROUGH] = "writethrough", [BLK_CACHE_DIRECTSYNC] = "directsync",
		[BLK_CACHE_UNSAFE] = "unsafe",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(str, names[i])) {
			*mode = i;
			return true;
		}
	}
	return false;
}

static bool parse_onoff(const char *key, const char *v, bool *out, GError **errp)
{
	if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes")) {
		*out = true;
		return true;
	}
	if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no")) {
		*out = false;
		return true;
	}
	g_set_error(errp, KEMU_ERROR, 0, "%s=%s: expected on or off", key, v);
	return false;
}

bool blk_open_opts_set(struct blk_open_opts *o, const char *key, const char *value,
		       bool *handled, GError **errp)
{
	*handled = true;
	if (!strcmp(key, "format")) {
		if (!bdrv_find_format(value)) {
			g_set_error(errp, KEMU_ERROR, 0, "format=%s: unknown format (expected raw or qcow2)",
				    value);
			return false;
		}
		o->format = value;
		return true;
	}
	if (!strcmp(key, "cache")) {
		if (!blk_parse_cache_mode(value, &o->cache)) {
			g_set_error(errp, KEMU_ERROR, 0, "cache=%s: expected none, writeback, "
				    "writethrough, directsync or unsafe", value);
			return false;
		}
		return true;
	}
	if (!strcmp(key, "aio")) {
		if (!strcmp(value, "threads"))
			o->aio = BLK_AIO_THREADS;
		else if (!strcmp(value, "io_uring"))
			o->aio = BLK_AIO_IO_URING;
		else if (!strcmp(value, "native"))
			o->aio = BLK_AIO_NATIVE;
		else {
			g_set_error(errp, KEMU_ERROR, 0, "aio=%s: expected threads, io_uring or native",
				    value);
			return false;
		}
		return true;
	}
	if (!strcmp(key, "discard")) {
		if (!strcmp(value, "unmap") || !strcmp(value, "on"))
			o->discard_unmap = true;
		else if (!strcmp(value, "ignore") || !strcmp(value, "off"))
			o->discard_unmap = false;
		else {
			g_set_error(errp, KEMU_ERROR, 0, "discard=%s: expected unmap or ignore", value);
			return false;
		}
		return true;
	}
	if (!strcmp(key, "detect-zeroes")) {
		if (!strcmp(value, "on") || !strcmp(value, "unmap"))
			o->detect_zeroes = true;
		else if (!strcmp(value, "off"))
			o->detect_zeroes = false;
		else {
			g_set_error(errp, KEMU_ERROR, 0, "detect-zeroes=%s: expected off, on or unmap", value);
			return false;
		}
		return true;
	}
	if (!strcmp(key, "readonly") || !strcmp(key, "read-only"))
		return parse_onoff(key, value, &o->readonly, errp);
	if (!strcmp(key, "snapshot"))
		return parse_onoff(key, value, &o->snapshot, errp);
	if (!strcmp(key, "force-share"))
		return parse_onoff(key, value, &o->force_share, errp);
	*handled = false;
	return true;
}

char *bdrv_backing_path(const char *image, const char *backing)
{
	const char *slash = strrchr(image, '/');

	/* as QEMU's path_combine: relative to the directory part of the name */
	if (g_path_is_absolute(backing) || strstr(backing, "://") || !slash)
		return g_strdup(backing);
	return g_strdup_printf("%.*s%s", (int)(slash - image + 1), image, backing);
}

/* ---- nodes ---- */

struct bds *bds_open(const char *filename, const struct blk_open_opts *opts, int depth,
		     GError **errp)
{
	const struct block_driver *drv = NULL;
	bool direct = opts->cache == BLK_CACHE_NONE || opts->cache == BLK_CACHE_DIRECTSYNC;
	struct bds *bs;

	if (depth > MAX_BACKING_DEPTH) {
		g_set_error(errp, KEMU_ERROR, 0, "Could not open '%s': backing chain too deep "
			    "(more than %d images; a loop?)", filename, MAX_BACKING_DEPTH);
		return NULL;
	}
	if (opts->format) {
		drv = bdrv_find_format(opts->format);
		if (!drv) {
			g_set_error(errp, KEMU_ERROR, 0, "Unknown driver '%s'", opts->format);
			return NULL;
		}
	}
	bs = g_new0(struct bds, 1);
	g_mutex_init(&bs->lock);
	bs->filename = g_strdup(filename);
	bs->readonly = opts->readonly;
	bs->discard_unmap = opts->discard_unmap;
	bs->file = bfile_open(filename, opts->readonly, direct, opts->force_share, errp);
	if (!bs->file)
		goto fail;
	if (!drv) {
		uint8_t buf[512];
		int best = -1;

		if (bfile_pread(bs->file, 0, buf, sizeof(buf)) < 0) {
			g_set_error(errp, KEMU_ERROR, 0, "Could not read image '%s' for probing", filename);
			goto fail;
		}
		for (size_t i = 0; i < ARRAY_SIZE(drivers); i++) {
			int score = drivers[i]->probe(buf, sizeof(buf));

			if (score > best) {
				best = score;
				drv = drivers[i];
			}
		}
		if (drv == &bdrv_raw && opts->allow_probe_raw_warning && !opts->readonly)
			fprintf(stderr, "WARNING: Image format was not specified for '%s' and probing guessed raw.\n"
				"         Automatically detecting the format is dangerous for raw images, write operations on block 0 will be restricted.\n"
				"         Specify the 'raw' format explicitly to remove the restrictions.\n",
				filename);
	}
	bs->drv = drv;
	if (drv->open(bs, opts, errp) < 0)
		goto fail_nodrv;
	if (bs->backing_file && !opts->no_backing) {
		struct blk_open_opts bo = *opts;
		g_autofree char *path = bdrv_backing_path(filename, bs->backing_file);

		bo.readonly = true;
		bo.format = bs->backing_fmt;
		bo.snapshot = false;
		bo.allow_probe_raw_warning = false;
		if (!strcmp(path, filename)) {
			g_set_error(errp, KEMU_ERROR, 0, "Could not open backing file of '%s': "
				    "the image is its own backing file", filename);
			goto fail_close;
		}
		bs->backing = bds_open(path, &bo, depth + 1, errp);
		if (!bs->backing) {
			g_prefix_error(errp, "Could not open backing file: ");
			goto fail_close;
		}
	}
	return bs;

fail_close:
	drv->close(bs);
fail_nodrv:
	bs->drv = NULL;
fail:
	bds_close(bs);
	return NULL;
}

void bds_close(struct bds *bs)
{
	if (!bs)
		return;
	if (bs->drv)
		bs->drv->close(bs);
	bds_close(bs->backing);
	bfile_close(bs->file);
	g_mutex_clear(&bs->lock);
	g_free(bs->filename);
	g_free(bs->backing_file);
	g_free(bs->backing_fmt);
	g_free(bs);
}

static void bds_lock(struct bds *bs)
{
	if (bs->drv->serialise)
		g_mutex_lock(&bs->lock);
}

static void bds_unlock(struct bds *bs)
{
	if (bs->drv->serialise)
		g_mutex_unlock(&bs->lock);
}

static int bds_check_range(struct bds *bs, uint64_t offset, uint64_t bytes)
{
	if (offset > bs->size || bytes > bs->size - offset)
		return -EIO;
	return 0;
}

int bds_preadv(struct bds *bs, uint64_t offset, uint64_t bytes, const struct iovec *iov, int niov)
{
	int ret = bds_check_range(bs, offset, bytes);

	if (ret < 0 || !bytes)
		return ret;
	bds_lock(bs);
	ret = bs->drv->preadv(bs, offset, bytes, iov, niov);
	bds_unlock(bs);
	return ret;
}

int bds_pread(struct bds *bs, uint64_t offset, void *buf, uint64_t bytes)
{
	struct iovec iov = { .iov_base = buf, .iov_len = bytes };

	return bds_preadv(bs, offset, bytes, &iov, 1);
}

int bds_pwritev(struct bds *bs, uint64_t offset, uint64_t bytes, const struct iovec *iov, int niov)
{
	int ret = bds_check_range(bs, offset, bytes);

	if (ret < 0 || !bytes)
		return ret;
	if (bs->readonly)
		return -EACCES;
	bds_lock(bs);
	ret = bs->drv->pwritev(bs, offset, bytes, iov, niov);
	bds_unlock(bs);
	return ret;
}

int bds_pwrite(struct bds *bs, uint64_t offset, const void *buf, uint64_t bytes)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = bytes };

	return bds_pwritev(bs, offset, bytes, &iov, 1);
}

int bds_flush(struct bds *bs)
{
	int ret;

	if (bs->readonly)
		return 0;
	bds_lock(bs);
	ret = bs->drv->flush ? bs->drv->flush(bs) : bfile_flush(bs->file);
	bds_unlock(bs);
	return ret;
}

int bds_block_status(struct bds *bs, uint64_t offset, uint64_t bytes,
		     uint64_t *pnum, uint64_t *map, unsigned *status)
{
	int ret;

	if (offset >= bs->size) {
		*pnum = bytes;
		*status = BLK_STATUS_ZERO;
		return 0;
	}
	bytes = MIN(bytes, bs->size - offset);
	bds_lock(bs);
	ret = bs->drv->block_status(bs, offset, bytes, pnum, map, status);
	bds_unlock(bs);
	return ret;
}

/* ---- backends and asynchronous requests ---- */

struct blk {
	struct bds *bs;
	char *tmp_overlay;	/* snapshot=on: the temporary file, deleted at close */
	enum blk_cache_mode cache;
	bool detect_zeroes;
	unsigned in_flight;	/* main-loop thread only */
	struct blk_uring *uring;	/* aio=io_uring on a raw image */
	/* a serialised format (qcow2) gets a few workers of its own: more
	 * threads would only queue on the node's lock */
	GThreadPool *own_pool;
};

#define SERIALISED_WORKERS 4

enum req_type { REQ_READ, REQ_WRITE, REQ_FLUSH, REQ_DISCARD, REQ_ZEROES };

struct blk_req {
	struct blk *blk;
	enum req_type type;
	uint64_t offset, bytes;
	struct iovec *iov;
	int niov;
	blk_complete_fn cb;
	void *opaque;
	int ret;
};

static GThreadPool *pool;
static GMutex done_lock;	/* protects done_list; taken after a node's lock */
static GSList *done_list;
static struct kemu_bh *done_bh;

struct bds *blk_bds(struct blk *blk)
{
	return blk->bs;
}

static int req_execute(struct blk_req *r)
{
	struct blk *blk = r->blk;
	struct bds *bs = blk->bs;
	int ret;

	switch (r->type) {
	case REQ_READ:
		return bds_preadv(bs, r->offset, r->bytes, r->iov, r->niov);
	case REQ_WRITE:
		if (blk->detect_zeroes && r->niov == 1 &&
		    buffer_is_zero(r->iov[0].iov_base, r->bytes) && bs->drv->write_zeroes) {
			ret = bds_check_range(bs, r->offset, r->bytes);
			if (ret == 0) {
				bds_lock(bs);
				ret = bs->drv->write_zeroes(bs, r->offset, r->bytes);
				bds_unlock(bs);
			}
		} else {
			ret = bds_pwritev(bs, r->offset, r->bytes, r->iov, r->niov);
		}
		if (ret == 0 && (blk->cache == BLK_CACHE_WRITETHROUGH ||
				 blk->cache == BLK_CACHE_DIRECTSYNC))
			ret = bds_flush(bs);
		return ret;
	case REQ_FLUSH:
		if (blk->cache == BLK_CACHE_UNSAFE)
			return 0;
		return bds_flush(bs);
	case REQ_DISCARD:
		if (bs->readonly)
			return -EACCES;
		if (!bs->discard_unmap)
			return 0;	/* discard=ignore (QEMU's default) */
		if ((ret = bds_check_range(bs, r->offset, r->bytes)) < 0)
			return ret;
		if (!bs->drv->discard)
			return 0;
		bds_lock(bs);
		ret = bs->drv->discard(bs, r->offset, r->bytes);
		bds_unlock(bs);
		return ret;
	case REQ_ZEROES:
		if (bs->readonly)
			return -EACCES;
		if ((ret = bds_check_range(bs, r->offset, r->bytes)) < 0)
			return ret;
		bds_lock(bs);
		ret = bs->drv->write_zeroes(bs, r->offset, r->bytes);
		bds_unlock(bs);
		return ret;
	}
	return -EINVAL;
}

static void req_worker(gpointer data, gpointer user_data)
{
	struct blk_req *r = data;

	r->ret = req_execute(r);
	g_mutex_lock(&done_lock);
	done_list = g_slist_prepend(done_list, r);
	g_mutex_unlock(&done_lock);
	bh_schedule(done_bh);
}

static void req_done_bh(void *opaque)
{
	GSList *list, *l;

	g_mutex_lock(&done_lock);
	list = g_slist_reverse(done_list);
	done_list = NULL;
	g_mutex_unlock(&done_lock);
	for (l = list; l; l = l->next) {
		struct blk_req *r = l->data;

		r->blk->in_flight--;
		if (r->cb)
			r->cb(r->opaque, r->ret);
		g_free(r->iov);
		g_free(r);
	}
	g_slist_free(list);
}

static void engine_init(void)
{
	static gsize once;

	if (g_once_init_enter(&once)) {
		GError *err = NULL;

		main_loop_init();
		done_bh = bh_new(req_done_bh, NULL);
		pool = g_thread_pool_new(req_worker, NULL, 16, FALSE, &err);
		if (!pool)
			g_error("block: thread pool: %s", err->message);
		g_once_init_leave(&once, 1);
	}
}

struct uring_done {
	struct blk *blk;
	blk_complete_fn cb;
	void *opaque;
};

static void uring_done(void *opaque, int ret)
{
	struct uring_done *d = opaque;

	d->blk->in_flight--;
	if (d->cb)
		d->cb(d->opaque, ret);
	g_free(d);
}

/* The io_uring fast path: raw data and flushes with nothing to add on top. */
static bool req_try_uring(struct blk *blk, enum req_type type, uint64_t offset,
			  const struct iovec *iov, int niov, blk_complete_fn cb, void *opaque)
{
	struct bds *bs = blk->bs;
	struct bfile *f = bs->file;
	size_t bytes = iov_size(iov, niov);
	struct uring_done *d;
	int utype;

	if (type == REQ_FLUSH) {
		if (blk->cache == BLK_CACHE_UNSAFE || bs->readonly)
			return false;
		utype = BLK_URING_FLUSH;
	} else if (type == REQ_READ || type == REQ_WRITE) {
		if (bds_check_range(bs, offset, bytes) < 0 || !bytes)
			return false;
		if (type == REQ_WRITE && (bs->readonly || blk->detect_zeroes ||
					  blk->cache == BLK_CACHE_WRITETHROUGH ||
					  blk->cache == BLK_CACHE_DIRECTSYNC ||
					  (offset < 512 && raw_is_probed(bs))))
			return false;
		if (f->direct) {
			if (!IS_ALIGNED(offset, f->align))
				return false;
			for (int i = 0; i < niov; i++)
				if (!IS_ALIGNED((uintptr_t)iov[i].iov_base, f->align) ||
				    !IS_ALIGNED(iov[i].iov_len, f->align))
					return false;
		}
		utype = type == REQ_READ ? BLK_URING_READ : BLK_URING_WRITE;
	} else {
		return false;
	}
	d = g_new(struct uring_done, 1);
	d->blk = blk;
	d->cb = cb;
	d->opaque = opaque;
	if (!blk_uring_submit(blk->uring, f, utype, offset, iov, niov, uring_done, d)) {
		g_free(d);
		return false;
	}
	blk->in_flight++;
	return true;
}

/*
 * A read the driver answers from memory (zeroes) completes without a
 * thread; its callback still runs later from the bottom half, never
 * inside the submit call.
 */
static bool req_try_nowait(struct blk *blk, uint64_t offset, const struct iovec *iov, int niov,
			   struct blk_req *r)
{
	struct bds *bs = blk->bs;
	size_t bytes = iov_size(iov, niov);
	int done;

	if (!bs->drv->read_nowait || !bs->drv->serialise || !bytes ||
	    bds_check_range(bs, offset, bytes) < 0 || !g_mutex_trylock(&bs->lock))
		return false;
	done = bs->drv->read_nowait(bs, offset, bytes, iov, niov);
	g_mutex_unlock(&bs->lock);
	if (done != 1)
		return false;
	r->blk = blk;
	r->ret = 0;
	blk->in_flight++;
	g_mutex_lock(&done_lock);
	done_list = g_slist_prepend(done_list, r);
	g_mutex_unlock(&done_lock);
	bh_schedule(done_bh);
	return true;
}

static void req_submit(struct blk *blk, enum req_type type, uint64_t offset, uint64_t bytes,
		       const struct iovec *iov, int niov, blk_complete_fn cb, void *opaque)
{
	struct blk_req *r;

	if (blk->uring && req_try_uring(blk, type, offset, iov, niov, cb, opaque))
		return;
	r = g_new0(struct blk_req, 1);
	r->cb = cb;
	r->opaque = opaque;
	if (type == REQ_READ && req_try_nowait(blk, offset, iov, niov, r))
		return;

	r->blk = blk;
	r->type = type;
	r->offset = offset;
	r->bytes = bytes;
	if (niov) {
		r->iov = g_memdup2(iov, sizeof(*iov) * niov);
		r->niov = niov;
		r->bytes = iov_size(iov, niov);
	}
	r->cb = cb;
	r->opaque = opaque;
	blk->in_flight++;
	g_thread_pool_push(blk->own_pool ? blk->own_pool : pool, r, NULL);
}

void blk_aio_preadv(struct blk *blk, uint64_t offset, const struct iovec *iov, int niov,
		    blk_complete_fn cb, void *opaque)
{
	req_submit(blk, REQ_READ, offset, 0, iov, niov, cb, opaque);
}

void blk_aio_pwritev(struct blk *blk, uint64_t offset, const struct iovec *iov, int niov,
		     blk_complete_fn cb, void *opaque)
{
	req_submit(blk, REQ_WRITE, offset, 0, iov, niov, cb, opaque);
}

void blk_aio_flush(struct blk *blk, blk_complete_fn cb, void *opaque)
{
	req_submit(blk, REQ_FLUSH, 0, 0, NULL, 0, cb, opaque);
}

void blk_aio_pdiscard(struct blk *blk, uint64_t offset, uint64_t bytes,
		      blk_complete_fn cb, void *opaque)
{
	req_submit(blk, REQ_DISCARD, offset, bytes, NULL, 0, cb, opaque);
}

void blk_aio_pwrite_zeroes(struct blk *blk, uint64_t offset, uint64_t bytes,
			   blk_complete_fn cb, void *opaque)
{
	req_submit(blk, REQ_ZEROES, offset, bytes, NULL, 0, cb, opaque);
}

unsigned blk_in_flight(struct blk *blk)
{
	return blk->in_flight;
}

void blk_drain(struct blk *blk)
{
	while (blk->in_flight)
		main_loop_wait(-1);
}

/* ---- synchronous wrappers ---- */

struct sync_wait {
	bool done;
	int ret;
};

static void sync_cb(void *opaque, int ret)
{
	struct sync_wait *w = opaque;

	w->ret = ret;
	w->done = true;
}

static int sync_wait(struct sync_wait *w)
{
	while (!w->done)
		main_loop_wait(-1);
	return w->ret;
}

int blk_pread(struct blk *blk, uint64_t offset, void *buf, size_t bytes)
{
	struct iovec iov = { buf, bytes };
	struct sync_wait w = { 0 };

	blk_aio_preadv(blk, offset, &iov, 1, sync_cb, &w);
	return sync_wait(&w);
}

int blk_pwrite(struct blk *blk, uint64_t offset, const void *buf, size_t bytes)
{
	struct iovec iov = { (void *)buf, bytes };
	struct sync_wait w = { 0 };

	blk_aio_pwritev(blk, offset, &iov, 1, sync_cb, &w);
	return sync_wait(&w);
}

int blk_flush(struct blk *blk)
{
	struct sync_wait w = { 0 };

	blk_aio_flush(blk, sync_cb, &w);
	return sync_wait(&w);
}

int blk_pdiscard(struct blk *blk, uint64_t offset, uint64_t bytes)
{
	struct sync_wait w = { 0 };

	blk_aio_pdiscard(blk, offset, bytes, sync_cb, &w);
	return sync_wait(&w);
}

int blk_pwrite_zeroes(struct blk *blk, uint64_t offset, uint64_t bytes)
{
	struct sync_wait w = { 0 };

	blk_aio_pwrite_zeroes(blk, offset, bytes, sync_cb, &w);
	return sync_wait(&w);
}

int blk_truncate(struct blk *blk, uint64_t size, GError **errp)
{
	struct bds *bs = blk->bs;
	int ret;

	blk_drain(blk);
	if (bs->readonly) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: image is read-only", bs->filename);
		return -EACCES;
	}
	bds_lock(bs);
	ret = bs->drv->truncate(bs, size, errp);
	bds_unlock(bs);
	return ret;
}

int blk_block_status(struct blk *blk, uint64_t offset, uint64_t bytes,
		     uint64_t *pnum, uint64_t *map, int *depth, unsigned *status)
{
	struct bds *bs = blk->bs;
	int d = 0, ret;

	/* no drain: callers order status queries against their own writes */
	for (;;) {
		ret = bds_block_status(bs, offset, bytes, pnum, map, status);
		if (ret < 0)
			return ret;
		if ((*status & BLK_STATUS_ALLOCATED) || !bs->backing)
			break;
		/* unallocated here: the backing file decides, within this run */
		bytes = *pnum;
		bs = bs->backing;
		d++;
		if (offset >= bs->size) {
			*status = BLK_STATUS_ZERO;
			break;
		}
	}
	if (depth)
		*depth = d;
	return 0;
}

/* ---- open/close ---- */

struct blk *blk_open(const char *filename, const struct blk_open_opts *opts, GError **errp)
{
	struct blk *blk;
	struct bds *bs;
	struct blk_open_opts o = *opts;

	engine_init();
	if (opts->snapshot)
		o.readonly = true;
	bs = bds_open(filename, &o, 0, errp);
	if (!bs)
		return NULL;
	blk = g_new0(struct blk, 1);
	blk->bs = bs;
	blk->cache = opts->cache;
	blk->detect_zeroes = opts->detect_zeroes;
	if (opts->snapshot) {
		/* temporary qcow2 overlay, unlinked at close */
		g_autofree char *tmpl = g_build_filename(g_get_tmp_dir(), "kemu-snapshot-XXXXXX", NULL);
		int fd = g_mkstemp(tmpl);
		struct qcow2_create_opts co = {
			.size = bs->size, .backing_file = bs->filename,
			.backing_fmt = bs->drv->name,
		};
		struct blk_open_opts oo = { .format = "qcow2", .cache = BLK_CACHE_UNSAFE };
		struct bds *top;

		if (fd < 0) {
			g_set_error(errp, KEMU_ERROR, 0, "snapshot=on: could not create a temporary file: %s",
				    g_strerror(errno));
			goto fail;
		}
		close(fd);
		if (!qcow2_create(tmpl, &co, errp)) {
			unlink(tmpl);
			goto fail;
		}
		oo.no_backing = true;
		top = bds_open(tmpl, &oo, 0, errp);
		if (!top) {
			unlink(tmpl);
			goto fail;
		}
		top->backing = bs;
		blk->bs = top;
		blk->tmp_overlay = g_strdup(tmpl);
		blk->cache = BLK_CACHE_UNSAFE;
	}
	if (blk->bs->drv->serialise) {
		blk->own_pool = g_thread_pool_new(req_worker, NULL, SERIALISED_WORKERS, TRUE, errp);
		if (!blk->own_pool) {
			bds_close(blk->bs);
			g_free(blk);
			return NULL;
		}
	}
	/* io_uring serves raw images; qcow2 runs its metadata on the threads */
	if (opts->aio == BLK_AIO_IO_URING && blk->bs->drv == &bdrv_raw) {
		blk->uring = blk_uring_new(errp);
		if (!blk->uring) {
			g_prefix_error(errp, "%s: ", filename);
			bds_close(blk->bs);
			g_free(blk);
			return NULL;
		}
	}
	return blk;
fail:
	bds_close(bs);
	g_free(blk);
	return NULL;
}

void blk_close(struct blk *blk)
{
	if (!blk)
		return;
	blk_drain(blk);
	if (blk->own_pool)
		g_thread_pool_free(blk->own_pool, FALSE, TRUE);
	blk_uring_free(blk->uring);
	if (blk->cache != BLK_CACHE_UNSAFE)
		bds_flush(blk->bs);
	bds_close(blk->bs);
	if (blk->tmp_overlay) {
		unlink(blk->tmp_overlay);
		g_free(blk->tmp_overlay);
	}
	g_free(blk);
}

int64_t blk_getlength(struct blk *blk)
{
	return blk->bs->size;
}

const char *blk_format_name(struct blk *blk)
{
	return blk->bs->drv->name;
}

const char *blk_filename(struct blk *blk)
{
	return blk->bs->filename;
}

bool blk_is_readonly(struct blk *blk)
{
	return blk->bs->readonly && !blk->tmp_overlay;
}

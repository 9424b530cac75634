// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * aio=io_uring: reads, writes and flushes of raw images submitted to an
 * io_uring from the main loop thread; completions arrive through an
 * eventfd that the glib main context watches. Submissions made during one
 * main-loop iteration go to the kernel together (a bottom half submits).
 *
 * Only the simple cases come here (block.c decides): raw format, no
 * writethrough, no zero detection, aligned when O_DIRECT. A short transfer
 * is redone synchronously. Without liburing at build time every function
 * reports "not available" and block.c uses the thread pool.
 */
#include "kemu/common.h"
#include "block/block-int.h"
#include "block/block-config.h"
#include "system/main-loop.h"

#ifdef CONFIG_LIBURING
#include <glib-unix.h>
#include <liburing.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define URING_ENTRIES 128

struct blk_uring {
	struct io_uring ring;
	int efd;
	guint watch;
	struct kemu_bh *submit_bh;
	unsigned queued, in_flight;
};

struct uring_req {
	struct bfile *f;
	int type;
	uint64_t offset, bytes;
	struct iovec *iov;
	int niov;
	void (*done)(void *opaque, int ret);
	void *opaque;
};

static void uring_complete(struct uring_req *r, int res)
{
	int ret = 0;

	if (res < 0) {
		ret = res;
	} else if (r->type != BLK_URING_FLUSH && (uint64_t)res != r->bytes) {
		/* short: a read at EOF, or a partial transfer; redo it in full */
		ret = r->type == BLK_URING_READ ? bfile_preadv(r->f, r->offset, r->iov, r->niov)
					: bfile_pwritev(r->f, r->offset, r->iov, r->niov);
	}
	r->done(r->opaque, ret);
	g_free(r->iov);
	g_free(r);
}

static gboolean uring_event(gint fd, GIOCondition cond, gpointer opaque)
{
	struct blk_uring *u = opaque;
	struct io_uring_cqe *cqe;
	uint64_t cnt;

	if (read(u->efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		kemu_log("io_uring: eventfd read: %s\n", g_strerror(errno));
	while (io_uring_peek_cqe(&u->ring, &cqe) == 0) {
		struct uring_req *r = io_uring_cqe_get_data(cqe);
		int res = cqe->res;

		io_uring_cqe_seen(&u->ring, cqe);
		u->in_flight--;
		uring_complete(r, res);
	}
	return G_SOURCE_CONTINUE;
}

static void uring_submit_bh(void *opaque)
{
	struct blk_uring *u = opaque;

	if (u->queued) {
		int ret = io_uring_submit(&u->ring);

		if (ret < 0)
			kemu_log("io_uring: submit: %s\n", g_strerror(-ret));
		else
			u->queued -= MIN((unsigned)ret, u->queued);
	}
}

struct blk_uring *blk_uring_new(GError **errp)
{
	struct blk_uring *u = g_new0(struct blk_uring, 1);
	int ret = io_uring_queue_init(URING_ENTRIES, &u->ring, 0);

	if (ret < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "aio=io_uring: %s", g_strerror(-ret));
		g_free(u);
		return NULL;
	}
	u->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (u->efd < 0 || io_uring_register_eventfd(&u->ring, u->efd) < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "aio=io_uring: eventfd: %s", g_strerror(errno));
		if (u->efd >= 0)
			close(u->efd);
		io_uring_queue_exit(&u->ring);
		g_free(u);
		return NULL;
	}
	u->watch = g_unix_fd_add(u->efd, G_IO_IN, uring_event, u);
	u->submit_bh = bh_new(uring_submit_bh, u);
	return u;
}

void blk_uring_free(struct blk_uring *u)
{
	if (!u)
		return;
	while (u->in_flight || u->queued) {
		uring_submit_bh(u);
		main_loop_wait(-1);
	}
	g_source_remove(u->watch);
	bh_delete(u->submit_bh);
	io_uring_queue_exit(&u->ring);
	close(u->efd);
	g_free(u);
}

bool blk_uring_submit(struct blk_uring *u, struct bfile *f, int type, uint64_t offset,
		      const struct iovec *iov, int niov, void (*done)(void *opaque, int ret),
		      void *opaque)
{
	struct io_uring_sqe *sqe;
	struct uring_req *r;

	if (u->in_flight >= URING_ENTRIES)
		return false;
	sqe = io_uring_get_sqe(&u->ring);
	if (!sqe) {
		uring_submit_bh(u);
		sqe = io_uring_get_sqe(&u->ring);
		if (!sqe)
			return false;
	}
	r = g_new0(struct uring_req, 1);
	r->f = f;
	r->type = type;
	r->offset = offset;
	r->done = done;
	r->opaque = opaque;
	if (niov) {
		r->iov = g_memdup2(iov, sizeof(*iov) * niov);
		r->niov = niov;
		r->bytes = iov_size(iov, niov);
	}
	switch (type) {
	case BLK_URING_READ:
		io_uring_prep_readv(sqe, f->fd, r->iov, niov, offset);
		break;
	case BLK_URING_WRITE:
		io_uring_prep_writev(sqe, f->fd, r->iov, niov, offset);
		break;
	default:
		io_uring_prep_fsync(sqe, f->fd, IORING_FSYNC_DATASYNC);
		break;
	}
	io_uring_sqe_set_data(sqe, r);
	u->queued++;
	u->in_flight++;
	bh_schedule(u->submit_bh);
	return true;
}

bool blk_uring_available(void)
{
	return true;
}

#else

struct blk_uring *blk_uring_new(GError **errp)
{
	g_set_error(errp, KEMU_ERROR, 0, "aio=io_uring: this kemu was built without liburing");
	return NULL;
}

void blk_uring_free(struct blk_uring *u)
{
}

bool blk_uring_submit(struct blk_uring *u, struct bfile *f, int type, uint64_t offset,
		      const struct iovec *iov, int niov, void (*done)(void *opaque, int ret),
		      void *opaque)
{
	return false;
}

bool blk_uring_available(void)
{
	return false;
}

#endif

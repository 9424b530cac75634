// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The main loop: glib's default context polled with ppoll() so that kemu's
 * timers get nanosecond deadlines (glib's own timeouts are milliseconds),
 * plus bottom halves and the BQL. See system/main-loop.h.
 */
#include "system/main-loop.h"
#include "system/timer.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

/*
 * The device lock. Order: BQL before any device-private lock, before
 * timer_lock. A plain mutex (so vCPU threads can wait on conditions with
 * it) made re-entrant per thread by counting.
 */
static GMutex bql;
static __thread int bql_depth;
static int wakeup_fd = -1;

struct kemu_bh {
	bh_fn cb;
	void *opaque;
	bool scheduled;
	bool deleted;
};

static GMutex bh_lock;		/* protects bh_list and the flags */
static GPtrArray *bh_list;

void bql_lock(void)
{
	if (bql_depth++ == 0)
		g_mutex_lock(&bql);
}

void bql_unlock(void)
{
	g_assert(bql_depth > 0);
	if (--bql_depth == 0)
		g_mutex_unlock(&bql);
}

void bql_cond_wait(GCond *cond)
{
	int depth = bql_depth;

	g_assert(depth > 0);
	bql_depth = 0;
	g_cond_wait(cond, &bql);
	bql_depth = depth;
}

bool bql_cond_wait_until(GCond *cond, int64_t end_time_us)
{
	int depth = bql_depth;
	bool signalled;

	g_assert(depth > 0);
	bql_depth = 0;
	signalled = g_cond_wait_until(cond, &bql, end_time_us);
	bql_depth = depth;
	return signalled;
}

bool bql_locked(void)
{
	return bql_depth > 0;
}

void main_loop_wakeup(void)
{
	uint64_t one = 1;

	if (wakeup_fd >= 0 && write(wakeup_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		kemu_log("main loop: wakeup write failed: %s\n", g_strerror(errno));
}

static void timers_changed(void *opaque)
{
	main_loop_wakeup();
}

void main_loop_init(void)
{
	if (wakeup_fd >= 0)
		return;
	wakeup_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (wakeup_fd < 0) {
		fprintf(stderr, "kemu: eventfd: %s\n", g_strerror(errno));
		exit(1);
	}
	bh_list = g_ptr_array_new();
	timers_set_notify(timers_changed, NULL);
}

struct kemu_bh *bh_new(bh_fn cb, void *opaque)
{
	struct kemu_bh *bh = g_new0(struct kemu_bh, 1);

	bh->cb = cb;
	bh->opaque = opaque;
	g_mutex_lock(&bh_lock);
	if (!bh_list)
		bh_list = g_ptr_array_new();
	g_ptr_array_add(bh_list, bh);
	g_mutex_unlock(&bh_lock);
	return bh;
}

void bh_schedule(struct kemu_bh *bh)
{
	bool was;

	g_mutex_lock(&bh_lock);
	was = bh->scheduled;
	bh->scheduled = true;
	g_mutex_unlock(&bh_lock);
	if (!was)
		main_loop_wakeup();
}

void bh_cancel(struct kemu_bh *bh)
{
	g_mutex_lock(&bh_lock);
	bh->scheduled = false;
	g_mutex_unlock(&bh_lock);
}

void bh_delete(struct kemu_bh *bh)
{
	g_mutex_lock(&bh_lock);
	bh->scheduled = false;
	bh->deleted = true;
	g_mutex_unlock(&bh_lock);
}

/* Runs scheduled bottom halves; returns true if any ran. */
static bool bh_poll(void)
{
	bool ran = false;

	for (guint i = 0;; i++) {
		struct kemu_bh *bh;
		bool run;

		g_mutex_lock(&bh_lock);
		if (i >= bh_list->len) {
			g_mutex_unlock(&bh_lock);
			break;
		}
		bh = g_ptr_array_index(bh_list, i);
		if (bh->deleted) {
			g_ptr_array_remove_index(bh_list, i--);
			g_mutex_unlock(&bh_lock);
			g_free(bh);
			continue;
		}
		run = bh->scheduled;
		bh->scheduled = false;
		g_mutex_unlock(&bh_lock);
		if (run) {
			bh->cb(bh->opaque);
			ran = true;
		}
	}
	return ran;
}

static bool bh_any_scheduled(void)
{
	bool any = false;

	g_mutex_lock(&bh_lock);
	for (guint i = 0; i < bh_list->len && !any; i++)
		any = ((struct kemu_bh *)g_ptr_array_index(bh_list, i))->scheduled;
	g_mutex_unlock(&bh_lock);
	return any;
}

void main_loop_wait(int64_t timeout_ns)
{
	GMainContext *ctx = g_main_context_default();
	static GPollFD *fds;
	static int nfds_alloc;
	int max_priority, glib_timeout_ms, nfds;
	int64_t deadline;
	struct timespec ts, *tsp = NULL;
	uint64_t drain;

	g_main_context_acquire(ctx);
	g_main_context_prepare(ctx, &max_priority);
	for (;;) {
		nfds = g_main_context_query(ctx, max_priority, &glib_timeout_ms, fds, nfds_alloc);
		if (nfds + 1 <= nfds_alloc)
			break;
		nfds_alloc = nfds + 8;
		fds = g_renew(GPollFD, fds, nfds_alloc);
	}
	fds[nfds].fd = wakeup_fd;
	fds[nfds].events = G_IO_IN;
	fds[nfds].revents = 0;

	deadline = timers_next_deadline_ns();
	if (glib_timeout_ms >= 0 && (deadline < 0 || glib_timeout_ms * NS_PER_MS < deadline))
		deadline = glib_timeout_ms * NS_PER_MS;
	if (timeout_ns >= 0 && (deadline < 0 || timeout_ns < deadline))
		deadline = timeout_ns;
	if (bh_any_scheduled())
		deadline = 0;
	if (deadline >= 0) {
		ts.tv_sec = deadline / NS_PER_SEC;
		ts.tv_nsec = deadline % NS_PER_SEC;
		tsp = &ts;
	}

	/* drop the lock entirely while sleeping, however deep the caller holds it */
	int depth = bql_depth;

	g_assert(depth > 0);
	bql_depth = 1;
	bql_unlock();
	/* GPollFD has the layout of struct pollfd on Linux (glib guarantees it) */
	if (ppoll((struct pollfd *)fds, nfds + 1, tsp, NULL) < 0 && errno != EINTR)
		kemu_log("main loop: ppoll: %s\n", g_strerror(errno));
	bql_lock();
	bql_depth = depth;

	if (fds[nfds].revents & G_IO_IN) {
		if (read(wakeup_fd, &drain, sizeof(drain)) < 0 && errno != EAGAIN)
			kemu_log("main loop: wakeup read failed: %s\n", g_strerror(errno));
	}
	if (g_main_context_check(ctx, max_priority, fds, nfds))
		g_main_context_dispatch(ctx);
	g_main_context_release(ctx);

	timers_run_expired();
	bh_poll();
}

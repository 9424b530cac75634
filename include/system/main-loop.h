/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main loop: glib's default GMainContext for file descriptors and glib
 * sources, plus kemu's nanosecond timer lists (system/timer.h) and bottom
 * halves. One thread runs it; it holds the BQL (the device lock) except
 * while it sleeps in poll.
 *
 * The BQL protects all device state. vCPU threads take it around exit
 * handling (bql_lock/bql_unlock) and never sleep holding it. Lock order:
 * include/system/locks.h.
 *
 * Bottom halves defer work to the main loop from any thread:
 *	s->bh = bh_new(serial_tx_bh, s);  bh_schedule(s->bh);
 */
#ifndef SYSTEM_MAIN_LOOP_H
#define SYSTEM_MAIN_LOOP_H

#include "kemu/common.h"

void main_loop_init(void);
/* One iteration: poll fds/timers (at most timeout_ns, -1 = until an event). */
void main_loop_wait(int64_t timeout_ns);
/* Wake the main loop from another thread. */
void main_loop_wakeup(void);

void bql_lock(void);
void bql_unlock(void);
bool bql_locked(void);
/* Wait on cond with the BQL released (it is held again on return). */
void bql_cond_wait(GCond *cond);
bool bql_cond_wait_until(GCond *cond, int64_t end_time_us);

struct kemu_bh;
typedef void (*bh_fn)(void *opaque);
struct kemu_bh *bh_new(bh_fn cb, void *opaque);
void bh_schedule(struct kemu_bh *bh);	/* any thread */
void bh_cancel(struct kemu_bh *bh);
void bh_delete(struct kemu_bh *bh);

#endif

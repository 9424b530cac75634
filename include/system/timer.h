/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Clocks and timers with nanosecond deadlines.
 *
 * CLOCK_VIRTUAL is guest time: it runs while the VM runs and stops while it
 * is paused; under the test accelerator it moves only when a test calls
 * clock_step(). CLOCK_HOST_MONOTONIC is host monotonic time (UI refresh, monitor
 * timeouts). CLOCK_HOST is wall-clock time (the RTC's base).
 *
 *	s->periodic = timer_new_ns(CLOCK_VIRTUAL, rtc_periodic_tick, s);
 *	timer_mod_ns(s->periodic, clock_get_ns(CLOCK_VIRTUAL) + period_ns);
 *
 * Callbacks run on the main loop thread with the BQL held. timer_mod_ns()
 * may be called from any thread that holds the BQL (a vCPU handling an
 * exit); it wakes the main loop if the new deadline is the earliest.
 */
#ifndef SYSTEM_TIMER_H
#define SYSTEM_TIMER_H

#include "kemu/common.h"

enum clock_type {
	CLOCK_HOST_MONOTONIC,	/* host monotonic time (UI, timeouts) */
	CLOCK_VIRTUAL,
	CLOCK_HOST,
	CLOCK_MAX
};

typedef void (*timer_cb_fn)(void *opaque);

struct kemu_timer {
	enum clock_type clock;
	int64_t expire_ns;		/* -1 when not pending */
	timer_cb_fn cb;
	void *opaque;
	struct kemu_timer *next;	/* in its clock's list, sorted by expiry */
};

int64_t clock_get_ns(enum clock_type clock);

struct kemu_timer *timer_new_ns(enum clock_type clock, timer_cb_fn cb, void *opaque);
void timer_free(struct kemu_timer *t);
void timer_mod_ns(struct kemu_timer *t, int64_t expire_ns);
void timer_del(struct kemu_timer *t);
bool timer_pending(const struct kemu_timer *t);
int64_t timer_expire_ns(const struct kemu_timer *t);

/* Earliest deadline of any clock in ns from now, -1 if none. */
int64_t timers_next_deadline_ns(void);
/* Run expired timers of every clock; returns true if any ran. */
bool timers_run_expired(void);

/* Virtual clock control (run state and the test accelerator). */
void clock_virtual_stop(void);
void clock_virtual_start(void);
/* Test accelerator: virtual time moves only by clock_step(). */
void clock_virtual_set_manual(bool manual);
/* Advance manual virtual time by ns, running timers in deadline order. */
void clock_step(int64_t ns);
/* Notified when a timer on any clock becomes the earliest (main loop wakeup). */
void timers_set_notify(void (*notify)(void *opaque), void *opaque);

#endif

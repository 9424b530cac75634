// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Clocks and nanosecond timer lists. See system/timer.h.
 *
 * Each clock has a list of pending timers sorted by expiry. The lists are
 * protected by timer_lock (a leaf lock: callbacks run without it, with the
 * BQL held by the caller). The virtual clock is host monotonic time minus the
 * time spent paused, or, in manual mode (test accelerator), a counter that
 * only clock_step() moves.
 */
#include "system/timer.h"

#include <time.h>

static GMutex timer_lock;
static struct kemu_timer *timer_lists[CLOCK_MAX];
static void (*timers_notify)(void *opaque);
static void *timers_notify_opaque;

/* virtual clock state */
static bool vclock_manual;
static bool vclock_stopped;
static int64_t vclock_offset;		/* virtual = monotonic - offset */
static int64_t vclock_frozen;		/* value while stopped or manual */

static int64_t host_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

int64_t clock_get_ns(enum clock_type clock)
{
	int64_t v;

	switch (clock) {
	case CLOCK_HOST_MONOTONIC:
		return host_clock_ns(CLOCK_MONOTONIC);
	case CLOCK_HOST:
		return host_clock_ns(CLOCK_REALTIME);
	case CLOCK_VIRTUAL:
		g_mutex_lock(&timer_lock);
		if (vclock_manual || vclock_stopped)
			v = vclock_frozen;
		else
			v = host_clock_ns(CLOCK_MONOTONIC) - vclock_offset;
		g_mutex_unlock(&timer_lock);
		return v;
	default:
		g_assert_not_reached();
	}
}

void clock_virtual_stop(void)
{
	g_mutex_lock(&timer_lock);
	if (!vclock_manual && !vclock_stopped) {
		vclock_frozen = host_clock_ns(CLOCK_MONOTONIC) - vclock_offset;
		vclock_stopped = true;
	}
	g_mutex_unlock(&timer_lock);
}

void clock_virtual_start(void)
{
	g_mutex_lock(&timer_lock);
	if (!vclock_manual && vclock_stopped) {
		vclock_offset = host_clock_ns(CLOCK_MONOTONIC) - vclock_frozen;
		vclock_stopped = false;
	}
	g_mutex_unlock(&timer_lock);
	if (timers_notify)
		timers_notify(timers_notify_opaque);
}

void clock_virtual_set_manual(bool manual)
{
	g_mutex_lock(&timer_lock);
	vclock_manual = manual;
	vclock_frozen = 0;
	vclock_offset = host_clock_ns(CLOCK_MONOTONIC);
	g_mutex_unlock(&timer_lock);
}

void timers_set_notify(void (*notify)(void *opaque), void *opaque)
{
	timers_notify = notify;
	timers_notify_opaque = opaque;
}

struct kemu_timer *timer_new_ns(enum clock_type clock, timer_cb_fn cb, void *opaque)
{
	struct kemu_timer *t = g_new0(struct kemu_timer, 1);

	g_assert(clock < CLOCK_MAX);
	t->clock = clock;
	t->cb = cb;
	t->opaque = opaque;
	t->expire_ns = -1;
	return t;
}

static void timer_unlink_locked(struct kemu_timer *t)
{
	struct kemu_timer **pp;

	for (pp = &timer_lists[t->clock]; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->next = NULL;
	t->expire_ns = -1;
}

void timer_free(struct kemu_timer *t)
{
	if (!t)
		return;
	timer_del(t);
	g_free(t);
}

void timer_del(struct kemu_timer *t)
{
	g_mutex_lock(&timer_lock);
	if (t->expire_ns >= 0)
		timer_unlink_locked(t);
	g_mutex_unlock(&timer_lock);
}

void timer_mod_ns(struct kemu_timer *t, int64_t expire_ns)
{
	struct kemu_timer **pp;
	bool first;

	if (expire_ns < 0)
		expire_ns = 0;
	g_mutex_lock(&timer_lock);
	if (t->expire_ns >= 0)
		timer_unlink_locked(t);
	for (pp = &timer_lists[t->clock]; *pp && (*pp)->expire_ns <= expire_ns; pp = &(*pp)->next)
		;
	t->expire_ns = expire_ns;
	t->next = *pp;
	*pp = t;
	first = pp == &timer_lists[t->clock];
	g_mutex_unlock(&timer_lock);
	if (first && timers_notify)
		timers_notify(timers_notify_opaque);
}

bool timer_pending(const struct kemu_timer *t)
{
	return __atomic_load_n(&t->expire_ns, __ATOMIC_RELAXED) >= 0;
}

int64_t timer_expire_ns(const struct kemu_timer *t)
{
	return t->expire_ns;
}

int64_t timers_next_deadline_ns(void)
{
	int64_t best = -1;

	for (int c = 0; c < CLOCK_MAX; c++) {
		int64_t now, exp, delta;

		if (c == CLOCK_VIRTUAL && (vclock_manual || vclock_stopped))
			continue;
		g_mutex_lock(&timer_lock);
		exp = timer_lists[c] ? timer_lists[c]->expire_ns : -1;
		g_mutex_unlock(&timer_lock);
		if (exp < 0)
			continue;
		now = clock_get_ns(c);
		delta = exp > now ? exp - now : 0;
		if (best < 0 || delta < best)
			best = delta;
	}
	return best;
}

/* Pops and runs one expired timer of `clock`; false if none is due. */
static bool timer_run_one(enum clock_type clock, int64_t now)
{
	struct kemu_timer *t;

	g_mutex_lock(&timer_lock);
	t = timer_lists[clock];
	if (!t || t->expire_ns > now) {
		g_mutex_unlock(&timer_lock);
		return false;
	}
	timer_unlink_locked(t);
	g_mutex_unlock(&timer_lock);
	t->cb(t->opaque);
	return true;
}

bool timers_run_expired(void)
{
	bool ran = false;

	for (int c = 0; c < CLOCK_MAX; c++) {
		int64_t now;

		if (c == CLOCK_VIRTUAL && vclock_stopped)
			continue;
		now = clock_get_ns(c);
		/* a callback that re-arms in the past runs again, bounded */
		for (int n = 0; n < 10000 && timer_run_one(c, now); n++)
			ran = true;
	}
	return ran;
}

void clock_step(int64_t ns)
{
	int64_t target;

	g_assert(vclock_manual);
	g_mutex_lock(&timer_lock);
	target = vclock_frozen + ns;
	g_mutex_unlock(&timer_lock);
	for (;;) {
		int64_t exp;

		g_mutex_lock(&timer_lock);
		exp = timer_lists[CLOCK_VIRTUAL] ? timer_lists[CLOCK_VIRTUAL]->expire_ns : -1;
		if (exp < 0 || exp > target) {
			vclock_frozen = target;
			g_mutex_unlock(&timer_lock);
			break;
		}
		if (exp > vclock_frozen)
			vclock_frozen = exp;
		g_mutex_unlock(&timer_lock);
		timer_run_one(CLOCK_VIRTUAL, vclock_frozen);
	}
}

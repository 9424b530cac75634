// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Run-state requests from devices, forwarded to whoever handles them (the
 * machine, or the device-test harness). See system/runstate.h.
 */
#include "kemu/common.h"
#include "system/runstate.h"

static const struct runstate_handler *runstate_handler;

void runstate_set_handler(const struct runstate_handler *h)
{
	runstate_handler = h;
}

void runstate_request_exit(int status)
{
	if (runstate_handler && runstate_handler->exit)
		runstate_handler->exit(status);
	else
		exit(status);
}

void runstate_request_reset(void)
{
	if (runstate_handler && runstate_handler->reset)
		runstate_handler->reset();
}

void runstate_request_poweroff(void)
{
	if (runstate_handler && runstate_handler->poweroff)
		runstate_handler->poweroff();
	else
		exit(0);
}

/* ---- causes and notifiers ---- */

static int pending_shutdown_cause;	/* enum shutdown_cause, atomic */
static int pending_reset_cause;

const char *shutdown_cause_name(enum shutdown_cause cause)
{
	static const char *const names[] = {
		[SHUTDOWN_CAUSE_NONE] = "none",
		[SHUTDOWN_CAUSE_HOST_ERROR] = "host-error",
		[SHUTDOWN_CAUSE_HOST_QMP_QUIT] = "host-qmp-quit",
		[SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET] = "host-qmp-system-reset",
		[SHUTDOWN_CAUSE_HOST_SIGNAL] = "host-signal",
		[SHUTDOWN_CAUSE_HOST_UI] = "host-ui",
		[SHUTDOWN_CAUSE_GUEST_SHUTDOWN] = "guest-shutdown",
		[SHUTDOWN_CAUSE_GUEST_RESET] = "guest-reset",
		[SHUTDOWN_CAUSE_GUEST_PANIC] = "guest-panic",
	};

	return cause < G_N_ELEMENTS(names) ? names[cause] : "none";
}

void runstate_request_shutdown(enum shutdown_cause cause)
{
	int none = SHUTDOWN_CAUSE_NONE;

	/* the first cause given wins, like the first exit status */
	__atomic_compare_exchange_n(&pending_shutdown_cause, &none, (int)cause, false,
				    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	runstate_request_exit(0);
}

enum shutdown_cause runstate_take_shutdown_cause(void)
{
	return __atomic_exchange_n(&pending_shutdown_cause, SHUTDOWN_CAUSE_NONE, __ATOMIC_ACQ_REL);
}

void runstate_request_reset_cause(enum shutdown_cause cause)
{
	__atomic_store_n(&pending_reset_cause, (int)cause, __ATOMIC_RELEASE);
	runstate_request_reset();
}

enum shutdown_cause runstate_take_reset_cause(void)
{
	return __atomic_exchange_n(&pending_reset_cause, SHUTDOWN_CAUSE_NONE, __ATOMIC_ACQ_REL);
}

struct runstate_notifier {
	runstate_notify_fn *fn;
	void *opaque;
};
static GArray *runstate_notifiers;

void runstate_add_notifier(runstate_notify_fn *fn, void *opaque)
{
	struct runstate_notifier n = { fn, opaque };

	if (!runstate_notifiers)
		runstate_notifiers = g_array_new(false, false, sizeof(n));
	g_array_append_val(runstate_notifiers, n);
}

void runstate_notify(enum runstate_change change, enum shutdown_cause cause)
{
	for (guint i = 0; runstate_notifiers && i < runstate_notifiers->len; i++) {
		struct runstate_notifier *n = &g_array_index(runstate_notifiers,
							     struct runstate_notifier, i);

		n->fn(change, cause, n->opaque);
	}
}

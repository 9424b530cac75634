/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run state: what devices and the monitor ask of the machine as a whole.
 * These are requests, safe from any thread: the main loop carries them out
 * (pausing vCPUs, resetting devices, flushing disks, exiting).
 *
 *	runstate_request_exit(status)	isa-debug-exit, Ctrl-A x, quit
 *	runstate_request_reset()	0xcf9, i8042 0xfe, triple fault
 *	runstate_request_poweroff()	ACPI S5 (exit status 0)
 */
#ifndef SYSTEM_RUNSTATE_H
#define SYSTEM_RUNSTATE_H

void runstate_request_exit(int status);
void runstate_request_reset(void);
void runstate_request_poweroff(void);

/*
 * Why the machine shuts down or resets, with QMP's ShutdownCause names
 * (shutdown_cause_name()). Requests made on behalf of the host say why;
 * the run-state notifiers (the monitor's SHUTDOWN/RESET events) see it.
 */
enum shutdown_cause {
	SHUTDOWN_CAUSE_NONE,
	SHUTDOWN_CAUSE_HOST_ERROR,
	SHUTDOWN_CAUSE_HOST_QMP_QUIT,
	SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET,
	SHUTDOWN_CAUSE_HOST_SIGNAL,
	SHUTDOWN_CAUSE_HOST_UI,
	SHUTDOWN_CAUSE_GUEST_SHUTDOWN,	/* this and below: the guest asked */
	SHUTDOWN_CAUSE_GUEST_RESET,
	SHUTDOWN_CAUSE_GUEST_PANIC,
};
const char *shutdown_cause_name(enum shutdown_cause cause);
/* runstate_request_exit(0) with a cause (monitor quit, signals). */
void runstate_request_shutdown(enum shutdown_cause cause);
/* The cause given with the pending exit request (NONE: none given); clears it. */
enum shutdown_cause runstate_take_shutdown_cause(void);
/* runstate_request_reset() on behalf of the host (monitor system_reset). */
void runstate_request_reset_cause(enum shutdown_cause cause);
/* The cause of the pending reset request (NONE: the guest's own); clears it. */
enum shutdown_cause runstate_take_reset_cause(void);

/*
 * Notifiers: called on the main thread with the BQL held when the machine
 * is about to exit (SHUTDOWN), has been reset (RESET) or was paused by the
 * run-state code itself (STOP, e.g. -no-shutdown), or a vCPU stopped on a fatal
 * error (INTERNAL_ERROR: the VM is paused for inspection).
 */
enum runstate_change { RUNSTATE_SHUTDOWN, RUNSTATE_RESET, RUNSTATE_STOP,
		       RUNSTATE_INTERNAL_ERROR };
typedef void runstate_notify_fn(enum runstate_change change, enum shutdown_cause cause,
				void *opaque);
void runstate_add_notifier(runstate_notify_fn *fn, void *opaque);
void runstate_notify(enum runstate_change change, enum shutdown_cause cause);

/*
 * Who carries the requests out: the machine (system/runstate.c's default
 * handler, set up by vl.c) or, in device tests, the harness, which records them.
 */
struct runstate_handler {
	void (*exit)(int status);
	void (*reset)(void);
	void (*poweroff)(void);
};
void runstate_set_handler(const struct runstate_handler *h);
#endif

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

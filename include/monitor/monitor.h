/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The monitors: QMP (JSON, for programs) and HMP (text, for people), each on
 * a chardev. The command line (system/vl.c) creates them:
 *
 *	chr = chardev_new_from_legacy("unix:/tmp/q,server=on,wait=off", "compat_monitor0", &err);
 *	monitor_new(chr, MONITOR_MODE_CONTROL, false, &err);	// -qmp
 *	monitor_new(chr, MONITOR_MODE_READLINE, false, &err);	// -monitor, mon:stdio
 *
 * Several monitors may run at once, on any mix of chardevs; each keeps its own
 * session state (QMP capabilities negotiation, HMP line and history). All of
 * them run on the main loop with the BQL held, like every chardev front end.
 * QMP events (STOP, RESUME, RESET, SHUTDOWN, POWERDOWN) go to every QMP
 * monitor that finished capabilities negotiation: monitor_qmp_event_emit().
 *
 * What is not here yet: out-of-band execution, QMP over a mux, argument
 * completion in HMP, the input commands (send-key, input-send-event).
 * screendump is the display code's, through the hook below (vl.c sets it).
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include "kemu/common.h"

struct chardev;

enum monitor_mode {
	MONITOR_MODE_READLINE,		/* HMP */
	MONITOR_MODE_CONTROL,		/* QMP */
};

/* Attach a monitor to chr (a mux too, for HMP). pretty: indented QMP output. */
bool monitor_new(struct chardev *chr, enum monitor_mode mode, bool pretty, GError **errp);
/* Detach and free every monitor (orderly exit, tests). */
void monitor_cleanup(void);

/*
 * screendump: the display code registers the function that writes the
 * current screen of the device (NULL: the primary one) to filename in format
 * ("ppm" or "png"). Until one is registered, screendump answers
 * "not supported yet".
 */
typedef bool monitor_screendump_fn(const char *filename, const char *device, int64_t head,
				   const char *format, GError **errp);
void monitor_set_screendump_handler(monitor_screendump_fn *fn);

/* For the gdbstub: qRcmd runs an HMP command line, reads walk the page tables. */
struct x86_cpu;
char *hmp_run_captured(const char *line, int cpu_index);
bool monitor_virt_to_phys(struct x86_cpu *cpu, uint64_t va, uint64_t *pa);

#endif

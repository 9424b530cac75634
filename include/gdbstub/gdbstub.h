/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gdbstub: the GDB remote serial protocol on a chardev, so gdb can debug
 * the guest (`target remote :1234`). One stub per machine, all-stop: when
 * one vCPU stops (breakpoint, watchpoint, step, Ctrl-C) every vCPU stops,
 * and vCPUs appear to gdb as threads 1..N.
 *
 *	gdbserver_start("tcp::1234", &err);		// -s, -gdb tcp::1234
 *	gdbserver_start("unix:/tmp/g,server", &err);	// -gdb unix:...
 *	gdbserver_start("chardev:gdb0", &err);		// an existing -chardev
 *	gdbserver_start("none", &err);			// HMP "gdbserver none": stop
 *
 * Call with the BQL held, after the board is built (it needs the vCPUs).
 * Breakpoints and watchpoints are handed to the accelerators through
 * system/debug.h. See docs/gdbstub.md for what is supported.
 */
#ifndef GDBSTUB_GDBSTUB_H
#define GDBSTUB_GDBSTUB_H

#include "kemu/common.h"

#define GDBSTUB_DEFAULT_PORT "tcp::1234"

bool gdbserver_start(const char *spec, GError **errp);
/* The chardev spec the stub listens on, NULL if none (HMP, messages). */
const char *gdbserver_spec(void);

#endif

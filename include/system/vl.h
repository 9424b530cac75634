/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pieces of system/vl.c's start-up that other files provide.
 */
#ifndef SYSTEM_VL_H
#define SYSTEM_VL_H

#include "kemu/common.h"

struct machine_state;
struct device;

/* The whole program (system/main.c calls it). */
int kemu_main(int argc, char **argv);

/*
 * -chardev, -serial, -nographic, -debugcon: create backends (system/vl-devices.c).
 * A "mon:" serial gets an HMP monitor on its mux; -nographic makes COM1
 * "mon:stdio" when default_monitor (no -monitor/-qmp/-mon), else "stdio".
 */
bool vl_configure_chardevs(struct machine_state *ms, GPtrArray *chardevs, GPtrArray *serials,
			   bool nographic, bool nodefaults, bool default_monitor,
			   const char *debugcon, GError **errp);
/* Realize a -device and plug it into the machine. */
bool vl_plug_device(struct machine_state *ms, struct device *dev, GError **errp);
/* Orderly end: flush what needs flushing, restore the terminal. */
void vl_shutdown(struct machine_state *ms);
/* Reset every device and CPU (0xcf9, triple fault, system_reset). */
void system_reset(struct machine_state *ms);

#endif

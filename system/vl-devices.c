// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Start-up glue between the command line and the character-device and
 * device layers: which chardev each -serial gets, -nographic's mux, and
 * plugging -device devices into the machine.
 */
#include "kemu/common.h"
#include "system/blockdev.h"
#include "hw/boards.h"
#include "chardev/char.h"
#include "monitor/monitor.h"
#include "system/runstate.h"
#include "system/vl.h"

static void vl_quit_from_console(void *opaque)
{
	/* Ctrl-A x: QEMU prints this and exits with status 0 */
	fprintf(stderr, "kemu: terminating on console request\n");
	runstate_request_exit(0);
}

bool vl_configure_chardevs(struct machine_state *ms, GPtrArray *chardevs, GPtrArray *serials,
			   bool nographic, bool nodefaults, bool default_monitor,
			   const char *debugcon, GError **errp)
{
	unsigned n = 0;

	chardev_set_quit_handler(vl_quit_from_console, NULL);
	for (guint i = 0; i < chardevs->len; i++)
		if (!chardev_new_from_opts(g_ptr_array_index(chardevs, i), errp))
			return false;
	for (guint i = 0; i < serials->len; i++) {
		const char *spec = g_ptr_array_index(serials, i);
		g_autofree char *id = g_strdup_printf("serial%u", i);
		GError *err = NULL;
		struct chardev *chr;

		if (n >= G_N_ELEMENTS(ms->serial_chr)) {
			g_set_error(errp, KEMU_ERROR, 0, "-serial %s: too many serial ports (at most 4)",
				    spec);
			return false;
		}
		chr = chardev_new_from_legacy(spec, id, &err);
		if (err) {
			g_propagate_prefixed_error(errp, err, "-serial %s: ", spec);
			return false;
		}
		ms->serial_chr[n++] = chr;	/* NULL for "none": no port */
		/* "mon:" means a monitor shares it, attached before the serial port */
		if (chr && g_str_has_prefix(spec, "mon:") &&
		    !monitor_new(chr, MONITOR_MODE_READLINE, false, &err)) {
			g_propagate_prefixed_error(errp, err, "-serial %s: ", spec);
			return false;
		}
	}
	if (!serials->len && !nodefaults && nographic) {
		/* -nographic: COM1 and the monitor share stdio through the mux */
		ms->serial_chr[0] = chardev_new_from_legacy(default_monitor ? "mon:stdio" : "stdio",
							    "serial0", errp);
		if (!ms->serial_chr[0])
			return false;
		if (default_monitor && !monitor_new(ms->serial_chr[0], MONITOR_MODE_READLINE, false,
						    errp))
			return false;
	}
	if (debugcon) {
		ms->debugcon_chr = chardev_new_from_legacy(debugcon, "debugcon", errp);
		if (!ms->debugcon_chr && errp && *errp)
			return false;
	}
	return true;
}

bool vl_plug_device(struct machine_state *ms, struct device *dev, GError **errp)
{
	return device_realize(dev, errp);
}

void vl_shutdown(struct machine_state *ms)
{
	/* every image drained, flushed and closed: what the guest wrote is on disk */
	drive_close_all();
	/* the terminal is restored at exit by chardev */
	fflush(stdout);
	fflush(stderr);
}

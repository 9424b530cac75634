/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * screendump: the picture of a graphic console into a PPM (P6) or PNG file,
 * as QEMU's `screendump` HMP/QMP command writes it.
 *
 *	if (!screendump("/tmp/s.ppm", NULL, NULL, &err)) ...	// first console
 *	screendump("/tmp/s.png", "png", "video0", &err);	// by device id
 *
 * format: "ppm", "png", or NULL to pick by the file name's extension
 * (".png" is PNG, anything else PPM). device: see console_find(). The
 * console is updated (rendered) first. Call with the BQL held.
 */
#ifndef UI_SCREENDUMP_H
#define UI_SCREENDUMP_H

#include "ui/console.h"

bool screendump(const char *filename, const char *format, const char *device, GError **errp);

/*
 * The QMP/HMP `screendump` arguments as the monitor hands them over
 * (monitor_screendump_fn): head must be 0 (one head per console here).
 */
bool qmp_screendump(const char *filename, const char *device, int64_t head,
		    const char *format, GError **errp);

/* The same, of a surface (tests). */
bool surface_save(struct display_surface *surf, const char *filename, bool png,
		  GError **errp);

/*
 * Test hook, not a user interface: when the environment variable
 * KEMU_TEST_SCREENDUMP names a file, the emulator writes a screendump of the
 * first console there as it exits (vl.c calls this), and, when the console
 * shows text, that text to the same name with ".txt" appended. Functional
 * tests use it where they cannot use the monitor. Returns false on failure.
 */
bool screendump_test_hook_at_exit(void);

#endif

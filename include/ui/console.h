/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Display surfaces and graphic consoles.
 *
 * A display device (VGA) registers a graphic console with two callbacks:
 * update() renders the device's current picture into the console's surface,
 * invalidate() asks for a full redraw next time. Front ends (screendump now,
 * SDL and VNC later) never look at device state: they call
 * graphic_console_update() and read the surface.
 *
 *	con = graphic_console_register(DEVICE(s), &vga_console_ops, s);
 *	...in update(): surf = console_resize(con, 720, 400);
 *			pixels = surface_data(surf); ...
 *
 * A surface is a pixman image in PIXMAN_x8r8g8b8 (one uint32_t per pixel,
 * 0x00RRGGBB in host order), the format every kemu renderer writes. The
 * console owns it; console_resize() replaces it when the size changes, so a
 * renderer must fetch it again after resizing.
 *
 * Everything here runs under the BQL.
 */
#ifndef UI_CONSOLE_H
#define UI_CONSOLE_H

#include "kemu/common.h"
#include <pixman.h>

struct device;

struct display_surface {
	pixman_image_t *image;
};

struct display_surface *display_surface_new(int width, int height);
void display_surface_free(struct display_surface *surf);

static inline int surface_width(const struct display_surface *s)
{
	return pixman_image_get_width(s->image);
}

static inline int surface_height(const struct display_surface *s)
{
	return pixman_image_get_height(s->image);
}

static inline int surface_stride(const struct display_surface *s)
{
	return pixman_image_get_stride(s->image);
}

static inline uint8_t *surface_data(const struct display_surface *s)
{
	return (uint8_t *)pixman_image_get_data(s->image);
}

struct graphic_console_ops {
	void (*update)(void *opaque);		/* render into the surface */
	void (*invalidate)(void *opaque);	/* full redraw on the next update */
	/* optional: the text screen, one '\n'-terminated line per row, or NULL */
	char *(*text_dump)(void *opaque);
};

struct console;

/*
 * Register a graphic console for dev (NULL for a device-less console in
 * tests). Its surface starts as 640x480 black. Consoles are numbered in
 * registration order; the first is what screendump uses by default.
 */
struct console *graphic_console_register(struct device *dev,
					 const struct graphic_console_ops *ops, void *opaque);
void graphic_console_unregister(struct console *con);

/* Same size: the current surface; otherwise a new black one of that size. */
struct display_surface *console_resize(struct console *con, int width, int height);
struct display_surface *console_surface(struct console *con);
struct device *console_device(struct console *con);
int console_index(struct console *con);

void graphic_console_update(struct console *con);
void graphic_console_invalidate(struct console *con);
/* g_free() the result; NULL when the console shows no text. */
char *console_text_dump(struct console *con);

/*
 * NULL: the first graphic console. Otherwise a device id (-device ...,id=),
 * a QOM path, or a device type name. NULL with errp set if none matches.
 */
struct console *console_find(const char *device, GError **errp);
unsigned console_count(void);

#endif

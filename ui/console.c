// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Display surfaces (pixman images) and the list of graphic consoles.
 *
 * Not a text console, not a UI: only what a display device renders into and
 * what front ends (screendump, later SDL/VNC) read. See include/ui/console.h.
 */
#include "kemu/common.h"
#include "ui/console.h"
#include "hw/device.h"

struct console {
	int index;
	struct device *dev;
	const struct graphic_console_ops *ops;
	void *opaque;
	struct display_surface *surface;
};

/* registered consoles, in order; protected by the BQL */
static GPtrArray *consoles;

struct display_surface *display_surface_new(int width, int height)
{
	struct display_surface *s = g_new0(struct display_surface, 1);

	g_assert(width > 0 && height > 0);
	/* pixman allocates and zeroes the bits: black */
	s->image = pixman_image_create_bits(PIXMAN_x8r8g8b8, width, height, NULL, width * 4);
	g_assert(s->image);
	return s;
}

void display_surface_free(struct display_surface *surf)
{
	if (!surf)
		return;
	pixman_image_unref(surf->image);
	g_free(surf);
}

struct console *graphic_console_register(struct device *dev,
					 const struct graphic_console_ops *ops, void *opaque)
{
	struct console *con = g_new0(struct console, 1);

	if (!consoles)
		consoles = g_ptr_array_new();
	con->dev = dev;
	con->ops = ops;
	con->opaque = opaque;
	con->surface = display_surface_new(640, 480);
	con->index = consoles->len;
	g_ptr_array_add(consoles, con);
	return con;
}

void graphic_console_unregister(struct console *con)
{
	if (!con)
		return;
	g_ptr_array_remove(consoles, con);
	for (guint i = 0; i < consoles->len; i++)
		((struct console *)g_ptr_array_index(consoles, i))->index = i;
	display_surface_free(con->surface);
	g_free(con);
	if (!consoles->len) {
		g_ptr_array_free(consoles, true);
		consoles = NULL;
	}
}

struct display_surface *console_resize(struct console *con, int width, int height)
{
	if (surface_width(con->surface) == width && surface_height(con->surface) == height)
		return con->surface;
	display_surface_free(con->surface);
	con->surface = display_surface_new(width, height);
	return con->surface;
}

struct display_surface *console_surface(struct console *con)
{
	return con->surface;
}

struct device *console_device(struct console *con)
{
	return con->dev;
}

int console_index(struct console *con)
{
	return con->index;
}

unsigned console_count(void)
{
	return consoles ? consoles->len : 0;
}

void graphic_console_update(struct console *con)
{
	if (con->ops && con->ops->update)
		con->ops->update(con->opaque);
}

void graphic_console_invalidate(struct console *con)
{
	if (con->ops && con->ops->invalidate)
		con->ops->invalidate(con->opaque);
}

char *console_text_dump(struct console *con)
{
	if (con->ops && con->ops->text_dump)
		return con->ops->text_dump(con->opaque);
	return NULL;
}

static bool console_matches(struct console *con, const char *device)
{
	g_autofree char *path = NULL;

	if (!con->dev)
		return false;
	if (con->dev->id && !strcmp(con->dev->id, device))
		return true;
	if (!strcmp(object_get_typename(OBJECT(con->dev)), device))
		return true;
	path = object_get_canonical_path(OBJECT(con->dev));
	return path && !strcmp(path, device);
}

struct console *console_find(const char *device, GError **errp)
{
	if (!consoles || !consoles->len) {
		g_set_error(errp, KEMU_ERROR, 0, "There is no console to take a screendump from");
		return NULL;
	}
	if (!device)
		return g_ptr_array_index(consoles, 0);
	for (guint i = 0; i < consoles->len; i++) {
		struct console *con = g_ptr_array_index(consoles, i);

		if (console_matches(con, device))
			return con;
	}
	g_set_error(errp, KEMU_ERROR, 0, "Device '%s' not found", device);
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * screendump: a console's surface as PPM (P6, maxval 255) or PNG (8-bit RGB),
 * the two formats of QEMU's `screendump`. PNG goes through libpng rather
 * than a hand-made zlib writer: CRCs, filters and chunk layout are libpng's
 * well-tested business, and Debian ships it everywhere QEMU runs.
 *
 * Not here: the monitor command itself (monitor/ calls screendump()).
 */
#include "kemu/common.h"
#include "ui/screendump.h"

#include <png.h>
#include <unistd.h>

/* One surface row (x8r8g8b8, host order) as packed RGB bytes. */
static void surface_row_rgb(struct display_surface *surf, int y, uint8_t *out)
{
	const uint32_t *row = (const uint32_t *)(surface_data(surf) + y * surface_stride(surf));
	int w = surface_width(surf);

	for (int x = 0; x < w; x++) {
		out[3 * x] = row[x] >> 16;
		out[3 * x + 1] = row[x] >> 8;
		out[3 * x + 2] = row[x];
	}
}

static bool ppm_write(struct display_surface *surf, FILE *f)
{
	int w = surface_width(surf), h = surface_height(surf);
	g_autofree uint8_t *line = g_malloc(w * 3);

	if (fprintf(f, "P6\n%d %d\n%d\n", w, h, 255) < 0)
		return false;
	for (int y = 0; y < h; y++) {
		surface_row_rgb(surf, y, line);
		if (fwrite(line, 3, w, f) != (size_t)w)
			return false;
	}
	return true;
}

static void png_error_fn(png_structp png, png_const_charp msg)
{
	GError **errp = png_get_error_ptr(png);

	if (errp && !*errp)
		g_set_error(errp, KEMU_ERROR, 0, "PNG: %s", msg);
	png_longjmp(png, 1);
}

static void png_warning_fn(png_structp png, png_const_charp msg)
{
}

static bool png_write(struct display_surface *surf, FILE *f, GError **errp)
{
	int w = surface_width(surf), h = surface_height(surf);
	uint8_t *volatile line = g_malloc(w * 3);
	png_structp png;
	png_infop info = NULL;
	bool ok = false;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, errp, png_error_fn, png_warning_fn);
	if (!png)
		goto out;
	info = png_create_info_struct(png);
	if (!info)
		goto out;
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_init_io(png, f);
	png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < h; y++) {
		surface_row_rgb(surf, y, line);
		png_write_row(png, line);
	}
	png_write_end(png, NULL);
	ok = true;
out:
	if (png)
		png_destroy_write_struct(&png, &info);
	g_free(line);
	if (!ok && errp && !*errp)
		g_set_error(errp, KEMU_ERROR, 0, "PNG: could not write the image");
	return ok;
}

bool surface_save(struct display_surface *surf, const char *filename, bool png,
		  GError **errp)
{
	GError *err = NULL;
	FILE *f = fopen(filename, "wb");
	bool ok;

	if (!f) {
		g_set_error(errp, KEMU_ERROR, 0, "failed to open file '%s': %s", filename,
			    g_strerror(errno));
		return false;
	}
	ok = png ? png_write(surf, f, &err) : ppm_write(surf, f);
	if (fclose(f) != 0)
		ok = false;
	if (!ok) {
		if (err)
			g_propagate_prefixed_error(errp, err, "%s: ", filename);
		else
			g_set_error(errp, KEMU_ERROR, 0, "failed to write file '%s': %s", filename,
				    g_strerror(errno));
		unlink(filename);
	}
	return ok;
}

bool screendump(const char *filename, const char *format, const char *device, GError **errp)
{
	struct console *con;
	bool png;

	if (!format)
		png = g_str_has_suffix(filename, ".png") || g_str_has_suffix(filename, ".PNG");
	else if (!strcmp(format, "png"))
		png = true;
	else if (!strcmp(format, "ppm"))
		png = false;
	else {
		g_set_error(errp, KEMU_ERROR, 0,
			    "Parameter 'format' does not accept value '%s' (ppm or png)", format);
		return false;
	}
	con = console_find(device, errp);
	if (!con)
		return false;
	graphic_console_update(con);
	return surface_save(console_surface(con), filename, png, errp);
}

bool qmp_screendump(const char *filename, const char *device, int64_t head,
		    const char *format, GError **errp)
{
	if (head) {
		g_set_error(errp, KEMU_ERROR, 0, "Head '%" PRId64 "' not found", head);
		return false;
	}
	return screendump(filename, format, device, errp);
}

bool screendump_test_hook_at_exit(void)
{
	const char *path = getenv("KEMU_TEST_SCREENDUMP");
	GError *err = NULL;
	struct console *con;
	g_autofree char *text = NULL;
	g_autofree char *txt_path = NULL;

	if (!path || !*path)
		return true;
	if (!screendump(path, NULL, NULL, &err))
		goto fail;
	con = console_find(NULL, &err);
	text = con ? console_text_dump(con) : NULL;
	txt_path = g_strconcat(path, ".txt", NULL);
	if (text && !g_file_set_contents(txt_path, text, -1, &err))
		goto fail;
	return true;
fail:
	fprintf(stderr, "kemu: KEMU_TEST_SCREENDUMP: %s\n", err->message);
	g_error_free(err);
	return false;
}

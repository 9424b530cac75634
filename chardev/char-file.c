// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "file" backend (output to a file: path=F, append=on|off; no input),
 * "pipe" backend (path=P: input from P.in and output to P.out when both
 * exist, else both directions on P; usually FIFOs made with mkfifo) and
 * "null" backend (output discarded, no input).
 */
#include "kemu/common.h"
#include "chardev/char.h"

#include <fcntl.h>
#include <unistd.h>

static bool file_open(struct chardev *chr, struct chardev_opts *opts, GError **errp)
{
	const char *path = chardev_opt_get(opts, "path");
	bool append;
	int fd;

	if (!path || !*path) {
		g_set_error(errp, KEMU_ERROR, 0, "Parameter 'path' is missing");
		return false;
	}
	if (!chardev_opt_get_bool(opts, "append", false, &append, errp))
		return false;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0666);
	if (fd < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "could not open '%s': %s", path,
			    g_strerror(errno));
		return false;
	}
	g_free(chr->desc);
	chr->desc = g_strdup_printf("file:%s", path);
	chardev_be_set_fds(chr, -1, fd);
	chr->be_open = true;
	return true;
}

static void file_instance_finalize(struct object *obj)
{
	struct chardev *chr = CHARDEV(obj);

	if (chr->out_fd >= 0)
		close(chr->out_fd);
	chr->out_fd = -1;
}

static const char *const file_opts[] = { "path", "append", NULL };

static void file_class_init(struct object_class *oc, const void *data)
{
	struct chardev_class *cc = (struct chardev_class *)oc;

	cc->backend = "file";
	cc->opts = file_opts;
	cc->open = file_open;
}

static bool pipe_open(struct chardev *chr, struct chardev_opts *opts, GError **errp)
{
	const char *path = chardev_opt_get(opts, "path");
	g_autofree char *in = NULL, *out = NULL;
	int fd_in, fd_out;

	if (!path || !*path) {
		g_set_error(errp, KEMU_ERROR, 0, "Parameter 'path' is missing");
		return false;
	}
	in = g_strdup_printf("%s.in", path);
	out = g_strdup_printf("%s.out", path);
	fd_in = open(in, O_RDWR | O_CLOEXEC);
	fd_out = fd_in >= 0 ? open(out, O_WRONLY | O_CLOEXEC) : -1;
	if (fd_in < 0 || fd_out < 0) {
		if (fd_in >= 0)
			close(fd_in);
		fd_in = fd_out = open(path, O_RDWR | O_CLOEXEC);
		if (fd_in < 0) {
			g_set_error(errp, KEMU_ERROR, 0, "could not open '%s' (nor %s and %s): %s",
				    path, in, out, g_strerror(errno));
			return false;
		}
	}
	fcntl(fd_in, F_SETFL, fcntl(fd_in, F_GETFL) | O_NONBLOCK);
	g_free(chr->desc);
	chr->desc = g_strdup_printf("pipe:%s", path);
	chardev_be_set_fds(chr, fd_in, fd_out);
	chr->be_open = true;
	return true;
}

static void pipe_instance_finalize(struct object *obj)
{
	struct chardev *chr = CHARDEV(obj);

	chardev_be_stop_input(chr);
	if (chr->in_fd >= 0)
		close(chr->in_fd);
	if (chr->out_fd >= 0 && chr->out_fd != chr->in_fd)
		close(chr->out_fd);
	chr->in_fd = chr->out_fd = -1;
}

static const char *const pipe_opts[] = { "path", NULL };

static void pipe_class_init(struct object_class *oc, const void *data)
{
	struct chardev_class *cc = (struct chardev_class *)oc;

	cc->backend = "pipe";
	cc->opts = pipe_opts;
	cc->open = pipe_open;
}

static bool null_open(struct chardev *chr, struct chardev_opts *opts, GError **errp)
{
	chr->be_open = true;
	return true;
}

static void null_class_init(struct object_class *oc, const void *data)
{
	struct chardev_class *cc = (struct chardev_class *)oc;

	cc->backend = "null";
	cc->open = null_open;
}

static const struct type_info file_type_infos[] = {
	{
		.name = "chardev-file",
		.parent = TYPE_CHARDEV,
		.instance_size = sizeof(struct chardev),
		.class_size = sizeof(struct chardev_class),
		.class_init = file_class_init,
		.instance_finalize = file_instance_finalize,
	}, {
		.name = "chardev-pipe",
		.parent = TYPE_CHARDEV,
		.instance_size = sizeof(struct chardev),
		.class_size = sizeof(struct chardev_class),
		.class_init = pipe_class_init,
		.instance_finalize = pipe_instance_finalize,
	}, {
		.name = "chardev-null",
		.parent = TYPE_CHARDEV,
		.instance_size = sizeof(struct chardev),
		.class_size = sizeof(struct chardev_class),
		.class_init = null_class_init,
	},
};

static void file_register_types(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(file_type_infos); i++)
		type_register(&file_type_infos[i]);
}
type_init(file_register_types)

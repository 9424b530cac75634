// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "file" backend (output to a file: path=F, append=on|off; no input) and
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

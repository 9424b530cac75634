// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "serial" backend (alias "tty"): a host terminal device such as
 * /dev/ttyUSB0 (path=), in raw mode, both directions. The guest UART's line
 * settings are not forwarded to the host port (the host port keeps its own
 * speed); the legacy "-serial /dev/ttyS0" syntax lands here.
 */
#include "kemu/common.h"
#include "chardev/char.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

static bool tty_open(struct chardev *chr, struct chardev_opts *opts, GError **errp)
{
	const char *path = chardev_opt_get(opts, "path");
	struct termios tty;
	int fd;

	if (!path || !*path) {
		g_set_error(errp, KEMU_ERROR, 0, "Parameter 'path' is missing");
		return false;
	}
	fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "could not open '%s': %s", path,
			    g_strerror(errno));
		return false;
	}
	if (!isatty(fd)) {
		g_set_error(errp, KEMU_ERROR, 0, "'%s' is not a terminal device", path);
		close(fd);
		return false;
	}
	if (tcgetattr(fd, &tty) == 0) {
		cfmakeraw(&tty);
		tcsetattr(fd, TCSANOW, &tty);
	}
	g_free(chr->desc);
	chr->desc = g_strdup_printf("serial:%s", path);
	chardev_be_set_fds(chr, fd, fd);
	chr->be_open = true;
	return true;
}

static void tty_instance_finalize(struct object *obj)
{
	struct chardev *chr = CHARDEV(obj);

	chardev_be_stop_input(chr);
	if (chr->in_fd >= 0)
		close(chr->in_fd);
	chr->in_fd = chr->out_fd = -1;
}

static const char *const tty_opts[] = { "path", NULL };

static void tty_class_init(struct object_class *oc, const void *data)
{
	struct chardev_class *cc = (struct chardev_class *)oc;

	cc->backend = data;
	cc->opts = tty_opts;
	cc->open = tty_open;
}

static const struct type_info tty_type_infos[] = {
	{
		.name = "chardev-serial",
		.parent = TYPE_CHARDEV,
		.instance_size = sizeof(struct chardev),
		.class_size = sizeof(struct chardev_class),
		.class_init = tty_class_init,
		.class_data = "serial",
		.instance_finalize = tty_instance_finalize,
	}, {
		.name = "chardev-tty",
		.parent = TYPE_CHARDEV,
		.instance_size = sizeof(struct chardev),
		.class_size = sizeof(struct chardev_class),
		.class_init = tty_class_init,
		.class_data = "tty",
		.instance_finalize = tty_instance_finalize,
	},
};

static void tty_register_types(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(tty_type_infos); i++)
		type_register(&tty_type_infos[i]);
}
type_init(tty_register_types)

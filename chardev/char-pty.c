// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "pty" backend: a pseudo-terminal whose slave (/dev/pts/N) the user opens
 * with screen or minicom. kemu keeps the slave open itself, in raw mode, so
 * that the master never sees a hang-up while nobody is connected; output
 * nobody reads is dropped once the pty buffer is full rather than stalling
 * the guest.
 */
#include "kemu/common.h"
#include "chardev/char.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

struct chardev_pty {
	struct chardev parent;
	int master;
	int slave;
	char *path;
};

#define CHARDEV_PTY(obj) OBJECT_CHECK(struct chardev_pty, (obj), "chardev-pty")

static bool pty_open(struct chardev *chr, struct chardev_opts *opts, GError **errp)
{
	struct chardev_pty *p = CHARDEV_PTY(chr);
	struct termios tty;
	const char *name;

	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->master < 0 || grantpt(p->master) < 0 || unlockpt(p->master) < 0 ||
	    !(name = ptsname(p->master))) {
		g_set_error(errp, KEMU_ERROR, 0, "could not create a pseudo-terminal: %s",
			    g_strerror(errno));
		return false;
	}
	p->path = g_strdup(name);
	p->slave = open(p->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "could not open '%s': %s", p->path,
			    g_strerror(errno));
		return false;
	}
	if (tcgetattr(p->slave, &tty) == 0) {
		cfmakeraw(&tty);
		tcsetattr(p->slave, TCSAFLUSH, &tty);
	}
	fcntl(p->master, F_SETFL, fcntl(p->master, F_GETFL) | O_NONBLOCK);
	g_free(chr->desc);
	chr->desc = g_strdup_printf("pty:%s", p->path);
	/* QEMU prints this line; scripts look for it */
	fprintf(stderr, "char device redirected to %s (label %s)\n", p->path,
		chr->id ? chr->id : "");
	chardev_be_set_fds(chr, p->master, p->master);
	chr->be_open = true;
	return true;
}

static int pty_write(struct chardev *chr, const uint8_t *buf, int len)
{
	return chardev_fd_write_all(chr->out_fd, buf, len, true);
}

static void pty_instance_init(struct object *obj)
{
	struct chardev_pty *p = CHARDEV_PTY(obj);

	p->master = -1;
	p->slave = -1;
}

static void pty_instance_finalize(struct object *obj)
{
	struct chardev_pty *p = CHARDEV_PTY(obj);

	chardev_be_stop_input(&p->parent);
	if (p->master >= 0)
		close(p->master);
	if (p->slave >= 0)
		close(p->slave);
	g_free(p->path);
}

static void pty_class_init(struct object_class *oc, const void *data)
{
	struct chardev_class *cc = (struct chardev_class *)oc;

	cc->backend = "pty";
	cc->open = pty_open;
	cc->write = pty_write;
}

static const struct type_info pty_type_info = {
	.name = "chardev-pty",
	.parent = TYPE_CHARDEV,
	.instance_size = sizeof(struct chardev_pty),
	.class_size = sizeof(struct chardev_class),
	.class_init = pty_class_init,
	.instance_init = pty_instance_init,
	.instance_finalize = pty_instance_finalize,
};

static void pty_register_types(void)
{
	type_register(&pty_type_info);
}
type_init(pty_register_types)

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "stdio" backend: input from fd 0, output to fd 1. When stdin is a
 * terminal it is put in raw mode (no echo, no line editing; Ctrl-C still
 * kills kemu unless signal=off) and restored at exit or from a signal
 * handler (chardev_stdio_restore_terminal() only calls async-signal-safe
 * functions). Only one stdio chardev may exist.
 */
#include "kemu/common.h"
#include "chardev/char.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

static struct chardev *stdio_owner;	/* the one stdio chardev */
/* Saved state for restoring from atexit or a signal handler. */
static struct termios stdio_saved_tty;
static volatile sig_atomic_t stdio_tty_saved;
static int stdio_saved_flags = -1;
static volatile sig_atomic_t stdio_flags_saved;
static bool stdio_atexit_done;

void chardev_stdio_restore_terminal(void)
{
	if (stdio_tty_saved)
		tcsetattr(0, TCSANOW, &stdio_saved_tty);
	if (stdio_flags_saved)
		fcntl(0, F_SETFL, stdio_saved_flags);
}

static void stdio_atexit(void)
{
	chardev_stdio_restore_terminal();
}

static void stdio_set_raw(bool allow_signals)
{
	struct termios tty;

	if (!isatty(0) || tcgetattr(0, &tty) < 0)
		return;
	stdio_saved_tty = tty;
	stdio_tty_saved = 1;
	tty.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	tty.c_oflag |= OPOST;		/* keep \n -> \r\n for guest output */
	tty.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
	if (!allow_signals)
		tty.c_lflag &= ~ISIG;
	tty.c_cflag &= ~(CSIZE | PARENB);
	tty.c_cflag |= CS8;
	tty.c_cc[VMIN] = 1;
	tty.c_cc[VTIME] = 0;
	tcsetattr(0, TCSANOW, &tty);
}

static bool stdio_open(struct chardev *chr, struct chardev_opts *opts, GError **errp)
{
	bool allow_signals;
	int flags;

	if (!chardev_opt_get_bool(opts, "signal", true, &allow_signals, errp))
		return false;
	if (stdio_owner) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "cannot use stdio by multiple character devices");
		return false;
	}
	stdio_owner = chr;
	if (!stdio_atexit_done) {
		atexit(stdio_atexit);
		stdio_atexit_done = true;
	}
	stdio_set_raw(allow_signals);
	flags = fcntl(0, F_GETFL);
	if (flags >= 0) {
		stdio_saved_flags = flags;
		stdio_flags_saved = 1;
		fcntl(0, F_SETFL, flags | O_NONBLOCK);
	}
	chardev_be_set_fds(chr, 0, 1);
	chr->be_open = true;
	return true;
}

static void stdio_instance_finalize(struct object *obj)
{
	if (stdio_owner != CHARDEV(obj))
		return;
	chardev_be_stop_input(CHARDEV(obj));
	chardev_stdio_restore_terminal();
	stdio_tty_saved = 0;
	stdio_flags_saved = 0;
	stdio_owner = NULL;
}

static const char *const stdio_opts[] = { "signal", NULL };

static void stdio_class_init(struct object_class *oc, const void *data)
{
	struct chardev_class *cc = (struct chardev_class *)oc;

	cc->backend = "stdio";
	cc->opts = stdio_opts;
	cc->open = stdio_open;
}

static const struct type_info stdio_type_info = {
	.name = "chardev-stdio",
	.parent = TYPE_CHARDEV,
	.instance_size = sizeof(struct chardev),
	.class_size = sizeof(struct chardev_class),
	.class_init = stdio_class_init,
	.instance_finalize = stdio_instance_finalize,
};

static void stdio_register_types(void)
{
	type_register(&stdio_type_info);
}
type_init(stdio_register_types)

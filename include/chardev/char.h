/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Character devices: the host side of serial ports, debug consoles and the
 * monitor.
 *
 * A struct chardev is a backend (stdio, file, pipe, pty, serial/tty, null,
 * socket, ringbuf, mux) made from "-chardev" options or the short "-serial" syntax:
 *
 *	chr = chardev_new_from_opts("socket,id=c0,path=/tmp/s,server=on,wait=off", &err);
 *	chr = chardev_new_from_legacy("tcp::4444,server=on,wait=off", "serial0", &err);
 *	chr = chardev_find("c0");
 *
 * A device (the front end) embeds a struct chardev_frontend, attaches it to
 * the backend in realize and installs its handlers:
 *
 *	if (!chardev_fe_init(&s->fe, s->chr, errp)) return false;
 *	chardev_fe_set_handlers(&s->fe, &serial_chr_handlers, s);
 *	chardev_fe_write_all(&s->fe, &byte, 1);		// output, never short
 *	chardev_fe_accept_input(&s->fe);		// can_receive grew again
 *
 * Input arrives on the main loop (glib's default GMainContext, with the BQL
 * held): the backend asks can_receive() how many bytes the device takes
 * now, then calls receive() with at most that many. When can_receive()
 * answers 0 the backend stops reading its fd until the device calls
 * chardev_fe_accept_input(). event() reports OPENED (a socket client
 * connected; immediately on attach for always-open backends), CLOSED, BREAK
 * and, on a mux, MUX_IN/MUX_OUT when the focus moves.
 *
 * A backend has one front end, except a mux ("mux=on", "mon:stdio",
 * -nographic) which shares one backend among up to 4 front ends: output from
 * all of them goes out, input goes to the one with the focus. Ctrl-A c moves
 * the focus, Ctrl-A x calls the quit handler, Ctrl-A h prints help, Ctrl-A b
 * sends a break, Ctrl-A Ctrl-A sends Ctrl-A. The most recently attached
 * front end gets the focus (as in QEMU, where the serial port attached after
 * the monitor starts focused); chardev_mux_set_focus() overrides.
 *
 * stdio puts the terminal in raw mode and restores it at exit (atexit) or
 * from a signal handler via chardev_stdio_restore_terminal(), which is
 * async-signal-safe.
 *
 * Writes come from vCPU threads holding the BQL; a backend serialises them
 * with its own write lock so a frontend may also write without the BQL.
 */
#ifndef CHARDEV_CHAR_H
#define CHARDEV_CHAR_H

#include "kemu/common.h"
#include "qom/object.h"

enum chardev_event {
	CHARDEV_EVENT_OPENED,
	CHARDEV_EVENT_CLOSED,
	CHARDEV_EVENT_BREAK,
	CHARDEV_EVENT_MUX_IN,
	CHARDEV_EVENT_MUX_OUT,
};

struct chardev_handlers {
	/* Bytes the front end can take now (0: stop reading for now). */
	int (*can_receive)(void *opaque);
	void (*receive)(void *opaque, const uint8_t *buf, int len);
	void (*event)(void *opaque, enum chardev_event event);	/* may be NULL */
};

struct chardev_frontend {
	struct chardev *chr;		/* NULL: not attached, writes are dropped */
	const struct chardev_handlers *handlers;
	void *opaque;
	int tag;			/* index on a mux */
};

struct chardev_opts;

struct chardev {
	struct object parent;
	char *id;
	char *desc;			/* for "info chardev": "unix:/tmp/s,server=on" */
	struct chardev_frontend *fe;	/* the attached front end (not for a mux) */
	bool be_open;			/* backend connected (socket client present) */
	GMutex write_lock;		/* serialises writers; innermost lock */
	int in_fd;			/* -1: no input */
	int out_fd;			/* -1: output discarded */
	int log_fd;			/* logfile=: copy of the output, -1: none */
	guint in_watch;			/* glib source id of the input fd watch */
	bool in_throttled;		/* watch removed because can_receive was 0 */
	bool in_eof;			/* input reached end of file */
};

struct chardev_class {
	struct object_class parent;
	const char *backend;		/* "socket" */
	const char *const *opts;	/* accepted option names besides id, mux */
	bool (*open)(struct chardev *chr, struct chardev_opts *opts, GError **errp);
	/* Returns bytes consumed (len, or fewer when dropping), -1 on error. */
	int (*write)(struct chardev *chr, const uint8_t *buf, int len);
	/* Front-end attach/detach (a mux keeps several). */
	bool (*fe_attach)(struct chardev *chr, struct chardev_frontend *fe, GError **errp);
	void (*fe_detach)(struct chardev *chr, struct chardev_frontend *fe);
	void (*fe_handlers_set)(struct chardev *chr, struct chardev_frontend *fe);
	void (*accept_input)(struct chardev *chr);
	/* Input fd reached EOF or error (socket: the client went away). */
	void (*hangup)(struct chardev *chr);
};

#define TYPE_CHARDEV "chardev"
#define TYPE_CHARDEV_MUX "chardev-mux"
#define CHARDEV(obj) OBJECT_CHECK(struct chardev, (obj), TYPE_CHARDEV)
#define CHARDEV_GET_CLASS(obj) \
	OBJECT_GET_CLASS_CHECKED(struct chardev_class, (obj), TYPE_CHARDEV)

/*
 * "-chardev BACKEND,id=ID,opt=val,..." (QEMU syntax; ",," is a literal comma,
 * "server" alone means server=on, "nowait" means wait=off). The chardev is
 * registered under its id. Every backend takes id, mux=on|off and
 * logfile=PATH[,logappend=on] (a copy of all output). Errors read
 * "-chardev OPTS: <what is wrong>".
 */
struct chardev *chardev_new_from_opts(const char *opts, GError **errp);
/*
 * "-serial" syntax: stdio, null, pty, file:F, pipe:P, /dev/TTY, unix:PATH[,opts],
 * tcp:[HOST]:PORT[,opts], mon:SPEC (a mux; mon:stdio also passes Ctrl-C to the
 * guest), chardev:ID (an existing chardev). "none" returns NULL without an
 * error. The new chardev is registered as id. Errors name the problem only
 * ("unknown chardev backend 'foo'"); the caller prefixes "-serial SPEC: ".
 */
struct chardev *chardev_new_from_legacy(const char *spec, const char *id, GError **errp);
struct chardev *chardev_find(const char *id);
/* Every registered chardev, in creation order (for "info chardev"). */
GPtrArray *chardev_list(void);
/* Unregister and drop the registry's reference (closes when unused). */
void chardev_remove(struct chardev *chr);
/* Remove every chardev (orderly exit, tests). */
void chardev_remove_all(void);

/* Raw output, bypassing front ends; never short unless the backend drops. */
int chardev_write_all(struct chardev *chr, const uint8_t *buf, int len);

/* Front-end API. */
bool chardev_fe_init(struct chardev_frontend *fe, struct chardev *chr, GError **errp);
void chardev_fe_set_handlers(struct chardev_frontend *fe,
			     const struct chardev_handlers *handlers, void *opaque);
void chardev_fe_deinit(struct chardev_frontend *fe);
int chardev_fe_write_all(struct chardev_frontend *fe, const uint8_t *buf, int len);
void chardev_fe_accept_input(struct chardev_frontend *fe);
bool chardev_fe_is_open(const struct chardev_frontend *fe);

/* Mux control. */
bool chardev_is_mux(const struct chardev *chr);
void chardev_mux_set_focus(struct chardev *chr, int tag);
int chardev_mux_focus(const struct chardev *chr);
/* Ctrl-A x: called on the main loop; default (NULL) is runstate_request_exit(0). */
void chardev_set_quit_handler(void (*fn)(void *opaque), void *opaque);

/* ringbuf backend (QMP ringbuf-read/ringbuf-write): oldest-first output,
 * and input handed to the front end (returns bytes it took). */
bool chardev_is_ringbuf(const struct chardev *chr);
GByteArray *chardev_ringbuf_read(struct chardev *chr, size_t max);
int chardev_ringbuf_write(struct chardev *chr, const uint8_t *buf, int len);

/* Restore the terminal stdio changed (async-signal-safe; idempotent). */
void chardev_stdio_restore_terminal(void);

/* For backends (the files in chardev/), not for devices. */
void chardev_be_event(struct chardev *chr, enum chardev_event event);
int chardev_be_can_receive(struct chardev *chr);
void chardev_be_receive(struct chardev *chr, const uint8_t *buf, int len);
/* Watch in_fd for input on the default main context. */
void chardev_be_set_fds(struct chardev *chr, int in_fd, int out_fd);
void chardev_be_stop_input(struct chardev *chr);
/* write(2) all of buf to fd; EAGAIN waits for POLLOUT unless drop_when_full. */
int chardev_fd_write_all(int fd, const uint8_t *buf, int len, bool drop_when_full);

/* Option access for backends' open(). */
const char *chardev_opt_get(struct chardev_opts *opts, const char *key);
bool chardev_opt_get_bool(struct chardev_opts *opts, const char *key, bool def,
			  bool *out, GError **errp);
bool chardev_opt_get_number(struct chardev_opts *opts, const char *key, uint64_t def,
			    uint64_t *out, GError **errp);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "socket" backend: a stream socket, unix (path=) or TCP (host=, port=).
 *
 * server=on listens and serves one client at a time (later clients wait in
 * the backlog until the current one leaves); wait=on (the default for a
 * server) blocks start-up until the first client connects. server=off
 * connects at start-up; reconnect=N retries every N seconds after a failed
 * connection or a disconnect. nodelay=on sets TCP_NODELAY. Output while no
 * client is connected is dropped, as in QEMU. Not here: telnet, websocket
 * and TLS.
 */
#include "kemu/common.h"
#include "chardev/char.h"
#include "system/main-loop.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib-unix.h>

struct chardev_socket {
	struct chardev parent;
	bool is_unix;
	bool server;
	bool nodelay;
	uint64_t reconnect_s;
	char *path;
	char *host;
	char *port;
	int listen_fd;
	int fd;			/* the connected client, -1 if none */
	/*
	 * Output the peer has not taken yet (under write_lock). Writers never
	 * wait for the peer: what the socket does not take is queued, sent
	 * from the main loop when the socket is writable, and beyond
	 * SOCKET_OUTQ_MAX dropped, so a peer that stops reading cannot stall
	 * a vCPU or the main loop.
	 */
	GByteArray *outq;
	guint out_watch;	/* main loop only */
	struct kemu_bh *out_bh;	/* arms out_watch from any thread */
	uint64_t dropped;
	guint listen_watch;
	guint reconnect_timer;
};

#define CHARDEV_SOCKET(obj) OBJECT_CHECK(struct chardev_socket, (obj), "chardev-socket")

static void socket_set_client(struct chardev_socket *s, int fd)
{
	struct chardev *chr = &s->parent;
	int one = 1;

	if (!s->is_unix && s->nodelay)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	s->fd = fd;
	chardev_be_set_fds(chr, fd, fd);
	chardev_be_event(chr, CHARDEV_EVENT_OPENED);
}

static gboolean socket_accept(gint lfd, GIOCondition cond, gpointer opaque)
{
	struct chardev_socket *s = opaque;
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return G_SOURCE_CONTINUE;
	/* one client at a time: stop listening until it leaves */
	s->listen_watch = 0;
	socket_set_client(s, fd);
	return G_SOURCE_REMOVE;
}

static void socket_listen_watch(struct chardev_socket *s)
{
	if (s->listen_fd >= 0 && !s->listen_watch)
		s->listen_watch = g_unix_fd_add(s->listen_fd, G_IO_IN, socket_accept, s);
}

static int socket_unix_addr(const char *path, struct sockaddr_un *sun, GError **errp)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		g_set_error(errp, KEMU_ERROR, 0, "unix socket path '%s' is too long", path);
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

static int socket_unix_listen(const char *path, GError **errp)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd;

	if (socket_unix_addr(path, &sun, errp) < 0)
		return -1;
	/* a stale socket from an earlier run would make bind() fail */
	if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 1) < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "could not listen on '%s': %s", path,
			    g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int socket_unix_connect(const char *path, GError **errp)
{
	struct sockaddr_un sun;
	int fd;

	if (socket_unix_addr(path, &sun, errp) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "could not connect to '%s': %s", path,
			    g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int socket_tcp_open(const char *host, const char *port, bool server, GError **errp)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = server ? AI_PASSIVE : 0 };
	struct addrinfo *res, *ai;
	int fd = -1, err, saved_errno = 0;

	err = getaddrinfo(host && *host ? host : NULL, port, &hints, &res);
	if (err) {
		g_set_error(errp, KEMU_ERROR, 0, "address resolution failed for %s:%s: %s",
			    host ? host : "", port, gai_strerror(err));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		int one = 1;

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			saved_errno = errno;
			continue;
		}
		if (server) {
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1) == 0)
				break;
		} else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			break;
		}
		saved_errno = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		g_set_error(errp, KEMU_ERROR, 0, "could not %s %s:%s: %s",
			    server ? "listen on" : "connect to", host ? host : "", port,
			    g_strerror(saved_errno));
	return fd;
}

static bool socket_connect(struct chardev_socket *s, GError **errp)
{
	int fd = s->is_unix ? socket_unix_connect(s->path, errp)
			    : socket_tcp_open(s->host, s->port, false, errp);

	if (fd < 0)
		return false;
	socket_set_client(s, fd);
	return true;
}

static gboolean socket_reconnect(gpointer opaque)
{
	struct chardev_socket *s = opaque;

	if (s->fd >= 0 || socket_connect(s, NULL)) {
		s->reconnect_timer = 0;
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static void socket_schedule_reconnect(struct chardev_socket *s)
{
	if (s->reconnect_s && !s->reconnect_timer)
		s->reconnect_timer = g_timeout_add_seconds(s->reconnect_s, socket_reconnect, s);
}

/* The client went away (EOF or error on read). */
static void socket_hangup(struct chardev *chr)
{
	struct chardev_socket *s = CHARDEV_SOCKET(chr);

	if (s->fd < 0)
		return;
	g_mutex_lock(&chr->write_lock);
	chardev_be_set_fds(chr, -1, -1);
	if (s->out_watch)
		g_source_remove(s->out_watch);
	s->out_watch = 0;
	g_byte_array_set_size(s->outq, 0);
	s->dropped = 0;
	close(s->fd);
	s->fd = -1;
	g_mutex_unlock(&chr->write_lock);
	chardev_be_event(chr, CHARDEV_EVENT_CLOSED);
	if (s->server)
		socket_listen_watch(s);
	else
		socket_schedule_reconnect(s);
}

/* 1 MiB: minutes of serial output at 115200 baud, a blink for a reader that reads */
#define SOCKET_OUTQ_MAX (1u << 20)

/* Send from the queue; write_lock held. True when the queue is empty. */
static bool socket_flush_locked(struct chardev_socket *s)
{
	while (s->fd >= 0 && s->outq->len) {
		ssize_t n = send(s->fd, s->outq->data, s->outq->len, MSG_NOSIGNAL);

		if (n > 0) {
			g_byte_array_remove_range(s->outq, 0, n);
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			return false;
		} else {
			/* broken connection: the read side reports the hang-up */
			g_byte_array_set_size(s->outq, 0);
			break;
		}
	}
	if (s->fd < 0)
		g_byte_array_set_size(s->outq, 0);
	return true;
}

static gboolean socket_out_ready(gint fd, GIOCondition cond, gpointer opaque)
{
	struct chardev_socket *s = opaque;
	bool empty;

	g_mutex_lock(&s->parent.write_lock);
	empty = socket_flush_locked(s);
	if (empty)
		s->out_watch = 0;
	g_mutex_unlock(&s->parent.write_lock);
	return empty ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/* On the main loop: watch the socket for room while something is queued. */
static void socket_out_bh(void *opaque)
{
	struct chardev_socket *s = opaque;

	g_mutex_lock(&s->parent.write_lock);
	if (s->outq->len && s->fd >= 0 && !s->out_watch)
		s->out_watch = g_unix_fd_add(s->fd, G_IO_OUT, socket_out_ready, s);
	g_mutex_unlock(&s->parent.write_lock);
}

/* write_lock is held by chardev_write_all */
static int socket_write(struct chardev *chr, const uint8_t *buf, int len)
{
	struct chardev_socket *s = CHARDEV_SOCKET(chr);
	const int taken = len;	/* sent, queued or dropped: the writer is done with it */
	int room;

	if (s->fd < 0)
		return len;	/* no client: dropped, as QEMU does */
	if (socket_flush_locked(s)) {
		while (len > 0) {
			ssize_t n = send(s->fd, buf, len, MSG_NOSIGNAL);

			if (n > 0) {
				buf += n;
				len -= n;
			} else if (n < 0 && errno == EINTR) {
				continue;
			} else if (n < 0 && errno == EAGAIN) {
				break;
			} else {
				return taken;	/* broken: the read side reports the hang-up */
			}
		}
		if (!len)
			return taken;
	}
	room = SOCKET_OUTQ_MAX - MIN(s->outq->len, SOCKET_OUTQ_MAX);
	if (len > room) {
		if (!s->dropped)
			fprintf(stderr, "kemu: chardev '%s': the peer is not reading; output "
				"is being dropped\n", chr->id);
		s->dropped += len - room;
		len = room;
	} else if (s->dropped && !s->outq->len) {
		s->dropped = 0;		/* caught up: warn again next time */
	}
	g_byte_array_append(s->outq, buf, len);
	bh_schedule(s->out_bh);
	return taken;
}

static bool socket_open(struct chardev *chr, struct chardev_opts *opts, GError **errp)
{
	struct chardev_socket *s = CHARDEV_SOCKET(chr);
	const char *path = chardev_opt_get(opts, "path");
	const char *host = chardev_opt_get(opts, "host");
	const char *port = chardev_opt_get(opts, "port");
	bool wait, telnet;

	if (!chardev_opt_get_bool(opts, "server", false, &s->server, errp) ||
	    !chardev_opt_get_bool(opts, "wait", true, &wait, errp) ||
	    !chardev_opt_get_bool(opts, "nodelay", false, &s->nodelay, errp) ||
	    !chardev_opt_get_bool(opts, "telnet", false, &telnet, errp) ||
	    !chardev_opt_get_number(opts, "reconnect", 0, &s->reconnect_s, errp))
		return false;
	if (telnet) {
		g_set_error(errp, KEMU_ERROR, 0, "telnet=on is not supported");
		return false;
	}
	if (path && (host || port)) {
		g_set_error(errp, KEMU_ERROR, 0, "'path' and 'host'/'port' are mutually exclusive");
		return false;
	}
	if (!path && !port) {
		g_set_error(errp, KEMU_ERROR, 0, "Parameter 'path' or 'port' is missing");
		return false;
	}
	if (s->server && s->reconnect_s) {
		g_set_error(errp, KEMU_ERROR, 0, "'reconnect' is for clients (server=off) only");
		return false;
	}
	s->is_unix = path != NULL;
	s->path = g_strdup(path);
	s->host = g_strdup(host ? host : "");
	s->port = g_strdup(port);
	g_free(chr->desc);
	chr->desc = s->is_unix ? g_strdup_printf("unix:%s%s", path, s->server ? ",server=on" : "")
			       : g_strdup_printf("tcp:%s:%s%s", s->host, port,
						 s->server ? ",server=on" : "");

	if (!s->server) {
		if (socket_connect(s, s->reconnect_s ? NULL : errp))
			return true;
		if (!s->reconnect_s)
			return false;
		socket_schedule_reconnect(s);
		return true;
	}

	s->listen_fd = s->is_unix ? socket_unix_listen(path, errp)
				  : socket_tcp_open(host, port, true, errp);
	if (s->listen_fd < 0)
		return false;
	if (wait) {
		int fd;

		fprintf(stderr, "kemu: waiting for connection on: disconnected:%s\n", chr->desc);
		do {
			fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		} while (fd < 0 && errno == EINTR);
		if (fd < 0) {
			g_set_error(errp, KEMU_ERROR, 0, "accept failed: %s", g_strerror(errno));
			return false;
		}
		socket_set_client(s, fd);
		return true;
	}
	socket_listen_watch(s);
	return true;
}

static void socket_instance_init(struct object *obj)
{
	struct chardev_socket *s = CHARDEV_SOCKET(obj);

	s->listen_fd = -1;
	s->fd = -1;
	s->outq = g_byte_array_new();
	s->out_bh = bh_new(socket_out_bh, s);
}

static void socket_instance_finalize(struct object *obj)
{
	struct chardev_socket *s = CHARDEV_SOCKET(obj);

	chardev_be_stop_input(&s->parent);
	if (s->out_watch)
		g_source_remove(s->out_watch);
	if (s->out_bh)
		bh_delete(s->out_bh);
	if (s->outq)
		g_byte_array_free(s->outq, true);
	if (s->listen_watch)
		g_source_remove(s->listen_watch);
	if (s->reconnect_timer)
		g_source_remove(s->reconnect_timer);
	if (s->fd >= 0)
		close(s->fd);
	if (s->listen_fd >= 0) {
		close(s->listen_fd);
		if (s->is_unix)
			unlink(s->path);
	}
	g_free(s->path);
	g_free(s->host);
	g_free(s->port);
}

static const char *const socket_opts[] = {
	"path", "host", "port", "server", "wait", "nodelay", "reconnect", "telnet", NULL
};

static void socket_class_init(struct object_class *oc, const void *data)
{
	struct chardev_class *cc = (struct chardev_class *)oc;

	cc->backend = "socket";
	cc->opts = socket_opts;
	cc->open = socket_open;
	cc->write = socket_write;
	cc->hangup = socket_hangup;
}

static const struct type_info socket_type_info = {
	.name = "chardev-socket",
	.parent = TYPE_CHARDEV,
	.instance_size = sizeof(struct chardev_socket),
	.class_size = sizeof(struct chardev_class),
	.class_init = socket_class_init,
	.instance_init = socket_instance_init,
	.instance_finalize = socket_instance_finalize,
};

static void socket_register_types(void)
{
	type_register(&socket_type_info);
}
type_init(socket_register_types)

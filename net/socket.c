// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Socket backends, so VMs share a virtual LAN without privileges:
 *
 *	-netdev socket,id=ID,listen=[HOST]:PORT | connect=HOST:PORT
 *	-netdev socket,id=ID,mcast=GROUP:PORT[,localaddr=ADDR]
 *	-netdev socket,id=ID,udp=HOST:PORT,localaddr=HOST:PORT
 *	-netdev stream,id=ID,server=on|off,addr.type=inet,addr.host=H,addr.port=P
 *	-netdev stream,id=ID,server=on|off,addr.type=unix,addr.path=PATH
 *	-netdev dgram,id=ID,local.type=inet,local.host=H,local.port=P,
 *		remote.type=inet,remote.host=H,remote.port=P	(or .type=unix,.path=)
 *
 * Stream sockets (TCP, Unix) carry each frame after a 4-byte big-endian
 * length, datagram sockets one frame per datagram: the wire formats QEMU
 * uses, so kemu and QEMU guests can share a LAN. A listening stream
 * serves one peer at a time. Writes never block the caller: a stream
 * whose peer stops reading buffers up to NET_SOCKET_MAX_PENDING bytes and
 * then drops frames, as a congested link would.
 */
#include "kemu/common.h"
#include "kemu/opts.h"
#include "net/net.h"

#include <glib-unix.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <unistd.h>

#define NET_SOCKET_MAX_PENDING	(1 * MiB)

struct net_socket {
	struct net_client *nc;
	bool stream;
	int listen_fd, fd;
	guint listen_watch, watch, out_watch;
	struct sockaddr_storage dst;	/* datagram destination */
	socklen_t dstlen;
	char *desc;
	char *unlink_path;		/* a Unix socket we created */
	/* stream receive: length header, then the frame */
	uint8_t hdr[4];
	uint32_t hdr_got, frame_len, frame_got;
	uint8_t frame[NET_MAX_FRAME];
	GByteArray *pending;		/* stream bytes not yet written */
};

/* ---- addresses ---- */

static bool net_socket_resolve(const char *host, const char *port, bool passive, int socktype,
			       struct sockaddr_storage *ss, socklen_t *len, GError **errp)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = socktype,
				  .ai_flags = passive ? AI_PASSIVE : 0 };
	struct addrinfo *res;
	int rc;

	if (host && !*host)
		host = NULL;
	/* QEMU binds an empty host to every IPv4 address */
	if (!host && passive)
		hints.ai_family = AF_INET;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc) {
		g_set_error(errp, KEMU_ERROR, 0, "address '%s:%s': %s", host ? host : "", port,
			    gai_strerror(rc));
		return false;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return true;
}

/* "HOST:PORT" (HOST may be empty or [v6]) */
static bool net_socket_parse_hostport(const char *s, bool passive, int socktype,
				      struct sockaddr_storage *ss, socklen_t *len, GError **errp)
{
	g_autofree char *host = NULL;
	const char *colon = strrchr(s, ':');

	if (!colon || !colon[1]) {
		g_set_error(errp, KEMU_ERROR, 0, "'%s': expected HOST:PORT", s);
		return false;
	}
	host = g_strndup(s, colon - s);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = 0;
	}
	return net_socket_resolve(host, colon + 1, passive, socktype, ss, len, errp);
}

static bool net_socket_unix_addr(const char *path, struct sockaddr_storage *ss, socklen_t *len,
				 GError **errp)
{
	struct sockaddr_un *un = (struct sockaddr_un *)ss;

	if (!path || strlen(path) >= sizeof(un->sun_path)) {
		g_set_error(errp, KEMU_ERROR, 0, "unix socket path '%s': missing or too long",
			    path ? path : "");
		return false;
	}
	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	strcpy(un->sun_path, path);
	*len = sizeof(*un);
	return true;
}

/* ---- stream framing ---- */

static void net_socket_disconnect(struct net_socket *s);

static gboolean net_socket_writable(gint fd, GIOCondition cond, gpointer opaque)
{
	struct net_socket *s = opaque;
	ssize_t n = write(s->fd, s->pending->data, s->pending->len);

	if (n > 0)
		g_byte_array_remove_range(s->pending, 0, n);
	if ((n < 0 && errno != EAGAIN && errno != EINTR) || !s->pending->len) {
		s->out_watch = 0;
		if (n < 0)
			g_byte_array_set_size(s->pending, 0);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static void net_socket_stream_send(struct net_socket *s, const uint8_t *buf, size_t len)
{
	uint8_t hdr[4];
	size_t off = 0;

	if (s->pending->len + len + 4 > NET_SOCKET_MAX_PENDING)
		return;		/* the peer is not reading: drop */
	net_put_be32(hdr, len);
	if (!s->pending->len) {
		struct iovec iov[2] = { { hdr, 4 }, { (void *)buf, len } };
		ssize_t n = writev(s->fd, iov, 2);

		off = n > 0 ? n : 0;
		if (off == len + 4)
			return;
	}
	if (off < 4) {
		g_byte_array_append(s->pending, hdr + off, 4 - off);
		g_byte_array_append(s->pending, buf, len);
	} else {
		g_byte_array_append(s->pending, buf + off - 4, len - (off - 4));
	}
	if (!s->out_watch)
		s->out_watch = g_unix_fd_add(s->fd, G_IO_OUT, net_socket_writable, s);
}

static gboolean net_socket_stream_readable(gint fd, GIOCondition cond, gpointer opaque)
{
	struct net_socket *s = opaque;
	uint8_t buf[16384];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		net_socket_disconnect(s);
		return G_SOURCE_REMOVE;
	}
	for (ssize_t i = 0; i < n;) {
		if (s->hdr_got < 4) {
			s->hdr[s->hdr_got++] = buf[i++];
			if (s->hdr_got == 4) {
				s->frame_len = net_get_be32(s->hdr);
				s->frame_got = 0;
				if (s->frame_len > NET_MAX_FRAME) {
					/* not our protocol, or a hostile peer: hang up */
					fprintf(stderr, "kemu: netdev %s: frame length %u from the "
						"peer is too large, disconnecting\n", s->nc->name,
						s->frame_len);
					net_socket_disconnect(s);
					return G_SOURCE_REMOVE;
				}
			}
			continue;
		}
		{
			uint32_t take = MIN((uint32_t)(n - i), s->frame_len - s->frame_got);

			memcpy(s->frame + s->frame_got, buf + i, take);
			s->frame_got += take;
			i += take;
		}
		if (s->frame_got == s->frame_len) {
			net_client_send(s->nc, s->frame, s->frame_len);
			s->hdr_got = 0;
		}
	}
	return G_SOURCE_CONTINUE;
}

static void net_socket_connected(struct net_socket *s, int fd)
{
	s->fd = fd;
	s->hdr_got = 0;
	g_unix_set_fd_nonblocking(fd, true, NULL);
	s->watch = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, net_socket_stream_readable, s);
}

static gboolean net_socket_accept(gint fd, GIOCondition cond, gpointer opaque)
{
	struct net_socket *s = opaque;
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

	if (c < 0)
		return G_SOURCE_CONTINUE;
	if (s->fd >= 0) {
		close(c);	/* one peer at a time, as QEMU */
		return G_SOURCE_CONTINUE;
	}
	net_socket_connected(s, c);
	return G_SOURCE_CONTINUE;
}

static void net_socket_disconnect(struct net_socket *s)
{
	if (s->watch)
		g_source_remove(s->watch);
	if (s->out_watch)
		g_source_remove(s->out_watch);
	s->watch = s->out_watch = 0;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	g_byte_array_set_size(s->pending, 0);
}

/* ---- datagrams ---- */

static gboolean net_socket_dgram_readable(gint fd, GIOCondition cond, gpointer opaque)
{
	struct net_socket *s = opaque;

	for (int i = 0; i < 64; i++) {
		ssize_t n = recv(fd, s->frame, sizeof(s->frame), 0);

		if (n <= 0)
			break;
		net_client_send(s->nc, s->frame, n);
	}
	return G_SOURCE_CONTINUE;
}

/* ---- the client ---- */

static ssize_t net_socket_receive(struct net_client *nc, const uint8_t *buf, size_t len)
{
	struct net_socket *s = nc->opaque;

	if (s->fd < 0)
		return len;	/* no peer yet: the frame is lost, as on an unplugged cable */
	if (s->stream)
		net_socket_stream_send(s, buf, len);
	else
		sendto(s->fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&s->dst, s->dstlen);
	return len;
}

static char *net_socket_describe(struct net_client *nc)
{
	struct net_socket *s = nc->opaque;

	return g_strdup(s->desc);
}

static void net_socket_cleanup(struct net_client *nc)
{
	struct net_socket *s = nc->opaque;

	net_socket_disconnect(s);
	if (s->listen_watch)
		g_source_remove(s->listen_watch);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->unlink_path)
		unlink(s->unlink_path);
	g_free(s->unlink_path);
	g_free(s->desc);
	g_byte_array_unref(s->pending);
	g_free(s);
}

static const struct net_client_ops net_socket_ops = {
	.receive = net_socket_receive,
	.describe = net_socket_describe,
	.cleanup = net_socket_cleanup,
};

static bool net_socket_open_stream(struct net_socket *s, const struct sockaddr_storage *ss,
				   socklen_t len, bool server, GError **errp)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "socket: %s", g_strerror(errno));
		return false;
	}
	if (!server) {
		if (connect(fd, (const struct sockaddr *)ss, len) < 0) {
			g_set_error(errp, KEMU_ERROR, 0, "could not connect: %s", g_strerror(errno));
			close(fd);
			return false;
		}
		net_socket_connected(s, fd);
		return true;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss->ss_family == AF_UNIX) {
		unlink(((const struct sockaddr_un *)ss)->sun_path);
		s->unlink_path = g_strdup(((const struct sockaddr_un *)ss)->sun_path);
	}
	if (bind(fd, (const struct sockaddr *)ss, len) < 0 || listen(fd, 1) < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "could not listen: %s", g_strerror(errno));
		close(fd);
		return false;
	}
	s->listen_fd = fd;
	s->listen_watch = g_unix_fd_add(fd, G_IO_IN, net_socket_accept, s);
	return true;
}

static bool net_socket_open_dgram(struct net_socket *s, const struct sockaddr_storage *local,
				  socklen_t llen, GError **errp)
{
	int fd = socket(local->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "socket: %s", g_strerror(errno));
		return false;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (local->ss_family == AF_UNIX) {
		unlink(((const struct sockaddr_un *)local)->sun_path);
		s->unlink_path = g_strdup(((const struct sockaddr_un *)local)->sun_path);
	}
	if (bind(fd, (const struct sockaddr *)local, llen) < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "could not bind: %s", g_strerror(errno));
		close(fd);
		return false;
	}
	s->fd = fd;
	g_unix_set_fd_nonblocking(fd, true, NULL);
	s->watch = g_unix_fd_add(fd, G_IO_IN, net_socket_dgram_readable, s);
	return true;
}

static bool net_socket_mcast(struct net_socket *s, const char *group, const char *localaddr,
			     GError **errp)
{
	struct sockaddr_storage ss, bind_ss;
	socklen_t len;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct ip_mreq mreq = { 0 };
	int one = 1;

	if (!net_socket_parse_hostport(group, false, SOCK_DGRAM, &ss, &len, errp))
		return false;
	if (ss.ss_family != AF_INET || !IN_MULTICAST(ntohl(sin->sin_addr.s_addr))) {
		g_set_error(errp, KEMU_ERROR, 0, "mcast=%s: not an IPv4 multicast address", group);
		return false;
	}
	bind_ss = ss;	/* bound to the group, so only its datagrams arrive */
	if (!net_socket_open_dgram(s, &bind_ss, len, errp))
		return false;
	mreq.imr_multiaddr = sin->sin_addr;
	mreq.imr_interface.s_addr = htonl(INADDR_ANY);
	if (localaddr && inet_pton(AF_INET, localaddr, &mreq.imr_interface) != 1) {
		g_set_error(errp, KEMU_ERROR, 0, "localaddr=%s: expected an IPv4 address", localaddr);
		return false;
	}
	if (setsockopt(s->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "mcast=%s: could not join the group: %s", group,
			    g_strerror(errno));
		return false;
	}
	/* VMs on this host are on the LAN too */
	setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_LOOP, &one, sizeof(one));
	if (localaddr)
		setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq.imr_interface,
			   sizeof(mreq.imr_interface));
	s->dst = ss;
	s->dstlen = len;
	return true;
}

/* prefix.type=inet|unix, prefix.host, prefix.port, prefix.path */
static bool net_socket_addr_opts(struct opts *o, const char *prefix, bool passive, int socktype,
				 struct sockaddr_storage *ss, socklen_t *len, GError **errp)
{
	g_autofree char *k_type = g_strdup_printf("%s.type", prefix);
	g_autofree char *k_host = g_strdup_printf("%s.host", prefix);
	g_autofree char *k_port = g_strdup_printf("%s.port", prefix);
	g_autofree char *k_path = g_strdup_printf("%s.path", prefix);
	const char *type = opts_get(o, k_type);

	if (!type) {
		g_set_error(errp, KEMU_ERROR, 0, "Parameter '%s' is missing", k_type);
		return false;
	}
	if (!strcmp(type, "inet")) {
		const char *port = opts_get(o, k_port);

		if (!port) {
			g_set_error(errp, KEMU_ERROR, 0, "Parameter '%s' is missing", k_port);
			return false;
		}
		return net_socket_resolve(opts_get(o, k_host), port, passive, socktype, ss, len,
					  errp);
	}
	if (!strcmp(type, "unix"))
		return net_socket_unix_addr(opts_get(o, k_path), ss, len, errp);
	g_set_error(errp, KEMU_ERROR, 0, "%s=%s: expected inet or unix", k_type, type);
	return false;
}

struct net_client *net_socket_new(struct opts *o, const char *type, const char *id,
				  GError **errp)
{
	struct net_socket *s = g_new0(struct net_socket, 1);
	struct sockaddr_storage ss;
	socklen_t len;

	s->fd = s->listen_fd = -1;
	s->pending = g_byte_array_new();
	if (!strcmp(type, "socket")) {
		const char *listen = opts_get(o, "listen"), *connect = opts_get(o, "connect");
		const char *mcast = opts_get(o, "mcast"), *udp = opts_get(o, "udp");
		const char *localaddr = opts_get(o, "localaddr");

		if (!!listen + !!connect + !!mcast + !!udp != 1) {
			g_set_error(errp, KEMU_ERROR, 0, "socket: exactly one of listen=, connect=, "
				    "mcast= or udp= is needed");
			goto fail;
		}
		if (opts_has(o, "fd")) {
			g_set_error(errp, KEMU_ERROR, 0, "socket: fd= is not supported");
			goto fail;
		}
		if (listen || connect) {
			s->stream = true;
			if (!net_socket_parse_hostport(listen ? listen : connect, !!listen,
						       SOCK_STREAM, &ss, &len, errp) ||
			    !net_socket_open_stream(s, &ss, len, !!listen, errp))
				goto fail;
			s->desc = g_strdup_printf("socket: %s=%s", listen ? "listen" : "connect",
						  listen ? listen : connect);
		} else if (mcast) {
			if (!net_socket_mcast(s, mcast, localaddr, errp))
				goto fail;
			s->desc = g_strdup_printf("socket: mcast=%s", mcast);
		} else {
			struct sockaddr_storage local;
			socklen_t llen;

			if (!localaddr) {
				g_set_error(errp, KEMU_ERROR, 0, "socket: udp= needs localaddr=HOST:PORT");
				goto fail;
			}
			if (!net_socket_parse_hostport(udp, false, SOCK_DGRAM, &s->dst, &s->dstlen,
						       errp) ||
			    !net_socket_parse_hostport(localaddr, true, SOCK_DGRAM, &local, &llen,
						       errp) ||
			    !net_socket_open_dgram(s, &local, llen, errp))
				goto fail;
			s->desc = g_strdup_printf("socket: udp=%s", udp);
		}
	} else if (!strcmp(type, "stream")) {
		bool server = false;

		s->stream = true;
		if (!opts_get_bool(o, "server", &server, errp) ||
		    !net_socket_addr_opts(o, "addr", server, SOCK_STREAM, &ss, &len, errp))
			goto fail;
		if (opts_has(o, "reconnect")) {
			g_set_error(errp, KEMU_ERROR, 0, "stream: reconnect= is not supported yet");
			goto fail;
		}
		if (!net_socket_open_stream(s, &ss, len, server, errp))
			goto fail;
		s->desc = g_strdup_printf("stream: %s", server ? "server" : "client");
	} else {
		struct sockaddr_storage local;
		socklen_t llen;

		if (!net_socket_addr_opts(o, "remote", false, SOCK_DGRAM, &s->dst, &s->dstlen, errp) ||
		    !net_socket_addr_opts(o, "local", true, SOCK_DGRAM, &local, &llen, errp) ||
		    !net_socket_open_dgram(s, &local, llen, errp))
			goto fail;
		s->desc = g_strdup("dgram");
	}
	s->nc = net_client_new(&net_socket_ops, NET_CLIENT_SOCKET, id, s);
	return s->nc;
fail:
	{
		struct net_client tmp = { .opaque = s };

		net_socket_cleanup(&tmp);
	}
	return NULL;
}

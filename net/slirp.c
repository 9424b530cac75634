// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -netdev user: user-mode networking through libslirp (Debian libslirp-dev).
 * The guest sees a router at 10.0.2.2 with DHCP (leases from 10.0.2.15),
 * DNS at 10.0.2.3 and a TFTP server; its TCP/UDP connections become host
 * sockets, so no privileges are needed. ICMP echo leaves through
 * unprivileged ICMP sockets where the host allows them
 * (net.ipv4.ping_group_range); libslirp picks that itself.
 *
 * Main-loop integration: a GSource whose prepare() asks libslirp which
 * sockets to poll (slirp_pollfds_fill) and for how long, and whose
 * dispatch() hands the results back (slirp_pollfds_poll) after every poll,
 * as libslirp expects. Its timers are kemu timers on the host clock.
 *
 * Options as QEMU 7.2 spells them: net=, host=, dhcpstart=, dns=,
 * hostfwd=, guestfwd= (cmd: form), tftp=, bootfile=, tftp-server-name=,
 * restrict=, hostname=, domainname=, dnssearch=, ipv4=, ipv6=, ipv6-net=,
 * ipv6-host=, ipv6-dns=.
 */
#include "kemu/common.h"
#include "kemu/opts.h"
#include "net/net.h"
#include "system/main-loop.h"
#include "system/timer.h"

#include <slirp/libslirp.h>

struct net_user {
	struct net_client *nc;
	Slirp *slirp;
	GSource *source;	/* struct slirp_source */
	char *summary;		/* `info network` */
	GPtrArray *dnssearch;	/* char *, NULL-terminated for libslirp */
	char *tftp, *bootfile, *hostname, *domainname, *tftp_server_name;
};

struct slirp_source {
	GSource source;
	struct net_user *user;
	GArray *pollfds;	/* GPollFD, re-filled before every poll */
	gint64 deadline_us;	/* libslirp's next timeout (monotonic), G_MAXINT64: none */
};

/* ---- libslirp callbacks ---- */

static ssize_t net_user_send_packet(const void *buf, size_t len, void *opaque)
{
	struct net_user *u = opaque;

	return net_client_send(u->nc, buf, len);
}

static void net_user_guest_error(const char *msg, void *opaque)
{
	guest_error("slirp: %s", msg);
}

static int64_t net_user_clock_get_ns(void *opaque)
{
	return clock_get_ns(CLOCK_HOST_MONOTONIC);
}

struct net_user_timer {
	struct kemu_timer *timer;
	SlirpTimerCb cb;
	void *cb_opaque;
};

static void net_user_timer_fire(void *opaque)
{
	struct net_user_timer *t = opaque;

	t->cb(t->cb_opaque);
}

static void *net_user_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct net_user_timer *t = g_new0(struct net_user_timer, 1);

	t->cb = cb;
	t->cb_opaque = cb_opaque;
	t->timer = timer_new_ns(CLOCK_HOST_MONOTONIC, net_user_timer_fire, t);
	return t;
}

static void net_user_timer_free(void *timer, void *opaque)
{
	struct net_user_timer *t = timer;

	timer_free(t->timer);
	g_free(t);
}

static void net_user_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct net_user_timer *t = timer;

	timer_mod_ns(t->timer, expire_ms * 1000000);
}

static void net_user_register_poll_fd(int fd, void *opaque) { }
static void net_user_unregister_poll_fd(int fd, void *opaque) { }

static void net_user_notify(void *opaque)
{
	main_loop_wakeup();
}

static const SlirpCb net_user_callbacks = {
	.send_packet = net_user_send_packet,
	.guest_error = net_user_guest_error,
	.clock_get_ns = net_user_clock_get_ns,
	.timer_new = net_user_timer_new,
	.timer_free = net_user_timer_free,
	.timer_mod = net_user_timer_mod,
	.register_poll_fd = net_user_register_poll_fd,
	.unregister_poll_fd = net_user_unregister_poll_fd,
	.notify = net_user_notify,
};

/* ---- main-loop source ---- */

static int slirp_source_add_poll(int fd, int events, void *opaque)
{
	struct slirp_source *src = opaque;
	GPollFD pfd = { .fd = fd };

	pfd.events = (events & SLIRP_POLL_IN ? G_IO_IN : 0) |
		     (events & SLIRP_POLL_OUT ? G_IO_OUT : 0) |
		     (events & SLIRP_POLL_PRI ? G_IO_PRI : 0) |
		     (events & SLIRP_POLL_ERR ? G_IO_ERR : 0) |
		     (events & SLIRP_POLL_HUP ? G_IO_HUP : 0);
	g_array_append_val(src->pollfds, pfd);
	return src->pollfds->len - 1;
}

static int slirp_source_get_revents(int idx, void *opaque)
{
	struct slirp_source *src = opaque;
	GPollFD *pfd;

	if (idx < 0 || idx >= (int)src->pollfds->len)
		return 0;
	pfd = &g_array_index(src->pollfds, GPollFD, idx);
	return (pfd->revents & G_IO_IN ? SLIRP_POLL_IN : 0) |
	       (pfd->revents & G_IO_OUT ? SLIRP_POLL_OUT : 0) |
	       (pfd->revents & G_IO_PRI ? SLIRP_POLL_PRI : 0) |
	       (pfd->revents & G_IO_ERR ? SLIRP_POLL_ERR : 0) |
	       (pfd->revents & G_IO_HUP ? SLIRP_POLL_HUP : 0);
}

static gboolean slirp_source_prepare(GSource *source, gint *timeout_ms)
{
	struct slirp_source *src = (struct slirp_source *)source;
	uint32_t timeout = UINT32_MAX;

	for (guint i = 0; i < src->pollfds->len; i++)
		g_source_remove_poll(source, &g_array_index(src->pollfds, GPollFD, i));
	g_array_set_size(src->pollfds, 0);
	slirp_pollfds_fill(src->user->slirp, &timeout, slirp_source_add_poll, src);
	/* the array is final now: glib keeps pointers into it until the next prepare */
	for (guint i = 0; i < src->pollfds->len; i++)
		g_source_add_poll(source, &g_array_index(src->pollfds, GPollFD, i));
	*timeout_ms = timeout == UINT32_MAX ? -1 : (gint)MIN(timeout, (uint32_t)G_MAXINT);
	src->deadline_us = timeout == UINT32_MAX ? G_MAXINT64
			   : g_get_monotonic_time() + (gint64)MIN(timeout, (uint32_t)G_MAXINT) * 1000;
	return FALSE;
}

static gboolean slirp_source_check(GSource *source)
{
	struct slirp_source *src = (struct slirp_source *)source;

	/*
	 * Ready when a socket has an event or libslirp's timeout (its TCP
	 * timers) is due. Always answering TRUE would make this source ready
	 * at default priority on every loop, and glib would then never run
	 * lower-priority sources such as idle callbacks (the monitor's output
	 * flush was starved that way).
	 */
	for (guint i = 0; i < src->pollfds->len; i++)
		if (g_array_index(src->pollfds, GPollFD, i).revents)
			return TRUE;
	return g_get_monotonic_time() >= src->deadline_us;
}

static gboolean slirp_source_dispatch(GSource *source, GSourceFunc cb, gpointer data)
{
	struct slirp_source *src = (struct slirp_source *)source;

	slirp_pollfds_poll(src->user->slirp, 0, slirp_source_get_revents, src);
	return G_SOURCE_CONTINUE;
}

static void slirp_source_finalize(GSource *source)
{
	struct slirp_source *src = (struct slirp_source *)source;

	g_array_free(src->pollfds, true);
}

static GSourceFuncs slirp_source_funcs = {
	.prepare = slirp_source_prepare,
	.check = slirp_source_check,
	.dispatch = slirp_source_dispatch,
	.finalize = slirp_source_finalize,
};

/* ---- the client ---- */

static ssize_t net_user_receive(struct net_client *nc, const uint8_t *buf, size_t len)
{
	struct net_user *u = nc->opaque;

	slirp_input(u->slirp, buf, len);
	/*
	 * From a vCPU thread this may have opened a host socket (a new TCP
	 * connection, a UDP flow) that the main loop, asleep in poll, does not
	 * watch yet: wake it to fetch the new descriptor set.
	 */
	if (!g_main_context_is_owner(g_main_context_default()))
		main_loop_wakeup();
	return len;
}

static char *net_user_describe(struct net_client *nc)
{
	struct net_user *u = nc->opaque;

	return g_strdup(u->summary);
}

static void net_user_cleanup(struct net_client *nc)
{
	struct net_user *u = nc->opaque;

	if (u->source) {
		g_source_destroy(u->source);
		g_source_unref(u->source);
	}
	if (u->slirp)
		slirp_cleanup(u->slirp);
	g_free(u->summary);
	g_free(u->tftp);
	g_free(u->bootfile);
	g_free(u->hostname);
	g_free(u->domainname);
	g_free(u->tftp_server_name);
	if (u->dnssearch)
		g_ptr_array_free(u->dnssearch, true);
	g_free(u);
}

static const struct net_client_ops net_user_ops = {
	.receive = net_user_receive,
	.describe = net_user_describe,
	.cleanup = net_user_cleanup,
};

/* ---- option parsing ---- */

static bool parse_in_addr(const char *key, const char *s, struct in_addr *a, GError **errp)
{
	if (inet_pton(AF_INET, s, a) != 1) {
		g_set_error(errp, KEMU_ERROR, 0, "-netdev user: %s=%s: expected an IPv4 address",
			    key, s);
		return false;
	}
	return true;
}

/* "10.0.2.0/24", "10.0.2.0/255.255.255.0" or "10.0.2.0" (then /24, as QEMU) */
static bool parse_net(const char *s, struct in_addr *net, struct in_addr *mask, GError **errp)
{
	g_autofree char *addr = g_strdup(s);
	char *slash = strchr(addr, '/');
	uint64_t bits = 24;

	if (slash) {
		*slash++ = 0;
		if (strchr(slash, '.')) {
			if (!parse_in_addr("net", slash, mask, errp))
				return false;
		} else if (!parse_uint64(slash, &bits) || bits < 1 || bits > 32) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "-netdev user: net=%s: expected a prefix length of 1 to 32", s);
			return false;
		}
	}
	if (!parse_in_addr("net", addr, net, errp))
		return false;
	if (!slash || !strchr(slash, '.'))
		mask->s_addr = htonl(bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits));
	if (net->s_addr & ~mask->s_addr) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "-netdev user: net=%s: host bits set in the network address", s);
		return false;
	}
	return true;
}

/* [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport */
static bool net_user_add_hostfwd(struct net_user *u, const char *s, struct in_addr def_guest,
				 GError **errp)
{
	g_auto(GStrv) halves = NULL;
	g_auto(GStrv) h = NULL, g = NULL;
	struct in_addr haddr = { .s_addr = INADDR_ANY }, gaddr = def_guest;
	uint64_t hport, gport;
	bool udp = false;
	const char *spec = s;

	if (g_str_has_prefix(spec, "tcp:")) {
		spec += 4;
	} else if (g_str_has_prefix(spec, "udp:")) {
		spec += 4;
		udp = true;
	} else if (spec[0] != ':') {
		goto bad;
	} else {
		spec++;
	}
	halves = g_strsplit(spec, "-", 2);
	if (!halves[0] || !halves[1])
		goto bad;
	h = g_strsplit(halves[0], ":", 2);
	g = g_strsplit(halves[1], ":", 2);
	if (!h[0] || !h[1] || !g[0] || !g[1])
		goto bad;
	if (*h[0] && inet_pton(AF_INET, h[0], &haddr) != 1)
		goto bad;
	if (*g[0] && inet_pton(AF_INET, g[0], &gaddr) != 1)
		goto bad;
	if (!parse_uint64(h[1], &hport) || hport > 65535 || !parse_uint64(g[1], &gport) ||
	    gport < 1 || gport > 65535)
		goto bad;
	if (slirp_add_hostfwd(u->slirp, udp, haddr, hport, gaddr, gport) < 0) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "-netdev user: hostfwd=%s: could not set up host forwarding rule: %s",
			    s, g_strerror(errno));
		return false;
	}
	return true;
bad:
	g_set_error(errp, KEMU_ERROR, 0, "-netdev user: hostfwd=%s: expected "
		    "[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport", s);
	return false;
}

/* tcp:[guestaddr]:port-cmd:COMMAND (the chardev form is not supported) */
static bool net_user_add_guestfwd(struct net_user *u, const char *s, struct in_addr def_addr,
				  GError **errp)
{
	g_autofree char *spec = g_strdup(g_str_has_prefix(s, "tcp:") ? s + 4 : s);
	char *dash = strstr(spec, "-cmd:");
	char *colon;
	struct in_addr addr = def_addr;
	uint64_t port;

	if (!dash) {
		g_set_error(errp, KEMU_ERROR, 0, "-netdev user: guestfwd=%s: only the "
			    "tcp:[addr]:port-cmd:COMMAND form is supported (no chardev targets)", s);
		return false;
	}
	*dash = 0;
	colon = strrchr(spec, ':');
	if (!colon || (colon != spec && (*colon = 0, inet_pton(AF_INET, spec, &addr) != 1)) ||
	    !parse_uint64(colon + 1, &port) || port < 1 || port > 65535) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "-netdev user: guestfwd=%s: expected tcp:[addr]:port-cmd:COMMAND", s);
		return false;
	}
	if (slirp_add_exec(u->slirp, dash + 5, &addr, port) < 0) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "-netdev user: guestfwd=%s: conflicting or invalid forwarding rule", s);
		return false;
	}
	return true;
}

struct net_client *net_user_new(struct opts *o, const char *id, GError **errp)
{
	struct net_user *u = g_new0(struct net_user, 1);
	SlirpConfig cfg = { .version = 4, .in_enabled = true, .in6_enabled = true };
	struct in_addr net, mask, host, dhcp, dns;
	const char *v;
	bool restricted = false, ipv4 = true, ipv6 = true;
	struct slirp_source *src;

	inet_pton(AF_INET, "10.0.2.0", &net);
	inet_pton(AF_INET, "255.255.255.0", &mask);
	host.s_addr = htonl(ntohl(net.s_addr) | 2);
	dhcp.s_addr = htonl(ntohl(net.s_addr) | 15);
	dns.s_addr = htonl(ntohl(net.s_addr) | 3);
	inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
	cfg.vprefix_len = 64;
	inet_pton(AF_INET6, "fec0::2", &cfg.vhost6);
	inet_pton(AF_INET6, "fec0::3", &cfg.vnameserver6);

	/* net= moves the defaults with it (host .2, dhcp .15, dns .3), as QEMU */
	if ((v = opts_get(o, "net"))) {
		if (!parse_net(v, &net, &mask, errp))
			goto fail;
		host.s_addr = htonl(ntohl(net.s_addr) | 2);
		dhcp.s_addr = htonl(ntohl(net.s_addr) | 15);
		dns.s_addr = htonl(ntohl(net.s_addr) | 3);
	}
	if (((v = opts_get(o, "host")) && !parse_in_addr("host", v, &host, errp)) ||
	    ((v = opts_get(o, "dhcpstart")) && !parse_in_addr("dhcpstart", v, &dhcp, errp)) ||
	    ((v = opts_get(o, "dns")) && !parse_in_addr("dns", v, &dns, errp)))
		goto fail;
	if ((host.s_addr & mask.s_addr) != net.s_addr || (dns.s_addr & mask.s_addr) != net.s_addr ||
	    (dhcp.s_addr & mask.s_addr) != net.s_addr) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "-netdev user: host, dns and dhcpstart must be inside net=");
		goto fail;
	}
	if ((v = opts_get(o, "ipv6-net"))) {
		g_autofree char *a = g_strdup(v);
		char *slash = strchr(a, '/');
		uint64_t len = 64;

		if (slash)
			*slash++ = 0;
		if (inet_pton(AF_INET6, a, &cfg.vprefix_addr6) != 1 ||
		    (slash && (!parse_uint64(slash, &len) || len > 126))) {
			g_set_error(errp, KEMU_ERROR, 0, "-netdev user: ipv6-net=%s: expected "
				    "an IPv6 prefix like fec0::/64", v);
			goto fail;
		}
		cfg.vprefix_len = len;
		cfg.vhost6 = cfg.vprefix_addr6;
		cfg.vhost6.s6_addr[15] |= 2;
		cfg.vnameserver6 = cfg.vprefix_addr6;
		cfg.vnameserver6.s6_addr[15] |= 3;
	}
	if (((v = opts_get(o, "ipv6-host")) && inet_pton(AF_INET6, v, &cfg.vhost6) != 1) ||
	    ((v = opts_get(o, "ipv6-dns")) && inet_pton(AF_INET6, v, &cfg.vnameserver6) != 1)) {
		g_set_error(errp, KEMU_ERROR, 0, "-netdev user: %s: expected an IPv6 address", v);
		goto fail;
	}
	if (!opts_get_bool(o, "restrict", &restricted, errp) ||
	    !opts_get_bool(o, "ipv4", &ipv4, errp) || !opts_get_bool(o, "ipv6", &ipv6, errp))
		goto fail;
	if (!ipv4 && !ipv6) {
		g_set_error(errp, KEMU_ERROR, 0, "-netdev user: IPv4 and IPv6 cannot both be disabled");
		goto fail;
	}
	u->tftp = g_strdup(opts_get(o, "tftp"));
	u->bootfile = g_strdup(opts_get(o, "bootfile"));
	u->hostname = g_strdup(opts_get(o, "hostname"));
	u->domainname = g_strdup(opts_get(o, "domainname"));
	u->tftp_server_name = g_strdup(opts_get(o, "tftp-server-name"));
	if (u->tftp && !g_file_test(u->tftp, G_FILE_TEST_IS_DIR)) {
		g_set_error(errp, KEMU_ERROR, 0, "-netdev user: tftp=%s: not a directory", u->tftp);
		goto fail;
	}
	u->dnssearch = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < o->list->len; i++) {
		struct opt *opt = g_ptr_array_index(o->list, i);

		if (!strcmp(opt->key, "dnssearch")) {
			opt->used = true;
			g_ptr_array_add(u->dnssearch, g_strdup(opt->value));
		}
	}
	g_ptr_array_add(u->dnssearch, NULL);

	cfg.restricted = restricted;
	cfg.in_enabled = ipv4;
	cfg.in6_enabled = ipv6;
	cfg.vnetwork = net;
	cfg.vnetmask = mask;
	cfg.vhost = host;
	cfg.vdhcp_start = dhcp;
	cfg.vnameserver = dns;
	cfg.vhostname = u->hostname;
	cfg.tftp_server_name = u->tftp_server_name;
	cfg.tftp_path = u->tftp;
	cfg.bootfile = u->bootfile;
	cfg.vdnssearch = u->dnssearch->len > 1 ? (const char **)u->dnssearch->pdata : NULL;
	cfg.vdomainname = u->domainname;
	u->slirp = slirp_new(&cfg, &net_user_callbacks, u);
	if (!u->slirp) {
		g_set_error(errp, KEMU_ERROR, 0, "-netdev user: libslirp refused the configuration");
		goto fail;
	}

	/* forwarding rules need the stack; they may repeat */
	for (guint i = 0; i < o->list->len; i++) {
		struct opt *opt = g_ptr_array_index(o->list, i);
		struct in_addr guest = dhcp;

		if (!strcmp(opt->key, "hostfwd")) {
			opt->used = true;
			if (!net_user_add_hostfwd(u, opt->value, guest, errp))
				goto fail;
		} else if (!strcmp(opt->key, "guestfwd")) {
			opt->used = true;
			guest.s_addr = htonl(ntohl(net.s_addr) | 100);	/* QEMU's default */
			if (!net_user_add_guestfwd(u, opt->value, guest, errp))
				goto fail;
		}
	}

	src = (struct slirp_source *)g_source_new(&slirp_source_funcs, sizeof(*src));
	src->user = u;
	src->pollfds = g_array_new(false, true, sizeof(GPollFD));
	u->source = &src->source;
	g_source_attach(u->source, NULL);

	{
		char n[INET_ADDRSTRLEN], h[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &net, n, sizeof(n));
		inet_ntop(AF_INET, &host, h, sizeof(h));
		u->summary = g_strdup_printf("user: net=%s, host=%s%s", n, h,
					     restricted ? ", restricted" : "");
	}
	u->nc = net_client_new(&net_user_ops, NET_CLIENT_USER, id, u);
	return u->nc;
fail:
	{
		struct net_client tmp = { .opaque = u };

		net_user_cleanup(&tmp);
	}
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -netdev tap,id=ID[,ifname=NAME][,script=no|PATH][,downscript=no|PATH][,fd=N]:
 * a Linux TAP interface (Documentation/networking/tuntap.rst), one frame
 * per read()/write(). Creating an interface needs CAP_NET_ADMIN, or a
 * persistent tap owned by the user (ip tuntap add mode tap user U), or an
 * fd= inherited from a privileged helper.
 *
 * script=: as QEMU, the default is /etc/qemu-ifup (run with the interface
 * name after it is created) and /etc/qemu-ifdown at exit; "no" runs
 * nothing. A script that fails refuses the netdev.
 * Not supported yet (refused with a message): vhost=on (vhost-net),
 * queues>1, the virtio-net header (TUNSETVNETHDRSZ) and helper=.
 */
#include "kemu/common.h"
#include "kemu/opts.h"
#include "net/net.h"

#include <fcntl.h>
#include <glib-unix.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define TAP_DEFAULT_SCRIPT	"/etc/qemu-ifup"
#define TAP_DEFAULT_DOWNSCRIPT	"/etc/qemu-ifdown"

struct net_tap {
	struct net_client *nc;
	int fd;
	guint watch;
	char ifname[IFNAMSIZ];
	char *downscript;
	uint8_t buf[NET_MAX_FRAME];
};

static bool tap_run_script(const char *script, const char *ifname, GError **errp)
{
	const char *argv[] = { script, ifname, NULL };
	GError *err = NULL;
	int status;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
			  NULL, NULL, &status, &err)) {
		g_set_error(errp, KEMU_ERROR, 0, "could not launch network script %s: %s", script,
			    err->message);
		g_error_free(err);
		return false;
	}
	if (!g_spawn_check_wait_status(status, &err)) {
		g_set_error(errp, KEMU_ERROR, 0, "network script %s failed: %s", script,
			    err->message);
		g_error_free(err);
		return false;
	}
	return true;
}

static gboolean tap_readable(gint fd, GIOCondition cond, gpointer opaque)
{
	struct net_tap *t = opaque;

	/* a bounded batch per wake-up, so one busy tap cannot starve the loop */
	for (int i = 0; i < 64; i++) {
		ssize_t n = read(t->fd, t->buf, sizeof(t->buf));

		if (n <= 0)
			break;
		net_client_send(t->nc, t->buf, n);
	}
	return G_SOURCE_CONTINUE;
}

static ssize_t tap_receive(struct net_client *nc, const uint8_t *buf, size_t len)
{
	struct net_tap *t = nc->opaque;

	/* the kernel queue full: drop, as a cable would (TCP retransmits) */
	if (write(t->fd, buf, len) < 0 && errno != EAGAIN)
		log_mask(LOG_GUEST_ERROR, "tap %s: write: %s\n", t->ifname, g_strerror(errno));
	return len;
}

static char *tap_describe(struct net_client *nc)
{
	struct net_tap *t = nc->opaque;

	return g_strdup_printf("tap: ifname=%s", t->ifname);
}

static void tap_cleanup(struct net_client *nc)
{
	struct net_tap *t = nc->opaque;

	if (t->watch)
		g_source_remove(t->watch);
	if (t->fd >= 0)
		close(t->fd);
	if (t->downscript) {
		GError *err = NULL;

		if (!tap_run_script(t->downscript, t->ifname, &err)) {
			fprintf(stderr, "kemu: -netdev tap: %s\n", err->message);
			g_error_free(err);
		}
	}
	g_free(t->downscript);
	g_free(t);
}

static const struct net_client_ops tap_ops = {
	.receive = tap_receive,
	.describe = tap_describe,
	.cleanup = tap_cleanup,
};

static const char *tap_script_opt(struct opts *o, const char *key, const char *def)
{
	const char *v = opts_get(o, key);

	if (!v)
		return def;
	if (!*v || !strcmp(v, "no"))
		return NULL;
	return v;
}

struct net_client *net_tap_new(struct opts *o, const char *id, GError **errp)
{
	struct net_tap *t = g_new0(struct net_tap, 1);
	const char *ifname = opts_get(o, "ifname");
	const char *script = tap_script_opt(o, "script", TAP_DEFAULT_SCRIPT);
	const char *downscript = tap_script_opt(o, "downscript", TAP_DEFAULT_DOWNSCRIPT);
	const char *fdstr = opts_get(o, "fd");
	bool vhost = false;
	uint64_t queues = 1;
	struct ifreq ifr = { 0 };

	t->fd = -1;
	if (!opts_get_bool(o, "vhost", &vhost, errp) ||
	    !opts_get_number(o, "queues", &queues, errp))
		goto fail;
	if (vhost) {
		g_set_error(errp, KEMU_ERROR, 0, "tap: vhost=on: vhost-net is not supported yet; "
			    "use vhost=off");
		goto fail;
	}
	if (queues != 1) {
		g_set_error(errp, KEMU_ERROR, 0, "tap: queues=%" PRIu64 ": multiqueue tap is not "
			    "supported yet; use queues=1", queues);
		goto fail;
	}
	if (opts_has(o, "helper")) {
		g_set_error(errp, KEMU_ERROR, 0, "tap: helper= is not supported; use ifname= "
			    "with a persistent tap, or fd=");
		goto fail;
	}
	opts_get(o, "vnet_hdr");	/* accepted: kemu never asks for the header yet */
	if (fdstr) {
		uint64_t fd;

		if (!parse_uint64(fdstr, &fd) || fd > INT_MAX || fcntl(fd, F_GETFD) < 0) {
			g_set_error(errp, KEMU_ERROR, 0, "tap: fd=%s: not an open file descriptor",
				    fdstr);
			goto fail;
		}
		t->fd = fd;
		if (ioctl(t->fd, TUNGETIFF, &ifr) == 0)
			g_strlcpy(t->ifname, ifr.ifr_name, sizeof(t->ifname));
		script = downscript = NULL;	/* the fd's owner set it up */
	} else {
		t->fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
		if (t->fd < 0) {
			g_set_error(errp, KEMU_ERROR, 0, "tap: could not open /dev/net/tun: %s",
				    g_strerror(errno));
			goto fail;
		}
		ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
		if (ifname && strlen(ifname) >= IFNAMSIZ) {
			g_set_error(errp, KEMU_ERROR, 0, "tap: ifname=%s: longer than %d characters",
				    ifname, IFNAMSIZ - 1);
			goto fail;
		}
		g_strlcpy(ifr.ifr_name, ifname ? ifname : "tap%d", sizeof(ifr.ifr_name));
		if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
			g_set_error(errp, KEMU_ERROR, 0, "tap: could not configure /dev/net/tun "
				    "(%s): %s", ifr.ifr_name, g_strerror(errno));
			goto fail;
		}
		g_strlcpy(t->ifname, ifr.ifr_name, sizeof(t->ifname));
	}
	if (!g_unix_set_fd_nonblocking(t->fd, true, NULL)) {
		g_set_error(errp, KEMU_ERROR, 0, "tap: cannot make the device non-blocking");
		goto fail;
	}
	if (script && !tap_run_script(script, t->ifname, errp)) {
		g_prefix_error(errp, "tap: ");
		goto fail;
	}
	t->downscript = g_strdup(downscript);
	t->watch = g_unix_fd_add(t->fd, G_IO_IN, tap_readable, t);
	t->nc = net_client_new(&tap_ops, NET_CLIENT_TAP, id, t);
	return t->nc;
fail:
	if (t->fd >= 0 && !fdstr)
		close(t->fd);
	g_free(t);
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Network clients, peers, queues and hubs (include/net/net.h explains the
 * model). This file holds no protocol: backends live in net/slirp.c,
 * net/tap.c, net/socket.c; capture in net/dump.c; the command-line glue
 * (-netdev, -nic, -net) in net/net-opts.c.
 */
#include "kemu/common.h"
#include "kemu/opts.h"
#include "net/net.h"

/* Frames kept for a client that cannot receive; more are dropped as a full NIC would. */
#define NET_QUEUE_MAX	256

static GPtrArray *net_clients;	/* every client, in creation order */

struct net_hub {
	int id;
	GPtrArray *ports;	/* struct net_client * (NET_CLIENT_HUB_PORT) */
};

static GPtrArray *net_hubs;

struct net_client *net_client_new(const struct net_client_ops *ops,
				  enum net_client_kind kind, const char *name, void *opaque)
{
	struct net_client *nc = g_new0(struct net_client, 1);

	nc->name = g_strdup(name);
	nc->kind = kind;
	nc->ops = ops;
	nc->opaque = opaque;
	nc->queue = g_queue_new();
	if (!net_clients)
		net_clients = g_ptr_array_new();
	g_ptr_array_add(net_clients, nc);
	return nc;
}

void net_client_free(struct net_client *nc)
{
	if (!nc)
		return;
	if (nc->ops && nc->ops->cleanup)
		nc->ops->cleanup(nc);
	if (nc->peer)
		nc->peer->peer = NULL;
	net_client_purge_queue(nc);
	g_queue_free(nc->queue);
	net_dump_free(nc->dump);
	g_ptr_array_remove(net_clients, nc);
	g_free(nc->name);
	g_free(nc);
}

bool net_client_set_peer(struct net_client *a, struct net_client *b, GError **errp)
{
	struct net_client *busy = a->peer ? a : b->peer ? b : NULL;

	if (busy) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "netdev '%s' is already in use by '%s'", busy->name, busy->peer->name);
		return false;
	}
	a->peer = b;
	b->peer = a;
	return true;
}

struct net_client *net_client_find(const char *name)
{
	for (guint i = 0; net_clients && i < net_clients->len; i++) {
		struct net_client *nc = g_ptr_array_index(net_clients, i);

		if (!strcmp(nc->name, name))
			return nc;
	}
	return NULL;
}

struct net_client *net_client_find_netdev(const char *id)
{
	struct net_client *nc = net_client_find(id);

	return nc && nc->is_netdev ? nc : NULL;
}

static bool net_client_can_receive(struct net_client *nc)
{
	return !nc->ops->can_receive || nc->ops->can_receive(nc);
}

/* Deliver to `to`, or queue it there; the capture sees what the netdev sends or is sent. */
static void net_deliver(struct net_client *from, struct net_client *to, const uint8_t *buf,
			size_t len)
{
	if (from->dump)
		net_dump_write(from->dump, buf, len);
	else if (to->dump)
		net_dump_write(to->dump, buf, len);
	if (to->link_down || from->link_down)
		return;
	if (g_queue_is_empty(to->queue) && net_client_can_receive(to) &&
	    to->ops->receive(to, buf, len) != 0)
		return;
	if (g_queue_get_length(to->queue) >= NET_QUEUE_MAX)
		return;
	g_queue_push_tail(to->queue, g_bytes_new(buf, len));
}

ssize_t net_client_send(struct net_client *nc, const uint8_t *buf, size_t len)
{
	if (!nc->peer || len == 0 || len > NET_MAX_FRAME)
		return len;
	net_deliver(nc, nc->peer, buf, len);
	return len;
}

void net_client_flush_queue(struct net_client *nc)
{
	while (!g_queue_is_empty(nc->queue) && net_client_can_receive(nc)) {
		GBytes *b = g_queue_peek_head(nc->queue);
		gsize len;
		const uint8_t *data = g_bytes_get_data(b, &len);

		if (nc->ops->receive(nc, data, len) == 0)
			break;
		g_queue_pop_head(nc->queue);
		g_bytes_unref(b);
	}
}

void net_client_purge_queue(struct net_client *nc)
{
	GBytes *b;

	while ((b = g_queue_pop_head(nc->queue)))
		g_bytes_unref(b);
}

unsigned net_client_queue_len(struct net_client *nc)
{
	return g_queue_get_length(nc->queue);
}

bool net_set_link(const char *name, bool up, GError **errp)
{
	struct net_client *nc = net_client_find(name);

	if (!nc) {
		g_set_error(errp, KEMU_ERROR, 0, "Device '%s' not found", name);
		return false;
	}
	nc->link_down = !up;
	if (nc->ops->link_status_changed)
		nc->ops->link_status_changed(nc);
	/* QEMU changes the peer too, so a NIC sees carrier loss when its backend goes down */
	if (nc->peer && nc->peer->kind == NET_CLIENT_NIC) {
		nc->peer->link_down = !up;
		if (nc->peer->ops->link_status_changed)
			nc->peer->ops->link_status_changed(nc->peer);
	}
	return true;
}

/* ---- hubs ---- */

static ssize_t net_hub_port_receive(struct net_client *port, const uint8_t *buf, size_t len)
{
	struct net_hub *hub = port->hub;

	/* a frame its peer sent into this port goes out of every other port */
	for (guint i = 0; i < hub->ports->len; i++) {
		struct net_client *other = g_ptr_array_index(hub->ports, i);

		if (other != port)
			net_client_send(other, buf, len);
	}
	return len;
}

static char *net_hub_port_describe(struct net_client *nc)
{
	return g_strdup_printf("hub %d", nc->hub->id);
}

static const struct net_client_ops net_hub_port_ops = {
	.receive = net_hub_port_receive,
	.describe = net_hub_port_describe,
};

struct net_client *net_hub_add_port(int id, const char *name)
{
	struct net_hub *hub = NULL;
	struct net_client *port;
	g_autofree char *pname = NULL;

	if (!net_hubs)
		net_hubs = g_ptr_array_new();
	for (guint i = 0; i < net_hubs->len; i++)
		if (((struct net_hub *)g_ptr_array_index(net_hubs, i))->id == id)
			hub = g_ptr_array_index(net_hubs, i);
	if (!hub) {
		hub = g_new0(struct net_hub, 1);
		hub->id = id;
		hub->ports = g_ptr_array_new();
		g_ptr_array_add(net_hubs, hub);
	}
	pname = name ? g_strdup(name) : g_strdup_printf("hub%dport%u", id, hub->ports->len);
	port = net_client_new(&net_hub_port_ops, NET_CLIENT_HUB_PORT, pname, NULL);
	port->hub = hub;
	g_ptr_array_add(hub->ports, port);
	return port;
}

/* ---- MAC addresses ---- */

bool net_parse_mac(const char *str, struct mac_addr *mac, GError **errp)
{
	unsigned v[6];
	char end;

	if (sscanf(str, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &end) != 6 || strlen(str) != 17) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "mac=%s: expected six hexadecimal bytes like 52:54:00:12:34:56", str);
		return false;
	}
	for (int i = 0; i < 6; i++)
		mac->a[i] = v[i];
	if (mac->a[0] & 1) {
		g_set_error(errp, KEMU_ERROR, 0, "mac=%s: a multicast address cannot be a NIC's", str);
		return false;
	}
	return true;
}

void net_default_mac(struct mac_addr *mac)
{
	static unsigned index;	/* per process, as QEMU counts its NICs */
	static const uint8_t base[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	memcpy(mac->a, base, 6);
	mac->a[5] = base[5] + (index++ & 0xff);
}

/* ---- info network / cleanup ---- */

static void net_info_client(GString *out, struct net_client *nc, const char *indent)
{
	g_autofree char *desc = nc->ops->describe ? nc->ops->describe(nc) : g_strdup("");

	g_string_append_printf(out, "%s%s: %s%s\n", indent, nc->name, desc,
			       nc->link_down ? " (link down)" : "");
}

void net_info(GString *out)
{
	for (guint i = 0; net_clients && i < net_clients->len; i++) {
		struct net_client *nc = g_ptr_array_index(net_clients, i);

		/* print each pair once: NICs with their peer, then unpaired backends */
		if (nc->kind == NET_CLIENT_NIC) {
			net_info_client(out, nc, "");
			if (nc->peer)
				net_info_client(out, nc->peer, " \\ ");
		}
	}
	for (guint i = 0; net_clients && i < net_clients->len; i++) {
		struct net_client *nc = g_ptr_array_index(net_clients, i);

		if (nc->kind != NET_CLIENT_NIC && (!nc->peer || nc->peer->kind != NET_CLIENT_NIC))
			net_info_client(out, nc, "");
	}
}

void net_cleanup(void)
{
	/* NICs belong to their devices, which free them when unrealized */
	for (guint i = net_clients ? net_clients->len : 0; i-- > 0;) {
		struct net_client *nc = g_ptr_array_index(net_clients, i);

		if (nc->kind != NET_CLIENT_NIC)
			net_client_free(nc);
	}
	for (guint i = 0; net_hubs && i < net_hubs->len; i++) {
		struct net_hub *hub = g_ptr_array_index(net_hubs, i);

		g_ptr_array_free(hub->ports, true);
		g_free(hub);
	}
	g_clear_pointer(&net_hubs, g_ptr_array_unref);
}

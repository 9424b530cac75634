/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network clients: a NIC frontend (e1000, virtio-net) and a backend (user
 * networking through libslirp, tap, socket/stream/dgram) are two
 * `struct net_client`s joined as peers. A frame one of them sends goes to
 * the other:
 *
 *	s->nic = net_client_new(&e1000_net_ops, NET_CLIENT_NIC, "e1000.0", s);
 *	net_client_set_peer(s->nic, s->netdev);		// from netdev=ID
 *	net_client_send(s->nic, frame, len);		// guest TX
 *	...
 *	static ssize_t e1000_receive(struct net_client *nc, const uint8_t *buf,
 *				     size_t len);	// guest RX
 *
 * Backpressure: a client whose can_receive() says false (no free RX
 * descriptors), or whose receive() returns 0, gets frames queued for it
 * (bounded; the oldest are kept, new ones dropped, as a full NIC would);
 * when it can take frames again it calls net_client_flush_queue().
 * Frames for a client without a peer, or whose link is down, are dropped.
 *
 * Legacy `-net nic -net user` puts clients on a numbered hub (QEMU's
 * "vlan"): every frame sent into a hub port goes out of all other ports.
 *
 * `-netdev TYPE,id=ID,...` backends are created by net_netdev_add() and
 * found by net_client_find_netdev() (the netdev= device property). Packet
 * capture (`-object filter-dump,netdev=ID,file=F`) hooks into the netdev's
 * send path in both directions.
 *
 * Everything here runs under the BQL: vCPU threads call net_client_send()
 * while handling an exit, backends deliver from main-loop callbacks.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include "kemu/common.h"

#define NET_MAX_FRAME	(64 * 1024 + 64)	/* largest frame (TSO-less virtio, jumbo) */

enum net_client_kind {
	NET_CLIENT_NIC,		/* a guest's network card */
	NET_CLIENT_USER,	/* -netdev user */
	NET_CLIENT_TAP,
	NET_CLIENT_SOCKET,	/* socket, stream and dgram */
	NET_CLIENT_HUB_PORT,
	NET_CLIENT_OTHER,	/* tests */
};

struct net_client;

struct net_client_ops {
	/*
	 * Take one frame; returns len when taken (or dropped on purpose),
	 * 0 when it cannot now (the frame is queued and re-offered after
	 * net_client_flush_queue()).
	 */
	ssize_t (*receive)(struct net_client *nc, const uint8_t *buf, size_t len);
	bool (*can_receive)(struct net_client *nc);	/* NULL: always */
	void (*link_status_changed)(struct net_client *nc);
	/* One-line description for `info network` ("user", "tap ifname=..."). */
	char *(*describe)(struct net_client *nc);
	void (*cleanup)(struct net_client *nc);
};

struct net_client {
	char *name;		/* FIRST: the property code reads it (qom/property.c) */
	enum net_client_kind kind;
	const struct net_client_ops *ops;
	void *opaque;
	struct net_client *peer;
	bool is_netdev;		/* made by -netdev: found by id */
	bool link_down;
	GQueue *queue;		/* GBytes * waiting for this client */
	struct net_dump *dump;	/* filter-dump on this netdev, or NULL */
	struct net_hub *hub;	/* for hub ports */
};

struct net_client *net_client_new(const struct net_client_ops *ops,
				  enum net_client_kind kind, const char *name, void *opaque);
void net_client_free(struct net_client *nc);
/* Join two clients; false (with errp) if either already has a peer. */
bool net_client_set_peer(struct net_client *a, struct net_client *b, GError **errp);

/* Send a frame to nc's peer. Returns len (delivered, queued or dropped). */
ssize_t net_client_send(struct net_client *nc, const uint8_t *buf, size_t len);
/* nc can receive again: deliver what was queued for it. */
void net_client_flush_queue(struct net_client *nc);
/* Drop what is queued for nc (NIC reset). */
void net_client_purge_queue(struct net_client *nc);
unsigned net_client_queue_len(struct net_client *nc);

/* Link state of a client and its peer (QMP set_link name=...). */
bool net_set_link(const char *name, bool up, GError **errp);

/* The -netdev client with this id, NULL if none (PROP_NETDEV). */
struct net_client *net_client_find_netdev(const char *id);
struct net_client *net_client_find(const char *name);

/* ---- backends (net/slirp.c, net/tap.c, net/socket.c) ---- */

/* -netdev TYPE,id=ID,... ; `str` is the whole option argument. */
bool net_netdev_add(const char *str, GError **errp);
/*
 * -nic and -net: create the backend (and hub ports) and append the NIC's
 * -device string to `devices` (default_model: the machine's, "e1000").
 */
bool net_nic_add(const char *str, const char *default_model, GPtrArray *devices,
		 GError **errp);
bool net_legacy_add(const char *str, const char *default_model, GPtrArray *devices,
		    GError **errp);
/* A backend from parsed options (type= already read); id is the client's name. */
struct opts;
struct net_client *net_user_new(struct opts *o, const char *id, GError **errp);
struct net_client *net_tap_new(struct opts *o, const char *id, GError **errp);
struct net_client *net_socket_new(struct opts *o, const char *type, const char *id,
				  GError **errp);

/* ---- hubs (legacy -net) ---- */
struct net_hub;
/* A new port on hub `id` (created on first use). */
struct net_client *net_hub_add_port(int id, const char *name);

/* ---- pcap capture (-object filter-dump) ---- */
struct net_dump;
bool net_dump_add(const char *netdev, const char *file, uint32_t maxlen, GError **errp);
void net_dump_write(struct net_dump *d, const uint8_t *buf, size_t len);
void net_dump_free(struct net_dump *d);

/* ---- MAC addresses ---- */
struct mac_addr {
	uint8_t a[6];
};
/* "52:54:00:12:34:56" */
bool net_parse_mac(const char *str, struct mac_addr *mac, GError **errp);
/* QEMU's default: 52:54:00:12:34:56 for the first NIC, ...:57 next. */
void net_default_mac(struct mac_addr *mac);

/* Network byte order fields in frames. */
static inline uint16_t net_get_be16(const void *p) { uint16_t v; memcpy(&v, p, 2); return GUINT16_FROM_BE(v); }
static inline uint32_t net_get_be32(const void *p) { uint32_t v; memcpy(&v, p, 4); return GUINT32_FROM_BE(v); }
static inline void net_put_be16(void *p, uint16_t v) { v = GUINT16_TO_BE(v); memcpy(p, &v, 2); }
static inline void net_put_be32(void *p, uint32_t v) { v = GUINT32_TO_BE(v); memcpy(p, &v, 4); }

/* `info network` text. */
void net_info(GString *out);
/* Process exit: free every client (closes sockets, pcap files). */
void net_cleanup(void);

#endif

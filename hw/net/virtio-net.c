// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-net-pci: the virtio network device (VIRTIO 1.2 section 5.1) on
 * the virtio core and PCI transport (hw/virtio/). One receive and one
 * transmit queue; every frame is preceded by a struct virtio_net_hdr
 * (5.1.6), 12 bytes with VIRTIO_F_VERSION_1 or MRG_RXBUF, else 10.
 *
 * Offered: MAC (config), STATUS (link up/down with a config interrupt),
 * MRG_RXBUF (a frame may span several receive buffers; num_buffers says how
 * many), CSUM (the driver may leave a TCP/UDP checksum to the device, which
 * completes it in software before the frame leaves, 5.1.6.2), indirect
 * descriptors and event index (the core's). Not yet: the control queue
 * (CTRL_VQ, receive filters: the device receives every frame, as QEMU's
 * does before the driver programs a filter), TSO offers, passing the header
 * to tap (TUNSETVNETHDRSZ), multiqueue.
 *
 * The guest is hostile: a transmit chain shorter than the header or longer
 * than a frame, a receive chain without writable buffers, a checksum
 * offset outside the frame are guest errors; chains themselves are checked
 * by the core (virtio_error puts the device in NEEDS_RESET).
 */
#include "kemu/common.h"
#include "hw/virtio/virtio-pci.h"
#include "net/net.h"
#include "system/bootdevice.h"
#include "system/main-loop.h"

/* Feature bits (5.1.3) */
#define VIRTIO_NET_F_CSUM		0
#define VIRTIO_NET_F_GUEST_CSUM		1
#define VIRTIO_NET_F_MAC		5
#define VIRTIO_NET_F_MRG_RXBUF		15
#define VIRTIO_NET_F_STATUS		16

#define VIRTIO_NET_S_LINK_UP		1

/* struct virtio_net_hdr (5.1.6) */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM	1
#define VIRTIO_NET_HDR_GSO_NONE		0
#define VIRTIO_NET_HDR_LEN		10
#define VIRTIO_NET_HDR_MRG_LEN		12

#define VIRTIO_NET_CONFIG_LEN		10	/* mac, status, max_virtqueue_pairs */
#define VIRTIO_NET_QUEUE_SIZE		256
#define VIRTIO_NET_TX_BATCH		256	/* frames per handler run, then a BH */

struct virtio_net {
	struct virtio_pci_proxy proxy;
	struct virtqueue *rx, *tx;
	struct net_client *nic;
	struct kemu_bh *tx_bh;
	uint16_t status;		/* config: link */
	uint8_t mac_cfg[6];		/* config: what the driver sees (legacy may write it) */
	uint8_t tx_buf[NET_MAX_FRAME + VIRTIO_NET_HDR_MRG_LEN];
	uint8_t rx_buf[NET_MAX_FRAME + VIRTIO_NET_HDR_MRG_LEN];

	/* properties */
	struct net_client *netdev;
	char *mac_str;
	int32_t bootindex;
	bool mrg_rxbuf, csum;
	struct mac_addr mac;
};

#define TYPE_VIRTIO_NET_PCI "virtio-net-pci"
#define VIRTIO_NET(obj) OBJECT_CHECK(struct virtio_net, (obj), TYPE_VIRTIO_NET_PCI)

static struct virtio_device *vnet_vdev(struct virtio_net *s)
{
	return &s->proxy.vdev;
}

static unsigned vnet_hdr_len(struct virtio_net *s)
{
	struct virtio_device *vdev = vnet_vdev(s);

	return virtio_has_feature(vdev, VIRTIO_F_VERSION_1) ||
	       virtio_has_feature(vdev, VIRTIO_NET_F_MRG_RXBUF) ? VIRTIO_NET_HDR_MRG_LEN
								 : VIRTIO_NET_HDR_LEN;
}

static bool vnet_running(struct virtio_net *s)
{
	return (vnet_vdev(s)->status & VIRTIO_CONFIG_S_DRIVER_OK) && !vnet_vdev(s)->broken;
}

/* ---- transmit (5.1.6.2) ---- */

/* NEEDS_CSUM: one's complement of the sum from csum_start to the end, at csum_offset. */
static bool vnet_complete_csum(uint8_t *frame, size_t len, unsigned start, unsigned offset)
{
	uint32_t sum = 0;

	if (start >= len || start + offset + 2 > len)
		return false;
	for (size_t i = start; i < len; i += 2)
		sum += i + 1 < len ? (frame[i] << 8 | frame[i + 1]) : frame[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	net_put_be16(frame + start + offset, ~sum);
	return true;
}

static void vnet_tx_one(struct virtio_net *s, struct virtqueue_element *e)
{
	unsigned hlen = vnet_hdr_len(s);
	size_t n;
	uint8_t *hdr = s->tx_buf, *frame = s->tx_buf + hlen;

	if (e->out_len > sizeof(s->tx_buf) || e->out_len < hlen) {
		guest_error("virtio-net: TX chain of %" PRIu64 " bytes (header %u, frame at most %u)",
			    e->out_len, hlen, NET_MAX_FRAME);
		return;
	}
	n = virtio_iov_to_buf(e->out_sg, e->out_num, 0, s->tx_buf, e->out_len) - hlen;
	if (hdr[1] != VIRTIO_NET_HDR_GSO_NONE) {
		guest_error("virtio-net: TX with gso_type %u, which was not offered", hdr[1]);
		return;
	}
	if ((hdr[0] & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    !vnet_complete_csum(frame, n, lduw_le_p(hdr + 6), lduw_le_p(hdr + 8))) {
		guest_error("virtio-net: TX checksum start %u offset %u outside a %zu-byte frame",
			    lduw_le_p(hdr + 6), lduw_le_p(hdr + 8), n);
		return;
	}
	net_client_send(s->nic, frame, n);
}

static void vnet_tx_run(struct virtio_net *s)
{
	struct virtqueue_element *e;
	unsigned done = 0;

	if (!vnet_running(s))
		return;
	while (done < VIRTIO_NET_TX_BATCH && (e = virtqueue_pop(s->tx, sizeof(*e)))) {
		vnet_tx_one(s, e);
		virtqueue_push(s->tx, e, 0);
		g_free(e);
		done++;
	}
	if (done)
		virtio_notify(vnet_vdev(s), s->tx);
	/* a guest that keeps the ring full does not keep this vCPU here: go on later */
	if (done == VIRTIO_NET_TX_BATCH)
		bh_schedule(s->tx_bh);
}

static void vnet_tx_bh(void *opaque)
{
	vnet_tx_run(opaque);
}

static void vnet_handle_tx(struct virtio_device *vdev, struct virtqueue *vq)
{
	vnet_tx_run(vdev->opaque);
}

/* ---- receive (5.1.6.3, 5.1.6.4) ---- */

static void vnet_handle_rx(struct virtio_device *vdev, struct virtqueue *vq)
{
	struct virtio_net *s = vdev->opaque;

	/* new buffers: take what waited for them */
	net_client_flush_queue(s->nic);
}

static bool vnet_can_receive(struct net_client *nc)
{
	struct virtio_net *s = nc->opaque;

	return vnet_running(s) && virtqueue_ready(s->rx) && !virtqueue_empty(s->rx);
}

static ssize_t vnet_receive(struct net_client *nc, const uint8_t *buf, size_t len)
{
	struct virtio_net *s = nc->opaque;
	struct virtqueue_element *elems[VIRTIO_NET_QUEUE_SIZE];
	uint32_t lens[VIRTIO_NET_QUEUE_SIZE];
	unsigned hlen = vnet_hdr_len(s), n = 0;
	bool mrg = virtio_has_feature(vnet_vdev(s), VIRTIO_NET_F_MRG_RXBUF);
	size_t total = hlen + len, done = 0;

	if (!vnet_running(s) || nc->link_down || len > NET_MAX_FRAME)
		return len;
	memset(s->rx_buf, 0, hlen);		/* no offload flags, GSO_NONE */
	memcpy(s->rx_buf + hlen, buf, len);
	while (done < total) {
		struct virtqueue_element *e = NULL;

		if (n < VIRTIO_NET_QUEUE_SIZE)
			e = virtqueue_pop(s->rx, sizeof(*e));
		if (!e) {
			/* not enough buffers: give them all back, the frame waits (net.c queue) */
			while (n--) {
				virtqueue_unpop(s->rx, elems[n]);
				g_free(elems[n]);
			}
			return 0;
		}
		if (!e->in_len || (!mrg && e->in_len < total) || (n == 0 && e->in_len < hlen)) {
			guest_error("virtio-net: RX buffer of %" PRIu64 " bytes for a %zu-byte frame%s",
				    e->in_len, total, mrg ? "" : " without mergeable buffers");
			virtqueue_push(s->rx, e, 0);
			g_free(e);
			while (n--) {
				virtqueue_push(s->rx, elems[n], 0);
				g_free(elems[n]);
			}
			virtio_notify(vnet_vdev(s), s->rx);
			return len;	/* dropped */
		}
		lens[n] = MIN(e->in_len, total - done);
		elems[n++] = e;
		done += lens[n - 1];
	}
	if (hlen == VIRTIO_NET_HDR_MRG_LEN)
		stw_le_p(s->rx_buf + 10, n);	/* num_buffers */
	done = 0;
	for (unsigned i = 0; i < n; i++) {
		virtio_iov_from_buf(elems[i]->in_sg, elems[i]->in_num, 0, s->rx_buf + done, lens[i]);
		done += lens[i];
		virtqueue_push(s->rx, elems[i], lens[i]);
		g_free(elems[i]);
	}
	virtio_notify(vnet_vdev(s), s->rx);
	return len;
}

/* ---- configuration, status, reset ---- */

static void vnet_get_config(struct virtio_device *vdev, uint8_t *config)
{
	struct virtio_net *s = vdev->opaque;

	memcpy(config, s->mac_cfg, 6);
	stw_le_p(config + 6, s->status);
	stw_le_p(config + 8, 1);		/* max_virtqueue_pairs */
}

static void vnet_set_config(struct virtio_device *vdev, const uint8_t *config)
{
	struct virtio_net *s = vdev->opaque;

	/* legacy drivers set the MAC through config space (5.1.4.2 legacy note) */
	if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1))
		memcpy(s->mac_cfg, config, 6);
}

static void vnet_set_status(struct virtio_device *vdev, uint8_t status)
{
	struct virtio_net *s = vdev->opaque;

	if (status & VIRTIO_CONFIG_S_DRIVER_OK) {
		net_client_flush_queue(s->nic);
		vnet_tx_run(s);
	}
}

static void vnet_virtio_reset(struct virtio_device *vdev)
{
	struct virtio_net *s = vdev->opaque;

	memcpy(s->mac_cfg, s->mac.a, 6);
	bh_cancel(s->tx_bh);
	net_client_purge_queue(s->nic);
}

static void vnet_link_changed(struct net_client *nc)
{
	struct virtio_net *s = nc->opaque;
	uint16_t old = s->status;

	s->status = nc->link_down ? 0 : VIRTIO_NET_S_LINK_UP;
	if (old != s->status && virtio_has_feature(vnet_vdev(s), VIRTIO_NET_F_STATUS))
		virtio_notify_config(vnet_vdev(s));
}

static char *vnet_describe(struct net_client *nc)
{
	struct virtio_net *s = nc->opaque;
	const uint8_t *m = s->mac.a;

	return g_strdup_printf("model=virtio-net-pci,macaddr=%02x:%02x:%02x:%02x:%02x:%02x",
			       m[0], m[1], m[2], m[3], m[4], m[5]);
}

static const struct net_client_ops vnet_net_ops = {
	.receive = vnet_receive,
	.can_receive = vnet_can_receive,
	.link_status_changed = vnet_link_changed,
	.describe = vnet_describe,
};

static const struct virtio_device_ops vnet_ops = {
	.device_id = VIRTIO_ID_NET,
	.config_len = VIRTIO_NET_CONFIG_LEN,
	.get_config = vnet_get_config,
	.set_config = vnet_set_config,
	.set_status = vnet_set_status,
	.reset = vnet_virtio_reset,
};

/* ---- life cycle ---- */

static bool vnet_realize(struct pci_device *pci, GError **errp)
{
	struct virtio_net *s = VIRTIO_NET(pci);
	struct device *dev = DEVICE(pci);
	uint64_t features = (1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) |
			    (1ULL << VIRTIO_F_INDIRECT_DESC) | (1ULL << VIRTIO_F_EVENT_IDX);
	g_autofree char *path = NULL;

	if (s->mac_str && *s->mac_str) {
		if (!net_parse_mac(s->mac_str, &s->mac, errp)) {
			g_prefix_error(errp, "virtio-net-pci: ");
			return false;
		}
	} else {
		net_default_mac(&s->mac);
	}
	if (s->mrg_rxbuf)
		features |= 1ULL << VIRTIO_NET_F_MRG_RXBUF;
	if (s->csum)
		features |= 1ULL << VIRTIO_NET_F_CSUM;
	if (s->proxy.packed)
		features |= 1ULL << VIRTIO_F_RING_PACKED;
	s->nic = net_client_new(&vnet_net_ops, NET_CLIENT_NIC, dev->id ? dev->id : "virtio-net", s);
	if (s->netdev && !net_client_set_peer(s->nic, s->netdev, errp)) {
		g_prefix_error(errp, "virtio-net-pci: netdev=%s: ", s->netdev->name);
		net_client_free(s->nic);
		s->nic = NULL;
		return false;
	}
	s->status = VIRTIO_NET_S_LINK_UP;
	memcpy(s->mac_cfg, s->mac.a, 6);
	s->tx_bh = bh_new(vnet_tx_bh, s);
	virtio_pci_init_device(&s->proxy, &vnet_ops, s, features);
	s->rx = virtio_add_queue(vnet_vdev(s), VIRTIO_NET_QUEUE_SIZE, vnet_handle_rx);
	s->tx = virtio_add_queue(vnet_vdev(s), VIRTIO_NET_QUEUE_SIZE, vnet_handle_tx);
	/* vectors: rx, tx and config, as QEMU's default of 3 for one queue pair */
	if (!virtio_pci_realize(&s->proxy, 3, errp)) {
		virtio_pci_exit(&s->proxy);
		bh_delete(s->tx_bh);
		net_client_free(s->nic);
		s->nic = NULL;
		return false;
	}
	/* -boot n and bootindex= find the NIC by its class: /pci@i0cf8/ethernet@SLOT */
	path = pci_device_fw_path(pci);
	bootdevice_add(s->bootindex, dev, path);
	return true;
}

static void vnet_exit(struct pci_device *pci)
{
	struct virtio_net *s = VIRTIO_NET(pci);

	bootdevice_remove(DEVICE(s));
	bh_delete(s->tx_bh);
	net_client_free(s->nic);
	s->nic = NULL;
	virtio_pci_exit(&s->proxy);
}

/* ---- state description, properties, registration ---- */

static const struct vmstate_field vnet_fields[] = {
	VMSTATE_VIRTIO_PCI(struct virtio_net, proxy),
	VMSTATE_U16(struct virtio_net, status),
	VMSTATE_U8_ARRAY(struct virtio_net, mac_cfg, 6),
	VMSTATE_END
};

static const struct property vnet_props[] = {
	PROP_STRING("mac", struct virtio_net, mac_str, NULL),
	PROP_NETDEV("netdev", struct virtio_net, netdev),
	PROP_I32("bootindex", struct virtio_net, bootindex, -1),
	PROP_BOOL("mrg_rxbuf", struct virtio_net, mrg_rxbuf, true),
	PROP_BOOL("csum", struct virtio_net, csum, true),
	PROP_END
};

static void vnet_class_init(struct object_class *klass, const void *data)
{
	struct pci_device_class *k = PCI_DEVICE_CLASS(klass);

	k->realize = vnet_realize;
	k->exit = vnet_exit;
	k->class_id = PCI_CLASS_NETWORK_ETHERNET;
	k->romfile = "efi-virtio.rom";
}

DEFINE_DEVICE_TYPE(virtio_net, TYPE_VIRTIO_NET_PCI, TYPE_VIRTIO_PCI, struct virtio_net,
		   .class_init = vnet_class_init, .props = vnet_props, .vmstate = vnet_fields,
		   .vmstate_version = 1, .category = "network",
		   .desc = "virtio network device (PCI)");

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-net-pci (VIRTIO 1.2 section 5.1) driven by the small modern driver
 * of virtio-helpers.h against a test backend: the MAC and link status in
 * config space, transmit with the device completing a checksum (CSUM),
 * receive into mergeable buffers (num_buffers), frames waiting for buffers,
 * and hostile transmit chains that must be dropped without harm.
 */
#include "virtio-helpers.h"
#include "net/net.h"

#define BUF		0x200000
#define RXQ		0
#define TXQ		1
#define F_CSUM		(1ULL << 0)
#define F_MAC		(1ULL << 5)
#define F_MRG_RXBUF	(1ULL << 15)
#define F_STATUS	(1ULL << 16)

static struct vdrv d;
static struct net_client *backend;
static GPtrArray *sent;

static ssize_t backend_receive(struct net_client *nc, const uint8_t *buf, size_t len)
{
	g_ptr_array_add(sent, g_bytes_new(buf, len));
	return len;
}

static const struct net_client_ops backend_ops = { .receive = backend_receive };

static void setup(void)
{
	sent = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	backend = net_client_new(&backend_ops, NET_CLIENT_OTHER, "tb", NULL);
	backend->is_netdev = true;
	vdrv_setup(&d, "virtio-net-pci,addr=3,romfile=,netdev=tb,mac=52:54:00:aa:bb:cc", NULL);
}

static void teardown(void)
{
	vdrv_fini(&d);
	net_client_free(backend);
	g_ptr_array_free(sent, true);
}

static uint16_t csum(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i < len; i += 2)
		sum += i + 1 < len ? (p[i] << 8 | p[i + 1]) : p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* Ethernet + IPv4 + UDP with `payload` bytes at f; returns the frame length. */
static size_t udp_frame(uint8_t *f, unsigned payload)
{
	memset(f, 0, 42 + payload);
	memcpy(f, "\x52\x54\x00\x12\x34\x56\x52\x54\x00\xaa\xbb\xcc\x08\x00", 14);
	f[14] = 0x45;
	net_put_be16(f + 16, 28 + payload);
	f[22] = 64;
	f[23] = 17;
	memcpy(f + 26, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
	net_put_be16(f + 34, 1234);
	net_put_be16(f + 36, 53);
	net_put_be16(f + 38, 8 + payload);
	for (unsigned i = 0; i < payload; i++)
		f[42 + i] = i * 3;
	return 42 + payload;
}

static uint32_t pseudo(const uint8_t *ip, uint16_t l4len)
{
	return csum(ip + 12, 8, 0) + 17 + l4len;
}

static void test_virtio_net_config_mac_and_link(void)
{
	setup();
	g_assert_cmphex(cfg_readl(VDRV_DF, 0), ==, 0x10001af4);	/* transitional net */
	g_assert_cmphex(cfg_readw(VDRV_DF, PCI_CLASS_DEVICE), ==, 0x0200);
	vdrv_start(&d, VDRV_F_VERSION_1 | F_MAC | F_STATUS, 2);
	for (int i = 0; i < 6; i++)
		g_assert_cmphex(readb(VDRV_DEVCFG + i), ==, "\x52\x54\x00\xaa\xbb\xcc"[i] & 0xff);
	g_assert_cmphex(readw(VDRV_DEVCFG + 6), ==, 1);		/* VIRTIO_NET_S_LINK_UP */
	g_assert_true(net_set_link("tb", false, NULL));
	g_assert_cmphex(readw(VDRV_DEVCFG + 6), ==, 0);
	g_assert_true(readb(VDRV_ISR) & 2);			/* configuration change */
	teardown();
}

static void test_virtio_net_tx_completes_checksum(void)
{
	uint8_t *hdr, *frame;
	size_t len, got_len;
	const uint8_t *got;

	setup();
	vdrv_start(&d, VDRV_F_VERSION_1 | F_MAC | F_CSUM, 2);
	hdr = vdrv_ram(BUF);
	frame = vdrv_ram(BUF + 0x100);
	memset(hdr, 0, 12);
	hdr[0] = 1;					/* NEEDS_CSUM */
	len = udp_frame(frame, 50);
	stw_le_p(hdr + 6, 34);				/* csum_start: UDP header */
	stw_le_p(hdr + 8, 6);				/* csum_offset: its checksum */
	net_put_be16(frame + 40, csum(NULL, 0, pseudo(frame + 14, 58)));
	vdrv_add(&d, TXQ, (struct vbuf[]){ { BUF, 12, false }, { BUF + 0x100, len, false } }, 2);
	vdrv_kick(&d, TXQ);
	vdrv_wait_used(&d, TXQ);
	g_assert_cmpuint(sent->len, ==, 1);
	got = g_bytes_get_data(g_ptr_array_index(sent, 0), &got_len);
	g_assert_cmpuint(got_len, ==, len);
	g_assert_cmphex(csum(got + 34, 58, pseudo(got + 14, 58)), ==, 0xffff);
	g_assert_cmpmem(got + 42, 50, frame + 42, 50);
	teardown();
}

static void test_virtio_net_rx_mergeable_buffers(void)
{
	uint8_t f[150];

	setup();
	vdrv_start(&d, VDRV_F_VERSION_1 | F_MAC | F_MRG_RXBUF, 2);
	for (int i = 0; i < 4; i++)
		vdrv_add(&d, RXQ, (struct vbuf[]){ { BUF + 0x1000 * i, 64, true } }, 1);
	vdrv_kick(&d, RXQ);
	for (size_t i = 0; i < sizeof(f); i++)
		f[i] = i;
	net_client_send(backend, f, sizeof(f));
	/* 12-byte header + 150 bytes in 64-byte buffers: 64 + 64 + 34 */
	g_assert_cmpuint(vdrv_wait_used(&d, RXQ), ==, 64);
	g_assert_cmpuint(vdrv_wait_used(&d, RXQ), ==, 64);
	g_assert_cmpuint(vdrv_wait_used(&d, RXQ), ==, 34);
	g_assert_cmpuint(vdrv_used_pending(&d, RXQ), ==, 0);
	g_assert_cmpuint(lduw_le_p(vdrv_ram(BUF + 10)), ==, 3);	/* num_buffers */
	g_assert_cmpmem(vdrv_ram(BUF + 12), 52, f, 52);
	g_assert_cmpmem(vdrv_ram(BUF + 0x1000), 64, f + 52, 64);
	g_assert_cmpmem(vdrv_ram(BUF + 0x2000), 34, f + 116, 34);
	teardown();
}

static void test_virtio_net_rx_frames_wait_for_buffers(void)
{
	uint8_t f[100];

	setup();
	vdrv_start(&d, VDRV_F_VERSION_1 | F_MAC | F_MRG_RXBUF, 2);
	memset(f, 0xab, sizeof(f));
	net_client_send(backend, f, sizeof(f));
	net_client_send(backend, f, sizeof(f));
	g_assert_cmpuint(net_client_queue_len(backend->peer), ==, 2);
	/* one buffer too small for the whole frame: given back, the frame still waits */
	vdrv_add(&d, RXQ, (struct vbuf[]){ { BUF, 64, true } }, 1);
	vdrv_kick(&d, RXQ);
	g_assert_cmpuint(vdrv_used_pending(&d, RXQ), ==, 0);
	g_assert_cmpuint(net_client_queue_len(backend->peer), ==, 2);
	vdrv_add(&d, RXQ, (struct vbuf[]){ { BUF + 0x1000, 2048, true } }, 1);
	vdrv_add(&d, RXQ, (struct vbuf[]){ { BUF + 0x2000, 2048, true } }, 1);
	vdrv_kick(&d, RXQ);
	g_assert_cmpuint(vdrv_wait_used(&d, RXQ), ==, 64);
	g_assert_cmpuint(vdrv_wait_used(&d, RXQ), ==, 48);
	g_assert_cmpuint(vdrv_wait_used(&d, RXQ), ==, 112);
	g_assert_cmpuint(net_client_queue_len(backend->peer), ==, 0);
	teardown();
}

static void test_virtio_net_hostile_tx_chains_are_dropped(void)
{
	uint8_t *hdr = NULL, *frame;
	size_t len;

	setup();
	vdrv_start(&d, VDRV_F_VERSION_1 | F_MAC | F_CSUM, 2);
	hdr = vdrv_ram(BUF);
	frame = vdrv_ram(BUF + 0x100);
	len = udp_frame(frame, 20);
	/* shorter than the header */
	vdrv_add(&d, TXQ, (struct vbuf[]){ { BUF, 4, false } }, 1);
	/* checksum start beyond the frame */
	memset(hdr, 0, 12);
	hdr[0] = 1;
	stw_le_p(hdr + 6, 5000);
	vdrv_add(&d, TXQ, (struct vbuf[]){ { BUF, 12, false }, { BUF + 0x100, len, false } }, 2);
	/* a GSO type that was not offered */
	memset(vdrv_ram(BUF + 0x40), 0, 12);
	vdrv_ram(BUF + 0x40)[1] = 1;
	vdrv_add(&d, TXQ, (struct vbuf[]){ { BUF + 0x40, 12, false }, { BUF + 0x100, len, false } }, 2);
	/* longer than any frame (a 1 MiB buffer) */
	vdrv_add(&d, TXQ, (struct vbuf[]){ { BUF + 0x80, 12, false }, { 0x300000, 1 << 20, false } }, 2);
	vdrv_kick(&d, TXQ);
	for (int i = 0; i < 4; i++)
		g_assert_cmpuint(vdrv_wait_used(&d, TXQ), ==, 0);
	g_assert_cmpuint(sent->len, ==, 0);
	/* the device still works */
	memset(vdrv_ram(BUF + 0xc0), 0, 12);
	vdrv_add(&d, TXQ, (struct vbuf[]){ { BUF + 0xc0, 12, false }, { BUF + 0x100, len, false } }, 2);
	vdrv_kick(&d, TXQ);
	vdrv_wait_used(&d, TXQ);
	g_assert_cmpuint(sent->len, ==, 1);
	teardown();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/virtio-net/config_mac_and_link", test_virtio_net_config_mac_and_link);
	g_test_add_func("/virtio-net/tx_completes_checksum", test_virtio_net_tx_completes_checksum);
	g_test_add_func("/virtio-net/rx_mergeable_buffers", test_virtio_net_rx_mergeable_buffers);
	g_test_add_func("/virtio-net/rx_frames_wait_for_buffers",
			test_virtio_net_rx_frames_wait_for_buffers);
	g_test_add_func("/virtio-net/hostile_tx_chains_are_dropped",
			test_virtio_net_hostile_tx_chains_are_dropped);
	return g_test_run();
}

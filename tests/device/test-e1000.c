// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * e1000 (82540EM) on an i440FX bus in the harness, driven as a driver
 * would: EEPROM through EECD bit-banging and EERD, MAC and PHY registers,
 * interrupt causes and masks, transmit rings (legacy, context + data,
 * checksum offload, TSO) into a test backend, receive rings from it into
 * guest buffers, and hostile rings that must neither crash nor loop.
 * Section numbers: Intel 8254x Software Developer's Manual (317453).
 */
#include "pci-helpers.h"
#include "hw/net/e1000-regs.h"
#include "net/net.h"

#define MMIO_BASE	0xfe000000
#define PIO_BASE	0xc000
#define TX_RING		0x100000
#define RX_RING		0x110000
#define TX_BUFS		0x200000
#define RX_BUFS		0x300000
#define MAC		"52:54:00:aa:bb:cc"

static struct pci_test_machine m;
static struct pci_device *nic;
static struct net_client *backend;
static GPtrArray *sent;		/* GBytes *: frames the NIC sent to the backend */
static bool backend_full;

static ssize_t backend_receive(struct net_client *nc, const uint8_t *buf, size_t len)
{
	g_ptr_array_add(sent, g_bytes_new(buf, len));
	return len;
}

static bool backend_can_receive(struct net_client *nc)
{
	return !backend_full;
}

static const struct net_client_ops backend_ops = {
	.receive = backend_receive,
	.can_receive = backend_can_receive,
};

static uint32_t rd(uint32_t reg) { return readl(MMIO_BASE + reg); }
static void wr(uint32_t reg, uint32_t v) { writel(MMIO_BASE + reg, v); }
static uint8_t *ram(uint64_t a) { return (uint8_t *)harness_ram() + a; }

static void setup(const char *extra)
{
	g_autofree char *opts = g_strdup_printf("e1000,romfile=,netdev=tb,mac=" MAC "%s",
						extra ? extra : "");
	int df = PCI_DEVFN(1, 0);

	pci_test_init(&m);
	sent = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	backend_full = false;
	backend = net_client_new(&backend_ops, NET_CLIENT_OTHER, "tb", NULL);
	backend->is_netdev = true;
	harness_realize(harness_device_new(opts));
	nic = pci_bus_get_device(m.bus, df);
	g_assert_nonnull(nic);
	cfg_writel(df, PCI_BASE_ADDRESS_0, MMIO_BASE);
	cfg_writel(df, PCI_BASE_ADDRESS_0 + 4, PIO_BASE);
	cfg_writew(df, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	memset(harness_ram(), 0, HARNESS_RAM_SIZE);
}

static void teardown(void)
{
	pci_test_fini(&m);
	net_client_free(backend);
	g_ptr_array_free(sent, true);
}

static bool irq_level(void)
{
	return nic->irq_state & 1;
}

/* ---- EEPROM ---- */

static void ee_clock(uint32_t eecd)
{
	wr(E1000_EECD, eecd | E1000_EECD_SK);
	wr(E1000_EECD, eecd);
}

/* The Microwire READ cycle as Linux's e1000_read_eeprom does it for the 82540. */
static uint16_t ee_read_bitbang(unsigned addr)
{
	uint32_t cs = E1000_EECD_CS | E1000_EECD_REQ;
	uint32_t cmd = (E1000_EEPROM_READ_OPCODE << 6) | addr;
	uint16_t v = 0;

	wr(E1000_EECD, E1000_EECD_REQ);
	g_assert_true(rd(E1000_EECD) & E1000_EECD_GNT);
	wr(E1000_EECD, cs);
	for (int i = 8; i >= 0; i--)
		ee_clock(cs | ((cmd >> i) & 1 ? E1000_EECD_DI : 0));
	for (int i = 0; i < 16; i++) {
		wr(E1000_EECD, cs | E1000_EECD_SK);
		v = v << 1 | !!(rd(E1000_EECD) & E1000_EECD_DO);
		wr(E1000_EECD, cs);
	}
	wr(E1000_EECD, 0);
	return v;
}

static void test_e1000_pci_identity_and_bars(void)
{
	int df = PCI_DEVFN(1, 0);

	setup(NULL);
	g_assert_cmphex(cfg_readl(df, PCI_VENDOR_ID), ==, 0x100e8086);
	g_assert_cmphex(cfg_readl(df, PCI_REVISION_ID) >> 8, ==, 0x020000);
	g_assert_cmphex(cfg_readb(df, PCI_INTERRUPT_PIN), ==, 1);
	cfg_writew(df, PCI_COMMAND, 0);
	cfg_writel(df, PCI_BASE_ADDRESS_0, 0xffffffff);
	cfg_writel(df, PCI_BASE_ADDRESS_0 + 4, 0xffffffff);
	g_assert_cmphex(cfg_readl(df, PCI_BASE_ADDRESS_0), ==, 0xfffe0000);	/* 128 KiB */
	g_assert_cmphex(cfg_readl(df, PCI_BASE_ADDRESS_0 + 4), ==, 0xffffffc1);	/* 64 ports */
	teardown();
}

static void test_e1000_eeprom_holds_mac_and_sums_to_0xbaba(void)
{
	uint16_t sum = 0, words[E1000_EEPROM_WORDS];

	setup(NULL);
	for (unsigned i = 0; i < E1000_EEPROM_WORDS; i++) {
		words[i] = ee_read_bitbang(i);
		sum += words[i];
	}
	g_assert_cmphex(sum, ==, E1000_EEPROM_CHECKSUM);
	g_assert_cmphex(words[0], ==, 0x5452);
	g_assert_cmphex(words[1], ==, 0xaa00);
	g_assert_cmphex(words[2], ==, 0xccbb);
	g_assert_cmphex(words[0x0d], ==, 0x100e);
	g_assert_cmphex(words[0x0e], ==, 0x8086);
	/* EERD (5.3.1): start, then done with the word in bits 31:16 */
	wr(E1000_EERD, E1000_EERD_START | 1 << E1000_EERD_ADDR_SHIFT);
	g_assert_cmphex(rd(E1000_EERD), ==, 0xaa000000 | E1000_EERD_DONE | 1 << E1000_EERD_ADDR_SHIFT);
	teardown();
}

static void test_e1000_mac_registers_after_reset(void)
{
	setup(NULL);
	g_assert_cmphex(rd(E1000_RA), ==, 0xaa005452);
	g_assert_cmphex(rd(E1000_RA + 4), ==, 0xccbb | E1000_RAH_AV);
	g_assert_true(rd(E1000_STATUS) & E1000_STATUS_LU);
	g_assert_true(rd(E1000_STATUS) & E1000_STATUS_FD);
	/* plain registers keep what is written; STATUS is read-only */
	wr(E1000_RDBAL, 0x12345670);
	g_assert_cmphex(rd(E1000_RDBAL), ==, 0x12345670);
	wr(E1000_STATUS, 0);
	g_assert_true(rd(E1000_STATUS) & E1000_STATUS_LU);
	/* the I/O BAR reaches the same registers (13.3) */
	outl(PIO_BASE + E1000_IOADDR, E1000_RDBAL);
	g_assert_cmphex(inl(PIO_BASE + E1000_IODATA), ==, 0x12345670);
	outl(PIO_BASE + E1000_IODATA, 0x1000);
	g_assert_cmphex(rd(E1000_RDBAL), ==, 0x1000);
	/* CTRL.RST: a software reset clears the rings and self-clears */
	wr(E1000_CTRL, rd(E1000_CTRL) | E1000_CTRL_RST);
	g_assert_cmphex(rd(E1000_RDBAL), ==, 0);
	g_assert_false(rd(E1000_CTRL) & E1000_CTRL_RST);
	g_assert_cmphex(rd(E1000_RA + 4), ==, 0xccbb | E1000_RAH_AV);
	teardown();
}

static void test_e1000_phy_through_mdic(void)
{
	uint32_t v;

	setup(NULL);
	wr(E1000_MDIC, E1000_MDIC_OP_READ | E1000_PHY_ADDR << E1000_MDIC_PHY_SHIFT |
			PHY_ID1 << E1000_MDIC_REG_SHIFT);
	v = rd(E1000_MDIC);
	g_assert_true(v & E1000_MDIC_READY);
	g_assert_false(v & E1000_MDIC_ERROR);
	g_assert_cmphex(v & 0xffff, ==, 0x0141);
	wr(E1000_MDIC, E1000_MDIC_OP_READ | E1000_PHY_ADDR << E1000_MDIC_PHY_SHIFT |
			PHY_STATUS << E1000_MDIC_REG_SHIFT);
	g_assert_true(rd(E1000_MDIC) & MII_SR_LINK_STATUS);
	/* no PHY at address 2 */
	wr(E1000_MDIC, E1000_MDIC_OP_READ | 2 << E1000_MDIC_PHY_SHIFT);
	g_assert_true(rd(E1000_MDIC) & E1000_MDIC_ERROR);
	/* a write with the interrupt enable bit raises MDAC */
	wr(E1000_MDIC, E1000_MDIC_OP_WRITE | E1000_MDIC_INT_EN |
			E1000_PHY_ADDR << E1000_MDIC_PHY_SHIFT |
			PHY_AUTONEG_ADV << E1000_MDIC_REG_SHIFT | 0x01e1);
	g_assert_true(rd(E1000_ICR) & E1000_ICR_MDAC);
	wr(E1000_MDIC, E1000_MDIC_OP_READ | E1000_PHY_ADDR << E1000_MDIC_PHY_SHIFT |
			PHY_AUTONEG_ADV << E1000_MDIC_REG_SHIFT);
	g_assert_cmphex(rd(E1000_MDIC) & 0xffff, ==, 0x01e1);
	teardown();
}

static void test_e1000_icr_read_clears_and_ims_masks(void)
{
	setup(NULL);
	wr(E1000_ICS, E1000_ICR_RXT0);
	g_assert_false(irq_level());			/* masked */
	wr(E1000_IMS, E1000_ICR_RXT0 | E1000_ICR_LSC);
	g_assert_cmphex(rd(E1000_IMS), ==, E1000_ICR_RXT0 | E1000_ICR_LSC);
	g_assert_true(irq_level());
	wr(E1000_IMC, E1000_ICR_RXT0);
	g_assert_false(irq_level());
	wr(E1000_IMS, E1000_ICR_RXT0);
	g_assert_true(irq_level());
	g_assert_cmphex(rd(E1000_ICR), ==, E1000_ICR_RXT0 | E1000_ICR_INT_ASSERTED);
	g_assert_false(irq_level());
	g_assert_cmphex(rd(E1000_ICR), ==, 0);
	/* link loss is a cause too */
	g_assert_true(net_set_link("tb", false, NULL));
	g_assert_false(rd(E1000_STATUS) & E1000_STATUS_LU);
	g_assert_true(irq_level());
	g_assert_true(rd(E1000_ICR) & E1000_ICR_LSC);
	g_assert_true(net_set_link("tb", true, NULL));
	g_assert_true(rd(E1000_STATUS) & E1000_STATUS_LU);
	teardown();
}

/* ---- transmit ---- */

static void tx_ring_init(unsigned ndesc)
{
	wr(E1000_TDBAL, TX_RING);
	wr(E1000_TDBAH, 0);
	wr(E1000_TDLEN, ndesc * 16);
	wr(E1000_TDH, 0);
	wr(E1000_TDT, 0);
	wr(E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP);
}

static void tx_legacy(unsigned i, uint64_t addr, uint16_t len, uint8_t cmd)
{
	uint8_t *d = ram(TX_RING + i * 16);

	memset(d, 0, 16);
	stq_le_p(d, addr);
	stw_le_p(d + 8, len);
	d[11] = cmd;
}

static void tx_context(unsigned i, uint8_t ipcss, uint8_t ipcso, uint8_t tucss, uint8_t tucso,
		       uint8_t tucmd, uint32_t paylen, uint8_t hdr_len, uint16_t mss)
{
	uint8_t *d = ram(TX_RING + i * 16);

	memset(d, 0, 16);
	d[0] = ipcss;
	d[1] = ipcso;
	stw_le_p(d + 2, ipcss + 19);		/* IPCSE: end of a 20-byte IPv4 header */
	d[4] = tucss;
	d[5] = tucso;
	stl_le_p(d + 8, paylen | E1000_TXD_DTYP_CONTEXT << 20 |
		 (uint32_t)(tucmd | E1000_TXD_CMD_DEXT) << 24);
	d[13] = hdr_len;
	stw_le_p(d + 14, mss);
}

static void tx_data(unsigned i, uint64_t addr, uint32_t len, uint8_t dcmd, uint8_t popts)
{
	uint8_t *d = ram(TX_RING + i * 16);

	memset(d, 0, 16);
	stq_le_p(d, addr);
	stl_le_p(d + 8, len | E1000_TXD_DTYP_DATA << 20 |
		 (uint32_t)(dcmd | E1000_TXD_CMD_DEXT) << 24);
	d[13] = popts;
}

static const uint8_t *sent_frame(unsigned i, size_t *len)
{
	g_assert_cmpuint(i, <, sent->len);
	return g_bytes_get_data(g_ptr_array_index(sent, i), len);
}

static void test_e1000_tx_legacy_descriptors_make_one_frame(void)
{
	const uint8_t *f;
	size_t len;

	setup(NULL);
	tx_ring_init(8);
	for (int i = 0; i < 100; i++)
		ram(TX_BUFS)[i] = i;
	tx_legacy(0, TX_BUFS, 40, E1000_TXD_CMD_RS);
	tx_legacy(1, TX_BUFS + 40, 60, E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS | E1000_TXD_CMD_IFCS);
	wr(E1000_IMS, E1000_ICR_TXDW);
	wr(E1000_TDT, 2);
	g_assert_cmpuint(sent->len, ==, 1);
	f = sent_frame(0, &len);
	g_assert_cmpuint(len, ==, 100);
	g_assert_cmpmem(f, len, ram(TX_BUFS), 100);
	g_assert_cmphex(ram(TX_RING)[12] & E1000_TXD_STAT_DD, ==, E1000_TXD_STAT_DD);
	g_assert_cmphex(ram(TX_RING + 16)[12] & E1000_TXD_STAT_DD, ==, E1000_TXD_STAT_DD);
	g_assert_cmpuint(rd(E1000_TDH), ==, 2);
	g_assert_true(irq_level());
	g_assert_cmphex(rd(E1000_ICR) & (E1000_ICR_TXDW | E1000_ICR_TXQE), ==,
			E1000_ICR_TXDW | E1000_ICR_TXQE);
	g_assert_cmpuint(rd(E1000_GPTC), ==, 1);
	g_assert_cmpuint(rd(E1000_GPTC), ==, 0);	/* statistics clear on read */
	/* a short frame is padded to 60 bytes (TCTL.PSP) */
	tx_legacy(2, TX_BUFS, 20, E1000_TXD_CMD_EOP);
	wr(E1000_TDT, 3);
	sent_frame(1, &len);
	g_assert_cmpuint(len, ==, 60);
	teardown();
}

static uint16_t csum(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i < len; i += 2)
		sum += i + 1 < len ? (p[i] << 8 | p[i + 1]) : p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* Sum of the IPv4 pseudo-header (RFC 793/768) for an L4 length. */
static uint32_t pseudo(const uint8_t *ip, uint8_t proto, uint16_t l4len)
{
	return csum(ip + 12, 8, 0) + proto + l4len;
}

/* Ethernet + IPv4 + TCP (or UDP) header at p; returns the header length. */
static unsigned build_headers(uint8_t *p, bool tcp, uint16_t payload)
{
	unsigned l4 = tcp ? 20 : 8, iplen = 20 + l4 + payload;

	memset(p, 0, 14 + 20 + l4);
	memcpy(p, "\x52\x54\x00\x12\x34\x56\x52\x54\x00\xaa\xbb\xcc\x08\x00", 14);
	p[14] = 0x45;
	net_put_be16(p + 16, iplen);
	net_put_be16(p + 18, 0x1000);			/* id */
	p[22] = 64;
	p[23] = tcp ? 6 : 17;
	memcpy(p + 26, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
	net_put_be16(p + 34, 1234);
	net_put_be16(p + 36, 80);
	if (tcp) {
		net_put_be32(p + 38, 1000);		/* seq */
		p[46] = 5 << 4;
		p[47] = 0x19;				/* FIN PSH ACK */
		net_put_be16(p + 48, 65535);
	} else {
		net_put_be16(p + 38, 8 + payload);
	}
	return 14 + 20 + l4;
}

static void test_e1000_tx_context_checksum_offload(void)
{
	uint8_t *p;
	unsigned hdr;
	const uint8_t *f;
	size_t len;

	setup(NULL);
	p = ram(TX_BUFS);
	hdr = build_headers(p, false, 100);
	for (int i = 0; i < 100; i++)
		p[hdr + i] = i * 7;
	/* the driver puts the pseudo-header sum in the UDP checksum field (3.3.7) */
	net_put_be16(p + 40, csum(NULL, 0, pseudo(p + 14, 17, 108)));
	tx_ring_init(8);
	tx_context(0, 14, 24, 34, 40, E1000_TXD_TUCMD_IP, 0, 0, 0);
	tx_data(1, TX_BUFS, hdr + 100, E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS,
		E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM);
	wr(E1000_TDT, 2);
	g_assert_cmpuint(sent->len, ==, 1);
	f = sent_frame(0, &len);
	g_assert_cmpuint(len, ==, hdr + 100);
	g_assert_cmphex(csum(f + 14, 20, 0), ==, 0xffff);		/* IP header verifies */
	g_assert_cmphex(net_get_be16(f + 40), !=, 0);
	g_assert_cmphex(csum(f + 34, 108, pseudo(f + 14, 17, 108)), ==, 0xffff);
	teardown();
}

static void test_e1000_tx_tso_cuts_segments_with_fixed_headers(void)
{
	enum { PAYLOAD = 2500, MSS = 1000 };
	uint8_t *p;
	unsigned hdr;
	uint32_t expect_seq = 1000;

	setup(NULL);
	p = ram(TX_BUFS);
	hdr = build_headers(p, true, PAYLOAD);
	for (int i = 0; i < PAYLOAD; i++)
		p[hdr + i] = i;
	/* Linux: pseudo-header sum without the length; the NIC adds each segment's */
	net_put_be16(p + 50, csum(NULL, 0, pseudo(p + 14, 6, 0)));
	net_put_be16(p + 24, 0);
	tx_ring_init(8);
	tx_context(0, 14, 24, 34, 50, E1000_TXD_TUCMD_IP | E1000_TXD_TUCMD_TCP | E1000_TXD_CMD_TSE,
		   PAYLOAD, hdr, MSS);
	/* header and payload split over two data descriptors */
	tx_data(1, TX_BUFS, hdr + 700, E1000_TXD_CMD_TSE, E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM);
	tx_data(2, TX_BUFS + hdr + 700, PAYLOAD - 700,
		E1000_TXD_CMD_TSE | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS,
		E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM);
	wr(E1000_TDT, 3);
	g_assert_cmpuint(sent->len, ==, 3);
	for (unsigned i = 0; i < 3; i++) {
		size_t len;
		const uint8_t *f = sent_frame(i, &len);
		unsigned seg = i < 2 ? MSS : PAYLOAD - 2 * MSS;

		g_assert_cmpuint(len, ==, hdr + seg);
		g_assert_cmpuint(net_get_be16(f + 16), ==, 40 + seg);		/* IP total length */
		g_assert_cmpuint(net_get_be16(f + 18), ==, 0x1000 + i);		/* IP id */
		g_assert_cmphex(csum(f + 14, 20, 0), ==, 0xffff);
		g_assert_cmpuint(net_get_be32(f + 38), ==, expect_seq);
		g_assert_cmphex(f[47], ==, i < 2 ? 0x10 : 0x19);		/* FIN/PSH last only */
		g_assert_cmphex(csum(f + 34, 20 + seg, pseudo(f + 14, 6, 20 + seg)), ==, 0xffff);
		g_assert_cmpmem(f + hdr, seg, p + hdr + i * MSS, seg);
		expect_seq += seg;
	}
	teardown();
}

/* ---- receive ---- */

static void rx_ring_init(unsigned ndesc, uint32_t rctl)
{
	for (unsigned i = 0; i < ndesc; i++) {
		memset(ram(RX_RING + i * 16), 0, 16);
		stq_le_p(ram(RX_RING + i * 16), RX_BUFS + i * 0x4000);
	}
	wr(E1000_RDBAL, RX_RING);
	wr(E1000_RDBAH, 0);
	wr(E1000_RDLEN, ndesc * 16);
	wr(E1000_RDH, 0);
	wr(E1000_RDT, ndesc - 1);
	wr(E1000_RCTL, E1000_RCTL_EN | rctl);
}

static void make_frame(uint8_t *f, size_t len, const char *dst)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, "\x52\x54\x00\x12\x34\x56\x08\x00", 8);
	for (size_t i = 14; i < len; i++)
		f[i] = i;
}

static void test_e1000_rx_frame_lands_in_guest_buffer(void)
{
	uint8_t f[200];
	uint8_t *d;

	setup(NULL);
	rx_ring_init(8, E1000_RCTL_SECRC);
	wr(E1000_IMS, E1000_ICR_RXT0);
	make_frame(f, sizeof(f), "\x52\x54\x00\xaa\xbb\xcc");
	net_client_send(backend, f, sizeof(f));
	d = ram(RX_RING);
	g_assert_cmpuint(lduw_le_p(d + 8), ==, sizeof(f));
	g_assert_cmphex(d[12] & (E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP), ==,
			E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP);
	g_assert_cmpmem(ram(RX_BUFS), sizeof(f), f, sizeof(f));
	g_assert_cmpuint(rd(E1000_RDH), ==, 1);
	g_assert_true(irq_level());
	g_assert_true(rd(E1000_ICR) & E1000_ICR_RXT0);
	g_assert_cmpuint(rd(E1000_GPRC), ==, 1);

	/* not for us: dropped; broadcast only with BAM; anything with UPE */
	make_frame(f, sizeof(f), "\x52\x54\x00\x00\x00\x01");
	net_client_send(backend, f, sizeof(f));
	make_frame(f, sizeof(f), "\xff\xff\xff\xff\xff\xff");
	net_client_send(backend, f, sizeof(f));
	g_assert_cmpuint(rd(E1000_RDH), ==, 1);
	wr(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_SECRC | E1000_RCTL_BAM);
	net_client_send(backend, f, sizeof(f));
	g_assert_cmpuint(rd(E1000_RDH), ==, 2);
	/* without SECRC the 4-byte FCS is stored and counted */
	wr(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_UPE);
	make_frame(f, 100, "\x52\x54\x00\x00\x00\x01");
	net_client_send(backend, f, 100);
	g_assert_cmpuint(lduw_le_p(ram(RX_RING + 32) + 8), ==, 104);
	/* short frames are padded to 60 bytes */
	net_client_send(backend, f, 20);
	g_assert_cmpuint(lduw_le_p(ram(RX_RING + 48) + 8), ==, 64);
	teardown();
}

static void test_e1000_rx_big_frame_spans_descriptors(void)
{
	uint8_t f[600];

	setup(NULL);
	/* BSIZE 11b: 256-byte buffers */
	rx_ring_init(8, E1000_RCTL_SECRC | 3 << E1000_RCTL_BSIZE_SHIFT);
	make_frame(f, sizeof(f), "\x52\x54\x00\xaa\xbb\xcc");
	net_client_send(backend, f, sizeof(f));
	g_assert_cmpuint(rd(E1000_RDH), ==, 3);
	g_assert_cmpuint(lduw_le_p(ram(RX_RING) + 8), ==, 256);
	g_assert_cmpuint(lduw_le_p(ram(RX_RING + 32) + 8), ==, 88);
	g_assert_false(ram(RX_RING)[12] & E1000_RXD_STAT_EOP);
	g_assert_true(ram(RX_RING + 32)[12] & E1000_RXD_STAT_EOP);
	g_assert_cmpmem(ram(RX_BUFS + 0x4000), 256, f + 256, 256);
	teardown();
}

static void test_e1000_rx_full_ring_holds_frames_until_rdt_moves(void)
{
	uint8_t f[100];

	setup(NULL);
	rx_ring_init(8, E1000_RCTL_SECRC);
	wr(E1000_RDT, 2);			/* two buffers for the NIC */
	make_frame(f, sizeof(f), "\x52\x54\x00\xaa\xbb\xcc");
	for (int i = 0; i < 5; i++)
		net_client_send(backend, f, sizeof(f));
	g_assert_cmpuint(rd(E1000_RDH), ==, 2);
	g_assert_cmpuint(net_client_queue_len(backend->peer), ==, 3);
	wr(E1000_RDT, 7);
	g_assert_cmpuint(rd(E1000_RDH), ==, 5);
	teardown();
}

static void test_e1000_rdtr_delays_the_receive_interrupt(void)
{
	uint8_t f[100];

	setup(NULL);
	rx_ring_init(8, E1000_RCTL_SECRC);
	wr(E1000_IMS, E1000_ICR_RXT0);
	wr(E1000_RDTR, 100);			/* 100 x 1.024 us */
	make_frame(f, sizeof(f), "\x52\x54\x00\xaa\xbb\xcc");
	net_client_send(backend, f, sizeof(f));
	g_assert_false(irq_level());
	clock_step(99 * 1024);
	g_assert_false(irq_level());
	clock_step(2 * 1024);
	g_assert_true(irq_level());
	teardown();
}

/* ---- hostile rings ---- */

static void test_e1000_hostile_rings_are_refused_without_harm(void)
{
	uint8_t f[100];

	setup(NULL);
	/* TX: empty ring, heads beyond the ring, descriptors outside RAM */
	tx_ring_init(8);
	wr(E1000_TDLEN, 0);
	wr(E1000_TDT, 5);
	g_assert_cmpuint(sent->len, ==, 0);
	wr(E1000_TDLEN, 128);
	wr(E1000_TDH, 100);
	wr(E1000_TDT, 3);
	g_assert_cmpuint(sent->len, ==, 0);
	wr(E1000_TDH, 0);
	wr(E1000_TDBAL, 0xfff00000);
	wr(E1000_TDT, 3);
	g_assert_cmpuint(sent->len, ==, 0);
	/* buffers outside RAM, and one that runs off its end */
	wr(E1000_TDBAL, TX_RING);
	wr(E1000_TDH, 0);
	tx_legacy(0, 0xfffffff000ULL, 1000, E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS);
	tx_data(1, HARNESS_RAM_SIZE - 16, 0xfffff, E1000_TXD_CMD_EOP, 0);
	wr(E1000_TDT, 2);
	g_assert_cmpuint(sent->len, ==, 0);
	g_assert_cmpuint(rd(E1000_TDH), ==, 2);
	/* TSO with mss 0, then with sizes past any buffer, then a 1 MiB descriptor */
	tx_context(2, 14, 24, 34, 50, E1000_TXD_TUCMD_IP | E1000_TXD_TUCMD_TCP | E1000_TXD_CMD_TSE,
		   0xfffff, 54, 0);
	tx_data(3, TX_BUFS, 4000, E1000_TXD_CMD_TSE | E1000_TXD_CMD_EOP, E1000_TXD_POPTS_TXSM);
	tx_context(4, 250, 255, 255, 255, E1000_TXD_TUCMD_TCP | E1000_TXD_CMD_TSE, 0xfffff, 255,
		   0xffff);
	tx_data(5, TX_BUFS, 0xfffff, E1000_TXD_CMD_TSE | E1000_TXD_CMD_EOP, E1000_TXD_POPTS_TXSM);
	tx_data(6, TX_BUFS, 0xfffff, E1000_TXD_CMD_EOP, E1000_TXD_POPTS_TXSM | E1000_TXD_POPTS_IXSM);
	wr(E1000_TDT, 7);
	g_assert_cmpuint(sent->len, ==, 0);
	g_assert_cmpuint(rd(E1000_TDH), ==, 7);
	/* a TSO context changed to MSS 0 in the middle of a TSO packet: no endless cutting */
	tx_ring_init(16);
	build_headers(ram(TX_BUFS), true, 3000);
	tx_context(0, 14, 24, 34, 50, E1000_TXD_TUCMD_IP | E1000_TXD_TUCMD_TCP | E1000_TXD_CMD_TSE,
		   3000, 54, 1000);
	tx_data(1, TX_BUFS, 1500, E1000_TXD_CMD_TSE, 0);
	tx_context(2, 14, 24, 34, 50, E1000_TXD_TUCMD_IP | E1000_TXD_TUCMD_TCP | E1000_TXD_CMD_TSE,
		   3000, 54, 0);
	tx_data(3, TX_BUFS + 1500, 1554, E1000_TXD_CMD_TSE | E1000_TXD_CMD_EOP, 0);
	wr(E1000_TDT, 4);
	g_assert_cmpuint(rd(E1000_TDH), ==, 4);
	g_assert_cmpuint(sent->len, ==, 1);	/* the one segment cut before the change */
	g_ptr_array_set_size(sent, 0);

	/* RX: heads beyond the ring, zero length, descriptors and buffers outside RAM */
	rx_ring_init(8, E1000_RCTL_SECRC);
	make_frame(f, sizeof(f), "\x52\x54\x00\xaa\xbb\xcc");
	wr(E1000_RDH, 200);
	net_client_send(backend, f, sizeof(f));
	wr(E1000_RDLEN, 0);
	wr(E1000_RDH, 0);
	net_client_send(backend, f, sizeof(f));
	wr(E1000_RDLEN, 128);
	stq_le_p(ram(RX_RING), 0xfffffff000ULL);
	wr(E1000_RDT, 7);			/* flushes what waited into the bad buffer */
	wr(E1000_RDBAL, 0xfff00000);
	net_client_send(backend, f, sizeof(f));
	/* the NIC is still usable afterwards */
	wr(E1000_CTRL, E1000_CTRL_RST);
	rx_ring_init(8, E1000_RCTL_SECRC);
	net_client_send(backend, f, sizeof(f));
	g_assert_cmpuint(rd(E1000_RDH), ==, 1);
	teardown();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/e1000/pci_identity_and_bars", test_e1000_pci_identity_and_bars);
	g_test_add_func("/e1000/eeprom_holds_mac_and_sums_to_0xbaba",
			test_e1000_eeprom_holds_mac_and_sums_to_0xbaba);
	g_test_add_func("/e1000/mac_registers_after_reset", test_e1000_mac_registers_after_reset);
	g_test_add_func("/e1000/phy_through_mdic", test_e1000_phy_through_mdic);
	g_test_add_func("/e1000/icr_read_clears_and_ims_masks",
			test_e1000_icr_read_clears_and_ims_masks);
	g_test_add_func("/e1000/tx_legacy_descriptors_make_one_frame",
			test_e1000_tx_legacy_descriptors_make_one_frame);
	g_test_add_func("/e1000/tx_context_checksum_offload",
			test_e1000_tx_context_checksum_offload);
	g_test_add_func("/e1000/tx_tso_cuts_segments_with_fixed_headers",
			test_e1000_tx_tso_cuts_segments_with_fixed_headers);
	g_test_add_func("/e1000/rx_frame_lands_in_guest_buffer",
			test_e1000_rx_frame_lands_in_guest_buffer);
	g_test_add_func("/e1000/rx_big_frame_spans_descriptors",
			test_e1000_rx_big_frame_spans_descriptors);
	g_test_add_func("/e1000/rx_full_ring_holds_frames_until_rdt_moves",
			test_e1000_rx_full_ring_holds_frames_until_rdt_moves);
	g_test_add_func("/e1000/rdtr_delays_the_receive_interrupt",
			test_e1000_rdtr_delays_the_receive_interrupt);
	g_test_add_func("/e1000/hostile_rings_are_refused_without_harm",
			test_e1000_hostile_rings_are_refused_without_harm);
	return g_test_run();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Intel 82540EM gigabit Ethernet controller ("e1000", PCI 8086:100E), the
 * default NIC of QEMU's pc machine. References are to Intel's "PCI/PCI-X
 * Family of Gigabit Ethernet Controllers Software Developer's Manual"
 * (317453): section 3 (descriptors, offloads), 5 (EEPROM), 13 (registers).
 *
 * Modelled: the Microwire EEPROM behind EECD and EERD (MAC, IDs, checksum
 * 0xBABA), the MAC registers, the M88E1011 PHY behind MDIC, interrupt causes
 * with read-to-clear ICR and ITR/RDTR/RADV/TIDV/TADV moderation, the legacy
 * receive ring, legacy and context/data transmit descriptors with IP/TCP/UDP
 * checksum insertion and TCP segmentation (TSO), VLAN insertion and
 * stripping, link state, and the I/O BAR (IOADDR/IODATA).
 * Not modelled: flow control frames, wake-up, manageability, the flash BAR,
 * receive checksum offload (every frame says IXSM: the driver checks).
 *
 * Everything the guest writes is checked: ring lengths, heads and tails,
 * descriptor and buffer addresses (through pci_dma_*), context offsets and
 * TSO sizes. A bad value is a guest_error and the packet or ring stops;
 * each ring walk is bounded by the ring size, so no guest input loops.
 * The transmit path lives in hw/net/e1000-tx.c, the shared state in
 * hw/net/e1000-internal.h.
 */
#include "kemu/common.h"
#include "hw/pci/pci.h"
#include "e1000-internal.h"
#include "system/bootdevice.h"

/* ---- interrupts (13.4.17-13.4.21, moderation: 13.4.18, 13.4.29-30, 13.4.44-45) ---- */

static void e1000_update_irq(struct e1000_state *s)
{
	int64_t now = clock_get_ns(CLOCK_VIRTUAL);
	bool pending = REG(s, E1000_ICR) & REG(s, E1000_IMS);

	/* ITR delays raising the line; an interrupt already asserted stays so */
	if (pending && !(s->parent.irq_state & 1) && s->mitigation && REG(s, E1000_ITR) &&
	    now < s->next_irq_ns) {
		/* ITR: hold the line low until the interval since the last one has passed */
		if (!timer_pending(s->itr_timer))
			timer_mod_ns(s->itr_timer, s->next_irq_ns);
		pending = false;
	} else if (pending && !(s->parent.irq_state & 1)) {
		s->next_irq_ns = now + (int64_t)(REG(s, E1000_ITR) & 0xffff) * E1000_ITR_UNIT_NS;
	}
	pci_set_irq(&s->parent, pending);
}

void e1000_set_ics(struct e1000_state *s, uint32_t causes)
{
	if (causes)
		REG(s, E1000_ICR) |= causes | E1000_ICR_INT_ASSERTED;
	e1000_update_irq(s);
}

static void e1000_itr_fire(void *opaque)
{
	e1000_update_irq(opaque);
}

static void e1000_rx_delay_fire(void *opaque)
{
	struct e1000_state *s = opaque;

	timer_del(s->rx_timer);
	timer_del(s->rx_abs_timer);
	e1000_set_ics(s, E1000_ICR_RXT0);
}

static void e1000_tx_delay_fire(void *opaque)
{
	struct e1000_state *s = opaque;

	timer_del(s->tx_timer);
	timer_del(s->tx_abs_timer);
	e1000_set_ics(s, E1000_ICR_TXDW);
}

/*
 * A cause whose delay timer (RDTR or TIDV, restarted by every packet)
 * and absolute timer (RADV or TADV, started by the first) race: the first
 * to expire raises it.
 */
void e1000_delay_cause(struct e1000_state *s, uint32_t cause, uint32_t delay,
			      uint32_t abs_delay, struct kemu_timer *t, struct kemu_timer *abs_t)
{
	int64_t now = clock_get_ns(CLOCK_VIRTUAL);

	if (!s->mitigation || !delay) {
		e1000_set_ics(s, cause);
		return;
	}
	timer_mod_ns(t, now + (int64_t)delay * E1000_INTR_DELAY_NS);
	if (abs_delay && !timer_pending(abs_t))
		timer_mod_ns(abs_t, now + (int64_t)abs_delay * E1000_INTR_DELAY_NS);
}

/* ---- link ---- */

static bool e1000_link_up(struct e1000_state *s)
{
	return !s->nic->link_down;
}

static void e1000_set_link_status(struct e1000_state *s)
{
	uint32_t old = REG(s, E1000_STATUS);

	if (e1000_link_up(s)) {
		REG(s, E1000_STATUS) |= E1000_STATUS_LU;
		s->phy[PHY_STATUS] |= MII_SR_LINK_STATUS | MII_SR_AUTONEG_COMPLETE;
	} else {
		REG(s, E1000_STATUS) &= ~E1000_STATUS_LU;
		s->phy[PHY_STATUS] &= ~(MII_SR_LINK_STATUS | MII_SR_AUTONEG_COMPLETE);
	}
	if (old != REG(s, E1000_STATUS))
		e1000_set_ics(s, E1000_ICR_LSC);
}

static void e1000_net_link_changed(struct net_client *nc)
{
	e1000_set_link_status(nc->opaque);
}

/* ---- EEPROM (5.3, 5.6) and PHY (13.4.7) ---- */

static uint32_t e1000_eecd_read(struct e1000_state *s)
{
	uint32_t v = E1000_EECD_PRES | E1000_EECD_GNT |
		     (s->ee_old & (E1000_EECD_SK | E1000_EECD_CS | E1000_EECD_DI |
				   E1000_EECD_FWE_MASK | E1000_EECD_REQ));

	if (s->ee_reading && s->ee_bit_out >= 0) {
		unsigned word = (s->ee_bit_out >> 4) % E1000_EEPROM_WORDS;

		if ((s->eeprom[word] >> (15 - (s->ee_bit_out & 15))) & 1)
			v |= E1000_EECD_DO;
	}
	return v;
}

/*
 * Microwire: while CS is high, each rising SK edge shifts DI in: a start
 * bit, a two-bit opcode and a six-bit address (64-word part). After a READ
 * the part shifts the addressed word out on DO, MSB first, one bit per
 * rising edge, continuing into the next words. Dropping CS ends the cycle.
 */
static void e1000_eecd_write(struct e1000_state *s, uint32_t v)
{
	uint32_t old = s->ee_old;

	s->ee_old = v;
	if (!(v & E1000_EECD_CS)) {
		s->ee_bits_in = s->ee_in = 0;
		s->ee_reading = false;
		return;
	}
	if (!(old & E1000_EECD_CS)) {	/* chip select rising: a new cycle */
		s->ee_bits_in = s->ee_in = 0;
		s->ee_reading = false;
	}
	if ((old & E1000_EECD_SK) || !(v & E1000_EECD_SK))
		return;			/* only rising clock edges count */
	if (s->ee_reading) {
		s->ee_bit_out = (s->ee_bit_out + 1) % (E1000_EEPROM_WORDS * 16);
		return;
	}
	s->ee_in = (s->ee_in << 1) | !!(v & E1000_EECD_DI);
	if (++s->ee_bits_in < 9)
		return;
	if ((s->ee_in >> 6) == E1000_EEPROM_READ_OPCODE) {
		s->ee_reading = true;
		s->ee_bit_out = (s->ee_in & 0x3f) * 16 - 1;
	} else {
		/* EWEN/ERASE/WRITE: the EEPROM image is read-only here */
		log_unimp("e1000: EEPROM opcode 0x%x", s->ee_in >> 6);
		s->ee_bits_in = s->ee_in = 0;
	}
}

static uint32_t e1000_eerd_read(struct e1000_state *s)
{
	uint32_t v = REG(s, E1000_EERD);
	unsigned addr = (v >> E1000_EERD_ADDR_SHIFT) & 0xff;

	if (!(v & E1000_EERD_START))
		return v;
	/* the read completes at once; an address past the part reads as DONE with no data */
	v = (v & 0xffff & ~E1000_EERD_START) | E1000_EERD_DONE;
	if (addr < E1000_EEPROM_WORDS)
		v |= (uint32_t)s->eeprom[addr] << E1000_EERD_DATA_SHIFT;
	return v;
}

static void e1000_phy_reset(struct e1000_state *s)
{
	/* M88E1011 power-on values: 1000BASE-T full duplex, autonegotiation done */
	memset(s->phy, 0, sizeof(s->phy));
	s->phy[PHY_CTRL] = 0x1140;
	s->phy[PHY_STATUS] = 0x796d;
	s->phy[PHY_ID1] = 0x0141;
	s->phy[PHY_ID2] = 0x0c20;
	s->phy[PHY_AUTONEG_ADV] = 0x0de1;
	s->phy[PHY_LP_ABILITY] = 0x45e0;
	s->phy[PHY_AUTONEG_EXP] = 0x0007;
	s->phy[PHY_1000T_CTRL] = 0x0e00;
	s->phy[PHY_1000T_STATUS] = 0x3c00;
	s->phy[M88E1000_PHY_SPEC_CTRL] = 0x0360;
	s->phy[M88E1000_PHY_SPEC_STATUS] = 0xac00;
	s->phy[M88E1000_EXT_PHY_SPEC_CTRL] = 0x0d60;
}

static bool e1000_phy_writable(unsigned reg)
{
	return reg == PHY_CTRL || reg == PHY_AUTONEG_ADV || reg == PHY_1000T_CTRL ||
	       reg == M88E1000_PHY_SPEC_CTRL || reg == M88E1000_EXT_PHY_SPEC_CTRL ||
	       reg == 0x1d || reg == 0x1e;	/* M88 page select and page data */
}

static void e1000_mdic_write(struct e1000_state *s, uint32_t v)
{
	unsigned phy = (v >> E1000_MDIC_PHY_SHIFT) & 0x1f;
	unsigned reg = (v >> E1000_MDIC_REG_SHIFT) & 0x1f;
	uint32_t data = v & E1000_MDIC_DATA_MASK;

	if (phy != E1000_PHY_ADDR) {
		v |= E1000_MDIC_ERROR;		/* nobody answers at that PHY address */
	} else if (v & E1000_MDIC_OP_READ) {
		data = s->phy[reg];
	} else if (v & E1000_MDIC_OP_WRITE) {
		if (!e1000_phy_writable(reg)) {
			log_unimp("e1000: write of PHY register 0x%x", reg);
		} else if (reg == PHY_CTRL) {
			/* reset and autonegotiation restart complete at once */
			s->phy[reg] = data & ~(MII_CR_RESET | MII_CR_RESTART_AUTO_NEG);
			e1000_set_link_status(s);
		} else {
			s->phy[reg] = data;
		}
	}
	REG(s, E1000_MDIC) = (v & ~E1000_MDIC_DATA_MASK) | data | E1000_MDIC_READY;
	if (v & E1000_MDIC_INT_EN)
		e1000_set_ics(s, E1000_ICR_MDAC);
}

static void e1000_eeprom_init(struct e1000_state *s)
{
	struct pci_device_class *pc = PCI_DEVICE_GET_CLASS(s);
	uint16_t sum = 0;

	memset(s->eeprom, 0, sizeof(s->eeprom));
	for (int i = 0; i < 3; i++)
		s->eeprom[i] = s->mac.a[2 * i] | s->mac.a[2 * i + 1] << 8;
	/* 5.6 EEPROM map: IDs the driver may load; ICW2 0: no flow control advertised */
	s->eeprom[0x0b] = PCI_SUBDEVICE_ID_QEMU;
	s->eeprom[0x0c] = PCI_SUBVENDOR_ID_REDHAT_QUMRANET;
	s->eeprom[0x0d] = pc->device_id;
	s->eeprom[0x0e] = pc->vendor_id;
	for (int i = 0; i < E1000_EEPROM_WORDS - 1; i++)
		sum += s->eeprom[i];
	s->eeprom[E1000_EEPROM_WORDS - 1] = E1000_EEPROM_CHECKSUM - sum;
}

/* ---- receive (3.2) ---- */

/* The ring as the guest set it; false (and nothing touched) if it is unusable. */
static bool e1000_rx_ring(struct e1000_state *s, uint32_t *n)
{
	*n = (REG(s, E1000_RDLEN) & 0xfff80) / E1000_RXD_SIZE;
	if (!*n)
		return false;
	if (REG(s, E1000_RDH) >= *n || REG(s, E1000_RDT) >= *n) {
		guest_error("e1000: RX ring head %u or tail %u beyond its %u descriptors",
			    REG(s, E1000_RDH), REG(s, E1000_RDT), *n);
		return false;
	}
	return true;
}

static uint32_t e1000_rx_free(struct e1000_state *s, uint32_t n)
{
	uint32_t h = REG(s, E1000_RDH), t = REG(s, E1000_RDT);

	/* head == tail: the hardware owns nothing (13.4.28) */
	return t >= h ? t - h : n - h + t;
}

static uint32_t e1000_rx_bufsize(uint32_t rctl)
{
	static const uint32_t sizes[2][4] = { { 2048, 1024, 512, 256 },
					      { 2048, 16384, 8192, 4096 } };

	return sizes[!!(rctl & E1000_RCTL_BSEX)][(rctl >> E1000_RCTL_BSIZE_SHIFT) & 3];
}

static bool e1000_rx_enabled(struct e1000_state *s)
{
	return (REG(s, E1000_RCTL) & E1000_RCTL_EN) && e1000_link_up(s);
}

static bool e1000_can_receive(struct net_client *nc)
{
	struct e1000_state *s = nc->opaque;
	uint32_t n;

	/* a disabled receiver drops frames (receive() does); a full ring holds them */
	if (!e1000_rx_enabled(s))
		return true;
	return e1000_rx_ring(s, &n) && e1000_rx_free(s, n) > 0;
}

/* Destination filtering (13.4.22 RCTL, 13.5.1 MTA, 13.5.2 RAL/RAH). */
static bool e1000_rx_accept(struct e1000_state *s, const uint8_t *frame)
{
	uint32_t rctl = REG(s, E1000_RCTL);
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const int mo_shift[4] = { 4, 3, 2, 0 };
	unsigned hash;

	if (!memcmp(frame, bcast, 6))
		return rctl & E1000_RCTL_BAM || rctl & E1000_RCTL_MPE;
	if (frame[0] & 1) {
		if (rctl & E1000_RCTL_MPE)
			return true;
		hash = ((frame[4] >> mo_shift[(rctl >> E1000_RCTL_MO_SHIFT) & 3]) |
			(frame[5] << (8 - mo_shift[(rctl >> E1000_RCTL_MO_SHIFT) & 3]))) & 0xfff;
		return REG(s, E1000_MTA + (hash >> 5) * 4) & (1u << (hash & 31));
	}
	if (rctl & E1000_RCTL_UPE)
		return true;
	for (int i = 0; i < 16; i++) {
		uint32_t ral = REG(s, E1000_RA + i * 8), rah = REG(s, E1000_RA + i * 8 + 4);
		uint8_t a[6] = { ral, ral >> 8, ral >> 16, ral >> 24, rah, rah >> 8 };

		if ((rah & E1000_RAH_AV) && !memcmp(frame, a, 6))
			return true;
	}
	return false;
}

void e1000_stat_add(struct e1000_state *s, uint32_t reg_lo, uint64_t v, bool wide)
{
	uint64_t cur = REG(s, reg_lo);

	if (wide)
		cur |= (uint64_t)REG(s, reg_lo + 4) << 32;
	cur += v;
	if (!wide && cur > UINT32_MAX)
		cur = UINT32_MAX;	/* 32-bit counters stick at their maximum */
	REG(s, reg_lo) = cur;
	if (wide)
		REG(s, reg_lo + 4) = cur >> 32;
}

static uint32_t e1000_crc32(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffff;

	/* IEEE 802.3 FCS: reflected CRC-32, polynomial 0xedb88320 */
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

static ssize_t e1000_receive(struct net_client *nc, const uint8_t *buf, size_t len)
{
	struct e1000_state *s = nc->opaque;
	uint8_t frame[E1000_MAX_RX_FRAME + 4];
	uint32_t rctl = REG(s, E1000_RCTL), n, bufsize, total, done = 0, needed;
	uint16_t vlan = 0;
	uint8_t status = E1000_RXD_STAT_IXSM;

	if (!e1000_rx_enabled(s) || len < 14)
		return len;
	if (len > E1000_MAX_RX_FRAME || (!(rctl & E1000_RCTL_LPE) && len > E1000_MAX_NOLPE_FRAME))
		return len;	/* oversize: the MAC drops it (long packet disabled) */
	if (!e1000_rx_accept(s, buf))
		return len;
	if (!e1000_rx_ring(s, &n))
		return 0;
	memcpy(frame, buf, len);
	total = len;
	/* 802.1Q stripping into the descriptor when VLAN mode is on (3.2.4.1) */
	if ((REG(s, E1000_CTRL) & E1000_CTRL_VME) && total >= 18 &&
	    net_get_be16(frame + 12) == (REG(s, E1000_VET) & 0xffff)) {
		vlan = net_get_be16(frame + 14);
		memmove(frame + 12, frame + 16, total - 16);
		total -= 4;
		status |= E1000_RXD_STAT_VP;
	}
	if (total < E1000_MIN_FRAME) {
		memset(frame + total, 0, E1000_MIN_FRAME - total);
		total = E1000_MIN_FRAME;
	}
	if (!(rctl & E1000_RCTL_SECRC)) {
		stl_le_p(frame + total, e1000_crc32(frame, total));
		total += 4;
	}
	bufsize = e1000_rx_bufsize(rctl);
	needed = (total + bufsize - 1) / bufsize;
	if (e1000_rx_free(s, n) < needed)
		return 0;	/* not enough descriptors: held until RDT moves */

	while (done < total) {
		uint64_t base = ((uint64_t)REG(s, E1000_RDBAH) << 32) | REG(s, E1000_RDBAL);
		uint64_t daddr = base + (uint64_t)REG(s, E1000_RDH) * E1000_RXD_SIZE;
		uint8_t desc[E1000_RXD_SIZE];
		uint32_t chunk = MIN(bufsize, total - done);
		uint64_t baddr;

		if (pci_dma_read(&s->parent, daddr, desc, sizeof(desc)) != MEMTX_OK) {
			guest_error("e1000: RX descriptor at 0x%" PRIx64 " not readable", daddr);
			return len;
		}
		baddr = ldq_le_p(desc);
		/* a descriptor with no buffer is skipped (3.2.3: null address) */
		if (baddr && pci_dma_write(&s->parent, baddr, frame + done, chunk) != MEMTX_OK)
			guest_error("e1000: RX buffer at 0x%" PRIx64 " (%u bytes) not writable",
				    baddr, chunk);
		done += chunk;
		stw_le_p(desc + 8, chunk);
		stw_le_p(desc + 10, 0);		/* packet checksum: not computed */
		desc[12] = status | E1000_RXD_STAT_DD | (done == total ? E1000_RXD_STAT_EOP : 0);
		desc[13] = 0;			/* errors */
		stw_le_p(desc + 14, vlan);
		if (pci_dma_write(&s->parent, daddr, desc, sizeof(desc)) != MEMTX_OK)
			guest_error("e1000: RX descriptor at 0x%" PRIx64 " not writable", daddr);
		REG(s, E1000_RDH) = (REG(s, E1000_RDH) + 1) % n;
	}

	e1000_stat_add(s, E1000_GPRC, 1, false);
	e1000_stat_add(s, E1000_TPR, 1, false);
	e1000_stat_add(s, E1000_GORCL, total, true);
	e1000_stat_add(s, E1000_TORL, total, true);
	if (!memcmp(buf, "\xff\xff\xff\xff\xff\xff", 6))
		e1000_stat_add(s, E1000_BPRC, 1, false);
	else if (buf[0] & 1)
		e1000_stat_add(s, E1000_MPRC, 1, false);
	/* 13.4.22 RDMTS: free descriptors fell to 1/2, 1/4 or 1/8 of the ring */
	if (e1000_rx_free(s, n) <= n >> (((rctl >> E1000_RCTL_RDMTS_SHIFT) & 3) + 1))
		e1000_set_ics(s, E1000_ICR_RXDMT0);
	e1000_delay_cause(s, E1000_ICR_RXT0, REG(s, E1000_RDTR) & 0xffff,
			  REG(s, E1000_RADV) & 0xffff, s->rx_timer, s->rx_abs_timer);
	return len;
}

/* ---- register file (13.4) ---- */

static bool e1000_reg_plain(uint32_t off)
{
	static const uint16_t plain[] = {
		E1000_CTRL_EXT, E1000_FCAL, E1000_FCAH, E1000_FCT, E1000_VET, E1000_ITR,
		E1000_FCTTV, E1000_TXCW, E1000_RXCW, E1000_TIPG, E1000_LEDCTL, E1000_PBA,
		E1000_FCRTL, E1000_FCRTH, E1000_RDBAL, E1000_RDBAH, E1000_RDLEN, E1000_RDTR,
		E1000_RADV, E1000_RSRPD, E1000_TDBAL, E1000_TDBAH, E1000_TDLEN, E1000_TIDV,
		E1000_TXDCTL, E1000_TADV, E1000_RXCSUM, E1000_WUC, E1000_MANC,
	};

	if ((off >= E1000_MTA && off < E1000_MTA + 512) || (off >= E1000_RA && off < E1000_RA + 128) ||
	    (off >= E1000_VFTA && off < E1000_VFTA + 512))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(plain); i++)
		if (plain[i] == off)
			return true;
	return false;
}

static void e1000_soft_reset(struct e1000_state *s);

static uint32_t e1000_reg_read(struct e1000_state *s, uint32_t off)
{
	uint32_t v;

	if (off >= E1000_NREGS * 4 || (off & 3)) {
		log_unimp("e1000: read of register 0x%x", off);
		return 0;
	}
	switch (off) {
	case E1000_CTRL: case E1000_STATUS: case E1000_RCTL: case E1000_TCTL: case E1000_MDIC:
	case E1000_RDH: case E1000_RDT: case E1000_TDH: case E1000_TDT:
		return REG(s, off);
	case E1000_IMS:
		return REG(s, E1000_IMS);
	case E1000_EECD:
		return e1000_eecd_read(s);
	case E1000_EERD:
		return e1000_eerd_read(s);
	case E1000_ICR:
		/* read to clear (13.4.17), and the line drops with it */
		v = REG(s, E1000_ICR);
		REG(s, E1000_ICR) = 0;
		e1000_update_irq(s);
		return v;
	}
	if (off >= E1000_STATS && off < E1000_STATS_END) {
		v = REG(s, off);
		REG(s, off) = 0;	/* statistics clear on read (13.7) */
		return v;
	}
	if (e1000_reg_plain(off))
		return REG(s, off);
	log_unimp("e1000: read of register 0x%x", off);
	return 0;
}

static void e1000_reg_write(struct e1000_state *s, uint32_t off, uint32_t v)
{
	if (off >= E1000_NREGS * 4 || (off & 3)) {
		log_unimp("e1000: write of register 0x%x", off);
		return;
	}
	switch (off) {
	case E1000_CTRL:
		if (v & E1000_CTRL_RST) {
			e1000_soft_reset(s);	/* self-clearing (13.4.1) */
			return;
		}
		REG(s, off) = v & ~E1000_CTRL_PHY_RST;
		if (v & E1000_CTRL_PHY_RST)
			e1000_phy_reset(s);
		return;
	case E1000_STATUS:
		return;			/* read-only */
	case E1000_EECD:
		e1000_eecd_write(s, v);
		return;
	case E1000_EERD:
		REG(s, off) = v;
		return;
	case E1000_MDIC:
		e1000_mdic_write(s, v);
		return;
	case E1000_ICR:
		REG(s, off) &= ~v;	/* writing 1s clears too */
		e1000_update_irq(s);
		return;
	case E1000_ICS:
		e1000_set_ics(s, v & E1000_ICR_VALID);
		return;
	case E1000_IMS:
		REG(s, E1000_IMS) |= v & E1000_ICR_VALID;
		e1000_update_irq(s);
		return;
	case E1000_IMC:
		REG(s, E1000_IMS) &= ~v;
		e1000_update_irq(s);
		return;
	case E1000_RCTL:
		REG(s, off) = v;
		net_client_flush_queue(s->nic);
		return;
	case E1000_TCTL:
		REG(s, off) = v;
		e1000_tx_run(s);
		return;
	case E1000_RDH: case E1000_TDH:
		REG(s, off) = v & 0xffff;
		return;
	case E1000_RDT:
		REG(s, off) = v & 0xffff;
		net_client_flush_queue(s->nic);	/* new buffers: take what waited */
		return;
	case E1000_TDT:
		REG(s, off) = v & 0xffff;
		e1000_tx_run(s);
		return;
	case E1000_RDTR:
		REG(s, off) = v & 0xffff;
		if (v & E1000_RDTR_FPD)		/* flush partial descriptor block: fire now */
			e1000_rx_delay_fire(s);
		return;
	case E1000_ITR:
		REG(s, off) = v & 0xffff;
		return;
	}
	if (e1000_reg_plain(off)) {
		REG(s, off) = v;
		return;
	}
	if (off >= E1000_STATS && off < E1000_STATS_END)
		return;			/* read-only counters */
	log_unimp("e1000: write 0x%x to register 0x%x", v, off);
}

static uint64_t e1000_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
	return e1000_reg_read(opaque, addr);
}

static void e1000_mmio_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	e1000_reg_write(opaque, addr, val);
}

static const struct memory_region_ops e1000_mmio_ops = {
	.read = e1000_mmio_read,
	.write = e1000_mmio_write,
	.impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* I/O BAR (13.3): IOADDR selects a register, IODATA reaches it */
static uint64_t e1000_io_read(void *opaque, uint64_t addr, unsigned size)
{
	struct e1000_state *s = opaque;

	if (addr == E1000_IOADDR)
		return s->ioaddr;
	if (addr == E1000_IODATA)
		return e1000_reg_read(s, s->ioaddr & (E1000_MMIO_SIZE - 1));
	return 0;	/* reserved: undefined, read as 0 */
}

static void e1000_io_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct e1000_state *s = opaque;

	if (addr == E1000_IOADDR)
		s->ioaddr = val;
	else if (addr == E1000_IODATA)
		e1000_reg_write(s, s->ioaddr & (E1000_MMIO_SIZE - 1), val);
}

static const struct memory_region_ops e1000_io_ops = {
	.read = e1000_io_read,
	.write = e1000_io_write,
	.impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* ---- reset ---- */

static void e1000_soft_reset(struct e1000_state *s)
{
	timer_del(s->itr_timer);
	timer_del(s->rx_timer);
	timer_del(s->rx_abs_timer);
	timer_del(s->tx_timer);
	timer_del(s->tx_abs_timer);
	memset(s->reg, 0, sizeof(s->reg));
	e1000_phy_reset(s);
	s->ee_old = s->ee_in = s->ee_bits_in = 0;
	s->ee_bit_out = -1;
	s->ee_reading = false;
	memset(&s->ctx, 0, sizeof(s->ctx));
	memset(&s->tso_ctx, 0, sizeof(s->tso_ctx));
	s->tx_size = s->tso_frames = s->tso_sent = 0;
	s->tx_tse = s->tx_skip = s->tx_vle = false;
	s->next_irq_ns = 0;
	/* power-on values (13.4): link up at 1000 Mb/s full duplex, 48K/16K packet buffer */
	REG(s, E1000_CTRL) = E1000_CTRL_SLU | E1000_CTRL_FD | 0x200 /* SPEED 1000 */;
	REG(s, E1000_STATUS) = E1000_STATUS_FD | E1000_STATUS_SPEED_1000 |
			       E1000_STATUS_ASDV_1000 | E1000_STATUS_GIO_MASTER;
	REG(s, E1000_PBA) = 0x00100030;
	REG(s, E1000_LEDCTL) = 0x07068302;
	REG(s, E1000_VET) = 0x8100;
	REG(s, E1000_RA) = ldl_le_p(s->mac.a);
	REG(s, E1000_RA + 4) = lduw_le_p(s->mac.a + 4) | E1000_RAH_AV;
	if (e1000_link_up(s)) {
		REG(s, E1000_STATUS) |= E1000_STATUS_LU;
	} else {
		s->phy[PHY_STATUS] &= ~(MII_SR_LINK_STATUS | MII_SR_AUTONEG_COMPLETE);
	}
	pci_set_irq(&s->parent, 0);
	net_client_purge_queue(s->nic);
}

static void e1000_reset(struct pci_device *pdev)
{
	e1000_soft_reset(E1000(pdev));
}

/* ---- life cycle ---- */

static char *e1000_describe(struct net_client *nc)
{
	struct e1000_state *s = nc->opaque;
	const uint8_t *m = s->mac.a;

	return g_strdup_printf("model=e1000,macaddr=%02x:%02x:%02x:%02x:%02x:%02x",
			       m[0], m[1], m[2], m[3], m[4], m[5]);
}

static const struct net_client_ops e1000_net_ops = {
	.receive = e1000_receive,
	.can_receive = e1000_can_receive,
	.link_status_changed = e1000_net_link_changed,
	.describe = e1000_describe,
};

static bool e1000_realize(struct pci_device *pdev, GError **errp)
{
	struct e1000_state *s = E1000(pdev);
	struct device *dev = DEVICE(pdev);
	g_autofree char *name = NULL;

	if (s->mac_str && *s->mac_str) {
		if (!net_parse_mac(s->mac_str, &s->mac, errp)) {
			g_prefix_error(errp, "e1000: ");
			return false;
		}
	} else {
		net_default_mac(&s->mac);
	}
	name = g_strdup(dev->id ? dev->id : "e1000");
	s->nic = net_client_new(&e1000_net_ops, NET_CLIENT_NIC, name, s);
	if (s->netdev && !net_client_set_peer(s->nic, s->netdev, errp)) {
		g_prefix_error(errp, "e1000: netdev=%s: ", s->netdev->name);
		net_client_free(s->nic);
		s->nic = NULL;
		return false;
	}
	pdev->config[PCI_INTERRUPT_PIN] = 1;
	memory_region_init_io(&s->mmio, OBJECT(s), &e1000_mmio_ops, s, "e1000-mmio",
			      E1000_MMIO_SIZE);
	memory_region_init_io(&s->io, OBJECT(s), &e1000_io_ops, s, "e1000-io", E1000_IO_SIZE);
	pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->mmio);
	pci_register_bar(pdev, 1, PCI_BASE_ADDRESS_SPACE_IO, &s->io);
	s->itr_timer = timer_new_ns(CLOCK_VIRTUAL, e1000_itr_fire, s);
	s->rx_timer = timer_new_ns(CLOCK_VIRTUAL, e1000_rx_delay_fire, s);
	s->rx_abs_timer = timer_new_ns(CLOCK_VIRTUAL, e1000_rx_delay_fire, s);
	s->tx_timer = timer_new_ns(CLOCK_VIRTUAL, e1000_tx_delay_fire, s);
	s->tx_abs_timer = timer_new_ns(CLOCK_VIRTUAL, e1000_tx_delay_fire, s);
	e1000_eeprom_init(s);
	e1000_soft_reset(s);
	{
		/* -boot n and bootindex= find the NIC by its class: /pci@i0cf8/ethernet@SLOT */
		g_autofree char *path = pci_device_fw_path(pdev);

		bootdevice_add(s->bootindex, dev, path);
	}
	return true;
}

static void e1000_exit(struct pci_device *pdev)
{
	struct e1000_state *s = E1000(pdev);

	bootdevice_remove(DEVICE(s));
	timer_free(s->itr_timer);
	timer_free(s->rx_timer);
	timer_free(s->rx_abs_timer);
	timer_free(s->tx_timer);
	timer_free(s->tx_abs_timer);
	net_client_free(s->nic);
	s->nic = NULL;
	memory_region_destroy(&s->mmio);
	memory_region_destroy(&s->io);
}

/* ---- state description ---- */

static const struct vmstate_field e1000_fields[] = {
	VMSTATE_PCI_DEVICE(struct e1000_state, parent),
	VMSTATE_U32_ARRAY(struct e1000_state, reg, E1000_NREGS),
	VMSTATE_U16_ARRAY(struct e1000_state, phy, PHY_REGS),
	VMSTATE_U16_ARRAY(struct e1000_state, eeprom, E1000_EEPROM_WORDS),
	VMSTATE_U32(struct e1000_state, ioaddr),
	VMSTATE_U32(struct e1000_state, ee_old),
	VMSTATE_U32(struct e1000_state, ee_in),
	VMSTATE_U32(struct e1000_state, ee_bits_in),
	VMSTATE_I32(struct e1000_state, ee_bit_out),
	VMSTATE_BOOL(struct e1000_state, ee_reading),
	VMSTATE_BUFFER(struct e1000_state, ctx),
	VMSTATE_BUFFER(struct e1000_state, tso_ctx),
	VMSTATE_U8_ARRAY(struct e1000_state, tx_buf, E1000_TX_BUF),
	VMSTATE_U32(struct e1000_state, tx_size),
	VMSTATE_U32(struct e1000_state, tso_frames),
	VMSTATE_U32(struct e1000_state, tso_sent),
	VMSTATE_U8_ARRAY(struct e1000_state, tso_hdr, 256),
	VMSTATE_U8(struct e1000_state, tx_popts),
	VMSTATE_BOOL(struct e1000_state, tx_tse),
	VMSTATE_BOOL(struct e1000_state, tx_vle),
	VMSTATE_BOOL(struct e1000_state, tx_skip),
	VMSTATE_U16(struct e1000_state, tx_vlan),
	VMSTATE_I64(struct e1000_state, next_irq_ns),
	VMSTATE_TIMER(struct e1000_state, itr_timer),
	VMSTATE_TIMER(struct e1000_state, rx_timer),
	VMSTATE_TIMER(struct e1000_state, rx_abs_timer),
	VMSTATE_TIMER(struct e1000_state, tx_timer),
	VMSTATE_TIMER(struct e1000_state, tx_abs_timer),
	VMSTATE_END
};

/* ---- properties and registration ---- */

static const struct property e1000_props[] = {
	PROP_STRING("mac", struct e1000_state, mac_str, NULL),
	PROP_NETDEV("netdev", struct e1000_state, netdev),
	PROP_I32("bootindex", struct e1000_state, bootindex, -1),
	PROP_BOOL("mitigation", struct e1000_state, mitigation, true),
	PROP_END
};

static void e1000_class_init(struct object_class *klass, const void *data)
{
	struct pci_device_class *k = PCI_DEVICE_CLASS(klass);

	k->realize = e1000_realize;
	k->exit = e1000_exit;
	k->reset = e1000_reset;
	k->vendor_id = PCI_VENDOR_ID_INTEL;
	k->device_id = 0x100e;
	k->revision = 0x03;
	k->class_id = PCI_CLASS_NETWORK_ETHERNET;
	k->romfile = "efi-e1000.rom";
}

DEFINE_DEVICE_TYPE(e1000, "e1000", TYPE_PCI_DEVICE, struct e1000_state,
		   .class_init = e1000_class_init, .props = e1000_props,
		   .vmstate = e1000_fields, .vmstate_version = 1,
		   .desc = "Intel Gigabit Ethernet", .category = "network");

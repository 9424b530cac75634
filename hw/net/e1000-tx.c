// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * e1000 transmit path (Intel 8254x SDM 317453 section 3.3; TSO: 3.5):
 * legacy descriptors, context descriptors (offload offsets, TSO header
 * length and MSS) and data descriptors, IP and TCP/UDP checksum insertion,
 * TCP segmentation, VLAN tag insertion, short-frame padding. The state and
 * the register file are in hw/net/e1000.c.
 *
 * Guest values are checked here: ring length, head and tail, descriptor and
 * buffer addresses (pci_dma_read), packet sizes (at most 64 KiB per frame),
 * TSO contexts (MSS 0, header offsets beyond the header) and checksum
 * offsets outside the frame. One pass handles at most one lap of the ring.
 */
#include "e1000-internal.h"

/* ---- transmit (3.3, 3.5 TSO) ---- */

/* One's complement sum of p[start..end) (end exclusive), big-endian words. */
static uint32_t e1000_csum_add(uint32_t sum, const uint8_t *p, uint32_t start, uint32_t end)
{
	for (uint32_t i = start; i < end; i += 2)
		sum += i + 1 < end ? (p[i] << 8 | p[i + 1]) : p[i] << 8;
	return sum;
}

static uint16_t e1000_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* Sum from css to cse (inclusive; 0: end of frame), stored at cso (3.3.7). */
static void e1000_insert_csum(uint8_t *p, uint32_t size, uint32_t css, uint32_t cso,
			      uint32_t cse, uint32_t add)
{
	uint32_t end = cse ? MIN(cse + 1, size) : size;

	if (css >= end || cso + 2 > size) {
		guest_error("e1000: checksum offsets css %u cso %u cse %u outside a %u-byte frame",
			    css, cso, cse, size);
		return;
	}
	if (add) {
		/* TSO: the driver's pseudo-header sum lacks the segment's length */
		uint32_t v = net_get_be16(p + cso) + add;

		net_put_be16(p + cso, (v & 0xffff) + (v >> 16));
	}
	net_put_be16(p + cso, e1000_csum_fold(e1000_csum_add(0, p, css, end)));
}

static void e1000_tx_frame(struct e1000_state *s, uint8_t *p, uint32_t size)
{
	uint8_t frame[E1000_TX_BUF + 4 + E1000_MIN_FRAME];

	if (s->tx_vle && (REG(s, E1000_CTRL) & E1000_CTRL_VME) && size >= 12) {
		/* 3.3.6: the tag from the descriptor goes after the source address */
		memcpy(frame, p, 12);
		net_put_be16(frame + 12, REG(s, E1000_VET) & 0xffff);
		net_put_be16(frame + 14, s->tx_vlan);
		memcpy(frame + 16, p + 12, size - 12);
		size += 4;
	} else {
		memcpy(frame, p, size);
	}
	if ((REG(s, E1000_TCTL) & E1000_TCTL_PSP) && size < E1000_MIN_FRAME) {
		memset(frame + size, 0, E1000_MIN_FRAME - size);
		size = E1000_MIN_FRAME;
	}
	e1000_stat_add(s, E1000_GPTC, 1, false);
	e1000_stat_add(s, E1000_TPT, 1, false);
	e1000_stat_add(s, E1000_GOTCL, size, true);
	e1000_stat_add(s, E1000_TOTL, size, true);
	if (!memcmp(frame, "\xff\xff\xff\xff\xff\xff", 6))
		e1000_stat_add(s, E1000_BPTC, 1, false);
	else if (frame[0] & 1)
		e1000_stat_add(s, E1000_MPTC, 1, false);
	net_client_send(s->nic, frame, size);
}

/* Send tx_buf as one segment of a TSO packet (3.5.3: header fix-ups per segment). */
static void e1000_tso_segment(struct e1000_state *s, bool last)
{
	struct e1000_tx_ctx *c = &s->tso_ctx;
	uint8_t *p = s->tx_buf;
	uint32_t size = s->tx_size, payload = size - c->hdr_len;

	if (!s->tso_frames)
		memcpy(s->tso_hdr, p, c->hdr_len);
	if (c->tucmd & E1000_TXD_TUCMD_IP) {
		net_put_be16(p + c->ipcss + 2, size - c->ipcss);		/* IPv4 total length */
		net_put_be16(p + c->ipcss + 4, net_get_be16(p + c->ipcss + 4) + s->tso_frames);
	} else {
		net_put_be16(p + c->ipcss + 4, size - c->ipcss - 40);	/* IPv6 payload length */
	}
	if (c->tucmd & E1000_TXD_TUCMD_TCP) {
		net_put_be32(p + c->tucss + 4, net_get_be32(p + c->tucss + 4) + s->tso_sent);
		if (!last)
			p[c->tucss + 13] &= ~0x09;	/* FIN and PSH only on the last segment */
	} else {
		net_put_be16(p + c->tucss + 4, size - c->tucss);		/* UDP length */
	}
	if (s->tx_popts & E1000_TXD_POPTS_IXSM)
		e1000_insert_csum(p, size, c->ipcss, c->ipcso, c->ipcse, 0);
	if (s->tx_popts & E1000_TXD_POPTS_TXSM)
		e1000_insert_csum(p, size, c->tucss, c->tucso, c->tucse, size - c->tucss);
	e1000_tx_frame(s, p, size);
	/* the next segment starts from the driver's header again */
	memcpy(p, s->tso_hdr, c->hdr_len);
	s->tso_frames++;
	s->tso_sent += payload;
	s->tx_size = c->hdr_len;
}

static bool e1000_tso_ctx_ok(struct e1000_tx_ctx *c)
{
	uint32_t l4min = (c->tucmd & E1000_TXD_TUCMD_TCP) ? 14 : 6;

	if (!c->mss || c->hdr_len + c->mss > E1000_TX_BUF || c->ipcss + 6 > c->hdr_len ||
	    c->tucss + l4min > c->hdr_len) {
		guest_error("e1000: TSO context unusable (hdr_len %u, mss %u, ipcss %u, tucss %u)",
			    c->hdr_len, c->mss, c->ipcss, c->tucss);
		return false;
	}
	return true;
}

/* Append len bytes of guest data at addr to the packet; TSO sends full segments. */
static void e1000_tx_data(struct e1000_state *s, uint64_t addr, uint32_t len)
{
	while (len && !s->tx_skip) {
		uint32_t limit = s->tx_tse ? s->tso_ctx.hdr_len + s->tso_ctx.mss : E1000_TX_BUF;
		uint32_t chunk;

		if (s->tx_size >= limit) {
			/* a full segment needs a usable context: never cut empty ones */
			if (s->tx_tse && !e1000_tso_ctx_ok(&s->tso_ctx)) {
				s->tx_skip = true;
				return;
			}
			if (!s->tx_tse) {
				guest_error("e1000: TX packet over %u bytes, dropped", E1000_TX_BUF);
				s->tx_skip = true;
				return;
			}
			e1000_tso_segment(s, false);
			continue;
		}
		chunk = MIN(len, limit - s->tx_size);
		if (pci_dma_read(&s->parent, addr, s->tx_buf + s->tx_size, chunk) != MEMTX_OK) {
			guest_error("e1000: TX buffer at 0x%" PRIx64 " (%u bytes) not readable",
				    addr, chunk);
			s->tx_skip = true;
			return;
		}
		s->tx_size += chunk;
		addr += chunk;
		len -= chunk;
	}
}

static void e1000_tx_eop(struct e1000_state *s, const uint8_t *legacy)
{
	if (s->tx_skip) {
		/* dropped */
	} else if (s->tx_tse) {
		if (s->tx_size > s->tso_ctx.hdr_len || !s->tso_frames)
			e1000_tso_segment(s, true);
	} else if (s->tx_size) {
		if (legacy && (legacy[11] & E1000_TXD_CMD_IC))
			e1000_insert_csum(s->tx_buf, s->tx_size, legacy[13], legacy[10], 0, 0);
		if (!legacy && (s->tx_popts & E1000_TXD_POPTS_IXSM))
			e1000_insert_csum(s->tx_buf, s->tx_size, s->ctx.ipcss, s->ctx.ipcso,
					  s->ctx.ipcse, 0);
		if (!legacy && (s->tx_popts & E1000_TXD_POPTS_TXSM))
			e1000_insert_csum(s->tx_buf, s->tx_size, s->ctx.tucss, s->ctx.tucso,
					  s->ctx.tucse, 0);
		e1000_tx_frame(s, s->tx_buf, s->tx_size);
	}
	s->tx_size = 0;
	s->tx_tse = s->tx_skip = false;
	s->tso_frames = s->tso_sent = 0;
}

/* Process one descriptor; returns its command byte. */
static uint8_t e1000_tx_desc(struct e1000_state *s, uint8_t *d)
{
	uint32_t lower = ldl_le_p(d + 8), upper = ldl_le_p(d + 12);
	uint8_t cmd = lower >> 24, dtyp = (lower >> 20) & 0xf;
	bool first = s->tx_size == 0 && !s->tx_skip;

	if (!(cmd & E1000_TXD_CMD_DEXT)) {
		/* legacy (3.3.3): length 15:0, CSO 23:16, CMD 31:24; CSS and special above */
		if (first) {
			s->tx_tse = false;
			s->tx_vle = cmd & E1000_TXD_CMD_VLE;
			s->tx_vlan = upper >> 16;
		}
		e1000_tx_data(s, ldq_le_p(d), lower & 0xffff);
		if (cmd & E1000_TXD_CMD_EOP)
			e1000_tx_eop(s, d);
		return cmd;
	}
	if (dtyp == E1000_TXD_DTYP_CONTEXT) {
		/* 3.3.4: the offsets apply to the data descriptors that follow */
		struct e1000_tx_ctx *c = (cmd & E1000_TXD_CMD_TSE) ? &s->tso_ctx : &s->ctx;

		/*
		 * A new TSO context in the middle of a TSO packet would change the
		 * segment size under it (the driver must not, 3.5.1): drop the packet.
		 */
		if ((cmd & E1000_TXD_CMD_TSE) && s->tx_tse && (s->tx_size || s->tso_frames)) {
			guest_error("e1000: TSO context descriptor inside a TSO packet");
			s->tx_skip = true;
		}

		c->ipcss = d[0];
		c->ipcso = d[1];
		c->ipcse = lduw_le_p(d + 2);
		c->tucss = d[4];
		c->tucso = d[5];
		c->tucse = lduw_le_p(d + 6);
		c->paylen = lower & 0xfffff;
		c->tucmd = cmd;
		c->hdr_len = upper >> 8;
		c->mss = upper >> 16;
		return cmd;
	}
	if (dtyp != E1000_TXD_DTYP_DATA) {
		guest_error("e1000: TX descriptor type %u unknown, skipped", dtyp);
		return cmd;
	}
	/* data (3.3.5): length 19:0, DCMD 31:24; POPTS 15:8 and special 31:16 above */
	if (first) {
		s->tx_popts = upper >> 8;
		s->tx_vle = cmd & E1000_TXD_CMD_VLE;
		s->tx_vlan = upper >> 16;
		s->tx_tse = cmd & E1000_TXD_CMD_TSE;
		if (s->tx_tse && !e1000_tso_ctx_ok(&s->tso_ctx))
			s->tx_skip = true;
	}
	e1000_tx_data(s, ldq_le_p(d), lower & 0xfffff);
	if (cmd & E1000_TXD_CMD_EOP)
		e1000_tx_eop(s, NULL);
	return cmd;
}

void e1000_tx_run(struct e1000_state *s)
{
	uint32_t n = (REG(s, E1000_TDLEN) & 0xfff80) / E1000_TXD_SIZE;
	uint64_t base = ((uint64_t)REG(s, E1000_TDBAH) << 32) | REG(s, E1000_TDBAL);
	uint32_t done = 0;
	bool ide = false;

	if (!(REG(s, E1000_TCTL) & E1000_TCTL_EN) || !n)
		return;
	if (REG(s, E1000_TDH) >= n || REG(s, E1000_TDT) >= n) {
		guest_error("e1000: TX ring head %u or tail %u beyond its %u descriptors",
			    REG(s, E1000_TDH), REG(s, E1000_TDT), n);
		return;
	}
	/* at most one lap: TDT cannot move while we hold the BQL */
	while (REG(s, E1000_TDH) != REG(s, E1000_TDT) && done < n) {
		uint64_t daddr = base + (uint64_t)REG(s, E1000_TDH) * E1000_TXD_SIZE;
		uint8_t d[E1000_TXD_SIZE];
		uint8_t cmd;

		if (pci_dma_read(&s->parent, daddr, d, sizeof(d)) != MEMTX_OK) {
			guest_error("e1000: TX descriptor at 0x%" PRIx64 " not readable", daddr);
			break;
		}
		cmd = e1000_tx_desc(s, d);
		if (cmd & (E1000_TXD_CMD_RS | E1000_TXD_CMD_RPS)) {
			uint8_t status = d[12] | E1000_TXD_STAT_DD;

			if (pci_dma_write(&s->parent, daddr + 12, &status, 1) != MEMTX_OK)
				guest_error("e1000: TX descriptor at 0x%" PRIx64 " not writable",
					    daddr);
		}
		ide = cmd & E1000_TXD_CMD_IDE;
		REG(s, E1000_TDH) = (REG(s, E1000_TDH) + 1) % n;
		done++;
	}
	if (!done)
		return;
	if (REG(s, E1000_TDH) == REG(s, E1000_TDT))
		e1000_set_ics(s, E1000_ICR_TXQE);
	if (ide)
		e1000_delay_cause(s, E1000_ICR_TXDW, REG(s, E1000_TIDV) & 0xffff,
				  REG(s, E1000_TADV) & 0xffff, s->tx_timer, s->tx_abs_timer);
	else
		e1000_set_ics(s, E1000_ICR_TXDW);
}


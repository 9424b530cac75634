/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The e1000's state and the helpers its two files share: hw/net/e1000.c
 * (registers, EEPROM, PHY, interrupts, receive, life cycle) and
 * hw/net/e1000-tx.c (transmit descriptors, checksum offload, TSO).
 * Not a public header: nothing outside hw/net includes it.
 */
#ifndef HW_NET_E1000_INTERNAL_H
#define HW_NET_E1000_INTERNAL_H

#include "kemu/common.h"
#include "hw/pci/pci.h"
#include "hw/net/e1000-regs.h"
#include "net/net.h"
#include "system/timer.h"

#define E1000_NREGS		(0x6000 / 4)	/* MAC registers kemu stores */
#define E1000_RXD_SIZE		16
#define E1000_TXD_SIZE		16
#define E1000_MAX_RX_FRAME	16384		/* largest RCTL buffer size */
#define E1000_TX_BUF		(65536 + 256)	/* one TSO segment or one frame */
#define E1000_MIN_FRAME		60		/* without FCS (3.3.5 short packet padding) */
#define E1000_MAX_NOLPE_FRAME	1522		/* 1518 + VLAN tag, when RCTL.LPE is clear */
#define E1000_INTR_DELAY_NS	1024		/* RDTR/RADV/TIDV/TADV unit */
#define E1000_ITR_UNIT_NS	256

struct e1000_tx_ctx {
	uint8_t ipcss, ipcso, tucss, tucso, hdr_len, tucmd;
	uint16_t ipcse, tucse, mss;
	uint32_t paylen;
};

struct e1000_state {
	struct pci_device parent;
	struct memory_region mmio, io;
	struct net_client *nic;

	/* guest-visible state */
	uint32_t reg[E1000_NREGS];
	uint16_t phy[PHY_REGS];
	uint16_t eeprom[E1000_EEPROM_WORDS];
	uint32_t ioaddr;
	/* Microwire state machine (5.3.1) */
	uint32_t ee_old, ee_in, ee_bits_in;
	int32_t ee_bit_out;		/* bit index into eeprom[], -1 before the first */
	bool ee_reading;
	/* transmit: the packet being assembled and the two offload contexts */
	struct e1000_tx_ctx ctx, tso_ctx;
	uint8_t tx_buf[E1000_TX_BUF];
	uint32_t tx_size;
	uint32_t tso_frames, tso_sent;	/* segments and payload sent of this TSO packet */
	uint8_t tso_hdr[256];		/* the packet's header as the driver wrote it */
	uint8_t tx_popts;
	bool tx_tse, tx_vle, tx_skip;
	uint16_t tx_vlan;
	/* interrupt moderation */
	int64_t next_irq_ns;		/* ITR: no interrupt before this */
	struct kemu_timer *itr_timer, *rx_timer, *rx_abs_timer, *tx_timer, *tx_abs_timer;

	/* properties */
	struct net_client *netdev;
	char *mac_str;
	int32_t bootindex;
	bool mitigation;
	struct mac_addr mac;
};

#define E1000(obj) OBJECT_CHECK(struct e1000_state, (obj), "e1000")
#define REG(s, r) ((s)->reg[(r) >> 2])

/* e1000.c */
void e1000_set_ics(struct e1000_state *s, uint32_t causes);
void e1000_delay_cause(struct e1000_state *s, uint32_t cause, uint32_t delay,
		       uint32_t abs_delay, struct kemu_timer *t, struct kemu_timer *abs_t);
void e1000_stat_add(struct e1000_state *s, uint32_t reg_lo, uint64_t v, bool wide);
/* e1000-tx.c: process the ring from TDH to TDT (TDT or TCTL written). */
void e1000_tx_run(struct e1000_state *s);

#endif

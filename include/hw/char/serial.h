/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 16550A UART core, shared by the bus glue (serial-isa.c; PCI/MMIO later).
 *
 * The glue embeds a struct serial_state, calls serial_realize() from its
 * realize, serial_reset() from its reset, and lists SERIAL_VMSTATE_FIELDS()
 * in its state description. The 8-byte register block is state.io; the
 * interrupt output is state.irq. The core knows neither its port nor its IRQ.
 *
 * "isa-serial" (hw/char/serial-isa.c) properties: index (COM1..COM4 = 0..3,
 * picks iobase/irq when those are not given), iobase, irq, chardev. It
 * places itself on the ISA bus in realize:
 *
 *	-device isa-serial,index=1,chardev=c0	(COM2: 0x2f8, IRQ 3)
 */
#ifndef HW_CHAR_SERIAL_H
#define HW_CHAR_SERIAL_H

#include "kemu/common.h"
#include "chardev/char.h"
#include "hw/irq.h"
#include "migration/vmstate.h"
#include "system/memory.h"
#include "system/timer.h"

struct device;

#define UART_FIFO_SIZE 16

struct serial_state {
	uint16_t divider;
	uint8_t rbr;			/* last byte read (an empty RBR reads it again) */
	uint8_t ier;
	uint8_t lcr;
	uint8_t mcr;
	uint8_t lsr;
	uint8_t msr;
	uint8_t scr;
	uint8_t fcr;
	bool thr_ipending;		/* THRE interrupt pending (cleared by IIR read) */
	bool timeout_ipending;		/* character timeout (FIFO mode) */
	uint8_t rx_fifo[UART_FIFO_SIZE];
	uint8_t rx_head;
	uint8_t rx_count;
	struct kemu_timer *rx_timeout;

	struct irq_line irq;
	struct memory_region io;
	struct chardev_frontend fe;
	struct object *owner;
};

bool serial_realize(struct serial_state *s, struct object *owner, struct chardev *chr,
		    GError **errp);
void serial_unrealize(struct serial_state *s);
void serial_reset(struct serial_state *s);

/* Fields of a struct serial_state embedded as member m of struct st. */
#define SERIAL_VMSTATE_FIELDS(st, m)				\
	VMSTATE_U16(st, m.divider),				\
	VMSTATE_U8(st, m.rbr),					\
	VMSTATE_U8(st, m.ier),					\
	VMSTATE_U8(st, m.lcr),					\
	VMSTATE_U8(st, m.mcr),					\
	VMSTATE_U8(st, m.lsr),					\
	VMSTATE_U8(st, m.msr),					\
	VMSTATE_U8(st, m.scr),					\
	VMSTATE_U8(st, m.fcr),					\
	VMSTATE_BOOL(st, m.thr_ipending),			\
	VMSTATE_BOOL(st, m.timeout_ipending),			\
	VMSTATE_U8_ARRAY(st, m.rx_fifo, UART_FIFO_SIZE),	\
	VMSTATE_U8(st, m.rx_head),				\
	VMSTATE_U8(st, m.rx_count),				\
	VMSTATE_TIMER(st, m.rx_timeout)

#define TYPE_ISA_SERIAL "isa-serial"

#endif

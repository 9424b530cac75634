/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupt lines. A device embeds a struct irq_line per output and drives it
 * with irq_line_set(); it never knows where the line goes. The board connects
 * the line to a sink (a GSI of the interrupt controller, a PIC input, a
 * device's input pin) with irq_line_connect(). An unconnected line is a no-op.
 *
 *	struct rtc_state { ... struct irq_line irq; };
 *	irq_line_raise(&s->irq);		  // in the device
 *	irq_line_connect(&rtc->irq, pc_gsi_set, pc, 8);   // in hw/i386/pc.c
 */
#ifndef HW_IRQ_H
#define HW_IRQ_H

typedef void (*irq_handler_fn)(void *opaque, int n, int level);

struct irq_line {
	irq_handler_fn handler;
	void *opaque;
	int n;
};

static inline void irq_line_connect(struct irq_line *irq, irq_handler_fn handler,
				    void *opaque, int n)
{
	irq->handler = handler;
	irq->opaque = opaque;
	irq->n = n;
}

static inline void irq_line_set(struct irq_line *irq, int level)
{
	if (irq->handler)
		irq->handler(irq->opaque, irq->n, level);
}

static inline void irq_line_raise(struct irq_line *irq) { irq_line_set(irq, 1); }
static inline void irq_line_lower(struct irq_line *irq) { irq_line_set(irq, 0); }
static inline void irq_line_pulse(struct irq_line *irq)
{
	irq_line_set(irq, 1);
	irq_line_set(irq, 0);
}

#endif

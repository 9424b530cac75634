/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PC's pair of 8259A programmable interrupt controllers ("i8259").
 *
 * One device models both chips: the master (ports 0x20-0x21 on a PC) with
 * the slave cascaded on its IRQ 2, and the PIIX edge/level control
 * registers (ELCR, ports 0x4d0-0x4d1). The board creates it, realizes it
 * and places its three 2-byte port regions:
 *
 *	struct pic_state *pic = PIC(device_new(TYPE_I8259));
 *	device_realize(DEVICE(pic), errp);
 *	memory_region_add_subregion(io, 0x20, pic_io_region(pic, PIC_REGION_MASTER));
 *	memory_region_add_subregion(io, 0xa0, pic_io_region(pic, PIC_REGION_SLAVE));
 *	memory_region_add_subregion(io, 0x4d0, pic_io_region(pic, PIC_REGION_ELCR));
 *
 * Inputs are the 16 ISA IRQ lines 0..15 (8..15 on the slave), driven with
 * pic_set_irq() as an irq_line handler:
 *	irq_line_connect(&line, pic_set_irq, pic, 4);
 * The output is INTR (pic_intr_line()), which the board connects to every
 * LAPIC's LINT0 (apic_deliver_pic_intr) or straight to the CPU. When the CPU
 * acknowledges INTR (the two INTA cycles) it calls pic_get_interrupt(), which
 * returns the vector and moves the IRQ from IRR to ISR. Everything is called
 * with the BQL held.
 */
#ifndef HW_INTC_I8259_H
#define HW_INTC_I8259_H

#include "kemu/common.h"
#include "hw/device.h"
#include "hw/irq.h"

struct memory_region;
struct x86_cpu;
struct pic_state;

#define TYPE_I8259 "i8259"
#define PIC(obj) OBJECT_CHECK(struct pic_state, (obj), TYPE_I8259)

enum pic_region {
	PIC_REGION_MASTER,	/* 2 ports: command (0x20), data (0x21) */
	PIC_REGION_SLAVE,	/* 2 ports: 0xa0, 0xa1 */
	PIC_REGION_ELCR,	/* 2 ports: 0x4d0 (IRQ 0-7), 0x4d1 (IRQ 8-15) */
};

struct memory_region *pic_io_region(struct pic_state *s, enum pic_region which);
/* INTR, the output to the CPU (LINT0 of the LAPICs). */
struct irq_line *pic_intr_line(struct pic_state *s);

/* irq_handler_fn for the 16 inputs: opaque is the pic_state, n is 0..15. */
void pic_set_irq(void *opaque, int n, int level);

/*
 * Interrupt acknowledge: the vector of the highest-priority pending IRQ
 * (its IRR bit moves to ISR unless auto-EOI), or the spurious vector of IRQ 7
 * (IRQ 15 for the slave) when the request went away. Never fails.
 */
int pic_get_interrupt(struct pic_state *s);
/* x86_cpu_irq_source.get_interrupt when there is no LAPIC (opaque = pic). */
int pic_cpu_get_interrupt(void *opaque, struct x86_cpu *cpu);
/* Is INTR asserted now? */
bool pic_intr_pending(struct pic_state *s);
/* `info pic`: both chips' registers, one line each. */
void pic_print_info(struct pic_state *s, GString *out);

#endif

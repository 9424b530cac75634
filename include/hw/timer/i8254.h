/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 8254 programmable interval timer ("isa-pit"), three 16-bit counters
 * clocked at 1.193182 MHz on CLOCK_VIRTUAL.
 *
 * The board places the 4-port region (counters 0-2 and the control word,
 * 0x40-0x43 on a PC) and connects counter 0's OUT to IRQ 0 / GSI 2:
 *
 *	struct pit_state *pit = PIT(device_new(TYPE_I8254));
 *	device_realize(DEVICE(pit), errp);
 *	memory_region_add_subregion(io, 0x40, pit_io_region(pit));
 *	irq_line_connect(pit_irq_line(pit), pc_gsi_set, pc, 0);
 *
 * Counter 2 belongs to port 0x61, which the board's system-control-port
 * handler implements with pit_set_gate(pit, 2, bit0) on writes and
 * pit_get_out(pit, 2, clock_get_ns(CLOCK_VIRTUAL)) for bit 5 on reads.
 * The gates of counters 0 and 1 are tied high. Only counter 0 ever arms a
 * timer, and only while its OUT is going to change.
 */
#ifndef HW_TIMER_I8254_H
#define HW_TIMER_I8254_H

#include "kemu/common.h"
#include "hw/device.h"
#include "hw/irq.h"

struct memory_region;
struct pit_state;

#define TYPE_I8254 "isa-pit"
#define PIT(obj) OBJECT_CHECK(struct pit_state, (obj), TYPE_I8254)

#define PIT_FREQ 1193182	/* Hz: 14.31818 MHz / 12 */

struct memory_region *pit_io_region(struct pit_state *s);
/* Counter 0's OUT (IRQ 0). */
struct irq_line *pit_irq_line(struct pit_state *s);

/* GATE input of counter ch (0..2); level 0 or 1. */
void pit_set_gate(struct pit_state *s, int ch, int level);
int pit_get_gate(struct pit_state *s, int ch);
/* OUT of counter ch at virtual time now_ns (normally clock_get_ns(CLOCK_VIRTUAL)). */
int pit_get_out(struct pit_state *s, int ch, int64_t now_ns);
/* Virtual time of counter 0's next timer event, -1 if none (monitor, tests). */
int64_t pit_next_event_ns(struct pit_state *s);
/* `info pit`: each counter's mode, count, gate and OUT now. */
void pit_print_info(struct pit_state *s, GString *out);

#endif

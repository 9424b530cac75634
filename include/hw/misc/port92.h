/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "port92": the PS/2 system control port A at 0x92. Bit 0 written 0->1
 * resets the machine (runstate_request_reset()); bit 1 is the fast A20
 * gate, driven on the "a20" output line the board connects to the CPUs'
 * A20 mask:
 *
 *	irq_line_connect(port92_a20_line(dev), pc_a20_set, pc, 0);
 */
#ifndef HW_MISC_PORT92_H
#define HW_MISC_PORT92_H

#include "hw/irq.h"

struct device;

#define TYPE_PORT92 "port92"

struct irq_line *port92_a20_line(struct device *dev);

#endif

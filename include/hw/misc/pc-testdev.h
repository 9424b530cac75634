/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "pc-testdev" (hw/misc/pc-testdev.c). Lines 0-15 reach the ISA IRQs by
 * themselves; the board wires 16-23 to IOAPIC GSIs 16-23 with this:
 */
#ifndef HW_MISC_PC_TESTDEV_H
#define HW_MISC_PC_TESTDEV_H

#include "hw/irq.h"

struct device;

struct irq_line *pc_testdev_irq_line(struct device *dev, int n);

#endif

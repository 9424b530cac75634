/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "i8042": the PC keyboard controller at ports 0x60 (data) and 0x64
 * (status/command), ISA IRQ 1 (keyboard) and 12 (mouse). It places itself
 * on the ISA bus. Its output port drives A20 (the "a20" line, which the
 * board connects to the CPUs' A20 mask) and the reset line (pulsing it calls
 * runstate_request_reset()):
 *
 *	irq_line_connect(i8042_a20_line(dev), pc_a20_set, pc, 0);
 *
 * It creates its PS/2 keyboard and mouse as children "ps2-kbd" and
 * "ps2-mouse" (include/hw/input/ps2.h), which take the input layer's key,
 * button and motion events (include/ui/input.h).
 */
#ifndef HW_INPUT_I8042_H
#define HW_INPUT_I8042_H

#include "hw/irq.h"

struct device;

#define TYPE_I8042 "i8042"

struct irq_line *i8042_a20_line(struct device *dev);

#endif

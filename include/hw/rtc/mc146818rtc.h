/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MC146818 RTC and CMOS RAM ("mc146818rtc"): ports iobase..iobase+1
 * (default 0x70), ISA IRQ irq (default 8). It places itself on the ISA bus.
 *
 * Properties: base = utc | localtime | YYYY-MM-DD[THH:MM:SS] (the date the
 * guest sees at start, as -rtc base=), clock = host | vm | rt (what moves the
 * date: host keeps wall-clock time across pauses, vm stops with the VM, as
 * -rtc clock=), iobase, irq.
 *
 * The board fills the CMOS bytes firmware reads (memory sizes at
 * 0x15-0x18/0x30-0x31/0x34-0x35/0x5b-0x5d, equipment 0x14, boot order
 * 0x3d/0x38, ...) after realize:
 *
 *	rtc_set_cmos(rtc, 0x34, (ram_below_4g - 16 * MiB) >> 16);
 */
#ifndef HW_RTC_MC146818RTC_H
#define HW_RTC_MC146818RTC_H

#include "kemu/common.h"

struct device;

#define TYPE_MC146818_RTC "mc146818rtc"

/* Byte addr (0..127) of CMOS RAM; out-of-range addresses are ignored. */
void rtc_set_cmos(struct device *rtc, int addr, uint8_t val);
uint8_t rtc_get_cmos(struct device *rtc, int addr);

#endif

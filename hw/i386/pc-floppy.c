// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pc board's ISA DMA controllers and floppy controller.
 *
 * As on QEMU's pc (i440FX), the floppy controller is always there, with
 * the drives -fda/-fdb/-drive if=floppy ask for (none is fine). The 8237
 * pair sits at 0x00/0xc0 with its page registers at 0x81-0x8f (0x80 is the
 * board's POST port). The firmware learns about the drives from CMOS:
 * byte 0x10 holds the type of drive A (bits 7-4) and B (bits 3-0), the
 * equipment byte 0x14 has bit 0 "floppy drives present" and bits 7-6 the
 * number of drives minus one (IBM PC/AT Technical Reference, CMOS map;
 * SeaBIOS's floppy.c reads 0x10).
 */
#include "hw/i386/pc.h"
#include "hw/block/fdc.h"
#include "hw/dma/i8257.h"
#include "hw/rtc/mc146818rtc.h"
#include "system/blockdev.h"

static struct device *pc_floppy_device_new(struct machine_state *ms, const char *type,
					   const char *name, const char *const *props,
					   struct drive_info *const *drives, GError **errp)
{
	struct device *dev = device_new(type);
	static const char *const drive_props[2] = { "driveA", "driveB" };
	GError *err = NULL;

	for (unsigned i = 0; props && props[i] && !err; i += 2)
		object_property_parse(OBJECT(dev), props[i], props[i + 1], &err);
	for (unsigned i = 0; drives && i < 2 && !err; i++)
		if (drives[i])
			object_property_set_ptr(OBJECT(dev), drive_props[i], drives[i], &err);
	if (!err)
		device_globals_apply(dev, &err);
	if (!err)
		machine_add_device(ms, name, dev);
	object_unref(OBJECT(dev));
	if (!err && !device_realize(dev, &err))
		object_unparent(OBJECT(dev));
	if (err) {
		g_propagate_prefixed_error(errp, err, "%s: ", type);
		return NULL;
	}
	return dev;
}

bool pc_floppy_init(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);
	static const char *const dma0[] = { "base", "0x00", "page-base", "0x80", "dshift", "0", NULL };
	static const char *const dma1[] = { "base", "0xc0", "page-base", "0x88", "dshift", "1", NULL };
	struct drive_info *drives[2] = { drive_get(IF_FLOPPY, 0, 0), drive_get(IF_FLOPPY, 0, 1) };
	struct device *fdc;
	uint8_t types[2], equipment;
	unsigned count = 0;

	if (!pc_floppy_device_new(ms, TYPE_I8257, "dma[0]", dma0, NULL, errp) ||
	    !pc_floppy_device_new(ms, TYPE_I8257, "dma[1]", dma1, NULL, errp))
		return false;
	fdc = pc_floppy_device_new(ms, TYPE_ISA_FDC, "fdc", NULL, drives, errp);
	if (!fdc)
		return false;

	for (int i = 0; i < 2; i++) {
		types[i] = fdc_get_drive_type(fdc, i);
		count += types[i] != FDC_DRIVE_TYPE_NONE;
	}
	rtc_set_cmos(pc->rtc, 0x10, types[0] << 4 | types[1]);
	equipment = rtc_get_cmos(pc->rtc, 0x14) & ~0xc1;
	if (count)
		equipment |= 0x01 | (count - 1) << 6;
	rtc_set_cmos(pc->rtc, 0x14, equipment);
	return true;
}

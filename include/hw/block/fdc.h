/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Floppy disk controller ("isa-fdc"): an Intel 82077AA in PC-AT mode at
 * iobase..iobase+5 and iobase+7 (default 0x3f0; 0x3f6 belongs to IDE),
 * ISA IRQ irq (default 6), ISA DMA channel dma (default 2), with up to two
 * drives (properties driveA/driveB, -drive if=floppy / -fda / -fdb, and
 * bootindexA/bootindexB as QEMU names them).
 *
 * The medium's geometry comes from the image size (360K, 720K, 1.2M, 1.44M,
 * 1.68M DMF, 2.88M); the drive type reported in CMOS follows from it:
 *
 *	uint8_t t = fdc_get_drive_type(fdc, 0);	   // FDC_DRIVE_TYPE_144 ...
 *	rtc_set_cmos(rtc, 0x10, t << 4 | fdc_get_drive_type(fdc, 1));
 *
 * pc_floppy_init() (hw/i386/pc-floppy.c) builds the ISA DMA pair and the
 * controller for the pc board and fills CMOS 0x10 and the equipment byte.
 */
#ifndef HW_BLOCK_FDC_H
#define HW_BLOCK_FDC_H

#include "kemu/common.h"

struct device;
struct pc_machine;

#define TYPE_ISA_FDC "isa-fdc"

/* CMOS 0x10 drive type codes (IBM PC/AT Technical Reference, CMOS map). */
enum fdc_drive_type {
	FDC_DRIVE_TYPE_NONE = 0,
	FDC_DRIVE_TYPE_360 = 1,		/* 5.25" 360K */
	FDC_DRIVE_TYPE_120 = 2,		/* 5.25" 1.2M */
	FDC_DRIVE_TYPE_720 = 3,		/* 3.5" 720K */
	FDC_DRIVE_TYPE_144 = 4,		/* 3.5" 1.44M */
	FDC_DRIVE_TYPE_288 = 5,		/* 3.5" 2.88M */
};

/* Type of drive n (0 = A, 1 = B); FDC_DRIVE_TYPE_NONE if it has no drive. */
enum fdc_drive_type fdc_get_drive_type(struct device *fdc, int n);

/* Build the ISA DMA controllers and the floppy controller of the pc board. */
bool pc_floppy_init(struct pc_machine *pc, GError **errp);

#endif

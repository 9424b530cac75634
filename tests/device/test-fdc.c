// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * isa-fdc (82077AA) with the 8237 pair on the harness and a raw image in a
 * temporary file: command/result phases, SENSE INTERRUPT STATUS after
 * reset/seek/recalibrate, READ DATA and WRITE DATA through DMA channel 2 and
 * in non-DMA mode, READ ID, FORMAT TRACK, write protection, the disk change
 * line, geometry from the image size, and hostile command bytes. Command
 * encodings and status bits from the Intel 82077AA data sheet, section 8.
 */
#include "harness.h"
#include "hw/block/fdc.h"
#include "hw/dma/i8257.h"
#include "system/blockdev.h"

#include <unistd.h>

#define DOR	0x3f2
#define MSR	0x3f4
#define DSR	0x3f4
#define FIFO	0x3f5
#define DIR	0x3f7
#define CCR	0x3f7

#define MSR_RQM		0x80
#define MSR_DIO		0x40
#define MSR_NDMA	0x20
#define MSR_CB		0x10

#define SIZE_144 1474560

static struct device *dma8, *dma16, *fdc;
static struct drive_info drive;
static char *image_path;

static uint8_t image_byte(uint64_t off)
{
	return (off / 512) * 3 + off % 251;
}

static void make_image(uint64_t size)
{
	g_autofree uint8_t *buf = g_malloc(size);
	GError *err = NULL;
	int fd;

	for (uint64_t i = 0; i < size; i++)
		buf[i] = image_byte(i);
	fd = g_file_open_tmp("kemu-fdc-XXXXXX.img", &image_path, &err);
	g_assert_no_error(err);
	g_assert_cmpint(write(fd, buf, size), ==, (ssize_t)size);
	close(fd);
}

static struct device *dma_new(const char *base, const char *page, const char *dshift)
{
	struct device *d = device_new(TYPE_I8257);
	GError *err = NULL;

	g_assert_true(object_property_parse(OBJECT(d), "base", base, &err));
	g_assert_true(object_property_parse(OBJECT(d), "page-base", page, &err));
	g_assert_true(object_property_parse(OBJECT(d), "dshift", dshift, &err));
	harness_realize(d);
	return d;
}

static void setup_image(uint64_t size, bool readonly)
{
	struct blk_open_opts o = { .format = "raw", .readonly = readonly };
	GError *err = NULL;

	harness_init();
	dma8 = dma_new("0x00", "0x80", "0");
	dma16 = dma_new("0xc0", "0x88", "1");
	make_image(size);
	memset(&drive, 0, sizeof(drive));
	drive.id = (char *)"floppy0";
	drive.type = IF_FLOPPY;
	drive.readonly = readonly;
	drive.blk = blk_open(image_path, &o, &err);
	g_assert_no_error(err);
	fdc = device_new(TYPE_ISA_FDC);
	g_assert_true(object_property_set_ptr(OBJECT(fdc), "driveA", &drive, &err));
	harness_realize(fdc);
	memset(harness_ram(), 0, 0x100000);
}

static void setup(void)
{
	setup_image(SIZE_144, false);
}

static void teardown(void)
{
	device_unrealize(fdc);
	object_unref(OBJECT(fdc));
	device_unrealize(dma8);
	device_unrealize(dma16);
	object_unref(OBJECT(dma8));
	object_unref(OBJECT(dma16));
	blk_close(drive.blk);
	unlink(image_path);
	g_free(image_path);
}

static void cmd(int n, ...)
{
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		g_assert_cmphex(inb(MSR) & (MSR_RQM | MSR_DIO), ==, MSR_RQM);
		outb(FIFO, va_arg(ap, int));
	}
	va_end(ap);
}

/* Run the main loop (block completions, DMA) until the result phase. */
static void wait_result(void)
{
	for (int i = 0; i < 20000; i++) {
		if ((inb(MSR) & (MSR_RQM | MSR_DIO)) == (MSR_RQM | MSR_DIO))
			return;
		main_loop_wait(1000000);
	}
	g_assert_not_reached();
}

static int result(uint8_t *res)
{
	int n = 0;

	wait_result();
	while ((inb(MSR) & (MSR_RQM | MSR_DIO)) == (MSR_RQM | MSR_DIO) && n < 16)
		res[n++] = inb(FIFO);
	g_assert_cmphex(inb(MSR) & (MSR_RQM | MSR_DIO | MSR_CB), ==, MSR_RQM);
	return n;
}

static void sense_interrupt(uint8_t *st0, uint8_t *pcn)
{
	uint8_t res[16];

	cmd(1, 0x08);
	g_assert_cmpint(result(res), ==, 2);
	*st0 = res[0];
	*pcn = res[1];
}

/* DMA channel 2: mode 0x46 (write to memory) or 0x4a (read from memory). */
static void dma_program(uint8_t mode, uint32_t addr, uint32_t bytes)
{
	outb(0x0a, 4 | 2);
	outb(0x0b, mode);
	outb(0x0c, 0);
	outb(0x04, addr & 0xff);
	outb(0x04, (addr >> 8) & 0xff);
	outb(0x81, addr >> 16);
	outb(0x05, (bytes - 1) & 0xff);
	outb(0x05, (bytes - 1) >> 8);
	outb(0x0a, 2);
}

static uint64_t lba_offset(int c, int h, int r)
{
	return ((uint64_t)(c * 2 + h) * 18 + r - 1) * 512;
}

static void seek(int c)
{
	uint8_t st0, pcn;

	cmd(3, 0x0f, 0x00, c);
	g_assert_cmpint(harness_isa_irq(6)->level, ==, 1);
	sense_interrupt(&st0, &pcn);
	g_assert_cmphex(st0, ==, 0x20);
	g_assert_cmpint(pcn, ==, c);
	g_assert_cmpint(harness_isa_irq(6)->level, ==, 0);
}

static void test_fdc_version_and_invalid_commands(void)
{
	uint8_t res[16];

	setup();
	cmd(1, 0x10);
	g_assert_cmpint(result(res), ==, 1);
	g_assert_cmphex(res[0], ==, 0x90);
	/* 82078 PART ID and an unassigned opcode: "invalid command" (ST0 0x80) */
	cmd(1, 0x18);
	g_assert_cmpint(result(res), ==, 1);
	g_assert_cmphex(res[0], ==, 0x80);
	cmd(1, 0x1f);
	g_assert_cmpint(result(res), ==, 1);
	g_assert_cmphex(res[0], ==, 0x80);
	/* nothing pending: SENSE INTERRUPT STATUS is invalid too */
	cmd(1, 0x08);
	g_assert_cmpint(result(res), ==, 1);
	g_assert_cmphex(res[0], ==, 0x80);
	teardown();
}

static void test_fdc_reset_then_four_sense_interrupts(void)
{
	uint8_t st0, pcn, res[16];

	setup();
	outb(DOR, 0x08);		/* enter reset */
	g_assert_cmphex(inb(MSR), ==, 0);
	outb(DOR, 0x0c);		/* leave reset: "ready changed" interrupt */
	g_assert_cmpint(harness_isa_irq(6)->level, ==, 1);
	for (int d = 0; d < 4; d++) {
		sense_interrupt(&st0, &pcn);
		g_assert_cmphex(st0, ==, 0xc0 | d);
	}
	g_assert_cmpint(harness_isa_irq(6)->level, ==, 0);
	cmd(1, 0x08);
	g_assert_cmpint(result(res), ==, 1);
	g_assert_cmphex(res[0], ==, 0x80);
	/* DSR software reset does the same; DMA gate off holds INT low */
	outb(DOR, 0x04);
	outb(DSR, 0x80);
	g_assert_cmpint(harness_isa_irq(6)->level, ==, 0);
	outb(DOR, 0x0c);
	g_assert_cmpint(harness_isa_irq(6)->level, ==, 1);
	teardown();
}

static void test_fdc_seek_recalibrate_and_relative_seek(void)
{
	uint8_t st0, pcn, res[16];

	setup();
	seek(10);
	cmd(3, 0x8f | 0x40, 0x00, 5);	/* relative seek, 5 tracks inwards */
	g_assert_cmphex(inb(MSR) & 0x01, ==, 0x01);	/* drive 0 busy until sensed */
	sense_interrupt(&st0, &pcn);
	g_assert_cmpint(pcn, ==, 15);
	g_assert_cmphex(inb(MSR) & 0x01, ==, 0);
	cmd(3, 0x8f, 0x00, 20);		/* outwards past 0 stops at 0 */
	sense_interrupt(&st0, &pcn);
	g_assert_cmpint(pcn, ==, 0);
	seek(7);
	cmd(2, 0x07, 0x00);
	sense_interrupt(&st0, &pcn);
	g_assert_cmphex(st0, ==, 0x20);
	g_assert_cmpint(pcn, ==, 0);
	/* SENSE DRIVE STATUS: track 0, ready, two-sided, not protected */
	cmd(2, 0x04, 0x00);
	g_assert_cmpint(result(res), ==, 1);
	g_assert_cmphex(res[0], ==, 0x38);
	/* recalibrating drive 3, which does not exist: equipment check */
	cmd(2, 0x07, 0x03);
	sense_interrupt(&st0, &pcn);
	g_assert_cmphex(st0, ==, 0x73);
	teardown();
}

static void test_fdc_read_data_dma_matches_image(void)
{
	uint8_t *ram = harness_ram();
	g_autofree uint8_t *want = g_malloc(1024);
	uint8_t res[16];

	setup();
	seek(3);
	dma_program(0x46, 0x20000, 1024);
	/* MT MFM READ DATA: drive 0 head 1, C3 H1 R17, EOT 18: two sectors */
	cmd(9, 0xe6, 0x04, 3, 1, 17, 2, 18, 0x1b, 0xff);
	g_assert_cmphex(inb(MSR) & MSR_CB, ==, MSR_CB);
	g_assert_cmpint(result(res), ==, 7);
	g_assert_cmphex(res[0], ==, 0x04);	/* normal termination, head 1 */
	g_assert_cmphex(res[1], ==, 0);
	g_assert_cmphex(res[2], ==, 0);
	/* last sector was EOT on head 1: next cylinder, head 0, sector 1 */
	g_assert_cmpint(res[3], ==, 4);
	g_assert_cmpint(res[4], ==, 0);
	g_assert_cmpint(res[5], ==, 1);
	g_assert_cmpint(res[6], ==, 2);
	for (int i = 0; i < 1024; i++)
		want[i] = image_byte(lba_offset(3, 1, 17) + i);
	g_assert_cmpmem(ram + 0x20000, 1024, want, 1024);
	g_assert_cmpint(harness_isa_irq(6)->level, ==, 0);	/* cleared by the result */

	/* multi-track: head 0 sector 18 continues on head 1 sector 1 */
	dma_program(0x46, 0x30000, 1024);
	cmd(9, 0xe6, 0x00, 3, 0, 18, 2, 18, 0x1b, 0xff);
	result(res);
	g_assert_cmphex(res[0], ==, 0x04);
	g_assert_cmpint(res[3], ==, 3);
	g_assert_cmpint(res[4], ==, 1);
	g_assert_cmpint(res[5], ==, 2);
	for (int i = 0; i < 512; i++) {
		g_assert_cmpint(ram[0x30000 + i], ==, image_byte(lba_offset(3, 0, 18) + i));
		g_assert_cmpint(ram[0x30200 + i], ==, image_byte(lba_offset(3, 1, 1) + i));
	}
	teardown();
}

static void test_fdc_read_past_eot_without_tc_ends_with_end_of_cylinder(void)
{
	uint8_t res[16];

	setup();
	dma_program(0x46, 0x20000, 4 * 512);
	cmd(9, 0x66, 0x00, 0, 0, 1, 2, 2, 0x1b, 0xff);	/* sectors 1-2, DMA wants 4 */
	result(res);
	g_assert_cmphex(res[0], ==, 0x40);
	g_assert_cmphex(res[1], ==, 0x80);
	g_assert_cmpint(res[3], ==, 1);			/* next cylinder, R=1 */
	g_assert_cmpint(res[5], ==, 1);
	teardown();
}

static void test_fdc_dma_count_inside_a_sector_stops_there(void)
{
	uint8_t *ram = harness_ram();
	uint8_t res[16];

	setup();
	memset(ram + 0x20000, 0xee, 512);
	dma_program(0x46, 0x20000, 100);
	cmd(9, 0x66, 0x00, 0, 0, 5, 2, 18, 0x1b, 0xff);
	result(res);
	g_assert_cmphex(res[0], ==, 0x00);
	g_assert_cmpint(res[5], ==, 6);
	g_assert_cmpint(ram[0x20000 + 99], ==, image_byte(lba_offset(0, 0, 5) + 99));
	g_assert_cmpint(ram[0x20000 + 100], ==, 0xee);
	teardown();
}

static void test_fdc_write_data_lands_in_the_image(void)
{
	uint8_t *ram = harness_ram();
	uint8_t res[16], back[1024];

	setup();
	seek(1);
	for (int i = 0; i < 1024; i++)
		ram[0x40000 + i] = i ^ 0xa5;
	dma_program(0x4a, 0x40000, 1024);
	cmd(9, 0x45, 0x04, 1, 1, 5, 2, 18, 0x1b, 0xff);
	result(res);
	g_assert_cmphex(res[0], ==, 0x04);
	g_assert_cmphex(res[1], ==, 0);
	g_assert_cmpint(res[5], ==, 7);
	g_assert_cmpint(blk_pread(drive.blk, lba_offset(1, 1, 5), back, 1024), ==, 0);
	g_assert_cmpmem(back, 1024, ram + 0x40000, 1024);
	/* the neighbours are untouched */
	g_assert_cmpint(blk_pread(drive.blk, lba_offset(1, 1, 7), back, 512), ==, 0);
	g_assert_cmpint(back[0], ==, image_byte(lba_offset(1, 1, 7)));
	teardown();
}

static void test_fdc_write_protected_medium_refuses_writes(void)
{
	uint8_t res[16], back[512];

	setup_image(SIZE_144, true);
	dma_program(0x4a, 0x40000, 512);
	cmd(9, 0x45, 0x00, 0, 0, 1, 2, 18, 0x1b, 0xff);
	result(res);
	g_assert_cmphex(res[0], ==, 0x40);
	g_assert_cmphex(res[1], ==, 0x02);		/* not writable */
	g_assert_cmpint(blk_pread(drive.blk, 0, back, 512), ==, 0);
	g_assert_cmpint(back[1], ==, image_byte(1));
	cmd(2, 0x04, 0x00);
	result(res);
	g_assert_cmphex(res[0] & 0x40, ==, 0x40);	/* ST3 write protect */
	cmd(6, 0x4d, 0x00, 2, 18, 0x54, 0xf6);		/* FORMAT too */
	result(res);
	g_assert_cmphex(res[1], ==, 0x02);
	teardown();
}

static void test_fdc_read_id_and_data_rate(void)
{
	uint8_t res[16];

	setup();
	seek(12);
	cmd(2, 0x4a, 0x04);
	g_assert_cmpint(result(res), ==, 7);
	g_assert_cmphex(res[0], ==, 0x04);
	g_assert_cmpint(res[3], ==, 12);
	g_assert_cmpint(res[4], ==, 1);
	g_assert_true(res[5] >= 1 && res[5] <= 18);
	g_assert_cmpint(res[6], ==, 2);
	g_assert_cmpint(harness_isa_irq(6)->level, ==, 0);
	/* 250 kbit/s cannot read a 1.44M disk: missing address mark */
	outb(CCR, 2);
	cmd(2, 0x4a, 0x00);
	result(res);
	g_assert_cmphex(res[0], ==, 0x40);
	g_assert_cmphex(res[1], ==, 0x01);
	outb(CCR, 0);
	teardown();
}

static void test_fdc_format_track_fills_sectors(void)
{
	uint8_t *ram = harness_ram();
	uint8_t res[16], back[512];

	setup();
	seek(2);
	for (int r = 1; r <= 18; r++) {
		ram[0x50000 + (r - 1) * 4 + 0] = 2;
		ram[0x50000 + (r - 1) * 4 + 1] = 0;
		ram[0x50000 + (r - 1) * 4 + 2] = r;
		ram[0x50000 + (r - 1) * 4 + 3] = 2;
	}
	dma_program(0x4a, 0x50000, 18 * 4);
	cmd(6, 0x4d, 0x00, 2, 18, 0x54, 0xe5);
	result(res);
	g_assert_cmphex(res[0], ==, 0x00);
	for (int r = 1; r <= 18; r++) {
		g_assert_cmpint(blk_pread(drive.blk, lba_offset(2, 0, r), back, 512), ==, 0);
		g_assert_cmpint(back[0], ==, 0xe5);
		g_assert_cmpint(back[511], ==, 0xe5);
	}
	g_assert_cmpint(blk_pread(drive.blk, lba_offset(2, 1, 1), back, 512), ==, 0);
	g_assert_cmpint(back[0], ==, image_byte(lba_offset(2, 1, 1)));
	teardown();
}

static void test_fdc_disk_change_line(void)
{
	uint8_t st0, pcn;

	setup();
	outb(DOR, 0x1c);
	g_assert_cmphex(inb(DIR) & 0x80, ==, 0x80);	/* set from power-on */
	cmd(2, 0x07, 0x00);				/* no step at track 0 */
	sense_interrupt(&st0, &pcn);
	g_assert_cmphex(inb(DIR) & 0x80, ==, 0x80);
	seek(1);					/* a step with a disk in */
	g_assert_cmphex(inb(DIR) & 0x80, ==, 0);
	drive.dev_ops->change_media(drive.dev_opaque, true);
	g_assert_cmphex(inb(DIR) & 0x80, ==, 0x80);
	seek(0);
	g_assert_cmphex(inb(DIR) & 0x80, ==, 0);
	/* drive B does not exist: no change line */
	outb(DOR, 0x2d);
	g_assert_cmphex(inb(DIR) & 0x80, ==, 0);
	teardown();
}

static void test_fdc_non_dma_read_through_the_fifo(void)
{
	uint8_t res[16];
	int n = 0;

	setup();
	cmd(3, 0x03, 0xaf, 0x03);			/* SPECIFY, ND=1 */
	cmd(9, 0x66, 0x00, 0, 0, 3, 2, 3, 0x1b, 0xff);	/* one sector, EOT = R */
	for (int i = 0; i < 20000 && n < 512; i++) {
		uint8_t msr = inb(MSR);

		if (msr == (MSR_RQM | MSR_DIO | MSR_NDMA | MSR_CB)) {
			g_assert_cmpint(inb(FIFO), ==, image_byte(lba_offset(0, 0, 3) + n));
			n++;
		} else {
			main_loop_wait(1000000);
		}
	}
	g_assert_cmpint(n, ==, 512);
	result(res);
	/* no TC in non-DMA mode: the read runs off EOT (end of cylinder) */
	g_assert_cmphex(res[0], ==, 0x40);
	g_assert_cmphex(res[1], ==, 0x80);
	teardown();
}

static void test_fdc_configure_dumpreg_lock(void)
{
	uint8_t res[16];

	setup();
	cmd(4, 0x13, 0x00, 0x57, 0x09);			/* EIS, no FIFO, thr 7 */
	cmd(1, 0x94);					/* LOCK */
	g_assert_cmpint(result(res), ==, 1);
	g_assert_cmphex(res[0], ==, 0x10);
	outb(DSR, 0x80);				/* software reset keeps locked settings */
	cmd(1, 0x0e);
	g_assert_cmpint(result(res), ==, 10);
	g_assert_cmphex(res[7] & 0x80, ==, 0x80);
	g_assert_cmphex(res[8], ==, 0x57);
	g_assert_cmphex(res[9], ==, 0x09);
	cmd(1, 0x14);					/* UNLOCK */
	result(res);
	g_assert_cmphex(res[0], ==, 0x00);
	cmd(2, 0x12, 0x83);				/* PERPENDICULAR MODE, no result */
	g_assert_cmphex(inb(MSR) & (MSR_RQM | MSR_DIO | MSR_CB), ==, MSR_RQM);
	teardown();
}

static void test_fdc_hostile_commands(void)
{
	uint8_t res[16];

	setup();
	/* FIFO read in the command phase, write in the result phase */
	g_assert_cmphex(inb(FIFO), ==, 0xff);
	cmd(1, 0x10);
	wait_result();
	outb(FIFO, 0x06);
	g_assert_cmphex(inb(FIFO), ==, 0x90);
	/* sector 0, sector 19, size code 3, cylinder 85, head 1 on a head-0 command */
	dma_program(0x46, 0x20000, 512);
	cmd(9, 0x66, 0x00, 0, 0, 0, 2, 18, 0x1b, 0xff);
	result(res);
	g_assert_cmphex(res[0], ==, 0x40);
	g_assert_cmphex(res[1], ==, 0x04);
	cmd(9, 0x66, 0x00, 0, 0, 19, 2, 18, 0x1b, 0xff);
	result(res);
	g_assert_cmphex(res[1], ==, 0x04);
	cmd(9, 0x66, 0x00, 0, 0, 1, 3, 18, 0x1b, 0xff);
	result(res);
	g_assert_cmphex(res[1], ==, 0x04);
	cmd(9, 0x66, 0x00, 85, 0, 1, 2, 18, 0x1b, 0xff);
	result(res);
	g_assert_cmphex(res[0], ==, 0x40);
	cmd(9, 0x66, 0x00, 0, 1, 1, 2, 18, 0x1b, 0xff);
	result(res);
	g_assert_cmphex(res[0] & 0x40, ==, 0x40);
	/* drive 2: nothing there */
	cmd(9, 0x66, 0x02, 0, 0, 1, 2, 18, 0x1b, 0xff);
	result(res);
	g_assert_cmphex(res[0], ==, 0x42);
	/* random bytes at every port must leave the controller answering */
	for (int i = 0; i < 3000; i++) {
		uint16_t port = 0x3f0 + g_test_rand_int_range(0, 8);

		if (port == 0x3f6)
			continue;
		if (g_test_rand_bit())
			outb(port, g_test_rand_int());
		else
			(void)inb(port);
		if (i % 64 == 0)
			main_loop_wait(0);
	}
	for (int i = 0; i < 200; i++)
		main_loop_wait(1000);
	outb(DOR, 0x08);
	outb(DSR, 0x00);
	outb(DOR, 0x0c);
	for (int d = 0; d < 4; d++) {
		uint8_t st0, pcn;

		sense_interrupt(&st0, &pcn);
	}
	cmd(1, 0x10);
	result(res);
	g_assert_cmphex(res[0], ==, 0x90);
	teardown();
}

static void test_fdc_geometry_follows_image_size(void)
{
	static const struct { uint64_t size; int type, rate, sectors; } cases[] = {
		{ 737280, FDC_DRIVE_TYPE_144, 2, 9 },
		{ 368640, FDC_DRIVE_TYPE_120, 1, 9 },
		{ 1228800, FDC_DRIVE_TYPE_120, 0, 15 },
		{ 1720320, FDC_DRIVE_TYPE_144, 0, 21 },
		{ 2949120, FDC_DRIVE_TYPE_288, 3, 36 },
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
		uint8_t res[16];

		setup_image(cases[i].size, false);
		g_assert_cmpint(fdc_get_drive_type(fdc, 0), ==, cases[i].type);
		g_assert_cmpint(fdc_get_drive_type(fdc, 1), ==, FDC_DRIVE_TYPE_NONE);
		outb(CCR, cases[i].rate);
		dma_program(0x46, 0x20000, 512);
		cmd(9, 0x66, 0x00, 0, 0, cases[i].sectors, 2, cases[i].sectors, 0x1b, 0xff);
		result(res);
		g_assert_cmphex(res[0], ==, 0x00);
		g_assert_cmpint(((uint8_t *)harness_ram())[0x20000 + 7], ==,
				image_byte(((uint64_t)cases[i].sectors - 1) * 512 + 7));
		cmd(9, 0x66, 0x00, 0, 0, cases[i].sectors + 1, 2, 40, 0x1b, 0xff);
		result(res);
		g_assert_cmphex(res[1], ==, 0x04);
		teardown();
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/fdc/version-and-invalid-commands", test_fdc_version_and_invalid_commands);
	g_test_add_func("/fdc/reset-then-four-sense-interrupts",
			test_fdc_reset_then_four_sense_interrupts);
	g_test_add_func("/fdc/seek-recalibrate-and-relative-seek",
			test_fdc_seek_recalibrate_and_relative_seek);
	g_test_add_func("/fdc/read-data-dma-matches-image", test_fdc_read_data_dma_matches_image);
	g_test_add_func("/fdc/read-past-eot-without-tc-ends-with-end-of-cylinder",
			test_fdc_read_past_eot_without_tc_ends_with_end_of_cylinder);
	g_test_add_func("/fdc/dma-count-inside-a-sector-stops-there",
			test_fdc_dma_count_inside_a_sector_stops_there);
	g_test_add_func("/fdc/write-data-lands-in-the-image", test_fdc_write_data_lands_in_the_image);
	g_test_add_func("/fdc/write-protected-medium-refuses-writes",
			test_fdc_write_protected_medium_refuses_writes);
	g_test_add_func("/fdc/read-id-and-data-rate", test_fdc_read_id_and_data_rate);
	g_test_add_func("/fdc/format-track-fills-sectors", test_fdc_format_track_fills_sectors);
	g_test_add_func("/fdc/disk-change-line", test_fdc_disk_change_line);
	g_test_add_func("/fdc/non-dma-read-through-the-fifo", test_fdc_non_dma_read_through_the_fifo);
	g_test_add_func("/fdc/configure-dumpreg-lock", test_fdc_configure_dumpreg_lock);
	g_test_add_func("/fdc/hostile-commands", test_fdc_hostile_commands);
	g_test_add_func("/fdc/geometry-follows-image-size", test_fdc_geometry_follows_image_size);
	return g_test_run();
}

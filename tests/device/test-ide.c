// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PIIX3 IDE with an ATA disk on ide.0 unit 0 (ports 0x1f0/0x3f6, IRQ 14)
 * and an ATAPI CD-ROM on ide.1 unit 0 (0x170/0x376, IRQ 15), driven
 * through their registers as a driver would (ATA/ATAPI-6 section 9
 * protocols; SFF-8038i bus-master DMA). Images are real files in a
 * temporary directory, each 32-bit word holding its own byte offset, so
 * any data the guest sees can be checked against where it came from.
 */
#include "pci-helpers.h"
#include "hw/ide/ide.h"
#include "system/blockdev.h"
#include "block/block.h"
#include <glib/gstdio.h>
#include <fcntl.h>
#include <unistd.h>

#define P0 0x1f0
#define C0 0x3f6
#define P1 0x170
#define C1 0x376
#define BM 0xc000
#define IDE_DEVFN PCI_DEVFN(1, 1)

#define BSY 0x80
#define DRDY 0x40
#define DRQ 0x08
#define ERR 0x01
#define ABRT 0x04
#define IDNF 0x10

#define HD_SECTORS 16384	/* 8 MiB */
#define CD_BLOCKS 512		/* 1 MiB */

static struct pci_test_machine m;
static char *tmpdir;
static char *hd_path, *cd_path, *cd2_path;
static struct drive_info hd_drive, cd_drive;
static struct device *hd_dev, *cd_dev;

static uint32_t pattern(uint64_t off, uint32_t seed)
{
	return (uint32_t)off ^ seed;
}

static char *make_image(const char *name, uint64_t size, uint32_t seed)
{
	char *path = g_build_filename(tmpdir, name, NULL);
	g_autofree uint32_t *buf = g_malloc(size);

	for (uint64_t i = 0; i < size / 4; i++)
		buf[i] = pattern(i * 4, seed);
	g_assert_true(g_file_set_contents(path, (char *)buf, size, NULL));
	return path;
}

static struct blk *open_image(const char *path, bool readonly)
{
	struct blk_open_opts o = { .format = "raw", .readonly = readonly };
	GError *err = NULL;
	struct blk *blk = blk_open(path, &o, &err);

	g_assert_no_error(err);
	return blk;
}

static struct device *drive_device_new(const char *type, struct drive_info *di,
				       const char *bus)
{
	struct device *dev = device_new(type);
	GError *err = NULL;

	g_assert_true(object_property_set_ptr(OBJECT(dev), "drive", di, &err));
	g_assert_true(object_property_parse(OBJECT(dev), "bus", bus, &err));
	g_assert_true(object_property_parse(OBJECT(dev), "unit", "0", &err));
	harness_realize(dev);
	return dev;
}

/* The controller at 00:01.1, BAR4 at BM, I/O and bus mastering on, both drives. */
static void setup(bool cd_medium)
{
	struct pci_device *pci;
	GError *err = NULL;

	pci_test_init(&m);
	pci = pci_new(m.bus, IDE_DEVFN, "piix3-ide");
	g_assert_true(pci_realize(pci, &err));
	cfg_writel(IDE_DEVFN, PCI_BASE_ADDRESS_0 + 16, BM);
	cfg_writew(IDE_DEVFN, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MASTER);

	memset(&hd_drive, 0, sizeof(hd_drive));
	hd_drive.id = (char *)"ide0-hd0";
	hd_drive.type = IF_IDE;
	hd_drive.media = DRIVE_MEDIA_DISK;
	hd_drive.blk = open_image(hd_path, false);
	hd_dev = drive_device_new("ide-hd", &hd_drive, "ide.0");

	memset(&cd_drive, 0, sizeof(cd_drive));
	cd_drive.id = (char *)"ide1-cd0";
	cd_drive.type = IF_IDE;
	cd_drive.bus = 1;
	cd_drive.media = DRIVE_MEDIA_CDROM;
	cd_drive.readonly = true;
	cd_drive.blk = cd_medium ? open_image(cd_path, true) : NULL;
	cd_dev = drive_device_new("ide-cd", &cd_drive, "ide.1");
	memset(harness_isa_irq(14), 0, sizeof(struct irq_probe));
	memset(harness_isa_irq(15), 0, sizeof(struct irq_probe));
}

static void teardown(void)
{
	device_unrealize(hd_dev);
	object_unref(OBJECT(hd_dev));
	device_unrealize(cd_dev);
	object_unref(OBJECT(cd_dev));
	pci_test_fini(&m);
	if (hd_drive.blk)
		blk_close(hd_drive.blk);
	if (cd_drive.blk)
		blk_close(cd_drive.blk);
	g_free(cd_drive.filename);	/* set by drive_change_medium */
	g_free(cd_drive.format);
}

/* Status once BSY drops, running the main loop for block completions. */
static uint8_t wait_ready(uint16_t ctl)
{
	for (int i = 0; i < 100000; i++) {
		uint8_t st = inb(ctl);

		if (!(st & BSY))
			return st;
		main_loop_wait(1 * NS_PER_MS);
	}
	g_assert_not_reached();
}

static void ata_lba28(uint8_t cmd, uint32_t lba, uint8_t count)
{
	outb(P0 + 6, 0xe0 | ((lba >> 24) & 0x0f));
	outb(P0 + 2, count);
	outb(P0 + 3, lba);
	outb(P0 + 4, lba >> 8);
	outb(P0 + 5, lba >> 16);
	outb(P0 + 7, cmd);
}

static void ata_lba48(uint8_t cmd, uint64_t lba, uint16_t count)
{
	outb(P0 + 6, 0x40);
	outb(P0 + 2, count >> 8);
	outb(P0 + 3, lba >> 24);
	outb(P0 + 4, lba >> 32);
	outb(P0 + 5, lba >> 40);
	outb(P0 + 2, count);
	outb(P0 + 3, lba);
	outb(P0 + 4, lba >> 8);
	outb(P0 + 5, lba >> 16);
	outb(P0 + 7, cmd);
}

static void check_sector(const uint8_t *buf, uint64_t lba, uint32_t seed, unsigned size)
{
	for (unsigned i = 0; i < size; i += 4)
		g_assert_cmphex(ldl_le_p(buf + i), ==, pattern(lba * size + i, seed));
}

/* Read one DRQ block of n bytes from the data port in 16-bit words. */
static void pio_in(uint16_t port, uint8_t *buf, unsigned n)
{
	for (unsigned i = 0; i < n; i += 2)
		stw_le_p(buf + i, inw(port));
}

/* ---- PCI function, signatures, reset ---- */

static void test_ide_piix3_pci_header(void)
{
	setup(true);
	g_assert_cmphex(cfg_readl(IDE_DEVFN, PCI_VENDOR_ID), ==, 0x70108086);
	g_assert_cmphex(cfg_readl(IDE_DEVFN, PCI_REVISION_ID) >> 8, ==, 0x010180);
	g_assert_cmphex(cfg_readl(IDE_DEVFN, PCI_BASE_ADDRESS_0 + 16), ==, BM | 1);
	/* IDETIM: decode enabled after reset (the ports always decode), storage */
	g_assert_cmphex(cfg_readw(IDE_DEVFN, 0x40), ==, 0x8000);
	g_assert_cmphex(cfg_readw(IDE_DEVFN, 0x42), ==, 0x8000);
	cfg_writew(IDE_DEVFN, 0x40, 0xa307);
	g_assert_cmphex(cfg_readw(IDE_DEVFN, 0x40), ==, 0xa307);
	teardown();
}

static void test_ide_srst_sets_ata_and_atapi_signatures(void)
{
	setup(true);
	/* SRST on: both busy; off: signatures, diagnostic code 01h, no interrupt */
	outb(C0, 0x04);
	g_assert_cmphex(inb(C0) & BSY, ==, BSY);
	outb(C0, 0x00);
	g_assert_cmphex(inb(P0 + 7), ==, DRDY | 0x10);
	g_assert_cmphex(inb(P0 + 1), ==, 0x01);
	g_assert_cmphex(inb(P0 + 2), ==, 1);
	g_assert_cmphex(inb(P0 + 3), ==, 1);
	g_assert_cmphex(inb(P0 + 4), ==, 0);
	g_assert_cmphex(inb(P0 + 5), ==, 0);

	outb(C1, 0x04);
	outb(C1, 0x00);
	g_assert_cmphex(inb(P1 + 4), ==, 0x14);
	g_assert_cmphex(inb(P1 + 5), ==, 0xeb);
	g_assert_cmphex(inb(P1 + 7), ==, 0);
	g_assert_cmpint(harness_isa_irq(14)->raises, ==, 0);

	/* no device 1 on ide.0: status reads 0 */
	outb(P0 + 6, 0xb0);
	g_assert_cmphex(inb(P0 + 7), ==, 0);
	/* IDENTIFY DEVICE to a packet device aborts and shows the signature */
	outb(P1 + 6, 0xa0);
	outb(P1 + 7, 0xec);
	g_assert_cmphex(inb(P1 + 7) & ERR, ==, ERR);
	g_assert_cmphex(inb(P1 + 1) & ABRT, ==, ABRT);
	g_assert_cmphex(inb(P1 + 4) | inb(P1 + 5) << 8, ==, 0xeb14);
	teardown();
}

/* ---- IDENTIFY ---- */

static void test_ide_identify_device_words(void)
{
	uint8_t id[512];
	uint8_t sum = 0;
	char model[41];

	setup(true);
	outb(P0 + 6, 0xa0);
	outb(P0 + 7, 0xec);
	g_assert_cmphex(wait_ready(C0) & (DRQ | ERR), ==, DRQ);
	g_assert_cmpint(harness_isa_irq(14)->raises, ==, 1);
	g_assert_cmpint(harness_isa_irq(14)->level, ==, 1);
	inb(P0 + 7);		/* status read acknowledges INTRQ */
	g_assert_cmpint(harness_isa_irq(14)->level, ==, 0);
	pio_in(P0, id, 512);
	g_assert_cmphex(inb(P0 + 7) & (DRQ | BSY), ==, 0);

	for (int i = 0; i < 512; i++)
		sum += id[i];
	g_assert_cmpint(sum, ==, 0);
	g_assert_cmphex(id[510], ==, 0xa5);
	g_assert_cmphex(lduw_le_p(id + 0), ==, 0x0040);
	g_assert_cmpuint(lduw_le_p(id + 60 * 2) | lduw_le_p(id + 61 * 2) << 16, ==, HD_SECTORS);
	g_assert_cmpuint(ldq_le_p(id + 100 * 2), ==, HD_SECTORS);
	g_assert_cmphex(lduw_le_p(id + 83 * 2) & 0x0400, ==, 0x0400);	/* LBA48 */
	g_assert_cmphex(lduw_le_p(id + 49 * 2) & 0x0300, ==, 0x0300);	/* LBA, DMA */
	g_assert_cmpuint(lduw_le_p(id + 1 * 2) * lduw_le_p(id + 3 * 2) * lduw_le_p(id + 6 * 2),
			 <=, HD_SECTORS);
	g_assert_cmpuint(lduw_le_p(id + 3 * 2), ==, 16);
	g_assert_cmpuint(lduw_le_p(id + 6 * 2), ==, 63);
	for (int i = 0; i < 40; i++)
		model[i] = id[54 + (i ^ 1)];
	model[40] = 0;
	g_assert_cmpstr(g_strchomp(model), ==, "QEMU HARDDISK");
	teardown();
}

static void test_ide_nien_masks_intrq_until_cleared(void)
{
	uint8_t id[512];

	setup(true);
	outb(C0, 0x02);				/* nIEN */
	outb(P0 + 6, 0xa0);
	outb(P0 + 7, 0xec);
	g_assert_cmphex(wait_ready(C0) & DRQ, ==, DRQ);
	g_assert_cmpint(harness_isa_irq(14)->raises, ==, 0);
	outb(C0, 0x00);				/* the pending interrupt shows now */
	g_assert_cmpint(harness_isa_irq(14)->level, ==, 1);
	g_assert_cmpint(harness_isa_irq(15)->raises, ==, 0);	/* the other channel */
	inb(P0 + 7);
	g_assert_cmpint(harness_isa_irq(14)->level, ==, 0);
	pio_in(P0, id, 512);
	/* a command write also clears a pending interrupt (7.4) */
	outb(P0 + 7, 0xe5);			/* CHECK POWER MODE */
	g_assert_cmpint(harness_isa_irq(14)->level, ==, 1);
	g_assert_cmphex(inb(P0 + 2), ==, 0xff);	/* active or idle */
	outb(P0 + 7, 0xe0);
	g_assert_cmpint(harness_isa_irq(14)->raises, ==, 3);
	teardown();
}

/* ---- PIO ---- */

static void test_ide_pio_read_sectors_one_interrupt_per_sector(void)
{
	uint8_t buf[512];

	setup(true);
	ata_lba28(0x20, 5, 3);
	for (int s = 0; s < 3; s++) {
		g_assert_cmphex(wait_ready(C0) & (DRQ | ERR), ==, DRQ);
		g_assert_cmpint(harness_isa_irq(14)->raises, ==, s + 1);
		inb(P0 + 7);
		pio_in(P0, buf, 512);
		check_sector(buf, 5 + s, 0, 512);
	}
	g_assert_cmphex(wait_ready(C0), ==, DRDY | 0x10);
	g_assert_cmpint(harness_isa_irq(14)->raises, ==, 3);

	/* 48-bit: sectors 16000-16001, 32-bit data port accesses */
	ata_lba48(0x24, 16000, 2);
	for (int s = 0; s < 2; s++) {
		g_assert_cmphex(wait_ready(C0) & (DRQ | ERR), ==, DRQ);
		for (int i = 0; i < 512; i += 4)
			stl_le_p(buf + i, inl(P0));
		check_sector(buf, 16000 + s, 0, 512);
	}
	g_assert_cmphex(wait_ready(C0) & (DRQ | ERR), ==, 0);

	/* 300 sectors: more than one read-ahead buffer (256), every sector right */
	ata_lba48(0x24, 1000, 300);
	for (int s = 0; s < 300; s++) {
		g_assert_cmphex(wait_ready(C0) & (DRQ | ERR), ==, DRQ);
		pio_in(P0, buf, 512);
		check_sector(buf, 1000 + s, 0, 512);
	}
	g_assert_cmphex(wait_ready(C0) & (DRQ | ERR), ==, 0);
	g_assert_cmpuint(inb(P0 + 3) | inb(P0 + 4) << 8, ==, 1299);	/* last sector */
	teardown();
}

static void test_ide_read_multiple_blocks_of_set_multiple_mode(void)
{
	uint8_t buf[512 * 4];
	static const int blocks[] = { 4, 4, 2 };

	setup(true);
	/* READ MULTIPLE before SET MULTIPLE MODE aborts */
	ata_lba28(0xc4, 0, 1);
	g_assert_cmphex(wait_ready(C0) & (ERR | DRQ), ==, ERR);
	g_assert_cmphex(inb(P0 + 1), ==, ABRT);
	/* 3 is not a power of two */
	outb(P0 + 2, 3);
	outb(P0 + 7, 0xc6);
	g_assert_cmphex(wait_ready(C0) & ERR, ==, ERR);
	outb(P0 + 2, 4);
	outb(P0 + 7, 0xc6);
	g_assert_cmphex(wait_ready(C0) & ERR, ==, 0);

	ata_lba28(0xc4, 100, 10);
	for (unsigned b = 0, lba = 100; b < G_N_ELEMENTS(blocks); b++) {
		g_assert_cmphex(wait_ready(C0) & (DRQ | ERR), ==, DRQ);
		pio_in(P0, buf, 512 * blocks[b]);
		for (int s = 0; s < blocks[b]; s++)
			check_sector(buf + 512 * s, lba++, 0, 512);
	}
	g_assert_cmphex(wait_ready(C0) & (DRQ | ERR), ==, 0);
	teardown();
}

static void test_ide_pio_write_sectors_reach_the_image(void)
{
	uint8_t buf[512], file[512 * 6];
	int fd;

	setup(true);
	ata_lba28(0x30, 40, 2);
	for (int s = 0; s < 2; s++) {
		/* first block without an interrupt, the next after it */
		g_assert_cmphex(wait_ready(C0) & (DRQ | ERR), ==, DRQ);
		inb(P0 + 7);
		for (int i = 0; i < 512; i += 2)
			outw(P0, 0xa500 + s * 0x11 + i);
	}
	g_assert_cmphex(wait_ready(C0) & (DRQ | ERR), ==, 0);
	g_assert_cmpint(harness_isa_irq(14)->raises, ==, 2);

	/* WRITE MULTIPLE EXT, 4 sectors in one block */
	outb(P0 + 2, 4);
	outb(P0 + 7, 0xc6);
	wait_ready(C0);
	ata_lba48(0x39, 42, 4);
	g_assert_cmphex(wait_ready(C0) & (DRQ | ERR), ==, DRQ);
	for (int i = 0; i < 512 * 4; i += 2)
		outw(P0, 0x5a00 + i);
	g_assert_cmphex(wait_ready(C0) & (DRQ | ERR), ==, 0);
	outb(P0 + 7, 0xea);		/* FLUSH CACHE EXT */
	g_assert_cmphex(wait_ready(C0) & ERR, ==, 0);

	fd = open(hd_path, O_RDONLY);
	g_assert_cmpint(pread(fd, file, sizeof(file), 40 * 512), ==, sizeof(file));
	close(fd);
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < 512; i += 2)
			g_assert_cmphex(lduw_le_p(file + s * 512 + i), ==,
					(uint16_t)(0xa500 + s * 0x11 + i));
	for (int i = 0; i < 512 * 4; i += 2)
		g_assert_cmphex(lduw_le_p(file + 1024 + i), ==, (uint16_t)(0x5a00 + i));

	/* and READ SECTORS sees it */
	ata_lba28(0x20, 41, 1);
	wait_ready(C0);
	pio_in(P0, buf, 512);
	g_assert_cmphex(lduw_le_p(buf + 2), ==, 0xa500 + 0x11 + 2);
	teardown();
}

static void test_ide_io_errors_follow_werror(void)
{
	uint8_t *ram = harness_ram();

	setup(true);
	/* the image is read-only underneath: writes fail in the block layer */
	blk_close(hd_drive.blk);
	hd_drive.blk = open_image(hd_path, true);
	hd_drive.werror = DRIVE_ERROR_REPORT;
	ata_lba28(0x30, 3, 1);
	g_assert_cmphex(wait_ready(C0) & DRQ, ==, DRQ);
	for (int i = 0; i < 512; i += 2)
		outw(P0, 0xdead);
	g_assert_cmphex(wait_ready(C0) & (ERR | DRQ), ==, ERR);
	g_assert_cmphex(inb(P0 + 1), ==, ABRT);
	g_assert_cmpuint(inb(P0 + 3), ==, 3);		/* where it failed */

	/* werror=ignore: the guest is told it worked */
	hd_drive.werror = DRIVE_ERROR_IGNORE;
	ata_lba28(0x30, 3, 1);
	g_assert_cmphex(wait_ready(C0) & DRQ, ==, DRQ);
	for (int i = 0; i < 512; i += 2)
		outw(P0, 0xdead);
	g_assert_cmphex(wait_ready(C0) & (ERR | DRQ), ==, 0);
	/* reads still work */
	ata_lba28(0x20, 3, 1);
	g_assert_cmphex(wait_ready(C0) & (ERR | DRQ), ==, DRQ);
	for (int i = 0; i < 512; i += 2)
		stw_le_p(ram + i, inw(P0));
	check_sector(ram, 3, 0, 512);
	teardown();
}

/* ---- DMA ---- */

#define PRD_TABLE 0x1000

static void prd_set(int i, uint32_t addr, uint32_t len, bool eot)
{
	writel(PRD_TABLE + 8 * i, addr);
	writel(PRD_TABLE + 8 * i + 4, (len & 0xffff) | (eot ? 0x80000000u : 0));
}

static void bm_start(uint16_t bm, bool to_memory)
{
	outl(bm + 4, PRD_TABLE);
	outb(bm + 2, 0x06);		/* clear interrupt and error */
	outb(bm, (to_memory ? 0x08 : 0) | 0x01);
}

static uint8_t bm_wait(uint16_t bm, uint16_t ctl)
{
	for (int i = 0; i < 100000; i++) {
		if (inb(bm + 2) & 0x04)
			return inb(bm + 2);
		main_loop_wait(1 * NS_PER_MS);
	}
	g_assert_not_reached();
}

static void test_ide_dma_read_and_write_through_prd_table(void)
{
	uint8_t *ram = harness_ram();
	uint8_t file[512 * 3];
	int fd;

	setup(true);
	/* 3 sectors into two pieces of RAM */
	memset(ram + 0x10000, 0, 0x2000);
	prd_set(0, 0x10000, 1024, false);
	prd_set(1, 0x11000, 512, true);
	ata_lba28(0xc8, 20, 3);
	bm_start(BM, true);
	g_assert_cmphex(bm_wait(BM, C0) & 0x07, ==, 0x04);	/* interrupt, not active */
	g_assert_cmphex(inb(P0 + 7) & (ERR | DRQ | BSY), ==, 0);
	outb(BM, 0);
	check_sector(ram + 0x10000, 20, 0, 512);
	check_sector(ram + 0x10200, 21, 0, 512);
	check_sector(ram + 0x11000, 22, 0, 512);

	/* WRITE DMA EXT of 3 sectors from RAM, Start set before the command */
	for (int i = 0; i < 1536; i++)
		ram[0x20000 + i] = i * 7;
	prd_set(0, 0x20000, 1536, true);
	bm_start(BM, false);
	ata_lba48(0x35, 200, 3);
	g_assert_cmphex(bm_wait(BM, C0) & 0x07, ==, 0x04);
	g_assert_cmphex(inb(P0 + 7) & (ERR | DRQ | BSY), ==, 0);
	outb(BM, 0);
	fd = open(hd_path, O_RDONLY);
	g_assert_cmpint(pread(fd, file, sizeof(file), 200 * 512), ==, sizeof(file));
	close(fd);
	for (int i = 0; i < 1536; i++)
		g_assert_cmphex(file[i], ==, (uint8_t)(i * 7));
	teardown();
}

/* ---- hostile requests ---- */

static void test_ide_out_of_range_requests_abort_with_idnf(void)
{
	setup(true);
	ata_lba28(0x20, HD_SECTORS - 1, 2);		/* runs past the end */
	g_assert_cmphex(wait_ready(C0) & (ERR | DRQ), ==, ERR);
	g_assert_cmphex(inb(P0 + 1), ==, IDNF | ABRT);
	ata_lba48(0x25, 0xffffffffffffULL, 0);		/* count 0 = 65536, huge LBA */
	g_assert_cmphex(wait_ready(C0) & (ERR | DRQ), ==, ERR);
	ata_lba48(0x34, HD_SECTORS - 100, 0);		/* 65536 sectors from near the end */
	g_assert_cmphex(wait_ready(C0) & (ERR | DRQ), ==, ERR);
	g_assert_cmphex(inb(P0 + 1), ==, IDNF | ABRT);
	/* CHS with sector number 0 does not exist */
	outb(P0 + 6, 0xa0);
	outb(P0 + 2, 1);
	outb(P0 + 3, 0);
	outb(P0 + 4, 0);
	outb(P0 + 5, 0);
	outb(P0 + 7, 0x20);
	g_assert_cmphex(wait_ready(C0) & (ERR | DRQ), ==, ERR);
	/* unknown command, NOP: ABRT */
	outb(P0 + 7, 0xff);
	g_assert_cmphex(wait_ready(C0) & ERR, ==, ERR);
	g_assert_cmphex(inb(P0 + 1), ==, ABRT);
	/* data port with nothing to transfer: all ones, nothing breaks */
	g_assert_cmphex(inw(P0), ==, 0xffff);
	outw(P0, 0x1234);
	/* the disk still works */
	ata_lba28(0x40, 0, 0);				/* READ VERIFY of 256 sectors */
	g_assert_cmphex(wait_ready(C0) & ERR, ==, 0);
	teardown();
}

static void test_ide_bad_prd_tables_stop_with_error_bit(void)
{
	setup(true);
	/* address outside RAM */
	prd_set(0, 0xf0000000, 512, true);
	ata_lba28(0xc8, 0, 1);
	bm_start(BM, true);
	g_assert_cmphex(bm_wait(BM, C0) & 0x07, ==, 0x06);	/* error + interrupt, stopped */
	g_assert_cmphex(inb(P0 + 7) & ERR, ==, ERR);
	outb(BM, 0);

	/* table shorter than the transfer */
	prd_set(0, 0x10000, 512, true);
	ata_lba28(0xc8, 0, 2);
	bm_start(BM, true);
	g_assert_cmphex(bm_wait(BM, C0) & 0x07, ==, 0x06);
	outb(BM, 0);

	/* a table without EOT that fills its 64 KiB page: stopped at the boundary */
	for (int i = 0; i < 0x10000 / 8 - PRD_TABLE / 8; i++)
		prd_set(i, 0x10000, 2, false);
	ata_lba28(0xc8, 0, 0);				/* 256 sectors = 128 KiB */
	bm_start(BM, true);
	g_assert_cmphex(bm_wait(BM, C0) & 0x07, ==, 0x06);
	outb(BM, 0);

	/* bus mastering off: the DMA is refused */
	cfg_writew(IDE_DEVFN, PCI_COMMAND, PCI_COMMAND_IO);
	prd_set(0, 0x10000, 512, true);
	ata_lba28(0xc8, 0, 1);
	bm_start(BM, true);
	g_assert_cmphex(bm_wait(BM, C0) & 0x07, ==, 0x06);
	outb(BM, 0);
	cfg_writew(IDE_DEVFN, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MASTER);

	/* and a good one afterwards works */
	ata_lba28(0xc8, 9, 1);
	bm_start(BM, true);
	g_assert_cmphex(bm_wait(BM, C0) & 0x07, ==, 0x04);
	outb(BM, 0);
	check_sector(harness_ram() + 0x10000, 9, 0, 512);
	teardown();
}

/* ---- ATAPI ---- */

/* PACKET with a byte count limit; returns the status after the packet. */
static void atapi_send(const uint8_t *cdb, uint16_t limit, bool dma)
{
	outb(P1 + 6, 0xa0);
	outb(P1 + 1, dma ? 1 : 0);
	outb(P1 + 4, limit);
	outb(P1 + 5, limit >> 8);
	outb(P1 + 7, 0xa0);
	g_assert_cmphex(wait_ready(C1) & DRQ, ==, DRQ);
	g_assert_cmphex(inb(P1 + 2) & 3, ==, 1);	/* CoD: command packet */
	for (int i = 0; i < 12; i += 2)
		outw(P1, cdb[i] | cdb[i + 1] << 8);
}

/* Data-in pieces until the command completes; the final status, *len bytes read. */
static uint8_t atapi_data_in(uint8_t *buf, unsigned max, unsigned *len, unsigned *pieces)
{
	unsigned total = 0, n_pieces = 0;
	uint8_t st;

	for (;;) {
		st = wait_ready(C1);
		inb(P1 + 7);
		if (!(st & DRQ))
			break;
		unsigned n = inb(P1 + 4) | inb(P1 + 5) << 8;

		g_assert_cmphex(inb(P1 + 2) & 3, ==, 2);	/* I/O: data to host */
		g_assert_cmpuint(total + n, <=, max);
		pio_in(P1, buf + total, n);
		total += n;
		n_pieces++;
	}
	g_assert_cmphex(inb(P1 + 2) & 3, ==, 3);		/* command complete */
	if (len)
		*len = total;
	if (pieces)
		*pieces = n_pieces;
	return st;
}

static uint8_t atapi_cmd(const uint8_t *cdb, uint8_t *buf, unsigned max, unsigned *len)
{
	atapi_send(cdb, 0xfffe, false);
	return atapi_data_in(buf, max, len, NULL);
}

static void atapi_sense(uint8_t *key, uint8_t *asc)
{
	static const uint8_t cdb[12] = { 0x03, 0, 0, 0, 18 };
	uint8_t buf[18];
	unsigned len;

	g_assert_cmphex(atapi_cmd(cdb, buf, sizeof(buf), &len) & ERR, ==, 0);
	g_assert_cmpuint(len, ==, 18);
	g_assert_cmphex(buf[0], ==, 0x70);
	*key = buf[2] & 0x0f;
	*asc = buf[12];
}

static void test_atapi_inquiry_capacity_and_identify_packet(void)
{
	static const uint8_t inquiry[12] = { 0x12, 0, 0, 0, 96 };
	static const uint8_t capacity[12] = { 0x25 };
	uint8_t buf[512];
	unsigned len;

	setup(true);
	g_assert_cmphex(atapi_cmd(inquiry, buf, sizeof(buf), &len) & ERR, ==, 0);
	g_assert_cmpuint(len, ==, 36);
	g_assert_cmphex(buf[0], ==, 0x05);		/* CD/DVD */
	g_assert_cmphex(buf[1], ==, 0x80);		/* removable */
	g_assert_cmpint(memcmp(buf + 16, "QEMU DVD-ROM", 12), ==, 0);
	g_assert_cmpint(harness_isa_irq(15)->raises, >=, 1);

	g_assert_cmphex(atapi_cmd(capacity, buf, sizeof(buf), &len) & ERR, ==, 0);
	g_assert_cmpuint(len, ==, 8);
	g_assert_cmpuint(ldl_le_p(buf) == 0 ? 0 : GUINT32_FROM_BE(ldl_le_p(buf)), ==,
			 CD_BLOCKS - 1);
	g_assert_cmpuint(GUINT32_FROM_BE(ldl_le_p(buf + 4)), ==, 2048);

	outb(P1 + 6, 0xa0);
	outb(P1 + 7, 0xa1);				/* IDENTIFY PACKET DEVICE */
	g_assert_cmphex(wait_ready(C1) & DRQ, ==, DRQ);
	pio_in(P1, buf, 512);
	g_assert_cmphex(lduw_le_p(buf), ==, 0x85c0);
	teardown();
}

static void test_atapi_read10_by_byte_count_limit_and_dma(void)
{
	static const uint8_t read10[12] = { 0x28, 0, 0, 0, 0, 7, 0, 0, 3 };
	static const uint8_t read12[12] = { 0xa8, 0, 0, 0, 1, 0, 0, 0, 0, 2 };
	g_autofree uint8_t *buf = g_malloc(3 * 2048);
	uint8_t *ram = harness_ram();
	unsigned len, pieces;

	setup(true);
	/* limit 2048: one block per DRQ */
	atapi_send(read10, 2048, false);
	g_assert_cmphex(atapi_data_in(buf, 3 * 2048, &len, &pieces) & ERR, ==, 0);
	g_assert_cmpuint(len, ==, 3 * 2048);
	g_assert_cmpuint(pieces, ==, 3);
	for (int b = 0; b < 3; b++)
		check_sector(buf + 2048 * b, 7 + b, 0x11111111, 2048);
	/* limit 1000: pieces of 1000 bytes */
	atapi_send(read10, 1000, false);
	g_assert_cmphex(atapi_data_in(buf, 3 * 2048, &len, &pieces) & ERR, ==, 0);
	g_assert_cmpuint(len, ==, 3 * 2048);
	g_assert_cmpuint(pieces, ==, 7);
	check_sector(buf + 2048 * 2, 9, 0x11111111, 2048);

	/* a hostile limit of 1 byte: pieces of one word, still the right data */
	{
		static const uint8_t read1[12] = { 0x28, 0, 0, 0, 0, 9, 0, 0, 1 };

		atapi_send(read1, 1, false);
		g_assert_cmphex(atapi_data_in(buf, 2048, &len, &pieces) & ERR, ==, 0);
		g_assert_cmpuint(len, ==, 2048);
		g_assert_cmpuint(pieces, ==, 1024);
		check_sector(buf, 9, 0x11111111, 2048);
	}

	/* READ(12) by DMA */
	prd_set(0, 0x30000, 4096, true);
	atapi_send(read12, 0, true);
	bm_start(BM + 8, true);
	g_assert_cmphex(bm_wait(BM + 8, C1) & 0x07, ==, 0x04);
	g_assert_cmphex(inb(P1 + 7) & (ERR | DRQ), ==, 0);
	g_assert_cmphex(inb(P1 + 2) & 3, ==, 3);
	outb(BM + 8, 0);
	check_sector(ram + 0x30000, 256, 0x11111111, 2048);
	check_sector(ram + 0x30800, 257, 0x11111111, 2048);

	/* past the end: ILLEGAL REQUEST, LBA out of range */
	{
		uint8_t bad[12] = { 0x28, 0, 0, 0, 0x01, 0xff, 0, 0, 2 };
		uint8_t key, asc;

		g_assert_cmphex(atapi_cmd(bad, buf, 4096, &len) & ERR, ==, ERR);
		g_assert_cmphex(inb(P1 + 1) >> 4, ==, 0x05);
		atapi_sense(&key, &asc);
		g_assert_cmphex(key, ==, 0x05);
		g_assert_cmphex(asc, ==, 0x21);
	}
	teardown();
}

static void test_atapi_read_toc_formats(void)
{
	uint8_t toc0_lba[12] = { 0x43, 0, 0, 0, 0, 0, 0, 0, 100 };
	uint8_t toc0_msf[12] = { 0x43, 0x02, 0, 0, 0, 0, 0, 0, 100 };
	uint8_t toc1[12] = { 0x43, 0, 1, 0, 0, 0, 0, 0, 100 };
	uint8_t toc2[12] = { 0x43, 0x02, 2, 0, 0, 0, 0, 0, 100 };
	uint8_t buf[100];
	unsigned len;
	uint32_t leadout = CD_BLOCKS + 150;

	setup(true);
	g_assert_cmphex(atapi_cmd(toc0_lba, buf, sizeof(buf), &len) & ERR, ==, 0);
	g_assert_cmpuint(len, ==, 20);
	g_assert_cmpuint(buf[0] << 8 | buf[1], ==, 18);
	g_assert_cmpuint(buf[2], ==, 1);
	g_assert_cmpuint(buf[3], ==, 1);
	g_assert_cmphex(buf[5], ==, 0x14);			/* data track */
	g_assert_cmpuint(buf[6], ==, 1);
	g_assert_cmpuint(buf[14], ==, 0xaa);			/* lead-out */
	g_assert_cmpuint(GUINT32_FROM_BE(ldl_le_p(buf + 16)), ==, CD_BLOCKS);

	g_assert_cmphex(atapi_cmd(toc0_msf, buf, sizeof(buf), &len) & ERR, ==, 0);
	g_assert_cmpuint(buf[9], ==, 0);			/* track 1 at 00:02:00 */
	g_assert_cmpuint(buf[10], ==, 2);
	g_assert_cmpuint(buf[11], ==, 0);
	g_assert_cmpuint(buf[17], ==, leadout / 4500);
	g_assert_cmpuint(buf[18], ==, leadout / 75 % 60);
	g_assert_cmpuint(buf[19], ==, leadout % 75);

	g_assert_cmphex(atapi_cmd(toc1, buf, sizeof(buf), &len) & ERR, ==, 0);
	g_assert_cmpuint(len, ==, 12);
	g_assert_cmpuint(buf[6], ==, 1);

	g_assert_cmphex(atapi_cmd(toc2, buf, sizeof(buf), &len) & ERR, ==, 0);
	g_assert_cmpuint(len, ==, 4 + 4 * 11);
	g_assert_cmphex(buf[4 + 3], ==, 0xa0);
	g_assert_cmphex(buf[4 + 2 * 11 + 3], ==, 0xa2);
	g_assert_cmpuint(buf[4 + 2 * 11 + 8], ==, leadout / 4500);
	g_assert_cmpuint(buf[4 + 2 * 11 + 10], ==, leadout % 75);
	teardown();
}

static void test_atapi_request_sense_after_bad_command(void)
{
	static const uint8_t bogus[12] = { 0xff };
	static const uint8_t tur[12] = { 0x00 };
	uint8_t buf[64], key, asc;
	unsigned len;

	setup(true);
	g_assert_cmphex(atapi_cmd(bogus, buf, sizeof(buf), &len) & ERR, ==, ERR);
	g_assert_cmphex(inb(P1 + 1), ==, 0x54);			/* ILLEGAL REQUEST | ABRT */
	atapi_sense(&key, &asc);
	g_assert_cmphex(key, ==, 0x05);
	g_assert_cmphex(asc, ==, 0x20);				/* invalid opcode */
	/* sense is cleared once reported; the drive is fine */
	g_assert_cmphex(atapi_cmd(tur, buf, sizeof(buf), &len) & ERR, ==, 0);
	atapi_sense(&key, &asc);
	g_assert_cmphex(key, ==, 0);
	teardown();
}

static void test_atapi_not_ready_when_empty_and_unit_attention_on_change(void)
{
	static const uint8_t tur[12] = { 0x00 };
	static const uint8_t gesn[12] = { 0x4a, 0x01, 0, 0, 0x10, 0, 0, 0, 8 };
	static const uint8_t read10[12] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t prevent[12] = { 0x1e, 0, 0, 0, 1 };
	static const uint8_t allow[12] = { 0x1e, 0, 0, 0, 0 };
	static const uint8_t eject[12] = { 0x1b, 0, 0, 0, 0x02 };
	g_autofree uint8_t *buf = g_malloc(4096);
	uint8_t key, asc;
	unsigned len;
	GError *err = NULL;

	setup(false);
	g_assert_cmphex(atapi_cmd(tur, buf, 4096, &len) & ERR, ==, ERR);
	g_assert_cmphex(inb(P1 + 1) >> 4, ==, 0x02);		/* NOT READY */
	atapi_sense(&key, &asc);
	g_assert_cmphex(asc, ==, 0x3a);				/* medium not present */
	g_assert_cmphex(atapi_cmd(read10, buf, 4096, &len) & ERR, ==, ERR);

	/* the monitor inserts a medium */
	g_assert_true(drive_change_medium(&cd_drive, cd_path, "raw", true, &err));
	g_assert_no_error(err);
	g_assert_cmphex(atapi_cmd(tur, buf, 4096, &len) & ERR, ==, ERR);
	g_assert_cmphex(inb(P1 + 1) >> 4, ==, 0x06);		/* UNIT ATTENTION */
	atapi_sense(&key, &asc);
	g_assert_cmphex(asc, ==, 0x28);
	g_assert_cmphex(atapi_cmd(tur, buf, 4096, &len) & ERR, ==, 0);
	g_assert_cmphex(atapi_cmd(gesn, buf, 4096, &len) & ERR, ==, 0);
	g_assert_cmpuint(len, ==, 8);
	g_assert_cmphex(buf[2], ==, 0x04);			/* media class */
	g_assert_cmphex(buf[4], ==, 0x02);			/* new media */
	g_assert_cmphex(buf[5], ==, 0x02);			/* present, tray closed */
	g_assert_cmphex(atapi_cmd(read10, buf, 4096, &len) & ERR, ==, 0);
	check_sector(buf, 0, 0x11111111, 2048);

	/* locked: the guest's eject and the monitor's both refuse */
	g_assert_cmphex(atapi_cmd(prevent, buf, 4096, &len) & ERR, ==, 0);
	g_assert_false(drive_eject(&cd_drive, false, &err));
	g_clear_error(&err);
	g_assert_cmphex(atapi_cmd(eject, buf, 4096, &len) & ERR, ==, ERR);
	atapi_sense(&key, &asc);
	g_assert_cmphex(asc, ==, 0x53);
	g_assert_cmphex(atapi_cmd(allow, buf, 4096, &len) & ERR, ==, 0);
	g_assert_cmphex(atapi_cmd(eject, buf, 4096, &len) & ERR, ==, 0);
	g_assert_cmphex(atapi_cmd(tur, buf, 4096, &len) & ERR, ==, ERR);	/* tray open */
	atapi_sense(&key, &asc);
	g_assert_cmphex(asc, ==, 0x3a);
	teardown();
}

static void test_atapi_mode_sense_config_disc_info(void)
{
	static const uint8_t ms2a[12] = { 0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 64 };
	static const uint8_t ms3f[12] = { 0x5a, 0, 0x3f, 0, 0, 0, 0, 0, 64 };
	static const uint8_t ms_bad[12] = { 0x5a, 0, 0x05, 0, 0, 0, 0, 0, 64 };
	static const uint8_t config[12] = { 0x46, 0, 0, 0, 0, 0, 0, 0, 64 };
	static const uint8_t disc[12] = { 0x51, 0, 0, 0, 0, 0, 0, 0, 34 };
	static const uint8_t mech[12] = { 0xbd, 0, 0, 0, 0, 0, 0, 0, 0, 8 };
	static const uint8_t speed[12] = { 0xbb, 0, 0xff, 0xff };
	uint8_t buf[128];
	unsigned len;

	setup(true);
	g_assert_cmphex(atapi_cmd(ms2a, buf, sizeof(buf), &len) & ERR, ==, 0);
	g_assert_cmpuint(len, ==, 8 + 28);
	g_assert_cmphex(buf[8], ==, 0x2a);
	g_assert_cmpuint(buf[9], ==, 26);
	g_assert_cmphex(atapi_cmd(ms3f, buf, sizeof(buf), &len) & ERR, ==, 0);
	g_assert_cmpuint(len, ==, 8 + 12 + 28);
	g_assert_cmphex(atapi_cmd(ms_bad, buf, sizeof(buf), &len) & ERR, ==, ERR);
	g_assert_cmphex(atapi_cmd(config, buf, sizeof(buf), &len) & ERR, ==, 0);
	g_assert_cmpuint(buf[6] << 8 | buf[7], ==, 0x0008);	/* CD-ROM profile current */
	g_assert_cmpuint(GUINT32_FROM_BE(ldl_le_p(buf)), ==, len - 4);
	g_assert_cmphex(atapi_cmd(disc, buf, sizeof(buf), &len) & ERR, ==, 0);
	g_assert_cmpuint(len, ==, 34);
	g_assert_cmphex(buf[2], ==, 0x0e);
	g_assert_cmphex(atapi_cmd(mech, buf, sizeof(buf), &len) & ERR, ==, 0);
	g_assert_cmpuint(len, ==, 8);
	g_assert_cmphex(atapi_cmd(speed, buf, sizeof(buf), &len) & ERR, ==, 0);
	teardown();
}

int main(int argc, char **argv)
{
	int ret;

	g_test_init(&argc, &argv, NULL);
	tmpdir = g_dir_make_tmp("test-ide-XXXXXX", NULL);
	hd_path = make_image("hd.img", HD_SECTORS * 512ULL, 0);
	cd_path = make_image("cd.iso", CD_BLOCKS * 2048ULL, 0x11111111);
	cd2_path = make_image("cd2.iso", 4 * 2048, 0x22222222);

	g_test_add_func("/ide/piix3/pci-header", test_ide_piix3_pci_header);
	g_test_add_func("/ide/srst/signatures", test_ide_srst_sets_ata_and_atapi_signatures);
	g_test_add_func("/ide/ata/identify", test_ide_identify_device_words);
	g_test_add_func("/ide/ata/nien", test_ide_nien_masks_intrq_until_cleared);
	g_test_add_func("/ide/ata/pio-read", test_ide_pio_read_sectors_one_interrupt_per_sector);
	g_test_add_func("/ide/ata/read-multiple", test_ide_read_multiple_blocks_of_set_multiple_mode);
	g_test_add_func("/ide/ata/pio-write", test_ide_pio_write_sectors_reach_the_image);
	g_test_add_func("/ide/ata/io-errors", test_ide_io_errors_follow_werror);
	g_test_add_func("/ide/ata/dma", test_ide_dma_read_and_write_through_prd_table);
	g_test_add_func("/ide/ata/out-of-range", test_ide_out_of_range_requests_abort_with_idnf);
	g_test_add_func("/ide/bmdma/bad-prd", test_ide_bad_prd_tables_stop_with_error_bit);
	g_test_add_func("/ide/atapi/inquiry-capacity", test_atapi_inquiry_capacity_and_identify_packet);
	g_test_add_func("/ide/atapi/read", test_atapi_read10_by_byte_count_limit_and_dma);
	g_test_add_func("/ide/atapi/read-toc", test_atapi_read_toc_formats);
	g_test_add_func("/ide/atapi/request-sense", test_atapi_request_sense_after_bad_command);
	g_test_add_func("/ide/atapi/media-change",
			test_atapi_not_ready_when_empty_and_unit_attention_on_change);
	g_test_add_func("/ide/atapi/mode-sense-config",
			test_atapi_mode_sense_config_disc_info);
	ret = g_test_run();

	g_unlink(hd_path);
	g_unlink(cd_path);
	g_unlink(cd2_path);
	g_rmdir(tmpdir);
	g_free(hd_path);
	g_free(cd_path);
	g_free(cd2_path);
	g_free(tmpdir);
	return ret;
}

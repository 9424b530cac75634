// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-pci (VIRTIO 1.2 section 4.1) and virtio-blk (5.2) on the harness:
 * an i440FX bus, a virtio-blk-pci on a raw image file, and a fake driver
 * that programs the common configuration registers (modern) or the legacy
 * I/O BAR, builds split rings in harness RAM, and checks what comes back:
 * register semantics (feature windows, queue select, vectors, reset,
 * FEATURES_OK refusal, the PCI_CFG window) and read, write, flush, get-id,
 * discard, write-zeroes and out-of-range requests against the image.
 */
#include "pci-helpers.h"
#include "hw/virtio/virtio-pci.h"
#include "system/blockdev.h"
#include "block/block.h"
#include <fcntl.h>
#include <unistd.h>

#define DF		PCI_DEVFN(3, 0)
#define BAR4		0xe0000000ULL
#define BAR1		0xe1000000ULL
#define IOBASE		0xc000
#define COMMON		(BAR4 + VIRTIO_PCI_COMMON_OFFSET)
#define ISR		(BAR4 + VIRTIO_PCI_ISR_OFFSET)
#define DEVCFG		(BAR4 + VIRTIO_PCI_DEVICE_OFFSET)
#define NOTIFY		(BAR4 + VIRTIO_PCI_NOTIFY_OFFSET)
#define QSIZE		16
#define DESC		0x10000
#define AVAIL		0x11000
#define USED		0x12000
#define HDR		0x20000
#define DATA		0x21000
#define STATUS		0x30000
#define IMG_SIZE	(1 * MiB)

#define F_VERSION_1	(1ULL << 32)
#define BLK_F_RO	(1ULL << 5)
#define BLK_F_FLUSH	(1ULL << 9)
#define BLK_F_DISCARD	(1ULL << 13)
#define BLK_F_WRITE_ZEROES (1ULL << 14)

static struct pci_test_machine m;
static struct drive_info drive;
static char img_path[64];
static struct device *dev;
static uint16_t used_seen;

static uint8_t *ram(uint64_t a)
{
	return (uint8_t *)harness_ram() + a;
}

/* An image whose sector n starts with "sector n". */
static void make_image(void)
{
	g_autofree uint8_t *buf = g_malloc0(IMG_SIZE);
	struct blk_open_opts o = { .format = "raw" };
	GError *err = NULL;
	int fd;

	for (int s = 0; s < IMG_SIZE / 512; s++)
		snprintf((char *)buf + s * 512, 32, "sector %d", s);
	strcpy(img_path, "/tmp/kemu-test-virtio-blk-XXXXXX");
	fd = mkstemp(img_path);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(write(fd, buf, IMG_SIZE), ==, IMG_SIZE);
	close(fd);
	memset(&drive, 0, sizeof(drive));
	drive.id = (char *)"d0";
	drive.type = IF_NONE;
	drive.blk = blk_open(img_path, &o, &err);
	g_assert_no_error(err);
}

static void setup(const char *opts)
{
	pci_test_init(&m);
	memset(harness_ram(), 0, 4 * MiB);
	make_image();
	dev = harness_device_new(opts);
	g_assert_true(object_property_set_ptr(OBJECT(dev), "drive", &drive, NULL));
	harness_realize(dev);
	cfg_writel(DF, PCI_BASE_ADDRESS_0, IOBASE);
	cfg_writel(DF, PCI_BASE_ADDRESS_0 + 4, (uint32_t)BAR1);
	cfg_writel(DF, PCI_BASE_ADDRESS_0 + 16, (uint32_t)BAR4);
	cfg_writel(DF, PCI_BASE_ADDRESS_0 + 20, BAR4 >> 32);
	cfg_writew(DF, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	used_seen = 0;
}

static void teardown(void)
{
	pci_test_fini(&m);
	blk_close(drive.blk);
	unlink(img_path);
}

static void image_read(uint64_t off, void *buf, size_t len)
{
	int fd = open(img_path, O_RDONLY);

	g_assert_cmpint(pread(fd, buf, len, off), ==, len);
	close(fd);
}

/* ---- a modern driver ---- */

static uint64_t device_features(void)
{
	writel(COMMON + VIRTIO_PCI_COMMON_DFSELECT, 0);
	uint64_t lo = readl(COMMON + VIRTIO_PCI_COMMON_DF);
	writel(COMMON + VIRTIO_PCI_COMMON_DFSELECT, 1);
	return lo | (uint64_t)readl(COMMON + VIRTIO_PCI_COMMON_DF) << 32;
}

static void driver_features(uint64_t f)
{
	writel(COMMON + VIRTIO_PCI_COMMON_GFSELECT, 0);
	writel(COMMON + VIRTIO_PCI_COMMON_GF, (uint32_t)f);
	writel(COMMON + VIRTIO_PCI_COMMON_GFSELECT, 1);
	writel(COMMON + VIRTIO_PCI_COMMON_GF, f >> 32);
}

static void modern_start(uint64_t features)
{
	writeb(COMMON + VIRTIO_PCI_COMMON_STATUS, 0);
	writeb(COMMON + VIRTIO_PCI_COMMON_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	driver_features(features);
	writeb(COMMON + VIRTIO_PCI_COMMON_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	       VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	g_assert_cmphex(readb(COMMON + VIRTIO_PCI_COMMON_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK, ==,
			VIRTIO_CONFIG_S_FEATURES_OK);
	writew(COMMON + VIRTIO_PCI_COMMON_Q_SELECT, 0);
	writew(COMMON + VIRTIO_PCI_COMMON_Q_SIZE, QSIZE);
	writel(COMMON + VIRTIO_PCI_COMMON_Q_DESCLO, DESC);
	writel(COMMON + VIRTIO_PCI_COMMON_Q_DESCHI, 0);
	writel(COMMON + VIRTIO_PCI_COMMON_Q_AVAILLO, AVAIL);
	writel(COMMON + VIRTIO_PCI_COMMON_Q_AVAILHI, 0);
	writel(COMMON + VIRTIO_PCI_COMMON_Q_USEDLO, USED);
	writel(COMMON + VIRTIO_PCI_COMMON_Q_USEDHI, 0);
	writew(COMMON + VIRTIO_PCI_COMMON_Q_ENABLE, 1);
	writeb(COMMON + VIRTIO_PCI_COMMON_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	       VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
}

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	stq_le_p(ram(DESC + 16 * i), addr);
	stl_le_p(ram(DESC + 16 * i + 8), len);
	stw_le_p(ram(DESC + 16 * i + 12), flags);
	stw_le_p(ram(DESC + 16 * i + 14), next);
}

/*
 * One request: 16-byte header, data (out for writes, in for reads, none if
 * len 0), status byte. Notifies through `kick`, waits for the used ring.
 */
static uint8_t request(uint32_t type, uint64_t sector, uint32_t len, bool data_in,
		       void (*kick)(void))
{
	uint16_t avail = lduw_le_p(ram(AVAIL + 2));
	int64_t deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	stl_le_p(ram(HDR), type);
	stl_le_p(ram(HDR + 4), 0);
	stq_le_p(ram(HDR + 8), sector);
	*ram(STATUS) = 0xee;
	desc(0, HDR, 16, VRING_DESC_F_NEXT, 1);
	if (len) {
		desc(1, DATA, len, VRING_DESC_F_NEXT | (data_in ? VRING_DESC_F_WRITE : 0), 2);
		desc(2, STATUS, 1, VRING_DESC_F_WRITE, 0);
	} else {
		desc(1, STATUS, 1, VRING_DESC_F_WRITE, 0);
	}
	stw_le_p(ram(AVAIL + 4 + 2 * (avail % QSIZE)), 0);
	stw_le_p(ram(AVAIL + 2), avail + 1);
	kick();
	while (lduw_le_p(ram(USED + 2)) == used_seen) {
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		main_loop_wait(10 * NS_PER_MS);
	}
	used_seen++;
	g_assert_cmpuint(ldl_le_p(ram(USED + 4 + 8 * ((used_seen - 1) % QSIZE))), ==, 0);
	return *ram(STATUS);
}

static void modern_kick(void)
{
	writew(NOTIFY, 0);
}

static void legacy_kick(void)
{
	outw(IOBASE + VIRTIO_PCI_QUEUE_NOTIFY, 0);
}

/* ---- tests ---- */

static uint8_t find_vendor_cap(uint8_t type)
{
	for (uint8_t pos = cfg_readb(DF, PCI_CAPABILITY_LIST); pos; pos = cfg_readb(DF, pos + 1))
		if (cfg_readb(DF, pos) == PCI_CAP_ID_VNDR && cfg_readb(DF, pos + 3) == type)
			return pos;
	return 0;
}

static void test_virtio_pci_ids_and_capabilities(void)
{
	static const uint32_t offsets[] = { 0, VIRTIO_PCI_COMMON_OFFSET, VIRTIO_PCI_NOTIFY_OFFSET,
					    VIRTIO_PCI_ISR_OFFSET, VIRTIO_PCI_DEVICE_OFFSET };
	uint8_t pos;

	setup("virtio-blk-pci,addr=3");
	/* transitional: 1af4:1001, revision 0, subsystem id = virtio id 2 (4.1.2) */
	g_assert_cmphex(cfg_readl(DF, 0), ==, 0x10011af4);
	g_assert_cmphex(cfg_readb(DF, PCI_REVISION_ID), ==, 0);
	g_assert_cmphex(cfg_readw(DF, PCI_SUBSYSTEM_ID), ==, 2);
	g_assert_cmphex(cfg_readw(DF, PCI_CLASS_DEVICE), ==, 0x0100);
	for (uint8_t t = VIRTIO_PCI_CAP_COMMON_CFG; t <= VIRTIO_PCI_CAP_DEVICE_CFG; t++) {
		pos = find_vendor_cap(t);
		g_assert_cmpuint(pos, !=, 0);
		g_assert_cmpuint(cfg_readb(DF, pos + 4), ==, 4);		/* bar */
		g_assert_cmphex(cfg_readl(DF, pos + 8), ==, offsets[t]);	/* offset */
	}
	g_assert_cmpuint(cfg_readl(DF, find_vendor_cap(VIRTIO_PCI_CAP_NOTIFY_CFG) + 16), ==, 4);
	g_assert_cmpuint(find_vendor_cap(VIRTIO_PCI_CAP_PCI_CFG), !=, 0);
	g_assert_cmpuint(pci_find_capability(PCI_DEVICE(dev), PCI_CAP_ID_MSIX), !=, 0);
	teardown();
}

static void test_virtio_pci_modern_only_ids(void)
{
	setup("virtio-blk-pci,addr=3,disable-legacy=on");
	g_assert_cmphex(cfg_readl(DF, 0), ==, 0x10421af4);
	g_assert_cmphex(cfg_readb(DF, PCI_REVISION_ID), ==, 1);
	g_assert_cmphex(cfg_readl(DF, PCI_BASE_ADDRESS_0), ==, 0);	/* no legacy BAR */
	teardown();
}

/* 4.1.4.3: feature windows, queue select, vectors; a reset clears the queue */
static void test_virtio_pci_common_config_semantics(void)
{
	uint64_t f;

	setup("virtio-blk-pci,addr=3");
	f = device_features();
	g_assert_true(f & F_VERSION_1);
	g_assert_true(f & BLK_F_FLUSH);
	g_assert_true(f & BLK_F_DISCARD);
	g_assert_false(f & BLK_F_RO);
	writel(COMMON + VIRTIO_PCI_COMMON_DFSELECT, 2);
	g_assert_cmphex(readl(COMMON + VIRTIO_PCI_COMMON_DF), ==, 0);
	g_assert_cmpuint(readw(COMMON + VIRTIO_PCI_COMMON_NUMQ), ==, 1);
	writew(COMMON + VIRTIO_PCI_COMMON_Q_SELECT, 0);
	g_assert_cmpuint(readw(COMMON + VIRTIO_PCI_COMMON_Q_SIZE), ==, 256);
	g_assert_cmpuint(readw(COMMON + VIRTIO_PCI_COMMON_Q_NOFF), ==, 0);
	/* vectors: 2 MSI-X entries (queues + 1); others read back as NO_VECTOR */
	writew(COMMON + VIRTIO_PCI_COMMON_Q_MSIX, 1);
	g_assert_cmphex(readw(COMMON + VIRTIO_PCI_COMMON_Q_MSIX), ==, 1);
	writew(COMMON + VIRTIO_PCI_COMMON_Q_MSIX, 7);
	g_assert_cmphex(readw(COMMON + VIRTIO_PCI_COMMON_Q_MSIX), ==, VIRTIO_NO_VECTOR);
	writew(COMMON + VIRTIO_PCI_COMMON_MSIX, 0);
	g_assert_cmphex(readw(COMMON + VIRTIO_PCI_COMMON_MSIX), ==, 0);
	/* a queue that does not exist has size 0 */
	writew(COMMON + VIRTIO_PCI_COMMON_Q_SELECT, 5);
	g_assert_cmpuint(readw(COMMON + VIRTIO_PCI_COMMON_Q_SIZE), ==, 0);
	/* sizes must be powers of two no larger than offered */
	writew(COMMON + VIRTIO_PCI_COMMON_Q_SELECT, 0);
	writew(COMMON + VIRTIO_PCI_COMMON_Q_SIZE, 100);
	g_assert_cmpuint(readw(COMMON + VIRTIO_PCI_COMMON_Q_SIZE), ==, 256);
	writew(COMMON + VIRTIO_PCI_COMMON_Q_SIZE, 64);
	g_assert_cmpuint(readw(COMMON + VIRTIO_PCI_COMMON_Q_SIZE), ==, 64);
	writel(COMMON + VIRTIO_PCI_COMMON_Q_DESCLO, 0x5000);
	writew(COMMON + VIRTIO_PCI_COMMON_Q_ENABLE, 1);
	g_assert_cmpuint(readw(COMMON + VIRTIO_PCI_COMMON_Q_ENABLE), ==, 1);
	/* enabled: the address is fixed now */
	writel(COMMON + VIRTIO_PCI_COMMON_Q_DESCLO, 0x6000);
	g_assert_cmphex(readl(COMMON + VIRTIO_PCI_COMMON_Q_DESCLO), ==, 0x5000);
	/* reset (status 0) */
	writeb(COMMON + VIRTIO_PCI_COMMON_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	writeb(COMMON + VIRTIO_PCI_COMMON_STATUS, 0);
	g_assert_cmpuint(readb(COMMON + VIRTIO_PCI_COMMON_STATUS), ==, 0);
	g_assert_cmpuint(readw(COMMON + VIRTIO_PCI_COMMON_Q_ENABLE), ==, 0);
	g_assert_cmphex(readl(COMMON + VIRTIO_PCI_COMMON_Q_DESCLO), ==, 0);
	g_assert_cmpuint(readw(COMMON + VIRTIO_PCI_COMMON_Q_SIZE), ==, 256);
	g_assert_cmphex(readw(COMMON + VIRTIO_PCI_COMMON_Q_MSIX), ==, VIRTIO_NO_VECTOR);
	teardown();
}

/* 6.1 + 3.1.1: a modern driver must take VERSION_1; unknown bits are refused */
static void test_virtio_pci_features_ok_refused(void)
{
	setup("virtio-blk-pci,addr=3");
	writeb(COMMON + VIRTIO_PCI_COMMON_STATUS, VIRTIO_CONFIG_S_DRIVER);
	driver_features(BLK_F_FLUSH);
	writeb(COMMON + VIRTIO_PCI_COMMON_STATUS, VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	g_assert_cmphex(readb(COMMON + VIRTIO_PCI_COMMON_STATUS), ==, VIRTIO_CONFIG_S_DRIVER);
	writeb(COMMON + VIRTIO_PCI_COMMON_STATUS, 0);
	writeb(COMMON + VIRTIO_PCI_COMMON_STATUS, VIRTIO_CONFIG_S_DRIVER);
	driver_features(F_VERSION_1 | (1ULL << 50));
	writeb(COMMON + VIRTIO_PCI_COMMON_STATUS, VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	g_assert_cmphex(readb(COMMON + VIRTIO_PCI_COMMON_STATUS), ==, VIRTIO_CONFIG_S_DRIVER);
	teardown();
}

/* 4.1.4.9: the configuration-space window onto BAR4 */
static void test_virtio_pci_cfg_access_window(void)
{
	uint8_t cap;

	setup("virtio-blk-pci,addr=3");
	cap = find_vendor_cap(VIRTIO_PCI_CAP_PCI_CFG);
	cfg_writeb(DF, cap + 4, 4);
	cfg_writel(DF, cap + 8, VIRTIO_PCI_COMMON_NUMQ);
	cfg_writel(DF, cap + 12, 2);
	g_assert_cmphex(cfg_readl(DF, cap + 16) & 0xffff, ==, 1);
	/* write through it: queue_select = 0, then read the queue size */
	cfg_writel(DF, cap + 8, VIRTIO_PCI_COMMON_Q_SIZE);
	g_assert_cmphex(cfg_readl(DF, cap + 16) & 0xffff, ==, 256);
	/* device configuration: capacity in sectors */
	cfg_writel(DF, cap + 8, VIRTIO_PCI_DEVICE_OFFSET);
	cfg_writel(DF, cap + 12, 4);
	g_assert_cmphex(cfg_readl(DF, cap + 16), ==, IMG_SIZE / 512);
	teardown();
}

static void test_virtio_blk_config_space(void)
{
	setup("virtio-blk-pci,addr=3");
	g_assert_cmphex(readl(DEVCFG), ==, IMG_SIZE / 512);		/* capacity */
	g_assert_cmphex(readl(DEVCFG + 4), ==, 0);
	g_assert_cmphex(readl(DEVCFG + 12), ==, 254);			/* seg_max */
	g_assert_cmphex(readl(DEVCFG + 20), ==, 512);			/* blk_size */
	g_assert_cmphex(readw(DEVCFG + 34), ==, 1);			/* num_queues */
	g_assert_cmphex(readl(DEVCFG + 64), ==, 0xffffffff);		/* beyond: all-ones */
	teardown();
}

static void test_virtio_blk_read_write_flush(void)
{
	uint8_t buf[512];

	setup("virtio-blk-pci,addr=3");
	modern_start(F_VERSION_1 | BLK_F_FLUSH);
	/* read sectors 5-6 */
	g_assert_cmpuint(request(0, 5, 1024, true, modern_kick), ==, 0);
	g_assert_cmpstr((char *)ram(DATA), ==, "sector 5");
	g_assert_cmpstr((char *)ram(DATA + 512), ==, "sector 6");
	g_assert_cmpuint(ldl_le_p(ram(USED + 8)), ==, 1025);	/* data + status byte */
	g_assert_cmpuint(readb(ISR) & 1, ==, 1);
	g_assert_cmpuint(readb(ISR), ==, 0);			/* read clears */
	/* write sector 9 */
	memset(ram(DATA), 0, 512);
	strcpy((char *)ram(DATA), "written by the guest");
	g_assert_cmpuint(request(1, 9, 512, false, modern_kick), ==, 0);
	g_assert_cmpuint(request(4, 0, 0, false, modern_kick), ==, 0);	/* flush */
	image_read(9 * 512, buf, 512);
	g_assert_cmpstr((char *)buf, ==, "written by the guest");
	/* beyond the end: IOERR, nothing transferred */
	g_assert_cmpuint(request(0, IMG_SIZE / 512 - 1, 1024, true, modern_kick), ==, 1);
	/* not a multiple of 512 */
	g_assert_cmpuint(request(0, 0, 100, true, modern_kick), ==, 1);
	/* an unknown type: UNSUPP */
	g_assert_cmpuint(request(99, 0, 0, false, modern_kick), ==, 2);
	teardown();
}

static void test_virtio_blk_get_id_discard_write_zeroes(void)
{
	uint8_t buf[512], zero[512] = { 0 };

	setup("virtio-blk-pci,addr=3,serial=KEMU-SERIAL-42");
	modern_start(F_VERSION_1 | BLK_F_FLUSH | BLK_F_DISCARD | BLK_F_WRITE_ZEROES);
	g_assert_cmpuint(request(8, 0, 20, true, modern_kick), ==, 0);
	g_assert_cmpmem(ram(DATA), 14, "KEMU-SERIAL-42", 14);
	/* write-zeroes over sectors 20-21 */
	stq_le_p(ram(DATA), 20);
	stl_le_p(ram(DATA + 8), 2);
	stl_le_p(ram(DATA + 12), 0);
	g_assert_cmpuint(request(13, 0, 16, false, modern_kick), ==, 0);
	image_read(20 * 512, buf, 512);
	g_assert_cmpmem(buf, 512, zero, 512);
	image_read(22 * 512, buf, 16);
	g_assert_cmpstr((char *)buf, ==, "sector 22");
	/* discard sectors 30-31 (the image may or may not punch a hole) */
	stq_le_p(ram(DATA), 30);
	stl_le_p(ram(DATA + 8), 2);
	g_assert_cmpuint(request(11, 0, 16, false, modern_kick), ==, 0);
	/* a range past the end is refused */
	stq_le_p(ram(DATA), IMG_SIZE / 512);
	g_assert_cmpuint(request(11, 0, 16, false, modern_kick), ==, 2);
	teardown();
}

static void test_virtio_blk_read_only_drive(void)
{
	/* a read-only drive offers VIRTIO_BLK_F_RO and refuses writes */
	pci_test_init(&m);
	make_image();
	drive.readonly = true;
	dev = harness_device_new("virtio-blk-pci,addr=3");
	g_assert_true(object_property_set_ptr(OBJECT(dev), "drive", &drive, NULL));
	harness_realize(dev);
	cfg_writel(DF, PCI_BASE_ADDRESS_0 + 16, (uint32_t)BAR4);
	cfg_writel(DF, PCI_BASE_ADDRESS_0 + 20, 0);
	cfg_writew(DF, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	used_seen = 0;
	g_assert_true(device_features() & BLK_F_RO);
	modern_start(F_VERSION_1 | BLK_F_RO);
	g_assert_cmpuint(request(1, 0, 512, false, modern_kick), ==, 1);
	teardown();
}

/* 4.1.4.8: what SeaBIOS's and old Linux drivers do through the I/O BAR */
static void test_virtio_blk_legacy_interface(void)
{
	setup("virtio-blk-pci,addr=3");
	g_assert_true(inl(IOBASE + VIRTIO_PCI_HOST_FEATURES) & BLK_F_FLUSH);
	outb(IOBASE + VIRTIO_PCI_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	outl(IOBASE + VIRTIO_PCI_GUEST_FEATURES, BLK_F_FLUSH);
	outw(IOBASE + VIRTIO_PCI_QUEUE_SEL, 0);
	g_assert_cmpuint(inw(IOBASE + VIRTIO_PCI_QUEUE_NUM), ==, 256);
	/* config at 0x14 while MSI-X is off: capacity */
	g_assert_cmphex(inl(IOBASE + 0x14), ==, IMG_SIZE / 512);
	/* legacy layout at a page frame: desc, avail right after, used on the next page */
	outl(IOBASE + VIRTIO_PCI_QUEUE_PFN, DESC >> 12);
	outb(IOBASE + VIRTIO_PCI_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
	     VIRTIO_CONFIG_S_DRIVER_OK);
	/* build the request where the legacy layout puts the rings (queue size 256) */
	{
		uint64_t avail = DESC + 16 * 256, used = ALIGN_UP(avail + 4 + 2 * 256 + 2, 4096);

		stl_le_p(ram(HDR), 0);
		stq_le_p(ram(HDR + 8), 7);
		desc(0, HDR, 16, VRING_DESC_F_NEXT, 1);
		desc(1, DATA, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
		desc(2, STATUS, 1, VRING_DESC_F_WRITE, 0);
		*ram(STATUS) = 0xee;
		stw_le_p(ram(avail + 4), 0);
		stw_le_p(ram(avail + 2), 1);
		legacy_kick();
		for (int i = 0; i < 1000 && lduw_le_p(ram(used + 2)) != 1; i++)
			main_loop_wait(10 * NS_PER_MS);
		g_assert_cmpuint(lduw_le_p(ram(used + 2)), ==, 1);
	}
	g_assert_cmpuint(*ram(STATUS), ==, 0);
	g_assert_cmpstr((char *)ram(DATA), ==, "sector 7");
	g_assert_cmpuint(inb(IOBASE + VIRTIO_PCI_ISR) & 1, ==, 1);
	/* writing PFN 0 resets the device */
	outl(IOBASE + VIRTIO_PCI_QUEUE_PFN, 0);
	g_assert_cmpuint(inb(IOBASE + VIRTIO_PCI_STATUS), ==, 0);
	teardown();
}

/* A hostile chain through the real transport: NEEDS_RESET, still answering */
static void test_virtio_blk_hostile_chain_needs_reset(void)
{
	setup("virtio-blk-pci,addr=3");
	modern_start(F_VERSION_1);
	desc(0, HDR, 16, VRING_DESC_F_NEXT, 0);		/* loops on itself */
	stw_le_p(ram(AVAIL + 4), 0);
	stw_le_p(ram(AVAIL + 2), 1);
	modern_kick();
	g_assert_cmphex(readb(COMMON + VIRTIO_PCI_COMMON_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET, ==,
			VIRTIO_CONFIG_S_NEEDS_RESET);
	g_assert_cmpuint(readb(ISR) & 2, ==, 2);		/* configuration change */
	/* the driver resets and starts again: requests work */
	memset(harness_ram(), 0, 0x40000);
	modern_start(F_VERSION_1);
	g_assert_cmpuint(request(0, 3, 512, true, modern_kick), ==, 0);
	g_assert_cmpstr((char *)ram(DATA), ==, "sector 3");
	teardown();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/virtio-pci/ids-and-capabilities", test_virtio_pci_ids_and_capabilities);
	g_test_add_func("/virtio-pci/modern-only-ids", test_virtio_pci_modern_only_ids);
	g_test_add_func("/virtio-pci/common-config-semantics",
			test_virtio_pci_common_config_semantics);
	g_test_add_func("/virtio-pci/features-ok-refused", test_virtio_pci_features_ok_refused);
	g_test_add_func("/virtio-pci/pci-cfg-access-window", test_virtio_pci_cfg_access_window);
	g_test_add_func("/virtio-blk/config-space", test_virtio_blk_config_space);
	g_test_add_func("/virtio-blk/read-write-flush", test_virtio_blk_read_write_flush);
	g_test_add_func("/virtio-blk/get-id-discard-write-zeroes",
			test_virtio_blk_get_id_discard_write_zeroes);
	g_test_add_func("/virtio-blk/read-only-drive", test_virtio_blk_read_only_drive);
	g_test_add_func("/virtio-blk/legacy-interface", test_virtio_blk_legacy_interface);
	g_test_add_func("/virtio-blk/hostile-chain-needs-reset",
			test_virtio_blk_hostile_chain_needs_reset);
	return g_test_run();
}

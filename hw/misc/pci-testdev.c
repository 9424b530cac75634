// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QEMU's PCI test device, "pci-testdev" (1b36:0005), register-compatible so
 * that guest test suites written for QEMU (kvm-unit-tests' pci-testdev)
 * run unchanged.
 *
 * BAR0 (memory, 4 KiB) and BAR1 (I/O, 256 bytes) each hold a small test
 * header. Writing a test number (0-2) to offset 0 of a BAR selects test
 * "<mmio|portio>-<no-eventfd|wildcard-eventfd|datamatch-eventfd>"; the
 * header of the current test then reads back through either BAR:
 *
 *	0  u8  test	   number (0-5, mmio tests first)
 *	1  u8  width	   access width the test expects (1)
 *	4  u32 offset	   where to write: 2048 + n (mmio) or 128 + n (portio)
 *	8  u8  data	   the value a data-matching test expects
 *	12 u32 count	   writes seen so far
 *	16 ... name	   NUL-terminated
 *
 * Writes to `offset` bump `count` (datamatch tests only count writes of the
 * right width and value). QEMU backs the "-eventfd" tests with ioeventfds,
 * whose writes never reach the device (count stays 0); kemu counts every
 * matching write, which the guest test accepts as well (it checks that the
 * count is 0 or the number of writes it made).
 * Optional BAR2: "membar=SIZE" (64-bit prefetchable; RAM when membar-backed).
 */
#include "hw/pci/pci.h"

#define IOTEST_IOSIZE	128
#define IOTEST_MEMSIZE	2048
#define IOTEST_NR_TESTS	3	/* per region type */
#define IOTEST_MAX	(2 * IOTEST_NR_TESTS)
#define IOTEST_DATAMATCH 0xfa
#define IOTEST_NOMATCH	0xce
#define IOTEST_HDR_SIZE	16
#define IOTEST_NAME_MAX	32

struct pci_testdev {
	struct pci_device parent;
	struct memory_region mmio, portio, membar;
	int32_t current;		/* selected test, -1: none */
	uint32_t count[IOTEST_MAX];
	uint64_t membar_size;
	bool membar_backed;
};

#define PCI_TESTDEV(obj) OBJECT_CHECK(struct pci_testdev, (obj), "pci-testdev")

static const char *const iotest_names[IOTEST_MAX] = {
	"mmio-no-eventfd", "mmio-wildcard-eventfd", "mmio-datamatch-eventfd",
	"portio-no-eventfd", "portio-wildcard-eventfd", "portio-datamatch-eventfd",
};

static bool iotest_is_mem(int t) { return t < IOTEST_NR_TESTS; }
static bool iotest_match_data(int t) { return t % IOTEST_NR_TESTS != 1; }	/* not wildcard */

static uint32_t iotest_offset(int t)
{
	return (iotest_is_mem(t) ? IOTEST_MEMSIZE : IOTEST_IOSIZE) + t;
}

/* The header of test t, as the guest reads it (little-endian). */
static void iotest_header(struct pci_testdev *d, int t, uint8_t *buf, size_t *len)
{
	size_t nlen = strlen(iotest_names[t]) + 1;

	memset(buf, 0, IOTEST_HDR_SIZE + IOTEST_NAME_MAX);
	buf[0] = t;
	buf[1] = 1;
	stl_le_p(buf + 4, iotest_offset(t));
	buf[8] = iotest_match_data(t) ? IOTEST_DATAMATCH : IOTEST_NOMATCH;
	stl_le_p(buf + 12, d->count[t]);
	memcpy(buf + IOTEST_HDR_SIZE, iotest_names[t], nlen);
	*len = IOTEST_HDR_SIZE + nlen;
}

static uint64_t pci_testdev_read(void *opaque, uint64_t addr, unsigned size)
{
	struct pci_testdev *d = opaque;
	uint8_t buf[IOTEST_HDR_SIZE + IOTEST_NAME_MAX];
	size_t len;

	if (d->current < 0)
		return 0;
	iotest_header(d, d->current, buf, &len);
	/* QEMU answers 0 for the last byte and beyond */
	if (addr + size >= len)
		return 0;
	return buf[addr];
}

static void pci_testdev_write(struct pci_testdev *d, uint64_t addr, uint64_t val,
			      unsigned size, bool is_mem)
{
	int t;

	if (addr == 0) {
		d->current = -1;
		if (val >= IOTEST_NR_TESTS)
			return;
		t = (is_mem ? 0 : IOTEST_NR_TESTS) + val;
		d->count[t] = 0;
		d->current = t;
		return;
	}
	if (d->current < 0)
		return;
	t = d->current;
	if (addr != iotest_offset(t))
		return;
	if (iotest_match_data(t) && (size != 1 || val != IOTEST_DATAMATCH))
		return;
	d->count[t]++;
}

static void pci_testdev_mmio_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	pci_testdev_write(opaque, addr, val, size, true);
}

static void pci_testdev_pio_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	pci_testdev_write(opaque, addr, val, size, false);
}

/* byte registers: wider accesses are split into bytes by the memory core */
static const struct memory_region_ops pci_testdev_mmio_ops = {
	.read = pci_testdev_read,
	.write = pci_testdev_mmio_write,
	.impl = { .min_access_size = 1, .max_access_size = 1 },
};

static const struct memory_region_ops pci_testdev_pio_ops = {
	.read = pci_testdev_read,
	.write = pci_testdev_pio_write,
	.impl = { .min_access_size = 1, .max_access_size = 1 },
};

static bool pci_testdev_realize(struct pci_device *pdev, GError **errp)
{
	struct pci_testdev *d = PCI_TESTDEV(pdev);

	if (d->membar_size && (d->membar_size & (d->membar_size - 1) || d->membar_size < 16)) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "pci-testdev: membar=0x%" PRIx64 ": expected a power of two >= 16",
			    d->membar_size);
		return false;
	}
	pdev->config[PCI_INTERRUPT_PIN] = 0;	/* no interrupt pin */
	memory_region_init_io(&d->mmio, OBJECT(d), &pci_testdev_mmio_ops, d,
			      "pci-testdev-mmio", IOTEST_MEMSIZE * 2);
	memory_region_init_io(&d->portio, OBJECT(d), &pci_testdev_pio_ops, d,
			      "pci-testdev-portio", IOTEST_IOSIZE * 2);
	pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &d->mmio);
	pci_register_bar(pdev, 1, PCI_BASE_ADDRESS_SPACE_IO, &d->portio);
	if (d->membar_size) {
		if (d->membar_backed) {
			if (!memory_region_init_ram(&d->membar, OBJECT(d), "pci-testdev-membar-backed",
						    d->membar_size, errp))
				return false;
		} else {
			memory_region_init_container(&d->membar, OBJECT(d), "pci-testdev-membar",
						     d->membar_size);
		}
		pci_register_bar(pdev, 2, PCI_BASE_ADDRESS_SPACE_MEMORY |
				 PCI_BASE_ADDRESS_MEM_PREFETCH | PCI_BASE_ADDRESS_MEM_TYPE_64,
				 &d->membar);
	}
	d->current = -1;
	return true;
}

static void pci_testdev_exit(struct pci_device *pdev)
{
	struct pci_testdev *d = PCI_TESTDEV(pdev);

	memory_region_destroy(&d->mmio);
	memory_region_destroy(&d->portio);
	if (d->membar_size)
		memory_region_destroy(&d->membar);
}

static void pci_testdev_reset(struct pci_device *pdev)
{
	struct pci_testdev *d = PCI_TESTDEV(pdev);

	d->current = -1;
	memset(d->count, 0, sizeof(d->count));
}

static const struct vmstate_field pci_testdev_fields[] = {
	VMSTATE_PCI_DEVICE(struct pci_testdev, parent),
	VMSTATE_I32(struct pci_testdev, current),
	VMSTATE_U32_ARRAY(struct pci_testdev, count, IOTEST_MAX),
	VMSTATE_END
};

static const struct property pci_testdev_props[] = {
	PROP_SIZE("membar", struct pci_testdev, membar_size, 0),
	PROP_BOOL("membar-backed", struct pci_testdev, membar_backed, false),
	PROP_END
};

static void pci_testdev_class_init(struct object_class *klass, const void *data)
{
	struct pci_device_class *k = PCI_DEVICE_CLASS(klass);

	k->realize = pci_testdev_realize;
	k->exit = pci_testdev_exit;
	k->reset = pci_testdev_reset;
	k->vendor_id = PCI_VENDOR_ID_REDHAT;
	k->device_id = 0x0005;
	k->revision = 0;
	k->class_id = PCI_CLASS_OTHERS;
}

DEFINE_DEVICE_TYPE(pci_testdev, "pci-testdev", TYPE_PCI_DEVICE, struct pci_testdev,
		   .class_init = pci_testdev_class_init, .props = pci_testdev_props,
		   .vmstate = pci_testdev_fields, .vmstate_version = 1,
		   .desc = "PCI Test Device", .category = "misc");

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "pc-testdev": QEMU's x86 test device, so kvm-unit-tests and similar guest
 * suites run unchanged. Its ports and memory, at QEMU's fixed addresses:
 *
 *	0xe0-0xe3	32-bit scratch register, any access size, byte lanes
 *	0xe4-0xe7	"flush page": a 32-bit write names a guest page whose
 *			mapping QEMU drops and restores; kemu's RAM needs no such
 *			thing, so the write is accepted and does nothing
 *	0xe8-0xeb	the same scratch register, accessed one byte at a time
 *	0x2000-0x2017	a byte write to 0x2000+n sets interrupt line n to !!value
 *	0xff000000	64 KiB of MMIO scratch memory (physical address space)
 *
 * Lines 0-15 go to the ISA IRQs; 16-23 (IOAPIC-only GSIs) are left for the
 * board to wire with pc_testdev_irq_line().
 */
#include "kemu/common.h"
#include "hw/isa/isa.h"
#include "hw/misc/pc-testdev.h"

#define PC_TESTDEV_IRQS 24
#define PC_TESTDEV_IOMEM_ADDR 0xff000000ULL
#define PC_TESTDEV_IOMEM_LEN 0x10000

struct pc_testdev_state {
	struct isa_device parent;
	struct memory_region ioport;
	struct memory_region flush;
	struct memory_region ioport_byte;
	struct memory_region irq;
	struct memory_region iomem;
	struct irq_line irqs[PC_TESTDEV_IRQS];
	uint32_t ioport_data;
	uint8_t iomem_buf[PC_TESTDEV_IOMEM_LEN];
};

#define PC_TESTDEV(obj) OBJECT_CHECK(struct pc_testdev_state, (obj), "pc-testdev")

static uint32_t lane_mask(uint64_t offset, unsigned size)
{
	return (uint32_t)(((uint64_t)1 << (size * 8)) - 1) << ((offset & 3) * 8);
}

static uint64_t testdev_ioport_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pc_testdev_state *s = opaque;

	if ((offset & 3) + size > 4)
		return UINT32_MAX;
	return (s->ioport_data & lane_mask(offset, size)) >> ((offset & 3) * 8);
}

static void testdev_ioport_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct pc_testdev_state *s = opaque;
	uint32_t mask;

	if ((offset & 3) + size > 4)
		return;
	mask = lane_mask(offset, size);
	s->ioport_data = (s->ioport_data & ~mask) | (((uint32_t)value << ((offset & 3) * 8)) & mask);
}

static const struct memory_region_ops testdev_ioport_ops = {
	.read = testdev_ioport_read,
	.write = testdev_ioport_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
	.impl = { .min_access_size = 1, .max_access_size = 4 },
};

static const struct memory_region_ops testdev_ioport_byte_ops = {
	.read = testdev_ioport_read,
	.write = testdev_ioport_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
	.impl = { .min_access_size = 1, .max_access_size = 1 },
};

static uint64_t testdev_flush_read(void *opaque, uint64_t offset, unsigned size)
{
	return UINT32_MAX;
}

static void testdev_flush_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	/* QEMU re-protects the page to test EPT/NPT refaults; nothing to do here */
}

static const struct memory_region_ops testdev_flush_ops = {
	.read = testdev_flush_read,
	.write = testdev_flush_write,
	.valid = { .min_access_size = 4, .max_access_size = 4 },
};

static uint64_t testdev_irq_read(void *opaque, uint64_t offset, unsigned size)
{
	return 0xff;
}

static void testdev_irq_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct pc_testdev_state *s = opaque;

	if (offset < PC_TESTDEV_IRQS)
		irq_line_set(&s->irqs[offset], value != 0);
}

static const struct memory_region_ops testdev_irq_ops = {
	.read = testdev_irq_read,
	.write = testdev_irq_write,
	.valid = { .min_access_size = 1, .max_access_size = 1 },
};

static uint64_t testdev_iomem_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pc_testdev_state *s = opaque;
	uint64_t v = 0;

	if (offset + size <= PC_TESTDEV_IOMEM_LEN)
		memcpy(&v, &s->iomem_buf[offset], size);
	return v;
}

static void testdev_iomem_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct pc_testdev_state *s = opaque;

	if (offset + size <= PC_TESTDEV_IOMEM_LEN)
		memcpy(&s->iomem_buf[offset], &value, size);
}

static const struct memory_region_ops testdev_iomem_ops = {
	.read = testdev_iomem_read,
	.write = testdev_iomem_write,
	.valid = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
};

static bool testdev_realize(struct device *dev, GError **errp)
{
	struct pc_testdev_state *s = PC_TESTDEV(dev);
	struct isa_bus *bus = isa_bus_get();
	struct object *owner = OBJECT(dev);

	memory_region_init_io(&s->ioport, owner, &testdev_ioport_ops, s, "pc-testdev-ioport", 4);
	memory_region_init_io(&s->flush, owner, &testdev_flush_ops, s, "pc-testdev-flush-page", 4);
	memory_region_init_io(&s->ioport_byte, owner, &testdev_ioport_byte_ops, s,
			      "pc-testdev-ioport-byte", 4);
	memory_region_init_io(&s->irq, owner, &testdev_irq_ops, s, "pc-testdev-irq-line",
			      PC_TESTDEV_IRQS);
	memory_region_init_io(&s->iomem, owner, &testdev_iomem_ops, s, "pc-testdev-iomem",
			      PC_TESTDEV_IOMEM_LEN);
	isa_register_ioport(ISA_DEVICE(dev), &s->ioport, 0xe0);
	isa_register_ioport(ISA_DEVICE(dev), &s->flush, 0xe4);
	isa_register_ioport(ISA_DEVICE(dev), &s->ioport_byte, 0xe8);
	isa_register_ioport(ISA_DEVICE(dev), &s->irq, 0x2000);
	if (bus->as_mem && bus->as_mem->root)
		memory_region_add_subregion(bus->as_mem->root, PC_TESTDEV_IOMEM_ADDR, &s->iomem);
	for (int i = 0; i < PC_TESTDEV_IRQS; i++)
		isa_connect_irq(ISA_DEVICE(dev), &s->irqs[i], i);
	return true;
}

static void testdev_unrealize(struct device *dev)
{
	struct pc_testdev_state *s = PC_TESTDEV(dev);

	memory_region_destroy(&s->ioport);
	memory_region_destroy(&s->flush);
	memory_region_destroy(&s->ioport_byte);
	memory_region_destroy(&s->irq);
	memory_region_destroy(&s->iomem);
}

struct irq_line *pc_testdev_irq_line(struct device *dev, int n)
{
	g_assert(n >= 0 && n < PC_TESTDEV_IRQS);
	return &PC_TESTDEV(dev)->irqs[n];
}

static const struct vmstate_field testdev_fields[] = {
	VMSTATE_U32(struct pc_testdev_state, ioport_data),
	VMSTATE_BUFFER(struct pc_testdev_state, iomem_buf),
	VMSTATE_END
};

DEFINE_DEVICE_TYPE(pc_testdev, "pc-testdev", TYPE_ISA_DEVICE, struct pc_testdev_state,
		   .realize = testdev_realize, .unrealize = testdev_unrealize,
		   .vmstate = testdev_fields, .vmstate_version = 1,
		   .desc = "QEMU's x86 test device (kvm-unit-tests)", .category = "misc");

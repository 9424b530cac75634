// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "port92": system control port A (0x92) of PS/2-era chipsets (PIIX3
 * datasheet, "Port 92h"): bit 0 fast reset (on a 0->1 write), bit 1 fast
 * A20 gate. Other bits read back as written. The A20 state goes out on an
 * output line; the board wires it to the CPUs (see hw/misc/port92.h).
 */
#include "kemu/common.h"
#include "hw/isa/isa.h"
#include "hw/misc/port92.h"
#include "system/runstate.h"

struct port92_state {
	struct isa_device parent;
	struct memory_region io;
	struct irq_line a20;
	uint8_t outport;
	uint32_t iobase;
};

#define PORT92(obj) OBJECT_CHECK(struct port92_state, (obj), TYPE_PORT92)

static uint64_t port92_read(void *opaque, uint64_t offset, unsigned size)
{
	struct port92_state *s = opaque;

	return s->outport;
}

static void port92_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct port92_state *s = opaque;
	uint8_t old = s->outport;

	s->outport = value;
	irq_line_set(&s->a20, (value >> 1) & 1);
	if ((value & 1) && !(old & 1))
		runstate_request_reset();
}

static const struct memory_region_ops port92_ops = {
	.read = port92_read,
	.write = port92_write,
	.valid = { .min_access_size = 1, .max_access_size = 1 },
};

static bool port92_realize(struct device *dev, GError **errp)
{
	struct port92_state *s = PORT92(dev);

	if (s->iobase > 0xffff) {
		g_set_error(errp, KEMU_ERROR, 0, "port92: iobase 0x%x out of range", s->iobase);
		return false;
	}
	memory_region_init_io(&s->io, OBJECT(dev), &port92_ops, s, "port92", 1);
	isa_register_ioport(ISA_DEVICE(dev), &s->io, s->iobase);
	return true;
}

static void port92_unrealize(struct device *dev)
{
	memory_region_destroy(&PORT92(dev)->io);
}

/* Reset ends the reset pulse; the A20 bit survives, as in QEMU. */
static void port92_reset(struct device *dev)
{
	PORT92(dev)->outport &= ~1;
}

struct irq_line *port92_a20_line(struct device *dev)
{
	return &PORT92(dev)->a20;
}

static const struct vmstate_field port92_fields[] = {
	VMSTATE_U8(struct port92_state, outport),
	VMSTATE_END
};

static const struct property port92_props[] = {
	PROP_U32("iobase", struct port92_state, iobase, 0x92),
	PROP_END
};

DEFINE_DEVICE_TYPE(port92, TYPE_PORT92, TYPE_ISA_DEVICE, struct port92_state,
		   .realize = port92_realize, .unrealize = port92_unrealize,
		   .reset = port92_reset, .props = port92_props, .vmstate = port92_fields,
		   .vmstate_version = 1, .desc = "system control port A (fast A20, fast reset)",
		   .category = "misc");

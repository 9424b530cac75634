// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "isa-debugcon": the Bochs/QEMU debug console port (0xe9 by default).
 * Bytes written go to the chardev (-debugcon); reads return readback
 * (0xe9), which is how firmware detects the port. No input.
 */
#include "kemu/common.h"
#include "chardev/char.h"
#include "hw/isa/isa.h"

struct debugcon_state {
	struct isa_device parent;
	struct memory_region io;
	struct chardev_frontend fe;
	struct chardev *chr;
	uint32_t iobase;
	uint32_t readback;
};

#define DEBUGCON(obj) OBJECT_CHECK(struct debugcon_state, (obj), "isa-debugcon")

static uint64_t debugcon_read(void *opaque, uint64_t offset, unsigned size)
{
	struct debugcon_state *s = opaque;

	return s->readback & 0xff;
}

static void debugcon_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct debugcon_state *s = opaque;
	uint8_t ch = value;

	chardev_fe_write_all(&s->fe, &ch, 1);
}

static const struct memory_region_ops debugcon_ops = {
	.read = debugcon_read,
	.write = debugcon_write,
	.valid = { .min_access_size = 1, .max_access_size = 1 },
};

static bool debugcon_realize(struct device *dev, GError **errp)
{
	struct debugcon_state *s = DEBUGCON(dev);

	if (s->iobase > 0xffff) {
		g_set_error(errp, KEMU_ERROR, 0, "isa-debugcon: iobase 0x%x out of range",
			    s->iobase);
		return false;
	}
	if (!chardev_fe_init(&s->fe, s->chr, errp))
		return false;
	memory_region_init_io(&s->io, OBJECT(dev), &debugcon_ops, s, "isa-debugcon", 1);
	isa_register_ioport(ISA_DEVICE(dev), &s->io, s->iobase);
	return true;
}

static void debugcon_unrealize(struct device *dev)
{
	struct debugcon_state *s = DEBUGCON(dev);

	chardev_fe_deinit(&s->fe);
	memory_region_destroy(&s->io);
}

static const struct property debugcon_props[] = {
	PROP_U32("iobase", struct debugcon_state, iobase, 0xe9),
	PROP_U32("readback", struct debugcon_state, readback, 0xe9),
	PROP_CHARDEV("chardev", struct debugcon_state, chr),
	PROP_END
};

DEFINE_DEVICE_TYPE(isa_debugcon, "isa-debugcon", TYPE_ISA_DEVICE, struct debugcon_state,
		   .realize = debugcon_realize, .unrealize = debugcon_unrealize,
		   .props = debugcon_props, .desc = "Bochs-style debug console port",
		   .category = "misc");

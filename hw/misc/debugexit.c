// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "isa-debug-exit": a port that ends kemu. A write of value v exits with
 * status (v << 1) | 1, so a test guest can report success or failure
 * without a status that could be mistaken for a normal exit (0). As in
 * QEMU: iobase 0x501, iosize 2 by default; test suites use
 * "-device isa-debug-exit,iobase=0xf4,iosize=4". Reads return 0.
 */
#include "kemu/common.h"
#include "hw/isa/isa.h"
#include "system/runstate.h"

struct debugexit_state {
	struct isa_device parent;
	struct memory_region io;
	uint32_t iobase;
	uint32_t iosize;
};

#define DEBUGEXIT(obj) OBJECT_CHECK(struct debugexit_state, (obj), "isa-debug-exit")

static uint64_t debugexit_read(void *opaque, uint64_t offset, unsigned size)
{
	return 0;
}

static void debugexit_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	runstate_request_exit((int)((value << 1) | 1));
}

static const struct memory_region_ops debugexit_ops = {
	.read = debugexit_read,
	.write = debugexit_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
	.impl = { .min_access_size = 1, .max_access_size = 4 },
};

static bool debugexit_realize(struct device *dev, GError **errp)
{
	struct debugexit_state *s = DEBUGEXIT(dev);

	if (!s->iosize || s->iobase > 0xffff || s->iosize > 0x10000 - s->iobase) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "isa-debug-exit: iobase 0x%x iosize 0x%x does not fit the port space",
			    s->iobase, s->iosize);
		return false;
	}
	memory_region_init_io(&s->io, OBJECT(dev), &debugexit_ops, s, "isa-debug-exit",
			      s->iosize);
	isa_register_ioport(ISA_DEVICE(dev), &s->io, s->iobase);
	return true;
}

static void debugexit_unrealize(struct device *dev)
{
	memory_region_destroy(&DEBUGEXIT(dev)->io);
}

static const struct property debugexit_props[] = {
	PROP_U32("iobase", struct debugexit_state, iobase, 0x501),
	PROP_U32("iosize", struct debugexit_state, iosize, 2),
	PROP_END
};

DEFINE_DEVICE_TYPE(isa_debugexit, "isa-debug-exit", TYPE_ISA_DEVICE, struct debugexit_state,
		   .realize = debugexit_realize, .unrealize = debugexit_unrealize,
		   .props = debugexit_props, .desc = "exit kemu with status (value << 1) | 1",
		   .category = "misc");

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "isa-serial": the 16550A core (serial.c) as a PC COM port. index 0..3
 * selects COM1..COM4's conventional iobase and IRQ unless iobase/irq are
 * given; without index the ports number themselves in creation order, as in
 * QEMU. Realize places the 8-byte register block and the IRQ on the ISA bus.
 */
#include "kemu/common.h"
#include "hw/char/serial.h"
#include "hw/isa/isa.h"

#define ISA_SERIAL_PORTS 4

struct isa_serial {
	struct isa_device parent;
	struct serial_state state;
	int32_t index;
	uint32_t iobase;		/* UINT32_MAX: from index */
	uint32_t irq;			/* UINT32_MAX: from index */
	struct chardev *chr;
};

#define ISA_SERIAL(obj) OBJECT_CHECK(struct isa_serial, (obj), TYPE_ISA_SERIAL)

static const struct {
	uint16_t iobase;
	uint8_t irq;
} isa_serial_defaults[ISA_SERIAL_PORTS] = {
	{ 0x3f8, 4 }, { 0x2f8, 3 }, { 0x3e8, 4 }, { 0x2e8, 3 },
};

static int isa_serial_next_index;	/* numbering of ports created without index= */

static bool isa_serial_realize(struct device *dev, GError **errp)
{
	struct isa_serial *s = ISA_SERIAL(dev);

	if (s->index < 0)
		s->index = isa_serial_next_index;
	if ((s->iobase == UINT32_MAX || s->irq == UINT32_MAX) && s->index >= ISA_SERIAL_PORTS) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "isa-serial: index %d: at most %d ISA serial ports have default "
			    "iobase/irq; give iobase= and irq=", s->index, ISA_SERIAL_PORTS);
		return false;
	}
	if (s->iobase == UINT32_MAX)
		s->iobase = isa_serial_defaults[s->index].iobase;
	if (s->irq == UINT32_MAX)
		s->irq = isa_serial_defaults[s->index].irq;
	if (s->iobase > 0xfff8 || s->irq > 15) {
		g_set_error(errp, KEMU_ERROR, 0, "isa-serial: iobase 0x%x or irq %u out of range",
			    s->iobase, s->irq);
		return false;
	}
	if (!serial_realize(&s->state, OBJECT(dev), s->chr, errp))
		return false;
	isa_register_ioport(ISA_DEVICE(dev), &s->state.io, s->iobase);
	isa_connect_irq(ISA_DEVICE(dev), &s->state.irq, s->irq);
	isa_serial_next_index = MAX(isa_serial_next_index, s->index + 1);
	return true;
}

static void isa_serial_unrealize(struct device *dev)
{
	serial_unrealize(&ISA_SERIAL(dev)->state);
}

static void isa_serial_reset(struct device *dev)
{
	serial_reset(&ISA_SERIAL(dev)->state);
}

static const struct vmstate_field isa_serial_fields[] = {
	SERIAL_VMSTATE_FIELDS(struct isa_serial, state),
	VMSTATE_END
};

static const struct property isa_serial_props[] = {
	PROP_I32("index", struct isa_serial, index, -1),
	PROP_U32("iobase", struct isa_serial, iobase, UINT32_MAX),
	PROP_U32("irq", struct isa_serial, irq, UINT32_MAX),
	PROP_CHARDEV("chardev", struct isa_serial, chr),
	PROP_END
};

DEFINE_DEVICE_TYPE(isa_serial, TYPE_ISA_SERIAL, TYPE_ISA_DEVICE, struct isa_serial,
		   .realize = isa_serial_realize, .unrealize = isa_serial_unrealize,
		   .reset = isa_serial_reset, .props = isa_serial_props,
		   .vmstate = isa_serial_fields, .vmstate_version = 1,
		   .desc = "16550A UART (COM port)", .category = "input");

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Intel 8042 keyboard controller as found in PC/AT compatibles: status and
 * command port 0x64, data port 0x60, the command byte (controller RAM byte
 * 0), self tests, the output port with the A20 gate and the CPU reset line.
 *
 * References: IBM PC/AT Technical Reference, "Keyboard Controller"; the
 * command set is the one in every AT-compatible BIOS listing. The PS/2
 * keyboard and mouse are child devices (hw/input/ps2-*.c): bytes written to
 * port 0x60 (or after command 0xd4) go to them, and their output queues
 * feed the output buffer whenever it is empty and their interface is
 * enabled. With command byte bit 6 set the controller translates keyboard
 * bytes to scancode set 1 (PS/2 Technical Reference, "Keyboard/Auxiliary
 * Device Controller": an F0 prefix is absorbed and sets bit 7 of the next
 * byte).
 */
#include "kemu/common.h"
#include "hw/input/i8042.h"
#include "hw/isa/isa.h"
#include "system/runstate.h"
#include "hw/input/ps2.h"
#include "ui/input.h"

#define KBD_STAT_OBF		0x01
#define KBD_STAT_IBF		0x02
#define KBD_STAT_SYS		0x04	/* system flag: POST passed */
#define KBD_STAT_CMD		0x08	/* last write was to 0x64 */
#define KBD_STAT_UNLOCKED	0x10	/* keyboard not inhibited */
#define KBD_STAT_AUX_OBF	0x20	/* output buffer holds mouse data */
#define KBD_STAT_TIMEOUT	0x40
#define KBD_STAT_PARITY		0x80

#define KBD_MODE_KBD_INT	0x01
#define KBD_MODE_AUX_INT	0x02
#define KBD_MODE_SYS		0x04
#define KBD_MODE_DISABLE_KBD	0x10
#define KBD_MODE_DISABLE_AUX	0x20
#define KBD_MODE_TRANSLATE	0x40

#define KBD_OUT_RESET		0x01	/* active low: 0 resets the CPU */
#define KBD_OUT_A20		0x02
#define KBD_OUT_OBF		0x10
#define KBD_OUT_AUX_OBF		0x20
#define KBD_OUT_ONES		0xcc

#define KBD_CCMD_READ_MODE	0x20
#define KBD_CCMD_WRITE_MODE	0x60
#define KBD_CCMD_VERSION	0xa1
#define KBD_CCMD_AUX_DISABLE	0xa7
#define KBD_CCMD_AUX_ENABLE	0xa8
#define KBD_CCMD_AUX_TEST	0xa9
#define KBD_CCMD_SELF_TEST	0xaa
#define KBD_CCMD_KBD_TEST	0xab
#define KBD_CCMD_KBD_DISABLE	0xad
#define KBD_CCMD_KBD_ENABLE	0xae
#define KBD_CCMD_READ_INPORT	0xc0
#define KBD_CCMD_READ_OUTPORT	0xd0
#define KBD_CCMD_WRITE_OUTPORT	0xd1
#define KBD_CCMD_WRITE_OBUF	0xd2
#define KBD_CCMD_WRITE_AUX_OBUF	0xd3
#define KBD_CCMD_WRITE_AUX	0xd4
#define KBD_CCMD_DISABLE_A20	0xdd	/* HP vectra only? */
#define KBD_CCMD_ENABLE_A20	0xdf
#define KBD_CCMD_READ_TEST	0xe0
#define KBD_CCMD_PULSE_FIRST	0xf0

#define KBD_REPLY_NAK		0xfe
#define I8042_RAM_SIZE		32
#define I8042_QUEUE_SIZE	16

struct i8042_state {
	struct isa_device parent;
	uint8_t ram[I8042_RAM_SIZE];	/* ram[0] is the command byte */
	uint8_t status;
	uint8_t outport;
	uint8_t pending;		/* command waiting for its data byte, 0: none */
	uint8_t last_data;		/* what 0x60 reads when nothing is queued */
	/* output buffer and what queues behind it */
	uint8_t queue[I8042_QUEUE_SIZE];
	uint16_t queue_aux;		/* bit i: queue[i] came from the mouse side */
	uint8_t queue_head;
	uint8_t queue_count;
	bool xlat_break;		/* translation: an F0 was absorbed */

	struct device *kbd;		/* children "ps2-kbd" and "ps2-mouse" */
	struct device *mouse;
	struct memory_region data_io;
	struct memory_region cmd_io;
	struct irq_line kbd_irq;
	struct irq_line aux_irq;
	struct irq_line a20;
};

#define I8042(obj) OBJECT_CHECK(struct i8042_state, (obj), TYPE_I8042)

static unsigned i8042_queue_count(const struct i8042_state *s)
{
	return MIN(s->queue_count, I8042_QUEUE_SIZE);	/* restored state is untrusted */
}

static bool i8042_head_is_aux(const struct i8042_state *s)
{
	return s->queue_aux & (1u << (s->queue_head % I8042_QUEUE_SIZE));
}

static void i8042_update_irq(struct i8042_state *s)
{
	bool full = i8042_queue_count(s) > 0;
	bool aux = full && i8042_head_is_aux(s);

	s->status &= ~(KBD_STAT_OBF | KBD_STAT_AUX_OBF);
	if (full)
		s->status |= KBD_STAT_OBF | (aux ? KBD_STAT_AUX_OBF : 0);
	irq_line_set(&s->kbd_irq, full && !aux && (s->ram[0] & KBD_MODE_KBD_INT));
	irq_line_set(&s->aux_irq, full && aux && (s->ram[0] & KBD_MODE_AUX_INT));
}

static void i8042_queue(struct i8042_state *s, uint8_t val, bool aux)
{
	unsigned count = i8042_queue_count(s);
	unsigned slot = (s->queue_head + count) % I8042_QUEUE_SIZE;

	if (count == I8042_QUEUE_SIZE) {
		guest_error("i8042: output queue full, byte 0x%02x dropped", val);
		return;
	}
	s->queue[slot] = val;
	if (aux)
		s->queue_aux |= 1u << slot;
	else
		s->queue_aux &= ~(1u << slot);
	s->queue_count = count + 1;
	i8042_update_irq(s);
}

/*
 * While the output buffer is empty, move the next byte from the keyboard
 * (first) or the mouse into it, unless that interface is disabled in the
 * command byte. A translated F0 gives no byte, so the loop takes another.
 */
static void i8042_pull_from_devices(struct i8042_state *s)
{
	while (!i8042_queue_count(s)) {
		if (s->kbd && !(s->ram[0] & KBD_MODE_DISABLE_KBD) && ps2_device_has_data(s->kbd)) {
			uint8_t val = ps2_device_read(s->kbd);

			if (s->ram[0] & KBD_MODE_TRANSLATE) {
				if (val == 0xf0) {
					s->xlat_break = true;
					continue;
				}
				val = input_set2_to_set1_byte(val) | (s->xlat_break ? 0x80 : 0);
				s->xlat_break = false;
			}
			i8042_queue(s, val, false);
		} else if (s->mouse && !(s->ram[0] & KBD_MODE_DISABLE_AUX) &&
			   ps2_device_has_data(s->mouse)) {
			i8042_queue(s, ps2_device_read(s->mouse), true);
		} else {
			break;
		}
	}
}

static void i8042_device_notify(void *opaque)
{
	i8042_pull_from_devices(opaque);
}

/* A byte for the keyboard (port 0x60) or the mouse (after command 0xd4). */
static void i8042_send_to_device(struct i8042_state *s, uint8_t val, bool aux)
{
	struct device *dev = aux ? s->mouse : s->kbd;

	if (!dev) {
		/* an empty socket: the transmit times out and 0xfe arrives */
		s->status |= KBD_STAT_TIMEOUT;
		i8042_queue(s, KBD_REPLY_NAK, aux);
		return;
	}
	/* writing to the keyboard enables its interface (8042 firmware does so) */
	if (!aux)
		s->ram[0] &= ~KBD_MODE_DISABLE_KBD;
	ps2_device_write(dev, val);
}

static void i8042_set_outport(struct i8042_state *s, uint8_t val)
{
	uint8_t old = s->outport;

	s->outport = val;
	if ((old ^ val) & KBD_OUT_A20)
		irq_line_set(&s->a20, !!(val & KBD_OUT_A20));
	if (!(val & KBD_OUT_RESET))
		runstate_request_reset();
}

static uint8_t i8042_read_outport(const struct i8042_state *s)
{
	uint8_t v = s->outport & ~(KBD_OUT_OBF | KBD_OUT_AUX_OBF);

	if (s->status & KBD_STAT_OBF)
		v |= (s->status & KBD_STAT_AUX_OBF) ? KBD_OUT_AUX_OBF : KBD_OUT_OBF;
	return v;
}

static void i8042_write_command(struct i8042_state *s, uint8_t cmd)
{
	s->pending = 0;
	if (cmd >= 0x20 && cmd < 0x40) {		/* read controller RAM */
		i8042_queue(s, s->ram[cmd & 0x1f], false);
		return;
	}
	if (cmd >= 0x60 && cmd < 0x80) {		/* write controller RAM: data follows */
		s->pending = cmd;
		return;
	}
	if (cmd >= KBD_CCMD_PULSE_FIRST) {
		/* pulse output port bits whose mask bit is 0; bit 0 is the reset line */
		if (!(cmd & 1))
			runstate_request_reset();
		return;
	}
	switch (cmd) {
	case KBD_CCMD_AUX_DISABLE:
		s->ram[0] |= KBD_MODE_DISABLE_AUX;
		break;
	case KBD_CCMD_AUX_ENABLE:
		s->ram[0] &= ~KBD_MODE_DISABLE_AUX;
		i8042_pull_from_devices(s);
		break;
	case KBD_CCMD_AUX_TEST:
	case KBD_CCMD_KBD_TEST:
		i8042_queue(s, 0x00, false);	/* interface OK */
		break;
	case KBD_CCMD_SELF_TEST:
		s->status |= KBD_STAT_SYS;
		i8042_queue(s, 0x55, false);
		break;
	case KBD_CCMD_KBD_DISABLE:
		s->ram[0] |= KBD_MODE_DISABLE_KBD;
		break;
	case KBD_CCMD_KBD_ENABLE:
		s->ram[0] &= ~KBD_MODE_DISABLE_KBD;
		i8042_pull_from_devices(s);
		break;
	case KBD_CCMD_READ_INPORT:
		i8042_queue(s, 0x80, false);	/* keyboard not inhibited */
		break;
	case KBD_CCMD_READ_OUTPORT:
		i8042_queue(s, i8042_read_outport(s), false);
		break;
	case KBD_CCMD_WRITE_OUTPORT:
	case KBD_CCMD_WRITE_OBUF:
	case KBD_CCMD_WRITE_AUX_OBUF:
	case KBD_CCMD_WRITE_AUX:
		s->pending = cmd;
		break;
	case KBD_CCMD_DISABLE_A20:
		i8042_set_outport(s, s->outport & ~KBD_OUT_A20);
		break;
	case KBD_CCMD_ENABLE_A20:
		i8042_set_outport(s, s->outport | KBD_OUT_A20);
		break;
	case KBD_CCMD_READ_TEST:
		i8042_queue(s, 0x00, false);
		break;
	default:
		log_unimp("i8042: controller command 0x%02x", cmd);
		break;
	}
}

static void i8042_write_data(struct i8042_state *s, uint8_t val)
{
	uint8_t cmd = s->pending;

	s->pending = 0;
	if (cmd >= 0x60 && cmd < 0x80) {
		s->ram[cmd & 0x1f] = val;
		if (cmd == KBD_CCMD_WRITE_MODE) {
			s->status = (s->status & ~KBD_STAT_SYS) | (val & KBD_MODE_SYS);
			i8042_pull_from_devices(s);
			i8042_update_irq(s);
		}
		return;
	}
	switch (cmd) {
	case KBD_CCMD_WRITE_OUTPORT:
		i8042_set_outport(s, val);
		break;
	case KBD_CCMD_WRITE_OBUF:
		i8042_queue(s, val, false);
		break;
	case KBD_CCMD_WRITE_AUX_OBUF:
		i8042_queue(s, val, true);
		break;
	case KBD_CCMD_WRITE_AUX:
		i8042_send_to_device(s, val, true);
		break;
	default:
		i8042_send_to_device(s, val, false);
		break;
	}
}

static uint64_t i8042_data_read(void *opaque, uint64_t offset, unsigned size)
{
	struct i8042_state *s = opaque;
	unsigned count = i8042_queue_count(s);

	if (count) {
		s->last_data = s->queue[s->queue_head % I8042_QUEUE_SIZE];
		s->queue_head = (s->queue_head + 1) % I8042_QUEUE_SIZE;
		s->queue_count = count - 1;
		/*
		 * Reading empties the output buffer and drops IRQ 1/12; the next
		 * byte refills it and raises the line again: a new edge for the
		 * edge-triggered PIC, as on the real controller.
		 */
		irq_line_set(&s->kbd_irq, 0);
		irq_line_set(&s->aux_irq, 0);
		i8042_pull_from_devices(s);
		i8042_update_irq(s);
	}
	return s->last_data;
}

static void i8042_data_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct i8042_state *s = opaque;

	s->status &= ~(KBD_STAT_CMD | KBD_STAT_TIMEOUT);
	i8042_write_data(s, value);
}

static uint64_t i8042_cmd_read(void *opaque, uint64_t offset, unsigned size)
{
	struct i8042_state *s = opaque;

	return s->status;
}

static void i8042_cmd_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct i8042_state *s = opaque;

	s->status = (s->status & ~KBD_STAT_TIMEOUT) | KBD_STAT_CMD;
	i8042_write_command(s, value);
}

static const struct memory_region_ops i8042_data_ops = {
	.read = i8042_data_read,
	.write = i8042_data_write,
	.valid = { .min_access_size = 1, .max_access_size = 1 },
};

static const struct memory_region_ops i8042_cmd_ops = {
	.read = i8042_cmd_read,
	.write = i8042_cmd_write,
	.valid = { .min_access_size = 1, .max_access_size = 1 },
};

static struct device *i8042_add_device(struct i8042_state *s, const char *type,
				       const char *name, GError **errp)
{
	struct device *dev = device_new(type);

	object_property_add_child(OBJECT(s), name, OBJECT(dev));
	object_unref(OBJECT(dev));
	if (!device_realize(dev, errp)) {
		object_unparent(OBJECT(dev));
		return NULL;
	}
	ps2_device_set_notify(dev, i8042_device_notify, s);
	return dev;
}

static void i8042_unrealize(struct device *dev)
{
	struct i8042_state *s = I8042(dev);

	if (s->kbd)
		object_unparent(OBJECT(s->kbd));
	if (s->mouse)
		object_unparent(OBJECT(s->mouse));
	s->kbd = s->mouse = NULL;
	memory_region_destroy(&s->data_io);
	memory_region_destroy(&s->cmd_io);
}

static bool i8042_realize(struct device *dev, GError **errp)
{
	struct i8042_state *s = I8042(dev);

	memory_region_init_io(&s->data_io, OBJECT(dev), &i8042_data_ops, s, "i8042-data", 1);
	memory_region_init_io(&s->cmd_io, OBJECT(dev), &i8042_cmd_ops, s, "i8042-cmd", 1);
	isa_register_ioport(ISA_DEVICE(dev), &s->data_io, 0x60);
	isa_register_ioport(ISA_DEVICE(dev), &s->cmd_io, 0x64);
	isa_connect_irq(ISA_DEVICE(dev), &s->kbd_irq, 1);
	isa_connect_irq(ISA_DEVICE(dev), &s->aux_irq, 12);
	s->kbd = i8042_add_device(s, TYPE_PS2_KBD, "ps2-kbd", errp);
	s->mouse = s->kbd ? i8042_add_device(s, TYPE_PS2_MOUSE, "ps2-mouse", errp) : NULL;
	if (!s->mouse) {
		i8042_unrealize(dev);
		return false;
	}
	return true;
}


static void i8042_reset(struct device *dev)
{
	struct i8042_state *s = I8042(dev);

	memset(s->ram, 0, sizeof(s->ram));
	s->ram[0] = KBD_MODE_KBD_INT | KBD_MODE_AUX_INT;
	s->status = KBD_STAT_CMD | KBD_STAT_UNLOCKED;
	s->outport = KBD_OUT_RESET | KBD_OUT_A20 | KBD_OUT_ONES;
	s->pending = 0;
	s->last_data = 0;
	s->queue_head = 0;
	s->queue_count = 0;
	s->queue_aux = 0;
	s->xlat_break = false;
	i8042_update_irq(s);
	irq_line_set(&s->a20, 1);
}

struct irq_line *i8042_a20_line(struct device *dev)
{
	return &I8042(dev)->a20;
}

static const struct vmstate_field i8042_fields[] = {
	VMSTATE_U8_ARRAY(struct i8042_state, ram, I8042_RAM_SIZE),
	VMSTATE_U8(struct i8042_state, status),
	VMSTATE_U8(struct i8042_state, outport),
	VMSTATE_U8(struct i8042_state, pending),
	VMSTATE_U8(struct i8042_state, last_data),
	VMSTATE_U8_ARRAY(struct i8042_state, queue, I8042_QUEUE_SIZE),
	VMSTATE_U16(struct i8042_state, queue_aux),
	VMSTATE_U8(struct i8042_state, queue_head),
	VMSTATE_U8(struct i8042_state, queue_count),
	VMSTATE_BOOL(struct i8042_state, xlat_break),
	VMSTATE_END
};

DEFINE_DEVICE_TYPE(i8042, TYPE_I8042, TYPE_ISA_DEVICE, struct i8042_state,
		   .realize = i8042_realize, .unrealize = i8042_unrealize, .reset = i8042_reset,
		   .vmstate = i8042_fields, .vmstate_version = 2,
		   .desc = "8042 keyboard controller (A20 gate, reset line)", .category = "input");

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PC's two cascaded 8259A programmable interrupt controllers, and the
 * PIIX edge/level control registers (ELCR) that sit next to them.
 *
 * Chip 0 is the master (IRQ 0-7, the slave's INT on its IR2), chip 1 the
 * slave (IRQ 8-15). Each chip keeps the request (IRR), in-service (ISR) and
 * mask (IMR) registers of the datasheet; `pin` holds the current level of
 * each input so that edge detection and level sensing derive from it.
 * This is not an APIC and knows nothing about vectors beyond ICW2.
 *
 * References: Intel 8259A Programmable Interrupt Controller data sheet
 * (order no. 231468-003, 1988): "Initialization command words" (ICW1-4,
 * fig. 6), "Operation command words" (OCW1-3, fig. 8), "Edge and level
 * triggered modes", "The special mask mode", "Poll command", "Cascading".
 * ELCR: Intel 82371AB PIIX4 data sheet §4.1.10 (ports 4D0h/4D1h).
 */
#include "kemu/common.h"
#include "hw/intc/i8259.h"
#include "system/memory.h"
#include "target/i386/cpu.h"

#define PIC_MASTER 0
#define PIC_SLAVE 1
#define PIC_CASCADE_IRQ 2

/* ICW1 (A0=0, D4=1) */
#define ICW1_IC4	0x01	/* ICW4 follows */
#define ICW1_SNGL	0x02	/* single: no ICW3 */
#define ICW1_LTIM	0x08	/* level-triggered mode for all inputs */
#define ICW1_INIT	0x10
/* ICW4 */
#define ICW4_UPM	0x01	/* 8086/8088 mode */
#define ICW4_AEOI	0x02
#define ICW4_SFNM	0x10	/* special fully nested mode */
/* OCW3 (A0=0, D4=0, D3=1) */
#define OCW3_SEL	0x08
#define OCW3_RIS	0x01
#define OCW3_RR		0x02
#define OCW3_P		0x04
#define OCW3_SMM	0x20
#define OCW3_ESMM	0x40

struct pic_state {
	struct device parent;

	/* Per chip, [PIC_MASTER] and [PIC_SLAVE]. */
	uint8_t irr[2];
	uint8_t isr[2];
	uint8_t imr[2];
	uint8_t pin[2];			/* input levels now */
	uint8_t elcr[2];		/* 1: level-triggered input */
	uint8_t priority_add[2];	/* IRQ with the highest priority (rotation) */
	uint8_t irq_base[2];		/* ICW2 T7-T3 */
	uint8_t init_state[2];		/* 0: ready, 1-3: ICW2-4 expected next */
	uint8_t icw1[2];
	uint8_t icw3[2];
	uint8_t icw4[2];
	uint8_t read_isr[2];		/* OCW3 RIS: reads return ISR, not IRR */
	uint8_t poll[2];		/* OCW3 P: the next read is a poll */
	uint8_t special_mask[2];	/* OCW3 SMM */
	uint8_t rotate_on_aeoi[2];	/* OCW2 R with auto-EOI */
	uint8_t intr;			/* INTR output level */

	struct irq_line intr_line;
	struct memory_region io[3];
};

static const uint8_t pic_elcr_writable[2] = {
	0xf8,	/* IRQ 0, 1, 2 are always edge (PIIX4 §4.1.10) */
	0xde,	/* IRQ 8 and 13 are always edge */
};

static uint8_t pic_level_mask(struct pic_state *s, int c)
{
	return (s->icw1[c] & ICW1_LTIM) ? 0xff : s->elcr[c];
}

/* Priority 0 is highest; 8 means none of the bits is set. */
static int pic_get_priority(struct pic_state *s, int c, uint8_t mask)
{
	int priority;

	if (!mask)
		return 8;
	priority = 0;
	while (!(mask & (1 << ((priority + s->priority_add[c]) & 7))))
		priority++;
	return priority;
}

/* The IRQ this chip would raise INT for, or -1. */
static int pic_chip_pending(struct pic_state *s, int c)
{
	uint8_t mask = s->irr[c] & ~s->imr[c];
	int priority, cur;

	priority = pic_get_priority(s, c, mask);
	if (priority == 8)
		return -1;
	/*
	 * In-service IRQs block equal and lower priorities, except masked ones
	 * in special mask mode, and the master's cascade input in special
	 * fully nested mode (the slave may interrupt its own service routine).
	 */
	mask = s->isr[c];
	if (s->special_mask[c])
		mask &= ~s->imr[c];
	if (c == PIC_MASTER && (s->icw4[c] & ICW4_SFNM))
		mask &= ~(1 << PIC_CASCADE_IRQ);
	cur = pic_get_priority(s, c, mask);
	if (priority < cur)
		return (priority + s->priority_add[c]) & 7;
	return -1;
}

static void pic_chip_set_input(struct pic_state *s, int c, int irq, int level)
{
	uint8_t bit = 1 << irq;

	if (pic_level_mask(s, c) & bit) {
		if (level)
			s->irr[c] |= bit;
		else
			s->irr[c] &= ~bit;
	} else if (level) {
		if (!(s->pin[c] & bit))
			s->irr[c] |= bit;	/* rising edge */
	} else {
		/* The request must stay high until INTA, else IRQ 7 is spurious. */
		s->irr[c] &= ~bit;
	}
	if (level)
		s->pin[c] |= bit;
	else
		s->pin[c] &= ~bit;
}

static void pic_update(struct pic_state *s)
{
	int level;

	/*
	 * Cascade: the slave's INT drives the master's IR2. It is sensed as a
	 * level, because the slave's INT drops during every INTA and rises
	 * again if more requests are pending, which an edge latch would miss.
	 */
	if (pic_chip_pending(s, PIC_SLAVE) >= 0)
		s->irr[PIC_MASTER] |= 1 << PIC_CASCADE_IRQ;
	else
		s->irr[PIC_MASTER] &= ~(1 << PIC_CASCADE_IRQ);
	level = pic_chip_pending(s, PIC_MASTER) >= 0;
	if (level != s->intr) {
		s->intr = level;
		irq_line_set(&s->intr_line, level);
	}
}

void pic_set_irq(void *opaque, int n, int level)
{
	struct pic_state *s = opaque;

	if (n < 0 || n > 15) {
		g_warning("i8259: input %d does not exist", n);
		return;
	}
	if (n == PIC_CASCADE_IRQ) {
		/* the slave holds IR2; a PIRQ routed to IRQ 2 goes nowhere */
		guest_error("i8259: interrupt routed to IRQ 2, the cascade input");
		return;
	}
	pic_chip_set_input(s, n >> 3, n & 7, level);
	pic_update(s);
}

/* The INTA cycle for irq on chip c (datasheet "Interrupt sequence"). */
static void pic_chip_ack(struct pic_state *s, int c, int irq)
{
	if (s->icw4[c] & ICW4_AEOI) {
		if (s->rotate_on_aeoi[c])
			s->priority_add[c] = (irq + 1) & 7;
	} else {
		s->isr[c] |= 1 << irq;
	}
	/* A level-triggered request stays in IRR while its input is high. */
	if (!(pic_level_mask(s, c) & (1 << irq)))
		s->irr[c] &= ~(1 << irq);
}

int pic_get_interrupt(struct pic_state *s)
{
	int irq, irq2, vector;

	irq = pic_chip_pending(s, PIC_MASTER);
	if (irq < 0) {
		/* The request went away before INTA: spurious IRQ 7. */
		vector = s->irq_base[PIC_MASTER] + 7;
	} else if (irq == PIC_CASCADE_IRQ && !(s->icw1[PIC_MASTER] & ICW1_SNGL)) {
		pic_chip_ack(s, PIC_MASTER, irq);
		irq2 = pic_chip_pending(s, PIC_SLAVE);
		if (irq2 >= 0)
			pic_chip_ack(s, PIC_SLAVE, irq2);
		else
			irq2 = 7;	/* spurious IRQ 15 */
		vector = s->irq_base[PIC_SLAVE] + irq2;
	} else {
		pic_chip_ack(s, PIC_MASTER, irq);
		vector = s->irq_base[PIC_MASTER] + irq;
	}
	pic_update(s);
	log_mask(LOG_INT, "i8259: acknowledge vector 0x%02x\n", vector);
	return vector;
}

int pic_cpu_get_interrupt(void *opaque, struct x86_cpu *cpu)
{
	struct pic_state *s = opaque;

	if (!s->intr)
		return -1;
	return pic_get_interrupt(s);
}

bool pic_intr_pending(struct pic_state *s)
{
	return s->intr;
}

/* Poll command: the next read returns 0x80 | level, acknowledging it. */
static uint8_t pic_poll_read(struct pic_state *s, int c)
{
	int irq = pic_chip_pending(s, c);

	s->poll[c] = 0;
	if (irq < 0)
		return 0;
	pic_chip_ack(s, c, irq);
	pic_update(s);
	return 0x80 | irq;
}

static void pic_chip_init(struct pic_state *s, int c, uint8_t icw1)
{
	/*
	 * ICW1: edge sense reset (a new rising edge is needed), IMR cleared,
	 * IR7 lowest priority, special mask cleared, status read = IRR, and
	 * without IC4 every ICW4 function is zero.
	 */
	s->icw1[c] = icw1;
	s->irr[c] = s->pin[c] & pic_level_mask(s, c);
	s->isr[c] = 0;
	s->imr[c] = 0;
	s->priority_add[c] = 0;
	s->special_mask[c] = 0;
	s->read_isr[c] = 0;
	s->poll[c] = 0;
	s->rotate_on_aeoi[c] = 0;
	s->icw4[c] = 0;
	s->init_state[c] = 1;
}

static void pic_ocw2(struct pic_state *s, int c, uint8_t val)
{
	int level = val & 7;
	int priority, irq;

	switch (val >> 5) {
	case 0:		/* clear rotate in auto-EOI mode */
	case 4:		/* set rotate in auto-EOI mode */
		s->rotate_on_aeoi[c] = val >> 7;
		break;
	case 1:		/* non-specific EOI */
	case 5:		/* rotate on non-specific EOI */
		priority = pic_get_priority(s, c, s->isr[c]);
		if (priority == 8)
			break;
		irq = (priority + s->priority_add[c]) & 7;
		s->isr[c] &= ~(1 << irq);
		if (val & 0x80)
			s->priority_add[c] = (irq + 1) & 7;
		break;
	case 3:		/* specific EOI */
		s->isr[c] &= ~(1 << level);
		break;
	case 7:		/* rotate on specific EOI */
		s->isr[c] &= ~(1 << level);
		s->priority_add[c] = (level + 1) & 7;
		break;
	case 6:		/* set priority: IR level becomes lowest */
		s->priority_add[c] = (level + 1) & 7;
		break;
	case 2:		/* no operation */
		break;
	}
}

static void pic_chip_write(struct pic_state *s, int c, uint64_t offset, uint8_t val)
{
	if (offset == 0) {
		if (val & ICW1_INIT) {
			pic_chip_init(s, c, val);
		} else if (val & OCW3_SEL) {
			if (val & OCW3_P)
				s->poll[c] = 1;
			if (val & OCW3_RR)
				s->read_isr[c] = val & OCW3_RIS;
			if (val & OCW3_ESMM)
				s->special_mask[c] = (val & OCW3_SMM) != 0;
		} else {
			pic_ocw2(s, c, val);
		}
		pic_update(s);
		return;
	}

	switch (s->init_state[c]) {
	case 0:		/* OCW1 */
		s->imr[c] = val;
		pic_update(s);
		break;
	case 1:		/* ICW2: vector base, T7-T3 (8086 mode) */
		s->irq_base[c] = val & 0xf8;
		if (!(s->icw1[c] & ICW1_SNGL))
			s->init_state[c] = 2;
		else
			s->init_state[c] = (s->icw1[c] & ICW1_IC4) ? 3 : 0;
		break;
	case 2:		/* ICW3: cascade wiring; the PC's is fixed (IR2 / ID 2) */
		s->icw3[c] = val;
		s->init_state[c] = (s->icw1[c] & ICW1_IC4) ? 3 : 0;
		break;
	case 3:		/* ICW4 */
		s->icw4[c] = val;
		if (!(val & ICW4_UPM))
			log_unimp("i8259: 8080/8085 mode (ICW4 uPM=0)");
		s->init_state[c] = 0;
		pic_update(s);
		break;
	}
}

void pic_print_info(struct pic_state *s, GString *out)
{
	static const char *const name[2] = { "master", "slave" };
	int c;

	for (c = 0; c < 2; c++)
		g_string_append_printf(out,
			"pic %-6s: irr=%02x imr=%02x isr=%02x pins=%02x elcr=%02x "
			"base=%02x prio_add=%d icw4=%02x%s%s%s\n",
			name[c], s->irr[c], s->imr[c], s->isr[c], s->pin[c], s->elcr[c],
			s->irq_base[c], s->priority_add[c], s->icw4[c],
			s->special_mask[c] ? " special-mask" : "",
			s->poll[c] ? " poll" : "", s->init_state[c] ? " initialising" : "");
	g_string_append_printf(out, "pic INTR: %d\n", s->intr);
}

static uint8_t pic_chip_read(struct pic_state *s, int c, uint64_t offset)
{
	if (s->poll[c])
		return pic_poll_read(s, c);
	if (offset == 0)
		return s->read_isr[c] ? s->isr[c] : s->irr[c];
	return s->imr[c];
}

static uint64_t pic_master_read(void *opaque, uint64_t offset, unsigned size)
{
	return pic_chip_read(opaque, PIC_MASTER, offset);
}

static void pic_master_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	pic_chip_write(opaque, PIC_MASTER, offset, value);
}

static uint64_t pic_slave_read(void *opaque, uint64_t offset, unsigned size)
{
	return pic_chip_read(opaque, PIC_SLAVE, offset);
}

static void pic_slave_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	pic_chip_write(opaque, PIC_SLAVE, offset, value);
}

static uint64_t pic_elcr_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pic_state *s = opaque;

	return s->elcr[offset & 1];
}

static void pic_elcr_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct pic_state *s = opaque;
	int c = offset & 1;

	s->elcr[c] = value & pic_elcr_writable[c];
	/* Inputs that became level-sensitive request while high. */
	s->irr[c] |= s->pin[c] & pic_level_mask(s, c);
	pic_update(s);
}

static const struct memory_region_ops pic_master_ops = {
	.read = pic_master_read,
	.write = pic_master_write,
	.valid = { .min_access_size = 1, .max_access_size = 1 },
};

static const struct memory_region_ops pic_slave_ops = {
	.read = pic_slave_read,
	.write = pic_slave_write,
	.valid = { .min_access_size = 1, .max_access_size = 1 },
};

static const struct memory_region_ops pic_elcr_ops = {
	.read = pic_elcr_read,
	.write = pic_elcr_write,
	.valid = { .min_access_size = 1, .max_access_size = 2 },
	.impl = { .min_access_size = 1, .max_access_size = 1 },
};

struct memory_region *pic_io_region(struct pic_state *s, enum pic_region which)
{
	g_assert(which <= PIC_REGION_ELCR);
	return &s->io[which];
}

struct irq_line *pic_intr_line(struct pic_state *s)
{
	return &s->intr_line;
}

static void pic_instance_init(struct object *obj)
{
	struct pic_state *s = PIC(obj);

	memory_region_init_io(&s->io[PIC_REGION_MASTER], obj, &pic_master_ops, s,
			      "pic-master", 2);
	memory_region_init_io(&s->io[PIC_REGION_SLAVE], obj, &pic_slave_ops, s,
			      "pic-slave", 2);
	memory_region_init_io(&s->io[PIC_REGION_ELCR], obj, &pic_elcr_ops, s,
			      "pic-elcr", 2);
}

static void pic_instance_finalize(struct object *obj)
{
	struct pic_state *s = PIC(obj);
	int i;

	for (i = 0; i < 3; i++)
		memory_region_destroy(&s->io[i]);
}

static void pic_reset(struct device *dev)
{
	struct pic_state *s = PIC(dev);
	int c;

	for (c = 0; c < 2; c++) {
		s->elcr[c] = 0;
		pic_chip_init(s, c, 0);
		s->icw1[c] = 0;
		s->irq_base[c] = 0;
		s->icw3[c] = 0;
		s->init_state[c] = 0;
	}
	pic_update(s);
}

static const struct vmstate_field pic_fields[] = {
	VMSTATE_U8_ARRAY(struct pic_state, irr, 2),
	VMSTATE_U8_ARRAY(struct pic_state, isr, 2),
	VMSTATE_U8_ARRAY(struct pic_state, imr, 2),
	VMSTATE_U8_ARRAY(struct pic_state, pin, 2),
	VMSTATE_U8_ARRAY(struct pic_state, elcr, 2),
	VMSTATE_U8_ARRAY(struct pic_state, priority_add, 2),
	VMSTATE_U8_ARRAY(struct pic_state, irq_base, 2),
	VMSTATE_U8_ARRAY(struct pic_state, init_state, 2),
	VMSTATE_U8_ARRAY(struct pic_state, icw1, 2),
	VMSTATE_U8_ARRAY(struct pic_state, icw3, 2),
	VMSTATE_U8_ARRAY(struct pic_state, icw4, 2),
	VMSTATE_U8_ARRAY(struct pic_state, read_isr, 2),
	VMSTATE_U8_ARRAY(struct pic_state, poll, 2),
	VMSTATE_U8_ARRAY(struct pic_state, special_mask, 2),
	VMSTATE_U8_ARRAY(struct pic_state, rotate_on_aeoi, 2),
	VMSTATE_U8(struct pic_state, intr),
	VMSTATE_END
};

DEFINE_DEVICE_TYPE(i8259, TYPE_I8259, TYPE_DEVICE, struct pic_state,
		   .instance_init = pic_instance_init,
		   .instance_finalize = pic_instance_finalize, .reset = pic_reset,
		   .vmstate = pic_fields, .vmstate_version = 1, .no_user = true,
		   .desc = "8259A interrupt controller pair with ELCR");

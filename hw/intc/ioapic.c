// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The I/O APIC: 24 inputs, each turned into an APIC-bus message by its
 * redirection table entry (vector, delivery mode, destination, trigger
 * mode, mask).
 *
 * An input sets its bit in `irr` on a rising edge (edge mode, ignored while
 * masked) or while asserted (level mode). A pending, unmasked entry is
 * delivered at once; a level-triggered one then sets Remote IRR and is not
 * sent again until a LAPIC broadcasts the EOI of its vector. Messages go to
 * kemu's LAPICs over the APIC bus, or as MSIs to KVM's in-kernel LAPICs
 * (kernel-irqchip=split). Input lines carry asserted/deasserted, so the
 * polarity bit is stored but not applied: wiring is the board's concern.
 *
 * Version 0x20 as QEMU's: adds the EOI register at offset 0x40.
 *
 * Reference: Intel 82093AA I/O Advanced Programmable Interrupt Controller
 * data sheet (order no. 290566-001, 1996): §3.0 register description
 * (IOREGSEL, IOWIN, IOAPICID, IOAPICVER, IOAPICARB, IOREDTBL, table 2).
 */
#include "kemu/common.h"
#include "hw/intc/ioapic.h"
#include "hw/intc/apic.h"
#include "system/memory.h"

#define IOREGSEL	0x00
#define IOWIN		0x10
#define IOEOI		0x40	/* version 0x20 only */

#define IOAPICID	0x00
#define IOAPICVER	0x01
#define IOAPICARB	0x02
#define IOREDTBL	0x10

#define IOAPIC_VERSION	0x20

/* IOREDTBL bits, 82093AA §3.2.4 */
#define RTE_VECTOR(e)		((e) & 0xff)
#define RTE_DELIV_MODE(e)	(((e) >> 8) & 7)
#define RTE_DEST_LOGICAL	(1ULL << 11)
#define RTE_DELIV_STATUS	(1ULL << 12)
#define RTE_POLARITY_LOW	(1ULL << 13)
#define RTE_REMOTE_IRR		(1ULL << 14)
#define RTE_TRIGGER_LEVEL	(1ULL << 15)
#define RTE_MASKED		(1ULL << 16)
#define RTE_DEST(e)		((e) >> 56)
#define RTE_RO_BITS		(RTE_DELIV_STATUS | RTE_REMOTE_IRR)
#define RTE_WRITABLE		(0xff00000000000000ULL | 0x1ffffULL)

struct ioapic_state {
	struct device parent;

	uint8_t initial_id;		/* property "id" */
	uint8_t id;			/* IOAPICID bits 27:24 */
	uint8_t ioregsel;
	uint32_t irr;			/* pending per input */
	uint32_t pins;			/* input levels */
	uint64_t redtbl[IOAPIC_NUM_PINS];

	struct memory_region mmio;
	struct apic_bus *bus;
	ioapic_msi_fn msi_fn;
	void *msi_opaque;
};

static void ioapic_send(struct ioapic_state *s, uint64_t e)
{
	uint32_t dest = RTE_DEST(e);
	bool logical = e & RTE_DEST_LOGICAL, level = e & RTE_TRIGGER_LEVEL;
	uint64_t addr;
	uint32_t data;

	if (RTE_DELIV_MODE(e) == 3 || RTE_DELIV_MODE(e) == 6)
		return;		/* reserved (§3.2.4): logged when written */
	if (s->msi_fn) {
		/* The same message in MSI form, SDM vol. 3A §10.11 */
		addr = APIC_DEFAULT_ADDRESS | dest << 12 | (logical ? 1 << 2 : 0);
		data = RTE_VECTOR(e) | RTE_DELIV_MODE(e) << 8 | (level ? 1 << 15 : 0) |
		       1 << 14;
		s->msi_fn(s->msi_opaque, addr, data);
	} else if (s->bus) {
		apic_bus_deliver(s->bus, dest, logical, RTE_DELIV_MODE(e),
				 RTE_VECTOR(e), level);
	}
}

/* Deliver every pending, unmasked input that may be sent now. */
static void ioapic_service(struct ioapic_state *s)
{
	int i;

	for (i = 0; i < IOAPIC_NUM_PINS; i++) {
		uint64_t e = s->redtbl[i];
		uint32_t bit = 1u << i;

		if (!(s->irr & bit) || (e & RTE_MASKED))
			continue;
		if (e & RTE_TRIGGER_LEVEL) {
			if (e & RTE_REMOTE_IRR)
				continue;	/* wait for the EOI */
			s->redtbl[i] |= RTE_REMOTE_IRR;
		} else {
			s->irr &= ~bit;
		}
		ioapic_send(s, s->redtbl[i]);
	}
}

void ioapic_set_irq(void *opaque, int n, int level)
{
	struct ioapic_state *s = opaque;
	uint32_t bit;

	if (n < 0 || n >= IOAPIC_NUM_PINS) {
		g_warning("ioapic: input %d does not exist", n);
		return;
	}
	bit = 1u << n;
	if (s->redtbl[n] & RTE_TRIGGER_LEVEL) {
		if (level)
			s->irr |= bit;
		else
			s->irr &= ~bit;
	} else if (level && !(s->pins & bit) && !(s->redtbl[n] & RTE_MASKED)) {
		/* Edges on a masked input are ignored, not held (§3.2.4 bit 16). */
		s->irr |= bit;
	}
	if (level)
		s->pins |= bit;
	else
		s->pins &= ~bit;
	ioapic_service(s);
}

void ioapic_eoi_broadcast(struct ioapic_state *s, uint8_t vector)
{
	int i;

	for (i = 0; i < IOAPIC_NUM_PINS; i++) {
		uint64_t e = s->redtbl[i];

		if (!(e & RTE_TRIGGER_LEVEL) || !(e & RTE_REMOTE_IRR) || RTE_VECTOR(e) != vector)
			continue;
		s->redtbl[i] &= ~RTE_REMOTE_IRR;
	}
	/* An input still asserted is sent again. */
	ioapic_service(s);
}

void ioapic_print_info(struct ioapic_state *s, GString *out)
{
	static const char *const mode[8] = {
		"fixed", "lowest", "smi", "rsvd3", "nmi", "init", "rsvd6", "extint" };
	int i;

	g_string_append_printf(out, "ioapic id %u, pins %06x, irr %06x\n", s->id, s->pins, s->irr);
	for (i = 0; i < IOAPIC_NUM_PINS; i++) {
		uint64_t e = s->redtbl[i];

		g_string_append_printf(out,
			"  pin %2d: %016" PRIx64 " vec %3u %-6s %s dest %u %s%s%s\n",
			i, e, (unsigned)RTE_VECTOR(e), mode[RTE_DELIV_MODE(e)],
			(e & RTE_DEST_LOGICAL) ? "logical " : "physical",
			(unsigned)RTE_DEST(e), (e & RTE_TRIGGER_LEVEL) ? "level" : "edge",
			(e & RTE_REMOTE_IRR) ? " remote-irr" : "",
			(e & RTE_MASKED) ? " masked" : "");
	}
}

static uint32_t ioapic_reg_read(struct ioapic_state *s, uint8_t index)
{
	int pin;

	switch (index) {
	case IOAPICID:
		return (uint32_t)s->id << 24;
	case IOAPICVER:
		return IOAPIC_VERSION | (IOAPIC_NUM_PINS - 1) << 16;
	case IOAPICARB:
		return (uint32_t)s->id << 24;
	}
	if (index >= IOREDTBL && index < IOREDTBL + 2 * IOAPIC_NUM_PINS) {
		pin = (index - IOREDTBL) >> 1;
		if (index & 1)
			return s->redtbl[pin] >> 32;
		return s->redtbl[pin];
	}
	guest_error("ioapic: read of register index 0x%02x", index);
	return 0xffffffff;
}

static void ioapic_reg_write(struct ioapic_state *s, uint8_t index, uint32_t val)
{
	uint64_t e;
	int pin;

	switch (index) {
	case IOAPICID:
		s->id = (val >> 24) & 0xf;
		return;
	case IOAPICVER:
	case IOAPICARB:
		return;		/* read-only */
	}
	if (index < IOREDTBL || index >= IOREDTBL + 2 * IOAPIC_NUM_PINS) {
		guest_error("ioapic: write of register index 0x%02x", index);
		return;
	}
	pin = (index - IOREDTBL) >> 1;
	e = s->redtbl[pin];
	if (index & 1)
		e = (e & 0xffffffffULL) | (uint64_t)val << 32;
	else
		e = (e & ~0xffffffffULL) | val;
	e = (e & RTE_WRITABLE & ~RTE_RO_BITS) | (s->redtbl[pin] & RTE_RO_BITS);
	if (!(e & RTE_TRIGGER_LEVEL))
		e &= ~RTE_REMOTE_IRR;	/* remote IRR is undefined for edge */
	if (RTE_DELIV_MODE(e) == 3 || RTE_DELIV_MODE(e) == 6)
		guest_error("ioapic: pin %d: reserved delivery mode %u", pin,
			    (unsigned)RTE_DELIV_MODE(e));
	s->redtbl[pin] = e;
	/* A level input still asserted requests again under its new entry. */
	if ((e & RTE_TRIGGER_LEVEL) && (s->pins & (1u << pin)))
		s->irr |= 1u << pin;
	ioapic_service(s);
}

static uint64_t ioapic_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
	struct ioapic_state *s = opaque;

	switch (offset) {
	case IOREGSEL:
		return s->ioregsel;
	case IOWIN:
		return ioapic_reg_read(s, s->ioregsel);
	}
	return 0;
}

static void ioapic_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct ioapic_state *s = opaque;

	switch (offset) {
	case IOREGSEL:
		s->ioregsel = value;
		break;
	case IOWIN:
		if (size != 4) {
			guest_error("ioapic: %u-byte write to IOWIN", size);
			break;
		}
		ioapic_reg_write(s, s->ioregsel, value);
		break;
	case IOEOI:
		ioapic_eoi_broadcast(s, value & 0xff);
		break;
	default:
		guest_error("ioapic: write at offset 0x%" PRIx64, offset);
		break;
	}
}

static const struct memory_region_ops ioapic_mmio_ops = {
	.read = ioapic_mmio_read,
	.write = ioapic_mmio_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
};

struct memory_region *ioapic_mmio_region(struct ioapic_state *s)
{
	return &s->mmio;
}

void ioapic_set_bus(struct ioapic_state *s, struct apic_bus *bus)
{
	s->bus = bus;
}

void ioapic_set_msi_handler(struct ioapic_state *s, ioapic_msi_fn fn, void *opaque)
{
	s->msi_fn = fn;
	s->msi_opaque = opaque;
}

static void ioapic_instance_init(struct object *obj)
{
	struct ioapic_state *s = IOAPIC(obj);

	memory_region_init_io(&s->mmio, obj, &ioapic_mmio_ops, s, "ioapic",
			      IOAPIC_REGION_SIZE);
}

static void ioapic_instance_finalize(struct object *obj)
{
	memory_region_destroy(&IOAPIC(obj)->mmio);
}

static void ioapic_reset(struct device *dev)
{
	struct ioapic_state *s = IOAPIC(dev);
	int i;

	s->id = s->initial_id & 0xf;
	s->ioregsel = 0;
	s->irr = 0;
	for (i = 0; i < IOAPIC_NUM_PINS; i++)
		s->redtbl[i] = RTE_MASKED;
}

static const struct vmstate_field ioapic_fields[] = {
	VMSTATE_U8(struct ioapic_state, id),
	VMSTATE_U8(struct ioapic_state, ioregsel),
	VMSTATE_U32(struct ioapic_state, irr),
	VMSTATE_U32(struct ioapic_state, pins),
	VMSTATE_U64_ARRAY(struct ioapic_state, redtbl, IOAPIC_NUM_PINS),
	VMSTATE_END
};

static const struct property ioapic_props[] = {
	PROP_U8("id", struct ioapic_state, initial_id, 0),
	PROP_END
};

DEFINE_DEVICE_TYPE(ioapic, TYPE_IOAPIC, TYPE_DEVICE, struct ioapic_state,
		   .instance_init = ioapic_instance_init,
		   .instance_finalize = ioapic_instance_finalize, .reset = ioapic_reset,
		   .props = ioapic_props, .vmstate = ioapic_fields, .vmstate_version = 1,
		   .no_user = true, .desc = "82093AA I/O APIC");

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ACPI fixed hardware of the PC: PM1a event and control registers, the PM
 * timer and the SMI command port, at PIIX4's layout (ACPI 6.4 §4.8 "ACPI
 * Hardware Model", §4.8.3 "Fixed hardware registers"). See
 * include/hw/acpi/acpi-pm.h for the register map and how the board wires it.
 * GPE0 (a 16-bit status and a 16-bit enable register, ACPI 6.4 §4.8.4.1)
 * carries the PCI hotplug event (bit 1). Not here: S3/S4 (logged as
 * unimplemented), the PIIX4 PCI function's configuration space.
 */
#include "kemu/common.h"
#include "hw/acpi/acpi-pm.h"
#include "hw/acpi/acpi-build.h"
#include "hw/device.h"
#include "hw/irq.h"
#include "system/memory.h"
#include "system/runstate.h"
#include "system/timer.h"

struct acpi_pm {
	struct device parent;
	struct memory_region io;
	struct memory_region smi;
	struct memory_region gpe;
	struct irq_line sci;
	struct kemu_timer *overflow;
	/* guest-visible state */
	uint16_t pm1_sts;
	uint16_t pm1_en;
	uint16_t pm1_cnt;
	uint8_t apm_sts;
	uint16_t gpe_sts;
	uint16_t gpe_en;
};

#define ACPI_PM(obj) OBJECT_CHECK(struct acpi_pm, (obj), TYPE_ACPI_PM)

/* Status bits that can raise the SCI (the ones kemu's hardware sets). */
#define PM1_SCI_SOURCES (ACPI_PM1_STS_TMR | ACPI_PM1_STS_GBL | ACPI_PM1_STS_PWRBTN | \
			 ACPI_PM1_STS_RTC)

uint32_t acpi_pm_timer_ticks(int64_t ns)
{
	if (ns < 0)
		ns = 0;
	return (uint32_t)(((unsigned __int128)ns * ACPI_PM_TIMER_FREQ) / NS_PER_SEC);
}

int64_t acpi_pm_timer_next_overflow_ns(int64_t ns)
{
	uint64_t ticks, next;

	if (ns < 0)
		ns = 0;
	ticks = ((unsigned __int128)ns * ACPI_PM_TIMER_FREQ) / NS_PER_SEC;
	next = (ticks | 0x7fffffffULL) + 1;
	/* round up so the counter has really crossed at that time */
	return ((unsigned __int128)next * NS_PER_SEC + ACPI_PM_TIMER_FREQ - 1) / ACPI_PM_TIMER_FREQ;
}

static void acpi_pm_update_sci(struct acpi_pm *s)
{
	bool level = (s->pm1_cnt & ACPI_PM1_CNT_SCI_EN) &&
		     ((s->pm1_sts & s->pm1_en & PM1_SCI_SOURCES) || (s->gpe_sts & s->gpe_en));

	irq_line_set(&s->sci, level);
}

static void acpi_pm_arm_overflow(struct acpi_pm *s)
{
	if (!s->overflow)
		return;
	if (s->pm1_en & ACPI_PM1_STS_TMR)
		timer_mod_ns(s->overflow,
			     acpi_pm_timer_next_overflow_ns(clock_get_ns(CLOCK_VIRTUAL)));
	else
		timer_del(s->overflow);
}

static void acpi_pm_overflow_cb(void *opaque)
{
	struct acpi_pm *s = opaque;

	s->pm1_sts |= ACPI_PM1_STS_TMR;
	acpi_pm_update_sci(s);
	acpi_pm_arm_overflow(s);
}

static void acpi_pm_sleep(struct acpi_pm *s, unsigned slp_typ)
{
	if (slp_typ == ACPI_S5_SLP_TYP) {
		runstate_request_poweroff();
		return;
	}
	log_unimp("acpi-pm: sleep state with SLP_TYP %u (only S5 is modelled)", slp_typ);
}

static uint64_t acpi_pm_io_read(void *opaque, uint64_t offset, unsigned size)
{
	struct acpi_pm *s = opaque;

	switch (offset) {
	case 0:
		return s->pm1_sts;
	case 2:
		return s->pm1_en;
	case 4:
		return s->pm1_cnt;
	case 8:
		return acpi_pm_timer_ticks(clock_get_ns(CLOCK_VIRTUAL));
	default:
		guest_error("acpi-pm: read of unassigned register +0x%" PRIx64, offset);
		return 0;
	}
}

static void acpi_pm_io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct acpi_pm *s = opaque;

	switch (offset) {
	case 0:
		s->pm1_sts &= ~value;		/* write 1 to clear */
		break;
	case 2:
		s->pm1_en = value & PM1_SCI_SOURCES;
		acpi_pm_arm_overflow(s);
		break;
	case 4:
		/* SLP_EN is write-only and reads as zero */
		s->pm1_cnt = value & ~ACPI_PM1_CNT_SLP_EN;
		if (value & ACPI_PM1_CNT_SLP_EN)
			acpi_pm_sleep(s, (value >> ACPI_PM1_CNT_SLP_TYP_SHIFT) & 7);
		break;
	case 8:
		guest_error("acpi-pm: write to the read-only PM timer");
		return;
	default:
		guest_error("acpi-pm: write of unassigned register +0x%" PRIx64, offset);
		return;
	}
	acpi_pm_update_sci(s);
}

/*
 * Guests use byte, word and dword accesses. The timer is one 32-bit register
 * read at one instant; the 16-bit registers are assembled byte by byte.
 */
static uint64_t acpi_pm_io_read_any(void *opaque, uint64_t offset, unsigned size)
{
	if (offset >= 8 && offset < 12) {
		uint32_t v = acpi_pm_timer_ticks(clock_get_ns(CLOCK_VIRTUAL));

		return (v >> (8 * (offset - 8))) & (size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1);
	}
	/* 16-bit registers: assemble bytes */
	{
		uint64_t v = 0;

		for (unsigned i = 0; i < size; i++) {
			uint64_t reg = (offset + i) & ~1ULL;

			v |= ((acpi_pm_io_read(opaque, reg, 2) >> (8 * ((offset + i) & 1))) & 0xff)
			     << (8 * i);
		}
		return v;
	}
}

static void acpi_pm_io_write_any(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct acpi_pm *s = opaque;

	if (size == 4 && offset == 0) {		/* PM1_STS + PM1_EN in one go */
		acpi_pm_io_write(s, 0, value & 0xffff, 2);
		acpi_pm_io_write(s, 2, value >> 16, 2);
	} else if (size == 2 && !(offset & 1)) {
		acpi_pm_io_write(s, offset, value, 2);
	} else if (size == 1) {
		/* byte write: merge with the other half (status bits: only this byte) */
		uint64_t reg = offset & ~1ULL, sh = 8 * (offset & 1);

		if (reg == 0)
			acpi_pm_io_write(s, 0, (value & 0xff) << sh, 2);
		else
			acpi_pm_io_write(s, reg, (acpi_pm_io_read(s, reg, 2) & ~(0xffULL << sh)) |
					 ((value & 0xff) << sh), 2);
	} else {
		guest_error("acpi-pm: %u-byte write at +0x%" PRIx64, size, offset);
	}
}

static const struct memory_region_ops acpi_pm_io_any_ops = {
	.read = acpi_pm_io_read_any,
	.write = acpi_pm_io_write_any,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
	.impl = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t acpi_pm_smi_read(void *opaque, uint64_t offset, unsigned size)
{
	struct acpi_pm *s = opaque;

	return offset == 1 ? s->apm_sts : 0;
}

static void acpi_pm_smi_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct acpi_pm *s = opaque;

	if (offset == 1) {
		s->apm_sts = value;
		return;
	}
	/* No SMM: the "SMI handler" is here (QEMU piix4's apm callback). */
	if (value == ACPI_ENABLE_VALUE)
		s->pm1_cnt |= ACPI_PM1_CNT_SCI_EN;
	else if (value == ACPI_DISABLE_VALUE)
		s->pm1_cnt &= ~ACPI_PM1_CNT_SCI_EN;
	else
		log_unimp("acpi-pm: SMI command 0x%02x", (unsigned)(value & 0xff));
	acpi_pm_update_sci(s);
}

static const struct memory_region_ops acpi_pm_smi_ops = {
	.read = acpi_pm_smi_read,
	.write = acpi_pm_smi_write,
	.valid = { .min_access_size = 1, .max_access_size = 1 },
};

/* GPE0: +0 status (16 bits, write 1 to clear), +2 enable; any access size */
static uint64_t acpi_pm_gpe_read(void *opaque, uint64_t offset, unsigned size)
{
	struct acpi_pm *s = opaque;
	uint32_t regs = s->gpe_sts | (uint32_t)s->gpe_en << 16;

	return (regs >> (8 * offset)) & (size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1);
}

static void acpi_pm_gpe_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct acpi_pm *s = opaque;

	for (unsigned i = 0; i < size && offset + i < ACPI_GPE0_LEN; i++) {
		unsigned byte = offset + i, sh = 8 * (byte & 1);
		uint16_t v = ((value >> (8 * i)) & 0xff) << sh;

		if (byte < 2)
			s->gpe_sts &= ~v;
		else
			s->gpe_en = (s->gpe_en & ~(0xff << sh)) | v;
	}
	acpi_pm_update_sci(s);
}

static const struct memory_region_ops acpi_pm_gpe_ops = {
	.read = acpi_pm_gpe_read,
	.write = acpi_pm_gpe_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
	.impl = { .min_access_size = 1, .max_access_size = 4 },
};

void acpi_pm_gpe_event(struct device *dev, unsigned bit)
{
	struct acpi_pm *s = ACPI_PM(dev);

	s->gpe_sts |= 1u << (bit & 15);
	acpi_pm_update_sci(s);
}

struct memory_region *acpi_pm_gpe_region(struct device *dev)
{
	return &ACPI_PM(dev)->gpe;
}

void acpi_pm_power_button(struct device *dev)
{
	struct acpi_pm *s = ACPI_PM(dev);

	s->pm1_sts |= ACPI_PM1_STS_PWRBTN;
	acpi_pm_update_sci(s);
}

struct memory_region *acpi_pm_io_region(struct device *dev)
{
	return &ACPI_PM(dev)->io;
}

struct memory_region *acpi_pm_smi_region(struct device *dev)
{
	return &ACPI_PM(dev)->smi;
}

struct irq_line *acpi_pm_sci(struct device *dev)
{
	return &ACPI_PM(dev)->sci;
}

static bool acpi_pm_realize(struct device *dev, GError **errp)
{
	struct acpi_pm *s = ACPI_PM(dev);

	memory_region_init_io(&s->io, OBJECT(s), &acpi_pm_io_any_ops, s, "acpi-pm", ACPI_PM_IO_SIZE);
	memory_region_init_io(&s->smi, OBJECT(s), &acpi_pm_smi_ops, s, "acpi-smi-cmd", 2);
	memory_region_init_io(&s->gpe, OBJECT(s), &acpi_pm_gpe_ops, s, "acpi-gpe0", ACPI_GPE0_LEN);
	s->overflow = timer_new_ns(CLOCK_VIRTUAL, acpi_pm_overflow_cb, s);
	return true;
}

static void acpi_pm_unrealize(struct device *dev)
{
	struct acpi_pm *s = ACPI_PM(dev);

	timer_free(s->overflow);
	s->overflow = NULL;
}

static void acpi_pm_reset(struct device *dev)
{
	struct acpi_pm *s = ACPI_PM(dev);

	s->pm1_sts = 0;
	s->pm1_en = 0;
	s->pm1_cnt = 0;		/* legacy mode until the OS writes ACPI_ENABLE */
	s->apm_sts = 0;
	s->gpe_sts = 0;
	s->gpe_en = 0;
	acpi_pm_arm_overflow(s);
	acpi_pm_update_sci(s);
}

static const struct vmstate_field acpi_pm_fields[] = {
	VMSTATE_U16(struct acpi_pm, pm1_sts),
	VMSTATE_U16(struct acpi_pm, pm1_en),
	VMSTATE_U16(struct acpi_pm, pm1_cnt),
	VMSTATE_U8(struct acpi_pm, apm_sts),
	VMSTATE_U16(struct acpi_pm, gpe_sts),
	VMSTATE_U16(struct acpi_pm, gpe_en),
	VMSTATE_TIMER(struct acpi_pm, overflow),
	VMSTATE_END
};

DEFINE_DEVICE_TYPE(acpi_pm, TYPE_ACPI_PM, TYPE_DEVICE, struct acpi_pm,
		   .realize = acpi_pm_realize, .unrealize = acpi_pm_unrealize,
		   .reset = acpi_pm_reset, .vmstate = acpi_pm_fields,
		   .vmstate_version = 1, .no_user = true,
		   .desc = "ACPI PM1a event/control, PM timer and SMI_CMD (PIIX4 layout)");

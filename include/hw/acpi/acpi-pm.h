/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "acpi-pm": the ACPI fixed hardware of the PC, laid out like PIIX4's power
 * management function (QEMU hw/acpi/piix4.c), which is what kemu's FADT
 * describes. The board maps two port regions and connects the SCI:
 *
 *	struct device *pm = device_new(TYPE_ACPI_PM);
 *	device_realize(pm, &err);
 *	memory_region_add_subregion(io, ACPI_PM_BASE_DEFAULT, acpi_pm_io_region(pm));
 *	memory_region_add_subregion(io, ACPI_SMI_CMD_PORT, acpi_pm_smi_region(pm));
 *	irq_line_connect(acpi_pm_sci(pm), pc_gsi_set, pc, ACPI_SCI_IRQ);
 *	...
 *	acpi_pm_power_button(pm);		// monitor system_powerdown
 *
 * PM block (64 bytes at 0x600): +0 PM1a_STS (16, write 1 to clear),
 * +2 PM1a_EN (16), +4 PM1a_CNT (16: SCI_EN bit 0, SLP_TYP bits 10-12, SLP_EN
 * bit 13), +8 PM_TMR (32-bit counter at 3.579545 MHz from CLOCK_VIRTUAL,
 * read-only). SMI_CMD block (2 bytes at 0xb2): writing ACPI_ENABLE (0xf1)
 * sets SCI_EN, ACPI_DISABLE (0xf0) clears it; 0xb3 is a scratch byte (APM
 * status). SLP_EN with SLP_TYP 0 (\_S5 in the DSDT) asks for power-off.
 * The SCI is level-triggered: (PM1_STS & PM1_EN) while SCI_EN is set.
 */
#ifndef HW_ACPI_ACPI_PM_H
#define HW_ACPI_ACPI_PM_H

#include "kemu/common.h"

#define TYPE_ACPI_PM "acpi-pm"

#define ACPI_PM_TIMER_FREQ	3579545ULL
#define ACPI_PM_IO_SIZE		64

#define ACPI_PM1_STS_TMR	(1u << 0)
#define ACPI_PM1_STS_GBL	(1u << 5)
#define ACPI_PM1_STS_PWRBTN	(1u << 8)
#define ACPI_PM1_STS_RTC	(1u << 10)
#define ACPI_PM1_STS_WAK	(1u << 15)
#define ACPI_PM1_CNT_SCI_EN	(1u << 0)
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_EN	(1u << 13)

struct device;
struct memory_region;
struct irq_line;

/* PM timer value (32 bits) at virtual time ns: ns * 3.579545 MHz. */
uint32_t acpi_pm_timer_ticks(int64_t ns);
/* Virtual time at which the counter next reaches a multiple of 2^31 after ns. */
int64_t acpi_pm_timer_next_overflow_ns(int64_t ns);

struct memory_region *acpi_pm_io_region(struct device *dev);
struct memory_region *acpi_pm_smi_region(struct device *dev);
struct irq_line *acpi_pm_sci(struct device *dev);
/* GPE0 block (4 bytes, mapped by the board at ACPI_GPE0_BASE_DEFAULT). */
struct memory_region *acpi_pm_gpe_region(struct device *dev);
/* A general-purpose event: sets GPE0_STS bit, SCI if enabled. */
void acpi_pm_gpe_event(struct device *dev, unsigned bit);
/* A press of the (fixed-feature) power button: PWRBTN_STS, SCI if enabled. */
void acpi_pm_power_button(struct device *dev);

#endif

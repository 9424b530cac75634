// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SMP bring-up the way an OS does it (Intel SDM vol. 3A 9.4.4.1, "Typical
 * BSP initialization sequence"): APIC IDs from the MADT, then for every AP
 * INIT, 10 ms, SIPI, 200 us, SIPI through the LAPIC ICR. Each AP increments
 * a shared counter and records its APIC ID. Expects smp=N CPUs (or all the
 * MADT lists) to check in within 2 s of PIT time.
 */
#include "lib/rt.h"
#include "lib/acpi.h"

const char guest_name[] = "SMP";

extern char tramp_start[], tramp_end[];
void ap_main(void);

static volatile uint32_t ap_count;
static volatile uint8_t ap_seen[256];
static uint32_t lapic;

#define LAPIC_ID	0x20
#define LAPIC_SVR	0xf0
#define LAPIC_ESR	0x280
#define LAPIC_ICR_LO	0x300
#define LAPIC_ICR_HI	0x310
#define ICR_BUSY	(1u << 12)

void ap_main(void)
{
	uint32_t id = mmio_read32(lapic + LAPIC_ID) >> 24;
	ap_seen[id & 0xff] = 1;
	__atomic_add_fetch(&ap_count, 1, __ATOMIC_SEQ_CST);
}

static void lapic_ipi(uint32_t apic_id, uint32_t low)
{
	mmio_write32(lapic + LAPIC_ESR, 0);
	mmio_write32(lapic + LAPIC_ICR_HI, apic_id << 24);
	mmio_write32(lapic + LAPIC_ICR_LO, low);
	for (int i = 0; i < 100000 && (mmio_read32(lapic + LAPIC_ICR_LO) & ICR_BUSY); i++)
		cpu_relax();
	if (mmio_read32(lapic + LAPIC_ICR_LO) & ICR_BUSY)
		guest_fail(guest_name, "ICR delivery status stuck busy (IPI 0x%x to %u)", low, apic_id);
}

void guest_main(void)
{
	uint8_t ids[256];
	int cpus = acpi_madt_cpus(ids, 256, &lapic);
	if (cpus < 1)
		guest_fail(guest_name, "MADT: %s", cpus < 0 ? acpi_error : "no CPUs");
	uint64_t want = cmdline_get_u64("smp", (uint64_t)cpus);
	uint32_t bsp = mmio_read32(lapic + LAPIC_ID) >> 24;
	printf("SMP: MADT lists %d CPUs, BSP APIC ID %u, LAPIC at 0x%x\n", cpus, bsp, lapic);
	if ((uint64_t)cpus != want)
		guest_fail(guest_name, "MADT lists %d CPUs, expected %llu", cpus, (unsigned long long)want);

	memcpy((void *)0x8000, tramp_start, (size_t)(tramp_end - tramp_start));
	mmio_write32(lapic + LAPIC_SVR, 0x1ff);		/* software-enable, spurious vector 0xff */
	for (int i = 0; i < cpus; i++) {
		if (ids[i] == bsp)
			continue;
		lapic_ipi(ids[i], 0x4500);		/* INIT, level assert */
		pit_delay_us(10000);
		lapic_ipi(ids[i], 0x4600 | (0x8000 >> 12));	/* STARTUP, vector 0x08 */
		pit_delay_us(200);
		lapic_ipi(ids[i], 0x4600 | (0x8000 >> 12));
	}
	pit_clock_start();
	while (ap_count < (uint32_t)(cpus - 1) && pit_ticks() < 2ull * PIT_HZ)
		cpu_relax();
	pit_delay_us(10000);		/* a CPU that was started twice would show up here */
	printf("SMP: %u of %d APs checked in:", ap_count, cpus - 1);
	for (int i = 0; i < cpus; i++)
		if (ap_seen[ids[i]])
			printf(" %u", ids[i]);
	printf("\n");
	if (ap_count != (uint32_t)(cpus - 1))
		guest_fail(guest_name, "%u of %d APs started", ap_count, cpus - 1);
	for (int i = 0; i < cpus; i++)
		if (ids[i] != bsp && !ap_seen[ids[i]])
			guest_fail(guest_name, "APIC ID %u never ran", ids[i]);
	printf("SMP: %d CPUs up\n", cpus);
	guest_pass(guest_name);
}

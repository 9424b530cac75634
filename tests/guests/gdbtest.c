// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A guest for gdb (tests/functional/test-gdbstub.py), built with debug
 * symbols: a function to break at (gdb_break_here), a global that changes
 * on every iteration (gdb_counter, for watchpoints), and a loop that runs
 * until gdb sets gdb_done (or iters= iterations pass, if given), then PASS.
 * With smp=2 the BSP starts the APs (INIT/SIPI/SIPI, smp-tramp.S) and each
 * spins in ap_main incrementing gdb_ap_counter, so gdb sees two threads
 * running different code.
 */
#include "lib/rt.h"
#include "lib/acpi.h"

const char guest_name[] = "GDBTEST";

extern char tramp_start[], tramp_end[];
void ap_main(void);

volatile uint32_t gdb_counter;
volatile uint32_t gdb_ap_counter;
volatile uint32_t gdb_done;
static uint32_t lapic;

void ap_main(void)
{
	for (;;) {
		gdb_ap_counter++;
		cpu_relax();
	}
}

__attribute__((noinline)) uint32_t gdb_break_here(uint32_t n)
{
	gdb_counter = n;
	return n * 2;
}

static void lapic_ipi(uint32_t apic_id, uint32_t low)
{
	mmio_write32(lapic + 0x280, 0);			/* ESR */
	mmio_write32(lapic + 0x310, apic_id << 24);	/* ICR high */
	mmio_write32(lapic + 0x300, low);		/* ICR low */
	for (int i = 0; i < 100000 && (mmio_read32(lapic + 0x300) & (1u << 12)); i++)
		cpu_relax();
}

/* SDM vol. 3A §9.4.4.1: INIT, 10 ms, SIPI, 200 us, SIPI */
static void start_aps(void)
{
	uint8_t ids[16];
	int cpus = acpi_madt_cpus(ids, 16, &lapic);
	uint32_t bsp;

	if (cpus < 2)
		guest_fail(guest_name, "smp=2 asked, MADT lists %d CPUs", cpus);
	bsp = mmio_read32(lapic + 0x20) >> 24;
	memcpy((void *)0x8000, tramp_start, (size_t)(tramp_end - tramp_start));
	mmio_write32(lapic + 0xf0, 0x1ff);
	for (int i = 0; i < cpus; i++) {
		if (ids[i] == bsp)
			continue;
		lapic_ipi(ids[i], 0x4500);
		pit_delay_us(10000);
		lapic_ipi(ids[i], 0x4600 | (0x8000 >> 12));
		pit_delay_us(200);
		lapic_ipi(ids[i], 0x4600 | (0x8000 >> 12));
	}
	while (!gdb_ap_counter)
		cpu_relax();
}

void guest_main(void)
{
	uint64_t iters = cmdline_get_u64("iters", 0);
	uint32_t sum = 0;

	if (cmdline_get_u64("smp", 1) > 1)
		start_aps();
	printf("GDBTEST: looping\n");
	for (uint32_t i = 1; !gdb_done; i++) {
		sum += gdb_break_here(i);
		if (iters && i >= iters)
			break;
	}
	printf("GDBTEST: done at %u (sum %u)\n", gdb_counter, sum);
	guest_pass(guest_name);
}

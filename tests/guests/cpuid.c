// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CPUID sanity (Intel SDM vol. 2A, CPUID): vendor string, max basic and
 * extended leaves, leaf 1 family/features (FPU, TSC, MSR, APIC, CX8 must be
 * set on any PC CPU), brand string, and that leaf 1's initial APIC ID agrees
 * with the LAPIC ID register. Optional vendor=GenuineIntel|AuthenticAMD.
 */
#include "lib/rt.h"

const char guest_name[] = "CPUID";

void guest_main(void)
{
	uint32_t a, b, c, d;
	char vendor[13];

	cpuid(0, 0, &a, &b, &c, &d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = 0;
	uint32_t max_basic = a;
	printf("CPUID: vendor '%s' max basic leaf 0x%x\n", vendor, max_basic);
	for (int i = 0; i < 12; i++)
		if (vendor[i] < 0x20 || vendor[i] > 0x7e)
			guest_fail(guest_name, "vendor string is not printable");
	char want[16];
	if (cmdline_get("vendor", want, sizeof(want)) && memcmp_(want, vendor, 13))
		guest_fail(guest_name, "vendor '%s', expected '%s'", vendor, want);
	if (max_basic < 1 || max_basic > 0x100)
		guest_fail(guest_name, "implausible max basic leaf 0x%x", max_basic);

	cpuid(1, 0, &a, &b, &c, &d);
	uint32_t family = (a >> 8) & 0xf, model = (a >> 4) & 0xf;
	if (family == 0xf)
		family += (a >> 20) & 0xff;
	if (family == 6 || family >= 0xf)
		model |= ((a >> 16) & 0xf) << 4;
	printf("CPUID: leaf1 eax=%x ebx=%x ecx=%x edx=%x family %u model %u stepping %u\n",
	       a, b, c, d, family, model, a & 0xf);
	if (family < 5)
		guest_fail(guest_name, "family %u < 5", family);
	const uint32_t need = (1u << 0) | (1u << 4) | (1u << 5) | (1u << 8) | (1u << 9);
	if ((d & need) != need)
		guest_fail(guest_name, "leaf 1 edx 0x%x lacks FPU/TSC/MSR/CX8/APIC (0x%x)", d, need);
	if (!(d & (1u << 25)) || !(d & (1u << 26)))
		guest_fail(guest_name, "no SSE/SSE2 (edx 0x%x): every x86-64 CPU has them", d);
	uint32_t apic_id_cpuid = b >> 24;
	uint32_t apic_id_reg = mmio_read32(0xfee00020) >> 24;
	printf("CPUID: initial APIC ID %u, LAPIC ID register %u\n", apic_id_cpuid, apic_id_reg);
	if (apic_id_cpuid != apic_id_reg)
		guest_fail(guest_name, "CPUID APIC ID %u != LAPIC ID %u", apic_id_cpuid, apic_id_reg);

	cpuid(0x80000000, 0, &a, &b, &c, &d);
	uint32_t max_ext = a;
	printf("CPUID: max extended leaf 0x%x\n", max_ext);
	if (max_ext < 0x80000001 || max_ext > 0x80000100)
		guest_fail(guest_name, "implausible max extended leaf 0x%x", max_ext);
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	if (!(d & (1u << 29)))
		guest_fail(guest_name, "leaf 0x80000001 edx 0x%x: no long mode", d);
	if (max_ext >= 0x80000004) {
		uint32_t brand[13];
		for (uint32_t l = 0; l < 3; l++)
			cpuid(0x80000002 + l, 0, &brand[l * 4], &brand[l * 4 + 1],
			      &brand[l * 4 + 2], &brand[l * 4 + 3]);
		brand[12] = 0;
		printf("CPUID: brand '%s'\n", (char *)brand);
	}
	guest_pass(guest_name);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The APIC bus: interrupt messages from IPIs, the IOAPIC and MSIs, routed to
 * the local APICs that match their destination (physical ID, logical
 * flat/cluster or x2APIC cluster, broadcast), lowest priority arbitrated by
 * TPR. A bus is part of the board's state; each LAPIC joins it with
 * apic_attach(). The LAPIC itself is hw/intc/apic.c.
 *
 * Reference: Intel SDM vol. 3A (325462-079) §10.6.2 (destinations), §10.6.2.4
 * (lowest priority), §10.11 (message signalled interrupts).
 */
#include "kemu/common.h"
#include "hw/intc/apic.h"
#include "apic-internal.h"

int apic_bus_deliver(struct apic_bus *bus, uint32_t dest, bool logical,
		     enum apic_delivery_mode mode, uint8_t vector, bool level_trigger)
{
	struct apic_state *lowest = NULL, *a;
	unsigned i;
	int n = 0;

	for (i = 0; i < bus->nr; i++) {
		a = bus->apics[i];
		if (!apic_accepts_messages(a, mode) || !apic_match_dest(a, dest, logical))
			continue;
		if (mode == APIC_DM_LOWEST) {
			/* §10.6.2.4: the lowest priority; kemu uses TPR, first on ties */
			if (!lowest || apic_arbitration_priority(a) < apic_arbitration_priority(lowest))
				lowest = a;
			continue;
		}
		apic_receive(a, mode, vector, level_trigger);
		n++;
	}
	if (lowest) {
		apic_receive(lowest, mode, vector, level_trigger);
		n++;
	}
	return n;
}

void apic_bus_send_msi(struct apic_bus *bus, uint64_t addr, uint32_t data)
{
	/* Address: 0xfee, destination ID 19:12, RH 3, DM 2; data: trigger 15, mode 10:8, vector 7:0 */
	uint32_t dest = (addr >> 12) & 0xff;
	bool logical = addr & (1 << 2);
	unsigned mode = (data >> 8) & 7;

	if ((addr >> 20) != 0xfee) {
		guest_error("apic: MSI to 0x%" PRIx64 " outside 0xfee00000-0xfeefffff", addr);
		return;
	}
	/* 011 and 110 (SIPI) are reserved in MSI data, §10.11.2 */
	if (mode == 3 || mode == APIC_DM_SIPI) {
		guest_error("apic: MSI with reserved delivery mode %u", mode);
		return;
	}
	apic_bus_deliver(bus, dest, logical, mode, data & 0xff, data & (1 << 15));
}

static uint64_t apic_msi_read(void *opaque, uint64_t offset, unsigned size)
{
	return 0;
}

static void apic_msi_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	apic_bus_send_msi(opaque, APIC_DEFAULT_ADDRESS + offset, value);
}

static const struct memory_region_ops apic_msi_ops = {
	.read = apic_msi_read,
	.write = apic_msi_write,
	.valid = { .min_access_size = 4, .max_access_size = 4 },
};

void apic_bus_init(struct apic_bus *bus, struct pic_state *pic, struct ioapic_state *ioapic)
{
	memset(bus, 0, sizeof(*bus));
	bus->pic = pic;
	bus->ioapic = ioapic;
	memory_region_init_io(&bus->msi_mr, NULL, &apic_msi_ops, bus, "apic-msi",
			      APIC_MSI_REGION_SIZE);
}

void apic_bus_destroy(struct apic_bus *bus)
{
	memory_region_destroy(&bus->msi_mr);
	bus->nr = 0;
}

struct memory_region *apic_bus_msi_region(struct apic_bus *bus)
{
	return &bus->msi_mr;
}

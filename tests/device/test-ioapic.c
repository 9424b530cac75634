// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 82093AA IOAPIC: registers, redirection to messages (as MSIs and to
 * LAPICs over the APIC bus), masks, edge and level inputs, Remote IRR and
 * EOI (82093AA data sheet §3; SDM vol. 3A §10.8.5 for the EOI broadcast).
 */
#include "harness.h"
#include "hw/intc/ioapic.h"
#include "hw/intc/apic.h"
#include "hw/timer/i8254.h"
#include "apic-fake-cpu.h"

#define IOAPIC_BASE 0xfec00000ULL
#define APIC0 0xfee00000ULL
#define APIC1 0xfee10000ULL

struct msi_log {
	int count;
	uint64_t addr;
	uint32_t data;
};

static struct ioapic_state *io;
static struct msi_log msis;

static void msi_record(void *opaque, uint64_t addr, uint32_t data)
{
	struct msi_log *l = opaque;

	l->count++;
	l->addr = addr;
	l->data = data;
}

static void setup(void)
{
	io = IOAPIC(device_new(TYPE_IOAPIC));
	harness_realize(DEVICE(io));
	harness_map_mmio(ioapic_mmio_region(io), IOAPIC_BASE);
	memset(&msis, 0, sizeof(msis));
	ioapic_set_msi_handler(io, msi_record, &msis);
}

static void teardown(void)
{
	device_unrealize(DEVICE(io));
	object_unref(OBJECT(io));
	io = NULL;
}

static uint32_t io_read(uint8_t index)
{
	writel(IOAPIC_BASE, index);
	return readl(IOAPIC_BASE + 0x10);
}

static void io_write(uint8_t index, uint32_t v)
{
	writel(IOAPIC_BASE, index);
	writel(IOAPIC_BASE + 0x10, v);
}

static void set_entry(int pin, uint64_t e)
{
	io_write(0x11 + 2 * pin, e >> 32);
	io_write(0x10 + 2 * pin, e);
}


/* Save the device's state, reset it, restore the saved state. */
static void save_reset_restore(struct device *dev)
{
	const struct vmstate_description *vmsd = &DEVICE_GET_CLASS(dev)->vmsd;
	GByteArray *saved = vmstate_save(vmsd, dev);
	GError *err = NULL;

	device_reset(dev);
	g_assert_true(vmstate_load(vmsd, dev, saved->data, saved->len, &err));
	g_byte_array_unref(saved);
}

static void test_ioapic_state_survives_save_and_restore(void)
{
	setup();
	set_entry(7, 0x37 | 1 << 15 | (uint64_t)3 << 56);
	ioapic_set_irq(io, 7, 1);
	save_reset_restore(DEVICE(io));
	g_assert_cmphex(io_read(0x10 + 14), ==, 0x37 | 1 << 15 | 1 << 14);
	g_assert_cmphex(io_read(0x11 + 14), ==, 0x03000000);
	{
		g_autoptr(GString) info = g_string_new(NULL);

		ioapic_print_info(io, info);
		g_assert_nonnull(strstr(info->str, "pin  7: 030000000000c037 vec  55 fixed  physical dest 3 level remote-irr"));
	}
	teardown();
}

static void test_ioapic_version_is_0x20_with_24_entries(void)
{
	setup();
	g_assert_cmphex(io_read(0x01), ==, 0x00170020);
	io_write(0x00, 0x05000000);
	g_assert_cmphex(io_read(0x00), ==, 0x05000000);
	io_write(0x01, 0);		/* read-only */
	g_assert_cmphex(io_read(0x01), ==, 0x00170020);
	teardown();
}

static void test_ioapic_entries_reset_masked(void)
{
	int pin;

	setup();
	for (pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
		g_assert_cmphex(io_read(0x10 + 2 * pin), ==, 0x10000);
		g_assert_cmphex(io_read(0x11 + 2 * pin), ==, 0);
	}
	ioapic_set_irq(io, 3, 1);
	g_assert_cmpint(msis.count, ==, 0);
	teardown();
}

static void test_ioapic_edge_input_sends_entry_vector_to_destination(void)
{
	setup();
	set_entry(4, 0x34 | (uint64_t)1 << 56);	/* fixed, physical, edge, dest 1 */
	ioapic_set_irq(io, 4, 1);
	g_assert_cmpint(msis.count, ==, 1);
	g_assert_cmphex(msis.addr, ==, 0xfee01000);
	g_assert_cmphex(msis.data, ==, 0x4034);
	ioapic_set_irq(io, 4, 1);	/* no new edge */
	g_assert_cmpint(msis.count, ==, 1);
	ioapic_set_irq(io, 4, 0);
	ioapic_set_irq(io, 4, 1);
	g_assert_cmpint(msis.count, ==, 2);
	teardown();
}

static void test_ioapic_entry_encodes_logical_destination_and_mode(void)
{
	setup();
	/* lowest priority, logical, dest 0x0f */
	set_entry(5, 0x45 | 1 << 8 | 1 << 11 | (uint64_t)0x0f << 56);
	ioapic_set_irq(io, 5, 1);
	g_assert_cmphex(msis.addr, ==, 0xfee0f004);
	g_assert_cmphex(msis.data, ==, 0x4145);
	teardown();
}

static void test_ioapic_masked_edge_is_dropped_not_held(void)
{
	setup();
	set_entry(4, 0x34 | 1 << 16);
	ioapic_set_irq(io, 4, 1);
	ioapic_set_irq(io, 4, 0);
	set_entry(4, 0x34);
	g_assert_cmpint(msis.count, ==, 0);
	teardown();
}

static void test_ioapic_level_input_sets_remote_irr_until_eoi(void)
{
	setup();
	set_entry(9, 0x39 | 1 << 15);	/* level */
	ioapic_set_irq(io, 9, 1);
	g_assert_cmpint(msis.count, ==, 1);
	g_assert_cmphex(msis.data, ==, 0xc039);
	g_assert_cmphex(io_read(0x10 + 18) & (1 << 14), ==, 1 << 14);	/* Remote IRR */
	ioapic_set_irq(io, 9, 0);
	ioapic_set_irq(io, 9, 1);	/* no message while Remote IRR is set */
	g_assert_cmpint(msis.count, ==, 1);
	ioapic_eoi_broadcast(io, 0x38);	/* another vector: no effect */
	g_assert_cmpint(msis.count, ==, 1);
	ioapic_eoi_broadcast(io, 0x39);	/* still asserted: sent again */
	g_assert_cmpint(msis.count, ==, 2);
	ioapic_set_irq(io, 9, 0);
	ioapic_eoi_broadcast(io, 0x39);
	g_assert_cmpint(msis.count, ==, 2);
	g_assert_cmphex(io_read(0x10 + 18) & (1 << 14), ==, 0);
	teardown();
}

static void test_ioapic_eoi_register_clears_remote_irr(void)
{
	setup();
	set_entry(10, 0x3a | 1 << 15);
	ioapic_set_irq(io, 10, 1);
	ioapic_set_irq(io, 10, 0);
	writel(IOAPIC_BASE + 0x40, 0x3a);
	g_assert_cmphex(io_read(0x10 + 20) & (1 << 14), ==, 0);
	teardown();
}

static void test_ioapic_unmasking_asserted_level_input_delivers(void)
{
	setup();
	set_entry(11, 0x3b | 1 << 15 | 1 << 16);
	ioapic_set_irq(io, 11, 1);
	g_assert_cmpint(msis.count, ==, 0);
	set_entry(11, 0x3b | 1 << 15);
	g_assert_cmpint(msis.count, ==, 1);
	teardown();
}

static void test_ioapic_remote_irr_and_delivery_status_are_read_only(void)
{
	setup();
	set_entry(12, 0x3c | 1 << 12 | 1 << 14 | 1 << 15);
	g_assert_cmphex(io_read(0x10 + 24), ==, 0x3c | 1 << 15);
	teardown();
}

static void test_ioapic_level_message_reaches_lapic_and_lapic_eoi_broadcasts(void)
{
	struct apic_bus bus;
	struct apic_state *a[2];
	struct fake_cpu *c[2];
	int i;

	setup();
	ioapic_set_msi_handler(io, NULL, NULL);
	apic_bus_init(&bus, NULL, io);
	for (i = 0; i < 2; i++)
		a[i] = fake_apic_new(&bus, i, &c[i]);
	harness_map_mmio(apic_mmio_region(a[1]), APIC1);
	writel(APIC1 + 0xf0, 0x1ff);
	ioapic_set_bus(io, &bus);

	set_entry(10, 0x4a | 1 << 15 | (uint64_t)1 << 56);	/* level, to APIC 1 */
	ioapic_set_irq(io, 10, 1);
	g_assert_true(c[1]->pending & CPU_INTERRUPT_HARD);
	g_assert_false(c[0]->pending & CPU_INTERRUPT_HARD);
	g_assert_true(readl(APIC1 + 0x180 + 0x20) & (1u << (0x4a & 31)));	/* TMR */
	g_assert_cmpint(apic_cpu_get_interrupt(a[1], &c[1]->cpu), ==, 0x4a);
	writel(APIC1 + 0xb0, 0);	/* EOI: broadcast to the IOAPIC */
	/* still asserted: delivered again */
	g_assert_true(c[1]->pending & CPU_INTERRUPT_HARD);
	g_assert_cmpint(apic_cpu_get_interrupt(a[1], &c[1]->cpu), ==, 0x4a);
	ioapic_set_irq(io, 10, 0);
	writel(APIC1 + 0xb0, 0);
	g_assert_cmphex(io_read(0x10 + 20) & (1 << 14), ==, 0);
	g_assert_false(c[1]->pending & CPU_INTERRUPT_HARD);

	/* NMI delivery mode */
	set_entry(2, 4 << 8 | (uint64_t)0 << 56);
	ioapic_set_irq(io, 2, 1);
	g_assert_cmpint(c[0]->nmis, ==, 1);

	for (i = 0; i < 2; i++)
		fake_apic_free(a[i], c[i]);
	apic_bus_destroy(&bus);
	teardown();
}

/* A hostile guest: random register traffic and inputs never crash. */
static void test_ioapic_survives_random_register_traffic(void)
{
	struct apic_bus bus;
	struct apic_state *a[2];
	struct fake_cpu *c[2];
	int i;

	setup();
	ioapic_set_msi_handler(io, NULL, NULL);
	apic_bus_init(&bus, NULL, io);
	for (i = 0; i < 2; i++)
		a[i] = fake_apic_new(&bus, i, &c[i]);
	ioapic_set_bus(io, &bus);
	for (i = 0; i < 20000; i++) {
		switch (g_test_rand_int_range(0, 5)) {
		case 0:
			writel(IOAPIC_BASE + 4 * g_test_rand_int_range(0, 32), g_test_rand_int());
			break;
		case 1:
			readl(IOAPIC_BASE + 4 * g_test_rand_int_range(0, 32));
			break;
		case 2:
			ioapic_set_irq(io, g_test_rand_int_range(0, IOAPIC_NUM_PINS),
				       g_test_rand_int_range(0, 2));
			break;
		case 3:
			ioapic_eoi_broadcast(io, g_test_rand_int());
			break;
		case 4:
			apic_cpu_get_interrupt(a[i & 1], &c[i & 1]->cpu);
			break;
		}
	}
	for (i = 0; i < 2; i++)
		fake_apic_free(a[i], c[i]);
	apic_bus_destroy(&bus);
	teardown();
}

/* The PC's wiring (hw/i386/pc.c): ISA IRQ 0 goes to IOAPIC pin 2. */
static void isa_irq0_to_pin2(void *opaque, int n, int level)
{
	ioapic_set_irq(opaque, 2, level);
}

static void test_ioapic_pit_irq0_reaches_lapic_via_pin2_at_programmed_rate(void)
{
	struct apic_bus bus;
	struct apic_state *a[2];
	struct fake_cpu *c[2];
	struct pit_state *pit;
	int i, taken = 0;

	setup();
	ioapic_set_msi_handler(io, NULL, NULL);
	apic_bus_init(&bus, NULL, io);
	for (i = 0; i < 2; i++)
		a[i] = fake_apic_new(&bus, i, &c[i]);
	ioapic_set_bus(io, &bus);
	harness_map_mmio(apic_mmio_region(a[0]), APIC0);
	writel(APIC0 + 0xf0, 0x1ff);
	pit = PIT(device_new(TYPE_I8254));
	harness_realize(DEVICE(pit));
	harness_map_io(pit_io_region(pit), 0x40);
	irq_line_connect(pit_irq_line(pit), isa_irq0_to_pin2, io, 0);

	set_entry(2, 0x30);		/* edge, fixed, to APIC 0 */
	outb(0x43, 0x34);		/* what Linux does for HZ=1000 */
	outb(0x40, 1193 & 0xff);
	outb(0x40, 1193 >> 8);
	for (i = 0; i < 100; i++) {
		clock_step(100 * NS_PER_US);
		if (c[0]->pending & CPU_INTERRUPT_HARD) {
			g_assert_cmpint(apic_cpu_get_interrupt(a[0], &c[0]->cpu), ==, 0x30);
			writel(APIC0 + 0xb0, 0);
			taken++;
		}
	}
	/*
	 * 10 ms at 1193182 / 1193 Hz, plus the edge of OUT going high at the
	 * control word (it was low: mode 0 after reset).
	 */
	g_assert_cmpint(taken, ==, 1 + 10);
	g_assert_false(c[1]->pending & CPU_INTERRUPT_HARD);

	device_unrealize(DEVICE(pit));
	object_unref(OBJECT(pit));
	for (i = 0; i < 2; i++)
		fake_apic_free(a[i], c[i]);
	apic_bus_destroy(&bus);
	teardown();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	harness_init();
	g_test_add_func("/ioapic/version-is-0x20-with-24-entries",
			test_ioapic_version_is_0x20_with_24_entries);
	g_test_add_func("/ioapic/entries-reset-masked", test_ioapic_entries_reset_masked);
	g_test_add_func("/ioapic/edge-input-sends-entry-vector-to-destination",
			test_ioapic_edge_input_sends_entry_vector_to_destination);
	g_test_add_func("/ioapic/entry-encodes-logical-destination-and-mode",
			test_ioapic_entry_encodes_logical_destination_and_mode);
	g_test_add_func("/ioapic/masked-edge-is-dropped-not-held",
			test_ioapic_masked_edge_is_dropped_not_held);
	g_test_add_func("/ioapic/level-input-sets-remote-irr-until-eoi",
			test_ioapic_level_input_sets_remote_irr_until_eoi);
	g_test_add_func("/ioapic/eoi-register-clears-remote-irr",
			test_ioapic_eoi_register_clears_remote_irr);
	g_test_add_func("/ioapic/unmasking-asserted-level-input-delivers",
			test_ioapic_unmasking_asserted_level_input_delivers);
	g_test_add_func("/ioapic/remote-irr-and-delivery-status-are-read-only",
			test_ioapic_remote_irr_and_delivery_status_are_read_only);
	g_test_add_func("/ioapic/level-message-reaches-lapic-and-lapic-eoi-broadcasts",
			test_ioapic_level_message_reaches_lapic_and_lapic_eoi_broadcasts);
	g_test_add_func("/ioapic/state-survives-save-and-restore",
			test_ioapic_state_survives_save_and_restore);
	g_test_add_func("/ioapic/survives-random-register-traffic",
			test_ioapic_survives_random_register_traffic);
	g_test_add_func("/ioapic/pit-irq0-reaches-lapic-via-pin2-at-programmed-rate",
			test_ioapic_pit_irq0_reaches_lapic_via_pin2_at_programmed_rate);
	return g_test_run();
}

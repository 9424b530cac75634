// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PIIX3 PCI interrupt routing (datasheet 2.2.13): a device's INTx pin on
 * slot N reaches PIRQ (N + pin - 1) mod 4, whose route register 0x60+PIRQ
 * names the ISA IRQ; bit 7 disables; shared lines are the OR of their devices.
 */
#include "pci-helpers.h"
#include "hw/isa/piix3.h"
#include "hw/isa/isa.h"

/* A device with an INTx pin chosen by property, driven by the test. */
struct intx_dev {
	struct pci_device parent;
	uint8_t pin;
};

#define INTX_DEV(obj) OBJECT_CHECK(struct intx_dev, (obj), "test-intx-dev")

static bool intx_realize(struct pci_device *pdev, GError **errp)
{
	pdev->config[PCI_INTERRUPT_PIN] = INTX_DEV(pdev)->pin;
	return true;
}

static void intx_class_init(struct object_class *klass, const void *data)
{
	struct pci_device_class *k = PCI_DEVICE_CLASS(klass);

	k->realize = intx_realize;
	k->vendor_id = 0x1234;
	k->device_id = 0x0001;
	k->class_id = PCI_CLASS_OTHERS;
}

static const struct property intx_props[] = {
	PROP_U8("pin", struct intx_dev, pin, 1),
	PROP_END
};

DEFINE_DEVICE_TYPE(intx_dev, "test-intx-dev", TYPE_PCI_DEVICE, struct intx_dev,
		   .class_init = intx_class_init, .props = intx_props);

static struct pci_test_machine m;
static const int piix_devfn = PCI_DEVFN(1, 0);

static void setup(void)
{
	GError *err = NULL;

	pci_test_init(&m);
	if (!piix3_create(m.bus, piix_devfn, &err))
		g_error("piix3_create: %s", err->message);
}

static struct pci_device *new_dev(int slot, int pin)
{
	g_autofree char *opts = g_strdup_printf("test-intx-dev,addr=%x,pin=%d", slot, pin);
	struct device *d = harness_device_new(opts);

	harness_realize(d);
	return PCI_DEVICE(d);
}

static void route(int pirq, uint8_t v)
{
	cfg_writeb(piix_devfn, PIIX_PIRQCA + pirq, v);
}

static int isa_level(int irq)
{
	return harness_isa_irq(irq)->level;
}

static void test_piix3_header_and_reset_values(void)
{
	setup();
	g_assert_cmphex(cfg_readl(piix_devfn, 0), ==, 0x70008086);
	g_assert_cmphex(cfg_readw(piix_devfn, PCI_CLASS_DEVICE), ==, 0x0601);
	g_assert_cmphex(cfg_readb(piix_devfn, PCI_HEADER_TYPE), ==, 0x80);
	g_assert_cmphex(cfg_readl(piix_devfn, PIIX_PIRQCA), ==, 0x80808080);
	g_assert_cmphex(cfg_readw(piix_devfn, PCI_COMMAND), ==, 0x0007);
	route(0, 10);
	device_reset(DEVICE(pci_bus_get_device(m.bus, piix_devfn)));
	g_assert_cmphex(cfg_readb(piix_devfn, PIIX_PIRQCA), ==, 0x80);
	pci_test_fini(&m);
}

static void test_piix3_intx_raises_routed_isa_irq(void)
{
	static const uint8_t irqs[4] = { 10, 11, 5, 9 };

	setup();
	for (int p = 0; p < 4; p++)
		route(p, irqs[p]);
	for (int slot = 2; slot < 6; slot++) {
		for (int pin = 1; pin <= 4; pin++) {
			struct pci_device *d = new_dev(slot + 4 * (pin - 1), pin);
			int pirq = (PCI_SLOT(d->devfn) + pin - 1 - 1) & 3;
			int irq = irqs[pirq];

			g_assert_cmpint(piix3_slot_pin_to_pirq(PCI_SLOT(d->devfn), pin - 1), ==, pirq);
			pci_irq_assert(d);
			g_assert_cmpint(isa_level(irq), ==, 1);
			for (int o = 0; o < 4; o++)
				if (irqs[o] != irq)
					g_assert_cmpint(isa_level(irqs[o]), ==, 0);
			pci_irq_deassert(d);
			g_assert_cmpint(isa_level(irq), ==, 0);
		}
	}
	pci_test_fini(&m);
}

static void test_piix3_slot_swizzle_matches_qemu(void)
{
	struct pci_device *d;

	setup();
	route(0, 5);	/* PIRQA */
	route(1, 10);	/* PIRQB */
	/* slot 1 INTA -> PIRQA; slot 3 INTA -> PIRQC; slot 3 INTD -> PIRQB */
	g_assert_cmpint(piix3_slot_pin_to_pirq(1, 0), ==, 0);
	g_assert_cmpint(piix3_slot_pin_to_pirq(3, 0), ==, 2);
	g_assert_cmpint(piix3_slot_pin_to_pirq(3, 3), ==, 1);
	d = new_dev(3, 4);
	pci_irq_assert(d);
	g_assert_cmpint(isa_level(10), ==, 1);
	g_assert_cmpint(isa_level(5), ==, 0);
	pci_test_fini(&m);
}

static void test_piix3_disabled_route_raises_nothing(void)
{
	struct pci_device *d;
	int pirq;

	setup();
	d = new_dev(2, 1);
	pirq = piix3_slot_pin_to_pirq(2, 0);
	pci_irq_assert(d);
	for (int i = 0; i < ISA_NUM_IRQS; i++)
		g_assert_cmpint(harness_isa_irq(i)->raises, ==, 0);
	/* reserved IRQs (0-2, 8, 13) are not routed either */
	route(pirq, 2);
	route(pirq, 8);
	route(pirq, 13);
	for (int i = 0; i < ISA_NUM_IRQS; i++)
		g_assert_cmpint(harness_isa_irq(i)->raises, ==, 0);
	/* enabling the route while the line is asserted raises it now */
	route(pirq, 11);
	g_assert_cmpint(isa_level(11), ==, 1);
	/* rerouting moves the level: old IRQ lowered, new one raised */
	route(pirq, 14);
	g_assert_cmpint(isa_level(11), ==, 0);
	g_assert_cmpint(isa_level(14), ==, 1);
	route(pirq, 0x80 | 14);
	g_assert_cmpint(isa_level(14), ==, 0);
	pci_irq_deassert(d);
	route(pirq, 14);
	g_assert_cmpint(isa_level(14), ==, 0);
	pci_test_fini(&m);
}

static void test_piix3_shared_line_is_or_of_devices(void)
{
	struct pci_device *a, *b, *c;

	setup();
	/* slots 2 and 6 INTA share a PIRQ; slot 3 INTA uses the next, routed to the same IRQ */
	a = new_dev(2, 1);
	b = new_dev(6, 1);
	c = new_dev(3, 1);
	g_assert_cmpint(piix3_slot_pin_to_pirq(2, 0), ==, piix3_slot_pin_to_pirq(6, 0));
	route(piix3_slot_pin_to_pirq(2, 0), 11);
	route(piix3_slot_pin_to_pirq(3, 0), 11);
	pci_irq_assert(a);
	pci_irq_assert(b);
	g_assert_cmpint(isa_level(11), ==, 1);
	pci_irq_deassert(a);
	g_assert_cmpint(isa_level(11), ==, 1);
	pci_irq_assert(c);
	pci_irq_deassert(b);
	g_assert_cmpint(isa_level(11), ==, 1);
	pci_irq_deassert(c);
	g_assert_cmpint(isa_level(11), ==, 0);
	g_assert_cmpint(harness_isa_irq(11)->raises, ==, 1);
	/* a device that asserts twice counts once */
	pci_irq_assert(a);
	pci_irq_assert(a);
	pci_irq_deassert(a);
	g_assert_cmpint(isa_level(11), ==, 0);
	/* a device reset drops its line */
	pci_irq_assert(b);
	device_reset(DEVICE(b));
	g_assert_cmpint(isa_level(11), ==, 0);
	pci_test_fini(&m);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/piix3/header_and_reset_values", test_piix3_header_and_reset_values);
	g_test_add_func("/piix3/intx_raises_routed_isa_irq", test_piix3_intx_raises_routed_isa_irq);
	g_test_add_func("/piix3/slot_swizzle_matches_qemu", test_piix3_slot_swizzle_matches_qemu);
	g_test_add_func("/piix3/disabled_route_raises_nothing",
			test_piix3_disabled_route_raises_nothing);
	g_test_add_func("/piix3/shared_line_is_or_of_devices",
			test_piix3_shared_line_is_or_of_devices);
	return g_test_run();
}

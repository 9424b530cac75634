// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ACPI PCI hotplug on the harness: the GPE0 block of acpi-pm and the
 * acpi-pcihp registers the DSDT's PCNT/PCEJ methods use (hw/acpi/pcihp.c):
 * a plug shows in PCIU (read clears) and raises GPE0 bit 1, which becomes
 * the SCI once ACPI mode and the GPE enable are on; an unplug request shows
 * in PCID; the guest's eject write removes the device; slots outside the
 * hotplug mask are refused (ACPI 6.4 §4.8.4.1, §5.6.6, §6.3.3).
 */
#include "pci-helpers.h"
#include "hw/acpi/acpi-pm.h"
#include "hw/acpi/acpi-build.h"
#include "hw/acpi/pcihp.h"
#include "system/main-loop.h"

#define PM 0x600
#define PM1_CNT (PM + 4)
#define SMI 0xb2
#define GPE_STS ACPI_GPE0_BASE_DEFAULT
#define GPE_EN (ACPI_GPE0_BASE_DEFAULT + 2)
#define PCIU ACPI_PCIHP_BASE_DEFAULT
#define PCID (ACPI_PCIHP_BASE_DEFAULT + 4)
#define B0EJ (ACPI_PCIHP_BASE_DEFAULT + 8)
#define PCIR (ACPI_PCIHP_BASE_DEFAULT + 0xc)
#define BNUM (ACPI_PCIHP_BASE_DEFAULT + 0x10)

static struct pci_test_machine m;
static struct device *pm, *hp;
static struct irq_probe sci;

static void gpe_to_pm(void *opaque, int n, int level)
{
	if (level)
		acpi_pm_gpe_event(pm, ACPI_GPE_PCI_HOTPLUG);
}

static struct pci_device *add_testdev(int slot)
{
	g_autofree char *opts = g_strdup_printf("pci-testdev,addr=0x%x", slot);
	struct device *dev = harness_device_new(opts);

	harness_realize(dev);
	return PCI_DEVICE(dev);
}

static void test_pcihp_plug_sets_pciu_and_raises_the_gpe(void)
{
	struct pci_device *d = add_testdev(5);
	GError *err = NULL;

	g_assert_cmphex(inl(PCIR), ==, 0xfffffffc);
	g_assert_true(acpi_pcihp_plug(hp, d, &err));
	g_assert_cmphex(inl(PCIU), ==, 1u << 5);
	g_assert_cmphex(inl(PCIU), ==, 0);		/* read clears */
	g_assert_cmphex(inw(GPE_STS) & 2, ==, 2);
	/* no SCI before ACPI mode and the GPE's enable bit */
	g_assert_cmpint(sci.level, ==, 0);
	outb(SMI, ACPI_ENABLE_VALUE);
	g_assert_cmpint(sci.level, ==, 0);
	outw(GPE_EN, 2);
	g_assert_cmphex(inw(GPE_EN), ==, 2);
	g_assert_cmpint(sci.level, ==, 1);
	outw(GPE_STS, 2);				/* write 1 to clear */
	g_assert_cmphex(inw(GPE_STS), ==, 0);
	g_assert_cmpint(sci.level, ==, 0);
	/* byte accesses to the GPE block */
	acpi_pm_gpe_event(pm, ACPI_GPE_PCI_HOTPLUG);
	g_assert_cmpint(sci.level, ==, 1);
	outb(GPE_STS, 2);
	g_assert_cmpint(sci.level, ==, 0);
	g_assert_cmphex(inb(GPE_EN), ==, 2);
}

static void test_pcihp_unplug_request_then_eject_removes_the_device(void)
{
	struct pci_device *d = pci_bus_get_device(m.bus, PCI_DEVFN(5, 0));
	GError *err = NULL;

	g_assert_nonnull(d);
	g_assert_true(acpi_pcihp_unplug_request(hp, d, &err));
	g_assert_cmphex(inl(PCID), ==, 1u << 5);
	g_assert_cmphex(inw(GPE_STS) & 2, ==, 2);
	outw(GPE_STS, 2);
	/* the guest's _EJ0: removal happens on the main loop, not in the write */
	outl(B0EJ, 1u << 5);
	g_assert_nonnull(pci_bus_get_device(m.bus, PCI_DEVFN(5, 0)));
	main_loop_wait(0);
	g_assert_null(pci_bus_get_device(m.bus, PCI_DEVFN(5, 0)));
	object_unref(OBJECT(d));	/* the harness made it: its reference is ours */
	g_assert_cmphex(inl(PCID), ==, 0);
	g_assert_cmphex(inl(B0EJ), ==, 0);		/* write-only */
}

static void test_pcihp_refuses_slots_outside_the_mask(void)
{
	struct pci_device *d = add_testdev(1);
	GError *err = NULL;

	g_assert_false(acpi_pcihp_plug(hp, d, &err));
	g_assert_nonnull(strstr(err->message, "slot 1 does not take hotplug"));
	g_clear_error(&err);
	g_assert_false(acpi_pcihp_unplug_request(hp, d, &err));
	g_clear_error(&err);
	/* a hostile eject of every slot: only hotplug slots go, and slot 1 is not one */
	outl(B0EJ, 0xffffffff);
	main_loop_wait(0);
	g_assert_nonnull(pci_bus_get_device(m.bus, PCI_DEVFN(1, 0)));
	g_assert_nonnull(pci_bus_get_device(m.bus, PCI_DEVFN(0, 0)));	/* host bridge */
	/* other bus numbers do not exist; unknown offsets and sizes are ignored */
	outl(BNUM, 3);
	g_assert_cmphex(inl(BNUM), ==, 0);
	outl(ACPI_PCIHP_BASE_DEFAULT + 0x14 - 4, 0x12345678);
	outb(PCIU, 0xff);
	inw(PCIU);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	pci_test_init(&m);
	pm = device_new(TYPE_ACPI_PM);
	harness_realize(pm);
	harness_map_io(acpi_pm_io_region(pm), PM);
	harness_map_io(acpi_pm_smi_region(pm), SMI);
	harness_map_io(acpi_pm_gpe_region(pm), ACPI_GPE0_BASE_DEFAULT);
	harness_irq_probe(acpi_pm_sci(pm), &sci);
	hp = device_new(TYPE_ACPI_PCIHP);
	harness_realize(hp);
	acpi_pcihp_set_bus(hp, m.bus, 0xfffffffc);
	harness_map_io(acpi_pcihp_io_region(hp), ACPI_PCIHP_BASE_DEFAULT);
	irq_line_connect(acpi_pcihp_gpe(hp), gpe_to_pm, NULL, 0);

	g_test_add_func("/acpi-pcihp/plug", test_pcihp_plug_sets_pciu_and_raises_the_gpe);
	g_test_add_func("/acpi-pcihp/unplug", test_pcihp_unplug_request_then_eject_removes_the_device);
	g_test_add_func("/acpi-pcihp/refuses", test_pcihp_refuses_slots_outside_the_mask);
	{
		int ret = g_test_run();

		pci_test_fini(&m);
		return ret;
	}
}

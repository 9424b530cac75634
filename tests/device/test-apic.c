// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Local APIC: timer modes and rates on the virtual clock, TPR/PPR, EOI,
 * IPIs between two APICs (destinations, shorthands, INIT/SIPI/NMI,
 * lowest priority), ESR, x2APIC MSRs, the base MSR and ExtINT through
 * LINT0 (Intel SDM vol. 3A chapter 10).
 */
#include "harness.h"
#include "hw/intc/apic.h"
#include "hw/intc/i8259.h"
#include "apic-fake-cpu.h"

#define APIC0 0xfee00000ULL
#define APIC1 0xfee10000ULL	/* each CPU's private page, placed apart here */

#define TPR	0x080
#define PPR	0x0a0
#define EOI	0x0b0
#define LDR	0x0d0
#define DFR	0x0e0
#define SVR	0x0f0
#define ISR	0x100
#define TMR	0x180
#define IRR	0x200
#define ESR	0x280
#define ICR_LO	0x300
#define ICR_HI	0x310
#define LVT_TIMER 0x320
#define LVT_LINT0 0x350
#define LVT_LINT1 0x360
#define LVT_ERROR 0x370
#define TMICT	0x380
#define TMCCT	0x390
#define TDCR	0x3e0

static struct apic_bus bus;
static struct apic_state *apic[2];
static struct fake_cpu *cpu[2];

static void setup(void)
{
	int i;

	apic_bus_init(&bus, NULL, NULL);
	for (i = 0; i < 2; i++)
		apic[i] = fake_apic_new(&bus, i, &cpu[i]);
	harness_map_mmio(apic_mmio_region(apic[0]), APIC0);
	harness_map_mmio(apic_mmio_region(apic[1]), APIC1);
	writel(APIC0 + SVR, 0x1ff);	/* software enable, spurious vector 0xff */
	writel(APIC1 + SVR, 0x1ff);
}

static void teardown(void)
{
	int i;

	for (i = 0; i < 2; i++)
		fake_apic_free(apic[i], cpu[i]);
	apic_bus_destroy(&bus);
}

static bool irr_test(uint64_t base, int v)
{
	return readl(base + IRR + (v >> 5) * 0x10) & (1u << (v & 31));
}

static bool isr_test(uint64_t base, int v)
{
	return readl(base + ISR + (v >> 5) * 0x10) & (1u << (v & 31));
}

static int64_t now(void)
{
	return clock_get_ns(CLOCK_VIRTUAL);
}

/* The CPU takes the interrupt: acknowledge and return the vector. */
static int ack(int n)
{
	g_assert_true(cpu[n]->pending & CPU_INTERRUPT_HARD);
	return apic_cpu_get_interrupt(apic[n], &cpu[n]->cpu);
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

static void test_apic_state_survives_save_and_restore(void)
{
	int64_t next;

	setup();
	writel(APIC0 + TPR, 0x20);
	writel(APIC0 + LDR, 0x04000000);
	writel(APIC0 + LVT_TIMER, 0x20031);
	writel(APIC0 + TMICT, 5000);
	next = apic_timer_next_ns(apic[0]);
	save_reset_restore(DEVICE(apic[0]));
	g_assert_cmphex(readl(APIC0 + TPR), ==, 0x20);
	g_assert_cmphex(readl(APIC0 + LDR), ==, 0x04000000);
	g_assert_cmpint(apic_timer_next_ns(apic[0]), ==, next);
	{
		g_autoptr(GString) info = g_string_new(NULL);

		apic_print_info(apic[0], info);
		g_assert_nonnull(strstr(info->str, "tpr 20"));
		g_assert_nonnull(strstr(info->str, "LVT timer   00020031"));
	}
	teardown();
}

static void test_apic_version_and_id_registers(void)
{
	setup();
	g_assert_cmphex(readl(APIC0 + 0x30), ==, 0x00050014);
	g_assert_cmphex(readl(APIC0 + 0x20), ==, 0x00000000);
	g_assert_cmphex(readl(APIC1 + 0x20), ==, 0x01000000);
	g_assert_cmphex(apic_get_base(apic[0]), ==, 0xfee00900);	/* BSP, enabled */
	g_assert_cmphex(apic_get_base(apic[1]), ==, 0xfee00800);
	teardown();
}

static void test_apic_software_disable_keeps_lvt_entries_masked(void)
{
	setup();
	g_assert_cmphex(readl(APIC0 + LVT_TIMER), ==, 0x10000);	/* masked at reset */
	writel(APIC0 + SVR, 0x0ff);
	writel(APIC0 + LVT_TIMER, 0x30);
	g_assert_cmphex(readl(APIC0 + LVT_TIMER), ==, 0x10030);
	writel(APIC0 + SVR, 0x1ff);
	writel(APIC0 + LVT_TIMER, 0x30);
	g_assert_cmphex(readl(APIC0 + LVT_TIMER), ==, 0x30);
	teardown();
}

static void test_apic_timer_oneshot_fires_once_after_count_times_divide(void)
{
	setup();
	writel(APIC0 + TDCR, 0x3);		/* divide by 16 */
	writel(APIC0 + LVT_TIMER, 0x30);	/* one-shot, vector 0x30 */
	writel(APIC0 + TMICT, 1000);		/* 16000 ns */
	clock_step(8000);
	g_assert_cmpint(readl(APIC0 + TMCCT), ==, 500);
	clock_step(7999);
	g_assert_false(irr_test(APIC0, 0x30));
	clock_step(1);
	g_assert_true(irr_test(APIC0, 0x30));
	g_assert_cmpint(readl(APIC0 + TMCCT), ==, 0);
	g_assert_cmpint(ack(0), ==, 0x30);
	writel(APIC0 + EOI, 0);
	clock_step(NS_PER_MS);
	g_assert_false(irr_test(APIC0, 0x30));
	g_assert_cmpint(apic_timer_next_ns(apic[0]), ==, -1);
	teardown();
}

static void test_apic_timer_periodic_fires_every_count_times_divide(void)
{
	int i;

	setup();
	writel(APIC0 + TDCR, 0x0);		/* divide by 2 */
	writel(APIC0 + LVT_TIMER, 0x20031);	/* periodic, vector 0x31 */
	writel(APIC0 + TMICT, 50000);		/* period 100 us */
	clock_step(25000);
	g_assert_cmpint(readl(APIC0 + TMCCT), ==, 37500);
	clock_step(75000);
	for (i = 0; i < 1000; i++) {
		g_assert_true(irr_test(APIC0, 0x31));
		g_assert_cmpint(ack(0), ==, 0x31);
		writel(APIC0 + EOI, 0);
		clock_step(99999);
		g_assert_false(irr_test(APIC0, 0x31));
		clock_step(1);
	}
	g_assert_cmpint(ack(0), ==, 0x31);
	writel(APIC0 + EOI, 0);
	/* divide by 1: the same count is twice as fast */
	writel(APIC0 + TDCR, 0xb);
	writel(APIC0 + TMICT, 50000);
	clock_step(49999);
	g_assert_false(irr_test(APIC0, 0x31));
	clock_step(1);
	g_assert_true(irr_test(APIC0, 0x31));
	teardown();
}

static void test_apic_periodic_timer_faster_than_20us_is_rate_limited(void)
{
	int fired = 0, i;

	setup();
	writel(APIC0 + TDCR, 0xb);		/* divide by 1 */
	writel(APIC0 + LVT_TIMER, 0x20031);
	writel(APIC0 + TMICT, 10);		/* 10 ns period */
	for (i = 0; i < 100; i++) {
		clock_step(10 * NS_PER_US);
		if (irr_test(APIC0, 0x31)) {
			fired++;
			ack(0);
			writel(APIC0 + EOI, 0);
		}
	}
	/* 1 ms: one interrupt per 20 us at most */
	g_assert_cmpint(fired, >=, 45);
	g_assert_cmpint(fired, <=, 50);
	g_assert_cmpint(readl(APIC0 + TMCCT), ==, 10);	/* the count still runs exactly */
	teardown();
}

static void test_apic_masked_periodic_timer_arms_no_host_timer(void)
{
	setup();
	writel(APIC0 + LVT_TIMER, 0x30031);	/* periodic, masked */
	writel(APIC0 + TMICT, 100000);		/* 200 us at divide by 2 */
	g_assert_cmpint(apic_timer_next_ns(apic[0]), ==, -1);
	clock_step(1050 * NS_PER_US);
	g_assert_cmpint(readl(APIC0 + TMCCT), ==, 75000);	/* still counts */
	writel(APIC0 + LVT_TIMER, 0x20031);	/* unmask: next period boundary */
	g_assert_cmpint(apic_timer_next_ns(apic[0]), ==, now() + 150 * NS_PER_US);
	teardown();
}

static void test_apic_tsc_deadline_fires_at_deadline_and_clears_msr(void)
{
	uint64_t tsc = now();		/* tsc-frequency 1 GHz: TSC counts ns */

	setup();
	apic_set_tsc_deadline(apic[0], tsc + 100, tsc);	/* ignored: not in deadline mode */
	g_assert_cmpint(apic_get_tsc_deadline(apic[0]), ==, 0);
	writel(APIC0 + LVT_TIMER, 0x40032);	/* TSC-deadline, vector 0x32 */
	writel(APIC0 + TMICT, 10);		/* ignored in this mode */
	apic_set_tsc_deadline(apic[0], tsc + 5000, tsc);
	g_assert_cmpint(apic_get_tsc_deadline(apic[0]), ==, tsc + 5000);
	clock_step(4999);
	g_assert_false(irr_test(APIC0, 0x32));
	clock_step(1);
	g_assert_true(irr_test(APIC0, 0x32));
	g_assert_cmpint(apic_get_tsc_deadline(apic[0]), ==, 0);
	g_assert_cmpint(apic_timer_next_ns(apic[0]), ==, -1);
	teardown();
}

static void test_apic_tpr_blocks_vectors_of_equal_or_lower_class(void)
{
	setup();
	writel(APIC0 + TPR, 0x40);
	writel(APIC0 + ICR_LO, 0x45 | 1 << 18);	/* self IPI, vector 0x45 */
	g_assert_true(irr_test(APIC0, 0x45));
	g_assert_false(cpu[0]->pending & CPU_INTERRUPT_HARD);
	g_assert_cmphex(readl(APIC0 + PPR), ==, 0x40);
	writel(APIC0 + TPR, 0x3f);
	g_assert_true(cpu[0]->pending & CPU_INTERRUPT_HARD);
	g_assert_cmpint(ack(0), ==, 0x45);
	/* in service: PPR is the ISR class, above TPR */
	g_assert_cmphex(readl(APIC0 + PPR), ==, 0x40);
	g_assert_false(cpu[0]->pending & CPU_INTERRUPT_HARD);
	teardown();
}

static void test_apic_cr8_reads_and_writes_tpr_bits_7_4(void)
{
	setup();
	apic_set_cr8(apic[0], 5);
	g_assert_cmphex(readl(APIC0 + TPR), ==, 0x50);
	writel(APIC0 + TPR, 0x7a);
	g_assert_cmpint(apic_get_cr8(apic[0]), ==, 7);
	teardown();
}

static void test_apic_eoi_clears_highest_isr_vector_first(void)
{
	setup();
	writel(APIC0 + ICR_LO, 0x50 | 1 << 18);
	g_assert_cmpint(ack(0), ==, 0x50);
	writel(APIC0 + ICR_LO, 0x48 | 1 << 18);	/* lower class: waits */
	g_assert_false(cpu[0]->pending & CPU_INTERRUPT_HARD);
	writel(APIC0 + ICR_LO, 0x60 | 1 << 18);	/* higher class: nests */
	g_assert_cmpint(ack(0), ==, 0x60);
	g_assert_true(isr_test(APIC0, 0x50) && isr_test(APIC0, 0x60));
	writel(APIC0 + EOI, 0);
	g_assert_false(isr_test(APIC0, 0x60));
	g_assert_true(isr_test(APIC0, 0x50));
	g_assert_false(cpu[0]->pending & CPU_INTERRUPT_HARD);
	writel(APIC0 + EOI, 0);
	g_assert_cmpint(ack(0), ==, 0x48);
	teardown();
}

static void test_apic_fixed_ipi_reaches_apic_with_physical_id(void)
{
	setup();
	writel(APIC0 + ICR_HI, 1u << 24);
	writel(APIC0 + ICR_LO, 0x41);		/* fixed, physical, edge */
	g_assert_cmphex(readl(APIC0 + ICR_LO) & (1 << 12), ==, 0);	/* idle */
	g_assert_true(irr_test(APIC1, 0x41));
	g_assert_false(irr_test(APIC0, 0x41));
	g_assert_cmpint(ack(1), ==, 0x41);
	g_assert_false(cpu[0]->pending & CPU_INTERRUPT_HARD);
	teardown();
}

static void test_apic_logical_flat_destination_is_ldr_bitmap(void)
{
	setup();
	writel(APIC0 + LDR, 0x01000000);
	writel(APIC1 + LDR, 0x02000000);
	writel(APIC0 + ICR_HI, 0x02000000);
	writel(APIC0 + ICR_LO, 0x42 | 1 << 11);	/* logical */
	g_assert_false(irr_test(APIC0, 0x42));
	g_assert_true(irr_test(APIC1, 0x42));
	writel(APIC0 + ICR_HI, 0x03000000);
	writel(APIC0 + ICR_LO, 0x43 | 1 << 11);
	g_assert_true(irr_test(APIC0, 0x43));
	g_assert_true(irr_test(APIC1, 0x43));
	teardown();
}

static void test_apic_logical_cluster_destination_matches_cluster_and_member(void)
{
	setup();
	writel(APIC0 + DFR, 0x0fffffff);	/* cluster model */
	writel(APIC1 + DFR, 0x0fffffff);
	writel(APIC0 + LDR, 0x11000000);	/* cluster 1, member 1 */
	writel(APIC1 + LDR, 0x21000000);	/* cluster 2, member 1 */
	writel(APIC0 + ICR_HI, 0x21000000);
	writel(APIC0 + ICR_LO, 0x44 | 1 << 11);
	g_assert_false(irr_test(APIC0, 0x44));
	g_assert_true(irr_test(APIC1, 0x44));
	teardown();
}

static void test_apic_shorthands_self_all_and_all_but_self(void)
{
	setup();
	writel(APIC0 + ICR_LO, 0x51 | 3 << 18);	/* all excluding self */
	g_assert_false(irr_test(APIC0, 0x51));
	g_assert_true(irr_test(APIC1, 0x51));
	writel(APIC0 + ICR_LO, 0x52 | 2 << 18);	/* all including self */
	g_assert_true(irr_test(APIC0, 0x52));
	g_assert_true(irr_test(APIC1, 0x52));
	writel(APIC1 + ICR_LO, 0x53 | 1 << 18);	/* self */
	g_assert_false(irr_test(APIC0, 0x53));
	g_assert_true(irr_test(APIC1, 0x53));
	teardown();
}

static void test_apic_init_ipi_resets_target_and_sipi_carries_vector(void)
{
	setup();
	writel(APIC1 + TPR, 0x20);
	writel(APIC1 + LVT_TIMER, 0x30);
	writel(APIC0 + ICR_HI, 1u << 24);
	writel(APIC0 + ICR_LO, 0x4500);		/* INIT, level assert */
	g_assert_cmpint(cpu[1]->inits, ==, 1);
	g_assert_cmpint(cpu[0]->inits, ==, 0);
	g_assert_cmphex(readl(APIC1 + TPR), ==, 0);
	g_assert_cmphex(readl(APIC1 + LVT_TIMER), ==, 0x10000);
	g_assert_cmphex(readl(APIC1 + 0x20), ==, 0x01000000);	/* ID kept */
	writel(APIC0 + ICR_LO, 0x8500);		/* INIT level de-assert: no INIT */
	g_assert_cmpint(cpu[1]->inits, ==, 1);
	writel(APIC0 + ICR_LO, 0x4600 | 0x9a);	/* SIPI, vector 0x9a */
	g_assert_cmpint(cpu[1]->sipis, ==, 1);
	g_assert_cmpint(apic_get_sipi_vector(apic[1]), ==, 0x9a);
	teardown();
}

static void test_apic_nmi_ipi_signals_nmi(void)
{
	setup();
	writel(APIC1 + ICR_HI, 0);
	writel(APIC1 + ICR_LO, 0x400);		/* NMI to APIC 0 */
	g_assert_cmpint(cpu[0]->nmis, ==, 1);
	g_assert_false(cpu[0]->pending & CPU_INTERRUPT_HARD);
	teardown();
}

static void test_apic_lowest_priority_goes_to_lowest_tpr(void)
{
	setup();
	writel(APIC0 + TPR, 0x30);
	writel(APIC1 + TPR, 0x10);
	writel(APIC0 + LDR, 0x01000000);
	writel(APIC1 + LDR, 0x02000000);
	g_assert_cmpint(apic_bus_deliver(&bus, 0x03, true, APIC_DM_LOWEST, 0x61, false), ==, 1);
	g_assert_false(irr_test(APIC0, 0x61));
	g_assert_true(irr_test(APIC1, 0x61));
	teardown();
}

static void test_apic_msi_delivers_by_address_and_data(void)
{
	setup();
	apic_bus_send_msi(&bus, 0xfee01000, 0x0065);	/* dest 1, fixed, edge */
	g_assert_true(irr_test(APIC1, 0x65));
	apic_bus_send_msi(&bus, 0xfee00000, 0x8066);	/* level-triggered: TMR */
	g_assert_true(readl(APIC0 + TMR + 0x30) & (1u << 6));
	teardown();
}

static void test_apic_illegal_vectors_set_esr_send_and_receive_bits(void)
{
	setup();
	writel(APIC0 + ICR_LO, 0x05 | 1 << 18);
	writel(APIC0 + ESR, 0);			/* latch */
	g_assert_cmphex(readl(APIC0 + ESR), ==, 0x20);
	apic_bus_send_msi(&bus, 0xfee01000, 0x0007);
	writel(APIC1 + ESR, 0);
	g_assert_cmphex(readl(APIC1 + ESR), ==, 0x40);
	writel(APIC1 + ESR, 0);			/* cleared by the next write */
	g_assert_cmphex(readl(APIC1 + ESR), ==, 0);
	teardown();
}

static void test_apic_error_lvt_delivers_on_illegal_register(void)
{
	setup();
	writel(APIC0 + LVT_ERROR, 0xee);
	writel(APIC0 + 0x030, 1);		/* version is read-only: ignored */
	g_assert_false(irr_test(APIC0, 0xee));
	g_assert_cmphex(readl(APIC0 + 0x030), ==, 0x00050014);
	writel(APIC0 + 0x040, 1);		/* reserved address */
	g_assert_true(irr_test(APIC0, 0xee));
	writel(APIC0 + ESR, 0);
	g_assert_cmphex(readl(APIC0 + ESR), ==, 0x80);
	teardown();
}

static void test_apic_x2apic_mode_uses_msrs_and_hides_mmio(void)
{
	uint64_t v;

	setup();
	g_assert_false(apic_msr_read(apic[1], 0x802, &v));	/* not in x2APIC mode */
	g_assert_true(apic_set_base(apic[1], 0xfee00000 | 0xc00));
	g_assert_true(apic_msr_read(apic[1], 0x802, &v));
	g_assert_cmphex(v, ==, 1);				/* full 32-bit ID */
	g_assert_true(apic_msr_read(apic[1], 0x80d, &v));
	g_assert_cmphex(v, ==, 0x2);				/* cluster 0, bit 1 */
	g_assert_cmphex(readl(APIC1 + 0x30), ==, 0);		/* MMIO is off */
	g_assert_true(apic_msr_write(apic[1], 0x80f, 0x1ff));	/* SVR */
	g_assert_true(apic_msr_write(apic[1], 0x83f, 0x66));	/* SELF IPI */
	g_assert_true(apic_msr_read(apic[1], 0x820 + (0x66 >> 5), &v));
	g_assert_true(v & (1u << (0x66 & 31)));
	g_assert_false(apic_msr_read(apic[1], 0x80b, &v));	/* EOI is write-only */
	g_assert_false(apic_msr_write(apic[1], 0x80b, 1));	/* EOI must write 0 */
	g_assert_false(apic_msr_read(apic[1], 0x831, &v));	/* no ICR high */
	/* 64-bit ICR: destination in bits 63:32 */
	g_assert_true(apic_msr_write(apic[1], 0x830, 0x67));	/* to APIC 0 */
	g_assert_true(irr_test(APIC0, 0x67));
	/* x2APIC -> xAPIC directly is illegal; via disabled is fine */
	g_assert_false(apic_set_base(apic[1], 0xfee00800));
	g_assert_true(apic_set_base(apic[1], 0xfee00000));
	g_assert_true(apic_set_base(apic[1], 0xfee00800));
	teardown();
}

static void test_apic_base_msr_refuses_reserved_bits_and_relocation(void)
{
	setup();
	g_assert_false(apic_set_base(apic[0], 0xfee00901));	/* reserved bit 0 */
	g_assert_false(apic_set_base(apic[0], 0xfee00500));	/* x2APIC without EN */
	g_assert_true(apic_set_base(apic[0], 0xfed00900));	/* logged, not moved */
	g_assert_cmphex(apic_get_base(apic[0]), ==, 0xfee00900);
	teardown();
}

static void fanout_pic_intr(void *opaque, int n, int level)
{
	apic_deliver_pic_intr(opaque, level);
}

static void test_apic_extint_on_lint0_acknowledges_the_pic(void)
{
	struct pic_state *pic;

	setup();
	pic = PIC(device_new(TYPE_I8259));
	harness_realize(DEVICE(pic));
	harness_map_io(pic_io_region(pic, PIC_REGION_MASTER), 0x20);
	bus.pic = pic;
	irq_line_connect(pic_intr_line(pic), fanout_pic_intr, apic[0], 0);
	outb(0x20, 0x11); outb(0x21, 0x08); outb(0x21, 0x04); outb(0x21, 0x01);
	outb(0x21, 0x00);
	pic_set_irq(pic, 4, 1);
	g_assert_false(cpu[0]->pending & CPU_INTERRUPT_HARD);	/* LINT0 masked */
	writel(APIC0 + LVT_LINT0, 0x700);			/* ExtINT */
	g_assert_cmpint(ack(0), ==, 0x0c);
	g_assert_false(cpu[0]->pending & CPU_INTERRUPT_HARD);
	outb(0x20, 0x20);
	/* with the APIC globally disabled the PIC's INTR goes straight in */
	writel(APIC0 + LVT_LINT0, 0x10700);
	g_assert_true(apic_set_base(apic[0], 0xfee00100));
	pic_set_irq(pic, 4, 0);
	pic_set_irq(pic, 4, 1);
	g_assert_cmpint(ack(0), ==, 0x0c);
	device_unrealize(DEVICE(pic));
	object_unref(OBJECT(pic));
	teardown();
}

static void test_apic_lint1_in_nmi_mode_signals_nmi(void)
{
	setup();
	writel(APIC0 + LVT_LINT1, 0x400);
	apic_set_lint(apic[0], 1, 1);
	g_assert_cmpint(cpu[0]->nmis, ==, 1);
	apic_set_lint(apic[0], 1, 1);		/* no new edge */
	g_assert_cmpint(cpu[0]->nmis, ==, 1);
	teardown();
}

/* A hostile guest: random register, MSR and base traffic never crash. */
static void test_apic_survives_random_register_traffic(void)
{
	uint64_t v;
	int i, n;

	setup();
	for (i = 0; i < 20000; i++) {
		n = g_test_rand_int_range(0, 2);
		switch (g_test_rand_int_range(0, 8)) {
		case 0:
		case 1:
			writel((n ? APIC1 : APIC0) + 16 * g_test_rand_int_range(0, 64),
			       g_test_rand_int());
			break;
		case 2:
			readl((n ? APIC1 : APIC0) + 4 * g_test_rand_int_range(0, 1024));
			break;
		case 3:
			apic_msr_write(apic[n], 0x800 + g_test_rand_int_range(0, 256),
				       (uint64_t)g_test_rand_int() << 32 | g_test_rand_int());
			apic_msr_read(apic[n], 0x800 + g_test_rand_int_range(0, 256), &v);
			break;
		case 4:
			apic_set_base(apic[n], 0xfee00000 | (g_test_rand_int() & 0xd00));
			break;
		case 5:
			apic_cpu_get_interrupt(apic[n], &cpu[n]->cpu);
			break;
		case 6:
			apic_set_tsc_deadline(apic[n], now() + g_test_rand_int_range(0, 100000), now());
			apic_set_lint(apic[n], g_test_rand_int_range(0, 2), g_test_rand_int_range(0, 2));
			break;
		case 7:
			clock_step(g_test_rand_int_range(0, 100000));
			break;
		}
	}
	teardown();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	harness_init();
	g_test_add_func("/apic/version-and-id-registers", test_apic_version_and_id_registers);
	g_test_add_func("/apic/software-disable-keeps-lvt-entries-masked",
			test_apic_software_disable_keeps_lvt_entries_masked);
	g_test_add_func("/apic/timer-oneshot-fires-once-after-count-times-divide",
			test_apic_timer_oneshot_fires_once_after_count_times_divide);
	g_test_add_func("/apic/timer-periodic-fires-every-count-times-divide",
			test_apic_timer_periodic_fires_every_count_times_divide);
	g_test_add_func("/apic/periodic-timer-faster-than-20us-is-rate-limited",
			test_apic_periodic_timer_faster_than_20us_is_rate_limited);
	g_test_add_func("/apic/masked-periodic-timer-arms-no-host-timer",
			test_apic_masked_periodic_timer_arms_no_host_timer);
	g_test_add_func("/apic/tsc-deadline-fires-at-deadline-and-clears-msr",
			test_apic_tsc_deadline_fires_at_deadline_and_clears_msr);
	g_test_add_func("/apic/tpr-blocks-vectors-of-equal-or-lower-class",
			test_apic_tpr_blocks_vectors_of_equal_or_lower_class);
	g_test_add_func("/apic/cr8-reads-and-writes-tpr-bits-7-4",
			test_apic_cr8_reads_and_writes_tpr_bits_7_4);
	g_test_add_func("/apic/eoi-clears-highest-isr-vector-first",
			test_apic_eoi_clears_highest_isr_vector_first);
	g_test_add_func("/apic/fixed-ipi-reaches-apic-with-physical-id",
			test_apic_fixed_ipi_reaches_apic_with_physical_id);
	g_test_add_func("/apic/logical-flat-destination-is-ldr-bitmap",
			test_apic_logical_flat_destination_is_ldr_bitmap);
	g_test_add_func("/apic/logical-cluster-destination-matches-cluster-and-member",
			test_apic_logical_cluster_destination_matches_cluster_and_member);
	g_test_add_func("/apic/shorthands-self-all-and-all-but-self",
			test_apic_shorthands_self_all_and_all_but_self);
	g_test_add_func("/apic/init-ipi-resets-target-and-sipi-carries-vector",
			test_apic_init_ipi_resets_target_and_sipi_carries_vector);
	g_test_add_func("/apic/nmi-ipi-signals-nmi", test_apic_nmi_ipi_signals_nmi);
	g_test_add_func("/apic/lowest-priority-goes-to-lowest-tpr",
			test_apic_lowest_priority_goes_to_lowest_tpr);
	g_test_add_func("/apic/msi-delivers-by-address-and-data",
			test_apic_msi_delivers_by_address_and_data);
	g_test_add_func("/apic/illegal-vectors-set-esr-send-and-receive-bits",
			test_apic_illegal_vectors_set_esr_send_and_receive_bits);
	g_test_add_func("/apic/error-lvt-delivers-on-illegal-register",
			test_apic_error_lvt_delivers_on_illegal_register);
	g_test_add_func("/apic/x2apic-mode-uses-msrs-and-hides-mmio",
			test_apic_x2apic_mode_uses_msrs_and_hides_mmio);
	g_test_add_func("/apic/base-msr-refuses-reserved-bits-and-relocation",
			test_apic_base_msr_refuses_reserved_bits_and_relocation);
	g_test_add_func("/apic/extint-on-lint0-acknowledges-the-pic",
			test_apic_extint_on_lint0_acknowledges_the_pic);
	g_test_add_func("/apic/lint1-in-nmi-mode-signals-nmi",
			test_apic_lint1_in_nmi_mode_signals_nmi);
	g_test_add_func("/apic/state-survives-save-and-restore",
			test_apic_state_survives_save_and_restore);
	g_test_add_func("/apic/survives-random-register-traffic",
			test_apic_survives_random_register_traffic);
	return g_test_run();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 8259A PIC pair: initialisation, priorities, EOI kinds, masks, edge and
 * level (ELCR) triggering, spurious IRQs, cascade and poll mode, driven
 * through the ports as a guest would (Intel 8259A data sheet).
 */
#include "harness.h"
#include "hw/intc/i8259.h"

static struct pic_state *pic;
static struct irq_probe intr;

/* The PC/AT programming: master at vector 0x08, slave at 0x70, 8086 mode. */
static void pic_program(uint8_t icw4)
{
	outb(0x20, 0x11);		/* ICW1: edge, cascade, ICW4 follows */
	outb(0x21, 0x08);		/* ICW2 */
	outb(0x21, 0x04);		/* ICW3: slave on IR2 */
	outb(0x21, icw4);		/* ICW4 */
	outb(0xa0, 0x11);
	outb(0xa1, 0x70);
	outb(0xa1, 0x02);		/* slave ID 2 */
	outb(0xa1, icw4);
	outb(0x21, 0x00);		/* OCW1: nothing masked */
	outb(0xa1, 0x00);
}

static void setup(void)
{
	pic = PIC(device_new(TYPE_I8259));
	harness_realize(DEVICE(pic));
	harness_map_io(pic_io_region(pic, PIC_REGION_MASTER), 0x20);
	harness_map_io(pic_io_region(pic, PIC_REGION_SLAVE), 0xa0);
	harness_map_io(pic_io_region(pic, PIC_REGION_ELCR), 0x4d0);
	harness_irq_probe(pic_intr_line(pic), &intr);
	pic_program(0x01);
}

static void teardown(void)
{
	device_unrealize(DEVICE(pic));
	object_unref(OBJECT(pic));
	pic = NULL;
}

static uint8_t read_isr(uint16_t port)
{
	uint8_t v;

	outb(port, 0x0b);		/* OCW3: read ISR */
	v = inb(port);
	outb(port, 0x0a);		/* back to IRR */
	return v;
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

static void test_pic_state_survives_save_and_restore(void)
{
	setup();
	outb(0x21, 0x5a);
	outb(0x4d1, 0x08);
	save_reset_restore(DEVICE(pic));
	g_assert_cmphex(inb(0x21), ==, 0x5a);
	g_assert_cmphex(inb(0x4d1), ==, 0x08);
	{
		g_autoptr(GString) info = g_string_new(NULL);

		pic_print_info(pic, info);
		g_assert_nonnull(strstr(info->str, "pic master: irr=00 imr=5a"));
	}
	pic_set_irq(pic, 11, 1);
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x73);
	teardown();
}

static void test_pic_icw_sequence_sets_vector_bases(void)
{
	setup();
	g_assert_cmpint(intr.level, ==, 0);
	pic_set_irq(pic, 1, 1);
	g_assert_cmpint(intr.level, ==, 1);
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x09);
	g_assert_cmpint(intr.level, ==, 0);
	pic_set_irq(pic, 1, 0);
	outb(0x20, 0x20);
	pic_set_irq(pic, 10, 1);
	g_assert_cmpint(intr.level, ==, 1);
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x72);
	teardown();
}

static void test_pic_icw1_clears_imr_and_isr(void)
{
	setup();
	outb(0x21, 0xff);
	pic_set_irq(pic, 4, 1);
	g_assert_cmpint(intr.level, ==, 0);
	pic_set_irq(pic, 4, 0);
	pic_program(0x01);
	g_assert_cmpint(inb(0x21), ==, 0x00);
	g_assert_cmpint(read_isr(0x20), ==, 0);
	teardown();
}

static void test_pic_lower_irq_number_has_higher_priority(void)
{
	setup();
	pic_set_irq(pic, 3, 1);
	pic_set_irq(pic, 1, 1);
	g_assert_cmpint(inb(0x20), ==, 0x0a);		/* IRR bits 1 and 3 */
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x09);
	/* IRQ 1 in service blocks IRQ 3 until its EOI */
	g_assert_cmpint(intr.level, ==, 0);
	outb(0x20, 0x20);
	g_assert_cmpint(intr.level, ==, 1);
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x0b);
	teardown();
}

static void test_pic_higher_priority_irq_nests_over_in_service(void)
{
	setup();
	pic_set_irq(pic, 5, 1);
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x0d);
	pic_set_irq(pic, 1, 1);
	g_assert_cmpint(intr.level, ==, 1);
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x09);
	g_assert_cmpint(read_isr(0x20), ==, 0x22);
	teardown();
}

static void test_pic_nonspecific_eoi_clears_highest_priority_isr_bit(void)
{
	setup();
	pic_set_irq(pic, 5, 1);
	pic_get_interrupt(pic);
	pic_set_irq(pic, 1, 1);
	pic_get_interrupt(pic);
	g_assert_cmpint(read_isr(0x20), ==, 0x22);
	outb(0x20, 0x20);		/* OCW2 non-specific EOI */
	g_assert_cmpint(read_isr(0x20), ==, 0x20);
	outb(0x20, 0x20);
	g_assert_cmpint(read_isr(0x20), ==, 0x00);
	teardown();
}

static void test_pic_specific_eoi_clears_named_isr_bit(void)
{
	setup();
	pic_set_irq(pic, 5, 1);
	pic_get_interrupt(pic);
	pic_set_irq(pic, 1, 1);
	pic_get_interrupt(pic);
	outb(0x20, 0x65);		/* specific EOI, level 5 */
	g_assert_cmpint(read_isr(0x20), ==, 0x02);
	teardown();
}

static void test_pic_auto_eoi_leaves_isr_clear(void)
{
	setup();
	pic_program(0x03);		/* ICW4: 8086, AEOI */
	pic_set_irq(pic, 6, 1);
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x0e);
	g_assert_cmpint(read_isr(0x20), ==, 0);
	pic_set_irq(pic, 6, 0);
	pic_set_irq(pic, 7, 1);		/* nothing in service blocks IRQ 7 */
	g_assert_cmpint(intr.level, ==, 1);
	teardown();
}

static void test_pic_rotate_on_nonspecific_eoi_makes_serviced_irq_lowest(void)
{
	setup();
	pic_set_irq(pic, 1, 1);
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x09);
	outb(0x20, 0xa0);		/* rotate on non-specific EOI */
	pic_set_irq(pic, 1, 0);
	pic_set_irq(pic, 1, 1);
	pic_set_irq(pic, 4, 1);
	/* IRQ 1 is now lowest: 2 is highest, so 4 wins over 1 */
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x0c);
	teardown();
}

static void test_pic_set_priority_command_rotates_lowest_level(void)
{
	setup();
	outb(0x20, 0xc4);		/* set priority: IRQ 4 lowest, 5 highest */
	pic_set_irq(pic, 3, 1);
	pic_set_irq(pic, 6, 1);
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x0e);
	teardown();
}

static void test_pic_imr_masks_request_but_irr_records_it(void)
{
	setup();
	outb(0x21, 0x10);
	g_assert_cmpint(inb(0x21), ==, 0x10);
	pic_set_irq(pic, 4, 1);
	g_assert_cmpint(intr.level, ==, 0);
	g_assert_cmpint(inb(0x20) & 0x10, ==, 0x10);
	outb(0x21, 0x00);
	g_assert_cmpint(intr.level, ==, 1);
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x0c);
	teardown();
}

static void test_pic_edge_triggered_input_needs_new_rising_edge(void)
{
	setup();
	pic_set_irq(pic, 3, 1);
	pic_get_interrupt(pic);
	outb(0x20, 0x20);
	/* still high, but no new edge: no new request */
	g_assert_cmpint(intr.level, ==, 0);
	g_assert_cmpint(inb(0x20) & 0x08, ==, 0);
	pic_set_irq(pic, 3, 0);
	pic_set_irq(pic, 3, 1);
	g_assert_cmpint(intr.level, ==, 1);
	teardown();
}

static void test_pic_level_triggered_input_requests_again_while_high(void)
{
	setup();
	outb(0x4d1, 0x08);		/* ELCR: IRQ 11 level */
	pic_set_irq(pic, 11, 1);
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x73);
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
	g_assert_cmpint(intr.level, ==, 1);	/* still asserted */
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x73);
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
	pic_set_irq(pic, 11, 0);
	g_assert_cmpint(intr.level, ==, 0);
	teardown();
}

static void test_pic_elcr_irq0_1_2_8_13_are_always_edge(void)
{
	setup();
	outb(0x4d0, 0xff);
	outb(0x4d1, 0xff);
	g_assert_cmpint(inb(0x4d0), ==, 0xf8);
	g_assert_cmpint(inb(0x4d1), ==, 0xde);
	teardown();
}

static void test_pic_request_gone_before_inta_gives_spurious_irq7(void)
{
	setup();
	pic_set_irq(pic, 3, 1);
	pic_set_irq(pic, 3, 0);
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x0f);
	g_assert_cmpint(read_isr(0x20), ==, 0);	/* spurious sets no ISR bit */
	teardown();
}

static void test_pic_slave_request_gone_before_inta_gives_spurious_irq7(void)
{
	setup();
	/* The slave's request is withdrawn between the two INTA cycles. */
	outb(0xa1, 0x20);		/* mask IRQ 13 on the slave */
	pic_set_irq(pic, 13, 1);
	g_assert_cmpint(intr.level, ==, 0);
	outb(0xa1, 0x00);
	g_assert_cmpint(intr.level, ==, 1);
	pic_set_irq(pic, 13, 0);
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x0f);
	teardown();
}

static void test_pic_slave_cascades_through_master_irq2(void)
{
	setup();
	pic_set_irq(pic, 12, 1);
	g_assert_cmpint(intr.level, ==, 1);
	g_assert_cmpint(inb(0x20) & 0x04, ==, 0x04);	/* master IRR2 */
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x74);
	g_assert_cmpint(read_isr(0x20), ==, 0x04);
	g_assert_cmpint(read_isr(0xa0), ==, 0x10);
	/* masking IR2 on the master hides the whole slave */
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
	outb(0x21, 0x04);
	pic_set_irq(pic, 12, 0);
	pic_set_irq(pic, 9, 1);
	g_assert_cmpint(intr.level, ==, 0);
	outb(0x21, 0x00);
	g_assert_cmpint(intr.level, ==, 1);
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x71);
	teardown();
}

static void test_pic_slave_irq_waits_for_master_eoi_of_irq2(void)
{
	setup();
	pic_set_irq(pic, 12, 1);
	pic_get_interrupt(pic);
	outb(0xa0, 0x20);		/* slave EOI only */
	pic_set_irq(pic, 9, 1);
	g_assert_cmpint(intr.level, ==, 0);	/* master IR2 still in service */
	outb(0x20, 0x20);
	g_assert_cmpint(intr.level, ==, 1);
	teardown();
}

static void test_pic_poll_command_returns_and_acknowledges_highest_request(void)
{
	setup();
	outb(0x21, 0xff);		/* polling works with INTR masked off */
	outb(0x21, 0x00);
	pic_set_irq(pic, 6, 1);
	pic_set_irq(pic, 4, 1);
	outb(0x20, 0x0c);		/* OCW3: poll */
	g_assert_cmpint(inb(0x20), ==, 0x84);
	g_assert_cmpint(read_isr(0x20), ==, 0x10);
	outb(0x20, 0x20);
	outb(0x20, 0x0c);
	g_assert_cmpint(inb(0x20), ==, 0x86);
	outb(0x20, 0x20);
	outb(0x20, 0x0c);
	g_assert_cmpint(inb(0x20), ==, 0x00);	/* nothing pending */
	teardown();
}

static void test_pic_special_mask_mode_lets_lower_priority_through(void)
{
	setup();
	pic_set_irq(pic, 3, 1);
	pic_get_interrupt(pic);
	pic_set_irq(pic, 5, 1);
	g_assert_cmpint(intr.level, ==, 0);	/* blocked by IRQ 3 in service */
	outb(0x21, 0x08);		/* mask IRQ 3 ... */
	outb(0x20, 0x68);		/* ... and enter special mask mode */
	g_assert_cmpint(intr.level, ==, 1);
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x0d);
	outb(0x20, 0x48);		/* leave special mask mode */
	teardown();
}

static void test_pic_special_fully_nested_lets_slave_nest(void)
{
	setup();
	pic_program(0x11);		/* ICW4: SFNM, 8086 */
	pic_set_irq(pic, 12, 1);
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x74);
	pic_set_irq(pic, 9, 1);		/* higher priority on the slave */
	g_assert_cmpint(intr.level, ==, 1);
	g_assert_cmpint(pic_get_interrupt(pic), ==, 0x71);
	teardown();
}

/* A hostile guest: random port traffic never crashes or yields a bad vector. */
static void test_pic_survives_random_port_traffic(void)
{
	static const uint16_t ports[] = { 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1 };
	int i, v;

	setup();
	for (i = 0; i < 20000; i++) {
		uint16_t port = ports[g_test_rand_int_range(0, G_N_ELEMENTS(ports))];

		switch (g_test_rand_int_range(0, 4)) {
		case 0:
			outb(port, g_test_rand_int());
			break;
		case 1:
			inb(port);
			break;
		case 2:
			v = g_test_rand_int_range(0, 16);
			if (v != 2)
				pic_set_irq(pic, v, g_test_rand_int_range(0, 2));
			break;
		case 3:
			v = pic_get_interrupt(pic);
			g_assert_cmpint(v, >=, 0);
			g_assert_cmpint(v, <=, 0xff);
			break;
		}
	}
	teardown();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	harness_init();
	g_test_add_func("/i8259/icw-sequence-sets-vector-bases", test_pic_icw_sequence_sets_vector_bases);
	g_test_add_func("/i8259/icw1-clears-imr-and-isr", test_pic_icw1_clears_imr_and_isr);
	g_test_add_func("/i8259/lower-irq-number-has-higher-priority",
			test_pic_lower_irq_number_has_higher_priority);
	g_test_add_func("/i8259/higher-priority-irq-nests-over-in-service",
			test_pic_higher_priority_irq_nests_over_in_service);
	g_test_add_func("/i8259/nonspecific-eoi-clears-highest-priority-isr-bit",
			test_pic_nonspecific_eoi_clears_highest_priority_isr_bit);
	g_test_add_func("/i8259/specific-eoi-clears-named-isr-bit",
			test_pic_specific_eoi_clears_named_isr_bit);
	g_test_add_func("/i8259/auto-eoi-leaves-isr-clear", test_pic_auto_eoi_leaves_isr_clear);
	g_test_add_func("/i8259/rotate-on-nonspecific-eoi-makes-serviced-irq-lowest",
			test_pic_rotate_on_nonspecific_eoi_makes_serviced_irq_lowest);
	g_test_add_func("/i8259/set-priority-command-rotates-lowest-level",
			test_pic_set_priority_command_rotates_lowest_level);
	g_test_add_func("/i8259/imr-masks-request-but-irr-records-it",
			test_pic_imr_masks_request_but_irr_records_it);
	g_test_add_func("/i8259/edge-triggered-input-needs-new-rising-edge",
			test_pic_edge_triggered_input_needs_new_rising_edge);
	g_test_add_func("/i8259/level-triggered-input-requests-again-while-high",
			test_pic_level_triggered_input_requests_again_while_high);
	g_test_add_func("/i8259/elcr-irq0-1-2-8-13-are-always-edge",
			test_pic_elcr_irq0_1_2_8_13_are_always_edge);
	g_test_add_func("/i8259/request-gone-before-inta-gives-spurious-irq7",
			test_pic_request_gone_before_inta_gives_spurious_irq7);
	g_test_add_func("/i8259/slave-request-gone-before-inta-gives-spurious-irq7",
			test_pic_slave_request_gone_before_inta_gives_spurious_irq7);
	g_test_add_func("/i8259/slave-cascades-through-master-irq2",
			test_pic_slave_cascades_through_master_irq2);
	g_test_add_func("/i8259/slave-irq-waits-for-master-eoi-of-irq2",
			test_pic_slave_irq_waits_for_master_eoi_of_irq2);
	g_test_add_func("/i8259/poll-command-returns-and-acknowledges-highest-request",
			test_pic_poll_command_returns_and_acknowledges_highest_request);
	g_test_add_func("/i8259/special-mask-mode-lets-lower-priority-through",
			test_pic_special_mask_mode_lets_lower_priority_through);
	g_test_add_func("/i8259/special-fully-nested-lets-slave-nest",
			test_pic_special_fully_nested_lets_slave_nest);
	g_test_add_func("/i8259/state-survives-save-and-restore",
			test_pic_state_survives_save_and_restore);
	g_test_add_func("/i8259/survives-random-port-traffic", test_pic_survives_random_port_traffic);
	return g_test_run();
}

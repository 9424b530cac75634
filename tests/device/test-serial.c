// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 16550A UART (isa-serial) on the harness, COM1 at 0x3f8 / IRQ 4, with a
 * test chardev that records output and injects input. Bit names and
 * behaviour from the PC16550D data sheet.
 */
#include "harness.h"
#include "chardev/char.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define COM1 0x3f8
#define RBR (COM1 + 0)
#define THR (COM1 + 0)
#define IER (COM1 + 1)
#define IIR (COM1 + 2)
#define FCR (COM1 + 2)
#define LCR (COM1 + 3)
#define MCR (COM1 + 4)
#define LSR (COM1 + 5)
#define MSR (COM1 + 6)
#define SCR (COM1 + 7)

/* ---- a chardev backend that records what the UART sends ---- */

static GByteArray *tx;

static bool testbuf_open(struct chardev *chr, struct chardev_opts *opts, GError **errp)
{
	chr->be_open = true;
	return true;
}

static int testbuf_write(struct chardev *chr, const uint8_t *buf, int len)
{
	g_byte_array_append(tx, buf, len);
	return len;
}

static void testbuf_class_init(struct object_class *oc, const void *data)
{
	struct chardev_class *cc = (struct chardev_class *)oc;

	cc->open = testbuf_open;
	cc->write = testbuf_write;
}

static const struct type_info testbuf_type = {
	.name = "chardev-testbuf",
	.parent = TYPE_CHARDEV,
	.instance_size = sizeof(struct chardev),
	.class_size = sizeof(struct chardev_class),
	.class_init = testbuf_class_init,
};

static struct chardev *chr;
static struct device *dev;

static void setup(void)
{
	GError *err = NULL;

	harness_init();
	tx = g_byte_array_new();
	chr = chardev_new_from_opts("testbuf,id=t0", &err);
	g_assert_no_error(err);
	dev = harness_device_new("isa-serial,index=0,chardev=t0");
	harness_realize(dev);
}

static void teardown(void)
{
	device_unrealize(dev);
	object_unref(OBJECT(dev));
	chardev_remove_all();
	g_byte_array_free(tx, TRUE);
}

static void rx(const char *s)
{
	chardev_be_receive(chr, (const uint8_t *)s, strlen(s));
}

static int irq4(void)
{
	return harness_isa_irq(4)->level;
}

/* 8N1 at divisor 1 (115200 baud): 10 bits of 16 clocks at 1.8432 MHz. */
#define CHAR_NS (10LL * 16 * NS_PER_SEC / 1843200)

/* ---- tests ---- */

static void test_serial_thr_write_reaches_chardev_and_thre_temt_stay_set(void)
{
	setup();
	outb(THR, 'h');
	outb(THR, 'i');
	g_assert_cmpint(tx->len, ==, 2);
	g_assert_cmpmem(tx->data, 2, "hi", 2);
	g_assert_cmphex(inb(LSR) & 0x60, ==, 0x60);
	teardown();
}

static void test_serial_reset_values(void)
{
	setup();
	g_assert_cmphex(inb(IER), ==, 0);
	g_assert_cmphex(inb(IIR), ==, 0x01);
	g_assert_cmphex(inb(LCR), ==, 0);
	g_assert_cmphex(inb(LSR), ==, 0x60);
	g_assert_cmphex(inb(MSR) & 0xf0, ==, 0xb0);	/* DCD, DSR, CTS */
	g_assert_cmpint(irq4(), ==, 0);
	teardown();
}

static void test_serial_dlab_selects_divisor_latch(void)
{
	setup();
	outb(LCR, 0x83);
	outb(COM1 + 0, 0x34);
	outb(COM1 + 1, 0x12);
	g_assert_cmphex(inb(COM1 + 0), ==, 0x34);
	g_assert_cmphex(inb(COM1 + 1), ==, 0x12);
	g_assert_cmpint(tx->len, ==, 0);	/* DLL write is not a THR write */
	outb(LCR, 0x03);
	g_assert_cmphex(inb(IER), ==, 0);	/* IER untouched by the DLM write */
	outb(THR, 'x');
	g_assert_cmpint(tx->len, ==, 1);
	teardown();
}

static void test_serial_rx_byte_sets_dr_and_raises_rda_interrupt(void)
{
	setup();
	outb(IER, 0x01);
	g_assert_cmpint(irq4(), ==, 0);
	rx("k");
	g_assert_cmphex(inb(LSR) & 0x01, ==, 0x01);
	g_assert_cmphex(inb(IIR), ==, 0x04);
	g_assert_cmpint(irq4(), ==, 1);
	g_assert_cmphex(inb(RBR), ==, 'k');
	g_assert_cmphex(inb(LSR) & 0x01, ==, 0);
	g_assert_cmphex(inb(IIR), ==, 0x01);
	g_assert_cmpint(irq4(), ==, 0);
	teardown();
}

static void test_serial_thre_interrupt_on_enable_cleared_by_iir_read_rearmed_by_thr(void)
{
	setup();
	outb(IER, 0x02);
	g_assert_cmpint(irq4(), ==, 1);
	g_assert_cmphex(inb(IIR), ==, 0x02);	/* this read clears it */
	g_assert_cmpint(irq4(), ==, 0);
	g_assert_cmphex(inb(IIR), ==, 0x01);
	outb(THR, 'a');
	g_assert_cmpint(irq4(), ==, 1);
	g_assert_cmpint(harness_isa_irq(4)->raises, ==, 2);
	outb(IER, 0);
	g_assert_cmpint(irq4(), ==, 0);
	teardown();
}

static void test_serial_rda_has_priority_over_thre(void)
{
	setup();
	outb(IER, 0x03);
	rx("z");
	g_assert_cmphex(inb(IIR), ==, 0x04);
	inb(RBR);
	g_assert_cmphex(inb(IIR), ==, 0x02);
	teardown();
}

static void test_serial_fifo_enable_shows_in_iir_and_trigger_level_4(void)
{
	setup();
	outb(FCR, 0x41);	/* enable, trigger 4 */
	outb(IER, 0x01);
	g_assert_cmphex(inb(IIR), ==, 0xc1);
	rx("abc");
	g_assert_cmphex(inb(IIR), ==, 0xc1);	/* below the trigger level */
	g_assert_cmpint(irq4(), ==, 0);
	rx("d");
	g_assert_cmphex(inb(IIR), ==, 0xc4);
	g_assert_cmpint(irq4(), ==, 1);
	g_assert_cmphex(inb(RBR), ==, 'a');
	g_assert_cmphex(inb(IIR), ==, 0xc1);	/* 3 left: below trigger again */
	g_assert_cmphex(inb(RBR), ==, 'b');
	g_assert_cmphex(inb(RBR), ==, 'c');
	g_assert_cmphex(inb(RBR), ==, 'd');
	g_assert_cmphex(inb(LSR) & 1, ==, 0);
	teardown();
}

static void test_serial_trigger_levels_1_8_14(void)
{
	static const struct { uint8_t fcr; int level; } cases[] = {
		{ 0x01, 1 }, { 0x81, 8 }, { 0xc1, 14 },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		setup();
		outb(FCR, cases[i].fcr);
		outb(IER, 0x01);
		for (int n = 1; n <= cases[i].level; n++) {
			g_assert_cmpint(irq4(), ==, 0);
			rx("x");
		}
		g_assert_cmpint(irq4(), ==, 1);
		teardown();
	}
}

static void test_serial_fifo_overrun_keeps_16_bytes_and_sets_oe(void)
{
	setup();
	outb(FCR, 0x01);
	outb(IER, 0x04);	/* line status interrupt */
	rx("0123456789abcdefX");
	g_assert_cmphex(inb(IIR), ==, 0xc6);
	g_assert_cmphex(inb(LSR) & 0x02, ==, 0x02);
	g_assert_cmphex(inb(LSR) & 0x02, ==, 0);	/* cleared by the read */
	for (int i = 0; i < 16; i++)
		g_assert_cmphex(inb(RBR), ==, "0123456789abcdef"[i]);
	g_assert_cmphex(inb(LSR) & 1, ==, 0);
	teardown();
}

static void test_serial_fcr_clears_receive_fifo(void)
{
	setup();
	outb(FCR, 0x01);
	rx("abc");
	g_assert_cmphex(inb(LSR) & 1, ==, 1);
	outb(FCR, 0x03);
	g_assert_cmphex(inb(LSR) & 1, ==, 0);
	teardown();
}

static void test_serial_rx_timeout_after_four_character_times(void)
{
	setup();
	outb(LCR, 0x80);
	outb(COM1 + 0, 1);	/* 115200 baud */
	outb(COM1 + 1, 0);
	outb(LCR, 0x03);	/* 8N1 */
	outb(FCR, 0x81);	/* trigger 8 */
	outb(IER, 0x01);
	rx("ab");
	clock_step(4 * CHAR_NS - 1000);
	g_assert_cmpint(irq4(), ==, 0);
	clock_step(2000);
	g_assert_cmphex(inb(IIR), ==, 0xcc);
	g_assert_cmpint(irq4(), ==, 1);
	g_assert_cmphex(inb(RBR), ==, 'a');	/* a read clears the timeout... */
	g_assert_cmpint(irq4(), ==, 0);
	clock_step(4 * CHAR_NS + 1000);		/* ...and re-arms it for what is left */
	g_assert_cmphex(inb(IIR), ==, 0xcc);
	g_assert_cmphex(inb(RBR), ==, 'b');
	clock_step(10 * CHAR_NS);
	g_assert_cmphex(inb(IIR), ==, 0xc1);	/* empty FIFO: no timeout */
	teardown();
}

static void test_serial_loopback_returns_thr_to_rbr_not_chardev(void)
{
	setup();
	outb(MCR, 0x10);
	outb(THR, 'q');
	g_assert_cmpint(tx->len, ==, 0);
	g_assert_cmphex(inb(LSR) & 0x61, ==, 0x61);
	g_assert_cmphex(inb(RBR), ==, 'q');
	/* external input is ignored in loopback */
	g_assert_cmpint(chardev_be_can_receive(chr), ==, 0);
	teardown();
}

static void test_serial_loopback_wires_mcr_to_msr(void)
{
	setup();
	inb(MSR);
	outb(MCR, 0x10 | 0x0a);		/* loop, RTS, OUT2: what Linux probes with */
	g_assert_cmphex(inb(MSR) & 0xf0, ==, 0x90);	/* CTS, DCD */
	outb(MCR, 0x10 | 0x05);		/* DTR, OUT1 */
	g_assert_cmphex(inb(MSR), ==, 0x60 | 0x0b);	/* DSR, RI; DCTS, DDSR, DDCD */
	outb(MCR, 0x10);
	g_assert_cmphex(inb(MSR) & 0x04, ==, 0x04);	/* RI fell: TERI */
	teardown();
}

static void test_serial_modem_status_interrupt_cleared_by_msr_read(void)
{
	setup();
	inb(MSR);
	outb(IER, 0x08);
	outb(MCR, 0x10 | 0x02);
	g_assert_cmphex(inb(IIR), ==, 0x00);
	g_assert_cmpint(irq4(), ==, 1);
	inb(MSR);
	g_assert_cmphex(inb(IIR), ==, 0x01);
	g_assert_cmpint(irq4(), ==, 0);
	teardown();
}

static void test_serial_break_sets_bi_and_line_status_interrupt(void)
{
	setup();
	outb(IER, 0x04);
	chardev_be_event(chr, CHARDEV_EVENT_BREAK);
	g_assert_cmphex(inb(IIR), ==, 0x06);
	g_assert_cmphex(inb(LSR) & 0x11, ==, 0x11);	/* BI with a 0 byte */
	g_assert_cmphex(inb(IIR), ==, 0x01);
	g_assert_cmphex(inb(RBR), ==, 0);
	teardown();
}

static void test_serial_loopback_break_is_received(void)
{
	setup();
	outb(MCR, 0x10);
	outb(LCR, 0x43);
	g_assert_cmphex(inb(LSR) & 0x10, ==, 0x10);
	teardown();
}

static void test_serial_can_receive_follows_free_space(void)
{
	setup();
	g_assert_cmpint(chardev_be_can_receive(chr), ==, 1);	/* 16450 mode: one byte */
	rx("a");
	g_assert_cmpint(chardev_be_can_receive(chr), ==, 0);
	inb(RBR);
	g_assert_cmpint(chardev_be_can_receive(chr), ==, 1);
	outb(FCR, 0x01);
	g_assert_cmpint(chardev_be_can_receive(chr), ==, 16);
	rx("abcde");
	g_assert_cmpint(chardev_be_can_receive(chr), ==, 11);
	teardown();
}

static void test_serial_scratch_register_holds_a_byte(void)
{
	setup();
	outb(SCR, 0x5a);
	g_assert_cmphex(inb(SCR), ==, 0x5a);
	teardown();
}

static void test_serial_state_survives_save_and_load(void)
{
	const struct vmstate_description *vmsd;
	GByteArray *saved;
	GError *err = NULL;

	setup();
	outb(FCR, 0x81);
	outb(IER, 0x05);
	outb(SCR, 0x77);
	rx("xy");
	vmsd = &DEVICE_GET_CLASS(dev)->vmsd;
	saved = vmstate_save(vmsd, dev);
	inb(RBR);
	outb(SCR, 0);
	g_assert_true(vmstate_load(vmsd, dev, saved->data, saved->len, &err));
	g_assert_no_error(err);
	g_assert_cmphex(inb(SCR), ==, 0x77);
	g_assert_cmphex(inb(RBR), ==, 'x');
	g_assert_cmphex(inb(RBR), ==, 'y');
	g_byte_array_free(saved, TRUE);
	teardown();
}

static void test_serial_default_ports_follow_index(void)
{
	GError *err = NULL;
	struct device *d;

	harness_init();
	tx = g_byte_array_new();
	chr = chardev_new_from_opts("testbuf,id=t1", &err);
	g_assert_no_error(err);
	d = harness_device_new("isa-serial,index=1,chardev=t1");
	harness_realize(d);
	g_assert_cmpint(object_property_get_int(OBJECT(d), "iobase", NULL), ==, 0x2f8);
	g_assert_cmpint(object_property_get_int(OBJECT(d), "irq", NULL), ==, 3);
	outb(0x2f8 + 1, 0x02);
	g_assert_cmpint(harness_isa_irq(3)->level, ==, 1);
	outb(0x2f8, '!');
	g_assert_cmpint(tx->len, ==, 1);
	device_unrealize(d);
	object_unref(OBJECT(d));
	chardev_remove_all();
	g_byte_array_free(tx, TRUE);
}

static void test_serial_second_frontend_on_one_chardev_is_refused(void)
{
	GError *err = NULL;
	struct device *d2;

	setup();
	d2 = harness_device_new("isa-serial,index=1,chardev=t0");
	g_assert_false(device_realize(d2, &err));
	g_assert_nonnull(strstr(err->message, "in use"));
	g_error_free(err);
	object_unref(OBJECT(d2));
	teardown();
}

static GString *drain_rx(void)
{
	GString *got = g_string_new(NULL);

	while (inb(LSR) & 0x01)
		g_string_append_c(got, inb(RBR));
	return got;
}

static void spin(void)
{
	for (int i = 0; i < 100; i++)
		g_main_context_iteration(NULL, FALSE);
}

static void test_serial_socket_input_is_paced_by_the_fifo(void)
{
	g_autofree char *dir = g_dir_make_tmp("kemu-serial-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "s", NULL);
	g_autofree char *opts = g_strdup_printf("socket,id=sock,path=%s,server=on,wait=off", path);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct pollfd pfd;
	GError *err = NULL;
	GString *got;
	char c = 0;
	int fd;

	harness_init();
	g_assert_nonnull(chardev_new_from_opts(opts, &err));
	g_assert_no_error(err);
	dev = harness_device_new("isa-serial,index=0,chardev=sock");
	harness_realize(dev);
	outb(FCR, 0x01);

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
	g_assert_cmpint(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
	g_assert_cmpint(write(fd, "0123456789abcdefghij", 20), ==, 20);
	spin();
	got = drain_rx();
	g_assert_cmpstr(got->str, ==, "0123456789abcdef");	/* a full FIFO, nothing lost */
	g_string_free(got, TRUE);
	spin();
	got = drain_rx();
	g_assert_cmpstr(got->str, ==, "ghij");			/* the rest after the reads */
	g_string_free(got, TRUE);
	g_assert_cmphex(inb(LSR) & 0x02, ==, 0);		/* no overrun */

	outb(THR, 'Z');
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	g_assert_cmpint(poll(&pfd, 1, 5000), ==, 1);
	g_assert_cmpint(read(fd, &c, 1), ==, 1);
	g_assert_cmpint(c, ==, 'Z');

	close(fd);
	device_unrealize(dev);
	object_unref(OBJECT(dev));
	chardev_remove_all();
	rmdir(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	type_register(&testbuf_type);
#define T(name) g_test_add_func("/serial/" #name, test_serial_##name)
	T(thr_write_reaches_chardev_and_thre_temt_stay_set);
	T(reset_values);
	T(dlab_selects_divisor_latch);
	T(rx_byte_sets_dr_and_raises_rda_interrupt);
	T(thre_interrupt_on_enable_cleared_by_iir_read_rearmed_by_thr);
	T(rda_has_priority_over_thre);
	T(fifo_enable_shows_in_iir_and_trigger_level_4);
	T(trigger_levels_1_8_14);
	T(fifo_overrun_keeps_16_bytes_and_sets_oe);
	T(fcr_clears_receive_fifo);
	T(rx_timeout_after_four_character_times);
	T(loopback_returns_thr_to_rbr_not_chardev);
	T(loopback_wires_mcr_to_msr);
	T(modem_status_interrupt_cleared_by_msr_read);
	T(break_sets_bi_and_line_status_interrupt);
	T(loopback_break_is_received);
	T(can_receive_follows_free_space);
	T(scratch_register_holds_a_byte);
	T(state_survives_save_and_load);
	T(default_ports_follow_index);
	T(second_frontend_on_one_chardev_is_refused);
	T(socket_input_is_paced_by_the_fifo);
	return g_test_run();
}

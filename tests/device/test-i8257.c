// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The 8237A DMA pair (i8257) on the harness: register programming through
 * the byte pointer flip-flop, page registers, transfers through a test
 * client on a channel, terminal count, auto-init, the 64 KiB / 128 KiB
 * address wrap, direction checks and DMA that is not aimed at RAM.
 * Register behaviour from the Intel 8237A data sheet.
 */
#include "harness.h"
#include "hw/dma/i8257.h"
#include "hw/isa/isa.h"

static struct device *dma8, *dma16;

/* A client device on one channel: moves `chunk` bytes per call from/to buf. */
struct client {
	uint8_t buf[4096];
	bool to_memory;
	int chunk;
	int calls;
	int last_len;
};
static struct client client;

static int client_transfer(void *opaque, int nchan, int pos, int len)
{
	struct client *c = opaque;
	struct device *dma = i8257_for_channel(nchan);
	/* buf holds the first 4 KiB of the cycle; later bytes reuse its first half */
	int off = pos < 4096 ? pos : pos % 2048;
	int n = MIN(MIN(c->chunk, len - pos), (int)sizeof(c->buf) - off);

	c->calls++;
	c->last_len = len;
	if (c->to_memory)
		i8257_dma_write_memory(dma, nchan, c->buf + off, pos, n);
	else
		i8257_dma_read_memory(dma, nchan, c->buf + off, pos, n);
	return pos + n;
}

static struct device *dma_new(const char *base, const char *page, const char *dshift)
{
	struct device *d = device_new(TYPE_I8257);
	GError *err = NULL;

	g_assert_true(object_property_parse(OBJECT(d), "base", base, &err));
	g_assert_true(object_property_parse(OBJECT(d), "page-base", page, &err));
	g_assert_true(object_property_parse(OBJECT(d), "dshift", dshift, &err));
	harness_realize(d);
	return d;
}

static void setup(void)
{
	harness_init();
	dma8 = dma_new("0x00", "0x80", "0");
	dma16 = dma_new("0xc0", "0x88", "1");
	memset(&client, 0, sizeof(client));
	client.chunk = 4096;
	memset(harness_ram(), 0, 0x40000);
}

static void teardown(void)
{
	device_unrealize(dma8);
	device_unrealize(dma16);
	object_unref(OBJECT(dma8));
	object_unref(OBJECT(dma16));
}

static void run_bhs(void)
{
	for (int i = 0; i < 50; i++)
		main_loop_wait(0);
}

/* Channel 0-3 programming: mode, page, address, count (count = bytes - 1). */
static void program8(int ch, uint8_t mode, uint32_t addr, uint16_t count)
{
	static const uint16_t page_port[4] = { 0x87, 0x83, 0x81, 0x82 };

	outb(0x0a, 4 | ch);			/* mask */
	outb(0x0b, mode | ch);
	outb(0x0c, 0);				/* clear flip-flop */
	outb(ch * 2, addr & 0xff);
	outb(ch * 2, (addr >> 8) & 0xff);
	outb(page_port[ch], addr >> 16);
	outb(ch * 2 + 1, count & 0xff);
	outb(ch * 2 + 1, count >> 8);
}

static uint16_t read16(uint16_t port)
{
	uint16_t lo = inb(port);

	return lo | inb(port) << 8;
}

#define MODE_SINGLE	0x40
#define MODE_WRITE	0x04	/* to memory */
#define MODE_READ	0x08	/* from memory */
#define MODE_AUTOINIT	0x10
#define MODE_DOWN	0x20

static void test_i8257_registers_read_back_through_flip_flop(void)
{
	setup();
	program8(2, MODE_SINGLE | MODE_WRITE, 0x12345, 0x01ff);
	outb(0x0c, 0);
	g_assert_cmphex(read16(0x04), ==, 0x2345);
	g_assert_cmphex(read16(0x05), ==, 0x01ff);
	/* a read leaves the flip-flop toggled: without a clear the next read starts high */
	(void)inb(0x04);
	g_assert_cmphex(inb(0x04), ==, 0x23);
	g_assert_cmphex(inb(0x81), ==, 0x01);
	outb(0x87, 0xaa);
	outb(0x83, 0xbb);
	outb(0x82, 0xcc);
	g_assert_cmphex(inb(0x87), ==, 0xaa);
	g_assert_cmphex(inb(0x83), ==, 0xbb);
	g_assert_cmphex(inb(0x82), ==, 0xcc);
	/* 0x80 is the board's POST port and 0x84-0x86 are not page registers */
	g_assert_null(address_space_lookup(harness_io(), 0x80));
	g_assert_null(address_space_lookup(harness_io(), 0x84));
	outb(0x89, 0x12);
	g_assert_cmphex(inb(0x89), ==, 0x12);
	g_assert_nonnull(address_space_lookup(harness_io(), 0x8f));
	teardown();
}

static void test_i8257_transfer_to_memory_reaches_terminal_count(void)
{
	uint8_t *ram = harness_ram();

	setup();
	i8257_dma_register_channel(dma8, 2, client_transfer, &client);
	for (int i = 0; i < 512; i++)
		client.buf[i] = i * 7;
	client.to_memory = true;
	client.chunk = 100;
	program8(2, MODE_SINGLE | MODE_WRITE, 0x10000, 511);
	i8257_dma_hold(dma8, 2);
	run_bhs();
	g_assert_cmpint(client.calls, ==, 0);	/* masked: nothing moves */
	outb(0x0a, 2);				/* unmask channel 2 */
	run_bhs();
	g_assert_cmpint(client.calls, ==, 6);	/* 5 x 100 + 12 */
	g_assert_cmpint(client.last_len, ==, 512);
	g_assert_cmpmem(ram + 0x10000, 512, client.buf, 512);
	g_assert_cmpint(ram[0x10000 + 512], ==, 0);
	/* status: TC for channel 2, DREQ still shown; reading clears TC */
	g_assert_cmphex(inb(0x08), ==, 0x44);
	g_assert_cmphex(inb(0x08), ==, 0x40);
	/* no auto-init: the channel masked itself, current count wrapped to 0xffff */
	g_assert_cmphex(inb(0x0f) & 4, ==, 4);
	outb(0x0c, 0);
	g_assert_cmphex(read16(0x04), ==, 0x0000);
	g_assert_cmphex(read16(0x05), ==, 0x01ff);
	i8257_dma_release(dma8, 2);
	teardown();
}

static void test_i8257_transfer_from_memory(void)
{
	uint8_t *ram = harness_ram();

	setup();
	i8257_dma_register_channel(dma8, 1, client_transfer, &client);
	for (int i = 0; i < 256; i++)
		ram[0x23400 + i] = 0xff - i;
	program8(1, MODE_SINGLE | MODE_READ, 0x23400, 255);
	outb(0x0a, 1);
	i8257_dma_hold(dma8, 1);
	run_bhs();
	g_assert_cmpmem(client.buf, 256, ram + 0x23400, 256);
	teardown();
}

static void test_i8257_8bit_channel_wraps_inside_64k_page(void)
{
	uint8_t *ram = harness_ram();

	setup();
	i8257_dma_register_channel(dma8, 3, client_transfer, &client);
	memset(client.buf, 0x5a, 512);
	client.to_memory = true;
	program8(3, MODE_SINGLE | MODE_WRITE, 0x1ff00, 511);
	outb(0x0a, 3);
	i8257_dma_hold(dma8, 3);
	run_bhs();
	/* 0x1ff00-0x1ffff, then the counter wraps to 0x10000, never 0x20000 */
	g_assert_cmpint(ram[0x1ff00], ==, 0x5a);
	g_assert_cmpint(ram[0x1ffff], ==, 0x5a);
	g_assert_cmpint(ram[0x10000], ==, 0x5a);
	g_assert_cmpint(ram[0x100ff], ==, 0x5a);
	g_assert_cmpint(ram[0x10100], ==, 0);
	g_assert_cmpint(ram[0x20000], ==, 0);
	teardown();
}

static void test_i8257_16bit_channel_counts_words_in_128k_page(void)
{
	uint8_t *ram = harness_ram();

	setup();
	i8257_dma_register_channel(dma16, 5, client_transfer, &client);
	for (int i = 0; i < 8; i++)
		client.buf[i] = 0x10 + i;
	client.to_memory = true;
	/* channel 5 = controller 1 channel 1: ports 0xc4/0xc6, mode 0xd6, page 0x8b */
	outb(0xd4, 4 | 1);
	outb(0xd6, MODE_SINGLE | MODE_WRITE | 1);
	outb(0xd8, 0);
	outb(0xc4, 0xf0);			/* word address 0xfff0: byte 0x1ffe0 */
	outb(0xc4, 0xff);
	outb(0x8b, 0x03);			/* page bit 0 is ignored: 0x020000 */
	outb(0xc6, 3);				/* 4 words */
	outb(0xc6, 0);
	outb(0xd4, 1);
	i8257_dma_hold(dma16, 5);
	run_bhs();
	g_assert_cmpint(client.last_len, ==, 8);
	g_assert_cmpmem(ram + 0x3ffe0, 8, client.buf, 8);
	g_assert_cmphex(inb(0xd0) & 0x02, ==, 0x02);	/* TC of channel 5 */
	teardown();
}

static void test_i8257_autoinit_reloads_address_and_count(void)
{
	setup();
	i8257_dma_register_channel(dma8, 2, client_transfer, &client);
	client.to_memory = true;
	program8(2, MODE_SINGLE | MODE_WRITE | MODE_AUTOINIT, 0x30000, 15);
	outb(0x0a, 2);
	client.chunk = 16;
	i8257_dma_hold(dma8, 2);
	main_loop_wait(0);
	i8257_dma_release(dma8, 2);
	run_bhs();
	g_assert_cmpint(client.calls, ==, 1);
	g_assert_cmphex(inb(0x08) & 4, ==, 4);
	g_assert_cmphex(inb(0x0f) & 4, ==, 0);	/* still unmasked */
	outb(0x0c, 0);
	g_assert_cmphex(read16(0x04), ==, 0x0000);	/* reloaded */
	g_assert_cmphex(read16(0x05), ==, 15);
	teardown();
}

static void test_i8257_decrement_mode_writes_downwards(void)
{
	uint8_t *ram = harness_ram();

	setup();
	i8257_dma_register_channel(dma8, 2, client_transfer, &client);
	client.to_memory = true;
	client.buf[0] = 1;
	client.buf[1] = 2;
	client.buf[2] = 3;
	program8(2, MODE_SINGLE | MODE_WRITE | MODE_DOWN, 0x10010, 2);
	outb(0x0a, 2);
	i8257_dma_hold(dma8, 2);
	run_bhs();
	g_assert_cmpint(ram[0x10010], ==, 1);
	g_assert_cmpint(ram[0x1000f], ==, 2);
	g_assert_cmpint(ram[0x1000e], ==, 3);
	teardown();
}

static void test_i8257_wrong_direction_moves_no_data(void)
{
	uint8_t *ram = harness_ram();

	setup();
	i8257_dma_register_channel(dma8, 2, client_transfer, &client);
	client.to_memory = true;		/* the device writes memory ... */
	memset(client.buf, 0x77, 64);
	program8(2, MODE_SINGLE | MODE_READ, 0x10000, 63);	/* ... the guest said read */
	outb(0x0a, 2);
	i8257_dma_hold(dma8, 2);
	run_bhs();
	g_assert_cmpint(ram[0x10000], ==, 0);
	g_assert_cmphex(inb(0x08) & 4, ==, 4);	/* the count still ran out */
	teardown();
}

static int mmio_writes;
static uint64_t mmio_read(void *opaque, uint64_t off, unsigned size) { return 0; }
static void mmio_write(void *opaque, uint64_t off, uint64_t v, unsigned size) { mmio_writes++; }
static const struct memory_region_ops mmio_ops = { .read = mmio_read, .write = mmio_write };

static void test_i8257_dma_onto_mmio_is_refused(void)
{
	struct memory_region mr;

	setup();
	memory_region_init_io(&mr, NULL, &mmio_ops, NULL, "not-ram", 0x10000);
	harness_map_mmio(&mr, 0xe00000);
	mmio_writes = 0;
	i8257_dma_register_channel(dma8, 2, client_transfer, &client);
	client.to_memory = true;
	program8(2, MODE_SINGLE | MODE_WRITE, 0xe00000, 511);
	outb(0x0a, 2);
	i8257_dma_hold(dma8, 2);
	run_bhs();
	g_assert_cmpint(mmio_writes, ==, 0);
	/* reading from it gives the device all-ones */
	client.to_memory = false;
	program8(2, MODE_SINGLE | MODE_READ, 0xe00000, 15);
	outb(0x0a, 2);
	run_bhs();
	g_assert_cmphex(client.buf[0], ==, 0xff);
	i8257_dma_release(dma8, 2);
	memory_region_del_subregion(harness_mem()->root, &mr);
	memory_region_destroy(&mr);
	teardown();
}

static void test_i8257_master_clear_masks_and_disable_stops(void)
{
	setup();
	i8257_dma_register_channel(dma8, 2, client_transfer, &client);
	program8(2, MODE_SINGLE | MODE_WRITE, 0x10000, 15);
	outb(0x0e, 0);				/* clear all masks */
	g_assert_cmphex(inb(0x0f) & 0x0f, ==, 0);
	outb(0x08, 0x04);			/* command: controller disable */
	i8257_dma_hold(dma8, 2);
	run_bhs();
	g_assert_cmpint(client.calls, ==, 0);
	outb(0x0d, 0);				/* master clear: all masked, enabled */
	g_assert_cmphex(inb(0x0f) & 0x0f, ==, 0x0f);
	run_bhs();
	g_assert_cmpint(client.calls, ==, 0);
	outb(0x0a, 2);
	run_bhs();
	g_assert_cmpint(client.calls, ==, 1);
	/* software request register: channel 1 has no device, nothing happens */
	outb(0x09, 4 | 1);
	outb(0x0a, 1);
	run_bhs();
	g_assert_cmphex(inb(0x08) & 0x20, ==, 0x20);
	teardown();
}

static void test_i8257_guest_garbage_is_harmless(void)
{
	setup();
	i8257_dma_register_channel(dma8, 2, client_transfer, &client);
	for (int i = 0; i < 2000; i++) {
		uint16_t port = g_test_rand_int_range(0, 0x20);

		outb(port < 0x10 ? port : 0xc0 + (port - 0x10) * 2, g_test_rand_int());
		outb(0x80 + g_test_rand_int_range(1, 16), g_test_rand_int());
		if (i % 100 == 0)
			i8257_dma_hold(dma8, 2);
		main_loop_wait(0);
	}
	i8257_dma_release(dma8, 2);
	run_bhs();
	teardown();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/i8257/registers-read-back-through-flip-flop",
			test_i8257_registers_read_back_through_flip_flop);
	g_test_add_func("/i8257/transfer-to-memory-reaches-terminal-count",
			test_i8257_transfer_to_memory_reaches_terminal_count);
	g_test_add_func("/i8257/transfer-from-memory", test_i8257_transfer_from_memory);
	g_test_add_func("/i8257/8bit-channel-wraps-inside-64k-page",
			test_i8257_8bit_channel_wraps_inside_64k_page);
	g_test_add_func("/i8257/16bit-channel-counts-words-in-128k-page",
			test_i8257_16bit_channel_counts_words_in_128k_page);
	g_test_add_func("/i8257/autoinit-reloads-address-and-count",
			test_i8257_autoinit_reloads_address_and_count);
	g_test_add_func("/i8257/decrement-mode-writes-downwards",
			test_i8257_decrement_mode_writes_downwards);
	g_test_add_func("/i8257/wrong-direction-moves-no-data",
			test_i8257_wrong_direction_moves_no_data);
	g_test_add_func("/i8257/dma-onto-mmio-is-refused", test_i8257_dma_onto_mmio_is_refused);
	g_test_add_func("/i8257/master-clear-masks-and-disable-stops",
			test_i8257_master_clear_masks_and_disable_stops);
	g_test_add_func("/i8257/guest-garbage-is-harmless", test_i8257_guest_garbage_is_harmless);
	return g_test_run();
}

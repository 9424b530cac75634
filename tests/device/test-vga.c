// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Standard VGA ("VGA", 1234:1111) on the harness behind an i440FX: PCI
 * header and BARs, register semantics (CRTC protection, attribute
 * flip-flop, DAC indexes), planar memory (write modes 0-3, read modes 0-1,
 * chain-4, odd/even), text rendering of a known glyph into the surface,
 * mode 13h, Bochs VBE mode set and the linear framebuffer, screendump files.
 */
#include "pci-helpers.h"
#include "ui/console.h"
#include "ui/screendump.h"
#include "hw/display/vga.h"

#define LFB_BASE	0xe0000000u
#define MMIO_BASE	0xe1000000u
#define VGA_DEVFN	PCI_DEVFN(1, 0)

static struct pci_test_machine m;

static void setup(void)
{
	pci_test_init(&m);
	harness_realize(harness_device_new("VGA"));
	cfg_writel(VGA_DEVFN, PCI_BASE_ADDRESS_0, LFB_BASE);
	cfg_writel(VGA_DEVFN, PCI_BASE_ADDRESS_0 + 8, MMIO_BASE);
	cfg_writew(VGA_DEVFN, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
}

static void teardown(void)
{
	pci_test_fini(&m);
}

static void seq_w(int i, int v) { outb(VGA_SEQ_I, i); outb(VGA_SEQ_D, v); }
static void gr_w(int i, int v) { outb(VGA_GFX_I, i); outb(VGA_GFX_D, v); }
static void cr_w(int i, int v) { outb(VGA_CRT_IC, i); outb(VGA_CRT_DC, v); }
static uint8_t cr_r(int i) { outb(VGA_CRT_IC, i); return inb(VGA_CRT_DC); }

static void ar_w(int i, int v)
{
	inb(VGA_IS1_RC);		/* flip-flop to index */
	outb(VGA_ATT_W, i);
	outb(VGA_ATT_W, v);
}

static void vbe_w(int i, int v) { outw(0x1ce, i); outw(0x1cf, v); }
static uint16_t vbe_r(int i) { outw(0x1ce, i); return inw(0x1cf); }

static struct display_surface *update(void)
{
	struct console *con = console_find(NULL, NULL);

	g_assert_nonnull(con);
	graphic_console_update(con);
	return console_surface(con);
}

static uint32_t pixel(struct display_surface *s, int x, int y)
{
	return ((uint32_t *)(surface_data(s) + y * surface_stride(s)))[x] & 0xffffff;
}

static void test_vga_pci_header_and_bars(void)
{
	setup();
	g_assert_cmphex(cfg_readl(VGA_DEVFN, PCI_VENDOR_ID), ==, 0x11111234);
	g_assert_cmphex(cfg_readl(VGA_DEVFN, PCI_REVISION_ID), ==, 0x03000002);
	cfg_writew(VGA_DEVFN, PCI_COMMAND, 0);
	cfg_writel(VGA_DEVFN, PCI_BASE_ADDRESS_0, 0xffffffff);
	cfg_writel(VGA_DEVFN, PCI_BASE_ADDRESS_0 + 8, 0xffffffff);
	/* 16 MiB prefetchable framebuffer, 4 KiB of registers */
	g_assert_cmphex(cfg_readl(VGA_DEVFN, PCI_BASE_ADDRESS_0), ==, 0xff000008);
	g_assert_cmphex(cfg_readl(VGA_DEVFN, PCI_BASE_ADDRESS_0 + 8), ==, 0xfffff000);
	teardown();
}

static void test_vga_crtc_cr0_7_write_protect(void)
{
	setup();
	outb(VGA_MIS_W, 0x67);		/* colour: CRTC at 0x3d4 */
	cr_w(0x01, 0x4f);
	cr_w(0x07, 0x00);
	cr_w(0x11, 0x80);		/* protect CR0-CR7 */
	cr_w(0x01, 0x27);
	cr_w(0x07, 0xff);
	g_assert_cmphex(cr_r(0x01), ==, 0x4f);
	g_assert_cmphex(cr_r(0x07), ==, 0x10);	/* only line compare bit 8 */
	cr_w(0x11, 0x00);
	cr_w(0x01, 0x27);
	g_assert_cmphex(cr_r(0x01), ==, 0x27);
	/* the mono CRTC ports do not decode in colour mode */
	g_assert_cmphex(inb(VGA_CRT_IM), ==, 0xff);
	teardown();
}

static void test_vga_attribute_flip_flop_reset_by_input_status_1(void)
{
	setup();
	outb(VGA_MIS_W, 0x67);
	inb(VGA_IS1_RC);
	outb(VGA_ATT_W, 0x05);		/* index */
	outb(VGA_ATT_W, 0x2a);		/* data */
	g_assert_cmphex(inb(VGA_ATT_W), ==, 0x05);	/* flip-flop back at index */
	g_assert_cmphex(inb(VGA_ATT_R), ==, 0x2a);
	outb(VGA_ATT_W, 0x06);		/* index again */
	inb(VGA_IS1_RC);		/* reset: next write is an index */
	outb(VGA_ATT_W, 0x07);
	outb(VGA_ATT_W, 0x3f);
	inb(VGA_IS1_RC);
	outb(VGA_ATT_W, 0x07);
	g_assert_cmphex(inb(VGA_ATT_R), ==, 0x3f);
	g_assert_cmphex(inb(VGA_ATT_W), ==, 0x00);	/* data phase reads 0 */
	teardown();
}

static void test_vga_dac_read_and_write_indexes_autoincrement(void)
{
	setup();
	outb(VGA_PEL_IW, 5);
	g_assert_cmphex(inb(VGA_PEL_IR), ==, 0);	/* DAC state: write mode */
	for (int i = 0; i < 6; i++)
		outb(VGA_PEL_D, 10 + i);
	g_assert_cmphex(inb(VGA_PEL_IW), ==, 7);
	outb(VGA_PEL_IR, 5);
	g_assert_cmphex(inb(VGA_PEL_IR), ==, 3);	/* read mode */
	for (int i = 0; i < 6; i++)
		g_assert_cmphex(inb(VGA_PEL_D), ==, 10 + i);
	teardown();
}

/* 640x480x16-style planar setup: graphics, map 1 (0xa0000, 64 KiB) */
static void planar_mode(int write_mode, int read_mode)
{
	seq_w(VGA_SEQ_PLANE_WRITE, 0x0f);
	seq_w(VGA_SEQ_MEMORY_MODE, 0x06);
	gr_w(VGA_GFX_MODE, write_mode | (read_mode << 3));
	gr_w(VGA_GFX_MISC, 0x05);
	gr_w(VGA_GFX_SR_ENABLE, 0);
	gr_w(VGA_GFX_DATA_ROTATE, 0);
	gr_w(VGA_GFX_BIT_MASK, 0xff);
}

static uint8_t plane_byte(int plane, uint32_t addr)
{
	gr_w(VGA_GFX_PLANE_READ, plane);
	return readb(0xa0000 + addr);
}

static void test_vga_planar_write_modes_0_to_3(void)
{
	setup();
	/* mode 0, set/reset on planes 0 and 2 */
	planar_mode(0, 0);
	gr_w(VGA_GFX_SR_ENABLE, 0x0f);
	gr_w(VGA_GFX_SR_VALUE, 0x05);
	writeb(0xa0000, 0x00);
	g_assert_cmphex(plane_byte(0, 0), ==, 0xff);
	g_assert_cmphex(plane_byte(1, 0), ==, 0x00);
	g_assert_cmphex(plane_byte(2, 0), ==, 0xff);
	g_assert_cmphex(plane_byte(3, 0), ==, 0x00);
	/* mode 0 with rotate 4 and XOR against the latches, bit mask 0xf0 */
	gr_w(VGA_GFX_SR_ENABLE, 0);
	gr_w(VGA_GFX_DATA_ROTATE, (3 << 3) | 4);
	gr_w(VGA_GFX_BIT_MASK, 0xf0);
	readb(0xa0000);			/* load latches: ff 00 ff 00 */
	writeb(0xa0000, 0x3c);		/* rotated: 0xc3; ^latch; masked */
	g_assert_cmphex(plane_byte(0, 0), ==, (0x3c & 0xf0) | 0x0f);
	g_assert_cmphex(plane_byte(1, 0), ==, 0xc0);
	/* mode 1: the latches of address 0 copied to address 1 */
	planar_mode(1, 0);
	readb(0xa0000);
	writeb(0xa0001, 0x55);
	for (int p = 0; p < 4; p++)
		g_assert_cmphex(plane_byte(p, 1), ==, plane_byte(p, 0));
	/* mode 2: a colour, one bit per plane, under the bit mask */
	planar_mode(2, 0);
	gr_w(VGA_GFX_BIT_MASK, 0x81);
	readb(0xa0002);
	writeb(0xa0002, 0x0a);
	g_assert_cmphex(plane_byte(0, 2), ==, 0x00);
	g_assert_cmphex(plane_byte(1, 2), ==, 0x81);
	g_assert_cmphex(plane_byte(3, 2), ==, 0x81);
	/* mode 3: the data ANDed with the bit mask selects set/reset bits */
	planar_mode(3, 0);
	gr_w(VGA_GFX_SR_VALUE, 0x0c);
	gr_w(VGA_GFX_BIT_MASK, 0x3c);
	readb(0xa0003);
	writeb(0xa0003, 0xf0);		/* mask 0x30 */
	g_assert_cmphex(plane_byte(0, 3), ==, 0x00);
	g_assert_cmphex(plane_byte(2, 3), ==, 0x30);
	g_assert_cmphex(plane_byte(3, 3), ==, 0x30);
	/* the map mask keeps planes out of any write */
	planar_mode(2, 0);
	seq_w(VGA_SEQ_PLANE_WRITE, 0x01);
	writeb(0xa0004, 0x0f);
	g_assert_cmphex(plane_byte(0, 4), ==, 0xff);
	g_assert_cmphex(plane_byte(1, 4), ==, 0x00);
	teardown();
}

static void test_vga_read_mode_1_colour_compare(void)
{
	setup();
	planar_mode(2, 0);
	writeb(0xa0000, 0x05);		/* colour 5 on all 8 pixels */
	gr_w(VGA_GFX_BIT_MASK, 0x0f);
	readb(0xa0000);
	writeb(0xa0000, 0x03);		/* low 4 pixels colour 3 */
	planar_mode(0, 1);
	gr_w(VGA_GFX_COMPARE_VALUE, 0x05);
	gr_w(VGA_GFX_COMPARE_MASK, 0x0f);
	g_assert_cmphex(readb(0xa0000), ==, 0xf0);
	gr_w(VGA_GFX_COMPARE_MASK, 0x01);	/* only plane 0 matters: both odd */
	g_assert_cmphex(readb(0xa0000), ==, 0xff);
	teardown();
}

static void test_vga_chain4_and_odd_even_addressing(void)
{
	setup();
	/* chain-4 (mode 13h): address a is byte a of VRAM, also seen in the LFB */
	seq_w(VGA_SEQ_PLANE_WRITE, 0x0f);
	seq_w(VGA_SEQ_MEMORY_MODE, 0x0e);
	gr_w(VGA_GFX_MODE, 0x40);
	gr_w(VGA_GFX_MISC, 0x05);
	writeb(0xa0005, 0x77);
	writel(0xa0100, 0x44332211);
	g_assert_cmphex(readb(LFB_BASE + 5), ==, 0x77);
	g_assert_cmphex(readl(LFB_BASE + 0x100), ==, 0x44332211);
	g_assert_cmphex(readb(0xa0101), ==, 0x22);
	/* the map mask also applies with chain-4 (the slow path) */
	seq_w(VGA_SEQ_PLANE_WRITE, 0x01);
	writeb(0xa0201, 0x99);
	writeb(0xa0200, 0x98);
	g_assert_cmphex(readb(LFB_BASE + 0x201), ==, 0x00);
	g_assert_cmphex(readb(LFB_BASE + 0x200), ==, 0x98);
	/* odd/even (text): even addresses plane 0, odd plane 1, at 0xb8000 */
	seq_w(VGA_SEQ_PLANE_WRITE, 0x03);
	seq_w(VGA_SEQ_MEMORY_MODE, 0x02);
	gr_w(VGA_GFX_MODE, 0x10);
	gr_w(VGA_GFX_MISC, 0x0e);
	writew(0xb8002, 0x1f41);	/* 'A', white on blue, cell 1 */
	g_assert_cmphex(readb(LFB_BASE + 4), ==, 0x41);
	g_assert_cmphex(readb(LFB_BASE + 5), ==, 0x1f);
	g_assert_cmphex(readw(0xb8002), ==, 0x1f41);
	/* map 3 does not decode 0xa0000 */
	g_assert_cmphex(readb(0xa0000), ==, 0xff);
	teardown();
}

/* An 8x16 'A'-like glyph with a full bottom row (to see column 9). */
static const uint8_t glyph[16] = {
	0x00, 0x18, 0x3c, 0x66, 0xc3, 0xc3, 0xff, 0xc3,
	0xc3, 0xc3, 0xc3, 0x00, 0x00, 0x00, 0x00, 0xff,
};

/* Mode 3 as a BIOS would set it: 80x25, 9x16 cells, font in plane 2. */
static void text_mode_setup(void)
{
	static const uint8_t ar_pal[16] = { 0, 1, 2, 3, 4, 5, 0x14, 7,
					    0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f };

	outb(VGA_MIS_W, 0x67);
	/* font: sequential access to plane 2 at 0xa0000 */
	seq_w(VGA_SEQ_PLANE_WRITE, 0x04);
	seq_w(VGA_SEQ_MEMORY_MODE, 0x06);
	gr_w(VGA_GFX_PLANE_READ, 2);
	gr_w(VGA_GFX_MODE, 0x00);
	gr_w(VGA_GFX_MISC, 0x04);
	gr_w(VGA_GFX_BIT_MASK, 0xff);
	for (int y = 0; y < 16; y++) {
		writeb(0xa0000 + 'A' * 32 + y, glyph[y]);
		writeb(0xa0000 + 0xc4 * 32 + y, glyph[y]);
		writeb(0xa0000 + ' ' * 32 + y, 0);
	}
	/* text: odd/even at 0xb8000 */
	seq_w(VGA_SEQ_CLOCK_MODE, 0x00);
	seq_w(VGA_SEQ_PLANE_WRITE, 0x03);
	seq_w(VGA_SEQ_CHARACTER_MAP, 0x00);
	seq_w(VGA_SEQ_MEMORY_MODE, 0x02);
	gr_w(VGA_GFX_PLANE_READ, 0);
	gr_w(VGA_GFX_MODE, 0x10);
	gr_w(VGA_GFX_MISC, 0x0e);
	cr_w(0x11, 0x00);
	cr_w(0x01, 0x4f);		/* 80 columns */
	cr_w(0x07, 0x1f);		/* VDE bit 8, line compare bit 8 */
	cr_w(0x09, 0x4f);		/* 16 scan lines, line compare bit 9 */
	cr_w(0x0a, 0x0e);		/* cursor lines 14-15 */
	cr_w(0x0b, 0x0f);
	cr_w(0x0c, 0x00);
	cr_w(0x0d, 0x00);
	cr_w(0x0e, 0x00);
	cr_w(0x0f, 0x05);		/* cursor at cell 5 */
	cr_w(0x12, 0x8f);		/* 400 lines */
	cr_w(0x13, 0x28);		/* 80 words a row */
	cr_w(0x17, 0xa3);
	cr_w(0x18, 0xff);
	for (int i = 0; i < 16; i++)
		ar_w(i, ar_pal[i]);
	ar_w(VGA_ATC_MODE, 0x0c);	/* line graphics, blink */
	ar_w(VGA_ATC_PLANE_ENABLE, 0x0f);
	ar_w(VGA_ATC_COLOR_PAGE, 0x00);
	inb(VGA_IS1_RC);
	outb(VGA_ATT_W, 0x20);		/* palette address source: display on */
	/* DAC: the EGA colours the AR palette points at */
	outb(VGA_PEL_IW, 0);
	for (int i = 0; i < 64; i++) {
		int r = ((i >> 2) & 1) * 0x2a + ((i >> 5) & 1) * 0x15;
		int g = ((i >> 1) & 1) * 0x2a + ((i >> 4) & 1) * 0x15;
		int b = (i & 1) * 0x2a + ((i >> 3) & 1) * 0x15;

		outb(VGA_PEL_D, r);
		outb(VGA_PEL_D, g);
		outb(VGA_PEL_D, b);
	}
	for (int i = 0; i < 80 * 25; i++)
		writew(0xb8000 + 2 * i, 0x0720);
}

static void test_vga_text_glyph_from_plane2_into_surface(void)
{
	struct display_surface *s;
	const uint32_t blue = 0x0000a8, white = 0xffffff, grey = 0xa8a8a8, black = 0;

	setup();
	text_mode_setup();
	writew(0xb8000, 0x1f41);	/* 'A' white on blue at (0,0) */
	writew(0xb8002, 0x07c4);	/* line-graphics char: column 9 repeats column 8 */
	writew(0xb8004, 0x8741);	/* blinking 'A' */
	s = update();
	g_assert_cmpint(surface_width(s), ==, 720);
	g_assert_cmpint(surface_height(s), ==, 400);
	for (int y = 0; y < 16; y++)
		for (int x = 0; x < 9; x++) {
			bool on = x < 8 && (glyph[y] >> (7 - x)) & 1;

			g_assert_cmphex(pixel(s, x, y), ==, on ? white : blue);
		}
	g_assert_cmphex(pixel(s, 9 + 8, 15), ==, grey);	/* dup9 */
	g_assert_cmphex(pixel(s, 9 + 8, 6), ==, grey);
	g_assert_cmphex(pixel(s, 9 + 8, 1), ==, black);
	/* blinking: shown in the first phase, hidden later, background dark */
	g_assert_cmphex(pixel(s, 18 + 0, 15), ==, grey);
	clock_step(600 * 1000 * 1000LL);
	s = update();
	g_assert_cmphex(pixel(s, 18 + 0, 15), ==, black);
	/* the text dump reads the same memory */
	{
		g_autofree char *text = console_text_dump(console_find(NULL, NULL));
		g_assert_true(g_str_has_prefix(text, "A.A  "));
	}
	teardown();
}

static void test_vga_text_cursor_blinks_at_crtc_position(void)
{
	struct display_surface *s;

	setup();
	text_mode_setup();
	s = update();			/* virtual time 0: cursor phase on */
	g_assert_cmphex(pixel(s, 5 * 9 + 3, 14), ==, 0xa8a8a8);
	g_assert_cmphex(pixel(s, 5 * 9 + 3, 13), ==, 0);
	clock_step(300 * 1000 * 1000LL);
	s = update();
	g_assert_cmphex(pixel(s, 5 * 9 + 3, 14), ==, 0);
	cr_w(0x0a, 0x20);		/* cursor off */
	clock_step(300 * 1000 * 1000LL);
	s = update();
	g_assert_cmphex(pixel(s, 5 * 9 + 3, 14), ==, 0);
	teardown();
}

static void test_vga_mode13h_doubles_pixels(void)
{
	struct display_surface *s;

	setup();
	outb(VGA_MIS_W, 0x63);
	seq_w(VGA_SEQ_CLOCK_MODE, 0x01);
	seq_w(VGA_SEQ_PLANE_WRITE, 0x0f);
	seq_w(VGA_SEQ_MEMORY_MODE, 0x0e);
	gr_w(VGA_GFX_MODE, 0x40);
	gr_w(VGA_GFX_MISC, 0x05);
	cr_w(0x11, 0x00);
	cr_w(0x01, 0x4f);
	cr_w(0x07, 0x1f);
	cr_w(0x09, 0x41);		/* each line twice */
	cr_w(0x12, 0x8f);
	cr_w(0x13, 0x28);
	cr_w(0x14, 0x40);
	cr_w(0x17, 0xa3);
	cr_w(0x18, 0xff);
	inb(VGA_IS1_RC);
	outb(VGA_ATT_W, 0x20);
	outb(VGA_PEL_IW, 9);
	outb(VGA_PEL_D, 0x3f);
	outb(VGA_PEL_D, 0x00);
	outb(VGA_PEL_D, 0x15);
	writeb(0xa0000 + 320 * 3 + 7, 9);
	s = update();
	g_assert_cmpint(surface_width(s), ==, 640);
	g_assert_cmpint(surface_height(s), ==, 400);
	g_assert_cmphex(pixel(s, 14, 6), ==, 0xff0057);
	g_assert_cmphex(pixel(s, 15, 7), ==, 0xff0057);
	g_assert_cmphex(pixel(s, 16, 6), ==, 0);
	g_assert_cmphex(pixel(s, 14, 8), ==, 0);
	teardown();
}

static void test_vga_planar_16_colour_mode_12h(void)
{
	struct display_surface *s;
	static const uint8_t ar_pal[16] = { 0, 1, 2, 3, 4, 5, 0x14, 7,
					    0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f };

	setup();
	outb(VGA_MIS_W, 0xe3);
	seq_w(VGA_SEQ_CLOCK_MODE, 0x01);
	planar_mode(2, 0);
	cr_w(0x11, 0x00);
	cr_w(0x01, 0x4f);		/* 640 */
	cr_w(0x07, 0x3e);		/* VDE bit 9 clear, bit 8 set */
	cr_w(0x09, 0x40);
	cr_w(0x12, 0xdf);		/* 480 lines */
	cr_w(0x13, 0x28);
	cr_w(0x17, 0xe3);
	cr_w(0x18, 0xff);
	for (int i = 0; i < 16; i++)
		ar_w(i, ar_pal[i]);
	ar_w(VGA_ATC_MODE, 0x01);
	ar_w(VGA_ATC_PLANE_ENABLE, 0x0f);
	inb(VGA_IS1_RC);
	outb(VGA_ATT_W, 0x20);
	outb(VGA_PEL_IW, 0x3c);		/* AR12 -> DAC 0x3c: bright red */
	outb(VGA_PEL_D, 0x3f);
	outb(VGA_PEL_D, 0x15);
	outb(VGA_PEL_D, 0x15);
	/* row 2, pixels 8..15: colour 12 on the left half */
	gr_w(VGA_GFX_BIT_MASK, 0xf0);
	readb(0xa0000 + 2 * 80 + 1);
	writeb(0xa0000 + 2 * 80 + 1, 12);
	s = update();
	g_assert_cmpint(surface_width(s), ==, 640);
	g_assert_cmpint(surface_height(s), ==, 480);
	g_assert_cmphex(pixel(s, 8, 2), ==, 0xff5757);
	g_assert_cmphex(pixel(s, 11, 2), ==, 0xff5757);
	g_assert_cmphex(pixel(s, 12, 2), ==, 0);
	g_assert_cmphex(pixel(s, 8, 3), ==, 0);
	/* the colour plane enable register masks planes out of the picture */
	ar_w(VGA_ATC_PLANE_ENABLE, 0x07);	/* colour 12 becomes 4: red */
	inb(VGA_IS1_RC);
	outb(VGA_ATT_W, 0x20);
	outb(VGA_PEL_IW, 4);
	outb(VGA_PEL_D, 0x2a);
	outb(VGA_PEL_D, 0);
	outb(VGA_PEL_D, 0);
	s = update();
	g_assert_cmphex(pixel(s, 8, 2), ==, 0xa80000);
	teardown();
}

static void test_vbe_dispi_mode_set_and_linear_framebuffer(void)
{
	struct display_surface *s;

	setup();
	g_assert_cmphex(vbe_r(VBE_DISPI_INDEX_ID), ==, VBE_DISPI_ID5);
	g_assert_cmphex(vbe_r(VBE_DISPI_INDEX_VIDEO_MEMORY_64K), ==, 256);
	vbe_w(VBE_DISPI_INDEX_ENABLE, VBE_DISPI_GETCAPS);
	g_assert_cmpuint(vbe_r(VBE_DISPI_INDEX_XRES), ==, VBE_DISPI_MAX_XRES);
	g_assert_cmpuint(vbe_r(VBE_DISPI_INDEX_BPP), ==, 32);
	vbe_w(VBE_DISPI_INDEX_ENABLE, 0);
	vbe_w(VBE_DISPI_INDEX_XRES, 640);
	vbe_w(VBE_DISPI_INDEX_YRES, 480);
	vbe_w(VBE_DISPI_INDEX_BPP, 32);
	vbe_w(VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
	g_assert_cmpuint(vbe_r(VBE_DISPI_INDEX_VIRT_WIDTH), ==, 640);
	inb(VGA_IS1_RC);
	outb(VGA_ATT_W, 0x20);
	writel(LFB_BASE + (10 * 640 + 20) * 4, 0x00123456);
	s = update();
	g_assert_cmpint(surface_width(s), ==, 640);
	g_assert_cmpint(surface_height(s), ==, 480);
	g_assert_cmphex(pixel(s, 20, 10), ==, 0x123456);
	g_assert_cmphex(pixel(s, 21, 10), ==, 0);
	/* 16 bpp (5:6:5) through the MMIO BAR's dispi registers */
	writew(MMIO_BASE + 0x500 + VBE_DISPI_INDEX_ENABLE * 2, 0);
	writew(MMIO_BASE + 0x500 + VBE_DISPI_INDEX_BPP * 2, 16);
	writew(MMIO_BASE + 0x500 + VBE_DISPI_INDEX_ENABLE * 2, VBE_DISPI_ENABLED);
	g_assert_cmphex(readw(MMIO_BASE + 0x500 + VBE_DISPI_INDEX_BPP * 2), ==, 16);
	writew(LFB_BASE + (1 * 640 + 2) * 2, 0xf800);	/* red */
	s = update();
	g_assert_cmphex(pixel(s, 2, 1), ==, 0xff0000);
	/* banked window: bank 1 puts 0xa0000 at VRAM 64 KiB */
	vbe_w(VBE_DISPI_INDEX_BANK, 1);
	writeb(0xa0010, 0x5a);
	g_assert_cmphex(readb(LFB_BASE + 0x10010), ==, 0x5a);
	/* a mode that does not fit is clamped to VRAM */
	vbe_w(VBE_DISPI_INDEX_XRES, 8000);
	vbe_w(VBE_DISPI_INDEX_BPP, 32);
	vbe_w(VBE_DISPI_INDEX_YRES, 4000);
	g_assert_cmpuint(vbe_r(VBE_DISPI_INDEX_YRES), <=, 16 * MiB / (8000 * 4));
	teardown();
}

/* A hostile guest: random register and memory writes never crash the renderer. */
static void test_vga_random_register_writes_are_harmless(void)
{
	GRand *rnd = g_rand_new_with_seed(6);

	setup();
	for (int round = 0; round < 200; round++) {
		for (int i = 0; i < 50; i++) {
			uint32_t r = g_rand_int(rnd);

			switch (r % 6) {
			case 0:
				outb(0x3b0 + (r >> 8) % 0x30, r >> 16);
				break;
			case 1:
				cr_w((r >> 8) & 0xff, r >> 16);
				break;
			case 2:
				vbe_w((r >> 8) % 12, r >> 16);
				break;
			case 3:
				writeb(0xa0000 + (r >> 8) % 0x20000, r >> 24);
				break;
			case 4:
				readb(0xa0000 + (r >> 8) % 0x20000);
				break;
			default:
				ar_w((r >> 8) & 0x3f, r >> 16);
				break;
			}
		}
		inb(VGA_IS1_RC);
		outb(VGA_ATT_W, 0x20);
		update();
	}
	g_rand_free(rnd);
	teardown();
}

static void test_vga_screendump_ppm_and_png_files(void)
{
	g_autofree char *dir = g_dir_make_tmp("vga-XXXXXX", NULL);
	g_autofree char *ppm = g_build_filename(dir, "s.ppm", NULL);
	g_autofree char *png = g_build_filename(dir, "s.png", NULL);
	g_autofree char *data = NULL;
	GError *err = NULL;
	gsize len;

	setup();
	text_mode_setup();
	g_assert_true(screendump(ppm, NULL, NULL, &err));
	g_assert_true(g_file_get_contents(ppm, &data, &len, NULL));
	g_assert_true(g_str_has_prefix(data, "P6\n720 400\n255\n"));
	g_assert_cmpuint(len, ==, strlen("P6\n720 400\n255\n") + 720 * 400 * 3);
	g_clear_pointer(&data, g_free);
	g_assert_true(screendump(png, NULL, "VGA", &err));
	g_assert_true(g_file_get_contents(png, &data, &len, NULL));
	g_assert_cmpmem(data, 8, "\x89PNG\r\n\x1a\n", 8);
	g_assert_false(screendump(png, "jpeg", NULL, &err));
	g_clear_error(&err);
	g_assert_false(screendump(png, NULL, "nosuchdevice", &err));
	g_assert_cmpstr(err->message, ==, "Device 'nosuchdevice' not found");
	g_clear_error(&err);
	g_assert_false(qmp_screendump(ppm, NULL, 1, "ppm", &err));	/* one head */
	g_clear_error(&err);
	g_assert_true(qmp_screendump(ppm, NULL, 0, "ppm", &err));
	unlink(ppm);
	unlink(png);
	rmdir(dir);
	teardown();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/vga/pci_header_and_bars", test_vga_pci_header_and_bars);
	g_test_add_func("/vga/crtc_cr0_7_write_protect", test_vga_crtc_cr0_7_write_protect);
	g_test_add_func("/vga/attribute_flip_flop_reset_by_input_status_1",
			test_vga_attribute_flip_flop_reset_by_input_status_1);
	g_test_add_func("/vga/dac_read_and_write_indexes_autoincrement",
			test_vga_dac_read_and_write_indexes_autoincrement);
	g_test_add_func("/vga/planar_write_modes_0_to_3", test_vga_planar_write_modes_0_to_3);
	g_test_add_func("/vga/read_mode_1_colour_compare", test_vga_read_mode_1_colour_compare);
	g_test_add_func("/vga/chain4_and_odd_even_addressing",
			test_vga_chain4_and_odd_even_addressing);
	g_test_add_func("/vga/text_glyph_from_plane2_into_surface",
			test_vga_text_glyph_from_plane2_into_surface);
	g_test_add_func("/vga/text_cursor_blinks_at_crtc_position",
			test_vga_text_cursor_blinks_at_crtc_position);
	g_test_add_func("/vga/mode13h_doubles_pixels", test_vga_mode13h_doubles_pixels);
	g_test_add_func("/vga/planar_16_colour_mode_12h", test_vga_planar_16_colour_mode_12h);
	g_test_add_func("/vga/vbe_dispi_mode_set_and_linear_framebuffer",
			test_vbe_dispi_mode_set_and_linear_framebuffer);
	g_test_add_func("/vga/random_register_writes_are_harmless",
			test_vga_random_register_writes_are_harmless);
	g_test_add_func("/vga/screendump_ppm_and_png_files", test_vga_screendump_ppm_and_png_files);
	return g_test_run();
}

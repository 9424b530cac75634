/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VGA core shared by bus glue (hw/display/vga-pci.c): registers, planar
 * memory, Bochs VBE "dispi" extensions and the renderer.
 *
 * A front device embeds struct vga_state, calls vga_common_init() in its
 * realize (VRAM of vram_size bytes, the legacy window `lowmem`, the port
 * regions `ioports` (0x3b0-0x3df) and `vbe_ports` (0x1ce-0x1d1)), maps those
 * regions where its bus says, and registers a graphic console with
 * vga_console_ops. Offsets given to the handlers are relative to the regions.
 *
 * Memory model (the one QEMU's stdvga uses, so that firmware and guests see
 * the same thing): VRAM byte 4*a + p is byte a of plane p. Chain-4 maps CPU
 * address a to VRAM byte a (plane a & 3); odd/even maps it to plane
 * (a & 1) | page, byte a >> 1; planar accesses go through the 32-bit latch
 * at dword a. The CRTC scans dwords from the start address.
 *
 * References: IBM VGA Technical Reference (1987) and FreeVGA for the
 * registers; Bochs' vbe.h for the dispi interface.
 */
#ifndef HW_DISPLAY_VGA_H
#define HW_DISPLAY_VGA_H

#include "kemu/common.h"
#include "system/memory.h"
#include "ui/console.h"

/* sequencer */
#define VGA_SEQ_RESET		0x00
#define VGA_SEQ_CLOCK_MODE	0x01
#define  VGA_SR01_CHAR_CLK_8DOTS 0x01
#define  VGA_SR01_DOT_CLK_DIV2	0x08
#define VGA_SEQ_PLANE_WRITE	0x02
#define  VGA_SR02_ALL_PLANES	0x0f
#define VGA_SEQ_CHARACTER_MAP	0x03
#define VGA_SEQ_MEMORY_MODE	0x04
#define  VGA_SR04_EXT_MEM	0x02
#define  VGA_SR04_SEQ_MODE	0x04	/* 1: odd/even off */
#define  VGA_SR04_CHN_4M	0x08
/* graphics controller */
#define VGA_GFX_SR_VALUE	0x00
#define VGA_GFX_SR_ENABLE	0x01
#define VGA_GFX_COMPARE_VALUE	0x02
#define VGA_GFX_DATA_ROTATE	0x03
#define VGA_GFX_PLANE_READ	0x04
#define VGA_GFX_MODE		0x05
#define  VGA_GR05_ODD_EVEN	0x10
#define  VGA_GR05_READ_MODE1	0x08
#define VGA_GFX_MISC		0x06
#define  VGA_GR06_GRAPHICS_MODE	0x01
#define VGA_GFX_COMPARE_MASK	0x07
#define VGA_GFX_BIT_MASK	0x08
/* CRT controller */
#define VGA_CRTC_H_TOTAL	0x00
#define VGA_CRTC_H_DISP		0x01
#define VGA_CRTC_V_TOTAL	0x06
#define VGA_CRTC_OVERFLOW	0x07
#define VGA_CRTC_MAX_SCAN	0x09
#define VGA_CRTC_CURSOR_START	0x0a
#define VGA_CRTC_CURSOR_END	0x0b
#define VGA_CRTC_START_HI	0x0c
#define VGA_CRTC_START_LO	0x0d
#define VGA_CRTC_CURSOR_HI	0x0e
#define VGA_CRTC_CURSOR_LO	0x0f
#define VGA_CRTC_V_SYNC_END	0x11
#define  VGA_CR11_LOCK_CR0_CR7	0x80
#define VGA_CRTC_V_DISP_END	0x12
#define VGA_CRTC_OFFSET		0x13
#define VGA_CRTC_MODE		0x17
#define VGA_CRTC_LINE_COMPARE	0x18
/* attribute controller */
#define VGA_ATC_PALETTEF	0x0f
#define VGA_ATC_MODE		0x10
#define  VGA_AR10_GRAPHICS	0x01
#define  VGA_AR10_LINE_GRAPHICS	0x04
#define  VGA_AR10_BLINK		0x08
#define  VGA_AR10_P54S		0x80
#define VGA_ATC_OVERSCAN	0x11
#define VGA_ATC_PLANE_ENABLE	0x12
#define VGA_ATC_PEL		0x13
#define VGA_ATC_COLOR_PAGE	0x14
#define VGA_ATT_C		0x15	/* number of attribute registers */
#define VGA_AR_ENABLE_DISPLAY	0x20	/* palette address source, in the index */
/* ports */
#define VGA_ATT_W		0x3c0
#define VGA_ATT_R		0x3c1
#define VGA_MIS_W		0x3c2
#define VGA_IS0_R		0x3c2
#define VGA_SEQ_I		0x3c4
#define VGA_SEQ_D		0x3c5
#define VGA_PEL_MSK		0x3c6
#define VGA_PEL_IR		0x3c7
#define VGA_PEL_IW		0x3c8
#define VGA_PEL_D		0x3c9
#define VGA_FTC_R		0x3ca
#define VGA_MIS_R		0x3cc
#define VGA_GFX_I		0x3ce
#define VGA_GFX_D		0x3cf
#define VGA_CRT_IM		0x3b4
#define VGA_CRT_DM		0x3b5
#define VGA_IS1_RM		0x3ba
#define VGA_CRT_IC		0x3d4
#define VGA_CRT_DC		0x3d5
#define VGA_IS1_RC		0x3da
#define VGA_MIS_COLOR		0x01
#define  VGA_ST01_DISP_ENABLE	0x01
#define  VGA_ST01_V_RETRACE	0x08

/* Bochs VBE dispi interface */
#define VBE_DISPI_INDEX_ID		0x0
#define VBE_DISPI_INDEX_XRES		0x1
#define VBE_DISPI_INDEX_YRES		0x2
#define VBE_DISPI_INDEX_BPP		0x3
#define VBE_DISPI_INDEX_ENABLE		0x4
#define VBE_DISPI_INDEX_BANK		0x5
#define VBE_DISPI_INDEX_VIRT_WIDTH	0x6
#define VBE_DISPI_INDEX_VIRT_HEIGHT	0x7
#define VBE_DISPI_INDEX_X_OFFSET	0x8
#define VBE_DISPI_INDEX_Y_OFFSET	0x9
#define VBE_DISPI_INDEX_NB		0xa
#define VBE_DISPI_INDEX_VIDEO_MEMORY_64K 0xa
#define VBE_DISPI_ID0			0xb0c0
#define VBE_DISPI_ID5			0xb0c5
#define VBE_DISPI_MAX_XRES		16000
#define VBE_DISPI_MAX_YRES		12000
#define VBE_DISPI_MAX_BPP		32
#define VBE_DISPI_ENABLED		0x01
#define VBE_DISPI_GETCAPS		0x02
#define VBE_DISPI_8BIT_DAC		0x20
#define VBE_DISPI_LFB_ENABLED		0x40
#define VBE_DISPI_NOCLEARMEM		0x80

#define VGA_TEXT_MAX_CELLS	(160 * 100)

struct vga_state {
	struct object *owner;
	struct memory_region vram;	/* RAM: planes interleaved, and the LFB */
	uint8_t *vram_ptr;
	uint32_t vram_size;		/* power of two */
	struct memory_region lowmem;	/* 0xa0000-0xbffff: container */
	struct memory_region lowmem_io;	/* planar/odd-even/chain-4 decoder */
	struct memory_region chain4_alias; /* VRAM straight in, when chain-4 allows */
	bool chain4_mapped;
	struct memory_region ioports;	/* 0x3b0-0x3df */
	struct memory_region vbe_ports;	/* 0x1ce-0x1d1 */
	struct console *con;

	/* guest-visible state */
	uint32_t latch;
	uint8_t sr_index, sr[8];
	uint8_t sr_vbe[8];		/* what the hardware uses while VBE is enabled */
	uint8_t gr_index, gr[16];
	uint8_t ar_index, ar[VGA_ATT_C];
	uint8_t ar_flip_flop;
	uint8_t cr_index, cr[256];
	uint8_t msr, fcr, st00, st01;
	uint8_t dac_state, dac_sub_index, dac_read_index, dac_write_index;
	uint8_t dac_cache[3];
	uint8_t palette[768];
	bool dac_8bit;
	uint32_t bank_offset;
	uint16_t vbe_index;
	uint16_t vbe_regs[VBE_DISPI_INDEX_NB];
	uint32_t vbe_start_addr, vbe_line_offset, vbe_bank_mask;

	/* renderer (not guest state) */
	uint32_t palette_rgb[256];
	int64_t blink_base_ms;
	bool force_blink_phase;		/* tests: fixed phase */
	bool blink_phase_on;
};

bool vga_common_init(struct vga_state *s, struct object *owner, uint32_t vram_size,
		     GError **errp);
void vga_common_fini(struct vga_state *s);
void vga_common_reset(struct vga_state *s);
/* Rebuild what the registers imply (chain-4 mapping) after a state restore. */
void vga_common_post_load(struct vga_state *s);

uint32_t vga_ioport_read(struct vga_state *s, uint32_t port);
void vga_ioport_write(struct vga_state *s, uint32_t port, uint32_t val);
uint16_t vbe_read_data(struct vga_state *s);
void vbe_write_data(struct vga_state *s, uint32_t val);
uint8_t vga_mem_readb(struct vga_state *s, uint64_t addr);
void vga_mem_writeb(struct vga_state *s, uint64_t addr, uint8_t val);

/* Render the current picture into the console's surface. */
void vga_update_display(void *opaque);
void vga_invalidate_display(void *opaque);
extern const struct graphic_console_ops vga_console_ops;

/*
 * The text screen as UTF-8-free ASCII, one line per row ('\n'-terminated),
 * characters outside 0x20-0x7e as '.'; NULL when not in a text mode.
 */
char *vga_text_dump(struct vga_state *s);

/* The state table entries for a device embedding struct vga_state at `f`. */
#define VMSTATE_VGA_FIELDS(st, f)						\
	{ .name = "vga.latch", .type = VMSTATE_TYPE_U32, .count = 1,		\
	  .offset = offsetof(st, f.latch) },					\
	{ .name = "vga.regs", .type = VMSTATE_TYPE_BUFFER,			\
	  .offset = offsetof(st, f.sr_index),					\
	  .count = offsetof(struct vga_state, dac_8bit) + sizeof(bool) -	\
		   offsetof(struct vga_state, sr_index) },			\
	{ .name = "vga.bank_offset", .type = VMSTATE_TYPE_U32, .count = 1,	\
	  .offset = offsetof(st, f.bank_offset) },				\
	{ .name = "vga.vbe_index", .type = VMSTATE_TYPE_U16, .count = 1,	\
	  .offset = offsetof(st, f.vbe_index) },				\
	{ .name = "vga.vbe_regs", .type = VMSTATE_TYPE_U16,			\
	  .count = VBE_DISPI_INDEX_NB, .offset = offsetof(st, f.vbe_regs) },	\
	{ .name = "vga.vbe_layout", .type = VMSTATE_TYPE_U32, .count = 3,	\
	  .offset = offsetof(st, f.vbe_start_addr) }

#endif

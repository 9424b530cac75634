// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Standard VGA core: sequencer, CRT controller, graphics controller,
 * attribute controller, DAC, 256 KiB of planar memory behind the legacy
 * window, and the Bochs VBE "dispi" extension (banked window and linear
 * framebuffer), plus the renderer that turns all that into a surface.
 *
 * The register and memory behaviour follows the IBM VGA Technical Reference
 * (sequencer §Sequencer Registers, graphics controller write modes 0-3 and
 * read modes 0-1, attribute controller flip-flop reset by reading Input
 * Status 1). What the renderer draws is the picture QEMU's stdvga draws for
 * the same registers and memory (9-dot cells with the line-graphics 9th
 * column, 6-bit DAC values expanded as v << 2 | (v & 1) * 3, CGA/Hercules
 * scan-line interleave, line compare, double scan), so screendumps of the
 * same guest compare pixel for pixel. One deliberate difference: with
 * blink enabled (AR10 bit 3), attribute bit 7 blinks the character, as on
 * hardware, where QEMU shows a bright background.
 *
 * Not here: the bus glue (vga-pci.c), retrace timing beyond toggling the
 * status bits, the hardware's byte/word/doubleword CRTC address modes (the
 * memory model in include/hw/display/vga.h makes them unnecessary).
 */
#include "hw/display/vga.h"
#include "qom/object.h"
#include "system/timer.h"

/* bits the guest can set, per register (reserved bits read 0) */
static const uint8_t sr_mask[8] = { 0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0x00, 0x00, 0xff };
static const uint8_t gr_mask[16] = { 0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff };

/* cursor: 16 frames on, 16 off at 60 Hz; characters blink at half that rate */
#define VGA_CURSOR_HALF_PERIOD_MS	(1000 * 16 / 60)
#define VGA_BLINK_HALF_PERIOD_MS	(2 * VGA_CURSOR_HALF_PERIOD_MS)

static inline bool vbe_enabled(struct vga_state *s)
{
	return s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED;
}

/* The sequencer register the hardware acts on (VBE modes override some). */
static inline uint8_t sr(struct vga_state *s, int idx)
{
	return vbe_enabled(s) ? s->sr_vbe[idx] : s->sr[idx];
}

/* a 4-bit plane mask spread to a byte mask per plane of the latch */
static inline uint32_t plane_mask32(unsigned m)
{
	return (m & 1 ? 0x000000ffu : 0) | (m & 2 ? 0x0000ff00u : 0) |
	       (m & 4 ? 0x00ff0000u : 0) | (m & 8 ? 0xff000000u : 0);
}

static inline uint32_t c6_to_8(uint32_t v)
{
	v &= 0x3f;
	return (v << 2) | ((v & 1) << 1) | (v & 1);
}

static inline uint32_t rgb(uint32_t r, uint32_t g, uint32_t b)
{
	return (r << 16) | (g << 8) | b;
}

/* ---- the legacy window: memory map select, fast chain-4 mapping ---- */

/*
 * With chain-4 and every plane write-enabled, CPU accesses are plain VRAM
 * accesses: map VRAM itself into the window (no exit per byte under KVM).
 */
static void vga_update_memory_access(struct vga_state *s)
{
	uint64_t base = 0, size = 0, offset = 0;
	bool map = false;

	if (!s->owner)
		return;
	if ((sr(s, VGA_SEQ_PLANE_WRITE) & VGA_SR02_ALL_PLANES) == VGA_SR02_ALL_PLANES &&
	    (sr(s, VGA_SEQ_MEMORY_MODE) & VGA_SR04_CHN_4M)) {
		switch ((s->gr[VGA_GFX_MISC] >> 2) & 3) {
		case 0:
			size = 0x20000;
			break;
		case 1:
			size = 0x10000;
			offset = s->bank_offset;
			break;
		case 2:
			base = 0x10000;
			size = 0x8000;
			break;
		default:
			base = 0x18000;
			size = 0x8000;
			break;
		}
		map = offset + size <= s->vram_size;
	}
	/* register writes are frequent (GR8 per pixel): remap only on a change */
	if (map == s->chain4_mapped &&
	    (!map || (base == s->chain4_alias.addr && size == s->chain4_alias.size &&
		      offset == s->chain4_alias.alias_offset)))
		return;
	memory_region_transaction_begin();
	if (s->chain4_mapped) {
		memory_region_del_subregion(&s->lowmem, &s->chain4_alias);
		memory_region_destroy(&s->chain4_alias);
		s->chain4_mapped = false;
	}
	if (map) {
		memory_region_init_alias(&s->chain4_alias, s->owner, "vga.chain4", &s->vram,
					 offset, size);
		memory_region_add_subregion_overlap(&s->lowmem, base, &s->chain4_alias, 1);
		s->chain4_mapped = true;
	}
	memory_region_transaction_commit();
}

/*
 * Window offset (0-0x1ffff) to VGA memory address per GR6 memory map
 * select, or -1 where the selected map does not decode.
 */
static int64_t vga_window_to_addr(struct vga_state *s, uint64_t addr)
{
	addr &= 0x1ffff;
	switch ((s->gr[VGA_GFX_MISC] >> 2) & 3) {
	case 0:
		return addr;
	case 1:
		return addr < 0x10000 ? (int64_t)(addr + s->bank_offset) : -1;
	case 2:
		return addr >= 0x10000 && addr < 0x18000 ? (int64_t)(addr - 0x10000) : -1;
	default:
		return addr >= 0x18000 ? (int64_t)(addr - 0x18000) : -1;
	}
}

uint8_t vga_mem_readb(struct vga_state *s, uint64_t offset)
{
	int64_t addr = vga_window_to_addr(s, offset);
	uint32_t ret;
	int plane;

	if (addr < 0)
		return 0xff;
	if (sr(s, VGA_SEQ_MEMORY_MODE) & VGA_SR04_CHN_4M) {
		return addr < s->vram_size ? s->vram_ptr[addr] : 0xff;
	}
	if (s->gr[VGA_GFX_MODE] & VGA_GR05_ODD_EVEN) {
		plane = (s->gr[VGA_GFX_PLANE_READ] & 2) | (addr & 1);
		addr = ((addr & ~1) << 1) | plane;
		return addr < s->vram_size ? s->vram_ptr[addr] : 0xff;
	}
	if (addr * 4 >= s->vram_size)
		return 0xff;
	/* planar: every read loads the latches from all four planes */
	s->latch = ldl_le_p(s->vram_ptr + addr * 4);
	if (!(s->gr[VGA_GFX_MODE] & VGA_GR05_READ_MODE1))
		return s->latch >> (8 * (s->gr[VGA_GFX_PLANE_READ] & 3));
	/* read mode 1: colour compare, planes masked by "color don't care" */
	ret = (s->latch ^ plane_mask32(s->gr[VGA_GFX_COMPARE_VALUE])) &
	      plane_mask32(s->gr[VGA_GFX_COMPARE_MASK]);
	ret |= ret >> 16;
	ret |= ret >> 8;
	return ~ret & 0xff;
}

void vga_mem_writeb(struct vga_state *s, uint64_t offset, uint8_t val8)
{
	int64_t addr = vga_window_to_addr(s, offset);
	uint32_t val = val8, bit_mask, set_mask, write_mask, old;
	unsigned rot, plane;

	if (addr < 0)
		return;
	if (sr(s, VGA_SEQ_MEMORY_MODE) & VGA_SR04_CHN_4M) {
		plane = addr & 3;
		if ((sr(s, VGA_SEQ_PLANE_WRITE) & (1 << plane)) && addr < s->vram_size)
			s->vram_ptr[addr] = val8;
		return;
	}
	if (s->gr[VGA_GFX_MODE] & VGA_GR05_ODD_EVEN) {
		plane = (s->gr[VGA_GFX_PLANE_READ] & 2) | (addr & 1);
		if (!(sr(s, VGA_SEQ_PLANE_WRITE) & (1 << plane)))
			return;
		addr = ((addr & ~1) << 1) | plane;
		if (addr < s->vram_size)
			s->vram_ptr[addr] = val8;
		return;
	}
	if (addr * 4 >= s->vram_size)
		return;

	rot = s->gr[VGA_GFX_DATA_ROTATE] & 7;
	switch (s->gr[VGA_GFX_MODE] & 3) {
	case 0:		/* rotate, then set/reset on the enabled planes */
		val = ((val >> rot) | (val << (8 - rot))) & 0xff;
		val *= 0x01010101u;
		set_mask = plane_mask32(s->gr[VGA_GFX_SR_ENABLE]);
		val = (val & ~set_mask) | (plane_mask32(s->gr[VGA_GFX_SR_VALUE]) & set_mask);
		bit_mask = s->gr[VGA_GFX_BIT_MASK];
		break;
	case 1:		/* the latches, as read */
		val = s->latch;
		goto write;
	case 2:		/* the low nibble is a colour, one bit per plane */
		val = plane_mask32(val & 0x0f);
		bit_mask = s->gr[VGA_GFX_BIT_MASK];
		break;
	default:	/* 3: rotated data ANDed with the bit mask, set/reset colour */
		val = ((val >> rot) | (val << (8 - rot))) & 0xff;
		bit_mask = s->gr[VGA_GFX_BIT_MASK] & val;
		val = plane_mask32(s->gr[VGA_GFX_SR_VALUE]);
		break;
	}
	switch (s->gr[VGA_GFX_DATA_ROTATE] >> 3) {	/* function select */
	case 1:
		val &= s->latch;
		break;
	case 2:
		val |= s->latch;
		break;
	case 3:
		val ^= s->latch;
		break;
	}
	bit_mask *= 0x01010101u;
	val = (val & bit_mask) | (s->latch & ~bit_mask);
write:
	write_mask = plane_mask32(sr(s, VGA_SEQ_PLANE_WRITE));
	old = ldl_le_p(s->vram_ptr + addr * 4);
	stl_le_p(s->vram_ptr + addr * 4, (old & ~write_mask) | (val & write_mask));
}

static uint64_t vga_lowmem_read(void *opaque, uint64_t addr, unsigned size)
{
	return vga_mem_readb(opaque, addr);
}

static void vga_lowmem_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	vga_mem_writeb(opaque, addr, val);
}

static const struct memory_region_ops vga_lowmem_ops = {
	.read = vga_lowmem_read,
	.write = vga_lowmem_write,
	.valid = { .min_access_size = 1, .max_access_size = 8 },
	.impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- Bochs VBE ---- */

/* Clamp the mode registers to what VRAM holds (the guest cannot be told). */
static void vbe_fixup_regs(struct vga_state *s)
{
	uint16_t *r = s->vbe_regs;
	uint32_t bits, linelength, maxy, offset;

	if (!vbe_enabled(s))
		return;
	switch (r[VBE_DISPI_INDEX_BPP]) {
	case 4: case 8: case 16: case 24: case 32:
		bits = r[VBE_DISPI_INDEX_BPP];
		break;
	case 15:
		bits = 16;
		break;
	default:
		bits = r[VBE_DISPI_INDEX_BPP] = 8;
		break;
	}
	r[VBE_DISPI_INDEX_XRES] &= ~7u;
	if (r[VBE_DISPI_INDEX_XRES] == 0)
		r[VBE_DISPI_INDEX_XRES] = 8;
	if (r[VBE_DISPI_INDEX_XRES] > VBE_DISPI_MAX_XRES)
		r[VBE_DISPI_INDEX_XRES] = VBE_DISPI_MAX_XRES;
	r[VBE_DISPI_INDEX_VIRT_WIDTH] &= ~7u;
	if (r[VBE_DISPI_INDEX_VIRT_WIDTH] > VBE_DISPI_MAX_XRES)
		r[VBE_DISPI_INDEX_VIRT_WIDTH] = VBE_DISPI_MAX_XRES;
	if (r[VBE_DISPI_INDEX_VIRT_WIDTH] < r[VBE_DISPI_INDEX_XRES])
		r[VBE_DISPI_INDEX_VIRT_WIDTH] = r[VBE_DISPI_INDEX_XRES];

	linelength = r[VBE_DISPI_INDEX_VIRT_WIDTH] * bits / 8;
	maxy = s->vram_size / linelength;
	if (r[VBE_DISPI_INDEX_YRES] == 0)
		r[VBE_DISPI_INDEX_YRES] = 1;
	if (r[VBE_DISPI_INDEX_YRES] > VBE_DISPI_MAX_YRES)
		r[VBE_DISPI_INDEX_YRES] = VBE_DISPI_MAX_YRES;
	if (r[VBE_DISPI_INDEX_YRES] > maxy)
		r[VBE_DISPI_INDEX_YRES] = maxy;

	if (r[VBE_DISPI_INDEX_X_OFFSET] > VBE_DISPI_MAX_XRES)
		r[VBE_DISPI_INDEX_X_OFFSET] = VBE_DISPI_MAX_XRES;
	if (r[VBE_DISPI_INDEX_Y_OFFSET] > VBE_DISPI_MAX_YRES)
		r[VBE_DISPI_INDEX_Y_OFFSET] = VBE_DISPI_MAX_YRES;
	offset = r[VBE_DISPI_INDEX_X_OFFSET] * bits / 8 + r[VBE_DISPI_INDEX_Y_OFFSET] * linelength;
	if (offset + r[VBE_DISPI_INDEX_YRES] * linelength > s->vram_size) {
		r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
		offset = r[VBE_DISPI_INDEX_X_OFFSET] * bits / 8;
		if (offset + r[VBE_DISPI_INDEX_YRES] * linelength > s->vram_size) {
			r[VBE_DISPI_INDEX_X_OFFSET] = 0;
			offset = 0;
		}
	}
	r[VBE_DISPI_INDEX_VIRT_HEIGHT] = MIN(maxy, 0xffffu);
	s->vbe_line_offset = linelength;
	s->vbe_start_addr = offset / 4;
}

/* A VBE mode also programs the VGA registers the renderer looks at. */
static void vbe_update_vgaregs(struct vga_state *s)
{
	int h, shift_control;

	if (!vbe_enabled(s))
		return;
	/* graphics, memory map 1 (64 KiB bank at 0xa0000) */
	s->gr[VGA_GFX_MISC] = (s->gr[VGA_GFX_MISC] & ~0x0c) | 0x04 | VGA_GR06_GRAPHICS_MODE;
	s->cr[VGA_CRTC_MODE] |= 3;		/* no CGA/Hercules interleave */
	s->cr[VGA_CRTC_OFFSET] = s->vbe_line_offset >> 3;
	s->cr[VGA_CRTC_H_DISP] = (s->vbe_regs[VBE_DISPI_INDEX_XRES] >> 3) - 1;
	h = s->vbe_regs[VBE_DISPI_INDEX_YRES] - 1;
	s->cr[VGA_CRTC_V_DISP_END] = h;
	s->cr[VGA_CRTC_OVERFLOW] = (s->cr[VGA_CRTC_OVERFLOW] & ~0x42) |
				   ((h >> 7) & 0x02) | ((h >> 3) & 0x40);
	s->cr[VGA_CRTC_LINE_COMPARE] = 0xff;	/* line compare at 1023: off */
	s->cr[VGA_CRTC_OVERFLOW] |= 0x10;
	s->cr[VGA_CRTC_MAX_SCAN] |= 0x40;
	if (s->vbe_regs[VBE_DISPI_INDEX_BPP] == 4) {
		shift_control = 0;
		s->sr_vbe[VGA_SEQ_CLOCK_MODE] &= ~VGA_SR01_DOT_CLK_DIV2;
	} else {
		shift_control = 2;
		s->sr_vbe[VGA_SEQ_MEMORY_MODE] |= VGA_SR04_CHN_4M;
		s->sr_vbe[VGA_SEQ_PLANE_WRITE] |= VGA_SR02_ALL_PLANES;
	}
	s->gr[VGA_GFX_MODE] = (s->gr[VGA_GFX_MODE] & ~0x60) | (shift_control << 5);
	s->cr[VGA_CRTC_MAX_SCAN] &= ~0x9f;	/* no double scan */
}

uint16_t vbe_read_data(struct vga_state *s)
{
	if (s->vbe_index < VBE_DISPI_INDEX_NB) {
		if (s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_GETCAPS) {
			switch (s->vbe_index) {
			case VBE_DISPI_INDEX_XRES:
				return VBE_DISPI_MAX_XRES;
			case VBE_DISPI_INDEX_YRES:
				return VBE_DISPI_MAX_YRES;
			case VBE_DISPI_INDEX_BPP:
				return VBE_DISPI_MAX_BPP;
			}
		}
		return s->vbe_regs[s->vbe_index];
	}
	if (s->vbe_index == VBE_DISPI_INDEX_VIDEO_MEMORY_64K)
		return s->vram_size >> 16;
	return 0;
}

void vbe_write_data(struct vga_state *s, uint32_t val)
{
	val &= 0xffff;
	switch (s->vbe_index) {
	case VBE_DISPI_INDEX_ID:
		if (val >= VBE_DISPI_ID0 && val <= VBE_DISPI_ID5)
			s->vbe_regs[VBE_DISPI_INDEX_ID] = val;
		break;
	case VBE_DISPI_INDEX_XRES:
	case VBE_DISPI_INDEX_YRES:
	case VBE_DISPI_INDEX_BPP:
	case VBE_DISPI_INDEX_VIRT_WIDTH:
	case VBE_DISPI_INDEX_X_OFFSET:
	case VBE_DISPI_INDEX_Y_OFFSET:
		s->vbe_regs[s->vbe_index] = val;
		vbe_fixup_regs(s);
		vbe_update_vgaregs(s);
		break;
	case VBE_DISPI_INDEX_BANK:
		val &= s->vbe_regs[VBE_DISPI_INDEX_BPP] == 4 ? s->vbe_bank_mask >> 2
							      : s->vbe_bank_mask;
		s->vbe_regs[VBE_DISPI_INDEX_BANK] = val;
		s->bank_offset = val << 16;
		vga_update_memory_access(s);
		break;
	case VBE_DISPI_INDEX_ENABLE:
		if ((val & VBE_DISPI_ENABLED) && !vbe_enabled(s)) {
			s->vbe_regs[VBE_DISPI_INDEX_VIRT_WIDTH] = 0;
			s->vbe_regs[VBE_DISPI_INDEX_X_OFFSET] = 0;
			s->vbe_regs[VBE_DISPI_INDEX_Y_OFFSET] = 0;
			s->vbe_regs[VBE_DISPI_INDEX_ENABLE] |= VBE_DISPI_ENABLED;
			memcpy(s->sr_vbe, s->sr, sizeof(s->sr));
			vbe_fixup_regs(s);
			vbe_update_vgaregs(s);
			if (!(val & VBE_DISPI_NOCLEARMEM))
				memset(s->vram_ptr, 0, MIN((uint64_t)s->vbe_regs[VBE_DISPI_INDEX_YRES] *
							    s->vbe_line_offset, s->vram_size));
		} else if (!(val & VBE_DISPI_ENABLED)) {
			s->bank_offset = 0;
		}
		s->dac_8bit = val & VBE_DISPI_8BIT_DAC;
		s->vbe_regs[VBE_DISPI_INDEX_ENABLE] = val;
		vga_update_memory_access(s);
		break;
	default:
		break;
	}
}

static uint64_t vbe_port_read(void *opaque, uint64_t off, unsigned size)
{
	struct vga_state *s = opaque;

	return off == 0 ? s->vbe_index : vbe_read_data(s);
}

static void vbe_port_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct vga_state *s = opaque;

	if (off == 0)
		s->vbe_index = val;
	else if (off <= 2)	/* 0x1cf (x86) and 0x1d0 */
		vbe_write_data(s, val);
}

static const struct memory_region_ops vbe_port_ops = {
	.read = vbe_port_read,
	.write = vbe_port_write,
	.valid = { .min_access_size = 1, .max_access_size = 2, .unaligned = true },
};

/* ---- VGA registers ---- */

/* Ports of the other (mono/colour) CRTC address range do not decode. */
static bool vga_ioport_invalid(struct vga_state *s, uint32_t port)
{
	if (s->msr & VGA_MIS_COLOR)
		return port >= 0x3b0 && port <= 0x3bf;
	return port >= 0x3d0 && port <= 0x3df;
}

uint32_t vga_ioport_read(struct vga_state *s, uint32_t port)
{
	uint32_t val;
	int index;

	if (vga_ioport_invalid(s, port))
		return 0xff;
	switch (port) {
	case VGA_ATT_W:
		return s->ar_flip_flop == 0 ? s->ar_index : 0;
	case VGA_ATT_R:
		index = s->ar_index & 0x1f;
		return index < VGA_ATT_C ? s->ar[index] : 0;
	case VGA_IS0_R:
		return s->st00;
	case VGA_SEQ_I:
		return s->sr_index;
	case VGA_SEQ_D:
		return s->sr[s->sr_index];
	case VGA_PEL_IR:
		return s->dac_state;
	case VGA_PEL_IW:
		return s->dac_write_index;
	case VGA_PEL_D:
		val = s->palette[s->dac_read_index * 3 + s->dac_sub_index];
		if (++s->dac_sub_index == 3) {
			s->dac_sub_index = 0;
			s->dac_read_index++;
		}
		return val;
	case VGA_FTC_R:
		return s->fcr;
	case VGA_MIS_R:
		return s->msr;
	case VGA_GFX_I:
		return s->gr_index;
	case VGA_GFX_D:
		return s->gr[s->gr_index];
	case VGA_CRT_IM:
	case VGA_CRT_IC:
		return s->cr_index;
	case VGA_CRT_DM:
	case VGA_CRT_DC:
		return s->cr[s->cr_index];
	case VGA_IS1_RM:
	case VGA_IS1_RC:
		/* toggle retrace and display-enable so polling loops end */
		s->st01 ^= VGA_ST01_V_RETRACE | VGA_ST01_DISP_ENABLE;
		s->ar_flip_flop = 0;
		return s->st01;
	default:
		return 0;
	}
}

static void vga_ar_write(struct vga_state *s, uint8_t val)
{
	int index;

	if (s->ar_flip_flop == 0) {
		s->ar_index = val & 0x3f;
	} else {
		index = s->ar_index & 0x1f;
		if (index <= VGA_ATC_PALETTEF)
			s->ar[index] = val & 0x3f;
		else if (index == VGA_ATC_MODE)
			s->ar[index] = val & ~0x10;
		else if (index == VGA_ATC_OVERSCAN)
			s->ar[index] = val;
		else if (index == VGA_ATC_PLANE_ENABLE)
			s->ar[index] = val & ~0xc0;
		else if (index == VGA_ATC_PEL || index == VGA_ATC_COLOR_PAGE)
			s->ar[index] = val & ~0xf0;
	}
	s->ar_flip_flop ^= 1;
}

void vga_ioport_write(struct vga_state *s, uint32_t port, uint32_t val)
{
	val &= 0xff;
	if (vga_ioport_invalid(s, port))
		return;
	switch (port) {
	case VGA_ATT_W:
		vga_ar_write(s, val);
		break;
	case VGA_MIS_W:
		s->msr = val & ~0x10;
		break;
	case VGA_SEQ_I:
		s->sr_index = val & 7;
		break;
	case VGA_SEQ_D:
		s->sr[s->sr_index] = val & sr_mask[s->sr_index];
		s->sr_vbe[s->sr_index] = s->sr[s->sr_index];
		vbe_update_vgaregs(s);
		vga_update_memory_access(s);
		break;
	case VGA_PEL_IR:
		s->dac_read_index = val;
		s->dac_sub_index = 0;
		s->dac_state = 3;
		break;
	case VGA_PEL_IW:
		s->dac_write_index = val;
		s->dac_sub_index = 0;
		s->dac_state = 0;
		break;
	case VGA_PEL_D:
		s->dac_cache[s->dac_sub_index] = val;
		if (++s->dac_sub_index == 3) {
			memcpy(&s->palette[s->dac_write_index * 3], s->dac_cache, 3);
			s->dac_sub_index = 0;
			s->dac_write_index++;
		}
		break;
	case VGA_GFX_I:
		s->gr_index = val & 0x0f;
		break;
	case VGA_GFX_D:
		s->gr[s->gr_index] = val & gr_mask[s->gr_index];
		vbe_update_vgaregs(s);
		vga_update_memory_access(s);
		break;
	case VGA_CRT_IM:
	case VGA_CRT_IC:
		s->cr_index = val;
		break;
	case VGA_CRT_DM:
	case VGA_CRT_DC:
		/* CR11 bit 7 write-protects CR0-CR7, except CR7 bit 4 (line compare bit 8) */
		if ((s->cr[VGA_CRTC_V_SYNC_END] & VGA_CR11_LOCK_CR0_CR7) &&
		    s->cr_index <= VGA_CRTC_OVERFLOW) {
			if (s->cr_index == VGA_CRTC_OVERFLOW)
				s->cr[VGA_CRTC_OVERFLOW] = (s->cr[VGA_CRTC_OVERFLOW] & ~0x10) |
							   (val & 0x10);
			return;
		}
		s->cr[s->cr_index] = val;
		break;
	case VGA_IS1_RM:
	case VGA_IS1_RC:
		s->fcr = val & 0x10;
		break;
	}
}

static uint64_t vga_port_read(void *opaque, uint64_t off, unsigned size)
{
	return vga_ioport_read(opaque, 0x3b0 + off);
}

static void vga_port_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	vga_ioport_write(opaque, 0x3b0 + off, val);
}

/* byte registers; outw(0x3c4, idx | val << 8) is split into index and data */
static const struct memory_region_ops vga_port_ops = {
	.read = vga_port_read,
	.write = vga_port_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
	.impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- life cycle ---- */

bool vga_common_init(struct vga_state *s, struct object *owner, uint32_t vram_size,
		     GError **errp)
{
	if (!vram_size || (vram_size & (vram_size - 1)) || vram_size < 256 * KiB) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "VGA memory of %u bytes: expected a power of two of at least 256 KiB",
			    vram_size);
		return false;
	}
	if (!memory_region_init_ram(&s->vram, owner, "vga.vram", vram_size, errp))
		return false;
	s->vram_ptr = memory_region_get_ram_ptr(&s->vram);
	s->vram_size = vram_size;
	s->vbe_bank_mask = (vram_size >> 16) - 1;
	memory_region_init_container(&s->lowmem, owner, "vga-lowmem", 0x20000);
	memory_region_init_io(&s->lowmem_io, owner, &vga_lowmem_ops, s, "vga-lowmem-io", 0x20000);
	memory_region_add_subregion(&s->lowmem, 0, &s->lowmem_io);
	memory_region_init_io(&s->ioports, owner, &vga_port_ops, s, "vga", 0x30);
	memory_region_init_io(&s->vbe_ports, owner, &vbe_port_ops, s, "vbe", 4);
	s->owner = owner;
	return true;
}

void vga_common_fini(struct vga_state *s)
{
	if (!s->owner)
		return;
	if (s->chain4_mapped) {
		memory_region_del_subregion(&s->lowmem, &s->chain4_alias);
		memory_region_destroy(&s->chain4_alias);
		s->chain4_mapped = false;
	}
	memory_region_del_subregion(&s->lowmem, &s->lowmem_io);
	memory_region_destroy(&s->lowmem_io);
	memory_region_destroy(&s->lowmem);
	memory_region_destroy(&s->ioports);
	memory_region_destroy(&s->vbe_ports);
	memory_region_destroy(&s->vram);
	s->owner = NULL;
}

void vga_common_reset(struct vga_state *s)
{
	s->latch = 0;
	s->sr_index = s->gr_index = s->ar_index = s->cr_index = 0;
	memset(s->sr, 0, sizeof(s->sr));
	memset(s->sr_vbe, 0, sizeof(s->sr_vbe));
	memset(s->gr, 0, sizeof(s->gr));
	memset(s->ar, 0, sizeof(s->ar));
	memset(s->cr, 0, sizeof(s->cr));
	s->ar_flip_flop = 0;
	s->msr = s->fcr = s->st00 = s->st01 = 0;
	s->dac_state = s->dac_sub_index = s->dac_read_index = s->dac_write_index = 0;
	memset(s->dac_cache, 0, sizeof(s->dac_cache));
	memset(s->palette, 0, sizeof(s->palette));
	s->dac_8bit = false;
	s->bank_offset = 0;
	s->vbe_index = 0;
	memset(s->vbe_regs, 0, sizeof(s->vbe_regs));
	s->vbe_regs[VBE_DISPI_INDEX_ID] = VBE_DISPI_ID5;
	s->vbe_start_addr = s->vbe_line_offset = 0;
	s->blink_base_ms = 0;
	vga_update_memory_access(s);
}

void vga_common_post_load(struct vga_state *s)
{
	vga_update_memory_access(s);
}

/* ---- rendering ---- */

static void vga_palette16(struct vga_state *s, uint32_t *pal)
{
	for (int i = 0; i < 16; i++) {
		uint32_t v = s->ar[i];

		/* AR10 bit 7: colour select bits 5-4 come from AR14 too */
		if (s->ar[VGA_ATC_MODE] & VGA_AR10_P54S)
			v = ((s->ar[VGA_ATC_COLOR_PAGE] & 0xf) << 4) | (v & 0xf);
		else
			v = ((s->ar[VGA_ATC_COLOR_PAGE] & 0xc) << 4) | (v & 0x3f);
		v *= 3;
		pal[i] = rgb(c6_to_8(s->palette[v]), c6_to_8(s->palette[v + 1]),
			     c6_to_8(s->palette[v + 2]));
	}
}

static void vga_palette256(struct vga_state *s, uint32_t *pal)
{
	for (int i = 0; i < 256; i++) {
		const uint8_t *p = &s->palette[i * 3];

		pal[i] = s->dac_8bit ? rgb(p[0], p[1], p[2])
				     : rgb(c6_to_8(p[0]), c6_to_8(p[1]), c6_to_8(p[2]));
	}
}

static void vga_get_offsets(struct vga_state *s, uint32_t *line_offset, uint32_t *start_addr,
			    uint32_t *line_compare)
{
	if (vbe_enabled(s)) {
		*line_offset = s->vbe_line_offset;
		*start_addr = s->vbe_start_addr;
		*line_compare = 65535;
		return;
	}
	*line_offset = s->cr[VGA_CRTC_OFFSET] << 3;
	*start_addr = s->cr[VGA_CRTC_START_LO] | (s->cr[VGA_CRTC_START_HI] << 8);
	*line_compare = s->cr[VGA_CRTC_LINE_COMPARE] |
			((s->cr[VGA_CRTC_OVERFLOW] & 0x10) << 4) |
			((s->cr[VGA_CRTC_MAX_SCAN] & 0x40) << 3);
}

static int vga_vertical_display_end(struct vga_state *s)
{
	return (s->cr[VGA_CRTC_V_DISP_END] | ((s->cr[VGA_CRTC_OVERFLOW] & 0x02) << 7) |
		((s->cr[VGA_CRTC_OVERFLOW] & 0x40) << 3)) + 1;
}

struct text_geometry {
	int cols, rows, cw, ch;
};

static void vga_text_geometry(struct vga_state *s, struct text_geometry *g)
{
	g->ch = (s->cr[VGA_CRTC_MAX_SCAN] & 0x1f) + 1;
	g->cw = (sr(s, VGA_SEQ_CLOCK_MODE) & VGA_SR01_CHAR_CLK_8DOTS) ? 8 : 9;
	if (sr(s, VGA_SEQ_CLOCK_MODE) & VGA_SR01_DOT_CLK_DIV2)
		g->cw = 16;		/* 40-column modes: pixels doubled (not 18) */
	g->cols = s->cr[VGA_CRTC_H_DISP] + 1;
	if (s->cr[VGA_CRTC_V_TOTAL] == 100)
		g->rows = 100;		/* the CGA 160x100x16 "text" mode */
	else
		g->rows = vga_vertical_display_end(s) / g->ch;
}

/* One glyph scan line: `bits` MSB first over cw pixels (9: column 9 per dup9). */
static void vga_put_glyph_line(uint32_t *d, unsigned bits, int cw, bool dup9,
			       uint32_t fg, uint32_t bg)
{
	if (cw == 16) {
		for (int x = 0; x < 8; x++)
			d[2 * x] = d[2 * x + 1] = (bits >> (7 - x)) & 1 ? fg : bg;
		return;
	}
	for (int x = 0; x < 8; x++)
		d[x] = (bits >> (7 - x)) & 1 ? fg : bg;
	if (cw == 9)
		d[8] = dup9 && (bits & 1) ? fg : bg;
}

static void vga_draw_text(struct vga_state *s)
{
	struct text_geometry g;
	struct display_surface *surf;
	uint32_t line_offset, start_addr, line_compare, pal[16];
	uint32_t font_base[2], offset, cursor_addr, v;
	int64_t now = clock_get_ns(CLOCK_VIRTUAL) / 1000000;
	bool cursor_on, blink_on;
	int stride, line = 0;
	uint8_t *dest;

	vga_get_offsets(s, &line_offset, &start_addr, &line_compare);
	vga_text_geometry(s, &g);
	if (g.cols * g.rows <= 1 || g.cols * g.rows > VGA_TEXT_MAX_CELLS)
		return;		/* transient nonsense while the guest programs the CRTC */
	surf = console_resize(s->con, g.cols * g.cw, g.rows * g.ch);
	vga_palette16(s, pal);

	/* SR3 character map select: fonts A and B, 8 KiB apart in plane 2 */
	v = s->sr[VGA_SEQ_CHARACTER_MAP];
	font_base[0] = (((v >> 4) & 1) | ((v << 1) & 6)) * 8192 * 4 + 2;
	font_base[1] = (((v >> 5) & 1) | ((v >> 1) & 6)) * 8192 * 4 + 2;

	if (s->force_blink_phase) {
		cursor_on = blink_on = s->blink_phase_on;
	} else {
		cursor_on = ((now - s->blink_base_ms) / VGA_CURSOR_HALF_PERIOD_MS) % 2 == 0;
		blink_on = ((now - s->blink_base_ms) / VGA_BLINK_HALF_PERIOD_MS) % 2 == 0;
	}
	cursor_addr = ((s->cr[VGA_CRTC_CURSOR_HI] << 8) | s->cr[VGA_CRTC_CURSOR_LO]) * 4;

	dest = surface_data(surf);
	stride = surface_stride(surf);
	offset = start_addr * 4;
	for (int cy = 0; cy < g.rows; cy++) {
		uint32_t src = offset;

		for (int cx = 0; cx < g.cols; cx++, src += 4) {
			uint8_t chr = s->vram_ptr[src & (s->vram_size - 1)];
			uint8_t attr = s->vram_ptr[(src + 1) & (s->vram_size - 1)];
			uint32_t font = font_base[(attr >> 3) & 1] + 32 * 4 * chr;
			uint32_t fg = pal[attr & 0x0f], bg = pal[attr >> 4];
			uint32_t *d = (uint32_t *)(dest + cy * g.ch * stride) + cx * g.cw;
			/* AR10 bit 2: box-drawing characters extend into column 9 (the
			 * hardware does it for 0xc0-0xdf; QEMU, and so kemu, from 0xb0) */
			bool dup9 = chr >= 0xb0 && chr <= 0xdf &&
				    (s->ar[VGA_ATC_MODE] & VGA_AR10_LINE_GRAPHICS);

			if ((s->ar[VGA_ATC_MODE] & VGA_AR10_BLINK) && (attr & 0x80)) {
				bg = pal[(attr >> 4) & 7];
				if (!blink_on)
					fg = bg;
			}
			for (int y = 0; y < g.ch; y++) {
				uint8_t bits = s->vram_ptr[(font + 4 * y) & (s->vram_size - 1)];

				vga_put_glyph_line(d + y * (stride / 4), bits, g.cw, dup9, fg, bg);
			}
			/* CR0A bit 5 turns the cursor off; CR0A/CR0B: first/last scan line */
			if (src == cursor_addr && !(s->cr[VGA_CRTC_CURSOR_START] & 0x20) && cursor_on) {
				int first = s->cr[VGA_CRTC_CURSOR_START] & 0x1f;
				int last = MIN(s->cr[VGA_CRTC_CURSOR_END] & 0x1f, g.ch - 1);

				for (int y = first; y <= last && first < g.ch; y++)
					vga_put_glyph_line(d + y * (stride / 4), 0xff, g.cw, true,
							   fg, bg);
			}
		}
		offset += line_offset;
		if (line < (int)line_compare && line + g.ch >= (int)line_compare)
			offset = 0;
		line += g.ch;
	}
}

static inline uint32_t vram_dword(struct vga_state *s, uint32_t addr)
{
	return ldl_le_p(s->vram_ptr + (addr & (s->vram_size - 1) & ~3u));
}

static inline uint8_t vram_byte(struct vga_state *s, uint32_t addr)
{
	return s->vram_ptr[addr & (s->vram_size - 1)];
}

/* 16 colours, 4 planes: 8 pixels per dword, plane p gives bit p of the index */
static void draw_line4(struct vga_state *s, uint32_t *d, uint32_t addr, int width, int dup)
{
	uint32_t pmask = plane_mask32(s->ar[VGA_ATC_PLANE_ENABLE] & 0xf);

	for (int x = 0; x < width / 8; x++, addr += 4) {
		uint32_t data = vram_dword(s, addr) & pmask;

		for (int b = 0; b < 8; b++) {
			unsigned sh = 7 - b;
			unsigned c = ((data >> sh) & 1) | (((data >> (8 + sh)) & 1) << 1) |
				     (((data >> (16 + sh)) & 1) << 2) | (((data >> (24 + sh)) & 1) << 3);

			for (int k = 0; k < dup; k++)
				*d++ = s->palette_rgb[c];
		}
	}
}

/* CGA 4 colours (shift register interleave): planes 0/2 then 1/3, 2 bits a pixel */
static void draw_line2(struct vga_state *s, uint32_t *d, uint32_t addr, int width, int dup)
{
	uint32_t pmask = plane_mask32(s->ar[VGA_ATC_PLANE_ENABLE] & 0xf);

	for (int x = 0; x < width / 8; x++, addr += 4) {
		uint32_t data = vram_dword(s, addr) & pmask;

		for (int half = 0; half < 2; half++) {
			uint8_t lo = data >> (8 * half), hi = data >> (8 * (half + 2));

			for (int p = 0; p < 4; p++) {
				unsigned sh = 6 - 2 * p;
				unsigned c = ((lo >> sh) & 3) | (((hi >> sh) & 3) << 2);

				for (int k = 0; k < dup; k++)
					*d++ = s->palette_rgb[c];
			}
		}
	}
}

static void draw_line8(struct vga_state *s, uint32_t *d, uint32_t addr, int width, int dup)
{
	/* 8d2 (mode 13h): width/2 bytes, each pixel twice */
	for (int x = 0; x < width / dup; x++)
		for (int k = 0; k < dup; k++)
			*d++ = s->palette_rgb[vram_byte(s, addr + x)];
}

static void draw_line_direct(struct vga_state *s, uint32_t *d, uint32_t addr, int width,
			     int depth)
{
	for (int x = 0; x < width; x++) {
		uint32_t v, r, g, b;

		switch (depth) {
		case 15:
			v = vram_byte(s, addr) | (vram_byte(s, addr + 1) << 8);
			r = (v >> 7) & 0xf8;
			g = (v >> 2) & 0xf8;
			b = (v << 3) & 0xf8;
			addr += 2;
			break;
		case 16:
			/*
			 * QEMU shows 5:6:5 VRAM to pixman directly, which widens
			 * each channel by repeating its top bits; 15 bpp goes
			 * through QEMU's own converter, which does not.
			 */
			v = vram_byte(s, addr) | (vram_byte(s, addr + 1) << 8);
			r = (v >> 8) & 0xf8;
			g = (v >> 3) & 0xfc;
			b = (v << 3) & 0xf8;
			r |= r >> 5;
			g |= g >> 6;
			b |= b >> 5;
			addr += 2;
			break;
		case 24:
			b = vram_byte(s, addr);
			g = vram_byte(s, addr + 1);
			r = vram_byte(s, addr + 2);
			addr += 3;
			break;
		default:
			b = vram_byte(s, addr);
			g = vram_byte(s, addr + 1);
			r = vram_byte(s, addr + 2);
			addr += 4;
			break;
		}
		d[x] = rgb(r, g, b);
	}
}

static void vga_draw_graphic(struct vga_state *s)
{
	uint32_t line_offset, start_addr, line_compare, addr1, addr;
	int width, height, disp_width, shift_control, double_scan, multi_scan, multi_run;
	int depth = vbe_enabled(s) ? s->vbe_regs[VBE_DISPI_INDEX_BPP] : 0;
	bool div2 = sr(s, VGA_SEQ_CLOCK_MODE) & VGA_SR01_DOT_CLK_DIV2;
	struct display_surface *surf;
	int stride, y1 = 0;
	uint8_t *d;

	vga_get_offsets(s, &line_offset, &start_addr, &line_compare);
	if (vbe_enabled(s)) {
		width = s->vbe_regs[VBE_DISPI_INDEX_XRES];
		height = s->vbe_regs[VBE_DISPI_INDEX_YRES];
	} else {
		width = (s->cr[VGA_CRTC_H_DISP] + 1) * 8;
		height = vga_vertical_display_end(s);
	}
	shift_control = (s->gr[VGA_GFX_MODE] >> 5) & 3;
	double_scan = s->cr[VGA_CRTC_MAX_SCAN] >> 7;
	if (shift_control != 1)
		multi_scan = (((s->cr[VGA_CRTC_MAX_SCAN] & 0x1f) + 1) << double_scan) - 1;
	else
		multi_scan = double_scan;	/* CGA modes ignore the scan-line count */
	disp_width = width;
	if (shift_control <= 1 && div2)
		disp_width <<= 1;
	if (disp_width <= 0 || height <= 0 || disp_width > 16384 || height > 16384)
		return;
	surf = console_resize(s->con, disp_width, height);
	if (shift_control <= 1)
		vga_palette16(s, s->palette_rgb);
	else if (depth <= 8)
		vga_palette256(s, s->palette_rgb);

	d = surface_data(surf);
	stride = surface_stride(surf);
	addr1 = start_addr * 4;
	multi_run = multi_scan;
	for (int y = 0; y < height; y++, d += stride) {
		uint32_t *line = (uint32_t *)d;

		addr = addr1;
		if (!(s->cr[VGA_CRTC_MODE] & 1)) {
			/* CR17 bit 0 clear: CGA interleave, scan line bit 0 -> address bit 13 */
			int shift = 14 + ((s->cr[VGA_CRTC_MODE] >> 6) & 1);

			addr = (addr & ~(1u << shift)) | ((y1 & 1) << shift);
		}
		if (!(s->cr[VGA_CRTC_MODE] & 2))	/* Hercules: scan line bit 1 */
			addr = (addr & ~0x8000u) | ((y1 & 2) << 14);

		if (shift_control == 0)
			draw_line4(s, line, addr, width, div2 ? 2 : 1);
		else if (shift_control == 1)
			draw_line2(s, line, addr, width, div2 ? 2 : 1);
		else if (depth == 0)
			draw_line8(s, line, addr, width, 2);
		else if (depth == 8)
			draw_line8(s, line, addr, width, 1);
		else
			draw_line_direct(s, line, addr, width, depth);

		if (!multi_run) {
			int mask = (s->cr[VGA_CRTC_MODE] & 3) ^ 3;

			if ((y1 & mask) == mask)
				addr1 += line_offset;
			y1++;
			multi_run = multi_scan;
		} else {
			multi_run--;
		}
		if (y == (int)line_compare)	/* split screen: restart at address 0 */
			addr1 = 0;
	}
}

static void vga_draw_blank(struct vga_state *s)
{
	struct display_surface *surf = console_surface(s->con);

	memset(surface_data(surf), 0, (size_t)surface_stride(surf) * surface_height(surf));
}

void vga_update_display(void *opaque)
{
	struct vga_state *s = opaque;

	if (!s->con)
		return;
	/* palette address source clear: the attribute controller blanks the screen */
	if (!(s->ar_index & VGA_AR_ENABLE_DISPLAY))
		vga_draw_blank(s);
	else if (s->gr[VGA_GFX_MISC] & VGA_GR06_GRAPHICS_MODE)
		vga_draw_graphic(s);
	else
		vga_draw_text(s);
}

void vga_invalidate_display(void *opaque)
{
	/* every update redraws everything */
}

static char *vga_console_text_dump(void *opaque)
{
	return vga_text_dump(opaque);
}

const struct graphic_console_ops vga_console_ops = {
	.update = vga_update_display,
	.invalidate = vga_invalidate_display,
	.text_dump = vga_console_text_dump,
};

char *vga_text_dump(struct vga_state *s)
{
	struct text_geometry g;
	uint32_t line_offset, start_addr, line_compare, offset;
	GString *out;

	if (!(s->ar_index & VGA_AR_ENABLE_DISPLAY) || (s->gr[VGA_GFX_MISC] & VGA_GR06_GRAPHICS_MODE))
		return NULL;
	vga_get_offsets(s, &line_offset, &start_addr, &line_compare);
	vga_text_geometry(s, &g);
	if (g.cols * g.rows <= 1 || g.cols * g.rows > VGA_TEXT_MAX_CELLS)
		return NULL;
	out = g_string_new(NULL);
	offset = start_addr * 4;
	for (int cy = 0; cy < g.rows; cy++) {
		for (int cx = 0; cx < g.cols; cx++) {
			uint8_t c = vram_byte(s, offset + cx * 4);

			g_string_append_c(out, c >= 0x20 && c < 0x7f ? c : (c ? '.' : ' '));
		}
		g_string_append_c(out, '\n');
		offset += line_offset;
		if (cy * g.ch < (int)line_compare && (cy + 1) * g.ch >= (int)line_compare)
			offset = 0;
	}
	return g_string_free(out, false);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Intel 8237A DMA controller, one of the two on the PC/AT ISA bus (see
 * include/hw/dma/i8257.h for the pair and the device API).
 *
 * Registers (8237A data sheet, "Register Description" and Table 2): per
 * channel a 16-bit base/current address and word count, written and read a
 * byte at a time through the byte pointer flip-flop; command, mode, request,
 * mask and status registers; master clear. The page registers that give
 * address bits 16-23 are PC/AT board logic (74LS612), modelled here because
 * only the DMA channels use them.
 *
 * The transfer is not cycle-accurate: when a device holds DREQ on an
 * unmasked channel, a bottom half calls the device's transfer callback,
 * which moves as much as it has. Demand, single and block modes therefore
 * behave alike; cascade mode (channel 4) needs no action.
 *
 * Not here: memory-to-memory transfers (command bit 0; logged as
 * unimplemented), the EISA high page registers (0x481...), the
 * temporary register's contents (reads 0).
 */
#include "kemu/common.h"
#include "hw/dma/i8257.h"
#include "hw/isa/isa.h"
#include "system/main-loop.h"

/* controller registers, by index (port offset >> dshift) */
#define DMA_REG_STATUS		8	/* read: status; write: command */
#define DMA_REG_REQUEST		9
#define DMA_REG_SINGLE_MASK	10
#define DMA_REG_MODE		11
#define DMA_REG_CLEAR_FF	12
#define DMA_REG_MASTER_CLEAR	13	/* read: temporary register */
#define DMA_REG_CLEAR_MASK	14
#define DMA_REG_WRITE_MASK	15

#define DMA_CMD_MEM_TO_MEM	0x01
#define DMA_CMD_DISABLE		0x04

/* mode register: bits 0-1 channel, 2-3 transfer type, 4 auto-init, 5 decrement, 6-7 mode */
#define DMA_MODE_TYPE_MASK	0x0c
#define DMA_MODE_TYPE_VERIFY	0x00
#define DMA_MODE_TYPE_WRITE	0x04	/* device -> memory */
#define DMA_MODE_TYPE_READ	0x08	/* memory -> device */
#define DMA_MODE_AUTOINIT	0x10
#define DMA_MODE_DECREMENT	0x20
#define DMA_MODE_CASCADE	0xc0

/* The device on a channel (not guest state). */
struct i8257_client {
	i8257_transfer_fn transfer;
	void *opaque;
};

struct i8257_state {
	struct isa_device parent;
	struct memory_region io, page_io, page_io_ch0;
	struct kemu_bh *run_bh;

	uint8_t command;
	uint8_t mask;			/* bits 0-3 */
	uint8_t status;			/* bits 0-3 terminal count reached (cleared on read) */
	uint8_t request;		/* software requests, bits 0-3 */
	uint8_t dreq;			/* device requests, bits 0-3 */
	uint8_t flip_flop;
	/* per channel */
	uint16_t base_addr[4], base_count[4];	/* as programmed (count = transfers - 1) */
	uint32_t pos[4];			/* bytes moved in this cycle */
	uint8_t mode[4];
	uint8_t page[4];			/* address bits 16-23 */
	struct i8257_client client[4];

	/* properties */
	uint32_t iobase, page_base;
	uint8_t dshift;			/* 0: 8-bit controller, 1: 16-bit (word) controller */
};

#define I8257(obj) OBJECT_CHECK(struct i8257_state, (obj), TYPE_I8257)

/* Page register port (offset from page_base) -> channel, PC/AT wiring. */
static const int8_t i8257_page_channel[8] = { -1, 2, 3, 1, -1, -1, -1, 0 };

struct device *i8257_for_channel(int nchan)
{
	if (nchan < 0 || nchan > 7)
		return NULL;
	return isa_bus_get()->dma[nchan >> 2];
}

static struct i8257_state *i8257_channel_owner(struct device *dma, int nchan, int *local)
{
	struct i8257_state *s;

	if (!dma || nchan < 0 || nchan > 7)
		return NULL;
	s = I8257(dma);
	if ((nchan >> 2) != s->dshift)
		return NULL;
	*local = nchan & 3;
	return s;
}

/* ---- running transfers ---- */

static bool i8257_channel_runnable(struct i8257_state *s, int ch)
{
	uint8_t mask = 1u << ch;

	return !(s->command & DMA_CMD_DISABLE) && !(s->mask & mask) &&
	       ((s->dreq | s->request) & mask) && s->client[ch].transfer &&
	       (s->mode[ch] & DMA_MODE_CASCADE) != DMA_MODE_CASCADE;
}

static void i8257_schedule(struct i8257_state *s)
{
	for (int ch = 0; ch < 4; ch++) {
		if (i8257_channel_runnable(s, ch)) {
			bh_schedule(s->run_bh);
			return;
		}
	}
}

static uint32_t i8257_cycle_len(struct i8257_state *s, int ch)
{
	return ((uint32_t)s->base_count[ch] + 1) << s->dshift;
}

static bool i8257_channel_run(struct i8257_state *s, int ch)
{
	uint32_t len = i8257_cycle_len(s, ch);
	uint32_t old = s->pos[ch];
	int n;

	n = s->client[ch].transfer(s->client[ch].opaque, ch + (s->dshift << 2), old, len);
	/* a device returning nonsense must not push the counters out of range */
	s->pos[ch] = n < (int)old ? old : MIN((uint32_t)n, len);
	if (s->pos[ch] == len) {
		/* terminal count (8237A "End of Process") */
		s->status |= 1u << ch;
		s->request &= ~(1u << ch);
		s->pos[ch] = 0;
		if (!(s->mode[ch] & DMA_MODE_AUTOINIT))
			s->mask |= 1u << ch;
		/*
		 * An auto-init channel with DREQ still up would go round forever
		 * inside one main-loop iteration: the next cycle starts when the
		 * device asks again (i8257_dma_hold).
		 */
		return false;
	}
	return s->pos[ch] != old;
}

static void i8257_run_bh(void *opaque)
{
	struct i8257_state *s = opaque;
	bool progress = false;

	for (int ch = 0; ch < 4; ch++)
		if (i8257_channel_runnable(s, ch))
			progress |= i8257_channel_run(s, ch);
	/* more to do for a device that keeps DREQ up; a stalled one re-holds */
	if (progress)
		i8257_schedule(s);
}

bool i8257_dma_register_channel(struct device *dma, int nchan, i8257_transfer_fn fn,
				void *opaque)
{
	int ch;
	struct i8257_state *s = i8257_channel_owner(dma, nchan, &ch);

	g_assert(s);
	if (fn && s->client[ch].transfer && s->client[ch].opaque != opaque)
		return false;
	s->client[ch].transfer = fn;
	s->client[ch].opaque = opaque;
	return true;
}

void i8257_dma_hold(struct device *dma, int nchan)
{
	int ch;
	struct i8257_state *s = i8257_channel_owner(dma, nchan, &ch);

	if (!s)
		return;
	s->dreq |= 1u << ch;
	i8257_schedule(s);
}

void i8257_dma_release(struct device *dma, int nchan)
{
	int ch;
	struct i8257_state *s = i8257_channel_owner(dma, nchan, &ch);

	if (s)
		s->dreq &= ~(1u << ch);
}

/* ---- memory side ---- */

/*
 * Guest address of byte pos of the cycle. The address counter is 16 bits
 * and does not carry into the page register: 8-bit channels stay inside a
 * 64 KiB page, 16-bit ones (word addresses, page bit 0 unused) inside 128 KiB.
 */
static uint64_t i8257_byte_address(struct i8257_state *s, int ch, uint32_t pos)
{
	uint32_t window = 0x10000u << s->dshift;
	uint32_t start = (uint32_t)s->base_addr[ch] << s->dshift;
	uint32_t page = s->dshift ? (s->page[ch] & 0xfe) : s->page[ch];
	uint32_t off;

	if (s->mode[ch] & DMA_MODE_DECREMENT)
		off = (start - pos) & (window - 1);
	else
		off = (start + pos) & (window - 1);
	return ((uint64_t)page << 16) + off;
}

static bool i8257_transfer_check(struct i8257_state *s, int ch, uint8_t type, int pos, int len)
{
	uint8_t mode_type = s->mode[ch] & DMA_MODE_TYPE_MASK;

	if (pos < 0 || len < 0 || (uint32_t)pos + len > i8257_cycle_len(s, ch)) {
		guest_error("i8257: channel %d: transfer of %d bytes at %d beyond the programmed count",
			    ch + (s->dshift << 2), len, pos);
		return false;
	}
	if (mode_type == type)
		return true;
	if (mode_type != DMA_MODE_TYPE_VERIFY)
		guest_error("i8257: channel %d: device %s memory but the mode register says %s",
			    ch + (s->dshift << 2), type == DMA_MODE_TYPE_READ ? "reads" : "writes",
			    mode_type == DMA_MODE_TYPE_WRITE ? "write" :
			    mode_type == DMA_MODE_TYPE_READ ? "read" : "illegal");
	return false;
}

/* Move len bytes between buf and the channel's guest addresses, in contiguous runs. */
static void i8257_memory_rw(struct i8257_state *s, int ch, uint8_t *buf, int pos, int len,
			    bool to_memory)
{
	struct address_space *as = isa_bus_get()->as_mem;
	bool down = s->mode[ch] & DMA_MODE_DECREMENT;
	uint32_t window = 0x10000u << s->dshift;

	while (len > 0) {
		uint64_t addr = i8257_byte_address(s, ch, pos);
		int run = down ? 1 : (int)MIN((uint64_t)len, window - (addr & (window - 1)));
		memtx_result r;

		if (!as)
			r = MEMTX_ERROR;
		else if (to_memory)
			r = dma_memory_write(as, addr, buf, run);
		else
			r = dma_memory_read(as, addr, buf, run);
		if (r != MEMTX_OK) {
			guest_error("i8257: channel %d: DMA to 0x%" PRIx64 " (%d bytes) is not RAM",
				    ch + (s->dshift << 2), addr, run);
			if (!to_memory)
				memset(buf, 0xff, run);
		}
		buf += run;
		pos += run;
		len -= run;
	}
}

int i8257_dma_read_memory(struct device *dma, int nchan, void *buf, int pos, int len)
{
	int ch;
	struct i8257_state *s = i8257_channel_owner(dma, nchan, &ch);

	if (!s || len <= 0)
		return 0;
	if (!i8257_transfer_check(s, ch, DMA_MODE_TYPE_READ, pos, len)) {
		memset(buf, 0xff, len);		/* nothing drives the data bus */
		return len;
	}
	i8257_memory_rw(s, ch, buf, pos, len, false);
	return len;
}

int i8257_dma_write_memory(struct device *dma, int nchan, const void *buf, int pos, int len)
{
	int ch;
	struct i8257_state *s = i8257_channel_owner(dma, nchan, &ch);

	if (!s || len <= 0)
		return 0;
	if (!i8257_transfer_check(s, ch, DMA_MODE_TYPE_WRITE, pos, len))
		return len;
	i8257_memory_rw(s, ch, (uint8_t *)buf, pos, len, true);
	return len;
}

/* ---- registers ---- */

static uint16_t i8257_current_addr(struct i8257_state *s, int ch)
{
	uint32_t units = s->pos[ch] >> s->dshift;

	return s->mode[ch] & DMA_MODE_DECREMENT ? s->base_addr[ch] - units : s->base_addr[ch] + units;
}

static uint8_t i8257_flip(struct i8257_state *s, uint16_t v)
{
	uint8_t byte = s->flip_flop ? v >> 8 : v & 0xff;

	s->flip_flop ^= 1;
	return byte;
}

static void i8257_master_clear(struct i8257_state *s)
{
	/* 8237A "Master Clear": like a hardware reset; address/count kept */
	s->command = 0;
	s->status = 0;
	s->request = 0;
	s->flip_flop = 0;
	s->mask = 0x0f;
}

static uint64_t i8257_io_read(void *opaque, uint64_t off, unsigned size)
{
	struct i8257_state *s = opaque;
	unsigned reg = (off >> s->dshift) & 0x0f;
	uint8_t v;

	if (reg < 8) {
		int ch = reg >> 1;
		uint16_t val = reg & 1 ?
			(uint16_t)(s->base_count[ch] - (s->pos[ch] >> s->dshift)) :
			i8257_current_addr(s, ch);
		return i8257_flip(s, val);
	}
	switch (reg) {
	case DMA_REG_STATUS:
		v = s->status | (uint8_t)((s->dreq | s->request) << 4);
		s->status = 0;		/* TC bits clear when read */
		return v;
	case DMA_REG_MASTER_CLEAR:
		return 0;		/* temporary register: memory-to-memory only */
	case DMA_REG_WRITE_MASK:
		return s->mask | 0xf0;	/* readable on the PIIX's 82C37 */
	default:
		guest_error("i8257: read of write-only register %u", reg);
		return 0xff;
	}
}

static void i8257_io_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct i8257_state *s = opaque;
	unsigned reg = (off >> s->dshift) & 0x0f;
	int ch = val & 3;

	if (reg < 8) {
		int n = reg >> 1;
		uint16_t *r = reg & 1 ? &s->base_count[n] : &s->base_addr[n];

		*r = s->flip_flop ? (*r & 0x00ff) | (val << 8) : (*r & 0xff00) | (val & 0xff);
		s->flip_flop ^= 1;
		s->pos[n] = 0;		/* writing the base writes the current register too */
		return;
	}
	switch (reg) {
	case DMA_REG_STATUS:
		s->command = val;
		if (val & DMA_CMD_MEM_TO_MEM)
			log_unimp("i8257: memory-to-memory transfers");
		break;
	case DMA_REG_REQUEST:
		if (val & 4)
			s->request |= 1u << ch;
		else
			s->request &= ~(1u << ch);
		break;
	case DMA_REG_SINGLE_MASK:
		if (val & 4)
			s->mask |= 1u << ch;
		else
			s->mask &= ~(1u << ch);
		break;
	case DMA_REG_MODE:
		s->mode[ch] = val;
		if ((val & DMA_MODE_TYPE_MASK) == DMA_MODE_TYPE_MASK)
			guest_error("i8257: channel %d: illegal transfer type in mode 0x%02x",
				    ch + (s->dshift << 2), (unsigned)val);
		break;
	case DMA_REG_CLEAR_FF:
		s->flip_flop = 0;
		break;
	case DMA_REG_MASTER_CLEAR:
		i8257_master_clear(s);
		break;
	case DMA_REG_CLEAR_MASK:
		s->mask = 0;
		break;
	case DMA_REG_WRITE_MASK:
		s->mask = val & 0x0f;
		break;
	}
	i8257_schedule(s);
}

static const struct memory_region_ops i8257_io_ops = {
	.read = i8257_io_read,
	.write = i8257_io_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
	.impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* Page registers: offset 0-2 at page_base+1 (channels 2, 3, 1), page_base+7 (channel 0). */
static uint64_t i8257_page_read(void *opaque, uint64_t off, unsigned size)
{
	struct i8257_state *s = opaque;

	return s->page[i8257_page_channel[off + 1]];
}

static void i8257_page_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct i8257_state *s = opaque;

	s->page[i8257_page_channel[off + 1]] = val;
}

static const struct memory_region_ops i8257_page_ops = {
	.read = i8257_page_read,
	.write = i8257_page_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
	.impl = { .min_access_size = 1, .max_access_size = 1 },
};

static uint64_t i8257_page0_read(void *opaque, uint64_t off, unsigned size)
{
	struct i8257_state *s = opaque;

	return s->page[0];
}

static void i8257_page0_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct i8257_state *s = opaque;

	s->page[0] = val;
}

static const struct memory_region_ops i8257_page0_ops = {
	.read = i8257_page0_read,
	.write = i8257_page0_write,
	.valid = { .min_access_size = 1, .max_access_size = 1 },
};

static bool i8257_realize(struct device *dev, GError **errp)
{
	struct i8257_state *s = I8257(dev);
	struct isa_bus *bus = isa_bus_get();

	if (s->dshift > 1) {
		g_set_error(errp, KEMU_ERROR, 0, "dshift=%u: expected 0 (channels 0-3) or 1 (4-7)",
			    s->dshift);
		return false;
	}
	if (s->iobase > 0xffff - (16u << s->dshift) || s->page_base > 0xfff8) {
		g_set_error(errp, KEMU_ERROR, 0, "iobase=0x%x, page-base=0x%x: outside the port space",
			    s->iobase, s->page_base);
		return false;
	}
	if (bus->dma[s->dshift]) {
		g_set_error(errp, KEMU_ERROR, 0, "the ISA bus already has a DMA controller for "
			    "channels %d-%d", s->dshift * 4, s->dshift * 4 + 3);
		return false;
	}
	bus->dma[s->dshift] = dev;
	s->run_bh = bh_new(i8257_run_bh, s);
	memory_region_init_io(&s->io, OBJECT(dev), &i8257_io_ops, s, "dma-cont",
			      16u << s->dshift);
	memory_region_init_io(&s->page_io, OBJECT(dev), &i8257_page_ops, s, "dma-page", 3);
	memory_region_init_io(&s->page_io_ch0, OBJECT(dev), &i8257_page0_ops, s, "dma-page", 1);
	isa_register_ioport(ISA_DEVICE(dev), &s->io, s->iobase);
	isa_register_ioport(ISA_DEVICE(dev), &s->page_io, s->page_base + 1);
	isa_register_ioport(ISA_DEVICE(dev), &s->page_io_ch0, s->page_base + 7);
	return true;
}

static void i8257_unrealize(struct device *dev)
{
	struct i8257_state *s = I8257(dev);
	struct isa_bus *bus = isa_bus_get();

	if (bus->dma[s->dshift] == dev)
		bus->dma[s->dshift] = NULL;
	bh_delete(s->run_bh);
	s->run_bh = NULL;
	memory_region_destroy(&s->io);
	memory_region_destroy(&s->page_io);
	memory_region_destroy(&s->page_io_ch0);
}

static void i8257_reset(struct device *dev)
{
	struct i8257_state *s = I8257(dev);

	i8257_master_clear(s);
	s->dreq = 0;
	memset(s->base_addr, 0, sizeof(s->base_addr));
	memset(s->base_count, 0, sizeof(s->base_count));
	memset(s->pos, 0, sizeof(s->pos));
	memset(s->mode, 0, sizeof(s->mode));
	memset(s->page, 0, sizeof(s->page));
	/* PC/AT: channel 4 cascades the 8-bit controller (BIOSes set this too) */
	if (s->dshift)
		s->mode[0] = DMA_MODE_CASCADE;
}

static const struct vmstate_field i8257_fields[] = {
	VMSTATE_U8(struct i8257_state, command),
	VMSTATE_U8(struct i8257_state, mask),
	VMSTATE_U8(struct i8257_state, status),
	VMSTATE_U8(struct i8257_state, request),
	VMSTATE_U8(struct i8257_state, dreq),
	VMSTATE_U8(struct i8257_state, flip_flop),
	VMSTATE_U16_ARRAY(struct i8257_state, base_addr, 4),
	VMSTATE_U16_ARRAY(struct i8257_state, base_count, 4),
	VMSTATE_U32_ARRAY(struct i8257_state, pos, 4),
	VMSTATE_U8_ARRAY(struct i8257_state, mode, 4),
	VMSTATE_U8_ARRAY(struct i8257_state, page, 4),
	VMSTATE_END
};

static const struct property i8257_props[] = {
	PROP_U32("base", struct i8257_state, iobase, 0x00),
	PROP_U32("page-base", struct i8257_state, page_base, 0x80),
	PROP_U8("dshift", struct i8257_state, dshift, 0),
	PROP_END
};

DEFINE_DEVICE_TYPE(i8257, TYPE_I8257, TYPE_ISA_DEVICE, struct i8257_state,
		   .realize = i8257_realize, .unrealize = i8257_unrealize, .reset = i8257_reset,
		   .props = i8257_props, .vmstate = i8257_fields, .vmstate_version = 1,
		   .no_user = true, .desc = "ISA DMA controller (8237A)", .category = "misc");

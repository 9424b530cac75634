// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "fw_cfg_io": the PC's port interface to fw_cfg (QEMU docs/specs/fw_cfg.rst,
 * "x86, x86_64 Register Locations"). Two regions, which the board maps:
 *	ctl/data, 2 bytes (0x510): 16-bit write at +0 selects an item, 8-bit
 *		read (at +0 or +1) returns the next data byte; data writes are
 *		ignored, as in QEMU since 2.4.
 *	DMA, 8 bytes (0x514): the big-endian guest-physical address of a
 *		descriptor. A 32-bit write at +0 sets the high half, a 32-bit write
 *		at +4 the low half and starts the transfer; a 64-bit write at +0 sets
 *		all and starts. Reads return the signature "QEMU CFG".
 * The item store and the register semantics are in fw_cfg.c.
 */
#include "kemu/common.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/device.h"
#include "system/memory.h"

struct fw_cfg_io {
	struct device parent;
	struct fw_cfg_state cfg;
	struct memory_region ctl;
	struct memory_region dma;
	struct address_space *dma_as;
	bool dma_enabled;		/* property */
};

#define FW_CFG_IO(obj) OBJECT_CHECK(struct fw_cfg_io, (obj), TYPE_FW_CFG_IO)

static uint64_t fw_cfg_ctl_read(void *opaque, uint64_t offset, unsigned size)
{
	struct fw_cfg_io *s = opaque;

	if (size != 1) {
		guest_error("fw_cfg: %u-byte read of port +%" PRIu64, size, offset);
		return ~0ULL;
	}
	return fw_cfg_data_read(&s->cfg);
}

static void fw_cfg_ctl_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct fw_cfg_io *s = opaque;

	if (offset == 0 && size == 2)
		fw_cfg_select(&s->cfg, value);
	else if (size == 1)
		;	/* data port writes: ignored since QEMU 2.4 */
	else
		guest_error("fw_cfg: %u-byte write of port +%" PRIu64, size, offset);
}

static const struct memory_region_ops fw_cfg_ctl_ops = {
	.read = fw_cfg_ctl_read,
	.write = fw_cfg_ctl_write,
	.valid = { .min_access_size = 1, .max_access_size = 2 },
};

static uint64_t fw_cfg_dma_read(void *opaque, uint64_t offset, unsigned size)
{
	static const char sig[8] = FW_CFG_DMA_SIGNATURE;
	uint64_t v = 0;

	/* The register is big-endian: byte i of the port range is sig[i]. */
	for (unsigned i = 0; i < size && offset + i < 8; i++)
		v |= (uint64_t)(uint8_t)sig[offset + i] << (8 * i);
	return v;
}

static void fw_cfg_dma_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct fw_cfg_io *s = opaque;

	if (size == 4 && offset == 0) {
		s->cfg.dma_addr = (uint64_t)__builtin_bswap32(value) << 32;
	} else if (size == 4 && offset == 4) {
		s->cfg.dma_addr |= __builtin_bswap32(value);
		fw_cfg_dma_transfer(&s->cfg, s->cfg.dma_addr);
		s->cfg.dma_addr = 0;
	} else if (size == 8 && offset == 0) {
		s->cfg.dma_addr = __builtin_bswap64(value);
		fw_cfg_dma_transfer(&s->cfg, s->cfg.dma_addr);
		s->cfg.dma_addr = 0;
	} else {
		guest_error("fw_cfg: %u-byte write of DMA register +%" PRIu64, size, offset);
	}
}

static const struct memory_region_ops fw_cfg_dma_ops = {
	.read = fw_cfg_dma_read,
	.write = fw_cfg_dma_write,
	.valid = { .min_access_size = 1, .max_access_size = 8 },
};

static bool fw_cfg_as_read(void *opaque, uint64_t addr, void *buf, uint64_t len)
{
	struct fw_cfg_io *s = opaque;

	return s->dma_as && dma_memory_read(s->dma_as, addr, buf, len) == MEMTX_OK;
}

static bool fw_cfg_as_write(void *opaque, uint64_t addr, const void *buf, uint64_t len)
{
	struct fw_cfg_io *s = opaque;

	return s->dma_as && dma_memory_write(s->dma_as, addr, buf, len) == MEMTX_OK;
}

static void fw_cfg_io_init(struct object *obj)
{
	struct fw_cfg_io *s = FW_CFG_IO(obj);

	/* Before realize, so the board can add items as soon as it has the device. */
	fw_cfg_state_init(&s->cfg, true);
	s->cfg.dma = (struct fw_cfg_dma_ops){ fw_cfg_as_read, fw_cfg_as_write, s };
}

static void fw_cfg_io_finalize(struct object *obj)
{
	fw_cfg_state_destroy(&FW_CFG_IO(obj)->cfg);
}

static bool fw_cfg_io_realize(struct device *dev, GError **errp)
{
	struct fw_cfg_io *s = FW_CFG_IO(dev);

	s->cfg.dma_enabled = s->dma_enabled;
	fw_cfg_add_i32(&s->cfg, FW_CFG_ID,
		       FW_CFG_VERSION | (s->dma_enabled ? FW_CFG_VERSION_DMA : 0));
	memory_region_init_io(&s->ctl, OBJECT(s), &fw_cfg_ctl_ops, s, "fwcfg", 2);
	memory_region_init_io(&s->dma, OBJECT(s), &fw_cfg_dma_ops, s, "fwcfg.dma", 8);
	return true;
}

static void fw_cfg_io_reset(struct device *dev)
{
	fw_cfg_state_reset(&FW_CFG_IO(dev)->cfg);
}

struct fw_cfg_state *fw_cfg_io_state(struct device *dev)
{
	return &FW_CFG_IO(dev)->cfg;
}

void fw_cfg_io_set_dma_as(struct device *dev, struct address_space *as)
{
	FW_CFG_IO(dev)->dma_as = as;
}

struct memory_region *fw_cfg_io_region(struct device *dev)
{
	return &FW_CFG_IO(dev)->ctl;
}

struct memory_region *fw_cfg_io_dma_region(struct device *dev)
{
	return &FW_CFG_IO(dev)->dma;
}

struct device *fw_cfg_io_create(struct memory_region *io_space, uint16_t base,
				struct address_space *dma_as, GError **errp)
{
	struct device *dev = device_new(TYPE_FW_CFG_IO);

	fw_cfg_io_set_dma_as(dev, dma_as);
	if (!device_realize(dev, errp)) {
		object_unref(OBJECT(dev));
		return NULL;
	}
	memory_region_add_subregion(io_space, base, fw_cfg_io_region(dev));
	if (FW_CFG_IO(dev)->dma_enabled)
		memory_region_add_subregion(io_space, base + 4, fw_cfg_io_dma_region(dev));
	return dev;
}

static const struct vmstate_field fw_cfg_io_fields[] = {
	VMSTATE_U16(struct fw_cfg_io, cfg.cur_entry),
	VMSTATE_U32(struct fw_cfg_io, cfg.cur_offset),
	VMSTATE_U64(struct fw_cfg_io, cfg.dma_addr),
	VMSTATE_END
};

static const struct property fw_cfg_io_props[] = {
	PROP_BOOL("dma_enabled", struct fw_cfg_io, dma_enabled, true),
	PROP_END
};

DEFINE_DEVICE_TYPE(fw_cfg_io, TYPE_FW_CFG_IO, TYPE_DEVICE, struct fw_cfg_io,
		   .realize = fw_cfg_io_realize, .reset = fw_cfg_io_reset,
		   .instance_init = fw_cfg_io_init, .instance_finalize = fw_cfg_io_finalize,
		   .props = fw_cfg_io_props, .vmstate = fw_cfg_io_fields,
		   .vmstate_version = 1, .no_user = true,
		   .desc = "QEMU firmware configuration interface (I/O ports)");

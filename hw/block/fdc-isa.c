// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The isa-fdc device: the 82077AA's PC-AT register set at iobase+2..+5 and
 * iobase+7 (data sheet Table 2; +0/+1 are PS/2-mode status registers, not
 * driven in AT mode, and +6 belongs to the IDE controller), reset, state
 * description, properties. The controller core is hw/block/fdc.c.
 */
#include "hw/block/fdc-internal.h"
#include "hw/dma/i8257.h"
#include "system/bootdevice.h"

/* ---- registers ---- */

static uint8_t fdc_read_msr(struct fdc_state *s)
{
	uint8_t msr = s->seek_pending;		/* DRVxBUSY until the seek is sensed */

	s->dsr &= ~FD_DSR_PWRDOWN;
	if (!(s->dor & FD_DOR_nRESET))
		return 0;
	switch (s->phase) {
	case FDC_PHASE_COMMAND:
		msr |= FD_MSR_RQM | (s->cmd_pos ? FD_MSR_CMDBUSY : 0);
		break;
	case FDC_PHASE_EXEC:
		msr |= FD_MSR_CMDBUSY;
		if (!s->xfer_dma) {
			msr |= FD_MSR_NONDMA;
			if (s->buf_ready)
				msr |= FD_MSR_RQM;
			if (s->xfer_kind == FDC_XFER_READ)
				msr |= FD_MSR_DIO;
		}
		break;
	case FDC_PHASE_RESULT:
		msr |= FD_MSR_RQM | FD_MSR_DIO | FD_MSR_CMDBUSY;
		break;
	}
	return msr;
}

static uint8_t fdc_read_fifo(struct fdc_state *s)
{
	uint8_t v;

	switch (s->phase) {
	case FDC_PHASE_EXEC:
		return fdc_pio_read(s);
	case FDC_PHASE_RESULT:
		v = s->res[s->res_pos++];
		/* reading the result clears the interrupt of the command it ends */
		if (!s->reset_sense && !s->seek_pending)
			fdc_lower_irq(s);
		if (s->res_pos == s->res_len)
			fdc_to_command_phase(s);
		return v;
	default:
		guest_error("isa-fdc: FIFO read in the command phase");
		return 0xff;
	}
}

static void fdc_write_fifo(struct fdc_state *s, uint8_t v)
{
	if (!(s->dor & FD_DOR_nRESET)) {
		guest_error("isa-fdc: FIFO write 0x%02x while in reset", v);
		return;
	}
	switch (s->phase) {
	case FDC_PHASE_COMMAND:
		fdc_command_byte(s, v);
		break;
	case FDC_PHASE_EXEC:
		fdc_pio_write(s, v);
		break;
	default:
		guest_error("isa-fdc: FIFO write 0x%02x in the result phase ignored", v);
		break;
	}
}

static void fdc_write_dor(struct fdc_state *s, uint8_t v)
{
	uint8_t old = s->dor;

	log_mask(LOG_TRACE, "fdc: DOR 0x%02x\n", v);
	s->dor = v;
	if ((v & FD_DOR_nRESET) && !(old & FD_DOR_nRESET))
		fdc_reset_controller(s, true);	/* leaving reset */
	else if (!(v & FD_DOR_nRESET) && (old & FD_DOR_nRESET))
		fdc_reset_controller(s, false);	/* held in reset */
	fdc_update_irq(s);
	/* DRQ was gated off: a transfer waiting for the channel can go on */
	if ((v & FD_DOR_DMAEN) && !(old & FD_DOR_DMAEN) && s->phase == FDC_PHASE_EXEC &&
	    s->xfer_dma && s->buf_ready && s->dma)
		i8257_dma_hold(s->dma, s->dma_chan);
}

static uint64_t fdc_io_read(void *opaque, uint64_t off, unsigned size)
{
	struct fdc_state *s = opaque;
	struct fdc_drive *drv;

	switch (off) {
	case 2:
		return s->dor;
	case 3:
		return s->tdr;
	case 4:
		return fdc_read_msr(s);
	case 5:
		return fdc_read_fifo(s);
	case 7:
		drv = fdc_drive_get(s, s->dor & FD_DOR_SELMASK);
		/* bits 0-6 belong to the hard disk controller in AT mode */
		return drv && s->media_changed[drv->unit] ? FD_DIR_DSKCHG : 0;
	default:
		return 0xff;	/* SRA/SRB: PS/2 mode only */
	}
}

static void fdc_io_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct fdc_state *s = opaque;

	switch (off) {
	case 2:
		fdc_write_dor(s, val);
		break;
	case 3:
		s->tdr = val & 3;
		break;
	case 4:
		s->dsr = val & ~FD_DSR_SWRESET;
		if (val & FD_DSR_SWRESET)
			fdc_reset_controller(s, true);	/* self-clearing */
		if (val & FD_DSR_PWRDOWN)
			log_unimp("isa-fdc: power down mode");
		break;
	case 5:
		fdc_write_fifo(s, val);
		break;
	case 7:
		s->dsr = (s->dsr & ~FD_DSR_DRATEMASK) | (val & FD_DSR_DRATEMASK);
		break;
	default:
		guest_error("isa-fdc: write 0x%02x to read-only register %u", (unsigned)val,
			    (unsigned)off);
		break;
	}
}

static const struct memory_region_ops fdc_io_ops = {
	.read = fdc_io_read,
	.write = fdc_io_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
	.impl = { .min_access_size = 1, .max_access_size = 1 },
};

static uint64_t fdc_dir_read(void *opaque, uint64_t off, unsigned size)
{
	return fdc_io_read(opaque, 7, size);
}

static void fdc_dir_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	fdc_io_write(opaque, 7, val, size);
}

static const struct memory_region_ops fdc_dir_ops = {
	.read = fdc_dir_read,
	.write = fdc_dir_write,
	.valid = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- life cycle ---- */

static bool fdc_realize(struct device *dev, GError **errp)
{
	struct fdc_state *s = ISA_FDC(dev);
	unsigned attached = 0;

	if (s->iobase > 0xfff8 || s->dma_chan > 3) {
		g_set_error(errp, KEMU_ERROR, 0, "iobase=0x%x dma=%u: expected a port below "
			    "0xfff8 and an 8-bit DMA channel (0-3)", s->iobase, s->dma_chan);
		return false;
	}
	for (unsigned i = 0; i < FDC_MAX_DRIVES; i++) {
		struct fdc_drive *drv = &s->drives[i];

		drv->fdc = s;
		drv->unit = i;
		drv->drive = s->drive_prop[i];
		if (!drv->drive)
			continue;
		fdc_drive_probe(drv);
		if (fdc_blk(drv) && !drv->format) {
			g_set_error(errp, KEMU_ERROR, 0, "drive%c=%s: %s: image of %" PRId64
				    " bytes is larger than any floppy format (2.88M at most)",
				    'A' + i, drv->drive->id, drv->drive->filename,
				    blk_getlength(fdc_blk(drv)));
			goto fail;
		}
		drv->type = drv->format ? drv->format->drive_type : FDC_DRIVE_TYPE_144;
		if (!drive_attach(drv->drive, dev, &fdc_drive_ops, drv, errp))
			goto fail;
		attached |= 1u << i;
	}
	s->dma = i8257_for_channel(s->dma_chan);
	if (s->dma && !i8257_dma_register_channel(s->dma, s->dma_chan, fdc_dma_transfer, s)) {
		g_set_error(errp, KEMU_ERROR, 0, "dma=%u: the channel is used by another device "
			    "(the pc board already has a floppy controller on DMA 2)", s->dma_chan);
		s->dma = NULL;
		goto fail;
	}
	memory_region_init_io(&s->io, OBJECT(dev), &fdc_io_ops, s, "fdc", 6);
	memory_region_init_io(&s->io_dir, OBJECT(dev), &fdc_dir_ops, s, "fdc-dir", 1);
	isa_register_ioport(ISA_DEVICE(dev), &s->io, s->iobase);
	isa_register_ioport(ISA_DEVICE(dev), &s->io_dir, s->iobase + 7);
	isa_connect_irq(ISA_DEVICE(dev), &s->irq, s->isairq);
	for (unsigned i = 0; i < FDC_MAX_DRIVES; i++) {
		g_autofree char *path = NULL;

		if (!s->drives[i].drive)
			continue;
		path = g_strdup_printf("/pci@i0cf8/isa@1/fdc@%04x/floppy@%u", s->iobase, i);
		bootdevice_add(s->bootindex[i], dev, path);
	}
	return true;
fail:
	for (unsigned i = 0; i < FDC_MAX_DRIVES; i++)
		if (attached & (1u << i))
			drive_detach(s->drives[i].drive);
	return false;
}

static void fdc_unrealize(struct device *dev)
{
	struct fdc_state *s = ISA_FDC(dev);

	bootdevice_remove(dev);
	for (unsigned i = 0; i < FDC_MAX_DRIVES; i++) {
		struct fdc_drive *drv = &s->drives[i];

		if (!drv->drive)
			continue;
		/* completions reference s: let them land first */
		if (fdc_blk(drv))
			blk_drain(fdc_blk(drv));
		drive_detach(drv->drive);
		drv->drive = NULL;
	}
	if (s->dma)
		i8257_dma_register_channel(s->dma, s->dma_chan, NULL, NULL);
	memory_region_del_subregion(isa_bus_get()->io, &s->io);
	memory_region_del_subregion(isa_bus_get()->io, &s->io_dir);
	memory_region_destroy(&s->io);
	memory_region_destroy(&s->io_dir);
}

static void fdc_reset(struct device *dev)
{
	struct fdc_state *s = ISA_FDC(dev);

	s->dor = FD_DOR_nRESET | FD_DOR_DMAEN;
	s->tdr = 0;
	s->dsr = FDC_RATE_500K;
	s->lock = false;
	s->perpendicular = 0;
	memset(s->specify, 0, sizeof(s->specify));
	memset(s->head, 0, sizeof(s->head));
	memset(s->sector, 0, sizeof(s->sector));
	/* a drive reports DSKCHG from power-on until the first step with a disk */
	for (unsigned i = 0; i < FDC_MAX_DRIVES; i++)
		s->media_changed[i] = s->drives[i].drive != NULL;
	fdc_reset_controller(s, false);
}

static const struct vmstate_field fdc_fields[] = {
	VMSTATE_U8(struct fdc_state, dor),
	VMSTATE_U8(struct fdc_state, tdr),
	VMSTATE_U8(struct fdc_state, dsr),
	VMSTATE_BOOL(struct fdc_state, irq_pending),
	VMSTATE_U8(struct fdc_state, phase),
	VMSTATE_U8_ARRAY(struct fdc_state, cmd, 16),
	VMSTATE_U8(struct fdc_state, cmd_pos),
	VMSTATE_U8(struct fdc_state, cmd_len),
	VMSTATE_U8_ARRAY(struct fdc_state, res, 16),
	VMSTATE_U8(struct fdc_state, res_pos),
	VMSTATE_U8(struct fdc_state, res_len),
	VMSTATE_U8_ARRAY(struct fdc_state, specify, 2),
	VMSTATE_U8(struct fdc_state, config),
	VMSTATE_U8(struct fdc_state, pretrk),
	VMSTATE_U8(struct fdc_state, perpendicular),
	VMSTATE_BOOL(struct fdc_state, lock),
	VMSTATE_U8_ARRAY(struct fdc_state, track, FDC_UNITS),
	VMSTATE_U8_ARRAY(struct fdc_state, head, FDC_UNITS),
	VMSTATE_U8_ARRAY(struct fdc_state, sector, FDC_UNITS),
	VMSTATE_U8_ARRAY(struct fdc_state, media_changed, FDC_UNITS),
	VMSTATE_U8_ARRAY(struct fdc_state, seek_st0, FDC_UNITS),
	VMSTATE_U8(struct fdc_state, seek_pending),
	VMSTATE_U8(struct fdc_state, reset_sense),
	VMSTATE_U8(struct fdc_state, xfer_kind),
	VMSTATE_U8(struct fdc_state, xfer_unit),
	VMSTATE_BOOL(struct fdc_state, xfer_dma),
	VMSTATE_BOOL(struct fdc_state, xfer_mt),
	VMSTATE_BOOL(struct fdc_state, xfer_tc),
	VMSTATE_U8(struct fdc_state, xfer_c),
	VMSTATE_U8(struct fdc_state, xfer_h),
	VMSTATE_U8(struct fdc_state, xfer_r),
	VMSTATE_U8(struct fdc_state, xfer_n),
	VMSTATE_U8(struct fdc_state, xfer_eot),
	VMSTATE_U8(struct fdc_state, fmt_left),
	VMSTATE_U8(struct fdc_state, fmt_filler),
	VMSTATE_BUFFER(struct fdc_state, buf),
	VMSTATE_U16(struct fdc_state, buf_pos),
	VMSTATE_U16(struct fdc_state, buf_len),
	VMSTATE_BOOL(struct fdc_state, buf_ready),
	VMSTATE_END
};

static const struct property fdc_props[] = {
	PROP_U32("iobase", struct fdc_state, iobase, 0x3f0),
	PROP_U32("irq", struct fdc_state, isairq, 6),
	PROP_U32("dma", struct fdc_state, dma_chan, 2),
	PROP_DRIVE("driveA", struct fdc_state, drive_prop[0]),
	PROP_DRIVE("driveB", struct fdc_state, drive_prop[1]),
	PROP_I32("bootindexA", struct fdc_state, bootindex[0], -1),
	PROP_I32("bootindexB", struct fdc_state, bootindex[1], -1),
	PROP_END
};

DEFINE_DEVICE_TYPE(isa_fdc, TYPE_ISA_FDC, TYPE_ISA_DEVICE, struct fdc_state,
		   .realize = fdc_realize, .unrealize = fdc_unrealize, .reset = fdc_reset,
		   .props = fdc_props, .vmstate = fdc_fields, .vmstate_version = 1,
		   .desc = "82077AA floppy disk controller", .category = "storage");

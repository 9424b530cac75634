/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ISA DMA: a pair of Intel 8237A DMA controllers ("i8257", QEMU's name for
 * the model), as on the PC/AT: controller 0 serves the 8-bit channels 0-3
 * (ports 0x00-0x0f), controller 1 the 16-bit channels 4-7 (ports
 * 0xc0-0xdf, every other byte) with channel 4 cascading controller 0. The
 * page registers (address bits 16-23) are at 0x81-0x83/0x87 and
 * 0x89-0x8b/0x8f; port 0x80 stays the board's POST port.
 *
 * An ISA device that does DMA (the floppy controller on channel 2) finds its
 * controller on the ISA bus and registers a transfer callback for its
 * channel. It asserts DREQ with i8257_dma_hold() when it has data to move;
 * while DREQ is held and the guest has the channel unmasked, the controller
 * calls the callback from a bottom half on the main loop:
 *
 *	struct device *dma = i8257_for_channel(2);
 *	i8257_dma_register_channel(dma, 2, fdc_dma_transfer, s);
 *	i8257_dma_hold(dma, 2);
 *	...
 *	static int fdc_dma_transfer(void *opaque, int nchan, int pos, int len)
 *	{
 *		// pos: bytes of this cycle already moved, len: bytes programmed
 *		n = MIN(512 - s->buf_pos, len - pos);
 *		i8257_dma_write_memory(dma, nchan, s->buf + s->buf_pos, pos, n);
 *		return pos + n;		// == len: terminal count
 *	}
 *
 * The callback moves what it can and returns the new position; when the
 * position reaches len the channel reaches terminal count (status bit, and
 * auto-init reloads the address and count, else the channel masks itself).
 * A callback that cannot make progress (its data is still coming from the
 * block layer) returns pos unchanged and calls i8257_dma_hold() again once
 * it can: the controller does not poll. After terminal count the controller
 * also waits for the next i8257_dma_hold() before it starts a new
 * (auto-init) cycle.
 *
 * i8257_dma_read_memory / i8257_dma_write_memory turn a position into guest
 * physical addresses as the hardware does (page register + 16-bit address,
 * wrapping inside the 64 KiB / 128 KiB page, counting down when the mode says
 * so) and go through the bounds-checked DMA helpers: an address that is not
 * RAM is logged as a guest error and reads as 0xff. A transfer whose
 * direction disagrees with the channel's mode register moves no data.
 */
#ifndef HW_DMA_I8257_H
#define HW_DMA_I8257_H

#include "kemu/common.h"

struct device;

#define TYPE_I8257 "i8257"

/* Returns the new position (pos..len) after moving data for channel nchan. */
typedef int (*i8257_transfer_fn)(void *opaque, int nchan, int pos, int len);

/* The controller serving ISA channel nchan (0-7), NULL if the board has none. */
struct device *i8257_for_channel(int nchan);

/*
 * nchan is the ISA channel number (0-7) and must belong to dma. False if
 * another device already has the channel; fn NULL gives it up.
 */
bool i8257_dma_register_channel(struct device *dma, int nchan, i8257_transfer_fn fn,
				void *opaque);
void i8257_dma_hold(struct device *dma, int nchan);	/* assert DREQ */
void i8257_dma_release(struct device *dma, int nchan);	/* deassert DREQ */

/* Device reads guest memory (mode "read transfer"); bytes moved. */
int i8257_dma_read_memory(struct device *dma, int nchan, void *buf, int pos, int len);
/* Device writes guest memory (mode "write transfer"); bytes moved. */
int i8257_dma_write_memory(struct device *dma, int nchan, const void *buf, int pos, int len);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The raw format: guest offset = file offset. Requests run in parallel.
 *
 * A raw image whose format was probed (not given) refuses writes that
 * would make block 0 look like another format, as QEMU does, so a guest
 * cannot turn its disk into a qcow2 header pointing at host files.
 */
#include "kemu/common.h"
#include "block/block-int.h"

struct raw_state {
	bool probed;
};

bool raw_is_probed(struct bds *bs)
{
	return ((struct raw_state *)bs->opaque)->probed;
}

static int raw_probe(const uint8_t *buf, size_t len)
{
	return 1;	/* anything is raw, with the lowest score */
}

static int raw_open(struct bds *bs, const struct blk_open_opts *opts, GError **errp)
{
	struct raw_state *s = g_new0(struct raw_state, 1);
	int64_t len = bfile_getlength(bs->file);

	if (len < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "Could not open '%s': %s", bs->filename,
			    g_strerror(-len));
		g_free(s);
		return -1;
	}
	s->probed = !opts->format;
	bs->opaque = s;
	bs->size = len;
	return 0;
}

static void raw_close(struct bds *bs)
{
	g_free(bs->opaque);
}

static int raw_preadv(struct bds *bs, uint64_t offset, uint64_t bytes,
		      const struct iovec *iov, int niov)
{
	return bfile_preadv(bs->file, offset, iov, niov);
}

/* Would block 0 probe as another format after this write? */
static bool raw_write_changes_format(struct bds *bs, uint64_t offset, const struct iovec *iov,
				     int niov, uint64_t bytes)
{
	uint8_t head[512] = { 0 };

	if (bfile_pread(bs->file, 0, head, sizeof(head)) < 0)
		return true;
	iov_to_buf(iov, niov, 0, head + offset, MIN(bytes, sizeof(head) - offset));
	return bdrv_qcow2.probe(head, sizeof(head)) > 1;
}

static int raw_pwritev(struct bds *bs, uint64_t offset, uint64_t bytes,
		       const struct iovec *iov, int niov)
{
	struct raw_state *s = bs->opaque;

	if (s->probed && offset < 512 && raw_write_changes_format(bs, offset, iov, niov, bytes))
		return -EPERM;
	return bfile_pwritev(bs->file, offset, iov, niov);
}

static int raw_discard(struct bds *bs, uint64_t offset, uint64_t bytes)
{
	if (!bs->discard_unmap)
		return 0;
	bfile_discard(bs->file, offset, bytes);	/* advisory: errors are not the guest's */
	return 0;
}

static int raw_write_zeroes(struct bds *bs, uint64_t offset, uint64_t bytes)
{
	return bfile_write_zeroes(bs->file, offset, bytes);
}

static int raw_truncate(struct bds *bs, uint64_t size, GError **errp)
{
	int ret = bfile_truncate(bs->file, size);

	if (ret < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: could not resize: %s", bs->filename,
			    g_strerror(-ret));
		return ret;
	}
	bs->size = size;
	return 0;
}

static int raw_block_status(struct bds *bs, uint64_t offset, uint64_t bytes,
			    uint64_t *pnum, uint64_t *map, unsigned *status)
{
	bool data;
	int ret = bfile_block_status(bs->file, offset, bytes, &data, pnum);

	if (ret < 0)
		return ret;
	*map = offset;
	*status = BLK_STATUS_ALLOCATED | BLK_STATUS_OFFSET_VALID |
		  (data ? BLK_STATUS_DATA : BLK_STATUS_ZERO);
	return 0;
}

const struct block_driver bdrv_raw = {
	.name = "raw",
	.probe = raw_probe,
	.open = raw_open,
	.close = raw_close,
	.preadv = raw_preadv,
	.pwritev = raw_pwritev,
	.discard = raw_discard,
	.write_zeroes = raw_write_zeroes,
	.truncate = raw_truncate,
	.block_status = raw_block_status,
};

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The file protocol: an image file or host block device as a file
 * descriptor. Handles O_DIRECT alignment (bounce buffers, read-modify-write
 * of unaligned edges), flush, holes (discard, write-zeroes) and QEMU's
 * image locking.
 *
 * Locking follows QEMU's block/file-posix.c byte layout so that kemu and
 * qemu see each other: for each permission bit i (consistent read, write,
 * write unchanged, resize) an opener that *holds* the permission takes a
 * shared OFD lock on byte 100+i, and one that does *not share* it with
 * others takes a shared lock on byte 200+i. Another opener conflicts if it
 * wants a permission whose 200+i byte is locked, or refuses to share one
 * whose 100+i byte is locked; conflicts are found by testing for an
 * exclusive lock (F_OFD_GETLK), which our own locks do not block.
 *
 * Not here: formats (raw.c, qcow2.c), asynchronous submission (block.c).
 */
#include "kemu/common.h"
#include "block/block-int.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOCK_PERM_BASE 100
#define LOCK_SHARED_BASE 200

static const char *const perm_names[] = {
	"consistent read", "write", "write unchanged", "resize",
};

void *blk_alloc_buf(size_t size)
{
	void *p = NULL;

	if (posix_memalign(&p, 4096, size ? ALIGN_UP(size, 4096) : 4096))
		return NULL;
	return p;
}

void blk_free_buf(void *p)
{
	free(p);
}

static int lock_byte(int fd, off_t off, short type, int cmd)
{
	struct flock fl = {
		.l_whence = SEEK_SET, .l_start = off, .l_len = 1, .l_type = type,
	};

	if (fcntl(fd, cmd, &fl) < 0)
		return -errno;
	if (cmd == F_OFD_GETLK)
		return fl.l_type == F_UNLCK ? 0 : -EAGAIN;
	return 0;
}

bool bfile_lock_perms(struct bfile *f, uint64_t perm, uint64_t shared, GError **errp)
{
	int ret;

	/* Take ours first, then test: two openers racing both see each other. */
	for (int i = 0; i < (int)ARRAY_SIZE(perm_names); i++) {
		uint64_t bit = 1ull << i;

		if ((perm & bit) && (ret = lock_byte(f->fd, LOCK_PERM_BASE + i, F_RDLCK, F_OFD_SETLK)) < 0)
			goto fail_lock;
		if (!(shared & bit) &&
		    (ret = lock_byte(f->fd, LOCK_SHARED_BASE + i, F_RDLCK, F_OFD_SETLK)) < 0)
			goto fail_lock;
	}
	for (int i = 0; i < (int)ARRAY_SIZE(perm_names); i++) {
		uint64_t bit = 1ull << i;

		if ((perm & bit) && lock_byte(f->fd, LOCK_SHARED_BASE + i, F_WRLCK, F_OFD_GETLK) < 0) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "Failed to get \"%s\" lock\nIs another process using the image [%s]?",
				    perm_names[i], f->filename);
			return false;
		}
		if (!(shared & bit) && lock_byte(f->fd, LOCK_PERM_BASE + i, F_WRLCK, F_OFD_GETLK) < 0) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "Failed to get shared \"%s\" lock\nIs another process using the image [%s]?",
				    perm_names[i], f->filename);
			return false;
		}
	}
	return true;

fail_lock:
	if (ret == -EAGAIN || ret == -EACCES) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "Failed to lock byte\nIs another process using the image [%s]?", f->filename);
		return false;
	}
	/* file systems without OFD locks: carry on unlocked, as QEMU does with locking=auto */
	return true;
}

struct bfile *bfile_open(const char *filename, bool readonly, bool direct, bool force_share,
			 GError **errp)
{
	struct bfile *f = g_new0(struct bfile, 1);
	int flags = (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC | (direct ? O_DIRECT : 0);
	struct stat st;

	f->filename = g_strdup(filename);
	f->readonly = readonly;
	f->direct = direct;
	f->align = direct ? 4096 : 1;
	g_mutex_init(&f->rmw_lock);
	f->fd = open(filename, flags);
	if (f->fd < 0 && direct && errno == EINVAL) {
		g_set_error(errp, KEMU_ERROR, 0, "Could not open '%s': cache=none needs O_DIRECT, "
			    "which this file system does not support", filename);
		goto fail;
	}
	if (f->fd < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "Could not open '%s': %s", filename, g_strerror(errno));
		goto fail;
	}
	if (fstat(f->fd, &st) == 0 && S_ISBLK(st.st_mode)) {
		int ss = 512;

		f->is_blockdev = true;
		if (direct && ioctl(f->fd, BLKSSZGET, &ss) == 0 && ss > 0)
			f->align = MAX((uint32_t)ss, 512u);
	} else if (fstat(f->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		g_set_error(errp, KEMU_ERROR, 0, "Could not open '%s': Is a directory", filename);
		goto fail;
	}
	if (!force_share) {
		uint64_t perm = readonly ? BLK_PERM_CONSISTENT_READ : BLK_PERM_ALL;
		uint64_t shared = BLK_PERM_CONSISTENT_READ | BLK_PERM_WRITE_UNCHANGED;
		GError *err = NULL;

		if (!bfile_lock_perms(f, perm, shared, &err)) {
			g_set_error(errp, KEMU_ERROR, 0, "Could not open '%s': %s", filename, err->message);
			g_error_free(err);
			goto fail;
		}
	}
	return f;
fail:
	bfile_close(f);
	return NULL;
}

void bfile_close(struct bfile *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);	/* drops the OFD locks */
	g_mutex_clear(&f->rmw_lock);
	g_free(f->filename);
	g_free(f);
}

static int full_pread(int fd, uint64_t offset, void *buf, size_t bytes)
{
	size_t done = 0;

	while (done < bytes) {
		ssize_t n = pread(fd, (char *)buf + done, bytes - done, offset + done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {	/* past EOF reads as zeroes */
			memset((char *)buf + done, 0, bytes - done);
			break;
		}
		done += n;
	}
	return 0;
}

static int full_pwrite(int fd, uint64_t offset, const void *buf, size_t bytes)
{
	size_t done = 0;

	while (done < bytes) {
		ssize_t n = pwrite(fd, (const char *)buf + done, bytes - done, offset + done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += n;
	}
	return 0;
}

static bool is_direct_ok(struct bfile *f, uint64_t offset, const void *buf, size_t bytes)
{
	return IS_ALIGNED(offset, f->align) && IS_ALIGNED(bytes, f->align) &&
	       IS_ALIGNED((uintptr_t)buf, f->align);
}

int bfile_pread(struct bfile *f, uint64_t offset, void *buf, size_t bytes)
{
	uint64_t start, end;
	uint8_t *bounce;
	int ret;

	if (!f->direct || is_direct_ok(f, offset, buf, bytes))
		return full_pread(f->fd, offset, buf, bytes);
	start = ALIGN_DOWN(offset, f->align);
	end = ALIGN_UP(offset + bytes, f->align);
	bounce = blk_alloc_buf(end - start);
	if (!bounce)
		return -ENOMEM;
	ret = full_pread(f->fd, start, bounce, end - start);
	if (ret == 0)
		memcpy(buf, bounce + (offset - start), bytes);
	blk_free_buf(bounce);
	return ret;
}

int bfile_pwrite(struct bfile *f, uint64_t offset, const void *buf, size_t bytes)
{
	uint64_t start, end;
	uint8_t *bounce;
	int ret;

	if (f->readonly)
		return -EACCES;
	if (!f->direct || is_direct_ok(f, offset, buf, bytes))
		return full_pwrite(f->fd, offset, buf, bytes);
	start = ALIGN_DOWN(offset, f->align);
	end = ALIGN_UP(offset + bytes, f->align);
	bounce = blk_alloc_buf(end - start);
	if (!bounce)
		return -ENOMEM;
	if (IS_ALIGNED(offset, f->align) && IS_ALIGNED(bytes, f->align)) {
		/* only the buffer is misaligned: no read-modify-write */
		memcpy(bounce, buf, bytes);
		ret = full_pwrite(f->fd, start, bounce, bytes);
	} else {
		g_mutex_lock(&f->rmw_lock);
		ret = full_pread(f->fd, start, bounce, f->align);
		if (ret == 0 && end - start > f->align)
			ret = full_pread(f->fd, end - f->align, bounce + (end - start - f->align), f->align);
		if (ret == 0) {
			memcpy(bounce + (offset - start), buf, bytes);
			ret = full_pwrite(f->fd, start, bounce, end - start);
		}
		g_mutex_unlock(&f->rmw_lock);
	}
	blk_free_buf(bounce);
	return ret;
}

size_t iov_size(const struct iovec *iov, int niov)
{
	size_t s = 0;

	for (int i = 0; i < niov; i++)
		s += iov[i].iov_len;
	return s;
}

void iov_to_buf(const struct iovec *iov, int niov, size_t off, void *buf, size_t bytes)
{
	uint8_t *p = buf;

	for (int i = 0; i < niov && bytes; i++) {
		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		size_t n = MIN(iov[i].iov_len - off, bytes);

		memcpy(p, (uint8_t *)iov[i].iov_base + off, n);
		p += n;
		bytes -= n;
		off = 0;
	}
}

void iov_from_buf(const struct iovec *iov, int niov, size_t off, const void *buf, size_t bytes)
{
	const uint8_t *p = buf;

	for (int i = 0; i < niov && bytes; i++) {
		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		size_t n = MIN(iov[i].iov_len - off, bytes);

		memcpy((uint8_t *)iov[i].iov_base + off, p, n);
		p += n;
		bytes -= n;
		off = 0;
	}
}

void iov_memset(const struct iovec *iov, int niov, size_t off, int c, size_t bytes)
{
	for (int i = 0; i < niov && bytes; i++) {
		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		size_t n = MIN(iov[i].iov_len - off, bytes);

		memset((uint8_t *)iov[i].iov_base + off, c, n);
		bytes -= n;
		off = 0;
	}
}

bool buffer_is_zero(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t i = 0;

	for (; i < len && ((uintptr_t)(p + i) & 7); i++)
		if (p[i])
			return false;
	for (; i + 8 <= len; i += 8)
		if (*(const uint64_t *)(p + i))
			return false;
	for (; i < len; i++)
		if (p[i])
			return false;
	return true;
}

int bfile_preadv(struct bfile *f, uint64_t offset, const struct iovec *iov, int niov)
{
	size_t bytes = iov_size(iov, niov);
	uint8_t *buf;
	int ret;

	if (niov == 1)
		return bfile_pread(f, offset, iov[0].iov_base, bytes);
	if (!f->direct) {
		ssize_t n = preadv(f->fd, iov, niov, offset);

		if (n == (ssize_t)bytes)
			return 0;
	}
	buf = blk_alloc_buf(bytes);
	if (!buf)
		return -ENOMEM;
	ret = bfile_pread(f, offset, buf, bytes);
	if (ret == 0)
		iov_from_buf(iov, niov, 0, buf, bytes);
	blk_free_buf(buf);
	return ret;
}

int bfile_pwritev(struct bfile *f, uint64_t offset, const struct iovec *iov, int niov)
{
	size_t bytes = iov_size(iov, niov);
	uint8_t *buf;
	int ret;

	if (niov == 1)
		return bfile_pwrite(f, offset, iov[0].iov_base, bytes);
	buf = blk_alloc_buf(bytes);
	if (!buf)
		return -ENOMEM;
	iov_to_buf(iov, niov, 0, buf, bytes);
	ret = bfile_pwrite(f, offset, buf, bytes);
	blk_free_buf(buf);
	return ret;
}

int bfile_flush(struct bfile *f)
{
	if (f->page_cache_err)
		return -f->page_cache_err;
	if (fdatasync(f->fd) < 0) {
		/* after a failed fdatasync the page cache may have dropped the
		 * data: fail every later flush too (as QEMU does) */
		if (!f->direct)
			f->page_cache_err = errno;
		return -errno;
	}
	return 0;
}

int bfile_truncate(struct bfile *f, uint64_t size)
{
	if (f->is_blockdev)
		return (int64_t)size <= bfile_getlength(f) ? 0 : -ENOSPC;
	if (ftruncate(f->fd, size) < 0)
		return -errno;
	return 0;
}

int bfile_discard(struct bfile *f, uint64_t offset, uint64_t bytes)
{
	if (f->is_blockdev) {
		uint64_t range[2] = { offset, bytes };

		return ioctl(f->fd, BLKDISCARD, range) < 0 ? -errno : 0;
	}
	if (fallocate(f->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, bytes) < 0)
		return -errno;
	return 0;
}

int bfile_write_zeroes(struct bfile *f, uint64_t offset, uint64_t bytes)
{
	int64_t len = bfile_getlength(f);
	uint8_t *zero;
	int ret = 0;

	if (!f->is_blockdev) {
		if (len >= 0 && offset >= (uint64_t)len) {
			/* past EOF: just extend, the new range reads as zeroes */
			return bfile_truncate(f, offset + bytes);
		}
		if (fallocate(f->fd, FALLOC_FL_ZERO_RANGE, offset, bytes) == 0)
			return 0;
		if (fallocate(f->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, bytes) == 0) {
			if (len >= 0 && offset + bytes > (uint64_t)len)
				return bfile_truncate(f, offset + bytes);
			return 0;
		}
	}
	zero = blk_alloc_buf(MIN(bytes, 1 * MiB));
	if (!zero)
		return -ENOMEM;
	memset(zero, 0, MIN(bytes, 1 * MiB));
	while (bytes && ret == 0) {
		size_t n = MIN(bytes, 1 * MiB);

		ret = bfile_pwrite(f, offset, zero, n);
		offset += n;
		bytes -= n;
	}
	blk_free_buf(zero);
	return ret;
}

int64_t bfile_getlength(struct bfile *f)
{
	struct stat st;

	if (f->is_blockdev) {
		uint64_t sz;

		return ioctl(f->fd, BLKGETSIZE64, &sz) < 0 ? -errno : (int64_t)sz;
	}
	if (fstat(f->fd, &st) < 0)
		return -errno;
	return st.st_size;
}

int64_t bfile_allocated_size(struct bfile *f)
{
	struct stat st;

	if (fstat(f->fd, &st) < 0)
		return -errno;
	return (int64_t)st.st_blocks * 512;
}

int bfile_block_status(struct bfile *f, uint64_t offset, uint64_t bytes,
		       bool *is_data, uint64_t *pnum)
{
	off_t data, hole;

	if (f->is_blockdev) {
		*is_data = true;
		*pnum = bytes;
		return 0;
	}
	data = lseek(f->fd, offset, SEEK_DATA);
	if (data < 0) {
		if (errno == ENXIO) {	/* only a hole (or EOF) follows */
			*is_data = false;
			*pnum = bytes;
			return 0;
		}
		*is_data = true;
		*pnum = bytes;
		return 0;
	}
	if ((uint64_t)data > offset) {
		*is_data = false;
		*pnum = MIN(bytes, (uint64_t)data - offset);
		return 0;
	}
	hole = lseek(f->fd, offset, SEEK_HOLE);
	*is_data = true;
	*pnum = hole < 0 ? bytes : MIN(bytes, (uint64_t)hole - offset);
	if (*pnum == 0)
		*pnum = bytes;
	return 0;
}

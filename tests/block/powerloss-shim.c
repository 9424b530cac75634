// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * LD_PRELOAD shim for the power-loss test (tests/block/powerloss.py): it
 * records, in order, every change a process makes to one file (pwrite,
 * ftruncate, fallocate) and every fdatasync/fsync of it, plus everything
 * the process writes to its stdout (kemu-io's randwrite log: which writes
 * were submitted and which were acknowledged by a flush). The replayer
 * then builds the disk a power cut at any point would leave: everything
 * before the last completed flush, and any subset of what came after.
 *
 * Only for tests; it sees what the block layer asks of the kernel, so it
 * checks kemu's real ordering without changing it. Not covered: io_uring
 * submissions (kemu uses io_uring only for raw images) and pwritev (the
 * file protocol does not use it: recorded as an error the replayer fails on).
 *
 *   KEMU_POWERLOSS_FILE=img  KEMU_POWERLOSS_LOG=log  LD_PRELOAD=powerloss-shim.so cmd
 *
 * Log records: struct rec, then len bytes of data for 'W' (a write) and
 * 'M' (stdout). 'F' flush, 'T' truncate to off, 'Z' fallocate (mode, off,
 * len), 'X' an operation on the file the replayer cannot model.
 * The real call and its record happen under one lock, so the log order is
 * the order the kernel saw them in.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* plain names: the 64-bit variants are aliases below, not header redirects */
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

struct rec {
	uint32_t type;
	uint32_t mode;
	uint64_t off;
	uint64_t len;
};

#define MAX_FDS 1024

static pthread_mutex_t shim_lock = PTHREAD_MUTEX_INITIALIZER;
static int log_fd = -1;
static dev_t target_dev;
static ino_t target_ino;
static int target_known;
static unsigned char tracked[MAX_FDS];

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwritev)(int, const struct iovec *, int, off_t);
static int (*real_open)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_close)(int);
static int (*real_fdatasync)(int);
static int (*real_fsync)(int);
static int (*real_ftruncate)(int, off_t);
static int (*real_fallocate)(int, int, off_t, off_t);

__attribute__((constructor)) static void shim_init(void)
{
	const char *file = getenv("KEMU_POWERLOSS_FILE");
	const char *log = getenv("KEMU_POWERLOSS_LOG");
	struct stat st;

	real_write = dlsym(RTLD_NEXT, "write");
	real_pwrite = dlsym(RTLD_NEXT, "pwrite64");
	real_pwritev = dlsym(RTLD_NEXT, "pwritev64");
	real_open = dlsym(RTLD_NEXT, "open64");
	real_openat = dlsym(RTLD_NEXT, "openat64");
	real_close = dlsym(RTLD_NEXT, "close");
	real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
	real_fsync = dlsym(RTLD_NEXT, "fsync");
	real_ftruncate = dlsym(RTLD_NEXT, "ftruncate64");
	real_fallocate = dlsym(RTLD_NEXT, "fallocate64");
	if (!file || !log)
		return;
	if (stat(file, &st) == 0) {
		target_dev = st.st_dev;
		target_ino = st.st_ino;
		target_known = 1;
	}
	log_fd = real_open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (log_fd < 0) {
		fprintf(stderr, "powerloss-shim: cannot open %s: %s\n", log, strerror(errno));
		_exit(99);
	}
}

static void log_rec(uint32_t type, uint32_t mode, uint64_t off, uint64_t len, const void *data)
{
	struct rec r = { .type = type, .mode = mode, .off = off, .len = len };
	struct iovec iov[2] = {
		{ .iov_base = &r, .iov_len = sizeof(r) },
		{ .iov_base = (void *)data, .iov_len = data ? len : 0 },
	};
	size_t want = sizeof(r) + (data ? len : 0);

	/* one append per record: the log is whole up to the last record */
	if (writev(log_fd, iov, data ? 2 : 1) != (ssize_t)want) {
		fprintf(stderr, "powerloss-shim: log write failed\n");
		_exit(99);
	}
}

static int is_tracked(int fd)
{
	return log_fd >= 0 && fd >= 0 && fd < MAX_FDS && tracked[fd];
}

static void track_if_target(int fd)
{
	struct stat st;

	if (fd < 0 || fd >= MAX_FDS || !target_known || log_fd < 0)
		return;
	tracked[fd] = fstat(fd, &st) == 0 && st.st_dev == target_dev && st.st_ino == target_ino;
}

static int open_common(bool at, int dirfd, const char *path, int flags, mode_t mode)
{
	int fd;

	pthread_mutex_lock(&shim_lock);
	fd = at ? real_openat(dirfd, path, flags, mode) : real_open(path, flags, mode);
	if (fd >= 0 && !target_known && log_fd >= 0) {
		/* the file may not exist before the run: the first open names it */
		const char *file = getenv("KEMU_POWERLOSS_FILE");
		struct stat st;

		if (file && stat(file, &st) == 0) {
			target_dev = st.st_dev;
			target_ino = st.st_ino;
			target_known = 1;
		}
	}
	track_if_target(fd);
	pthread_mutex_unlock(&shim_lock);
	return fd;
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return open_common(false, AT_FDCWD, path, flags, mode);
}
int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return open_common(true, dirfd, path, flags, mode);
}
int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));

int close(int fd)
{
	int ret;

	pthread_mutex_lock(&shim_lock);
	ret = real_close(fd);
	if (fd >= 0 && fd < MAX_FDS)
		tracked[fd] = 0;
	pthread_mutex_unlock(&shim_lock);
	return ret;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	ssize_t ret;

	if (!is_tracked(fd))
		return real_pwrite(fd, buf, n, off);
	pthread_mutex_lock(&shim_lock);
	ret = real_pwrite(fd, buf, n, off);
	if (ret > 0)
		log_rec('W', 0, off, ret, buf);
	pthread_mutex_unlock(&shim_lock);
	return ret;
}
ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) __attribute__((alias("pwrite")));

ssize_t pwritev(int fd, const struct iovec *iov, int niov, off_t off)
{
	if (is_tracked(fd)) {
		pthread_mutex_lock(&shim_lock);
		log_rec('X', 0, off, 0, NULL);
		pthread_mutex_unlock(&shim_lock);
	}
	return real_pwritev(fd, iov, niov, off);
}
ssize_t pwritev64(int fd, const struct iovec *iov, int niov, off_t off) __attribute__((alias("pwritev")));

ssize_t write(int fd, const void *buf, size_t n)
{
	ssize_t ret;

	if (fd != STDOUT_FILENO && !is_tracked(fd))
		return real_write(fd, buf, n);
	if (log_fd < 0)
		return real_write(fd, buf, n);
	pthread_mutex_lock(&shim_lock);
	ret = real_write(fd, buf, n);
	if (ret > 0)
		log_rec(fd == STDOUT_FILENO ? 'M' : 'X', 0, 0, fd == STDOUT_FILENO ? ret : 0,
			fd == STDOUT_FILENO ? buf : NULL);
	pthread_mutex_unlock(&shim_lock);
	return ret;
}

static int sync_common(int fd, int (*fn)(int))
{
	int ret;

	if (!is_tracked(fd))
		return fn(fd);
	pthread_mutex_lock(&shim_lock);
	ret = fn(fd);
	if (ret == 0)
		log_rec('F', 0, 0, 0, NULL);
	pthread_mutex_unlock(&shim_lock);
	return ret;
}

int fdatasync(int fd)
{
	return sync_common(fd, real_fdatasync);
}

int fsync(int fd)
{
	return sync_common(fd, real_fsync);
}

int ftruncate(int fd, off_t len)
{
	int ret;

	if (!is_tracked(fd))
		return real_ftruncate(fd, len);
	pthread_mutex_lock(&shim_lock);
	ret = real_ftruncate(fd, len);
	if (ret == 0)
		log_rec('T', 0, len, 0, NULL);
	pthread_mutex_unlock(&shim_lock);
	return ret;
}
int ftruncate64(int fd, off_t len) __attribute__((alias("ftruncate")));

int fallocate(int fd, int mode, off_t off, off_t len)
{
	int ret;

	if (!is_tracked(fd))
		return real_fallocate(fd, mode, off, len);
	pthread_mutex_lock(&shim_lock);
	ret = real_fallocate(fd, mode, off, len);
	if (ret == 0)
		log_rec('Z', mode, off, len, NULL);
	pthread_mutex_unlock(&shim_lock);
	return ret;
}
int fallocate64(int fd, int mode, off_t off, off_t len) __attribute__((alias("fallocate")));

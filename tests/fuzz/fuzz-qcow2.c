// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz harness for opening and reading qcow2 images: the input is an image
 * file. It is opened read-only (no locks), read through in 64 KiB pieces
 * (the first 64 MiB of the virtual disk), mapped with block status, and
 * checked. Any outcome is fine except a crash, a hang or a sanitizer report.
 *
 * With clang's libFuzzer (-fsanitize=fuzzer) this is LLVMFuzzerTestOneInput;
 * built without it (FUZZ_STANDALONE, the meson target 'fuzz-qcow2') it runs
 * the files named on the command line, for the test suite and for
 * reproducing a libFuzzer finding. A libFuzzer build, from the top of the
 * tree after `meson setup build` (for config-host.h and block-config.h):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -std=gnu11 \
 *     -Iinclude -I. -Ibuild $(pkg-config --cflags glib-2.0) \
 *     block/block.c block/file.c block/raw.c block/qcow2.c block/qcow2-refcount.c \
 *     block/qcow2-snapshot.c block/io-uring.c \
 *     system/main-loop.c system/timer.c util/log.c util/cutils.c \
 *     tests/fuzz/fuzz-qcow2.c -o fuzz-qcow2 \
 *     $(pkg-config --libs glib-2.0 zlib liburing libzstd) -lpthread
 *   ./fuzz-qcow2 -max_len=32768 -timeout=10 CORPUS_DIR   (seed: small qcow2 images)
 *
 * The meson build has that as a target (tests/fuzz/meson.build, needs clang):
 * `make fuzz-qcow2 FUZZ_SECONDS=N` builds it, makes seed images and runs it.
 */
#include "kemu/common.h"
#include "block/block-int.h"
#include "system/main-loop.h"

#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The node is used directly (bds_*, the driver on this thread): no worker
 * threads, so each input runs the same way every time and thread teardown
 * cannot look like a leak.
 */
static void fuzz_one_file(const char *path)
{
	struct blk_open_opts o = { .format = "qcow2", .readonly = true, .force_share = true,
				   .no_backing = true };
	GError *err = NULL;
	struct bds *bs = bds_open(path, &o, 0, &err);
	struct check_result r;
	uint8_t *buf;
	uint64_t size, off = 0;

	if (!bs) {
		g_clear_error(&err);
		return;
	}
	size = MIN(bs->size, 64 * MiB);
	buf = blk_alloc_buf(64 * KiB);
	for (uint64_t o2 = 0; o2 < size; o2 += 64 * KiB)
		bds_pread(bs, o2, buf, MIN(64 * KiB, size - o2));
	while (off < size) {
		uint64_t pnum = 0, map;
		unsigned st;

		if (bds_block_status(bs, off, size - off, &pnum, &map, &st) < 0 || !pnum)
			break;
		off += pnum;
	}
	if (bs->drv->check && bs->drv->check(bs, 0, &r, &err) < 0)
		g_clear_error(&err);
	blk_free_buf(buf);
	bds_close(bs);
}

static void fuzz_init(void)
{
	static bool done;

	if (!done) {
		main_loop_init();
		bql_lock();
		done = true;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-qcow2", MFD_CLOEXEC);
	char path[64];

	fuzz_init();
	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	fuzz_one_file(path);
	close(fd);
	return 0;
}

#ifdef FUZZ_STANDALONE
int main(int argc, char **argv)
{
	/* the diagnostics of a broken image are expected: keep stderr quiet */
	if (!freopen("/dev/null", "w", stderr))
		return 1;
	fuzz_init();
	for (int i = 1; i < argc; i++)
		fuzz_one_file(argv[i]);
	printf("fuzz-qcow2: %d inputs\n", argc - 1);
	return 0;
}
#endif

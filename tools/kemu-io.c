// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kemu-io: run I/O commands against an image through kemu's block layer,
 * with qemu-io's command syntax for the common ones:
 *
 *	kemu-io -f qcow2 -c "write -P 0xaa 0 1M" -c "read -P 0xaa 0 1M" disk.qcow2
 *
 * Commands: read [-P pat] off len | write [-P pat | -s file] [-z] [-c] off len |
 * discard off len | flush | sleep MS | randwrite SEED COUNT MAXLEN [DEPTH] (random
 * pattern writes with a log on stdout, for the crash tests) | randrw
 * SEED COUNT (random reads and writes checked against a shadow copy).
 * Exit status 1 if a command failed or a pattern did not match.
 *
 * Not here: benchmarks (kemu-img bench).
 */
#include "kemu/common.h"
#include "block/block-int.h"
#include "system/main-loop.h"

#include <unistd.h>

static struct blk *blk;
static int failures;

static bool parse_num(const char *s, uint64_t *v)
{
	return parse_uint64(s, v) || parse_size(s, 'B', v);
}

static int do_rw(int argc, char **argv, bool write)
{
	int pattern = write ? 0xcd : -1;
	bool zero = false, compressed = false;
	const char *src_file = NULL;
	uint64_t off, len;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-P") && i + 1 < argc)
			pattern = strtol(argv[++i], NULL, 0) & 0xff;
		else if (!strcmp(argv[i], "-s") && i + 1 < argc)
			src_file = argv[++i];
		else if (!strcmp(argv[i], "-z"))
			zero = true;
		else if (!strcmp(argv[i], "-c"))
			compressed = true;
		else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "-u"))
			;
		else {
			fprintf(stderr, "%s: unknown option %s\n", argv[0], argv[i]);
			return -EINVAL;
		}
	}
	if (argc - i != 2 || !parse_num(argv[i], &off) || !parse_num(argv[i + 1], &len)) {
		fprintf(stderr, "%s: expects offset and length\n", argv[0]);
		return -EINVAL;
	}
	uint8_t *buf = blk_alloc_buf(len);
	int ret;

	if (write && zero) {
		ret = blk_pwrite_zeroes(blk, off, len);
	} else if (write && compressed) {
		struct bds *bs = blk_bds(blk);

		memset(buf, pattern, len);
		if (!bs->drv->pwrite_compressed) {
			ret = -ENOTSUP;
		} else {
			g_mutex_lock(&bs->lock);
			ret = bs->drv->pwrite_compressed(bs, off, buf, len);
			g_mutex_unlock(&bs->lock);
		}
	} else if (write) {
		memset(buf, pattern, len);
		if (src_file) {	/* data from a file (-s), as qemu-io */
			FILE *f = fopen(src_file, "rb");

			if (!f || fread(buf, 1, len, f) != len) {
				fprintf(stderr, "write: could not read %" PRIu64 " bytes from %s\n", len, src_file);
				if (f)
					fclose(f);
				blk_free_buf(buf);
				return -EIO;
			}
			fclose(f);
		}
		ret = blk_pwrite(blk, off, buf, len);
	} else {
		ret = blk_pread(blk, off, buf, len);
		if (ret == 0 && pattern >= 0) {
			for (uint64_t k = 0; k < len; k++) {
				if (buf[k] != pattern) {
					printf("Pattern verification failed at offset %" PRIu64 ", %" PRIu64
					       " bytes\n", off + k, len - k);
					failures++;
					break;
				}
			}
		}
	}
	blk_free_buf(buf);
	if (ret < 0)
		printf("%s failed: %s\n", write ? "write" : "read", g_strerror(-ret));
	else
		printf("%s %" PRIu64 "/%" PRIu64 " bytes at offset %" PRIu64 "\n",
		       write ? "wrote" : "read", len, len, off);
	return ret;
}

/* ---- randwrite: the crash-test workload ---- */

struct rw_job {
	uint64_t idx, off, len;
	uint8_t *buf;
	struct iovec iov;
	bool busy;
};

static int rw_inflight;

static void rw_done(void *opaque, int ret)
{
	struct rw_job *j = opaque;

	if (ret < 0) {
		fprintf(stderr, "randwrite: write %" PRIu64 " failed: %s\n", j->idx, g_strerror(-ret));
		exit(1);
	}
	j->busy = false;
	rw_inflight--;
}

static void logline(const char *fmt, ...)
{
	char line[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* one write(2) per line: the log survives kill -9 up to the last line */
	if (write(STDOUT_FILENO, line, n) != n)
		exit(1);
}

static int do_randwrite(int argc, char **argv)
{
	uint64_t seed, count, maxlen, depth = 4, size = blk_getlength(blk);
	struct rw_job *jobs;
	GRand *r;

	if (argc < 4 || !parse_uint64(argv[1], &seed) || !parse_uint64(argv[2], &count) ||
	    !parse_num(argv[3], &maxlen) || (argc > 4 && !parse_uint64(argv[4], &depth)) || !depth) {
		fprintf(stderr, "randwrite SEED COUNT MAXLEN [DEPTH]\n");
		return -EINVAL;
	}
	r = g_rand_new_with_seed(seed);
	jobs = g_new0(struct rw_job, depth);
	for (uint64_t k = 0; k < depth; k++)
		jobs[k].buf = blk_alloc_buf(maxlen);
	for (uint64_t i = 1; i <= count; i++) {
		struct rw_job *j = NULL;

		while (!j) {
			for (uint64_t k = 0; k < depth && !j; k++)
				if (!jobs[k].busy)
					j = &jobs[k];
			if (!j)
				main_loop_wait(-1);
		}
		/* 512-byte granularity, pattern byte derived from the write number */
		j->len = ALIGN_UP(g_rand_int_range(r, 1, (int32_t)(maxlen / 512) + 1) * 512ull, 512);
		j->off = ALIGN_DOWN((uint64_t)(g_rand_double(r) * (size - j->len)), 512);
		/* overlapping writes in flight would land in either order: wait */
		for (uint64_t k = 0; k < depth; k++) {
			struct rw_job *o = &jobs[k];

			while (o->busy && o->off < j->off + j->len && j->off < o->off + o->len)
				main_loop_wait(-1);
		}
		j->idx = i;
		memset(j->buf, (int)(i % 251) + 1, j->len);
		j->iov.iov_base = j->buf;
		j->iov.iov_len = j->len;
		j->busy = true;
		rw_inflight++;
		logline("W %" PRIu64 " %" PRIu64 " %" PRIu64 " %d\n", i, j->off, j->len, (int)(i % 251) + 1);
		blk_aio_pwritev(blk, j->off, &j->iov, 1, rw_done, j);
		if (i % 16 == 0) {
			while (rw_inflight)
				main_loop_wait(-1);
			if (blk_flush(blk) < 0) {
				fprintf(stderr, "randwrite: flush failed\n");
				exit(1);
			}
			logline("F %" PRIu64 "\n", i);
		}
	}
	while (rw_inflight)
		main_loop_wait(-1);
	blk_flush(blk);
	logline("F %" PRIu64 "\n", count);
	g_rand_free(r);
	for (uint64_t k = 0; k < depth; k++)
		blk_free_buf(jobs[k].buf);
	g_free(jobs);
	return 0;
}

/* random reads and writes, every read checked against a shadow copy */
static int do_randrw(int argc, char **argv)
{
	uint64_t seed, count, size = blk_getlength(blk);
	uint8_t *shadow, *buf;
	GRand *r;
	int ret = 0;

	if (argc < 3 || !parse_uint64(argv[1], &seed) || !parse_uint64(argv[2], &count)) {
		fprintf(stderr, "randrw SEED COUNT\n");
		return -EINVAL;
	}
	if (size > 256 * MiB) {
		fprintf(stderr, "randrw: image too large for the shadow copy\n");
		return -EFBIG;
	}
	shadow = g_malloc(size);
	buf = blk_alloc_buf(256 * KiB);
	ret = blk_pread(blk, 0, shadow, size);
	r = g_rand_new_with_seed(seed);
	for (uint64_t i = 0; i < count && ret == 0; i++) {
		uint64_t len = g_rand_int_range(r, 1, 256 * 1024);
		uint64_t off = (uint64_t)(g_rand_double(r) * (size - len));
		int op = g_rand_int_range(r, 0, 4);

		if (op == 0) {
			ret = blk_pread(blk, off, buf, len);
			if (ret == 0 && memcmp(buf, shadow + off, len)) {
				printf("randrw: mismatch reading %" PRIu64 "+%" PRIu64 " (op %" PRIu64 ")\n",
				       off, len, i);
				failures++;
				break;
			}
		} else if (op == 3) {
			ret = blk_pwrite_zeroes(blk, off, len);
			memset(shadow + off, 0, len);
		} else {
			for (uint64_t k = 0; k < len; k++)
				buf[k] = (uint8_t)(i * 7 + k / 512);
			ret = blk_pwrite(blk, off, buf, len);
			memcpy(shadow + off, buf, len);
		}
	}
	if (ret == 0) {
		uint8_t *all = g_malloc(size);

		ret = blk_pread(blk, 0, all, size);
		if (ret == 0 && memcmp(all, shadow, size)) {
			printf("randrw: final content differs from the shadow copy\n");
			failures++;
		}
		g_free(all);
	}
	if (ret < 0)
		printf("randrw: I/O error: %s\n", g_strerror(-ret));
	else if (!failures)
		printf("randrw: %" PRIu64 " operations OK\n", count);
	g_rand_free(r);
	g_free(shadow);
	blk_free_buf(buf);
	return ret;
}

static int run_command(const char *cmd)
{
	g_auto(GStrv) argv = NULL;
	int argc;
	uint64_t off, len;
	GError *err = NULL;

	if (!g_shell_parse_argv(cmd, &argc, &argv, &err)) {
		fprintf(stderr, "kemu-io: %s\n", err->message);
		return -EINVAL;
	}
	if (!strcmp(argv[0], "read"))
		return do_rw(argc, argv, false);
	if (!strcmp(argv[0], "write"))
		return do_rw(argc, argv, true);
	if (!strcmp(argv[0], "flush"))
		return blk_flush(blk);
	if (!strcmp(argv[0], "discard")) {
		if (argc != 3 || !parse_num(argv[1], &off) || !parse_num(argv[2], &len))
			return -EINVAL;
		return blk_pdiscard(blk, off, len);
	}
	if (!strcmp(argv[0], "sleep")) {	/* milliseconds, as qemu-io */
		if (argc != 2 || !parse_uint64(argv[1], &off))
			return -EINVAL;
		g_usleep(off * 1000);
		return 0;
	}
	if (!strcmp(argv[0], "randwrite"))
		return do_randwrite(argc, argv);
	if (!strcmp(argv[0], "randrw"))
		return do_randrw(argc, argv);
	fprintf(stderr, "kemu-io: unknown command '%s'\n", argv[0]);
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct blk_open_opts o = { .cache = BLK_CACHE_WRITEBACK, .allow_probe_raw_warning = true,
				   .discard_unmap = true };
	GPtrArray *cmds = g_ptr_array_new();
	GError *err = NULL;
	int c, ret = 0;

	while ((c = getopt(argc, argv, "c:f:t:i:rsU")) != -1) {
		switch (c) {
		case 'i': {
			bool h;

			if (!blk_open_opts_set(&o, "aio", optarg, &h, &err)) {
				fprintf(stderr, "kemu-io: %s\n", err->message);
				return 1;
			}
			break;
		}
		case 'c': g_ptr_array_add(cmds, optarg); break;
		case 'f': o.format = optarg; break;
		case 't':
			if (!blk_parse_cache_mode(optarg, &o.cache)) {
				fprintf(stderr, "kemu-io: invalid cache mode '%s'\n", optarg);
				return 1;
			}
			break;
		case 'r': o.readonly = true; break;
		case 's': o.snapshot = true; break;
		case 'U': o.force_share = true; break;
		default:
			fprintf(stderr, "usage: kemu-io [-f fmt] [-t cache] [-i aio] [-r] [-s] -c CMD... file\n");
			return 1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "kemu-io: expects one image file name\n");
		return 1;
	}
	main_loop_init();
	bql_lock();
	blk = blk_open(argv[optind], &o, &err);
	if (!blk) {
		fprintf(stderr, "kemu-io: %s\n", err->message);
		return 1;
	}
	for (guint i = 0; i < cmds->len && ret == 0; i++)
		ret = run_command(g_ptr_array_index(cmds, i));
	blk_close(blk);
	g_ptr_array_free(cmds, TRUE);
	return ret < 0 || failures ? 1 : 0;
}

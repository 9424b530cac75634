// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kemu-img: disk image utility with qemu-img's command line, output and
 * exit codes (create, info, check, convert, resize, snapshot, map,
 * compare, commit, rebase, amend, measure, dd, bench).
 *
 * All I/O goes through kemu's block layer (block/block.h): the tool holds
 * the BQL and runs the main loop inside the synchronous wrappers.
 * Not here: image formats themselves (block/).
 */
#include "kemu/common.h"
#include "block/block-int.h"
#include "block/qcow2.h"
#include "system/main-loop.h"
#include "config-host.h"

#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (2 * MiB)

static G_NORETURN G_GNUC_PRINTF(1, 2) void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kemu-img: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static void die_err(GError *err)
{
	die("%s", err->message);
}

static char *size_to_str(uint64_t v)
{
	static const char *const suffixes[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	int i;

	if (v < 1024)
		return g_strdup_printf("%u B", (unsigned)v);
	i = (int)(floor(log2((double)v) / 10));
	if (i > 6)
		i = 6;
	/* like QEMU: three significant digits, but never "1.02e+03" */
	double d = (double)v / (double)(1ull << (10 * i));

	if (d >= 999.5 && i < 6) {
		i++;
		d = (double)v / (double)(1ull << (10 * i));
	}
	return g_strdup_printf("%0.3g %s", d, suffixes[i - 1]);
}

static enum blk_aio_mode aio_mode;	/* -i for bench */

static struct blk *open_image(const char *file, const char *fmt, bool readonly, bool force_share,
			      bool no_backing, enum blk_cache_mode cache)
{
	struct blk_open_opts o = {
		.format = fmt, .readonly = readonly, .force_share = force_share, .aio = aio_mode,
		.discard_unmap = true,
		.no_backing = no_backing, .cache = cache, .allow_probe_raw_warning = !readonly,
	};
	GError *err = NULL;
	struct blk *blk = blk_open(file, &o, &err);

	if (!blk)
		die_err(err);
	return blk;
}

static uint64_t parse_size_or_die(const char *str)
{
	uint64_t v;

	if (!parse_size(str, 'B', &v) || v > (1ull << 63))
		die("Invalid image size specified. You may use k, M, G, T, P or E suffixes for\n"
		    "kemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.");
	return v;
}

/* -o key=value,... (",," escapes a comma) into a hash table */
static void parse_o(GHashTable *h, const char *str)
{
	GString *cur = g_string_new(NULL);

	for (const char *p = str;; p++) {
		if ((*p == ',' && p[1] == ',')) {
			g_string_append_c(cur, ',');
			p++;
			continue;
		}
		if (*p == ',' || !*p) {
			if (cur->len) {
				char *eq = strchr(cur->str, '=');

				if (eq) {
					*eq = 0;
					g_hash_table_replace(h, g_strdup(cur->str), g_strdup(eq + 1));
				} else {
					g_hash_table_replace(h, g_strdup(cur->str), g_strdup("on"));
				}
			}
			g_string_truncate(cur, 0);
			if (!*p)
				break;
			continue;
		}
		g_string_append_c(cur, *p);
	}
	g_string_free(cur, TRUE);
}

static bool opt_bool(const char *v, const char *name)
{
	if (!v)
		return false;
	if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes"))
		return true;
	if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no"))
		return false;
	die("Parameter '%s' expects 'on' or 'off'", name);
}

/* ---- create ---- */

static void create_image(const char *file, const char *fmt, uint64_t size, GHashTable *o,
			 bool quiet)
{
	const char *prealloc = g_hash_table_lookup(o, "preallocation");
	const char *backing = g_hash_table_lookup(o, "backing_file");
	const char *bfmt = g_hash_table_lookup(o, "backing_fmt");
	GError *err = NULL;

	if (prealloc && strcmp(prealloc, "off") && strcmp(prealloc, "metadata") &&
	    strcmp(prealloc, "falloc") && strcmp(prealloc, "full"))
		die("Invalid parameter '%s'", prealloc);
	if (!strcmp(fmt, "raw")) {
		int fd;
		GHashTableIter it;
		gpointer k;

		g_hash_table_iter_init(&it, o);
		while (g_hash_table_iter_next(&it, &k, NULL))
			if (strcmp(k, "preallocation") && strcmp(k, "size"))
				die("%s: Invalid parameter '%s'", file, (char *)k);
		size = ALIGN_UP(size, 512);
		if (!quiet)
			printf("Formatting '%s', fmt=raw size=%" PRIu64 "\n", file, size);
		fd = open(file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			die("%s: Could not create '%s': %s", file, file, g_strerror(errno));
		if (ftruncate(fd, size) < 0)
			die("%s: Could not resize file: %s", file, g_strerror(errno));
		if (prealloc && !strcmp(prealloc, "falloc") && size &&
		    posix_fallocate(fd, 0, size))
			die("%s: Could not preallocate data: %s", file, g_strerror(errno));
		if (prealloc && !strcmp(prealloc, "full")) {
			uint8_t *z = g_malloc0(CHUNK);

			for (uint64_t off = 0; off < size; off += CHUNK)
				if (pwrite(fd, z, MIN(CHUNK, size - off), off) < 0)
					die("%s: Could not preallocate data: %s", file, g_strerror(errno));
			g_free(z);
		}
		close(fd);
		return;
	}
	if (!strcmp(fmt, "qcow2")) {
		/* qemu-img rounds a qcow2 size down to whole sectors (raw: up) */
		struct qcow2_create_opts co = { .size = ALIGN_DOWN(size, 512), .backing_file = backing,
						.backing_fmt = bfmt, .preallocation = prealloc };
		const char *v;
		GHashTableIter it;
		gpointer k;
		static const char *const known[] = { "cluster_size", "backing_file", "backing_fmt",
			"preallocation", "lazy_refcounts", "compat", "refcount_bits", "extended_l2",
			"size", "compression_type", NULL };

		g_hash_table_iter_init(&it, o);
		while (g_hash_table_iter_next(&it, &k, NULL))
			if (!g_strv_contains(known, k))
				die("%s: Invalid parameter '%s'", file, (char *)k);
		if ((v = g_hash_table_lookup(o, "cluster_size"))) {
			uint64_t cs;

			if (!parse_size(v, 'B', &cs) || cs > UINT32_MAX)
				die("%s: Parameter 'cluster_size' expects a size", file);
			co.cluster_size = cs;
		}
		if ((v = g_hash_table_lookup(o, "compat"))) {
			if (!strcmp(v, "0.10") || !strcmp(v, "v2"))
				co.version = 2;
			else if (!strcmp(v, "1.1") || !strcmp(v, "v3"))
				co.version = 3;
			else
				die("%s: Invalid parameter '%s'", file, v);
		}
		if ((v = g_hash_table_lookup(o, "compression_type"))) {
			if (!strcmp(v, "zstd"))
				co.compression_type = QCOW2_COMPRESSION_ZSTD;
			else if (strcmp(v, "zlib"))
				die("%s: Parameter 'compression-type' does not accept value '%s'", file, v);
		}
		co.lazy_refcounts = opt_bool(g_hash_table_lookup(o, "lazy_refcounts"), "lazy_refcounts");
		co.extended_l2 = opt_bool(g_hash_table_lookup(o, "extended_l2"), "extended_l2");
		if ((v = g_hash_table_lookup(o, "refcount_bits")))
			co.refcount_bits = atoi(v);
		if (!quiet)
			printf("Formatting '%s', fmt=qcow2 cluster_size=%u extended_l2=%s compression_type=%s "
			       "size=%" PRIu64 "%s%s%s%s lazy_refcounts=%s refcount_bits=%d\n", file,
			       co.cluster_size ? co.cluster_size : 65536, co.extended_l2 ? "on" : "off",
			       co.compression_type == QCOW2_COMPRESSION_ZSTD ? "zstd" : "zlib",
			       co.size, backing ? " backing_file=" : "", backing ? backing : "",
			       bfmt ? " backing_fmt=" : "", bfmt ? bfmt : "",
			       co.lazy_refcounts ? "on" : "off", co.refcount_bits ? co.refcount_bits : 16);
		/* qcow2_create takes the lock; create the file first like QEMU */
		int fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0)
			die("%s: Could not create '%s': %s", file, file, g_strerror(errno));
		close(fd);
		if (!qcow2_create(file, &co, &err))
			die("%s: %s", file, err->message);
		return;
	}
	die("Unknown file format '%s'", fmt);
}

static int cmd_create(int argc, char **argv)
{
	const char *fmt = "raw", *backing = NULL, *bfmt = NULL;
	g_autoptr(GHashTable) o = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	bool quiet = false, unsafe = false;
	uint64_t size = 0;
	bool have_size = false;
	int c;

	while ((c = getopt(argc, argv, "hf:o:b:F:uq")) != -1) {
		switch (c) {
		case 'f': fmt = optarg; break;
		case 'o': parse_o(o, optarg); break;
		case 'b': backing = optarg; break;
		case 'F': bfmt = optarg; break;
		case 'u': unsafe = true; break;
		case 'q': quiet = true; break;
		default: die("Usage: kemu-img create [-f fmt] [-o options] [-b backing -F fmt] file [size]");
		}
	}
	if (optind >= argc)
		die("Expecting image file name");
	if (optind + 1 < argc) {
		size = parse_size_or_die(argv[optind + 1]);
		have_size = true;
	}
	if (optind + 2 < argc)
		die("Unexpected argument: %s", argv[optind + 2]);
	if (backing)
		g_hash_table_replace(o, g_strdup("backing_file"), g_strdup(backing));
	if (bfmt)
		g_hash_table_replace(o, g_strdup("backing_fmt"), g_strdup(bfmt));
	backing = g_hash_table_lookup(o, "backing_file");
	bfmt = g_hash_table_lookup(o, "backing_fmt");
	if (g_hash_table_lookup(o, "size") && !have_size) {
		size = parse_size_or_die(g_hash_table_lookup(o, "size"));
		have_size = true;
	}
	if (backing && !bfmt)
		die("Backing file specified without backing format\n"
		    "Detected format of %s.", backing);
	if (backing && (!have_size || !unsafe)) {
		/* the backing file must open; its size is the default */
		g_autofree char *path = bdrv_backing_path(argv[optind], backing);
		struct blk_open_opts bo = { .format = bfmt, .readonly = true, .force_share = true };
		GError *err = NULL;
		struct blk *b = blk_open(path, &bo, &err);

		if (!b)
			die("%s: %s\nCould not open backing image.", argv[optind], err->message);

		if (!have_size)
			size = blk_getlength(b);
		have_size = true;
		blk_close(b);
	}
	if (!have_size)
		die("%s: Image creation needs a size parameter", argv[optind]);
	create_image(argv[optind], fmt, size, o, quiet);
	return 0;
}

/* ---- info ---- */

static void json_str(GString *s, const char *v)
{
	g_string_append_c(s, '"');
	for (const char *p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_printf(s, "\\%c", *p);
		else if ((unsigned char)*p < 0x20)
			g_string_append_printf(s, "\\u%04x", *p);
		else
			g_string_append_c(s, *p);
	}
	g_string_append_c(s, '"');
}

static void format_date(char *buf, size_t len, uint64_t sec)
{
	time_t t = sec;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

static void snapshot_header(void)
{
	printf("%-10s%-17s%8s%20s%13s%11s\n", "ID", "TAG", "VM SIZE", "DATE", "VM CLOCK", "ICOUNT");
}

static void snapshot_line(struct snapshot_info *sn)
{
	char date[64], clock[64], icount[32] = "";
	g_autofree char *vms = size_to_str(sn->vm_state_size);
	uint64_t secs = sn->vm_clock_nsec / NS_PER_SEC;

	format_date(date, sizeof(date), sn->date_sec);
	snprintf(clock, sizeof(clock), "%02u:%02u:%02u.%03u", (unsigned)(secs / 3600),
		 (unsigned)(secs / 60 % 60), (unsigned)(secs % 60),
		 (unsigned)(sn->vm_clock_nsec / 1000000 % 1000));
	if (sn->icount != UINT64_MAX)
		snprintf(icount, sizeof(icount), "%" PRIu64, sn->icount);
	printf("%-9s %-16s %8s%20s%13s%11s\n", sn->id, sn->name, vms, date, clock, icount);
}

static void free_snapshots(struct snapshot_info *l, int n)
{
	for (int i = 0; i < n; i++) {
		g_free(l[i].id);
		g_free(l[i].name);
	}
	g_free(l);
}

static void info_one(struct bds *bs, bool json, GString *out, const char *ind)
{
	GString *fs = g_string_new(NULL), *human = g_string_new(NULL);
	int64_t actual = bfile_allocated_size(bs->file);
	struct snapshot_info *sl = NULL;
	int nsn = bs->drv->snapshot_list ? bs->drv->snapshot_list(bs, &sl) : 0;

	if (bs->drv->info)
		bs->drv->info(bs, fs, human, ind);
	if (json) {
		g_string_append_printf(out, "%s{\n", ind[0] ? "    " : "");
		if (nsn > 0) {
			g_string_append_printf(out, "%s    \"snapshots\": [\n", ind);
			for (int i = 0; i < nsn; i++) {
				g_string_append_printf(out, "%s        {\n%s            \"icount\": %" PRIu64 ",\n"
					"%s            \"vm-clock-nsec\": %" PRIu64 ",\n%s            \"name\": ",
					ind, ind, sl[i].icount == UINT64_MAX ? 0 : sl[i].icount, ind,
					sl[i].vm_clock_nsec % (uint64_t)NS_PER_SEC, ind);
				json_str(out, sl[i].name);
				g_string_append_printf(out, ",\n%s            \"date-sec\": %" PRIu64 ",\n"
					"%s            \"date-nsec\": %" PRIu64 ",\n"
					"%s            \"vm-clock-sec\": %" PRIu64 ",\n%s            \"id\": ",
					ind, sl[i].date_sec, ind, sl[i].date_nsec, ind,
					sl[i].vm_clock_nsec / (uint64_t)NS_PER_SEC, ind);
				json_str(out, sl[i].id);
				g_string_append_printf(out, ",\n%s            \"vm-state-size\": %" PRIu64 "\n%s        }%s\n",
					ind, sl[i].vm_state_size, ind, i + 1 < nsn ? "," : "");
			}
			g_string_append_printf(out, "%s    ],\n", ind);
		}
		if (bs->backing_fmt && bs->backing_file) {
			g_string_append_printf(out, "%s    \"backing-filename-format\": ", ind);
			json_str(out, bs->backing_fmt);
			g_string_append(out, ",\n");
		}
		g_string_append_printf(out, "%s    \"virtual-size\": %" PRIu64 ",\n%s    \"filename\": ",
				       ind, bs->size, ind);
		json_str(out, bs->filename);
		g_string_append(out, ",\n");
		if (bs->drv->cluster_size)
			g_string_append_printf(out, "%s    \"cluster-size\": %u,\n", ind,
					       bs->drv->cluster_size(bs));
		g_string_append_printf(out, "%s    \"format\": \"%s\",\n", ind, bs->drv->name);
		g_string_append_printf(out, "%s    \"actual-size\": %" PRId64 ",\n", ind, actual);
		if (fs->len) {
			g_autofree char *ind4 = g_strconcat(ind, "    ", NULL);
			GString *f2 = g_string_new(NULL);

			bs->drv->info(bs, f2, g_string_new(NULL), ind4);
			g_string_append(out, f2->str);
			g_string_free(f2, TRUE);
		}
		if (bs->backing_file) {
			g_autofree char *full = bdrv_backing_path(bs->filename, bs->backing_file);

			g_string_append_printf(out, "%s    \"full-backing-filename\": ", ind);
			json_str(out, full);
			g_string_append_printf(out, ",\n%s    \"backing-filename\": ", ind);
			json_str(out, bs->backing_file);
			g_string_append(out, ",\n");
		}
		g_string_append_printf(out, "%s    \"dirty-flag\": %s\n%s}", ind,
				       !strcmp(bs->drv->name, "qcow2") &&
				       (((struct qcow2_state *)bs->opaque)->incompat & QCOW2_INCOMPAT_DIRTY) ?
				       "true" : "false", ind);
	} else {
		g_autofree char *vs = size_to_str(bs->size);
		g_autofree char *as = size_to_str(actual);

		g_string_append_printf(out, "image: %s\nfile format: %s\nvirtual size: %s (%" PRIu64 " bytes)\n"
				       "disk size: %s\n", bs->filename, bs->drv->name, vs, bs->size, as);
		if (bs->drv->cluster_size)
			g_string_append_printf(out, "cluster_size: %u\n", bs->drv->cluster_size(bs));
		if (bs->backing_file) {
			g_autofree char *full = bdrv_backing_path(bs->filename, bs->backing_file);

			g_string_append_printf(out, "backing file: %s", bs->backing_file);
			if (strcmp(full, bs->backing_file))
				g_string_append_printf(out, " (actual path: %s)", full);
			g_string_append(out, "\n");
			if (bs->backing_fmt)
				g_string_append_printf(out, "backing file format: %s\n", bs->backing_fmt);
		}
		if (nsn > 0) {
			fflush(stdout);
			printf("%s", out->str);
			g_string_truncate(out, 0);
			printf("Snapshot list:\n");
			snapshot_header();
			for (int i = 0; i < nsn; i++)
				snapshot_line(&sl[i]);
		}
		g_string_append(out, human->str);
	}
	free_snapshots(sl, MAX(nsn, 0));
	g_string_free(fs, TRUE);
	g_string_free(human, TRUE);
}

static int cmd_info(int argc, char **argv)
{
	const char *fmt = NULL, *output = "human";
	bool force_share = false, chain = false;
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'O' },
		{ "force-share", no_argument, NULL, 'U' },
		{ "backing-chain", no_argument, NULL, 'B' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "hf:U", lo, NULL)) != -1) {
		switch (c) {
		case 'f': fmt = optarg; break;
		case 'O': output = optarg; break;
		case 'U': force_share = true; break;
		case 'B': chain = true; break;
		default: die("Usage: kemu-img info [-f fmt] [--output=human|json] [--backing-chain] [-U] file");
		}
	}
	if (optind >= argc)
		die("Expecting one image file name");
	if (strcmp(output, "json") && strcmp(output, "human"))
		die("--output must be used with human or json as argument.");
	bool json = !strcmp(output, "json");
	struct blk *blk = open_image(argv[optind], fmt, true, force_share, !chain, BLK_CACHE_WRITEBACK);
	GString *out = g_string_new(NULL);

	if (chain && json)
		g_string_append(out, "[\n");
	for (struct bds *bs = blk_bds(blk); bs; bs = chain ? bs->backing : NULL) {
		info_one(bs, json, out, chain && json ? "    " : "");
		if (chain && json && bs->backing)
			g_string_append(out, ",\n");
		else if (chain && !json && bs->backing)
			g_string_append(out, "\n");
	}
	if (chain && json)
		g_string_append(out, "\n]");
	printf("%s%s", out->str, json ? "\n" : "");
	g_string_free(out, TRUE);
	blk_close(blk);
	return 0;
}

/* ---- check ---- */

static void print_check(struct bds *bs, struct check_result *r, bool json)
{
	if (json) {
		printf("{\n    \"image-end-offset\": %" PRId64 ",\n    \"total-clusters\": %" PRId64 ",\n"
		       "    \"check-errors\": %" PRId64 ",\n", r->image_end_offset, r->total_clusters,
		       r->check_errors);
		if (r->leaks)
			printf("    \"leaks\": %" PRId64 ",\n", r->leaks);
		if (r->corruptions)
			printf("    \"corruptions\": %" PRId64 ",\n", r->corruptions);
		if (r->leaks_fixed)
			printf("    \"leaks-fixed\": %" PRId64 ",\n", r->leaks_fixed);
		if (r->corruptions_fixed)
			printf("    \"corruptions-fixed\": %" PRId64 ",\n", r->corruptions_fixed);
		if (r->allocated_clusters)
			printf("    \"allocated-clusters\": %" PRId64 ",\n", r->allocated_clusters);
		if (r->fragmented_clusters)
			printf("    \"fragmented-clusters\": %" PRId64 ",\n", r->fragmented_clusters);
		if (r->compressed_clusters)
			printf("    \"compressed-clusters\": %" PRId64 ",\n", r->compressed_clusters);
		printf("    \"filename\": ");
		GString *s = g_string_new(NULL);

		json_str(s, bs->filename);
		printf("%s,\n    \"format\": \"%s\"\n}\n", s->str, bs->drv->name);
		g_string_free(s, TRUE);
		return;
	}
	if (!r->corruptions && !r->leaks && !r->check_errors)
		printf("No errors were found on the image.\n");
	else {
		if (r->corruptions)
			printf("\n%" PRId64 " errors were found on the image.\n"
			       "Data may be corrupted, or further writes to the image may corrupt it.\n",
			       r->corruptions);
		if (r->leaks)
			printf("\n%" PRId64 " leaked clusters were found on the image.\n"
			       "This means waste of disk space, but no harm to data.\n", r->leaks);
		if (r->check_errors)
			printf("\n%" PRId64 " internal errors have occurred during the check.\n",
			       r->check_errors);
	}
	if (r->total_clusters && r->allocated_clusters)
		printf("%" PRId64 "/%" PRId64 " = %0.2f%% allocated, %0.2f%% fragmented, "
		       "%0.2f%% compressed clusters\n", r->allocated_clusters, r->total_clusters,
		       r->allocated_clusters * 100.0 / r->total_clusters,
		       r->fragmented_clusters * 100.0 / r->allocated_clusters,
		       r->compressed_clusters * 100.0 / r->allocated_clusters);
	if (r->image_end_offset)
		printf("Image end offset: %" PRId64 "\n", r->image_end_offset);
}

static int cmd_check(int argc, char **argv)
{
	const char *fmt = NULL, *output = "human";
	bool force_share = false;
	int fix = 0, c;
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'O' },
		{ "force-share", no_argument, NULL, 'U' },
		{ "repair", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 } };

	while ((c = getopt_long(argc, argv, "hf:r:TU", lo, NULL)) != -1) {
		switch (c) {
		case 'f': fmt = optarg; break;
		case 'O': output = optarg; break;
		case 'U': force_share = true; break;
		case 'T': break;
		case 'r':
			if (!strcmp(optarg, "leaks"))
				fix = CHECK_FIX_LEAKS;
			else if (!strcmp(optarg, "all"))
				fix = CHECK_FIX_LEAKS | CHECK_FIX_ERRORS;
			else
				die("Unknown option value for -r (expecting 'leaks' or 'all'): %s", optarg);
			break;
		default: die("Usage: kemu-img check [-f fmt] [-r leaks|all] [--output=human|json] file");
		}
	}
	if (optind >= argc)
		die("Expecting one image file name");
	if (strcmp(output, "json") && strcmp(output, "human"))
		die("--output must be used with human or json as argument.");
	bool json = !strcmp(output, "json");
	struct blk *blk = open_image(argv[optind], fmt, !fix, force_share, true, BLK_CACHE_WRITEBACK);
	struct bds *bs = blk_bds(blk);
	struct check_result r;
	GError *err = NULL;

	if (!bs->drv->check) {
		fprintf(stderr, "kemu-img: This image format does not support checks\n");
		blk_close(blk);
		return 63;
	}
	if (bs->drv->check(bs, fix, &r, &err) < 0) {
		fprintf(stderr, "kemu-img: Check failed: %s\n", err->message);
		blk_close(blk);
		return 1;
	}
	if (r.leaks_fixed || r.corruptions_fixed) {
		struct check_result r2;

		if (!json)
			printf("The following inconsistencies were found and repaired:\n\n"
			       "    %" PRId64 " leaked clusters\n    %" PRId64 " corruptions\n\n"
			       "Double checking the fixed image now...\n", r.leaks_fixed, r.corruptions_fixed);
		if (bs->drv->check(bs, 0, &r2, &err) < 0)
			die_err(err);
		r2.leaks_fixed = r.leaks_fixed;
		r2.corruptions_fixed = r.corruptions_fixed;
		r = r2;
	}
	print_check(bs, &r, json);
	blk_close(blk);
	if (r.check_errors)
		return 1;
	if (r.corruptions)
		return 2;
	if (r.leaks)
		return 3;
	return 0;
}

/* ---- convert ---- */

static void progress(bool on, double pct)
{
	if (on) {
		printf("    (%.2f/100%%)\r", pct);
		fflush(stdout);
	}
}

struct convert_state {
	/*
	 * The sources, concatenated (convert a b c out). Each counts for its
	 * length rounded up to whole sectors, as qemu-img sizes raw files; the
	 * bytes past a file's end read as zeroes.
	 */
	int nsrc;
	struct blk **srcs;
	uint64_t *src_start, *src_len;
	struct blk *src;	/* srcs[0] */
	struct blk *dst;
	struct bds *dbs;
	uint64_t size;
	bool compress, target_zeroed, progress;
	bool top_only;		/* -B: only what the source's top layer holds */
	uint64_t sparse;	/* -S: zero runs at least this long are skipped */
	uint32_t align;		/* target cluster size for -c */
};

/* The source holding byte off: its index, the offset in it, the bytes left in it */
static int cv_source(struct convert_state *c, uint64_t off, uint64_t *local, uint64_t *left)
{
	int i = 0;

	while (i + 1 < c->nsrc && off >= c->src_start[i + 1])
		i++;
	*local = off - c->src_start[i];
	*left = (i + 1 < c->nsrc ? c->src_start[i + 1] : c->size) - off;
	return i;
}

/* Block status of the concatenation at off, never past one source's end */
static int cv_block_status(struct convert_state *c, uint64_t off, uint64_t max, uint64_t *pnum,
			   unsigned *st)
{
	uint64_t local, left, map;
	int i = cv_source(c, off, &local, &left);

	max = MIN(max, left);
	if (local >= c->src_len[i]) {	/* the sector padding after a file */
		*pnum = max;
		*st = BLK_STATUS_ZERO;
		return 0;
	}
	max = MIN(max, c->src_len[i] - local);
	if (c->top_only)
		return bds_block_status(blk_bds(c->srcs[i]), local, max, pnum, &map, st);
	return blk_block_status(c->srcs[i], local, max, pnum, &map, NULL, st);
}

static int cv_pread(struct convert_state *c, uint64_t off, uint8_t *buf, uint64_t n)
{
	while (n) {
		uint64_t local, left, real;
		int i = cv_source(c, off, &local, &left), ret;
		uint64_t l = MIN(n, left);

		real = local < c->src_len[i] ? MIN(l, c->src_len[i] - local) : 0;
		if (real && (ret = blk_pread(c->srcs[i], local, buf, real)) < 0)
			return ret;
		memset(buf + real, 0, l - real);
		off += l;
		buf += l;
		n -= l;
	}
	return 0;
}

static bool region_is_zero(const uint8_t *buf, uint64_t len)
{
	return buffer_is_zero(buf, len);
}

static void convert_write(struct convert_state *c, uint64_t off, uint8_t *buf, uint64_t n)
{
	int ret = 0;

	if (c->compress) {
		for (uint64_t o = 0; o < n && ret == 0; o += c->align) {
			uint64_t l = MIN(c->align, n - o);

			if (region_is_zero(buf + o, l)) {
				if (!c->target_zeroed)
					ret = blk_pwrite_zeroes(c->dst, off + o, l);
				continue;
			}
			g_mutex_lock(&c->dbs->lock);
			ret = c->dbs->drv->pwrite_compressed(c->dbs, off + o, buf + o, l);
			g_mutex_unlock(&c->dbs->lock);
		}
	} else if (c->sparse) {
		/* skip zero blocks of -S bytes; write the rest in runs */
		uint64_t o = 0;

		while (o < n && ret == 0) {
			uint64_t l = MIN(c->sparse - ((off + o) % c->sparse), n - o);
			bool z = region_is_zero(buf + o, l);
			uint64_t run = l;

			while (o + run < n) {
				uint64_t l2 = MIN(c->sparse, n - o - run);

				if (region_is_zero(buf + o + run, l2) != z)
					break;
				run += l2;
			}
			if (z)
				ret = c->target_zeroed ? 0 : blk_pwrite_zeroes(c->dst, off + o, run);
			else
				ret = blk_pwrite(c->dst, off + o, buf + o, run);
			o += run;
		}
	} else {
		ret = blk_pwrite(c->dst, off, buf, n);
	}
	if (ret < 0)
		die("error while writing at byte %" PRIu64 ": %s", off, g_strerror(-ret));
}

static void do_convert(struct convert_state *c)
{
	uint8_t *buf = blk_alloc_buf(CHUNK);
	uint64_t off = 0;

	progress(c->progress, 0);
	while (off < c->size) {
		uint64_t pnum, n;
		unsigned st;
		int ret = cv_block_status(c, off, MIN(c->size - off, CHUNK), &pnum, &st);

		if (ret < 0)
			die("error while reading block status at offset %" PRIu64 ": %s", off,
			    g_strerror(-ret));
		n = MIN(pnum, CHUNK);
		if (c->compress && n < c->align && off + n < c->size) {
			/* compressed writes are whole clusters */
			n = MIN((uint64_t)c->align - (off % c->align), c->size - off);
			st = BLK_STATUS_DATA;
		} else if (c->compress && (off % c->align) == 0 && n > c->align) {
			n = ALIGN_DOWN(n, c->align);
		}
		if ((st & BLK_STATUS_ZERO) && !(st & BLK_STATUS_DATA)) {
			if (!c->target_zeroed) {
				ret = blk_pwrite_zeroes(c->dst, off, n);
				if (ret < 0)
					die("error while writing zeroes at byte %" PRIu64 ": %s", off,
					    g_strerror(-ret));
			}
		} else {
			ret = cv_pread(c, off, buf, n);
			if (ret < 0)
				die("error while reading at byte %" PRIu64 ": %s", off, g_strerror(-ret));
			convert_write(c, off, buf, n);
		}
		off += n;
		progress(c->progress, off * 100.0 / c->size);
	}
	if (c->progress)
		printf("    (100.00/100%%)\n");
	blk_free_buf(buf);
}

/*
 * The pipelined copy (all but -c): up to CONVERT_SLOTS chunks are read at
 * once; their writes go out as soon as they are read, or strictly in
 * order when the target allocates (qcow2 without -W) so that its layout
 * follows the guest's, as qemu-img does.
 */
#define CONVERT_SLOTS 8

enum { SLOT_FREE, SLOT_READING, SLOT_READ, SLOT_WRITING };

struct cv_slot {
	struct convert_state *c;
	int state;
	uint64_t off, n, seq;
	bool zero;
	uint8_t *buf;
	struct iovec iov[64];	/* the non-zero runs, written at once */
	uint64_t iov_off[64];
	int pending;
};

static int cv_error;
static uint64_t cv_error_off;

static void cv_read_done(void *opaque, int ret)
{
	struct cv_slot *sl = opaque;

	if (ret < 0 && !cv_error) {
		cv_error = ret;
		cv_error_off = sl->off;
	}
	sl->state = SLOT_READ;
}

static void cv_write_done(void *opaque, int ret)
{
	struct cv_slot *sl = opaque;

	if (ret < 0 && !cv_error) {
		cv_error = ret;
		cv_error_off = sl->off;
	}
	if (--sl->pending == 0)
		sl->state = SLOT_FREE;
}

static void cv_issue_writes(struct convert_state *c, struct cv_slot *sl)
{
	sl->state = SLOT_WRITING;
	sl->pending = 1;	/* held until all are issued */
	if (sl->zero) {
		sl->pending++;
		blk_aio_pwrite_zeroes(c->dst, sl->off, sl->n, cv_write_done, sl);
	} else {
		uint64_t o = 0, blk_sz = c->sparse ? c->sparse : sl->n;

		while (o < sl->n) {
			uint64_t l = MIN(blk_sz - ((sl->off + o) % blk_sz), sl->n - o), run = l;
			bool z = c->sparse && buffer_is_zero(sl->buf + o, l);

			while (o + run < sl->n) {
				uint64_t l2 = MIN(blk_sz, sl->n - o - run);

				if ((c->sparse && buffer_is_zero(sl->buf + o + run, l2)) != z)
					break;
				run += l2;
			}
			sl->pending++;
			if (z && c->target_zeroed) {
				sl->pending--;
			} else if (z) {
				blk_aio_pwrite_zeroes(c->dst, sl->off + o, run, cv_write_done, sl);
			} else {
				struct iovec iov = { sl->buf + o, run };

				blk_aio_pwritev(c->dst, sl->off + o, &iov, 1, cv_write_done, sl);
			}
			o += run;
		}
	}
	cv_write_done(sl, 0);
}

static void do_convert_pipelined(struct convert_state *c, bool in_order)
{
	struct cv_slot slots[CONVERT_SLOTS] = { 0 };
	uint64_t next_off = 0, next_seq = 0, write_seq = 0, done_bytes = 0;

	for (int i = 0; i < CONVERT_SLOTS; i++) {
		slots[i].c = c;
		slots[i].buf = blk_alloc_buf(CHUNK);
	}
	progress(c->progress, 0);
	for (;;) {
		bool busy = false, writing = false;

		/* start reads into free slots */
		for (int i = 0; i < CONVERT_SLOTS && next_off < c->size && !cv_error; i++) {
			struct cv_slot *sl = &slots[i];
			uint64_t pnum;
			unsigned st;

			if (sl->state != SLOT_FREE)
				continue;
			if (cv_block_status(c, next_off, MIN(c->size - next_off, CHUNK), &pnum, &st) < 0)
				die("error while reading block status at offset %" PRIu64, next_off);
			sl->off = next_off;
			sl->n = MIN(pnum, CHUNK);
			next_off += sl->n;
			sl->zero = (st & BLK_STATUS_ZERO) && !(st & BLK_STATUS_DATA);
			if ((sl->zero && c->target_zeroed) ||
			    (c->top_only && !(st & BLK_STATUS_ALLOCATED) && blk_bds(c->src)->backing)) {
				/* nothing to do (with -B: the target's backing file shows it) */
				done_bytes += sl->n;
				i--;	/* nothing to do: the slot stays free */
				continue;
			}
			sl->seq = next_seq++;
			if (sl->zero) {
				sl->state = SLOT_READ;
			} else {
				struct iovec iov = { sl->buf, sl->n };
				uint64_t local, left;
				int si = cv_source(c, sl->off, &local, &left);

				/* cv_block_status kept the chunk inside this source's data */
				sl->state = SLOT_READING;
				blk_aio_preadv(c->srcs[si], local, &iov, 1, cv_read_done, sl);
			}
		}
		if (cv_error)
			die("error while %s at byte %" PRIu64 ": %s", "converting", cv_error_off,
			    g_strerror(-cv_error));
		for (int i = 0; i < CONVERT_SLOTS; i++)
			writing |= slots[i].state == SLOT_WRITING;
		/* writes of the chunks that are read */
		for (int pass = 0; pass < CONVERT_SLOTS; pass++) {
			bool issued = false;

			for (int i = 0; i < CONVERT_SLOTS; i++) {
				struct cv_slot *sl = &slots[i];

				if (sl->state != SLOT_READ)
					continue;
				if (in_order && (sl->seq != write_seq || writing))
					continue;
				write_seq++;
				done_bytes += sl->n;
				cv_issue_writes(c, sl);
				writing |= sl->state == SLOT_WRITING;
				issued = true;
			}
			if (!issued || !in_order)
				break;
		}
		for (int i = 0; i < CONVERT_SLOTS; i++)
			busy |= slots[i].state != SLOT_FREE;
		if (!busy && next_off >= c->size)
			break;
		progress(c->progress, done_bytes * 100.0 / c->size);
		if (busy)
			main_loop_wait(-1);
	}
	if (cv_error)
		die("error while %s at byte %" PRIu64 ": %s", "converting", cv_error_off,
		    g_strerror(-cv_error));
	if (c->progress)
		printf("    (100.00/100%%)\n");
	for (int i = 0; i < CONVERT_SLOTS; i++)
		blk_free_buf(slots[i].buf);
}

static int cmd_convert(int argc, char **argv)
{
	const char *fmt = NULL, *ofmt = "raw", *cache = "unsafe", *src_cache = "writeback";
	const char *backing = NULL, *bfmt = NULL;
	g_autoptr(GHashTable) o = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	bool compress = false, prog = false, no_create = false, force_share = false;
	bool out_of_order = false;
	struct convert_state c = { .sparse = 4096 };
	enum blk_cache_mode cm, scm;
	int ch;

	while ((ch = getopt(argc, argv, "hf:O:cpnWS:o:B:F:t:T:Um:qC")) != -1) {
		switch (ch) {
		case 'f': fmt = optarg; break;
		case 'O': ofmt = optarg; break;
		case 'c': compress = true; break;
		case 'p': prog = true; break;
		case 'n': no_create = true; break;
		case 'W': out_of_order = true; break;
		case 'q': case 'C': break;
		case 'm': break;
		case 'S':
			if (!parse_size(optarg, 'B', &c.sparse))
				die("Invalid buffer size for sparse output specified. Valid sizes are "
				    "multiples of 512 up to 2097152. Select 0 to disable sparse detection "
				    "(fully allocates output).");
			break;
		case 'o': parse_o(o, optarg); break;
		case 'B': backing = optarg; break;
		case 'F': bfmt = optarg; break;
		case 't': cache = optarg; break;
		case 'T': src_cache = optarg; break;
		case 'U': force_share = true; break;
		default: die("Usage: kemu-img convert [-f fmt] [-O fmt] [-c] [-p] [-n] [-S size] src dst");
		}
	}
	if (argc - optind < 2)
		die("Expecting image file name");
	if (!blk_parse_cache_mode(cache, &cm))
		die("Invalid cache option: %s", cache);
	if (!blk_parse_cache_mode(src_cache, &scm))
		die("Invalid source cache option: %s", src_cache);
	if (compress && strcmp(ofmt, "qcow2"))
		die("Compression not supported for this file format");
	if (backing)
		g_hash_table_replace(o, g_strdup("backing_file"), g_strdup(backing));
	if (bfmt)
		g_hash_table_replace(o, g_strdup("backing_fmt"), g_strdup(bfmt));
	if (!bdrv_find_format(ofmt))
		die("Unknown file format '%s'", ofmt);
	/* every argument but the last is a source, read one after the other */
	c.nsrc = argc - optind - 1;
	c.srcs = g_new0(struct blk *, c.nsrc);
	c.src_start = g_new0(uint64_t, c.nsrc);
	c.src_len = g_new0(uint64_t, c.nsrc);
	for (int i = 0; i < c.nsrc; i++) {
		c.srcs[i] = open_image(argv[optind + i], fmt, true, force_share, false, scm);
		c.src_len[i] = blk_getlength(c.srcs[i]);
		c.src_start[i] = c.size;
		c.size += ALIGN_UP(c.src_len[i], 512);
	}
	c.src = c.srcs[0];
	optind += c.nsrc - 1;	/* argv[optind] the first source, argv[optind + 1] the target */
	c.compress = compress;
	c.progress = prog;
	if (!no_create) {
		const char *bf = g_hash_table_lookup(o, "backing_file");

		if (bf) {
			g_autofree char *path = bdrv_backing_path(argv[optind + 1], bf);
			struct blk *b;

			if (strcmp(ofmt, "qcow2"))
				die("Backing file not supported for file format '%s'", ofmt);
			if (c.nsrc > 1)
				die("Having a backing file for the target makes no sense when "
				    "concatenating multiple input images");
			if (compress)
				die("-B and -c together are not supported");
			b = open_image(path, g_hash_table_lookup(o, "backing_fmt"), true, true, true,
				       BLK_CACHE_WRITEBACK);
			if (!g_hash_table_lookup(o, "backing_fmt"))
				g_hash_table_replace(o, g_strdup("backing_fmt"), g_strdup(blk_format_name(b)));
			blk_close(b);
			c.top_only = true;
		}
		create_image(argv[optind + 1], ofmt, c.size, o, true);
		/* a new image without backing file reads as zeroes */
		c.target_zeroed = !c.top_only && (!g_hash_table_lookup(o, "preallocation") ||
				  !strcmp(g_hash_table_lookup(o, "preallocation"), "off") ||
				  !strcmp(ofmt, "raw"));
	}
	c.dst = open_image(argv[optind + 1], no_create ? NULL : ofmt, false, false, false, cm);
	if (no_create && !strcmp(blk_format_name(c.dst), "raw") && !strcmp(ofmt, "qcow2"))
		die("%s: target is raw but -O qcow2 was given", argv[optind + 1]);
	if (no_create && (uint64_t)blk_getlength(c.dst) < c.size)
		die("Target image is smaller than the source");
	c.dbs = blk_bds(c.dst);
	if (compress) {
		if (!c.dbs->drv->pwrite_compressed)
			die("Compression not supported for this file format");
		c.align = c.dbs->drv->cluster_size(c.dbs);
	}
	if (compress)
		do_convert(&c);
	else
		do_convert_pipelined(&c, !out_of_order && !strcmp(blk_format_name(c.dst), "qcow2"));
	if (blk_flush(c.dst) < 0 || (cm == BLK_CACHE_UNSAFE && bds_flush(c.dbs) < 0))
		die("%s: could not flush: %s", argv[optind + 1], g_strerror(errno));
	blk_close(c.dst);
	for (int i = 0; i < c.nsrc; i++)
		blk_close(c.srcs[i]);
	g_free(c.srcs);
	g_free(c.src_start);
	g_free(c.src_len);
	return 0;
}

/* ---- resize ---- */

static int cmd_resize(int argc, char **argv)
{
	const char *fmt = NULL;
	bool shrink = false;
	static const struct option lo[] = {
		{ "shrink", no_argument, NULL, 's' },
		{ "preallocation", required_argument, NULL, 'P' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 } };
	int c;

	/* "-1G" is a size, not an option: stop option parsing at the file name */
	while ((c = getopt_long(argc, argv, "+hf:qU", lo, NULL)) != -1) {
		switch (c) {
		case 'f': fmt = optarg; break;
		case 's': shrink = true; break;
		case 'P': if (strcmp(optarg, "off")) die("preallocation=%s is not supported by resize", optarg); break;
		case 'q': case 'U': break;
		default: die("Usage: kemu-img resize [-f fmt] [--shrink] file [+|-]size");
		}
	}
	if (argc - optind != 2)
		die("Expecting image file name and size");
	const char *ss = argv[optind + 1];
	int sign = 0;

	if (*ss == '+' || *ss == '-')
		sign = *ss++ == '+' ? 1 : -1;
	uint64_t v = parse_size_or_die(ss);
	struct blk *blk = open_image(argv[optind], fmt, false, false, false, BLK_CACHE_WRITEBACK);
	uint64_t cur = blk_getlength(blk), size;
	GError *err = NULL;

	if (sign < 0 && v > cur)
		die("New image size must be positive");
	size = sign > 0 ? cur + v : sign < 0 ? cur - v : v;
	if (size < cur && !shrink)
		die("Use the --shrink option to perform a shrink operation.");
	if (blk_truncate(blk, size, &err) < 0)
		die_err(err);
	blk_close(blk);
	printf("Image resized.\n");
	return 0;
}

/* ---- snapshot ---- */

static int cmd_snapshot(int argc, char **argv)
{
	const char *fmt = NULL, *name = NULL;
	char action = 0;
	bool force_share = false;
	int c;

	while ((c = getopt(argc, argv, "hlc:d:a:f:qU")) != -1) {
		switch (c) {
		case 'l': case 'c': case 'd': case 'a':
			if (action)
				die("Cannot mix '-l', '-a', '-c', '-d'");
			action = c;
			name = optarg;
			break;
		case 'f': fmt = optarg; break;
		case 'U': force_share = true; break;
		case 'q': break;
		default: die("Usage: kemu-img snapshot [-l | -a name | -c name | -d name] file");
		}
	}
	if (optind >= argc)
		die("Expecting one image file name");
	if (!action)
		action = 'l';
	struct blk *blk = open_image(argv[optind], fmt, action == 'l', force_share, true,
				     BLK_CACHE_WRITEBACK);
	struct bds *bs = blk_bds(blk);
	GError *err = NULL;
	bool ok = true;

	if (!bs->drv->snapshot_list)
		die("%s: this image format (%s) does not support snapshots", argv[optind], bs->drv->name);
	switch (action) {
	case 'l': {
		struct snapshot_info *l;
		int n = bs->drv->snapshot_list(bs, &l);

		if (n > 0) {
			printf("Snapshot list:\n");
			snapshot_header();
			for (int i = 0; i < n; i++)
				snapshot_line(&l[i]);
		}
		free_snapshots(l, n);
		break;
	}
	case 'c': ok = bs->drv->snapshot_create(bs, name, &err); break;
	case 'd': ok = bs->drv->snapshot_delete(bs, name, &err); break;
	case 'a': ok = bs->drv->snapshot_apply(bs, name, &err); break;
	}
	if (!ok)
		die_err(err);
	blk_close(blk);
	return 0;
}

/* ---- map ---- */

struct map_entry {
	uint64_t start, length, offset;
	int depth;
	bool present, zero, data, has_offset;
	const char *file;
};

static bool map_mergeable(struct map_entry *a, struct map_entry *b)
{
	return a->depth == b->depth && a->present == b->present && a->zero == b->zero &&
	       a->data == b->data && a->has_offset == b->has_offset &&
	       (!a->has_offset || a->offset + a->length == b->offset) && a->file == b->file;
}

static void map_print(struct map_entry *e, bool json, bool first)
{
	if (json) {
		printf("%s{ \"start\": %" PRIu64 ", \"length\": %" PRIu64 ", \"depth\": %d, "
		       "\"present\": %s, \"zero\": %s, \"data\": %s", first ? "[" : ",\n",
		       e->start, e->length, e->depth, e->present ? "true" : "false",
		       e->zero ? "true" : "false", e->data ? "true" : "false");
		if (e->has_offset)
			printf(", \"offset\": %" PRIu64, e->offset);
		printf("}");
	} else if (e->data && e->has_offset) {
		printf("%#-16" PRIx64 "%#-16" PRIx64 "%#-16" PRIx64 "%s\n", e->start, e->length,
		       e->offset, e->file);
	}
}

static int cmd_map(int argc, char **argv)
{
	const char *fmt = NULL, *output = "human";
	bool force_share = false;
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'O' },
		{ "force-share", no_argument, NULL, 'U' },
		{ NULL, 0, NULL, 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "hf:U", lo, NULL)) != -1) {
		switch (c) {
		case 'f': fmt = optarg; break;
		case 'O': output = optarg; break;
		case 'U': force_share = true; break;
		default: die("Usage: kemu-img map [-f fmt] [--output=human|json] file");
		}
	}
	if (optind >= argc)
		die("Expecting one image file name");
	bool json = !strcmp(output, "json");
	struct blk *blk = open_image(argv[optind], fmt, true, force_share, false, BLK_CACHE_WRITEBACK);
	uint64_t size = blk_getlength(blk), off = 0;
	struct map_entry cur = { 0 };
	bool have = false, first = true;
	int chain_len = 0;

	for (struct bds *b = blk_bds(blk)->backing; b; b = b->backing)
		chain_len++;
	if (!json)
		printf("%-16s%-16s%-16s%s\n", "Offset", "Length", "Mapped to", "File");
	while (off < size) {
		uint64_t pnum, map;
		unsigned st;
		int depth;
		struct map_entry e = { .start = off };
		struct bds *b = blk_bds(blk);

		if (blk_block_status(blk, off, size - off, &pnum, &map, &depth, &st) < 0)
			die("%s: could not read the block status at offset %" PRIu64, argv[optind], off);
		for (int i = 0; i < depth && b->backing; i++)
			b = b->backing;
		e.length = pnum;
		e.present = !!(st & BLK_STATUS_ALLOCATED);
		e.depth = e.present ? depth : chain_len;
		e.data = !!(st & BLK_STATUS_DATA);
		e.zero = !!(st & BLK_STATUS_ZERO) || (!e.present && !e.data);
		e.has_offset = !!(st & BLK_STATUS_OFFSET_VALID) && e.present;
		e.offset = map;
		e.file = b->filename;
		if (have && map_mergeable(&cur, &e)) {
			cur.length += e.length;
		} else {
			if (have)
				map_print(&cur, json, first), first = false;
			cur = e;
			have = true;
		}
		off += pnum;
	}
	if (have)
		map_print(&cur, json, first);
	if (json)
		printf("]\n");
	blk_close(blk);
	return 0;
}

/* ---- compare ---- */

static int cmd_compare(int argc, char **argv)
{
	const char *f1 = NULL, *f2 = NULL;
	bool strict = false, prog = false, force_share = false;
	int c;

	while ((c = getopt(argc, argv, "hf:F:spqU")) != -1) {
		switch (c) {
		case 'f': f1 = optarg; break;
		case 'F': f2 = optarg; break;
		case 's': strict = true; break;
		case 'p': prog = true; break;
		case 'q': break;
		case 'U': force_share = true; break;
		default:
			fprintf(stderr, "Usage: kemu-img compare [-f fmt] [-F fmt] [-s] img1 img2\n");
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "kemu-img: Expecting two image file names\n");
		return 2;
	}
	struct blk_open_opts o1 = { .format = f1, .readonly = true, .force_share = force_share };
	struct blk_open_opts o2 = { .format = f2 ? f2 : f1, .readonly = true, .force_share = force_share };
	GError *err = NULL;
	struct blk *a = blk_open(argv[optind], &o1, &err), *b;

	if (!a) {
		fprintf(stderr, "kemu-img: %s\n", err->message);
		return 2;
	}
	b = blk_open(argv[optind + 1], &o2, &err);
	if (!b) {
		fprintf(stderr, "kemu-img: %s\n", err->message);
		return 2;
	}
	uint64_t sa = blk_getlength(a), sb = blk_getlength(b), common = MIN(sa, sb);
	uint8_t *ba = blk_alloc_buf(CHUNK), *bb = blk_alloc_buf(CHUNK);
	int rc = 0;

	if (strict && sa != sb) {
		printf("Strict mode: Image size mismatch!\n");
		return 1;
	}
	for (uint64_t off = 0; off < MAX(sa, sb) && rc == 0;) {
		uint64_t n = MIN(CHUNK, (off < common ? common : MAX(sa, sb)) - off);

		if (off < common) {
			uint64_t pa, pb, m;
			unsigned st_a, st_b;

			/* both zero: skip without reading */
			if (blk_block_status(a, off, n, &pa, &m, NULL, &st_a) == 0 &&
			    blk_block_status(b, off, n, &pb, &m, NULL, &st_b) == 0 &&
			    (st_a & BLK_STATUS_ZERO) && !(st_a & BLK_STATUS_DATA) &&
			    (st_b & BLK_STATUS_ZERO) && !(st_b & BLK_STATUS_DATA)) {
				off += MIN(pa, pb);
				continue;
			}
			if (blk_pread(a, off, ba, n) < 0 || blk_pread(b, off, bb, n) < 0) {
				fprintf(stderr, "kemu-img: Error while reading offset %" PRIu64 "\n", off);
				return 4;
			}
			if (memcmp(ba, bb, n)) {
				uint64_t i = 0;

				while (ba[i] == bb[i])
					i++;
				printf("Content mismatch at offset %" PRIu64 "!\n", ALIGN_DOWN(off + i, 512));
				rc = 1;
			}
		} else {
			struct blk *big = sa > sb ? a : b;

			if (off == common)
				printf("Warning: Image size mismatch!\n");
			if (blk_pread(big, off, ba, n) < 0) {
				fprintf(stderr, "kemu-img: Error while reading offset %" PRIu64 "\n", off);
				return 4;
			}
			if (!buffer_is_zero(ba, n)) {
				uint64_t i = 0;

				while (!ba[i])
					i++;
				printf("Content mismatch at offset %" PRIu64 "!\n", ALIGN_DOWN(off + i, 512));
				rc = 1;
			}
		}
		off += n;
		if (prog)
			progress(true, off * 100.0 / MAX(sa, sb));
	}
	if (rc == 0)
		printf("Images are identical.\n");
	blk_close(a);
	blk_close(b);
	blk_free_buf(ba);
	blk_free_buf(bb);
	return rc;
}

/* ---- commit / rebase / amend ---- */

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static int cmd_commit(int argc, char **argv)
{
	const char *fmt = NULL, *base_name = NULL;
	bool drop = false, prog = false;
	int c, base_depth = 0, d = 0;

	while ((c = getopt(argc, argv, "hf:t:b:dpqr:")) != -1) {
		switch (c) {
		case 'f': fmt = optarg; break;
		case 'd': drop = true; break;
		case 'p': prog = true; break;
		case 'b': base_name = optarg; break;
		default: break;
		}
	}
	if (optind >= argc)
		die("Expecting one image file name");
	/* the chain read-only and unlocked: the base is opened for writing below */
	struct blk *top = open_image(argv[optind], fmt, true, true, false, BLK_CACHE_UNSAFE);
	struct bds *tbs = blk_bds(top), *bb = NULL;

	if (!tbs->backing)
		die("Image does not have a backing file");
	for (struct bds *b = tbs->backing; b; b = b->backing) {
		d++;
		if (!base_name || same_file(b->filename, base_name)) {
			bb = b;
			base_depth = d;
			break;
		}
	}
	if (!bb)
		die("Did not find '%s' in the backing chain of '%s'", base_name, argv[optind]);
	g_autofree char *bpath = g_strdup(bb->filename);
	struct blk *base = open_image(bpath, bb->drv->name, false, false, true, BLK_CACHE_UNSAFE);
	uint64_t size = blk_getlength(top), off = 0;
	uint8_t *buf = blk_alloc_buf(CHUNK);
	GError *err = NULL;

	if ((uint64_t)blk_getlength(base) < size && blk_truncate(base, size, &err) < 0)
		die_err(err);
	while (off < size) {
		uint64_t pnum, map;
		unsigned st;
		int depth;

		if (blk_block_status(top, off, MIN(size - off, CHUNK), &pnum, &map, &depth, &st) < 0)
			die("%s: could not read block status", argv[optind]);
		/* what a layer above the base decides goes into the base */
		if ((st & BLK_STATUS_ALLOCATED) && depth < base_depth) {
			if ((st & BLK_STATUS_ZERO) && !(st & BLK_STATUS_DATA)) {
				if (blk_pwrite_zeroes(base, off, pnum) < 0)
					die("%s: write error", bpath);
			} else if (blk_pread(top, off, buf, pnum) < 0 || blk_pwrite(base, off, buf, pnum) < 0) {
				die("Could not commit at offset %" PRIu64, off);
			}
		}
		off += pnum;
		progress(prog, off * 100.0 / size);
	}
	if (bds_flush(blk_bds(base)) < 0)
		die("%s: flush failed", bpath);
	blk_close(base);
	blk_close(top);
	blk_free_buf(buf);
	/* the top is emptied when the base is its own backing file (QEMU's rule) */
	if (!drop && base_depth == 1) {
		struct blk *t = open_image(argv[optind], fmt, false, false, true, BLK_CACHE_UNSAFE);

		if (blk_pdiscard(t, 0, size) < 0 || bds_flush(blk_bds(t)) < 0)
			fprintf(stderr, "kemu-img: could not empty %s\n", argv[optind]);
		blk_close(t);
	}
	if (prog)
		printf("\n");
	printf("Image committed.\n");
	return 0;
}

static int cmd_rebase(int argc, char **argv)
{
	const char *fmt = NULL, *backing = NULL, *bfmt = NULL;
	bool unsafe = false, prog = false;
	int c;

	while ((c = getopt(argc, argv, "hf:F:b:upqt:T:U")) != -1) {
		switch (c) {
		case 'f': fmt = optarg; break;
		case 'F': bfmt = optarg; break;
		case 'b': backing = optarg; break;
		case 'u': unsafe = true; break;
		case 'p': prog = true; break;
		default: break;
		}
	}
	if (optind >= argc)
		die("Expecting one image file name");
	if (!backing)
		die("Must specify backing file (-b) or use unsafe mode (-u)");
	if (*backing && !bfmt)
		die("Backing file specified without backing format");
	struct blk *blk = open_image(argv[optind], fmt, false, false, unsafe, BLK_CACHE_UNSAFE);
	struct bds *bs = blk_bds(blk);
	GError *err = NULL;

	if (!bs->drv->change_backing)
		die("%s: this format does not have a backing file", argv[optind]);
	if (!unsafe) {
		struct blk *nb = NULL;
		uint64_t size = blk_getlength(blk), off = 0, nsize = 0;
		uint8_t *b1 = blk_alloc_buf(CHUNK), *b2 = blk_alloc_buf(CHUNK);
		struct bds *old = bs->backing;

		if (*backing) {
			g_autofree char *p = bdrv_backing_path(argv[optind], backing);

			nb = open_image(p, bfmt, true, false, false, BLK_CACHE_WRITEBACK);
			nsize = blk_getlength(nb);
		}
		while (off < size) {
			uint64_t pnum, map, n;
			unsigned st;

			if (bds_block_status(bs, off, MIN(size - off, CHUNK), &pnum, &map, &st) < 0)
				die("%s: could not read block status", argv[optind]);
			n = pnum;
			if (!(st & BLK_STATUS_ALLOCATED)) {
				/* unallocated here: what the old backing shows must stay */
				if (old && off < old->size)
					bds_pread(old, off, b1, MIN(n, old->size - off));
				if (!old || off >= old->size)
					memset(b1, 0, n);
				else if (old->size - off < n)
					memset(b1 + (old->size - off), 0, n - (old->size - off));
				memset(b2, 0, n);
				if (nb && off < nsize && blk_pread(nb, off, b2, MIN(n, nsize - off)) < 0)
					die("%s: read error", backing);
				if (memcmp(b1, b2, n) && blk_pwrite(blk, off, b1, n) < 0)
					die("%s: write error at offset %" PRIu64, argv[optind], off);
			}
			off += n;
			progress(prog, off * 100.0 / size);
		}
		blk_free_buf(b1);
		blk_free_buf(b2);
		blk_close(nb);
	}
	if (!bs->drv->change_backing(bs, *backing ? backing : NULL, *backing ? bfmt : NULL, &err))
		die_err(err);
	blk_close(blk);
	return 0;
}

static int cmd_amend(int argc, char **argv)
{
	const char *fmt = NULL;
	g_autoptr(GHashTable) o = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	int c;

	while ((c = getopt(argc, argv, "hf:o:pqt:U")) != -1) {
		if (c == 'f')
			fmt = optarg;
		else if (c == 'o')
			parse_o(o, optarg);
	}
	if (optind >= argc)
		die("Expecting one image file name");
	struct blk *blk = open_image(argv[optind], fmt, false, false, true, BLK_CACHE_WRITEBACK);
	struct bds *bs = blk_bds(blk);
	GHashTableIter it;
	gpointer k, v;

	if (strcmp(bs->drv->name, "qcow2"))
		die("Format driver '%s' does not support option amendment", bs->drv->name);
	struct qcow2_state *s = bs->opaque;

	g_hash_table_iter_init(&it, o);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		if (!strcmp(k, "lazy_refcounts")) {
			uint8_t be[8];

			if (s->version < 3)
				die("Lazy refcounts only supported with compatibility level 1.1 and above");
			s->compat = opt_bool(v, k) ? s->compat | QCOW2_COMPAT_LAZY_REFCOUNTS :
						     s->compat & ~QCOW2_COMPAT_LAZY_REFCOUNTS;
			be64_put(be, s->compat);
			if (bfile_pwrite(s->f, 80, be, 8) < 0)
				die("%s: could not write header", argv[optind]);
		} else if (!strcmp(k, "compat")) {
			if ((s->version == 3) != (!strcmp(v, "1.1") || !strcmp(v, "v3")))
				die("Changing the compat level is not supported");
		} else if (!strcmp(k, "size")) {
			GError *err = NULL;

			if (blk_truncate(blk, parse_size_or_die(v), &err) < 0)
				die_err(err);
		} else {
			die("Changing option '%s' is not supported", (char *)k);
		}
	}
	blk_close(blk);
	return 0;
}

/* ---- measure ---- */

/* qemu-img's formulas (qcow2_calc_prealloc_size, qcow2_refcount_metadata_size) */
static uint64_t refcount_metadata_size(uint64_t clusters, uint64_t cs, int order)
{
	uint64_t per_table = cs / 8, per_block = cs * 8 / (1u << order);
	uint64_t table = 0, blocks = 0, n = 0, last;

	do {
		last = n;
		blocks = DIV_ROUND_UP_U64(clusters + table + blocks, per_block);
		table = DIV_ROUND_UP_U64(blocks, per_table);
		n = clusters + blocks + table;
	} while (n != last);
	return (blocks + table) * cs;
}

static uint64_t qcow2_prealloc_size(uint64_t size, uint64_t cs, int order, bool extl2)
{
	uint64_t aligned = ALIGN_UP(size, cs), l2e = extl2 ? 16 : 8, meta = cs;
	uint64_t nl2e = ALIGN_UP(aligned / cs, cs / l2e), nl1e;

	meta += nl2e * l2e;
	nl1e = ALIGN_UP(nl2e * l2e / cs, cs / 8);
	meta += nl1e * 8;
	meta += refcount_metadata_size((meta + aligned) / cs, cs, order);
	return meta + aligned;
}

static int cmd_measure(int argc, char **argv)
{
	const char *fmt = NULL, *ofmt = "raw", *output = "human";
	g_autoptr(GHashTable) o = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	uint64_t size = 0, data = 0;
	GList *data_extents = NULL;
	bool have_size = false, bitmaps = false;
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'J' },
		{ "size", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "hf:O:o:lU", lo, NULL)) != -1) {
		switch (c) {
		case 'f': fmt = optarg; break;
		case 'O': ofmt = optarg; break;
		case 'o': parse_o(o, optarg); break;
		case 'J': output = optarg; break;
		case 's': size = parse_size_or_die(optarg); have_size = true; break;
		default: break;
		}
	}
	if (!have_size && optind >= argc)
		die("Either --size N or one filename must be specified.");
	if (!have_size) {
		struct blk *blk = open_image(argv[optind], fmt, true, false, false, BLK_CACHE_WRITEBACK);
		uint64_t off = 0;

		/* qcow2 to qcow2 could carry bitmaps: qemu-img reports their size (none here) */
		bitmaps = !strcmp(blk_format_name(blk), "qcow2") && !strcmp(ofmt, "qcow2");

		size = blk_getlength(blk);
		while (off < size) {
			uint64_t pnum, map;
			unsigned st;

			if (blk_block_status(blk, off, size - off, &pnum, &map, NULL, &st) < 0)
				die("%s: could not read block status", argv[optind]);
			if ((st & (BLK_STATUS_DATA | BLK_STATUS_ZERO)) == BLK_STATUS_DATA)
				data_extents = g_list_prepend(data_extents, g_memdup2((uint64_t[2]){ off, pnum },
										       16));
			off += pnum;
		}
		blk_close(blk);
	}
	uint64_t required, full, dcs = 65536;

	if (g_hash_table_lookup(o, "cluster_size"))
		parse_size(g_hash_table_lookup(o, "cluster_size"), 'B', &dcs);
	if (!dcs || (dcs & (dcs - 1)))
		die("Invalid cluster size");
	for (GList *l = data_extents; l; l = l->next) {
		uint64_t *e = l->data;

		/* whole target clusters, as qemu-img counts them */
		data += ALIGN_UP(e[0] + e[1], dcs) - ALIGN_DOWN(e[0], dcs);
	}
	g_list_free_full(data_extents, g_free);

	if (!strcmp(ofmt, "raw")) {
		required = size;	/* as qemu-img: a raw target needs its whole size */
		full = size;
	} else if (!strcmp(ofmt, "qcow2")) {
		uint64_t cs = 65536, rbits = 16;
		const char *v = g_hash_table_lookup(o, "cluster_size");
		int order = 0;

		if (v && (!parse_size(v, 'B', &cs) || cs < 512 || cs > 2 * MiB || (cs & (cs - 1))))
			die("Invalid cluster size");
		if ((v = g_hash_table_lookup(o, "refcount_bits")) && !parse_uint64(v, &rbits))
			die("Invalid refcount_bits");
		while ((1ull << order) < rbits)
			order++;
		full = qcow2_prealloc_size(size, cs, order,
					   opt_bool(g_hash_table_lookup(o, "extended_l2"), "extended_l2"));
		required = full - ALIGN_UP(size, cs) + data;
	} else {
		die("Unknown file format '%s'", ofmt);
	}
	if (!strcmp(output, "json"))
		printf("{\n%s    \"required\": %" PRIu64 ",\n    \"fully-allocated\": %" PRIu64 "\n}\n",
		       bitmaps ? "    \"bitmaps\": 0,\n" : "", required, full);
	else
		printf("required size: %" PRIu64 "\nfully allocated size: %" PRIu64 "\n%s", required, full,
		       bitmaps ? "bitmaps size: 0\n" : "");
	return 0;
}

/* ---- dd ---- */

static int cmd_dd(int argc, char **argv)
{
	const char *fmt = NULL, *ofmt = "raw", *in = NULL, *out = NULL;
	uint64_t bs = 512, count = UINT64_MAX, skip = 0;
	int c;

	while ((c = getopt(argc, argv, "hf:O:U")) != -1) {
		if (c == 'f')
			fmt = optarg;
		else if (c == 'O')
			ofmt = optarg;
	}
	for (int i = optind; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq)
			die("unrecognized operand %s", argv[i]);
		*eq++ = 0;
		if (!strcmp(argv[i], "if"))
			in = eq;
		else if (!strcmp(argv[i], "of"))
			out = eq;
		else if (!strcmp(argv[i], "bs")) {
			if (!parse_size(eq, 'B', &bs) || !bs)
				die("invalid number: '%s'", eq);
		} else if (!strcmp(argv[i], "count")) {
			if (!parse_uint64(eq, &count))
				die("invalid number: '%s'", eq);
		} else if (!strcmp(argv[i], "skip")) {
			if (!parse_uint64(eq, &skip))
				die("invalid number: '%s'", eq);
		} else {
			die("unrecognized operand %s", argv[i]);
		}
	}
	if (!in)
		die("Must specify an input file with if=");
	if (!out)
		die("Must specify an output file with of=");
	struct blk *src = open_image(in, fmt, true, false, false, BLK_CACHE_WRITEBACK);
	uint64_t isize = blk_getlength(src), start = MIN(skip * bs, isize);
	uint64_t len = count == UINT64_MAX ? isize - start : MIN(count * bs, isize - start);
	g_autoptr(GHashTable) o = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	create_image(out, ofmt, len, o, true);
	struct blk *dst = open_image(out, ofmt, false, false, false, BLK_CACHE_UNSAFE);
	uint8_t *buf = blk_alloc_buf(CHUNK);

	for (uint64_t off = 0; off < len; off += CHUNK) {
		uint64_t n = MIN(CHUNK, len - off);

		if (blk_pread(src, start + off, buf, n) < 0)
			die("%s: read error", in);
		if (!buffer_is_zero(buf, n) && blk_pwrite(dst, off, buf, n) < 0)
			die("%s: write error", out);
	}
	bds_flush(blk_bds(dst));
	blk_close(dst);
	blk_close(src);
	blk_free_buf(buf);
	return 0;
}

/* ---- bench ---- */

struct bench {
	struct blk *blk;
	uint64_t count, submitted, done, offset, step, size, bufsize, image_size;
	bool write;
	uint8_t *bufs;
	int depth, errors;
};

static void bench_submit(struct bench *b, int slot);

static void bench_cb(void *opaque, int ret)
{
	struct bench *b = opaque;

	if (ret < 0)
		b->errors++;
	b->done++;
	if (b->submitted < b->count)
		bench_submit(b, 0);
}

static void bench_submit(struct bench *b, int slot)
{
	struct iovec iov = { b->bufs + (b->submitted % b->depth) * b->bufsize, b->size };
	uint64_t off = b->offset;

	b->offset += b->step;
	if (b->offset + b->size > b->image_size)
		b->offset = 0;
	b->submitted++;
	if (b->write)
		blk_aio_pwritev(b->blk, off, &iov, 1, bench_cb, b);
	else
		blk_aio_preadv(b->blk, off, &iov, 1, bench_cb, b);
}

static int cmd_bench(int argc, char **argv)
{
	const char *fmt = NULL, *cache = "writeback";
	struct bench b = { .count = 75000, .depth = 64, .size = 4096 };
	bool step_set = false, flush_end = true;
	static const struct option lo[] = {
		{ "pattern", required_argument, NULL, 'P' },
		{ "no-drain", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 } };
	enum blk_cache_mode cm;
	int c, pattern = 0xa5;

	while ((c = getopt_long(argc, argv, "hc:d:f:no:qs:S:t:wi:U", lo, NULL)) != -1) {
		switch (c) {
		case 'c': if (!parse_uint64(optarg, &b.count)) die("Invalid request count specified"); break;
		case 'd': b.depth = atoi(optarg); if (b.depth < 1) die("Invalid queue depth specified"); break;
		case 'f': fmt = optarg; break;
		case 'n': cache = "none"; break;
		case 'o': if (!parse_size(optarg, 'B', &b.offset)) die("Invalid offset specified"); break;
		case 's': if (!parse_size(optarg, 'B', &b.size) || !b.size) die("Invalid buffer size specified"); break;
		case 'S': if (!parse_size(optarg, 'B', &b.step)) die("Invalid step size specified"); step_set = true; break;
		case 't': cache = optarg; break;
		case 'w': b.write = true; break;
		case 'P': pattern = strtol(optarg, NULL, 0); break;
		case 'i': {
			struct blk_open_opts ao = { 0 };
			bool h;

			if (!blk_open_opts_set(&ao, "aio", optarg, &h, NULL))
				die("Invalid aio option: %s", optarg);
			aio_mode = ao.aio;
			break;
		}
		default: break;
		}
	}
	(void)flush_end;
	if (optind >= argc)
		die("Expecting one image file name");
	if (!blk_parse_cache_mode(cache, &cm))
		die("Invalid cache mode");
	if (!step_set)
		b.step = b.size;
	b.blk = open_image(argv[optind], fmt, !b.write, false, false, cm);
	b.image_size = blk_getlength(b.blk);
	b.bufsize = ALIGN_UP(b.size, 4096);
	b.bufs = blk_alloc_buf(b.bufsize * b.depth);
	memset(b.bufs, pattern, b.bufsize * b.depth);
	printf("Sending %" PRIu64 " %s requests, %" PRIu64 " bytes each, %d in parallel "
	       "(starting at offset %" PRIu64 ", step size %" PRIu64 ")\n", b.count,
	       b.write ? "write" : "read", b.size, b.depth, b.offset, b.step);
	int64_t t0 = g_get_monotonic_time();

	for (int i = 0; i < b.depth && b.submitted < b.count; i++)
		bench_submit(&b, i);
	while (b.done < b.count)
		main_loop_wait(-1);
	if (b.write)
		blk_flush(b.blk);
	printf("Run completed in %.3f seconds.\n", (g_get_monotonic_time() - t0) / 1e6);
	blk_close(b.blk);
	blk_free_buf(b.bufs);
	return b.errors ? 1 : 0;
}

/* ---- main ---- */

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "create", cmd_create }, { "info", cmd_info }, { "check", cmd_check },
	{ "convert", cmd_convert }, { "resize", cmd_resize }, { "snapshot", cmd_snapshot },
	{ "map", cmd_map }, { "compare", cmd_compare }, { "commit", cmd_commit },
	{ "rebase", cmd_rebase }, { "amend", cmd_amend }, { "measure", cmd_measure },
	{ "dd", cmd_dd }, { "bench", cmd_bench },
};

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		printf("kemu-img version " KEMU_VERSION "\nusage: kemu-img COMMAND [options]\n"
		       "commands: create info check convert resize snapshot map compare commit rebase "
		       "amend measure dd bench\n");
		return argc < 2 ? 1 : 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("kemu-img version " KEMU_VERSION "\n");
		return 0;
	}
	main_loop_init();
	bql_lock();
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	die("Command not found: %s", argv[1]);
}

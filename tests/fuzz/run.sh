#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run the libFuzzer qcow2 harness for SECONDS on seed images made here with
# qemu-img/qemu-io (small clusters so that whole images stay a few KiB:
# data, zero and compressed (zlib, zstd) clusters, snapshots, refcount widths, v2,
# extended L2, lazy refcounts, a backing file name). The corpus grows in
# BUILD/fuzz-qcow2/corpus across runs; findings land in BUILD/fuzz-qcow2/
# (crash-*, timeout-*, leak-*): reproduce one with
# `BUILD/tools/fuzz-qcow2 FILE` or the libFuzzer binary, fix it, and add
# the file to tests/block/fuzz-regress/ (tests/block/run.sh opens them all).
#
#   tests/fuzz/run.sh [BUILD_DIR] [SECONDS]     (default: build 60)
set -euo pipefail

build=$(realpath "${1:-build}")
seconds=${2:-60}
fuzzer=$build/tests/fuzz/fuzz-qcow2-libfuzzer
work=$build/fuzz-qcow2
if [ ! -x "$fuzzer" ]; then
	echo "fuzz-qcow2: $fuzzer not built (needs clang: ninja -C $build tests/fuzz/fuzz-qcow2-libfuzzer)" >&2
	exit 1
fi
mkdir -p "$work/seeds" "$work/corpus"
cd "$work/seeds"
if [ ! -f done ]; then
	mk() { qemu-img create -q -f qcow2 -o "$2" "$1" "$3"; }
	io() { local f=$1; shift; for c in "$@"; do qemu-io -f qcow2 -c "$c" "$f" >/dev/null; done; }
	mk data.qcow2 cluster_size=512 1M
	io data.qcow2 "write -P 1 0 2k" "write -P 2 600k 1k" "write -z 100k 4k"
	mk rc1.qcow2 cluster_size=512,refcount_bits=1 128k
	io rc1.qcow2 "write -P 3 1k 1k"
	mk rc64.qcow2 cluster_size=512,refcount_bits=64 128k
	io rc64.qcow2 "write -P 3 1k 1k"
	mk v2.qcow2 cluster_size=4k,compat=0.10 64k
	io v2.qcow2 "write -P 4 0 4k"
	mk comp.qcow2 cluster_size=512 64k
	io comp.qcow2 "write -c -P 5 0 512" "write -c -P 6 1k 512"
	mk zstd.qcow2 cluster_size=512,compression_type=zstd 64k
	io zstd.qcow2 "write -c -P 5 0 512" "write -c -P 6 1k 512" "write -P 7 2k 512"
	mk snap.qcow2 cluster_size=512 64k
	io snap.qcow2 "write -P 7 0 1k"
	qemu-img snapshot -c s1 snap.qcow2
	io snap.qcow2 "write -P 8 512 1k"
	mk extl2.qcow2 cluster_size=16k,extended_l2=on 128k
	io extl2.qcow2 "write -P 9 0 1k" "write -z 4k 1k"
	mk lazy.qcow2 cluster_size=512,lazy_refcounts=on 64k
	io lazy.qcow2 "write -P 10 0 1k"
	qemu-img create -q -f qcow2 -u -b /nonexistent.raw -F raw -o cluster_size=512 backed.qcow2 64k
	touch done
fi
cd "$work"
# -close_fd_mask=3: the harness's own diagnostics (check's messages) stay
# out of the way; libFuzzer and sanitizer reports still print
exec "$fuzzer" -max_total_time="$seconds" -max_len=98304 -timeout=10 -rss_limit_mb=2048 \
	-close_fd_mask=3 -artifact_prefix="$work/" corpus seeds

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Block layer figures side by side with Debian's qemu-img (never pass/fail):
# convert of a 2 GiB image with data and holes (qcow2->raw, raw->qcow2) and
# 4 KiB read/write request rates through `bench` (threads, io_uring; page
# cache and O_DIRECT). Each figure is the best of REPEAT runs.
#
#   bench/block.sh [BUILD_DIR] [REPEAT]      (default: build 3)
set -uo pipefail

build=$(realpath "${1:-build}")
repeat=${2:-3}
KIMG=$build/tools/kemu-img
T=$(mktemp -d /var/tmp/kemu-bench-block.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

# best wall-clock seconds of $repeat runs of a command
best() {
	local b=999999 t
	for _ in $(seq "$repeat"); do
		/usr/bin/time -f %e -o "$T/time.out" "$@" >/dev/null 2>&1
		t=$(tail -1 "$T/time.out")
		b=$(awk -v a="$b" -v c="$t" 'BEGIN { print (c < a) ? c : a }')
	done
	echo "$b"
}
bench_s() {	# seconds reported by "Run completed in X seconds."
	local b=999999 t
	for _ in $(seq "$repeat"); do
		t=$("$@" 2>/dev/null | sed -n 's/Run completed in \([0-9.]*\) seconds./\1/p')
		b=$(awk -v a="$b" -v c="${t:-999999}" 'BEGIN { print (c < a) ? c : a }')
	done
	echo "$b"
}

qemu-img create -q -f qcow2 src.qcow2 2G
qemu-io -f qcow2 -c "write -P 0x5a 0 256M" -c "write -P 0x33 1G 256M" -c "write -P 0x11 1900M 50M" \
	src.qcow2 >/dev/null
qemu-img convert -O raw src.qcow2 src.raw

printf "%-44s %10s %10s\n" "case" "qemu-img" "kemu-img"
row() { printf "%-44s %10s %10s\n" "$1" "$2" "$3"; }
row "convert qcow2->raw 2G (562M data), s" \
	"$(best sh -c 'rm -f o.raw; qemu-img convert -O raw src.qcow2 o.raw')" \
	"$(best sh -c "rm -f o.raw; $KIMG convert -O raw src.qcow2 o.raw")"
row "convert raw->qcow2 2G (562M data), s" \
	"$(best sh -c 'rm -f o.qcow2; qemu-img convert -f raw -O qcow2 src.raw o.qcow2')" \
	"$(best sh -c "rm -f o.qcow2; $KIMG convert -f raw -O qcow2 src.raw o.qcow2")"

n=100000
for img in src.qcow2 src.raw; do
	fmt=${img##*.}
	for aio in threads io_uring; do
		for cache in writeback none; do
			q=$(bench_s qemu-img bench -f "$fmt" -i "$aio" -t "$cache" -c $n -d 32 -s 4k -S 1M "$img")
			k=$(bench_s "$KIMG" bench -f "$fmt" -i "$aio" -t "$cache" -c $n -d 32 -s 4k -S 1M "$img")
			row "4k read $fmt aio=$aio cache=$cache, kIOPS" \
				"$(awk -v s="$q" -v n=$n 'BEGIN { printf "%.0f", n / s / 1000 }')" \
				"$(awk -v s="$k" -v n=$n 'BEGIN { printf "%.0f", n / s / 1000 }')"
		done
	done
done
for fmt in qcow2 raw; do
	q=$(bench_s sh -c "rm -f w.$fmt; qemu-img create -q -f $fmt w.$fmt 4G; qemu-img bench -w -f $fmt -c 20000 -d 16 -s 4k -S 64k w.$fmt")
	k=$(bench_s sh -c "rm -f w.$fmt; qemu-img create -q -f $fmt w.$fmt 4G; $KIMG bench -w -f $fmt -c 20000 -d 16 -s 4k -S 64k w.$fmt")
	row "4k allocating write $fmt (fresh image), kIOPS" \
		"$(awk -v s="$q" 'BEGIN { printf "%.0f", 20000 / s / 1000 }')" \
		"$(awk -v s="$k" 'BEGIN { printf "%.0f", 20000 / s / 1000 }')"
done

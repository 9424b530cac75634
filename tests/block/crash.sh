#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Crash tests: kemu-io writes random patterns into a qcow2 image and is
# killed with SIGKILL at a random moment, many times. Afterwards
# `qemu-img check` must find no corruption (leaked clusters are allowed)
# and every write acknowledged before the last completed flush must be
# there (tests/block/crash-verify.py).
#
#   tests/block/crash.sh [BUILD_DIR] [ITERATIONS]     (default: build 100)
# Prints "PASS crash ..." or "FAIL crash: ..." and exits 1 on failure.
set -uo pipefail

build=${1:-build}
iters=${2:-100}
here=$(cd "$(dirname "$0")" && pwd)
KIO=$(realpath "$build/tools/kemu-io")
KIMG=$(realpath "$build/tools/kemu-img")
T=$(mktemp -d /tmp/kemu-crash.XXXXXX)
trap 'rm -rf "$T"' EXIT

if ! command -v qemu-img >/dev/null; then
	echo "SKIP crash: qemu-img not installed"
	exit 0
fi

sizes=(512 4096 65536)
leaks=0
for i in $(seq 1 "$iters"); do
	cs=${sizes[$((i % 3))]}
	img=$T/c.qcow2
	rm -f "$img" "$T/log" "$T/c.raw"
	"$KIMG" create -q -f qcow2 -o cluster_size=$cs "$img" 8M >/dev/null
	# a first generation of data, so that later writes overwrite and COW
	"$KIO" -f qcow2 -c "randwrite $((i + 1000)) 64 64k 4" "$img" >"$T/log0" 2>/dev/null
	"$KIO" -f qcow2 -c "randwrite $i 100000 128k 4" "$img" >"$T/log" 2>"$T/err" &
	pid=$!
	sleep "$(awk -v s=$i 'BEGIN { srand(s); printf "%.3f", 0.05 + rand() * 0.6 }')"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	qemu-img check "$img" >"$T/check" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then
		echo "FAIL crash: iteration $i (cluster $cs): qemu-img check exit $rc: $(head -c 400 "$T/check" | tr '\n' ' ')"
		cp "$img" /tmp/kemu-crash-failed.qcow2 2>/dev/null
		exit 1
	fi
	[ $rc -eq 3 ] && leaks=$((leaks + 1))
	qemu-img convert -f qcow2 -O raw "$img" "$T/c.raw"
	# one log: the first generation (all flushed) numbered before the second
	awk 'NR == FNR { if ($1 == "W") print "W", $2, $3, $4, $5; else if ($1 == "F") print "F", $2; next }
	     { if ($1 == "W") print "W", $2 + 1000000, $3, $4, $5; else if ($1 == "F") print "F", $2 + 1000000; else print }' \
		"$T/log0" "$T/log" >"$T/log.all"
	if ! out=$(python3 "$here/crash-verify.py" "$T/log.all" "$T/c.raw" 0); then
		echo "FAIL crash: iteration $i (cluster $cs): $out"
		cp "$img" /tmp/kemu-crash-failed.qcow2 2>/dev/null
		exit 1
	fi
	# repair the leaks with kemu-img, qemu-img must then find the image clean
	if [ $rc -eq 3 ]; then
		"$KIMG" check -r leaks "$img" >/dev/null 2>&1
		if ! qemu-img check "$img" >"$T/check" 2>&1; then
			echo "FAIL crash: iteration $i: kemu-img check -r leaks did not repair: $(head -c 300 "$T/check" | tr '\n' ' ')"
			exit 1
		fi
	fi
done
echo "PASS crash ($iters kills, $leaks left leaked clusters, all repaired)"

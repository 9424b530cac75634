#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Image tests for kemu's block layer, with Debian's qemu-img/qemu-io as the
# oracle: images made by one tool are checked, read and compared by the
# other. Prints "PASS name", "FAIL name: reason" or "SKIP name: reason" per
# case; exit status 1 if any case failed.
#
#   tests/block/run.sh [BUILD_DIR]        (default: build)
set -uo pipefail

build=$(realpath "${1:-build}")
src=$(cd "$(dirname "$0")/../.." && pwd)
KIMG=$(realpath "$build/tools/kemu-img")
KIO=$(realpath "$build/tools/kemu-io")
T=$(mktemp -d /tmp/kemu-block-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
failed=0

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
skip() { echo "SKIP $1: $2"; }

if ! command -v qemu-img >/dev/null || ! command -v qemu-io >/dev/null; then
	skip block-all "qemu-img/qemu-io (qemu-utils) not installed"
	exit 0
fi
if [ ! -x "$KIMG" ] || [ ! -x "$KIO" ]; then
	fail block-all "no $KIMG or $KIO (build first)"
	exit 1
fi

# run NAME CMD...: the command's output goes to $T/NAME.log
q() { "$@" >>"$T/cmd.log" 2>&1; }

# JSON documents equal (key order aside), ignoring the keys given after the files
json_same() {
	python3 - "$@" <<'PY'
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
for k in sys.argv[3:]:
    for d in (a, b):
        if isinstance(d, dict):
            d.pop(k, None)
if a != b:
    keys = sorted(set(a) | set(b)) if isinstance(a, dict) and isinstance(b, dict) else []
    diff = [k for k in keys if a.get(k) != b.get(k)]
    print("differ in", diff or "list", file=sys.stderr)
    for k in diff[:3]:
        print(" ", k, a.get(k), "vs", b.get(k), file=sys.stderr)
    sys.exit(1)
PY
}

qcheck_clean() {	# qemu-img check says no corruption and no leaks
	qemu-img check "$@" >"$T/qcheck.out" 2>&1
}

# ---------------------------------------------------------------- create/info
t_create_info() {
	local name=$1 fmt=$2 opts=$3 size=$4
	rm -f k.img q.img
	if ! $KIMG create -q -f "$fmt" ${opts:+-o "$opts"} k.img "$size" >k.out 2>&1; then
		fail "$name" "kemu-img create failed: $(head -c 300 k.out)"; return
	fi
	if [ "$fmt" = qcow2 ] && ! qcheck_clean -f qcow2 k.img; then
		fail "$name" "qemu-img check: $(head -c 300 qcheck.out)"; return
	fi
	qemu-img info --output=json k.img >q.json 2>&1
	$KIMG info --output=json k.img >k.json 2>&1
	if ! json_same k.json q.json 2>diff.out; then
		fail "$name" "info --output=json differs from qemu-img: $(cat diff.out | tr '\n' ' ')"; return
	fi
	# the other way: qemu-img's image through kemu-img info
	qemu-img create -q -f "$fmt" ${opts:+-o "$opts"} q.img "$size" >/dev/null 2>&1
	qemu-img info --output=json q.img >q.json 2>&1
	$KIMG info --output=json q.img >k.json 2>&1
	if ! json_same k.json q.json 2>diff.out; then
		fail "$name" "info of qemu-img's image differs: $(cat diff.out | tr '\n' ' ')"; return
	fi
	pass "$name"
}

t_create_info create-info-qcow2-default qcow2 "" 1G
t_create_info create-info-qcow2-v2 qcow2 "compat=0.10" 100M
t_create_info create-info-qcow2-512b qcow2 "cluster_size=512" 64M
t_create_info create-info-qcow2-2m qcow2 "cluster_size=2M" 5G
t_create_info create-info-qcow2-lazy-rc8 qcow2 "lazy_refcounts=on,refcount_bits=8" 1G
t_create_info create-info-qcow2-odd-size qcow2 "cluster_size=4096" 12345678
t_create_info create-info-raw raw "" 10M
t_create_info create-info-qcow2-empty qcow2 "" 0
t_create_info create-info-qcow2-prealloc qcow2 "preallocation=metadata,cluster_size=64k" 32M
t_create_info create-info-qcow2-prealloc-full qcow2 "preallocation=full,cluster_size=4k" 8M
t_create_info create-info-raw-falloc raw "preallocation=falloc" 8M

# ---------------------------------------------------------------- data both ways
t_rw_interop() {
	local name=$1 opts=$2
	rm -f a.qcow2
	$KIMG create -q -f qcow2 ${opts:+-o "$opts"} a.qcow2 16M >/dev/null 2>&1 || { fail "$name" "create"; return; }
	# kemu writes, qemu reads
	if ! $KIO -f qcow2 -c "write -P 0x11 0 1M" -c "write -P 0x22 65000 70000" \
		-c "write -P 0x33 5M 4k" -c "write -z 0x200000 1M" -c "write -P 0x44 15M 1M" a.qcow2 >k.out 2>&1; then
		fail "$name" "kemu-io write: $(tail -c 300 k.out)"; return
	fi
	if ! qemu-io -f qcow2 -c "read -P 0x11 0 65000" -c "read -P 0x22 65000 70000" \
		-c "read -P 0x11 135000 913576" -c "read -P 0x33 5M 4k" -c "read -P 0 2M 1M" \
		-c "read -P 0x44 15M 1M" a.qcow2 >q.out 2>&1 || grep -q "fail" q.out; then
		fail "$name" "qemu-io read back: $(grep -m1 -i fail q.out)"; return
	fi
	qcheck_clean a.qcow2 || { fail "$name" "qemu-img check after kemu writes: $(head -c 300 qcheck.out)"; return; }
	# qemu writes, kemu reads
	qemu-io -f qcow2 -c "write -P 0x55 3M 200k" -c "write -P 0x66 8M 1k" a.qcow2 >/dev/null 2>&1
	if ! $KIO -f qcow2 -c "read -P 0x55 3M 200k" -c "read -P 0x66 8M 1k" -c "read -P 0x11 0 65000" a.qcow2 >k.out 2>&1; then
		fail "$name" "kemu-io read of qemu's writes: $(grep -m1 -i fail k.out)"; return
	fi
	pass "$name"
}

t_rw_interop rw-interop-64k ""
t_rw_interop rw-interop-512b "cluster_size=512"
t_rw_interop rw-interop-v2 "compat=0.10"
t_rw_interop rw-interop-rc1 "refcount_bits=1,cluster_size=4k"
t_rw_interop rw-interop-rc64 "refcount_bits=64"

t_randrw() {
	local name=$1 opts=$2 seed=$3
	rm -f r.qcow2
	$KIMG create -q -f qcow2 ${opts:+-o "$opts"} r.qcow2 32M >/dev/null 2>&1 || { fail "$name" "create"; return; }
	if ! $KIO -f qcow2 -c "randrw $seed 400" r.qcow2 >k.out 2>&1; then
		fail "$name" "$(tail -c 300 k.out)"; return
	fi
	qcheck_clean r.qcow2 || { fail "$name" "qemu-img check: $(head -c 300 qcheck.out)"; return; }
	# qemu reads the same bytes kemu reads
	qemu-img convert -f qcow2 -O raw r.qcow2 q.raw && $KIMG convert -f qcow2 -O raw r.qcow2 k.raw
	cmp -s q.raw k.raw || { fail "$name" "qemu-img and kemu-img convert results differ"; return; }
	pass "$name"
}

t_randrw randrw-64k "" 1
t_randrw randrw-4k "cluster_size=4k" 2
t_randrw randrw-512b-rc2 "cluster_size=512,refcount_bits=2" 3
t_randrw randrw-2m "cluster_size=2M" 4

# the two tools take turns on one image; a raw copy gets the same writes
t_interleaved() {
	local name=$1 opts=$2 seed=$3
	rm -f il.qcow2 il.raw
	$KIMG create -q -f qcow2 ${opts:+-o "$opts"} il.qcow2 16M >/dev/null
	qemu-img create -q -f raw il.raw 16M
	python3 - "$seed" <<'PY' >il.cmds
import random, sys
r = random.Random(int(sys.argv[1]))
for rnd in range(12):
    cmds = []
    for _ in range(r.randint(3, 10)):
        off = r.randrange(0, 16 << 20, 512); ln = min(r.randrange(512, 300 << 10, 512), (16 << 20) - off)
        k = r.random()
        if k < 0.15:
            cmds.append(f"write -z {off} {ln}")
        else:
            cmds.append(f"write -P {r.randrange(1, 255)} {off} {ln}")
    print(("kemu" if rnd % 2 == 0 else "qemu") + "|" + "|".join(cmds))
PY
	while IFS='|' read -r tool rest; do
		local args=() raw=()
		IFS='|' read -ra cmds <<<"$rest"
		for c in "${cmds[@]}"; do args+=(-c "$c"); done
		if [ "$tool" = kemu ]; then
			$KIO -f qcow2 "${args[@]}" il.qcow2 >k.out 2>&1 || { fail "$name" "kemu-io: $(tail -c 200 k.out)"; return; }
		else
			qemu-io -f qcow2 "${args[@]}" il.qcow2 >q.out 2>&1
		fi
		qemu-io -f raw "${args[@]}" il.raw >/dev/null 2>&1
	done <il.cmds
	qcheck_clean il.qcow2 || { fail "$name" "check: $(head -c 200 qcheck.out)"; return; }
	qemu-img compare -f raw -F qcow2 il.raw il.qcow2 >c.out 2>&1 || { fail "$name" "$(cat c.out)"; return; }
	$KIMG compare -f raw -F qcow2 il.raw il.qcow2 >c.out 2>&1 || { fail "$name" "kemu-img compare: $(cat c.out)"; return; }
	pass "$name"
}
t_interleaved interleaved-tools-64k "" 11
t_interleaved interleaved-tools-4k-v2 "cluster_size=4k,compat=0.10" 12
t_interleaved interleaved-tools-512b "cluster_size=512" 13

# many requests in flight at once (thread pool, io_uring), checked sector by sector
t_async_depth() {
	local name=$1 fmt=$2 extra=$3
	rm -f ad.img ad.raw
	local o=(); [ $fmt = qcow2 ] && o=(-o cluster_size=4k)
	$KIMG create -q -f $fmt "${o[@]}" ad.img 8M >/dev/null
	if ! $KIO -f $fmt $extra -c "randwrite 42 3000 64k 16" ad.img >ad.log 2>k.out; then
		if grep -q "aio=io_uring:" k.out; then skip "$name" "$(head -1 k.out)"; return; fi
		fail "$name" "$(tail -c 200 k.out)"; return
	fi
	qemu-img convert -f $fmt -O raw ad.img ad.raw
	python3 "$src/tests/block/crash-verify.py" ad.log ad.raw 0 >v.out || { fail "$name" "$(cat v.out)"; return; }
	[ $fmt = qcow2 ] && { qcheck_clean ad.img || { fail "$name" "check: $(head -c 200 qcheck.out)"; return; }; }
	pass "$name"
}
t_async_depth async-depth16-qcow2 qcow2 ""
t_async_depth async-depth16-raw-io-uring raw "-i io_uring"

# refcount table growth: 512-byte clusters, data spread over > 8 MiB
t_reftable_grow() {
	local name=reftable-grow
	rm -f g.qcow2
	$KIMG create -q -f qcow2 -o cluster_size=512 g.qcow2 64M >/dev/null 2>&1
	if ! $KIO -f qcow2 -c "write -P 0x77 0 20M" -c "write -P 0x78 40M 3M" g.qcow2 >k.out 2>&1; then
		fail $name "$(tail -c 300 k.out)"; return
	fi
	qcheck_clean g.qcow2 || { fail $name "qemu-img check: $(head -c 300 qcheck.out)"; return; }
	qemu-io -f qcow2 -c "read -P 0x77 0 20M" -c "read -P 0 20M 20M" -c "read -P 0x78 40M 3M" g.qcow2 >q.out 2>&1
	grep -qi fail q.out && { fail $name "qemu-io: $(grep -m1 -i fail q.out)"; return; }
	pass $name
}
t_reftable_grow

# ---------------------------------------------------------------- convert / compare
t_convert() {
	local name=convert-both-ways
	rm -f s.qcow2
	qemu-img create -q -f qcow2 s.qcow2 64M
	qemu-io -f qcow2 -c "write -P 0xa1 0 3M" -c "write -P 0xa2 10M 64k" -c "write -P 0xa3 33M 100k" \
		-c "write -z 40M 1M" -c "write -P 0xa4 63M 1M" s.qcow2 >/dev/null
	$KIMG convert -f qcow2 -O raw s.qcow2 k.raw || { fail $name "kemu-img convert to raw"; return; }
	qemu-img compare -f qcow2 -F raw s.qcow2 k.raw >c.out 2>&1 || { fail $name "qcow2->raw: $(cat c.out)"; return; }
	# the raw result is sparse
	local used; used=$(du -k k.raw | cut -f1)
	[ "$used" -lt 10000 ] || { fail $name "raw output not sparse ($used KiB used)"; return; }
	$KIMG convert -f raw -O qcow2 k.raw k.qcow2 || { fail $name "kemu-img convert to qcow2"; return; }
	qcheck_clean k.qcow2 || { fail $name "qemu-img check: $(head -c 300 qcheck.out)"; return; }
	qemu-img compare k.qcow2 s.qcow2 >c.out 2>&1 || { fail $name "raw->qcow2: $(cat c.out)"; return; }
	$KIMG compare k.qcow2 s.qcow2 >c.out 2>&1 || { fail $name "kemu-img compare: $(cat c.out)"; return; }
	# same allocation as qemu-img convert would make
	qemu-img convert -O qcow2 k.raw q.qcow2
	qemu-img map --output=json q.qcow2 | sed 's/, "offset": [0-9]*//' >qm.out
	$KIMG map --output=json k.qcow2 | sed 's/, "offset": [0-9]*//' >km.out
	cmp -s qm.out km.out || { fail $name "map differs from qemu-img convert's image: $(diff qm.out km.out | head -3 | tr '\n' ' ')"; return; }
	# compare finds a difference and names it
	qemu-io -f qcow2 -c "write -P 0x5a 1000448 512" k.qcow2 >/dev/null
	$KIMG compare k.qcow2 s.qcow2 >c.out 2>&1
	local rc=$?
	[ $rc -eq 1 ] && grep -q "Content mismatch at offset 1000448!" c.out ||
		{ fail $name "compare of different images: rc=$rc $(cat c.out)"; return; }
	pass $name
}
t_convert

t_convert_n_progress() {
	local name=convert-n-progress
	rm -f t.raw
	qemu-img create -q -f qcow2 t.qcow2 8M
	qemu-io -f qcow2 -c "write -P 0xee 1M 1M" t.qcow2 >/dev/null
	qemu-img create -q -f raw t.raw 8M
	$KIMG convert -p -n -f qcow2 -O raw t.qcow2 t.raw >p.out 2>&1 || { fail $name "$(cat p.out)"; return; }
	grep -q "100.00/100%" p.out || { fail $name "no progress output"; return; }
	qemu-img compare -f qcow2 -F raw t.qcow2 t.raw >/dev/null || { fail $name "content differs"; return; }
	pass $name
}
t_convert_n_progress

t_convert_backing() {
	local name=convert-with-backing
	rm -f cb-base.qcow2 cb-top.qcow2 cb-out.qcow2
	qemu-img create -q -f qcow2 cb-base.qcow2 8M
	qemu-io -f qcow2 -c "write -P 0x21 0 8M" cb-base.qcow2 >/dev/null
	qemu-img create -q -f qcow2 -b cb-base.qcow2 -F qcow2 cb-top.qcow2
	qemu-io -f qcow2 -c "write -P 0x22 1M 64k" -c "write -z 2M 64k" cb-top.qcow2 >/dev/null
	$KIMG convert -O qcow2 -B cb-base.qcow2 -F qcow2 cb-top.qcow2 cb-out.qcow2 >c.out 2>&1 || { fail $name "$(cat c.out)"; return; }
	qemu-img compare cb-top.qcow2 cb-out.qcow2 >c.out 2>&1 || { fail $name "content: $(cat c.out)"; return; }
	qcheck_clean cb-out.qcow2 || { fail $name "check: $(head -c 200 qcheck.out)"; return; }
	local sz; sz=$(stat -c %s cb-out.qcow2)
	[ "$sz" -lt 1048576 ] || { fail $name "base data copied into the overlay ($sz bytes)"; return; }
	pass $name
}
t_convert_backing

# ---------------------------------------------------------------- compression
t_compress() {
	local name=compressed-clusters
	rm -f c.qcow2 qc.qcow2
	qemu-img create -q -f raw src.raw 16M
	# compressible text and incompressible random data
	python3 -c "
import os
f = open('src.raw', 'r+b')
f.seek(0); f.write(b'kemu compressible text ' * 100000)
f.seek(9 << 20); f.write(os.urandom(1 << 20))
f.seek(15 << 20); f.write(b'tail' * 50000)
"
	$KIMG convert -c -f raw -O qcow2 src.raw c.qcow2 || { fail $name "kemu-img convert -c"; return; }
	qcheck_clean c.qcow2 || { fail $name "qemu-img check: $(head -c 300 qcheck.out)"; return; }
	qemu-img compare -f raw src.raw c.qcow2 >c.out 2>&1 || { fail $name "qemu reads kemu's compressed image: $(cat c.out)"; return; }
	local sz; sz=$(stat -c %s c.qcow2)
	[ "$sz" -lt $((3 * 1024 * 1024)) ] || { fail $name "output not compressed ($sz bytes)"; return; }
	qemu-img convert -c -f raw -O qcow2 src.raw qc.qcow2
	$KIMG compare -f raw -F qcow2 src.raw qc.qcow2 >c.out 2>&1 || { fail $name "kemu reads qemu's compressed image: $(cat c.out)"; return; }
	for img in c.qcow2 qc.qcow2; do
		qemu-img check --output=json $img >q.json 2>/dev/null; $KIMG check --output=json $img >k.json 2>/dev/null
		json_same k.json q.json 2>d.out || { fail $name "check --output=json of $img: $(cat d.out | tr '\n' ' ')"; return; }
	done
	# overwrite part of a compressed cluster: copy-on-write out of it
	$KIO -f qcow2 -c "write -P 0x99 1000 3000" c.qcow2 >/dev/null 2>&1
	qemu-io -f raw -c "write -P 0x99 1000 3000" src.raw >/dev/null 2>&1
	qcheck_clean c.qcow2 || { fail $name "check after overwrite: $(head -c 300 qcheck.out)"; return; }
	qemu-img compare -f raw src.raw c.qcow2 >c.out 2>&1 || { fail $name "after overwrite: $(cat c.out)"; return; }
	pass $name
}
t_compress

# zstd: qemu-img's zstd images read by kemu, kemu's convert -c read by qemu-img
t_compress_zstd() {
	local name=compressed-zstd
	rm -f z.qcow2 qz.qcow2
	if ! $KIMG create -q -f qcow2 -o compression_type=zstd z.qcow2 1M 2>k.out; then
		grep -q "without libzstd" k.out && { skip $name "kemu built without libzstd"; return; }
		fail $name "create: $(cat k.out)"; return
	fi
	$KIMG create -f qcow2 -o compression_type=zstd,cluster_size=4k z.qcow2 3M >k.out
	qemu-img create -f qcow2 -o compression_type=zstd,cluster_size=4k z.qcow2 3M >q.out
	cmp -s k.out q.out || { fail $name "create output: $(diff k.out q.out | tr '\n' ' ')"; return; }
	$KIMG create -q -f qcow2 -o compat=0.10,compression_type=zstd z2.qcow2 1M 2>k.out &&
		{ fail $name "zstd with compat=0.10 accepted"; return; }
	grep -q "compatibility level 1.1" k.out || { fail $name "v2 refusal: $(cat k.out)"; return; }
	# qemu writes compressed clusters (and a partial overwrite of one), kemu reads
	qemu-io -f qcow2 -c "write -c -P 0x11 0 64k" -c "write -c -P 0x22 128k 4k" -c "write -P 0x33 2k 1k" \
		z.qcow2 >/dev/null
	$KIO -f qcow2 -r -c "read -P 0x11 0 2k" -c "read -P 0x33 2k 1k" -c "read -P 0x11 3k 61k" \
		-c "read -P 0 64k 64k" -c "read -P 0x22 128k 4k" z.qcow2 >k.out 2>&1 ||
		{ fail $name "kemu reads qemu's zstd clusters: $(grep -m1 -i -e fail -e error k.out)"; return; }
	$KIMG info --output=json z.qcow2 >k.json; qemu-img info --output=json z.qcow2 >q.json
	json_same k.json q.json 2>d.out || { fail $name "info: $(cat d.out | tr '\n' ' ')"; return; }
	# kemu compresses, qemu reads; an odd-sized raw source as qemu-img sizes it (sectors, rounded up)
	python3 -c "
import os
f = open('zsrc.raw', 'wb')
f.write(b'kemu zstd text ' * 200000); f.write(os.urandom(300000)); f.write(b'z' * 123457)
"
	$KIMG convert -c -f raw -O qcow2 -o compression_type=zstd,cluster_size=16k zsrc.raw kz.qcow2 2>k.out ||
		{ fail $name "kemu-img convert -c zstd: $(cat k.out)"; return; }
	qcheck_clean kz.qcow2 || { fail $name "qemu-img check: $(head -c 300 qcheck.out)"; return; }
	grep -q "compressed clusters" qcheck.out && ! grep -q " 0.00% compressed" qcheck.out ||
		{ fail $name "no compressed clusters: $(tail -2 qcheck.out | tr '\n' ' ')"; return; }
	qemu-img compare -f raw zsrc.raw kz.qcow2 >c.out 2>&1 || { fail $name "qemu reads kemu's zstd image: $(cat c.out)"; return; }
	qemu-img convert -c -f raw -O qcow2 -o compression_type=zstd,cluster_size=16k zsrc.raw qz.qcow2
	$KIMG compare -f qcow2 -F qcow2 kz.qcow2 qz.qcow2 >c.out 2>&1 || { fail $name "kemu compares: $(cat c.out)"; return; }
	$KIMG info --output=json kz.qcow2 >k.json; qemu-img info --output=json kz.qcow2 >q.json
	json_same k.json q.json actual-size 2>d.out || { fail $name "info of kemu's image: $(cat d.out | tr '\n' ' ')"; return; }
	qemu-img info --output=json qz.qcow2 >q2.json
	json_same k.json q2.json actual-size filename 2>d.out || { fail $name "kemu's and qemu's converts differ: $(cat d.out | tr '\n' ' ')"; return; }
	pass $name
}
t_compress_zstd

# several sources, concatenated; odd-sized raw files count in whole sectors as qemu-img
t_convert_multi() {
	local name=convert-several-sources
	head -c 1000000 /dev/urandom >m1.raw
	qemu-img create -q -f qcow2 m2.qcow2 2M
	qemu-io -f qcow2 -c "write -P 7 100k 300k" -c "write -z 1M 64k" m2.qcow2 >/dev/null
	head -c 777 /dev/urandom >m3.raw
	for o in "-O raw" "-O qcow2" "-O qcow2 -o cluster_size=4k" "-c -O qcow2 -o cluster_size=4k"; do
		rm -f mk.img mq.img
		$KIMG convert $o m1.raw m2.qcow2 m3.raw mk.img 2>k.out || { fail $name "kemu-img convert $o: $(cat k.out)"; return; }
		qemu-img convert $o m1.raw m2.qcow2 m3.raw mq.img
		qemu-img compare mk.img mq.img >c.out 2>&1 || { fail $name "convert $o: $(cat c.out)"; return; }
		qemu-img info --output=json mk.img >k.json; qemu-img info --output=json mq.img >q.json
		json_same k.json q.json actual-size filename dirty-flag 2>d.out ||
			{ fail $name "convert $o: info $(cat d.out | tr '\n' ' ')"; return; }
		case "$o" in *qcow2*) qcheck_clean mk.img || { fail $name "check $o: $(head -c 300 qcheck.out)"; return; };; esac
	done
	$KIMG convert -O qcow2 -B m2.qcow2 m1.raw m3.raw mb.qcow2 >k.out 2>&1 && { fail $name "-B with several sources accepted"; return; }
	grep -q "concatenating multiple input images" k.out || { fail $name "-B refusal: $(cat k.out)"; return; }
	pass $name
}
t_convert_multi

# ---------------------------------------------------------------- backing files
t_backing() {
	local name=backing-chain
	rm -f base.qcow2 mid.qcow2 top.qcow2 base.raw
	qemu-img create -q -f raw base.raw 16M
	qemu-io -f raw -c "write -P 0x01 0 16M" base.raw >/dev/null
	$KIMG create -q -f qcow2 -b base.raw -F raw mid.qcow2 >/dev/null || { fail $name "create mid"; return; }
	$KIO -f qcow2 -c "write -P 0x02 4096 512" -c "write -P 0x03 1M 1M" mid.qcow2 >/dev/null 2>&1
	qemu-img create -q -f qcow2 -b mid.qcow2 -F qcow2 top.qcow2
	$KIO -f qcow2 -c "write -P 0x04 1536k 4k" -c "write -z 8M 64k" top.qcow2 >k.out 2>&1 || { fail $name "kemu-io: $(tail -c 200 k.out)"; return; }
	qemu-io -f qcow2 -c "read -P 0x01 0 4096" -c "read -P 0x02 4096 512" -c "read -P 0x01 4608 1043968" \
		-c "read -P 0x03 1M 512k" -c "read -P 0x04 1536k 4k" -c "read -P 0x03 1540k 508k" \
		-c "read -P 0 8M 64k" -c "read -P 0x01 8256k 1M" top.qcow2 >q.out 2>&1
	grep -qi fail q.out && { fail $name "qemu-io through the chain: $(grep -m1 -i fail q.out)"; return; }
	for i in mid top; do qcheck_clean $i.qcow2 || { fail $name "check $i: $(head -c 200 qcheck.out)"; return; }; done
	qemu-img info --output=json top.qcow2 >q.json; $KIMG info --output=json top.qcow2 >k.json
	json_same k.json q.json 2>d.out || { fail $name "info: $(cat d.out | tr '\n' ' ')"; return; }
	qemu-img info --backing-chain --output=json top.qcow2 >q.json; $KIMG info --backing-chain --output=json top.qcow2 >k.json
	python3 -c "
import json,sys
a=json.load(open('k.json')); b=json.load(open('q.json'))
sys.exit(0 if [x['filename'] for x in a]==[x['filename'] for x in b] else 1)" || { fail $name "info --backing-chain"; return; }
	qemu-img map --output=json top.qcow2 >qm.out; $KIMG map --output=json top.qcow2 >km.out
	cmp -s qm.out km.out || { fail $name "map: $(diff qm.out km.out | head -4 | tr '\n' ' ')"; return; }
	qemu-img map top.qcow2 >qm.out; $KIMG map top.qcow2 >km.out
	cmp -s qm.out km.out || { fail $name "human map: $(diff qm.out km.out | head -4 | tr '\n' ' ')"; return; }
	pass $name
}
t_backing

t_backing_loop() {
	local name=backing-loop-refused
	rm -f l1.qcow2 l2.qcow2
	qemu-img create -q -f qcow2 l1.qcow2 1M
	qemu-img create -q -f qcow2 -b l1.qcow2 -F qcow2 l2.qcow2
	qemu-img rebase -u -b l2.qcow2 -F qcow2 l1.qcow2
	$KIO -f qcow2 -c "read 0 512" l2.qcow2 >k.out 2>&1
	local rc=$?
	[ $rc -eq 1 ] && grep -qi "backing" k.out || { fail $name "rc=$rc $(head -c 200 k.out)"; return; }
	pass $name
}
t_backing_loop

t_commit_rebase() {
	local name=commit-rebase
	rm -f b.qcow2 o.qcow2 b2.qcow2
	qemu-img create -q -f qcow2 b.qcow2 4M
	qemu-io -f qcow2 -c "write -P 0x10 0 4M" b.qcow2 >/dev/null
	$KIMG create -q -f qcow2 -b b.qcow2 -F qcow2 o.qcow2 >/dev/null
	$KIO -f qcow2 -c "write -P 0x20 1M 100k" o.qcow2 >/dev/null
	# rebase (safe) onto an empty image: o must keep showing b's data
	qemu-img create -q -f qcow2 b2.qcow2 4M
	$KIMG rebase -b b2.qcow2 -F qcow2 o.qcow2 >r.out 2>&1 || { fail $name "rebase: $(cat r.out)"; return; }
	qemu-io -f qcow2 -c "read -P 0x10 0 1M" -c "read -P 0x20 1M 100k" -c "read -P 0x10 3M 1M" o.qcow2 >q.out 2>&1
	grep -qi fail q.out && { fail $name "after rebase: $(grep -m1 -i fail q.out)"; return; }
	qemu-img info --output=json o.qcow2 | grep -q '"backing-filename": "b2.qcow2"' || { fail $name "backing not changed"; return; }
	qcheck_clean o.qcow2 || { fail $name "check after rebase: $(head -c 200 qcheck.out)"; return; }
	# commit into b2
	$KIMG commit o.qcow2 >c.out 2>&1 || { fail $name "commit: $(cat c.out)"; return; }
	qemu-img compare -f qcow2 -F qcow2 b2.qcow2 o.qcow2 >c.out 2>&1 || { fail $name "after commit: $(cat c.out)"; return; }
	qcheck_clean b2.qcow2 || { fail $name "check b2: $(head -c 200 qcheck.out)"; return; }
	# commit -b: two layers down, the middle one left as it is
	rm -f c1.qcow2 c2.qcow2 c3.qcow2
	qemu-img create -q -f qcow2 c1.qcow2 4M
	qemu-img create -q -f qcow2 -b c1.qcow2 -F qcow2 c2.qcow2
	qemu-img create -q -f qcow2 -b c2.qcow2 -F qcow2 c3.qcow2
	qemu-io -f qcow2 -c "write -P 0x31 0 1M" c2.qcow2 >/dev/null
	qemu-io -f qcow2 -c "write -P 0x32 512k 1M" -c "write -z 3M 64k" c3.qcow2 >/dev/null
	$KIMG commit -b c1.qcow2 c3.qcow2 >c.out 2>&1 || { fail $name "commit -b: $(cat c.out)"; return; }
	qemu-io -f qcow2 -c "read -P 0x31 0 512k" -c "read -P 0x32 512k 1M" -c "read -P 0 3M 64k" c1.qcow2 >q.out 2>&1
	grep -qi fail q.out && { fail $name "commit -b content: $(grep -m1 -i fail q.out)"; return; }
	qcheck_clean c1.qcow2 || { fail $name "check c1: $(head -c 200 qcheck.out)"; return; }
	$KIMG commit -b nonexistent.qcow2 c3.qcow2 >c.out 2>&1 && { fail $name "commit -b to a stranger accepted"; return; }
	# rebase -u only rewrites the header
	$KIMG rebase -u -b b.qcow2 -F qcow2 o.qcow2 && qemu-img info o.qcow2 | grep -q "backing file: b.qcow2" ||
		{ fail $name "rebase -u"; return; }
	pass $name
}
t_commit_rebase

# ---------------------------------------------------------------- cache modes, overlays, probing
t_cache_modes() {
	local name=cache-modes
	for mode in none directsync writethrough unsafe; do
		rm -f cm.qcow2
		$KIMG create -q -f qcow2 -o cluster_size=512 cm.qcow2 4M >/dev/null
		if ! $KIO -f qcow2 -t $mode -c "write -P 0x61 1000 70000" -c "write -P 0x62 2M 4096" -c flush \
			-c "read -P 0x61 1000 70000" cm.qcow2 >k.out 2>&1; then
			if [ $mode = none ] && grep -q "O_DIRECT" k.out; then
				skip $name "file system of $T has no O_DIRECT"; return
			fi
			fail $name "cache=$mode: $(tail -c 200 k.out)"; return
		fi
		qcheck_clean cm.qcow2 || { fail $name "cache=$mode check: $(head -c 200 qcheck.out)"; return; }
		qemu-io -f qcow2 -c "read -P 0x61 1000 70000" -c "read -P 0x62 2M 4096" -c "read -P 0 71000 1M" cm.qcow2 >q.out 2>&1
		grep -qi fail q.out && { fail $name "cache=$mode: $(grep -m1 -i fail q.out)"; return; }
	done
	rm -f cm.raw; $KIMG create -q -f raw cm.raw 1M
	$KIO -f raw -t none -c "write -P 0x63 100 1000" -c "read -P 0x63 100 1000" cm.raw >k.out 2>&1 &&
		qemu-io -f raw -c "read -P 0x63 100 1000" -c "read -P 0 0 100" -c "read -P 0 1100 4000" cm.raw | grep -qv fail ||
		{ fail $name "raw unaligned O_DIRECT: $(tail -c 200 k.out)"; return; }
	pass $name
}
t_cache_modes

t_io_uring() {
	local name=aio-io-uring
	rm -f ur.raw
	$KIMG create -q -f raw ur.raw 32M
	$KIO -f raw -i io_uring -c "write -P 0x3c 1000 100000" -c "read -P 0x3c 1000 100000" ur.raw >k.out 2>&1
	if grep -q "without liburing\|aio=io_uring:" k.out; then
		skip $name "$(head -1 k.out)"; return
	fi
	for mode in writeback none; do
		$KIO -f raw -i io_uring -t $mode -c "randrw 7 300" -c "write -P 0x3d 5M 64k" -c flush ur.raw >k.out 2>&1 ||
			{ fail $name "cache=$mode: $(tail -c 200 k.out)"; return; }
		qemu-io -f raw -c "read -P 0x3d 5M 64k" ur.raw | grep -qv fail || { fail $name "qemu-io read back"; return; }
	done
	$KIMG bench -i io_uring -c 5000 -d 16 -f raw ur.raw >b.out 2>&1 || { fail $name "bench: $(tail -c 200 b.out)"; return; }
	pass $name
}
t_io_uring

t_snapshot_on() {
	local name=snapshot-on-overlay
	rm -f so.qcow2
	qemu-img create -q -f qcow2 so.qcow2 4M
	qemu-io -f qcow2 -c "write -P 0x71 0 1M" so.qcow2 >/dev/null
	local before; before=$(md5sum <so.qcow2)
	$KIO -f qcow2 -s -c "write -P 0x72 0 512k" -c "read -P 0x72 0 512k" -c "read -P 0x71 512k 512k" so.qcow2 >k.out 2>&1 ||
		{ fail $name "$(tail -c 200 k.out)"; return; }
	[ "$before" = "$(md5sum <so.qcow2)" ] || { fail $name "the image changed"; return; }
	pass $name
}
t_snapshot_on

t_probe_raw() {
	local name=probed-raw-block0
	rm -f pr.img
	qemu-img create -q -f raw pr.img 1M
	$KIO -c "write -P 0x10 0 512" pr.img >k.out 2>&1 || { fail $name "plain write refused: $(cat k.out)"; return; }
	grep -q "WARNING: Image format was not specified for 'pr.img' and probing guessed raw." k.out ||
		{ fail $name "no probing warning: $(head -c 200 k.out)"; return; }
	# a qcow2 header written into block 0 of a probed raw image is refused
	qemu-img create -q -f qcow2 hdr.qcow2 1M
	$KIO -c "write -s hdr.qcow2 0 512" pr.img >k.out 2>&1 && { fail $name "qcow2 header written into probed raw"; return; }
	grep -q "Operation not permitted" k.out || { fail $name "refusal: $(tail -c 200 k.out)"; return; }
	$KIO -f raw -c "write -s hdr.qcow2 0 512" pr.img >k.out 2>&1 || { fail $name "explicit raw refused: $(tail -c 200 k.out)"; return; }
	[ "$(head -c 4 pr.img | od -An -tx1 | tr -d ' ')" = 514649fb ] || { fail $name "explicit raw write missing"; return; }
	pass $name
}
t_probe_raw

t_extended_l2() {
	local name=extended-l2-read
	rm -f x.qcow2
	qemu-img create -q -f qcow2 -o extended_l2=on,cluster_size=64k x.qcow2 4M
	qemu-io -f qcow2 -c "write -P 0x81 2k 2k" -c "write -P 0x82 64k 10k" -c "write -z 128k 64k" x.qcow2 >/dev/null
	$KIO -f qcow2 -r -c "read -P 0 0 2k" -c "read -P 0x81 2k 2k" -c "read -P 0 4k 60k" -c "read -P 0x82 64k 10k" \
		-c "read -P 0 74k 1M" x.qcow2 >k.out 2>&1 || { fail $name "$(grep -m1 -i -e fail -e error k.out)"; return; }
	$KIMG info --output=json x.qcow2 >k.json; qemu-img info --output=json x.qcow2 >q.json
	json_same k.json q.json 2>d.out || { fail $name "info: $(cat d.out | tr '\n' ' ')"; return; }
	pass $name
}
t_extended_l2

# writes to extended-L2 images: subclusters over a backing file, partial
# subclusters, zeroes, discard, a snapshot's shared clusters; a shadow raw
# copy written the same way by qemu-io is the oracle
t_extended_l2_write() {
	local name=extended-l2-write
	rm -f xb.raw xb.qcow2 xs.raw
	qemu-img create -q -f raw xb.raw 4M
	qemu-io -f raw -c "write -P 0x55 0 4M" xb.raw >/dev/null
	cp xb.raw xs.raw
	qemu-img create -q -f qcow2 -o extended_l2=on,cluster_size=64k -b xb.raw -F raw xb.qcow2
	local c
	for c in "write -P 0x81 2k 2k" "write -z 128k 64k"; do
		qemu-io -f qcow2 -c "$c" xb.qcow2 >/dev/null; qemu-io -f raw -c "$c" xs.raw >/dev/null
	done
	for c in "write -P 0x11 100 50" "write -P 0x12 60k 10k" "write -P 0x13 130k 3000" "write -P 0x14 1M 200k" \
		"write -z 1100k 300" "write -P 0x15 3M 1M" "write -z 2M 128k" "discard 3M 64k" "write -P 0x16 3M 10"; do
		$KIO -f qcow2 -c "$c" xb.qcow2 >k.out 2>&1 || { fail $name "kemu-io $c: $(head -c 200 k.out)"; return; }
		# discard with a backing file leaves zeroes (the backing file stays hidden)
		case "$c" in discard*) c="write -z ${c#discard }";; esac
		qemu-io -f raw -c "$c" xs.raw >/dev/null
	done
	qcheck_clean xb.qcow2 || { fail $name "qemu-img check: $(head -c 300 qcheck.out)"; return; }
	qemu-img compare -f raw -F qcow2 xs.raw xb.qcow2 >c.out 2>&1 || { fail $name "qemu reads: $(cat c.out)"; return; }
	# qemu writes on top of kemu's subclusters, kemu reads back
	qemu-io -f qcow2 -c "write -P 0x21 1030k 5k" xb.qcow2 >/dev/null; qemu-io -f raw -c "write -P 0x21 1030k 5k" xs.raw >/dev/null
	$KIMG compare -f raw -F qcow2 xs.raw xb.qcow2 >c.out 2>&1 || { fail $name "kemu reads: $(cat c.out)"; return; }
	# a snapshot's clusters are copied whole
	qemu-img snapshot -c s1 xb.qcow2
	$KIO -f qcow2 -c "write -P 0x31 1040k 1k" xb.qcow2 >/dev/null 2>&1; qemu-io -f raw -c "write -P 0x31 1040k 1k" xs.raw >/dev/null
	qcheck_clean xb.qcow2 || { fail $name "check after COW: $(head -c 300 qcheck.out)"; return; }
	qemu-img compare -f raw -F qcow2 xs.raw xb.qcow2 >c.out 2>&1 || { fail $name "after COW: $(cat c.out)"; return; }
	# kemu-img makes extended-L2 images too: convert, then resize
	rm -f xc.qcow2
	$KIMG convert -O qcow2 -o extended_l2=on,cluster_size=32k xs.raw xc.qcow2 2>k.out || { fail $name "convert: $(cat k.out)"; return; }
	$KIMG resize xc.qcow2 6M >/dev/null 2>&1 || { fail $name "resize"; return; }
	$KIO -f qcow2 -c "write -P 0x41 5M 33k" xc.qcow2 >/dev/null 2>&1
	qcheck_clean xc.qcow2 || { fail $name "check of kemu's image: $(head -c 300 qcheck.out)"; return; }
	qemu-io -f qcow2 -c "read -P 0x41 5M 33k" -c "read -P 0 4M 1M" xc.qcow2 >c.out 2>&1 && ! grep -q "Pattern verification failed" c.out ||
		{ fail $name "qemu reads kemu's subclusters: $(grep -m1 -i fail c.out)"; return; }
	pass $name
}
t_extended_l2_write

t_discard_zero() {
	local name=discard-write-zeroes
	rm -f dz.qcow2
	for compat in 1.1 0.10; do
		qemu-img create -q -f raw dzb.raw 4M
		qemu-io -f raw -c "write -P 0x91 0 4M" dzb.raw >/dev/null
		$KIMG create -q -f qcow2 -o compat=$compat -b dzb.raw -F raw dz.qcow2 >/dev/null
		$KIO -f qcow2 -c "write -P 0x92 0 1M" -c "write -z 64k 200k" -c "discard 512k 256k" -c "write -z 2M 128k" dz.qcow2 >k.out 2>&1 ||
			{ fail $name "compat=$compat: $(tail -c 200 k.out)"; return; }
		qemu-io -f qcow2 -c "read -P 0x92 0 64k" -c "read -P 0 64k 200k" -c "read -P 0x92 264k 248k" \
			-c "read -P 0x92 768k 256k" -c "read -P 0 2M 128k" -c "read -P 0x91 2176k 1M" dz.qcow2 >q.out 2>&1
		grep -qi fail q.out && { fail $name "compat=$compat: $(grep -m1 -i fail q.out)"; return; }
		# discard: v3 hides the backing file with zero clusters, v2 cannot and keeps the data
		local want=0; [ $compat = 0.10 ] && want=0x92
		qemu-io -f qcow2 -c "read -P $want 512k 256k" dz.qcow2 >q.out 2>&1
		grep -qi fail q.out && { fail $name "compat=$compat discard: $(grep -m1 -i fail q.out)"; return; }
		qcheck_clean dz.qcow2 || { fail $name "compat=$compat check: $(head -c 200 qcheck.out)"; return; }
		rm -f dz.qcow2
	done
	pass $name
}
t_discard_zero

# ---------------------------------------------------------------- snapshots
t_snapshots() {
	local name=internal-snapshots
	rm -f sn.qcow2
	$KIMG create -q -f qcow2 sn.qcow2 8M >/dev/null
	$KIO -f qcow2 -c "write -P 0x01 0 2M" sn.qcow2 >/dev/null
	$KIMG snapshot -c first sn.qcow2 || { fail $name "create"; return; }
	$KIO -f qcow2 -c "write -P 0x02 1M 2M" sn.qcow2 >/dev/null
	qcheck_clean sn.qcow2 || { fail $name "check after snapshot+write: $(head -c 300 qcheck.out)"; return; }
	qemu-img snapshot -l sn.qcow2 | grep -q " first " || { fail $name "qemu-img does not list it"; return; }
	qemu-img snapshot -c second sn.qcow2
	$KIMG snapshot -l sn.qcow2 >l.out; grep -q " second " l.out && grep -q " first " l.out || { fail $name "kemu-img -l: $(cat l.out)"; return; }
	qemu-img check --output=json sn.qcow2 >q.json 2>/dev/null; $KIMG check --output=json sn.qcow2 >k.json 2>/dev/null
	json_same k.json q.json 2>d.out || { fail $name "check json with snapshots: $(cat d.out | tr '\n' ' ')"; return; }
	qemu-img info --output=json sn.qcow2 >q.json; $KIMG info --output=json sn.qcow2 >k.json
	json_same k.json q.json 2>d.out || { fail $name "info json with snapshots: $(cat d.out | tr '\n' ' ')"; return; }
	[ "$(qemu-img snapshot -l sn.qcow2)" = "$($KIMG snapshot -l sn.qcow2)" ] || { fail $name "snapshot -l output differs"; return; }
	$KIMG snapshot -a first sn.qcow2 || { fail $name "apply"; return; }
	qemu-io -f qcow2 -c "read -P 0x01 0 2M" -c "read -P 0 2M 1M" sn.qcow2 >q.out 2>&1
	grep -qi fail q.out && { fail $name "content after apply: $(grep -m1 -i fail q.out)"; return; }
	qcheck_clean sn.qcow2 || { fail $name "check after apply: $(head -c 300 qcheck.out)"; return; }
	qemu-img snapshot -a second sn.qcow2
	qemu-io -f qcow2 -c "read -P 0x02 1M 2M" sn.qcow2 >q.out 2>&1
	grep -qi fail q.out && { fail $name "qemu applies kemu-era data: $(grep -m1 -i fail q.out)"; return; }
	$KIMG snapshot -d first sn.qcow2 && $KIMG snapshot -d second sn.qcow2 || { fail $name "delete"; return; }
	qcheck_clean sn.qcow2 || { fail $name "check after delete: $(head -c 300 qcheck.out)"; return; }
	[ -z "$(qemu-img snapshot -l sn.qcow2)" ] || { fail $name "snapshots left"; return; }
	$KIO -f qcow2 -c "write -P 0x03 0 4M" sn.qcow2 >/dev/null
	qcheck_clean sn.qcow2 || { fail $name "check after rewrite: $(head -c 300 qcheck.out)"; return; }
	# shrink with a snapshot, apply it: size and data come back
	$KIMG snapshot -c before-shrink sn.qcow2 && $KIMG resize --shrink sn.qcow2 1M >/dev/null &&
		qcheck_clean sn.qcow2 && $KIMG snapshot -a before-shrink sn.qcow2 || { fail $name "shrink/apply: $(head -c 300 qcheck.out)"; return; }
	qemu-io -f qcow2 -c "read -P 0x03 0 4M" -c "read -P 0 4M 4M" sn.qcow2 >q.out 2>&1
	grep -qi fail q.out && { fail $name "after shrink and apply: $(grep -m1 -i fail q.out)"; return; }
	qcheck_clean sn.qcow2 || { fail $name "check after shrink/apply: $(head -c 300 qcheck.out)"; return; }
	pass $name
}
t_snapshots

# ---------------------------------------------------------------- resize
t_resize() {
	local name=resize
	rm -f z.qcow2 z.raw
	$KIMG create -q -f qcow2 -o cluster_size=512 z.qcow2 1M >/dev/null
	$KIO -f qcow2 -c "write -P 0x42 0 1M" z.qcow2 >/dev/null
	$KIMG resize z.qcow2 +100M >r.out 2>&1 || { fail $name "grow: $(cat r.out)"; return; }
	[ "$(qemu-img info --output=json z.qcow2 | python3 -c 'import json,sys; print(json.load(sys.stdin)["virtual-size"])')" = $((101 * 1024 * 1024)) ] ||
		{ fail $name "size after grow"; return; }
	$KIO -f qcow2 -c "write -P 0x43 100M 1M" z.qcow2 >/dev/null
	qcheck_clean z.qcow2 || { fail $name "check after grow: $(head -c 300 qcheck.out)"; return; }
	qemu-io -f qcow2 -c "read -P 0x42 0 1M" -c "read -P 0x43 100M 1M" z.qcow2 >q.out 2>&1
	grep -qi fail q.out && { fail $name "$(grep -m1 -i fail q.out)"; return; }
	$KIMG resize z.qcow2 50M >r.out 2>&1 && { fail $name "shrink without --shrink accepted"; return; }
	$KIMG resize --shrink z.qcow2 512k >r.out 2>&1 || { fail $name "shrink: $(cat r.out)"; return; }
	qcheck_clean z.qcow2 || { fail $name "check after shrink: $(head -c 300 qcheck.out)"; return; }
	rm -f z0.qcow2; $KIMG create -q -f qcow2 z0.qcow2 0 >/dev/null && $KIMG resize z0.qcow2 1M >/dev/null &&
		qcheck_clean z0.qcow2 || { fail $name "grow from 0: $(head -c 200 qcheck.out)"; return; }
	$KIMG create -q -f raw z.raw 1M >/dev/null && $KIMG resize -f raw z.raw 3M >/dev/null &&
		[ "$(stat -c %s z.raw)" = 3145728 ] || { fail $name "raw grow"; return; }
	pass $name
}
t_resize

# ---------------------------------------------------------------- check and repair
t_check_leak() {
	local name=check-leak-repair
	rm -f lk.qcow2
	qemu-img create -q -f qcow2 lk.qcow2 4M
	qemu-io -f qcow2 -c "write -P 1 0 64k" lk.qcow2 >/dev/null
	truncate -s $((8 * 65536)) lk.qcow2
	# refcount of a cluster nobody uses (index 7): a leak
	python3 - lk.qcow2 <<'PY'
import struct, sys
f = open(sys.argv[1], 'r+b')
h = f.read(104)
rt = struct.unpack('>Q', h[48:56])[0]
f.seek(rt); rb = struct.unpack('>Q', f.read(8))[0]
f.seek(rb + 2 * 7); f.write(struct.pack('>H', 1))
PY
	qemu-img check lk.qcow2 >/dev/null 2>&1; local qrc=$?
	$KIMG check lk.qcow2 >k.out 2>&1; local krc=$?
	[ $qrc -eq 3 ] && [ $krc -eq 3 ] || { fail $name "exit codes qemu=$qrc kemu=$krc: $(head -c 200 k.out)"; return; }
	qemu-img check --output=json lk.qcow2 >q.json 2>/dev/null; $KIMG check --output=json lk.qcow2 >k.json 2>/dev/null
	json_same k.json q.json 2>d.out || { fail $name "check json: $(cat d.out | tr '\n' ' ')"; return; }
	$KIMG check -r leaks lk.qcow2 >k.out 2>&1 || { fail $name "repair rc=$?: $(head -c 300 k.out)"; return; }
	qcheck_clean lk.qcow2 || { fail $name "not repaired: $(head -c 300 qcheck.out)"; return; }
	pass $name
}
t_check_leak

t_check_corrupt() {
	local name=check-corruption
	rm -f cr.qcow2
	qemu-img create -q -f qcow2 cr.qcow2 4M
	qemu-io -f qcow2 -c "write -P 1 0 64k" cr.qcow2 >/dev/null
	# drop the refcount of the data cluster: a corruption
	python3 - cr.qcow2 <<'PY'
import struct, sys
f = open(sys.argv[1], 'r+b')
h = f.read(104)
l1 = struct.unpack('>Q', h[40:48])[0]
rt = struct.unpack('>Q', h[48:56])[0]
f.seek(l1); l2 = struct.unpack('>Q', f.read(8))[0] & 0x00fffffffffffe00
f.seek(l2); d = struct.unpack('>Q', f.read(8))[0] & 0x00fffffffffffe00
f.seek(rt); rb = struct.unpack('>Q', f.read(8))[0]
f.seek(rb + 2 * (d >> 16)); f.write(struct.pack('>H', 0))
PY
	qemu-img check cr.qcow2 >/dev/null 2>&1; local qrc=$?
	$KIMG check cr.qcow2 >k.out 2>&1; local krc=$?
	[ $qrc -eq 2 ] && [ $krc -eq 2 ] || { fail $name "exit codes qemu=$qrc kemu=$krc"; return; }
	$KIMG check -r all cr.qcow2 >k.out 2>&1 || { fail $name "repair: $(head -c 300 k.out)"; return; }
	qcheck_clean cr.qcow2 || { fail $name "not repaired: $(head -c 300 qcheck.out)"; return; }
	pass $name
}
t_check_corrupt

t_dirty_repair() {
	local name=dirty-bit-repair-on-open
	rm -f lz.qcow2
	qemu-img create -q -f qcow2 -o lazy_refcounts=on lz.qcow2 4M
	qemu-io -f qcow2 -c "write -P 7 0 256k" lz.qcow2 >/dev/null
	# what a crash with lazy refcounts leaves: dirty bit, a refcount not written
	python3 - <<'PY'
import struct
f = open('lz.qcow2', 'r+b')
f.seek(72); f.write(struct.pack('>Q', 1))
f.seek(48); rt = struct.unpack('>Q', f.read(8))[0]
f.seek(rt); rb = struct.unpack('>Q', f.read(8))[0]
f.seek(rb + 2 * 6); f.write(struct.pack('>H', 0))
PY
	$KIO -f qcow2 -c "read -P 7 0 256k" -c "write -P 8 1M 64k" lz.qcow2 >k.out 2>&1 || { fail $name "$(tail -c 200 k.out)"; return; }
	qcheck_clean lz.qcow2 || { fail $name "not repaired: $(head -c 200 qcheck.out)"; return; }
	qemu-img info --output=json lz.qcow2 | grep -q '"dirty-flag": false' || { fail $name "dirty flag still set"; return; }
	pass $name
}
t_dirty_repair

# ---------------------------------------------------------------- locking
t_locking() {
	local name=image-locking
	rm -f lock.qcow2
	qemu-img create -q -f qcow2 lock.qcow2 1M
	qemu-io -f qcow2 -c "sleep 4000" lock.qcow2 >/dev/null 2>&1 &
	local pid=$!
	sleep 1
	$KIO -f qcow2 -c "write 0 512" lock.qcow2 >k.out 2>&1; local rc=$?
	$KIMG info lock.qcow2 >i.out 2>&1; local irc=$?
	$KIMG info -U lock.qcow2 >u.out 2>&1; local urc=$?
	kill $pid 2>/dev/null; wait $pid 2>/dev/null
	[ $rc -eq 1 ] && grep -q 'Failed to get "write" lock' k.out && grep -q "Is another process using the image \[lock.qcow2\]?" k.out ||
		{ fail $name "kemu opened an image qemu holds: rc=$rc $(head -c 200 k.out)"; return; }
	[ $irc -eq 1 ] && grep -q 'Failed to get shared "write" lock' i.out || { fail $name "read-only open: rc=$irc $(head -c 200 i.out)"; return; }
	[ $urc -eq 0 ] || { fail $name "info -U refused: $(head -c 200 u.out)"; return; }
	# the other way round: kemu holds it, qemu is refused
	$KIO -f qcow2 -c "write 0 4k" -c "sleep 3000" lock.qcow2 >/dev/null 2>&1 &
	pid=$!
	sleep 0.5
	qemu-io -f qcow2 -c "read 0 512" lock.qcow2 >q.out 2>&1; rc=$?
	wait $pid
	[ $rc -ne 0 ] && grep -q "lock" q.out || { fail $name "qemu opened an image kemu holds: $(head -c 200 q.out)"; return; }
	pass $name
}
t_locking

# ---------------------------------------------------------------- bad input
t_bad_input() {
	local name=$1 want=$2; shift 2
	"$@" >b.out 2>&1; local rc=$?
	if [ $rc -ne 1 ]; then fail "$name" "exit status $rc, expected 1: $(head -c 200 b.out)"; return; fi
	grep -q -- "$want" b.out || { fail "$name" "message '$(head -c 200 b.out)' lacks '$want'"; return; }
	pass "$name"
}
t_bad_input bad-input-nonexistent "nonexist.qcow2': No such file or directory" $KIMG info nonexist.qcow2
t_bad_input bad-input-size "Invalid image size" $KIMG create -f qcow2 bad.qcow2 12Q
t_bad_input bad-input-format "Unknown file format 'vmdq'" $KIMG create -f vmdq bad.img 1M
t_bad_input bad-input-open-format "Unknown driver 'foo'" $KIMG info -f foo nonexist.qcow2
t_bad_input bad-input-no-command "Command not found: frobnicate" $KIMG frobnicate

# ---------------------------------------------------------------- hostile images
t_hostile() {
	local name=$1 want=$2 py=$3
	rm -f h.qcow2
	qemu-img create -q -f qcow2 h.qcow2 16M
	qemu-io -f qcow2 -c "write -P 1 0 128k" h.qcow2 >/dev/null
	python3 -c "
import struct
f = open('h.qcow2', 'r+b')
$py
"
	$KIO -f qcow2 -c "read 0 128k" h.qcow2 >h.out 2>&1; local rc=$?
	if [ $rc -ne 1 ] || ! grep -qi -- "$want" h.out; then
		fail "$name" "rc=$rc: $(head -c 300 h.out)"; return
	fi
	pass "$name"
}
t_hostile hostile-truncated "too short" "f.truncate(40)"
t_hostile hostile-cluster-bits "cluster size" "f.seek(20); f.write(struct.pack('>I', 40))"
t_hostile hostile-huge-size "too large" "f.seek(24); f.write(struct.pack('>Q', 1 << 63))"
t_hostile hostile-l1-past-eof "L1 table" "f.seek(40); f.write(struct.pack('>Q', 1 << 40))"
t_hostile hostile-l1-unaligned "L1 table offset" "f.seek(40); f.write(struct.pack('>Q', 0x30003))"
t_hostile hostile-encrypted "encrypted" "f.seek(32); f.write(struct.pack('>I', 1))"
t_hostile hostile-reftable-bad "refcount table" "f.seek(48); f.write(struct.pack('>Q', 0x123))"
t_hostile hostile-unknown-incompat "Unsupported qcow2 feature" "f.seek(72); f.write(struct.pack('>Q', 1 << 40))"
t_hostile hostile-l2-into-header "image is corrupt" "f.seek(0x30000); f.write(struct.pack('>Q', (1 << 63) | 0x200))"
t_hostile hostile-data-into-header "image is corrupt" "
f.seek(0x30000); l2 = struct.unpack('>Q', f.read(8))[0] & 0x00fffffffffffe00
f.seek(l2); f.write(struct.pack('>Q', (1 << 63) | 0x0))
f.seek(l2); f.write(struct.pack('>Q', (1 << 63) | 0x1200))"
t_hostile hostile-snapshot-table "snapshot table" "f.seek(60); f.write(struct.pack('>IQ', 5, 1 << 45))"

# random header fuzzing: never a crash (exit status 0 or 1 only)
t_fuzz_headers() {
	local name=hostile-fuzzed-headers bad=0
	qemu-img create -q -f qcow2 fz0.qcow2 16M
	qemu-io -f qcow2 -c "write -P 1 0 256k" fz0.qcow2 >/dev/null
	for i in $(seq 1 40); do
		cp fz0.qcow2 fz.qcow2
		python3 -c "
import random
r = random.Random($i)
f = open('fz.qcow2', 'r+b')
for _ in range(r.randint(1, 6)):
    # header, L1 table, refcount table/block, L2 table
    area = r.choice([(0, 112), (0x30000, 64), (0x10000, 64), (0x20000, 64), (0x40000, 0x10000)])
    f.seek(area[0] + r.randrange(area[1])); f.write(bytes([r.randrange(256)]))
"
		timeout 20 $KIO -f qcow2 -c "read 0 256k" -c "write -P 2 64k 4k" -c "read 1M 1M" fz.qcow2 >fz.out 2>&1
		local rc=$?
		if [ $rc -gt 1 ]; then bad=$((bad + 1)); echo "fuzz case $i: exit $rc: $(tail -c 200 fz.out)"; fi
		timeout 20 $KIMG check fz.qcow2 >fz.out 2>&1
		rc=$?
		if [ $rc -gt 3 ] && [ $rc -ne 63 ]; then bad=$((bad + 1)); echo "fuzz check $i: exit $rc"; fi
	done
	[ $bad -eq 0 ] || { fail $name "$bad crashes"; return; }
	pass $name
}
t_fuzz_headers

# many mutated images through the in-process harness (tests/fuzz/fuzz-qcow2.c)
t_fuzz_harness() {
	local name=hostile-fuzz-harness
	[ -x "$build/tools/fuzz-qcow2" ] || { skip $name "no fuzz-qcow2 binary"; return; }
	mkdir -p corpus
	qemu-img create -q -f qcow2 -o cluster_size=4k seed1.qcow2 8M
	qemu-io -f qcow2 -c "write -P 1 0 100k" -c "write -z 1M 64k" seed1.qcow2 >/dev/null
	qemu-img snapshot -c s seed1.qcow2
	qemu-io -f qcow2 -c "write -P 2 8k 8k" seed1.qcow2 >/dev/null
	qemu-img create -q -f raw seed.raw 1M
	python3 -c "open('seed.raw','r+b').write(b'compressible ' * 50000)"
	qemu-img convert -c -O qcow2 -o cluster_size=4k seed.raw seed2.qcow2
	python3 - <<'PY'
import random
for s, seed in enumerate(['seed1.qcow2', 'seed2.qcow2']):
    base = open(seed, 'rb').read()
    for i in range(150):
        r = random.Random(s * 1000 + i)
        d = bytearray(base)
        for _ in range(r.randint(1, 8)):
            if r.random() < 0.5:
                p = r.randrange(0, 128)          # header
            else:
                p = r.randrange(0, len(d))       # anywhere: tables, refcounts, data
            d[p] = r.randrange(256)
        if r.random() < 0.1:
            d = d[:r.randrange(len(d))]          # truncated
        open(f'corpus/{s}-{i}.qcow2', 'wb').write(d)
PY
	# images libFuzzer once crashed on (make fuzz-qcow2), kept as regressions
	for f in "$src"/tests/block/fuzz-regress/*; do
		[ -f "$f" ] && cp "$f" corpus/
	done
	if ! timeout 300 "$build/tools/fuzz-qcow2" corpus/* >fz.out 2>&1; then
		fail $name "harness exit $?: $(tail -c 300 fz.out)"; return
	fi
	pass $name
}
t_fuzz_harness

# ---------------------------------------------------------------- crash (short)
if [ "${KEMU_BLOCK_SKIP_CRASH:-0}" = 1 ]; then
	skip crash-short "KEMU_BLOCK_SKIP_CRASH=1"
else
	bash "$src/tests/block/crash.sh" "$build" 10 | sed 's/^PASS crash/PASS crash-short/; s/^FAIL crash/FAIL crash-short/'
	[ "${PIPESTATUS[0]}" -eq 0 ] || failed=$((failed + 1))
fi

# ---------------------------------------------------------------- power loss (short)
# a few seconds: 4 recorded runs (512 B, 4 KiB, 64 KiB clusters, extended L2), 5 cuts each
python3 "$src/tests/block/powerloss.py" "$build" 4 5 |
	sed 's/^PASS powerloss/PASS powerloss-short/; s/^FAIL powerloss/FAIL powerloss-short/'
[ "${PIPESTATUS[0]}" -eq 0 ] || failed=$((failed + 1))

t_measure() {
	local name=measure-like-qemu-img
	qemu-img create -q -f qcow2 ms.qcow2 64M
	qemu-io -f qcow2 -c "write -P 1 0 3M" -c "write -P 2 40M 100k" -c "write -z 50M 1M" ms.qcow2 >/dev/null
	for a in "--size 1G -O qcow2" "--size 100G -O qcow2 -o cluster_size=4k" "--size 12345678 -O qcow2 -o cluster_size=512,refcount_bits=1" \
		"-O qcow2 ms.qcow2" "-O raw ms.qcow2" "-O qcow2 -o cluster_size=2M ms.qcow2" "--size 7G -O raw"; do
		qemu-img measure $a >q.out 2>&1; $KIMG measure $a >k.out 2>&1
		cmp -s q.out k.out || { fail $name "measure $a: $(diff q.out k.out | tr '\n' ' ')"; return; }
	done
	pass $name
}
t_measure

# ---------------------------------------------------------------- misc tools
t_misc() {
	local name=measure-dd-bench-amend
	qemu-img create -q -f qcow2 m.qcow2 16M
	$KIMG measure --size 1G -O qcow2 >m.out 2>&1 && grep -q "required size" m.out || { fail $name "measure: $(cat m.out)"; return; }
	qemu-io -f qcow2 -c "write -P 0x31 0 1M" m.qcow2 >/dev/null
	$KIMG dd -f qcow2 -O raw if=m.qcow2 of=d.raw bs=64k count=8 >d.out 2>&1 || { fail $name "dd: $(cat d.out)"; return; }
	[ "$(stat -c %s d.raw)" = 524288 ] && qemu-io -f raw -c "read -P 0x31 0 512k" d.raw | grep -qv fail || { fail $name "dd output"; return; }
	$KIMG bench -c 2000 -d 8 -w -f qcow2 m.qcow2 >b.out 2>&1 && grep -q "Run completed" b.out || { fail $name "bench: $(cat b.out)"; return; }
	qcheck_clean m.qcow2 || { fail $name "check after bench: $(head -c 200 qcheck.out)"; return; }
	$KIMG amend -o lazy_refcounts=on m.qcow2 && qemu-img info m.qcow2 | grep -q "lazy refcounts: true" || { fail $name "amend"; return; }
	pass $name
}
t_misc

[ $failed -eq 0 ]

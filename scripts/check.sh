#!/usr/bin/env bash
# Runs every test: unit and device tests (also under ASan+UBSan), then the
# functional tests with real guests under every accelerator this host has.
# Prints one summary line at the end: "N passed, N failed, N skipped".
# Exit status 0 only if nothing failed.
set -uo pipefail

sanitize_only=0
if [ "${1:-}" = "--sanitize-only" ]; then
	sanitize_only=1
	shift
fi
build=${1:-build}
asan_build=${2:-build-asan}
jobs=${JOBS:-2}
passed=0 failed=0 skipped=0

# Count meson results from its JSON log: one entry per test program.
count_meson() {
	local dir=$1 label=$2
	local log="$dir/meson-logs/testlog.json"
	[ -f "$log" ] || { echo "FAIL $label: no test log"; failed=$((failed + 1)); return; }
	local p f s
	read -r p f s < <(python3 - "$log" "$label" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    r = t.get("result")
    name = t.get("name")
    if r in ("OK", "EXPECTEDFAIL"):
        p += 1
    elif r == "SKIP":
        s += 1
        print(f"SKIP {name} [{sys.argv[2]}]", file=sys.stderr)
    else:
        f += 1
        print(f"FAIL {name} [{sys.argv[2]}]: {r}", file=sys.stderr)
print(p, f, s)
PY
)
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}

run_meson_suites() {
	local dir=$1 label=$2; shift 2
	meson test -C "$dir" --suite unit --suite device "$@" --num-processes "$jobs" \
		--print-errorlogs >"$dir/meson-test.out" 2>&1
	grep -E '^ *[0-9]+/[0-9]+ ' "$dir/meson-test.out" | sed "s/^/[$label] /"
	count_meson "$dir" "$label"
}

if [ $sanitize_only -eq 0 ]; then
	echo "== unit and device tests"
	run_meson_suites "$build" "unit" --suite functional
fi

echo "== unit and device tests under ASan+UBSan"
if [ ! -f "$asan_build/build.ninja" ]; then
	meson setup "$asan_build" -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debug >/dev/null
fi
if ninja -C "$asan_build" -j"$jobs" >"$asan_build.ninja.out" 2>&1; then
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		run_meson_suites "$asan_build" "asan"
else
	tail -30 "$asan_build.ninja.out"
	echo "FAIL sanitizer build"
	failed=$((failed + 1))
fi

if [ $sanitize_only -eq 0 ]; then
	echo "== functional tests"
	out=$(mktemp)
	python3 tests/functional/run.py --kemu "$build/kemu" --guests "$build/tests/guests" -v | tee "$out"
	p=$(grep -c '^PASS' "$out"); f=$(grep -c '^FAIL' "$out"); s=$(grep -c '^SKIP' "$out")
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	echo "== firmware kernel boot (SeaBIOS + linuxboot option ROM)"
	KEMU="$build/kemu" python3 tests/functional/test-firmware-boot.py | tee "$out"
	p=$(grep -c '^PASS' "$out"); f=$(grep -c '^FAIL' "$out"); s=$(grep -c '^SKIP' "$out")
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	rm -f "$out"
	echo "== VGA functional tests"
	out=$(mktemp)
	python3 tests/functional/test-vga.py --kemu "$build/kemu" | tee "$out"
	p=$(grep -c '^PASS' "$out"); f=$(grep -c '^FAIL' "$out"); s=$(grep -c '^SKIP' "$out")
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	rm -f "$out"
	echo "== floppy boots (FDC, ISA DMA)"
	out=$(mktemp)
	KEMU="$build/kemu" python3 tests/functional/test-floppy.py | tee "$out"
	p=$(grep -c '^PASS' "$out"); f=$(grep -c '^FAIL' "$out"); s=$(grep -c '^SKIP' "$out")
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	rm -f "$out"
fi

if [ $sanitize_only -eq 0 ]; then
	echo "== QMP and HMP monitors"
	out=$(mktemp)
	python3 tests/functional/test-qmp.py --kemu "$build/kemu" --guests "$build/tests/guests" | tee "$out"
	p=$(grep -c '^PASS' "$out"); f=$(grep -c '^FAIL' "$out"); s=$(grep -c '^SKIP' "$out")
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	rm -f "$out"
fi

if [ $sanitize_only -eq 0 ]; then
	echo "== block layer and kemu-img against qemu-img"
	out=$(mktemp)
	bash tests/block/run.sh "$build" | tee "$out"
	p=$(grep -c '^PASS' "$out"); f=$(grep -c '^FAIL' "$out"); s=$(grep -c '^SKIP' "$out")
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	rm -f "$out"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]

#!/usr/bin/env bash
# make demo: boot the bundled demo guest (tests/guests/demo.c) on the best
# accelerator this host has. The guest prints a banner, what it found
# (CPU vendor, memory from the e820 map, CPUs from the ACPI MADT) and powers
# itself off through ACPI, so kemu exits by itself.
set -euo pipefail
build=${1:-build}
guest="$build/tests/guests/demo.elf"
[ -x "$build/kemu" ] || { echo "demo: $build/kemu is missing: run make build" >&2; exit 1; }
[ -f "$guest" ] || { echo "demo: $guest is missing: run make guests" >&2; exit 1; }

accel=interp
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	accel=kvm
fi
echo "demo: booting $guest with kemu -accel $accel -smp 2 -m 256 (exits by itself)"
echo
status=0
timeout 60 "$build/kemu" -accel "$accel" -smp 2 -m 256 -kernel "$guest" \
	-serial stdio -display none -no-reboot || status=$?
echo
echo "demo: kemu exited with status $status"
exit $status

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make demo`: boot the demo guest (tests/guests/demo.c: banner, CPU, memory,
# CPU count from ACPI, RTC date, then ACPI power-off) on the serial console.
# Uses KVM when /dev/kvm opens, else the interpreter; finishes in seconds.
#
#   scripts/demo.sh                          # build/kemu (or $KEMU)
#   KEMU=qemu-system-x86_64 scripts/demo.sh  # the same guest under QEMU
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
emu=${KEMU:-$root/build/kemu}
out=${KEMU_GUESTS:-$root/tests/guests/out}
make -s -C "$root/tests/guests" O="$out" -j1 "$out/demo.elf"

if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	accel=kvm
elif [[ $(basename "$emu") == qemu* ]]; then
	accel=tcg
else
	accel=interp
fi
[[ $(basename "$emu") == qemu* && $accel == interp ]] && accel=tcg
echo "demo: $emu -accel $accel"
set +e
timeout 60 "$emu" -nodefaults -display none -serial stdio -accel "$accel" -m 256 -smp 2 \
	-device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$out/demo.elf"
rc=$?
set -e
# ACPI power-off exits 0; anything else means the demo did not finish
if [ $rc -ne 0 ]; then
	echo "demo: emulator exited with status $rc" >&2
	exit 1
fi

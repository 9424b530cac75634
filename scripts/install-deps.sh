#!/usr/bin/env bash
# Install every Debian package that kemu's build, tests and benchmarks need.
# Idempotent: packages already present are not reinstalled, and `apt-get update`
# runs at most once per invocation (and only when something is missing).
set -euo pipefail

packages=(
	# build
	build-essential meson ninja-build pkg-config libglib2.0-dev
	# test guests: assembled and linked by the suite itself
	binutils gcc
	# functional tests: Debian's own kernel, busybox initramfs, firmware
	linux-image-amd64 busybox-static cpio gzip seabios
	# firmware kernel boot tests: syslinux memdisk, iPXE ipxe.lkrn
	syslinux-common ipxe
	# memtest86+ to its test screen under interp and KVM (tests/functional/run.py)
	memtest86+
	# functional test runner and benchmarks (tests/functional/run.py, bench/run.py)
	python3 file
	# oracles and benchmarks: QEMU from Debian, side by side
	qemu-system-x86 qemu-utils
	# block layer: aio=io_uring, compressed qcow2 clusters
	liburing-dev zlib1g-dev
	# display: surfaces (pixman) and PNG screendumps (libpng)
	libpixman-1-dev libpng-dev
	# debugging and the gdbstub tests
	gdb
	# test summaries (scripts/check.sh) and the functional runner
	python3
	# peak-RSS figures in bench/run.py
	time
	# sanitizer runs
	libclang-rt-14-dev
	# QMP monitor: JSON parsing (monitor/qmp.c)
	libjson-glib-dev
	# ACPI: iasl disassembles kemu's tables in tests/unit/test-acpi.c
	acpica-tools
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run as root (or install them yourself)" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

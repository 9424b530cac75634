#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the busybox initramfs that the functional tests and benchmarks boot
# with Debian's kernel (-kernel /boot/vmlinuz-* -initrd OUT -append
# "console=ttyS0 ..."). Its /init mounts proc/sys/dev, prints
# "KEMU-INIT: start", runs the command given as kemu.cmd=... on the kernel
# command line ('+' stands for a space, since the value cannot hold one) or
# the default check (uname -a; the CPU count), prints
# "KEMU-RESULT: cpus=N" and "KEMU-INIT: poweroff", then `poweroff -f`
# (ACPI S5: the emulator exits with status 0).
#
# KEMU_INITRAMFS_MODULES="mod1 mod2 ...": also copy these kernel modules (of
# KEMU_INITRAMFS_KVER, default the newest /boot/vmlinuz-*) into the image;
# /init loads them in that order (insmod) before "KEMU-INIT: start".
#
# Usage: scripts/build-initramfs.sh [OUT]   (default tests/functional/work/initramfs.cpio.gz)
# Needs: busybox-static, cpio, gzip (scripts/install-deps.sh installs them).
set -euo pipefail

out=${1:-tests/functional/work/initramfs.cpio.gz}
busybox=$(command -v busybox || true)
for b in /bin/busybox /usr/bin/busybox "$busybox"; do
	if [ -n "$b" ] && [ -x "$b" ] && file -L "$b" 2>/dev/null | grep -q 'statically linked'; then
		busybox=$b
		break
	fi
done
if [ -z "$busybox" ] || ! file -L "$busybox" | grep -q 'statically linked'; then
	echo "build-initramfs: no statically linked busybox (install busybox-static)" >&2
	exit 1
fi
for t in cpio gzip; do
	command -v $t >/dev/null || { echo "build-initramfs: $t not found" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,sbin,proc,sys,dev,tmp,etc,root}
cp "$busybox" "$tmp/bin/busybox"
ln -s busybox "$tmp/bin/sh"
# Network drivers of the newest installed kernel, in /lib/modules, for the
# networking tests (tests/functional/test-net.py): nothing loads them unless
# a kemu.cmd does (insmod /lib/modules/e1000.ko).
kdir=$(ls -d /lib/modules/*/kernel 2>/dev/null | sort -V | tail -1 || true)
mkdir -p "$tmp/lib/modules"
for m in drivers/net/ethernet/intel/e1000/e1000.ko; do
	if [ -n "$kdir" ] && [ -f "$kdir/$m" ]; then
		cp "$kdir/$m" "$tmp/lib/modules/"
	fi
done

if [ -n "${KEMU_INITRAMFS_MODULES:-}" ]; then
	kver=${KEMU_INITRAMFS_KVER:-$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1 | sed 's|.*/vmlinuz-||')}
	mkdir -p "$tmp/lib/modules"
	for m in $KEMU_INITRAMFS_MODULES; do
		f=$(find "/lib/modules/$kver" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" | head -1)
		if [ -z "$f" ]; then
			echo "build-initramfs: module $m not found in /lib/modules/$kver" >&2
			exit 1
		fi
		case "$f" in
		*.xz) xz -dc "$f" > "$tmp/lib/modules/$m.ko" ;;
		*.zst) zstd -qdc "$f" > "$tmp/lib/modules/$m.ko" ;;
		*) cp "$f" "$tmp/lib/modules/$m.ko" ;;
		esac
		echo "$m" >> "$tmp/etc/kemu-modules"
	done
fi

cat > "$tmp/init" <<'INIT'
#!/bin/sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
if [ -f /etc/kemu-modules ]; then
	for m in $(cat /etc/kemu-modules); do
		insmod /lib/modules/$m.ko || echo "KEMU-INIT: insmod $m failed"
	done
fi
echo "KEMU-INIT: start"
cmd=
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	kemu.cmd=*) cmd=$(echo "${arg#kemu.cmd=}" | tr + ' ') ;;
	esac
done
if [ -n "$cmd" ]; then
	echo "KEMU-INIT: running: $cmd"
	sh -c "$cmd"
	echo "KEMU-RESULT: status=$?"
else
	uname -a
	echo "KEMU-RESULT: cpus=$(grep -c ^processor /proc/cpuinfo)"
fi
echo "KEMU-INIT: poweroff"
poweroff -f
# poweroff failed: say so, then let the kernel panic (panic=-1 reboots)
echo "KEMU-INIT: poweroff failed"
exit 1
INIT
chmod +x "$tmp/init"

mkdir -p "$(dirname "$out")"
(cd "$tmp" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) | gzip -9n > "$out.tmp"
mv "$out.tmp" "$out"
echo "build-initramfs: wrote $out ($(stat -c %s "$out") bytes)"

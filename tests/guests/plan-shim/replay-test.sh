#!/bin/sh
# kemu's direct-boot plan, replayed in QEMU by plan-shim (see shim.c):
#	replay-test.sh PLAN_DUMP SHIM guest GUEST_ELF
#		the boot-tables guest must print PASS and power off through S5
#	replay-test.sh PLAN_DUMP SHIM linux|linux32
#		the host's Debian kernel (/boot/vmlinuz-*) must come up on kemu's
#		boot_params, e820, page tables and ACPI tables (to its panic for
#		want of a root file system, or, with busybox and cpio, to an
#		initramfs that reports and powers off through ACPI S5). QEMU runs with TCG: on a PVM host, KVM
#		cannot run that kernel in reasonable time.
# Exit 77 (skip) when QEMU or the kernel is missing.
dump=$1 shim=$2 mode=$3 guest=$4
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: qemu-system-x86_64 not installed"; exit 77; }
here=$(dirname "$0")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if [ "$mode" = guest ]; then
	"$dump" "$dir" 128 2 "$guest" "" "cpus=2 ram=128 poweroff=1" >/dev/null || exit 1
	out=$("$here/replay.sh" "$shim" "$dir" 128 2 2>&1)
	rc=$?
	echo "$out"
	echo "$out" | grep -q '^PASS' && [ $rc -eq 0 ] && exit 0
	echo "FAIL: exit status $rc"
	exit 1
fi
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
[ -r "$kernel" ] || { echo "SKIP: no readable /boot/vmlinuz-*"; exit 77; }
# With busybox and cpio: an initramfs whose /init reports and powers off (ACPI S5).
initrd= wants_initrd=
bb=$(command -v busybox)
if [ "$mode" = linux32 ]; then
	export PLAN_DUMP_LINUX32=1	# the 32-bit protocol (startup_32), no initrd
elif [ -n "$bb" ] && file -L "$bb" 2>/dev/null | grep -q static && command -v cpio >/dev/null; then
	mkdir -p "$dir/rootfs/bin" "$dir/rootfs/proc"
	cp "$bb" "$dir/rootfs/bin/busybox"
	printf '#!/bin/busybox sh\n/bin/busybox mount -t proc proc /proc\necho "KEMU-INITRD-OK cpus=$(/bin/busybox grep -c ^processor /proc/cpuinfo)"\n/bin/busybox poweroff -f\n' \
		> "$dir/rootfs/init"
	chmod +x "$dir/rootfs/init"
	(cd "$dir/rootfs" && find . | cpio -o -H newc 2>/dev/null) > "$dir/initrd.cpio"
	initrd="$dir/initrd.cpio"
	wants_initrd="KEMU-INITRD-OK cpus=2|reboot: Power down"
fi
"$dump" "$dir" 512 2 "$kernel" "$initrd" "console=ttyS0 panic=-1 loglevel=7" >/dev/null || exit 1
out=$(REPLAY_TCG=1 "$here/replay.sh" "$shim" "$dir" 512 2 2>&1)
rc=$?
echo "$out"
[ $rc -eq 0 ] || { echo "FAIL: QEMU exit status $rc"; exit 1; }
if [ -n "$wants_initrd" ]; then
	echo "$out" | grep -q "KEMU-INITRD-OK cpus=2" || { echo "FAIL: the initramfs did not run"; exit 1; }
	echo "$out" | grep -q "reboot: Power down" || { echo "FAIL: no ACPI power-off"; exit 1; }
fi
for want in "ACPI: RSDP 0x00000000000E0000" "ACPI: PM-Timer IO Port: 0x608" \
	    "BIOS-e820: \[mem 0x00000000000e0000-0x00000000000fffff\] reserved" \
	    "INT_SRC_OVR (bus 0 bus_irq 0 global_irq 2" "Total of 2 processors activated" \
	    "ACPI: PM: (supports S0 S5)" "ACPI: PCI Root Bridge \[PCI0\]" \
	    "ttyS0 at I/O 0x3f8 (irq = 4" "found SMP MP-table at \[mem 0x000f0000"; do
	echo "$out" | grep -q "$want" || { echo "FAIL: missing \"$want\""; exit 1; }
done
echo "PASS"

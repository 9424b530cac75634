#!/bin/sh
# Boot a boot-tables guest directly and check it:
#	run.sh EMULATOR GUEST [extra emulator arguments, e.g. -accel tcg]
# Pass: "PASS" on serial and exit status 0 (S5 power-off). Exit 77 = skip
# (meson's convention) when the emulator cannot run machines yet.
emu=$1 guest=$2
shift 2
[ -x "$(command -v "$emu")" ] || { echo "SKIP: $emu not found"; exit 77; }
accel=tcg
[ -w /dev/kvm ] && accel=kvm
case "$emu" in *qemu*) extra="-accel $accel" ;; *) extra="" ;; esac
out=$(timeout 60 "$emu" $extra -machine pc -m 128 -smp 2 -display none -nodefaults \
	-serial stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4 \
	-kernel "$guest" -append "cpus=2 ram=128 poweroff=1" "$@" 2>&1)
rc=$?
echo "$out"
case "$out" in *"not yet able to run a machine"*) echo "SKIP: $emu cannot run machines yet"; exit 77 ;; esac
echo "$out" | grep -q '^PASS' && [ $rc -eq 0 ] && exit 0
echo "FAIL: exit status $rc"
exit 1

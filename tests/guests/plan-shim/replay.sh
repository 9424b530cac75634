#!/bin/sh
# Replay a plan written by plan-dump inside QEMU through plan-shim:
#	replay.sh SHIM PLANDIR RAM_MB CPUS [extra QEMU args...]
# Prints the guest's serial output; exit status is QEMU's.
shim=$1 dir=$2 ram=$3 cpus=$4
shift 4
entry=$(sed -n 's/^entry //p' "$dir/plan.txt")
mods=$(awk '/^blob/ { printf "%s%s addr=%s", sep, $4, $2; sep="," }' "$dir/plan.txt")
accel=tcg
[ -w /dev/kvm ] && [ -z "$REPLAY_TCG" ] && accel=kvm
exec timeout 120 qemu-system-x86_64 -accel $accel -machine pc -m "$ram" -smp "$cpus" \
	-display none -nodefaults -serial stdio -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	-kernel "$shim" -initrd "$mods" -append "$entry" "$@"

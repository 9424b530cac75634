#!/bin/sh
# Build the boot-tables guests: build.sh OUT_MULTIBOOT OUT_PVH
# Freestanding 32-bit code, linked at 1 MiB; no host libraries.
set -e
here=$(dirname "$0")
CC=${CC:-gcc}
flags="-m32 -ffreestanding -fno-pic -fno-pie -no-pie -fno-stack-protector -nostdlib -static -O2 -Wall -Werror -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-T,$here/guest.ld"
$CC $flags -o "$1" "$here/entry.S" "$here/check.c"
$CC $flags -DPVH -o "$2" "$here/entry.S" "$here/check.c"

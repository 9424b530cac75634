#!/bin/sh
# Build plan-shim: build.sh OUT
set -e
here=$(dirname "$0")
${CC:-gcc} -m32 -ffreestanding -fno-pic -fno-pie -no-pie -fno-stack-protector -nostdlib \
	-static -O2 -Wall -Werror -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
	-Wl,-T,"$here/shim.ld" -o "$1" "$here/shim.S" "$here/shim.c"

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Disks and CD-ROMs on the PIIX3 IDE booted through SeaBIOS.

    tests/functional/test-disk-boot.py                  # kemu: $KEMU or build/kemu
    tests/functional/test-disk-boot.py --emulator qemu  # the same command lines on Debian's QEMU
    tests/functional/test-disk-boot.py --accel interp 'grub-*'

Cases, each under interp (QEMU: tcg) and, where /dev/kvm opens, kvm:
  grub-cdrom        -cdrom grub-rescue-cdrom.iso (Debian's grub-rescue-pc): the
                    GRUB menu ("GNU GRUB  version") on the VGA text screen.
  grub-cdrom-drive  the same with -drive file=...,if=ide,index=2,media=cdrom.
  grub-hda          -hda grub-rescue-usb.img (the hybrid image as a hard disk:
                    the package ships no separate disk image), to the menu.
  grub-hda-drive    the same with -drive file=...,format=raw,if=ide,index=0.
  int13-hda         a 4 MiB disk built here: its boot sector reads 20 tracks
                    through INT 13h AH=02h (CHS from AH=08h's geometry) and 1024
                    sectors through the EDD AH=42h extended read, and prints a
                    32-bit sum of each range on COM1; both must equal the sums
                    this script computes from the image.
  int13-slave       the same disk as the slave of the secondary channel
                    (-drive ...,if=ide,index=3).
  isolinux-menu     an ISOLINUX CD built here with xorriso (menu.c32): its
                    menu title on the text screen.
  linux-ata-piix    Debian's kernel (-kernel, busybox initramfs with libata,
                    ata_piix, sd_mod, sr_mod from /lib/modules): Linux finds
                    the disk and the CD, reads 4 MiB and 1 MiB of them by
                    bus-master DMA (MD5 against the files) and writes 4 KiB
                    that this script then finds in the image (about 40 s
                    under interp; KVM on PVM: too slow for Linux, SKIP).
  bootindex-cd      -device ide-hd (the INT 13h disk, which would boot first
                    in the default order and exit at once) with bootindex=2
                    and -device ide-cd (the ISOLINUX CD) with bootindex=1 on
                    ide.1 unit 1: the ISOLINUX menu shows, so SeaBIOS read the
                    "bootorder" paths the drives registered.

The screen is read as QEMU's and kemu's monitors both allow: QMP pmemsave of
the VGA text buffer at 0xb8000, decoded as characters. Under KVM on a PVM
host, the host kernel emulates the firmware's and boot loaders' real-mode and
CPL0 code instruction by instruction; cases that cannot finish in useful time
there SKIP with the measured reason.

Output: PASS name [accel] (time) / FAIL name [accel]: reason / SKIP name
[accel]: reason, then "N passed, N failed, N skipped"; exit 1 on any failure.
Python stdlib only. Logs in tests/functional/work/logs/disk-<case>.<accel>.log.
"""
import argparse
import fnmatch
import glob
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
WORK = os.path.join(ROOT, 'tests', 'functional', 'work')
LOGS = os.path.join(WORK, 'logs')
GRUB_CD = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso'
GRUB_DISK = '/usr/lib/grub-rescue/grub-rescue-usb.img'
ISOLINUX = '/usr/lib/ISOLINUX/isolinux.bin'
SYSLINUX_MODULES = '/usr/lib/syslinux/modules/bios'
SCALE = float(os.environ.get('KEMU_DEADLINE_SCALE', '1'))
SLOW = os.environ.get('KEMU_SLOW_TESTS') == '1'

GRUB_MENU = 'GNU GRUB  version'
ISOLINUX_TITLE = 'KEMU ISOLINUX TEST MENU'

PVM_GRUB = ('KVM here is PVM (/sys/module/kvm_pvm): GRUB\'s protected-mode code and its '
            'BIOS disk calls run through the host kernel\'s instruction emulator; kemu+KVM '
            'shows "Welcome to GRUB!" after a few seconds but the menu only after %s '
            '(KEMU_SLOW_TESTS=1 runs it with a 600 s deadline)')
PVM_GRUB_MEASURED = ('47 s on a quiet host and up to 534 s under load (measured on '
                     '2026-11-25; QEMU 7.2 with KVM: 40 to 539 s)')
PVM_BOOTINDEX = ('KVM here is PVM (/sys/module/kvm_pvm): this is the ISOLINUX boot of '
                 'isolinux-menu [kvm] again (22 s on a quiet host, 137 s under load, measured '
                 '2026-11-25); KEMU_SLOW_TESTS=1 runs it')

TRACKS = 20			# CHS reads: tracks 0-19 (cylinders 0 and 1)
EDD_START, EDD_CHUNK, EDD_CHUNKS = 2000, 64, 16
DISK_SECTORS = 8192		# 4 MiB

BOOT_SECTOR_S = r'''
	.code16
	.globl _start
_start:
	cli
	xor %%ax, %%ax
	mov %%ax, %%ds
	mov %%ax, %%ss
	mov $0x7c00, %%sp
	sti
	mov %%dl, drive
	mov $0x08, %%ah			/* geometry: CL sectors, DH last head */
	int $0x13
	jc fail
	and $0x3f, %%cl
	movzbw %%cl, %%ax
	mov %%ax, spt
	movzbw %%dh, %%ax
	inc %%ax
	mov %%ax, nheads
	mov $0x1000, %%ax
	mov %%ax, %%es
	movl $0, sum
	xor %%di, %%di			/* track number */
chs_loop:
	cmp $%(tracks)d, %%di
	jae chs_done
	mov %%di, %%ax
	xor %%dx, %%dx
	divw nheads			/* ax = cylinder, dx = head */
	mov %%dl, %%dh
	mov %%al, %%ch
	mov $1, %%cl
	shl $6, %%ah
	or %%ah, %%cl
	mov drive, %%dl
	xor %%bx, %%bx
	mov spt, %%ax
	mov $0x02, %%ah
	int $0x13
	jc fail
	mov spt, %%cx
	shl $7, %%cx			/* dwords */
	call sum_block
	inc %%di
	jmp chs_loop
chs_done:
	mov $chs_msg, %%si
	call puts
	mov sum, %%eax
	call print_hex
	mov $0x41, %%ah			/* EDD present? */
	mov $0x55aa, %%bx
	mov drive, %%dl
	int $0x13
	jc fail
	cmp $0xaa55, %%bx
	jne fail
	movl $0, sum
	mov $%(chunks)d, %%di
edd_loop:
	movw $%(chunk)d, dap_count
	mov $dap, %%si
	mov drive, %%dl
	mov $0x42, %%ah
	int $0x13
	jc fail
	mov $%(chunk)d * 128, %%cx
	call sum_block
	addl $%(chunk)d, dap_lba
	dec %%di
	jnz edd_loop
	mov $edd_msg, %%si
	call puts
	mov sum, %%eax
	call print_hex
	mov $nl, %%si
	call puts
	jmp out
fail:
	mov $fail_msg, %%si
	call puts
out:
	mov $0xf4, %%dx			/* isa-debug-exit: status 33 */
	mov $0x10, %%al
	out %%al, %%dx
1:	hlt
	jmp 1b

sum_block:				/* sum += cx dwords at es:0 */
	xor %%si, %%si
	mov sum, %%eax
1:	addl %%es:(%%si), %%eax
	add $4, %%si
	loop 1b
	mov %%eax, sum
	ret

print_hex:				/* eax as 8 hex digits */
	mov $8, %%cx
1:	rol $4, %%eax
	push %%eax
	and $0x0f, %%al
	add $'0', %%al
	cmp $'9', %%al
	jbe 2f
	add $7, %%al
2:	call putc
	pop %%eax
	loop 1b
	ret

puts:
	lodsb
	test %%al, %%al
	jz 1f
	call putc
	jmp puts
1:	ret

putc:
	push %%ax
	mov $0x3fd, %%dx
1:	in %%dx, %%al
	test $0x20, %%al
	jz 1b
	pop %%ax
	mov $0x3f8, %%dx
	out %%al, %%dx
	ret

chs_msg: .asciz "INT13 CHS="
edd_msg: .asciz " EDD="
nl: .asciz "\r\n"
fail_msg: .asciz "INT13 FAILED\r\n"
	.align 4
dap:	.byte 0x10, 0
dap_count: .word 0
	.word 0, 0x1000
dap_lba: .long %(edd_start)d, 0
drive: .byte 0
	.align 2
spt: .word 0
nheads: .word 0
sum: .long 0
	.org 510
	.byte 0x55, 0xaa
	.section .note.GNU-stack, "", @progbits
''' % {'tracks': TRACKS, 'chunks': EDD_CHUNKS, 'chunk': EDD_CHUNK, 'edd_start': EDD_START}

ISOLINUX_CFG = '''UI menu.c32
PROMPT 0
TIMEOUT 0
MENU TITLE %s
LABEL local
  MENU LABEL Boot the next device
  LOCALBOOT -1
''' % ISOLINUX_TITLE

RESULTS = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}


def report(kind, tag, msg):
    RESULTS[kind] += 1
    print('%s %s%s' % (kind, tag, msg), flush=True)


def build_disk():
    """The INT 13h disk and the two sums it must print; (path, expected, why)."""
    out = os.path.join(WORK, 'disk-int13.img')
    tmp = os.path.join(WORK, 'disk-int13-bootsect')
    os.makedirs(WORK, exist_ok=True)
    with open(tmp + '.S', 'w') as f:
        f.write(BOOT_SECTOR_S)
    steps = [['gcc', '-m32', '-c', tmp + '.S', '-o', tmp + '.o'],
             ['ld', '-m', 'elf_i386', '-Ttext=0x7c00', '-e', '_start', '--build-id=none',
              tmp + '.o', '-o', tmp + '.elf'],
             ['objcopy', '-O', 'binary', '-j', '.text', tmp + '.elf', tmp + '.bin']]
    for cmd in steps:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode:
            return None, None, '%s failed: %s' % (cmd[0], r.stdout.decode(errors='replace').strip())
    with open(tmp + '.bin', 'rb') as f:
        sect = f.read()
    if len(sect) != 512:
        return None, None, 'boot sector is %d bytes' % len(sect)
    data = sect + random.Random(6).randbytes((DISK_SECTORS - 1) * 512)
    with open(out, 'wb') as f:
        f.write(data)

    def dsum(first, count):
        words = struct.unpack('<%dI' % (count * 128), data[first * 512:(first + count) * 512])
        return sum(words) & 0xffffffff
    # 16 heads x 63 sectors is the geometry both kemu and QEMU give this disk;
    # the boot sector asks AH=08h, so the sum covers tracks * spt sectors from 0
    expected = 'INT13 CHS=%08X EDD=%08X' % (dsum(0, TRACKS * 63),
                                            dsum(EDD_START, EDD_CHUNK * EDD_CHUNKS))
    return out, expected, None


def build_isolinux():
    """An ISOLINUX CD with a menu; (path, why)."""
    if not os.path.exists(ISOLINUX):
        return None, ISOLINUX + ' missing (Debian package isolinux)'
    xorriso = shutil.which('xorriso')
    if not xorriso:
        return None, 'xorriso missing (Debian package xorriso)'
    tree = os.path.join(WORK, 'isolinux-tree')
    out = os.path.join(WORK, 'isolinux-menu.iso')
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(os.path.join(tree, 'isolinux'))
    shutil.copy(ISOLINUX, os.path.join(tree, 'isolinux'))
    for m in ('ldlinux.c32', 'menu.c32', 'libutil.c32', 'libcom32.c32'):
        src = os.path.join(SYSLINUX_MODULES, m)
        if not os.path.exists(src):
            return None, src + ' missing (Debian package syslinux-common)'
        shutil.copy(src, os.path.join(tree, 'isolinux'))
    with open(os.path.join(tree, 'isolinux', 'isolinux.cfg'), 'w') as f:
        f.write(ISOLINUX_CFG)
    r = subprocess.run([xorriso, '-as', 'mkisofs', '-quiet', '-o', out,
                        '-b', 'isolinux/isolinux.bin', '-c', 'isolinux/boot.cat',
                        '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', tree],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode:
        return None, 'xorriso failed: ' + r.stdout.decode(errors='replace').strip()[-200:]
    return out, None


LINUX_SCRIPT = '''for x in %s; do insmod /m/$x.ko; done
i=0; while [ $i -lt 240 ] && ! { [ -b /dev/sda ] && [ -b /dev/sr0 ]; }; do sleep 1; i=$((i+1)); done
echo "DISK-MD5 $(dd if=/dev/sda bs=64k count=64 2>/dev/null | md5sum)"
echo "CD-MD5 $(dd if=/dev/sr0 bs=64k count=16 2>/dev/null | md5sum)"
dd if=/dev/zero bs=512 count=8 2>/dev/null | tr '\\000' 'K' | dd of=/dev/sda bs=4096 seek=500 conv=fsync 2>/dev/null
echo "LINUX-WROTE"
'''


def build_linux_initrd(kernel):
    """The busybox initramfs plus the ATA modules and a test script; (path, why)."""
    version = os.path.basename(kernel)[len('vmlinuz-'):]
    base = os.path.join(WORK, 'initramfs.cpio.gz')
    if not os.path.exists(base):
        r = subprocess.run([os.path.join(ROOT, 'scripts', 'build-initramfs.sh'), base],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode:
            return None, r.stdout.decode(errors='replace').strip()
    mods = []
    for m in ('ata_piix', 'sd_mod', 'sr_mod'):
        r = subprocess.run(['modprobe', '-S', version, '--show-depends', m],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode:
            return None, 'modprobe --show-depends %s: %s' % (m, r.stdout.decode().strip())
        for line in r.stdout.decode().split('\n'):
            f = line.split()[1] if line.startswith('insmod ') else None
            if f and f not in mods and 'pclmul' not in f:
                mods.append(f)
    if any(not m.endswith('.ko') for m in mods):
        return None, 'compressed kernel modules: busybox insmod needs plain .ko files'
    tree = os.path.join(WORK, 'linux-ide-tree')
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(os.path.join(tree, 'm'))
    for m in mods:
        shutil.copy(m, os.path.join(tree, 'm'))
    names = ' '.join(os.path.basename(m)[:-3] for m in mods)
    with open(os.path.join(tree, 'm', 't.sh'), 'w') as f:
        f.write(LINUX_SCRIPT % names)
    extra = os.path.join(WORK, 'linux-ide-extra.cpio.gz')
    r = subprocess.run('cd %s && find . | cpio -o -H newc 2>/dev/null | gzip > %s' % (tree, extra),
                       shell=True)
    if r.returncode:
        return None, 'cpio failed'
    out = os.path.join(WORK, 'linux-ide.cpio.gz')
    with open(out, 'wb') as o:
        for part in (base, extra):
            with open(part, 'rb') as i:
                o.write(i.read())	# the kernel unpacks concatenated archives
    return out, None


def run_linux(cmd, deadline, original, disk, log):
    """Linux reads the disk (a copy of original) and the CD, then writes the
    disk; (ok, secs, why)."""
    ok, secs, out, why = run_serial(cmd, deadline, None, log, want_status=0)
    if why:
        return False, secs, why
    with open(original, 'rb') as f:
        data = f.read()	# what the guest read, before its write
    with open(GRUB_CD, 'rb') as f:
        cd = f.read(1024 * 1024)
    for label, want in (('DISK-MD5', hashlib.md5(data[:4 * 1024 * 1024]).hexdigest()),
                        ('CD-MD5', hashlib.md5(cd).hexdigest())):
        m = re.search(label + r' ([0-9a-f]{32})', out)
        if not m or m.group(1) != want:
            return False, secs, '%s: guest %s, file %s' % (label, m.group(1) if m else 'none', want)
    with open(disk, 'rb') as f:
        written = f.read()
    if written[500 * 4096:501 * 4096] != b'K' * 4096:
        return False, secs, 'the 4 KiB the guest wrote at byte %d are not in the image' % (500 * 4096)
    return True, secs, None


def kvm_status():
    pvm = os.path.exists('/sys/module/kvm_pvm')
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR | os.O_CLOEXEC))
        return True, None, pvm
    except OSError as e:
        return False, '/dev/kvm: %s' % e.strerror, pvm


class QMP:
    def __init__(self, path, deadline):
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.sock.settimeout(30)
        self.f = self.sock.makefile('rw')
        json.loads(self.f.readline())
        self.cmd('qmp_capabilities')

    def cmd(self, name, **args):
        self.f.write(json.dumps({'execute': name, 'arguments': args}) + '\n')
        self.f.flush()
        while True:
            line = self.f.readline()
            if not line:
                raise OSError('QMP connection closed')
            r = json.loads(line)
            if 'return' in r or 'error' in r:
                return r

    def close(self):
        self.sock.close()


def text_screen(qmp, tmp):
    """The 80x25 VGA text buffer as lines of characters."""
    path = os.path.join(tmp, 'vram')
    r = qmp.cmd('pmemsave', val=0xb8000, size=4000, filename=path)
    if 'error' in r:
        raise OSError('pmemsave: %s' % r['error'].get('desc'))
    with open(path, 'rb') as f:
        b = f.read()
    return '\n'.join(''.join(chr(c) if 32 <= c < 127 else ' ' for c in b[r * 160:r * 160 + 160:2])
                     .rstrip() for r in range(25))


def run_screen(cmd, deadline, want, log):
    """Run with a QMP socket until `want` is on the text screen; (ok, secs, screen, why)."""
    tmp = tempfile.mkdtemp(prefix='kemu-disk-')
    sock = os.path.join(tmp, 'qmp')
    t0 = time.monotonic()
    full = cmd + ['-qmp', 'unix:%s,server=on,wait=off' % sock]
    with open(log, 'w') as logf:
        logf.write('$ %s\n' % ' '.join(full))
        logf.flush()
        p = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
                             start_new_session=True)
        screen, ok, why = '', False, None
        try:
            qmp = QMP(sock, t0 + 20)
            while time.monotonic() - t0 < deadline:
                if p.poll() is not None:
                    why = 'exited with status %s' % p.returncode
                    break
                screen = text_screen(qmp, tmp)
                if want in screen:
                    ok = True
                    break
                time.sleep(0.1)
            qmp.close()
        except OSError as e:
            why = 'QMP: %s' % e
        secs = time.monotonic() - t0
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        logf.write('\n[screen after %.2fs]\n%s\n' % (secs, screen))
    shutil.rmtree(tmp, ignore_errors=True)
    if not ok and not why:
        why = 'no "%s" on the screen within %ds' % (want, deadline)
    return ok, secs, screen, why


def run_serial(cmd, deadline, want_re, log, want_status=33):
    """Run until exit or the deadline; (ok, secs, output, why)."""
    t0 = time.monotonic()
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=deadline)
        out, rc, why = r.stdout.decode('utf-8', 'replace'), r.returncode, None
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b'').decode('utf-8', 'replace')
        rc, why = None, 'nothing within %ds' % deadline
    secs = time.monotonic() - t0
    with open(log, 'w') as f:
        f.write('$ %s\n%s\n[status %s, %.2fs]\n' % (' '.join(cmd), out, rc, secs))
    m = re.search(r'INT13 [^\r\n]*', out)
    got = m.group(0) if m else None
    if why:
        return False, secs, out, why + (', last: %s' % got if got else '')
    if rc != want_status:
        return False, secs, out, 'exit status %s, expected %d' % (rc, want_status)
    if want_re is None:
        return True, secs, out, None
    if got != want_re:
        return False, secs, out, 'printed %r, expected %r' % (got, want_re)
    return True, secs, out, None


def first_nonblank(screen):
    lines = [l.strip() for l in screen.split('\n') if l.strip()]
    return ' | '.join(lines[:3])[:160] if lines else '(blank screen)'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--emulator', default=os.environ.get('KEMU', os.path.join(ROOT, 'build', 'kemu')),
                    help='kemu binary, or "qemu" for Debian\'s qemu-system-x86_64')
    ap.add_argument('--accel', action='append', help='interp and/or kvm (default: both)')
    ap.add_argument('patterns', nargs='*', help='case name globs')
    a = ap.parse_args()
    qemu = a.emulator == 'qemu'
    emu = shutil.which('qemu-system-x86_64') if qemu else a.emulator
    os.makedirs(LOGS, exist_ok=True)
    kvm_ok, kvm_why, pvm = kvm_status()
    print('# %s; kvm: %s%s' % (emu, 'yes' if kvm_ok else 'no (%s)' % kvm_why,
                               ', PVM' if pvm else ''), flush=True)

    disk, disk_sums, disk_why = build_disk()
    iso, iso_why = build_isolinux()
    grub_cd_why = not os.path.exists(GRUB_CD) and GRUB_CD + ' missing (grub-rescue-pc)'
    grub_hd_why = not os.path.exists(GRUB_DISK) and GRUB_DISK + ' missing (grub-rescue-pc)'
    base = ['-display', 'none', '-m', '256']
    if qemu:
        base += ['-net', 'none']
    serial = ['-serial', 'stdio', '-device', 'isa-debug-exit,iobase=0xf4,iosize=4']
    pvm_grub = None if SLOW else PVM_GRUB % PVM_GRUB_MEASURED
    kernels = sorted(glob.glob('/boot/vmlinuz-*'))
    # Linux under interp boots in about 35 s since the interpreter's blocks: always run it
    linux_why = (not kernels and 'no /boot/vmlinuz-* (linux-image-amd64)') or \
        (not os.path.exists(GRUB_CD) and GRUB_CD + ' missing (grub-rescue-pc)') or disk_why
    linux_initrd = None
    if not linux_why:
        linux_initrd, linux_why = build_linux_initrd(kernels[-1])
    linux_disk = os.path.join(WORK, 'linux-ide-disk.img')

    # name, kind, args, want, interp deadline, kvm deadline, why not, PVM skip reason
    cases = [
        ('grub-cdrom', 'screen', ['-cdrom', GRUB_CD], GRUB_MENU, 60, 600, grub_cd_why, pvm_grub),
        ('grub-cdrom-drive', 'screen',
         ['-drive', 'file=%s,if=ide,index=2,media=cdrom' % GRUB_CD], GRUB_MENU, 60, 600,
         grub_cd_why, pvm_grub),
        ('grub-hda', 'screen', ['-snapshot', '-hda', GRUB_DISK], GRUB_MENU, 60, 600,
         grub_hd_why, pvm_grub),
        ('grub-hda-drive', 'screen',
         ['-snapshot', '-drive', 'file=%s,format=raw,if=ide,index=0' % GRUB_DISK], GRUB_MENU,
         60, 600, grub_hd_why, pvm_grub),
        ('int13-hda', 'serial', ['-drive', 'file=%s,format=raw,if=ide,index=0' % disk] + serial,
         disk_sums, 60, 180, disk_why, None),
        ('int13-slave', 'serial', ['-drive', 'file=%s,format=raw,if=ide,index=3' % disk] + serial,
         disk_sums, 60, 180, disk_why, None),
        ('isolinux-menu', 'screen', ['-cdrom', str(iso)], ISOLINUX_TITLE, 60, 300, iso_why,
         None),
        ('linux-ata-piix', 'linux',
         ['-m', '512', '-serial', 'stdio', '-no-reboot', '-kernel', kernels[-1] if kernels else '',
          '-initrd', str(linux_initrd), '-append',
          'console=ttyS0 quiet panic=-1 kemu.cmd=sh+/m/t.sh',
          '-drive', 'file=%s,format=raw,if=ide,index=0' % linux_disk, '-cdrom', GRUB_CD],
         None, 900, 900, linux_why,
         'KVM here is PVM (/sys/module/kvm_pvm): the guest kernel\'s CPL0 code runs through '
         'the host\'s instruction emulator, too slow for Linux'),
        ('bootindex-cd', 'screen',
         ['-drive', 'if=none,id=d0,format=raw,file=%s' % disk,
          '-device', 'ide-hd,drive=d0,bootindex=2',
          '-drive', 'if=none,id=c0,media=cdrom,file=%s' % iso,
          '-device', 'ide-cd,drive=c0,bus=ide.1,unit=1,bootindex=1',
          '-device', 'isa-debug-exit,iobase=0xf4,iosize=4'],
         ISOLINUX_TITLE, 60, 300, disk_why or iso_why, None if SLOW else PVM_BOOTINDEX),
    ]
    accels = a.accel or ['interp', 'kvm']
    for name, kind, args, want, dl_interp, dl_kvm, why, pvm_why in cases:
        if a.patterns and not any(fnmatch.fnmatch(name, p) for p in a.patterns):
            continue
        for acc in accels:
            tag = '%s [%s]' % (name, acc)
            if why:
                report('SKIP', tag, ': ' + why)
                continue
            if acc == 'kvm' and not kvm_ok:
                report('SKIP', tag, ': no /dev/kvm' if kvm_why and 'No such file' in kvm_why
                       else ': no usable KVM: %s' % kvm_why)
                continue
            if acc == 'kvm' and pvm and pvm_why:
                report('SKIP', tag, ': ' + pvm_why)
                continue
            if acc == 'kvm' and pvm and qemu and name in ('isolinux-menu', 'bootindex-cd'):
                report('SKIP', tag, ': QEMU stops with a KVM internal error at ISOLINUX\'s '
                       'iret in 32-bit non-paged mode on PVM (seen 2026-11-25); kemu runs that '
                       'instruction in its interpreter')
                continue
            accel = ['-accel', 'tcg' if qemu and acc == 'interp' else acc]
            deadline = (dl_interp if acc == 'interp' else dl_kvm) * SCALE
            log = os.path.join(LOGS, 'disk-%s.%s.log' % (name, acc))
            cmd = [emu] + accel + base + args
            if kind == 'linux':
                shutil.copy(disk, linux_disk)	# a fresh copy for the guest to write
                ok, secs, err = run_linux(cmd, deadline, disk, linux_disk, log)
            elif kind == 'screen':
                ok, secs, screen, err = run_screen(cmd, deadline, want, log)
                if not ok:
                    err += '; screen: ' + first_nonblank(screen)
            else:
                ok, secs, out, err = run_serial(cmd, deadline, want, log)
            if ok:
                report('PASS', tag, ' (%.2fs)' % secs)
            else:
                report('FAIL', tag, ': ' + err)
    print('%d passed, %d failed, %d skipped' % (RESULTS['PASS'], RESULTS['FAIL'], RESULTS['SKIP']))
    return 1 if RESULTS['FAIL'] else 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Kernels booted through SeaBIOS and kemu's linuxboot option ROM.

    tests/functional/test-firmware-boot.py                 # kemu: $KEMU or build/kemu
    tests/functional/test-firmware-boot.py --emulator qemu # the same command lines on Debian's QEMU
    tests/functional/test-firmware-boot.py --accel interp 'memdisk*'

Cases, each under interp (QEMU: tcg) and, where /dev/kvm opens, kvm:
  memdisk-*      syslinux memdisk (-kernel, chosen for firmware by kernel-boot=auto)
                 boots a 1.44 MB floppy image built here, whose boot sector reads
                 sector 2 through INT 13h (memdisk's disk) and prints it on COM1,
                 then leaves through isa-debug-exit (status 33).
  memdisk-reboot the guest resets the machine (port 0xcf9) once: SeaBIOS and the
                 ROM boot memdisk again (boots counted in CMOS byte 0x7f).
  direct-refuses memdisk with kernel-boot=direct: a clear error, status 1.
  ipxe           Debian's /boot/ipxe.lkrn (kernel-boot=auto) to its banner; iPXE
                 prints through INT 10h, which SeaBIOS's serial console copies to
                 COM1 when fw_cfg has etc/sercon-port (-fw_cfg).
  linux-firmware Debian's kernel with -machine kernel-boot=firmware and the busybox
                 initramfs (scripts/build-initramfs.sh) up to "KEMU-INIT: start".

Output: PASS name [accel] (time) / FAIL name [accel]: reason / SKIP name [accel]:
reason, then "N passed, N failed, N skipped"; exit 1 on any failure. Python
stdlib only. Logs in tests/functional/work/logs/fw-<case>.<accel>.log.
"""
import argparse
import fnmatch
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
WORK = os.path.join(ROOT, 'tests', 'functional', 'work')
LOGS = os.path.join(WORK, 'logs')
MEMDISK = '/usr/lib/syslinux/memdisk'
IPXE = '/boot/ipxe.lkrn'
SCALE = float(os.environ.get('KEMU_DEADLINE_SCALE', '1'))

PVM_LINUX = ('KVM here is PVM (/sys/module/kvm_pvm): the guest kernel\'s CPL0 and real-mode '
             'code runs through the host\'s instruction emulator, too slow for Linux')
PVM_IPXE = ('KVM here is PVM (/sys/module/kvm_pvm): the host kernel emulates iPXE\'s '
            'start-up (real mode and non-paged 32-bit protected mode, where its decompressor '
            'runs) instruction by instruction, without exits to kemu; kemu+KVM reaches the '
            'banner after ~5 minutes (measured: 318 s), too long for make check '
            '(KEMU_SLOW_TESTS=1 runs it with a 600 s deadline)')
SLOW = os.environ.get('KEMU_SLOW_TESTS') == '1'

# The boot sector: INT 13h AH=02h reads CHS 0/0/2 (memdisk serves it from the
# image in RAM) to 0x8000 and prints that sector's string on COM1.
BOOT_SECTOR_S = r'''
	.code16
	.globl _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $0x7c00, %sp
	mov $0x0201, %ax
	mov $0x8000, %bx
	mov $0x0002, %cx
	xor %dh, %dh
	int $0x13
	mov $failmsg, %si
	jc print
	mov $0x8000, %si
print:
	mov $0x3f8, %dx
1:	lodsb
	test %al, %al
	jz done
	out %al, %dx
	jmp 1b
done:
	mov $0xf4, %dx
	mov $0x10, %al
	out %al, %dx		/* isa-debug-exit: status (0x10 << 1) | 1 = 33 */
	hlt
failmsg: .asciz "BOOTSECTOR: int 13h read failed\n"
	.org 510
	.byte 0x55, 0xaa
	.asciz "BOOTSECTOR: sector 2 read through int 13h\n"
	.org 1024
	.section .note.GNU-stack, "", @progbits
'''

# A boot sector that counts its boots in CMOS byte 0x7f (kept across resets):
# the first boot resets the machine through port 0xcf9, the second exits.
# Both must come back through SeaBIOS and the option ROM.
REBOOT_SECTOR_S = r'''
	.code16
	.globl _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %ss
	mov $0x7c00, %sp
	mov $0x7f, %al
	out %al, $0x70
	in $0x71, %al
	inc %al
	mov %al, %bl
	mov $0x7f, %al
	out %al, $0x70
	mov %bl, %al
	out %al, $0x71
	mov $msg, %si
	mov $0x3f8, %dx
1:	lodsb
	test %al, %al
	jz 2f
	out %al, %dx
	jmp 1b
2:	mov %bl, %al
	add $'0', %al
	out %al, %dx
	mov $'\n', %al
	out %al, %dx
	cmp $2, %bl
	jae 3f
	mov $0xcf9, %dx
	mov $0x06, %al
	out %al, %dx		/* hard reset */
	hlt
3:	mov $0xf4, %dx
	mov $0x10, %al
	out %al, %dx
	hlt
msg:	.asciz "REBOOT: boot "
	.org 510
	.byte 0x55, 0xaa
	.section .note.GNU-stack, "", @progbits
'''

RESULTS = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}


def report(kind, tag, msg):
    RESULTS[kind] += 1
    print('%s %s%s' % (kind, tag, msg), flush=True)


def build_floppy(source=BOOT_SECTOR_S, name='fw-floppy'):
    """A 1.44 MB floppy image with a boot sector; None and why on failure."""
    out = os.path.join(WORK, name + '.img')
    tmp = os.path.join(WORK, name + '-bootsect')
    os.makedirs(WORK, exist_ok=True)
    with open(tmp + '.S', 'w') as f:
        f.write(source)
    steps = [['gcc', '-m32', '-c', tmp + '.S', '-o', tmp + '.o'],
             ['ld', '-m', 'elf_i386', '-Ttext=0x7c00', '-e', '_start', '--build-id=none',
              tmp + '.o', '-o', tmp + '.elf'],
             ['objcopy', '-O', 'binary', '-j', '.text', tmp + '.elf', tmp + '.bin']]
    for cmd in steps:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode:
            return None, '%s failed: %s' % (cmd[0], r.stdout.decode(errors='replace').strip())
    with open(tmp + '.bin', 'rb') as f:
        sect = f.read()
    with open(out, 'wb') as f:
        f.write(sect + bytes(1474560 - len(sect)))
    return out, None


def initramfs():
    path = os.path.join(WORK, 'initramfs.cpio.gz')
    if not os.path.exists(path):
        r = subprocess.run([os.path.join(ROOT, 'scripts', 'build-initramfs.sh'), path],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode:
            return None, r.stdout.decode(errors='replace').strip()
    return path, None


def find_kernel():
    ks = sorted(glob.glob('/boot/vmlinuz-*'))
    return ks[-1] if ks else None


def kvm_status():
    pvm = os.path.exists('/sys/module/kvm_pvm')
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR | os.O_CLOEXEC))
        return True, None, pvm
    except OSError as e:
        return False, '/dev/kvm: %s' % e.strerror, pvm


def run(cmd, deadline, stop_on, log):
    """Run until exit, the deadline, or every regex of stop_on seen (then killed).
    Returns (status or None when killed, timed_out, seconds, output)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    buf = bytearray()
    lock = threading.Lock()

    def reader():
        while True:
            b = p.stdout.read1(4096)
            if not b:
                break
            with lock:
                buf.extend(b)
    th = threading.Thread(target=reader, daemon=True)
    th.start()
    timed_out = stopped = False
    while p.poll() is None:
        with lock:
            text = buf.decode('utf-8', 'replace')
        if stop_on and all(re.search(r, text) for r in stop_on):
            stopped = True
        elif time.monotonic() - t0 > deadline:
            timed_out = True
        if stopped or timed_out:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            break
        time.sleep(0.01)
    elapsed = time.monotonic() - t0
    th.join(5)
    with lock:
        out = buf.decode('utf-8', 'replace')
    with open(log, 'w') as f:
        f.write('$ %s\n%s\n[status %s%s, %.2fs]\n' % (' '.join(cmd), out, p.returncode,
                                                     ', TIMEOUT' if timed_out else '', elapsed))
    return (None if stopped else p.returncode), timed_out, elapsed, out


def last_line(out):
    lines = [l.strip() for l in re.sub(r'\x1b\[[0-9;?]*[a-zA-Z]|\x1bc', '', out).split('\n')
             if l.strip()]
    return lines[-1][:160] if lines else '(no output)'


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

    floppy, floppy_why = build_floppy()
    reboot_floppy, reboot_why = build_floppy(REBOOT_SECTOR_S, 'fw-reboot')
    kernel = find_kernel()
    initrd, initrd_why = initramfs() if kernel else (None, None)
    sercon = os.path.join(WORK, 'fw-sercon-port.bin')
    with open(sercon, 'wb') as f:
        f.write((0x3f8).to_bytes(2, 'little'))	# SeaBIOS reads etc/sercon-port as an integer
    # no default NIC: its iPXE ROM would run before the boot under test
    base = ['-display', 'none', '-serial', 'stdio', '-net', 'none']
    debug_exit = ['-device', 'isa-debug-exit,iobase=0xf4,iosize=4']
    memdisk_args = ['-m', '256', '-kernel', MEMDISK, '-initrd', str(floppy)] + debug_exit
    bootsect = r'BOOTSECTOR: sector 2 read through int 13h'

    # name, args, expected status (None: killed once `expect` seen), expect,
    # interp deadline, kvm deadline, why it cannot run (or None), PVM skip reason
    cases = [
        ('memdisk-auto', memdisk_args, 33, [bootsect], 60, 120,
         (not os.path.exists(MEMDISK) and MEMDISK + ' missing (syslinux-common)') or floppy_why,
         None),
        ('memdisk-firmware', memdisk_args + ['-machine', 'kernel-boot=firmware'], 33,
         [bootsect], 60, 120,
         (qemu and 'QEMU has no kernel-boot option (memdisk-auto is its firmware boot)') or
         (not os.path.exists(MEMDISK) and MEMDISK + ' missing (syslinux-common)') or floppy_why,
         None),
        ('memdisk-reboot', ['-m', '256', '-kernel', MEMDISK, '-initrd', str(reboot_floppy)] +
         debug_exit, 33, [r'REBOOT: boot 1', r'REBOOT: boot 2'], 60, 180,
         (not os.path.exists(MEMDISK) and MEMDISK + ' missing (syslinux-common)') or reboot_why,
         None),
        ('direct-refuses-memdisk', memdisk_args + ['-machine', 'kernel-boot=direct'], 1,
         [r'needs the BIOS|needs BIOS|real mode|through SeaBIOS'], 20, 20,
         (qemu and 'QEMU has no kernel-boot option') or
         (not os.path.exists(MEMDISK) and MEMDISK + ' missing (syslinux-common)') or floppy_why,
         None),
        ('ipxe', ['-m', '256', '-kernel', IPXE, '-fw_cfg', 'name=etc/sercon-port,file=' + sercon],
         None, [r'iPXE initialising devices', r'Open Source Network Boot Firmware'], 60, 600,
         not os.path.exists(IPXE) and IPXE + ' missing (Debian package ipxe)',
         None if SLOW else PVM_IPXE),
        ('linux-firmware', ['-m', '512', '-kernel', str(kernel), '-initrd', str(initrd),
                            '-append', 'console=ttyS0 quiet panic=-1'] +
         ([] if qemu else ['-machine', 'kernel-boot=firmware']),
         None, [r"KEMU-INIT: start"], 480, 480,
         (not kernel and 'no /boot/vmlinuz-* (linux-image-amd64)') or initrd_why, PVM_LINUX),
    ]
    accels = a.accel or ['interp', 'kvm']
    for name, args, status, expect, dl_interp, dl_kvm, why, pvm_why in cases:
        if a.patterns and not any(fnmatch.fnmatch(name, p) for p in a.patterns):
            continue
        for acc in accels:
            tag = '%s [%s]' % (name, acc)
            if why:
                report('SKIP', tag, ': ' + why)
                continue
            if acc == 'kvm' and not kvm_ok:
                report('SKIP', tag, ': no usable KVM: ' + kvm_why)
                continue
            if acc == 'kvm' and pvm and pvm_why:
                report('SKIP', tag, ': ' + pvm_why)
                continue
            accel = ['-accel', 'tcg' if qemu and acc == 'interp' else acc]
            deadline = (dl_interp if acc == 'interp' else dl_kvm) * SCALE
            log = os.path.join(LOGS, 'fw-%s.%s.log' % (name, acc))
            noreboot = [] if name == 'memdisk-reboot' else ['-no-reboot']
            rc, timed_out, secs, out = run([emu] + accel + base + noreboot + args, deadline,
                                           expect if status is None else None, log)
            err = None
            if timed_out:
                err = 'nothing within %ds; last output: %s' % (deadline, last_line(out))
            elif status is not None and rc != status:
                err = 'exit status %s, expected %d; last output: %s' % (rc, status, last_line(out))
            else:
                for r in expect:
                    if not re.search(r, out):
                        err = 'no /%s/ in the output; last: %s' % (r, last_line(out))
                        break
            if err:
                report('FAIL', tag, ': ' + err)
            else:
                report('PASS', tag, ' (%.2fs)' % secs)
    print('%d passed, %d failed, %d skipped' % (RESULTS['PASS'], RESULTS['FAIL'], RESULTS['SKIP']))
    return 1 if RESULTS['FAIL'] else 0


if __name__ == '__main__':
    sys.exit(main())

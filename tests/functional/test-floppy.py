#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Floppy boots through SeaBIOS, the floppy controller and ISA DMA.

    tests/functional/test-floppy.py                 # kemu: $KEMU or build/kemu
    tests/functional/test-floppy.py --emulator qemu # the same command lines on Debian's QEMU
    tests/functional/test-floppy.py --accel interp 'int13*'

Cases, each under interp (QEMU: tcg) and, where /dev/kvm opens, kvm:
  int13-checksum  a 1.44 MB image built here: pseudo-random bytes and a boot
                  sector that reads all 80 cylinders x 2 heads through INT 13h
                  (SeaBIOS -> FDC -> DMA channel 2), prints a checksum of the
                  whole disk on COM1 and leaves through isa-debug-exit (33);
                  the test computes the checksum from the image file.
  grub-menu       Debian's grub-rescue-floppy.img (package grub-rescue-pc) with
                  -drive if=floppy up to GRUB's menu, read from the VGA text
                  screen at 0xb8000 with QMP human-monitor-command "xp". Under
                  KVM on PVM GRUB's decompressor runs in the host's instruction
                  emulator: ~90 s.

Output: PASS name [accel] (time) / FAIL name [accel]: reason / SKIP name [accel]:
reason, then "N passed, N failed, N skipped"; exit 1 on any failure. Python
stdlib only. Logs in tests/functional/work/logs/floppy-<case>.<accel>.log.
"""
import argparse
import fnmatch
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
WORK = os.path.join(ROOT, 'tests', 'functional', 'work')
LOGS = os.path.join(WORK, 'logs')
GRUB_FLOPPY = '/usr/lib/grub-rescue/grub-rescue-floppy.img'
SCALE = float(os.environ.get('KEMU_DEADLINE_SCALE', '1'))
FLOPPY_SIZE = 1474560

QEMU_PVM_IRQ = ('QEMU cannot: on PVM with the in-kernel irqchip SeaBIOS never gets IRQ 6 '
                '("Boot failed: could not read the boot disk"; docs/kvm-pvm-notes.md)')
KEMU_PVM_IRQ = ('KVM here is PVM (/sys/module/kvm_pvm): it injects in-kernel PIC interrupts only '
                'between emulation batches and SeaBIOS\'s sti;nop;pause;cli wait for IRQ 6 never '
                'meets one (measured; QEMU fails the same way). kemu\'s single-step work-around '
                'is not merged yet (docs/kvm-pvm-notes.md)')
# Reads every track through INT 13h AH=02h (18 sectors to 1000:0000, inside one
# 64 KiB DMA page), folds each little-endian dword into sum = sum * 31 + dword
# (mod 2^32), prints the sum.
BOOT_SECTOR_S = r'''
	.code16
	.globl _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %ss
	mov $0x7c00, %sp
	sti
	xor %ebp, %ebp
track:
	movb $4, tries
retry:
	mov $0x1000, %ax
	mov %ax, %es
	xor %bx, %bx
	mov $0x0212, %ax
	mov cyl, %ch
	mov $1, %cl
	mov head, %dh
	xor %dl, %dl
	int $0x13
	jnc sum
	mov %ah, err
	decb tries
	jz fail
	xor %ax, %ax
	xor %dl, %dl
	int $0x13
	jmp retry
sum:
	push %ds
	mov %es, %ax
	mov %ax, %ds
	xor %si, %si
	mov $2304, %cx
1:	imul $31, %ebp, %ebp
	add (%si), %ebp
	add $4, %si
	loop 1b
	pop %ds
	incb head
	cmpb $2, head
	jb track
	movb $0, head
	incb cyl
	cmpb $80, cyl
	jb track
	mov $okmsg, %si
	call puts
	mov %ebp, %ebx
	mov $8, %cx
2:	rol $4, %ebx
	mov %bl, %al
	and $0x0f, %al
	add $'0', %al
	cmp $'9', %al
	jbe 3f
	add $7, %al
3:	mov $0x3f8, %dx
	out %al, %dx
	loop 2b
	mov $'\n', %al
	out %al, %dx
	mov $0x10, %al		/* isa-debug-exit: status (0x10 << 1) | 1 = 33 */
	jmp leave
fail:
	mov $failmsg, %si
	call puts
	mov $0x11, %al		/* status 35 */
leave:
	mov $0xf4, %dx
	out %al, %dx
	cli
	hlt
puts:
	mov $0x3f8, %dx
4:	lodsb
	test %al, %al
	jz 5f
	out %al, %dx
	jmp 4b
5:	ret
okmsg:	.asciz "FLOPPY-SUM: "
failmsg: .asciz "FLOPPY-SUM: read error\n"
cyl:	.byte 0
head:	.byte 0
tries:	.byte 0
err:	.byte 0
	.org 510
	.byte 0x55, 0xaa
	.section .note.GNU-stack, "", @progbits
'''

RESULTS = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}


def report(kind, tag, msg):
    RESULTS[kind] += 1
    print('%s %s%s' % (kind, tag, msg), flush=True)


def build_floppy():
    """The checksum image and its expected sum; (None, why) on failure."""
    out = os.path.join(WORK, 'floppy-int13.img')
    tmp = os.path.join(WORK, 'floppy-int13-bootsect')
    os.makedirs(WORK, exist_ok=True)
    with open(tmp + '.S', 'w') as f:
        f.write(BOOT_SECTOR_S)
    steps = [['as', '--32', tmp + '.S', '-o', tmp + '.o'],
             ['ld', '-m', 'elf_i386', '-Ttext=0x7c00', '-e', '_start', '--build-id=none',
              tmp + '.o', '-o', tmp + '.elf'],
             ['objcopy', '-O', 'binary', '-j', '.text', tmp + '.elf', tmp + '.bin']]
    for cmd in steps:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode:
            return None, '%s failed: %s' % (cmd[0], r.stdout.decode(errors='replace').strip())
    with open(tmp + '.bin', 'rb') as f:
        sect = f.read()
    rest = random.Random(0x5eed).randbytes(FLOPPY_SIZE - len(sect))
    data = sect + rest
    with open(out, 'wb') as f:
        f.write(data)
    s = 0
    for i in range(0, len(data), 4):
        s = (s * 31 + int.from_bytes(data[i:i + 4], 'little')) & 0xffffffff
    return (out, '%08X' % s), None


def kvm_status():
    pvm = os.path.exists('/sys/module/kvm_pvm')
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR | os.O_CLOEXEC))
        return True, None, pvm
    except OSError as e:
        return False, '/dev/kvm: %s' % e.strerror, pvm


class QMP:
    def __init__(self, path, deadline):
        end = time.monotonic() + deadline
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > end:
                    raise
                time.sleep(0.05)
        self.sock.settimeout(30)
        self.f = self.sock.makefile('rw')
        self.f.readline()
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

    def text_screen(self):
        """The 80x25 VGA text screen at 0xb8000, as lines."""
        r = self.cmd('human-monitor-command', **{'command-line': 'xp /2000xh 0xb8000'})
        words = []
        for line in r.get('return', '').splitlines():
            if ':' in line:
                words += [int(w, 16) for w in line.split(':', 1)[1].split()]
        chars = ''.join(chr(w & 0xff) if 32 <= (w & 0xff) < 127 else ' ' for w in words)
        return [chars[i * 80:(i + 1) * 80].rstrip() for i in range(25)]

    def close(self):
        self.sock.close()


def run_serial(cmd, deadline, log):
    """Run to exit or deadline; (status, timed_out, seconds, output)."""
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=deadline)
        rc, out, timed_out = p.returncode, p.stdout, False
    except subprocess.TimeoutExpired as e:
        rc, out, timed_out = None, e.stdout or b'', True
    secs = time.monotonic() - t0
    out = out.decode('utf-8', 'replace')
    with open(log, 'w') as f:
        f.write('$ %s\n%s\n[status %s%s, %.2fs]\n' % (' '.join(cmd), out, rc,
                                                     ', TIMEOUT' if timed_out else '', secs))
    return rc, timed_out, secs, out


def run_screen(cmd, deadline, want, log):
    """Start with a QMP socket, poll the text screen until every regex in want
    matches. Returns (error or None, seconds)."""
    d = tempfile.mkdtemp(prefix='kemu-floppy-')
    sock = os.path.join(d, 'qmp')
    full = cmd + ['-qmp', 'unix:%s,server=on,wait=off' % sock]
    t0 = time.monotonic()
    p = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    screen, err = [], None
    try:
        q = QMP(sock, 30)
        while True:
            screen = q.text_screen()
            text = '\n'.join(screen)
            if all(re.search(w, text) for w in want):
                break
            if p.poll() is not None:
                err = 'exited with status %s' % p.returncode
                break
            if time.monotonic() - t0 > deadline:
                err = 'no %s on the screen within %ds' % (
                    ' + '.join(w for w in want if not re.search(w, text)), deadline)
                break
            time.sleep(1)
        q.close()
    except (OSError, ValueError) as e:
        err = 'QMP: %s' % e
    secs = time.monotonic() - t0
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGKILL)
    out = p.communicate()[0].decode('utf-8', 'replace')
    shutil.rmtree(d, ignore_errors=True)
    with open(log, 'w') as f:
        f.write('$ %s\n%s\n--- screen ---\n%s\n[%s, %.2fs]\n' % (
            ' '.join(full), out, '\n'.join(screen), err or 'ok', secs))
    if err:
        lines = [l.strip() for l in screen if l.strip()]
        err += '; screen ends: %s' % (lines[-1][:100] if lines else '(blank)')
    return err, secs


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

    built, build_why = build_floppy()
    base = ['-display', 'none', '-m', '64', '-no-reboot']
    # no default NIC: its iPXE ROM only slows SeaBIOS down here
    base += ['-net', 'none']

    # name, kind, args, expectation, interp deadline, kvm deadline, skip reason, PVM skip
    cases = [
        ('int13-checksum', 'serial',
         ['-serial', 'stdio', '-boot', 'order=a',
          '-device', 'isa-debug-exit,iobase=0xf4,iosize=4'] +
         (['-drive', 'file=%s,if=floppy,format=raw,snapshot=on' % built[0]] if built else []),
         built and built[1], 60, 120, build_why, QEMU_PVM_IRQ if qemu else KEMU_PVM_IRQ),
        ('grub-menu', 'screen',
         ['-serial', 'none', '-boot', 'order=a',
          '-drive', 'file=%s,if=floppy,format=raw,readonly=on' % GRUB_FLOPPY],
         [r'GNU GRUB +version', r'Memtest86\+'], 90, 300,
         not os.path.exists(GRUB_FLOPPY) and GRUB_FLOPPY + ' missing (Debian package grub-rescue-pc)',
         QEMU_PVM_IRQ if qemu else KEMU_PVM_IRQ),
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
                report('SKIP', tag, ': no /dev/kvm' if kvm_why else ': no usable KVM')
                continue
            if acc == 'kvm' and pvm and pvm_why:
                report('SKIP', tag, ': ' + pvm_why)
                continue
            accel = ['-accel', 'tcg' if qemu and acc == 'interp' else acc]
            deadline = (dl_interp if acc == 'interp' else dl_kvm) * SCALE
            log = os.path.join(LOGS, 'floppy-%s.%s.log' % (name, acc))
            cmd = [emu] + accel + base + args
            if kind == 'serial':
                rc, timed_out, secs, out = run_serial(cmd, deadline, log)
                if acc == 'kvm' and pvm and not qemu and rc != 33:
                    # known: ~1 run in 8 triple-faults in POST on PVM (the single-step
                    # work-around can leave TF set in a guest frame; docs/kvm-pvm-notes.md)
                    print('# %s: second attempt (first: status %s)' % (tag, rc), flush=True)
                    rc, timed_out, secs, out = run_serial(cmd, deadline, log)
                m = re.search(r'FLOPPY-SUM: ([0-9A-F]{8}|read error)', out)
                if timed_out:
                    err = 'nothing within %ds' % deadline
                elif not m:
                    err = 'no FLOPPY-SUM line (status %s)' % rc
                elif m.group(1) != want:
                    err = 'guest read checksum %s, the image has %s' % (m.group(1), want)
                elif rc != 33:
                    err = 'exit status %s, expected 33' % rc
                else:
                    err = None
            else:
                err, secs = run_screen(cmd, deadline, want, log)
                if err and acc == 'kvm' and pvm and not qemu:
                    print('# %s: second attempt (first: %s)' % (tag, err), flush=True)
                    err, secs = run_screen(cmd, deadline, want, log)
            if err:
                report('FAIL', tag, ': ' + err)
            else:
                report('PASS', tag, ' (%.2fs)' % secs)
    print('%d passed, %d failed, %d skipped' % (RESULTS['PASS'], RESULTS['FAIL'], RESULTS['SKIP']))
    return 1 if RESULTS['FAIL'] else 0


if __name__ == '__main__':
    sys.exit(main())

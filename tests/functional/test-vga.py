#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Standard VGA with SeaBIOS: the banner on the VGA text screen, and the
text screen rendered pixel for pixel as Debian's QEMU renders it.

Cases, under interp always and kvm where /dev/kvm opens:

  vga-seabios-banner   kemu boots SeaBIOS with -vga std to "No bootable
                       device"; its screendump (taken through the
                       KEMU_TEST_SCREENDUMP test hook as it exits) is a 720x400
                       PPM whose text dump starts with SeaBIOS's banner.
  vga-text-like-qemu   QEMU (-accel tcg / kvm) boots the same firmware; its
                       HMP `screendump` and an `xp` dump of 0xb8000 give its
                       picture and text. Every text row that holds the same
                       characters and attributes on both screens (the banner
                       at least) must be the same pixels in both PPMs. Rows
                       whose text differs (the firmware's boot messages depend
                       on the board) are left out and counted.

Output: PASS name [accel] / FAIL name [accel]: reason / SKIP name [accel]:
reason, then "N passed, N failed, N skipped"; exit 1 on any failure.
Python 3 standard library only.

    tests/functional/test-vga.py [--kemu build/kemu] [--qemu qemu-system-x86_64]
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BANNER = 'SeaBIOS (version'
DONE = 'No bootable device'
SCALE = float(os.environ.get('KEMU_DEADLINE_SCALE', '1'))


def kvm_usable():
    try:
        fd = os.open('/dev/kvm', os.O_RDWR)
    except OSError as e:
        return False, '/dev/kvm: ' + e.strerror
    os.close(fd)
    return True, None


def read_ppm(path):
    with open(path, 'rb') as f:
        data = f.read()
    parts = data.split(b'\n', 3)
    if parts[0] != b'P6' or parts[2] != b'255':
        raise ValueError('%s: not a P6 PPM with maxval 255' % path)
    w, h = map(int, parts[1].split())
    if len(parts[3]) != w * h * 3:
        raise ValueError('%s: %d bytes of pixels, expected %d' % (path, len(parts[3]), w * h * 3))
    return w, h, parts[3]


def wait_for(path, text, deadline, proc):
    end = time.time() + deadline
    while time.time() < end:
        try:
            with open(path, 'rb') as f:
                if text.encode() in f.read():
                    return True
        except FileNotFoundError:
            pass
        if proc.poll() is not None:
            return False
        time.sleep(0.1)
    return False


def firmware_args(log):
    return ['-display', 'none', '-nodefaults', '-vga', 'std', '-m', '128',
            '-chardev', 'file,id=dbg,path=' + log,
            '-device', 'isa-debugcon,iobase=0x402,chardev=dbg']


def run_kemu(kemu, accel_args, work, deadline):
    """Boot to DONE, then SIGTERM: the test hook writes screen.ppm(.txt)."""
    log = os.path.join(work, 'kemu-debugcon.log')
    ppm = os.path.join(work, 'kemu.ppm')
    env = dict(os.environ, KEMU_TEST_SCREENDUMP=ppm)
    with open(os.path.join(work, 'kemu.stderr'), 'wb') as err:
        proc = subprocess.Popen([kemu] + accel_args + firmware_args(log), env=env,
                                stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    try:
        ok = wait_for(log, DONE, deadline, proc)
        time.sleep(0.5)          # the screen line follows the debug port line
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if not ok:
        raise RuntimeError('kemu did not reach "%s" in %ds (see %s)' % (DONE, deadline, log))
    if not os.path.exists(ppm):
        raise RuntimeError('kemu wrote no screendump (KEMU_TEST_SCREENDUMP)')
    txt = ppm + '.txt'
    text = open(txt).read().split('\n') if os.path.exists(txt) else []
    return ppm, text


class Hmp:
    def __init__(self, path, deadline=10):
        end = time.time() + deadline
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX)
                self.s.connect(path)
                break
            except OSError:
                if time.time() > end:
                    raise
                time.sleep(0.1)
        self.read_prompt()

    def read_prompt(self):
        buf = b''
        self.s.settimeout(30)
        while not buf.endswith(b'(qemu) '):
            chunk = self.s.recv(65536)
            if not chunk:
                break
            buf += chunk
        return buf.decode('latin-1')

    def cmd(self, line):
        self.s.sendall(line.encode() + b'\n')
        out = self.read_prompt()
        # the monitor echoes the line with terminal escapes; keep what follows it
        return out.split('\r\n', 1)[1] if '\r\n' in out else out


def run_qemu(qemu, accel_args, work, deadline):
    log = os.path.join(work, 'qemu-debugcon.log')
    sock = os.path.join(work, 'qemu.sock')
    ppm = os.path.join(work, 'qemu.ppm')
    # kemu's SeaBIOS retries after 60 s (no etc/boot-fail-wait): same message
    args = [qemu] + accel_args + firmware_args(log) + [
        '-boot', 'reboot-timeout=60000',
        '-monitor', 'unix:%s,server=on,wait=off' % sock]
    with open(os.path.join(work, 'qemu.stderr'), 'wb') as err:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    try:
        if not wait_for(log, DONE, deadline, proc):
            raise RuntimeError('QEMU did not reach "%s" in %ds' % (DONE, deadline))
        time.sleep(0.5)
        hmp = Hmp(sock)
        hmp.cmd('stop')
        hmp.cmd('screendump ' + ppm)
        dump = hmp.cmd('xp /4000bx 0xb8000')
        hmp.cmd('quit')
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    mem = []
    for line in dump.splitlines():
        if ':' in line:
            mem += [int(v, 16) for v in line.split(':', 1)[1].split()]
    rows = []
    for r in range(25):
        cells = mem[r * 160:(r + 1) * 160]
        rows.append((''.join(chr(c) if 0x20 <= c < 0x7f else ('.' if c else ' ')
                             for c in cells[0::2]), bytes(cells[1::2])))
    return ppm, rows


def only_cursor(kpx, qpx, w, r):
    """Do the rows differ only by whole 9-pixel lines of one cell (the text
    cursor)? It blinks, so either picture may have caught it on or off."""
    cells = set()
    for y in range(r * 16, r * 16 + 16):
        lo = y * w * 3
        if kpx[lo:lo + w * 3] == qpx[lo:lo + w * 3]:
            continue
        diff = [x for x in range(w)
                if kpx[lo + 3 * x:lo + 3 * x + 3] != qpx[lo + 3 * x:lo + 3 * x + 3]]
        if len(diff) != 9 or diff[0] % 9 or diff[-1] != diff[0] + 8:
            return False
        cells.add(diff[0] // 9)
    return len(cells) == 1


def compare(kppm, ktext, qppm, qrows):
    kw, kh, kpx = read_ppm(kppm)
    qw, qh, qpx = read_ppm(qppm)
    if (kw, kh) != (qw, qh):
        return False, 'kemu %dx%d, QEMU %dx%d' % (kw, kh, qw, qh)
    compared, skipped, bad = [], [], []
    for r in range(min(25, kh // 16, len(ktext))):
        qchars, qattrs = qrows[r]
        if ktext[r] != qchars:
            skipped.append(r)
            continue
        lo, hi = r * 16 * kw * 3, (r + 1) * 16 * kw * 3
        same = kpx[lo:hi] == qpx[lo:hi] or only_cursor(kpx, qpx, kw, r)
        (compared if same else bad).append(r)
    if bad:
        return False, 'text rows %s hold the same text but differ in pixels' % bad
    if 0 not in compared:
        return False, 'the banner row was not compared (kemu %r, QEMU %r)' % (
            ktext[0] if ktext else None, qrows[0][0])
    return True, '%d rows identical, %d rows with different text left out' % (
        len(compared), len(skipped))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kemu', default=os.environ.get('KEMU', os.path.join(ROOT, 'build', 'kemu')))
    ap.add_argument('--qemu', default='qemu-system-x86_64')
    ap.add_argument('-v', action='store_true', help='details on PASS too')
    args = ap.parse_args()

    accels = [('interp', ['-accel', 'interp'], ['-accel', 'tcg'], 90)]
    ok, why = kvm_usable()
    skipped_kvm = None
    if ok:
        accels.append(('kvm', ['-accel', 'kvm'], ['-accel', 'kvm'], 60))
    else:
        skipped_kvm = why
    results = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}

    def report(kind, name, accel, msg=''):
        results[kind] += 1
        sep = ': ' if kind != 'PASS' else ' '
        print('%s %s [%s]%s' % (kind, name, accel, (sep + msg) if msg and (kind != 'PASS' or args.v) else ''),
              flush=True)

    if not os.path.exists('/usr/share/seabios/bios-256k.bin'):
        for name in ('vga-seabios-banner', 'vga-text-like-qemu'):
            report('SKIP', name, 'all', 'no SeaBIOS (/usr/share/seabios)')
        accels = []
    if skipped_kvm:
        for name in ('vga-seabios-banner', 'vga-text-like-qemu'):
            report('SKIP', name, 'kvm', skipped_kvm)
    have_qemu = shutil.which(args.qemu)
    for accel, kargs, qargs, deadline in accels:
        deadline = int(deadline * SCALE)
        work = tempfile.mkdtemp(prefix='kemu-vga-%s-' % accel)
        t0 = time.time()
        try:
            kppm, ktext = run_kemu(args.kemu, kargs, work, deadline)
            kw, kh, _ = read_ppm(kppm)
            if (kw, kh) != (720, 400):
                report('FAIL', 'vga-seabios-banner', accel, 'screendump is %dx%d, expected 720x400' % (kw, kh))
            elif not ktext or not ktext[0].startswith(BANNER):
                report('FAIL', 'vga-seabios-banner', accel, 'first text row is %r' % (ktext[0] if ktext else None))
            else:
                report('PASS', 'vga-seabios-banner', accel, '(%.2fs) %s' % (time.time() - t0, ktext[0].strip()))
        except (RuntimeError, ValueError, OSError) as e:
            report('FAIL', 'vga-seabios-banner', accel, str(e))
            report('SKIP', 'vga-text-like-qemu', accel, 'no kemu screendump to compare')
            continue
        if not have_qemu:
            report('SKIP', 'vga-text-like-qemu', accel, '%s not found' % args.qemu)
            continue
        try:
            qppm, qrows = run_qemu(have_qemu, qargs, work, deadline)
            ok, msg = compare(kppm, ktext, qppm, qrows)
            report('PASS' if ok else 'FAIL', 'vga-text-like-qemu', accel,
                   msg if ok else msg + ' (pictures in ' + work + ')')
            if ok:
                shutil.rmtree(work, ignore_errors=True)
        except (RuntimeError, ValueError, OSError) as e:
            report('FAIL', 'vga-text-like-qemu', accel, str(e))
    print('%d passed, %d failed, %d skipped' % (results['PASS'], results['FAIL'], results['SKIP']))
    return 1 if results['FAIL'] else 0


if __name__ == '__main__':
    sys.exit(main())

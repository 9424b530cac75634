#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Standard VGA with SeaBIOS: the banner on the VGA text screen, and the
text screen rendered pixel for pixel as Debian's QEMU renders it.

Cases, under interp always and kvm where /dev/kvm opens:

  vga-seabios-banner   kemu boots SeaBIOS with -vga std to "No bootable
                       device"; its screendump (taken through the
                       KEMU_TEST_SCREENDUMP test hook as it exits) is a 720x400
                       PPM whose text dump starts with SeaBIOS's banner.
  vga-hmp-screendump   the same picture through kemu's HMP `screendump`.
  vga-text-like-qemu   QEMU (-accel tcg / kvm) boots the same firmware; its
                       HMP `screendump` and an `xp` dump of 0xb8000 give its
                       picture and text. Every text row that holds the same
                       characters and attributes on both screens (the banner
                       at least) must be the same pixels in both PPMs. Rows
                       whose text differs (the firmware's boot messages depend
                       on the board) are left out and counted.

  vga-full-screen-like-qemu
                       An option ROM this script assembles (on pci-testdev,
                       romfile=) fills all 80x25 cells after SeaBIOS's VGA
                       init: every character 0-255 in 128 attributes
                       (blink bit clear: QEMU does not blink), cursor off,
                       then halts. The whole 720x400 picture must be
                       identical in kemu and QEMU.

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


def firmware_args(log, extra=()):
    return ['-display', 'none', '-nodefaults', '-vga', 'std', '-m', '128',
            '-chardev', 'file,id=dbg,path=' + log,
            '-device', 'isa-debugcon,iobase=0x402,chardev=dbg'] + list(extra)


ROM_DONE = 'VGA-ROM-DONE'


# the end of every test ROM: print ROM_DONE (at offset 0x100) on the debug
# console, then halt with interrupts off
ROM_TAIL = bytes([
    0xba, 0x02, 0x04,             # mov dx, 0x402
    0xbe, 0x00, 0x01,             # mov si, msg (offset 0x100)
    # print:
    0x2e, 0xac,                   # cs lodsb
    0x84, 0xc0,                   # test al, al
    0x74, 0x03,                   # jz halt
    0xee,                         # out dx, al
    0xeb, 0xf7,                   # jmp print
    # halt:
    0xfa,                         # cli
    0xf4,                         # hlt
    0xeb, 0xfd,                   # jmp hlt
])

# cell i: character i & 0xff, attribute (i >> 3) & 0x7f; then the cursor off
TEXT_BODY = bytes([
    0xb8, 0x00, 0xb8,             # mov ax, 0xb800
    0x8e, 0xc0,                   # mov es, ax
    0x31, 0xff,                   # xor di, di
    0x31, 0xdb,                   # xor bx, bx
    # fill:
    0x89, 0xd8,                   # mov ax, bx
    0xc1, 0xe8, 0x03,             # shr ax, 3
    0x88, 0xc4,                   # mov ah, al
    0x80, 0xe4, 0x7f,             # and ah, 0x7f
    0x88, 0xd8,                   # mov al, bl
    0xab,                         # stosw
    0x43,                         # inc bx
    0x81, 0xfb, 0xd0, 0x07,       # cmp bx, 2000
    0x72, 0xec,                   # jb fill
    0xba, 0xd4, 0x03,             # mov dx, 0x3d4
    0xb8, 0x0a, 0x20,             # mov ax, 0x200a (CR0A = 0x20: cursor off)
    0xef,                         # out dx, ax
])


def bios_mode(mode):
    return bytes([0xb8, mode & 0xff, mode >> 8, 0xcd, 0x10])      # mov ax, mode; int 0x10


def dispi(index, value):
    # mov dx, 0x1ce; mov ax, index; out dx, ax; inc dx; mov ax, value; out dx, ax
    return bytes([0xba, 0xce, 0x01, 0xb8, index & 0xff, index >> 8, 0xef, 0x42,
                  0xb8, value & 0xff, value >> 8, 0xef])


def fill(segment, count):
    """count bytes (0: 65536) from segment:0, byte n = (n & 0xff) ^ (n >> 8)."""
    return bytes([
        0xb8, segment & 0xff, segment >> 8,   # mov ax, segment
        0x8e, 0xc0,                           # mov es, ax
        0x31, 0xff,                           # xor di, di
        0xb9, count & 0xff, (count >> 8) & 0xff,  # mov cx, count
        # fill:
        0x89, 0xf8,                           # mov ax, di
        0x30, 0xe0,                           # xor al, ah
        0xaa,                                 # stosb
        0xe2, 0xf9,                           # loop fill
    ])


def vbe_mode(bpp):
    return (dispi(4, 0) + dispi(1, 640) + dispi(2, 480) + dispi(3, bpp) + dispi(4, 0x41) +
            fill(0xa000, 0))


# name, what the ROM does before ROM_TAIL, accelerators (None: all)
SCREENS = [
    ('vga-full-screen-like-qemu', TEXT_BODY, None),
    ('vga-40-column-text-like-qemu', bios_mode(0x01) + TEXT_BODY, None),
    ('vga-cga-mode4-like-qemu', bios_mode(0x04) + fill(0xb800, 16384), None),
    ('vga-mode13h-like-qemu', bios_mode(0x13) + fill(0xa000, 64000), None),
    ('vga-mode12h-like-qemu', bios_mode(0x12) + fill(0xa000, 38400), None),
    ('vga-vbe-640x480x32-like-qemu', vbe_mode(32), None),
    ('vga-vbe-640x480x24-like-qemu', vbe_mode(24), None),
    ('vga-vbe-640x480x16-like-qemu', vbe_mode(16), None),
    ('vga-vbe-640x480x15-like-qemu', vbe_mode(15), None),
    ('vga-vbe-640x480x8-like-qemu', vbe_mode(8), None),
]


def test_rom(body):
    """A PCI option ROM (for pci-testdev, 1b36:0005) whose init runs body,
    then prints ROM_DONE on the debug console (port 0x402) and halts."""
    code = body + ROM_TAIL
    rom = bytearray(512)
    assert 0x40 + len(code) <= 0x100
    rom[0:3] = bytes([0x55, 0xaa, 1])         # signature, 1 x 512 bytes
    rom[3:5] = bytes([0xeb, 0x3b])            # entry: jmp short 0x40
    rom[0x18:0x1a] = (0x20).to_bytes(2, 'little')   # PCI data structure
    pcir = b'PCIR' + (0x1b36).to_bytes(2, 'little') + (0x0005).to_bytes(2, 'little')
    pcir += bytes([0, 0]) + (0x18).to_bytes(2, 'little') + bytes([0])  # VPD, length, rev
    pcir += bytes([0x00, 0x00, 0xff])         # class code
    pcir += (1).to_bytes(2, 'little') + bytes([0, 0, 0, 0x80, 0, 0])  # len, rev, type, last
    rom[0x20:0x20 + len(pcir)] = pcir
    rom[0x40:0x40 + len(code)] = code
    msg = (ROM_DONE + '\n').encode() + b'\0'
    rom[0x100:0x100 + len(msg)] = msg
    rom[-1] = (-sum(rom)) & 0xff
    return bytes(rom)


def run_kemu(kemu, accel_args, work, deadline, extra=(), done=DONE, tag='kemu', hmp_ppm=None):
    """Boot to `done`, then SIGTERM: the test hook writes the PPM (and .txt).
    With hmp_ppm, first take a screendump there through kemu's HMP monitor."""
    log = os.path.join(work, tag + '-debugcon.log')
    ppm = os.path.join(work, tag + '.ppm')
    env = dict(os.environ, KEMU_TEST_SCREENDUMP=ppm)
    sock = os.path.join(work, tag + '.sock')
    if hmp_ppm:
        extra = list(extra) + ['-monitor', 'unix:%s,server=on,wait=off' % sock]
    with open(os.path.join(work, tag + '.stderr'), 'wb') as err:
        proc = subprocess.Popen([kemu] + accel_args + firmware_args(log, extra), env=env,
                                stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    try:
        ok = wait_for(log, done, deadline, proc)
        time.sleep(0.5)          # the screen line follows the debug port line
        if ok and hmp_ppm:
            hmp = Hmp(sock)
            answer = hmp.cmd('screendump ' + hmp_ppm)
            if 'rror' in answer or 'not' in answer:
                raise RuntimeError('HMP screendump: ' + answer.strip())
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if not ok:
        raise RuntimeError('kemu did not reach "%s" in %ds (see %s)' % (done, deadline, log))
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


def run_qemu(qemu, accel_args, work, deadline, extra=(), done=DONE, tag='qemu'):
    log = os.path.join(work, tag + '-debugcon.log')
    sock = os.path.join(work, tag + '.sock')
    ppm = os.path.join(work, tag + '.ppm')
    # kemu's SeaBIOS retries after 60 s (no etc/boot-fail-wait): same message
    args = [qemu] + accel_args + firmware_args(log, extra) + [
        '-boot', 'reboot-timeout=60000',
        '-monitor', 'unix:%s,server=on,wait=off' % sock]
    with open(os.path.join(work, 'qemu.stderr'), 'wb') as err:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    try:
        if not wait_for(log, done, deadline, proc):
            raise RuntimeError('QEMU did not reach "%s" in %ds' % (done, deadline))
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


def screen_case(name, body, args, qemu, accel, kargs, qargs, deadline, report):
    if not qemu:
        report('SKIP', name, accel, '%s not found' % args.qemu)
        return
    work = tempfile.mkdtemp(prefix='kemu-%s-%s-' % (name, accel))
    rom = os.path.join(work, 'vga-text.rom')
    with open(rom, 'wb') as f:
        f.write(test_rom(body))
    extra = ['-device', 'pci-testdev,romfile=' + rom]
    try:
        kppm, _ = run_kemu(args.kemu, kargs, work, deadline, extra, ROM_DONE)
        qppm, _ = run_qemu(qemu, qargs, work, deadline, extra, ROM_DONE)
        kw, kh, kpx = read_ppm(kppm)
        qw, qh, qpx = read_ppm(qppm)
        if (kw, kh) != (qw, qh):
            report('FAIL', name, accel, 'kemu %dx%d, QEMU %dx%d' % (kw, kh, qw, qh))
        elif kpx != qpx:
            n = sum(1 for i in range(0, len(kpx), 3) if kpx[i:i + 3] != qpx[i:i + 3])
            first = next(i for i in range(0, len(kpx), 3) if kpx[i:i + 3] != qpx[i:i + 3]) // 3
            report('FAIL', name, accel, '%d pixels differ, first at (%d,%d) (pictures in %s)' % (
                n, first % kw, first // kw, work))
        else:
            report('PASS', name, accel, '%dx%d identical' % (kw, kh))
            shutil.rmtree(work, ignore_errors=True)
    except (RuntimeError, ValueError, OSError) as e:
        report('FAIL', name, accel, str(e))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kemu', default=os.environ.get('KEMU', os.path.join(ROOT, 'build', 'kemu')))
    ap.add_argument('--qemu', default='qemu-system-x86_64')
    ap.add_argument('--accel', choices=('interp', 'kvm'), help='only this accelerator')
    ap.add_argument('-v', action='store_true', help='details on PASS too')
    args = ap.parse_args()

    accels = [('interp', ['-accel', 'interp'], ['-accel', 'tcg'], 90)]
    ok, why = kvm_usable()
    skipped_kvm = None
    if args.accel == 'kvm':
        accels = []
    if args.accel == 'interp':
        pass
    elif ok:
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
        for name in ['vga-seabios-banner', 'vga-hmp-screendump', 'vga-text-like-qemu'] + [n for n, _, _ in SCREENS]:
            report('SKIP', name, 'all', 'no SeaBIOS (/usr/share/seabios)')
        accels = []
    if skipped_kvm:
        for name in ['vga-seabios-banner', 'vga-hmp-screendump', 'vga-text-like-qemu'] + [n for n, _, _ in SCREENS]:
            report('SKIP', name, 'kvm', skipped_kvm)
    have_qemu = shutil.which(args.qemu)
    for accel, kargs, qargs, deadline in accels:
        deadline = int(deadline * SCALE)
        work = tempfile.mkdtemp(prefix='kemu-vga-%s-' % accel)
        t0 = time.time()
        try:
            hmp_ppm = os.path.join(work, 'kemu-hmp.ppm')
            kppm, ktext = run_kemu(args.kemu, kargs, work, deadline, hmp_ppm=hmp_ppm)
            kw, kh, kpx = read_ppm(kppm)
            hw, hh, hpx = read_ppm(hmp_ppm)
            if (hw, hh) != (kw, kh) or hpx[:16 * kw * 3] != kpx[:16 * kw * 3]:
                report('FAIL', 'vga-hmp-screendump', accel, 'the monitor\'s picture differs')
            else:
                report('PASS', 'vga-hmp-screendump', accel, 'HMP screendump %dx%d' % (hw, hh))
            if (kw, kh) != (720, 400):
                report('FAIL', 'vga-seabios-banner', accel, 'screendump is %dx%d, expected 720x400' % (kw, kh))
            elif not ktext or not ktext[0].startswith(BANNER):
                report('FAIL', 'vga-seabios-banner', accel, 'first text row is %r' % (ktext[0] if ktext else None))
            else:
                report('PASS', 'vga-seabios-banner', accel, '(%.2fs) %s' % (time.time() - t0, ktext[0].strip()))
        except (RuntimeError, ValueError, OSError) as e:
            report('FAIL', 'vga-seabios-banner', accel, str(e))
            report('SKIP', 'vga-hmp-screendump', accel, 'kemu did not get there')
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
        for name, body, only in SCREENS:
            if only and accel not in only:
                report('SKIP', name, accel, 'run under %s only (same renderer)' % ', '.join(only))
                continue
            screen_case(name, body, args, have_qemu, accel, kargs, qargs, deadline, report)
    print('%d passed, %d failed, %d skipped' % (results['PASS'], results['FAIL'], results['SKIP']))
    return 1 if results['FAIL'] else 0


if __name__ == '__main__':
    sys.exit(main())

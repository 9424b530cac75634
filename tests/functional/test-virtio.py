#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""virtio devices with real guests: SeaBIOS and GRUB on virtio-blk, Linux
with virtio-blk, virtio-rng and virtio-console.

    tests/functional/test-virtio.py                 # kemu: $KEMU or build/kemu
    tests/functional/test-virtio.py --accel interp 'grub*'

Cases, each under interp and, where /dev/kvm opens, kvm:
  grub-if-virtio     SeaBIOS boots Debian's GRUB rescue disk image
                     (grub-rescue-pc) from -drive if=virtio to the GRUB menu;
                     asserted on the VGA text screen (0xb8000, read with HMP
                     xp).
  grub-bootindex     an empty -drive if=virtio first, then GRUB's image
                     through -drive if=none + -device
                     virtio-blk-pci,drive=d0,bootindex=1: SeaBIOS's boot
                     order must pick the second disk.
  linux-virtio       Debian's kernel and the suite's busybox initramfs with
                     the virtio modules: /dev/vda holds a pattern this script
                     wrote, the guest reads it, writes its own pattern at
                     sector 64, reads /dev/hwrng (virtio-rng, on a packed
                     ring: packed=on) and writes a
                     line on /dev/hvc0 (virtconsole on a chardev file), then
                     powers off; the script checks the image and the file.
                     Linux under PVM KVM SKIPs with the reason.
  qmp-balloon        QMP query-balloon / balloon on a virtio-balloon-pci
                     (stopped VM, -S): the guest's size in bytes, the target
                     the device gets in pages, QEMU's errors without a
                     balloon and for a zero size.

Output: PASS name [accel] (time) / FAIL name [accel]: reason / SKIP name
[accel]: reason, then "N passed, N failed, N skipped"; exit 1 on any
failure. Python stdlib only. Logs in tests/functional/work/logs/virtio-*.
"""
import argparse
import fnmatch
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
WORK = os.path.join(ROOT, 'tests', 'functional', 'work')
LOGS = os.path.join(WORK, 'logs')
SCALE = float(os.environ.get('KEMU_DEADLINE_SCALE', '1'))
GRUB_IMAGES = ['/usr/lib/grub-rescue/grub-rescue-disk.img',
               '/usr/lib/grub-rescue/grub-rescue-usb.img']
GRUB_MENU = 'GNU GRUB'
PVM_LINUX = ('KVM here is PVM (/sys/module/kvm_pvm): the guest kernel\'s CPL0 and real-mode '
             'code runs through the host\'s instruction emulator, too slow for Linux')
MODULES = ('virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci '
           'virtio_blk virtio-rng virtio_console')
PATTERN = b'KEMU-VIRTIO-PATTERN-0123456789\n'
GUEST_PATTERN = b'GUEST-WROTE-THIS'
RESULTS = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}


def report(kind, tag, msg):
    RESULTS[kind] += 1
    print('%s %s%s' % (kind, tag, msg), flush=True)


def kvm_status():
    pvm = os.path.exists('/sys/module/kvm_pvm')
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR | os.O_CLOEXEC))
        return True, None, pvm
    except OSError as e:
        return False, '/dev/kvm: %s' % e.strerror, pvm


class Hmp:
    """Just enough of the HMP monitor on a unix socket."""

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
        return self.read_prompt()


def screen_text(hmp):
    """The 80x25 VGA text screen (0xb8000) as 25 strings, through HMP xp."""
    mem = []
    for line in hmp.cmd('xp /4000bx 0xb8000').splitlines():
        m = re.match(r'\s*[0-9a-fA-F]+:((?:\s+0x[0-9a-fA-F]{2})+)\s*$', line)
        if m:
            mem += [int(v, 16) for v in m.group(1).split()]
    chars = mem[0::2]
    return [''.join(chr(c) if 0x20 <= c < 0x7f else ' ' for c in chars[r * 80:(r + 1) * 80])
            for r in range(25)]


def run_grub(emu, accel, args, deadline, tag):
    """Boot until the GRUB menu is on the screen; returns (ok, secs, screen)."""
    sock = os.path.join(WORK, 'virtio-%s.sock' % tag)
    log = os.path.join(LOGS, 'virtio-%s.log' % tag)
    for f in (sock,):
        if os.path.exists(f):
            os.unlink(f)
    # -net none: no default e1000 and iPXE ROM (SeaBIOS would run it), as in QEMU
    cmd = [emu] + accel + ['-m', '256', '-display', 'none', '-no-reboot', '-net', 'none',
                           '-monitor', 'unix:%s,server=on,wait=off' % sock] + args
    t0 = time.monotonic()
    with open(log, 'w') as lf:
        lf.write('$ %s\n' % ' '.join(cmd))
        lf.flush()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=lf, stderr=subprocess.STDOUT,
                             start_new_session=True)
    screen = []
    ok = False
    try:
        hmp = Hmp(sock)
        while time.monotonic() - t0 < deadline and p.poll() is None:
            time.sleep(1)
            screen = screen_text(hmp)
            if any(GRUB_MENU in row for row in screen):
                ok = True
                break
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    with open(log, 'a') as lf:
        lf.write('[status %s]\n--- last screen ---\n%s\n' % (p.returncode, '\n'.join(screen)))
    return ok, time.monotonic() - t0, screen


def run(cmd, deadline, log):
    """Run to exit or deadline; (status, timed_out, seconds, output)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    buf = bytearray()

    def reader():
        while True:
            b = p.stdout.read1(4096)
            if not b:
                break
            buf.extend(b)
    th = threading.Thread(target=reader, daemon=True)
    th.start()
    timed_out = False
    try:
        p.wait(timeout=deadline)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    th.join(5)
    out = buf.decode('utf-8', 'replace')
    secs = time.monotonic() - t0
    with open(log, 'w') as f:
        f.write('$ %s\n%s\n[status %s%s, %.2fs]\n' % (' '.join(cmd), out, p.returncode,
                                                     ', TIMEOUT' if timed_out else '', secs))
    return p.returncode, timed_out, secs, out


class Qmp:
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
        self.f = self.s.makefile('rw')
        json.loads(self.f.readline())
        self.cmd('qmp_capabilities')

    def cmd(self, name, **args):
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        self.f.write(json.dumps(msg) + '\n')
        self.f.flush()
        while True:
            r = json.loads(self.f.readline())
            if 'return' in r or 'error' in r:
                return r


def qmp_balloon_case(emu, accel, tag):
    """None when every answer is as QEMU gives it, else what differed."""
    def run_with(devices):
        sock = os.path.join(WORK, 'virtio-%s.qmp' % tag)
        if os.path.exists(sock):
            os.unlink(sock)
        cmd = [emu] + accel + ['-m', '256', '-display', 'none', '-S', '-net', 'none',
                               '-qmp', 'unix:%s,server=on,wait=off' % sock] + devices
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            q = Qmp(sock)
            if not devices:
                return [q.cmd('query-balloon'), q.cmd('balloon', value=1 << 27)]
            return [q.cmd('query-balloon'), q.cmd('balloon', value=1 << 27),
                    q.cmd('qom-get', path='/machine/peripheral/b0', property='target-pages'),
                    q.cmd('balloon', value=0)]
        finally:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    got = run_with(['-device', 'virtio-balloon-pci,id=b0'])
    want = [{'return': {'actual': 256 << 20}}, {'return': {}}, {'return': (128 << 20) >> 12},
            {'error': {'class': 'GenericError', 'desc': "Parameter 'target' expects a size"}}]
    if got != want:
        return 'with a balloon: %r, expected %r' % (got, want)
    none = {'error': {'class': 'DeviceNotActive', 'desc': 'No balloon device has been activated'}}
    got = run_with([])
    if got != [none, none]:
        return 'without a balloon: %r' % got
    return None


def last_line(out):
    lines = [l.strip() for l in re.sub(r'\x1b\[[0-9;?]*[a-zA-Z]|\x1bc', '', out).split('\n')
             if l.strip()]
    return lines[-1][:160] if lines else '(no output)'


def initramfs():
    """The suite's busybox initramfs plus the virtio modules of the newest kernel."""
    path = os.path.join(WORK, 'initramfs-virtio.cpio.gz')
    if not os.path.exists(path):
        env = dict(os.environ, KEMU_INITRAMFS_MODULES=MODULES)
        r = subprocess.run([os.path.join(ROOT, 'scripts', 'build-initramfs.sh'), path], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode:
            return None, r.stdout.decode(errors='replace').strip()
    return path, None


def find_kernel():
    ks = sorted(glob.glob('/boot/vmlinuz-*'))
    return ks[-1] if ks else None


# What the guest runs (kemu.cmd=, '+' for spaces): checks the pattern the host
# wrote at sector 0, writes its own at sector 64, reads 64 bytes of
# /dev/hwrng, says hello on the virtconsole.
GUEST_CMD = ('dd+if=/dev/vda+bs=%d+count=1+2>/dev/null;'
             'echo+-n+%s|dd+of=/dev/vda+bs=512+seek=64+conv=fsync+2>/dev/null;'
             'echo+RNG-BYTES=$(head+-c+64+/dev/hwrng|wc+-c);'
             'echo+VIRTCONSOLE-HELLO>/dev/hvc0;'
             'cat+/sys/class/virtio-ports/vport*/name;'
             'sync' % (len(PATTERN), GUEST_PATTERN.decode()))


def linux_case(emu, accel, kernel, initrd, deadline, tag):
    disk = os.path.join(WORK, 'virtio-linux-disk.img')
    console = os.path.join(WORK, 'virtio-linux-console.txt')
    with open(disk, 'wb') as f:
        f.write(PATTERN + bytes(1024 * 1024 - len(PATTERN)))
    if os.path.exists(console):
        os.unlink(console)
    cmd = [emu] + accel + [
        '-m', '512', '-display', 'none', '-serial', 'stdio', '-no-reboot', '-net', 'none',
        '-kernel', kernel, '-initrd', initrd,
        '-append', 'console=ttyS0 quiet panic=-1 kemu.cmd=' + GUEST_CMD,
        '-drive', 'file=%s,if=virtio,format=raw' % disk,
        '-device', 'virtio-rng-pci,packed=on',   # a packed ring under a real driver
        '-chardev', 'file,id=vc0,path=%s' % console,
        '-device', 'virtio-serial-pci',
        '-device', 'virtconsole,chardev=vc0,name=org.kemu.console0']
    rc, timed_out, secs, out = run(cmd, deadline, os.path.join(LOGS, 'virtio-%s.log' % tag))
    if timed_out:
        return 'nothing within %ds; last output: %s' % (deadline, last_line(out)), secs
    if rc != 0:
        return 'exit status %s; last output: %s' % (rc, last_line(out)), secs
    if PATTERN.decode().strip() not in out:
        return 'the guest did not read the pattern from /dev/vda', secs
    m = re.search(r'RNG-BYTES=(\d+)', out)
    if not m or int(m.group(1)) != 64:
        return 'no 64 bytes from /dev/hwrng (%s)' % (m.group(0) if m else 'no line'), secs
    if 'org.kemu.console0' not in out:
        return 'the virtconsole port name is not in sysfs', secs
    with open(disk, 'rb') as f:
        f.seek(64 * 512)
        got = f.read(len(GUEST_PATTERN))
    if got != GUEST_PATTERN:
        return 'sector 64 of the image holds %r, not the guest\'s pattern' % got, secs
    text = open(console, errors='replace').read() if os.path.exists(console) else ''
    if 'VIRTCONSOLE-HELLO' not in text:
        return 'the virtconsole chardev file holds %r' % text[:80], secs
    return None, secs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--emulator', default=os.environ.get('KEMU', os.path.join(ROOT, 'build', 'kemu')))
    ap.add_argument('--accel', action='append', help='interp and/or kvm (default: both)')
    ap.add_argument('patterns', nargs='*', help='case name globs')
    a = ap.parse_args()
    emu = a.emulator
    os.makedirs(LOGS, exist_ok=True)
    kvm_ok, kvm_why, pvm = kvm_status()
    print('# %s; kvm: %s%s' % (emu, 'yes' if kvm_ok else 'no (%s)' % kvm_why,
                               ', PVM' if pvm else ''), flush=True)
    grub_src = next((g for g in GRUB_IMAGES if os.path.exists(g)), None)
    grub = os.path.join(WORK, 'virtio-grub.img')
    if grub_src:
        shutil.copyfile(grub_src, grub)
    grub_why = None if grub_src else 'no GRUB rescue image (grub-rescue-pc)'
    kernel = find_kernel()
    cases = ['grub-if-virtio', 'grub-bootindex', 'linux-virtio', 'qmp-balloon']
    for name in cases:
        if a.patterns and not any(fnmatch.fnmatch(name, p) for p in a.patterns):
            continue
        for acc in a.accel or ['interp', 'kvm']:
            tag = '%s [%s]' % (name, acc)
            if acc == 'kvm' and not kvm_ok:
                report('SKIP', tag, ': no /dev/kvm' if 'No such' in str(kvm_why)
                       else ': no usable KVM: ' + kvm_why)
                continue
            accel = ['-accel', acc]
            if name == 'qmp-balloon':
                t0 = time.monotonic()
                err = qmp_balloon_case(emu, accel, '%s.%s' % (name, acc))
                if err:
                    report('FAIL', tag, ': ' + err)
                else:
                    report('PASS', tag, ' (%.2fs)' % (time.monotonic() - t0))
                continue
            if name.startswith('grub'):
                if grub_why:
                    report('SKIP', tag, ': ' + grub_why)
                    continue
                if name == 'grub-if-virtio':
                    args = ['-drive', 'file=%s,if=virtio,format=raw,snapshot=on' % grub]
                else:
                    # an empty disk at the lower slot (SeaBIOS's first hard disk unless
                    # the boot order says otherwise), GRUB's with bootindex=1
                    empty = os.path.join(WORK, 'virtio-empty.img')
                    with open(empty, 'wb') as f:
                        f.truncate(1024 * 1024)
                    args = ['-drive', 'file=%s,if=virtio,format=raw,snapshot=on' % empty,
                            '-drive', 'file=%s,if=none,id=d0,format=raw,snapshot=on' % grub,
                            '-device', 'virtio-blk-pci,drive=d0,bootindex=1']
                deadline = (60 if acc == 'interp' else 240) * SCALE
                ok, secs, screen = run_grub(emu, accel, args, deadline, '%s.%s' % (name, acc))
                if ok:
                    report('PASS', tag, ' (%.2fs)' % secs)
                else:
                    rows = [r.strip() for r in screen if r.strip()]
                    report('FAIL', tag, ': no "%s" on the screen in %ds; last row: %s' %
                           (GRUB_MENU, deadline, rows[-1] if rows else '(blank)'))
                continue
            if not kernel:
                report('SKIP', tag, ': no /boot/vmlinuz-* (linux-image-amd64)')
                continue
            if acc == 'kvm' and pvm:
                report('SKIP', tag, ': ' + PVM_LINUX)
                continue
            initrd, why = initramfs()
            if not initrd:
                report('SKIP', tag, ': initramfs: ' + why)
                continue
            err, secs = linux_case(emu, accel, kernel, initrd, 600 * SCALE, '%s.%s' % (name, acc))
            if err:
                report('FAIL', tag, ': ' + err)
            else:
                report('PASS', tag, ' (%.2fs)' % secs)
    print('%d passed, %d failed, %d skipped' % (RESULTS['PASS'], RESULTS['FAIL'], RESULTS['SKIP']))
    return 1 if RESULTS['FAIL'] else 0


if __name__ == '__main__':
    sys.exit(main())

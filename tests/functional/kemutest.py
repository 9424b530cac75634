# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared pieces of kemu's functional test scripts (Python stdlib only).

    from kemutest import Results, QMP, Machine, kvm_status, text_screen, build_boot_sector

Results prints PASS/FAIL/SKIP lines and the closing "N passed, N failed, N
skipped" line scripts/check.sh counts. Machine runs kemu (or Debian's QEMU
with the same command line) with a QMP socket, its serial output in a file.
text_screen() reads the 80x25 VGA text buffer through QMP pmemsave, which
both emulators answer, so a test can be checked against QEMU itself.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
WORK = os.path.join(ROOT, 'tests', 'functional', 'work')
LOGS = os.path.join(WORK, 'logs')
SCALE = float(os.environ.get('KEMU_DEADLINE_SCALE', '1'))
PVM = os.path.exists('/sys/module/kvm_pvm')


class Results:
    def __init__(self):
        self.counts = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}

    def report(self, kind, tag, msg=''):
        self.counts[kind] += 1
        print('%s %s%s' % (kind, tag, (': ' + msg) if msg else ''), flush=True)

    def summary(self):
        c = self.counts
        print('%d passed, %d failed, %d skipped' % (c['PASS'], c['FAIL'], c['SKIP']))
        return 1 if c['FAIL'] else 0


class Failure(Exception):
    pass


def check(cond, why):
    if not cond:
        raise Failure(why)


def kvm_status():
    """(usable, why-not)"""
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR | os.O_CLOEXEC))
        return True, None
    except OSError as e:
        return False, 'no /dev/kvm (%s)' % e.strerror


class QMP:
    def __init__(self, path, timeout=20):
        deadline = time.monotonic() + timeout * SCALE
        while True:
            self.sock = socket.socket(socket.AF_UNIX)
            try:
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise Failure('no QMP socket at %s' % path)
                time.sleep(0.05)
        self.sock.settimeout(60 * SCALE)
        self.f = self.sock.makefile('rw')
        self.events = []
        json.loads(self.f.readline())
        self.cmd('qmp_capabilities')

    def _recv(self):
        line = self.f.readline()
        if not line:
            raise Failure('QMP connection closed')
        return json.loads(line)

    def raw(self, name, args=None):
        msg = {'execute': name}
        if args is not None:
            msg['arguments'] = args
        self.f.write(json.dumps(msg) + '\n')
        self.f.flush()
        while True:
            r = self._recv()
            if 'event' in r:
                self.events.append(r)
            else:
                return r

    def cmd(self, name, args=None):
        r = self.raw(name, args)
        check('return' in r, '%s: %s' % (name, r.get('error')))
        return r['return']

    def wait_event(self, name, timeout=20):
        deadline = time.monotonic() + timeout * SCALE
        while True:
            for i, e in enumerate(self.events):
                if e['event'] == name:
                    return self.events.pop(i)
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure('no %s event (saw %s)' % (name, [e['event'] for e in self.events]))
            self.sock.settimeout(left)
            try:
                self.events.append(self._recv())
            except socket.timeout:
                pass
            finally:
                self.sock.settimeout(60 * SCALE)

    def close(self):
        self.sock.close()


def text_screen(qmp, tmpdir):
    """The 80x25 VGA text buffer as 25 lines of characters."""
    path = os.path.join(tmpdir, 'vram')
    qmp.cmd('pmemsave', {'val': 0xb8000, 'size': 4000, 'filename': path})
    with open(path, 'rb') as f:
        b = f.read()
    return '\n'.join(''.join(chr(c) if 32 <= c < 127 else ' ' for c in b[r * 160:r * 160 + 160:2])
                     .rstrip() for r in range(25))


class Machine:
    """kemu (or QEMU) with a QMP socket; serial output in a file."""

    def __init__(self, emulator, args, log):
        self.tmp = tempfile.mkdtemp(prefix='kemu-ft-')
        self.serial_path = os.path.join(self.tmp, 'serial')
        sock = os.path.join(self.tmp, 'qmp')
        self.cmdline = [emulator] + args + ['-serial', 'file:' + self.serial_path,
                                            '-qmp', 'unix:%s,server=on,wait=off' % sock]
        os.makedirs(os.path.dirname(log), exist_ok=True)
        self.logf = open(log, 'w')
        self.logf.write('$ %s\n' % ' '.join(self.cmdline))
        self.logf.flush()
        self.p = subprocess.Popen(self.cmdline, stdin=subprocess.DEVNULL, stdout=self.logf,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        self.t0 = time.monotonic()
        self.qmp = QMP(sock)
        self.screen = ''

    def serial(self):
        try:
            with open(self.serial_path, 'rb') as f:
                return f.read().decode('utf-8', 'replace')
        except OSError:
            return ''

    def wait_serial(self, pattern, timeout):
        deadline = time.monotonic() + timeout * SCALE
        while not re.search(pattern, self.serial()):
            check(self.p.poll() is None or re.search(pattern, self.serial()),
                  'exited with status %s before %r on serial' % (self.p.returncode, pattern))
            check(time.monotonic() < deadline, 'no %r on serial within %ds; got %r'
                  % (pattern, timeout, self.serial()[-200:]))
            time.sleep(0.05)

    def wait_screen(self, text, timeout):
        deadline = time.monotonic() + timeout * SCALE
        while True:
            check(self.p.poll() is None, 'exited with status %s' % self.p.returncode)
            self.screen = text_screen(self.qmp, self.tmp)
            if text in self.screen:
                return self.screen
            check(time.monotonic() < deadline, 'no "%s" on the screen within %ds' % (text, timeout))
            time.sleep(0.1)

    def wait_exit(self, timeout):
        try:
            return self.p.wait(timeout * SCALE)
        except subprocess.TimeoutExpired:
            raise Failure('did not exit within %ds' % timeout)

    def close(self):
        try:
            self.qmp.close()
        except Exception:
            pass
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGKILL)
        self.p.wait()
        self.logf.write('\n[serial]\n%s\n[screen]\n%s\n' % (self.serial(), self.screen))
        self.logf.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def build_boot_sector(source, name):
    """Assemble a 16-bit boot sector (GNU as syntax, _start at 0x7c00) into 512 bytes."""
    base = os.path.join(WORK, name)
    os.makedirs(WORK, exist_ok=True)
    with open(base + '.S', 'w') as f:
        f.write(source)
    for cmd in (['gcc', '-m32', '-c', base + '.S', '-o', base + '.o'],
                ['ld', '-m', 'elf_i386', '-Ttext=0x7c00', '-e', '_start', '--build-id=none',
                 base + '.o', '-o', base + '.elf'],
                ['objcopy', '-O', 'binary', '-j', '.text', base + '.elf', base + '.bin']):
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode:
            raise Failure('%s: %s' % (cmd[0], r.stdout.decode(errors='replace').strip()))
    with open(base + '.bin', 'rb') as f:
        sect = f.read()
    check(len(sect) == 512, 'boot sector is %d bytes' % len(sect))
    return sect

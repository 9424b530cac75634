#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Keyboard and mouse input end to end: QMP send-key, HMP sendkey and
input-send-event reach a guest through the PS/2 devices and the i8042.

The guest is tests/guests/kbd.elf (multiboot): it resets and identifies the
keyboard, optionally the mouse, then echoes every byte it reads on COM1
("KBD: sc 2a", "MOUSE: 09 05 03 00") and the line typed so far at Enter
("KBD: line 'Hello'"); ctrl-alt-delete makes it reset the machine through
the 8042; Esc ends it with a pass. Cases, under interp always and kvm where
/dev/kvm opens:

  input-qmp-send-key-hello   shift-h e l l o ret via QMP send-key: 'Hello'
  input-hmp-sendkey          the same through HMP sendkey (human-monitor-
                             command), plus QEMU's "invalid parameter: foo"
  input-hmp-sendkey-completion
                             Tab on an HMP socket completes key names
  input-send-event           key, btn and rel events: a line and mouse packets
                             with an IntelliMouse wheel byte
  input-qmp-errors           unknown qcode, bad members, abs without a
                             handler, unknown device: QEMU's error classes and
                             texts, and the session stays usable
  input-ctrl-alt-delete      the guest sees ctrl-alt-delete and resets; the
                             second boot shows up
  input-scancodes-like-qemu  every QEMU 7.2 qcode pressed and released, with
                             translation on, off, and in scancode set 3: the
                             byte stream the guest reads equals what Debian's
                             QEMU delivers; so do an Explorer mouse's packets
                             (buttons 4/5, wheel, motion split into packets)

    tests/functional/test-input.py [--kemu build/kemu] [--guests build/tests/guests]
                                   [--emulator kemu|qemu] [--accel interp|kvm] [-v] [name-glob...]

--emulator qemu runs the cases against Debian's qemu-system-x86_64 (-accel
tcg / kvm) to validate them. Output: PASS/FAIL/SKIP name [accel] lines, then
"N passed, N failed, N skipped"; exit 1 on any failure. Python 3 stdlib only.
"""
import argparse
import fnmatch
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCALE = float(os.environ.get('KEMU_DEADLINE_SCALE', '1'))
results = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}
VERBOSE = False

# QEMU 7.2's QKeyCode values but "unmapped" (kept in step with ui/input-keymap.c)
QCODES = '''shift shift_r alt alt_r ctrl ctrl_r menu 1 2 3 4 5 6 7 8 9 0 minus
equal backspace tab q w e r t y u i o p bracket_left bracket_right ret a s d f g h j k l
semicolon apostrophe grave_accent backslash z x c v b n m comma dot slash asterisk spc
caps_lock f1 f2 f3 f4 f5 f6 f7 f8 f9 f10 num_lock scroll_lock kp_divide kp_multiply
kp_subtract kp_add kp_enter kp_decimal sysrq kp_0 kp_1 kp_2 kp_3 kp_4 kp_5 kp_6 kp_7 kp_8
kp_9 less f11 f12 print home pgup pgdn end left up down right insert delete stop again
props undo front copy open paste find cut lf help meta_l meta_r compose pause ro hiragana
henkan yen muhenkan katakanahiragana kp_comma kp_equals power sleep wake audionext
audioprev audiostop audioplay audiomute volumeup volumedown mediaselect mail calculator
computer ac_home ac_back ac_forward ac_refresh ac_bookmarks lang1 lang2'''.split()


class Failure(Exception):
    pass


def check(cond, why):
    if not cond:
        raise Failure(why)


class QMP:
    def __init__(self, path, deadline):
        end = time.time() + deadline
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.time() > end:
                    raise Failure('no QMP socket ' + path)
                time.sleep(0.05)
        self.buf = b''
        check('QMP' in self.recv(), 'no QMP greeting')
        check('return' in self.cmd('qmp_capabilities'), 'capabilities negotiation failed')

    def recv(self, deadline=30):
        end = time.time() + deadline * SCALE
        while b'\n' not in self.buf:
            self.s.settimeout(max(0.1, end - time.time()))
            try:
                data = self.s.recv(65536)
            except socket.timeout:
                raise Failure('timed out waiting for QMP')
            if not data:
                raise Failure('QMP connection closed')
            self.buf += data
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        self.s.sendall(json.dumps(msg).encode() + b'\n')
        while True:
            r = self.recv()
            if 'return' in r or 'error' in r:
                return r

    def hmp(self, line):
        r = self.cmd('human-monitor-command', **{'command-line': line})
        check('return' in r, 'human-monitor-command %r: %s' % (line, r))
        return r['return']

    def close(self):
        self.s.close()


def qkeys(*names):
    return [{'type': 'qcode', 'data': n} for n in names]


class Guest:
    """kbd.elf under one emulator and accelerator, with QMP on a socket."""

    def __init__(self, emu, accel_args, guests, work, append='', deadline=60):
        self.work = work
        os.makedirs(work, exist_ok=True)
        self.serial = os.path.join(work, 'serial.txt')
        sock = os.path.join(work, 'qmp.sock')
        for p in (self.serial, sock):
            if os.path.exists(p):
                os.unlink(p)
        cmd = [emu] + accel_args + [
            '-nodefaults', '-display', 'none', '-m', '64',
            '-serial', 'file:' + self.serial,
            '-device', 'isa-debug-exit,iobase=0xf4,iosize=4',
            '-kernel', os.path.join(guests, 'kbd.elf'), '-append', append or 'x=0',
            '-qmp', 'unix:%s,server=on,wait=off' % sock,
            '-monitor', 'unix:%s,server=on,wait=off' % os.path.join(work, 'hmp.sock')]
        self.log = open(os.path.join(work, 'stderr.txt'), 'wb')
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        self.deadline = deadline * SCALE
        self.qmp = QMP(sock, 20 * SCALE)

    def text(self):
        try:
            with open(self.serial, errors='replace') as f:
                return f.read()
        except FileNotFoundError:
            return ''

    def wait_for(self, pattern, start=0, deadline=None):
        end = time.time() + (deadline or self.deadline)
        while time.time() < end:
            t = self.text()
            m = re.search(pattern, t[start:])
            if m:
                return m
            if self.proc.poll() is not None:
                t = self.text()
                m = re.search(pattern, t[start:])
                if m:
                    return m
                raise Failure('guest exited (status %s) before %r; serial tail: %r' % (
                    self.proc.returncode, pattern, t[-300:]))
            time.sleep(0.05)
        raise Failure('no %r within %.0fs; serial tail: %r' % (pattern, deadline or self.deadline,
                                                              self.text()[-300:]))

    def wait_quiet(self, polls=3, interval=0.02):
        """Until the serial output has not grown for `polls` checks in a row."""
        last, quiet = -1, 0
        end = time.time() + self.deadline
        while quiet < polls and time.time() < end:
            n = len(self.text())
            quiet = quiet + 1 if n == last else 0
            last = n
            time.sleep(interval)

    def ready(self):
        return self.wait_for(r'KBD: ready>')

    def finish(self):
        """Esc: the guest passes and leaves through isa-debug-exit (85)."""
        self.qmp.cmd('send-key', keys=qkeys('esc'))
        try:
            rc = self.proc.wait(timeout=self.deadline)
        except subprocess.TimeoutExpired:
            raise Failure('guest did not exit after Esc; serial tail: %r' % self.text()[-300:])
        check(rc == 85, 'exit status %d, expected 85; serial tail: %r' % (rc, self.text()[-300:]))
        check('KBD: PASS' in self.text(), 'no KBD: PASS')

    def stop(self):
        try:
            self.qmp.close()
        except Exception:
            pass
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.log.close()


def send_line(q, text):
    for ch in text:
        if ch.isupper():
            q.cmd('send-key', keys=qkeys('shift', ch.lower()))
        else:
            q.cmd('send-key', keys=qkeys(ch))
    q.cmd('send-key', keys=qkeys('ret'))


def case_send_key(g):
    g.ready()
    send_line(g.qmp, 'Hello')
    g.wait_for(r"KBD: line 'Hello'")
    g.finish()
    return 'Hello typed through send-key'


def case_hmp(g):
    g.ready()
    check(g.qmp.hmp('sendkey ctrl-foo').strip() == 'invalid parameter: foo',
          'HMP sendkey ctrl-foo did not answer "invalid parameter: foo"')
    for k in ('shift-w', 'o', 'r', 'l', 'd', 'kp_enter 20'):
        out = g.qmp.hmp('sendkey ' + k)
        check(out == '', 'sendkey %s printed %r' % (k, out))
    g.wait_for(r"KBD: line 'World'")
    g.finish()
    return "'World' through HMP sendkey"


def case_completion(g):
    g.ready()
    s = socket.socket(socket.AF_UNIX)
    s.connect(os.path.join(g.work, 'hmp.sock'))
    s.settimeout(0.5)

    def read_all():
        out = b''
        end = time.time() + 5 * SCALE
        while time.time() < end:
            try:
                d = s.recv(4096)
            except socket.timeout:
                break
            if not d:
                break
            out += d
        return out.decode(errors='replace')
    try:
        read_all()                                  # banner and prompt
        s.sendall(b'sendkey ctrl-alt-del\t')
        out = read_all()
        check('sendkey ctrl-alt-delete ' in out, 'Tab did not complete "del": %r' % out[-120:])
        s.sendall(b'\x7f' * 40 + b'sendkey kp_\t')
        out = read_all()
        check('kp_enter' in out and 'kp_divide' in out, 'Tab did not list kp_*: %r' % out[-200:])
    finally:
        s.close()
    g.finish()
    return 'Tab completes key names after "sendkey "'


def key_event(name, down):
    return {'type': 'key', 'data': {'down': down, 'key': {'type': 'qcode', 'data': name}}}


def case_send_event(g):
    g.ready()
    q = g.qmp
    for ch in 'ok':
        for down in (True, False):
            r = q.cmd('input-send-event', events=[key_event(ch, down)])
            check(r.get('return') == {}, 'input-send-event key: %s' % r)
    q.cmd('input-send-event', events=[key_event('ret', True), key_event('ret', False)])
    g.wait_for(r"KBD: line 'ok'")
    start = len(g.text())
    r = q.cmd('input-send-event', events=[
        {'type': 'rel', 'data': {'axis': 'x', 'value': 5}},
        {'type': 'rel', 'data': {'axis': 'y', 'value': -3}},
        {'type': 'btn', 'data': {'down': True, 'button': 'left'}}])
    check(r.get('return') == {}, 'input-send-event rel/btn: %s' % r)
    g.wait_for(r'MOUSE: 09 05 03 00', start)
    r = q.cmd('input-send-event', events=[
        {'type': 'btn', 'data': {'down': True, 'button': 'wheel-down'}},
        {'type': 'btn', 'data': {'down': False, 'button': 'wheel-down'}},
        {'type': 'btn', 'data': {'down': False, 'button': 'left'}},
        {'type': 'rel', 'data': {'axis': 'x', 'value': -2}}])
    g.wait_for(r'MOUSE: 18 fe 00 01', start)
    check('MOUSE: id 03' in g.text(), 'the guest did not see an IntelliMouse (id 03)')
    g.finish()
    return "key events typed 'ok'; packets 09 05 03 00 and 18 fe 00 01"


def expect_error(q, cls, desc, name, **args):
    r = q.cmd(name, **args)
    check('error' in r, '%s %s: expected an error, got %s' % (name, args, r))
    check(r['error']['class'] == cls and r['error']['desc'] == desc,
          '%s %s: got %s / %r, expected %s / %r' % (name, args, r['error']['class'],
                                                     r['error']['desc'], cls, desc))


def case_errors(g):
    g.ready()
    q = g.qmp
    expect_error(q, 'GenericError', "Parameter 'data' does not accept value 'foo'",
                 'send-key', keys=qkeys('foo'))
    expect_error(q, 'GenericError', "Parameter 'type' does not accept value 'bogus'",
                 'send-key', keys=[{'type': 'bogus', 'data': 1}])
    expect_error(q, 'GenericError', "Parameter 'keys[0].type' is missing",
                 'send-key', keys=[{'data': 1}])
    expect_error(q, 'GenericError', "Parameter 'keys[1].data' is missing",
                 'send-key', keys=qkeys('a') + [{'type': 'qcode'}])
    expect_error(q, 'GenericError', "Invalid parameter type for 'keys[0].data', expected: integer",
                 'send-key', keys=[{'type': 'number', 'data': 'x'}])
    expect_error(q, 'GenericError', "Invalid parameter type for 'keys[0]', expected: object",
                 'send-key', keys=['a'])
    expect_error(q, 'GenericError', "Parameter 'keys[0].x' is unexpected",
                 'send-key', keys=[{'type': 'qcode', 'data': 'a', 'x': 1}])
    expect_error(q, 'GenericError', "Parameter 'axis' does not accept value 'z'",
                 'input-send-event', events=[{'type': 'rel', 'data': {'axis': 'z', 'value': 1}}])
    expect_error(q, 'GenericError', "Parameter 'events[0].data.key' is missing",
                 'input-send-event', events=[{'type': 'key', 'data': {'down': True}}])
    expect_error(q, 'GenericError',
                 "Invalid parameter type for 'events[0].data.down', expected: boolean",
                 'input-send-event', events=[{'type': 'key', 'data': {
                     'down': 1, 'key': {'type': 'qcode', 'data': 'a'}}}])
    expect_error(q, 'GenericError', 'Input handler not found for event type abs',
                 'input-send-event', events=[{'type': 'abs', 'data': {'axis': 'x', 'value': 1}}])
    expect_error(q, 'DeviceNotFound', "Device 'nope' not found",
                 'input-send-event', device='nope',
                 events=[{'type': 'rel', 'data': {'axis': 'x', 'value': 1}}])
    r = q.cmd('query-status')
    check(r.get('return', {}).get('status') == 'running', 'query-status after errors: %s' % r)
    # numbers are set-1 codes (0x80 added for E0 keys): 0x2a shift, 0x23 h, 0x17 i
    r = q.cmd('send-key', keys=[{'type': 'number', 'data': 0x2a}, {'type': 'number', 'data': 0x23}])
    check(r.get('return') == {}, 'send-key numbers: %s' % r)
    q.cmd('send-key', keys=[{'type': 'number', 'data': 0x17}])
    q.cmd('send-key', keys=[{'type': 'number', 'data': 0x9c}])   # kp_enter (E0 1C)
    g.wait_for(r"KBD: line 'Hi'")
    g.finish()
    return '12 error answers as QEMU words them; session still usable'


def case_cad(g):
    g.ready()
    m = g.wait_for(r'KBD: boot (\d+)')
    first = int(m.group(1))
    start = len(g.text())
    g.qmp.cmd('send-key', keys=qkeys('ctrl', 'alt', 'delete'))
    g.wait_for(r'KBD: ctrl-alt-del', start)
    g.wait_for(r'KBD: boot %d' % (first + 1), start)
    g.wait_for(r'KBD: ready>', start + len('KBD: ctrl-alt-del'))
    ev = [e for e in drain_events(g.qmp) if e.get('event') == 'RESET']
    g.finish()
    return 'boot %d -> ctrl-alt-del -> boot %d%s' % (first, first + 1,
                                                     ', RESET event' if ev else '')


def drain_events(q):
    events = []
    q.s.settimeout(0.2)
    try:
        while True:
            while b'\n' in q.buf:
                line, q.buf = q.buf.split(b'\n', 1)
                events.append(json.loads(line))
            data = q.s.recv(65536)
            if not data:
                break
            q.buf += data
    except (socket.timeout, BlockingIOError):
        pass
    return events


# F12's break in each mode (set 1 through translation, set 2, set 3): a
# marker sent after every key, unique among all keys' bytes in that mode
F12_BREAK = {'xlat=1': r'KBD: sc d8\n', 'xlat=0': r'KBD: sc f0\nKBD: sc 07\n',
             'xlat=0 set=3': r'KBD: sc f0\nKBD: sc 5e\n'}


def scancode_stream(emu, accel_args, guests, work, append):
    """Every qcode pressed and released; the bytes the guest read, in order."""
    g = Guest(emu, accel_args, guests, work, append=append, deadline=120)
    try:
        g.ready()
        start = len(g.text())
        markers = 0
        for name in QCODES:
            # One key at a time (Print and Pause depend on held modifiers),
            # then F12 as a marker; the next key goes only when the guest
            # has read the marker: on a loaded host a starved guest would
            # otherwise let the keyboard's 16-byte buffer overrun.
            g.qmp.cmd('send-key', keys=qkeys(name), **{'hold-time': 5})
            g.qmp.cmd('send-key', keys=qkeys('f12'), **{'hold-time': 5})
            markers += 2 if name == 'f12' else 1
            end = time.time() + g.deadline
            while len(re.findall(F12_BREAK[append], g.text()[start:])) < markers:
                if time.time() > end or g.proc.poll() is not None:
                    raise Failure('%s: the guest did not read the marker after %s; tail %r'
                                  % (append, name, g.text()[-200:]))
                time.sleep(0.01)
        g.finish()
        return re.findall(r'KBD: sc ([0-9a-f]{2})', g.text()[start:])
    finally:
        g.stop()


def mouse_stream(emu, accel_args, guests, work):
    """Explorer mouse (ID 4): buttons 4/5, the wheel, motion past one packet."""
    g = Guest(emu, accel_args, guests, work, append='mouse=1 wheel=2', deadline=60)

    def ev(kind, **data):
        return {'type': kind, 'data': data}
    try:
        g.ready()
        for events in (
                [ev('btn', down=True, button='side'), ev('btn', down=True, button='wheel-up'),
                 ev('rel', axis='y', value=300)],
                [ev('btn', down=True, button='extra'), ev('btn', down=False, button='side'),
                 ev('btn', down=True, button='middle'), ev('btn', down=True, button='wheel-down'),
                 ev('btn', down=True, button='wheel-down')],
                [ev('rel', axis='x', value=-1000)],
                [ev('btn', down=False, button='middle'), ev('btn', down=False, button='extra'),
                 ev('rel', axis='x', value=3), ev('rel', axis='y', value=-4)]):
            r = g.qmp.cmd('input-send-event', events=events)
            check(r.get('return') == {}, 'input-send-event: %s' % r)
            g.wait_quiet(10, 0.05)   # packets wait in a 16-byte queue: let it drain
        g.finish()
        return re.findall(r'MOUSE: [0-9a-f ]+', g.text())
    finally:
        g.stop()


def case_like_qemu(emu, accel_args, qemu, qemu_accel, guests, work):
    out = []
    # set 1 through the controller's translation, raw set 2, raw set 3
    for n, append in enumerate(('xlat=1', 'xlat=0', 'xlat=0 set=3')):
        mine = scancode_stream(emu, accel_args, guests, os.path.join(work, 'k%d' % n), append)
        theirs = scancode_stream(qemu, qemu_accel, guests, os.path.join(work, 'q%d' % n), append)
        if mine != theirs:
            i = next((i for i in range(min(len(mine), len(theirs))) if mine[i] != theirs[i]),
                     min(len(mine), len(theirs)))
            raise Failure('%s: %d bytes vs QEMU\'s %d, first difference at byte %d: %s vs %s'
                          % (append, len(mine), len(theirs), i, ' '.join(mine[max(0, i - 4):i + 4]),
                             ' '.join(theirs[max(0, i - 4):i + 4])))
        out.append('%d bytes (%s)' % (len(mine), append))
    mine = mouse_stream(emu, accel_args, guests, os.path.join(work, 'km'))
    theirs = mouse_stream(qemu, qemu_accel, guests, os.path.join(work, 'qm'))
    check(mine == theirs, 'Explorer mouse: %s, QEMU: %s' % (mine, theirs))
    out.append('%d Explorer mouse lines' % len(mine))
    return 'identical to QEMU: ' + ', '.join(out)


CASES = [
    ('input-qmp-send-key-hello', '', case_send_key),
    ('input-hmp-sendkey', '', case_hmp),
    ('input-hmp-sendkey-completion', '', case_completion),
    ('input-send-event', 'mouse=1 wheel=1', case_send_event),
    ('input-qmp-errors', '', case_errors),
    ('input-ctrl-alt-delete', '', case_cad),
]


def report(kind, name, accel, why=''):
    results[kind] += 1
    show = why and (kind != 'PASS' or VERBOSE)
    print('%s %s [%s]%s' % (kind, name, accel, (': ' if kind != 'PASS' else ' ') + why if show else ''),
          flush=True)


def kvm_usable():
    try:
        fd = os.open('/dev/kvm', os.O_RDWR)
    except OSError as e:
        return False, 'no /dev/kvm (%s)' % e.strerror
    os.close(fd)
    return True, None


def build_guests(outdir):
    r = subprocess.run(['make', '-s', '-C', os.path.join(ROOT, 'tests', 'guests'), 'O=' + outdir,
                        os.path.join(outdir, 'kbd.elf')], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if r.returncode:
        sys.stdout.write(r.stdout.decode(errors='replace'))
        raise SystemExit('building tests/guests/kbd.elf failed')


def main():
    global VERBOSE
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kemu', default=os.environ.get('KEMU', os.path.join(ROOT, 'build', 'kemu')))
    ap.add_argument('--qemu', default='qemu-system-x86_64')
    ap.add_argument('--guests', default=os.path.join(ROOT, 'build', 'tests', 'guests'))
    ap.add_argument('--emulator', choices=('kemu', 'qemu'), default='kemu')
    ap.add_argument('--accel', choices=('interp', 'kvm'))
    ap.add_argument('-v', action='store_true')
    ap.add_argument('names', nargs='*', help='only cases matching these globs')
    args = ap.parse_args()
    VERBOSE = args.v
    guests = os.path.abspath(args.guests)
    build_guests(guests)
    qemu = shutil.which(args.qemu)
    if args.emulator == 'qemu':
        emu = qemu
        if not emu:
            print('SKIP input [all]: %s not found' % args.qemu)
            print('0 passed, 0 failed, 1 skipped')
            return 0
        accels = [('interp', ['-accel', 'tcg']), ('kvm', ['-accel', 'kvm'])]
    else:
        emu = os.path.abspath(args.kemu)
        if not os.access(emu, os.X_OK):
            raise SystemExit('%s: not an executable (build kemu first)' % emu)
        accels = [('interp', ['-accel', 'interp']), ('kvm', ['-accel', 'kvm'])]
    qemu_accels = {'interp': ['-accel', 'tcg'], 'kvm': ['-accel', 'kvm']}
    kvm_ok, kvm_why = kvm_usable()
    for accel, accel_args in accels:
        if args.accel and accel != args.accel:
            continue
        names = [c[0] for c in CASES] + ['input-scancodes-like-qemu']
        if accel == 'kvm' and not kvm_ok:
            for n in names:
                if not args.names or any(fnmatch.fnmatch(n, g) for g in args.names):
                    report('SKIP', n, accel, kvm_why)
            continue
        def wanted(n):
            return not args.names or any(fnmatch.fnmatch(n, g) for g in args.names)
        for name, append, fn in CASES:
            if not wanted(name):
                continue
            work = tempfile.mkdtemp(prefix='kemu-%s-%s-' % (name, accel))
            g = None
            try:
                g = Guest(emu, accel_args, guests, work, append=append)
                why = fn(g)
                report('PASS', name, accel, why)
                shutil.rmtree(work, ignore_errors=True)
            except Failure as e:
                report('FAIL', name, accel, '%s (logs in %s)' % (e, work))
            finally:
                if g:
                    g.stop()
        name = 'input-scancodes-like-qemu'
        if not wanted(name):
            pass
        elif args.emulator == 'qemu':
            report('SKIP', name, accel, 'compares kemu with QEMU: nothing to do under QEMU')
        elif not qemu:
            report('SKIP', name, accel, '%s not found' % args.qemu)
        else:
            work = tempfile.mkdtemp(prefix='kemu-%s-%s-' % (name, accel))
            try:
                why = case_like_qemu(emu, accel_args, qemu, qemu_accels[accel], guests, work)
                report('PASS', name, accel, why)
                shutil.rmtree(work, ignore_errors=True)
            except Failure as e:
                report('FAIL', name, accel, '%s (logs in %s)' % (e, work))
    print('%d passed, %d failed, %d skipped' % (results['PASS'], results['FAIL'], results['SKIP']))
    return 1 if results['FAIL'] else 0


if __name__ == '__main__':
    sys.exit(main())

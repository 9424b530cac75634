#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The gdbstub with Debian's gdb in batch mode, under interp and (where
/dev/kvm opens) KVM.

    tests/functional/test-gdbstub.py [--kemu build/kemu] [--guests build/tests/guests]
    tests/functional/test-gdbstub.py --emulator qemu     # the same sessions on Debian's QEMU
    tests/functional/test-gdbstub.py --accel interp 'watch*' -v

Guests (tests/guests, built with symbols): gdbtest.elf (gdb_break_here(),
the global gdb_counter, a loop until gdb sets gdb_done; smp=2 starts the AP
spinning in ap_main) and bios-gdb16.bin (real-mode loop at 0000:7c02).

Cases, each under every accelerator:
  break          break at a function, continue, registers, a variable, bt, monitor
  step           next over a line, stepi changes $pc by one instruction
  watch          a watchpoint reports old and new value, then the guest finishes
  rwatch         rwatch on the loop's condition, awatch on the counter (SKIP on PVM KVM)
  interrupt      Ctrl-C (SIGINT to gdb) while the guest runs after continue
  smp            two vCPUs as threads, thread 2 runs ap_main
  realmode       set architecture i8086, break at 0x7c02, bx counts, stepi
  attach         gdb attaches to a VM started without -S, which had been running
  reconnect      detach, the VM runs on; a second gdb attaches and ends the guest
  longmode       attach to a 64-bit guest: i386:x86-64 description, control
                 registers, xmm15, stepi, kill ends the emulator (SKIP on PVM KVM)
  hmp            HMP gdbserver tcp:…, a gdb session, gdbserver none closes the port
  hostile        raw packets: bad checksum, oversized, malformed, unmapped
                 memory (E14); the stub still answers afterwards (kemu only)
  bp-limit       KVM: a fifth breakpoint is refused with gdb's message (kemu kvm only)

Output: PASS/FAIL/SKIP name [accel] lines, then "N passed, N failed, N skipped";
exit 1 on any failure. Logs in tests/functional/work/logs/gdb-<case>.<accel>.log.
"""
import argparse
import fnmatch
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
WORK = os.path.join(ROOT, 'tests', 'functional', 'work')
LOGS = os.path.join(WORK, 'logs')
SCALE = float(os.environ.get('KEMU_DEADLINE_SCALE', '1'))
OPTS = None
results = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}


def report(verdict, name, accel, why=''):
    results[verdict] += 1
    print(f'{verdict} {name} [{accel}]' + (f': {why}' if why else ''), flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Failure(Exception):
    pass


class Vm:
    """An emulator with the gdbstub on a TCP port; serial to a file."""

    def __init__(self, name, accel, args, paused=True):
        self.port = free_port()
        # 'hmp' cases start the stub from the monitor instead of -gdb
        self.monitor = os.path.join(LOGS, f'gdb-{name}.{accel}.hmp') if name == 'hmp' else None
        self.serial = os.path.join(LOGS, f'gdb-{name}.{accel}.serial')
        self.log = os.path.join(LOGS, f'gdb-{name}.{accel}.log')
        emu = OPTS.kemu if OPTS.emulator == 'kemu' else shutil.which('qemu-system-x86_64')
        acc = accel if OPTS.emulator == 'kemu' or accel != 'interp' else 'tcg'
        self.cmd = [emu, '-accel', acc, '-nodefaults', '-display', 'none', '-m', '64',
                    '-serial', 'file:' + self.serial,
                    '-device', 'isa-debug-exit,iobase=0xf4,iosize=4',
                    ] + (['-monitor', f'unix:{self.monitor},server=on,wait=off'] if self.monitor
                         else ['-gdb', f'tcp:127.0.0.1:{self.port}']) + \
            (['-S'] if paused else []) + args
        if self.monitor and os.path.exists(self.monitor):
            os.unlink(self.monitor)
        self.logf = open(self.log, 'w')
        self.logf.write(' '.join(self.cmd) + '\n')
        self.logf.flush()
        self.proc = subprocess.Popen(self.cmd, stdout=self.logf, stderr=subprocess.STDOUT)
        deadline = time.time() + 10 * SCALE
        while time.time() < deadline:
            try:
                if self.monitor:
                    if os.path.exists(self.monitor):
                        break
                    raise OSError
                socket.create_connection(('127.0.0.1', self.port), timeout=1).close()
                break
            except OSError:
                if self.proc.poll() is not None:
                    raise Failure(f'emulator exited with {self.proc.returncode} before listening')
                time.sleep(0.05)
        else:
            raise Failure('gdbstub port never opened')
        # the probe above connected and left: give the stub a moment to see it
        time.sleep(0.2)

    def gdb(self, commands, symbols=None, timeout=60, sigint_after=None):
        """Run gdb -batch with these commands after `target remote`; returns its
        output. sigint_after: seconds after which gdb gets SIGINT (Ctrl-C)."""
        script = ['set pagination off', 'set confirm off', 'set width 0',
                  f'target remote 127.0.0.1:{self.port}'] + commands
        path = self.log + '.gdb'
        with open(path, 'w') as f:
            f.write('\n'.join(script) + '\n')
        cmd = ['gdb', '-nx', '-batch', '-x', path] + ([symbols] if symbols else [])
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if sigint_after:
            time.sleep(sigint_after)
            p.send_signal(signal.SIGINT)
        try:
            out, _ = p.communicate(timeout=timeout * SCALE)
        except subprocess.TimeoutExpired:
            p.kill()
            out, _ = p.communicate()
            self.logf.write('---- gdb (timed out)\n' + out)
            raise Failure(f'gdb did not finish in {timeout * SCALE:.0f} s')
        self.logf.write('---- gdb\n' + '\n'.join(script) + '\n---- output\n' + out + '\n')
        self.logf.flush()
        return out

    def wait(self, timeout=30):
        try:
            return self.proc.wait(timeout=timeout * SCALE)
        except subprocess.TimeoutExpired:
            raise Failure('the emulator did not exit')

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.logf.close()


def expect(out, pattern, what):
    m = re.search(pattern, out, re.M)
    if not m:
        raise Failure(f'{what}: no /{pattern}/ in gdb output')
    return m


def guest(name):
    return os.path.join(OPTS.guests, name)


def case_break(vm, accel):
    out = vm.gdb(['break gdb_break_here', 'continue', 'info registers eip', 'bt',
                  'print gdb_counter', 'print n', 'info registers', 'info registers cr0',
                  'monitor info registers', 'print $xmm0.uint128'],
                 guest('gdbtest.elf'))
    expect(out, r'^Breakpoint 1, gdb_break_here \(n=1\) at gdbtest\.c', 'breakpoint hit')
    expect(out, r'^eip\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <gdb_break_here\+\d+>', 'eip at the function')
    expect(out, r'^#1\s+0x[0-9a-f]+ in guest_main \(\)', 'backtrace')
    expect(out, r'^\$1 = 0$', 'gdb_counter before the first store')
    expect(out, r'^\$2 = 1$', 'argument n')
    expect(out, r'^eflags\s+0x[0-9a-f]+\s+\[ .*\]', 'eflags with flag names')
    expect(out, r'^cs\s+0x8\s', 'cs selector of the multiboot GDT')
    expect(out, r'^cr0\s+0x[0-9a-f]*1\s', 'cr0 with PE')
    if OPTS.emulator == 'kemu':
        expect(out, r'EAX=[0-9a-f]{8}', 'monitor info registers through qRcmd')
    expect(out, r'^\$3 = 0x?0+$|^\$3 = 0$', 'xmm0 readable')


def case_step(vm, accel):
    out = vm.gdb(['break gdb_break_here', 'continue', 'next', 'print gdb_counter',
                  'print/x $pc', 'stepi', 'print/x $pc', 'x/i $pc'], guest('gdbtest.elf'))
    expect(out, r'^35\s+return n \* 2;', 'next reaches the return line')
    expect(out, r'^\$1 = 1$', 'gdb_counter after next')
    a = int(expect(out, r'^\$2 = (0x[0-9a-f]+)', 'pc after next').group(1), 16)
    b = int(expect(out, r'^\$3 = (0x[0-9a-f]+)', 'pc after stepi').group(1), 16)
    if not 0 < b - a <= 15:
        raise Failure(f'stepi moved pc from {a:#x} to {b:#x}, not by one instruction')


def case_watch(vm, accel):
    out = vm.gdb(['break gdb_break_here', 'continue', 'delete', 'watch gdb_counter',
                  'continue', 'continue', 'delete', 'set var gdb_done = 1', 'continue'],
                 guest('gdbtest.elf'))
    expect(out, r'^Hardware watchpoint 2: gdb_counter', 'watchpoint set')
    expect(out, r'^Old value = 0\nNew value = 1$', 'first change reported')
    expect(out, r'^Old value = 1\nNew value = 2$', 'second change reported')
    if vm.wait() != 85:
        raise Failure(f'guest did not pass after gdb_done (status {vm.proc.returncode})')


def case_rwatch(vm, accel):
    out = vm.gdb(['break gdb_break_here', 'continue', 'delete', 'rwatch gdb_done', 'continue',
                  'delete', 'awatch gdb_counter', 'continue', 'continue'], guest('gdbtest.elf'))
    expect(out, r'^Hardware read watchpoint 2: gdb_done\n\nValue = 0$', 'read watchpoint')
    expect(out, r'^Hardware access \(read/write\) watchpoint 3: gdb_counter\n\n'
           r'(Value = 1|Old value = 1\nNew value = 2)$', 'access watchpoint')


def case_interrupt(vm, accel):
    out = vm.gdb(['continue', 'print gdb_counter > 0', 'info threads'], guest('gdbtest.elf'),
                 sigint_after=2)
    expect(out, r'received signal SIGINT', 'stopped by Ctrl-C')
    expect(out, r'^\$1 = 1$', 'the guest ran before the interrupt')


def case_smp(vm, accel):
    out = vm.gdb(['break gdb_break_here', 'continue', 'info threads', 'thread 2',
                  'print gdb_ap_counter > 0', 'info registers eip', 'thread 1',
                  'info registers eip'], guest('gdbtest.elf'))
    expect(out, r'^\*?\s+1\s+Thread 1 .*gdb_break_here', 'thread 1 at the breakpoint')
    expect(out, r'^\s+2\s+Thread 2 ', 'a second thread listed')
    expect(out, r'Switching to thread 2', 'thread 2 selected')
    expect(out, r'^\$1 = 1$', 'the AP ran')
    expect(out, r'^eip\s+\S+\s+0x[0-9a-f]+ <(ap_main|cpu_relax)\+\d+>', 'thread 2 runs ap_main')


def case_realmode(vm, accel):
    out = vm.gdb(['set architecture i8086', 'break *0x7c02', 'continue', 'print/x $pc',
                  'print $bx', 'continue', 'print $bx', 'stepi', 'print/x $pc',
                  'info registers cs'])
    expect(out, r'^Breakpoint 1, 0x0*7c02 in \?\? \(\)', 'breakpoint at 0x7c02')
    expect(out, r'^\$1 = 0x7c02$', 'pc')
    expect(out, r'^\$2 = 0$', 'bx at the first hit')
    expect(out, r'^\$3 = 1$', 'bx after one iteration')
    expect(out, r'^\$4 = 0x7c03$', 'stepi over inc bx')
    expect(out, r'^cs\s+0x0\s', 'cs = 0')


def case_attach(vm, accel):
    time.sleep(1.5)     # the guest runs its loop meanwhile
    out = vm.gdb(['print gdb_counter > 100', 'info registers eip'], guest('gdbtest.elf'))
    expect(out, r'^\$1 = 1$', 'gdb_counter advanced before gdb attached')
    expect(out, r'^eip\s+\S+\s+0x[0-9a-f]+ <(gdb_break_here|guest_main)', 'stopped in the loop')


def case_reconnect(vm, accel):
    out = vm.gdb(['break gdb_break_here', 'continue', 'detach'], guest('gdbtest.elf'))
    expect(out, r'Detaching from program|Inferior 1 \(Remote target\) detached', 'detached')
    time.sleep(1)
    out = vm.gdb(['print gdb_counter > 1', 'set var gdb_done = 1', 'continue'],
                 guest('gdbtest.elf'))
    expect(out, r'^\$1 = 1$', 'the guest ran on after detach')
    if vm.wait() != 85:
        raise Failure(f'guest did not pass after gdb_done (status {vm.proc.returncode})')


def rsp_exchange(sock, raw, packet=True, timeout=5):
    """Send raw bytes; return what arrives until a whole reply packet (packet=True)
    or a lone '-' (packet=False), or the timeout."""
    sock.sendall(raw)
    data = b''
    deadline = time.time() + timeout * SCALE
    while time.time() < deadline:
        sock.settimeout(max(0.05, deadline - time.time()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
        if packet and re.search(rb'\$[^#]*#[0-9a-f]{2}$', data):
            break
        if not packet and b'-' in data:
            break
    return data


def frame(payload, escape=False):
    if escape:
        payload = re.sub(rb'([#$}*])', lambda m: b'}' + bytes([m.group(1)[0] ^ 0x20]), payload)
    return b'$' + payload + b'#%02x' % (sum(payload) & 0xff)


def case_longmode(vm, accel):
    time.sleep(1)       # into long mode and its SYSCALL loop
    out = vm.gdb(['show architecture', 'info registers rip cs fs_base k_gs_base cr0 efer',
                  'print $xmm15.uint128', 'stepi', 'kill'])
    expect(out, r'currently "i386:x86-64"', 'the 64-bit description')
    expect(out, r'^rip\s+0x[0-9a-f]+', 'rip')
    expect(out, r'^cr0\s+0x8000001[0-9a-f]\s', 'cr0 with PG and PE')
    expect(out, r'^efer\s+0x5[0-9a-f]{2}\s', 'efer with LMA and LME')
    expect(out, r'^\$1 = 0$', 'xmm15 (64-bit layout only)')
    status = vm.wait()
    if status == 85:
        raise Failure('the guest finished instead of being killed')


def hmp_command(sock, line, until):
    sock.sendall(line.encode() + b'\n')
    data = b''
    deadline = time.time() + 10 * SCALE
    while until.encode() not in data and time.time() < deadline:
        sock.settimeout(max(0.05, deadline - time.time()))
        try:
            chunk = sock.recv(4096)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return data.decode(errors='replace')


def case_hmp(vm, accel):
    with socket.socket(socket.AF_UNIX) as mon:
        mon.connect(vm.monitor)
        out = hmp_command(mon, f'gdbserver tcp:127.0.0.1:{vm.port}', 'Waiting for gdb')
        if f"Waiting for gdb connection on device 'tcp:127.0.0.1:{vm.port}'" not in out:
            raise Failure(f'HMP gdbserver answered {out!r}')
        out = vm.gdb(['break gdb_break_here', 'continue', 'print n', 'detach'],
                     guest('gdbtest.elf'))
        expect(out, r'^\$1 = 1$', 'a session through the HMP-started stub')
        out = hmp_command(mon, 'gdbserver none', 'Disabled gdbserver')
        if 'Disabled gdbserver' not in out:
            raise Failure(f'HMP gdbserver none answered {out!r}')
        try:
            socket.create_connection(('127.0.0.1', vm.port), timeout=2).close()
            raise Failure('the port still accepts connections after gdbserver none')
        except OSError:
            pass


def case_hostile(vm, accel):
    with socket.create_connection(('127.0.0.1', vm.port), timeout=5) as s:
        r = rsp_exchange(s, b'$g#00', packet=False)
        if r != b'-':
            raise Failure(f'bad checksum answered {r!r}, expected -')
        r = rsp_exchange(s, frame(b'm' + b'1' * 9000))
        if not r.endswith(frame(b'E22')):
            raise Failure(f'oversized packet answered {r[:60]!r}')
        for bad, want in ((b'm', b'E22'), (b'mzz,4', b'E22'), (b'm0,99999999', b'E22'),
                          (b'mfffffff000000,4', b'E14'), (b'Z9,0,1', b''),
                          (b'Z2,1000,0', b'E22'), (b'Hg99', b'E22'), (b'p9999', b'E45'),
                          (b'P0=zz', b'E22'), (b'G0', b'E22'), (b'vCont;q', b'E22'),
                          (b'M100000,2:zzzz', b'E22'), (b'X100000,8:ab', b'E22'),
                          (b'qXfer:features:read:nothere.xml:0,10', b'E00'),
                          (b'qRcmd,7', b'E22'), (b'T77', b'E22')):
            r = rsp_exchange(s, frame(bad))
            if not r.endswith(frame(want)):
                raise Failure(f'{bad!r} answered {r[-40:]!r}, expected {frame(want)!r}')
        r = rsp_exchange(s, b'\x00\xff}}}$$$' + frame(b'?'))
        if b'T05thread:' not in r:
            raise Failure(f'after the garbage, ? answered {r!r}')
        # random packets on every command that leaves the VM stopped: each gets a reply
        rnd = random.Random(9)
        alphabet = b'0123456789abcdefABCDEF,:;=-.pPmMxXzZqQTgGH$#}*\x00\xff'
        for i in range(400):
            body = bytes([rnd.choice(b'gGpPmMXzZqQTH?')]) + bytes(
                rnd.choice(alphabet) for _ in range(rnd.randrange(0, 40)))
            if rnd.random() < 0.3:
                body = rnd.choice([b'qXfer:features:read:target.xml:', b'Z2,', b'qRcmd,',
                                   b'qThreadExtraInfo,', b'Hg', b'P1=']) + body
            r = rsp_exchange(s, frame(body, escape=True))
            if not re.search(rb'\$[^#]*#[0-9a-f]{2}$', r):
                raise Failure(f'random packet {body!r} got no reply ({r!r})')
        r = rsp_exchange(s, frame(b'm100000,4'))
        if not re.search(rb'\$[0-9a-f]{8}#', r):
            raise Failure(f'a good read after the hostile ones answered {r!r}')


def case_bp_limit(vm, accel):
    out = vm.gdb(['hbreak gdb_break_here', 'hbreak guest_main', 'hbreak mb_main',
                  'hbreak serial_putc', 'hbreak puts_', 'continue'], guest('gdbtest.elf'))
    expect(out, r'You may have requested too many hardware breakpoints/watchpoints',
           'gdb explains the refused fifth breakpoint')
    out = vm.gdb(['break gdb_break_here', 'break guest_main', 'break mb_main',
                  'break serial_putc', 'break puts_', 'continue'], guest('gdbtest.elf'))
    expect(out, r'Cannot insert breakpoint', 'a fifth software breakpoint refused')
    with open(vm.log) as f:
        expect(f.read(), r'gdbstub: KVM: .*at most 4', 'kemu says why')


CASES = [
    ('break', case_break, ['-kernel', 'gdbtest.elf'], True, None),
    ('step', case_step, ['-kernel', 'gdbtest.elf'], True, None),
    ('watch', case_watch, ['-kernel', 'gdbtest.elf'], True, None),
    ('rwatch', case_rwatch, ['-kernel', 'gdbtest.elf'], True, 'no-pvm-rwatch'),
    ('interrupt', case_interrupt, ['-kernel', 'gdbtest.elf'], True, None),
    ('smp', case_smp, ['-smp', '2', '-kernel', 'gdbtest.elf', '-append', 'smp=2'], True, None),
    ('realmode', case_realmode, ['-bios', 'bios-gdb16.bin'], True, None),
    ('attach', case_attach, ['-kernel', 'gdbtest.elf'], False, None),
    ('reconnect', case_reconnect, ['-kernel', 'gdbtest.elf'], True, None),
    ('longmode', case_longmode, ['-kernel', 'longmode.elf', '-append', 'bench=1 iters=100000000'],
     False, 'no-pvm'),
    ('hmp', case_hmp, ['-kernel', 'gdbtest.elf'], True, 'kemu'),
    ('hostile', case_hostile, ['-kernel', 'gdbtest.elf'], True, 'kemu'),
    ('bp-limit', case_bp_limit, ['-kernel', 'gdbtest.elf'], True, 'kemu-kvm'),
]


def kvm_usable():
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR))
        return None
    except OSError as e:
        return e.strerror


def main():
    global OPTS
    ap = argparse.ArgumentParser()
    ap.add_argument('--kemu', default=os.environ.get('KEMU', os.path.join(ROOT, 'build', 'kemu')))
    ap.add_argument('--guests', default=os.path.join(ROOT, 'build', 'tests', 'guests'))
    ap.add_argument('--emulator', choices=['kemu', 'qemu'], default='kemu')
    ap.add_argument('--accel', action='append')
    ap.add_argument('-v', action='store_true')
    ap.add_argument('patterns', nargs='*')
    OPTS = ap.parse_args()
    os.makedirs(LOGS, exist_ok=True)
    subprocess.run(['make', '-s', '-C', os.path.join(ROOT, 'tests', 'guests'),
                    'O=' + os.path.abspath(OPTS.guests)], check=False)
    accels = OPTS.accel or ['interp', 'kvm']
    no_gdb = shutil.which('gdb') is None
    for accel in accels:
        why_no_kvm = kvm_usable() if accel == 'kvm' else None
        for name, fn, args, paused, only in CASES:
            if OPTS.patterns and not any(fnmatch.fnmatch(name, p) for p in OPTS.patterns):
                continue
            if only == 'kemu' and OPTS.emulator != 'kemu':
                continue
            if only == 'kemu-kvm' and (OPTS.emulator != 'kemu' or accel != 'kvm'):
                continue
            if only == 'no-pvm' and accel == 'kvm' and os.path.exists('/sys/module/kvm_pvm'):
                report('SKIP', name, accel, 'KVM here is PVM (/sys/module/kvm_pvm): the guest '
                       'triple-faults at its first SYSRET to ring 3, QEMU too '
                       '(docs/kvm-pvm-notes.md)')
                continue
            if only == 'no-pvm-rwatch' and accel == 'kvm' and os.path.exists('/sys/module/kvm_pvm'):
                report('SKIP', name, accel, 'KVM here is PVM (/sys/module/kvm_pvm): it reports no '
                       'data breakpoints for the CPL0 code it emulates, and a read changes no value '
                       'that single steps could compare (docs/kvm-pvm-notes.md)')
                continue
            if no_gdb and name != 'hostile':
                report('SKIP', name, accel, 'no gdb (apt-get install gdb)')
                continue
            if why_no_kvm:
                report('SKIP', name, accel, 'no /dev/kvm')
                continue
            args = [guest(a) if a.endswith(('.elf', '.bin')) else a for a in args]
            vm = None
            start = time.time()
            try:
                vm = Vm(name, accel, args, paused)
                fn(vm, accel)
                report('PASS', name, accel, f'{time.time() - start:.1f} s' if OPTS.v else '')
            except Failure as e:
                report('FAIL', name, accel, f'{e} (log {vm.log if vm else "-"})')
            finally:
                if vm:
                    vm.stop()
    print(f"{results['PASS']} passed, {results['FAIL']} failed, {results['SKIP']} skipped")
    return 1 if results['FAIL'] else 0


if __name__ == '__main__':
    sys.exit(main())

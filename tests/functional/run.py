#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""kemu functional tests: real guests under every accelerator the host has.

Each case boots a guest (from tests/guests/, built here with make, or Debian's
kernel with the busybox initramfs from scripts/build-initramfs.sh), enforces a
deadline, and asserts on the exit status and on what the guest printed on
COM1. One line per case and accelerator:

    PASS name [accel] (1.23s)
    FAIL name [accel]: reason
    SKIP name [accel]: reason

and a final "N passed, N failed, N skipped". Exit status 1 if anything failed.

Accelerators: interp (always; QEMU: -accel tcg) and, where /dev/kvm opens,
kvm (kernel-irqchip=on), kvm-split and kvm-off. The same cases run against
Debian's QEMU with --emulator qemu, which is how the guests themselves are
validated.

    tests/functional/run.py                      # kemu at $KEMU or build/kemu
    tests/functional/run.py --emulator qemu      # qemu-system-x86_64
    tests/functional/run.py --accel interp 'reset*' smp-4
    tests/functional/run.py --list

Logs of every run: tests/functional/work/logs/<case>.<accel>.log.
This is not a unit-test framework: no fixtures, no retries, no flaky marks.
"""
import argparse
import concurrent.futures
import fnmatch
import glob
import os
import re
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK = os.path.join(ROOT, 'tests', 'functional', 'work')
PASS = 85            # guests write 0x2a to isa-debug-exit: (0x2a << 1) | 1
FAIL = 3             # guests write 0x01

COMMON = ['-nodefaults', '-display', 'none', '-serial', 'stdio',
          '-device', 'isa-debug-exit,iobase=0xf4,iosize=4']

ACCELS = {
    'interp':    {'kind': 'interp', 'kemu': ['-accel', 'interp'], 'qemu': ['-accel', 'tcg']},
    'kvm':       {'kind': 'kvm', 'args': ['-accel', 'kvm', '-machine', 'kernel-irqchip=on']},
    'kvm-split': {'kind': 'kvm', 'args': ['-accel', 'kvm', '-machine', 'kernel-irqchip=split']},
    'kvm-off':   {'kind': 'kvm', 'args': ['-accel', 'kvm', '-machine', 'kernel-irqchip=off']},
}

PVM_LINUX = ('KVM here is PVM (/sys/module/kvm_pvm): the guest kernel\'s CPL0 and real-mode '
             'code runs in the host\'s instruction emulator, Linux does not boot in useful time')


class Case:
    """One guest run: args ({G} = guest dir, {KERNEL}, {INITRD}), expected
    exit status, regexes that must / must not appear on serial, a deadline in
    seconds (interp; kvm gets kvm_deadline), accelerator kinds it runs on,
    and an optional (pattern, text) to type on serial once pattern shows."""

    def __init__(self, name, args, status=PASS, expect=(), reject=(), deadline=20,
                 kvm_deadline=None, kinds=('interp', 'kvm'), feed=None, linux=False, pvm_skip=None,
                 qemu_pvm_skip=None, qemu_skip=None, qemu_pvm_skip_accels=None, known_bug=None,
                 until=None, accels=None, needs_file=None):
        self.name, self.args, self.status = name, args, status
        self.expect, self.reject = list(expect), list(reject)
        self.deadline = deadline
        # KVM deadlines only catch hangs: on PVM, firmware runs in the host's
        # instruction emulator and a loaded machine stretches that a lot
        self.kvm_deadline = kvm_deadline or max(3 * deadline, 60)
        self.kinds, self.feed, self.linux = kinds, feed, linux
        self.pvm_skip = pvm_skip or (PVM_LINUX if linux else None)
        self.qemu_pvm_skip = qemu_pvm_skip
        self.qemu_skip = qemu_skip
        self.qemu_pvm_skip_accels = qemu_pvm_skip_accels
        # (accels, reason): a kemu bug written down in docs/status.md; the
        # case says SKIP with the reason there until the bug is fixed
        self.known_bug = known_bug
        # a guest that never exits: the run ends, successfully so far, when
        # this regex shows on serial (expect/reject are still checked)
        self.until = until
        # only these accelerator configurations (names in ACCELS), e.g. one KVM one
        self.accels = accels
        # (path, package): SKIP with the package to install when path is missing
        self.needs_file = needs_file


def mb(guest, append=None, *extra):
    a = ['-kernel', '{G}/' + guest]
    if append is not None:
        a += ['-append', append]
    return a + list(extra)


ALWAYS_REJECT = [r'[A-Z0-9]+: FAIL\b', r'unexpected exception']


def cases():
    c = []
    add = c.append
    add(Case('debugexit', mb('debugexit.elf'), expect=[r'DEBUGEXIT: writing 0x2a']))
    add(Case('debugexit-code', mb('debugexit.elf', 'code=0x42 width=4'), status=0x85,
             expect=[r'expect exit status 133']))
    add(Case('cpuid', mb('cpuid.elf'), expect=[r'CPUID: vendor', r'CPUID: PASS']))
    add(Case('e820', mb('e820.elf', 'mem=128', '-m', '128'), expect=[r'E820: PASS']))
    add(Case('e820-4200m', mb('e820.elf', 'mem=4200', '-m', '4200'), expect=[r'E820: PASS']))
    add(Case('acpi', mb('acpi.elf', 'smp=1'), expect=[r'ACPI: MADT .* 1 enabled CPUs', r'ACPI: PASS']))
    add(Case('acpi-smp4', mb('acpi.elf', 'smp=4', '-smp', '4'),
             expect=[r'4 enabled CPUs', r'ACPI: PASS']))
    add(Case('smp-2', mb('smp.elf', 'smp=2', '-smp', '2'), expect=[r'SMP: 2 CPUs up', r'SMP: PASS']))
    add(Case('smp-4', mb('smp.elf', 'smp=4', '-smp', '4'), expect=[r'SMP: 4 CPUs up', r'SMP: PASS'],
             kvm_deadline=60))
    add(Case('poweroff', mb('poweroff.elf'), status=0,
             expect=[r'POWEROFF: requesting S5', r'powering off']))
    add(Case('rtc', mb('rtc.elf'), expect=[r'RTC: seconds ticked twice', r'RTC: PASS']))
    add(Case('serial-in', mb('serial-in.elf', 'expect=hello-kemu'),
             feed=(r'SERIAL: ready>', 'hello-kemu\r\n'),
             expect=[r"SERIAL: got 'hello-kemu'", r'SERIAL: PASS']))
    for m in ('cf9', 'kbd', 'triple'):
        add(Case('reset-' + m, mb('reset.elf', 'method=' + m),
                 expect=[r'RESET: boot 1', r'RESET: boot 2', r'RESET: PASS'], kvm_deadline=60))
        add(Case('reset-%s-noreboot' % m, mb('reset.elf', 'method=' + m, '-no-reboot'), status=0,
                 expect=[r'RESET: boot 1'], reject=[r'RESET: boot 2']))
    add(Case('testdev', mb('testdev.elf', None, '-device', 'pc-testdev'),
             expect=[r'TESTDEV: PASS']))
    add(Case('hostile', mb('hostile.elf', 'seed=1', '-no-reboot'), status=0, deadline=60,
             kvm_deadline=120, qemu_pvm_skip='QEMU 7.2 + KVM (kernel-irqchip=on/split) hangs on a '
             'fw_cfg DMA descriptor read from the LAPIC page (0xfee00000)',
             qemu_pvm_skip_accels=('kvm', 'kvm-split'),
             expect=[r'HOSTILE: start', r'fw_cfg DMA at nonsense done',
                     r'HOSTILE: all ports done, triple-faulting']))
    add(Case('hostile-fwcfg-huge', mb('hostile.elf', 'seed=3 phases=f dmalen=0xffffffff romdesc=1', '-no-reboot'),
             status=0, deadline=60, kvm_deadline=120,
             qemu_skip='QEMU 7.2 does not finish fw_cfg DMA reads of GiBs (a missing key zero-fills '
             'unassigned address space; a descriptor read from ROM asks for GiBs) '
             'within 60 s (found by this case)',
             expect=[r'HOSTILE: start', r'fw_cfg DMA at nonsense done']))
    add(Case('hostile-mmio-ports', mb('hostile.elf', 'seed=2 phases=mp', '-no-reboot'), status=0,
             deadline=60, kvm_deadline=120,
             expect=[r'HOSTILE: start', r'MMIO writes .* done', r'HOSTILE: all ports done, triple-faulting']))
    add(Case('hostile-resets', mb('hostile.elf', 'seed=4 resets=1 phases=pm', '-no-reboot'), status=0,
             deadline=60, kvm_deadline=120, expect=[r'HOSTILE: start, seed 0x4, including reset ports']))
    sysret_qemu = ('the first SYSRET to ring 3 triple-faults under PVM (QEMU resets the guest); '
                   'kemu must fall back to its interpreter')
    # Measured with kemu (docs/kvm-pvm-notes.md): PVM loads the user CS/SS of a
    # non-PVM guest's SYSRET and then faults; completing the SYSRET from
    # userspace gets the loop through, but the guest's ring-3 port I/O
    # (IOPL 3) faults next. Not an emulation failure exit, so no fallback.
    sysret_pvm = ('KVM here is PVM: a non-PVM guest cannot enter ring 3 (SYSRET loads the user '
                  'CS/SS, then faults; ring-3 IOPL-3 port I/O faults too), as for QEMU; see '
                  'docs/kvm-pvm-notes.md')
    add(Case('longmode', mb('longmode.elf', 'iters=0'), expect=[r'LONGMODE: 64-bit arithmetic ok',
                                                               r'LONGMODE: PASS']))
    add(Case('longmode-syscall', mb('longmode.elf', 'iters=1000', '-no-reboot'),
             qemu_pvm_skip=sysret_qemu, pvm_skip=sysret_pvm,
             expect=[r'LONGMODE: 1000 SYSCALL/SYSRET', r'LONGMODE: PASS']))
    add(Case('multiboot-modules', mb('mbmods.elf', 'mods=2 mod0size=65536 mod0byte=0xfff0:0xb0',
                                     '-initrd', '{G}/bios-exit.bin modarg=1,{G}/pvh.elf'),
             expect=[r"MBMODS: cmdline '\S*mbmods\.elf mods=2", r"module 0 \[.*bios-exit\.bin modarg=1'",
                     r"module 1 \[.*pvh\.elf'", r'MBMODS: PASS']))
    add(Case('multiboot-aout', mb('mbmods-aout.bin', 'mods=1 mod0size=65536',
                                  '-initrd', '{G}/bios-loop16.bin'),
             expect=[r"module 0 \[.*bios-loop16\.bin'", r'MBMODS: PASS']))
    add(Case('pvh', mb('pvh.elf', 'mem=128', '-m', '128'), expect=[r'PVH: PASS']))
    add(Case('bzimage', mb('bzimage.bin', 'mem=128 bzmagic=xyzzy expect=xyzzy', '-m', '128'),
             expect=[r'BZIMAGE: entered via the (32|64)-bit entry', r'BZIMAGE: PASS']))
    add(Case('bench-bios-exit', ['-bios', '{G}/bios-exit.bin']))
    add(Case('bench-loop16', ['-bios', '{G}/bios-loop16.bin'], kinds=('interp',), deadline=60))
    add(Case('bench-mixed32', mb('bench32.elf', 'mode=mixed iters=100000')))
    add(Case('bench-copy32', mb('bench32.elf', 'mode=copy iters=4')))
    add(Case('bench-syscall64', mb('longmode.elf', 'bench=1 iters=100000', '-no-reboot'),
             qemu_pvm_skip=sysret_qemu, pvm_skip=sysret_pvm, expect=[r'bench 100000 syscalls']))
    add(Case('demo', mb('demo.elf', None, '-smp', '2', '-m', '256'), status=0,
             expect=[r'CPUs    : 2', r'DEMO: PASS']))
    linux = ['-kernel', '{KERNEL}', '-initrd', '{INITRD}', '-m', '512', '-no-reboot']
    # The deadline only catches a hang: the interpreter boots this kernel in
    # 80-130 s on an idle 2-core machine, and a loaded one stretches that.
    linux_deadline = 480
    for n in (1, 2):
        add(Case('linux-smp%d' % n, linux + ['-smp', str(n), '-append',
                                             'console=ttyS0 quiet panic=-1'],
                 status=0, deadline=linux_deadline, linux=True,
                 expect=[r'KEMU-INIT: start', r'KEMU-RESULT: cpus=%d' % n, r'KEMU-INIT: poweroff'],
                 reject=[r'Kernel panic', r'poweroff failed']))
    # memtest86+ (Debian's package) to its test screen on serial; it never
    # exits, so the run ends when "Status: Testing" shows
    add(Case('memtest86', ['-kernel', '/boot/memtest86+x64.bin', '-append', 'console=ttyS0,115200',
                           '-m', '256'],
             until=r'Status: Testing', deadline=120, kvm_deadline=240,
             expect=[r'Memtest86\+ v\d', r'Status: Testing'], accels=('interp', 'kvm'),
             needs_file=('/boot/memtest86+x64.bin', 'memtest86+')))
    add(Case('linux-cmd', linux + ['-append', 'console=ttyS0 quiet panic=-1 '
                                   'kemu.cmd=echo+kemu-says-$((6*7))'],
             status=0, deadline=linux_deadline, linux=True,
             expect=[r'kemu-says-42', r'KEMU-RESULT: status=0', r'KEMU-INIT: poweroff']))
    return c


def kvm_status():
    """(usable, why-not, is_pvm)"""
    pvm = os.path.exists('/sys/module/kvm_pvm')
    try:
        fd = os.open('/dev/kvm', os.O_RDWR | os.O_CLOEXEC)
        os.close(fd)
        return True, None, pvm
    except OSError as e:
        return False, '/dev/kvm: %s' % e.strerror, pvm


class Run:
    def __init__(self, cmd, feed, deadline, log, until=None):
        self.cmd, self.feed, self.deadline, self.logpath = cmd, feed, deadline, log
        self.until = until
        self.stopped = False
        self.out = bytearray()
        self.lock = threading.Lock()

    def _reader(self, f):
        while True:
            b = f.read1(4096) if hasattr(f, 'read1') else f.read(4096)
            if not b:
                break
            with self.lock:
                self.out += b

    def text(self):
        with self.lock:
            return self.out.decode('utf-8', 'replace')

    def go(self):
        t0 = time.monotonic()
        p = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, start_new_session=True)
        th = threading.Thread(target=self._reader, args=(p.stdout,), daemon=True)
        th.start()
        fed = self.feed is None
        timed_out = False
        while p.poll() is None:
            if time.monotonic() - t0 > self.deadline:
                timed_out = True
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
                break
            if self.until and re.search(self.until, self.text()):
                self.stopped = True
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
                break
            if not fed and re.search(self.feed[0], self.text()):
                try:
                    p.stdin.write(self.feed[1].encode())
                    p.stdin.flush()
                except OSError:
                    pass
                fed = True
            time.sleep(0.01)
        elapsed = time.monotonic() - t0
        th.join(5)
        try:
            p.stdin.close()
        except OSError:
            pass
        out = self.text()
        with open(self.logpath, 'w') as f:
            f.write('$ ' + ' '.join(self.cmd) + '\n' + out)
            f.write('\n[exit status %s%s, %.2fs]\n' % (p.returncode, ', TIMEOUT' if timed_out else '',
                                                       elapsed))
        return p.returncode, timed_out, elapsed, out


def last_line(out):
    lines = [l.strip() for l in out.replace('\r', '').split('\n') if l.strip()]
    return lines[-1][:160] if lines else '(no output)'


def judge(case, rc, timed_out, out, deadline):
    if timed_out:
        return 'no exit within %ds; last output: %s' % (deadline, last_line(out))
    if rc < 0:
        return 'emulator killed by signal %d; last output: %s' % (-rc, last_line(out))
    if rc != case.status:
        return 'exit status %d, expected %d; last output: %s' % (rc, case.status, last_line(out))
    for r in case.expect:
        if not re.search(r, out):
            return 'no /%s/ on serial; last output: %s' % (r, last_line(out))
    for r in case.reject + ALWAYS_REJECT:
        m = re.search(r, out)
        if m:
            line = out[out.rfind('\n', 0, m.start()) + 1:out.find('\n', m.end())].strip()
            return 'unexpected /%s/ on serial: %s' % (r, line[:160])
    return None


def build_guests(outdir, verbose):
    cmd = ['make', '-C', os.path.join(ROOT, 'tests', 'guests'), 'O=' + outdir, '-j1']
    if not verbose:
        cmd.append('-s')
    r = subprocess.run(cmd, stdout=None if verbose else subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode:
        sys.stdout.write((r.stdout or b'').decode(errors='replace'))
        return False
    return True


def find_kernel():
    k = os.environ.get('KEMU_LINUX_KERNEL')
    if k:
        return k
    ks = sorted(glob.glob('/boot/vmlinuz-*'))
    return ks[-1] if ks else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('patterns', nargs='*', help='case name globs (default: all)')
    ap.add_argument('--emulator', default='kemu', help="'kemu' (default), 'qemu', or a path")
    ap.add_argument('--kemu', default=os.environ.get('KEMU', os.path.join(ROOT, 'build', 'kemu')),
                    help='kemu binary (default $KEMU or build/kemu)')
    ap.add_argument('--qemu', default='qemu-system-x86_64')
    ap.add_argument('--accel', action='append', choices=sorted(ACCELS),
                    help='run only under these accelerators (repeatable)')
    ap.add_argument('--guests', default=os.environ.get('KEMU_GUESTS',
                                                       os.path.join(ROOT, 'tests', 'guests', 'out')),
                    help='where the built guests go')
    ap.add_argument('--no-build', action='store_true', help='do not run make for the guests')
    ap.add_argument('--deadline-scale', type=float, default=float(os.environ.get('KEMU_DEADLINE_SCALE', 1)))
    ap.add_argument('-j', '--jobs', type=int, default=int(os.environ.get('KEMU_TEST_JOBS', 1)),
                    help='cases run at once (default 1: the CPU is shared)')
    ap.add_argument('--require-emulator', action='store_true',
                    help='a missing emulator binary is a failure, not a skip')
    ap.add_argument('--list', action='store_true')
    ap.add_argument('-v', '--verbose', action='store_true', help='print the log tail of failures')
    a = ap.parse_args()

    all_cases = cases()
    sel = [c for c in all_cases if not a.patterns or any(fnmatch.fnmatch(c.name, p) for p in a.patterns)]
    if a.list:
        for c in sel:
            print('%-24s %s' % (c.name, ' '.join(c.args)))
        return 0
    if not sel:
        print('no case matches %s' % ' '.join(a.patterns))
        return 1

    if a.emulator == 'qemu':
        flavour, binary = 'qemu', a.qemu
    elif a.emulator == 'kemu':
        flavour, binary = 'kemu', a.kemu
    else:
        flavour = 'qemu' if 'qemu' in os.path.basename(a.emulator) else 'kemu'
        binary = a.emulator
    resolved = binary if os.sep in binary else next(
        (os.path.join(d, binary) for d in os.environ.get('PATH', '').split(os.pathsep)
         if os.access(os.path.join(d, binary), os.X_OK)), binary)
    have_emulator = os.access(resolved, os.X_OK)

    os.makedirs(os.path.join(WORK, 'logs'), exist_ok=True)
    guests = os.path.abspath(a.guests)
    if not a.no_build and not build_guests(guests, a.verbose):
        print('FAIL build-guests [-]: make -C tests/guests failed')
        print('0 passed, 1 failed, 0 skipped')
        return 1
    kernel = find_kernel()
    initrd = os.path.join(WORK, 'initramfs.cpio.gz')
    initrd_why = None
    if any(c.linux for c in sel):
        script = os.path.join(ROOT, 'scripts', 'build-initramfs.sh')
        if not os.path.exists(initrd) or os.path.getmtime(initrd) < os.path.getmtime(script):
            r = subprocess.run([script, initrd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if r.returncode:
                initrd_why = 'build-initramfs.sh failed: ' + last_line(r.stdout.decode(errors='replace'))

    if not have_emulator and a.require_emulator:
        print('FAIL emulator [-]: no emulator binary at %s' % resolved)
        print('0 passed, 1 failed, 0 skipped')
        return 1
    kvm_ok, kvm_why, pvm = kvm_status()
    accels = a.accel or list(ACCELS)
    npass = nfail = nskip = 0
    print('# %s: %s; kvm: %s%s' % (flavour, resolved, 'yes' if kvm_ok else 'no (%s)' % kvm_why,
                                   ', PVM' if pvm else ''))
    sys.stdout.flush()
    jobs = []
    for c in sel:
        for acc in accels:
            spec = ACCELS[acc]
            if spec['kind'] not in c.kinds or (c.accels and acc not in c.accels):
                continue
            tag = '%s [%s]' % (c.name, acc)
            why = None
            if not have_emulator:
                why = 'no emulator binary at %s (build kemu or set KEMU=path)' % resolved
            elif spec['kind'] == 'kvm' and not kvm_ok:
                why = 'no usable KVM: %s' % kvm_why
            elif spec['kind'] == 'kvm' and pvm and c.pvm_skip:
                why = c.pvm_skip
            elif flavour != 'qemu' and c.known_bug and acc in c.known_bug[0]:
                why = c.known_bug[1]
            elif (spec['kind'] == 'kvm' and pvm and flavour == 'qemu' and c.qemu_pvm_skip and
                  acc in (c.qemu_pvm_skip_accels or ACCELS)):
                why = 'QEMU cannot run this on PVM: ' + c.qemu_pvm_skip
            elif (acc == 'kvm-off' and pvm and flavour == 'qemu' and '-smp' in c.args and
                  c.args[c.args.index('-smp') + 1] != '1'):
                why = ('QEMU cannot run this on PVM: with kernel-irqchip=off (userspace LAPIC, '
                       'deprecated in QEMU) SeaBIOS hangs when -smp > 1')
            elif flavour == 'qemu' and c.qemu_skip:
                why = 'QEMU cannot pass this: ' + c.qemu_skip
            elif c.needs_file and not os.path.exists(c.needs_file[0]):
                why = 'no %s (install %s)' % c.needs_file
            elif c.linux and not kernel:
                why = 'no Linux kernel in /boot/vmlinuz-* (install linux-image-amd64)'
            elif c.linux and initrd_why:
                why = initrd_why
            if why:
                print('SKIP %s: %s' % (tag, why))
                nskip += 1
                sys.stdout.flush()
                continue
            args = [x.replace('{G}', guests).replace('{KERNEL}', kernel or '')
                    .replace('{INITRD}', initrd) for x in c.args]
            if '-m' not in args:
                args += ['-m', '128']
            accel_args = spec.get(flavour, spec.get('args'))
            cmd = [resolved] + COMMON + accel_args + args
            deadline = (c.deadline if spec['kind'] == 'interp' else c.kvm_deadline) * a.deadline_scale
            log = os.path.join(WORK, 'logs', '%s.%s.log' % (c.name, acc))
            jobs.append((c, tag, cmd, deadline, log))

    lock = threading.Lock()

    def run_job(job):
        nonlocal npass, nfail
        c, tag, cmd, deadline, log = job
        try:
            run = Run(cmd, c.feed, deadline, log, c.until)
            rc, timed_out, elapsed, out = run.go()
            if run.stopped:
                rc = c.status  # ended by us on `until`: the status says nothing
            bad = judge(c, rc, timed_out, out, deadline)
        except OSError as e:
            rc, timed_out, elapsed, out = None, False, 0.0, ''
            bad = 'could not run %s: %s' % (cmd[0], e)
        with lock:
            if bad:
                print('FAIL %s: %s (%.2fs)' % (tag, bad, elapsed))
                if a.verbose:
                    print('  $ ' + ' '.join(cmd))
                    for l in out.replace('\r', '').split('\n')[-15:]:
                        print('  | ' + l)
                nfail += 1
            else:
                print('PASS %s (%.2fs)' % (tag, elapsed))
                npass += 1
            sys.stdout.flush()

    if a.jobs > 1:
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
            list(ex.map(run_job, jobs))
    else:
        for job in jobs:
            run_job(job)
    print('%d passed, %d failed, %d skipped' % (npass, nfail, nskip))
    return 1 if nfail else 0


if __name__ == '__main__':
    sys.exit(main())

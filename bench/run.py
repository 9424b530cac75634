#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""kemu benchmarks: kemu and Debian's qemu-system-x86_64 side by side, same run.

Same kind of accelerator on both sides: kemu -accel interp against QEMU
-accel tcg, kemu KVM against QEMU KVM (where /dev/kvm opens). Every figure is
the median of --runs (>= 5) runs; ratios are kemu / QEMU (for times, lower is
better for kemu; for rates, higher is). Figures, not pass/fail.

    bench/run.py                    # everything; kemu at $KEMU or build/kemu
    bench/run.py --only startup,mips --runs 7
    bench/run.py --no-kemu          # QEMU figures alone

Metrics:
  startup    process start to exit, guest = -bios image whose first two
             instructions write isa-debug-exit (tests/guests/bios-exit.S);
             peak RSS of that run (wait4 rusage)
  mips       interp only: real-mode dec/jnz (bios-loop16, 2e8 instructions),
             32-bit mixed loop (bench32 mode=mixed, 12 instructions/iteration),
             rep movsd copy (MB/s), 64-bit SYSCALL/SYSRET round trips
             (longmode bench=1, 8 instructions/iteration); each minus an
             iters=0 run of the same guest, so firmware start-up cancels out
  exits      KVM only: ns per PIO and per MMIO exit (-bios loops written by
             ../shared/tools/kvm-exit-floor.c, N and N=0), and that tool's
             own minimal-VMM floor for the same image
  seabios    time to "SeaBIOS (version" on isa-debugcon (port 0x402)
  memtest    Debian's memtest86+ (-kernel /boot/memtest86+x64.bin, 256 MiB) to
             "Status: Testing" on serial: its start-up copies memory with
             rep movsq, what the interpreter does as bulk copies
  linux      Debian kernel + busybox initramfs (-smp 2) to "KEMU-INIT: start"
             (the shell runs) and to power-off; skipped on PVM for KVM
"""
import argparse
import glob
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, 'tests', 'functional', 'work', 'bench')
GUESTS = os.path.join(ROOT, 'tests', 'guests', 'out')
BASE = ['-nodefaults', '-display', 'none', '-device', 'isa-debug-exit,iobase=0xf4,iosize=4',
        '-m', '128']


def run_once(cmd, until=None, deadline=300.0):
    """Run cmd; returns (seconds, peak RSS KiB, exit status, output). With
    until=regex, the time is when it first appears on stdout, then the
    process is killed."""
    # Peak RSS comes from GNU time when it is there: the rusage of a child
    # forked from this Python process counts Python's own pages from before
    # the exec (~15 MiB), which would swamp kemu's few MiB.
    rss_file = None
    if os.path.exists('/usr/bin/time'):
        fd, rss_file = tempfile.mkstemp(prefix='kemu-bench-rss-')
        os.close(fd)
        cmd = ['/usr/bin/time', '-q', '-f', '%M', '-o', rss_file] + list(cmd)
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    out = bytearray()
    hit = [None]

    def reader():
        while True:
            b = p.stdout.read1(4096)
            if not b:
                return
            out.extend(b)
            if until and hit[0] is None and re.search(until, out.decode('latin-1')):
                hit[0] = time.monotonic() - t0
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    timer = threading.Timer(deadline, lambda: os.killpg(p.pid, signal.SIGKILL))
    timer.start()
    _, status, ru = os.wait4(p.pid, 0)
    elapsed = time.monotonic() - t0
    timer.cancel()
    th.join(2)
    p.returncode = os.waitstatus_to_exitcode(status)
    text = out.decode('utf-8', 'replace')
    maxrss = ru.ru_maxrss
    if rss_file:
        try:
            with open(rss_file) as f:
                lines = [l for l in f.read().split('\n') if l.strip().isdigit()]
            if lines:
                maxrss = int(lines[-1])
        finally:
            os.unlink(rss_file)
    if until:
        if hit[0] is None:
            raise RuntimeError('no /%s/ in output of %s: %s' % (until, ' '.join(cmd), text[-300:]))
        return hit[0], maxrss, p.returncode, text
    return elapsed, maxrss, p.returncode, text


def median_run(cmd, runs, until=None, want_status=None):
    ts, rss = [], []
    for _ in range(runs):
        t, m, rc, out = run_once(cmd, until)
        if want_status is not None and rc != want_status:
            raise RuntimeError('exit status %d (expected %d) from %s: %s' %
                               (rc, want_status, ' '.join(cmd), out[-300:]))
        ts.append(t)
        rss.append(m)
    return statistics.median(ts), statistics.median(rss)


class Emu:
    def __init__(self, name, binary, accel_args):
        self.name, self.binary, self.accel = name, binary, accel_args

    def cmd(self, *args):
        return [self.binary] + BASE + self.accel + list(args)


class Table:
    def __init__(self):
        self.rows = []

    def add(self, metric, unit, kemu, qemu, higher_better=False):
        self.rows.append((metric, unit, kemu, qemu))
        ratio = '%.2fx' % (kemu / qemu) if isinstance(kemu, float) and isinstance(qemu, float) and qemu else '-'
        fmt = lambda v: ('%.3f' % v if v < 10 else '%.1f' % v) if isinstance(v, float) else str(v)
        print('%-38s %12s %12s %9s  %s' % (metric, fmt(kemu), fmt(qemu), ratio, unit))
        sys.stdout.flush()


def both(tab, metric, unit, emus, fn, higher_better=False):
    vals = []
    for e in emus:
        if e is None:
            vals.append('n/a')
            continue
        try:
            vals.append(float(fn(e)))
        except Exception as ex:  # a failing side is reported, not fatal
            print('# %s %s: %s' % (e.name, metric, str(ex)[:300]))
            vals.append('error')
    tab.add(metric, unit, vals[0], vals[1], higher_better)


def bench_startup(tab, emus, runs):
    img = os.path.join(GUESTS, 'bios-exit.bin')
    res = {}

    def t(e):
        res[e.name] = median_run(e.cmd('-bios', img), runs, want_status=85)
        return res[e.name][0] * 1000
    both(tab, 'startup: start to exit', 'ms', emus, t)
    tab.add('startup: peak RSS', 'MiB',
            *[res[e.name][1] / 1024.0 if e and e.name in res else 'n/a' for e in emus])


def delta_rate(e, runs, args_n, args_0, work, want_status=85):
    t_n, _ = median_run(e.cmd(*args_n), runs, want_status=want_status)
    t_0, _ = median_run(e.cmd(*args_0), runs, want_status=want_status)
    if t_n <= t_0:
        raise RuntimeError('loop run (%.3fs) not slower than the empty run (%.3fs)' % (t_n, t_0))
    return work / (t_n - t_0)


def bench_mips(tab, emus, runs):
    g = lambda f: os.path.join(GUESTS, f)
    both(tab, 'MIPS real-mode dec/jnz', 'MIPS', emus, lambda e: _loop16(e, runs), True)
    n = 20_000_000
    both(tab, 'MIPS 32-bit mixed loop', 'MIPS', emus, lambda e: delta_rate(
        e, runs, ['-kernel', g('bench32.elf'), '-append', 'mode=mixed iters=%d' % n],
        ['-kernel', g('bench32.elf'), '-append', 'mode=mixed iters=0'], 12 * n / 1e6), True)
    n = 100
    both(tab, 'rep movsd copy', 'MB/s', emus, lambda e: delta_rate(
        e, runs, ['-kernel', g('bench32.elf'), '-append', 'mode=copy iters=%d' % n],
        ['-kernel', g('bench32.elf'), '-append', 'mode=copy iters=0'], n * 1.048576), True)
    n = 2_000_000
    both(tab, 'SYSCALL/SYSRET round trips', 'M/s', emus, lambda e: delta_rate(
        e, runs, ['-kernel', g('longmode.elf'), '-append', 'bench=1 iters=%d' % n],
        ['-kernel', g('longmode.elf'), '-append', 'bench=1 iters=0'], n / 1e6), True)


def _loop16(e, runs):
    g = lambda f: os.path.join(GUESTS, f)
    t_n, _ = median_run(e.cmd('-bios', g('bios-loop16.bin')), runs, want_status=85)
    t_0, _ = median_run(e.cmd('-bios', g('bios-exit.bin')), runs, want_status=85)
    return 2e8 / 1e6 / (t_n - t_0)


def exit_floor_tool():
    src = os.environ.get('KEMU_EXIT_FLOOR_SRC',
                         os.path.join(ROOT, '..', 'shared', 'tools', 'kvm-exit-floor.c'))
    if not os.path.exists(src):
        return None
    exe = os.path.join(WORK, 'kvm-exit-floor')
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
        subprocess.run(['gcc', '-O2', '-Wall', '-o', exe, src], check=True)
    return exe


def bench_exits(tab, emus, runs):
    tool = exit_floor_tool()
    if not tool:
        print('# exits: ../shared/tools/kvm-exit-floor.c not found (KEMU_EXIT_FLOOR_SRC=)')
        return
    n = 50000
    for kind in ('pio', 'mmio'):
        imgs = {}
        for cnt in (n, 0):
            imgs[cnt] = os.path.join(WORK, 'exit-%s-%d.bin' % (kind, cnt))
            subprocess.run([tool, '-b', imgs[cnt], '-e', kind, '-n', str(cnt)], check=True,
                           stdout=subprocess.DEVNULL)

        got = {}

        def per_exit(e):
            t_n, _ = median_run(e.cmd('-bios', imgs[n]), runs, want_status=1)
            t_0, _ = median_run(e.cmd('-bios', imgs[0]), runs, want_status=1)
            got[e.name] = (t_n - t_0) / n * 1e9
            return got[e.name]
        both(tab, 'ns per %s exit' % kind.upper(), 'ns', emus, per_exit)
        r = subprocess.run([tool, '-m', 'fw', '-e', kind, '-n', str(n), '-r', str(max(runs, 5))],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        m = re.search(r'median ([0-9.]+) ns', r.stdout)
        if not m:
            print('#   floor: kvm-exit-floor failed: %s' % r.stdout[-200:])
            continue
        floor = float(m.group(1))
        over = ', '.join('%s +%.1f%%' % (k, (v / floor - 1) * 100) for k, v in got.items())
        print('#   floor (kvm-exit-floor -m fw -e %s -n %d): %.1f ns per exit; over the floor: %s'
              % (kind, n, floor, over or '-'))


def bench_seabios(tab, emus, runs):
    both(tab, 'time to SeaBIOS banner', 'ms', emus, lambda e: median_run(
        [e.binary] + ['-nodefaults', '-display', 'none', '-m', '128'] + e.accel +
        ['-chardev', 'stdio,id=dbg', '-device', 'isa-debugcon,iobase=0x402,chardev=dbg'],
        runs, until=r'SeaBIOS \(version')[0] * 1000)


def bench_memtest(tab, emus, runs):
    img = '/boot/memtest86+x64.bin'
    if not os.path.exists(img):
        print('# memtest: no %s (install memtest86+)' % img)
        return
    args = ['-kernel', img, '-append', 'console=ttyS0,115200', '-m', '256', '-serial', 'stdio']
    both(tab, 'memtest86+ to its test screen', 's', emus, lambda e: median_run(
        e.cmd(*args), runs, until=r'Status: Testing')[0])


def bench_linux(tab, emus, runs, kvm_kind, pvm):
    if kvm_kind and pvm:
        print('# linux [kvm]: skipped: KVM is PVM here (/sys/module/kvm_pvm), Linux does not boot '
              'in useful time')
        return
    kernels = sorted(glob.glob('/boot/vmlinuz-*'))
    if not kernels:
        print('# linux: no /boot/vmlinuz-*')
        return
    initrd = os.path.join(ROOT, 'tests', 'functional', 'work', 'initramfs.cpio.gz')
    if not os.path.exists(initrd):
        subprocess.run([os.path.join(ROOT, 'scripts', 'build-initramfs.sh'), initrd], check=True,
                       stdout=subprocess.DEVNULL)
    args = ['-kernel', kernels[-1], '-initrd', initrd, '-m', '512', '-smp', '2', '-no-reboot',
            '-serial', 'stdio', '-append', 'console=ttyS0 quiet panic=-1']
    both(tab, 'Linux -smp 2 to busybox shell', 's', emus, lambda e: median_run(
        e.cmd(*args), runs, until=r'KEMU-INIT: start')[0])
    both(tab, 'Linux -smp 2 to power-off', 's', emus, lambda e: median_run(
        e.cmd(*args), runs, want_status=0)[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kemu', default=os.environ.get('KEMU', os.path.join(ROOT, 'build', 'kemu')))
    ap.add_argument('--qemu', default='qemu-system-x86_64')
    ap.add_argument('--no-kemu', action='store_true')
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--only', default='startup,mips,exits,seabios,memtest,linux')
    ap.add_argument('--accel', choices=['interp', 'kvm', 'both'], default='both')
    a = ap.parse_args()
    if a.runs < 5:
        print('# note: fewer than 5 runs per figure (--runs %d)' % a.runs)
    only = set(a.only.split(','))
    os.makedirs(WORK, exist_ok=True)
    subprocess.run(['make', '-s', '-C', os.path.join(ROOT, 'tests', 'guests'), 'O=' + GUESTS, '-j1'],
                   check=True)
    have_kemu = not a.no_kemu and os.access(a.kemu, os.X_OK)
    if not have_kemu and not a.no_kemu:
        print('# kemu: no binary at %s (build it or set KEMU=path); kemu column is n/a' % a.kemu)
    qemu = shutil.which(a.qemu) or a.qemu
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR))
        kvm = True
    except OSError:
        kvm = False
    pvm = os.path.exists('/sys/module/kvm_pvm')
    print('# %s, %d runs per figure, median; ratio = kemu / QEMU' % (time.strftime('%Y-%m-%d %H:%M'), a.runs))
    kinds = []
    if a.accel in ('interp', 'both'):
        kinds.append(('interp', ['-accel', 'interp'], ['-accel', 'tcg']))
    if a.accel in ('kvm', 'both'):
        if kvm:
            kinds.append(('kvm', ['-accel', 'kvm'], ['-accel', 'kvm']))
        else:
            print('# kvm: /dev/kvm does not open; KVM figures skipped')
    for kind, kemu_acc, qemu_acc in kinds:
        print('\n== %s: kemu %s vs QEMU %s%s' % (kind, ' '.join(kemu_acc), ' '.join(qemu_acc),
                                                 ' (PVM host)' if kind == 'kvm' and pvm else ''))
        print('%-38s %12s %12s %9s' % ('metric', 'kemu', 'qemu', 'ratio'))
        emus = [Emu('kemu', a.kemu, kemu_acc) if have_kemu else None, Emu('qemu', qemu, qemu_acc)]
        tab = Table()
        if 'startup' in only:
            bench_startup(tab, emus, a.runs)
        if 'mips' in only and kind == 'interp':
            bench_mips(tab, emus, a.runs)
        if 'exits' in only and kind == 'kvm':
            bench_exits(tab, emus, a.runs)
        if 'seabios' in only:
            bench_seabios(tab, emus, a.runs)
        if 'memtest' in only:
            bench_memtest(tab, emus, a.runs)
        if 'linux' in only:
            bench_linux(tab, emus, a.runs, kind == 'kvm', pvm)
    return 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gdbstub single-step rate: kemu against Debian's qemu-system-x86_64, same
guest, same kind of accelerator (kemu interp vs QEMU tcg, kemu KVM vs QEMU
KVM where /dev/kvm opens). Figures, not pass/fail.

    bench/gdbstep.py [--kemu build/kemu] [--steps 3000] [--runs 5]

A raw remote-protocol client (no gdb in the loop, so the figure is the
stub's and the accelerator's): start tests/guests/gdbtest.elf with -S,
connect, QStartNoAckMode, then `s` packets one after the other, each waiting
for its stop reply. Steps per second is the median over --runs runs.
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUEST = os.path.join(ROOT, 'tests', 'guests', 'out', 'gdbtest.elf')


def frame(payload):
    return b'$' + payload + b'#%02x' % (sum(payload) & 0xff)


class Rsp:
    def __init__(self, port):
        deadline = time.time() + 10
        while True:
            try:
                self.s = socket.create_connection(('127.0.0.1', port), timeout=10)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b''
        self.ack = True

    def packet(self, payload):
        self.s.sendall(frame(payload))
        while True:
            m = re.search(rb'\$([^#]*)#[0-9a-fA-F]{2}', self.buf)
            if m:
                self.buf = self.buf[m.end():]
                if self.ack:
                    self.s.sendall(b'+')
                return m.group(1)
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError('stub closed the connection')
            self.buf += chunk


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def steps_per_second(emu, accel, steps):
    port = free_port()
    cmd = [emu, '-accel', accel, '-nodefaults', '-display', 'none', '-m', '64', '-S',
           '-gdb', 'tcp:127.0.0.1:%d' % port, '-kernel', GUEST,
           '-device', 'isa-debug-exit,iobase=0xf4,iosize=4']
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        c = Rsp(port)
        c.packet(b'qSupported:multiprocess+;swbreak+;hwbreak+')
        if c.packet(b'QStartNoAckMode') == b'OK':
            c.ack = False
        c.packet(b'?')
        for _ in range(50):		# warm-up: leave the first instructions behind
            c.packet(b's')
        t0 = time.perf_counter()
        for _ in range(steps):
            r = c.packet(b's')
            if not r.startswith((b'T', b'S')):
                raise RuntimeError('step answered %r' % r)
        dt = time.perf_counter() - t0
        c.s.close()
        return steps / dt
    finally:
        p.kill()
        p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--kemu', default=os.environ.get('KEMU', os.path.join(ROOT, 'build', 'kemu')))
    ap.add_argument('--steps', type=int, default=3000)
    ap.add_argument('--runs', type=int, default=5)
    a = ap.parse_args()
    subprocess.run(['make', '-s', '-C', os.path.join(ROOT, 'tests', 'guests')], check=False)
    qemu = shutil.which('qemu-system-x86_64')
    pairs = [('interp', 'tcg')]
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR))
        pairs.append(('kvm', 'kvm'))
    except OSError as e:
        print('# no /dev/kvm (%s): KVM rows skipped' % e.strerror)
    print('%-26s %14s %14s %8s' % ('single steps per second', 'kemu', 'QEMU', 'ratio'))
    for kacc, qacc in pairs:
        k = statistics.median(steps_per_second(a.kemu, kacc, a.steps) for _ in range(a.runs))
        q = None
        if qemu:
            q = statistics.median(steps_per_second(qemu, qacc, a.steps) for _ in range(a.runs))
        print('%-26s %14.0f %14s %8s' % ('kemu %s / QEMU %s' % (kacc, qacc), k,
                                         '%.0f' % q if q else '-',
                                         '%.2fx' % (k / q) if q else '-'), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""virtio-blk sequential read throughput from a Linux guest: kemu and
Debian's qemu-system-x86_64 side by side, same kind of accelerator (kemu
-accel interp against QEMU -accel tcg; kemu KVM against QEMU KVM where Linux
boots under KVM, not on a PVM host).

The guest (Debian's kernel, the suite's busybox initramfs with the virtio
modules) reads a fresh raw disk once, cold, with
`dd if=/dev/vda of=/dev/null bs=1M count=N` and prints busybox dd's own
figure; the host sees only the guest's number. Median of --runs; figures,
not pass/fail.

    bench/virtio-blk.py [--runs 3] [--mib 32] [--kemu build/kemu] [--accel interp|kvm]
"""
import argparse
import glob
import os
import re
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, 'tests', 'functional', 'work', 'bench')
MODULES = ('virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci '
           'virtio_blk')
UNITS = {'B': 1, 'kB': 1e3, 'KB': 1e3, 'MB': 1e6, 'GB': 1e9, 'K': 1024, 'M': 1 << 20,
         'G': 1 << 30}


def initramfs():
    path = os.path.join(WORK, 'initramfs-virtio-blk.cpio.gz')
    if not os.path.exists(path):
        env = dict(os.environ, KEMU_INITRAMFS_MODULES=MODULES)
        subprocess.run([os.path.join(ROOT, 'scripts', 'build-initramfs.sh'), path], env=env,
                       check=True, stdout=subprocess.DEVNULL)
    return path


def one_run(cmd, disk, mib, deadline):
    with open(disk, 'wb') as f:
        f.truncate(mib * 1024 * 1024)
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=deadline)
    except subprocess.TimeoutExpired:
        return None, 'timeout after %ds' % deadline
    out = r.stdout.decode(errors='replace')
    # busybox: "33554432 bytes (32.0MB) copied, 0.512345 seconds, 62.5MB/s"
    m = re.search(r'(\d+) bytes .*copied, ([\d.]+) seconds', out)
    if not m or float(m.group(2)) <= 0:
        return None, 'no dd figure; last output: %s' % out.strip().splitlines()[-1:]
    return int(m.group(1)) / float(m.group(2)) / 1e6, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kemu', default=os.environ.get('KEMU', os.path.join(ROOT, 'build', 'kemu')))
    ap.add_argument('--qemu', default=shutil.which('qemu-system-x86_64'))
    ap.add_argument('--accel', default='interp', choices=['interp', 'kvm'])
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--mib', type=int, default=32)
    ap.add_argument('--deadline', type=int, default=900)
    a = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    kernel = sorted(glob.glob('/boot/vmlinuz-*'))[-1]
    initrd = initramfs()
    disk = os.path.join(WORK, 'virtio-blk-bench.img')
    guest = 'dd+if=/dev/vda+of=/dev/null+bs=1M+count=%d' % a.mib
    common = ['-m', '512', '-display', 'none', '-nodefaults', '-serial', 'stdio', '-no-reboot',
              '-kernel', kernel, '-initrd', initrd,
              '-append', 'console=ttyS0 quiet panic=-1 kemu.cmd=' + guest,
              '-drive', 'file=%s,if=virtio,format=raw,cache=none' % disk]
    emus = [('kemu', a.kemu, ['-accel', a.accel])]
    if a.qemu:
        emus.append(('qemu', a.qemu, ['-accel', 'tcg' if a.accel == 'interp' else 'kvm']))
    results = {}
    for name, path, accel in emus:
        figs = []
        for _ in range(a.runs):
            mbs, err = one_run([path] + accel + common, disk, a.mib, a.deadline)
            if err:
                print('%s: %s' % (name, err), flush=True)
                continue
            figs.append(mbs)
            print('%s %s: %.1f MB/s' % (name, accel[1], mbs), flush=True)
        if figs:
            results[name] = statistics.median(figs)
    print('virtio-blk sequential read, %d MiB cold, %s (median of %d):' % (a.mib, a.accel, a.runs))
    for name, v in results.items():
        print('  %-5s %8.1f MB/s' % (name, v))
    if 'kemu' in results and 'qemu' in results:
        print('  ratio kemu/qemu %.2f (higher is better for kemu)' % (results['kemu'] / results['qemu']))
    return 0


if __name__ == '__main__':
    sys.exit(main())

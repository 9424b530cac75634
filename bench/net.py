#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Network throughput: iPXE downloads through user networking, kemu and Debian's
qemu-system-x86_64 side by side in the same run, same kind of accelerator
(kemu -accel interp against QEMU -accel tcg; KVM against KVM where /dev/kvm
opens and is not PVM, on which the iPXE ROM does not get going: see
tests/functional/test-net.py). Figures, not pass/fail.

    bench/net.py                      # kemu at $KEMU or build/kemu
    bench/net.py --runs 5 --size 16 --nic e1000 --proto http

For each NIC model (e1000, virtio-net-pci) and protocol (TFTP from
tftp=DIR, HTTP from a server on the host reached through slirp's 10.0.2.2)
the guest's iPXE script prints a marker, fetches a file of --size MiB with
imgfetch, and prints a second marker; the figure is size / (time between the
two markers as the host sees them on serial), median of --runs runs.
"""
import argparse
import http.server
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
WORK = os.path.join(ROOT, 'bench', 'work', 'net')


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def one_run(cmd, deadline):
    """Seconds between KEMU-BENCH-START and KEMU-BENCH-DONE, or None and why."""
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    buf, t_start, t_done = b'', None, None
    t0 = time.monotonic()
    os.set_blocking(p.stdout.fileno(), False)
    while time.monotonic() - t0 < deadline and p.poll() is None:
        try:
            b = p.stdout.read(65536)
        except BlockingIOError:
            b = None
        if b:
            buf += b
            if t_start is None and b'KEMU-BENCH-START' in buf:
                t_start = time.monotonic()
            if t_done is None and b'KEMU-BENCH-DONE' in buf:
                t_done = time.monotonic()
                break
            if b'KEMU-BENCH-FAIL' in buf:
                break
        else:
            time.sleep(0.002)
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    if t_start is None or t_done is None:
        tail = re.sub(rb'\x1b\[[0-9;?]*[a-zA-Z]', b'', buf).decode(errors='replace')
        return None, 'no result; last output: %s' % tail.strip().split('\n')[-1][:120]
    return t_done - t_start, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kemu', default=os.environ.get('KEMU', os.path.join(ROOT, 'build', 'kemu')))
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--size', type=int, default=8, help='MiB fetched per run')
    ap.add_argument('--nic', action='append', help='e1000 and/or virtio-net-pci')
    ap.add_argument('--proto', action='append', help='tftp and/or http')
    ap.add_argument('--accel', action='append', help='interp and/or kvm')
    a = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    with open(os.path.join(WORK, 'blob'), 'wb') as f:
        f.write(os.urandom(a.size << 20))
    with open(os.path.join(WORK, 'sercon.bin'), 'wb') as f:
        f.write((0x3f8).to_bytes(2, 'little'))
    handler = lambda *x, **k: Quiet(*x, directory=WORK, **k)
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    urls = {'tftp': 'tftp://10.0.2.2/blob',
            'http': 'http://10.0.2.2:%d/blob' % httpd.server_address[1]}
    pvm = os.path.exists('/sys/module/kvm_pvm')
    qemu = shutil.which('qemu-system-x86_64')
    print('# net throughput, %d MiB per fetch, median of %d runs; kemu %s, qemu %s'
          % (a.size, a.runs, a.kemu, qemu), flush=True)
    for acc in a.accel or ['interp', 'kvm']:
        if acc == 'kvm' and (pvm or not os.access('/dev/kvm', os.R_OK | os.W_OK)):
            print('SKIP kvm: %s' % ('PVM: the iPXE ROM does not get going (test-net.py)'
                                    if pvm else 'no /dev/kvm'), flush=True)
            continue
        for nic in a.nic or ['e1000', 'virtio-net-pci']:
            for proto in a.proto or ['tftp', 'http']:
                script = os.path.join(WORK, 'bench-%s.ipxe' % proto)
                with open(script, 'w') as f:
                    f.write('#!ipxe\necho KEMU-BENCH-START\nimgfetch %s || goto fail\n'
                            'echo KEMU-BENCH-DONE\nexit\n:fail\necho KEMU-BENCH-FAIL\n'
                            % urls[proto])
                row = []
                for name, binary in (('kemu', a.kemu), ('qemu', qemu)):
                    if not binary:
                        row.append((name, None, 'not found'))
                        continue
                    accel = ['-accel', 'tcg' if name == 'qemu' and acc == 'interp' else acc]
                    cmd = [binary] + accel + [
                        '-nodefaults', '-display', 'none', '-serial', 'stdio', '-m', '256',
                        '-fw_cfg', 'name=etc/sercon-port,file=' + os.path.join(WORK, 'sercon.bin'),
                        '-netdev', 'user,id=n0,tftp=%s,bootfile=%s' % (WORK, os.path.basename(script)),
                        '-device', '%s,netdev=n0' % nic]
                    if name == 'qemu':
                        cmd += ['-L', '/usr/lib/ipxe/qemu', '-L', '/usr/share/qemu',
                                '-L', '/usr/share/seabios']
                    times, why = [], None
                    for _ in range(a.runs):
                        t, why = one_run(cmd, 300)
                        if t is None:
                            break
                        times.append(t)
                    row.append((name, statistics.median(times) if len(times) == a.runs else None,
                                why))
                figs = []
                for name, t, why in row:
                    figs.append('%s %s' % (name, '%.2f MB/s (%.2fs)' % (a.size * 1.048576 / t, t)
                                           if t else 'n/a (%s)' % why))
                ratio = ''
                if row[0][1] and row[1][1]:
                    ratio = '  kemu/qemu throughput %.2fx' % (row[1][1] / row[0][1])
                print('%-6s %-15s %-4s  %s%s' % (acc, nic, proto, '  '.join(figs), ratio),
                      flush=True)
    httpd.shutdown()
    return 0


if __name__ == '__main__':
    sys.exit(main())

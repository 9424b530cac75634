#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Networking with real guests: Debian's iPXE option ROMs through SeaBIOS.

    tests/functional/test-net.py                  # kemu: $KEMU or build/kemu
    tests/functional/test-net.py --emulator qemu  # the same command lines on Debian's QEMU
    tests/functional/test-net.py --accel interp 'ipxe*'

Cases, each under interp (QEMU: tcg) and, where /dev/kvm opens, kvm:
  ipxe-e1000      SeaBIOS runs the e1000's iPXE ROM (efi-e1000.rom); iPXE gets a
                  DHCP lease from user networking and fetches a script over TFTP
                  from tftp=DIR,bootfile=boot.ipxe, which prints a marker with the
                  leased address and gateway (serial: SeaBIOS's sercon copies INT
                  10h output to COM1 when fw_cfg has etc/sercon-port).
  ipxe-virtio     the same through virtio-net-pci and its ROM (efi-virtio.rom).
  boot-n          with an (empty) virtio disk as well, -boot n makes SeaBIOS run the
                  e1000's iPXE before the disk: "Booting from ROM" comes first and
                  the TFTP script's marker is printed.
  pcap-dhcp       the filter-dump pcap of the ipxe-e1000 run, read by tcpdump -r:
                  the DHCP request from the NIC's MAC, slirp's reply, the TFTP read.
  linux-download  Debian's kernel with the suite's busybox initramfs
  linux-hostfwd   (scripts/build-initramfs.sh, which carries e1000.ko): the guest
                  loads the e1000 driver, downloads a 1 MiB file from a TCP
                  server on the host through slirp (10.0.2.2, busybox nc) and
                  prints its md5,
                  which must match; then it serves a greeting on port 8080, which
                  the host reads through hostfwd=tcp:127.0.0.1:PORT-:8080.
  linux-ping      in the same boot, ping 10.0.2.2 (slirp answers ICMP echo for
                  its own address). Under a PVM KVM: SKIP (Linux is too slow there).
  tap             -netdev tap,ifname=,script=IFUP: the script (run with the
                  interface name, as QEMU does) brings the host interface up; the
                  host sees the VM's DHCP discover on it (AF_PACKET) and a frame
                  the host sends into it shows up in the netdev's capture. SKIP
                  without /dev/net/tun or CAP_NET_ADMIN.
  lan-socket      two VMs on -netdev socket (listen= / connect=) and
  lan-stream      on -netdev stream over a Unix socket and
  lan-dgram       on -netdev dgram (UDP): each VM's iPXE sends DHCP discovers and
                  each side's capture must hold frames from the other's MAC.

Output: PASS/FAIL/SKIP lines, then "N passed, N failed, N skipped"; exit 1 on
any failure. Python stdlib and tcpdump. Logs in tests/functional/work/logs/net-*.
"""
import argparse
import fnmatch
import glob
import hashlib
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
WORK = os.path.join(ROOT, 'tests', 'functional', 'work', 'net')
LOGS = os.path.join(ROOT, 'tests', 'functional', 'work', 'logs')
SCALE = float(os.environ.get('KEMU_DEADLINE_SCALE', '1'))
ROM = '/usr/lib/ipxe/qemu/efi-e1000.rom'
VIRTIO_ROM = '/usr/lib/ipxe/qemu/efi-virtio.rom'
MAC_A, MAC_B = '52:54:00:12:34:56', '52:54:00:12:34:57'
PVM_IPXE = ('KVM here is PVM (/sys/module/kvm_pvm): the host kernel emulates the iPXE '
            'ROM\'s real-mode and 16/32-bit protected-mode code instruction by instruction '
            '(docs/kvm-pvm-notes.md); measured 2026-11-25: after 600 s under kemu+KVM the ROM '
            'had printed only "iPXE (PCI 00:02.0) starting execution.." and sent no frame')
PVM_LINUX = ('KVM here is PVM (/sys/module/kvm_pvm): the guest kernel\'s CPL0 and real-mode '
             'code runs through the host\'s instruction emulator, too slow for Linux')
RESULTS = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}


def report(kind, tag, msg=''):
    RESULTS[kind] += 1
    print('%s %s%s' % (kind, tag, msg), flush=True)


def kvm_status():
    pvm = os.path.exists('/sys/module/kvm_pvm')
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR | os.O_CLOEXEC))
        return True, None, pvm
    except OSError as e:
        return False, '/dev/kvm: %s' % e.strerror, pvm


def strip_ansi(s):
    return re.sub(r'\x1b\[[0-9;?]*[a-zA-Z]|\x1bc', '', s)


class Guest:
    """One emulator process; output collected by a thread."""

    def __init__(self, cmd, log):
        self.cmd, self.log, self.buf = cmd, log, bytearray()
        self.lock = threading.Lock()
        self.t0 = time.monotonic()
        self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        self.th = threading.Thread(target=self._reader, daemon=True)
        self.th.start()

    def _reader(self):
        while True:
            b = self.p.stdout.read1(4096)
            if not b:
                break
            with self.lock:
                self.buf.extend(b)

    def text(self):
        with self.lock:
            return strip_ansi(self.buf.decode('utf-8', 'replace'))

    def stop(self):
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGKILL)
        self.p.wait()
        self.th.join(5)
        with open(self.log, 'w') as f:
            f.write('$ %s\n%s\n[status %s, %.2fs]\n' % (' '.join(self.cmd), self.text(),
                                                       self.p.returncode,
                                                       time.monotonic() - self.t0))

    def last_line(self):
        lines = [l.strip() for l in self.text().split('\n') if l.strip()]
        return lines[-1][:160] if lines else '(no output)'


def wait_for(check, deadline, guests):
    """Poll check() until true, the deadline, or a guest exits; returns (ok, why)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < deadline:
        if check():
            return True, None
        for g in guests:
            if g.p.poll() is not None:
                return False, 'exited with status %s; last output: %s' % (g.p.returncode,
                                                                          g.last_line())
        time.sleep(0.05)
    return False, 'nothing within %ds; last output: %s' % (deadline, guests[0].last_line())


def pcap_sources(path):
    """Source MACs of the frames in a classic pcap file (partial last record ignored)."""
    macs = set()
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError:
        return macs
    if len(data) < 24:
        return macs
    order = '<' if data[:4] == b'\xd4\xc3\xb2\xa1' else '>'
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(order + 'IIII', data[off:off + 16])
        frame = data[off + 16:off + 16 + caplen]
        if len(frame) < caplen:
            break
        if len(frame) >= 12:
            macs.add(':'.join('%02x' % b for b in frame[6:12]))
        off += 16 + caplen
    return macs


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def tcp_listening(port):
    """True once something listens on 127.0.0.1:port (read from /proc, not by connecting:
    a listening netdev serves a single peer)."""
    want = ':%04X' % port
    try:
        with open('/proc/net/tcp') as f:
            return any(l.split()[1].endswith(want) and l.split()[3] == '0A'
                       for l in f.readlines()[1:])
    except OSError:
        return False


def linux_net(emu, accel, acc, why, report_both):
    """One Linux boot: a download through slirp, then a greeting through hostfwd."""
    kernels = sorted(glob.glob('/boot/vmlinuz-*'))
    why = why or (not kernels and 'no /boot/vmlinuz-* (linux-image-amd64)')
    initrd = os.path.join(WORK, 'initramfs-net.cpio.gz')
    if not why:
        r = subprocess.run([os.path.join(ROOT, 'scripts', 'build-initramfs.sh'), initrd],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode:
            why = 'initramfs: ' + r.stdout.decode(errors='replace').strip()
        elif b'lib/modules/e1000.ko' not in subprocess.run(
                'zcat %s | cpio -t' % initrd, shell=True, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL).stdout:
            why = 'the kernel\'s e1000.ko was not found for the initramfs'
    if why:
        report_both('SKIP', ': ' + why)
        return
    www = os.path.join(WORK, 'www')
    os.makedirs(www, exist_ok=True)
    blob = os.urandom(1 << 20)
    with open(os.path.join(www, 'blob'), 'wb') as f:
        f.write(blob)
    md5 = hashlib.md5(blob).hexdigest()
    # a plain TCP server that sends the file and closes: the guest's busybox
    # wget crashed under interp in 2 of 3 runs (a segfault, a hang) while nc
    # never did; the network path is the same
    srv = socket.socket()
    srv.bind(('127.0.0.1', 0))
    srv.listen(4)

    def serve():
        while True:
            try:
                c, _ = srv.accept()
            except OSError:
                return
            with c:
                c.sendall(blob)
    threading.Thread(target=serve, daemon=True).start()
    hport = free_port()
    cmd = ';'.join([
        'insmod /lib/modules/e1000.ko',
        'ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up',
        'route add default gw 10.0.2.2',
        'ping -c 1 -W 30 10.0.2.2 >/dev/null && echo KEMU-NET-PING-OK',
        'nc -w 60 10.0.2.2 %d >/tmp/blob' % srv.getsockname()[1],
        'echo KEMU-NET-MD5: $(md5sum /tmp/blob)',
        'echo KEMU-NET-LISTEN',
        'echo KEMU-HOSTFWD-HELLO | nc -l -p 8080']).replace(' ', '+')
    g = Guest([emu] + accel + ['-nodefaults', '-display', 'none', '-serial', 'stdio', '-m', '256',
                               '-kernel', kernels[-1], '-initrd', initrd,
                               '-append', 'console=ttyS0 quiet panic=-1 kemu.cmd=' + cmd,
                               '-netdev', 'user,id=n0,hostfwd=tcp:127.0.0.1:%d-:8080' % hport,
                               '-device', 'e1000,netdev=n0',
                               '-object', 'filter-dump,id=f0,netdev=n0,file=' +
                               os.path.join(WORK, 'linux.%s.pcap' % acc)],
              os.path.join(LOGS, 'net-linux.%s.log' % acc))
    dl = 1500 * SCALE	# a loaded 2-core host took 770 s; a quiet one about 150 s
    # at the start of a line: /init echoes the whole command first
    ok, err = wait_for(lambda: re.search(r'^KEMU-NET-LISTEN', g.text(), re.M), dl, [g])
    m = re.search(r'^KEMU-NET-MD5: ([0-9a-f]{32})', g.text(), re.M)
    got = {'greeting': None}

    def hostfwd_read():
        # slirp accepts on the host at once and resets if the guest is not listening yet
        t0 = time.monotonic()
        while time.monotonic() - t0 < 120 * SCALE:
            try:
                with socket.create_connection(('127.0.0.1', hport), timeout=10) as c:
                    data = c.recv(100)
                    if data:
                        got['greeting'] = data.decode(errors='replace')
                        return
            except OSError:
                pass
            time.sleep(1)
    if ok:
        hostfwd_read()
    secs = time.monotonic() - g.t0
    g.stop()
    srv.close()
    if not ok:
        report_both('FAIL', ': ' + err)
        return
    if m and m.group(1) == md5:
        report_both('PASS', ' (%.2fs, 1 MiB, md5 matches)' % secs, which='download')
    else:
        report_both('FAIL', ': md5 %s, expected %s' % (m.group(1) if m else 'missing', md5),
                    which='download')
    if re.search(r'^KEMU-NET-PING-OK', g.text(), re.M):
        report_both('PASS', ' (%.2fs)' % secs, which='ping')
    else:
        report_both('FAIL', ': no echo reply from 10.0.2.2', which='ping')
    if got['greeting'] and 'KEMU-HOSTFWD-HELLO' in got['greeting']:
        report_both('PASS', ' (%.2fs)' % secs, which='hostfwd')
    else:
        report_both('FAIL', ': read %r through hostfwd' % got['greeting'], which='hostfwd')


def tap_case(emu, accel, acc, why, base, dl):
    tag = 'tap [%s]' % acc
    if why:
        report('SKIP', tag, ': ' + why)
        return
    ifname = 'kemutap%d' % (os.getpid() % 10000)
    ifup = os.path.join(WORK, 'ifup.sh')
    mark = os.path.join(WORK, 'ifup.%s.done' % acc)
    with open(ifup, 'w') as f:
        f.write('#!/bin/sh\nip link set "$1" up && echo "$1" > %s\n' % mark)
    os.chmod(ifup, 0o755)
    for stale in (mark,):
        if os.path.exists(stale):
            os.unlink(stale)
    pcap = os.path.join(WORK, 'tap.%s.pcap' % acc)
    if os.path.exists(pcap):
        os.unlink(pcap)
    g = Guest([emu] + accel + base +
              ['-netdev', 'tap,id=n0,ifname=%s,script=%s,downscript=no' % (ifname, ifup),
               '-device', 'e1000,netdev=n0,mac=' + MAC_A,
               '-object', 'filter-dump,id=f0,netdev=n0,file=' + pcap],
              os.path.join(LOGS, 'net-tap.%s.log' % acc))
    ok, err = wait_for(lambda: os.path.exists(mark), 20, [g])
    if not ok:
        g.stop()
        text = g.text()
        if re.search(r'could not (open|configure) /dev/net/tun', text):
            report('SKIP', tag, ': ' + text.strip().split('\n')[-1])
        else:
            report('FAIL', tag, ': the ifup script did not run: ' + err)
        return
    seen = {'dhcp': False}
    try:
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
        sock.bind((ifname, 0))
        sock.settimeout(0.2)
    except OSError as e:
        g.stop()
        report('SKIP', tag, ': AF_PACKET on %s: %s' % (ifname, e))
        return
    mac_a = bytes(int(x, 16) for x in MAC_A.split(':'))
    probe = b'\xff' * 6 + b'\x02\x00\x00\xaa\xbb\xcc' + b'\x88\xb5' + b'KEMU-TAP-PROBE'.ljust(46, b'\0')

    def host_side():
        # the VM's DHCP discover reaches the host interface (kemu writes to tap);
        # the probe sent here reaches the NIC side (kemu reads from tap)
        try:
            while True:
                frame = sock.recv(2048)
                if frame[6:12] == mac_a and b'\x63\x82\x53\x63' in frame:	# DHCP magic
                    seen['dhcp'] = True
                if seen['dhcp']:
                    sock.send(probe)
                    return True
        except socket.timeout:
            return False
    ok, err = wait_for(lambda: host_side() and b'KEMU-TAP-PROBE' in open(pcap, 'rb').read(),
                       dl, [g])
    secs = time.monotonic() - g.t0
    sock.close()
    g.stop()
    report('PASS' if ok else 'FAIL', tag, ' (%.2fs)' % secs if ok else
           ': %s (DHCP discover seen on %s: %s)' % (err, ifname, seen['dhcp']))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--emulator', default=os.environ.get('KEMU', os.path.join(ROOT, 'build', 'kemu')),
                    help='kemu binary, or "qemu" for Debian\'s qemu-system-x86_64')
    ap.add_argument('--accel', action='append', help='interp and/or kvm (default: both)')
    ap.add_argument('patterns', nargs='*', help='case name globs')
    a = ap.parse_args()
    qemu = a.emulator == 'qemu'
    emu = shutil.which('qemu-system-x86_64') if qemu else a.emulator
    os.makedirs(WORK, exist_ok=True)
    os.makedirs(LOGS, exist_ok=True)
    kvm_ok, kvm_why, pvm = kvm_status()
    print('# %s; kvm: %s%s' % (emu, 'yes' if kvm_ok else 'no (%s)' % kvm_why,
                               ', PVM' if pvm else ''), flush=True)

    tftp = os.path.join(WORK, 'tftp')
    os.makedirs(tftp, exist_ok=True)
    with open(os.path.join(tftp, 'boot.ipxe'), 'w') as f:
        f.write('#!ipxe\necho KEMU-NET: ip=${net0/ip} gw=${net0/gateway} dns=${dns}\n')
    sercon = os.path.join(WORK, 'sercon-port.bin')
    with open(sercon, 'wb') as f:
        f.write((0x3f8).to_bytes(2, 'little'))	# SeaBIOS reads etc/sercon-port as an integer
    base = ['-nodefaults', '-display', 'none', '-serial', 'stdio', '-m', '128',
            '-fw_cfg', 'name=etc/sercon-port,file=' + sercon]
    missing = ((not os.path.exists(ROM) and ROM + ' missing (Debian package ipxe-qemu)') or
               (not shutil.which('tcpdump') and 'tcpdump missing (Debian package tcpdump)'))

    def selected(name):
        return not a.patterns or any(fnmatch.fnmatch(name, p) for p in a.patterns)

    for acc in a.accel or ['interp', 'kvm']:
        why = missing
        if not why and acc == 'kvm' and not kvm_ok:
            why = 'no usable KVM: ' + kvm_why
        if not why and acc == 'kvm' and pvm:
            why = PVM_IPXE
        accel = ['-accel', 'tcg' if qemu and acc == 'interp' else acc]
        dl = (120 if acc == 'interp' else 600) * SCALE

        # ---- iPXE over user networking, captured ----
        if selected('ipxe-e1000') or selected('pcap-dhcp'):
            pcap = os.path.join(WORK, 'dhcp.%s.pcap' % acc)
            if why:
                report('SKIP', 'ipxe-e1000 [%s]' % acc, ': ' + why)
                report('SKIP', 'pcap-dhcp [%s]' % acc, ': ' + why)
            else:
                if os.path.exists(pcap):
                    os.unlink(pcap)
                g = Guest([emu] + accel + base +
                          ['-netdev', 'user,id=n0,tftp=%s,bootfile=boot.ipxe' % tftp,
                           '-device', 'e1000,netdev=n0,mac=' + MAC_A,
                           '-object', 'filter-dump,id=f0,netdev=n0,file=' + pcap],
                          os.path.join(LOGS, 'net-ipxe-e1000.%s.log' % acc))
                marker = r'KEMU-NET: ip=10\.0\.2\.15 gw=10\.0\.2\.2 dns=10\.0\.2\.3'
                ok, err = wait_for(lambda: re.search(marker, g.text()), dl, [g])
                secs = time.monotonic() - g.t0
                g.stop()
                if ok and not re.search(r'tftp://10\.0\.2\.2/boot\.ipxe\.\.\. ok', g.text()):
                    ok, err = False, 'no "tftp://10.0.2.2/boot.ipxe... ok" line'
                report('PASS' if ok else 'FAIL', 'ipxe-e1000 [%s]' % acc,
                       ' (%.2fs)' % secs if ok else ': ' + err)
                r = subprocess.run(['tcpdump', '-n', '-e', '-r', pcap], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT)
                dump = r.stdout.decode(errors='replace')
                with open(os.path.join(LOGS, 'net-pcap-dhcp.%s.log' % acc), 'w') as f:
                    f.write(dump)
                need = [r'link-type EN10MB',
                        r'BOOTP/DHCP, Request from ' + MAC_A,
                        r'10\.0\.2\.2\.67 > 255\.255\.255\.255\.68: BOOTP/DHCP, Reply',
                        r'RRQ "boot\.ipxe"']
                lost = [n for n in need if not re.search(n, dump)]
                if r.returncode or lost:
                    report('FAIL', 'pcap-dhcp [%s]' % acc, ': tcpdump status %d, missing %s'
                           % (r.returncode, lost))
                else:
                    report('PASS', 'pcap-dhcp [%s]' % acc,
                           ' (%d frames)' % dump.count(' > '))

        # ---- -boot n: the network before a disk ----
        if selected('boot-n'):
            if why:
                report('SKIP', 'boot-n [%s]' % acc, ': ' + why)
            else:
                empty = os.path.join(WORK, 'empty-disk.img')
                with open(empty, 'wb') as f:
                    f.truncate(1 << 20)
                g = Guest([emu] + accel + base +
                          ['-drive', 'file=%s,if=virtio,format=raw,snapshot=on' % empty,
                           '-boot', 'n',
                           '-netdev', 'user,id=n0,tftp=%s,bootfile=boot.ipxe' % tftp,
                           '-device', 'e1000,netdev=n0,mac=' + MAC_A],
                          os.path.join(LOGS, 'net-boot-n.%s.log' % acc))
                ok, err = wait_for(lambda: re.search(r'KEMU-NET: ip=10\.0\.2\.15', g.text()), dl, [g])
                secs = time.monotonic() - g.t0
                g.stop()
                order = re.findall(r'Booting from (ROM|Hard Disk)', g.text())
                if ok and order[:1] != ['ROM']:
                    ok, err = False, 'boot order on serial: %s' % order
                report('PASS' if ok else 'FAIL', 'boot-n [%s]' % acc,
                       ' (%.2fs)' % secs if ok else ': ' + err)

        # ---- the same through virtio-net ----
        if selected('ipxe-virtio'):
            vwhy = why or (not os.path.exists(VIRTIO_ROM) and VIRTIO_ROM + ' missing (ipxe-qemu)')
            if vwhy:
                report('SKIP', 'ipxe-virtio [%s]' % acc, ': ' + vwhy)
            else:
                g = Guest([emu] + accel + base +
                          ['-netdev', 'user,id=n0,tftp=%s,bootfile=boot.ipxe' % tftp,
                           '-device', 'virtio-net-pci,netdev=n0,mac=' + MAC_B],
                          os.path.join(LOGS, 'net-ipxe-virtio.%s.log' % acc))
                marker = r'KEMU-NET: ip=10\.0\.2\.15 gw=10\.0\.2\.2 dns=10\.0\.2\.3'
                ok, err = wait_for(lambda: re.search(marker, g.text()), dl, [g])
                secs = time.monotonic() - g.t0
                g.stop()
                if ok and not re.search(MAC_B + r' using virtio-net', g.text()):
                    ok, err = False, 'iPXE did not name the NIC "%s using virtio-net"' % MAC_B
                report('PASS' if ok else 'FAIL', 'ipxe-virtio [%s]' % acc,
                       ' (%.2fs)' % secs if ok else ': ' + err)

        # ---- Linux: download through slirp, hostfwd ----
        if selected('linux-download') or selected('linux-hostfwd') or selected('linux-ping'):
            def report_both(kind, msg, which=None):
                for n in ('download', 'hostfwd', 'ping'):
                    if (which is None or which == n) and selected('linux-' + n):
                        report(kind, 'linux-%s [%s]' % (n, acc), msg)
            lwhy = missing
            if not lwhy and acc == 'kvm' and not kvm_ok:
                lwhy = 'no usable KVM: ' + kvm_why
            if not lwhy and acc == 'kvm' and pvm:
                lwhy = PVM_LINUX
            linux_net(emu, accel, acc, lwhy, report_both)

        # ---- tap ----
        if selected('tap'):
            tap_case(emu, accel, acc, why, base, dl)

        # ---- two VMs on one LAN ----
        for name in ('lan-socket', 'lan-stream', 'lan-dgram'):
            if not selected(name):
                continue
            tag = '%s [%s]' % (name, acc)
            if why:
                report('SKIP', tag, ': ' + why)
                continue
            p1, p2 = free_port(), free_port()
            path = os.path.join(WORK, 'lan.%s.sock' % acc)
            if name == 'lan-socket':
                nd = ['socket,id=n0,listen=127.0.0.1:%d' % p1,
                      'socket,id=n0,connect=127.0.0.1:%d' % p1]
                ready = lambda: tcp_listening(p1)
            elif name == 'lan-stream':
                if os.path.exists(path):
                    os.unlink(path)
                nd = ['stream,id=n0,server=on,addr.type=unix,addr.path=' + path,
                      'stream,id=n0,server=off,addr.type=unix,addr.path=' + path]
                ready = lambda: os.path.exists(path)
            else:
                nd = ['dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port=%d,'
                      'remote.type=inet,remote.host=127.0.0.1,remote.port=%d' % (p1, p2),
                      'dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port=%d,'
                      'remote.type=inet,remote.host=127.0.0.1,remote.port=%d' % (p2, p1)]
                ready = lambda: True
            pcaps = [os.path.join(WORK, '%s.%s.%d.pcap' % (name, acc, i)) for i in (0, 1)]
            for pc in pcaps:	# a capture from an earlier run must not pass this one
                if os.path.exists(pc):
                    os.unlink(pc)
            guests = []
            for i, (mac, n) in enumerate(((MAC_A, nd[0]), (MAC_B, nd[1]))):
                if i == 1:
                    ok, err = wait_for(ready, 20, guests)
                    if not ok:
                        break
                guests.append(Guest([emu] + accel + base +
                                    ['-netdev', n, '-device', 'e1000,netdev=n0,mac=' + mac,
                                     '-object', 'filter-dump,id=f0,netdev=n0,file=' + pcaps[i]],
                                    os.path.join(LOGS, 'net-%s.%s.%d.log' % (name, acc, i))))
            if len(guests) == 2:
                ok, err = wait_for(lambda: MAC_A in pcap_sources(pcaps[1]) and
                                   MAC_B in pcap_sources(pcaps[0]), dl, guests)
            secs = time.monotonic() - guests[0].t0 if guests else 0
            for g in guests:
                g.stop()
            report('PASS' if ok else 'FAIL', tag, ' (%.2fs)' % secs if ok else ': ' + err)

    print('%d passed, %d failed, %d skipped' % (RESULTS['PASS'], RESULTS['FAIL'],
                                                RESULTS['SKIP']), flush=True)
    return 1 if RESULTS['FAIL'] else 0


if __name__ == '__main__':
    sys.exit(main())

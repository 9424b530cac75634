#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Boot order, the SeaBIOS boot menu, send-key into GRUB, CD-ROM eject/change.

    tests/functional/test-boot.py                   # kemu: $KEMU or build/kemu
    tests/functional/test-boot.py --emulator qemu   # the same command lines on Debian's QEMU
    tests/functional/test-boot.py --accel interp 'order-*'

A 4 MiB disk built here boots a sector that prints DISK-BOOT on COM1 and
leaves through isa-debug-exit (status 33); the CD is Debian's GRUB rescue
ISO (package grub-rescue-pc), asserted on the VGA text screen.

  order-default    -hda disk -cdrom grub: QEMU's default order "cad" boots the disk
  order-d          ... -boot d: GRUB's menu
  once-d           ... -boot once=d: GRUB first, the disk after system_reset
  bootindex-cd     -device ide-cd,bootindex=1 / ide-hd,bootindex=2: GRUB
  bootindex-hd     the same with the indexes swapped: the disk
  boot-menu        -boot menu=on,splash-time=: "Press ESC for boot menu", Esc,
                   SeaBIOS's list, then 3 (the CD) boots GRUB
  grub-sendkey     GRUB's menu, send-key c: the "grub>" command line; HMP
                   sendkey types "echo kemu42" and GRUB prints kemu42
  cd-eject-change  QMP eject: DEVICE_TRAY_MOVED and query-block without a
                   medium; blockdev-change-medium: the medium is back

Each under interp (QEMU: tcg) and under KVM where /dev/kvm opens. On a PVM
host KVM runs GRUB's real-mode start through the host's instruction
emulator (about 30 s to the menu for QEMU): the GRUB cases SKIP there, the
disk-only ones run.
"""
import argparse
import fnmatch
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kemutest import (LOGS, PVM, ROOT, WORK, Failure, Machine, Results, build_boot_sector,  # noqa: E402
                      check, kvm_status)

GRUB_CD = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso'
GRUB_MENU = 'GNU GRUB  version'

BOOT_SECTOR_S = r'''
	.code16
	.globl _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	mov $msg, %si
1:	lodsb
	test %al, %al
	jz 2f
	mov $0x3f8, %dx
	out %al, %dx
	jmp 1b
2:	mov $0x10, %al
	out %al, $0xf4		/* isa-debug-exit: status (0x10 << 1) | 1 = 33 */
3:	hlt
	jmp 3b
msg:	.asciz "DISK-BOOT\r\n"
	.org 510
	.byte 0x55, 0xaa
'''


def build_disk():
    path = os.path.join(WORK, 'boot-order-disk.img')
    sect = build_boot_sector(BOOT_SECTOR_S, 'boot-order-bootsect')
    with open(path, 'wb') as f:
        f.write(sect + bytes(4 * 1024 * 1024 - 512))
    return path


def base_args(accel, emulator):
    a = ['-accel', accel if emulator == 'kemu' or accel != 'interp' else 'tcg',
         '-m', '64', '-display', 'none', '-device', 'isa-debug-exit,iobase=0xf4,iosize=4',
         '-no-reboot']
    return a


def disk_drive(disk, extra=''):
    return ['-drive', 'file=%s,format=raw,if=ide,index=0%s' % (disk, extra)]


def keys(text):
    names = {' ': 'spc', '-': 'minus', '.': 'dot'}
    return [{'type': 'qcode', 'data': names.get(c, c)} for c in text]


# Each case: (name, needs_grub, function(machine_factory, disk))
def case_order_default(run, disk):
    m = run(disk_drive(disk) + ['-cdrom', GRUB_CD])
    m.wait_serial('DISK-BOOT', 60)
    check(m.wait_exit(30) == 33, 'exit status %s' % m.p.returncode)


def case_order_d(run, disk):
    m = run(disk_drive(disk) + ['-cdrom', GRUB_CD, '-boot', 'd'])
    m.wait_screen(GRUB_MENU, 120)
    check('DISK-BOOT' not in m.serial(), 'the disk booted although -boot d')


def case_once_d(run, disk):
    # -no-reboot would end the VM at the reset: this case allows reboots
    m = run(disk_drive(disk) + ['-cdrom', GRUB_CD, '-boot', 'once=d'], no_reboot=False)
    m.wait_screen(GRUB_MENU, 120)
    check('DISK-BOOT' not in m.serial(), 'the disk booted on the once=d boot')
    m.qmp.cmd('system_reset')
    m.wait_serial('DISK-BOOT', 60)


def bootindex_args(disk, cd_index, hd_index):
    return ['-drive', 'if=none,id=cd,media=cdrom,file=%s' % GRUB_CD,
            '-device', 'ide-cd,drive=cd,bus=ide.1,unit=0,bootindex=%d' % cd_index,
            '-drive', 'if=none,id=hd,format=raw,file=%s' % disk,
            '-device', 'ide-hd,drive=hd,bus=ide.0,unit=0,bootindex=%d' % hd_index]


def case_bootindex_cd(run, disk):
    m = run(bootindex_args(disk, 1, 2))
    m.wait_screen(GRUB_MENU, 120)
    check('DISK-BOOT' not in m.serial(), 'the disk booted although the CD has bootindex 1')


def case_bootindex_hd(run, disk):
    m = run(bootindex_args(disk, 2, 1))
    m.wait_serial('DISK-BOOT', 60)


def case_boot_menu(run, disk):
    m = run(disk_drive(disk) + ['-cdrom', GRUB_CD, '-boot', 'menu=on,splash-time=30000'])
    m.wait_screen('Press ESC for boot menu', 60)
    m.qmp.cmd('send-key', {'keys': [{'type': 'qcode', 'data': 'esc'}]})
    screen = m.wait_screen('Select boot device', 30)
    check('DVD/CD' in screen, 'no DVD/CD entry in the menu:\n' + screen)
    # pick the CD by the number SeaBIOS gave it
    line = [ln for ln in screen.splitlines() if 'DVD/CD' in ln][0].strip()
    m.qmp.cmd('send-key', {'keys': [{'type': 'qcode', 'data': line[0]}]})
    m.wait_screen(GRUB_MENU, 120)
    check('DISK-BOOT' not in m.serial(), 'the disk booted although the menu chose the CD')


def case_grub_sendkey(run, disk):
    m = run(['-cdrom', GRUB_CD, '-monitor', 'none'])
    m.wait_screen(GRUB_MENU, 120)
    m.qmp.cmd('send-key', {'keys': [{'type': 'qcode', 'data': 'c'}]})
    m.wait_screen('grub>', 30)
    for k in keys('echo kemu42'):
        m.qmp.cmd('human-monitor-command', {'command-line': 'sendkey %s' % k['data']})
    m.qmp.cmd('human-monitor-command', {'command-line': 'sendkey ret'})
    screen = m.wait_screen('\nkemu42', 30)
    check('grub> echo kemu42' in screen, 'the typed line is not on the screen:\n' + screen)


def case_cd_eject_change(run, disk):
    m = run(disk_drive(disk) + ['-cdrom', GRUB_CD], exit_device=False)
    m.wait_serial('DISK-BOOT', 60)
    blocks = {b['device']: b for b in m.qmp.cmd('query-block')}
    check(blocks['ide1-cd0']['inserted']['file'] == GRUB_CD, 'no CD at start: %s' % blocks)
    m.qmp.cmd('eject', {'device': 'ide1-cd0'})
    ev = m.qmp.wait_event('DEVICE_TRAY_MOVED')
    check(ev['data']['device'] == 'ide1-cd0' and ev['data']['tray-open'] is True, str(ev))
    cd = {b['device']: b for b in m.qmp.cmd('query-block')}['ide1-cd0']
    check('inserted' not in cd and cd['tray_open'] is True, 'after eject: %s' % cd)
    m.qmp.cmd('blockdev-change-medium', {'device': 'ide1-cd0', 'filename': GRUB_CD,
                                         'format': 'raw'})
    ev = m.qmp.wait_event('DEVICE_TRAY_MOVED')
    check(ev['data']['tray-open'] is False, str(ev))
    cd = {b['device']: b for b in m.qmp.cmd('query-block')}['ide1-cd0']
    check(cd['inserted']['file'] == GRUB_CD and cd['tray_open'] is False, 'after change: %s' % cd)
    r = m.qmp.raw('eject', {'device': 'ide0-hd0'})
    check(r.get('error', {}).get('desc') == "Device 'ide0-hd0' is not removable", str(r))


CASES = [
    ('order-default', False, case_order_default),
    ('order-d', True, case_order_d),
    ('once-d', True, case_once_d),
    ('bootindex-cd', True, case_bootindex_cd),
    ('bootindex-hd', False, case_bootindex_hd),
    ('boot-menu', True, case_boot_menu),
    ('grub-sendkey', True, case_grub_sendkey),
    ('cd-eject-change', False, case_cd_eject_change),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--emulator', default='kemu', choices=['kemu', 'qemu'])
    ap.add_argument('--kemu', default=os.environ.get('KEMU', os.path.join(ROOT, 'build', 'kemu')))
    ap.add_argument('--accel', action='append', choices=['interp', 'kvm'])
    ap.add_argument('patterns', nargs='*')
    opts = ap.parse_args()
    res = Results()
    binary = opts.kemu if opts.emulator == 'kemu' else shutil.which('qemu-system-x86_64')
    if not binary or not os.access(binary, os.X_OK):
        res.report('SKIP', 'boot', 'no %s binary' % opts.emulator)
        return res.summary()
    grub_why = None if os.path.exists(GRUB_CD) else 'no %s (install grub-rescue-pc)' % GRUB_CD
    try:
        disk = build_disk()
    except Failure as e:
        res.report('FAIL', 'boot-disk', str(e))
        return res.summary()
    kvm_ok, kvm_why = kvm_status()
    for accel in opts.accel or ['interp', 'kvm']:
        for name, needs_grub, fn in CASES:
            tag = '%s [%s]' % (name, accel)
            if opts.patterns and not any(fnmatch.fnmatch(name, p) for p in opts.patterns):
                continue
            if accel == 'kvm' and not kvm_ok:
                res.report('SKIP', tag, kvm_why)
                continue
            if needs_grub and grub_why:
                res.report('SKIP', tag, grub_why)
                continue
            if needs_grub and accel == 'kvm' and PVM and opts.emulator == 'kemu':
                res.report('SKIP', tag, 'KVM here is PVM (/sys/module/kvm_pvm): GRUB\'s real-mode '
                           'start runs through the host kernel\'s instruction emulator, about '
                           '30 s to the menu for QEMU on this host (test-disk-boot.py measures it)')
                continue
            machines = []

            def run(args, no_reboot=True, exit_device=True):
                a = base_args(accel, opts.emulator)
                if not no_reboot:
                    a.remove('-no-reboot')
                if not exit_device:
                    a = a[:a.index('-device')] + a[a.index('-device') + 2:]
                m = Machine(binary, a + args,
                            os.path.join(LOGS, 'boot-%s.%s.log' % (name, accel)))
                machines.append(m)
                return m
            try:
                fn(run, disk)
                res.report('PASS', tag)
            except Failure as e:
                res.report('FAIL', tag, str(e))
            finally:
                for m in machines:
                    m.close()
    return res.summary()


if __name__ == '__main__':
    sys.exit(main())

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Option ROMs built from kemu's own sources (pc-bios/optionrom/), linked into
 * kemu as byte arrays generated at build time by signrom: each is padded to
 * 512 bytes, starts 0x55 0xaa with its size in 512-byte blocks, and sums to
 * zero. The board hands them to SeaBIOS as fw_cfg files "genroms/NAME.bin":
 *
 *	fw_cfg_add_file(fw, "genroms/linuxboot.bin", optionrom_linuxboot,
 *			optionrom_linuxboot_size);
 *
 * linuxboot: boots the Linux-protocol kernel in FW_CFG_SETUP_ / KERNEL_ /
 * CMDLINE_ / INITRD_* from its boot entry vector (linuxboot.S).
 */
#ifndef PC_BIOS_OPTIONROM_OPTIONROMS_H
#define PC_BIOS_OPTIONROM_OPTIONROMS_H

extern const unsigned char optionrom_linuxboot[];
extern const unsigned int optionrom_linuxboot_size;

#endif

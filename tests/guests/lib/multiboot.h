/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Multiboot v1 information structure (Multiboot Specification 0.6.96, section 3.3). */
#ifndef GUEST_MULTIBOOT_H
#define GUEST_MULTIBOOT_H
#include <stdint.h>

#define MULTIBOOT_BOOTLOADER_MAGIC	0x2BADB002
#define MULTIBOOT_INFO_MEMORY		0x001
#define MULTIBOOT_INFO_CMDLINE		0x004
#define MULTIBOOT_INFO_MEM_MAP		0x040

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
} __attribute__((packed));

struct multiboot_mmap_entry {
	uint32_t size;			/* of the rest of the entry */
	uint64_t addr, len;
	uint32_t type;			/* 1 = RAM */
} __attribute__((packed));

extern struct multiboot_info *mb_info;
extern uint32_t mb_magic;

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Real-mode part of the bzImage-style guest (Linux Documentation/arch/x86/
 * boot.rst, protocol 2.15): the setup header at 0x1f1 and, at 0x200, setup
 * code that a BIOS-based loader (QEMU's linuxboot option ROM, GRUB) enters
 * at setup_seg+0x20:0. Like Linux's setup it builds boot_params (zero page,
 * here at 0x7000) from the header, fills its E820 table with INT 15h/E820,
 * enters protected mode and jumps to code32_start with ESI = boot_params.
 * Loaders that use the 64-bit protocol never run this; they build
 * boot_params themselves and enter at 0x100200.
 */
#define BP_SEG		0x700		/* boot_params at linear 0x7000 */
#define SMAP		0x534d4150

	.code16
	.text
	.globl _setup
_setup:
	.org 0x1f1
	.byte 1				/* setup_sects: 1 + boot sector = 1024 bytes */
	.word 0				/* root_flags */
	.long 0x1000			/* syssize: 64 KiB in 16-byte units */
	.word 0				/* ram_size */
	.word 0xffff			/* vid_mode: normal */
	.word 0				/* root_dev */
	.word 0xaa55			/* boot_flag */
	.byte 0xeb, start_of_setup - 0x202	/* 0x200: jmp short */
	.ascii "HdrS"			/* 0x202 */
	.word 0x020f			/* 0x206 protocol 2.15 */
	.long 0				/* 0x208 realmode_swtch */
	.word 0x1000			/* 0x20c start_sys_seg */
	.word kernel_version - 0x200	/* 0x20e */
	.byte 0				/* 0x210 type_of_loader */
	.byte 0x01			/* 0x211 loadflags: LOADED_HIGH */
	.word 0				/* 0x212 setup_move_size */
	.long 0x100000			/* 0x214 code32_start */
	.long 0				/* 0x218 ramdisk_image */
	.long 0				/* 0x21c ramdisk_size */
	.long 0				/* 0x220 bootsect_kludge */
	.word 0				/* 0x224 heap_end_ptr */
	.byte 0				/* 0x226 ext_loader_ver */
	.byte 0				/* 0x227 ext_loader_type */
	.long 0				/* 0x228 cmd_line_ptr */
	.long 0x7fffffff		/* 0x22c initrd_addr_max */
	.long 0x200000			/* 0x230 kernel_alignment */
	.byte 0				/* 0x234 relocatable_kernel */
	.byte 0				/* 0x235 min_alignment */
	.word 0x0001			/* 0x236 xloadflags: XLF_KERNEL_64 */
	.long 255			/* 0x238 cmdline_size */
	.long 0				/* 0x23c hardware_subarch */
	.quad 0				/* 0x240 hardware_subarch_data */
	.long 0				/* 0x248 payload_offset */
	.long 0				/* 0x24c payload_length */
	.quad 0				/* 0x250 setup_data */
	.quad 0x100000			/* 0x258 pref_address */
	.long 0x200000			/* 0x260 init_size */
	.long 0				/* 0x264 handover_offset */
	.long 0				/* 0x268 kernel_info_offset */
hdr_end:

start_of_setup:
	cli
	cld
	movw %cs, %ax
	subw $0x20, %ax			/* entered at setup_seg+0x20:0 */
	movw %ax, %ds
	movw %ax, %ss
	movw $0x8000, %sp
	pushw %ax
	pushw $1f
	lretw				/* CS = setup_seg, offsets = link addresses */
1:
	movw $BP_SEG, %ax
	movw %ax, %es
	xorw %di, %di
	xorw %ax, %ax
	movw $2048, %cx
	rep stosw			/* zero boot_params */
	movw $0x1f1, %si
	movw $0x1f1, %di
	movw $(hdr_end - 0x1f1), %cx
	rep movsb			/* boot_params.hdr = our (loader-updated) header */

	xorl %ebx, %ebx
	movw $0x2d0, %di		/* boot_params.e820_table */
	xorw %bp, %bp
2:	movl $0xe820, %eax
	movl $SMAP, %edx
	movl $20, %ecx
	int $0x15
	jc 3f
	cmpl $SMAP, %eax
	jne 3f
	incw %bp
	addw $20, %di
	cmpw $128, %bp
	jae 3f
	testl %ebx, %ebx
	jnz 2b
3:	movw %bp, %ax
	movb %al, %es:0x1e8		/* boot_params.e820_entries */

	inb $0x92, %al			/* fast A20 */
	orb $0x02, %al
	andb $0xfe, %al
	outb %al, $0x92

	movl 0x214, %eax		/* code32_start, possibly moved by the loader */
	movl %eax, far32
	xorl %eax, %eax
	movw %ds, %ax
	shll $4, %eax
	addl $gdt, %eax
	movl %eax, gdt_desc + 2
	lgdtl gdt_desc
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	movw $0x18, %ax			/* boot protocol: flat __BOOT_DS loaded */
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl $(BP_SEG << 4), %esi
	ljmpl *%cs:far32

	.align 8
gdt:
	.quad 0
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x10 __BOOT_CS */
	.quad 0x00cf92000000ffff	/* 0x18 __BOOT_DS */
gdt_desc:
	.word 31
	.long 0
far32:
	.long 0x100000
	.word 0x10
kernel_version:
	.asciz "kemu-test-bzimage 1.0"
	.org 1024

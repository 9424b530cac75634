/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PVH entry (Xen's arch-x86/hvm/start_info.h, "PVH boot"): the loader finds
 * XEN_ELFNOTE_PHYS32_ENTRY (18) in a PT_NOTE segment and enters at that
 * address in 32-bit protected mode, paging off, EBX = hvm_start_info.
 * No multiboot header here: QEMU tries multiboot before PVH.
 */
	.section .note.Xen, "a"
	.align 4
	.long 4				/* namesz */
	.long 4				/* descsz */
	.long 18			/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.align 4
	.long pvh_start

	.text
	.code32
	.globl pvh_start
pvh_start:
	cli
	cld
	lgdt gdt_desc
	ljmp $0x08, $1f
1:	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %ebx, %esi
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	movl $stack_top, %esp
	pushl %esi
	call pvh_main
2:	cli
	hlt
	jmp 2b

	.data
	.align 16
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff
	.quad 0x00cf92000000ffff
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	.bss
	.align 16
	.space 16384
stack_top:

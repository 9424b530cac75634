/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entry of the boot-tables guest: a multiboot v1 kernel, or (with -DPVH) a
 * PVH ELF with the XEN_ELFNOTE_PHYS32_ENTRY note. Both start in 32-bit flat
 * protected mode without paging; EAX/EBX carry the protocol's magic/info.
 */
	.section .mbheader, "a"
	.align 4
#ifndef PVH
	.long 0x1BADB002		/* multiboot magic */
	.long 0x00000003		/* page-align modules, memory info */
	.long -(0x1BADB002 + 3)
#endif

	.text
	.globl _start
_start:
	cli
	mov $stack_top, %esp
	push %ebx
	push %eax
	call guest_main
1:	hlt
	jmp 1b

	.bss
	.align 16
	.space 16384
stack_top:

#ifdef PVH
	.section .note.Xen, "a", @note
	.align 4
	.long 4				/* namesz */
	.long 4				/* descsz */
	.long 18			/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long _start
#endif
	.section .note.GNU-stack, "", @progbits

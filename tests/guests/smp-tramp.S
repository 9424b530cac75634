/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Application-processor start-up: smp.c copies tramp_start..tramp_end to
 * physical 0x8000 (SIPI vector 0x08). The AP wakes in real mode at
 * 0800:0000, loads the guest's GDT, enters protected mode and runs ap_main()
 * on its own 4 KiB stack (Intel SDM vol. 3A 9.4.4, MP initialization).
 */
#define TRAMP_BASE 0x8000
#define REL(x) ((x) - tramp_start + TRAMP_BASE)

	.text
	.code16
	.globl tramp_start, tramp_end
tramp_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl REL(tramp_gdtr)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $ap_entry32
	.align 4
tramp_gdtr:
	.word 8 * 9 - 1
	.long gdt
tramp_end:

	.code32
ap_entry32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $1, %eax
	lock xaddl %eax, ap_stack_next
	andl $255, %eax
	incl %eax
	shll $12, %eax
	addl $ap_stacks, %eax
	movl %eax, %esp
	call ap_main
1:	cli
	hlt
	jmp 1b

	.bss
	.align 4096
ap_stacks:
	.space 4096 * 256

	.data
	.globl ap_stack_next
ap_stack_next:
	.long 0

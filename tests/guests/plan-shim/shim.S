/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan-shim entry (multiboot v1) and the final jump into the replayed plan. */
	.section .mbheader, "a"
	.align 4
	.long 0x1BADB002
	.long 0x00000003
	.long -(0x1BADB002 + 3)

	.text
	.code32
	.globl _start
_start:
	cli
	mov $stack_top, %esp
	push %ebx
	push %eax
	call shim_main
1:	hlt
	jmp 1b

/* void shim_enter(void): state in shim_regs (rip, rsi, rbx, rax, cr3, mode) */
	.globl shim_enter
shim_enter:
	lgdt gdt_desc
	cmpl $64, shim_mode
	je 2f
	ljmp $0x10, $1f
1:	mov $0x18, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs
	mov shim_rip, %ecx
	mov shim_rsi, %esi
	mov shim_rbx, %ebx
	mov shim_rax, %eax
	xor %edi, %edi
	xor %ebp, %ebp
	jmp *%ecx
2:	mov shim_cr3, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $0x20, %eax			/* PAE */
	mov %eax, %cr4
	mov $0xc0000080, %ecx
	rdmsr
	or $0x100, %eax			/* LME */
	wrmsr
	mov %cr0, %eax
	or $0x80000001, %eax		/* PG | PE */
	mov %eax, %cr0
	ljmp $0x10, $3f
	.code64
3:	mov $0x18, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $shim_rip, %edx		/* 32-bit absolute, zero-extended */
	mov (%rdx), %rcx
	mov $shim_rsi, %edx
	mov (%rdx), %rsi
	mov $shim_rbx, %edx
	mov (%rdx), %rbx
	mov $shim_rax, %edx
	mov (%rdx), %rax
	xor %edx, %edx
	xor %edi, %edi
	xor %ebp, %ebp
	jmp *%rcx
	.code32

	.data
	.align 8
gdt_desc:
	.word 39
	.long 0x500			/* the plan's GDT */
	.globl shim_rip, shim_rsi, shim_rbx, shim_rax, shim_cr3, shim_mode
shim_rip: .quad 0
shim_rsi: .quad 0
shim_rbx: .quad 0
shim_rax: .quad 0
shim_cr3: .quad 0
shim_mode: .long 0

	.bss
	.align 16
	.space 16384
stack_top:
	.section .note.GNU-stack, "", @progbits

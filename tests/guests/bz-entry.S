/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Protected-mode part of the bzImage-style guest, loaded at 0x100000:
 *   +0x000 startup_32: 32-bit boot protocol (ESI = boot_params, flat
 *          __BOOT_CS/__BOOT_DS); builds 4 GiB identity page tables and
 *          enters long mode, then continues at startup_64;
 *   +0x200 startup_64: 64-bit boot protocol (RSI = boot_params, identity
 *          mapping from the loader), as in Linux's head_64.S.
 * entered_via records which entry ran (32 or 64) for the C code to report.
 */
	.section .text.head, "ax"
	.code32
	.globl startup_32
startup_32:
	cli
	cld
	movl %esi, %ebp
	lgdt gdt_desc32
	ljmp $0x10, $1f
1:	movw $0x18, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $32, entered_via

	movl $pdpt, %eax
	orl $3, %eax
	movl %eax, pml4
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $12, %eax
	addl $pd, %eax
	orl $3, %eax
	movl %eax, pdpt(,%ecx,8)
	incl %ecx
	cmpl $4, %ecx
	jne 2b
	xorl %ecx, %ecx
3:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax
	movl %eax, pd(,%ecx,8)
	movl %ecx, %eax
	shrl $11, %eax
	movl %eax, pd+4(,%ecx,8)
	incl %ecx
	cmpl $2048, %ecx
	jne 3b
	movl $pml4, %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $(1 << 5), %eax
	movl %eax, %cr4
	movl $0xc0000080, %ecx
	rdmsr
	orl $(1 << 8), %eax
	wrmsr
	movl %cr0, %eax
	orl $(1 << 31), %eax
	movl %eax, %cr0
	movl %ebp, %esi
	ljmp $0x20, $startup_64

	.org 0x200
	.code64
	.globl startup_64
startup_64:
	cli
	cld
	movq $stack_top, %rsp
	movq %rsi, %r12
	movq $__bss_start, %rdi
	movq $__bss_end, %rcx
	subq %rdi, %rcx
	xorl %eax, %eax
	rep stosb
	movq %r12, %rdi
	call bz_main
4:	cli
	hlt
	jmp 4b

	.data
	.globl entered_via
entered_via:
	.long 64
	.align 16
gdt32:
	.quad 0
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x10 code32 */
	.quad 0x00cf92000000ffff	/* 0x18 data */
	.quad 0x00af9a000000ffff	/* 0x20 code64 */
gdt32_end:
gdt_desc32:
	.word gdt32_end - gdt32 - 1
	.long gdt32

	.section .pgt, "aw", @nobits
	.align 4096
pml4:	.space 4096
pdpt:	.space 4096
pd:	.space 4096 * 4
	.space 16384
stack_top:

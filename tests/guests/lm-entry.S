/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multiboot v1 entry (32-bit) that switches to long mode (Intel SDM vol. 3A
 * 9.8.5): identity-maps 4 GiB with 2 MiB pages (user-accessible, so ring-3
 * code can run anywhere), CR4.PAE, EFER.LME|SCE, CR0.PG, far jump to 64-bit
 * code, 64-bit IDT for exception reports, then lm_main(magic, info).
 * Also the ring-3 round trip used by the syscall test and benchmark:
 * enter_user(iters) runs `iters` syscalls in ring 3 and returns.
 * GDT: 0x08 code32, 0x10 data, 0x18 code64, 0x20 data, 0x28 user code32,
 * 0x30 user data, 0x38 user code64 (STAR layout for SYSCALL/SYSRET).
 */
	.section .multiboot, "a"
	.align 4
	.long 0x1BADB002
	.long 0x00000003
	.long -(0x1BADB002 + 0x00000003)

	.section .text.entry, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl %eax, mb_magic
	movl %ebx, mb_info
	lgdt gdt_desc
	ljmp $0x08, $1f
1:	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	movl $stack_top, %esp

	/* page tables: PML4[0] -> PDPT, PDPT[0..3] -> PD0..3, 2 MiB pages */
	movl $pdpt, %eax
	orl $7, %eax
	movl %eax, pml4
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $12, %eax
	addl $pd, %eax
	orl $7, %eax
	movl %eax, pdpt(,%ecx,8)
	incl %ecx
	cmpl $4, %ecx
	jne 2b
	xorl %ecx, %ecx
3:	movl %ecx, %eax
	shll $21, %eax
	orl $0x87, %eax			/* P RW US PS */
	movl %eax, pd(,%ecx,8)
	movl %ecx, %eax
	shrl $11, %eax			/* bits 32+ of the address */
	movl %eax, pd+4(,%ecx,8)
	incl %ecx
	cmpl $2048, %ecx
	jne 3b

	movl $pml4, %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $(1 << 5), %eax		/* PAE */
	movl %eax, %cr4
	movl $0xc0000080, %ecx		/* EFER */
	rdmsr
	orl $((1 << 8) | (1 << 0)), %eax	/* LME, SCE */
	wrmsr
	movl %cr0, %eax
	orl $(1 << 31), %eax		/* PG */
	movl %eax, %cr0
	ljmp $0x18, $long_entry

	.code64
long_entry:
	movw $0x20, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movq $stack_top, %rsp
	call idt_setup64
	movl mb_magic, %edi
	movl mb_info, %esi
	call lm_main
4:	cli
	hlt
	jmp 4b

	.macro EXC vec
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21)
	.else
	pushq $0
	.endif
	pushq $\vec
	jmp exc_common
	.endm

	.align 16
	.globl exc_stubs
exc_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.align 16
	EXC \v
	.endr
exc_common:
	movq %rsp, %rdi			/* frame: vector, error, rip, cs, rflags, rsp, ss */
	andq $-16, %rsp
	call exc_report64
5:	cli
	hlt
	jmp 5b

/* uint64_t enter_user(uint64_t iters): ring 3 loop of `iters` syscalls */
	.globl enter_user
enter_user:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, kernel_rsp(%rip)
	movq $user_stack_top, %rsp
	leaq user_loop(%rip), %rcx
	movq $0x2, %r11			/* RFLAGS for ring 3: IF clear */
	sysretq

	.globl syscall_entry
syscall_entry:
	cmpl $1, %eax
	je 6f
	incq syscall_count(%rip)
	sysretq
6:	movq kernel_rsp(%rip), %rsp
	movq syscall_count(%rip), %rax
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

	/* ring 3 */
user_loop:
	testq %rdi, %rdi
	jz 8f
7:	xorl %eax, %eax
	syscall
	decq %rdi
	jnz 7b
8:	movl $1, %eax
	syscall
	ud2

	.data
	.globl mb_magic, mb_info, syscall_count
mb_magic: .long 0
mb_info:  .long 0
	.align 8
kernel_rsp: .quad 0
syscall_count: .quad 0

	.align 16
	.globl gdt, gdt_desc
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08 code32 */
	.quad 0x00cf92000000ffff	/* 0x10 data */
	.quad 0x00af9a000000ffff	/* 0x18 code64 */
	.quad 0x00cf92000000ffff	/* 0x20 data */
	.quad 0x00cffa000000ffff	/* 0x28 user code32 */
	.quad 0x00cff2000000ffff	/* 0x30 user data */
	.quad 0x00affa000000ffff	/* 0x38 user code64 */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.quad gdt

	.bss
	.align 4096
pml4:	.space 4096
pdpt:	.space 4096
pd:	.space 4096 * 4
	.space 16384
	.globl stack_top
stack_top:
	.space 8192
user_stack_top:

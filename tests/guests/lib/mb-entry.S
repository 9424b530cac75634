/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multiboot v1 entry for the 32-bit test guests (Multiboot Specification
 * 0.6.96, section 3.2: protected mode, paging off, EAX = magic, EBX = info).
 * Loads our own GDT (the loader's may be gone), clears .bss, installs an IDT
 * whose 32 exception vectors report and fail, and calls mb_main(magic, info).
 * GDT selectors: 0x08 code32, 0x10 data32, 0x18 code16, 0x20 data16, 0x28 code64.
 */
#ifdef MB_AOUT_KLUDGE
/* flat binary: the loader takes addresses from the header (flags bit 16) */
#define MB_FLAGS 0x00010003
#else
#define MB_FLAGS 0x00000003		/* page-align modules, want memory info */
#endif
	.section .multiboot, "a"
	.align 4
mb_header:
	.long 0x1BADB002
	.long MB_FLAGS
	.long -(0x1BADB002 + MB_FLAGS)
#ifdef MB_AOUT_KLUDGE
	.long mb_header			/* header_addr */
	.long mb_header			/* load_addr: the file starts with this header */
	.long __data_end		/* load_end_addr */
	.long __bss_end			/* bss_end_addr */
	.long _start			/* entry_addr */
#endif

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
	call idt_setup
	pushl mb_info
	pushl mb_magic
	call mb_main
2:	cli
	hlt
	jmp 2b

/* exception stubs: push a zero error code where the CPU does not, then the vector */
	.macro EXC vec
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21)
	.else
	pushl $0
	.endif
	pushl $\vec
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
	pushl %esp			/* frame: vector, error, eip, cs, eflags */
	call exc_report
1:	cli
	hlt
	jmp 1b

	.data
	.globl mb_magic, mb_info
mb_magic: .long 0
mb_info:  .long 0

	.align 16
	.globl gdt, gdt_desc
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08 code32 flat */
	.quad 0x00cf92000000ffff	/* 0x10 data32 flat */
	.quad 0x00009a000000ffff	/* 0x18 code16, base 0, 64K */
	.quad 0x000092000000ffff	/* 0x20 data16, base 0, 64K */
	.quad 0x00af9a000000ffff	/* 0x28 code64 */
	.quad 0x00cffa000000ffff	/* 0x30 code32 DPL3 */
	.quad 0x00cff2000000ffff	/* 0x38 data DPL3 */
	.quad 0x00affa000000ffff	/* 0x40 code64 DPL3 */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	.bss
	.align 16
	.globl stack_top
	.space 16384
stack_top:

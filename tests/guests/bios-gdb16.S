/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Real-mode code for gdb's `set architecture i8086`
 * (tests/functional/test-gdbstub.py): from the reset vector, copy a small
 * loop to 0000:7c00 (where a boot sector runs, so linear address = IP and
 * gdb's idea of $pc matches) and jump there. The loop counts BX up to 1000,
 * then isa-debug-exit with 0x2a (status 85). rm_loop is at 0x7c02.
 */
	.code16
	.text
start:
	cld
	xorw %ax, %ax
	movw %ax, %es
	movw $0xf000, %ax
	movw %ax, %ds
	movw $payload, %si
	movw $0x7c00, %di
	movw $(payload_end - payload), %cx
	rep movsb
	ljmp $0, $0x7c00
payload:
	xorw %bx, %bx
rm_loop:
	incw %bx
	cmpw $1000, %bx
	jne rm_loop
	movb $0x2a, %al
	outb %al, $0xf4
	hlt
	jmp . - 1
payload_end:
	.org 0xfff0
	ljmp $0xf000, $start
	.org 0x10000

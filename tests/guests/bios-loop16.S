/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Real-mode integer benchmark firmware: LOOP_ITERS iterations of dec/jnz
 * (2 instructions each) straight from the reset vector, then isa-debug-exit
 * with 0x2a (status 85). No BIOS, no devices: wall time is start-up + loop.
 */
#ifndef LOOP_ITERS
#define LOOP_ITERS 100000000
#endif
	.code16
	.text
start:
	movl $LOOP_ITERS, %ecx
1:	decl %ecx
	jnz 1b
	movb $0x2a, %al
	outb %al, $0xf4
	hlt
	jmp . - 1
	.org 0xfff0
	jmp start
	.org 0x10000

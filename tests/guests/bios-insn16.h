/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Real-mode firmware for the KVM fallback benchmark (bench/run.py
 * --only fallback): LOOP_ITERS iterations of INSN + dec/jnz straight from
 * the reset vector, then isa-debug-exit 0x2a (status 85). Included by
 * bios-fwait16.S (fwait: on a PVM host KVM gives up on it and kemu's
 * interpreter runs it) and bios-nop16.S (nop: KVM's own emulator runs it).
 */
#ifndef LOOP_ITERS
#define LOOP_ITERS 20000
#endif
	.code16
	.text
start:
	movl $LOOP_ITERS, %ecx
1:	INSN
	decl %ecx
	jnz 1b
	movb $0x2a, %al
	outb %al, $0xf4
	hlt
	jmp . - 1
	.org 0xfff0
	jmp start
	.org 0x10000

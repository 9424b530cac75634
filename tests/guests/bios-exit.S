/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Start-up benchmark firmware: the first two instructions at the reset
 * vector write 0x2a to isa-debug-exit, so the emulator exits with status 85
 * (not 1, which is also what a failing emulator returns) after two guest
 * instructions.
 */
	.code16
	.text
	.org 0xfff0
	movb $0x2a, %al
	outb %al, $0xf4
	hlt
	jmp . - 1
	.org 0x10000

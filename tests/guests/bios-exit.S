/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Start-up benchmark firmware: the first instruction at the reset vector
 * writes AL (0 after reset) to isa-debug-exit, so the emulator exits with
 * status 1 having run exactly one guest instruction.
 */
	.code16
	.text
	.org 0xfff0
	outb %al, $0xf4
	hlt
	jmp . - 1
	.org 0x10000

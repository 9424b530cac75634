/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 32-bit benchmark loops (cdecl). bench_mixed: 12 instructions per
 * iteration: loads, stores, push/pop, call/ret, imul, ALU, dec/jnz.
 * bench_copy: `rep movsd` of 1 MiB from 2 MiB to 4 MiB per iteration.
 */
	.text
	.code32
	.globl bench_mixed, bench_copy
bench_mixed:
	pushl %ebx
	pushl %esi
	pushl %edi
	pushl %ebp
	movl 20(%esp), %ecx
	movl $bench_buf, %esi
	testl %ecx, %ecx
	jz 2f
1:	movl (%esi), %eax
	addl $3, %eax
	movl %eax, 4(%esi)
	pushl %eax
	call leaf
	popl %ebx
	xorl %ebx, %eax
	decl %ecx
	jnz 1b
2:	movl 8(%esi), %eax
	popl %ebp
	popl %edi
	popl %esi
	popl %ebx
	ret
leaf:
	imull $7, %eax, %edx
	addl %edx, 8(%esi)
	ret

bench_copy:
	pushl %esi
	pushl %edi
	movl 12(%esp), %edx
	testl %edx, %edx
	jz 2f
1:	movl $0x200000, %esi
	movl $0x400000, %edi
	movl $(0x100000 / 4), %ecx
	rep movsl
	decl %edx
	jnz 1b
2:	popl %edi
	popl %esi
	ret

	.data
	.align 16
bench_buf:
	.long 1, 2, 3, 4

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kemu's Linux loader option ROM: boots a Linux-boot-protocol kernel that
 * needs the BIOS (syslinux memdisk, iPXE .lkrn, or any bzImage with
 * -machine kernel-boot=firmware) through SeaBIOS.
 *
 * The board hands the kernel over in fw_cfg the way QEMU does for its
 * linuxboot ROM (hw/i386/pc-fw-tables.c, pc_fw_cfg_add_linux_kernel):
 * FW_CFG_SETUP_{ADDR,SIZE,DATA} hold the real-mode part with its header
 * already patched (type_of_loader, heap_end_ptr, cmd_line_ptr, ramdisk),
 * FW_CFG_KERNEL_* the protected-mode part for 0x100000, FW_CFG_CMDLINE_*
 * and FW_CFG_INITRD_*. SeaBIOS copies every "genroms/" file into the option
 * ROM area and calls its init entry (offset 3); this ROM does nothing there
 * and registers a boot entry vector (BEV) in a PnP expansion header (PnP BIOS
 * spec 1.0a, section 3.3; BIOS Boot Specification 1.01, section 3), which
 * SeaBIOS runs when it reaches that entry of its boot order (the board lists
 * it first in "bootorder").
 *
 * The BEV loads everything with fw_cfg DMA (QEMU docs/specs/fw_cfg.rst):
 * a descriptor on the stack, its physical address written big-endian to
 * 0x514 (high) and 0x518 (low); the device writes the blob straight to any
 * 32-bit physical address, so no protected mode or INT 15h AH=87h copy is
 * needed for the kernel at 1 MiB. The initrd goes below the top of RAM that
 * INT 15h AX=E801h reports (SeaBIOS keeps its tables above that) and below
 * initrd_addr_max; its final address is written back to ramdisk_image. Then
 * it jumps to the real-mode setup as a BIOS boot loader does (Linux
 * Documentation/x86/boot.rst, "Running the kernel"): DS=ES=FS=GS=SS=setup
 * segment, SP just below the command line, CS:IP = (segment + 0x20):0.
 *
 * It is not a port-I/O loader: a fw_cfg without DMA makes the BEV print a
 * message and return to the BIOS, which then tries its next boot device, as
 * it does after any error here.
 *
 * Built by meson (pc-bios/optionrom/meson.build): gcc -m32 assembles it,
 * ld links it at 0, objcopy makes it flat, signrom pads it to 512 bytes,
 * stores the size and the PnP and ROM checksums.
 */

#define FW_CFG_PORT_SEL		0x510
#define FW_CFG_PORT_DATA	0x511
#define FW_CFG_PORT_DMA_HIGH	0x514
#define FW_CFG_PORT_DMA_LOW	0x518

#define FW_CFG_ID		0x01
#define FW_CFG_KERNEL_ADDR	0x07
#define FW_CFG_KERNEL_SIZE	0x08
#define FW_CFG_INITRD_ADDR	0x0a
#define FW_CFG_INITRD_SIZE	0x0b
#define FW_CFG_KERNEL_DATA	0x11
#define FW_CFG_INITRD_DATA	0x12
#define FW_CFG_CMDLINE_ADDR	0x13
#define FW_CFG_CMDLINE_SIZE	0x14
#define FW_CFG_CMDLINE_DATA	0x15
#define FW_CFG_SETUP_ADDR	0x16
#define FW_CFG_SETUP_SIZE	0x17
#define FW_CFG_SETUP_DATA	0x18

#define FW_CFG_VERSION_DMA	0x02
#define FW_CFG_DMA_CTL_ERROR	0x01
#define FW_CFG_DMA_CTL_READ	0x02
#define FW_CFG_DMA_CTL_SELECT	0x08

#define DEBUGCON_PORT		0x402	/* SeaBIOS's debug port (isa-debugcon) */

/* setup header fields (boot.rst, "The real-mode kernel header") */
#define HDR_VERSION		0x206
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_INITRD_ADDR_MAX	0x22c

/* the BEV's locals, at (%bp) */
#define L_SETUP_ADDR		0
#define L_KERNEL_ADDR		4
#define L_KERNEL_SIZE		8
#define L_INITRD_ADDR		12
#define L_INITRD_SIZE		16
#define L_CMDLINE_ADDR		20
#define L_SIZE			24

	.code16
	.section .text
	.globl	_start
_start:
	.byte	0x55, 0xaa		/* option ROM signature */
	.byte	0			/* size in 512-byte blocks: signrom stores it */
	lret				/* init entry (offset 3): nothing to initialise */

	.org	0x18
	.word	0			/* no PCI data structure */
	.word	pnp_header		/* PnP expansion header */

	.balign	16, 0
pnp_header:
	.ascii	"$PnP"
	.byte	0x01			/* structure revision */
	.byte	(pnp_end - pnp_header) / 16
	.word	0			/* next header: none */
	.byte	0			/* reserved */
	.byte	0			/* checksum: signrom makes the header sum to 0 */
	.long	0			/* device identifier */
	.word	manufacturer
	.word	product
	.byte	0, 0, 0			/* device type code */
	.byte	0			/* device indicators */
	.word	0			/* boot connection vector */
	.word	0			/* disconnect vector */
	.word	bev			/* bootstrap entry vector */
	.word	0			/* reserved */
	.word	0			/* static resource information vector */
pnp_end:

manufacturer:
	.asciz	"kemu"
product:
	.asciz	"Linux loader"

msg_no_dma:
	.asciz	"linuxboot: fw_cfg has no DMA interface\r\n"
msg_dma_error:
	.asciz	"linuxboot: fw_cfg DMA transfer failed\r\n"
msg_no_room:
	.asciz	"linuxboot: initrd does not fit below initrd_addr_max\r\n"
msg_boot:
	.asciz	"linuxboot: starting the kernel\r\n"

/*
 * Bootstrap entry vector, far-called by the BIOS. Returns (far) only on
 * failure, with the caller's registers, so the BIOS can try the next device.
 */
bev:
	pushal
	push	%ds
	push	%es
	push	%bp
	cld
	mov	%cs, %ax
	mov	%ax, %ds
	sub	$L_SIZE, %sp
	mov	%sp, %bp

	mov	$FW_CFG_ID, %ax
	call	fw_cfg_read32
	test	$FW_CFG_VERSION_DMA, %al
	jnz	1f
	mov	$msg_no_dma, %si
	jmp	fail
1:
	/* real-mode setup: the patched header and the setup code */
	mov	$FW_CFG_SETUP_ADDR, %ax
	call	fw_cfg_read32
	mov	%eax, L_SETUP_ADDR(%bp)
	mov	%eax, %edi
	mov	$FW_CFG_SETUP_SIZE, %ax
	call	fw_cfg_read32
	mov	%eax, %ecx
	mov	$FW_CFG_SETUP_DATA, %ax
	call	fw_cfg_dma_read
	jc	dma_failed

	/* protected-mode kernel */
	mov	$FW_CFG_KERNEL_ADDR, %ax
	call	fw_cfg_read32
	mov	%eax, L_KERNEL_ADDR(%bp)
	mov	$FW_CFG_KERNEL_SIZE, %ax
	call	fw_cfg_read32
	mov	%eax, L_KERNEL_SIZE(%bp)
	mov	%eax, %ecx
	mov	L_KERNEL_ADDR(%bp), %edi
	mov	$FW_CFG_KERNEL_DATA, %ax
	call	fw_cfg_dma_read
	jc	dma_failed

	/* command line */
	mov	$FW_CFG_CMDLINE_ADDR, %ax
	call	fw_cfg_read32
	mov	%eax, L_CMDLINE_ADDR(%bp)
	mov	%eax, %edi
	mov	$FW_CFG_CMDLINE_SIZE, %ax
	call	fw_cfg_read32
	mov	%eax, %ecx
	mov	$FW_CFG_CMDLINE_DATA, %ax
	call	fw_cfg_dma_read
	jc	dma_failed

	/* initrd, if any */
	mov	$FW_CFG_INITRD_SIZE, %ax
	call	fw_cfg_read32
	mov	%eax, L_INITRD_SIZE(%bp)
	test	%eax, %eax
	jz	boot
	call	initrd_place
	jc	fail
	mov	%eax, %edi
	mov	L_INITRD_SIZE(%bp), %ecx
	mov	$FW_CFG_INITRD_DATA, %ax
	call	fw_cfg_dma_read
	jc	dma_failed

boot:
	mov	$msg_boot, %si
	call	print
	mov	L_SETUP_ADDR(%bp), %eax
	mov	L_CMDLINE_ADDR(%bp), %ebx
	sub	%eax, %ebx
	sub	$16, %ebx		/* stack top: just below the command line */
	shr	$4, %eax		/* setup segment */
	cli
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %fs
	mov	%ax, %gs
	mov	%ax, %ss
	movzwl	%bx, %esp
	add	$0x20, %ax		/* the setup code starts 0x200 bytes in */
	push	%ax
	pushw	$0
	xor	%eax, %eax
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%ebp, %ebp
	lret

dma_failed:
	mov	$msg_dma_error, %si
fail:
	call	print
	add	$L_SIZE, %sp
	pop	%bp
	pop	%es
	pop	%ds
	popal
	lret

/*
 * Choose the initrd's address: page-aligned, ending at or below both the top
 * of RAM (INT 15h E801h) and initrd_addr_max + 1, above the kernel. Stores it
 * in the setup header's ramdisk_image. Out: EAX = address, CF on failure (SI
 * = message). Clobbers EBX, ECX, EDX, ES.
 */
initrd_place:
	mov	$0xe801, %ax
	xor	%bx, %bx
	xor	%cx, %cx
	xor	%dx, %dx
	int	$0x15
	jc	3f			/* no E801: keep the board's address */
	test	%cx, %cx
	jnz	1f
	test	%dx, %dx
	jnz	1f
	mov	%ax, %cx		/* CX=DX=0: the answer is in AX/BX */
	mov	%bx, %dx
1:	test	%dx, %dx
	jz	2f
	movzwl	%dx, %ebx		/* 64 KiB blocks above 16 MiB */
	add	$256, %ebx
	shl	$16, %ebx
	jmp	4f
2:	movzwl	%cx, %ebx		/* KiB between 1 MiB and 16 MiB */
	add	$1024, %ebx
	shl	$10, %ebx
	jmp	4f
3:	mov	$FW_CFG_INITRD_ADDR, %ax
	call	fw_cfg_read32
	add	L_INITRD_SIZE(%bp), %eax
	mov	%eax, %ebx
4:	/* EBX = end of usable RAM; clip to initrd_addr_max + 1 */
	mov	L_SETUP_ADDR(%bp), %eax
	shr	$4, %eax
	mov	%ax, %es
	mov	$0x37ffffff, %ecx	/* boot.rst: protocol < 2.03 */
	cmpw	$0x203, %es:HDR_VERSION
	jb	5f
	mov	%es:HDR_INITRD_ADDR_MAX, %ecx
5:	inc	%ecx
	jz	6f			/* initrd_addr_max = 4 GiB - 1 */
	cmp	%ecx, %ebx
	jbe	6f
	mov	%ecx, %ebx
6:	mov	%ebx, %eax
	sub	L_INITRD_SIZE(%bp), %eax
	jb	7f
	and	$0xfffff000, %eax
	mov	L_KERNEL_ADDR(%bp), %ecx
	add	L_KERNEL_SIZE(%bp), %ecx
	cmp	%ecx, %eax
	jb	7f
	mov	%eax, %es:HDR_RAMDISK_IMAGE
	clc
	ret
7:	mov	$msg_no_room, %si
	stc
	ret

/* In: AX = item. Out: EAX = its first four bytes, little-endian. */
fw_cfg_read32:
	push	%dx
	mov	$FW_CFG_PORT_SEL, %dx
	out	%ax, %dx
	mov	$FW_CFG_PORT_DATA, %dx
	in	%dx, %al
	ror	$8, %eax
	in	%dx, %al
	ror	$8, %eax
	in	%dx, %al
	ror	$8, %eax
	in	%dx, %al
	ror	$8, %eax
	pop	%dx
	ret

/*
 * Read ECX bytes of item AX to physical address EDI with one DMA transfer.
 * The descriptor (control, length, address: big-endian) lives on the stack.
 * Out: CF on error. Clobbers EAX.
 */
fw_cfg_dma_read:
	test	%ecx, %ecx
	jz	2f
	push	%bp
	push	%edx
	sub	$16, %sp
	mov	%sp, %bp
	movzwl	%ax, %eax
	shl	$16, %eax
	or	$(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ), %al
	bswap	%eax
	mov	%eax, 0(%bp)
	mov	%ecx, %eax
	bswap	%eax
	mov	%eax, 4(%bp)
	movl	$0, 8(%bp)
	mov	%edi, %eax
	bswap	%eax
	mov	%eax, 12(%bp)
	mov	$FW_CFG_PORT_DMA_HIGH, %dx
	xor	%eax, %eax
	out	%eax, %dx
	mov	%ss, %ax
	shl	$4, %eax
	movzwl	%bp, %edx
	add	%edx, %eax
	bswap	%eax
	mov	$FW_CFG_PORT_DMA_LOW, %dx
	out	%eax, %dx		/* starts the transfer */
1:	mov	0(%bp), %eax
	bswap	%eax
	test	$~FW_CFG_DMA_CTL_ERROR, %eax
	jnz	1b			/* still running (QEMU: done before the out returns) */
	add	$16, %sp
	pop	%edx
	pop	%bp
	test	$FW_CFG_DMA_CTL_ERROR, %al
	jz	2f
	stc
	ret
2:	clc
	ret

/* Print the string at DS:SI on the debug port and the BIOS console. */
print:
	push	%ax
	push	%bx
	push	%dx
	mov	$DEBUGCON_PORT, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, %dx
	mov	$0x0e, %ah		/* INT 10h teletype output */
	mov	$0x0007, %bx
	push	%dx
	push	%si
	int	$0x10
	pop	%si
	pop	%dx
	jmp	1b
2:	pop	%dx
	pop	%bx
	pop	%ax
	ret

	.section .note.GNU-stack, "", @progbits

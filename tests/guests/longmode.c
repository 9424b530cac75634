// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Long mode: entered from multiboot by lm-entry.S. Checks EFER.LMA, CR0/CR4,
 * 64-bit arithmetic (128-bit multiply, 64-bit divide, shifts), RIP-relative
 * data, a 64-bit string copy, then (unless iters=0) runs iters=N (default 1000) SYSCALL/SYSRET
 * round trips from ring 3 and checks the count. With bench=1 it only runs
 * the syscall loop and exits: the syscall-heavy interpreter benchmark.
 */
#include "lib/rt.h"
#include "lib/multiboot.h"

const char guest_name[] = "LONGMODE";

void lm_main(uint32_t magic, struct multiboot_info *mbi);
void exc_report64(uint64_t *frame);
void idt_setup64(void);
uint64_t enter_user(uint64_t iters);
extern char exc_stubs[], syscall_entry[];

static uint64_t idt[64] __attribute__((aligned(16)));

void idt_setup64(void)
{
	for (int i = 0; i < 32; i++) {
		uint64_t h = (uint64_t)(uintptr_t)(exc_stubs + 16 * i);
		/* 64-bit interrupt gate, DPL0, selector 0x18 */
		idt[2 * i] = (h & 0xffff) | (0x18ull << 16) | (0x8e00ull << 32) |
			     ((h >> 16) & 0xffff) << 48;
		idt[2 * i + 1] = h >> 32;
	}
	struct __attribute__((packed)) { uint16_t limit; uint64_t base; } d = {
		sizeof(idt) - 1, (uint64_t)(uintptr_t)idt
	};
	__asm__ volatile("lidt %0" :: "m"(d));
}

void exc_report64(uint64_t *frame)
{
	guest_fail(guest_name, "unexpected exception %llu error 0x%llx at %llx:%llx",
		   (unsigned long long)frame[0], (unsigned long long)frame[1],
		   (unsigned long long)frame[3], (unsigned long long)frame[2]);
}

static volatile uint64_t big[8] = { 0x0123456789abcdefull, 0xfedcba9876543210ull };

static void check_arith(void)
{
	volatile uint64_t a = big[0], b = big[1];
	unsigned __int128 p = (unsigned __int128)a * b;
	/* 0x0123456789abcdef * 0xfedcba9876543210 = 0x121fa00ad77d742 2236d88fe5618cf0 */
	if ((uint64_t)(p >> 64) != 0x0121fa00ad77d742ull || (uint64_t)p != 0x2236d88fe5618cf0ull)
		guest_fail(guest_name, "128-bit multiply: %llx:%llx", (unsigned long long)(p >> 64),
			   (unsigned long long)p);
	if (b / 7 != 0x2468acf13579be02ull || b % 7 != 2)
		guest_fail(guest_name, "64-bit divide: %llx rem %llu", (unsigned long long)(b / 7),
			   (unsigned long long)(b % 7));
	if ((a << 36) != 0x9abcdef000000000ull || ((int64_t)b >> 60) != -1)
		guest_fail(guest_name, "64-bit shifts");
	uint64_t src[16], dst[16];
	for (int i = 0; i < 16; i++)
		src[i] = a * (uint64_t)i, dst[i] = 0;
	uint64_t n = 16, *d = dst, *s = src;
	__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(n) :: "memory");
	for (int i = 0; i < 16; i++)
		if (dst[i] != src[i])
			guest_fail(guest_name, "rep movsq: word %d differs", i);
}

void lm_main(uint32_t magic, struct multiboot_info *mbi)
{
	serial_init();
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		guest_fail(guest_name, "bad multiboot magic %x", magic);
	if (mbi->flags & MULTIBOOT_INFO_CMDLINE)
		guest_cmdline = (const char *)(uintptr_t)mbi->cmdline;
	uint64_t iters = cmdline_get_u64("iters", 1000);

	wrmsr(0xc0000081, (0x18ull << 32) | (0x2bull << 48));	/* STAR: kernel CS 0x18, user base 0x28|3 */
	wrmsr(0xc0000082, (uint64_t)(uintptr_t)syscall_entry);	/* LSTAR */
	wrmsr(0xc0000084, 0x4700);				/* SFMASK: TF DF IF AC... */
	if (cmdline_get_u64("bench", 0)) {
		uint64_t n = enter_user(iters);
		printf("LONGMODE: bench %llu syscalls\n", (unsigned long long)n);
		debug_exit(n == iters ? DEBUG_EXIT_PASS : DEBUG_EXIT_FAIL);
	}

	uint64_t efer = rdmsr(0xc0000080), cr0, cr4;
	__asm__ volatile("mov %%cr0, %0; mov %%cr4, %1" : "=r"(cr0), "=r"(cr4));
	printf("LONGMODE: EFER 0x%llx CR0 0x%llx CR4 0x%llx\n", (unsigned long long)efer,
	       (unsigned long long)cr0, (unsigned long long)cr4);
	if (!(efer & (1 << 10)))
		guest_fail(guest_name, "EFER.LMA clear in 64-bit code");
	if (!(cr0 & (1ull << 31)) || !(cr4 & (1 << 5)))
		guest_fail(guest_name, "CR0.PG or CR4.PAE clear");
	uintptr_t rsp;
	__asm__ volatile("mov %%rsp, %0" : "=r"(rsp));
	printf("LONGMODE: running 64-bit code at %p, stack %p\n", (void *)lm_main, (void *)rsp);
	check_arith();
	printf("LONGMODE: 64-bit arithmetic ok\n");

	if (!iters)
		guest_pass(guest_name);
	printf("LONGMODE: SYSRET to ring 3 for %llu syscalls\n", (unsigned long long)iters);
	uint64_t n = enter_user(iters);
	printf("LONGMODE: %llu SYSCALL/SYSRET round trips from ring 3\n", (unsigned long long)n);
	if (n != iters)
		guest_fail(guest_name, "%llu syscalls counted, expected %llu", (unsigned long long)n,
			   (unsigned long long)iters);
	guest_pass(guest_name);
}

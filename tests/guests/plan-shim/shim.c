// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * plan-shim: a multiboot kernel that replays a kemu direct-boot plan inside
 * another emulator (QEMU): modules are the plan's blobs with "addr=0x..."
 * in their command lines, the shim's own command line holds the entry state
 * ("mode=64 rip=.. rsi=.. rbx=.. rax=.. cr3=.."). It opens the i440FX PAM
 * windows so that 0xe0000-0xfffff takes kemu's tables, copies every blob to
 * its address and jumps to the entry in the CPU mode the plan asks for.
 * This checks kemu's loader and tables against a real kernel without
 * kemu's CPU or board. A test tool, not part of kemu.
 */
#include <stdint.h>
#include <stddef.h>

extern uint64_t shim_rip, shim_rsi, shim_rbx, shim_rax, shim_cr3;
extern uint32_t shim_mode;
extern char _start[], _end[];
void shim_enter(void) __attribute__((noreturn));
void shim_main(uint32_t magic, uint32_t info);

static inline void outb(uint16_t p, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(p)); }
static inline void outl(uint16_t p, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(p)); }
static inline uint8_t inb(uint16_t p) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }

static void puts_(const char *s)
{
	for (; *s; s++) {
		for (int i = 0; i < 100000 && !(inb(0x3fd) & 0x20); i++)
			;
		outb(0x3f8, *s);
	}
}

static void puthex(uint32_t v)
{
	char b[11] = "0x";

	for (int i = 0; i < 8; i++)
		b[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15];
	b[10] = 0;
	puts_(b);
}

static void __attribute__((noreturn)) die(const char *s)
{
	puts_("plan-shim: ");
	puts_(s);
	puts_("\n");
	outb(0xf4, 1);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static int memcmp_(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a != *b;
}

static uint64_t field(const char *s, const char *key)
{
	size_t kl = 0;
	uint64_t v = 0;

	while (key[kl])
		kl++;
	for (const char *p = s; *p; p++) {
		size_t i = 0;

		while (i < kl && p[i] == key[i])
			i++;
		if (i < kl || p[kl] != '=' || (p != s && p[-1] != ' '))
			continue;
		p += kl + 1;
		if (p[0] == '0' && p[1] == 'x')
			p += 2;
		for (;; p++) {
			unsigned d = *p >= '0' && *p <= '9' ? *p - '0' :
				     *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : 99;
			if (d > 15)
				break;
			v = v * 16 + d;
		}
		return v;
	}
	if (!memcmp_(key, "verbose"))
		return 0;
	die("missing field");
}

static int verbose;
static struct { uint32_t start, end, dst; } m[64];
static uint32_t nmods;

void shim_main(uint32_t magic, uint32_t info)
{
	const uint32_t *mbi = (const uint32_t *)(uintptr_t)info;
	const char *cmd;
	const uint32_t *mods;

	if (magic != 0x2BADB002 || !(mbi[0] & 4) || !(mbi[0] & 8))
		die("not started by multiboot with a command line and modules");
	cmd = (const char *)(uintptr_t)mbi[4];
	verbose = field(cmd, "verbose");
	mods = (const uint32_t *)(uintptr_t)mbi[6];

	/* i440FX PAM0-6 (config 0x59-0x5f): 0xc0000-0xfffff read/write RAM */
	for (unsigned reg = 0x59; reg <= 0x5f; reg++) {
		outl(0xcf8, 0x80000000u | (reg & ~3u));
		outb(0xcfc + (reg & 3), reg == 0x59 ? 0x30 : 0x33);
	}
	/*
	 * QEMU keeps the multiboot info and module list at 0x9000, where the
	 * plan puts its page tables: read everything before copying anything.
	 */
	nmods = mbi[5] < 64 ? mbi[5] : 64;
	for (uint32_t i = 0; i < nmods; i++) {
		m[i].start = mods[4 * i];
		m[i].end = mods[4 * i + 1];
		m[i].dst = field((const char *)(uintptr_t)mods[4 * i + 2], "addr");
	}
	shim_mode = field(cmd, "mode") == 0x64 ? 64 : 32;
	shim_rip = field(cmd, "rip");
	shim_rsi = field(cmd, "rsi");
	shim_rbx = field(cmd, "rbx");
	shim_rax = field(cmd, "rax");
	shim_cr3 = field(cmd, "cr3");
	for (uint32_t i = 0; i < nmods; i++) {
		const uint8_t *src = (const uint8_t *)(uintptr_t)m[i].start;
		uint32_t len = m[i].end - m[i].start;
		uint8_t *dst = (uint8_t *)(uintptr_t)m[i].dst;

		if ((uintptr_t)dst < (uintptr_t)_end && (uintptr_t)dst + len > (uintptr_t)_start)
			die("a blob overlaps the shim");
		for (uint32_t j = i + 1; j < nmods; j++)
			if ((uintptr_t)dst < m[j].end && (uintptr_t)dst + len > m[j].start)
				die("a blob overlaps a later module");
		if (dst < src)
			for (uint32_t k = 0; k < len; k++)
				dst[k] = src[k];
		else
			for (uint32_t k = len; k-- > 0;)
				dst[k] = src[k];
		if (verbose) {
			puts_("plan-shim: ");
			puthex((uintptr_t)src);
			puts_(" -> ");
			puthex((uintptr_t)dst);
			puts_(" len ");
			puthex(len);
			puts_("\n");
		}
	}
	puts_("plan-shim: entering the plan\n");
	shim_enter();
}

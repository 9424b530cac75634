// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A hostile guest: the emulator must survive it, not the guest.
 * (Ports that reset or power off the PC are skipped unless resets=1.)
 *  1. random 32-bit writes (and reads) across unassigned MMIO between the
 *     top of RAM and 4 GiB, skipping the LAPIC page (our own CPU);
 *  2. fw_cfg DMA (ports 0x514/0x518, big-endian address) pointed at
 *     nonsense: above 4 GiB, beyond RAM, at ROM, with huge lengths and
 *     random control words;
 *  3. reads and random byte/word/dword writes to every I/O port 0..0xffff
 *     except isa-debug-exit (0xf0-0xff) and COM1 (0x3f8-0x3ff);
 *  4. a triple fault (empty IDT, ud2).
 * Any of these may legitimately reset or power off the machine, so the
 * runner passes -no-reboot and expects a clean exit with status 0 within the
 * deadline, no crash (signal) and no hang. seed=N picks the random sequence,
 * phases=mfp which phases run, in which order; dmalen= and romdesc=1
 * make the fw_cfg DMA phase far heavier (see hostile_fw_cfg).
 */
#include "lib/rt.h"
#include "lib/multiboot.h"
#include "lib/acpi.h"

const char guest_name[] = "HOSTILE";

static uint32_t rng_state;
static bool verbose;

static uint32_t rnd(void)
{
	uint32_t x = rng_state;	/* xorshift32 */
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rng_state = x;
}

static uint32_t ram_top_below_4g(void)
{
	uint64_t top = 16u << 20;
	struct multiboot_info *mbi = mb_info;
	if (!(mbi->flags & MULTIBOOT_INFO_MEM_MAP))
		return (uint32_t)top;
	for (uint32_t off = 0; off < mbi->mmap_length;) {
		struct multiboot_mmap_entry *e = (void *)(uintptr_t)(mbi->mmap_addr + off);
		/* anything the firmware lists below the PCI hole is RAM or tables */
		if (e->addr < 0xe0000000ull && e->addr + e->len > top)
			top = e->addr + e->len > 0x100000000ull ? 0x100000000ull : e->addr + e->len;
		off += e->size + 4;
	}
	return (uint32_t)top;
}

static void hostile_mmio(void)
{
	uint32_t start = (ram_top_below_4g() + 0xffff) & ~0xffffu;
	unsigned n = 0;
	for (uint64_t a = start; a < 0xfffc0000ull; a += 0x10000 + (rnd() & 0xff0)) {
		if ((a & ~0xfffull) == 0xfee00000)
			continue;
		uint32_t v = rnd();
		(void)mmio_read32((uintptr_t)a);
		mmio_write32((uintptr_t)a, v);
		n++;
	}
	printf("HOSTILE: %u MMIO writes from 0x%x to 4 GiB done\n", n, start);
}

struct fw_cfg_dma {
	uint32_t control, length;
	uint64_t address;
} __attribute__((packed));

static uint32_t be32(uint32_t v) { return __builtin_bswap32(v); }
static uint64_t be64(uint64_t v) { return __builtin_bswap64(v); }

static void fw_cfg_dma_kick(uint64_t desc)
{
	outl(0x514, be32((uint32_t)(desc >> 32)));
	outl(0x518, be32((uint32_t)desc));		/* the low half starts the transfer */
}

static void hostile_fw_cfg(void)
{
	/* dmalen=N caps transfer lengths (default 4 KiB; 0xffffffff for the worst case) */
	uint32_t dma_max = (uint32_t)cmdline_get_u64("dmalen", 0x1000);
	if (!dma_max)
		dma_max = 1;
	static struct fw_cfg_dma d __attribute__((aligned(16)));
	/*
	 * Nonsense, but none of it is our own RAM (with -m <= 3 GiB): a DMA
	 * "read" of a missing key zero-fills `length` bytes, which would wipe
	 * the guest and end the test before it reports. Nothing wraps past 2^64.
	 */
	const uint64_t nonsense[] = {
		0xffffffff00000000ull, 0x0000100000000000ull, 0xfffff000ull, 0xfee00000ull,
		0xffff0000ull, 0xe0000000ull, ram_top_below_4g(), 0xfec00000ull,
	};
	/* descriptors themselves at nonsense addresses */
	/*
	 * Descriptors read from ROM (0xfffff000, 0xffff0000) decode to whatever
	 * lengths the firmware bytes say, often GiBs: only with romdesc=1.
	 */
	bool romdesc = cmdline_get_u64("romdesc", 0);
	for (unsigned i = 0; i < 8; i++) {
		if (!romdesc && (nonsense[i] == 0xfffff000ull || nonsense[i] == 0xffff0000ull))
			continue;
		if (verbose)
			printf("HOSTILE: fw_cfg DMA descriptor at 0x%llx\n", (unsigned long long)nonsense[i]);
		fw_cfg_dma_kick(nonsense[i]);
	}
	/* well-placed descriptors with nonsense contents: select key, read/skip/write */
	for (unsigned i = 0; i < 64; i++) {
		uint32_t ctl = (i & 7) == 7 ? rnd() : ((rnd() & 0x3f) << 16) | (1u << 3) | (2u << (i & 1));
		d.control = be32(ctl);
		d.length = be32(i & 1 ? dma_max : rnd() % dma_max);
		d.address = be64(nonsense[i & 7] + (i & 8 ? 0 : (rnd() & 0xff0)));
		if (verbose)
			printf("HOSTILE: fw_cfg DMA %u: control 0x%x length 0x%x address 0x%llx\n", i, ctl,
			       be32(d.length), (unsigned long long)be64(d.address));
		fw_cfg_dma_kick((uint32_t)(uintptr_t)&d);
	}
	printf("HOSTILE: fw_cfg DMA at nonsense done (last control 0x%x)\n", be32(d.control));
}

static uint32_t pm_base;
static bool skip_resets = true;

static bool port_skipped(uint32_t p)
{
	if ((p >= 0xf0 && p <= 0xff) || (p >= 0x3f8 && p <= 0x3ff))
		return true;
	/* reset/power-off controls would end the run early: skipped unless resets=1 */
	return skip_resets && (p == 0x64 || p == 0x92 || p == 0xcf9 ||
			       (pm_base && p >= pm_base && p < pm_base + 0x40));
}

static void hostile_ports(void)
{
	for (uint32_t p = 0; p <= 0xffff; p++) {
		if (port_skipped(p))
			continue;
		(void)inb((uint16_t)p);
		uint32_t r = rnd();
		switch (r & 3) {
		case 0:
			outb((uint16_t)p, (uint8_t)(r >> 8));
			break;
		case 1:
			if (!port_skipped(p + 1))
				outw((uint16_t)p, (uint16_t)(r >> 8));
			break;
		default:
			if (!port_skipped(p + 3) && !port_skipped(p + 1) && !port_skipped(p + 2))
				outl((uint16_t)p, rnd());
			break;
		}
		if ((p & 0x0fff) == 0x0fff)
			printf("HOSTILE: ports up to 0x%x\n", p);
	}
}

void guest_main(void)
{
	rng_state = (uint32_t)cmdline_get_u64("seed", 0x2545f491);
	if (!rng_state)
		rng_state = 1;
	skip_resets = !cmdline_get_u64("resets", 0);
	verbose = cmdline_get_u64("verbose", 0);
	const uint8_t *fadt = (const void *)acpi_find_table("FACP");
	if (fadt)
		pm_base = *(const uint32_t *)(fadt + FADT_PM1A_EVT_BLK) & 0xffc0;
	printf("HOSTILE: start, seed 0x%x, %s reset ports (0x64 0x92 0xcf9, PM block 0x%x)\n",
	       rng_state, skip_resets ? "skipping" : "including", pm_base);
	char phases[8] = "mfp";	/* m: MMIO, f: fw_cfg DMA, p: ports */
	cmdline_get("phases", phases, sizeof(phases));
	for (const char *ph = phases; *ph; ph++) {
		if (*ph == 'm')
			hostile_mmio();
		else if (*ph == 'f')
			hostile_fw_cfg();
		else if (*ph == 'p')
			hostile_ports();
	}
	printf("HOSTILE: all ports done, triple-faulting\n");
	static const struct __attribute__((packed)) { uint16_t l; uint32_t b; } empty = { 0, 0 };
	__asm__ volatile("lidt %0; ud2" :: "m"(empty));
	halt_forever();
}

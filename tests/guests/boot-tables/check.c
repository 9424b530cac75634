// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot-tables guest: checks what direct boot hands a kernel, the way a real
 * OS would look at it, and reports on COM1 ("PASS" / "FAIL: why").
 *
 *	- the boot protocol's memory map (multiboot mmap or PVH memmap): RAM at
 *	  0 and 1 MiB, nothing usable in 0xa0000-0xfffff, about ram= MiB in all
 *	- ACPI: RSDP (PVH's rsdp_paddr, else scanned in the EBDA and
 *	  0xe0000-0xfffff), RSDT/XSDT, every table's checksum, MADT with cpus=
 *	  enabled local APICs, an I/O APIC and IRQ0 -> GSI 2, FADT with DSDT,
 *	  a ticking PM timer, ACPI enable through SMI_CMD
 *	- MP floating pointer and SMBIOS entry point, when present: checksums
 *	- poweroff=1: S5 through PM1a_CNT with \_S5's SLP_TYP from the DSDT
 * Without poweroff=1 it leaves through isa-debug-exit (0xf4): 0 pass, 1 fail.
 * Runs unchanged on QEMU, which is the oracle for the guest itself.
 */
#include <stdint.h>
#include <stddef.h>

static inline void outb(uint16_t p, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(p)); }
static inline void outw(uint16_t p, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(p)); }
static inline uint8_t inb(uint16_t p) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint16_t inw(uint16_t p) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint32_t inl(uint16_t p) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p)); return v; }

static void putc_(char c)
{
	for (int i = 0; i < 100000 && !(inb(0x3fd) & 0x20); i++)
		;
	outb(0x3f8, c);
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void puthex(uint64_t v)
{
	puts_("0x");
	for (int i = 60; i >= 0; i -= 4)
		if (v >> i || i == 0)
			putc_("0123456789abcdef"[(v >> i) & 15]);
}

static void __attribute__((noreturn)) finish(int ok)
{
	outb(0xf4, ok ? 0 : 1);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void __attribute__((noreturn)) fail(const char *what, uint64_t v)
{
	puts_("FAIL: ");
	puts_(what);
	puts_(" ");
	puthex(v);
	puts_("\n");
	finish(0);
}

#define CHECK(cond, what, v) do { if (!(cond)) fail(what, v); } while (0)

static int memeq(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	while (n--)
		if (*x++ != *y++)
			return 0;
	return 1;
}

static uint8_t sum8(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (n--)
		s += *b++;
	return s;
}

static uint32_t rd32(const void *p) { const uint8_t *b = p; return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24; }
static uint64_t rd64(const void *p) { return rd32(p) | (uint64_t)rd32((const uint8_t *)p + 4) << 32; }
static uint16_t rd16(const void *p) { const uint8_t *b = p; return b[0] | b[1] << 8; }

/* "key=N" in the command line, or def */
static unsigned arg(const char *cmdline, const char *key, unsigned def)
{
	size_t kl = 0;

	while (key[kl])
		kl++;
	for (const char *p = cmdline; p && *p; p++) {
		if ((p == cmdline || p[-1] == ' ') && memeq(p, key, kl) && p[kl] == '=') {
			unsigned v = 0;

			for (p += kl + 1; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (*p - '0');
			return v;
		}
	}
	return def;
}

struct range { uint64_t addr, len; uint32_t type; };
static struct range map[128];
static unsigned nmap;

static void check_memory_map(unsigned ram_mb)
{
	uint64_t ram = 0;
	int low = 0, high = 0;

	CHECK(nmap > 0, "empty memory map", 0);
	for (unsigned i = 0; i < nmap; i++) {
		const struct range *r = &map[i];

		if (r->type != 1)
			continue;
		if (r->addr < 0x100000000ULL)
			ram += r->len;
		if (r->addr == 0)
			low = 1;
		if (r->addr <= 0x100000 && r->addr + r->len > 0x100000)
			high = 1;
		CHECK(r->addr + r->len <= 0xa0000 || r->addr >= 0x100000, "RAM in the legacy hole at", r->addr);
	}
	CHECK(low, "no RAM at 0", 0);
	CHECK(high, "no RAM at 1 MiB", 0);
	if (ram_mb) {
		CHECK(ram <= (uint64_t)ram_mb << 20, "more RAM than configured", ram);
		CHECK(ram + (4u << 20) >= (uint64_t)ram_mb << 20, "RAM missing from the map", ram);
	}
}

static const uint8_t *find_sig(uintptr_t from, uintptr_t to, const char *sig, size_t len, size_t cklen)
{
	for (uintptr_t p = from; p + cklen <= to; p += 16)
		if (memeq((const void *)p, sig, len) && sum8((const void *)p, cklen) == 0)
			return (const uint8_t *)p;
	return NULL;
}

static const uint8_t *acpi_table(uint64_t addr, const char *what)
{
	const uint8_t *t = (const uint8_t *)(uintptr_t)addr;

	CHECK(addr && addr < 0x100000000ULL, what, addr);
	CHECK(rd32(t + 4) >= 36 && rd32(t + 4) < 0x100000, "bad table length", rd32(t + 4));
	CHECK(sum8(t, rd32(t + 4)) == 0, "bad checksum of table at", addr);
	return t;
}

static unsigned s5_slp_typ(const uint8_t *dsdt)
{
	uint32_t len = rd32(dsdt + 4);

	for (uint32_t i = 36; i + 9 <= len; i++) {
		if (!memeq(dsdt + i, "_S5_", 4) || dsdt[i + 4] != 0x12)
			continue;
		const uint8_t *p = dsdt + i + 5;

		p += 1 + (p[0] >> 6);		/* PkgLength */
		p++;				/* NumElements */
		if (p[0] == 0x0a)
			return p[1];
		return p[0] == 0x01 ? 1 : 0;	/* One / Zero */
	}
	fail("no _S5 in the DSDT", 0);
}

static void check_acpi(uint64_t rsdp_hint, unsigned cpus, int poweroff)
{
	const uint8_t *rsdp = NULL, *fadt = NULL, *madt = NULL, *dsdt;
	unsigned n, lapics = 0, ioapics = 0, irq0 = 0;
	uint16_t pm1a_cnt, smi;
	uint32_t tmr, t0, t1;

	if (rsdp_hint)
		rsdp = (const uint8_t *)(uintptr_t)rsdp_hint;
	if (!rsdp) {
		uintptr_t bda = 0x40e, ebda;

		__asm__("" : "+r"(bda));	/* a real address, not a null-based array */
		ebda = (uintptr_t)rd16((const void *)bda) << 4;
		if (ebda >= 0x80000 && ebda < 0xa0000)
			rsdp = find_sig(ebda, ebda + 1024, "RSD PTR ", 8, 20);
	}
	if (!rsdp)
		rsdp = find_sig(0xe0000, 0x100000, "RSD PTR ", 8, 20);
	CHECK(rsdp && memeq(rsdp, "RSD PTR ", 8), "no RSDP", 0);
	CHECK(sum8(rsdp, 20) == 0, "RSDP checksum", 0);
	if (rsdp[15] >= 2)
		CHECK(sum8(rsdp, rd32(rsdp + 20)) == 0, "RSDP extended checksum", 0);

	if (rsdp[15] >= 2 && rd64(rsdp + 24)) {
		const uint8_t *x = acpi_table(rd64(rsdp + 24), "XSDT address");

		CHECK(memeq(x, "XSDT", 4), "XSDT signature", 0);
		n = (rd32(x + 4) - 36) / 8;
		for (unsigned i = 0; i < n; i++) {
			const uint8_t *t = acpi_table(rd64(x + 36 + 8 * i), "XSDT entry");

			if (memeq(t, "FACP", 4))
				fadt = t;
			if (memeq(t, "APIC", 4))
				madt = t;
		}
	}
	{
		const uint8_t *r = acpi_table(rd32(rsdp + 16), "RSDT address");

		CHECK(memeq(r, "RSDT", 4), "RSDT signature", 0);
		n = (rd32(r + 4) - 36) / 4;
		for (unsigned i = 0; i < n; i++) {
			const uint8_t *t = acpi_table(rd32(r + 36 + 4 * i), "RSDT entry");

			if (!fadt && memeq(t, "FACP", 4))
				fadt = t;
			if (!madt && memeq(t, "APIC", 4))
				madt = t;
		}
	}
	CHECK(madt, "no MADT", 0);
	CHECK(fadt, "no FADT", 0);

	for (uint32_t off = 44; off + 2 <= rd32(madt + 4); off += madt[off + 1]) {
		CHECK(madt[off + 1] >= 2, "MADT entry length", off);
		if (madt[off] == 0 && (rd32(madt + off + 4) & 1))
			lapics++;
		if (madt[off] == 1) {
			ioapics++;
			CHECK(rd32(madt + off + 4) == 0xfec00000, "I/O APIC address", rd32(madt + off + 4));
		}
		if (madt[off] == 2 && madt[off + 3] == 0 && rd32(madt + off + 4) == 2)
			irq0 = 1;
	}
	CHECK(lapics == cpus, "enabled local APICs in MADT:", lapics);
	CHECK(ioapics == 1, "I/O APICs in MADT:", ioapics);
	CHECK(irq0, "no IRQ0 -> GSI 2 override", 0);

	dsdt = acpi_table(rd32(fadt + 40), "DSDT address");
	CHECK(memeq(dsdt, "DSDT", 4), "DSDT signature", 0);
	if (rd32(fadt + 4) >= 148 && rd64(fadt + 140))
		CHECK(rd64(fadt + 140) == rd32(fadt + 40), "X_DSDT differs from DSDT", rd64(fadt + 140));
	if (rd32(fadt + 36))
		CHECK(memeq((const void *)(uintptr_t)rd32(fadt + 36), "FACS", 4), "FACS signature", 0);

	/* the PM timer runs at 3.58 MHz: it must move within a short busy loop */
	tmr = rd32(fadt + 76);
	CHECK(tmr, "no PM timer", 0);
	t0 = inl(tmr);
	for (int i = 0; i < 1000000 && (t1 = inl(tmr)) == t0; i++)
		;
	CHECK(t1 != t0, "PM timer does not tick", t0);

	/* ACPI mode: SCI_EN, through SMI_CMD if the firmware left it off */
	pm1a_cnt = rd32(fadt + 64);
	smi = rd32(fadt + 48);
	CHECK(pm1a_cnt, "no PM1a_CNT", 0);
	if (!(inw(pm1a_cnt) & 1) && smi) {
		outb(smi, fadt[52]);
		for (int i = 0; i < 1000000 && !(inw(pm1a_cnt) & 1); i++)
			;
	}
	CHECK(inw(pm1a_cnt) & 1, "SCI_EN not set after ACPI_ENABLE", inw(pm1a_cnt));

	if (poweroff) {
		unsigned typ = s5_slp_typ(dsdt);

		puts_("PASS\n");
		outw(pm1a_cnt, (inw(pm1a_cnt) & 1) | typ << 10 | 1 << 13);
		for (volatile int i = 0; i < 100000000; i++)
			;
		fail("still running after S5", typ);
	}
}

static void check_mp_and_smbios(unsigned cpus)
{
	const uint8_t *mp = find_sig(0xf0000, 0x100000, "_MP_", 4, 16);
	const uint8_t *sm = find_sig(0xf0000, 0x100000, "_SM_", 4, 0x1f);

	if (mp && rd32(mp + 4)) {
		const uint8_t *ct = (const uint8_t *)(uintptr_t)rd32(mp + 4);
		unsigned procs = 0;

		CHECK(memeq(ct, "PCMP", 4), "MP config table signature", 0);
		CHECK(sum8(ct, rd16(ct + 4)) == 0, "MP config table checksum", 0);
		for (const uint8_t *e = ct + 44; e < ct + rd16(ct + 4); e += e[0] == 0 ? 20 : 8)
			if (e[0] == 0 && (e[3] & 1))
				procs++;
		/* SeaBIOS lists one CPU per package; kemu lists every CPU */
		CHECK(procs >= 1 && procs <= cpus, "MP table processors:", procs);
	}
	if (sm) {
		CHECK(memeq(sm + 0x10, "_DMI_", 5), "SMBIOS intermediate anchor", 0);
		CHECK(sum8(sm + 0x10, 0x0f) == 0, "SMBIOS intermediate checksum", 0);
	}
}

void guest_main(uint32_t magic, uint32_t info);

void guest_main(uint32_t magic, uint32_t info)
{
	const char *cmdline = "";
	uint64_t rsdp = 0;
	const uint8_t *p = (const uint8_t *)(uintptr_t)info;

	puts_("boot-tables guest\n");
	if (magic == 0x2BADB002) {
		uint32_t flags = rd32(p);

		CHECK(flags & (1 << 6), "multiboot info without mmap", flags);
		if (flags & (1 << 2))
			cmdline = (const char *)(uintptr_t)rd32(p + 16);
		for (uint32_t off = 0; off < rd32(p + 44) && nmap < 128; off += rd32((const uint8_t *)(uintptr_t)rd32(p + 48) + off) + 4) {
			const uint8_t *e = (const uint8_t *)(uintptr_t)rd32(p + 48) + off;

			map[nmap++] = (struct range){ rd64(e + 4), rd64(e + 12), rd32(e + 20) };
		}
		puts_("protocol: multiboot\n");
	} else if (rd32(p) == 0x336ec578) {
		const uint8_t *m = (const uint8_t *)(uintptr_t)rd64(p + 40);

		CHECK(rd32(p + 4) >= 1 && m, "PVH start_info without memmap", rd32(p + 4));
		cmdline = (const char *)(uintptr_t)rd64(p + 24);
		rsdp = rd64(p + 32);
		for (uint32_t i = 0; i < rd32(p + 48) && nmap < 128; i++)
			map[nmap++] = (struct range){ rd64(m + 24 * i), rd64(m + 24 * i + 8), rd32(m + 24 * i + 16) };
		puts_("protocol: PVH\n");
	} else {
		fail("unknown boot protocol, EAX", magic);
	}
	puts_("cmdline: ");
	puts_(cmdline ? cmdline : "(none)");
	puts_("\n");

	check_memory_map(arg(cmdline, "ram", 0));
	check_mp_and_smbios(arg(cmdline, "cpus", 1));
	check_acpi(rsdp, arg(cmdline, "cpus", 1), arg(cmdline, "poweroff", 0));
	puts_("PASS\n");
	finish(1);
}

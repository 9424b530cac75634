// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The test guests' runtime (see rt.h): serial output, printf-lite, verdicts,
 * command line, PIT and CMOS. Built for both -m32 and -m64; 32-bit code never
 * divides 64-bit numbers with '/' (there is no libgcc): see udiv64().
 */
#include "rt.h"

const char *guest_cmdline = "";

/* 16550: 8N1, divisor 1 (115200 baud); FIFO on. */
void serial_init(void)
{
	outb(COM1 + 1, 0x00);		/* IER: no interrupts */
	outb(COM1 + 3, 0x80);		/* LCR: DLAB */
	outb(COM1 + 0, 0x01);
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);		/* LCR: 8N1 */
	outb(COM1 + 2, 0xc7);		/* FCR: enable + clear FIFOs */
	outb(COM1 + 4, 0x03);		/* MCR: DTR RTS */
}

void serial_putc(char c)
{
	/* bounded wait for THRE: a stuck UART must not hang the guest forever */
	for (uint32_t i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		cpu_relax();
	outb(COM1, (uint8_t)c);
}

int serial_getc_timeout(uint32_t spins)
{
	for (uint32_t i = 0; i < spins; i++) {
		if (inb(COM1 + 5) & 0x01)
			return inb(COM1);
		cpu_relax();
	}
	return -1;
}

void puts_(const char *s)
{
	while (*s) {
		if (*s == '\n')
			serial_putc('\r');
		serial_putc(*s++);
	}
}

static uint64_t udiv64(uint64_t n, uint32_t d, uint32_t *rem)
{
	uint32_t hi = (uint32_t)(n >> 32), lo = (uint32_t)n;
	uint32_t qhi = hi / d, r = hi % d;
	uint32_t qlo = 0;

	/* long division of (r:lo) by d, one bit at a time */
	for (int i = 31; i >= 0; i--) {
		uint64_t cur = ((uint64_t)r << 1) | ((lo >> i) & 1);
		qlo <<= 1;
		if (cur >= d) {
			cur -= d;
			qlo |= 1;
		}
		r = (uint32_t)cur;
	}
	if (rem)
		*rem = r;
	return ((uint64_t)qhi << 32) | qlo;
}

struct outbuf {
	char *buf;
	size_t n, pos;
};

static void ob_put(struct outbuf *o, char c)
{
	if (o->pos + 1 < o->n)
		o->buf[o->pos] = c;
	o->pos++;
}

int vsnprintf_(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, n, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			ob_put(&o, *fmt);
			continue;
		}
		fmt++;
		char pad = ' ';
		int width = 0, longs = 0;
		bool left = false;
		if (*fmt == '-') {
			left = true;
			fmt++;
		}
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		if (*fmt == 'z') {
			longs = sizeof(size_t) == 8 ? 2 : 0;
			fmt++;
		}
		char tmp[24];
		int len = 0;
		const char *s = tmp;
		uint64_t v;
		bool neg = false;
		switch (*fmt) {
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			len = (int)strlen_(s);
			break;
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			len = 1;
			break;
		case 'd':
		case 'i': {
			int64_t sv = longs >= 2 ? va_arg(ap, long long) :
				     longs == 1 ? va_arg(ap, long) : va_arg(ap, int);
			if (sv < 0) {
				neg = true;
				v = (uint64_t)-sv;
			} else {
				v = (uint64_t)sv;
			}
			goto dec;
		}
		case 'u':
			v = longs >= 2 ? va_arg(ap, unsigned long long) :
			    longs == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
dec:
			do {
				uint32_t r;
				v = udiv64(v, 10, &r);
				tmp[sizeof(tmp) - 1 - len++] = (char)('0' + r);
			} while (v);
			if (neg)
				tmp[sizeof(tmp) - 1 - len++] = '-';
			s = tmp + sizeof(tmp) - len;
			break;
		case 'p':
			v = (uintptr_t)va_arg(ap, void *);
			goto hex;
		case 'x':
		case 'X':
			v = longs >= 2 ? va_arg(ap, unsigned long long) :
			    longs == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
hex:
			do {
				tmp[sizeof(tmp) - 1 - len++] = "0123456789abcdef"[v & 15];
				v >>= 4;
			} while (v);
			s = tmp + sizeof(tmp) - len;
			break;
		case '%':
			tmp[0] = '%';
			len = 1;
			break;
		default:
			ob_put(&o, '%');
			ob_put(&o, *fmt);
			continue;
		}
		if (!left)
			for (int i = len; i < width; i++)
				ob_put(&o, pad);
		for (int i = 0; i < len; i++)
			ob_put(&o, s[i]);
		if (left)
			for (int i = len; i < width; i++)
				ob_put(&o, ' ');
	}
	if (o.n)
		o.buf[o.pos < o.n ? o.pos : o.n - 1] = 0;
	return (int)o.pos;
}

int snprintf_(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf_(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

void printf_(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf_(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	puts_(buf);
}

void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

void debug_exit(uint8_t code)
{
	outb(DEBUG_EXIT_PORT, code);
	/* no isa-debug-exit device: say so and stop */
	puts_("debug-exit: still running after writing port 0xf4 (no isa-debug-exit?)\n");
	halt_forever();
}

void guest_pass(const char *name)
{
	printf("%s: PASS\n", name);
	debug_exit(DEBUG_EXIT_PASS);
}

void guest_fail(const char *name, const char *fmt, ...)
{
	char buf[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf_(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("%s: FAIL: %s\n", name, buf);
	debug_exit(DEBUG_EXIT_FAIL);
}

size_t strlen_(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strncmp_(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i])
			return (unsigned char)a[i] - (unsigned char)b[i];
		if (!a[i])
			return 0;
	}
	return 0;
}

int memcmp_(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *dd = d;
	const uint8_t *ss = s;
	while (n--)
		*dd++ = *ss++;
	return d;
}

void *memset(void *d, int c, size_t n)
{
	uint8_t *dd = d;
	while (n--)
		*dd++ = (uint8_t)c;
	return d;
}

uint64_t strtou64(const char *s, const char **end)
{
	uint64_t v = 0;
	unsigned base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++) {
		unsigned dgt;
		if (*s >= '0' && *s <= '9')
			dgt = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			dgt = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			dgt = *s - 'A' + 10;
		else
			break;
		v = (base == 16 ? v << 4 : (v << 3) + (v << 1)) + dgt;
	}
	if (end)
		*end = s;
	return v;
}

bool cmdline_get(const char *key, char *val, size_t n)
{
	size_t kl = strlen_(key);
	const char *p = guest_cmdline;

	while (p && *p) {
		while (*p == ' ')
			p++;
		if (!strncmp_(p, key, kl) && p[kl] == '=') {
			p += kl + 1;
			size_t i = 0;
			while (*p && *p != ' ' && i + 1 < n)
				val[i++] = *p++;
			val[i] = 0;
			return true;
		}
		while (*p && *p != ' ')
			p++;
	}
	return false;
}

uint64_t cmdline_get_u64(const char *key, uint64_t dflt)
{
	char v[32];
	if (!cmdline_get(key, v, sizeof(v)))
		return dflt;
	return strtou64(v, NULL);
}

/* PIT channel 2, mode 0 (interrupt on terminal count): OUT2 shows in port 0x61 bit 5. */
static void pit_delay_chunk(uint16_t count)
{
	uint8_t p61 = inb(0x61);
	outb(0x61, (p61 & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(0x43, 0xb0);			/* ch2, lo/hi, mode 0, binary */
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	for (uint32_t i = 0; i < 10000000 && !(inb(0x61) & 0x20); i++)
		cpu_relax();
}

void pit_delay_us(uint32_t us)
{
	while (us) {
		uint32_t chunk = us > 50000 ? 50000 : us;
		uint32_t cnt = chunk * 1193 / 1000;
		pit_delay_chunk(cnt ? (uint16_t)cnt : 1);
		us -= chunk;
	}
}

static uint16_t pit_last;
static uint64_t pit_total;

static uint16_t pit_read0(void)
{
	outb(0x43, 0x00);			/* latch ch0 */
	uint8_t lo = inb(0x40);
	uint8_t hi = inb(0x40);
	return (uint16_t)(lo | (hi << 8));
}

void pit_clock_start(void)
{
	outb(0x43, 0x34);			/* ch0, lo/hi, mode 2 (rate generator) */
	outb(0x40, 0x00);			/* reload 0 = 65536 */
	outb(0x40, 0x00);
	pit_total = 0;
	pit_last = pit_read0();
}

uint64_t pit_ticks(void)
{
	uint16_t now = pit_read0();
	pit_total += (uint16_t)(pit_last - now);	/* counts down, wraps at 65536 */
	pit_last = now;
	return pit_total;
}

uint8_t cmos_read(uint8_t idx)
{
	outb(0x70, idx & 0x7f);
	return inb(0x71);
}

void cmos_write(uint8_t idx, uint8_t v)
{
	outb(0x70, idx & 0x7f);
	outb(0x71, v);
}

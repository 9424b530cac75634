// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * GDB remote serial protocol framing: the byte-level reader, checksums,
 * escaping and hex helpers (gdb manual, Appendix E "Overview"). See
 * include/gdbstub/packet.h. Commands are in gdbstub.c.
 *
 * Everything arriving here comes from a network client: the reader never
 * grows a packet past its limit, and every parser checks each digit.
 */
#include "gdbstub/packet.h"

void gdb_packet_reader_init(struct gdb_packet_reader *r, size_t max)
{
	r->state = GDB_RD_IDLE;
	r->buf = g_string_sized_new(256);
	r->max = max;
	r->overflow = false;
	r->sum = 0;
	r->csum_hi = 0;
}

void gdb_packet_reader_free(struct gdb_packet_reader *r)
{
	if (r->buf)
		g_string_free(r->buf, true);
	r->buf = NULL;
}

int gdb_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void reader_append(struct gdb_packet_reader *r, uint8_t c)
{
	if (r->buf->len >= r->max) {
		r->overflow = true;
		return;
	}
	g_string_append_c(r->buf, c);
}

static void reader_start(struct gdb_packet_reader *r)
{
	g_string_truncate(r->buf, 0);
	r->overflow = false;
	r->sum = 0;
	r->state = GDB_RD_DATA;
}

enum gdb_feed_result gdb_packet_feed(struct gdb_packet_reader *r, uint8_t c)
{
	int d;

	switch (r->state) {
	case GDB_RD_IDLE:
		if (c == '$') {
			reader_start(r);
			return GDB_FEED_NONE;
		}
		if (c == 0x03)
			return GDB_FEED_INTERRUPT;
		if (c == '+')
			return GDB_FEED_ACK;
		if (c == '-')
			return GDB_FEED_NACK;
		return GDB_FEED_NONE;	/* noise between packets is ignored */
	case GDB_RD_DATA:
		if (c == '#') {
			r->state = GDB_RD_CSUM1;
			return GDB_FEED_NONE;
		}
		if (c == '$') {
			/* a new start before the end: the old packet was cut short */
			reader_start(r);
			return GDB_FEED_BAD;
		}
		r->sum += c;
		if (c == '}')
			r->state = GDB_RD_ESCAPE;
		else
			reader_append(r, c);
		return GDB_FEED_NONE;
	case GDB_RD_ESCAPE:
		r->sum += c;
		reader_append(r, c ^ 0x20);
		r->state = GDB_RD_DATA;
		return GDB_FEED_NONE;
	case GDB_RD_CSUM1:
		d = gdb_hex_digit(c);
		if (d < 0) {
			r->state = GDB_RD_IDLE;
			return GDB_FEED_BAD;
		}
		r->csum_hi = d;
		r->state = GDB_RD_CSUM2;
		return GDB_FEED_NONE;
	case GDB_RD_CSUM2:
		r->state = GDB_RD_IDLE;
		d = gdb_hex_digit(c);
		if (d < 0 || ((r->csum_hi << 4) | d) != r->sum)
			return GDB_FEED_BAD;
		return r->overflow ? GDB_FEED_OVERSIZED : GDB_FEED_PACKET;
	}
	return GDB_FEED_NONE;
}

void gdb_packet_frame(GString *out, const void *payload, size_t len)
{
	const uint8_t *p = payload;
	uint8_t sum = 0;

	g_string_append_c(out, '$');
	for (size_t i = 0; i < len; i++) {
		uint8_t c = p[i];

		if (c == '#' || c == '$' || c == '}' || c == '*') {
			g_string_append_c(out, '}');
			sum += '}';
			c ^= 0x20;
		}
		g_string_append_c(out, c);
		sum += c;
	}
	g_string_append_printf(out, "#%02x", sum);
}

void gdb_hex_append(GString *out, const void *buf, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		g_string_append_c(out, digits[p[i] >> 4]);
		g_string_append_c(out, digits[p[i] & 15]);
	}
}

bool gdb_hex_decode(const char *hex, void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		int hi = gdb_hex_digit(hex[2 * i]);
		int lo = hi < 0 ? -1 : gdb_hex_digit(hex[2 * i + 1]);

		if (lo < 0)
			return false;
		p[i] = hi << 4 | lo;
	}
	return true;
}

bool gdb_parse_hex(const char **pp, uint64_t *v)
{
	const char *p = *pp;
	uint64_t x = 0;
	int n = 0, d;

	while ((d = gdb_hex_digit(*p)) >= 0) {
		if (++n > 16)
			return false;
		x = x << 4 | d;
		p++;
	}
	if (!n)
		return false;
	*v = x;
	*pp = p;
	return true;
}

static bool parse_one_id(const char **pp, int64_t *id)
{
	uint64_t v;

	if ((*pp)[0] == '-' && (*pp)[1] == '1') {
		*pp += 2;
		*id = -1;
		return true;
	}
	if (!gdb_parse_hex(pp, &v) || v > INT32_MAX)
		return false;
	*id = v;
	return true;
}

bool gdb_parse_thread_id(const char **pp, int64_t *tid)
{
	const char *p = *pp;
	int64_t pid;

	if (*p == 'p') {
		/* multiprocess form p<pid>.<tid>: one process, pid 1 (or -1/0: any) */
		p++;
		if (!parse_one_id(&p, &pid))
			return false;
		if (*p != '.') {
			*tid = -1;
			*pp = p;
			return true;
		}
		p++;
	}
	if (!parse_one_id(&p, tid))
		return false;
	*pp = p;
	return true;
}

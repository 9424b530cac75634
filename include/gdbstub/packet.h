/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GDB remote serial protocol framing (gdb manual, "Overview" and "Packets"
 * of Appendix E): a packet is `$payload#cc` where cc is the modulo-256 sum
 * of the payload bytes in two hex digits; `}` escapes the next byte (xor
 * 0x20); `+`/`-` acknowledge; a lone 0x03 outside a packet is an interrupt
 * request (Ctrl-C). This file knows nothing about commands.
 *
 *	struct gdb_packet_reader r;
 *	gdb_packet_reader_init(&r, GDB_PACKET_MAX);
 *	for each byte b from the client:
 *		switch (gdb_packet_feed(&r, b)) {
 *		case GDB_FEED_PACKET: handle(r.buf->str, r.buf->len); send "+"; break;
 *		case GDB_FEED_BAD: send "-"; break;	// checksum or framing
 *		case GDB_FEED_INTERRUPT: stop the VM; break;
 *		...
 *		}
 *	gdb_packet_frame(out, payload, len);	// "$" escaped payload "#cc"
 *
 * The reader unescapes (binary X packets) and refuses, without growing past
 * max bytes, a packet that is too long: it reports GDB_FEED_OVERSIZED once
 * the packet ends, and the stub answers it with an error.
 */
#ifndef GDBSTUB_PACKET_H
#define GDBSTUB_PACKET_H

#include "kemu/common.h"

/* What the stub announces in qSupported (PacketSize is in hex there). */
#define GDB_PACKET_MAX 4096

enum gdb_feed_result {
	GDB_FEED_NONE,		/* byte consumed, nothing complete */
	GDB_FEED_PACKET,	/* a good packet is in r->buf */
	GDB_FEED_BAD,		/* checksum mismatch or bad digits: answer '-' */
	GDB_FEED_OVERSIZED,	/* checksum fine, payload longer than max: dropped */
	GDB_FEED_INTERRUPT,	/* 0x03 outside a packet */
	GDB_FEED_ACK,		/* '+' */
	GDB_FEED_NACK,		/* '-': resend the last reply */
};

struct gdb_packet_reader {
	enum { GDB_RD_IDLE, GDB_RD_DATA, GDB_RD_ESCAPE, GDB_RD_CSUM1, GDB_RD_CSUM2 } state;
	GString *buf;		/* unescaped payload of the current packet */
	size_t max;
	bool overflow;
	uint8_t sum;		/* of the raw bytes between $ and # */
	uint8_t csum_hi;
};

void gdb_packet_reader_init(struct gdb_packet_reader *r, size_t max);
void gdb_packet_reader_free(struct gdb_packet_reader *r);
enum gdb_feed_result gdb_packet_feed(struct gdb_packet_reader *r, uint8_t byte);

/* Append "$" + payload (with #, $, } and * escaped) + "#cc" to out. */
void gdb_packet_frame(GString *out, const void *payload, size_t len);

/* Hex helpers: -1 on a bad digit. */
int gdb_hex_digit(char c);
/* Append len bytes as 2*len lower-case hex digits. */
void gdb_hex_append(GString *out, const void *buf, size_t len);
/* Decode exactly 2*len hex digits from hex; false on a bad digit. */
bool gdb_hex_decode(const char *hex, void *buf, size_t len);
/*
 * Parse a hex number at *p (at least one digit, at most 16), advance *p past
 * it; false if there is none or it overflows 64 bits.
 */
bool gdb_parse_hex(const char **p, uint64_t *v);
/* Thread id "p<pid>.<tid>", "<tid>", "-1", "0" (gdb's multiprocess syntax too). */
bool gdb_parse_thread_id(const char **p, int64_t *tid);

#endif

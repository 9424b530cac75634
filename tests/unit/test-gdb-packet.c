// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The gdbstub's protocol layer without a VM: packet framing, checksums,
 * escaping, hostile input (gdb manual, Appendix E "Overview"), hex and
 * thread-id parsing, and the x86 register layouts against CPUX86State.
 */
#include "gdbstub/gdbstub-internal.h"
#include "target/i386/cpu.h"

/* Feed a whole string; return the last non-NONE result (NONE if none). */
static enum gdb_feed_result feed(struct gdb_packet_reader *r, const char *s, size_t len)
{
	enum gdb_feed_result last = GDB_FEED_NONE;

	for (size_t i = 0; i < len; i++) {
		enum gdb_feed_result x = gdb_packet_feed(r, (uint8_t)s[i]);

		if (x != GDB_FEED_NONE)
			last = x;
	}
	return last;
}

static void test_gdb_packet_good_checksum_is_delivered(void)
{
	struct gdb_packet_reader r;

	gdb_packet_reader_init(&r, GDB_PACKET_MAX);
	/* "qSupported" sums to 0x37 mod 256 */
	g_assert_cmpint(feed(&r, "$qSupported#37", 14), ==, GDB_FEED_PACKET);
	g_assert_cmpstr(r.buf->str, ==, "qSupported");
	g_assert_cmpint(feed(&r, "$g#67", 5), ==, GDB_FEED_PACKET);
	g_assert_cmpstr(r.buf->str, ==, "g");
	/* upper-case checksum digits are accepted too */
	g_assert_cmpint(feed(&r, "$?#3F", 5), ==, GDB_FEED_PACKET);
	gdb_packet_reader_free(&r);
}

static void test_gdb_packet_bad_checksum_is_nacked(void)
{
	struct gdb_packet_reader r;

	gdb_packet_reader_init(&r, GDB_PACKET_MAX);
	g_assert_cmpint(feed(&r, "$g#00", 5), ==, GDB_FEED_BAD);
	g_assert_cmpint(feed(&r, "$g#zz", 5), ==, GDB_FEED_BAD);
	g_assert_cmpint(feed(&r, "$g#6", 4), ==, GDB_FEED_NONE);
	g_assert_cmpint(feed(&r, "x", 1), ==, GDB_FEED_BAD);
	/* the reader is idle again: a good packet still goes through */
	g_assert_cmpint(feed(&r, "$g#67", 5), ==, GDB_FEED_PACKET);
	gdb_packet_reader_free(&r);
}

static void test_gdb_packet_restart_inside_packet_is_bad_then_recovers(void)
{
	struct gdb_packet_reader r;

	gdb_packet_reader_init(&r, GDB_PACKET_MAX);
	g_assert_cmpint(feed(&r, "$mabc", 5), ==, GDB_FEED_NONE);
	g_assert_cmpint(gdb_packet_feed(&r, '$'), ==, GDB_FEED_BAD);
	g_assert_cmpint(feed(&r, "g#67", 4), ==, GDB_FEED_PACKET);
	g_assert_cmpstr(r.buf->str, ==, "g");
	gdb_packet_reader_free(&r);
}

static void test_gdb_packet_acks_and_interrupt_outside_packets(void)
{
	struct gdb_packet_reader r;

	gdb_packet_reader_init(&r, GDB_PACKET_MAX);
	g_assert_cmpint(gdb_packet_feed(&r, '+'), ==, GDB_FEED_ACK);
	g_assert_cmpint(gdb_packet_feed(&r, '-'), ==, GDB_FEED_NACK);
	g_assert_cmpint(gdb_packet_feed(&r, 0x03), ==, GDB_FEED_INTERRUPT);
	g_assert_cmpint(gdb_packet_feed(&r, 'x'), ==, GDB_FEED_NONE);
	/* inside a packet 0x03 is data, not an interrupt */
	g_assert_cmpint(gdb_packet_feed(&r, '$'), ==, GDB_FEED_NONE);
	g_assert_cmpint(gdb_packet_feed(&r, 0x03), ==, GDB_FEED_NONE);
	g_assert_cmpint(feed(&r, "#03", 3), ==, GDB_FEED_PACKET);
	g_assert_cmpint(r.buf->len, ==, 1);
	gdb_packet_reader_free(&r);
}

static void test_gdb_packet_escape_is_undone_and_summed_raw(void)
{
	struct gdb_packet_reader r;
	g_autoptr(GString) framed = g_string_new(NULL);
	const char payload[] = { 'X', '#', '$', '}', '*', 0, 'a' };

	gdb_packet_reader_init(&r, GDB_PACKET_MAX);
	gdb_packet_frame(framed, payload, sizeof(payload));
	/* each of # $ } * became } and the byte xor 0x20 */
	g_assert_nonnull(strstr(framed->str, "}\x03}\x04}]}\x0a"));
	g_assert_cmpint(feed(&r, framed->str, framed->len), ==, GDB_FEED_PACKET);
	g_assert_cmpint(r.buf->len, ==, sizeof(payload));
	g_assert_cmpmem(r.buf->str, r.buf->len, payload, sizeof(payload));
	gdb_packet_reader_free(&r);
}

static void test_gdb_packet_oversized_is_refused_without_growing(void)
{
	struct gdb_packet_reader r;
	g_autoptr(GString) big = g_string_new(NULL);
	g_autofree char *payload = g_malloc(100000);

	memset(payload, 'a', 100000);
	gdb_packet_reader_init(&r, 64);
	gdb_packet_frame(big, payload, 100000);
	g_assert_cmpint(feed(&r, big->str, big->len), ==, GDB_FEED_OVERSIZED);
	g_assert_cmpuint(r.buf->len, <=, 64);
	g_assert_cmpint(feed(&r, "$g#67", 5), ==, GDB_FEED_PACKET);
	gdb_packet_reader_free(&r);
}

static void test_gdb_packet_random_bytes_never_crash(void)
{
	struct gdb_packet_reader r;
	GRand *rand = g_rand_new_with_seed(9);

	gdb_packet_reader_init(&r, 128);
	for (int i = 0; i < 200000; i++) {
		gdb_packet_feed(&r, g_rand_int_range(rand, 0, 256));
		g_assert_cmpuint(r.buf->len, <=, 128);
	}
	g_rand_free(rand);
	gdb_packet_reader_free(&r);
}

static void test_gdb_hex_and_thread_ids(void)
{
	const char *p;
	uint64_t v;
	int64_t tid;
	uint8_t buf[4];
	g_autoptr(GString) s = g_string_new(NULL);

	p = "1f,";
	g_assert_true(gdb_parse_hex(&p, &v));
	g_assert_cmphex(v, ==, 0x1f);
	g_assert_cmpstr(p, ==, ",");
	p = "ffffffffffffffff";
	g_assert_true(gdb_parse_hex(&p, &v));
	g_assert_cmphex(v, ==, UINT64_MAX);
	p = "10000000000000000";	/* 17 digits: overflow */
	g_assert_false(gdb_parse_hex(&p, &v));
	p = "";
	g_assert_false(gdb_parse_hex(&p, &v));
	p = "xyz";
	g_assert_false(gdb_parse_hex(&p, &v));

	g_assert_true(gdb_hex_decode("deadBEEF", buf, 4));
	g_assert_cmphex(ldl_le_p(buf), ==, 0xefbeadde);
	g_assert_false(gdb_hex_decode("de\0d", buf, 2));
	g_assert_false(gdb_hex_decode("zz", buf, 1));
	gdb_hex_append(s, buf, 4);
	g_assert_cmpstr(s->str, ==, "deadbeef");

	p = "-1";
	g_assert_true(gdb_parse_thread_id(&p, &tid));
	g_assert_cmpint(tid, ==, -1);
	p = "2";
	g_assert_true(gdb_parse_thread_id(&p, &tid));
	g_assert_cmpint(tid, ==, 2);
	p = "p1.3";
	g_assert_true(gdb_parse_thread_id(&p, &tid));
	g_assert_cmpint(tid, ==, 3);
	p = "p1.-1";
	g_assert_true(gdb_parse_thread_id(&p, &tid));
	g_assert_cmpint(tid, ==, -1);
	p = "ffffffffff";	/* beyond any thread id */
	g_assert_false(gdb_parse_thread_id(&p, &tid));
	p = "p";
	g_assert_false(gdb_parse_thread_id(&p, &tid));
}

static void test_gdb_target_descriptions_match_register_tables(void)
{
	for (int x64 = 0; x64 <= 1; x64++) {
		g_autofree char *xml = gdb_x86_target_xml(x64);
		unsigned n = gdb_x86_num_regs(x64), count = 0;

		g_assert_nonnull(strstr(xml, x64 ? "<architecture>i386:x86-64</architecture>" :
					       "<architecture>i386</architecture>"));
		g_assert_nonnull(strstr(xml, "org.gnu.gdb.i386.core"));
		g_assert_nonnull(strstr(xml, "org.gnu.gdb.i386.sse"));
		g_assert_nonnull(strstr(xml, "name=\"cr3\""));
		g_assert_nonnull(strstr(xml, "name=\"fs_base\""));
		/* gdb 13's i386 asserts on the segments feature: only amd64 has it */
		g_assert_true(!strstr(xml, "org.gnu.gdb.i386.segments") == !x64);
		for (const char *p = xml; (p = strstr(p, "<reg ")); p++)
			count++;
		g_assert_cmpuint(count, ==, n);
		g_assert_cmpint(gdb_x86_reg_size(x64, n), ==, 0);
	}
	/* gdb's fixed numbering of the core registers */
	g_assert_cmpuint(gdb_x86_num_regs(true), >=, 57);
	g_assert_cmpint(gdb_x86_reg_size(true, 16), ==, 8);	/* rip */
	g_assert_cmpint(gdb_x86_reg_size(true, 24), ==, 10);	/* st0 */
	g_assert_cmpint(gdb_x86_reg_size(true, 40), ==, 16);	/* xmm0 */
	g_assert_cmpint(gdb_x86_reg_size(false, 8), ==, 4);	/* eip */
	g_assert_cmpint(gdb_x86_reg_size(false, 16), ==, 10);	/* st0 */
}

static void test_gdb_registers_read_and_write_cpu_state(void)
{
	CPUX86State env = { 0 };
	uint8_t buf[16];

	env.regs[R_EBX] = 0x1122334455667788ULL;
	env.rip = 0xffffffff81000000ULL;
	env.segs[R_CS].selector = 0x10;
	env.fpu_status = 3 << 11;			/* TOP = 3: st0 is physical register 3 */
	env.st[3].mantissa = 0x8000000000000000ULL;
	env.st[3].sign_exponent = 0x3fff;		/* 1.0 */
	env.xmm[5].q[1] = 42;

	g_assert_cmpint(gdb_x86_read_reg(&env, true, 1, buf), ==, 8);	/* rbx */
	g_assert_cmphex(ldq_le_p(buf), ==, 0x1122334455667788ULL);
	g_assert_cmpint(gdb_x86_read_reg(&env, false, 3, buf), ==, 4);	/* ebx */
	g_assert_cmphex(ldl_le_p(buf), ==, 0x55667788);
	g_assert_cmpint(gdb_x86_read_reg(&env, true, 16, buf), ==, 8);
	g_assert_cmphex(ldq_le_p(buf), ==, env.rip);
	g_assert_cmpint(gdb_x86_read_reg(&env, true, 18, buf), ==, 4);	/* cs */
	g_assert_cmphex(ldl_le_p(buf), ==, 0x10);
	g_assert_cmpint(gdb_x86_read_reg(&env, true, 24, buf), ==, 10);	/* st0 */
	g_assert_cmphex(lduw_le_p(buf + 8), ==, 0x3fff);
	g_assert_cmpint(gdb_x86_read_reg(&env, true, 45, buf), ==, 16);	/* xmm5 */
	g_assert_cmphex(ldq_le_p(buf + 8), ==, 42);
	g_assert_cmpint(gdb_x86_read_reg(&env, true, 999, buf), ==, 0);

	/* a 32-bit write keeps bits 63:32; eflags keeps its fixed bits */
	stl_le_p(buf, 0xcafe);
	g_assert_cmpint(gdb_x86_write_reg(&env, false, 3, buf), ==, 4);
	g_assert_cmphex(env.regs[R_EBX], ==, 0x112233440000cafeULL);
	stl_le_p(buf, 0xffffffff);
	gdb_x86_write_reg(&env, true, 17, buf);
	g_assert_cmphex(env.rflags, ==, 0x3f7fd7);
	/* real mode: a selector write moves the segment base with it */
	stl_le_p(buf, 0x1234);
	gdb_x86_write_reg(&env, false, 12, buf);			/* ds */
	g_assert_cmphex(env.segs[R_DS].base, ==, 0x12340);
	/* control registers are not writable from gdb */
	stq_le_p(buf, 0);
	env.cr[0] = CR0_PE | CR0_PG;
	g_assert_cmpint(gdb_x86_write_reg(&env, true, 60, buf), ==, 8);	/* cr0 */
	g_assert_cmphex(env.cr[0], ==, CR0_PE | CR0_PG);
	g_assert_cmpint(gdb_x86_write_reg(&env, true, 999, buf), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/gdb/packet/good-checksum", test_gdb_packet_good_checksum_is_delivered);
	g_test_add_func("/gdb/packet/bad-checksum", test_gdb_packet_bad_checksum_is_nacked);
	g_test_add_func("/gdb/packet/restart", test_gdb_packet_restart_inside_packet_is_bad_then_recovers);
	g_test_add_func("/gdb/packet/acks-interrupt", test_gdb_packet_acks_and_interrupt_outside_packets);
	g_test_add_func("/gdb/packet/escape", test_gdb_packet_escape_is_undone_and_summed_raw);
	g_test_add_func("/gdb/packet/oversized", test_gdb_packet_oversized_is_refused_without_growing);
	g_test_add_func("/gdb/packet/random", test_gdb_packet_random_bytes_never_crash);
	g_test_add_func("/gdb/hex-thread-ids", test_gdb_hex_and_thread_ids);
	g_test_add_func("/gdb/regs/descriptions", test_gdb_target_descriptions_match_register_tables);
	g_test_add_func("/gdb/regs/read-write", test_gdb_registers_read_and_write_cpu_state);
	return g_test_run();
}

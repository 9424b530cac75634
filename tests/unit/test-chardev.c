// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Character devices: -chardev and -serial option parsing (good and bad
 * input), the file, pty and socket backends, and the mux with its Ctrl-A
 * escapes. Input arrives through glib's default main context, which the
 * tests spin by hand.
 */
#include "kemu/common.h"
#include "chardev/char.h"
#include "system/main-loop.h"

#include <fcntl.h>
#include <poll.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static char *tmpdir;

static char *tmp_path(const char *name)
{
	return g_build_filename(tmpdir, name, NULL);
}

/* Spin the default main context until *flag or a 5 s deadline. */
static void spin_until(const bool *flag)
{
	gint64 end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

	while (!*flag && g_get_monotonic_time() < end)
		g_main_context_iteration(NULL, FALSE);
	g_assert_true(*flag);
}

static void spin_a_little(void)
{
	for (int i = 0; i < 50; i++)
		g_main_context_iteration(NULL, FALSE);
}

static void read_exactly(int fd, char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		g_assert_cmpint(poll(&pfd, 1, 5000), ==, 1);
		n = read(fd, buf + done, len - done);
		g_assert_cmpint(n, >, 0);
		done += n;
	}
}

/* ---- a recording front end ---- */

struct fe_rec {
	struct chardev_frontend fe;
	GString *in;
	int room;		/* free space: what can_receive answers */
	int opened, closed, breaks, mux_in, mux_out;
	bool got_input;
	bool echo;
};

static int rec_can_receive(void *opaque)
{
	return ((struct fe_rec *)opaque)->room;
}

static void rec_receive(void *opaque, const uint8_t *buf, int len)
{
	struct fe_rec *r = opaque;

	g_assert_cmpint(len, <=, r->room);	/* never more than can_receive allowed */
	g_string_append_len(r->in, (const char *)buf, len);
	r->room -= len;
	r->got_input = true;
	if (r->echo)
		chardev_fe_write_all(&r->fe, buf, len);
}

static void rec_event(void *opaque, enum chardev_event ev)
{
	struct fe_rec *r = opaque;

	switch (ev) {
	case CHARDEV_EVENT_OPENED: r->opened++; break;
	case CHARDEV_EVENT_CLOSED: r->closed++; break;
	case CHARDEV_EVENT_BREAK: r->breaks++; break;
	case CHARDEV_EVENT_MUX_IN: r->mux_in++; break;
	case CHARDEV_EVENT_MUX_OUT: r->mux_out++; break;
	}
}

static const struct chardev_handlers rec_handlers = {
	.can_receive = rec_can_receive,
	.receive = rec_receive,
	.event = rec_event,
};

static void rec_attach(struct fe_rec *r, struct chardev *chr)
{
	GError *err = NULL;

	memset(r, 0, sizeof(*r));
	r->in = g_string_new(NULL);
	r->room = 64;
	g_assert_true(chardev_fe_init(&r->fe, chr, &err));
	g_assert_no_error(err);
	chardev_fe_set_handlers(&r->fe, &rec_handlers, r);
}

static void rec_detach(struct fe_rec *r)
{
	chardev_fe_deinit(&r->fe);
	g_string_free(r->in, TRUE);
}

/* ---- a backend that records output, for the mux ---- */

static GString *testbuf_out;
static struct chardev *testbuf_last;

static bool testbuf_open(struct chardev *chr, struct chardev_opts *opts, GError **errp)
{
	testbuf_last = chr;
	chr->be_open = true;
	return true;
}

static int testbuf_write(struct chardev *chr, const uint8_t *buf, int len)
{
	g_string_append_len(testbuf_out, (const char *)buf, len);
	return len;
}

static void testbuf_class_init(struct object_class *oc, const void *data)
{
	struct chardev_class *cc = (struct chardev_class *)oc;

	cc->open = testbuf_open;
	cc->write = testbuf_write;
}

static const struct type_info testbuf_type = {
	.name = "chardev-testbuf",
	.parent = TYPE_CHARDEV,
	.instance_size = sizeof(struct chardev),
	.class_size = sizeof(struct chardev_class),
	.class_init = testbuf_class_init,
};

/* ---- option parsing ---- */

static void expect_error(const char *opts, const char *message)
{
	GError *err = NULL;

	g_assert_null(chardev_new_from_opts(opts, &err));
	g_assert_nonnull(err);
	g_assert_cmpstr(err->message, ==, message);
	g_error_free(err);
}

static void test_chardev_opts_unknown_backend_is_named(void)
{
	expect_error("foo,id=x", "-chardev foo,id=x: unknown chardev backend 'foo'");
	expect_error("mux,id=x", "-chardev mux,id=x: unknown chardev backend 'mux'");
	expect_error("", "-chardev : unknown chardev backend ''");
}

static void test_chardev_opts_bad_input_is_refused(void)
{
	expect_error("null", "-chardev null: Parameter 'id' is missing");
	expect_error("null,id=a,colour=red", "-chardev null,id=a,colour=red: Invalid parameter 'colour'");
	expect_error("id=a,null", "-chardev id=a,null: the backend name must come first");
	expect_error("socket,id=s,path=/tmp/x,server=maybe",
		     "-chardev socket,id=s,path=/tmp/x,server=maybe: Parameter 'server' expects 'on' or 'off'");
	expect_error("socket,id=s", "-chardev socket,id=s: Parameter 'path' or 'port' is missing");
	expect_error("socket,id=s,path=/tmp/x,telnet=on", "-chardev socket,id=s,path=/tmp/x,telnet=on: telnet=on is not supported");
	expect_error("file,id=f", "-chardev file,id=f: Parameter 'path' is missing");
	expect_error("file,id=f,path=/nonexistent/dir/out",
		     "-chardev file,id=f,path=/nonexistent/dir/out: could not open '/nonexistent/dir/out': No such file or directory");
	expect_error("null,id=m,mux=perhaps", "-chardev null,id=m,mux=perhaps: Parameter 'mux' expects 'on' or 'off'");
	g_assert_null(chardev_find("a"));
	g_assert_null(chardev_find("s"));
}

static void test_chardev_opts_duplicate_id_is_refused(void)
{
	GError *err = NULL;

	g_assert_nonnull(chardev_new_from_opts("null,id=dup", &err));
	expect_error("null,id=dup", "-chardev null,id=dup: duplicate chardev id 'dup'");
	chardev_remove_all();
	g_assert_null(chardev_find("dup"));
}

static void test_chardev_opts_null_registers_by_id(void)
{
	GError *err = NULL;
	struct chardev *chr = chardev_new_from_opts("null,id=n0", &err);
	g_autoptr(GPtrArray) list = NULL;

	g_assert_no_error(err);
	g_assert_true(chardev_find("n0") == chr);
	g_assert_cmpint(chardev_write_all(chr, (const uint8_t *)"abc", 3), ==, 3);
	list = chardev_list();
	g_assert_cmpint(list->len, ==, 1);
	g_assert_true(object_resolve_path("/chardevs/n0") == OBJECT(chr));	/* qom-list sees it */
	chardev_remove_all();
}

static void test_chardev_legacy_specs(void)
{
	g_autofree char *file = tmp_path("legacy-out");
	g_autofree char *spec = g_strdup_printf("file:%s", file);
	g_autofree char *sock = tmp_path("legacy-sock");
	g_autofree char *uspec = g_strdup_printf("unix:%s,server=on,wait=off", sock);
	GError *err = NULL;
	struct chardev *chr;

	g_assert_null(chardev_new_from_legacy("none", "s0", &err));
	g_assert_no_error(err);

	chr = chardev_new_from_legacy("null", "s0", &err);
	g_assert_no_error(err);
	g_assert_true(chardev_find("s0") == chr);
	g_assert_true(chardev_new_from_legacy("chardev:s0", "ignored", &err) == chr);

	chr = chardev_new_from_legacy(spec, "s1", &err);
	g_assert_no_error(err);
	g_assert_cmpstr(chr->desc, ==, spec);

	chr = chardev_new_from_legacy(uspec, "s2", &err);
	g_assert_no_error(err);
	g_assert_true(g_file_test(sock, G_FILE_TEST_EXISTS));

	chr = chardev_new_from_legacy("tcp:127.0.0.1:0,server=on,wait=off,nodelay=on", "s3", &err);
	g_assert_no_error(err);
	g_assert_nonnull(chr);

	/* QEMU's short boolean forms */
	chr = chardev_new_from_legacy("tcp::0,server,nowait", "s4", &err);
	g_assert_no_error(err);
	g_assert_nonnull(chr);

	chr = chardev_new_from_legacy("mon:null", "s5", &err);
	g_assert_no_error(err);
	g_assert_true(chardev_is_mux(chr));

	g_assert_null(chardev_new_from_legacy("chardev:nope", "x", &err));
	g_assert_cmpstr(err->message, ==, "chardev 'nope' not found");
	g_clear_error(&err);
	g_assert_null(chardev_new_from_legacy("vc:80Cx24C", "x", &err));
	g_assert_cmpstr(err->message, ==, "unknown chardev backend 'vc'");
	g_clear_error(&err);
	g_assert_null(chardev_new_from_legacy("tcp:nonsense", "x", &err));
	g_assert_nonnull(strstr(err->message, "HOST:PORT"));
	g_clear_error(&err);
	g_assert_null(chardev_new_from_legacy("null", "s0", &err));	/* id taken */
	g_assert_nonnull(strstr(err->message, "duplicate"));
	g_clear_error(&err);

	chardev_remove_all();
	g_assert_false(g_file_test(sock, G_FILE_TEST_EXISTS));	/* server removes its socket */
	unlink(file);
}

/* ---- backends ---- */

static void test_chardev_file_backend_writes_and_truncates_or_appends(void)
{
	g_autofree char *path = tmp_path("file-out");
	g_autofree char *opts = g_strdup_printf("file,id=f,path=%s", path);
	g_autofree char *opts_append = g_strdup_printf("file,id=f,path=%s,append=on", path);
	g_autofree char *contents = NULL;
	GError *err = NULL;
	struct fe_rec r;
	struct chardev *chr;

	chr = chardev_new_from_opts(opts, &err);
	g_assert_no_error(err);
	rec_attach(&r, chr);
	g_assert_cmpint(r.opened, ==, 1);	/* always-open backends say so on attach */
	g_assert_cmpint(chardev_fe_write_all(&r.fe, (const uint8_t *)"hello\n", 6), ==, 6);
	rec_detach(&r);
	chardev_remove_all();
	g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
	g_assert_cmpstr(contents, ==, "hello\n");
	g_clear_pointer(&contents, g_free);

	chr = chardev_new_from_opts(opts_append, &err);
	g_assert_no_error(err);
	chardev_write_all(chr, (const uint8_t *)"more", 4);
	chardev_remove_all();
	g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
	g_assert_cmpstr(contents, ==, "hello\nmore");
	g_clear_pointer(&contents, g_free);

	chr = chardev_new_from_opts(opts, &err);
	g_assert_no_error(err);
	chardev_remove_all();
	g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
	g_assert_cmpstr(contents, ==, "");
	unlink(path);
}

static void test_chardev_logfile_copies_output(void)
{
	g_autofree char *log = tmp_path("copy.log");
	g_autofree char *opts = g_strdup_printf("null,id=l,logfile=%s", log);
	g_autofree char *contents = NULL;
	GError *err = NULL;
	struct chardev *chr = chardev_new_from_opts(opts, &err);

	g_assert_no_error(err);
	chardev_write_all(chr, (const uint8_t *)"seen", 4);
	chardev_remove_all();
	g_assert_true(g_file_get_contents(log, &contents, NULL, NULL));
	g_assert_cmpstr(contents, ==, "seen");
	unlink(log);
	expect_error("null,id=l,logfile=/nonexistent/dir/log",
		     "-chardev null,id=l,logfile=/nonexistent/dir/log: could not open log file "
		     "'/nonexistent/dir/log': No such file or directory");
}

static void test_chardev_pipe_uses_in_and_out_fifos(void)
{
	g_autofree char *base = tmp_path("fifo");
	g_autofree char *in = g_strdup_printf("%s.in", base);
	g_autofree char *out = g_strdup_printf("%s.out", base);
	g_autofree char *spec = g_strdup_printf("pipe:%s", base);
	GError *err = NULL;
	struct chardev *chr;
	struct fe_rec r;
	char buf[4] = { 0 };
	int wfd, rfd;

	g_assert_cmpint(mkfifo(in, 0600), ==, 0);
	g_assert_cmpint(mkfifo(out, 0600), ==, 0);
	rfd = open(out, O_RDONLY | O_NONBLOCK);		/* a reader, so the open for writing won't block */
	chr = chardev_new_from_legacy(spec, "pp", &err);
	g_assert_no_error(err);
	rec_attach(&r, chr);
	chardev_fe_write_all(&r.fe, (const uint8_t *)"abc", 3);
	read_exactly(rfd, buf, 3);
	g_assert_cmpstr(buf, ==, "abc");
	wfd = open(in, O_WRONLY);
	g_assert_cmpint(write(wfd, "xy", 2), ==, 2);
	while (r.in->len < 2)
		g_main_context_iteration(NULL, TRUE);
	g_assert_cmpstr(r.in->str, ==, "xy");
	rec_detach(&r);
	chardev_remove_all();
	close(wfd);
	close(rfd);
	unlink(in);
	unlink(out);
}

static void test_chardev_host_tty_backend(void)
{
	GError *err = NULL;
	struct chardev *chr;
	struct fe_rec r;
	char buf[3] = { 0 };
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	g_autofree char *spec = NULL;

	g_assert_cmpint(master, >=, 0);
	g_assert_cmpint(grantpt(master), ==, 0);
	g_assert_cmpint(unlockpt(master), ==, 0);
	spec = g_strdup(ptsname(master));
	chr = chardev_new_from_legacy(spec, "tty0", &err);	/* "-serial /dev/pts/N" */
	g_assert_no_error(err);
	g_assert_true(g_str_has_prefix(chr->desc, "serial:/dev/"));
	rec_attach(&r, chr);
	chardev_fe_write_all(&r.fe, (const uint8_t *)"to", 2);
	read_exactly(master, buf, 2);
	g_assert_cmpstr(buf, ==, "to");
	rec_detach(&r);
	chardev_remove_all();
	close(master);
	expect_error("tty,id=t,path=/dev/null", "-chardev tty,id=t,path=/dev/null: '/dev/null' is not a terminal device");
}

static void test_chardev_ringbuf_keeps_the_newest_bytes(void)
{
	GError *err = NULL;
	struct chardev *chr = chardev_new_from_opts("ringbuf,id=rb,size=8", &err);
	struct fe_rec r;
	GByteArray *got;

	g_assert_no_error(err);
	g_assert_true(chardev_is_ringbuf(chr));
	chardev_write_all(chr, (const uint8_t *)"0123456789", 10);
	got = chardev_ringbuf_read(chr, 100);
	g_assert_cmpmem(got->data, got->len, "23456789", 8);
	g_byte_array_free(got, TRUE);
	got = chardev_ringbuf_read(chr, 100);
	g_assert_cmpint(got->len, ==, 0);
	g_byte_array_free(got, TRUE);
	rec_attach(&r, chr);
	g_assert_cmpint(chardev_ringbuf_write(chr, (const uint8_t *)"in", 2), ==, 2);
	g_assert_cmpstr(r.in->str, ==, "in");
	rec_detach(&r);
	chardev_remove_all();
	chr = chardev_new_from_opts("memory,id=old", &err);	/* QEMU's old name */
	g_assert_no_error(err);
	g_assert_true(chardev_is_ringbuf(chr));
	chardev_remove_all();
	expect_error("ringbuf,id=rb,size=100", "-chardev ringbuf,id=rb,size=100: size 100: expects a power of two up to 64 MiB");
}

static void test_chardev_second_frontend_is_refused_unless_mux(void)
{
	GError *err = NULL;
	struct chardev *chr = chardev_new_from_opts("null,id=one", &err);
	struct chardev_frontend fe1, fe2;

	g_assert_true(chardev_fe_init(&fe1, chr, &err));
	g_assert_false(chardev_fe_init(&fe2, chr, &err));
	g_assert_cmpstr(err->message, ==, "chardev 'one' is already in use");
	g_clear_error(&err);
	chardev_fe_deinit(&fe1);
	g_assert_true(chardev_fe_init(&fe2, chr, &err));
	chardev_fe_deinit(&fe2);
	/* an unattached front end writes nowhere, quietly */
	g_assert_true(chardev_fe_init(&fe1, NULL, &err));
	g_assert_cmpint(chardev_fe_write_all(&fe1, (const uint8_t *)"x", 1), ==, 1);
	g_assert_false(chardev_fe_is_open(&fe1));
	chardev_remove_all();
}

static int unix_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	g_assert_cmpint(fd, >=, 0);
	g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
	g_assert_cmpint(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
	return fd;
}


static void test_chardev_socket_server_accepts_and_echoes(void)
{
	g_autofree char *path = tmp_path("echo.sock");
	g_autofree char *opts = g_strdup_printf("socket,id=srv,path=%s,server=on,wait=off", path);
	GError *err = NULL;
	struct chardev *chr;
	struct fe_rec r;
	char buf[8] = { 0 };
	int fd;

	chr = chardev_new_from_opts(opts, &err);
	g_assert_no_error(err);
	rec_attach(&r, chr);
	r.echo = true;
	g_assert_cmpint(r.opened, ==, 0);
	g_assert_false(chardev_fe_is_open(&r.fe));
	/* output with nobody connected is dropped, never blocks */
	g_assert_cmpint(chardev_write_all(chr, (const uint8_t *)"lost", 4), ==, 4);

	for (int round = 1; round <= 2; round++) {
		fd = unix_connect(path);
		while (r.opened < round)
			g_main_context_iteration(NULL, TRUE);
		g_assert_true(chardev_fe_is_open(&r.fe));
		g_assert_cmpint(write(fd, "ping", 4), ==, 4);
		r.got_input = false;
		spin_until(&r.got_input);
		while (r.in->len < 4 * (gsize)round)
			g_main_context_iteration(NULL, TRUE);
		read_exactly(fd, buf, 4);
		g_assert_cmpstr(buf, ==, "ping");
		close(fd);
		while (r.closed < round)
			g_main_context_iteration(NULL, TRUE);
		g_assert_false(chardev_fe_is_open(&r.fe));
	}
	g_assert_cmpstr(r.in->str, ==, "pingping");
	rec_detach(&r);
	chardev_remove_all();
}

/*
 * A peer that connects and stops reading must not stall the writer (a vCPU
 * thread in real use): writes return at once, a bounded queue keeps what
 * the socket did not take, the rest is dropped with a warning; once the
 * peer reads again it gets the queued bytes in order, the oldest first.
 */
static void test_chardev_socket_writes_never_wait_for_the_peer(void)
{
	g_autofree char *path = tmp_path("slow.sock");
	g_autofree char *opts = g_strdup_printf("socket,id=slow,path=%s,server=on,wait=off", path);
	const size_t total = 4u << 20, chunk = 4096;
	g_autofree uint8_t *data = g_malloc(total);
	g_autofree uint8_t *got = g_malloc(total);
	GError *err = NULL;
	struct chardev *chr;
	struct fe_rec r;
	gint64 t0;
	size_t n = 0;
	int fd;

	for (size_t i = 0; i < total; i++)
		data[i] = (uint8_t)(i * 131 + (i >> 12));
	chr = chardev_new_from_opts(opts, &err);
	g_assert_no_error(err);
	rec_attach(&r, chr);
	fd = unix_connect(path);
	while (r.opened < 1)
		main_loop_wait(10 * NS_PER_MS);

	t0 = g_get_monotonic_time();
	for (size_t off = 0; off < total; off += chunk)
		g_assert_cmpint(chardev_write_all(chr, data + off, chunk), ==, chunk);
	/* 4 MiB against a peer that reads nothing: no waiting (generous bound) */
	g_assert_cmpint(g_get_monotonic_time() - t0, <, 10 * G_USEC_PER_SEC);

	/* now read: the main loop sends the queue as the socket drains */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	for (gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	     g_get_monotonic_time() < end;) {
		ssize_t k = read(fd, got + n, total - n);

		if (k > 0) {
			n += k;
			end = g_get_monotonic_time() + G_USEC_PER_SEC;	/* quiet for 1 s: done */
		}
		main_loop_wait(NS_PER_MS);
	}
	/* at least the 1 MiB queue arrived, in order, from the first byte */
	g_assert_cmpuint(n, >=, 1u << 20);
	g_assert_cmpuint(n, <, total);
	g_assert_cmpmem(got, n, data, n);
	close(fd);
	while (r.closed < 1)
		main_loop_wait(10 * NS_PER_MS);
	rec_detach(&r);
	chardev_remove_all();
}

static int free_tcp_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int port;

	g_assert_cmpint(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), ==, 0);
	g_assert_cmpint(getsockname(fd, (struct sockaddr *)&sin, &len), ==, 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static void test_chardev_tcp_server_accepts_and_echoes(void)
{
	int port = free_tcp_port();
	g_autofree char *spec = g_strdup_printf("tcp:127.0.0.1:%d,server=on,wait=off,nodelay=on", port);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	GError *err = NULL;
	struct chardev *chr = chardev_new_from_legacy(spec, "tcp0", &err);
	struct fe_rec r;
	char buf[5] = { 0 };
	int fd;

	g_assert_no_error(err);
	rec_attach(&r, chr);
	r.echo = true;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	g_assert_cmpint(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), ==, 0);
	while (!r.opened)
		g_main_context_iteration(NULL, TRUE);
	g_assert_cmpint(write(fd, "tcp!", 4), ==, 4);
	while (r.in->len < 4)
		g_main_context_iteration(NULL, TRUE);
	read_exactly(fd, buf, 4);
	g_assert_cmpstr(buf, ==, "tcp!");
	close(fd);
	rec_detach(&r);
	chardev_remove_all();
}

static void test_chardev_socket_input_waits_while_frontend_is_full(void)
{
	g_autofree char *path = tmp_path("full.sock");
	g_autofree char *opts = g_strdup_printf("socket,id=srv,path=%s,server=on,wait=off", path);
	GError *err = NULL;
	struct chardev *chr;
	struct fe_rec r;
	int fd;

	chr = chardev_new_from_opts(opts, &err);
	g_assert_no_error(err);
	rec_attach(&r, chr);
	r.room = 2;
	fd = unix_connect(path);
	while (!r.opened)
		g_main_context_iteration(NULL, TRUE);
	g_assert_cmpint(write(fd, "abcdef", 6), ==, 6);
	spin_until(&r.got_input);
	spin_a_little();
	g_assert_cmpstr(r.in->str, ==, "ab");	/* full now: the rest waits */
	r.room = 64;
	chardev_fe_accept_input(&r.fe);
	while (r.in->len < 6)
		g_main_context_iteration(NULL, TRUE);
	g_assert_cmpstr(r.in->str, ==, "abcdef");
	close(fd);
	rec_detach(&r);
	chardev_remove_all();
}

static void test_chardev_socket_client_connects_to_server(void)
{
	g_autofree char *path = tmp_path("client.sock");
	g_autofree char *opts = g_strdup_printf("socket,id=cli,path=%s", path);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	GError *err = NULL;
	struct chardev *chr;
	struct fe_rec r;
	char buf[4] = { 0 };
	int lfd, fd;

	/* nobody listening: a clear error */
	g_assert_null(chardev_new_from_opts(opts, &err));
	g_assert_nonnull(strstr(err->message, "could not connect"));
	g_clear_error(&err);

	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
	g_assert_cmpint(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
	g_assert_cmpint(listen(lfd, 1), ==, 0);
	chr = chardev_new_from_opts(opts, &err);
	g_assert_no_error(err);
	fd = accept(lfd, NULL, NULL);
	g_assert_cmpint(fd, >=, 0);
	rec_attach(&r, chr);
	g_assert_cmpint(r.opened, ==, 1);
	chardev_fe_write_all(&r.fe, (const uint8_t *)"hey", 3);
	read_exactly(fd, buf, 3);
	g_assert_cmpstr(buf, ==, "hey");
	rec_detach(&r);
	chardev_remove_all();
	close(fd);
	close(lfd);
	unlink(path);
}

static void test_chardev_socket_client_reconnects_until_server_appears(void)
{
	g_autofree char *path = tmp_path("late.sock");
	g_autofree char *opts = g_strdup_printf("socket,id=cli,path=%s,reconnect=1", path);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	GError *err = NULL;
	struct chardev *chr;
	struct fe_rec r;
	bool opened = false;
	gint64 end;
	int lfd;

	chr = chardev_new_from_opts(opts, &err);	/* no server yet: not an error */
	g_assert_no_error(err);
	rec_attach(&r, chr);
	g_assert_cmpint(r.opened, ==, 0);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
	g_assert_cmpint(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
	g_assert_cmpint(listen(lfd, 1), ==, 0);
	end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
	while (!opened && g_get_monotonic_time() < end) {
		g_main_context_iteration(NULL, TRUE);
		opened = r.opened > 0;
	}
	g_assert_true(opened);
	rec_detach(&r);
	chardev_remove_all();
	close(lfd);
	unlink(path);
}

static void test_chardev_pty_carries_both_directions(void)
{
	GError *err = NULL;
	struct chardev *chr = chardev_new_from_opts("pty,id=p", &err);
	struct fe_rec r;
	char buf[4] = { 0 };
	int fd;

	g_assert_no_error(err);
	g_assert_true(g_str_has_prefix(chr->desc, "pty:/dev/"));
	fd = open(chr->desc + 4, O_RDWR | O_NOCTTY);
	g_assert_cmpint(fd, >=, 0);
	rec_attach(&r, chr);
	chardev_fe_write_all(&r.fe, (const uint8_t *)"out", 3);
	read_exactly(fd, buf, 3);
	g_assert_cmpstr(buf, ==, "out");
	g_assert_cmpint(write(fd, "in", 2), ==, 2);
	while (r.in->len < 2)
		g_main_context_iteration(NULL, TRUE);
	g_assert_cmpstr(r.in->str, ==, "in");
	close(fd);
	rec_detach(&r);
	chardev_remove_all();
}

static void test_chardev_stdio_only_once(void)
{
	GError *err = NULL;
	struct chardev *chr = chardev_new_from_opts("stdio,id=io,signal=off", &err);

	g_assert_no_error(err);
	g_assert_nonnull(chr);
	expect_error("stdio,id=io2", "-chardev stdio,id=io2: cannot use stdio by multiple character devices");
	chardev_remove_all();
	chardev_stdio_restore_terminal();
	chr = chardev_new_from_opts("stdio,id=io3", &err);	/* free again */
	g_assert_no_error(err);
	chardev_remove_all();
}

/* ---- mux ---- */

static int quits;
static void count_quit(void *opaque)
{
	quits++;
}

static void mux_input(const char *s)
{
	chardev_be_receive(testbuf_last, (const uint8_t *)s, strlen(s));
}

static void test_chardev_mux_focus_switching_and_escapes(void)
{
	GError *err = NULL;
	struct chardev *mux;
	struct fe_rec mon, serial;

	testbuf_out = g_string_new(NULL);
	mux = chardev_new_from_opts("testbuf,id=m,mux=on", &err);
	g_assert_no_error(err);
	g_assert_true(chardev_is_mux(mux));
	g_assert_true(chardev_find("m") == mux);

	rec_attach(&mon, mux);		/* the monitor attaches first... */
	rec_attach(&serial, mux);	/* ...the serial port last and gets the focus */
	g_assert_cmpint(mon.opened, ==, 1);
	g_assert_cmpint(serial.opened, ==, 1);
	g_assert_cmpint(chardev_mux_focus(mux), ==, serial.fe.tag);

	mux_input("ls\r");
	g_assert_cmpstr(serial.in->str, ==, "ls\r");
	g_assert_cmpstr(mon.in->str, ==, "");

	mux_input("\x01" "c");		/* C-a c: next front end */
	g_assert_cmpint(chardev_mux_focus(mux), ==, mon.fe.tag);
	g_assert_cmpint(serial.mux_out, >=, 1);
	g_assert_cmpint(mon.mux_in, >=, 1);
	mux_input("info");
	g_assert_cmpstr(mon.in->str, ==, "info");
	mux_input("\x01" "c");
	g_assert_cmpint(chardev_mux_focus(mux), ==, serial.fe.tag);

	mux_input("\x01\x01");		/* C-a C-a: a literal C-a */
	g_assert_cmpstr(serial.in->str, ==, "ls\r\x01");

	mux_input("\x01" "b");		/* C-a b: break to the focused one */
	g_assert_cmpint(serial.breaks, ==, 1);
	g_assert_cmpint(mon.breaks, ==, 0);

	mux_input("\x01" "h");		/* C-a h: help on the terminal */
	g_assert_nonnull(strstr(testbuf_out->str, "C-a x    exit emulator"));

	mux_input("\x01" "s");		/* C-a s: ignored, with a message */
	g_assert_nonnull(strstr(testbuf_out->str, "not implemented"));
	g_assert_cmpstr(serial.in->str, ==, "ls\r\x01");

	mux_input("\x01" "t");		/* C-a t: timestamps on */
	g_string_truncate(testbuf_out, 0);
	chardev_fe_write_all(&serial.fe, (const uint8_t *)"a\nb", 3);
	g_assert_true(g_regex_match_simple("^\\[0\\.[0-9]{3}\\] a\n\\[0\\.[0-9]{3}\\] b$",
					   testbuf_out->str, 0, 0));
	mux_input("\x01" "t");		/* and off */

	chardev_set_quit_handler(count_quit, NULL);
	mux_input("\x01" "x");		/* C-a x: quit */
	g_assert_cmpint(quits, ==, 1);
	chardev_set_quit_handler(NULL, NULL);

	/* output of every front end goes out, focused or not */
	g_string_truncate(testbuf_out, 0);
	chardev_fe_write_all(&mon.fe, (const uint8_t *)"(kemu) ", 7);
	chardev_fe_write_all(&serial.fe, (const uint8_t *)"login:", 6);
	g_assert_cmpstr(testbuf_out->str, ==, "(kemu) login:");

	rec_detach(&serial);
	g_assert_cmpint(chardev_mux_focus(mux), ==, mon.fe.tag);	/* focus moves on */
	rec_detach(&mon);
	chardev_remove_all();
	g_string_free(testbuf_out, TRUE);
}

static void test_chardev_mux_buffers_input_the_frontend_cannot_take(void)
{
	GError *err = NULL;
	struct chardev *mux;
	struct fe_rec fe;

	testbuf_out = g_string_new(NULL);
	mux = chardev_new_from_opts("testbuf,id=m,mux=on", &err);
	g_assert_no_error(err);
	rec_attach(&fe, mux);
	fe.room = 0;
	g_assert_cmpint(chardev_be_can_receive(testbuf_last), >, 0);
	mux_input("abc");
	g_assert_cmpstr(fe.in->str, ==, "");
	fe.room = 64;
	chardev_fe_accept_input(&fe.fe);
	g_assert_cmpstr(fe.in->str, ==, "abc");
	rec_detach(&fe);
	chardev_remove_all();
	g_string_free(testbuf_out, TRUE);
}

static void test_chardev_mux_refuses_a_fifth_frontend(void)
{
	GError *err = NULL;
	struct chardev *mux;
	struct chardev_frontend fes[5];

	testbuf_out = g_string_new(NULL);
	mux = chardev_new_from_opts("testbuf,id=m,mux=on", &err);
	for (int i = 0; i < 4; i++)
		g_assert_true(chardev_fe_init(&fes[i], mux, &err));
	g_assert_false(chardev_fe_init(&fes[4], mux, &err));
	g_assert_cmpstr(err->message, ==, "too many uses of multiplexed chardev 'm' (maximum is 4)");
	g_clear_error(&err);
	for (int i = 0; i < 4; i++)
		chardev_fe_deinit(&fes[i]);
	chardev_remove_all();
	g_string_free(testbuf_out, TRUE);
}

int main(int argc, char **argv)
{
	int ret;

	g_test_init(&argc, &argv, NULL);
	/* kemu's main loop runs bottom halves (the socket's output watch uses one) */
	main_loop_init();
	bql_lock();
	type_register(&testbuf_type);
	tmpdir = g_dir_make_tmp("kemu-chardev-XXXXXX", NULL);
#define T(name) g_test_add_func("/chardev/" #name, test_chardev_##name)
	T(opts_unknown_backend_is_named);
	T(opts_bad_input_is_refused);
	T(opts_duplicate_id_is_refused);
	T(opts_null_registers_by_id);
	T(legacy_specs);
	T(file_backend_writes_and_truncates_or_appends);
	T(logfile_copies_output);
	T(pipe_uses_in_and_out_fifos);
	T(host_tty_backend);
	T(ringbuf_keeps_the_newest_bytes);
	T(second_frontend_is_refused_unless_mux);
	T(socket_server_accepts_and_echoes);
	T(tcp_server_accepts_and_echoes);
	T(socket_input_waits_while_frontend_is_full);
	T(socket_client_connects_to_server);
	T(socket_writes_never_wait_for_the_peer);
	T(socket_client_reconnects_until_server_appears);
	T(pty_carries_both_directions);
	T(stdio_only_once);
	T(mux_focus_switching_and_escapes);
	T(mux_buffers_input_the_frontend_cannot_take);
	T(mux_refuses_a_fifth_frontend);
	ret = g_test_run();
	rmdir(tmpdir);
	g_free(tmpdir);
	return ret;
}

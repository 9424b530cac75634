// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The gdbstub: GDB remote serial protocol commands (gdb manual, Appendix E
 * "GDB Remote Serial Protocol": "Packets", "Stop Reply Packets", "General
 * Query Packets") on one chardev, all-stop run control over system/cpus.c,
 * breakpoints and watchpoints handed to the accelerators through
 * system/debug.h. See include/gdbstub/gdbstub.h and docs/gdbstub.md.
 *
 * Everything runs on the main loop with the BQL held (chardev input, the
 * bottom half that reports a stop). vCPU threads only call
 * gdb_vcpu_debug_stop(), which records the vCPU and schedules that bottom
 * half. While gdb holds the VM stopped every vCPU is paused, so the stub
 * reads and writes cpu->env and the debug point set without further locks.
 *
 * Not here: framing (packet.c), register layouts (x86-regs.c), non-stop
 * mode, tracepoints, file I/O, the multiprocess extensions.
 */
#include "gdbstub/gdbstub-internal.h"
#include "accel/accel.h"
#include "chardev/char.h"
#include "hw/boards.h"
#include "monitor/monitor.h"
#include "system/cpus.h"
#include "system/debug.h"
#include "system/main-loop.h"
#include "system/memory.h"
#include "system/runstate.h"
#include "target/i386/cpu.h"

/* Stop signals in stop replies (gdb's own numbering, include/gdb/signals.def). */
#define GDB_SIGINT 2
#define GDB_SIGTRAP 5


/* One machine, one stub: part of the machine like the ISA bus (docs/architecture.md "Globals"). */
static struct gdb_server *gdb_server;

struct machine_state *gdb_machine(void)
{
	return machine_current();
}

unsigned gdb_nr_cpus(void)
{
	struct machine_state *ms = gdb_machine();

	return ms && ms->cpus ? ms->smp_cpus : 0;
}

struct x86_cpu *gdb_cpu(int index)
{
	struct machine_state *ms = gdb_machine();

	if (index < 0 || (unsigned)index >= gdb_nr_cpus())
		return NULL;
	return ms->cpus[index];
}

/* ---- output ---- */

static void gdb_send_raw(struct gdb_server *gs, const char *buf, size_t len)
{
	chardev_fe_write_all(&gs->fe, (const uint8_t *)buf, len);
}

static void gdb_send_packet(struct gdb_server *gs, const char *payload, size_t len)
{
	g_string_truncate(gs->last_reply, 0);
	gdb_packet_frame(gs->last_reply, payload, len);
	gdb_send_raw(gs, gs->last_reply->str, gs->last_reply->len);
}

void gdb_reply(struct gdb_server *gs, const char *s)
{
	gdb_send_packet(gs, s, strlen(s));
}

void gdb_reply_str(struct gdb_server *gs, GString *s)
{
	gdb_send_packet(gs, s->str, s->len);
}

/* "O" console output packets (qRcmd), hex-encoded, in pieces that fit. */
static void gdb_send_console(struct gdb_server *gs, const char *text)
{
	size_t len = strlen(text);

	for (size_t off = 0; off < len;) {
		size_t n = MIN(len - off, (GDB_PACKET_MAX - 2) / 2);
		g_autoptr(GString) p = g_string_new("O");

		gdb_hex_append(p, text + off, n);
		gdb_reply_str(gs, p);
		off += n;
	}
}

/* ---- vCPU state ---- */

void gdb_sync_cpu(struct x86_cpu *cpu)
{
	const struct accel_ops *ops = gdb_machine()->accel;

	if (ops->vcpu_sync_state && cpu->created)
		ops->vcpu_sync_state(cpu);
}

void gdb_put_cpu(struct x86_cpu *cpu)
{
	const struct accel_ops *ops = gdb_machine()->accel;

	if (ops->vcpu_put_state && cpu->created)
		ops->vcpu_put_state(cpu);
}

static int gdb_thread_id(struct x86_cpu *cpu)
{
	return cpu->cpu_index + 1;
}

/* gdb thread id (1..N, or 0/-1 for any/all) to a vCPU index; -1 if invalid. */
static int gdb_thread_to_index(int64_t tid)
{
	if (tid == 0 || tid == -1)
		return 0;
	if (tid < 1 || tid > gdb_nr_cpus())
		return -1;
	return tid - 1;
}

/* ---- stop replies and run control ---- */

static void gdb_stop_reply(struct gdb_server *gs)
{
	g_autoptr(GString) r = g_string_new(NULL);
	struct x86_cpu *cpu = gdb_cpu(gs->last_stop_cpu);

	g_string_append_printf(r, "T%02xthread:%x;", gs->last_signal,
			       cpu ? gdb_thread_id(cpu) : 1);
	if (gs->last_stop.reason == DEBUG_STOP_WATCH) {
		const char *kind = gs->last_stop.watch_type == DEBUG_WATCH_READ ? "rwatch" :
				   gs->last_stop.watch_type == DEBUG_WATCH_ACCESS ? "awatch" : "watch";

		g_string_append_printf(r, "%s:%" PRIx64 ";", kind, gs->last_stop.addr);
	}
	gdb_reply_str(gs, r);
}

static void gdb_set_singlestep(struct x86_cpu *cpu, bool on)
{
	if (cpu->singlestep != on) {
		cpu->singlestep = on;
		debug_points_changed(cpu);
	}
}

/* Stop every vCPU (all-stop); cpu is the one to report. */
static void gdb_stop_all(struct gdb_server *gs, struct x86_cpu *cpu, int sig)
{
	cpus_pause_all();
	for (unsigned i = 0; i < gdb_nr_cpus(); i++)
		gdb_set_singlestep(gdb_cpu(i), false);
	gs->running = false;
	gs->last_signal = sig;
	gs->last_stop = cpu ? cpu->debug_stop : (struct debug_stop){ 0 };
	gs->last_stop_cpu = cpu ? cpu->cpu_index : MAX(gs->c_cpu, 0);
	gs->g_cpu = gs->c_cpu = gs->last_stop_cpu;
	gs->stop_cpu = NULL;
}

static void gdb_stop_bh(void *opaque)
{
	struct gdb_server *gs = opaque;
	struct x86_cpu *cpu = gs->stop_cpu;

	if (!cpu)
		return;
	if (!gs->running || !gs->connected) {
		/* a stop nobody waits for (gdb left meanwhile): carry on */
		gs->stop_cpu = NULL;
		if (!gs->connected)
			cpus_resume_all();
		return;
	}
	gdb_stop_all(gs, cpu, GDB_SIGTRAP);
	gdb_stop_reply(gs);
}

/* On a vCPU thread, BQL held (cpus_set_debug_handler). */
static void gdb_vcpu_debug_stop(struct x86_cpu *cpu)
{
	struct gdb_server *gs = gdb_server;

	if (!gs)
		return;
	if (!gs->stop_cpu)
		gs->stop_cpu = cpu;
	bh_schedule(gs->stop_bh);
}

/* actions[i]: 0 stay stopped, 'c' continue, 's' step one instruction. */
static void gdb_resume(struct gdb_server *gs, const char *actions)
{
	unsigned n = gdb_nr_cpus();

	gs->stop_cpu = NULL;
	gs->running = true;
	for (unsigned i = 0; i < n; i++)
		gdb_set_singlestep(gdb_cpu(i), actions[i] == 's');
	for (unsigned i = 0; i < n; i++)
		if (actions[i])
			cpus_resume_cpu(gdb_cpu(i));
}

/* c/s/C/S with an optional resume address: the current thread (Hc) */
static void gdb_cmd_continue(struct gdb_server *gs, const char *p, char action, bool sig)
{
	unsigned n = gdb_nr_cpus();
	g_autofree char *actions = g_malloc0(n + 1);
	int index = gs->c_cpu >= 0 ? gs->c_cpu : gs->g_cpu;
	uint64_t addr, signo;

	if (sig) {
		/* the signal number means nothing to a whole machine; it is dropped */
		if (!gdb_parse_hex(&p, &signo)) {
			gdb_reply(gs, "E22");
			return;
		}
		if (*p == ';')
			p++;
	}
	if (*p) {
		struct x86_cpu *cpu = gdb_cpu(index);

		if (!gdb_parse_hex(&p, &addr) || *p) {
			gdb_reply(gs, "E22");
			return;
		}
		gdb_sync_cpu(cpu);
		cpu->env.rip = addr;
		gdb_put_cpu(cpu);
	}
	if (action == 's') {
		/* all-stop: the others stay where they are while one thread steps */
		actions[index] = 's';
	} else {
		memset(actions, 'c', n);
	}
	gdb_resume(gs, actions);
}

/* vCont;ACTION[:TID];ACTION... : the first action that names a thread wins. */
static void gdb_cmd_vcont(struct gdb_server *gs, const char *p)
{
	unsigned n = gdb_nr_cpus();
	g_autofree char *actions = g_malloc0(n + 1);
	bool any = false;

	while (*p == ';') {
		char act;
		uint64_t signo;
		int64_t tid = -1;

		p++;
		act = *p++;
		if (act == 'C' || act == 'S') {
			if (!gdb_parse_hex(&p, &signo)) {
				gdb_reply(gs, "E22");
				return;
			}
			act = act == 'C' ? 'c' : 's';
		} else if (act != 'c' && act != 's' && act != 't') {
			gdb_reply(gs, "E22");
			return;
		}
		if (*p == ':') {
			p++;
			if (!gdb_parse_thread_id(&p, &tid)) {
				gdb_reply(gs, "E22");
				return;
			}
		}
		if (act == 't')
			act = 0;	/* stop: already stopped in all-stop mode */
		if (tid == -1 || tid == 0) {
			for (unsigned i = 0; i < n; i++)
				if (!actions[i]) {
					actions[i] = act ? act : 'x';
				}
		} else {
			int index = gdb_thread_to_index(tid);

			if (index < 0) {
				gdb_reply(gs, "E22");
				return;
			}
			if (!actions[index])
				actions[index] = act ? act : 'x';
		}
	}
	if (*p) {
		gdb_reply(gs, "E22");
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		if (actions[i] == 'x')
			actions[i] = 0;
		any |= actions[i] != 0;
	}
	if (!any) {
		gdb_reply(gs, "E22");
		return;
	}
	/* a stepping thread reports first; the rest only run alongside it */
	for (unsigned i = 0; i < n; i++) {
		if (actions[i] == 's') {
			gs->c_cpu = i;
			for (unsigned j = 0; j < n; j++)
				if (actions[j] == 'c')
					actions[j] = 0;	/* QEMU steps one vCPU alone, too */
			break;
		}
	}
	gdb_resume(gs, actions);
}

/* ---- queries ---- */

static void gdb_cmd_xfer_features(struct gdb_server *gs, const char *p)
{
	uint64_t off, len;
	size_t total;
	g_autoptr(GString) r = g_string_new(NULL);

	if (!g_str_has_prefix(p, "target.xml:")) {
		gdb_reply(gs, "E00");	/* no such annex */
		return;
	}
	p += strlen("target.xml:");
	if (!gdb_parse_hex(&p, &off) || *p++ != ',' || !gdb_parse_hex(&p, &len) || *p || !len) {
		gdb_reply(gs, "E22");
		return;
	}
	if (off == 0 || !gs->xml) {
		g_free(gs->xml);
		gs->x86_64 = gdb_layout_64(gs);
		gs->layout_fixed = true;
		gs->xml = gdb_x86_target_xml(gs->x86_64);
	}
	total = strlen(gs->xml);
	len = MIN(len, GDB_PACKET_MAX - 8);
	if (off >= total) {
		gdb_reply(gs, "l");
		return;
	}
	len = MIN(len, total - off);
	g_string_append_c(r, off + len < total ? 'm' : 'l');
	g_string_append_len(r, gs->xml + off, len);
	gdb_reply_str(gs, r);
}

/* qRcmd,HEX: a monitor command; its output comes back as console packets. */
static void gdb_cmd_rcmd(struct gdb_server *gs, const char *hex)
{
	size_t n = strlen(hex);
	g_autofree char *line = NULL;
	g_autofree char *out = NULL;

	if (n % 2 || n / 2 > GDB_PACKET_MAX) {
		gdb_reply(gs, "E22");
		return;
	}
	line = g_malloc0(n / 2 + 1);
	if (!gdb_hex_decode(hex, line, n / 2) || strlen(line) != n / 2) {
		gdb_reply(gs, "E22");
		return;
	}
	out = hmp_run_captured(line, gs->g_cpu);
	if (out && *out)
		gdb_send_console(gs, out);
	gdb_reply(gs, "OK");
}

static void gdb_cmd_query(struct gdb_server *gs, const char *p)
{
	g_autoptr(GString) r = g_string_new(NULL);

	if (g_str_has_prefix(p, "qSupported")) {
		g_string_printf(r, "PacketSize=%x;qXfer:features:read+;vContSupported+;"
				"QStartNoAckMode+", GDB_PACKET_MAX);
		gdb_reply_str(gs, r);
	} else if (g_str_has_prefix(p, "qXfer:features:read:")) {
		gdb_cmd_xfer_features(gs, p + strlen("qXfer:features:read:"));
	} else if (!strcmp(p, "qAttached") || g_str_has_prefix(p, "qAttached:")) {
		gdb_reply(gs, "1");	/* detach leaves the VM running, kill ends it */
	} else if (!strcmp(p, "qC")) {
		g_string_printf(r, "QC%x", gdb_thread_id(gdb_cpu(MAX(gs->g_cpu, 0))));
		gdb_reply_str(gs, r);
	} else if (!strcmp(p, "qfThreadInfo")) {
		g_string_append_c(r, 'm');
		for (unsigned i = 0; i < gdb_nr_cpus(); i++)
			g_string_append_printf(r, "%s%x", i ? "," : "", gdb_thread_id(gdb_cpu(i)));
		gdb_reply_str(gs, r);
	} else if (!strcmp(p, "qsThreadInfo")) {
		gdb_reply(gs, "l");
	} else if (g_str_has_prefix(p, "qThreadExtraInfo,")) {
		const char *q = p + strlen("qThreadExtraInfo,");
		int64_t tid;
		int index;
		g_autofree char *text = NULL;

		if (!gdb_parse_thread_id(&q, &tid) || *q || (index = gdb_thread_to_index(tid)) < 0) {
			gdb_reply(gs, "E22");
			return;
		}
		text = g_strdup_printf("CPU#%d [%s]", index,
				       gdb_cpu(index)->env.halted ? "halted" : "running");
		gdb_hex_append(r, text, strlen(text));
		gdb_reply_str(gs, r);
	} else if (g_str_has_prefix(p, "qRcmd,")) {
		gdb_cmd_rcmd(gs, p + strlen("qRcmd,"));
	} else if (g_str_has_prefix(p, "qSymbol")) {
		gdb_reply(gs, "OK");
	} else if (!strcmp(p, "qqemu.PhyMemMode")) {
		gdb_reply(gs, gs->phys_mode ? "1" : "0");
	} else {
		gdb_reply(gs, "");	/* unknown query: empty means unsupported */
	}
}

/* ---- detach, kill, dispatch ---- */

static void gdb_detach(struct gdb_server *gs, bool resume)
{
	gdb_points_clear(gs);
	for (unsigned i = 0; i < gdb_nr_cpus(); i++)
		gdb_set_singlestep(gdb_cpu(i), false);
	gs->running = false;
	gs->stop_cpu = NULL;
	if (resume)
		cpus_resume_all();
}

static void gdb_handle_packet(struct gdb_server *gs, const char *p, size_t len)
{
	/* binary X data may hold NULs; every other packet is text */
	if (p[0] != 'X' && strlen(p) != len) {
		gdb_reply(gs, "E22");
		return;
	}
	if (gs->running && p[0] != 'v' && p[0] != '?') {
		/* all-stop: gdb talks only to a stopped target (besides Ctrl-C) */
		gdb_reply(gs, "E16");	/* EBUSY */
		return;
	}
	switch (p[0]) {
	case '?':
		gdb_stop_reply(gs);
		break;
	case 'g':
		gdb_cmd_read_regs(gs);
		break;
	case 'G':
		gdb_cmd_write_regs(gs, p + 1, len - 1);
		break;
	case 'p':
	case 'P':
		gdb_cmd_reg(gs, p[0], p + 1);
		break;
	case 'm':
	case 'M':
	case 'X':
		gdb_cmd_memory(gs, p[0], p + 1, len - 1);
		break;
	case 'c':
	case 's':
		gdb_cmd_continue(gs, p + 1, p[0], false);
		break;
	case 'C':
	case 'S':
		gdb_cmd_continue(gs, p + 1, p[0] == 'C' ? 'c' : 's', true);
		break;
	case 'H': {
		const char *q = p + 2;
		int64_t tid;
		int index;

		if ((p[1] != 'g' && p[1] != 'c') || !gdb_parse_thread_id(&q, &tid) || *q ||
		    (index = gdb_thread_to_index(tid)) < 0) {
			gdb_reply(gs, "E22");
			break;
		}
		if (p[1] == 'g')
			gs->g_cpu = index;
		else
			gs->c_cpu = tid == -1 ? -1 : index;
		gdb_reply(gs, "OK");
		break;
	}
	case 'T': {
		const char *q = p + 1;
		int64_t tid;

		gdb_reply(gs, gdb_parse_thread_id(&q, &tid) && !*q && tid > 0 &&
			  gdb_thread_to_index(tid) >= 0 ? "OK" : "E22");
		break;
	}
	case 'Z':
	case 'z':
		gdb_cmd_point(gs, p[0] == 'Z', p + 1);
		break;
	case 'q':
		gdb_cmd_query(gs, p);
		break;
	case 'Q':
		if (!strcmp(p, "QStartNoAckMode")) {
			gdb_reply(gs, "OK");
			gs->no_ack = true;
		} else if (!strcmp(p, "Qqemu.PhyMemMode:1") || !strcmp(p, "Qqemu.PhyMemMode:0")) {
			gs->phys_mode = p[strlen(p) - 1] == '1';
			gdb_reply(gs, "OK");
		} else {
			gdb_reply(gs, "");
		}
		break;
	case 'v':
		if (!strcmp(p, "vCont?")) {
			gdb_reply(gs, "vCont;c;C;s;S");
		} else if (g_str_has_prefix(p, "vCont;") && !gs->running) {
			gdb_cmd_vcont(gs, p + strlen("vCont"));
		} else if (gs->running) {
			gdb_reply(gs, "E16");
		} else {
			gdb_reply(gs, "");	/* vMustReplyEmpty, vFile, vRun...: not supported */
		}
		break;
	case 'D':
		gdb_reply(gs, "OK");
		gdb_detach(gs, true);
		break;
	case 'k':
		/* kill: the VM ends, as with QEMU's stub; no reply is expected */
		gdb_points_clear(gs);
		runstate_request_shutdown(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
		break;
	default:
		gdb_reply(gs, "");
		break;
	}
}

/* ---- chardev front end ---- */

static int gdb_can_receive(void *opaque)
{
	return GDB_PACKET_MAX;
}

static void gdb_receive(void *opaque, const uint8_t *buf, int len)
{
	struct gdb_server *gs = opaque;

	for (int i = 0; i < len; i++) {
		switch (gdb_packet_feed(&gs->rd, buf[i])) {
		case GDB_FEED_PACKET:
			if (!gs->no_ack)
				gdb_send_raw(gs, "+", 1);
			gdb_handle_packet(gs, gs->rd.buf->str, gs->rd.buf->len);
			break;
		case GDB_FEED_OVERSIZED:
			if (!gs->no_ack)
				gdb_send_raw(gs, "+", 1);
			gdb_reply(gs, "E22");
			break;
		case GDB_FEED_BAD:
			if (!gs->no_ack)
				gdb_send_raw(gs, "-", 1);
			break;
		case GDB_FEED_NACK:
			if (!gs->no_ack && gs->last_reply->len)
				gdb_send_raw(gs, gs->last_reply->str, gs->last_reply->len);
			break;
		case GDB_FEED_INTERRUPT:
			if (gs->running) {
				struct x86_cpu *hit = gs->stop_cpu;

				/* a breakpoint that raced the Ctrl-C is the better report */
				gdb_stop_all(gs, hit ? hit : gdb_cpu(MAX(gs->c_cpu, 0)),
					     hit ? GDB_SIGTRAP : GDB_SIGINT);
				if (!hit)
					gs->last_stop = (struct debug_stop){ 0 };
				gdb_stop_reply(gs);
			}
			break;
		default:
			break;
		}
	}
}

static void gdb_event(void *opaque, enum chardev_event event)
{
	struct gdb_server *gs = opaque;

	switch (event) {
	case CHARDEV_EVENT_OPENED:
		/* a debugger attaches to a stopped machine, as with QEMU's stub */
		gs->connected = true;
		gs->no_ack = false;
		gs->layout_fixed = false;
		gs->phys_mode = false;
		gs->rd.state = GDB_RD_IDLE;
		gs->resume_on_close = cpus_running();
		cpus_pause_all();
		gs->running = false;
		gs->last_signal = GDB_SIGTRAP;
		gs->last_stop = (struct debug_stop){ 0 };
		gs->last_stop_cpu = 0;
		gs->g_cpu = gs->c_cpu = 0;
		break;
	case CHARDEV_EVENT_CLOSED:
		/*
		 * gdb went away without D: its breakpoints go; the VM runs again
		 * only if it ran when gdb came (a -S machine waits for the next one).
		 */
		if (gs->connected)
			gdb_detach(gs, gs->resume_on_close || gs->running);
		gs->connected = false;
		break;
	default:
		break;
	}
}

static const struct chardev_handlers gdb_chr_handlers = {
	.can_receive = gdb_can_receive,
	.receive = gdb_receive,
	.event = gdb_event,
};

static void gdb_server_free(struct gdb_server *gs)
{
	if (gs->connected)
		gdb_detach(gs, true);
	chardev_fe_deinit(&gs->fe);
	if (gs->chr && !g_str_has_prefix(gs->spec, "chardev:"))
		chardev_remove(gs->chr);
	bh_delete(gs->stop_bh);
	gdb_packet_reader_free(&gs->rd);
	g_string_free(gs->last_reply, true);
	g_array_free(gs->points.breaks, true);
	g_array_free(gs->points.watches, true);
	g_free(gs->xml);
	g_free(gs->spec);
	g_free(gs);
}

/*
 * "tcp::1234" and "unix:PATH" listen without waiting, as QEMU's -gdb does;
 * TCP without Nagle, or each reply after its '+' would wait for a delayed ACK.
 */
static char *gdb_chardev_spec(const char *spec)
{
	GString *s = g_string_new(spec);

	if (!strstr(spec, "server"))
		g_string_append(s, ",server=on");
	if (!strstr(spec, "wait"))
		g_string_append(s, ",wait=off");
	if (g_str_has_prefix(spec, "tcp:") && !strstr(spec, "nodelay"))
		g_string_append(s, ",nodelay=on");
	return g_string_free(s, false);
}

bool gdbserver_start(const char *spec, GError **errp)
{
	struct gdb_server *gs;
	struct chardev *chr;

	if (!gdb_nr_cpus()) {
		g_set_error(errp, KEMU_ERROR, 0, "gdbserver: no vCPUs to debug");
		return false;
	}
	if (gdb_server) {
		gdb_server_free(gdb_server);
		gdb_server = NULL;
		cpus_set_debug_handler(NULL);
	}
	if (!strcmp(spec, "none"))
		return true;
	if (g_str_has_prefix(spec, "chardev:")) {
		chr = chardev_find(spec + strlen("chardev:"));
		if (!chr) {
			g_set_error(errp, KEMU_ERROR, 0, "chardev '%s' not found",
				    spec + strlen("chardev:"));
			return false;
		}
	} else if (g_str_has_prefix(spec, "tcp:") || g_str_has_prefix(spec, "unix:")) {
		g_autofree char *cspec = gdb_chardev_spec(spec);

		chr = chardev_new_from_legacy(cspec, "gdb", errp);
		if (!chr)
			return false;
	} else {
		g_set_error(errp, KEMU_ERROR, 0,
			    "expected tcp:[HOST]:PORT, unix:PATH[,server], chardev:ID or none");
		return false;
	}
	gs = g_new0(struct gdb_server, 1);
	gs->spec = g_strdup(spec);
	gs->chr = chr;
	gs->last_reply = g_string_new(NULL);
	gs->points.breaks = g_array_new(false, false, sizeof(struct debug_point));
	gs->points.watches = g_array_new(false, false, sizeof(struct debug_point));
	gs->stop_bh = bh_new(gdb_stop_bh, gs);
	gs->last_signal = GDB_SIGTRAP;
	gdb_packet_reader_init(&gs->rd, GDB_PACKET_MAX);
	if (!chardev_fe_init(&gs->fe, chr, errp)) {
		g_prefix_error(errp, "gdbserver: ");
		gdb_server_free(gs);
		return false;
	}
	gdb_server = gs;
	cpus_set_debug_handler(gdb_vcpu_debug_stop);
	chardev_fe_set_handlers(&gs->fe, &gdb_chr_handlers, gs);
	return true;
}

const char *gdbserver_spec(void)
{
	return gdb_server ? gdb_server->spec : NULL;
}

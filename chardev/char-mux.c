// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The chardev multiplexer: one backend (usually stdio) shared by up to four
 * front ends, e.g. the serial port and the monitor under -nographic. Output
 * from every front end goes to the backend; input goes to the front end
 * with the focus. Ctrl-A starts an escape sequence (same keys as QEMU):
 *
 *	C-a h   help		C-a x   quit (quit handler, default: exit status 0)
 *	C-a c   next front end	C-a b   send a break to the focused front end
 *	C-a s   (commit -snapshot disks: not modelled)
 *	C-a t   prefix output lines with the time since the toggle (as QEMU)
 *	C-a C-a a literal C-a
 *
 * Not here: the monitor itself.
 */
#include "kemu/common.h"
#include "chardev/char.h"
#include "chardev/chardev-internal.h"
#include "system/runstate.h"

#define MUX_MAX_FE 4
#define MUX_BUF_SIZE 32
#define MUX_ESCAPE 0x01		/* Ctrl-A */

struct chardev_mux {
	struct chardev parent;
	struct chardev *base;
	struct chardev_frontend base_fe;	/* we are the base's only front end */
	struct chardev_frontend *fes[MUX_MAX_FE];	/* NULL: detached slot */
	bool announced[MUX_MAX_FE];	/* handlers were set once (took the focus) */
	int count;			/* slots used */
	int focus;			/* -1: none */
	bool got_escape;
	bool timestamps;		/* C-a t: "[secs.msecs] " before each line */
	bool linestart;
	gint64 timestamps_start;	/* us */
	/* input the focused front end could not take yet, per front end */
	uint8_t buf[MUX_MAX_FE][MUX_BUF_SIZE];
	unsigned buf_len[MUX_MAX_FE];
};

#define CHARDEV_MUX(obj) OBJECT_CHECK(struct chardev_mux, (obj), TYPE_CHARDEV_MUX)

static void (*quit_handler)(void *opaque);
static void *quit_opaque;

void chardev_set_quit_handler(void (*fn)(void *opaque), void *opaque)
{
	quit_handler = fn;
	quit_opaque = opaque;
}

bool chardev_is_mux(const struct chardev *chr)
{
	return chr && object_dynamic_cast(OBJECT(chr), TYPE_CHARDEV_MUX) != NULL;
}

static void mux_fe_event(struct chardev_mux *d, int tag, enum chardev_event event)
{
	struct chardev_frontend *fe;

	if (tag < 0 || tag >= d->count || !(fe = d->fes[tag]))
		return;
	if (fe->handlers && fe->handlers->event)
		fe->handlers->event(fe->opaque, event);
}

/* Hand buffered input to the front end as far as it takes it. */
static void mux_flush(struct chardev_mux *d, int tag)
{
	struct chardev_frontend *fe = d->fes[tag];
	int n;

	if (!fe || !fe->handlers || !d->buf_len[tag])
		return;
	n = fe->handlers->can_receive ? fe->handlers->can_receive(fe->opaque) : 0;
	n = MIN((unsigned)MAX(n, 0), d->buf_len[tag]);
	if (n <= 0)
		return;
	fe->handlers->receive(fe->opaque, d->buf[tag], n);
	memmove(d->buf[tag], d->buf[tag] + n, d->buf_len[tag] - n);
	d->buf_len[tag] -= n;
}

void chardev_mux_set_focus(struct chardev *chr, int tag)
{
	struct chardev_mux *d = CHARDEV_MUX(chr);

	if (tag < 0 || tag >= d->count || !d->fes[tag] || tag == d->focus)
		return;
	mux_fe_event(d, d->focus, CHARDEV_EVENT_MUX_OUT);
	d->focus = tag;
	mux_fe_event(d, d->focus, CHARDEV_EVENT_MUX_IN);
	mux_flush(d, tag);
	chardev_fe_accept_input(&d->base_fe);
}

int chardev_mux_focus(const struct chardev *chr)
{
	return ((const struct chardev_mux *)chr)->focus;
}

static void mux_focus_next(struct chardev_mux *d)
{
	for (int i = 1; i <= d->count; i++) {
		int tag = (d->focus + i) % d->count;

		if (d->fes[tag]) {
			chardev_mux_set_focus(&d->parent, tag);
			return;
		}
	}
}

static void mux_print(struct chardev_mux *d, const char *s)
{
	chardev_write_all(d->base, (const uint8_t *)s, strlen(s));
}

static void mux_print_help(struct chardev_mux *d)
{
	mux_print(d, "\r\n"
		  "C-a h    print this help\r\n"
		  "C-a x    exit emulator\r\n"
		  "C-a s    save disk data back to file (if -snapshot)\r\n"
		  "C-a t    toggle console timestamps\r\n"
		  "C-a b    send break (magic sysrq)\r\n"
		  "C-a c    switch between console and monitor\r\n"
		  "C-a C-a  sends C-a\r\n");
}

/* Returns true if ch is input for the focused front end. */
static bool mux_proc_byte(struct chardev_mux *d, uint8_t ch)
{
	if (!d->got_escape) {
		if (ch == MUX_ESCAPE) {
			d->got_escape = true;
			return false;
		}
		return true;
	}
	d->got_escape = false;
	switch (ch) {
	case MUX_ESCAPE:
		return true;
	case 'h':
	case '?':
		mux_print_help(d);
		break;
	case 'x':
		if (quit_handler) {
			quit_handler(quit_opaque);	/* it says goodbye itself */
		} else {
			mux_print(d, "kemu: terminated\r\n");
			runstate_request_exit(0);
		}
		break;
	case 's':
		mux_print(d, "kemu: C-a s (commit -snapshot disks) is not implemented\r\n");
		log_unimp("chardev mux: C-a s");
		break;
	case 't':
		g_mutex_lock(&d->parent.write_lock);	/* mux_write reads these */
		d->timestamps = !d->timestamps;
		d->timestamps_start = g_get_monotonic_time();
		d->linestart = true;
		g_mutex_unlock(&d->parent.write_lock);
		break;
	case 'b':
		mux_fe_event(d, d->focus, CHARDEV_EVENT_BREAK);
		break;
	case 'c':
		mux_focus_next(d);
		break;
	default:
		break;
	}
	return false;
}

static int mux_can_receive(void *opaque)
{
	struct chardev_mux *d = opaque;

	if (d->focus < 0)
		return 0;
	return MUX_BUF_SIZE - d->buf_len[d->focus];
}

static void mux_receive(void *opaque, const uint8_t *buf, int len)
{
	struct chardev_mux *d = opaque;

	for (int i = 0; i < len; i++) {
		int tag = d->focus;

		if (!mux_proc_byte(d, buf[i]) || tag < 0 || !d->fes[tag])
			continue;
		if (d->buf_len[tag] < MUX_BUF_SIZE)
			d->buf[tag][d->buf_len[tag]++] = buf[i];
		mux_flush(d, tag);
	}
}

static void mux_base_event(void *opaque, enum chardev_event event)
{
	struct chardev_mux *d = opaque;

	switch (event) {
	case CHARDEV_EVENT_OPENED:
	case CHARDEV_EVENT_CLOSED:
		d->parent.be_open = event == CHARDEV_EVENT_OPENED;
		for (int i = 0; i < d->count; i++)
			mux_fe_event(d, i, event);
		break;
	default:
		mux_fe_event(d, d->focus, event);
		break;
	}
}

static const struct chardev_handlers mux_base_handlers = {
	.can_receive = mux_can_receive,
	.receive = mux_receive,
	.event = mux_base_event,
};

static int mux_write(struct chardev *chr, const uint8_t *buf, int len)
{
	struct chardev_mux *d = CHARDEV_MUX(chr);
	int start = 0;

	if (!d->timestamps)
		return chardev_write_all(d->base, buf, len);
	for (int i = 0; i < len; i++) {
		if (d->linestart) {
			gint64 us = g_get_monotonic_time() - d->timestamps_start;
			char stamp[40];
			int n = snprintf(stamp, sizeof(stamp), "[%u.%03u] ",
					 (unsigned)(us / G_USEC_PER_SEC),
					 (unsigned)(us / 1000 % 1000));

			chardev_write_all(d->base, buf + start, i - start);
			chardev_write_all(d->base, (const uint8_t *)stamp, n);
			start = i;
			d->linestart = false;
		}
		if (buf[i] == '\n')
			d->linestart = true;
	}
	chardev_write_all(d->base, buf + start, len - start);
	return len;
}

static bool mux_fe_attach(struct chardev *chr, struct chardev_frontend *fe, GError **errp)
{
	struct chardev_mux *d = CHARDEV_MUX(chr);

	if (d->count >= MUX_MAX_FE) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "too many uses of multiplexed chardev '%s' (maximum is %d)",
			    chr->id, MUX_MAX_FE);
		return false;
	}
	fe->tag = d->count;
	d->fes[d->count] = fe;
	d->announced[d->count] = false;
	d->buf_len[d->count] = 0;
	d->count++;
	return true;
}

static void mux_fe_detach(struct chardev *chr, struct chardev_frontend *fe)
{
	struct chardev_mux *d = CHARDEV_MUX(chr);
	int tag = fe->tag;

	if (tag < 0 || tag >= d->count || d->fes[tag] != fe)
		return;
	d->fes[tag] = NULL;
	d->buf_len[tag] = 0;
	if (d->focus == tag) {
		d->focus = -1;
		for (int i = 0; i < d->count; i++) {
			if (d->fes[i]) {
				chardev_mux_set_focus(chr, i);
				break;
			}
		}
	}
}

static void mux_fe_handlers_set(struct chardev *chr, struct chardev_frontend *fe)
{
	struct chardev_mux *d = CHARDEV_MUX(chr);
	int tag = fe->tag;

	if (!fe->handlers)
		return;
	if (!d->announced[tag]) {
		d->announced[tag] = true;
		if (chr->be_open && fe->handlers->event)
			fe->handlers->event(fe->opaque, CHARDEV_EVENT_OPENED);
		/* the latest front end takes the focus (serial after monitor) */
		chardev_mux_set_focus(chr, tag);
	}
	chardev_fe_accept_input(&d->base_fe);
}

static void mux_accept_input(struct chardev *chr)
{
	struct chardev_mux *d = CHARDEV_MUX(chr);

	if (d->focus >= 0)
		mux_flush(d, d->focus);
	chardev_fe_accept_input(&d->base_fe);
}

struct chardev *chardev_mux_new(const char *id, struct chardev *base, GError **errp)
{
	struct chardev_mux *d = CHARDEV_MUX(object_new(TYPE_CHARDEV_MUX));
	struct chardev *chr = &d->parent;

	chr->id = g_strdup(id);
	chr->desc = g_strdup_printf("mux:%s", base->desc ? base->desc : "");
	if (!chardev_fe_init(&d->base_fe, base, errp)) {
		object_unref(OBJECT(d));
		object_unref(OBJECT(base));
		return NULL;
	}
	/* base_fe holds a reference now; drop the creator's */
	object_unref(OBJECT(base));
	d->base = base;
	chr->be_open = base->be_open;
	chardev_fe_set_handlers(&d->base_fe, &mux_base_handlers, d);

	chardev_register(chr);
	return chr;
}

static void mux_instance_init(struct object *obj)
{
	CHARDEV_MUX(obj)->focus = -1;
}

static void mux_instance_finalize(struct object *obj)
{
	struct chardev_mux *d = CHARDEV_MUX(obj);

	if (d->base_fe.chr)
		chardev_fe_deinit(&d->base_fe);
}

static void mux_class_init(struct object_class *oc, const void *data)
{
	struct chardev_class *cc = (struct chardev_class *)oc;

	cc->write = mux_write;
	cc->fe_attach = mux_fe_attach;
	cc->fe_detach = mux_fe_detach;
	cc->fe_handlers_set = mux_fe_handlers_set;
	cc->accept_input = mux_accept_input;
}

static const struct type_info mux_type_info = {
	.name = TYPE_CHARDEV_MUX,
	.parent = TYPE_CHARDEV,
	.instance_size = sizeof(struct chardev_mux),
	.class_size = sizeof(struct chardev_class),
	.class_init = mux_class_init,
	.instance_init = mux_instance_init,
	.instance_finalize = mux_instance_finalize,
};

static void mux_register_types(void)
{
	type_register(&mux_type_info);
}
type_init(mux_register_types)

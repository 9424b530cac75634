// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The 8254 programmable interval timer: three 16-bit down counters clocked
 * at 1.193182 MHz, counter 0's OUT on IRQ 0, counter 2's GATE and OUT on
 * port 0x61 (the board's system control port calls pit_set_gate and
 * pit_get_out).
 *
 * A counter is not stepped: it stores the virtual time at which it started
 * counting (load_ns), and its value and OUT are computed from the number
 * of CLK ticks since then. Counter 0 arms a CLOCK_VIRTUAL timer only for
 * the next OUT change that must reach the interrupt line; counters 1 and 2
 * never arm one, and a stopped counter 0 (mode 0 or 1 after terminal count,
 * unprogrammed, gate low) costs nothing. In modes 2, 4 and 5 OUT is low
 * for a single CLK; the timer fires once per pulse, at its rising edge,
 * and drives the line low then high.
 *
 * A count rewritten while a mode 2 or 3 counter runs waits in next_count
 * until the end of the current period (switch_tick), as the datasheet
 * says; pit_sync() applies it lazily when anyone looks at the counter.
 *
 * Not modelled: the one-CLK delay between writing a count and counting
 * (and in mode 0 the counter reads its old initial count between the two
 * bytes of a new one);
 * mode 3 takes a rewritten count at the end of the cycle, not of the
 * half-cycle. Counters are stopped after power-on until programmed (the
 * datasheet leaves mode, count and OUT undefined).
 *
 * Reference: Intel 82C54 CHMOS Programmable Interval Timer data sheet
 * (order no. 231244-006): "Control word format" (fig. 7), "Read-back
 * command" (fig. 11-12), "Counter latch command", "Mode definitions"
 * (modes 0-5, fig. 16-21), "Gate pin operations summary" (table 3).
 */
#include "kemu/common.h"
#include "hw/timer/i8254.h"
#include "system/memory.h"
#include "system/timer.h"

#define PIT_CHANNELS 3
/*
 * A periodic counter 0 faster than this (modes 2 and 3 with a count below
 * 24) interrupts once per this interval, at a rising edge: a guest cannot
 * make the host spin (KVM's in-kernel PIT clamps similarly, to 200 us).
 */
#define PIT_MIN_EVENT_NS (20 * NS_PER_US)

/* Read/write states: which byte the next access to a counter port is. */
enum { RW_LSB = 1, RW_MSB = 2, RW_WORD0 = 3, RW_WORD1 = 4 };

struct pit_state {
	struct device parent;

	/* Per counter. */
	uint32_t count[PIT_CHANNELS];		/* initial count: 1..65536 (1..10000 BCD) */
	uint16_t latched_count[PIT_CHANNELS];
	uint8_t count_latched[PIT_CHANNELS];	/* RW_* of the latched value, 0: none */
	uint8_t status_latched[PIT_CHANNELS];
	uint8_t status[PIT_CHANNELS];
	uint8_t read_state[PIT_CHANNELS];
	uint8_t write_state[PIT_CHANNELS];
	uint8_t write_latch[PIT_CHANNELS];
	uint8_t rw_mode[PIT_CHANNELS];
	uint8_t mode[PIT_CHANNELS];
	uint8_t bcd[PIT_CHANNELS];
	uint8_t gate[PIT_CHANNELS];
	uint8_t null_count[PIT_CHANNELS];
	uint8_t loaded[PIT_CHANNELS];		/* a count was written since the control word */
	uint8_t armed[PIT_CHANNELS];		/* counting (modes 1, 5: triggered) */
	int64_t load_ns[PIT_CHANNELS];		/* virtual time of CLK tick 0 */
	int64_t frozen[PIT_CHANNELS];		/* >= 0: gate low in mode 0/4, ticks so far */
	uint32_t next_count[PIT_CHANNELS];	/* modes 2, 3: count for the next period */
	int64_t switch_tick[PIT_CHANNELS];	/* tick at which it is loaded, -1: none */

	/* Counter 0's interrupt output. */
	uint8_t irq_level;
	int64_t next_tick;			/* tick of the pending timer event, -1: none */
	struct kemu_timer *timer;
	struct irq_line irq;
	struct memory_region io;
};

static int64_t pit_ticks(struct pit_state *s, int c, int64_t now)
{
	int64_t d;

	if (s->frozen[c] >= 0)
		return s->frozen[c];
	d = now - s->load_ns[c];
	if (d <= 0)
		return 0;
	return (int64_t)((unsigned __int128)d * PIT_FREQ / NS_PER_SEC);
}

/* The shortest time after which pit_ticks() has counted tick ticks. */
static int64_t pit_ticks_duration(int64_t tick)
{
	unsigned __int128 ns = (unsigned __int128)tick * NS_PER_SEC + PIT_FREQ - 1;

	return (int64_t)(ns / PIT_FREQ);
}

static int64_t pit_tick_to_ns(struct pit_state *s, int c, int64_t tick)
{
	return s->load_ns[c] + pit_ticks_duration(tick);
}

/* Load a count written during a mode 2/3 period once that period is over. */
static bool pit_sync(struct pit_state *s, int c, int64_t now)
{
	int64_t at;

	if (s->switch_tick[c] < 0)
		return false;
	at = pit_tick_to_ns(s, c, s->switch_tick[c]);
	if (now < at)
		return false;
	s->load_ns[c] = at;
	s->count[c] = s->next_count[c];
	s->switch_tick[c] = -1;
	s->null_count[c] = 0;
	return true;
}

/* The pending count, at once (control word, gate changes). */
static void pit_take_next_count(struct pit_state *s, int c)
{
	if (s->switch_tick[c] < 0)
		return;
	s->count[c] = s->next_count[c];
	s->switch_tick[c] = -1;
	s->null_count[c] = 0;
}

/* OUT after d ticks of counting (mode definitions, datasheet fig. 16-21). */
static int pit_out_at(struct pit_state *s, int c, int64_t d)
{
	int64_t n = s->count[c];

	switch (s->mode[c]) {
	case 0:		/* interrupt on terminal count: low until the count expires */
		return s->armed[c] && d >= n;
	case 1:		/* one-shot: low from the trigger until terminal count */
		return !s->armed[c] || d >= n;
	case 2:		/* rate generator: low for one CLK when the count reaches 1 */
		return !s->armed[c] || n < 2 || d % n != n - 1;
	case 3:		/* square wave: high ceil(n/2), low floor(n/2) */
		return !s->armed[c] || d % n < (n + 1) / 2;
	case 4:		/* strobes: low for one CLK at terminal count */
	case 5:
		return !s->armed[c] || d != n;
	}
	return 1;
}

/* The tick after d at which OUT's rising edge (or level change) must be delivered. */
static int64_t pit_next_event(struct pit_state *s, int c, int64_t d)
{
	int64_t n = s->count[c], p;

	if (!s->armed[c] || s->frozen[c] >= 0)
		return -1;
	switch (s->mode[c]) {
	case 0:
	case 1:
		return d < n ? n : -1;
	case 2:
		return n < 2 ? -1 : (d / n + 1) * n;
	case 3:
		if (n < 2)
			return -1;
		p = d % n;
		return p < (n + 1) / 2 ? d - p + (n + 1) / 2 : d - p + n;
	case 4:
	case 5:
		return d < n + 1 ? n + 1 : -1;
	}
	return -1;
}

static bool pit_rate_limited(struct pit_state *s, int c)
{
	return (s->mode[c] == 2 || s->mode[c] == 3) &&
	       pit_ticks_duration(s->count[c]) < PIT_MIN_EVENT_NS;
}

static bool pit_mode_pulses(struct pit_state *s, int c)
{
	return s->mode[c] == 2 || s->mode[c] == 4 || s->mode[c] == 5 ||
	       pit_rate_limited(s, c);
}

static void pit_irq_set(struct pit_state *s, int level)
{
	if (level != s->irq_level) {
		s->irq_level = level;
		irq_line_set(&s->irq, level);
	}
}

static void pit_arm(struct pit_state *s, int64_t d)
{
	int64_t n = s->count[0], first;

	s->next_tick = pit_next_event(s, 0, d);
	if (s->next_tick >= 0 && pit_rate_limited(s, 0)) {
		/* the first period boundary at least PIT_MIN_EVENT_NS from now */
		first = pit_ticks(s, 0, clock_get_ns(CLOCK_VIRTUAL) + PIT_MIN_EVENT_NS);
		first = MAX(first, d + 1);
		s->next_tick = (first + n - 1) / n * n;
	}
	/* A period boundary, hence a rising edge, where the new count starts. */
	if (s->switch_tick[0] >= 0 && (s->next_tick < 0 || s->next_tick > s->switch_tick[0]))
		s->next_tick = s->switch_tick[0];
	if (s->next_tick < 0)
		timer_del(s->timer);
	else
		timer_mod_ns(s->timer, pit_tick_to_ns(s, 0, s->next_tick));
}

/* Counter 0 was reprogrammed: drive IRQ 0 to OUT now and re-arm. */
static void pit_irq_update(struct pit_state *s)
{
	int64_t now = clock_get_ns(CLOCK_VIRTUAL), d;

	pit_sync(s, 0, now);
	d = pit_ticks(s, 0, now);

	pit_irq_set(s, pit_out_at(s, 0, d));
	pit_arm(s, d);
}

static void pit_timer_cb(void *opaque)
{
	struct pit_state *s = opaque;
	int64_t t = s->next_tick, now;

	if (t < 0)
		return;
	if (pit_mode_pulses(s, 0)) {
		pit_irq_set(s, 0);
		pit_irq_set(s, 1);
	} else {
		pit_irq_set(s, pit_out_at(s, 0, t));
	}
	/*
	 * Continue from the tick just delivered, so that no period is lost to
	 * a late main loop; but after a long stall (a paused host) catch up.
	 */
	now = clock_get_ns(CLOCK_VIRTUAL);
	if (pit_sync(s, 0, now) || now - pit_tick_to_ns(s, 0, t) > NS_PER_SEC)
		t = pit_ticks(s, 0, now);
	pit_arm(s, t);
}

static uint32_t pit_to_bcd(uint32_t v)
{
	return (v % 10) | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 | (v / 1000 % 10) << 12;
}

/* The counting element's value as the guest reads it. */
static uint16_t pit_read_counter(struct pit_state *s, int c, int64_t now)
{
	int64_t n = s->count[c], d, v, half, p;
	int64_t modulus = s->bcd[c] ? 10000 : 65536;

	if (!s->armed[c]) {
		v = n;
	} else {
		d = pit_ticks(s, c, now);
		switch (s->mode[c]) {
		case 2:
			v = n - d % n;
			break;
		case 3:
			/* Decrements by two; each half period reloads (approximate for odd n). */
			half = (n + 1) / 2;
			p = d % n;
			v = p < half ? n - 2 * p : n - 2 * (p - half);
			v &= ~1LL;
			break;
		default:	/* 0, 1, 4, 5 wrap around and keep counting */
			v = ((n - d) % modulus + modulus) % modulus;
			break;
		}
	}
	v %= modulus;
	return s->bcd[c] ? pit_to_bcd(v) : v;
}

int pit_get_out(struct pit_state *s, int c, int64_t now_ns)
{
	if (c < 0 || c >= PIT_CHANNELS)
		return 0;
	pit_sync(s, c, now_ns);
	return pit_out_at(s, c, pit_ticks(s, c, now_ns));
}

static void pit_start(struct pit_state *s, int c, int64_t now)
{
	s->armed[c] = 1;
	s->load_ns[c] = now;
	s->frozen[c] = -1;
	/* Modes 0 and 4 count only while GATE is high (table 3). */
	if (!s->gate[c] && (s->mode[c] == 0 || s->mode[c] == 4))
		s->frozen[c] = 0;
}

static void pit_load_count(struct pit_state *s, int c, uint16_t raw)
{
	int64_t now = clock_get_ns(CLOCK_VIRTUAL);
	uint32_t n = raw;

	if (s->bcd[c]) {
		if (((raw & 0xf) > 9) || ((raw >> 4 & 0xf) > 9) ||
		    ((raw >> 8 & 0xf) > 9) || ((raw >> 12) > 9))
			guest_error("i8254: counter %d: count 0x%04x is not BCD", c, raw);
		n = (raw & 0xf) + (raw >> 4 & 0xf) * 10 + (raw >> 8 & 0xf) * 100 +
		    (raw >> 12) * 1000;
		n %= 10000;
	}
	if (n == 0)		/* 0 is the largest count: 2^16, or 10^4 in BCD */
		n = s->bcd[c] ? 10000 : 65536;
	pit_sync(s, c, now);
	if ((s->mode[c] == 2 || s->mode[c] == 3) && s->armed[c]) {
		/* The current period is not affected (mode 2, 3 definitions). */
		int64_t d = pit_ticks(s, c, now);

		s->next_count[c] = n;
		s->switch_tick[c] = (d / s->count[c] + 1) * s->count[c];
		s->null_count[c] = 1;
		if (c == 0)
			pit_irq_update(s);
		return;
	}
	s->count[c] = n;
	s->loaded[c] = 1;
	s->null_count[c] = 0;
	switch (s->mode[c]) {
	case 1:
	case 5:
		break;		/* waits for a GATE rising edge */
	case 2:
	case 3:
		if (s->gate[c])
			pit_start(s, c, now);
		break;
	default:
		pit_start(s, c, now);
		break;
	}
	if (c == 0)
		pit_irq_update(s);
}

static void pit_latch_count(struct pit_state *s, int c, int64_t now)
{
	if (s->count_latched[c])
		return;		/* a second latch before the read is ignored */
	pit_sync(s, c, now);
	s->latched_count[c] = pit_read_counter(s, c, now);
	s->count_latched[c] = s->rw_mode[c];
}

static void pit_latch_status(struct pit_state *s, int c, int64_t now)
{
	int out;

	if (s->status_latched[c])
		return;
	out = pit_get_out(s, c, now);	/* first: it may load a pending count */
	s->status[c] = out << 7 | s->null_count[c] << 6 |
		       s->rw_mode[c] << 4 | s->mode[c] << 1 | s->bcd[c];
	s->status_latched[c] = 1;
}

static void pit_write_control(struct pit_state *s, uint8_t val)
{
	int64_t now = clock_get_ns(CLOCK_VIRTUAL);
	int c = val >> 6, rw = (val >> 4) & 3, i;

	if (c == 3) {	/* read-back command (fig. 11): bits are active low */
		for (i = 0; i < PIT_CHANNELS; i++) {
			if (!(val & (2 << i)))
				continue;
			if (!(val & 0x20))
				pit_latch_count(s, i, now);
			if (!(val & 0x10))
				pit_latch_status(s, i, now);
		}
		return;
	}
	if (rw == 0) {	/* counter latch command */
		pit_latch_count(s, c, now);
		return;
	}
	s->rw_mode[c] = rw;
	s->read_state[c] = rw;
	s->write_state[c] = rw;
	s->count_latched[c] = 0;
	s->status_latched[c] = 0;
	s->mode[c] = (val >> 1) & 7;
	if (s->mode[c] > 5)
		s->mode[c] -= 4;	/* 6 and 7 are modes 2 and 3 (X10, X11) */
	s->bcd[c] = val & 1;
	s->null_count[c] = 1;
	s->loaded[c] = 0;
	s->armed[c] = 0;
	s->frozen[c] = -1;
	s->switch_tick[c] = -1;
	if (c == 0)
		pit_irq_update(s);	/* OUT goes low in mode 0, high otherwise */
}

static uint64_t pit_io_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pit_state *s = opaque;
	int c = offset;
	uint16_t v;

	if (c >= PIT_CHANNELS)
		return 0xff;	/* the control word register is write-only */
	if (s->status_latched[c]) {
		s->status_latched[c] = 0;
		return s->status[c];
	}
	if (s->count_latched[c]) {
		v = s->latched_count[c];
		switch (s->count_latched[c]) {
		case RW_LSB:
			s->count_latched[c] = 0;
			return v & 0xff;
		case RW_MSB:
			s->count_latched[c] = 0;
			return v >> 8;
		default:
			s->count_latched[c] = RW_MSB;
			return v & 0xff;
		}
	}
	pit_sync(s, c, clock_get_ns(CLOCK_VIRTUAL));
	v = pit_read_counter(s, c, clock_get_ns(CLOCK_VIRTUAL));
	switch (s->read_state[c]) {
	case RW_LSB:
		return v & 0xff;
	case RW_MSB:
		return v >> 8;
	case RW_WORD0:
		s->read_state[c] = RW_WORD1;
		return v & 0xff;
	case RW_WORD1:
		s->read_state[c] = RW_WORD0;
		return v >> 8;
	}
	return 0xff;	/* never programmed */
}

static void pit_io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct pit_state *s = opaque;
	int c = offset;
	uint8_t val = value;

	if (c == 3) {
		pit_write_control(s, val);
		return;
	}
	switch (s->write_state[c]) {
	case RW_LSB:
		pit_load_count(s, c, val);
		break;
	case RW_MSB:
		pit_load_count(s, c, val << 8);
		break;
	case RW_WORD0:
		s->write_latch[c] = val;
		s->write_state[c] = RW_WORD1;
		if (s->mode[c] == 0 && s->armed[c]) {
			/* Mode 0: the first byte stops counting, OUT low at once. */
			s->armed[c] = 0;
			if (c == 0)
				pit_irq_update(s);
		}
		break;
	case RW_WORD1:
		s->write_state[c] = RW_WORD0;
		pit_load_count(s, c, s->write_latch[c] | val << 8);
		break;
	default:
		guest_error("i8254: counter %d written before its control word", c);
		break;
	}
}

void pit_set_gate(struct pit_state *s, int c, int level)
{
	int64_t now = clock_get_ns(CLOCK_VIRTUAL);
	int old;

	if (c < 0 || c >= PIT_CHANNELS)
		return;
	level = !!level;
	old = s->gate[c];
	s->gate[c] = level;
	if (old == level)
		return;
	pit_sync(s, c, now);
	/* Gate pin operations summary, table 3. */
	switch (s->mode[c]) {
	case 0:
	case 4:
		if (!s->armed[c])
			break;
		if (!level) {
			s->frozen[c] = pit_ticks(s, c, now);
		} else if (s->frozen[c] >= 0) {
			/* Resume where counting stopped. */
			s->load_ns[c] = now - pit_ticks_duration(s->frozen[c]);
			s->frozen[c] = -1;
		}
		break;
	case 1:
	case 5:
		if (level && s->loaded[c])
			pit_start(s, c, now);	/* (re)trigger */
		break;
	case 2:
	case 3:
		pit_take_next_count(s, c);	/* the next reload uses it */
		if (!level)
			s->armed[c] = 0;	/* stops counting, OUT high at once */
		else if (s->loaded[c])
			pit_start(s, c, now);	/* reload and count */
		break;
	}
	if (c == 0)
		pit_irq_update(s);
}

int64_t pit_next_event_ns(struct pit_state *s)
{
	return s->timer && timer_pending(s->timer) ? timer_expire_ns(s->timer) : -1;
}

void pit_print_info(struct pit_state *s, GString *out)
{
	int64_t now = clock_get_ns(CLOCK_VIRTUAL);
	int c;

	for (c = 0; c < PIT_CHANNELS; c++) {
		pit_sync(s, c, now);
		g_string_append_printf(out,
			"pit counter %d: mode %d %s count %u value %u gate %d out %d%s\n",
			c, s->mode[c], s->bcd[c] ? "bcd" : "bin", s->count[c],
			pit_read_counter(s, c, now), s->gate[c], pit_get_out(s, c, now),
			s->armed[c] ? "" : " (stopped)");
	}
}

int pit_get_gate(struct pit_state *s, int c)
{
	if (c < 0 || c >= PIT_CHANNELS)
		return 0;
	return s->gate[c];
}

static const struct memory_region_ops pit_io_ops = {
	.read = pit_io_read,
	.write = pit_io_write,
	.valid = { .min_access_size = 1, .max_access_size = 1 },
};

struct memory_region *pit_io_region(struct pit_state *s)
{
	return &s->io;
}

struct irq_line *pit_irq_line(struct pit_state *s)
{
	return &s->irq;
}

static void pit_instance_init(struct object *obj)
{
	struct pit_state *s = PIT(obj);

	memory_region_init_io(&s->io, obj, &pit_io_ops, s, "pit", 4);
	s->next_tick = -1;
}

static void pit_instance_finalize(struct object *obj)
{
	memory_region_destroy(&PIT(obj)->io);
}

static bool pit_realize(struct device *dev, GError **errp)
{
	struct pit_state *s = PIT(dev);

	s->timer = timer_new_ns(CLOCK_VIRTUAL, pit_timer_cb, s);
	return true;
}

static void pit_unrealize(struct device *dev)
{
	struct pit_state *s = PIT(dev);

	timer_free(s->timer);
	s->timer = NULL;
}

static void pit_reset(struct device *dev)
{
	struct pit_state *s = PIT(dev);
	int c;

	for (c = 0; c < PIT_CHANNELS; c++) {
		s->count[c] = 65536;
		s->count_latched[c] = 0;
		s->status_latched[c] = 0;
		s->read_state[c] = 0;
		s->write_state[c] = 0;
		s->rw_mode[c] = 0;
		s->mode[c] = 0;
		s->bcd[c] = 0;
		s->gate[c] = c != 2;	/* port 0x61 bit 0 resets to 0 */
		s->null_count[c] = 1;
		s->loaded[c] = 0;
		s->armed[c] = 0;
		s->frozen[c] = -1;
		s->load_ns[c] = 0;
		s->switch_tick[c] = -1;
	}
	s->next_tick = -1;
	if (s->timer)
		timer_del(s->timer);
	s->irq_level = 0;
	irq_line_set(&s->irq, 0);
}

static const struct vmstate_field pit_fields[] = {
	VMSTATE_U32_ARRAY(struct pit_state, count, PIT_CHANNELS),
	VMSTATE_U16_ARRAY(struct pit_state, latched_count, PIT_CHANNELS),
	VMSTATE_U8_ARRAY(struct pit_state, count_latched, PIT_CHANNELS),
	VMSTATE_U8_ARRAY(struct pit_state, status_latched, PIT_CHANNELS),
	VMSTATE_U8_ARRAY(struct pit_state, status, PIT_CHANNELS),
	VMSTATE_U8_ARRAY(struct pit_state, read_state, PIT_CHANNELS),
	VMSTATE_U8_ARRAY(struct pit_state, write_state, PIT_CHANNELS),
	VMSTATE_U8_ARRAY(struct pit_state, write_latch, PIT_CHANNELS),
	VMSTATE_U8_ARRAY(struct pit_state, rw_mode, PIT_CHANNELS),
	VMSTATE_U8_ARRAY(struct pit_state, mode, PIT_CHANNELS),
	VMSTATE_U8_ARRAY(struct pit_state, bcd, PIT_CHANNELS),
	VMSTATE_U8_ARRAY(struct pit_state, gate, PIT_CHANNELS),
	VMSTATE_U8_ARRAY(struct pit_state, null_count, PIT_CHANNELS),
	VMSTATE_U8_ARRAY(struct pit_state, loaded, PIT_CHANNELS),
	VMSTATE_U8_ARRAY(struct pit_state, armed, PIT_CHANNELS),
	VMSTATE_I64_ARRAY(struct pit_state, load_ns, PIT_CHANNELS),
	VMSTATE_I64_ARRAY(struct pit_state, frozen, PIT_CHANNELS),
	VMSTATE_U32_ARRAY(struct pit_state, next_count, PIT_CHANNELS),
	VMSTATE_I64_ARRAY(struct pit_state, switch_tick, PIT_CHANNELS),
	VMSTATE_U8(struct pit_state, irq_level),
	VMSTATE_I64(struct pit_state, next_tick),
	VMSTATE_TIMER(struct pit_state, timer),
	VMSTATE_END
};

DEFINE_DEVICE_TYPE(i8254, TYPE_I8254, TYPE_DEVICE, struct pit_state,
		   .instance_init = pit_instance_init,
		   .instance_finalize = pit_instance_finalize, .realize = pit_realize,
		   .unrealize = pit_unrealize, .reset = pit_reset,
		   .vmstate = pit_fields, .vmstate_version = 1, .no_user = true,
		   .desc = "8254 programmable interval timer");

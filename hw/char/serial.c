// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 16550A UART core: RBR/THR, IER, IIR/FCR, LCR, MCR, LSR, MSR, SCR and the
 * DLL/DLM divisor latch, a 16-byte receive FIFO with trigger levels, the
 * character-timeout interrupt, loopback and break.
 *
 * Transmission is immediate: a byte written to THR goes to the chardev at
 * once and THRE/TEMT are set again before the write returns, so the guest
 * sees an infinitely fast line (no pacing at the baud rate). Reception is
 * paced by the FIFO: the chardev gives us only as many bytes as fit. The
 * baud rate matters only for the receive timeout (four character times).
 *
 * Register and bit names follow the National Semiconductor PC16550D data
 * sheet (June 1995); section numbers refer to it. Not here: the bus glue
 * (serial-isa.c), modem lines of a real host tty, the transmit FIFO as a
 * queue (it is always empty), DMA mode signalling.
 */
#include "kemu/common.h"
#include "hw/char/serial.h"

#define UART_RBR 0	/* DLAB=0, read */
#define UART_THR 0	/* DLAB=0, write */
#define UART_DLL 0	/* DLAB=1 */
#define UART_IER 1	/* DLAB=0 */
#define UART_DLM 1	/* DLAB=1 */
#define UART_IIR 2	/* read */
#define UART_FCR 2	/* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_RDI	0x01	/* received data available (and timeout) */
#define UART_IER_THRI	0x02	/* THR empty */
#define UART_IER_RLSI	0x04	/* receiver line status */
#define UART_IER_MSI	0x08	/* modem status */

#define UART_IIR_NO_INT	0x01
#define UART_IIR_MSI	0x00
#define UART_IIR_THRI	0x02
#define UART_IIR_RDI	0x04
#define UART_IIR_RLSI	0x06
#define UART_IIR_CTI	0x0c
#define UART_IIR_FE	0xc0	/* FIFOs enabled */

#define UART_FCR_ENABLE_FIFO	0x01
#define UART_FCR_CLEAR_RCVR	0x02
#define UART_FCR_CLEAR_XMIT	0x04
#define UART_FCR_DMA_SELECT	0x08
#define UART_FCR_TRIGGER_MASK	0xc0

#define UART_LCR_WLEN_MASK	0x03
#define UART_LCR_STOP		0x04
#define UART_LCR_PARITY		0x08
#define UART_LCR_SBC		0x40	/* set break */
#define UART_LCR_DLAB		0x80

#define UART_MCR_DTR	0x01
#define UART_MCR_RTS	0x02
#define UART_MCR_OUT1	0x04
#define UART_MCR_OUT2	0x08
#define UART_MCR_LOOP	0x10

#define UART_LSR_DR	0x01
#define UART_LSR_OE	0x02
#define UART_LSR_PE	0x04
#define UART_LSR_FE	0x08
#define UART_LSR_BI	0x10
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40
#define UART_LSR_FIFOE	0x80	/* error in the receive FIFO */
#define UART_LSR_INT_ANY (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS	0x01
#define UART_MSR_DDSR	0x02
#define UART_MSR_TERI	0x04
#define UART_MSR_DDCD	0x08
#define UART_MSR_CTS	0x10
#define UART_MSR_DSR	0x20
#define UART_MSR_RI	0x40
#define UART_MSR_DCD	0x80
#define UART_MSR_DELTA	0x0f

/* The PC's UART clock: 1.8432 MHz, divided by 16 per bit. */
#define UART_CLOCK_HZ 1843200

static bool serial_fifo_enabled(const struct serial_state *s)
{
	return s->fcr & UART_FCR_ENABLE_FIFO;
}

static unsigned serial_rx_count(const struct serial_state *s)
{
	return MIN(s->rx_count, UART_FIFO_SIZE);	/* restored state is untrusted */
}

/* Receive FIFO trigger level (table 7 of the data sheet). */
static unsigned serial_rx_trigger(const struct serial_state *s)
{
	static const uint8_t level[4] = { 1, 4, 8, 14 };

	return level[(s->fcr & UART_FCR_TRIGGER_MASK) >> 6];
}

/* One character on the line, in ns: start + data + parity + stop bits. */
static int64_t serial_char_ns(const struct serial_state *s)
{
	unsigned bits = 1 + 5 + (s->lcr & UART_LCR_WLEN_MASK) +
			((s->lcr & UART_LCR_PARITY) ? 1 : 0) +
			((s->lcr & UART_LCR_STOP) ? 2 : 1);
	unsigned divider = s->divider ? s->divider : 1;

	return (int64_t)bits * divider * 16 * NS_PER_SEC / UART_CLOCK_HZ;
}

/* Section 8.6.3: the highest-priority pending interrupt. */
static uint8_t serial_pending_iir(const struct serial_state *s)
{
	if ((s->ier & UART_IER_RLSI) && (s->lsr & UART_LSR_INT_ANY))
		return UART_IIR_RLSI;
	if ((s->ier & UART_IER_RDI) && (s->lsr & UART_LSR_DR) &&
	    (!serial_fifo_enabled(s) || serial_rx_count(s) >= serial_rx_trigger(s)))
		return UART_IIR_RDI;
	if ((s->ier & UART_IER_RDI) && s->timeout_ipending)
		return UART_IIR_CTI;
	if ((s->ier & UART_IER_THRI) && s->thr_ipending)
		return UART_IIR_THRI;
	if ((s->ier & UART_IER_MSI) && (s->msr & UART_MSR_DELTA))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

static void serial_update_irq(struct serial_state *s)
{
	irq_line_set(&s->irq, serial_pending_iir(s) != UART_IIR_NO_INT);
}

static void serial_rx_timeout_arm(struct serial_state *s)
{
	if (serial_fifo_enabled(s) && serial_rx_count(s))
		timer_mod_ns(s->rx_timeout, clock_get_ns(CLOCK_VIRTUAL) + 4 * serial_char_ns(s));
	else
		timer_del(s->rx_timeout);
}

static void serial_rx_timeout_cb(void *opaque)
{
	struct serial_state *s = opaque;

	if (serial_rx_count(s)) {
		s->timeout_ipending = true;
		serial_update_irq(s);
	}
}

static void serial_rx_fifo_clear(struct serial_state *s)
{
	s->rx_head = 0;
	s->rx_count = 0;
	s->lsr &= ~(UART_LSR_DR | UART_LSR_FIFOE);
	s->timeout_ipending = false;
	timer_del(s->rx_timeout);
}

/* A character arrives on the line (from the chardev or in loopback). */
static void serial_rx_byte(struct serial_state *s, uint8_t ch, uint8_t err)
{
	unsigned cap = serial_fifo_enabled(s) ? UART_FIFO_SIZE : 1;
	unsigned count = serial_rx_count(s);

	if (count >= cap) {
		if (serial_fifo_enabled(s)) {
			/* 8.6.5: the FIFO is kept, the character in the shift register lost */
			s->lsr |= UART_LSR_OE;
			return;
		}
		/* 16450 mode: the new character overwrites the holding register */
		s->lsr |= UART_LSR_OE;
		s->rx_fifo[s->rx_head % UART_FIFO_SIZE] = ch;
	} else {
		s->rx_fifo[(s->rx_head + count) % UART_FIFO_SIZE] = ch;
		s->rx_count = count + 1;
	}
	s->lsr |= UART_LSR_DR | err;
	if (err && serial_fifo_enabled(s))
		s->lsr |= UART_LSR_FIFOE;
	s->timeout_ipending = false;
	serial_rx_timeout_arm(s);
}

static uint8_t serial_rx_pop(struct serial_state *s)
{
	unsigned count = serial_rx_count(s);

	if (!count)
		return s->rbr;
	s->rbr = s->rx_fifo[s->rx_head % UART_FIFO_SIZE];
	s->rx_head = (s->rx_head + 1) % UART_FIFO_SIZE;
	s->rx_count = count - 1;
	if (!s->rx_count)
		s->lsr &= ~UART_LSR_DR;
	s->timeout_ipending = false;
	serial_rx_timeout_arm(s);
	return s->rbr;
}

/* Modem status as loopback wires it (8.6.9), with delta bits. */
static void serial_update_msr(struct serial_state *s)
{
	uint8_t old = s->msr, status;

	if (s->mcr & UART_MCR_LOOP) {
		status = ((s->mcr & UART_MCR_RTS) ? UART_MSR_CTS : 0) |
			 ((s->mcr & UART_MCR_DTR) ? UART_MSR_DSR : 0) |
			 ((s->mcr & UART_MCR_OUT1) ? UART_MSR_RI : 0) |
			 ((s->mcr & UART_MCR_OUT2) ? UART_MSR_DCD : 0);
	} else {
		/* a chardev has no modem lines: carrier, DSR and CTS are up */
		status = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	}
	s->msr = status | (old & UART_MSR_DELTA);
	if ((old ^ status) & UART_MSR_CTS)
		s->msr |= UART_MSR_DCTS;
	if ((old ^ status) & UART_MSR_DSR)
		s->msr |= UART_MSR_DDSR;
	if ((old ^ status) & UART_MSR_DCD)
		s->msr |= UART_MSR_DDCD;
	if ((old & UART_MSR_RI) && !(status & UART_MSR_RI))
		s->msr |= UART_MSR_TERI;	/* trailing edge only */
}

static void serial_write_thr(struct serial_state *s, uint8_t val)
{
	s->thr_ipending = false;
	if (s->mcr & UART_MCR_LOOP)
		serial_rx_byte(s, val, 0);
	else
		chardev_fe_write_all(&s->fe, &val, 1);
	/* the byte left at once: THR and shift register are empty again */
	s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
	s->thr_ipending = true;
}

static void serial_write_fcr(struct serial_state *s, uint8_t val)
{
	if ((val ^ s->fcr) & UART_FCR_ENABLE_FIFO) {
		/* enabling or disabling the FIFOs clears them (8.6.4) */
		serial_rx_fifo_clear(s);
	}
	if (val & UART_FCR_CLEAR_RCVR)
		serial_rx_fifo_clear(s);
	/* the transmit FIFO is always empty: nothing to clear */
	if (val & UART_FCR_ENABLE_FIFO)
		s->fcr = val & (UART_FCR_ENABLE_FIFO | UART_FCR_DMA_SELECT | UART_FCR_TRIGGER_MASK);
	else
		s->fcr = 0;
	chardev_fe_accept_input(&s->fe);
}

static uint64_t serial_io_read(void *opaque, uint64_t offset, unsigned size)
{
	struct serial_state *s = opaque;
	uint8_t ret, iir;

	switch (offset & 7) {
	case UART_RBR:
		if (s->lcr & UART_LCR_DLAB)
			return s->divider & 0xff;
		ret = serial_rx_pop(s);
		serial_update_irq(s);
		chardev_fe_accept_input(&s->fe);
		return ret;
	case UART_IER:
		if (s->lcr & UART_LCR_DLAB)
			return s->divider >> 8;
		return s->ier;
	case UART_IIR:
		iir = serial_pending_iir(s);
		/* reading IIR while it shows THRE clears that interrupt (8.6.3) */
		if (iir == UART_IIR_THRI) {
			s->thr_ipending = false;
			serial_update_irq(s);
		}
		return iir | (serial_fifo_enabled(s) ? UART_IIR_FE : 0);
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		ret = s->lsr;
		s->lsr &= ~(UART_LSR_INT_ANY | UART_LSR_FIFOE);
		serial_update_irq(s);
		return ret;
	case UART_MSR:
		ret = s->msr;
		s->msr &= ~UART_MSR_DELTA;
		serial_update_irq(s);
		return ret;
	default:
		return s->scr;
	}
}

static void serial_io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct serial_state *s = opaque;
	uint8_t val = value, changed;

	switch (offset & 7) {
	case UART_THR:
		if (s->lcr & UART_LCR_DLAB)
			s->divider = (s->divider & 0xff00) | val;
		else
			serial_write_thr(s, val);
		break;
	case UART_IER:
		if (s->lcr & UART_LCR_DLAB) {
			s->divider = (s->divider & 0x00ff) | (val << 8);
			break;
		}
		changed = (s->ier ^ val) & 0x0f;
		s->ier = val & 0x0f;
		/* enabling THRI while THR is empty interrupts at once (Linux tests this) */
		if (changed & UART_IER_THRI)
			s->thr_ipending = (s->ier & UART_IER_THRI) && (s->lsr & UART_LSR_THRE);
		break;
	case UART_FCR:
		serial_write_fcr(s, val);
		break;
	case UART_LCR:
		changed = s->lcr ^ val;
		s->lcr = val;
		/* a break sent in loopback is received as one (8.6.6) */
		if ((changed & UART_LCR_SBC) && (val & UART_LCR_SBC) && (s->mcr & UART_MCR_LOOP))
			serial_rx_byte(s, 0, UART_LSR_BI);
		break;
	case UART_MCR:
		s->mcr = val & 0x1f;
		serial_update_msr(s);
		chardev_fe_accept_input(&s->fe);
		break;
	case UART_LSR:
	case UART_MSR:
		/* factory test registers: writes ignored (note in 8.6.7) */
		guest_error("serial: write 0x%02x to read-only register %" PRIu64, val, offset);
		break;
	default:
		s->scr = val;
		break;
	}
	serial_update_irq(s);
}

static const struct memory_region_ops serial_io_ops = {
	.read = serial_io_read,
	.write = serial_io_write,
	.valid = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- chardev side ---- */

static int serial_can_receive(void *opaque)
{
	struct serial_state *s = opaque;

	if (s->mcr & UART_MCR_LOOP)
		return 0;	/* loopback disconnects the receiver from the line */
	if (serial_fifo_enabled(s))
		return UART_FIFO_SIZE - serial_rx_count(s);
	return (s->lsr & UART_LSR_DR) ? 0 : 1;
}

static void serial_receive(void *opaque, const uint8_t *buf, int len)
{
	struct serial_state *s = opaque;

	for (int i = 0; i < len; i++)
		serial_rx_byte(s, buf[i], 0);
	serial_update_irq(s);
}

static void serial_event(void *opaque, enum chardev_event event)
{
	struct serial_state *s = opaque;

	if (event == CHARDEV_EVENT_BREAK) {
		serial_rx_byte(s, 0, UART_LSR_BI);
		serial_update_irq(s);
	}
}

static const struct chardev_handlers serial_chardev_handlers = {
	.can_receive = serial_can_receive,
	.receive = serial_receive,
	.event = serial_event,
};

/* ---- life cycle ---- */

bool serial_realize(struct serial_state *s, struct object *owner, struct chardev *chr,
		    GError **errp)
{
	if (!chardev_fe_init(&s->fe, chr, errp))
		return false;
	s->owner = owner;
	s->rx_timeout = timer_new_ns(CLOCK_VIRTUAL, serial_rx_timeout_cb, s);
	memory_region_init_io(&s->io, owner, &serial_io_ops, s, "serial", 8);
	chardev_fe_set_handlers(&s->fe, &serial_chardev_handlers, s);
	return true;
}

void serial_unrealize(struct serial_state *s)
{
	chardev_fe_deinit(&s->fe);
	if (s->rx_timeout)
		timer_free(s->rx_timeout);
	s->rx_timeout = NULL;
	memory_region_destroy(&s->io);
}

void serial_reset(struct serial_state *s)
{
	s->divider = 0x0c;		/* 9600 baud, as the BIOS would leave it */
	s->rbr = 0;
	s->ier = 0;
	s->lcr = 0;
	s->mcr = UART_MCR_OUT2;
	s->lsr = UART_LSR_TEMT | UART_LSR_THRE;
	s->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	s->scr = 0;
	s->fcr = 0;
	s->thr_ipending = false;
	serial_rx_fifo_clear(s);
	serial_update_irq(s);
	chardev_fe_accept_input(&s->fe);
}

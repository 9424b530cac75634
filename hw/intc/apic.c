// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The local APIC of each CPU (xAPIC MMIO page and x2APIC MSRs), and the
 * APIC bus that carries IPIs, IOAPIC messages and MSIs between them.
 *
 * Interrupts accepted from the bus or the local vector table land in the
 * 256-bit IRR; the CPU is told (CPU_INTERRUPT_HARD) while the highest IRR
 * vector's priority class is above PPR, and acknowledges through
 * apic_cpu_get_interrupt(), which moves it to ISR. EOI clears the highest
 * ISR bit and, for level-triggered vectors (TMR), broadcasts the EOI to the
 * IOAPIC. The PIC reaches the CPU through LINT0 in ExtINT mode, or
 * directly while the APIC is globally disabled.
 *
 * The timer counts at 1 GHz (one CLOCK_VIRTUAL ns per bus clock, as KVM's
 * in-kernel APIC does) divided by the divide configuration register; it
 * keeps the virtual time at which the count started and arms a timer only
 * for the next interrupt that is unmasked. TSC-deadline mode converts TSC
 * to virtual time with the "tsc-frequency" property.
 *
 * Not modelled: SMI delivery (refused with a log), directed EOI and EOI
 * broadcast suppression, relocation of the APIC base, the thermal,
 * performance-counter and CMCI sources (their LVT entries are kept but
 * nothing fires them), arbitration IDs (lowest priority picks the lowest
 * TPR, first in bus order on ties).
 *
 * Reference: Intel SDM vol. 3A (325462-079), chapter 10 "Advanced
 * Programmable Interrupt Controller (APIC)" [chapter 11 in later editions]:
 * §10.4 (base MSR, ID, version, enabling, state after INIT), §10.5 (LVT,
 * ESR, timer), §10.6 (ICR, destinations, shorthands), §10.7 (lowest
 * priority), §10.8 (IRR/ISR/TMR, TPR/PPR, EOI), §10.9 (spurious),
 * §10.11 (MSI), §10.12 (x2APIC).
 */
#include "kemu/common.h"
#include "hw/intc/apic.h"
#include "apic-internal.h"
#include "hw/intc/ioapic.h"
#include "hw/intc/i8259.h"
#include "system/timer.h"
#include "target/i386/cpu.h"

/* Register offsets in the xAPIC page, SDM vol. 3A table 10-1. */
#define APIC_ID		0x020
#define APIC_VERSION	0x030
#define APIC_TPR	0x080
#define APIC_APR	0x090
#define APIC_PPR	0x0a0
#define APIC_EOI	0x0b0
#define APIC_RRD	0x0c0
#define APIC_LDR	0x0d0
#define APIC_DFR	0x0e0
#define APIC_SVR	0x0f0
#define APIC_ISR	0x100
#define APIC_TMR	0x180
#define APIC_IRR	0x200
#define APIC_ESR	0x280
#define APIC_LVT_CMCI	0x2f0
#define APIC_ICR_LO	0x300
#define APIC_ICR_HI	0x310
#define APIC_LVT_BASE	0x320	/* timer, thermal, perf, LINT0, LINT1, error */
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390
#define APIC_TDCR	0x3e0
#define APIC_SELF_IPI	0x3f0	/* x2APIC only */

#define APIC_X2APIC_MSR_BASE 0x800

enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_NB };

#define LVT_MASKED		(1u << 16)
#define LVT_LEVEL_TRIGGER	(1u << 15)
#define LVT_REMOTE_IRR		(1u << 14)
#define LVT_DELIV_MODE(v)	(((v) >> 8) & 7)
#define LVT_TIMER_MODE(v)	(((v) >> 17) & 3)
#define TIMER_ONESHOT		0
#define TIMER_PERIODIC		1
#define TIMER_TSC_DEADLINE	2

/*
 * A periodic timer faster than this interrupts once per this interval (the
 * count still reads exactly): a guest cannot make the host spin. KVM's
 * in-kernel APIC clamps periodic mode to 200 us.
 */
#define APIC_MIN_PERIOD_NS	(20 * NS_PER_US)

#define SVR_ENABLE		(1u << 8)
#define APIC_VERSION_VALUE	(0x14 | (LVT_NB - 1) << 16)	/* integrated APIC, 6 LVTs */

/* ESR bits, SDM §10.5.3 */
#define ESR_SEND_ILLEGAL_VECTOR		(1u << 5)
#define ESR_RECV_ILLEGAL_VECTOR		(1u << 6)
#define ESR_ILLEGAL_REGISTER		(1u << 7)

/* ICR fields, SDM §10.6.1 */
#define ICR_DEST_LOGICAL	(1u << 11)
#define ICR_LEVEL_ASSERT	(1u << 14)
#define ICR_TRIGGER_LEVEL	(1u << 15)
#define ICR_SHORTHAND(v)	(((v) >> 18) & 3)
enum { SH_NONE, SH_SELF, SH_ALL_INCL_SELF, SH_ALL_EXCL_SELF };

#define APIC_BASE_RESERVED	0xfff00000000002ffULL	/* bits 0-7, 9, 52-63 */

struct apic_state {
	struct device parent;

	/* Properties */
	uint32_t initial_id;		/* "id": the APIC ID this CPU powers up with */
	bool bsp;
	uint64_t tsc_hz;		/* "tsc-frequency" for TSC-deadline mode */

	/* Registers */
	uint64_t apicbase;
	uint32_t id_reg;		/* xAPIC ID register, ID in bits 31:24 */
	uint8_t tpr;
	uint32_t ldr, dfr, svr;
	uint32_t isr[8], tmr[8], irr[8];
	uint32_t esr;			/* as last latched by an ESR write */
	uint32_t esr_pending;		/* errors since then */
	uint32_t icr[2];
	uint32_t lvt[LVT_NB];
	uint32_t lvt_cmci;
	uint32_t initial_count;
	uint32_t divide_conf;
	int64_t count_start_ns;		/* when the current count (period) began */
	uint64_t tsc_deadline;
	int64_t deadline_ns;		/* virtual time of a TSC deadline, -1: none */
	int32_t sipi_vector;
	uint8_t lint_level[2];		/* LINT0/LINT1 input levels (LINT0: the PIC's INTR) */
	uint8_t extint_msg;		/* an ExtINT message is waiting for INTA */

	struct kemu_timer *timer;
	struct memory_region mmio;
	struct apic_bus *bus;
	struct x86_cpu *cpu;
	const struct apic_cpu_ops *cpu_ops;
};

static void apic_update_irq(struct apic_state *s);
static void apic_timer_arm(struct apic_state *s);

static bool apic_hw_enabled(struct apic_state *s)
{
	return s->apicbase & MSR_IA32_APICBASE_ENABLE;
}

static bool apic_x2apic(struct apic_state *s)
{
	return s->apicbase & MSR_IA32_APICBASE_X2APIC;
}

static bool apic_sw_enabled(struct apic_state *s)
{
	return apic_hw_enabled(s) && (s->svr & SVR_ENABLE);
}

static uint32_t apic_id(struct apic_state *s)
{
	return apic_x2apic(s) ? s->initial_id : s->id_reg >> 24;
}

static void apic_signal(struct apic_state *s, int mask)
{
	if (s->cpu_ops)
		s->cpu_ops->interrupt(s->cpu, mask);
}

/* ---- 256-bit registers ---- */

static void vec_set(uint32_t *r, int v) { r[v >> 5] |= 1u << (v & 31); }
static void vec_clear(uint32_t *r, int v) { r[v >> 5] &= ~(1u << (v & 31)); }
static bool vec_test(const uint32_t *r, int v) { return r[v >> 5] & (1u << (v & 31)); }

/* Highest set vector, or -1. */
static int vec_highest(const uint32_t *r)
{
	int i;

	for (i = 7; i >= 0; i--)
		if (r[i])
			return i * 32 + 31 - __builtin_clz(r[i]);
	return -1;
}

/* ---- priorities, SDM §10.8.3 ---- */

static uint8_t apic_ppr(struct apic_state *s)
{
	int isrv = vec_highest(s->isr);

	if (isrv < 0)
		isrv = 0;
	if ((s->tpr >> 4) >= (isrv >> 4))
		return s->tpr;
	return isrv & 0xf0;
}

/* Vector to deliver; 0: nothing in IRR; -1: IRR blocked by PPR. */
static int apic_irq_pending(struct apic_state *s)
{
	int irrv;

	if (!apic_sw_enabled(s))
		return 0;
	irrv = vec_highest(s->irr);
	if (irrv < 0)
		return 0;
	if ((irrv & 0xf0) <= (apic_ppr(s) & 0xf0))
		return -1;
	return irrv;
}

/* Does the PIC's INTR reach the CPU through this APIC? */
static bool apic_accepts_pic(struct apic_state *s)
{
	uint32_t lvt0 = s->lvt[LVT_LINT0];

	if (!apic_hw_enabled(s))
		return true;	/* disabled APIC: the PIC is wired to INTR */
	return !(lvt0 & LVT_MASKED) && LVT_DELIV_MODE(lvt0) == APIC_DM_EXTINT;
}

static bool apic_extint_pending(struct apic_state *s)
{
	if (!s->bus || !s->bus->pic)
		return false;
	return s->extint_msg || (s->lint_level[0] && apic_accepts_pic(s));
}

static void apic_update_irq(struct apic_state *s)
{
	if (!s->cpu_ops)
		return;
	if (apic_irq_pending(s) > 0 || apic_extint_pending(s))
		s->cpu_ops->interrupt(s->cpu, CPU_INTERRUPT_HARD);
	else
		s->cpu_ops->reset_interrupt(s->cpu, CPU_INTERRUPT_HARD);
}

static void apic_error(struct apic_state *s, uint32_t bit);

/* Accept a fixed interrupt into IRR, SDM §10.8.2 */
static void apic_accept_irq(struct apic_state *s, uint8_t vector, bool level)
{
	if (vector < 16) {
		apic_error(s, ESR_RECV_ILLEGAL_VECTOR);
		return;
	}
	vec_set(s->irr, vector);
	if (level)
		vec_set(s->tmr, vector);
	else
		vec_clear(s->tmr, vector);
	apic_update_irq(s);
}

/* Deliver through a local vector table entry, SDM §10.5.1 */
static void apic_local_deliver(struct apic_state *s, int lvt_index)
{
	uint32_t lvt = s->lvt[lvt_index];

	if ((lvt & LVT_MASKED) || !apic_hw_enabled(s))
		return;
	switch (LVT_DELIV_MODE(lvt)) {
	case APIC_DM_FIXED:
		if (lvt_index == LVT_LINT0 || lvt_index == LVT_LINT1) {
			if (lvt & LVT_LEVEL_TRIGGER)
				s->lvt[lvt_index] |= LVT_REMOTE_IRR;
			apic_accept_irq(s, lvt & 0xff, lvt & LVT_LEVEL_TRIGGER);
		} else {
			apic_accept_irq(s, lvt & 0xff, false);
		}
		break;
	case APIC_DM_NMI:
		apic_signal(s, CPU_INTERRUPT_NMI);
		break;
	case APIC_DM_EXTINT:
		apic_update_irq(s);
		break;
	case APIC_DM_SMI:
		log_unimp("apic: SMI from LVT entry %d", lvt_index);
		break;
	default:
		guest_error("apic: LVT entry %d: reserved delivery mode %u",
			    lvt_index, LVT_DELIV_MODE(lvt));
		break;
	}
}

static void apic_error(struct apic_state *s, uint32_t bit)
{
	bool first = !(s->esr_pending & bit);

	s->esr_pending |= bit;
	/* An illegal error vector would recurse: SDM says it is only logged. */
	if (first && (s->lvt[LVT_ERROR] & 0xff) >= 16)
		apic_local_deliver(s, LVT_ERROR);
}

/* ---- timer, SDM §10.5.4 ---- */

static unsigned apic_divide_shift(struct apic_state *s)
{
	unsigned v = (s->divide_conf & 3) | ((s->divide_conf >> 1) & 4);

	return (v + 1) & 7;	/* 0b111 divides by 1, 0b000 by 2 ... */
}

static int64_t apic_period_ns(struct apic_state *s)
{
	return (int64_t)s->initial_count << apic_divide_shift(s);
}

static uint32_t apic_current_count(struct apic_state *s)
{
	int64_t now = clock_get_ns(CLOCK_VIRTUAL), elapsed, ticks;

	if (LVT_TIMER_MODE(s->lvt[LVT_TIMER]) == TIMER_TSC_DEADLINE || !s->initial_count)
		return 0;
	elapsed = now - s->count_start_ns;
	if (elapsed < 0)
		elapsed = 0;
	ticks = elapsed >> apic_divide_shift(s);
	if (LVT_TIMER_MODE(s->lvt[LVT_TIMER]) == TIMER_PERIODIC)
		return s->initial_count - ticks % s->initial_count;
	return ticks >= s->initial_count ? 0 : s->initial_count - ticks;
}

/*
 * Arm the host timer for the next timer interrupt, if there is one that is
 * not masked (a masked timer keeps counting, computed when read).
 */
static void apic_timer_arm(struct apic_state *s)
{
	uint32_t lvt = s->lvt[LVT_TIMER];
	int64_t now, period, expire;

	if (!s->timer)
		return;
	if (lvt & LVT_MASKED) {
		timer_del(s->timer);
		return;
	}
	switch (LVT_TIMER_MODE(lvt)) {
	case TIMER_TSC_DEADLINE:
		if (s->deadline_ns >= 0)
			timer_mod_ns(s->timer, s->deadline_ns);
		else
			timer_del(s->timer);
		return;
	case TIMER_PERIODIC:
		period = apic_period_ns(s);
		if (!period)
			break;
		now = clock_get_ns(CLOCK_VIRTUAL);
		expire = s->count_start_ns + period;
		if (expire <= now)	/* periods that passed while masked */
			expire += (now - expire) / period * period + period;
		if (expire < now + APIC_MIN_PERIOD_NS)
			expire += (now + APIC_MIN_PERIOD_NS - expire + period - 1) / period * period;
		timer_mod_ns(s->timer, expire);
		return;
	case TIMER_ONESHOT:
		period = apic_period_ns(s);
		now = clock_get_ns(CLOCK_VIRTUAL);
		if (!period || s->count_start_ns + period <= now)
			break;	/* already expired: a one-shot fires once */
		timer_mod_ns(s->timer, s->count_start_ns + period);
		return;
	default:
		break;
	}
	timer_del(s->timer);
}

static void apic_timer_cb(void *opaque)
{
	struct apic_state *s = opaque;
	int64_t now = clock_get_ns(CLOCK_VIRTUAL), period;

	switch (LVT_TIMER_MODE(s->lvt[LVT_TIMER])) {
	case TIMER_TSC_DEADLINE:
		/* Fires once and disarms itself, clearing IA32_TSC_DEADLINE. */
		s->tsc_deadline = 0;
		s->deadline_ns = -1;
		apic_local_deliver(s, LVT_TIMER);
		return;
	case TIMER_PERIODIC:
		period = apic_period_ns(s);
		if (!period)
			return;
		/* Periods start where the last one ended, so the rate stays exact. */
		s->count_start_ns += (now - s->count_start_ns) / period * period;
		apic_local_deliver(s, LVT_TIMER);
		apic_timer_arm(s);
		return;
	default:
		apic_local_deliver(s, LVT_TIMER);
		return;
	}
}

int64_t apic_timer_next_ns(struct apic_state *s)
{
	return s->timer && timer_pending(s->timer) ? timer_expire_ns(s->timer) : -1;
}

uint64_t apic_get_tsc_deadline(struct apic_state *s)
{
	if (LVT_TIMER_MODE(s->lvt[LVT_TIMER]) != TIMER_TSC_DEADLINE)
		return 0;
	return s->tsc_deadline;
}

void apic_set_tsc_deadline(struct apic_state *s, uint64_t deadline, uint64_t now_tsc)
{
	int64_t now = clock_get_ns(CLOCK_VIRTUAL);
	uint64_t delta;

	/* Writes in the other timer modes are ignored, SDM §10.5.4.1 */
	if (LVT_TIMER_MODE(s->lvt[LVT_TIMER]) != TIMER_TSC_DEADLINE)
		return;
	s->tsc_deadline = deadline;
	if (!deadline) {
		s->deadline_ns = -1;
	} else if (deadline <= now_tsc) {
		s->deadline_ns = now;
	} else {
		delta = deadline - now_tsc;
		s->deadline_ns = now + (int64_t)MIN((unsigned __int128)delta * NS_PER_SEC /
						    (s->tsc_hz ? s->tsc_hz : 1),
						    (unsigned __int128)INT64_MAX / 2);
	}
	apic_timer_arm(s);
}

/* ---- receiving from the APIC bus (apic-bus.c), SDM §10.6.2 ---- */

uint8_t apic_arbitration_priority(struct apic_state *s)
{
	return s->tpr;	/* arbitration IDs are not modelled */
}

bool apic_match_dest(struct apic_state *s, uint32_t dest, bool logical)
{
	uint8_t ldr8;

	if (apic_x2apic(s)) {
		if (dest == 0xffffffff)
			return true;
		if (!logical)
			return dest == s->initial_id;
		/* cluster in bits 31:16, one bit per member in 15:0 (§10.12.10) */
		return (dest >> 16) == (s->ldr >> 16) && (dest & s->ldr & 0xffff);
	}
	dest &= 0xff;
	if (dest == 0xff)
		return true;
	if (!logical)
		return dest == s->id_reg >> 24;
	ldr8 = s->ldr >> 24;
	if ((s->dfr >> 28) == 0xf)	/* flat model: a bitmap of 8 APICs */
		return dest & ldr8;
	/* cluster model: cluster in the high nibble, members in the low */
	return (dest >> 4) == (ldr8 >> 4) && (dest & ldr8 & 0xf);
}

static void apic_init_reset(struct apic_state *s);

/* One APIC accepts one message. */
void apic_receive(struct apic_state *s, enum apic_delivery_mode mode,
		  uint8_t vector, bool level)
{
	switch (mode) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		apic_accept_irq(s, vector, level);
		break;
	case APIC_DM_NMI:
		apic_signal(s, CPU_INTERRUPT_NMI);
		break;
	case APIC_DM_INIT:
		/* The APIC takes the INIT state too, SDM §10.4.7.3 */
		apic_init_reset(s);
		apic_signal(s, CPU_INTERRUPT_INIT);
		break;
	case APIC_DM_SIPI:
		s->sipi_vector = vector;
		apic_signal(s, CPU_INTERRUPT_SIPI);
		break;
	case APIC_DM_EXTINT:
		s->extint_msg = 1;
		apic_update_irq(s);
		break;
	case APIC_DM_SMI:
		log_unimp("apic: SMI delivery to APIC %u refused", apic_id(s));
		break;
	default:
		guest_error("apic: reserved delivery mode %d", mode);
		break;
	}
}

bool apic_accepts_messages(struct apic_state *s, enum apic_delivery_mode mode)
{
	/* A globally disabled APIC takes nothing from the bus but INIT. */
	return apic_hw_enabled(s) || mode == APIC_DM_INIT;
}

void apic_attach(struct apic_bus *bus, struct apic_state *s, struct x86_cpu *cpu,
		 const struct apic_cpu_ops *ops)
{
	g_assert(bus->nr < APIC_BUS_MAX);
	bus->apics[bus->nr++] = s;
	s->bus = bus;
	s->cpu = cpu;
	s->cpu_ops = ops;
	if (cpu) {
		cpu->irq_source.get_interrupt = apic_cpu_get_interrupt;
		cpu->irq_source.opaque = s;
		cpu->apic = OBJECT(s);
	}
	apic_update_irq(s);
}

/* Send the IPI described by the ICR, SDM §10.6.1 */
static void apic_send_ipi(struct apic_state *s, uint32_t icr_lo, uint32_t dest)
{
	enum apic_delivery_mode mode = LVT_DELIV_MODE(icr_lo);
	uint8_t vector = icr_lo & 0xff;
	bool logical = icr_lo & ICR_DEST_LOGICAL;
	bool level = icr_lo & ICR_TRIGGER_LEVEL;
	unsigned i;

	if (mode == APIC_DM_INIT && level && !(icr_lo & ICR_LEVEL_ASSERT))
		return;		/* INIT level de-assert: arbitration IDs only */
	if ((mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST) && vector < 16) {
		apic_error(s, ESR_SEND_ILLEGAL_VECTOR);
		return;
	}
	if (mode == APIC_DM_SMI) {
		log_unimp("apic: SMI IPI refused");
		return;
	}
	if (mode == 3 || mode == APIC_DM_EXTINT) {
		guest_error("apic: IPI with delivery mode %d", mode);
		return;
	}
	switch (ICR_SHORTHAND(icr_lo)) {
	case SH_NONE:
		if (!s->bus)
			apic_receive(s, mode, vector, level);	/* alone on its bus */
		else
			apic_bus_deliver(s->bus, dest, logical, mode, vector, level);
		break;
	case SH_SELF:
		apic_receive(s, mode, vector, level);
		break;
	case SH_ALL_INCL_SELF:
	case SH_ALL_EXCL_SELF:
		if (!s->bus) {
			if (ICR_SHORTHAND(icr_lo) == SH_ALL_INCL_SELF)
				apic_receive(s, mode, vector, level);
			break;
		}
		for (i = 0; i < s->bus->nr; i++) {
			struct apic_state *a = s->bus->apics[i];

			if (a == s && ICR_SHORTHAND(icr_lo) == SH_ALL_EXCL_SELF)
				continue;
			if (apic_accepts_messages(a, mode))
				apic_receive(a, mode, vector, level);
		}
		break;
	}
}

/* ---- acknowledge and EOI ---- */

int apic_cpu_get_interrupt(void *opaque, struct x86_cpu *cpu)
{
	struct apic_state *s = opaque;
	int vector = apic_irq_pending(s);

	if (vector > 0) {
		vec_clear(s->irr, vector);
		vec_set(s->isr, vector);
		apic_update_irq(s);
		return vector;
	}
	if (apic_extint_pending(s)) {
		s->extint_msg = 0;
		vector = pic_get_interrupt(s->bus->pic);
		apic_update_irq(s);
		return vector;
	}
	/*
	 * Nothing deliverable (TPR rose after INTR was signalled). The SDM
	 * (§10.9) has the APIC answer INTA with the spurious vector; kemu's
	 * CPU asks here only while HARD is set, and HARD was just dropped, so
	 * "nothing" is the faithful answer without a stray interrupt.
	 */
	apic_update_irq(s);
	return -1;
}

static void apic_eoi(struct apic_state *s)
{
	int isrv = vec_highest(s->isr), i;

	if (isrv < 0)
		return;
	vec_clear(s->isr, isrv);
	if (vec_test(s->tmr, isrv)) {
		/* Level-triggered: the source may assert again (§10.8.5). */
		if (s->bus && s->bus->ioapic)
			ioapic_eoi_broadcast(s->bus->ioapic, isrv);
		for (i = LVT_LINT0; i <= LVT_LINT1; i++) {
			if (!(s->lvt[i] & LVT_REMOTE_IRR) || (s->lvt[i] & 0xff) != isrv)
				continue;
			s->lvt[i] &= ~LVT_REMOTE_IRR;
			if (s->lint_level[i - LVT_LINT0])
				apic_local_deliver(s, i);
		}
	}
	apic_update_irq(s);
}

/* ---- inputs ---- */

void apic_set_lint(void *opaque, int n, int level)
{
	struct apic_state *s = opaque;
	int idx = n ? LVT_LINT1 : LVT_LINT0;
	uint32_t lvt;
	bool rising;

	if (n < 0 || n > 1)
		return;
	level = !!level;
	rising = level && !s->lint_level[n];
	s->lint_level[n] = level;
	lvt = s->lvt[idx];
	if (LVT_DELIV_MODE(lvt) == APIC_DM_EXTINT || !apic_hw_enabled(s)) {
		apic_update_irq(s);	/* ExtINT follows the line's level */
		return;
	}
	if (!level) {
		return;
	}
	/* Level-triggered fixed: once per assertion until EOI clears remote IRR. */
	if (rising || ((lvt & LVT_LEVEL_TRIGGER) && !(lvt & LVT_REMOTE_IRR) &&
		       LVT_DELIV_MODE(lvt) == APIC_DM_FIXED))
		apic_local_deliver(s, idx);
}

void apic_deliver_pic_intr(struct apic_state *s, int level)
{
	apic_set_lint(s, 0, level);
}

int apic_get_sipi_vector(struct apic_state *s)
{
	return s->sipi_vector;
}

/* ---- registers ---- */

static void apic_set_svr(struct apic_state *s, uint32_t val)
{
	int i;

	/* bit 8 enable, bit 9 focus (ignored), 12 EOI-suppression unsupported */
	s->svr = val & 0x3ff;
	if (!(s->svr & SVR_ENABLE)) {
		/* Software disable masks every LVT entry, §10.4.7.2 */
		for (i = 0; i < LVT_NB; i++)
			s->lvt[i] |= LVT_MASKED;
		apic_timer_arm(s);
	}
	apic_update_irq(s);
}

static void apic_set_lvt(struct apic_state *s, int i, uint32_t val)
{
	static const uint32_t writable[LVT_NB] = {
		[LVT_TIMER] = 0x710ff,		/* vector, mask, mode (17-18) */
		[LVT_THERMAL] = 0x107ff,
		[LVT_PERF] = 0x107ff,
		[LVT_LINT0] = 0x1a7ff,		/* vector, mode, polarity, trigger, mask */
		[LVT_LINT1] = 0x1a7ff,
		[LVT_ERROR] = 0x100ff,
	};
	uint32_t old = s->lvt[i];

	val &= writable[i];
	if (!(s->svr & SVR_ENABLE))
		val |= LVT_MASKED;
	/* Remote IRR is read-only, and reads 0 for edge-triggered entries. */
	if ((i == LVT_LINT0 || i == LVT_LINT1) && (val & LVT_LEVEL_TRIGGER))
		val |= old & LVT_REMOTE_IRR;
	if (i == LVT_TIMER && LVT_TIMER_MODE(val) == 3) {
		guest_error("apic: reserved timer mode 3");
		val &= ~(3u << 17);
	}
	s->lvt[i] = val;
	if (i == LVT_TIMER) {
		/* Switching to or from TSC-deadline mode disarms, §10.5.4.1 */
		if ((LVT_TIMER_MODE(old) == TIMER_TSC_DEADLINE) !=
		    (LVT_TIMER_MODE(val) == TIMER_TSC_DEADLINE)) {
			s->initial_count = 0;
			s->tsc_deadline = 0;
			s->deadline_ns = -1;
		}
		apic_timer_arm(s);
	}
	if (i == LVT_LINT0)
		apic_update_irq(s);	/* ExtINT may have been (un)masked */
}

/* Register read by xAPIC offset; false: no such register (or write-only). */
static bool apic_reg_read(struct apic_state *s, uint32_t reg, uint64_t *val)
{
	switch (reg) {
	case APIC_ID:
		*val = apic_x2apic(s) ? s->initial_id : s->id_reg;
		return true;
	case APIC_VERSION:
		*val = APIC_VERSION_VALUE;
		return true;
	case APIC_TPR:
		*val = s->tpr;
		return true;
	case APIC_APR:
		*val = 0;
		return !apic_x2apic(s);
	case APIC_PPR:
		*val = apic_ppr(s);
		return true;
	case APIC_RRD:
		*val = 0;
		return !apic_x2apic(s);
	case APIC_LDR:
		*val = s->ldr;
		return true;
	case APIC_DFR:
		*val = s->dfr;
		return !apic_x2apic(s);
	case APIC_SVR:
		*val = s->svr;
		return true;
	case APIC_ESR:
		*val = s->esr;
		return true;
	case APIC_LVT_CMCI:
		*val = s->lvt_cmci;
		return true;
	case APIC_ICR_LO:
		*val = s->icr[0];	/* delivery status is always idle */
		if (apic_x2apic(s))
			*val |= (uint64_t)s->icr[1] << 32;
		return true;
	case APIC_ICR_HI:
		*val = s->icr[1];
		return !apic_x2apic(s);
	case APIC_TMICT:
		*val = s->initial_count;
		return true;
	case APIC_TMCCT:
		*val = apic_current_count(s);
		return true;
	case APIC_TDCR:
		*val = s->divide_conf;
		return true;
	}
	if (reg >= APIC_ISR && reg < APIC_ISR + 0x80) {
		*val = s->isr[(reg - APIC_ISR) >> 4];
		return true;
	}
	if (reg >= APIC_TMR && reg < APIC_TMR + 0x80) {
		*val = s->tmr[(reg - APIC_TMR) >> 4];
		return true;
	}
	if (reg >= APIC_IRR && reg < APIC_IRR + 0x80) {
		*val = s->irr[(reg - APIC_IRR) >> 4];
		return true;
	}
	if (reg >= APIC_LVT_BASE && reg < APIC_LVT_BASE + LVT_NB * 0x10) {
		*val = s->lvt[(reg - APIC_LVT_BASE) >> 4];
		return true;
	}
	return false;
}

/* Register write by xAPIC offset; false: no such register (or read-only). */
static bool apic_reg_write(struct apic_state *s, uint32_t reg, uint64_t val)
{
	switch (reg) {
	case APIC_ID:
		if (apic_x2apic(s))
			return false;
		s->id_reg = val & 0xff000000;
		return true;
	case APIC_TPR:
		s->tpr = val & 0xff;
		apic_update_irq(s);
		return true;
	case APIC_EOI:
		if (apic_x2apic(s) && val)
			return false;
		apic_eoi(s);
		return true;
	case APIC_LDR:
		if (apic_x2apic(s))
			return false;
		s->ldr = val & 0xff000000;
		return true;
	case APIC_DFR:
		if (apic_x2apic(s))
			return false;
		s->dfr = val | 0x0fffffff;
		return true;
	case APIC_SVR:
		apic_set_svr(s, val);
		return true;
	case APIC_ESR:
		if (apic_x2apic(s) && val)
			return false;
		s->esr = s->esr_pending;	/* a write latches errors, §10.5.3 */
		s->esr_pending = 0;
		return true;
	case APIC_LVT_CMCI:
		s->lvt_cmci = val & 0x107ff;
		return true;
	case APIC_ICR_LO:
		if (apic_x2apic(s)) {
			s->icr[1] = val >> 32;
			s->icr[0] = val & 0xccfff;
			apic_send_ipi(s, s->icr[0], s->icr[1]);
		} else {
			s->icr[0] = val & 0xccfff;
			apic_send_ipi(s, s->icr[0], s->icr[1] >> 24);
		}
		return true;
	case APIC_ICR_HI:
		if (apic_x2apic(s))
			return false;
		s->icr[1] = val & 0xff000000;
		return true;
	case APIC_TMICT:
		if (LVT_TIMER_MODE(s->lvt[LVT_TIMER]) == TIMER_TSC_DEADLINE)
			return true;	/* ignored in TSC-deadline mode */
		s->initial_count = val;
		s->count_start_ns = clock_get_ns(CLOCK_VIRTUAL);
		apic_timer_arm(s);
		return true;
	case APIC_TDCR:
		s->divide_conf = val & 0xb;
		apic_timer_arm(s);
		return true;
	case APIC_SELF_IPI:
		if (!apic_x2apic(s))
			return false;
		apic_send_ipi(s, (val & 0xff) | SH_SELF << 18, 0);
		return true;
	}
	if (reg >= APIC_LVT_BASE && reg < APIC_LVT_BASE + LVT_NB * 0x10) {
		apic_set_lvt(s, (reg - APIC_LVT_BASE) >> 4, val);
		return true;
	}
	/* ID read-only registers: version, PPR, ISR, TMR, IRR, current count */
	return false;
}

uint64_t apic_mmio_read(struct apic_state *s, uint64_t offset, unsigned size)
{
	uint64_t val;
	uint32_t reg = offset & 0xff0;

	if (!apic_hw_enabled(s) || apic_x2apic(s) || offset >= APIC_SPACE_SIZE)
		return 0;
	if ((offset & 0xf) + size > 4 || !apic_reg_read(s, reg, &val)) {
		if (reg != APIC_EOI)
			apic_error(s, ESR_ILLEGAL_REGISTER);
		return 0;
	}
	return (uint32_t)val >> ((offset & 3) * 8);
}

void apic_mmio_write(struct apic_state *s, uint64_t offset, uint64_t value, unsigned size)
{
	uint32_t reg = offset & 0xff0;
	uint64_t dummy;

	if (!apic_hw_enabled(s) || apic_x2apic(s) || offset >= APIC_SPACE_SIZE)
		return;
	if (size != 4 || (offset & 0xf)) {
		guest_error("apic: %u-byte write at 0x%03" PRIx64 ": registers are 32-bit",
			    size, offset);
		return;
	}
	if (reg != APIC_SELF_IPI && apic_reg_write(s, reg, (uint32_t)value))
		return;
	if (reg != APIC_SELF_IPI && apic_reg_read(s, reg, &dummy))
		guest_error("apic: write to read-only register 0x%03x", reg);
	else
		apic_error(s, ESR_ILLEGAL_REGISTER);	/* reserved address, §10.5.3 */
}

bool apic_msr_read(struct apic_state *s, uint32_t msr, uint64_t *value)
{
	uint32_t reg = (msr - APIC_X2APIC_MSR_BASE) << 4;

	if (!apic_x2apic(s) || msr < APIC_X2APIC_MSR_BASE || msr > 0x8ff)
		return false;
	if (reg == APIC_EOI || reg == APIC_SELF_IPI)
		return false;	/* write-only */
	return apic_reg_read(s, reg, value);
}

bool apic_msr_write(struct apic_state *s, uint32_t msr, uint64_t value)
{
	uint32_t reg = (msr - APIC_X2APIC_MSR_BASE) << 4;

	if (!apic_x2apic(s) || msr < APIC_X2APIC_MSR_BASE || msr > 0x8ff)
		return false;
	/* Reserved bits of 32-bit registers must be zero (§10.12.1.3) */
	if (reg != APIC_ICR_LO && (value >> 32))
		return false;
	return apic_reg_write(s, reg, value);
}

static uint64_t apic_region_read(void *opaque, uint64_t offset, unsigned size)
{
	return apic_mmio_read(opaque, offset, size);
}

static void apic_region_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	apic_mmio_write(opaque, offset, value, size);
}

static const struct memory_region_ops apic_mmio_ops = {
	.read = apic_region_read,
	.write = apic_region_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
};

struct memory_region *apic_mmio_region(struct apic_state *s)
{
	return &s->mmio;
}

uint8_t apic_get_cr8(struct apic_state *s)
{
	return s->tpr >> 4;
}

void apic_set_cr8(struct apic_state *s, uint8_t value)
{
	s->tpr = (value & 0xf) << 4;	/* CR8[3:0] is TPR[7:4], SDM §10.8.6.1 */
	apic_update_irq(s);
}

uint64_t apic_get_base(struct apic_state *s)
{
	return s->apicbase;
}

bool apic_set_base(struct apic_state *s, uint64_t value)
{
	bool en = value & MSR_IA32_APICBASE_ENABLE, x2 = value & MSR_IA32_APICBASE_X2APIC;
	bool was_en = apic_hw_enabled(s), was_x2 = apic_x2apic(s);

	if (value & APIC_BASE_RESERVED)
		return false;
	/* Legal mode transitions, SDM §10.12.5 figure 10-27 */
	if (x2 && !en)
		return false;			/* invalid state */
	if (was_x2 && en && !x2)
		return false;			/* x2APIC -> xAPIC needs a disable first */
	if (!was_en && x2)
		return false;			/* disabled -> x2APIC needs xAPIC first */
	if ((value & ~0xfffULL) != APIC_DEFAULT_ADDRESS)
		log_unimp("apic: relocating the APIC base to 0x%" PRIx64 " (kept at 0xfee00000)",
			  (uint64_t)(value & ~0xfffULL));
	s->apicbase = APIC_DEFAULT_ADDRESS | (value & (MSR_IA32_APICBASE_BSP |
						       MSR_IA32_APICBASE_ENABLE |
						       MSR_IA32_APICBASE_X2APIC));
	if (was_en && !en) {
		/* Disabling returns the APIC to its power-up state, §10.4.3 */
		apic_init_reset(s);
	}
	if (x2 && !was_x2) {
		/* x2APIC: LDR is derived from the ID, §10.12.10.2 */
		s->ldr = (s->initial_id >> 4) << 16 | 1u << (s->initial_id & 0xf);
	}
	apic_update_irq(s);
	return true;
}

static void apic_print_vectors(GString *out, const char *name, const uint32_t *r)
{
	int v;

	g_string_append_printf(out, "  %s:", name);
	for (v = 0; v < 256; v++)
		if (vec_test(r, v))
			g_string_append_printf(out, " %02x", v);
	g_string_append_c(out, '\n');
}

void apic_print_info(struct apic_state *s, GString *out)
{
	static const char *const lvt_name[LVT_NB] = {
		"timer", "thermal", "perf", "LINT0", "LINT1", "error" };
	int i;

	g_string_append_printf(out, "lapic %u: base %016" PRIx64 " %s, svr %03x, tpr %02x ppr %02x, "
			       "ldr %08x dfr %08x, esr %02x, icr %08x:%08x\n",
			       apic_id(s), s->apicbase,
			       !apic_hw_enabled(s) ? "disabled" : apic_x2apic(s) ? "x2apic" : "xapic",
			       s->svr, s->tpr, apic_ppr(s), s->ldr, s->dfr, s->esr, s->icr[1], s->icr[0]);
	for (i = 0; i < LVT_NB; i++)
		g_string_append_printf(out, "  LVT %-7s %08x%s\n", lvt_name[i], s->lvt[i],
				       (s->lvt[i] & LVT_MASKED) ? " masked" : "");
	g_string_append_printf(out, "  timer: initial %u current %u divide %u next %" PRId64 " ns\n",
			       s->initial_count, apic_current_count(s), 1u << apic_divide_shift(s),
			       apic_timer_next_ns(s));
	apic_print_vectors(out, "IRR", s->irr);
	apic_print_vectors(out, "ISR", s->isr);
	apic_print_vectors(out, "TMR", s->tmr);
}

/* ---- reset ---- */

/* The state after INIT: everything but the ID and the base MSR, §10.4.7.3 */
static void apic_init_reset(struct apic_state *s)
{
	int i;

	s->tpr = 0;
	s->ldr = apic_x2apic(s) ? s->ldr : 0;
	s->dfr = 0xffffffff;
	s->svr = 0xff;
	memset(s->isr, 0, sizeof(s->isr));
	memset(s->tmr, 0, sizeof(s->tmr));
	memset(s->irr, 0, sizeof(s->irr));
	s->esr = s->esr_pending = 0;
	s->icr[0] = s->icr[1] = 0;
	for (i = 0; i < LVT_NB; i++)
		s->lvt[i] = LVT_MASKED;
	s->lvt_cmci = LVT_MASKED;
	s->initial_count = 0;
	s->divide_conf = 0;
	s->count_start_ns = 0;
	s->tsc_deadline = 0;
	s->deadline_ns = -1;
	s->extint_msg = 0;
	if (s->timer)
		timer_del(s->timer);
	apic_update_irq(s);
}

static void apic_reset(struct device *dev)
{
	struct apic_state *s = APIC(dev);

	s->apicbase = APIC_DEFAULT_ADDRESS | MSR_IA32_APICBASE_ENABLE |
		      (s->bsp ? MSR_IA32_APICBASE_BSP : 0);
	s->id_reg = s->initial_id << 24;
	s->sipi_vector = 0;
	apic_init_reset(s);
}

static void apic_instance_init(struct object *obj)
{
	struct apic_state *s = APIC(obj);

	memory_region_init_io(&s->mmio, obj, &apic_mmio_ops, s, "apic", APIC_SPACE_SIZE);
	s->deadline_ns = -1;
}

static void apic_instance_finalize(struct object *obj)
{
	memory_region_destroy(&APIC(obj)->mmio);
}

static bool apic_realize(struct device *dev, GError **errp)
{
	struct apic_state *s = APIC(dev);

	if (s->initial_id > 0xfe) {
		/* 0xff is the xAPIC broadcast; larger IDs need x2APIC from the start. */
		log_unimp("apic: APIC ID %u needs x2APIC", s->initial_id);
	}
	if (!s->tsc_hz) {
		g_set_error(errp, KEMU_ERROR, 0, "apic: tsc-frequency must not be 0");
		return false;
	}
	s->timer = timer_new_ns(CLOCK_VIRTUAL, apic_timer_cb, s);
	return true;
}

static void apic_unrealize(struct device *dev)
{
	struct apic_state *s = APIC(dev);

	timer_free(s->timer);
	s->timer = NULL;
}

static const struct vmstate_field apic_fields[] = {
	VMSTATE_U64(struct apic_state, apicbase),
	VMSTATE_U32(struct apic_state, id_reg),
	VMSTATE_U8(struct apic_state, tpr),
	VMSTATE_U32(struct apic_state, ldr),
	VMSTATE_U32(struct apic_state, dfr),
	VMSTATE_U32(struct apic_state, svr),
	VMSTATE_U32_ARRAY(struct apic_state, isr, 8),
	VMSTATE_U32_ARRAY(struct apic_state, tmr, 8),
	VMSTATE_U32_ARRAY(struct apic_state, irr, 8),
	VMSTATE_U32(struct apic_state, esr),
	VMSTATE_U32(struct apic_state, esr_pending),
	VMSTATE_U32_ARRAY(struct apic_state, icr, 2),
	VMSTATE_U32_ARRAY(struct apic_state, lvt, LVT_NB),
	VMSTATE_U32(struct apic_state, lvt_cmci),
	VMSTATE_U32(struct apic_state, initial_count),
	VMSTATE_U32(struct apic_state, divide_conf),
	VMSTATE_I64(struct apic_state, count_start_ns),
	VMSTATE_U64(struct apic_state, tsc_deadline),
	VMSTATE_I64(struct apic_state, deadline_ns),
	VMSTATE_I32(struct apic_state, sipi_vector),
	VMSTATE_U8_ARRAY(struct apic_state, lint_level, 2),
	VMSTATE_U8(struct apic_state, extint_msg),
	VMSTATE_TIMER(struct apic_state, timer),
	VMSTATE_END
};

static const struct property apic_props[] = {
	PROP_U32("id", struct apic_state, initial_id, 0),
	PROP_BOOL("bsp", struct apic_state, bsp, false),
	PROP_U64("tsc-frequency", struct apic_state, tsc_hz, 1000000000),
	PROP_END
};

DEFINE_DEVICE_TYPE(apic, TYPE_APIC, TYPE_DEVICE, struct apic_state,
		   .instance_init = apic_instance_init,
		   .instance_finalize = apic_instance_finalize, .realize = apic_realize,
		   .unrealize = apic_unrealize, .reset = apic_reset,
		   .props = apic_props, .vmstate = apic_fields, .vmstate_version = 1,
		   .no_user = true, .desc = "local APIC (xAPIC/x2APIC)");

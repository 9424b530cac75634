// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gdbstub requests under KVM (system/debug.h): KVM_SET_GUEST_DEBUG from
 * cpu->debug_points and cpu->singlestep, and KVM_EXIT_DEBUG turned into a
 * struct debug_stop (Linux Documentation/virt/kvm/api.rst, 4.59
 * KVM_SET_GUEST_DEBUG and the KVM_EXIT_DEBUG exit).
 *
 * Breakpoints use the debug registers DR0-DR3 (SDM vol. 3B §17.2), software
 * and hardware ones alike: on the PVM host this was written on, an int3
 * under KVM_GUESTDBG_USE_SW_BP never comes back as an exit (KVM_RUN does not
 * return in real mode; 32-bit code stops with an emulation failure), while
 * execution breakpoints in DR0-DR3 do (docs/kvm-pvm-notes.md). So kemu
 * patches no guest memory under KVM either, and at most four breakpoints and
 * watchpoints together can be set; a fifth is refused with a message.
 *
 * Watchpoints are also programmed into DR0-DR3, split into naturally
 * aligned 1/2/4/8-byte pieces as DR7's LEN field requires (§17.2.5). PVM
 * does not report data breakpoints for the code it emulates (CPL0 and real
 * mode), so while a watchpoint is set the vCPU also runs in single steps
 * and, after each, compares the watched bytes with their last value: a
 * change is reported as the watchpoint (reads that change nothing cannot be
 * seen this way; DR7 catches them where the host honours it).
 *
 * Single steps hold interrupts back with KVM_GUESTDBG_BLOCKIRQ where the host
 * has it (QEMU's default), and kemu's own irqchip injects nothing meanwhile.
 */
#include "kemu/common.h"
#include "accel/accel.h"
#include "accel/kvm/kvm-int.h"
#include "system/debug.h"
#include "target/i386/cpu.h"

#include <sys/ioctl.h>

#define DR7_L(i)	(1ULL << (2 * (i)))
#define DR7_GE		(1ULL << 9)
#define DR7_RW(i, v)	((uint64_t)(v) << (16 + 4 * (i)))
#define DR7_LEN(i, v)	((uint64_t)(v) << (18 + 4 * (i)))
#define DR_RW_EXEC	0
#define DR_RW_WRITE	1
#define DR_RW_ACCESS	3
#define DR6_BS		(1ULL << 14)

/* DR7 LEN encodings for 1, 2, 4 and 8 bytes (SDM vol. 3B §17.2.5) */
static unsigned dr7_len_code(unsigned len)
{
	return len == 1 ? 0 : len == 2 ? 1 : len == 8 ? 2 : 3;
}

/* Naturally aligned pieces covering [addr, addr+len): calls fn per piece; returns count. */
static unsigned watch_pieces(uint64_t addr, uint64_t len, void (*fn)(void *, uint64_t, unsigned),
			     void *opaque)
{
	unsigned n = 0;

	while (len) {
		unsigned size = 8;

		while (size > 1 && ((addr & (size - 1)) || size > len))
			size >>= 1;
		if (fn)
			fn(opaque, addr, size);
		n++;
		addr += size;
		len -= size;
	}
	return n;
}

static unsigned slots_needed(const struct debug_points *set)
{
	unsigned n = set->breaks->len;

	for (guint i = 0; i < set->watches->len; i++) {
		const struct debug_point *w = &g_array_index(set->watches, struct debug_point, i);

		n += watch_pieces(w->addr, w->len, NULL, NULL);
	}
	return n;
}

const char *kvm_debug_points_check(const struct debug_points *set, const struct debug_point *more)
{
	unsigned n = slots_needed(set);

	n += more->type >= DEBUG_WATCH_WRITE ? watch_pieces(more->addr, more->len, NULL, NULL) : 1;
	if (n > 4)
		return "KVM: breakpoints and watchpoints use the debug registers DR0-DR3: at most 4 "
		       "at once (a watchpoint takes one per aligned 1/2/4/8-byte piece); software "
		       "breakpoints too, as int3 is not reported by this host's KVM. "
		       "Use -accel interp for any number";
	return NULL;
}

struct slot_fill {
	struct kvm_guest_debug *dbg;
	struct kvm_vcpu *v;
	unsigned next;
	unsigned rw;
};

static void slot_add(void *opaque, uint64_t addr, unsigned size)
{
	struct slot_fill *f = opaque;
	unsigned i = f->next++;

	if (i >= 4)
		return;		/* refused at insertion (kvm_debug_points_check) */
	f->dbg->arch.debugreg[i] = addr;
	f->dbg->arch.debugreg[7] |= DR7_L(i) | DR7_RW(i, f->rw) |
				    DR7_LEN(i, f->rw == DR_RW_EXEC ? 0 : dr7_len_code(size));
}

/* Linear to guest-physical through the vCPU's page tables (KVM walks them). */
static bool kvm_debug_translate(struct kvm_vcpu *v, uint64_t lin, uint64_t *gpa)
{
	struct kvm_translation tr = { .linear_address = lin };

	if (ioctl(v->fd, KVM_TRANSLATE, &tr) < 0 || !tr.valid)
		return false;
	*gpa = tr.physical_address;
	return true;
}

/* Remember the watched bytes so that a single step can see them change. */
static void kvm_debug_snapshot(struct kvm_vcpu *v, const struct debug_points *set)
{
	g_array_set_size(v->watch_snaps, 0);
	for (guint i = 0; set && i < set->watches->len; i++) {
		const struct debug_point *w = &g_array_index(set->watches, struct debug_point, i);
		struct kvm_watch_snap snap = { .point = i, .len = MIN(w->len, 8) };

		if (w->type == DEBUG_WATCH_READ)
			continue;	/* a read changes nothing to compare */
		if (!kvm_debug_translate(v, w->addr, &snap.gpa) ||
		    !kvm_guest_phys_read(v->s, snap.gpa, snap.bytes, snap.len))
			continue;	/* not mapped now: DR7 alone watches it */
		g_array_append_val(v->watch_snaps, snap);
	}
}

bool kvm_vcpu_debug_update(struct kvm_vcpu *v, GError **errp)
{
	struct x86_cpu *cpu = v->cpu;
	const struct debug_points *set = cpu->debug_points;
	struct kvm_guest_debug dbg = { 0 };
	struct slot_fill f = { .dbg = &dbg, .v = v };

	v->debug_gen = cpu->debug_gen;
	if (set) {
		f.rw = DR_RW_EXEC;
		for (guint i = 0; i < set->breaks->len; i++)
			slot_add(&f, g_array_index(set->breaks, struct debug_point, i).addr, 1);
		for (guint i = 0; i < set->watches->len; i++) {
			const struct debug_point *w =
				&g_array_index(set->watches, struct debug_point, i);

			f.rw = w->type == DEBUG_WATCH_WRITE ? DR_RW_WRITE : DR_RW_ACCESS;
			watch_pieces(w->addr, w->len, slot_add, &f);
		}
	}
	kvm_debug_snapshot(v, set);
	if (f.next) {
		dbg.control |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP;
		dbg.arch.debugreg[7] |= DR7_GE;
	}
	v->watch_stepping = v->watch_snaps->len > 0;
	if (cpu->singlestep || v->watch_stepping) {
		dbg.control |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP;
		if (cpu->singlestep && (v->s->guest_debug_flags & KVM_GUESTDBG_BLOCKIRQ))
			dbg.control |= KVM_GUESTDBG_BLOCKIRQ;
	}
	if (ioctl(v->fd, KVM_SET_GUEST_DEBUG, &dbg) < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "KVM_SET_GUEST_DEBUG: %s", g_strerror(errno));
		return false;
	}
	return true;
}

/* Which debug point DR slot i holds (the order kvm_vcpu_debug_update filled them in). */
static const struct debug_point *slot_point(const struct debug_points *set, unsigned slot)
{
	unsigned n = 0;

	if (slot < set->breaks->len)
		return &g_array_index(set->breaks, struct debug_point, slot);
	n = set->breaks->len;
	for (guint i = 0; i < set->watches->len; i++) {
		const struct debug_point *w = &g_array_index(set->watches, struct debug_point, i);

		n += watch_pieces(w->addr, w->len, NULL, NULL);
		if (slot < n)
			return w;
	}
	return NULL;
}

/* A watched value changed during the last step? Refreshes the snapshots. */
static const struct debug_point *kvm_debug_changed(struct kvm_vcpu *v,
						   const struct debug_points *set)
{
	const struct debug_point *hit = NULL;

	for (guint i = 0; i < v->watch_snaps->len; i++) {
		struct kvm_watch_snap *snap = &g_array_index(v->watch_snaps, struct kvm_watch_snap, i);
		uint8_t now[8];

		if (!kvm_guest_phys_read(v->s, snap->gpa, now, snap->len) ||
		    !memcmp(now, snap->bytes, snap->len))
			continue;
		memcpy(snap->bytes, now, snap->len);
		if (!hit && snap->point < set->watches->len)
			hit = &g_array_index(set->watches, struct debug_point, snap->point);
	}
	return hit;
}

/* KVM_EXIT_DEBUG: EXEC_DEBUG with cpu->debug_stop filled, or -1 to run on. */
int kvm_vcpu_debug_exit(struct kvm_vcpu *v)
{
	struct x86_cpu *cpu = v->cpu;
	const struct debug_points *set = cpu->debug_points;
	struct kvm_debug_exit_arch *d = &v->run->debug.arch;
	const struct debug_point *p;

	if (d->exception == 1 && set && (d->dr6 & 0xf)) {
		p = slot_point(set, __builtin_ctzll(d->dr6 & 0xf));
		if (p && p->type <= DEBUG_BREAK_HW) {
			cpu->debug_stop = (struct debug_stop){ .reason = DEBUG_STOP_BREAK,
							       .addr = p->addr };
			return EXEC_DEBUG;
		}
		if (p) {
			kvm_debug_changed(v, set);	/* the snapshot follows the value */
			cpu->debug_stop = (struct debug_stop){ .reason = DEBUG_STOP_WATCH,
							       .watch_type = p->type,
							       .addr = p->addr };
			return EXEC_DEBUG;
		}
	}
	if (d->exception == 1 && (d->dr6 & DR6_BS)) {
		if (set && v->watch_stepping && (p = kvm_debug_changed(v, set))) {
			cpu->debug_stop = (struct debug_stop){ .reason = DEBUG_STOP_WATCH,
							       .watch_type = p->type,
							       .addr = p->addr };
			return EXEC_DEBUG;
		}
		if (cpu->singlestep) {
			cpu->debug_stop = (struct debug_stop){ .reason = DEBUG_STOP_STEP };
			return EXEC_DEBUG;
		}
		return -1;	/* a watch step that changed nothing */
	}
	/* not ours (no point matches, no step asked): carry on */
	return -1;
}

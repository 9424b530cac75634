/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest debugging requests shared by the gdbstub and the accelerators.
 *
 * The gdbstub (gdbstub/) owns one struct debug_points for the machine and
 * points every vCPU's cpu->debug_points at it while it holds at least one
 * breakpoint or watchpoint (NULL otherwise, so an accelerator tests one
 * pointer to know it has nothing to check). It changes the set only while
 * every vCPU is paused (all-stop), so the accelerators read it without a
 * lock, and calls debug_points_changed() afterwards so that each
 * accelerator reloads what it derived (interp: TLB entries of watched pages;
 * kvm: KVM_SET_GUEST_DEBUG) before the vCPU runs again.
 *
 * cpu->singlestep asks the accelerator to run exactly one instruction with
 * external interrupts and NMIs held back (QEMU's default SSTEP_NOIRQ), then
 * return EXEC_DEBUG. Every EXEC_DEBUG return fills cpu->debug_stop with why.
 *
 * Addresses are linear (segment base + offset: what gdb calls a virtual
 * address; CS base + EIP in real mode). Types follow the Z packet numbers of
 * the GDB remote protocol (Z0 software breakpoint ... Z4 access watchpoint).
 */
#ifndef SYSTEM_DEBUG_H
#define SYSTEM_DEBUG_H

#include "kemu/common.h"

enum debug_point_type {
	DEBUG_BREAK_SW = 0,
	DEBUG_BREAK_HW = 1,
	DEBUG_WATCH_WRITE = 2,
	DEBUG_WATCH_READ = 3,
	DEBUG_WATCH_ACCESS = 4,
};

struct debug_point {
	uint64_t addr;
	uint64_t len;			/* watchpoints: bytes watched; breakpoints: 1 */
	enum debug_point_type type;
};

struct debug_points {
	GArray *breaks;			/* struct debug_point, Z0 and Z1 */
	GArray *watches;		/* struct debug_point, Z2..Z4 */
};

enum debug_stop_reason {
	DEBUG_STOP_NONE,
	DEBUG_STOP_STEP,		/* single step finished */
	DEBUG_STOP_BREAK,		/* at a breakpoint, before its instruction */
	DEBUG_STOP_WATCH,		/* after the instruction that touched a watchpoint */
};

struct debug_stop {
	enum debug_stop_reason reason;
	enum debug_point_type watch_type;	/* which kind matched (DEBUG_STOP_WATCH) */
	uint64_t addr;				/* the watched address that matched */
};

/* Is there a breakpoint (Z0 or Z1) at linear address lin? */
static inline bool debug_points_break_at(const struct debug_points *dp, uint64_t lin)
{
	for (guint i = 0; i < dp->breaks->len; i++)
		if (g_array_index(dp->breaks, struct debug_point, i).addr == lin)
			return true;
	return false;
}

/*
 * The first watchpoint that an access of size bytes at lin (write or read)
 * touches, or NULL.
 */
static inline const struct debug_point *debug_points_watch_hit(const struct debug_points *dp,
								uint64_t lin, unsigned size,
								bool write)
{
	for (guint i = 0; i < dp->watches->len; i++) {
		const struct debug_point *w = &g_array_index(dp->watches, struct debug_point, i);

		if (lin + size <= w->addr || lin >= w->addr + w->len)
			continue;
		if (w->type == DEBUG_WATCH_ACCESS || (write == (w->type == DEBUG_WATCH_WRITE)))
			return w;
	}
	return NULL;
}

/*
 * The set or cpu->singlestep changed (all vCPUs paused): bump the vCPU's
 * cpu->debug_gen so its accelerator reloads what it derived before it runs.
 */
#define debug_points_changed(cpu) ((cpu)->debug_gen++)

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Accelerators: what runs the vCPUs. One interface, three implementations:
 * kvm (accel/kvm: the only code that calls KVM ioctls), interp (kemu's
 * software CPU, accel/interp over target/i386) and test (no CPU: device
 * tests drive port/MMIO accesses and the virtual clock).
 *
 * system/cpus.c owns the vCPU threads and run control (pause, resume, kick,
 * reset); an accelerator provides the pieces below. The board asks
 * accel_current() which irqchip is in use to wire interrupt lines.
 */
#ifndef ACCEL_ACCEL_H
#define ACCEL_ACCEL_H

#include "kemu/common.h"

struct machine_state;
struct x86_cpu;
struct memory_region;
struct debug_points;
struct debug_point;

struct accel_ops {
	const char *name;
	/* Can this host run it at all? errp says why not ("/dev/kvm: ..."). */
	bool (*available)(GError **errp);
	/* Create the VM; listen to the machine's address spaces. */
	bool (*init)(struct machine_state *ms, GError **errp);
	/* Per-vCPU setup, on the main thread, before the thread starts. */
	bool (*vcpu_init)(struct x86_cpu *cpu, GError **errp);
	/*
	 * Run the vCPU until something needs the run-control loop: returns
	 * after cpu->exit_request, a pause request, halt (interp), shutdown
	 * or reset. Called on the vCPU thread without the BQL.
	 */
	int (*vcpu_exec)(struct x86_cpu *cpu);
	/* Make vcpu_exec return soon (from another thread). */
	void (*vcpu_kick)(struct x86_cpu *cpu);
	/* Copy accelerator state into cpu->env (before monitor/gdb reads it)... */
	void (*vcpu_sync_state)(struct x86_cpu *cpu);
	/* ...and back after cpu->env was changed (reset, gdb writes). */
	void (*vcpu_put_state)(struct x86_cpu *cpu);
	/* Interrupt line of the in-kernel irqchip (kvm with kernel-irqchip=on|split). */
	void (*set_gsi)(struct machine_state *ms, int gsi, int level);
	void (*vcpu_destroy)(struct x86_cpu *cpu);
	/*
	 * Can the accelerator catch one more debug point (gdbstub Z packets)?
	 * NULL: yes; else why not ("at most 4 ..."). NULL op: any number.
	 */
	const char *(*debug_points_check)(const struct debug_points *set,
					  const struct debug_point *more);
};

/* vcpu_exec results */
enum {
	EXEC_INTERRUPTED,	/* exit_request or stop: check run control */
	EXEC_HALTED,		/* hlt with nothing pending: sleep until kicked */
	EXEC_DEBUG,		/* breakpoint / single step (gdbstub) */
	EXEC_SHUTDOWN,		/* triple fault or reset request */
	EXEC_FATAL,		/* VM cannot continue: paused, reported */
};

enum kernel_irqchip_mode {
	KERNEL_IRQCHIP_ON,	/* in-kernel PIC, IOAPIC, LAPIC, PIT */
	KERNEL_IRQCHIP_SPLIT,	/* in-kernel LAPIC; kemu's PIC, IOAPIC, PIT */
	KERNEL_IRQCHIP_OFF,	/* all of them kemu's (always under interp) */
};

const struct accel_ops *accel_find(const char *name);
void accel_register(const struct accel_ops *ops);

#endif

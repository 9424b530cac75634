// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vCPU threads and run control. See system/cpus.h.
 *
 * Each vCPU thread loops: with the BQL held, wait while the vCPU is asked
 * to stop or is halted with nothing to do; then drop the BQL and run
 * vcpu_exec() until the accelerator returns. Every state change a thread
 * waits for is made under the BQL and followed by a broadcast on the
 * condition the waiter uses, so no wakeup is lost.
 */
#include "system/cpus.h"
#include "system/main-loop.h"
#include "system/timer.h"
#include "system/runstate.h"
#include "hw/boards.h"
#include "target/i386/cpu.h"

__thread struct x86_cpu *current_cpu;
static GCond cpu_state_cond;	/* a vCPU changed stopped/created state */
static GCond cpu_work_cond;	/* a vCPU may have work (stop, interrupt) */
static bool cpus_paused = true;
static bool cpus_quit;

static bool cpu_has_work(struct x86_cpu *cpu)
{
	int req = __atomic_load_n(&cpu->interrupt_request, __ATOMIC_ACQUIRE);

	if (req & (CPU_INTERRUPT_NMI | CPU_INTERRUPT_INIT | CPU_INTERRUPT_SIPI |
		   CPU_INTERRUPT_EXIT))
		return true;
	return (req & CPU_INTERRUPT_HARD) && (cpu->env.rflags & X86_EFLAGS_IF);
}

void cpu_interrupt(struct x86_cpu *cpu, int mask)
{
	const struct accel_ops *ops = cpu->machine ? cpu->machine->accel : NULL;

	__atomic_fetch_or(&cpu->interrupt_request, mask, __ATOMIC_RELEASE);
	if (ops && ops->vcpu_kick && cpu->created)
		ops->vcpu_kick(cpu);
	/*
	 * Wake a halted vCPU; a broadcast without the BQL could slip between
	 * the waiter's check and its wait, so take it (it is re-entrant).
	 */
	bql_lock();
	g_cond_broadcast(&cpu_work_cond);
	bql_unlock();
}

void cpu_reset_interrupt(struct x86_cpu *cpu, int mask)
{
	__atomic_fetch_and(&cpu->interrupt_request, ~mask, __ATOMIC_RELEASE);
}

static bool cpu_should_sleep(struct x86_cpu *cpu)
{
	if (cpus_quit)
		return false;
	if (cpu->stop)
		return true;
	return cpu->env.halted && !cpu_has_work(cpu);
}

static gpointer vcpu_thread_fn(gpointer opaque)
{
	struct x86_cpu *cpu = opaque;
	struct machine_state *ms = cpu->machine;
	const struct accel_ops *ops = ms->accel;

	current_cpu = cpu;
	bql_lock();
	cpu->created = true;
	g_cond_broadcast(&cpu_state_cond);
	for (;;) {
		int r;

		while (cpu_should_sleep(cpu)) {
			if (cpu->stop && !cpu->stopped) {
				cpu->stopped = true;
				g_cond_broadcast(&cpu_state_cond);
			}
			bql_cond_wait(&cpu_work_cond);
		}
		if (cpus_quit)
			break;
		cpu->stopped = false;
		bql_unlock();
		r = ops->vcpu_exec(cpu);
		bql_lock();
		cpu_reset_interrupt(cpu, CPU_INTERRUPT_EXIT);
		__atomic_store_n(&cpu->exit_request, 0, __ATOMIC_RELEASE);
		switch (r) {
		case EXEC_HALTED:
			cpu->env.halted = true;
			break;
		case EXEC_SHUTDOWN:
			/* triple fault: the board resets, or -no-reboot exits */
			log_mask(LOG_RESET, "cpu %d: triple fault\n", cpu->cpu_index);
			runstate_request_reset();
			cpu->stop = true;
			break;
		case EXEC_FATAL:
			cpus_report_fatal(cpu);
			break;
		default:
			break;
		}
	}
	cpu->stopped = true;
	g_cond_broadcast(&cpu_state_cond);
	bql_unlock();
	return NULL;
}

void cpus_report_fatal(struct x86_cpu *cpu)
{
	/* The accelerator printed the registers; keep the VM paused, not dead. */
	for (unsigned i = 0; i < cpu->machine->smp_cpus; i++)
		cpu->machine->cpus[i]->stop = true;
	fprintf(stderr, "kemu: vCPU %d stopped: the VM is paused "
		"(use the monitor to inspect it, or quit)\n", cpu->cpu_index);
	cpus_paused = true;
	/* the monitor's run state and its STOP event; we hold the BQL here */
	runstate_notify(RUNSTATE_INTERNAL_ERROR, SHUTDOWN_CAUSE_NONE);
}

bool cpus_start(struct machine_state *ms, bool start_paused, GError **errp)
{
	for (unsigned i = 0; i < ms->smp_cpus; i++) {
		struct x86_cpu *cpu = ms->cpus[i];
		g_autofree char *name = g_strdup_printf("CPU %u/%s", i, ms->accel->name);

		cpu->stop = true;
		cpu->thread = g_thread_try_new(name, vcpu_thread_fn, cpu, errp);
		if (!cpu->thread)
			return false;
	}
	while (true) {
		bool all = true;

		for (unsigned i = 0; i < ms->smp_cpus; i++)
			all &= ms->cpus[i]->created;
		if (all)
			break;
		bql_cond_wait(&cpu_state_cond);
	}
	if (!start_paused)
		cpus_resume_all();
	return true;
}

static void cpu_kick(struct x86_cpu *cpu)
{
	const struct accel_ops *ops = cpu->machine->accel;

	__atomic_store_n(&cpu->exit_request, 1, __ATOMIC_RELEASE);
	__atomic_fetch_or(&cpu->interrupt_request, CPU_INTERRUPT_EXIT, __ATOMIC_RELEASE);
	if (ops->vcpu_kick)
		ops->vcpu_kick(cpu);
}

void cpu_request_stop(struct x86_cpu *cpu)
{
	cpu->stop = true;
	cpu_kick(cpu);
}

void cpus_pause_all(void)
{
	struct machine_state *ms = machine_current();

	if (!ms || !ms->cpus)
		return;
	clock_virtual_stop();
	for (unsigned i = 0; i < ms->smp_cpus; i++) {
		ms->cpus[i]->stop = true;
		cpu_kick(ms->cpus[i]);
	}
	g_cond_broadcast(&cpu_work_cond);
	for (;;) {
		bool all = true;

		for (unsigned i = 0; i < ms->smp_cpus; i++)
			all &= ms->cpus[i]->stopped || !ms->cpus[i]->thread;
		if (all)
			break;
		for (unsigned i = 0; i < ms->smp_cpus; i++)
			if (!ms->cpus[i]->stopped)
				cpu_kick(ms->cpus[i]);
		bql_cond_wait_until(&cpu_state_cond, g_get_monotonic_time() + 10000);
	}
	cpus_paused = true;
}

void cpus_resume_all(void)
{
	struct machine_state *ms = machine_current();

	if (!ms || !ms->cpus)
		return;
	cpus_paused = false;
	clock_virtual_start();
	for (unsigned i = 0; i < ms->smp_cpus; i++) {
		ms->cpus[i]->stop = false;
	}
	g_cond_broadcast(&cpu_work_cond);
}

bool cpus_running(void)
{
	return !cpus_paused;
}

void cpus_stop_threads(void)
{
	struct machine_state *ms = machine_current();

	if (!ms || !ms->cpus)
		return;
	cpus_quit = true;
	for (unsigned i = 0; i < ms->smp_cpus; i++)
		if (ms->cpus[i]->thread)
			cpu_kick(ms->cpus[i]);
	g_cond_broadcast(&cpu_work_cond);
	for (unsigned i = 0; i < ms->smp_cpus; i++) {
		struct x86_cpu *cpu = ms->cpus[i];

		if (!cpu->thread)
			continue;
		/* the thread needs the BQL to leave its loop */
		bql_unlock();
		g_thread_join(cpu->thread);
		bql_lock();
		cpu->thread = NULL;
	}
}

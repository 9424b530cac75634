/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vCPU threads and run control. One thread per vCPU runs the accelerator's
 * vcpu_exec() without the BQL; between runs it takes the BQL to look at
 * stop requests and to sleep while halted. The main thread pauses and
 * resumes all vCPUs (monitor stop/cont, reset, snapshots) with
 * cpus_pause_all()/cpus_resume_all(), holding the BQL.
 */
#ifndef SYSTEM_CPUS_H
#define SYSTEM_CPUS_H

#include "kemu/common.h"

struct machine_state;
struct x86_cpu;

/*
 * The vCPU whose thread this is (NULL on other threads): per-CPU MMIO such
 * as the local APIC at 0xfee00000 answers for the CPU that accessed it.
 */
extern __thread struct x86_cpu *current_cpu;

/* Create and start the vCPU threads (they begin paused if start_paused). */
bool cpus_start(struct machine_state *ms, bool start_paused, GError **errp);
void cpus_pause_all(void);
/* Make this vCPU stop as soon as it leaves the accelerator (any thread). */
void cpu_request_stop(struct x86_cpu *cpu);
void cpus_resume_all(void);
/* Let this one vCPU run (gdb steps one thread while the others stay paused). */
void cpus_resume_cpu(struct x86_cpu *cpu);
/*
 * fn runs on a vCPU thread, BQL held, when the accelerator returned
 * EXEC_DEBUG (cpu->debug_stop says why); that vCPU is already stopping.
 */
void cpus_set_debug_handler(void (*fn)(struct x86_cpu *cpu));
bool cpus_running(void);
/* Ask every vCPU thread to leave vcpu_exec and end; joins them. */
void cpus_stop_threads(void);
/* Called by the accelerator on a vCPU thread when the VM cannot go on. */
void cpus_report_fatal(struct x86_cpu *cpu);

#endif

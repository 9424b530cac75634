/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kemu's software x86-64 CPU: entry points.
 *
 * The interpreter runs a vCPU straight from its architectural state
 * (cpu->env, target/i386/cpu.h). It needs a way to reach guest physical
 * memory and I/O ports: under the `interp` accelerator (accel/interp/) that is
 * the machine's address spaces; a unit test may plug in its own backend with
 * interp_cpu_set_memory(). Per-vCPU interpreter state (software TLB, decoded
 * code) lives in cpu->interp and is created on first use.
 *
 *	interp_exec(cpu)              run until something needs run control;
 *	                              returns EXEC_* (accel/accel.h)
 *	interp_emulate_one(cpu, errp) execute exactly one instruction from
 *	                              cpu->env (KVM's emulation-failure path);
 *	                              an exception it raises is delivered through
 *	                              the guest IDT as hardware would
 *	x86_disas(...)                one instruction as text (AT&T syntax) for
 *	                              -d in_asm and the monitor's x/i
 *
 * Whenever guest RAM mappings change (memory listener commit, A20 toggle,
 * CPU_INTERRUPT_TLB_FLUSH) call interp_tlb_flush() or raise
 * CPU_INTERRUPT_TLB_FLUSH on the vCPU.
 */
#ifndef TARGET_I386_INTERP_H
#define TARGET_I386_INTERP_H

#include "kemu/common.h"

struct x86_cpu;

/*
 * Guest physical memory and ports, as the interpreter sees them. ram_ptr
 * returns a host pointer to the start of the 4 KiB page containing paddr,
 * or NULL if that page is not plain RAM (for writes: not writable
 * RAM); everything else goes through read/write, one access of 1/2/4/8
 * bytes at a time. Callbacks other than ram_ptr may take the BQL.
 */
struct interp_mem_ops {
	uint8_t *(*ram_ptr)(void *opaque, uint64_t paddr, bool write);
	uint64_t (*read)(void *opaque, uint64_t paddr, unsigned size);
	void (*write)(void *opaque, uint64_t paddr, uint64_t value, unsigned size);
	uint64_t (*io_read)(void *opaque, uint16_t port, unsigned size);
	void (*io_write)(void *opaque, uint16_t port, uint64_t value, unsigned size);
	/* Guest time in ns (CLOCK_VIRTUAL); the TSC runs at 1 GHz of it. */
	int64_t (*clock_ns)(void *opaque);
};

void interp_cpu_set_memory(struct x86_cpu *cpu, const struct interp_mem_ops *ops,
			   void *opaque);
/* Drop cached translations and decoded code (memory map or A20 changed). */
void interp_tlb_flush(struct x86_cpu *cpu);
/* Free cpu->interp. */
void interp_cpu_destroy(struct x86_cpu *cpu);

int interp_exec(struct x86_cpu *cpu);
bool interp_emulate_one(struct x86_cpu *cpu, GError **errp);

/*
 * Disassemble the instruction at bytes[0..len) for a CPU in 16-, 32- or
 * 64-bit mode at address rip. Returns its length in bytes (1..15), or 0
 * if it cannot be decoded (out then says why, e.g. "(bad)").
 */
int x86_disas(const uint8_t *bytes, size_t len, int mode_bits, uint64_t rip,
	      char *out, size_t outlen);

/* Instructions executed by this vCPU since creation (for -d/bench). */
uint64_t interp_insn_count(struct x86_cpu *cpu);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the KVM accelerator: the VM (struct kvm_state) and its vCPUs
 * (struct kvm_vcpu), usable without a board. The accel_ops glue in
 * kvm-all.c builds them from a struct machine_state; the tests in
 * tests/unit/test-kvm-*.c build them directly:
 *
 *	struct kvm_state *s = kvm_state_new(KERNEL_IRQCHIP_OFF, &err);
 *	kvm_set_user_memory(s, 0, 1 * MiB, ram, false, &err);
 *	struct kvm_vcpu *v = kvm_vcpu_new(s, cpu, &err);   // env = KVM's reset state
 *	v->io = &my_handlers;                             // else: address spaces, under the BQL
 *	cpu->env.rip = ...; kvm_vcpu_mark_dirty(v);
 *	int r = kvm_vcpu_exec(v);                         // EXEC_* from accel/accel.h
 *
 * Threads: kvm_vcpu_exec() runs on the vCPU's own thread without the BQL;
 * exits that reach devices take the BQL around the dispatch only.
 * kvm_vcpu_kick() may be called from any thread. The memslot table is
 * changed under the BQL (memory listener) and read by the vCPU threads
 * only to fetch instruction bytes for reports, under slots_lock.
 */
#ifndef ACCEL_KVM_INT_H
#define ACCEL_KVM_INT_H

#include "kemu/common.h"
#include "accel/accel.h"
#include "target/i386/cpu.h"
#include "system/memory.h"
#include <linux/kvm.h>
#include <pthread.h>

/* The signal that kicks a vCPU thread out of KVM_RUN (QEMU's SIG_IPI). */
#define KVM_KICK_SIGNAL SIGUSR1

struct kvm_slot {
	bool used;
	uint32_t flags;			/* KVM_MEM_READONLY */
	uint64_t gpa, size;
	uint8_t *host;
};

struct kvm_state {
	int fd;				/* /dev/kvm */
	int vm_fd;
	int run_mmap_size;
	enum kernel_irqchip_mode irqchip;

	/* capabilities that change what kemu does */
	bool readonly_mem;
	bool has_xsave, has_xcrs, has_vcpu_events, has_debugregs;
	bool has_signal_msi, has_immediate_exit, has_insn_bytes;
	bool sync_regs;			/* KVM_CAP_SYNC_REGS: put regs/sregs via kvm_run */

	GMutex slots_lock;		/* protects slots[] */
	struct kvm_slot *slots;
	unsigned nr_slots;

	uint32_t *msrs;			/* kvm_msr_indices that this KVM knows */
	unsigned nr_msrs;
	struct kvm_cpuid2 *supported_cpuid;

	GMutex vcpus_lock;
	GPtrArray *vcpus;		/* struct kvm_vcpu *, for irqchip reset */

	/* where exits go (NULL in tests that install their own handlers) */
	struct address_space *as_mem, *as_io;
	struct memory_listener listener;

	/*
	 * kernel-irqchip=on on a PVM host: KVM emulates CPL0 and real-mode code
	 * in batches and injects a pending in-kernel PIC interrupt only between
	 * them, so a guest that enables interrupts for a few instructions
	 * (SeaBIOS's "sti; nop; pause; cli") never takes an IRQ kemu raised
	 * while IF was 0. kemu then single-steps that vCPU until the guest
	 * opens its interrupt window (kvm-cpu.c, docs/kvm-pvm-notes.md).
	 */
	bool irq_window_step;
	unsigned gsi_raises;		/* atomic: rising GSI levels kemu set */
	uint32_t gsi_high;		/* atomic: GSIs 0-15 kemu holds high */
};

/* Exit dispatch; the default sends exits to s->as_mem / s->as_io under the BQL. */
struct kvm_io_handlers {
	void (*pio)(void *opaque, uint16_t port, uint8_t *data, unsigned size, unsigned count,
		    bool is_write);
	void (*mmio)(void *opaque, uint64_t addr, uint8_t *data, unsigned len, bool is_write);
	void *opaque;
};

/*
 * Get/put the vCPU state into/from cpu->env, by parts (each part costs an
 * ioctl or two: ~5 us each under PVM, so the fallback moves only what the
 * instruction can touch). The default ops do the ioctls.
 */
struct kvm_vcpu;
enum {
	KVM_STATE_REGS = 1 << 0,	/* kvm_regs */
	KVM_STATE_SREGS = 1 << 1,	/* kvm_sregs */
	KVM_STATE_FPU = 1 << 2,		/* kvm_xsave (or kvm_fpu) and XCR0 */
	KVM_STATE_MSRS = 1 << 3,
	KVM_STATE_EVENTS = 1 << 4,	/* kvm_vcpu_events */
	KVM_STATE_DEBUG = 1 << 5,	/* kvm_debugregs */
	KVM_STATE_MP = 1 << 6,		/* mp_state (in-kernel LAPIC only) */
	KVM_STATE_ALL = (1 << 7) - 1,
};
enum kvm_put_level {
	KVM_PUT_RUNTIME,	/* what an instruction can change; not the TSC */
	KVM_PUT_FULL,		/* everything: after reset, gdb, loadvm */
};
struct kvm_vcpu_state_ops {
	bool (*get)(struct kvm_vcpu *v, unsigned parts, GError **errp);
	bool (*put)(struct kvm_vcpu *v, unsigned parts, enum kvm_put_level level, GError **errp);
};

/* Execute one instruction at env->rip in userspace (interp_emulate_one). */
typedef bool (*kvm_emulate_fn)(struct x86_cpu *cpu, GError **errp);

struct kvm_vcpu {
	struct kvm_state *s;
	struct x86_cpu *cpu;
	int fd;
	struct kvm_run *run;
	/*
	 * The last exit was port or MMIO I/O that KVM finishes only on the next
	 * KVM_RUN (an IN's result into RAX, RIP past the instruction).
	 */
	bool io_pending;
	pthread_t thread;		/* valid once kvm_vcpu_exec ran */
	int thread_valid;		/* atomic */
	unsigned env_valid;		/* KVM_STATE_* parts of cpu->env that match KVM */
	unsigned env_dirty;		/* parts changed in env: put before KVM_RUN */
	enum kvm_put_level dirty_level;

	const struct kvm_io_handlers *io;
	const struct kvm_vcpu_state_ops *state_ops;
	kvm_emulate_fn emulate;

	uint64_t nr_exits;
	uint64_t nr_fallbacks;
	unsigned same_rip_fallbacks;	/* successive fallbacks that changed nothing */
	unsigned gsi_raises_seen;	/* s->gsi_raises when this vCPU last looked */
	unsigned window_steps;		/* > 0: single-stepping to an interrupt window */
	unsigned window_if_steps;	/* successive steps that ended with IF set */
	struct kemu_timer *window_timer;	/* looks again while an IRQ still waits */
	int64_t window_recheck_ns;	/* its delay, doubled up to 100 ms per miss */
	uint64_t nr_window_steps;
};

/* kvm-all.c */
struct kvm_state *kvm_state_new(enum kernel_irqchip_mode irqchip, GError **errp);
void kvm_state_free(struct kvm_state *s);
bool kvm_check_extension(struct kvm_state *s, long cap);
/* Memslots follow as_mem's RAM/ROM; exits go to as_mem/as_io (under the BQL). */
void kvm_state_attach(struct kvm_state *s, struct address_space *as_mem,
		      struct address_space *as_io);
bool kvm_set_user_memory(struct kvm_state *s, uint64_t gpa, uint64_t size,
			 void *host, bool readonly, GError **errp);
bool kvm_del_user_memory(struct kvm_state *s, uint64_t gpa, uint64_t size);
/* Copy guest RAM through the memslot table; false if not all of it is RAM. */
bool kvm_guest_phys_read(struct kvm_state *s, uint64_t gpa, void *buf, size_t len);
bool kvm_state_set_gsi(struct kvm_state *s, int gsi, int level, GError **errp);
/* kvm-cpu.c: make a vCPU leave KVM_RUN and come back (no run-control request). */
void kvm_vcpu_kick_run(struct kvm_vcpu *v);
/* A GSI rose (irq_window_step): kick the vCPU, recheck delays start over. */
void kvm_vcpu_window_kick(struct kvm_vcpu *v);
/* In-kernel LAPICs (and PIC, IOAPIC, PIT with kernel-irqchip=on) to power-on state. */
bool kvm_state_irqchip_reset(struct kvm_state *s, GError **errp);

/* kvm-cpu.c (run loop, state), kvm-emul.c (fallback) */
struct kvm_vcpu *kvm_vcpu_new(struct kvm_state *s, struct x86_cpu *cpu, GError **errp);
void kvm_vcpu_free(struct kvm_vcpu *v);
/* Fill cpu->env (the parts not already valid). */
bool kvm_vcpu_get_state(struct kvm_vcpu *v, GError **errp);
bool kvm_vcpu_get_state_parts(struct kvm_vcpu *v, unsigned parts, GError **errp);
/* Write the valid parts among `parts` of cpu->env to KVM. */
bool kvm_vcpu_put_state_parts(struct kvm_vcpu *v, unsigned parts, enum kvm_put_level level,
			      GError **errp);
/* cpu->env was changed: write it to KVM before the next KVM_RUN. */
void kvm_vcpu_mark_dirty(struct kvm_vcpu *v, enum kvm_put_level level);
int kvm_vcpu_exec(struct kvm_vcpu *v);
void kvm_vcpu_kick(struct kvm_vcpu *v);
/*
 * The emulation-failure fallback for the exit now in v->run: get state,
 * emulate one instruction, put state. false (with errp) if it could not:
 * the caller then reports and stops the VM.
 */
bool kvm_vcpu_handle_emulation_failure(struct kvm_vcpu *v, GError **errp);
/* Is the vCPU in 64-bit code (long mode, CS.L)? */
bool kvm_vcpu_code64(const CPUX86State *env);
/* Up to 15 bytes at CS:RIP (from the exit, else guest RAM); how many. */
unsigned kvm_vcpu_fetch_insn(struct kvm_vcpu *v, uint8_t *buf);
/* Registers and instruction bytes, for fatal reports. */
void kvm_vcpu_format_state(struct kvm_vcpu *v, GString *out);
/* KVM_STATE_* parts the instruction at bytes[0..len) may read or change. */
unsigned kvm_insn_state_parts(const uint8_t *bytes, unsigned len, bool code64);
/* Short name of the instruction at bytes[0..len): "fninit", "iret", or hex. */
char *kvm_insn_name(const uint8_t *bytes, unsigned len, bool code64);
void kvm_emul_count(const char *mnemonic);

/* kvm-cpuid.c */
bool kvm_vcpu_setup_cpuid(struct kvm_vcpu *v, GError **errp);

#endif

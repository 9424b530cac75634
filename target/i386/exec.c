// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The interpreter's main loop: fetch, decode, dispatch through a table of
 * handlers (one per opcode, filled in by the instruction-family files),
 * exceptions raised by longjmp back to here and delivered through the IDT
 * with the #DF / triple-fault rules of SDM vol. 3A §6.15 (table 6-5),
 * interrupt shadows (§6.8.3), NMI and external interrupts between
 * instructions. Also the operand helpers every family uses.
 *
 * Not here: what instructions do (alu.c, control.c, ...), segmentation and
 * gates (seg.c), paging (mmu.c).
 */
#include "kemu/common.h"
#include "target/i386/internal.h"
#include "accel/accel.h"
#include "hw/intc/apic.h"

x86_handler x86_handlers[NR_OPS];

static void op_ud(struct interp_cpu *s, struct x86_insn *i)
{
	if (log_enabled(LOG_UNIMP)) {
		kemu_log("unimplemented: x86 opcode %s%02x%s%02x at rip %#" PRIx64 "\n",
			 i->op >= MAP_0F ? "0f " : "",
			 i->op >= MAP_38 ? (i->op >= MAP_3A ? 0x3a : 0x38) : 0,
			 i->op >= MAP_38 ? " " : "", i->op & 0xff, s->env->rip);
	}
	x86_raise_ud(s);
}

void x86_handlers_init(void)
{
	static bool done;
	if (done)
		return;
	for (int k = 0; k < NR_OPS; k++)
		x86_handlers[k] = op_ud;
	x86_alu_register();
	x86_shift_register();
	x86_muldiv_register();
	x86_string_register();
	x86_control_register();
	x86_stack_register();
	x86_system_register();
	x86_x87_register();
	x86_sse_register();
	done = true;
}

/* ---- exceptions ---- */

G_NORETURN void x86_raise(struct interp_cpu *s, int vec, uint32_t err)
{
	s->exc_vec = vec;
	s->exc_err = err;
	g_assert(s->jmp_valid);
	_longjmp(s->jmp, 1);
}

G_NORETURN void x86_raise_ud(struct interp_cpu *s)
{
	x86_raise(s, EXCP_UD, 0);
}

G_NORETURN void x86_raise_gp(struct interp_cpu *s, uint32_t err)
{
	x86_raise(s, EXCP_GP, err);
}

static bool excp_has_error_code(int vec)
{
	return vec == EXCP_DF || (vec >= EXCP_TS && vec <= EXCP_PF) || vec == EXCP_AC;
}

static bool excp_contributory(int vec)
{
	return vec == EXCP_DE || (vec >= EXCP_TS && vec <= EXCP_GP);
}

/* Called from the catch of the loop: deliver, escalating per table 6-5. */
static void handle_exception(struct interp_cpu *s)
{
	int vec = s->exc_vec;
	uint32_t err = s->exc_err;
	int prev = s->delivering;

	if (s->exception_hook && s->exception_hook(s, vec, err)) {
		s->delivering = -1;
		return;
	}
	if (prev >= 0) {
		if (prev == EXCP_DF) {
			log_mask(LOG_INT | LOG_GUEST_ERROR,
				 "x86: triple fault (exception %d while delivering #DF)\n", vec);
			s->shutdown = true;
			s->delivering = -1;
			return;
		}
		if ((excp_contributory(prev) && excp_contributory(vec)) ||
		    (prev == EXCP_PF && (excp_contributory(vec) || vec == EXCP_PF))) {
			vec = EXCP_DF;
			err = 0;
		}
	}
	log_mask(LOG_INT, "x86: exception %d err %#x at %04x:%#" PRIx64 " cr2 %#" PRIx64 "\n",
		 vec, err, s->env->segs[R_CS].selector, s->env->rip, s->env->cr[2]);
	s->delivering = vec;
	x86_do_interrupt(s, vec, false, excp_has_error_code(vec) && (x86_pe(s)), err,
			 s->env->rip, false);
	s->delivering = -1;
}

void x86_deliver_exception(struct interp_cpu *s, int vec, uint32_t err)
{
	s->exc_vec = vec;
	s->exc_err = err;
	handle_exception(s);
}

/* ---- mode ---- */

void x86_update_mode(struct interp_cpu *s)
{
	CPUX86State *env = s->env;
	s->lma = env->efer & EFER_LMA;
	if (!(env->cr[0] & CR0_PE)) {
		s->cpl = 0;
		s->code_bits = env->segs[R_CS].flags & SEG_DB ? 32 : 16;
	} else if (env->rflags & X86_EFLAGS_VM) {
		s->cpl = 3;
		s->code_bits = 16;
	} else {
		s->cpl = (env->segs[R_SS].flags >> SEG_DPL_SHIFT) & 3;
		if (s->lma && (env->segs[R_CS].flags & SEG_L))
			s->code_bits = 64;
		else
			s->code_bits = env->segs[R_CS].flags & SEG_DB ? 32 : 16;
	}
}


/* ---- operands ---- */







bool x86_cond(struct interp_cpu *s, int cc)
{
	uint64_t f = s->env->rflags;
	bool r;
	switch (cc >> 1) {
	case 0: r = f & X86_EFLAGS_OF; break;
	case 1: r = f & X86_EFLAGS_CF; break;
	case 2: r = f & X86_EFLAGS_ZF; break;
	case 3: r = f & (X86_EFLAGS_CF | X86_EFLAGS_ZF); break;
	case 4: r = f & X86_EFLAGS_SF; break;
	case 5: r = f & X86_EFLAGS_PF; break;
	case 6: r = !!(f & X86_EFLAGS_SF) != !!(f & X86_EFLAGS_OF); break;
	default: r = (f & X86_EFLAGS_ZF) || (!!(f & X86_EFLAGS_SF) != !!(f & X86_EFLAGS_OF)); break;
	}
	return r ^ (cc & 1);
}

void x86_write_eflags(struct interp_cpu *s, uint64_t v, uint64_t mask)
{
	CPUX86State *env = s->env;
	env->rflags = (env->rflags & ~mask) | (v & mask);
	env->rflags |= X86_EFLAGS_FIXED;
	env->rflags &= ~(0x8ULL | 0x20 | 0x8000 | 0xffc00000ULL);
}

void x86_jump_checked(struct interp_cpu *s, uint64_t target, unsigned opsize)
{
	CPUX86State *env = s->env;
	if (s->code_bits == 64) {
		if (opsize == 2)
			target &= 0xffff;
		if (!x86_canonical(target))
			x86_raise_gp(s, 0);
	} else {
		target &= opsize == 2 ? 0xffff : 0xffffffff;
		if (x86_pe(s) && !x86_vm86(s) && target > env->segs[R_CS].limit)
			x86_raise_gp(s, 0);
		else if (!x86_pe(s) && target > env->segs[R_CS].limit)
			x86_raise_gp(s, 0);
	}
	s->next_rip = target;
}


/* ---- the loop ---- */

static void log_insn(struct interp_cpu *s, struct x86_insn *i, const uint8_t *bytes)
{
	char text[128];
	x86_disas(bytes, i->len, s->code_bits, s->env->rip, text, sizeof(text));
	kemu_log("%04x:%08" PRIx64 "  %s\n", s->env->segs[R_CS].selector, s->env->rip, text);
}

static inline struct icache_entry *icache_slot(struct interp_cpu *s, const uint8_t *p)
{
	return &s->icache[((uintptr_t)p ^ ((uintptr_t)p >> ICACHE_BITS)) & ((1 << ICACHE_BITS) - 1)];
}

/* Remember where the instruction after this one is, if it is on the same page. */
static inline void predict_next(struct interp_cpu *s, const uint8_t *p, unsigned len)
{
	const uint8_t *n = p + len;
	if (((uintptr_t)n & 0xfff) <= 0x1000 - 16 && ((uintptr_t)n & ~0xfffULL) == ((uintptr_t)p & ~0xfffULL)) {
		s->pred_p = n;
		s->pred_rip = s->env->rip + len;
		s->pred_csbase = s->env->segs[R_CS].base;
		s->pred_gen = s->tlb_gen;
		s->pred_cpl = s->cpl;
		s->pred_bits = s->code_bits;
	} else {
		s->pred_p = NULL;
	}
}

static struct x86_insn *fetch_decode(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;

	/* sequential fetch on the same page: no segment or TLB work */
	if (G_LIKELY(s->pred_p && s->pred_rip == env->rip && s->pred_gen == s->tlb_gen &&
		     s->pred_cpl == s->cpl && s->pred_bits == s->code_bits &&
		     s->pred_csbase == env->segs[R_CS].base)) {
		const uint8_t *p = s->pred_p;
		uintptr_t key = ((uintptr_t)p << 2) | (s->code_bits >> 5);
		struct icache_entry *ic = icache_slot(s, p);
		uint64_t w0, w1;
		memcpy(&w0, p, 8);
		memcpy(&w1, p + 8, 8);
		if (G_LIKELY(ic->key == key && (w0 & ic->m0) == ic->b0 && (w1 & ic->m1) == ic->b1 &&
			     (s->code_bits == 64 ||
			      (env->rip & 0xffffffff) + ic->insn.len - 1 <= env->segs[R_CS].limit))) {
			if (G_UNLIKELY(log_enabled(LOG_IN_ASM)))
				log_insn(s, &ic->insn, p);
			predict_next(s, p, ic->insn.len);
			return &ic->insn;
		}
	}
	s->pred_p = NULL;

	/* a recently seen address (loop heads, call targets) */
	unsigned jx = (env->rip ^ (env->rip >> 8)) & 255;
	if (s->jcache[jx].p && s->jcache[jx].rip == env->rip && s->jcache[jx].gen == s->tlb_gen &&
	    s->jcache[jx].csbase == env->segs[R_CS].base && s->jcache[jx].cpl == s->cpl &&
	    s->jcache[jx].bits == s->code_bits) {
		const uint8_t *p = s->jcache[jx].p;
		uintptr_t key = ((uintptr_t)p << 2) | (s->code_bits >> 5);
		struct icache_entry *ic = icache_slot(s, p);
		uint64_t w0, w1;
		memcpy(&w0, p, 8);
		memcpy(&w1, p + 8, 8);
		if (G_LIKELY(ic->key == key && (w0 & ic->m0) == ic->b0 && (w1 & ic->m1) == ic->b1 &&
			     (s->code_bits == 64 ||
			      (env->rip & 0xffffffff) + ic->insn.len - 1 <= env->segs[R_CS].limit))) {
			if (G_UNLIKELY(log_enabled(LOG_IN_ASM)))
				log_insn(s, &ic->insn, p);
			predict_next(s, p, ic->insn.len);
			return &ic->insn;
		}
	}

	uint8_t buf[16];
	uint64_t rip = env->rip;
	uint64_t lin;
	unsigned have;
	enum decode_status st;
	uint64_t lim = 15;

	if (s->code_bits == 64) {
		lin = rip;
	} else {
		/* code segment limit: fetch only what lies inside it */
		const struct segment_cache *cs = &env->segs[R_CS];
		rip &= 0xffffffff;
		if (rip > cs->limit)
			x86_raise_gp(s, 0);
		lin = (cs->base + rip) & 0xffffffff;
		uint64_t room = (uint64_t)cs->limit - rip + 1;
		if (room < lim)
			lim = room;
	}
	unsigned first = 0x1000 - (lin & 0xfff);
	if (first > lim)
		first = lim;

	/* fast path: decode straight from the host page, or reuse a decode */
	struct tlb_entry *e = &s->tlb_code[s->cpl == 3][(lin >> 12) & (TLB_SIZE - 1)];
	if (G_LIKELY(e->tag_code == (lin & ~0xfffULL) && e->host_r)) {
		const uint8_t *p = (const uint8_t *)e->host_r + (lin & 0xfff);
		if (G_LIKELY(first >= 15 && (lin & 0xfff) <= 0x1000 - 16)) {
			{
				s->jcache[jx].rip = env->rip;
				s->jcache[jx].csbase = env->segs[R_CS].base;
				s->jcache[jx].p = p;
				s->jcache[jx].gen = s->tlb_gen;
				s->jcache[jx].cpl = s->cpl;
				s->jcache[jx].bits = s->code_bits;
			}
			/* host addresses are below 2^47: room for the code size */
			uintptr_t key = ((uintptr_t)p << 2) | (s->code_bits >> 5);
			struct icache_entry *ic = icache_slot(s, p);
			uint64_t w0, w1;
			memcpy(&w0, p, 8);
			memcpy(&w1, p + 8, 8);
			if (G_LIKELY(ic->key == key && (w0 & ic->m0) == ic->b0 && (w1 & ic->m1) == ic->b1)) {
				if (G_UNLIKELY(log_enabled(LOG_IN_ASM)))
					log_insn(s, &ic->insn, p);
				predict_next(s, p, ic->insn.len);
				return &ic->insn;
			}
			st = x86_decode(p, first, s->code_bits, i);
			if (st == DECODE_OK) {
				unsigned n = i->len;
				ic->key = key;
				ic->m0 = n >= 8 ? ~0ULL : (1ULL << (8 * n)) - 1;
				ic->m1 = n <= 8 ? 0 : n >= 16 ? ~0ULL : (1ULL << (8 * (n - 8))) - 1;
				ic->b0 = w0 & ic->m0;
				ic->b1 = w1 & ic->m1;
				ic->insn = *i;
				predict_next(s, p, n);
				return &ic->insn;
			}
		} else {
			st = x86_decode(p, first, s->code_bits, i);
		}
		if (G_LIKELY(st == DECODE_OK)) {
			if (G_UNLIKELY(log_enabled(LOG_IN_ASM)))
				log_insn(s, i, p);
			return i;
		}
		if (st == DECODE_UD)
			x86_raise_ud(s);
		if (st == DECODE_GP)
			x86_raise_gp(s, 0);
	}

	have = x86_fetch(s, lin, buf, first);
	st = x86_decode(buf, have, s->code_bits, i);
	if (st == DECODE_MORE) {
		if (have >= lim)
			x86_raise_gp(s, 0);
		have += x86_fetch(s, lin + have, buf + have, lim - have);
		st = x86_decode(buf, have, s->code_bits, i);
		if (st == DECODE_MORE)
			x86_raise_gp(s, 0);
	}
	if (st == DECODE_UD)
		x86_raise_ud(s);
	if (st == DECODE_GP)
		x86_raise_gp(s, 0);
	if (log_enabled(LOG_IN_ASM))
		log_insn(s, i, buf);
	return i;
}

/* LOCK is legal only on read-modify-write forms with a memory destination (SDM vol. 2A LOCK). */
bool x86_lock_ok(const struct x86_insn *i)
{
	unsigned op = i->op, sub = i->reg & 7;
	if (!i->mem)
		return false;
	if (op < 0x40)
		return (op & 7) <= 1 && (op & 0x38) != 0x38;	/* not cmp */
	switch (op) {
	case 0x80: case 0x81: case 0x82: case 0x83: return sub != 7;
	case 0x86: case 0x87: return true;
	case 0xf6: case 0xf7: return sub == 2 || sub == 3;
	case 0xfe: case 0xff: return sub <= 1;
	case MAP_0F + 0xab: case MAP_0F + 0xb3: case MAP_0F + 0xbb:
	case MAP_0F + 0xb0: case MAP_0F + 0xb1: case MAP_0F + 0xc0: case MAP_0F + 0xc1:
		return true;
	case MAP_0F + 0xba: return sub >= 5;
	case MAP_0F + 0xc7: return sub == 1;
	}
	return false;
}

/*
 * TF was set when the instruction started: a single-step #DB trap after it
 * (SDM vol. 3B §17.3.1.4). Not after int n/int3/into (they clear TF on the
 * way into the handler) nor in a mov-ss shadow (where it is not re-raised
 * later, a simplification).
 */
static void single_step_trap(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	if (i->op == 0xcc || i->op == 0xcd || i->op == 0xce || i->op == 0xf1 || s->shadow_next)
		return;
	env->dr[6] |= 0x4000;	/* BS */
	s->delivering = EXCP_DB;
	x86_do_interrupt(s, EXCP_DB, false, false, 0, env->rip, false);
	s->delivering = -1;
}

static inline __attribute__((always_inline)) void exec_one(struct interp_cpu *s)
{
	CPUX86State *env = s->env;
	struct x86_insn local;
	struct x86_insn *insn = fetch_decode(s, &local);

	s->insn = insn;
	uint64_t next = env->rip + insn->len;
	if (s->code_bits != 64)
		next &= 0xffffffff;
	s->next_rip = next;
	s->shadow_next = 0;
	bool tf = env->rflags & X86_EFLAGS_TF;
	if (G_UNLIKELY(insn->lock) && !x86_lock_ok(insn))
		x86_raise_ud(s);
	x86_handlers[insn->op](s, insn);
	env->rip = s->next_rip;
	env->interrupt_shadow = s->shadow_next;
	s->insn_count++;
	if (G_UNLIKELY(tf))
		single_step_trap(s, insn);
}

/* Run one instruction, delivering any exception it raises. */
int x86_step(struct interp_cpu *s)
{
	s->delivering = -1;
	s->jmp_valid = true;
	if (_setjmp(s->jmp)) {
		handle_exception(s);
		goto out;
	}
	x86_update_mode(s);
	exec_one(s);
out:
	s->jmp_valid = false;
	if (s->shutdown) {
		s->shutdown = false;
		return EXEC_SHUTDOWN;
	}
	return -1;
}

/*
 * Run one pre-decoded block (or one instruction where no block applies),
 * delivering any exception it raises: x86_step for the block path, so the
 * differential test checks both.
 */
int x86_step_block(struct interp_cpu *s)
{
	s->delivering = -1;
	s->jmp_valid = true;
	if (_setjmp(s->jmp)) {
		handle_exception(s);
		goto out;
	}
	x86_update_mode(s);
	if (!x86_blocks_run(s, 1))
		exec_one(s);
out:
	s->jmp_valid = false;
	if (s->shutdown) {
		s->shutdown = false;
		return EXEC_SHUTDOWN;
	}
	return -1;
}

/*
 * Run up to n instructions, until something needs the outer loop. One
 * setjmp covers the whole batch; an exception lands here, is delivered, and
 * the batch goes on.
 */
static int run_batch(struct interp_cpu *s, int n)
{
	struct x86_cpu *cpu = s->cpu;
	CPUX86State *env = s->env;
	volatile int left = n;

	s->delivering = -1;
	s->jmp_valid = true;
	x86_update_mode(s);
	if (_setjmp(s->jmp)) {
		handle_exception(s);
		x86_update_mode(s);
		if (s->shutdown) {
			s->shutdown = false;
			s->jmp_valid = false;
			return EXEC_SHUTDOWN;
		}
		left--;
	}
	while (left > 0) {
		int done = 0;
		/*
		 * One instruction at a time while single-stepping (TF), tracing,
		 * debugging, or in an interrupt shadow (so that an interrupt
		 * pending after sti / mov ss is taken right after the next
		 * instruction, SDM vol. 3A §6.8.3); blocks otherwise.
		 */
		if (G_LIKELY(!s->debug_active && !(env->rflags & X86_EFLAGS_TF) &&
			     !env->interrupt_shadow && !log_enabled(LOG_IN_ASM)))
			done = x86_blocks_run(s, left);
		if (!done) {
			exec_one(s);
			done = 1;
		}
		left -= done;
		if (G_UNLIKELY(env->a20_mask != s->a20_env)) {
			s->a20_env = env->a20_mask;
			x86_tlb_flush(s, true);
		}
		if (G_UNLIKELY(s->halted_now)) {
			s->halted_now = false;
			break;
		}
		if (G_UNLIKELY(__atomic_load_n(&cpu->interrupt_request, __ATOMIC_RELAXED) ||
			       __atomic_load_n(&cpu->exit_request, __ATOMIC_RELAXED)))
			break;
	}
	s->jmp_valid = false;
	return -1;
}

static bool interrupts_enabled(struct interp_cpu *s)
{
	return (s->env->rflags & X86_EFLAGS_IF) && !s->env->interrupt_shadow;
}

static void deliver_external(struct interp_cpu *s, int vec, bool nmi)
{
	s->jmp_valid = true;
	s->delivering = nmi ? EXCP_NMI : 0x100;
	if (_setjmp(s->jmp)) {
		handle_exception(s);
	} else {
		x86_update_mode(s);
		log_mask(LOG_INT, "x86: %s %#x at %04x:%#" PRIx64 "\n", nmi ? "NMI" : "interrupt",
			 vec, s->env->segs[R_CS].selector, s->env->rip);
		x86_do_interrupt(s, vec, false, false, 0, s->env->rip, true);
	}
	s->delivering = -1;
	s->jmp_valid = false;
}

/*
 * Returns EXEC_* to leave, or -1 to keep running. While gdb single-steps,
 * external interrupts and NMIs stay pending (QEMU's default SSTEP_NOIRQ), so
 * a step lands on the next instruction of the code being debugged.
 */
static int check_requests(struct interp_cpu *s)
{
	struct x86_cpu *cpu = s->cpu;
	CPUX86State *env = s->env;
	int req = __atomic_load_n(&cpu->interrupt_request, __ATOMIC_ACQUIRE);

	if (G_UNLIKELY(cpu->singlestep))
		req &= ~(CPU_INTERRUPT_NMI | CPU_INTERRUPT_HARD);

	if (req & CPU_INTERRUPT_TLB_FLUSH) {
		__atomic_fetch_and(&cpu->interrupt_request, ~CPU_INTERRUPT_TLB_FLUSH, __ATOMIC_SEQ_CST);
		x86_tlb_flush(s, true);
	}
	if (req & CPU_INTERRUPT_INIT) {
		__atomic_fetch_and(&cpu->interrupt_request, ~CPU_INTERRUPT_INIT, __ATOMIC_SEQ_CST);
		uint64_t apic_base = env->apic_base;
		x86_cpu_reset(cpu);
		env->apic_base = apic_base;
		if (!(apic_base & MSR_IA32_APICBASE_BSP)) {
			env->wait_for_sipi = true;
			env->halted = true;
		}
		x86_tlb_flush(s, true);
	}
	if (req & CPU_INTERRUPT_SIPI) {
		__atomic_fetch_and(&cpu->interrupt_request, ~CPU_INTERRUPT_SIPI, __ATOMIC_SEQ_CST);
		if (env->wait_for_sipi) {
			uint8_t v = cpu->apic ? apic_get_sipi_vector((struct apic_state *)cpu->apic)
					      : env->sipi_vector;
			env->wait_for_sipi = false;
			env->halted = false;
			env->segs[R_CS].selector = v << 8;
			env->segs[R_CS].base = (uint64_t)v << 12;
			env->rip = 0;
		}
	}
	if (env->wait_for_sipi)
		return EXEC_HALTED;
	if ((req & CPU_INTERRUPT_NMI) && !env->nmi_masked) {
		__atomic_fetch_and(&cpu->interrupt_request, ~CPU_INTERRUPT_NMI, __ATOMIC_SEQ_CST);
		env->halted = false;
		env->nmi_masked = true;
		deliver_external(s, EXCP_NMI, true);
		env->interrupt_shadow = 0;
		return s->shutdown ? (s->shutdown = false, EXEC_SHUTDOWN) : -1;
	}
	if ((req & CPU_INTERRUPT_HARD) && interrupts_enabled(s)) {
		int vec = -1;
		__atomic_fetch_and(&cpu->interrupt_request, ~CPU_INTERRUPT_HARD, __ATOMIC_SEQ_CST);
		if (cpu->irq_source.get_interrupt)
			vec = cpu->irq_source.get_interrupt(cpu->irq_source.opaque, cpu);
		if (vec >= 0) {
			env->halted = false;
			deliver_external(s, vec, false);
			if (s->shutdown) {
				s->shutdown = false;
				return EXEC_SHUTDOWN;
			}
		}
	}
	if (req & CPU_INTERRUPT_SMI) {
		__atomic_fetch_and(&cpu->interrupt_request, ~CPU_INTERRUPT_SMI, __ATOMIC_SEQ_CST);
		log_unimp("x86: SMI ignored: System Management Mode is not supported by the interp accelerator");
	}
	if (req & CPU_INTERRUPT_EXIT) {
		__atomic_fetch_and(&cpu->interrupt_request, ~CPU_INTERRUPT_EXIT, __ATOMIC_SEQ_CST);
		return EXEC_INTERRUPTED;
	}
	return -1;
}

/*
 * gdbstub requests (system/debug.h), checked by the executor itself: no
 * guest memory is patched. Breakpoints compare CS base + RIP before each
 * instruction; watchpoints are matched by the MMU's slow path (mmu.c) and
 * reported after the instruction; a single step runs one instruction. This
 * loop runs one instruction at a time and only while gdb has something set,
 * so the normal loop (run_batch) pays one test per batch for all of it.
 */
static int run_debug(struct interp_cpu *s)
{
	struct x86_cpu *cpu = s->cpu;
	CPUX86State *env = s->env;
	const struct debug_points *dp = cpu->debug_points;

	for (int n = 0; n < 4096; n++) {
		int r;

		x86_update_mode(s);
		if (dp && dp->breaks->len &&
		    debug_points_break_at(dp, env->segs[R_CS].base + env->rip)) {
			cpu->debug_stop = (struct debug_stop){ .reason = DEBUG_STOP_BREAK,
							       .addr = env->segs[R_CS].base + env->rip };
			return EXEC_DEBUG;
		}
		s->watch_hit = false;
		r = x86_step(s);
		if (G_UNLIKELY(env->a20_mask != s->a20_env)) {
			s->a20_env = env->a20_mask;
			x86_tlb_flush(s, true);
		}
		if (r >= 0)
			return r;
		if (s->watch_hit) {
			s->watch_hit = false;
			cpu->debug_stop = (struct debug_stop){ .reason = DEBUG_STOP_WATCH,
							       .watch_type = s->watch_type,
							       .addr = s->watch_addr };
			return EXEC_DEBUG;
		}
		if (cpu->singlestep) {
			s->halted_now = false;
			cpu->debug_stop = (struct debug_stop){ .reason = DEBUG_STOP_STEP };
			return EXEC_DEBUG;
		}
		if (s->halted_now) {
			s->halted_now = false;
			break;
		}
		if (__atomic_load_n(&cpu->interrupt_request, __ATOMIC_RELAXED) ||
		    __atomic_load_n(&cpu->exit_request, __ATOMIC_RELAXED))
			break;
	}
	return -1;
}

int interp_exec(struct x86_cpu *cpu)
{
	struct interp_cpu *s = interp_get(cpu);
	CPUX86State *env = s->env;
	int r;

	for (;;) {
		if (__atomic_load_n(&cpu->exit_request, __ATOMIC_RELAXED))
			return EXEC_INTERRUPTED;
		if (G_UNLIKELY(s->debug_gen != cpu->debug_gen)) {
			/* watched pages must leave the TLB's fast paths, unwatched ones may return */
			s->debug_gen = cpu->debug_gen;
			x86_tlb_flush(s, true);
		}
		if (__atomic_load_n(&cpu->interrupt_request, __ATOMIC_RELAXED)) {
			r = check_requests(s);
			if (r >= 0)
				return r;
		}
		if (env->halted || env->wait_for_sipi) {
			if (G_UNLIKELY(cpu->singlestep)) {
				/* nothing can wake it while interrupts are held: the step ends here */
				cpu->debug_stop = (struct debug_stop){ .reason = DEBUG_STOP_STEP };
				return EXEC_DEBUG;
			}
			return EXEC_HALTED;
		}
		if (G_UNLIKELY(cpu->debug_points || cpu->singlestep))
			r = run_debug(s);
		else
			r = run_batch(s, 4096);
		if (r >= 0)
			return r;
	}
}

bool interp_emulate_one(struct x86_cpu *cpu, GError **errp)
{
	struct interp_cpu *s = interp_get(cpu);
	if (!s->mem) {
		g_set_error(errp, KEMU_ERROR, 0, "interp: no memory backend for vCPU %d",
			    cpu->cpu_index);
		return false;
	}
	x86_tlb_flush(s, true);
	int r = x86_step(s);
	s->halted_now = false;
	if (r == EXEC_SHUTDOWN) {
		g_set_error(errp, KEMU_ERROR, 0, "interp: triple fault at %04x:%#" PRIx64,
			    s->env->segs[R_CS].selector, s->env->rip);
		return false;
	}
	return true;
}

uint64_t interp_insn_count(struct x86_cpu *cpu)
{
	return cpu->interp ? cpu->interp->insn_count : 0;
}

struct interp_cpu *interp_get(struct x86_cpu *cpu)
{
	if (!cpu->interp) {
		struct interp_cpu *s = g_new0(struct interp_cpu, 1);
		s->cpu = cpu;
		s->env = &cpu->env;
		s->icache = g_new0(struct icache_entry, 1 << ICACHE_BITS);
		s->blocks = x86_blocks_alloc();
		s->delivering = -1;
		cpu->interp = s;
		x86_handlers_init();
		x86_tlb_flush(s, true);
	}
	return cpu->interp;
}

void interp_cpu_set_memory(struct x86_cpu *cpu, const struct interp_mem_ops *ops, void *opaque)
{
	struct interp_cpu *s = interp_get(cpu);
	s->mem = ops;
	s->mem_opaque = opaque;
	x86_tlb_flush(s, true);
}

void interp_tlb_flush(struct x86_cpu *cpu)
{
	if (cpu->interp)
		x86_tlb_flush(cpu->interp, true);
}

void interp_cpu_destroy(struct x86_cpu *cpu)
{
	if (cpu->interp) {
		g_free(cpu->interp->icache);
		x86_blocks_free(cpu->interp->blocks);
	}
	g_free(cpu->interp);
	cpu->interp = NULL;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals of kemu's software x86-64 CPU, shared by the decoder, the
 * executor files (one per instruction family) and the MMU.
 *
 * Execution model: one instruction at a time. env->rip stays at the start of
 * the current instruction until it completes, so an exception raised from
 * anywhere (x86_raise, a longjmp back to the loop in exec.c) leaves RIP at the
 * faulting instruction, as faults require. Handlers read all their operands
 * and touch memory before they write registers, so a fault leaves no partial
 * state behind. Arithmetic flags are computed eagerly by running the same
 * operation on the host (alu.h): kemu only runs on x86-64 hosts, and the host
 * is the reference the differential tests compare against anyway.
 */
#ifndef TARGET_I386_INTERNAL_H
#define TARGET_I386_INTERNAL_H

#include <setjmp.h>
#include "kemu/common.h"
#include "target/i386/cpu.h"
#include "target/i386/interp.h"

/* Exception vectors, SDM vol. 3A §6.3.1 */
enum {
	EXCP_DE = 0, EXCP_DB = 1, EXCP_NMI = 2, EXCP_BP = 3, EXCP_OF = 4,
	EXCP_BR = 5, EXCP_UD = 6, EXCP_NM = 7, EXCP_DF = 8, EXCP_TS = 10,
	EXCP_NP = 11, EXCP_SS = 12, EXCP_GP = 13, EXCP_PF = 14, EXCP_MF = 16,
	EXCP_AC = 17, EXCP_MC = 18, EXCP_XM = 19,
};

/* Page-fault error code bits, SDM vol. 3A §4.7 */
#define PF_P	1
#define PF_W	2
#define PF_U	4
#define PF_RSVD	8
#define PF_I	16

/* Opcode maps: op = map << 8 | byte */
#define MAP_0F	0x100
#define MAP_38	0x200
#define MAP_3A	0x300
#define NR_OPS	0x400

/* Decoded instruction */
struct x86_insn {
	uint16_t op;
	uint8_t len;
	uint8_t opsize;		/* 1 is never used here: byte forms know it */
	uint8_t addrsize;	/* 2, 4, 8 */
	uint8_t rep;		/* 0, 0xf2, 0xf3 */
	bool lock;
	bool p66;		/* operand-size prefix present (SSE: mandatory prefix) */
	int8_t seg;		/* override, or -1 */
	uint8_t rex;
	bool has_modrm;
	bool mem;		/* modrm names memory */
	uint8_t modrm;
	uint8_t mod, reg, rm;	/* reg and rm include REX.R / REX.B */
	int8_t base, index;	/* -1: none; base 16 means RIP-relative */
	uint8_t scale;
	int64_t disp;
	uint64_t imm, imm2;
	uint8_t mode;		/* 16, 32, 64: code size at decode time */
};

enum decode_status { DECODE_OK, DECODE_MORE, DECODE_UD, DECODE_GP };
/* Decode from buf[0..avail); DECODE_MORE if more bytes are needed. */
enum decode_status x86_decode(const uint8_t *buf, unsigned avail, int mode,
			      struct x86_insn *i);

/* Software TLB, one per privilege class (index 0 supervisor, 1 user). */
#define TLB_BITS 10
#define TLB_SIZE (1 << TLB_BITS)
#define TLB_INVALID 1ULL	/* tag bit that never matches an aligned page */
struct tlb_entry {
	uint64_t tag_read, tag_write, tag_code;	/* page address, or invalid */
	uintptr_t host_r, host_w;	/* host address of the page (0: not RAM) */
	uint64_t paddr;		/* guest physical page */
	bool global;
};

/*
 * Decoded-instruction cache, keyed by host address of the instruction bytes
 * and code size. An entry is used only if the bytes in memory still equal
 * the bytes it was decoded from, so self-modifying code, DMA into code
 * pages and other vCPUs' writes need no invalidation at all.
 */
#define ICACHE_BITS 14
struct icache_entry {
	uintptr_t key;		/* host address << 2 | code_bits >> 5 */
	uint64_t m0, m1;	/* masks of the instruction's bytes */
	uint64_t b0, b1;	/* its bytes */
	struct x86_insn insn;
};

/* guest-physical page -> host pointers, so page walks skip the memory map */
#define PCACHE_SIZE 512
struct pcache_entry {
	uint64_t page;		/* guest-physical page, or 1 (invalid) */
	uint8_t *host_r, *host_w;
};

struct x86_block_cache;
struct interp_cpu {
	struct icache_entry *icache;
	struct x86_block_cache *blocks;	/* pre-decoded blocks (block.c) */
	/*
	 * Hook for debuggers (breakpoints, watchpoints, single-step): while set,
	 * the loop runs one instruction at a time through x86_step's path and
	 * pre-decoded blocks are not used; see docs/interp.md.
	 */
	bool debug_active;
	uint64_t block_stop;		/* tests: blocks end before this RIP (0: no limit) */
	/* fall-through prediction: where the next sequential instruction lives */
	const uint8_t *pred_p;		/* its host address, NULL if none */
	uint64_t pred_rip, pred_csbase;
	uint32_t pred_gen;
	int pred_cpl, pred_bits;
	uint32_t tlb_gen;		/* bumped on every TLB flush */
	/* rip -> host address of recently fetched instructions (branch targets) */
	struct {
		uint64_t rip, csbase;
		const uint8_t *p;
		uint32_t gen;
		uint8_t cpl, bits;
	} jcache[256];
	struct pcache_entry pcache[PCACHE_SIZE];
	struct x86_cpu *cpu;
	CPUX86State *env;
	const struct interp_mem_ops *mem;
	void *mem_opaque;

	struct tlb_entry tlb[2][TLB_SIZE];	/* data, by privilege */
	struct tlb_entry tlb_code[2][TLB_SIZE];	/* instruction fetch */
	uint64_t a20;
	uint64_t a20_env;	/* env->a20_mask when the TLB was last flushed */
	bool tlb_has_large;
	/* results of the last page walk */
	bool walk_rw, walk_dirty, walk_user_ok;
	uint64_t walk_nx;

	/* during one instruction */
	struct x86_insn *insn;
	uint64_t next_rip;
	jmp_buf jmp;
	bool jmp_valid;
	int cpl;
	int code_bits;		/* 16, 32, 64 */
	bool lma;

	/* exception delivery state (for #DF / triple fault) */
	int exc_vec;
	uint32_t exc_err;
	int delivering;		/* vector being delivered, -1 if none */
	bool shutdown;		/* triple fault */
	bool halted_now;
	uint8_t shadow_next;	/* interrupt shadow set by this instruction */

	/* tests: see exceptions instead of delivering them (return true: handled) */
	bool (*exception_hook)(struct interp_cpu *s, int vec, uint32_t err);

	int64_t tsc_offset;
	uint64_t insn_count;

	/* gdbstub (system/debug.h): a watchpoint matched during this instruction */
	unsigned debug_gen;	/* cpu->debug_gen the TLB was last flushed for */
	bool watch_hit;
	enum debug_point_type watch_type;
	uint64_t watch_addr;
};

/* Handlers: one per opcode; return normally or longjmp through x86_raise. */
typedef void (*x86_handler)(struct interp_cpu *s, struct x86_insn *i);
extern x86_handler x86_handlers[NR_OPS];
void x86_handlers_init(void);
/* a faster handler for this decoded form, or NULL (alu.c; blocks only) */
x86_handler x86_alu_specialize(const struct x86_insn *i);
/* LOCK is legal on this instruction (SDM vol. 2A "LOCK") */
bool x86_lock_ok(const struct x86_insn *i);

/* Pre-decoded blocks (block.c) */
#define BLOCK_MAX_INSNS	24
#define BLOCK_MAX_BYTES	128
#define BLOCK_HASH_BITS	12
#define BLOCK_HASH_SIZE	(1 << BLOCK_HASH_BITS)
struct block_insn {
	struct x86_insn insn;
	x86_handler handler;
	uint64_t next_rip;	/* RIP of the next instruction */
	bool check_smc;		/* may write memory: recheck the block's bytes after it */
};
/* a block's header; its instructions and bytes live in the cache's pool */
struct x86_block {
	uint64_t rip, csbase;
	const uint8_t *host;	/* host address of the first byte */
	struct block_insn *insns;
	const uint64_t *words;	/* the bytes it was decoded from */
	uint64_t tail_mask;	/* of the last, partial word */
	uint32_t gen;		/* tlb_gen when host was last confirmed */
	uint16_t mode;		/* cpl | code_bits << 2 */
	uint8_t ninsns, nbytes;	/* ninsns 0: empty slot */
	bool tail_wide;		/* a whole word can be read at the last partial word */
};
/*
 * Headers in a compact direct-mapped table (the lookup touches one cache
 * line), bodies bump-allocated from the pool; a full pool empties the cache.
 */
#define BLOCK_POOL_SIZE	(8u << 20)
struct x86_block_cache {
	struct x86_block table[BLOCK_HASH_SIZE];
	size_t pool_used;
	uint8_t pool[BLOCK_POOL_SIZE] __attribute__((aligned(64)));
};
/* run blocks from RIP; returns instructions completed, 0: use x86_step's path */
int x86_blocks_run(struct interp_cpu *s, int budget);
struct x86_block_cache *x86_blocks_alloc(void);
void x86_blocks_free(struct x86_block_cache *blocks);
/* x86_step through the block path (one block or one instruction) */
int x86_step_block(struct interp_cpu *s);
/* families register their opcodes */
void x86_alu_register(void);
void x86_shift_register(void);
void x86_muldiv_register(void);
void x86_string_register(void);
void x86_control_register(void);
void x86_stack_register(void);
void x86_system_register(void);
void x86_x87_register(void);
void x86_sse_register(void);

/* exceptions */
G_NORETURN void x86_raise(struct interp_cpu *s, int vec, uint32_t err);
G_NORETURN void x86_raise_ud(struct interp_cpu *s);
G_NORETURN void x86_raise_gp(struct interp_cpu *s, uint32_t err);
/* deliver vector through IDT/IVT; is_sw: int n/int3/into; next_rip for traps */
void x86_do_interrupt(struct interp_cpu *s, int vec, bool is_sw, bool has_err,
		      uint32_t err, uint64_t ret_rip, bool is_hw);
void x86_deliver_exception(struct interp_cpu *s, int vec, uint32_t err);

/* modes */
void x86_update_mode(struct interp_cpu *s);
static inline bool x86_pe(struct interp_cpu *s) { return s->env->cr[0] & CR0_PE; }
static inline bool x86_vm86(struct interp_cpu *s) { return s->env->rflags & X86_EFLAGS_VM; }
static inline bool x86_long64(struct interp_cpu *s) { return s->code_bits == 64; }
/* stack address size: 2, 4 or 8 bytes */
static inline int x86_stack_size(struct interp_cpu *s)
{
	if (s->code_bits == 64)
		return 8;
	return s->env->segs[R_SS].flags & SEG_DB ? 4 : 2;
}

/* segments */
void x86_load_seg(struct interp_cpu *s, int seg, uint16_t sel);
void x86_load_seg_real(struct interp_cpu *s, int seg, uint16_t sel);
bool x86_read_descriptor(struct interp_cpu *s, uint16_t sel, uint64_t *lo, uint64_t *hi,
			 int excp);
void x86_set_seg_from_desc(struct segment_cache *sc, uint16_t sel, uint64_t d);
uint64_t x86_seg_linear(struct interp_cpu *s, int seg, uint64_t off, unsigned size,
			bool write);
void x86_far_jmp(struct interp_cpu *s, uint16_t sel, uint64_t off);
void x86_far_call(struct interp_cpu *s, uint16_t sel, uint64_t off, int opsize);
void x86_far_ret(struct interp_cpu *s, int opsize, uint16_t extra);
void x86_iret(struct interp_cpu *s, int opsize);
void x86_task_switch(struct interp_cpu *s, uint16_t sel, uint64_t desc, int source,
		     uint64_t ret_eip);
enum { TS_JMP, TS_CALL, TS_IRET, TS_INT };
void x86_syscall(struct interp_cpu *s);
void x86_sysret(struct interp_cpu *s);
void x86_sysenter(struct interp_cpu *s);
void x86_sysexit(struct interp_cpu *s);
bool x86_check_io(struct interp_cpu *s, uint16_t port, unsigned size);

/* MMU: linear and physical accesses. acc: 0 read, 1 write, 2 code */
enum { ACC_READ, ACC_WRITE, ACC_CODE };
uint64_t x86_lin_read(struct interp_cpu *s, uint64_t lin, unsigned size, int acc);
void x86_lin_write(struct interp_cpu *s, uint64_t lin, unsigned size, uint64_t v);
/* system-level accesses (descriptor tables, TSS): CPL0 semantics */
uint64_t x86_lin_read_sys(struct interp_cpu *s, uint64_t lin, unsigned size);
void x86_lin_write_sys(struct interp_cpu *s, uint64_t lin, unsigned size, uint64_t v);
uint8_t *x86_lin_ptr(struct interp_cpu *s, uint64_t lin, int acc, bool user);
void x86_tlb_flush(struct interp_cpu *s, bool global);
void x86_tlb_flush_page(struct interp_cpu *s, uint64_t lin);
uint64_t x86_phys_read(struct interp_cpu *s, uint64_t pa, unsigned size);
void x86_phys_write(struct interp_cpu *s, uint64_t pa, unsigned size, uint64_t v);
/* translate or fault (raises #PF); returns physical address */
uint64_t x86_translate(struct interp_cpu *s, uint64_t lin, int acc, bool user);
/* copy bytes from code at lin (for fetch); returns bytes copied (<= n), may fault */
unsigned x86_fetch(struct interp_cpu *s, uint64_t lin, uint8_t *buf, unsigned n);

/* segmented memory helpers (seg = R_ES..R_GS); inline fast paths below */
uint64_t x86_mem_read_slow(struct interp_cpu *s, int seg, uint64_t off, unsigned size);
void x86_mem_write_slow(struct interp_cpu *s, int seg, uint64_t off, unsigned size, uint64_t v);

/* operand helpers (more below, after the memory fast paths) */
static inline int x86_insn_seg(struct x86_insn *i, int def)
{
	return i->seg >= 0 ? i->seg : def;
}

static inline uint64_t size_mask(unsigned size)
{
	return size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}
static inline int64_t sext(uint64_t v, unsigned size)
{
	switch (size) {
	case 1: return (int8_t)v;
	case 2: return (int16_t)v;
	case 4: return (int32_t)v;
	default: return (int64_t)v;
	}
}

static inline uint64_t x86_gpr(struct interp_cpu *s, int r, unsigned size)
{
	return s->env->regs[r] & size_mask(size);
}
static inline void x86_set_gpr(struct interp_cpu *s, int r, unsigned size, uint64_t v)
{
	uint64_t *p = &s->env->regs[r];
	switch (size) {
	case 1: *p = (*p & ~0xffULL) | (v & 0xff); break;
	case 2: *p = (*p & ~0xffffULL) | (v & 0xffff); break;
	case 4: *p = (uint32_t)v; break;
	default: *p = v; break;
	}
}

/* stack */
void x86_push(struct interp_cpu *s, unsigned size, uint64_t v);
uint64_t x86_pop(struct interp_cpu *s, unsigned size);
uint64_t x86_stack_peek(struct interp_cpu *s, unsigned size, unsigned offset);

/* flags */
#define STATUS_FLAGS (X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | X86_EFLAGS_ZF | \
		      X86_EFLAGS_SF | X86_EFLAGS_OF)
bool x86_cond(struct interp_cpu *s, int cc);
void x86_write_eflags(struct interp_cpu *s, uint64_t v, uint64_t mask);

/* control transfer */
static inline void x86_jump(struct interp_cpu *s, uint64_t target)
{
	if (s->code_bits == 16 || (s->code_bits == 32))
		target &= s->code_bits == 16 && s->insn->opsize == 2 ? 0xffff : 0xffffffff;
	s->next_rip = target;
}
void x86_jump_checked(struct interp_cpu *s, uint64_t target, unsigned opsize);

/* misc system */
bool x86_msr_read(struct interp_cpu *s, uint32_t idx, uint64_t *v);
bool x86_msr_write(struct interp_cpu *s, uint32_t idx, uint64_t v);
uint64_t x86_rdtsc(struct interp_cpu *s);
void x86_write_cr(struct interp_cpu *s, int cr, uint64_t v);
uint64_t x86_io_read(struct interp_cpu *s, uint16_t port, unsigned size);
void x86_io_write(struct interp_cpu *s, uint16_t port, unsigned size, uint64_t v);
static inline bool x86_canonical(uint64_t a)
{
	return (uint64_t)(((int64_t)a << 16) >> 16) == a;
}

struct interp_cpu *interp_get(struct x86_cpu *cpu);
/* execute one instruction (exceptions delivered); returns EXEC_* or -1 to go on */
int x86_step(struct interp_cpu *s);


/*
 * Fast paths for data accesses: an expand-up, present, readable (writable)
 * segment whose limit covers the access, then a TLB hit on RAM within one
 * page. Everything else (faults, MMIO, page crossings) takes the slow path,
 * which does all the checks again.
 */
static inline bool x86_seg_fast(struct interp_cpu *s, int seg, uint64_t off, unsigned size,
				bool write, uint64_t *lin)
{
	const struct segment_cache *sc = &s->env->segs[seg];
	if (s->code_bits == 64) {
		*lin = seg >= R_FS ? off + sc->base : off;
		return x86_canonical(*lin);
	}
	uint32_t type = (sc->flags >> SEG_TYPE_SHIFT) & 0xf;
	if (!(sc->flags & SEG_P) || (type & 4))
		return false;		/* not present, expand-down or conforming code */
	if (write ? (type & 0xa) != 0x2 : (type & 0xa) == 0x8)
		return false;
	if ((off & 0xffffffff) + size - 1 > sc->limit)
		return false;
	*lin = (sc->base + off) & 0xffffffff;
	return true;
}

static inline __attribute__((always_inline)) uint64_t x86_mem_read(struct interp_cpu *s, int seg, uint64_t off, unsigned size)
{
	uint64_t lin;
	if (G_LIKELY(x86_seg_fast(s, seg, off, size, false, &lin) && (lin & 0xfff) + size <= 0x1000)) {
		const struct tlb_entry *e = &s->tlb[s->cpl == 3][(lin >> 12) & (TLB_SIZE - 1)];
		if (G_LIKELY(e->tag_read == (lin & ~0xfffULL) && e->host_r)) {
			const uint8_t *p = (const uint8_t *)e->host_r + (lin & 0xfff);
			switch (size) {
			case 1: return *p;
			case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
			case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
			default: { uint64_t v; memcpy(&v, p, 8); return v; }
			}
		}
	}
	return x86_mem_read_slow(s, seg, off, size);
}

static inline __attribute__((always_inline)) void x86_mem_write(struct interp_cpu *s, int seg, uint64_t off, unsigned size, uint64_t v)
{
	uint64_t lin;
	if (G_LIKELY(x86_seg_fast(s, seg, off, size, true, &lin) && (lin & 0xfff) + size <= 0x1000)) {
		const struct tlb_entry *e = &s->tlb[s->cpl == 3][(lin >> 12) & (TLB_SIZE - 1)];
		if (G_LIKELY(e->tag_write == (lin & ~0xfffULL) && e->host_w)) {
			uint8_t *p = (uint8_t *)e->host_w + (lin & 0xfff);
			switch (size) {
			case 1: *p = v; return;
			case 2: { uint16_t x = v; memcpy(p, &x, 2); return; }
			case 4: { uint32_t x = v; memcpy(p, &x, 4); return; }
			default: memcpy(p, &v, 8); return;
			}
		}
	}
	x86_mem_write_slow(s, seg, off, size, v);
}


static inline int x86_ea_seg(struct x86_insn *i)
{
	if (i->seg >= 0)
		return i->seg;
	if (i->base == R_EBP || i->base == R_ESP)
		return R_SS;
	return R_DS;
}

static inline uint64_t x86_ea(struct interp_cpu *s, struct x86_insn *i)
{
	uint64_t a = i->disp;
	if (i->base == 16)
		a += s->next_rip;
	else if (i->base >= 0)
		a += s->env->regs[i->base];
	if (i->index >= 0)
		a += s->env->regs[i->index] << i->scale;
	return a & size_mask(i->addrsize);
}

static inline uint64_t x86_reg_read(struct interp_cpu *s, struct x86_insn *i, int reg, unsigned size)
{
	if (size == 1 && !i->rex && reg >= 4 && reg < 8)
		return (s->env->regs[reg - 4] >> 8) & 0xff;
	return s->env->regs[reg] & size_mask(size);
}

static inline void x86_reg_write(struct interp_cpu *s, struct x86_insn *i, int reg, unsigned size,
				 uint64_t v)
{
	if (size == 1 && !i->rex && reg >= 4 && reg < 8) {
		uint64_t *p = &s->env->regs[reg - 4];
		*p = (*p & ~0xff00ULL) | ((v & 0xff) << 8);
		return;
	}
	x86_set_gpr(s, reg, size, v);
}

static inline uint64_t x86_rm_read(struct interp_cpu *s, struct x86_insn *i, unsigned size)
{
	if (!i->mem)
		return x86_reg_read(s, i, i->rm, size);
	return x86_mem_read(s, x86_ea_seg(i), x86_ea(s, i), size);
}

static inline void x86_rm_write(struct interp_cpu *s, struct x86_insn *i, unsigned size, uint64_t v)
{
	if (!i->mem) {
		x86_reg_write(s, i, i->rm, size, v);
		return;
	}
	x86_mem_write(s, x86_ea_seg(i), x86_ea(s, i), size, v);
}

#endif

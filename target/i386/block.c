// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pre-decoded blocks: the interpreter's hot path. A block is a run of
 * instructions decoded once, each with its handler pointer and the RIP of
 * the instruction after it, so running it is "find the block for (CS base,
 * RIP, CPL, code size), check it, call the handlers" with no byte fetching,
 * table decoding or per-instruction cache lookups.
 *
 * A block holds "plain" instructions (integer ALU, moves, push/pop, shifts,
 * multiply/divide, bit ops...: they cannot change the mode, the CPL, the
 * paging structures the TLB caches, TF or the interrupt shadow) followed by
 * at most one instruction of any other kind, which ends it: branches, far
 * transfers, system instructions, string instructions, x87/SSE. A block
 * never crosses a page, nor the code segment's limit; it holds at most
 * BLOCK_MAX_INSNS instructions, which bounds interrupt latency (the loop in
 * exec.c checks for interrupts and exit requests after every block).
 *
 * Validity: a block is keyed by (RIP, CS base, CPL, code size) and the TLB
 * generation at the time it was found; it keeps a copy of its bytes and is
 * used only if the bytes in guest memory are still the same, so that code
 * written by this vCPU, another vCPU or DMA needs no invalidation hook: the
 * copy is compared on every entry (a few 8-byte words). Within a block, an
 * instruction that may write memory is followed by the same comparison, so
 * a store into the rest of the block takes effect at the next instruction,
 * as SDM vol. 3A §8.1.3 requires for self-modifying code. Stores by other
 * vCPUs are seen at the next block entry, which the cross-modifying-code
 * protocol of §8.1.3 (the modifying side synchronises, the executing side
 * serialises) allows.
 *
 * Precision: env->rip is advanced after each instruction, and handlers read
 * their operands before they write, as in the one-instruction path, so an
 * exception in the middle of a block leaves RIP and the registers exactly
 * at the faulting instruction. With TF set, -d in_asm, or the debug hook
 * (interp_cpu.debug_active), exec.c runs one instruction at a time instead.
 *
 * Not here: decoding (decode.c), what instructions do (alu.c, ...), the loop
 * and exception delivery (exec.c).
 */
#include "kemu/common.h"
#include "target/i386/internal.h"
#include <sys/mman.h>

/* Instructions that may sit inside a block (not only at its end). */
static bool insn_is_plain(const struct x86_insn *i)
{
	unsigned op = i->op, sub = i->reg & 7;

	if (op < 0x40)
		return (op & 7) <= 5;	/* ALU forms; not segment push/pop, prefixes, BCD */
	if (op < 0x100) {
		switch (op) {
		case 0x40 ... 0x5f:	/* inc/dec/push/pop reg */
		case 0x63: case 0x68: case 0x69: case 0x6a: case 0x6b:
		case 0x80 ... 0x8b: case 0x8d:
		case 0x90 ... 0x99:	/* nop, xchg, cbw, cwd */
		case 0xa8: case 0xa9: case 0xb0 ... 0xbf:
		case 0xc0: case 0xc1: case 0xc6: case 0xc7:
		case 0xd0 ... 0xd3:
		case 0xf5: case 0xf6: case 0xf7: case 0xf8: case 0xf9: case 0xfc: case 0xfd:
			return true;
		case 0xfe:
			return sub <= 1;
		case 0xff:
			return sub <= 1 || sub == 6;	/* inc, dec, push */
		}
		return false;
	}
	switch (op) {
	case MAP_0F + 0x1f:	/* multi-byte nop */
	case MAP_0F + 0x40 ... MAP_0F + 0x4f:	/* cmov */
	case MAP_0F + 0x90 ... MAP_0F + 0x9f:	/* setcc */
	case MAP_0F + 0xa3: case MAP_0F + 0xab: case MAP_0F + 0xb3: case MAP_0F + 0xbb:
	case MAP_0F + 0xba:
	case MAP_0F + 0xa4: case MAP_0F + 0xa5: case MAP_0F + 0xac: case MAP_0F + 0xad:
	case MAP_0F + 0xaf: case MAP_0F + 0xb0: case MAP_0F + 0xb1:
	case MAP_0F + 0xb6: case MAP_0F + 0xb7: case MAP_0F + 0xbe: case MAP_0F + 0xbf:
	case MAP_0F + 0xbc: case MAP_0F + 0xbd: case MAP_0F + 0xc0: case MAP_0F + 0xc1:
	case MAP_0F + 0xc8 ... MAP_0F + 0xcf:
		return true;
	}
	return false;
}

/*
 * Plain instructions that never write memory (loads, compares, register
 * destinations); every other plain instruction is followed by the
 * self-modifying-code check. Erring towards "writes" only costs time.
 */
static bool plain_insn_reads_only(const struct x86_insn *i)
{
	unsigned op = i->op, sub = i->reg & 7;

	if (!i->mem)
		return !(op >= 0x50 && op <= 0x57) && op != 0x68 && op != 0x6a &&
		       !(op == 0xff && sub == 6);
	if (op < 0x40)
		return (op & 7) == 2 || (op & 7) == 3 || (op & 0x38) == 0x38;	/* reg dest, cmp */
	switch (op) {
	case 0x63: case 0x69: case 0x6b: case 0x84: case 0x85: case 0x8a: case 0x8b: case 0x8d:
	case MAP_0F + 0x1f: case MAP_0F + 0x40 ... MAP_0F + 0x4f: case MAP_0F + 0xa3:
	case MAP_0F + 0xaf: case MAP_0F + 0xb6: case MAP_0F + 0xb7: case MAP_0F + 0xbe:
	case MAP_0F + 0xbf: case MAP_0F + 0xbc: case MAP_0F + 0xbd:
		return true;
	case 0x80: case 0x81: case 0x82: case 0x83:
		return sub == 7;	/* cmp */
	case 0xf6: case 0xf7:
		return sub != 2 && sub != 3;	/* test, mul, imul, div, idiv */
	case MAP_0F + 0xba:
		return sub == 4;	/* bt */
	}
	return false;
}

static inline bool block_bytes_same(const struct x86_block *b)
{
	const uint8_t *p = b->host;
	unsigned k = 0;

	for (; k + 8 <= b->nbytes; k += 8) {
		uint64_t w;
		memcpy(&w, p + k, 8);
		if (w != b->words[k / 8])
			return false;
	}
	if (k < b->nbytes) {
		uint64_t w = 0;
		if (b->tail_wide)	/* the page has room: read a whole word, mask it */
			memcpy(&w, p + k, 8);
		else
			memcpy(&w, p + k, b->nbytes - k);
		if ((w & b->tail_mask) != b->words[k / 8])
			return false;
	}
	return true;
}

/* p: host address of RIP, page_off: its offset in the guest page */
static void block_build(struct interp_cpu *s, struct x86_block *b, const uint8_t *p,
			unsigned page_off, unsigned avail)
{
	CPUX86State *env = s->env;
	struct x86_block_cache *c = s->blocks;
	uint64_t rip = env->rip;
	unsigned off = 0, n = 0;
	const size_t most = BLOCK_MAX_INSNS * sizeof(struct block_insn) + BLOCK_MAX_BYTES;

	if (c->pool_used + most > BLOCK_POOL_SIZE) {
		/* pool full: drop every block (the one being built is refilled below) */
		for (unsigned k = 0; k < BLOCK_HASH_SIZE; k++)
			c->table[k].ninsns = 0;
		c->pool_used = 0;
	}
	struct block_insn *insns = (struct block_insn *)(c->pool + c->pool_used);

	b->ninsns = 0;
	while (n < BLOCK_MAX_INSNS && off < avail) {
		struct block_insn *bi = &insns[n];
		if (x86_decode(p + off, avail - off, s->code_bits, &bi->insn) != DECODE_OK)
			break;
		if (bi->insn.lock && !x86_lock_ok(&bi->insn))
			break;	/* the one-instruction path raises #UD for it */
		if (off + bi->insn.len > BLOCK_MAX_BYTES)
			break;
		off += bi->insn.len;
		bi->handler = x86_alu_specialize(&bi->insn);
		if (!bi->handler)
			bi->handler = x86_handlers[bi->insn.op];
		bi->next_rip = rip + off;
		if (s->code_bits != 64)
			bi->next_rip &= 0xffffffff;
		bi->check_smc = false;
		n++;
		if (!insn_is_plain(&bi->insn))
			break;	/* it ends the block: no check needed after it */
		bi->check_smc = !plain_insn_reads_only(&bi->insn);
	}
	uint64_t *words = (uint64_t *)(insns + n);
	unsigned nwords = ALIGN_UP(off, 8) / 8;
	memset(words, 0, nwords * 8);
	memcpy(words, p, off);
	c->pool_used += n * sizeof(struct block_insn) + nwords * 8;
	b->insns = insns;
	b->words = words;
	b->nbytes = off;
	b->tail_wide = page_off + ALIGN_UP(off, 8) <= 0x1000;
	b->tail_mask = off & 7 ? (1ULL << (8 * (off & 7))) - 1 : ~0ULL;
	b->host = p;
	b->rip = rip;
	b->csbase = env->segs[R_CS].base;
	b->mode = s->cpl | s->code_bits << 2;
	b->gen = s->tlb_gen;
	b->ninsns = n;
}

/*
 * The block for the current RIP, built if needed, or NULL when this
 * instruction must take the one-instruction path (code not in RAM, not in
 * the code TLB yet, crossing a page or the segment limit, undecodable).
 */
static struct x86_block *block_find(struct interp_cpu *s)
{
	CPUX86State *env = s->env;
	uint64_t rip = env->rip, csbase = env->segs[R_CS].base;
	unsigned mode = s->cpl | s->code_bits << 2;
	struct x86_block *b = &s->blocks->table[(rip ^ (rip >> BLOCK_HASH_BITS)) & (BLOCK_HASH_SIZE - 1)];
	bool same_key = b->rip == rip && b->csbase == csbase && b->mode == mode && b->ninsns;

	if (G_LIKELY(same_key && b->gen == s->tlb_gen)) {
		if (s->code_bits != 64 &&
		    (rip & 0xffffffff) + b->nbytes - 1 > env->segs[R_CS].limit)
			return NULL;
		if (G_LIKELY(block_bytes_same(b)))
			return b;
	}

	/* where the code is now (the TLB was flushed, or a new block) */
	uint64_t lin, avail = 0x1000;
	if (s->code_bits == 64) {
		lin = rip;
	} else {
		const struct segment_cache *cs = &env->segs[R_CS];
		if ((rip & 0xffffffff) > cs->limit)
			return NULL;
		lin = (cs->base + (rip & 0xffffffff)) & 0xffffffff;
		avail = (uint64_t)cs->limit - (rip & 0xffffffff) + 1;
	}
	const struct tlb_entry *e = &s->tlb_code[s->cpl == 3][(lin >> 12) & (TLB_SIZE - 1)];
	if (e->tag_code != (lin & ~0xfffULL) || !e->host_r)
		return NULL;
	const uint8_t *p = (const uint8_t *)e->host_r + (lin & 0xfff);
	if (avail > 0x1000 - (lin & 0xfff))
		avail = 0x1000 - (lin & 0xfff);
	if (G_UNLIKELY(s->block_stop) && rip < s->block_stop && avail > s->block_stop - rip)
		avail = s->block_stop - rip;

	if (same_key && b->host == p && b->nbytes <= avail && block_bytes_same(b)) {
		b->gen = s->tlb_gen;	/* same code at the same place after a flush */
		return b;
	}
	block_build(s, b, p, lin & 0xfff, avail);
	return b->ninsns ? b : NULL;
}

/*
 * The cache is large (8 MiB of pool) and mostly never touched by small guests:
 * anonymous memory costs RSS only for the pages used, and needs no clearing.
 */
struct x86_block_cache *x86_blocks_alloc(void)
{
	void *p = mmap(NULL, sizeof(struct x86_block_cache), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "kemu: interp: cannot map the block cache: %s\n", g_strerror(errno));
		exit(1);
	}
	return p;
}

void x86_blocks_free(struct x86_block_cache *blocks)
{
	if (blocks)
		munmap(blocks, sizeof(struct x86_block_cache));
}

/*
 * Run blocks from RIP, one after the other, for up to `budget`
 * instructions. Returns the number of instructions completed; 0 if the
 * instruction at RIP must take the one-instruction path. Stops early when
 * the loop in exec.c has something to do between instructions: an
 * interrupt or exit request, hlt, an interrupt shadow or TF (one
 * instruction at a time from there), an A20 change. Exceptions longjmp out
 * of here with env->rip at the faulting instruction.
 */
int x86_blocks_run(struct interp_cpu *s, int budget)
{
	CPUX86State *env = s->env;
	struct x86_cpu *cpu = s->cpu;
	int done = 0;

	while (done < budget) {
		struct x86_block *b = block_find(s);
		if (!b)
			break;
		unsigned k, n = b->ninsns;
		s->shadow_next = 0;
		for (k = 0; k < n; k++) {
			struct block_insn *bi = &b->insns[k];
			s->insn = &bi->insn;
			s->next_rip = bi->next_rip;
			bi->handler(s, &bi->insn);
			env->rip = s->next_rip;
			s->insn_count++;
			if (s->next_rip != bi->next_rip)
				break;	/* a branch was taken */
			if (bi->check_smc && !block_bytes_same(b))
				break;	/* it wrote into this block */
		}
		env->interrupt_shadow = s->shadow_next;
		done += k < n ? k + 1 : n;
		if (G_UNLIKELY(s->halted_now || s->shadow_next || (env->rflags & X86_EFLAGS_TF) ||
			       s->debug_active || env->a20_mask != s->a20_env))
			break;
		if (G_UNLIKELY(__atomic_load_n(&cpu->interrupt_request, __ATOMIC_RELAXED) ||
			       __atomic_load_n(&cpu->exit_request, __ATOMIC_RELAXED)))
			break;
	}
	return done;
}

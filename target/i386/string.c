// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * String instructions: movs, cmps, stos, lods, scas, ins, outs, with rep/
 * repe/repne (SDM vol. 2B "REP/REPE/REPZ/REPNE/REPNZ"). A repeated string
 * instruction runs at most a bounded number of iterations per step and then
 * re-executes itself (RIP unchanged, RCX updated), so interrupts are taken
 * between iterations exactly as hardware allows. Forward rep movs/stos over
 * RAM are done page chunk by page chunk with memmove/memset.
 */
#include "kemu/common.h"
#include "target/i386/alu.h"

ALU2(str_sub, "sub")

#define REP_BATCH 65536

static inline uint64_t areg(struct interp_cpu *s, int r, unsigned asz)
{
	return s->env->regs[r] & size_mask(asz);
}

static inline void set_areg(struct interp_cpu *s, int r, unsigned asz, uint64_t v)
{
	x86_set_gpr(s, r, asz, v);
}

static inline void advance(struct interp_cpu *s, int r, unsigned asz, int64_t delta)
{
	set_areg(s, r, asz, areg(s, r, asz) + delta);
}

static int64_t step(struct interp_cpu *s, unsigned size)
{
	return (s->env->rflags & X86_EFLAGS_DF) ? -(int64_t)size : (int64_t)size;
}

/* Bulk forward movs/stos over RAM; returns elements done (0: use the slow loop). */
static uint64_t bulk(struct interp_cpu *s, struct x86_insn *i, unsigned size, uint64_t count, bool movs)
{
	unsigned asz = i->addrsize;
	uint64_t di = areg(s, R_EDI, asz), si = areg(s, R_ESI, asz);
	int sseg = x86_insn_seg(i, R_DS);
	if (s->env->rflags & X86_EFLAGS_DF)
		return 0;
	uint64_t dlin = x86_seg_linear(s, R_ES, di, size, true);
	uint64_t n = count;
	uint64_t room = (0x1000 - (dlin & 0xfff)) / size;
	if (room < n)
		n = room;
	if (asz != 8 && (size_mask(asz) - di) / size + 1 < n)
		n = (size_mask(asz) - di) / size + 1;
	uint64_t slin = 0;
	if (movs) {
		slin = x86_seg_linear(s, sseg, si, size, false);
		room = (0x1000 - (slin & 0xfff)) / size;
		if (room < n)
			n = room;
		if (asz != 8 && (size_mask(asz) - si) / size + 1 < n)
			n = (size_mask(asz) - si) / size + 1;
	}
	if (n < 2)
		return 0;
	/* whole range inside the segments */
	x86_seg_linear(s, R_ES, di, n * size, true);
	if (movs)
		x86_seg_linear(s, sseg, si, n * size, false);
	bool user = s->cpl == 3;
	uint8_t *sp = NULL;
	if (movs) {
		sp = x86_lin_ptr(s, slin, ACC_READ, user);
		if (!sp)
			return 0;
	}
	uint8_t *dp = x86_lin_ptr(s, dlin, ACC_WRITE, user);
	if (!dp)
		return 0;
	if (movs) {
		if (dp > sp && dp < sp + n * size)
			return 0;	/* forward overlap replicates: do it element-wise */
		memmove(dp, sp, n * size);
		advance(s, R_ESI, asz, n * size);
	} else {
		uint64_t v = s->env->regs[R_EAX];
		if (size == 1) {
			memset(dp, v, n);
		} else {
			for (uint64_t k = 0; k < n; k++)
				memcpy(dp + k * size, &v, size);
		}
	}
	advance(s, R_EDI, asz, n * size);
	return n;
}

static void op_string(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	unsigned b = i->op & 0xff;
	unsigned size = (b & 1) ? i->opsize : 1;
	unsigned asz = i->addrsize;
	int sseg = x86_insn_seg(i, R_DS);
	bool rep = i->rep != 0;
	uint64_t count = rep ? areg(s, R_ECX, asz) : 1;
	int64_t d = step(s, size);
	bool is_io = b < 0x70;

	if (is_io && size == 8)
		size = 4;
	if (is_io) {
		d = step(s, size);
		x86_check_io(s, env->regs[R_EDX], size);
	}
	for (unsigned n = 0; count && n < REP_BATCH; n++) {
		bool stop = false;
		switch (b) {
		case 0xa4: case 0xa5:
			if (rep && count > 1) {
				uint64_t done = bulk(s, i, size, count, true);
				if (done) {
					count -= done;
					set_areg(s, R_ECX, asz, count);
					n += done;
					continue;
				}
			}
			x86_mem_write(s, R_ES, areg(s, R_EDI, asz), size,
				      x86_mem_read(s, sseg, areg(s, R_ESI, asz), size));
			advance(s, R_ESI, asz, d);
			advance(s, R_EDI, asz, d);
			break;
		case 0xaa: case 0xab:
			if (rep && count > 1) {
				uint64_t done = bulk(s, i, size, count, false);
				if (done) {
					count -= done;
					set_areg(s, R_ECX, asz, count);
					n += done;
					continue;
				}
			}
			x86_mem_write(s, R_ES, areg(s, R_EDI, asz), size, env->regs[R_EAX]);
			advance(s, R_EDI, asz, d);
			break;
		case 0xac: case 0xad:
			x86_set_gpr(s, R_EAX, size, x86_mem_read(s, sseg, areg(s, R_ESI, asz), size));
			advance(s, R_ESI, asz, d);
			break;
		case 0xa6: case 0xa7: {
			uint64_t x = x86_mem_read(s, sseg, areg(s, R_ESI, asz), size);
			uint64_t y = x86_mem_read(s, R_ES, areg(s, R_EDI, asz), size);
			str_sub(x, y, size, &env->rflags);
			advance(s, R_ESI, asz, d);
			advance(s, R_EDI, asz, d);
			stop = true;
			break;
		}
		case 0xae: case 0xaf: {
			uint64_t y = x86_mem_read(s, R_ES, areg(s, R_EDI, asz), size);
			str_sub(env->regs[R_EAX] & size_mask(size), y, size, &env->rflags);
			advance(s, R_EDI, asz, d);
			stop = true;
			break;
		}
		case 0x6c: case 0x6d: {
			/* check the destination before the port read has side effects */
			x86_seg_linear(s, R_ES, areg(s, R_EDI, asz), size, true);
			uint64_t v = x86_io_read(s, env->regs[R_EDX], size);
			x86_mem_write(s, R_ES, areg(s, R_EDI, asz), size, v);
			advance(s, R_EDI, asz, d);
			break;
		}
		case 0x6e: case 0x6f:
			x86_io_write(s, env->regs[R_EDX], size,
				     x86_mem_read(s, sseg, areg(s, R_ESI, asz), size));
			advance(s, R_ESI, asz, d);
			break;
		}
		if (!rep)
			return;
		count--;
		set_areg(s, R_ECX, asz, count);
		if (stop) {
			bool zf = env->rflags & X86_EFLAGS_ZF;
			if ((i->rep == 0xf3 && !zf) || (i->rep == 0xf2 && zf))
				return;
		}
	}
	if (count)
		s->next_rip = env->rip;	/* not finished: run again */
}

void x86_string_register(void)
{
	x86_handler *h = x86_handlers;
	for (int k = 0xa4; k <= 0xaf; k++)
		if (k != 0xa8 && k != 0xa9)
			h[k] = op_string;
	h[0x6c] = h[0x6d] = h[0x6e] = h[0x6f] = op_string;
}

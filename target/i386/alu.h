/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Arithmetic with x86 flag semantics, computed by running the same
 * instruction on the (x86-64) host and reading its flags back. The guest's
 * status flags are loaded first (popf) where the operation reads or keeps
 * some of them (adc, sbb, inc, dec, shifts, rotates), so "flags unchanged"
 * and "undefined flags" cases match the host CPU exactly. Inline asm moves
 * %rsp below the red zone before pushing.
 */
#ifndef TARGET_I386_ALU_H
#define TARGET_I386_ALU_H

#include "target/i386/internal.h"

#define ALU_PRE  "lea -128(%%rsp),%%rsp\n\tpush %[in]\n\tpopf\n\t"
#define ALU_POST "\n\tpushf\n\tpop %[f]\n\tlea 128(%%rsp),%%rsp"

/* Host status flags only: TF, DF, AC must never reach the host's popf. */
static inline uint64_t alu_fl_in(uint64_t fl)
{
	return (fl & STATUS_FLAGS) | 2;
}

static inline uint64_t alu_merge(uint64_t fl, uint64_t f)
{
	return (fl & ~(uint64_t)STATUS_FLAGS) | (f & STATUS_FLAGS);
}

#define ALU2(NAME, INSN)							\
static inline uint64_t NAME(uint64_t a, uint64_t b, unsigned size, uint64_t *fl) \
{									\
	uint64_t f, in = alu_fl_in(*fl);				\
	switch (size) {							\
	case 1: { uint8_t x = a, y = b;					\
		asm(ALU_PRE INSN "b %[y],%[x]" ALU_POST : [x] "+q"(x), [f] "=&r"(f) \
		    : [y] "q"(y), [in] "r"(in) : "cc", "memory"); a = x; break; } \
	case 2: { uint16_t x = a, y = b;				\
		asm(ALU_PRE INSN "w %[y],%[x]" ALU_POST : [x] "+r"(x), [f] "=&r"(f) \
		    : [y] "r"(y), [in] "r"(in) : "cc", "memory"); a = x; break; } \
	case 4: { uint32_t x = a, y = b;				\
		asm(ALU_PRE INSN "l %[y],%[x]" ALU_POST : [x] "+r"(x), [f] "=&r"(f) \
		    : [y] "r"(y), [in] "r"(in) : "cc", "memory"); a = x; break; } \
	default: { uint64_t x = a, y = b;				\
		asm(ALU_PRE INSN "q %[y],%[x]" ALU_POST : [x] "+r"(x), [f] "=&r"(f) \
		    : [y] "r"(y), [in] "r"(in) : "cc", "memory"); a = x; break; } \
	}								\
	*fl = alu_merge(*fl, f);					\
	return a;							\
}

/* Same, for operations that define all six status flags: no popf needed. */
#define ALU_PRE_N  ""
#define ALU_POST_N "\n\tlea -128(%%rsp),%%rsp\n\tpushf\n\tpop %[f]\n\tlea 128(%%rsp),%%rsp"
#define ALU2N(NAME, INSN)							\
static inline uint64_t NAME(uint64_t a, uint64_t b, unsigned size, uint64_t *fl) \
{									\
	uint64_t f;							\
	switch (size) {							\
	case 1: { uint8_t x = a, y = b;					\
		asm(INSN "b %[y],%[x]" ALU_POST_N : [x] "+q"(x), [f] "=&r"(f) \
		    : [y] "q"(y) : "cc", "memory"); a = x; break; }	\
	case 2: { uint16_t x = a, y = b;				\
		asm(INSN "w %[y],%[x]" ALU_POST_N : [x] "+r"(x), [f] "=&r"(f) \
		    : [y] "r"(y) : "cc", "memory"); a = x; break; }	\
	case 4: { uint32_t x = a, y = b;				\
		asm(INSN "l %[y],%[x]" ALU_POST_N : [x] "+r"(x), [f] "=&r"(f) \
		    : [y] "r"(y) : "cc", "memory"); a = x; break; }	\
	default: { uint64_t x = a, y = b;				\
		asm(INSN "q %[y],%[x]" ALU_POST_N : [x] "+r"(x), [f] "=&r"(f) \
		    : [y] "r"(y) : "cc", "memory"); a = x; break; }	\
	}								\
	*fl = alu_merge(*fl, f);					\
	return a;							\
}

#define ALU1(NAME, INSN)							\
static inline uint64_t NAME(uint64_t a, unsigned size, uint64_t *fl)	\
{									\
	uint64_t f, in = alu_fl_in(*fl);				\
	switch (size) {							\
	case 1: { uint8_t x = a;					\
		asm(ALU_PRE INSN "b %[x]" ALU_POST : [x] "+q"(x), [f] "=&r"(f) \
		    : [in] "r"(in) : "cc", "memory"); a = x; break; }	\
	case 2: { uint16_t x = a;					\
		asm(ALU_PRE INSN "w %[x]" ALU_POST : [x] "+r"(x), [f] "=&r"(f) \
		    : [in] "r"(in) : "cc", "memory"); a = x; break; }	\
	case 4: { uint32_t x = a;					\
		asm(ALU_PRE INSN "l %[x]" ALU_POST : [x] "+r"(x), [f] "=&r"(f) \
		    : [in] "r"(in) : "cc", "memory"); a = x; break; }	\
	default: { uint64_t x = a;					\
		asm(ALU_PRE INSN "q %[x]" ALU_POST : [x] "+r"(x), [f] "=&r"(f) \
		    : [in] "r"(in) : "cc", "memory"); a = x; break; }	\
	}								\
	*fl = alu_merge(*fl, f);					\
	return a;							\
}

/* One operand, no popf; only the flags in `mask` are taken from the host. */
#define ALU1N(NAME, INSN, MASK)							\
static inline uint64_t NAME(uint64_t a, unsigned size, uint64_t *fl)	\
{									\
	uint64_t f;							\
	switch (size) {							\
	case 1: { uint8_t x = a;					\
		asm(INSN "b %[x]" ALU_POST_N : [x] "+q"(x), [f] "=&r"(f) : : "cc", "memory"); a = x; break; } \
	case 2: { uint16_t x = a;					\
		asm(INSN "w %[x]" ALU_POST_N : [x] "+r"(x), [f] "=&r"(f) : : "cc", "memory"); a = x; break; } \
	case 4: { uint32_t x = a;					\
		asm(INSN "l %[x]" ALU_POST_N : [x] "+r"(x), [f] "=&r"(f) : : "cc", "memory"); a = x; break; } \
	default: { uint64_t x = a;					\
		asm(INSN "q %[x]" ALU_POST_N : [x] "+r"(x), [f] "=&r"(f) : : "cc", "memory"); a = x; break; } \
	}								\
	*fl = (*fl & ~(uint64_t)(MASK)) | (f & (MASK));			\
	return a;							\
}

/* shifts and rotates: count in CL */
#define ALUSH(NAME, INSN)							\
static inline uint64_t NAME(uint64_t a, uint8_t c, unsigned size, uint64_t *fl) \
{									\
	uint64_t f, in = alu_fl_in(*fl);				\
	switch (size) {							\
	case 1: { uint8_t x = a;					\
		asm(ALU_PRE INSN "b %%cl,%[x]" ALU_POST : [x] "+q"(x), [f] "=&r"(f) \
		    : "c"(c), [in] "r"(in) : "cc", "memory"); a = x; break; } \
	case 2: { uint16_t x = a;					\
		asm(ALU_PRE INSN "w %%cl,%[x]" ALU_POST : [x] "+r"(x), [f] "=&r"(f) \
		    : "c"(c), [in] "r"(in) : "cc", "memory"); a = x; break; } \
	case 4: { uint32_t x = a;					\
		asm(ALU_PRE INSN "l %%cl,%[x]" ALU_POST : [x] "+r"(x), [f] "=&r"(f) \
		    : "c"(c), [in] "r"(in) : "cc", "memory"); a = x; break; } \
	default: { uint64_t x = a;					\
		asm(ALU_PRE INSN "q %%cl,%[x]" ALU_POST : [x] "+r"(x), [f] "=&r"(f) \
		    : "c"(c), [in] "r"(in) : "cc", "memory"); a = x; break; } \
	}								\
	*fl = alu_merge(*fl, f);					\
	return a;							\
}

/* double shifts: shld/shrd dst, src, cl (16/32/64 only) */
#define ALUSHD(NAME, INSN)							\
static inline uint64_t NAME(uint64_t a, uint64_t b, uint8_t c, unsigned size, uint64_t *fl) \
{									\
	uint64_t f, in = alu_fl_in(*fl);				\
	switch (size) {							\
	case 2: { uint16_t x = a, y = b;				\
		asm(ALU_PRE INSN "w %%cl,%[y],%[x]" ALU_POST : [x] "+r"(x), [f] "=&r"(f) \
		    : [y] "r"(y), "c"(c), [in] "r"(in) : "cc", "memory"); a = x; break; } \
	case 4: { uint32_t x = a, y = b;				\
		asm(ALU_PRE INSN "l %%cl,%[y],%[x]" ALU_POST : [x] "+r"(x), [f] "=&r"(f) \
		    : [y] "r"(y), "c"(c), [in] "r"(in) : "cc", "memory"); a = x; break; } \
	default: { uint64_t x = a, y = b;				\
		asm(ALU_PRE INSN "q %%cl,%[y],%[x]" ALU_POST : [x] "+r"(x), [f] "=&r"(f) \
		    : [y] "r"(y), "c"(c), [in] "r"(in) : "cc", "memory"); a = x; break; } \
	}								\
	*fl = alu_merge(*fl, f);					\
	return a;							\
}

/* two-operand forms without byte size (bsf, bsr, popcnt, tzcnt, lzcnt, bt*) */
#define ALU2W(NAME, INSN)							\
static inline uint64_t NAME(uint64_t a, uint64_t b, unsigned size, uint64_t *fl) \
{									\
	uint64_t f, in = alu_fl_in(*fl);				\
	switch (size) {							\
	case 2: { uint16_t x = a, y = b;				\
		asm(ALU_PRE INSN "w %[y],%[x]" ALU_POST : [x] "+r"(x), [f] "=&r"(f) \
		    : [y] "r"(y), [in] "r"(in) : "cc", "memory"); a = x; break; } \
	case 4: { uint32_t x = a, y = b;				\
		asm(ALU_PRE INSN "l %[y],%[x]" ALU_POST : [x] "+r"(x), [f] "=&r"(f) \
		    : [y] "r"(y), [in] "r"(in) : "cc", "memory"); a = x; break; } \
	default: { uint64_t x = a, y = b;				\
		asm(ALU_PRE INSN "q %[y],%[x]" ALU_POST : [x] "+r"(x), [f] "=&r"(f) \
		    : [y] "r"(y), [in] "r"(in) : "cc", "memory"); a = x; break; } \
	}								\
	*fl = alu_merge(*fl, f);					\
	return a;							\
}

#endif

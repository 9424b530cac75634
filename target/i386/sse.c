// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MMX, SSE, SSE2 and SSE3 instructions, and the FXSAVE/FXRSTOR state image
 * (SDM vol. 1 §10.5 table 10-2). #UD when CR4.OSFXSR is clear (SSE) or
 * CR0.EM is set, #NM when CR0.TS is set, #XM (or #UD without
 * CR4.OSXMMEXCPT) for unmasked SIMD floating-point exceptions.
 *
 * Data movement (loads, stores, moves between register files) is written
 * out here. Computation runs the very same instruction on the host: a tiny
 * stub "load xmm0/xmm1 (or mm0/mm1), rax, rcx, MXCSR; <insn> xmm0, xmm1;
 * store them back" is generated once per (prefix, opcode, immediate) into an
 * executable page and cached. The guest's MXCSR is loaded with every
 * exception masked, so the host never traps; the flags it raises are
 * merged and unmasked ones become #XM before anything is written back. The
 * table below lists exactly which opcode/prefix pairs are implemented.
 */
#include "kemu/common.h"
#include "target/i386/internal.h"
#include "target/i386/cpuid.h"
#include <sys/mman.h>
#include <unistd.h>

void x86_fninit(CPUX86State *env);

static void sse_check(struct interp_cpu *s)
{
	if ((s->env->cr[0] & CR0_EM) || !(s->env->cr[4] & CR4_OSFXSR))
		x86_raise_ud(s);
	if (s->env->cr[0] & CR0_TS)
		x86_raise(s, EXCP_NM, 0);
}

/* abridged tag: 1 bit per register, 1 = valid (not empty) */
static uint8_t tag_abridge(uint16_t tag)
{
	uint8_t r = 0;
	for (int k = 0; k < 8; k++)
		if (((tag >> (2 * k)) & 3) != 3)
			r |= 1 << k;
	return r;
}

static uint16_t tag_expand(CPUX86State *env, uint8_t ab)
{
	uint16_t t = 0;
	for (int k = 0; k < 8; k++) {
		unsigned v;
		if (!(ab & (1 << k))) {
			v = 3;
		} else {
			const struct floatx80 *f = &env->st[k];
			unsigned exp = f->sign_exponent & 0x7fff;
			if (exp == 0x7fff)
				v = 2;
			else if (exp == 0 && f->mantissa == 0)
				v = 1;
			else if (exp == 0 || !(f->mantissa >> 63))
				v = 2;
			else
				v = 0;
		}
		t |= v << (2 * k);
	}
	return t;
}

static void write_bytes(struct interp_cpu *s, int seg, uint64_t ea, unsigned asz, unsigned off,
			const void *p, unsigned n)
{
	const uint8_t *b = p;
	for (unsigned k = 0; k < n; k += 8) {
		uint64_t v = 0;
		unsigned c = n - k < 8 ? n - k : 8;
		memcpy(&v, b + k, c);
		x86_mem_write(s, seg, (ea + off + k) & size_mask(asz), c, v);
	}
}

static void read_bytes(struct interp_cpu *s, int seg, uint64_t ea, unsigned asz, unsigned off,
		       void *p, unsigned n)
{
	uint8_t *b = p;
	for (unsigned k = 0; k < n; k += 8) {
		unsigned c = n - k < 8 ? n - k : 8;
		uint64_t v = x86_mem_read(s, seg, (ea + off + k) & size_mask(asz), c);
		memcpy(b + k, &v, c);
	}
}

/* FXSAVE image, SDM vol. 1 table 10-2; st[] kept in stack order ST(0).. */
static void fxsave(struct interp_cpu *s, struct x86_insn *i, uint64_t ea, int seg)
{
	CPUX86State *env = s->env;
	uint8_t img[512];
	memset(img, 0, sizeof(img));
	unsigned top = (env->fpu_status >> 11) & 7;
	stw_le_p(img + 0, env->fpu_control);
	stw_le_p(img + 2, env->fpu_status);
	img[4] = tag_abridge(env->fpu_tag);
	stw_le_p(img + 6, env->fpu_opcode);
	if (i->opsize == 8) {
		stq_le_p(img + 8, env->fpu_ip);
		stq_le_p(img + 16, env->fpu_dp);
	} else {
		stl_le_p(img + 8, env->fpu_ip);
		stw_le_p(img + 12, env->fpu_cs);
		stl_le_p(img + 16, env->fpu_dp);
		stw_le_p(img + 20, env->fpu_ds);
	}
	stl_le_p(img + 24, env->mxcsr);
	stl_le_p(img + 28, 0xffff);
	for (int k = 0; k < 8; k++) {
		const struct floatx80 *f = &env->st[(top + k) & 7];
		stq_le_p(img + 32 + k * 16, f->mantissa);
		stw_le_p(img + 40 + k * 16, f->sign_exponent);
	}
	unsigned nxmm = s->code_bits == 64 ? 16 : 8;
	for (unsigned k = 0; k < nxmm; k++)
		memcpy(img + 160 + k * 16, env->xmm[k].b, 16);
	write_bytes(s, seg, ea, i->addrsize, 0, img, 416);
}

static void fxrstor(struct interp_cpu *s, struct x86_insn *i, uint64_t ea, int seg)
{
	CPUX86State *env = s->env;
	uint8_t img[512];
	read_bytes(s, seg, ea, i->addrsize, 0, img, 416);
	uint32_t mxcsr = ldl_le_p(img + 24);
	if (mxcsr & ~0xffffu)
		x86_raise_gp(s, 0);
	env->fpu_control = lduw_le_p(img + 0);
	env->fpu_status = lduw_le_p(img + 2);
	env->fpu_opcode = lduw_le_p(img + 6);
	if (i->opsize == 8) {
		env->fpu_ip = ldq_le_p(img + 8);
		env->fpu_dp = ldq_le_p(img + 16);
	} else {
		env->fpu_ip = ldl_le_p(img + 8);
		env->fpu_cs = lduw_le_p(img + 12);
		env->fpu_dp = ldl_le_p(img + 16);
		env->fpu_ds = lduw_le_p(img + 20);
	}
	env->mxcsr = mxcsr;
	unsigned top = (env->fpu_status >> 11) & 7;
	for (int k = 0; k < 8; k++) {
		struct floatx80 *f = &env->st[(top + k) & 7];
		f->mantissa = ldq_le_p(img + 32 + k * 16);
		f->sign_exponent = lduw_le_p(img + 40 + k * 16);
	}
	/* the abridged tag is by physical register */
	env->fpu_tag = tag_expand(env, img[4]);
	unsigned nxmm = s->code_bits == 64 ? 16 : 8;
	for (unsigned k = 0; k < nxmm; k++)
		memcpy(env->xmm[k].b, img + 160 + k * 16, 16);
}

/*
 * XSAVE/XRSTOR for x87 and SSE state (XCR0 bits 0-1), standard format, SDM
 * vol. 1 §13.4-13.8: legacy region (FXSAVE layout) + 64-byte header.
 * XINUSE is treated as all-ones, which the SDM allows.
 */
static void xsave(struct interp_cpu *s, struct x86_insn *i, uint64_t ea, int seg)
{
	CPUX86State *env = s->env;
	uint64_t rfbm = env->xcr0 & ((uint32_t)env->regs[R_EAX] | (env->regs[R_EDX] << 32));
	uint64_t m = size_mask(i->addrsize);
	struct x86_insn fx = *i;
	uint8_t img[512];

	/* build the FXSAVE image, then store only the requested parts */
	memset(img, 0, sizeof(img));
	fx.opsize = i->rex & 8 ? 8 : 4;
	(void)fx;
	unsigned top = (env->fpu_status >> 11) & 7;
	if (rfbm & 1) {
		stw_le_p(img + 0, env->fpu_control);
		stw_le_p(img + 2, env->fpu_status);
		img[4] = tag_abridge(env->fpu_tag);
		stw_le_p(img + 6, env->fpu_opcode);
		stq_le_p(img + 8, env->fpu_ip);
		stq_le_p(img + 16, env->fpu_dp);
		for (int k = 0; k < 8; k++) {
			const struct floatx80 *f = &env->st[(top + k) & 7];
			stq_le_p(img + 32 + k * 16, f->mantissa);
			stw_le_p(img + 40 + k * 16, f->sign_exponent);
		}
		write_bytes(s, seg, ea, i->addrsize, 0, img, 24);
		write_bytes(s, seg, ea, i->addrsize, 32, img + 32, 128);
	}
	if (rfbm & 2) {
		stl_le_p(img + 24, env->mxcsr);
		stl_le_p(img + 28, 0xffff);
		write_bytes(s, seg, ea, i->addrsize, 24, img + 24, 8);
		unsigned nxmm = s->code_bits == 64 ? 16 : 8;
		write_bytes(s, seg, ea, i->addrsize, 160, env->xmm, nxmm * 16);
	}
	uint64_t bv = x86_mem_read(s, seg, (ea + 512) & m, 8);
	bv = (bv & ~rfbm) | (rfbm & 3);
	x86_mem_write(s, seg, (ea + 512) & m, 8, bv);
}

static void xrstor(struct interp_cpu *s, struct x86_insn *i, uint64_t ea, int seg)
{
	CPUX86State *env = s->env;
	uint64_t rfbm = env->xcr0 & ((uint32_t)env->regs[R_EAX] | (env->regs[R_EDX] << 32));
	uint64_t m = size_mask(i->addrsize);
	uint8_t img[512];

	uint64_t bv = x86_mem_read(s, seg, (ea + 512) & m, 8);
	uint64_t comp = x86_mem_read(s, seg, (ea + 520) & m, 8);
	if ((bv & ~env->xcr0) || comp)
		x86_raise_gp(s, 0);
	for (unsigned k = 528; k < 576; k += 8)
		if (x86_mem_read(s, seg, (ea + k) & m, 8))
			x86_raise_gp(s, 0);
	read_bytes(s, seg, ea, i->addrsize, 0, img, 512);
	if (rfbm & 2) {
		uint32_t mxcsr = ldl_le_p(img + 24);
		if (mxcsr & ~0xffffu)
			x86_raise_gp(s, 0);
		env->mxcsr = mxcsr;
	}
	if (rfbm & 1) {
		if (bv & 1) {
			env->fpu_control = lduw_le_p(img + 0);
			env->fpu_status = lduw_le_p(img + 2);
			env->fpu_opcode = lduw_le_p(img + 6);
			env->fpu_ip = ldq_le_p(img + 8);
			env->fpu_dp = ldq_le_p(img + 16);
			unsigned top = (env->fpu_status >> 11) & 7;
			for (int k = 0; k < 8; k++) {
				struct floatx80 *f = &env->st[(top + k) & 7];
				f->mantissa = ldq_le_p(img + 32 + k * 16);
				f->sign_exponent = lduw_le_p(img + 40 + k * 16);
			}
			env->fpu_tag = tag_expand(env, img[4]);
		} else {
			x86_fninit(env);
			memset(env->st, 0, sizeof(env->st));
		}
	}
	if (rfbm & 2) {
		unsigned nxmm = s->code_bits == 64 ? 16 : 8;
		if (bv & 2)
			memcpy(env->xmm, img + 160, nxmm * 16);
		else
			memset(env->xmm, 0, nxmm * 16);
	}
}

static void op_grp15(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	unsigned sub = i->reg & 7;
	if (!i->mem) {
		if (sub >= 5 && !i->rep)
			return;		/* lfence, mfence, sfence */
		x86_raise_ud(s);
	}
	uint64_t ea = x86_ea(s, i);
	int seg = x86_ea_seg(i);
	switch (sub) {
	case 0: case 1:
		if (env->cr[0] & (CR0_TS | CR0_EM))
			x86_raise(s, (env->cr[0] & CR0_EM) ? EXCP_UD : EXCP_NM, 0);
		if (ea & 15)
			x86_raise_gp(s, 0);
		if (sub == 0)
			fxsave(s, i, ea, seg);
		else
			fxrstor(s, i, ea, seg);
		return;
	case 2: {
		sse_check(s);
		uint32_t v = x86_mem_read(s, seg, ea, 4);
		if (v & ~0xffffu)
			x86_raise_gp(s, 0);
		env->mxcsr = v;
		return;
	}
	case 3:
		sse_check(s);
		x86_mem_write(s, seg, ea, 4, env->mxcsr);
		return;
	case 4: case 5: case 6:	/* xsave, xrstor, xsaveopt */
		if (i->rep || i->p66 || !s->cpu->cpuid || !x86_cpuid_has_feature(s->cpu->cpuid, "xsave") ||
		    !(env->cr[4] & CR4_OSXSAVE))
			x86_raise_ud(s);
		if (env->cr[0] & CR0_TS)
			x86_raise(s, EXCP_NM, 0);
		if (ea & 63)
			x86_raise_gp(s, 0);
		if (sub == 5)
			xrstor(s, i, ea, seg);
		else
			xsave(s, i, ea, seg);
		return;
	case 7:		/* clflush */
		x86_mem_read(s, seg, ea, 1);
		return;
	default:
		x86_raise_ud(s);
	}
}


/* ---- host stubs ---- */

struct sse_io {
	uint8_t dst[16];	/* 0x00 */
	uint8_t src[16];	/* 0x10 */
	uint64_t rax, rcx;	/* 0x20, 0x28 */
	uint32_t mxcsr;		/* 0x30 */
	uint32_t host_mxcsr;	/* 0x34 */
	uint64_t flags;		/* 0x38 */
	uint64_t rdx;		/* 0x40 */
};

typedef void (*sse_stub)(struct sse_io *io);

/*
 * The stubs live in one memfd mapped twice: stub_rw (read/write, where they
 * are written) and stub_rx (read/execute, where they run), so no page is
 * ever writable and executable at once (W^X). Stubs are only appended and
 * never changed once published, and a stub is published (put in the hash
 * table) under stub_lock after its bytes are written, so a vCPU thread only
 * ever executes bytes that are complete; x86 keeps instruction fetch coherent
 * with stores to another virtual alias of the same physical page (SDM vol. 3A
 * §11.6). What the guest controls in a stub is the imm8 operand only: the
 * opcode comes from the SSE table below and ModRM is fixed to xmm0/xmm1.
 */
static GMutex stub_lock;
static GHashTable *stubs;
static uint8_t *stub_rw;
static const uint8_t *stub_rx;
static size_t stub_used, stub_size;
static bool stub_failed;

/* Called with stub_lock held. */
static bool stub_area_init(void)
{
	stub_size = 1 << 20;
	int fd = memfd_create("kemu-sse-stubs", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, stub_size) < 0) {
		log_unimp("x86: SSE host stubs: memfd: %s; SSE instructions raise #UD",
			  g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	void *rw = mmap(NULL, stub_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	void *rx = mmap(NULL, stub_size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	close(fd);
	if (rw == MAP_FAILED || rx == MAP_FAILED) {
		log_unimp("x86: SSE host stubs: mmap: %s; SSE instructions raise #UD",
			  g_strerror(errno));
		if (rw != MAP_FAILED)
			munmap(rw, stub_size);
		if (rx != MAP_FAILED)
			munmap(rx, stub_size);
		return false;
	}
	stub_rw = rw;
	stub_rx = rx;
	return true;
}

static sse_stub stub_get(uint8_t pfx, bool w, unsigned op, uint8_t modrm, int imm, bool mmx)
{
	uint64_t key = ((uint64_t)pfx << 40) | ((uint64_t)w << 39) | ((uint64_t)mmx << 38) |
		       ((uint64_t)op << 16) | ((uint64_t)modrm << 8) | (uint64_t)(imm & 0xff) |
		       ((uint64_t)(imm >= 0) << 37);
	g_mutex_lock(&stub_lock);
	if (!stubs) {
		if (stub_failed || !stub_area_init()) {
			stub_failed = true;
			g_mutex_unlock(&stub_lock);
			return NULL;
		}
		stubs = g_hash_table_new(g_int64_hash, g_int64_equal);
	}
	sse_stub f = g_hash_table_lookup(stubs, &key);
	if (f || stub_used + 128 > stub_size) {
		g_mutex_unlock(&stub_lock);
		return f;
	}
	uint8_t *c = stub_rw + stub_used, *p = c;
	static const uint8_t head[] = {
		0x0f, 0xae, 0x5f, 0x34,		/* stmxcsr [rdi+0x34] */
		0x48, 0x8b, 0x47, 0x20,		/* mov rax, [rdi+0x20] */
		0x48, 0x8b, 0x4f, 0x28,		/* mov rcx, [rdi+0x28] */
		0x48, 0x8b, 0x57, 0x40,		/* mov rdx, [rdi+0x40] */
		0x0f, 0xae, 0x57, 0x30,		/* ldmxcsr [rdi+0x30] */
	};
	memcpy(p, head, sizeof(head));
	p += sizeof(head);
	if (mmx) {
		static const uint8_t ld[] = { 0x0f, 0x6f, 0x07, 0x0f, 0x6f, 0x4f, 0x10 };	/* movq mm0,[rdi]; mm1,[rdi+16] */
		memcpy(p, ld, sizeof(ld));
		p += sizeof(ld);
	} else {
		static const uint8_t ld[] = { 0xf3, 0x0f, 0x6f, 0x07, 0xf3, 0x0f, 0x6f, 0x4f, 0x10 };
		memcpy(p, ld, sizeof(ld));
		p += sizeof(ld);
	}
	if (pfx)
		*p++ = pfx;
	if (w)
		*p++ = 0x48;
	*p++ = 0x0f;
	if (op >= MAP_38)
		*p++ = op >= MAP_3A ? 0x3a : 0x38;
	*p++ = op & 0xff;
	*p++ = modrm;
	if (imm >= 0)
		*p++ = imm;
	if (mmx) {
		static const uint8_t st[] = { 0x0f, 0x7f, 0x07, 0x0f, 0x7f, 0x4f, 0x10, 0x0f, 0x77 };	/* movq; emms */
		memcpy(p, st, sizeof(st));
		p += sizeof(st);
	} else {
		static const uint8_t st[] = { 0xf3, 0x0f, 0x7f, 0x07, 0xf3, 0x0f, 0x7f, 0x4f, 0x10 };
		memcpy(p, st, sizeof(st));
		p += sizeof(st);
	}
	static const uint8_t tail[] = {
		0x48, 0x89, 0x47, 0x20,		/* mov [rdi+0x20], rax */
		0x48, 0x89, 0x4f, 0x28,		/* mov [rdi+0x28], rcx */
		0x48, 0x89, 0x57, 0x40,		/* mov [rdi+0x40], rdx */
		0x9c, 0x8f, 0x47, 0x38,		/* pushfq; pop qword [rdi+0x38] */
		0x0f, 0xae, 0x5f, 0x30,		/* stmxcsr [rdi+0x30] */
		0x0f, 0xae, 0x57, 0x34,		/* ldmxcsr [rdi+0x34] */
		0xc3,
	};
	memcpy(p, tail, sizeof(tail));
	p += sizeof(tail);
	size_t at = stub_used;
	stub_used = ALIGN_UP((size_t)(p - stub_rw), 16);
	uint64_t *k = g_new(uint64_t, 1);
	*k = key;
	f = (sse_stub)(stub_rx + at);
	g_hash_table_insert(stubs, k, (gpointer)f);
	g_mutex_unlock(&stub_lock);
	return f;
}

/* ---- the opcode table ---- */

enum sse_class {
	C_NONE,
	C_OP,		/* xmm/mm = op(xmm/mm, xmm/mm/mem) */
	C_OPI,		/* ... with imm8 */
	C_GPR_DST,	/* gpr = op(xmm/mm/mem) */
	C_GPR_DSTI,	/* ... with imm8 (pextrw) */
	C_GPR_SRC,	/* xmm = op(xmm, gpr/mem) */
	C_GPR_SRCI,	/* ... with imm8 (pinsrw) */
	C_FLAGS,	/* eflags = op(xmm, xmm/mem) */
	C_SHIFTI,	/* group 12-14: shift xmm/mm (rm) by imm8 */
	C_MOVE,		/* written out in sse_move() */
	C_CVT_TO_MM,	/* mm = op(xmm/mem) (cvt*2pi) */
	C_CVT_FROM_MM,	/* xmm = op(xmm, mm/mem) (cvtpi2p*) */
	C_SSE4,		/* SSE4.1/4.2 forms written out in sse4_special() */
	C_STRI,		/* pcmpestri/pcmpistri: ecx and flags */
	C_STRM,		/* pcmpestrm/pcmpistrm: xmm0 and flags */
};

/* per prefix index: 0 none, 1 66, 2 F3, 3 F2 */
struct sse_entry {
	uint8_t cls;
	uint8_t memsize;	/* bytes read for a memory source; 0: 16 (8 for MMX) */
	bool aligned;		/* a 16-byte memory operand must be aligned */
	bool mmx;		/* operates on MMX registers */
	bool fp;		/* may raise SIMD floating-point exceptions */
};

static struct sse_entry sse_table[3][256][4];	/* map 0F, 0F38, 0F3A */

static void def(unsigned map, unsigned op, int pfx, uint8_t cls, uint8_t memsize, bool fp)
{
	struct sse_entry *e = &sse_table[map][op][pfx];
	e->cls = cls;
	e->memsize = memsize;
	e->mmx = pfx == 0 && ((op >= 0x60 && op <= 0x7f) || op >= 0xd0 || map == 1 ||
			      (map == 2 && op == 0x0f) || op == 0xc4 || op == 0xc5);
	e->aligned = !e->mmx && memsize == 0 && cls != C_MOVE;
	e->fp = fp;
}

static void __attribute__((constructor)) sse_table_init(void)
{
	/* packed/scalar float arithmetic: ps, pd, ss, sd */
	static const uint8_t arith[] = { 0x51, 0x58, 0x59, 0x5c, 0x5d, 0x5e, 0x5f };
	for (unsigned k = 0; k < sizeof(arith); k++) {
		def(0, arith[k], 0, C_OP, 0, true);
		def(0, arith[k], 1, C_OP, 0, true);
		def(0, arith[k], 2, C_OP, 4, true);
		def(0, arith[k], 3, C_OP, 8, true);
	}
	def(0, 0x52, 0, C_OP, 0, true); def(0, 0x52, 2, C_OP, 4, true);	/* rsqrt */
	def(0, 0x53, 0, C_OP, 0, true); def(0, 0x53, 2, C_OP, 4, true);	/* rcp */
	for (unsigned op = 0x54; op <= 0x57; op++) {			/* and andn or xor */
		def(0, op, 0, C_OP, 0, false);
		def(0, op, 1, C_OP, 0, false);
	}
	def(0, 0x14, 0, C_OP, 0, false); def(0, 0x14, 1, C_OP, 0, false);	/* unpcklps/pd */
	def(0, 0x15, 0, C_OP, 0, false); def(0, 0x15, 1, C_OP, 0, false);
	def(0, 0x5a, 0, C_OP, 8, true); def(0, 0x5a, 1, C_OP, 0, true);	/* cvtps2pd, cvtpd2ps */
	def(0, 0x5a, 2, C_OP, 4, true); def(0, 0x5a, 3, C_OP, 8, true);	/* cvtss2sd, cvtsd2ss */
	def(0, 0x5b, 0, C_OP, 0, true); def(0, 0x5b, 1, C_OP, 0, true); def(0, 0x5b, 2, C_OP, 0, true);
	def(0, 0xe6, 1, C_OP, 0, true); def(0, 0xe6, 2, C_OP, 8, true); def(0, 0xe6, 3, C_OP, 0, true);
	def(0, 0x2a, 2, C_GPR_SRC, 0, true); def(0, 0x2a, 3, C_GPR_SRC, 0, true);	/* cvtsi2ss/sd */
	def(0, 0x2a, 0, C_CVT_FROM_MM, 8, true); def(0, 0x2a, 1, C_CVT_FROM_MM, 8, true);
	def(0, 0x2c, 2, C_GPR_DST, 4, true); def(0, 0x2c, 3, C_GPR_DST, 8, true);	/* cvtt*2si */
	def(0, 0x2d, 2, C_GPR_DST, 4, true); def(0, 0x2d, 3, C_GPR_DST, 8, true);	/* cvt*2si */
	def(0, 0x2c, 0, C_CVT_TO_MM, 8, true); def(0, 0x2c, 1, C_CVT_TO_MM, 0, true);
	def(0, 0x2d, 0, C_CVT_TO_MM, 8, true); def(0, 0x2d, 1, C_CVT_TO_MM, 0, true);
	def(0, 0x2e, 0, C_FLAGS, 4, true); def(0, 0x2e, 1, C_FLAGS, 8, true);	/* ucomis */
	def(0, 0x2f, 0, C_FLAGS, 4, true); def(0, 0x2f, 1, C_FLAGS, 8, true);	/* comis */
	def(0, 0x50, 0, C_GPR_DST, 0, false); def(0, 0x50, 1, C_GPR_DST, 0, false);	/* movmskps/pd */
	def(0, 0xc2, 0, C_OPI, 0, true); def(0, 0xc2, 1, C_OPI, 0, true);	/* cmpps/pd/ss/sd */
	def(0, 0xc2, 2, C_OPI, 4, true); def(0, 0xc2, 3, C_OPI, 8, true);
	def(0, 0xc6, 0, C_OPI, 0, false); def(0, 0xc6, 1, C_OPI, 0, false);	/* shufps/pd */
	/* integer: MMX (no prefix) and SSE2 (66) */
	for (unsigned op = 0x60; op <= 0x6b; op++) {
		def(0, op, 0, C_OP, op <= 0x62 ? 4 : 0, false);
		def(0, op, 1, C_OP, 0, false);
	}
	def(0, 0x6c, 1, C_OP, 0, false); def(0, 0x6d, 1, C_OP, 0, false);
	for (unsigned op = 0x74; op <= 0x76; op++) {
		def(0, op, 0, C_OP, 0, false);
		def(0, op, 1, C_OP, 0, false);
	}
	def(0, 0x70, 0, C_OPI, 0, false); def(0, 0x70, 1, C_OPI, 0, false);	/* pshufw/pshufd */
	def(0, 0x70, 2, C_OPI, 0, false); def(0, 0x70, 3, C_OPI, 0, false);	/* pshufhw/lw */
	for (unsigned op = 0x71; op <= 0x73; op++) {
		def(0, op, 0, C_SHIFTI, 0, false);
		def(0, op, 1, C_SHIFTI, 0, false);
	}
	for (unsigned op = 0xd1; op <= 0xff; op++) {
		if (op == 0xd6 || op == 0xd7 || op == 0xe6 || op == 0xe7 || op == 0xf0 || op == 0xf7 || op == 0xff)
			continue;
		def(0, op, 0, C_OP, 0, false);
		def(0, op, 1, C_OP, 0, false);
	}
	def(0, 0xd7, 0, C_GPR_DST, 0, false); def(0, 0xd7, 1, C_GPR_DST, 0, false);	/* pmovmskb */
	def(0, 0xc4, 0, C_GPR_SRCI, 2, false); def(0, 0xc4, 1, C_GPR_SRCI, 2, false);	/* pinsrw */
	def(0, 0xc5, 0, C_GPR_DSTI, 0, false); def(0, 0xc5, 1, C_GPR_DSTI, 0, false);	/* pextrw */
	/* SSE3 */
	def(0, 0x7c, 1, C_OP, 0, true); def(0, 0x7c, 3, C_OP, 0, true);	/* haddpd/haddps */
	def(0, 0x7d, 1, C_OP, 0, true); def(0, 0x7d, 3, C_OP, 0, true);	/* hsubpd/hsubps */
	def(0, 0xd0, 1, C_OP, 0, true); def(0, 0xd0, 3, C_OP, 0, true);	/* addsubpd/ps */
	def(0, 0x12, 2, C_OP, 0, false);	/* movsldup */
	def(0, 0x16, 2, C_OP, 0, false);	/* movshdup */
	def(0, 0x12, 3, C_OP, 8, false);	/* movddup */
	/* SSSE3: 0F 38 00-0B, 1C-1E (MMX and XMM), 0F 3A 0F palignr */
	for (unsigned op = 0x00; op <= 0x0b; op++) {
		def(1, op, 0, C_OP, 0, false);
		def(1, op, 1, C_OP, 0, false);
	}
	for (unsigned op = 0x1c; op <= 0x1e; op++) {
		def(1, op, 0, C_OP, 0, false);
		def(1, op, 1, C_OP, 0, false);
	}
	def(2, 0x0f, 0, C_OPI, 0, false);
	def(2, 0x0f, 1, C_OPI, 0, false);
	/* SSE4.1 (66 prefix): 0F 38 */
	static const uint8_t m38[] = { 0x28, 0x29, 0x2b, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d,
				       0x3e, 0x3f, 0x40, 0x41 };
	for (unsigned k = 0; k < sizeof(m38); k++)
		def(1, m38[k], 1, C_OP, 0, false);
	static const uint8_t pmov_size[6] = { 8, 4, 2, 8, 4, 8 };
	for (unsigned k = 0; k < 6; k++) {
		def(1, 0x20 + k, 1, C_OP, pmov_size[k], false);	/* pmovsx */
		def(1, 0x30 + k, 1, C_OP, pmov_size[k], false);	/* pmovzx */
	}
	def(1, 0x17, 1, C_FLAGS, 0, false);	/* ptest */
	def(1, 0x10, 1, C_SSE4, 0, false);	/* pblendvb */
	def(1, 0x14, 1, C_SSE4, 0, false);	/* blendvps */
	def(1, 0x15, 1, C_SSE4, 0, false);	/* blendvpd */
	def(1, 0x2a, 1, C_SSE4, 0, false);	/* movntdqa */
	/* 0F 3A */
	def(2, 0x08, 1, C_OPI, 0, true); def(2, 0x09, 1, C_OPI, 0, true);	/* roundps/pd */
	def(2, 0x0a, 1, C_OPI, 4, true); def(2, 0x0b, 1, C_OPI, 8, true);	/* roundss/sd */
	def(2, 0x0c, 1, C_OPI, 0, false); def(2, 0x0d, 1, C_OPI, 0, false);	/* blendps/pd */
	def(2, 0x0e, 1, C_OPI, 0, false);	/* pblendw */
	def(2, 0x40, 1, C_OPI, 0, true); def(2, 0x41, 1, C_OPI, 0, true);	/* dpps/dppd */
	def(2, 0x42, 1, C_OPI, 0, false);	/* mpsadbw */
	def(2, 0x21, 1, C_OPI, 4, false);	/* insertps */
	def(2, 0x20, 1, C_GPR_SRCI, 1, false);	/* pinsrb */
	def(2, 0x22, 1, C_GPR_SRCI, 0, false);	/* pinsrd/q */
	for (unsigned op = 0x14; op <= 0x17; op++)
		def(2, op, 1, C_SSE4, 0, false);	/* pextrb/w/d/q, extractps */
	/* SSE4.2 */
	def(1, 0x37, 1, C_OP, 0, false);	/* pcmpgtq */
	def(2, 0x60, 1, C_STRM, 0, false); def(2, 0x62, 1, C_STRM, 0, false);
	def(2, 0x61, 1, C_STRI, 0, false); def(2, 0x63, 1, C_STRI, 0, false);
	for (unsigned op = 0x60; op <= 0x63; op++)
		sse_table[2][op][1].aligned = false;
	/* moves */
	static const uint8_t moves[] = { 0x10, 0x11, 0x12, 0x13, 0x16, 0x17, 0x28, 0x29, 0x2b,
					 0x6e, 0x6f, 0x7e, 0x7f, 0xd6, 0xe7, 0xf7, 0xc3 };
	for (unsigned k = 0; k < sizeof(moves); k++)
		for (int p = 0; p < 4; p++)
			if (sse_table[0][moves[k]][p].cls == C_NONE)
				def(0, moves[k], p, C_MOVE, 0, false);
	def(0, 0x77, 0, C_MOVE, 0, false);	/* emms */
	def(0, 0xf0, 3, C_MOVE, 0, false);	/* lddqu */
}

/* ---- register files ---- */

static void mmx_enter(CPUX86State *env)
{
	env->fpu_status &= ~0x3800;	/* TOP = 0 */
	env->fpu_tag = 0;		/* all valid */
}

static uint64_t mm_get(CPUX86State *env, int r)
{
	return env->st[r & 7].mantissa;
}

static void mm_set(CPUX86State *env, int r, uint64_t v)
{
	env->st[r & 7].mantissa = v;
	env->st[r & 7].sign_exponent = 0xffff;
}

static bool sse_check_mmx(struct interp_cpu *s)
{
	CPUX86State *env = s->env;
	if (env->cr[0] & CR0_EM)
		x86_raise_ud(s);
	if (env->cr[0] & CR0_TS)
		x86_raise(s, EXCP_NM, 0);
	if (env->fpu_status & 0x80) {	/* pending x87 exception */
		if (env->cr[0] & CR0_NE)
			x86_raise(s, EXCP_MF, 0);
	}
	return true;
}

static uint64_t sse_ea(struct interp_cpu *s, struct x86_insn *i, unsigned size, bool aligned)
{
	uint64_t ea = x86_ea(s, i);
	if (aligned && size == 16) {
		uint64_t lin = x86_seg_linear(s, x86_ea_seg(i), ea, 16, false);
		if (lin & 15)
			x86_raise_gp(s, 0);
	}
	return ea;
}

static void mem_load(struct interp_cpu *s, struct x86_insn *i, uint64_t ea, unsigned size, uint8_t *out)
{
	int seg = x86_ea_seg(i);
	memset(out, 0, 16);
	if (size >= 8) {
		uint64_t lo = x86_mem_read(s, seg, ea, 8);
		uint64_t hi = size == 16 ? x86_mem_read(s, seg, (ea + 8) & size_mask(i->addrsize), 8) : 0;
		memcpy(out, &lo, 8);
		memcpy(out + 8, &hi, 8);
	} else {
		uint64_t v = x86_mem_read(s, seg, ea, size);
		memcpy(out, &v, size);
	}
}

static void mem_store(struct interp_cpu *s, struct x86_insn *i, uint64_t ea, unsigned size, const uint8_t *in)
{
	int seg = x86_ea_seg(i);
	if (size == 16) {
		/* check both halves before writing either */
		x86_seg_linear(s, seg, ea, 16, true);
		x86_lin_ptr(s, x86_seg_linear(s, seg, ea, 1, true), ACC_WRITE, s->cpl == 3);
		x86_lin_ptr(s, x86_seg_linear(s, seg, (ea + 15) & size_mask(i->addrsize), 1, true),
			    ACC_WRITE, s->cpl == 3);
		x86_mem_write(s, seg, ea, 8, ldq_le_p(in));
		x86_mem_write(s, seg, (ea + 8) & size_mask(i->addrsize), 8, ldq_le_p(in + 8));
	} else {
		uint64_t v = 0;
		memcpy(&v, in, size);
		x86_mem_write(s, seg, ea, size, v);
	}
}

/* ---- explicit moves ---- */

static void sse_move(struct interp_cpu *s, struct x86_insn *i, int pfx)
{
	CPUX86State *env = s->env;
	unsigned op = i->op & 0xff;
	int reg = i->reg, rm = i->rm;
	uint8_t buf[16];
	uint64_t ea;

	switch (op) {
	case 0x10: case 0x11: {		/* movups/movupd/movss/movsd */
		unsigned size = pfx == 2 ? 4 : pfx == 3 ? 8 : 16;
		bool load = op == 0x10;
		if (!i->mem) {
			int d = load ? reg : rm, sr = load ? rm : reg;
			if (size == 16)
				env->xmm[d] = env->xmm[sr];
			else
				memcpy(env->xmm[d].b, env->xmm[sr].b, size);
		} else if (load) {
			ea = sse_ea(s, i, size, false);
			mem_load(s, i, ea, size, buf);
			memcpy(env->xmm[reg].b, buf, 16);	/* scalar loads zero the rest */
		} else {
			ea = sse_ea(s, i, size, false);
			mem_store(s, i, ea, size, env->xmm[reg].b);
		}
		return;
	}
	case 0x28: case 0x29: case 0x2b:	/* movaps/movapd, movntps/pd */
		if (pfx >= 2)
			break;
		if (op == 0x28) {
			if (!i->mem) {
				env->xmm[reg] = env->xmm[rm];
			} else {
				ea = sse_ea(s, i, 16, true);
				mem_load(s, i, ea, 16, buf);
				memcpy(env->xmm[reg].b, buf, 16);
			}
		} else {
			if (!i->mem) {
				if (op == 0x2b)
					break;
				env->xmm[rm] = env->xmm[reg];
			} else {
				ea = sse_ea(s, i, 16, true);
				mem_store(s, i, ea, 16, env->xmm[reg].b);
			}
		}
		return;
	case 0x12: case 0x13: case 0x16: case 0x17: {
		bool hi = op >= 0x16;
		if (pfx >= 2) {
			if (op & 1)
				break;
			/* SSE3 movsldup/movshdup/movddup: not advertised */
			break;
		}
		if (op & 1) {		/* movlps/movlpd/movhps/movhpd m64, xmm */
			if (!i->mem)
				break;
			ea = sse_ea(s, i, 8, false);
			mem_store(s, i, ea, 8, env->xmm[reg].b + (hi ? 8 : 0));
			return;
		}
		if (!i->mem) {
			if (pfx == 1)
				break;
			/* movhlps / movlhps */
			if (hi)
				memcpy(env->xmm[reg].b + 8, env->xmm[rm].b, 8);
			else
				memcpy(env->xmm[reg].b, env->xmm[rm].b + 8, 8);
			return;
		}
		ea = sse_ea(s, i, 8, false);
		mem_load(s, i, ea, 8, buf);
		memcpy(env->xmm[reg].b + (hi ? 8 : 0), buf, 8);
		return;
	}
	case 0x6e:			/* movd/movq mm/xmm, r/m */
		if (pfx >= 2)
			break;
		{
			unsigned size = i->rex & 8 ? 8 : 4;
			uint64_t v = i->mem ? x86_mem_read(s, x86_ea_seg(i), x86_ea(s, i), size)
					    : env->regs[rm] & size_mask(size);
			if (pfx == 0) {
				mmx_enter(env);
				mm_set(env, reg, v);
			} else {
				memset(env->xmm[reg].b, 0, 16);
				env->xmm[reg].q[0] = v;
			}
		}
		return;
	case 0x7e:
		if (pfx == 3)
			break;
		if (pfx == 2) {		/* movq xmm, xmm/m64 */
			uint64_t v = i->mem ? x86_mem_read(s, x86_ea_seg(i), x86_ea(s, i), 8) : env->xmm[rm].q[0];
			env->xmm[reg].q[0] = v;
			env->xmm[reg].q[1] = 0;
			return;
		}
		{
			unsigned size = i->rex & 8 ? 8 : 4;
			uint64_t v;
			if (pfx == 0) {
				mmx_enter(env);
				v = mm_get(env, reg);
			} else {
				v = env->xmm[reg].q[0];
			}
			v &= size_mask(size);
			if (i->mem)
				x86_mem_write(s, x86_ea_seg(i), x86_ea(s, i), size, v);
			else
				x86_set_gpr(s, rm, size, v);
		}
		return;
	case 0x6f: case 0x7f:
		if (pfx == 3)
			break;
		if (pfx == 0) {		/* movq mm, mm/m64 */
			mmx_enter(env);
			if (op == 0x6f) {
				uint64_t v = i->mem ? x86_mem_read(s, x86_ea_seg(i), x86_ea(s, i), 8) : mm_get(env, rm);
				mm_set(env, reg, v);
			} else if (i->mem) {
				x86_mem_write(s, x86_ea_seg(i), x86_ea(s, i), 8, mm_get(env, reg));
			} else {
				mm_set(env, rm, mm_get(env, reg));
			}
			return;
		}
		/* movdqa (66) / movdqu (F3) */
		if (op == 0x6f) {
			if (!i->mem) {
				env->xmm[reg] = env->xmm[rm];
			} else {
				ea = sse_ea(s, i, 16, pfx == 1);
				mem_load(s, i, ea, 16, buf);
				memcpy(env->xmm[reg].b, buf, 16);
			}
		} else {
			if (!i->mem) {
				env->xmm[rm] = env->xmm[reg];
			} else {
				ea = sse_ea(s, i, 16, pfx == 1);
				mem_store(s, i, ea, 16, env->xmm[reg].b);
			}
		}
		return;
	case 0xd6:
		if (pfx == 1) {		/* movq xmm/m64, xmm */
			if (i->mem) {
				x86_mem_write(s, x86_ea_seg(i), x86_ea(s, i), 8, env->xmm[reg].q[0]);
			} else {
				env->xmm[rm].q[0] = env->xmm[reg].q[0];
				env->xmm[rm].q[1] = 0;
			}
			return;
		}
		if (i->mem)
			break;
		mmx_enter(env);
		if (pfx == 2) {		/* movq2dq xmm, mm */
			env->xmm[reg].q[0] = mm_get(env, rm);
			env->xmm[reg].q[1] = 0;
		} else if (pfx == 3) {	/* movdq2q mm, xmm */
			mm_set(env, reg, env->xmm[rm].q[0]);
		} else {
			break;
		}
		return;
	case 0xe7:			/* movntq / movntdq */
		if (!i->mem || pfx >= 2)
			break;
		if (pfx == 0) {
			mmx_enter(env);
			x86_mem_write(s, x86_ea_seg(i), x86_ea(s, i), 8, mm_get(env, reg));
		} else {
			ea = sse_ea(s, i, 16, true);
			mem_store(s, i, ea, 16, env->xmm[reg].b);
		}
		return;
	case 0xc3:			/* movnti */
		if (!i->mem || pfx != 0)
			break;
		x86_mem_write(s, x86_ea_seg(i), x86_ea(s, i), i->opsize == 8 ? 8 : 4, env->regs[reg]);
		return;
	case 0xf7: {			/* maskmovq / maskmovdqu: store bytes with MSB set to DS:rDI */
		if (i->mem || pfx >= 2)
			break;
		unsigned n = pfx == 0 ? 8 : 16;
		const uint8_t *data, *mask;
		uint64_t dq[2], mq[2];
		if (pfx == 0) {
			mmx_enter(env);
			dq[0] = mm_get(env, reg);
			mq[0] = mm_get(env, rm);
			data = (uint8_t *)dq;
			mask = (uint8_t *)mq;
		} else {
			data = env->xmm[reg].b;
			mask = env->xmm[rm].b;
		}
		uint64_t di = env->regs[R_EDI] & size_mask(i->addrsize);
		int seg = x86_insn_seg(i, R_DS);
		for (unsigned k = 0; k < n; k++)
			if (mask[k] & 0x80)
				x86_mem_write(s, seg, (di + k) & size_mask(i->addrsize), 1, data[k]);
		return;
	}
	case 0xf0:			/* lddqu xmm, m128 (SSE3) */
		if (pfx != 3 || !i->mem)
			break;
		ea = sse_ea(s, i, 16, false);
		mem_load(s, i, ea, 16, buf);
		memcpy(env->xmm[reg].b, buf, 16);
		return;
	case 0x77:
		if (pfx == 0) {		/* emms */
			env->fpu_tag = 0xffff;
			return;
		}
		break;
	}
	x86_raise_ud(s);
}

/* ---- SSE4.1 forms with implicit operands or r/m destinations ---- */

static void sse4_special(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	unsigned op = i->op & 0xff;
	int reg = i->reg;
	union xmm_reg src;

	if (i->op >> 8 == 2) {		/* 0F 38 */
		if (op == 0x2a) {	/* movntdqa: aligned load */
			if (!i->mem)
				x86_raise_ud(s);
			mem_load(s, i, sse_ea(s, i, 16, true), 16, src.b);
			env->xmm[reg] = src;
			return;
		}
		if (i->mem)
			mem_load(s, i, sse_ea(s, i, 16, true), 16, src.b);
		else
			src = env->xmm[i->rm];
		const union xmm_reg *mask = &env->xmm[0];
		union xmm_reg *d = &env->xmm[reg];
		unsigned w = op == 0x10 ? 1 : op == 0x14 ? 4 : 8;
		for (unsigned k = 0; k < 16; k += w)
			if (mask->b[k + w - 1] & 0x80)
				memcpy(d->b + k, src.b + k, w);
		return;
	}
	/* 0F 3A 14-17: pextrb, pextrw, pextrd/q, extractps to r/m */
	uint8_t imm = i->imm;
	const union xmm_reg *x = &env->xmm[reg];
	uint64_t v;
	unsigned size;
	switch (op) {
	case 0x14: v = x->b[imm & 15]; size = 1; break;
	case 0x15: v = x->w[imm & 7]; size = 2; break;
	case 0x16:
		if (i->rex & 8) {
			v = x->q[imm & 1];
			size = 8;
		} else {
			v = x->l[imm & 3];
			size = 4;
		}
		break;
	default: v = x->l[imm & 3]; size = 4; break;
	}
	if (i->mem)
		x86_mem_write(s, x86_ea_seg(i), x86_ea(s, i), size, v);
	else
		x86_set_gpr(s, i->rm, size == 8 ? 8 : (i->rex & 8) ? 8 : 4, v);
}

/* crc32 (F2 0F 38 F0/F1, SSE4.2) on the host */
static void op_crc32(struct interp_cpu *s, struct x86_insn *i)
{
	if (i->rep != 0xf2) {
		log_unimp("movbe (not advertised)");
		x86_raise_ud(s);
	}
	unsigned size = (i->op & 1) ? i->opsize : 1;
	uint64_t src = x86_rm_read(s, i, size);
	uint64_t acc = (uint32_t)s->env->regs[i->reg];
	switch (size) {
	case 1: { uint8_t b = src; asm("crc32b %1, %k0" : "+r"(acc) : "r"(b)); break; }
	case 2: { uint16_t w = src; asm("crc32w %1, %k0" : "+r"(acc) : "r"(w)); break; }
	case 4: { uint32_t l = src; asm("crc32l %1, %k0" : "+r"(acc) : "r"(l)); break; }
	default: asm("crc32q %1, %0" : "+r"(acc) : "r"(src)); break;
	}
	x86_set_gpr(s, i->reg, i->opsize == 8 ? 8 : 4, (uint32_t)acc);
}

/* ---- dispatch ---- */

static void op_sse(struct interp_cpu *s, struct x86_insn *i)
{
	CPUX86State *env = s->env;
	unsigned map = i->op >> 8;	/* 1: 0F, 2: 0F38, 3: 0F3A */
	/* mandatory prefix: F2/F3 win over 66 */
	int pfx = i->rep == 0xf3 ? 2 : i->rep == 0xf2 ? 3 : i->p66 ? 1 : 0;
	const struct sse_entry *e = &sse_table[map - 1][i->op & 0xff][pfx];
	uint8_t pfx_byte = (const uint8_t[]){ 0, 0x66, 0xf3, 0xf2 }[pfx];

	if (e->cls == C_NONE) {
		if (log_enabled(LOG_UNIMP))
			kemu_log("unimplemented: SSE opcode %03x prefix %02x at %#" PRIx64 "\n",
				 i->op, pfx_byte, env->rip);
		x86_raise_ud(s);
	}
	if (e->mmx) {
		sse_check_mmx(s);
	} else {
		sse_check(s);
	}
	if (e->cls == C_MOVE) {
		sse_move(s, i, pfx);
		return;
	}
	if (e->cls == C_SSE4) {
		sse4_special(s, i);
		return;
	}

	struct sse_io io;
	memset(&io, 0, sizeof(io));
	bool mmx = e->mmx;
	unsigned vsize = mmx ? 8 : 16;
	int reg = i->reg, rm = i->rm;
	uint8_t modrm = 0xc1;
	int imm = -1;
	bool w = i->rex & 8;
	bool src_mm = false, dst_mm = mmx;

	if (e->cls == C_OPI || e->cls == C_GPR_DSTI || e->cls == C_GPR_SRCI || e->cls == C_SHIFTI ||
	    e->cls == C_STRI || e->cls == C_STRM)
		imm = i->imm & 0xff;
	if (i->op == MAP_3A + 0x21 && i->mem)
		imm &= 0x3f;	/* insertps from memory: no source lane */
	if (e->cls == C_STRI || e->cls == C_STRM) {
		io.rax = env->regs[R_EAX];
		io.rdx = env->regs[R_EDX];
	}
	if (e->cls == C_CVT_FROM_MM)
		src_mm = true;
	if (e->cls == C_CVT_TO_MM)
		dst_mm = true;
	if (mmx)
		mmx_enter(env);

	/* destination (reg field; rm for immediate shifts) */
	if (e->cls == C_SHIFTI) {
		if (i->mem)
			x86_raise_ud(s);
		modrm = 0xc0 | (i->modrm & 0x38);
		if (mmx) {
			uint64_t v = mm_get(env, rm);
			memcpy(io.dst, &v, 8);
		} else {
			memcpy(io.dst, env->xmm[rm].b, 16);
		}
	} else if (e->cls == C_GPR_DST || e->cls == C_GPR_DSTI) {
		io.rax = env->regs[reg];
	} else if (dst_mm) {
		uint64_t v = mm_get(env, reg);
		memcpy(io.dst, &v, 8);
	} else {
		memcpy(io.dst, env->xmm[reg].b, 16);
	}

	/* source */
	if (e->cls != C_SHIFTI) {
		bool gpr_src = e->cls == C_GPR_SRC || e->cls == C_GPR_SRCI;
		if (gpr_src) {
			if (i->mem) {
				unsigned sz = e->memsize ? e->memsize : (w ? 8 : 4);
				io.rcx = x86_mem_read(s, x86_ea_seg(i), x86_ea(s, i), sz);
			} else {
				io.rcx = env->regs[rm];
			}
		} else if (i->mem) {
			unsigned sz = e->memsize ? e->memsize : (mmx || src_mm ? 8 : 16);
			uint64_t ea = sse_ea(s, i, sz, e->aligned && sz == 16);
			mem_load(s, i, ea, sz, io.src);
		} else if (mmx || src_mm) {
			if ((e->cls == C_GPR_DST || e->cls == C_GPR_DSTI) && !mmx) {
				memcpy(io.src, env->xmm[rm].b, 16);
			} else {
				uint64_t v = mm_get(env, rm);
				memcpy(io.src, &v, 8);
			}
		} else {
			memcpy(io.src, env->xmm[rm].b, 16);
		}
		if ((src_mm || dst_mm) && !mmx)
			mmx_enter(env);
	}
	if ((e->cls == C_GPR_DST || e->cls == C_GPR_DSTI) && i->mem && e->memsize == 0)
		x86_raise_ud(s);	/* movmsk, pmovmskb, pextrw: register forms only */

	/*
	 * cvt*2pi and cvtpi2p* mix register files: run them on xmm0/mm1 etc. by
	 * choosing the stub's loads accordingly (the stub loads both files from
	 * the same buffers).
	 */
	bool stub_mmx = mmx;
	if (src_mm || dst_mm)
		stub_mmx = false;
	io.mxcsr = env->mxcsr | 0x1f80;
	sse_stub f;
	if ((src_mm || dst_mm) && !mmx) {
		/* mixed forms: build a stub that loads mm1 or stores mm0 as needed */
		f = stub_get(pfx_byte, w, i->op, modrm, imm, false);
		/* the stub uses xmm0/xmm1; emulate the MMX side by moving through xmm */
		(void)stub_mmx;
		if (src_mm) {
			/* cvtpi2ps xmm, mm == cvtdq2ps on the low two ints, upper lanes kept */
			union xmm_reg d;
			memcpy(d.b, io.dst, 16);
			int32_t a0, a1;
			memcpy(&a0, io.src, 4);
			memcpy(&a1, io.src + 4, 4);
			struct sse_io t;
			memset(&t, 0, sizeof(t));
			memcpy(t.src, io.src, 8);
			t.mxcsr = io.mxcsr;
			sse_stub cv = stub_get(pfx == 0 ? 0 : 0xf3, false, MAP_0F | (pfx == 0 ? 0x5b : 0xe6),
					       0xc1, -1, false);
			if (!cv)
				x86_raise_ud(s);
			cv(&t);
			if (pfx == 0)
				memcpy(d.b, t.dst, 8);
			else
				memcpy(d.b, t.dst, 16);
			memcpy(io.dst, d.b, 16);
			io.mxcsr = t.mxcsr;
		} else {
			/* cvt(t)ps2pi / cvt(t)pd2pi: the dq forms, low 64 bits to mm */
			struct sse_io t;
			memset(&t, 0, sizeof(t));
			memcpy(t.src, io.src, 16);
			t.mxcsr = io.mxcsr;
			unsigned opx;
			uint8_t px;
			bool trunc = (i->op & 0xff) == 0x2c;
			if (pfx == 0) {
				px = trunc ? 0xf3 : 0x66;
				opx = 0x5b;	/* cvttps2dq / cvtps2dq */
			} else {
				px = trunc ? 0x66 : 0xf2;
				opx = 0xe6;	/* cvttpd2dq / cvtpd2dq */
			}
			sse_stub cv = stub_get(px, false, MAP_0F | opx, 0xc1, -1, false);
			if (!cv)
				x86_raise_ud(s);
			cv(&t);
			memset(io.dst, 0, 16);
			memcpy(io.dst, t.dst, 8);
			io.mxcsr = t.mxcsr;
		}
		(void)f;
	} else {
		f = stub_get(pfx_byte, w, i->op, modrm, imm, mmx);
		if (!f)
			x86_raise_ud(s);
		f(&io);
	}

	/* SIMD floating-point exceptions: unmasked ones fault before any write */
	if (e->fp) {
		uint32_t flags = io.mxcsr & 0x3f;
		uint32_t unmasked = flags & ~(env->mxcsr >> 7) & 0x3f;
		if (unmasked) {
			env->mxcsr |= flags;
			if (env->cr[4] & CR4_OSXMMEXCPT)
				x86_raise(s, EXCP_XM, 0);
			x86_raise_ud(s);
		}
		env->mxcsr |= flags;
	}

	switch (e->cls) {
	case C_FLAGS:
		env->rflags = (env->rflags & ~(uint64_t)STATUS_FLAGS) | (io.flags & STATUS_FLAGS);
		return;
	case C_STRI:
		env->rflags = (env->rflags & ~(uint64_t)STATUS_FLAGS) | (io.flags & STATUS_FLAGS);
		x86_set_gpr(s, R_ECX, 4, io.rcx);
		return;
	case C_STRM:
		env->rflags = (env->rflags & ~(uint64_t)STATUS_FLAGS) | (io.flags & STATUS_FLAGS);
		memcpy(env->xmm[0].b, io.dst, 16);
		return;
	case C_GPR_DST: case C_GPR_DSTI:
		x86_set_gpr(s, reg, w ? 8 : 4, io.rax);
		return;
	case C_SHIFTI:
		if (mmx) {
			uint64_t v;
			memcpy(&v, io.dst, 8);
			mm_set(env, rm, v);
		} else {
			memcpy(env->xmm[rm].b, io.dst, 16);
		}
		return;
	default:
		if (dst_mm) {
			uint64_t v;
			memcpy(&v, io.dst, 8);
			mm_set(env, reg, v);
		} else {
			memcpy(env->xmm[reg].b, io.dst, vsize == 8 ? 16 : 16);
		}
		return;
	}
}

void x86_sse_register(void)
{
	for (int map = 0; map < 3; map++)
		for (int op = 0; op < 256; op++)
			for (int p = 0; p < 4; p++)
				if (sse_table[map][op][p].cls != C_NONE)
					x86_handlers[(MAP_0F + map * 0x100) | op] = op_sse;
	x86_handlers[MAP_0F + 0xae] = op_grp15;
	x86_handlers[MAP_38 + 0xf0] = x86_handlers[MAP_38 + 0xf1] = op_crc32;
	(void)x86_fninit;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Linear and physical memory for the software CPU: segmentation checks
 * (SDM vol. 3A §5.3 limits, §5.5 types), the page walk for 32-bit, PAE and
 * 4-level paging with large pages, NX, WP, U/S and accessed/dirty bits
 * (SDM vol. 3A chapter 4), the software TLB in front of it, and physical
 * accesses with A20 masking through the memory backend (RAM by host pointer,
 * everything else by read/write callbacks).
 *
 * Not here: descriptor loading and far transfers (seg.c). PCID, protection
 * keys, SMEP/SMAP and 5-level paging are not implemented (and not
 * advertised in CPUID).
 */
#include "kemu/common.h"
#include "target/i386/internal.h"

#define PG_P	(1ULL << 0)
#define PG_RW	(1ULL << 1)
#define PG_US	(1ULL << 2)
#define PG_A	(1ULL << 5)
#define PG_D	(1ULL << 6)
#define PG_PS	(1ULL << 7)
#define PG_G	(1ULL << 8)
#define PG_NX	(1ULL << 63)
#define PHYS_BITS 40
#define PG_ADDR_MASK (((1ULL << PHYS_BITS) - 1) & ~0xfffULL)
#define PG_RSVD_HI (((1ULL << 52) - 1) & ~((1ULL << PHYS_BITS) - 1))

/* ---- physical ---- */

static inline uint64_t a20(struct interp_cpu *s, uint64_t pa)
{
	return pa & s->a20;
}

/* Host pointer of a guest-physical RAM page (NULL: not RAM / not writable). */
static uint8_t *phys_page(struct interp_cpu *s, uint64_t pa, bool write)
{
	uint64_t page = pa & ~0xfffULL;
	struct pcache_entry *e = &s->pcache[(page >> 12) & (PCACHE_SIZE - 1)];
	if (e->page != page) {
		e->host_r = s->mem->ram_ptr(s->mem_opaque, page, false);
		e->host_w = e->host_r ? s->mem->ram_ptr(s->mem_opaque, page, true) : NULL;
		e->page = page;
	}
	return write ? e->host_w : e->host_r;
}

uint64_t x86_phys_read(struct interp_cpu *s, uint64_t pa, unsigned size)
{
	pa = a20(s, pa);
	if ((pa & 0xfff) + size <= 0x1000) {
		uint8_t *p = phys_page(s, pa, false);
		if (p) {
			uint64_t v = 0;
			memcpy(&v, p + (pa & 0xfff), size);
			return v;
		}
		return s->mem->read(s->mem_opaque, pa, size);
	}
	uint64_t v = 0;
	for (unsigned k = 0; k < size; k++)
		v |= x86_phys_read(s, pa + k, 1) << (8 * k);
	return v;
}

void x86_phys_write(struct interp_cpu *s, uint64_t pa, unsigned size, uint64_t v)
{
	pa = a20(s, pa);
	if ((pa & 0xfff) + size <= 0x1000) {
		uint8_t *p = phys_page(s, pa, true);
		if (p) {
			memcpy(p + (pa & 0xfff), &v, size);
			return;
		}
		s->mem->write(s->mem_opaque, pa, v, size);
		return;
	}
	for (unsigned k = 0; k < size; k++)
		x86_phys_write(s, pa + k, 1, v >> (8 * k));
}

/* ---- TLB ---- */

void x86_tlb_flush(struct interp_cpu *s, bool global)
{
	s->tlb_gen++;
	for (int m = 0; m < 2; m++) {
		for (int k = 0; k < TLB_SIZE; k++) {
			struct tlb_entry *e = &s->tlb[m][k];
			if (global || !e->global) {
				e->tag_read = e->tag_write = e->tag_code = TLB_INVALID;
				e->global = false;
			}
			e = &s->tlb_code[m][k];
			if (global || !e->global) {
				e->tag_read = e->tag_write = e->tag_code = TLB_INVALID;
				e->global = false;
			}
		}
	}
	if (global) {
		/* memory map or A20 may have changed */
		for (int k = 0; k < PCACHE_SIZE; k++)
			s->pcache[k].page = 1;
	}
	s->a20_env = s->env->a20_mask;
	s->a20 = s->env->a20_mask ? s->env->a20_mask : ~0ULL;
}

void x86_tlb_flush_page(struct interp_cpu *s, uint64_t lin)
{
	/* large pages may cover many entries: drop every entry inside the 4M/2M/1G
	 * region would be costly; entries are tagged by 4K page, so flush all
	 * entries whose page lies in the same 1G-aligned region as lin when the
	 * mapping was large. We keep it simple: flush the entry, and the whole TLB
	 * if any large mapping is cached (tracked loosely). */
	unsigned idx = (lin >> 12) & (TLB_SIZE - 1);
	s->tlb_gen++;
	for (int m = 0; m < 2; m++) {
		struct tlb_entry *e = &s->tlb[m][idx];
		e->tag_read = e->tag_write = e->tag_code = TLB_INVALID;
		e = &s->tlb_code[m][idx];
		e->tag_read = e->tag_write = e->tag_code = TLB_INVALID;
	}
	if (s->tlb_has_large)
		x86_tlb_flush(s, true);
}

/* ---- page walk ---- */

static uint64_t pte_read(struct interp_cpu *s, uint64_t pa, bool pae)
{
	return x86_phys_read(s, pa, pae ? 8 : 4);
}

static void pte_set_bits(struct interp_cpu *s, uint64_t pa, uint64_t pte, uint64_t bits, bool pae)
{
	if ((pte & bits) != bits)
		x86_phys_write(s, pa, pae ? 8 : 4, pte | bits);
}

G_NORETURN static void page_fault(struct interp_cpu *s, uint64_t lin, uint32_t err)
{
	s->env->cr[2] = lin;
	x86_raise(s, EXCP_PF, err);
}

/*
 * Walk the page tables for lin. Faults (#PF with CR2) on failure; returns the
 * physical address and fills in whether the page is global.
 */
static uint64_t walk(struct interp_cpu *s, uint64_t lin, int acc, bool user, bool *global,
		     bool *large)
{
	CPUX86State *env = s->env;
	bool write = acc == ACC_WRITE;
	bool nxe = env->efer & EFER_NXE;
	bool wp = env->cr[0] & CR0_WP;
	uint32_t err = (write ? PF_W : 0) | (user ? PF_U : 0);
	uint64_t rights_rw = PG_RW, rights_us = PG_US, nx = 0;
	uint64_t pa, pte, pte_addr, page_mask;
	uint64_t rsvd = PG_RSVD_HI | (nxe ? 0 : PG_NX);

	*global = false;
	*large = false;
	if (acc == ACC_CODE && nxe && (env->cr[4] & CR4_PAE))
		err |= PF_I;

	if (!(env->cr[4] & CR4_PAE)) {
		/* 32-bit paging, SDM §4.3 */
		uint32_t l = lin;
		pte_addr = (env->cr[3] & 0xfffff000) + ((l >> 22) << 2);
		uint64_t pde = pte_read(s, pte_addr, false);
		if (!(pde & PG_P))
			page_fault(s, lin, err);
		rights_rw &= pde;
		rights_us &= pde;
		if ((pde & PG_PS) && (env->cr[4] & CR4_PSE)) {
			if (pde & (1ULL << 21))	/* bit 21 reserved with PSE-36 */
				page_fault(s, lin, err | PF_P | PF_RSVD);
			pte = pde;
			pa = (pde & 0xffc00000) | (((pde >> 13) & 0xff) << 32);
			page_mask = 0x3fffff;
			*large = true;
		} else {
			pte_set_bits(s, pte_addr, pde, PG_A, false);
			pte_addr = (pde & 0xfffff000) + (((l >> 12) & 0x3ff) << 2);
			pte = pte_read(s, pte_addr, false);
			if (!(pte & PG_P))
				page_fault(s, lin, err);
			rights_rw &= pte;
			rights_us &= pte;
			pa = pte & 0xfffff000;
			page_mask = 0xfff;
		}
		if (env->cr[4] & CR4_PGE)
			*global = pte & PG_G;
		goto check;
	}

	uint64_t table;
	int level;
	if (s->lma) {
		/* 4-level paging, SDM §4.5 */
		table = env->cr[3] & PG_ADDR_MASK;
		level = 4;
	} else {
		/* PAE paging, SDM §4.4: the PDPTE has no R/W, U/S or NX bits */
		uint64_t pdpte_addr = (env->cr[3] & 0xffffffe0) + (((lin >> 30) & 3) << 3);
		uint64_t pdpte = x86_phys_read(s, pdpte_addr, 8);
		if (!(pdpte & PG_P))
			page_fault(s, lin, err);
		if (pdpte & (PG_RSVD_HI | 0x1e6))
			page_fault(s, lin, err | PF_P | PF_RSVD);
		table = pdpte & PG_ADDR_MASK;
		level = 2;
	}
	for (;;) {
		unsigned shift = 12 + 9 * (level - 1);
		pte_addr = table + (((lin >> shift) & 511) << 3);
		pte = pte_read(s, pte_addr, true);
		if (!(pte & PG_P))
			page_fault(s, lin, err);
		if (pte & rsvd)
			page_fault(s, lin, err | PF_P | PF_RSVD);
		rights_rw &= pte;
		rights_us &= pte;
		nx |= pte & PG_NX;
		if (level == 1 || ((level == 2 || level == 3) && (pte & PG_PS))) {
			if (level == 4 && (pte & PG_PS))
				page_fault(s, lin, err | PF_P | PF_RSVD);
			page_mask = (1ULL << shift) - 1;
			if (level > 1 && (pte & (page_mask & ~0x1fffULL) & PG_ADDR_MASK))
				page_fault(s, lin, err | PF_P | PF_RSVD);
			pa = pte & PG_ADDR_MASK & ~page_mask;
			*large = level > 1;
			break;
		}
		if (level == 4 && (pte & PG_PS))
			page_fault(s, lin, err | PF_P | PF_RSVD);
		pte_set_bits(s, pte_addr, pte, PG_A, true);
		table = pte & PG_ADDR_MASK;
		level--;
	}
	if (env->cr[4] & CR4_PGE)
		*global = pte & PG_G;
check:
	if (user && !rights_us)
		page_fault(s, lin, err | PF_P);
	if (write && !rights_rw && (user || wp))
		page_fault(s, lin, err | PF_P);
	if (acc == ACC_CODE && nx)
		page_fault(s, lin, err | PF_P);
	{
		bool pae = env->cr[4] & CR4_PAE;
		uint64_t bits = PG_A | (write ? PG_D : 0);
		pte_set_bits(s, pte_addr, pte, bits, pae);
	}
	/* remember whether later writes through a read walk would need D */
	s->walk_rw = rights_rw && (!user || rights_us);
	s->walk_dirty = write || (pte & PG_D);
	s->walk_user_ok = rights_us;
	s->walk_nx = nx;
	return pa | (lin & page_mask);
}

static bool page_watched(struct interp_cpu *s, uint64_t page);

uint64_t x86_translate(struct interp_cpu *s, uint64_t lin, int acc, bool user)
{
	CPUX86State *env = s->env;
	uint64_t page = lin & ~0xfffULL;
	unsigned idx = (lin >> 12) & (TLB_SIZE - 1);
	struct tlb_entry *e = acc == ACC_CODE ? &s->tlb_code[user][idx] : &s->tlb[user][idx];
	uint64_t pa;
	bool global = false, large = false;

	if (!(env->cr[0] & CR0_PG)) {
		pa = s->lma ? lin : (lin & 0xffffffff);
		s->walk_rw = true;
		s->walk_dirty = true;
		s->walk_nx = 0;
	} else {
		pa = walk(s, lin, acc, user, &global, &large);
		if (large)
			s->tlb_has_large = true;
	}
	uint64_t ppage = a20(s, pa & ~0xfffULL);
	bool same = e->paddr == ppage && e->tag_read == page;
	e->paddr = ppage;
	e->global = global;
	if (!same) {
		e->tag_read = e->tag_write = e->tag_code = TLB_INVALID;
	}
	e->tag_read = page;
	e->host_r = (uintptr_t)phys_page(s, ppage, false);
	if (s->walk_rw && s->walk_dirty) {
		e->host_w = (uintptr_t)phys_page(s, ppage, true);
		e->tag_write = page;
	} else if (!(env->cr[0] & CR0_WP) && !user && s->walk_dirty) {
		e->host_w = (uintptr_t)phys_page(s, ppage, true);
		e->tag_write = page;
	}
	if (!s->walk_nx)
		e->tag_code = page;
	if (G_UNLIKELY(acc != ACC_CODE && page_watched(s, page)))
		e->tag_read = e->tag_write = TLB_INVALID;
	return a20(s, pa);
}

/* ---- watchpoints (gdbstub) ---- */

/*
 * Pages holding a watchpoint are kept out of the data TLB (x86_translate
 * leaves their read/write tags invalid), so every data access to them takes
 * the slow path below, where it is compared with the watchpoints. Other
 * pages and instruction fetches keep their fast paths: with no watchpoint
 * set nothing here runs at all.
 */
static bool page_watched(struct interp_cpu *s, uint64_t page)
{
	const struct debug_points *dp = s->cpu->debug_points;

	if (G_LIKELY(!dp))
		return false;
	for (guint i = 0; i < dp->watches->len; i++) {
		const struct debug_point *w = &g_array_index(dp->watches, struct debug_point, i);

		if (w->addr < page + 0x1000 && w->addr + w->len > page)
			return true;
	}
	return false;
}

/* A data access of size bytes at lin has been checked and is about to happen. */
static inline void watch_check(struct interp_cpu *s, uint64_t lin, unsigned size, bool write)
{
	const struct debug_points *dp = s->cpu->debug_points;
	const struct debug_point *w;

	if (G_LIKELY(!dp) || s->watch_hit)
		return;
	w = debug_points_watch_hit(dp, lin, size, write);
	if (w) {
		/* a trap after the instruction, as DR7 data breakpoints are (SDM vol. 3B §17.3.1.2) */
		s->watch_hit = true;
		s->watch_type = w->type;
		s->watch_addr = w->addr;
	}
}

/* ---- linear ---- */

static inline struct tlb_entry *tlb_lookup(struct interp_cpu *s, uint64_t lin, bool user)
{
	return &s->tlb[user][(lin >> 12) & (TLB_SIZE - 1)];
}

static uint64_t lin_read_page(struct interp_cpu *s, uint64_t lin, unsigned size, int acc, bool user)
{
	struct tlb_entry *e = tlb_lookup(s, lin, user);
	uint64_t page = lin & ~0xfffULL;
	if (e->tag_read != page)
		x86_translate(s, lin, acc, user);
	watch_check(s, lin, size, false);
	if (e->host_r) {
		uint64_t v = 0;
		memcpy(&v, (uint8_t *)e->host_r + (lin & 0xfff), size);
		return v;
	}
	return s->mem->read(s->mem_opaque, e->paddr | (lin & 0xfff), size);
}

static uint64_t lin_read(struct interp_cpu *s, uint64_t lin, unsigned size, int acc, bool user)
{
	if (!s->lma)
		lin &= 0xffffffff;
	if (G_LIKELY((lin & 0xfff) + size <= 0x1000))
		return lin_read_page(s, lin, size, acc, user);
	uint64_t v = 0;
	for (unsigned k = 0; k < size; k++) {
		uint64_t a = lin + k;
		if (!s->lma)
			a &= 0xffffffff;
		v |= lin_read_page(s, a, 1, acc, user) << (8 * k);
	}
	return v;
}

static void lin_write_page(struct interp_cpu *s, uint64_t lin, unsigned size, uint64_t v, bool user)
{
	struct tlb_entry *e = tlb_lookup(s, lin, user);
	uint64_t page = lin & ~0xfffULL;
	if (e->tag_write != page) {
		x86_translate(s, lin, ACC_WRITE, user);
		if (e->tag_write != page) {
			/* WP=0 supervisor write to a read-only page: allowed, not cached */
			uint64_t pa = x86_translate(s, lin, ACC_WRITE, user);
			watch_check(s, lin, size, true);
			x86_phys_write(s, pa, size, v);
			return;
		}
	}
	watch_check(s, lin, size, true);
	if (e->host_w) {
		memcpy((uint8_t *)e->host_w + (lin & 0xfff), &v, size);
		return;
	}
	s->mem->write(s->mem_opaque, e->paddr | (lin & 0xfff), v, size);
}

static void lin_write(struct interp_cpu *s, uint64_t lin, unsigned size, uint64_t v, bool user)
{
	if (!s->lma)
		lin &= 0xffffffff;
	if (G_LIKELY((lin & 0xfff) + size <= 0x1000)) {
		lin_write_page(s, lin, size, v, user);
		return;
	}
	/* both pages must be writable before any byte is written */
	uint64_t second = (lin | 0xfff) + 1;
	if (!s->lma)
		second &= 0xffffffff;
	struct tlb_entry *e = tlb_lookup(s, lin, user);
	if (e->tag_write != (lin & ~0xfffULL))
		x86_translate(s, lin, ACC_WRITE, user);
	e = tlb_lookup(s, second, user);
	if (e->tag_write != second)
		x86_translate(s, second, ACC_WRITE, user);
	for (unsigned k = 0; k < size; k++) {
		uint64_t a = lin + k;
		if (!s->lma)
			a &= 0xffffffff;
		lin_write_page(s, a, 1, v >> (8 * k), user);
	}
}

uint64_t x86_lin_read(struct interp_cpu *s, uint64_t lin, unsigned size, int acc)
{
	return lin_read(s, lin, size, acc, s->cpl == 3);
}

void x86_lin_write(struct interp_cpu *s, uint64_t lin, unsigned size, uint64_t v)
{
	lin_write(s, lin, size, v, s->cpl == 3);
}

uint64_t x86_lin_read_sys(struct interp_cpu *s, uint64_t lin, unsigned size)
{
	return lin_read(s, lin, size, ACC_READ, false);
}

void x86_lin_write_sys(struct interp_cpu *s, uint64_t lin, unsigned size, uint64_t v)
{
	lin_write(s, lin, size, v, false);
}

/* Host pointer for the page of lin if it is RAM (faults like an access would). */
uint8_t *x86_lin_ptr(struct interp_cpu *s, uint64_t lin, int acc, bool user)
{
	if (!s->lma)
		lin &= 0xffffffff;
	struct tlb_entry *e = tlb_lookup(s, lin, user);
	uint64_t page = lin & ~0xfffULL;
	if (acc == ACC_WRITE) {
		if (e->tag_write != page)
			x86_translate(s, lin, acc, user);
		if (e->tag_write != page || !e->host_w)
			return NULL;
		return (uint8_t *)e->host_w + (lin & 0xfff);
	}
	if (e->tag_read != page) {
		x86_translate(s, lin, acc, user);
		if (G_UNLIKELY(page_watched(s, page)))
			return NULL;	/* the caller's slow path checks each access */
	}
	if (!e->host_r)
		return NULL;
	return (uint8_t *)e->host_r + (lin & 0xfff);
}

unsigned x86_fetch(struct interp_cpu *s, uint64_t lin, uint8_t *buf, unsigned n)
{
	bool user = s->cpl == 3;
	if (!s->lma)
		lin &= 0xffffffff;
	struct tlb_entry *e = &s->tlb_code[user][(lin >> 12) & (TLB_SIZE - 1)];
	uint64_t page = lin & ~0xfffULL;
	if (e->tag_code != page) {
		x86_translate(s, lin, ACC_CODE, user);
		if (e->tag_code != page)	/* NX: the walk faulted already */
			x86_raise(s, EXCP_PF, 0);
	}
	unsigned room = 0x1000 - (lin & 0xfff);
	if (n > room)
		n = room;
	if (e->host_r) {
		memcpy(buf, (uint8_t *)e->host_r + (lin & 0xfff), n);
	} else {
		for (unsigned k = 0; k < n; k++)
			buf[k] = s->mem->read(s->mem_opaque, e->paddr | ((lin + k) & 0xfff), 1);
	}
	return n;
}

/* ---- segmentation ---- */

uint64_t x86_seg_linear(struct interp_cpu *s, int seg, uint64_t off, unsigned size, bool write)
{
	CPUX86State *env = s->env;
	const struct segment_cache *sc = &env->segs[seg];
	int excp = seg == R_SS ? EXCP_SS : EXCP_GP;

	if (s->code_bits == 64) {
		uint64_t lin = off;
		if (seg >= R_FS)
			lin += sc->base;
		if (!x86_canonical(lin) || !x86_canonical(lin + size - 1))
			x86_raise(s, excp, 0);
		return lin;
	}
	off &= 0xffffffff;
	if (x86_pe(s) && !x86_vm86(s)) {
		uint32_t type = (sc->flags >> SEG_TYPE_SHIFT) & 0xf;
		if (!(sc->flags & SEG_P))
			x86_raise(s, excp, 0);
		if (type & 8) {		/* code */
			if (write || !(type & 2))
				x86_raise(s, excp, 0);
		} else if (write && !(type & 2)) {
			x86_raise(s, excp, 0);
		}
		if (!(type & 8) && (type & 4)) {	/* expand-down */
			uint64_t upper = sc->flags & SEG_DB ? 0xffffffff : 0xffff;
			if (off <= sc->limit || off + size - 1 > upper)
				x86_raise(s, excp, 0);
			return (sc->base + off) & 0xffffffff;
		}
	}
	if (sc->limit != 0xffffffff && off + size - 1 > sc->limit)
		x86_raise(s, excp, 0);
	return (sc->base + off) & 0xffffffff;
}

uint64_t x86_mem_read_slow(struct interp_cpu *s, int seg, uint64_t off, unsigned size)
{
	uint64_t lin = x86_seg_linear(s, seg, off, size, false);
	return lin_read(s, lin, size, ACC_READ, s->cpl == 3);
}

void x86_mem_write_slow(struct interp_cpu *s, int seg, uint64_t off, unsigned size, uint64_t v)
{
	uint64_t lin = x86_seg_linear(s, seg, off, size, true);
	lin_write(s, lin, size, v, s->cpl == 3);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CPUX86State <-> KVM structures (accel/kvm/kvm-cpu-state.c): every
 * conversion round-trips, and the places where the two layouts differ are
 * checked against the SDM: x87 ST(i) vs physical registers and the
 * abridged tag byte (vol. 1 §10.5.1.1), XSTATE_BV init state (vol. 1
 * §13.6), segment attribute bits (vol. 3A §3.4.5), interrupt shadow
 * encoding. Also the names the fallback counters use. No /dev/kvm needed.
 */
#include "kemu/common.h"
#include "accel/kvm/kvm-cpu-state.h"
#include "accel/kvm/kvm-int.h"

static void fill_random(void *p, size_t n, GRand *r)
{
	uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = g_rand_int(r);
}

static void test_kvm_regs_round_trip(void)
{
	g_autoptr(GRand) r = g_rand_new_with_seed(1);
	CPUX86State a = { 0 }, b = { 0 };
	struct kvm_regs kr;

	fill_random(a.regs, sizeof(a.regs), r);
	a.rip = 0xffffffff81000000ULL;
	a.rflags = 0x246;
	kvm_regs_from_env(&kr, &a);
	g_assert_cmphex(kr.rsp, ==, a.regs[R_ESP]);
	g_assert_cmphex(kr.r15, ==, a.regs[R_R15]);
	env_from_kvm_regs(&b, &kr);
	g_assert_cmpmem(a.regs, sizeof(a.regs), b.regs, sizeof(b.regs));
	g_assert_cmphex(b.rip, ==, a.rip);
	g_assert_cmphex(b.rflags, ==, 0x246);
}

static void test_kvm_segment_attribute_bits_match_descriptor_layout(void)
{
	/* 64-bit code, DPL 3: access byte 0xfb, flags nibble L=1 G=1 */
	struct segment_cache sc = { .selector = 0x33, .base = 0x1000, .limit = 0xffffffff,
		.flags = (0xb << SEG_TYPE_SHIFT) | SEG_S | (3 << SEG_DPL_SHIFT) | SEG_P | SEG_L | SEG_G };
	struct segment_cache back;
	struct kvm_segment ks;

	kvm_segment_from_cache(&ks, &sc);
	g_assert_cmpuint(ks.type, ==, 0xb);
	g_assert_cmpuint(ks.s, ==, 1);
	g_assert_cmpuint(ks.dpl, ==, 3);
	g_assert_cmpuint(ks.present, ==, 1);
	g_assert_cmpuint(ks.l, ==, 1);
	g_assert_cmpuint(ks.db, ==, 0);
	g_assert_cmpuint(ks.g, ==, 1);
	g_assert_cmpuint(ks.unusable, ==, 0);
	g_assert_cmphex((sc.flags >> 8) & 0xff, ==, 0xfb);
	segment_cache_from_kvm(&back, &ks);
	g_assert_cmphex(back.flags, ==, sc.flags);
	g_assert_cmphex(back.base, ==, sc.base);
	g_assert_cmphex(back.limit, ==, sc.limit);
	g_assert_cmphex(back.selector, ==, sc.selector);

	/* a not-present (null) segment is unusable for KVM, and stays not present */
	memset(&sc, 0, sizeof(sc));
	kvm_segment_from_cache(&ks, &sc);
	g_assert_cmpuint(ks.unusable, ==, 1);
	ks.present = 1;		/* KVM may report present+unusable */
	segment_cache_from_kvm(&back, &ks);
	g_assert_false(back.flags & SEG_P);
}

static void test_kvm_sregs_round_trip(void)
{
	CPUX86State a = { 0 }, b = { 0 };
	struct kvm_sregs ks;

	for (int i = 0; i < 6; i++)
		a.segs[i] = (struct segment_cache){ .selector = 0x10 + 8 * i, .base = 0x100 * i,
			.limit = 0xfffff, .flags = (3 << SEG_TYPE_SHIFT) | SEG_S | SEG_P | SEG_DB };
	a.tr = (struct segment_cache){ .selector = 0x40, .base = 0x5000, .limit = 0x67,
		.flags = (0xb << SEG_TYPE_SHIFT) | SEG_P };
	a.ldt = (struct segment_cache){ .selector = 0, .flags = 0 };
	a.gdt = (struct descriptor_table){ .base = 0x6000, .limit = 0x7f };
	a.idt = (struct descriptor_table){ .base = 0x7000, .limit = 0x7ff };
	a.cr[0] = 0x80050033;
	a.cr[2] = 0xdeadb000;
	a.cr[3] = 0x1000;
	a.cr[4] = 0x6f0;
	a.cr8 = 5;
	a.efer = EFER_LME | EFER_LMA | EFER_SCE | EFER_NXE;
	a.apic_base = 0xfee00000 | MSR_IA32_APICBASE_ENABLE | MSR_IA32_APICBASE_BSP;
	a.injected_irq = 0x31;
	kvm_sregs_from_env(&ks, &a);
	g_assert_cmphex(ks.interrupt_bitmap[0], ==, 1ULL << 0x31);
	env_from_kvm_sregs(&b, &ks);
	g_assert_cmpmem(a.segs, sizeof(a.segs), b.segs, sizeof(b.segs));
	g_assert_cmpmem(&a.tr, sizeof(a.tr), &b.tr, sizeof(b.tr));
	g_assert_cmphex(b.gdt.base, ==, a.gdt.base);
	g_assert_cmphex(b.idt.limit, ==, a.idt.limit);
	g_assert_cmpmem(a.cr, sizeof(a.cr), b.cr, sizeof(b.cr));
	g_assert_cmphex(b.cr8, ==, 5);
	g_assert_cmphex(b.efer, ==, a.efer);
	g_assert_cmphex(b.apic_base, ==, a.apic_base);
	g_assert_cmpint(b.injected_irq, ==, 0x31);

	a.injected_irq = -1;
	kvm_sregs_from_env(&ks, &a);
	env_from_kvm_sregs(&b, &ks);
	g_assert_cmpint(b.injected_irq, ==, -1);
}

/* A state with TOP = 6, ST(0) = 1.0 in physical register 6, ST(1) = 0.0 in 7. */
static void x87_sample(CPUX86State *e)
{
	memset(e, 0, sizeof(*e));
	e->fpu_control = 0x37f;
	e->fpu_status = 6 << 11;
	e->st[6] = (struct floatx80){ .mantissa = 1ULL << 63, .sign_exponent = 0x3fff };
	e->st[7] = (struct floatx80){ 0 };
	e->st[5] = (struct floatx80){ .mantissa = 0xc000000000000000ULL, .sign_exponent = 0x7fff };
	/* physical 6 valid (00), 7 zero (01), 5 empty (11) despite its NaN bits, rest empty */
	e->fpu_tag = 0x4fff;
	e->fpu_opcode = 0x1e8;
	e->fpu_ip = 0x401000;
	e->fpu_dp = 0x602000;
	e->mxcsr = 0x1f80;
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 16; j++) {
			e->xmm[i].b[j] = i * 16 + j;
			e->ymmh[i].b[j] = 0xff - (i * 16 + j);
		}
}

static void test_kvm_x87_tag_word_abridged_both_ways(void)
{
	CPUX86State e;

	x87_sample(&e);
	g_assert_cmphex(x87_tag_word_to_abridged(e.fpu_tag), ==, 0xc0);
	g_assert_cmphex(x87_abridged_to_tag_word(0xc0, e.st, 6), ==, 0x4fff);
	/* special values: denormal and unnormal tag as 10 */
	e.st[0] = (struct floatx80){ .mantissa = 1, .sign_exponent = 0 };
	e.st[1] = (struct floatx80){ .mantissa = 1, .sign_exponent = 0x4000 };
	g_assert_cmphex(x87_abridged_to_tag_word(0x03, e.st, 0) & 0xf, ==, 0xa);
	g_assert_cmphex(x87_tag_word_to_abridged(0xffff), ==, 0);
	g_assert_cmphex(x87_abridged_to_tag_word(0, e.st, 0), ==, 0xffff);
}

static void test_kvm_fpu_round_trip_st_is_top_relative(void)
{
	CPUX86State a, b;
	struct kvm_fpu f;

	x87_sample(&a);
	kvm_fpu_from_env(&f, &a);
	/* fpr[0] is ST(0) = physical register TOP = 6 */
	g_assert_cmphex(ldq_le_p(f.fpr[0]), ==, 1ULL << 63);
	g_assert_cmphex(lduw_le_p(f.fpr[0] + 8), ==, 0x3fff);
	g_assert_cmphex(f.ftwx, ==, 0xc0);
	g_assert_cmphex(f.fsw, ==, 6 << 11);
	memset(&b, 0x5a, sizeof(b));
	env_from_kvm_fpu(&b, &f);
	g_assert_cmphex(b.fpu_tag, ==, a.fpu_tag);
	for (int i = 0; i < 8; i++) {
		g_assert_cmphex(b.st[i].mantissa, ==, a.st[i].mantissa);
		g_assert_cmphex(b.st[i].sign_exponent, ==, a.st[i].sign_exponent);
	}
	g_assert_cmphex(b.fpu_ip, ==, a.fpu_ip);
	g_assert_cmphex(b.fpu_dp, ==, a.fpu_dp);
	g_assert_cmphex(b.fpu_opcode, ==, a.fpu_opcode);
	g_assert_cmpmem(b.xmm, sizeof(b.xmm), a.xmm, sizeof(a.xmm));
	g_assert_cmphex(b.mxcsr, ==, 0x1f80);
}

static void test_kvm_xsave_round_trip_and_init_state(void)
{
	CPUX86State a, b;
	g_autofree uint8_t *buf = g_malloc0(4096);

	x87_sample(&a);
	a.xcr0 = XSTATE_FP | XSTATE_SSE | XSTATE_YMM;
	kvm_xsave_from_env(buf, &a);
	g_assert_cmphex(ldq_le_p(buf + XSAVE_HDR_OFFSET), ==, 7);
	g_assert_cmphex(buf[4], ==, 0xc0);
	g_assert_cmphex(ldl_le_p(buf + 24), ==, 0x1f80);
	memset(&b, 0, sizeof(b));
	b.xcr0 = a.xcr0;
	env_from_kvm_xsave(&b, buf);
	g_assert_cmphex(b.fpu_tag, ==, a.fpu_tag);
	for (int i = 0; i < 8; i++) {
		g_assert_cmphex(b.st[i].mantissa, ==, a.st[i].mantissa);
		g_assert_cmphex(b.st[i].sign_exponent, ==, a.st[i].sign_exponent);
	}
	g_assert_cmpmem(b.xmm, sizeof(b.xmm), a.xmm, sizeof(a.xmm));
	g_assert_cmpmem(b.ymmh, sizeof(b.ymmh), a.ymmh, sizeof(a.ymmh));
	g_assert_cmphex(b.fpu_ip, ==, a.fpu_ip);

	/* XSTATE_BV = 0: every component in its initial state, whatever the area holds */
	stq_le_p(buf + XSAVE_HDR_OFFSET, 0);
	env_from_kvm_xsave(&b, buf);
	g_assert_cmphex(b.fpu_control, ==, 0x37f);
	g_assert_cmphex(b.fpu_tag, ==, 0xffff);
	g_assert_cmphex(b.mxcsr, ==, 0x1f80);
	g_assert_cmphex(b.xmm[3].q[0], ==, 0);
	g_assert_cmphex(b.ymmh[3].q[1], ==, 0);

	/* without AVX enabled no YMM component is written */
	a.xcr0 = XSTATE_FP | XSTATE_SSE;
	kvm_xsave_from_env(buf, &a);
	g_assert_cmphex(ldq_le_p(buf + XSAVE_HDR_OFFSET), ==, 3);
	g_assert_cmphex(ldq_le_p(buf + XSAVE_YMMH_OFFSET), ==, 0);
}

static void test_kvm_msrs_round_trip_every_listed_index(void)
{
	CPUX86State a = { 0 }, b = { 0 };

	for (unsigned i = 0; i < kvm_msr_indices_count; i++)
		g_assert_true(kvm_msr_set_in_env(&a, kvm_msr_indices[i], 0x1000 + i));
	for (unsigned i = 0; i < kvm_msr_indices_count; i++) {
		uint64_t v = 0;

		g_assert_true(kvm_msr_get_from_env(&a, kvm_msr_indices[i], &v));
		g_assert_cmphex(v, ==, 0x1000 + i);	/* every index has its own field */
		g_assert_true(kvm_msr_set_in_env(&b, kvm_msr_indices[i], v));
	}
	g_assert_cmpmem(&a, sizeof(a), &b, sizeof(b));
	g_assert_cmphex(a.segs[R_FS].base, !=, 0);	/* FS.base is MSR_FSBASE */
	g_assert_false(kvm_msr_set_in_env(&a, 0x12345678, 1));
}

static void test_kvm_vcpu_events_round_trip_and_shadow_encoding(void)
{
	CPUX86State a = { 0 }, b = { 0 };
	struct kvm_vcpu_events ev;

	a.exception_pending = true;
	a.exception_nr = 14;
	a.exception_has_error_code = true;
	a.exception_error_code = 6;
	a.injected_irq = 0x20;
	a.interrupt_shadow = 1;		/* kemu: sti */
	a.nmi_pending = true;
	a.nmi_masked = true;
	kvm_vcpu_events_from_env(&ev, &a);
	g_assert_cmpuint(ev.interrupt.shadow, ==, KVM_X86_SHADOW_INT_STI);
	g_assert_true(ev.flags & KVM_VCPUEVENT_VALID_SHADOW);
	g_assert_true(ev.flags & KVM_VCPUEVENT_VALID_NMI_PENDING);
	env_from_kvm_vcpu_events(&b, &ev);
	g_assert_true(b.exception_pending);
	g_assert_cmpuint(b.exception_nr, ==, 14);
	g_assert_true(b.exception_has_error_code);
	g_assert_cmpuint(b.exception_error_code, ==, 6);
	g_assert_cmpint(b.injected_irq, ==, 0x20);
	g_assert_cmpuint(b.interrupt_shadow, ==, 1);
	g_assert_true(b.nmi_pending);
	g_assert_true(b.nmi_masked);
	a.interrupt_shadow = 2;		/* kemu: mov ss */
	a.injected_irq = -1;
	kvm_vcpu_events_from_env(&ev, &a);
	g_assert_cmpuint(ev.interrupt.shadow, ==, KVM_X86_SHADOW_INT_MOV_SS);
	g_assert_cmpuint(ev.interrupt.injected, ==, 0);
	env_from_kvm_vcpu_events(&b, &ev);
	g_assert_cmpuint(b.interrupt_shadow, ==, 2);
	g_assert_cmpint(b.injected_irq, ==, -1);
}

static void test_kvm_debugregs_and_mp_state_round_trip(void)
{
	CPUX86State a = { 0 }, b = { 0 };
	struct kvm_debugregs dr;

	for (int i = 0; i < 4; i++)
		a.dr[i] = 0x1000 * (i + 1);
	a.dr[6] = 0xffff0ff0;
	a.dr[7] = 0x400 | 3;
	kvm_debugregs_from_env(&dr, &a);
	env_from_kvm_debugregs(&b, &dr);
	g_assert_cmpmem(a.dr, sizeof(a.dr), b.dr, sizeof(b.dr));

	a.halted = true;
	g_assert_cmpuint(kvm_mp_state_from_env(&a), ==, KVM_MP_STATE_HALTED);
	a.wait_for_sipi = true;
	g_assert_cmpuint(kvm_mp_state_from_env(&a), ==, KVM_MP_STATE_INIT_RECEIVED);
	env_from_kvm_mp_state(&b, KVM_MP_STATE_INIT_RECEIVED);
	g_assert_true(b.wait_for_sipi);
	env_from_kvm_mp_state(&b, KVM_MP_STATE_RUNNABLE);
	g_assert_false(b.wait_for_sipi || b.halted);
}

static void test_kvm_env_changed_parts_names_each_part(void)
{
	CPUX86State a = { 0 }, b;

	a.injected_irq = -1;
	b = a;
	g_assert_cmphex(kvm_env_changed_parts(&a, &b), ==, 0);
	b.rip++;
	g_assert_cmphex(kvm_env_changed_parts(&a, &b), ==, KVM_STATE_REGS);
	b = a;
	b.segs[R_CS].selector = 8;
	g_assert_cmphex(kvm_env_changed_parts(&a, &b), ==, KVM_STATE_SREGS);
	b = a;
	b.cr[0] |= CR0_PE;
	g_assert_cmphex(kvm_env_changed_parts(&a, &b), ==, KVM_STATE_SREGS);
	b = a;
	b.fpu_status = 0x3800;
	g_assert_cmphex(kvm_env_changed_parts(&a, &b), ==, KVM_STATE_FPU);
	b = a;
	b.xmm[15].b[15] = 1;
	g_assert_cmphex(kvm_env_changed_parts(&a, &b), ==, KVM_STATE_FPU);
	b = a;
	b.xcr0 = 7;
	g_assert_cmphex(kvm_env_changed_parts(&a, &b), ==, KVM_STATE_FPU);
	b = a;
	b.lstar = 0xffffffff81000000ULL;
	g_assert_cmphex(kvm_env_changed_parts(&a, &b), ==, KVM_STATE_MSRS);
	b = a;
	b.dr[7] = 0x400;
	g_assert_cmphex(kvm_env_changed_parts(&a, &b), ==, KVM_STATE_DEBUG);
	b = a;
	b.interrupt_shadow = 1;
	g_assert_cmphex(kvm_env_changed_parts(&a, &b), ==, KVM_STATE_EVENTS);
	b = a;
	b.halted = true;
	g_assert_cmphex(kvm_env_changed_parts(&a, &b), ==, KVM_STATE_MP);
}

static void check_name(const char *bytes_hex, bool code64, const char *want)
{
	uint8_t b[15];
	unsigned n = 0;
	g_autofree char *got = NULL;

	for (const char *p = bytes_hex; *p && n < sizeof(b); ) {
		char *end;

		b[n++] = strtoul(p, &end, 16);
		p = end;
		while (*p == ' ')
			p++;
	}
	got = kvm_insn_name(b, n, code64);
	g_assert_cmpstr(got, ==, want);
}

static void test_kvm_fallback_names_for_known_failures(void)
{
	check_name("db e3", false, "fninit");
	check_name("9b db e3", false, "finit");
	check_name("9b", false, "fwait");
	check_name("df e0", false, "fnstsw");
	check_name("cf", false, "iret");
	check_name("66 cf", false, "iret");
	check_name("48 cf", true, "iretq");
	check_name("cd 21", false, "int 0x21");
	check_name("0f ae 2f", false, "xrstor");
	check_name("48 0f ae 2f", true, "xrstor");
	check_name("48 0f c7 0f", true, "cmpxchg16b");
	check_name("0f c7 0f", false, "cmpxchg8b");
	check_name("f3 0f 1e c8", false, "rdsspd");
	check_name("f3 48 0f 1e c8", true, "rdsspq");
	check_name("d9 e8", false, "x87 d9 e8");
	check_name("90", false, "90");
	check_name("66", false, "(no bytes)");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/kvm/state/regs", test_kvm_regs_round_trip);
	g_test_add_func("/kvm/state/segment-bits", test_kvm_segment_attribute_bits_match_descriptor_layout);
	g_test_add_func("/kvm/state/sregs", test_kvm_sregs_round_trip);
	g_test_add_func("/kvm/state/x87-tags", test_kvm_x87_tag_word_abridged_both_ways);
	g_test_add_func("/kvm/state/fpu", test_kvm_fpu_round_trip_st_is_top_relative);
	g_test_add_func("/kvm/state/xsave", test_kvm_xsave_round_trip_and_init_state);
	g_test_add_func("/kvm/state/msrs", test_kvm_msrs_round_trip_every_listed_index);
	g_test_add_func("/kvm/state/events", test_kvm_vcpu_events_round_trip_and_shadow_encoding);
	g_test_add_func("/kvm/state/debugregs-mp-state", test_kvm_debugregs_and_mp_state_round_trip);
	g_test_add_func("/kvm/state/changed-parts", test_kvm_env_changed_parts_names_each_part);
	g_test_add_func("/kvm/fallback/names", test_kvm_fallback_names_for_known_failures);
	return g_test_run();
}

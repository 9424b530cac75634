// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The KVM emulation-failure fallback (kvm_vcpu_handle_emulation_failure in
 * accel/kvm/kvm-cpu.c) against an exit recorded on a PVM host: a 32-bit
 * non-paged protected-mode `iretd` that KVM's instruction emulator refused
 * (KVM_EXIT_INTERNAL_ERROR, suberror 1 = KVM_INTERNAL_ERROR_EMULATION, with
 * the instruction bytes). No /dev/kvm needed: the vCPU's state get/put are
 * replaced by the recorded registers. Checks that the state is fetched,
 * the instruction executed, the new state put back, the fallback counted
 * per mnemonic, and that failures stop the VM with a message, not a loop.
 */
#include "kemu/common.h"
#include "accel/kvm/kvm-int.h"
#include "accel/kvm/kvm-cpu-state.h"
#include "accel/kvm.h"
#include "target/i386/interp.h"

/* Recorded with tests/unit/test-kvm-pvm-fallback -v on a PVM host. */
static const struct kvm_regs rec_regs = {
	.rbx = 0x1111, .rdx = 0x600, .rsp = 0x7ff4, .rip = 0x100d, .rflags = 0x2,
};
#define SEG32(sel_, ty_) { .selector = (sel_), .base = 0, .limit = 0xffffffff, .type = (ty_), \
			   .present = 1, .s = 1, .db = 1, .g = 1 }
static const struct kvm_sregs rec_sregs = {
	.cs = SEG32(8, 0xb), .ds = SEG32(0x10, 3), .es = SEG32(0x10, 3), .ss = SEG32(0x10, 3),
	.fs = SEG32(0x10, 3), .gs = SEG32(0x10, 3),
	.ldt = { .limit = 0xffff, .type = 2, .present = 1 },
	.tr = { .limit = 0xffff, .type = 0xb, .present = 1 },
	.gdt = { .base = 0x500, .limit = 0x17 }, .idt = { .base = 0, .limit = 0xffff },
	.cr0 = 0x31,
};
static const uint8_t rec_insn[15] = { 0xcf, 0xb0, 0xee, 0xe6, 0x85, 0xf4 };

static uint8_t ram[0x10000];		/* the guest's first 64 KiB */
static struct kvm_regs put_regs;
static struct kvm_sregs put_sregs;
static unsigned nr_gets, nr_puts;

static bool fake_get(struct kvm_vcpu *v, unsigned parts, GError **errp)
{
	if (parts & KVM_STATE_REGS)
		env_from_kvm_regs(&v->cpu->env, &rec_regs);
	if (parts & KVM_STATE_SREGS)
		env_from_kvm_sregs(&v->cpu->env, &rec_sregs);
	nr_gets++;
	return true;
}

static bool fake_put(struct kvm_vcpu *v, unsigned parts, enum kvm_put_level level,
		     GError **errp)
{
	/* this iret changed only general registers, rip and rflags: only those go back */
	g_assert_cmphex(parts, ==, KVM_STATE_REGS);
	g_assert_cmpint(level, ==, KVM_PUT_RUNTIME);	/* never rewrites the TSC */
	kvm_regs_from_env(&put_regs, &v->cpu->env);
	kvm_sregs_from_env(&put_sregs, &v->cpu->env);
	nr_puts++;
	return true;
}

static const struct kvm_vcpu_state_ops fake_state_ops = { .get = fake_get, .put = fake_put };

struct fake_vcpu {
	struct kvm_state s;
	struct x86_cpu cpu;
	struct kvm_vcpu v;
	struct kvm_run run;
};

static struct fake_vcpu *fake_vcpu_new(kvm_emulate_fn emulate)
{
	struct fake_vcpu *f = g_new0(struct fake_vcpu, 1);
	struct kvm_run *run = &f->run;

	g_mutex_init(&f->s.slots_lock);
	f->v.s = &f->s;
	f->v.cpu = &f->cpu;
	f->v.fd = -1;
	f->v.run = run;
	f->v.state_ops = &fake_state_ops;
	f->v.emulate = emulate;
	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->emulation_failure.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run->emulation_failure.ndata = 8;
	run->emulation_failure.flags = KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
	run->emulation_failure.insn_size = 15;
	memcpy(run->emulation_failure.insn_bytes, rec_insn, 15);
	/* the GDT the guest loaded (null, flat code 8, flat data 0x10) and its stack: EIP, CS, EFLAGS */
	memset(ram, 0, sizeof(ram));
	stq_le_p(ram + 0x508, 0x00cf9b000000ffffULL);
	stq_le_p(ram + 0x510, 0x00cf93000000ffffULL);
	memcpy(ram + 0x100d, rec_insn, sizeof(rec_insn));
	stl_le_p(ram + 0x7ff4, 0x1020);
	stl_le_p(ram + 0x7ff8, 0x8);
	stl_le_p(ram + 0x7ffc, 0x2);
	nr_gets = nr_puts = 0;
	kvm_emul_stats_reset();
	return f;
}

static void fake_vcpu_free(struct fake_vcpu *f)
{
	g_mutex_clear(&f->s.slots_lock);
	g_free(f);
}

/* What the interpreter does for this iretd: same-privilege return, flat segments. */
static bool test_emulate_iret(struct x86_cpu *cpu, GError **errp)
{
	CPUX86State *env = &cpu->env;
	uint32_t esp = env->regs[R_ESP];

	g_assert_cmphex(env->rip, ==, 0x100d);
	g_assert_cmphex(env->segs[R_CS].flags & SEG_DB, ==, SEG_DB);
	env->rip = ldl_le_p(ram + esp);
	env->segs[R_CS].selector = ldl_le_p(ram + esp + 4);
	env->rflags = ldl_le_p(ram + esp + 8) | X86_EFLAGS_FIXED;
	env->regs[R_ESP] = esp + 12;
	return true;
}

static void test_kvm_fallback_recorded_iret_is_emulated_and_state_put_back(void)
{
	struct fake_vcpu *f = fake_vcpu_new(test_emulate_iret);
	g_autoptr(GError) err = NULL;
	g_autofree char *stats = NULL;

	g_assert_true(kvm_vcpu_handle_emulation_failure(&f->v, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(nr_gets, ==, 1);	/* regs+sregs once: enough for iret */
	g_assert_cmpuint(nr_puts, ==, 1);
	g_assert_cmphex(put_regs.rip, ==, 0x1020);
	g_assert_cmphex(put_regs.rsp, ==, 0x8000);
	g_assert_cmphex(put_regs.rbx, ==, 0x1111);
	g_assert_cmphex(put_sregs.cs.selector, ==, 8);
	g_assert_cmphex(put_sregs.cr0, ==, 0x31);
	g_assert_cmpuint(f->v.nr_fallbacks, ==, 1);
	g_assert_cmpuint(kvm_emul_count_total(), ==, 1);
	stats = kvm_emul_stats_format();
	g_assert_cmpstr(stats, ==, "iret 1\n");
	fake_vcpu_free(f);
}

static bool test_emulate_refuse(struct x86_cpu *cpu, GError **errp)
{
	g_set_error(errp, KEMU_ERROR, 0, "#UD");
	return false;
}

static void test_kvm_fallback_emulator_failure_is_reported_not_resumed(void)
{
	struct fake_vcpu *f = fake_vcpu_new(test_emulate_refuse);
	g_autoptr(GError) err = NULL;

	g_assert_false(kvm_vcpu_handle_emulation_failure(&f->v, &err));
	g_assert_nonnull(err);
	g_assert_cmpstr(err->message, ==, "iret at 0008:100d: #UD");
	g_assert_cmpuint(nr_puts, ==, 0);
	g_assert_cmpuint(kvm_emul_count_total(), ==, 0);
	fake_vcpu_free(f);
}

static bool test_emulate_no_progress(struct x86_cpu *cpu, GError **errp)
{
	return true;	/* "succeeds" but leaves rip where it was */
}

static void test_kvm_fallback_without_progress_stops_instead_of_looping(void)
{
	struct fake_vcpu *f = fake_vcpu_new(test_emulate_no_progress);
	g_autoptr(GError) err = NULL;
	unsigned n = 0;

	while (kvm_vcpu_handle_emulation_failure(&f->v, &err))
		g_assert_cmpuint(++n, <, 2000);
	g_assert_nonnull(err);
	g_assert_true(strstr(err->message, "without progress"));
	fake_vcpu_free(f);
}

/* The real interpreter, where it is linked in, on the same recorded exit. */
static uint8_t *ram_ptr(void *opaque, uint64_t paddr, bool write)
{
	return paddr < sizeof(ram) ? ram + paddr : NULL;
}

static uint64_t mem_read(void *opaque, uint64_t paddr, unsigned size)
{
	return ~0ULL;
}

static void mem_write(void *opaque, uint64_t paddr, uint64_t value, unsigned size)
{
}

static uint64_t io_read(void *opaque, uint16_t port, unsigned size)
{
	return ~0ULL;
}

static void io_write(void *opaque, uint16_t port, uint64_t value, unsigned size)
{
}

static int64_t clock_ns(void *opaque)
{
	return 0;
}

static const struct interp_mem_ops test_mem = {
	.ram_ptr = ram_ptr, .read = mem_read, .write = mem_write,
	.io_read = io_read, .io_write = io_write, .clock_ns = clock_ns,
};

static void test_kvm_fallback_recorded_iret_with_kemu_interpreter(void)
{
	struct fake_vcpu *f = fake_vcpu_new(interp_emulate_one);
	g_autoptr(GError) err = NULL;
	bool ok;

	interp_cpu_set_memory(&f->cpu, &test_mem, NULL);
	ok = kvm_vcpu_handle_emulation_failure(&f->v, &err);
	if (!ok && strstr(err->message, "not in this build")) {
		g_test_skip("SKIP: kemu's interpreter is not linked in yet");
	} else {
		g_assert_no_error(err);
		g_assert_cmphex(put_regs.rip, ==, 0x1020);
		g_assert_cmphex(put_regs.rsp, ==, 0x8000);
		g_assert_cmphex(put_sregs.cs.selector, ==, 8);
	}
	if (f->cpu.interp)
		interp_cpu_destroy(&f->cpu);
	fake_vcpu_free(f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/kvm/fallback/recorded-iret",
			test_kvm_fallback_recorded_iret_is_emulated_and_state_put_back);
	g_test_add_func("/kvm/fallback/emulator-fails",
			test_kvm_fallback_emulator_failure_is_reported_not_resumed);
	g_test_add_func("/kvm/fallback/no-progress",
			test_kvm_fallback_without_progress_stops_instead_of_looping);
	g_test_add_func("/kvm/fallback/recorded-iret-interp",
			test_kvm_fallback_recorded_iret_with_kemu_interpreter);
	return g_test_run();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * System-level behaviour of the software CPU, checked against the Intel SDM
 * vol. 3A: real-mode interrupts, entry to protected and long mode, page-fault
 * error codes and CR2 (§4.7), privilege changes through interrupt gates and
 * iret back (§6.12), gate DPL checks, #DF and triple fault (§6.15 table 6-5),
 * hostile descriptors, task switches through a task gate (§7.3), syscall/
 * sysret (§5.8.8), the interrupt shadow after sti (§6.8.3), A20 masking.
 *
 * Each test builds descriptor tables and page tables in a flat 4 MiB test
 * RAM from C, places a short snippet (assembled by the host assembler from
 * the asm blocks below), runs the interpreter and looks at the state.
 */
#include "kemu/common.h"
#include "target/i386/internal.h"
#include "accel/accel.h"
#include "target/i386/cpuid.h"

#define RAM_SIZE (4 * MiB)

static uint8_t *ram;
static GString *port_out;
static int caught_vec;
static uint32_t caught_err;
static bool hook_on;

static uint8_t *t_ram_ptr(void *o, uint64_t pa, bool w)
{
	pa &= ~0xfffULL;
	return pa < RAM_SIZE ? ram + pa : NULL;
}
static uint64_t t_read(void *o, uint64_t pa, unsigned size) { return ~0ULL; }
static void t_write(void *o, uint64_t pa, uint64_t v, unsigned size) { }
static uint64_t t_io_read(void *o, uint16_t port, unsigned size) { return 0; }
static void t_io_write(void *o, uint16_t port, uint64_t v, unsigned size)
{
	if (port == 0xe9)
		g_string_append_c(port_out, (char)v);
}
static const struct interp_mem_ops t_ops = {
	.ram_ptr = t_ram_ptr, .read = t_read, .write = t_write,
	.io_read = t_io_read, .io_write = t_io_write,
};

static bool hook(struct interp_cpu *s, int vec, uint32_t err)
{
	if (!hook_on)
		return false;
	caught_vec = vec;
	caught_err = err;
	return true;
}

static struct x86_cpu *new_cpu(void)
{
	struct x86_cpu *cpu = g_new0(struct x86_cpu, 1);
	memset(ram, 0, RAM_SIZE);
	g_string_truncate(port_out, 0);
	x86_cpu_reset(cpu);
	interp_cpu_set_memory(cpu, &t_ops, NULL);
	cpu->interp->exception_hook = hook;
	caught_vec = -1;
	caught_err = 0;
	hook_on = true;
	return cpu;
}

static void free_cpu(struct x86_cpu *cpu)
{
	interp_cpu_destroy(cpu);
	g_free(cpu);
}

/* Run until hlt, an exception caught by the hook, or n instructions. */
static int run(struct x86_cpu *cpu, int n)
{
	struct interp_cpu *s = cpu->interp;
	caught_vec = -1;
	for (int k = 0; k < n; k++) {
		int r = x86_step(s);
		if (r >= 0)
			return r;
		if (caught_vec >= 0 || s->halted_now) {
			s->halted_now = false;
			break;
		}
	}
	return -1;
}

static void put(uint64_t pa, const uint8_t *start, const uint8_t *end)
{
	memcpy(ram + pa, start, end - start);
}

#define SNIPPET(name) extern const uint8_t name[], name##_end[]
#define PUT(pa, name) put(pa, name, name##_end)

/* ---- descriptor helpers ---- */

#define GDT_BASE 0x10000
#define IDT_BASE 0x11000
#define TSS_BASE 0x12000
#define TSS2_BASE 0x12800

static uint64_t seg_desc(uint32_t base, uint32_t limit, unsigned access, unsigned flags)
{
	return (limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) | ((uint64_t)access << 40) |
	       ((uint64_t)((limit >> 16) & 0xf) << 48) | ((uint64_t)(flags & 0xf) << 52) |
	       ((uint64_t)(base >> 24) << 56);
}

static void gdt_set(int idx, uint64_t d)
{
	stq_le_p(ram + GDT_BASE + idx * 8, d);
}

static void idt32_set(int vec, uint16_t sel, uint32_t off, unsigned type, unsigned dpl)
{
	uint64_t d = (off & 0xffff) | ((uint64_t)sel << 16) |
		     ((uint64_t)(0x80 | (dpl << 5) | type) << 40) | ((uint64_t)(off >> 16) << 48);
	stq_le_p(ram + IDT_BASE + vec * 8, d);
}

static void idt64_set(int vec, uint16_t sel, uint64_t off, unsigned type, unsigned dpl, unsigned ist)
{
	uint64_t d = (off & 0xffff) | ((uint64_t)sel << 16) | ((uint64_t)ist << 32) |
		     ((uint64_t)(0x80 | (dpl << 5) | type) << 40) | ((uint64_t)((off >> 16) & 0xffff) << 48);
	stq_le_p(ram + IDT_BASE + vec * 16, d);
	stq_le_p(ram + IDT_BASE + vec * 16 + 8, off >> 32);
}

/* GDT: 1 code32 DPL0, 2 data32 DPL0, 3 code32 DPL3, 4 data32 DPL3, 5 TSS, 6 code64 DPL0,
 * 7 data DPL0 (for syscall: star points here), 8 code32 DPL3 compat, 9 data DPL3, 10 code64 DPL3,
 * 11 TSS2 */
static void setup_gdt(void)
{
	gdt_set(1, seg_desc(0, 0xfffff, 0x9b, 0xc));
	gdt_set(2, seg_desc(0, 0xfffff, 0x93, 0xc));
	gdt_set(3, seg_desc(0, 0xfffff, 0xfb, 0xc));
	gdt_set(4, seg_desc(0, 0xfffff, 0xf3, 0xc));
	gdt_set(5, seg_desc(TSS_BASE, 0x67, 0x89, 0));
	gdt_set(6, seg_desc(0, 0xfffff, 0x9b, 0xa));
	gdt_set(7, seg_desc(0, 0xfffff, 0x93, 0xc));
	gdt_set(8, seg_desc(0, 0xfffff, 0xfb, 0xc));
	gdt_set(9, seg_desc(0, 0xfffff, 0xf3, 0xc));
	gdt_set(10, seg_desc(0, 0xfffff, 0xfb, 0xa));
	gdt_set(11, seg_desc(TSS2_BASE, 0x67, 0x89, 0));
}

/* Flat 32-bit protected mode, CPL0, GDT/IDT/TSS loaded, without paging. */
static void enter_pm32(struct x86_cpu *cpu)
{
	CPUX86State *env = &cpu->env;
	setup_gdt();
	env->gdt.base = GDT_BASE;
	env->gdt.limit = 12 * 8 - 1;
	env->idt.base = IDT_BASE;
	env->idt.limit = 256 * 8 - 1;
	env->cr[0] |= CR0_PE;
	env->cr[0] &= ~(CR0_CD | CR0_NW);
	x86_set_seg_from_desc(&env->segs[R_CS], 0x08, seg_desc(0, 0xfffff, 0x9b, 0xc));
	for (int s = 0; s < 6; s++)
		if (s != R_CS)
			x86_set_seg_from_desc(&env->segs[s], 0x10, seg_desc(0, 0xfffff, 0x93, 0xc));
	x86_set_seg_from_desc(&env->tr, 0x28, seg_desc(TSS_BASE, 0x67, 0x8b, 0));
	env->regs[R_ESP] = 0x80000;
}

/* ---- snippets ---- */

asm(".pushsection .rodata\n"
    /* real mode: int 0x80 through the IVT, handler prints and irets */
    ".globl real_int\nreal_int:\n.code16\n"
    "  int $0x80\n"
    "  mov $'D', %al\n  out %al, $0xe9\n  hlt\n"
    ".globl real_int_end\nreal_int_end:\n"
    ".globl real_handler\nreal_handler:\n"
    "  mov $'R', %al\n  out %al, $0xe9\n  iret\n"
    ".globl real_handler_end\nreal_handler_end:\n"

    /* real mode -> protected mode at 0x7c00: lgdt from 0x7e00, far jump to 32-bit code */
    ".globl to_pm\nto_pm:\n"
    "  cli\n  lgdtl %cs:0x7e00\n"
    "  mov %cr0, %eax\n  or $1, %al\n  mov %eax, %cr0\n"
    "  ljmpl $0x08, $(0x7c00 + pm32 - to_pm)\n"
    ".code32\npm32:\n"
    "  mov $0x10, %ax\n  mov %ax, %ds\n  mov %ax, %ss\n  mov $0x9000, %esp\n"
    "  mov $'P', %al\n  out %al, $0xe9\n"
    /* big real mode: back to real mode with 4G limits in DS */
    "  ljmp $0x18, $(0x7c00 + pm16 - to_pm)\n"
    ".code16\npm16:\n"
    "  mov %cr0, %eax\n  and $0xfe, %al\n  mov %eax, %cr0\n"
    "  ljmp $0, $(0x7c00 + rm_again - to_pm)\n"
    "rm_again:\n"
    "  xor %ax, %ax\n  mov %ax, %ds\n"
    "  movl $0x12345678, %eax\n  addr32 movl %eax, 0x200000\n"	/* beyond 64K: unreal mode */
    "  mov $'U', %al\n  out %al, $0xe9\n  hlt\n"
    ".globl to_pm_end\nto_pm_end:\n"

    /* 32-bit: user code that calls int 0x80 (DPL3 gate) then hlt would #GP */
    ".code32\n"
    ".globl user32\nuser32:\n"
    "  mov $0x1234, %ebx\n  int $0x80\n  mov %eax, %ecx\n  cli\n"
    ".globl user32_end\nuser32_end:\n"
    ".globl k32_handler\nk32_handler:\n"
    "  mov $0x5678, %eax\n  iret\n"
    ".globl k32_handler_end\nk32_handler_end:\n"

    /* long mode entry from 32-bit protected mode: PAE, LME, PG, far jump */
    ".globl to_lm\nto_lm:\n"
    "  mov %cr4, %eax\n  or $0x20, %eax\n  mov %eax, %cr4\n"
    "  mov $0x20000, %eax\n  mov %eax, %cr3\n"
    "  mov $0xc0000080, %ecx\n  rdmsr\n  or $0x901, %eax\n  wrmsr\n"
    "  mov %cr0, %eax\n  or $0x80000000, %eax\n  mov %eax, %cr0\n"
    "  ljmp $0x30, $(0x7c00 + lm64 - to_lm)\n"
    ".code64\nlm64:\n"
    "  mov $0x123456789a, %rax\n  mov %rax, %r15\n"
    "  syscall\n"			/* to LSTAR */
    "  mov $'S', %al\n  out %al, $0xe9\n"
    "  int $0x40\n"			/* IST handler */
    "  mov $'I', %al\n  out %al, $0xe9\n  hlt\n"
    ".globl to_lm_end\nto_lm_end:\n"
    ".globl sys64\nsys64:\n"		/* syscall target: back with sysret (64-bit) */
    "  mov %rsp, %r14\n  mov $'K', %al\n  out %al, $0xe9\n  sysretq\n"
    ".globl sys64_end\nsys64_end:\n"
    ".globl int64\nint64:\n"
    "  mov %rsp, %r13\n  iretq\n"
    ".globl int64_end\nint64_end:\n"

    /* sti shadow: sti; nop; nop */
    ".code32\n.globl sti_nop\nsti_nop:\n  sti\n  nop\n  nop\n  hlt\n.globl sti_nop_end\nsti_nop_end:\n"
    ".globl irq_handler\nirq_handler:\n  mov $'Q', %al\n  out %al, $0xe9\n  iret\n.globl irq_handler_end\nirq_handler_end:\n"

    /* pre-decoded blocks: a store into the next instruction's immediate */
    ".globl smc_block\nsmc_block:\n"
    "  movb $'B', 0x5000 + (1f - smc_block) + 1\n"
    "1: mov $'A', %al\n  out %al, $0xe9\n  hlt\n"
    ".globl smc_block_end\nsmc_block_end:\n"
    /* an exception in the middle of a block */
    ".globl div_block\ndiv_block:\n"
    "  mov $5, %eax\n  xor %edx, %edx\n  xor %ecx, %ecx\n  inc %ebx\n"
    "  div %ecx\n  mov $3, %esi\n  hlt\n"
    ".globl div_block_end\ndiv_block_end:\n"
    ".code64\n.popsection\n");

SNIPPET(smc_block); SNIPPET(div_block);
SNIPPET(real_int); SNIPPET(real_handler); SNIPPET(to_pm); SNIPPET(user32); SNIPPET(k32_handler);
SNIPPET(to_lm); SNIPPET(sys64); SNIPPET(int64); SNIPPET(sti_nop); SNIPPET(irq_handler);

/* ---- tests ---- */

static void test_real_mode_int_goes_through_ivt_and_iret_returns(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	env->segs[R_CS].selector = 0;
	env->segs[R_CS].base = 0;
	env->rip = 0x7c00;
	env->regs[R_ESP] = 0x7000;
	PUT(0x7c00, real_int);
	PUT(0x1000, real_handler);
	stl_le_p(ram + 0x80 * 4, 0x1000);	/* 0000:1000 */
	run(cpu, 100);
	g_assert_cmpstr(port_out->str, ==, "RD");
	g_assert_cmpuint(env->regs[R_ESP], ==, 0x7000);
	free_cpu(cpu);
}

static void test_protected_mode_entry_and_unreal_mode(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	env->segs[R_CS].selector = 0;
	env->segs[R_CS].base = 0;
	env->rip = 0x7c00;
	PUT(0x7c00, to_pm);
	/* GDT at 0x7e10: null, code32, data32 4G, code16 64K */
	uint64_t g[4] = { 0, seg_desc(0, 0xfffff, 0x9b, 0xc), seg_desc(0, 0xfffff, 0x93, 0xc),
			  seg_desc(0, 0xffff, 0x9b, 0) };
	memcpy(ram + 0x7e10, g, sizeof(g));
	stw_le_p(ram + 0x7e00, sizeof(g) - 1);
	stl_le_p(ram + 0x7e02, 0x7e10);
	run(cpu, 200);
	g_assert_cmpstr(port_out->str, ==, "PU");
	g_assert_cmphex(ldl_le_p(ram + 0x200000), ==, 0x12345678);
	g_assert_false(env->cr[0] & CR0_PE);
	g_assert_cmphex(env->segs[R_DS].limit, ==, 0xffffffff);
	free_cpu(cpu);
}

/* 2-level paging: PD at 0x30000, PT for 0-4M at 0x31000 */
static void setup_paging32(struct x86_cpu *cpu, bool wp)
{
	CPUX86State *env = &cpu->env;
	stl_le_p(ram + 0x30000, 0x31000 | 7);
	for (int k = 0; k < 1024; k++)
		stl_le_p(ram + 0x31000 + k * 4, (k << 12) | 7);
	env->cr[3] = 0x30000;
	env->cr[0] |= CR0_PG | (wp ? CR0_WP : 0);
}

static void pte_set(uint32_t lin, uint32_t flags)
{
	stl_le_p(ram + 0x31000 + (lin >> 12) * 4, (lin & ~0xfff) | flags);
}

static void test_page_fault_error_codes_and_cr2(void)
{
	static const struct {
		uint32_t pte;
		bool user, write, wp;
		int vec;
		uint32_t err;
	} cases[] = {
		{ 0x0, false, false, false, EXCP_PF, 0 },		/* not present, read */
		{ 0x0, true, true, false, EXCP_PF, PF_U | PF_W },	/* not present, user write */
		{ 0x5, true, true, false, EXCP_PF, PF_P | PF_W | PF_U },	/* read-only, user */
		{ 0x5, false, true, false, -1, 0 },			/* supervisor, WP=0: allowed */
		{ 0x5, false, true, true, EXCP_PF, PF_P | PF_W },	/* supervisor, WP=1 */
		{ 0x3, true, false, false, EXCP_PF, PF_P | PF_U },	/* supervisor page, user read */
		{ 0x7, true, true, false, -1, 0 },
	};
	for (unsigned k = 0; k < G_N_ELEMENTS(cases); k++) {
		struct x86_cpu *cpu = new_cpu();
		CPUX86State *env = &cpu->env;
		enter_pm32(cpu);
		setup_paging32(cpu, cases[k].wp);
		pte_set(0x200000, cases[k].pte);
		/* mov [0x200010], eax  or  mov eax, [0x200010] */
		static const uint8_t wr[] = { 0xa3, 0x10, 0x00, 0x20, 0x00, 0xeb, 0xfe };
		static const uint8_t rd[] = { 0xa1, 0x10, 0x00, 0x20, 0x00, 0xeb, 0xfe };
		memcpy(ram + 0x5000, cases[k].write ? wr : rd, 7);
		env->rip = 0x5000;
		if (cases[k].user) {
			x86_set_seg_from_desc(&env->segs[R_CS], 0x1b, seg_desc(0, 0xfffff, 0xfb, 0xc));
			for (int s = 0; s < 6; s++)
				if (s != R_CS)
					x86_set_seg_from_desc(&env->segs[s], 0x23, seg_desc(0, 0xfffff, 0xf3, 0xc));
		}
		env->cr[2] = 0;
		run(cpu, 10);
		g_assert_cmpint(caught_vec, ==, cases[k].vec);
		if (cases[k].vec == EXCP_PF) {
			g_assert_cmphex(caught_err, ==, cases[k].err);
			g_assert_cmphex(env->cr[2], ==, 0x200010);
			g_assert_cmphex(env->rip, ==, 0x5000);	/* faults leave RIP at the instruction */
		}
		free_cpu(cpu);
	}
}

static void test_nx_fetch_fault_sets_instruction_bit(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	enter_pm32(cpu);
	/* PAE: PDPT at 0x30000, PD at 0x31000 with 2M pages; 2-4M is NX */
	stq_le_p(ram + 0x30000, 0x31000 | 1);
	stq_le_p(ram + 0x31000, 0x0 | 0x83);
	stq_le_p(ram + 0x31008, 0x200000 | 0x83 | (1ULL << 63));
	env->cr[3] = 0x30000;
	env->cr[4] |= CR4_PAE;
	env->efer |= EFER_NXE;
	env->cr[0] |= CR0_PG;
	ram[0x200000] = 0x90;
	env->rip = 0x200000;
	run(cpu, 5);
	g_assert_cmpint(caught_vec, ==, EXCP_PF);
	g_assert_cmphex(caught_err, ==, PF_P | PF_I);
	g_assert_cmphex(env->cr[2], ==, 0x200000);
	free_cpu(cpu);
}

static void test_reserved_bits_in_page_tables_fault_with_rsvd(void)
{
	/* PAE without EFER.NXE: bit 63 is reserved; bits above MAXPHYADDR too */
	static const uint64_t bad[] = { 1ULL << 63, 1ULL << 45 };
	for (unsigned k = 0; k < G_N_ELEMENTS(bad); k++) {
		struct x86_cpu *cpu = new_cpu();
		CPUX86State *env = &cpu->env;
		enter_pm32(cpu);
		stq_le_p(ram + 0x30000, 0x31000 | 1);
		stq_le_p(ram + 0x31000, 0x0 | 0x83);
		stq_le_p(ram + 0x31008, 0x200000 | 0x83 | bad[k]);
		env->cr[3] = 0x30000;
		env->cr[4] |= CR4_PAE;
		env->cr[0] |= CR0_PG;
		static const uint8_t rd[] = { 0xa1, 0x10, 0x00, 0x20, 0x00, 0xf4 };
		memcpy(ram + 0x5000, rd, sizeof(rd));
		env->rip = 0x5000;
		run(cpu, 2);
		g_assert_cmpint(caught_vec, ==, EXCP_PF);
		g_assert_cmphex(caught_err, ==, PF_P | PF_RSVD);
		g_assert_cmphex(env->cr[2], ==, 0x200010);
		free_cpu(cpu);
	}
}

static void test_lock_prefix_only_on_memory_read_modify_write(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	enter_pm32(cpu);
	/* lock add [0x6000], eax is fine; lock mov [0x6000], eax is #UD */
	static const uint8_t ok[] = { 0xf0, 0x01, 0x05, 0x00, 0x60, 0x00, 0x00 };
	static const uint8_t bad[] = { 0xf0, 0x89, 0x05, 0x00, 0x60, 0x00, 0x00 };
	memcpy(ram + 0x5000, ok, sizeof(ok));
	memcpy(ram + 0x5007, bad, sizeof(bad));
	env->regs[R_EAX] = 5;
	env->rip = 0x5000;
	run(cpu, 2);
	g_assert_cmphex(ldl_le_p(ram + 0x6000), ==, 5);
	g_assert_cmpint(caught_vec, ==, EXCP_UD);
	g_assert_cmphex(env->rip, ==, 0x5007);
	free_cpu(cpu);
}

static void test_ring3_int_through_dpl3_gate_switches_stack_and_iret_returns(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	enter_pm32(cpu);
	hook_on = false;
	PUT(0x6000, user32);
	PUT(0x7000, k32_handler);
	idt32_set(0x80, 0x08, 0x7000, 0xe, 3);
	/* ring 0 stack in the TSS */
	stl_le_p(ram + TSS_BASE + 4, 0x90000);
	stl_le_p(ram + TSS_BASE + 8, 0x10);
	x86_set_seg_from_desc(&env->segs[R_CS], 0x1b, seg_desc(0, 0xfffff, 0xfb, 0xc));
	for (int s = 0; s < 6; s++)
		if (s != R_CS)
			x86_set_seg_from_desc(&env->segs[s], 0x23, seg_desc(0, 0xfffff, 0xf3, 0xc));
	env->regs[R_ESP] = 0x70000;
	env->rflags |= X86_EFLAGS_IF;
	env->rip = 0x6000;
	/* user: mov ebx; int 0x80 -> handler (ring 0) */
	run(cpu, 2);
	g_assert_cmphex(env->segs[R_CS].selector, ==, 0x08);
	g_assert_cmphex(env->segs[R_SS].selector, ==, 0x10);
	g_assert_cmphex(env->regs[R_ESP], ==, 0x90000 - 20);
	g_assert_false(env->rflags & X86_EFLAGS_IF);	/* interrupt gate */
	g_assert_cmphex(ldl_le_p(ram + 0x90000 - 4), ==, 0x23);		/* SS */
	g_assert_cmphex(ldl_le_p(ram + 0x90000 - 8), ==, 0x70000);	/* ESP */
	g_assert_cmphex(ldl_le_p(ram + 0x90000 - 16), ==, 0x1b);	/* CS */
	g_assert_cmphex(ldl_le_p(ram + 0x90000 - 20), ==, 0x6000 + 7);	/* EIP after int */
	/* handler: mov eax; iret -> back to ring 3 */
	hook_on = true;
	run(cpu, 4);
	g_assert_cmphex(env->segs[R_CS].selector, ==, 0x1b);
	g_assert_cmphex(env->regs[R_ESP], ==, 0x70000);
	g_assert_cmphex(env->regs[R_ECX], ==, 0x5678);
	g_assert_true(env->rflags & X86_EFLAGS_IF);
	/* then cli at CPL3 with IOPL 0: #GP(0) */
	g_assert_cmpint(caught_vec, ==, EXCP_GP);
	g_assert_cmphex(caught_err, ==, 0);
	free_cpu(cpu);
}

static void test_int_through_dpl0_gate_from_ring3_is_gp_with_idt_error_code(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	enter_pm32(cpu);
	idt32_set(0x81, 0x08, 0x7000, 0xe, 0);
	x86_set_seg_from_desc(&env->segs[R_CS], 0x1b, seg_desc(0, 0xfffff, 0xfb, 0xc));
	x86_set_seg_from_desc(&env->segs[R_SS], 0x23, seg_desc(0, 0xfffff, 0xf3, 0xc));
	ram[0x6000] = 0xcd;
	ram[0x6001] = 0x81;
	env->rip = 0x6000;
	run(cpu, 1);
	g_assert_cmpint(caught_vec, ==, EXCP_GP);
	g_assert_cmphex(caught_err, ==, 0x81 * 8 + 2);
	free_cpu(cpu);
}

static void test_hostile_selectors_fault_with_selector_error_codes(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	enter_pm32(cpu);
	/* mov ds, ax with: beyond GDT limit, a TSS descriptor, a not-present data segment */
	static const uint8_t mov_ds[] = { 0x8e, 0xd8 };
	gdt_set(12, seg_desc(0, 0xfffff, 0x13, 0xc));	/* P=0 */
	env->gdt.limit = 13 * 8 - 1;
	struct { uint16_t sel; int vec; uint32_t err; } cases[] = {
		{ 0x80, EXCP_GP, 0x80 }, { 0x28, EXCP_GP, 0x28 }, { 0x60, EXCP_NP, 0x60 },
		{ 0x0c, EXCP_GP, 0x0c },	/* LDT selector without an LDT: TI kept */
		{ 0x18, -1, 0 },		/* DPL3 code, readable: fine */
	};
	for (unsigned k = 0; k < G_N_ELEMENTS(cases); k++) {
		memcpy(ram + 0x5000, mov_ds, 2);
		env->rip = 0x5000;
		env->regs[R_EAX] = cases[k].sel;
		run(cpu, 1);
		g_assert_cmpint(caught_vec, ==, cases[k].vec);
		if (cases[k].vec >= 0)
			g_assert_cmphex(caught_err, ==, cases[k].err);
	}
	/* mov ss, ax with a DPL3 data segment at CPL0: #GP(sel) */
	static const uint8_t mov_ss[] = { 0x8e, 0xd0 };
	memcpy(ram + 0x5000, mov_ss, 2);
	env->rip = 0x5000;
	env->regs[R_EAX] = 0x23;
	run(cpu, 1);
	g_assert_cmpint(caught_vec, ==, EXCP_GP);
	g_assert_cmphex(caught_err, ==, 0x20);
	free_cpu(cpu);
}

static void test_fault_while_delivering_gp_is_double_fault_then_triple_fault_shuts_down(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	enter_pm32(cpu);
	hook_on = false;
	/* #GP gate is not present (-> #NP while delivering #GP -> #DF); #DF gate fine */
	idt32_set(EXCP_GP, 0x08, 0x7000, 0xe, 0);
	stq_le_p(ram + IDT_BASE + EXCP_GP * 8, ldq_le_p(ram + IDT_BASE + EXCP_GP * 8) & ~(1ULL << 47));
	idt32_set(EXCP_DF, 0x08, 0x7100, 0xe, 0);
	ram[0x7100] = 0xf4;
	/* mov ds, ax with a bad selector raises #GP */
	ram[0x5000] = 0x8e;
	ram[0x5001] = 0xd8;
	env->regs[R_EAX] = 0x80;
	env->rip = 0x5000;
	g_assert_cmpint(run(cpu, 1), ==, -1);
	g_assert_cmphex(env->rip, ==, 0x7100);
	g_assert_cmphex(ldl_le_p(ram + env->regs[R_ESP]), ==, 0);	/* #DF error code 0 */
	/* now make #DF not present too: triple fault */
	env->rip = 0x5000;
	stq_le_p(ram + IDT_BASE + EXCP_DF * 8, ldq_le_p(ram + IDT_BASE + EXCP_DF * 8) & ~(1ULL << 47));
	g_assert_cmpint(run(cpu, 1), ==, EXEC_SHUTDOWN);
	free_cpu(cpu);
}

static void test_double_fault_through_task_gate_switches_tss(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	enter_pm32(cpu);
	hook_on = false;
	/* #GP not present -> #DF through a task gate to TSS2 */
	idt32_set(EXCP_GP, 0x08, 0x7000, 0xe, 0);
	stq_le_p(ram + IDT_BASE + EXCP_GP * 8, ldq_le_p(ram + IDT_BASE + EXCP_GP * 8) & ~(1ULL << 47));
	stq_le_p(ram + IDT_BASE + EXCP_DF * 8, ((uint64_t)0x58 << 16) | ((uint64_t)0x85 << 40));
	/* TSS2: EIP 0x7200, ESP 0x60000, CS 0x08, SS/DS/ES 0x10, EFLAGS 2 */
	stl_le_p(ram + TSS2_BASE + 0x20, 0x7200);
	stl_le_p(ram + TSS2_BASE + 0x24, 2);
	stl_le_p(ram + TSS2_BASE + 0x38, 0x60000);
	stw_le_p(ram + TSS2_BASE + 0x48, 0x10);
	stw_le_p(ram + TSS2_BASE + 0x4c, 0x08);
	stw_le_p(ram + TSS2_BASE + 0x50, 0x10);
	stw_le_p(ram + TSS2_BASE + 0x54, 0x10);
	ram[0x7200] = 0xf4;
	ram[0x5000] = 0x8e;
	ram[0x5001] = 0xd8;
	env->regs[R_EAX] = 0x80;
	env->regs[R_EBX] = 0xb0b0;
	env->rip = 0x5000;
	run(cpu, 1);
	g_assert_cmphex(env->tr.selector, ==, 0x58);
	g_assert_cmphex(env->rip, ==, 0x7200);
	g_assert_true(env->rflags & X86_EFLAGS_NT);
	g_assert_cmphex(lduw_le_p(ram + TSS2_BASE), ==, 0x28);		/* back link */
	g_assert_cmphex(ldl_le_p(ram + TSS_BASE + 0x34), ==, 0xb0b0);	/* old EBX saved */
	g_assert_cmphex(ldl_le_p(ram + 0x60000 - 4), ==, 0);		/* error code pushed */
	g_assert_true(env->cr[0] & CR0_TS);
	free_cpu(cpu);
}

static void test_long_mode_entry_syscall_sysret_and_ist_interrupt(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	enter_pm32(cpu);
	hook_on = false;
	/* 4-level identity map of 0-2M: PML4 0x20000, PDPT 0x21000, PD 0x22000 */
	stq_le_p(ram + 0x20000, 0x21000 | 7);
	stq_le_p(ram + 0x21000, 0x22000 | 7);
	stq_le_p(ram + 0x22000, 0x87);
	stq_le_p(ram + 0x22008, 0x200000 | 0x87);
	PUT(0x7c00, to_lm);
	PUT(0x8000, sys64);
	PUT(0x8100, int64);
	env->star = ((uint64_t)0x43 << 48) | ((uint64_t)0x30 << 32);	/* sysret base 0x40 (+16 = 0x50) */
	env->lstar = 0x8000;
	env->fmask = X86_EFLAGS_IF;
	gdt_set(8, seg_desc(0, 0xfffff, 0xfb, 0xc));
	gdt_set(9, seg_desc(0, 0xfffff, 0xf3, 0xc));
	gdt_set(10, seg_desc(0, 0xfffff, 0xfb, 0xa));
	/* 64-bit TSS at TSS_BASE: IST1 = 0x3000 */
	stq_le_p(ram + TSS_BASE + 0x24, 0x3000);
	env->idt.limit = 256 * 16 - 1;
	idt64_set(0x40, 0x30, 0x8100, 0xe, 3, 1);
	env->rip = 0x7c00;
	run(cpu, 200);
	g_assert_cmpstr(port_out->str, ==, "KSI");
	g_assert_true(env->efer & EFER_LMA);
	g_assert_cmphex(env->regs[R_R15], ==, 0x123456789aULL);
	/* sysret went to ring 3 with CS = STAR[63:48] + 16 | 3 */
	/* the IST handler ran on the IST stack, aligned, with a 5-qword frame */
	g_assert_cmphex(env->regs[R_R13], ==, 0x3000 - 40);
	free_cpu(cpu);
}

static int irq_vector;
static int test_get_interrupt(void *opaque, struct x86_cpu *cpu)
{
	return irq_vector;
}

static void test_sti_shadow_delays_interrupt_by_one_instruction(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	enter_pm32(cpu);
	hook_on = false;
	PUT(0x5000, sti_nop);
	PUT(0x7000, irq_handler);
	idt32_set(0x30, 0x08, 0x7000, 0xe, 0);
	cpu->irq_source.get_interrupt = test_get_interrupt;
	irq_vector = 0x30;
	env->rip = 0x5000;
	cpu->interrupt_request = CPU_INTERRUPT_HARD;
	/* interp_exec: sti, then the shadow lets exactly one nop run before the IRQ */
	int r = interp_exec(cpu);
	(void)r;
	g_assert_cmpstr(port_out->str, ==, "Q");
	/* the interrupt returned to the second nop: eip pushed was 0x5002 */
	g_assert_cmphex(ldl_le_p(ram + 0x80000 - 12), ==, 0x5002);
	free_cpu(cpu);
}

/* Run pre-decoded blocks (the main loop's path) until hlt or an exception. */
static void run_blocks(struct x86_cpu *cpu, int n)
{
	struct interp_cpu *s = cpu->interp;
	caught_vec = -1;
	for (int k = 0; k < n; k++) {
		if (x86_step_block(s) >= 0 || caught_vec >= 0 || s->halted_now) {
			s->halted_now = false;
			break;
		}
	}
}

/*
 * SDM vol. 3A §8.1.3: a store into an instruction that follows in the same
 * block takes effect when it runs; code changed behind the CPU's back (DMA,
 * another vCPU) is seen at the next block entry.
 */
static void test_store_into_the_running_block_takes_effect(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	enter_pm32(cpu);
	PUT(0x5000, smc_block);
	unsigned mov_at = 7;	/* after movb imm8 to moffs32: c6 05 disp32 imm8 */
	g_assert_cmphex(ram[0x5000 + mov_at], ==, 0xb0);
	/* from the mov first: the code TLB is filled, blocks get built */
	env->rip = 0x5000 + mov_at;
	run_blocks(cpu, 10);
	g_assert_cmpint(caught_vec, ==, -1);
	g_assert_cmpstr(port_out->str, ==, "A");
	/* from the store: one block [movb, mov, out] whose movb rewrites the mov */
	env->rip = 0x5000;
	run_blocks(cpu, 10);
	g_assert_cmpint(caught_vec, ==, -1);
	g_assert_cmpstr(port_out->str, ==, "AB");
	/* "DMA" changes the immediate between two runs of the cached block */
	ram[0x5000 + mov_at + 1] = 'C';
	env->rip = 0x5000 + mov_at;
	run_blocks(cpu, 10);
	g_assert_cmpstr(port_out->str, ==, "ABC");
	free_cpu(cpu);
}

/* A fault in the middle of a block leaves RIP at the faulting instruction,
 * the instructions before it done and the ones after it not (SDM vol. 3A §6.5). */
static void test_fault_inside_a_block_is_precise(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	enter_pm32(cpu);
	PUT(0x5000, div_block);
	env->rip = 0x5000;
	env->regs[R_EBX] = 41;
	env->regs[R_ESI] = 7;
	run_blocks(cpu, 10);
	g_assert_cmpint(caught_vec, ==, EXCP_DE);
	g_assert_cmphex(env->rip, ==, 0x5000 + 5 + 2 + 2 + 1);
	g_assert_cmphex(env->regs[R_EBX], ==, 42);
	g_assert_cmphex(env->regs[R_EAX], ==, 5);
	g_assert_cmphex(env->regs[R_ESI], ==, 7);
	free_cpu(cpu);
}

/* More code than the block pool holds: the cache empties itself and goes on. */
static void test_block_pool_overflow_empties_the_cache(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	enter_pm32(cpu);
	const unsigned nops = 256 * 1024;	/* 256 KiB of nop: 10923 blocks of 24 */
	memset(ram + 0x100000, 0x90, nops);
	ram[0x100000 + nops] = 0xf4;	/* hlt */
	struct interp_cpu *s = cpu->interp;
	size_t per_block = BLOCK_MAX_INSNS * sizeof(struct block_insn) + BLOCK_MAX_INSNS;
	g_assert_cmpuint((nops / BLOCK_MAX_INSNS) * per_block, >, BLOCK_POOL_SIZE);
	for (int pass = 0; pass < 2; pass++) {
		env->rip = 0x100000;
		uint64_t count0 = s->insn_count;
		run_blocks(cpu, nops);
		g_assert_cmpint(caught_vec, ==, -1);
		g_assert_cmphex(env->rip, ==, 0x100000 + nops + 1);
		g_assert_cmpuint(s->insn_count - count0, ==, nops + 1);
		g_assert_cmpuint(s->blocks->pool_used, <=, BLOCK_POOL_SIZE);
	}
	free_cpu(cpu);
}

static void test_a20_mask_wraps_at_one_megabyte(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	env->segs[R_CS].selector = 0;
	env->segs[R_CS].base = 0;
	/* mov ax, 0xffff; mov ds, ax; mov byte [0x10], 0x5a; hlt */
	static const uint8_t code[] = { 0xb8, 0xff, 0xff, 0x8e, 0xd8, 0xc6, 0x06, 0x10, 0x00, 0x5a, 0xf4 };
	memcpy(ram + 0x7c00, code, sizeof(code));
	env->rip = 0x7c00;
	env->a20_mask = ~(1ULL << 20);
	x86_tlb_flush(cpu->interp, true);
	run(cpu, 10);
	g_assert_cmphex(ram[0x0], ==, 0x5a);
	g_assert_cmphex(ram[0x100000], ==, 0);
	free_cpu(cpu);
}

static void test_iret_to_vm86_and_int_with_iopl0_is_gp_to_ring0(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	enter_pm32(cpu);
	stl_le_p(ram + TSS_BASE + 4, 0x90000);		/* ESP0 */
	stl_le_p(ram + TSS_BASE + 8, 0x10);		/* SS0 */
	idt32_set(EXCP_GP, 0x08, 0x7000, 0xe, 0);
	ram[0x7000] = 0xf4;
	/* vm86 code at 0100:0010: int 0x21 */
	ram[0x1010] = 0xcd;
	ram[0x1011] = 0x21;
	/* iret frame on the ring-0 stack: EIP CS EFLAGS ESP SS ES DS FS GS */
	uint32_t frame[9] = { 0x10, 0x100, X86_EFLAGS_VM | X86_EFLAGS_FIXED | X86_EFLAGS_IF, 0xfffe,
			      0x200, 0x300, 0x400, 0x500, 0x600 };
	memcpy(ram + 0x80000 - sizeof(frame), frame, sizeof(frame));
	env->regs[R_ESP] = 0x80000 - sizeof(frame);
	ram[0x5000] = 0xcf;				/* iret */
	env->rip = 0x5000;
	run(cpu, 1);
	g_assert_true(env->rflags & X86_EFLAGS_VM);
	g_assert_cmphex(env->segs[R_CS].base, ==, 0x1000);
	g_assert_cmphex(env->segs[R_SS].base, ==, 0x2000);
	g_assert_cmphex(env->segs[R_GS].selector, ==, 0x600);
	g_assert_cmphex(env->rip, ==, 0x10);
	/* int n in vm86 with IOPL < 3: #GP(0), delivered to ring 0 with the segment frame */
	run(cpu, 1);
	g_assert_cmpint(caught_vec, ==, EXCP_GP);
	g_assert_cmphex(caught_err, ==, 0);
	hook_on = false;
	env->rip = 0x10;
	run(cpu, 1);
	g_assert_false(env->rflags & X86_EFLAGS_VM);
	g_assert_cmphex(env->segs[R_CS].selector, ==, 0x08);
	g_assert_cmphex(env->rip, ==, 0x7000);
	g_assert_cmphex(env->segs[R_DS].selector, ==, 0);
	/* frame: err EIP CS EFLAGS ESP SS ES DS FS GS */
	uint32_t *f = (uint32_t *)(ram + env->regs[R_ESP]);
	g_assert_cmphex(env->regs[R_ESP], ==, 0x90000 - 40);
	g_assert_cmphex(f[0], ==, 0);
	g_assert_cmphex(f[1], ==, 0x10);
	g_assert_cmphex(f[2], ==, 0x100);
	g_assert_true(f[3] & X86_EFLAGS_VM);
	g_assert_cmphex(f[5], ==, 0x200);
	g_assert_cmphex(f[9], ==, 0x600);
	free_cpu(cpu);
}

static void test_call_to_tss_nests_and_iret_with_nt_returns(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	enter_pm32(cpu);
	hook_on = false;
	/* TSS2 (selector 0x58): EIP 0x7200, CS 0x08, SS/DS/ES 0x10, ESP 0x60000 */
	stl_le_p(ram + TSS2_BASE + 0x20, 0x7200);
	stl_le_p(ram + TSS2_BASE + 0x24, 2);
	stl_le_p(ram + TSS2_BASE + 0x38, 0x60000);
	stw_le_p(ram + TSS2_BASE + 0x48, 0x10);
	stw_le_p(ram + TSS2_BASE + 0x4c, 0x08);
	stw_le_p(ram + TSS2_BASE + 0x50, 0x10);
	stw_le_p(ram + TSS2_BASE + 0x54, 0x10);
	/* task B: mov eax, 0x4242; iret */
	static const uint8_t b[] = { 0xb8, 0x42, 0x42, 0x00, 0x00, 0xcf };
	memcpy(ram + 0x7200, b, sizeof(b));
	/* task A: call far 0x58:0; hlt */
	static const uint8_t a[] = { 0x9a, 0x00, 0x00, 0x00, 0x00, 0x58, 0x00, 0xf4 };
	memcpy(ram + 0x5000, a, sizeof(a));
	gdt_set(5, seg_desc(TSS_BASE, 0x67, 0x8b, 0));	/* the running task is busy (ltr) */
	env->rip = 0x5000;
	env->regs[R_EBX] = 0x1111;
	run(cpu, 1);
	g_assert_cmphex(env->tr.selector, ==, 0x58);
	g_assert_true(env->rflags & X86_EFLAGS_NT);
	run(cpu, 10);		/* mov; iret back to A; hlt */
	g_assert_cmphex(env->tr.selector, ==, 0x28);
	g_assert_cmphex(env->rip, ==, 0x5008);
	g_assert_cmphex(env->regs[R_EBX], ==, 0x1111);
	g_assert_cmphex(env->regs[R_EAX], !=, 0x4242);	/* A's registers came back */
	g_assert_cmphex(ldl_le_p(ram + TSS2_BASE + 0x28), ==, 0x4242);	/* B's EAX saved */
	/* B's descriptor is no longer busy, A's is */
	g_assert_cmphex((ldq_le_p(ram + GDT_BASE + 11 * 8) >> 40) & 0xf, ==, 9);
	free_cpu(cpu);
}

static void test_xsave_xrstor_x87_and_sse_state(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	enter_pm32(cpu);
	cpu->cpuid = x86_cpuid_new("max", NULL);
	env->cr[4] |= CR4_OSFXSR | CR4_OSXSAVE;
	/* xsetbv(0, 3); xsave [0x9000]; xrstor [0x9000]; hlt */
	static const uint8_t code[] = { 0x31, 0xc9, 0xb8, 0x03, 0x00, 0x00, 0x00, 0x31, 0xd2,
					0x0f, 0x01, 0xd1,
					0x0f, 0xae, 0x25, 0x00, 0x90, 0x00, 0x00,
					0x0f, 0xae, 0x2d, 0x00, 0x90, 0x00, 0x00, 0xf4 };
	memcpy(ram + 0x5000, code, sizeof(code));
	env->rip = 0x5000;
	env->xmm[3].q[0] = 0x1122334455667788ULL;
	env->mxcsr = 0x1f80 | 0x6000;
	run(cpu, 5);		/* through xsave */
	g_assert_cmpint(caught_vec, ==, -1);
	g_assert_cmphex(env->xcr0, ==, 3);
	g_assert_cmphex(ldq_le_p(ram + 0x9000 + 160 + 3 * 16), ==, 0x1122334455667788ULL);
	g_assert_cmphex(ldl_le_p(ram + 0x9000 + 24), ==, 0x7f80);
	g_assert_cmphex(ldq_le_p(ram + 0x9000 + 512), ==, 3);		/* XSTATE_BV */
	/* xrstor with XSTATE_BV.SSE = 0 puts the XMM registers in their init state */
	stq_le_p(ram + 0x9000 + 512, 1);
	env->xmm[3].q[0] = 0xdead;
	run(cpu, 2);
	g_assert_cmphex(env->xmm[3].q[0], ==, 0);
	g_assert_cmphex(env->mxcsr, ==, 0x7f80);
	/* reserved header bytes set: #GP(0) */
	stq_le_p(ram + 0x9000 + 540, 1);
	env->rip = 0x5000 + 19;
	run(cpu, 1);
	g_assert_cmpint(caught_vec, ==, EXCP_GP);
	x86_cpuid_free(cpu->cpuid);
	free_cpu(cpu);
}

static void test_trap_flag_single_steps_with_db_after_each_instruction(void)
{
	struct x86_cpu *cpu = new_cpu();
	CPUX86State *env = &cpu->env;
	enter_pm32(cpu);
	hook_on = false;
	idt32_set(EXCP_DB, 0x08, 0x7000, 0xe, 0);
	ram[0x7000] = 0xf4;
	/* nop; nop with TF: #DB after the first nop, return address = second nop */
	ram[0x5000] = 0x90;
	ram[0x5001] = 0x90;
	env->rflags |= X86_EFLAGS_TF;
	env->rip = 0x5000;
	run(cpu, 1);
	g_assert_cmphex(env->rip, ==, 0x7000);
	g_assert_cmphex(ldl_le_p(ram + env->regs[R_ESP]), ==, 0x5001);
	g_assert_true(env->dr[6] & 0x4000);
	g_assert_false(env->rflags & X86_EFLAGS_TF);	/* cleared on entry to the handler */
	free_cpu(cpu);
}

static void test_cpuid_models_and_feature_errors(void)
{
	GError *err = NULL;
	struct x86_cpuid *c = x86_cpuid_new("qemu64", &err);
	uint32_t r[4];
	g_assert_no_error(err);
	x86_cpuid_lookup(c, 1, 0, r);
	g_assert_true(r[3] & (1u << 26));	/* sse2 */
	g_assert_false(r[2] & (1u << 23));	/* no popcnt in qemu64 */
	x86_cpuid_lookup(c, 0x80000001, 0, r);
	g_assert_true(r[3] & (1u << 29));	/* lm */
	x86_cpuid_free(c);
	c = x86_cpuid_new("qemu64,+popcnt,-sse2", &err);
	g_assert_no_error(err);
	g_assert_true(x86_cpuid_has_feature(c, "popcnt"));
	g_assert_false(x86_cpuid_has_feature(c, "sse2"));
	x86_cpuid_free(c);
	c = x86_cpuid_new("qemu64,+avx512f", &err);
	g_assert_null(c);
	g_assert_cmpstr(err->message, ==,
			"-cpu qemu64,+avx512f: feature 'avx512f' is not supported by the interp accelerator");
	g_clear_error(&err);
	c = x86_cpuid_new("qemu64,+nonsense", &err);
	g_assert_null(c);
	g_clear_error(&err);
	c = x86_cpuid_new("max", &err);
	g_assert_true(x86_cpuid_has_feature(c, "popcnt"));
	x86_cpuid_free(c);
}

static void test_disassembler_intel_syntax(void)
{
	char out[128];
	static const uint8_t a[] = { 0x48, 0x8b, 0x44, 0x24, 0x08 };
	g_assert_cmpint(x86_disas(a, sizeof(a), 64, 0, out, sizeof(out)), ==, 5);
	g_assert_cmpstr(out, ==, "mov rax, qword ptr [rsp+0x8]");
	static const uint8_t b[] = { 0xcd, 0x10 };
	g_assert_cmpint(x86_disas(b, sizeof(b), 16, 0, out, sizeof(out)), ==, 2);
	g_assert_cmpstr(out, ==, "int 0x10");
	static const uint8_t pxor[] = { 0x66, 0x0f, 0xef, 0xc1 };
	g_assert_cmpint(x86_disas(pxor, sizeof(pxor), 64, 0, out, sizeof(out)), ==, 4);
	g_assert_cmpstr(out, ==, "pxor xmm0, xmm1");
	static const uint8_t fld[] = { 0xdd, 0x43, 0x08 };
	g_assert_cmpint(x86_disas(fld, sizeof(fld), 64, 0, out, sizeof(out)), ==, 3);
	g_assert_cmpstr(out, ==, "fld qword [rbx+0x8]");
	static const uint8_t vex[] = { 0xc5, 0xf8, 0x77 };
	g_assert_cmpint(x86_disas(vex, sizeof(vex), 64, 0, out, sizeof(out)), ==, 0);
	static const uint8_t longi[16] = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
					   0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x90 };
	g_assert_cmpint(x86_disas(longi, 15, 32, 0, out, sizeof(out)), ==, 15);
	static const uint8_t toolong[16] = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
					     0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x90 };
	g_assert_cmpint(x86_disas(toolong, 16, 32, 0, out, sizeof(out)), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	ram = g_malloc0(RAM_SIZE);
	port_out = g_string_new(NULL);
	g_test_add_func("/x86/system/real_mode_int_goes_through_ivt_and_iret_returns",
			test_real_mode_int_goes_through_ivt_and_iret_returns);
	g_test_add_func("/x86/system/protected_mode_entry_and_unreal_mode",
			test_protected_mode_entry_and_unreal_mode);
	g_test_add_func("/x86/system/page_fault_error_codes_and_cr2", test_page_fault_error_codes_and_cr2);
	g_test_add_func("/x86/system/nx_fetch_fault_sets_instruction_bit",
			test_nx_fetch_fault_sets_instruction_bit);
	g_test_add_func("/x86/system/reserved_bits_in_page_tables_fault_with_rsvd",
			test_reserved_bits_in_page_tables_fault_with_rsvd);
	g_test_add_func("/x86/system/lock_prefix_only_on_memory_read_modify_write",
			test_lock_prefix_only_on_memory_read_modify_write);
	g_test_add_func("/x86/system/ring3_int_through_dpl3_gate_switches_stack_and_iret_returns",
			test_ring3_int_through_dpl3_gate_switches_stack_and_iret_returns);
	g_test_add_func("/x86/system/int_through_dpl0_gate_from_ring3_is_gp_with_idt_error_code",
			test_int_through_dpl0_gate_from_ring3_is_gp_with_idt_error_code);
	g_test_add_func("/x86/system/hostile_selectors_fault_with_selector_error_codes",
			test_hostile_selectors_fault_with_selector_error_codes);
	g_test_add_func("/x86/system/fault_while_delivering_gp_is_double_fault_then_triple_fault_shuts_down",
			test_fault_while_delivering_gp_is_double_fault_then_triple_fault_shuts_down);
	g_test_add_func("/x86/system/double_fault_through_task_gate_switches_tss",
			test_double_fault_through_task_gate_switches_tss);
	g_test_add_func("/x86/system/long_mode_entry_syscall_sysret_and_ist_interrupt",
			test_long_mode_entry_syscall_sysret_and_ist_interrupt);
	g_test_add_func("/x86/system/sti_shadow_delays_interrupt_by_one_instruction",
			test_sti_shadow_delays_interrupt_by_one_instruction);
	g_test_add_func("/x86/system/a20_mask_wraps_at_one_megabyte", test_a20_mask_wraps_at_one_megabyte);
	g_test_add_func("/x86/system/iret_to_vm86_and_int_with_iopl0_is_gp_to_ring0",
			test_iret_to_vm86_and_int_with_iopl0_is_gp_to_ring0);
	g_test_add_func("/x86/system/call_to_tss_nests_and_iret_with_nt_returns",
			test_call_to_tss_nests_and_iret_with_nt_returns);
	g_test_add_func("/x86/system/xsave_xrstor_x87_and_sse_state", test_xsave_xrstor_x87_and_sse_state);
	g_test_add_func("/x86/system/trap_flag_single_steps_with_db_after_each_instruction",
			test_trap_flag_single_steps_with_db_after_each_instruction);
	g_test_add_func("/x86/system/store_into_the_running_block_takes_effect",
			test_store_into_the_running_block_takes_effect);
	g_test_add_func("/x86/system/fault_inside_a_block_is_precise",
			test_fault_inside_a_block_is_precise);
	g_test_add_func("/x86/system/block_pool_overflow_empties_the_cache",
			test_block_pool_overflow_empties_the_cache);
	g_test_add_func("/x86/cpuid/models_and_feature_errors", test_cpuid_models_and_feature_errors);
	g_test_add_func("/x86/disas/intel_syntax", test_disassembler_intel_syntax);
	return g_test_run();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KVM smoke test: a few bytes of real-mode code on /dev/kvm through the
 * KVM accelerator's own VM and vCPU objects (no board): port writes
 * (single and `rep outsb`), MMIO read and write to an address without
 * RAM, a write to a read-only (ROM) memslot that must be ignored without
 * hanging the guest, `hlt` (EXEC_HALTED with kernel-irqchip=off), and a
 * kick from another thread. Prints "SKIP: no /dev/kvm" where it cannot run.
 */
#include "kemu/common.h"
#include "kvm-test-util.h"
#include "system/main-loop.h"
#include <sys/ioctl.h>
#include "target/i386/cpuid.h"

static const uint8_t code_out_hlt[] = {
	0xb0, 0x42,			/* mov al,0x42 */
	0xe6, 0x80,			/* out 0x80,al */
	0xba, 0xf8, 0x03,		/* mov dx,0x3f8 */
	0xbe, 0x00, 0x20,		/* mov si,0x2000 */
	0xb9, 0x04, 0x00,		/* mov cx,4 */
	0xfc,				/* cld */
	0xf3, 0x6e,			/* rep outsb */
	0xf4,				/* hlt */
};

static void test_kvm_real_mode_out_and_string_out_then_hlt(void)
{
	struct kt_vm *vm;
	int r;

	if (!kt_have_kvm())
		return;
	vm = kt_vm_new(KERNEL_IRQCHIP_OFF);
	memcpy(vm->ram + 0x1000, code_out_hlt, sizeof(code_out_hlt));
	memcpy(vm->ram + 0x2000, "kemu", 4);
	kt_vm_set_real_mode(vm, 0x1000);
	r = kvm_vcpu_exec(vm->v);
	g_assert_cmpint(r, ==, EXEC_HALTED);
	g_assert_cmpuint(vm->pio_out->len, ==, 5);
	g_assert_cmpuint(kt_pio_nth(vm, 0)->addr, ==, 0x80);
	g_assert_cmpuint(kt_pio_nth(vm, 0)->value, ==, 0x42);
	for (unsigned i = 0; i < 4; i++) {
		g_assert_cmpuint(kt_pio_nth(vm, 1 + i)->addr, ==, 0x3f8);
		g_assert_cmpuint(kt_pio_nth(vm, 1 + i)->value, ==, (uint8_t)"kemu"[i]);
	}
	/* state comes back: rip after hlt, cx consumed by rep */
	g_assert_true(kvm_vcpu_get_state(vm->v, NULL));
	g_assert_cmphex(vm->cpu.env.rip, ==, 0x1000 + sizeof(code_out_hlt));
	g_assert_cmphex(vm->cpu.env.regs[R_ECX] & 0xffff, ==, 0);
	kt_vm_free(vm);
}

static const uint8_t code_mmio[] = {
	0xb8, 0x00, 0xa0,		/* mov ax,0xa000 */
	0x8e, 0xd8,			/* mov ds,ax */
	0xc6, 0x06, 0x10, 0x00, 0x55,	/* mov byte [0x10],0x55 */
	0xa1, 0x20, 0x00,		/* mov ax,[0x20] */
	0xe7, 0x81,			/* out 0x81,ax */
	0xf4,
};

static void test_kvm_mmio_write_and_read_reach_the_handler(void)
{
	struct kt_vm *vm;
	const struct kt_io *w, *rd;

	if (!kt_have_kvm())
		return;
	vm = kt_vm_new(KERNEL_IRQCHIP_OFF);
	vm->mmio_read_value = 0x7766;
	memcpy(vm->ram + 0x1000, code_mmio, sizeof(code_mmio));
	kt_vm_set_real_mode(vm, 0x1000);
	g_assert_cmpint(kvm_vcpu_exec(vm->v), ==, EXEC_HALTED);
	g_assert_cmpuint(vm->mmio->len, ==, 2);
	w = &g_array_index(vm->mmio, struct kt_io, 0);
	rd = &g_array_index(vm->mmio, struct kt_io, 1);
	g_assert_true(w->is_write);
	g_assert_cmphex(w->addr, ==, 0xa0010);
	g_assert_cmphex(w->value, ==, 0x55);
	g_assert_cmpuint(w->size, ==, 1);
	g_assert_false(rd->is_write);
	g_assert_cmphex(rd->addr, ==, 0xa0020);
	g_assert_cmpuint(rd->size, ==, 2);
	g_assert_cmphex(kt_pio_nth(vm, 0)->value, ==, 0x7766);
	kt_vm_free(vm);
}

static const uint8_t code_rom_write[] = {
	0xb8, 0x00, 0xc0,		/* mov ax,0xc000 */
	0x8e, 0xd8,			/* mov ds,ax */
	0xc6, 0x06, 0x00, 0x00, 0x11,	/* mov byte [0],0x11: ROM, ignored */
	0xa0, 0x00, 0x00,		/* mov al,[0] */
	0xe6, 0x82,			/* out 0x82,al */
	0xf4,
};

static void test_kvm_write_to_readonly_slot_exits_and_guest_continues(void)
{
	struct kt_vm *vm;
	uint8_t *rom;
	g_autoptr(GError) err = NULL;

	if (!kt_have_kvm())
		return;
	vm = kt_vm_new(KERNEL_IRQCHIP_OFF);
	if (!vm->s->readonly_mem) {
		kt_vm_free(vm);
		g_test_skip("SKIP: KVM has no KVM_CAP_READONLY_MEM");
		return;
	}
	rom = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	memset(rom, 0xaa, 4096);
	g_assert_true(kvm_set_user_memory(vm->s, 0xc0000, 4096, rom, true, &err));
	memcpy(vm->ram + 0x1000, code_rom_write, sizeof(code_rom_write));
	kt_vm_set_real_mode(vm, 0x1000);
	g_assert_cmpint(kvm_vcpu_exec(vm->v), ==, EXEC_HALTED);
	g_assert_cmpuint(vm->mmio->len, ==, 1);
	g_assert_true(g_array_index(vm->mmio, struct kt_io, 0).is_write);
	g_assert_cmphex(g_array_index(vm->mmio, struct kt_io, 0).addr, ==, 0xc0000);
	g_assert_cmphex(rom[0], ==, 0xaa);
	g_assert_cmphex(kt_pio_nth(vm, 0)->value, ==, 0xaa);
	kt_vm_free(vm);
	munmap(rom, 4096);
}

/* String writes into ROM (firmware copying itself): each an exit, none lost or hung. */
static const uint8_t code_rom_rep_stos[] = {
	0xb8, 0x00, 0xc0,		/* mov ax,0xc000 */
	0x8e, 0xc0,			/* mov es,ax */
	0x31, 0xff,			/* xor di,di */
	0xb9, 0x10, 0x00,		/* mov cx,16 */
	0xb0, 0x5a,			/* mov al,0x5a */
	0xfc,				/* cld */
	0xf3, 0xaa,			/* rep stosb: into ROM */
	0x89, 0xf8,			/* mov ax,di */
	0xe7, 0x84,			/* out 0x84,ax: 16 */
	0xf4,
};

static void test_kvm_rep_stos_into_readonly_slot_completes(void)
{
	struct kt_vm *vm;
	uint8_t *rom;
	g_autoptr(GError) err = NULL;

	if (!kt_have_kvm())
		return;
	vm = kt_vm_new(KERNEL_IRQCHIP_OFF);
	rom = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	memset(rom, 0xaa, 4096);
	g_assert_true(kvm_set_user_memory(vm->s, 0xc0000, 4096, rom, true, &err));
	memcpy(vm->ram + 0x1000, code_rom_rep_stos, sizeof(code_rom_rep_stos));
	kt_vm_set_real_mode(vm, 0x1000);
	g_assert_cmpint(kvm_vcpu_exec(vm->v), ==, EXEC_HALTED);
	g_assert_cmpuint(vm->mmio->len, ==, 16);
	g_assert_cmphex(kt_pio_nth(vm, 0)->value, ==, 16);
	g_assert_cmphex(rom[0], ==, 0xaa);
	g_assert_cmphex(rom[15], ==, 0xaa);
	kt_vm_free(vm);
	munmap(rom, 4096);
}

static gpointer kick_thread(gpointer opaque)
{
	struct kvm_vcpu *v = opaque;

	g_usleep(50 * 1000);
	kvm_vcpu_kick(v);
	return NULL;
}

static const uint8_t code_spin[] = { 0xeb, 0xfe };	/* jmp $ */

static void test_kvm_kick_interrupts_a_spinning_guest(void)
{
	struct kt_vm *vm;
	GThread *t;

	if (!kt_have_kvm())
		return;
	vm = kt_vm_new(KERNEL_IRQCHIP_OFF);
	memcpy(vm->ram + 0x1000, code_spin, sizeof(code_spin));
	kt_vm_set_real_mode(vm, 0x1000);
	/* The first kick may land before the vCPU thread is known: kick until it returns. */
	t = g_thread_new("kick", kick_thread, vm->v);
	g_assert_cmpint(kvm_vcpu_exec(vm->v), ==, EXEC_INTERRUPTED);
	g_thread_join(t);
	g_assert_cmpint(vm->cpu.exit_request, ==, 0);
	kt_vm_free(vm);
}

static void test_kvm_irqchip_modes_create(void)
{
	static const enum kernel_irqchip_mode modes[] = {
		KERNEL_IRQCHIP_ON, KERNEL_IRQCHIP_SPLIT, KERNEL_IRQCHIP_OFF };

	if (!kt_have_kvm())
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(modes); i++) {
		g_autoptr(GError) err = NULL;
		struct kvm_state *s = kvm_state_new(modes[i], &err);

		if (!s)
			g_test_message("irqchip mode %u: %s", i, err->message);
		else if (modes[i] == KERNEL_IRQCHIP_ON)
			g_assert_true(kvm_state_set_gsi(s, 4, 1, NULL));
		kvm_state_free(s);
	}
}

/*
 * The accelerator's own exit path (not the test handlers): memslots from
 * the memory listener, port and MMIO exits through the BQL into kemu's
 * memory core, a ROM write dropped there.
 */
static GArray *core_port_writes;

static uint64_t core_io_read(void *opaque, uint64_t offset, unsigned size)
{
	return 0x1234 + offset;
}

static void core_io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	g_assert_true(bql_locked());
	g_array_append_val(core_port_writes, value);
}

static const struct memory_region_ops core_io_ops = {
	.read = core_io_read,
	.write = core_io_write,
};

static const uint8_t code_core[] = {
	0xb8, 0x00, 0xc0,		/* mov ax,0xc000 */
	0x8e, 0xd8,			/* mov ds,ax */
	0xc6, 0x06, 0x00, 0x00, 0x11,	/* mov byte [0],0x11: ROM: dropped by the core */
	0xa0, 0x00, 0x00,		/* mov al,[0] */
	0xe6, 0x80,			/* out 0x80,al: 0xaa */
	0xb8, 0x00, 0xa0,		/* mov ax,0xa000 */
	0x8e, 0xd8,			/* mov ds,ax */
	0xa1, 0x02, 0x00,		/* mov ax,[2]: MMIO read, offset 2 */
	0xe7, 0x80,			/* out 0x80,ax: 0x1236 */
	0xa3, 0x04, 0x00,		/* mov [4],ax: MMIO write */
	0xf4,
};

static void test_kvm_exits_reach_kemu_memory_core_and_rom_stays_intact(void)
{
	static struct memory_region sysmem, io, ram, rom, mmio, port;
	static struct address_space as_mem, as_io;
	static struct x86_cpu cpu;
	g_autoptr(GError) err = NULL;
	struct kvm_state *s;
	struct kvm_vcpu *v;
	uint8_t *ramp, *romp;

	if (!kt_have_kvm())
		return;
	core_port_writes = g_array_new(false, true, sizeof(uint64_t));
	memory_region_init_container(&sysmem, NULL, "system", UINT64_MAX);
	memory_region_init_container(&io, NULL, "io", 65536);
	g_assert_true(memory_region_init_ram(&ram, NULL, "ram", 640 * KiB, &err));
	g_assert_true(memory_region_init_rom(&rom, NULL, "rom", 64 * KiB, &err));
	memory_region_init_io(&mmio, NULL, &core_io_ops, NULL, "mmio", 4096);
	memory_region_init_io(&port, NULL, &core_io_ops, NULL, "port80", 1);
	memory_region_add_subregion(&sysmem, 0, &ram);
	memory_region_add_subregion(&sysmem, 0xa0000, &mmio);
	memory_region_add_subregion(&sysmem, 0xc0000, &rom);
	memory_region_add_subregion(&io, 0x80, &port);
	address_space_init(&as_mem, &sysmem, "memory", false);
	address_space_init(&as_io, &io, "I/O", true);
	ramp = memory_region_get_ram_ptr(&ram);
	romp = memory_region_get_ram_ptr(&rom);
	memset(romp, 0xaa, 64 * KiB);
	memcpy(ramp + 0x1000, code_core, sizeof(code_core));

	s = kvm_state_new(KERNEL_IRQCHIP_OFF, &err);
	g_assert_no_error(err);
	kvm_state_attach(s, &as_mem, &as_io);
	v = kvm_vcpu_new(s, &cpu, &err);
	g_assert_no_error(err);
	cpu.env.segs[R_CS].selector = 0;
	cpu.env.segs[R_CS].base = 0;
	cpu.env.rip = 0x1000;
	kvm_vcpu_mark_dirty(v, KVM_PUT_FULL);
	g_assert_cmpint(kvm_vcpu_exec(v), ==, EXEC_HALTED);
	g_assert_cmpuint(core_port_writes->len, ==, 3);
	g_assert_cmphex(g_array_index(core_port_writes, uint64_t, 0), ==, 0xaa);
	g_assert_cmphex(g_array_index(core_port_writes, uint64_t, 1), ==, 0x1236);
	g_assert_cmphex(g_array_index(core_port_writes, uint64_t, 2), ==, 0x1236);
	g_assert_cmphex(romp[0], ==, 0xaa);
	kvm_vcpu_free(v);
	memory_listener_unregister(&s->listener, &as_mem);
	kvm_state_free(s);
	g_array_free(core_port_writes, true);
}

/*
 * kernel-irqchip=on, two vCPUs: the BSP (flat 32-bit) wakes the AP with
 * INIT and SIPI through the in-kernel LAPIC's ICR (SDM vol. 3A §10.6.1,
 * §8.4.4.1); the AP starts in real mode at vector 2 (0x2000). The AP must
 * wait inside KVM_RUN for its SIPI, not run from the reset vector.
 */
static const uint8_t code_bsp_sipi[] = {
	0xc7, 0x05, 0xf0, 0x00, 0xe0, 0xfe, 0xff, 0x01, 0x00, 0x00, /* SVR = 0x1ff: enable */
	0xc7, 0x05, 0x10, 0x03, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x01, /* ICR high: APIC 1 */
	0xc7, 0x05, 0x00, 0x03, 0xe0, 0xfe, 0x00, 0x45, 0x00, 0x00, /* ICR: INIT */
	0xc7, 0x05, 0x00, 0x03, 0xe0, 0xfe, 0x02, 0x46, 0x00, 0x00, /* ICR: SIPI vector 2 */
	0xb0, 0x11, 0xe6, 0x84,		/* out 0x84,0x11 */
	0xeb, 0xfe,			/* jmp $ */
};
static const uint8_t code_ap[] = {
	0xb0, 0x22, 0xe6, 0x85,		/* out 0x85,0x22 */
	0xeb, 0xfe,			/* jmp $ */
};

static gpointer vcpu_thread(gpointer opaque)
{
	return GINT_TO_POINTER(kvm_vcpu_exec(opaque));
}

static void test_kvm_in_kernel_lapic_init_sipi_starts_the_ap(void)
{
	g_autoptr(GError) err = NULL;
	struct x86_cpu ap = { .cpu_index = 1, .apic_id = 1 };
	struct kvm_vcpu *apv;
	struct kt_vm *vm;
	GThread *t0, *t1;
	bool bsp_done = false, ap_done = false;
	int64_t deadline;

	if (!kt_have_kvm())
		return;
	vm = kt_vm_new(KERNEL_IRQCHIP_ON);
	apv = kvm_vcpu_new(vm->s, &ap, &err);
	g_assert_no_error(err);
	g_assert_true(ap.env.wait_for_sipi);	/* KVM's AP waits for INIT/SIPI */
	apv->io = vm->v->io;
	memcpy(vm->ram + 0x1000, code_bsp_sipi, sizeof(code_bsp_sipi));
	memcpy(vm->ram + 0x2000, code_ap, sizeof(code_ap));
	kt_vm_set_pm32(vm, 0x1000);
	t1 = g_thread_new("ap", vcpu_thread, apv);
	t0 = g_thread_new("bsp", vcpu_thread, vm->v);
	deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	while (!(bsp_done && ap_done) && g_get_monotonic_time() < deadline) {
		g_usleep(1000);
		g_mutex_lock(&vm->lock);
		for (unsigned i = 0; i < vm->pio_out->len; i++) {
			const struct kt_io *io = &g_array_index(vm->pio_out, struct kt_io, i);

			bsp_done |= io->addr == 0x84 && io->value == 0x11;
			ap_done |= io->addr == 0x85 && io->value == 0x22;
		}
		g_mutex_unlock(&vm->lock);
	}
	/* both spin in jmp $ now: kick until each thread has returned */
	while (__atomic_load_n(&vm->v->thread_valid, __ATOMIC_SEQ_CST) == 0 ||
	       __atomic_load_n(&apv->thread_valid, __ATOMIC_SEQ_CST) == 0)
		g_usleep(1000);
	kvm_vcpu_kick(vm->v);
	kvm_vcpu_kick(apv);
	g_assert_cmpint(GPOINTER_TO_INT(g_thread_join(t0)), ==, EXEC_INTERRUPTED);
	g_assert_cmpint(GPOINTER_TO_INT(g_thread_join(t1)), ==, EXEC_INTERRUPTED);
	g_assert_true(bsp_done);
	g_assert_true(ap_done);
	g_assert_true(kvm_vcpu_get_state(apv, NULL));
	g_assert_cmphex(ap.env.segs[R_CS].selector, ==, 0x200);
	kvm_vcpu_free(apv);
	kt_vm_free(vm);
}

/*
 * kernel-irqchip=off: hlt leaves KVM_RUN (EXEC_HALTED); an interrupt kemu's
 * PIC raises (CPU_INTERRUPT_HARD, vector from irq_source) is injected with
 * KVM_INTERRUPT when the guest can take it, through the real-mode IVT.
 */
static const uint8_t code_sti_hlt[] = {
	0xfb,				/* sti */
	0xf4,				/* hlt */
	0xb0, 0x84, 0xe6, 0x84,		/* out 0x84,0x84 */
	0xf4,
};
static const uint8_t code_isr[] = {
	0xb0, 0x86, 0xe6, 0x86,		/* out 0x86,0x86 */
	0xcf,				/* iret */
};
static int pic_acks;

static int fake_pic_get_interrupt(void *opaque, struct x86_cpu *cpu)
{
	pic_acks++;
	return 0x20;
}

static void test_kvm_irqchip_off_hlt_then_injected_interrupt(void)
{
	struct kt_vm *vm;

	if (!kt_have_kvm())
		return;
	vm = kt_vm_new(KERNEL_IRQCHIP_OFF);
	memcpy(vm->ram + 0x1000, code_sti_hlt, sizeof(code_sti_hlt));
	memcpy(vm->ram + 0x3000, code_isr, sizeof(code_isr));
	stw_le_p(vm->ram + 0x20 * 4, 0x3000);	/* IVT[0x20] = 0000:3000 */
	stw_le_p(vm->ram + 0x20 * 4 + 2, 0);
	kt_vm_set_real_mode(vm, 0x1000);
	vm->cpu.irq_source.get_interrupt = fake_pic_get_interrupt;
	pic_acks = 0;
	g_assert_cmpint(kvm_vcpu_exec(vm->v), ==, EXEC_HALTED);
	g_assert_cmpuint(vm->pio_out->len, ==, 0);
	g_assert_true(vm->cpu.env.rflags & X86_EFLAGS_IF);	/* run control checks it */
	__atomic_fetch_or(&vm->cpu.interrupt_request, CPU_INTERRUPT_HARD, __ATOMIC_SEQ_CST);
	g_assert_cmpint(kvm_vcpu_exec(vm->v), ==, EXEC_HALTED);
	g_assert_cmpint(pic_acks, ==, 1);
	g_assert_cmpuint(vm->pio_out->len, ==, 2);
	g_assert_cmphex(kt_pio_nth(vm, 0)->addr, ==, 0x86);
	g_assert_cmphex(kt_pio_nth(vm, 1)->addr, ==, 0x84);
	g_assert_false(vm->cpu.interrupt_request & CPU_INTERRUPT_HARD);
	kt_vm_free(vm);
}

/*
 * A triple fault (32-bit protected mode, IDT limit 0, then int3) ends in
 * EXEC_SHUTDOWN, not a hang: from KVM (KVM_EXIT_SHUTDOWN) or, where KVM
 * gives up on int3 (PVM), from kemu's interpreter in the fallback.
 */
static const uint8_t code_triple_fault[] = {
	0x0f, 0x01, 0x1d, 0x00, 0x20, 0x00, 0x00,	/* lidt [0x2000]: limit 0 */
	0xcc,				/* int3 -> #GP -> #DF -> shutdown */
	0xb0, 0x99, 0xe6, 0x84, 0xf4,	/* never */
};

static void test_kvm_triple_fault_is_shutdown(void)
{
	struct kt_vm *vm;

	if (!kt_have_kvm())
		return;
	vm = kt_vm_new(KERNEL_IRQCHIP_OFF);
	memcpy(vm->ram + 0x1000, code_triple_fault, sizeof(code_triple_fault));
	memset(vm->ram + 0x2000, 0, 6);
	kt_vm_set_pm32(vm, 0x1000);
	g_assert_cmpint(kvm_vcpu_exec(vm->v), ==, EXEC_SHUTDOWN);
	g_assert_cmpuint(vm->pio_out->len, ==, 0);
	kt_vm_free(vm);
}

/*
 * kernel-irqchip=off: kemu's LAPIC delivers INIT and SIPI as
 * interrupt_request bits with env.sipi_vector; the AP waits (EXEC_HALTED)
 * until SIPI, then starts in real mode at vector << 12.
 */
static void test_kvm_irqchip_off_init_sipi_from_kemu_lapic(void)
{
	struct kt_vm *vm;

	if (!kt_have_kvm())
		return;
	vm = kt_vm_new(KERNEL_IRQCHIP_OFF);
	memcpy(vm->ram + 0x2000, code_ap, sizeof(code_ap) - 2);
	vm->ram[0x2000 + sizeof(code_ap) - 2] = 0xf4;	/* hlt instead of jmp $ */
	vm->cpu.cpu_index = 1;
	vm->cpu.apic_id = 1;
	vm->cpu.env.apic_base = 0xfee00000 | MSR_IA32_APICBASE_ENABLE;	/* an AP's */
	kvm_vcpu_mark_dirty(vm->v, KVM_PUT_FULL);
	__atomic_fetch_or(&vm->cpu.interrupt_request, CPU_INTERRUPT_INIT, __ATOMIC_SEQ_CST);
	g_assert_cmpint(kvm_vcpu_exec(vm->v), ==, EXEC_HALTED);	/* waits for SIPI */
	g_assert_true(vm->cpu.env.wait_for_sipi);
	g_assert_cmpuint(vm->pio_out->len, ==, 0);
	vm->cpu.env.sipi_vector = 2;
	__atomic_fetch_or(&vm->cpu.interrupt_request, CPU_INTERRUPT_SIPI, __ATOMIC_SEQ_CST);
	g_assert_cmpint(kvm_vcpu_exec(vm->v), ==, EXEC_HALTED);	/* the AP's hlt */
	g_assert_cmpuint(vm->pio_out->len, ==, 1);
	g_assert_cmphex(kt_pio_nth(vm, 0)->addr, ==, 0x85);
	kt_vm_free(vm);
}

/* System reset puts the in-kernel LAPIC, PIC, IOAPIC and PIT back to power-on. */
static void test_kvm_irqchip_reset_returns_in_kernel_chips_to_power_on(void)
{
	struct kt_vm *vm;
	struct kvm_lapic_state lapic;
	struct kvm_irqchip c = { .chip_id = KVM_IRQCHIP_IOAPIC };
	struct kvm_irqchip pic = { .chip_id = KVM_IRQCHIP_PIC_MASTER };
	g_autoptr(GError) err = NULL;

	if (!kt_have_kvm())
		return;
	vm = kt_vm_new(KERNEL_IRQCHIP_ON);
	g_assert_cmpint(ioctl(vm->v->fd, KVM_GET_LAPIC, &lapic), ==, 0);
	*(uint32_t *)(lapic.regs + 0x80) = 0x20;	/* TPR */
	*(uint32_t *)(lapic.regs + 0xf0) = 0x1ff;	/* SVR: enabled */
	*(uint32_t *)(lapic.regs + 0x350) = 0x700;	/* LINT0 ExtINT, unmasked */
	g_assert_cmpint(ioctl(vm->v->fd, KVM_SET_LAPIC, &lapic), ==, 0);
	g_assert_cmpint(ioctl(vm->s->vm_fd, KVM_GET_IRQCHIP, &c), ==, 0);
	c.chip.ioapic.redirtbl[4].fields.mask = 0;
	c.chip.ioapic.redirtbl[4].fields.vector = 0x34;
	g_assert_cmpint(ioctl(vm->s->vm_fd, KVM_SET_IRQCHIP, &c), ==, 0);
	g_assert_cmpint(ioctl(vm->s->vm_fd, KVM_GET_IRQCHIP, &pic), ==, 0);
	pic.chip.pic.irq_base = 0x20;
	pic.chip.pic.imr = 0xfa;
	g_assert_cmpint(ioctl(vm->s->vm_fd, KVM_SET_IRQCHIP, &pic), ==, 0);

	g_assert_true(kvm_state_irqchip_reset(vm->s, &err));
	g_assert_no_error(err);

	g_assert_cmpint(ioctl(vm->v->fd, KVM_GET_LAPIC, &lapic), ==, 0);
	g_assert_cmphex(*(uint32_t *)(lapic.regs + 0x80), ==, 0);
	g_assert_cmphex(*(uint32_t *)(lapic.regs + 0xf0), ==, 0xff);
	g_assert_cmphex(*(uint32_t *)(lapic.regs + 0x350), ==, 0x10000);
	g_assert_cmphex(*(uint32_t *)(lapic.regs + 0xe0), ==, 0xffffffff);
	g_assert_cmpint(ioctl(vm->s->vm_fd, KVM_GET_IRQCHIP, &c), ==, 0);
	g_assert_cmpuint(c.chip.ioapic.redirtbl[4].fields.mask, ==, 1);
	g_assert_cmpint(ioctl(vm->s->vm_fd, KVM_GET_IRQCHIP, &pic), ==, 0);
	g_assert_cmpuint(pic.chip.pic.irq_base, ==, 0);
	g_assert_cmpuint(pic.chip.pic.imr, ==, 0);
	/* the guest still runs after it */
	memcpy(vm->ram + 0x1000, code_out_hlt, sizeof(code_out_hlt) - 1);
	vm->ram[0x1000 + sizeof(code_out_hlt) - 1] = 0xeb;	/* jmp $ instead of hlt */
	vm->ram[0x1000 + sizeof(code_out_hlt)] = 0xfe;
	kt_vm_set_real_mode(vm, 0x1000);
	GThread *t = g_thread_new("kick", kick_thread, vm->v);
	g_assert_cmpint(kvm_vcpu_exec(vm->v), ==, EXEC_INTERRUPTED);
	g_thread_join(t);
	g_assert_cmpuint(vm->pio_out->len, ==, 5);
	kt_vm_free(vm);
}

/* KVM accepts the power-on state kemu's CPU model builds (SDM vol. 3A table 9-1). */
static void test_kvm_accepts_x86_cpu_reset_state(void)
{
	struct kt_vm *vm;

	if (!kt_have_kvm())
		return;
	vm = kt_vm_new(KERNEL_IRQCHIP_OFF);
	memcpy(vm->ram + 0x1000, code_out_hlt, sizeof(code_out_hlt));
	memcpy(vm->ram + 0x2000, "kemu", 4);
	x86_cpu_reset(&vm->cpu);
	g_assert_cmphex(vm->cpu.env.segs[R_CS].base, ==, 0xffff0000);
	/* the reset vector has no memory here: start at 0:1000 instead */
	vm->cpu.env.segs[R_CS].selector = 0;
	vm->cpu.env.segs[R_CS].base = 0;
	vm->cpu.env.rip = 0x1000;
	kvm_vcpu_mark_dirty(vm->v, KVM_PUT_FULL);
	g_assert_cmpint(kvm_vcpu_exec(vm->v), ==, EXEC_HALTED);
	g_assert_cmpuint(vm->pio_out->len, ==, 5);
	g_assert_true(kvm_vcpu_get_state(vm->v, NULL));
	g_assert_cmphex(vm->cpu.env.cr[0], ==, 0x60000010);
	g_assert_cmphex(vm->cpu.env.pat, ==, 0x0007040600070406ULL);
	kt_vm_free(vm);
}

/* -cpu qemu64 under KVM: the model's leaves, checked against what KVM supports. */
static void test_kvm_cpu_model_qemu64_is_accepted_and_missing_features_named(void)
{
	g_autoptr(GError) err = NULL;
	struct kvm_state *s;
	struct x86_cpu cpu = { 0 };
	struct kvm_vcpu *v;
	uint32_t regs[4];

	if (!kt_have_kvm())
		return;
	s = kvm_state_new(KERNEL_IRQCHIP_OFF, &err);
	g_assert_no_error(err);
	cpu.model = (char *)"qemu64";
	cpu.cpuid = x86_cpuid_new("qemu64", &err);
	g_assert_no_error(err);
	v = kvm_vcpu_new(s, &cpu, &err);
	g_assert_no_error(err);
	kvm_vcpu_free(v);

	/* SVM (leaf 0x80000001 ECX bit 2): no nested virtualisation here */
	x86_cpuid_lookup(cpu.cpuid, 0x80000001, 0, regs);
	regs[2] |= 1u << 2;
	x86_cpuid_set_leaf(cpu.cpuid, 0x80000001, 0, regs);
	cpu.apic_id = 1;		/* KVM keeps vCPU 0 until the VM goes */
	v = kvm_vcpu_new(s, &cpu, &err);
	if (v) {
		g_test_message("this host's KVM offers SVM to guests: nothing to refuse");
		kvm_vcpu_free(v);
	} else {
		g_assert_nonnull(strstr(err->message, "svm (leaf 0x80000001.0 ecx bit 2)"));
		g_test_message("%s", err->message);
	}
	x86_cpuid_free(cpu.cpuid);
	kvm_state_free(s);
}

/* Without /dev/kvm: QEMU's message (vl.c adds "failed to initialize kvm"). */
static void test_kvm_available_says_why_not(void)
{
	const struct accel_ops *ops = accel_find("kvm");
	g_autoptr(GError) err = NULL;
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	g_assert_nonnull(ops);
	if (fd >= 0) {
		close(fd);
		g_assert_true(ops->available(&err));
		g_assert_no_error(err);
		return;
	}
	g_assert_false(ops->available(&err));
	g_assert_cmpstr(err->message, ==,
			"Could not access KVM kernel module: No such file or directory");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/kvm/smoke/available", test_kvm_available_says_why_not);
	g_test_add_func("/kvm/smoke/real-mode-out-string-out-hlt",
			test_kvm_real_mode_out_and_string_out_then_hlt);
	g_test_add_func("/kvm/smoke/mmio-write-read", test_kvm_mmio_write_and_read_reach_the_handler);
	g_test_add_func("/kvm/smoke/rom-write-ignored",
			test_kvm_write_to_readonly_slot_exits_and_guest_continues);
	g_test_add_func("/kvm/smoke/rom-rep-stos", test_kvm_rep_stos_into_readonly_slot_completes);
	g_test_add_func("/kvm/smoke/memory-core",
			test_kvm_exits_reach_kemu_memory_core_and_rom_stays_intact);
	g_test_add_func("/kvm/smoke/triple-fault", test_kvm_triple_fault_is_shutdown);
	g_test_add_func("/kvm/smoke/irqchip-off-interrupt",
			test_kvm_irqchip_off_hlt_then_injected_interrupt);
	g_test_add_func("/kvm/smoke/irqchip-off-init-sipi",
			test_kvm_irqchip_off_init_sipi_from_kemu_lapic);
	g_test_add_func("/kvm/smoke/irqchip-on-init-sipi",
			test_kvm_in_kernel_lapic_init_sipi_starts_the_ap);
	g_test_add_func("/kvm/smoke/irqchip-reset", test_kvm_irqchip_reset_returns_in_kernel_chips_to_power_on);
	g_test_add_func("/kvm/smoke/x86-cpu-reset-state",
			test_kvm_accepts_x86_cpu_reset_state);
	g_test_add_func("/kvm/smoke/cpu-model",
			test_kvm_cpu_model_qemu64_is_accepted_and_missing_features_named);
	g_test_add_func("/kvm/smoke/kick", test_kvm_kick_interrupts_a_spinning_guest);
	g_test_add_func("/kvm/smoke/irqchip-modes", test_kvm_irqchip_modes_create);
	return kt_test_result(g_test_run());
}

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

/* Without /dev/kvm: QEMU's two lines; with it: available. */
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
			"Could not access KVM kernel module: No such file or directory\n"
			"failed to initialize kvm: No such file or directory");
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
	g_test_add_func("/kvm/smoke/memory-core",
			test_kvm_exits_reach_kemu_memory_core_and_rom_stays_intact);
	g_test_add_func("/kvm/smoke/kick", test_kvm_kick_interrupts_a_spinning_guest);
	g_test_add_func("/kvm/smoke/irqchip-modes", test_kvm_irqchip_modes_create);
	return kt_test_result(g_test_run());
}

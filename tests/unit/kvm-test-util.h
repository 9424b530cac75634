/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers for the tests that run tiny guests on /dev/kvm with the KVM
 * accelerator's own objects (accel/kvm/kvm-int.h), no board: a VM with
 * RAM at 0, one vCPU, exits recorded by the test's own handlers.
 */
#ifndef TESTS_UNIT_KVM_TEST_UTIL_H
#define TESTS_UNIT_KVM_TEST_UTIL_H

#include "kemu/common.h"
#include "accel/kvm/kvm-int.h"
#include "accel/kvm.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#define KT_RAM_SIZE (640 * KiB)		/* 0..0x9ffff; 0xa0000 up is MMIO */

struct kt_vm {
	struct kvm_state *s;
	struct kvm_vcpu *v;
	struct x86_cpu cpu;
	uint8_t *ram;
	GArray *pio_out;		/* struct kt_io, guest writes */
	GArray *mmio;			/* struct kt_io, all MMIO */
	GMutex lock;			/* vCPU threads append to the arrays */
	uint64_t mmio_read_value;
};

struct kt_io {
	uint64_t addr;
	uint64_t value;
	unsigned size;
	bool is_write;
};

/* Skips the test (and returns NULL) where /dev/kvm does not open. */
static inline bool kt_have_kvm(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		g_test_skip("SKIP: no /dev/kvm");
		return false;
	}
	close(fd);
	return true;
}

/* g_test_run()'s result, or 77 (meson: skipped) where /dev/kvm does not open. */
static inline int kt_test_result(int r)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return r;
	}
	if (r == 0)
		printf("SKIP: no /dev/kvm\n");
	return r ? r : 77;
}

static inline void kt_pio(void *opaque, uint16_t port, uint8_t *data, unsigned size, unsigned count,
		   bool is_write)
{
	struct kt_vm *vm = opaque;

	g_mutex_lock(&vm->lock);
	for (unsigned i = 0; i < count; i++, data += size) {
		struct kt_io io = { .addr = port, .size = size, .is_write = is_write };

		if (is_write) {
			memcpy(&io.value, data, size);
			g_array_append_val(vm->pio_out, io);
		} else {
			memset(data, 0xff, size);
		}
	}
	g_mutex_unlock(&vm->lock);
}

static inline void kt_mmio(void *opaque, uint64_t addr, uint8_t *data, unsigned len, bool is_write)
{
	struct kt_vm *vm = opaque;
	struct kt_io io = { .addr = addr, .size = len, .is_write = is_write };

	g_mutex_lock(&vm->lock);
	if (is_write)
		memcpy(&io.value, data, len);
	else
		memcpy(data, &vm->mmio_read_value, len);
	g_array_append_val(vm->mmio, io);
	g_mutex_unlock(&vm->lock);
}

static inline void kt_vm_free(struct kt_vm *vm)
{
	if (!vm)
		return;
	kvm_vcpu_free(vm->v);
	kvm_state_free(vm->s);
	if (vm->ram)
		munmap(vm->ram, KT_RAM_SIZE);
	g_array_free(vm->pio_out, true);
	g_array_free(vm->mmio, true);
	g_mutex_clear(&vm->lock);
	g_free(vm);
}

static inline struct kt_vm *kt_vm_new(enum kernel_irqchip_mode irqchip)
{
	static struct kvm_io_handlers handlers = { .pio = kt_pio, .mmio = kt_mmio };
	struct kt_vm *vm = g_new0(struct kt_vm, 1);
	g_autoptr(GError) err = NULL;

	g_mutex_init(&vm->lock);
	vm->pio_out = g_array_new(false, true, sizeof(struct kt_io));
	vm->mmio = g_array_new(false, true, sizeof(struct kt_io));
	vm->ram = mmap(NULL, KT_RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	g_assert(vm->ram != MAP_FAILED);
	vm->s = kvm_state_new(irqchip, &err);
	g_assert_no_error(err);
	g_assert_true(kvm_set_user_memory(vm->s, 0, KT_RAM_SIZE, vm->ram, false, &err));
	g_assert_no_error(err);
	vm->v = kvm_vcpu_new(vm->s, &vm->cpu, &err);
	g_assert_no_error(err);
	handlers.opaque = vm;
	vm->v->io = &handlers;
	return vm;
}

/* Real mode, CS = 0, IP = ip; code already in vm->ram. */
static inline void kt_vm_set_real_mode(struct kt_vm *vm, uint16_t ip)
{
	CPUX86State *env = &vm->cpu.env;

	env->segs[R_CS].selector = 0;
	env->segs[R_CS].base = 0;
	env->rip = ip;
	env->regs[R_ESP] = 0x7000;
	env->rflags = X86_EFLAGS_FIXED;
	kvm_vcpu_mark_dirty(vm->v, KVM_PUT_FULL);
}

/* Flat 32-bit protected mode without paging; GDT at 0x500 (null, code 8, data 0x10). */
static inline void kt_vm_set_pm32(struct kt_vm *vm, uint32_t eip)
{
	CPUX86State *env = &vm->cpu.env;
	static const uint64_t gdt[] = { 0, 0x00cf9b000000ffffULL, 0x00cf93000000ffffULL };
	struct segment_cache code = { .selector = 8, .base = 0, .limit = 0xffffffff,
		.flags = (0xb << SEG_TYPE_SHIFT) | SEG_S | SEG_P | SEG_DB | SEG_G };
	struct segment_cache data = { .selector = 0x10, .base = 0, .limit = 0xffffffff,
		.flags = (0x3 << SEG_TYPE_SHIFT) | SEG_S | SEG_P | SEG_DB | SEG_G };

	memcpy(vm->ram + 0x500, gdt, sizeof(gdt));
	env->gdt.base = 0x500;
	env->gdt.limit = sizeof(gdt) - 1;
	env->segs[R_CS] = code;
	env->segs[R_DS] = env->segs[R_ES] = env->segs[R_SS] = data;
	env->segs[R_FS] = env->segs[R_GS] = data;
	env->cr[0] = CR0_PE | CR0_ET | CR0_NE;
	env->rip = eip;
	env->regs[R_ESP] = 0x8000;
	env->rflags = X86_EFLAGS_FIXED;
	kvm_vcpu_mark_dirty(vm->v, KVM_PUT_FULL);
}

static inline const struct kt_io *kt_pio_nth(struct kt_vm *vm, unsigned i)
{
	g_assert_cmpuint(i, <, vm->pio_out->len);
	return &g_array_index(vm->pio_out, struct kt_io, i);
}

#endif

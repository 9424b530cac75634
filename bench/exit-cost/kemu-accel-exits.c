// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kemu's KVM accelerator alone, without the rest of the emulator: the same
 * 64 KiB firmware image that kvm-exit-floor -b writes, run from the reset
 * vector on a PC-like memory map built with kemu's memory API (RAM 0-16M,
 * the image as ROM at 0xF0000 and 0xFFFF0000), memslots from the KVM
 * memory listener, exits dispatched by the accelerator's default handlers
 * (BQL, address_space_write_value to unassigned port 0x3333 / MMIO
 * 0xE0000000). Prints the same SUMMARY line as kvm-exit-floor -m fw.
 *
 *   kemu-accel-exits -b IMAGE -n N [-r REPS]      exits (image from kvm-exit-floor -b)
 *   kemu-accel-exits -f fwait|nop -n N [-r REPS]  real-mode loop of fwait (each one a
 *        KVM emulation failure on PVM, skipped by a minimal userspace "emulator":
 *        the cost of the fallback machinery) or of nop (what KVM runs itself)
 *
 * A benchmark helper, built by bench/exit-cost/exit-cost.py against
 * build/libkemu-core.a; not part of the emulator.
 */
#include "kemu/common.h"
#include "accel/kvm/kvm-int.h"
#include "system/memory.h"
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static unsigned nr_fallbacks;

/* Skip the one-byte fwait: the minimum a userspace emulator can do. */
static bool skip_fwait(struct x86_cpu *cpu, GError **errp)
{
	nr_fallbacks++;
	cpu->env.rip += 1;
	return true;
}

int main(int argc, char **argv)
{
	const char *image = NULL, *loop = NULL;
	uint32_t n = 100000;
	int reps = 5, o;
	g_autoptr(GError) err = NULL;
	static struct memory_region sysmem, io, ram, rom, rom_low;
	static struct address_space as_mem, as_io;
	static struct x86_cpu cpu;
	struct kvm_state *s;
	struct kvm_vcpu *v;
	CPUX86State reset_env;
	uint8_t *p;
	double *ns;

	while ((o = getopt(argc, argv, "b:f:n:r:")) != -1) {
		switch (o) {
		case 'b': image = optarg; break;
		case 'f': loop = optarg; break;
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 'r': reps = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s -b IMAGE | -f fwait|nop  [-n N] [-r REPS]\n", argv[0]);
			return 2;
		}
	}
	if (!image && !loop) {
		fprintf(stderr, "%s: -b IMAGE or -f fwait|nop\n", argv[0]);
		return 2;
	}

	memory_region_init_container(&sysmem, NULL, "system", UINT64_MAX);
	memory_region_init_container(&io, NULL, "io", 65536);
	if (!memory_region_init_ram(&ram, NULL, "pc.ram", 16 * MiB, &err) ||
	    !memory_region_init_rom(&rom, NULL, "pc.bios", 64 * KiB, &err)) {
		fprintf(stderr, "%s\n", err->message);
		return 1;
	}
	memory_region_init_alias(&rom_low, NULL, "isa-bios", &rom, 0, 64 * KiB);
	memory_region_add_subregion(&sysmem, 0, &ram);
	memory_region_add_subregion_overlap(&sysmem, 0xf0000, &rom_low, 1);
	memory_region_add_subregion(&sysmem, 0xffff0000ULL, &rom);
	address_space_init(&as_mem, &sysmem, "memory", false);
	address_space_init(&as_io, &io, "I/O", true);

	if (image) {
		g_autofree char *data = NULL;
		gsize len;

		if (!g_file_get_contents(image, &data, &len, &err) || len != 64 * KiB) {
			fprintf(stderr, "%s: %s\n", image, err ? err->message : "not 64 KiB");
			return 1;
		}
		memcpy(memory_region_get_ram_ptr(&rom), data, len);
	}

	s = kvm_state_new(KERNEL_IRQCHIP_OFF, &err);
	if (!s) {
		fprintf(stderr, "%s\n", err->message);
		return 1;
	}
	kvm_state_attach(s, &as_mem, &as_io);
	v = kvm_vcpu_new(s, &cpu, &err);
	if (!v) {
		fprintf(stderr, "%s\n", err->message);
		return 1;
	}
	if (loop) {
		/* at 0x1000, real mode: mov ecx,n; L: fwait|nop; dec ecx; jnz L; hlt */
		p = memory_region_get_ram_ptr(&ram) + 0x1000;
		*p++ = 0x66; *p++ = 0xb9; memcpy(p, &n, 4); p += 4;
		*p++ = !strcmp(loop, "fwait") ? 0x9b : 0x90;
		*p++ = 0x66; *p++ = 0x49;
		*p++ = 0x75; *p++ = 0xf9 - 0;	/* back to the fwait/nop: -7 */
		*p++ = 0xf4;
		v->emulate = skip_fwait;
	}
	reset_env = cpu.env;
	ns = g_new0(double, reps);
	for (int rep = 0; rep < reps; rep++) {
		double t0;
		int r;

		cpu.env = reset_env;
		if (loop) {
			cpu.env.segs[R_CS].selector = 0;
			cpu.env.segs[R_CS].base = 0;
			cpu.env.rip = 0x1000;
		}
		kvm_vcpu_mark_dirty(v, KVM_PUT_FULL);
		nr_fallbacks = 0;
		t0 = now_ns();
		r = kvm_vcpu_exec(v);
		ns[rep] = (now_ns() - t0) / (n ? n : 1);
		if (r != EXEC_HALTED) {
			fprintf(stderr, "vcpu_exec returned %d, expected EXEC_HALTED\n", r);
			return 1;
		}
		printf("rep %d: %s n=%u %.1f ns/iteration (%" PRIu64 " exits, %u fallbacks)\n",
		       rep, image ? image : loop, n, ns[rep], v->nr_exits, nr_fallbacks);
		v->nr_exits = 0;
	}
	qsort(ns, reps, sizeof(*ns), cmpd);
	printf("SUMMARY kemu-accel %s n=%u reps=%d: min %.1f ns/iter, median %.1f ns/iter, max %.1f\n",
	       loop ? loop : "image", n, reps, ns[0], ns[reps / 2], ns[reps - 1]);
	return 0;
}

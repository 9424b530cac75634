// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The KVM accelerator: the VM. Opens /dev/kvm, creates the VM, checks the
 * capabilities kemu relies on (with an error that names the missing one),
 * keeps the memslots in step with the machine's memory address space (RAM
 * as read-write slots, ROM as KVM_MEM_READONLY slots so that a guest write
 * becomes an MMIO exit the memory core ignores), creates the in-kernel
 * irqchip per -machine kernel-irqchip=on|split|off, drives GSIs and MSIs,
 * and registers the "kvm" accel_ops.
 *
 * Not here: vCPUs and the run loop (kvm-cpu.c), state conversion
 * (kvm-cpu-state.c), CPUID (kvm-cpuid.c). API: Documentation/virt/kvm/api.rst.
 */
#include "kemu/common.h"
#include "accel/kvm/kvm-int.h"
#include "accel/kvm.h"
#include "system/main-loop.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hw/boards.h"
#include "target/i386/cpuid.h"

/* Where KVM puts the real-mode TSS and identity page table (VMX), as QEMU does. */
#define KVM_TSS_ADDR		0xfeffd000ULL
#define KVM_IDENTITY_MAP_ADDR	0xfeffc000ULL
/* kernel-irqchip=split: number of IOAPIC pins routed into the kernel */
#define KVM_SPLIT_IRQCHIP_ROUTES 24

static struct kvm_state *kvm_global;

bool kvm_enabled(void)
{
	return kvm_global != NULL;
}

bool kvm_check_extension(struct kvm_state *s, long cap)
{
	int r = ioctl(s->vm_fd >= 0 ? s->vm_fd : s->fd, KVM_CHECK_EXTENSION, cap);

	return r > 0;
}

static int kvm_check_extension_int(struct kvm_state *s, long cap)
{
	int r = ioctl(s->vm_fd >= 0 ? s->vm_fd : s->fd, KVM_CHECK_EXTENSION, cap);

	return r > 0 ? r : 0;
}

static int kvm_open_dev(GError **errp)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;
		/*
		 * QEMU's first line, word for word; the command line adds
		 * QEMU's second, "failed to initialize kvm: <reason>".
		 */
		g_set_error(errp, KEMU_ERROR, 0, "Could not access KVM kernel module: %s",
			    g_strerror(e));
		return -1;
	}
	return fd;
}

static bool kvm_available(GError **errp)
{
	int fd = kvm_open_dev(errp);

	if (fd < 0)
		return false;
	if (ioctl(fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "/dev/kvm: KVM API version is not %d", KVM_API_VERSION);
		close(fd);
		return false;
	}
	close(fd);
	return true;
}

struct kvm_required_cap {
	long cap;
	const char *name;
};

static const struct kvm_required_cap kvm_required_caps[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
	{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
	{ KVM_CAP_DESTROY_MEMORY_REGION_WORKS, "KVM_CAP_DESTROY_MEMORY_REGION_WORKS" },
};

static bool kvm_create_irqchip(struct kvm_state *s, GError **errp)
{
	switch (s->irqchip) {
	case KERNEL_IRQCHIP_ON: {
		struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

		if (!kvm_check_extension(s, KVM_CAP_IRQCHIP)) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "kernel-irqchip=on: this KVM has no in-kernel irqchip "
				    "(KVM_CAP_IRQCHIP); use kernel-irqchip=off");
			return false;
		}
		if (ioctl(s->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
			g_set_error(errp, KEMU_ERROR, 0, "kernel-irqchip=on: KVM_CREATE_IRQCHIP: %s",
				    g_strerror(errno));
			return false;
		}
		if (!kvm_check_extension(s, KVM_CAP_PIT2)) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "kernel-irqchip=on: this KVM has no in-kernel PIT (KVM_CAP_PIT2)");
			return false;
		}
		if (ioctl(s->vm_fd, KVM_CREATE_PIT2, &pit) < 0) {
			g_set_error(errp, KEMU_ERROR, 0, "kernel-irqchip=on: KVM_CREATE_PIT2: %s",
				    g_strerror(errno));
			return false;
		}
		return true;
	}
	case KERNEL_IRQCHIP_SPLIT: {
		struct kvm_enable_cap cap = {
			.cap = KVM_CAP_SPLIT_IRQCHIP,
			.args[0] = KVM_SPLIT_IRQCHIP_ROUTES,
		};

		if (!kvm_check_extension(s, KVM_CAP_SPLIT_IRQCHIP)) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "kernel-irqchip=split: this KVM lacks KVM_CAP_SPLIT_IRQCHIP");
			return false;
		}
		if (ioctl(s->vm_fd, KVM_ENABLE_CAP, &cap) < 0) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "kernel-irqchip=split: enabling KVM_CAP_SPLIT_IRQCHIP: %s",
				    g_strerror(errno));
			return false;
		}
		return true;
	}
	case KERNEL_IRQCHIP_OFF:
		return true;
	}
	return true;
}

static bool kvm_get_supported_cpuid(struct kvm_state *s, GError **errp)
{
	for (unsigned n = 64; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = g_malloc0(sizeof(*c) + n * sizeof(c->entries[0]));

		c->nent = n;
		if (ioctl(s->fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
			s->supported_cpuid = c;
			return true;
		}
		g_free(c);
		if (errno != E2BIG) {
			g_set_error(errp, KEMU_ERROR, 0, "KVM_GET_SUPPORTED_CPUID: %s",
				    g_strerror(errno));
			return false;
		}
	}
	g_set_error(errp, KEMU_ERROR, 0, "KVM_GET_SUPPORTED_CPUID: too many entries");
	return false;
}

/*
 * KVM's PVM module (no VMX/SVM; CPL0 and real-mode guest code run in KVM's
 * instruction emulator). KEMU_KVM_IRQ_WINDOW_STEP=0|1 overrides, to measure
 * the work-around or to try it elsewhere.
 */
static bool kvm_host_is_pvm(void)
{
	const char *force = getenv("KEMU_KVM_IRQ_WINDOW_STEP");

	if (force && *force)
		return strcmp(force, "0") != 0;
	return access("/sys/module/kvm_pvm", F_OK) == 0;
}

struct kvm_state *kvm_state_new(enum kernel_irqchip_mode irqchip, GError **errp)
{
	struct kvm_state *s = g_new0(struct kvm_state, 1);

	s->fd = s->vm_fd = -1;
	s->irqchip = irqchip;
	g_mutex_init(&s->slots_lock);
	g_mutex_init(&s->vcpus_lock);
	s->vcpus = g_ptr_array_new();
	s->fd = kvm_open_dev(errp);
	if (s->fd < 0)
		goto err;
	if (ioctl(s->fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		g_set_error(errp, KEMU_ERROR, 0, "/dev/kvm: KVM API version is not %d",
			    KVM_API_VERSION);
		goto err;
	}
	do {
		s->vm_fd = ioctl(s->fd, KVM_CREATE_VM, 0);
	} while (s->vm_fd < 0 && errno == EINTR);
	if (s->vm_fd < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "failed to initialize kvm: KVM_CREATE_VM: %s",
			    g_strerror(errno));
		goto err;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(kvm_required_caps); i++) {
		if (!kvm_check_extension(s, kvm_required_caps[i].cap)) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "kvm: this host's KVM lacks %s, which kemu needs",
				    kvm_required_caps[i].name);
			goto err;
		}
	}
	s->run_mmap_size = ioctl(s->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (s->run_mmap_size < (int)sizeof(struct kvm_run)) {
		g_set_error(errp, KEMU_ERROR, 0, "KVM_GET_VCPU_MMAP_SIZE: %s", g_strerror(errno));
		goto err;
	}
	s->readonly_mem = kvm_check_extension(s, KVM_CAP_READONLY_MEM);
	s->has_xsave = kvm_check_extension(s, KVM_CAP_XSAVE);
	s->has_xcrs = kvm_check_extension(s, KVM_CAP_XCRS);
	s->has_vcpu_events = kvm_check_extension(s, KVM_CAP_VCPU_EVENTS);
	s->has_debugregs = kvm_check_extension(s, KVM_CAP_DEBUGREGS);
	s->has_signal_msi = kvm_check_extension(s, KVM_CAP_SIGNAL_MSI);
	s->has_immediate_exit = true;
	s->sync_regs = (kvm_check_extension_int(s, KVM_CAP_SYNC_REGS) &
			(KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS)) ==
		       (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS);
	s->irq_window_step = irqchip == KERNEL_IRQCHIP_ON && kvm_host_is_pvm();
	s->nr_slots = kvm_check_extension_int(s, KVM_CAP_NR_MEMSLOTS);
	if (s->nr_slots == 0)
		s->nr_slots = 32;
	s->nr_slots = MIN(s->nr_slots, 512u);
	s->slots = g_new0(struct kvm_slot, s->nr_slots);

	/*
	 * Ask for the instruction bytes in emulation-failure exits; an older
	 * KVM without it still exits, and kemu fetches the bytes itself.
	 */
	if (kvm_check_extension(s, KVM_CAP_EXIT_ON_EMULATION_FAILURE)) {
		struct kvm_enable_cap cap = { .cap = KVM_CAP_EXIT_ON_EMULATION_FAILURE,
					      .args[0] = 1 };
		s->has_insn_bytes = ioctl(s->vm_fd, KVM_ENABLE_CAP, &cap) == 0;
	}
	/* VMX needs these below 4G for real mode; harmless elsewhere. */
	if (kvm_check_extension(s, KVM_CAP_SET_TSS_ADDR))
		(void)ioctl(s->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_ADDR);
	if (kvm_check_extension(s, KVM_CAP_SET_IDENTITY_MAP_ADDR)) {
		uint64_t a = KVM_IDENTITY_MAP_ADDR;
		(void)ioctl(s->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &a);
	}
	if (!kvm_create_irqchip(s, errp))
		goto err;
	if (!kvm_get_supported_cpuid(s, errp))
		goto err;
	return s;
err:
	kvm_state_free(s);
	return NULL;
}

void kvm_state_free(struct kvm_state *s)
{
	if (!s)
		return;
	if (s->vm_fd >= 0)
		close(s->vm_fd);
	if (s->fd >= 0)
		close(s->fd);
	g_free(s->slots);
	g_free(s->msrs);
	g_free(s->supported_cpuid);
	g_ptr_array_free(s->vcpus, true);
	g_mutex_clear(&s->vcpus_lock);
	g_mutex_clear(&s->slots_lock);
	g_free(s);
}

/* ---- memslots ---- */

static bool kvm_slot_commit(struct kvm_state *s, unsigned i, GError **errp)
{
	struct kvm_slot *sl = &s->slots[i];
	struct kvm_userspace_memory_region r = {
		.slot = i,
		.flags = sl->used ? sl->flags : 0,
		.guest_phys_addr = sl->gpa,
		.memory_size = sl->used ? sl->size : 0,
		.userspace_addr = (uintptr_t)sl->host,
	};

	if (ioctl(s->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "kvm: memslot %u (0x%" PRIx64 "+0x%" PRIx64 "%s): %s", i,
			    sl->gpa, sl->size, sl->flags & KVM_MEM_READONLY ? ", read-only" : "",
			    g_strerror(errno));
		return false;
	}
	return true;
}

bool kvm_set_user_memory(struct kvm_state *s, uint64_t gpa, uint64_t size,
			 void *host, bool readonly, GError **errp)
{
	bool ok = false;
	unsigned i;

	if (!IS_ALIGNED(gpa | size | (uintptr_t)host, 4096) || size == 0) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "kvm: memslot 0x%" PRIx64 "+0x%" PRIx64 " is not page-aligned", gpa, size);
		return false;
	}
	g_mutex_lock(&s->slots_lock);
	for (i = 0; i < s->nr_slots && s->slots[i].used; i++)
		;
	if (i == s->nr_slots) {
		g_set_error(errp, KEMU_ERROR, 0, "kvm: all %u memslots in use", s->nr_slots);
		goto out;
	}
	s->slots[i] = (struct kvm_slot){
		.used = true, .gpa = gpa, .size = size, .host = host,
		.flags = readonly && s->readonly_mem ? KVM_MEM_READONLY : 0,
	};
	ok = kvm_slot_commit(s, i, errp);
	if (!ok)
		s->slots[i].used = false;
out:
	g_mutex_unlock(&s->slots_lock);
	return ok;
}

bool kvm_del_user_memory(struct kvm_state *s, uint64_t gpa, uint64_t size)
{
	bool found = false;

	g_mutex_lock(&s->slots_lock);
	for (unsigned i = 0; i < s->nr_slots; i++) {
		struct kvm_slot *sl = &s->slots[i];

		if (sl->used && sl->gpa == gpa && sl->size == size) {
			g_autoptr(GError) err = NULL;

			sl->used = false;
			if (!kvm_slot_commit(s, i, &err))
				g_warning("%s", err->message);	/* kemu bug: a slot KVM gave us */
			found = true;
			break;
		}
	}
	g_mutex_unlock(&s->slots_lock);
	return found;
}

bool kvm_guest_phys_read(struct kvm_state *s, uint64_t gpa, void *buf, size_t len)
{
	uint8_t *out = buf;
	bool ok = true;

	g_mutex_lock(&s->slots_lock);
	while (len && ok) {
		ok = false;
		for (unsigned i = 0; i < s->nr_slots; i++) {
			struct kvm_slot *sl = &s->slots[i];

			if (sl->used && gpa >= sl->gpa && gpa - sl->gpa < sl->size) {
				size_t n = MIN(len, sl->size - (gpa - sl->gpa));

				memcpy(out, sl->host + (gpa - sl->gpa), n);
				out += n;
				gpa += n;
				len -= n;
				ok = true;
				break;
			}
		}
	}
	g_mutex_unlock(&s->slots_lock);
	return ok;
}

/*
 * The flat view's RAM/ROM ranges become slots. KVM wants whole pages: a
 * range is shrunk to the pages it covers entirely and the edges stay MMIO
 * (exits the memory core answers), which is slow but correct.
 */
static bool kvm_range_pages(const struct flat_range *fr, uint64_t *gpa, uint64_t *size,
			    uint8_t **host)
{
	uint64_t start = ALIGN_UP(fr->start, 4096);
	uint64_t end = ALIGN_DOWN(fr->start + fr->size, 4096);

	if (!fr->mr || !fr->mr->ram_ptr || end <= start)
		return false;
	*gpa = start;
	*size = end - start;
	*host = fr->mr->ram_ptr + fr->offset_in_region + (start - fr->start);
	return IS_ALIGNED((uintptr_t)*host, 4096);
}

static void kvm_region_add(struct memory_listener *l, const struct flat_range *fr)
{
	struct kvm_state *s = l->opaque;
	g_autoptr(GError) err = NULL;
	uint64_t gpa, size;
	uint8_t *host;

	if (!kvm_range_pages(fr, &gpa, &size, &host)) {
		log_unimp("kvm: RAM range 0x%" PRIx64 "+0x%" PRIx64 " is not page-aligned; "
			  "accessed through exits", fr->start, fr->size);
		return;
	}
	if (fr->readonly && !s->readonly_mem)
		g_warning("kvm: no KVM_CAP_READONLY_MEM: ROM at 0x%" PRIx64 " is guest-writable",
			  gpa);
	if (!kvm_set_user_memory(s, gpa, size, host, fr->readonly, &err))
		g_warning("%s", err->message);
}

static void kvm_region_del(struct memory_listener *l, const struct flat_range *fr)
{
	struct kvm_state *s = l->opaque;
	uint64_t gpa, size;
	uint8_t *host;

	if (kvm_range_pages(fr, &gpa, &size, &host))
		kvm_del_user_memory(s, gpa, size);
}

void kvm_state_attach(struct kvm_state *s, struct address_space *as_mem,
		      struct address_space *as_io)
{
	s->as_mem = as_mem;
	s->as_io = as_io;
	s->listener = (struct memory_listener){
		.region_add = kvm_region_add,
		.region_del = kvm_region_del,
		.opaque = s,
	};
	memory_listener_register(&s->listener, as_mem);
}

/* ---- interrupts ---- */

bool kvm_state_set_gsi(struct kvm_state *s, int gsi, int level, GError **errp)
{
	struct kvm_irq_level irq = { .irq = gsi, .level = level };

	if (s->irqchip != KERNEL_IRQCHIP_ON) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "kvm: GSI %d: no in-kernel IOAPIC with kernel-irqchip=%s", gsi,
			    s->irqchip == KERNEL_IRQCHIP_SPLIT ? "split" : "off");
		return false;
	}
	if (ioctl(s->vm_fd, KVM_IRQ_LINE, &irq) < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "kvm: KVM_IRQ_LINE gsi %d: %s", gsi,
			    g_strerror(errno));
		return false;
	}
	if (s->irq_window_step && gsi < 16) {
		if (level)
			__atomic_fetch_or(&s->gsi_high, 1u << gsi, __ATOMIC_SEQ_CST);
		else
			__atomic_fetch_and(&s->gsi_high, ~(1u << gsi), __ATOMIC_SEQ_CST);
	}
	if (level && s->irq_window_step) {
		/* the BSP, where the PIC's interrupts go, looks at its interrupt window */
		__atomic_fetch_add(&s->gsi_raises, 1, __ATOMIC_SEQ_CST);
		g_mutex_lock(&s->vcpus_lock);
		if (s->vcpus->len)
			kvm_vcpu_window_kick(g_ptr_array_index(s->vcpus, 0));
		g_mutex_unlock(&s->vcpus_lock);
	}
	return true;
}

bool kvm_irqchip_send_msi(uint64_t addr, uint32_t data, GError **errp)
{
	struct kvm_msi msi = {
		.address_lo = (uint32_t)addr,
		.address_hi = addr >> 32,
		.data = data,
	};

	if (!kvm_global || !kvm_global->has_signal_msi) {
		g_set_error(errp, KEMU_ERROR, 0, "kvm: KVM_SIGNAL_MSI is not available");
		return false;
	}
	/* > 0 delivered, 0 blocked by the guest (masked): both fine */
	if (ioctl(kvm_global->vm_fd, KVM_SIGNAL_MSI, &msi) < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "kvm: KVM_SIGNAL_MSI 0x%" PRIx64 "/0x%x: %s",
			    addr, data, g_strerror(errno));
		return false;
	}
	return true;
}

/*
 * Power-on state of a local APIC, SDM vol. 3A §10.4.7.1: everything 0 but
 * the ID, DFR all ones, SVR 0xff (software-disabled) and every LVT masked.
 * The version register is KVM's own and stays as read.
 */
#define APIC_REG(off) (*(uint32_t *)(lapic.regs + (off)))
static bool kvm_vcpu_lapic_reset(struct kvm_vcpu *v, GError **errp)
{
	struct kvm_lapic_state lapic;
	uint32_t version;

	if (ioctl(v->fd, KVM_GET_LAPIC, &lapic) < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "kvm: vCPU %d: KVM_GET_LAPIC: %s",
			    v->cpu->cpu_index, g_strerror(errno));
		return false;
	}
	version = APIC_REG(0x30);
	memset(lapic.regs, 0, sizeof(lapic.regs));
	APIC_REG(0x20) = v->cpu->apic_id << 24;
	APIC_REG(0x30) = version;
	APIC_REG(0xe0) = 0xffffffff;			/* DFR: flat model */
	APIC_REG(0xf0) = 0xff;				/* SVR */
	for (unsigned off = 0x320; off <= 0x370; off += 0x10)
		APIC_REG(off) = 1 << 16;		/* LVT: masked */
	if (ioctl(v->fd, KVM_SET_LAPIC, &lapic) < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "kvm: vCPU %d: KVM_SET_LAPIC: %s",
			    v->cpu->cpu_index, g_strerror(errno));
		return false;
	}
	return true;
}
#undef APIC_REG

static bool kvm_vm_ioctl(struct kvm_state *s, unsigned long req, void *arg, const char *name,
			 GError **errp)
{
	if (ioctl(s->vm_fd, req, arg) < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "kvm: %s: %s", name, g_strerror(errno));
		return false;
	}
	return true;
}

/* The PIC pair, IOAPIC and PIT at power-on (8259A, 82093AA and 8254 data sheets). */
static bool kvm_irqchip_on_reset(struct kvm_state *s, GError **errp)
{
	struct kvm_pit_state2 pit = { 0 };

	for (int chip = KVM_IRQCHIP_PIC_MASTER; chip <= KVM_IRQCHIP_IOAPIC; chip++) {
		struct kvm_irqchip c = { .chip_id = chip };

		if (!kvm_vm_ioctl(s, KVM_GET_IRQCHIP, &c, "KVM_GET_IRQCHIP", errp))
			return false;
		if (chip == KVM_IRQCHIP_IOAPIC) {
			uint64_t base = c.chip.ioapic.base_address;

			memset(&c.chip.ioapic, 0, sizeof(c.chip.ioapic));
			c.chip.ioapic.base_address = base;
			for (int i = 0; i < KVM_IOAPIC_NUM_PINS; i++)
				c.chip.ioapic.redirtbl[i].fields.mask = 1;
		} else {
			/* ELCR is the chipset's (PIIX3), not the 8259's: it stays */
			uint8_t elcr = c.chip.pic.elcr, elcr_mask = c.chip.pic.elcr_mask;

			memset(&c.chip.pic, 0, sizeof(c.chip.pic));
			c.chip.pic.elcr = elcr;
			c.chip.pic.elcr_mask = elcr_mask;
		}
		if (!kvm_vm_ioctl(s, KVM_SET_IRQCHIP, &c, "KVM_SET_IRQCHIP", errp))
			return false;
	}
	for (int i = 0; i < 3; i++) {
		pit.channels[i].mode = 3;
		pit.channels[i].gate = i != 2;		/* channel 2's gate is port 0x61 */
	}
	return kvm_vm_ioctl(s, KVM_SET_PIT2, &pit, "KVM_SET_PIT2", errp);
}

bool kvm_state_irqchip_reset(struct kvm_state *s, GError **errp)
{
	bool ok = true;

	if (s->irqchip == KERNEL_IRQCHIP_OFF)
		return true;
	g_mutex_lock(&s->vcpus_lock);
	for (unsigned i = 0; ok && i < s->vcpus->len; i++)
		ok = kvm_vcpu_lapic_reset(g_ptr_array_index(s->vcpus, i), errp);
	g_mutex_unlock(&s->vcpus_lock);
	if (ok && s->irqchip == KERNEL_IRQCHIP_ON)
		ok = kvm_irqchip_on_reset(s, errp);
	return ok;
}

bool kvm_irqchip_reset(GError **errp)
{
	return !kvm_global || kvm_state_irqchip_reset(kvm_global, errp);
}

/* ---- accel_ops ---- */

static bool kvm_accel_init(struct machine_state *ms, GError **errp)
{
	struct kvm_state *s = kvm_state_new(ms->kernel_irqchip, errp);

	if (!s)
		return false;
	kvm_global = s;
	kvm_state_attach(s, ms->as_mem, ms->as_io);
	return true;
}

/*
 * With an in-kernel LAPIC, an AP waiting for SIPI (or a halted vCPU) waits
 * inside KVM_RUN: KVM gets the state through mp_state and wakes the vCPU.
 * Run control (system/cpus.c) does not enter vcpu_exec while env.halted,
 * so hand the halt to KVM now. kernel-irqchip=off keeps it in env.
 */
static void kvm_accel_hand_mp_state_to_kvm(struct kvm_vcpu *v)
{
	if (v->s->irqchip != KERNEL_IRQCHIP_OFF && v->cpu->env.halted) {
		if (!v->cpu->env.wait_for_sipi) {
			g_autoptr(GError) err = NULL;

			/* HALTED goes to KVM now and is no longer dirty */
			if (!kvm_vcpu_put_state_parts(v, KVM_STATE_MP, KVM_PUT_FULL, &err))
				g_warning("%s", err->message);
		}
		v->cpu->env.halted = false;
	}
}

/* "-cpu host" and "-cpu max" (with or without ",+feat"): what KVM supports. */
static bool kvm_cpu_model_is_host(const char *model)
{
	size_t n = strcspn(model, ",");

	return (n == 4 && !strncmp(model, "host", 4)) || (n == 3 && !strncmp(model, "max", 3));
}

static bool kvm_accel_vcpu_init(struct x86_cpu *cpu, GError **errp)
{
	struct machine_state *ms = cpu->machine;
	const char *model = cpu->model ? cpu->model : ms && ms->cpu_model ? ms->cpu_model :
			    "qemu64";
	struct kvm_vcpu *v;

	if (!cpu->cpuid && !kvm_cpu_model_is_host(model)) {
		cpu->cpuid = x86_cpuid_new(model, errp);
		if (!cpu->cpuid)
			return false;
		x86_cpuid_set_topology(cpu->cpuid, cpu->apic_id, ms ? ms->smp_cpus : 1);
	}
	/*
	 * kvm_vcpu_new() reads KVM's reset state into env; if the board
	 * already reset the CPU (x86_cpu_reset: CR0 is never 0 after it),
	 * that state wins and goes to KVM before the first KVM_RUN.
	 */
	CPUX86State *board_env = cpu->env.cr[0] ? g_memdup2(&cpu->env, sizeof(cpu->env)) : NULL;

	v = kvm_vcpu_new(kvm_global, cpu, errp);
	if (v && board_env) {
		cpu->env = *board_env;
		kvm_vcpu_mark_dirty(v, KVM_PUT_FULL);
		kvm_accel_hand_mp_state_to_kvm(v);
	}
	g_free(board_env);

	if (!v)
		return false;
	cpu->accel = v;
	return true;
}

static int kvm_accel_vcpu_exec(struct x86_cpu *cpu)
{
	return kvm_vcpu_exec(cpu->accel);
}

static void kvm_accel_vcpu_kick(struct x86_cpu *cpu)
{
	if (cpu->accel)
		kvm_vcpu_kick(cpu->accel);
}

static void kvm_accel_vcpu_sync_state(struct x86_cpu *cpu)
{
	g_autoptr(GError) err = NULL;

	if (!kvm_vcpu_get_state(cpu->accel, &err))
		g_warning("%s", err->message);
}

static void kvm_accel_vcpu_put_state(struct x86_cpu *cpu)
{
	kvm_vcpu_mark_dirty(cpu->accel, KVM_PUT_FULL);
	kvm_accel_hand_mp_state_to_kvm(cpu->accel);
}

static void kvm_accel_set_gsi(struct machine_state *ms, int gsi, int level)
{
	g_autoptr(GError) err = NULL;

	if (!kvm_state_set_gsi(kvm_global, gsi, level, &err))
		g_warning("%s", err->message);	/* a wiring bug in kemu, not the guest */
}

static void kvm_accel_vcpu_destroy(struct x86_cpu *cpu)
{
	kvm_vcpu_free(cpu->accel);
	cpu->accel = NULL;
}

static const struct accel_ops kvm_accel_ops = {
	.name = "kvm",
	.available = kvm_available,
	.init = kvm_accel_init,
	.vcpu_init = kvm_accel_vcpu_init,
	.vcpu_exec = kvm_accel_vcpu_exec,
	.vcpu_kick = kvm_accel_vcpu_kick,
	.vcpu_sync_state = kvm_accel_vcpu_sync_state,
	.vcpu_put_state = kvm_accel_vcpu_put_state,
	.set_gsi = kvm_accel_set_gsi,
	.vcpu_destroy = kvm_accel_vcpu_destroy,
};

static void __attribute__((constructor)) kvm_accel_register(void)
{
	accel_register(&kvm_accel_ops);
}

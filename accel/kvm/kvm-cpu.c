// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The KVM accelerator: vCPUs. Creates the vCPU and maps its kvm_run, runs
 * KVM_RUN and handles the exits: port and MMIO accesses go to the machine's
 * address spaces under the BQL (string I/O included), HLT and interrupt
 * injection when kemu's own PIC/LAPIC are in use, shutdown, and
 * KVM_EXIT_INTERNAL_ERROR. An emulation failure (KVM's instruction emulator
 * gave up) goes to the fallback in kvm-emul.c; anything else is reported
 * with registers and instruction bytes and the VM stops (EXEC_FATAL), never
 * a hang or a silent exit.
 *
 * Kicking: another thread sets exit_request and kvm_run.immediate_exit and
 * sends KVM_KICK_SIGNAL to the vCPU thread, so a KVM_RUN that is running
 * returns EINTR and one about to start returns at once.
 */
#include "kemu/common.h"
#include "accel/kvm/kvm-int.h"
#include "accel/kvm/kvm-cpu-state.h"
#include "accel/kvm.h"
#include "system/main-loop.h"
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "system/timer.h"
#include "hw/intc/apic.h"
#include "target/i386/interp.h"

/* ---- default exit dispatch: the machine's address spaces ---- */

static uint64_t ld_size(const uint8_t *p, unsigned size)
{
	switch (size) {
	case 1: return p[0];
	case 2: return lduw_le_p(p);
	case 4: return ldl_le_p(p);
	default: return ldq_le_p(p);
	}
}

static void st_size(uint8_t *p, unsigned size, uint64_t v)
{
	switch (size) {
	case 1: p[0] = v; break;
	case 2: stw_le_p(p, v); break;
	case 4: stl_le_p(p, v); break;
	default: stq_le_p(p, v); break;
	}
}

static void kvm_as_pio(void *opaque, uint16_t port, uint8_t *data, unsigned size,
		       unsigned count, bool is_write)
{
	struct kvm_state *s = opaque;

	bql_lock();
	for (unsigned i = 0; i < count; i++, data += size) {
		uint64_t v = 0;

		if (is_write) {
			address_space_write_value(s->as_io, port, size, ld_size(data, size));
		} else {
			address_space_read_value(s->as_io, port, size, &v);
			st_size(data, size, v);
		}
	}
	bql_unlock();
}

static void kvm_as_mmio(void *opaque, uint64_t addr, uint8_t *data, unsigned len,
			bool is_write)
{
	struct kvm_state *s = opaque;

	bql_lock();
	if (len == 1 || len == 2 || len == 4 || len == 8) {
		uint64_t v = 0;

		if (is_write) {
			address_space_write_value(s->as_mem, addr, len, ld_size(data, len));
		} else {
			address_space_read_value(s->as_mem, addr, len, &v);
			st_size(data, len, v);
		}
	} else {
		address_space_rw(s->as_mem, addr, data, len, is_write);
	}
	bql_unlock();
}

static const struct kvm_io_handlers kvm_as_handlers = {
	.pio = kvm_as_pio,
	.mmio = kvm_as_mmio,
};

/* ---- state get/put (ioctls) ---- */

static bool vcpu_ioctl(struct kvm_vcpu *v, unsigned long req, void *arg, const char *name,
		       GError **errp)
{
	if (ioctl(v->fd, req, arg) < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "kvm: vCPU %d: %s: %s", v->cpu->cpu_index, name,
			    g_strerror(errno));
		return false;
	}
	return true;
}

static bool kvm_vcpu_get_msrs(struct kvm_vcpu *v, GError **errp)
{
	struct kvm_state *s = v->s;
	g_autofree struct kvm_msrs *m = NULL;
	int r;

	if (!s->nr_msrs)
		return true;
	m = g_malloc0(sizeof(*m) + s->nr_msrs * sizeof(m->entries[0]));
	m->nmsrs = s->nr_msrs;
	for (unsigned i = 0; i < s->nr_msrs; i++)
		m->entries[i].index = s->msrs[i];
	r = ioctl(v->fd, KVM_GET_MSRS, m);
	if (r != (int)s->nr_msrs) {
		g_set_error(errp, KEMU_ERROR, 0, "kvm: vCPU %d: KVM_GET_MSRS: %d of %u read",
			    v->cpu->cpu_index, r, s->nr_msrs);
		return false;
	}
	for (unsigned i = 0; i < s->nr_msrs; i++)
		kvm_msr_set_in_env(&v->cpu->env, m->entries[i].index, m->entries[i].data);
	return true;
}

static bool kvm_vcpu_put_msrs(struct kvm_vcpu *v, enum kvm_put_level level, GError **errp)
{
	struct kvm_state *s = v->s;
	g_autofree struct kvm_msrs *m = NULL;
	unsigned n = 0;
	int r;

	if (!s->nr_msrs)
		return true;
	m = g_malloc0(sizeof(*m) + s->nr_msrs * sizeof(m->entries[0]));
	for (unsigned i = 0; i < s->nr_msrs; i++) {
		/* Writing the TSC at run time would make guest time jump. */
		if (level == KVM_PUT_RUNTIME &&
		    (s->msrs[i] == MSR_IA32_TSC || s->msrs[i] == MSR_IA32_TSC_ADJUST))
			continue;
		uint64_t val = 0;

		kvm_msr_get_from_env(&v->cpu->env, s->msrs[i], &val);
		m->entries[n].index = s->msrs[i];
		m->entries[n].data = val;
		n++;
	}
	m->nmsrs = n;
	r = ioctl(v->fd, KVM_SET_MSRS, m);
	if (r != (int)n) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "kvm: vCPU %d: KVM_SET_MSRS: MSR 0x%x=0x%llx refused", v->cpu->cpu_index,
			    r >= 0 && r < (int)n ? m->entries[r].index : 0,
			    r >= 0 && r < (int)n ? (unsigned long long)m->entries[r].data : 0ULL);
		return false;
	}
	return true;
}

static bool kvm_vcpu_ioctl_get(struct kvm_vcpu *v, unsigned parts, GError **errp)
{
	CPUX86State *env = &v->cpu->env;
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	if (parts & KVM_STATE_REGS) {
		if (!vcpu_ioctl(v, KVM_GET_REGS, &regs, "KVM_GET_REGS", errp))
			return false;
		env_from_kvm_regs(env, &regs);
	}
	if (parts & KVM_STATE_SREGS) {
		if (!vcpu_ioctl(v, KVM_GET_SREGS, &sregs, "KVM_GET_SREGS", errp))
			return false;
		env_from_kvm_sregs(env, &sregs);
	}
	if (!(parts & KVM_STATE_FPU)) {
		/* nothing */
	} else if (v->s->has_xsave) {
		g_autofree struct kvm_xsave *xs = g_malloc0(sizeof(*xs));

		if (!vcpu_ioctl(v, KVM_GET_XSAVE, xs, "KVM_GET_XSAVE", errp))
			return false;
		env_from_kvm_xsave(env, xs->region);
	} else {
		struct kvm_fpu fpu;

		if (!vcpu_ioctl(v, KVM_GET_FPU, &fpu, "KVM_GET_FPU", errp))
			return false;
		env_from_kvm_fpu(env, &fpu);
	}
	if ((parts & KVM_STATE_FPU) && v->s->has_xcrs) {
		struct kvm_xcrs xcrs;

		if (!vcpu_ioctl(v, KVM_GET_XCRS, &xcrs, "KVM_GET_XCRS", errp))
			return false;
		for (unsigned i = 0; i < xcrs.nr_xcrs; i++)
			if (xcrs.xcrs[i].xcr == 0)
				env->xcr0 = xcrs.xcrs[i].value;
	}
	if ((parts & KVM_STATE_MSRS) && !kvm_vcpu_get_msrs(v, errp))
		return false;
	if ((parts & KVM_STATE_EVENTS) && v->s->has_vcpu_events) {
		struct kvm_vcpu_events ev;

		if (!vcpu_ioctl(v, KVM_GET_VCPU_EVENTS, &ev, "KVM_GET_VCPU_EVENTS", errp))
			return false;
		env_from_kvm_vcpu_events(env, &ev);
	}
	if ((parts & KVM_STATE_DEBUG) && v->s->has_debugregs) {
		struct kvm_debugregs dr;

		if (!vcpu_ioctl(v, KVM_GET_DEBUGREGS, &dr, "KVM_GET_DEBUGREGS", errp))
			return false;
		env_from_kvm_debugregs(env, &dr);
	}
	if ((parts & KVM_STATE_MP) && v->s->irqchip != KERNEL_IRQCHIP_OFF) {
		struct kvm_mp_state mp;

		if (!vcpu_ioctl(v, KVM_GET_MP_STATE, &mp, "KVM_GET_MP_STATE", errp))
			return false;
		env_from_kvm_mp_state(env, mp.mp_state);
	}
	return true;
}

static bool kvm_vcpu_ioctl_put(struct kvm_vcpu *v, unsigned parts, enum kvm_put_level level,
			       GError **errp)
{
	const CPUX86State *env = &v->cpu->env;
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	/*
	 * On the vCPU thread, right before KVM_RUN, registers can travel in
	 * kvm_run (KVM_CAP_SYNC_REGS) instead of costing an ioctl each;
	 * KVM loads them on entry.
	 */
	bool sync = v->s->sync_regs && v->thread_valid && pthread_equal(v->thread, pthread_self());

	if ((parts & KVM_STATE_REGS) && sync) {
		kvm_regs_from_env(&v->run->s.regs.regs, env);
		v->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	} else if (parts & KVM_STATE_REGS) {
		kvm_regs_from_env(&regs, env);
		if (!vcpu_ioctl(v, KVM_SET_REGS, &regs, "KVM_SET_REGS", errp))
			return false;
	}
	if (!(parts & KVM_STATE_FPU)) {
		/* nothing */
	} else if (v->s->has_xsave) {
		g_autofree struct kvm_xsave *xs = g_malloc0(sizeof(*xs));

		kvm_xsave_from_env(xs->region, env);
		if (!vcpu_ioctl(v, KVM_SET_XSAVE, xs, "KVM_SET_XSAVE", errp))
			return false;
	} else {
		struct kvm_fpu fpu;

		kvm_fpu_from_env(&fpu, env);
		if (!vcpu_ioctl(v, KVM_SET_FPU, &fpu, "KVM_SET_FPU", errp))
			return false;
	}
	if ((parts & KVM_STATE_FPU) && v->s->has_xcrs) {
		struct kvm_xcrs xcrs = { .nr_xcrs = 1, .xcrs[0] = { .xcr = 0, .value = env->xcr0 } };

		/* XCR0 bit 0 is always set; 0 means "never configured". */
		if (env->xcr0 && !vcpu_ioctl(v, KVM_SET_XCRS, &xcrs, "KVM_SET_XCRS", errp))
			return false;
	}
	if ((parts & KVM_STATE_SREGS) && sync) {
		kvm_sregs_from_env(&v->run->s.regs.sregs, env);
		v->run->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
	} else if (parts & KVM_STATE_SREGS) {
		kvm_sregs_from_env(&sregs, env);
		if (!vcpu_ioctl(v, KVM_SET_SREGS, &sregs, "KVM_SET_SREGS", errp))
			return false;
	}
	if ((parts & KVM_STATE_MSRS) && !kvm_vcpu_put_msrs(v, level, errp))
		return false;
	if ((parts & KVM_STATE_MP) && v->s->irqchip != KERNEL_IRQCHIP_OFF) {
		struct kvm_mp_state mp = { .mp_state = kvm_mp_state_from_env(env) };

		if (!vcpu_ioctl(v, KVM_SET_MP_STATE, &mp, "KVM_SET_MP_STATE", errp))
			return false;
	}
	if ((parts & KVM_STATE_EVENTS) && v->s->has_vcpu_events) {
		struct kvm_vcpu_events ev;

		kvm_vcpu_events_from_env(&ev, env);
		if (!vcpu_ioctl(v, KVM_SET_VCPU_EVENTS, &ev, "KVM_SET_VCPU_EVENTS", errp))
			return false;
	}
	if ((parts & KVM_STATE_DEBUG) && v->s->has_debugregs) {
		struct kvm_debugregs dr;

		kvm_debugregs_from_env(&dr, env);
		if (!vcpu_ioctl(v, KVM_SET_DEBUGREGS, &dr, "KVM_SET_DEBUGREGS", errp))
			return false;
	}
	return true;
}

static const struct kvm_vcpu_state_ops kvm_ioctl_state_ops = {
	.get = kvm_vcpu_ioctl_get,
	.put = kvm_vcpu_ioctl_put,
};

bool kvm_vcpu_get_state_parts(struct kvm_vcpu *v, unsigned parts, GError **errp)
{
	unsigned missing = parts & ~v->env_valid;

	if (!missing)
		return true;
	if (!v->state_ops->get(v, missing, errp))
		return false;
	v->env_valid |= missing;
	return true;
}

bool kvm_vcpu_get_state(struct kvm_vcpu *v, GError **errp)
{
	return kvm_vcpu_get_state_parts(v, KVM_STATE_ALL, errp);
}

bool kvm_vcpu_put_state_parts(struct kvm_vcpu *v, unsigned parts, enum kvm_put_level level,
			      GError **errp)
{
	/* a part never fetched holds stale values: writing it would corrupt KVM's */
	parts &= v->env_valid;
	if (parts && !v->state_ops->put(v, parts, level, errp))
		return false;
	v->env_dirty &= ~parts;
	return true;
}

/*
 * cpu->env as a whole is now what the vCPU must be (reset, gdb, loadvm,
 * or changes after kvm_vcpu_get_state): all of it goes to KVM.
 */
void kvm_vcpu_mark_dirty(struct kvm_vcpu *v, enum kvm_put_level level)
{
	if (!v->env_dirty || level > v->dirty_level)
		v->dirty_level = level;
	v->env_valid = v->env_dirty = KVM_STATE_ALL;
}

/*
 * Guest memory for the interpreter when it runs an instruction KVM gave up
 * on: RAM straight from the memslots, everything else through the same
 * exit handlers KVM_RUN's exits use.
 */
static uint8_t *kvm_interp_ram_ptr(void *opaque, uint64_t paddr, bool write)
{
	struct kvm_vcpu *v = opaque;
	struct kvm_state *s = v->s;
	uint8_t *p = NULL;

	g_mutex_lock(&s->slots_lock);
	for (unsigned i = 0; i < s->nr_slots; i++) {
		struct kvm_slot *sl = &s->slots[i];

		if (sl->used && paddr >= sl->gpa && paddr - sl->gpa < sl->size) {
			if (!(write && (sl->flags & KVM_MEM_READONLY)))
				p = sl->host + (paddr - sl->gpa);
			break;
		}
	}
	g_mutex_unlock(&s->slots_lock);
	return p;
}

static void *kvm_io_opaque(struct kvm_vcpu *v)
{
	return v->io->opaque ? v->io->opaque : v->s;
}

static uint64_t kvm_interp_read(void *opaque, uint64_t paddr, unsigned size)
{
	struct kvm_vcpu *v = opaque;
	uint8_t buf[8] = { 0 };

	v->io->mmio(kvm_io_opaque(v), paddr, buf, size, false);
	return ld_size(buf, size);
}

static void kvm_interp_write(void *opaque, uint64_t paddr, uint64_t value, unsigned size)
{
	struct kvm_vcpu *v = opaque;
	uint8_t buf[8];

	st_size(buf, size, value);
	v->io->mmio(kvm_io_opaque(v), paddr, buf, size, true);
}

static uint64_t kvm_interp_io_read(void *opaque, uint16_t port, unsigned size)
{
	struct kvm_vcpu *v = opaque;
	uint8_t buf[8] = { 0 };

	v->io->pio(kvm_io_opaque(v), port, buf, size, 1, false);
	return ld_size(buf, size);
}

static void kvm_interp_io_write(void *opaque, uint16_t port, uint64_t value, unsigned size)
{
	struct kvm_vcpu *v = opaque;
	uint8_t buf[8];

	st_size(buf, size, value);
	v->io->pio(kvm_io_opaque(v), port, buf, size, 1, true);
}

static int64_t kvm_interp_clock_ns(void *opaque)
{
	return clock_get_ns(CLOCK_VIRTUAL);
}

static const struct interp_mem_ops kvm_interp_mem_ops = {
	.ram_ptr = kvm_interp_ram_ptr,
	.read = kvm_interp_read,
	.write = kvm_interp_write,
	.io_read = kvm_interp_io_read,
	.io_write = kvm_interp_io_write,
	.clock_ns = kvm_interp_clock_ns,
};

/* Which of kvm_msr_indices this KVM lets the vCPU read. */
static void kvm_vcpu_probe_msrs(struct kvm_vcpu *v)
{
	static GMutex lock;
	struct kvm_state *s = v->s;

	g_mutex_lock(&lock);
	if (!s->msrs) {
		s->msrs = g_new0(uint32_t, kvm_msr_indices_count);
		for (unsigned i = 0; i < kvm_msr_indices_count; i++) {
			struct {
				struct kvm_msrs h;
				struct kvm_msr_entry e;
			} m = { .h.nmsrs = 1, .e.index = kvm_msr_indices[i] };

			if (ioctl(v->fd, KVM_GET_MSRS, &m) == 1)
				s->msrs[s->nr_msrs++] = kvm_msr_indices[i];
		}
	}
	g_mutex_unlock(&lock);
}

struct kvm_vcpu *kvm_vcpu_new(struct kvm_state *s, struct x86_cpu *cpu, GError **errp)
{
	struct kvm_vcpu *v = g_new0(struct kvm_vcpu, 1);

	v->s = s;
	v->cpu = cpu;
	v->io = &kvm_as_handlers;
	v->state_ops = &kvm_ioctl_state_ops;
	v->emulate = interp_emulate_one;
	v->fd = ioctl(s->vm_fd, KVM_CREATE_VCPU, (unsigned long)cpu->apic_id);
	if (v->fd < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "kvm: KVM_CREATE_VCPU %u: %s", cpu->apic_id,
			    g_strerror(errno));
		g_free(v);
		return NULL;
	}
	v->run = mmap(NULL, s->run_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		g_set_error(errp, KEMU_ERROR, 0, "kvm: vCPU %d: mmap kvm_run: %s",
			    cpu->cpu_index, g_strerror(errno));
		v->run = NULL;
		goto err;
	}
	if (!kvm_vcpu_setup_cpuid(v, errp))
		goto err;
	kvm_vcpu_probe_msrs(v);
	interp_cpu_set_memory(cpu, &kvm_interp_mem_ops, v);
	/* env starts as KVM's own reset state; run control may reset and put it. */
	if (!kvm_vcpu_get_state(v, errp))
		goto err;
	g_mutex_lock(&s->vcpus_lock);
	g_ptr_array_add(s->vcpus, v);
	g_mutex_unlock(&s->vcpus_lock);
	return v;
err:
	kvm_vcpu_free(v);
	return NULL;
}

void kvm_vcpu_free(struct kvm_vcpu *v)
{
	if (!v)
		return;
	g_mutex_lock(&v->s->vcpus_lock);
	g_ptr_array_remove(v->s->vcpus, v);
	g_mutex_unlock(&v->s->vcpus_lock);
	if (v->window_timer)
		timer_free(v->window_timer);
	if (v->run)
		munmap(v->run, v->s->run_mmap_size);
	if (v->cpu->interp)
		interp_cpu_destroy(v->cpu);
	if (v->fd >= 0)
		close(v->fd);
	g_free(v);
}

/* ---- kicking ---- */

static void kvm_kick_handler(int sig)
{
	/* Only there so that KVM_RUN returns EINTR. */
}

static void kvm_vcpu_thread_setup(struct kvm_vcpu *v)
{
	static gsize once;
	sigset_t set;

	if (g_once_init_enter(&once)) {
		struct sigaction sa = { .sa_handler = kvm_kick_handler };

		sigemptyset(&sa.sa_mask);
		sigaction(KVM_KICK_SIGNAL, &sa, NULL);	/* no SA_RESTART */
		g_once_init_leave(&once, 1);
	}
	sigemptyset(&set);
	sigaddset(&set, KVM_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	v->thread = pthread_self();
	__atomic_store_n(&v->thread_valid, 1, __ATOMIC_SEQ_CST);
}

void kvm_vcpu_kick(struct kvm_vcpu *v)
{
	__atomic_store_n(&v->cpu->exit_request, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&v->thread_valid, __ATOMIC_SEQ_CST) &&
	    !pthread_equal(v->thread, pthread_self()))
		pthread_kill(v->thread, KVM_KICK_SIGNAL);
}

void kvm_vcpu_kick_run(struct kvm_vcpu *v)
{
	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&v->thread_valid, __ATOMIC_SEQ_CST) &&
	    !pthread_equal(v->thread, pthread_self()))
		pthread_kill(v->thread, KVM_KICK_SIGNAL);
}

/* ---- interrupt windows on PVM (kernel-irqchip=on) ---- */

/* Steps are ~10 us each: at most ~0.1 s of single-stepping in one go. */
#define KVM_IRQ_WINDOW_MAX_STEPS 10000

static void kvm_vcpu_set_single_step(struct kvm_vcpu *v, bool on)
{
	struct kvm_guest_debug dbg = {
		.control = on ? KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP : 0,
	};

	if (ioctl(v->fd, KVM_SET_GUEST_DEBUG, &dbg) < 0)
		g_warning("kvm: vCPU %d: KVM_SET_GUEST_DEBUG: %s", v->cpu->cpu_index,
			  g_strerror(errno));
}

/*
 * A line kemu holds high whose request waits, unmasked, in KVM's PIC (the
 * guest has not taken it yet). The PIT's IRQ 0 is KVM's own and does not
 * count: it is pending most of the time and no guest waits for it this way.
 */
static bool kvm_vcpu_pic_pending(struct kvm_vcpu *v)
{
	uint32_t high = __atomic_load_n(&v->s->gsi_high, __ATOMIC_SEQ_CST);

	for (int id = KVM_IRQCHIP_PIC_MASTER; id <= KVM_IRQCHIP_PIC_SLAVE; id++) {
		struct kvm_irqchip chip = { .chip_id = id };
		uint8_t lines = id == KVM_IRQCHIP_PIC_MASTER ? high & 0xff : high >> 8;

		if (!lines)
			continue;
		if (ioctl(v->s->vm_fd, KVM_GET_IRQCHIP, &chip) < 0)
			return false;
		if (chip.chip.pic.irr & ~chip.chip.pic.imr & lines)
			return true;
	}
	return false;
}

void kvm_vcpu_window_kick(struct kvm_vcpu *v)
{
	__atomic_store_n(&v->window_recheck_ns, 1000000, __ATOMIC_SEQ_CST);
	kvm_vcpu_kick_run(v);
}

/* The recheck timer: behave as if a GSI had risen again. */
static void kvm_vcpu_window_recheck(void *opaque)
{
	struct kvm_vcpu *v = opaque;

	__atomic_fetch_add(&v->s->gsi_raises, 1, __ATOMIC_SEQ_CST);
	kvm_vcpu_kick_run(v);
}

/* Stop stepping; look again later if kemu's request still waits in the PIC. */
static void kvm_vcpu_window_step_end(struct kvm_vcpu *v)
{
	int64_t delay;

	kvm_vcpu_set_single_step(v, false);
	v->nr_window_steps += v->window_steps;
	v->window_steps = 0;
	if (!kvm_vcpu_pic_pending(v))
		return;
	if (!v->window_timer)
		v->window_timer = timer_new_ns(CLOCK_HOST_MONOTONIC, kvm_vcpu_window_recheck, v);
	delay = __atomic_load_n(&v->window_recheck_ns, __ATOMIC_SEQ_CST);
	timer_mod_ns(v->window_timer, clock_get_ns(CLOCK_HOST_MONOTONIC) + delay);
	__atomic_store_n(&v->window_recheck_ns, MIN(delay * 2, 100 * 1000000LL), __ATOMIC_SEQ_CST);
}

/*
 * Before KVM_RUN (irq_window_step): a GSI rose since this vCPU last looked;
 * if the guest has interrupts off, a PVM host might never find the moment
 * it turns them on again. Single-step until it does: each step is a
 * KVM_RUN, and KVM checks for a pending interrupt on every entry. Stepping
 * ends once IF has been set at two exits in a row (past any STI shadow; PVM
 * does not report the shadow) and kemu's request no longer waits in the PIC
 * (the timer's IRQ 0 often goes first, and its handler returns into the same
 * short window). A guest that keeps interrupts off longer than the step
 * limit runs at full speed and a timer looks again, later each time.
 */
static void kvm_vcpu_irq_window_step(struct kvm_vcpu *v)
{
	unsigned raises = __atomic_load_n(&v->s->gsi_raises, __ATOMIC_SEQ_CST);

	if (raises != v->gsi_raises_seen) {
		v->gsi_raises_seen = raises;
		if (!v->window_steps) {
			kvm_vcpu_set_single_step(v, true);
			v->window_steps = 1;
			v->window_if_steps = 0;
		}
		return;
	}
	if (!v->window_steps)
		return;
	v->window_if_steps = v->run->if_flag ? v->window_if_steps + 1 : 0;
	if ((v->window_if_steps >= 2 && !kvm_vcpu_pic_pending(v)) ||
	    v->window_steps >= KVM_IRQ_WINDOW_MAX_STEPS)
		kvm_vcpu_window_step_end(v);
}

/* ---- reports ---- */

bool kvm_vcpu_code64(const CPUX86State *env)
{
	return (env->efer & EFER_LMA) && (env->segs[R_CS].flags & SEG_L);
}

/* Up to 15 bytes at CS:RIP; from the exit if KVM gave them, else from RAM. */
unsigned kvm_vcpu_fetch_insn(struct kvm_vcpu *v, uint8_t *buf)
{
	const CPUX86State *env = &v->cpu->env;
	struct kvm_run *run = v->run;
	uint64_t linear = env->segs[R_CS].base + env->rip;
	uint64_t gpa = linear;
	unsigned n = 15;

	if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR &&
	    run->emulation_failure.suberror == KVM_INTERNAL_ERROR_EMULATION &&
	    run->emulation_failure.ndata >= 3 &&
	    (run->emulation_failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES) &&
	    run->emulation_failure.insn_size) {
		n = MIN(run->emulation_failure.insn_size, 15);
		memcpy(buf, run->emulation_failure.insn_bytes, n);
		return n;
	}
	if (!kvm_vcpu_code64(env))
		linear = gpa = (uint32_t)linear;
	if (env->cr[0] & CR0_PG) {
		struct kvm_translation tr = { .linear_address = linear };

		if (v->fd < 0 || ioctl(v->fd, KVM_TRANSLATE, &tr) < 0 || !tr.valid)
			return 0;
		gpa = tr.physical_address;
		n = MIN(n, 4096 - (linear & 4095));	/* do not walk into the next page */
	}
	while (n && !kvm_guest_phys_read(v->s, gpa, buf, n))
		n--;
	return n;
}

static void format_seg(GString *out, const char *name, const struct segment_cache *sc)
{
	g_string_append_printf(out, "%-3s=%04x %016" PRIx64 " %08x %08x\n", name, sc->selector,
			       sc->base, sc->limit, sc->flags);
}

void kvm_vcpu_format_state(struct kvm_vcpu *v, GString *out)
{
	const CPUX86State *e = &v->cpu->env;
	static const char *const segn[] = { "ES", "CS", "SS", "DS", "FS", "GS" };
	uint8_t insn[15];
	unsigned n;

	g_string_append_printf(out,
		"RAX=%016" PRIx64 " RBX=%016" PRIx64 " RCX=%016" PRIx64 " RDX=%016" PRIx64 "\n"
		"RSI=%016" PRIx64 " RDI=%016" PRIx64 " RBP=%016" PRIx64 " RSP=%016" PRIx64 "\n"
		"R8 =%016" PRIx64 " R9 =%016" PRIx64 " R10=%016" PRIx64 " R11=%016" PRIx64 "\n"
		"R12=%016" PRIx64 " R13=%016" PRIx64 " R14=%016" PRIx64 " R15=%016" PRIx64 "\n"
		"RIP=%016" PRIx64 " RFL=%08" PRIx64 "\n",
		e->regs[R_EAX], e->regs[R_EBX], e->regs[R_ECX], e->regs[R_EDX],
		e->regs[R_ESI], e->regs[R_EDI], e->regs[R_EBP], e->regs[R_ESP],
		e->regs[R_R8], e->regs[R_R9], e->regs[R_R10], e->regs[R_R11],
		e->regs[R_R12], e->regs[R_R13], e->regs[R_R14], e->regs[R_R15],
		e->rip, e->rflags);
	for (int i = 0; i < 6; i++)
		format_seg(out, segn[i], &e->segs[i]);
	format_seg(out, "LDT", &e->ldt);
	format_seg(out, "TR", &e->tr);
	g_string_append_printf(out,
		"GDT=     %016" PRIx64 " %08x\nIDT=     %016" PRIx64 " %08x\n"
		"CR0=%08" PRIx64 " CR2=%016" PRIx64 " CR3=%016" PRIx64 " CR4=%08" PRIx64 "\n"
		"EFER=%016" PRIx64 "\nCode=",
		e->gdt.base, e->gdt.limit, e->idt.base, e->idt.limit,
		e->cr[0], e->cr[2], e->cr[3], e->cr[4], e->efer);
	n = kvm_vcpu_fetch_insn(v, insn);
	for (unsigned i = 0; i < n; i++)
		g_string_append_printf(out, "%s%02x", i ? " " : "", insn[i]);
	if (!n)
		g_string_append(out, "(not readable)");
	g_string_append_c(out, '\n');
}

static int kvm_vcpu_fatal(struct kvm_vcpu *v, const char *what)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GString) out = g_string_new(NULL);

	if (!kvm_vcpu_get_state(v, &err))
		g_string_append_printf(out, "(registers not available: %s)\n", err->message);
	g_string_append_printf(out, "kemu: vCPU %d: %s; VM stopped\n", v->cpu->cpu_index, what);
	if (!err)
		kvm_vcpu_format_state(v, out);
	fputs(out->str, stderr);
	return EXEC_FATAL;
}

static int kvm_vcpu_internal_error(struct kvm_vcpu *v)
{
	struct kvm_run *run = v->run;
	g_autoptr(GString) what = g_string_new(NULL);

	g_string_printf(what, "KVM internal error, suberror %u", run->internal.suberror);
	for (unsigned i = 0; i < run->internal.ndata && i < ARRAY_SIZE(run->internal.data); i++)
		g_string_append_printf(what, "\n  extra data[%u]: 0x%016llx", i,
				       (unsigned long long)run->internal.data[i]);
	if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION) {
		g_autoptr(GError) err = NULL;

		if (kvm_vcpu_handle_emulation_failure(v, &err))
			return -1;	/* resumed */
		/*
		 * The instruction triple-faulted in the interpreter: that is a
		 * shutdown, as KVM_EXIT_SHUTDOWN would have been (the
		 * interpreter says so only in its message, hence strstr).
		 */
		if (strstr(err->message, "triple fault")) {
			log_mask(LOG_RESET, "kvm: vCPU %d: %s\n", v->cpu->cpu_index, err->message);
			return EXEC_SHUTDOWN;
		}
		g_string_append_printf(what, "\n  emulation failure: %s", err->message);
	}
	return kvm_vcpu_fatal(v, what->str);
}

/* ---- the run loop ---- */

/*
 * Before the vCPU leaves the run loop (pause, reset, monitor), let KVM finish
 * the I/O instruction of the last exit without running the guest further:
 * KVM_RUN with immediate_exit set completes it and returns EINTR (KVM API,
 * "KVM_RUN"). Otherwise a reset's new registers are overwritten by the old
 * instruction's completion on the next KVM_RUN (RIP after the IN).
 */
static void kvm_vcpu_complete_io(struct kvm_vcpu *v)
{
	if (!v->io_pending)
		return;
	v->io_pending = false;
	if (v->env_dirty)
		return;		/* state already replaced: nothing left to complete into */
	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	if (ioctl(v->fd, KVM_RUN, 0) < 0 && errno != EINTR)
		g_warning("kvm: vCPU %d: completing I/O: %s", v->cpu->cpu_index, g_strerror(errno));
	__atomic_store_n(&v->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
	v->env_valid = 0;
}

/* kemu's PIC/LAPIC (kernel-irqchip=off|split): inject what run control flagged. */
static void kvm_vcpu_inject(struct kvm_vcpu *v)
{
	struct x86_cpu *cpu = v->cpu;
	struct kvm_run *run = v->run;
	int req = __atomic_load_n(&cpu->interrupt_request, __ATOMIC_SEQ_CST);

	if (req & CPU_INTERRUPT_NMI) {
		__atomic_fetch_and(&cpu->interrupt_request, ~CPU_INTERRUPT_NMI, __ATOMIC_SEQ_CST);
		if (ioctl(v->fd, KVM_NMI) < 0)
			g_warning("kvm: vCPU %d: KVM_NMI: %s", cpu->cpu_index, g_strerror(errno));
	}
	if (!(req & CPU_INTERRUPT_HARD)) {
		run->request_interrupt_window = 0;
		return;
	}
	/*
	 * kvm_run's if_flag and ready_for_interrupt_injection describe the
	 * vCPU at the last exit; when kemu has since put new registers (system
	 * reset, INIT, a debugger), those are the truth. Injecting on stale
	 * flags hands a vector to a CPU that just came out of reset with IF=0.
	 */
	bool regs_from_env = v->env_valid & KVM_STATE_REGS;
	bool if_flag = regs_from_env ? !!(cpu->env.rflags & X86_EFLAGS_IF) : run->if_flag;
	bool ready = regs_from_env ? !cpu->env.interrupt_shadow :
				     run->ready_for_interrupt_injection;

	if (ready && if_flag && cpu->irq_source.get_interrupt) {
		int vec;

		/* The controller raises HARD again if more is pending after the ack. */
		__atomic_fetch_and(&cpu->interrupt_request, ~CPU_INTERRUPT_HARD, __ATOMIC_SEQ_CST);
		bql_lock();
		vec = cpu->irq_source.get_interrupt(cpu->irq_source.opaque, cpu);
		bql_unlock();
		if (vec >= 0) {
			struct kvm_interrupt intr = { .irq = vec };

			if (ioctl(v->fd, KVM_INTERRUPT, &intr) < 0)
				g_warning("kvm: vCPU %d: KVM_INTERRUPT %d: %s", cpu->cpu_index, vec,
					  g_strerror(errno));
		}
	}
	req = __atomic_load_n(&cpu->interrupt_request, __ATOMIC_SEQ_CST);
	run->request_interrupt_window = !!(req & CPU_INTERRUPT_HARD);
}

/*
 * kernel-irqchip=off: kemu's LAPIC sends INIT and SIPI as interrupt_request
 * bits (SDM vol. 3A §10.4.7.3, §8.4.4). Returns true if the vCPU should
 * wait for a SIPI instead of running.
 */
static bool kvm_vcpu_init_sipi(struct kvm_vcpu *v)
{
	struct x86_cpu *cpu = v->cpu;
	CPUX86State *env = &cpu->env;
	int req = __atomic_load_n(&cpu->interrupt_request, __ATOMIC_SEQ_CST);
	g_autoptr(GError) err = NULL;

	if (!(req & (CPU_INTERRUPT_INIT | CPU_INTERRUPT_SIPI)))
		return env->wait_for_sipi;
	if (!kvm_vcpu_get_state(v, &err)) {
		g_warning("%s", err->message);
		return true;
	}
	if (req & CPU_INTERRUPT_INIT) {
		/* INIT keeps IA32_APIC_BASE; only an AP then waits for SIPI (as interp does) */
		uint64_t apic_base = env->apic_base;

		__atomic_fetch_and(&cpu->interrupt_request, ~CPU_INTERRUPT_INIT, __ATOMIC_SEQ_CST);
		x86_cpu_reset(cpu);
		env->apic_base = apic_base;
		env->wait_for_sipi = env->halted = !(apic_base & MSR_IA32_APICBASE_BSP);
		kvm_vcpu_mark_dirty(v, KVM_PUT_FULL);
	}
	if (req & CPU_INTERRUPT_SIPI) {
		__atomic_fetch_and(&cpu->interrupt_request, ~CPU_INTERRUPT_SIPI, __ATOMIC_SEQ_CST);
		if (env->wait_for_sipi) {
			/* kernel-irqchip=off: the vector is in kemu's LAPIC */
			uint8_t vector = cpu->apic ? apic_get_sipi_vector(APIC(cpu->apic))
						   : env->sipi_vector;

			env->segs[R_CS].selector = vector << 8;
			env->segs[R_CS].base = (uint64_t)vector << 12;
			env->rip = 0;
			env->wait_for_sipi = false;
			env->halted = false;
			kvm_vcpu_mark_dirty(v, KVM_PUT_FULL);
		}
	}
	return env->wait_for_sipi;
}

int kvm_vcpu_exec(struct kvm_vcpu *v)
{
	struct x86_cpu *cpu = v->cpu;
	struct kvm_run *run = v->run;

	if (!__atomic_load_n(&v->thread_valid, __ATOMIC_SEQ_CST))
		kvm_vcpu_thread_setup(v);
	if (v->s->irqchip == KERNEL_IRQCHIP_OFF) {
		if (kvm_vcpu_init_sipi(v)) {
			cpu->env.halted = true;
			return EXEC_HALTED;
		}
	}
	/* Run control calls us when there is work to do. */
	if (v->s->irqchip == KERNEL_IRQCHIP_OFF)
		cpu->env.halted = false;

	for (;;) {
		int r;

		if (__atomic_load_n(&cpu->exit_request, __ATOMIC_SEQ_CST)) {
			__atomic_store_n(&cpu->exit_request, 0, __ATOMIC_SEQ_CST);
			kvm_vcpu_complete_io(v);
			return EXEC_INTERRUPTED;
		}
		if (v->env_dirty) {
			g_autoptr(GError) err = NULL;

			if (!kvm_vcpu_put_state_parts(v, v->env_dirty, v->dirty_level, &err))
				return kvm_vcpu_fatal(v, err->message);
		}
		/*
		 * With an in-kernel LAPIC, halted and wait-for-SIPI live in
		 * KVM's mp_state (put above): run control must keep calling
		 * us so that KVM_RUN is there for KVM to wake the vCPU.
		 */
		if (v->s->irqchip != KERNEL_IRQCHIP_OFF)
			cpu->env.halted = cpu->env.wait_for_sipi = false;
		if (v->s->irqchip != KERNEL_IRQCHIP_ON)
			kvm_vcpu_inject(v);
		else if (v->s->irq_window_step && cpu->cpu_index == 0)
			kvm_vcpu_irq_window_step(v);	/* the PIC's ExtINT goes to the BSP */

		r = ioctl(v->fd, KVM_RUN, 0);
		__atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
		v->env_valid = 0;
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			g_autofree char *what = g_strdup_printf("KVM_RUN: %s", g_strerror(errno));
			return kvm_vcpu_fatal(v, what);
		}
		v->nr_exits++;
		v->io_pending = run->exit_reason == KVM_EXIT_IO || run->exit_reason == KVM_EXIT_MMIO;
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			v->same_rip_fallbacks = 0;
			if (run->io.size == 1 || run->io.size == 2 || run->io.size == 4)
				v->io->pio(kvm_io_opaque(v), run->io.port,
					   (uint8_t *)run + run->io.data_offset, run->io.size,
					   run->io.count, run->io.direction == KVM_EXIT_IO_OUT);
			break;
		case KVM_EXIT_MMIO:
			v->same_rip_fallbacks = 0;
			if (run->mmio.len >= 1 && run->mmio.len <= 8)
				v->io->mmio(kvm_io_opaque(v), run->mmio.phys_addr,
					    run->mmio.data, run->mmio.len, run->mmio.is_write);
			break;
		case KVM_EXIT_IRQ_WINDOW_OPEN:
		case KVM_EXIT_INTR:
			break;
		case KVM_EXIT_HLT:
			/* run control checks IF before it sleeps; env is not synced */
			if (run->if_flag)
				cpu->env.rflags |= X86_EFLAGS_IF;
			else
				cpu->env.rflags &= ~(uint64_t)X86_EFLAGS_IF;
			return EXEC_HALTED;
		case KVM_EXIT_SHUTDOWN:
			return EXEC_SHUTDOWN;
		case KVM_EXIT_DEBUG:
			if (v->window_steps) {
				v->window_steps++;
				break;
			}
			return EXEC_DEBUG;
		case KVM_EXIT_SYSTEM_EVENT:
			if (run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN ||
			    run->system_event.type == KVM_SYSTEM_EVENT_RESET)
				return EXEC_SHUTDOWN;
			return kvm_vcpu_fatal(v, "KVM system event (guest crash)");
		case KVM_EXIT_INTERNAL_ERROR:
			r = kvm_vcpu_internal_error(v);
			if (r >= 0)
				return r;
			if (cpu->env.halted && v->s->irqchip == KERNEL_IRQCHIP_OFF)
				return EXEC_HALTED;
			break;
		case KVM_EXIT_FAIL_ENTRY: {
			g_autofree char *what = g_strdup_printf(
				"KVM_EXIT_FAIL_ENTRY, hardware reason 0x%llx",
				(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
			return kvm_vcpu_fatal(v, what);
		}
		default: {
			g_autofree char *what = g_strdup_printf("unexpected KVM exit reason %u",
								run->exit_reason);
			return kvm_vcpu_fatal(v, what);
		}
		}
	}
}

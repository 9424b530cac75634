// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Monitor core: attaching QMP and HMP sessions to chardevs, output, the VM
 * run state as the monitors report it (QMP RunState), QMP events, and guest
 * CPU and memory access for commands (registers synced from the accelerator
 * with the vCPUs paused; virtual addresses walked through the guest's page
 * tables, SDM vol. 3A §4). Not here: the two protocols (qmp.c, hmp.c).
 */
#include "monitor/monitor-internal.h"
#include "hw/boards.h"
#include "hw/i386/pc.h"
#include "hw/acpi/acpi-pm.h"
#include "system/cpus.h"
#include "system/memory.h"
#include "target/i386/cpu.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib-unix.h>

/* Stop reading a client's input while this much of our output waits for it. */
#define MONITOR_OUT_MAX (64 * 1024)

static GPtrArray *monitors;	/* of struct monitor *, BQL */

GPtrArray *monitor_list(void)
{
	if (!monitors)
		monitors = g_ptr_array_new();
	return monitors;
}

/* ---- output ---- */

/*
 * A chardev write waits until the peer takes everything, which would let a
 * QMP client that sends but never reads stall the whole main loop. On a
 * socket, send without waiting under the chardev's write lock, keep the
 * rest for a G_IO_OUT watch, and stop reading the client's input while
 * more than MONITOR_OUT_MAX bytes wait (QEMU's monitors do the same).
 * Other backends (stdio, pty, files, mux) keep the plain chardev write.
 */
static bool monitor_out_nonblocking(struct monitor *mon)
{
	struct chardev *chr = mon->fe.chr;

	return chr && chr->out_fd >= 0 && object_dynamic_cast(OBJECT(chr), "chardev-socket");
}

static void monitor_out_drop(struct monitor *mon)
{
	if (mon->out_watch)
		g_source_remove(mon->out_watch);
	mon->out_watch = 0;
	if (mon->pending)
		g_byte_array_set_size(mon->pending, 0);
}

/* Send what is pending; false if the connection broke. */
static bool monitor_out_push(struct monitor *mon)
{
	struct chardev *chr = mon->fe.chr;
	bool ok = true;

	g_mutex_lock(&chr->write_lock);
	while (mon->pending->len && chr->out_fd >= 0) {
		ssize_t n = send(chr->out_fd, mon->pending->data, mon->pending->len,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n > 0) {
			if (chr->log_fd >= 0 && write(chr->log_fd, mon->pending->data, n) < 0)
				g_warning("monitor: writing the chardev log: %s", g_strerror(errno));
			g_byte_array_remove_range(mon->pending, 0, n);
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else {
			ok = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
			break;
		}
	}
	if (chr->out_fd < 0)
		ok = false;
	g_mutex_unlock(&chr->write_lock);
	return ok;
}

static gboolean monitor_out_ready(gint fd, GIOCondition cond, gpointer opaque)
{
	struct monitor *mon = opaque;

	if ((cond & (G_IO_ERR | G_IO_NVAL)) || !monitor_out_push(mon)) {
		/* the read side reports the hang-up; forget the output */
		mon->out_watch = 0;
		g_byte_array_set_size(mon->pending, 0);
		return G_SOURCE_REMOVE;
	}
	if (mon->pending->len)
		return G_SOURCE_CONTINUE;
	mon->out_watch = 0;
	chardev_fe_accept_input(&mon->fe);	/* we may have stopped reading */
	return G_SOURCE_REMOVE;
}

void monitor_write(struct monitor *mon, const char *buf, size_t len)
{
	if (!mon->attached)
		return;
	if (!monitor_out_nonblocking(mon)) {
		chardev_fe_write_all(&mon->fe, (const uint8_t *)buf, len);
		return;
	}
	g_byte_array_append(mon->pending, (const guint8 *)buf, len);
	if (mon->out_watch)
		return;
	if (!monitor_out_push(mon)) {
		g_byte_array_set_size(mon->pending, 0);
		return;
	}
	if (mon->pending->len)
		mon->out_watch = g_unix_fd_add(mon->fe.chr->out_fd, G_IO_OUT, monitor_out_ready, mon);
}

void monitor_flush(struct monitor *mon)
{
	if (mon->capture || mon->mux_out || !mon->outbuf->len)
		return;
	monitor_write(mon, mon->outbuf->str, mon->outbuf->len);
	g_string_truncate(mon->outbuf, 0);
}

/* HMP text: "\n" goes out as "\r\n", as QEMU's monitor_puts() does. */
void monitor_puts(struct monitor *mon, const char *s)
{
	GString *dst = mon->capture ? mon->capture : mon->outbuf;

	for (; *s; s++) {
		if (*s == '\n')
			g_string_append_c(dst, '\r');
		g_string_append_c(dst, *s);
	}
	monitor_flush(mon);
}

void monitor_printf(struct monitor *mon, const char *fmt, ...)
{
	g_autofree char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	monitor_puts(mon, s);
}

/* ---- run state ---- */

enum vm_state { VM_PRELAUNCH, VM_RUNNING, VM_PAUSED, VM_SHUTDOWN, VM_IO_ERROR,
		VM_INTERNAL_ERROR };
static enum vm_state vm_state = VM_PRELAUNCH;
static bool vm_state_known;

static enum vm_state vm_state_get(void)
{
	if (!vm_state_known) {
		/* before any change we saw: running, or -S */
		vm_state = cpus_running() ? VM_RUNNING : VM_PRELAUNCH;
		vm_state_known = true;
	}
	return vm_state;
}

static void vm_state_set(enum vm_state s)
{
	vm_state_get();
	vm_state = s;
}

bool monitor_vm_running(void)
{
	return cpus_running();
}

const char *monitor_runstate_name(void)
{
	enum vm_state s = vm_state_get();

	if (cpus_running())
		return "running";
	switch (s) {
	case VM_PRELAUNCH:
		return "prelaunch";
	case VM_PAUSED:
		return "paused";
	case VM_SHUTDOWN:
		return "shutdown";
	case VM_IO_ERROR:
		return "io-error";
	case VM_INTERNAL_ERROR:
		return "internal-error";
	case VM_RUNNING:
	default:
		/* we did not stop it: a vCPU hit a fatal error (cpus_report_fatal) */
		return "internal-error";
	}
}

void monitor_vm_stop(void)
{
	if (!cpus_running())
		return;		/* QEMU: no state change, no event */
	cpus_pause_all();
	vm_state_set(VM_PAUSED);
	monitor_qmp_event_emit("STOP", NULL);
}

/*
 * A device stopped the VM (werror=stop: "io-error"); system/blockdev.c
 * calls this through a weak reference. `cont` resumes it.
 */
void monitor_vm_stop_reason(const char *reason);
void monitor_vm_stop_reason(const char *reason)
{
	if (!cpus_running())
		return;
	cpus_pause_all();
	vm_state_set(!strcmp(reason, "io-error") ? VM_IO_ERROR : VM_PAUSED);
	monitor_qmp_event_emit("STOP", NULL);
}

bool monitor_vm_cont(GError **errp)
{
	const char *state = monitor_runstate_name();

	if (!strcmp(state, "shutdown") || !strcmp(state, "internal-error")) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC,
				      "Resetting the Virtual Machine is required");
		return false;
	}
	if (cpus_running())
		return true;
	vm_state_set(VM_RUNNING);
	cpus_resume_all();
	monitor_qmp_event_emit("RESUME", NULL);
	return true;
}

void monitor_system_reset(void)
{
	/* the main loop resets and tells the notifiers (the RESET event) */
	runstate_request_reset_cause(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
}

void monitor_system_powerdown(void)
{
	struct machine_state *ms = machine_current();
	struct object *pc = ms ? object_dynamic_cast(OBJECT(ms), TYPE_PC_MACHINE) : NULL;

	monitor_qmp_event_emit("POWERDOWN", NULL);
	if (pc && PC_MACHINE(pc)->acpi_pm)
		acpi_pm_power_button(PC_MACHINE(pc)->acpi_pm);
	else
		log_unimp("system_powerdown: this machine has no ACPI power button");
}

void monitor_quit(void)
{
	runstate_request_shutdown(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
}

static void monitor_runstate_changed(enum runstate_change change, enum shutdown_cause cause,
				     void *opaque)
{
	JsonObject *data;

	switch (change) {
	case RUNSTATE_SHUTDOWN:
	case RUNSTATE_RESET:
		data = json_object_new();
		json_object_set_boolean_member(data, "guest", cause >= SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
		json_object_set_string_member(data, "reason", shutdown_cause_name(cause));
		monitor_qmp_event_emit(change == RUNSTATE_RESET ? "RESET" : "SHUTDOWN", data);
		/* QEMU: a reset VM that was not running waits in prelaunch */
		if (change == RUNSTATE_RESET && !cpus_running())
			vm_state_set(VM_PRELAUNCH);
		break;
	case RUNSTATE_STOP:
		vm_state_set(VM_SHUTDOWN);
		monitor_qmp_event_emit("STOP", NULL);
		break;
	case RUNSTATE_INTERNAL_ERROR:
		/* a vCPU stopped on an error the accelerator could not handle */
		vm_state_set(VM_INTERNAL_ERROR);
		monitor_qmp_event_emit("STOP", NULL);
		break;
	}
}

/* ---- events ---- */

void monitor_qmp_event_emit(const char *name, JsonObject *data)
{
	JsonObject *ev = json_object_new(), *ts = json_object_new();
	g_autoptr(JsonNode) node = NULL;
	gint64 now = g_get_real_time();

	g_assert(qmp_schema_find_event(name));
	json_object_set_int_member(ts, "seconds", now / G_USEC_PER_SEC);
	json_object_set_int_member(ts, "microseconds", now % G_USEC_PER_SEC);
	json_object_set_object_member(ev, "timestamp", ts);
	json_object_set_string_member(ev, "event", name);
	if (data)
		json_object_set_object_member(ev, "data", data);
	node = jnode_object(ev);
	for (guint i = 0; monitors && i < monitors->len; i++) {
		struct monitor *mon = g_ptr_array_index(monitors, i);

		if (mon->mode == MONITOR_MODE_CONTROL && mon->negotiated)
			qmp_send(mon, node);
	}
}

/* ---- CPUs and memory ---- */

bool monitor_pause_for_inspection(void)
{
	bool was_running = cpus_running();

	if (was_running)
		cpus_pause_all();
	return was_running;
}

void monitor_resume_after_inspection(bool was_running)
{
	if (was_running)
		cpus_resume_all();
}

struct x86_cpu *monitor_get_cpu(int index)
{
	struct machine_state *ms = machine_current();
	struct x86_cpu *cpu;

	if (!ms || !ms->cpus || index < 0 || (unsigned)index >= ms->smp_cpus)
		return NULL;
	cpu = ms->cpus[index];
	/* callers hold the vCPUs paused (monitor_pause_for_inspection) */
	if (ms->accel && ms->accel->vcpu_sync_state && cpu->created)
		ms->accel->vcpu_sync_state(cpu);
	return cpu;
}

int64_t monitor_cpu_thread_id(struct x86_cpu *cpu)
{
	/* vCPU threads are named "CPU n/accel" (system/cpus.c): find the task */
	g_autofree char *want = g_strdup_printf("CPU %d/", cpu->cpu_index);
	GDir *dir = g_dir_open("/proc/self/task", 0, NULL);
	const char *name;
	int64_t tid = getpid();

	while (dir && (name = g_dir_read_name(dir))) {
		g_autofree char *path = g_strdup_printf("/proc/self/task/%s/comm", name);
		g_autofree char *comm = NULL;

		if (g_file_get_contents(path, &comm, NULL, NULL) && g_str_has_prefix(comm, want)) {
			tid = g_ascii_strtoll(name, NULL, 10);
			break;
		}
	}
	if (dir)
		g_dir_close(dir);
	return tid;
}

static bool phys_read(uint64_t pa, void *buf, size_t len)
{
	struct machine_state *ms = machine_current();

	return ms && address_space_rw(ms->as_mem, pa, buf, len, false) == MEMTX_OK;
}

static bool pte_read(uint64_t pa, bool wide, uint64_t *pte)
{
	uint32_t v32;

	if (wide)
		return phys_read(pa, pte, 8);
	if (!phys_read(pa, &v32, 4))
		return false;
	*pte = v32;
	return true;
}

/*
 * A page walk without side effects (no A/D bits), SDM vol. 3A §4.3-4.5.
 * On success *prot has PTE_W/PTE_U as the walk grants them; *size is the
 * mapping's page size, or on failure the size of the hole (so a caller
 * walking the address space can skip it).
 */
bool monitor_walk(struct x86_cpu *cpu, uint64_t va, uint64_t *pa, unsigned *prot,
		  uint64_t *size)
{
	const CPUX86State *env = &cpu->env;
	uint64_t cr3 = env->cr[3], pte, addr_mask = 0x000ffffffffff000ULL;
	bool pae = env->cr[4] & CR4_PAE, lma = env->efer & EFER_LMA;
	unsigned p = PTE_W | PTE_U;
	int levels, shift;

	*size = 4096;
	*prot = p;
	if (!(env->cr[0] & CR0_PG)) {
		*pa = va & env->a20_mask;
		return true;
	}
	if (!pae) {
		/* 32-bit paging: 2 levels of 1024 4-byte entries, 4 MiB pages with PSE */
		va &= 0xffffffff;
		*size = 1 << 22;
		if (!pte_read((cr3 & 0xfffff000) + ((va >> 22) << 2), false, &pte) || !(pte & 1))
			return false;
		p &= pte;
		if ((pte & 0x80) && (env->cr[4] & CR4_PSE)) {
			*pa = (pte & 0xffc00000) | ((pte & 0x1fe000) << 19) | (va & 0x3fffff);
			*prot = p;
			return true;
		}
		*size = 4096;
		if (!pte_read((pte & 0xfffff000) + (((va >> 12) & 0x3ff) << 2), false, &pte) ||
		    !(pte & 1))
			return false;
		*pa = (pte & 0xfffff000) | (va & 0xfff);
		*prot = p & pte;
		return true;
	}
	if (lma) {
		levels = (env->cr[4] & CR4_LA57) ? 5 : 4;
		pte = cr3;
	} else {
		/* PAE: the PDPTE indexed by bits 31:30 */
		va &= 0xffffffff;
		*size = 1 << 30;
		if (!pte_read((cr3 & 0xffffffe0) + ((va >> 30) << 3), true, &pte) || !(pte & 1))
			return false;
		levels = 2;
	}
	shift = 12 + 9 * levels;
	for (int l = levels; l > 0; l--) {
		shift -= 9;
		*size = 1ULL << shift;
		if (!pte_read((pte & addr_mask) + (((va >> shift) & 0x1ff) << 3), true, &pte) ||
		    !(pte & 1))
			return false;
		p &= pte;
		if (l <= 3 && l > 1 && (pte & 0x80)) {
			*pa = (pte & addr_mask & ~(*size - 1)) | (va & (*size - 1));
			*prot = p;
			return true;
		}
	}
	*size = 4096;
	*pa = (pte & addr_mask) | (va & 0xfff);
	*prot = p;
	return true;
}

bool monitor_virt_to_phys(struct x86_cpu *cpu, uint64_t va, uint64_t *pa)
{
	unsigned prot;
	uint64_t size;

	return monitor_walk(cpu, va, pa, &prot, &size);
}

bool monitor_read_memory(struct x86_cpu *cpu, uint64_t addr, void *buf, size_t len,
			 bool physical)
{
	uint8_t *p = buf;

	while (len) {
		size_t chunk = MIN(len, 0x1000 - (addr & 0xfff));
		uint64_t pa = addr;

		if (!physical && (!cpu || !monitor_virt_to_phys(cpu, addr, &pa)))
			return false;
		if (!phys_read(pa, p, chunk))
			return false;
		p += chunk;
		addr += chunk;
		len -= chunk;
	}
	return true;
}

bool monitor_save_memory(struct x86_cpu *cpu, uint64_t addr, uint64_t size,
			 const char *filename, bool physical, GError **errp)
{
	uint8_t buf[4096];
	int fd = open(filename, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok = true;

	if (fd < 0) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "Could not open '%s': %s", filename,
				      g_strerror(errno));
		return false;
	}
	while (size && ok) {
		size_t n = MIN(size, sizeof(buf));

		if (!monitor_read_memory(cpu, addr, buf, n, physical)) {
			if (!physical) {
				*errp = qmp_error_new(QMP_ERROR_GENERIC,
						      "Invalid addr 0x%016" PRIx64 "/size %" PRIu64
						      " specified", addr, size);
				ok = false;
				break;
			}
			memset(buf, 0xff, n);	/* unassigned memory reads as all ones */
		}
		if (write(fd, buf, n) != (ssize_t)n) {
			*errp = qmp_error_new(QMP_ERROR_GENERIC, "writing memory to '%s': %s",
					      filename, g_strerror(errno));
			ok = false;
		}
		addr += n;
		size -= n;
	}
	close(fd);
	return ok;
}

/* ---- sessions on chardevs ---- */

static int monitor_can_receive(void *opaque)
{
	struct monitor *mon = opaque;

	if (mon->pending->len > MONITOR_OUT_MAX)
		return 0;
	/* HMP takes a line's worth at a time; QMP as much as comes */
	return mon->mode == MONITOR_MODE_CONTROL ? 4096 : 256;
}

static void monitor_receive(void *opaque, const uint8_t *buf, int len)
{
	struct monitor *mon = opaque;

	if (mon->mode == MONITOR_MODE_CONTROL)
		qmp_receive(mon, buf, len);
	else
		hmp_receive(mon, buf, len);
}

static gboolean monitor_flush_idle(gpointer opaque)
{
	struct monitor *mon = opaque;

	mon->flush_idle = 0;
	monitor_flush(mon);
	return G_SOURCE_REMOVE;
}

static void monitor_event(void *opaque, enum chardev_event event)
{
	struct monitor *mon = opaque;

	switch (event) {
	case CHARDEV_EVENT_OPENED:
		mon->opened = true;
		if (mon->mode == MONITOR_MODE_CONTROL)
			qmp_session_start(mon);
		else
			hmp_session_start(mon);
		break;
	case CHARDEV_EVENT_CLOSED:
		mon->opened = false;
		monitor_out_drop(mon);
		mon->negotiated = false;
		json_streamer_destroy(&mon->js);
		json_streamer_init(&mon->js);
		g_string_truncate(mon->outbuf, 0);
		break;
	case CHARDEV_EVENT_MUX_IN:
		/*
		 * Flush from the main loop: at start-up the monitor gets the focus
		 * first and loses it to the serial port a moment later, and QEMU
		 * shows nothing until Ctrl-A c.
		 */
		mon->mux_out = false;
		if (!mon->flush_idle)
			mon->flush_idle = g_idle_add(monitor_flush_idle, mon);
		break;
	case CHARDEV_EVENT_MUX_OUT:
		mon->mux_out = true;
		break;
	case CHARDEV_EVENT_BREAK:
		break;
	}
}

static const struct chardev_handlers monitor_chr_handlers = {
	.can_receive = monitor_can_receive,
	.receive = monitor_receive,
	.event = monitor_event,
};

bool monitor_new(struct chardev *chr, enum monitor_mode mode, bool pretty, GError **errp)
{
	static bool notifier_added;
	struct monitor *mon = g_new0(struct monitor, 1);

	if (mode == MONITOR_MODE_CONTROL && chardev_is_mux(chr)) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "chardev '%s': QMP on a multiplexed chardev is not supported yet",
			    chr->id);
		g_free(mon);
		return false;
	}
	mon->mode = mode;
	mon->pretty = pretty;
	mon->outbuf = g_string_new(NULL);
	mon->pending = g_byte_array_new();
	mon->mux_out = chardev_is_mux(chr);
	json_streamer_init(&mon->js);
	if (!chardev_fe_init(&mon->fe, chr, errp)) {
		json_streamer_destroy(&mon->js);
		g_string_free(mon->outbuf, true);
		g_byte_array_free(mon->pending, true);
		g_free(mon);
		return false;
	}
	mon->attached = true;
	g_ptr_array_add(monitor_list(), mon);
	if (!notifier_added) {
		runstate_add_notifier(monitor_runstate_changed, NULL);
		notifier_added = true;
	}
	chardev_fe_set_handlers(&mon->fe, &monitor_chr_handlers, mon);
	return true;
}

void monitor_cleanup(void)
{
	while (monitors && monitors->len) {
		struct monitor *mon = g_ptr_array_steal_index(monitors, monitors->len - 1);

		if (mon->flush_idle)
			g_source_remove(mon->flush_idle);
		monitor_out_drop(mon);
		g_byte_array_free(mon->pending, true);
		chardev_fe_deinit(&mon->fe);
		json_streamer_destroy(&mon->js);
		hmp_readline_free(&mon->rl);
		g_string_free(mon->outbuf, true);
		g_free(mon);
	}
}

static monitor_screendump_fn *screendump_handler;

void monitor_set_screendump_handler(monitor_screendump_fn *fn)
{
	screendump_handler = fn;
}

bool qmp_cmd_screendump(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	if (!screendump_handler) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC,
				      "screendump is not supported yet: it comes with the display work");
		return false;
	}
	return screendump_handler(qmp_arg_str(args, "filename", NULL),
				  qmp_arg_str(args, "device", NULL), qmp_arg_int(args, "head", 0),
				  qmp_arg_str(args, "format", "ppm"), errp);
}

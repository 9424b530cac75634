// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HMP commands, with QEMU 7.2's names, arguments and output formats
 * (hmp-commands.hx, hmp-commands-info.hx, target/i386/cpu-dump.c for
 * `info registers`, monitor/misc.c memory_dump() for x/xp). Each takes the
 * text after its name. Not here: the line editor and parser (hmp.c).
 */
#include "monitor/monitor-internal.h"
#include "config-host.h"
#include "hw/boards.h"
#include "hw/i386/pc.h"
#include "hw/intc/apic.h"
#include "hw/intc/i8259.h"
#include "hw/intc/ioapic.h"
#include "hw/pci/pci.h"
#include "qom/property.h"
#include "accel/kvm.h"
#include "system/cpus.h"
#include "system/memory.h"
#include "target/i386/cpu.h"
#include "target/i386/interp.h"

/* QEMU keeps the last x/xp/p format for the next command without one. */
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))

static int default_fmt_format = 'x';
static int default_fmt_size = 4;

static void hmp_usage(struct monitor *mon, const char *cmd)
{
	monitor_printf(mon, "Try \"help %s\" for more information\n", cmd);
}

void hmp_error(struct monitor *mon, GError *err)
{
	monitor_printf(mon, "Error: %s\n", err->message);
	g_error_free(err);
}

/* A word, or a "quoted string" with \-escapes. NULL at the end of the line. */
char *hmp_word(const char **pp)
{
	const char *p = *pp;
	GString *s;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return NULL;
	s = g_string_new(NULL);
	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			g_string_append_c(s, *p);
		}
		if (*p == '"')
			p++;
	} else {
		while (*p && *p != ' ' && *p != '\t')
			g_string_append_c(s, *p++);
	}
	*pp = p;
	return g_string_free(s, false);
}

/* "/Nfu" as QEMU's monitor_parse_arguments reads it; false: message printed. */
static bool hmp_format(struct monitor *mon, const char **pp, int *count, int *format, int *size)
{
	const char *p = *pp;

	while (*p == ' ')
		p++;
	if (*p != '/') {
		*count = 1;
		*format = default_fmt_format;
		*size = *format == 'i' ? -1 : default_fmt_size;
		*pp = p;
		return true;
	}
	p++;
	*count = 1;
	if (g_ascii_isdigit(*p)) {
		*count = 0;
		while (g_ascii_isdigit(*p))
			*count = *count * 10 + (*p++ - '0');
	}
	*size = -1;
	*format = -1;
	for (;; p++) {
		if (*p && strchr("oduxic", *p))
			*format = *p;
		else if (*p == 'b')
			*size = 1;
		else if (*p == 'h')
			*size = 2;
		else if (*p == 'w')
			*size = 4;
		else if (*p == 'g' || *p == 'L')
			*size = 8;
		else
			break;
	}
	if (*p && *p != ' ' && *p != '\t') {
		monitor_printf(mon, "invalid char in format: '%c'\n", *p);
		return false;
	}
	if (*format < 0)
		*format = default_fmt_format;
	if (*format != 'i') {
		if (*size < 0)
			*size = default_fmt_size;
		default_fmt_size = *size;
	}
	default_fmt_format = *format;
	*pp = p;
	return true;
}

static bool hmp_expr_arg(struct monitor *mon, const char **pp, const char *cmd, int64_t *v)
{
	GError *err = NULL;

	if (!hmp_eval_expr(mon, pp, v, &err)) {
		monitor_printf(mon, "%s\n", err->message);
		g_error_free(err);
		hmp_usage(mon, cmd);
		return false;
	}
	return true;
}

/* ---- run control ---- */

static void hmp_stop(struct monitor *mon, const char *args)
{
	monitor_vm_stop();
}

static void hmp_cont(struct monitor *mon, const char *args)
{
	GError *err = NULL;

	if (!monitor_vm_cont(&err))
		hmp_error(mon, err);
}

static void hmp_system_reset(struct monitor *mon, const char *args)
{
	monitor_system_reset();
}

static void hmp_system_powerdown(struct monitor *mon, const char *args)
{
	monitor_system_powerdown();
}

static void hmp_quit(struct monitor *mon, const char *args)
{
	monitor_flush(mon);
	monitor_quit();
}

static void hmp_nmi(struct monitor *mon, const char *args)
{
	struct machine_state *ms = machine_current();

	/* QEMU's x86 nmi goes to every CPU */
	for (unsigned i = 0; ms && ms->cpus && i < ms->smp_cpus; i++)
		cpu_interrupt(ms->cpus[i], CPU_INTERRUPT_NMI);
}

static void hmp_log(struct monitor *mon, const char *args)
{
	g_autofree char *items = hmp_word(&args);
	unsigned mask = 0;
	GError *err = NULL;

	if (!items) {
		monitor_printf(mon, "log: string expected\n");
		hmp_usage(mon, "log");
		return;
	}
	if (strcmp(items, "none") && !log_parse_categories(items, &mask, &err)) {
		monitor_printf(mon, "%s\n", err->message);
		g_error_free(err);
		return;
	}
	log_set_mask(mask);
}

/* ---- memory ---- */

static void hmp_memory_dump(struct monitor *mon, const char *args, bool physical,
			    const char *cmd)
{
	int count, format, size, wsize, line_size, max_digits = 0;
	int64_t addr;
	struct x86_cpu *cpu;
	bool was_running;

	if (!hmp_format(mon, &args, &count, &format, &size) ||
	    !hmp_expr_arg(mon, &args, cmd, &addr))
		return;
	was_running = monitor_pause_for_inspection();
	cpu = monitor_get_cpu(mon->cpu_index);
	if (format == 'i') {
		int bits = 32;
		const CPUX86State *env = cpu ? &cpu->env : NULL;

		if (size == 2)
			bits = 16;
		else if (size == 4)
			bits = 32;
		else if (env && (env->efer & EFER_LMA) && (env->segs[R_CS].flags & SEG_L))
			bits = 64;
		else if (env && !(env->segs[R_CS].flags & SEG_DB))
			bits = 16;
		for (int i = 0; i < count; i++) {
			uint8_t bytes[16];
			char text[128], hex[64] = "";
			int n;

			if (!monitor_read_memory(cpu, addr, bytes, sizeof(bytes), physical)) {
				monitor_printf(mon, "0x%0*" PRIx64 ":  Cannot access memory\n",
					       bits == 64 ? 16 : 8, (uint64_t)addr);
				break;
			}
			n = x86_disas(bytes, sizeof(bytes), bits, addr, text, sizeof(text));
			if (n <= 0)
				n = 1;
			for (int b = 0; b < n && b < 15; b++)
				snprintf(hex + strlen(hex), sizeof(hex) - strlen(hex), "%s%02x",
					 b ? " " : "", bytes[b]);
			monitor_printf(mon, "0x%0*" PRIx64 ":  %-24s %s\n", bits == 64 ? 16 : 8,
				       (uint64_t)addr, hex, text);
			addr += n;
		}
		monitor_resume_after_inspection(was_running);
		return;
	}
	wsize = size;
	line_size = wsize == 1 ? 8 : 16;
	switch (format) {
	case 'o':
		max_digits = DIV_ROUND_UP(wsize * 8, 3);
		break;
	case 'u':
	case 'd':
		max_digits = DIV_ROUND_UP(wsize * 8 * 10, 33);
		break;
	case 'c':
		wsize = 1;
		break;
	default:
		max_digits = wsize * 2;
		break;
	}
	for (int64_t len = (int64_t)size * count; len > 0;) {
		uint8_t buf[16];
		int l = MIN(len, line_size);

		monitor_printf(mon, "%016" PRIx64 ":", (uint64_t)addr);
		if (!monitor_read_memory(cpu, addr, buf, l, physical)) {
			monitor_printf(mon, " Cannot access memory\n");
			break;
		}
		for (int i = 0; i < l; i += wsize) {
			uint64_t v;

			switch (wsize) {
			case 1:
				v = buf[i];
				break;
			case 2:
				v = lduw_le_p(buf + i);
				break;
			case 4:
				v = ldl_le_p(buf + i);
				break;
			default:
				v = ldq_le_p(buf + i);
				break;
			}
			switch (format) {
			case 'o':
				monitor_printf(mon, " %#*" PRIo64, max_digits, v);
				break;
			case 'u':
				monitor_printf(mon, " %*" PRIu64, max_digits, v);
				break;
			case 'd':
				monitor_printf(mon, " %*" PRId64, max_digits, (int64_t)v);
				break;
			case 'c':
				if (v == '\\' || v == '\'')
					monitor_printf(mon, " '\\%c'", (int)v);
				else if (v == '\n')
					monitor_printf(mon, " '\\n'");
				else if (v == '\r')
					monitor_printf(mon, " '\\r'");
				else if (v >= 32 && v < 127)
					monitor_printf(mon, " '%c'", (int)v);
				else
					monitor_printf(mon, " '\\x%02x'", (unsigned)v);
				break;
			default:
				monitor_printf(mon, " 0x%0*" PRIx64, max_digits, v);
				break;
			}
		}
		monitor_puts(mon, "\n");
		addr += l;
		len -= l;
	}
	monitor_resume_after_inspection(was_running);
}

static void hmp_x(struct monitor *mon, const char *args)
{
	hmp_memory_dump(mon, args, false, "x");
}

static void hmp_xp(struct monitor *mon, const char *args)
{
	hmp_memory_dump(mon, args, true, "xp");
}

static void hmp_print(struct monitor *mon, const char *args)
{
	int count, format, size;
	int64_t v;

	if (!hmp_format(mon, &args, &count, &format, &size) ||
	    !hmp_expr_arg(mon, &args, "print", &v))
		return;
	switch (format) {
	case 'o':
		monitor_printf(mon, "%#" PRIo64 "\n", (uint64_t)v);
		break;
	case 'x':
		monitor_printf(mon, "%#" PRIx64 "\n", (uint64_t)v);
		break;
	case 'u':
		monitor_printf(mon, "%" PRIu64 "\n", (uint64_t)v);
		break;
	case 'c':
		monitor_printf(mon, "'%c'\n", (int)(v & 0xff));
		break;
	default:
		monitor_printf(mon, "%" PRId64 "\n", v);
		break;
	}
}

static void hmp_save(struct monitor *mon, const char *args, bool physical, const char *cmd)
{
	int64_t addr, size;
	g_autofree char *file = NULL;
	GError *err = NULL;
	bool was_running;

	if (!hmp_expr_arg(mon, &args, cmd, &addr) || !hmp_expr_arg(mon, &args, cmd, &size))
		return;
	file = hmp_word(&args);
	if (!file) {
		monitor_printf(mon, "%s: filename expected\n", cmd);
		hmp_usage(mon, cmd);
		return;
	}
	was_running = monitor_pause_for_inspection();
	if (!monitor_save_memory(physical ? NULL : monitor_get_cpu(mon->cpu_index), addr, size,
				 file, physical, &err))
		hmp_error(mon, err);
	monitor_resume_after_inspection(was_running);
}

static void hmp_memsave(struct monitor *mon, const char *args)
{
	hmp_save(mon, args, false, "memsave");
}

static void hmp_pmemsave(struct monitor *mon, const char *args)
{
	hmp_save(mon, args, true, "pmemsave");
}

static void hmp_ioport_read(struct monitor *mon, const char *args)
{
	struct machine_state *ms = machine_current();
	int count, format, size;
	int64_t port, index;
	uint64_t val = 0;
	bool has_index;
	const char *p;

	if (!hmp_format(mon, &args, &count, &format, &size) ||
	    !hmp_expr_arg(mon, &args, "i", &port))
		return;
	p = args;
	while (*p == ' ')
		p++;
	has_index = *p != 0;
	if (has_index && !hmp_expr_arg(mon, &args, "i", &index))
		return;
	port &= 0xffff;
	if (has_index) {
		address_space_write_value(ms->as_io, port, 1, index & 0xff);
		port++;
	}
	size = size == 1 || size == 2 ? size : 4;
	address_space_read_value(ms->as_io, port, size, &val);
	monitor_printf(mon, "port%c[0x%04x] = 0x%0*" PRIx64 "\n",
		       size == 1 ? 'b' : size == 2 ? 'w' : 'l', (unsigned)port, size * 2, val);
}

static void hmp_ioport_write(struct monitor *mon, const char *args)
{
	struct machine_state *ms = machine_current();
	int count, format, size;
	int64_t port, val;

	if (!hmp_format(mon, &args, &count, &format, &size) ||
	    !hmp_expr_arg(mon, &args, "o", &port) || !hmp_expr_arg(mon, &args, "o", &val))
		return;
	size = size == 1 || size == 2 ? size : 4;
	address_space_write_value(ms->as_io, port & 0xffff, size, (uint64_t)val);
}

static void hmp_cpu(struct monitor *mon, const char *args)
{
	struct machine_state *ms = machine_current();
	int64_t index;

	if (!hmp_expr_arg(mon, &args, "cpu", &index))
		return;
	if (!ms || index < 0 || index >= ms->smp_cpus) {
		monitor_printf(mon, "invalid CPU index\n");
		return;
	}
	mon->cpu_index = (int)index;
}

static void hmp_not_yet(struct monitor *mon, const char *what, const char *why)
{
	monitor_printf(mon, "%s is not supported yet: %s\n", what, why);
}

static void hmp_sendkey(struct monitor *mon, const char *args)
{
	hmp_not_yet(mon, "sendkey", "it comes with the input work");
}

static void hmp_screendump(struct monitor *mon, const char *args)
{
	g_autofree char *file = hmp_word(&args);
	g_autoptr(JsonObject) a = json_object_new();
	JsonNode *ret = NULL;
	GError *err = NULL;

	if (!file) {
		monitor_printf(mon, "screendump: filename expected\n");
		hmp_usage(mon, "screendump");
		return;
	}
	json_object_set_string_member(a, "filename", file);
	if (!qmp_cmd_screendump(mon, a, &ret, &err))
		hmp_error(mon, err);
	if (ret)
		json_node_unref(ret);
}

static void hmp_pending(struct monitor *mon, const char *args)
{
	hmp_not_yet(mon, "this command", "disks (change, eject) come with the block work, "
		    "gdbserver with the debugging work");
}

/* ---- info ---- */

static void info_status(struct monitor *mon, const char *args)
{
	const char *state = monitor_runstate_name();
	bool running = monitor_vm_running();

	monitor_printf(mon, "VM status: %s", running ? "running" : "paused");
	if (!running && strcmp(state, "paused"))
		monitor_printf(mon, " (%s)", state);
	monitor_puts(mon, "\n");
}

static void info_version(struct monitor *mon, const char *args)
{
	monitor_printf(mon, "7.2.0 (kemu-%s)\n", KEMU_VERSION);
}

static void info_name(struct monitor *mon, const char *args)
{
	struct machine_state *ms = machine_current();

	if (ms && ms->name)
		monitor_printf(mon, "%s\n", ms->name);
}

static void info_uuid(struct monitor *mon, const char *args)
{
	monitor_puts(mon, "00000000-0000-0000-0000-000000000000\n");
}

static void dump_seg(struct monitor *mon, const CPUX86State *env, const char *name,
		     const struct segment_cache *sc, bool cs64, bool lma)
{
	static const char *const sys_type_name[2][16] = {
		{ "Reserved", "TSS16-avl", "LDT", "TSS16-busy", "CallGate16", "TaskGate",
		  "IntGate16", "TrapGate16", "Reserved", "TSS32-avl", "Reserved", "TSS32-busy",
		  "CallGate32", "Reserved", "IntGate32", "TrapGate32" },
		{ "<hiword>", "Reserved", "LDT", "Reserved", "Reserved", "Reserved", "Reserved",
		  "Reserved", "Reserved", "TSS64-avl", "Reserved", "TSS64-busy", "CallGate64",
		  "Reserved", "IntGate64", "TrapGate64" },
	};
	uint32_t f = sc->flags;

	if (cs64)
		monitor_printf(mon, "%-3s=%04x %016" PRIx64 " %08x %08x", name, sc->selector,
			       sc->base, sc->limit, f & 0x00ffff00);
	else
		monitor_printf(mon, "%-3s=%04x %08x %08x %08x", name, sc->selector,
			       (uint32_t)sc->base, sc->limit, f & 0x00ffff00);
	if ((env->cr[0] & CR0_PE) && (f & SEG_P)) {
		monitor_printf(mon, " DPL=%d ", (f & SEG_DPL_MASK) >> SEG_DPL_SHIFT);
		if (f & SEG_S) {
			if (f & (8 << SEG_TYPE_SHIFT)) {
				monitor_puts(mon, (f & SEG_L) ? "CS64" : (f & SEG_DB) ? "CS32" : "CS16");
				monitor_printf(mon, " [%c%c", (f & (4 << SEG_TYPE_SHIFT)) ? 'C' : '-',
					       (f & (2 << SEG_TYPE_SHIFT)) ? 'R' : '-');
			} else {
				monitor_puts(mon, (f & SEG_DB) || lma ? "DS  " : "DS16");
				monitor_printf(mon, " [%c%c", (f & (4 << SEG_TYPE_SHIFT)) ? 'E' : '-',
					       (f & (2 << SEG_TYPE_SHIFT)) ? 'W' : '-');
			}
			monitor_printf(mon, "%c]", (f & (1 << SEG_TYPE_SHIFT)) ? 'A' : '-');
		} else {
			monitor_puts(mon, sys_type_name[lma][(f & SEG_TYPE_MASK) >> SEG_TYPE_SHIFT]);
		}
	}
	monitor_puts(mon, "\n");
}

/* QEMU's x86_cpu_dump_state() with CPU_DUMP_FPU, as `info registers` prints it. */
void hmp_cpu_dump_state(struct monitor *mon, struct x86_cpu *cpu)
{
	static const char *const seg_name[6] = { "ES", "CS", "SS", "DS", "FS", "GS" };
	const CPUX86State *e = &cpu->env;
	bool lma = e->efer & EFER_LMA, cs64 = lma && (e->segs[R_CS].flags & SEG_L);
	uint64_t fl = e->rflags;
	int cpl = !(e->cr[0] & CR0_PE) ? 0 : (fl & X86_EFLAGS_VM) ? 3
		  : (int)((e->segs[R_SS].flags & SEG_DPL_MASK) >> SEG_DPL_SHIFT);
	char flags[8] = {
		fl & X86_EFLAGS_DF ? 'D' : '-', fl & X86_EFLAGS_OF ? 'O' : '-',
		fl & X86_EFLAGS_SF ? 'S' : '-', fl & X86_EFLAGS_ZF ? 'Z' : '-',
		fl & X86_EFLAGS_AF ? 'A' : '-', fl & X86_EFLAGS_PF ? 'P' : '-',
		fl & X86_EFLAGS_CF ? 'C' : '-', 0 };
	unsigned top = (e->fpu_status >> 11) & 7, ftw = 0;

	if (cs64) {
		monitor_printf(mon,
			"RAX=%016" PRIx64 " RBX=%016" PRIx64 " RCX=%016" PRIx64 " RDX=%016" PRIx64 "\n"
			"RSI=%016" PRIx64 " RDI=%016" PRIx64 " RBP=%016" PRIx64 " RSP=%016" PRIx64 "\n"
			"R8 =%016" PRIx64 " R9 =%016" PRIx64 " R10=%016" PRIx64 " R11=%016" PRIx64 "\n"
			"R12=%016" PRIx64 " R13=%016" PRIx64 " R14=%016" PRIx64 " R15=%016" PRIx64 "\n"
			"RIP=%016" PRIx64 " RFL=%08x",
			e->regs[R_EAX], e->regs[R_EBX], e->regs[R_ECX], e->regs[R_EDX],
			e->regs[R_ESI], e->regs[R_EDI], e->regs[R_EBP], e->regs[R_ESP],
			e->regs[R_R8], e->regs[R_R9], e->regs[R_R10], e->regs[R_R11],
			e->regs[R_R12], e->regs[R_R13], e->regs[R_R14], e->regs[R_R15],
			e->rip, (uint32_t)fl);
	} else {
		monitor_printf(mon,
			"EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n"
			"ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n"
			"EIP=%08x EFL=%08x",
			(uint32_t)e->regs[R_EAX], (uint32_t)e->regs[R_EBX], (uint32_t)e->regs[R_ECX],
			(uint32_t)e->regs[R_EDX], (uint32_t)e->regs[R_ESI], (uint32_t)e->regs[R_EDI],
			(uint32_t)e->regs[R_EBP], (uint32_t)e->regs[R_ESP], (uint32_t)e->rip,
			(uint32_t)fl);
	}
	monitor_printf(mon, " [%s] CPL=%d II=%d A20=%d SMM=0 HLT=%d\n", flags, cpl,
		       e->interrupt_shadow ? 1 : 0, (int)((e->a20_mask >> 20) & 1), e->halted);
	for (int i = 0; i < 6; i++)
		dump_seg(mon, e, seg_name[i], &e->segs[i], cs64, lma);
	dump_seg(mon, e, "LDT", &e->ldt, cs64, lma);
	dump_seg(mon, e, "TR", &e->tr, cs64, lma);
	if (lma) {
		monitor_printf(mon, "GDT=     %016" PRIx64 " %08x\n", e->gdt.base, e->gdt.limit);
		monitor_printf(mon, "IDT=     %016" PRIx64 " %08x\n", e->idt.base, e->idt.limit);
		monitor_printf(mon, "CR0=%08x CR2=%016" PRIx64 " CR3=%016" PRIx64 " CR4=%08x\n",
			       (uint32_t)e->cr[0], e->cr[2], e->cr[3], (uint32_t)e->cr[4]);
	} else {
		monitor_printf(mon, "GDT=     %08x %08x\n", (uint32_t)e->gdt.base, e->gdt.limit);
		monitor_printf(mon, "IDT=     %08x %08x\n", (uint32_t)e->idt.base, e->idt.limit);
		monitor_printf(mon, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n", (uint32_t)e->cr[0],
			       (uint32_t)e->cr[2], (uint32_t)e->cr[3], (uint32_t)e->cr[4]);
	}
	for (int i = 0; i < 4; i++)
		monitor_printf(mon, "DR%d=%016" PRIx64 " ", i, e->dr[i]);
	monitor_printf(mon, "\nDR6=%016" PRIx64 " DR7=%016" PRIx64 "\n", e->dr[6], e->dr[7]);
	monitor_printf(mon, "EFER=%016" PRIx64 "\n", e->efer);
	for (int i = 0; i < 8; i++)
		ftw |= (((e->fpu_tag >> (2 * i)) & 3) != 3) << i;
	monitor_printf(mon, "FCW=%04x FSW=%04x [ST=%u] FTW=%02x MXCSR=%08x\n", e->fpu_control,
		       e->fpu_status, top, ftw, e->mxcsr);
	for (int i = 0; i < 8; i++)
		monitor_printf(mon, "FPR%d=%016" PRIx64 " %04x%s", i, e->st[i].mantissa,
			       e->st[i].sign_exponent, (i & 1) ? "\n" : " ");
	for (int i = 0; i < (cs64 ? 16 : 8); i++)
		monitor_printf(mon, "XMM%02d=%016" PRIx64 " %016" PRIx64 "%s", i, e->xmm[i].q[1],
			       e->xmm[i].q[0], (i & 1) ? "\n" : " ");
}

static void info_registers(struct monitor *mon, const char *args)
{
	struct machine_state *ms = machine_current();
	g_autofree char *arg = hmp_word(&args);
	bool all = arg && !strcmp(arg, "-a");
	int only = mon->cpu_index;
	bool was_running;

	if (arg && !all)
		only = atoi(arg);
	if (!ms || !ms->cpus)
		return;
	was_running = monitor_pause_for_inspection();
	for (unsigned i = 0; i < ms->smp_cpus; i++) {
		struct x86_cpu *cpu;

		if (!all && (int)i != only)
			continue;
		cpu = monitor_get_cpu(i);
		monitor_printf(mon, "\nCPU#%u\n", i);
		hmp_cpu_dump_state(mon, cpu);
	}
	monitor_resume_after_inspection(was_running);
}

static void info_cpus(struct monitor *mon, const char *args)
{
	struct machine_state *ms = machine_current();

	for (unsigned i = 0; ms && ms->cpus && i < ms->smp_cpus; i++)
		monitor_printf(mon, "%c CPU #%u: thread_id=%" PRId64 "\n",
			       (int)i == mon->cpu_index ? '*' : ' ', i,
			       monitor_cpu_thread_id(ms->cpus[i]));
}

static void info_mtree(struct monitor *mon, const char *args)
{
	struct machine_state *ms = machine_current();
	g_autoptr(GString) out = g_string_new(NULL);

	if (!ms)
		return;
	if (strstr(args, "-f")) {
		g_string_append(out, "FlatView #0\n AS \"memory\", root: system\n");
		address_space_print_flat(out, ms->as_mem);
		g_string_append(out, "\nFlatView #1\n AS \"I/O\", root: io\n");
		address_space_print_flat(out, ms->as_io);
	} else {
		g_string_append(out, "address-space: memory\n");
		memory_region_print_tree(out, &ms->sysmem);
		g_string_append(out, "\naddress-space: I/O\n");
		memory_region_print_tree(out, &ms->iomem);
	}
	monitor_puts(mon, out->str);
}


struct qtree_ctx {
	struct monitor *mon;
	int indent;
};

static int qtree_print(struct object *obj, void *opaque)
{
	struct qtree_ctx *c = opaque, sub = { c->mon, c->indent };
	struct device *dev = (struct device *)object_dynamic_cast(obj, TYPE_DEVICE);

	if (dev) {
		const struct property *props;

		monitor_printf(c->mon, "%*sdev: %s, id \"%s\"\n", c->indent, "",
			       object_get_typename(obj), dev->id ? dev->id : "");
		for (struct object_class *k = OBJECT_GET_CLASS(obj); k; k = object_class_get_parent(k))
			for (props = k->props; props && props->name; props++) {
				g_autofree char *v = object_property_print(obj, props->name, NULL);

				monitor_printf(c->mon, "%*s  %s = %s\n", c->indent, "", props->name,
					       v ? v : "");
			}
		sub.indent += 2;
	}
	object_child_foreach(obj, qtree_print, &sub);
	return 0;
}

static void info_qtree(struct monitor *mon, const char *args)
{
	struct machine_state *ms = machine_current();
	struct qtree_ctx c = { mon, 0 };

	if (!ms)
		return;
	monitor_printf(mon, "bus: main-system-bus\n  type System\n");
	c.indent = 2;
	object_child_foreach(OBJECT(ms), qtree_print, &c);
}

static void info_pci(struct monitor *mon, const char *args)
{
	struct pci_bus *bus = pci_bus_find(NULL);
	g_autoptr(GString) out = g_string_new(NULL);

	if (bus)
		pci_bus_print(out, bus);
	monitor_puts(mon, out->str);
}

static void info_chardev(struct monitor *mon, const char *args)
{
	g_autoptr(GPtrArray) list = chardev_list();

	for (guint i = 0; i < list->len; i++) {
		struct chardev *chr = g_ptr_array_index(list, i);

		monitor_printf(mon, "%s: filename=%s\n", chr->id, chr->desc ? chr->desc : "");
	}
}

static void info_kvm(struct monitor *mon, const char *args)
{
	monitor_printf(mon, "kvm support: %s\n", kvm_enabled() ? "enabled" : "disabled");
}

static void info_emul(struct monitor *mon, const char *args)
{
	g_autofree char *s = NULL;

	if (!kvm_enabled()) {
		monitor_puts(mon, "no emulation fallbacks: the kvm accelerator is not in use\n");
		return;
	}
	s = kvm_emul_stats_format();
	monitor_puts(mon, s);
}

static struct pc_machine *hmp_pc(void)
{
	struct machine_state *ms = machine_current();
	struct object *o = ms ? object_dynamic_cast(OBJECT(ms), TYPE_PC_MACHINE) : NULL;

	return o ? PC_MACHINE(o) : NULL;
}

static void info_pic(struct monitor *mon, const char *args)
{
	struct pc_machine *pc = hmp_pc();
	g_autoptr(GString) out = g_string_new(NULL);

	if (!pc || !pc->pic) {
		monitor_puts(mon, "the PIC is KVM's (kernel-irqchip=on): its state is not shown\n");
		return;
	}
	pic_print_info(pc->pic, out);
	monitor_puts(mon, out->str);
}

static void info_ioapic(struct monitor *mon, const char *args)
{
	struct pc_machine *pc = hmp_pc();
	g_autoptr(GString) out = g_string_new(NULL);

	if (!pc || !pc->ioapic) {
		monitor_puts(mon, "the IOAPIC is KVM's (kernel-irqchip=on): its state is not shown\n");
		return;
	}
	ioapic_print_info(pc->ioapic, out);
	monitor_puts(mon, out->str);
}

static void info_lapic(struct monitor *mon, const char *args)
{
	struct machine_state *ms = machine_current();
	g_autoptr(GString) out = g_string_new(NULL);
	struct x86_cpu *cpu;

	if (!ms || !ms->cpus)
		return;
	cpu = ms->cpus[mon->cpu_index];
	if (!cpu->apic) {
		monitor_puts(mon, "the local APIC is KVM's (kernel-irqchip=on|split): "
			     "its state is not shown\n");
		return;
	}
	apic_print_info(APIC(cpu->apic), out);
	monitor_puts(mon, out->str);
}

static void info_irq(struct monitor *mon, const char *args)
{
	/* QEMU counts interrupts per line; kemu's lines do not count (yet) */
	monitor_puts(mon, "irq statistic code not compiled.\n");
}

struct mem_walk {
	struct monitor *mon;
	uint64_t start;			/* of the current range */
	unsigned prot;			/* 0: not in a range */
};

/* QEMU's mem_print(): one line per run of pages with the same protection. */
static void mem_range(struct mem_walk *w, uint64_t va, unsigned prot, bool flush)
{
	if (w->prot && (flush || prot != w->prot)) {
		monitor_printf(w->mon, "%016" PRIx64 "-%016" PRIx64 " %016" PRIx64 " %c%c%c\n",
			       w->start, va, va - w->start, (w->prot & PTE_U) ? 'u' : '-', 'r',
			       (w->prot & PTE_W) ? 'w' : '-');
		w->prot = 0;
	}
	if (prot && !w->prot) {
		w->start = va;
		w->prot = prot;
	}
}

static void mem_walk_range(struct mem_walk *w, struct x86_cpu *cpu, uint64_t va, uint64_t end)
{
	while (va < end || (end == 0 && va != 0)) {
		uint64_t pa, size;
		unsigned prot;
		bool ok = monitor_walk(cpu, va, &pa, &prot, &size);

		mem_range(w, va, ok ? prot | 1 : 0, false);
		va = (va & ~(size - 1)) + size;
		if (va == 0)
			break;
	}
}

static void info_mem(struct monitor *mon, const char *args)
{
	struct mem_walk w = { .mon = mon };
	bool was_running = monitor_pause_for_inspection();
	struct x86_cpu *cpu = monitor_get_cpu(mon->cpu_index);

	if (!cpu || !(cpu->env.cr[0] & CR0_PG)) {
		monitor_puts(mon, "PG disabled\n");
	} else if (cpu->env.efer & EFER_LMA) {
		unsigned bits = (cpu->env.cr[4] & CR4_LA57) ? 57 : 48;

		mem_walk_range(&w, cpu, 0, 1ULL << (bits - 1));
		mem_range(&w, 1ULL << (bits - 1), 0, true);
		mem_walk_range(&w, cpu, ~0ULL << (bits - 1), 0);
		mem_range(&w, 0, 0, true);
	} else {
		mem_walk_range(&w, cpu, 0, 1ULL << 32);
		mem_range(&w, 1ULL << 32, 0, true);
	}
	monitor_resume_after_inspection(was_running);
}

static void hmp_info(struct monitor *mon, const char *args);
static void hmp_help(struct monitor *mon, const char *args);

const struct hmp_command hmp_info_commands[] = {
	{ "chardev", "", "show the character devices", info_chardev },
	{ "block", "", "show the block devices", hmp_info_block },
	{ "cpus", "", "show infos for each CPU", info_cpus },
	{ "emul", "", "show the instructions kemu emulated for KVM", info_emul },
	{ "ioapic", "", "show io apic state", info_ioapic },
	{ "irq", "", "show the interrupts statistics (if available)", info_irq },
	{ "kvm", "", "show KVM information", info_kvm },
	{ "lapic", "", "show local apic state", info_lapic },
	{ "mem", "", "show the active virtual memory mappings", info_mem },
	{ "mtree", "[-f]", "show memory tree (-f: dump flat view for address spaces)", info_mtree },
	{ "name", "", "show the current VM name", info_name },
	{ "pci", "", "show PCI info", info_pci },
	{ "pic", "", "show PIC state", info_pic },
	{ "qtree", "", "show device tree", info_qtree },
	{ "registers", "[-a|vcpu]", "show the cpu registers (-a: show register info for all cpus)",
	  info_registers },
	{ "status", "", "show the current VM status (running|paused)", info_status },
	{ "uuid", "", "show the current VM UUID", info_uuid },
	{ "version", "", "show the version of QEMU", info_version },
	{ NULL },
};

const struct hmp_command hmp_commands[] = {
	{ "help|?", "[cmd]", "show the help", hmp_help },
	{ "info", "[subcommand]", "show various information about the system state", hmp_info },
	{ "c|cont", "", "resume emulation", hmp_cont },
	{ "stop", "", "stop emulation", hmp_stop },
	{ "system_reset", "", "reset the system", hmp_system_reset },
	{ "system_powerdown", "", "send system power down event", hmp_system_powerdown },
	{ "q|quit", "", "quit the emulator", hmp_quit },
	{ "x", "/fmt addr", "virtual memory dump starting at 'addr'", hmp_x },
	{ "xp", "/fmt addr", "physical memory dump starting at 'addr'", hmp_xp },
	{ "p|print", "/fmt expr", "print expression value (use $reg for CPU register access)",
	  hmp_print },
	{ "i", "/fmt addr", "I/O port read", hmp_ioport_read },
	{ "o", "/fmt addr value", "I/O port write", hmp_ioport_write },
	{ "memsave", "addr size file", "save to disk virtual memory dump starting at 'addr' of size 'size'",
	  hmp_memsave },
	{ "pmemsave", "addr size file",
	  "save to disk physical memory dump starting at 'addr' of size 'size'", hmp_pmemsave },
	{ "log", "item1[,...]", "activate logging of the specified items", hmp_log },
	{ "nmi", "", "inject an NMI", hmp_nmi },
	{ "cpu", "index", "set the default CPU", hmp_cpu },
	{ "sendkey", "keys [hold_ms]", "send keys to the VM (not supported yet)", hmp_sendkey },
	{ "screendump", "filename", "save screen as an image", hmp_screendump },
	{ "change", "device filename [format [read-only-mode]]", "change a removable medium, "
	  "optional format", hmp_change },
	{ "eject", "[-f] device", "eject a removable medium (use -f to force it)", hmp_eject },
	{ "device_add", "driver[,prop=value][,...]", "add device, like -device on the command line",
	  hmp_device_add },
	{ "device_del", "device", "remove device", hmp_device_del },
	{ "gdbserver", "[device]", "start gdbserver (not supported yet)", hmp_pending },
	{ NULL },
};

static void print_help(struct monitor *mon, const struct hmp_command *table, const char *prefix)
{
	for (const struct hmp_command *c = table; c->name; c++)
		monitor_printf(mon, "%s%s %s -- %s\n", prefix, c->name, c->params, c->help);
}

static void hmp_help(struct monitor *mon, const char *args)
{
	g_autofree char *what = hmp_word(&args);

	if (!what) {
		print_help(mon, hmp_commands, "");
		return;
	}
	if (!strcmp(what, "info")) {
		print_help(mon, hmp_info_commands, "info ");
		return;
	}
	for (const struct hmp_command *c = hmp_commands; c->name; c++) {
		g_auto(GStrv) names = g_strsplit(c->name, "|", -1);

		if (g_strv_contains((const char *const *)names, what)) {
			monitor_printf(mon, "%s %s -- %s\n", c->name, c->params, c->help);
			return;
		}
	}
	monitor_printf(mon, "unknown command: '%s'\n", what);
}

static void hmp_info(struct monitor *mon, const char *args)
{
	g_autofree char *what = hmp_word(&args);

	if (!what) {
		print_help(mon, hmp_info_commands, "info ");
		return;
	}
	for (const struct hmp_command *c = hmp_info_commands; c->name; c++) {
		if (!strcmp(c->name, what)) {
			while (*args == ' ')
				args++;
			c->fn(mon, args);
			return;
		}
	}
	monitor_printf(mon, "unknown command: 'info %s'\n", what);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command line and the life of the process: parse QEMU-style options,
 * build the machine, start the vCPUs, run the main loop, exit cleanly.
 *
 * Every option is parsed here and nowhere else; devices get their values
 * through properties. An option kemu does not know, or a value it cannot
 * use, ends the process with status 1 and a message naming the option,
 * before anything is written anywhere.
 */
#include "kemu/common.h"
#include "system/blockdev.h"
#include "kemu/opts.h"
#include "config-host.h"
#include "hw/boards.h"
#include "accel/accel.h"
#include "chardev/char.h"
#include "monitor/monitor.h"
#include "system/cpus.h"
#include "system/main-loop.h"
#include "system/runstate.h"
#include "system/timer.h"
#include "system/vl.h"
#include "ui/screendump.h"

#include <fcntl.h>
#include <glib-unix.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- option table ---- */

enum opt_arg { ARG_NONE, ARG_REQUIRED };

struct option_def {
	const char *name;
	enum opt_arg arg;
	const char *help;
};

static const struct option_def option_defs[] = {
	{ "h", ARG_NONE, "display this help and exit" },
	{ "help", ARG_NONE, "display this help and exit" },
	{ "version", ARG_NONE, "display version information and exit" },
	{ "machine", ARG_REQUIRED, "[type=]name[,accel=kvm|interp|tcg][,kernel-irqchip=on|split|off][,kernel-boot=auto|direct|firmware]" },
	{ "M", ARG_REQUIRED, "same as -machine" },
	{ "accel", ARG_REQUIRED, "[accel=]kvm|interp|tcg|test[,kernel-irqchip=on|split|off]" },
	{ "enable-kvm", ARG_NONE, "same as -accel kvm" },
	{ "cpu", ARG_REQUIRED, "model[,+feature,-feature] (qemu64, max, host; -cpu help)" },
	{ "smp", ARG_REQUIRED, "[cpus=]n[,maxcpus=m][,sockets=s][,dies=1][,cores=c][,threads=t]" },
	{ "m", ARG_REQUIRED, "[size=]megs[M|G] guest RAM (default 128M)" },
	{ "kernel", ARG_REQUIRED, "bzImage, PVH ELF or multiboot kernel to boot directly" },
	{ "initrd", ARG_REQUIRED, "initial ram disk (multiboot: \"mod1 args,mod2\")" },
	{ "append", ARG_REQUIRED, "kernel command line" },
	{ "bios", ARG_REQUIRED, "firmware image" },
	{ "fw_cfg", ARG_REQUIRED, "[name=]NAME,file=FILE|string=STR: a file for the firmware" },
	{ "L", ARG_REQUIRED, "directory to look for firmware in" },
	{ "serial", ARG_REQUIRED, "redirect the next serial port: stdio|file:F|pty|null|none|unix:P|tcp:H:P|mon:stdio|chardev:ID" },
	{ "chardev", ARG_REQUIRED, "backend,id=ID[,options]" },
	{ "debugcon", ARG_REQUIRED, "redirect the debug console (port 0xe9) to a chardev" },
	{ "monitor", ARG_REQUIRED, "redirect the human monitor to a chardev" },
	{ "qmp", ARG_REQUIRED, "QMP monitor on a chardev (unix:PATH,server=on,wait=off | tcp:HOST:PORT,... | stdio)" },
	{ "qmp-pretty", ARG_REQUIRED, "like -qmp, with indented JSON" },
	{ "mon", ARG_REQUIRED, "chardev=ID[,mode=readline|control]" },
	{ "nographic", ARG_NONE, "no display; serial and monitor multiplexed on stdio" },
	{ "display", ARG_REQUIRED, "none (graphical displays come later)" },
	{ "vga", ARG_REQUIRED, "std|none (the standard VGA is the default on pc)" },
	{ "nodefaults", ARG_NONE, "create no default devices" },
	{ "no-reboot", ARG_NONE, "exit instead of rebooting" },
	{ "no-shutdown", ARG_NONE, "pause instead of exiting when the guest powers off" },
	{ "S", ARG_NONE, "start with the CPUs paused" },
	{ "name", ARG_REQUIRED, "string[,process=name][,debug-threads=on|off]" },
	{ "pidfile", ARG_REQUIRED, "write the process id to a file" },
	{ "daemonize", ARG_NONE, "detach from the terminal after start-up" },
	{ "d", ARG_REQUIRED, "log categories (-d help)" },
	{ "D", ARG_REQUIRED, "log to a file" },
	{ "device", ARG_REQUIRED, "driver[,prop=value...] (-device help)" },
	{ "global", ARG_REQUIRED, "driver.property=value" },
	{ "rtc", ARG_REQUIRED, "[base=utc|localtime|date][,clock=host|vm][,driftfix=none]" },
	{ "drive", ARG_REQUIRED, "[file=F][,if=ide|floppy|virtio|none][,bus=B,unit=U|index=I][,media=disk|cdrom][,format=raw|qcow2][,cache=..][,aio=..][,readonly=on|off][,snapshot=on|off][,werror=..][,rerror=..][,id=ID]" },
	{ "hda", ARG_REQUIRED, "FILE: IDE hard disk 0 (also hdb, hdc, hdd)" },
	{ "hdb", ARG_REQUIRED, "" }, { "hdc", ARG_REQUIRED, "" },
	{ "hdd", ARG_REQUIRED, "" }, { "cdrom", ARG_REQUIRED, "FILE: IDE CD-ROM (secondary master)" },
	{ "fda", ARG_REQUIRED, "FILE: floppy disk 0 (also fdb)" },
	{ "fdb", ARG_REQUIRED, "" },
	{ "boot", ARG_REQUIRED, "[order=drives][,once=drives][,menu=on|off][,splash-time=ms][,reboot-timeout=ms][,strict=on|off]" },
	{ "snapshot", ARG_NONE, "write to temporary overlays, never to the disk images" },
	{ "netdev", ARG_REQUIRED, "" }, { "nic", ARG_REQUIRED, "" }, { "net", ARG_REQUIRED, "" },
	{ "vnc", ARG_REQUIRED, "" }, { "s", ARG_NONE, "" }, { "gdb", ARG_REQUIRED, "" },
	{ "object", ARG_REQUIRED, "" }, { "icount", ARG_REQUIRED, "" },
	{ NULL, 0, NULL }
};

/* Options recognised but belonging to work that has not landed yet. */
static const struct {
	const char *name;
	const char *why;
} options_pending[] = {
	{ "netdev", "networking comes with the virtio/network work" },
	{ "nic", "networking comes with the virtio/network work" },
	{ "net", "networking comes with the virtio/network work" },
	{ "vnc", "VNC comes with the display work" },
	{ "s", "the gdbstub comes with the debugging work" },
	{ "gdb", "the gdbstub comes with the debugging work" },
	{ "object", "user-creatable objects are not supported yet" },
	{ "icount", "deterministic instruction counting is not supported yet" },
};

/* One -drive, or a shorthand (-hda..-hdd, -cdrom, -fda, -fdb). */
struct drive_opt {
	const char *option;		/* "drive", "hda", "cdrom", ... */
	const char *arg;
};

/* One -monitor, -qmp, -qmp-pretty or -mon, in command-line order. */
struct monitor_opt {
	const char *option;		/* "monitor", "qmp", "qmp-pretty", "mon" */
	const char *arg;
};

struct cmdline {
	const char *machine_type;
	GPtrArray *machine_opts;	/* raw -machine strings */
	GPtrArray *accel_opts;		/* raw -accel strings */
	const char *cpu;
	const char *smp;
	const char *mem;
	const char *kernel, *initrd, *append, *bios;
	GPtrArray *serials;
	GPtrArray *chardevs;
	GPtrArray *devices;
	GPtrArray *drives;		/* struct drive_opt *: -drive and its shorthands, in order */
	const char *boot;		/* -boot */
	bool snapshot;			/* -snapshot */
	GPtrArray *fw_cfg;		/* raw -fw_cfg strings */
	GPtrArray *monitors;		/* struct monitor_opt * */
	bool default_monitor;		/* no -monitor, -qmp or -mon */
	const char *debugcon;
	const char *rtc;
	const char *name;
	const char *pidfile;
	const char *vga;		/* -vga: "std" or NULL (none) */
	bool vga_set;
	bool nographic, display_none, nodefaults, no_reboot, no_shutdown;
	bool start_paused, daemonize;
};

static void G_GNUC_NORETURN usage_exit(int status)
{
	printf("kemu %s, a QEMU-compatible x86-64 PC emulator\n"
	       "usage: kemu [options]\n\n", KEMU_VERSION);
	for (const struct option_def *d = option_defs; d->name; d++)
		if (d->help && *d->help)
			printf("-%-12s %s%s\n", d->name, d->arg ? "ARG  " : "", d->help);
	printf("\nDuring emulation with -nographic: Ctrl-A h for help.\n");
	exit(status);
}

static void G_GNUC_NORETURN error_exit(GError *err)
{
	fprintf(stderr, "kemu: %s\n", err->message);
	exit(1);
}

static void G_GNUC_NORETURN fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kemu: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static const struct option_def *option_lookup(const char *arg)
{
	const char *name = arg + 1;

	if (name[0] == '-')	/* --option works as -option, as in QEMU */
		name++;
	for (const struct option_def *d = option_defs; d->name; d++)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

static void check_pending(const char *name, const char *arg)
{
	for (size_t i = 0; i < ARRAY_SIZE(options_pending); i++)
		if (!strcmp(options_pending[i].name, name))
			fail("-%s%s%s: not supported yet: %s", name, arg ? " " : "", arg ? arg : "",
			     options_pending[i].why);
}

static void parse_cmdline(int argc, char **argv, struct cmdline *c)
{
	GError *err = NULL;
	unsigned log_mask_bits = 0;

	c->machine_opts = g_ptr_array_new();
	c->accel_opts = g_ptr_array_new();
	c->serials = g_ptr_array_new();
	c->chardevs = g_ptr_array_new();
	c->devices = g_ptr_array_new();
	c->drives = g_ptr_array_new_with_free_func(g_free);
	c->fw_cfg = g_ptr_array_new();
	c->monitors = g_ptr_array_new_with_free_func(g_free);
	c->default_monitor = true;

	for (int i = 1; i < argc; i++) {
		const struct option_def *d;
		const char *name, *arg = NULL;

		if (argv[i][0] != '-') {
			/* QEMU treats a bare argument as -hda */
			struct drive_opt *dopt = g_new0(struct drive_opt, 1);

			dopt->option = "hda";
			dopt->arg = argv[i];
			g_ptr_array_add(c->drives, dopt);
			continue;
		}
		d = option_lookup(argv[i]);
		if (!d)
			fail("%s: invalid option", argv[i]);
		name = d->name;
		if (d->arg == ARG_REQUIRED) {
			if (i + 1 >= argc)
				fail("-%s: requires an argument", name);
			arg = argv[++i];
		}
		check_pending(name, arg);

		if (!strcmp(name, "h") || !strcmp(name, "help")) {
			usage_exit(0);
		} else if (!strcmp(name, "version")) {
			printf("kemu version %s\nA QEMU-compatible x86-64 PC emulator\n", KEMU_VERSION);
			exit(0);
		} else if (!strcmp(name, "machine") || !strcmp(name, "M")) {
			g_ptr_array_add(c->machine_opts, (gpointer)arg);
		} else if (!strcmp(name, "accel")) {
			g_ptr_array_add(c->accel_opts, (gpointer)arg);
		} else if (!strcmp(name, "enable-kvm")) {
			g_ptr_array_add(c->accel_opts, (gpointer)"kvm");
		} else if (!strcmp(name, "cpu")) {
			c->cpu = arg;
		} else if (!strcmp(name, "smp")) {
			c->smp = arg;
		} else if (!strcmp(name, "m")) {
			c->mem = arg;
		} else if (!strcmp(name, "kernel")) {
			c->kernel = arg;
		} else if (!strcmp(name, "initrd")) {
			c->initrd = arg;
		} else if (!strcmp(name, "append")) {
			c->append = arg;
		} else if (!strcmp(name, "bios")) {
			c->bios = arg;
		} else if (!strcmp(name, "L")) {
			/* firmware search path: accepted, only absolute -bios paths so far */
		} else if (!strcmp(name, "serial")) {
			g_ptr_array_add(c->serials, (gpointer)arg);
		} else if (!strcmp(name, "chardev")) {
			g_ptr_array_add(c->chardevs, (gpointer)arg);
		} else if (!strcmp(name, "monitor") || !strcmp(name, "qmp") ||
			   !strcmp(name, "qmp-pretty") || !strcmp(name, "mon")) {
			struct monitor_opt *m = g_new0(struct monitor_opt, 1);

			m->option = name;
			m->arg = arg;
			g_ptr_array_add(c->monitors, m);
			c->default_monitor = false;
		} else if (!strcmp(name, "debugcon")) {
			c->debugcon = arg;
		} else if (!strcmp(name, "nographic")) {
			c->nographic = true;
		} else if (!strcmp(name, "display")) {
			if (strcmp(arg, "none") && strncmp(arg, "none,", 5))
				fail("-display %s: not supported yet: only 'none' until the "
				     "display work lands", arg);
			c->display_none = true;
		} else if (!strcmp(name, "vga")) {
			if (!strcmp(arg, "none")) {
				c->vga = NULL;
			} else if (!strcmp(arg, "std")) {
				c->vga = "std";
			} else if (!strcmp(arg, "help")) {
				printf("std                  standard VGA (default)\n"
				       "none                 no graphic card\n");
				exit(0);
			} else {
				fail("-vga %s: not supported: kemu has the standard VGA (std) or none", arg);
			}
			c->vga_set = true;
		} else if (!strcmp(name, "nodefaults")) {
			c->nodefaults = true;
		} else if (!strcmp(name, "no-reboot")) {
			c->no_reboot = true;
		} else if (!strcmp(name, "no-shutdown")) {
			c->no_shutdown = true;
		} else if (!strcmp(name, "S")) {
			c->start_paused = true;
		} else if (!strcmp(name, "name")) {
			c->name = arg;
		} else if (!strcmp(name, "pidfile")) {
			c->pidfile = arg;
		} else if (!strcmp(name, "daemonize")) {
			c->daemonize = true;
		} else if (!strcmp(name, "d")) {
			if (!strcmp(arg, "help")) {
				log_print_categories();
				exit(0);
			}
			if (!log_parse_categories(arg, &log_mask_bits, &err))
				error_exit(err);
			log_set_mask(log_mask_bits);
		} else if (!strcmp(name, "D")) {
			if (!log_set_file(arg, &err))
				error_exit(err);
		} else if (!strcmp(name, "device")) {
			if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
				device_print_help(NULL);
				exit(0);
			}
			g_ptr_array_add(c->devices, (gpointer)arg);
		} else if (!strcmp(name, "global")) {
			if (!device_global_add(arg, &err))
				error_exit(err);
		} else if (!strcmp(name, "drive") || !strcmp(name, "hda") || !strcmp(name, "hdb") ||
			   !strcmp(name, "hdc") || !strcmp(name, "hdd") || !strcmp(name, "cdrom") ||
			   !strcmp(name, "fda") || !strcmp(name, "fdb")) {
			struct drive_opt *dopt = g_new0(struct drive_opt, 1);

			dopt->option = name;
			dopt->arg = arg;
			g_ptr_array_add(c->drives, dopt);
		} else if (!strcmp(name, "snapshot")) {
			c->snapshot = true;
		} else if (!strcmp(name, "boot")) {
			c->boot = arg;
		} else if (!strcmp(name, "rtc")) {
			c->rtc = arg;
		} else if (!strcmp(name, "fw_cfg")) {
			g_ptr_array_add(c->fw_cfg, (gpointer)arg);
		} else {
			fail("-%s: invalid option", name);
		}
	}
}

/* ---- machine configuration ---- */

/* -boot drive letters: QEMU's validate_bootdevices plus the pc's own check */
static void check_boot_devices(const char *opt, const char *devs)
{
	unsigned seen = 0;

	for (const char *p = devs; *p; p++) {
		if (*p < 'a' || *p > 'p')
			fail("-boot %s: Invalid boot device '%c'", opt, *p);
		if (seen & (1u << (*p - 'a')))
			fail("-boot %s: Boot device '%c' was given twice", opt, *p);
		seen |= 1u << (*p - 'a');
		if (!strchr("acdn", *p))
			fail("-boot %s: Invalid boot device for PC: '%c'", opt, *p);
	}
	if (strlen(devs) > 3)
		fail("-boot %s: Too many boot devices for PC", opt);
}

/* -boot [order=]drives,once=,menu=,splash=,splash-time=,reboot-timeout=,strict= */
static void configure_boot(struct machine_state *ms, const char *arg)
{
	g_autoptr(kemu_opts) o = NULL;
	GError *err = NULL;
	const char *v;
	uint64_t n;

	ms->boot_order = g_strdup("cad");	/* QEMU's pc default */
	ms->boot_splash_time = -1;
	ms->boot_reboot_timeout = -1;
	if (!arg)
		return;
	o = opts_parse("-boot", arg, "order", &err);
	if (!o)
		error_exit(err);
	if ((v = opts_get(o, "order"))) {
		check_boot_devices(arg, v);
		g_free(ms->boot_order);
		ms->boot_order = g_strdup(v);
	}
	if ((v = opts_get(o, "once"))) {
		check_boot_devices(arg, v);
		ms->boot_once = g_strdup(v);
	}
	if (!opts_get_bool(o, "menu", &ms->boot_menu, &err) ||
	    !opts_get_bool(o, "strict", &ms->boot_strict, &err))
		error_exit(err);
	if (opts_has(o, "splash-time")) {
		if (!opts_get_number(o, "splash-time", &n, &err))
			error_exit(err);
		if (n > 0xffff)
			fail("-boot %s: splash-time is invalid, it should be a value between 0 "
			     "and 65535", arg);
		ms->boot_splash_time = n;
	}
	if ((v = opts_get(o, "reboot-timeout"))) {
		char *end;
		long long t = strtoll(v, &end, 0);

		if (*end || end == v || t < -1 || t > 0xffff)
			fail("-boot %s: reboot timeout is invalid, it should be a value between "
			     "-1 and 65535", arg);
		ms->boot_reboot_timeout = t;
	}
	if (opts_get(o, "splash"))
		fail("-boot %s: splash=: a boot splash picture is not supported yet", arg);
	if (!opts_check_unused(o, &err))
		error_exit(err);
}

/* Is there a -device of this driver (first element, or driver=)? */
static bool cmdline_has_device(struct cmdline *c, const char *driver)
{
	size_t n = strlen(driver);

	for (guint i = 0; i < c->devices->len; i++) {
		const char *s = g_ptr_array_index(c->devices, i);

		if (g_str_has_prefix(s, "driver="))
			s += 7;
		if (!strncmp(s, driver, n) && (s[n] == ',' || !s[n]))
			return true;
	}
	return false;
}

/* -drive and its shorthands, after -snapshot is known (it applies to all) */
static void configure_drives(struct machine_state *ms, struct cmdline *c)
{
	GError *err = NULL;

	drive_set_default_snapshot(ms, c->snapshot);
	for (guint i = 0; i < c->drives->len; i++) {
		struct drive_opt *d = g_ptr_array_index(c->drives, i);
		bool ok = !strcmp(d->option, "drive") ? drive_add(ms, d->arg, &err)
						      : drive_add_shorthand(ms, d->option, d->arg, &err);

		if (!ok)
			error_exit(err);
	}
	/*
	 * QEMU's pc has an empty CD-ROM (ide1-cd0) and an empty floppy drive
	 * (floppy0) unless -nodefaults or the position is taken; kemu adds
	 * them once the devices that hold them exist.
	 */
	/* as QEMU's default_list: a -device of the kind turns the default off */
	if (!c->nodefaults && object_class_by_name("ide-cd") && !drive_get(IF_IDE, 1, 0) &&
	    !cmdline_has_device(c, "ide-cd") && !cmdline_has_device(c, "ide-hd") &&
	    !drive_add(ms, "if=ide,index=2,media=cdrom", &err))
		error_exit(err);
	if (!c->nodefaults && object_class_by_name("isa-fdc") && !drive_get(IF_FLOPPY, 0, 0) &&
	    !cmdline_has_device(c, "isa-fdc") && !cmdline_has_device(c, "floppy") &&
	    !drive_add(ms, "if=floppy,index=0", &err))
		error_exit(err);
}

/* -fw_cfg [name=]NAME,file=FILE|string=STR, as QEMU: the board adds them to fw_cfg */
static void configure_fw_cfg(struct machine_state *ms, GPtrArray *args)
{
	GError *err = NULL;

	ms->fw_cfg_files = g_ptr_array_new_with_free_func(machine_fw_cfg_file_free);
	for (guint i = 0; i < args->len; i++) {
		const char *s = g_ptr_array_index(args, i);
		g_autoptr(kemu_opts) o = opts_parse("-fw_cfg", s, "name", &err);
		struct machine_fw_cfg_file *f;
		const char *name, *file, *str;

		if (!o)
			error_exit(err);
		name = opts_get(o, "name");
		file = opts_get(o, "file");
		str = opts_get(o, "string");
		if (!opts_check_unused(o, &err))
			error_exit(err);
		if (!name || !*name)
			fail("-fw_cfg %s: Parameter 'name' is missing", s);
		if (!!file == !!str)
			fail("-fw_cfg %s: give exactly one of 'file' and 'string'", s);
		if (strlen(name) >= 56)
			fail("-fw_cfg %s: name too long (at most 55 characters)", s);
		f = g_new0(struct machine_fw_cfg_file, 1);
		f->name = g_strdup(name);
		if (str) {
			f->data = g_strdup(str);
			f->len = strlen(str);
		} else if (!g_file_get_contents(file, (char **)&f->data, &f->len, &err)) {
			fail("-fw_cfg %s: %s", s, err->message);
		}
		g_ptr_array_add(ms->fw_cfg_files, f);
	}
}

/*
 * QEMU's rule: the standard VGA unless -vga says otherwise, -nodefaults is
 * given, or a -device is a display adapter already.
 */
static const char *vl_default_vga(struct cmdline *c)
{
	if (c->vga_set)
		return c->vga;
	if (c->nodefaults)
		return NULL;
	for (guint i = 0; i < c->devices->len; i++) {
		const char *s = g_ptr_array_index(c->devices, i);
		size_t n = strcspn(s, ",");

		if ((n == 3 && !strncmp(s, "VGA", 3)) || (n == 10 && !strncmp(s, "driver=VGA", 10)))
			return NULL;
	}
	return "std";
}

static void print_machines(void)
{
	GSList *list = object_class_get_list(TYPE_MACHINE, false);

	printf("Supported machines are:\n");
	for (GSList *l = list; l; l = l->next) {
		struct machine_class *mc = l->data;
		const char *desc = OBJECT_CLASS(mc)->desc ? OBJECT_CLASS(mc)->desc : "";

		if (mc->alias)
			printf("%-20s %s (alias of %s)\n", mc->alias, desc,
			       object_class_get_name(OBJECT_CLASS(mc)));
		printf("%-20s %s%s\n", object_class_get_name(OBJECT_CLASS(mc)), desc,
		       mc->is_default ? " (default)" : "");
	}
	g_slist_free(list);
}

static struct machine_class *find_machine(const char *name)
{
	GSList *list = object_class_get_list(TYPE_MACHINE, false);
	struct machine_class *found = NULL;

	for (GSList *l = list; l; l = l->next) {
		struct machine_class *mc = l->data;

		if ((!name && mc->is_default) ||
		    (name && (!strcmp(object_class_get_name(OBJECT_CLASS(mc)), name) ||
			      (mc->alias && !strcmp(mc->alias, name)))))
			found = mc;
	}
	g_slist_free(list);
	return found;
}

static bool parse_irqchip(const char *v, enum kernel_irqchip_mode *mode)
{
	if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes"))
		*mode = KERNEL_IRQCHIP_ON;
	else if (!strcmp(v, "split"))
		*mode = KERNEL_IRQCHIP_SPLIT;
	else if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no"))
		*mode = KERNEL_IRQCHIP_OFF;
	else
		return false;
	return true;
}

struct accel_choice {
	GPtrArray *names;		/* in order of preference */
	enum kernel_irqchip_mode irqchip;
	bool irqchip_set;
	char *kernel_boot;
	char *machine_type;
};

static void apply_machine_opts(struct cmdline *c, struct accel_choice *ac)
{
	GError *err = NULL;

	for (guint i = 0; i < c->machine_opts->len; i++) {
		const char *s = g_ptr_array_index(c->machine_opts, i);
		g_autoptr(kemu_opts) o = opts_parse("-machine", s, "type", &err);
		const char *v;

		if (!o)
			error_exit(err);
		if ((v = opts_get(o, "type"))) {
			if (!strcmp(v, "help") || !strcmp(v, "?")) {
				print_machines();
				exit(0);
			}
			g_free(ac->machine_type);
			ac->machine_type = g_strdup(v);
		}
		if ((v = opts_get(o, "accel"))) {
			g_auto(GStrv) names = g_strsplit(v, ":", -1);

			for (char **n = names; *n; n++)
				g_ptr_array_add(ac->names, g_strdup(*n));
		}
		if ((v = opts_get(o, "kernel-irqchip"))) {
			if (!parse_irqchip(v, &ac->irqchip))
				fail("-machine %s: Parameter 'kernel-irqchip' does not accept value '%s'",
				     s, v);
			ac->irqchip_set = true;
		}
		if ((v = opts_get(o, "kernel-boot"))) {
			if (strcmp(v, "auto") && strcmp(v, "direct") && strcmp(v, "firmware"))
				fail("-machine %s: Parameter 'kernel-boot' expects auto, direct or firmware",
				     s);
			g_free(ac->kernel_boot);
			ac->kernel_boot = g_strdup(v);
		}
		/* accepted for compatibility, no effect on this machine */
		opts_get(o, "usb");
		opts_get(o, "dump-guest-core");
		opts_get(o, "mem-merge");
		opts_get(o, "vmport");
		if ((v = opts_get(o, "smm")) && strcmp(v, "off"))
			fail("-machine %s: smm=%s: SMM is not supported; use smm=off", s, v);
		if (!opts_check_unused(o, &err))
			fail("-machine %s: %s", s, strchr(err->message, ':') + 2);
	}
	for (guint i = 0; i < c->accel_opts->len; i++) {
		const char *s = g_ptr_array_index(c->accel_opts, i);
		g_autoptr(kemu_opts) o = opts_parse("-accel", s, "accel", &err);
		const char *v;

		if (!o)
			error_exit(err);
		v = opts_get(o, "accel");
		if (!v)
			fail("-accel %s: Parameter 'accel' is missing", s);
		if (!strcmp(v, "help") || !strcmp(v, "?")) {
			printf("Accelerators supported in kemu binary:\nkvm\ninterp (also: tcg)\ntest\n");
			exit(0);
		}
		g_ptr_array_add(ac->names, g_strdup(v));
		if ((v = opts_get(o, "kernel-irqchip"))) {
			if (!parse_irqchip(v, &ac->irqchip))
				fail("-accel %s: Parameter 'kernel-irqchip' does not accept value '%s'",
				     s, v);
			ac->irqchip_set = true;
		}
		opts_get(o, "thread");	/* tcg's thread=single|multi: one thread per vCPU always */
		opts_get(o, "tb-size");
		if (!opts_check_unused(o, &err))
			fail("-accel %s: %s", s, strchr(err->message, ':') + 2);
	}
}

static const struct accel_ops *choose_accel(struct accel_choice *ac)
{
	GError *err = NULL;

	if (!ac->names->len) {
		const struct accel_ops *kvm = accel_find("kvm");
		const struct accel_ops *interp = accel_find("interp");

		if (kvm && kvm->available(&err))
			return kvm;
		if (!interp)
			fail("no accelerator available: %s", err ? err->message : "kvm not built");
		fprintf(stderr, "kemu: %s: using the interp accelerator\n",
			err ? err->message : "KVM is not available");
		g_clear_error(&err);
		return interp;
	}
	for (guint i = 0; i < ac->names->len; i++) {
		const char *name = g_ptr_array_index(ac->names, i);
		const struct accel_ops *ops = accel_find(name);

		if (!ops)
			fail("-accel %s: invalid accelerator %s", name, name);
		g_clear_error(&err);
		if (ops->available(&err))
			return ops;
		if (i + 1 < ac->names->len)
			fprintf(stderr, "kemu: %s: trying the next accelerator\n", err->message);
	}
	fprintf(stderr, "kemu: %s\n", err->message);
	fail("failed to initialize %s: %s", (const char *)g_ptr_array_index(ac->names, ac->names->len - 1),
	     strchr(err->message, ':') ? strchr(err->message, ':') + 2 : err->message);
}

static void configure_smp(struct machine_state *ms, struct machine_class *mc, const char *s)
{
	GError *err = NULL;
	g_autoptr(kemu_opts) o = NULL;
	uint64_t cpus = 0, maxcpus = 0, sockets = 0, dies = 1, cores = 0, threads = 0;

	ms->smp_cpus = ms->smp_max_cpus = ms->smp_sockets = ms->smp_cores = ms->smp_threads = 1;
	if (!s)
		return;
	o = opts_parse("-smp", s, "cpus", &err);
	if (!o || !opts_get_number(o, "cpus", &cpus, &err) ||
	    !opts_get_number(o, "maxcpus", &maxcpus, &err) ||
	    !opts_get_number(o, "sockets", &sockets, &err) ||
	    !opts_get_number(o, "dies", &dies, &err) ||
	    !opts_get_number(o, "cores", &cores, &err) ||
	    !opts_get_number(o, "threads", &threads, &err) ||
	    !opts_check_unused(o, &err))
		error_exit(err);
	for (guint i = 0; i < o->list->len; i++) {
		struct opt *opt = g_ptr_array_index(o->list, i);
		uint64_t v;

		/* QEMU only warns ("deprecated"); a zero is never what the user meant */
		if (parse_uint64(opt->value, &v) && v == 0)
			fail("-smp %s: CPU topology parameters must be greater than zero", s);
	}
	if (dies != 1)
		fail("-smp %s: dies=%" PRIu64 ": only one die per socket on a pc machine", s, dies);
	/* QEMU's rules: fill in what is missing, preferring sockets */
	if (!cpus && !maxcpus && !sockets && !cores && !threads)
		cpus = 1;
	threads = threads ? threads : 1;
	if (!maxcpus)
		maxcpus = cpus ? cpus : (sockets ? sockets : 1) * (cores ? cores : 1) * threads;
	if (!cores && !sockets) {
		cores = 1;
		sockets = maxcpus / (cores * threads);
	} else if (!sockets) {
		sockets = maxcpus / (cores * threads);
	} else if (!cores) {
		cores = maxcpus / (sockets * threads);
	}
	if (!cpus)
		cpus = maxcpus;
	if (sockets * cores * threads != maxcpus)
		fail("-smp %s: Invalid CPU topology: product of the hierarchy must match maxcpus: "
		     "sockets (%" PRIu64 ") * dies (1) * cores (%" PRIu64 ") * threads (%" PRIu64
		     ") != maxcpus (%" PRIu64 ")", s, sockets, cores, threads, maxcpus);
	if (cpus > maxcpus)
		fail("-smp %s: Invalid SMP CPUs %" PRIu64 ". The max CPUs supported by machine '%s' is %" PRIu64,
		     s, cpus, object_get_typename(OBJECT(ms)), maxcpus);
	if (cpus < 1 || maxcpus > mc->max_cpus)
		fail("-smp %s: Invalid SMP CPUs %" PRIu64 ". The max CPUs supported by machine '%s' is %u",
		     s, MAX(cpus, maxcpus), object_get_typename(OBJECT(ms)), mc->max_cpus);
	if (cpus != maxcpus)
		fail("-smp %s: maxcpus=%" PRIu64 ": CPU hotplug is not supported yet", s, maxcpus);
	ms->smp_cpus = cpus;
	ms->smp_max_cpus = maxcpus;
	ms->smp_sockets = sockets;
	ms->smp_cores = cores;
	ms->smp_threads = threads;
}

static void configure_memory(struct machine_state *ms, struct machine_class *mc, const char *s)
{
	GError *err = NULL;
	g_autoptr(kemu_opts) o = NULL;
	uint64_t size = mc->default_ram_size;

	ms->ram_size = size;
	if (!s)
		return;
	o = opts_parse("-m", s, "size", &err);
	if (!o || !opts_get_size(o, "size", 'M', &size, &err))
		error_exit(err);
	if (opts_has(o, "slots") || opts_has(o, "maxmem"))
		fail("-m %s: memory hotplug (slots/maxmem) is not supported yet", s);
	if (!opts_check_unused(o, &err))
		error_exit(err);
	/* QEMU rounds up to 8 KiB; a guest needs at least 1 MiB to be a PC */
	size = ALIGN_UP(size, 8192ULL);
	if (size < 1 * MiB)
		fail("-m %s: at least 1M of RAM is needed", s);
	if (size > 1ULL << 40)
		fail("-m %s: ram size too large (at most 1T)", s);
	ms->ram_size = size;
}

/* ---- monitors ---- */

/* -monitor, -qmp, -qmp-pretty, -mon: after the chardevs, before the board (see monitor.h). */
static void configure_monitors(struct cmdline *c)
{
	GError *err = NULL;
	unsigned n = 0;

	for (guint i = 0; i < c->monitors->len; i++) {
		struct monitor_opt *m = g_ptr_array_index(c->monitors, i);
		enum monitor_mode mode = strcmp(m->option, "monitor") ? MONITOR_MODE_CONTROL
								     : MONITOR_MODE_READLINE;
		bool pretty = !strcmp(m->option, "qmp-pretty");
		struct chardev *chr;

		if (!strcmp(m->option, "mon")) {
			g_autoptr(kemu_opts) o = opts_parse("-mon", m->arg, "chardev", &err);
			const char *id, *v;

			if (!o)
				error_exit(err);
			id = opts_get(o, "chardev");
			if (!id)
				fail("-mon %s: Parameter 'chardev' is missing", m->arg);
			v = opts_get(o, "mode");
			if (!v || !strcmp(v, "readline"))
				mode = MONITOR_MODE_READLINE;
			else if (!strcmp(v, "control"))
				mode = MONITOR_MODE_CONTROL;
			else
				fail("-mon %s: Parameter 'mode' does not accept value '%s'", m->arg, v);
			if (!opts_get_bool(o, "pretty", &pretty, &err) || !opts_check_unused(o, &err))
				fail("-mon %s: %s", m->arg, err->message);
			chr = chardev_find(id);
			if (!chr)
				fail("-mon %s: chardev \"%s\" not found", m->arg, id);
		} else {
			g_autofree char *id = g_strdup_printf("compat_monitor%u", n++);
			/* there is no graphical console: a vc monitor goes nowhere, as with -display none */
			const char *spec = g_str_has_prefix(m->arg, "vc") ? "null" : m->arg;

			if (!strcmp(spec, "none"))
				continue;
			chr = chardev_new_from_legacy(spec, id, &err);
			if (!chr)
				fail("-%s %s: %s", m->option, m->arg, err->message);
		}
		if (!monitor_new(chr, mode, pretty, &err))
			fail("-%s %s: %s", m->option, m->arg, err->message);
	}
}

/* -name guest[,process=NAME][,debug-threads=on|off] */
static void configure_name(struct machine_state *ms, const char *s)
{
	GError *err = NULL;
	g_autoptr(kemu_opts) o = opts_parse("-name", s, "guest", &err);
	const char *process;
	bool debug_threads = false;

	if (!o || !opts_get_bool(o, "debug-threads", &debug_threads, &err))
		error_exit(err);
	ms->name = g_strdup(opts_get(o, "guest"));
	process = opts_get(o, "process");
	if (!opts_check_unused(o, &err))
		error_exit(err);
	/* the process name shows in ps/top, as QEMU's does (15 characters) */
	if (process)
		prctl(PR_SET_NAME, process);
}

/* ---- run state ---- */

static struct {
	bool exit_requested;
	int exit_status;
	bool reset_requested;
	bool poweroff_requested;
} run_requests;

static void machine_exit_request(int status)
{
	bool expected = false;

	/* the first request decides the exit status (isa-debug-exit's verdict) */
	if (__atomic_compare_exchange_n(&run_requests.exit_requested, &expected, true, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		__atomic_store_n(&run_requests.exit_status, status, __ATOMIC_RELEASE);
	/* a vCPU that asked to leave stops here rather than running on */
	if (current_cpu)
		cpu_request_stop(current_cpu);
	main_loop_wakeup();
}

static void machine_reset_request(void)
{
	__atomic_store_n(&run_requests.reset_requested, true, __ATOMIC_RELEASE);
	main_loop_wakeup();
}

static void machine_poweroff_request(void)
{
	__atomic_store_n(&run_requests.poweroff_requested, true, __ATOMIC_RELEASE);
	main_loop_wakeup();
}

static const struct runstate_handler machine_runstate_handler = {
	.exit = machine_exit_request,
	.reset = machine_reset_request,
	.poweroff = machine_poweroff_request,
};

static gboolean on_terminate_signal(gpointer opaque)
{
	int sig = GPOINTER_TO_INT(opaque);

	fprintf(stderr, "kemu: terminating on signal %d\n", sig);
	runstate_request_shutdown(SHUTDOWN_CAUSE_HOST_SIGNAL);
	return G_SOURCE_CONTINUE;
}

void system_reset(struct machine_state *ms)
{
	struct machine_class *mc = MACHINE_GET_CLASS(ms);
	bool was_running = cpus_running();

	cpus_pause_all();
	log_mask(LOG_RESET, "system reset\n");
	device_reset_tree(OBJECT(ms));
	if (mc->reset)
		mc->reset(ms);
	if (was_running)
		cpus_resume_all();
}

static int main_loop_run(struct machine_state *ms)
{
	for (;;) {
		main_loop_wait(-1);
		if (__atomic_load_n(&run_requests.exit_requested, __ATOMIC_ACQUIRE)) {
			enum shutdown_cause cause = runstate_take_shutdown_cause();

			/* isa-debug-exit and Ctrl-A x leave without an event, as in QEMU */
			if (cause != SHUTDOWN_CAUSE_NONE)
				runstate_notify(RUNSTATE_SHUTDOWN, cause);
			return __atomic_load_n(&run_requests.exit_status, __ATOMIC_ACQUIRE);
		}
		if (__atomic_exchange_n(&run_requests.poweroff_requested, false, __ATOMIC_ACQ_REL)) {
			runstate_notify(RUNSTATE_SHUTDOWN, SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
			if (!ms->no_shutdown)
				return 0;
			cpus_pause_all();
			runstate_notify(RUNSTATE_STOP, SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
			fprintf(stderr, "kemu: guest powered off; paused (-no-shutdown)\n");
		}
		if (__atomic_exchange_n(&run_requests.reset_requested, false, __ATOMIC_ACQ_REL)) {
			enum shutdown_cause cause = runstate_take_reset_cause();

			if (cause == SHUTDOWN_CAUSE_NONE)
				cause = SHUTDOWN_CAUSE_GUEST_RESET;
			/* -no-reboot turns any reset into an exit, as in QEMU */
			if (ms->no_reboot) {
				runstate_notify(RUNSTATE_SHUTDOWN, cause);
				return 0;
			}
			system_reset(ms);
			runstate_notify(RUNSTATE_RESET, cause);
		}
	}
}

static void write_pidfile(const char *path)
{
	g_autofree char *pid = g_strdup_printf("%d\n", getpid());
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		fail("-pidfile %s: cannot open: %s", path, g_strerror(errno));
	/* a second kemu with the same pidfile is refused, as QEMU does */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		fail("-pidfile %s: cannot lock pid file: another instance is running", path);
	if (ftruncate(fd, 0) < 0 || write(fd, pid, strlen(pid)) != (ssize_t)strlen(pid))
		fail("-pidfile %s: cannot write: %s", path, g_strerror(errno));
	/* fd stays open (and locked) for the life of the process */
}

static int daemon_pipe = -1;

static void daemonize_start(void)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) < 0)
		fail("-daemonize: pipe: %s", g_strerror(errno));
	pid = fork();
	if (pid < 0)
		fail("-daemonize: fork: %s", g_strerror(errno));
	if (pid > 0) {
		char status = 1;

		close(fds[1]);
		/* the parent exits when the child is up, with its verdict */
		if (read(fds[0], &status, 1) != 1)
			status = 1;
		_exit(status);
	}
	close(fds[0]);
	daemon_pipe = fds[1];
	setsid();
}

static void daemonize_finish(void)
{
	char ok = 0;
	int null;

	if (daemon_pipe < 0)
		return;
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		close(null);
	}
	if (write(daemon_pipe, &ok, 1) < 0)
		_exit(1);
	close(daemon_pipe);
	daemon_pipe = -1;
}

int kemu_main(int argc, char **argv)
{
	struct cmdline c = { 0 };
	struct accel_choice ac = { .names = g_ptr_array_new_with_free_func(g_free),
				   .irqchip = KERNEL_IRQCHIP_ON };
	struct machine_class *mc;
	struct machine_state *ms;
	GError *err = NULL;
	int status;

	parse_cmdline(argc, argv, &c);
	apply_machine_opts(&c, &ac);
	if (c.nographic && c.daemonize)
		fail("-nographic cannot be used with -daemonize");

	mc = find_machine(ac.machine_type);
	if (!mc)
		fail("-machine %s: unsupported machine type\nUse -machine help to list supported machines",
		     ac.machine_type ? ac.machine_type : "(default)");

	if (c.daemonize)
		daemonize_start();
	if (c.pidfile)
		write_pidfile(c.pidfile);

	main_loop_init();
	bql_lock();

	ms = MACHINE(object_new(object_class_get_name(OBJECT_CLASS(mc))));
	object_property_add_child(object_get_root(), "machine", OBJECT(ms));
	object_unref(OBJECT(ms));
	machine_set_current(ms);
	runstate_set_handler(&machine_runstate_handler);

	configure_smp(ms, mc, c.smp);
	configure_memory(ms, mc, c.mem);
	ms->cpu_model = g_strdup(c.cpu);
	ms->kernel = g_strdup(c.kernel);
	ms->initrd = g_strdup(c.initrd);
	ms->append = g_strdup(c.append);
	ms->bios = g_strdup(c.bios);
	if (c.name)
		configure_name(ms, c.name);
	ms->no_reboot = c.no_reboot;
	ms->no_shutdown = c.no_shutdown;
	ms->kernel_irqchip = ac.irqchip;
	ms->kernel_irqchip_set = ac.irqchip_set;
	ms->kernel_boot = g_strdup(ac.kernel_boot ? ac.kernel_boot : "auto");
	configure_fw_cfg(ms, c.fw_cfg);
	ms->vga = g_strdup(vl_default_vga(&c));
	if ((c.initrd || c.append) && !c.kernel)
		fail("-%s only allowed with -kernel option", c.initrd ? "initrd" : "append");

	ms->accel = choose_accel(&ac);
	if (strcmp(ms->accel->name, "kvm")) {
		if (ac.irqchip_set && ac.irqchip != KERNEL_IRQCHIP_OFF)
			fail("-machine kernel-irqchip=%s: needs the kvm accelerator",
			     ac.irqchip == KERNEL_IRQCHIP_ON ? "on" : "split");
		ms->kernel_irqchip = KERNEL_IRQCHIP_OFF;
	}

	if (!vl_configure_chardevs(ms, c.chardevs, c.serials, c.nographic, c.nodefaults,
				   c.default_monitor, c.debugcon, &err))
		error_exit(err);
	configure_monitors(&c);
	configure_boot(ms, c.boot);
	configure_drives(ms, &c);
	machine_memory_init(ms);
	if (!ms->accel->init(ms, &err))
		error_exit(err);
	if (!mc->init(ms, &err))
		error_exit(err);
	/* the monitor's screendump writes the first graphic console (ui/) */
	monitor_set_screendump_handler(qmp_screendump);
	for (guint i = 0; i < c.devices->len; i++) {
		const char *s = g_ptr_array_index(c.devices, i);
		struct device *dev;
		if (g_str_has_suffix(s, ",help") || g_str_has_suffix(s, ",?")) {
			g_autofree char *name = g_strndup(s, strrchr(s, ',') - s);

			device_print_help(name);
			exit(0);
		}
		dev = device_new_from_opts(s, &err);
		if (!dev)
			error_exit(err);
		if (!machine_add_user_device(ms, dev, &err)) {
			g_prefix_error(&err, "-device %s: ", s);
			error_exit(err);
		}
		object_unref(OBJECT(dev));
		if (!vl_plug_device(ms, dev, &err)) {
			g_prefix_error(&err, "-device %s: ", s);
			error_exit(err);
		}
	}

	/* boot order and the like need every device; then no drive may be left over */
	if (mc->done && !mc->done(ms, &err))
		error_exit(err);
	if (!drive_check_all_attached(&err))
		error_exit(err);

	g_unix_signal_add(SIGINT, on_terminate_signal, GINT_TO_POINTER(SIGINT));
	g_unix_signal_add(SIGTERM, on_terminate_signal, GINT_TO_POINTER(SIGTERM));
	g_unix_signal_add(SIGHUP, on_terminate_signal, GINT_TO_POINTER(SIGHUP));
	signal(SIGPIPE, SIG_IGN);

	if (!cpus_start(ms, c.start_paused, &err))
		error_exit(err);
	daemonize_finish();
	status = main_loop_run(ms);
	cpus_pause_all();
	/* test hook (KEMU_TEST_SCREENDUMP), see include/ui/screendump.h */
	screendump_test_hook_at_exit();
	vl_shutdown(ms);
	bql_unlock();
	fflush(stdout);
	/* the command line is done with (the machine stays reachable from the root) */
	g_free(ac.machine_type);
	g_free(ac.kernel_boot);
	g_ptr_array_free(ac.names, true);
	g_ptr_array_free(c.machine_opts, true);
	g_ptr_array_free(c.accel_opts, true);
	g_ptr_array_free(c.serials, true);
	g_ptr_array_free(c.chardevs, true);
	g_ptr_array_free(c.devices, true);
	g_ptr_array_free(c.drives, true);
	g_ptr_array_free(c.fw_cfg, true);
	g_ptr_array_free(c.monitors, true);
	return status;
}

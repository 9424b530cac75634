// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command line as a user meets it: bad values end kemu with status 1
 * and a message naming the option and what was expected (QEMU's wording
 * where QEMU has one); informational options print and exit 0. Runs the
 * real binary (its path is the first argument) with the test accelerator
 * where a machine must be built, so no guest code runs.
 */
#include "kemu/common.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *kemu_path;

struct run_result {
	int status;
	char *out;
	char *err;
};

static void run_kemu(struct run_result *r, const char *args)
{
	/* a regression that starts a machine must not hang the suite */
	g_autofree char *cmd = g_strdup_printf("timeout 20 %s %s", kemu_path, args);
	g_auto(GStrv) argv = NULL;
	GError *error = NULL;
	int wait_status;

	g_assert_true(g_shell_parse_argv(cmd, NULL, &argv, &error));
	g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &r->out,
				   &r->err, &wait_status, &error));
	r->status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

static void run_result_clear(struct run_result *r)
{
	g_free(r->out);
	g_free(r->err);
}

/* status 1, and stderr contains `expect` */
static void expect_error(const char *args, const char *expect)
{
	struct run_result r;

	run_kemu(&r, args);
	if (r.status != 1 || !strstr(r.err, expect))
		g_error("kemu %s\n  status %d, stderr:\n%s\n  expected status 1 and \"%s\"",
			args, r.status, r.err, expect);
	run_result_clear(&r);
}

static void test_cli_bad_numbers_name_the_parameter(void)
{
	expect_error("-accel test -smp foo", "kemu: -smp foo: Parameter 'cpus' expects a number");
	expect_error("-accel test -m foo", "kemu: -m foo: Parameter 'size' expects a non-negative number");
	expect_error("-accel test -m 256,slots=2", "-m 256,slots=2: memory hotplug");
	expect_error("-accel test -smp 4,sockets=3,cores=1,threads=1",
		     "Invalid CPU topology: product of the hierarchy must match maxcpus");
	expect_error("-accel test -smp 2,bogus=1", "-smp: Invalid parameter 'bogus'");
	expect_error("-accel test -smp 0", "-smp 0: CPU topology parameters must be greater than zero");
	expect_error("-accel test -smp 300", "Invalid SMP CPUs 300");
	expect_error("-accel test -m 512k", "-m 512k: at least 1M of RAM is needed");
}

static void test_cli_unknown_things_are_errors(void)
{
	expect_error("-no-such-option", "kemu: -no-such-option: invalid option");
	expect_error("-accel test -machine nosuch", "-machine nosuch: unsupported machine type");
	expect_error("-accel nosuch", "invalid accelerator nosuch");
	expect_error("-accel test -machine pc,nosuch=1", "Invalid parameter 'nosuch'");
	expect_error("-accel test -machine pc,kernel-irqchip=sometimes",
		     "Parameter 'kernel-irqchip' does not accept value 'sometimes'");
	expect_error("-accel test -device no-such-device",
		     "-device no-such-device: 'no-such-device' is not a valid device model name");
	expect_error("-accel test -device isa-debug-exit,colour=red",
		     "Property 'isa-debug-exit.colour' not found");
	expect_error("-accel test -device isa-debug-exit,iobase=banana",
		     "Parameter 'iobase' expects a number");
	expect_error("-d nosuch", "-d: unknown log category 'nosuch'");
	expect_error("-smp", "-smp: requires an argument");
	expect_error("-accel test -serial bogus:x", "-serial bogus:x");
	expect_error("-accel test -global nodot", "-global nodot: expected DRIVER.PROPERTY=VALUE");
	/* -global reaches devices the board creates, not only -device ones */
	expect_error("-accel test -global mc146818rtc.nosuch=1",
		     "-global mc146818rtc.nosuch=1: Property 'mc146818rtc.nosuch' not found");
	expect_error("-accel test -global VGA.vgamem_mb=3", "vgamem_mb=3: expected a power of two");
}

static void test_cli_kernel_errors(void)
{
	g_autofree char *junk = g_build_filename(g_get_tmp_dir(), "kemu-test-junk.bin", NULL);

	expect_error("-accel test -initrd /dev/null", "-initrd only allowed with -kernel option");
	expect_error("-accel test -kernel /nonexistent/vmlinuz",
		     "kemu: -kernel /nonexistent/vmlinuz: could not load kernel");
	g_assert_true(g_file_set_contents(junk, "this is not a kernel", -1, NULL));
	{
		g_autofree char *args = g_strdup_printf("-accel test -kernel %s", junk);
		g_autofree char *msg = g_strdup_printf("-kernel %s: could not load kernel", junk);

		expect_error(args, msg);
	}
	unlink(junk);
}

static void test_cli_features_not_there_yet_are_refused(void)
{
	expect_error("-accel test -drive file=/dev/null,if=scsi", "if=scsi: not supported yet");
	expect_error("-accel test -netdev user,id=n0", "-netdev user,id=n0: not supported yet");
	expect_error("-accel test -display sdl", "-display sdl: not supported yet");
	expect_error("-accel test -machine pc,smm=on", "SMM is not supported");
}

/*
 * -drive, its shorthands and -boot: QEMU's messages, status 1, and the
 * image untouched by a run that stops on a bad option.
 */
static void test_cli_drive_and_boot_errors(void)
{
	g_autofree char *img = g_build_filename(g_get_tmp_dir(), "kemu-test-cli-drive.img", NULL);
	g_autofree char *before = NULL, *after = NULL;
	gsize before_len, after_len;
	char data[4096];

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + 3);
	g_assert_true(g_file_set_contents(img, data, sizeof(data), NULL));
	g_assert_true(g_file_get_contents(img, &before, &before_len, NULL));

#define DRIVE_ERR(args, msg) do {						\
		g_autofree char *a_ = g_strdup_printf("-accel test " args, img);	\
		expect_error(a_, msg);						\
	} while (0)
	DRIVE_ERR("-drive file=%s,format=raw,media=tape", "'tape' invalid media");
	DRIVE_ERR("-drive file=%s,format=raw,if=sd", "if=sd: not supported yet");
	DRIVE_ERR("-drive file=%s,format=raw,if=usb", "unsupported bus type 'usb'");
	DRIVE_ERR("-drive file=%s,format=raw,index=9",
		  "machine type does not support if=ide,bus=4,unit=1");
	DRIVE_ERR("-drive file=%s,format=raw,unit=3", "unit 3 too big (max is 1)");
	DRIVE_ERR("-drive file=%s,format=raw,if=virtio,index=1,bus=1",
		  "index cannot be used with bus and unit");
	DRIVE_ERR("-drive file=%s,format=raw,if=floppy,index=2",
		  "machine type does not support if=floppy,bus=0,unit=2");
	DRIVE_ERR("-drive file=%s,format=raw,cache=bogus", "cache=bogus: expected none");
	DRIVE_ERR("-drive file=%s,format=raw,werror=x", "'x' invalid write error action");
	DRIVE_ERR("-drive file=%s,format=raw,rerror=enospc", "'enospc' invalid read error action");
	DRIVE_ERR("-drive file=%s,format=raw,colour=red", "Invalid parameter 'colour'");
	DRIVE_ERR("-drive file=%s,format=vmdkx", "format=vmdkx: unknown format");
	DRIVE_ERR("-hda %s -hda /dev/null", "drive with bus=0, unit=0 (index=0) exists");
	DRIVE_ERR("-drive if=none,id=x,format=raw,file=%s -drive if=none,id=x,file=/dev/null",
		  "Duplicate ID 'x' for drive");
	DRIVE_ERR("-hda %s -boot order=cc", "-boot order=cc: Boot device 'c' was given twice");
	DRIVE_ERR("-hda %s -boot order=b", "Invalid boot device for PC: 'b'");
	DRIVE_ERR("-hda %s -boot x", "Invalid boot device 'x'");
	DRIVE_ERR("-hda %s -boot order=cdna", "Too many boot devices for PC");
	DRIVE_ERR("-hda %s -boot menu=maybe", "Parameter 'menu' expects 'on' or 'off'");
	DRIVE_ERR("-hda %s -boot reboot-timeout=70000", "reboot timeout is invalid");
	DRIVE_ERR("-drive file=%s,format=raw,if=none,id=d0 -device isa-debug-exit,iobase=zz",
		  "Parameter 'iobase' expects a number");
#undef DRIVE_ERR
	expect_error("-accel test -drive file=/nonexistent/disk.img,format=raw",
		     "-drive file=/nonexistent/disk.img,format=raw: Could not open "
		     "'/nonexistent/disk.img': No such file or directory");
	expect_error("-accel test -cdrom /nonexistent/x.iso", "-cdrom /nonexistent/x.iso: Could not open");
	expect_error("-accel test -fda /nonexistent/f.img", "-fda /nonexistent/f.img: Could not open");

	/* none of those runs wrote to the image */
	g_assert_true(g_file_get_contents(img, &after, &after_len, NULL));
	g_assert_cmpmem(before, before_len, after, after_len);
	unlink(img);
}

/* -vga: std and none only; the device checks its own properties */
static void test_cli_vga_std_or_none(void)
{
	struct run_result r;

	expect_error("-accel test -vga cirrus", "-vga cirrus: not supported: kemu has the standard VGA");
	expect_error("-accel test -nodefaults -device VGA,vgamem_mb=3",
		     "vgamem_mb=3: expected a power of two");
	run_kemu(&r, "-vga help");
	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "std "));
	run_result_clear(&r);
}

/*
 * -daemonize returns once the VM is up; -pidfile names the daemon, which a
 * SIGTERM ends in order; a second instance with the same pidfile is refused.
 */
static void test_cli_daemonize_pidfile_and_sigterm(void)
{
	g_autofree char *dir = g_dir_make_tmp("kemu-cli-XXXXXX", NULL);
	g_autofree char *pidfile = g_build_filename(dir, "kemu.pid", NULL);
	g_autofree char *args = g_strdup_printf("-accel test -daemonize -pidfile %s -name demo,process=kemu-cli-test",
						 pidfile);
	g_autofree char *args2 = g_strdup_printf("-accel test -pidfile %s", pidfile);
	g_autofree char *contents = NULL;
	g_autofree char *comm = NULL;
	g_autofree char *comm_path = NULL;
	struct run_result r;
	pid_t pid;
	int i;

	run_kemu(&r, args);
	g_assert_cmpint(r.status, ==, 0);
	run_result_clear(&r);
	g_assert_true(g_file_get_contents(pidfile, &contents, NULL, NULL));
	pid = atoi(contents);
	g_assert_cmpint(pid, >, 1);
	g_assert_cmpint(kill(pid, 0), ==, 0);
	comm_path = g_strdup_printf("/proc/%d/comm", pid);
	g_assert_true(g_file_get_contents(comm_path, &comm, NULL, NULL));
	g_assert_cmpstr(g_strstrip(comm), ==, "kemu-cli-test");

	expect_error(args2, "cannot lock pid file");

	g_assert_cmpint(kill(pid, SIGTERM), ==, 0);
	for (i = 0; i < 200 && kill(pid, 0) == 0; i++)
		g_usleep(20000);
	g_assert_cmpint(kill(pid, 0), ==, -1);
	unlink(pidfile);
	rmdir(dir);
}

static void test_cli_informational_options(void)
{
	struct run_result r;

	run_kemu(&r, "-version");
	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "kemu version"));
	run_result_clear(&r);

	run_kemu(&r, "-device help");
	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "name \"isa-debug-exit\""));
	g_assert_null(strstr(r.out, "\"i8259\""));	/* board-only devices are not listed */
	run_result_clear(&r);

	run_kemu(&r, "-device isa-debug-exit,help");
	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "iobase=<uint"));
	run_result_clear(&r);

	run_kemu(&r, "-machine help");
	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "pc "));
	run_result_clear(&r);

	run_kemu(&r, "-d help");
	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "guest_errors"));
	run_result_clear(&r);

	run_kemu(&r, "-h");
	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "-smp"));
	run_result_clear(&r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_assert_cmpint(argc, >=, 2);
	kemu_path = argv[1];
	g_test_add_func("/cli/bad_numbers_name_the_parameter", test_cli_bad_numbers_name_the_parameter);
	g_test_add_func("/cli/unknown_things_are_errors", test_cli_unknown_things_are_errors);
	g_test_add_func("/cli/kernel_errors", test_cli_kernel_errors);
	g_test_add_func("/cli/features_not_there_yet_are_refused",
			test_cli_features_not_there_yet_are_refused);
	g_test_add_func("/cli/informational_options", test_cli_informational_options);
	g_test_add_func("/cli/vga_std_or_none", test_cli_vga_std_or_none);
	g_test_add_func("/cli/drive_and_boot_errors", test_cli_drive_and_boot_errors);
	g_test_add_func("/cli/daemonize_pidfile_and_sigterm", test_cli_daemonize_pidfile_and_sigterm);
	return g_test_run();
}

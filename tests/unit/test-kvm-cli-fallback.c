// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The whole emulator on /dev/kvm with a guest that stops QEMU on a PVM
 * host: a 64 KiB firmware image (-bios) that runs fninit/fwait/fnstsw in
 * real mode, switches to 32-bit protected mode without paging and does an
 * iretd, then leaves through isa-debug-exit with 0x2a (status 85). Under
 * kemu -accel kvm it must finish; where KVM's emulator gives up on those
 * instructions (PVM) the fallback must have run them (-d emul shows each).
 * Runs build/kemu (the test's working directory is the build directory).
 */
#include "kemu/common.h"
#include <fcntl.h>
#include <unistd.h>

#define BIOS_BASE 0xf0000u

static void build_bios(uint8_t *img)
{
	static const uint8_t real16[] = {
		0xfa,				/* cli */
		0xdb, 0xe3,			/* fninit */
		0x9b,				/* fwait        (PVM: emulation failure) */
		0xdf, 0xe0,			/* fnstsw ax    (PVM: emulation failure) */
		0x85, 0xc0,			/* test ax,ax */
		0x75, 0x1a,			/* jnz fail */
		0x2e, 0x66, 0x0f, 0x01, 0x16, 0xf0, 0x00, /* o32 lgdt cs:[0xf0] */
		0x0f, 0x20, 0xc0,		/* mov eax,cr0 */
		0x0c, 0x01,			/* or al,1 */
		0x0f, 0x22, 0xc0,		/* mov cr0,eax */
		0x66, 0xea, 0x40, 0x00, 0x0f, 0x00, 0x08, 0x00, /* jmp dword 8:0xf0040 */
		0xb0, 0x01, 0xe6, 0xf4, 0xf4,	/* fail: out 0xf4,1 (status 3); hlt */
	};
	static const uint8_t pm32[] = {
		0xb8, 0x10, 0x00, 0x00, 0x00,	/* mov eax,0x10 */
		0x8e, 0xd8, 0x8e, 0xc0, 0x8e, 0xd0, /* mov ds/es/ss,ax */
		0xbc, 0x00, 0x80, 0x00, 0x00,	/* mov esp,0x8000 */
		0x9c,				/* pushfd */
		0x6a, 0x08,			/* push 8 */
		0x68, 0x80, 0x00, 0x0f, 0x00,	/* push 0xf0080 */
		0xcf,				/* iretd        (PVM: emulation failure) */
		0xb0, 0x01, 0xe6, 0xf4, 0xf4,	/* not reached: status 3 */
	};
	static const uint8_t pass[] = { 0xb0, 0x2a, 0xe6, 0xf4, 0xf4 };	/* status 85 */
	/* accessed bits preset: the GDT is in ROM */
	static const uint8_t gdt[] = { 0, 0, 0, 0, 0, 0, 0, 0,
				       0xff, 0xff, 0, 0, 0, 0x9b, 0xcf, 0,
				       0xff, 0xff, 0, 0, 0, 0x93, 0xcf, 0 };
	static const uint8_t reset[] = { 0xea, 0x00, 0x00, 0x00, 0xf0 };	/* jmp f000:0000 */

	memset(img, 0xf4, 64 * KiB);
	memcpy(img, real16, sizeof(real16));
	memcpy(img + 0x40, pm32, sizeof(pm32));
	memcpy(img + 0x80, pass, sizeof(pass));
	memcpy(img + 0x100, gdt, sizeof(gdt));
	stw_le_p(img + 0xf0, sizeof(gdt) - 1);
	stl_le_p(img + 0xf2, BIOS_BASE + 0x100);
	memcpy(img + 0xfff0, reset, sizeof(reset));
}

static bool skipped;

static void test_kvm_cli_guest_that_stops_qemu_on_pvm_runs_to_the_end(void)
{
	g_autofree uint8_t *img = g_malloc(64 * KiB);
	g_autofree char *dir = NULL, *path = NULL, *out = NULL, *err_out = NULL;
	g_autoptr(GError) err = NULL;
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC), status = 0;
	bool pvm = g_file_test("/sys/module/kvm_pvm", G_FILE_TEST_EXISTS);

	if (fd < 0) {
		g_test_skip("SKIP: no /dev/kvm");
		skipped = true;
		return;
	}
	close(fd);
	if (!g_file_test("./kemu", G_FILE_TEST_IS_EXECUTABLE)) {
		g_test_skip("SKIP: ./kemu not found (run from the build directory)");
		skipped = true;
		return;
	}
	build_bios(img);
	dir = g_dir_make_tmp("kemu-kvm-cli-XXXXXX", &err);
	g_assert_no_error(err);
	path = g_build_filename(dir, "bios.bin", NULL);
	g_assert_true(g_file_set_contents(path, (char *)img, 64 * KiB, &err));
	const char *argv[] = { "timeout", "20", "./kemu", "-accel", "kvm", "-machine", "pc",
			       "-m", "16", "-bios", path, "-display", "none", "-nodefaults",
			       "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-d", "emul",
			       NULL };
	g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
				   &out, &err_out, &status, &err));
	g_assert_no_error(err);
	g_test_message("kemu stderr:\n%s", err_out);
	unlink(path);
	rmdir(dir);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 85);
	if (pvm) {
		g_assert_nonnull(strstr(err_out, " fwait "));
		g_assert_nonnull(strstr(err_out, " iret"));
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/kvm/cli/fallback-guest",
			test_kvm_cli_guest_that_stops_qemu_on_pvm_runs_to_the_end);
	int r = g_test_run();

	return r == 0 && skipped ? 77 : r;	/* meson: skipped */
}

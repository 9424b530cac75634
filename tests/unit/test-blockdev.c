// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * system/blockdev.c: -drive positions and default ids as QEMU 7.2 assigns
 * them, claiming drives, removable-media operations through a device's
 * drive_dev_ops, werror/rerror outcomes. Images are small files in a
 * temporary directory; the machine is a bare subclass of TYPE_MACHINE.
 */
#include "kemu/common.h"
#include "system/blockdev.h"
#include "hw/boards.h"
#include "hw/device.h"
#include "system/main-loop.h"
#include <glib/gstdio.h>

#define TYPE_TEST_MACHINE "test-blockdev-machine"

static char *tmpdir;

static void test_machine_register(void)
{
	static const struct type_info info = {
		.name = TYPE_TEST_MACHINE,
		.parent = TYPE_MACHINE,
		.instance_size = sizeof(struct machine_state),
		.class_size = sizeof(struct machine_class),
	};
	type_register(&info);
}

static struct machine_state *new_machine(void)
{
	struct machine_state *ms = MACHINE(object_new(TYPE_TEST_MACHINE));

	machine_set_current(ms);
	return ms;
}

static void free_machine(struct machine_state *ms)
{
	drive_close_all();
	machine_set_current(NULL);
	object_unref(OBJECT(ms));
}

static char *make_image(const char *name, size_t size, uint8_t fill)
{
	char *path = g_build_filename(tmpdir, name, NULL);
	g_autofree uint8_t *buf = g_malloc(size);

	memset(buf, fill, size);
	g_assert_true(g_file_set_contents(path, (char *)buf, size, NULL));
	return path;
}

static struct drive_info *add(struct machine_state *ms, const char *fmt, const char *file)
{
	g_autofree char *s = g_strdup_printf(fmt, file);
	GError *err = NULL;
	GPtrArray *l;

	if (!drive_add(ms, s, &err))
		g_error("drive_add(%s): %s", s, err->message);
	l = drive_list();
	return g_ptr_array_index(l, l->len - 1);
}

static void expect_add_error(struct machine_state *ms, const char *s, const char *msg)
{
	GError *err = NULL;

	g_assert_false(drive_add(ms, s, &err));
	g_assert_nonnull(err);
	if (!strstr(err->message, msg))
		g_error("drive_add(%s): '%s', expected '%s'", s, err->message, msg);
	g_error_free(err);
}

static void test_drive_positions_and_ids_follow_qemu(void)
{
	struct machine_state *ms = new_machine();
	g_autofree char *img = make_image("pos.img", 65536, 0);
	g_autofree char *img1 = make_image("pos1.img", 65536, 0);
	g_autofree char *img2 = make_image("pos2.img", 65536, 0);
	g_autofree char *img3 = make_image("pos3.img", 65536, 0);
	g_autofree char *img4 = make_image("pos4.img", 65536, 0);
	g_autofree char *img5 = make_image("pos5.img", 65536, 0);
	g_autofree char *img6 = make_image("pos6.img", 65536, 0);
	struct drive_info *d;
	GError *err = NULL;

	/* one image per drive: a read-write open locks the file, as in QEMU */
	d = add(ms, "file=%s,format=raw", img);			/* if=ide by default */
	g_assert_cmpstr(d->id, ==, "ide0-hd0");
	g_assert_cmpint(d->bus, ==, 0);
	g_assert_cmpint(d->unit, ==, 0);
	d = add(ms, "file=%s,format=raw,readonly=on", img1);	/* next free unit */
	g_assert_cmpstr(d->id, ==, "ide0-hd1");
	g_assert_true(d->readonly);
	d = add(ms, "file=%s,format=raw,index=2,media=cdrom", img1);
	g_assert_cmpstr(d->id, ==, "ide1-cd0");
	g_assert_cmpint(d->bus, ==, 1);
	g_assert_true(d->readonly);	/* CD-ROMs are read-only */
	g_assert_cmpint(d->media, ==, DRIVE_MEDIA_CDROM);
	d = add(ms, "file=%s,format=raw,if=floppy", img2);
	g_assert_cmpstr(d->id, ==, "floppy0");
	d = add(ms, "file=%s,format=raw,if=virtio,index=3", img3);
	g_assert_cmpstr(d->id, ==, "virtio3");
	g_assert_cmpint(d->unit, ==, 3);
	d = add(ms, "file=%s,format=raw,if=none,id=mine", img4);
	g_assert_cmpint(d->bus, ==, -1);
	g_assert_true(drive_find("mine") == d);
	g_assert_true(drive_get(IF_IDE, 1, 0) == drive_find("ide1-cd0"));
	g_assert_null(drive_get(IF_IDE, 1, 1));
	g_assert_cmpint(drive_get_max_bus(IF_IDE), ==, 1);
	g_assert_cmpint(drive_get_max_bus(IF_FLOPPY), ==, 0);

	/* an empty CD-ROM has no image */
	g_assert_true(drive_add_shorthand(ms, "fdb", img5, &err));
	g_assert_cmpstr(drive_find("floppy1")->filename, ==, img5);
	(void)img6;
	expect_add_error(ms, "if=ide,index=3,media=cdrom,id=x y", "Parameter 'id' expects");
	d = add(ms, "if=ide,index=3,media=cdrom%s", "");
	g_assert_null(d->blk);
	g_assert_cmpstr(d->id, ==, "ide1-cd1");

	expect_add_error(ms, "if=ide,index=0", "drive with bus=0, unit=0 (index=0) exists");
	expect_add_error(ms, "if=none,id=mine", "Duplicate ID 'mine' for drive");
	expect_add_error(ms, "if=ide,index=4", "machine type does not support if=ide,bus=2,unit=0");
	expect_add_error(ms, "if=floppy,index=2", "machine type does not support if=floppy");
	free_machine(ms);
}

static void test_drive_snapshot_default_applies_to_later_drives(void)
{
	struct machine_state *ms = new_machine();
	g_autofree char *img = make_image("snap.img", 65536, 0x5a);
	struct drive_info *d;
	uint8_t buf[512];

	drive_set_default_snapshot(ms, true);
	d = add(ms, "file=%s,format=raw,if=none,id=s0", img);
	g_assert_true(d->opts.snapshot);
	memset(buf, 0xee, sizeof(buf));
	g_assert_cmpint(blk_pwrite(d->blk, 0, buf, sizeof(buf)), ==, 0);
	g_assert_cmpint(blk_flush(d->blk), ==, 0);
	free_machine(ms);
	{
		/* the write went to the temporary overlay, not the image */
		g_autofree char *data = NULL;
		gsize len;

		g_assert_true(g_file_get_contents(img, &data, &len, NULL));
		g_assert_cmpint((uint8_t)data[0], ==, 0x5a);
	}
}

struct fake_cd {
	bool locked;
	int loads, unloads, eject_requests;
};

static void fake_change_media(void *opaque, bool load)
{
	struct fake_cd *cd = opaque;

	if (load)
		cd->loads++;
	else
		cd->unloads++;
}

static bool fake_is_locked(void *opaque)
{
	return ((struct fake_cd *)opaque)->locked;
}

static void fake_eject_request(void *opaque)
{
	((struct fake_cd *)opaque)->eject_requests++;
}

static const struct drive_dev_ops fake_cd_ops = {
	.change_media = fake_change_media,
	.is_medium_locked = fake_is_locked,
	.eject_request = fake_eject_request,
};

static void test_drive_eject_and_change_go_through_the_device(void)
{
	struct machine_state *ms = new_machine();
	g_autofree char *iso1 = make_image("one.iso", 4096, 1);
	g_autofree char *iso2 = make_image("two.iso", 8192, 2);
	g_autofree char *disk = make_image("disk.img", 8192, 3);
	struct device dev_a = { 0 }, dev_b = { 0 };
	struct fake_cd cd = { .locked = true };
	struct drive_info *d, *hd;
	GError *err = NULL;
	uint8_t b;

	d = add(ms, "file=%s,format=raw,if=ide,index=2,media=cdrom", iso1);
	hd = add(ms, "file=%s,format=raw,if=ide,index=0", disk);
	g_assert_true(drive_attach(d, &dev_a, &fake_cd_ops, &cd, &err));
	g_assert_false(drive_attach(d, &dev_b, NULL, NULL, &err));
	g_assert_cmpstr(err->message, ==, "Drive 'ide1-cd0' is already in use by another device");
	g_clear_error(&err);

	/* locked: refused, and the device is asked to let the guest eject */
	g_assert_false(drive_eject(d, false, &err));
	g_assert_nonnull(strstr(err->message, "is locked and force was not specified"));
	g_clear_error(&err);
	g_assert_cmpint(cd.eject_requests, ==, 1);
	g_assert_nonnull(d->blk);

	/* forced: the medium goes, the device hears it */
	g_assert_true(drive_eject(d, true, &err));
	g_assert_null(d->blk);
	g_assert_cmpint(cd.unloads, ==, 1);

	g_assert_true(drive_change_medium(d, iso2, "raw", false, &err));
	g_assert_no_error(err);
	g_assert_cmpint(cd.loads, ==, 1);
	g_assert_cmpint(blk_getlength(d->blk), ==, 8192);
	g_assert_true(blk_is_readonly(d->blk));	/* a CD-ROM stays read-only */
	g_assert_cmpint(blk_pread(d->blk, 100, &b, 1), ==, 0);
	g_assert_cmpint(b, ==, 2);

	/* a missing file leaves the old medium in */
	g_assert_false(drive_change_medium(d, "/nonexistent/x.iso", "raw", true, &err));
	g_clear_error(&err);
	g_assert_nonnull(d->blk);
	g_assert_cmpstr(d->filename, ==, iso2);

	/* hard disks are not removable */
	g_assert_false(drive_eject(hd, true, &err));
	g_assert_cmpstr(err->message, ==, "Device 'ide0-hd0' is not removable");
	g_clear_error(&err);

	drive_detach(d);
	g_assert_null(d->dev);
	free_machine(ms);
}

static void test_drive_error_actions(void)
{
	struct machine_state *ms = new_machine();
	g_autofree char *img = make_image("err.img", 4096, 0);
	struct drive_info *d;

	d = add(ms, "file=%s,format=raw,if=none,id=e1,readonly=on", img);
	/* QEMU's defaults: werror=enospc, rerror=report */
	g_assert_cmpint(drive_io_error(d, true, -EIO), ==, DRIVE_OUTCOME_REPORT);
	g_assert_cmpint(drive_io_error(d, false, -EIO), ==, DRIVE_OUTCOME_REPORT);
	g_assert_cmpint(drive_io_error(d, false, -ENOSPC), ==, DRIVE_OUTCOME_STOPPED);
	d = add(ms, "file=%s,format=raw,if=none,id=e2,werror=ignore,rerror=stop,readonly=on", img);
	g_assert_cmpint(drive_io_error(d, false, -EIO), ==, DRIVE_OUTCOME_IGNORE);
	g_assert_cmpint(drive_io_error(d, true, -EIO), ==, DRIVE_OUTCOME_STOPPED);
	expect_add_error(ms, "if=none,id=e3,rerror=enospc", "'enospc' invalid read error action");
	expect_add_error(ms, "if=none,id=e4,werror=sometimes", "'sometimes' invalid write error action");
	free_machine(ms);
}

int main(int argc, char **argv)
{
	int ret;

	g_test_init(&argc, &argv, NULL);
	test_machine_register();
	/* the block layer's synchronous calls run the main loop, under the BQL */
	main_loop_init();
	bql_lock();
	tmpdir = g_dir_make_tmp("kemu-test-blockdev-XXXXXX", NULL);
	g_test_add_func("/blockdev/positions_and_ids_follow_qemu",
			test_drive_positions_and_ids_follow_qemu);
	g_test_add_func("/blockdev/snapshot_default_applies_to_later_drives",
			test_drive_snapshot_default_applies_to_later_drives);
	g_test_add_func("/blockdev/eject_and_change_go_through_the_device",
			test_drive_eject_and_change_go_through_the_device);
	g_test_add_func("/blockdev/error_actions", test_drive_error_actions);
	ret = g_test_run();
	{
		g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);

		g_assert_cmpint(system(cmd), ==, 0);
	}
	g_free(tmpdir);
	return ret;
}

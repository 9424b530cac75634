// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-rng-pci (VIRTIO 1.2 section 5.4), virtio-serial-pci with a
 * virtconsole (5.3) and virtio-balloon-pci (5.5) driven by the small modern
 * driver of virtio-helpers.h: entropy and its rate limit in guest time, the
 * multiport control protocol and a port's output on a chardev file, the
 * balloon's target, inflation (pages given back read as zeroes) and the
 * statistics polling.
 */
#include "virtio-helpers.h"
#include "chardev/char.h"
#include "system/timer.h"
#include <fcntl.h>
#include <unistd.h>

#define BUF 0x200000

static struct vdrv d;

/* ---- virtio-rng ---- */

static void test_virtio_rng_fills_buffers(void)
{
	static const uint8_t zero[64];

	vdrv_setup(&d, "virtio-rng-pci,addr=3", NULL);
	g_assert_cmphex(cfg_readl(VDRV_DF, 0), ==, 0x10051af4);
	vdrv_start(&d, VDRV_F_VERSION_1, 1);
	vdrv_add(&d, 0, (struct vbuf[]){ { BUF, 64, true } }, 1);
	vdrv_kick(&d, 0);
	g_assert_cmpuint(vdrv_wait_used(&d, 0), ==, 64);
	g_assert_true(memcmp(vdrv_ram(BUF), zero, 64) != 0);
	vdrv_fini(&d);
}

/* max-bytes per period (guest time): the rest waits for the next period */
static void test_virtio_rng_rate_limit(void)
{
	vdrv_setup(&d, "virtio-rng-pci,addr=3,max-bytes=16,period=1000", NULL);
	vdrv_start(&d, VDRV_F_VERSION_1, 1);
	vdrv_add(&d, 0, (struct vbuf[]){ { BUF, 64, true } }, 1);
	vdrv_kick(&d, 0);
	g_assert_cmpuint(vdrv_wait_used(&d, 0), ==, 16);
	vdrv_add(&d, 0, (struct vbuf[]){ { BUF + 64, 64, true } }, 1);
	vdrv_kick(&d, 0);
	main_loop_wait(0);
	g_assert_cmpuint(vdrv_used_pending(&d, 0), ==, 0);
	clock_step(999 * NS_PER_MS);
	g_assert_cmpuint(vdrv_used_pending(&d, 0), ==, 0);
	clock_step(1 * NS_PER_MS);
	g_assert_cmpuint(vdrv_wait_used(&d, 0), ==, 16);
	vdrv_fini(&d);
}

/* ---- virtio-serial ---- */

#define CTRL_RX 2	/* device -> driver control queue */
#define CTRL_TX 3

static void add_to_tree(struct device *dev)
{
	/* ports find their virtio-serial-pci in the composition tree */
	object_property_add_child_auto(object_get_root(), "vser[*]", OBJECT(dev));
}

static void ctrl_send(uint32_t id, uint16_t event, uint16_t value)
{
	uint8_t *m = vdrv_ram(BUF + 0x8000);

	stl_le_p(m, id);
	stw_le_p(m + 4, event);
	stw_le_p(m + 6, value);
	vdrv_add(&d, CTRL_TX, (struct vbuf[]){ { BUF + 0x8000, 8, false } }, 1);
	vdrv_kick(&d, CTRL_TX);
	vdrv_wait_used(&d, CTRL_TX);
}

/* The next control message from the device: event, value; id and text out. */
static uint16_t ctrl_recv(uint32_t *id, uint16_t *value, char *text, size_t text_len)
{
	struct vdrv_queue *q = &d.q[CTRL_RX];
	unsigned k = q->used_seen % VDRV_QSIZE;
	uint32_t head = ldl_le_p(vdrv_ram(q->used + 4 + 8 * k));
	uint32_t len = vdrv_wait_used(&d, CTRL_RX);
	uint8_t *m = vdrv_ram(ldq_le_p(vdrv_ram(q->desc + 16 * head)));

	g_assert_cmpuint(len, >=, 8);
	*id = ldl_le_p(m);
	*value = lduw_le_p(m + 6);
	if (text) {
		memset(text, 0, text_len);
		memcpy(text, m + 8, MIN(len - 8, text_len - 1));
	}
	return lduw_le_p(m + 4);
}

static void test_virtio_serial_console_port(void)
{
	char path[] = "/tmp/kemu-test-vser-XXXXXX", name[64], out[64] = { 0 };
	g_autofree char *opts = NULL;
	struct device *port;
	uint32_t id;
	uint16_t value;
	int fd = mkstemp(path);

	g_assert_cmpint(fd, >=, 0);
	close(fd);
	opts = g_strdup_printf("file,id=vsc0,path=%s", path);
	g_assert_nonnull(chardev_new_from_opts(opts, NULL));
	vdrv_setup(&d, "virtio-serial-pci,addr=3,max_ports=4", add_to_tree);
	port = harness_device_new("virtconsole,chardev=vsc0,name=org.kemu.test");
	harness_realize(port);
	g_assert_cmphex(readl(VDRV_DEVCFG + 4), ==, 4);			/* max_nr_ports */
	vdrv_start(&d, VDRV_F_VERSION_1 | (1ULL << 1), 10);		/* MULTIPORT */
	for (int i = 0; i < 6; i++)
		vdrv_add(&d, CTRL_RX, (struct vbuf[]){ { BUF + 0x100 * i, 64, true } }, 1);
	vdrv_kick(&d, CTRL_RX);
	/* 5.3.6.2: DEVICE_READY -> DEVICE_ADD for port 0 */
	ctrl_send(0, 0, 1);
	g_assert_cmpuint(ctrl_recv(&id, &value, NULL, 0), ==, 1);
	g_assert_cmpuint(id, ==, 0);
	/* PORT_READY -> CONSOLE_PORT, PORT_NAME, PORT_OPEN (the file is open) */
	ctrl_send(0, 3, 1);
	g_assert_cmpuint(ctrl_recv(&id, &value, NULL, 0), ==, 4);
	g_assert_cmpuint(ctrl_recv(&id, &value, name, sizeof(name)), ==, 7);
	g_assert_cmpstr(name, ==, "org.kemu.test");
	g_assert_cmpuint(ctrl_recv(&id, &value, NULL, 0), ==, 6);
	g_assert_cmpuint(value, ==, 1);
	/* the guest writes on port 0's transmit queue: the bytes reach the file */
	memcpy(vdrv_ram(BUF + 0x9000), "hello, host\n", 12);
	vdrv_add(&d, 1, (struct vbuf[]){ { BUF + 0x9000, 12, false } }, 1);
	vdrv_kick(&d, 1);
	vdrv_wait_used(&d, 1);
	fd = open(path, O_RDONLY);
	g_assert_cmpint(read(fd, out, sizeof(out) - 1), ==, 12);
	close(fd);
	g_assert_cmpstr(out, ==, "hello, host\n");
	/* a control message for a port that does not exist is only logged */
	ctrl_send(9, 3, 1);
	g_assert_false(VIRTIO_PCI(d.dev)->vdev.broken);
	vdrv_fini(&d);
	device_unrealize(port);
	object_unref(OBJECT(port));
	chardev_remove_all();
	unlink(path);
}

/* ---- virtio-balloon ---- */

static void test_virtio_balloon_target_and_inflate(void)
{
	uint64_t page = 0x300000;

	vdrv_setup(&d, "virtio-balloon-pci,addr=3", NULL);
	vdrv_start(&d, VDRV_F_VERSION_1 | (1ULL << 1), 3);
	g_assert_cmphex(readl(VDRV_DEVCFG), ==, 0);
	/* the host raises the target at run time: a configuration interrupt follows */
	g_assert_true(object_property_parse(OBJECT(d.dev), "target-pages", "256", NULL));
	clock_step(NS_PER_SEC);
	g_assert_cmphex(readl(VDRV_DEVCFG), ==, 256);
	g_assert_cmpuint(readb(VDRV_ISR) & 2, ==, 2);
	/* inflate two pages (and one that is not RAM: logged, not fatal) */
	memset(vdrv_ram(page), 0xaa, 8192);
	stl_le_p(vdrv_ram(BUF), page >> 12);
	stl_le_p(vdrv_ram(BUF + 4), (page >> 12) + 1);
	stl_le_p(vdrv_ram(BUF + 8), 0xfffff);
	vdrv_add(&d, 0, (struct vbuf[]){ { BUF, 12, false } }, 1);
	vdrv_kick(&d, 0);
	vdrv_wait_used(&d, 0);
	g_assert_cmpuint(vdrv_ram(page)[0], ==, 0);		/* given back to the host */
	g_assert_cmpuint(vdrv_ram(page + 8191)[0], ==, 0);
	g_assert_cmpuint(vdrv_ram(page + 8192)[0], ==, 0);	/* untouched neighbour */
	writel(VDRV_DEVCFG + 4, 2);				/* actual */
	g_assert_cmphex(readl(VDRV_DEVCFG + 4), ==, 2);
	g_assert_false(VIRTIO_PCI(d.dev)->vdev.broken);
	vdrv_fini(&d);
}

/* 5.5.6.3: the device returns the stats buffer every polling interval */
static void test_virtio_balloon_stats_polling(void)
{
	vdrv_setup(&d, "virtio-balloon-pci,addr=3,guest-stats-polling-interval=2", NULL);
	vdrv_start(&d, VDRV_F_VERSION_1 | (1ULL << 1), 3);
	stw_le_p(vdrv_ram(BUF), 4);		/* free memory */
	stq_le_p(vdrv_ram(BUF + 2), 1000);
	vdrv_add(&d, 2, (struct vbuf[]){ { BUF, 10, false } }, 1);
	vdrv_kick(&d, 2);
	g_assert_cmpuint(vdrv_used_pending(&d, 2), ==, 0);	/* held */
	clock_step(NS_PER_SEC);
	g_assert_cmpuint(vdrv_used_pending(&d, 2), ==, 0);
	clock_step(NS_PER_SEC);
	g_assert_cmpuint(vdrv_used_pending(&d, 2), ==, 1);	/* asks for fresh stats */
	vdrv_fini(&d);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/virtio-rng/fills-buffers", test_virtio_rng_fills_buffers);
	g_test_add_func("/virtio-rng/rate-limit", test_virtio_rng_rate_limit);
	g_test_add_func("/virtio-serial/console-port", test_virtio_serial_console_port);
	g_test_add_func("/virtio-balloon/target-and-inflate", test_virtio_balloon_target_and_inflate);
	g_test_add_func("/virtio-balloon/stats-polling", test_virtio_balloon_stats_polling);
	return g_test_run();
}

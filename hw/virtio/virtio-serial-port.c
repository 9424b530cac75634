// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtserialport and virtconsole: ports of a virtio-serial-pci device
 * (VIRTIO 1.2 section 5.3.6) on a chardev. A virtconsole is a port the
 * guest uses as a console (Linux: /dev/hvcN); a virtserialport is a named
 * channel (Linux: /dev/vportNpM, /sys/class/virtio-ports/.../name).
 * The queues and the control protocol are in virtio-serial.c.
 */
#include "kemu/common.h"
#include "virtio-serial.h"

static int port_can_receive(void *opaque)
{
	struct virtio_serial_port *port = opaque;

	/* hold at most SERIAL_INPUT_MAX bytes the guest has not taken yet */
	if (!port->guest_connected || port->pending->len >= 4096)
		return 0;
	return 4096 - port->pending->len;
}

static void port_receive(void *opaque, const uint8_t *buf, int len)
{
	struct virtio_serial_port *port = opaque;

	g_byte_array_append(port->pending, buf, len);
	virtio_serial_flush_input(port);
}

static void port_event(void *opaque, enum chardev_event event)
{
	struct virtio_serial_port *port = opaque;

	if (event == CHARDEV_EVENT_OPENED || event == CHARDEV_EVENT_CLOSED)
		virtio_serial_host_connected(port, event == CHARDEV_EVENT_OPENED);
}

static const struct chardev_handlers port_chr_handlers = {
	.can_receive = port_can_receive,
	.receive = port_receive,
	.event = port_event,
};

static bool port_realize(struct device *dev, GError **errp)
{
	struct virtio_serial_port *port = VIRTIO_SERIAL_PORT(dev);

	port->is_console = object_dynamic_cast(OBJECT(dev), TYPE_VIRTCONSOLE) != NULL;
	port->pending = g_byte_array_new();
	if (port->chr && !chardev_fe_init(&port->fe, port->chr, errp))
		goto fail;
	if (!virtio_serial_attach_port(port, errp)) {
		if (port->chr)
			chardev_fe_deinit(&port->fe);
		goto fail;
	}
	if (port->chr)
		chardev_fe_set_handlers(&port->fe, &port_chr_handlers, port);
	return true;
fail:
	g_byte_array_unref(port->pending);
	port->pending = NULL;
	return false;
}

static void port_unrealize(struct device *dev)
{
	struct virtio_serial_port *port = VIRTIO_SERIAL_PORT(dev);

	virtio_serial_detach_port(port);
	if (port->chr)
		chardev_fe_deinit(&port->fe);
	g_clear_pointer(&port->pending, g_byte_array_unref);
}

static const struct property port_props[] = {
	PROP_CHARDEV("chardev", struct virtio_serial_port, chr),
	PROP_STRING("name", struct virtio_serial_port, name, NULL),
	PROP_U32("nr", struct virtio_serial_port, nr, 0xffffffff),
	PROP_STRING("bus", struct virtio_serial_port, bus, NULL),
	PROP_END
};

DEFINE_DEVICE_TYPE(virtserialport, TYPE_VIRTSERIALPORT, TYPE_DEVICE,
		   struct virtio_serial_port, .realize = port_realize,
		   .unrealize = port_unrealize, .props = port_props, .category = "input",
		   .desc = "virtio serial port (on virtio-serial-pci)");

DEFINE_DEVICE_TYPE(virtconsole, TYPE_VIRTCONSOLE, TYPE_VIRTSERIALPORT,
		   struct virtio_serial_port, .category = "display",
		   .desc = "virtio console port (on virtio-serial-pci)");

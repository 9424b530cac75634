/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Between virtio-serial-pci (virtio-serial.c, the multiport device of
 * VIRTIO 1.2 section 5.3) and its ports (virtio-serial-port.c:
 * virtserialport, virtconsole). Internal to hw/virtio.
 *
 * A port finds its device in realize (bus= names the device's id, with or
 * without QEMU's ".0"; without bus=, the first virtio-serial-pci) and takes a
 * number there (nr=, or the first free one; 0 is kept for a virtconsole).
 * The device tells the port when the guest opens or closes it, and hands it
 * the bytes the guest writes; the port gives the device what its chardev
 * receives.
 */
#ifndef HW_VIRTIO_VIRTIO_SERIAL_H
#define HW_VIRTIO_VIRTIO_SERIAL_H

#include "hw/virtio/virtio-pci.h"
#include "chardev/char.h"

#define VIRTIO_SERIAL_MAX_PORTS	31	/* queues: 2 per port + 2 control = 64 */
#define TYPE_VIRTIO_SERIAL_PCI	"virtio-serial-pci"
#define TYPE_VIRTSERIALPORT	"virtserialport"
#define TYPE_VIRTCONSOLE	"virtconsole"

struct virtio_serial;

struct virtio_serial_port {
	struct device parent;
	struct virtio_serial *vser;	/* NULL once the device is gone */
	uint32_t id;			/* port number on the device */
	bool is_console;
	bool guest_connected;		/* the guest has the port open */
	GByteArray *pending;		/* host input not yet in guest buffers */
	struct chardev_frontend fe;

	/* properties */
	struct chardev *chr;
	char *name;
	uint32_t nr;			/* 0xffffffff: first free */
	char *bus;
};

#define VIRTIO_SERIAL_PORT(obj) \
	OBJECT_CHECK(struct virtio_serial_port, (obj), TYPE_VIRTSERIALPORT)

/* port -> device */
bool virtio_serial_attach_port(struct virtio_serial_port *port, GError **errp);
void virtio_serial_detach_port(struct virtio_serial_port *port);
/* Move port->pending into the guest's receive buffers (as much as fits). */
void virtio_serial_flush_input(struct virtio_serial_port *port);
/* The chardev opened/closed: PORT_OPEN to the guest. */
void virtio_serial_host_connected(struct virtio_serial_port *port, bool connected);

#endif

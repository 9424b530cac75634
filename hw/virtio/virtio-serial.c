// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-serial-pci: the virtio console device with VIRTIO_CONSOLE_F_MULTIPORT
 * (VIRTIO 1.2 section 5.3): up to max_ports ports (virtserialport,
 * virtconsole: virtio-serial-port.c), each a receive and a transmit queue,
 * plus the control queues over which ports are announced, named and
 * opened (5.3.6.2). Not here: VIRTIO_CONSOLE_F_SIZE (console resize) and
 * EMERG_WRITE, port hot-unplug announcements.
 */
#include "kemu/common.h"
#include "virtio-serial.h"

#define VIRTIO_CONSOLE_F_MULTIPORT	1

/* control events (5.3.6.2) */
#define VIRTIO_CONSOLE_DEVICE_READY	0
#define VIRTIO_CONSOLE_DEVICE_ADD	1
#define VIRTIO_CONSOLE_DEVICE_REMOVE	2
#define VIRTIO_CONSOLE_PORT_READY	3
#define VIRTIO_CONSOLE_CONSOLE_PORT	4
#define VIRTIO_CONSOLE_RESIZE		5
#define VIRTIO_CONSOLE_PORT_OPEN	6
#define VIRTIO_CONSOLE_PORT_NAME	7
#define CTRL_MSG_SIZE			8	/* le32 id, le16 event, le16 value */
#define SERIAL_CONFIG_LEN		12	/* cols, rows, max_nr_ports, emerg_wr */
#define SERIAL_INPUT_MAX		4096	/* host bytes held for a port */

struct virtio_serial {
	struct virtio_pci_proxy proxy;
	struct virtqueue *c_ivq, *c_ovq;
	struct virtqueue *ivqs[VIRTIO_SERIAL_MAX_PORTS], *ovqs[VIRTIO_SERIAL_MAX_PORTS];
	struct virtio_serial_port *ports[VIRTIO_SERIAL_MAX_PORTS];
	GQueue ctrl_out;		/* GByteArray: control messages waiting for buffers */
	uint8_t driver_ready;

	/* properties */
	uint32_t max_ports;
};

#define VIRTIO_SERIAL(obj) OBJECT_CHECK(struct virtio_serial, (obj), TYPE_VIRTIO_SERIAL_PCI)

/* ---- control queue ---- */

static void ctrl_flush(struct virtio_serial *s)
{
	struct virtqueue_element *e;
	GByteArray *msg;
	bool pushed = false;

	while ((msg = g_queue_peek_head(&s->ctrl_out)) && (e = virtqueue_pop(s->c_ivq, sizeof(*e)))) {
		size_t n = virtio_iov_from_buf(e->in_sg, e->in_num, 0, msg->data, msg->len);

		virtqueue_push(s->c_ivq, e, n);
		g_free(e);
		g_byte_array_unref(g_queue_pop_head(&s->ctrl_out));
		pushed = true;
	}
	if (pushed)
		virtio_notify(&s->proxy.vdev, s->c_ivq);
}

static void ctrl_send(struct virtio_serial *s, uint32_t id, uint16_t event, uint16_t value,
		      const char *extra)
{
	GByteArray *msg = g_byte_array_sized_new(CTRL_MSG_SIZE + (extra ? strlen(extra) : 0));
	uint8_t hdr[CTRL_MSG_SIZE];

	stl_le_p(hdr, id);
	stw_le_p(hdr + 4, event);
	stw_le_p(hdr + 6, value);
	g_byte_array_append(msg, hdr, sizeof(hdr));
	if (extra)
		g_byte_array_append(msg, (const uint8_t *)extra, strlen(extra));
	g_queue_push_tail(&s->ctrl_out, msg);
	ctrl_flush(s);
}

static void ctrl_port_ready(struct virtio_serial *s, struct virtio_serial_port *port)
{
	if (port->is_console)
		ctrl_send(s, port->id, VIRTIO_CONSOLE_CONSOLE_PORT, 1, NULL);
	if (port->name)
		ctrl_send(s, port->id, VIRTIO_CONSOLE_PORT_NAME, 1, port->name);
	if (chardev_fe_is_open(&port->fe))
		ctrl_send(s, port->id, VIRTIO_CONSOLE_PORT_OPEN, 1, NULL);
}

static void ctrl_handle_message(struct virtio_serial *s, const uint8_t *m)
{
	uint32_t id = ldl_le_p(m);
	uint16_t event = lduw_le_p(m + 4), value = lduw_le_p(m + 6);
	struct virtio_serial_port *port = id < s->max_ports ? s->ports[id] : NULL;

	switch (event) {
	case VIRTIO_CONSOLE_DEVICE_READY:
		if (!value) {
			guest_error("virtio-serial: the driver failed to initialise");
			break;
		}
		s->driver_ready = 1;
		for (unsigned i = 0; i < s->max_ports; i++)
			if (s->ports[i])
				ctrl_send(s, i, VIRTIO_CONSOLE_DEVICE_ADD, 1, NULL);
		break;
	case VIRTIO_CONSOLE_PORT_READY:
		if (!port) {
			guest_error("virtio-serial: PORT_READY for missing port %u", id);
			break;
		}
		if (value)
			ctrl_port_ready(s, port);
		break;
	case VIRTIO_CONSOLE_PORT_OPEN:
		if (!port) {
			guest_error("virtio-serial: PORT_OPEN for missing port %u", id);
			break;
		}
		port->guest_connected = value != 0;
		if (port->guest_connected)
			virtio_serial_flush_input(port);
		break;
	default:
		guest_error("virtio-serial: control event %u from the driver", event);
	}
}

static void ctrl_handle_output(struct virtio_device *vdev, struct virtqueue *vq)
{
	struct virtio_serial *s = vdev->opaque;
	struct virtqueue_element *e;

	while ((e = virtqueue_pop(vq, sizeof(*e)))) {
		uint8_t m[CTRL_MSG_SIZE];

		if (virtio_iov_to_buf(e->out_sg, e->out_num, 0, m, sizeof(m)) == sizeof(m))
			ctrl_handle_message(s, m);
		else
			guest_error("virtio-serial: control message of %" PRIu64 " bytes", e->out_len);
		virtqueue_push(vq, e, 0);
		g_free(e);
	}
	virtio_notify(vdev, vq);
}

static void ctrl_handle_input(struct virtio_device *vdev, struct virtqueue *vq)
{
	ctrl_flush(vdev->opaque);
}

/* ---- port data queues ---- */

static struct virtio_serial_port *port_of_queue(struct virtio_serial *s, struct virtqueue *vq)
{
	unsigned q = vq->index;
	unsigned nr = q < 2 ? 0 : q / 2 - 1;	/* 0,1: port 0; 2,3: control; then 2 per port */

	return nr < s->max_ports ? s->ports[nr] : NULL;
}

static void port_handle_output(struct virtio_device *vdev, struct virtqueue *vq)
{
	struct virtio_serial *s = vdev->opaque;
	struct virtio_serial_port *port = port_of_queue(s, vq);
	struct virtqueue_element *e;

	while ((e = virtqueue_pop(vq, sizeof(*e)))) {
		/* no port or no chardev: the bytes are dropped, as on unplugged hardware */
		for (unsigned i = 0; port && i < e->out_num; i++)
			chardev_fe_write_all(&port->fe, e->out_sg[i].iov_base, e->out_sg[i].iov_len);
		virtqueue_push(vq, e, 0);
		g_free(e);
	}
	virtio_notify(vdev, vq);
}

static void port_handle_input(struct virtio_device *vdev, struct virtqueue *vq)
{
	struct virtio_serial_port *port = port_of_queue(vdev->opaque, vq);

	if (port) {
		virtio_serial_flush_input(port);
		chardev_fe_accept_input(&port->fe);
	}
}

void virtio_serial_flush_input(struct virtio_serial_port *port)
{
	struct virtio_serial *s = port->vser;
	struct virtqueue *vq;
	struct virtqueue_element *e;
	bool pushed = false;

	if (!s || !port->guest_connected || !port->pending->len)
		return;
	vq = s->ivqs[port->id];
	while (port->pending->len && (e = virtqueue_pop(vq, sizeof(*e)))) {
		size_t n = virtio_iov_from_buf(e->in_sg, e->in_num, 0, port->pending->data,
					       port->pending->len);

		g_byte_array_remove_range(port->pending, 0, n);
		virtqueue_push(vq, e, n);
		g_free(e);
		pushed = true;
	}
	if (pushed)
		virtio_notify(&s->proxy.vdev, vq);
}

void virtio_serial_host_connected(struct virtio_serial_port *port, bool connected)
{
	if (port->vser && port->vser->driver_ready)
		ctrl_send(port->vser, port->id, VIRTIO_CONSOLE_PORT_OPEN, connected, NULL);
}

/* ---- ports joining and leaving ---- */

struct serial_lookup {
	const char *bus;		/* device id, maybe with ".0"; NULL: any */
	struct virtio_serial *found;
};

static int find_serial(struct object *child, void *opaque)
{
	struct serial_lookup *l = opaque;

	if (object_dynamic_cast(child, TYPE_VIRTIO_SERIAL_PCI) && DEVICE(child)->realized) {
		const char *id = DEVICE(child)->id;

		if (!l->bus || (id && (!strcmp(id, l->bus) ||
				       (g_str_has_prefix(l->bus, id) &&
					!strcmp(l->bus + strlen(id), ".0"))))) {
			l->found = VIRTIO_SERIAL(child);
			return 1;
		}
	}
	return object_child_foreach(child, find_serial, opaque);
}

bool virtio_serial_attach_port(struct virtio_serial_port *port, GError **errp)
{
	struct serial_lookup l = { .bus = port->bus };
	struct virtio_serial *s;
	uint32_t nr = port->nr;

	object_child_foreach(object_get_root(), find_serial, &l);
	if (!l.found) {
		g_set_error(errp, KEMU_ERROR, 0, port->bus ? "Bus '%s' not found" :
			    "No 'virtio-serial-bus' bus found for device '%s'",
			    port->bus ? port->bus : object_get_typename(OBJECT(port)));
		return false;
	}
	s = l.found;
	if (nr == 0xffffffff) {
		/* port 0 is the console's by convention (QEMU does the same) */
		for (nr = port->is_console ? 0 : 1; nr < s->max_ports && s->ports[nr]; nr++)
			;
	}
	if (nr >= s->max_ports) {
		if (port->nr == 0xffffffff)
			g_set_error(errp, KEMU_ERROR, 0, "no free port on the virtio-serial device "
				    "(max_ports=%u)", s->max_ports);
		else
			g_set_error(errp, KEMU_ERROR, 0, "nr=%u: expected 0-%u", nr, s->max_ports - 1);
		return false;
	}
	if (s->ports[nr]) {
		g_set_error(errp, KEMU_ERROR, 0, "nr=%u: port number in use", nr);
		return false;
	}
	port->id = nr;
	port->vser = s;
	s->ports[nr] = port;
	if (s->driver_ready)
		ctrl_send(s, nr, VIRTIO_CONSOLE_DEVICE_ADD, 1, NULL);
	return true;
}

void virtio_serial_detach_port(struct virtio_serial_port *port)
{
	struct virtio_serial *s = port->vser;

	if (!s)
		return;
	if (s->driver_ready)
		ctrl_send(s, port->id, VIRTIO_CONSOLE_DEVICE_REMOVE, 1, NULL);
	s->ports[port->id] = NULL;
	port->vser = NULL;
}

/* ---- the device ---- */

static void serial_get_config(struct virtio_device *vdev, uint8_t *c)
{
	struct virtio_serial *s = vdev->opaque;

	memset(c, 0, SERIAL_CONFIG_LEN);
	stl_le_p(c + 4, s->max_ports);
}

static void serial_virtio_reset(struct virtio_device *vdev)
{
	struct virtio_serial *s = vdev->opaque;

	s->driver_ready = 0;
	g_queue_clear_full(&s->ctrl_out, (GDestroyNotify)g_byte_array_unref);
	for (unsigned i = 0; i < s->max_ports; i++) {
		if (s->ports[i]) {
			s->ports[i]->guest_connected = false;
			g_byte_array_set_size(s->ports[i]->pending, 0);
		}
	}
}

static const struct virtio_device_ops serial_ops = {
	.device_id = VIRTIO_ID_CONSOLE,
	.config_len = SERIAL_CONFIG_LEN,
	.get_config = serial_get_config,
	.reset = serial_virtio_reset,
};

static bool serial_realize(struct pci_device *pci, GError **errp)
{
	struct virtio_serial *s = VIRTIO_SERIAL(pci);
	struct virtio_device *vdev = &s->proxy.vdev;

	if (!s->max_ports || s->max_ports > VIRTIO_SERIAL_MAX_PORTS) {
		g_set_error(errp, KEMU_ERROR, 0, "max_ports=%u: expected 1-%u",
			    s->max_ports, VIRTIO_SERIAL_MAX_PORTS);
		return false;
	}
	g_queue_init(&s->ctrl_out);
	virtio_pci_init_device(&s->proxy, &serial_ops, s,
			       (1ULL << VIRTIO_CONSOLE_F_MULTIPORT) | (1ULL << VIRTIO_F_EVENT_IDX) |
			       (1ULL << VIRTIO_F_INDIRECT_DESC) |
			       (s->proxy.packed ? 1ULL << VIRTIO_F_RING_PACKED : 0));
	/* 5.3.2: port 0 rx/tx, control rx/tx, then rx/tx of ports 1.. */
	for (unsigned i = 0; i < s->max_ports; i++) {
		s->ivqs[i] = virtio_add_queue(vdev, 128, port_handle_input);
		s->ovqs[i] = virtio_add_queue(vdev, 128, port_handle_output);
		if (i == 0) {
			s->c_ivq = virtio_add_queue(vdev, 32, ctrl_handle_input);
			s->c_ovq = virtio_add_queue(vdev, 32, ctrl_handle_output);
		}
	}
	if (!virtio_pci_realize(&s->proxy, 2, errp)) {
		virtio_pci_exit(&s->proxy);
		return false;
	}
	return true;
}

static void serial_exit(struct pci_device *pci)
{
	struct virtio_serial *s = VIRTIO_SERIAL(pci);

	for (unsigned i = 0; i < s->max_ports; i++)
		if (s->ports[i])
			s->ports[i]->vser = NULL;
	g_queue_clear_full(&s->ctrl_out, (GDestroyNotify)g_byte_array_unref);
	virtio_pci_exit(&s->proxy);
}

static const struct vmstate_field serial_fields[] = {
	VMSTATE_VIRTIO_PCI(struct virtio_serial, proxy),
	VMSTATE_U8(struct virtio_serial, driver_ready),
	VMSTATE_END
};

static const struct property serial_props[] = {
	PROP_U32("max_ports", struct virtio_serial, max_ports, VIRTIO_SERIAL_MAX_PORTS),
	PROP_END
};

static void serial_class_init(struct object_class *klass, const void *data)
{
	struct pci_device_class *k = PCI_DEVICE_CLASS(klass);

	k->realize = serial_realize;
	k->exit = serial_exit;
	k->class_id = 0x0780;	/* communication controller, other */
}

DEFINE_DEVICE_TYPE(virtio_serial, TYPE_VIRTIO_SERIAL_PCI, TYPE_VIRTIO_PCI,
		   struct virtio_serial, .class_init = serial_class_init,
		   .props = serial_props, .vmstate = serial_fields, .vmstate_version = 1,
		   .category = "input", .desc = "virtio serial port controller (PCI)");

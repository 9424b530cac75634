// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The networking options, as QEMU 7.2 reads them:
 *
 *	-netdev TYPE,id=ID,...		a backend, joined to -device NIC,netdev=ID
 *	-nic TYPE[,model=M][,mac=A],...	a backend and its NIC in one (-nic none: no NIC)
 *	-net nic[,model=M][,macaddr=A]	legacy: NICs and backends on hub 0
 *	-net TYPE,...
 *
 * NICs made here are returned as -device strings, which system/vl.c
 * creates before the user's -device options (QEMU creates -nic/-net NICs
 * in the board's init, before -device ones, so they take the first free
 * PCI slots). The default network of a pc machine (no -net, -nic or
 * -netdev, no -nodefaults) is QEMU's `-net nic -net user`.
 */
#include "kemu/common.h"
#include "kemu/opts.h"
#include "net/net.h"
#include "qom/object.h"

static const struct {
	const char *model;	/* what model= says */
	const char *device;	/* the -device driver */
} net_nic_models[] = {
	{ "e1000", "e1000" },
	{ "e1000-82540em", "e1000" },
	{ "virtio", "virtio-net-pci" },
	{ "virtio-net-pci", "virtio-net-pci" },
};

static bool net_nic_model_device(const char *option, const char *model, const char **device,
				 GError **errp)
{
	if (!strcmp(model, "help") || !strcmp(model, "?")) {
		printf("Available NIC models:\ne1000\nvirtio-net-pci\n");
		exit(0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(net_nic_models); i++) {
		if (!strcmp(net_nic_models[i].model, model)) {
			*device = net_nic_models[i].device;
			if (!object_class_by_name(*device)) {
				g_set_error(errp, KEMU_ERROR, 0, "%s: model=%s: not built into "
					    "this kemu yet", option, model);
				return false;
			}
			return true;
		}
	}
	g_set_error(errp, KEMU_ERROR, 0,
		    "%s: model=%s: unsupported NIC model (supported: e1000, virtio-net-pci)",
		    option, model);
	return false;
}

/* A backend of `type` from options o; id is the client's name. */
static struct net_client *net_backend_new(const char *option, const char *type, struct opts *o,
					  const char *id, GError **errp)
{
	struct net_client *nc = NULL;

	if (!strcmp(type, "user"))
		nc = net_user_new(o, id, errp);
	else if (!strcmp(type, "tap"))
		nc = net_tap_new(o, id, errp);
	else if (!strcmp(type, "socket") || !strcmp(type, "stream") || !strcmp(type, "dgram"))
		nc = net_socket_new(o, type, id, errp);
	else if (!strcmp(type, "help") || !strcmp(type, "?")) {
		printf("Available netdev backend types:\nsocket\nstream\ndgram\nuser\ntap\n");
		exit(0);
	} else {
		g_set_error(errp, KEMU_ERROR, 0, "%s: type=%s: unknown network backend "
			    "(supported: user, tap, socket, stream, dgram)", option, type);
		return NULL;
	}
	if (!nc) {
		g_prefix_error(errp, "%s: ", option);
		return NULL;
	}
	return nc;
}

static bool net_check_unused(const char *option, const char *str, struct opts *o,
			     GError **errp)
{
	GError *err = NULL;

	if (opts_check_unused(o, &err))
		return true;
	g_set_error(errp, KEMU_ERROR, 0, "%s %s: %s", option, str, err->message);
	g_error_free(err);
	return false;
}

bool net_netdev_add(const char *str, GError **errp)
{
	g_autoptr(kemu_opts) o = opts_parse("-netdev", str, "type", errp);
	g_autofree char *option = g_strdup_printf("-netdev %s", str);
	const char *type, *id;
	struct net_client *nc;

	if (!o)
		return false;
	type = opts_get(o, "type");
	id = opts_get(o, "id");
	if (!type) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: Parameter 'type' is missing", option);
		return false;
	}
	if (!id && strcmp(type, "help")) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: Parameter 'id' is missing", option);
		return false;
	}
	if (id && net_client_find(id)) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: Duplicate ID '%s' for netdev", option, id);
		return false;
	}
	nc = net_backend_new(option, type, o, id, errp);
	if (!nc)
		return false;
	nc->is_netdev = true;
	return net_check_unused("-netdev", str, o, errp);
}

static bool net_nic_device(const char *option, const char *model, const char *default_model,
			   const char *mac, const char *netdev, GPtrArray *devices, GError **errp)
{
	const char *device;
	struct mac_addr addr;
	GString *s;

	if (!net_nic_model_device(option, model ? model : default_model, &device, errp))
		return false;
	if (mac && !net_parse_mac(mac, &addr, errp)) {
		g_prefix_error(errp, "%s: ", option);
		return false;
	}
	s = g_string_new(device);
	g_string_append_printf(s, ",netdev=%s", netdev);
	if (mac)
		g_string_append_printf(s, ",mac=%s", mac);
	g_ptr_array_add(devices, g_string_free(s, false));
	return true;
}

bool net_nic_add(const char *str, const char *default_model, GPtrArray *devices, GError **errp)
{
	static unsigned nic_count;
	g_autoptr(kemu_opts) o = opts_parse("-nic", str, "type", errp);
	g_autofree char *option = g_strdup_printf("-nic %s", str);
	g_autofree char *id = NULL;
	g_autofree char *model = NULL, *mac = NULL;
	const char *type;
	struct net_client *nc;

	if (!o)
		return false;
	type = opts_get(o, "type");
	if (!type || !strcmp(type, "none"))
		return net_check_unused("-nic", str, o, errp);
	model = g_strdup(opts_get(o, "model"));
	mac = g_strdup(opts_get(o, "mac"));
	id = g_strdup(opts_get(o, "id"));
	if (!id)
		id = g_strdup_printf("__org.qemu.nic%u", nic_count++);
	if (net_client_find(id)) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: Duplicate ID '%s' for netdev", option, id);
		return false;
	}
	nc = net_backend_new(option, type, o, id, errp);
	if (!nc)
		return false;
	nc->is_netdev = true;
	if (!net_check_unused("-nic", str, o, errp))
		return false;
	return net_nic_device(option, model, default_model, mac, id, devices, errp);
}

bool net_legacy_add(const char *str, const char *default_model, GPtrArray *devices,
		    GError **errp)
{
	static unsigned user_count, other_count;
	g_autoptr(kemu_opts) o = opts_parse("-net", str, "type", errp);
	g_autofree char *option = g_strdup_printf("-net %s", str);
	const char *type, *v;
	uint64_t vlan = 0;
	struct net_client *port, *nc;

	if (!o)
		return false;
	type = opts_get(o, "type");
	if (!type) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: Parameter 'type' is missing", option);
		return false;
	}
	if (!strcmp(type, "none"))
		return net_check_unused("-net", str, o, errp);
	if (opts_has(o, "vlan")) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: 'vlan' was removed in QEMU 3.0; "
			    "use -netdev and -device NIC,netdev=ID", option);
		return false;
	}
	if (!strcmp(type, "nic")) {
		g_autofree char *model = g_strdup(opts_get(o, "model"));
		g_autofree char *mac = g_strdup(opts_get(o, "macaddr"));
		const char *netdev = opts_get(o, "netdev");

		opts_get(o, "name");
		opts_get(o, "id");
		if (!net_check_unused("-net", str, o, errp))
			return false;
		if (netdev) {
			if (!net_client_find_netdev(netdev)) {
				g_set_error(errp, KEMU_ERROR, 0, "%s: netdev=%s: no -netdev with "
					    "this id", option, netdev);
				return false;
			}
			return net_nic_device(option, model, default_model, mac, netdev, devices, errp);
		}
		port = net_hub_add_port(vlan, NULL);
		port->is_netdev = true;	/* the NIC finds it through netdev= */
		return net_nic_device(option, model, default_model, mac, port->name, devices, errp);
	}
	{
		g_autofree char *name = NULL;

		if ((v = opts_get(o, "name")) || (v = opts_get(o, "id")))
			name = g_strdup(v);
		else if (!strcmp(type, "user"))
			name = g_strdup_printf("user.%u", user_count++);
		else
			name = g_strdup_printf("%s.%u", type, other_count++);
		if (net_client_find(name)) {
			g_set_error(errp, KEMU_ERROR, 0, "%s: Duplicate ID '%s'", option, name);
			return false;
		}
		nc = net_backend_new(option, type, o, name, errp);
		if (!nc)
			return false;
		if (!net_check_unused("-net", str, o, errp))
			return false;
		port = net_hub_add_port(vlan, NULL);
		return net_client_set_peer(port, nc, errp);
	}
}

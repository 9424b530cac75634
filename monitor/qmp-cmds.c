// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QMP commands. Each gets its arguments already checked against the schema
 * (qmp-schema.c) and reads them with qmp_arg_*(); the answer is built as a
 * JSON tree in the shape the schema's return type describes (QEMU 7.2's
 * qapi schema). Not here: the protocol (qmp.c).
 */
#include "monitor/monitor-internal.h"
#include "config-host.h"
#include "hw/boards.h"
#include "hw/pci/pci.h"
#include "net/net.h"
#include "qom/property.h"
#include "accel/kvm.h"
#include "target/i386/cpu.h"

static bool ret_object(JsonNode **ret, JsonObject *o)
{
	*ret = jnode_object(o);
	return true;
}

static bool ret_array(JsonNode **ret, JsonArray *a)
{
	*ret = jnode_array(a);
	return true;
}

bool qmp_cmd_qmp_capabilities(struct monitor *mon, JsonObject *args, JsonNode **ret,
			      GError **errp)
{
	JsonNode *enable = qmp_arg_node(args, "enable");

	if (mon->negotiated) {
		*errp = qmp_error_new(QMP_ERROR_COMMAND_NOT_FOUND,
				      "Capabilities negotiation is already complete, command ignored");
		return false;
	}
	if (enable && json_array_get_length(json_node_get_array(enable))) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "Capability '%s' not available",
				      json_array_get_string_element(json_node_get_array(enable), 0));
		return false;
	}
	mon->negotiated = true;
	return true;
}

/* kemu answers as the QEMU version whose QMP it follows. */
bool qmp_cmd_query_version(struct monitor *mon, JsonObject *args, JsonNode **ret,
			   GError **errp)
{
	JsonObject *v = json_object_new(), *q = json_object_new();

	json_object_set_int_member(q, "micro", 0);
	json_object_set_int_member(q, "minor", 2);
	json_object_set_int_member(q, "major", 7);
	json_object_set_object_member(v, "qemu", q);
	json_object_set_string_member(v, "package", "kemu-" KEMU_VERSION);
	return ret_object(ret, v);
}

bool qmp_cmd_query_commands(struct monitor *mon, JsonObject *args, JsonNode **ret,
			    GError **errp)
{
	JsonArray *a = json_array_new();

	for (size_t i = 0; i < qmp_commands_count; i++) {
		JsonObject *o = json_object_new();

		json_object_set_string_member(o, "name", qmp_commands[i].name);
		json_array_add_object_element(a, o);
	}
	return ret_array(ret, a);
}

bool qmp_cmd_query_status(struct monitor *mon, JsonObject *args, JsonNode **ret,
			  GError **errp)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "status", monitor_runstate_name());
	json_object_set_boolean_member(o, "singlestep", false);
	json_object_set_boolean_member(o, "running", monitor_vm_running());
	return ret_object(ret, o);
}

bool qmp_cmd_query_name(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	struct machine_state *ms = machine_current();
	JsonObject *o = json_object_new();

	if (ms && ms->name)
		json_object_set_string_member(o, "name", ms->name);
	return ret_object(ret, o);
}

bool qmp_cmd_query_kvm(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	const struct accel_ops *kvm = accel_find("kvm");
	JsonObject *o = json_object_new();
	GError *err = NULL;

	json_object_set_boolean_member(o, "enabled", kvm_enabled());
	json_object_set_boolean_member(o, "present", kvm && kvm->available(&err));
	g_clear_error(&err);
	return ret_object(ret, o);
}

bool qmp_cmd_query_target(struct monitor *mon, JsonObject *args, JsonNode **ret,
			  GError **errp)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "arch", "x86_64");
	return ret_object(ret, o);
}

bool qmp_cmd_query_machines(struct monitor *mon, JsonObject *args, JsonNode **ret,
			    GError **errp)
{
	GSList *list = object_class_get_list(TYPE_MACHINE, false);
	JsonArray *a = json_array_new();

	for (GSList *l = list; l; l = l->next) {
		struct machine_class *mc = l->data;
		JsonObject *o = json_object_new();

		json_object_set_string_member(o, "name", object_class_get_name(OBJECT_CLASS(mc)));
		if (mc->alias)
			json_object_set_string_member(o, "alias", mc->alias);
		if (mc->is_default)
			json_object_set_boolean_member(o, "is-default", true);
		json_object_set_int_member(o, "cpu-max", mc->max_cpus);
		json_object_set_boolean_member(o, "hotpluggable-cpus", false);
		json_object_set_boolean_member(o, "numa-mem-supported", false);
		json_object_set_boolean_member(o, "deprecated", false);
		json_object_set_string_member(o, "default-cpu-type", "qemu64-x86_64-cpu");
		json_object_set_string_member(o, "default-ram-id", "pc.ram");
		json_array_add_object_element(a, o);
	}
	g_slist_free(list);
	return ret_array(ret, a);
}

static JsonObject *cpu_props(struct machine_state *ms, int index)
{
	JsonObject *p = json_object_new();
	unsigned threads = MAX(ms->smp_threads, 1u), cores = MAX(ms->smp_cores, 1u);

	json_object_set_int_member(p, "core-id", (index / threads) % cores);
	json_object_set_int_member(p, "thread-id", index % threads);
	json_object_set_int_member(p, "socket-id", index / (threads * cores));
	return p;
}

bool qmp_cmd_query_cpus_fast(struct monitor *mon, JsonObject *args, JsonNode **ret,
			     GError **errp)
{
	struct machine_state *ms = machine_current();
	JsonArray *a = json_array_new();

	for (unsigned i = 0; ms && ms->cpus && i < ms->smp_cpus; i++) {
		struct x86_cpu *cpu = ms->cpus[i];
		JsonObject *o = json_object_new();
		g_autofree char *path = object_get_canonical_path(OBJECT(cpu));

		json_object_set_int_member(o, "thread-id", monitor_cpu_thread_id(cpu));
		json_object_set_object_member(o, "props", cpu_props(ms, i));
		json_object_set_string_member(o, "qom-path", path);
		json_object_set_int_member(o, "cpu-index", cpu->cpu_index);
		json_object_set_string_member(o, "target", "x86_64");
		json_array_add_object_element(a, o);
	}
	return ret_array(ret, a);
}

bool qmp_cmd_query_hotpluggable_cpus(struct monitor *mon, JsonObject *args, JsonNode **ret,
				     GError **errp)
{
	struct machine_state *ms = machine_current();
	JsonArray *a = json_array_new();

	for (unsigned i = 0; ms && ms->cpus && i < ms->smp_cpus; i++) {
		struct x86_cpu *cpu = ms->cpus[i];
		JsonObject *o = json_object_new();
		g_autofree char *path = object_get_canonical_path(OBJECT(cpu));
		g_autofree char *type = g_strdup_printf("%s-x86_64-cpu",
							cpu->model ? cpu->model : "qemu64");

		json_object_set_object_member(o, "props", cpu_props(ms, i));
		json_object_set_int_member(o, "vcpus-count", 1);
		json_object_set_string_member(o, "qom-path", path);
		json_object_set_string_member(o, "type", type);
		json_array_add_object_element(a, o);
	}
	return ret_array(ret, a);
}

bool qmp_cmd_query_chardev(struct monitor *mon, JsonObject *args, JsonNode **ret,
			   GError **errp)
{
	g_autoptr(GPtrArray) list = chardev_list();
	JsonArray *a = json_array_new();

	for (guint i = 0; i < list->len; i++) {
		struct chardev *chr = g_ptr_array_index(list, i);
		JsonObject *o = json_object_new();

		json_object_set_boolean_member(o, "frontend-open",
					       chr->fe != NULL || chardev_is_mux(chr));
		json_object_set_string_member(o, "filename", chr->desc ? chr->desc : "");
		json_object_set_string_member(o, "label", chr->id);
		json_array_add_object_element(a, o);
	}
	return ret_array(ret, a);
}

static const char *pci_class_desc(uint16_t class_id)
{
	static const struct {
		uint16_t id;
		const char *desc;
	} names[] = {
		{ 0x0100, "SCSI controller" }, { 0x0101, "IDE controller" },
		{ 0x0106, "SATA controller" }, { 0x0108, "NVMe controller" },
		{ 0x0200, "Ethernet controller" }, { 0x0300, "VGA controller" },
		{ 0x0380, "Display controller" }, { 0x0401, "Audio controller" },
		{ 0x0403, "Audio controller" }, { 0x0600, "Host bridge" },
		{ 0x0601, "ISA bridge" }, { 0x0604, "PCI bridge" }, { 0x0680, "Bridge" },
		{ 0x0700, "Serial port" }, { 0x0c03, "USB controller" }, { 0x0c05, "SMBus" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (names[i].id == class_id)
			return names[i].desc;
	return NULL;
}

bool qmp_cmd_query_pci(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	struct pci_bus *bus = pci_bus_find(NULL);
	JsonArray *a = json_array_new(), *devs;
	g_autoptr(GArray) infos = NULL;
	JsonObject *b;

	if (!bus)
		return ret_array(ret, a);
	infos = pci_bus_query(bus);
	devs = json_array_new();
	for (guint i = 0; i < infos->len; i++) {
		struct pci_device_info *d = &g_array_index(infos, struct pci_device_info, i);
		JsonObject *o = json_object_new(), *ci = json_object_new(), *id = json_object_new();
		JsonArray *regions = json_array_new();
		const char *desc = pci_class_desc(d->class_id);

		json_object_set_int_member(o, "irq_pin", d->irq_pin);
		json_object_set_int_member(o, "bus", d->bus);
		json_object_set_string_member(o, "qdev_id", d->id ? d->id : "");
		if (d->irq_pin)
			json_object_set_int_member(o, "irq", d->irq_line);
		json_object_set_int_member(o, "slot", d->slot);
		json_object_set_int_member(ci, "class", d->class_id);
		if (desc)
			json_object_set_string_member(ci, "desc", desc);
		json_object_set_object_member(o, "class_info", ci);
		json_object_set_int_member(id, "device", d->device_id);
		json_object_set_int_member(id, "subsystem-vendor", d->subsystem_vendor_id);
		json_object_set_int_member(id, "vendor", d->vendor_id);
		json_object_set_int_member(id, "subsystem", d->subsystem_id);
		json_object_set_object_member(o, "id", id);
		json_object_set_int_member(o, "function", d->function);
		for (unsigned r = 0; r < d->nr_bars; r++) {
			struct pci_bar_info *bi = &d->bars[r];
			JsonObject *ro = json_object_new();

			json_object_set_int_member(ro, "bar", bi->region);
			json_object_set_int_member(ro, "size", bi->size);
			json_object_set_int_member(ro, "address", bi->addr == PCI_BAR_UNMAPPED
						   ? -1 : (int64_t)bi->addr);
			json_object_set_string_member(ro, "type", bi->is_io ? "io" : "memory");
			if (!bi->is_io) {
				json_object_set_boolean_member(ro, "prefetch", bi->prefetch);
				json_object_set_boolean_member(ro, "mem_type_64", bi->is_64);
			}
			json_array_add_object_element(regions, ro);
		}
		json_object_set_array_member(o, "regions", regions);
		json_array_add_object_element(devs, o);
	}
	b = json_object_new();
	json_object_set_int_member(b, "bus", 0);
	json_object_set_array_member(b, "devices", devs);
	json_array_add_object_element(a, b);
	return ret_array(ret, a);
}

bool qmp_cmd_query_memory_size_summary(struct monitor *mon, JsonObject *args, JsonNode **ret,
				       GError **errp)
{
	struct machine_state *ms = machine_current();
	JsonObject *o = json_object_new();

	json_object_set_int_member(o, "base-memory", ms ? (int64_t)ms->ram_size : 0);
	json_object_set_int_member(o, "plugged-memory", 0);
	return ret_object(ret, o);
}

bool qmp_cmd_query_uuid(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "UUID", "00000000-0000-0000-0000-000000000000");
	return ret_object(ret, o);
}

bool qmp_cmd_stop(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	monitor_vm_stop();
	return true;
}

bool qmp_cmd_cont(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	return monitor_vm_cont(errp);
}

bool qmp_cmd_system_reset(struct monitor *mon, JsonObject *args, JsonNode **ret,
			  GError **errp)
{
	monitor_system_reset();
	return true;
}

bool qmp_cmd_system_powerdown(struct monitor *mon, JsonObject *args, JsonNode **ret,
			      GError **errp)
{
	monitor_system_powerdown();
	return true;
}

bool qmp_cmd_system_wakeup(struct monitor *mon, JsonObject *args, JsonNode **ret,
			   GError **errp)
{
	/* kemu never suspends the guest (no S3), as QEMU answers then */
	*errp = qmp_error_new(QMP_ERROR_GENERIC, "wake-up from suspend is not supported by this guest");
	return false;
}

bool qmp_cmd_quit(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	monitor_quit();
	return true;
}

bool qmp_cmd_human_monitor_command(struct monitor *mon, JsonObject *args, JsonNode **ret,
				   GError **errp)
{
	int64_t cpu = qmp_arg_int(args, "cpu-index", 0);
	struct machine_state *ms = machine_current();
	g_autofree char *out = NULL;

	if (qmp_arg_has(args, "cpu-index") && (!ms || cpu < 0 || cpu >= ms->smp_cpus)) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "Parameter 'cpu-index' expects a CPU number");
		return false;
	}
	out = hmp_run_captured(qmp_arg_str(args, "command-line", ""), (int)cpu);
	*ret = jnode_string(out);
	return true;
}

/* ---- QOM ---- */

static struct object *qom_resolve(const char *path, GError **errp)
{
	struct object *obj = object_resolve_path(path);

	if (!obj)
		*errp = qmp_error_new(QMP_ERROR_DEVICE_NOT_FOUND, "Device '%s' not found", path);
	return obj;
}

static const char *qom_prop_type(const struct property *p)
{
	switch (p->type) {
	case PROP_TYPE_STRING:
		return "str";
	case PROP_TYPE_CHARDEV:
		return "str";
	case PROP_TYPE_LINK:
		return "link";
	default:
		return property_type_name(p->type);
	}
}

static void add_prop_info(JsonArray *a, const char *name, const char *type, const char *desc)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "name", name);
	json_object_set_string_member(o, "type", type ? type : "str");
	if (desc)
		json_object_set_string_member(o, "description", desc);
	json_array_add_object_element(a, o);
}

static void qom_list_prop(const struct property *p, void *opaque)
{
	g_autofree char *type = p->type == PROP_TYPE_LINK
		? g_strdup_printf("link<%s>", p->link_type ? p->link_type : "object")
		: g_strdup(qom_prop_type(p));

	add_prop_info(opaque, p->name, type, p->desc);
}

static int qom_list_child(struct object *child, void *opaque)
{
	g_autofree char *type = g_strdup_printf("child<%s>", object_get_typename(child));

	add_prop_info(opaque, child->name, type, NULL);
	return 0;
}

bool qmp_cmd_qom_list(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	struct object *obj = qom_resolve(qmp_arg_str(args, "path", ""), errp);
	JsonArray *a;

	if (!obj)
		return false;
	a = json_array_new();
	add_prop_info(a, "type", "string", NULL);
	object_class_property_foreach(OBJECT_GET_CLASS(obj), qom_list_prop, a);
	if (obj->dyn_props) {
		GHashTableIter it;
		gpointer k;

		g_hash_table_iter_init(&it, obj->dyn_props);
		while (g_hash_table_iter_next(&it, &k, NULL))
			add_prop_info(a, k, "str", NULL);
	}
	object_child_foreach(obj, qom_list_child, a);
	return ret_array(ret, a);
}

bool qmp_cmd_qom_get(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	const char *name = qmp_arg_str(args, "property", "");
	struct object *obj = qom_resolve(qmp_arg_str(args, "path", ""), errp);
	const struct property *p;
	struct object *child;
	g_autofree char *s = NULL;

	if (!obj)
		return false;
	if (!strcmp(name, "type")) {
		*ret = jnode_string(object_get_typename(obj));
		return true;
	}
	if ((child = object_get_child(obj, name))) {
		g_autofree char *path = object_get_canonical_path(child);

		*ret = jnode_string(path);
		return true;
	}
	s = object_property_print(obj, name, errp);
	if (!s)
		return false;
	p = object_property_find(obj, name);
	switch (p ? p->type : PROP_TYPE_STRING) {
	case PROP_TYPE_BOOL:
		*ret = jnode_bool(!strcmp(s, "on") || !strcmp(s, "true"));
		break;
	case PROP_TYPE_U8: case PROP_TYPE_U16: case PROP_TYPE_U32: case PROP_TYPE_U64:
	case PROP_TYPE_I32: case PROP_TYPE_I64: case PROP_TYPE_SIZE:
		*ret = jnode_int(object_property_get_int(obj, name, NULL));
		break;
	default:
		*ret = jnode_string(s);
		break;
	}
	return true;
}

bool qmp_cmd_qom_set(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	const char *name = qmp_arg_str(args, "property", "");
	struct object *obj = qom_resolve(qmp_arg_str(args, "path", ""), errp);
	JsonNode *v = qmp_arg_node(args, "value");
	const struct property *p;
	g_autofree char *s = NULL;
	GType vt;

	if (!obj)
		return false;
	p = object_property_find(obj, name);
	if (!p) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, !strcmp(name, "type") ||
				      object_get_child(obj, name) ||
				      (obj->dyn_props && g_hash_table_contains(obj->dyn_props, name))
				      ? "Property '%s.%s' is not writable" : "Property '%s.%s' not found",
				      object_get_typename(obj), name);
		return false;
	}
	vt = JSON_NODE_HOLDS_VALUE(v) ? json_node_get_value_type(v) : G_TYPE_INVALID;
	switch (p->type) {
	case PROP_TYPE_BOOL:
		if (vt != G_TYPE_BOOLEAN)
			goto mistyped;
		s = g_strdup(json_node_get_boolean(v) ? "on" : "off");
		break;
	case PROP_TYPE_U8: case PROP_TYPE_U16: case PROP_TYPE_U32: case PROP_TYPE_U64:
	case PROP_TYPE_I32: case PROP_TYPE_I64: case PROP_TYPE_SIZE:
		if (vt != G_TYPE_INT64)
			goto mistyped;
		s = g_strdup_printf("%" PRId64, json_node_get_int(v));
		break;
	default:
		if (vt != G_TYPE_STRING)
			goto mistyped;
		s = g_strdup(json_node_get_string(v));
		break;
	}
	return object_property_parse(obj, name, s, errp);
mistyped:
	*errp = qmp_error_new(QMP_ERROR_GENERIC, "Invalid parameter type for 'value', expected: %s",
			      p->type == PROP_TYPE_BOOL ? "boolean" :
			      (p->type == PROP_TYPE_STRING || p->type == PROP_TYPE_CHARDEV ||
			       p->type == PROP_TYPE_DRIVE || p->type == PROP_TYPE_NETDEV ||
			       p->type == PROP_TYPE_LINK || p->type == PROP_TYPE_ON_OFF_AUTO)
			      ? "string" : "integer");
	return false;
}

bool qmp_cmd_qom_list_types(struct monitor *mon, JsonObject *args, JsonNode **ret,
			    GError **errp)
{
	bool abstract = qmp_arg_bool(args, "abstract", false);
	GSList *list = object_class_get_list(qmp_arg_str(args, "implements", TYPE_OBJECT),
					     abstract);
	JsonArray *a = json_array_new();

	for (GSList *l = list; l; l = l->next) {
		struct object_class *oc = l->data;
		struct object_class *parent = object_class_get_parent(oc);
		JsonObject *o = json_object_new();

		json_object_set_string_member(o, "name", object_class_get_name(oc));
		if (object_class_is_abstract(oc))
			json_object_set_boolean_member(o, "abstract", true);
		if (parent)
			json_object_set_string_member(o, "parent", object_class_get_name(parent));
		json_array_add_object_element(a, o);
	}
	g_slist_free(list);
	return ret_array(ret, a);
}

static void devprop_add(const struct property *p, void *opaque)
{
	JsonArray *a = opaque;
	JsonObject *o;

	/* a property declared again by a subclass appears once, the most derived */
	for (guint i = 0; i < json_array_get_length(a); i++)
		if (!strcmp(json_object_get_string_member(json_array_get_object_element(a, i),
							  "name"), p->name))
			return;
	o = json_object_new();
	json_object_set_string_member(o, "name", p->name);
	json_object_set_string_member(o, "type", qom_prop_type(p));
	if (p->desc)
		json_object_set_string_member(o, "description", p->desc);
	switch (p->type) {
	case PROP_TYPE_BOOL:
		json_object_set_boolean_member(o, "default-value", p->defval.u);
		break;
	case PROP_TYPE_U8: case PROP_TYPE_U16: case PROP_TYPE_U32: case PROP_TYPE_U64:
	case PROP_TYPE_SIZE:
		json_object_set_int_member(o, "default-value", (int64_t)p->defval.u);
		break;
	case PROP_TYPE_I32: case PROP_TYPE_I64:
		json_object_set_int_member(o, "default-value", p->defval.i);
		break;
	case PROP_TYPE_STRING:
		if (p->defval.s)
			json_object_set_string_member(o, "default-value", p->defval.s);
		break;
	default:
		break;
	}
	json_array_add_object_element(a, o);
}

bool qmp_cmd_device_list_properties(struct monitor *mon, JsonObject *args, JsonNode **ret,
				    GError **errp)
{
	const char *name = qmp_arg_str(args, "typename", "");
	struct object_class *oc = object_class_by_name(name);
	JsonArray *a;

	if (!oc) {
		*errp = qmp_error_new(QMP_ERROR_DEVICE_NOT_FOUND, "Device '%s' not found", name);
		return false;
	}
	if (!object_class_dynamic_cast(oc, TYPE_DEVICE) || object_class_is_abstract(oc)) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC,
				      "Parameter 'typename' expects a non-abstract device type");
		return false;
	}
	a = json_array_new();
	object_class_property_foreach(oc, devprop_add, a);
	return ret_array(ret, a);
}

/* ---- memory ---- */

bool qmp_cmd_pmemsave(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	return monitor_save_memory(NULL, qmp_arg_uint(args, "val", 0), qmp_arg_uint(args, "size", 0),
				   qmp_arg_str(args, "filename", ""), true, errp);
}

bool qmp_cmd_memsave(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	int64_t index = qmp_arg_int(args, "cpu-index", 0);
	struct machine_state *ms = machine_current();
	struct x86_cpu *cpu;
	bool was_running, ok;

	if (!ms || index < 0 || index >= ms->smp_cpus) {
		*errp = qmp_error_new(QMP_ERROR_GENERIC, "Parameter 'cpu-index' expects a CPU number");
		return false;
	}
	was_running = monitor_pause_for_inspection();
	cpu = monitor_get_cpu(index);
	ok = monitor_save_memory(cpu, qmp_arg_uint(args, "val", 0), qmp_arg_uint(args, "size", 0),
				 qmp_arg_str(args, "filename", ""), false, errp);
	monitor_resume_after_inspection(was_running);
	return ok;
}

bool qmp_cmd_query_qmp_schema(struct monitor *mon, JsonObject *args, JsonNode **ret,
			      GError **errp)
{
	*ret = qmp_schema_introspect();
	return true;
}

/* set_link: a network client's link and, for a backend, its NIC's (net/net.c) */
bool qmp_cmd_set_link(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	return net_set_link(json_object_get_string_member(args, "name"),
			    json_object_get_boolean_member(args, "up"), errp);
}

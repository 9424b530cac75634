// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The QMP schema, written once: types, commands (arguments, return type,
 * handler) and events, as QEMU 7.2's qapi/ schema files define the parts kemu
 * implements. From these tables come argument checking (with QEMU's
 * qobject-input-visitor messages), query-commands and query-qmp-schema
 * (SchemaInfo, with type names masked as QEMU does: "0" is the empty
 * object). Not here: the commands themselves (qmp-cmds.c), the protocol
 * (qmp.c). Not modelled: unions and alternates (their members are 'any').
 */
#include "monitor/qmp-schema.h"
#include "monitor/monitor-internal.h"

/* ---- types ---- */

#define BUILTIN(var, nm, b) \
	static const struct qmp_type var = { .name = nm, .kind = QMP_KIND_BUILTIN, .builtin = b }
#define ENUM(var, nm, ...) \
	static const char *const var##_values[] = { __VA_ARGS__, NULL }; \
	static const struct qmp_type var = { .name = nm, .kind = QMP_KIND_ENUM, \
					     .values = var##_values }
#define OBJECT_TYPE(var, nm) \
	static const struct qmp_type var = { .name = nm, .kind = QMP_KIND_OBJECT, \
					     .members = var##_members }
#define ARRAY(var, nm, elem) \
	static const struct qmp_type var = { .name = nm, .kind = QMP_KIND_ARRAY, .element = &elem }
#define M(n, t) { .name = n, .type = &t }
#define OPT(n, t) { .name = n, .type = &t, .optional = true }
#define END { .name = NULL }

BUILTIN(t_str, "str", QMP_STR);
BUILTIN(t_int, "int", QMP_INT);
BUILTIN(t_size, "size", QMP_SIZE);
BUILTIN(t_bool, "bool", QMP_BOOL);
BUILTIN(t_any, "any", QMP_ANY);

ARRAY(t_any_list, "[any]", t_any);

ENUM(t_QMPCapability, "QMPCapability", "oob");
ARRAY(t_QMPCapability_list, "[QMPCapability]", t_QMPCapability);

ENUM(t_RunState, "RunState", "debug", "inmigrate", "internal-error", "io-error", "paused",
     "postmigrate", "prelaunch", "finish-migrate", "restore-vm", "running", "save-vm",
     "shutdown", "suspended", "watchdog", "guest-panicked", "colo");
ENUM(t_ShutdownCause, "ShutdownCause", "none", "host-error", "host-qmp-quit",
     "host-qmp-system-reset", "host-signal", "host-ui", "guest-shutdown", "guest-reset",
     "guest-panic", "subsystem-reset", "snapshot-load");
ENUM(t_SysEmuTarget, "SysEmuTarget", "aarch64", "alpha", "arm", "avr", "cris", "hppa", "i386",
     "loongarch64", "m68k", "microblaze", "microblazeel", "mips", "mips64", "mips64el",
     "mipsel", "nios2", "or1k", "ppc", "ppc64", "riscv32", "riscv64", "rx", "s390x", "sh4",
     "sh4eb", "sparc", "sparc64", "tricore", "x86_64", "xtensa", "xtensaeb");
ENUM(t_ImageFormat, "ImageFormat", "ppm", "png");

static const struct qmp_member t_VersionTriple_members[] = {
	M("major", t_int), M("minor", t_int), M("micro", t_int), END
};
OBJECT_TYPE(t_VersionTriple, "VersionTriple");
static const struct qmp_member t_VersionInfo_members[] = {
	M("qemu", t_VersionTriple), M("package", t_str), END
};
OBJECT_TYPE(t_VersionInfo, "VersionInfo");

static const struct qmp_member t_CommandInfo_members[] = { M("name", t_str), END };
OBJECT_TYPE(t_CommandInfo, "CommandInfo");
ARRAY(t_CommandInfo_list, "[CommandInfo]", t_CommandInfo);

static const struct qmp_member t_StatusInfo_members[] = {
	M("running", t_bool), M("singlestep", t_bool), M("status", t_RunState), END
};
OBJECT_TYPE(t_StatusInfo, "StatusInfo");

static const struct qmp_member t_NameInfo_members[] = { OPT("name", t_str), END };
OBJECT_TYPE(t_NameInfo, "NameInfo");

static const struct qmp_member t_KvmInfo_members[] = {
	M("enabled", t_bool), M("present", t_bool), END
};
OBJECT_TYPE(t_KvmInfo, "KvmInfo");

static const struct qmp_member t_TargetInfo_members[] = { M("arch", t_SysEmuTarget), END };
OBJECT_TYPE(t_TargetInfo, "TargetInfo");

static const struct qmp_member t_MachineInfo_members[] = {
	M("name", t_str), OPT("alias", t_str), OPT("is-default", t_bool), M("cpu-max", t_int),
	M("hotpluggable-cpus", t_bool), M("numa-mem-supported", t_bool), M("deprecated", t_bool),
	OPT("default-cpu-type", t_str), OPT("default-ram-id", t_str), END
};
OBJECT_TYPE(t_MachineInfo, "MachineInfo");
ARRAY(t_MachineInfo_list, "[MachineInfo]", t_MachineInfo);

static const struct qmp_member t_CpuInstanceProperties_members[] = {
	OPT("node-id", t_int), OPT("socket-id", t_int), OPT("die-id", t_int),
	OPT("cluster-id", t_int), OPT("core-id", t_int), OPT("thread-id", t_int), END
};
OBJECT_TYPE(t_CpuInstanceProperties, "CpuInstanceProperties");

static const struct qmp_member t_CpuInfoFast_members[] = {
	M("cpu-index", t_int), M("qom-path", t_str), M("thread-id", t_int),
	OPT("props", t_CpuInstanceProperties), M("target", t_SysEmuTarget), END
};
OBJECT_TYPE(t_CpuInfoFast, "CpuInfoFast");
ARRAY(t_CpuInfoFast_list, "[CpuInfoFast]", t_CpuInfoFast);

static const struct qmp_member t_HotpluggableCPU_members[] = {
	M("type", t_str), M("vcpus-count", t_int), M("props", t_CpuInstanceProperties),
	OPT("qom-path", t_str), END
};
OBJECT_TYPE(t_HotpluggableCPU, "HotpluggableCPU");
ARRAY(t_HotpluggableCPU_list, "[HotpluggableCPU]", t_HotpluggableCPU);

static const struct qmp_member t_ChardevInfo_members[] = {
	M("label", t_str), M("filename", t_str), M("frontend-open", t_bool), END
};
OBJECT_TYPE(t_ChardevInfo, "ChardevInfo");
ARRAY(t_ChardevInfo_list, "[ChardevInfo]", t_ChardevInfo);

static const struct qmp_member t_PciMemoryRegion_members[] = {
	M("bar", t_int), M("type", t_str), M("address", t_int), M("size", t_int),
	OPT("prefetch", t_bool), OPT("mem_type_64", t_bool), END
};
OBJECT_TYPE(t_PciMemoryRegion, "PciMemoryRegion");
ARRAY(t_PciMemoryRegion_list, "[PciMemoryRegion]", t_PciMemoryRegion);
static const struct qmp_member t_PciDeviceClass_members[] = {
	OPT("desc", t_str), M("class", t_int), END
};
OBJECT_TYPE(t_PciDeviceClass, "PciDeviceClass");
static const struct qmp_member t_PciDeviceId_members[] = {
	M("device", t_int), M("vendor", t_int), OPT("subsystem", t_int),
	OPT("subsystem-vendor", t_int), END
};
OBJECT_TYPE(t_PciDeviceId, "PciDeviceId");
static const struct qmp_member t_PciDeviceInfo_members[] = {
	M("bus", t_int), M("slot", t_int), M("function", t_int),
	M("class_info", t_PciDeviceClass), M("id", t_PciDeviceId), OPT("irq", t_int),
	M("irq_pin", t_int), M("qdev_id", t_str), M("regions", t_PciMemoryRegion_list), END
};
OBJECT_TYPE(t_PciDeviceInfo, "PciDeviceInfo");
ARRAY(t_PciDeviceInfo_list, "[PciDeviceInfo]", t_PciDeviceInfo);
static const struct qmp_member t_PciInfo_members[] = {
	M("bus", t_int), M("devices", t_PciDeviceInfo_list), END
};
OBJECT_TYPE(t_PciInfo, "PciInfo");
ARRAY(t_PciInfo_list, "[PciInfo]", t_PciInfo);

static const struct qmp_member t_MemoryInfo_members[] = {
	M("base-memory", t_size), OPT("plugged-memory", t_size), END
};
OBJECT_TYPE(t_MemoryInfo, "MemoryInfo");

static const struct qmp_member t_UuidInfo_members[] = { M("UUID", t_str), END };
OBJECT_TYPE(t_UuidInfo, "UuidInfo");

static const struct qmp_member t_ObjectPropertyInfo_members[] = {
	M("name", t_str), M("type", t_str), OPT("description", t_str),
	OPT("default-value", t_any), END
};
OBJECT_TYPE(t_ObjectPropertyInfo, "ObjectPropertyInfo");
ARRAY(t_ObjectPropertyInfo_list, "[ObjectPropertyInfo]", t_ObjectPropertyInfo);

static const struct qmp_member t_ObjectTypeInfo_members[] = {
	M("name", t_str), OPT("abstract", t_bool), OPT("parent", t_str), END
};
OBJECT_TYPE(t_ObjectTypeInfo, "ObjectTypeInfo");
ARRAY(t_ObjectTypeInfo_list, "[ObjectTypeInfo]", t_ObjectTypeInfo);

ENUM(t_BlockdevChangeReadOnlyMode, "BlockdevChangeReadOnlyMode", "retain", "read-only",
     "read-write");
ENUM(t_IoOperationType, "IoOperationType", "read", "write");
ENUM(t_BlockErrorAction, "BlockErrorAction", "ignore", "report", "stop");
ENUM(t_BlockDeviceIoStatus, "BlockDeviceIoStatus", "ok", "failed", "nospace");
ENUM(t_BlockdevDetectZeroesOptions, "BlockdevDetectZeroesOptions", "off", "on", "unmap");

static const struct qmp_member t_ImageInfo_members[] = {
	M("filename", t_str), M("format", t_str), OPT("dirty-flag", t_bool),
	OPT("actual-size", t_int), M("virtual-size", t_int), OPT("cluster-size", t_int), END
};
OBJECT_TYPE(t_ImageInfo, "ImageInfo");
static const struct qmp_member t_BlockdevCacheInfo_members[] = {
	M("writeback", t_bool), M("direct", t_bool), M("no-flush", t_bool), END
};
OBJECT_TYPE(t_BlockdevCacheInfo, "BlockdevCacheInfo");
static const struct qmp_member t_BlockDeviceInfo_members[] = {
	M("file", t_str), OPT("node-name", t_str), M("ro", t_bool), M("drv", t_str),
	OPT("backing_file", t_str), M("backing_file_depth", t_int), M("encrypted", t_bool),
	M("detect_zeroes", t_BlockdevDetectZeroesOptions), M("bps", t_int), M("bps_rd", t_int),
	M("bps_wr", t_int), M("iops", t_int), M("iops_rd", t_int), M("iops_wr", t_int),
	M("image", t_ImageInfo), M("write_threshold", t_int), M("cache", t_BlockdevCacheInfo),
	END
};
OBJECT_TYPE(t_BlockDeviceInfo, "BlockDeviceInfo");
static const struct qmp_member t_BlockInfo_members[] = {
	M("device", t_str), OPT("qdev", t_str), M("type", t_str), M("removable", t_bool),
	M("locked", t_bool), OPT("inserted", t_BlockDeviceInfo), OPT("tray_open", t_bool),
	OPT("io-status", t_BlockDeviceIoStatus), END
};
OBJECT_TYPE(t_BlockInfo, "BlockInfo");
ARRAY(t_BlockInfo_list, "[BlockInfo]", t_BlockInfo);

/* ---- commands ---- */

static const struct qmp_member a_qmp_capabilities[] = {
	OPT("enable", t_QMPCapability_list), END
};
static const struct qmp_member a_human_monitor_command[] = {
	M("command-line", t_str), OPT("cpu-index", t_int), END
};
static const struct qmp_member a_qom_list[] = { M("path", t_str), END };
static const struct qmp_member a_qom_get[] = { M("path", t_str), M("property", t_str), END };
static const struct qmp_member a_qom_set[] = {
	M("path", t_str), M("property", t_str), M("value", t_any), END
};
static const struct qmp_member a_qom_list_types[] = {
	OPT("implements", t_str), OPT("abstract", t_bool), END
};
static const struct qmp_member a_device_list_properties[] = { M("typename", t_str), END };
static const struct qmp_member a_pmemsave[] = {
	M("val", t_int), M("size", t_int), M("filename", t_str), END
};
static const struct qmp_member a_memsave[] = {
	M("val", t_int), M("size", t_int), M("filename", t_str), OPT("cpu-index", t_int), END
};
/* InputEvent and KeyValue are unions: checked as 'any' for now. */
static const struct qmp_member a_input_send_event[] = {
	OPT("device", t_str), OPT("head", t_int), M("events", t_any_list), END
};
static const struct qmp_member a_send_key[] = {
	M("keys", t_any_list), OPT("hold-time", t_int), END
};
static const struct qmp_member a_screendump[] = {
	M("filename", t_str), OPT("device", t_str), OPT("head", t_int),
	OPT("format", t_ImageFormat), END
};

static const struct qmp_member a_eject[] = {
	OPT("device", t_str), OPT("id", t_str), OPT("force", t_bool), END
};
static const struct qmp_member a_blockdev_change_medium[] = {
	OPT("device", t_str), OPT("id", t_str), M("filename", t_str), OPT("format", t_str),
	OPT("force", t_bool), OPT("read-only-mode", t_BlockdevChangeReadOnlyMode), END
};

/* device_add: driver, bus, id, then the device's own properties */
static const struct qmp_member a_device_add[] = {
	M("driver", t_str), OPT("bus", t_str), OPT("id", t_str), END
};
static const struct qmp_member a_device_del[] = { M("id", t_str), END };

const struct qmp_command_def qmp_commands[] = {
	{ "qmp_capabilities", a_qmp_capabilities, NULL, qmp_cmd_qmp_capabilities },
	{ "query-version", NULL, &t_VersionInfo, qmp_cmd_query_version },
	{ "query-commands", NULL, &t_CommandInfo_list, qmp_cmd_query_commands },
	{ "query-status", NULL, &t_StatusInfo, qmp_cmd_query_status },
	{ "query-name", NULL, &t_NameInfo, qmp_cmd_query_name },
	{ "query-kvm", NULL, &t_KvmInfo, qmp_cmd_query_kvm },
	{ "query-target", NULL, &t_TargetInfo, qmp_cmd_query_target },
	{ "query-machines", NULL, &t_MachineInfo_list, qmp_cmd_query_machines },
	{ "query-cpus-fast", NULL, &t_CpuInfoFast_list, qmp_cmd_query_cpus_fast },
	{ "query-chardev", NULL, &t_ChardevInfo_list, qmp_cmd_query_chardev },
	{ "query-pci", NULL, &t_PciInfo_list, qmp_cmd_query_pci },
	{ "query-memory-size-summary", NULL, &t_MemoryInfo, qmp_cmd_query_memory_size_summary },
	{ "query-uuid", NULL, &t_UuidInfo, qmp_cmd_query_uuid },
	{ "stop", NULL, NULL, qmp_cmd_stop },
	{ "cont", NULL, NULL, qmp_cmd_cont },
	{ "system_reset", NULL, NULL, qmp_cmd_system_reset },
	{ "system_powerdown", NULL, NULL, qmp_cmd_system_powerdown },
	{ "system_wakeup", NULL, NULL, qmp_cmd_system_wakeup },
	{ "quit", NULL, NULL, qmp_cmd_quit },
	{ "human-monitor-command", a_human_monitor_command, &t_str,
	  qmp_cmd_human_monitor_command },
	{ "qom-list", a_qom_list, &t_ObjectPropertyInfo_list, qmp_cmd_qom_list },
	{ "qom-get", a_qom_get, &t_any, qmp_cmd_qom_get },
	{ "qom-set", a_qom_set, NULL, qmp_cmd_qom_set },
	{ "qom-list-types", a_qom_list_types, &t_ObjectTypeInfo_list, qmp_cmd_qom_list_types },
	{ "device-list-properties", a_device_list_properties, &t_ObjectPropertyInfo_list,
	  qmp_cmd_device_list_properties },
	{ "pmemsave", a_pmemsave, NULL, qmp_cmd_pmemsave },
	{ "memsave", a_memsave, NULL, qmp_cmd_memsave },
	/* SchemaInfo is a union: its elements are described as 'any' */
	{ "query-qmp-schema", NULL, &t_any_list, qmp_cmd_query_qmp_schema },
	{ "query-hotpluggable-cpus", NULL, &t_HotpluggableCPU_list,
	  qmp_cmd_query_hotpluggable_cpus },
	{ "input-send-event", a_input_send_event, NULL, qmp_cmd_input_send_event },
	{ "send-key", a_send_key, NULL, qmp_cmd_send_key },
	{ "screendump", a_screendump, NULL, qmp_cmd_screendump },
	{ "query-block", NULL, &t_BlockInfo_list, qmp_cmd_query_block },
	{ "device_add", a_device_add, NULL, qmp_cmd_device_add, .extra_args = true },
	{ "device_del", a_device_del, NULL, qmp_cmd_device_del },
	{ "eject", a_eject, NULL, qmp_cmd_eject },
	{ "blockdev-change-medium", a_blockdev_change_medium, NULL,
	  qmp_cmd_blockdev_change_medium },
};
const size_t qmp_commands_count = G_N_ELEMENTS(qmp_commands);

/* ---- events ---- */

static const struct qmp_member e_shutdown[] = {
	M("guest", t_bool), M("reason", t_ShutdownCause), END
};

static const struct qmp_member e_block_io_error[] = {
	OPT("qdev", t_str), M("node-name", t_str), M("device", t_str),
	M("operation", t_IoOperationType), M("action", t_BlockErrorAction),
	OPT("nospace", t_bool), M("reason", t_str), END
};
static const struct qmp_member e_device_deleted[] = {
	OPT("device", t_str), M("path", t_str), END
};
static const struct qmp_member e_device_tray_moved[] = {
	M("device", t_str), M("id", t_str), M("tray-open", t_bool), END
};

const struct qmp_event_def qmp_events[] = {
	{ "SHUTDOWN", e_shutdown },
	{ "POWERDOWN", NULL },
	{ "RESET", e_shutdown },
	{ "STOP", NULL },
	{ "RESUME", NULL },
	{ "BLOCK_IO_ERROR", e_block_io_error },
	{ "DEVICE_TRAY_MOVED", e_device_tray_moved },
	{ "DEVICE_DELETED", e_device_deleted },
};
const size_t qmp_events_count = G_N_ELEMENTS(qmp_events);

const struct qmp_command_def *qmp_schema_find_command(const char *name)
{
	for (size_t i = 0; i < qmp_commands_count; i++)
		if (!strcmp(qmp_commands[i].name, name))
			return &qmp_commands[i];
	return NULL;
}

const struct qmp_event_def *qmp_schema_find_event(const char *name)
{
	for (size_t i = 0; i < qmp_events_count; i++)
		if (!strcmp(qmp_events[i].name, name))
			return &qmp_events[i];
	return NULL;
}

/* ---- checking ---- */

G_DEFINE_QUARK(kemu-qmp-error-quark, qmp_error)

const char *qmp_error_class_name(int code)
{
	static const char *const names[] = {
		[QMP_ERROR_GENERIC] = "GenericError",
		[QMP_ERROR_COMMAND_NOT_FOUND] = "CommandNotFound",
		[QMP_ERROR_DEVICE_NOT_ACTIVE] = "DeviceNotActive",
		[QMP_ERROR_DEVICE_NOT_FOUND] = "DeviceNotFound",
		[QMP_ERROR_KVM_MISSING_CAP] = "KVMMissingCap",
	};

	return code >= 0 && code < (int)G_N_ELEMENTS(names) ? names[code] : "GenericError";
}

static bool check_fail(GError **errp, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static bool check_fail(GError **errp, const char *fmt, ...)
{
	va_list ap;

	if (errp && !*errp) {
		va_start(ap, fmt);
		*errp = g_error_new_valist(QMP_ERROR, QMP_ERROR_GENERIC, fmt, ap);
		va_end(ap);
	}
	return false;
}

static const char *node_json_kind(JsonNode *node, GType *vt)
{
	*vt = G_TYPE_INVALID;
	switch (JSON_NODE_TYPE(node)) {
	case JSON_NODE_OBJECT:
		return "object";
	case JSON_NODE_ARRAY:
		return "array";
	case JSON_NODE_NULL:
		return "null";
	default:
		*vt = json_node_get_value_type(node);
		return "value";
	}
}

static bool check_int(const struct qmp_type *type, JsonNode *node, const char *name,
		      GError **errp)
{
	static const struct {
		enum qmp_builtin b;
		int64_t min;
		int64_t max;
		const char *cname;
	} ranges[] = {
		{ QMP_INT8, INT8_MIN, INT8_MAX, "int8_t" },
		{ QMP_INT16, INT16_MIN, INT16_MAX, "int16_t" },
		{ QMP_INT32, INT32_MIN, INT32_MAX, "int32_t" },
		{ QMP_UINT8, 0, UINT8_MAX, "uint8_t" },
		{ QMP_UINT16, 0, UINT16_MAX, "uint16_t" },
		{ QMP_UINT32, 0, UINT32_MAX, "uint32_t" },
	};
	GType vt;

	node_json_kind(node, &vt);
	if (vt != G_TYPE_INT64)
		return check_fail(errp, "Invalid parameter type for '%s', expected: integer", name);
	for (size_t i = 0; i < G_N_ELEMENTS(ranges); i++) {
		int64_t v = json_node_get_int(node);

		if (ranges[i].b == type->builtin && (v < ranges[i].min || v > ranges[i].max))
			return check_fail(errp, "Parameter '%s' expects %s", name, ranges[i].cname);
	}
	return true;
}

static bool check_builtin(const struct qmp_type *type, JsonNode *node, const char *name,
			  GError **errp)
{
	GType vt;
	const char *kind = node_json_kind(node, &vt);

	switch (type->builtin) {
	case QMP_ANY:
		return true;
	case QMP_STR:
		if (vt != G_TYPE_STRING)
			return check_fail(errp, "Invalid parameter type for '%s', expected: string",
					  name);
		return true;
	case QMP_BOOL:
		if (vt != G_TYPE_BOOLEAN)
			return check_fail(errp, "Invalid parameter type for '%s', expected: boolean",
					  name);
		return true;
	case QMP_NUMBER:
		if (vt != G_TYPE_INT64 && vt != G_TYPE_DOUBLE)
			return check_fail(errp, "Invalid parameter type for '%s', expected: number",
					  name);
		return true;
	case QMP_NULL:
		if (strcmp(kind, "null"))
			return check_fail(errp, "Invalid parameter type for '%s', expected: null",
					  name);
		return true;
	default:
		return check_int(type, node, name, errp);
	}
}

static bool check_object_extra(const struct qmp_member *members, JsonNode *node,
			       const char *prefix, const char *name, bool extra, GError **errp);

static bool check_object(const struct qmp_member *members, JsonNode *node, const char *prefix,
			 const char *name, GError **errp)
{
	return check_object_extra(members, node, prefix, name, false, errp);
}

static bool check_object_extra(const struct qmp_member *members, JsonNode *node,
			       const char *prefix, const char *name, bool extra, GError **errp)
{
	JsonObject *obj;
	GList *keys;
	bool ok = true;

	if (!JSON_NODE_HOLDS_OBJECT(node))
		return check_fail(errp, "Invalid parameter type for '%s', expected: object", name);
	obj = json_node_get_object(node);
	for (const struct qmp_member *m = members; m && m->name; m++) {
		g_autofree char *full = prefix ? g_strdup_printf("%s.%s", prefix, m->name)
					       : g_strdup(m->name);
		JsonNode *v = json_object_get_member(obj, m->name);

		if (!v) {
			if (!m->optional)
				return check_fail(errp, "Parameter '%s' is missing", full);
			continue;
		}
		if (!qmp_schema_check_value(m->type, v, full, errp))
			return false;
	}
	keys = extra ? NULL : json_object_get_members(obj);
	for (GList *l = keys; l && ok; l = l->next) {
		const struct qmp_member *m;

		for (m = members; m && m->name; m++)
			if (!strcmp(m->name, l->data))
				break;
		if (!m || !m->name) {
			g_autofree char *full = prefix ? g_strdup_printf("%s.%s", prefix,
									 (char *)l->data)
						       : g_strdup(l->data);

			ok = check_fail(errp, "Parameter '%s' is unexpected", full);
		}
	}
	g_list_free(keys);
	return ok;
}

bool qmp_schema_check_value(const struct qmp_type *type, JsonNode *node, const char *name,
			    GError **errp)
{
	GType vt;

	switch (type->kind) {
	case QMP_KIND_BUILTIN:
		return check_builtin(type, node, name, errp);
	case QMP_KIND_ENUM:
		node_json_kind(node, &vt);
		if (vt != G_TYPE_STRING)
			return check_fail(errp, "Invalid parameter type for '%s', expected: string",
					  name);
		if (!g_strv_contains((const char *const *)type->values, json_node_get_string(node)))
			return check_fail(errp, "Parameter '%s' does not accept value '%s'", name,
					  json_node_get_string(node));
		return true;
	case QMP_KIND_OBJECT:
		return check_object(type->members, node, name, name, errp);
	case QMP_KIND_ARRAY:
		if (!JSON_NODE_HOLDS_ARRAY(node))
			return check_fail(errp, "Invalid parameter type for '%s', expected: array",
					  name);
		for (guint i = 0; i < json_array_get_length(json_node_get_array(node)); i++) {
			g_autofree char *el = g_strdup_printf("%s[%u]", name, i);

			if (!qmp_schema_check_value(type->element,
						    json_array_get_element(json_node_get_array(node), i),
						    el, errp))
				return false;
		}
		return true;
	}
	return false;
}

bool qmp_schema_check_args(const struct qmp_command_def *cmd, JsonObject *args, GError **errp)
{
	g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);

	json_node_set_object(node, args ? args : json_object_new());
	if (!args)
		json_object_unref(json_node_get_object(node));	/* the node holds it */
	return check_object_extra(cmd->args, node, NULL, "arguments", cmd->extra_args, errp);
}

bool qmp_schema_check_return(const struct qmp_command_def *cmd, JsonNode *ret, GError **errp)
{
	if (!cmd->ret) {
		if (ret && !(JSON_NODE_HOLDS_OBJECT(ret) &&
			     json_object_get_size(json_node_get_object(ret)) == 0))
			return check_fail(errp, "%s returns {}", cmd->name);
		return true;
	}
	if (!ret)
		return check_fail(errp, "%s returned nothing", cmd->name);
	return qmp_schema_check_value(cmd->ret, ret, "return", errp);
}

/* ---- typed argument access ---- */

bool qmp_arg_has(JsonObject *args, const char *name)
{
	return args && json_object_has_member(args, name);
}

JsonNode *qmp_arg_node(JsonObject *args, const char *name)
{
	return args ? json_object_get_member(args, name) : NULL;
}

const char *qmp_arg_str(JsonObject *args, const char *name, const char *def)
{
	JsonNode *n = qmp_arg_node(args, name);

	return n && JSON_NODE_HOLDS_VALUE(n) ? json_node_get_string(n) : def;
}

int64_t qmp_arg_int(JsonObject *args, const char *name, int64_t def)
{
	JsonNode *n = qmp_arg_node(args, name);

	return n && JSON_NODE_HOLDS_VALUE(n) ? json_node_get_int(n) : def;
}

uint64_t qmp_arg_uint(JsonObject *args, const char *name, uint64_t def)
{
	return (uint64_t)qmp_arg_int(args, name, (int64_t)def);
}

bool qmp_arg_bool(JsonObject *args, const char *name, bool def)
{
	JsonNode *n = qmp_arg_node(args, name);

	return n && JSON_NODE_HOLDS_VALUE(n) ? json_node_get_boolean(n) : def;
}

/* ---- introspection (query-qmp-schema) ---- */

struct introspect {
	GHashTable *names;		/* struct qmp_type * or members * -> masked name */
	JsonArray *out;
	unsigned next;
};

static const char *builtin_json_type(enum qmp_builtin b)
{
	switch (b) {
	case QMP_STR:
		return "string";
	case QMP_NUMBER:
		return "number";
	case QMP_BOOL:
		return "boolean";
	case QMP_NULL:
		return "null";
	case QMP_ANY:
		return "value";
	default:
		return "int";
	}
}

static const char *introspect_members(struct introspect *in, const struct qmp_member *members);

static const char *introspect_type(struct introspect *in, const struct qmp_type *type)
{
	const char *name = g_hash_table_lookup(in->names, type);
	JsonObject *o;

	if (name)
		return name;
	o = json_object_new();
	switch (type->kind) {
	case QMP_KIND_BUILTIN:
		name = type->name;
		g_hash_table_insert(in->names, (gpointer)type, g_strdup(name));
		json_object_set_string_member(o, "name", name);
		json_object_set_string_member(o, "meta-type", "builtin");
		json_object_set_string_member(o, "json-type", builtin_json_type(type->builtin));
		break;
	case QMP_KIND_ENUM: {
		JsonArray *values = json_array_new(), *members = json_array_new();
		char *n = g_strdup_printf("%u", in->next++);

		g_hash_table_insert(in->names, (gpointer)type, n);
		json_object_set_string_member(o, "name", n);
		json_object_set_string_member(o, "meta-type", "enum");
		for (const char *const *v = type->values; *v; v++) {
			JsonObject *m = json_object_new();

			json_object_set_string_member(m, "name", *v);
			json_array_add_object_element(members, m);
			json_array_add_string_element(values, *v);
		}
		json_object_set_array_member(o, "members", members);
		json_object_set_array_member(o, "values", values);
		name = n;
		break;
	}
	case QMP_KIND_OBJECT:
		json_object_unref(o);
		name = introspect_members(in, type->members);
		g_hash_table_insert(in->names, (gpointer)type, g_strdup(name));
		return g_hash_table_lookup(in->names, type);
	case QMP_KIND_ARRAY: {
		const char *el = introspect_type(in, type->element);
		char *n = g_strdup_printf("[%s]", el);

		g_hash_table_insert(in->names, (gpointer)type, n);
		json_object_set_string_member(o, "name", n);
		json_object_set_string_member(o, "meta-type", "array");
		json_object_set_string_member(o, "element-type", el);
		name = n;
		break;
	}
	}
	json_array_add_object_element(in->out, o);
	return name;
}

/* An object type from a member list (a command's or event's implicit one too). */
static const char *introspect_members(struct introspect *in, const struct qmp_member *members)
{
	static const struct qmp_member empty[] = { END };
	const char *name;
	JsonObject *o;
	JsonArray *ma;
	char *n;

	if (!members || !members->name)
		members = empty;
	name = g_hash_table_lookup(in->names, members);
	if (name)
		return name;
	n = members == empty ? g_strdup("0") : g_strdup_printf("%u", in->next++);
	g_hash_table_insert(in->names, (gpointer)members, n);
	o = json_object_new();
	ma = json_array_new();
	json_object_set_string_member(o, "name", n);
	json_object_set_string_member(o, "meta-type", "object");
	for (const struct qmp_member *m = members; m->name; m++) {
		JsonObject *mo = json_object_new();

		json_object_set_string_member(mo, "name", m->name);
		json_object_set_string_member(mo, "type", introspect_type(in, m->type));
		if (m->optional)
			json_object_set_null_member(mo, "default");
		json_array_add_object_element(ma, mo);
	}
	json_object_set_array_member(o, "members", ma);
	json_array_add_object_element(in->out, o);
	return n;
}

JsonNode *qmp_schema_introspect(void)
{
	struct introspect in = {
		.names = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free),
		.out = json_array_new(),
		.next = 1,
	};

	/* "0" is the empty object, as in QEMU */
	introspect_members(&in, NULL);
	for (size_t i = 0; i < qmp_commands_count; i++) {
		const struct qmp_command_def *c = &qmp_commands[i];
		JsonObject *o = json_object_new();
		const char *arg = introspect_members(&in, c->args);
		const char *ret = c->ret ? introspect_type(&in, c->ret) : "0";

		json_object_set_string_member(o, "name", c->name);
		json_object_set_string_member(o, "meta-type", "command");
		json_object_set_string_member(o, "arg-type", arg);
		json_object_set_string_member(o, "ret-type", ret);
		json_array_add_object_element(in.out, o);
	}
	for (size_t i = 0; i < qmp_events_count; i++) {
		const struct qmp_event_def *e = &qmp_events[i];
		JsonObject *o = json_object_new();

		json_object_set_string_member(o, "name", e->name);
		json_object_set_string_member(o, "meta-type", "event");
		json_object_set_string_member(o, "arg-type", introspect_members(&in, e->data));
		json_array_add_object_element(in.out, o);
	}
	g_hash_table_destroy(in.names);
	return jnode_array(in.out);
}

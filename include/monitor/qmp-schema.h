/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP schema, written once as C tables (monitor/qmp-schema.c): every
 * command with its argument members and return type, every event with its
 * data members, and the types they use. The dispatcher checks arguments
 * against it before a command runs (so no command parses its own JSON),
 * query-commands lists it, and query-qmp-schema is generated from it.
 *
 *	const struct qmp_command_def *cmd = qmp_schema_find_command("pmemsave");
 *	if (!qmp_schema_check_args(cmd, args, &err))	// args: JsonObject or NULL
 *		reply GenericError err->message		// "Parameter 'val' is missing"
 *	JsonNode *schema = qmp_schema_introspect();	// query-qmp-schema's answer
 *
 * Error messages are QEMU's (qobject-input-visitor):
 *	Parameter 'x' is missing / Parameter 'x' is unexpected /
 *	Invalid parameter type for 'x', expected: string|integer|number|boolean|object|array /
 *	Parameter 'x' does not accept value 'y' / Parameter 'x' expects uint8_t
 * Members of nested objects are named 'a.b', list elements 'a[0]'.
 */
#ifndef MONITOR_QMP_SCHEMA_H
#define MONITOR_QMP_SCHEMA_H

#include "kemu/common.h"
#include <json-glib/json-glib.h>

enum qmp_kind {
	QMP_KIND_BUILTIN,
	QMP_KIND_ENUM,
	QMP_KIND_OBJECT,
	QMP_KIND_ARRAY,
};

/* What a builtin accepts (QAPI's builtin types). */
enum qmp_builtin {
	QMP_STR,
	QMP_INT,		/* int, int64 */
	QMP_INT8, QMP_INT16, QMP_INT32,
	QMP_UINT8, QMP_UINT16, QMP_UINT32, QMP_UINT64,
	QMP_SIZE,
	QMP_NUMBER,
	QMP_BOOL,
	QMP_NULL,
	QMP_ANY,
};

struct qmp_member;

struct qmp_type {
	const char *name;		/* QAPI name: "str", "VersionInfo", "[CpuInfoFast]" */
	enum qmp_kind kind;
	enum qmp_builtin builtin;	/* QMP_KIND_BUILTIN */
	const char *const *values;	/* QMP_KIND_ENUM, NULL-terminated */
	const struct qmp_member *members;	/* QMP_KIND_OBJECT, name NULL ends */
	const struct qmp_type *element;	/* QMP_KIND_ARRAY */
};

struct qmp_member {
	const char *name;
	const struct qmp_type *type;
	bool optional;
};

struct monitor;

/*
 * A command handler: args were checked against the schema (absent ones
 * are absent; use the qmp_arg_* accessors). On success set *ret (NULL
 * means {}); on failure fill errp (domain QMP_ERROR, code enum
 * qmp_error_class) and return false.
 */
typedef bool qmp_handler_fn(struct monitor *mon, JsonObject *args, JsonNode **ret,
			    GError **errp);

struct qmp_command_def {
	const char *name;
	const struct qmp_member *args;	/* NULL: no arguments */
	const struct qmp_type *ret;	/* NULL: returns {} */
	qmp_handler_fn *handler;
	bool extra_args;		/* members beyond args are the handler's (device_add) */
};

struct qmp_event_def {
	const char *name;
	const struct qmp_member *data;	/* NULL: no data */
};

/* QMP error classes (QapiErrorClass): GError codes in QMP_ERROR. */
enum qmp_error_class {
	QMP_ERROR_GENERIC,
	QMP_ERROR_COMMAND_NOT_FOUND,
	QMP_ERROR_DEVICE_NOT_ACTIVE,
	QMP_ERROR_DEVICE_NOT_FOUND,
	QMP_ERROR_KVM_MISSING_CAP,
};
#define QMP_ERROR qmp_error_quark()
GQuark qmp_error_quark(void);
const char *qmp_error_class_name(int code);

/* The tables (monitor/qmp-schema.c), in the order query-commands lists them. */
extern const struct qmp_command_def qmp_commands[];
extern const size_t qmp_commands_count;
extern const struct qmp_event_def qmp_events[];
extern const size_t qmp_events_count;

const struct qmp_command_def *qmp_schema_find_command(const char *name);
const struct qmp_event_def *qmp_schema_find_event(const char *name);

/* Arguments of cmd (args may be NULL: none given). */
bool qmp_schema_check_args(const struct qmp_command_def *cmd, JsonObject *args, GError **errp);
/* Any value against a type; name is what messages call it. */
bool qmp_schema_check_value(const struct qmp_type *type, JsonNode *node, const char *name,
			    GError **errp);
/* A command's return value (NULL: {}) against its schema, for self-checks. */
bool qmp_schema_check_return(const struct qmp_command_def *cmd, JsonNode *ret, GError **errp);
/* query-qmp-schema: a JSON array of SchemaInfo. */
JsonNode *qmp_schema_introspect(void);

/* Typed access to checked arguments. */
bool qmp_arg_has(JsonObject *args, const char *name);
const char *qmp_arg_str(JsonObject *args, const char *name, const char *def);
int64_t qmp_arg_int(JsonObject *args, const char *name, int64_t def);
uint64_t qmp_arg_uint(JsonObject *args, const char *name, uint64_t def);
bool qmp_arg_bool(JsonObject *args, const char *name, bool def);
JsonNode *qmp_arg_node(JsonObject *args, const char *name);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the monitors: the session state shared by monitor.c (chardev glue,
 * run state, events), qmp.c (protocol), qmp-cmds.c (commands), hmp.c
 * (line editor and command parser) and hmp-cmds.c (HMP commands).
 */
#ifndef MONITOR_INTERNAL_H
#define MONITOR_INTERNAL_H

#include "kemu/common.h"
#include "chardev/char.h"
#include "monitor/monitor.h"
#include "monitor/qmp-schema.h"
#include "system/runstate.h"

struct x86_cpu;
struct machine_state;

/* Splits a byte stream into JSON texts, as QEMU's json-streamer does. */
struct json_streamer {
	GString *buf;
	int depth;			/* open { and [ */
	bool in_string, escape;
	bool in_scalar;			/* a bare token at depth 0 */
	bool discarding;		/* after a limit error: skip to depth 0 */
};

#define HMP_LINE_MAX 1024
#define HMP_HISTORY_MAX 64

struct readline_state {
	char buf[HMP_LINE_MAX];
	int len, pos;
	char *history[HMP_HISTORY_MAX];
	int hist_count;
	int hist_pos;			/* == hist_count: the line being edited */
	int esc;			/* 0, 1: got ESC, 2: ESC [, 3: ESC O */
	int esc_param;
	bool last_cr;
};

struct monitor {
	enum monitor_mode mode;
	struct chardev_frontend fe;
	bool attached;
	bool pretty;
	GByteArray *pending;		/* output the socket did not take yet */
	guint out_watch;

	/* QMP */
	bool negotiated;		/* qmp_capabilities done: commands and events */
	struct json_streamer js;

	/* HMP */
	struct readline_state rl;
	GString *outbuf;		/* HMP output not yet written */
	bool mux_out;			/* on a mux without the focus: hold output */
	bool opened;
	guint flush_idle;
	GString *capture;		/* human-monitor-command: output lands here */
	int cpu_index;			/* HMP's current CPU */
};

/* monitor.c */
void monitor_write(struct monitor *mon, const char *buf, size_t len);
void monitor_printf(struct monitor *mon, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void monitor_puts(struct monitor *mon, const char *s);
void monitor_flush(struct monitor *mon);
GPtrArray *monitor_list(void);

/* Run state as QMP names it (RunState). */
const char *monitor_runstate_name(void);
bool monitor_vm_running(void);
void monitor_vm_stop(void);
bool monitor_vm_cont(GError **errp);
void monitor_system_reset(void);
void monitor_system_powerdown(void);
void monitor_quit(void);
/* QMP events to every negotiated QMP monitor; data may be NULL (taken). */
void monitor_qmp_event_emit(const char *name, JsonObject *data);

/* The CPU a command is about; its registers synced from the accelerator. */
struct x86_cpu *monitor_get_cpu(int index);
/* Pause the vCPUs if they run, so their state can be read (resume after). */
bool monitor_pause_for_inspection(void);
void monitor_resume_after_inspection(bool was_running);

/* qmp.c */
void qmp_session_start(struct monitor *mon);
void qmp_receive(struct monitor *mon, const uint8_t *buf, int len);
void qmp_send(struct monitor *mon, JsonNode *msg);
/* Serialise as QEMU does ({"a": 1, "b": [2, 3]}); pretty: 4-space indents. */
char *qmp_to_json(JsonNode *node, bool pretty);
void json_streamer_init(struct json_streamer *js);
void json_streamer_destroy(struct json_streamer *js);
/*
 * Feed bytes; emit(opaque, text, error) is called per complete JSON text
 * (error NULL) or per lexical/limit error (text NULL).
 */
void json_streamer_feed(struct json_streamer *js, const uint8_t *buf, size_t len,
			void (*emit)(void *opaque, const char *text, const char *error),
			void *opaque);
/* Parse and run one request; returns the response (never NULL). */
JsonNode *qmp_dispatch(struct monitor *mon, JsonNode *req);
GError *qmp_error_new(enum qmp_error_class cls, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* JSON building helpers (the node takes the object/array). */
JsonNode *jnode_object(JsonObject *o);
JsonNode *jnode_array(JsonArray *a);
JsonNode *jnode_string(const char *s);
JsonNode *jnode_int(int64_t v);
JsonNode *jnode_bool(bool v);

/* hmp.c */
void hmp_session_start(struct monitor *mon);
void hmp_receive(struct monitor *mon, const uint8_t *buf, int len);
void hmp_handle_command(struct monitor *mon, const char *line);
void hmp_readline_free(struct readline_state *rl);
/* Evaluate an HMP expression ("0x1000+4*2", "$pc", "$eax"). */
bool hmp_eval_expr(struct monitor *mon, const char **pp, int64_t *val, GError **errp);
/* Run one HMP command line and return its output (human-monitor-command). */
char *hmp_run_captured(const char *line, int cpu_index);

/* hmp-cmds.c */
struct hmp_command {
	const char *name;		/* "info", "x", "c|cont" (aliases with |) */
	const char *params;		/* for help: "/fmt addr" */
	const char *help;
	void (*fn)(struct monitor *mon, const char *args);
};
extern const struct hmp_command hmp_commands[];
/* Parsing helpers for HMP commands: a word or "quoted string"; an error line. */
char *hmp_word(const char **pp);
void hmp_error(struct monitor *mon, GError *err);
/* qmp-cmds-block.c */
void hmp_info_block(struct monitor *mon, const char *args);
void hmp_eject(struct monitor *mon, const char *args);
void hmp_change(struct monitor *mon, const char *args);
/* qmp-cmds-device.c */
void hmp_device_add(struct monitor *mon, const char *args);
void hmp_device_del(struct monitor *mon, const char *args);
extern const struct hmp_command hmp_info_commands[];
void hmp_cpu_dump_state(struct monitor *mon, struct x86_cpu *cpu);

#define PTE_W 2u
#define PTE_U 4u
/* Page walk: pa, PTE_W|PTE_U granted, page size (or hole size on false). */
bool monitor_walk(struct x86_cpu *cpu, uint64_t va, uint64_t *pa, unsigned *prot,
		  uint64_t *size);
/* Physical address of a virtual one for this CPU's paging mode; false: unmapped. */
bool monitor_virt_to_phys(struct x86_cpu *cpu, uint64_t va, uint64_t *pa);
/* Read guest memory (physical, or virtual through cpu's page tables). */
bool monitor_read_memory(struct x86_cpu *cpu, uint64_t addr, void *buf, size_t len,
			 bool physical);

/* qmp-cmds.c: the handlers the schema names. */
qmp_handler_fn qmp_cmd_qmp_capabilities, qmp_cmd_query_version, qmp_cmd_query_commands,
	qmp_cmd_query_status, qmp_cmd_query_name, qmp_cmd_query_kvm, qmp_cmd_query_target,
	qmp_cmd_query_machines, qmp_cmd_query_cpus_fast, qmp_cmd_query_chardev,
	qmp_cmd_query_pci, qmp_cmd_query_memory_size_summary, qmp_cmd_query_uuid,
	qmp_cmd_stop, qmp_cmd_cont, qmp_cmd_system_reset, qmp_cmd_system_powerdown,
	qmp_cmd_system_wakeup, qmp_cmd_quit, qmp_cmd_human_monitor_command, qmp_cmd_qom_list,
	qmp_cmd_qom_get, qmp_cmd_qom_set, qmp_cmd_qom_list_types,
	qmp_cmd_device_list_properties, qmp_cmd_pmemsave, qmp_cmd_memsave,
	qmp_cmd_query_qmp_schema, qmp_cmd_query_hotpluggable_cpus, qmp_cmd_input_send_event,
	qmp_cmd_send_key, qmp_cmd_screendump, qmp_cmd_query_block, qmp_cmd_eject,
	qmp_cmd_blockdev_change_medium, qmp_cmd_device_add, qmp_cmd_device_del;

/* Host thread id of a vCPU thread (query-cpus-fast, info cpus). */
int64_t monitor_cpu_thread_id(struct x86_cpu *cpu);
/* Dump guest memory to a file (pmemsave/memsave, QMP and HMP). */
bool monitor_save_memory(struct x86_cpu *cpu, uint64_t addr, uint64_t size,
			 const char *filename, bool physical, GError **errp);

#endif

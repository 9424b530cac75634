/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the gdbstub: the x86 register layouts (x86-regs.c, also used by
 * the unit tests), the server state and the helpers that the protocol and
 * run control (gdbstub.c) share with the state commands (gdbstub-state.c).
 */
#ifndef GDBSTUB_INTERNAL_H
#define GDBSTUB_INTERNAL_H

#include "kemu/common.h"
#include "gdbstub/packet.h"
#include "gdbstub/gdbstub.h"
#include "chardev/char.h"
#include "system/debug.h"

struct CPUX86State;

/* Target description XML (caller frees): i386:x86-64 or i386. */
char *gdb_x86_target_xml(bool x86_64);
unsigned gdb_x86_num_regs(bool x86_64);
/* Size in bytes of register nr, 0 if none. */
int gdb_x86_reg_size(bool x86_64, unsigned nr);
/* Bytes written to buf (at most 16), 0 if there is no register nr. */
int gdb_x86_read_reg(struct CPUX86State *env, bool x86_64, unsigned nr, uint8_t *buf);
/* Bytes taken from buf (its size for that register), 0 if there is no register nr. */
int gdb_x86_write_reg(struct CPUX86State *env, bool x86_64, unsigned nr, const uint8_t *buf);

/* ---- the server (gdbstub.c), shared with gdbstub-state.c ---- */
struct machine_state;
struct x86_cpu;

struct gdb_server {
	char *spec;
	struct chardev *chr;
	struct chardev_frontend fe;
	struct gdb_packet_reader rd;
	GString *last_reply;		/* framed, resent on '-' */
	bool no_ack;			/* QStartNoAckMode */
	bool connected;
	bool resume_on_close;		/* the VM ran when this gdb attached */
	bool running;			/* vCPUs resumed by gdb, a stop reply is owed */
	bool phys_mode;			/* Qqemu.PhyMemMode:1: m/M/X are physical */
	bool x86_64;			/* the register layout gdb was given */
	bool layout_fixed;		/* ... once it asked for the description */
	int g_cpu, c_cpu;		/* Hg / Hc: vCPU index */
	struct debug_points points;
	struct kemu_bh *stop_bh;
	struct x86_cpu *stop_cpu;	/* first vCPU that returned EXEC_DEBUG */
	char *xml;			/* target description being read */
	int last_signal;
	struct debug_stop last_stop;
	int last_stop_cpu;
};

struct machine_state *gdb_machine(void);
unsigned gdb_nr_cpus(void);
struct x86_cpu *gdb_cpu(int index);
void gdb_reply(struct gdb_server *gs, const char *s);
void gdb_reply_str(struct gdb_server *gs, GString *s);
/* cpu->env from the accelerator, and back after a change */
void gdb_sync_cpu(struct x86_cpu *cpu);
void gdb_put_cpu(struct x86_cpu *cpu);

/* gdbstub-state.c: registers, memory, breakpoints and watchpoints */
bool gdb_layout_64(struct gdb_server *gs);
void gdb_cmd_read_regs(struct gdb_server *gs);
void gdb_cmd_write_regs(struct gdb_server *gs, const char *p, size_t len);
void gdb_cmd_reg(struct gdb_server *gs, char cmd, const char *p);
void gdb_cmd_memory(struct gdb_server *gs, char cmd, const char *p, size_t plen);
void gdb_cmd_point(struct gdb_server *gs, bool insert, const char *p);
void gdb_points_clear(struct gdb_server *gs);

#endif

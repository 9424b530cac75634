// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gdbstub commands on the stopped machine's state (gdb manual, Appendix E
 * "Packets"): g/G/p/P registers, m/M/X memory, Z/z breakpoints and
 * watchpoints. All run on the main loop with the BQL held while every vCPU
 * is paused (gdbstub.c refuses them while the VM runs).
 */
#include "gdbstub/gdbstub-internal.h"
#include "accel/accel.h"
#include "hw/boards.h"
#include "monitor/monitor.h"
#include "system/memory.h"
#include "target/i386/cpu.h"

/* ---- memory ---- */

/*
 * Guest memory for gdb: virtual addresses through the vCPU's page tables
 * (a walk without side effects: no accessed/dirty bits are set), or
 * physical ones in PhyMemMode. RAM and ROM only: an unmapped address or a
 * device register answers an error instead of a read with side effects.
 */
static bool gdb_memory_rw(struct gdb_server *gs, struct x86_cpu *cpu, uint64_t addr,
			  uint8_t *buf, size_t len, bool write)
{
	struct address_space *as = gdb_machine()->as_mem;

	while (len) {
		size_t chunk = MIN(len, 0x1000 - (addr & 0xfff));
		uint64_t pa = addr;
		memtx_result r;

		if (!gs->phys_mode && !monitor_virt_to_phys(cpu, addr, &pa))
			return false;
		r = write ? dma_memory_write(as, pa, buf, chunk) : dma_memory_read(as, pa, buf, chunk);
		if (r != MEMTX_OK)
			return false;
		buf += chunk;
		addr += chunk;
		len -= chunk;
	}
	return true;
}

/* m addr,len  |  M addr,len:hex  |  X addr,len:binary */
void gdb_cmd_memory(struct gdb_server *gs, char cmd, const char *p, size_t plen)
{
	const char *end = p + plen;
	struct x86_cpu *cpu = gdb_cpu(gs->g_cpu);
	uint64_t addr, len;
	g_autofree uint8_t *buf = NULL;

	if (!gdb_parse_hex(&p, &addr) || *p++ != ',' || !gdb_parse_hex(&p, &len)) {
		gdb_reply(gs, "E22");
		return;
	}
	if (cmd == 'm') {
		g_autoptr(GString) r = g_string_new(NULL);

		if (p != end || len > (GDB_PACKET_MAX - 4) / 2) {
			gdb_reply(gs, "E22");
			return;
		}
		buf = g_malloc(len ? len : 1);
		gdb_sync_cpu(cpu);
		if (!gdb_memory_rw(gs, cpu, addr, buf, len, false)) {
			gdb_reply(gs, "E14");	/* EFAULT, as gdbserver and QEMU answer */
			return;
		}
		gdb_hex_append(r, buf, len);
		gdb_reply_str(gs, r);
		return;
	}
	if (*p++ != ':' || len > GDB_PACKET_MAX) {
		gdb_reply(gs, "E22");
		return;
	}
	buf = g_malloc(len ? len : 1);
	if (cmd == 'M') {
		if ((size_t)(end - p) != 2 * len || !gdb_hex_decode(p, buf, len)) {
			gdb_reply(gs, "E22");
			return;
		}
	} else {
		if ((size_t)(end - p) != len) {
			gdb_reply(gs, "E22");
			return;
		}
		memcpy(buf, p, len);
	}
	gdb_sync_cpu(cpu);
	if (len && !gdb_memory_rw(gs, cpu, addr, buf, len, true)) {
		gdb_reply(gs, "E14");
		return;
	}
	/* decoded code may be stale now: the interpreter re-checks bytes itself */
	gdb_reply(gs, "OK");
}

/* ---- registers ---- */

bool gdb_layout_64(struct gdb_server *gs)
{
	if (!gs->layout_fixed) {
		struct x86_cpu *cpu = gdb_cpu(0);

		gdb_sync_cpu(cpu);
		gs->x86_64 = cpu->env.efer & EFER_LMA;
	}
	return gs->x86_64;
}

void gdb_cmd_read_regs(struct gdb_server *gs)
{
	struct x86_cpu *cpu = gdb_cpu(gs->g_cpu);
	bool x64 = gdb_layout_64(gs);
	g_autoptr(GString) r = g_string_new(NULL);
	uint8_t buf[16];

	gdb_sync_cpu(cpu);
	for (unsigned i = 0; i < gdb_x86_num_regs(x64); i++) {
		int n = gdb_x86_read_reg(&cpu->env, x64, i, buf);

		gdb_hex_append(r, buf, n);
	}
	gdb_reply_str(gs, r);
}

void gdb_cmd_write_regs(struct gdb_server *gs, const char *p, size_t len)
{
	struct x86_cpu *cpu = gdb_cpu(gs->g_cpu);
	bool x64 = gdb_layout_64(gs);
	size_t need = 0, off = 0;
	uint8_t buf[16];

	for (unsigned i = 0; i < gdb_x86_num_regs(x64); i++)
		need += 2 * gdb_x86_reg_size(x64, i);
	/* gdb may send fewer registers than it knows: the rest stay as they are */
	if (len > need || len % 2) {
		gdb_reply(gs, "E22");
		return;
	}
	gdb_sync_cpu(cpu);
	for (unsigned i = 0; i < gdb_x86_num_regs(x64); i++) {
		size_t n = gdb_x86_reg_size(x64, i);

		if (off + 2 * n > len)
			break;
		if (!gdb_hex_decode(p + off, buf, n)) {
			gdb_reply(gs, "E22");
			return;
		}
		gdb_x86_write_reg(&cpu->env, x64, i, buf);
		off += 2 * n;
	}
	gdb_put_cpu(cpu);
	gdb_reply(gs, "OK");
}

/* p n  |  P n=value */
void gdb_cmd_reg(struct gdb_server *gs, char cmd, const char *p)
{
	struct x86_cpu *cpu = gdb_cpu(gs->g_cpu);
	bool x64 = gdb_layout_64(gs);
	uint64_t nr;
	uint8_t buf[16];
	int size;

	if (!gdb_parse_hex(&p, &nr) || nr >= gdb_x86_num_regs(x64)) {
		/* an unknown register: error, so gdb marks it unavailable */
		gdb_reply(gs, "E45");
		return;
	}
	size = gdb_x86_reg_size(x64, nr);
	gdb_sync_cpu(cpu);
	if (cmd == 'p') {
		g_autoptr(GString) r = g_string_new(NULL);

		gdb_x86_read_reg(&cpu->env, x64, nr, buf);
		gdb_hex_append(r, buf, size);
		gdb_reply_str(gs, r);
		return;
	}
	if (*p++ != '=' || strlen(p) != (size_t)size * 2 || !gdb_hex_decode(p, buf, size)) {
		gdb_reply(gs, "E22");
		return;
	}
	gdb_x86_write_reg(&cpu->env, x64, nr, buf);
	gdb_put_cpu(cpu);
	gdb_reply(gs, "OK");
}

/* ---- breakpoints and watchpoints ---- */

static void gdb_points_publish(struct gdb_server *gs)
{
	bool any = gs->points.breaks->len || gs->points.watches->len;

	for (unsigned i = 0; i < gdb_nr_cpus(); i++) {
		struct x86_cpu *cpu = gdb_cpu(i);

		cpu->debug_points = any ? &gs->points : NULL;
		debug_points_changed(cpu);
	}
}

void gdb_points_clear(struct gdb_server *gs)
{
	g_array_set_size(gs->points.breaks, 0);
	g_array_set_size(gs->points.watches, 0);
	gdb_points_publish(gs);
}

/*
 * Z/z type,addr,kind. Software and hardware breakpoints are the same thing
 * to kemu: the accelerator decides how to catch them (the interpreter
 * compares addresses; KVM uses what the host allows, see accel/kvm/kvm-debug.c).
 */
void gdb_cmd_point(struct gdb_server *gs, bool insert, const char *p)
{
	uint64_t type, addr, kind;
	struct debug_point pt;
	GArray *set;
	const char *err;

	if (!gdb_parse_hex(&p, &type) || *p++ != ',' || !gdb_parse_hex(&p, &addr) ||
	    *p++ != ',' || !gdb_parse_hex(&p, &kind) || (*p && *p != ';')) {
		gdb_reply(gs, "E22");
		return;
	}
	if (type > DEBUG_WATCH_ACCESS) {
		gdb_reply(gs, "");	/* unsupported type: empty, as the protocol asks */
		return;
	}
	if (type >= DEBUG_WATCH_WRITE && (kind == 0 || kind > 4096 || addr + kind < addr)) {
		gdb_reply(gs, "E22");
		return;
	}
	pt = (struct debug_point){ .addr = addr, .len = type >= DEBUG_WATCH_WRITE ? kind : 1,
				   .type = type };
	set = type >= DEBUG_WATCH_WRITE ? gs->points.watches : gs->points.breaks;
	for (guint i = 0; i < set->len; i++) {
		struct debug_point *q = &g_array_index(set, struct debug_point, i);

		if (q->addr == pt.addr && q->len == pt.len && q->type == pt.type) {
			if (!insert)
				g_array_remove_index(set, i);
			gdb_points_publish(gs);
			gdb_reply(gs, "OK");
			return;
		}
	}
	if (!insert) {
		gdb_reply(gs, "OK");	/* removing what is not there is not an error to gdb */
		return;
	}
	err = gdb_machine()->accel->debug_points_check ?
		gdb_machine()->accel->debug_points_check(&gs->points, &pt) : NULL;
	if (err) {
		/*
		 * An error reply makes gdb say "You may have requested too many
		 * hardware breakpoints/watchpoints"; the reason goes to kemu's stderr.
		 */
		fprintf(stderr, "kemu: gdbstub: %s\n", err);
		gdb_reply(gs, "E28");	/* ENOSPC */
		return;
	}
	g_array_append_val(set, pt);
	gdb_points_publish(gs);
	gdb_reply(gs, "OK");
}

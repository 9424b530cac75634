// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HMP, the human monitor: QEMU's "(qemu) " prompt, a small line editor
 * (left/right, Home/End, backspace/delete, Ctrl-A/E/K/U, history with
 * up/down, command-name completion with Tab), the command-line parser and
 * expression evaluator ("0x1000 + 4*2", "$pc", "$eax"). Input is always
 * echoed, as QEMU's readline does on any chardev; output uses "\r\n".
 * Not here: the commands themselves (hmp-cmds.c).
 */
#include "monitor/monitor-internal.h"
#include "config-host.h"
#include "hw/boards.h"
#include "target/i386/cpu.h"

#define HMP_PROMPT "(qemu) "

/* ---- line editor ---- */

void hmp_readline_free(struct readline_state *rl)
{
	for (int i = 0; i < rl->hist_count; i++)
		g_free(rl->history[i]);
	rl->hist_count = 0;
}

static void rl_redraw(struct monitor *mon)
{
	struct readline_state *rl = &mon->rl;
	g_autofree char *line = g_strndup(rl->buf, rl->len);

	monitor_printf(mon, "\r" HMP_PROMPT "%s\033[K", line);
	if (rl->len > rl->pos)
		monitor_printf(mon, "\033[%dD", rl->len - rl->pos);
}

static void rl_set_line(struct monitor *mon, const char *s)
{
	struct readline_state *rl = &mon->rl;

	rl->len = MIN((int)strlen(s), HMP_LINE_MAX - 1);
	memcpy(rl->buf, s, rl->len);
	rl->pos = rl->len;
	rl_redraw(mon);
}

static void rl_history_add(struct readline_state *rl, const char *line)
{
	if (!*line || (rl->hist_count && !strcmp(rl->history[rl->hist_count - 1], line)))
		return;
	if (rl->hist_count == HMP_HISTORY_MAX) {
		g_free(rl->history[0]);
		memmove(rl->history, rl->history + 1, (HMP_HISTORY_MAX - 1) * sizeof(char *));
		rl->hist_count--;
	}
	rl->history[rl->hist_count++] = g_strdup(line);
}

static void rl_history_move(struct monitor *mon, int dir)
{
	struct readline_state *rl = &mon->rl;
	int pos = rl->hist_pos + dir;

	if (pos < 0 || pos > rl->hist_count)
		return;
	rl->hist_pos = pos;
	rl_set_line(mon, pos == rl->hist_count ? "" : rl->history[pos]);
}

static void rl_insert(struct monitor *mon, char c)
{
	struct readline_state *rl = &mon->rl;

	if (rl->len >= HMP_LINE_MAX - 1)
		return;
	memmove(rl->buf + rl->pos + 1, rl->buf + rl->pos, rl->len - rl->pos);
	rl->buf[rl->pos++] = c;
	rl->len++;
	if (rl->pos == rl->len) {
		char s[2] = { c, 0 };

		monitor_puts(mon, s);
	} else {
		rl_redraw(mon);
	}
}

static void rl_delete(struct monitor *mon, int at)
{
	struct readline_state *rl = &mon->rl;

	if (at < 0 || at >= rl->len)
		return;
	memmove(rl->buf + at, rl->buf + at + 1, rl->len - at - 1);
	rl->len--;
	if (rl->pos > at)
		rl->pos--;
	rl_redraw(mon);
}

static void rl_complete(struct monitor *mon)
{
	struct readline_state *rl = &mon->rl;
	g_autofree char *word = g_strndup(rl->buf, rl->pos);
	GPtrArray *matches = g_ptr_array_new_with_free_func(g_free);
	const struct hmp_command *table = hmp_commands;
	const char *prefix = word;

	if (g_str_has_prefix(word, "info ")) {
		table = hmp_info_commands;
		prefix = word + 5;
	} else if (g_str_has_prefix(word, "sendkey ") && !strchr(word + 8, ' ')) {
		/* key names: the completion replaces the part after the last '-' */
		prefix = strrchr(word, '-') ? strrchr(word, '-') + 1 : word + 8;
		hmp_sendkey_complete(word + 8, matches);
		table = NULL;
	} else if (strchr(word, ' ')) {
		g_ptr_array_free(matches, true);
		return;
	}
	for (const struct hmp_command *c = table; c && c->name; c++) {
		g_auto(GStrv) names = g_strsplit(c->name, "|", -1);

		for (char **n = names; *n; n++)
			if (g_str_has_prefix(*n, prefix))
				g_ptr_array_add(matches, g_strdup(*n));
	}
	if (matches->len == 1) {
		const char *m = g_ptr_array_index(matches, 0);

		for (const char *p = m + strlen(prefix); *p; p++)
			rl_insert(mon, *p);
		rl_insert(mon, ' ');
	} else if (matches->len > 1) {
		monitor_puts(mon, "\n");
		for (guint i = 0; i < matches->len; i++)
			monitor_printf(mon, "%s\n", (char *)g_ptr_array_index(matches, i));
		rl_redraw(mon);
	}
	g_ptr_array_free(matches, true);
}

static void rl_escape(struct monitor *mon, char c)
{
	struct readline_state *rl = &mon->rl;

	if (rl->esc == 1) {
		rl->esc = c == '[' ? 2 : c == 'O' ? 3 : 0;
		rl->esc_param = 0;
		return;
	}
	if (rl->esc == 2 && g_ascii_isdigit(c)) {
		rl->esc_param = rl->esc_param * 10 + (c - '0');
		return;
	}
	rl->esc = 0;
	switch (c) {
	case 'A':
		rl_history_move(mon, -1);
		break;
	case 'B':
		rl_history_move(mon, 1);
		break;
	case 'C':
		if (rl->pos < rl->len) {
			rl->pos++;
			monitor_puts(mon, "\033[C");
		}
		break;
	case 'D':
		if (rl->pos > 0) {
			rl->pos--;
			monitor_puts(mon, "\033[D");
		}
		break;
	case 'H':
		rl->pos = 0;
		rl_redraw(mon);
		break;
	case 'F':
		rl->pos = rl->len;
		rl_redraw(mon);
		break;
	case '~':
		if (rl->esc_param == 1 || rl->esc_param == 7) {
			rl->pos = 0;
			rl_redraw(mon);
		} else if (rl->esc_param == 4 || rl->esc_param == 8) {
			rl->pos = rl->len;
			rl_redraw(mon);
		} else if (rl->esc_param == 3) {
			rl_delete(mon, rl->pos);
		}
		break;
	default:
		break;
	}
}

static void rl_enter(struct monitor *mon)
{
	struct readline_state *rl = &mon->rl;
	g_autofree char *line = g_strndup(rl->buf, rl->len);

	monitor_puts(mon, "\n");
	rl_history_add(rl, line);
	rl->hist_pos = rl->hist_count;
	rl->len = rl->pos = 0;
	hmp_handle_command(mon, line);
	/* after quit QEMU is gone without a prompt */
	if (!g_regex_match_simple("^\\s*(q|quit)\\s*$", line, 0, 0))
		monitor_puts(mon, HMP_PROMPT);
}

static void rl_byte(struct monitor *mon, uint8_t c)
{
	struct readline_state *rl = &mon->rl;
	bool after_cr = rl->last_cr;

	rl->last_cr = c == '\r';
	if (rl->esc) {
		rl_escape(mon, c);
		return;
	}
	switch (c) {
	case '\r':
		rl_enter(mon);
		break;
	case '\n':
		if (!after_cr)		/* "\r\n" is one line */
			rl_enter(mon);
		break;
	case 27:
		rl->esc = 1;
		break;
	case 1:				/* Ctrl-A */
		rl->pos = 0;
		rl_redraw(mon);
		break;
	case 5:				/* Ctrl-E */
		rl->pos = rl->len;
		rl_redraw(mon);
		break;
	case 2:				/* Ctrl-B */
		rl_escape(mon, (rl->esc = 2, 'D'));
		break;
	case 6:				/* Ctrl-F */
		rl_escape(mon, (rl->esc = 2, 'C'));
		break;
	case 4:				/* Ctrl-D */
		rl_delete(mon, rl->pos);
		break;
	case 8: case 127:		/* backspace */
		if (rl->pos > 0)
			rl_delete(mon, rl->pos - 1);
		break;
	case 11:			/* Ctrl-K */
		rl->len = rl->pos;
		rl_redraw(mon);
		break;
	case 21:			/* Ctrl-U */
		rl->len = rl->pos = 0;
		rl_redraw(mon);
		break;
	case 16:			/* Ctrl-P */
		rl_history_move(mon, -1);
		break;
	case 14:			/* Ctrl-N */
		rl_history_move(mon, 1);
		break;
	case 9:
		rl_complete(mon);
		break;
	default:
		if (c >= 32)
			rl_insert(mon, (char)c);
		break;
	}
}

void hmp_receive(struct monitor *mon, const uint8_t *buf, int len)
{
	for (int i = 0; i < len; i++)
		rl_byte(mon, buf[i]);
}

void hmp_session_start(struct monitor *mon)
{
	mon->rl.len = mon->rl.pos = 0;
	mon->rl.esc = 0;
	mon->rl.hist_pos = mon->rl.hist_count;
	monitor_printf(mon, "QEMU 7.2.0 monitor - type 'help' for more information\n" HMP_PROMPT);
}

/* ---- expressions ---- */

static bool expr_sum(struct monitor *mon, const char **pp, int64_t *v, GError **errp);

static void skip_spaces(const char **pp)
{
	while (**pp == ' ' || **pp == '\t')
		(*pp)++;
}

static bool expr_register_read(struct monitor *mon, const char *name, int64_t *v,
			       GError **errp);

/* $reg: read with the vCPUs paused (their threads write the state). */
static bool expr_register(struct monitor *mon, const char **pp, int64_t *v, GError **errp)
{
	const char *p = *pp;
	char name[16];
	size_t n = 0;
	bool was_running, ok;

	while ((g_ascii_isalnum(*p) || *p == '_') && n < sizeof(name) - 1)
		name[n++] = g_ascii_tolower(*p++);
	name[n] = 0;
	*pp = p;
	was_running = monitor_pause_for_inspection();
	ok = expr_register_read(mon, name, v, errp);
	monitor_resume_after_inspection(was_running);
	return ok;
}

static bool expr_register_read(struct monitor *mon, const char *name, int64_t *v,
			       GError **errp)
{
	static const char *const regs64[] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi",
					      "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
					      "r14", "r15" };
	static const char *const regs32[] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi",
					      "edi" };
	static const char *const segs[] = { "es", "cs", "ss", "ds", "fs", "gs" };
	struct x86_cpu *cpu = monitor_get_cpu(mon->cpu_index);
	const CPUX86State *env;

	if (!cpu) {
		g_set_error(errp, KEMU_ERROR, 0, "no CPU defined");
		return false;
	}
	env = &cpu->env;
	if (!strcmp(name, "pc") || !strcmp(name, "rip")) {
		/* QEMU's $pc is the linear address: CS base + EIP */
		*v = !strcmp(name, "pc") ? (int64_t)(env->segs[R_CS].base + env->rip)
					 : (int64_t)env->rip;
		return true;
	}
	if (!strcmp(name, "eip")) {
		*v = (uint32_t)env->rip;
		return true;
	}
	if (!strcmp(name, "eflags") || !strcmp(name, "rflags")) {
		*v = env->rflags;
		return true;
	}
	for (int i = 0; i < 16; i++)
		if (!strcmp(name, regs64[i])) {
			*v = env->regs[i];
			return true;
		}
	for (int i = 0; i < 8; i++)
		if (!strcmp(name, regs32[i])) {
			*v = (uint32_t)env->regs[i];
			return true;
		}
	for (int i = 0; i < 6; i++)
		if (!strcmp(name, segs[i])) {
			*v = env->segs[i].selector;
			return true;
		}
	if (name[0] == 'c' && name[1] == 'r' && name[2] >= '0' && name[2] <= '4' && !name[3]) {
		*v = env->cr[name[2] - '0'];
		return true;
	}
	g_set_error(errp, KEMU_ERROR, 0, "unknown register");
	return false;
}

static bool expr_unary(struct monitor *mon, const char **pp, int64_t *v, GError **errp)
{
	const char *p;
	char *end;

	skip_spaces(pp);
	p = *pp;
	switch (*p) {
	case '+':
		(*pp)++;
		return expr_unary(mon, pp, v, errp);
	case '-':
		(*pp)++;
		if (!expr_unary(mon, pp, v, errp))
			return false;
		*v = -*v;
		return true;
	case '~':
		(*pp)++;
		if (!expr_unary(mon, pp, v, errp))
			return false;
		*v = ~*v;
		return true;
	case '(':
		(*pp)++;
		if (!expr_sum(mon, pp, v, errp))
			return false;
		skip_spaces(pp);
		if (**pp != ')') {
			g_set_error(errp, KEMU_ERROR, 0, "')' expected");
			return false;
		}
		(*pp)++;
		return true;
	case '$':
		(*pp)++;
		return expr_register(mon, pp, v, errp);
	case '\0':
		g_set_error(errp, KEMU_ERROR, 0, "unexpected end of expression");
		return false;
	default:
		errno = 0;
		*v = (int64_t)g_ascii_strtoull(p, &end, 0);
		if (end == p) {
			g_set_error(errp, KEMU_ERROR, 0, "invalid char '%c' in expression", *p);
			return false;
		}
		if (errno == ERANGE) {
			g_set_error(errp, KEMU_ERROR, 0, "number too large");
			return false;
		}
		*pp = end;
		return true;
	}
}

static bool expr_prod(struct monitor *mon, const char **pp, int64_t *v, GError **errp)
{
	if (!expr_unary(mon, pp, v, errp))
		return false;
	for (;;) {
		int64_t r;
		char op;

		skip_spaces(pp);
		op = **pp;
		if (op != '*' && op != '/' && op != '%')
			return true;
		(*pp)++;
		if (!expr_unary(mon, pp, &r, errp))
			return false;
		if (op != '*' && r == 0) {
			g_set_error(errp, KEMU_ERROR, 0, "division by zero");
			return false;
		}
		*v = op == '*' ? *v * r : op == '/' ? *v / r : *v % r;
	}
}

static bool expr_logic(struct monitor *mon, const char **pp, int64_t *v, GError **errp)
{
	if (!expr_prod(mon, pp, v, errp))
		return false;
	for (;;) {
		int64_t r;
		char op;

		skip_spaces(pp);
		op = **pp;
		if (op != '&' && op != '|' && op != '^')
			return true;
		(*pp)++;
		if (!expr_prod(mon, pp, &r, errp))
			return false;
		*v = op == '&' ? *v & r : op == '|' ? *v | r : *v ^ r;
	}
}

static bool expr_sum(struct monitor *mon, const char **pp, int64_t *v, GError **errp)
{
	if (!expr_logic(mon, pp, v, errp))
		return false;
	for (;;) {
		int64_t r;
		char op;

		skip_spaces(pp);
		op = **pp;
		if (op != '+' && op != '-')
			return true;
		(*pp)++;
		if (!expr_logic(mon, pp, &r, errp))
			return false;
		*v = op == '+' ? *v + r : *v - r;
	}
}

bool hmp_eval_expr(struct monitor *mon, const char **pp, int64_t *val, GError **errp)
{
	return expr_sum(mon, pp, val, errp);
}

/* ---- commands ---- */

static const struct hmp_command *hmp_find(const struct hmp_command *table, const char *name)
{
	for (const struct hmp_command *c = table; c && c->name; c++) {
		g_auto(GStrv) names = g_strsplit(c->name, "|", -1);

		if (g_strv_contains((const char *const *)names, name))
			return c;
	}
	return NULL;
}

void hmp_handle_command(struct monitor *mon, const char *line)
{
	const char *p = line, *start;
	g_autofree char *name = NULL;
	const struct hmp_command *cmd;

	skip_spaces(&p);
	if (!*p)
		return;
	start = p;
	/* QEMU: the name ends at a space or at a '/' that starts a format */
	while (*p && *p != ' ' && *p != '\t' && *p != '/')
		p++;
	name = g_strndup(start, p - start);
	cmd = hmp_find(hmp_commands, name);
	if (!cmd) {
		monitor_printf(mon, "unknown command: '%s'\n", name);
		return;
	}
	skip_spaces(&p);
	cmd->fn(mon, p);
}

char *hmp_run_captured(const char *line, int cpu_index)
{
	struct monitor mon = { .mode = MONITOR_MODE_READLINE, .cpu_index = cpu_index };

	mon.capture = g_string_new(NULL);
	mon.outbuf = g_string_new(NULL);
	hmp_handle_command(&mon, line);
	g_string_free(mon.outbuf, true);
	return g_string_free(mon.capture, false);
}

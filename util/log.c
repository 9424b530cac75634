// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `-d` categories and the `-D` log file. See include/kemu/log.h.
 */
#include "kemu/common.h"

#include <stdarg.h>

unsigned kemu_log_mask_value;
static FILE *log_file;		/* NULL means stderr */
static GMutex log_lock;		/* keeps lines from different vCPUs whole */

static const struct {
	const char *name;
	unsigned mask;
	const char *help;
} log_categories[] = {
	{ "guest_errors", LOG_GUEST_ERROR, "guest actions the hardware would refuse" },
	{ "unimp", LOG_UNIMP, "features kemu does not model" },
	{ "int", LOG_INT, "interrupts and exceptions" },
	{ "in_asm", LOG_IN_ASM, "disassembly of guest code as it is executed (interp)" },
	{ "emul", LOG_EMUL, "instructions kemu executed because KVM could not" },
	{ "cpu", LOG_CPU, "CPU registers" },
	{ "ioport", LOG_IOPORT, "accesses to unassigned ports and MMIO" },
	{ "cpu_reset", LOG_RESET, "CPU resets" },
	{ "trace", LOG_TRACE, "device trace points" },
};

G_DEFINE_QUARK(kemu-error-quark, kemu_error)

void kemu_log(const char *fmt, ...)
{
	va_list ap;

	g_mutex_lock(&log_lock);
	va_start(ap, fmt);
	vfprintf(log_file ? log_file : stderr, fmt, ap);
	va_end(ap);
	if (log_file)
		fflush(log_file);
	g_mutex_unlock(&log_lock);
}

void log_set_mask(unsigned mask)
{
	__atomic_store_n(&kemu_log_mask_value, mask, __ATOMIC_RELAXED);
}

void log_print_categories(void)
{
	printf("Log items (comma separated):\n");
	for (size_t i = 0; i < ARRAY_SIZE(log_categories); i++)
		printf("%-15s %s\n", log_categories[i].name, log_categories[i].help);
}

bool log_parse_categories(const char *str, unsigned *mask, GError **errp)
{
	g_auto(GStrv) items = g_strsplit(str, ",", -1);
	unsigned m = 0;

	for (char **it = items; *it; it++) {
		bool found = false;

		if (!**it)
			continue;
		if (!strcmp(*it, "all")) {
			m = ~0u;
			continue;
		}
		for (size_t i = 0; i < ARRAY_SIZE(log_categories); i++) {
			if (!strcmp(*it, log_categories[i].name)) {
				m |= log_categories[i].mask;
				found = true;
			}
		}
		if (!found) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "-d: unknown log category '%s' (try -d help)", *it);
			return false;
		}
	}
	*mask = m;
	return true;
}

bool log_set_file(const char *path, GError **errp)
{
	FILE *f = fopen(path, "a");

	if (!f) {
		g_set_error(errp, KEMU_ERROR, 0, "-D %s: %s", path, g_strerror(errno));
		return false;
	}
	g_mutex_lock(&log_lock);
	if (log_file)
		fclose(log_file);
	log_file = f;
	g_mutex_unlock(&log_lock);
	return true;
}

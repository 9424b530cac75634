/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging: `-d CATEGORIES` selects what is logged, `-D FILE` where.
 *
 * Use the category macros, never fprintf(stderr) for guest-triggered events:
 *
 *	guest_error("ide: sector count %u beyond end of disk", n);
 *	log_unimp("rtc: register 0x%x", reg);
 *	if (log_enabled(LOG_INT)) kemu_log("int 0x%02x at %04x:%08lx\n", ...);
 *
 * guest_error() is for a guest doing something the hardware would not accept
 * (the event is ignored and the guest carries on); log_unimp() is for a
 * feature kemu does not model. Neither ever aborts. The mask is the one
 * process-wide setting outside the machine object, because logging must work
 * before the machine exists (option parsing) and from every thread.
 */
#ifndef KEMU_LOG_H
#define KEMU_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

enum log_category {
	LOG_GUEST_ERROR = 1u << 0,	/* guest_errors */
	LOG_UNIMP	= 1u << 1,	/* unimp */
	LOG_INT		= 1u << 2,	/* int: interrupts and exceptions */
	LOG_IN_ASM	= 1u << 3,	/* in_asm: disassembly of executed code */
	LOG_EMUL	= 1u << 4,	/* emul: instructions kemu ran for KVM */
	LOG_CPU		= 1u << 5,	/* cpu: CPU state before each block */
	LOG_IOPORT	= 1u << 6,	/* ioport: unassigned port accesses */
	LOG_RESET	= 1u << 7,	/* cpu_reset */
	LOG_TRACE	= 1u << 8,	/* trace: device trace points */
};

extern unsigned kemu_log_mask_value;

static inline bool log_enabled(unsigned mask)
{
	return (__atomic_load_n(&kemu_log_mask_value, __ATOMIC_RELAXED) & mask) != 0;
}

void kemu_log(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Parse "-d guest_errors,unimp"; "help" lists the categories. */
bool log_parse_categories(const char *str, unsigned *mask, GError **errp);
void log_print_categories(void);
bool log_set_file(const char *path, GError **errp);
void log_set_mask(unsigned mask);

#define guest_error(fmt, ...)						\
	do {								\
		if (log_enabled(LOG_GUEST_ERROR))			\
			kemu_log("guest error: " fmt "\n", ##__VA_ARGS__); \
	} while (0)

#define log_unimp(fmt, ...)						\
	do {								\
		if (log_enabled(LOG_UNIMP))				\
			kemu_log("unimplemented: " fmt "\n", ##__VA_ARGS__); \
	} while (0)

#define log_mask(mask, fmt, ...)					\
	do {								\
		if (log_enabled(mask))					\
			kemu_log(fmt, ##__VA_ARGS__);			\
	} while (0)

#endif

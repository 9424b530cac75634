/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU-style option strings: "value0,key1=value1,key2=value2".
 *
 * The first element may omit its key (implied_key: "driver" for -device,
 * "cpus" for -smp, "size" for -m, "type" for -machine); ",," is a literal
 * comma inside a value; a bare "key" in a later position means key=on.
 * Keys are kept in order; opts_get() returns the last value given, as QEMU
 * does. opts_check_unused() turns every key nobody asked for into an error,
 * so unknown options are never silently ignored.
 */
#ifndef KEMU_OPTS_H
#define KEMU_OPTS_H

#include "kemu/common.h"

struct opt {
	char *key;
	char *value;
	bool used;
};

struct opts {
	char *option;		/* "-device", for error messages */
	GPtrArray *list;	/* struct opt * */
};

struct opts *opts_parse(const char *option, const char *str, const char *implied_key,
			GError **errp);
void opts_free(struct opts *o);
typedef struct opts kemu_opts;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kemu_opts, opts_free)
/* Marks the key used; NULL if absent. */
const char *opts_get(struct opts *o, const char *key);
bool opts_has(struct opts *o, const char *key);
/* These keep *out unchanged when the key is absent. */
bool opts_get_bool(struct opts *o, const char *key, bool *out, GError **errp);
bool opts_get_number(struct opts *o, const char *key, uint64_t *out, GError **errp);
bool opts_get_size(struct opts *o, const char *key, char default_suffix, uint64_t *out,
		   GError **errp);
/* Error for the first key no opts_get*() call looked at. */
bool opts_check_unused(struct opts *o, GError **errp);

#endif

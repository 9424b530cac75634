// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The accelerator registry. See accel/accel.h.
 */
#include "accel/accel.h"

static GPtrArray *accels;

void accel_register(const struct accel_ops *ops)
{
	if (!accels)
		accels = g_ptr_array_new();
	g_ptr_array_add(accels, (gpointer)ops);
}

const struct accel_ops *accel_find(const char *name)
{
	/* QEMU command lines and management tools say tcg: that is our interp */
	if (!strcmp(name, "tcg"))
		name = "interp";
	for (guint i = 0; accels && i < accels->len; i++) {
		const struct accel_ops *ops = g_ptr_array_index(accels, i);

		if (!strcmp(ops->name, name))
			return ops;
	}
	return NULL;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between the chardev core and its backends; not for devices. */
#ifndef CHARDEV_INTERNAL_H
#define CHARDEV_INTERNAL_H

#include "chardev/char.h"

/* Add chr to the registry (which takes over the caller's reference). */
void chardev_register(struct chardev *chr);
/* Wrap base in a mux registered as id; takes over the reference to base. */
struct chardev *chardev_mux_new(const char *id, struct chardev *base, GError **errp);

#endif

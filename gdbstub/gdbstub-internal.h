/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the gdbstub: the x86 register layouts (x86-regs.c) used by the
 * protocol code (gdbstub.c), exposed here for the unit tests as well.
 */
#ifndef GDBSTUB_INTERNAL_H
#define GDBSTUB_INTERNAL_H

#include "kemu/common.h"
#include "gdbstub/packet.h"
#include "gdbstub/gdbstub.h"

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

#endif

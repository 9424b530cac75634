/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nop in a real-mode loop: see bios-insn16.h */
#define INSN nop
#include "bios-insn16.h"

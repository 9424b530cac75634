/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fwait in a real-mode loop: see bios-insn16.h */
#define INSN fwait
#include "bios-insn16.h"

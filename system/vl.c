// SPDX-License-Identifier: GPL-2.0-or-later
#include "kemu/common.h"
int kemu_main(int argc, char **argv);
int kemu_main(int argc, char **argv)
{
	fprintf(stderr, "kemu: not yet able to run a machine\n");
	return 1;
}

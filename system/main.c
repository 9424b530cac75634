// SPDX-License-Identifier: GPL-2.0-or-later
#include "kemu/common.h"

int kemu_main(int argc, char **argv);

int main(int argc, char **argv)
{
	return kemu_main(argc, argv);
}

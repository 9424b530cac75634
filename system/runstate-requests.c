// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Run-state requests from devices, forwarded to whoever handles them (the
 * machine, or the device-test harness). See system/runstate.h.
 */
#include "kemu/common.h"
#include "system/runstate.h"

static const struct runstate_handler *runstate_handler;

void runstate_set_handler(const struct runstate_handler *h)
{
	runstate_handler = h;
}

void runstate_request_exit(int status)
{
	if (runstate_handler && runstate_handler->exit)
		runstate_handler->exit(status);
	else
		exit(status);
}

void runstate_request_reset(void)
{
	if (runstate_handler && runstate_handler->reset)
		runstate_handler->reset();
}

void runstate_request_poweroff(void)
{
	if (runstate_handler && runstate_handler->poweroff)
		runstate_handler->poweroff();
	else
		exit(0);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The `test` accelerator: a machine without a CPU that runs. Its vCPUs
 * never execute anything; virtual time moves only when a test says so
 * (clock_step), so timer-driven devices are tested deterministically on the
 * same board code that runs under KVM and interp.
 */
#include "accel/accel.h"
#include "hw/boards.h"
#include "system/timer.h"

static bool test_accel_available(GError **errp)
{
	return true;
}

static bool test_accel_init(struct machine_state *ms, GError **errp)
{
	clock_virtual_set_manual(true);
	ms->kernel_irqchip = KERNEL_IRQCHIP_OFF;
	return true;
}

static bool test_vcpu_init(struct x86_cpu *cpu, GError **errp)
{
	return true;
}

static int test_vcpu_exec(struct x86_cpu *cpu)
{
	/* nothing runs: behave like a CPU halted forever */
	return EXEC_HALTED;
}

static const struct accel_ops test_accel_ops = {
	.name = "test",
	.available = test_accel_available,
	.init = test_accel_init,
	.vcpu_init = test_vcpu_init,
	.vcpu_exec = test_vcpu_exec,
};

static void __attribute__((constructor)) test_accel_register(void)
{
	accel_register(&test_accel_ops);
}

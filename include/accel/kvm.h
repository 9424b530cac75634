/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM accelerator's services for the rest of kemu. The accelerator
 * itself is reached through struct accel_ops ("kvm", accel/accel.h); this
 * header is for what boards, devices and the monitor need besides:
 *
 *	if (kvm_enabled())
 *		kvm_irqchip_send_msi(msg_addr, msg_data);	// MSI into the in-kernel LAPIC
 *	g_autofree char *s = kvm_emul_stats_format();		// HMP "info emul"
 *
 * "Emulation fallbacks" are instructions KVM's in-kernel emulator gave up
 * on (KVM_EXIT_INTERNAL_ERROR, suberror KVM_INTERNAL_ERROR_EMULATION) and
 * kemu executed in userspace with its own interpreter before resuming
 * KVM_RUN. They are counted per mnemonic and logged under `-d emul`.
 */
#ifndef ACCEL_KVM_H
#define ACCEL_KVM_H

#include "kemu/common.h"

/* True once the kvm accelerator's init() succeeded in this process. */
bool kvm_enabled(void);

/* Inject an MSI (KVM_SIGNAL_MSI). false + errp if KVM refused it. */
bool kvm_irqchip_send_msi(uint64_t addr, uint32_t data, GError **errp);

/*
 * ioeventfd (KVM_IOEVENTFD): a guest write of len bytes (1, 2, 4 or 8) to
 * addr (MMIO, or a port when !is_mmio) signals the eventfd fd inside the
 * kernel and the vCPU carries on without an exit to kemu; whoever watches
 * fd (a main-loop fd watch) then does the device's work. assign=false
 * removes the registration. false + errp if KVM refused it.
 */
bool kvm_ioeventfd_set(int fd, uint64_t addr, unsigned len, bool is_mmio, bool assign,
		       GError **errp);

/*
 * System reset with an in-kernel irqchip: KVM does not reset its LAPICs,
 * PIC, IOAPIC and PIT by itself. Call with the vCPUs paused, after the
 * CPUs' own reset (a no-op with kernel-irqchip=off or without KVM).
 */
bool kvm_irqchip_reset(GError **errp);

/* Fallback counters: total, and one "mnemonic count" line each. */
uint64_t kvm_emul_count_total(void);
char *kvm_emul_stats_format(void);
void kvm_emul_stats_reset(void);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The `pc` machine: an i440FX/PIIX3-style PC, read like a schematic.
 *
 * This file decides where everything is: RAM and its split around the
 * PCI hole, firmware, the interrupt controllers in use (KVM's in-kernel ones
 * or kemu's own), which ISA IRQ goes to which GSI, and how the guest is
 * booted (directly, without firmware, when -kernel is given). Devices never
 * know their addresses; ISA devices take theirs from the properties set here.
 *
 * Memory map (below 4 GiB), as QEMU's pc:
 *   0x00000000-0x0009ffff  RAM (conventional)
 *   0x000a0000-0x000bffff  VGA window (the VGA at 00:02.0 decodes it on the PCI side)
 *   0x000c0000-0x000fffff  RAM under direct boot; BIOS shadow (ROM alias) otherwise
 *   0x00100000-below_4g    RAM
 *   below_4g  -0xfebfffff  PCI hole
 *   0xfec00000             IOAPIC (kemu's, with kernel-irqchip=split|off)
 *   0xfee00000             local APICs (per CPU) and MSI
 *   4G - bios size         BIOS ROM
 *   0x100000000-           RAM above 4 GiB (when RAM does not fit below)
 *
 * Ports: 0x20/0xa0 PIC, 0x40 PIT, 0x60/0x64 i8042, 0x61 port B, 0x70 RTC,
 * 0x80 POST, 0x92 port A, 0x2f8/0x3f8/0x2e8/0x3e8 COM, 0x4d0 ELCR,
 * 0x510 fw_cfg, 0x600 ACPI PM, 0xcf9 reset control, 0xb2 ACPI SMI command.
 *
 * ISA IRQs: 0 PIT (IOAPIC pin 2), 1 keyboard, 3/4 COM, 8 RTC, 9 SCI, 12 mouse.
 */
#include "hw/i386/pc.h"
#include "hw/acpi/pcihp.h"
#include "hw/isa/isa.h"
#include "hw/isa/piix3.h"
#include "hw/pci-host/i440fx.h"
#include "hw/intc/apic.h"
#include "hw/intc/i8259.h"
#include "hw/intc/ioapic.h"
#include "hw/timer/i8254.h"
#include "hw/i386/e820.h"
#include "hw/i386/loader.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/input/i8042.h"
#include "hw/misc/port92.h"
#include "hw/rtc/mc146818rtc.h"
#include "hw/virtio/virtio-blk.h"
#include "hw/ide/ide.h"
#include "hw/block/fdc.h"
#include "target/i386/cpu.h"
#include "system/cpus.h"
#include "system/main-loop.h"
#include "system/runstate.h"
#include "system/timer.h"
#include "accel/kvm.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define PC_ISA_BIOS_SIZE (128 * KiB)
#define PC_PCI_HOLE_START 0xe0000000ULL	/* QEMU's lowmem limit for pc */

/* ---- interrupt routing ---- */

/*
 * GSI n -> interrupt controllers. With the in-kernel irqchip KVM routes the
 * GSI itself (to its PIC and IOAPIC); otherwise ISA IRQs go to both of
 * kemu's PIC (pins 0-15) and IOAPIC, where IRQ0 lands on pin 2 (the
 * interrupt source override that the MADT and MP table announce).
 */
static void pc_set_gsi(struct machine_state *ms, int gsi, int level)
{
	struct pc_machine *pc = PC_MACHINE(ms);

	if (ms->kernel_irqchip == KERNEL_IRQCHIP_ON) {
		ms->accel->set_gsi(ms, gsi, level);
		return;
	}
	if (gsi < 16 && pc->pic)
		pic_set_irq(pc->pic, gsi, level);
	if (pc->ioapic)
		ioapic_set_irq(pc->ioapic, gsi == 0 ? 2 : gsi, level);
}

void pc_acpi_sci(void *opaque, int n, int level)
{
	struct machine_state *ms = opaque;

	ms->set_gsi(ms, n, level);
}

static void pc_isa_irq(void *opaque, int n, int level)
{
	struct machine_state *ms = opaque;

	ms->set_gsi(ms, n, level);
}

static void pc_apic_cpu_interrupt(struct x86_cpu *cpu, int mask)
{
	cpu_interrupt(cpu, mask);
}

static void pc_apic_cpu_reset_interrupt(struct x86_cpu *cpu, int mask)
{
	cpu_reset_interrupt(cpu, mask);
}

static const struct apic_cpu_ops pc_apic_cpu_ops = {
	.interrupt = pc_apic_cpu_interrupt,
	.reset_interrupt = pc_apic_cpu_reset_interrupt,
};

/* The PIC's INTR output is wired to LINT0 of every local APIC. */
static void pc_pic_intr(void *opaque, int n, int level)
{
	struct pc_machine *pc = opaque;
	struct machine_state *ms = MACHINE(pc);

	for (unsigned i = 0; i < ms->smp_cpus; i++)
		if (ms->cpus[i]->apic)
			apic_deliver_pic_intr(APIC(ms->cpus[i]->apic), level);
}

/* kernel-irqchip=split: kemu's IOAPIC talks to KVM's LAPICs in MSIs. */
static void pc_kvm_send_msi(void *opaque, uint64_t addr, uint32_t data)
{
	GError *err = NULL;

	if (!kvm_irqchip_send_msi(addr, data, &err)) {
		guest_error("ioapic: MSI 0x%" PRIx64 "=0x%x not delivered: %s", addr, data,
			    err->message);
		g_error_free(err);
	}
}

/*
 * The local APIC page: every CPU sees its own APIC at 0xfee00000, so the
 * access goes to current_cpu's. Writes from anything that is not a CPU
 * (device MSIs) are messages on the APIC bus.
 */
static uint64_t pc_apic_page_read(void *opaque, uint64_t off, unsigned size)
{
	struct x86_cpu *cpu = current_cpu;

	if (!cpu || !cpu->apic)
		return 0;
	return apic_mmio_read(APIC(cpu->apic), off, size);
}

static void pc_apic_page_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct pc_machine *pc = opaque;
	struct x86_cpu *cpu = current_cpu;

	if (!cpu || !cpu->apic) {
		apic_bus_send_msi(&pc->apic_bus, APIC_DEFAULT_ADDRESS + off, val);
		return;
	}
	apic_mmio_write(APIC(cpu->apic), off, val, size);
}

static const struct memory_region_ops pc_apic_page_ops = {
	.read = pc_apic_page_read,
	.write = pc_apic_page_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
	.impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* ---- small board ports: POST 0x80, port B 0x61, reset control 0xcf9 ---- */

static uint64_t pc_port80_read(void *opaque, uint64_t off, unsigned size)
{
	return 0xff;
}

static void pc_port80_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	/* POST codes and I/O delays: nothing to do */
}

static const struct memory_region_ops pc_port80_ops = {
	.read = pc_port80_read,
	.write = pc_port80_write,
};

/*
 * Port 0x61, system control port B (PIIX3 datasheet §4.7.2): bit 0 PIT
 * channel 2 gate, bit 1 speaker data, bit 4 refresh toggle (firmware
 * delay loops poll it), bit 5 PIT channel 2 output.
 */
static uint64_t pc_port61_read(void *opaque, uint64_t off, unsigned size)
{
	struct pc_machine *pc = opaque;
	/* the refresh bit toggles every 15.085 us of guest time */
	int64_t now = clock_get_ns(CLOCK_VIRTUAL);
	uint8_t v = pc->port61 & 0x0f;

	if ((now / 15085) & 1)
		v |= 0x10;
	if (pc->pit && pit_get_out(pc->pit, 2, now))
		v |= 0x20;
	return v;
}

static void pc_port61_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct pc_machine *pc = opaque;

	pc->port61 = val & 0x0f;
	if (pc->pit)
		pit_set_gate(pc->pit, 2, val & 1);
}

static const struct memory_region_ops pc_port61_ops = {
	.read = pc_port61_read,
	.write = pc_port61_write,
	.valid = { .min_access_size = 1, .max_access_size = 1 },
};

/* Reset control register 0xcf9 (PIIX3 §4.1.17): bit 2 resets, bit 1 hard. */
static uint64_t pc_cf9_read(void *opaque, uint64_t off, unsigned size)
{
	struct pc_machine *pc = opaque;

	return pc->rcr;
}

static void pc_cf9_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct pc_machine *pc = opaque;

	if (val & 4) {
		runstate_request_reset();
		return;
	}
	pc->rcr = val & 2;
}

static const struct memory_region_ops pc_cf9_ops = {
	.read = pc_cf9_read,
	.write = pc_cf9_write,
	.valid = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- helpers ---- */

static struct device *pc_device_new(struct machine_state *ms, const char *type,
				    const char *name, GError **errp, ...)
{
	struct device *dev = device_new(type);
	GError *err = NULL;
	va_list ap;
	const char *key;

	va_start(ap, errp);
	while ((key = va_arg(ap, const char *))) {
		const char *val = va_arg(ap, const char *);

		if (!object_property_parse(OBJECT(dev), key, val, &err))
			break;
	}
	va_end(ap);
	if (!err)
		machine_add_device(ms, name, dev);
	object_unref(OBJECT(dev));
	if (!err && !device_realize(dev, &err)) {
		object_unparent(OBJECT(dev));
		dev = NULL;
	}
	if (err) {
		g_propagate_prefixed_error(errp, err, "%s: ", type);
		return NULL;
	}
	return dev;
}

static void pc_set_a20(void *opaque, int n, int level)
{
	struct machine_state *ms = opaque;

	/* A20 gate (port 0x92, i8042 output port): mask address bit 20 */
	for (unsigned i = 0; i < ms->smp_cpus; i++)
		ms->cpus[i]->env.a20_mask = level ? ~0ULL : ~(1ULL << 20);
}

/* ---- building the machine ---- */

static bool pc_memory_init(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);
	uint64_t below = ms->ram_size, above = 0;

	if (!memory_region_init_ram(&ms->ram, OBJECT(ms), "pc.ram", ms->ram_size, errp))
		return false;
	if (below > PC_PCI_HOLE_START) {
		/* QEMU's pc aligns the split to 1 GiB once RAM reaches the hole */
		below = 0xc0000000ULL;
		above = ms->ram_size - below;
	}
	ms->below_4g_mem_size = below;
	ms->above_4g_mem_size = above;
	memory_region_init_alias(&pc->ram_below_4g, OBJECT(ms), "ram-below-4g", &ms->ram, 0, below);
	memory_region_add_subregion(&ms->sysmem, 0, &pc->ram_below_4g);
	if (above) {
		memory_region_init_alias(&pc->ram_above_4g, OBJECT(ms), "ram-above-4g", &ms->ram,
					 below, above);
		memory_region_add_subregion(&ms->sysmem, 4 * GiB, &pc->ram_above_4g);
	}
	/* PCI memory: i440fx_init puts it under RAM and shows its VGA window and BIOS */
	memory_region_init_container(&pc->pci_mem, OBJECT(ms), "pci", UINT64_MAX);
	return true;
}

static bool pc_bios_init(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);
	const char *path = ms->bios ? ms->bios : PC_BIOS_DEFAULT;
	g_autofree char *data = NULL;
	gsize len;
	GError *err = NULL;

	if (!g_file_get_contents(path, &data, &len, &err)) {
		g_set_error(errp, KEMU_ERROR, 0, "-bios %s: %s%s", path, err->message,
			    ms->bios ? "" : " (install Debian's seabios package, or use -kernel)");
		g_error_free(err);
		return false;
	}
	if (len < 64 * KiB || len > 16 * MiB || len % (64 * KiB)) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "-bios %s: a BIOS image must be a multiple of 64 KiB, "
			    "between 64 KiB and 16 MiB (this one has %" G_GSIZE_FORMAT " bytes)",
			    path, len);
		return false;
	}
	if (!memory_region_init_rom(&pc->bios, OBJECT(ms), "pc.bios", len, errp))
		return false;
	memcpy(memory_region_get_ram_ptr(&pc->bios), data, len);
	memory_region_add_subregion(&ms->sysmem, 4 * GiB - len, &pc->bios);
	/* the last 128 KiB also appear below 1 MiB, where real mode starts */
	memory_region_init_alias(&pc->isa_bios, OBJECT(ms), "isa-bios", &pc->bios,
				 len - MIN(len, PC_ISA_BIOS_SIZE), MIN(len, PC_ISA_BIOS_SIZE));
	memory_region_set_readonly(&pc->isa_bios, true);
	/* on the PCI side: the CPU sees it while PAM says "disabled" (power-on) */
	memory_region_add_subregion_overlap(&pc->pci_mem, 1 * MiB - MIN(len, PC_ISA_BIOS_SIZE),
					    &pc->isa_bios, 1);
	return true;
}

static bool pc_cpus_init(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);

	ms->cpus = g_new0(struct x86_cpu *, ms->smp_cpus);
	for (unsigned i = 0; i < ms->smp_cpus; i++) {
		struct x86_cpu *cpu = X86_CPU(object_new(TYPE_X86_CPU));
		g_autofree char *name = g_strdup_printf("cpu[%u]", i);
		GError *err = NULL;

		cpu->cpu_index = i;
		cpu->apic_id = i;
		cpu->machine = ms;
		g_free(cpu->model);
		cpu->model = g_strdup(ms->cpu_model);
		machine_add_device(ms, name, DEVICE(cpu));
		object_unref(OBJECT(cpu));
		ms->cpus[i] = cpu;
		if (!device_realize(DEVICE(cpu), &err)) {
			g_propagate_prefixed_error(errp, err, "-cpu %s: ",
						   ms->cpu_model ? ms->cpu_model : "(default)");
			return false;
		}
		if (!ms->accel->vcpu_init(cpu, errp))
			return false;
	}
	return true;
}

static bool pc_irqchip_init(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);
	struct device *dev;

	ms->set_gsi = pc_set_gsi;
	isa_bus_init(&ms->iomem, ms->as_mem, pc_isa_irq, ms);
	if (ms->kernel_irqchip == KERNEL_IRQCHIP_ON)
		return true;		/* KVM's PIC, IOAPIC, LAPIC and PIT */

	dev = pc_device_new(ms, TYPE_I8259, "pic", errp, NULL);
	if (!dev)
		return false;
	pc->pic = PIC(dev);
	memory_region_add_subregion(&ms->iomem, 0x20, pic_io_region(pc->pic, PIC_REGION_MASTER));
	memory_region_add_subregion(&ms->iomem, 0xa0, pic_io_region(pc->pic, PIC_REGION_SLAVE));
	memory_region_add_subregion(&ms->iomem, 0x4d0, pic_io_region(pc->pic, PIC_REGION_ELCR));

	dev = pc_device_new(ms, TYPE_IOAPIC, "ioapic", errp, "id", "0", NULL);
	if (!dev)
		return false;
	pc->ioapic = IOAPIC(dev);
	memory_region_add_subregion(&ms->sysmem, IOAPIC_DEFAULT_ADDRESS,
				    ioapic_mmio_region(pc->ioapic));

	dev = pc_device_new(ms, TYPE_I8254, "pit", errp, NULL);
	if (!dev)
		return false;
	pc->pit = PIT(dev);
	memory_region_add_subregion(&ms->iomem, 0x40, pit_io_region(pc->pit));
	irq_line_connect(pit_irq_line(pc->pit), pc_isa_irq, ms, 0);

	if (ms->kernel_irqchip == KERNEL_IRQCHIP_SPLIT) {
		/* KVM's LAPICs: the IOAPIC's messages go to KVM as MSIs */
		ioapic_set_msi_handler(pc->ioapic, pc_kvm_send_msi, ms);
		return true;
	}

	apic_bus_init(&pc->apic_bus, pc->pic, pc->ioapic);
	ioapic_set_bus(pc->ioapic, &pc->apic_bus);
	for (unsigned i = 0; i < ms->smp_cpus; i++) {
		struct x86_cpu *cpu = ms->cpus[i];
		g_autofree char *name = g_strdup_printf("apic[%u]", i);
		g_autofree char *id = g_strdup_printf("%u", cpu->apic_id);

		dev = pc_device_new(ms, TYPE_APIC, name, errp, "id", id,
				    "bsp", i == 0 ? "on" : "off", NULL);
		if (!dev)
			return false;
		apic_attach(&pc->apic_bus, APIC(dev), cpu, &pc_apic_cpu_ops);
	}
	/* the PIC's INTR goes to every LAPIC's LINT0 (virtual wire mode) */
	irq_line_connect(pic_intr_line(pc->pic), pc_pic_intr, pc, 0);
	memory_region_add_subregion_overlap(&ms->sysmem, APIC_DEFAULT_ADDRESS,
					    apic_bus_msi_region(&pc->apic_bus), 0);
	memory_region_init_io(&pc->apic_page, OBJECT(ms), &pc_apic_page_ops, pc, "apic-page",
			      APIC_SPACE_SIZE);
	memory_region_add_subregion_overlap(&ms->sysmem, APIC_DEFAULT_ADDRESS, &pc->apic_page, 1);
	return true;
}

/* Device MSIs: KVM's LAPICs, or kemu's APIC bus; other addresses are plain writes. */
static void pc_msi_send(void *opaque, uint64_t addr, uint32_t data)
{
	struct pc_machine *pc = opaque;
	struct machine_state *ms = MACHINE(pc);
	uint8_t buf[4];

	if ((addr & ~0xfffffULL) != APIC_DEFAULT_ADDRESS) {
		stl_le_p(buf, data);
		dma_memory_write(ms->as_mem, addr, buf, 4);
		return;
	}
	if (ms->kernel_irqchip != KERNEL_IRQCHIP_OFF)
		pc_kvm_send_msi(ms, addr, data);
	else
		apic_bus_send_msi(&pc->apic_bus, addr, data);
}

static bool pc_pci_init(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);
	struct i440fx_config cfg = {
		.sysmem = &ms->sysmem, .iomem = &ms->iomem, .ram = &ms->ram,
		.pci_mem = &pc->pci_mem, .dma_as = ms->as_mem,
		.below_4g_mem_size = ms->below_4g_mem_size,
		.above_4g_mem_size = ms->above_4g_mem_size,
		.pam_ram_at_reset = ms->kernel && !pc_kernel_via_firmware(pc),
	};

	pc->pci_bus = i440fx_init(&cfg, NULL, errp);
	if (!pc->pci_bus || !piix3_create(pc->pci_bus, PCI_DEVFN(1, 0), errp))
		return false;
	pci_bus_set_msi(pc->pci_bus, pc_msi_send, pc);
	return true;
}

/* The display adapter, at 00:02.0 as on QEMU's pc (before any -device). */
static bool pc_vga_init(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);
	struct pci_device *dev;
	GError *err = NULL;

	if (!ms->vga)
		return true;
	g_assert(!strcmp(ms->vga, "std"));
	dev = pci_new(pc->pci_bus, PCI_DEVFN(2, 0), "VGA");
	machine_add_device(ms, "vga", DEVICE(dev));
	object_unref(OBJECT(dev));
	if (!pci_realize(dev, &err)) {
		g_propagate_prefixed_error(errp, err, "-vga std: ");
		return false;
	}
	return true;
}

static bool pc_isa_devices_init(struct pc_machine *pc, GError **errp)
{
	struct machine_state *ms = MACHINE(pc);
	static const struct { const char *iobase, *irq; } com[4] = {
		{ "0x3f8", "4" }, { "0x2f8", "3" }, { "0x3e8", "4" }, { "0x2e8", "3" },
	};
	struct device *dev;

	dev = pc_device_new(ms, "mc146818rtc", "rtc", errp, NULL);
	if (!dev)
		return false;
	pc->rtc = dev;

	for (unsigned i = 0; i < G_N_ELEMENTS(ms->serial_chr); i++) {
		g_autofree char *name = g_strdup_printf("serial[%u]", i);
		g_autofree char *index = g_strdup_printf("%u", i);
		struct chardev *chr = ms->serial_chr[i];

		if (!chr)
			continue;
		dev = device_new("isa-serial");
		if (!object_property_parse(OBJECT(dev), "index", index, errp) ||
		    !object_property_parse(OBJECT(dev), "iobase", com[i].iobase, errp) ||
		    !object_property_parse(OBJECT(dev), "irq", com[i].irq, errp)) {
			object_unref(OBJECT(dev));
			return false;
		}
		if (!object_property_set_ptr(OBJECT(dev), "chardev", chr, errp)) {
			object_unref(OBJECT(dev));
			return false;
		}
		machine_add_device(ms, name, dev);
		object_unref(OBJECT(dev));
		if (!device_realize(dev, errp))
			return false;
	}

	/* PIIX3 IDE at 00:01.1 with its -drive if=ide disks; needs the RTC for CMOS */
	if (!pc_ide_init(pc->pci_bus, PCI_DEVFN(1, 1), pc->rtc, errp))
		return false;

	dev = pc_device_new(ms, "i8042", "i8042", errp, NULL);
	if (!dev)
		return false;
	irq_line_connect(i8042_a20_line(dev), pc_set_a20, ms, 0);
	dev = pc_device_new(ms, "port92", "port92", errp, NULL);
	if (!dev)
		return false;
	irq_line_connect(port92_a20_line(dev), pc_set_a20, ms, 0);

	if (ms->debugcon_chr) {
		dev = device_new("isa-debugcon");
		if (!object_property_set_ptr(OBJECT(dev), "chardev", ms->debugcon_chr, errp)) {
			object_unref(OBJECT(dev));
			return false;
		}
		machine_add_device(ms, "debugcon", dev);
		object_unref(OBJECT(dev));
		if (!device_realize(dev, errp))
			return false;
	}

	memory_region_init_io(&pc->port80_io, OBJECT(ms), &pc_port80_ops, pc, "ioport80", 1);
	memory_region_add_subregion(&ms->iomem, 0x80, &pc->port80_io);
	memory_region_init_io(&pc->port61_io, OBJECT(ms), &pc_port61_ops, pc, "port61", 1);
	if (ms->kernel_irqchip != KERNEL_IRQCHIP_ON)	/* KVM's PIT owns 0x61 otherwise */
		memory_region_add_subregion(&ms->iomem, 0x61, &pc->port61_io);
	memory_region_init_io(&pc->cf9_io, OBJECT(ms), &pc_cf9_ops, pc, "reset-control", 1);
	memory_region_add_subregion(&ms->iomem, 0xcf9, &pc->cf9_io);
	return true;
}

/* CMOS contents SeaBIOS and DOS read (QEMU's pc_cmos_init layout). */
static void pc_cmos_init(struct pc_machine *pc)
{
	struct machine_state *ms = MACHINE(pc);
	uint64_t below = ms->below_4g_mem_size, above = ms->above_4g_mem_size;
	uint64_t ext_kb = below > 1 * MiB ? MIN((below - 1 * MiB) / KiB, 0xffff) : 0;
	uint64_t ext16 = below > 16 * MiB ? MIN((below - 16 * MiB) / (64 * KiB), 0xffff) : 0;
	uint64_t high = above / (64 * KiB);

	rtc_set_cmos(pc->rtc, 0x15, 640 & 0xff);	/* base memory, KiB */
	rtc_set_cmos(pc->rtc, 0x16, 640 >> 8);
	rtc_set_cmos(pc->rtc, 0x17, ext_kb & 0xff);	/* extended memory, KiB */
	rtc_set_cmos(pc->rtc, 0x18, ext_kb >> 8);
	rtc_set_cmos(pc->rtc, 0x30, ext_kb & 0xff);
	rtc_set_cmos(pc->rtc, 0x31, ext_kb >> 8);
	rtc_set_cmos(pc->rtc, 0x34, ext16 & 0xff);	/* above 16 MiB, 64 KiB units */
	rtc_set_cmos(pc->rtc, 0x35, ext16 >> 8);
	rtc_set_cmos(pc->rtc, 0x5b, high & 0xff);	/* above 4 GiB, 64 KiB units */
	rtc_set_cmos(pc->rtc, 0x5c, (high >> 8) & 0xff);
	rtc_set_cmos(pc->rtc, 0x5d, (high >> 16) & 0xff);
	rtc_set_cmos(pc->rtc, 0x5f, ms->smp_cpus - 1);	/* SeaBIOS: CPUs - 1 */
	rtc_set_cmos(pc->rtc, 0x14, 0x06);		/* equipment: FPU, display */
	rtc_set_cmos(pc->rtc, 0x10, 0);			/* no floppy yet */
	pc_boot_order_cmos(pc, ms->boot_once ? ms->boot_once : ms->boot_order ? ms->boot_order : "cad");
}

/* Reset: CPUs to power-on state, then (direct boot) the kernel again. */
static void pc_machine_reset(struct machine_state *ms)
{
	struct pc_machine *pc = PC_MACHINE(ms);
	GError *err = NULL;

	/* KVM does not reset its own PIC, IOAPIC, LAPICs and PIT */
	if (kvm_enabled() && ms->kernel_irqchip == KERNEL_IRQCHIP_ON &&
	    !kvm_irqchip_reset(&err)) {
		fprintf(stderr, "kemu: reset: %s\n", err->message);
		g_clear_error(&err);
	}
	for (unsigned i = 0; i < ms->smp_cpus; i++) {
		struct x86_cpu *cpu = ms->cpus[i];

		x86_cpu_reset(cpu);
		cpu->env.a20_mask = ~0ULL;
		if (i > 0)
			cpu->env.wait_for_sipi = true;	/* APs wait for INIT/SIPI */
		cpu->env.apic_base = APIC_DEFAULT_ADDRESS | MSR_IA32_APICBASE_ENABLE |
				     (i == 0 ? MSR_IA32_APICBASE_BSP : 0);
	}
	/* -boot once=: the first reset after power-on goes back to order= */
	if (ms->boot_once && pc->resets++ == 1 && pc->rtc)
		pc_boot_order_cmos(pc, ms->boot_order);
	if (pc->boot_plan) {
		/* the guest may have overwritten the kernel: load it again */
		if (!x86_boot_plan_write(pc->boot_plan, ms->as_mem, &err)) {
			fprintf(stderr, "kemu: reset: %s\n", err->message);
			g_error_free(err);
			runstate_request_exit(1);
			return;
		}
		x86_boot_entry_apply(&pc->boot_plan->entry, &ms->cpus[0]->env);
	}
	for (unsigned i = 0; i < ms->smp_cpus; i++)
		if (ms->accel->vcpu_put_state)
			ms->accel->vcpu_put_state(ms->cpus[i]);
}

static bool pc_machine_init(struct machine_state *ms, GError **errp)
{
	struct pc_machine *pc = PC_MACHINE(ms);

	memory_region_transaction_begin();
	if (!pc_memory_init(pc, errp))
		goto fail;
	/* direct boot or firmware: decided first, the chipset's PAM reset state follows */
	if (ms->kernel && !pc_direct_boot_init(pc, errp))
		goto fail;
	if (!pc_cpus_init(pc, errp))
		goto fail;
	if (!pc_irqchip_init(pc, errp))
		goto fail;
	if (!pc_pci_init(pc, errp))
		goto fail;
	if (!pc_vga_init(pc, errp))
		goto fail;
	if (!pc_virtio_drives_init(ms, pc->pci_bus, errp))	/* -drive if=virtio */
		goto fail;
	if (!pc_isa_devices_init(pc, errp))
		goto fail;
	if (!pc_acpi_pm_init(pc, errp))
		goto fail;
	if (!pc_fw_cfg_init(pc, errp))
		goto fail;
	if (!ms->kernel || pc_kernel_via_firmware(pc)) {
		if (!pc_bios_init(pc, errp))
			goto fail;
		if (ms->kernel && !pc_firmware_kernel_init(pc, errp))
			goto fail;
	}
	memory_region_transaction_commit();
	pc_cmos_init(pc);
	/* DMA pair and floppy controller; fills CMOS 0x10/0x14, so after pc_cmos_init */
	if (!pc_floppy_init(pc, errp))
		return false;
	pc_machine_reset(ms);
	return true;
fail:
	memory_region_transaction_commit();
	return false;
}

/* Every device exists (board and -device): what depends on all of them. */
static bool pc_machine_done(struct machine_state *ms, GError **errp)
{
	return pc_boot_order_done(PC_MACHINE(ms), errp);
}

/* device_add: a PCI device on the root bus is announced to the guest by ACPI */
static bool pc_device_plugged(struct machine_state *ms, struct device *dev, GError **errp)
{
	struct pc_machine *pc = PC_MACHINE(ms);
	struct object *pci = object_dynamic_cast(OBJECT(dev), TYPE_PCI_DEVICE);

	if (!pci || !pc->pcihp) {
		g_set_error(errp, KEMU_ERROR, 0, "Device '%s' does not support hotplugging",
			    object_get_typename(OBJECT(dev)));
		return false;
	}
	return acpi_pcihp_plug(pc->pcihp, PCI_DEVICE(pci), errp);
}

static bool pc_device_unplug_request(struct machine_state *ms, struct device *dev,
				     GError **errp)
{
	struct pc_machine *pc = PC_MACHINE(ms);
	struct object *pci = object_dynamic_cast(OBJECT(dev), TYPE_PCI_DEVICE);

	if (!pci || !pc->pcihp || !DEVICE_GET_CLASS(dev)->hotpluggable) {
		g_set_error(errp, KEMU_ERROR, 0, "Device '%s' does not support hotplugging",
			    object_get_typename(OBJECT(dev)));
		return false;
	}
	return acpi_pcihp_unplug_request(pc->pcihp, PCI_DEVICE(pci), errp);
}

static void pc_machine_class_init(struct object_class *klass, const void *data)
{
	struct machine_class *mc = MACHINE_CLASS(klass);

	mc->alias = "pc";
	mc->is_default = true;
	mc->max_cpus = 255;
	mc->default_ram_size = 128 * MiB;
	mc->init = pc_machine_init;
	mc->reset = pc_machine_reset;
	mc->done = pc_machine_done;
	mc->device_plugged = pc_device_plugged;
	mc->device_unplug_request = pc_device_unplug_request;
	klass->desc = "Standard PC (i440FX + PIIX, 1996)";
}

static void pc_machine_finalize(struct object *obj)
{
	struct pc_machine *pc = PC_MACHINE(obj);

	if (pc->boot_plan)
		x86_boot_plan_free(pc->boot_plan);
}

static void pc_machine_register(void)
{
	static const struct type_info info = {
		.name = TYPE_PC_MACHINE,
		.parent = TYPE_MACHINE,
		.instance_size = sizeof(struct pc_machine),
		.class_size = sizeof(struct machine_class),
		.class_init = pc_machine_class_init,
		.instance_finalize = pc_machine_finalize,
	};
	type_register(&info);
}
type_init(pc_machine_register)

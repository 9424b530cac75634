/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device-test harness: one device (or a few) on fresh I/O and memory address
 * spaces, with a manual virtual clock and no CPU. This is the `test`
 * accelerator's view of a machine, without the board: a test creates the
 * device from a "-device"-style string, maps its regions where it likes,
 * connects output lines to probes and drives registers.
 *
 *	harness_init();
 *	struct device *d = harness_device_new("mc146818rtc");
 *	harness_realize(d);
 *	harness_map_io(&RTC(d)->io, 0x70);
 *	outb(0x70, 0x0a); g_assert_cmpint(inb(0x71) & 0x80, ==, 0);
 *	clock_step(NS_PER_SEC);
 *
 * RAM: harness_init() maps 16 MiB of RAM at 0 in the memory space, so DMA
 * tests can use harness_mem() with dma_memory_read/write.
 */
#ifndef TESTS_DEVICE_HARNESS_H
#define TESTS_DEVICE_HARNESS_H

#include "kemu/common.h"
#include "hw/device.h"
#include "hw/irq.h"
#include "system/memory.h"
#include "system/timer.h"
#include "system/main-loop.h"

#define HARNESS_RAM_SIZE (16 * MiB)

void harness_init(void);
struct address_space *harness_io(void);
struct address_space *harness_mem(void);
void *harness_ram(void);

struct device *harness_device_new(const char *opts);
void harness_realize(struct device *dev);
void harness_map_io(struct memory_region *mr, uint64_t port);
void harness_map_mmio(struct memory_region *mr, uint64_t addr);

void outb(uint16_t port, uint8_t v);
void outw(uint16_t port, uint16_t v);
void outl(uint16_t port, uint32_t v);
uint8_t inb(uint16_t port);
uint16_t inw(uint16_t port);
uint32_t inl(uint16_t port);

void writeb(uint64_t addr, uint8_t v);
void writew(uint64_t addr, uint16_t v);
void writel(uint64_t addr, uint32_t v);
void writeq(uint64_t addr, uint64_t v);
uint8_t readb(uint64_t addr);
uint16_t readw(uint64_t addr);
uint32_t readl(uint64_t addr);
uint64_t readq(uint64_t addr);

struct irq_probe {
	int level;
	int raises;	/* 0 -> 1 transitions */
	int lowers;	/* 1 -> 0 transitions */
};
void harness_irq_probe(struct irq_line *line, struct irq_probe *probe);
/*
 * ISA devices connect their interrupt to ISA IRQ n (isa_connect_irq); the
 * harness records each of the 16 lines here.
 */
struct irq_probe *harness_isa_irq(int n);

/* Requests a device made of the run state (exit, reset, poweroff), recorded. */
struct harness_runstate {
	int exit_requests;
	int exit_status;
	int reset_requests;
	int poweroff_requests;
};
extern struct harness_runstate harness_runstate;

#endif

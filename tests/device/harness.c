// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The device-test harness. See harness.h.
 */
#include "harness.h"
#include "system/runstate.h"
#include "hw/isa/isa.h"

static struct memory_region io_root, mem_root, ram;
static struct address_space as_io, as_mem;
static struct irq_probe isa_irqs[ISA_NUM_IRQS];
struct harness_runstate harness_runstate;
static const struct runstate_handler harness_runstate_handler;

static void probe_handler(void *opaque, int n, int level);

static void harness_isa_irq_set(void *opaque, int n, int level)
{
	probe_handler(&isa_irqs[n], n, level);
}

static bool harness_ready;

void harness_init(void)
{
	GError *err = NULL;

	if (harness_ready) {
		/* a fresh machine for every test: drop the previous one */
		address_space_destroy(&as_io);
		address_space_destroy(&as_mem);
		memory_region_destroy(&ram);
		memory_region_destroy(&io_root);
		memory_region_destroy(&mem_root);
	}
	harness_ready = true;
	main_loop_init();
	clock_virtual_set_manual(true);
	if (!bql_locked())
		bql_lock();
	memory_region_init_container(&io_root, NULL, "io", 0x10000);
	memory_region_init_container(&mem_root, NULL, "system", UINT64_MAX);
	if (!memory_region_init_ram(&ram, NULL, "harness.ram", HARNESS_RAM_SIZE, &err))
		g_error("harness RAM: %s", err->message);
	memory_region_add_subregion(&mem_root, 0, &ram);
	address_space_init(&as_io, &io_root, "I/O", true);
	address_space_init(&as_mem, &mem_root, "memory", false);
	memset(&harness_runstate, 0, sizeof(harness_runstate));
	runstate_set_handler(&harness_runstate_handler);
	memset(isa_irqs, 0, sizeof(isa_irqs));
	isa_bus_init(&io_root, &as_mem, harness_isa_irq_set, NULL);
}

struct irq_probe *harness_isa_irq(int n)
{
	g_assert(n >= 0 && n < ISA_NUM_IRQS);
	return &isa_irqs[n];
}

struct address_space *harness_io(void) { return &as_io; }
struct address_space *harness_mem(void) { return &as_mem; }
void *harness_ram(void) { return ram.ram_ptr; }

struct device *harness_device_new(const char *opts)
{
	GError *err = NULL;
	struct device *dev = device_new_from_opts(opts, &err);

	if (!dev)
		g_error("%s", err->message);
	return dev;
}

void harness_realize(struct device *dev)
{
	GError *err = NULL;

	if (!device_realize(dev, &err))
		g_error("realize %s: %s", object_get_typename(OBJECT(dev)), err->message);
}

void harness_map_io(struct memory_region *mr, uint64_t port)
{
	memory_region_add_subregion(&io_root, port, mr);
}

void harness_map_mmio(struct memory_region *mr, uint64_t addr)
{
	memory_region_add_subregion_overlap(&mem_root, addr, mr, 1);
}

static uint64_t rd(struct address_space *as, uint64_t a, unsigned size)
{
	uint64_t v;

	address_space_read_value(as, a, size, &v);
	return v;
}

void outb(uint16_t p, uint8_t v) { address_space_write_value(&as_io, p, 1, v); }
void outw(uint16_t p, uint16_t v) { address_space_write_value(&as_io, p, 2, v); }
void outl(uint16_t p, uint32_t v) { address_space_write_value(&as_io, p, 4, v); }
uint8_t inb(uint16_t p) { return rd(&as_io, p, 1); }
uint16_t inw(uint16_t p) { return rd(&as_io, p, 2); }
uint32_t inl(uint16_t p) { return rd(&as_io, p, 4); }
void writeb(uint64_t a, uint8_t v) { address_space_write_value(&as_mem, a, 1, v); }
void writew(uint64_t a, uint16_t v) { address_space_write_value(&as_mem, a, 2, v); }
void writel(uint64_t a, uint32_t v) { address_space_write_value(&as_mem, a, 4, v); }
void writeq(uint64_t a, uint64_t v) { address_space_write_value(&as_mem, a, 8, v); }
uint8_t readb(uint64_t a) { return rd(&as_mem, a, 1); }
uint16_t readw(uint64_t a) { return rd(&as_mem, a, 2); }
uint32_t readl(uint64_t a) { return rd(&as_mem, a, 4); }
uint64_t readq(uint64_t a) { return rd(&as_mem, a, 8); }

static void probe_handler(void *opaque, int n, int level)
{
	struct irq_probe *p = opaque;

	if (level && !p->level)
		p->raises++;
	if (!level && p->level)
		p->lowers++;
	p->level = level != 0;
}

void harness_irq_probe(struct irq_line *line, struct irq_probe *probe)
{
	memset(probe, 0, sizeof(*probe));
	irq_line_connect(line, probe_handler, probe, 0);
}

/* The harness stands in for the machine's run state. */
static void harness_exit(int status)
{
	harness_runstate.exit_requests++;
	harness_runstate.exit_status = status;
}

static void harness_reset(void)
{
	harness_runstate.reset_requests++;
}

static void harness_poweroff(void)
{
	harness_runstate.poweroff_requests++;
}

static const struct runstate_handler harness_runstate_handler = {
	.exit = harness_exit,
	.reset = harness_reset,
	.poweroff = harness_poweroff,
};

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PCI bus and the common part of every PCI device: configuration space
 * with write masks, BAR sizing and mapping, INTx with shared-line counting,
 * capability lists, option ROMs. See include/hw/pci/pci.h.
 *
 * References are to the PCI Local Bus Specification 3.0. Not here: host
 * bridges (hw/pci-host/), PCI-to-PCI bridge forwarding, PCIe extended
 * capabilities, hotplug. MSI and MSI-X are in msi.c, `info pci` in pci-info.c.
 */
#include "hw/pci/pci.h"
#include "hw/pci/pci-internal.h"
#include "config-host.h"

/* Buses by name; the first is the default. Part of the machine. */
static GPtrArray *pci_buses;

static bool ranges_overlap(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
	return a < b + blen && b < a + alen;
}

/* ---- bus ---- */

struct pci_bus *pci_bus_new(const char *name, struct memory_region *mem,
			    struct memory_region *io, struct address_space *dma_as)
{
	struct pci_bus *bus = g_new0(struct pci_bus, 1);

	g_assert(!pci_bus_find(name));
	bus->name = g_strdup(name);
	bus->mem = mem;
	bus->io = io;
	bus->dma_as = dma_as;
	if (!pci_buses)
		pci_buses = g_ptr_array_new();
	g_ptr_array_add(pci_buses, bus);
	return bus;
}

void pci_bus_destroy(struct pci_bus *bus)
{
	for (int devfn = PCI_DEVFN_MAX - 1; devfn >= 0; devfn--) {
		struct pci_device *dev = bus->devices[devfn];

		if (dev)
			device_unrealize(DEVICE(dev));
	}
	g_ptr_array_remove(pci_buses, bus);
	g_free(bus->irq_count);
	g_free(bus->name);
	g_free(bus);
}

struct pci_bus *pci_bus_find(const char *name)
{
	if (!pci_buses || !pci_buses->len)
		return NULL;
	if (!name)
		return g_ptr_array_index(pci_buses, 0);
	for (guint i = 0; i < pci_buses->len; i++) {
		struct pci_bus *bus = g_ptr_array_index(pci_buses, i);

		if (!strcmp(bus->name, name))
			return bus;
	}
	return NULL;
}

void pci_bus_set_irqs(struct pci_bus *bus, pci_map_irq_fn map_irq, irq_handler_fn set_irq,
		      void *opaque, int nirq)
{
	bus->map_irq = map_irq;
	bus->set_irq = set_irq;
	bus->irq_opaque = opaque;
	bus->nirq = nirq;
	g_free(bus->irq_count);
	bus->irq_count = g_new0(int, nirq);
}

void pci_bus_set_msi(struct pci_bus *bus, pci_msi_send_fn send, void *opaque)
{
	bus->msi_send = send;
	bus->msi_opaque = opaque;
}

struct pci_device *pci_bus_get_device(struct pci_bus *bus, int devfn)
{
	if (devfn < 0 || devfn >= PCI_DEVFN_MAX)
		return NULL;
	return bus->devices[devfn];
}

uint32_t pci_bus_config_read(struct pci_bus *bus, int devfn, uint32_t addr, unsigned len)
{
	struct pci_device *dev = pci_bus_get_device(bus, devfn);

	/* master abort: nobody claims the cycle, the host bridge returns ones */
	if (!dev)
		return len == 4 ? 0xffffffff : (1u << (8 * len)) - 1;
	return pci_config_read(dev, addr, len);
}

void pci_bus_config_write(struct pci_bus *bus, int devfn, uint32_t addr, uint32_t val,
			  unsigned len)
{
	struct pci_device *dev = pci_bus_get_device(bus, devfn);

	if (dev)
		pci_config_write(dev, addr, val, len);
}

/* ---- BARs ---- */

static uint32_t pci_bar_offset(struct pci_device *dev, int region)
{
	if (region == PCI_ROM_SLOT)
		return PCI_DEVICE_GET_CLASS(dev)->is_bridge ? PCI_ROM_ADDRESS1 : PCI_ROM_ADDRESS;
	return PCI_BASE_ADDRESS_0 + 4 * region;
}

void pci_register_bar(struct pci_device *dev, int region, uint8_t type,
		      struct memory_region *mr)
{
	struct pci_bar *b = &dev->bars[region];
	uint64_t size = mr->size;
	uint32_t off;
	uint64_t mask;

	g_assert(region >= 0 && region < PCI_NUM_REGIONS);
	g_assert(!b->mr);
	g_assert(size && !(size & (size - 1)));
	g_assert(!PCI_DEVICE_GET_CLASS(dev)->is_bridge || region < 2 || region == PCI_ROM_SLOT);
	if (type & PCI_BASE_ADDRESS_SPACE_IO) {
		type = PCI_BASE_ADDRESS_SPACE_IO;
		g_assert(size >= 4 && region != PCI_ROM_SLOT);
	} else {
		g_assert(size >= 16);
	}
	if (type & PCI_BASE_ADDRESS_MEM_TYPE_64)
		g_assert(region < 5 && !dev->bars[region + 1].mr);
	b->mr = mr;
	b->size = size;
	b->type = type;
	b->addr = PCI_BAR_UNMAPPED;
	b->space = (type & PCI_BASE_ADDRESS_SPACE_IO) ? dev->bus->io : dev->bus->mem;
	off = pci_bar_offset(dev, region);
	mask = ~(size - 1);
	if (region == PCI_ROM_SLOT) {
		g_assert(size >= 2048 && size <= (1ULL << 31));
		b->type = 0;
		pci_set_long(dev->config + off, 0);
		pci_set_long(dev->wmask + off, (uint32_t)mask | PCI_ROM_ADDRESS_ENABLE);
		return;
	}
	pci_set_long(dev->config + off, type);
	pci_set_long(dev->wmask + off, (uint32_t)mask);
	if (type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
		pci_set_long(dev->config + off + 4, 0);
		pci_set_long(dev->wmask + off + 4, (uint32_t)(mask >> 32));
	}
}

uint64_t pci_get_bar_addr(struct pci_device *dev, int region)
{
	return dev->bars[region].mr ? dev->bars[region].addr : PCI_BAR_UNMAPPED;
}

/*
 * Where a BAR decodes now: PCI_BAR_UNMAPPED unless its space is enabled in
 * the command register and the address is usable. 0, an address whose
 * region would wrap or leave the space, and a 32-bit BAR reaching
 * 0xffffffff (the sizing pattern) do not decode (PCI 3.0 section 6.2.5.1).
 */
static uint64_t pci_bar_address(struct pci_device *dev, int region)
{
	struct pci_bar *b = &dev->bars[region];
	uint16_t cmd = pci_get_word(dev->config + PCI_COMMAND);
	const uint8_t *p = dev->config + pci_bar_offset(dev, region);
	uint64_t addr, last;

	if (b->type & PCI_BASE_ADDRESS_SPACE_IO) {
		if (!(cmd & PCI_COMMAND_IO))
			return PCI_BAR_UNMAPPED;
		addr = pci_get_long(p) & ~(b->size - 1) & PCI_BASE_ADDRESS_IO_MASK;
	} else {
		if (!(cmd & PCI_COMMAND_MEMORY))
			return PCI_BAR_UNMAPPED;
		if (region == PCI_ROM_SLOT) {
			if (!(pci_get_long(p) & PCI_ROM_ADDRESS_ENABLE))
				return PCI_BAR_UNMAPPED;
			addr = pci_get_long(p) & ~(b->size - 1) & PCI_ROM_ADDRESS_MASK;
		} else if (b->type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
			addr = pci_get_quad(p) & ~(b->size - 1) & PCI_BASE_ADDRESS_MEM_MASK;
		} else {
			addr = pci_get_long(p) & ~(b->size - 1) & PCI_BASE_ADDRESS_MEM_MASK;
		}
	}
	last = addr + b->size - 1;
	if (addr == 0 || last < addr || last == PCI_BAR_UNMAPPED)
		return PCI_BAR_UNMAPPED;
	if (!(b->type & PCI_BASE_ADDRESS_MEM_TYPE_64) && last >= UINT32_MAX)
		return PCI_BAR_UNMAPPED;
	if (!b->space || (b->space->size != UINT64_MAX && last >= b->space->size))
		return PCI_BAR_UNMAPPED;
	return addr;
}

static void pci_update_mappings(struct pci_device *dev)
{
	memory_region_transaction_begin();
	for (int i = 0; i < PCI_NUM_REGIONS; i++) {
		struct pci_bar *b = &dev->bars[i];
		uint64_t addr;

		if (!b->mr)
			continue;
		addr = pci_bar_address(dev, i);
		if (addr == b->addr)
			continue;
		if (b->addr != PCI_BAR_UNMAPPED)
			memory_region_del_subregion(b->space, b->mr);
		b->addr = addr;
		/* above the bus's own regions; overlaps with RAM etc. are the board's priorities */
		if (addr != PCI_BAR_UNMAPPED)
			memory_region_add_subregion_overlap(b->space, addr, b->mr, 1);
	}
	memory_region_transaction_commit();
}

static void pci_unmap_all(struct pci_device *dev)
{
	memory_region_transaction_begin();
	for (int i = 0; i < PCI_NUM_REGIONS; i++) {
		struct pci_bar *b = &dev->bars[i];

		if (b->mr && b->addr != PCI_BAR_UNMAPPED)
			memory_region_del_subregion(b->space, b->mr);
		b->addr = PCI_BAR_UNMAPPED;
	}
	memory_region_transaction_commit();
}

/* ---- INTx ---- */

static int pci_intx_pin(struct pci_device *dev)
{
	int pin = dev->config[PCI_INTERRUPT_PIN];

	return pin >= 1 && pin <= PCI_NUM_PINS ? pin - 1 : -1;
}

int pci_device_bus_irq(struct pci_device *dev)
{
	struct pci_bus *bus = dev->bus;
	int pin = pci_intx_pin(dev), n;

	if (!bus || !bus->map_irq || pin < 0)
		return -1;
	n = bus->map_irq(dev, pin);
	return n >= 0 && n < bus->nirq ? n : -1;
}

static void pci_change_irq_level(struct pci_device *dev, int change)
{
	struct pci_bus *bus = dev->bus;
	int n = pci_device_bus_irq(dev);

	if (n < 0 || !bus->set_irq)
		return;
	bus->irq_count[n] += change;
	g_assert(bus->irq_count[n] >= 0);
	bus->set_irq(bus->irq_opaque, n, bus->irq_count[n] != 0);
}

void pci_set_irq(struct pci_device *dev, int level)
{
	uint16_t status = pci_get_word(dev->config + PCI_STATUS);

	level = level != 0;
	if (pci_intx_pin(dev) < 0 || dev->irq_state == level)
		return;
	dev->irq_state = level;
	/* Interrupt Status is set regardless of Interrupt Disable (section 6.2.3) */
	pci_set_word(dev->config + PCI_STATUS, level ? status | PCI_STATUS_INTERRUPT :
		     status & ~PCI_STATUS_INTERRUPT);
	if (!(pci_get_word(dev->config + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE))
		pci_change_irq_level(dev, level ? 1 : -1);
}

/* ---- configuration space ---- */

static bool pci_config_access_ok(struct pci_device *dev, uint32_t addr, unsigned len,
				 bool is_write)
{
	if ((len != 1 && len != 2 && len != 4) || (addr & (len - 1)) ||
	    addr >= dev->config_size || len > dev->config_size - addr) {
		guest_error("pci %02x.%x: bad %u-byte config %s at 0x%x", PCI_SLOT(dev->devfn),
			    PCI_FUNC(dev->devfn), len, is_write ? "write" : "read", addr);
		return false;
	}
	return true;
}

uint32_t pci_default_read_config(struct pci_device *dev, uint32_t addr, unsigned len)
{
	uint32_t v = 0;

	memcpy(&v, dev->config + addr, len);
	return v;
}

void pci_default_write_config(struct pci_device *dev, uint32_t addr, uint32_t val,
			      unsigned len)
{
	uint16_t old_cmd = pci_get_word(dev->config + PCI_COMMAND);
	uint16_t cmd;

	for (unsigned i = 0; i < len; i++) {
		uint8_t b = val >> (8 * i), wm = dev->wmask[addr + i], w1c = dev->w1cmask[addr + i];

		dev->config[addr + i] = (dev->config[addr + i] & ~wm) | (b & wm);
		dev->config[addr + i] &= ~(b & w1c);
	}
	cmd = pci_get_word(dev->config + PCI_COMMAND);
	if (ranges_overlap(addr, len, PCI_COMMAND, 2) ||
	    ranges_overlap(addr, len, PCI_BASE_ADDRESS_0, 24) ||
	    ranges_overlap(addr, len, pci_bar_offset(dev, PCI_ROM_SLOT), 4))
		pci_update_mappings(dev);
	if (((old_cmd ^ cmd) & PCI_COMMAND_INTX_DISABLE) && dev->irq_state)
		pci_change_irq_level(dev, (cmd & PCI_COMMAND_INTX_DISABLE) ? -1 : 1);
	msi_write_config(dev, addr, val, len);
	msix_write_config(dev, addr, val, len);
}

uint32_t pci_config_read(struct pci_device *dev, uint32_t addr, unsigned len)
{
	struct pci_device_class *pc = PCI_DEVICE_GET_CLASS(dev);

	if (!pci_config_access_ok(dev, addr, len, false))
		return len == 4 ? 0xffffffff : (1u << (8 * len)) - 1;
	if (pc->config_read)
		return pc->config_read(dev, addr, len);
	return pci_default_read_config(dev, addr, len);
}

void pci_config_write(struct pci_device *dev, uint32_t addr, uint32_t val, unsigned len)
{
	struct pci_device_class *pc = PCI_DEVICE_GET_CLASS(dev);

	if (!pci_config_access_ok(dev, addr, len, true))
		return;
	if (len < 4)
		val &= (1u << (8 * len)) - 1;
	if (pc->config_write)
		pc->config_write(dev, addr, val, len);
	else
		pci_default_write_config(dev, addr, val, len);
}

/* ---- capabilities ---- */

uint8_t pci_add_capability(struct pci_device *dev, uint8_t cap_id, uint8_t offset,
			   uint8_t size, GError **errp)
{
	unsigned limit = PCI_CONFIG_SPACE_SIZE;	/* capabilities live in the first 256 bytes */
	uint16_t status;

	if (size < 2) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: capability 0x%x: size %u too small",
			    object_get_typename(OBJECT(dev)), cap_id, size);
		return 0;
	}
	if (!offset) {
		for (unsigned o = PCI_CONFIG_HEADER_SIZE; o + size <= limit; o += 4) {
			unsigned i;

			for (i = 0; i < size && !dev->used[o + i]; i++)
				;
			if (i == size) {
				offset = o;
				break;
			}
		}
		if (!offset) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "%s: no room in config space for capability 0x%x (%u bytes)",
				    object_get_typename(OBJECT(dev)), cap_id, size);
			return 0;
		}
	} else {
		if (offset < PCI_CONFIG_HEADER_SIZE || (offset & 3) || offset + size > limit) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "%s: capability 0x%x at 0x%x: outside 0x40-0xff or unaligned",
				    object_get_typename(OBJECT(dev)), cap_id, offset);
			return 0;
		}
		for (unsigned i = 0; i < size; i++) {
			if (dev->used[offset + i]) {
				g_set_error(errp, KEMU_ERROR, 0,
					    "%s: capability 0x%x at 0x%x overlaps another at 0x%x",
					    object_get_typename(OBJECT(dev)), cap_id, offset,
					    offset + i);
				return 0;
			}
		}
	}
	dev->config[offset + PCI_CAP_LIST_ID] = cap_id;
	dev->config[offset + PCI_CAP_LIST_NEXT] = dev->config[PCI_CAPABILITY_LIST];
	dev->config[PCI_CAPABILITY_LIST] = offset;
	status = pci_get_word(dev->config + PCI_STATUS);
	pci_set_word(dev->config + PCI_STATUS, status | PCI_STATUS_CAP_LIST);
	memset(dev->used + offset, 0xff, MIN(ALIGN_UP((unsigned)size, 4u), limit - offset));
	memset(dev->wmask + offset, 0, size);
	memset(dev->w1cmask + offset, 0, size);
	return offset;
}

uint8_t pci_find_capability(struct pci_device *dev, uint8_t cap_id)
{
	uint8_t pos;
	int ttl = 48;	/* (256 - 64) / 4: a looping list cannot hang us */

	if (!(pci_get_word(dev->config + PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = dev->config[PCI_CAPABILITY_LIST] & ~3;
	while (pos >= PCI_CONFIG_HEADER_SIZE && ttl--) {
		if (dev->config[pos + PCI_CAP_LIST_ID] == cap_id)
			return pos;
		pos = dev->config[pos + PCI_CAP_LIST_NEXT] & ~3;
	}
	return 0;
}

/* ---- option ROM ---- */

static char *pci_find_rom_file(const char *name)
{
	static const char *const dirs[] = {
		KEMU_DATADIR, "/usr/share/kemu", "/usr/share/qemu", "/usr/share/seabios",
		"/usr/lib/ipxe/qemu",
	};

	if (strchr(name, '/') || g_file_test(name, G_FILE_TEST_IS_REGULAR))
		return g_file_test(name, G_FILE_TEST_IS_REGULAR) ? g_strdup(name) : NULL;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char *path = g_build_filename(dirs[i], name, NULL);

		if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
			return path;
		g_free(path);
	}
	return NULL;
}

static bool pci_load_rom(struct pci_device *dev, GError **errp)
{
	struct pci_device_class *pc = PCI_DEVICE_GET_CLASS(dev);
	const char *name = dev->romfile ? dev->romfile : pc->romfile;
	g_autofree char *path = NULL, *data = NULL, *rname = NULL;
	GError *err = NULL;
	gsize len;
	uint64_t size = 2048;

	if (!name || !*name)
		return true;
	path = pci_find_rom_file(name);
	if (!path) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: romfile=%s: could not find option ROM",
			    object_get_typename(OBJECT(dev)), name);
		return false;
	}
	if (!g_file_get_contents(path, &data, &len, &err)) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: romfile=%s: %s",
			    object_get_typename(OBJECT(dev)), name, err->message);
		g_error_free(err);
		return false;
	}
	if (len == 0 || len > 16 * MiB) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: romfile=%s: option ROM is %s",
			    object_get_typename(OBJECT(dev)), path, len ? "over 16 MiB" : "empty");
		return false;
	}
	while (size < len)
		size <<= 1;
	rname = g_strdup_printf("%s.rom", object_get_typename(OBJECT(dev)));
	if (!memory_region_init_rom(&dev->rom, OBJECT(dev), rname, size, errp))
		return false;
	memcpy(memory_region_get_ram_ptr(&dev->rom), data, len);
	dev->has_rom = true;
	/* rombar=0: no ROM BAR; the board may still hand the ROM to firmware (genroms) */
	if (dev->rombar)
		pci_register_bar(dev, PCI_ROM_SLOT, 0, &dev->rom);
	return true;
}

/* ---- device life cycle ---- */

/* "slot[.fn]" in hex, as QEMU's addr= property. */
static bool pci_parse_devfn(const char *str, int *devfn, GError **errp)
{
	char *end;
	unsigned long slot, fn = 0;

	errno = 0;
	slot = strtoul(str, &end, 16);
	if (end == str || errno || slot >= PCI_SLOT_MAX || (*end && *end != '.'))
		goto bad;
	if (*end == '.') {
		const char *p = end + 1;

		fn = strtoul(p, &end, 16);
		if (end == p || *end || fn >= PCI_FUNC_MAX)
			goto bad;
	}
	*devfn = PCI_DEVFN(slot, fn);
	return true;
bad:
	g_set_error(errp, KEMU_ERROR, 0,
		    "Property 'addr' doesn't take value '%s': expected slot[.function], "
		    "slot 0-1f, function 0-7 (hex)", str);
	return false;
}

static bool pci_place_device(struct pci_device *dev, struct pci_bus *bus, int devfn,
			     GError **errp)
{
	const char *type = object_get_typename(OBJECT(dev));

	if (devfn < 0) {
		for (int d = 0; d < PCI_DEVFN_MAX; d += PCI_FUNC_MAX) {
			bool free_slot = true;

			for (int f = 0; f < PCI_FUNC_MAX; f++)
				free_slot &= !bus->devices[d + f];
			if (free_slot) {
				devfn = d;
				break;
			}
		}
		if (devfn < 0) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "PCI: no slot/function available for %s, all in use", type);
			return false;
		}
	} else if (bus->devices[devfn]) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "PCI: slot %d function %d not available for %s, in use by %s",
			    PCI_SLOT(devfn), PCI_FUNC(devfn), type,
			    object_get_typename(OBJECT(bus->devices[devfn])));
		return false;
	}
	/* a single-function device owns its whole slot (section 6.2.1, Header Type) */
	if (PCI_FUNC(devfn)) {
		struct pci_device *f0 = bus->devices[devfn & ~7];

		if (f0 && !f0->multifunction) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "PCI: single function device can't be populated in "
				    "function %x.%x", PCI_SLOT(devfn), PCI_FUNC(devfn));
			return false;
		}
	} else if (!dev->multifunction) {
		for (int f = 1; f < PCI_FUNC_MAX; f++) {
			if (bus->devices[devfn + f]) {
				g_set_error(errp, KEMU_ERROR, 0,
					    "PCI: %x.0 indicates single function, but %x.%x is "
					    "already populated", PCI_SLOT(devfn), PCI_SLOT(devfn), f);
				return false;
			}
		}
	}
	dev->bus = bus;
	dev->devfn = devfn;
	bus->devices[devfn] = dev;
	return true;
}

static void pci_config_init(struct pci_device *dev)
{
	struct pci_device_class *pc = PCI_DEVICE_GET_CLASS(dev);
	uint8_t *c = dev->config;

	dev->config_size = PCI_CONFIG_SPACE_SIZE;
	dev->msi_cap = 0;
	dev->msix_cap = 0;
	memset(dev->config, 0, sizeof(dev->config));
	memset(dev->wmask, 0, sizeof(dev->wmask));
	memset(dev->w1cmask, 0, sizeof(dev->w1cmask));
	memset(dev->used, 0, sizeof(dev->used));
	memset(dev->used, 0xff, PCI_CONFIG_HEADER_SIZE);

	pci_set_word(c + PCI_VENDOR_ID, pc->vendor_id);
	pci_set_word(c + PCI_DEVICE_ID, pc->device_id);
	c[PCI_REVISION_ID] = pc->revision;
	c[PCI_CLASS_PROG] = pc->prog_if;
	pci_set_word(c + PCI_CLASS_DEVICE, pc->class_id);
	c[PCI_HEADER_TYPE] = (pc->is_bridge ? PCI_HEADER_TYPE_BRIDGE : PCI_HEADER_TYPE_NORMAL) |
			     (dev->multifunction ? PCI_HEADER_TYPE_MULTI_FUNCTION : 0);
	if (!pc->is_bridge) {
		pci_set_word(c + PCI_SUBSYSTEM_VENDOR_ID, pc->subsystem_vendor_id ?
			     pc->subsystem_vendor_id : PCI_SUBVENDOR_ID_REDHAT_QUMRANET);
		pci_set_word(c + PCI_SUBSYSTEM_ID, pc->subsystem_id ?
			     pc->subsystem_id : PCI_SUBDEVICE_ID_QEMU);
	}

	/* what software may write (section 6.2): the rest of the header is read-only */
	pci_set_word(dev->wmask + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
		     PCI_COMMAND_MASTER | PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
		     PCI_COMMAND_INTX_DISABLE);
	dev->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	dev->wmask[PCI_INTERRUPT_LINE] = 0xff;
	pci_set_word(dev->w1cmask + PCI_STATUS, PCI_STATUS_PARITY |
		     PCI_STATUS_SIG_TARGET_ABORT | PCI_STATUS_REC_TARGET_ABORT |
		     PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_SIG_SYSTEM_ERROR |
		     PCI_STATUS_DETECTED_PARITY);
	/* device-specific registers: writable unless the device says otherwise */
	memset(dev->wmask + PCI_CONFIG_HEADER_SIZE, 0xff,
	       dev->config_size - PCI_CONFIG_HEADER_SIZE);
	if (pc->is_bridge) {
		/* PCI-to-PCI Bridge Architecture Specification 1.2, chapter 3 */
		dev->wmask[PCI_PRIMARY_BUS] = 0xff;
		dev->wmask[PCI_SECONDARY_BUS] = 0xff;
		dev->wmask[PCI_SUBORDINATE_BUS] = 0xff;
		dev->wmask[PCI_SEC_LATENCY_TIMER] = 0xff;
		dev->wmask[PCI_IO_BASE] = 0xf0;
		dev->wmask[PCI_IO_LIMIT] = 0xf0;
		pci_set_word(dev->wmask + PCI_MEMORY_BASE, 0xfff0);
		pci_set_word(dev->wmask + PCI_MEMORY_LIMIT, 0xfff0);
		pci_set_word(dev->wmask + PCI_PREF_MEMORY_BASE, 0xfff0);
		pci_set_word(dev->wmask + PCI_PREF_MEMORY_LIMIT, 0xfff0);
		pci_set_long(dev->wmask + PCI_PREF_BASE_UPPER32, 0xffffffff);
		pci_set_long(dev->wmask + PCI_PREF_LIMIT_UPPER32, 0xffffffff);
		pci_set_word(dev->wmask + PCI_BRIDGE_CONTROL, 0x0fff);
		pci_set_word(dev->w1cmask + PCI_SEC_STATUS, 0xf900);
	}
}

static bool pci_qdev_realize(struct device *d, GError **errp)
{
	struct pci_device *dev = PCI_DEVICE(d);
	struct pci_device_class *pc = PCI_DEVICE_GET_CLASS(dev);
	struct pci_bus *bus = dev->bus;
	int devfn = dev->devfn;

	if (!bus) {
		bus = pci_bus_find(dev->bus_name);
		if (!bus) {
			if (dev->bus_name)
				g_set_error(errp, KEMU_ERROR, 0, "Bus '%s' not found", dev->bus_name);
			else
				g_set_error(errp, KEMU_ERROR, 0,
					    "No 'PCI' bus found for device '%s'",
					    object_get_typename(OBJECT(dev)));
			return false;
		}
	}
	if (dev->addr && *dev->addr && !pci_parse_devfn(dev->addr, &devfn, errp))
		return false;
	if (!pci_place_device(dev, bus, devfn, errp))
		return false;
	pci_config_init(dev);
	if (pc->realize && !pc->realize(dev, errp))
		goto fail;
	if (!pci_load_rom(dev, errp)) {
		if (pc->exit)
			pc->exit(dev);
		goto fail;
	}
	return true;
fail:
	pci_unmap_all(dev);
	msix_unrealize(dev);
	bus->devices[dev->devfn] = NULL;
	dev->bus = NULL;
	dev->devfn = -1;
	memset(dev->bars, 0, sizeof(dev->bars));
	return false;
}

static void pci_qdev_unrealize(struct device *d)
{
	struct pci_device *dev = PCI_DEVICE(d);
	struct pci_device_class *pc = PCI_DEVICE_GET_CLASS(dev);

	pci_set_irq(dev, 0);
	pci_unmap_all(dev);
	if (pc->exit)
		pc->exit(dev);
	msix_unrealize(dev);
	if (dev->has_rom)
		memory_region_destroy(&dev->rom);
	dev->has_rom = false;
	if (dev->bus)
		dev->bus->devices[dev->devfn] = NULL;
	dev->bus = NULL;
	dev->devfn = -1;
	memset(dev->bars, 0, sizeof(dev->bars));
}

/* Power-on state of the standard header (section 6.2); device registers are the class's. */
static void pci_qdev_reset(struct device *d)
{
	struct pci_device *dev = PCI_DEVICE(d);
	struct pci_device_class *pc = PCI_DEVICE_GET_CLASS(dev);
	uint8_t *c = dev->config;

	pci_set_irq(dev, 0);
	pci_set_word(c + PCI_COMMAND, pci_get_word(c + PCI_COMMAND) &
		     ~pci_get_word(dev->wmask + PCI_COMMAND));
	pci_set_word(c + PCI_STATUS, pci_get_word(c + PCI_STATUS) &
		     ~(pci_get_word(dev->w1cmask + PCI_STATUS) | PCI_STATUS_INTERRUPT));
	c[PCI_CACHE_LINE_SIZE] = 0;
	c[PCI_INTERRUPT_LINE] = 0;
	for (int i = 0; i < PCI_NUM_REGIONS; i++) {
		struct pci_bar *b = &dev->bars[i];
		uint32_t off = pci_bar_offset(dev, i);

		if (!b->mr)
			continue;
		pci_set_long(c + off, b->type);
		if (b->type & PCI_BASE_ADDRESS_MEM_TYPE_64)
			pci_set_long(c + off + 4, 0);
	}
	msi_reset(dev);
	msix_reset(dev);
	pci_update_mappings(dev);
	if (pc->reset)
		pc->reset(dev);
}

void pci_device_post_load(struct pci_device *dev)
{
	struct pci_device_class *pc = PCI_DEVICE_GET_CLASS(dev);
	struct pci_bus *bus = dev->bus;

	pci_update_mappings(dev);
	/* recount this device's contribution to its shared line */
	if (bus && bus->set_irq) {
		int n = pci_device_bus_irq(dev);

		if (n >= 0) {
			bool on = dev->irq_state &&
				  !(pci_get_word(dev->config + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);

			bus->irq_count[n] += on;
			bus->set_irq(bus->irq_opaque, n, bus->irq_count[n] != 0);
		}
	}
	if (pc->post_load)
		pc->post_load(dev);
}

struct pci_device *pci_new(struct pci_bus *bus, int devfn, const char *type)
{
	struct pci_device *dev = PCI_DEVICE(device_new(type));

	dev->bus = bus;
	dev->devfn = devfn;
	return dev;
}

bool pci_realize(struct pci_device *dev, GError **errp)
{
	return device_realize(DEVICE(dev), errp);
}

struct pci_device *pci_create_simple(struct pci_bus *bus, int devfn, const char *type,
				     GError **errp)
{
	struct pci_device *dev = pci_new(bus, devfn, type);

	if (!pci_realize(dev, errp)) {
		object_unref(OBJECT(dev));
		return NULL;
	}
	return dev;
}

static bool pci_bus_master_ok(struct pci_device *dev, uint64_t addr, uint64_t len,
			      bool is_write)
{
	if (!dev->bus || !dev->bus->dma_as)
		return false;
	if (!(pci_get_word(dev->config + PCI_COMMAND) & PCI_COMMAND_MASTER)) {
		guest_error("pci %02x.%x: DMA %s of %" PRIu64 " bytes at 0x%" PRIx64
			    " with bus mastering disabled", PCI_SLOT(dev->devfn),
			    PCI_FUNC(dev->devfn), is_write ? "write" : "read", len, addr);
		return false;
	}
	return true;
}

memtx_result pci_dma_read(struct pci_device *dev, uint64_t addr, void *buf, uint64_t len)
{
	if (!pci_bus_master_ok(dev, addr, len, false))
		return MEMTX_ERROR;
	return dma_memory_read(dev->bus->dma_as, addr, buf, len);
}

memtx_result pci_dma_write(struct pci_device *dev, uint64_t addr, const void *buf,
			   uint64_t len)
{
	if (!pci_bus_master_ok(dev, addr, len, true))
		return MEMTX_ERROR;
	return dma_memory_write(dev->bus->dma_as, addr, buf, len);
}

void pci_msi_send(struct pci_device *dev, uint64_t addr, uint32_t data)
{
	/* an MSI is a memory write: only a bus master may make it (section 6.8) */
	if (!(pci_get_word(dev->config + PCI_COMMAND) & PCI_COMMAND_MASTER)) {
		guest_error("pci %02x.%x: MSI with bus mastering disabled, dropped",
			    PCI_SLOT(dev->devfn), PCI_FUNC(dev->devfn));
		return;
	}
	if (!dev->bus || !dev->bus->msi_send) {
		log_unimp("pci: MSI 0x%" PRIx64 "/0x%x: no MSI delivery on this machine", addr, data);
		return;
	}
	dev->bus->msi_send(dev->bus->msi_opaque, addr, data);
}

/* ---- registration ---- */

static void pci_device_instance_init(struct object *obj)
{
	struct pci_device *dev = PCI_DEVICE(obj);

	dev->devfn = -1;
	for (int i = 0; i < PCI_NUM_REGIONS; i++)
		dev->bars[i].addr = PCI_BAR_UNMAPPED;
}

static const struct vmstate_field pci_device_fields[] = {
	{ .name = "pci.config", .type = VMSTATE_TYPE_BUFFER,
	  .offset = offsetof(struct pci_device, config), .count = PCIE_CONFIG_SPACE_SIZE },
	VMSTATE_U8(struct pci_device, irq_state),
	VMSTATE_BUFFER(struct pci_device, msix_table),
	VMSTATE_BUFFER(struct pci_device, msix_pba),
	VMSTATE_END
};

static const struct property pci_device_props[] = {
	PROP_STRING("bus", struct pci_device, bus_name, NULL),
	PROP_STRING("addr", struct pci_device, addr, NULL),
	PROP_BOOL("multifunction", struct pci_device, multifunction, false),
	PROP_STRING("romfile", struct pci_device, romfile, NULL),
	PROP_U32("rombar", struct pci_device, rombar, 1),
	PROP_END
};

DEFINE_DEVICE_TYPE(pci_device, TYPE_PCI_DEVICE, TYPE_DEVICE, struct pci_device,
		   .abstract = true, .class_size = sizeof(struct pci_device_class),
		   .realize = pci_qdev_realize, .unrealize = pci_qdev_unrealize,
		   .reset = pci_qdev_reset, .instance_init = pci_device_instance_init,
		   .props = pci_device_props, .vmstate = pci_device_fields,
		   .vmstate_version = 1, .hotpluggable = true);

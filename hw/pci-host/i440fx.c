// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Intel 82441FX PMC (i440FX host bridge): PCI configuration mechanism #1,
 * PAM shadowing of 0xc0000-0xfffff, SMRAM control, the PCI memory window.
 * References: Intel 440FX PCIset datasheet (order 290549-001, 1996),
 * section 3.2 (CONFADD/CONFDATA), 3.3.16 (PAM), 3.3.24 (SMRAM); PCI Local
 * Bus Specification 3.0 section 3.2.2.3.2 (configuration mechanism #1).
 *
 * Not here: SMM (the SMRAM window never opens; see i440fx_smram_write),
 * DRAM controller registers beyond storage, configuration mechanism #2,
 * buses behind bridges (type 1 cycles read all-ones). The board's API is in
 * include/hw/pci-host/i440fx.h.
 */
#include "hw/pci-host/i440fx.h"
#include "hw/boards.h"

#define PAM_NR_SEGS	13	/* 0xf0000 (64K) + 12 x 16K from 0xc0000 */
#define PAM_BIOS_BASE	0xf0000
#define PAM_BIOS_SIZE	0x10000
#define PAM_EXPAN_BASE	0xc0000
#define PAM_EXPAN_SIZE	0x4000
#define CONFADD_ENABLE	0x80000000u

struct pam_seg {
	uint64_t base, size;
	struct memory_region region[4];	/* indexed by PAM_DISABLED..PAM_RW */
	struct i440fx_state *s;
	int cur;
};

struct i440fx_state {
	struct pci_device parent;
	uint32_t config_reg;		/* CONFADD (0xcf8) */

	/* set by i440fx_init before realize */
	struct i440fx_config cfg;
	struct memory_region conf_addr_io, conf_data_io;
	struct memory_region smram_region;	/* 0xa0000-0xbffff: the PCI (VGA) window */
	struct memory_region legacy_background;	/* PCI 0xa0000-0xfffff where nobody answers */
	struct address_space pci_as;		/* reads of write-only PAM segments */
	struct pam_seg pam[PAM_NR_SEGS];
};

#define TYPE_I440FX "i440FX"
#define I440FX(obj) OBJECT_CHECK(struct i440fx_state, (obj), TYPE_I440FX)

/* ---- configuration mechanism #1 ---- */

static uint64_t conf_addr_read(void *opaque, uint64_t off, unsigned size)
{
	struct i440fx_state *s = opaque;

	return s->config_reg >> (8 * off);
}

static void conf_addr_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct i440fx_state *s = opaque;

	/* only a dword access is CONFADD; smaller ones are not for us (datasheet 3.2) */
	if (off != 0 || size != 4)
		return;
	s->config_reg = val;
}

static const struct memory_region_ops conf_addr_ops = {
	.read = conf_addr_read,
	.write = conf_addr_write,
	.valid = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
	.impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* Bus, devfn and register of the current cycle; false if it goes nowhere. */
static bool conf_decode(struct i440fx_state *s, uint64_t off, int *devfn, uint32_t *reg)
{
	uint32_t a = s->config_reg;

	if (!(a & CONFADD_ENABLE))
		return false;
	/* type 1 cycle (bus != 0): no bridges, nobody answers */
	if ((a >> 16) & 0xff)
		return false;
	*devfn = (a >> 8) & 0xff;
	*reg = (a & 0xfc) | off;
	return true;
}

static uint64_t conf_data_read(void *opaque, uint64_t off, unsigned size)
{
	struct i440fx_state *s = opaque;
	uint32_t reg;
	int devfn;

	if (!conf_decode(s, off, &devfn, &reg))
		return ~0ULL;
	return pci_bus_config_read(s->parent.bus, devfn, reg, size);
}

static void conf_data_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct i440fx_state *s = opaque;
	uint32_t reg;
	int devfn;

	if (conf_decode(s, off, &devfn, &reg))
		pci_bus_config_write(s->parent.bus, devfn, reg, val, size);
}

/* byte, word (aligned) or dword at 0xcfc-0xcff, each at its offset */
static const struct memory_region_ops conf_data_ops = {
	.read = conf_data_read,
	.write = conf_data_write,
	.valid = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- PAM ---- */

/*
 * A read of PCI memory nobody claims ends in a master abort: all-ones. The
 * aliases below show PCI's 0xa0000-0xfffff over RAM, so that range needs an
 * answer of its own, or RAM would show through the gaps.
 */
static uint64_t master_abort_read(void *opaque, uint64_t off, unsigned size)
{
	return ~0ULL;
}

static void master_abort_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
}

static const struct memory_region_ops master_abort_ops = {
	.read = master_abort_read,
	.write = master_abort_write,
	.valid = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
};

static uint64_t pam_wo_read(void *opaque, uint64_t off, unsigned size)
{
	struct pam_seg *seg = opaque;
	uint64_t v;

	/* write-only: reads are forwarded to PCI (datasheet 3.3.16) */
	address_space_read_value(&seg->s->pci_as, seg->base + off, size, &v);
	return v;
}

static void pam_wo_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct pam_seg *seg = opaque;
	uint8_t *ram = memory_region_get_ram_ptr(seg->s->cfg.ram);

	memcpy(ram + seg->base + off, &val, size);
}

static const struct memory_region_ops pam_wo_ops = {
	.read = pam_wo_read,
	.write = pam_wo_write,
	.valid = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
	.impl = { .min_access_size = 1, .max_access_size = 8 },
};

static int pam_seg_attr(struct i440fx_state *s, int i)
{
	const uint8_t *c = s->parent.config;

	if (i == 0)
		return (c[I440FX_PAM] >> 4) & 3;
	/* PAM1 low nibble = 0xc0000, high = 0xc4000, PAM2 low = 0xc8000, ... */
	return (c[I440FX_PAM + (i + 1) / 2] >> ((i & 1) ? 0 : 4)) & 3;
}

static void i440fx_update_pam(struct i440fx_state *s)
{
	memory_region_transaction_begin();
	for (int i = 0; i < PAM_NR_SEGS; i++) {
		struct pam_seg *seg = &s->pam[i];
		int attr = pam_seg_attr(s, i);

		if (attr == seg->cur)
			continue;
		memory_region_set_enabled(&seg->region[seg->cur], false);
		memory_region_set_enabled(&seg->region[attr], true);
		seg->cur = attr;
	}
	memory_region_transaction_commit();
}

static void i440fx_init_pam(struct i440fx_state *s)
{
	const struct i440fx_config *cfg = &s->cfg;

	for (int i = 0; i < PAM_NR_SEGS; i++) {
		struct pam_seg *seg = &s->pam[i];
		struct object *owner = OBJECT(s);

		seg->s = s;
		seg->base = i ? PAM_EXPAN_BASE + (i - 1) * PAM_EXPAN_SIZE : PAM_BIOS_BASE;
		seg->size = i ? PAM_EXPAN_SIZE : PAM_BIOS_SIZE;
		memory_region_init_alias(&seg->region[PAM_DISABLED], owner, "pam-pci", cfg->pci_mem,
					 seg->base, seg->size);
		/* read-only: RAM for reads; writes would go to PCI, where the ROM ignores them */
		memory_region_init_alias(&seg->region[PAM_RO], owner, "pam-rom", cfg->ram,
					 seg->base, seg->size);
		memory_region_set_readonly(&seg->region[PAM_RO], true);
		memory_region_init_io(&seg->region[PAM_WO], owner, &pam_wo_ops, seg, "pam-wo",
				      seg->size);
		memory_region_init_alias(&seg->region[PAM_RW], owner, "pam-ram", cfg->ram,
					 seg->base, seg->size);
		for (int a = 0; a < 4; a++) {
			seg->region[a].enabled = a == PAM_DISABLED;
			memory_region_add_subregion_overlap(cfg->sysmem, seg->base, &seg->region[a], 1);
		}
		seg->cur = PAM_DISABLED;
	}
}

/* ---- SMRAM ---- */

static void i440fx_smram_write(struct i440fx_state *s, uint8_t old)
{
	uint8_t *c = s->parent.config;
	uint8_t v = c[I440FX_SMRAM];

	if (old & SMRAM_D_LCK) {
		/* locked until reset: only D_CLS may change (datasheet 3.3.24) */
		v = (old & ~SMRAM_D_CLS) | (v & SMRAM_D_CLS);
	}
	if (v & SMRAM_D_OPEN) {
		log_unimp("i440fx: SMRAM D_OPEN: kemu has no SMM, SMRAM stays closed");
		v &= ~SMRAM_D_OPEN;
	}
	c[I440FX_SMRAM] = (v & ~SMRAM_C_BASE_SEG) | SMRAM_C_BASE_SEG_A0000;
}

static void i440fx_config_write(struct pci_device *dev, uint32_t addr, uint32_t val,
				unsigned len)
{
	struct i440fx_state *s = I440FX(dev);
	uint8_t old_smram = dev->config[I440FX_SMRAM];

	pci_default_write_config(dev, addr, val, len);
	if (addr < I440FX_PAM + I440FX_PAM_SIZE && addr + len > I440FX_PAM)
		i440fx_update_pam(s);
	if (addr <= I440FX_SMRAM && addr + len > I440FX_SMRAM)
		i440fx_smram_write(s, old_smram);
}

/* ---- life cycle ---- */

static bool i440fx_realize(struct pci_device *dev, GError **errp)
{
	struct i440fx_state *s = I440FX(dev);
	const struct i440fx_config *cfg = &s->cfg;

	if (!cfg->sysmem || !cfg->iomem || !cfg->ram || !cfg->pci_mem) {
		g_set_error(errp, KEMU_ERROR, 0, "i440FX: created without i440fx_init()");
		return false;
	}
	memory_region_transaction_begin();
	memory_region_init_io(&s->conf_addr_io, OBJECT(s), &conf_addr_ops, s, "pci-conf-idx", 4);
	memory_region_init_io(&s->conf_data_io, OBJECT(s), &conf_data_ops, s, "pci-conf-data", 4);
	memory_region_add_subregion(cfg->iomem, 0xcf8, &s->conf_addr_io);
	memory_region_add_subregion(cfg->iomem, 0xcfc, &s->conf_data_io);
	/* the legacy VGA window is PCI's unless SMRAM is open, which it never is */
	memory_region_init_alias(&s->smram_region, OBJECT(s), "smram-region", cfg->pci_mem,
				 0xa0000, 0x20000);
	memory_region_add_subregion_overlap(cfg->sysmem, 0xa0000, &s->smram_region, 1);
	memory_region_init_io(&s->legacy_background, OBJECT(s), &master_abort_ops, s,
			      "pci-legacy-unassigned", 0x60000);
	memory_region_add_subregion_overlap(cfg->pci_mem, 0xa0000, &s->legacy_background, -1000);
	address_space_init(&s->pci_as, cfg->pci_mem, "pci-memory", false);
	i440fx_init_pam(s);
	memory_region_transaction_commit();
	return true;
}

static void i440fx_exit(struct pci_device *dev)
{
	struct i440fx_state *s = I440FX(dev);

	memory_region_transaction_begin();
	for (int i = 0; i < PAM_NR_SEGS; i++)
		for (int a = 0; a < 4; a++)
			memory_region_destroy(&s->pam[i].region[a]);
	memory_region_destroy(&s->smram_region);
	memory_region_destroy(&s->legacy_background);
	memory_region_destroy(&s->conf_addr_io);
	memory_region_destroy(&s->conf_data_io);
	memory_region_transaction_commit();
	address_space_destroy(&s->pci_as);
}

static void i440fx_reset(struct pci_device *dev)
{
	struct i440fx_state *s = I440FX(dev);

	s->config_reg = 0;
	memset(dev->config + I440FX_PAM, s->cfg.pam_ram_at_reset ? 0x33 : 0, I440FX_PAM_SIZE);
	if (s->cfg.pam_ram_at_reset)
		dev->config[I440FX_PAM] = 0x30;	/* the low nibble of PAM0 is reserved */
	dev->config[I440FX_SMRAM] = SMRAM_C_BASE_SEG_A0000;
	i440fx_update_pam(s);
}

static void i440fx_post_load(struct pci_device *dev)
{
	i440fx_update_pam(I440FX(dev));
}

static const struct vmstate_field i440fx_fields[] = {
	VMSTATE_PCI_DEVICE(struct i440fx_state, parent),
	VMSTATE_U32(struct i440fx_state, config_reg),
	VMSTATE_END
};

static void i440fx_class_init(struct object_class *klass, const void *data)
{
	struct pci_device_class *k = PCI_DEVICE_CLASS(klass);

	k->realize = i440fx_realize;
	k->exit = i440fx_exit;
	k->reset = i440fx_reset;
	k->config_write = i440fx_config_write;
	k->post_load = i440fx_post_load;
	k->vendor_id = PCI_VENDOR_ID_INTEL;
	k->device_id = 0x1237;	/* 82441FX PMC */
	k->revision = 0x02;
	k->class_id = PCI_CLASS_BRIDGE_HOST;
}

DEFINE_DEVICE_TYPE(i440fx, TYPE_I440FX, TYPE_PCI_DEVICE, struct i440fx_state,
		   .class_init = i440fx_class_init, .vmstate = i440fx_fields,
		   .vmstate_version = 1, .no_user = true,
		   .desc = "Host bridge (i440FX PMC)");

struct pci_bus *i440fx_init(const struct i440fx_config *cfg,
			    struct i440fx_pci_windows *windows, GError **errp)
{
	struct pci_bus *bus;
	struct i440fx_state *s;
	uint64_t hole64_size = cfg->pci_hole64_size ? cfg->pci_hole64_size : 32 * GiB;

	if (pci_bus_find("pci.0")) {
		g_set_error(errp, KEMU_ERROR, 0, "i440FX: bus pci.0 already exists");
		return NULL;
	}
	/* PCI answers wherever RAM and board devices do not */
	memory_region_add_subregion_overlap(cfg->sysmem, 0, cfg->pci_mem, -1);
	bus = pci_bus_new("pci.0", cfg->pci_mem, cfg->iomem, cfg->dma_as);
	s = I440FX(pci_new(bus, PCI_DEVFN(0, 0), TYPE_I440FX));
	s->cfg = *cfg;
	if (!pci_realize(&s->parent, errp)) {
		object_unref(OBJECT(s));
		pci_bus_destroy(bus);
		memory_region_del_subregion(cfg->sysmem, cfg->pci_mem);
		return NULL;
	}
	/* the machine's tree owns it; without a machine (tests), the caller does */
	if (machine_current()) {
		machine_add_device(machine_current(), "i440fx", DEVICE(s));
		object_unref(OBJECT(s));
	}
	if (windows) {
		windows->hole_start = cfg->below_4g_mem_size;
		windows->hole_end = I440FX_PCI_HOLE_END;
		windows->hole64_start = ALIGN_UP(4 * GiB + cfg->above_4g_mem_size, 1 * GiB);
		windows->hole64_end = windows->hole64_start + hole64_size;
	}
	return bus;
}

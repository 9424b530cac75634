/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conventional PCI: buses, devices, configuration space, BARs, INTx, MSI and
 * MSI-X (PCI Local Bus Specification 3.0; MSI-X: section 6.8).
 *
 * A host bridge (hw/pci-host/i440fx.c) creates a bus with pci_bus_new() on
 * the machine's PCI memory space and port space, tells it how INTx pins reach
 * the interrupt controller (pci_bus_set_irqs) and how MSIs are delivered
 * (pci_bus_set_msi). Devices then sit on the bus at a devfn (slot << 3 | fn):
 *
 *	-device pci-testdev,bus=pci.0,addr=5.0	   (addr: "slot[.fn]" in hex)
 *	pci_create_simple(bus, PCI_DEVFN(2, 0), "pci-testdev", errp);	// board
 *
 * A PCI device is a TYPE_PCI_DEVICE subclass whose class_init fills in
 * struct pci_device_class: the IDs that go in the header and its
 * realize/exit/reset hooks. Do NOT pass .realize/.reset in
 * DEFINE_DEVICE_TYPE for a PCI device: those are the PCI core's, which lays
 * out the header, places the device on its bus and then calls the class's.
 *
 *	static void foo_class_init(struct object_class *klass, const void *data)
 *	{
 *		struct pci_device_class *k = PCI_DEVICE_CLASS(klass);
 *		k->vendor_id = 0x1b36; k->device_id = 0x0005;
 *		k->class_id = PCI_CLASS_OTHERS; k->realize = foo_realize;
 *	}
 *	DEFINE_DEVICE_TYPE(foo, "foo", TYPE_PCI_DEVICE, struct foo,
 *			   .class_init = foo_class_init, .props = foo_props,
 *			   .vmstate = foo_fields);	// fields start with VMSTATE_PCI_DEVICE
 *
 * In realize the device registers its BARs (pci_register_bar with a region
 * whose size is a power of two), capabilities (pci_add_capability, msi_init,
 * msix_init) and sets config[PCI_INTERRUPT_PIN] if it uses INTx. The core
 * maps a BAR into the bus's memory or I/O space when the guest enables
 * decoding in the command register and the BAR holds a valid address; the
 * device only ever sees offsets into its regions.
 *
 * Guest configuration writes change only the bits in wmask (and clear the
 * write-1-to-clear bits in w1cmask); a device that needs to react to a
 * register sets config_write in its class and calls pci_default_write_config
 * first. Every access is checked: size 1, 2 or 4, naturally aligned, inside
 * the config space; anything else reads all-ones and writes nothing.
 *
 * INTx: pci_set_irq(dev, level) drives the pin named in PCI_INTERRUPT_PIN;
 * the bus counts asserted devices per bus IRQ (map_irq(dev, pin)), so shared
 * lines are the OR of their devices, and PCI_COMMAND_INTX_DISABLE is honoured.
 *
 * Everything here runs under the BQL.
 */
#ifndef HW_PCI_PCI_H
#define HW_PCI_PCI_H

#include "hw/device.h"
#include "hw/irq.h"
#include "system/memory.h"

/* ---- configuration space layout (PCI 3.0 section 6.1, Linux pci_regs.h names) ---- */
#define PCI_CONFIG_HEADER_SIZE	0x40
#define PCI_CONFIG_SPACE_SIZE	0x100
#define PCIE_CONFIG_SPACE_SIZE	0x1000

#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define  PCI_COMMAND_IO		0x1
#define  PCI_COMMAND_MEMORY	0x2
#define  PCI_COMMAND_MASTER	0x4
#define  PCI_COMMAND_SPECIAL	0x8
#define  PCI_COMMAND_INVALIDATE	0x10
#define  PCI_COMMAND_VGA_PALETTE 0x20
#define  PCI_COMMAND_PARITY	0x40
#define  PCI_COMMAND_WAIT	0x80
#define  PCI_COMMAND_SERR	0x100
#define  PCI_COMMAND_FAST_BACK	0x200
#define  PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS		0x06
#define  PCI_STATUS_INTERRUPT	0x08
#define  PCI_STATUS_CAP_LIST	0x10
#define  PCI_STATUS_66MHZ	0x20
#define  PCI_STATUS_FAST_BACK	0x80
#define  PCI_STATUS_PARITY	0x100
#define  PCI_STATUS_DEVSEL_MEDIUM 0x200
#define  PCI_STATUS_SIG_TARGET_ABORT 0x800
#define  PCI_STATUS_REC_TARGET_ABORT 0x1000
#define  PCI_STATUS_REC_MASTER_ABORT 0x2000
#define  PCI_STATUS_SIG_SYSTEM_ERROR 0x4000
#define  PCI_STATUS_DETECTED_PARITY 0x8000
#define PCI_REVISION_ID		0x08
#define PCI_CLASS_PROG		0x09
#define PCI_CLASS_DEVICE	0x0a
#define PCI_CACHE_LINE_SIZE	0x0c
#define PCI_LATENCY_TIMER	0x0d
#define PCI_HEADER_TYPE		0x0e
#define  PCI_HEADER_TYPE_NORMAL	0
#define  PCI_HEADER_TYPE_BRIDGE	1
#define  PCI_HEADER_TYPE_MULTI_FUNCTION 0x80
#define PCI_BIST		0x0f
#define PCI_BASE_ADDRESS_0	0x10
#define PCI_BASE_ADDRESS_5	0x24
#define  PCI_BASE_ADDRESS_SPACE_IO	0x01
#define  PCI_BASE_ADDRESS_SPACE_MEMORY	0x00
#define  PCI_BASE_ADDRESS_MEM_TYPE_32	0x00
#define  PCI_BASE_ADDRESS_MEM_TYPE_64	0x04
#define  PCI_BASE_ADDRESS_MEM_PREFETCH	0x08
#define  PCI_BASE_ADDRESS_MEM_MASK	(~0x0fULL)
#define  PCI_BASE_ADDRESS_IO_MASK	(~0x03ULL)
#define PCI_CARDBUS_CIS		0x28
#define PCI_SUBSYSTEM_VENDOR_ID	0x2c
#define PCI_SUBSYSTEM_ID	0x2e
#define PCI_ROM_ADDRESS		0x30
#define  PCI_ROM_ADDRESS_ENABLE	0x01
#define  PCI_ROM_ADDRESS_MASK	(~0x7ffULL)
#define PCI_CAPABILITY_LIST	0x34
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d
#define PCI_MIN_GNT		0x3e
#define PCI_MAX_LAT		0x3f

/* type 1 (PCI-to-PCI bridge) header */
#define PCI_PRIMARY_BUS		0x18
#define PCI_SECONDARY_BUS	0x19
#define PCI_SUBORDINATE_BUS	0x1a
#define PCI_SEC_LATENCY_TIMER	0x1b
#define PCI_IO_BASE		0x1c
#define PCI_IO_LIMIT		0x1d
#define PCI_SEC_STATUS		0x1e
#define PCI_MEMORY_BASE		0x20
#define PCI_MEMORY_LIMIT	0x22
#define PCI_PREF_MEMORY_BASE	0x24
#define PCI_PREF_MEMORY_LIMIT	0x26
#define PCI_PREF_BASE_UPPER32	0x28
#define PCI_PREF_LIMIT_UPPER32	0x2c
#define PCI_IO_BASE_UPPER16	0x30
#define PCI_IO_LIMIT_UPPER16	0x32
#define PCI_ROM_ADDRESS1	0x38
#define PCI_BRIDGE_CONTROL	0x3e

/* capabilities */
#define PCI_CAP_LIST_ID		0
#define PCI_CAP_LIST_NEXT	1
#define PCI_CAP_ID_PM		0x01
#define PCI_CAP_ID_MSI		0x05
#define PCI_CAP_ID_VNDR		0x09
#define PCI_CAP_ID_EXP		0x10
#define PCI_CAP_ID_MSIX		0x11

#define PCI_MSI_FLAGS		2
#define  PCI_MSI_FLAGS_ENABLE	0x0001
#define  PCI_MSI_FLAGS_QMASK	0x000e
#define  PCI_MSI_FLAGS_QSIZE	0x0070
#define  PCI_MSI_FLAGS_64BIT	0x0080
#define  PCI_MSI_FLAGS_MASKBIT	0x0100
#define PCI_MSI_ADDRESS_LO	4
#define PCI_MSI_ADDRESS_HI	8
#define PCI_MSI_DATA_32		8
#define PCI_MSI_MASK_32		12
#define PCI_MSI_PENDING_32	16
#define PCI_MSI_DATA_64		12
#define PCI_MSI_MASK_64		16
#define PCI_MSI_PENDING_64	20

#define PCI_MSIX_FLAGS		2
#define  PCI_MSIX_FLAGS_QSIZE	0x07ff
#define  PCI_MSIX_FLAGS_MASKALL	0x4000
#define  PCI_MSIX_FLAGS_ENABLE	0x8000
#define PCI_MSIX_TABLE		4
#define  PCI_MSIX_FLAGS_BIRMASK	0x7
#define PCI_MSIX_PBA		8
#define PCI_CAP_MSIX_SIZEOF	12
#define PCI_MSIX_ENTRY_SIZE	16
#define  PCI_MSIX_ENTRY_LOWER_ADDR	0
#define  PCI_MSIX_ENTRY_UPPER_ADDR	4
#define  PCI_MSIX_ENTRY_DATA		8
#define  PCI_MSIX_ENTRY_VECTOR_CTRL	12
#define   PCI_MSIX_ENTRY_CTRL_MASKBIT	1

/* class codes (base << 8 | sub) */
#define PCI_CLASS_STORAGE_IDE	0x0101
#define PCI_CLASS_NETWORK_ETHERNET 0x0200
#define PCI_CLASS_DISPLAY_VGA	0x0300
#define PCI_CLASS_BRIDGE_HOST	0x0600
#define PCI_CLASS_BRIDGE_ISA	0x0601
#define PCI_CLASS_BRIDGE_OTHER	0x0680
#define PCI_CLASS_BRIDGE_PCI	0x0604
#define PCI_CLASS_OTHERS	0xff00

#define PCI_VENDOR_ID_INTEL	0x8086
#define PCI_VENDOR_ID_REDHAT	0x1b36
#define PCI_SUBVENDOR_ID_REDHAT_QUMRANET 0x1af4
#define PCI_SUBDEVICE_ID_QEMU	0x1100

#define PCI_DEVFN(slot, fn)	((((slot) & 0x1f) << 3) | ((fn) & 0x07))
#define PCI_SLOT(devfn)		(((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)		((devfn) & 0x07)
#define PCI_SLOT_MAX		32
#define PCI_FUNC_MAX		8
#define PCI_DEVFN_MAX		256
#define PCI_NUM_PINS		4	/* INTA#..INTD# */
#define PCI_NUM_REGIONS		7	/* BAR0..5 + expansion ROM */
#define PCI_ROM_SLOT		6
#define PCI_BAR_UNMAPPED	(~0ULL)
#define PCI_MSIX_MAX_VECTORS	128	/* kemu's limit: the table lives in the device state */

/* ---- the bus ---- */

struct pci_device;

typedef int (*pci_map_irq_fn)(struct pci_device *dev, int pin);
typedef void (*pci_msi_send_fn)(void *opaque, uint64_t addr, uint32_t data);

struct pci_bus {
	char *name;			/* "pci.0": what -device bus= names */
	struct memory_region *mem;	/* memory BARs are mapped here */
	struct memory_region *io;	/* I/O BARs are mapped here */
	struct address_space *dma_as;	/* what bus masters see */
	struct pci_device *devices[PCI_DEVFN_MAX];
	/* INTx: pin (0 = INTA#) of a device -> bus IRQ -> set_irq(opaque, n, level) */
	pci_map_irq_fn map_irq;
	irq_handler_fn set_irq;
	void *irq_opaque;
	int nirq;
	int *irq_count;			/* asserted pins per bus IRQ */
	pci_msi_send_fn msi_send;
	void *msi_opaque;
};

/*
 * Create a bus; its name must be unique (it is looked up by -device bus=).
 * The first bus created is the default one for devices without bus=.
 */
struct pci_bus *pci_bus_new(const char *name, struct memory_region *mem,
			    struct memory_region *io, struct address_space *dma_as);
/* Unrealizes its devices and forgets the bus (tests, machine teardown). */
void pci_bus_destroy(struct pci_bus *bus);
struct pci_bus *pci_bus_find(const char *name);	/* NULL name: the default bus */
void pci_bus_set_irqs(struct pci_bus *bus, pci_map_irq_fn map_irq, irq_handler_fn set_irq,
		      void *opaque, int nirq);
/* MSI/MSI-X delivery: the board connects this to the APIC bus or KVM_SIGNAL_MSI. */
void pci_bus_set_msi(struct pci_bus *bus, pci_msi_send_fn send, void *opaque);
struct pci_device *pci_bus_get_device(struct pci_bus *bus, int devfn);

/* Guest configuration cycles (host bridges): all-ones where nothing answers. */
uint32_t pci_bus_config_read(struct pci_bus *bus, int devfn, uint32_t addr, unsigned len);
void pci_bus_config_write(struct pci_bus *bus, int devfn, uint32_t addr, uint32_t val,
			  unsigned len);

/* ---- devices ---- */

struct pci_bar {
	struct memory_region *mr;	/* NULL: no such BAR */
	uint64_t size;			/* power of two */
	uint8_t type;			/* low bits: space, 64-bit, prefetchable */
	uint64_t addr;			/* where mapped, or PCI_BAR_UNMAPPED */
	struct memory_region *space;	/* the container it is mapped in */
};

struct pci_device {
	struct device parent;

	/* guest-visible state */
	uint8_t config[PCIE_CONFIG_SPACE_SIZE];
	uint8_t irq_state;		/* INTx asserted by the device */
	uint8_t msix_table[PCI_MSIX_MAX_VECTORS * PCI_MSIX_ENTRY_SIZE];
	uint8_t msix_pba[PCI_MSIX_MAX_VECTORS / 8];

	/* what the guest may write: wmask bits, w1cmask bits are write-1-to-clear */
	uint8_t wmask[PCIE_CONFIG_SPACE_SIZE];
	uint8_t w1cmask[PCIE_CONFIG_SPACE_SIZE];
	uint8_t used[PCIE_CONFIG_SPACE_SIZE];	/* bytes taken by capabilities */
	unsigned config_size;

	struct pci_bus *bus;
	int devfn;			/* -1 until placed */
	struct pci_bar bars[PCI_NUM_REGIONS];

	/* option ROM */
	struct memory_region rom;
	bool has_rom;

	/* MSI / MSI-X */
	uint8_t msi_cap;		/* 0: none */
	unsigned msi_nr_vectors;
	uint8_t msix_cap;		/* 0: none */
	unsigned msix_entries;
	struct memory_region msix_table_mr, msix_pba_mr, msix_bar;

	/* properties */
	char *bus_name;			/* "bus" */
	char *addr;			/* "addr": "slot[.fn]" */
	bool multifunction;
	char *romfile;
	uint32_t rombar;
};

struct pci_device_class {
	struct device_class parent;
	uint16_t vendor_id, device_id;
	uint16_t subsystem_vendor_id, subsystem_id;	/* 0: QEMU's 1af4:1100 */
	uint8_t revision;
	uint16_t class_id;		/* base << 8 | subclass */
	uint8_t prog_if;
	bool is_bridge;			/* type 1 header */
	const char *romfile;		/* default option ROM, NULL for none */
	bool (*realize)(struct pci_device *dev, GError **errp);
	void (*exit)(struct pci_device *dev);
	void (*reset)(struct pci_device *dev);	/* after the core's header reset */
	void (*post_load)(struct pci_device *dev);	/* rebuild what config implies */
	uint32_t (*config_read)(struct pci_device *dev, uint32_t addr, unsigned len);
	void (*config_write)(struct pci_device *dev, uint32_t addr, uint32_t val, unsigned len);
};

#define TYPE_PCI_DEVICE "pci-device"
#define PCI_DEVICE(obj) OBJECT_CHECK(struct pci_device, (obj), TYPE_PCI_DEVICE)
#define PCI_DEVICE_CLASS(k) OBJECT_CLASS_CHECK(struct pci_device_class, (k), TYPE_PCI_DEVICE)
#define PCI_DEVICE_GET_CLASS(obj) \
	OBJECT_GET_CLASS_CHECKED(struct pci_device_class, (obj), TYPE_PCI_DEVICE)

/*
 * The PCI part of a device's state description; put it first in the
 * subclass's table. After a restore, call pci_device_post_load().
 */
#define VMSTATE_PCI_DEVICE(st, f)						\
	{ .name = "pci.config", .type = VMSTATE_TYPE_BUFFER,			\
	  .offset = offsetof(st, f.config), .count = PCIE_CONFIG_SPACE_SIZE },	\
	{ .name = "pci.irq_state", .type = VMSTATE_TYPE_U8,			\
	  .offset = offsetof(st, f.irq_state), .count = 1 },			\
	{ .name = "pci.msix_table", .type = VMSTATE_TYPE_BUFFER,		\
	  .offset = offsetof(st, f.msix_table),					\
	  .count = PCI_MSIX_MAX_VECTORS * PCI_MSIX_ENTRY_SIZE },		\
	{ .name = "pci.msix_pba", .type = VMSTATE_TYPE_BUFFER,			\
	  .offset = offsetof(st, f.msix_pba), .count = PCI_MSIX_MAX_VECTORS / 8 }

/* Remap BARs, re-drive INTx and call the class's post_load, from restored state. */
void pci_device_post_load(struct pci_device *dev);

/*
 * Board-made devices: create at devfn (-1: first free slot) and realize.
 * The caller owns the returned reference (machine_add_device, then unref).
 * The bus holds no reference; pci_bus_destroy() only unrealizes.
 */
struct pci_device *pci_create_simple(struct pci_bus *bus, int devfn, const char *type,
				     GError **errp);
/* Same, but unrealized, so the board can set properties first. */
struct pci_device *pci_new(struct pci_bus *bus, int devfn, const char *type);
bool pci_realize(struct pci_device *dev, GError **errp);

/* Guest-side config accesses (checked) and the defaults class hooks chain to. */
uint32_t pci_config_read(struct pci_device *dev, uint32_t addr, unsigned len);
void pci_config_write(struct pci_device *dev, uint32_t addr, uint32_t val, unsigned len);
uint32_t pci_default_read_config(struct pci_device *dev, uint32_t addr, unsigned len);
void pci_default_write_config(struct pci_device *dev, uint32_t addr, uint32_t val,
			      unsigned len);

static inline void pci_set_byte(uint8_t *p, uint8_t v) { *p = v; }
static inline uint8_t pci_get_byte(const uint8_t *p) { return *p; }
static inline void pci_set_word(uint8_t *p, uint16_t v) { stw_le_p(p, v); }
static inline uint16_t pci_get_word(const uint8_t *p) { return lduw_le_p(p); }
static inline void pci_set_long(uint8_t *p, uint32_t v) { stl_le_p(p, v); }
static inline uint32_t pci_get_long(const uint8_t *p) { return ldl_le_p(p); }
static inline void pci_set_quad(uint8_t *p, uint64_t v) { stq_le_p(p, v); }
static inline uint64_t pci_get_quad(const uint8_t *p) { return ldq_le_p(p); }

/*
 * BAR `region` (0-5, or PCI_ROM_SLOT) decodes mr, whose size must be a power
 * of two (at least 4 for I/O, 16 for memory). type: PCI_BASE_ADDRESS_SPACE_IO
 * or _MEMORY | _MEM_TYPE_64 | _MEM_PREFETCH. A 64-bit BAR takes region + 1.
 */
void pci_register_bar(struct pci_device *dev, int region, uint8_t type,
		      struct memory_region *mr);
uint64_t pci_get_bar_addr(struct pci_device *dev, int region);

/* INTx on the pin in PCI_INTERRUPT_PIN. */
void pci_set_irq(struct pci_device *dev, int level);
static inline void pci_irq_assert(struct pci_device *dev) { pci_set_irq(dev, 1); }
static inline void pci_irq_deassert(struct pci_device *dev) { pci_set_irq(dev, 0); }
/* The bus IRQ (e.g. PIRQ number) a device's pin goes to, -1 if none. */
int pci_device_bus_irq(struct pci_device *dev);

/*
 * Capabilities. offset 0 picks the first free dword-aligned space at or
 * after 0x40. The new capability is linked at the head of the list, its
 * bytes are read-only to the guest unless the caller sets wmask. Returns the
 * offset, 0 on error (overlap, no room).
 */
uint8_t pci_add_capability(struct pci_device *dev, uint8_t cap_id, uint8_t offset,
			   uint8_t size, GError **errp);
uint8_t pci_find_capability(struct pci_device *dev, uint8_t cap_id);

/* MSI (PCI 3.0 section 6.8.1): 1-32 vectors, power of two. */
bool msi_init(struct pci_device *dev, uint8_t offset, unsigned nr_vectors, bool msi64bit,
	      bool per_vector_mask, GError **errp);
bool msi_enabled(struct pci_device *dev);
void msi_notify(struct pci_device *dev, unsigned vector);

/*
 * MSI-X (section 6.8.2): the table and PBA are placed at offsets in the
 * containers of the given BARs (registered by the caller), or in a BAR of
 * their own with msix_init_exclusive_bar.
 */
bool msix_init(struct pci_device *dev, unsigned nentries,
	       struct memory_region *table_bar, uint8_t table_bar_nr, uint32_t table_offset,
	       struct memory_region *pba_bar, uint8_t pba_bar_nr, uint32_t pba_offset,
	       uint8_t cap_pos, GError **errp);
bool msix_init_exclusive_bar(struct pci_device *dev, unsigned nentries, uint8_t bar_nr,
			     GError **errp);
bool msix_enabled(struct pci_device *dev);
bool msix_is_masked(struct pci_device *dev, unsigned vector);
void msix_notify(struct pci_device *dev, unsigned vector);

/*
 * Bus-master DMA into the bus's DMA address space (the machine's memory):
 * refused with MEMTX_ERROR, nothing transferred, unless the guest set Bus
 * Master Enable in the command register (PCI 3.0 section 6.2.2); otherwise
 * the checks of dma_memory_read/write apply.
 */
memtx_result pci_dma_read(struct pci_device *dev, uint64_t addr, void *buf, uint64_t len);
memtx_result pci_dma_write(struct pci_device *dev, uint64_t addr, const void *buf,
			   uint64_t len);

/* A memory write a device makes as a bus master (MSI); dropped unless enabled. */
void pci_msi_send(struct pci_device *dev, uint64_t addr, uint32_t data);

/* ---- introspection ---- */

/* `info pci`, QEMU's format. */
void pci_bus_print(GString *out, struct pci_bus *bus);

struct pci_bar_info {
	int region;
	bool is_io, is_64, prefetch;
	uint64_t addr;			/* PCI_BAR_UNMAPPED when not decoding */
	uint64_t size;
};

struct pci_device_info {
	int bus, slot, function;
	uint16_t vendor_id, device_id, subsystem_vendor_id, subsystem_id;
	uint16_t class_id;
	uint8_t revision, prog_if, irq_line, irq_pin;
	const char *type;		/* type name (static) */
	const char *id;			/* -device id=, or NULL; valid while the device lives */
	unsigned nr_bars;
	struct pci_bar_info bars[PCI_NUM_REGIONS];
};

/* query-pci: one struct pci_device_info per device, in devfn order. */
GArray *pci_bus_query(struct pci_bus *bus);

#endif

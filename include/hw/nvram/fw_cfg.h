/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's firmware configuration interface (fw_cfg), as QEMU's
 * docs/specs/fw_cfg.rst describes it: numbered items and named files that
 * firmware (SeaBIOS, OVMF, kemu's option ROMs) reads through a selector
 * register, a byte-wide data register and a DMA interface.
 *
 * struct fw_cfg_state is the register model and the item store; it is pure
 * (guest memory is reached through the two DMA callbacks) so unit tests drive
 * it directly. The "fw_cfg_io" device (hw/nvram/fw_cfg-io.c) wraps it for the
 * PC: selector 0x510 (16-bit write), data 0x511 (8-bit read), DMA address
 * 0x514 (64-bit big-endian; a write of the low half starts the transfer).
 *
 * The board fills it before the guest runs:
 *
 *	struct device *dev = fw_cfg_io_create(io_space, 0x510, &as_memory, &err);
 *	struct fw_cfg_state *fw = fw_cfg_io_state(dev);
 *	fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, ram_size);
 *	fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, smp);
 *	fw_cfg_add_file(fw, "etc/e820", e820_bytes, len);	// copies
 *
 * Integer items are little-endian (QEMU's fw_cfg_add_i*); the file directory
 * (item 0x19) is big-endian and sorted by name. Adding a file renumbers the
 * files after it, so hand out selectors only after the last add.
 */
#ifndef HW_NVRAM_FW_CFG_H
#define HW_NVRAM_FW_CFG_H

#include "kemu/common.h"

/* Item keys, fw_cfg.rst "Selector Register" and QEMU's fw_cfg_keys.h */
#define FW_CFG_SIGNATURE	0x00
#define FW_CFG_ID		0x01
#define FW_CFG_UUID		0x02
#define FW_CFG_RAM_SIZE		0x03
#define FW_CFG_NOGRAPHIC	0x04
#define FW_CFG_NB_CPUS		0x05
#define FW_CFG_MACHINE_ID	0x06
#define FW_CFG_KERNEL_ADDR	0x07
#define FW_CFG_KERNEL_SIZE	0x08
#define FW_CFG_KERNEL_CMDLINE	0x09
#define FW_CFG_INITRD_ADDR	0x0a
#define FW_CFG_INITRD_SIZE	0x0b
#define FW_CFG_BOOT_DEVICE	0x0c
#define FW_CFG_NUMA		0x0d
#define FW_CFG_BOOT_MENU	0x0e
#define FW_CFG_MAX_CPUS		0x0f
#define FW_CFG_KERNEL_ENTRY	0x10
#define FW_CFG_KERNEL_DATA	0x11
#define FW_CFG_INITRD_DATA	0x12
#define FW_CFG_CMDLINE_ADDR	0x13
#define FW_CFG_CMDLINE_SIZE	0x14
#define FW_CFG_CMDLINE_DATA	0x15
#define FW_CFG_SETUP_ADDR	0x16
#define FW_CFG_SETUP_SIZE	0x17
#define FW_CFG_SETUP_DATA	0x18
#define FW_CFG_FILE_DIR		0x19
#define FW_CFG_FILE_FIRST	0x20
#define FW_CFG_FILE_SLOTS	0x40
#define FW_CFG_MAX_ENTRY	(FW_CFG_FILE_FIRST + FW_CFG_FILE_SLOTS)
#define FW_CFG_WRITE_CHANNEL	0x4000
#define FW_CFG_ARCH_LOCAL	0x8000
#define FW_CFG_ENTRY_MASK	(~(FW_CFG_WRITE_CHANNEL | FW_CFG_ARCH_LOCAL) & 0xffff)
#define FW_CFG_INVALID		0xffff

/* x86 arch-local items (QEMU hw/i386/fw_cfg.h) */
#define FW_CFG_ACPI_TABLES	(FW_CFG_ARCH_LOCAL + 0)
#define FW_CFG_SMBIOS_ENTRIES	(FW_CFG_ARCH_LOCAL + 1)
#define FW_CFG_IRQ0_OVERRIDE	(FW_CFG_ARCH_LOCAL + 2)
#define FW_CFG_E820_TABLE	(FW_CFG_ARCH_LOCAL + 3)
#define FW_CFG_HPET		(FW_CFG_ARCH_LOCAL + 4)

#define FW_CFG_VERSION		0x01	/* ID bit: traditional interface */
#define FW_CFG_VERSION_DMA	0x02	/* ID bit: DMA interface */

/* DMA control bits (fw_cfg.rst "FWCfgDmaAccess") */
#define FW_CFG_DMA_CTL_ERROR	0x01
#define FW_CFG_DMA_CTL_READ	0x02
#define FW_CFG_DMA_CTL_SKIP	0x04
#define FW_CFG_DMA_CTL_SELECT	0x08
#define FW_CFG_DMA_CTL_WRITE	0x10
#define FW_CFG_DMA_SIGNATURE	"QEMU CFG"	/* read at the DMA address register */

#define FW_CFG_MAX_FILE_PATH	56

struct fw_cfg_entry {
	uint8_t *data;		/* owned */
	uint32_t len;
	char name[FW_CFG_MAX_FILE_PATH];	/* files only */
	/* Guest writes through DMA (e.g. etc/... write pointers); NULL: read-only */
	void (*write_cb)(void *opaque, uint32_t offset, uint32_t len);
	void *write_opaque;
};

/* Guest-memory access for DMA; return false when the range is not RAM. */
struct fw_cfg_dma_ops {
	bool (*read)(void *opaque, uint64_t addr, void *buf, uint64_t len);
	bool (*write)(void *opaque, uint64_t addr, const void *buf, uint64_t len);
	void *opaque;
};

struct fw_cfg_state {
	struct fw_cfg_entry entries[2][FW_CFG_MAX_ENTRY];	/* [generic, arch-local] */
	unsigned nr_files;
	bool dma_enabled;
	struct fw_cfg_dma_ops dma;
	/* guest-visible state */
	uint16_t cur_entry;
	uint32_t cur_offset;
	uint64_t dma_addr;
};

/* Signature, ID (with the DMA bit if dma_enabled) and an empty directory. */
void fw_cfg_state_init(struct fw_cfg_state *s, bool dma_enabled);
void fw_cfg_state_destroy(struct fw_cfg_state *s);
/* Guest reset: no item selected. Contents stay. */
void fw_cfg_state_reset(struct fw_cfg_state *s);

/* Items: the data are copied (the _take variants adopt a g_malloc'd buffer). */
void fw_cfg_add_bytes(struct fw_cfg_state *s, uint16_t key, const void *data, size_t len);
void fw_cfg_add_bytes_take(struct fw_cfg_state *s, uint16_t key, void *data, size_t len);
void fw_cfg_add_string(struct fw_cfg_state *s, uint16_t key, const char *value);
void fw_cfg_add_i16(struct fw_cfg_state *s, uint16_t key, uint16_t value);
void fw_cfg_add_i32(struct fw_cfg_state *s, uint16_t key, uint32_t value);
void fw_cfg_add_i64(struct fw_cfg_state *s, uint16_t key, uint64_t value);
/*
 * Named files, kept sorted by name. Returns false (and adds nothing) if the
 * name is too long, already present, or the file slots are full: a board bug,
 * so boards may g_assert it.
 */
bool fw_cfg_add_file(struct fw_cfg_state *s, const char *name, const void *data, size_t len);
bool fw_cfg_add_file_take(struct fw_cfg_state *s, const char *name, void *data, size_t len);
/* Replace a file's contents (keeps its selector); false if absent. */
bool fw_cfg_modify_file(struct fw_cfg_state *s, const char *name, const void *data, size_t len);
/* The item for a file, or NULL; *key gets its selector. */
const struct fw_cfg_entry *fw_cfg_find_file(const struct fw_cfg_state *s, const char *name,
					    uint16_t *key);

/* The register model (offsets within the device are the device's concern). */
void fw_cfg_select(struct fw_cfg_state *s, uint16_t key);
uint8_t fw_cfg_data_read(struct fw_cfg_state *s);
/* The DMA address register was written; run the transfer it describes. */
void fw_cfg_dma_transfer(struct fw_cfg_state *s, uint64_t desc_addr);

/* The fw_cfg_io device (hw/nvram/fw_cfg-io.c) */
#define TYPE_FW_CFG_IO "fw_cfg_io"
struct device;
struct memory_region;
struct address_space;
struct fw_cfg_state *fw_cfg_io_state(struct device *dev);
/* Point DMA at a guest address space (the board's system memory). */
void fw_cfg_io_set_dma_as(struct device *dev, struct address_space *as);
/* The two port regions: ctl/data (2 bytes, at base) and DMA (8 bytes, at base+4). */
struct memory_region *fw_cfg_io_region(struct device *dev);
struct memory_region *fw_cfg_io_dma_region(struct device *dev);
/* new + set DMA AS + realize + map both regions at base in io_space. */
struct device *fw_cfg_io_create(struct memory_region *io_space, uint16_t base,
				struct address_space *dma_as, GError **errp);

#endif

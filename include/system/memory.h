/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest physical memory and I/O ports.
 *
 * A struct memory_region is RAM (memfd-backed host memory), ROM (RAM the
 * guest cannot write), I/O (read/write callbacks: MMIO or ports), a container
 * of subregions, or an alias of a window into another region. Regions are
 * embedded in the device that owns them; the device sees only offsets into
 * its region, never guest addresses. The board places regions into the two
 * address spaces of a machine (memory and I/O) with
 * memory_region_add_subregion(); overlapping subregions are resolved by
 * priority (higher wins; equal priority: the later one wins).
 *
 * Every change to the topology rebuilds the address space's flat view: a
 * sorted array of non-overlapping ranges, each pointing at the terminal
 * region that answers there. Memory listeners (KVM memslots, the
 * interpreter's TLB) are told about added and removed RAM ranges. Group many
 * changes in memory_region_transaction_begin()/commit() to rebuild once.
 *
 * I/O callbacks are called with the device lock (the BQL) held. Accesses
 * whose size the region does not accept (ops->valid) are logged as guest
 * errors and read as all-ones; sizes the region accepts but does not
 * implement (ops->impl) are split or widened here, so a device handles only
 * its natural access size.
 *
 * Devices reach guest memory only through the DMA helpers below
 * (dma_memory_read/write, address_space_map): every address and length is
 * checked, and a DMA that touches anything but RAM answers MEMTX_ERROR.
 *
 * Locking: topology changes and flat-view reads happen under the BQL; RAM
 * itself is never unmapped while the machine runs, so host pointers obtained
 * from address_space_map() stay valid until address_space_unmap().
 */
#ifndef SYSTEM_MEMORY_H
#define SYSTEM_MEMORY_H

#include "kemu/common.h"

struct object;
struct memory_region;

typedef enum {
	MEMTX_OK = 0,
	MEMTX_ERROR = 1,	/* unassigned, or not RAM for a DMA */
	MEMTX_DECODE_ERROR = 2,
} memtx_result;

struct memory_region_ops {
	uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
	void (*write)(void *opaque, uint64_t offset, uint64_t value, unsigned size);
	struct {
		/* Sizes (bytes) the guest may use; 0 means 1..8. */
		unsigned min_access_size;
		unsigned max_access_size;
		bool unaligned;		/* accept unaligned accesses */
	} valid;
	struct {
		/* Sizes the callbacks implement; others are split/widened. 0: as valid. */
		unsigned min_access_size;
		unsigned max_access_size;
	} impl;
};

enum memory_region_kind {
	MR_CONTAINER,
	MR_RAM,
	MR_ROM,		/* RAM contents, guest writes ignored (or sent to rom_ops) */
	MR_IO,
	MR_ALIAS,
};

struct memory_region {
	enum memory_region_kind kind;
	char *name;
	struct object *owner;
	uint64_t size;			/* UINT64_MAX means the 2^64 space */
	bool enabled;
	bool readonly;			/* RAM made read-only (e.g. PAM) */
	int priority;
	uint64_t addr;			/* offset within container */
	struct memory_region *container;
	GPtrArray *subregions;		/* sorted: highest priority first */

	/* RAM / ROM */
	uint8_t *ram_ptr;
	int ram_fd;			/* memfd, -1 if anonymous */
	uint64_t ram_fd_offset;
	/* ROM whose writes go to a device (flash, PAM write-to-PCI); may be NULL */
	const struct memory_region_ops *rom_write_ops;

	/* I/O */
	const struct memory_region_ops *ops;
	void *opaque;

	/* alias */
	struct memory_region *alias;
	uint64_t alias_offset;
};

/* One piece of a flattened address space. */
struct flat_range {
	uint64_t start;			/* guest address */
	uint64_t size;
	struct memory_region *mr;	/* terminal region: RAM, ROM or IO */
	uint64_t offset_in_region;
	bool readonly;			/* ROM, or RAM marked read-only */
};

struct flat_view {
	gint refcount;
	unsigned nr;
	struct flat_range *ranges;	/* sorted by start, non-overlapping */
};

struct memory_listener;

struct address_space {
	char *name;
	struct memory_region *root;
	struct flat_view *view;
	GPtrArray *listeners;
	bool is_io;			/* port space: 16-bit addresses */
};

struct memory_listener {
	/* Called for RAM/ROM ranges only (what can become a KVM memslot). */
	void (*region_add)(struct memory_listener *l, const struct flat_range *fr);
	void (*region_del)(struct memory_listener *l, const struct flat_range *fr);
	/* After every rebuild (the interpreter flushes its TLBs here). */
	void (*commit)(struct memory_listener *l);
	void *opaque;
};

void memory_region_init_container(struct memory_region *mr, struct object *owner,
				  const char *name, uint64_t size);
bool memory_region_init_ram(struct memory_region *mr, struct object *owner,
			    const char *name, uint64_t size, GError **errp);
bool memory_region_init_rom(struct memory_region *mr, struct object *owner,
			    const char *name, uint64_t size, GError **errp);
void memory_region_init_io(struct memory_region *mr, struct object *owner,
			   const struct memory_region_ops *ops, void *opaque,
			   const char *name, uint64_t size);
void memory_region_init_alias(struct memory_region *mr, struct object *owner,
			      const char *name, struct memory_region *target,
			      uint64_t offset, uint64_t size);
void memory_region_destroy(struct memory_region *mr);

void memory_region_add_subregion(struct memory_region *container, uint64_t offset,
				 struct memory_region *sub);
void memory_region_add_subregion_overlap(struct memory_region *container,
					 uint64_t offset, struct memory_region *sub,
					 int priority);
void memory_region_del_subregion(struct memory_region *container,
				 struct memory_region *sub);
void memory_region_set_enabled(struct memory_region *mr, bool enabled);
void memory_region_set_readonly(struct memory_region *mr, bool readonly);
void memory_region_set_address(struct memory_region *mr, uint64_t addr);
void memory_region_set_alias_offset(struct memory_region *mr, uint64_t offset);
/* Host pointer to the start of a RAM/ROM region (for loading firmware). */
void *memory_region_get_ram_ptr(struct memory_region *mr);

void memory_region_transaction_begin(void);
void memory_region_transaction_commit(void);

void address_space_init(struct address_space *as, struct memory_region *root,
			const char *name, bool is_io);
void address_space_destroy(struct address_space *as);
void memory_listener_register(struct memory_listener *l, struct address_space *as);
void memory_listener_unregister(struct memory_listener *l, struct address_space *as);

/* The range containing addr in the current view, or NULL (unassigned). */
const struct flat_range *address_space_lookup(struct address_space *as, uint64_t addr);

/*
 * A guest (CPU) access of 1, 2, 4 or 8 bytes: dispatched to RAM or to the
 * I/O region's callbacks, split at region boundaries. Unassigned reads give
 * all-ones. Used by the KVM exit path and the interpreter alike.
 */
memtx_result address_space_read_value(struct address_space *as, uint64_t addr,
				      unsigned size, uint64_t *value);
memtx_result address_space_write_value(struct address_space *as, uint64_t addr,
				       unsigned size, uint64_t value);
/* Byte-buffer CPU accesses of any length (RAM, ROM and I/O). */
memtx_result address_space_rw(struct address_space *as, uint64_t addr, void *buf,
			      uint64_t len, bool is_write);

/*
 * DMA helpers: bounds-checked, RAM only. A range that is not entirely RAM
 * (or ROM, for reads) fails as a whole with MEMTX_ERROR and nothing is
 * transferred; addr + len overflow is an error, never a wrap-around.
 */
memtx_result dma_memory_read(struct address_space *as, uint64_t addr, void *buf,
			     uint64_t len);
memtx_result dma_memory_write(struct address_space *as, uint64_t addr,
			      const void *buf, uint64_t len);
memtx_result dma_memory_set(struct address_space *as, uint64_t addr, uint8_t c,
			    uint64_t len);
/*
 * Map up to *len bytes of RAM at addr for direct access; *len is reduced to
 * what is contiguous. NULL if addr is not RAM (or is ROM and is_write).
 */
void *address_space_map(struct address_space *as, uint64_t addr, uint64_t *len,
			bool is_write);
void address_space_unmap(struct address_space *as, void *ptr, uint64_t len,
			 bool is_write);

/* Loading firmware/kernels at machine build time (writes ROM too). */
bool address_space_write_rom(struct address_space *as, uint64_t addr,
			     const void *buf, uint64_t len, GError **errp);

/* `info mtree`: the region tree and the flat view, as text. */
void memory_region_print_tree(GString *out, struct memory_region *mr);
void address_space_print_flat(GString *out, struct address_space *as);

#endif

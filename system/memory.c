// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Memory regions, flattening, dispatch and the bounds-checked DMA helpers.
 * See system/memory.h for the model.
 *
 * Flattening walks the region tree from the root, highest priority first,
 * and lets each terminal region (RAM, ROM, I/O) claim the parts of its
 * window that nothing of higher priority claimed already. The result is a
 * sorted array of non-overlapping ranges that lookups binary-search.
 */
#include "system/memory.h"
#include "qom/object.h"

#include <sys/mman.h>
#include <unistd.h>

typedef unsigned __int128 u128;

static GPtrArray *address_spaces;	/* every address_space, for rebuilds */
static int transaction_depth;
static bool transaction_pending;

/* ---- region construction ---- */

static void memory_region_init_common(struct memory_region *mr, struct object *owner,
				      const char *name, uint64_t size,
				      enum memory_region_kind kind)
{
	memset(mr, 0, sizeof(*mr));
	mr->kind = kind;
	mr->name = g_strdup(name);
	mr->owner = owner;
	mr->size = size;
	mr->enabled = true;
	mr->ram_fd = -1;
}

void memory_region_init_container(struct memory_region *mr, struct object *owner,
				  const char *name, uint64_t size)
{
	memory_region_init_common(mr, owner, name, size, MR_CONTAINER);
	mr->subregions = g_ptr_array_new();
}

static bool memory_region_alloc_ram(struct memory_region *mr, GError **errp)
{
	void *p;
	int fd;

	/*
	 * memfd so that RAM can later be shared with vhost-user backends and
	 * snapshotted; MAP_NORESERVE and no pre-faulting, so pages the guest
	 * never touches never cost host memory.
	 */
	fd = memfd_create(mr->name, MFD_CLOEXEC);
	if (fd < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: memfd_create: %s", mr->name,
			    g_strerror(errno));
		return false;
	}
	if (ftruncate(fd, mr->size) < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: cannot allocate %" PRIu64 " bytes: %s",
			    mr->name, mr->size, g_strerror(errno));
		close(fd);
		return false;
	}
	p = mmap(NULL, mr->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
	if (p == MAP_FAILED) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: cannot map %" PRIu64 " bytes: %s",
			    mr->name, mr->size, g_strerror(errno));
		close(fd);
		return false;
	}
	mr->ram_ptr = p;
	mr->ram_fd = fd;
	return true;
}

bool memory_region_init_ram(struct memory_region *mr, struct object *owner,
			    const char *name, uint64_t size, GError **errp)
{
	memory_region_init_common(mr, owner, name, size, MR_RAM);
	return memory_region_alloc_ram(mr, errp);
}

bool memory_region_init_rom(struct memory_region *mr, struct object *owner,
			    const char *name, uint64_t size, GError **errp)
{
	memory_region_init_common(mr, owner, name, size, MR_ROM);
	return memory_region_alloc_ram(mr, errp);
}

void memory_region_init_io(struct memory_region *mr, struct object *owner,
			   const struct memory_region_ops *ops, void *opaque,
			   const char *name, uint64_t size)
{
	memory_region_init_common(mr, owner, name, size, MR_IO);
	mr->ops = ops;
	mr->opaque = opaque;
}

void memory_region_init_alias(struct memory_region *mr, struct object *owner,
			      const char *name, struct memory_region *target,
			      uint64_t offset, uint64_t size)
{
	memory_region_init_common(mr, owner, name, size, MR_ALIAS);
	mr->alias = target;
	mr->alias_offset = offset;
}

void memory_region_destroy(struct memory_region *mr)
{
	if (mr->container)
		memory_region_del_subregion(mr->container, mr);
	if (mr->ram_ptr)
		munmap(mr->ram_ptr, mr->size);
	if (mr->ram_fd >= 0)
		close(mr->ram_fd);
	if (mr->subregions) {
		/* orphan what is still inside, so its owner can destroy it later */
		for (guint i = 0; i < mr->subregions->len; i++)
			((struct memory_region *)g_ptr_array_index(mr->subregions, i))->container = NULL;
		g_ptr_array_free(mr->subregions, true);
	}
	g_free(mr->name);
	memset(mr, 0, sizeof(*mr));
	mr->ram_fd = -1;
}

void *memory_region_get_ram_ptr(struct memory_region *mr)
{
	while (mr->kind == MR_ALIAS)
		mr = mr->alias;
	return mr->ram_ptr;
}

static void memory_region_changed(void)
{
	memory_region_transaction_begin();
	transaction_pending = true;
	memory_region_transaction_commit();
}

static void memory_region_add_subregion_common(struct memory_region *container,
					       uint64_t offset, struct memory_region *sub)
{
	guint i;

	g_assert(container->kind == MR_CONTAINER);
	g_assert(!sub->container);
	sub->container = container;
	sub->addr = offset;
	/* highest priority first; among equals the newest first (it wins) */
	for (i = 0; i < container->subregions->len; i++) {
		struct memory_region *other = g_ptr_array_index(container->subregions, i);

		if (sub->priority >= other->priority)
			break;
	}
	g_ptr_array_insert(container->subregions, i, sub);
	memory_region_changed();
}

void memory_region_add_subregion(struct memory_region *container, uint64_t offset,
				 struct memory_region *sub)
{
	sub->priority = 0;
	memory_region_add_subregion_common(container, offset, sub);
}

void memory_region_add_subregion_overlap(struct memory_region *container,
					 uint64_t offset, struct memory_region *sub,
					 int priority)
{
	sub->priority = priority;
	memory_region_add_subregion_common(container, offset, sub);
}

void memory_region_del_subregion(struct memory_region *container,
				 struct memory_region *sub)
{
	g_assert(sub->container == container);
	g_ptr_array_remove(container->subregions, sub);
	sub->container = NULL;
	memory_region_changed();
}

void memory_region_set_enabled(struct memory_region *mr, bool enabled)
{
	if (mr->enabled == enabled)
		return;
	mr->enabled = enabled;
	memory_region_changed();
}

void memory_region_set_readonly(struct memory_region *mr, bool readonly)
{
	if (mr->readonly == readonly)
		return;
	mr->readonly = readonly;
	memory_region_changed();
}

void memory_region_set_address(struct memory_region *mr, uint64_t addr)
{
	struct memory_region *container = mr->container;

	if (!container) {
		mr->addr = addr;
		return;
	}
	memory_region_transaction_begin();
	memory_region_del_subregion(container, mr);
	memory_region_add_subregion_overlap(container, addr, mr, mr->priority);
	memory_region_transaction_commit();
}

void memory_region_set_alias_offset(struct memory_region *mr, uint64_t offset)
{
	g_assert(mr->kind == MR_ALIAS);
	mr->alias_offset = offset;
	memory_region_changed();
}

/* ---- flattening ---- */

static u128 region_end(uint64_t start, uint64_t size)
{
	return size == UINT64_MAX ? (u128)1 << 64 : (u128)start + size;
}

/* Adds [start, end) -> mr at off, only where `ranges` has gaps. */
static void flat_insert_gaps(GArray *ranges, u128 start, u128 end, struct memory_region *mr,
			     uint64_t off, bool readonly)
{
	GArray *out = g_array_new(false, false, sizeof(struct flat_range));
	u128 pos = start;

	for (guint i = 0; i < ranges->len; i++) {
		struct flat_range *r = &g_array_index(ranges, struct flat_range, i);
		u128 rs = r->start, re = region_end(r->start, r->size);

		if (re <= pos || rs >= end) {
			g_array_append_val(out, *r);
			continue;
		}
		if (rs > pos) {
			struct flat_range n = { (uint64_t)pos, (uint64_t)(rs - pos), mr,
						off + (uint64_t)(pos - start), readonly };

			g_array_append_val(out, n);
		}
		g_array_append_val(out, *r);
		if (re > pos)
			pos = re;
	}
	if (pos < end) {
		struct flat_range n = { (uint64_t)pos, (uint64_t)(end - pos), mr,
					off + (uint64_t)(pos - start), readonly };

		/* keep sorted: insert at the right place */
		guint i;

		for (i = 0; i < out->len; i++)
			if (g_array_index(out, struct flat_range, i).start > n.start)
				break;
		g_array_insert_val(out, i, n);
	}
	/* out may be unsorted where gaps were appended in the loop: sort */
	g_array_set_size(ranges, 0);
	g_array_append_vals(ranges, out->data, out->len);
	g_array_free(out, true);
}

static gint flat_range_cmp(gconstpointer a, gconstpointer b)
{
	const struct flat_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * Render mr, which starts at absolute address `base`, clipped to
 * [clip_start, clip_end). `readonly` is inherited from aliases.
 */
static void render_region(GArray *ranges, struct memory_region *mr, u128 base,
			  u128 clip_start, u128 clip_end, bool readonly, int depth)
{
	u128 start, end;

	if (!mr->enabled || depth > 32)
		return;
	start = MAX(base, clip_start);
	end = MIN(base + (mr->size == UINT64_MAX ? (u128)1 << 64 : (u128)mr->size), clip_end);
	if (start >= end)
		return;
	switch (mr->kind) {
	case MR_ALIAS:
		render_region(ranges, mr->alias, base - mr->alias_offset, start, end,
			      readonly || mr->readonly, depth + 1);
		break;
	case MR_CONTAINER:
		for (guint i = 0; i < mr->subregions->len; i++) {
			struct memory_region *sub = g_ptr_array_index(mr->subregions, i);

			render_region(ranges, sub, base + sub->addr, start, end, readonly,
				      depth + 1);
		}
		break;
	case MR_RAM:
	case MR_ROM:
	case MR_IO:
		flat_insert_gaps(ranges, start, end, mr, (uint64_t)(start - base),
				 readonly || mr->readonly || mr->kind == MR_ROM);
		g_array_sort(ranges, flat_range_cmp);
		break;
	}
}

static struct flat_view *flat_view_build(struct memory_region *root)
{
	GArray *ranges = g_array_new(false, false, sizeof(struct flat_range));
	struct flat_view *fv = g_new0(struct flat_view, 1);
	GArray *merged = g_array_new(false, false, sizeof(struct flat_range));

	render_region(ranges, root, 0, 0, (u128)1 << 64, false, 0);
	/* merge neighbours that continue the same region */
	for (guint i = 0; i < ranges->len; i++) {
		struct flat_range *r = &g_array_index(ranges, struct flat_range, i);
		struct flat_range *last = merged->len ?
			&g_array_index(merged, struct flat_range, merged->len - 1) : NULL;

		if (last && last->mr == r->mr && last->readonly == r->readonly &&
		    (u128)last->start + last->size == r->start &&
		    last->offset_in_region + last->size == r->offset_in_region) {
			last->size += r->size;
			continue;
		}
		g_array_append_val(merged, *r);
	}
	g_array_free(ranges, true);
	fv->refcount = 1;
	fv->nr = merged->len;
	fv->ranges = (struct flat_range *)g_array_free(merged, false);
	return fv;
}

static void flat_view_unref(struct flat_view *fv)
{
	if (fv && g_atomic_int_dec_and_test(&fv->refcount)) {
		g_free(fv->ranges);
		g_free(fv);
	}
}

static bool flat_range_is_ram(const struct flat_range *r)
{
	return r->mr->kind == MR_RAM || r->mr->kind == MR_ROM;
}

static bool flat_view_has(const struct flat_view *fv, const struct flat_range *r)
{
	for (unsigned i = 0; fv && i < fv->nr; i++)
		if (!memcmp(&fv->ranges[i], r, sizeof(*r)))
			return true;
	return false;
}

static void address_space_update(struct address_space *as)
{
	struct flat_view *old = as->view, *new = flat_view_build(as->root);

	/* removals first, so KVM never sees two slots overlap */
	for (guint l = 0; l < as->listeners->len; l++) {
		struct memory_listener *ml = g_ptr_array_index(as->listeners, l);

		for (unsigned i = 0; old && i < old->nr && ml->region_del; i++)
			if (flat_range_is_ram(&old->ranges[i]) && !flat_view_has(new, &old->ranges[i]))
				ml->region_del(ml, &old->ranges[i]);
	}
	__atomic_store_n(&as->view, new, __ATOMIC_RELEASE);
	for (guint l = 0; l < as->listeners->len; l++) {
		struct memory_listener *ml = g_ptr_array_index(as->listeners, l);

		for (unsigned i = 0; i < new->nr && ml->region_add; i++)
			if (flat_range_is_ram(&new->ranges[i]) && !flat_view_has(old, &new->ranges[i]))
				ml->region_add(ml, &new->ranges[i]);
		if (ml->commit)
			ml->commit(ml);
	}
	flat_view_unref(old);
}

void memory_region_transaction_begin(void)
{
	transaction_depth++;
}

void memory_region_transaction_commit(void)
{
	g_assert(transaction_depth > 0);
	if (--transaction_depth || !transaction_pending)
		return;
	transaction_pending = false;
	for (guint i = 0; address_spaces && i < address_spaces->len; i++)
		address_space_update(g_ptr_array_index(address_spaces, i));
}

void address_space_init(struct address_space *as, struct memory_region *root,
			const char *name, bool is_io)
{
	memset(as, 0, sizeof(*as));
	as->name = g_strdup(name);
	as->root = root;
	as->is_io = is_io;
	as->listeners = g_ptr_array_new();
	if (!address_spaces)
		address_spaces = g_ptr_array_new();
	g_ptr_array_add(address_spaces, as);
	address_space_update(as);
}

void address_space_destroy(struct address_space *as)
{
	g_ptr_array_remove(address_spaces, as);
	flat_view_unref(as->view);
	g_ptr_array_free(as->listeners, true);
	g_free(as->name);
	memset(as, 0, sizeof(*as));
}

void memory_listener_register(struct memory_listener *l, struct address_space *as)
{
	g_ptr_array_add(as->listeners, l);
	for (unsigned i = 0; as->view && i < as->view->nr && l->region_add; i++)
		if (flat_range_is_ram(&as->view->ranges[i]))
			l->region_add(l, &as->view->ranges[i]);
	if (l->commit)
		l->commit(l);
}

void memory_listener_unregister(struct memory_listener *l, struct address_space *as)
{
	g_ptr_array_remove(as->listeners, l);
}

/* ---- dispatch ---- */

const struct flat_range *address_space_lookup(struct address_space *as, uint64_t addr)
{
	struct flat_view *fv = __atomic_load_n(&as->view, __ATOMIC_ACQUIRE);
	unsigned lo = 0, hi = fv ? fv->nr : 0;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		const struct flat_range *r = &fv->ranges[mid];

		if (addr < r->start)
			hi = mid;
		else if ((u128)addr >= region_end(r->start, r->size))
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

static unsigned ops_valid_min(const struct memory_region_ops *ops)
{
	return ops->valid.min_access_size ? ops->valid.min_access_size : 1;
}

static unsigned ops_valid_max(const struct memory_region_ops *ops)
{
	return ops->valid.max_access_size ? ops->valid.max_access_size : 8;
}

static unsigned ops_impl_min(const struct memory_region_ops *ops)
{
	return ops->impl.min_access_size ? ops->impl.min_access_size : ops_valid_min(ops);
}

static unsigned ops_impl_max(const struct memory_region_ops *ops)
{
	return ops->impl.max_access_size ? ops->impl.max_access_size : ops_valid_max(ops);
}

static uint64_t io_read_impl(struct memory_region *mr, uint64_t off, unsigned size)
{
	const struct memory_region_ops *ops = mr->ops;
	unsigned imin = ops_impl_min(ops), imax = ops_impl_max(ops);
	uint64_t v = 0;

	if (!ops->read)
		return 0;
	if (size < imin) {
		/* widen: read the naturally aligned implemented unit and extract */
		uint64_t base = ALIGN_DOWN(off, (uint64_t)imin);
		uint64_t w;

		if (base + imin > mr->size)
			return ~0ULL >> (64 - 8 * size);
		w = ops->read(mr->opaque, base, imin);
		return (w >> (8 * (off - base))) & (~0ULL >> (64 - 8 * size));
	}
	if (size > imax) {
		for (unsigned i = 0; i < size; i += imax)
			v |= io_read_impl(mr, off + i, imax) << (8 * i);
		return v;
	}
	return ops->read(mr->opaque, off, size);
}

static void io_write_impl(struct memory_region *mr, uint64_t off, uint64_t v, unsigned size)
{
	const struct memory_region_ops *ops = mr->ops;
	unsigned imin = ops_impl_min(ops), imax = ops_impl_max(ops);

	if (!ops->write)
		return;
	if (size < imin) {
		uint64_t base = ALIGN_DOWN(off, (uint64_t)imin);
		unsigned shift = 8 * (off - base);
		uint64_t mask = (~0ULL >> (64 - 8 * size)) << shift;
		uint64_t w;

		if (base + imin > mr->size)
			return;
		/* read-modify-write of the implemented unit */
		w = ops->read ? ops->read(mr->opaque, base, imin) : 0;
		w = (w & ~mask) | ((v << shift) & mask);
		ops->write(mr->opaque, base, w, imin);
		return;
	}
	if (size > imax) {
		for (unsigned i = 0; i < size; i += imax)
			io_write_impl(mr, off + i, v >> (8 * i), imax);
		return;
	}
	ops->write(mr->opaque, off, v, size);
}

static bool io_access_valid(struct address_space *as, const struct flat_range *r,
			    uint64_t addr, uint64_t off, unsigned size, bool is_write)
{
	const struct memory_region_ops *ops = r->mr->ops;

	if (size < ops_valid_min(ops) || size > ops_valid_max(ops) ||
	    (!ops->valid.unaligned && (off & (size - 1)))) {
		guest_error("%s: invalid %u-byte %s at 0x%" PRIx64 " (%s+0x%" PRIx64 ")",
			    as->name, size, is_write ? "write" : "read", addr, r->mr->name, off);
		return false;
	}
	return true;
}

/*
 * Does an access of `size` bytes at addr leave the flat range r? An I/O
 * access that starts in a region and fits in that region goes to it whole,
 * even where a higher-priority region covers part of it: that is how a PC
 * chipset decodes ports, and what QEMU does (a dword at 0xcf8 is CONFIG_ADDRESS
 * although a byte at 0xcf9 is the reset control register).
 */
static bool access_leaves_range(const struct flat_range *r, uint64_t addr, unsigned size)
{
	if ((u128)addr + size <= region_end(r->start, r->size))
		return false;
	return !(r->mr->kind == MR_IO &&
		 (u128)(addr - r->start) + r->offset_in_region + size <= r->mr->size);
}

memtx_result address_space_read_value(struct address_space *as, uint64_t addr,
				      unsigned size, uint64_t *value)
{
	const struct flat_range *r = address_space_lookup(as, addr);
	uint64_t off;

	if (r && access_leaves_range(r, addr, size)) {
		/* straddles two ranges: byte by byte */
		uint64_t v = 0, b;
		memtx_result res = MEMTX_OK;

		for (unsigned i = 0; i < size; i++) {
			res |= address_space_read_value(as, addr + i, 1, &b);
			v |= (b & 0xff) << (8 * i);
		}
		*value = v;
		return res;
	}
	if (!r) {
		log_mask(LOG_IOPORT, "%s: unassigned read of %u bytes at 0x%" PRIx64 "\n",
			 as->name, size, addr);
		*value = ~0ULL >> (64 - 8 * size);
		return MEMTX_DECODE_ERROR;
	}
	off = addr - r->start + r->offset_in_region;
	if (r->mr->kind != MR_IO) {
		uint64_t v = 0;

		memcpy(&v, r->mr->ram_ptr + off, size);
		*value = v;
		return MEMTX_OK;
	}
	if (!io_access_valid(as, r, addr, off, size, false)) {
		*value = ~0ULL >> (64 - 8 * size);
		return MEMTX_ERROR;
	}
	*value = io_read_impl(r->mr, off, size) & (~0ULL >> (64 - 8 * size));
	return MEMTX_OK;
}

memtx_result address_space_write_value(struct address_space *as, uint64_t addr,
				       unsigned size, uint64_t value)
{
	const struct flat_range *r = address_space_lookup(as, addr);
	uint64_t off;

	if (r && access_leaves_range(r, addr, size)) {
		memtx_result res = MEMTX_OK;

		for (unsigned i = 0; i < size; i++)
			res |= address_space_write_value(as, addr + i, 1, value >> (8 * i));
		return res;
	}
	if (!r) {
		log_mask(LOG_IOPORT, "%s: unassigned write of %u bytes at 0x%" PRIx64
			 " value 0x%" PRIx64 "\n", as->name, size, addr, value);
		return MEMTX_DECODE_ERROR;
	}
	off = addr - r->start + r->offset_in_region;
	if (r->mr->kind != MR_IO) {
		if (r->readonly) {
			/* ROM: writes are dropped, or go to the ROM device's handler */
			if (r->mr->rom_write_ops && r->mr->rom_write_ops->write)
				r->mr->rom_write_ops->write(r->mr->opaque, off, value, size);
			return MEMTX_OK;
		}
		memcpy(r->mr->ram_ptr + off, &value, size);
		return MEMTX_OK;
	}
	if (!io_access_valid(as, r, addr, off, size, true))
		return MEMTX_ERROR;
	io_write_impl(r->mr, off, value, size);
	return MEMTX_OK;
}

memtx_result address_space_rw(struct address_space *as, uint64_t addr, void *buf,
			      uint64_t len, bool is_write)
{
	uint8_t *p = buf;
	memtx_result res = MEMTX_OK;

	while (len) {
		const struct flat_range *r = address_space_lookup(as, addr);
		uint64_t chunk;

		if (r && r->mr->kind != MR_IO && !(is_write && r->readonly)) {
			uint64_t off = addr - r->start + r->offset_in_region;

			chunk = MIN(len, (uint64_t)(region_end(r->start, r->size) - addr));
			if (is_write)
				memcpy(r->mr->ram_ptr + off, p, chunk);
			else
				memcpy(p, r->mr->ram_ptr + off, chunk);
		} else {
			unsigned sz = len >= 4 && !(addr & 3) ? 4 : len >= 2 && !(addr & 1) ? 2 : 1;
			uint64_t v = 0;

			if (is_write) {
				memcpy(&v, p, sz);
				res |= address_space_write_value(as, addr, sz, v);
			} else {
				res |= address_space_read_value(as, addr, sz, &v);
				memcpy(p, &v, sz);
			}
			chunk = sz;
		}
		p += chunk;
		addr += chunk;
		len -= chunk;
	}
	return res;
}

/* ---- DMA ---- */

/* Checks that [addr, addr+len) is all RAM (ROM allowed unless writing). */
static bool dma_range_ok(struct address_space *as, uint64_t addr, uint64_t len, bool is_write)
{
	if (len && addr + len - 1 < addr)
		return false;		/* wraps around */
	while (len) {
		const struct flat_range *r = address_space_lookup(as, addr);
		uint64_t chunk;

		if (!r || !flat_range_is_ram(r) || (is_write && r->readonly))
			return false;
		chunk = MIN(len, (uint64_t)(region_end(r->start, r->size) - addr));
		addr += chunk;
		len -= chunk;
	}
	return true;
}

memtx_result dma_memory_read(struct address_space *as, uint64_t addr, void *buf,
			     uint64_t len)
{
	if (!dma_range_ok(as, addr, len, false)) {
		guest_error("%s: DMA read of %" PRIu64 " bytes at 0x%" PRIx64 " outside RAM",
			    as->name, len, addr);
		return MEMTX_ERROR;
	}
	return address_space_rw(as, addr, buf, len, false);
}

memtx_result dma_memory_write(struct address_space *as, uint64_t addr,
			      const void *buf, uint64_t len)
{
	if (!dma_range_ok(as, addr, len, true)) {
		guest_error("%s: DMA write of %" PRIu64 " bytes at 0x%" PRIx64 " outside RAM",
			    as->name, len, addr);
		return MEMTX_ERROR;
	}
	return address_space_rw(as, addr, (void *)buf, len, true);
}

memtx_result dma_memory_set(struct address_space *as, uint64_t addr, uint8_t c,
			    uint64_t len)
{
	if (!dma_range_ok(as, addr, len, true)) {
		guest_error("%s: DMA fill of %" PRIu64 " bytes at 0x%" PRIx64 " outside RAM",
			    as->name, len, addr);
		return MEMTX_ERROR;
	}
	while (len) {
		uint64_t chunk = len;
		void *p = address_space_map(as, addr, &chunk, true);

		memset(p, c, chunk);
		addr += chunk;
		len -= chunk;
	}
	return MEMTX_OK;
}

void *address_space_map(struct address_space *as, uint64_t addr, uint64_t *len,
			bool is_write)
{
	const struct flat_range *r = address_space_lookup(as, addr);
	uint64_t avail;

	if (!r || !flat_range_is_ram(r) || (is_write && r->readonly)) {
		*len = 0;
		return NULL;
	}
	avail = (uint64_t)(region_end(r->start, r->size) - addr);
	if (*len > avail)
		*len = avail;
	return r->mr->ram_ptr + (addr - r->start + r->offset_in_region);
}

void address_space_unmap(struct address_space *as, void *ptr, uint64_t len, bool is_write)
{
	/* RAM is never unmapped while the machine runs: nothing to release yet. */
}

bool address_space_write_rom(struct address_space *as, uint64_t addr,
			     const void *buf, uint64_t len, GError **errp)
{
	const uint8_t *p = buf;

	if (len && addr + len - 1 < addr)
		goto bad;
	while (len) {
		const struct flat_range *r = address_space_lookup(as, addr);
		uint64_t chunk;

		if (!r || !flat_range_is_ram(r))
			goto bad;
		chunk = MIN(len, (uint64_t)(region_end(r->start, r->size) - addr));
		memcpy(r->mr->ram_ptr + (addr - r->start + r->offset_in_region), p, chunk);
		p += chunk;
		addr += chunk;
		len -= chunk;
	}
	return true;
bad:
	g_set_error(errp, KEMU_ERROR, 0,
		    "cannot load %" PRIu64 " bytes at 0x%" PRIx64 ": not in guest RAM or ROM",
		    len, addr);
	return false;
}

/* ---- info mtree ---- */

static const char *mr_kind_name(const struct memory_region *mr)
{
	static const char *const names[] = { "container", "ram", "rom", "i/o", "alias" };

	return names[mr->kind];
}

static void print_tree(GString *out, struct memory_region *mr, u128 base, int level)
{
	u128 end = base + (mr->size == UINT64_MAX ? (u128)1 << 64 : mr->size);

	g_string_append_printf(out, "%*s%016" PRIx64 "-%016" PRIx64 " (prio %d, %s%s): %s",
			       level * 2, "", (uint64_t)base, (uint64_t)(end - 1), mr->priority,
			       mr_kind_name(mr), mr->enabled ? "" : ", disabled", mr->name);
	if (mr->kind == MR_ALIAS)
		g_string_append_printf(out, " @%s %016" PRIx64, mr->alias->name, mr->alias_offset);
	g_string_append_c(out, '\n');
	for (guint i = 0; mr->subregions && i < mr->subregions->len; i++) {
		struct memory_region *sub = g_ptr_array_index(mr->subregions, i);

		print_tree(out, sub, base + sub->addr, level + 1);
	}
}

void memory_region_print_tree(GString *out, struct memory_region *mr)
{
	print_tree(out, mr, 0, 0);
}

void address_space_print_flat(GString *out, struct address_space *as)
{
	g_string_append_printf(out, "FlatView (%s)\n", as->name);
	for (unsigned i = 0; as->view && i < as->view->nr; i++) {
		const struct flat_range *r = &as->view->ranges[i];

		g_string_append_printf(out, "  %016" PRIx64 "-%016" PRIx64 " (%s%s): %s @%016"
				       PRIx64 "\n", r->start,
				       (uint64_t)(region_end(r->start, r->size) - 1),
				       mr_kind_name(r->mr), r->readonly ? ", ro" : "",
				       r->mr->name, r->offset_in_region);
	}
}

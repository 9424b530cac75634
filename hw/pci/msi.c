// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MSI and MSI-X capabilities (PCI Local Bus Specification 3.0, sections
 * 6.8.1 and 6.8.2): the capability registers, the MSI-X table and pending
 * bit array in a BAR, masking and pending bits. Delivery is a memory write
 * handed to the bus's msi_send hook (pci_msi_send), which the board connects
 * to the APIC bus or to KVM. Not here: KVM irq routes (the board's), per
 * vector notifiers for irqfd.
 */
#include "hw/pci/pci.h"
#include "hw/pci/pci-internal.h"

static bool ranges_overlap_u64(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* ---- MSI ---- */

static uint16_t msi_flags(struct pci_device *dev)
{
	return pci_get_word(dev->config + dev->msi_cap + PCI_MSI_FLAGS);
}

static bool msi_is_64(struct pci_device *dev)
{
	return msi_flags(dev) & PCI_MSI_FLAGS_64BIT;
}

static unsigned msi_mask_off(struct pci_device *dev)
{
	return dev->msi_cap + (msi_is_64(dev) ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32);
}

static unsigned msi_cap_size(bool is64, bool maskbit)
{
	return (is64 ? 0x0e : 0x0a) + (maskbit ? 0x0a : 0);
}

bool msi_init(struct pci_device *dev, uint8_t offset, unsigned nr_vectors, bool msi64bit,
	      bool per_vector_mask, GError **errp)
{
	unsigned log2 = __builtin_ctz(nr_vectors ? nr_vectors : 1);
	uint8_t pos;
	uint16_t flags;

	if (!nr_vectors || nr_vectors > 32 || (nr_vectors & (nr_vectors - 1))) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: MSI: %u vectors: expected 1-32, a power of two",
			    object_get_typename(OBJECT(dev)), nr_vectors);
		return false;
	}
	pos = pci_add_capability(dev, PCI_CAP_ID_MSI, offset,
				 msi_cap_size(msi64bit, per_vector_mask), errp);
	if (!pos)
		return false;
	dev->msi_cap = pos;
	dev->msi_nr_vectors = nr_vectors;
	flags = (log2 << 1) | (msi64bit ? PCI_MSI_FLAGS_64BIT : 0) |
		(per_vector_mask ? PCI_MSI_FLAGS_MASKBIT : 0);
	pci_set_word(dev->config + pos + PCI_MSI_FLAGS, flags);
	pci_set_word(dev->wmask + pos + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	pci_set_long(dev->wmask + pos + PCI_MSI_ADDRESS_LO, 0xfffffffc);
	if (msi64bit)
		pci_set_long(dev->wmask + pos + PCI_MSI_ADDRESS_HI, 0xffffffff);
	pci_set_word(dev->wmask + pos + (msi64bit ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32), 0xffff);
	if (per_vector_mask)
		pci_set_long(dev->wmask + msi_mask_off(dev),
			     nr_vectors == 32 ? 0xffffffff : (1u << nr_vectors) - 1);
	return true;
}

bool msi_enabled(struct pci_device *dev)
{
	return dev->msi_cap && (msi_flags(dev) & PCI_MSI_FLAGS_ENABLE);
}

void msi_notify(struct pci_device *dev, unsigned vector)
{
	uint16_t flags;
	unsigned nr_enabled, base = dev->msi_cap;
	uint64_t addr;
	uint32_t data;

	if (!msi_enabled(dev) || vector >= dev->msi_nr_vectors)
		return;
	flags = msi_flags(dev);
	nr_enabled = 1u << ((flags & PCI_MSI_FLAGS_QSIZE) >> 4);
	if (vector >= nr_enabled)
		return;
	if (flags & PCI_MSI_FLAGS_MASKBIT) {
		unsigned moff = msi_mask_off(dev);

		if (pci_get_long(dev->config + moff) & (1u << vector)) {
			/* masked: remember it in the pending bits (section 6.8.1.7) */
			pci_set_long(dev->config + moff + 4,
				     pci_get_long(dev->config + moff + 4) | (1u << vector));
			return;
		}
	}
	addr = pci_get_long(dev->config + base + PCI_MSI_ADDRESS_LO);
	if (flags & PCI_MSI_FLAGS_64BIT) {
		addr |= (uint64_t)pci_get_long(dev->config + base + PCI_MSI_ADDRESS_HI) << 32;
		data = pci_get_word(dev->config + base + PCI_MSI_DATA_64);
	} else {
		data = pci_get_word(dev->config + base + PCI_MSI_DATA_32);
	}
	/* multiple messages: the function modifies the low bits of the data */
	data = (data & ~(nr_enabled - 1)) | vector;
	pci_msi_send(dev, addr, data);
}

void msi_write_config(struct pci_device *dev, uint32_t addr, uint32_t val, unsigned len)
{
	uint16_t flags;
	unsigned qmask, qsize, pos = dev->msi_cap;

	if (!pos)
		return;
	flags = msi_flags(dev);
	if (addr >= pos + msi_cap_size(flags & PCI_MSI_FLAGS_64BIT,
				       flags & PCI_MSI_FLAGS_MASKBIT) || addr + len <= pos)
		return;
	/* software may not enable more vectors than the function asked for */
	qmask = (flags & PCI_MSI_FLAGS_QMASK) >> 1;
	qsize = (flags & PCI_MSI_FLAGS_QSIZE) >> 4;
	if (qsize > qmask) {
		guest_error("pci %02x.%x: MSI multiple message enable %u > capable %u",
			    PCI_SLOT(dev->devfn), PCI_FUNC(dev->devfn), qsize, qmask);
		flags = (flags & ~PCI_MSI_FLAGS_QSIZE) | (qmask << 4);
		pci_set_word(dev->config + pos + PCI_MSI_FLAGS, flags);
	}
	if (!(flags & PCI_MSI_FLAGS_ENABLE) || !(flags & PCI_MSI_FLAGS_MASKBIT))
		return;
	/* deliver what became unmasked while pending */
	for (unsigned v = 0; v < dev->msi_nr_vectors; v++) {
		unsigned moff = msi_mask_off(dev);
		uint32_t mask = pci_get_long(dev->config + moff);
		uint32_t pend = pci_get_long(dev->config + moff + 4);

		if ((pend & (1u << v)) && !(mask & (1u << v))) {
			pci_set_long(dev->config + moff + 4, pend & ~(1u << v));
			msi_notify(dev, v);
		}
	}
}

void msi_reset(struct pci_device *dev)
{
	unsigned pos = dev->msi_cap;
	uint16_t flags;

	if (!pos)
		return;
	flags = msi_flags(dev);
	pci_set_word(dev->config + pos + PCI_MSI_FLAGS,
		     flags & ~(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE));
	memset(dev->config + pos + PCI_MSI_ADDRESS_LO, 0,
	       msi_cap_size(flags & PCI_MSI_FLAGS_64BIT, flags & PCI_MSI_FLAGS_MASKBIT) -
	       PCI_MSI_ADDRESS_LO);
}

/* ---- MSI-X ---- */

static uint16_t msix_flags(struct pci_device *dev)
{
	return pci_get_word(dev->config + dev->msix_cap + PCI_MSIX_FLAGS);
}

bool msix_enabled(struct pci_device *dev)
{
	return dev->msix_cap && (msix_flags(dev) & PCI_MSIX_FLAGS_ENABLE);
}

bool msix_is_masked(struct pci_device *dev, unsigned vector)
{
	const uint8_t *e = dev->msix_table + vector * PCI_MSIX_ENTRY_SIZE;

	if (vector >= dev->msix_entries)
		return true;
	return (msix_flags(dev) & PCI_MSIX_FLAGS_MASKALL) ||
	       (pci_get_long(e + PCI_MSIX_ENTRY_VECTOR_CTRL) & PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

static void msix_set_pending(struct pci_device *dev, unsigned v, bool on)
{
	if (on)
		dev->msix_pba[v / 8] |= 1u << (v % 8);
	else
		dev->msix_pba[v / 8] &= ~(1u << (v % 8));
}

static bool msix_is_pending(struct pci_device *dev, unsigned v)
{
	return dev->msix_pba[v / 8] & (1u << (v % 8));
}

void msix_notify(struct pci_device *dev, unsigned vector)
{
	const uint8_t *e = dev->msix_table + vector * PCI_MSIX_ENTRY_SIZE;

	if (vector >= dev->msix_entries || !msix_enabled(dev))
		return;
	if (msix_is_masked(dev, vector)) {
		msix_set_pending(dev, vector, true);	/* section 6.8.2.9 */
		return;
	}
	pci_msi_send(dev, ldq_le_p(e + PCI_MSIX_ENTRY_LOWER_ADDR),
		     pci_get_long(e + PCI_MSIX_ENTRY_DATA));
}

/* Deliver each pending vector that is no longer masked. */
static void msix_flush_pending(struct pci_device *dev)
{
	if (!msix_enabled(dev))
		return;
	for (unsigned v = 0; v < dev->msix_entries; v++) {
		if (msix_is_pending(dev, v) && !msix_is_masked(dev, v)) {
			msix_set_pending(dev, v, false);
			msix_notify(dev, v);
		}
	}
}

static uint64_t msix_table_read(void *opaque, uint64_t off, unsigned size)
{
	struct pci_device *dev = opaque;

	if (off + size > dev->msix_entries * PCI_MSIX_ENTRY_SIZE)
		return ~0ULL;
	return pci_get_long(dev->msix_table + off);
}

static void msix_table_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct pci_device *dev = opaque;
	unsigned vector = off / PCI_MSIX_ENTRY_SIZE;

	if (off + size > dev->msix_entries * PCI_MSIX_ENTRY_SIZE)
		return;
	if (off % PCI_MSIX_ENTRY_SIZE == PCI_MSIX_ENTRY_VECTOR_CTRL) {
		/* bits 31:1 are reserved (section 6.8.2.9) */
		val &= PCI_MSIX_ENTRY_CTRL_MASKBIT;
	}
	pci_set_long(dev->msix_table + off, val);
	if (off % PCI_MSIX_ENTRY_SIZE == PCI_MSIX_ENTRY_VECTOR_CTRL &&
	    msix_is_pending(dev, vector) && !msix_is_masked(dev, vector) && msix_enabled(dev)) {
		msix_set_pending(dev, vector, false);
		msix_notify(dev, vector);
	}
}

/* DWORD and QWORD accesses only (section 6.8.2) */
static const struct memory_region_ops msix_table_ops = {
	.read = msix_table_read,
	.write = msix_table_write,
	.valid = { .min_access_size = 4, .max_access_size = 8 },
	.impl = { .min_access_size = 4, .max_access_size = 4 },
};

static uint64_t msix_pba_read(void *opaque, uint64_t off, unsigned size)
{
	struct pci_device *dev = opaque;
	uint64_t v = 0;

	if (off + size > ALIGN_UP(dev->msix_entries, 64) / 8)
		return ~0ULL;
	memcpy(&v, dev->msix_pba + off, MIN(size, sizeof(dev->msix_pba) - off));
	return v;
}

static void msix_pba_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	/* read-only; writes are ignored */
}

static const struct memory_region_ops msix_pba_ops = {
	.read = msix_pba_read,
	.write = msix_pba_write,
	.valid = { .min_access_size = 4, .max_access_size = 8 },
	.impl = { .min_access_size = 4, .max_access_size = 4 },
};

bool msix_init(struct pci_device *dev, unsigned nentries,
	       struct memory_region *table_bar, uint8_t table_bar_nr, uint32_t table_offset,
	       struct memory_region *pba_bar, uint8_t pba_bar_nr, uint32_t pba_offset,
	       uint8_t cap_pos, GError **errp)
{
	const char *type = object_get_typename(OBJECT(dev));
	uint64_t table_size = (uint64_t)nentries * PCI_MSIX_ENTRY_SIZE;
	uint64_t pba_size = ALIGN_UP(nentries, 64) / 8;
	uint8_t pos;

	if (!nentries || nentries > PCI_MSIX_MAX_VECTORS) {
		g_set_error(errp, KEMU_ERROR, 0, "%s: MSI-X: %u vectors: expected 1-%u", type,
			    nentries, PCI_MSIX_MAX_VECTORS);
		return false;
	}
	if (table_bar_nr > 5 || pba_bar_nr > 5 || (table_offset & 7) || (pba_offset & 7) ||
	    table_bar->kind != MR_CONTAINER || pba_bar->kind != MR_CONTAINER ||
	    table_offset + table_size > table_bar->size || pba_offset + pba_size > pba_bar->size ||
	    (table_bar == pba_bar && ranges_overlap_u64(table_offset, table_size,
							 pba_offset, pba_size))) {
		g_set_error(errp, KEMU_ERROR, 0,
			    "%s: MSI-X: table (BAR%u+0x%x) or PBA (BAR%u+0x%x) does not fit", type,
			    table_bar_nr, table_offset, pba_bar_nr, pba_offset);
		return false;
	}
	pos = pci_add_capability(dev, PCI_CAP_ID_MSIX, cap_pos, PCI_CAP_MSIX_SIZEOF, errp);
	if (!pos)
		return false;
	dev->msix_cap = pos;
	dev->msix_entries = nentries;
	pci_set_word(dev->config + pos + PCI_MSIX_FLAGS, nentries - 1);
	pci_set_long(dev->config + pos + PCI_MSIX_TABLE, table_offset | table_bar_nr);
	pci_set_long(dev->config + pos + PCI_MSIX_PBA, pba_offset | pba_bar_nr);
	pci_set_word(dev->wmask + pos + PCI_MSIX_FLAGS,
		     PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	msix_reset(dev);
	memory_region_init_io(&dev->msix_table_mr, OBJECT(dev), &msix_table_ops, dev,
			      "msix-table", table_size);
	memory_region_add_subregion(table_bar, table_offset, &dev->msix_table_mr);
	memory_region_init_io(&dev->msix_pba_mr, OBJECT(dev), &msix_pba_ops, dev,
			      "msix-pba", pba_size);
	memory_region_add_subregion(pba_bar, pba_offset, &dev->msix_pba_mr);
	return true;
}

bool msix_init_exclusive_bar(struct pci_device *dev, unsigned nentries, uint8_t bar_nr,
			     GError **errp)
{
	uint64_t table_size = (uint64_t)nentries * PCI_MSIX_ENTRY_SIZE;
	uint64_t pba_offset, bar_size = 4096;

	/* the table first, the PBA in the upper half of a power-of-two BAR */
	while (bar_size / 2 < table_size)
		bar_size <<= 1;
	pba_offset = bar_size / 2;
	memory_region_init_container(&dev->msix_bar, OBJECT(dev), "msix", bar_size);
	if (!msix_init(dev, nentries, &dev->msix_bar, bar_nr, 0, &dev->msix_bar, bar_nr,
		       pba_offset, 0, errp)) {
		memory_region_destroy(&dev->msix_bar);
		return false;
	}
	pci_register_bar(dev, bar_nr, PCI_BASE_ADDRESS_SPACE_MEMORY, &dev->msix_bar);
	return true;
}

void msix_write_config(struct pci_device *dev, uint32_t addr, uint32_t val, unsigned len)
{
	unsigned pos = dev->msix_cap;

	if (!pos || addr >= pos + PCI_CAP_MSIX_SIZEOF || addr + len <= pos)
		return;
	msix_flush_pending(dev);
}

void msix_reset(struct pci_device *dev)
{
	if (!dev->msix_cap)
		return;
	pci_set_word(dev->config + dev->msix_cap + PCI_MSIX_FLAGS,
		     msix_flags(dev) & ~(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL));
	memset(dev->msix_table, 0, sizeof(dev->msix_table));
	memset(dev->msix_pba, 0, sizeof(dev->msix_pba));
	/* every vector starts masked (section 6.8.2.9) */
	for (unsigned v = 0; v < dev->msix_entries; v++)
		pci_set_long(dev->msix_table + v * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL,
			     PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

void msix_unrealize(struct pci_device *dev)
{
	if (!dev->msix_cap)
		return;
	memory_region_destroy(&dev->msix_table_mr);
	memory_region_destroy(&dev->msix_pba_mr);
	if (dev->msix_bar.kind == MR_CONTAINER && dev->msix_bar.name)
		memory_region_destroy(&dev->msix_bar);
	dev->msix_cap = 0;
	dev->msix_entries = 0;
}

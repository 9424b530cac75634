/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Between pci.c and msi.c only: the MSI/MSI-X parts of the device life cycle. */
#ifndef HW_PCI_PCI_INTERNAL_H
#define HW_PCI_PCI_INTERNAL_H

#include "hw/pci/pci.h"

void msi_write_config(struct pci_device *dev, uint32_t addr, uint32_t val, unsigned len);
void msix_write_config(struct pci_device *dev, uint32_t addr, uint32_t val, unsigned len);
void msi_reset(struct pci_device *dev);
void msix_reset(struct pci_device *dev);
void msix_unrealize(struct pci_device *dev);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PIIX3 function 0 (8086:7000), the PCI-to-ISA bridge. Its PIRQ route
 * registers 0x60-0x63 connect PCI INTA#-INTD# to ISA IRQs; piix3_create()
 * makes it the INTx router of the bus: a device's pin reaches
 * PIRQ (slot + pin - 1) mod 4 (pin 0 = INTA#; the swizzle QEMU, SeaBIOS and
 * QEMU's ACPI _PRT use, whose link list starts at LNKD), and the PIRQ drives
 * the ISA IRQ in its route register through the ISA bus
 * (isa_bus_get()->irq_handler), OR-ing every device and PIRQ that shares it.
 * ELCR (level mode of those IRQs) is the PIC's. Not here: 0xcf9 reset
 * control (the board's), the IDE/USB/PM functions.
 */
#ifndef HW_ISA_PIIX3_H
#define HW_ISA_PIIX3_H

#include "hw/pci/pci.h"

#define TYPE_PIIX3 "PIIX3"
#define PIIX_PIRQCA	0x60	/* PIRQA..D route: 0x60-0x63 */
#define PIIX_NUM_PIRQS	4
#define PIIX_PIRQ_DISABLE 0x80

struct piix3_state;

/* Create function 0 at devfn (normally PCI_DEVFN(1, 0)) and route the bus's INTx. */
struct piix3_state *piix3_create(struct pci_bus *bus, int devfn, GError **errp);
/* The swizzle, for ACPI/MP table builders: PIRQ index of (slot, pin 0-3). */
int piix3_slot_pin_to_pirq(int slot, int pin);

#endif

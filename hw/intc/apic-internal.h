/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Between the local APIC (apic.c) and the APIC bus (apic-bus.c): how the
 * bus asks one APIC whether a message is for it and hands it over.
 */
#ifndef HW_INTC_APIC_INTERNAL_H
#define HW_INTC_APIC_INTERNAL_H

#include "hw/intc/apic.h"

/* Does this APIC take messages of this mode at all (globally disabled: INIT only)? */
bool apic_accepts_messages(struct apic_state *s, enum apic_delivery_mode mode);
/* Does dest (physical or logical, xAPIC or x2APIC format) name this APIC? */
bool apic_match_dest(struct apic_state *s, uint32_t dest, bool logical);
/* Priority for lowest-priority arbitration: lower wins. */
uint8_t apic_arbitration_priority(struct apic_state *s);
/* Accept one message. */
void apic_receive(struct apic_state *s, enum apic_delivery_mode mode,
		  uint8_t vector, bool level);

#endif

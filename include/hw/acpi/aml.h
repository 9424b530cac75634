/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small AML (ACPI Machine Language) encoder, ACPI 6.4 §20 "ACPI Machine
 * Language Specification", enough for kemu's DSDT: names, integers, strings,
 * EISA ids, packages, buffers, scopes, devices, methods with Return, and
 * resource templates (§6.4 "Resource Data Types").
 *
 * Terms are built bottom-up and handed to their parent, which takes
 * ownership; a block term (scope, device, method, package, buffer) gets its
 * PkgLength when it is appended, so nothing is measured twice:
 *
 *	struct aml *dev = aml_device("COM1");
 *	aml_append(dev, aml_name_decl("_HID", aml_eisaid("PNP0501")));
 *	struct aml *crs = aml_resource_template();
 *	aml_append(crs, aml_io(0x3f8, 0x3f8, 1, 8));
 *	aml_append(crs, aml_irq_no_flags(4));
 *	aml_append(dev, aml_name_decl("_CRS", crs));
 *	aml_append(scope, dev);
 *	GByteArray *bytes = aml_finish(scope);   // the encoded term, aml freed
 */
#ifndef HW_ACPI_AML_H
#define HW_ACPI_AML_H

#include "kemu/common.h"

struct aml;

/* Encode a PkgLength for a body of body_len bytes (the length counts itself). */
unsigned aml_pkglen_encode(uint8_t out[4], size_t body_len);

/* Data objects */
struct aml *aml_int(uint64_t v);		/* Zero/One/Ones or Byte..QWord prefix */
struct aml *aml_string(const char *s);
struct aml *aml_eisaid(const char *id);		/* "PNP0A03" -> DWord */
struct aml *aml_name(const char *path);		/* a NameString reference */
struct aml *aml_package(void);		/* NumElements counted from aml_append */
struct aml *aml_buffer(const uint8_t *data, size_t len);

/* Named objects and blocks */
struct aml *aml_name_decl(const char *name, struct aml *value);
struct aml *aml_scope(const char *path);
struct aml *aml_device(const char *path);
struct aml *aml_method(const char *name, unsigned nargs, bool serialized);
struct aml *aml_return(struct aml *value);

/* Resource templates: a Buffer of descriptors ending with an End Tag. */
struct aml *aml_resource_template(void);
struct aml *aml_io(uint16_t min, uint16_t max, uint8_t align, uint8_t len);
struct aml *aml_irq_no_flags(uint8_t irq);
struct aml *aml_word_bus_number(uint16_t min, uint16_t max);
struct aml *aml_word_io(uint16_t min, uint16_t max);
struct aml *aml_dword_memory(uint32_t min, uint32_t max, bool cacheable);
struct aml *aml_qword_memory(uint64_t min, uint64_t max, bool cacheable);

/* parent takes ownership of child */
void aml_append(struct aml *parent, struct aml *child);
/* A container for a sequence of terms (a TermList without an opcode). */
struct aml *aml_list(void);
/* Encode and free. */
GByteArray *aml_finish(struct aml *a);
void aml_free(struct aml *a);

/*
 * Expressions and statements (§19.6, §20.2.5), enough for the PCI interrupt
 * links and hotplug methods. Binary operators take their operands (owned)
 * and store to NullName: use them as values. aml_if/aml_else are blocks:
 * append statements to them, then append them to a method.
 */
enum aml_region_space { AML_SYSTEM_MEMORY = 0, AML_SYSTEM_IO = 1, AML_PCI_CONFIG = 2 };
enum aml_field_access { AML_ANY_ACC = 0, AML_BYTE_ACC = 1, AML_WORD_ACC = 2, AML_DWORD_ACC = 3 };

struct aml *aml_local(unsigned n);		/* Local0..Local7 */
struct aml *aml_arg(unsigned n);		/* Arg0..Arg6 */
struct aml *aml_store(struct aml *value, struct aml *target);
struct aml *aml_and(struct aml *a, struct aml *b);
struct aml *aml_or(struct aml *a, struct aml *b);
struct aml *aml_shiftleft(struct aml *a, struct aml *count);
struct aml *aml_lequal(struct aml *a, struct aml *b);
struct aml *aml_notify(struct aml *object, struct aml *value);
/* Method invocation: the name, then nargs struct aml * arguments. */
struct aml *aml_call(const char *method, unsigned nargs, ...);
struct aml *aml_if(struct aml *predicate);
struct aml *aml_else(void);
struct aml *aml_operation_region(const char *name, enum aml_region_space space,
				 uint64_t offset, uint64_t len);
/* Field(region, access, NoLock, Preserve or WriteAsZeros): append aml_named_field()s. */
struct aml *aml_field(const char *region, enum aml_field_access access, bool write_as_zeros);
struct aml *aml_named_field(const char *name, unsigned bits);
struct aml *aml_create_dword_field(struct aml *buffer, struct aml *index, const char *name);
/* Extended Interrupt Descriptor (consumer) for a resource template. */
struct aml *aml_interrupt(bool level, bool active_low, bool shared, const uint32_t *irqs,
			  unsigned n);

#endif

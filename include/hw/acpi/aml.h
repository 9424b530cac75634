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

#endif

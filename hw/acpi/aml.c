// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * AML encoder (ACPI 6.4 §20.2 "AML Grammar Definition" and §6.4 resource
 * descriptors). See include/hw/acpi/aml.h. Only encodes; kemu never
 * interprets AML.
 */
#include "kemu/common.h"
#include "hw/acpi/aml.h"

enum aml_kind {
	AML_RAW,	/* body is the encoding */
	AML_BLOCK,	/* op[] PkgLength hdr body */
	AML_PACKAGE,	/* 0x12 PkgLength NumElements body */
	AML_BUFFER,	/* 0x11 PkgLength BufferSize body */
	AML_RESTEMPLATE,	/* a buffer whose body gets an End Tag */
};

struct aml {
	enum aml_kind kind;
	uint8_t op[2];
	unsigned op_len;
	GByteArray *hdr;
	GByteArray *body;
	unsigned count;		/* package elements */
};

static struct aml *aml_new(enum aml_kind kind)
{
	struct aml *a = g_new0(struct aml, 1);

	a->kind = kind;
	a->hdr = g_byte_array_new();
	a->body = g_byte_array_new();
	return a;
}

void aml_free(struct aml *a)
{
	if (!a)
		return;
	g_byte_array_free(a->hdr, TRUE);
	g_byte_array_free(a->body, TRUE);
	g_free(a);
}

static void put8(GByteArray *b, uint8_t v)
{
	g_byte_array_append(b, &v, 1);
}

static void put16(GByteArray *b, uint16_t v)
{
	put8(b, v);
	put8(b, v >> 8);
}

static void put32(GByteArray *b, uint32_t v)
{
	put16(b, v);
	put16(b, v >> 16);
}

static void put64(GByteArray *b, uint64_t v)
{
	put32(b, v);
	put32(b, v >> 32);
}

/* §20.2.4 PkgLength: counts its own bytes; 1 byte up to 63, then 2..4. */
unsigned aml_pkglen_encode(uint8_t out[4], size_t body_len)
{
	size_t total;
	unsigned n;

	if (body_len + 1 <= 0x3f) {
		out[0] = body_len + 1;
		return 1;
	}
	for (n = 2; n <= 4; n++) {
		total = body_len + n;
		if (total < (1ULL << (4 + 8 * (n - 1))))
			break;
	}
	g_assert(n <= 4);	/* 256 MiB of AML: kemu bug */
	out[0] = ((n - 1) << 6) | (total & 0xf);
	for (unsigned i = 1; i < n; i++)
		out[i] = total >> (4 + 8 * (i - 1));
	return n;
}

static void put_pkglen(GByteArray *b, size_t body_len)
{
	uint8_t pl[4];

	g_byte_array_append(b, pl, aml_pkglen_encode(pl, body_len));
}

static void put_int(GByteArray *b, uint64_t v)
{
	if (v == 0) {
		put8(b, 0x00);		/* ZeroOp */
	} else if (v == 1) {
		put8(b, 0x01);		/* OneOp */
	} else if (v <= 0xff) {
		put8(b, 0x0a);
		put8(b, v);
	} else if (v <= 0xffff) {
		put8(b, 0x0b);
		put16(b, v);
	} else if (v <= 0xffffffff) {
		put8(b, 0x0c);
		put32(b, v);
	} else {
		put8(b, 0x0e);
		put64(b, v);
	}
}

static void put_nameseg(GByteArray *b, const char *seg, size_t len)
{
	char s[4] = { '_', '_', '_', '_' };

	g_assert(len >= 1 && len <= 4);
	memcpy(s, seg, len);
	g_byte_array_append(b, (const guint8 *)s, 4);
}

/* §20.2.2 NameString: [\ or ^...] then NullName, NameSeg, Dual- or MultiNamePath. */
static void put_namestring(GByteArray *b, const char *path)
{
	const char *p = path;
	g_auto(GStrv) segs = NULL;
	unsigned n;

	if (*p == '\\') {
		put8(b, 0x5c);
		p++;
	}
	while (*p == '^') {
		put8(b, 0x5e);
		p++;
	}
	if (!*p) {
		put8(b, 0x00);
		return;
	}
	segs = g_strsplit(p, ".", -1);
	n = g_strv_length(segs);
	if (n == 2)
		put8(b, 0x2e);
	else if (n > 2) {
		put8(b, 0x2f);
		put8(b, n);
	}
	for (unsigned i = 0; i < n; i++)
		put_nameseg(b, segs[i], strlen(segs[i]));
}

/* Encode a term into out. */
static void aml_encode(GByteArray *out, const struct aml *a)
{
	switch (a->kind) {
	case AML_RAW:
		g_byte_array_append(out, a->body->data, a->body->len);
		break;
	case AML_BLOCK:
		g_byte_array_append(out, a->op, a->op_len);
		put_pkglen(out, a->hdr->len + a->body->len);
		g_byte_array_append(out, a->hdr->data, a->hdr->len);
		g_byte_array_append(out, a->body->data, a->body->len);
		break;
	case AML_PACKAGE:
		put8(out, 0x12);
		put_pkglen(out, 1 + a->body->len);
		put8(out, a->count);
		g_byte_array_append(out, a->body->data, a->body->len);
		break;
	case AML_BUFFER:
	case AML_RESTEMPLATE: {
		g_autoptr(GByteArray) size = g_byte_array_new();
		size_t len = a->body->len + (a->kind == AML_RESTEMPLATE ? 2 : 0);

		put_int(size, len);
		put8(out, 0x11);
		put_pkglen(out, size->len + len);
		g_byte_array_append(out, size->data, size->len);
		g_byte_array_append(out, a->body->data, a->body->len);
		if (a->kind == AML_RESTEMPLATE) {
			put8(out, 0x79);	/* End Tag, checksum 0: "treated as correct" */
			put8(out, 0x00);
		}
		break;
	}
	}
}

void aml_append(struct aml *parent, struct aml *child)
{
	aml_encode(parent->body, child);
	parent->count++;
	aml_free(child);
}

GByteArray *aml_finish(struct aml *a)
{
	GByteArray *out = g_byte_array_new();

	aml_encode(out, a);
	aml_free(a);
	return out;
}

struct aml *aml_list(void)
{
	return aml_new(AML_RAW);
}

struct aml *aml_int(uint64_t v)
{
	struct aml *a = aml_new(AML_RAW);

	put_int(a->body, v);
	return a;
}

struct aml *aml_string(const char *s)
{
	struct aml *a = aml_new(AML_RAW);

	put8(a->body, 0x0d);
	g_byte_array_append(a->body, (const guint8 *)s, strlen(s) + 1);
	return a;
}

/* §6.1.5 _HID: EISA id, three letters of 5 bits and 4 hex digits, big-endian. */
struct aml *aml_eisaid(const char *id)
{
	struct aml *a = aml_new(AML_RAW);
	uint16_t vendor, product;

	g_assert(strlen(id) == 7);
	vendor = ((id[0] - 0x40) & 0x1f) << 10 | ((id[1] - 0x40) & 0x1f) << 5 |
		 ((id[2] - 0x40) & 0x1f);
	product = strtoul(id + 3, NULL, 16);
	put8(a->body, 0x0c);
	put8(a->body, vendor >> 8);
	put8(a->body, vendor);
	put8(a->body, product >> 8);
	put8(a->body, product);
	return a;
}

struct aml *aml_name(const char *path)
{
	struct aml *a = aml_new(AML_RAW);

	put_namestring(a->body, path);
	return a;
}

struct aml *aml_package(void)
{
	return aml_new(AML_PACKAGE);
}

struct aml *aml_buffer(const uint8_t *data, size_t len)
{
	struct aml *a = aml_new(AML_BUFFER);

	g_byte_array_append(a->body, data, len);
	return a;
}

struct aml *aml_name_decl(const char *name, struct aml *value)
{
	struct aml *a = aml_new(AML_RAW);

	put8(a->body, 0x08);		/* NameOp */
	put_namestring(a->body, name);
	aml_encode(a->body, value);
	aml_free(value);
	return a;
}

static struct aml *aml_block(uint8_t op0, int op1, const char *path)
{
	struct aml *a = aml_new(AML_BLOCK);

	a->op[0] = op0;
	a->op_len = 1;
	if (op1 >= 0) {
		a->op[1] = op1;
		a->op_len = 2;
	}
	put_namestring(a->hdr, path);
	return a;
}

struct aml *aml_scope(const char *path)
{
	return aml_block(0x10, -1, path);	/* ScopeOp */
}

struct aml *aml_device(const char *path)
{
	return aml_block(0x5b, 0x82, path);	/* ExtOpPrefix DeviceOp */
}

struct aml *aml_method(const char *name, unsigned nargs, bool serialized)
{
	struct aml *a = aml_block(0x14, -1, name);	/* MethodOp */

	put8(a->hdr, (nargs & 7) | (serialized ? 8 : 0));
	return a;
}

struct aml *aml_return(struct aml *value)
{
	struct aml *a = aml_new(AML_RAW);

	put8(a->body, 0xa4);		/* ReturnOp */
	aml_encode(a->body, value);
	aml_free(value);
	return a;
}

struct aml *aml_resource_template(void)
{
	return aml_new(AML_RESTEMPLATE);
}

/* §6.4.2.5 I/O Port Descriptor, 16-bit decode */
struct aml *aml_io(uint16_t min, uint16_t max, uint8_t align, uint8_t len)
{
	struct aml *a = aml_new(AML_RAW);

	put8(a->body, 0x47);
	put8(a->body, 0x01);
	put16(a->body, min);
	put16(a->body, max);
	put8(a->body, align);
	put8(a->body, len);
	return a;
}

/* §6.4.2.1 IRQ Descriptor without the flags byte: edge, active high */
struct aml *aml_irq_no_flags(uint8_t irq)
{
	struct aml *a = aml_new(AML_RAW);

	put8(a->body, 0x22);
	put16(a->body, 1u << (irq & 15));
	return a;
}

/* §6.4.3.5.3 Word Address Space Descriptor: producer, MinFixed, MaxFixed */
static struct aml *aml_word_space(uint8_t type, uint8_t tflags, uint16_t min, uint16_t max)
{
	struct aml *a = aml_new(AML_RAW);

	put8(a->body, 0x88);
	put16(a->body, 13);
	put8(a->body, type);
	put8(a->body, 0x0c);
	put8(a->body, tflags);
	put16(a->body, 0);		/* granularity */
	put16(a->body, min);
	put16(a->body, max);
	put16(a->body, 0);		/* translation */
	put16(a->body, max - min + 1);
	return a;
}

struct aml *aml_word_bus_number(uint16_t min, uint16_t max)
{
	return aml_word_space(2, 0, min, max);
}

struct aml *aml_word_io(uint16_t min, uint16_t max)
{
	return aml_word_space(1, 3, min, max);	/* EntireRange */
}

/* §6.4.3.5.2 DWord Address Space Descriptor, memory, read/write */
struct aml *aml_dword_memory(uint32_t min, uint32_t max, bool cacheable)
{
	struct aml *a = aml_new(AML_RAW);

	put8(a->body, 0x87);
	put16(a->body, 23);
	put8(a->body, 0);
	put8(a->body, 0x0c);
	put8(a->body, cacheable ? 0x03 : 0x01);
	put32(a->body, 0);
	put32(a->body, min);
	put32(a->body, max);
	put32(a->body, 0);
	put32(a->body, max - min + 1);
	return a;
}

/* §6.4.3.5.1 QWord Address Space Descriptor, memory, read/write */
struct aml *aml_qword_memory(uint64_t min, uint64_t max, bool cacheable)
{
	struct aml *a = aml_new(AML_RAW);

	put8(a->body, 0x8a);
	put16(a->body, 43);
	put8(a->body, 0);
	put8(a->body, 0x0c);
	put8(a->body, cacheable ? 0x03 : 0x01);
	put64(a->body, 0);
	put64(a->body, min);
	put64(a->body, max);
	put64(a->body, 0);
	put64(a->body, max - min + 1);
	return a;
}

/* ---- expressions and statements (§20.2.5) ---- */

static struct aml *aml_op_terms(const uint8_t *op, unsigned op_len, struct aml **terms,
				unsigned n, bool null_target)
{
	struct aml *a = aml_new(AML_RAW);

	g_byte_array_append(a->body, op, op_len);
	for (unsigned i = 0; i < n; i++) {
		aml_encode(a->body, terms[i]);
		aml_free(terms[i]);
	}
	if (null_target)
		put8(a->body, 0x00);	/* Target: NullName, the result is only returned */
	return a;
}

struct aml *aml_local(unsigned n)
{
	struct aml *a = aml_new(AML_RAW);

	g_assert(n < 8);
	put8(a->body, 0x60 + n);
	return a;
}

struct aml *aml_arg(unsigned n)
{
	struct aml *a = aml_new(AML_RAW);

	g_assert(n < 7);
	put8(a->body, 0x68 + n);
	return a;
}

struct aml *aml_store(struct aml *value, struct aml *target)
{
	static const uint8_t op = 0x70;		/* StoreOp */
	struct aml *t[] = { value, target };

	return aml_op_terms(&op, 1, t, 2, false);
}

struct aml *aml_and(struct aml *a, struct aml *b)
{
	static const uint8_t op = 0x7b;		/* AndOp */
	struct aml *t[] = { a, b };

	return aml_op_terms(&op, 1, t, 2, true);
}

struct aml *aml_or(struct aml *a, struct aml *b)
{
	static const uint8_t op = 0x7d;		/* OrOp */
	struct aml *t[] = { a, b };

	return aml_op_terms(&op, 1, t, 2, true);
}

struct aml *aml_shiftleft(struct aml *a, struct aml *count)
{
	static const uint8_t op = 0x79;		/* ShiftLeftOp */
	struct aml *t[] = { a, count };

	return aml_op_terms(&op, 1, t, 2, true);
}

struct aml *aml_lequal(struct aml *a, struct aml *b)
{
	static const uint8_t op = 0x93;		/* LEqualOp */
	struct aml *t[] = { a, b };

	return aml_op_terms(&op, 1, t, 2, false);
}

struct aml *aml_notify(struct aml *object, struct aml *value)
{
	static const uint8_t op = 0x86;		/* NotifyOp */
	struct aml *t[] = { object, value };

	return aml_op_terms(&op, 1, t, 2, false);
}

struct aml *aml_call(const char *method, unsigned nargs, ...)
{
	struct aml *a = aml_new(AML_RAW);
	va_list ap;

	put_namestring(a->body, method);
	va_start(ap, nargs);
	for (unsigned i = 0; i < nargs; i++) {
		struct aml *arg = va_arg(ap, struct aml *);

		aml_encode(a->body, arg);
		aml_free(arg);
	}
	va_end(ap);
	return a;
}

struct aml *aml_if(struct aml *predicate)
{
	struct aml *a = aml_new(AML_BLOCK);

	a->op[0] = 0xa0;		/* IfOp PkgLength Predicate TermList */
	a->op_len = 1;
	aml_encode(a->hdr, predicate);
	aml_free(predicate);
	return a;
}

struct aml *aml_else(void)
{
	struct aml *a = aml_new(AML_BLOCK);

	a->op[0] = 0xa1;		/* ElseOp PkgLength TermList */
	a->op_len = 1;
	return a;
}

/* §19.6.100 OperationRegion: ExtOp RegionOp NameString RegionSpace Offset Length */
struct aml *aml_operation_region(const char *name, enum aml_region_space space,
				 uint64_t offset, uint64_t len)
{
	struct aml *a = aml_new(AML_RAW);

	put8(a->body, 0x5b);
	put8(a->body, 0x80);
	put_namestring(a->body, name);
	put8(a->body, space);
	put_int(a->body, offset);
	put_int(a->body, len);
	return a;
}

/* §19.6.48 Field: ExtOp FieldOp PkgLength NameString FieldFlags FieldList */
struct aml *aml_field(const char *region, enum aml_field_access access, bool write_as_zeros)
{
	struct aml *a = aml_block(0x5b, 0x81, region);

	/* AccessType bits 0-3, LockRule bit 4 (NoLock), UpdateRule bits 5-6 */
	put8(a->hdr, access | (write_as_zeros ? 0x40 : 0x00));
	return a;
}

/* A NamedField: NameSeg and its width in bits (a PkgLength-style number). */
struct aml *aml_named_field(const char *name, unsigned bits)
{
	struct aml *a = aml_new(AML_RAW);

	put_nameseg(a->body, name, strlen(name));
	if (bits < 0x40) {
		put8(a->body, bits);
	} else {
		g_assert(bits < 0x1000);
		put8(a->body, 0x40 | (bits & 0xf));
		put8(a->body, bits >> 4);
	}
	return a;
}

/* §19.6.20 CreateDWordField(SourceBuffer, ByteIndex, Name) */
struct aml *aml_create_dword_field(struct aml *buffer, struct aml *index, const char *name)
{
	struct aml *a = aml_new(AML_RAW);

	put8(a->body, 0x8a);
	aml_encode(a->body, buffer);
	aml_free(buffer);
	aml_encode(a->body, index);
	aml_free(index);
	put_namestring(a->body, name);
	return a;
}

/* §6.4.3.6 Extended Interrupt Descriptor, one or more interrupt numbers */
struct aml *aml_interrupt(bool level, bool active_low, bool shared, const uint32_t *irqs,
			  unsigned n)
{
	struct aml *a = aml_new(AML_RAW);

	g_assert(n >= 1 && n < 256);
	put8(a->body, 0x89);
	put16(a->body, 2 + 4 * n);
	/* bit 0 consumer, bit 1 edge, bit 2 active low, bit 3 shared */
	put8(a->body, 0x01 | (level ? 0 : 0x02) | (active_low ? 0x04 : 0) | (shared ? 0x08 : 0));
	put8(a->body, n);
	for (unsigned i = 0; i < n; i++)
		put32(a->body, irqs[i]);
	return a;
}

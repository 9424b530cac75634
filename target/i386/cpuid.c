// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CPUID tables for -cpu qemu64 / max [,+feat,-feat,feat=on|off].
 *
 * Features are named as Linux names them in /proc/cpuinfo (the names QEMU's
 * -cpu accepts). Each entry says where its bit lives (SDM vol. 2A CPUID,
 * tables 3-8 to 3-11) and whether kemu's interpreter implements it; "max"
 * is exactly the implemented set, and asking for anything else is an error.
 * The vendor is GenuineIntel, family 6 model 6 (as QEMU's qemu64 on Intel).
 */
#include "kemu/common.h"
#include "target/i386/cpuid.h"

enum { EAX, EBX, ECX, EDX };

struct feature {
	const char *name;
	uint32_t leaf;
	uint8_t reg, bit;
	bool implemented;
	bool qemu64;		/* part of the qemu64 model */
};

static const struct feature features[] = {
	{ "fpu", 1, EDX, 0, true, true },
	{ "vme", 1, EDX, 1, false, false },
	{ "de", 1, EDX, 2, true, true },
	{ "pse", 1, EDX, 3, true, true },
	{ "tsc", 1, EDX, 4, true, true },
	{ "msr", 1, EDX, 5, true, true },
	{ "pae", 1, EDX, 6, true, true },
	{ "mce", 1, EDX, 7, true, true },
	{ "cx8", 1, EDX, 8, true, true },
	{ "apic", 1, EDX, 9, true, true },
	{ "sep", 1, EDX, 11, true, true },
	{ "mtrr", 1, EDX, 12, true, true },
	{ "pge", 1, EDX, 13, true, true },
	{ "mca", 1, EDX, 14, false, false },
	{ "cmov", 1, EDX, 15, true, true },
	{ "pat", 1, EDX, 16, true, true },
	{ "pse36", 1, EDX, 17, true, true },
	{ "clflush", 1, EDX, 19, true, true },
	{ "mmx", 1, EDX, 23, true, true },
	{ "fxsr", 1, EDX, 24, true, true },
	{ "sse", 1, EDX, 25, true, true },
	{ "sse2", 1, EDX, 26, true, true },
	{ "pni", 1, ECX, 0, true, false },
	{ "sse3", 1, ECX, 0, true, false },
	{ "pclmulqdq", 1, ECX, 1, false, false },
	{ "monitor", 1, ECX, 3, false, false },
	{ "vmx", 1, ECX, 5, false, false },
	{ "ssse3", 1, ECX, 9, true, false },
	{ "fma", 1, ECX, 12, false, false },
	{ "cx16", 1, ECX, 13, true, true },
	{ "pcid", 1, ECX, 17, false, false },
	{ "sse4.1", 1, ECX, 19, true, false },
	{ "sse4_1", 1, ECX, 19, true, false },
	{ "sse4.2", 1, ECX, 20, true, false },
	{ "sse4_2", 1, ECX, 20, true, false },
	{ "x2apic", 1, ECX, 21, false, false },
	{ "movbe", 1, ECX, 22, false, false },
	{ "popcnt", 1, ECX, 23, true, false },
	{ "tsc-deadline", 1, ECX, 24, false, false },
	{ "aes", 1, ECX, 25, false, false },
	{ "xsave", 1, ECX, 26, true, false },
	{ "xsaveopt", 0xd, EAX, 0, true, false },
	{ "avx", 1, ECX, 28, false, false },
	{ "f16c", 1, ECX, 29, false, false },
	{ "rdrand", 1, ECX, 30, false, false },
	{ "hypervisor", 1, ECX, 31, true, true },
	{ "fsgsbase", 7, EBX, 0, false, false },
	{ "bmi1", 7, EBX, 3, false, false },
	{ "avx2", 7, EBX, 5, false, false },
	{ "smep", 7, EBX, 7, false, false },
	{ "bmi2", 7, EBX, 8, false, false },
	{ "erms", 7, EBX, 9, true, false },
	{ "invpcid", 7, EBX, 10, false, false },
	{ "avx512f", 7, EBX, 16, false, false },
	{ "rdseed", 7, EBX, 18, false, false },
	{ "adx", 7, EBX, 19, false, false },
	{ "smap", 7, EBX, 20, false, false },
	{ "clflushopt", 7, EBX, 23, false, false },
	{ "sha-ni", 7, EBX, 29, false, false },
	{ "umip", 7, ECX, 2, false, false },
	{ "pku", 7, ECX, 3, false, false },
	{ "la57", 7, ECX, 16, false, false },
	{ "rdpid", 7, ECX, 22, false, false },
	{ "syscall", 0x80000001, EDX, 11, true, true },
	{ "nx", 0x80000001, EDX, 20, true, true },
	{ "xd", 0x80000001, EDX, 20, true, true },
	{ "mmxext", 0x80000001, EDX, 22, false, false },
	{ "pdpe1gb", 0x80000001, EDX, 26, true, false },
	{ "rdtscp", 0x80000001, EDX, 27, true, false },
	{ "lm", 0x80000001, EDX, 29, true, true },
	{ "lahf_lm", 0x80000001, ECX, 0, true, true },
	{ "lahf-lm", 0x80000001, ECX, 0, true, true },
	{ "svm", 0x80000001, ECX, 2, false, false },
	{ "abm", 0x80000001, ECX, 5, false, false },
	{ "lzcnt", 0x80000001, ECX, 5, false, false },
	{ "sse4a", 0x80000001, ECX, 6, false, false },
	{ "3dnowprefetch", 0x80000001, ECX, 8, true, false },
};

struct cpuid_entry {
	uint32_t leaf, subleaf;
	bool sig;
	uint32_t regs[4];
};

struct x86_cpuid {
	GArray *entries;	/* struct cpuid_entry */
	uint32_t apic_id;
	unsigned nr_cpus;
	/* feature words */
	uint32_t f1[4], f7[4], e1[4], d1[4];	/* d1: leaf 0xd subleaf 1 */
};

static uint32_t *feature_word(struct x86_cpuid *c, uint32_t leaf)
{
	return leaf == 1 ? c->f1 : leaf == 7 ? c->f7 : leaf == 0xd ? c->d1 : c->e1;
}

static struct cpuid_entry *find(const struct x86_cpuid *c, uint32_t leaf, uint32_t subleaf)
{
	for (guint k = 0; k < c->entries->len; k++) {
		struct cpuid_entry *e = &g_array_index(c->entries, struct cpuid_entry, k);
		if (e->leaf == leaf && (!e->sig || e->subleaf == subleaf))
			return e;
	}
	return NULL;
}

void x86_cpuid_set_leaf(struct x86_cpuid *c, uint32_t leaf, uint32_t subleaf, const uint32_t regs[4])
{
	struct cpuid_entry *e = find(c, leaf, subleaf);
	if (!e) {
		struct cpuid_entry ne = { .leaf = leaf, .subleaf = subleaf,
					  .sig = leaf == 4 || leaf == 7 || leaf == 0xb || leaf == 0xd };
		g_array_append_val(c->entries, ne);
		e = &g_array_index(c->entries, struct cpuid_entry, c->entries->len - 1);
	}
	memcpy(e->regs, regs, sizeof(e->regs));
}

static void set4(struct x86_cpuid *c, uint32_t leaf, uint32_t sub, uint32_t a, uint32_t b,
		 uint32_t cc, uint32_t d)
{
	uint32_t r[4] = { a, b, cc, d };
	x86_cpuid_set_leaf(c, leaf, sub, r);
}

static void str_regs(const char *s, uint32_t *r, int n)
{
	for (int k = 0; k < n; k++)
		memcpy(&r[k], s + 4 * k, 4);
}

static void build(struct x86_cpuid *c)
{
	uint32_t v[3];
	g_array_set_size(c->entries, 0);
	str_regs("GenuineIntel", v, 3);
	set4(c, 0, 0, 0xd, v[0], v[2], v[1]);
	uint32_t ebx1 = (c->apic_id << 24) | ((c->nr_cpus > 1 ? c->nr_cpus : 1) << 16) | (8 << 8);
	uint32_t edx1 = c->f1[EDX] | (c->nr_cpus > 1 ? 1u << 28 : 0);
	/* family 6, model 6, stepping 3 */
	set4(c, 1, 0, 0x00000663, ebx1, c->f1[ECX], edx1);
	set4(c, 2, 0, 1, 0, 0, 0x002c307d);
	set4(c, 4, 0, 0, 0, 0, 0);
	set4(c, 5, 0, 0, 0, 0, 0);
	set4(c, 6, 0, 0, 0, 0, 0);
	set4(c, 7, 0, 0, c->f7[EBX], c->f7[ECX], c->f7[EDX]);
	unsigned shift = 0;
	while ((1u << shift) < c->nr_cpus)
		shift++;
	set4(c, 0xb, 0, 0, 1, 0x100, c->apic_id);
	set4(c, 0xb, 1, shift, c->nr_cpus, 0x201, c->apic_id);
	set4(c, 0xb, 2, 0, 0, 2, c->apic_id);
	if (c->f1[ECX] & (1u << 26)) {
		/* x87 + SSE only: 512-byte legacy area + 64-byte header */
		set4(c, 0xd, 0, 3, 576, 576, 0);
		set4(c, 0xd, 1, c->d1[EAX], 0, 0, 0);
	} else {
		set4(c, 0xd, 0, 0, 0, 0, 0);
		set4(c, 0xd, 1, 0, 0, 0, 0);
		c->d1[EAX] = 0;
	}
	set4(c, 0x80000000, 0, 0x80000008, 0, 0, 0);
	set4(c, 0x80000001, 0, 0, 0, c->e1[ECX], c->e1[EDX]);
	char brand[49] = "kemu Virtual CPU";
	uint32_t b[12] = { 0 };
	memcpy(b, brand, strlen(brand) < 48 ? strlen(brand) : 48);
	set4(c, 0x80000002, 0, b[0], b[1], b[2], b[3]);
	set4(c, 0x80000003, 0, b[4], b[5], b[6], b[7]);
	set4(c, 0x80000004, 0, b[8], b[9], b[10], b[11]);
	set4(c, 0x80000005, 0, 0x01ff01ff, 0x01ff01ff, 0x40020140, 0x40020140);
	set4(c, 0x80000006, 0, 0, 0x42004200, 0x02008140, 0);
	set4(c, 0x80000007, 0, 0, 0, 0, 0);
	set4(c, 0x80000008, 0, 0x3028, 0, 0, 0);
}

static const struct feature *feature_find(const char *name)
{
	for (unsigned k = 0; k < G_N_ELEMENTS(features); k++)
		if (!strcmp(features[k].name, name))
			return &features[k];
	return NULL;
}

struct x86_cpuid *x86_cpuid_new(const char *cpu_opt, GError **errp)
{
	g_auto(GStrv) parts = g_strsplit(cpu_opt && *cpu_opt ? cpu_opt : "qemu64", ",", -1);
	struct x86_cpuid *c = g_new0(struct x86_cpuid, 1);
	bool max;

	c->entries = g_array_new(FALSE, TRUE, sizeof(struct cpuid_entry));
	c->nr_cpus = 1;
	if (!strcmp(parts[0], "qemu64") || !strcmp(parts[0], "kemu64")) {
		max = false;
	} else if (!strcmp(parts[0], "max") || !strcmp(parts[0], "host")) {
		max = true;
	} else {
		g_set_error(errp, KEMU_ERROR, 0,
			    "-cpu %s: CPU model '%s' is not supported by the interp accelerator "
			    "(use qemu64 or max)", cpu_opt, parts[0]);
		goto fail;
	}
	for (unsigned k = 0; k < G_N_ELEMENTS(features); k++) {
		const struct feature *f = &features[k];
		if (f->implemented && (max || f->qemu64))
			feature_word(c, f->leaf)[f->reg] |= 1u << f->bit;
	}
	for (int p = 1; parts[p]; p++) {
		const char *opt = parts[p];
		bool on;
		g_autofree char *name = NULL;
		if (opt[0] == '+' || opt[0] == '-') {
			on = opt[0] == '+';
			name = g_strdup(opt + 1);
		} else if (strchr(opt, '=')) {
			const char *eq = strchr(opt, '=');
			name = g_strndup(opt, eq - opt);
			if (!strcmp(eq + 1, "on") || !strcmp(eq + 1, "true"))
				on = true;
			else if (!strcmp(eq + 1, "off") || !strcmp(eq + 1, "false"))
				on = false;
			else {
				g_set_error(errp, KEMU_ERROR, 0, "-cpu %s: feature '%s' expects on or off",
					    cpu_opt, name);
				goto fail;
			}
		} else {
			on = true;
			name = g_strdup(opt);
		}
		const struct feature *f = feature_find(name);
		if (!f) {
			g_set_error(errp, KEMU_ERROR, 0, "-cpu %s: unknown feature '%s'", cpu_opt, name);
			goto fail;
		}
		if (on && !f->implemented) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "-cpu %s: feature '%s' is not supported by the interp accelerator",
				    cpu_opt, name);
			goto fail;
		}
		uint32_t *w = feature_word(c, f->leaf);
		if (on)
			w[f->reg] |= 1u << f->bit;
		else
			w[f->reg] &= ~(1u << f->bit);
	}
	build(c);
	return c;
fail:
	x86_cpuid_free(c);
	return NULL;
}

void x86_cpuid_free(struct x86_cpuid *c)
{
	if (!c)
		return;
	g_array_free(c->entries, TRUE);
	g_free(c);
}

void x86_cpuid_set_topology(struct x86_cpuid *c, uint32_t apic_id, unsigned nr_cpus)
{
	c->apic_id = apic_id;
	c->nr_cpus = nr_cpus ? nr_cpus : 1;
	/* keep edits made with x86_cpuid_set_leaf() to other leaves */
	uint32_t r[4];
	x86_cpuid_lookup(c, 1, 0, r);
	r[1] = (apic_id << 24) | (c->nr_cpus << 16) | (r[1] & 0xffff);
	r[3] = (r[3] & ~(1u << 28)) | (c->nr_cpus > 1 ? 1u << 28 : 0);
	x86_cpuid_set_leaf(c, 1, 0, r);
	unsigned shift = 0;
	while ((1u << shift) < c->nr_cpus)
		shift++;
	set4(c, 0xb, 0, 0, 1, 0x100, apic_id);
	set4(c, 0xb, 1, shift, c->nr_cpus, 0x201, apic_id);
	set4(c, 0xb, 2, 0, 0, 2, apic_id);
}

void x86_cpuid_lookup(const struct x86_cpuid *c, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	const struct cpuid_entry *e = find(c, leaf, subleaf);
	if (e) {
		memcpy(out, e->regs, 4 * sizeof(uint32_t));
		if (leaf == 0xb && subleaf > 2) {
			out[0] = out[1] = 0;
			out[2] = subleaf;
		}
		return;
	}
	const struct cpuid_entry *b0 = find(c, 0, 0), *e0 = find(c, 0x80000000, 0);
	uint32_t maxb = b0 ? b0->regs[0] : 0, maxe = e0 ? e0->regs[0] : 0;
	if ((leaf <= maxb) || (leaf >= 0x80000000 && leaf <= maxe)) {
		memset(out, 0, 4 * sizeof(uint32_t));
		if (leaf == 0xb)
			out[2] = subleaf & 0xff;
		return;
	}
	/* out of range: Intel answers with the highest basic leaf */
	e = find(c, maxb, 0);
	if (e)
		memcpy(out, e->regs, 4 * sizeof(uint32_t));
	else
		memset(out, 0, 4 * sizeof(uint32_t));
}

bool x86_cpuid_has_feature(const struct x86_cpuid *c, const char *name)
{
	const struct feature *f = feature_find(name);
	uint32_t r[4];
	if (!f)
		return false;
	x86_cpuid_lookup(c, f->leaf, f->leaf == 0xd ? 1 : 0, r);
	return r[f->reg] & (1u << f->bit);
}

void x86_cpuid_foreach(const struct x86_cpuid *c, x86_cpuid_leaf_fn fn, void *opaque)
{
	for (guint k = 0; k < c->entries->len; k++) {
		const struct cpuid_entry *e = &g_array_index(c->entries, struct cpuid_entry, k);
		fn(opaque, e->leaf, e->subleaf, e->sig, e->regs);
	}
}

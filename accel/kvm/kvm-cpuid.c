// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The CPUID table a KVM vCPU shows its guest (KVM_SET_CPUID2).
 *
 * -cpu host and -cpu max: what KVM_GET_SUPPORTED_CPUID reports. A named
 * model (-cpu qemu64[,+feat,-feat]): the leaves target/i386/cpuid.c builds
 * (x86_cpuid_lookup), with every feature bit checked against what KVM
 * supports; a requested feature the host cannot provide is an error that
 * names it, never a silent drop. KVM's paravirtual leaves (0x40000000...)
 * are passed through. The APIC ID fields follow the vCPU's apic_id.
 * Note: under KVM's PVM module, leaf 1 comes from the host whatever is set.
 * Not here: interpreting CPUID for the interpreter (target/i386/cpuid.c).
 */
#include "kemu/common.h"
#include "accel/kvm/kvm-int.h"
#include <sys/ioctl.h>

#include "target/i386/cpuid.h"
#include "hw/boards.h"

static struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c, uint32_t leaf, uint32_t sub)
{
	for (unsigned i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function == leaf &&
		    (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == sub))
			return e;
	}
	return NULL;
}

static void cpuid_set_apic_id(struct kvm_cpuid2 *c, uint32_t apic_id)
{
	for (unsigned i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function == 1)
			e->ebx = (e->ebx & 0x00ffffff) | (apic_id << 24);
		else if (e->function == 0xb || e->function == 0x1f)
			e->edx = apic_id;
	}
}

/* Feature words checked against KVM; reg: 0 eax, 1 ebx, 2 ecx, 3 edx. */
struct cpuid_feature_word {
	uint32_t leaf, sub;
	int reg;
	uint32_t ignore;	/* bits KVM computes at run time (OSXSAVE...) */
};

static const struct cpuid_feature_word feature_words[] = {
	{ 1, 0, 3, 1u << 28 },			/* HTT: topology, the VMM's to set */
	{ 1, 0, 2, (1u << 27) | (1u << 24) },	/* OSXSAVE; TSC-deadline: a capability */
	{ 7, 0, 1, 0 },
	{ 7, 0, 2, 1u << 4 },			/* OSPKE */
	{ 7, 0, 3, 0 },
	{ 7, 1, 0, 0 },
	{ 0xd, 1, 0, 0 },
	{ 0x80000001, 0, 2, 1u << 1 },		/* CmpLegacy: topology */
	{ 0x80000001, 0, 3, 0 },
};

static const char *const reg_names[4] = { "eax", "ebx", "ecx", "edx" };

/* A few names for the usual suspects; the rest are named by bit. */
static const char *feature_name(uint32_t leaf, int reg, int bit)
{
	static const struct { uint32_t leaf; int reg, bit; const char *name; } t[] = {
		{ 1, 2, 0, "sse3" }, { 1, 2, 5, "vmx" }, { 1, 2, 9, "ssse3" },
		{ 1, 2, 12, "fma" }, { 1, 2, 19, "sse4.1" }, { 1, 2, 20, "sse4.2" },
		{ 1, 2, 21, "x2apic" }, { 1, 2, 23, "popcnt" }, { 1, 2, 25, "aes" },
		{ 1, 2, 26, "xsave" }, { 1, 2, 28, "avx" }, { 1, 2, 30, "rdrand" },
		{ 1, 3, 25, "sse" }, { 1, 3, 26, "sse2" },
		{ 7, 1, 5, "avx2" }, { 7, 1, 16, "avx512f" }, { 7, 1, 18, "rdseed" },
		{ 7, 2, 7, "cet-ss" }, { 7, 3, 20, "cet-ibt" },
		{ 0x80000001, 2, 2, "svm" }, { 0x80000001, 3, 27, "rdtscp" },
		{ 0x80000001, 3, 26, "pdpe1gb" }, { 0x80000001, 3, 29, "lm" },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(t); i++)
		if (t[i].leaf == leaf && t[i].reg == reg && t[i].bit == bit)
			return t[i].name;
	return NULL;
}

static uint32_t *entry_reg(struct kvm_cpuid_entry2 *e, int reg)
{
	switch (reg) {
	case 0: return &e->eax;
	case 1: return &e->ebx;
	case 2: return &e->ecx;
	default: return &e->edx;
	}
}

static void model_leaf(void *opaque, uint32_t leaf, uint32_t subleaf, bool significant,
		       const uint32_t regs[4])
{
	GArray *a = opaque;
	struct kvm_cpuid_entry2 e = {
		.function = leaf, .index = significant ? subleaf : 0,
		.flags = significant ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0,
		.eax = regs[0], .ebx = regs[1], .ecx = regs[2], .edx = regs[3],
	};

	g_array_append_val(a, e);
}

static struct kvm_cpuid2 *cpuid_from_model(struct kvm_vcpu *v, GError **errp)
{
	struct kvm_cpuid2 *sup = v->s->supported_cpuid;
	g_autoptr(GArray) a = g_array_new(false, true, sizeof(struct kvm_cpuid_entry2));
	g_autoptr(GString) missing = g_string_new(NULL);
	struct kvm_cpuid2 *c;

	x86_cpuid_foreach(v->cpu->cpuid, model_leaf, a);
	for (unsigned i = 0; i < sup->nent; i++)	/* KVM's own leaves */
		if ((sup->entries[i].function & 0xffffff00) == 0x40000000)
			g_array_append_val(a, sup->entries[i]);
	c = g_malloc0(sizeof(*c) + a->len * sizeof(c->entries[0]));
	c->nent = a->len;
	memcpy(c->entries, a->data, a->len * sizeof(c->entries[0]));

	for (unsigned i = 0; i < ARRAY_SIZE(feature_words); i++) {
		const struct cpuid_feature_word *w = &feature_words[i];
		struct kvm_cpuid_entry2 *want = cpuid_find(c, w->leaf, w->sub);
		struct kvm_cpuid_entry2 *have = cpuid_find(sup, w->leaf, w->sub);
		uint32_t bits;

		if (!want)
			continue;
		bits = *entry_reg(want, w->reg) & ~w->ignore;
		if (have)
			bits &= ~*entry_reg(have, w->reg);
		for (int b = 0; b < 32; b++) {
			const char *n;

			if (!(bits & (1u << b)))
				continue;
			n = feature_name(w->leaf, w->reg, b);
			g_string_append_printf(missing, "%s%s%sleaf 0x%x.%u %s bit %d%s",
					       missing->len ? ", " : "", n ? n : "", n ? " (" : "",
					       w->leaf, w->sub, reg_names[w->reg], b, n ? ")" : "");
		}
	}
	if (missing->len) {
		const char *model = v->cpu->model ? v->cpu->model :
				    v->cpu->machine && v->cpu->machine->cpu_model ?
				    v->cpu->machine->cpu_model : "qemu64";

		g_set_error(errp, KEMU_ERROR, 0, "-cpu %s: the host's KVM cannot provide: %s",
			    model, missing->str);
		g_free(c);
		return NULL;
	}
	return c;
}

bool kvm_vcpu_setup_cpuid(struct kvm_vcpu *v, GError **errp)
{
	struct kvm_cpuid2 *sup = v->s->supported_cpuid;
	g_autofree struct kvm_cpuid2 *c = NULL;

	/* A model's table (cpu->cpuid), or everything KVM has (host, max). */
	if (v->cpu->cpuid) {
		c = cpuid_from_model(v, errp);
		if (!c)
			return false;
	} else {
		c = g_memdup2(sup, sizeof(*sup) + sup->nent * sizeof(sup->entries[0]));
	}
	cpuid_set_apic_id(c, v->cpu->apic_id);
	if (ioctl(v->fd, KVM_SET_CPUID2, c) < 0) {
		g_set_error(errp, KEMU_ERROR, 0, "kvm: vCPU %d: KVM_SET_CPUID2: %s",
			    v->cpu->cpu_index, g_strerror(errno));
		return false;
	}
	return true;
}

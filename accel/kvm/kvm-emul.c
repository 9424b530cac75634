// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The KVM accelerator's emulation-failure fallback: when KVM's instruction
 * emulator gives up (KVM_EXIT_INTERNAL_ERROR, suberror
 * KVM_INTERNAL_ERROR_EMULATION, as PVM's does on iret/int n in 32-bit
 * non-paged protected mode, x87 fwait/fnstsw, xrstor, cmpxchg16b, rdssp),
 * fetch the vCPU state the instruction needs, execute it with kemu's
 * interpreter, put back what changed and resume KVM_RUN. Counted per
 * mnemonic (kvm_emul_stats_format, for `info emul`) and logged under -d emul.
 * Evidence that KVM accepts the changed state: docs/kvm-pvm-notes.md.
 * Not here: the run loop that calls it (kvm-cpu.c).
 */
#include "kemu/common.h"
#include "accel/kvm/kvm-int.h"
#include "accel/kvm/kvm-cpu-state.h"
#include "accel/kvm.h"
#include "target/i386/interp.h"

/* Successive fallbacks that changed no register: no progress. */
#define KVM_FALLBACK_MAX_SAME_RIP 1000

static GMutex emul_stats_lock;
static GHashTable *emul_stats;	/* mnemonic -> uint64_t * */
static uint64_t emul_total;

void kvm_emul_count(const char *mnemonic)
{
	uint64_t *c;

	g_mutex_lock(&emul_stats_lock);
	if (!emul_stats)
		emul_stats = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	c = g_hash_table_lookup(emul_stats, mnemonic);
	if (!c) {
		c = g_new0(uint64_t, 1);
		g_hash_table_insert(emul_stats, g_strdup(mnemonic), c);
	}
	(*c)++;
	emul_total++;
	g_mutex_unlock(&emul_stats_lock);
}

uint64_t kvm_emul_count_total(void)
{
	uint64_t t;

	g_mutex_lock(&emul_stats_lock);
	t = emul_total;
	g_mutex_unlock(&emul_stats_lock);
	return t;
}

char *kvm_emul_stats_format(void)
{
	GString *out = g_string_new(NULL);

	g_mutex_lock(&emul_stats_lock);
	if (emul_stats) {
		g_autoptr(GList) keys = g_hash_table_get_keys(emul_stats);

		keys = g_list_sort(keys, (GCompareFunc)strcmp);
		for (GList *l = keys; l; l = l->next)
			g_string_append_printf(out, "%s %" PRIu64 "\n", (char *)l->data,
					       *(uint64_t *)g_hash_table_lookup(emul_stats, l->data));
	}
	g_mutex_unlock(&emul_stats_lock);
	return g_string_free(out, false);
}

void kvm_emul_stats_reset(void)
{
	g_mutex_lock(&emul_stats_lock);
	if (emul_stats)
		g_hash_table_remove_all(emul_stats);
	emul_total = 0;
	g_mutex_unlock(&emul_stats_lock);
}

/* Names for the instructions KVM emulators are known to give up on, else hex. */
char *kvm_insn_name(const uint8_t *b, unsigned len, bool code64)
{
	unsigned i = 0;
	bool rexw = false, rep = false;
	uint8_t op, modrm;

	for (; i < len; i++) {
		uint8_t p = b[i];

		if (p == 0x66 || p == 0x67 || p == 0xf0 || p == 0xf2 || p == 0x2e || p == 0x36 ||
		    p == 0x3e || p == 0x26 || p == 0x64 || p == 0x65)
			continue;
		if (p == 0xf3) {
			rep = true;
			continue;
		}
		if (code64 && (p & 0xf0) == 0x40) {
			rexw = p & 8;
			continue;
		}
		break;
	}
	if (i >= len)
		return g_strdup("(no bytes)");
	op = b[i];
	modrm = i + 1 < len ? b[i + 1] : 0;
	switch (op) {
	case 0xcf: return g_strdup(rexw ? "iretq" : "iret");
	case 0xcd: return g_strdup_printf("int 0x%02x", modrm);
	case 0xcc: return g_strdup("int3");
	case 0xce: return g_strdup("into");
	case 0xf4: return g_strdup("hlt");
	case 0x9b:
		if (i + 2 < len && b[i + 1] == 0xdb && b[i + 2] == 0xe3)
			return g_strdup("finit");
		return g_strdup("fwait");
	case 0xdb:
		if (modrm == 0xe3) return g_strdup("fninit");
		if (modrm == 0xe2) return g_strdup("fnclex");
		break;
	case 0xdf:
		if (modrm == 0xe0) return g_strdup("fnstsw");
		break;
	case 0xdd:
		if ((modrm & 0xc0) != 0xc0 && ((modrm >> 3) & 7) == 7) return g_strdup("fnstsw");
		break;
	case 0xd9:
		if ((modrm & 0xc0) != 0xc0 && ((modrm >> 3) & 7) == 7) return g_strdup("fnstcw");
		if ((modrm & 0xc0) != 0xc0 && ((modrm >> 3) & 7) == 5) return g_strdup("fldcw");
		break;
	case 0x0f: {
		uint8_t op2 = modrm, m = i + 2 < len ? b[i + 2] : 0;
		unsigned reg = (m >> 3) & 7;

		if (op2 == 0xae && (m & 0xc0) != 0xc0) {
			static const char *const ae[8] = { "fxsave", "fxrstor", "ldmxcsr", "stmxcsr",
							   "xsave", "xrstor", "xsaveopt", "clflush" };
			return g_strdup(ae[reg]);
		}
		if (op2 == 0xc7 && reg == 1)
			return g_strdup(rexw ? "cmpxchg16b" : "cmpxchg8b");
		if (op2 == 0x1e && rep && reg == 1 && (m & 0xc0) == 0xc0)
			return g_strdup(rexw ? "rdsspq" : "rdsspd");
		return g_strdup_printf("0f %02x", op2);
	}
	}
	if (op >= 0xd8 && op <= 0xdf)
		return g_strdup_printf("x87 %02x %02x", op, modrm);
	return g_strdup_printf("%02x", op);
}

/*
 * The parts of the vCPU state an instruction can read or change, so that a
 * fallback moves only those (each part is an ioctl each way). Instructions
 * kemu does not classify move everything.
 */
unsigned kvm_insn_state_parts(const uint8_t *b, unsigned len, bool code64)
{
	const unsigned base = KVM_STATE_REGS | KVM_STATE_SREGS;
	unsigned i = 0;
	uint8_t op, op2;

	while (i < len && (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xf0 || b[i] == 0xf2 ||
			   b[i] == 0xf3 || b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e ||
			   b[i] == 0x26 || b[i] == 0x64 || b[i] == 0x65 ||
			   (code64 && (b[i] & 0xf0) == 0x40)))
		i++;
	if (i >= len)
		return KVM_STATE_ALL;
	op = b[i];
	if (op == 0xcf || op == 0xcd || op == 0xcc || op == 0xce)
		return base;				/* iret, int n, int3, into */
	if (op == 0x9b || (op >= 0xd8 && op <= 0xdf))
		return base | KVM_STATE_FPU;		/* x87 */
	if (op != 0x0f || i + 1 >= len)
		return KVM_STATE_ALL;
	op2 = b[i + 1];
	if (op2 == 0xc7 || op2 == 0x1e)
		return base;				/* cmpxchg8b/16b, rdssp */
	if (op2 == 0xae || op2 == 0x01 || op2 == 0x38 || op2 == 0x3a ||
	    (op2 >= 0x10 && op2 <= 0x17) || (op2 >= 0x28 && op2 <= 0x2f) ||
	    (op2 >= 0x50 && op2 <= 0x7f) || (op2 >= 0xc2 && op2 <= 0xc6) || op2 >= 0xd0)
		return base | KVM_STATE_FPU;		/* SSE, xsave family, xgetbv/xsetbv */
	return KVM_STATE_ALL;
}

bool kvm_vcpu_handle_emulation_failure(struct kvm_vcpu *v, GError **errp)
{
	CPUX86State *env = &v->cpu->env;
	g_autofree char *name = NULL;
	uint8_t insn[15];
	unsigned n;
	uint16_t cs;
	uint64_t rip;
	unsigned parts, changed;
	CPUX86State before;
	char disas[80];
	int mode_bits;

	if (!kvm_vcpu_get_state_parts(v, KVM_STATE_REGS | KVM_STATE_SREGS, errp))
		return false;
	n = kvm_vcpu_fetch_insn(v, insn);
	name = kvm_insn_name(insn, n, kvm_vcpu_code64(env));
	mode_bits = kvm_vcpu_code64(env) ? 64 :
		    (env->cr[0] & CR0_PE) && (env->segs[R_CS].flags & SEG_DB) ? 32 : 16;
	if (n && x86_disas(insn, n, mode_bits, env->rip, disas, sizeof(disas)) > 0) {
		/* kemu's disassembler names what kvm_insn_name only knows as bytes */
		if (g_ascii_isxdigit(name[0]) && g_ascii_isxdigit(name[1]) && !name[2] &&
		    disas[0] != '(') {
			g_free(name);
			name = g_strndup(disas, strcspn(disas, " \t"));
		}
	} else {
		g_strlcpy(disas, "(bad)", sizeof(disas));
	}
	parts = kvm_insn_state_parts(insn, n, kvm_vcpu_code64(env));
	if (!kvm_vcpu_get_state_parts(v, parts, errp))
		return false;
	cs = env->segs[R_CS].selector;
	rip = env->rip;
	before = *env;
	if (!v->emulate) {
		g_set_error(errp, KEMU_ERROR, 0, "%s at %04x:%" PRIx64 ": no userspace emulator",
			    name, cs, rip);
		return false;
	}
	if (!v->emulate(v->cpu, errp)) {
		g_prefix_error(errp, "%s at %04x:%" PRIx64 ": ", name, cs, rip);
		return false;
	}
	/*
	 * An emulator that "succeeds" without changing anything would have
	 * KVM fail on the same instruction forever: stop after a while.
	 */
	changed = kvm_env_changed_parts(&before, env);
	if (!changed) {
		if (++v->same_rip_fallbacks >= KVM_FALLBACK_MAX_SAME_RIP) {
			g_set_error(errp, KEMU_ERROR, 0,
				    "%s at %04x:%" PRIx64 ": %u fallbacks without progress",
				    name, cs, rip, v->same_rip_fallbacks);
			return false;
		}
	} else {
		v->same_rip_fallbacks = 0;
	}
	if (changed & ~parts) {
		g_set_error(errp, KEMU_ERROR, 0, "%s at %04x:%" PRIx64 ": the emulator changed "
			    "state parts 0x%x that were not fetched (0x%x): kemu bug", name, cs, rip,
			    changed, parts);
		return false;
	}
	if (!kvm_vcpu_put_state_parts(v, changed, KVM_PUT_RUNTIME, errp)) {
		g_prefix_error(errp, "after emulating %s at %04x:%" PRIx64 ": ", name, cs, rip);
		return false;
	}
	v->nr_fallbacks++;
	kvm_emul_count(name);
	if (log_enabled(LOG_EMUL)) {
		g_autoptr(GString) bytes = g_string_new(NULL);

		for (unsigned i = 0; i < n && i < 8; i++)
			g_string_append_printf(bytes, " %02x", insn[i]);
		kemu_log("emul: vCPU %d %04x:%016" PRIx64 " %s [%s ] -> %04x:%016" PRIx64 "\n",
			 v->cpu->cpu_index, cs, rip, disas[0] == '(' ? name : disas, bytes->str,
			 env->segs[R_CS].selector, env->rip);
	}
	return true;
}


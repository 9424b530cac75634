// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Direct kernel boot: parse a Linux bzImage, a PVH ELF or a multiboot v1
 * image and produce a plan (blobs for guest RAM + the boot vCPU's entry
 * state). Pure: reads only the buffers it is given, writes nothing to the
 * guest; see include/hw/i386/loader.h. Every field of the file is treated as
 * hostile and checked against the file size and the guest's RAM.
 *
 * Specs: Linux Documentation/arch/x86/boot.rst (boot protocol 2.15),
 * zero-page.rst; Xen's include/public/arch-x86/hvm/start_info.h and
 * elfnote.h (PVH); the Multiboot Specification 0.6.96.
 * Not here: loading through firmware (SeaBIOS + linuxboot option ROM).
 */
#include "kemu/common.h"
#include "hw/i386/loader.h"

G_DEFINE_QUARK(x86-loader-error-quark, x86_loader_error)

#define LOAD_ERR(errp, code, ...)						\
	g_set_error(errp, X86_LOADER_ERROR, code, "could not load kernel: " __VA_ARGS__)

/* Linux boot protocol, setup header offsets in the file / zero page. */
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_ACPI_RSDP_ADDR	0x070
#define BP_E820_ENTRIES		0x1e8
#define BP_E820_TABLE		0x2d0
#define HDR_SETUP_SECTS		0x1f1
#define HDR_SYSSIZE		0x1f4
#define HDR_VID_MODE		0x1fa
#define HDR_BOOT_FLAG		0x1fe
#define HDR_JUMP		0x200
#define HDR_HEADER		0x202
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_LOADFLAGS		0x211
#define HDR_CODE32_START	0x214
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_HEAP_END_PTR	0x224
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_KERNEL_ALIGNMENT	0x230
#define HDR_RELOCATABLE		0x234
#define HDR_XLOADFLAGS		0x236
#define HDR_CMDLINE_SIZE	0x238
#define HDR_PAYLOAD_LENGTH	0x24c
#define HDR_PREF_ADDRESS	0x258
#define HDR_INIT_SIZE		0x260
#define HDR_MIN_FILE		0x268	/* through handover_offset */

#define LOADED_HIGH		0x01
#define CAN_USE_HEAP		0x80
#define XLF_KERNEL_64		0x01
#define LINUX_MAGIC		0x53726448	/* "HdrS" */

#define PVH_START_MAGIC		0x336ec578
#define XEN_ELFNOTE_PHYS32_ENTRY 18

#define MB_HEADER_MAGIC		0x1BADB002
#define MB_BOOTLOADER_MAGIC	0x2BADB002
#define MB_SEARCH		8192
#define MB_FLAG_AOUT_KLUDGE	0x00010000
#define MBI_FLAG_MEM		0x001
#define MBI_FLAG_BOOTDEV	0x002
#define MBI_FLAG_CMDLINE	0x004
#define MBI_FLAG_MODS		0x008
#define MBI_FLAG_MMAP		0x040
#define MBI_FLAG_LOADER_NAME	0x200
#define MBI_SIZE		88

#define LOW_LIMIT		PC_HIGH_RAM_START	/* kernels load at or above 1 MiB */
#define BOOT_STACK_TOP		0x8ff0ULL

/* ------------------------------------------------------------------ */
/* plan helpers */

static int blob_cmp(gconstpointer a, gconstpointer b)
{
	const struct x86_boot_blob *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void plan_add(struct x86_boot_plan *plan, uint64_t addr, const void *data,
		     size_t len)
{
	struct x86_boot_blob b = { .addr = addr, .len = len };

	if (!len)
		return;
	if (data)
		b.data = g_memdup2(data, len);
	g_array_append_val(plan->blobs, b);
}

/* Take ownership of a GByteArray's contents. */
static void plan_add_bytes(struct x86_boot_plan *plan, uint64_t addr, GByteArray *ba)
{
	struct x86_boot_blob b = { .addr = addr, .len = ba->len };

	b.data = g_byte_array_free(ba, FALSE);
	g_array_append_val(plan->blobs, b);
}

void x86_boot_plan_add_blob(struct x86_boot_plan *plan, uint64_t addr, const void *data,
			    size_t len)
{
	plan_add(plan, addr, data, len);
	g_array_sort(plan->blobs, blob_cmp);
}

void x86_boot_plan_free(struct x86_boot_plan *plan)
{
	if (!plan)
		return;
	for (unsigned i = 0; plan->blobs && i < plan->blobs->len; i++)
		g_free(g_array_index(plan->blobs, struct x86_boot_blob, i).data);
	if (plan->blobs)
		g_array_free(plan->blobs, TRUE);
	g_free(plan);
}

/* Is [addr, addr+len) inside RAM that direct boot may load a kernel into? */
static bool range_loadable(const struct x86_boot_config *cfg, uint64_t addr,
			   uint64_t len)
{
	return addr >= LOW_LIMIT && len <= cfg->ram_below_4g &&
	       addr <= cfg->ram_below_4g - len;
}

/* GDT shared by every entry mode; Linux wants __BOOT_CS 0x10, __BOOT_DS 0x18. */
static void plan_add_gdt(struct x86_boot_plan *plan, bool long_mode)
{
	uint64_t gdt[5] = {
		0, 0,
		long_mode ? 0x00af9b000000ffffULL : 0x00cf9b000000ffffULL,
		0x00cf93000000ffffULL,
		0x00008b0000000067ULL,	/* busy 32-bit TSS, base 0, limit 0x67 (TR) */
	};
	uint8_t buf[sizeof(gdt)];

	for (unsigned i = 0; i < ARRAY_SIZE(gdt); i++)
		stq_le_p(buf + 8 * i, gdt[i]);
	plan_add(plan, X86_BOOT_GDT_ADDR, buf, sizeof(buf));
	plan->entry.gdt_base = X86_BOOT_GDT_ADDR;
	plan->entry.gdt_limit = sizeof(gdt) - 1;
}

/* PML4 + PDPT + 4 PDs identity-mapping 0-4 GiB with 2 MiB pages. */
static void plan_add_page_tables(struct x86_boot_plan *plan)
{
	uint8_t *pt = g_malloc0(6 * 4096);
	uint64_t pdpt = X86_BOOT_PML4_ADDR + 0x1000, pd = X86_BOOT_PML4_ADDR + 0x2000;

	stq_le_p(pt, pdpt | 3);
	for (unsigned i = 0; i < 4; i++) {
		stq_le_p(pt + 0x1000 + 8 * i, (pd + 0x1000 * i) | 3);
		for (unsigned j = 0; j < 512; j++)
			stq_le_p(pt + 0x2000 + 0x1000 * i + 8 * j,
				 ((uint64_t)i << 30 | (uint64_t)j << 21) | 0x83);
	}
	plan_add(plan, X86_BOOT_PML4_ADDR, pt, 6 * 4096);
	g_free(pt);
}

static void entry_init(struct x86_boot_plan *plan, bool long_mode, uint64_t rip)
{
	struct x86_boot_entry *e = &plan->entry;

	e->long_mode = long_mode;
	e->rip = rip;
	e->rsp = BOOT_STACK_TOP;
	e->cr0 = CR0_PE | CR0_ET;
	if (long_mode) {
		e->cr0 |= CR0_PG;
		e->cr3 = X86_BOOT_PML4_ADDR;
		e->cr4 = CR4_PAE;
		e->efer = EFER_LME | EFER_LMA;
		plan_add_page_tables(plan);
	}
	plan_add_gdt(plan, long_mode);
}

static bool add_cmdline(struct x86_boot_plan *plan, const char *cmdline,
			uint64_t max, GError **errp)
{
	size_t len = strlen(cmdline);

	max = MIN(max, X86_BOOT_CMDLINE_MAX - 1);
	if (len > max) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID,
			 "command line too long (%zu bytes, the kernel takes %" PRIu64 ")",
			 len, max);
		return false;
	}
	plan_add(plan, X86_BOOT_CMDLINE_ADDR, cmdline, len + 1);
	return true;
}

/* ------------------------------------------------------------------ */
/* ELF (shared by PVH and multiboot) */

struct elf_phdr {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

struct elf_info {
	bool is64;
	uint16_t machine;
	uint64_t entry;
	unsigned phnum;
	struct elf_phdr *ph;	/* g_free */
};

static bool is_elf(const uint8_t *b, size_t len)
{
	return len >= 4 && !memcmp(b, "\x7f" "ELF", 4);
}

static bool elf_parse(const uint8_t *b, size_t len, struct elf_info *ei, GError **errp)
{
	uint64_t phoff;
	unsigned phentsize, phnum;

	memset(ei, 0, sizeof(*ei));
	if (len < 52 || b[5] != 1 || (b[4] != 1 && b[4] != 2)) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "ELF header truncated or not little-endian ELF32/ELF64");
		return false;
	}
	ei->is64 = b[4] == 2;
	if (ei->is64 && len < 64) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "ELF header truncated");
		return false;
	}
	ei->machine = lduw_le_p(b + 18);
	if (ei->is64) {
		ei->entry = ldq_le_p(b + 24);
		phoff = ldq_le_p(b + 32);
		phentsize = lduw_le_p(b + 54);
		phnum = lduw_le_p(b + 56);
	} else {
		ei->entry = ldl_le_p(b + 24);
		phoff = ldl_le_p(b + 28);
		phentsize = lduw_le_p(b + 42);
		phnum = lduw_le_p(b + 44);
	}
	if (ei->machine != 3 && ei->machine != 62) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "ELF image for machine %u, not x86", ei->machine);
		return false;
	}
	if (phentsize != (ei->is64 ? 56u : 32u) || phnum == 0 || phoff > len ||
	    (uint64_t)phnum * phentsize > len - phoff) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "ELF program headers missing or truncated");
		return false;
	}
	ei->phnum = phnum;
	ei->ph = g_new0(struct elf_phdr, phnum);
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *p = b + phoff + (uint64_t)i * phentsize;
		struct elf_phdr *h = &ei->ph[i];

		h->type = ldl_le_p(p);
		if (ei->is64) {
			h->offset = ldq_le_p(p + 8);
			h->vaddr = ldq_le_p(p + 16);
			h->paddr = ldq_le_p(p + 24);
			h->filesz = ldq_le_p(p + 32);
			h->memsz = ldq_le_p(p + 40);
		} else {
			h->offset = ldl_le_p(p + 4);
			h->vaddr = ldl_le_p(p + 8);
			h->paddr = ldl_le_p(p + 12);
			h->filesz = ldl_le_p(p + 16);
			h->memsz = ldl_le_p(p + 20);
		}
		if (h->type == 1 || h->type == 4) {	/* PT_LOAD, PT_NOTE */
			if (h->offset > len || h->filesz > len - h->offset) {
				LOAD_ERR(errp, X86_LOADER_ERR_INVALID,
					 "ELF segment %u lies outside the file (truncated?)", i);
				g_free(ei->ph);
				ei->ph = NULL;
				return false;
			}
		}
	}
	return true;
}

/* Load every PT_LOAD at its physical address; returns the end of the image. */
static bool elf_load(const struct x86_boot_config *cfg, struct x86_boot_plan *plan,
		     const struct elf_info *ei, GError **errp)
{
	const uint8_t *b = cfg->kernel;
	uint64_t low = UINT64_MAX, high = 0;

	for (unsigned i = 0; i < ei->phnum; i++) {
		const struct elf_phdr *h = &ei->ph[i];

		if (h->type != 1 || h->memsz == 0)
			continue;
		if (h->filesz > h->memsz) {
			LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "ELF segment %u: file size exceeds memory size", i);
			return false;
		}
		if (!range_loadable(cfg, h->paddr, h->memsz)) {
			LOAD_ERR(errp, X86_LOADER_ERR_INVALID,
				 "ELF segment %u at 0x%" PRIx64 "+0x%" PRIx64
				 " is outside guest RAM (1 MiB - 0x%" PRIx64 ")",
				 i, h->paddr, h->memsz, cfg->ram_below_4g);
			return false;
		}
		plan_add(plan, h->paddr, b + h->offset, h->filesz);
		plan_add(plan, h->paddr + h->filesz, NULL, h->memsz - h->filesz);
		low = MIN(low, h->paddr);
		high = MAX(high, h->paddr + h->memsz);
	}
	if (high == 0) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "ELF image has nothing to load");
		return false;
	}
	plan->kernel_addr = low;
	plan->kernel_end = high;
	return true;
}

/* ------------------------------------------------------------------ */
/* Linux bzImage */

static bool bzimage_load(const struct x86_boot_config *cfg, struct x86_boot_plan *plan,
			 GError **errp)
{
	const uint8_t *b = cfg->kernel;
	size_t len = cfg->kernel_len;
	unsigned version, setup_sects;
	uint64_t setup_size, ksize, load_addr = LOW_LIMIT, need, cmdline_max;
	uint64_t initrd_max, hdr_end;
	uint8_t loadflags, *bp;
	bool k64;

	if (len < HDR_MIN_FILE) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "bzImage header truncated");
		return false;
	}
	version = lduw_le_p(b + HDR_VERSION);
	loadflags = b[HDR_LOADFLAGS];
	if (lduw_le_p(b + HDR_BOOT_FLAG) != 0xaa55) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "bzImage boot flag is not 0xAA55");
		return false;
	}
	if (version < 0x202 || !(loadflags & LOADED_HIGH)) {
		LOAD_ERR(errp, X86_LOADER_ERR_NEEDS_FIRMWARE,
			 "boot protocol %u.%02u %s needs the BIOS",
			 version >> 8, version & 0xff,
			 loadflags & LOADED_HIGH ? "kernel" : "zImage");
		return false;
	}
	setup_sects = b[HDR_SETUP_SECTS] ? b[HDR_SETUP_SECTS] : 4;
	setup_size = (setup_sects + 1) * 512ULL;
	if (setup_size >= len) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "bzImage truncated (setup is %" PRIu64
			 " bytes, file %zu)", setup_size, len);
		return false;
	}
	ksize = len - setup_size;
	/* syssize counts 16-byte paragraphs, rounded up (iPXE's .lkrn ends 7 bytes short) */
	if (version >= 0x204 && (uint64_t)ldl_le_p(b + HDR_SYSSIZE) * 16 > ksize + 15) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID,
			 "bzImage truncated (header says %" PRIu64 " bytes of kernel, file has %" PRIu64 ")",
			 (uint64_t)ldl_le_p(b + HDR_SYSSIZE) * 16, ksize);
		return false;
	}
	k64 = version >= 0x20c && (lduw_le_p(b + HDR_XLOADFLAGS) & XLF_KERNEL_64);
	if (k64 && cfg->linux_32bit_entry) {
		/* every x86-64 bzImage also has startup_32 at code32_start */
		k64 = false;
		if (version < 0x208 || ldl_le_p(b + HDR_PAYLOAD_LENGTH) == 0) {
			LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "bzImage has no 32-bit Linux entry");
			return false;
		}
	}
	/*
	 * Without a 64-bit entry, only a Linux kernel (compressed payload,
	 * protocol 2.08+) is known to run from code32_start; memdisk and iPXE
	 * have bzImage headers but call the BIOS from their setup code.
	 */
	if (!k64 && (version < 0x208 || ldl_le_p(b + HDR_PAYLOAD_LENGTH) == 0)) {
		LOAD_ERR(errp, X86_LOADER_ERR_NEEDS_FIRMWARE,
			 "bzImage (protocol %u.%02u) has no 64-bit or 32-bit Linux entry and needs the BIOS",
			 version >> 8, version & 0xff);
		return false;
	}

	need = ksize;
	if (version >= 0x20a)
		need = MAX(need, (uint64_t)ldl_le_p(b + HDR_INIT_SIZE));
	if (version >= 0x20a && b[HDR_RELOCATABLE]) {
		uint64_t pref = ldq_le_p(b + HDR_PREF_ADDRESS);
		uint32_t align = ldl_le_p(b + HDR_KERNEL_ALIGNMENT);

		if (pref >= LOW_LIMIT && pref < PC_4G && (!align || (align & (align - 1)) ||
		    IS_ALIGNED(pref, align)) && range_loadable(cfg, pref, need))
			load_addr = pref;
	}
	if (!range_loadable(cfg, load_addr, need)) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID,
			 "kernel needs %" PRIu64 " MiB at 0x%" PRIx64 ", guest RAM below 4 GiB is %" PRIu64 " MiB",
			 (uint64_t)((need + MiB - 1) / MiB), load_addr, (uint64_t)(cfg->ram_below_4g / MiB));
		return false;
	}
	plan->kernel_addr = load_addr;
	plan->kernel_end = load_addr + need;
	plan_add(plan, load_addr, b + setup_size, ksize);

	cmdline_max = version >= 0x206 ? ldl_le_p(b + HDR_CMDLINE_SIZE) : 255;
	if (!add_cmdline(plan, cfg->cmdline ? cfg->cmdline : "", cmdline_max, errp))
		return false;

	/* The zero page: the setup header as the file has it, then our fields. */
	bp = g_malloc0(4096);
	hdr_end = MIN(MIN((uint64_t)HDR_JUMP + 2 + b[HDR_JUMP + 1], setup_size), 4096);
	memcpy(bp + HDR_SETUP_SECTS, b + HDR_SETUP_SECTS, hdr_end - HDR_SETUP_SECTS);
	bp[HDR_TYPE_OF_LOADER] = 0xb0;		/* QEMU's loader id, as QEMU */
	bp[HDR_LOADFLAGS] |= CAN_USE_HEAP;
	stw_le_p(bp + HDR_HEAP_END_PTR, 0xfe00 - 0x200);
	stw_le_p(bp + HDR_VID_MODE, 0xffff);	/* NORMAL_VGA */
	stl_le_p(bp + HDR_CODE32_START, load_addr);
	stl_le_p(bp + HDR_CMD_LINE_PTR, X86_BOOT_CMDLINE_ADDR);
	if (version >= 0x20e && cfg->rsdp_addr)
		stq_le_p(bp + BP_ACPI_RSDP_ADDR, cfg->rsdp_addr);

	if (cfg->nr_modules) {
		const struct x86_boot_module *m = &cfg->modules[0];
		uint64_t addr;

		initrd_max = version >= 0x203 ? ldl_le_p(b + HDR_INITRD_ADDR_MAX) : 0x37ffffff;
		initrd_max = MIN(initrd_max, cfg->ram_below_4g - 1);
		if (m->len > initrd_max + 1 ||
		    (addr = ALIGN_DOWN(initrd_max + 1 - m->len, 4096)) < plan->kernel_end) {
			LOAD_ERR(errp, X86_LOADER_ERR_INVALID,
				 "initrd of %zu bytes does not fit below 0x%" PRIx64 " after the kernel",
				 m->len, initrd_max + 1);
			g_free(bp);
			return false;
		}
		plan_add(plan, addr, m->data, m->len);
		plan->initrd_addr = addr;
		plan->initrd_size = m->len;
		stl_le_p(bp + HDR_RAMDISK_IMAGE, addr);
		stl_le_p(bp + HDR_RAMDISK_SIZE, m->len);
	}
	if (cfg->e820) {
		unsigned n = MIN(cfg->e820->nr, E820_MAX_ENTRIES);

		bp[BP_E820_ENTRIES] = n;
		for (unsigned i = 0; i < n; i++) {
			uint8_t *e = bp + BP_E820_TABLE + 20 * i;

			stq_le_p(e, cfg->e820->entries[i].addr);
			stq_le_p(e + 8, cfg->e820->entries[i].size);
			stl_le_p(e + 16, cfg->e820->entries[i].type);
		}
	}
	plan_add(plan, X86_BOOT_INFO_ADDR, bp, 4096);
	g_free(bp);

	if (k64) {
		plan->kind = X86_BOOT_LINUX64;
		entry_init(plan, true, load_addr + 0x200);
	} else {
		plan->kind = X86_BOOT_LINUX32;
		entry_init(plan, false, load_addr);
	}
	plan->kind_name = "bzImage";
	plan->entry.rsi = X86_BOOT_INFO_ADDR;
	return true;
}

/* ------------------------------------------------------------------ */
/* modules at the top of RAM (PVH) or after the kernel (multiboot) */

static bool place_modules_high(const struct x86_boot_config *cfg, struct x86_boot_plan *plan,
			       uint64_t *addrs, GError **errp)
{
	uint64_t top = cfg->ram_below_4g;

	for (unsigned i = 0; i < cfg->nr_modules; i++) {
		uint64_t l = cfg->modules[i].len;

		if (l > top || ALIGN_DOWN(top - l, 4096) < plan->kernel_end) {
			LOAD_ERR(errp, X86_LOADER_ERR_INVALID,
				 "module %u (%" PRIu64 " bytes) does not fit in guest RAM", i, l);
			return false;
		}
		top = ALIGN_DOWN(top - l, 4096);
		addrs[i] = top;
		plan_add(plan, top, cfg->modules[i].data, l);
	}
	if (cfg->nr_modules) {
		plan->initrd_addr = addrs[0];
		plan->initrd_size = cfg->modules[0].len;
	}
	return true;
}

static bool place_modules_after_kernel(const struct x86_boot_config *cfg,
				       struct x86_boot_plan *plan, uint64_t *addrs,
				       GError **errp)
{
	uint64_t next = ALIGN_UP(plan->kernel_end, 4096);

	for (unsigned i = 0; i < cfg->nr_modules; i++) {
		uint64_t l = cfg->modules[i].len;

		if (!range_loadable(cfg, next, l)) {
			LOAD_ERR(errp, X86_LOADER_ERR_INVALID,
				 "module %u (%" PRIu64 " bytes) does not fit in guest RAM", i, l);
			return false;
		}
		addrs[i] = next;
		plan_add(plan, next, cfg->modules[i].data, l);
		next = ALIGN_UP(next + l, 4096);
	}
	if (cfg->nr_modules) {
		plan->initrd_addr = addrs[0];
		plan->initrd_size = cfg->modules[0].len;
	}
	return true;
}

/* Append a NUL-terminated string to the aux area; returns its guest address. */
static uint64_t aux_str(GByteArray *aux, const char *s)
{
	uint64_t at = X86_BOOT_AUX_ADDR + aux->len;

	g_byte_array_append(aux, (const guint8 *)s, strlen(s) + 1);
	return at;
}

static void aux_align(GByteArray *aux, unsigned a)
{
	static const uint8_t zero[16];

	if (aux->len % a)
		g_byte_array_append(aux, zero, a - aux->len % a);
}

static bool aux_commit(struct x86_boot_plan *plan, GByteArray *aux, GError **errp)
{
	if (aux->len > X86_BOOT_AUX_SIZE) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "too many modules or module arguments too long");
		g_byte_array_free(aux, TRUE);
		return false;
	}
	plan_add_bytes(plan, X86_BOOT_AUX_ADDR, aux);
	return true;
}

/* ------------------------------------------------------------------ */
/* PVH */

/* The PHYS32 entry from the Xen ELF notes, or false. */
static bool pvh_find_entry(const uint8_t *b, const struct elf_info *ei, uint64_t *entry)
{
	for (unsigned i = 0; i < ei->phnum; i++) {
		const struct elf_phdr *h = &ei->ph[i];
		uint64_t off = 0;

		if (h->type != 4)
			continue;
		while (h->filesz - off >= 12) {
			const uint8_t *n = b + h->offset + off;
			uint64_t namesz = ldl_le_p(n), descsz = ldl_le_p(n + 4);
			uint32_t type = ldl_le_p(n + 8);
			uint64_t nsz = ALIGN_UP(namesz, 4), dsz = ALIGN_UP(descsz, 4);

			if (nsz > h->filesz - off - 12 || dsz > h->filesz - off - 12 - nsz)
				break;
			if (namesz == 4 && !memcmp(n + 12, "Xen", 4) &&
			    type == XEN_ELFNOTE_PHYS32_ENTRY && (descsz == 4 || descsz == 8)) {
				*entry = descsz == 4 ? ldl_le_p(n + 12 + nsz)
						     : ldq_le_p(n + 12 + nsz);
				return true;
			}
			off += 12 + nsz + dsz;
		}
	}
	return false;
}

static bool pvh_load(const struct x86_boot_config *cfg, struct x86_boot_plan *plan,
		     const struct elf_info *ei, uint64_t entry, GError **errp)
{
	g_autofree uint64_t *maddr = g_new0(uint64_t, cfg->nr_modules + 1);
	GByteArray *aux = g_byte_array_new();
	uint8_t si[56] = { 0 };
	uint64_t memmap_addr = 0, modlist_addr = 0;
	unsigned nmap = cfg->e820 ? cfg->e820->nr : 0;

	if (entry >= PC_4G || !range_loadable(cfg, entry, 1)) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "PVH entry 0x%" PRIx64 " is outside guest RAM", entry);
		goto fail;
	}
	if (!elf_load(cfg, plan, ei, errp) ||
	    !place_modules_high(cfg, plan, maddr, errp) ||
	    !add_cmdline(plan, cfg->cmdline ? cfg->cmdline : "", X86_BOOT_CMDLINE_MAX, errp))
		goto fail;

	if (nmap) {
		memmap_addr = X86_BOOT_AUX_ADDR + aux->len;
		for (unsigned i = 0; i < nmap; i++) {
			uint8_t e[24] = { 0 };

			stq_le_p(e, cfg->e820->entries[i].addr);
			stq_le_p(e + 8, cfg->e820->entries[i].size);
			stl_le_p(e + 16, cfg->e820->entries[i].type);
			g_byte_array_append(aux, e, sizeof(e));
		}
	}
	if (cfg->nr_modules) {
		g_autofree uint64_t *cmd = g_new0(uint64_t, cfg->nr_modules);
		uint64_t list_off;

		for (unsigned i = 0; i < cfg->nr_modules; i++)
			if (cfg->modules[i].cmdline)
				cmd[i] = aux_str(aux, cfg->modules[i].cmdline);
		aux_align(aux, 8);
		list_off = aux->len;
		modlist_addr = X86_BOOT_AUX_ADDR + list_off;
		for (unsigned i = 0; i < cfg->nr_modules; i++) {
			uint8_t m[32] = { 0 };

			stq_le_p(m, maddr[i]);
			stq_le_p(m + 8, cfg->modules[i].len);
			stq_le_p(m + 16, cmd[i]);
			g_byte_array_append(aux, m, sizeof(m));
		}
	}
	if (!aux_commit(plan, aux, errp))
		return false;

	stl_le_p(si, PVH_START_MAGIC);
	stl_le_p(si + 4, 1);			/* version */
	stl_le_p(si + 12, cfg->nr_modules);
	stq_le_p(si + 16, modlist_addr);
	stq_le_p(si + 24, X86_BOOT_CMDLINE_ADDR);
	stq_le_p(si + 32, cfg->rsdp_addr);
	stq_le_p(si + 40, memmap_addr);
	stl_le_p(si + 48, nmap);
	plan_add(plan, X86_BOOT_INFO_ADDR, si, sizeof(si));

	plan->kind = X86_BOOT_PVH;
	plan->kind_name = "PVH ELF";
	entry_init(plan, false, entry);
	plan->entry.rbx = X86_BOOT_INFO_ADDR;
	return true;
fail:
	g_byte_array_free(aux, TRUE);
	return false;
}

/* ------------------------------------------------------------------ */
/* multiboot v1 */

static int64_t multiboot_find(const uint8_t *b, size_t len)
{
	size_t lim = MIN(len, (size_t)MB_SEARCH);

	for (size_t off = 0; off + 12 <= lim; off += 4) {
		uint32_t magic = ldl_le_p(b + off), flags = ldl_le_p(b + off + 4);

		if (magic == MB_HEADER_MAGIC &&
		    (uint32_t)(magic + flags + ldl_le_p(b + off + 8)) == 0)
			return off;
	}
	return -1;
}

static bool multiboot_load_aout(const struct x86_boot_config *cfg, struct x86_boot_plan *plan,
				size_t hoff, uint64_t *entry, GError **errp)
{
	const uint8_t *h = cfg->kernel + hoff;
	uint64_t header_addr, load_addr, load_end, bss_end, file_off, file_size, mem_size;

	if (hoff + 32 > cfg->kernel_len) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "multiboot header truncated");
		return false;
	}
	header_addr = ldl_le_p(h + 12);
	load_addr = ldl_le_p(h + 16);
	load_end = ldl_le_p(h + 20);
	bss_end = ldl_le_p(h + 24);
	*entry = ldl_le_p(h + 28);
	if (header_addr < load_addr || header_addr - load_addr > hoff) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "multiboot header_addr/load_addr inconsistent");
		return false;
	}
	file_off = hoff - (header_addr - load_addr);
	if (load_end) {
		if (load_end < load_addr) {
			LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "multiboot load_end_addr below load_addr");
			return false;
		}
		file_size = load_end - load_addr;
	} else {
		file_size = cfg->kernel_len - file_off;
	}
	if (file_size > cfg->kernel_len - file_off) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "multiboot image truncated (%" PRIu64
			 " bytes to load, file has %" PRIu64 ")", file_size, cfg->kernel_len - file_off);
		return false;
	}
	mem_size = file_size;
	if (bss_end) {
		if (bss_end < load_addr + file_size) {
			LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "multiboot bss_end_addr below load_end_addr");
			return false;
		}
		mem_size = bss_end - load_addr;
	}
	if (!range_loadable(cfg, load_addr, MAX(mem_size, 1))) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "multiboot kernel at 0x%" PRIx64 "+0x%" PRIx64
			 " is outside guest RAM", load_addr, mem_size);
		return false;
	}
	plan_add(plan, load_addr, cfg->kernel + file_off, file_size);
	plan_add(plan, load_addr + file_size, NULL, mem_size - file_size);
	plan->kernel_addr = load_addr;
	plan->kernel_end = load_addr + mem_size;
	return true;
}

static bool multiboot_load(const struct x86_boot_config *cfg, struct x86_boot_plan *plan,
			   size_t hoff, GError **errp)
{
	uint32_t flags = ldl_le_p(cfg->kernel + hoff + 4);
	g_autofree uint64_t *maddr = g_new0(uint64_t, cfg->nr_modules + 1);
	g_autofree char *cmdline = NULL;
	GByteArray *aux;
	uint8_t mbi[MBI_SIZE] = { 0 };
	uint64_t entry = 0, mmap_addr, mods_addr = 0, name_addr;
	unsigned nmap = cfg->e820 ? cfg->e820->nr : 0;

	if (flags & 0xfff8) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "multiboot header requires unknown features (flags 0x%x)", flags);
		return false;
	}
	if (flags & 4)
		log_unimp("multiboot: video mode request ignored");
	if (flags & MB_FLAG_AOUT_KLUDGE) {
		if (!multiboot_load_aout(cfg, plan, hoff, &entry, errp))
			return false;
	} else {
		struct elf_info ei;
		bool ok;

		if (!is_elf(cfg->kernel, cfg->kernel_len)) {
			LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "multiboot image is neither ELF nor has the a.out kludge");
			return false;
		}
		if (!elf_parse(cfg->kernel, cfg->kernel_len, &ei, errp))
			return false;
		if (ei.is64 || ei.machine != 3) {
			LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "cannot load x86-64 multiboot image, give a 32-bit one");
			g_free(ei.ph);
			return false;
		}
		ok = elf_load(cfg, plan, &ei, errp);
		entry = ei.entry;
		/* A higher-half kernel whose e_entry is virtual: translate as GRUB does. */
		for (unsigned i = 0; ok && i < ei.phnum; i++) {
			const struct elf_phdr *h = &ei.ph[i];

			if (h->type == 1 && entry >= h->paddr && entry - h->paddr < h->memsz)
				break;
			if (h->type == 1 && entry >= h->vaddr && entry - h->vaddr < h->memsz) {
				entry = entry - h->vaddr + h->paddr;
				break;
			}
		}
		g_free(ei.ph);
		if (!ok)
			return false;
	}
	if (entry < plan->kernel_addr || entry >= plan->kernel_end) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "multiboot entry 0x%" PRIx64 " is outside the kernel", entry);
		return false;
	}
	if (!place_modules_after_kernel(cfg, plan, maddr, errp))
		return false;

	/* QEMU passes "<kernel path> <append>" (hw/i386/multiboot.c). */
	cmdline = g_strdup_printf("%s %s", cfg->kernel_path ? cfg->kernel_path : "",
				  cfg->cmdline ? cfg->cmdline : "");
	if (!add_cmdline(plan, cmdline, X86_BOOT_CMDLINE_MAX, errp))
		return false;

	aux = g_byte_array_new();
	mmap_addr = X86_BOOT_AUX_ADDR;
	for (unsigned i = 0; i < nmap; i++) {
		uint8_t e[24];

		stl_le_p(e, 20);
		stq_le_p(e + 4, cfg->e820->entries[i].addr);
		stq_le_p(e + 12, cfg->e820->entries[i].size);
		stl_le_p(e + 20, cfg->e820->entries[i].type);
		g_byte_array_append(aux, e, sizeof(e));
	}
	name_addr = aux_str(aux, "kemu");
	if (cfg->nr_modules) {
		g_autofree uint64_t *cmd = g_new0(uint64_t, cfg->nr_modules);

		for (unsigned i = 0; i < cfg->nr_modules; i++)
			cmd[i] = aux_str(aux, cfg->modules[i].cmdline ? cfg->modules[i].cmdline : "");
		aux_align(aux, 16);
		mods_addr = X86_BOOT_AUX_ADDR + aux->len;
		for (unsigned i = 0; i < cfg->nr_modules; i++) {
			uint8_t m[16] = { 0 };

			stl_le_p(m, maddr[i]);
			stl_le_p(m + 4, maddr[i] + cfg->modules[i].len);
			stl_le_p(m + 8, cmd[i]);
			g_byte_array_append(aux, m, sizeof(m));
		}
	}
	if (!aux_commit(plan, aux, errp))
		return false;

	stl_le_p(mbi, MBI_FLAG_MEM | MBI_FLAG_BOOTDEV | MBI_FLAG_CMDLINE | MBI_FLAG_MODS |
		 MBI_FLAG_MMAP | MBI_FLAG_LOADER_NAME);
	stl_le_p(mbi + 4, 640);
	stl_le_p(mbi + 8, cfg->ram_below_4g / KiB - 1024);
	stl_le_p(mbi + 12, 0x8000ffff);		/* boot_device: first disk, as QEMU */
	stl_le_p(mbi + 16, X86_BOOT_CMDLINE_ADDR);
	stl_le_p(mbi + 20, cfg->nr_modules);
	stl_le_p(mbi + 24, mods_addr);
	stl_le_p(mbi + 44, nmap * 24);
	stl_le_p(mbi + 48, mmap_addr);
	stl_le_p(mbi + 64, name_addr);
	plan_add(plan, X86_BOOT_INFO_ADDR, mbi, sizeof(mbi));

	plan->kind = X86_BOOT_MULTIBOOT;
	plan->kind_name = "multiboot";
	entry_init(plan, false, entry);
	plan->entry.rax = MB_BOOTLOADER_MAGIC;
	plan->entry.rbx = X86_BOOT_INFO_ADDR;
	return true;
}

/* ------------------------------------------------------------------ */

struct x86_boot_plan *x86_boot_plan_build(const struct x86_boot_config *cfg,
					   GError **errp)
{
	struct x86_boot_plan *plan = g_new0(struct x86_boot_plan, 1);
	const uint8_t *b = cfg->kernel;
	size_t len = cfg->kernel_len;
	int64_t mb;
	bool ok;

	plan->blobs = g_array_new(FALSE, TRUE, sizeof(struct x86_boot_blob));
	if (cfg->ram_below_4g < 2 * MiB) {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "direct boot needs at least 2 MiB of RAM");
		goto fail;
	}
	/* QEMU's order (x86_load_linux): bzImage, multiboot, then PVH. */
	if (len >= HDR_VERSION && ldl_le_p(b + HDR_HEADER) == LINUX_MAGIC) {
		ok = bzimage_load(cfg, plan, errp);
	} else if ((mb = multiboot_find(b, len)) >= 0) {
		ok = multiboot_load(cfg, plan, mb, errp);
	} else if (is_elf(b, len)) {
		struct elf_info ei;
		uint64_t entry;

		ok = elf_parse(b, len, &ei, errp);
		if (ok && !pvh_find_entry(b, &ei, &entry)) {
			LOAD_ERR(errp, X86_LOADER_ERR_INVALID,
				 "ELF image has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) and no multiboot header");
			ok = false;
		} else if (ok) {
			ok = pvh_load(cfg, plan, &ei, entry, errp);
		}
		g_free(ei.ph);
	} else {
		LOAD_ERR(errp, X86_LOADER_ERR_INVALID, "not a bzImage, multiboot or PVH ELF image");
		ok = false;
	}
	if (!ok)
		goto fail;
	g_array_sort(plan->blobs, blob_cmp);
	return plan;
fail:
	x86_boot_plan_free(plan);
	return NULL;
}

void x86_boot_entry_apply(const struct x86_boot_entry *e, CPUX86State *env)
{
	uint32_t code = (0xbu << SEG_TYPE_SHIFT) | SEG_S | SEG_P | SEG_G |
			(e->long_mode ? SEG_L : SEG_DB);
	uint32_t data = (0x3u << SEG_TYPE_SHIFT) | SEG_S | SEG_P | SEG_G | SEG_DB;

	memset(env->regs, 0, sizeof(env->regs));
	env->regs[R_ESI] = e->rsi;
	env->regs[R_EBX] = e->rbx;
	env->regs[R_EAX] = e->rax;
	env->regs[R_ESP] = e->rsp;
	env->rip = e->rip;
	env->rflags = X86_EFLAGS_FIXED;
	for (int i = 0; i < 6; i++) {
		env->segs[i] = (struct segment_cache){
			.selector = i == R_CS ? 0x10 : 0x18, .base = 0,
			.limit = 0xffffffff, .flags = i == R_CS ? code : data,
		};
	}
	env->tr = (struct segment_cache){ .selector = 0x20, .limit = 0x67,
					  .flags = (0xbu << SEG_TYPE_SHIFT) | SEG_P };
	env->gdt.base = e->gdt_base;
	env->gdt.limit = e->gdt_limit;
	env->idt.base = 0;
	env->idt.limit = 0;
	env->cr[0] = e->cr0;
	env->cr[3] = e->cr3;
	env->cr[4] = e->cr4;
	env->efer = e->efer;
	/* Every direct-boot protocol expects the A20 gate open (the board's
	 * port 0x92 / i8042 state must agree). */
	env->a20_mask = ~0ULL;
}

/* ------------------------------------------------------------------ */
/* glue: files */

GPtrArray *x86_boot_split_modules(const char *opt)
{
	GPtrArray *mods = g_ptr_array_new_with_free_func(g_free);
	GString *cur = g_string_new(NULL);

	/* QEMU: modules separated by ',', a literal comma written ",,". */
	for (const char *p = opt; ; p++) {
		if (*p == ',' && p[1] == ',') {
			g_string_append_c(cur, ',');
			p++;
		} else if (*p == ',' || *p == '\0') {
			if (cur->len)
				g_ptr_array_add(mods, g_strdup(cur->str));
			g_string_truncate(cur, 0);
			if (!*p)
				break;
		} else {
			g_string_append_c(cur, *p);
		}
	}
	g_string_free(cur, TRUE);
	return mods;
}

struct x86_boot_plan *x86_boot_load_files(const char *kernel_path,
					  const char *initrd_opt,
					  const char *cmdline,
					  uint64_t ram_below_4g,
					  const struct e820_table *e820,
					  uint64_t rsdp_addr, GError **errp)
{
	g_autofree char *kbuf = NULL;
	gsize klen = 0;
	g_autoptr(GPtrArray) specs = NULL;
	g_autoptr(GPtrArray) bufs = g_ptr_array_new_with_free_func(g_free);
	g_autofree struct x86_boot_module *mods = NULL;
	struct x86_boot_config cfg = {
		.kernel_path = kernel_path, .cmdline = cmdline,
		.ram_below_4g = ram_below_4g, .e820 = e820, .rsdp_addr = rsdp_addr,
	};
	GError *local = NULL;
	bool multiboot;

	if (!g_file_get_contents(kernel_path, &kbuf, &klen, &local)) {
		g_set_error(errp, X86_LOADER_ERROR, X86_LOADER_ERR_IO,
			    "could not load kernel: %s", local->message);
		g_error_free(local);
		return NULL;
	}
	cfg.kernel = (const uint8_t *)kbuf;
	cfg.kernel_len = klen;
	multiboot = !(klen >= HDR_VERSION && ldl_le_p(kbuf + HDR_HEADER) == LINUX_MAGIC) &&
		    multiboot_find(cfg.kernel, klen) >= 0;

	if (initrd_opt && *initrd_opt) {
		if (multiboot) {
			specs = x86_boot_split_modules(initrd_opt);
		} else {
			specs = g_ptr_array_new_with_free_func(g_free);
			g_ptr_array_add(specs, g_strdup(initrd_opt));
		}
		mods = g_new0(struct x86_boot_module, specs->len);
		for (unsigned i = 0; i < specs->len; i++) {
			const char *spec = g_ptr_array_index(specs, i);
			g_autofree char *path = multiboot ? g_strndup(spec, strcspn(spec, " "))
							  : g_strdup(spec);
			char *data;
			gsize dlen;

			if (!g_file_get_contents(path, &data, &dlen, &local)) {
				g_set_error(errp, X86_LOADER_ERROR, X86_LOADER_ERR_IO,
					    "could not load kernel: %s %s", multiboot ? "module" : "initrd",
					    local->message);
				g_error_free(local);
				return NULL;
			}
			g_ptr_array_add(bufs, data);
			mods[i] = (struct x86_boot_module){ (const uint8_t *)data, dlen,
							    multiboot ? spec : NULL };
		}
		cfg.modules = mods;
		cfg.nr_modules = specs->len;
	}
	return x86_boot_plan_build(&cfg, errp);
}

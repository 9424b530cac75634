// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Direct-boot loader: bzImage (boot protocol 2.x), PVH ELF and multiboot v1
 * images built here, checked for the plan they give, and fed truncated and
 * randomly corrupted to make sure hostile files are refused cleanly.
 */
#include "kemu/common.h"
#include "hw/i386/loader.h"
#include "hw/i386/fw-tables.h"
#include "hw/nvram/fw_cfg.h"
#include <unistd.h>

#define RAM (256 * MiB)

static struct e820_table e820;

static struct x86_boot_config base_cfg(const uint8_t *k, size_t len)
{
	return (struct x86_boot_config){
		.kernel = k, .kernel_len = len, .kernel_path = "/boot/kernel",
		.cmdline = "console=ttyS0", .ram_below_4g = RAM, .e820 = &e820,
		.rsdp_addr = 0xe0000,
	};
}

static const struct x86_boot_blob *blob_at(const struct x86_boot_plan *p, uint64_t addr)
{
	for (unsigned i = 0; i < p->blobs->len; i++) {
		const struct x86_boot_blob *b = &g_array_index(p->blobs, struct x86_boot_blob, i);

		if (b->addr == addr)
			return b;
	}
	return NULL;
}

/* ------------------------------------------------------------ bzImage */

struct bz_opts {
	uint16_t version;
	uint16_t xlf;
	uint8_t loadflags;
	uint32_t ksize;
	uint32_t payload_length;
	bool relocatable;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t cmdline_size;
};

static uint8_t *make_bzimage(const struct bz_opts *o, size_t *len)
{
	unsigned setup_sects = 4;
	size_t setup = (setup_sects + 1) * 512;
	uint8_t *b = g_malloc0(setup + o->ksize);

	b[0x1f1] = setup_sects;
	stl_le_p(b + 0x1f4, o->ksize / 16);
	stw_le_p(b + 0x1fe, 0xaa55);
	b[0x200] = 0xeb;
	b[0x201] = 0x66;		/* header ends at 0x268 */
	memcpy(b + 0x202, "HdrS", 4);
	stw_le_p(b + 0x206, o->version);
	b[0x211] = o->loadflags;
	stl_le_p(b + 0x214, 0x100000);
	stl_le_p(b + 0x22c, 0x7fffffff);
	stl_le_p(b + 0x230, 0x200000);
	b[0x234] = o->relocatable;
	stw_le_p(b + 0x236, o->xlf);
	stl_le_p(b + 0x238, o->cmdline_size ? o->cmdline_size : 2048);
	stl_le_p(b + 0x24c, o->payload_length);
	stq_le_p(b + 0x258, o->pref_address);
	stl_le_p(b + 0x260, o->init_size);
	for (uint32_t i = 0; i < o->ksize; i++)
		b[setup + i] = i * 7;
	*len = setup + o->ksize;
	return b;
}

static const struct bz_opts bz64 = {
	.version = 0x20f, .xlf = 1, .loadflags = 1, .ksize = 64 * 1024,
	.payload_length = 60000, .relocatable = true, .pref_address = 0x1000000,
	.init_size = 8 * MiB,
};

static void test_bzimage_64bit_entry_in_long_mode_with_boot_params(void)
{
	size_t len;
	g_autofree uint8_t *k = make_bzimage(&bz64, &len);
	uint8_t initrd[5000];
	struct x86_boot_module mod = { initrd, sizeof(initrd), NULL };
	struct x86_boot_config cfg = base_cfg(k, len);
	struct x86_boot_plan *p;
	const struct x86_boot_blob *bp, *cl;
	GError *err = NULL;

	memset(initrd, 0x5a, sizeof(initrd));
	cfg.modules = &mod;
	cfg.nr_modules = 1;
	p = x86_boot_plan_build(&cfg, &err);
	g_assert_no_error(err);
	g_assert_cmpint(p->kind, ==, X86_BOOT_LINUX64);
	g_assert_cmpuint(p->kernel_addr, ==, 0x1000000);	/* pref_address */
	g_assert_true(p->entry.long_mode);
	g_assert_cmpuint(p->entry.rip, ==, 0x1000200);
	g_assert_cmpuint(p->entry.rsi, ==, X86_BOOT_INFO_ADDR);
	g_assert_cmpuint(p->entry.cr3, ==, X86_BOOT_PML4_ADDR);
	g_assert_true(p->entry.cr0 & CR0_PG);
	g_assert_true(p->entry.efer & EFER_LMA);

	bp = blob_at(p, X86_BOOT_INFO_ADDR);
	g_assert_nonnull(bp);
	g_assert_cmpuint(bp->len, ==, 4096);
	g_assert_cmpmem(bp->data + 0x202, 4, "HdrS", 4);
	g_assert_cmpuint(bp->data[0x210], ==, 0xb0);
	g_assert_cmpuint(ldl_le_p(bp->data + 0x228), ==, X86_BOOT_CMDLINE_ADDR);
	g_assert_cmpuint(bp->data[0x1e8], ==, e820.nr);
	g_assert_cmpuint(ldq_le_p(bp->data + 0x2d0 + 8), ==, e820.entries[0].size);
	g_assert_cmpuint(ldq_le_p(bp->data + 0x70), ==, 0xe0000);
	/* initrd at the top of RAM, page aligned, after the kernel */
	g_assert_cmpuint(ldl_le_p(bp->data + 0x21c), ==, sizeof(initrd));
	g_assert_cmpuint(ldl_le_p(bp->data + 0x218), ==, ALIGN_DOWN(RAM - sizeof(initrd), 4096));
	g_assert_nonnull(blob_at(p, ALIGN_DOWN(RAM - sizeof(initrd), 4096)));

	cl = blob_at(p, X86_BOOT_CMDLINE_ADDR);
	g_assert_cmpstr((const char *)cl->data, ==, "console=ttyS0");
	/* the kernel's protected-mode part is loaded verbatim */
	g_assert_cmpuint(blob_at(p, 0x1000000)->len, ==, 64 * 1024);
	g_assert_cmpuint(blob_at(p, 0x1000000)->data[1], ==, 7);
	/* identity map: PD entry for 2 MiB page 1 */
	g_assert_cmpuint(ldq_le_p(blob_at(p, X86_BOOT_PML4_ADDR)->data + 0x2008), ==, 0x200083);
	x86_boot_plan_free(p);
}

static void test_bzimage_entry_state_applies_to_cpu(void)
{
	size_t len;
	g_autofree uint8_t *k = make_bzimage(&bz64, &len);
	struct x86_boot_config cfg = base_cfg(k, len);
	struct x86_boot_plan *p = x86_boot_plan_build(&cfg, NULL);
	CPUX86State env;

	memset(&env, 0xcc, sizeof(env));
	x86_boot_entry_apply(&p->entry, &env);
	g_assert_cmpuint(env.rip, ==, p->entry.rip);
	g_assert_cmpuint(env.regs[R_ESI], ==, X86_BOOT_INFO_ADDR);
	g_assert_cmpuint(env.regs[R_EBX], ==, 0);
	g_assert_cmpuint(env.segs[R_CS].selector, ==, 0x10);
	g_assert_true(env.segs[R_CS].flags & SEG_L);
	g_assert_false(env.segs[R_CS].flags & SEG_DB);
	g_assert_cmpuint(env.segs[R_DS].selector, ==, 0x18);
	g_assert_cmpuint(env.gdt.base, ==, X86_BOOT_GDT_ADDR);
	g_assert_cmpuint(env.rflags, ==, 2);
	g_assert_cmpuint(env.cr[4] & CR4_PAE, !=, 0);
	x86_boot_plan_free(p);
}

static void test_bzimage_32bit_linux_enters_at_code32_start(void)
{
	struct bz_opts o = bz64;
	size_t len;
	g_autofree uint8_t *k;
	struct x86_boot_plan *p;
	struct x86_boot_config cfg;

	o.xlf = 0;
	o.relocatable = false;
	k = make_bzimage(&o, &len);
	cfg = base_cfg(k, len);
	p = x86_boot_plan_build(&cfg, NULL);
	g_assert_nonnull(p);
	g_assert_cmpint(p->kind, ==, X86_BOOT_LINUX32);
	g_assert_false(p->entry.long_mode);
	g_assert_cmpuint(p->entry.rip, ==, 0x100000);
	g_assert_cmpuint(p->entry.cr0 & CR0_PG, ==, 0);
	x86_boot_plan_free(p);
}

static void test_bzimage_needing_bios_is_detected(void)
{
	/* memdisk / iPXE style: protocol 2.06/2.07, no payload, no 64-bit entry */
	struct bz_opts o = { .version = 0x207, .loadflags = 1, .ksize = 4096 };
	size_t len;
	g_autofree uint8_t *k = make_bzimage(&o, &len);
	g_autofree uint8_t *z = NULL;
	struct x86_boot_config cfg = base_cfg(k, len);
	GError *err = NULL;

	g_assert_null(x86_boot_plan_build(&cfg, &err));
	g_assert_error(err, X86_LOADER_ERROR, X86_LOADER_ERR_NEEDS_FIRMWARE);
	g_assert_true(g_str_has_prefix(err->message, "could not load kernel: "));
	g_clear_error(&err);

	o.loadflags = 0;		/* zImage */
	o.version = 0x20f;
	o.xlf = 1;
	z = make_bzimage(&o, &len);
	cfg = base_cfg(z, len);
	g_assert_null(x86_boot_plan_build(&cfg, &err));
	g_assert_error(err, X86_LOADER_ERROR, X86_LOADER_ERR_NEEDS_FIRMWARE);
	g_clear_error(&err);
}

static void test_bzimage_command_line_limit_and_ram_limit(void)
{
	struct bz_opts o = bz64;
	size_t len;
	g_autofree uint8_t *k;
	struct x86_boot_config cfg;
	GError *err = NULL;

	o.cmdline_size = 8;
	k = make_bzimage(&o, &len);
	cfg = base_cfg(k, len);
	g_assert_null(x86_boot_plan_build(&cfg, &err));
	g_assert_error(err, X86_LOADER_ERROR, X86_LOADER_ERR_INVALID);
	g_assert_nonnull(strstr(err->message, "command line too long"));
	g_clear_error(&err);

	cfg.cmdline = "a=b";
	cfg.ram_below_4g = 4 * MiB;	/* init_size 8 MiB does not fit */
	g_assert_null(x86_boot_plan_build(&cfg, &err));
	g_assert_error(err, X86_LOADER_ERROR, X86_LOADER_ERR_INVALID);
	g_clear_error(&err);
}

static void test_bzimage_initrd_too_big_is_refused(void)
{
	size_t len;
	g_autofree uint8_t *k = make_bzimage(&bz64, &len);
	struct x86_boot_module mod = { k, RAM - 4 * MiB, NULL };	/* data never read */
	struct x86_boot_config cfg = base_cfg(k, len);
	GError *err = NULL;

	cfg.modules = &mod;
	cfg.nr_modules = 1;
	g_assert_null(x86_boot_plan_build(&cfg, &err));
	g_assert_nonnull(strstr(err->message, "initrd"));
	g_clear_error(&err);
}

/* ------------------------------------------------------------ ELF helpers */

struct elf_seg {
	uint32_t type;
	uint64_t paddr, vaddr;
	const uint8_t *data;
	size_t filesz, memsz;
};

static uint8_t *make_elf(bool is64, uint16_t machine, uint64_t entry,
			 const struct elf_seg *segs, unsigned n, size_t *len)
{
	size_t ehsz = is64 ? 64 : 52, phsz = is64 ? 56 : 32;
	size_t off = ehsz + n * phsz, total = off;
	uint8_t *b;

	for (unsigned i = 0; i < n; i++)
		total += segs[i].filesz;
	b = g_malloc0(total);
	memcpy(b, "\x7f" "ELF", 4);
	b[4] = is64 ? 2 : 1;
	b[5] = 1;
	b[6] = 1;
	stw_le_p(b + 16, 2);
	stw_le_p(b + 18, machine);
	if (is64) {
		stq_le_p(b + 24, entry);
		stq_le_p(b + 32, ehsz);
		stw_le_p(b + 54, phsz);
		stw_le_p(b + 56, n);
	} else {
		stl_le_p(b + 24, entry);
		stl_le_p(b + 28, ehsz);
		stw_le_p(b + 42, phsz);
		stw_le_p(b + 44, n);
	}
	for (unsigned i = 0; i < n; i++) {
		uint8_t *p = b + ehsz + i * phsz;

		stl_le_p(p, segs[i].type);
		if (is64) {
			stq_le_p(p + 8, off);
			stq_le_p(p + 16, segs[i].vaddr);
			stq_le_p(p + 24, segs[i].paddr);
			stq_le_p(p + 32, segs[i].filesz);
			stq_le_p(p + 40, segs[i].memsz);
		} else {
			stl_le_p(p + 4, off);
			stl_le_p(p + 8, segs[i].vaddr);
			stl_le_p(p + 12, segs[i].paddr);
			stl_le_p(p + 16, segs[i].filesz);
			stl_le_p(p + 20, segs[i].memsz);
		}
		memcpy(b + off, segs[i].data, segs[i].filesz);
		off += segs[i].filesz;
	}
	*len = total;
	return b;
}

static uint8_t *make_pvh(size_t *len)
{
	static uint8_t code[0x800];
	uint8_t note[24] = { 0 };
	struct elf_seg segs[2];

	memset(code, 0x90, sizeof(code));
	stl_le_p(note, 4);		/* namesz */
	stl_le_p(note + 4, 8);		/* descsz */
	stl_le_p(note + 8, 18);		/* XEN_ELFNOTE_PHYS32_ENTRY */
	memcpy(note + 12, "Xen", 4);
	stq_le_p(note + 16, 0x1000100);
	segs[0] = (struct elf_seg){ 4, 0, 0, note, sizeof(note), sizeof(note) };
	segs[1] = (struct elf_seg){ 1, 0x1000000, 0xffffffff81000000ULL, code, sizeof(code),
				    0x10000 };
	return make_elf(true, 62, 0xffffffff81000000ULL, segs, 2, len);
}

static void test_pvh_elf_enters_32bit_with_start_info(void)
{
	size_t len;
	g_autofree uint8_t *k = make_pvh(&len);
	uint8_t initrd[300] = { 1, 2, 3 };
	struct x86_boot_module mod = { initrd, sizeof(initrd), NULL };
	struct x86_boot_config cfg = base_cfg(k, len);
	struct x86_boot_plan *p;
	const struct x86_boot_blob *si, *aux;
	GError *err = NULL;
	uint64_t memmap, modlist;

	cfg.modules = &mod;
	cfg.nr_modules = 1;
	p = x86_boot_plan_build(&cfg, &err);
	g_assert_no_error(err);
	g_assert_cmpint(p->kind, ==, X86_BOOT_PVH);
	g_assert_false(p->entry.long_mode);
	g_assert_cmpuint(p->entry.rip, ==, 0x1000100);
	g_assert_cmpuint(p->entry.rbx, ==, X86_BOOT_INFO_ADDR);
	si = blob_at(p, X86_BOOT_INFO_ADDR);
	g_assert_cmpuint(ldl_le_p(si->data), ==, 0x336ec578);
	g_assert_cmpuint(ldl_le_p(si->data + 4), ==, 1);
	g_assert_cmpuint(ldl_le_p(si->data + 12), ==, 1);		/* nr_modules */
	g_assert_cmpuint(ldq_le_p(si->data + 24), ==, X86_BOOT_CMDLINE_ADDR);
	g_assert_cmpuint(ldq_le_p(si->data + 32), ==, 0xe0000);	/* rsdp */
	g_assert_cmpuint(ldl_le_p(si->data + 48), ==, e820.nr);
	memmap = ldq_le_p(si->data + 40);
	modlist = ldq_le_p(si->data + 16);
	aux = blob_at(p, X86_BOOT_AUX_ADDR);
	g_assert_cmpuint(memmap, ==, X86_BOOT_AUX_ADDR);
	g_assert_cmpuint(ldl_le_p(aux->data + 16), ==, e820.entries[0].type);
	g_assert_cmpuint(ldq_le_p(aux->data + (modlist - X86_BOOT_AUX_ADDR) + 8), ==, sizeof(initrd));
	/* code, then bss as a zero blob */
	g_assert_cmpuint(blob_at(p, 0x1000000)->len, ==, 0x800);
	g_assert_null(blob_at(p, 0x1000800)->data);
	g_assert_cmpuint(blob_at(p, 0x1000800)->len, ==, 0x10000 - 0x800);
	x86_boot_plan_free(p);
}

static void test_elf_without_pvh_note_is_refused(void)
{
	uint8_t code[16] = { 0 };
	struct elf_seg seg = { 1, 0x100000, 0x100000, code, sizeof(code), sizeof(code) };
	size_t len;
	g_autofree uint8_t *k = make_elf(true, 62, 0x100000, &seg, 1, &len);
	struct x86_boot_config cfg = base_cfg(k, len);
	GError *err = NULL;

	g_assert_null(x86_boot_plan_build(&cfg, &err));
	g_assert_nonnull(strstr(err->message, "PVH"));
	g_clear_error(&err);
}

/* ------------------------------------------------------------ multiboot */

static void put_mb_header(uint8_t *h, uint32_t flags)
{
	stl_le_p(h, 0x1BADB002);
	stl_le_p(h + 4, flags);
	stl_le_p(h + 8, -(0x1BADB002u + flags));
}

static uint8_t *make_multiboot_elf(size_t *len)
{
	static uint8_t code[0x1000];
	struct elf_seg seg = { 1, 0x100000, 0xc0100000, code, sizeof(code), 0x3000 };

	memset(code, 0, sizeof(code));
	put_mb_header(code + 16, 3);
	/* a higher-half kernel: e_entry is virtual */
	return make_elf(false, 3, 0xc0100020, &seg, 1, len);
}

static void test_multiboot_elf_info_modules_and_cmdline(void)
{
	size_t len;
	g_autofree uint8_t *k = make_multiboot_elf(&len);
	uint8_t m1[100], m2[5000];
	struct x86_boot_module mods[2] = {
		{ m1, sizeof(m1), "mod1.bin arg1 arg2" },
		{ m2, sizeof(m2), "mod2.bin" },
	};
	struct x86_boot_config cfg = base_cfg(k, len);
	struct x86_boot_plan *p;
	const struct x86_boot_blob *mbi, *aux;
	GError *err = NULL;
	uint64_t mods_addr, name_addr;

	cfg.modules = mods;
	cfg.nr_modules = 2;
	p = x86_boot_plan_build(&cfg, &err);
	g_assert_no_error(err);
	g_assert_cmpint(p->kind, ==, X86_BOOT_MULTIBOOT);
	g_assert_cmpuint(p->entry.rax, ==, 0x2BADB002);
	g_assert_cmpuint(p->entry.rbx, ==, X86_BOOT_INFO_ADDR);
	g_assert_cmpuint(p->entry.rip, ==, 0x100020);	/* translated to physical */
	g_assert_cmpuint(p->entry.cr0 & CR0_PG, ==, 0);
	mbi = blob_at(p, X86_BOOT_INFO_ADDR);
	g_assert_cmpuint(ldl_le_p(mbi->data) & 0x24f, ==, 0x24f);
	g_assert_cmpuint(ldl_le_p(mbi->data + 4), ==, 640);
	g_assert_cmpuint(ldl_le_p(mbi->data + 8), ==, RAM / KiB - 1024);
	g_assert_cmpuint(ldl_le_p(mbi->data + 20), ==, 2);
	g_assert_cmpuint(ldl_le_p(mbi->data + 44), ==, e820.nr * 24);
	g_assert_cmpstr((const char *)blob_at(p, X86_BOOT_CMDLINE_ADDR)->data, ==,
			"/boot/kernel console=ttyS0");
	aux = blob_at(p, X86_BOOT_AUX_ADDR);
	mods_addr = ldl_le_p(mbi->data + 24) - X86_BOOT_AUX_ADDR;
	name_addr = ldl_le_p(mbi->data + 64) - X86_BOOT_AUX_ADDR;
	g_assert_cmpstr((const char *)aux->data + name_addr, ==, "kemu");
	g_assert_cmpuint(ldl_le_p(aux->data), ==, 20);		/* mmap entry size */
	/* module 1 right after the kernel (0x100000 + 0x3000), page aligned */
	g_assert_cmpuint(ldl_le_p(aux->data + mods_addr), ==, 0x103000);
	g_assert_cmpuint(ldl_le_p(aux->data + mods_addr + 4), ==, 0x103000 + sizeof(m1));
	g_assert_cmpstr((const char *)aux->data + ldl_le_p(aux->data + mods_addr + 8) -
			X86_BOOT_AUX_ADDR, ==, "mod1.bin arg1 arg2");
	g_assert_cmpuint(ldl_le_p(aux->data + mods_addr + 16), ==, 0x104000);
	x86_boot_plan_free(p);
}

static uint8_t *make_multiboot_aout(size_t *len)
{
	uint8_t *b = g_malloc0(0x2000);

	put_mb_header(b + 8, 0x10003);
	stl_le_p(b + 8 + 12, 0x200008);		/* header_addr */
	stl_le_p(b + 8 + 16, 0x200000);		/* load_addr */
	stl_le_p(b + 8 + 20, 0);		/* load_end_addr: whole file */
	stl_le_p(b + 8 + 24, 0x204000);		/* bss_end_addr */
	stl_le_p(b + 8 + 28, 0x200040);		/* entry */
	*len = 0x2000;
	return b;
}

static void test_multiboot_aout_kludge_loads_at_load_addr(void)
{
	size_t len;
	g_autofree uint8_t *k = make_multiboot_aout(&len);
	struct x86_boot_config cfg = base_cfg(k, len);
	struct x86_boot_plan *p = x86_boot_plan_build(&cfg, NULL);

	g_assert_nonnull(p);
	g_assert_cmpuint(p->entry.rip, ==, 0x200040);
	g_assert_cmpuint(blob_at(p, 0x200000)->len, ==, 0x2000);
	g_assert_cmpuint(blob_at(p, 0x202000)->len, ==, 0x2000);	/* bss */
	g_assert_cmpuint(p->kernel_end, ==, 0x204000);
	x86_boot_plan_free(p);
}

static void test_multiboot_x86_64_elf_is_refused(void)
{
	uint8_t code[64] = { 0 };
	struct elf_seg seg = { 1, 0x100000, 0x100000, code, sizeof(code), sizeof(code) };
	size_t len;
	g_autofree uint8_t *k = NULL;
	struct x86_boot_config cfg;
	GError *err = NULL;

	put_mb_header(code, 0);
	k = make_elf(true, 62, 0x100000, &seg, 1, &len);
	cfg = base_cfg(k, len);
	g_assert_null(x86_boot_plan_build(&cfg, &err));
	g_assert_nonnull(strstr(err->message, "32-bit"));
	g_clear_error(&err);
}

static void test_split_modules_like_qemu(void)
{
	g_autoptr(GPtrArray) m = x86_boot_split_modules("a.bin x=1,b,,c.bin,,d");

	g_assert_cmpuint(m->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(m, 0), ==, "a.bin x=1");
	g_assert_cmpstr(g_ptr_array_index(m, 1), ==, "b,c.bin,d");
}

static void test_garbage_is_not_a_kernel(void)
{
	uint8_t junk[4096];
	struct x86_boot_config cfg;
	GError *err = NULL;

	memset(junk, 0x41, sizeof(junk));
	cfg = base_cfg(junk, sizeof(junk));
	g_assert_null(x86_boot_plan_build(&cfg, &err));
	g_assert_cmpstr(err->message, ==,
			"could not load kernel: not a bzImage, multiboot or PVH ELF image");
	g_clear_error(&err);
	cfg.kernel_len = 0;
	g_assert_null(x86_boot_plan_build(&cfg, &err));
	g_clear_error(&err);
}

static void test_load_files_reports_missing_file(void)
{
	GError *err = NULL;

	g_assert_null(x86_boot_load_files("/nonexistent/vmlinuz", NULL, "", RAM, &e820, 0, &err));
	g_assert_error(err, X86_LOADER_ERROR, X86_LOADER_ERR_IO);
	g_assert_true(g_str_has_prefix(err->message, "could not load kernel: "));
	g_clear_error(&err);
}

/* The host's Debian kernel, when there is one: a real bzImage end to end. */
static void test_real_debian_bzimage_if_present(void)
{
	g_autoptr(GDir) d = g_dir_open("/boot", 0, NULL);
	const char *name;
	g_autofree char *path = NULL;
	struct x86_boot_plan *p;
	GError *err = NULL;

	while (d && (name = g_dir_read_name(d)))
		if (g_str_has_prefix(name, "vmlinuz-")) {
			g_free(path);
			path = g_build_filename("/boot", name, NULL);
		}
	if (!path || access(path, R_OK)) {
		g_test_skip("no readable /boot/vmlinuz-* on this host");
		return;
	}
	p = x86_boot_load_files(path, NULL, "console=ttyS0 panic=-1", RAM, &e820, 0xe0000, &err);
	g_assert_no_error(err);
	g_test_message("%s: %s, kernel at 0x%" PRIx64 "-0x%" PRIx64, path, p->kind_name,
		       p->kernel_addr, p->kernel_end);
	g_assert_cmpint(p->kind, ==, X86_BOOT_LINUX64);
	g_assert_cmpuint(p->entry.rip, ==, p->kernel_addr + 0x200);
	g_assert_cmpuint(p->kernel_addr % 0x200000, ==, 0);
	x86_boot_plan_free(p);
}

/* ------------------------------------------------------------ board helpers */

static void test_direct_boot_tables_land_in_the_reserved_bios_area(void)
{
	size_t len;
	g_autofree uint8_t *k = make_bzimage(&bz64, &len);
	struct x86_boot_config cfg = base_cfg(k, len);
	struct x86_boot_plan *p = x86_boot_plan_build(&cfg, NULL);
	struct pc_fw_tables_config fc = { .nr_cpus = 4, .below_4g = RAM, .serial_mask = 3 };
	GError *err = NULL;

	g_assert_true(pc_direct_tables_add(p, &fc, &err));
	g_assert_no_error(err);
	g_assert_cmpmem(blob_at(p, 0xe0000)->data, 8, "RSD PTR ", 8);
	g_assert_cmpmem(blob_at(p, 0xe0040)->data, 4, "FACS", 4);
	g_assert_cmpmem(blob_at(p, 0xf0000)->data, 4, "_MP_", 4);
	g_assert_cmpmem(blob_at(p, 0xf8000)->data, 4, "_SM_", 4);
	for (unsigned i = 1; i < p->blobs->len; i++) {
		const struct x86_boot_blob *a = &g_array_index(p->blobs, struct x86_boot_blob, i - 1);
		const struct x86_boot_blob *b = &g_array_index(p->blobs, struct x86_boot_blob, i);

		g_assert_cmpuint(a->addr + a->len, <=, b->addr);	/* sorted, no overlap */
		if (b->addr >= 0xa0000 && b->addr < 0x100000)
			g_assert_cmpuint(e820_type_at(&e820, b->addr + b->len - 1), ==, E820_RESERVED);
	}
	x86_boot_plan_free(p);

	/* 255 CPUs still fit */
	fc.nr_cpus = 255;
	p = x86_boot_plan_build(&cfg, NULL);
	g_assert_true(pc_direct_tables_add(p, &fc, &err));
	x86_boot_plan_free(p);
}

static void test_fw_cfg_populate_for_firmware_boot(void)
{
	struct fw_cfg_state fw;
	struct pc_fw_tables_config fc = { .nr_cpus = 2, .max_cpus = 4, .below_4g = RAM };
	const struct fw_cfg_entry *e;
	uint8_t b[8];

	fw_cfg_state_init(&fw, true);
	pc_fw_cfg_populate(&fw, &fc, &e820, true);
	fw_cfg_select(&fw, FW_CFG_RAM_SIZE);
	for (int i = 0; i < 8; i++)
		b[i] = fw_cfg_data_read(&fw);
	g_assert_cmpuint(ldq_le_p(b), ==, RAM);
	fw_cfg_select(&fw, FW_CFG_MAX_CPUS);
	g_assert_cmpuint(fw_cfg_data_read(&fw), ==, 4);
	e = fw_cfg_find_file(&fw, "etc/e820", NULL);
	g_assert_cmpuint(e->len, ==, e820.nr * 20);
	g_assert_nonnull(fw_cfg_find_file(&fw, "etc/acpi/tables", NULL));
	g_assert_nonnull(fw_cfg_find_file(&fw, "etc/acpi/rsdp", NULL));
	g_assert_nonnull(fw_cfg_find_file(&fw, "etc/table-loader", NULL));
	g_assert_nonnull(fw_cfg_find_file(&fw, "etc/smbios/smbios-tables", NULL));
	g_assert_nonnull(fw_cfg_find_file(&fw, "etc/smbios/smbios-anchor", NULL));
	fw_cfg_state_destroy(&fw);
}

static uint32_t item32(struct fw_cfg_state *fw, uint16_t key)
{
	uint8_t b[4];

	fw_cfg_select(fw, key);
	for (int i = 0; i < 4; i++)
		b[i] = fw_cfg_data_read(fw);
	return ldl_le_p(b);
}

static void test_fw_cfg_linux_kernel_items_for_the_option_rom(void)
{
	struct bz_opts o = { .version = 0x207, .loadflags = 1, .ksize = 4096 };	/* iPXE-like */
	size_t len;
	g_autofree uint8_t *k = make_bzimage(&o, &len);
	uint8_t initrd[100] = { 0 };
	struct fw_cfg_state fw;
	GError *err = NULL;
	uint32_t setup_size;

	fw_cfg_state_init(&fw, true);
	g_assert_true(pc_fw_cfg_add_linux_kernel(&fw, k, len, initrd, sizeof(initrd), "a b", RAM, &err));
	g_assert_no_error(err);
	setup_size = item32(&fw, FW_CFG_SETUP_SIZE);
	g_assert_cmpuint(setup_size, ==, 5 * 512);
	g_assert_cmpuint(item32(&fw, FW_CFG_SETUP_ADDR), ==, 0x10000);
	g_assert_cmpuint(item32(&fw, FW_CFG_KERNEL_ADDR), ==, 0x100000);
	g_assert_cmpuint(item32(&fw, FW_CFG_KERNEL_SIZE), ==, 4096);
	g_assert_cmpuint(item32(&fw, FW_CFG_CMDLINE_SIZE), ==, 4);
	g_assert_cmpuint(item32(&fw, FW_CFG_INITRD_SIZE), ==, sizeof(initrd));
	g_assert_cmpuint(item32(&fw, FW_CFG_INITRD_ADDR), ==, ALIGN_DOWN(RAM - sizeof(initrd), 4096));
	fw_cfg_select(&fw, FW_CFG_SETUP_DATA);
	for (unsigned i = 0; i < 0x229; i++) {
		uint8_t v = fw_cfg_data_read(&fw);

		if (i == 0x210)
			g_assert_cmpuint(v, ==, 0xb0);
		if (i == 0x228)
			g_assert_cmpuint(v, ==, 0x00);	/* cmd_line_ptr 0x20000, low byte */
	}
	fw_cfg_state_destroy(&fw);

	fw_cfg_state_init(&fw, true);
	g_assert_false(pc_fw_cfg_add_linux_kernel(&fw, k, 0x200, NULL, 0, "", RAM, &err));
	g_clear_error(&err);
	fw_cfg_state_destroy(&fw);
}

/* ------------------------------------------------------------ hostile files */

static unsigned fuzz_ok, fuzz_err;
static void try_build(const uint8_t *k, size_t len, bool with_mods)
{
	uint8_t m[64] = { 0 };
	struct x86_boot_module mods[2] = { { m, sizeof(m), "m1 a" }, { m, 8, NULL } };
	struct x86_boot_config cfg = base_cfg(k, len);
	struct x86_boot_plan *p;
	GError *err = NULL;

	if (with_mods) {
		cfg.modules = mods;
		cfg.nr_modules = 2;
	}
	p = x86_boot_plan_build(&cfg, &err);
	if (p) {
		/* whatever loads must lie in RAM and never over the EBDA/BIOS area */
		for (unsigned i = 0; i < p->blobs->len; i++) {
			const struct x86_boot_blob *b = &g_array_index(p->blobs, struct x86_boot_blob, i);

			g_assert_cmpuint(b->addr + b->len, <=, RAM);
			g_assert_true(b->addr + b->len <= PC_EBDA_START || b->addr >= PC_HIGH_RAM_START);
		}
		g_assert_null(err);
		x86_boot_plan_free(p);
		fuzz_ok++;
	} else {
		g_assert_nonnull(err);
		g_assert_true(g_str_has_prefix(err->message, "could not load kernel: "));
		g_error_free(err);
		fuzz_err++;
	}
}

static void fuzz_image(uint8_t *img, size_t len, unsigned seed)
{
	GRand *r = g_rand_new_with_seed(seed);
	g_autofree uint8_t *copy = g_malloc(len);

	/* every truncation of the header area, then coarse steps */
	for (size_t l = 0; l < len; l += l < 0x400 ? 1 : 61)
		try_build(img, l, l & 1);
	for (unsigned iter = 0; iter < 3000; iter++) {
		unsigned flips = g_rand_int_range(r, 1, 8);

		memcpy(copy, img, len);
		for (unsigned f = 0; f < flips; f++) {
			/* bias towards the headers, where the parser looks */
			size_t at = g_rand_boolean(r) ? g_rand_int_range(r, 0, MIN(len, 0x300))
						      : g_rand_int_range(r, 0, len);
			copy[at] = g_rand_boolean(r) ? g_rand_int(r) : (g_rand_boolean(r) ? 0xff : 0);
		}
		try_build(copy, len, iter & 1);
	}
	g_rand_free(r);
}

static void test_truncated_and_corrupted_images_are_refused_cleanly(void)
{
	size_t len;
	uint8_t *k;

	k = make_bzimage(&bz64, &len);
	fuzz_image(k, len, 1);
	g_free(k);
	k = make_pvh(&len);
	fuzz_image(k, len, 2);
	g_free(k);
	k = make_multiboot_elf(&len);
	fuzz_image(k, len, 3);
	g_free(k);
	k = make_multiboot_aout(&len);
	fuzz_image(k, len, 4);
	g_free(k);
	/* both outcomes must have been exercised */
	g_test_message("fuzz: %u loaded, %u refused", fuzz_ok, fuzz_err);
	g_assert_cmpuint(fuzz_ok, >, 1000);
	g_assert_cmpuint(fuzz_err, >, 1000);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	e820_build_pc(&e820, RAM, 0, true);
	g_test_add_func("/loader/bzimage/64bit", test_bzimage_64bit_entry_in_long_mode_with_boot_params);
	g_test_add_func("/loader/bzimage/entry-apply", test_bzimage_entry_state_applies_to_cpu);
	g_test_add_func("/loader/bzimage/32bit", test_bzimage_32bit_linux_enters_at_code32_start);
	g_test_add_func("/loader/bzimage/needs-bios", test_bzimage_needing_bios_is_detected);
	g_test_add_func("/loader/bzimage/limits", test_bzimage_command_line_limit_and_ram_limit);
	g_test_add_func("/loader/bzimage/initrd-too-big", test_bzimage_initrd_too_big_is_refused);
	g_test_add_func("/loader/pvh/start-info", test_pvh_elf_enters_32bit_with_start_info);
	g_test_add_func("/loader/pvh/no-note", test_elf_without_pvh_note_is_refused);
	g_test_add_func("/loader/multiboot/elf", test_multiboot_elf_info_modules_and_cmdline);
	g_test_add_func("/loader/multiboot/aout", test_multiboot_aout_kludge_loads_at_load_addr);
	g_test_add_func("/loader/multiboot/x86-64", test_multiboot_x86_64_elf_is_refused);
	g_test_add_func("/loader/multiboot/split-modules", test_split_modules_like_qemu);
	g_test_add_func("/loader/garbage", test_garbage_is_not_a_kernel);
	g_test_add_func("/loader/missing-file", test_load_files_reports_missing_file);
	g_test_add_func("/loader/real-bzimage", test_real_debian_bzimage_if_present);
	g_test_add_func("/loader/direct-tables", test_direct_boot_tables_land_in_the_reserved_bios_area);
	g_test_add_func("/loader/fw-cfg-populate", test_fw_cfg_populate_for_firmware_boot);
	g_test_add_func("/loader/fw-cfg-linux-kernel", test_fw_cfg_linux_kernel_items_for_the_option_rom);
	g_test_add_func("/loader/fuzz", test_truncated_and_corrupted_images_are_refused_cleanly);
	return g_test_run();
}

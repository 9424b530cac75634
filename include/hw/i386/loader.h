/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Direct kernel boot: Linux bzImage (boot protocol 2.x), PVH ELF
 * (XEN_ELFNOTE_PHYS32_ENTRY) and multiboot v1 kernels, started without
 * firmware.
 *
 * The loader is a pure function from file contents to a plan: which bytes go
 * to which guest-physical address, and the CPU state the boot vCPU starts
 * in. The board writes the plan and applies the state:
 *
 *	struct x86_boot_config cfg = { .kernel = buf, .kernel_len = len,
 *		.kernel_path = path, .cmdline = append, .e820 = &e820,
 *		.ram_below_4g = below, .rsdp_addr = 0xe0000 };
 *	struct x86_boot_plan *plan = x86_boot_plan_build(&cfg, &err);
 *	for (i = 0; i < plan->blobs->len; i++) write blob i with
 *		address_space_write_rom();          // or x86_boot_plan_write()
 *	x86_boot_entry_apply(&plan->entry, &cpu->env);
 *	x86_boot_plan_free(plan);
 *
 * x86_boot_load_files() reads the -kernel and -initrd files and does the
 * same. Errors are "could not load kernel: <reason>" in X86_LOADER_ERROR;
 * code X86_LOADER_ERR_NEEDS_FIRMWARE means the image is a kernel that needs
 * BIOS services (memdisk, iPXE .lkrn, pre-2.02 or real-mode-only bzImages):
 * the board should fall back to firmware boot (-machine kernel-boot=firmware).
 *
 * Guest memory used by direct boot, all below the EBDA (0x9fc00):
 *	0x00500  GDT (null, null, 0x10 code, 0x18 data, 0x20 TSS) - Linux __BOOT_CS/DS
 *	0x07000  boot_params / hvm_start_info / multiboot info
 *	0x09000  PML4, PDPT, 4 page directories: 0-4 GiB identity, 2 MiB pages
 *	0x10000  memory map copies, module lists
 *	0x20000  command line (up to 64 KiB)
 * Kernels load at their own addresses (>= 1 MiB); the initrd / modules go
 * to the top of RAM below 4 GiB (bzImage: below initrd_addr_max) resp. right
 * after the multiboot kernel, as QEMU does.
 */
#ifndef HW_I386_LOADER_H
#define HW_I386_LOADER_H

#include "kemu/common.h"
#include "hw/i386/e820.h"
#include "target/i386/cpu.h"

#define X86_LOADER_ERROR x86_loader_error_quark()
GQuark x86_loader_error_quark(void);
enum {
	X86_LOADER_ERR_INVALID = 1,	/* not loadable: truncated, corrupt, too big */
	X86_LOADER_ERR_NEEDS_FIRMWARE,	/* a real kernel, but it needs the BIOS */
	X86_LOADER_ERR_IO,		/* could not read a file */
};

enum x86_boot_kind {
	X86_BOOT_LINUX64,	/* bzImage, 64-bit entry at load address + 0x200 */
	X86_BOOT_LINUX32,	/* bzImage, 32-bit protocol entry at code32_start */
	X86_BOOT_PVH,
	X86_BOOT_MULTIBOOT,
};

/* Guest memory layout of direct boot (see above). */
#define X86_BOOT_GDT_ADDR	0x500ULL
#define X86_BOOT_INFO_ADDR	0x7000ULL
#define X86_BOOT_PML4_ADDR	0x9000ULL
#define X86_BOOT_AUX_ADDR	0x10000ULL
#define X86_BOOT_AUX_SIZE	0x10000ULL
#define X86_BOOT_CMDLINE_ADDR	0x20000ULL
#define X86_BOOT_CMDLINE_MAX	0x10000ULL

struct x86_boot_module {
	const uint8_t *data;
	size_t len;
	const char *cmdline;	/* multiboot: "path args"; PVH: may be NULL */
};

struct x86_boot_config {
	const uint8_t *kernel;
	size_t kernel_len;
	const char *kernel_path;	/* multiboot puts it first on the command line */
	const char *cmdline;		/* -append; NULL means "" */
	/* -initrd: one for Linux, any number of multiboot/PVH modules */
	const struct x86_boot_module *modules;
	unsigned nr_modules;
	uint64_t ram_below_4g;		/* RAM ends here below 4 GiB */
	const struct e820_table *e820;	/* the guest's memory map */
	uint64_t rsdp_addr;		/* 0: none (Linux then scans 0xe0000) */
	/* bzImage: use the 32-bit protocol even if the kernel has a 64-bit entry */
	bool linux_32bit_entry;
};

struct x86_boot_blob {
	uint64_t addr;
	uint8_t *data;			/* owned by the plan; NULL: len zero bytes (bss) */
	size_t len;
};

/* What x86_boot_entry_apply() puts into the boot vCPU. */
struct x86_boot_entry {
	bool long_mode;			/* else 32-bit flat protected mode, paging off */
	uint64_t rip;
	uint64_t rsi, rbx, rax;		/* other general registers are zero */
	uint64_t rsp;
	uint64_t cr0, cr3, cr4, efer;
	uint64_t gdt_base;
	uint16_t gdt_limit;
};

struct x86_boot_plan {
	enum x86_boot_kind kind;
	GArray *blobs;			/* struct x86_boot_blob, sorted by addr */
	struct x86_boot_entry entry;
	uint64_t kernel_addr, kernel_end;	/* guest range of the kernel image */
	uint64_t initrd_addr, initrd_size;	/* Linux initrd, or first module */
	const char *kind_name;		/* "bzImage", "PVH ELF", "multiboot" */
};

struct x86_boot_plan *x86_boot_plan_build(const struct x86_boot_config *cfg,
					   GError **errp);
void x86_boot_plan_free(struct x86_boot_plan *plan);
/* Add a copy of data (NULL: zeros) at addr; keeps the blobs sorted. */
void x86_boot_plan_add_blob(struct x86_boot_plan *plan, uint64_t addr, const void *data,
			    size_t len);

/* Set registers, segments (flat, base 0), CR0/3/4, EFER, GDTR of env. */
void x86_boot_entry_apply(const struct x86_boot_entry *e, CPUX86State *env);

/*
 * Glue: read -kernel and -initrd ("file" for Linux; "mod1 args,mod2" for
 * multiboot, ",," escapes a comma as in QEMU) and build the plan.
 */
struct x86_boot_plan *x86_boot_load_files(const char *kernel_path,
					  const char *initrd_opt,
					  const char *cmdline,
					  uint64_t ram_below_4g,
					  const struct e820_table *e820,
					  uint64_t rsdp_addr, GError **errp);
/* Split an -initrd option into module strings ("path args"), QEMU's rules. */
GPtrArray *x86_boot_split_modules(const char *initrd_opt);

struct address_space;
/* Write every blob with address_space_write_rom(). */
bool x86_boot_plan_write(const struct x86_boot_plan *plan, struct address_space *as,
			 GError **errp);

#endif

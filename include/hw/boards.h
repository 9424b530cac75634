/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine: the root of the device tree (/machine) and the one object
 * that holds everything a running VM consists of. Boards (hw/i386/pc.c)
 * subclass it; system/vl.c fills in the configuration from the command line,
 * then calls the board's init, then starts the vCPUs.
 *
 * There is exactly one machine per process; machine_current() returns it.
 * That pointer is the only global in kemu beyond logging.
 */
#ifndef HW_BOARDS_H
#define HW_BOARDS_H

#include "hw/device.h"
#include "system/memory.h"
#include "accel/accel.h"

struct x86_cpu;
struct chardev;

/* one -fw_cfg name=NAME,file=F|string=S, read when the command line is parsed */
struct machine_fw_cfg_file {
	char *name;
	void *data;
	gsize len;
};
void machine_fw_cfg_file_free(gpointer p);

struct machine_state {
	struct object parent;

	/* configuration (command line) */
	uint64_t ram_size;
	unsigned smp_cpus, smp_max_cpus, smp_sockets, smp_cores, smp_threads;
	char *cpu_model;		/* "-cpu" string, features included */
	char *kernel, *initrd, *append;
	char *bios;
	char *name;
	bool no_reboot, no_shutdown;
	enum kernel_irqchip_mode kernel_irqchip;
	bool kernel_irqchip_set;	/* given on the command line */
	char *kernel_boot;		/* "auto", "direct", "firmware" */
	GPtrArray *fw_cfg_files;	/* -fw_cfg: struct machine_fw_cfg_file */
	const struct accel_ops *accel;
	struct chardev *serial_chr[4];	/* -serial, in order; NULL: no port */
	struct chardev *debugcon_chr;	/* -debugcon */
	char *vga;			/* display adapter to create: "std", or NULL for none */
	GPtrArray *drives;		/* struct drive_info *, system/blockdev.c */
	bool drive_snapshot_default;	/* -snapshot */
	/* -boot (system/bootdevice.c; include/system/bootdevice.h) */
	char *boot_order;		/* order=, default "cad" as QEMU's pc */
	char *boot_once;		/* once=: first boot only, NULL if not given */
	bool boot_menu;			/* menu=on */
	bool boot_strict;		/* strict=on */
	int64_t boot_splash_time;	/* splash-time= in ms, -1 if not given */
	int64_t boot_reboot_timeout;	/* reboot-timeout= in ms, -1 (no retry) default */
	GPtrArray *boot_devices;	/* bootindex= entries, system/bootdevice.c */

	/* what the board built */
	struct memory_region sysmem;	/* root of the memory address space */
	struct memory_region iomem;	/* root of the port address space */
	struct memory_region ram;	/* all guest RAM, one memfd */
	struct address_space *as_mem;	/* the CPUs' view of memory */
	struct address_space *as_io;	/* ports */
	struct address_space address_space_memory, address_space_io;	/* their storage */
	struct x86_cpu **cpus;
	uint64_t below_4g_mem_size, above_4g_mem_size;
	void *accel_state;		/* the accelerator's per-VM state */
	void *board;			/* board private state (struct pc_machine) */

	/* GSI sink: the board's router (in-kernel irqchip or kemu's IOAPIC/PIC) */
	void (*set_gsi)(struct machine_state *ms, int gsi, int level);
};

struct machine_class {
	struct object_class parent;
	const char *alias;		/* "pc" for "pc-i440fx-kemu" */
	bool is_default;
	unsigned max_cpus;
	uint64_t default_ram_size;
	bool (*init)(struct machine_state *ms, GError **errp);
	/* after the board and every -device: boot order and the like (may be NULL) */
	bool (*done)(struct machine_state *ms, GError **errp);
	/* device_add of a realized device while the machine exists (may be NULL:
	 * no hotplug); device_del asks the guest to release one */
	bool (*device_plugged)(struct machine_state *ms, struct device *dev, GError **errp);
	bool (*device_unplug_request)(struct machine_state *ms, struct device *dev,
				      GError **errp);
	/* system reset: devices, then CPUs */
	void (*reset)(struct machine_state *ms);
};

#define TYPE_MACHINE "machine"
#define MACHINE(obj) OBJECT_CHECK(struct machine_state, (obj), TYPE_MACHINE)
#define MACHINE_CLASS(k) OBJECT_CLASS_CHECK(struct machine_class, (k), TYPE_MACHINE)
#define MACHINE_GET_CLASS(obj) OBJECT_GET_CLASS_CHECKED(struct machine_class, (obj), TYPE_MACHINE)

/*
 * Create the two empty address spaces (sysmem, iomem) before the
 * accelerator starts listening to them; the board fills them in.
 */
void machine_memory_init(struct machine_state *ms);

struct machine_state *machine_current(void);
void machine_set_current(struct machine_state *ms);

/*
 * A -device or device_add device: under /machine/peripheral/ID, or
 * /machine/peripheral-anon/device[N] without an id. Fails with QEMU's
 * "Duplicate device ID 'x'".
 */
bool machine_add_user_device(struct machine_state *ms, struct device *dev, GError **errp);
/* Attach a board-created device under /machine/unattached or a named path. */
void machine_add_device(struct machine_state *ms, const char *name, struct device *dev);

#endif

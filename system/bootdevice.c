// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Boot order: the bootindex= registry and the "bootorder" fw_cfg file
 * SeaBIOS reads (include/system/bootdevice.h).
 *
 * SeaBIOS (src/boot.c) gives each device it finds a priority by matching
 * its own idea of the device's path against the lines of "bootorder": the
 * line number is the priority; devices on no line come after, in the order
 * of CMOS 0x3d/0x38 (-boot order=). The paths here follow the
 * OpenFirmware-style names QEMU's pc machine uses (see the header).
 */
#include "kemu/common.h"
#include "system/bootdevice.h"
#include "hw/boards.h"
#include "hw/device.h"
#include "hw/pci/pci.h"

struct boot_entry {
	int32_t bootindex;
	struct device *dev;
	char *path;
};

static void boot_entry_free(gpointer p)
{
	struct boot_entry *e = p;

	g_free(e->path);
	g_free(e);
}

static GPtrArray *boot_entries(void)
{
	struct machine_state *ms = machine_current();

	if (!ms)
		return NULL;
	if (!ms->boot_devices)
		ms->boot_devices = g_ptr_array_new_with_free_func(boot_entry_free);
	return ms->boot_devices;
}

void bootdevice_add(int32_t bootindex, struct device *dev, const char *fw_path)
{
	GPtrArray *l = boot_entries();
	struct boot_entry *e;

	if (bootindex < 0 || !l)
		return;
	e = g_new0(struct boot_entry, 1);
	e->bootindex = bootindex;
	e->dev = dev;
	e->path = g_strdup(fw_path);
	g_ptr_array_add(l, e);
}

void bootdevice_remove(struct device *dev)
{
	GPtrArray *l = boot_entries();

	for (guint i = 0; l && i < l->len;) {
		struct boot_entry *e = g_ptr_array_index(l, i);

		if (e->dev == dev)
			g_ptr_array_remove_index(l, i);
		else
			i++;
	}
}

/* OpenFirmware node names by PCI class, as QEMU names them for the pc machine */
static const struct {
	uint16_t class_id;
	const char *name;
} pci_fw_names[] = {
	{ 0x0100, "scsi" }, { 0x0101, "ide" }, { 0x0102, "fdc" }, { 0x0104, "raid" },
	{ 0x0106, "sata" }, { 0x0180, "storage" },
	{ 0x0200, "ethernet" }, { 0x0280, "network" },
	{ 0x0300, "display" }, { 0x0380, "display" },
	{ 0x0401, "sound" }, { 0x0403, "sound" },
	{ 0x0600, "host" }, { 0x0601, "isa" }, { 0x0604, "pci-bridge" },
	{ 0x0c03, "usb" },
};

static char *pci_device_fw_name(struct pci_device *dev)
{
	uint16_t class_id = pci_get_word(dev->config + PCI_CLASS_DEVICE);

	for (size_t i = 0; i < G_N_ELEMENTS(pci_fw_names); i++)
		if (pci_fw_names[i].class_id == class_id)
			return g_strdup(pci_fw_names[i].name);
	return g_strdup_printf("pci%04x,%04x", pci_get_word(dev->config + PCI_VENDOR_ID),
			       pci_get_word(dev->config + PCI_DEVICE_ID));
}

char *pci_device_fw_path(struct pci_device *dev)
{
	g_autofree char *name = pci_device_fw_name(dev);

	int slot = PCI_SLOT(dev->devfn), fn = PCI_FUNC(dev->devfn);

	/* "i0cf8": the host bridge at I/O port 0xcf8; function 0 is omitted */
	return fn ? g_strdup_printf("/pci@i0cf8/%s@%x,%x", name, slot, fn)
		  : g_strdup_printf("/pci@i0cf8/%s@%x", name, slot);
}

static gint boot_entry_cmp(gconstpointer a, gconstpointer b)
{
	const struct boot_entry *x = *(struct boot_entry *const *)a;
	const struct boot_entry *y = *(struct boot_entry *const *)b;

	return x->bootindex < y->bootindex ? -1 : x->bootindex > y->bootindex;
}

bool bootdevice_check(GError **errp)
{
	GPtrArray *l = boot_entries();

	for (guint i = 0; l && i < l->len; i++)
		for (guint j = i + 1; j < l->len; j++) {
			struct boot_entry *a = g_ptr_array_index(l, i);
			struct boot_entry *b = g_ptr_array_index(l, j);

			if (a->bootindex == b->bootindex) {
				g_set_error(errp, KEMU_ERROR, 0,
					    "bootindex %d used by more than one device",
					    a->bootindex);
				return false;
			}
		}
	return true;
}

char *bootdevice_get_bootorder(size_t *len)
{
	GPtrArray *l = boot_entries();
	g_autoptr(GPtrArray) sorted = g_ptr_array_new();
	GString *s = g_string_new(NULL);

	for (guint i = 0; l && i < l->len; i++)
		g_ptr_array_add(sorted, g_ptr_array_index(l, i));
	g_ptr_array_sort(sorted, boot_entry_cmp);
	for (guint i = 0; i < sorted->len; i++) {
		struct boot_entry *e = g_ptr_array_index(sorted, i);

		g_string_append_printf(s, "%s\n", e->path);
	}
	*len = s->len;
	return g_string_free(s, false);
}

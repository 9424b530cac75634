// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The abstract machine type and the process's one machine. See hw/boards.h.
 */
#include "hw/boards.h"

static struct machine_state *current_machine;

struct machine_state *machine_current(void)
{
	return current_machine;
}

void machine_set_current(struct machine_state *ms)
{
	current_machine = ms;
}

static struct object *machine_container(struct machine_state *ms, const char *name)
{
	struct object *parent = object_get_child(OBJECT(ms), name);

	if (!parent) {
		parent = object_new("container");
		object_property_add_child(OBJECT(ms), name, parent);
		object_unref(parent);
	}
	return parent;
}

void machine_add_device(struct machine_state *ms, const char *name, struct device *dev)
{
	struct object *parent = machine_container(ms, "unattached");

	if (name && !object_get_child(parent, name))
		object_property_add_child(parent, name, OBJECT(dev));
	else
		object_property_add_child_auto(parent, "device[*]", OBJECT(dev));
}

bool machine_add_user_device(struct machine_state *ms, struct device *dev, GError **errp)
{
	struct object *parent = machine_container(ms, dev->id ? "peripheral" : "peripheral-anon");

	if (dev->id && object_get_child(parent, dev->id)) {
		g_set_error(errp, KEMU_ERROR, 0, "Duplicate device ID '%s'", dev->id);
		return false;
	}
	if (dev->id)
		object_property_add_child(parent, dev->id, OBJECT(dev));
	else
		object_property_add_child_auto(parent, "device[*]", OBJECT(dev));
	return true;
}

void machine_memory_init(struct machine_state *ms)
{
	memory_region_init_container(&ms->sysmem, OBJECT(ms), "system", UINT64_MAX);
	memory_region_init_container(&ms->iomem, OBJECT(ms), "io", 0x10000);
	address_space_init(&ms->address_space_memory, &ms->sysmem, "memory", false);
	address_space_init(&ms->address_space_io, &ms->iomem, "I/O", true);
	ms->as_mem = &ms->address_space_memory;
	ms->as_io = &ms->address_space_io;
}

void machine_fw_cfg_file_free(gpointer p)
{
	struct machine_fw_cfg_file *f = p;

	g_free(f->name);
	g_free(f->data);
	g_free(f);
}

static void machine_finalize(struct object *obj)
{
	struct machine_state *ms = MACHINE(obj);

	g_free(ms->cpu_model);
	g_free(ms->kernel);
	g_free(ms->initrd);
	g_free(ms->append);
	g_free(ms->bios);
	g_free(ms->name);
	g_free(ms->kernel_boot);
	if (ms->fw_cfg_files)
		g_ptr_array_unref(ms->fw_cfg_files);
	g_free(ms->vga);
	g_free(ms->cpus);
}

static void register_machine_type(void)
{
	static const struct type_info info = {
		.name = TYPE_MACHINE,
		.parent = TYPE_OBJECT,
		.instance_size = sizeof(struct machine_state),
		.class_size = sizeof(struct machine_class),
		.abstract = true,
		.instance_finalize = machine_finalize,
	};
	type_register(&info);
}
type_init(register_machine_type)

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QMP balloon and query-balloon (QEMU 7.2's qapi/machine.json): the guest's
 * memory size in bytes, through virtio-balloon-pci
 * (include/hw/virtio/virtio-balloon.h). QEMU's errors: DeviceNotActive
 * without a balloon, "Parameter 'target' expects a size" for value <= 0.
 */
#include "kemu/common.h"
#include "monitor/monitor-internal.h"
#include "hw/virtio/virtio-balloon.h"

#define NO_BALLOON "No balloon device has been activated"

bool qmp_cmd_balloon(struct monitor *mon, JsonObject *args, JsonNode **ret, GError **errp)
{
	int64_t value = qmp_arg_int(args, "value", 0);

	if (value <= 0) {
		g_propagate_error(errp, qmp_error_new(QMP_ERROR_GENERIC,
						      "Parameter 'target' expects a size"));
		return false;
	}
	if (!virtio_balloon_set_target(value)) {
		g_propagate_error(errp, qmp_error_new(QMP_ERROR_DEVICE_NOT_ACTIVE, NO_BALLOON));
		return false;
	}
	*ret = NULL;
	return true;
}

bool qmp_cmd_query_balloon(struct monitor *mon, JsonObject *args, JsonNode **ret,
			   GError **errp)
{
	uint64_t actual;
	JsonObject *o;

	if (!virtio_balloon_get_actual(&actual)) {
		g_propagate_error(errp, qmp_error_new(QMP_ERROR_DEVICE_NOT_ACTIVE, NO_BALLOON));
		return false;
	}
	o = json_object_new();
	json_object_set_int_member(o, "actual", actual);
	*ret = jnode_object(o);
	return true;
}

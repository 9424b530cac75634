// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Object model: registry, inheritance, checked casts, reference counting,
 * the composition tree, static properties, -device/-global parsing.
 */
#include "hw/device.h"

struct animal {
	struct device parent;
	uint32_t legs;
	bool tame;
	char *name;
	uint64_t weight;
	int finalized;
};

struct dog {
	struct animal parent;
	uint8_t bark;
};

static int animals_finalized;

static void animal_finalize(struct object *obj)
{
	animals_finalized++;
}

static const struct property animal_props[] = {
	PROP_U32("legs", struct animal, legs, 4),
	PROP_BOOL("tame", struct animal, tame, false),
	PROP_STRING("name", struct animal, name, "rex"),
	PROP_SIZE("weight", struct animal, weight, 0),
	PROP_END
};

DEFINE_DEVICE_TYPE(animal, "test-animal", TYPE_DEVICE, struct animal,
		   .props = animal_props, .instance_finalize = animal_finalize,
		   .desc = "an animal");

static const struct property dog_props[] = {
	PROP_U8("bark", struct dog, bark, 3),
	PROP_END
};

DEFINE_DEVICE_TYPE(dog, "test-dog", "test-animal", struct dog, .props = dog_props);

static void test_qom_defaults_and_inheritance(void)
{
	struct object *obj = object_new("test-dog");
	struct dog *d = OBJECT_CHECK(struct dog, obj, "test-dog");

	g_assert_cmpuint(d->parent.legs, ==, 4);
	g_assert_cmpstr(d->parent.name, ==, "rex");
	g_assert_cmpuint(d->bark, ==, 3);
	g_assert_nonnull(object_dynamic_cast(obj, "test-animal"));
	g_assert_nonnull(object_dynamic_cast(obj, TYPE_DEVICE));
	g_assert_null(object_dynamic_cast(obj, "container"));
	object_unref(obj);
}

static void test_qom_refcount_finalizes_once(void)
{
	struct object *obj = object_new("test-animal");
	int before = animals_finalized;

	object_ref(obj);
	object_unref(obj);
	g_assert_cmpint(animals_finalized, ==, before);
	object_unref(obj);
	g_assert_cmpint(animals_finalized, ==, before + 1);
}

static void test_qom_tree_paths(void)
{
	struct object *root = object_get_root();
	struct object *machine = object_new("container");
	struct object *a = object_new("test-animal");
	g_autofree char *path = NULL;

	object_property_add_child(root, "machine-test", machine);
	object_unref(machine);
	g_assert_cmpstr(object_property_add_child_auto(machine, "device[*]", a), ==, "device[0]");
	object_unref(a);
	path = object_get_canonical_path(a);
	g_assert_cmpstr(path, ==, "/machine-test/device[0]");
	g_assert_true(object_resolve_path("/machine-test/device[0]") == a);
	g_assert_null(object_resolve_path("/machine-test/nothing"));
	object_unparent(machine);
}

static void test_qom_property_parse_checks_range_and_type(void)
{
	struct object *obj = object_new("test-dog");
	GError *err = NULL;
	g_autofree char *s = NULL;

	g_assert_true(object_property_parse(obj, "legs", "0x10", &err));
	g_assert_cmpint(object_property_get_int(obj, "legs", NULL), ==, 16);
	g_assert_false(object_property_parse(obj, "bark", "256", &err));
	g_assert_nonnull(strstr(err->message, "between 0 and 255"));
	g_clear_error(&err);
	g_assert_false(object_property_parse(obj, "legs", "many", &err));
	g_assert_cmpstr(err->message, ==, "Parameter 'legs' expects a number");
	g_clear_error(&err);
	g_assert_false(object_property_parse(obj, "tame", "maybe", &err));
	g_clear_error(&err);
	g_assert_false(object_property_parse(obj, "wings", "2", &err));
	g_assert_cmpstr(err->message, ==, "Property 'test-dog.wings' not found");
	g_clear_error(&err);
	g_assert_true(object_property_parse(obj, "weight", "1G", &err));
	s = object_property_print(obj, "weight", NULL);
	g_assert_cmpstr(s, ==, "1073741824");
	object_unref(obj);
}

static void test_qom_device_opts_and_globals(void)
{
	GError *err = NULL;
	struct device *dev;

	g_assert_true(device_global_add("test-animal.legs=3", &err));
	dev = device_new_from_opts("test-dog,bark=7,id=fido,name=a,,b", &err);
	g_assert_no_error(err);
	g_assert_cmpuint(((struct dog *)dev)->bark, ==, 7);
	g_assert_cmpuint(((struct animal *)dev)->legs, ==, 3);
	g_assert_cmpstr(((struct animal *)dev)->name, ==, "a,b");
	g_assert_cmpstr(dev->id, ==, "fido");
	object_unref(OBJECT(dev));

	g_assert_null(device_new_from_opts("no-such-device", &err));
	g_assert_nonnull(strstr(err->message, "'no-such-device' is not a valid device model name"));
	g_clear_error(&err);
	g_assert_null(device_new_from_opts("test-dog,color=red", &err));
	g_assert_nonnull(strstr(err->message, "color"));
	g_clear_error(&err);
	g_assert_false(device_global_add("nodot", &err));
	g_clear_error(&err);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/qom/defaults_and_inheritance", test_qom_defaults_and_inheritance);
	g_test_add_func("/qom/refcount_finalizes_once", test_qom_refcount_finalizes_once);
	g_test_add_func("/qom/tree_paths", test_qom_tree_paths);
	g_test_add_func("/qom/property_parse_checks_range_and_type",
			test_qom_property_parse_checks_range_and_type);
	g_test_add_func("/qom/device_opts_and_globals", test_qom_device_opts_and_globals);
	return g_test_run();
}

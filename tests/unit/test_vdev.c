/*
 * test_vdev.c - virtual device names to Xen numbers and back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/snap.h"
#include "core/vdev.h"

static void
roundtrip(const char *name, uint32_t want)
{
	struct xdom_err err = { 0 };
	uint32_t dev = 0;
	char back[16];

	assert_int_equal(vdev_parse(name, &dev, &err), 0);
	assert_int_equal(dev, want);
	snap_vbd_name(dev, back, sizeof back);
	assert_string_equal(back, name);
}

static void
test_names(void **state)
{
	(void)state;
	roundtrip("xvda", 51712);
	roundtrip("xvdb", 51728);
	roundtrip("xvdp", 51712 + 15 * 16);
	roundtrip("xvdq", 1u << 28 | 16u << 8);
	roundtrip("xvdz", 1u << 28 | 25u << 8);
	roundtrip("xvdaa", 1u << 28 | 26u << 8);
	roundtrip("xvdzz", 1u << 28 | 701u << 8);
}

static void
test_bad(void **state)
{
	static const char *const bad[] = {
		"", "xvd", "xvdA", "xvda1", "hda", "sdb", "xvdaaa", "xvd-",
		"../xvdb", "xvdb ", " xvdb", "XVDB", "xvd\x1b",
	};
	struct xdom_err err = { 0 };
	uint32_t dev = 7;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(vdev_parse(bad[i], &dev, &err), XDOM_EINVAL);
		assert_non_null(strstr(err.msg, "not a virtual device"));
		assert_null(strchr(err.msg, '\x1b'));
	}
	assert_int_equal(vdev_parse(NULL, &dev, &err), XDOM_EINVAL);
	assert_int_equal(dev, 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

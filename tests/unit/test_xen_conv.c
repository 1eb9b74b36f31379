/*
 * test_xen_conv.c - the Xen backend's pure conversions (state bits,
 * memory, config names, disk and vif specs), and the
 * one-line refusal of the xen backend on a machine that is not dom0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/escape.h"
#include "core/snap.h"
#include "hypervisor/hv.h"
#include "hypervisor/xen/xen_conv.h"

static void
test_flags(void **state)
{
	struct xen_conv_state none = { 0 }, run = { .running = 1 };
	struct xen_conv_state all = { 1, 1, 1, 1, 1, 1 };
	struct xen_conv_state odd = { .blocked = 7, .paused = 2 };
	char buf[SNAP_STATE_LEN + 1];

	(void)state;
	assert_int_equal(xen_conv_flags(&none), 0);
	assert_int_equal(xen_conv_flags(&run), SNAP_F_RUNNING);
	assert_int_equal(xen_conv_flags(&odd), SNAP_F_BLOCKED | SNAP_F_PAUSED);
	snap_state_str(xen_conv_flags(&all), buf);
	assert_string_equal(buf, "dsbcpr");
	snap_state_str(xen_conv_flags(&odd), buf);
	assert_string_equal(buf, "--b-p-");
}

static void
test_memory(void **state)
{
	(void)state;
	assert_int_equal(xen_conv_mem_kb(134217728ull), 131072);
	assert_int_equal(xen_conv_mem_kb(1023), 0);
	assert_true(xen_conv_maxmem_kb(UINT64_MAX) == SNAP_MEM_UNLIMITED);
	assert_int_equal(xen_conv_maxmem_kb(1073741824ull), 1048576);
	assert_int_equal(xen_conv_mhz(2394999000ull), 2395);
	assert_int_equal(xen_conv_mhz(0), 0);
}

static void
test_mac(void **state)
{
	const uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0xab, 0x0c, 0xff };
	char buf[18];

	(void)state;
	xen_conv_mac(mac, buf, sizeof buf);
	assert_string_equal(buf, "00:16:3e:ab:0c:ff");
}

static void
test_cfg_name(void **state)
{
	char out[XDOM_NAME_MAX + 1] = "unchanged";

	(void)state;
	assert_true(xen_conv_cfg_name("web01.cfg", out, sizeof out));
	assert_string_equal(out, "web01");
	assert_true(xen_conv_cfg_name("a.b-c_d.cfg", out, sizeof out));
	assert_string_equal(out, "a.b-c_d");
	assert_false(xen_conv_cfg_name(".cfg", out, sizeof out));
	assert_false(xen_conv_cfg_name(".hidden.cfg", out, sizeof out));
	assert_false(xen_conv_cfg_name("-x.cfg", out, sizeof out));
	assert_false(xen_conv_cfg_name("web01.cfg~", out, sizeof out));
	assert_false(xen_conv_cfg_name("web01.cfg.bak", out, sizeof out));
	assert_false(xen_conv_cfg_name("xl.conf", out, sizeof out));
	assert_false(xen_conv_cfg_name("we b.cfg", out, sizeof out));
	assert_false(xen_conv_cfg_name("web\x1b[2J.cfg", out, sizeof out));
	assert_string_equal(out, "a.b-c_d");
}

static void
test_disk(void **state)
{
	struct hv_disk d;

	(void)state;
	assert_true(xen_conv_disk("format=raw, vdev=xvda, access=rw, "
	    "script=/etc/xen/scripts/block-x, target=/tmp/disk,1.img", &d));
	assert_string_equal(d.vdev, "xvda");
	assert_string_equal(d.target, "/tmp/disk,1.img");
	assert_true(d.writable);
	assert_true(xen_conv_disk("phy:/dev/vg/web01,xvdb,r", &d));
	assert_string_equal(d.target, "/dev/vg/web01");
	assert_string_equal(d.vdev, "xvdb");
	assert_false(d.writable);
	assert_true(xen_conv_disk("/srv/a.img,raw,xvdc,rw", &d));
	assert_string_equal(d.target, "/srv/a.img");
	assert_string_equal(d.vdev, "xvdc");
	assert_true(d.writable);
	assert_true(xen_conv_disk("tap:aio:/srv/b.img,xvdd,w", &d));
	assert_string_equal(d.target, "/srv/b.img");
	assert_false(xen_conv_disk("vdev=xvda, access=rw", &d));
	assert_false(xen_conv_disk("", &d));
	/* a trailing comma ends the list; an empty item still counts */
	assert_true(xen_conv_disk(" /srv/c.img , xvde , r ,", &d));
	assert_string_equal(d.target, "/srv/c.img");
	assert_string_equal(d.vdev, "xvde");
	assert_false(d.writable);
	assert_false(xen_conv_disk("/srv/c.img,,xvde", &d));
	assert_false(xen_conv_disk(",", &d));
}

static void
test_vif(void **state)
{
	struct hv_nic n;

	(void)state;
	xen_conv_vif("mac=00:16:3e:00:00:01, bridge=xenbr0, script=vif-x, "
	    "ip=10.0.0.2", &n);
	assert_string_equal(n.mac, "00:16:3e:00:00:01");
	assert_string_equal(n.bridge, "xenbr0");
	assert_string_equal(n.ip, "10.0.0.2");
	xen_conv_vif("bridge=br1,macaddr=zz", &n);
	assert_string_equal(n.mac, "");
	assert_string_equal(n.bridge, "br1");
	xen_conv_vif(",,ip=10.0.0.9,", &n);
	assert_string_equal(n.ip, "10.0.0.9");
	assert_string_equal(n.bridge, "");
}

/* On a machine without a usable Xen, asking for it is one clear line that
 * points at --sim (both with and without Xen support built in). */
static void
test_open_unavailable(void **state)
{
	struct hv_open_opts o = { .backend = "xen" };
	struct xdom_err err = { 0 };
	struct hv *hv = NULL;

	(void)state;
	if (access("/dev/xen/privcmd", F_OK) == 0 ||
	    access("/proc/xen/privcmd", F_OK) == 0) {
		skip();
		return;
	}
	assert_int_equal(hv_open(&hv, &o, &err), XDOM_EUNAVAIL);
	assert_null(hv);
	assert_non_null(strstr(err.msg, "--sim"));
	assert_null(strchr(err.msg, '\n'));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_cfg_name),
		cmocka_unit_test(test_disk),
		cmocka_unit_test(test_vif),
		cmocka_unit_test(test_open_unavailable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_config_container.c - [container NAME]: every key and its default,
 * every error with its line (unknown pool, overlapping id ranges, a
 * missing image or hash); the canonical text; the auto id range picker;
 * cpu = fraction as cpu.max; io.max lines; the seccomp lists and the
 * capability set build. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "config.h"
#include "config_container.h"
#include "config_kind.h"
#include "config_test_helpers.h"
#include "ct.h"

#define expect_err(text, msg) expect_err_as((text), (msg), 0)
#define SHA "6036ee0c4a97ea02101bcba223f768cb5b7f0d2daa420c8ecf0efb182bad6abd"
#define HEAD "[container c]\nimage = /i.sqfs\nsha256 = " SHA "\n"

static void test_defaults(void **state)
{
	struct cairn_config *c;
	const struct cairn_container *ct;
	const struct cairn_service *s;

	(void)state;
	c = parse_ok(HEAD "exec = /bin/app -x\n"
		     "[container sys]\ntype = system\nimage = deb.sqfs\nsha256 = " SHA "\n");
	s = &c->services[0];
	ct = s->ct;
	assert_int_equal(s->kind, CAIRN_KIND_CONTAINER);
	assert_int_equal(ct->type, CAIRN_CT_APP);
	assert_string_equal(ct->image, "/i.sqfs");
	assert_string_equal(ct->sha256, SHA);
	assert_false(ct->persistent);
	assert_int_equal(ct->halt_signal, SIGTERM);
	assert_int_equal(ct->idmap, CAIRN_IDMAP_AUTO);
	assert_int_equal(ct->net, CAIRN_CT_NET_NONE);
	assert_string_equal(ct->hostname, "c");
	assert_int_equal(ct->uid, 0);
	assert_int_equal(ct->memory, 0);
	assert_int_equal(ct->cpu_milli, 0);
	assert_string_equal(s->argv[0], "/bin/app");
	s = &c->services[1];
	ct = s->ct;
	assert_int_equal(ct->type, CAIRN_CT_SYSTEM);
	assert_string_equal(ct->image, "/var/lib/cairn/images/deb.sqfs");
	assert_true(ct->persistent);
	assert_int_equal(ct->halt_signal, SIGRTMIN + 3);
	assert_string_equal(s->argv[0], "/sbin/init");
	assert_null(s->argv[1]);
	cairn_config_free(c);
}

static void test_values(void **state)
{
	struct cairn_config *c;
	const struct cairn_container *ct;

	(void)state;
	c = parse_ok("[pool data]\nsource = /srv\nfs = dir\n"
		     "[network lan]\naddress = 10.0.3.1/24\n"
		     HEAD "exec = /bin/app\ntype = app\nstorage = data\npersistent = yes\n"
		     "idmap = 1000000\nnetwork = bridge:lan\nhostname = web-1\nhalt_signal = SIGRTMIN+4\n"
		     "user = 101:102\nmemory = 256M\nmemory_swap = 0\ncpu = 0.5\ncpuset = 0-1,3\n"
		     "pids = 200\nio = 500\nio = 8:0 rbps=1M wiops=100\n"
		     "volume = data/web:/srv/www:ro\nvolume = data/logs:/var/log\n"
		     "restart = always\nafter = other\n[service other]\nexec = /bin/true\n");
	ct = c->services[0].ct;
	assert_string_equal(ct->storage, "data");
	assert_true(ct->persistent);
	assert_int_equal(ct->idmap, 1000000);
	assert_int_equal(ct->net, CAIRN_CT_NET_BRIDGE);
	assert_string_equal(ct->bridge, "lan");
	assert_string_equal(ct->hostname, "web-1");
	assert_int_equal(ct->halt_signal, SIGRTMIN + 4);
	assert_int_equal(ct->uid, 101);
	assert_int_equal(ct->gid, 102);
	assert_int_equal(ct->memory, 256u << 20);
	assert_true(ct->memory_swap_set);
	assert_int_equal(ct->memory_swap, 0);
	assert_int_equal(ct->cpu_milli, 500);
	assert_string_equal(ct->cpuset, "0-1,3");
	assert_int_equal(ct->pids, 200);
	assert_int_equal(ct->n_io, 2);
	assert_int_equal(ct->io[0].weight, 500);
	assert_null(ct->io[0].dev);
	assert_string_equal(ct->io[1].dev, "8:0");
	assert_int_equal(ct->io[1].rbps, 1u << 20);
	assert_int_equal(ct->io[1].wiops, 100);
	assert_int_equal(ct->n_volumes, 2);
	assert_string_equal(ct->volumes[0].pool, "data");
	assert_string_equal(ct->volumes[0].path, "web");
	assert_string_equal(ct->volumes[0].target, "/srv/www");
	assert_true(ct->volumes[0].ro);
	assert_false(ct->volumes[1].ro);
	assert_int_equal(c->services[0].restart, CAIRN_RESTART_ALWAYS);
	/* the canonical text carries the kind's keys: a change is a change */
	assert_non_null(strstr(c->services[0].canon, "volume = data/web:/srv/www:ro\n"));
	assert_non_null(strstr(c->services[0].canon, "cpu = 500\n"));
	cairn_config_free(c);
}

static void test_dup(void **state)
{
	struct cairn_config *c;
	struct cairn_container *d;

	(void)state;
	c = parse_ok("[pool p]\nsource = /srv\nfs = dir\n" HEAD
		     "exec = /a\nvolume = p/x:/x\nio = 8:0 rbps=1\ncpuset = 1\n");
	d = cairn_container_dup(c->services[0].ct);
	assert_non_null(d);
	assert_string_equal(d->volumes[0].target, "/x");
	assert_string_equal(d->io[0].dev, "8:0");
	assert_ptr_not_equal(d->image, c->services[0].ct->image);
	cairn_container_free(d);
	cairn_config_free(c);
}

static void test_bridge_address(void **state)
{
	struct cairn_config *c;
	const struct cairn_container *ct;

	(void)state;
	c = parse_ok("[network br0]\naddress = 10.0.3.1/24\n"
		     HEAD "exec = /a\nnetwork = bridge:br0\naddress = 10.0.3.10/24\n"
		     "[container d]\nimage = /i.sqfs\nsha256 = " SHA "\nexec = /a\n"
		     "network = bridge:br0\naddress = 10.0.3.11/24\ngateway = 10.0.3.254\n"
		     "[container e]\nimage = /i.sqfs\nsha256 = " SHA "\nexec = /a\n"
		     "network = bridge:br0\naddress = dhcp\n");
	ct = cairn_config_service(c, "c")->ct;
	assert_string_equal(ct->address, "10.0.3.10/24");
	assert_string_equal(ct->gateway, "10.0.3.1");        /* the bridge's address */
	ct = cairn_config_service(c, "d")->ct;
	assert_string_equal(ct->gateway, "10.0.3.254");
	ct = cairn_config_service(c, "e")->ct;
	assert_null(ct->address);
	assert_null(ct->gateway);
	assert_non_null(strstr(cairn_config_service(c, "c")->canon, "address = 10.0.3.10/24\ngateway = 10.0.3.1\n"));
	cairn_config_free(c);
	expect_err(HEAD "exec = /a\naddress = 10.0.3.10/24\n",
		   "t.conf:5: [container c]: address and gateway need network = bridge:NAME");
	expect_err("[network br0]\n" HEAD "exec = /a\nnetwork = bridge:br0\naddress = 10.0.3.10\n",
		   "t.conf:7: bad address '10.0.3.10': an IPv4 address with its prefix length (10.0.3.10/24), or dhcp");
}

static void test_errors(void **state)
{
	(void)state;
	expect_err("[container c]\nexec = /a\n",
		   "t.conf:1: [container c] has no image (image = PATH of a squashfs or erofs file)");
	expect_err("[container c]\nimage = /i\nexec = /a\n",
		   "t.conf:2: [container c]: image without sha256 = HEX (the image is pinned by its hash; `cairnctl image import FILE` prints it)");
	expect_err(HEAD, "t.conf:1: [container c] is type = app and has no exec (the program inside its root)");
	expect_err(HEAD "exec = app\n",
		   "t.conf:4: [container c]: exec must name the program by its absolute path inside the container");
	expect_err(HEAD "exec = /a\nstorage = nope\n",
		   "t.conf:5: [container c]: storage = nope: no [pool nope] in this config");
	expect_err(HEAD "exec = /a\nvolume = gone/d:/d\n",
		   "t.conf:5: [container c]: volume from unknown pool 'gone' (no [pool gone] in this config)");
	expect_err(HEAD "exec = /a\nnetwork = bridge:br0\n",
		   "t.conf:5: [container c]: network = bridge:br0: no [network br0] in this config");
	expect_err(HEAD "exec = /a\nidmap = 131072\n"
		   "[container d]\nimage = /i\nsha256 = " SHA "\nexec = /a\nidmap = 150000\n",
		   "t.conf:10: [container d]: idmap 150000-215535 overlaps [container c] (line 5, idmap 131072-196607)");
	expect_err(HEAD "exec = /a\nmemory_swap = 1G\n", "t.conf:1: [container c]: memory_swap needs memory as well");
	expect_err(HEAD "sha256 = xyz\n", "t.conf:4: bad sha256 'xyz': 64 hex digits");
	expect_err(HEAD "type = vm\n", "t.conf:4: bad type 'vm': app or system");
	expect_err(HEAD "image = ../x\n", "t.conf:4: bad image '../x': an absolute path, or a file name in /var/lib/cairn/images");
	expect_err(HEAD "idmap = 5\n", "t.conf:4: bad idmap '5': auto, or the first host id of the range (65536 to 4294901760)");
	expect_err(HEAD "network = bridge\n", "t.conf:4: bad network 'bridge': none, host or bridge:NAME");
	expect_err(HEAD "user = www\n", "t.conf:4: bad user 'www': UID or UID:GID inside the container (0 to 65535)");
	expect_err(HEAD "user = 70000\n", "t.conf:4: bad user '70000': UID or UID:GID inside the container (0 to 65535)");
	expect_err(HEAD "group = x\n", "t.conf:4: a container's group is set with user = UID:GID");
	expect_err(HEAD "stop_signal = TERM\n", "t.conf:4: a container stops with halt_signal, not stop_signal");
	expect_err(HEAD "halt_signal = SIGNOPE\n",
		   "t.conf:4: bad halt_signal 'SIGNOPE': a signal name (SIGTERM, SIGRTMIN+3) or number");
	expect_err(HEAD "memory = 10K\n",
		   "t.conf:4: bad memory '10K': a size such as 65536, 512K, 1M or 1G (powers of 1024), at least 1M");
	expect_err(HEAD "cpu = 0.0001\n", "t.conf:4: bad cpu '0.0001': a fraction of CPUs, 0.001 to 1024 (0.5 is half a CPU)");
	expect_err(HEAD "cpu = 0\n", "t.conf:4: bad cpu '0': a fraction of CPUs, 0.001 to 1024 (0.5 is half a CPU)");
	expect_err(HEAD "cpu = 1.\n", "t.conf:4: bad cpu '1.': a fraction of CPUs, 0.001 to 1024 (0.5 is half a CPU)");
	expect_err(HEAD "cpuset = 0-\n", "t.conf:4: bad cpuset '0-': CPU numbers and ranges, such as 0-1,3");
	expect_err(HEAD "pids = 0\n", "t.conf:4: bad pids '0': 1 to 4194304");
	expect_err(HEAD "io = 0\n", "t.conf:4: bad io weight '0': 1 to 10000");
	expect_err(HEAD "io = sda rbps=1\n",
		   "t.conf:4: bad io 'sda rbps=1': WEIGHT or MAJOR:MINOR rbps=N wbps=N riops=N wiops=N");
	expect_err(HEAD "io = 8:0\n", "t.conf:4: io '8:0' sets no limit (rbps=, wbps=, riops=, wiops=)");
	expect_err(HEAD "io = 8:0 xbps=1\n", "t.conf:4: bad io limit 'xbps=1': rbps=, wbps=, riops= or wiops=");
	expect_err(HEAD "volume = p/../etc:/x\n",
		   "t.conf:4: bad volume 'p/../etc:/x': POOL/PATH:/target or POOL/PATH:/target:ro (no '..', target not /)");
	expect_err(HEAD "volume = p/x:/\n",
		   "t.conf:4: bad volume 'p/x:/': POOL/PATH:/target or POOL/PATH:/target:ro (no '..', target not /)");
	expect_err(HEAD "volume = p/x:/a/../b\n",
		   "t.conf:4: bad volume 'p/x:/a/../b': POOL/PATH:/target or POOL/PATH:/target:ro (no '..', target not /)");
	expect_err(HEAD "volume = p/x:/y:rx\n",
		   "t.conf:4: bad volume 'p/x:/y:rx': POOL/PATH:/target or POOL/PATH:/target:ro (no '..', target not /)");
	expect_err(HEAD "persistent = maybe\n", "t.conf:4: bad persistent 'maybe': yes or no");
	expect_err(HEAD "hostname = Bad_Name\n", "t.conf:4: bad hostname 'Bad_Name': 1-63 of a-z 0-9 -");
}

static void test_cpu_max(void **state)
{
	char buf[64];

	(void)state;
	cairn_ct_cpu_max(500, buf, sizeof(buf));
	assert_string_equal(buf, "50000 100000\n");
	cairn_ct_cpu_max(2000, buf, sizeof(buf));
	assert_string_equal(buf, "200000 100000\n");
	cairn_ct_cpu_max(1, buf, sizeof(buf));
	assert_string_equal(buf, "100 100000\n");
	cairn_ct_cpu_max(0, buf, sizeof(buf));
	assert_string_equal(buf, "max 100000\n");
	/* from the config: 1.25 CPUs */
	{
		struct cairn_config *c = parse_ok(HEAD "exec = /a\ncpu = 1.25\n");

		cairn_ct_cpu_max(c->services[0].ct->cpu_milli, buf, sizeof(buf));
		assert_string_equal(buf, "125000 100000\n");
		cairn_config_free(c);
	}
}

static void test_io_max(void **state)
{
	struct cairn_ct_io io = { .dev = (char *)"8:16", .rbps = 1048576, .wiops = 50 };
	char buf[128];

	(void)state;
	ct_cgroup_io_max(&io, buf, sizeof(buf));
	assert_string_equal(buf, "8:16 rbps=1048576 wbps=max riops=max wiops=50\n");
}

static void test_idmap_pick(void **state)
{
	uint32_t base, used[3];

	(void)state;
	assert_int_equal(ct_idmap_pick(NULL, 0, &base), 0);
	assert_int_equal(base, 131072);       /* the first aligned block above 100000 */
	used[0] = 131072;
	assert_int_equal(ct_idmap_pick(used, 1, &base), 0);
	assert_int_equal(base, 196608);
	/* an explicit range straddling two blocks takes both */
	used[0] = 131072;
	used[1] = 200000;
	assert_int_equal(ct_idmap_pick(used, 2, &base), 0);
	assert_int_equal(base, 327680);
	/* an explicit range below the auto area does not matter */
	used[0] = 65536;
	assert_int_equal(ct_idmap_pick(used, 1, &base), 0);
	assert_int_equal(base, 131072);
	/* a range ending exactly where a block starts does not overlap it */
	used[0] = 131072 - 65536;
	used[1] = 131072 + 65536;
	assert_int_equal(ct_idmap_pick(used, 2, &base), 0);
	assert_int_equal(base, 131072);
}

static void test_security_lists(void **state)
{
	struct cairn_err e = { "" };
	const char *const *app = ct_seccomp_denied(CAIRN_CT_APP);
	const char *const *sys = ct_seccomp_denied(CAIRN_CT_SYSTEM);
	const int *caps;
	bool has_sys_admin = false;
	size_t n;
	int k;

	(void)state;
	assert_int_equal(ct_seccomp_check(CAIRN_CT_APP, &e), 0);
	assert_int_equal(ct_seccomp_check(CAIRN_CT_SYSTEM, &e), 0);
	for (const char *want[] = { "keyctl", "add_key", "request_key", "bpf", "ptrace", "mount", "umount2",
				    "reboot", "kexec_load", "init_module", "finit_module", "delete_module",
				    "swapon", "acct", "settimeofday", "clock_settime", "perf_event_open",
				    "userfaultfd", "open_by_handle_at", NULL }, **w = want; *w; w++) {
		for (k = 0; app[k] && strcmp(app[k], *w); k++)
			;
		if (!app[k])
			print_error("%s is not denied to app containers\n", *w);
		assert_non_null(app[k]);
	}
	/* a system container mounts and reboots (itself), loads no module */
	for (k = 0; sys[k]; k++) {
		assert_string_not_equal(sys[k], "mount");
		assert_string_not_equal(sys[k], "reboot");
	}
	for (k = 0; sys[k] && strcmp(sys[k], "finit_module"); k++)
		;
	assert_non_null(sys[k]);
	caps = ct_caps_app(&n);
	assert_int_equal(n, 14);   /* Docker's default set */
	for (size_t i = 0; i < n; i++)
		has_sys_admin |= caps[i] == CAP_SYS_ADMIN || caps[i] == CAP_SYS_MODULE ||
				 caps[i] == CAP_SYS_PTRACE || caps[i] == CAP_NET_ADMIN;
	assert_false(has_sys_admin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_dup),
		cmocka_unit_test(test_bridge_address),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_cpu_max),
		cmocka_unit_test(test_io_max),
		cmocka_unit_test(test_idmap_pick),
		cmocka_unit_test(test_security_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

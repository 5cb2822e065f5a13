/* test_vm.c - [vm NAME]: values, defaults and errors with their lines;
 * QEMU's argv for a plan; QMP replies and events parsed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_test_helpers.h"
#include "config_vm.h"
#include "qemu_args.h"
#include "qmp.h"
#include "strv.h"
#include "tap.h"

#define expect_err(text, msg) expect_err_as((text), (msg), 0)

#define POOLNET "[pool store]\nsource = /dev/sdb\n[network br0]\n"

static void test_config_values(void **state)
{
	struct cairn_config *c;
	const struct cairn_vm *vm;
	char mac[18], mac2[18];

	(void)state;
	c = parse_ok(POOLNET "[vm web]\nmemory = 2G\ncpus = 4\n"
		     "disk = store/web.qcow2,format=qcow2,size=8G\n"
		     "disk = /var/images/seed.raw,readonly\n"
		     "firmware = uefi\nnetwork = bridge:br0\nrestart = always\n");
	assert_int_equal(c->n_services, 1);
	assert_int_equal(c->services[0].kind, CAIRN_KIND_VM);
	vm = c->services[0].vm;
	assert_int_equal(vm->memory, 2ull << 30);
	assert_int_equal(vm->cpus, 4);
	assert_int_equal(vm->n_disks, 2);
	assert_string_equal(vm->disks[0].pool, "store");
	assert_string_equal(vm->disks[0].path, "web.qcow2");
	assert_int_equal(vm->disks[0].format, CAIRN_VM_QCOW2);
	assert_int_equal(vm->disks[0].size, 8ull << 30);
	assert_null(vm->disks[1].pool);
	assert_string_equal(vm->disks[1].path, "/var/images/seed.raw");
	assert_true(vm->disks[1].readonly);
	assert_int_equal(vm->firmware, CAIRN_VM_UEFI);
	assert_string_equal(vm->bridge, "br0");
	assert_int_equal(c->services[0].restart, CAIRN_RESTART_ALWAYS);
	/* a stable MAC from the name, unless mac = is set */
	cairn_vm_mac("web", vm, mac);
	cairn_vm_mac("web", vm, mac2);
	assert_string_equal(mac, mac2);
	assert_memory_equal(mac, "52:54:00:", 9);
	cairn_vm_mac("db", vm, mac2);
	assert_string_not_equal(mac, mac2);
	assert_non_null(strstr(c->services[0].canon, "network = bridge:br0\n"));
	cairn_config_free(c);

	c = parse_ok("[vm k]\nkernel = /boot/vmlinuz\ninitrd = /boot/initrd\ncmdline = console=ttyS0\n"
		     "mac = 52:54:00:AB:cd:01\n");
	vm = c->services[0].vm;
	assert_int_equal(vm->memory, 512u << 20);   /* defaults */
	assert_int_equal(vm->cpus, 1);
	assert_null(vm->bridge);
	cairn_vm_mac("k", vm, mac);
	assert_string_equal(mac, "52:54:00:ab:cd:01");
	cairn_config_free(c);
}

static void test_config_errors(void **state)
{
	(void)state;
	expect_err("[vm v]\nkernel = /k\nmemory = 1000K\n",
		   "t.conf:3: bad memory '1000K': expected a whole number of MiB, at least 16M, such as 512M or 2G");
	expect_err("[vm v]\nkernel = /k\nmemory = 8M\n",
		   "t.conf:3: bad memory '8M': expected a whole number of MiB, at least 16M, such as 512M or 2G");
	expect_err("[vm v]\nkernel = /k\ncpus = 0\n", "t.conf:3: bad cpus '0': expected 1 to 255");
	expect_err("[vm v]\nkernel = /k\ncpus = 256\n", "t.conf:3: bad cpus '256': expected 1 to 255");
	expect_err("[vm v]\nkernel = boot/k\n", "t.conf:2: bad kernel 'boot/k': expected an absolute path");
	expect_err("[vm v]\nkernel = /boot/../k\n",
		   "t.conf:2: bad kernel '/boot/../k': expected an absolute path");
	expect_err("[vm v]\nkernel = /k\ndisk = nopool\n",
		   "t.conf:3: bad disk 'nopool': expected POOL/FILE[,format=raw|qcow2][,readonly][,size=8G]");
	expect_err("[vm v]\nkernel = /k\ndisk = /etc/x.img\n",
		   "t.conf:3: bad disk '/etc/x.img': an absolute path must be a plain path under /var/");
	expect_err("[vm v]\nkernel = /k\ndisk = p/../x\n",
		   "t.conf:3: bad disk 'p/../x': expected POOL/FILE[,format=raw|qcow2][,readonly][,size=8G]");
	expect_err("[vm v]\nkernel = /k\ndisk = p/x,format=vmdk\n",
		   "t.conf:3: bad disk option 'format=vmdk': expected format=raw, format=qcow2, readonly or size=SIZE");
	expect_err("[vm v]\nkernel = /k\ndisk = p/x,size=lots\n",
		   "t.conf:3: bad disk size 'lots': expected " "a size such as 65536, 512K, 1M or 1G (powers of 1024)" ", a multiple of 512");
	expect_err("[vm v]\nkernel = /k\ndisk = p/x,readonly,size=1G\n",
		   "t.conf:3: bad disk 'p/x,readonly,size=1G': a readonly disk cannot be created (size=)");
	expect_err("[vm v]\nkernel = /k\nnetwork = bridge\n",
		   "t.conf:3: bad network 'bridge': expected none or bridge:NAME");
	expect_err("[vm v]\nkernel = /k\nfirmware = coreboot\n",
		   "t.conf:3: bad firmware 'coreboot': expected bios or uefi");
	expect_err("[vm v]\nkernel = /k\nmac = 01:00:5e:00:00:01\n",
		   "t.conf:3: bad mac '01:00:5e:00:00:01': expected a unicast address such as 52:54:00:12:34:56");
	expect_err("[vm v]\nmemory = 1G\n",
		   "t.conf:1: [vm v] has nothing to boot: set kernel = PATH, or a disk (with firmware = uefi or bios)");
	expect_err("[vm v]\ninitrd = /i\ndisk = /var/a\n", "t.conf:2: [vm v]: initrd and cmdline need kernel = PATH");
	/* the whole file is known at finish: networks and pools by name */
	expect_err("[vm v]\nkernel = /k\nnetwork = bridge:nope\n",
		   "t.conf:3: [vm v]: unknown network 'nope' (no [network nope] section)");
	expect_err("[vm v]\nkernel = /k\n\ndisk = nope/a.img\n",
		   "t.conf:4: [vm v]: unknown pool 'nope' (no [pool nope] section)");
	expect_err(POOLNET "[vm v]\nkernel = /k\ndisk = store/a\ndisk = store/a,readonly\n",
		   "t.conf:7: [vm v]: the same disk twice (first on line 6)");
}

static int has_pair(char **argv, const char *opt, const char *val)
{
	for (char **p = argv; *p && p[1]; p++)
		if (!strcmp(p[0], opt) && !strcmp(p[1], val))
			return 1;
	return 0;
}

static int has_arg(char **argv, const char *a)
{
	for (char **p = argv; *p; p++)
		if (!strcmp(*p, a))
			return 1;
	return 0;
}

static int has_prefix(char **argv, const char *prefix)
{
	for (char **p = argv; *p; p++)
		if (!strncmp(*p, prefix, strlen(prefix)))
			return 1;
	return 0;
}

static void test_qemu_args(void **state)
{
	struct cairn_vm_disk disks[2] = {
		{ .pool = "p", .path = "a.qcow2", .format = CAIRN_VM_QCOW2 },
		{ .path = "/var/b.raw", .readonly = true },
	};
	struct cairn_vm vm = { .memory = 256u << 20, .cpus = 2, .kernel = "/k", .initrd = "/i",
			       .disks = disks, .n_disks = 2 };
	const char *paths[] = { "/pools/p/a.qcow2", "/var/b.raw" };
	struct qemu_plan p = { .qemu = "/usr/bin/qemu-system-x86_64", .name = "web", .vm = &vm,
			       .disks = paths, .mac = "52:54:00:01:02:03" };
	struct cairn_err e = { "" };
	char **argv;

	(void)state;
	assert_int_equal(qemu_args_build(&p, &argv, &e), 0);
	assert_string_equal(argv[0], "/usr/bin/qemu-system-x86_64");
	assert_true(has_arg(argv, "-nodefaults"));
	assert_true(has_pair(argv, "-accel", "tcg,thread=single"));
	assert_true(has_pair(argv, "-m", "256M"));
	assert_true(has_pair(argv, "-smp", "2"));
	assert_true(has_pair(argv, "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"));
	assert_true(has_pair(argv, "-chardev", "socket,id=qmp,fd=3,server=on,wait=off"));
	assert_true(has_pair(argv, "-add-fd", "fd=6,set=1,opaque=log"));
	assert_true(has_pair(argv, "-chardev",
			     "socket,id=console,fd=4,server=on,wait=off,logfile=/dev/fdset/1,logappend=on"));
	assert_true(has_pair(argv, "-kernel", "/k"));
	assert_true(has_pair(argv, "-initrd", "/i"));
	assert_true(has_pair(argv, "-append", "console=ttyS0"));   /* the default */
	assert_true(has_pair(argv, "-drive", "file=/pools/p/a.qcow2,format=qcow2,if=none,id=disk0,discard=unmap"));
	assert_true(has_pair(argv, "-device", "virtio-blk-pci,drive=disk0"));   /* a kernel boots */
	assert_true(has_pair(argv, "-drive", "file=/var/b.raw,format=raw,if=none,id=disk1,readonly=on"));
	assert_true(has_pair(argv, "-device", "virtio-blk-pci,drive=disk1"));
	assert_false(has_arg(argv, "-netdev"));
	assert_false(has_prefix(argv, "if=pflash"));   /* bios: no firmware drives */
	cairn_strv_free(argv);

	/* KVM, UEFI from the first disk, a NIC on a tap */
	p.kvm = true;
	p.tap = true;
	vm.kernel = vm.initrd = NULL;
	vm.firmware = CAIRN_VM_UEFI;
	p.ovmf_code = "/usr/share/OVMF/OVMF_CODE_4M.fd";
	p.ovmf_vars = "/var/lib/cairn/vm/web/OVMF_VARS.fd";
	assert_int_equal(qemu_args_build(&p, &argv, &e), 0);
	assert_true(has_pair(argv, "-accel", "kvm"));
	assert_true(has_pair(argv, "-cpu", "host"));
	assert_false(has_arg(argv, "-kernel"));
	assert_true(has_pair(argv, "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"));
	assert_true(has_pair(argv, "-drive", "if=pflash,format=raw,unit=1,file=/var/lib/cairn/vm/web/OVMF_VARS.fd"));
	assert_true(has_pair(argv, "-drive", "file=/pools/p/a.qcow2,format=qcow2,if=none,id=disk0,discard=unmap"));
	assert_true(has_pair(argv, "-device", "virtio-blk-pci,drive=disk0,bootindex=0"));
	assert_true(has_pair(argv, "-device", "virtio-blk-pci,drive=disk1"));
	assert_true(has_pair(argv, "-netdev", "tap,id=net0,fd=5"));
	assert_true(has_pair(argv, "-device", "virtio-net-pci,netdev=net0,mac=52:54:00:01:02:03,romfile="));
	cairn_strv_free(argv);
}

static void test_qmp_parse(void **state)
{
	struct qmp_msg m;
	struct cairn_err e = { "" };
	const char *s;

	(void)state;
	s = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 13, \"minor\": 0, \"major\": 10}}, \"capabilities\": [\"oob\"]}}";
	assert_int_equal(qmp_parse(s, strlen(s), &m, &e), 0);
	assert_int_equal(m.type, QMP_GREETING);
	s = "{\"return\": {\"status\": \"running\", \"running\": true}, \"id\": \"status\"}";
	assert_int_equal(qmp_parse(s, strlen(s), &m, &e), 0);
	assert_int_equal(m.type, QMP_RETURN);
	assert_string_equal(m.id, "status");
	assert_string_equal(m.status, "running");
	s = "{\"return\": {}}";
	assert_int_equal(qmp_parse(s, strlen(s), &m, &e), 0);
	assert_int_equal(m.type, QMP_RETURN);
	assert_string_equal(m.id, "");
	s = "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command nope has not been found\"}, \"id\": \"x\"}";
	assert_int_equal(qmp_parse(s, strlen(s), &m, &e), 0);
	assert_int_equal(m.type, QMP_ERROR);
	assert_string_equal(m.desc, "The command nope has not been found");
	s = "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, \"reason\": \"guest-shutdown\"}}";
	assert_int_equal(qmp_parse(s, strlen(s), &m, &e), 0);
	assert_int_equal(m.type, QMP_EVENT);
	assert_string_equal(m.event, "SHUTDOWN");
	assert_true(m.guest);
	assert_string_equal(m.reason, "guest-shutdown");
	s = "{\"event\": \"RESET\", \"data\": {\"guest\": false, \"reason\": \"host-qmp-system-reset\"}}";
	assert_int_equal(qmp_parse(s, strlen(s), &m, &e), 0);
	assert_false(m.guest);
	s = "{\"event\": \"STOP\"}";
	assert_int_equal(qmp_parse(s, strlen(s), &m, &e), 0);
	assert_string_equal(m.status, "paused");
	s = "{\"event\": \"GUEST_PANICKED\", \"data\": {\"action\": \"pause\"}}";
	assert_int_equal(qmp_parse(s, strlen(s), &m, &e), 0);
	assert_string_equal(m.event, "GUEST_PANICKED");
	assert_string_equal(m.reason, "pause");
	/* refused */
	assert_int_equal(qmp_parse("{", 1, &m, &e), -EINVAL);
	assert_int_equal(qmp_parse("[1]", 3, &m, &e), -EINVAL);
	assert_int_equal(qmp_parse("{\"event\": 3}", 12, &m, &e), -EINVAL);
	assert_int_equal(qmp_parse("{\"foo\": 1}", 10, &m, &e), -EINVAL);
	/* an over-long status is cut, not overflowed */
	s = "{\"return\": {\"status\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}}";
	assert_int_equal(qmp_parse(s, strlen(s), &m, &e), 0);
	assert_int_equal(strlen(m.status), sizeof(m.status) - 1);
}

static void test_tap_name(void **state)
{
	char n[IF_NAMESIZE];

	(void)state;
	assert_int_equal(tap_name("web", n), 0);
	assert_string_equal(n, "vm-web");
	/* long names: net_ifname_for's form, never a short name's */
	assert_int_equal(tap_name("a-rather-long-vm-name", n), 0);
	assert_int_equal(strlen(n), IF_NAMESIZE - 1);
	assert_memory_equal(n, "vm-a-r-", 7);
	assert_int_equal(tap_name("", n), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_values),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_qemu_args),
		cmocka_unit_test(test_qmp_parse),
		cmocka_unit_test(test_tap_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_slot.c - the slot keeper without a disk: loader entry names and
 * systemd-boot's order (update/entry.c), blessing's rename (bless.c), and
 * slot.c / failed.c / rollback.c on a fake ESP directory, cmdline and
 * sysfs in a temporary directory; the [host] keys they read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bless.h"
#include "config_test_helpers.h"
#include "duration.h"
#include "entry.h"
#include "failed.h"
#include "fileio.h"
#include "format_slots.h"
#include "hostport.h"
#include "slot.h"
#include "slot_env.h"

static char dir[64];

static void put(const char *rel, const char *text)
{
	char p[256];
	struct cairn_err e = { "" };

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	assert_int_equal(cairn_write_atomic(p, text, strlen(text), 0644, &e), 0);
}

static bool exists(const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return access(p, F_OK) == 0;
}

static char *slurp(const char *rel)
{
	char p[256], *buf = NULL;
	size_t len;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	assert_int_equal(cairn_read_file(p, 65536, &buf, &len, NULL), 0);
	return buf;
}

static char esp[128], cmdline[128], sys[128], upd[128], ver[128];

static int setup(void **state)
{
	char p[256];

	snprintf(dir, sizeof(dir), "/tmp/test_slot.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(esp, sizeof(esp), "%s/esp", dir);
	snprintf(cmdline, sizeof(cmdline), "%s/cmdline", dir);
	snprintf(sys, sizeof(sys), "%s/sys", dir);
	snprintf(upd, sizeof(upd), "%s/update", dir);
	snprintf(ver, sizeof(ver), "%s/version", dir);
	for (const char *d = "esp\0esp/loader\0esp/loader/entries\0sys\0sys/vda3\0sys/vda6\0";
	     *d; d += strlen(d) + 1) {
		snprintf(p, sizeof(p), "%s/%s", dir, d);
		mkdir(p, 0755);
	}
	slot_env_set(&(struct slot_env){ .esp_dir = esp, .cmdline = cmdline, .sys_block = sys,
					 .dev_dir = "/dev", .update_dir = upd,
					 .version_file = ver });
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_entry_names(void **state)
{
	struct boot_entry en;
	char buf[64];

	assert_int_equal(entry_parse_name("cairn-a+3.conf", &en), 0);
	assert_int_equal(en.slot, 'a');
	assert_int_equal(en.tries_left, 3);
	assert_int_equal(en.tries_done, 0);
	assert_int_equal(entry_parse_name("cairn-a+2-1.conf", &en), 0);
	assert_int_equal(en.tries_left, 2);
	assert_int_equal(en.tries_done, 1);
	assert_int_equal(entry_parse_name("cairn-a+0-3.conf", &en), 0);
	assert_int_equal(en.tries_left, 0);
	assert_int_equal(en.tries_done, 3);
	assert_int_equal(entry_parse_name("cairn-b.conf", &en), 0);
	assert_int_equal(en.slot, 'b');
	assert_int_equal(en.tries_left, -1);
	assert_int_equal(en.tries_done, -1);
	assert_string_equal(en.fname, "cairn-b.conf");
	static const char *const bad[] = {
		"cairn-c.conf", "cairn-a", "cairn-a.conf.tmp.Xa1b2c", "cairn-a+.conf",
		"cairn-a+3-.conf", "cairn-a+1000.conf", "cairn-a+-1.conf", "cairn-ab.conf",
		"other-a.conf", "cairn-a+3-1-1.conf", "", "cairn-a+3.confx", "cairn-A.conf", "cairn-b+01-3.conf",
		"cairn-b+1-03.conf",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (entry_parse_name(bad[i], &en) != -EINVAL)
			fail_msg("accepted %s", bad[i]);
	}
	entry_format_name(buf, sizeof(buf), 'a', 3, 0);
	assert_string_equal(buf, "cairn-a+3.conf");
	entry_format_name(buf, sizeof(buf), 'b', 0, 3);
	assert_string_equal(buf, "cairn-b+0-3.conf");
	entry_format_name(buf, sizeof(buf), 'a', -1, -1);
	assert_string_equal(buf, "cairn-a.conf");
}

static void test_entry_body(void **state)
{
	struct boot_entry en;
	char body[1024];

	assert_int_equal(entry_format_body(body, sizeof(body), 'b', "0.2.0",
					   "console=ttyS0 panic=-1 cairn.slot=b cairn.roothash=ab"), 0);
	assert_string_equal(body, "title cairn 0.2.0 (slot b)\nversion 0.2.0\nsort-key cairn\n"
			    "linux /EFI/cairn/b/vmlinuz\ninitrd /EFI/cairn/b/initrd\n"
			    "options console=ttyS0 panic=-1 cairn.slot=b cairn.roothash=ab\n");
	memset(&en, 0, sizeof(en));
	entry_parse_body("title x\r\n  version   1.2 \nsort-key\tcairn\noptionsx no\noptions a b\n",
			 &en);
	assert_string_equal(en.version, "1.2");
	assert_string_equal(en.sort_key, "cairn");
	assert_string_equal(en.options, "a b");
	assert_int_equal(entry_format_body(body, 40, 'b', "0.2.0", "x"), -ENAMETOOLONG);
	assert_true(entry_version_ok("0.2.0~rc1+git_3"));
	assert_false(entry_version_ok("0.2 0"));
	assert_false(entry_version_ok(""));
	assert_false(entry_version_ok("1\n"));
}

static void test_vercmp(void **state)
{
	assert_true(entry_vercmp("0.2.0", "0.1.0") > 0);
	assert_true(entry_vercmp("0.10.0", "0.9.0") > 0);
	assert_true(entry_vercmp("1.0", "1.0.1") < 0);
	assert_true(entry_vercmp("1.0~rc1", "1.0") < 0);
	assert_true(entry_vercmp("1.0a", "1.0") > 0);
	assert_true(entry_vercmp("1.01", "1.1") == 0);
	assert_true(entry_vercmp("", "0") < 0);
	assert_int_equal(entry_vercmp("0.1.0", "0.1.0"), 0);
}

static struct boot_entry mk(const char *fname, const char *version)
{
	struct boot_entry en;

	assert_int_equal(entry_parse_name(fname, &en), 0);
	snprintf(en.version, sizeof(en.version), "%s", version);
	snprintf(en.sort_key, sizeof(en.sort_key), "cairn");
	return en;
}

static void test_choose(void **state)
{
	struct boot_entry v[3];

	/* a fresh update: the higher version with tries left boots */
	v[0] = mk("cairn-a.conf", "0.1.0");
	v[1] = mk("cairn-b+3.conf", "0.2.0");
	assert_string_equal(entry_choose(v, 2)->fname, "cairn-b+3.conf");
	/* while it has tries left, it keeps booting */
	v[0] = mk("cairn-b+1-2.conf", "0.2.0");
	v[1] = mk("cairn-a.conf", "0.1.0");
	assert_string_equal(entry_choose(v, 2)->fname, "cairn-b+1-2.conf");
	/* out of tries: last, whatever its version */
	v[0] = mk("cairn-b+0-3.conf", "0.2.0");
	v[1] = mk("cairn-a.conf", "0.1.0");
	assert_string_equal(entry_choose(v, 2)->fname, "cairn-a.conf");
	assert_string_equal(v[1].fname, "cairn-b+0-3.conf");
	/* both out of tries: systemd-boot still boots the first (newest) */
	v[0] = mk("cairn-a+0-3.conf", "0.1.0");
	v[1] = mk("cairn-b+0-3.conf", "0.2.0");
	assert_string_equal(entry_choose(v, 2)->fname, "cairn-b+0-3.conf");
	/* an entry without sort-key sorts after those with one */
	v[0] = mk("cairn-b+3.conf", "0.9.0");
	v[0].sort_key[0] = '\0';
	v[1] = mk("cairn-a+2-1.conf", "0.1.0");
	assert_string_equal(entry_choose(v, 2)->fname, "cairn-a+2-1.conf");
	/* the same version: by id, newer (b) first */
	v[0] = mk("cairn-a.conf", "0.1.0");
	v[1] = mk("cairn-b.conf", "0.1.0");
	v[2] = mk("cairn-a+0-3.conf", "0.3.0");
	assert_string_equal(entry_choose(v, 3)->fname, "cairn-b.conf");
	assert_string_equal(v[2].fname, "cairn-a+0-3.conf");
	assert_null(entry_choose(v, 0));
}

static void test_bless_rename(void **state)
{
	struct cairn_err e = { "" };
	char ed[200], nn[64];

	snprintf(ed, sizeof(ed), "%s/loader/entries", esp);
	put("esp/loader/entries/cairn-a+2-1.conf", "version 0.1.0\n");
	assert_int_equal(bless_rename(ed, "cairn-a+2-1.conf", nn, sizeof(nn), &e), 0);
	assert_string_equal(nn, "cairn-a.conf");
	assert_true(exists("esp/loader/entries/cairn-a.conf"));
	assert_false(exists("esp/loader/entries/cairn-a+2-1.conf"));
	/* blessed already, or not ours: refused, nothing renamed */
	assert_int_equal(bless_rename(ed, "cairn-a.conf", nn, sizeof(nn), &e), -EINVAL);
	assert_int_equal(bless_rename(ed, "loader.conf", nn, sizeof(nn), &e), -EINVAL);
	assert_true(exists("esp/loader/entries/cairn-a.conf"));
	/* a missing file: an error that names it */
	assert_int_equal(bless_rename(ed, "cairn-b+1-2.conf", nn, sizeof(nn), &e), -ENOENT);
	assert_non_null(strstr(e.msg, "cairn-b+1-2.conf"));
	unlink(strcat(ed, "/cairn-a.conf"));
}

static void test_booted_and_partitions(void **state)
{
	struct cairn_err e = { "" };
	char name = 0, root[64], verity[64];

	put("cmdline", "console=ttyS0 panic=-1 cairn.slot=b cairn.roothash=00\n");
	assert_int_equal(slot_booted(NULL, &name, &e), 0);
	assert_int_equal(name, 'b');
	put("cmdline", "console=ttyS0 cairn.slot=c cairn.slotx=a\n");
	assert_int_equal(slot_booted(NULL, &name, &e), -ENOENT);
	put("sys/vda3/uevent", "MAJOR=253\nDEVNAME=vda3\nPARTNAME=cairn-root-a\n");
	put("sys/vda6/uevent", "DEVNAME=vda6\nPARTNAME=cairn-verity-a\n");
	assert_int_equal(slot_partitions('a', root, sizeof(root), verity, sizeof(verity), &e), 0);
	assert_string_equal(root, "/dev/vda3");
	assert_string_equal(verity, "/dev/vda6");
	assert_int_equal(slot_partitions('b', root, sizeof(root), verity, sizeof(verity), &e),
			 -ENOENT);
	assert_non_null(strstr(e.msg, "cairn-root-b"));
	assert_int_equal(slot_partitions('x', root, sizeof(root), verity, sizeof(verity), &e),
			 -EINVAL);
}

static void test_install_list_invalidate(void **state)
{
	struct cairn_err e = { "" };
	struct slot_info info[2];
	char *text;

	put("cmdline", "console=ttyS0 panic=-1 cairn.slot=a cairn.roothash=aa\n");
	put("version", "0.1.0\n");
	put("esp/loader/entries/cairn-a.conf",
	    "title cairn 0.1.0 (slot a)\nversion 0.1.0\nsort-key cairn\n"
	    "options console=ttyS0,115200 panic=-1 quiet cairn.slot=a cairn.roothash=aa\n");
	put("kernel", "KERNEL");
	put("initrd", "INITRD");
	assert_int_equal(slot_list(info, &e), 0);
	assert_int_equal(info[0].state, SLOT_ACTIVE);
	assert_true(info[0].blessed);
	assert_string_equal(info[0].version, "0.1.0");
	assert_int_equal(info[1].state, SLOT_EMPTY);
	assert_true(info[0].next_boot);
	assert_false(info[1].next_boot);

	/* bad input changes nothing */
	char k[200], i[200];
	snprintf(k, sizeof(k), "%s/kernel", dir);
	snprintf(i, sizeof(i), "%s/initrd", dir);
	assert_int_equal(slot_install_boot('b', k, i, "XYZ", "0.2.0", &e), -EINVAL);
	assert_int_equal(slot_install_boot('b', k, i, "bb", "0.2 0", &e), -EINVAL);
	assert_false(exists("esp/EFI"));
	/* the booted slot is never invalidated */
	assert_int_equal(slot_invalidate('a', &e), -EBUSY);
	assert_true(exists("esp/loader/entries/cairn-a.conf"));

	assert_int_equal(slot_install_boot('b', k, i, "0123abcd", "0.2.0", &e), 0);
	text = slurp("esp/loader/entries/cairn-b+3.conf");
	/* the running entry's console words, the new slot's own */
	assert_string_equal(text, "title cairn 0.2.0 (slot b)\nversion 0.2.0\nsort-key cairn\n"
			    "linux /EFI/cairn/b/vmlinuz\ninitrd /EFI/cairn/b/initrd\n"
			    "options console=ttyS0,115200 panic=-1 quiet cairn.slot=b "
			    "cairn.roothash=0123abcd\n");
	free(text);
	text = slurp("esp/EFI/cairn/b/vmlinuz");
	assert_string_equal(text, "KERNEL");
	free(text);
	assert_int_equal(slot_list(info, &e), 0);
	assert_int_equal(info[1].state, SLOT_PENDING);
	assert_string_equal(info[1].version, "0.2.0");
	assert_int_equal(info[1].tries_left, 3);
	assert_false(info[1].blessed);
	/* the newer entry with tries left is the one systemd-boot picks */
	assert_true(info[1].next_boot);
	assert_false(info[0].next_boot);

	/* a second install replaces the entry (one per slot) */
	assert_int_equal(slot_install_boot('b', k, i, "0123abcd", "0.2.1", &e), 0);
	assert_int_equal(slot_list(info, &e), 0);
	assert_string_equal(info[1].version, "0.2.1");
	assert_int_equal(slot_invalidate('b', &e), 0);
	assert_false(exists("esp/loader/entries/cairn-b+3.conf"));
	assert_int_equal(slot_list(info, &e), 0);
	assert_int_equal(info[1].state, SLOT_EMPTY);
	unlink(strcat(strcpy(k, esp), "/loader/entries/cairn-a.conf"));
}

static void test_rollback(void **state)
{
	struct cairn_err e = { "" };
	struct slot_info info[2];
	char why[200], *text;

	put("cmdline", "cairn.slot=a\n");
	put("version", "0.1.0\n");
	put("esp/loader/entries/cairn-a.conf", "version 0.1.0\nsort-key cairn\n");
	put("esp/loader/entries/cairn-b+0-3.conf", "version 0.2.0\nsort-key cairn\n");
	mkdir(upd, 0755);
	put("update/unblessed", "b 0.2.0 not blessed 20 s after boot: health_command false exited 1\n");
	assert_int_equal(failed_version_find("0.2.0", why, sizeof(why), &e), 0);
	assert_int_equal(rollback_check(&e), 1);
	assert_int_equal(failed_version_find("0.2.0", why, sizeof(why), &e), 1);
	assert_string_equal(why, "not blessed 20 s after boot: health_command false exited 1");
	assert_false(exists("update/unblessed"));
	/* seen again at the next boot: still one line */
	assert_int_equal(rollback_check(&e), 1);
	text = slurp("update/failed-versions");
	assert_string_equal(text, "0.2.0 not blessed 20 s after boot: health_command false exited 1\n");
	free(text);
	assert_int_equal(slot_list(info, &e), 0);
	assert_int_equal(info[0].state, SLOT_ACTIVE);
	assert_int_equal(info[1].state, SLOT_FAILED);
	assert_string_equal(info[1].version, "0.2.0");
	assert_string_equal(info[1].reason, why);

	/* without a note (stage 1 refused it): the counter is the reason */
	put("esp/loader/entries/cairn-b+0-3.conf", "version 0.3.0\nsort-key cairn\n");
	assert_int_equal(rollback_check(&e), 1);
	assert_int_equal(failed_version_find("0.3.0", why, sizeof(why), &e), 1);
	assert_string_equal(why, "no boot tries left (3 tried), never blessed");
	assert_int_equal(failed_version_find("0.2", why, sizeof(why), &e), 0);
	assert_int_equal(failed_version_add("two words", "x", &e), -EINVAL);
	assert_int_equal(failed_version_add("0.4.0", "a\nb", &e), 0);
	assert_int_equal(failed_version_find("0.4.0", why, sizeof(why), &e), 1);
	assert_string_equal(why, "a b");

	/* the other slot still trying, or blessed: no rollback */
	unlink(strcat(strcpy(why, esp), "/loader/entries/cairn-b+0-3.conf"));
	put("esp/loader/entries/cairn-b+1-2.conf", "version 0.5.0\nsort-key cairn\n");
	assert_int_equal(rollback_check(&e), 0);
	unlink(strcat(strcpy(why, esp), "/loader/entries/cairn-b+1-2.conf"));
	unlink(strcat(strcpy(why, esp), "/loader/entries/cairn-a.conf"));
}

static void test_hostport_and_config(void **state)
{
	char h[256], p[8];
	struct cairn_config *c;

	assert_int_equal(cairn_hostport_split("127.0.0.1:8080", h, sizeof(h), p, sizeof(p)), 0);
	assert_string_equal(h, "127.0.0.1");
	assert_string_equal(p, "8080");
	assert_int_equal(cairn_hostport_split("[::1]:443", h, sizeof(h), p, sizeof(p)), 0);
	assert_string_equal(h, "::1");
	assert_int_equal(cairn_hostport_split("web.local:80", h, sizeof(h), p, sizeof(p)), 0);
	static const char *const bad[] = { "x", ":80", "h:0", "h:65536", "h:8a", "::1:80",
					   "[::1]80", "a b:1", "h:", "h:+1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cairn_hostport_split(bad[i], h, sizeof(h), p, sizeof(p)) != -EINVAL)
			fail_msg("accepted %s", bad[i]);

	c = parse_ok("[host]\ngeneration = 1\n");
	assert_int_equal(c->host.bless_after_ms, 30000);
	assert_int_equal(c->host.health_timeout_ms, 300000);
	assert_null(c->host.health_command);
	assert_null(c->host.health_address);
	cairn_config_free(c);
	c = parse_ok("[host]\nbless_after = 2s\nhealth_timeout = 1m\n"
		     "health_command = /bin/sh -c 'exit 0'\nhealth_address = 127.0.0.1:8080\n");
	assert_int_equal(c->host.bless_after_ms, 2000);
	assert_int_equal(c->host.health_timeout_ms, 60000);
	assert_string_equal(c->host.health_command[2], "exit 0");
	assert_string_equal(c->host.health_address, "127.0.0.1:8080");
	cairn_config_free(c);
	expect_err_as("[host]\nhealth_address = nowhere\n",
		      "t.conf:2: bad value 'nowhere' for 'health_address' in [host]: expected "
		      "HOST:PORT (an address or name, [IPv6]:PORT, port 1-65535)", ERR_EINVAL);
	expect_err_as("[host]\nhealth_timeout = 0\n",
		      "t.conf:2: bad value '0' for 'health_timeout' in [host]: expected " CAIRN_DURATION_FORMS ", above 0",
		      ERR_EINVAL);
}

static void test_format(void **state)
{
	cJSON *a = cJSON_Parse("[{\"name\":\"a\",\"state\":\"active\",\"version\":\"0.1.0\","
			       "\"blessed\":true,\"next_boot\":true,\"tries_left\":-1,\"tries_done\":-1,\"reason\":\"\"},"
			       "{\"name\":\"b\",\"state\":\"failed\",\"version\":\"0.2.0\","
			       "\"blessed\":false,\"next_boot\":false,\"tries_left\":0,\"tries_done\":3,"
			       "\"reason\":\"no boot tries left\"}]");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(a);
	assert_int_equal(fmt_slots(f, a), 0);
	fclose(f);
	assert_string_equal(buf,
		"SLOT  STATE   VERSION  BLESSED  NEXT  TRIES           REASON\n"
		"a     active  0.1.0    yes      yes   -               -\n"
		"b     failed  0.2.0    no       -     0 left, 3 done  no boot tries left\n");
	free(buf);
	cJSON_Delete(a);
	a = cJSON_Parse("{\"name\":\"a\"}");
	assert_int_equal(fmt_slots(stdout, a), -EINVAL);
	cJSON_Delete(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_names),
		cmocka_unit_test(test_entry_body),
		cmocka_unit_test(test_vercmp),
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_bless_rename),
		cmocka_unit_test(test_booted_and_partitions),
		cmocka_unit_test(test_install_list_invalidate),
		cmocka_unit_test(test_rollback),
		cmocka_unit_test(test_hostport_and_config),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
